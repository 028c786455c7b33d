/* report-int.h - the state shared by the report's trace and table
 * writers (not installed). */
#ifndef DEMUXSIM_REPORT_INT_H
#define DEMUXSIM_REPORT_INT_H

#include "demuxsim/live.h"
#include "json-writer-int.h"
#include "demuxsim/report.h"
#include "demuxsim/report-calls.h"

/* An observer of the segments a report is given, such as the HTML page's
 * list of checksum failures (report-html.c): the report knows it only
 * through these. */
typedef struct {
	/* Frame @frame of record @rec decoded to segment @pkt, with decision
	 * @d (or NULL); called before the frame is traced. */
	void (*segment)(void *data, const dm_report *rep, uint64_t frame,
	                const dm_record *rec, const dm_packet *pkt,
	                const dm_decision *d);
	void (*free)(void *data);
} dm_report_sink_class;

struct dm_report {
	FILE *out;
	dm_format fmt;
	unsigned flags;
	bool nano;
	dm_time_mode time_mode;   /* text trace lines' times */
	dm_time_precision prec;
	int verbose;              /* -v count */
	bool link_header;         /* -e: the link header in trace lines */
	GArray *fields;           /* --fields: indexes of the chosen, or NULL */
	bool fields_header_done;  /* --fields with csv: the header written */
	bool have_prev_time;      /* -ttt/-ttttt: a line was printed */
	int64_t first_ns, prev_ns;
	GPtrArray *files;
	GArray *view;          /* dm_view_host: hosts to show, empty = all */
	unsigned max_nodes;    /* diagrams: sockets per host, 0 = all */
	unsigned host_limit;   /* text tables: busiest hosts shown, 0 = all */
	unsigned socket_limit; /* and socket rows per host, 0 = all */
	const dm_report_sink_class *sink; /* the segments' observer, or NULL */
	void *sink_data;
	bool have_capture;     /* live: the kernel's counters below */
	dm_live_stats capture;
	const dm_shard_info *shard;   /* a shard's run (&shard_info), or NULL */
	dm_shard_info shard_info;
	int stop_signal;       /* the signal that ended the run, or 0 */
	uint64_t stop_frame;   /* the last frame processed before it */
	const dm_calls *calls; /* the socket calls, or NULL (report-calls.c) */
	unsigned calls_what;   /* DM_REPORT_CALLS_ flags */
};

typedef struct {
	uint8_t family;
	uint8_t addr[16];
} dm_view_host;

bool dm_report_host_visible(const dm_report *rep, const dm_host *h);
/* Whether the --host view shows the host @family/@addr. */
bool dm_report_view_shows(const dm_report *rep, int family, const uint8_t *addr);
/* Give every segment from now on to the observer @cls with @data, which
 * the report frees with @cls->free; a report has at most one. */
void dm_report_set_sink(dm_report *rep, const dm_report_sink_class *cls, void *data);
/* The data of @rep's observer when it is of class @cls, else NULL. */
void *dm_report_sink_data(const dm_report *rep, const dm_report_sink_class *cls);
/* report-jsonl.c: segment @pkt and its decision @d as one JSON line. */
/* ,"encap":[{"kind":...,"id":...}] for a packet found inside tunnels. */
void dm_report_encap_jsonl(FILE *out, const dm_packet *pkt);
void dm_report_jsonl_segment(dm_report *rep, uint64_t frame, const dm_record *rec,
                             const dm_packet *pkt, const dm_decision *d);
/* The line's start (everything before the decision) into @buf (@size
 * bytes, at least DM_REPORT_LINE_START_MAX); its length, or 0. */
size_t dm_report_jsonl_start(bool nano, uint64_t frame, const dm_record *rec,
                             const dm_packet *pkt, char *buf, size_t size);
/* The line from its start made by dm_report_jsonl_start(). */
void dm_report_jsonl_started(dm_report *rep, const char *start, size_t len,
                             const dm_packet *pkt, const dm_decision *d);
/* A capture time as integer nanoseconds since 1970 (0 before it). */
static inline uint64_t
dm_report_ts_ns(bool nano, int64_t sec, uint32_t frac)
{
	if (sec < 0)
		return 0;
	return (uint64_t)sec * 1000000000u + (nano ? frac : (uint64_t)frac * 1000u);
}
/* report-fields.c: the --fields chosen (a new reference), or NULL. */
GArray *dm_report_fields_chosen(void);
/* report-fields.c: segment @pkt's chosen fields as a JSON line or CSV row. */
void dm_report_fields_line(dm_report *rep, uint64_t frame, const dm_record *rec,
                           const dm_packet *pkt, const dm_decision *d);
/* report-fields.c: the end of the run (the CSV header if no row came). */
void dm_report_fields_end(dm_report *rep);
void dm_report_write_time(const dm_report *rep, int64_t sec, uint32_t frac);

/* report-shard.c: what merging shard reports needs, in the document
 * (after everything else) and in socket @s (last). */
void dm_report_shard_json(jw *w, const dm_report *rep);
void dm_report_shard_socket_json(jw *w, const dm_report *rep, const dm_socket *s);

/* report-dot.c: the diagram of the visible hosts as Graphviz source. */
GString *dm_report_dot(const dm_report *rep, const dm_demux *dm);
/* report-dot.c: the fill colour that stands for the state of @s. */
const char *dm_report_state_colour(const dm_socket *s);
/* report-dot.c: @s as the textbook names it ("UDP :53", "TCP listen *:80",
 * "TCP 10.0.0.2:80 <-> 10.0.0.1:51234 ESTABLISHED"); g_free it. */
char *dm_report_socket_caption(const dm_socket *s);
/* report-dot.c: the diagram as --format dot or svg asks. */
void dm_report_write_diagram(dm_report *rep, const dm_demux *dm);
/* report-svg.c: the domain of dm_report_svg_render()'s errors. */
#define DM_REPORT_SVG_ERROR (dm_report_svg_error_quark())
GQuark dm_report_svg_error_quark(void);
/* report-svg.c: @dot rendered to SVG by libgvc, or NULL with @error set;
 * with @max_nodes (0: any number), a diagram of more nodes is not laid
 * out (Graphviz's time grows much faster than the nodes). */
char *dm_report_svg_render(const char *dot, unsigned max_nodes, size_t *len,
                           GError **error);

/* report-calls.c: @c's time into @buf (DM_CALL_CLOCK_MAX bytes), local
 * HH:MM:SS.f as the trace's default, or "(declared)". */
#define DM_CALL_CLOCK_MAX 32
char *dm_report_call_clock(const dm_call *c, bool nano, char *buf);
/* report-calls.c: the per-host list of calls after the tables (text). */
void dm_report_calls_text(dm_report *rep);
/* report-calls.c: the "calls" member of host @family/@addr (JSON). */
void dm_report_calls_json_host(jw *w, const dm_report *rep, int family, const uint8_t *addr);
/* report-calls.c: the hosts with calls that @dm does not hold, as host
 * objects of the JSON document's "hosts". */
void dm_report_calls_json_others(jw *w, const dm_report *rep, const dm_demux *dm);
/* report-calls.c: --ladder's SVG as the whole output; false (nothing
 * written) unless it was asked for. */
bool dm_report_calls_ladder(dm_report *rep);

#endif
