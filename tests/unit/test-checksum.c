/* test-checksum.c - the Internet checksum arithmetic (RFC 1071, RFC 1624)
 * and transport checksum verification (RFC 768, RFC 9293, RFC 8200 8.1),
 * cross-checked against the naive reference in testutil.h.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "demuxsim/checksum.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------- */

static uint16_t
lib_sum(const uint8_t *b, size_t n)
{
	return dm_csum_fold(dm_csum_add(0, b, n));
}

/* A UDP or TCP segment over the test addresses with a correct checksum
 * (by the reference code); returns its length. */
static size_t
make_segment(uint8_t *seg, int family, uint8_t proto, const uint8_t *data,
             size_t n)
{
	size_t hlen = proto == TU_P_UDP ? 8 : 20;
	size_t csum_off = proto == TU_P_UDP ? 6 : 16;
	const uint8_t *src = family == 6 ? tu_v6_src : tu_v4_src;
	const uint8_t *dst = family == 6 ? tu_v6_dst : tu_v4_dst;

	memset(seg, 0, hlen);
	seg[0] = 0x30, seg[1] = 0x39;  /* port 12345 */
	seg[2] = 0x00, seg[3] = 0x35;  /* port 53 */
	if (proto == TU_P_UDP) {
		seg[4] = (uint8_t)((hlen + n) >> 8);
		seg[5] = (uint8_t)(hlen + n);
	} else {
		seg[12] = 5 << 4;
		seg[13] = 0x18;  /* PSH ACK */
		seg[14] = 0xff;
	}
	memcpy(seg + hlen, data, n);
	uint16_t c = tu_ref_l4_csum(family, src, dst, proto, seg, hlen + n, csum_off);
	seg[csum_off] = (uint8_t)(c >> 8);
	seg[csum_off + 1] = (uint8_t)c;
	return hlen + n;
}

static dm_pseudo
pseudo_for(int family, uint8_t proto, size_t len)
{
	dm_pseudo ph = {
		.family = family,
		.src = family == 6 ? tu_v6_src : tu_v4_src,
		.dst = family == 6 ? tu_v6_dst : tu_v4_dst,
		.proto = proto,
		.length = (uint32_t)len,
	};
	return ph;
}

static void
set_field(uint8_t *seg, size_t off, uint16_t v)
{
	seg[off] = (uint8_t)(v >> 8);
	seg[off + 1] = (uint8_t)v;
}

/* A xorshift32 generator with a fixed seed, so runs are repeatable. */
static uint32_t rng_state = 0x2545f491u;

