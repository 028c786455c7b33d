/* live-run.c - the run loop of live capture and real-time replay: a
 * single pass (refusals are decided as their evidence arrives: see
 * demux-live.h), each frame written to -w, decoded, simulated, then
 * traced line by line (flushed, so a pipe sees it at once) or shown in
 * the full-screen view.  SIGINT, SIGTERM, q, -c and --duration all end
 * it the same way: -w and --split files completed, the report, the
 * kernel's counters on standard error, exit status 0.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "demuxsim/decode.h"
#include "demuxsim/demux-live.h"
#include "demuxsim/dump.h"
#include "demuxsim/report-live.h"
#include "demuxsim/report-tui.h"
#include "demuxsim/split.h"
#include "demuxsim/summary.h"
#include "live-run-int.h"

enum { EXIT_DONE = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

#define BATCH 256            /* frames between looks at keys and clocks */
#define REDRAW_SECONDS 1.0

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static void
catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
	const dm_live_run_options *o;
	dm_report *rep;
	dm_demux *dm;
	dm_summary sum;
	dm_live *live;
	dm_capture *file;
	int dlt;
	bool nano;
	dm_dump *dump;
	char *spool;             /* --split without -w: frames kept here,
	                          * read back as /dev/fd/N (its name is gone) */
	int spool_fd;            /* or -1 */
	bool spool_named;        /* no /dev/fd: @spool is a name to remove */
	dm_split *split;
	dm_tui *tui;
	uint64_t frame;
	bool quit;
} run;

static void
process(run *r, const dm_record *rec)
{
	dm_packet pkt;
	dm_decision d;
	dm_correction c;

	r->frame++;
	if (r->dump)
		dm_dump_write(r->dump, rec);
	uint32_t nsec = r->nano ? rec->frac : rec->frac * 1000;
	dm_frame_status st = dm_decode_frame(r->dlt, rec->data, rec->caplen, rec->wirelen, &pkt);
	if (r->o->reasm)
		st = dm_reasm_frame(r->o->reasm, r->frame, rec->sec, nsec, st, &pkt);
	dm_summary_add(&r->sum, st, &pkt);
	dm_demux_segment(r->dm, r->frame, rec->sec, nsec, st, &pkt, &d);
	if (r->split && d.socket && d.action != DM_ACTION_DROPPED) {
		dm_split_note(r->split, r->frame, d.socket);
		for (uint32_t i = 0; i < pkt.n_reasm_frames; i++)
			dm_split_note(r->split, pkt.reasm_frames[i], d.socket);
	}
	if (r->tui)
		dm_tui_frame(r->tui, r->frame, st, &pkt, &d);
	else
		dm_report_frame(r->rep, r->frame, rec, st, &pkt, &d);
	while (dm_demux_next_correction(r->dm, &c)) {
		if (r->tui)
			dm_tui_correction(r->tui, r->frame, &c);
		else
			dm_report_correction(r->rep, r->frame, rec, &c);
	}
	if (!r->tui)
		fflush(stdout);
	if (r->o->count && r->frame >= r->o->count)
		r->quit = true;
}

/* Keys and the screen, at most once a second unless @force. */
static void
interact(run *r, double *drawn, bool force)
{
	if (!r->tui)
		return;
	if (dm_tui_keys(r->tui))
		r->quit = true;
	double t = now_s();
	if (force || t - *drawn >= REDRAW_SECONDS) {
		dm_live_stats st;
		bool have = r->live && dm_live_get_stats(r->live, &st);
		dm_tui_draw(r->tui, r->dm, &r->sum, have ? &st : NULL);
		*drawn = t;
	}
}

