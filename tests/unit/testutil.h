/* testutil.h - a tiny packet builder for the unit tests, and an
 * independent reference Internet checksum.
 *
 * The reference checksum here is deliberately naive (RFC 1071 section
 * 4.1's loop: 16-bit big-endian words, pad an odd byte, fold the carries,
 * complement) and shares no code with src/checksum/checksum.c, so tests that build
 * frames with it cross-check the library.
 *
 * A tu_pkt is one frame being built in a fixed buffer:
 *
 *	tu_pkt p;
 *	tu_init(&p);
 *	tu_eth(&p, TU_ETH_IPV4);             link header (optional)
 *	tu_ipv4(&p, NULL, 0);                IP header (+ options)
 *	tu_udp(&p, 1234, 53, data, n);       transport header + payload
 *	tu_finish(&p);                       lengths and checksums
 *
 * Everything is static inline so each test program uses what it needs.
 */
#ifndef DEMUXSIM_TESTUTIL_H
#define DEMUXSIM_TESTUTIL_H

#include <glib.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "demuxsim/decode.h"

enum {
	TU_ETH_IPV4 = 0x0800, TU_ETH_ARP = 0x0806, TU_ETH_IPV6 = 0x86dd,
	TU_TPID_8021Q = 0x8100, TU_TPID_8021AD = 0x88a8, TU_TPID_9100 = 0x9100,
};

enum {
	TU_P_HOPOPTS = 0, TU_P_ICMP = 1, TU_P_TCP = 6, TU_P_UDP = 17,
	TU_P_ROUTING = 43, TU_P_FRAGMENT = 44, TU_P_ICMPV6 = 58,
	TU_P_NONE = 59, TU_P_DSTOPTS = 60,
};

#define TU_MAX 2048

typedef struct {
	uint8_t d[TU_MAX];
	size_t len;
	int family;          /* 4 or 6 once an IP header was added */
	size_t ip_off;       /* the IP header */
	size_t nh_off;       /* the byte naming the next protocol */
	size_t l4_off;       /* the transport header */
	size_t l4_len;       /* transport bytes (set by tu_finish) */
	size_t csum_off;     /* checksum field inside the transport header */
	uint8_t proto;
	uint8_t src[16], dst[16];
	uint8_t final_dst[16]; /* RFC 8200 section 8.1 pseudo-header dst */
} tu_pkt;

static const uint8_t tu_v4_src[4] = { 192, 0, 2, 1 };
static const uint8_t tu_v4_dst[4] = { 198, 51, 100, 2 };
static const uint8_t tu_v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t tu_v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* ---- bytes --------------------------------------------------------- */

static inline void
tu_init(tu_pkt *p)
{
	memset(p, 0, sizeof *p);
}

static inline void
tu_u8(tu_pkt *p, unsigned v)
{
	g_assert_cmpuint(p->len, <, TU_MAX);
	p->d[p->len++] = (uint8_t)v;
}

static inline void
tu_be16(tu_pkt *p, unsigned v)
{
	tu_u8(p, v >> 8 & 0xff);
	tu_u8(p, v & 0xff);
}

static inline void
tu_be32(tu_pkt *p, uint32_t v)
{
	tu_be16(p, v >> 16);
	tu_be16(p, v & 0xffff);
}

static inline void
tu_le32(tu_pkt *p, uint32_t v)
{
	tu_u8(p, v & 0xff);
	tu_u8(p, v >> 8 & 0xff);
	tu_u8(p, v >> 16 & 0xff);
	tu_u8(p, v >> 24);
}

static inline void
tu_bytes(tu_pkt *p, const void *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tu_u8(p, ((const uint8_t *)src)[i]);
}

static inline void
tu_fill(tu_pkt *p, unsigned byte, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tu_u8(p, byte);
}

static inline void
tu_set_be16(tu_pkt *p, size_t off, unsigned v)
{
	g_assert_cmpuint(off + 2, <=, p->len);
	p->d[off] = (uint8_t)(v >> 8);
	p->d[off + 1] = (uint8_t)v;
}

static inline unsigned
tu_get_be16(const tu_pkt *p, size_t off)
{
	g_assert_cmpuint(off + 2, <=, p->len);
	return (unsigned)p->d[off] << 8 | p->d[off + 1];
}

