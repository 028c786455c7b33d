/* tunnel.c - the packet inside a tunnel, from its tunnel header down:
 *   VXLAN (RFC 7348 section 5): 8 bytes, flags with I (VNI valid), VNI;
 *     Ethernet inside;
 *   VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe section 3.2): the P flag names
 *     the next protocol (1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS);
 *   NSH (RFC 8300 section 2.2): base header with its length in 4-byte
 *     words and the next protocol, then the service path (SPI, SI);
 *   Geneve (RFC 8926 section 3.4): version 0, option length in 4-byte
 *     words, an Ethertype (0x6558 Ethernet), VNI;
 *   GTP-U (3GPP TS 29.281 section 5): version 1 with PT, TEID; the
 *     optional sequence / N-PDU / extension fields and the chain of
 *     extension headers; a G-PDU (type 255) carries IPv4 or IPv6;
 *   Teredo (RFC 4380 section 5.1.1): IPv6 inside, after an
 *     authentication and an origin indication when present;
 *   CAPWAP data (RFC 5415 section 4.3): HLEN in 4-byte words, T with
 *     WBID 1 for a native IEEE 802.11 frame, else Ethernet; fragments are
 *     not reassembled; the DTLS preamble is encrypted;
 *   MPLS in UDP (RFC 7510 section 3): a label stack;
 *   GRE (RFC 2784, RFC 2890 key and sequence number, RFC 1701 routing;
 *     version 1, RFC 2637 section 4.1, PPTP's enhanced GRE with PPP):
 *     by its protocol type, an Ethertype, with 0x6558 Ethernet, 0x88be
 *     ERSPAN type I (no header) or II (8 bytes, with S), 0x22eb ERSPAN
 *     type III (12 bytes and an optional 8-byte platform header;
 *     draft-foschiano-erspan section 4), 0x880b PPP, 0x883e WCCP
 *     redirection (a 4-byte header before IPv4 unless IPv4 follows at
 *     once, as Wireshark reads it);
 *   IP in IP (RFC 2003, RFC 4213): IPv4 or IPv6 inside IPv4 or IPv6.
 * The tunnel id a header carries (VNI, GRE key or PPTP call id, TEID,
 * SPI, ERSPAN session) goes with the encapsulation into the chain; VNIs
 * and GRE keys, the same in both directions, name tenant networks.
 */
#include "config.h"

#include <string.h>

#include "decode-int.h"

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_A 0x0080   /* version 1: acknowledgment number present */
#define GRE_MAX_SRE 64 /* routing entries walked */
#define GTPU_MAX_EXT 16

/* Append encapsulation @kind to @in's chain.
 * Returns: its entry, or NULL when the chain is full. */
static dm_encap *
push(dm_packet *in, dm_encap_kind kind)
{
	if (in->n_encap >= DM_ENCAP_MAX_DEPTH)
		return NULL;
	dm_encap *e = &in->encap[in->n_encap++];
	e->kind = (uint8_t)kind;
	e->has_id = false;
	e->tenant = false;
	e->id = 0;
	return e;
}

static void
set_id(dm_encap *e, uint32_t id)
{
	e->has_id = true;
	e->id = id;
}

/* An id that names a tenant network: the same in both directions. */
static void
set_tenant(dm_encap *e, uint32_t id)
{
	set_id(e, id);
	e->tenant = true;
}

static dm_frame_status open_nsh(dm_reader r, uint32_t extra, dm_packet *in);

/* The next-protocol values VXLAN-GPE and NSH share. */
static dm_frame_status
next_protocol(uint8_t next, dm_reader r, uint32_t extra, dm_packet *in)
{
	switch (next) {
	case 1: case 2:
		return dm_link_ip_any(r, extra, DM_FRAME_NOT_IP, in);
	case 3:
		return dm_link_ethernet(r, extra, 0, in);
	case 4:
		return open_nsh(r, extra, in);
	case 5:
		return dm_link_mpls(r, extra, 1, in);
	default:
		return DM_FRAME_NOT_IP;
	}
}

