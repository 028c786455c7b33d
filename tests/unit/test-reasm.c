/* test-reasm.c - IP reassembly (src/decode/reasm.c): fragments of UDP and TCP
 * datagrams built here, with checksums from the independent reference in
 * testutil.h, fed through dm_decode_ip() and dm_reasm_frame() as the run
 * loop does.  Covers order, duplicates, the overlap policies (IPv4 first
 * wins, IPv6 dropped per RFC 5722), timeouts in capture time, the size
 * and memory limits, missing and truncated fragments, atomic fragments,
 * and every fragment cut at every length (run under ASan: each record is
 * a heap block of exactly its captured length).
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "demuxsim/decode.h"
#include "demuxsim/reasm.h"
#include "testutil.h"

#define MAXDG 70000

/* A whole transport segment (header + payload) to be fragmented. */
typedef struct {
	int family;
	uint8_t proto;
	uint8_t seg[MAXDG];
	size_t len;
} datagram;

/* A UDP datagram with @n payload bytes and a correct checksum. */
static void
make_udp(datagram *dg, int family, size_t n)
{
	const uint8_t *src = family == 6 ? tu_v6_src : tu_v4_src;
	const uint8_t *dst = family == 6 ? tu_v6_dst : tu_v4_dst;

	g_assert_cmpuint(n + 8, <=, MAXDG);
	dg->family = family;
	dg->proto = TU_P_UDP;
	dg->len = n + 8;
	dg->seg[0] = 0x30, dg->seg[1] = 0x39;      /* 12345 */
	dg->seg[2] = 0x00, dg->seg[3] = 0x35;      /* 53 */
	dg->seg[4] = (uint8_t)(dg->len >> 8), dg->seg[5] = (uint8_t)dg->len;
	for (size_t i = 0; i < n; i++)
		dg->seg[8 + i] = (uint8_t)(i * 7 + 3);
	uint16_t c = tu_ref_l4_csum(family, src, dst, TU_P_UDP, dg->seg, dg->len, 6);
	dg->seg[6] = (uint8_t)(c >> 8), dg->seg[7] = (uint8_t)c;
}

/* A TCP segment (20-byte header, PSH|ACK) with @n payload bytes. */
static void
make_tcp(datagram *dg, int family, size_t n)
{
	const uint8_t *src = family == 6 ? tu_v6_src : tu_v4_src;
	const uint8_t *dst = family == 6 ? tu_v6_dst : tu_v4_dst;

	memset(dg->seg, 0, 20);
	dg->family = family;
	dg->proto = TU_P_TCP;
	dg->len = n + 20;
	dg->seg[0] = 0x9c, dg->seg[1] = 0x40;      /* 40000 */
	dg->seg[2] = 0x00, dg->seg[3] = 0x50;      /* 80 */
	dg->seg[7] = 1;                            /* seq 1 */
	dg->seg[11] = 1;                           /* ack 1 */
	dg->seg[12] = 5 << 4;
	dg->seg[13] = 0x18;
	dg->seg[14] = 0xff;
	for (size_t i = 0; i < n; i++)
		dg->seg[20 + i] = (uint8_t)(i * 13 + 1);
	uint16_t c = tu_ref_l4_csum(family, src, dst, TU_P_TCP, dg->seg, dg->len, 16);
	dg->seg[16] = (uint8_t)(c >> 8), dg->seg[17] = (uint8_t)c;
}

/* One fragment as a raw IP packet in a heap block of exactly its size. */
typedef struct {
	uint8_t *b;
	size_t len;
} record;

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

/* The fragment of @dg carrying [off, off+n), with @data instead of the
 * datagram's bytes when not NULL. */
static record
fragment(const datagram *dg, uint32_t id, size_t off, size_t n, bool more,
         const uint8_t *data)
{
	record r;
	const uint8_t *bytes = data ? data : dg->seg + off;

	if (dg->family == 4) {
		r.len = 20 + n;
		r.b = g_malloc0(r.len);
		r.b[0] = 0x45;
		put16(r.b + 2, (unsigned)r.len);
		put16(r.b + 4, id & 0xffff);
		put16(r.b + 6, (unsigned)(off / 8) | (more ? 0x2000 : 0));
		r.b[8] = 64;
		r.b[9] = dg->proto;
		memcpy(r.b + 12, tu_v4_src, 4);
		memcpy(r.b + 16, tu_v4_dst, 4);
		put16(r.b + 10, (uint16_t)~tu_ref_sum(r.b, 20));
		memcpy(r.b + 20, bytes, n);
	} else {
		r.len = 48 + n;
		r.b = g_malloc0(r.len);
		r.b[0] = 0x60;
		put16(r.b + 4, (unsigned)(8 + n));
		r.b[6] = TU_P_FRAGMENT;
		r.b[7] = 64;
		memcpy(r.b + 8, tu_v6_src, 16);
		memcpy(r.b + 24, tu_v6_dst, 16);
		r.b[40] = dg->proto;
		put16(r.b + 42, (unsigned)off | (more ? 1 : 0));
		r.b[44] = (uint8_t)(id >> 24), r.b[45] = (uint8_t)(id >> 16);
		r.b[46] = (uint8_t)(id >> 8), r.b[47] = (uint8_t)id;
		memcpy(r.b + 48, bytes, n);
	}
	return r;
}

