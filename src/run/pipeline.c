/* pipeline.c - the per-frame step of every run (see pipeline.h).
 *
 * The run stage owns the order of the stages: where frames come from
 * (capture files read and decoded ahead on threads, frames.c; live
 * capture and replay), the per-frame step here, the shard's choice of
 * hosts (shard.c), the combination of shard reports (merge.c) and the
 * per-socket pcaps (split.c).  It calls every stage below it (capture,
 * decode, demux, report) and is called only by the command line.
 */
#include "config.h"

#include <string.h>

#include "demuxsim/decode.h"
#include "demuxsim/pipeline.h"
#include "demuxsim/report-live.h"

struct dm_pipeline {
	dm_pipeline_config cfg;
	dm_pipeline_sink sink;
	dm_summary sum;
	uint64_t frame;     /* across all inputs */
	bool nano;          /* the current input's times */
};

static void
trace_frame(void *ctx, uint64_t frame, const dm_record *rec, dm_frame_status st,
            const dm_packet *pkt, const dm_decision *d)
{
	dm_report_frame(ctx, frame, rec, st, pkt, d);
}

static void
trace_correction(void *ctx, uint64_t frame, const dm_record *rec, const dm_correction *c)
{
	dm_report_correction(ctx, frame, rec, c);
}

/* A bucket's run: the simulation's clock to the whole capture's first
 * frame's time (the base of its ticks) or last (the expiry a whole run
 * meets by its end). */
static void
clock_to(dm_pipeline *p, bool end)
{
	int64_t sec;
	uint32_t nsec;
	if (!dm_shard_bucket_clock(p->cfg.shard, end, &sec, &nsec))
		return;
	dm_packet none;
	dm_decision d;
	memset(&none, 0, sizeof none);
	dm_demux_segment(p->cfg.dm, p->frame, sec, nsec, DM_FRAME_NOT_IP, &none, &d);
	if (end) {
		dm_demux_usage u;
		dm_demux_get_usage(p->cfg.dm, &u);
		dm_shard_note_held(p->cfg.shard, MAX(p->frame, p->sum.frames), &u);
	}
}

dm_pipeline *
dm_pipeline_new(const dm_pipeline_config *cfg)
{
	dm_pipeline *p = g_new0(dm_pipeline, 1);
	p->cfg = *cfg;
	if (cfg->sink)
		p->sink = *cfg->sink;
	else
		p->sink = (dm_pipeline_sink){ trace_frame, trace_correction, cfg->rep };
	p->cfg.sink = &p->sink;
	clock_to(p, false);
	return p;
}

void
dm_pipeline_begin_input(dm_pipeline *p, const char *name, bool nano)
{
	p->nano = nano;
	if (p->cfg.rep)
		dm_report_begin_file(p->cfg.rep, name, nano);
}

/* The frame to the sink: the report's trace takes the line begun ahead. */
static void
emit(dm_pipeline *p, const dm_record *rec, dm_frame_status st, const dm_packet *pkt,
     const dm_decision *d, const char *start, size_t len)
{
	if (p->sink.frame == trace_frame)
		dm_report_frame_started(p->cfg.rep, p->frame, rec, st, pkt, d, start, len);
	else
		p->sink.frame(p->sink.ctx, p->frame, rec, st, pkt, d);
	dm_correction c;
	while (dm_demux_next_correction(p->cfg.dm, &c))
		p->sink.correction(p->sink.ctx, p->frame, rec, &c);
}

/* The events of packet @pkt this run takes: both, or a shard's. */
static dm_side
packet_sides(const dm_pipeline_config *c, dm_frame_status st, const dm_packet *pkt)
{
	return c->shard ? dm_shard_sides(c->shard, st, pkt) : DM_SIDE_BOTH;
}

bool
dm_pipeline_receives(const dm_pipeline *p, dm_frame_status st, const dm_packet *pkt)
{
	return (packet_sides(&p->cfg, st, pkt) & DM_SIDE_RECEIVE) != 0;
}

/* Packet @packet of the frame through the simulation, the events @sides
 * only (a shard's: the clock runs on with the others), the sockets it
 * created noted by the event that created them. */
static void
simulate(dm_pipeline *p, const dm_record *rec, uint32_t nsec, dm_frame_status st,
         const dm_packet *pkt, unsigned packet, dm_side sides, dm_decision *d)
{
	const dm_pipeline_config *c = &p->cfg;
	if (!c->shard) {
		dm_demux_segment(c->dm, p->frame, rec->sec, nsec, st, pkt, d);
		return;
	}
	if (!sides && st == DM_FRAME_SEGMENT)
		st = DM_FRAME_OTHER_PROTO;
	guint before = dm_demux_socket_count(c->dm);
	dm_demux_segment_sides(c->dm, p->frame, rec->sec, nsec, st, pkt,
	                       sides ? sides : DM_SIDE_BOTH, d);
	/* The send event runs first and creates at most the sender's end. */
	if ((sides & DM_SIDE_SEND) && d->sender_socket == before + 1)
		dm_shard_note_created(c->shard, p->frame, packet, false, before + 1);
	dm_shard_note_created(c->shard, p->frame, packet, (sides & DM_SIDE_RECEIVE) != 0,
	                      dm_demux_socket_count(c->dm));
}

/* The packets inside the tunnels @outer carries, each after the one
 * that carried it, as a host with a tunnel device receives them: decoded,
 * then demultiplexed on the inner destination's table, with the frame's
 * number and time.  Inner fragments are not reassembled. */