static dm_frame_status
open_nsh(dm_reader r, uint32_t extra, dm_packet *in)
{
	uint16_t w;
	uint8_t next;
	uint32_t path;
	dm_encap *e = push(in, DM_ENCAP_NSH);
	if (!e)
		return DM_FRAME_LINK_LIMIT;
	if (!dm_get_be16(&r, 0, &w) || !dm_get_u8(&r, 3, &next) || !dm_get_be32(&r, 4, &path))
		return DM_FRAME_TRUNC_LINK;
	size_t len = (size_t)(w & 0x3f) * 4;
	if (w >> 14 != 0 || len < 8)
		return DM_FRAME_BAD_LINK;
	if (!dm_reader_has(&r, 0, len))
		return DM_FRAME_TRUNC_LINK;
	set_id(e, path >> 8);
	return next_protocol(next, dm_reader_sub(&r, len, r.len), extra, in);
}

static dm_frame_status
open_vxlan(dm_reader r, uint32_t extra, bool gpe, dm_encap *e, dm_packet *in)
{
	uint8_t flags, next;
	uint32_t vni;
	if (!dm_get_u8(&r, 0, &flags) || !dm_get_u8(&r, 3, &next) || !dm_get_be32(&r, 4, &vni))
		return DM_FRAME_TRUNC_LINK;
	if (flags & 0x08)
		set_tenant(e, vni >> 8);
	dm_reader body = dm_reader_sub(&r, 8, r.len);
	if (gpe && (flags & 0x04))
		return next_protocol(next, body, extra, in);
	return dm_link_ethernet(body, extra, 0, in);
}

static dm_frame_status
open_geneve(dm_reader r, uint32_t extra, dm_encap *e, dm_packet *in)
{
	uint8_t b0;
	uint16_t type;
	uint32_t vni;
	if (!dm_get_u8(&r, 0, &b0) || !dm_get_be16(&r, 2, &type) || !dm_get_be32(&r, 4, &vni))
		return DM_FRAME_TRUNC_LINK;
	if (b0 >> 6 != 0)
		return DM_FRAME_BAD_LINK;
	size_t len = 8 + (size_t)(b0 & 0x3f) * 4;
	if (!dm_reader_has(&r, 0, len))
		return DM_FRAME_TRUNC_LINK;
	set_tenant(e, vni >> 8);
	dm_reader body = dm_reader_sub(&r, len, r.len);
	if (type == 0x6558)
		return dm_link_ethernet(body, extra, 0, in);
	return dm_link_ethertype(type, body, extra, 1, in);
}

static dm_frame_status
open_gtpu(dm_reader r, uint32_t extra, dm_encap *e, dm_packet *in)
{
	uint8_t flags, type, next;
	uint32_t teid;
	if (!dm_get_u8(&r, 0, &flags) || !dm_get_u8(&r, 1, &type) || !dm_get_be32(&r, 4, &teid))
		return DM_FRAME_TRUNC_LINK;
	if (flags >> 5 != 1)
		return DM_FRAME_BAD_LINK;    /* not GTPv1 */
	if (!(flags & 0x10))
		return DM_FRAME_NOT_IP;      /* GTP' (charging), not user data */
	set_id(e, teid);
	size_t off = 8;
	if (flags & 0x07) {
		if (!dm_get_u8(&r, 11, &next))
			return DM_FRAME_TRUNC_LINK;
		off = 12;
		for (unsigned n = 0; (flags & 0x04) && next; n++) {
			uint8_t words;
			if (n == GTPU_MAX_EXT)
				return DM_FRAME_LINK_LIMIT;
			if (!dm_get_u8(&r, off, &words))
				return DM_FRAME_TRUNC_LINK;
			if (words == 0)
				return DM_FRAME_BAD_LINK;
			if (!dm_get_u8(&r, off + (size_t)words * 4 - 1, &next))
				return DM_FRAME_TRUNC_LINK;
			off += (size_t)words * 4;
		}
	}
	if (type != 255)
		return DM_FRAME_NOT_IP;      /* echo, error indication... */
	return dm_link_ip_any(dm_reader_sub(&r, off, r.len), extra, DM_FRAME_NOT_IP, in);
}