/* Split @dg into fragments of @size data bytes (a multiple of 8). */
static GArray *
split(const datagram *dg, uint32_t id, size_t size)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(record));
	for (size_t off = 0; off < dg->len; off += size) {
		size_t n = MIN(size, dg->len - off);
		record r = fragment(dg, id, off, n, off + n < dg->len, NULL);
		g_array_append_val(a, r);
	}
	return a;
}

static void
records_free(GArray *a)
{
	for (guint i = 0; i < a->len; i++)
		g_free(g_array_index(a, record, i).b);
	g_array_unref(a);
}

/* Decode @r, cut to @caplen bytes (copied to a block of that size), and
 * give it to the reassembler as frame @frame at time @sec. */
static dm_frame_status
feed_cut(dm_reasm *ra, uint64_t frame, int64_t sec, const record *r,
         size_t caplen, dm_packet *pkt)
{
	uint8_t *copy = g_memdup2(r->b, caplen);
	dm_frame_status st = dm_decode_ip(copy, (uint32_t)caplen,
	                                  (uint32_t)(r->len - caplen), pkt);
	st = dm_reasm_frame(ra, frame, sec, 0, st, pkt);
	/* The reassembler copied what it keeps: the frame may go. */
	if (copy)
		memset(copy, 0xa5, caplen);
	g_free(copy);
	return st;
}

static dm_frame_status
feed(dm_reasm *ra, uint64_t frame, int64_t sec, const record *r, dm_packet *pkt)
{
	return feed_cut(ra, frame, sec, r, r->len, pkt);
}

static dm_reasm_stats
finish(dm_reasm *ra)
{
	dm_reasm_stats st;
	dm_reasm_finish(ra, &st);
	return st;
}

static void
assert_frames(const dm_packet *pkt, const uint64_t *want, size_t n)
{
	g_assert_cmpuint(pkt->n_reasm_frames, ==, n);
	for (size_t i = 0; i < n; i++)
		g_assert_cmpuint(pkt->reasm_frames[i], ==, want[i]);
}

/* Feed @order (indexes into @frags) as frames 1, 2, ...; every frame but
 * the last must be held; the last must complete a good datagram. */
static void
check_order(const datagram *dg, GArray *frags, const guint *order, guint n)
{
	dm_reasm *ra = dm_reasm_new(NULL);
	dm_packet pkt;
	uint64_t frames[64];

	for (guint i = 0; i < n; i++) {
		dm_frame_status st = feed(ra, i + 1, 100, &g_array_index(frags, record, order[i]), &pkt);
		frames[i] = i + 1;
		if (i + 1 < n) {
			g_assert_cmpint(st, ==, DM_FRAME_FRAGMENT);
			g_assert_true(pkt.is_fragment);
			continue;
		}
		g_assert_cmpint(st, ==, DM_FRAME_SEGMENT);
		g_assert_false(pkt.is_fragment);
		g_assert_cmpint(pkt.family, ==, dg->family);
		g_assert_cmpint(pkt.proto, ==, dg->proto);
		g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_GOOD);
		g_assert_cmpuint(pkt.seg_len, ==, dg->len);
		g_assert_cmpuint(pkt.l4_caplen, ==, dg->len);
		g_assert_cmpmem(pkt.l4, dg->len, dg->seg, dg->len);
		assert_frames(&pkt, frames, n);
	}
	dm_reasm_stats st = finish(ra);
	int f = dg->family == 6;
	g_assert_cmpuint(st.count[f][DM_REASM_REASSEMBLED], ==, 1);
	g_assert_cmpuint(st.count[f][DM_REASM_FRAGMENTS], ==, n);
	g_assert_cmpuint(st.count[f][DM_REASM_INCOMPLETE], ==, 0);
	g_assert_cmpuint(st.count[!f][DM_REASM_FRAGMENTS], ==, 0);
	dm_reasm_free(ra);
}

static void
test_in_order(void)
{
	static datagram dg;
	const guint order[] = { 0, 1, 2, 3 };
	for (int family = 4; family <= 6; family += 2) {
		make_udp(&dg, family, 3000);
		GArray *frags = split(&dg, 0x1234, 800);
		g_assert_cmpuint(frags->len, ==, 4);
		check_order(&dg, frags, order, 4);
		records_free(frags);
		make_tcp(&dg, family, 2000);
		frags = split(&dg, 0x99, 1000);
		check_order(&dg, frags, order, 3);
		records_free(frags);
	}
}

static void
test_out_of_order(void)
{
	static datagram dg;
	const guint orders[][4] = { { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 3, 0, 2, 1 } };
	for (int family = 4; family <= 6; family += 2) {
		make_udp(&dg, family, 3000);
		GArray *frags = split(&dg, 7, 800);
		for (size_t i = 0; i < G_N_ELEMENTS(orders); i++)
			check_order(&dg, frags, orders[i], 4);
		records_free(frags);
	}
}

