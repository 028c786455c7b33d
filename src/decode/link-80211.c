/* link-80211.c - IEEE 802.11 data frames and the capture headers before
 * them:
 *   IEEE 802.11 (IEEE Std 802.11-2020 section 9.2 and 9.3.2): frame
 *     control, duration, three addresses, sequence control; a fourth
 *     address when ToDS and FromDS are both set; QoS control (2 bytes) in
 *     QoS data subtypes; HT control (4 bytes) when a QoS data frame has the
 *     +HTC/Order bit.  Then LLC/SNAP (IEEE 802.2 and RFC 1042: AA AA 03,
 *     OUI 00-00-00 or 00-00-F8, Ethertype).  Protected frames (WEP, TKIP,
 *     CCMP) cannot be read and have their own outcome;
 *   radiotap (https://www.radiotap.org, DLT_IEEE802_11_RADIO): version 0,
 *     a little-endian length of the whole header, presence bitmaps; the
 *     Flags field says when 4 FCS bytes end the frame and when the 802.11
 *     header is padded to 32 bits;
 *   PPI (Per-Packet Information Header Specification 1.0, DLT_PPI): version
 *     0, flags, little-endian header length and the DLT it carries (802.11
 *     only here).
 */
#include "config.h"

#include <pcap/dlt.h>

#include "decode-int.h"

#define FC_TYPE_DATA 2
#define FC_TODS 0x01
#define FC_FROMDS 0x02
#define FC_MOREFRAG 0x04
#define FC_PROTECTED 0x40
#define FC_ORDER 0x80
#define SUBTYPE_QOS 0x08
#define SUBTYPE_NODATA 0x04
#define QOS_AMSDU 0x80

#define RT_PRESENT_TSFT 0x00000001u
#define RT_PRESENT_FLAGS 0x00000002u
#define RT_PRESENT_EXT 0x80000000u
#define RT_FLAG_DATAPAD 0x20
#define RT_FLAG_FCS 0x10

/* The 802.11 MAC header's length; DM_FRAME_SEGMENT when it is a data frame
 * with a payload that can be read. */
static dm_frame_status
mac_header(const dm_reader *r, bool datapad, size_t *len, dm_packet *pkt)
{
	uint8_t fc0, fc1, qos = 0;
	uint16_t seq;

	if (!dm_get_u8(r, 0, &fc0) || !dm_get_u8(r, 1, &fc1))
		return DM_FRAME_TRUNC_LINK;
	if ((fc0 & 3) != 0)
		return DM_FRAME_BAD_LINK;            /* protocol version 0 only */
	if ((fc0 >> 2 & 3) != FC_TYPE_DATA)
		return DM_FRAME_NOT_IP;              /* management, control */
	unsigned subtype = fc0 >> 4;
	bool four = (fc1 & (FC_TODS | FC_FROMDS)) == (FC_TODS | FC_FROMDS);
	bool is_qos = subtype & SUBTYPE_QOS;
	size_t n = 24 + (four ? 6 : 0);
	if (is_qos) {
		if (!dm_get_u8(r, n, &qos))
			return DM_FRAME_TRUNC_LINK;
		n += 2;
		if (fc1 & FC_ORDER)
			n += 4;
	}
	if (!dm_get_le16(r, 22, &seq) || !dm_reader_has(r, 0, n))
		return DM_FRAME_TRUNC_LINK;
	if (dm_decode_details) {
		dm_link *l = &pkt->link;
		l->kind = DM_LINK_80211;
		l->wlan_ds = fc1 & (FC_TODS | FC_FROMDS);
		l->wlan_qos = is_qos;
		for (unsigned i = 0; i < 3; i++)
			dm_get_bytes(r, 4 + 6 * i, l->wlan_addr[i], 6);
		if (four)
			dm_get_bytes(r, 24, l->wlan_addr[3], 6);
	}
	if (subtype & SUBTYPE_NODATA)
		return DM_FRAME_NOT_IP;              /* null data, CF-Ack... */
	if (fc1 & FC_PROTECTED)
		return DM_FRAME_ENCRYPTED;
	if ((fc1 & FC_MOREFRAG) || (seq & 0x000f) || (qos & QOS_AMSDU))
		return DM_FRAME_LINK_UNSUPPORTED;    /* a fragment, an A-MSDU */
	*len = datapad ? (n + 3) & ~(size_t)3 : n;
	return DM_FRAME_SEGMENT;
}

