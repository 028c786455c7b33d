/* ipv6.c - IPv6 header and extension-header chain (RFC 8200 section 4):
 * hop-by-hop options (with the RFC 2675 jumbo payload option), routing
 * (type 0, 2 (RFC 6275) and 4 (RFC 8754 SRH): the final destination is
 * what the pseudo-header uses, RFC 8200 section 8.1), destination options
 * (with the RFC 6275 section 6.3 Home Address option: the segment is from
 * that address, and section 9.3.1 has the receiver put it in the place of
 * the IP header's source, so the pseudo-header uses it too), fragment
 * (section 4.5: identification, M flag, offset and the fragment's data
 * are handed to reassembly in dm_packet.frag; an atomic fragment, offset
 * 0 without M, is processed on its own as RFC 6946 asks) and AH (RFC 4302
 * section 2.2), walked with a bound on the chain.  The options of every
 * hop-by-hop and destination options header are walked as RFC 8200
 * section 4.2 lays them out (Pad1 a single byte, every other option type,
 * length, data): one running past the end of its header makes the header
 * malformed; a header the capture cut is truncated.
 */
#include "config.h"

#include <string.h>

#include "decode-int.h"

#define IPV6_HDR 40
#define EXT_LIMIT 16

enum {
	NH_HOPOPTS = 0, NH_ROUTING = 43, NH_FRAGMENT = 44, NH_AH = 51,
	NH_NONE = 59, NH_DSTOPTS = 60,
};

/* The final destination named by a routing header with segments left. */
static void
routing_final_dst(const dm_reader *ext, dm_packet *pkt)
{
	uint8_t type, left, hlen;
	size_t n;

	if (!dm_get_u8(ext, 1, &hlen) || !dm_get_u8(ext, 2, &type) ||
	    !dm_get_u8(ext, 3, &left) || left == 0)
		return;
	n = hlen / 2; /* 16-byte addresses after the 8-byte fixed part */
	if (n == 0)
		return;
	switch (type) {
	case 0: /* RFC 2460 type 0: the last listed address */
	case 2: /* RFC 6275 type 2: the home address */
		dm_get_bytes(ext, 8 + (n - 1) * 16, pkt->final_dst, 16);
		break;
	case 4: /* RFC 8754: Segment List[0] is the last segment */
		dm_get_bytes(ext, 8, pkt->final_dst, 16);
		break;
	default:
		break;
	}
}

/* Option types of RFC 8200 section 4.2, RFC 2675 and RFC 6275 6.3. */
enum { OPT_PAD1 = 0, OPT_JUMBO = 0xc2, OPT_HOME_ADDRESS = 0xc9 };

/* What the options of one hop-by-hop or destination options header say. */
typedef struct {
	bool jumbo;              /* an RFC 2675 jumbo payload option, */
	uint32_t jumbo_len;      /* its length */
	bool home;               /* an RFC 6275 Home Address option, */
	uint8_t home_addr[16];   /* its address */
} options;

/* Walk the option TLVs of the header @ext (@ext_len bytes, all captured)
 * of type @nh (RFC 8200 section 4.2).
 * Returns: false when an option runs past the end of the header. */
static bool
walk_options(const dm_reader *ext, size_t ext_len, uint8_t nh, options *o)
{
	size_t off = 2;

	memset(o, 0, sizeof *o);
	while (off < ext_len) {
		uint8_t type = OPT_PAD1, olen;
		dm_get_u8(ext, off, &type);  /* the header is all captured */
		if (type == OPT_PAD1) {
			off++;
			continue;
		}
		if (off + 2 > ext_len || !dm_get_u8(ext, off + 1, &olen) ||
		    off + 2 + (size_t)olen > ext_len)
			return false;
		if (nh == NH_HOPOPTS && type == OPT_JUMBO && olen == 4 && !o->jumbo)
			o->jumbo = dm_get_be32(ext, off + 2, &o->jumbo_len);
		else if (nh == NH_DSTOPTS && type == OPT_HOME_ADDRESS && olen == 16 &&
		         !o->home)
			o->home = dm_get_bytes(ext, off + 2, o->home_addr, 16);
		off += 2 + (size_t)olen;
	}
	return true;
}

/* RFC 6275 section 9.3.1: a destination processing a Home Address option
 * swaps it with the IP header's source before the upper layer sees the
 * packet: the segment is from the home address, and its checksum's
 * pseudo-header has it.  The header's own source is kept in ip_src. */
