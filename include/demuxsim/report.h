/* report.h - the one module that formats results: the per-segment trace
 * (text or JSON lines) and the run summary (text or a JSON document).
 */
#ifndef DEMUXSIM_REPORT_H
#define DEMUXSIM_REPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "demuxsim/capture.h"
#include "demuxsim/demux.h"
#include "demuxsim/packet.h"
#include "demuxsim/summary.h"

typedef enum {
	DM_FORMAT_TEXT,
	DM_FORMAT_JSONL,
	DM_FORMAT_JSON,
	DM_FORMAT_CSV,
	DM_FORMAT_DOT,   /* the run as a Graphviz diagram */
	DM_FORMAT_SVG,   /* the diagram rendered through libgvc */
} dm_format;

enum {
	DM_REPORT_ALL_FRAMES = 1 << 0, /* trace frames without a segment too */
	DM_REPORT_QUIET = 1 << 1,      /* no per-segment trace */
};

typedef struct dm_report dm_report;

/**
 * dm_format_parse: the format named @name ("text", "jsonl", "json", "csv",
 * "dot", "svg").
 * Returns: true and sets @fmt when the name is known.
 */
bool dm_format_parse(const char *name, dm_format *fmt);

/**
 * dm_report_new: a report writing @fmt to @out with DM_REPORT_ flags.
 * Returns: the new report.
 */
dm_report *dm_report_new(FILE *out, dm_format fmt, unsigned flags);

/**
 * dm_report_begin_file: start the trace of the capture file @path whose
 * timestamps are nanoseconds when @nano.
 */
void dm_report_begin_file(dm_report *rep, const char *path, bool nano);

/**
 * dm_report_add_host: limit the view (trace and tables) to the hosts
 * added; with none added every host is shown.
 */
void dm_report_add_host(dm_report *rep, int family, const uint8_t *addr);

/**
 * dm_report_frame: trace frame @frame (1-based) of record @rec, decoded to
 * outcome @st in @pkt, with the receiving host's decision @d (NULL when
 * there is none).  Frames without a segment are traced only with
 * DM_REPORT_ALL_FRAMES.
 */
void dm_report_frame(dm_report *rep, uint64_t frame, const dm_record *rec,
                     dm_frame_status st, const dm_packet *pkt,
                     const dm_decision *d);

/* The room dm_report_line_start() needs. */
#define DM_REPORT_LINE_START_MAX 1024

/**
 * dm_report_line_start: make ahead, in @buf (@size bytes, at least
 * DM_REPORT_LINE_START_MAX), the start of frame @frame's trace line: the
 * part that the frame alone decides, before the socket table's decision.
 * It reads only what stays fixed while a file is read (format, flags,
 * timestamp precision), so another thread may call it meanwhile.
 * Returns: its length, or 0 when that frame's line is not made so (not
 * --format jsonl, -q, no segment, an IP fragment).
 */
size_t dm_report_line_start(const dm_report *rep, uint64_t frame, const dm_record *rec,
                            dm_frame_status st, const dm_packet *pkt,
                            char *buf, size_t size);

/**
 * dm_report_frame_started: as dm_report_frame(), the line begun with
 * @start (@len bytes from dm_report_line_start() for the same frame and
 * packet; 0 for none).
 */
void dm_report_frame_started(dm_report *rep, uint64_t frame, const dm_record *rec,
                             dm_frame_status st, const dm_packet *pkt,
                             const dm_decision *d, const char *start, size_t len);

/**
 * dm_report_summary: write the run summary @sum and, when @dm is not
 * NULL, the simulated hosts' socket tables (after the trace).
 */
void dm_report_summary(dm_report *rep, const dm_summary *sum, const dm_demux *dm);

/**
 * dm_report_socket_label: a one-line description of socket @s, such as
 * "udp 10.0.0.2:53", "tcp listen *:80" or
 * "tcp 10.0.0.2:80 <-> 10.0.0.1:51234", as a new string.
 * Returns: the label (g_free it).
 */
char *dm_report_socket_label(const dm_socket *s);

/**
 * dm_report_endpoint: "ADDR:PORT" ("[ADDR]:PORT" for IPv6; "*" for the
 * wildcard address when @star) written into @buf (at least 56 bytes).
 * Returns: @buf.
 */
char *dm_report_endpoint(int family, const uint8_t *addr, uint16_t port,
                         bool star, char *buf);

/**
 * dm_report_address: write address @addr of @family (4 or 6) as inet_ntop
 * does into @buf (at least 46 bytes).
 * Returns: @buf.
 */
char *dm_report_address(int family, const uint8_t *addr, char *buf);

/**
 * dm_report_skip_detail: what a frame skipped as @st says beyond its
 * status's name, written into @buf (@size bytes): for the IPv6 extension
 * chain, "more than 16 extension headers (last decoded: routing)" or "an
 * option runs past the end of its destination options header".
 * Returns: @buf, or NULL when there is nothing to add.
 */
const char *dm_report_skip_detail(dm_frame_status st, const dm_packet *pkt,
                                  char *buf, size_t size);

/* The compact text report's default limits: hosts and socket rows per
 * host, when the report goes to a terminal. */
#define DM_REPORT_SCREEN_HOSTS 10
#define DM_REPORT_SCREEN_SOCKETS 8

/**
 * dm_report_set_table_limits: in the text report's tables, show only the
 * @hosts busiest hosts, each with its @sockets busiest socket rows, and
 * say what was left out (0 = all, the default).
 */
void dm_report_set_table_limits(dm_report *rep, unsigned hosts, unsigned sockets);

/**
 * dm_report_set_max_nodes: in diagrams, keep the @n busiest sockets of
 * each host and fold the others into one node (0, the default: all).
 */
void dm_report_set_max_nodes(dm_report *rep, unsigned n);

