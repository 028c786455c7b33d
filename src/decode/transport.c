/* transport.c - UDP (RFC 768) and TCP (RFC 9293 section 3.1) headers and
 * their checksums.  Length fields are checked against the IP layer, never
 * trusted: a UDP length longer than the IP payload or shorter than its
 * header, or a TCP data offset outside the segment, is "malformed".
 * Missing bytes make a checksum "unverified", never "bad".  A TCP data
 * offset below 5 (RFC 9293 section 3.1: the header is at least five
 * 32-bit words) leaves no header to verify: the checksum is unverified,
 * as Wireshark says ("bogus TCP header length") and checks nothing.
 */
#include "config.h"

#include <stddef.h>

#include "decode-int.h"

#define UDP_HDR 8
#define TCP_MIN_HDR 20

/* Defined here, at the end of the decoders' call chain, so that link.c
 * reading it too makes no circle in the call graph. */
bool dm_decode_details;

void
dm_decode_set_details(bool on)
{
	dm_decode_details = on;
}

size_t
dm_packet_used_size(void)
{
	return dm_decode_details ? sizeof(dm_packet) : offsetof(dm_packet, link);
}

size_t
dm_packet_copy_size(const dm_packet *pkt)
{
	if (dm_decode_details || pkt->is_fragment || pkt->tunnel || pkt->n_encap ||
	    pkt->proto == 1 || pkt->proto == 58)
		return dm_packet_used_size();
	return offsetof(dm_packet, frag);
}

static void
verify(const dm_reader *seg, uint32_t len, size_t csum_off, dm_packet *pkt)
{
	dm_pseudo ph = {
		.family = pkt->family, .src = pkt->src, .dst = pkt->final_dst,
		.proto = pkt->proto, .length = len,
	};
	if (pkt->headers_only) {
		pkt->csum.status = DM_CSUM_UNVERIFIED;
		return;
	}
	if (!dm_reader_has(seg, 0, len)) {
		pkt->csum.status = DM_CSUM_UNVERIFIED;
		pkt->csum.reason = DM_CSUM_REASON_TRUNCATED;
		return;
	}
	pkt->csum = dm_csum_verify(&ph, seg->base, len, csum_off);
}

static void
unverified(dm_packet *pkt, dm_csum_reason reason)
{
	pkt->csum.status = DM_CSUM_UNVERIFIED;
	pkt->csum.reason = reason;
	pkt->csum.have_expected = false;
}

/* The transport header (@need bytes) is not all there: the IP payload is
 * too short for it (malformed), the frame never carried the bytes the IP
 * length promises (malformed), or the capture cut them (truncated). */
static void
header_missing(const dm_l4_input *in, uint32_t need, dm_packet *pkt)
{
	if (in->ip_len < need)
		pkt->malformed = DM_MAL_L4_HEADER;
	else if (in->short_frame)
		pkt->malformed = DM_MAL_IP_LEN_FRAME;
	unverified(pkt, pkt->malformed ? DM_CSUM_REASON_MALFORMED
	                               : DM_CSUM_REASON_TRUNCATED);
}

/* Ports are the first four bytes of both headers. */
static bool
ports(const dm_l4_input *in, dm_packet *pkt)
{
	if (!dm_get_be16(&in->payload, 0, &pkt->sport) ||
	    !dm_get_be16(&in->payload, 2, &pkt->dport))
		return false;
	pkt->l4 = in->payload.base;
	pkt->l4_caplen = (uint32_t)in->payload.len;
	return true;
}

static dm_frame_status
udp_decode(const dm_l4_input *in, dm_packet *pkt)
{
	const dm_reader *p = &in->payload;

	if (!ports(in, pkt))
		return DM_FRAME_TRUNC_L4;
	pkt->seg_len = in->ip_len;
	if (dm_get_be16(p, 4, &pkt->udp_length)) {
		pkt->have_length = true;
		pkt->seg_len = pkt->udp_length;
		pkt->payload_len = pkt->udp_length >= UDP_HDR ? pkt->udp_length - UDP_HDR : 0;
	}
	if (!dm_get_be16(p, 6, &pkt->csum.stored)) {
		header_missing(in, UDP_HDR, pkt);
		return DM_FRAME_SEGMENT;
	}
	pkt->have_csum_field = true;

	if (pkt->is_fragment) {
		/* The length covers the whole datagram, not this fragment. */
		unverified(pkt, DM_CSUM_REASON_FRAGMENT);
		return DM_FRAME_SEGMENT;
	}
	if (pkt->udp_length < UDP_HDR) {
		pkt->malformed = DM_MAL_UDP_LEN_SHORT;
		unverified(pkt, DM_CSUM_REASON_MALFORMED);
		return DM_FRAME_SEGMENT;
	}
	if (pkt->udp_length > in->ip_len) {
		pkt->malformed = DM_MAL_UDP_LEN_LONG;
		unverified(pkt, DM_CSUM_REASON_MALFORMED);
		return DM_FRAME_SEGMENT;
	}
	if (pkt->udp_length > p->len) {
		/* The datagram is longer than what we have of it. */
		if (in->short_frame) {
			pkt->malformed = DM_MAL_IP_LEN_FRAME;
			unverified(pkt, DM_CSUM_REASON_MALFORMED);
		} else {
			unverified(pkt, DM_CSUM_REASON_TRUNCATED);
		}
		return DM_FRAME_SEGMENT;
	}
	/* Bytes past the UDP length (within the IP payload) are not covered:
	 * a receiving stack trims to the UDP length before verifying. */
	verify(p, pkt->udp_length, 6, pkt);
	return DM_FRAME_SEGMENT;
}

