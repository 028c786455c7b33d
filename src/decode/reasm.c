/* reasm.c - IP reassembly (RFC 791 3.2, RFC 815, RFC 8200 4.5, RFC 5722):
 * datagrams keyed by addresses and identification, the bytes received
 * kept as a sorted list of holes filled (RFC 815's idea, as spans), bounds
 * on size, memory and time.  The policies are described in reasm.h.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "demuxsim/decode.h"
#include "demuxsim/reasm.h"

#define NSEC 1000000000LL
#define MAX_IP_DATAGRAM 65535u

typedef struct {
	uint32_t start, end;     /* [start, end) */
} span;

typedef struct {
	/* Key */
	uint8_t family;          /* 4 or 6 */
	uint8_t proto;           /* IPv4 only (0 for IPv6) */
	uint32_t id;
	uint8_t src[16], dst[16];
	guint seed;              /* the reassembler's hash seed */

	int64_t born;            /* capture time of the first fragment, ns */
	GList age;               /* link in its family's age queue */
	uint8_t *buf;            /* the datagram's data (after the IP header) */
	uint32_t buf_size;
	GArray *have;            /* span: bytes received, by the IP headers */
	GArray *got;             /* span: bytes captured */
	GArray *frames;          /* uint64_t: frames that contributed bytes */
	guint have_peak, got_peak; /* the most spans have and got held (their
	                          * arrays never shrink) */
	uint32_t total;          /* the length, once the last fragment came */
	bool have_last;
	bool dead;               /* dropped: later fragments are discarded */
	bool overlapped;         /* counted as overlapping */
	bool never_sent;         /* a fragment's frame lacked bytes its IP
	                          * header promised (not a snaplen cut) */
	size_t mem;              /* bytes charged to the memory limit */

	/* From the first fragment (offset 0) */
	uint8_t next;            /* protocol of the payload */
	uint8_t final_dst[16];
	uint32_t unfrag_len;
} datagram;

struct dm_reasm {
	GHashTable *table;       /* datagram (as key and value) */
	GQueue ages[2];          /* datagrams by first arrival, per family */
	int64_t timeout[2];      /* ns */
	size_t max_memory;
	uint32_t max_datagram;
	size_t mem;
	guint seed;
	datagram *done;          /* the last datagram completed: its bytes
	                          * back the packet handed out */
	dm_reasm_stats stats;
};

static int
fam_index(uint8_t family)
{
	return family == 6 ? 1 : 0;
}

static void
count(dm_reasm *ra, const datagram *d, dm_reasm_count c)
{
	ra->stats.count[fam_index(d->family)][c]++;
}

static guint
key_hash(gconstpointer p)
{
	const datagram *d = p;
	/* FNV-1a over the key, seeded per reassembler. */
	guint32 h = 2166136261u ^ d->seed;
	uint8_t head[6] = {
		d->family, d->proto, (uint8_t)(d->id >> 24), (uint8_t)(d->id >> 16),
		(uint8_t)(d->id >> 8), (uint8_t)d->id,
	};
	size_t alen = d->family == 6 ? 16 : 4;

	for (size_t i = 0; i < sizeof head; i++)
		h = (h ^ head[i]) * 16777619u;
	for (size_t i = 0; i < alen; i++)
		h = (h ^ d->src[i]) * 16777619u;
	for (size_t i = 0; i < alen; i++)
		h = (h ^ d->dst[i]) * 16777619u;
	return h;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	const datagram *x = a, *y = b;
	return x->family == y->family && x->proto == y->proto && x->id == y->id &&
	       memcmp(x->src, y->src, 16) == 0 && memcmp(x->dst, y->dst, 16) == 0;
}

/* @sec.@nsec in nanoseconds, saturated to the range of int64_t: a capture
 * time may be any int64_t seconds (a pcapng interface's coarse resolution
 * or large offset), and nsec any uint32_t. */
static inline int64_t
ns_of(int64_t sec, uint32_t nsec)
{
	if (sec > (INT64_MAX - (int64_t)nsec) / NSEC)
		return INT64_MAX;
	if (sec < INT64_MIN / NSEC)
		return INT64_MIN;
	return sec * NSEC + (int64_t)nsec;
}

/* A timeout of @seconds (@def unless greater than 0) in nanoseconds,
 * saturated (at about 292 years). */
static int64_t
timeout_ns(double seconds, double def)
{
	double s = seconds > 0 ? seconds : def;
	return s >= 9.2e9 ? INT64_MAX : (int64_t)(s * NSEC);
}

