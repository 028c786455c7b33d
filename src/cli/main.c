/* main.c - the demuxsim command line: the options, then the choice of
 * source (capture files, live capture or --realtime replay, the checksum
 * workbench) and of sinks (trace format, --report, --split), each run by
 * the library (run.h, live-run.h, pipeline.h).
 *
 * The cli stage owns option parsing and subcommands only (checksum,
 * merge, --explain): it may call every stage, and none calls it.
 *
 * Exit status: 0 done, 1 input error (results so far are still reported),
 * 2 usage error, 130 and 143 interrupted by SIGINT and SIGTERM (run.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli-int.h"
#include "cli-limits-int.h"
#include "cli-stack-int.h"
#include "cli-reasm-int.h"
#include "cli-screen-int.h"
#include "cli-trace-int.h"
#include "cli-tunnel-int.h"
#include "cli-ss-int.h"
#include "demuxsim/capture.h"
#include "demuxsim/demux-live.h"
#include "demuxsim/demux.h"
#include "demuxsim/frames.h"
#include "demuxsim/report-errors.h"
#include "demuxsim/report.h"
#include "demuxsim/run.h"
#include "demuxsim/shard.h"
#include "cli-calls-int.h"
#include "cli-live-int.h"


typedef struct {
	gchar **read_files;    /* -r, repeatable */
	gchar *read_file;      /* the first of them */
	gboolean line_buffered;
	gchar *filter;         /* a BPF expression for the files */
	gchar *format;
	gboolean all_frames;
	gboolean quiet;
	gboolean version;
	gboolean numeric;
	gboolean keep_bad;
	gchar *sockets;
	gchar **same_host;     /* --same-host A,B, repeatable */
	gchar **hosts;
	gchar *split_dir;
	gint max_nodes;
	gchar *html_report;
	gchar *shard;
	gint threads;
	gdouble evidence_window;
	gboolean two_pass;
	gchar **files;
} options;

/* What a run is made of. */
typedef struct {
	dm_report *rep;
	dm_demux *dm;
	dm_reasm *ra;       /* NULL with --no-reassembly */
	dm_shard *shard;    /* --shard K/N, or NULL */
	dm_calls *calls;    /* --calls, --ladder, --report: the socket calls */
	unsigned threads;   /* --threads */
	dm_demux_config table; /* what dm was made with, for more like it */
} run_state;

/* --same-host A,B[,C...]: each list one host's addresses.  Returns false
 * (said) on a bad one. */
static bool
same_hosts(dm_demux *dm, gchar **lists)
{
	for (gchar **l = lists; l && *l; l++) {
		gchar **a = g_strsplit(*l, ",", -1);
		guint n = g_strv_length(a);
		bool ok = n >= 2;
		GError *err = NULL;
		for (guint i = 1; ok && i < n; i++)
			ok = dm_demux_same_host(dm, g_strstrip(a[0]), g_strstrip(a[i]), &err);
		if (!ok)
			g_printerr("demuxsim: --same-host: '%s': %s\n", *l,
			           err ? err->message : "give two addresses or more, A,B");
		g_clear_error(&err);
		g_strfreev(a);
		if (!ok)
			return false;
	}
	return true;
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
	"demuxsim partition -N N -o DIR FILES... writes each frame to the buckets\n"
	"of its hosts' partitions, for --shard K/N to read (see its --help).\n"
	"\n"
	"Exit status: 0 done; 1 input error (unreadable, truncated or damaged\n"
	"capture, unsupported link type, bad --sockets or --sockets-from-ss\n"
	"file: results so far are\n"
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
	dm_stack_cli stack;
	gchar **args;          /* argv as given, recorded by --shard */
	int n_args;
	bool live;
	dm_format fmt;
	GPtrArray *inputs;     /* the capture files' names, as given */
	run_state rs;
	FILE *html;            /* --report */
} cli;

/* What the steps below return to go on to the next one. */
#define CLI_CONTINUE (-1)