/* ---- reference checksum (independent of src/checksum/checksum.c) ---------- */

/* The folded (not complemented) one's-complement sum of @n bytes. */
static inline uint16_t
tu_ref_sum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i < n; i += 2) {
		uint32_t w = (uint32_t)b[i] << 8;
		if (i + 1 < n)
			w |= b[i + 1];
		s += w;
		while (s >> 16)
			s = (s & 0xffff) + (s >> 16);
	}
	return (uint16_t)s;
}

/* The transport checksum field value for @seg (@n bytes, its checksum
 * field at @csum_off taken as zero), over the pseudo-header built byte
 * by byte.  ICMP over IPv4 has no pseudo-header; UDP sends 0 as 0xffff. */
static inline uint16_t
tu_ref_l4_csum(int family, const uint8_t *src, const uint8_t *dst,
               uint8_t proto, const uint8_t *seg, size_t n, size_t csum_off)
{
	uint8_t *buf = g_malloc0(40 + n + 1);
	size_t k = 0;

	if (family == 4 && proto != TU_P_ICMP) {
		memcpy(buf + k, src, 4), k += 4;
		memcpy(buf + k, dst, 4), k += 4;
		buf[k++] = 0;
		buf[k++] = proto;
		buf[k++] = (uint8_t)(n >> 8);
		buf[k++] = (uint8_t)n;
	} else if (family == 6) {
		memcpy(buf + k, src, 16), k += 16;
		memcpy(buf + k, dst, 16), k += 16;
		buf[k++] = (uint8_t)(n >> 24);
		buf[k++] = (uint8_t)(n >> 16);
		buf[k++] = (uint8_t)(n >> 8);
		buf[k++] = (uint8_t)n;
		buf[k++] = 0;
		buf[k++] = 0;
		buf[k++] = 0;
		buf[k++] = proto;
	}
	memcpy(buf + k, seg, n);
	buf[k + csum_off] = 0;
	buf[k + csum_off + 1] = 0;
	uint16_t c = (uint16_t)~tu_ref_sum(buf, k + n);
	g_free(buf);
	if (proto == TU_P_UDP && c == 0)
		c = 0xffff;
	return c;
}

/* ---- link headers -------------------------------------------------- */

static inline void
tu_eth_macs(tu_pkt *p)
{
	static const uint8_t macs[12] = {
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  /* destination */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  /* source */
	};
	tu_bytes(p, macs, sizeof macs);
}

static inline void
tu_eth(tu_pkt *p, unsigned ethertype)
{
	tu_eth_macs(p);
	tu_be16(p, ethertype);
}

/* Ethernet with @n stacked tags, outermost first. */
static inline void
tu_eth_vlan(tu_pkt *p, const unsigned *tpids, size_t n, unsigned ethertype)
{
	tu_eth_macs(p);
	for (size_t i = 0; i < n; i++) {
		tu_be16(p, tpids[i]);
		tu_be16(p, (unsigned)(100 + i)); /* PCP 0, DEI 0, VID */
	}
	tu_be16(p, ethertype);
}

/* Linux cooked capture v1: 16 bytes, protocol last. */
static inline void
tu_sll(tu_pkt *p, unsigned ethertype)
{
	tu_be16(p, 0);  /* packet type: to us */
	tu_be16(p, 1);  /* ARPHRD_ETHER */
	tu_be16(p, 6);  /* address length */
	tu_bytes(p, "\x02\x00\x00\x00\x00\x01\x00\x00", 8);
	tu_be16(p, ethertype);
}

/* Linux cooked capture v2: 20 bytes, protocol first. */
static inline void
tu_sll2(tu_pkt *p, unsigned ethertype)
{
	tu_be16(p, ethertype);
	tu_be16(p, 0);  /* reserved */
	tu_be32(p, 3);  /* interface index */
	tu_be16(p, 1);  /* ARPHRD_ETHER */
	tu_u8(p, 4);    /* packet type: outgoing */
	tu_u8(p, 6);    /* address length */
	tu_bytes(p, "\x02\x00\x00\x00\x00\x01\x00\x00", 8);
}

/* BSD loopback: a 4-byte address family in either byte order. */
static inline void
tu_null(tu_pkt *p, uint32_t af, bool big_endian)
{
	if (big_endian)
		tu_be32(p, af);
	else
		tu_le32(p, af);
}

