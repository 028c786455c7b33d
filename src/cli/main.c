/* main.c - the demuxsim command line: read captures, decode every frame,
 * verify transport checksums, simulate the receiving hosts' socket
 * tables, and report.
 *
 * Two passes over the input: the first collects the evidence of refusals
 * (ICMP port unreachable, RST) that only appears after the segment it
 * answers; the second decodes, simulates and reports.  Standard input (and
 * a FIFO) is spooled to a temporary file so that it can be read twice.
 *
 * SIGINT and SIGTERM end a run as the end of its input would: the frame in
 * hand is finished, every output is written for the frames processed (the
 * report says where it stopped), and the exit status is 128 + the signal.
 * A signal while a stream is spooled ends that input there: what was
 * spooled is processed.  A second signal ends the process at once.
 *
 * Exit status: 0 done, 1 input error (results so far are still reported),
 * 2 usage error, 130 and 143 interrupted by SIGINT and SIGTERM.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-int.h"
#include "cli-limits-int.h"
#include "cli-reasm-int.h"
#include "demuxsim/capture.h"
#include "demuxsim/decode.h"
#include "demuxsim/demux.h"
#include "demuxsim/frames.h"
#include "demuxsim/report.h"
#include "demuxsim/shard.h"
#include "demuxsim/split.h"
#include "demuxsim/summary.h"
#include "live-run-int.h"


typedef struct {
	gchar *read_file;
	gchar *format;
	gboolean all_frames;
	gboolean quiet;
	gboolean version;
	gboolean keep_bad;
	gchar *sockets;
	gchar **hosts;
	gchar *split_dir;
	gint max_nodes;
	gchar *html_report;
	gchar *shard;
	gint threads;
	gchar **files;
} options;

typedef struct {
	const char *name;   /* as given ("-" for standard input) */
	char *path;         /* what is opened */
	bool temporary;     /* a spool: @path is its descriptor's /dev/fd/N,
	                     * or its name when /dev/fd is missing */
	bool named;         /* the spool's name is still to be removed */
	int fd;             /* the spool's descriptor, with temporary */
	bool failed;        /* could not be spooled: skipped */
	bool cut;           /* its spooling ended by a signal: the last record
	                     * may be cut, which is its end, not an error */
	bool unread;        /* a signal came before it was read: skipped */
} input;

/* --- SIGINT and SIGTERM ------------------------------------------------- */

static volatile sig_atomic_t stop_signal;
static struct sigaction default_action;

/* The first signal asks the run to stop; a second one ends the process. */
static void
on_stop_signal(int sig)
{
	struct sigaction old;
	for (int i = 0; i < 2; i++) {
		int other = i ? SIGTERM : SIGINT;
		if (sigaction(other, NULL, &old) == 0 && old.sa_handler == on_stop_signal)
			sigaction(other, &default_action, NULL);
	}
	stop_signal = sig;
}

static void
catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&default_action, 0, sizeof default_action);
	default_action.sa_handler = SIG_DFL;
	sigemptyset(&default_action.sa_mask);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;   /* writes to a slow pipe go on */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	/* One ignored when the run began (a background job of a script)
	 * stays ignored, as it would without a handler. */
	for (int i = 0; i < 2; i++) {
		int sig = i ? SIGTERM : SIGINT;
		struct sigaction old;
		if (sigaction(sig, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sig, &sa, NULL);
	}
}

static void
input_error(const char *path, uint64_t frame, const char *msg)
{
	if (frame)
		g_printerr("demuxsim: %s: frame %" G_GUINT64_FORMAT ": %s\n", path, frame, msg);
	else
		g_printerr("demuxsim: %s: %s\n", path, msg);
}

/* Open @in and check its link type; reports errors when @loud. */
static dm_capture *
open_input(const input *in, bool loud)
{
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(in->path, &err);
	char lt[64], msg[128];

	if (!cap) {
		if (loud)
			input_error(in->name, 0, err->message);
		g_error_free(err);
		return NULL;
	}
	int dlt = dm_capture_linktype(cap);
	if (!dm_linktype_supported(dlt)) {
		g_snprintf(msg, sizeof msg, "unsupported link type %s",
		           dm_linktype_describe(dlt, lt, sizeof lt));
		if (loud)
			input_error(in->name, 0, msg);
		dm_capture_close(cap);
		return NULL;
	}
	return cap;
}

