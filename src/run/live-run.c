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
#include "demuxsim/live-run.h"
#include "demuxsim/pipeline.h"
#include "demuxsim/report-live.h"
#include "demuxsim/live.h"
#include "demuxsim/report-tui.h"
#include "demuxsim/run.h"
#include "demuxsim/split.h"
#include "demuxsim/summary.h"
#include "run-int.h"


#define BATCH 256            /* frames between looks at keys and clocks */
#define REDRAW_SECONDS 1.0

typedef struct {
	const dm_live_run_options *o;
	dm_report *rep;
	dm_demux *dm;
	dm_pipeline *p;
	dm_lookahead *la;        /* the evidence window before @p */
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
	bool quit;
} run;

/* The full-screen view as the pipeline's sink. */
static void
tui_frame(void *ctx, uint64_t frame, const dm_record *rec, dm_frame_status st,
          const dm_packet *pkt, const dm_decision *d)
{
	(void)rec;
	dm_tui_frame(ctx, frame, st, pkt, d);
}

static void
tui_correction(void *ctx, uint64_t frame, const dm_record *rec, const dm_correction *c)
{
	(void)rec;
	dm_tui_correction(ctx, frame, c);
}

/* Each frame: to -w as captured, then through the pipeline. */
static void
process(run *r, const dm_record *rec)
{
	if (r->dump)
		dm_dump_write(r->dump, rec);
	dm_packet pkt;
	dm_frame_status st = dm_decode_frame(rec->dlt, rec->data, rec->caplen, rec->wirelen, &pkt);
	dm_lookahead_frame(r->la, rec, st, &pkt, NULL, 0);
	if (!r->tui)
		fflush(stdout);
	if (r->o->count && dm_lookahead_read(r->la) >= r->o->count)
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
	double t = dm_live_clock();
	if (force || t - *drawn >= REDRAW_SECONDS) {
		dm_live_stats st;
		bool have = r->live && dm_live_get_stats(r->live, &st);
		dm_tui_draw(r->tui, r->dm, dm_pipeline_summary(r->p), have ? &st : NULL);
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
	return r->quit || dm_stop_signal() ||
	       (r->o->duration > 0 && dm_live_clock() - start >= r->o->duration);
}

/* The live loop.  Returns false on a read error (reported). */
static bool
capture_loop(run *r)
{
	double start = dm_live_clock(), drawn = 0;
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
				double left = r->o->duration - (dm_live_clock() - start);
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
	double start = dm_live_clock(), drawn = 0, t0 = 0, w0 = start;
	bool first = true;
	GError *err = NULL;
	dm_record rec;
	int rc;

	interact(r, &drawn, true);
	while (!over(r, start) && (rc = dm_capture_next(r->file, &rec, &err)) == 1) {
		if (first) {
			t0 = rec_time(r, &rec);
			w0 = dm_live_clock();
			first = false;
		}
		for (;;) {
			double paused_at = dm_live_clock();
			while (r->tui && dm_tui_paused(r->tui) && !over(r, start)) {
				interact(r, &drawn, false);
				wait_input(r, -1, 200);
			}
			w0 += dm_live_clock() - paused_at;
			double due = w0 + (rec_time(r, &rec) - t0) - dm_live_clock();
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
		dm_lookahead_drain(r->la);   /* every frame before it first */
		g_printerr("demuxsim: %s: frame %" G_GUINT64_FORMAT ": %s\n", r->o->replay,
		           dm_lookahead_read(r->la) + 1, err->message);
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
			return DM_EXIT_INPUT;
		}
		r->dlt = dm_capture_linktype(r->file);
		r->nano = dm_capture_nanosecond(r->file);
	} else {
		r->live = dm_live_open(&o->cap, &err);
		if (!r->live) {
			int status = err->code == DM_LIVE_ERROR_FILTER ? DM_EXIT_USAGE : DM_EXIT_INPUT;
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
		return DM_EXIT_INPUT;
	}
	return DM_EXIT_DONE;
}

/* -w, opened before -Z drops root (it may be where only root writes). */
static int
open_outputs(run *r)
{
	const dm_live_run_options *o = r->o;
	GError *err = NULL;
	int snaplen = r->live ? dm_live_snaplen(r->live) : dm_capture_snaplen(r->file);

	if (!o->write_file)
		return DM_EXIT_DONE;
	r->dump = dm_dump_open(o->write_file, r->dlt, snaplen, r->nano, &err);
	if (r->dump)
		return DM_EXIT_DONE;
	g_printerr("demuxsim: %s\n", err->message);
	g_error_free(err);
	return DM_EXIT_INPUT;
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
	r->spool = dm_run_spool_unlink(r->spool_fd, name, &r->spool_named);
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
		return DM_EXIT_DONE;
	r->split = dm_split_new(o->split_dir, &err);
	if (!r->split)
		goto fail;
	if (g_access(o->split_dir, W_OK | X_OK) != 0) {
		g_printerr("demuxsim: %s: cannot write the split files there: %s\n",
		           o->split_dir, g_strerror(errno));
		return DM_EXIT_INPUT;
	}
	if (!o->write_file && r->live && !open_spool(r, &err))
		goto fail;
	return DM_EXIT_DONE;
fail:
	g_printerr("demuxsim: %s\n", err->message);
	g_error_free(err);
	return DM_EXIT_INPUT;
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
		ok = dm_split_write(r->split, &path, 1, dm_pipeline_frames(r->p), &err);
	}
	if (!ok) {
		g_printerr("demuxsim: %s\n", err->message);
		g_error_free(err);
	}
	return ok;
}

/* The frames, from the first to a signal, q, -c, --duration or the end
 * of the replayed file; then the outputs and the report.  Returns the
 * exit status. */
static int
run_frames(run *r)
{
	const dm_live_run_options *o = r->o;
	int status = DM_EXIT_DONE;
	const char *source = o->replay ? o->replay : o->cap.device;

	/* Refusals decided as their evidence comes, held up to the window. */
	dm_evidence *ev = dm_evidence_new(false);
	dm_demux_set_evidence(r->dm, ev);
	dm_demux_set_live_window(r->dm, dm_lookahead_late_window(o->evidence_window));
	dm_stop_catch_always();
	if (!o->no_tui && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		r->tui = dm_tui_new(source);
	else if (r->live) {
		char lt[64];
		g_printerr("demuxsim: listening on %s, link-type %s, snapshot length %d bytes\n",
		           o->cap.device, dm_linktype_describe(r->dlt, lt, sizeof lt),
		           dm_live_snaplen(r->live));
	}
	dm_pipeline_sink tui = { tui_frame, tui_correction, r->tui };
	dm_pipeline_config pc = { .rep = r->rep, .dm = r->dm, .ra = o->reasm,
	                          .split = r->split, .sink = r->tui ? &tui : NULL,
	                          .calls = o->calls };
	r->p = dm_pipeline_new(&pc);
	r->la = dm_lookahead_new(r->p, r->dm, ev, o->evidence_window);
	dm_lookahead_begin_input(r->la, source, r->nano);

	bool ok = r->live ? capture_loop(r) : replay_loop(r);
	dm_lookahead_drain(r->la);
	if (!ok)
		status = DM_EXIT_INPUT;
	dm_tui_free(r->tui);
	r->tui = NULL;
	if (!close_outputs(r))
		status = DM_EXIT_INPUT;
	dm_live_stats st;
	bool have = r->live && dm_live_get_stats(r->live, &st);
	if (have)
		dm_report_set_capture_stats(r->rep, &st);
	dm_pipeline_finish(r->p);
	fflush(stdout);
	if (r->live)
		dm_report_capture_stats(stderr, dm_pipeline_frames(r->p), &st, have);
	dm_lookahead_free(r->la);
	r->la = NULL;
	dm_pipeline_free(r->p);
	r->p = NULL;
	return status;
}

int
dm_live_run(const dm_live_run_options *o, dm_report *rep, dm_demux *dm)
{
	run r = { .o = o, .rep = rep, .dm = dm, .spool_fd = -1 };
	int status = open_source(&r);
	if (status == DM_EXIT_DONE)
		status = open_outputs(&r);
	if (status == DM_EXIT_DONE && o->user && (getuid() == 0 || geteuid() == 0)) {
		GError *err = NULL;
		if (!dm_live_drop_privileges(o->user, &err)) {
			g_printerr("demuxsim: %s\n", err->message);
			g_error_free(err);
			status = DM_EXIT_INPUT;
		}
	}
	if (status == DM_EXIT_DONE)
		status = open_split(&r);
	if (status != DM_EXIT_DONE)
		goto out;

	status = run_frames(&r);
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