/* Whether @timeout has passed from @born to @now (never when time went
 * back), without overflow whatever the three values. */
static bool
timed_out(int64_t now, int64_t born, int64_t timeout)
{
	return now >= born && (uint64_t)now - (uint64_t)born >= (uint64_t)timeout;
}

const char *
dm_reasm_count_name(dm_reasm_count c)
{
	static const char *const names[DM_REASM_N_COUNT] = {
		"fragments", "reassembled", "truncated", "duplicate-fragments",
		"overlapping", "timed-out", "incomplete", "over-limit", "evicted",
		"invalid-fragments", "discarded-fragments",
	};
	return (unsigned)c < DM_REASM_N_COUNT ? names[c] : "?";
}

dm_reasm *
dm_reasm_new(const dm_reasm_config *cfg)
{
	dm_reasm_config def = { 0 };
	dm_reasm *ra = g_new0(dm_reasm, 1);

	if (!cfg)
		cfg = &def;
	ra->seed = g_random_int();
	ra->table = g_hash_table_new(key_hash, key_equal);
	g_queue_init(&ra->ages[0]);
	g_queue_init(&ra->ages[1]);
	ra->timeout[0] = timeout_ns(cfg->timeout4, 30.0);
	ra->timeout[1] = timeout_ns(cfg->timeout6, 60.0);
	ra->max_memory = cfg->max_memory ? cfg->max_memory : DM_REASM_DEFAULT_MEMORY;
	ra->max_datagram = cfg->max_datagram && cfg->max_datagram < MAX_IP_DATAGRAM
	                   ? cfg->max_datagram : MAX_IP_DATAGRAM;
	ra->stats.enabled = true;
	ra->stats.max_memory = ra->max_memory;
	return ra;
}

/* --- Memory -------------------------------------------------------------- */

/* What a datagram costs beyond its blocks: its slots in the hash table
 * (a key pointer and a hash each; between 1 and 2.7 slots an entry as the
 * table doubles).  Its age queue link is inside it. */
#define HASH_ENTRY ((sizeof(gpointer) + sizeof(guint)) * 3 / 2)
/* A GArray's header (GLib's GRealArray: two pointers, five 32-bit fields
 * and padding). */
#define ARRAY_HEADER (2 * sizeof(gpointer) + 6 * sizeof(guint))

/* The heap bytes a block of @n bytes takes: malloc's size word, rounding
 * to 16 bytes, 32 at least (glibc on 64-bit hosts; g_slice's
 * magazines take about the same). */
static size_t
heap_block(size_t n)
{
	const size_t align = 2 * sizeof(size_t);
	size_t b = (n + sizeof(size_t) + align - 1) & ~(align - 1);
	return MAX(b, 2 * align);
}

/* A GArray holding at most @len elements of @elt bytes: its header and
 * its data, grown as GLib grows it (powers of 2, 16 bytes at least). */
static size_t
array_cost(guint len, size_t elt)
{
	size_t cap = 16;
	while (cap < len * elt)
		cap <<= 1;
	return heap_block(ARRAY_HEADER) + (len ? heap_block(cap) : 0);
}

/* What @d would be charged with @have, @got spans and @frames frames
 * held at most, and a buffer of @buf_size bytes. */
static size_t
cost(guint have, guint got, guint frames, uint32_t buf_size)
{
	return heap_block(sizeof(datagram)) + HASH_ENTRY +
	       array_cost(have, sizeof(span)) + array_cost(got, sizeof(span)) +
	       array_cost(frames, sizeof(uint64_t)) + (buf_size ? heap_block(buf_size) : 0);
}

/* Recompute what @d is charged after its buffers changed. */
static void
recharge(dm_reasm *ra, datagram *d)
{
	d->have_peak = MAX(d->have_peak, d->have->len);
	d->got_peak = MAX(d->got_peak, d->got->len);
	ra->mem -= d->mem;
	d->mem = cost(d->have_peak, d->got_peak, d->frames->len, d->buf_size);
	ra->mem += d->mem;
}

/* Note the bytes held once within the limit again. */
static void
note_peak(dm_reasm *ra)
{
	if (ra->mem > ra->stats.peak_memory)
		ra->stats.peak_memory = ra->mem;
}

static void
datagram_free(dm_reasm *ra, datagram *d)
{
	ra->mem -= d->mem;
	g_array_unref(d->have);
	g_array_unref(d->got);
	g_array_unref(d->frames);
	g_free(d->buf);
	g_free(d);
}