static dm_frame_status
open_teredo(dm_reader r, uint32_t extra, dm_packet *in)
{
	size_t off = 0;
	uint16_t ind;
	uint8_t idlen, aulen;
	if (!dm_get_be16(&r, 0, &ind))
		return DM_FRAME_TRUNC_LINK;
	if (ind == 0x0001) {                 /* authentication */
		if (!dm_get_u8(&r, 2, &idlen) || !dm_get_u8(&r, 3, &aulen))
			return DM_FRAME_TRUNC_LINK;
		off = 4 + (size_t)idlen + aulen + 8 + 1;
		if (!dm_get_be16(&r, off, &ind))
			return DM_FRAME_TRUNC_LINK;
	}
	if (ind == 0x0000) {                 /* origin indication */
		off += 8;
		if (!dm_reader_has(&r, off, 1))
			return DM_FRAME_TRUNC_LINK;
	}
	dm_reader body = dm_reader_sub(&r, off, r.len);
	uint8_t v;
	if (!dm_get_u8(&body, 0, &v))
		return DM_FRAME_TRUNC_IP;
	return v >> 4 == 6 ? dm_ipv6_decode(body, extra, in) : DM_FRAME_NOT_IP;
}

static dm_frame_status
open_capwap(dm_reader r, uint32_t extra, dm_packet *in)
{
	uint32_t w0;
	if (!dm_get_be32(&r, 0, &w0))
		return DM_FRAME_TRUNC_LINK;
	if (w0 >> 28 != 0)
		return DM_FRAME_BAD_LINK;
	if ((w0 >> 24 & 0x0f) == 1)
		return DM_FRAME_ENCRYPTED;   /* a DTLS record */
	size_t hlen = (size_t)(w0 >> 19 & 0x1f) * 4;
	unsigned wbid = w0 >> 9 & 0x1f;
	if (hlen < 8)
		return DM_FRAME_BAD_LINK;
	if (!dm_reader_has(&r, 0, hlen))
		return DM_FRAME_TRUNC_LINK;
	if (w0 & 0x80)
		return DM_FRAME_LINK_UNSUPPORTED;  /* a fragment */
	dm_reader body = dm_reader_sub(&r, hlen, r.len);
	if ((w0 & 0x100) && wbid == 1)
		return dm_link_80211(body, extra, in);
	return dm_link_ethernet(body, extra, 0, in);
}

/* GRE's optional fields: where the payload starts (*@off), the key. */
static dm_frame_status
gre_fields(dm_reader *r, uint16_t fl, size_t *off, dm_encap *e)
{
	uint32_t key;
	size_t o = 4;
	if ((fl & 7) == 1) {                 /* PPTP: key is length + call id */
		if (!(fl & GRE_K))
			return DM_FRAME_BAD_LINK;
		if (!dm_get_be32(r, 4, &key))
			return DM_FRAME_TRUNC_LINK;
		set_id(e, key & 0xffff);
		o = 8 + (fl & GRE_S ? 4 : 0) + (fl & GRE_A ? 4 : 0);
	} else if ((fl & 7) == 0) {
		if (fl & (GRE_C | GRE_R))
			o += 4;
		if (fl & GRE_K) {
			if (!dm_get_be32(r, o, &key))
				return DM_FRAME_TRUNC_LINK;
			set_tenant(e, key);
			o += 4;
		}
		if (fl & GRE_S)
			o += 4;
		for (unsigned n = 0; fl & GRE_R; n++) {   /* RFC 1701 routing */
			uint16_t af;
			uint8_t len;
			if (n == GRE_MAX_SRE)
				return DM_FRAME_LINK_LIMIT;
			if (!dm_get_be16(r, o, &af) || !dm_get_u8(r, o + 3, &len))
				return DM_FRAME_TRUNC_LINK;
			o += 4 + len;
			if (af == 0 && len == 0)
				break;
		}
	} else {
		return DM_FRAME_BAD_LINK;
	}
	if (!dm_reader_has(r, 0, o))
		return DM_FRAME_TRUNC_LINK;
	*off = o;
	return DM_FRAME_SEGMENT;
}

/* ERSPAN type II (@v3 false, its GRE header with S) or III. */
static dm_frame_status
open_erspan(dm_reader r, uint32_t extra, bool v3, dm_packet *in)
{
	uint32_t w0, w2 = 0;
	dm_encap *e = push(in, DM_ENCAP_ERSPAN);
	if (!e)
		return DM_FRAME_LINK_LIMIT;
	if (!dm_get_be32(&r, 0, &w0) || !dm_reader_has(&r, 0, v3 ? 12 : 8))
		return DM_FRAME_TRUNC_LINK;
	if (w0 >> 28 != (v3 ? 2u : 1u))
		return DM_FRAME_BAD_LINK;
	set_id(e, w0 & 0x3ff);
	size_t len = 8;
	if (v3) {
		dm_get_be32(&r, 8, &w2);
		len = w2 & 1 ? 20 : 12;      /* O: the platform subheader */
		if (!dm_reader_has(&r, 0, len))
			return DM_FRAME_TRUNC_LINK;
		if ((w2 >> 10 & 0x1f) != 0)
			return DM_FRAME_LINK_UNSUPPORTED;  /* not an Ethernet frame */
	}
	return dm_link_ethernet(dm_reader_sub(&r, len, r.len), extra, 0, in);
}