/* Parse the options into @c.  Returns CLI_CONTINUE, or an exit status. */
static int
parse_command_line(cli *c, int argc, char **argv)
{
	GOptionEntry entries[] = {
		{ "read", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &c->o.read_files,
		  "Read the capture FILE (- for standard input; repeatable); with -r, the words after the options are a BPF filter", "FILE" },
		{ "line-buffered", 'l', 0, G_OPTION_ARG_NONE, &c->o.line_buffered,
		  "Write each output line at once (as tcpdump -l)", NULL },
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
		{ "same-host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &c->o.same_host,
		  "Addresses A, B (and more) are one host's: its wildcard and dual-stack sockets receive on all (repeatable)", "A,B" },
		{ "keep-bad-checksums", 0, 0, G_OPTION_ARG_NONE, &c->o.keep_bad,
		  "Deliver segments with bad checksums instead of dropping them", NULL },
		{ "split", 0, 0, G_OPTION_ARG_FILENAME, &c->o.split_dir,
		  "Write one pcap per socket into DIR", "DIR" },
		{ "max-nodes", 0, 0, G_OPTION_ARG_INT, &c->o.max_nodes,
		  "Diagrams: keep the N busiest sockets of each host, fold the others into one node", "N" },
		{ "report", 0, 0, G_OPTION_ARG_FILENAME, &c->o.html_report,
		  "Also write the run as one self-contained HTML page to FILE", "FILE" },
		{ "shard", 0, 0, G_OPTION_ARG_STRING, &c->o.shard,
		  "Simulate only the hosts of partition K of N (0 <= K < N); combine the JSON reports with demuxsim merge", "K/N" },
		{ "threads", 0, 0, G_OPTION_ARG_INT, &c->o.threads,
		  "Decode and verify frames on N threads in all while one runs the socket table (default 1); the output is the same", "N" },
		{ "evidence-window", 0, 0, G_OPTION_ARG_DOUBLE, &c->o.evidence_window,
		  "Hold a decision that a later answer could change, and the trace lines after it, up to S seconds of capture time (default 5 reading files, 0 live; 0: at once, with corrections)", "S" },
		{ "two-pass", 0, 0, G_OPTION_ARG_NONE, &c->o.two_pass,
		  "Read the inputs twice: the evidence of refusals from all of a capture first (standard input is copied to a temporary file)", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &c->o.version,
		  "Print the version (and libpcap's and GLib's) and exit", NULL },
		{ "numeric", 'n', 0, G_OPTION_ARG_NONE, &c->o.numeric,
		  "Accepted as tcpdump takes -n and -nn: demuxsim never resolves names or ports", NULL },
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
	c->args = g_strdupv(argv);
	c->n_args = argc;
	const GOptionEntry *tables[] = {
		entries, dm_live_cli_entries(&c->lo), dm_reasm_cli_entries(&c->ro),
		dm_limits_cli_entries(&c->lim), dm_stack_cli_entries(&c->stack), dm_trace_cli_entries(),
		dm_screen_cli_entries(), dm_calls_cli_entries(), dm_tunnel_cli_entries(),
		dm_ss_cli_entries(), NULL,
	};
	if (!dm_cli_parse_options(NULL, "Simulate how a host's transport layer demultiplexes captured traffic.",
	                          description, "--help", tables, &argc, &argv))
		return DM_EXIT_USAGE;
	if (c->o.version) {
		printf("demuxsim %s\n%s\nGLib version %u.%u.%u\n", PACKAGE_VERSION,
		       dm_capture_lib_version(), glib_major_version, glib_minor_version,
		       glib_micro_version);
		return DM_EXIT_DONE;
	}
	return CLI_CONTINUE;
}

/* --evidence-window, not given: 5 s reading files, 0 live (lines as
 * the frames come).  Returns whether it is a number of seconds. */
static bool
check_window(options *o, bool live)
{
	if (isnan(o->evidence_window))
		o->evidence_window = live ? 0 : DM_LIVE_ANSWER_WINDOW;
	if (o->evidence_window >= 0 && o->evidence_window <= 1e9)
		return true;
	g_printerr("demuxsim: --evidence-window: %g is not a number of seconds (0 to 1e9)\n",
	           o->evidence_window);
	return false;
}

/* Whether word @w names a capture file rather than a filter word: "-",
 * an existing file, or a path (a '/' or a capture's file name ending),
 * which a missing file then reports. */
static bool
is_file_word(const char *w)
{
	struct stat st;
	return strcmp(w, "-") == 0 || stat(w, &st) == 0 || strchr(w, '/') ||
	       g_str_has_suffix(w, ".pcap") || g_str_has_suffix(w, ".pcapng") ||
	       g_str_has_suffix(w, ".cap");
}

/* Split the words after the options into files and a BPF filter: the
 * leading file words (above) are files (after those of -r), the rest is
 * the filter.  Returns CLI_CONTINUE, or an
 * exit status. */
static int
split_words(cli *c)
{
	options *o = &c->o;
	for (gchar **f = o->read_files; f && *f; f++)
		g_ptr_array_add(c->inputs, *f);
	gchar **w = o->files;
	for (; w && *w && is_file_word(*w); w++)
		g_ptr_array_add(c->inputs, *w);
	if (w && *w && c->lo.filter) {
		g_printerr("demuxsim: give the filter with -f or as trailing words, not both (try --help)\n");
		return DM_EXIT_USAGE;
	}
	o->filter = w && *w ? g_strjoinv(" ", w) : g_strdup(c->lo.filter);
	GError *err = NULL;
	/* Checked for Ethernet (link type 1) before any file is read; each
	 * file compiles it for its own link type. */
	if (o->filter && !dm_capture_filter_check(o->filter, 1, &err)) {
		g_printerr("demuxsim: bad filter \"%s\": %s\n", o->filter, err->message);
		g_error_free(err);
		return DM_EXIT_USAGE;
	}
	return CLI_CONTINUE;
}

/* Not one of the inputs exists: each one's error, and no report at all
 * (as tcpdump).  Returns CLI_CONTINUE when one at least exists. */
static int
check_inputs_exist(const cli *c)
{
	struct stat st;
	for (guint i = 0; i < c->inputs->len; i++) {
		const char *name = g_ptr_array_index(c->inputs, i);
		if (strcmp(name, "-") == 0 || stat(name, &st) == 0 || errno != ENOENT)
			return CLI_CONTINUE;
	}
	for (guint i = 0; i < c->inputs->len; i++)
		dm_report_input_error(g_ptr_array_index(c->inputs, i), 0, g_strerror(ENOENT));
	return DM_EXIT_INPUT;
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
		return DM_EXIT_USAGE;
	}
	if (c->fmt == DM_FORMAT_SVG && !dm_report_svg_available()) {
		g_printerr("demuxsim: --format svg: this demuxsim was built without Graphviz's libgvc; "
		           "use --format dot | dot -Tsvg\n");
		return DM_EXIT_USAGE;
	}
	if (o->threads < 1 || o->threads > DM_FRAMES_MAX_THREADS) {
		g_printerr("demuxsim: --threads: %d is not a number of threads (1 to %d)\n",
		           o->threads, DM_FRAMES_MAX_THREADS);
		return DM_EXIT_USAGE;
	}
	c->rs.threads = (unsigned)o->threads;
	if (o->max_nodes < 0) {
		g_printerr("demuxsim: --max-nodes: %d is not a count of nodes\n", o->max_nodes);
		return DM_EXIT_USAGE;
	}
	if (!dm_screen_cli_check() || !dm_calls_cli_check(c->fmt, o->format != NULL))
		return DM_EXIT_USAGE;
	if (dm_calls_cli_ladder())
		o->quiet = TRUE;
	if (o->shard) {
		c->rs.shard = dm_shard_parse(o->shard, &err);
		if (!c->rs.shard) {
			g_printerr("demuxsim: %s (try --help)\n", err->message);
			g_error_free(err);
			return DM_EXIT_USAGE;
		}
		dm_shard_set_options(c->rs.shard, c->n_args, c->args);
	}
	if (!dm_reasm_cli_make(&c->ro, &c->rs.ra))
		return DM_EXIT_USAGE;
	c->live = dm_live_cli_wanted(&c->lo);
	if (!check_window(o, c->live))
		return DM_EXIT_USAGE;
	if (c->lo.count < 0) {
		g_printerr("demuxsim: -c: %d is not a number of frames\n", c->lo.count);
		return DM_EXIT_USAGE;
	}
	o->read_file = o->read_files ? o->read_files[0] : NULL;
	if (c->live) {
		int st = dm_live_cli_check(&c->lo, o->read_file, &o->files);
		if (st != DM_LIVE_CLI_CONTINUE)
			return st;
		if (c->rs.shard) {
			g_printerr("demuxsim: --shard splits captures read from files, not a live capture\n");
			return DM_EXIT_USAGE;
		}
	}
	if (c->live) {
		if (o->read_file)
			g_ptr_array_add(c->inputs, o->read_file);
		for (gchar **f = o->files; f && *f; f++)
			g_ptr_array_add(c->inputs, *f);
		return CLI_CONTINUE;
	}
	int st = split_words(c);
	if (st != CLI_CONTINUE)
		return st;
	if (c->inputs->len == 0) {
		g_printerr("demuxsim: no capture given (use -r FILE or FILE...; try --help)\n");
		return DM_EXIT_USAGE;
	}
	if (c->rs.shard && !dm_shard_use_buckets(c->rs.shard, (char **)c->inputs->pdata,
	                                         c->inputs->len, &err)) {
		/* The message names the bucket or manifest at fault. */
		g_printerr("demuxsim: %s\n", err->message);
		g_error_free(err);
		return DM_EXIT_INPUT;
	}
	return check_inputs_exist(c);
}

