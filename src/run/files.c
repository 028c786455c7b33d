/* files.c - a run over capture files (see run.h): every frame of every
 * input, decoded ahead on threads with --threads, through the evidence
 * window (lookahead.c) into the pipeline, streams read as they come; the
 * report, the HTML page and the per-socket pcaps at the end.  With
 * --two-pass the streams are spooled and a first pass collects the
 * evidence instead.  SIGINT and SIGTERM end the reading after the frame
 * in hand.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "demuxsim/capture.h"
#include "demuxsim/decode.h"
#include "demuxsim/frames.h"
#include "demuxsim/pipeline.h"
#include "demuxsim/report-errors.h"
#include "demuxsim/run.h"
#include "demuxsim/shard.h"
#include "demuxsim/split.h"
#include "progress-int.h"
#include "run-int.h"

/* Open @in, check its link type and set @filter (compiled for it);
 * reports errors when @loud. */
static dm_capture *
open_input(const dm_run_input *in, const dm_run_files_config *cfg, bool loud)
{
	const char *filter = cfg->filter;
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(in->path, &err);
	char lt[64], msg[128];

	if (!cap) {
		if (loud)
			dm_report_input_error(in->name, 0, err->message);
		g_error_free(err);
		return NULL;
	}
	int dlt = dm_capture_linktype(cap);
	if (!dm_linktype_supported(dlt)) {
		g_snprintf(msg, sizeof msg, "unsupported link type %s",
		           dm_linktype_describe(dlt, lt, sizeof lt));
		if (loud)
			dm_report_input_error(in->name, 0, msg);
		dm_capture_close(cap);
		return NULL;
	}
	if (!dm_capture_set_filter(cap, filter, &err)) {
		char *m = g_strdup_printf("bad filter \"%s\" for link type %s: %s", filter,
		                          dm_linktype_describe(dlt, lt, sizeof lt), err->message);
		if (loud)
			dm_report_input_error(in->name, 0, m);
		g_free(m);
		g_error_free(err);
		dm_capture_close(cap);
		return NULL;
	}
	uint64_t frames;
	if (dm_shard_bucket(cfg->shard, in->path, &frames)) {
		/* A bucket of demuxsim partition: frames numbered as in its
		 * input. */
		char *ipath = g_strconcat(in->path, ".frames", NULL);
		FILE *index = fopen(ipath, "r");
		char head[128];
		if (!index || !fgets(head, sizeof head, index)) {
			if (loud)
				dm_report_input_error(ipath, 0, index ? "empty frame index"
				                                      : g_strerror(errno));
			if (index)
				fclose(index);
			g_free(ipath);
			dm_capture_close(cap);
			return NULL;
		}
		g_free(ipath);
		dm_capture_set_frame_index(cap, index, frames);
	}
	return cap;
}

/* First pass: evidence of refusals, frames numbered across all inputs. */
static dm_evidence *
collect_evidence(const GArray *inputs, const dm_run_files_config *cfg)
{
	dm_evidence *ev = dm_evidence_new(cfg->declared);
	uint64_t frame = 0, kept = 0, carry = 0, count = cfg->count;
	unsigned threads = cfg->threads;

	for (guint i = 0; i < inputs->len && !dm_stop_signal(); i++) {
		const dm_run_input *in = &g_array_index(inputs, dm_run_input, i);
		dm_capture *cap = in->failed || in->unread ? NULL
		                                           : open_input(in, cfg, false);
		if (!cap)
			continue;
		dm_capture_add_skipped(cap, carry);
		/* Addresses, ports and flags: no checksum. */
		dm_frames *fr = dm_frames_new(cap, DM_FRAMES_HEADERS, threads, NULL, NULL);
		const dm_record *rec;
		dm_frame_status st;
		dm_packet *pkt;
		GError *err = NULL;
		int rc = 0;
		while (!dm_stop_signal() && (!count || kept < count) &&
		       (rc = dm_frames_next(fr, &rec, &st, &pkt, &err)) == 1) {
			kept++;
			frame += 1 + rec->skipped;
			dm_evidence_add(ev, frame, st, pkt);
			if (pkt->tunnel)
				dm_run_tunnel_evidence(ev, frame, pkt);
		}
		carry = dm_capture_pending(cap);
		dm_frames_free(fr);
		if (rc < 0)
			g_error_free(err);
	}
	return ev;
}

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

/* Where a file run's frames go: the evidence window, or (--two-pass,
 * its evidence read first) the pipeline itself. */
