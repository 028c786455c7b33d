/* lookahead.c - the single pass's evidence window (see run-int.h).
 *
 * Each frame read is noted in the evidence at once (evidence.c: ICMP
 * port unreachables, RSTs) and goes through the pipeline as soon as no
 * frame still unread can change its outcome.  A datagram or SYN for a
 * port with no socket (dm_demux_awaits_evidence) waits, and every frame
 * after it with it, until the answer that shows it refused is read, or
 * until a frame @window seconds of capture time later is read: then it
 * runs as a reading of the whole capture ahead would have run it,
 * unless the answer comes later still.  Such a late answer is live
 * mode's: the socket made meanwhile is retracted and a correction
 * follows (demux-live.c).  What waits is bounded (DM_HELD_FRAMES frames,
 * DM_HELD_BYTES bytes): past that the oldest run at once.
 *
 * The held frames lie one after another in a ring of DM_HELD_BYTES,
 * read in the order written (what a frame needs later is then found
 * where the processor's prefetching expects it).  A frame keeps its
 * decoded packet and its trace line's start; only a fragment (whose bytes
 * reassembly copies) and a segment with a bad checksum (which --report
 * explains) and a tunnel's (whose inner packets are decoded when it
 * runs) keep the record's bytes: nothing after decoding reads those
 * of another frame, and the packet's pointers into them are cleared.
 */
#include "config.h"

#include <string.h>

#include "demuxsim/decode.h"
#include "demuxsim/demux-live.h"
#include "run-int.h"

/* The bound on what is held: frames, and their bytes in all. */
#define DM_HELD_FRAMES 100000u
#define DM_HELD_BYTES  ((size_t)8 << 20)

/* Seconds after the window an answer still retracts a socket. */
#define DM_LATE_ANSWER 60

/* What a held frame still waits for: not known until it is the oldest. */
#define WAIT_UNKNOWN (-1)

typedef struct {
	size_t size;              /* of the entry in the ring, aligned */
	guint input;              /* index in la->inputs */
	bool begin;               /* the start of that input, no frame */
	bool tick;                /* a frame in which the table has no event:
	                           * its time only, no packet (a partition of
	                           * the hosts: dm_lookahead_tick) */
	int wait;                 /* dm_evidence_wait, or WAIT_UNKNOWN */
	dm_frame_status st;
	dm_record rec;            /* .data in bytes for a fragment, else NULL */
	uint64_t frame;
	int64_t ns;               /* capture time, nanoseconds */
	uint32_t text_len;
	uint32_t pkt_size;        /* of pkt in the entry (dm_packet_copy_size),
	                           * the record's bytes (a fragment) and the
	                           * text following it */
	dm_packet pkt;            /* (not in a tick's entry; only its first
	                           * pkt_size bytes in a frame's) */
} held_frame;

/* The bytes after @h's packet: the record's kept bytes, then the text. */
static inline uint8_t *
held_bytes(held_frame *h)
{
	return (uint8_t *)&h->pkt + h->pkt_size;
}

typedef struct {
	const char *name;
	bool nano;
} input_info;

struct dm_lookahead {
	dm_pipeline *p;
	dm_demux *dm;
	dm_evidence *ev;          /* the demux's, fed here */
	int64_t window_ns;        /* 0: nothing waits */
	/* The ring: entries in [head, tail), or [head, end) then [0, tail)
	 * once wrapped. */
	uint8_t *ring;
	size_t head, tail, end;
	bool wrapped;
	guint count;
	size_t bytes;             /* in the entries */
	uint64_t read;            /* frames read, across inputs */
	int64_t newest_ns;        /* the time of the last frame read */
	GArray *inputs;           /* input_info */
	guint current;            /* input of the last frame read */
	dm_lookahead_stats stats;
};

dm_lookahead *
dm_lookahead_new(dm_pipeline *p, dm_demux *dm, dm_evidence *ev, double window)
{
	dm_lookahead *la = g_new0(dm_lookahead, 1);
	la->p = p;
	la->dm = dm;
	la->ev = ev;
	la->window_ns = window > 0 ? (int64_t)(window * 1e9 + 0.5) : 0;
	la->inputs = g_array_new(FALSE, TRUE, sizeof(input_info));
	return la;
}