/* ---- IP ------------------------------------------------------------ */

static inline void
tu_next(tu_pkt *p, uint8_t proto)
{
	p->d[p->nh_off] = proto;
	p->proto = proto;
}

/* IPv4 header with @optlen (a multiple of 4) bytes of options. */
static inline void
tu_ipv4(tu_pkt *p, const uint8_t *opts, size_t optlen)
{
	g_assert_cmpuint(optlen % 4, ==, 0);
	g_assert_cmpuint(optlen, <=, 40);
	p->family = 4;
	p->ip_off = p->len;
	tu_u8(p, 0x40 | (unsigned)(5 + optlen / 4));
	tu_u8(p, 0);          /* DSCP/ECN */
	tu_be16(p, 0);        /* total length: tu_finish */
	tu_be16(p, 0x1234);   /* identification */
	tu_be16(p, 0x4000);   /* DF */
	tu_u8(p, 64);         /* TTL */
	p->nh_off = p->len;
	tu_u8(p, 0);          /* protocol */
	tu_be16(p, 0);        /* header checksum: tu_finish */
	memcpy(p->src, tu_v4_src, 4);
	memcpy(p->dst, tu_v4_dst, 4);
	memcpy(p->final_dst, tu_v4_dst, 4);
	tu_bytes(p, p->src, 4);
	tu_bytes(p, p->dst, 4);
	tu_bytes(p, opts, optlen);
}

/* Set the IPv4 fragment field: offset in 8-byte units, more fragments. */
static inline void
tu_ipv4_frag(tu_pkt *p, unsigned offset8, bool more)
{
	tu_set_be16(p, p->ip_off + 6, (more ? 0x2000u : 0) | (offset8 & 0x1fff));
}

static inline void
tu_ipv6(tu_pkt *p)
{
	p->family = 6;
	p->ip_off = p->len;
	tu_be32(p, 0x60000000);  /* version, class, flow label */
	tu_be16(p, 0);           /* payload length: tu_finish */
	p->nh_off = p->len;
	tu_u8(p, TU_P_NONE);
	tu_u8(p, 64);            /* hop limit */
	memcpy(p->src, tu_v6_src, 16);
	memcpy(p->dst, tu_v6_dst, 16);
	memcpy(p->final_dst, tu_v6_dst, 16);
	tu_bytes(p, p->src, 16);
	tu_bytes(p, p->dst, 16);
}

/* Start an extension header of type @type: its next-header byte becomes
 * the one to patch. */
static inline void
tu_ext_begin(tu_pkt *p, uint8_t type)
{
	tu_next(p, type);
	p->nh_off = p->len;
	tu_u8(p, TU_P_NONE);
}

/* Hop-by-hop (0) or destination options (60) header of @len bytes (a
 * multiple of 8), filled with one PadN option. */
static inline void
tu_ipv6_opts(tu_pkt *p, uint8_t type, size_t len)
{
	g_assert_cmpuint(len % 8, ==, 0);
	g_assert_cmpuint(len, >=, 8);
	tu_ext_begin(p, type);
	tu_u8(p, (unsigned)(len / 8 - 1));
	tu_u8(p, 1);                 /* PadN */
	tu_u8(p, (unsigned)(len - 4));
	tu_fill(p, 0, len - 4);
}

/* Routing header type @rtype (0 or 4 (SRH)) listing @n addresses.  For
 * type 0 the last address is the final destination; for the SRH it is
 * Segment List[0] (RFC 8754 section 2).  Either only matters while
 * segments are left (RFC 8200 section 8.1). */
static inline void
tu_ipv6_routing(tu_pkt *p, uint8_t rtype, uint8_t left,
                const uint8_t (*addrs)[16], size_t n)
{
	tu_ext_begin(p, TU_P_ROUTING);
	tu_u8(p, (unsigned)(2 * n));  /* 8-octet units after the first 8 */
	tu_u8(p, rtype);
	tu_u8(p, left);
	if (rtype == 4) {
		tu_u8(p, (unsigned)(n - 1)); /* last entry */
		tu_u8(p, 0);                 /* flags */
		tu_be16(p, 0);               /* tag */
	} else {
		tu_be32(p, 0);               /* reserved */
	}
	for (size_t i = 0; i < n; i++)
		tu_bytes(p, addrs[i], 16);
	if (left > 0 && n > 0)
		memcpy(p->final_dst, addrs[rtype == 4 ? 0 : n - 1], 16);
}

