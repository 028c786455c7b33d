/* checksum.c - Internet checksum arithmetic and transport verification.
 * RFC 1071 (computation), RFC 1624 (incremental update), RFC 768 (UDP),
 * RFC 9293 section 3.1 (TCP), RFC 8200 section 8.1 (IPv6 pseudo-header).
 *
 * The checksum stage owns the arithmetic only: sums over bytes and
 * pseudo-headers, and the verdict on a segment's checksum field.  It is
 * the bottom of the pipeline: it calls nothing of demuxsim's, and decode,
 * explain and the benchmark call it.
 */
#include "config.h"

#include <string.h>

#include "demuxsim/checksum.h"

static inline dm_wsum
wsum_fold32(uint64_t acc)
{
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (dm_wsum)acc;
}

static inline uint64_t
load32_native(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* @acc plus the whole 32-bit words of the @len bytes at @data, in native
 * order, not folded (a last 1 to 3 bytes left out). */
static inline uint64_t
sum_words(uint64_t acc, const uint8_t *data, size_t len)
{
	size_t i = 0;
	for (; i + 16 <= len; i += 16)
		acc += load32_native(data + i) + load32_native(data + i + 4) +
		       load32_native(data + i + 8) + load32_native(data + i + 12);
	for (; i + 4 <= len; i += 4)
		acc += load32_native(data + i);
	return acc;
}

/* @acc plus the bytes of @data as native 32-bit words, a last partial
 * word zero-padded in place (RFC 1071's odd byte, padded), not folded. */
static inline uint64_t
sum_native(uint64_t acc, const uint8_t *data, size_t len)
{
	acc = sum_words(acc, data, len);
	size_t whole = len & ~(size_t)3;
	if (whole < len) {
		uint32_t t = 0;
		memcpy(&t, data + whole, len - whole);
		acc += t;
	}
	return acc;
}

/* A native-order sum as a big-endian 16-bit word sum (folded). */
static inline dm_wsum
native_fold(uint64_t acc)
{
	dm_wsum s32 = wsum_fold32(acc);
	uint32_t s16 = (s32 & 0xffff) + (s32 >> 16);
	s16 = (s16 & 0xffff) + (s16 >> 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s16 = ((s16 & 0xff) << 8) | (s16 >> 8);
#endif
	return s16;
}

/* The one's-complement sum is byte-order independent (RFC 1071 section
 * 2(B)): the whole 32-bit words are summed natively, folded and swapped
 * once, then the last odd bytes added as big-endian words. */
dm_wsum
dm_csum_add(dm_wsum sum, const uint8_t *data, size_t len)
{
	uint64_t total = (uint64_t)sum + native_fold(sum_words(0, data, len));
	size_t i = len & ~(size_t)3;
	for (; i + 2 <= len; i += 2)
		total += (uint32_t)data[i] << 8 | data[i + 1];
	if (i < len)
		total += (uint32_t)data[i] << 8;
	return wsum_fold32(total);
}

dm_wsum
dm_csum_add16(dm_wsum sum, uint16_t word)
{
	return wsum_fold32((uint64_t)sum + word);
}

uint16_t
dm_csum_fold(dm_wsum sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

dm_wsum
dm_csum_pseudo(const dm_pseudo *ph)
{
	size_t alen = ph->family == 6 ? 16 : 4;
	dm_wsum s = dm_csum_add(0, ph->src, alen);
	s = dm_csum_add(s, ph->dst, alen);
	/* IPv6 has a 32-bit length; IPv4's is 16 bits, but a TSO / BIG TCP
	 * segment can be longer, and stacks (Linux csum_tcpudp_magic) and
	 * Wireshark add the full length, so the upper word is added too. */
	s = dm_csum_add16(s, (uint16_t)(ph->length >> 16));
	s = dm_csum_add16(s, (uint16_t)ph->length);
	return dm_csum_add16(s, ph->proto);
}

uint16_t
dm_csum_update16(uint16_t field, uint16_t old_word, uint16_t new_word)
{
	dm_wsum s = (uint16_t)~field;
	s = dm_csum_add16(s, (uint16_t)~old_word);
	s = dm_csum_add16(s, new_word);
	return (uint16_t)~dm_csum_fold(s);
}

/* The pseudo-header of @ph as a native-order sum: the addresses, the
 * 32-bit length (see dm_csum_pseudo) and the protocol, as their
 * big-endian bytes in place. */
static inline uint64_t
pseudo_native(const dm_pseudo *ph, uint32_t length)
{
	size_t alen = ph->family == 6 ? 16 : 4;
	const uint8_t rest[8] = { (uint8_t)(length >> 24), (uint8_t)(length >> 16),
	                          (uint8_t)(length >> 8), (uint8_t)length, 0, ph->proto, 0, 0 };
	return sum_native(sum_native(sum_native(0, ph->src, alen), ph->dst, alen), rest, 8);
}

/* Each sum below is folded from one native-order total instead of
 * through dm_csum_add() piece by piece (the pseudo-header's five pieces
 * each folded and swapped were a third of the verification): the same
 * 16-bit results, as one's-complement sums of the same words. */
dm_csum_verdict
dm_csum_verify(const dm_pseudo *ph, const uint8_t *seg, size_t seglen,
               size_t csum_off)
{
	dm_csum_verdict v = { DM_CSUM_UNVERIFIED, DM_CSUM_REASON_TRUNCATED, 0, 0, false };
	bool udp = ph->proto == 17;

	if (csum_off + 2 > seglen)
		return v;
	v.stored = (uint16_t)(seg[csum_off] << 8 | seg[csum_off + 1]);

	/* Sum everything, then take the stored field back out (adding its
	 * complement subtracts it in one's-complement arithmetic). */
	uint64_t pseudo = pseudo_native(ph, ph->length);
	dm_wsum all = native_fold(sum_native(pseudo, seg, seglen));
	dm_wsum without = dm_csum_add16(all, (uint16_t)~v.stored);
	v.expected = (uint16_t)~dm_csum_fold(without);
	if (udp && v.expected == 0)
		v.expected = 0xffff;
	v.have_expected = true;

	if (udp && v.stored == 0) {
		if (ph->family == 6) {
			v.status = DM_CSUM_BAD;
			v.reason = DM_CSUM_REASON_ZERO_IPV6;
		} else {
			v.status = DM_CSUM_ABSENT;
			v.reason = DM_CSUM_REASON_NONE;
		}
		return v;
	}
	/* A receiver's check: the sum over everything, field included, folds
	 * to 0xffff.  This accepts both representations of zero. */
	if (dm_csum_fold(all) == 0xffff) {
		v.status = DM_CSUM_GOOD;
		v.reason = DM_CSUM_REASON_NONE;
		return v;
	}
	if (v.stored == dm_csum_fold(native_fold(pseudo)) ||
	    v.stored == dm_csum_fold(native_fold(pseudo_native(ph, 0)))) {
		v.status = DM_CSUM_PARTIAL;
		v.reason = DM_CSUM_REASON_NONE;
		return v;
	}
	v.status = DM_CSUM_BAD;
	v.reason = DM_CSUM_REASON_MISMATCH;
	return v;
}

bool
dm_csum_ipv4_header(const uint8_t *hdr, size_t hlen, uint16_t *expected)
{
	dm_wsum all = dm_csum_add(0, hdr, hlen);
	uint16_t stored = (uint16_t)(hdr[10] << 8 | hdr[11]);
	if (expected)
		*expected = (uint16_t)~dm_csum_fold(dm_csum_add16(all, (uint16_t)~stored));
	return dm_csum_fold(all) == 0xffff;
}

const char *
dm_csum_status_name(dm_csum_status s)
{
	static const char *const names[DM_CSUM_N_STATUS] = {
		"good", "bad", "absent", "partial", "unverified",
	};
	return (unsigned)s < DM_CSUM_N_STATUS ? names[s] : "?";
}

const char *
dm_csum_reason_name(dm_csum_reason r)
{
	static const char *const names[DM_CSUM_N_REASON] = {
		NULL, "mismatch", "zero-ipv6", "truncated", "fragment", "malformed",
	};
	return (unsigned)r < DM_CSUM_N_REASON ? names[r] : NULL;
}