/* Take @d out of the table and its age queue, and free it. */
static void
datagram_remove(dm_reasm *ra, datagram *d)
{
	g_hash_table_remove(ra->table, d);
	g_queue_unlink(&ra->ages[fam_index(d->family)], &d->age);
	datagram_free(ra, d);
}

/* Replace @a by an empty array of its element size (its data freed). */
static void
array_reset(GArray **a)
{
	guint elt = g_array_get_element_size(*a);
	g_array_unref(*a);
	*a = g_array_new(FALSE, FALSE, elt);
}

/* Drop @d's data but keep its key until it expires, so that the
 * fragments still to come are discarded too (RFC 5722). */
static void
datagram_kill(dm_reasm *ra, datagram *d, dm_reasm_count why)
{
	if (why != DM_REASM_N_COUNT)
		count(ra, d, why);
	d->dead = true;
	g_free(d->buf);
	d->buf = NULL;
	d->buf_size = 0;
	array_reset(&d->have);
	array_reset(&d->got);
	array_reset(&d->frames);
	d->have_peak = d->got_peak = 0;
	recharge(ra, d);
}

/* The oldest datagram of @q other than @keep, or NULL (@q may be empty,
 * @keep NULL). */
static datagram *
oldest_but(const GQueue *q, const datagram *keep)
{
	const GList *l = q->head;
	if (l && l->data == keep)
		l = l->next;
	return l ? l->data : NULL;
}

/* Evict the oldest datagrams other than @keep until @need more bytes fit.
 * Returns: whether they fit. */
static bool
make_room(dm_reasm *ra, const datagram *keep, size_t need)
{
	while (ra->mem + need > ra->max_memory) {
		datagram *a = oldest_but(&ra->ages[0], keep);
		datagram *b = oldest_but(&ra->ages[1], keep);
		datagram *victim = !a ? b : !b ? a : (a->born <= b->born ? a : b);
		if (!victim)
			return false;
		if (!victim->dead)
			count(ra, victim, DM_REASM_EVICTED);
		datagram_remove(ra, victim);
	}
	return true;
}

/* --- Spans --------------------------------------------------------------- */

/* Bytes of [start, end) that @spans covers. */
static uint32_t
covered(const GArray *spans, uint32_t start, uint32_t end)
{
	uint32_t n = 0;
	for (guint i = 0; i < spans->len; i++) {
		const span *s = &g_array_index(spans, span, i);
		uint32_t lo = MAX(s->start, start), hi = MIN(s->end, end);
		if (lo < hi)
			n += hi - lo;
	}
	return n;
}

/* Add [start, end) to the sorted, disjoint, non-adjacent @spans. */
static void
span_add(GArray *spans, uint32_t start, uint32_t end)
{
	guint i = 0;
	if (start >= end)
		return;
	while (i < spans->len && g_array_index(spans, span, i).end < start)
		i++;
	guint j = i;
	while (j < spans->len && g_array_index(spans, span, j).start <= end) {
		const span *s = &g_array_index(spans, span, j);
		start = MIN(start, s->start);
		end = MAX(end, s->end);
		j++;
	}
	if (j > i)
		g_array_remove_range(spans, i, j - i);
	span add = { start, end };
	g_array_insert_val(spans, i, add);
}

/* Whether the captured bytes of the fragment equal those held where both
 * were captured. */
static bool
same_bytes(const datagram *d, const dm_fragment *f)
{
	uint32_t start = f->offset, end = f->offset + f->caplen;
	for (guint i = 0; i < d->got->len; i++) {
		const span *s = &g_array_index(d->got, span, i);
		uint32_t lo = MAX(s->start, start), hi = MIN(s->end, end);
		if (lo < hi && memcmp(d->buf + lo, f->data + (lo - start), hi - lo) != 0)
			return false;
	}
	return true;
}

/* Copy the captured bytes of @f in [from, to), a hole of @d. */
static void
copy_captured(datagram *d, const dm_fragment *f, uint32_t from, uint32_t to)
{
	uint32_t c_end = MIN(to, f->offset + f->caplen);
	if (from >= c_end)
		return;
	memcpy(d->buf + from, f->data + (from - f->offset), c_end - from);
	span_add(d->got, from, c_end);
}

/* Copy the bytes of @f that @d does not hold yet (first wins). */
static void
fill_holes(datagram *d, const dm_fragment *f)
{
	uint32_t pos = f->offset, end = f->offset + f->len;

	for (guint i = 0; i <= d->have->len && pos < end; i++) {
		uint32_t hole_end = end, next = end;
		if (i < d->have->len) {
			span s = g_array_index(d->have, span, i);
			if (s.end <= pos)
				continue;
			hole_end = MIN(s.start, end);
			next = s.end;
		}
		if (pos < hole_end)
			copy_captured(d, f, pos, hole_end);
		pos = MAX(pos, next);
	}
	span_add(d->have, f->offset, end);
}