static void
inner_packets(dm_pipeline *p, const dm_record *rec, uint32_t nsec, const dm_packet *outer)
{
	const dm_pipeline_config *c = &p->cfg;
	dm_packet in[2];
	dm_frame_status st;
	dm_decision d;
	for (unsigned i = 0; dm_decode_tunnel(outer, &st, &in[i & 1]); i++) {
		dm_packet *pkt = &in[i & 1];
		outer = pkt;
		dm_side sides = packet_sides(c, st, pkt);
		simulate(p, rec, nsec, st, pkt, i + 1, sides, &d);
		if (!(sides & DM_SIDE_RECEIVE))
			continue;  /* counted by the receiving host's shard */
		dm_summary_add_inner(&p->sum, st, pkt);
		if (c->calls)
			dm_calls_frame(c->calls, p->frame, rec->sec, nsec, st, pkt, &d);
		if (c->split && d.socket && d.action != DM_ACTION_DROPPED)
			dm_split_note(c->split, p->frame, d.socket);
		emit(p, rec, st, pkt, &d, NULL, 0);
	}
}

static void
frame_run(dm_pipeline *p, const dm_record *rec, uint32_t nsec, dm_frame_status st,
          dm_packet *pkt, const char *start, size_t len)
{
	const dm_pipeline_config *c = &p->cfg;
	dm_decision d;
	dm_side sides = packet_sides(c, st, pkt);
	simulate(p, rec, nsec, st, pkt, 0, sides, &d);
	if (!(sides & DM_SIDE_RECEIVE)) {
		/* Counted by the shard of its receiving host. */
		p->sum.frames++;
		inner_packets(p, rec, nsec, pkt);
		return;
	}
	dm_summary_add(&p->sum, st, pkt);
	if (c->calls)
		dm_calls_frame(c->calls, p->frame, rec->sec, nsec, st, pkt, &d);
	if (c->split && d.socket && d.action != DM_ACTION_DROPPED) {
		/* A reassembled datagram's fragments go with it. */
		dm_split_note(c->split, p->frame, d.socket);
		for (uint32_t i = 0; i < pkt->n_reasm_frames; i++)
			dm_split_note(c->split, pkt->reasm_frames[i], d.socket);
	}
	emit(p, rec, st, pkt, &d, start, len);
	inner_packets(p, rec, nsec, pkt);
}

void
dm_pipeline_frame(dm_pipeline *p, const dm_record *rec, dm_frame_status st,
                  dm_packet *pkt, const char *start, size_t len)
{
	const dm_pipeline_config *c = &p->cfg;
	/* The capture's own frame numbers: those a filter left out count. */
	p->frame += 1 + rec->skipped;
	uint32_t nsec = p->nano ? rec->frac : rec->frac * 1000;
	if (c->ra)
		st = dm_reasm_frame(c->ra, p->frame, rec->sec, nsec, st, pkt);
	frame_run(p, rec, nsec, st, pkt, start, len);
	if (c->shard) {
		/* What the shard holds after the frame: the merge adds the
		 * shards' up, frame by frame. */
		dm_demux_usage u;
		dm_demux_get_held(c->dm, &u);
		dm_shard_note_held(c->shard, p->frame, &u);
	}
}

void
dm_pipeline_tick(dm_pipeline *p, const dm_record *rec)
{
	const dm_pipeline_config *c = &p->cfg;
	p->frame += 1 + rec->skipped;
	uint32_t nsec = p->nano ? rec->frac : rec->frac * 1000;
	/* As a frame of another partition's hosts: the clocks run on, the
	 * frame is counted. */
	dm_packet none;
	memset(&none, 0, dm_packet_used_size());
	if (c->ra)
		dm_reasm_frame(c->ra, p->frame, rec->sec, nsec, DM_FRAME_NOT_IP, &none);
	dm_decision d;
	dm_demux_segment_sides(c->dm, p->frame, rec->sec, nsec, DM_FRAME_NOT_IP, &none,
	                       DM_SIDE_BOTH, &d);
	p->sum.frames++;
	if (c->shard) {
		dm_demux_usage u;
		dm_demux_get_held(c->dm, &u);
		dm_shard_note_held(c->shard, p->frame, &u);
	}
}

void
dm_pipeline_record(dm_pipeline *p, const dm_record *rec)
{
	dm_packet pkt;
	dm_frame_status st = dm_decode_frame(rec->dlt, rec->data, rec->caplen, rec->wirelen, &pkt);
	dm_pipeline_frame(p, rec, st, &pkt, NULL, 0);
}

void
dm_pipeline_note_filtered(dm_pipeline *p, uint64_t n)
{
	p->sum.filtered += n;
}

void
dm_pipeline_note_absent(dm_pipeline *p, uint64_t n)
{
	p->sum.frames += n;
}

uint64_t
dm_pipeline_frames(const dm_pipeline *p)
{
	return p->frame;
}

const dm_summary *
dm_pipeline_summary(const dm_pipeline *p)
{
	return &p->sum;
}

const dm_summary *
dm_pipeline_end(dm_pipeline *p)
{
	clock_to(p, true);
	if (p->cfg.ra)
		dm_reasm_finish(p->cfg.ra, &p->sum.reasm);
	/* A bucket's fragments are some of the capture's: the partition
	 * pass counted the whole capture's reassembly. */
	dm_shard_bucket_reasm(p->cfg.shard, &p->sum.reasm);
	if (p->cfg.calls)
		dm_calls_finish(p->cfg.calls);
	return &p->sum;
}

const dm_summary *
dm_pipeline_finish(dm_pipeline *p)
{
	dm_pipeline_end(p);
	dm_report_summary(p->cfg.rep, &p->sum, p->cfg.dm);
	return &p->sum;
}

void
dm_pipeline_free(dm_pipeline *p)
{
	g_free(p);
}
