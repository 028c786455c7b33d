/* testseg.h - decoded segments made by hand for the unit tests of the
 * stages after decoding (the tables, the calls): a dm_packet as
 * dm_decode_frame() would fill it for a UDP datagram, a TCP segment or
 * the ICMP port unreachable answering a datagram.
 */
#ifndef DEMUXSIM_TESTSEG_H
#define DEMUXSIM_TESTSEG_H

#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "demuxsim/packet.h"

static inline uint8_t
parse_addr(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (strchr(text, ':')) {
		g_assert_cmpint(inet_pton(AF_INET6, text, out), ==, 1);
		return 6;
	}
	g_assert_cmpint(inet_pton(AF_INET, text, out), ==, 1);
	return 4;
}

static inline dm_packet
mk_seg(uint8_t proto, const char *src, uint16_t sport, const char *dst,
       uint16_t dport, uint32_t len)
{
	dm_packet p;
	memset(&p, 0, sizeof p);
	p.family = parse_addr(src, p.src);
	g_assert_cmpint(parse_addr(dst, p.dst), ==, p.family);
	memcpy(p.final_dst, p.dst, 16);
	p.proto = proto;
	p.sport = sport;
	p.dport = dport;
	p.payload_len = len;
	p.have_csum_field = true;
	p.csum.status = DM_CSUM_GOOD;
	return p;
}

static inline dm_packet
udp(const char *src, uint16_t sport, const char *dst, uint16_t dport, uint32_t len)
{
	dm_packet p = mk_seg(17, src, sport, dst, dport, len);
	p.have_length = true;
	p.udp_length = (uint16_t)(8 + len);
	p.seg_len = 8 + len;
	p.ip_payload_len = 8 + len;
	p.caplen = p.wirelen = (p.family == 6 ? 40 : 20) + 8 + len;
	return p;
}

static inline dm_packet
tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport,
    uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	dm_packet p = mk_seg(6, src, sport, dst, dport, len);
	p.have_tcp = true;
	p.tcp_flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.tcp_doff = 5;
	p.window = 65535;
	p.seg_len = 20 + len;
	p.ip_payload_len = 20 + len;
	p.caplen = p.wirelen = (p.family == 6 ? 40 : 20) + 20 + len;
	return p;
}

/* The ICMP (ICMPv6) port unreachable a host sends back for datagram @d. */
static inline dm_packet
icmp_unreach(const dm_packet *d)
{
	dm_packet p;
	memset(&p, 0, sizeof p);
	p.family = d->family;
	p.proto = d->family == 6 ? 58 : 1;
	memcpy(p.src, d->final_dst, 16);
	memcpy(p.dst, d->src, 16);
	memcpy(p.final_dst, d->src, 16);
	p.icmp_type = d->family == 6 ? 1 : 3;
	p.icmp_code = d->family == 6 ? 4 : 3;
	p.icmp_port_unreach = true;
	p.quote_valid = true;
	p.q_proto = d->proto;
	memcpy(p.q_src, d->src, 16);
	memcpy(p.q_dst, d->dst, 16);
	p.q_sport = d->sport;
	p.q_dport = d->dport;
	return p;
}

#endif