/* --- The step ------------------------------------------------------------ */

static void
expire(dm_reasm *ra, int64_t now)
{
	for (int f = 0; f < 2; f++) {
		GQueue *q = &ra->ages[f];
		while (q->head) {
			datagram *d = q->head->data;
			if (!timed_out(now, d->born, ra->timeout[f]))
				break;
			if (!d->dead)
				count(ra, d, DM_REASM_TIMED_OUT);
			datagram_remove(ra, d);
		}
	}
}

static datagram *
lookup(dm_reasm *ra, const dm_packet *pkt, int64_t now)
{
	datagram key = { .family = pkt->family, .id = pkt->frag.id, .seed = ra->seed };
	size_t alen = pkt->family == 6 ? 16 : 4;

	if (pkt->family == 4)
		key.proto = pkt->proto;
	memcpy(key.src, pkt->src, alen);
	memcpy(key.dst, pkt->dst, alen);
	datagram *d = g_hash_table_lookup(ra->table, &key);
	if (d)
		return d;
	if (!make_room(ra, NULL, cost(0, 0, 0, 0)))
		return NULL;
	d = g_new0(datagram, 1);
	*d = key;
	d->born = now;
	d->age.data = d;
	d->have = g_array_new(FALSE, FALSE, sizeof(span));
	d->got = g_array_new(FALSE, FALSE, sizeof(span));
	d->frames = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	g_hash_table_add(ra->table, d);
	g_queue_push_tail_link(&ra->ages[fam_index(d->family)], &d->age);
	recharge(ra, d);
	note_peak(ra);
	return d;
}

/* The bytes before the data that count toward the 65,535 limit: the
 * IPv4 header, or the IPv6 extension headers before the fragment header. */
static uint32_t
limit_base(uint8_t family, uint32_t unfrag_len)
{
	return family == 6 ? (unfrag_len > 40 ? unfrag_len - 40 : 0) : unfrag_len;
}

/* Add fragment @f of frame @frame to @d.  Returns false when @d was
 * dropped. */
static bool
add_fragment(dm_reasm *ra, datagram *d, uint64_t frame, const dm_packet *pkt)
{
	const dm_fragment *f = &pkt->frag;
	uint32_t end = f->offset + f->len;

	if (f->len == 0 || (f->more && f->len % 8)) {
		/* RFC 8200 4.5: such a fragment must be discarded; RFC 791
		 * fragments are multiples of 8 octets but the last. */
		count(ra, d, DM_REASM_INVALID);
		return true;
	}
	if ((uint64_t)limit_base(d->family, f->unfrag_len) + end > ra->max_datagram) {
		datagram_kill(ra, d, DM_REASM_OVER_LIMIT);
		return false;
	}
	if ((!f->more && ((d->have_last && end != d->total) ||
	                  (d->have->len && g_array_index(d->have, span, d->have->len - 1).end > end))) ||
	    (f->more && d->have_last && end > d->total)) {
		/* Ends that disagree: the datagram is corrupt. */
		datagram_kill(ra, d, DM_REASM_INVALID);
		return false;
	}

	uint32_t dup = covered(d->have, f->offset, end);
	if (dup == f->len && same_bytes(d, f)) {
		count(ra, d, DM_REASM_DUPLICATES);
		return true;
	}
	if (dup > 0) {
		if (d->family == 6) {
			datagram_kill(ra, d, DM_REASM_OVERLAPPING);
			return false;
		}
		if (!d->overlapped)
			count(ra, d, DM_REASM_OVERLAPPING);
		d->overlapped = true;
	}

	/* At most one span more in each list, one frame more. */
	size_t after = cost(d->have_peak + 1, d->got_peak + 1, d->frames->len + 1,
	                    MAX(end, d->buf_size));
	if (after > d->mem && !make_room(ra, d, after - d->mem)) {
		count(ra, d, DM_REASM_EVICTED);
		datagram_remove(ra, d);
		return false;
	}
	if (end > d->buf_size) {
		d->buf = g_realloc(d->buf, end);
		d->buf_size = end;
	}
	fill_holes(d, f);
	g_array_append_val(d->frames, frame);
	if (f->caplen < f->len && !f->cut)
		d->never_sent = true;
	if (!f->more) {
		d->have_last = true;
		d->total = end;
	}
	if (f->offset == 0) {
		d->next = f->next;
		memcpy(d->final_dst, pkt->final_dst, 16);
		d->unfrag_len = f->unfrag_len;
	}
	recharge(ra, d);
	if (ra->mem > ra->max_memory && !make_room(ra, d, 0)) {
		/* More captured spans than foreseen (one fragment filling
		 * several holes), and @d alone is over the limit. */
		count(ra, d, DM_REASM_EVICTED);
		datagram_remove(ra, d);
		return false;
	}
	note_peak(ra);
	return true;
}