/* Wait up to @ms for frames (fd @fd, -1: none) or keys. */
static void
wait_input(const run *r, int fd, int ms)
{
	struct pollfd p[2];
	nfds_t n = 0;
	if (fd >= 0)
		p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (r->tui)
		p[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	if (n)
		poll(p, n, ms);
	else
		g_usleep((gulong)ms * 1000);
}

static bool
over(const run *r, double start)
{
	return r->quit || stop_signal ||
	       (r->o->duration > 0 && now_s() - start >= r->o->duration);
}

/* The live loop.  Returns false on a read error (reported). */
static bool
capture_loop(run *r)
{
	double start = now_s(), drawn = 0;
	interact(r, &drawn, true);
	while (!over(r, start)) {
		GError *err = NULL;
		dm_record rec;
		int rc = 0;
		for (int i = 0; i < BATCH && !r->quit; i++) {
			rc = dm_live_next(r->live, &rec, &err);
			if (rc != 1)
				break;
			process(r, &rec);
		}
		if (rc < 0) {
			g_printerr("demuxsim: %s: %s\n", r->o->cap.device, err->message);
			g_error_free(err);
			return false;
		}
		interact(r, &drawn, false);
		if (rc == 0 && !over(r, start)) {
			int ms = 200;
			if (r->o->duration > 0) {
				double left = r->o->duration - (now_s() - start);
				ms = left <= 0 ? 0 : left < 0.2 ? (int)(left * 1000) + 1 : 200;
			}
			wait_input(r, dm_live_fd(r->live), ms);
		}
	}
	return true;
}

/* Seconds between two record times. */
static double
rec_time(const run *r, const dm_record *rec)
{
	return rec->sec + rec->frac / (r->nano ? 1e9 : 1e6);
}

/* The replay loop: each record when its time comes.  Returns false on
 * an input error (reported). */
static bool
replay_loop(run *r)
{
	double start = now_s(), drawn = 0, t0 = 0, w0 = start;
	bool first = true;
	GError *err = NULL;
	dm_record rec;
	int rc;

	interact(r, &drawn, true);
	while (!over(r, start) && (rc = dm_capture_next(r->file, &rec, &err)) == 1) {
		if (first) {
			t0 = rec_time(r, &rec);
			w0 = now_s();
			first = false;
		}
		for (;;) {
			double paused_at = now_s();
			while (r->tui && dm_tui_paused(r->tui) && !over(r, start)) {
				interact(r, &drawn, false);
				wait_input(r, -1, 200);
			}
			w0 += now_s() - paused_at;
			double due = w0 + (rec_time(r, &rec) - t0) - now_s();
			if (due <= 0 || over(r, start))
				break;
			interact(r, &drawn, false);
			wait_input(r, -1, due < 0.2 ? (int)(due * 1000) + 1 : 200);
		}
		if (over(r, start))
			break;
		process(r, &rec);
		interact(r, &drawn, false);
	}
	if (!over(r, start) && rc < 0) {
		g_printerr("demuxsim: %s: frame %" G_GUINT64_FORMAT ": %s\n", r->o->replay,
		           r->frame + 1, err->message);
		g_error_free(err);
		return false;
	}
	g_clear_error(&err);
	/* At the end of the file the view stays until q. */
	while (r->tui && !over(r, start)) {
		interact(r, &drawn, false);
		wait_input(r, -1, 200);
	}
	return true;
}

static int
open_source(run *r)
{
	const dm_live_run_options *o = r->o;
	GError *err = NULL;
	char lt[64];

	if (o->replay) {
		r->file = dm_capture_open_file(o->replay, &err);
		if (!r->file) {
			g_printerr("demuxsim: %s: %s\n", o->replay, err->message);
			g_error_free(err);
			return EXIT_INPUT;
		}
		r->dlt = dm_capture_linktype(r->file);
		r->nano = dm_capture_nanosecond(r->file);
	} else {
		r->live = dm_live_open(&o->cap, &err);
		if (!r->live) {
			int status = err->code == DM_LIVE_ERROR_FILTER ? EXIT_USAGE : EXIT_INPUT;
			g_printerr("demuxsim: %s\n", err->message);
			if (err->code == DM_LIVE_ERROR_PERMISSION) {
				char *self = g_file_read_link("/proc/self/exe", NULL);
				g_printerr("demuxsim: capturing needs root or the CAP_NET_RAW capability;"
				           " grant it with: setcap cap_net_raw,cap_net_admin=eip %s\n",
				           self ? self : "/path/to/demuxsim");
				g_free(self);
			}
			g_error_free(err);
			return status;
		}
		r->dlt = dm_live_linktype(r->live);
		r->nano = dm_live_nanosecond(r->live);
	}
	if (!dm_linktype_supported(r->dlt)) {
		g_printerr("demuxsim: %s: unsupported link type %s\n",
		           o->replay ? o->replay : o->cap.device,
		           dm_linktype_describe(r->dlt, lt, sizeof lt));
		return EXIT_INPUT;
	}
	return EXIT_DONE;
}

/* -w, opened before -Z drops root (it may be where only root writes). */
static int
open_outputs(run *r)
{
	const dm_live_run_options *o = r->o;
	GError *err = NULL;
	int snaplen = r->live ? dm_live_snaplen(r->live) : dm_capture_snaplen(r->file);

	if (!o->write_file)
		return EXIT_DONE;
	r->dump = dm_dump_open(o->write_file, r->dlt, snaplen, r->nano, &err);
	if (r->dump)
		return EXIT_DONE;
	g_printerr("demuxsim: %s\n", err->message);
	g_error_free(err);
	return EXIT_INPUT;
}

/* The spool --split reads back when there is no -w file.  Its name is
 * removed at once when the file can be read through its descriptor: then
 * it is never left behind.  Returns false with @error set. */
static bool
open_spool(run *r, GError **error)
{
	int snaplen = r->live ? dm_live_snaplen(r->live) : dm_capture_snaplen(r->file);
	char *name = NULL;

	r->spool_fd = g_file_open_tmp("demuxsim-live-XXXXXX.pcap", &name, error);
	if (r->spool_fd < 0)
		return false;
	r->dump = dm_dump_open(name, r->dlt, snaplen, r->nano, error);
	char *by_fd = g_strdup_printf("/dev/fd/%d", r->spool_fd);
	int probe = open(by_fd, O_RDONLY);
	if (probe >= 0) {
		close(probe);
		g_unlink(name);
		g_free(name);
		r->spool = by_fd;
	} else {
		g_free(by_fd);
		r->spool = name;
		r->spool_named = true;
	}
	return r->dump != NULL;
}

/* --split: its directory, and the spool; made once -Z has dropped root,
 * so that the user it runs as can write them and read the spool back. */
static int
open_split(run *r)
{
	const dm_live_run_options *o = r->o;
	GError *err = NULL;

	if (!o->split_dir)
		return EXIT_DONE;
	r->split = dm_split_new(o->split_dir, &err);
	if (!r->split)
		goto fail;
	if (g_access(o->split_dir, W_OK | X_OK) != 0) {
		g_printerr("demuxsim: %s: cannot write the split files there: %s\n",
		           o->split_dir, g_strerror(errno));
		return EXIT_INPUT;
	}
	if (!o->write_file && r->live && !open_spool(r, &err))
		goto fail;
	return EXIT_DONE;
fail:
	g_printerr("demuxsim: %s\n", err->message);
	g_error_free(err);
	return EXIT_INPUT;
}

/* Complete -w and --split.  Returns false after reporting a failure. */
static bool
close_outputs(run *r)
{
	GError *err = NULL;
	bool ok = dm_dump_close(r->dump, &err);
	r->dump = NULL;
	if (ok && r->split) {
		const char *path = r->spool ? r->spool
		                 : r->o->write_file ? r->o->write_file : r->o->replay;
		ok = dm_split_write(r->split, &path, 1, r->frame, &err);
	}
	if (!ok) {
		g_printerr("demuxsim: %s\n", err->message);
		g_error_free(err);
	}
	return ok;
}

int
dm_live_run(const dm_live_run_options *o, dm_report *rep, dm_demux *dm)
{
	run r = { .o = o, .rep = rep, .dm = dm, .spool_fd = -1 };
	int status = open_source(&r);
	if (status == EXIT_DONE)
		status = open_outputs(&r);
	if (status == EXIT_DONE && o->user && (getuid() == 0 || geteuid() == 0)) {
		GError *err = NULL;
		if (!dm_live_drop_privileges(o->user, &err)) {
			g_printerr("demuxsim: %s\n", err->message);
			g_error_free(err);
			status = EXIT_INPUT;
		}
	}
	if (status == EXIT_DONE)
		status = open_split(&r);
	if (status != EXIT_DONE)
		goto out;

	const char *source = o->replay ? o->replay : o->cap.device;
	dm_demux_set_live(dm);
	dm_report_begin_file(rep, source, r.nano);
	catch_signals();
	if (!o->no_tui && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		r.tui = dm_tui_new(source);
	else if (r.live) {
		char lt[64];
		g_printerr("demuxsim: listening on %s, link-type %s, snapshot length %d bytes\n",
		           o->cap.device, dm_linktype_describe(r.dlt, lt, sizeof lt),
		           dm_live_snaplen(r.live));
	}

	bool ok = r.live ? capture_loop(&r) : replay_loop(&r);
	if (!ok)
		status = EXIT_INPUT;
	dm_tui_free(r.tui);
	r.tui = NULL;
	if (!close_outputs(&r))
		status = EXIT_INPUT;
	if (o->reasm)
		dm_reasm_finish(o->reasm, &r.sum.reasm);
	dm_live_stats st;
	bool have = r.live && dm_live_get_stats(r.live, &st);
	if (have)
		dm_report_set_capture_stats(rep, &st);
	dm_report_summary(rep, &r.sum, dm);
	fflush(stdout);
	if (r.live)
		dm_report_capture_stats(stderr, r.frame, &st, have);
out:
	dm_dump_close(r.dump, NULL);
	dm_split_free(r.split);
	if (r.spool_named)
		g_unlink(r.spool);
	g_free(r.spool);
	if (r.spool_fd >= 0)
		close(r.spool_fd);
	dm_live_close(r.live);
	dm_capture_close(r.file);
	return status;
}

/* --- The command line --------------------------------------------------- */

const GOptionEntry *
dm_live_cli_entries(dm_live_cli *lo)
{
	static GOptionEntry e[14];
	GOptionEntry v[] = {
		{ "interface", 'i', 0, G_OPTION_ARG_STRING, &lo->interface,
		  "Capture live on interface IFACE (\"any\": all of them); trailing arguments are a filter", "IFACE" },
		{ "list-interfaces", 'D', 0, G_OPTION_ARG_NONE, &lo->list,
		  "List the interfaces a capture can be opened on, and exit", NULL },
		{ "filter", 'f', 0, G_OPTION_ARG_STRING, &lo->filter,
		  "With -i: capture only what the BPF expression EXPR selects", "EXPR" },
		{ "count", 'c', 0, G_OPTION_ARG_INT, &lo->count,
		  "With -i: stop after N frames", "N" },
		{ "duration", 0, 0, G_OPTION_ARG_DOUBLE, &lo->duration,
		  "With -i: stop after SECONDS", "SECONDS" },
		{ "snapshot-length", 's', 0, G_OPTION_ARG_INT, &lo->snaplen,
		  "With -i: keep at most N bytes of each frame (default 262144)", "N" },
		{ "no-promiscuous-mode", 'p', 0, G_OPTION_ARG_NONE, &lo->no_promisc,
		  "With -i: leave the interface out of promiscuous mode", NULL },
		{ "no-immediate-mode", 0, 0, G_OPTION_ARG_NONE, &lo->no_immediate,
		  "With -i: let the kernel buffer frames (default: each at once)", NULL },
		{ "write", 'w', 0, G_OPTION_ARG_FILENAME, &lo->write_file,
		  "With -i: also save the raw frames to the pcap FILE", "FILE" },
		{ "relinquish-privileges", 'Z', 0, G_OPTION_ARG_STRING, &lo->user,
		  "With -i, as root: become USER once the interface is open", "USER" },
		{ "no-tui", 0, 0, G_OPTION_ARG_NONE, &lo->no_tui,
		  "With -i or --realtime: the plain trace even on a terminal", NULL },
		{ "realtime", 0, 0, G_OPTION_ARG_NONE, &lo->realtime,
		  "With -r FILE: replay it at its recorded pace, as a live capture", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	G_STATIC_ASSERT(G_N_ELEMENTS(v) <= G_N_ELEMENTS(e));
	memcpy(e, v, sizeof v);
	return e;
}

bool
dm_live_cli_wanted(const dm_live_cli *lo)
{
	return lo->interface || lo->list || lo->realtime || lo->filter || lo->count ||
	       lo->duration || lo->snaplen || lo->no_promisc || lo->no_immediate ||
	       lo->write_file || lo->user || lo->no_tui;
}

static int
usage(const char *msg)
{
	g_printerr("demuxsim: %s (try --help)\n", msg);
	return EXIT_USAGE;
}

int
dm_live_cli_check(dm_live_cli *lo, const char *read_file, gchar ***files)
{
	guint nfiles = *files ? g_strv_length(*files) : 0;

	if (lo->list) {
		GError *err = NULL;
		GArray *devs = dm_live_devices(&err);
		if (!devs) {
			g_printerr("demuxsim: %s\n", err->message);
			g_error_free(err);
			return EXIT_INPUT;
		}
		if (devs->len == 0) {
			g_array_unref(devs);
			g_printerr("demuxsim: no interfaces found (capturing may need root or CAP_NET_RAW)\n");
			return EXIT_INPUT;
		}
		dm_report_devices(stdout, devs);
		g_array_unref(devs);
		return EXIT_DONE;
	}
	if (!lo->interface && !lo->realtime)
		return usage("-c, --duration, -f, -s, -p, -w, -Z and --no-tui need -i (or --realtime)");
	if (lo->interface && lo->realtime)
		return usage("--realtime replays a file: use -r FILE, not -i");
	if (lo->interface && read_file)
		return usage("-i and -r cannot be combined");
	if (lo->count < 0 || lo->duration < 0 || lo->snaplen < 0)
		return usage("-c, --duration and -s take a positive number");
	if (lo->interface) {
		if (nfiles && lo->filter)
			return usage("give the filter with -f or as trailing arguments, not both");
		if (nfiles) {
			lo->filter = g_strjoinv(" ", *files);
			g_strfreev(*files);
			*files = NULL;
		}
		return DM_LIVE_CLI_CONTINUE;
	}
	/* --realtime */
	if ((read_file ? 1 : 0) + nfiles != 1)
		return usage("--realtime replays one capture file (-r FILE)");
	if (lo->filter || lo->write_file || lo->user || lo->snaplen || lo->no_promisc)
		return usage("-f, -w, -Z, -s and -p apply to live capture (-i)");
	lo->replay = g_strdup(read_file ? read_file : (*files)[0]);
	return DM_LIVE_CLI_CONTINUE;
}

int
dm_live_cli_run(const dm_live_cli *lo, const char *split_dir, dm_report *rep,
                dm_demux *dm, dm_reasm *reasm)
{
	dm_live_run_options o = {
		.cap = {
			.device = lo->interface,
			.snaplen = lo->snaplen,
			.no_promisc = lo->no_promisc,
			.buffered = lo->no_immediate,
			.filter = lo->filter,
		},
		.replay = lo->replay,
		.count = (uint64_t)lo->count,
		.duration = lo->duration,
		.write_file = lo->write_file,
		.user = lo->user,
		.split_dir = split_dir,
		.no_tui = lo->no_tui,
		.reasm = reasm,
	};
	return dm_live_run(&o, rep, dm);
}

void
dm_live_cli_clear(dm_live_cli *lo)
{
	g_free(lo->interface);
	g_free(lo->filter);
	g_free(lo->write_file);
	g_free(lo->user);
	g_free(lo->replay);
}
