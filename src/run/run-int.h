/* run-int.h - the inputs of a file run, shared by files.c, spool.c,
 * lookahead.c and parts.c (not installed). */
#ifndef DEMUXSIM_RUN_INT_H
#define DEMUXSIM_RUN_INT_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/pipeline.h"
#include "demuxsim/run.h"

typedef struct {
	const char *name;   /* as given ("-" for standard input) */
	char *path;         /* what is opened */
	bool temporary;     /* a spool: @path is its descriptor's /dev/fd/N,
	                     * or its name when /dev/fd is missing */
	bool named;         /* the spool's name is still to be removed */
	int fd;             /* the spool's descriptor, with temporary */
	bool failed;        /* could not be spooled: skipped */
	gint cut;           /* its reading ended by a signal: the last record
	                     * may be cut, which is its end, not an error */
	bool unread;        /* a signal came before it was read: skipped */
	/* A stream read once, as it comes (dm_run_stream_start). */
	GThread *pump;      /* copies it to the pipe @path names */
	int pipe_r;         /* that pipe's read end */
	int src;            /* the stream's descriptor */
	int pump_errno;     /* why the copy stopped, 0 at its end or a signal */
} dm_run_input;

/* Spool the streams among @inputs (GArray of dm_run_input) to temporary
 * files so that they can be read twice.  A signal meanwhile ends the
 * input there: the inputs before it, and what was spooled, are processed
 * (a second signal now ends the process); those after it are not read.
 * *@stopped is set to that signal.
 * Returns: false when a stream could not be spooled (reported). */
bool dm_run_spool_streams(GArray *inputs, int *stopped);

/* The temporary file @name (taken), open as @fd, by its descriptor
 * (/dev/fd/N) with its name removed, when that can be read back; else by
 * @name, and *@named is set: the caller removes it at the end.
 * Returns: the path to read it by (g_free it). */
char *dm_run_spool_unlink(int fd, char *name, bool *named);

/* Whether input @name is read only once: standard input, a FIFO, a
 * device. */
bool dm_run_is_stream(const char *name);

/* Start reading stream @in as it comes: a thread copies it to a pipe,
 * whose path is then @in->path, until its end or a signal (then @in->cut
 * is set and the pipe ends).  Returns: false when it cannot be opened
 * (reported). */
bool dm_run_stream_start(dm_run_input *in);

/* After @in was read: wait for its copy to end, and report why it
 * stopped if that was an error.  Returns: false after an error. */
bool dm_run_stream_end(dm_run_input *in);

/* Remove and close the spools among @inputs. */
void dm_run_spools_clear(GArray *inputs);

/* The single pass's evidence window (lookahead.c): frames in capture
 * order into a pipeline, each one held back while frames not yet read
 * may still change its outcome. */
typedef struct dm_lookahead dm_lookahead;

/* Note what the packets inside the tunnels @pkt (frame @frame) carries
 * are evidence of, as dm_evidence_add() does for a frame's own.
 * Returns: whether one was evidence of a refusal. */
bool dm_run_tunnel_evidence(dm_evidence *ev, uint64_t frame, const dm_packet *pkt);

typedef struct {
	guint peak_frames;   /* the most frames held at once */
	size_t peak_bytes;   /* and bytes */
	uint64_t early;      /* frames run before their window closed, to
	                      * stay within the bound */
} dm_lookahead_stats;

/* A window of @window seconds (0: nothing held) over @p, whose demux @dm
 * decides with the evidence @ev (owned by @dm) that is fed here. */
dm_lookahead *dm_lookahead_new(dm_pipeline *p, dm_demux *dm, dm_evidence *ev,
                               double window);

/* The seconds of capture time in which an answer later than the window
 * @window still retracts the socket made meanwhile: a minute more, or
 * live mode's DM_LIVE_ANSWER_WINDOW with no window. */
int64_t dm_lookahead_late_window(double window);

/* The frames that follow come from input @name (times in nanoseconds
 * when @nano).  Returns: its index. */
guint dm_lookahead_begin_input(dm_lookahead *la, const char *name, bool nano);

/* The frames read so far, across inputs. */
uint64_t dm_lookahead_read(const dm_lookahead *la);

/* The next frame read (as dm_pipeline_frame() takes it): noted in the
 * evidence, then run, now or when it can be. */
void dm_lookahead_frame(dm_lookahead *la, const dm_record *rec, dm_frame_status st,
                        dm_packet *pkt, const char *text, size_t len);

/* Run every frame still held (the end of the input, or of the run). */
/* A frame read in which the table has no event (a partition of the
 * hosts): its number and time only, in its place among the others. */
void dm_lookahead_tick(dm_lookahead *la, const dm_record *rec);
void dm_lookahead_drain(dm_lookahead *la);

/* What the window held. */
const dm_lookahead_stats *dm_lookahead_get_stats(const dm_lookahead *la);

void dm_lookahead_free(dm_lookahead *la);

/* --threads N on the socket table (parts.c): the frames of a run read
 * once and simulated by N tables, one per partition of the hosts, on
 * threads of their own, each through its own evidence window. */
typedef struct dm_parts dm_parts;

/* N tables made by @cfg->make_part, started. */
dm_parts *dm_parts_new(guint n, const dm_run_files_config *cfg);
void dm_parts_begin_input(dm_parts *pt, const char *name, bool nano);
/* The next frame, decoded (copied: it may go at once). */
void dm_parts_frame(dm_parts *pt, const dm_record *rec, dm_frame_status st,
                    const dm_packet *pkt);
/* The end of an input (each table's window drained). */
void dm_parts_end_input(dm_parts *pt);
/* Frames a filter left out, and those in other buckets. */
void dm_parts_note_filtered(dm_parts *pt, uint64_t filtered, uint64_t absent);
uint64_t dm_parts_frames(const dm_parts *pt);
/* The inputs begun, in order. */
typedef struct {
	const char *name;
	bool nano;
} dm_parts_input;
const GArray *dm_parts_inputs(const dm_parts *pt);
/* Wait for every table; the summary into @sum.  Returns the tables as one
 * (dm_demux_join; free it before @pt), @exact false when what they held
 * together reached the budget, where one table would have evicted or
 * forgotten: the run must then be made again on one table to be exact. */
dm_demux *dm_parts_finish(dm_parts *pt, dm_summary *sum, bool *exact);
void dm_parts_free(dm_parts *pt);

#endif
