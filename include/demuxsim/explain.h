/* explain.h - the Internet checksum (RFC 1071) computed step by step, as
 * data: the 16-bit words each field contributes, the running sum with
 * every end-around carry, the complement, the comparison with the stored
 * field, and for a wrong checksum the explanations the arithmetic proves.
 *
 * The steps are computed with the same dm_csum_* functions as the fast
 * path, so the explanation and the verdict can never disagree.  Nothing
 * here formats text: src/report-explain.c does.
 */
#ifndef DEMUXSIM_EXPLAIN_H
#define DEMUXSIM_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "demuxsim/checksum.h"
#include "demuxsim/packet.h"

/* What is explained. */
typedef enum {
	DM_XKIND_TRANSPORT,   /* a UDP/TCP checksum with its pseudo-header */
	DM_XKIND_IPV4_HEADER, /* an IPv4 header checksum */
	DM_XKIND_WORDS,       /* bare words or bytes, no pseudo-header */
} dm_xkind;

/* Where a word comes from. */
typedef enum {
	DM_XPART_PSEUDO,      /* the pseudo-header */
	DM_XPART_HEADER,      /* the UDP/TCP or IPv4 header */
	DM_XPART_PAYLOAD,     /* the transport payload */
	DM_XPART_DATA,        /* DM_XKIND_WORDS: the words given */
	DM_XPART_N
} dm_xpart;

/* One step of the running sum: one word, or a run of words summed
 * together (count > 1, for long payloads). */
typedef struct {
	dm_xpart part;
	const char *field;    /* field name ("source port"), NULL for data */
	uint32_t offset;      /* byte offset in the header/segment (not for
	                       * the pseudo-header: offset into it) */
	uint32_t count;       /* words added in this step */
	uint16_t word;        /* the word, or the folded subtotal of the run */
	uint16_t actual;      /* as_zero: the value the field holds */
	bool as_zero;         /* the checksum field, taken as zero */
	bool odd;             /* an odd last byte padded with a zero byte */
	uint32_t raw;         /* running sum + word, before folding */
	uint16_t sum;         /* running sum after the end-around carry */
	bool carry;           /* a carry was folded back in (raw > 0xffff) */
} dm_xstep;

/* The running sum at the end of one part. */
typedef struct {
	dm_xpart part;
	uint32_t words;       /* words in the part */
	uint16_t subtotal;    /* folded sum of this part alone */
	uint16_t sum;         /* running sum after it */
} dm_xgroup;

/* A cause a wrong (or partial) checksum is proven to have. */
typedef enum {
	DM_XDIAG_OFFLOAD,     /* stored = pseudo-header sum only (length) */
	DM_XDIAG_LENGTH,      /* matches a length of @length */
	DM_XDIAG_SWAPPED,     /* stored value is byte-swapped */
	DM_XDIAG_NO_PSEUDO,   /* matches the segment without pseudo-header */
	DM_XDIAG_SRC_ADDR,    /* matches source address @addr (NAT?) */
	DM_XDIAG_DST_ADDR,    /* matches destination address @addr */
	DM_XDIAG_ZERO_IPV6,   /* UDP over IPv6 sent without a checksum */
	DM_XDIAG_CORRUPTED,   /* no simple explanation */
	DM_XDIAG_N
} dm_xdiag_kind;

typedef struct {
	dm_xdiag_kind kind;
	uint32_t length;      /* OFFLOAD, LENGTH: the length that matches */
	uint8_t addr[16];     /* SRC_ADDR, DST_ADDR: the original address */
	uint64_t frame;       /* SRC_ADDR, DST_ADDR: a frame of the flow that
	                       * suggests it (0 when not from a capture) */
} dm_xdiag;

/* A whole explanation.  A plain value owned by the caller; free it with
 * dm_explain_free(). */
typedef struct {
	dm_xkind kind;
	int family;           /* 4 or 6 (0 for DM_XKIND_WORDS) */
	uint8_t proto;        /* 17 or 6 for transport */
	uint8_t src[16], dst[16]; /* pseudo-header (or IPv4 header) addresses */
	uint16_t sport, dport;
	uint32_t length;      /* bytes covered (pseudo-header length) */
	uint32_t hdr_len;     /* bytes of them that are the header */
	bool has_field;       /* a checksum field is part of the data */
	uint32_t csum_off;    /* its offset */

	bool computed;        /* false when it cannot be computed (see status) */
	dm_xstep *steps;
	size_t n_steps;
	dm_xgroup groups[DM_XPART_N];
	size_t n_groups;
	uint16_t sum;         /* folded sum, checksum field as zero */
	uint16_t checksum;    /* its complement */
	bool zero_rule;       /* UDP: a computed 0 is sent as 0xffff */
	uint16_t expected;    /* what the field should hold */
	uint16_t stored;      /* what it holds */
	uint16_t check_sum;   /* receiver's check: sum with the field, folded */
	dm_csum_status status;
	dm_csum_reason reason;

	dm_xdiag *diags;
	size_t n_diags;

	bool home_addr;       /* src is an IPv6 Home Address option's (RFC
	                       * 6275 9.3.1), in place of the header's */
	uint8_t ip_src[16];   /* home_addr: the IP header's source */
} dm_explain;

