/* frames.c - the decoded frames of a capture, read and decoded ahead on
 * threads, handed out in capture order.
 *
 * With more than one thread, a reader thread copies records into batches
 * of a ring; each batch is decoded (by the reader itself when there is no
 * other worker, else by the first free decoder; headers alone, by the
 * caller), with each frame's text when asked, and marked ready; the caller
 * takes the ring's batches in turn, waiting for the next one to be ready,
 * and hands its slot back when done.  The ring bounds the memory read
 * ahead to a few batches a thread.
 */
#include "config.h"

#include <string.h>

#include "demuxsim/decode.h"
#include "demuxsim/frames.h"

#define BATCH_FRAMES 256u
#define BATCH_BYTES (256u * 1024u)  /* a batch ends once past this */

typedef struct {
	guint n;                      /* frames in it */
	int end;                      /* 1: more follow; 0: the capture ends
	                               * after these; -1: an error does */
	GError *err;                  /* with end -1 */
	bool ready;                   /* read, and decoded unless the caller
	                               * decodes it (under the lock) */
	bool decoded;
	uint8_t *buf;                 /* the records' bytes */
	size_t size;
	size_t off[BATCH_FRAMES];     /* each record's bytes in buf */
	uint64_t first;               /* the first record's index (1-based),
	                               * before the filter's left-out ones */
	char *text;                   /* BATCH_FRAMES * DM_FRAMES_TEXT_MAX */
	uint32_t text_len[BATCH_FRAMES];
	dm_record rec[BATCH_FRAMES];
	dm_frame_status st[BATCH_FRAMES];
	dm_packet pkt[BATCH_FRAMES];
} batch;

struct dm_frames {
	dm_capture *cap;
	dm_frames_depth depth;
	unsigned threads;
	/* One thread: the frame in hand. */
	dm_record rec;
	dm_frame_status st;
	dm_packet pkt;
	bool ended;
	/* More threads. */
	batch *ring;
	unsigned ring_n;
	uint64_t taken;               /* batches the caller is done with */
	uint64_t cur;                 /* the batch the caller reads */
	guint pos;                    /* its next frame */
	bool holding;                 /* the caller has batch cur in hand */
	dm_frames_text_fn text;       /* or NULL */
	void *text_ctx;
	uint64_t records;             /* read so far (by the reader) */
	GMutex lock;
	GCond cond;                   /* a batch ready, or a slot free */
	unsigned waiting;             /* threads waiting on cond */
	bool stop;
	GThread *reader;
	GThread *decoders[DM_FRAMES_MAX_THREADS];
	unsigned n_decoders;
	bool caller_decodes;          /* headers on two threads: the reader
	                               * reads, the caller decodes */
	GAsyncQueue *work;            /* batches to decode */
};

/* What tells a decoder to stop. */
static batch stop_mark;

static void
decode_batch(const dm_frames *fr, batch *b)
{
	for (guint i = 0; i < b->n; i++) {
		const dm_record *r = &b->rec[i];
		b->st[i] = fr->depth == DM_FRAMES_FULL
			? dm_decode_frame(r->dlt, r->data, r->caplen, r->wirelen, &b->pkt[i])
			: dm_decode_frame_headers(r->dlt, r->data, r->caplen, r->wirelen, &b->pkt[i]);
	}
	if (fr->text) {
		if (!b->text)
			b->text = g_malloc((size_t)BATCH_FRAMES * DM_FRAMES_TEXT_MAX);
		uint64_t index = b->first;
		for (guint i = 0; i < b->n; i++, index++) {
			index += b->rec[i].skipped;  /* left out by the filter */
			b->text_len[i] = (uint32_t)fr->text(fr->text_ctx, index, &b->rec[i],
			                                    b->st[i], &b->pkt[i],
			                                    b->text + (size_t)i * DM_FRAMES_TEXT_MAX,
			                                    DM_FRAMES_TEXT_MAX);
		}
	}
	b->decoded = true;
}