/* First pass: evidence of refusals, frames numbered across all inputs. */
static dm_evidence *
collect_evidence(const GArray *inputs, bool declared, unsigned threads)
{
	dm_evidence *ev = dm_evidence_new(declared);
	uint64_t frame = 0;

	for (guint i = 0; i < inputs->len; i++) {
		const input *in = &g_array_index(inputs, input, i);
		dm_capture *cap = in->failed || in->unread ? NULL : open_input(in, false);
		if (!cap)
			continue;
		/* Addresses, ports and flags: no checksum. */
		dm_frames *fr = dm_frames_new(cap, DM_FRAMES_HEADERS, threads, NULL, NULL);
		const dm_record *rec;
		dm_frame_status st;
		dm_packet *pkt;
		GError *err = NULL;
		int rc = 0;
		while (!stop_signal && (rc = dm_frames_next(fr, &rec, &st, &pkt, &err)) == 1)
			dm_evidence_add(ev, ++frame, st, pkt);
		dm_frames_free(fr);
		if (rc < 0)
			g_error_free(err);
		if (stop_signal)
			break;
	}
	return ev;
}

typedef struct {
	dm_report *rep;
	dm_summary sum;
	dm_demux *dm;
	dm_split *split;
	dm_reasm *ra;       /* NULL with --no-reassembly */
	dm_shard *shard;    /* --shard K/N, or NULL */
	unsigned threads;   /* --threads */
	uint64_t frame;     /* across all inputs */
} run_state;

/* What a decoding thread needs to start a frame's trace line. */
typedef struct {
	const dm_report *rep;
	uint64_t base;      /* frames before this input */
} line_ctx;

static size_t
line_start(void *ctx, uint64_t index, const dm_record *rec, dm_frame_status st,
           const dm_packet *pkt, char *buf, size_t size)
{
	const line_ctx *lc = ctx;
	return dm_report_line_start(lc->rep, lc->base + index, rec, st, pkt, buf, size);
}

/* Second pass over one input, until its end or a signal.  Returns false
 * after an input error. */
static bool
run_input(const input *in, run_state *rs)
{
	GError *err = NULL;
	if (in->unread)
		return true;
	/* A spool cut by a signal may not even hold a file header. */
	dm_capture *cap = in->failed ? NULL : open_input(in, !in->cut);

	if (!cap)
		return in->cut;
	bool nano = dm_capture_nanosecond(cap);
	dm_report_begin_file(rs->rep, in->name, nano);

	/* Decoded ahead on the other threads with --threads, with the start
	 * of each trace line; the socket table takes the frames in capture
	 * order. */
	line_ctx lc = { rs->rep, rs->frame };
	dm_frames *fr = dm_frames_new(cap, DM_FRAMES_FULL, rs->threads, line_start, &lc);
	const dm_record *rec;
	dm_packet *pkt;
	dm_frame_status st;
	dm_decision d;
	uint64_t in_file = 0;
	int rc = 0;
	while (!stop_signal && (rc = dm_frames_next(fr, &rec, &st, &pkt, &err)) == 1) {
		in_file++;
		rs->frame++;
		uint32_t nsec = nano ? rec->frac : rec->frac * 1000;
		if (rs->ra)
			st = dm_reasm_frame(rs->ra, rs->frame, rec->sec, nsec, st, pkt);
		if (rs->shard && !dm_shard_owns(rs->shard, st, pkt)) {
			/* Another shard's frame, counted there; the simulation's
			 * clock still runs on with it (expiry as in a whole run). */
			rs->sum.frames++;
			dm_demux_segment(rs->dm, rs->frame, rec->sec, nsec,
			                 st == DM_FRAME_SEGMENT ? DM_FRAME_OTHER_PROTO : st, pkt, &d);
			continue;
		}
		dm_summary_add(&rs->sum, st, pkt);
		dm_demux_segment(rs->dm, rs->frame, rec->sec, nsec, st, pkt, &d);
		if (rs->shard)
			dm_shard_note_created(rs->shard, rs->frame, dm_demux_socket_count(rs->dm));
		if (rs->split && d.socket && d.action != DM_ACTION_DROPPED) {
			/* A reassembled datagram's fragments go with it. */
			dm_split_note(rs->split, rs->frame, d.socket);
			for (uint32_t i = 0; i < pkt->n_reasm_frames; i++)
				dm_split_note(rs->split, pkt->reasm_frames[i], d.socket);
		}
		size_t len;
		const char *start = dm_frames_text(fr, &len);
		dm_report_frame_started(rs->rep, rs->frame, rec, st, pkt, &d, start, len);
	}
	dm_frames_free(fr);
	if (rc < 0 && in->cut) {
		/* Where the signal cut the spool. */
		g_error_free(err);
	} else if (rc < 0) {
		/* The damaged record by its position in its own file. */
		input_error(in->name, in_file + 1, err->message);
		g_error_free(err);
		return false;
	}
	return true;
}