static void
test_duplicate(void)
{
	static datagram dg;
	for (int family = 4; family <= 6; family += 2) {
		make_udp(&dg, family, 2000);
		GArray *frags = split(&dg, 5, 1000);
		dm_reasm *ra = dm_reasm_new(NULL);
		dm_packet pkt;
		const record *r = (const record *)(void *)frags->data;
		g_assert_cmpint(feed(ra, 1, 0, &r[0], &pkt), ==, DM_FRAME_FRAGMENT);
		g_assert_cmpint(feed(ra, 2, 0, &r[0], &pkt), ==, DM_FRAME_FRAGMENT);
		g_assert_cmpint(feed(ra, 3, 0, &r[1], &pkt), ==, DM_FRAME_FRAGMENT);
		g_assert_cmpint(feed(ra, 4, 0, &r[2], &pkt), ==, DM_FRAME_SEGMENT);
		g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_GOOD);
		/* The duplicate brought nothing: it is not one of the frames. */
		assert_frames(&pkt, (const uint64_t[]){ 1, 3, 4 }, 3);
		dm_reasm_stats st = finish(ra);
		int f = family == 6;
		g_assert_cmpuint(st.count[f][DM_REASM_DUPLICATES], ==, 1);
		g_assert_cmpuint(st.count[f][DM_REASM_OVERLAPPING], ==, 0);
		g_assert_cmpuint(st.count[f][DM_REASM_REASSEMBLED], ==, 1);
		dm_reasm_free(ra);
		records_free(frags);
	}
}

/* IPv4: the bytes received first are kept. */
static void
test_overlap_v4_first_wins(void)
{
	static datagram dg;
	uint8_t junk[1016];
	make_udp(&dg, 4, 2000);                    /* 2008 bytes */
	memset(junk, 0xee, sizeof junk);
	/* A: [0, 1008) true.  B: [1000, 2008) whose first 8 bytes are junk
	 * where they overlap A, true after. */
	uint8_t b_data[1008];
	memcpy(b_data, dg.seg + 1000, sizeof b_data);
	memset(b_data, 0xee, 8);
	record a = fragment(&dg, 9, 0, 1008, true, NULL);
	record b = fragment(&dg, 9, 1000, 1008, false, b_data);
	dm_packet pkt;

	/* True bytes first: they win, the checksum is good. */
	dm_reasm *ra = dm_reasm_new(NULL);
	g_assert_cmpint(feed(ra, 1, 0, &a, &pkt), ==, DM_FRAME_FRAGMENT);
	g_assert_cmpint(feed(ra, 2, 0, &b, &pkt), ==, DM_FRAME_SEGMENT);
	g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_GOOD);
	assert_frames(&pkt, (const uint64_t[]){ 1, 2 }, 2);
	dm_reasm_stats st = finish(ra);
	g_assert_cmpuint(st.count[0][DM_REASM_OVERLAPPING], ==, 1);
	g_assert_cmpuint(st.count[0][DM_REASM_REASSEMBLED], ==, 1);
	dm_reasm_free(ra);

	/* Junk first: it wins, so the checksum is bad (not last wins). */
	ra = dm_reasm_new(NULL);
	g_assert_cmpint(feed(ra, 1, 0, &b, &pkt), ==, DM_FRAME_FRAGMENT);
	g_assert_cmpint(feed(ra, 2, 0, &a, &pkt), ==, DM_FRAME_SEGMENT);
	g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_BAD);
	g_assert_cmpmem(pkt.l4 + 1000, 8, junk, 8);
	st = finish(ra);
	g_assert_cmpuint(st.count[0][DM_REASM_OVERLAPPING], ==, 1);
	dm_reasm_free(ra);
	g_free(a.b);
	g_free(b.b);
}