static bool
complete(const datagram *d)
{
	if (!d->have_last || d->have->len != 1)
		return false;
	const span *s = &g_array_index(d->have, span, 0);
	return s->start == 0 && s->end == d->total;
}

/* Decode the completed @d into @pkt (frame fields kept). */
static dm_frame_status
deliver(dm_reasm *ra, datagram *d, dm_packet *pkt)
{
	dm_packet out;
	size_t alen = d->family == 6 ? 16 : 4;
	uint32_t have = 0;

	g_hash_table_remove(ra->table, d);
	g_queue_unlink(&ra->ages[fam_index(d->family)], &d->age);
	ra->done = d;

	memset(&out, 0, sizeof out);
	out.caplen = pkt->caplen;
	out.wirelen = pkt->wirelen;
	out.vlan_tags = pkt->vlan_tags;
	out.link = pkt->link;  /* this (the last) frame's link header */
	out.family = d->family;
	out.proto = d->next;
	memcpy(out.src, d->src, alen);
	memcpy(out.dst, d->dst, alen);
	memcpy(out.final_dst, d->family == 6 ? d->final_dst : d->dst, alen);
	out.ip_csum_bad = pkt->ip_csum_bad; /* this frame's own header */
	if (d->got->len && g_array_index(d->got, span, 0).start == 0)
		have = g_array_index(d->got, span, 0).end;

	count(ra, d, DM_REASM_REASSEMBLED);
	if (have < d->total)
		count(ra, d, DM_REASM_TRUNCATED);
	dm_frame_status st = dm_decode_datagram(d->buf, have, d->total,
	                                        !d->never_sent, &out);
	out.reasm_frames = (const uint64_t *)(const void *)d->frames->data;
	out.n_reasm_frames = d->frames->len;
	*pkt = out;
	return st;
}

dm_frame_status
dm_reasm_frame(dm_reasm *ra, uint64_t frame, int64_t sec, uint32_t nsec,
               dm_frame_status st, dm_packet *pkt)
{
	int64_t now = ns_of(sec, nsec);

	if (ra->done) {
		datagram_free(ra, ra->done);
		ra->done = NULL;
	}
	expire(ra, now);
	if (!pkt->is_fragment || (pkt->family != 4 && pkt->family != 6))
		return st;

	datagram *d = lookup(ra, pkt, now);
	if (!d) {
		ra->stats.count[fam_index(pkt->family)][DM_REASM_EVICTED]++;
		return DM_FRAME_FRAGMENT;
	}
	count(ra, d, DM_REASM_FRAGMENTS);
	if (d->dead) {
		count(ra, d, DM_REASM_DISCARDED);
		return DM_FRAME_FRAGMENT;
	}
	if (!add_fragment(ra, d, frame, pkt) || !complete(d))
		return DM_FRAME_FRAGMENT;
	if ((uint64_t)limit_base(d->family, d->unfrag_len) + d->total > ra->max_datagram) {
		datagram_kill(ra, d, DM_REASM_OVER_LIMIT);
		return DM_FRAME_FRAGMENT;
	}
	return deliver(ra, d, pkt);
}

void
dm_reasm_finish(dm_reasm *ra, dm_reasm_stats *out)
{
	if (ra->done) {
		datagram_free(ra, ra->done);
		ra->done = NULL;
	}
	for (int f = 0; f < 2; f++) {
		GQueue *q = &ra->ages[f];
		while (q->head) {
			datagram *d = q->head->data;
			if (!d->dead)
				count(ra, d, DM_REASM_INCOMPLETE);
			datagram_remove(ra, d);
		}
	}
	if (out)
		*out = ra->stats;
}

size_t
dm_reasm_memory(const dm_reasm *ra)
{
	return ra->mem;
}

void
dm_reasm_free(dm_reasm *ra)
{
	if (!ra)
		return;
	dm_reasm_finish(ra, NULL);
	g_hash_table_unref(ra->table);
	g_free(ra);
}