/**
 * dm_report_svg_available: whether diagrams can be rendered as SVG here
 * (demuxsim was built with Graphviz's libgvc).
 * Returns: true when DM_FORMAT_SVG works.
 */
bool dm_report_svg_available(void);

/**
 * dm_report_writes_frames: whether the report writes or keeps anything of
 * each frame (a trace, per-frame fields, an observer such as --report's
 * list of checksum failures), as opposed to the tables at the end only.
 */
bool dm_report_writes_frames(const dm_report *rep);

/**
 * dm_report_keep_failures: make the report remember every segment with a
 * bad checksum that it is given, for dm_report_write_html.
 */
void dm_report_keep_failures(dm_report *rep);

/**
 * dm_report_write_html: write the run as one self-contained HTML page to
 * @out: summary, diagram, socket tables, socket timeline, checksum
 * failures (those kept since dm_report_keep_failures) and refusals.
 * Returns: false when writing failed.
 */
bool dm_report_write_html(const dm_report *rep, const dm_summary *sum,
                          const dm_demux *dm, FILE *out);

/* What a shard holds from a frame on, and its peaks so far
 * (dm_shard_note_held). */
typedef struct {
	uint64_t frame, sockets, memory, peak_sockets, peak_memory;
} dm_shard_held;

/* What a shard's JSON report says of its shard (dm_shard_info() fills
 * it from a dm_shard). */
typedef struct {
	uint32_t k, n;                 /* shard K of N */
	uint64_t max_sockets, max_memory; /* the whole run's budget (the
	                                * shard holds a share) */
	const char *const *options;    /* the options the run was made with,
	                                * NULL-terminated */
	const GArray *created;         /* uint64_t: where socket id i + 1 was
	                                * created (DM_SHARD_AT), read at the end */
	GArray *listed;                /* guint8 per id: set by the report as
	                                * it lists the socket */
	const GArray *held;            /* dm_shard_held, by frame */
} dm_shard_info;

/**
 * dm_report_set_shard: the run is the shard @info describes (copied; what
 * its members point to must last until the report is written): the JSON
 * report then carries what demuxsim merge needs (a "shard" member in
 * the document and in each socket).
 */
void dm_report_set_shard(dm_report *rep, const dm_shard_info *info);

/**
 * dm_report_set_interrupted: signal @sig ended the run after frame @frame
 * (the last one processed; 0 for none): the JSON report then has
 * "interrupted": {"signal": "SIGINT", "frame": N} and the text and HTML
 * reports a line saying so (call before dm_report_summary).
 */
void dm_report_set_interrupted(dm_report *rep, int sig, uint64_t frame);

/**
 * dm_report_signal_name: signal @sig by name: "SIGINT", "SIGTERM", else
 * "signal N" written into @buf (16 bytes).
 * Returns: the name.
 */
const char *dm_report_signal_name(int sig, char *buf);

/**
 * dm_report_free: flush and free @rep (NULL is ignored).
 */
void dm_report_free(dm_report *rep);

/* How text trace lines print capture times, as tcpdump's -t options. */
typedef enum {
	DM_TIME_CLOCK,       /* default: HH:MM:SS.ffffff, local time */
	DM_TIME_NONE,        /* -t: no time */
	DM_TIME_EPOCH,       /* -tt: seconds since 1970 */
	DM_TIME_DELTA,       /* -ttt: since the previous line printed */
	DM_TIME_DATE,        /* -tttt: YYYY-MM-DD HH:MM:SS.ffffff, local time */
	DM_TIME_SINCE_FIRST, /* -ttttt: since the first line printed */
} dm_time_mode;

/* The fraction digits of printed times (--time-stamp-precision). */
typedef enum {
	DM_PREC_CAPTURE,     /* as the capture file has them (6 or 9) */
	DM_PREC_MICRO,       /* 6 digits */
	DM_PREC_NANO,        /* 9 digits */
} dm_time_precision;

/**
 * dm_report_set_trace_defaults: the time @mode and @prec of the text
 * trace of every report made from now on (the command line's -t options).
 */
void dm_report_set_trace_defaults(dm_time_mode mode, dm_time_precision prec);

/**
 * dm_report_set_trace_verbose: with @level 1 or more (-v), text trace
 * lines of the reports made from now on also give the IP header's ttl,
 * id and total length and the segment's and header's lengths.
 */
void dm_report_set_trace_verbose(int level);

/**
 * dm_report_set_trace_link: with @on (-e), text trace lines of the reports
 * made from now on give the link header first, as tcpdump -e.
 */
void dm_report_set_trace_link(bool on);

/**
 * dm_report_set_trace_fields: the per-frame fields, comma-separated names
 * in @spec, that --format jsonl (an object of those keys) and --format csv
 * (rows of those columns instead of the socket table) of the reports made
 * from now on write.
 * Returns: false with @error set for an unknown name.
 */
bool dm_report_set_trace_fields(const char *spec, GError **error);

/**
 * dm_report_list_fields: the field names with one line each to @out.
 */
void dm_report_list_fields(FILE *out);

/**
 * dm_report_progress: draw the progress line on @err (a terminal) in
 * place: input @name, @frames read, @done of @total bytes (0: unknown
 * size), after @seconds.
 */
void dm_report_progress(FILE *err, const char *name, uint64_t frames, uint64_t done,
                        uint64_t total, double seconds);

/**
 * dm_report_progress_step: draw in place that the step @what (a sentence
 * such as "writing the HTML report run.html") has run @seconds.
 */
void dm_report_progress_step(FILE *err, const char *what, double seconds);

/**
 * dm_report_progress_clear: erase the progress line from @err.
 */
void dm_report_progress_clear(FILE *err);

#endif /* DEMUXSIM_REPORT_H */