/* Flags for the dm_explain_ functions. */
enum {
	DM_EXPLAIN_FULL = 1 << 0, /* every payload word, no elided runs */
};

/* Payload words shown at each end of a long payload; the run between is
 * one step. */
#define DM_EXPLAIN_EDGE_WORDS 8

/**
 * dm_explain_segment: explain the transport checksum of the segment @seg
 * (@seglen bytes, all present) under the pseudo-header @ph, with the
 * checksum field at @csum_off (6 for UDP, 16 for TCP; the segment must hold
 * it).  The verdict is dm_csum_verify()'s; a bad or partial one is
 * diagnosed with the causes provable from the segment alone.
 * Returns: a new explanation.
 */
dm_explain *dm_explain_segment(const dm_pseudo *ph, const uint8_t *seg,
                               size_t seglen, size_t csum_off, unsigned flags);

/**
 * dm_explain_words: explain the sum of @len bytes at @data taken as
 * big-endian 16-bit words, with no pseudo-header and no checksum field (a
 * textbook exercise).  The status is good when the words, a checksum among
 * them, sum to 0xffff, else unverified.
 * Returns: a new explanation.
 */
dm_explain *dm_explain_words(const uint8_t *data, size_t len, unsigned flags);

/**
 * dm_explain_ipv4_header: explain the header checksum of the IPv4 header
 * @hdr of @hlen bytes (at least 20, all present).  The status is good or
 * bad; a bad one is diagnosed.
 * Returns: a new explanation.
 */
dm_explain *dm_explain_ipv4_header(const uint8_t *hdr, size_t hlen, unsigned flags);

/**
 * dm_explain_packet: explain the transport checksum of the decoded segment
 * @pkt.  When it could not be verified (truncated, fragment, malformed)
 * the explanation has no steps and says why.  A UDP length that disagrees
 * with the IP payload length is tested as a cause.
 * Returns: a new explanation.
 */
dm_explain *dm_explain_packet(const dm_packet *pkt, unsigned flags);

/**
 * dm_explain_try_address: test whether the stored field of @x matches the
 * checksum computed with its source (@source) or destination address
 * replaced by @addr, using the RFC 1624 incremental update; when it does,
 * add the diagnosis with @frame as evidence (at most once per address).
 * Returns: true when it matches.
 */
bool dm_explain_try_address(dm_explain *x, bool source, const uint8_t *addr,
                            uint64_t frame);

/**
 * dm_explain_conclude: add "no simple explanation" to a bad checksum that
 * no cause explains.  Call after the last dm_explain_try_address().
 */
void dm_explain_conclude(dm_explain *x);

/**
 * dm_xpart_name: the stable name of @p ("pseudo-header", "header",
 * "payload", "data").
 * Returns: a static string.
 */
const char *dm_xpart_name(dm_xpart p);

/**
 * dm_xdiag_name: the stable name of @k ("offload", "length",
 * "byte-swapped", "no-pseudo-header", "source-address",
 * "destination-address", "zero-ipv6", "corrupted").
 * Returns: a static string.
 */
const char *dm_xdiag_name(dm_xdiag_kind k);

/**
 * dm_explain_free: free @x (NULL is ignored).
 */
void dm_explain_free(dm_explain *x);

/* The flows seen in a capture, as candidates for the original address of
 * a rewritten one. */
typedef struct dm_flowseen dm_flowseen;

/**
 * dm_flowseen_new: an empty set of flows.
 * Returns: the new set.
 */
dm_flowseen *dm_flowseen_new(void);

/**
 * dm_flowseen_add: note the UDP/TCP segment @pkt of frame @frame.
 */
void dm_flowseen_add(dm_flowseen *fs, uint64_t frame, const dm_packet *pkt);

/**
 * dm_flowseen_diagnose: test on @x (an explanation of a bad checksum of a
 * segment like @pkt) every address another flow of @fs suggests: a flow
 * with the same protocol and ports, in either direction, whose source or
 * destination address differs from the segment's.
 */
void dm_flowseen_diagnose(const dm_flowseen *fs, const dm_packet *pkt,
                          dm_explain *x);

/**
 * dm_flowseen_free: free @fs (NULL is ignored).
 */
void dm_flowseen_free(dm_flowseen *fs);

#endif /* DEMUXSIM_EXPLAIN_H */