static uint32_t
rng(void)
{
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

/* ---- RFC 1071 arithmetic ------------------------------------------- */

/* RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 as words
 * 0001 + f203 + f4f5 + f6f7 = 0x2ddf0, folded 0xddf0 + 0x2 = 0xddf2,
 * so the checksum is ~0xddf2 = 0x220d. */
static void
test_rfc1071_example(void)
{
	static const uint8_t b[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	g_assert_cmphex(lib_sum(b, 8), ==, 0xddf2);
	g_assert_cmphex((uint16_t)~lib_sum(b, 8), ==, 0x220d);
	g_assert_cmphex(tu_ref_sum(b, 8), ==, 0xddf2);
}

/* RFC 1071 section 2(B): summing byte-swapped words gives the byte-swapped
 * sum: 0100 + 03f2 + f5f4 + f7f6 = 0x1f2dc -> 0xf2dd. */
static void
test_rfc1071_swapped(void)
{
	static const uint8_t b[8] = { 0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6 };
	g_assert_cmphex(lib_sum(b, 8), ==, 0xf2dd);
}

/* A trailing odd byte is the high byte of a word padded with zero:
 * 00 01 f2 -> 0x0001 + 0xf200 = 0xf201; ab -> 0xab00. */
static void
test_rfc1071_odd_length(void)
{
	static const uint8_t b[3] = { 0x00, 0x01, 0xf2 };
	static const uint8_t one[1] = { 0xab };
	g_assert_cmphex(lib_sum(b, 3), ==, 0xf201);
	g_assert_cmphex(lib_sum(one, 1), ==, 0xab00);
	g_assert_cmphex(lib_sum(b, 0), ==, 0);

	/* Odd lengths past the word loops: 17, 19, 33 bytes. */
	uint8_t big[33];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(0x11 * i + 0x80);
	for (size_t n = 1; n <= sizeof big; n += 2)
		g_assert_cmphex(lib_sum(big, n), ==, tu_ref_sum(big, n));
}

/* dm_csum_add over [0, k) then [k, n) equals one call over [0, n) for
 * every even k, and a starting sum is carried. */
static void
test_add_split(void)
{
	uint8_t b[64];
	for (size_t i = 0; i < sizeof b; i++)
		b[i] = (uint8_t)(0xe7 * i + 0x35);
	for (size_t n = 0; n <= sizeof b; n++) {
		uint16_t whole = dm_csum_fold(dm_csum_add(0, b, n));
		for (size_t k = 0; k <= n; k += 2) {
			dm_wsum s = dm_csum_add(0, b, k);
			s = dm_csum_add(s, b + k, n - k);
			g_assert_cmphex(dm_csum_fold(s), ==, whole);
		}
	}
	/* A sum of 0x1234 carried in: 0x1234 + 0x0001 = 0x1235. */
	static const uint8_t w[2] = { 0x00, 0x01 };
	g_assert_cmphex(dm_csum_fold(dm_csum_add(0x1234, w, 2)), ==, 0x1235);
	/* An unfolded starting sum near the top: 0xffffffff is
	 * 0xffff + 0xffff = 0x1fffe -> 0xffff (negative zero); + 1 -> 1. */
	g_assert_cmphex(dm_csum_fold(dm_csum_add(0xffffffffu, w, 2)), ==, 0x0001);
}

/* End-around carry: carries out of bit 15 come back in at bit 0. */
static void
test_fold_carries(void)
{
	g_assert_cmphex(dm_csum_fold(0), ==, 0);
	g_assert_cmphex(dm_csum_fold(0xffff), ==, 0xffff);
	/* 0x1ffff: 0xffff + 0x1 = 0x10000 -> 0x0000 + 0x1 = 0x0001 */
	g_assert_cmphex(dm_csum_fold(0x1ffff), ==, 0x0001);
	/* 0x1fffe: 0xfffe + 0x1 = 0xffff */
	g_assert_cmphex(dm_csum_fold(0x1fffe), ==, 0xffff);
	/* 0x12345678: 0x5678 + 0x1234 = 0x68ac */
	g_assert_cmphex(dm_csum_fold(0x12345678u), ==, 0x68ac);
	/* 0xffffffff: 0xffff + 0xffff = 0x1fffe -> 0xfffe + 1 = 0xffff */
	g_assert_cmphex(dm_csum_fold(0xffffffffu), ==, 0xffff);
	/* 0xffff0000: 0x0000 + 0xffff = 0xffff */
	g_assert_cmphex(dm_csum_fold(0xffff0000u), ==, 0xffff);

	/* dm_csum_add16 keeps the carry out of 32 bits. */
	g_assert_cmphex(dm_csum_fold(dm_csum_add16(0xffffffffu, 1)), ==, 0x0001);
	g_assert_cmphex(dm_csum_fold(dm_csum_add16(0xffff, 0xffff)), ==, 0xffff);
	g_assert_cmphex(dm_csum_fold(dm_csum_add16(0x8000, 0x8000)), ==, 0x0001);

	/* Many words with carries: 0xffff * 4 + 0x0004 = 0x40000 ->
	 * 0x0000 + 0x4 = 0x0004 (i.e. -0 four times plus four). */
	static const uint8_t b[10] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	                               0xff, 0xff, 0x00, 0x04 };
	g_assert_cmphex(lib_sum(b, sizeof b), ==, 0x0004);
}

/* All ones sum to 0xffff (checksum 0), all zeros to 0 (checksum 0xffff). */
static void
test_fold_ones_zeros(void)
{
	uint8_t ones[301], zeros[301];
	memset(ones, 0xff, sizeof ones);
	memset(zeros, 0, sizeof zeros);
	for (size_t n = 2; n <= 300; n += 2) {
		g_assert_cmphex(lib_sum(ones, n), ==, 0xffff);
		g_assert_cmphex(lib_sum(zeros, n), ==, 0);
	}
	/* An odd count of 0xff bytes ends with 0xff00. */
	g_assert_cmphex(lib_sum(ones, 1), ==, 0xff00);
	/* 0xffff + 0xff00 = 0x1feff -> 0xfeff + 1 = 0xff00 */
	g_assert_cmphex(lib_sum(ones, 3), ==, 0xff00);
	g_assert_cmphex(lib_sum(zeros, 301), ==, 0);
}

/* Random buffers of every length 0..300, at random alignments, split at
 * random even points, against the naive word-by-word reference. */
static void
test_random_vs_reference(void)
{
	uint8_t storage[300 + 8];

	for (size_t n = 0; n <= 300; n++) {
		for (int rep = 0; rep < 8; rep++) {
			uint8_t *b = storage + (rng() & 7);
			for (size_t i = 0; i < n; i++)
				b[i] = (uint8_t)rng();
			uint16_t ref = tu_ref_sum(b, n);

			g_assert_cmphex(lib_sum(b, n), ==, ref);

			/* Two random even split points. */
			size_t k1 = n ? (rng() % (n + 1)) & ~(size_t)1 : 0;
			size_t k2 = k1 + (n > k1 ? (rng() % (n - k1 + 1)) & ~(size_t)1 : 0);
			dm_wsum s = dm_csum_add(0, b, k1);
			s = dm_csum_add(s, b + k1, k2 - k1);
			s = dm_csum_add(s, b + k2, n - k2);
			g_assert_cmphex(dm_csum_fold(s), ==, ref);

			/* A random starting sum is added in. */
			uint32_t start = rng();
			uint8_t sw[4] = { (uint8_t)(start >> 24), (uint8_t)(start >> 16),
			                  (uint8_t)(start >> 8), (uint8_t)start };
			uint8_t cat[304];
			memcpy(cat, sw, 4);
			memcpy(cat + 4, b, n);
			g_assert_cmphex(dm_csum_fold(dm_csum_add(start, b, n)), ==,
			                tu_ref_sum(cat, n + 4));
		}
	}
}

/* ---- pseudo-headers ------------------------------------------------ */

/* IPv4 pseudo-header of UDP (17) from 192.0.2.1 to 198.51.100.2, 12 bytes:
 *   c000 + 0201            source         = 0xc201
 *   + c633 + 6402          destination    = 0x1ec36
 *   + 0011                 zero, protocol = 0x1ec47
 *   + 000c                 UDP length     = 0x1ec53
 *   fold: 0xec53 + 0x1 = 0xec54 */
static void
test_pseudo_ipv4(void)
{
	dm_pseudo ph = pseudo_for(4, 17, 12);
	g_assert_cmphex(dm_csum_fold(dm_csum_pseudo(&ph)), ==, 0xec54);
}

/* IPv6 pseudo-header of TCP (6) from 2001:db8::1 to 2001:db8::2 with an
 * upper-layer length of 70000 = 0x00011170 (needs the 32-bit field):
 *   2001 + 0db8 + 0001        source       = 0x2dba
 *   + 2001 + 0db8 + 0002      destination  = 0x5b75
 *   + 0001 + 1170             length       = 0x6ce6
 *   + 0000 + 0006             zeros, next  = 0x6cec */
static void
test_pseudo_ipv6(void)
{
	dm_pseudo ph = pseudo_for(6, 6, 70000);
	g_assert_cmphex(dm_csum_fold(dm_csum_pseudo(&ph)), ==, 0x6cec);
}

/* ---- verification -------------------------------------------------- */

static void
test_udp_good(void)
{
	uint8_t seg[64];
	for (int family = 4; family <= 6; family += 2) {
		/* Even and odd payload lengths. */
		for (size_t n = 0; n < 8; n++) {
			size_t len = make_segment(seg, family, TU_P_UDP,
			                          (const uint8_t *)"abcdefgh", n);
			dm_pseudo ph = pseudo_for(family, TU_P_UDP, len);
			dm_csum_verdict v = dm_csum_verify(&ph, seg, len, 6);
			g_assert_cmpint(v.status, ==, DM_CSUM_GOOD);
			g_assert_cmpint(v.reason, ==, DM_CSUM_REASON_NONE);
			g_assert_true(v.have_expected);
			g_assert_cmphex(v.expected, ==, v.stored);
		}
	}
}

static void
test_tcp_good(void)
{
	uint8_t seg[64];
	for (int family = 4; family <= 6; family += 2) {
		size_t len = make_segment(seg, family, TU_P_TCP,
		                          (const uint8_t *)"hello", 5);
		dm_pseudo ph = pseudo_for(family, TU_P_TCP, len);
		dm_csum_verdict v = dm_csum_verify(&ph, seg, len, 16);
		g_assert_cmpint(v.status, ==, DM_CSUM_GOOD);
		g_assert_cmphex(v.expected, ==, v.stored);
	}
}

/* A wrong field is bad/mismatch, and the verdict says what it should be. */
static void
test_bad_mismatch(void)
{
	uint8_t seg[64];
	size_t len = make_segment(seg, 4, TU_P_UDP, (const uint8_t *)"xyz", 3);
	uint16_t right = (uint16_t)(seg[6] << 8 | seg[7]);
	set_field(seg, 6, (uint16_t)(right ^ 0x0101));
	dm_pseudo ph = pseudo_for(4, TU_P_UDP, len);
	dm_csum_verdict v = dm_csum_verify(&ph, seg, len, 6);
	g_assert_cmpint(v.status, ==, DM_CSUM_BAD);
	g_assert_cmpint(v.reason, ==, DM_CSUM_REASON_MISMATCH);
	g_assert_cmphex(v.stored, ==, right ^ 0x0101);
	g_assert_true(v.have_expected);
	g_assert_cmphex(v.expected, ==, right);

	/* A flipped payload bit with the field unchanged. */
	len = make_segment(seg, 6, TU_P_TCP, (const uint8_t *)"xyz", 3);
	seg[21] ^= 0x40;
	ph = pseudo_for(6, TU_P_TCP, len);
	v = dm_csum_verify(&ph, seg, len, 16);
	g_assert_cmpint(v.status, ==, DM_CSUM_BAD);
	g_assert_cmpint(v.reason, ==, DM_CSUM_REASON_MISMATCH);
	g_assert_cmphex(v.expected, !=, v.stored);
}

/* RFC 768: UDP over IPv4 with a zero field carries no checksum. */
static void
test_udp_ipv4_zero(void)
{
	uint8_t seg[64];
	size_t len = make_segment(seg, 4, TU_P_UDP, (const uint8_t *)"abc", 3);
	set_field(seg, 6, 0);
	dm_pseudo ph = pseudo_for(4, TU_P_UDP, len);
	dm_csum_verdict v = dm_csum_verify(&ph, seg, len, 6);
	g_assert_cmpint(v.status, ==, DM_CSUM_ABSENT);
	g_assert_cmpint(v.reason, ==, DM_CSUM_REASON_NONE);
	g_assert_cmphex(v.stored, ==, 0);
}

/* RFC 8200 section 8.1: over IPv6 a zero UDP field is wrong. */
static void
test_udp_ipv6_zero(void)
{
	uint8_t seg[64];
	size_t len = make_segment(seg, 6, TU_P_UDP, (const uint8_t *)"abc", 3);
	uint16_t right = (uint16_t)(seg[6] << 8 | seg[7]);
	set_field(seg, 6, 0);
	dm_pseudo ph = pseudo_for(6, TU_P_UDP, len);
	dm_csum_verdict v = dm_csum_verify(&ph, seg, len, 6);
	g_assert_cmpint(v.status, ==, DM_CSUM_BAD);
	g_assert_cmpint(v.reason, ==, DM_CSUM_REASON_ZERO_IPV6);
	g_assert_true(v.have_expected);
	g_assert_cmphex(v.expected, ==, right);
}

/* Choose the last payload word so the whole sum (pseudo-header and
 * segment, field zero) folds to 0xffff: the computed checksum is then 0.
 * With that word and the field zero the reference checksum is c = ~S;
 * putting c in the word makes the sum S + ~S = 0xffff (if c was 0xffff
 * because S was already 0xffff, adding 0xffff is adding -0).
 * Returns the segment length. */
static size_t
make_zero_sum_segment(uint8_t *seg, int family, uint8_t proto)
{
	static const uint8_t data[6] = { 1, 2, 3, 4, 0, 0 };
	size_t len = make_segment(seg, family, proto, data, sizeof data);
	size_t csum_off = proto == TU_P_UDP ? 6 : 16;
	dm_pseudo ph = pseudo_for(family, proto, len);

	set_field(seg, csum_off, 0);
	set_field(seg, len - 2, 0);
	set_field(seg, len - 2, tu_ref_l4_csum(family, ph.src, ph.dst, proto,
	                                       seg, len, csum_off));
	g_assert_cmphex(tu_ref_l4_csum(family, ph.src, ph.dst, proto, seg, len,
	                               csum_off), ==, proto == TU_P_UDP ? 0xffff : 0);
	return len;
}

/* RFC 768: a computed 0 is sent as 0xffff; 0xffff then verifies good. */
static void
test_udp_zero_sent_as_ffff(void)
{
	uint8_t seg[64];
	for (int family = 4; family <= 6; family += 2) {
		size_t len = make_zero_sum_segment(seg, family, TU_P_UDP);
		dm_pseudo ph = pseudo_for(family, TU_P_UDP, len);
		set_field(seg, 6, 0xffff);
		dm_csum_verdict v = dm_csum_verify(&ph, seg, len, 6);
		g_assert_cmpint(v.status, ==, DM_CSUM_GOOD);
		g_assert_true(v.have_expected);
		g_assert_cmphex(v.expected, ==, 0xffff);
		g_assert_cmphex(v.stored, ==, 0xffff);

		/* The same segment with 0: absent over IPv4, bad over IPv6. */
		set_field(seg, 6, 0);
		v = dm_csum_verify(&ph, seg, len, 6);
		g_assert_cmpint(v.status, ==, family == 4 ? DM_CSUM_ABSENT : DM_CSUM_BAD);
		g_assert_cmphex(v.expected, ==, 0xffff);
	}
}

/* TCP has no "no checksum" value: when the computed value is zero both
 * representations of zero are accepted. */
static void
test_tcp_zero_both_forms(void)
{
	uint8_t seg[64];
	for (int family = 4; family <= 6; family += 2) {
		size_t len = make_zero_sum_segment(seg, family, TU_P_TCP);
		dm_pseudo ph = pseudo_for(family, TU_P_TCP, len);

		set_field(seg, 16, 0x0000);
		dm_csum_verdict v = dm_csum_verify(&ph, seg, len, 16);
		g_assert_cmpint(v.status, ==, DM_CSUM_GOOD);
		g_assert_cmphex(v.expected, ==, 0x0000);

		set_field(seg, 16, 0xffff);
		v = dm_csum_verify(&ph, seg, len, 16);
		g_assert_cmpint(v.status, ==, DM_CSUM_GOOD);
	}
}

/* Transmit offload leaves the folded pseudo-header sum in the field. */
static void
test_partial_with_length(void)
{
	uint8_t seg[64];
	for (int family = 4; family <= 6; family += 2) {
		for (int udp = 0; udp <= 1; udp++) {
			uint8_t proto = udp ? TU_P_UDP : TU_P_TCP;
			size_t off = udp ? 6 : 16;
			size_t len = make_segment(seg, family, proto,
			                          (const uint8_t *)"payload", 7);
			dm_pseudo ph = pseudo_for(family, proto, len);
			/* Reference: the checksum of an all-zero segment of
			 * this length is ~(folded pseudo-header sum). */
			uint8_t zeros[64] = { 0 };
			uint16_t fold = (uint16_t)~tu_ref_l4_csum(family, ph.src, ph.dst,
			                                          proto, zeros, len, off);
			g_assert_cmphex(fold, ==, dm_csum_fold(dm_csum_pseudo(&ph)));
			set_field(seg, off, fold);
			dm_csum_verdict v = dm_csum_verify(&ph, seg, len, off);
			g_assert_cmpint(v.status, ==, DM_CSUM_PARTIAL);
			g_assert_cmpint(v.reason, ==, DM_CSUM_REASON_NONE);
			g_assert_cmphex(v.stored, ==, fold);
		}
	}
}

/* TSO leaves the pseudo-header sum computed with length 0. */
static void
test_partial_tso(void)
{
	uint8_t seg[64];
	for (int family = 4; family <= 6; family += 2) {
		size_t len = make_segment(seg, family, TU_P_TCP,
		                          (const uint8_t *)"segment data", 12);
		dm_pseudo ph = pseudo_for(family, TU_P_TCP, len);
		dm_pseudo nolen = pseudo_for(family, TU_P_TCP, 0);
		uint16_t fold = dm_csum_fold(dm_csum_pseudo(&nolen));
		/* Worked for IPv4: c000+0201+c633+6402 = 0x1ec36,
		 * + 0006 (protocol) + 0000 (length) = 0x1ec3c -> 0xec3d. */
		if (family == 4)
			g_assert_cmphex(fold, ==, 0xec3d);
		set_field(seg, 16, fold);
		dm_csum_verdict v = dm_csum_verify(&ph, seg, len, 16);
		g_assert_cmpint(v.status, ==, DM_CSUM_PARTIAL);
	}
}

/* A segment too short to hold the field cannot be verified. */
static void
test_verify_short(void)
{
	uint8_t seg[8] = { 0 };
	dm_pseudo ph = pseudo_for(4, TU_P_UDP, 7);
	dm_csum_verdict v = dm_csum_verify(&ph, seg, 7, 6);
	g_assert_cmpint(v.status, ==, DM_CSUM_UNVERIFIED);
	g_assert_cmpint(v.reason, ==, DM_CSUM_REASON_TRUNCATED);
	g_assert_false(v.have_expected);
}

/* ---- RFC 1624 incremental update ----------------------------------- */

/* RFC 1624 section 3: HC = 0xdd2f, m = 0x5555 -> m' = 0x3285.  The
 * header sums to 0xffff after the change, so recomputation gives 0x0000;
 * eqn. 3: ~(~HC + ~m + m') = ~(0x22d0 + 0xaaaa + 0x3285)
 *        = ~(0xcd7a + 0x3285) = ~0xffff = 0x0000
 * (eqn. 2, HC - ~m - m', would give 0xffff instead). */
static void
test_update_rfc1624(void)
{
	g_assert_cmphex(dm_csum_update16(0xdd2f, 0x5555, 0x3285), ==, 0x0000);

	/* The same by recomputation over words [m, x]: pick x so that
	 * ~fold(0x5555 + x) = 0xdd2f, i.e. x = 0x22d0 - 0x5555 = 0xcd7a. */
	uint8_t b[4] = { 0x55, 0x55, 0xcd, 0x7a };
	g_assert_cmphex((uint16_t)~tu_ref_sum(b, 4), ==, 0xdd2f);
	b[0] = 0x32, b[1] = 0x85;
	g_assert_cmphex((uint16_t)~tu_ref_sum(b, 4), ==, 0x0000);
	g_assert_cmphex((uint16_t)~lib_sum(b, 4), ==, 0x0000);
}

/* Random updates of an IPv4 header equal a recomputation. */
static void
test_update_random(void)
{
	for (int rep = 0; rep < 20000; rep++) {
		uint8_t h[20];
		for (size_t i = 0; i < 20; i++)
			h[i] = (uint8_t)rng();
		h[10] = h[11] = 0;
		uint16_t hc = (uint16_t)~tu_ref_sum(h, 20);
		size_t w = 2 * (rng() % 10);
		if (w == 10)
			continue;  /* the checksum field itself */
		uint16_t m = (uint16_t)(h[w] << 8 | h[w + 1]);
		uint16_t m2 = (uint16_t)rng();
		if (rep % 5 == 0)
			m2 = (uint16_t)~m;  /* exercise the ffff/0000 edges */
		h[w] = (uint8_t)(m2 >> 8), h[w + 1] = (uint8_t)m2;
		uint16_t recomputed = (uint16_t)~tu_ref_sum(h, 20);
		g_assert_cmphex(dm_csum_update16(hc, m, m2), ==, recomputed);
	}
}

/* ---- IPv4 header checksum ------------------------------------------ */

/* 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7 */
static void
test_ipv4_header(void)
{
	uint8_t h[24] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
	                  0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
	                  0xc0, 0xa8, 0x00, 0xc7 };
	uint16_t exp = 0;
	g_assert_true(dm_csum_ipv4_header(h, 20, &exp));
	g_assert_cmphex(exp, ==, 0xb861);
	g_assert_true(dm_csum_ipv4_header(h, 20, NULL));

	h[11] = 0x62;
	exp = 0;
	g_assert_false(dm_csum_ipv4_header(h, 20, &exp));
	g_assert_cmphex(exp, ==, 0xb861);

	/* IHL 6 with a 4-byte option (NOP NOP NOP EOL): recomputed by the
	 * reference code. */
	h[0] = 0x46;
	h[20] = 1, h[21] = 1, h[22] = 1, h[23] = 0;
	h[10] = h[11] = 0;
	uint16_t c = (uint16_t)~tu_ref_sum(h, 24);
	h[10] = (uint8_t)(c >> 8), h[11] = (uint8_t)c;
	g_assert_true(dm_csum_ipv4_header(h, 24, &exp));
	g_assert_cmphex(exp, ==, c);
	h[22] = 0x44;  /* options are covered */
	g_assert_false(dm_csum_ipv4_header(h, 24, NULL));
}