/* --explain: the checksum workbench instead of a run. */
static int
run_explain(cli *c)
{
	return dm_cli_explain(&c->xo, c->fmt, (const char *const *)c->inputs->pdata,
	                      c->inputs->len);
}

/* The sockets and hosts the command line declares, into @dm.  Returns
 * CLI_CONTINUE, or an exit status (said). */
static int
declare(cli *c, dm_demux *dm)
{
	GError *err = NULL;
	if (c->o.sockets && !dm_demux_load_sockets(dm, c->o.sockets, &err)) {
		dm_report_input_error(c->o.sockets, 0, err->message);
		g_error_free(err);
		return DM_EXIT_INPUT;
	}
	if (!same_hosts(dm, c->o.same_host))
		return DM_EXIT_USAGE;
	if (dm_ss_cli_wanted() && !dm_ss_cli_load(dm))
		return DM_EXIT_INPUT;
	return CLI_CONTINUE;
}

/* dm_run_make_part: a table and reassembler as the run's. */
static bool
make_part(void *ctx, dm_demux **dm, dm_reasm **ra)
{
	cli *c = ctx;
	*ra = NULL;
	*dm = dm_demux_new(&c->rs.table);
	if (declare(c, *dm) != CLI_CONTINUE)
		return false;
	return !c->rs.ra || dm_reasm_cli_make(&c->ro, ra);
}