/* IPv6: an overlap drops the datagram and every later fragment of it. */
static void
test_overlap_v6_dropped(void)
{
	static datagram dg;
	make_udp(&dg, 6, 2400);                    /* 2408 bytes */
	record a = fragment(&dg, 77, 0, 1008, true, NULL);
	record b = fragment(&dg, 77, 1000, 1008, true, NULL); /* same bytes */
	record c = fragment(&dg, 77, 1008, 1008, true, NULL);
	record d = fragment(&dg, 77, 2016, 392, false, NULL);
	dm_packet pkt;
	dm_reasm *ra = dm_reasm_new(NULL);

	g_assert_cmpint(feed(ra, 1, 0, &a, &pkt), ==, DM_FRAME_FRAGMENT);
	g_assert_cmpint(feed(ra, 2, 0, &b, &pkt), ==, DM_FRAME_FRAGMENT);
	g_assert_cmpint(feed(ra, 3, 0, &c, &pkt), ==, DM_FRAME_FRAGMENT);
	g_assert_cmpint(feed(ra, 4, 0, &d, &pkt), ==, DM_FRAME_FRAGMENT);
	/* Even a complete set afterwards is discarded until the timeout. */
	g_assert_cmpint(feed(ra, 5, 1, &a, &pkt), ==, DM_FRAME_FRAGMENT);
	dm_reasm_stats st = finish(ra);
	g_assert_cmpuint(st.count[1][DM_REASM_OVERLAPPING], ==, 1);
	g_assert_cmpuint(st.count[1][DM_REASM_DISCARDED], ==, 3);
	g_assert_cmpuint(st.count[1][DM_REASM_REASSEMBLED], ==, 0);
	g_assert_cmpuint(st.count[1][DM_REASM_INCOMPLETE], ==, 0);
	dm_reasm_free(ra);

	/* After the timeout the identification may be used again. */
	ra = dm_reasm_new(NULL);
	feed(ra, 1, 0, &a, &pkt);
	feed(ra, 2, 0, &b, &pkt);
	g_assert_cmpint(feed(ra, 3, 61, &a, &pkt), ==, DM_FRAME_FRAGMENT);
	g_assert_cmpint(feed(ra, 4, 61, &c, &pkt), ==, DM_FRAME_FRAGMENT);
	g_assert_cmpint(feed(ra, 5, 61, &d, &pkt), ==, DM_FRAME_SEGMENT);
	g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_GOOD);
	st = finish(ra);
	g_assert_cmpuint(st.count[1][DM_REASM_OVERLAPPING], ==, 1);
	g_assert_cmpuint(st.count[1][DM_REASM_REASSEMBLED], ==, 1);
	dm_reasm_free(ra);
	g_free(a.b), g_free(b.b), g_free(c.b), g_free(d.b);
}

static void
test_timeout(void)
{
	static datagram dg;
	for (int family = 4; family <= 6; family += 2) {
		int64_t limit = family == 4 ? 30 : 60;
		int f = family == 6;
		make_udp(&dg, family, 1500);
		GArray *frags = split(&dg, 3, 1000);
		const record *r = (const record *)(void *)frags->data;
		dm_packet pkt;

		/* Just within the timeout: completes. */
		dm_reasm *ra = dm_reasm_new(NULL);
		feed(ra, 1, 1000, &r[0], &pkt);
		g_assert_cmpint(feed(ra, 2, 1000 + limit - 1, &r[1], &pkt), ==, DM_FRAME_SEGMENT);
		dm_reasm_stats st = finish(ra);
		g_assert_cmpuint(st.count[f][DM_REASM_TIMED_OUT], ==, 0);
		dm_reasm_free(ra);

		/* At the timeout: the first fragment expired; the second
		 * starts a datagram that never completes. */
		ra = dm_reasm_new(NULL);
		feed(ra, 1, 1000, &r[0], &pkt);
		g_assert_cmpint(feed(ra, 2, 1000 + limit, &r[1], &pkt), ==, DM_FRAME_FRAGMENT);
		st = finish(ra);
		g_assert_cmpuint(st.count[f][DM_REASM_TIMED_OUT], ==, 1);
		g_assert_cmpuint(st.count[f][DM_REASM_INCOMPLETE], ==, 1);
		g_assert_cmpuint(st.count[f][DM_REASM_REASSEMBLED], ==, 0);
		dm_reasm_free(ra);

		/* A frame of anything else expires it too. */
		ra = dm_reasm_new(&(dm_reasm_config){ .timeout4 = 0.5, .timeout6 = 0.5 });
		feed(ra, 1, 1000, &r[0], &pkt);
		dm_packet other = { .family = 4 };
		g_assert_cmpint(dm_reasm_frame(ra, 2, 1000, 600000000, DM_FRAME_NOT_IP, &other),
		                ==, DM_FRAME_NOT_IP);
		g_assert_cmpuint(dm_reasm_memory(ra), ==, 0);
		st = finish(ra);
		g_assert_cmpuint(st.count[f][DM_REASM_TIMED_OUT], ==, 1);
		dm_reasm_free(ra);
		records_free(frags);
	}
}

/* Give @r to the reassembler as frame @frame at time @sec.@nsec. */
static dm_frame_status
feed_at(dm_reasm *ra, uint64_t frame, int64_t sec, uint32_t nsec, const record *r,
        dm_packet *pkt)
{
	dm_frame_status st = dm_decode_ip(r->b, (uint32_t)r->len, 0, pkt);
	return dm_reasm_frame(ra, frame, sec, nsec, st, pkt);
}

/* Capture times at the ends of int64_t seconds (and nsec beyond a
 * second): the arithmetic saturates instead of overflowing (UBSan), a
 * datagram still completes at one instant and expires across the range;
 * a timeout too long for nanoseconds saturates too. */