/* Whether @name is read only once: standard input, a FIFO, a device. */
static bool
is_stream(const char *name)
{
	struct stat st;
	return strcmp(name, "-") == 0 ||
	       (stat(name, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
}

/* Make the spool of @in, a temporary file.  When it can be read back
 * through its descriptor (/dev/fd/N), its name is removed at once: then
 * nothing is left behind, however the process ends.  Returns the
 * descriptor, or -1 with @error set. */
static int
open_spool(input *in, GError **error)
{
	char *name = NULL;
	int fd = g_file_open_tmp("demuxsim-stdin-XXXXXX", &name, error);
	if (fd < 0)
		return -1;
	char *by_fd = g_strdup_printf("/dev/fd/%d", fd);
	int probe = open(by_fd, O_RDONLY);
	if (probe >= 0) {
		close(probe);
		g_unlink(name);
		g_free(name);
		in->path = by_fd;
	} else {
		g_free(by_fd);
		in->path = name;
		in->named = true;
	}
	in->fd = fd;
	in->temporary = true;
	return fd;
}

static bool
write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		n -= (size_t)w;
	}
	return true;
}

/* Copy @src to @dst until its end or a signal (looked at at least every
 * 200 ms: a FIFO may stay silent).  Returns false on an error (errno). */
static bool
copy_stream(int src, int dst)
{
	char buf[1 << 16];

	while (!stop_signal) {
		struct pollfd p = { .fd = src, .events = POLLIN };
		int r = poll(&p, 1, 200);
		if (r < 0 && errno != EINTR)
			return false;
		if (r <= 0)
			continue;
		ssize_t n = read(src, buf, sizeof buf);
		if (n == 0)
			return true;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 || !write_all(dst, buf, (size_t)n))
			return false;
	}
	return true;
}

/* Copy standard input (or the FIFO @in) to a temporary file so it can be
 * read twice.  A signal ends the copy, and the input, where it came. */
static bool
spool_stdin(input *in)
{
	GError *err = NULL;
	bool is_stdin = strcmp(in->name, "-") == 0;
	/* Not blocked until a writer comes (a signal must be seen meanwhile):
	 * poll() waits for one. */
	int src = is_stdin ? STDIN_FILENO : open(in->name, O_RDONLY | O_NONBLOCK);
	if (src < 0) {
		input_error(in->name, 0, g_strerror(errno));
		return false;
	}
	if (!is_stdin)
		fcntl(src, F_SETFL, fcntl(src, F_GETFL) & ~O_NONBLOCK);
	int fd = open_spool(in, &err);
	bool ok = fd >= 0;
	if (!ok) {
		input_error(in->name, 0, err->message);
		g_error_free(err);
	} else if (!copy_stream(src, fd)) {
		input_error(in->name, 0, g_strerror(errno));
		ok = false;
	}
	in->cut = stop_signal != 0;
	if (!is_stdin)
		close(src);
	return ok;
}

static bool
parse_host(const char *text, dm_report *rep)
{
	uint8_t a[16];
	if (inet_pton(AF_INET, text, a) == 1)
		dm_report_add_host(rep, 4, a);
	else if (inet_pton(AF_INET6, text, a) == 1)
		dm_report_add_host(rep, 6, a);
	else
		return false;
	return true;
}

