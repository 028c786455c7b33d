/* link-mpls.c - an MPLS label stack (RFC 3032 section 2.1) and what follows
 * its bottom: IPv4 or IPv6 by the first nibble (RFC 4928 section 2), or a
 * pseudowire control word (RFC 4385 section 3: first nibble 0) before an
 * Ethernet frame (RFC 4448).  Reached by Ethertype 0x8847/0x8848 and PPP
 * protocol 0x0281/0x0283.
 */
#include "config.h"

#include "decode-int.h"

/* The longest label stack walked; a longer one is counted as a limit. */
enum { MPLS_MAX_LABELS = 16 };

#define MPLS_BOS 0x00000100u   /* bottom-of-stack bit of a stack entry */

dm_frame_status
dm_link_mpls(dm_reader r, uint32_t extra, unsigned depth, dm_packet *pkt)
{
	dm_link *l = &pkt->link;
	bool details = dm_decode_details && depth <= 1;
	size_t off = 0;
	uint32_t entry = 0;
	uint8_t first;

	for (unsigned n = 0;; n++) {
		if (n == MPLS_MAX_LABELS)
			return DM_FRAME_LINK_LIMIT;
		if (!dm_get_be32(&r, off, &entry))
			return DM_FRAME_TRUNC_LINK;
		if (details && l->n_labels < DM_LINK_MAX_LABELS)
			l->labels[l->n_labels++] = entry;
		off += 4;
		if (entry & MPLS_BOS)
			break;
	}
	dm_reader rest = dm_reader_sub(&r, off, r.len);
	if (!dm_get_u8(&rest, 0, &first))
		return DM_FRAME_TRUNC_IP;
	switch (first >> 4) {
	case 4:
		return dm_ipv4_decode(rest, extra, pkt);
	case 6:
		return dm_ipv6_decode(rest, extra, pkt);
	case 0:
		/* Control word (4 bytes), then the emulated Ethernet frame. */
		if (!dm_reader_has(&rest, 0, 4))
			return DM_FRAME_TRUNC_LINK;
		return dm_link_ethernet(dm_reader_sub(&rest, 4, rest.len), extra, depth + 1, pkt);
	default:
		return DM_FRAME_NOT_IP;   /* 1: an associated channel (RFC 4385) */
	}
}