/* ---- names --------------------------------------------------------- */

static void
test_names(void)
{
	g_assert_cmpstr(dm_csum_status_name(DM_CSUM_GOOD), ==, "good");
	g_assert_cmpstr(dm_csum_status_name(DM_CSUM_BAD), ==, "bad");
	g_assert_cmpstr(dm_csum_status_name(DM_CSUM_ABSENT), ==, "absent");
	g_assert_cmpstr(dm_csum_status_name(DM_CSUM_PARTIAL), ==, "partial");
	g_assert_cmpstr(dm_csum_status_name(DM_CSUM_UNVERIFIED), ==, "unverified");
	g_assert_cmpstr(dm_csum_status_name(DM_CSUM_N_STATUS), ==, "?");
	g_assert_null(dm_csum_reason_name(DM_CSUM_REASON_NONE));
	g_assert_cmpstr(dm_csum_reason_name(DM_CSUM_REASON_MISMATCH), ==, "mismatch");
	g_assert_cmpstr(dm_csum_reason_name(DM_CSUM_REASON_ZERO_IPV6), ==, "zero-ipv6");
	g_assert_cmpstr(dm_csum_reason_name(DM_CSUM_REASON_TRUNCATED), ==, "truncated");
	g_assert_cmpstr(dm_csum_reason_name(DM_CSUM_REASON_FRAGMENT), ==, "fragment");
	g_assert_cmpstr(dm_csum_reason_name(DM_CSUM_REASON_MALFORMED), ==, "malformed");
	g_assert_null(dm_csum_reason_name(DM_CSUM_N_REASON));
}