static void
home_address(const options *o, dm_packet *pkt)
{
	if (!o->home)
		return;
	if (!pkt->home_addr)
		memcpy(pkt->ip_src, pkt->src, 16);
	pkt->home_addr = true;
	memcpy(pkt->src, o->home_addr, 16);
}

/* Where a walk of the extension-header chain is. */
typedef struct {
	size_t off;              /* of the header named by nh */
	uint8_t nh;              /* the next header's type */
	uint16_t plen;           /* payload length field (0: none) */
	uint32_t payload_len;    /* by plen or the jumbo option */
	bool jumbo;
	uint32_t wire_extra;
} chain;

/* The fragment header at @ext (@c->off): what reassembly needs. */
static dm_frame_status
fragment_header(const dm_reader *r, const dm_reader *ext, const chain *c,
                uint8_t next, dm_packet *pkt)
{
	uint16_t fo;
	size_t data_off = c->off + 8;
	uint32_t len;

	dm_get_be16(ext, 2, &fo);
	if (!(fo & 0xfff8) && !(fo & 1))
		return DM_FRAME_SEGMENT; /* atomic (RFC 6946): no reassembly */
	dm_reader after = dm_reader_sub(r, data_off, r->len);
	if (c->plen == 0 && !c->jumbo) {
		len = (uint32_t)after.len + c->wire_extra;
	} else if ((uint64_t)c->payload_len + IPV6_HDR < data_off) {
		return DM_FRAME_BAD_IP;
	} else {
		len = c->payload_len + IPV6_HDR - (uint32_t)data_off;
	}
	pkt->is_fragment = true;
	dm_get_be32(ext, 4, &pkt->frag.id);
	pkt->frag.offset = fo & 0xfff8;
	pkt->frag.more = (fo & 1) != 0;
	pkt->frag.next = next;
	pkt->frag.unfrag_len = (uint32_t)c->off;
	dm_fragment_data(&pkt->frag, after, len, c->wire_extra);
	return DM_FRAME_SEGMENT;
}

/* The header @ext (@ext_len bytes, all captured) of type @nh at @c->off,
 * the @i-th of the chain, with next header @next.
 * Returns: DM_FRAME_SEGMENT to go on, else the frame's outcome. */
static dm_frame_status
one_header(const dm_reader *r, const dm_reader *ext, size_t ext_len, int i,
           uint8_t next, chain *c, dm_packet *pkt)
{
	uint8_t nh = c->nh;
	options o;

	if (nh == NH_HOPOPTS || nh == NH_DSTOPTS) {
		if (!walk_options(ext, ext_len, nh, &o))
			return DM_FRAME_BAD_IPV6_OPT;
		if (o.jumbo && i == 0 && c->off == IPV6_HDR && c->plen == 0) {
			c->jumbo = true;
			c->payload_len = o.jumbo_len;
		}
		home_address(&o, pkt);
	} else if (nh == NH_ROUTING) {
		routing_final_dst(ext, pkt);
	} else if (nh == NH_FRAGMENT) {
		dm_frame_status st = fragment_header(r, ext, c, next, pkt);
		if (st != DM_FRAME_SEGMENT)
			return st;
		if (pkt->frag.offset) {
			pkt->proto = next;
			return DM_FRAME_FRAGMENT;
		}
	}
	return DM_FRAME_SEGMENT;
}

/* Walk the extension headers of @r from @c->off up to the transport
 * header, leaving @c at it.  Returns DM_FRAME_SEGMENT to go on, else the
 * frame's outcome. */
static dm_frame_status
walk_chain(const dm_reader *r, chain *c, dm_packet *pkt)
{
	for (int i = 0;; i++) {
		uint8_t next, hl, nh = c->nh;
		size_t ext_len, off = c->off;

		if (nh != NH_HOPOPTS && nh != NH_ROUTING && nh != NH_FRAGMENT &&
		    nh != NH_AH && nh != NH_DSTOPTS)
			return DM_FRAME_SEGMENT;
		if (i >= EXT_LIMIT)
			return DM_FRAME_EXT_LIMIT; /* ext_last: the 16th */
		pkt->ext_last = nh;
		if (!dm_get_u8(r, off, &next) || !dm_get_u8(r, off + 1, &hl))
			return DM_FRAME_TRUNC_IP;
		if (nh == NH_FRAGMENT)
			ext_len = 8;
		else if (nh == NH_AH)
			ext_len = ((size_t)hl + 2) * 4;
		else
			ext_len = ((size_t)hl + 1) * 8;
		if (!dm_reader_has(r, off, ext_len))
			return DM_FRAME_TRUNC_IP;
		dm_reader ext = dm_reader_sub(r, off, ext_len);

		dm_frame_status st = one_header(r, &ext, ext_len, i, next, c, pkt);
		if (st != DM_FRAME_SEGMENT)
			return st;
		c->off = off + ext_len;
		c->nh = next;
	}
}