typedef struct {
	dm_pipeline *p;
	dm_lookahead *la;   /* NULL with --two-pass */
	dm_parts *parts;    /* the table in partitions (--threads), or NULL:
	                     * then neither p nor la */
	dm_progress *progress; /* the line on standard error, or NULL */
	uint64_t kept;      /* frames processed (those the filter kept) */
	uint64_t carry;     /* left out at the end of the inputs so far */
} frame_sink;

/* A stream's lines are seen as they come: written out whenever nothing
 * more of it is waiting to be read. */
static void
flush_when_idle(const dm_run_input *in)
{
	int waiting = 0;
	if (in->pump && (ioctl(in->pipe_r, FIONREAD, &waiting) != 0 || waiting == 0))
		fflush(stdout);
}

/* Whether -c's count of frames has been read. */
static bool
counted(const dm_run_files_config *cfg, const frame_sink *to)
{
	return cfg->count && to->kept >= cfg->count;
}

/* The frames of the input read so far through its evidence window. */
static void
drain(frame_sink *to)
{
	if (to->parts)
		dm_parts_end_input(to->parts);
	else if (to->la)
		dm_lookahead_drain(to->la);
}

/* One input, read until its end or a signal.  Returns false after an
 * input error. */
static bool
run_input(const dm_run_input *in, frame_sink *to, const dm_run_files_config *cfg)
{
	GError *err = NULL;
	if (in->unread)
		return true;
	/* A stream cut by a signal may not even hold a file header. */
	dm_capture *cap = in->failed ? NULL
	                             : open_input(in, cfg, !g_atomic_int_get(&in->cut));
	if (!cap)
		return g_atomic_int_get(&in->cut);
	/* Frame numbers go on from the frames left out before this input. */
	uint64_t before = to->carry;
	dm_capture_add_skipped(cap, before);
	bool nano = dm_capture_nanosecond(cap);
	if (to->parts) {
		dm_parts_begin_input(to->parts, in->name, nano);
	} else if (to->la) {
		dm_lookahead_begin_input(to->la, in->name, nano);
	} else {
		dm_pipeline_begin_input(to->p, in->name, nano);
	}

	/* Decoded ahead on the other threads with --threads, with the start
	 * of each trace line; the socket table takes the frames in capture
	 * order. */
	line_ctx lc = { cfg->rep, 0 };
	dm_frames *fr;
	if (to->parts) {
		/* Decoded here, no trace: the other threads run the tables. */
		fr = dm_frames_new(cap, DM_FRAMES_FULL, 1, NULL, NULL);
	} else {
		lc.base = to->la ? dm_lookahead_read(to->la) : dm_pipeline_frames(to->p);
		/* A stream read as it comes is decoded as it comes: the
		 * decoding threads take records in batches. */
		fr = dm_frames_new(cap, DM_FRAMES_FULL, in->pump ? 1 : cfg->threads, line_start, &lc);
	}
	const dm_record *rec;
	dm_packet *pkt;
	dm_frame_status st;
	uint64_t in_file = 0;
	int rc = 0;
	dm_progress_begin_input(to->progress, in->name);
	while (!dm_stop_signal() && !counted(cfg, to) &&
	       (rc = dm_frames_next(fr, &rec, &st, &pkt, &err)) == 1) {
		in_file += 1 + rec->skipped;
		to->kept++;
		dm_progress_frame(to->progress, cap);
		size_t len;
		const char *start = dm_frames_text(fr, &len);
		if (to->parts)
			dm_parts_frame(to->parts, rec, st, pkt);
		else if (to->la)
			dm_lookahead_frame(to->la, rec, st, pkt, start, len);
		else
			dm_pipeline_frame(to->p, rec, st, pkt, start, len);
		flush_when_idle(in);
	}
	/* The reader thread has ended with the capture's end. */
	to->carry = dm_capture_pending(cap);
	if (to->parts) {
		dm_parts_note_filtered(to->parts, dm_capture_filtered(cap), dm_capture_absent(cap));
	} else {
		dm_pipeline_note_filtered(to->p, dm_capture_filtered(cap));
		dm_pipeline_note_absent(to->p, dm_capture_absent(cap));
	}
	dm_frames_free(fr);
	dm_progress_end_input(to->progress);
	if (rc < 0 && g_atomic_int_get(&in->cut)) {
		/* Where a signal cut the stream. */
		g_error_free(err);
	} else if (rc < 0) {
		/* The damaged record by its position in its own file, after
		 * every frame before it. */
		drain(to);
		dm_report_input_error(in->name, in_file + to->carry - before + 1, err->message);
		g_error_free(err);
		return false;
	}
	return true;
}

