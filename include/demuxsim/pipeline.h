/* pipeline.h - the per-frame step every source shares (capture files,
 * --realtime replay, live capture): a decoded frame goes through IP
 * reassembly, the shard's choice, the summary counts, the simulated socket
 * tables, the socket calls, --split's notes and the trace, in that order, and the
 * corrections of earlier decisions follow it.
 *
 * The sources only read (or capture) records and, for files, decode them
 * ahead on threads; the sinks are the report's trace or another writer
 * (the full-screen live view).
 */
#ifndef DEMUXSIM_PIPELINE_H
#define DEMUXSIM_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "demuxsim/calls.h"
#include "demuxsim/capture.h"
#include "demuxsim/demux-live.h"
#include "demuxsim/demux.h"
#include "demuxsim/packet.h"
#include "demuxsim/reasm.h"
#include "demuxsim/report.h"
#include "demuxsim/shard.h"
#include "demuxsim/split.h"
#include "demuxsim/summary.h"

typedef struct dm_pipeline dm_pipeline;

/* Where each frame's outcome goes besides the tables: @frame with the
 * receiving host's decision, @correction for each earlier decision the
 * frame changed (live mode).  The report's trace when none is given. */
typedef struct {
	void (*frame)(void *ctx, uint64_t frame, const dm_record *rec, dm_frame_status st,
	              const dm_packet *pkt, const dm_decision *d);
	void (*correction)(void *ctx, uint64_t frame, const dm_record *rec,
	                   const dm_correction *c);
	void *ctx;
} dm_pipeline_sink;

/* What a pipeline is made of; none of it is owned by the pipeline. */
typedef struct {
	dm_report *rep;               /* the trace and the end-of-run report
	                               * (NULL: none, with a sink) */
	dm_demux *dm;                 /* the simulated hosts */
	dm_reasm *ra;                 /* IP reassembly; NULL: --no-reassembly */
	dm_shard *shard;              /* --shard K/N; NULL: every flow */
	dm_split *split;              /* --split; NULL: none */
	dm_calls *calls;              /* --calls, --ladder, --report: the
	                               * socket calls; NULL: none */
	const dm_pipeline_sink *sink; /* NULL: the report's trace */
} dm_pipeline_config;

/**
 * dm_pipeline_new: a pipeline over the parts in @cfg (copied).
 * Returns: the pipeline (dm_pipeline_free() it).
 */
dm_pipeline *dm_pipeline_new(const dm_pipeline_config *cfg);

/**
 * dm_pipeline_begin_input: the frames that follow come from input @name,
 * whose record times are nanoseconds when @nano (else microseconds).
 * Frames stay numbered across inputs.
 */
void dm_pipeline_begin_input(dm_pipeline *p, const char *name, bool nano);

/**
 * dm_pipeline_frame: take the next frame, record @rec decoded to @st in
 * @pkt (reassembly may replace @pkt by the datagram it completes), with
 * the start of its trace line made ahead (@start, @len bytes from
 * dm_report_line_start(); NULL and 0 for none).
 */
void dm_pipeline_frame(dm_pipeline *p, const dm_record *rec, dm_frame_status st,
                       dm_packet *pkt, const char *start, size_t len);

/**
 * dm_pipeline_tick: take the next frame, record @rec, when the pipeline
 * runs a partition of the hosts (shard.h) and neither of its packet's
 * hosts is in it (no tunnel, no fragment, no answer such as an ICMP
 * error or a RST): as dm_pipeline_frame() would, without its packet (the
 * clocks run on, the frame is counted).
 */
void dm_pipeline_tick(dm_pipeline *p, const dm_record *rec);

/**
 * dm_pipeline_record: decode record @rec (of its own link type,
 * dm_record.dlt; with its checksums), then as dm_pipeline_frame().
 */
void dm_pipeline_record(dm_pipeline *p, const dm_record *rec);

/**
 * dm_pipeline_receives: whether the pipeline runs the receive event of
 * a packet decoded to @st in @pkt (always, unless it runs a partition of
 * the hosts: shard.h).
 */
bool dm_pipeline_receives(const dm_pipeline *p, dm_frame_status st, const dm_packet *pkt);

/**
 * dm_pipeline_frames: the frames taken so far, across inputs.
 */
uint64_t dm_pipeline_frames(const dm_pipeline *p);

/**
 * dm_pipeline_summary: the counts of the frames taken so far.
 */
const dm_summary *dm_pipeline_summary(const dm_pipeline *p);

/**
 * dm_pipeline_end: the end of the input: reassembly's last counts into
 * the summary, the clock to the end; no report.
 * Returns: the summary.
 */
const dm_summary *dm_pipeline_end(dm_pipeline *p);

/**
 * dm_pipeline_finish: the end of the input: reassembly's last counts into
 * the summary, then the report's summary and tables.
 * Returns: the summary.
 */
const dm_summary *dm_pipeline_finish(dm_pipeline *p);

/**
 * dm_pipeline_free: free @p (not its parts).
 */
void dm_pipeline_free(dm_pipeline *p);

/**
 * dm_pipeline_note_filtered: count @n frames a BPF filter left out
 * (dm_summary.filtered); they were not processed.
 */
void dm_pipeline_note_filtered(dm_pipeline *p, uint64_t n);

/**
 * dm_pipeline_note_absent: @n frames of the capture are in other buckets
 * of demuxsim partition than the one read: counted as frames.
 */
void dm_pipeline_note_absent(dm_pipeline *p, uint64_t n);

#endif