static void
test_time_extremes(void)
{
	static datagram dg;
	make_udp(&dg, 4, 1500);
	GArray *frags = split(&dg, 3, 1000);
	const record *r = (const record *)(void *)frags->data;
	const int64_t ends[] = { INT64_MAX, INT64_MIN, INT64_MAX / 1000000000, -1 };
	dm_packet pkt;

	for (size_t i = 0; i < G_N_ELEMENTS(ends); i++) {
		dm_reasm *ra = dm_reasm_new(NULL);
		feed_at(ra, 1, ends[i], UINT32_MAX, &r[0], &pkt);
		g_assert_cmpint(feed_at(ra, 2, ends[i], UINT32_MAX, &r[1], &pkt), ==,
		                DM_FRAME_SEGMENT);
		g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_GOOD);
		dm_reasm_free(ra);
	}
	/* From the earliest time to the latest: expired.  Back in time: not. */
	dm_reasm *ra = dm_reasm_new(NULL);
	feed_at(ra, 1, INT64_MIN, 0, &r[0], &pkt);
	g_assert_cmpint(feed_at(ra, 2, INT64_MAX, UINT32_MAX, &r[1], &pkt), ==, DM_FRAME_FRAGMENT);
	dm_reasm_stats st = finish(ra);
	g_assert_cmpuint(st.count[0][DM_REASM_TIMED_OUT], ==, 1);
	dm_reasm_free(ra);
	ra = dm_reasm_new(NULL);
	feed_at(ra, 1, INT64_MAX, 0, &r[0], &pkt);
	g_assert_cmpint(feed_at(ra, 2, INT64_MIN, 0, &r[1], &pkt), ==, DM_FRAME_SEGMENT);
	dm_reasm_free(ra);
	/* A timeout of 1e300 s is as long as nanoseconds go (292 years). */
	ra = dm_reasm_new(&(dm_reasm_config){ .timeout4 = 1e300, .timeout6 = 1e300 });
	feed_at(ra, 1, 0, 0, &r[0], &pkt);
	g_assert_cmpint(feed_at(ra, 2, 9000000000, 0, &r[1], &pkt), ==, DM_FRAME_SEGMENT);
	dm_reasm_free(ra);
	records_free(frags);
}

static void
test_size_limit(void)
{
	static datagram dg;
	for (int family = 4; family <= 6; family += 2) {
		int f = family == 6;
		dm_packet pkt;
		make_udp(&dg, family, 1000);
		/* Data ending at 65,528 + 16 > 65,535 (minus the IPv4 header). */
		record last = fragment(&dg, 1, 65528, 16, false, dg.seg);
		record first = fragment(&dg, 1, 0, 1000, true, NULL);
		dm_reasm *ra = dm_reasm_new(NULL);
		g_assert_cmpint(feed(ra, 1, 0, &first, &pkt), ==, DM_FRAME_FRAGMENT);
		g_assert_cmpint(feed(ra, 2, 0, &last, &pkt), ==, DM_FRAME_FRAGMENT);
		g_assert_cmpint(feed(ra, 3, 0, &first, &pkt), ==, DM_FRAME_FRAGMENT);
		dm_reasm_stats st = finish(ra);
		g_assert_cmpuint(st.count[f][DM_REASM_OVER_LIMIT], ==, 1);
		g_assert_cmpuint(st.count[f][DM_REASM_DISCARDED], ==, 1);
		dm_reasm_free(ra);
		g_free(last.b), g_free(first.b);

		/* Exactly at the limit is fine: 65,535 bytes of IP datagram
		 * (IPv4 header included) or IPv6 payload (fragment header
		 * excluded, RFC 8200 4.5). */
		size_t max = family == 4 ? 65535 - 20 : 65535;
		make_udp(&dg, family, max - 8);
		GArray *frags = split(&dg, 2, 8000);
		const guint order[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
		g_assert_cmpuint(frags->len, ==, 9);
		check_order(&dg, frags, order, frags->len);
		records_free(frags);
		/* A lower limit (for tests and small machines). */
		make_udp(&dg, family, 3000);
		frags = split(&dg, 2, 1000);
		ra = dm_reasm_new(&(dm_reasm_config){ .max_datagram = 2000 });
		for (guint i = 0; i < frags->len; i++)
			g_assert_cmpint(feed(ra, i + 1, 0, &g_array_index(frags, record, i), &pkt),
			                ==, DM_FRAME_FRAGMENT);
		st = finish(ra);
		g_assert_cmpuint(st.count[f][DM_REASM_OVER_LIMIT], ==, 1);
		dm_reasm_free(ra);
		records_free(frags);
	}
}

static void
test_memory_limit(void)
{
	static datagram dg;
	const size_t limit = 16384;
	dm_reasm *ra = dm_reasm_new(&(dm_reasm_config){ .max_memory = limit });
	dm_packet pkt;

	make_udp(&dg, 4, 3000);
	/* 40 datagrams of which only the first fragment (1000 bytes) comes:
	 * the oldest are evicted, the bytes held never pass the limit. */
	for (uint32_t id = 0; id < 40; id++) {
		record r = fragment(&dg, id, 0, 1000, true, NULL);
		g_assert_cmpint(feed(ra, id + 1, 0, &r, &pkt), ==, DM_FRAME_FRAGMENT);
		g_assert_cmpuint(dm_reasm_memory(ra), <=, limit);
		g_free(r.b);
	}
	/* The newest is still there and completes; an evicted one does not. */
	record rest39 = fragment(&dg, 39, 1000, 2008, false, NULL);
	record rest0 = fragment(&dg, 0, 1000, 2008, false, NULL);
	g_assert_cmpint(feed(ra, 41, 0, &rest39, &pkt), ==, DM_FRAME_SEGMENT);
	g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_GOOD);
	g_assert_cmpint(feed(ra, 42, 0, &rest0, &pkt), ==, DM_FRAME_FRAGMENT);
	dm_reasm_stats st = finish(ra);
	g_assert_cmpuint(st.count[0][DM_REASM_EVICTED], >, 20);
	g_assert_cmpuint(st.count[0][DM_REASM_EVICTED] + st.count[0][DM_REASM_INCOMPLETE] +
	                 st.count[0][DM_REASM_REASSEMBLED], ==, 41);
	g_assert_cmpuint(st.peak_memory, <=, limit);
	g_assert_cmpuint(st.max_memory, ==, limit);
	dm_reasm_free(ra);
	g_free(rest39.b), g_free(rest0.b);

	/* A datagram that alone outgrows the limit is dropped. */
	ra = dm_reasm_new(&(dm_reasm_config){ .max_memory = 2048 });
	make_udp(&dg, 6, 6000);
	GArray *frags = split(&dg, 1, 1000);
	for (guint i = 0; i < frags->len; i++) {
		g_assert_cmpint(feed(ra, i + 1, 0, &g_array_index(frags, record, i), &pkt),
		                ==, DM_FRAME_FRAGMENT);
		g_assert_cmpuint(dm_reasm_memory(ra), <=, 2048);
	}
	st = finish(ra);
	g_assert_cmpuint(st.count[1][DM_REASM_EVICTED], >=, 1);
	g_assert_cmpuint(st.count[1][DM_REASM_REASSEMBLED], ==, 0);
	dm_reasm_free(ra);
	records_free(frags);
}

