/* link-ethertype.c - Ethernet and what an Ethertype names, which nest in
 * one another (an MPLS pseudowire carries Ethernet), so they live together:
 *   Ethernet II (IEEE 802.3 section 3.2.6) with any number of 802.1Q /
 *     802.1ad tags (IEEE 802.1Q section 9.6: TPID 0x8100, 0x88a8, and
 *     0x9100 as some switches use);
 *   the dispatch by Ethertype, also used by SLL/SLL2, Cisco HDLC and
 *     802.11 LLC/SNAP: IPv4, IPv6, MPLS, PPPoE session;
 *   an MPLS label stack (RFC 3032 section 2.1) and what follows its bottom:
 *     IPv4 or IPv6 by the first nibble (RFC 4928 section 2), or a
 *     pseudowire control word (RFC 4385 section 3: first nibble 0) before
 *     an Ethernet frame (RFC 4448); reached by Ethertype 0x8847/0x8848 and
 *     PPP protocol 0x0281/0x0283;
 *   the PPPoE session stage (RFC 2516 section 4 and 5.4): a 6-byte header,
 *     then the 2-byte PPP protocol;
 *   the payload of a PPP protocol: 0x0021 IPv4, 0x0057 IPv6 (RFC 5072),
 *     0x0281/0x0283 MPLS (RFC 3032 section 4); anything else (LCP,
 *     IPCP...) is not IP.
 * Link-layer -e details are kept for depth 0 and 1 (see decode-int.h).
 */
#include "config.h"

#include "decode-int.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MCAST 0x8848
#define ETHERTYPE_PPPOE_SESSION 0x8864
#define PPPOE_VER_TYPE 0x11
#define PPPOE_HDR 6

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

dm_frame_status
dm_link_ppp_payload(uint16_t proto, dm_reader r, uint32_t extra, unsigned depth,
            dm_packet *pkt)
{
	switch (proto) {
	case 0x0021:
		return dm_ipv4_decode(r, extra, pkt);
	case 0x0057:
		return dm_ipv6_decode(r, extra, pkt);
	case 0x0281: case 0x0283:
		return dm_link_mpls(r, extra, depth, pkt);
	default:
		return DM_FRAME_NOT_IP;
	}
}


dm_frame_status
dm_link_pppoe(dm_reader r, uint32_t extra, unsigned depth, dm_packet *pkt)
{
	uint8_t vt, code;
	uint16_t session, len, proto;

	if (!dm_get_u8(&r, 0, &vt) || !dm_get_u8(&r, 1, &code) ||
	    !dm_get_be16(&r, 2, &session) || !dm_get_be16(&r, 4, &len))
		return DM_FRAME_TRUNC_LINK;
	if (vt != PPPOE_VER_TYPE || code != 0 || len < 2)
		return DM_FRAME_BAD_LINK;
	if (!dm_get_be16(&r, PPPOE_HDR, &proto))
		return DM_FRAME_TRUNC_LINK;
	if (dm_decode_details && depth <= 1) {
		pkt->link.pppoe = true;
		pkt->link.pppoe_session = session;
		pkt->link.proto = proto;
	}
	/* The length field bounds the PPP frame: Ethernet padding after it
	 * is no payload. */
	dm_reader ppp = dm_reader_sub(&r, PPPOE_HDR, len);
	uint32_t after = dm_link_extra_after(&ppp, len, extra);
	return dm_link_ppp_payload(proto, dm_reader_sub(&ppp, 2, ppp.len), after, depth + 1, pkt);
}

static bool
is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

dm_frame_status
dm_link_ethernet(dm_reader r, uint32_t extra, unsigned depth, dm_packet *pkt)
{
	size_t off = 12;
	uint16_t type;
	dm_link *l = &pkt->link;
	bool details = dm_decode_details && depth == 0;

	if (depth >= DM_LINK_MAX_DEPTH)
		return DM_FRAME_LINK_LIMIT;
	if (details && dm_get_be16(&r, off, &l->type)) {
		l->kind = DM_LINK_ETHER;
		dm_get_bytes(&r, 0, l->dst, 6);
		dm_get_bytes(&r, 6, l->src, 6);
	}
	for (;;) {
		if (!dm_get_be16(&r, off, &type))
			return DM_FRAME_TRUNC_LINK;
		if (!is_vlan_tpid(type))
			break;
		if (details && l->n_tags < 2 &&
		    dm_get_be16(&r, off + 2, &l->tci[l->n_tags]))
			l->tpid[l->n_tags++] = type;
		off += 4;
		if (pkt->vlan_tags < UINT8_MAX)
			pkt->vlan_tags++;
	}
	if (details)
		l->inner_type = type;
	off += 2;
	return dm_link_ethertype(type, dm_reader_sub(&r, off, r.len), extra, depth + 1, pkt);
}

dm_frame_status
dm_link_ethertype(uint16_t type, dm_reader r, uint32_t extra, unsigned depth,
                  dm_packet *pkt)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return dm_ipv4_decode(r, extra, pkt);
	case ETHERTYPE_IPV6:
		return dm_ipv6_decode(r, extra, pkt);
	case ETHERTYPE_MPLS: case ETHERTYPE_MPLS_MCAST:
		return dm_link_mpls(r, extra, depth, pkt);
	case ETHERTYPE_PPPOE_SESSION:
		return dm_link_pppoe(r, extra, depth, pkt);
	default:
		return DM_FRAME_NOT_IP;   /* ARP, PPPoE discovery, LLDP... */
	}
}

uint32_t
dm_link_extra_after(const dm_reader *r, size_t n, uint32_t extra)
{
	if (n <= r->len)
		return 0;
	return n - r->len < extra ? (uint32_t)(n - r->len) : extra;
}
