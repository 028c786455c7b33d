/* link.c - link-layer headers: Ethernet (IEEE 802.3) with stacked 802.1Q /
 * 802.1ad tags, Linux cooked capture SLL and SLL2, raw IP (LINKTYPE_RAW,
 * LINKTYPE_IPV4, LINKTYPE_IPV6), BSD loopback (LINKTYPE_NULL, LINKTYPE_LOOP),
 * and the dispatch by link type to the others: Ethernet and what an
 * Ethertype names (link-ethertype.c: 802.1Q, MPLS, PPPoE), PPP and Cisco
 * HDLC (link-ppp.c), IEEE 802.11, radiotap and PPI (link-80211.c), NFLOG
 * (link-nflog.c).
 * Link-type values: https://www.tcpdump.org/linktypes.html
 *
 * The decode stage owns the headers of a frame, from the link layer to
 * UDP/TCP and ICMP, and IP reassembly: dm_decode_frame() here is its way
 * in, then ipv4.c/ipv6.c, ip-l4.c (the hand-off to transport),
 * transport.c, icmp.c; reasm.c and datagram.c for fragments.  Decoders
 * read bytes only through dm_reader (reader.h), return a dm_frame_status
 * and never print.  It calls checksum; demux, explain, report and run
 * call it.
 */
#include "config.h"

#include <stddef.h>

#include <pcap/pcap.h>
#include <string.h>

#include "demuxsim/decode.h"

#include "decode-int.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

bool
dm_linktype_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2:
	case DLT_RAW: case DLT_IPV4: case DLT_IPV6:
	case DLT_NULL: case DLT_LOOP:
	case DLT_PPP: case DLT_PPP_SERIAL: case DLT_C_HDLC:
	case DLT_IEEE802_11: case DLT_IEEE802_11_RADIO: case DLT_PPI:
	case DLT_NFLOG:
		return true;
	default:
		return false;
	}
}

/* Address-family values for IPv6 differ between systems (tcpdump's
 * af.h): 24 NetBSD/OpenBSD/BSD/OS, 28 FreeBSD, 30 Darwin, 10 Linux. */
static int
af_family(uint32_t af)
{
	switch (af) {
	case 2:
		return 4;
	case 10: case 24: case 28: case 30:
		return 6;
	default:
		return 0;
	}
}

/* IPv4 or IPv6 by the version nibble; another version is `other`. */
dm_frame_status
dm_link_ip_any(dm_reader r, uint32_t wire_extra, dm_frame_status other,
               dm_packet *pkt)
{
	uint8_t v;

	if (!dm_get_u8(&r, 0, &v))
		return DM_FRAME_TRUNC_IP;
	switch (v >> 4) {
	case 4:
		return dm_ipv4_decode(r, wire_extra, pkt);
	case 6:
		return dm_ipv6_decode(r, wire_extra, pkt);
	default:
		return other;
	}
}

static dm_frame_status
decode_null(dm_reader r, uint32_t extra, dm_packet *pkt)
{
	uint32_t le, be;
	int fam;

	if (!dm_get_le32(&r, 0, &le) || !dm_get_be32(&r, 0, &be))
		return DM_FRAME_TRUNC_LINK;
	fam = af_family(le);
	if (dm_decode_details) {
		pkt->link.kind = DM_LINK_NULL;
		pkt->link.af = fam ? le : be;
	}
	if (!fam)
		fam = af_family(be);
	dm_reader ip = dm_reader_sub(&r, 4, r.len);
	if (fam == 4)
		return dm_ipv4_decode(ip, extra, pkt);
	if (fam == 6)
		return dm_ipv6_decode(ip, extra, pkt);
	/* Some writers put an Ethertype in the low-order bytes instead of an
	 * address family; accept it when it names IP, as Wireshark does. */
	return dm_link_ethertype((uint16_t)be, ip, extra, 1, pkt);
}

/* SLL (packet type at 0, address length at 4, address at 6) and SLL2 (interface
 * index 4, packet type 10, address length 11, address 12), whose headers
 * are captured whole when this is called. */
