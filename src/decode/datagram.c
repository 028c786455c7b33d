/* datagram.c - the decoding of a datagram reassembled from fragments
 * (RFC 791 3.2, RFC 8200 4.5): its transport bytes, and for IPv6 the rest
 * of the extension-header chain after the fragment header first, go
 * through the same transport decoders as an unfragmented packet's.
 * Called by reasm.c; calls ipv6.c's chain walker and ip-l4.c's dispatch.
 */
#include "config.h"

#include "decode-int.h"

dm_frame_status
dm_decode_datagram(const uint8_t *data, uint32_t caplen, uint32_t len,
                   bool cut, dm_packet *pkt)
{
	dm_l4_input in;
	uint32_t have = caplen < len ? caplen : len;

	in.payload = dm_reader_make(data, have);
	in.ip_len = len;
	in.cut = have < len && cut;
	in.short_frame = have < len && !cut;
	pkt->is_fragment = false;
	pkt->ip_payload_len = len;
	if (pkt->family == 6) {
		dm_l4_input rest;
		dm_frame_status st = dm_ipv6_fragmentable_rest(&in, pkt, &rest);
		return st == DM_FRAME_SEGMENT ? dm_l4_dispatch(&rest, pkt) : st;
	}
	return dm_l4_dispatch(&in, pkt);
}
