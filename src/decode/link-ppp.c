/* link-ppp.c - the serial link types:
 *   PPP in HDLC-like framing (RFC 1661 section 2, RFC 1662 section 3):
 *     DLT_PPP and DLT_PPP_SERIAL, an optional 0xff 0x03 address and
 *     control, then a protocol field of 2 bytes, or 1 when compressed
 *     (RFC 1661 section 6.5: an odd first byte), and the payload by the
 *     protocol (dm_link_ppp_payload(), link-ethertype.c);
 *   Cisco HDLC (DLT_C_HDLC; tcpdump's print-chdlc.c): address (0x0f
 *     unicast, 0x8f broadcast), control 0, then an Ethertype.
 */
#include "config.h"

#include "decode-int.h"

#define PPP_ADDRESS 0xff
#define PPP_CONTROL 0x03
#define CHDLC_UNICAST 0x0f
#define CHDLC_BCAST 0x8f

dm_frame_status
dm_link_chdlc(dm_reader r, uint32_t extra, dm_packet *pkt)
{
	uint8_t addr;
	uint16_t type;

	if (!dm_get_u8(&r, 0, &addr) || !dm_get_be16(&r, 2, &type))
		return DM_FRAME_TRUNC_LINK;
	if (dm_decode_details) {
		pkt->link.kind = DM_LINK_CHDLC;
		pkt->link.hdlc_addr = addr;
		pkt->link.proto = type;
	}
	return dm_link_ethertype(type, dm_reader_sub(&r, 4, r.len), extra, 1, pkt);
}

dm_frame_status
dm_link_ppp(dm_reader r, uint32_t extra, dm_packet *pkt)
{
	size_t off = 0;
	uint8_t b0, b1;
	uint16_t proto;

	if (!dm_get_u8(&r, 0, &b0))
		return DM_FRAME_TRUNC_LINK;
	/* A PPP_SERIAL capture may hold Cisco HDLC frames (tcpdump's
	 * ppp_hdlc_if_print does the same). */
	if (b0 == CHDLC_UNICAST || b0 == CHDLC_BCAST)
		return dm_link_chdlc(r, extra, pkt);
	if (b0 == PPP_ADDRESS) {
		if (!dm_get_u8(&r, 1, &b1))
			return DM_FRAME_TRUNC_LINK;
		if (b1 != PPP_CONTROL)
			return DM_FRAME_BAD_LINK;
		off = 2;
	}
	if (!dm_get_u8(&r, off, &b0))
		return DM_FRAME_TRUNC_LINK;
	if (b0 & 1) {
		proto = b0;
		off += 1;
	} else {
		if (!dm_get_be16(&r, off, &proto))
			return DM_FRAME_TRUNC_LINK;
		if (!(proto & 1))
			return DM_FRAME_BAD_LINK;   /* the last byte must be odd */
		off += 2;
	}
	if (dm_decode_details) {
		pkt->link.kind = DM_LINK_PPP;
		pkt->link.hdlc_addr = off == 3 || off == 4 ? PPP_ADDRESS : 0;
		pkt->link.proto = proto;
	}
	return dm_link_ppp_payload(proto, dm_reader_sub(&r, off, r.len), extra, 1, pkt);
}