static void
publish(dm_frames *fr, batch *b)
{
	g_mutex_lock(&fr->lock);
	b->ready = true;
	if (fr->waiting)
		g_cond_broadcast(&fr->cond);
	g_mutex_unlock(&fr->lock);
}

/* Copy the next records into @b, up to a batch's worth. */
static void
fill(dm_frames *fr, batch *b)
{
	size_t used = 0;

	b->n = 0;
	b->end = 1;
	while (b->n < BATCH_FRAMES && used < BATCH_BYTES) {
		dm_record r;
		int rc = dm_capture_next(fr->cap, &r, &b->err);
		if (rc != 1) {
			b->end = rc;
			break;
		}
		if (used + r.caplen > b->size) {
			b->size = MAX(b->size * 2, used + r.caplen);
			b->buf = g_realloc(b->buf, b->size);
		}
		if (r.caplen)
			memcpy(b->buf + used, r.data, r.caplen);
		b->off[b->n] = used;
		b->rec[b->n++] = r;
		used += r.caplen;
	}
	b->first = fr->records + 1;
	for (guint i = 0; i < b->n; i++) {
		b->rec[i].data = b->buf + b->off[i];
		fr->records += 1 + b->rec[i].skipped;
	}
}

static gpointer
reader_main(gpointer data)
{
	dm_frames *fr = data;

	for (uint64_t seq = 0;; seq++) {
		g_mutex_lock(&fr->lock);
		while (!fr->stop && seq - fr->taken >= fr->ring_n) {
			fr->waiting++;
			g_cond_wait(&fr->cond, &fr->lock);
			fr->waiting--;
		}
		bool stop = fr->stop;
		g_mutex_unlock(&fr->lock);
		if (stop)
			break;
		batch *b = &fr->ring[seq % fr->ring_n];
		fill(fr, b);
		int end = b->end;
		b->decoded = false;
		if (fr->n_decoders == 0) {
			if (!fr->caller_decodes)
				decode_batch(fr, b);
			publish(fr, b);
		} else {
			g_async_queue_push(fr->work, b);
		}
		if (end != 1)
			break;
	}
	for (unsigned i = 0; i < fr->n_decoders; i++)
		g_async_queue_push(fr->work, &stop_mark);
	return NULL;
}

static gpointer
decoder_main(gpointer data)
{
	dm_frames *fr = data;
	batch *b;

	while ((b = g_async_queue_pop(fr->work)) != &stop_mark) {
		decode_batch(fr, b);
		publish(fr, b);
	}
	return NULL;
}

/* Join the decoders (told to stop) and free what the threads shared. */
static void
stop_threads(dm_frames *fr)
{
	for (unsigned i = 0; i < fr->n_decoders; i++)
		g_thread_join(fr->decoders[i]);
	for (unsigned i = 0; i < fr->ring_n; i++) {
		g_free(fr->ring[i].buf);
		g_free(fr->ring[i].text);
		g_clear_error(&fr->ring[i].err);
	}
	g_free(fr->ring);
	g_async_queue_unref(fr->work);
	g_cond_clear(&fr->cond);
	g_mutex_clear(&fr->lock);
}

dm_frames *
dm_frames_new(dm_capture *cap, dm_frames_depth depth, unsigned threads,
              dm_frames_text_fn text, void *ctx)
{
	dm_frames *fr = g_new0(dm_frames, 1);

	fr->cap = cap;
	fr->depth = depth;
	fr->threads = CLAMP(threads, 1u, DM_FRAMES_MAX_THREADS);
	if (fr->threads == 1)
		return fr;

	fr->text = text;
	fr->text_ctx = ctx;
	/* The reader decodes too when it is the only worker. */
	fr->n_decoders = fr->threads > 2 ? fr->threads - 2 : 0;
	/* Without checksums, decoding costs less than reading: with two
	 * threads, the caller (which has little else to do with such frames)
	 * decodes them. */
	fr->caller_decodes = fr->n_decoders == 0 && depth == DM_FRAMES_HEADERS;
	fr->ring_n = 2 * fr->threads + 2;
	fr->ring = g_new0(batch, fr->ring_n);
	g_mutex_init(&fr->lock);
	g_cond_init(&fr->cond);
	fr->work = g_async_queue_new();
	/* Threads that cannot be made leave their work to the others, or
	 * to the caller. */
	for (unsigned i = 0; i < fr->n_decoders; i++) {
		fr->decoders[i] = g_thread_try_new("dm-decode", decoder_main, fr, NULL);
		if (!fr->decoders[i])
			fr->n_decoders = i;
	}
	if (fr->n_decoders == 0)
		fr->caller_decodes = depth == DM_FRAMES_HEADERS;
	fr->reader = g_thread_try_new("dm-read", reader_main, fr, NULL);
	if (!fr->reader) {
		for (unsigned i = 0; i < fr->n_decoders; i++)
			g_async_queue_push(fr->work, &stop_mark);
		stop_threads(fr);
		fr->threads = 1;
	}
	return fr;
}