/* Make the report and the simulation.  Returns CLI_CONTINUE, or an exit
 * status. */
static int
prepare_run(cli *c)
{
	options *o = &c->o;
	run_state *rs = &c->rs;
	static char outbuf[1 << 16];

	if (o->line_buffered)
		setvbuf(stdout, NULL, _IOLBF, 0);
	else
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	unsigned flags = (o->all_frames ? DM_REPORT_ALL_FRAMES : 0) |
	                 (o->quiet ? DM_REPORT_QUIET : 0);
	rs->rep = dm_report_new(stdout, c->fmt, flags);
	dm_report_set_max_nodes(rs->rep, (unsigned)o->max_nodes);
	dm_screen_cli_apply(rs->rep, c->fmt);
	if (o->html_report) {
		c->html = fopen(o->html_report, "w");
		if (!c->html) {
			dm_report_input_error(o->html_report, 0, g_strerror(errno));
			return DM_EXIT_INPUT;
		}
		dm_report_keep_failures(rs->rep);
	}
	for (gchar **h = o->hosts; h && *h; h++) {
		if (!parse_host(*h, rs->rep)) {
			g_printerr("demuxsim: --host: '%s' is not an IPv4 or IPv6 address\n", *h);
			return DM_EXIT_USAGE;
		}
	}
	/* A shard keeps its listeners' queue changes for demuxsim merge. */
	dm_demux_config cfg = { .keep_bad_checksums = o->keep_bad, .queue_events = o->shard != NULL };
	if (!dm_limits_cli_apply(&c->lim, &cfg) || !dm_stack_cli_apply(&c->stack, &cfg))
		return DM_EXIT_USAGE;
	if (rs->shard) {
		/* Each shard holds its partition's share of the budget. */
		dm_shard_info si;
		dm_shard_share_limits(rs->shard, &cfg);
		dm_shard_info_get(rs->shard, &si);
		dm_report_set_shard(rs->rep, &si);
	}
	rs->table = cfg;
	rs->dm = dm_demux_new(&cfg);
	int st = declare(c, rs->dm);
	if (st != CLI_CONTINUE)
		return st;
	rs->calls = dm_calls_cli_make(rs->rep, o->html_report != NULL);
	if (rs->calls && (o->sockets || dm_ss_cli_wanted()))
		dm_calls_declare(rs->calls, rs->dm);
	if (rs->shard) {
		/* Declared sockets: made before the first frame, in every
		 * shard. */
		dm_demux_usage u;
		dm_demux_get_usage(rs->dm, &u);
		dm_shard_note_created(rs->shard, 0, 0, false, dm_demux_socket_count(rs->dm));
		dm_shard_note_held(rs->shard, 0, &u);
	}
	return CLI_CONTINUE;
}