static const char *const description =
	"Reads pcap and pcapng captures (FILE or -r FILE; - for standard input),\n"
	"decodes every UDP and TCP segment, verifies its checksum with the\n"
	"IPv4/IPv6 pseudo-header, and places it in the simulated socket table of\n"
	"the host that receives it, explaining each decision.\n"
	"\n"
	"Checksum status: good, bad (mismatch, zero-ipv6), absent (UDP/IPv4\n"
	"checksum 0), partial (pseudo-header sum only: transmit offload),\n"
	"unverified (truncated, fragment, malformed).\n"
	"\n"
	"demuxsim checksum --proto udp|tcp --src A --dst B HEX... computes and\n"
	"explains a checksum typed by hand (see demuxsim checksum --help).\n"
	"demuxsim merge A.json B.json ... combines the JSON reports of the\n"
	"shards of a run made with --shard K/N (see demuxsim merge --help).\n"
	"\n"
	"Exit status: 0 done; 1 input error (unreadable, truncated or damaged\n"
	"capture, unsupported link type, bad --sockets file: results so far are\n"
	"still reported, and the other files still read); 2 usage error;\n"
	"130, 143: ended by SIGINT, SIGTERM (outputs written for the frames\n"
	"processed).";

/* Everything the command line holds for one run. */
typedef struct {
	options o;
	dm_cli_explain_opts xo;
	dm_live_cli lo;
	dm_reasm_cli ro;
	dm_limits_cli lim;
	gchar **args;          /* argv as given, recorded by --shard */
	int n_args;
	bool live;
	dm_format fmt;
	GArray *inputs;        /* input */
	run_state rs;
	FILE *html;            /* --report */
	int stop_signal;       /* the signal that ended the input, or 0 */
} cli;

/* What the steps below return to go on to the next one. */
#define CLI_CONTINUE (-1)