static inline void
tu_ipv6_frag(tu_pkt *p, unsigned offset8, bool more)
{
	tu_ext_begin(p, TU_P_FRAGMENT);
	tu_u8(p, 0);  /* reserved */
	tu_be16(p, (offset8 << 3 & 0xfff8) | (more ? 1u : 0));
	tu_be32(p, 0xcafe0001);  /* identification */
}

/* ---- transport ----------------------------------------------------- */

static inline void
tu_udp(tu_pkt *p, unsigned sport, unsigned dport, const void *data, size_t n)
{
	tu_next(p, TU_P_UDP);
	p->l4_off = p->len;
	p->csum_off = 6;
	tu_be16(p, sport);
	tu_be16(p, dport);
	tu_be16(p, (unsigned)(8 + n));
	tu_be16(p, 0);
	tu_bytes(p, data, n);
}

/* TCP with @optlen (a multiple of 4) bytes of options. */
static inline void
tu_tcp(tu_pkt *p, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
       uint8_t flags, unsigned window, const uint8_t *opts, size_t optlen,
       const void *data, size_t n)
{
	g_assert_cmpuint(optlen % 4, ==, 0);
	tu_next(p, TU_P_TCP);
	p->l4_off = p->len;
	p->csum_off = 16;
	tu_be16(p, sport);
	tu_be16(p, dport);
	tu_be32(p, seq);
	tu_be32(p, ack);
	tu_u8(p, (unsigned)((20 + optlen) / 4) << 4);
	tu_u8(p, flags);
	tu_be16(p, window);
	tu_be16(p, 0);  /* checksum */
	tu_be16(p, 0);  /* urgent pointer */
	tu_bytes(p, opts, optlen);
	tu_bytes(p, data, n);
}

/* ICMP (IPv4) or ICMPv6 message: type, code, checksum, 4 unused bytes,
 * then the quoted datagram. */
static inline void
tu_icmp(tu_pkt *p, uint8_t type, uint8_t code, const void *quote, size_t n)
{
	tu_next(p, p->family == 6 ? TU_P_ICMPV6 : TU_P_ICMP);
	p->l4_off = p->len;
	p->csum_off = 2;
	tu_u8(p, type);
	tu_u8(p, code);
	tu_be16(p, 0);
	tu_be32(p, 0);
	tu_bytes(p, quote, n);
}

/* ---- finishing ----------------------------------------------------- */

/* IP lengths so the transport runs to the current end of the buffer. */
static inline void
tu_fix_ip_len(tu_pkt *p)
{
	if (p->family == 4)
		tu_set_be16(p, p->ip_off + 2, (unsigned)(p->len - p->ip_off));
	else
		tu_set_be16(p, p->ip_off + 4, (unsigned)(p->len - p->ip_off - 40));
}

/* The transport checksum over l4_len bytes with the reference code. */
static inline void
tu_fill_l4_csum(tu_pkt *p)
{
	tu_set_be16(p, p->l4_off + p->csum_off, 0);
	uint16_t c = tu_ref_l4_csum(p->family, p->src, p->final_dst, p->proto,
	                            p->d + p->l4_off, p->l4_len, p->csum_off);
	tu_set_be16(p, p->l4_off + p->csum_off, c);
}

/* The IPv4 header checksum with the reference code. */
static inline void
tu_fix_ipv4_csum(tu_pkt *p)
{
	size_t hlen = (size_t)(p->d[p->ip_off] & 0x0f) * 4;
	tu_set_be16(p, p->ip_off + 10, 0);
	tu_set_be16(p, p->ip_off + 10,
	            (uint16_t)~tu_ref_sum(p->d + p->ip_off, hlen));
}

/* Lengths and checksums for a frame whose transport ends here; link
 * padding may be appended afterwards. */
static inline void
tu_finish(tu_pkt *p)
{
	p->l4_len = p->len - p->l4_off;
	tu_fix_ip_len(p);
	tu_fill_l4_csum(p);
	if (p->family == 4)
		tu_fix_ipv4_csum(p);
}

#endif /* DEMUXSIM_TESTUTIL_H */