/* Read the capture files.  Returns the exit status. */
static int
run_files(cli *c)
{
	dm_run_files_config cfg = {
		.rep = c->rs.rep, .dm = c->rs.dm, .ra = c->rs.ra, .shard = c->rs.shard,
		.calls = c->rs.calls,
		.split_dir = c->o.split_dir, .html = c->html, .html_path = c->o.html_report,
		.threads = c->rs.threads, .declared = c->o.sockets != NULL || dm_ss_cli_wanted(),
		.two_pass = c->o.two_pass, .evidence_window = c->o.evidence_window,
		.count = (uint64_t)c->lo.count,
		.progress = dm_screen_cli_progress(c->fmt, c->o.quiet),
		.filter = c->o.filter,
		/* The table in partitions when only its end is reported. */
		.table_parts = c->rs.threads,
		.make_part = make_part, .make_ctx = c,
	};
	c->html = NULL;   /* closed by the run */
	return dm_run_files(&cfg, (const char *const *)c->inputs->pdata, c->inputs->len);
}

static void
cli_clear(cli *c)
{
	if (c->html)
		fclose(c->html);
	dm_report_free(c->rs.rep);
	fflush(stdout);
	dm_calls_free(c->rs.calls);
	dm_calls_cli_clear();
	dm_demux_free(c->rs.dm);
	dm_reasm_free(c->rs.ra);
	dm_shard_free(c->rs.shard);
	g_strfreev(c->args);
	g_ptr_array_unref(c->inputs);
	dm_live_cli_clear(&c->lo);
	dm_limits_cli_clear(&c->lim);
	dm_ss_cli_clear();
	dm_stack_cli_clear(&c->stack);
	g_strfreev(c->o.read_files);
	g_free(c->o.filter);
	g_free(c->xo.frames);
	g_free(c->o.format);
	g_free(c->o.sockets);
	g_strfreev(c->o.same_host);
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
	if (argc > 1 && strcmp(argv[1], "partition") == 0)
		return dm_cli_partition(argc - 1, argv + 1);

	cli c = {
		.ro = DM_REASM_CLI_INIT,
		.lim = DM_LIMITS_CLI_INIT,
		.fmt = DM_FORMAT_TEXT,
		.o.threads = 1,
		.o.evidence_window = NAN,
		.inputs = g_ptr_array_new(),
	};
	int status = parse_command_line(&c, argc, argv);
	if (status == CLI_CONTINUE && !dm_ss_cli_check(c.o.sockets != NULL))
		status = DM_EXIT_USAGE;
	if (status == CLI_CONTINUE && dm_ss_cli_dump_wanted())
		status = dm_ss_cli_dump();   /* the converted table, no run */
	if (status == CLI_CONTINUE)
		status = check_options(&c);
	if (status == CLI_CONTINUE && dm_cli_explain_wanted(&c.xo))
		status = run_explain(&c);
	if (status == CLI_CONTINUE)
		status = prepare_run(&c);
	if (status == CLI_CONTINUE)
		status = c.live ? dm_live_cli_run(&c.lo, c.o.split_dir, c.o.evidence_window,
		                                  c.rs.rep, c.rs.dm, c.rs.ra, c.rs.calls)
		                : run_files(&c);
	cli_clear(&c);
	return status;
}