/* dm_csum_verify() against the byte-by-byte reference: every segment
 * length 8..300 (each remainder of 4), both families, TCP and UDP; the
 * right checksum is good, a wrong one bad with the reference's
 * expected value, and the pseudo-header's own sum partial. */
static void
test_verify_random_vs_reference(void)
{
	uint8_t seg[300], src[16], dst[16];
	for (size_t n = 8; n <= 300; n++) {
		for (int fam = 4; fam <= 6; fam += 2) {
			uint8_t proto = n & 1 ? TU_P_UDP : TU_P_TCP;
			size_t off = proto == TU_P_UDP ? 6 : 16;
			if (off + 2 > n)
				continue;
			for (size_t i = 0; i < n; i++)
				seg[i] = (uint8_t)rng();
			for (size_t i = 0; i < 16; i++)
				src[i] = (uint8_t)rng(), dst[i] = (uint8_t)rng();
			dm_pseudo ph = { fam, src, dst, proto, (uint32_t)n };
			uint16_t want = tu_ref_l4_csum(fam, src, dst, proto, seg, n, off);

			seg[off] = (uint8_t)(want >> 8), seg[off + 1] = (uint8_t)want;
			dm_csum_verdict v = dm_csum_verify(&ph, seg, n, off);
			g_assert_cmpint(v.status, ==, DM_CSUM_GOOD);
			g_assert_cmphex(v.expected, ==, want);

			/* One bit flipped: never the other form of zero. */
			uint16_t wrong = (uint16_t)(want ^ (1u << (rng() % 16)));
			seg[off] = (uint8_t)(wrong >> 8), seg[off + 1] = (uint8_t)wrong;
			v = dm_csum_verify(&ph, seg, n, off);
			g_assert_cmphex(v.expected, ==, want);
			if (v.status != DM_CSUM_PARTIAL)
				g_assert_cmpint(v.status, ==, DM_CSUM_BAD);

			uint16_t partial = dm_csum_fold(dm_csum_pseudo(&ph));
			seg[off] = (uint8_t)(partial >> 8), seg[off + 1] = (uint8_t)partial;
			v = dm_csum_verify(&ph, seg, n, off);
			if (partial != want)
				g_assert_cmpint(v.status, ==, DM_CSUM_PARTIAL);
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/checksum/rfc1071/example", test_rfc1071_example);
	g_test_add_func("/checksum/rfc1071/swapped", test_rfc1071_swapped);
	g_test_add_func("/checksum/rfc1071/odd-length", test_rfc1071_odd_length);
	g_test_add_func("/checksum/add/split-even", test_add_split);
	g_test_add_func("/checksum/add/random-vs-reference", test_random_vs_reference);
	g_test_add_func("/checksum/fold/carries", test_fold_carries);
	g_test_add_func("/checksum/fold/ones-and-zeros", test_fold_ones_zeros);
	g_test_add_func("/checksum/pseudo/ipv4", test_pseudo_ipv4);
	g_test_add_func("/checksum/pseudo/ipv6", test_pseudo_ipv6);
	g_test_add_func("/checksum/udp/good", test_udp_good);
	g_test_add_func("/checksum/tcp/good", test_tcp_good);
	g_test_add_func("/checksum/verify/bad-mismatch", test_bad_mismatch);
	g_test_add_func("/checksum/udp/ipv4-zero", test_udp_ipv4_zero);
	g_test_add_func("/checksum/udp/ipv6-zero", test_udp_ipv6_zero);
	g_test_add_func("/checksum/udp/zero-sent-as-ffff", test_udp_zero_sent_as_ffff);
	g_test_add_func("/checksum/tcp/zero-both-forms", test_tcp_zero_both_forms);
	g_test_add_func("/checksum/partial/with-length", test_partial_with_length);
	g_test_add_func("/checksum/partial/tso-length-zero", test_partial_tso);
	g_test_add_func("/checksum/verify/short", test_verify_short);
	g_test_add_func("/checksum/verify/random-vs-reference", test_verify_random_vs_reference);
	g_test_add_func("/checksum/update/rfc1624", test_update_rfc1624);
	g_test_add_func("/checksum/update/random", test_update_random);
	g_test_add_func("/checksum/ipv4-header", test_ipv4_header);
	g_test_add_func("/checksum/names", test_names);

	return g_test_run();
}
