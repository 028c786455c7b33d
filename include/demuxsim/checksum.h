/* checksum.h - the Internet checksum (RFC 1071, RFC 1624) and transport
 * checksum verification over the IPv4 (RFC 768, RFC 9293) and IPv6
 * (RFC 8200 section 8.1) pseudo-headers.
 *
 * Value domains are kept apart by type: a dm_wsum is an unfolded 32-bit
 * one's-complement accumulator, a uint16_t returned by dm_csum_fold() is a
 * folded sum, and a checksum field value is the complement of a folded sum.
 */
#ifndef DEMUXSIM_CHECKSUM_H
#define DEMUXSIM_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t dm_wsum;

typedef enum {
	DM_CSUM_GOOD,       /* the field matches the segment */
	DM_CSUM_BAD,        /* it does not (see the reason) */
	DM_CSUM_ABSENT,     /* UDP over IPv4 with checksum 0: none was sent */
	DM_CSUM_PARTIAL,    /* only the pseudo-header sum: transmit offload */
	DM_CSUM_UNVERIFIED, /* cannot be checked (see the reason) */
	DM_CSUM_N_STATUS
} dm_csum_status;

typedef enum {
	DM_CSUM_REASON_NONE,
	DM_CSUM_REASON_MISMATCH,  /* bad: the sums differ */
	DM_CSUM_REASON_ZERO_IPV6, /* bad: UDP over IPv6 with checksum 0 */
	DM_CSUM_REASON_TRUNCATED, /* unverified: bytes not captured */
	DM_CSUM_REASON_FRAGMENT,  /* unverified: an IP fragment */
	DM_CSUM_REASON_MALFORMED, /* unverified: a length field lies */
	DM_CSUM_N_REASON
} dm_csum_reason;

/* The fields of a pseudo-header.  Addresses are in network byte order,
 * 4 bytes for family 4 and 16 bytes for family 6. */
typedef struct {
	int family;
	const uint8_t *src;
	const uint8_t *dst; /* the final destination (RFC 8200 section 8.1) */
	uint8_t proto;
	uint32_t length;    /* upper-layer length */
} dm_pseudo;

/* The outcome of a verification. */
typedef struct {
	dm_csum_status status;
	dm_csum_reason reason;
	uint16_t stored;     /* the checksum field as captured */
	uint16_t expected;   /* what the field should hold, if have_expected */
	bool have_expected;
} dm_csum_verdict;

/**
 * dm_csum_add: add @len bytes at @data to the running sum @sum as 16-bit
 * big-endian words; an odd final byte is padded with a zero byte.
 * Only the last chunk of a computation may have an odd length.
 * Returns: the new unfolded sum.
 */
dm_wsum dm_csum_add(dm_wsum sum, const uint8_t *data, size_t len);

/**
 * dm_csum_add16: add one 16-bit word to @sum.
 * Returns: the new unfolded sum.
 */
dm_wsum dm_csum_add16(dm_wsum sum, uint16_t word);

/**
 * dm_csum_fold: fold the carries of @sum back into 16 bits (end-around
 * carry), without complementing.
 * Returns: the folded sum.
 */
uint16_t dm_csum_fold(dm_wsum sum);

/**
 * dm_csum_pseudo: the sum of the pseudo-header fields of @ph (IPv4:
 * source, destination, zero, protocol, 16-bit length; IPv6: source,
 * destination, 32-bit length, zeros, next header).
 * Returns: the unfolded sum.
 */
dm_wsum dm_csum_pseudo(const dm_pseudo *ph);

/**
 * dm_csum_update16: incremental update of a checksum field when one 16-bit
 * word of the covered data changes from @old_word to @new_word
 * (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')).
 * Returns: the new checksum field value.
 */
uint16_t dm_csum_update16(uint16_t field, uint16_t old_word, uint16_t new_word);

/**
 * dm_csum_verify: verify the transport checksum of a segment whose bytes
 * @seg (@seglen of them, all present) are covered by the pseudo-header @ph;
 * the checksum field is at @csum_off.  Handles the UDP rules: a zero field
 * is "absent" over IPv4 and "bad" (zero-ipv6) over IPv6; a computed 0 is
 * sent as 0xffff.  A field holding only the folded pseudo-header sum (with
 * the segment length or with length 0, as TSO leaves it) is "partial".
 * Returns: the verdict.
 */
dm_csum_verdict dm_csum_verify(const dm_pseudo *ph, const uint8_t *seg,
                               size_t seglen, size_t csum_off);

/**
 * dm_csum_ipv4_header: whether the IPv4 header at @hdr (@hlen bytes) has a
 * correct header checksum; stores the value it should hold in @expected.
 * Returns: true when correct.
 */
bool dm_csum_ipv4_header(const uint8_t *hdr, size_t hlen, uint16_t *expected);

/**
 * dm_csum_status_name: the stable name of @s ("good", "bad", ...).
 * Returns: a static string.
 */
const char *dm_csum_status_name(dm_csum_status s);

/**
 * dm_csum_reason_name: the stable name of @r, or NULL for no reason.
 * Returns: a static string or NULL.
 */
const char *dm_csum_reason_name(dm_csum_reason r);

#endif /* DEMUXSIM_CHECKSUM_H */
