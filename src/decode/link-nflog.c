/* link-nflog.c - Linux netfilter log messages (DLT_NFLOG,
 * https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html): a 4-byte header
 * (address family, version 0, big-endian resource id), then TLVs of a
 * 2-byte length (which counts the 4-byte TLV header, padded to 4 bytes)
 * and a 2-byte type, both in the capturing host's byte order.  The
 * NFULA_PAYLOAD TLV (type 9) holds the IP packet; family 2 is IPv4, 10
 * IPv6.
 */
#include "config.h"

#include "decode-int.h"

#define NFLOG_HDR 4
#define NFULA_PAYLOAD 9
#define NFLOG_AF_INET 2
#define NFLOG_AF_INET6 10
/* TLVs walked at most: a real message holds about 15. */
enum { NFLOG_MAX_TLVS = 64 };

/* The TLV at @off: length and type in the byte order @be. */
static bool
tlv_at(const dm_reader *r, size_t off, bool be, uint16_t *len, uint16_t *type)
{
	if (be)
		return dm_get_be16(r, off, len) && dm_get_be16(r, off + 2, type);
	return dm_get_le16(r, off, len) && dm_get_le16(r, off + 2, type);
}

/* The byte order of the TLVs: little-endian unless only big-endian gives
 * the first TLV a plausible length and type. */
static bool
tlvs_big_endian(const dm_reader *r)
{
	uint16_t len, type;
	if (tlv_at(r, NFLOG_HDR, false, &len, &type) && len >= 4 && (type & 0x7fff) < 0x100)
		return false;
	return tlv_at(r, NFLOG_HDR, true, &len, &type) && len >= 4 && (type & 0x7fff) < 0x100;
}

dm_frame_status
dm_link_nflog(dm_reader r, uint32_t extra, dm_packet *pkt)
{
	uint8_t family, version;
	uint16_t resource, len, type;

	if (!dm_get_u8(&r, 0, &family) || !dm_get_u8(&r, 1, &version) ||
	    !dm_get_be16(&r, 2, &resource))
		return DM_FRAME_TRUNC_LINK;
	if (dm_decode_details) {
		pkt->link.kind = DM_LINK_NFLOG;
		pkt->link.af = family;
		pkt->link.proto = resource;
	}
	if (version != 0)
		return DM_FRAME_BAD_LINK;
	bool be = tlvs_big_endian(&r);
	size_t off = NFLOG_HDR;
	for (unsigned n = 0; n < NFLOG_MAX_TLVS; n++) {
		if (off >= r.len && extra == 0)
			return DM_FRAME_NOT_IP;          /* a message without payload */
		if (!tlv_at(&r, off, be, &len, &type))
			return DM_FRAME_TRUNC_LINK;
		if (len < 4)
			return DM_FRAME_BAD_LINK;
		if ((type & 0x7fff) == NFULA_PAYLOAD) {
			dm_reader ip = dm_reader_sub(&r, off + 4, len - 4u);
			uint32_t after = dm_link_extra_after(&ip, len - 4u, extra);
			if (family == NFLOG_AF_INET)
				return dm_ipv4_decode(ip, after, pkt);
			if (family == NFLOG_AF_INET6)
				return dm_ipv6_decode(ip, after, pkt);
			return DM_FRAME_NOT_IP;
		}
		off += (len + 3u) & ~3u;
	}
	return DM_FRAME_LINK_LIMIT;
}