/* Parse the options into @c.  Returns CLI_CONTINUE, or an exit status. */
static int
parse_command_line(cli *c, int argc, char **argv)
{
	GOptionEntry entries[] = {
		{ "read", 'r', 0, G_OPTION_ARG_FILENAME, &c->o.read_file,
		  "Read the capture FILE (- for standard input)", "FILE" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &c->o.format,
		  "Output: text (default), jsonl (one object per segment), json (report), csv (socket table), dot (diagram), svg (diagram drawn by Graphviz)", "FMT" },
		{ "all-frames", 0, 0, G_OPTION_ARG_NONE, &c->o.all_frames,
		  "Also trace frames that carry no UDP/TCP segment", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &c->o.quiet,
		  "No per-segment trace: the report only", NULL },
		{ "host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &c->o.hosts,
		  "Show only host ADDR (repeatable)", "ADDR" },
		{ "sockets", 0, 0, G_OPTION_ARG_FILENAME, &c->o.sockets,
		  "Declared mode: the bound sockets per host, from a key file", "FILE" },
		{ "keep-bad-checksums", 0, 0, G_OPTION_ARG_NONE, &c->o.keep_bad,
		  "Deliver segments with bad checksums instead of dropping them", NULL },
		{ "split", 0, 0, G_OPTION_ARG_FILENAME, &c->o.split_dir,
		  "Write one pcap per socket into DIR", "DIR" },
		{ "max-nodes", 0, 0, G_OPTION_ARG_INT, &c->o.max_nodes,
		  "Diagrams: keep the N busiest sockets of each host, fold the others into one node", "N" },
		{ "report", 0, 0, G_OPTION_ARG_FILENAME, &c->o.html_report,
		  "Also write the run as one self-contained HTML page to FILE", "FILE" },
		{ "shard", 0, 0, G_OPTION_ARG_STRING, &c->o.shard,
		  "Process only the flows of shard K of N (0 <= K < N); combine the JSON reports with demuxsim merge", "K/N" },
		{ "threads", 0, 0, G_OPTION_ARG_INT, &c->o.threads,
		  "Decode and verify frames on N threads in all while one runs the socket table (default 1); the output is the same", "N" },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &c->o.version,
		  "Print the version and exit", NULL },
		{ "explain", 0, 0, G_OPTION_ARG_STRING, &c->xo.frames,
		  "Explain the checksums of frames N[,N|-M...] step by step, and diagnose bad ones", "FRAMES" },
		{ "explain-full", 0, 0, G_OPTION_ARG_NONE, &c->xo.full,
		  "With --explain: every payload word, none summarised", NULL },
		{ "explain-ip", 0, 0, G_OPTION_ARG_NONE, &c->xo.ip,
		  "With --explain: the IPv4 header checksum too", NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &c->o.files,
		  NULL, "[FILE...]" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GError *err = NULL;

	c->args = g_strdupv(argv);
	c->n_args = argc;
	GOptionContext *ctx = g_option_context_new(NULL);
	g_option_context_set_summary(ctx, "Simulate how a host's transport layer demultiplexes captured traffic.");
	g_option_context_set_description(ctx, description);
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_main_entries(ctx, dm_live_cli_entries(&c->lo), NULL);
	g_option_context_add_main_entries(ctx, dm_reasm_cli_entries(&c->ro), NULL);
	g_option_context_add_main_entries(ctx, dm_limits_cli_entries(&c->lim), NULL);
	bool parsed = g_option_context_parse(ctx, &argc, &argv, &err);
	g_option_context_free(ctx);
	if (!parsed) {
		g_printerr("demuxsim: %s (try --help)\n", err->message);
		g_error_free(err);
		return EXIT_USAGE;
	}
	if (c->o.version) {
		printf("demuxsim %s\n", PACKAGE_VERSION);
		return EXIT_DONE;
	}
	return CLI_CONTINUE;
}

/* Check what the options ask for and gather the inputs.  Returns
 * CLI_CONTINUE, or an exit status. */
static int
check_options(cli *c)
{
	options *o = &c->o;
	GError *err = NULL;

	if (o->format && !dm_format_parse(o->format, &c->fmt)) {
		g_printerr("demuxsim: unknown format '%s' (text, jsonl, json, csv, dot, svg)\n", o->format);
		return EXIT_USAGE;
	}
	if (c->fmt == DM_FORMAT_SVG && !dm_report_svg_available()) {
		g_printerr("demuxsim: --format svg: this demuxsim was built without Graphviz's libgvc; "
		           "use --format dot | dot -Tsvg\n");
		return EXIT_USAGE;
	}
	if (o->threads < 1 || o->threads > DM_FRAMES_MAX_THREADS) {
		g_printerr("demuxsim: --threads: %d is not a number of threads (1 to %d)\n",
		           o->threads, DM_FRAMES_MAX_THREADS);
		return EXIT_USAGE;
	}
	c->rs.threads = (unsigned)o->threads;
	if (o->max_nodes < 0) {
		g_printerr("demuxsim: --max-nodes: %d is not a count of nodes\n", o->max_nodes);
		return EXIT_USAGE;
	}
	if (o->shard) {
		c->rs.shard = dm_shard_parse(o->shard, &err);
		if (!c->rs.shard) {
			g_printerr("demuxsim: %s (try --help)\n", err->message);
			g_error_free(err);
			return EXIT_USAGE;
		}
		dm_shard_set_options(c->rs.shard, c->n_args, c->args);
	}
	if (!dm_reasm_cli_make(&c->ro, &c->rs.ra))
		return EXIT_USAGE;
	c->live = dm_live_cli_wanted(&c->lo);
	if (c->live) {
		int st = dm_live_cli_check(&c->lo, o->read_file, &o->files);
		if (st != DM_LIVE_CLI_CONTINUE)
			return st;
		if (c->rs.shard) {
			g_printerr("demuxsim: --shard splits captures read from files, not a live capture\n");
			return EXIT_USAGE;
		}
	}
	if (o->read_file)
		g_array_append_val(c->inputs, ((input){ .name = o->read_file, .path = o->read_file, .fd = -1 }));
	for (gchar **f = o->files; f && *f; f++)
		g_array_append_val(c->inputs, ((input){ .name = *f, .path = *f, .fd = -1 }));
	if (c->inputs->len == 0 && !c->live) {
		g_printerr("demuxsim: no capture given (use -r FILE or FILE...; try --help)\n");
		return EXIT_USAGE;
	}
	return CLI_CONTINUE;
}

/* --explain: the checksum workbench instead of a run. */
static int
run_explain(cli *c)
{
	GPtrArray *names = g_ptr_array_new();
	for (guint i = 0; i < c->inputs->len; i++)
		g_ptr_array_add(names, (gpointer)g_array_index(c->inputs, input, i).name);
	int status = dm_cli_explain(&c->xo, c->fmt, (const char *const *)names->pdata, names->len);
	g_ptr_array_unref(names);
	return status;
}

/* Make the report and the simulation.  Returns CLI_CONTINUE, or an exit
 * status. */
static int
prepare_run(cli *c)
{
	options *o = &c->o;
	run_state *rs = &c->rs;
	GError *err = NULL;
	static char outbuf[1 << 16];

	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	unsigned flags = (o->all_frames ? DM_REPORT_ALL_FRAMES : 0) |
	                 (o->quiet ? DM_REPORT_QUIET : 0);
	rs->rep = dm_report_new(stdout, c->fmt, flags);
	dm_report_set_max_nodes(rs->rep, (unsigned)o->max_nodes);
	if (rs->shard)
		dm_report_set_shard(rs->rep, rs->shard);
	if (o->html_report) {
		c->html = fopen(o->html_report, "w");
		if (!c->html) {
			input_error(o->html_report, 0, g_strerror(errno));
			return EXIT_INPUT;
		}
		dm_report_keep_failures(rs->rep);
	}
	for (gchar **h = o->hosts; h && *h; h++) {
		if (!parse_host(*h, rs->rep)) {
			g_printerr("demuxsim: --host: '%s' is not an IPv4 or IPv6 address\n", *h);
			return EXIT_USAGE;
		}
	}
	dm_demux_config cfg = { .keep_bad_checksums = o->keep_bad };
	if (!dm_limits_cli_apply(&c->lim, &cfg))
		return EXIT_USAGE;
	rs->dm = dm_demux_new(&cfg);
	if (o->sockets && !dm_demux_load_sockets(rs->dm, o->sockets, &err)) {
		input_error(o->sockets, 0, err->message);
		g_error_free(err);
		return EXIT_INPUT;
	}
	if (rs->shard)  /* declared sockets: made before the first frame */
		dm_shard_note_created(rs->shard, 0, dm_demux_socket_count(rs->dm));
	return CLI_CONTINUE;
}

/* Spool the streams among the inputs.  A signal meanwhile ends the input
 * there: the inputs before it, and what was spooled, are processed (a
 * second signal now ends the process); those after it are not read.
 * Returns false when a stream could not be spooled. */
static bool
spool_streams(cli *c)
{
	bool ok = true;

	for (guint i = 0; i < c->inputs->len; i++) {
		input *in = &g_array_index(c->inputs, input, i);
		if (c->stop_signal) {
			in->unread = true;
			continue;
		}
		if (is_stream(in->name) && !spool_stdin(in)) {
			in->failed = true;
			ok = false;
		}
		if (stop_signal && in->cut) {
			c->stop_signal = stop_signal;
			stop_signal = 0;
		} else if (stop_signal) {
			break;   /* not while spooling: the passes stop at once */
		}
	}
	return ok;
}

/* The last line of a run a signal ended: the status it ends with. */
static int
interrupted(int sig, uint64_t frame)
{
	char name[16];
	g_printerr("demuxsim: interrupted by %s after frame %" G_GUINT64_FORMAT "\n",
	           dm_report_signal_name(sig, name), frame);
	return 128 + sig;
}

/* Read the capture files: spool streams, the evidence pass, the run, the
 * report, --report and --split.  SIGINT and SIGTERM end the reading
 * (after the frame in hand); the outputs are then those of the frames
 * processed.  Returns the exit status. */
static int
run_files(cli *c)
{
	options *o = &c->o;
	run_state *rs = &c->rs;
	GError *err = NULL;
	int status = EXIT_DONE;

	catch_stop_signals();
	if (!spool_streams(c))
		status = EXIT_INPUT;
	if (o->split_dir) {
		rs->split = dm_split_new(o->split_dir, &err);
		if (!rs->split) {
			input_error(o->split_dir, 0, err->message);
			g_error_free(err);
			return EXIT_INPUT;
		}
	}

	dm_demux_set_evidence(rs->dm, collect_evidence(c->inputs, o->sockets != NULL, rs->threads));
	/* A bad input is reported and skipped: the others are still read.  A
	 * signal in the first pass leaves no frame processed. */
	for (guint i = 0; i < c->inputs->len && !stop_signal; i++) {
		if (!run_input(&g_array_index(c->inputs, input, i), rs))
			status = EXIT_INPUT;
	}
	if (stop_signal)
		c->stop_signal = stop_signal;
	if (c->stop_signal)
		dm_report_set_interrupted(rs->rep, c->stop_signal, rs->frame);
	if (rs->ra)
		dm_reasm_finish(rs->ra, &rs->sum.reasm);
	dm_report_summary(rs->rep, &rs->sum, rs->dm);
	if (c->html) {
		bool written = dm_report_write_html(rs->rep, &rs->sum, rs->dm, c->html);
		if (fclose(c->html) != 0 || !written) {
			input_error(o->html_report, 0, "cannot write the report");
			status = EXIT_INPUT;
		}
		c->html = NULL;
	}
	if (rs->split) {
		GPtrArray *paths = g_ptr_array_new();
		for (guint i = 0; i < c->inputs->len; i++) {
			const input *in = &g_array_index(c->inputs, input, i);
			g_ptr_array_add(paths, in->failed || in->unread ? (char *)"" : in->path);
		}
		if (!dm_split_write(rs->split, (const char *const *)paths->pdata, paths->len,
		                    rs->frame, &err)) {
			input_error(o->split_dir, 0, err->message);
			g_error_free(err);
			status = EXIT_INPUT;
		}
		g_ptr_array_unref(paths);
	}
	/* One that came while the outputs were written let them finish. */
	if (c->stop_signal || stop_signal)
		status = interrupted(c->stop_signal ? c->stop_signal : stop_signal, rs->frame);
	return status;
}

static void
cli_clear(cli *c)
{
	if (c->html)
		fclose(c->html);
	dm_report_free(c->rs.rep);
	fflush(stdout);
	dm_split_free(c->rs.split);
	dm_demux_free(c->rs.dm);
	dm_reasm_free(c->rs.ra);
	dm_shard_free(c->rs.shard);
	g_strfreev(c->args);
	for (guint i = 0; i < c->inputs->len; i++) {
		input *in = &g_array_index(c->inputs, input, i);
		if (in->temporary) {
			if (in->named)
				g_unlink(in->path);
			close(in->fd);
			g_free(in->path);
		}
	}
	g_array_unref(c->inputs);
	dm_live_cli_clear(&c->lo);
	dm_limits_cli_clear(&c->lim);
	g_free(c->o.read_file);
	g_free(c->xo.frames);
	g_free(c->o.format);
	g_free(c->o.sockets);
	g_free(c->o.split_dir);
	g_free(c->o.html_report);
	g_free(c->o.shard);
	g_strfreev(c->o.hosts);
	g_strfreev(c->o.files);
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	if (argc > 1 && strcmp(argv[1], "checksum") == 0)
		return dm_cli_checksum(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return dm_cli_merge(argc - 1, argv + 1);

	cli c = {
		.ro = DM_REASM_CLI_INIT,
		.lim = DM_LIMITS_CLI_INIT,
		.fmt = DM_FORMAT_TEXT,
		.o.threads = 1,
		.inputs = g_array_new(FALSE, TRUE, sizeof(input)),
	};
	int status = parse_command_line(&c, argc, argv);
	if (status == CLI_CONTINUE)
		status = check_options(&c);
	if (status == CLI_CONTINUE && dm_cli_explain_wanted(&c.xo))
		status = run_explain(&c);
	if (status == CLI_CONTINUE)
		status = prepare_run(&c);
	if (status == CLI_CONTINUE)
		status = c.live ? dm_live_cli_run(&c.lo, c.o.split_dir, c.rs.rep, c.rs.dm, c.rs.ra)
		                : run_files(&c);
	cli_clear(&c);
	return status;
}