static dm_frame_status
decode_80211(dm_reader r, uint32_t extra, bool datapad, dm_packet *pkt)
{
	static const uint8_t snap[3] = { 0xaa, 0xaa, 0x03 };
	uint8_t llc[6];
	uint16_t type;
	size_t off = 0;

	dm_frame_status st = mac_header(&r, datapad, &off, pkt);
	if (st != DM_FRAME_SEGMENT)
		return st;
	if (!dm_get_bytes(&r, off, llc, 6) || !dm_get_be16(&r, off + 6, &type))
		return DM_FRAME_TRUNC_LINK;
	if (llc[0] != snap[0] || llc[1] != snap[1] || llc[2] != snap[2] ||
	    llc[3] != 0 || llc[4] != 0 || (llc[5] != 0 && llc[5] != 0xf8))
		return DM_FRAME_NOT_IP;              /* not SNAP: STP, IPX... */
	return dm_link_ethertype(type, dm_reader_sub(&r, off + 8, r.len), extra, 1, pkt);
}

dm_frame_status
dm_link_80211(dm_reader r, uint32_t extra, dm_packet *pkt)
{
	return decode_80211(r, extra, false, pkt);
}

dm_frame_status
dm_link_radiotap(dm_reader r, uint32_t extra, dm_packet *pkt)
{
	uint8_t version, flags = 0;
	uint16_t len;
	uint32_t present, word;

	if (!dm_get_u8(&r, 0, &version) || !dm_get_le16(&r, 2, &len) ||
	    !dm_get_le32(&r, 4, &present))
		return DM_FRAME_TRUNC_LINK;
	if (version != 0 || len < 8)
		return DM_FRAME_BAD_LINK;
	/* Skip the extended presence bitmaps; the fields start after them. */
	size_t off = 8;
	for (word = present; word & RT_PRESENT_EXT; off += 4) {
		if (off + 4 > len)
			return DM_FRAME_BAD_LINK;
		if (!dm_get_le32(&r, off, &word))
			return DM_FRAME_TRUNC_LINK;
	}
	if (present & RT_PRESENT_TSFT)
		off = ((off + 7) & ~(size_t)7) + 8; /* 8 bytes, aligned to 8 */
	if (present & RT_PRESENT_FLAGS) {
		if (off >= len)
			return DM_FRAME_BAD_LINK;
		if (!dm_get_u8(&r, off, &flags))
			return DM_FRAME_TRUNC_LINK;
	}
	if (!dm_reader_has(&r, 0, len))
		return DM_FRAME_TRUNC_LINK;
	dm_reader mac = dm_reader_sub(&r, len, r.len);
	if (flags & RT_FLAG_FCS) {
		/* The last 4 bytes on the wire are the FCS, not payload. */
		if (extra >= 4) {
			extra -= 4;
		} else {
			size_t cut = 4 - extra;
			mac.len = mac.len > cut ? mac.len - cut : 0;
			extra = 0;
		}
	}
	return decode_80211(mac, extra, flags & RT_FLAG_DATAPAD, pkt);
}

dm_frame_status
dm_link_ppi(dm_reader r, uint32_t extra, dm_packet *pkt)
{
	uint8_t version;
	uint16_t len;
	uint32_t dlt;

	if (!dm_get_u8(&r, 0, &version) || !dm_get_le16(&r, 2, &len) ||
	    !dm_get_le32(&r, 4, &dlt))
		return DM_FRAME_TRUNC_LINK;
	if (version != 0 || len < 8)
		return DM_FRAME_BAD_LINK;
	if (!dm_reader_has(&r, 0, len))
		return DM_FRAME_TRUNC_LINK;
	if (dlt != DLT_IEEE802_11)
		return DM_FRAME_LINK_UNSUPPORTED;
	return decode_80211(dm_reader_sub(&r, len, r.len), extra, false, pkt);
}