static void
sll_fields(const dm_reader *r, bool v2, uint16_t proto, dm_packet *pkt)
{
	dm_link *l = &pkt->link;
	uint16_t alen = 0;
	uint8_t t8 = 0, a8 = 0;

	l->kind = v2 ? DM_LINK_SLL2 : DM_LINK_SLL;
	l->type = proto;
	if (v2) {
		dm_get_be32(r, 4, &l->ifindex);
		dm_get_u8(r, 10, &t8);
		dm_get_u8(r, 11, &a8);
		l->pkttype = t8;
		alen = a8;
	} else {
		dm_get_be16(r, 0, &l->pkttype);
		dm_get_be16(r, 4, &alen);
	}
	l->addr_len = (uint8_t)(alen < 8 ? alen : 8);
	dm_get_bytes(r, v2 ? 12 : 6, l->src, l->addr_len);
}

/* A packet cleared for a new frame: all but the -v/-e details at its end,
 * unless they are asked for. */
static void
packet_clear(dm_packet *pkt)
{
	memset(pkt, 0, dm_packet_used_size());
}

static dm_frame_status
decode_frame(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
             bool headers_only, dm_packet *pkt)
{
	dm_reader r = dm_reader_make(data, caplen);
	uint32_t extra = wirelen > caplen ? wirelen - caplen : 0;
	uint16_t type;

	packet_clear(pkt);
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	pkt->headers_only = headers_only;

	switch (dlt) {
	case DLT_EN10MB:
		return dm_link_ethernet(r, extra, 0, pkt);
	case DLT_LINUX_SLL:
		if (!dm_get_be16(&r, 14, &type))
			return DM_FRAME_TRUNC_LINK;
		if (dm_decode_details)
			sll_fields(&r, false, type, pkt);
		return dm_link_ethertype(type, dm_reader_sub(&r, 16, r.len), extra, 1, pkt);
	case DLT_LINUX_SLL2:
		if (!dm_get_be16(&r, 0, &type) || !dm_reader_has(&r, 0, 20))
			return DM_FRAME_TRUNC_LINK;
		if (dm_decode_details)
			sll_fields(&r, true, type, pkt);
		return dm_link_ethertype(type, dm_reader_sub(&r, 20, r.len), extra, 1, pkt);
	case DLT_RAW: case DLT_IPV4: case DLT_IPV6:
		return dm_link_ip_any(r, extra, DM_FRAME_BAD_IP, pkt);
	case DLT_NULL: case DLT_LOOP:
		return decode_null(r, extra, pkt);
	case DLT_PPP: case DLT_PPP_SERIAL:
		return dm_link_ppp(r, extra, pkt);
	case DLT_C_HDLC:
		return dm_link_chdlc(r, extra, pkt);
	case DLT_IEEE802_11:
		return dm_link_80211(r, extra, pkt);
	case DLT_IEEE802_11_RADIO:
		return dm_link_radiotap(r, extra, pkt);
	case DLT_PPI:
		return dm_link_ppi(r, extra, pkt);
	case DLT_NFLOG:
		return dm_link_nflog(r, extra, pkt);
	default:
		/* A link type not decoded (in a pcapng file of several, one
		 * interface's): the frame is skipped as such. */
		return DM_FRAME_LINK_UNSUPPORTED;
	}
}

dm_frame_status
dm_decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                uint32_t wirelen, dm_packet *pkt)
{
	return decode_frame(dlt, data, caplen, wirelen, false, pkt);
}

dm_frame_status
dm_decode_frame_headers(int dlt, const uint8_t *data, uint32_t caplen,
                        uint32_t wirelen, dm_packet *pkt)
{
	return decode_frame(dlt, data, caplen, wirelen, true, pkt);
}

dm_frame_status
dm_decode_ip(const uint8_t *data, uint32_t caplen, uint32_t wire_extra,
             dm_packet *pkt)
{
	packet_clear(pkt);
	pkt->caplen = caplen;
	pkt->wirelen = caplen + wire_extra;
	return dm_link_ip_any(dm_reader_make(data, caplen), wire_extra, DM_FRAME_BAD_IP,
	                      pkt);
}