static dm_frame_status
open_gre(dm_reader r, uint32_t extra, dm_encap *e, dm_packet *in)
{
	uint16_t fl, type;
	size_t off;
	uint8_t v;
	if (!dm_get_be16(&r, 0, &fl) || !dm_get_be16(&r, 2, &type))
		return DM_FRAME_TRUNC_LINK;
	dm_frame_status st = gre_fields(&r, fl, &off, e);
	if (st != DM_FRAME_SEGMENT)
		return st;
	dm_reader body = dm_reader_sub(&r, off, r.len);
	switch (type) {
	case 0x6558:
		return dm_link_ethernet(body, extra, 0, in);
	case 0x88be:
		if (fl & GRE_S)
			return open_erspan(body, extra, false, in);
		if (!push(in, DM_ENCAP_ERSPAN))
			return DM_FRAME_LINK_LIMIT;
		return dm_link_ethernet(body, extra, 0, in);   /* type I */
	case 0x22eb:
		return open_erspan(body, extra, true, in);
	case 0x880b:
		return dm_link_ppp(body, extra, in);
	case 0x883e:
		if (!dm_get_u8(&body, 0, &v))
			return DM_FRAME_TRUNC_LINK;
		if (v >> 4 != 4)
			body = dm_reader_sub(&body, 4, body.len);
		return dm_link_ip_any(body, extra, DM_FRAME_NOT_IP, in);
	default:
		return dm_link_ethertype(type, body, extra, 1, in);
	}
}

static dm_frame_status
open_kind(dm_encap_kind kind, dm_reader r, uint32_t extra, dm_encap *e, dm_packet *in)
{
	switch (kind) {
	case DM_ENCAP_VXLAN:
		return open_vxlan(r, extra, false, e, in);
	case DM_ENCAP_VXLAN_GPE:
		return open_vxlan(r, extra, true, e, in);
	case DM_ENCAP_GENEVE:
		return open_geneve(r, extra, e, in);
	case DM_ENCAP_GTPU:
		return open_gtpu(r, extra, e, in);
	case DM_ENCAP_TEREDO:
		return open_teredo(r, extra, in);
	case DM_ENCAP_CAPWAP:
		return open_capwap(r, extra, in);
	case DM_ENCAP_MPLS_UDP:
		return dm_link_mpls(r, extra, 1, in);
	case DM_ENCAP_GRE:
		return open_gre(r, extra, e, in);
	case DM_ENCAP_IPIP:
		return dm_ipv4_decode(r, extra, in);
	case DM_ENCAP_IPV6IP:
		return dm_ipv6_decode(r, extra, in);
	default:
		return DM_FRAME_NOT_IP;
	}
}

bool
dm_decode_tunnel(const dm_packet *outer, dm_frame_status *st, dm_packet *inner)
{
	if (outer->tunnel == DM_ENCAP_NONE)
		return false;
	memset(inner, 0, dm_packet_used_size());
	inner->caplen = outer->caplen;
	inner->wirelen = outer->wirelen;
	inner->headers_only = outer->headers_only;
	inner->n_encap = outer->n_encap;
	memcpy(inner->encap, outer->encap, sizeof inner->encap);
	dm_encap *e = push(inner, (dm_encap_kind)outer->tunnel);
	if (!e) {
		*st = DM_FRAME_LINK_LIMIT;
		return true;
	}
	/* The bytes the wire had past those captured, when the capture cut
	 * them (else the frame never had them: the inner header says so). */
	uint32_t extra = outer->wirelen > outer->caplen && outer->tun_len > outer->tun_caplen
	               ? outer->tun_len - outer->tun_caplen : 0;
	dm_reader r = dm_reader_make(outer->tun_data, outer->tun_caplen);
	*st = open_kind((dm_encap_kind)outer->tunnel, r, extra, e, inner);
	return true;
}