/* Above the memory limit with the other family's age queue empty: the
 * oldest datagrams of this one are evicted (the empty queue once made
 * the eviction dereference its NULL head). */
static void
test_evict_one_family_empty(gconstpointer data)
{
	static datagram dg;
	int family = GPOINTER_TO_INT(data), f = family == 6;
	dm_reasm *ra = dm_reasm_new(&(dm_reasm_config){ .max_memory = 1000 });
	dm_packet pkt;

	make_udp(&dg, family, 3000);
	for (uint32_t id = 0; id < 10; id++) {
		record r = fragment(&dg, id, 0, 256, true, NULL);
		g_assert_cmpint(feed(ra, id + 1, 0, &r, &pkt), ==, DM_FRAME_FRAGMENT);
		g_assert_cmpuint(dm_reasm_memory(ra), <=, 1000);
		g_free(r.b);
	}
	dm_reasm_stats st = finish(ra);
	g_assert_cmpuint(st.count[f][DM_REASM_FRAGMENTS], ==, 10);
	g_assert_cmpuint(st.count[f][DM_REASM_EVICTED], >=, 7);
	g_assert_cmpuint(st.count[f][DM_REASM_EVICTED] + st.count[f][DM_REASM_INCOMPLETE], ==, 10);
	g_assert_cmpuint(st.count[!f][DM_REASM_EVICTED], ==, 0);
	g_assert_cmpuint(st.peak_memory, <=, 1000);
	dm_reasm_free(ra);
}

/* Whatever the limit, the bytes held never pass it, even when one
 * fragment fills several holes between bytes received but not captured
 * (each hole a new captured span). */
static void
test_evict_limit_never_passed(void)
{
	static datagram dg;
	make_udp(&dg, 4, 48);                      /* 56 bytes */
	record hole[3], whole = fragment(&dg, 1, 0, 48, true, NULL);
	for (int i = 0; i < 3; i++)
		hole[i] = fragment(&dg, 1, (size_t)i * 16, 8, true, NULL);
	record other = fragment(&dg, 2, 0, 16, true, NULL);

	for (size_t limit = 300; limit <= 1600; limit++) {
		dm_reasm *ra = dm_reasm_new(&(dm_reasm_config){ .max_memory = limit });
		dm_packet pkt;
		feed(ra, 1, 0, &other, &pkt);
		for (int i = 0; i < 3; i++) {
			/* The IPv4 header captured, the 8 data bytes cut. */
			feed_cut(ra, 2 + i, 0, &hole[i], 20, &pkt);
			g_assert_cmpuint(dm_reasm_memory(ra), <=, limit);
		}
		feed(ra, 5, 0, &whole, &pkt);
		g_assert_cmpuint(dm_reasm_memory(ra), <=, limit);
		dm_reasm_stats st = finish(ra);
		g_assert_cmpuint(st.peak_memory, <=, limit);
		dm_reasm_free(ra);
	}
	for (int i = 0; i < 3; i++)
		g_free(hole[i].b);
	g_free(whole.b);
	g_free(other.b);
}