/* Read input @in of a single pass: a stream through its pump (unless
 * spooled for --split). */
static bool
stream_input(dm_run_input *in, frame_sink *to, const dm_run_files_config *cfg)
{
	bool pumped = !in->temporary && !in->failed && !in->unread && dm_run_is_stream(in->name);
	if (pumped && !dm_run_stream_start(in))
		return false;
	bool ok = run_input(in, to, cfg);
	if (pumped && !dm_run_stream_end(in))
		ok = false;
	return ok;
}

/* --report and --split after the run.  Returns false after an error. */
static bool
write_outputs(const dm_run_files_config *cfg, const GArray *inputs, dm_split *split,
              const dm_pipeline *p, dm_progress *progress)
{
	GError *err = NULL;
	bool ok = true;

	if (cfg->html) {
		char *what = g_strdup_printf("writing the HTML report %s", cfg->html_path);
		dm_progress_step_begin(progress, what);
		g_free(what);
		bool written = dm_report_write_html(cfg->rep, dm_pipeline_summary(p), cfg->dm,
		                                    cfg->html);
		if (fclose(cfg->html) != 0 || !written) {
			dm_report_input_error(cfg->html_path, 0, "cannot write the report");
			ok = false;
		}
		dm_progress_step_end(progress);
	}
	if (split) {
		GPtrArray *paths = g_ptr_array_new();
		for (guint i = 0; i < inputs->len; i++) {
			const dm_run_input *in = &g_array_index(inputs, dm_run_input, i);
			g_ptr_array_add(paths, in->failed || in->unread ? (char *)"" : in->path);
		}
		if (!dm_split_write(split, (const char *const *)paths->pdata, paths->len,
		                    dm_pipeline_frames(p), &err)) {
			dm_report_input_error(cfg->split_dir, 0, err->message);
			g_error_free(err);
			ok = false;
		}
		g_ptr_array_unref(paths);
	}
	return ok;
}

/* Every input through @to; returns the exit status. */
static int
read_inputs(const dm_run_files_config *cfg, GArray *inputs, frame_sink *to)
{
	int status = DM_EXIT_DONE;
	/* A bad input is reported and skipped: the others are still read.  A
	 * signal in the first pass leaves no frame processed. */
	for (guint i = 0; i < inputs->len && !dm_stop_signal() && !counted(cfg, to); i++) {
		dm_run_input *in = &g_array_index(inputs, dm_run_input, i);
		if (!(to->la ? stream_input(in, to, cfg) : run_input(in, to, cfg)))
			status = DM_EXIT_INPUT;
		/* The window ends with its input: the starts of the next one's
		 * lines, made ahead on threads, take its time format from the
		 * report, which must have begun it. */
		drain(to);
	}
	drain(to);
	return status;
}

/* Whether the run's table can go in partitions (--threads on the table):
 * regular files read once, nothing written frame by frame, every host of
 * one address. */
static bool
partitioned(const dm_run_files_config *cfg, const GArray *inputs, const dm_split *split)
{
	if (cfg->table_parts < 2 || !cfg->make_part || cfg->two_pass || split || cfg->html ||
	    cfg->calls || cfg->shard || dm_report_writes_frames(cfg->rep) ||
	    !dm_demux_joinable(cfg->dm))
		return false;
	for (guint i = 0; i < inputs->len; i++) {
		const dm_run_input *in = &g_array_index(inputs, dm_run_input, i);
		if (!in->failed && !in->unread && dm_run_is_stream(in->name))
			return false;
	}
	return true;
}

/* The single pass with the table in partitions.  Returns the exit
 * status, or -1 when what the tables held together reached the budget:
 * the run is then made again on one table. */