int64_t
dm_lookahead_late_window(double window)
{
	if (window <= 0)
		return DM_LIVE_ANSWER_WINDOW;
	double w = window + DM_LATE_ANSWER;
	return (int64_t)w + (w > (double)(int64_t)w);
}

static int64_t
time_ns(const dm_record *rec, bool nano)
{
	/* Record times are clamped to what int64 nanoseconds hold. */
	return rec->sec * INT64_C(1000000000) + (nano ? rec->frac : rec->frac * 1000);
}

static uint32_t
nsec_of(const dm_lookahead *la, guint input, const dm_record *rec)
{
	return g_array_index(la->inputs, input_info, input).nano ? rec->frac : rec->frac * 1000;
}

/* --- The ring ------------------------------------------------------------ */

/* Room for an entry of @size bytes at the ring's tail, or NULL. */
static held_frame *
ring_reserve(dm_lookahead *la, size_t size)
{
	if (!la->ring)
		/* With a packet's room past the end: a copy of a whole held
		 * packet (of which an entry may hold less) stays inside. */
		la->ring = g_malloc(DM_HELD_BYTES + sizeof(dm_packet));
	if (la->count == 0)
		la->head = la->tail = 0, la->wrapped = false;
	size_t at;
	if (!la->wrapped && DM_HELD_BYTES - la->tail >= size) {
		at = la->tail;
	} else if (!la->wrapped && la->head >= size) {
		la->end = la->tail;
		la->wrapped = true;
		at = 0;
	} else if (la->wrapped && la->head - la->tail >= size) {
		at = la->tail;
	} else {
		return NULL;
	}
	la->tail = at + size;
	la->count++;
	la->bytes += size;
	la->stats.peak_frames = MAX(la->stats.peak_frames, la->count);
	la->stats.peak_bytes = MAX(la->stats.peak_bytes, la->bytes);
	return (held_frame *)(la->ring + at);
}

static held_frame *
ring_head(const dm_lookahead *la)
{
	return la->count ? (held_frame *)(la->ring + la->head) : NULL;
}

static void
ring_pop(dm_lookahead *la)
{
	held_frame *h = ring_head(la);
	la->head += h->size;
	la->bytes -= h->size;
	la->count--;
	if (la->wrapped && la->head == la->end)
		la->head = 0, la->wrapped = false;
}

/* --- Running frames ------------------------------------------------------ */

/* Run held frame @h (or begin its input) through the pipeline. */
static void
run_held(dm_lookahead *la, held_frame *h)
{
	const input_info *in = &g_array_index(la->inputs, input_info, h->input);
	if (h->begin) {
		dm_pipeline_begin_input(la->p, in->name, in->nano);
		return;
	}
	if (h->tick) {
		dm_pipeline_tick(la->p, &h->rec);
		dm_evidence_forget(la->ev, h->frame);
		return;
	}
	dm_pipeline_frame(la->p, &h->rec, h->st, &h->pkt,
	                  h->text_len ? (const char *)held_bytes(h) + (h->rec.data ? h->rec.caplen : 0)
	                              : NULL,
	                  h->text_len);
	dm_evidence_forget(la->ev, h->frame);
}

bool
dm_run_tunnel_evidence(dm_evidence *ev, uint64_t frame, const dm_packet *pkt)
{
	dm_packet in[2];
	dm_frame_status st;
	bool answer = false;
	for (unsigned i = 0; dm_decode_tunnel(pkt, &st, &in[i & 1]); i++) {
		pkt = &in[i & 1];
		answer |= dm_evidence_add(ev, frame, st, pkt);
	}
	return answer;
}

/* What @pkt (decoded to @st, at @sec, @nsec) waits for: nothing when the
 * table runs only its send event (a partition of the hosts, whose
 * receiving host is in another): the send event reads no evidence.  A
 * fragment waits for the rest of its datagram all the same. */
static dm_evidence_wait
awaits(dm_lookahead *la, int64_t sec, uint32_t nsec, dm_frame_status st, const dm_packet *pkt)
{
	if (!pkt->is_fragment && !dm_pipeline_receives(la->p, st, pkt))
		return DM_WAIT_NONE;
	return dm_demux_awaits_evidence(la->dm, sec, nsec, st, pkt);
}