static void
test_first_missing(void)
{
	static datagram dg;
	for (int family = 4; family <= 6; family += 2) {
		make_udp(&dg, family, 3000);
		GArray *frags = split(&dg, 4, 1000);
		dm_reasm *ra = dm_reasm_new(NULL);
		dm_packet pkt;
		for (guint i = 1; i < frags->len; i++)
			g_assert_cmpint(feed(ra, i, 0, &g_array_index(frags, record, i), &pkt),
			                ==, DM_FRAME_FRAGMENT);
		g_assert_cmpuint(dm_reasm_memory(ra), >, 0);
		dm_reasm_stats st = finish(ra);
		g_assert_cmpuint(st.count[family == 6][DM_REASM_INCOMPLETE], ==, 1);
		g_assert_cmpuint(st.count[family == 6][DM_REASM_REASSEMBLED], ==, 0);
		g_assert_cmpuint(dm_reasm_memory(ra), ==, 0);
		dm_reasm_free(ra);
		records_free(frags);
	}
}

/* A fragment cut by the snapshot length: the datagram completes, but its
 * checksum cannot be verified. */
static void
test_truncated_fragment(void)
{
	static datagram dg;
	for (int family = 4; family <= 6; family += 2) {
		int f = family == 6;
		make_udp(&dg, family, 3000);
		GArray *frags = split(&dg, 8, 1000);
		const record *r = (const record *)(void *)frags->data;
		dm_reasm *ra = dm_reasm_new(NULL);
		dm_packet pkt;
		feed(ra, 1, 0, &r[0], &pkt);
		feed_cut(ra, 2, 0, &r[1], r[1].len - 100, &pkt);
		feed(ra, 3, 0, &r[2], &pkt);
		g_assert_cmpint(feed(ra, 4, 0, &r[3], &pkt), ==, DM_FRAME_SEGMENT);
		g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_UNVERIFIED);
		g_assert_cmpint(pkt.csum.reason, ==, DM_CSUM_REASON_TRUNCATED);
		g_assert_cmpint(pkt.malformed, ==, DM_MAL_NONE);
		g_assert_cmpuint(pkt.seg_len, ==, dg.len);
		dm_reasm_stats st = finish(ra);
		g_assert_cmpuint(st.count[f][DM_REASM_TRUNCATED], ==, 1);
		dm_reasm_free(ra);

		/* The frame itself ended early (no bytes cut by the capture):
		 * the IP length lies, the datagram is malformed. */
		ra = dm_reasm_new(NULL);
		feed(ra, 1, 0, &r[0], &pkt);
		uint8_t *shortf = g_memdup2(r[1].b, r[1].len - 100);
		dm_frame_status s = dm_decode_ip(shortf, (uint32_t)(r[1].len - 100), 0, &pkt);
		s = dm_reasm_frame(ra, 2, 0, 0, s, &pkt);
		g_free(shortf);
		feed(ra, 3, 0, &r[2], &pkt);
		g_assert_cmpint(feed(ra, 4, 0, &r[3], &pkt), ==, DM_FRAME_SEGMENT);
		g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_UNVERIFIED);
		g_assert_cmpint(pkt.csum.reason, ==, DM_CSUM_REASON_MALFORMED);
		g_assert_cmpint(pkt.malformed, ==, DM_MAL_IP_LEN_FRAME);
		dm_reasm_free(ra);
		records_free(frags);
	}
}

/* RFC 6946: an IPv6 fragment header with offset 0 and M clear is no
 * fragment: processed on its own, never held. */
static void
test_atomic_fragment(void)
{
	static datagram dg;
	make_udp(&dg, 6, 500);
	record r = fragment(&dg, 42, 0, dg.len, false, NULL);
	dm_reasm *ra = dm_reasm_new(NULL);
	dm_packet pkt;
	g_assert_cmpint(feed(ra, 1, 0, &r, &pkt), ==, DM_FRAME_SEGMENT);
	g_assert_false(pkt.is_fragment);
	g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_GOOD);
	g_assert_cmpuint(pkt.n_reasm_frames, ==, 0);
	dm_reasm_stats st = finish(ra);
	g_assert_cmpuint(st.count[1][DM_REASM_FRAGMENTS], ==, 0);
	dm_reasm_free(ra);
	g_free(r.b);
}

/* Fragments whose length is not a multiple of 8 while more follow are
 * refused (RFC 8200 4.5; RFC 791). */
static void
test_invalid_length(void)
{
	static datagram dg;
	for (int family = 4; family <= 6; family += 2) {
		make_udp(&dg, family, 1500);
		record a = fragment(&dg, 6, 0, 1001, true, NULL);
		dm_reasm *ra = dm_reasm_new(NULL);
		dm_packet pkt;
		g_assert_cmpint(feed(ra, 1, 0, &a, &pkt), ==, DM_FRAME_FRAGMENT);
		dm_reasm_stats st = finish(ra);
		g_assert_cmpuint(st.count[family == 6][DM_REASM_INVALID], ==, 1);
		dm_reasm_free(ra);
		g_free(a.b);
	}
}

/* The fragmentable part of an IPv6 packet may begin with a destination
 * options header (RFC 8200 4.5): the chain is walked after reassembly. */
