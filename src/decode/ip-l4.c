/* ip-l4.c - the hand-off from the IP layer to the transport decoders:
 * what the IP header says of the transport bytes (captured, cut by the
 * snapshot length, or never sent), a fragment's data for reassembly, and
 * the dispatch on the protocol number (IANA "Assigned Internet Protocol
 * Numbers": 6 TCP, RFC 9293; 17 UDP, RFC 768; 1 ICMP, RFC 792; 58 ICMPv6,
 * RFC 4443; 4, 41 and 47, IPv4, IPv6 and GRE inside, are tunnels that
 * tunnel.c opens).  Called by ipv4.c, ipv6.c and datagram.c; calls only the
 * transport and ICMP decoders.
 */
#include "config.h"

#include "decode-int.h"

void
dm_l4_input_init(dm_l4_input *in, dm_reader after_hdr, uint32_t ip_len,
                 uint32_t wire_extra)
{
	in->payload = dm_reader_sub(&after_hdr, 0, ip_len);
	in->ip_len = ip_len;
	in->cut = false;
	in->short_frame = false;
	if (in->payload.len < ip_len) {
		/* Bytes are missing: cut by the snapshot length if the wire had
		 * more than was captured, else never sent at all. */
		if (wire_extra > 0)
			in->cut = true;
		else
			in->short_frame = true;
	}
}

void
dm_fragment_data(dm_fragment *f, dm_reader after_hdr, uint32_t len,
                 uint32_t wire_extra)
{
	dm_reader d = dm_reader_sub(&after_hdr, 0, len);
	f->data = d.base;
	f->len = len;
	f->caplen = (uint32_t)d.len;
	f->cut = d.len < len && wire_extra > 0;
}

dm_frame_status
dm_l4_dispatch(const dm_l4_input *in, dm_packet *pkt)
{
	switch (pkt->proto) {
	case 17:
		return dm_udp_decode(in, pkt);
	case 6:
		return dm_tcp_decode(in, pkt);
	case 1:
		return pkt->family == 4 ? dm_icmp_decode(in, pkt) : DM_FRAME_OTHER_PROTO;
	case 58:
		return pkt->family == 6 ? dm_icmp_decode(in, pkt) : DM_FRAME_OTHER_PROTO;
	case 4: case 41: case 47:
		/* IPv4, IPv6 or GRE inside: a tunnel (tunnel.c opens it). */
		if (dm_tunnel_ip && !pkt->is_fragment) {
			pkt->tunnel = pkt->proto == 47 ? DM_ENCAP_GRE
			            : pkt->proto == 4 ? DM_ENCAP_IPIP : DM_ENCAP_IPV6IP;
			pkt->tun_data = in->payload.base;
			pkt->tun_caplen = (uint32_t)in->payload.len;
			pkt->tun_len = in->ip_len;
		}
		return DM_FRAME_OTHER_PROTO;
	default:
		return DM_FRAME_OTHER_PROTO;
	}
}
