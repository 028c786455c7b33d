/* ipv4.c - IPv4 header (RFC 791): version, header length with options,
 * total length (Ethernet padding is not payload), header checksum
 * (RFC 1071; reported, never a reason to drop), fragments (RFC 791 3.2:
 * identification, MF, offset and the fragment's data are handed to
 * reassembly in dm_packet.frag).
 * A total length of 0 is taken as a TSO / BIG TCP frame whose length is
 * the frame's, as Wireshark and tcpdump do.
 */
#include "config.h"

#include <string.h>

#include "decode-int.h"

#define IPV4_MIN_HDR 20

dm_frame_status
dm_ipv4_decode(dm_reader r, uint32_t wire_extra, dm_packet *pkt)
{
	uint8_t vihl, proto;
	uint16_t total, frag, id;
	size_t hlen;

	pkt->family = 4;
	if (!dm_get_u8(&r, 0, &vihl) || !dm_reader_has(&r, 0, IPV4_MIN_HDR))
		return DM_FRAME_TRUNC_IP;
	if (vihl >> 4 != 4)
		return DM_FRAME_BAD_IP;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < IPV4_MIN_HDR)
		return DM_FRAME_BAD_IP;
	if (!dm_reader_has(&r, 0, hlen))
		return DM_FRAME_TRUNC_IP;

	dm_get_be16(&r, 2, &total);
	dm_get_be16(&r, 4, &id);
	dm_get_be16(&r, 6, &frag);
	dm_get_u8(&r, 9, &proto);
	dm_get_u8(&r, 8, &pkt->ttl);
	pkt->ip_id = id;
	pkt->ip_total_len = total;
	pkt->have_ip_info = true;
	dm_get_bytes(&r, 12, pkt->src, 4);
	dm_get_bytes(&r, 16, pkt->dst, 4);
	memcpy(pkt->final_dst, pkt->dst, 4);
	pkt->proto = proto;
	dm_get_be16(&r, 10, &pkt->ip_csum);
	pkt->ip_csum_bad = !pkt->headers_only &&
	                   !dm_csum_ipv4_header(r.base, hlen, &pkt->ip_csum_expected);
	pkt->ip4_hdr = r.base;
	pkt->ip4_hdr_len = (uint32_t)hlen;

	dm_reader after = dm_reader_sub(&r, hlen, r.len);
	uint32_t ip_len;
	if (total == 0) {
		pkt->tso_length = true;
		ip_len = (uint32_t)after.len + wire_extra;
	} else if (total < hlen) {
		return DM_FRAME_BAD_IP;
	} else {
		ip_len = total - (uint32_t)hlen;
	}
	pkt->ip_payload_len = ip_len;

	pkt->is_fragment = (frag & 0x3fff) != 0; /* MF set or offset > 0 */
	if (pkt->is_fragment) {
		pkt->frag.id = id;
		pkt->frag.offset = (uint32_t)(frag & 0x1fff) * 8;
		pkt->frag.more = (frag & 0x2000) != 0;
		pkt->frag.next = proto;
		pkt->frag.unfrag_len = (uint32_t)hlen;
		dm_fragment_data(&pkt->frag, after, ip_len, wire_extra);
	}
	if (frag & 0x1fff)
		return DM_FRAME_FRAGMENT;

	dm_l4_input in;
	dm_l4_input_init(&in, after, ip_len, wire_extra);
	return dm_l4_dispatch(&in, pkt);
}