static int
run_parts(const dm_run_files_config *cfg, GArray *inputs, int stopped)
{
	frame_sink to = { .parts = dm_parts_new(cfg->table_parts, cfg) };
	if (!to.parts)
		return -1;
	to.progress = cfg->progress ? dm_progress_new() : NULL;
	/* Said once: after this pass, or by the one made again. */
	dm_report_errors_hold();
	int status = read_inputs(cfg, inputs, &to);
	if (dm_stop_signal())
		stopped = dm_stop_signal();
	dm_summary sum;
	bool exact;
	dm_demux *joined = dm_parts_finish(to.parts, &sum, &exact);
	dm_report_errors_release(exact || stopped);
	if (!exact && !stopped) {
		dm_demux_free(joined);
		dm_parts_free(to.parts);
		dm_progress_free(to.progress);
		return -1;
	}
	uint64_t frames = dm_parts_frames(to.parts);
	/* The inputs read, to the report once the run is not made again. */
	const GArray *begun = dm_parts_inputs(to.parts);
	for (guint i = 0; i < begun->len; i++) {
		const dm_parts_input *b = &g_array_index(begun, dm_parts_input, i);
		dm_report_begin_file(cfg->rep, b->name, b->nano);
	}
	if (stopped)
		dm_report_set_interrupted(cfg->rep, stopped, frames);
	dm_progress_step_begin(to.progress, "writing the report");
	dm_report_summary(cfg->rep, &sum, joined);
	dm_progress_step_end(to.progress);
	if (stopped || dm_stop_signal())
		status = dm_report_interrupted(stopped ? stopped : dm_stop_signal(), frames);
	dm_demux_free(joined);
	dm_parts_free(to.parts);
	dm_progress_free(to.progress);
	return status;
}

/* The pass (or passes) over @inputs.  Returns the exit status. */
static int
run_passes(const dm_run_files_config *cfg, GArray *inputs, dm_split *split, int stopped)
{
	dm_pipeline_config pc = { .rep = cfg->rep, .dm = cfg->dm, .ra = cfg->ra,
	                          .shard = cfg->shard, .split = split, .calls = cfg->calls };
	frame_sink to = { .p = dm_pipeline_new(&pc),
	                  .progress = cfg->progress ? dm_progress_new() : NULL };

	if (cfg->two_pass) {
		dm_demux_set_evidence(cfg->dm, collect_evidence(inputs, cfg));
	} else {
		dm_evidence *ev = dm_evidence_new(cfg->declared);
		dm_demux_set_evidence(cfg->dm, ev);
		dm_demux_set_live_window(cfg->dm, dm_lookahead_late_window(cfg->evidence_window));
		to.la = dm_lookahead_new(to.p, cfg->dm, ev, cfg->evidence_window);
	}
	int status = read_inputs(cfg, inputs, &to);
	if (dm_stop_signal())
		stopped = dm_stop_signal();
	if (stopped)
		dm_report_set_interrupted(cfg->rep, stopped, dm_pipeline_frames(to.p));
	/* The tables, or the diagram laid out by Graphviz, can take a while. */
	dm_progress_step_begin(to.progress, "writing the report");
	dm_pipeline_finish(to.p);
	dm_progress_step_end(to.progress);
	if (!write_outputs(cfg, inputs, split, to.p, to.progress))
		status = DM_EXIT_INPUT;
	/* One that came while the outputs were written let them finish. */
	if (stopped || dm_stop_signal())
		status = dm_report_interrupted(stopped ? stopped : dm_stop_signal(),
		                               dm_pipeline_frames(to.p));
	dm_lookahead_free(to.la);
	dm_pipeline_free(to.p);
	dm_progress_free(to.progress);
	return status;
}

int
dm_run_files(const dm_run_files_config *cfg, const char *const *names, guint n)
{
	GArray *inputs = g_array_new(FALSE, TRUE, sizeof(dm_run_input));
	GError *err = NULL;
	dm_split *split = NULL;
	int status = DM_EXIT_DONE, stopped = 0;

	for (guint i = 0; i < n; i++) {
		/* A bucket of demuxsim partition is reported as its input. */
		uint64_t frames;
		const char *input = dm_shard_bucket(cfg->shard, names[i], &frames);
		g_array_append_val(inputs, ((dm_run_input){ .name = input ? input : names[i],
		                                            .path = (char *)names[i], .fd = -1 }));
	}
	dm_stop_catch();
	/* Streams are read twice with --two-pass, and again by --split. */
	if ((cfg->two_pass || cfg->split_dir) && !dm_run_spool_streams(inputs, &stopped))
		status = DM_EXIT_INPUT;
	if (cfg->split_dir) {
		split = dm_split_new(cfg->split_dir, &err);
		if (!split) {
			dm_report_input_error(cfg->split_dir, 0, err->message);
			g_error_free(err);
			if (cfg->html)
				fclose(cfg->html);
			status = DM_EXIT_INPUT;
			goto out;
		}
	}
	int st = -1;
	if (partitioned(cfg, inputs, split))
		st = run_parts(cfg, inputs, stopped);
	if (st < 0)
		st = run_passes(cfg, inputs, split, stopped);
	if (st != DM_EXIT_DONE)
		status = st;
out:
	dm_split_free(split);
	dm_run_spools_clear(inputs);
	g_array_unref(inputs);
	return status;
}