/* The option bytes (RFC 9293 3.1) between the fixed header and the data
 * offset, as far as they were captured: copied raw (at most 40 bytes, a
 * memcpy) when dm_decode_set_details() asked for them (-v), decoded only
 * by the report. */
static void
copy_options(const dm_reader *p, size_t hlen, dm_packet *pkt)
{
	size_t want = hlen - TCP_MIN_HDR;  /* at most 40: doff is 4 bits */
	size_t have = p->len > TCP_MIN_HDR ? p->len - TCP_MIN_HDR : 0;

	if (have < want)
		pkt->tcp_opts_cut = true;
	else
		have = want;
	if (have > sizeof pkt->tcp_opts)
		have = sizeof pkt->tcp_opts;
	if (dm_get_bytes(p, TCP_MIN_HDR, pkt->tcp_opts, have))
		pkt->tcp_opts_len = (uint8_t)have;
}

dm_frame_status
dm_tcp_decode(const dm_l4_input *in, dm_packet *pkt)
{
	const dm_reader *p = &in->payload;
	uint16_t offflags = 0;  /* read below; some compilers cannot tell */
	uint32_t len = in->ip_len;

	if (!ports(in, pkt))
		return DM_FRAME_TRUNC_L4;
	pkt->seg_len = len;
	if (!dm_reader_has(p, 0, TCP_MIN_HDR)) {
		header_missing(in, TCP_MIN_HDR, pkt);
		return DM_FRAME_SEGMENT;
	}
	dm_get_be32(p, 4, &pkt->seq);
	dm_get_be32(p, 8, &pkt->ack);
	dm_get_be16(p, 12, &offflags);
	dm_get_be16(p, 14, &pkt->window);
	dm_get_be16(p, 16, &pkt->csum.stored);
	dm_get_be16(p, 18, &pkt->urg_ptr);
	pkt->have_tcp = true;
	pkt->have_csum_field = true;
	pkt->tcp_doff = (uint8_t)(offflags >> 12);
	pkt->tcp_flags = (uint8_t)offflags;

	size_t hlen = (size_t)pkt->tcp_doff * 4;
	if (hlen < TCP_MIN_HDR || hlen > len)
		pkt->malformed = DM_MAL_TCP_OFFSET;
	else
		pkt->payload_len = len - (uint32_t)hlen;
	if (hlen > TCP_MIN_HDR && dm_decode_details)
		copy_options(p, hlen, pkt);

	if (pkt->is_fragment) {
		unverified(pkt, DM_CSUM_REASON_FRAGMENT);
		return DM_FRAME_SEGMENT;
	}
	if (hlen < TCP_MIN_HDR) {
		unverified(pkt, DM_CSUM_REASON_MALFORMED);
		return DM_FRAME_SEGMENT;
	}
	if (in->short_frame) {
		/* The IP length promises bytes the frame never carried: judge
		 * the segment that did arrive, as Wireshark does. */
		if (pkt->malformed == DM_MAL_NONE)
			pkt->malformed = DM_MAL_IP_LEN_FRAME;
		len = (uint32_t)p->len;
		pkt->seg_len = len;
		pkt->payload_len = hlen <= len ? len - (uint32_t)hlen : 0;
	} else if (in->cut) {
		unverified(pkt, DM_CSUM_REASON_TRUNCATED);
		return DM_FRAME_SEGMENT;
	}
	/* The checksum covers the whole IP payload whatever the data offset
	 * says, so it is computed even for an offset past the payload (as
	 * Wireshark does). */
	verify(p, len, 16, pkt);
	return DM_FRAME_SEGMENT;
}

/* A whole, well-formed datagram to or from a tunnel port carries that
 * tunnel: the lower port is tried first, as tshark does. */
static void
note_tunnel(const dm_l4_input *in, dm_packet *pkt)
{
	uint16_t lo = pkt->sport < pkt->dport ? pkt->sport : pkt->dport;
	uint16_t hi = pkt->sport < pkt->dport ? pkt->dport : pkt->sport;
	uint8_t kind = dm_tunnel_udp[lo] ? dm_tunnel_udp[lo] : dm_tunnel_udp[hi];
	if (!kind)
		return;
	dm_reader body = dm_reader_sub(&in->payload, UDP_HDR, pkt->udp_length - UDP_HDR);
	pkt->tunnel = kind;
	pkt->tun_data = body.base;
	pkt->tun_caplen = (uint32_t)body.len;
	pkt->tun_len = pkt->udp_length - UDP_HDR;
}

dm_frame_status
dm_udp_decode(const dm_l4_input *in, dm_packet *pkt)
{
	dm_frame_status st = udp_decode(in, pkt);
	if (st == DM_FRAME_SEGMENT && pkt->have_csum_field && !pkt->malformed &&
	    !pkt->is_fragment && pkt->udp_length >= UDP_HDR)
		note_tunnel(in, pkt);
	return st;
}