static int
next_inline(dm_frames *fr, const dm_record **rec, dm_frame_status *st,
            dm_packet **pkt, GError **error)
{
	if (fr->ended)
		return 0;
	int rc = dm_capture_next(fr->cap, &fr->rec, error);
	if (rc != 1) {
		fr->ended = true;
		return rc;
	}
	fr->st = fr->depth == DM_FRAMES_FULL
		? dm_decode_frame(fr->rec.dlt, fr->rec.data, fr->rec.caplen, fr->rec.wirelen, &fr->pkt)
		: dm_decode_frame_headers(fr->rec.dlt, fr->rec.data, fr->rec.caplen, fr->rec.wirelen,
		                          &fr->pkt);
	*rec = &fr->rec;
	*st = fr->st;
	*pkt = &fr->pkt;
	return 1;
}

int
dm_frames_next(dm_frames *fr, const dm_record **rec, dm_frame_status *st,
               dm_packet **pkt, GError **error)
{
	if (fr->threads == 1)
		return next_inline(fr, rec, st, pkt, error);
	for (;;) {
		if (fr->ended)
			return 0;
		batch *b = &fr->ring[fr->cur % fr->ring_n];
		if (!fr->holding) {
			g_mutex_lock(&fr->lock);
			while (!b->ready) {
				fr->waiting++;
				g_cond_wait(&fr->cond, &fr->lock);
				fr->waiting--;
			}
			g_mutex_unlock(&fr->lock);
			fr->holding = true;
			fr->pos = 0;
			if (!b->decoded)
				decode_batch(fr, b);
		}
		if (fr->pos < b->n) {
			guint i = fr->pos++;
			*rec = &b->rec[i];
			*st = b->st[i];
			*pkt = &b->pkt[i];
			return 1;
		}
		if (b->end != 1) {
			fr->ended = true;
			if (b->end < 0)
				g_propagate_error(error, g_steal_pointer(&b->err));
			return b->end;
		}
		/* Done with this batch: its slot goes back to the reader. */
		g_mutex_lock(&fr->lock);
		b->ready = false;
		fr->holding = false;
		fr->taken++;
		fr->cur++;
		if (fr->waiting)
			g_cond_broadcast(&fr->cond);
		g_mutex_unlock(&fr->lock);
	}
}

const char *
dm_frames_text(const dm_frames *fr, size_t *len)
{
	*len = 0;
	if (fr->threads == 1 || !fr->text || !fr->holding || fr->pos == 0)
		return NULL;
	const batch *b = &fr->ring[fr->cur % fr->ring_n];
	guint i = fr->pos - 1;
	*len = b->text_len[i];
	return b->text + (size_t)i * DM_FRAMES_TEXT_MAX;
}

void
dm_frames_free(dm_frames *fr)
{
	if (!fr)
		return;
	if (fr->threads > 1) {
		g_mutex_lock(&fr->lock);
		fr->stop = true;
		g_cond_broadcast(&fr->cond);
		g_mutex_unlock(&fr->lock);
		g_thread_join(fr->reader);
		stop_threads(fr);
	}
	dm_capture_close(fr->cap);
	g_free(fr);
}