/* Whether a packet inside the tunnels of frame @frame, @pkt (time @sec,
 * @nsec) waits for an answer not read yet (its own packet waits for none). */
static bool
inner_waits(dm_lookahead *la, uint64_t frame, int64_t sec, uint32_t nsec, const dm_packet *pkt)
{
	dm_packet in[2];
	dm_frame_status st;
	for (unsigned i = 0; dm_decode_tunnel(pkt, &st, &in[i & 1]); i++) {
		pkt = &in[i & 1];
		dm_evidence_wait w = awaits(la, sec, nsec, st, pkt);
		if (w == DM_WAIT_WINDOW ||
		    (w == DM_WAIT_ANSWER && !dm_demux_answered(la->dm, frame, pkt)))
			return true;
	}
	return false;
}

/* Whether the oldest frame not run, @h, can run now (@answer: the last
 * frame read was an answer to something). */
static bool
ready(dm_lookahead *la, held_frame *h, bool answer)
{
	if (h->wait == WAIT_UNKNOWN) {
		h->wait = awaits(la, h->rec.sec, nsec_of(la, h->input, &h->rec), h->st, &h->pkt);
		answer = true;   /* what came while it was not the oldest */
	}
	if (h->wait == DM_WAIT_NONE &&
	    !(h->pkt.tunnel && inner_waits(la, h->frame, h->rec.sec,
	                                   nsec_of(la, h->input, &h->rec), &h->pkt)))
		return true;
	if (h->wait == DM_WAIT_NONE)
		goto window;
	if (h->wait == DM_WAIT_ANSWER && answer && dm_demux_answered(la->dm, h->frame, &h->pkt))
		return true;
	/* The window: a frame read that much later (capture time). */
window:
	return la->newest_ns > h->ns &&
	       (uint64_t)la->newest_ns - (uint64_t)h->ns > (uint64_t)la->window_ns;  /* no overflow */
}

/* Run the held frames that can run, oldest first (@all: every one). */
static void
release(dm_lookahead *la, bool all, bool answer)
{
	held_frame *h;
	while ((h = ring_head(la)) && (all || h->begin || h->tick || ready(la, h, answer))) {
		run_held(la, h);
		ring_pop(la);
		answer = false;
	}
}

/* Run the oldest held frame before its time, to make room. */
static void
release_early(dm_lookahead *la)
{
	held_frame *h = ring_head(la);
	if (!h->begin && !h->tick)
		la->stats.early++;
	run_held(la, h);
	ring_pop(la);
	release(la, false, false);
}

guint
dm_lookahead_begin_input(dm_lookahead *la, const char *name, bool nano)
{
	input_info in = { name, nano };
	g_array_append_val(la->inputs, in);
	la->current = la->inputs->len - 1;
	if (!la->count) {
		dm_pipeline_begin_input(la->p, name, nano);
		return la->current;
	}
	held_frame *h;
	while (!(h = ring_reserve(la, sizeof *h)))
		release_early(la);
	memset(h, 0, sizeof *h);
	h->size = sizeof *h;
	h->input = la->current;
	h->begin = true;
	return la->current;
}

uint64_t
dm_lookahead_read(const dm_lookahead *la)
{
	return la->read;
}

/* An entry of @size bytes at the ring's tail for frame @frame, read as
 * @rec (its time the newest read), made room for; its packet and bytes
 * left to the caller.  Field by field: a compound literal would clear the
 * whole entry first. */
static held_frame *
held_new(dm_lookahead *la, size_t size, uint64_t frame, const dm_record *rec, bool tick,
         int wait)
{
	held_frame *h;
	if (la->count >= DM_HELD_FRAMES)
		release_early(la);
	while (!(h = ring_reserve(la, size)))
		release_early(la);
	h->size = size;
	h->input = la->current;
	h->begin = false;
	h->tick = tick;
	h->wait = wait;
	h->rec = *rec;
	h->frame = frame;
	h->ns = la->newest_ns;
	h->text_len = 0;
	return h;
}

/* Keep frame @frame (read as @rec, @st, @pkt with trace text @text) and
 * what it waits for, @wait. */
