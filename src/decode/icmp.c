/* icmp.c - ICMP (RFC 792) and ICMPv6 (RFC 4443) destination-unreachable
 * errors, with the IP header and first transport bytes they quote: the
 * evidence that a host refused a datagram (port unreachable: ICMP type 3
 * code 3, ICMPv6 type 1 code 4).
 */
#include "config.h"

#include "decode-int.h"

#define ICMP_HDR 8

static void
quote_ports(const dm_reader *q, size_t off, dm_packet *pkt)
{
	if (dm_get_be16(q, off, &pkt->q_sport) &&
	    dm_get_be16(q, off + 2, &pkt->q_dport))
		pkt->quote_valid = true;
}

static void
quote_ipv4(const dm_reader *q, dm_packet *pkt)
{
	uint8_t vihl;
	if (!dm_get_u8(q, 0, &vihl) || vihl >> 4 != 4 || (vihl & 0x0f) < 5 ||
	    !dm_get_u8(q, 9, &pkt->q_proto) ||
	    !dm_get_bytes(q, 12, pkt->q_src, 4) ||
	    !dm_get_bytes(q, 16, pkt->q_dst, 4))
		return;
	quote_ports(q, (size_t)(vihl & 0x0f) * 4, pkt);
}

static void
quote_ipv6(const dm_reader *q, dm_packet *pkt)
{
	uint8_t v;
	if (!dm_get_u8(q, 0, &v) || v >> 4 != 6 ||
	    !dm_get_u8(q, 6, &pkt->q_proto) ||
	    !dm_get_bytes(q, 8, pkt->q_src, 16) ||
	    !dm_get_bytes(q, 24, pkt->q_dst, 16))
		return;
	quote_ports(q, 40, pkt);
}

dm_frame_status
dm_icmp_decode(const dm_l4_input *in, dm_packet *pkt)
{
	const dm_reader *p = &in->payload;
	bool v6 = pkt->family == 6;

	if (pkt->is_fragment ||
	    !dm_get_u8(p, 0, &pkt->icmp_type) || !dm_get_u8(p, 1, &pkt->icmp_code))
		return DM_FRAME_OTHER_PROTO;
	if (pkt->icmp_type != (v6 ? 1 : 3))
		return DM_FRAME_OTHER_PROTO;
	pkt->icmp_port_unreach = pkt->icmp_code == (v6 ? 4 : 3);
	dm_reader q = dm_reader_sub(p, ICMP_HDR, p->len);
	if (v6)
		quote_ipv6(&q, pkt);
	else
		quote_ipv4(&q, pkt);
	return DM_FRAME_ICMP_ERROR;
}