const char *
dm_ipv6_ext_name(uint8_t nh)
{
	switch (nh) {
	case NH_HOPOPTS:
		return "hop-by-hop options";
	case NH_ROUTING:
		return "routing";
	case NH_FRAGMENT:
		return "fragment";
	case NH_AH:
		return "authentication";
	case NH_DSTOPTS:
		return "destination options";
	default:
		return NULL;
	}
}

dm_frame_status
dm_ipv6_decode(dm_reader r, uint32_t wire_extra, dm_packet *pkt)
{
	uint8_t v;
	chain c = { .off = IPV6_HDR, .wire_extra = wire_extra };

	pkt->family = 6;
	if (!dm_get_u8(&r, 0, &v) || !dm_reader_has(&r, 0, IPV6_HDR))
		return DM_FRAME_TRUNC_IP;
	if (v >> 4 != 6)
		return DM_FRAME_BAD_IP;
	dm_get_be16(&r, 4, &c.plen);
	dm_get_u8(&r, 6, &c.nh);
	dm_get_u8(&r, 7, &pkt->ttl);
	pkt->ip_id = 0;
	pkt->ip_total_len = 40u + c.plen;
	pkt->have_ip_info = true;
	dm_get_bytes(&r, 8, pkt->src, 16);
	dm_get_bytes(&r, 24, pkt->dst, 16);
	memcpy(pkt->final_dst, pkt->dst, 16);
	memcpy(pkt->ip_src, pkt->src, 16);
	pkt->home_addr = false;  /* an outer header's, in a tunnel */
	pkt->ext_last = 0;
	c.payload_len = c.plen;

	dm_frame_status st = walk_chain(&r, &c, pkt);
	if (st != DM_FRAME_SEGMENT)
		return st;
	pkt->proto = c.nh;
	if (c.nh == NH_NONE)
		return DM_FRAME_OTHER_PROTO;

	dm_reader after = dm_reader_sub(&r, c.off, r.len);
	uint32_t ip_len;
	size_t ext_total = c.off - IPV6_HDR;
	if (c.plen == 0 && !c.jumbo) {
		/* Payload length 0 without a jumbo option: a BIG TCP frame,
		 * whose length is the frame's. */
		pkt->tso_length = true;
		ip_len = (uint32_t)after.len + wire_extra;
	} else if (c.payload_len < ext_total) {
		return DM_FRAME_BAD_IP;
	} else {
		ip_len = c.payload_len - (uint32_t)ext_total;
	}
	pkt->ip_payload_len = ip_len;

	dm_l4_input in;
	dm_l4_input_init(&in, after, ip_len, wire_extra);
	return dm_l4_dispatch(&in, pkt);
}

dm_frame_status
dm_ipv6_fragmentable_rest(const dm_l4_input *in, dm_packet *pkt, dm_l4_input *rest)
{
	/* Extension headers after the fragment header (destination options,
	 * routing, AH) are part of the reassembled payload. */
	chain c = { .off = 0, .nh = pkt->proto, .plen = 1 };
	dm_frame_status st = walk_chain(&in->payload, &c, pkt);
	if (st != DM_FRAME_SEGMENT)
		return st;
	pkt->proto = c.nh;
	if (c.nh == NH_NONE)
		return DM_FRAME_OTHER_PROTO;
	if (c.off > in->ip_len)
		return DM_FRAME_BAD_IP;

	*rest = *in;
	rest->payload = dm_reader_sub(&in->payload, c.off, in->payload.len);
	rest->ip_len = in->ip_len - (uint32_t)c.off;
	pkt->ip_payload_len = rest->ip_len;
	return DM_FRAME_SEGMENT;
}