static void
hold(dm_lookahead *la, uint64_t frame, const dm_record *rec, dm_frame_status st,
     const dm_packet *pkt, const char *text, size_t len, int wait)
{
	/* Reassembly reads a fragment's bytes, the report's explanation of a
	 * bad checksum (--report) those of the segment. */
	bool bytes = pkt->is_fragment || pkt->csum.status == DM_CSUM_BAD || pkt->tunnel;
	size_t keep = bytes ? rec->caplen : 0;
	/* The packet's -v/-e details are copied only when kept, its
	 * fragment and tunnel fields only when it has them. */
	size_t used = dm_packet_copy_size(pkt);
	size_t psize = (used + 7) & ~(size_t)7;
	size_t size = (offsetof(held_frame, pkt) + psize + keep + len + 7) & ~(size_t)7;
	held_frame *h = held_new(la, size, frame, rec, false, wait);
	h->st = st;
	h->pkt_size = (uint32_t)psize;
	memcpy(&h->pkt, pkt, used);
	h->text_len = (uint32_t)len;
	uint8_t *to = held_bytes(h);
	bool whole = used > offsetof(dm_packet, frag);
	if (keep) {
		const uint8_t *from = rec->data;
		memcpy(to, from, keep);
		h->rec.data = to;
		if (pkt->ip4_hdr)
			h->pkt.ip4_hdr = to + (pkt->ip4_hdr - from);
		if (whole && pkt->frag.data)
			h->pkt.frag.data = to + (pkt->frag.data - from);
		if (pkt->l4)
			h->pkt.l4 = to + (pkt->l4 - from);
		if (pkt->tun_data)
			h->pkt.tun_data = to + (pkt->tun_data - from);
	} else {
		h->rec.data = NULL;
		h->pkt.ip4_hdr = NULL;
		if (whole)
			h->pkt.frag.data = NULL;
		h->pkt.l4 = NULL;
		h->pkt.tun_data = NULL;
	}
	if (len)
		memcpy(to + keep, text, len);
}

void
dm_lookahead_frame(dm_lookahead *la, const dm_record *rec, dm_frame_status st,
                   dm_packet *pkt, const char *text, size_t len)
{
	uint64_t frame = la->read += 1 + rec->skipped;
	bool answer = dm_evidence_add(la->ev, frame, st, pkt);
	if (pkt->tunnel)
		answer |= dm_run_tunnel_evidence(la->ev, frame, pkt);
	la->newest_ns = time_ns(rec, g_array_index(la->inputs, input_info, la->current).nano);
	if (la->window_ns == 0) {
		dm_pipeline_frame(la->p, rec, st, pkt, text, len);
		dm_evidence_forget(la->ev, frame);
		return;
	}
	release(la, false, answer);
	int wait = WAIT_UNKNOWN;
	if (!la->count) {
		/* The oldest frame not run: nothing waits, it may run at once. */
		wait = awaits(la, rec->sec, nsec_of(la, la->current, rec), st, pkt);
		if (wait == DM_WAIT_NONE &&
		    !(pkt->tunnel && inner_waits(la, frame, rec->sec,
		                                 nsec_of(la, la->current, rec), pkt))) {
			dm_pipeline_frame(la->p, rec, st, pkt, text, len);
			dm_evidence_forget(la->ev, frame);
			return;
		}
	}
	hold(la, frame, rec, st, pkt, text, len, wait);
}

void
dm_lookahead_tick(dm_lookahead *la, const dm_record *rec)
{
	uint64_t frame = la->read += 1 + rec->skipped;
	la->newest_ns = time_ns(rec, g_array_index(la->inputs, input_info, la->current).nano);
	if (la->window_ns)
		release(la, false, false);
	if (!la->count) {
		dm_pipeline_tick(la->p, rec);
		dm_evidence_forget(la->ev, frame);
		return;
	}
	/* Behind a frame that waits: its time only. */
	size_t size = (offsetof(held_frame, pkt) + 7) & ~(size_t)7;
	held_frame *h = held_new(la, size, frame, rec, true, DM_WAIT_NONE);
	h->rec.data = NULL;
}

void
dm_lookahead_drain(dm_lookahead *la)
{
	release(la, true, false);
}

const dm_lookahead_stats *
dm_lookahead_get_stats(const dm_lookahead *la)
{
	return &la->stats;
}

void
dm_lookahead_free(dm_lookahead *la)
{
	if (!la)
		return;
	g_free(la->ring);
	g_array_unref(la->inputs);
	g_free(la);
}