static void
test_v6_options_after_fragment(void)
{
	static datagram udp, dg;
	make_udp(&udp, 6, 1200);
	dg.family = 6;
	dg.proto = TU_P_DSTOPTS;
	memset(dg.seg, 0, 8);
	dg.seg[0] = TU_P_UDP;      /* next header */
	dg.seg[1] = 0;             /* 8 bytes */
	dg.seg[2] = 1, dg.seg[3] = 4; /* PadN of 4 */
	memcpy(dg.seg + 8, udp.seg, udp.len);
	dg.len = 8 + udp.len;
	GArray *frags = split(&dg, 11, 800);
	dm_reasm *ra = dm_reasm_new(NULL);
	dm_packet pkt;
	g_assert_cmpint(feed(ra, 1, 0, &g_array_index(frags, record, 1), &pkt), ==, DM_FRAME_FRAGMENT);
	g_assert_cmpint(feed(ra, 2, 0, &g_array_index(frags, record, 0), &pkt), ==, DM_FRAME_SEGMENT);
	g_assert_cmpint(pkt.proto, ==, TU_P_UDP);
	g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_GOOD);
	g_assert_cmpuint(pkt.seg_len, ==, udp.len);
	dm_reasm_free(ra);
	records_free(frags);
}

/* Every fragment cut at every length (and the others whole): nothing is
 * read past the captured bytes (ASan), nothing is called bad, and a
 * datagram completed over missing bytes is never verified. */
static void
test_every_cut(void)
{
	static datagram dg;
	for (int family = 4; family <= 6; family += 2) {
		for (int tcp = 0; tcp <= 1; tcp++) {
			if (tcp)
				make_tcp(&dg, family, 300);
			else
				make_udp(&dg, family, 300);
			GArray *frags = split(&dg, 8, 120);
			size_t hdr = family == 4 ? 20 : 48;
			for (guint i = 0; i < frags->len; i++) {
				const record *ri = &g_array_index(frags, record, i);
				for (size_t cut = 0; cut <= ri->len; cut++) {
					dm_reasm *ra = dm_reasm_new(NULL);
					dm_packet pkt;
					dm_frame_status st = DM_FRAME_FRAGMENT;
					for (guint j = 0; j < frags->len; j++) {
						const record *rj = &g_array_index(frags, record, j);
						st = feed_cut(ra, j + 1, 0, rj, j == i ? cut : rj->len, &pkt);
					}
					if (cut < hdr) {
						/* No fragment header: never taken. */
						g_assert_cmpint(st, ==, i + 1 == frags->len
						                ? DM_FRAME_TRUNC_IP : DM_FRAME_FRAGMENT);
					} else if (cut == ri->len) {
						g_assert_cmpint(st, ==, DM_FRAME_SEGMENT);
						g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_GOOD);
					} else if (i == 0 && cut < hdr + 4) {
						g_assert_cmpint(st, ==, DM_FRAME_TRUNC_L4);
					} else {
						g_assert_cmpint(st, ==, DM_FRAME_SEGMENT);
						g_assert_cmpint(pkt.csum.status, ==, DM_CSUM_UNVERIFIED);
						g_assert_cmpint(pkt.csum.reason, ==, DM_CSUM_REASON_TRUNCATED);
						g_assert_cmpuint(pkt.n_reasm_frames, ==, frags->len);
					}
					dm_reasm_free(ra);
				}
			}
			records_free(frags);
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/reasm/in-order", test_in_order);
	g_test_add_func("/reasm/out-of-order", test_out_of_order);
	g_test_add_func("/reasm/duplicate", test_duplicate);
	g_test_add_func("/reasm/overlap-ipv4-first-wins", test_overlap_v4_first_wins);
	g_test_add_func("/reasm/overlap-ipv6-dropped", test_overlap_v6_dropped);
	g_test_add_func("/reasm/timeout", test_timeout);
	g_test_add_func("/reasm/time-extremes", test_time_extremes);
	g_test_add_func("/reasm/size-limit", test_size_limit);
	g_test_add_func("/reasm/memory-limit", test_memory_limit);
	g_test_add_data_func("/reasm/evict/one-family-empty-v4", GINT_TO_POINTER(4),
	                     test_evict_one_family_empty);
	g_test_add_data_func("/reasm/evict/one-family-empty-v6", GINT_TO_POINTER(6),
	                     test_evict_one_family_empty);
	g_test_add_func("/reasm/evict/limit-never-passed", test_evict_limit_never_passed);
	g_test_add_func("/reasm/first-fragment-missing", test_first_missing);
	g_test_add_func("/reasm/truncated-fragment", test_truncated_fragment);
	g_test_add_func("/reasm/atomic-fragment", test_atomic_fragment);
	g_test_add_func("/reasm/invalid-length", test_invalid_length);
	g_test_add_func("/reasm/ipv6-options-after-fragment", test_v6_options_after_fragment);
	g_test_add_func("/reasm/every-cut", test_every_cut);
	return g_test_run();
}
