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
 * A held frame keeps a copy of its record's bytes and of its trace
 * line's start; the decoded packet's pointers are moved into the copy.
 */
#include "config.h"

#include <string.h>

#include "run-int.h"

/* The bound on what is held: frames, and their bytes in all. */
#define DM_HELD_FRAMES 100000u
#define DM_HELD_BYTES  ((size_t)8 << 20)

typedef struct {
	guint input;              /* index in la->inputs */
	bool begin;               /* the start of that input, no frame */
	dm_frame_status st;
	dm_record rec;            /* .data in bytes */
	dm_packet pkt;            /* its pointers moved into bytes */
	uint64_t frame;
	int64_t ns;               /* capture time, nanoseconds */
	uint32_t text_len;
	size_t size;              /* counted against DM_HELD_BYTES */
	uint8_t bytes[];          /* the record's bytes, then the text */
} held_frame;

typedef struct {
	const char *name;
	bool nano;
} input_info;

struct dm_lookahead {
	dm_pipeline *p;
	dm_demux *dm;
	dm_evidence *ev;          /* the demux's, fed here */
	int64_t window_ns;        /* 0: nothing waits */
	GQueue held;              /* held_frame *, capture order */
	size_t held_bytes;
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
	g_queue_init(&la->held);
	la->inputs = g_array_new(FALSE, TRUE, sizeof(input_info));
	return la;
}

static int64_t
time_ns(const dm_record *rec, bool nano)
{
	/* Record times are clamped to what int64 nanoseconds hold. */
	return rec->sec * INT64_C(1000000000) + (nano ? rec->frac : rec->frac * 1000);
}

/* Run held frame @h (or begin its input) through the pipeline. */
static void
run_held(dm_lookahead *la, const held_frame *h, dm_packet *pkt)
{
	const input_info *in = &g_array_index(la->inputs, input_info, h->input);
	if (h->begin) {
		dm_pipeline_begin_input(la->p, in->name, in->nano);
		return;
	}
	dm_pipeline_frame(la->p, &h->rec, h->st, pkt,
	                  h->text_len ? (const char *)h->bytes + h->rec.caplen : NULL,
	                  h->text_len);
	dm_evidence_forget(la->ev, h->frame);
}

/* Whether frame @frame of input @input (record @rec decoded to @st in
 * @pkt, at @ns), the oldest not run, can run now. */
static bool
ready(dm_lookahead *la, guint input, uint64_t frame, const dm_record *rec,
      dm_frame_status st, const dm_packet *pkt, int64_t ns)
{
	if (la->window_ns == 0)
		return true;
	if (la->held.length > DM_HELD_FRAMES || la->held_bytes > DM_HELD_BYTES) {
		la->stats.early++;
		return true;
	}
	bool nano = g_array_index(la->inputs, input_info, input).nano;
	if (!dm_demux_awaits_evidence(la->dm, frame, rec->sec,
	                              nano ? rec->frac : rec->frac * 1000, st, pkt))
		return true;
	/* The window: a frame read that much later (capture time). */
	return la->newest_ns > ns && la->newest_ns - ns > la->window_ns;
}

/* Run the held frames that can run, oldest first (@all: every one). */
static void
release(dm_lookahead *la, bool all)
{
	held_frame *h;
	while ((h = g_queue_peek_head(&la->held)) &&
	       (all || h->begin ||
	        ready(la, h->input, h->frame, &h->rec, h->st, &h->pkt, h->ns))) {
		g_queue_pop_head(&la->held);
		la->held_bytes -= h->size;
		run_held(la, h, &h->pkt);
		g_free(h);
	}
}

/* A pointer of the packet into the record's bytes, moved into @to. */
static const uint8_t *
moved(const uint8_t *ptr, const dm_record *rec, const uint8_t *to)
{
	if (ptr >= rec->data && ptr <= rec->data + rec->caplen)
		return to + (ptr - rec->data);
	return ptr;
}

static void
hold(dm_lookahead *la, held_frame *h)
{
	la->held_bytes += h->size;
	g_queue_push_tail(&la->held, h);
	if (la->held.length > la->stats.peak_frames)
		la->stats.peak_frames = la->held.length;
	if (la->held_bytes > la->stats.peak_bytes)
		la->stats.peak_bytes = la->held_bytes;
}

guint
dm_lookahead_begin_input(dm_lookahead *la, const char *name, bool nano)
{
	input_info in = { name, nano };
	g_array_append_val(la->inputs, in);
	la->current = la->inputs->len - 1;
	if (!la->held.length) {
		dm_pipeline_begin_input(la->p, name, nano);
	} else {
		held_frame *h = g_malloc0(sizeof *h);
		h->input = la->current;
		h->begin = true;
		h->size = sizeof *h;
		hold(la, h);
	}
	return la->current;
}

uint64_t
dm_lookahead_read(const dm_lookahead *la)
{
	return la->read;
}

void
dm_lookahead_frame(dm_lookahead *la, const dm_record *rec, dm_frame_status st,
                   dm_packet *pkt, const char *text, size_t len)
{
	bool nano = g_array_index(la->inputs, input_info, la->current).nano;
	uint64_t frame = ++la->read;
	dm_evidence_add(la->ev, frame, st, pkt);
	la->newest_ns = time_ns(rec, nano);
	release(la, false);

	if (!la->held.length) {
		if (ready(la, la->current, frame, rec, st, pkt, la->newest_ns)) {
			/* Nothing waits: it runs at once, as read. */
			dm_pipeline_frame(la->p, rec, st, pkt, text, len);
			dm_evidence_forget(la->ev, frame);
			return;
		}
	}
	size_t size = sizeof(held_frame) + rec->caplen + len;
	held_frame *h = g_malloc(size);
	*h = (held_frame){ .input = la->current, .st = st, .rec = *rec, .pkt = *pkt,
	                   .frame = frame, .ns = la->newest_ns, .text_len = (uint32_t)len,
	                   .size = size };
	memcpy(h->bytes, rec->data, rec->caplen);
	if (len)
		memcpy(h->bytes + rec->caplen, text, len);
	h->rec.data = h->bytes;
	h->pkt.ip4_hdr = moved(pkt->ip4_hdr, rec, h->bytes);
	h->pkt.frag.data = moved(pkt->frag.data, rec, h->bytes);
	h->pkt.l4 = moved(pkt->l4, rec, h->bytes);
	hold(la, h);
}

void
dm_lookahead_drain(dm_lookahead *la)
{
	release(la, true);
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
	g_queue_clear_full(&la->held, g_free);
	g_array_unref(la->inputs);
	g_free(la);
}
