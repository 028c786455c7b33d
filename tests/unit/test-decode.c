/* test-decode.c - decoding frames from the link header down to the
 * transport checksum verdict.  Frames are built with testutil.h, whose
 * checksums come from an independent reference implementation.  Every
 * frame is decoded from a heap buffer of exactly caplen bytes, so a
 * sanitizer build catches any read past the captured bytes.
 */
#include "config.h"

#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "demuxsim/decode.h"
#include "testutil.h"

static const uint8_t payload[13] = "hello, world";
static const uint8_t v4_opts[8] = {
	0x94, 0x04, 0x00, 0x00,  /* router alert */
	0x01, 0x01, 0x01, 0x00,  /* NOP NOP NOP EOL */
};
static const uint8_t tcp_opts[12] = {
	0x02, 0x04, 0x05, 0xb4,  /* MSS 1460 */
	0x04, 0x02,              /* SACK permitted */
	0x01,                    /* NOP */
	0x03, 0x03, 0x07,        /* window scale 7 */
	0x01, 0x01,              /* NOP NOP */
};
static const uint8_t seg_addrs[3][16] = {
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b },
	{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c },
};

/* ---- helpers ------------------------------------------------------- */

/* Decode the first @caplen bytes of @p (@wirelen on the wire) from a
 * fresh buffer of exactly @caplen bytes.  The packet's l4 pointer is
 * checked to lie inside that buffer and then cleared (it would dangle). */
static dm_frame_status
decode_cut(int dlt, const tu_pkt *p, size_t caplen, size_t wirelen,
           dm_packet *pkt)
{
	uint8_t *buf = caplen ? g_malloc(caplen) : NULL;
	if (caplen)
		memcpy(buf, p->d, caplen);
	dm_frame_status st = dm_decode_frame(dlt, buf, (uint32_t)caplen,
	                                     (uint32_t)wirelen, pkt);
	g_assert_cmpuint(pkt->caplen, ==, caplen);
	g_assert_cmpuint(pkt->wirelen, ==, wirelen);
	if (pkt->l4) {
		g_assert_true(pkt->l4 >= buf);
		g_assert_cmpuint((size_t)(pkt->l4 - buf), ==, p->l4_off);
		g_assert_cmpuint(p->l4_off + pkt->l4_caplen, <=, caplen);
		pkt->l4 = NULL;
	}
	g_free(buf);
	return st;
}

static dm_frame_status
decode(int dlt, const tu_pkt *p, dm_packet *pkt)
{
	return decode_cut(dlt, p, p->len, p->len, pkt);
}

static size_t
alen(const tu_pkt *p)
{
	return p->family == 6 ? 16 : 4;
}

/* The frame decoded as a segment whose checksum verifies good, with the
 * addresses, protocol and stored field the builder wrote. */
static void
assert_good_segment(dm_frame_status st, const dm_packet *pkt, const tu_pkt *p)
{
	g_assert_cmpstr(dm_frame_status_name(st), ==, "segment");
	g_assert_cmpstr(dm_csum_status_name(pkt->csum.status), ==, "good");
	g_assert_cmpint(pkt->csum.reason, ==, DM_CSUM_REASON_NONE);
	g_assert_cmpint(pkt->malformed, ==, DM_MAL_NONE);
	g_assert_cmpuint(pkt->family, ==, p->family);
	g_assert_cmpuint(pkt->proto, ==, p->proto);
	g_assert_cmpmem(pkt->src, alen(p), p->src, alen(p));
	g_assert_cmpmem(pkt->dst, alen(p), p->dst, alen(p));
	g_assert_cmpmem(pkt->final_dst, alen(p), p->final_dst, alen(p));
	g_assert_cmphex(pkt->csum.stored, ==, tu_get_be16(p, p->l4_off + p->csum_off));
	g_assert_true(pkt->csum.have_expected);
	g_assert_cmphex(pkt->csum.expected, ==, pkt->csum.stored);
	g_assert_false(pkt->is_fragment);
}

static void
assert_unverified(const dm_packet *pkt, dm_csum_reason reason)
{
	g_assert_cmpstr(dm_csum_status_name(pkt->csum.status), ==, "unverified");
	g_assert_cmpstr(dm_csum_reason_name(pkt->csum.reason), ==,
	                dm_csum_reason_name(reason));
}

static void
add_udp(tu_pkt *p)
{
	tu_udp(p, 5353, 53, payload, sizeof payload);
}

static void
add_tcp(tu_pkt *p)
{
	tu_tcp(p, 40000, 443, 0x11223344, 0x55667788, DM_TCP_PSH | DM_TCP_ACK,
	       29200, tcp_opts, sizeof tcp_opts, payload, sizeof payload);
}

/* An IPv4 or IPv6 UDP frame after whatever link header @p holds. */
static void
add_ip_udp(tu_pkt *p, int family)
{
	if (family == 4)
		tu_ipv4(p, NULL, 0);
	else
		tu_ipv6(p);
	add_udp(p);
	tu_finish(p);
}

/* The kinds of link header the truncation test walks. */
typedef enum {
	L_ETH, L_VLAN3, L_SLL, L_SLL2, L_RAW, L_IPVX, L_NULL_LE, L_NULL_BE,
	L_LOOP, L_N
} link_kind;

/* Write a link header of kind @k for @family; returns the DLT. */
static int
put_link(tu_pkt *p, link_kind k, int family)
{
	static const unsigned tpids[3] = {
		TU_TPID_9100, TU_TPID_8021AD, TU_TPID_8021Q,
	};
	unsigned et = family == 6 ? TU_ETH_IPV6 : TU_ETH_IPV4;
	uint32_t af = family == 6 ? 28 : 2;

	switch (k) {
	case L_ETH:
		tu_eth(p, et);
		return DLT_EN10MB;
	case L_VLAN3:
		tu_eth_vlan(p, tpids, 3, et);
		return DLT_EN10MB;
	case L_SLL:
		tu_sll(p, et);
		return DLT_LINUX_SLL;
	case L_SLL2:
		tu_sll2(p, et);
		return DLT_LINUX_SLL2;
	case L_RAW:
		return DLT_RAW;
	case L_IPVX:
		return family == 6 ? DLT_IPV6 : DLT_IPV4;
	case L_NULL_LE:
		tu_null(p, af, false);
		return DLT_NULL;
	case L_NULL_BE:
		tu_null(p, af, true);
		return DLT_NULL;
	case L_LOOP:
		tu_null(p, family == 6 ? 30 : 2, true);
		return DLT_LOOP;
	default:
		g_assert_not_reached();
	}
	return -1;
}

/* ---- link layer ---------------------------------------------------- */

static void
test_link_ethernet(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, TU_ETH_IPV4);
	add_ip_udp(&p, 4);
	dm_frame_status st = decode(DLT_EN10MB, &p, &pkt);
	assert_good_segment(st, &pkt, &p);
	g_assert_cmpuint(pkt.vlan_tags, ==, 0);
	g_assert_cmpuint(pkt.sport, ==, 5353);
	g_assert_cmpuint(pkt.dport, ==, 53);
	g_assert_true(pkt.have_length);
	g_assert_cmpuint(pkt.udp_length, ==, 8 + sizeof payload);
	g_assert_cmpuint(pkt.seg_len, ==, 8 + sizeof payload);
	g_assert_cmpuint(pkt.payload_len, ==, sizeof payload);
	g_assert_cmpuint(pkt.ip_payload_len, ==, 8 + sizeof payload);
	g_assert_cmpuint(pkt.l4_caplen, ==, 8 + sizeof payload);
	g_assert_false(pkt.ip_csum_bad);
	g_assert_false(pkt.tso_length);
	g_assert_false(pkt.have_tcp);
}

static void
test_link_ethernet_ipv6(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, TU_ETH_IPV6);
	tu_ipv6(&p);
	add_tcp(&p);
	tu_finish(&p);
	assert_good_segment(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
	g_assert_cmpuint(pkt.sport, ==, 40000);
	g_assert_cmpuint(pkt.dport, ==, 443);
	g_assert_cmpuint(pkt.ip_payload_len, ==, 32 + sizeof payload);
	g_assert_cmpuint(pkt.seg_len, ==, 32 + sizeof payload);
}

static void
check_vlan(const unsigned *tpids, size_t n)
{
	for (int family = 4; family <= 6; family += 2) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		tu_eth_vlan(&p, tpids, n, family == 6 ? TU_ETH_IPV6 : TU_ETH_IPV4);
		add_ip_udp(&p, family);
		assert_good_segment(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
		g_assert_cmpuint(pkt.vlan_tags, ==, n);
	}
}

static void
test_link_vlan(void)
{
	static const unsigned t[1] = { TU_TPID_8021Q };
	check_vlan(t, 1);
}

static void
test_link_vlan_stacked(void)
{
	static const unsigned qinq[2] = { TU_TPID_8021AD, TU_TPID_8021Q };
	static const unsigned old_qinq[2] = { TU_TPID_9100, TU_TPID_8021Q };
	static const unsigned three[3] = {
		TU_TPID_9100, TU_TPID_8021AD, TU_TPID_8021Q,
	};
	check_vlan(qinq, 2);
	check_vlan(old_qinq, 2);
	check_vlan(three, 3);
}

static void
test_link_not_ip(void)
{
	static const unsigned t[1] = { TU_TPID_8021Q };
	tu_pkt p;
	dm_packet pkt;

	/* An ARP request: htype 1, ptype IPv4, hlen 6, plen 4, op 1. */
	tu_init(&p);
	tu_eth(&p, TU_ETH_ARP);
	tu_bytes(&p, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	tu_fill(&p, 0x11, 20);
	tu_fill(&p, 0, 18);  /* padding to 60 */
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_NOT_IP);
	g_assert_cmpuint(pkt.family, ==, 0);
	g_assert_cmpstr(dm_frame_status_name(DM_FRAME_NOT_IP), ==, "not-ip");

	/* ARP behind a tag. */
	tu_init(&p);
	tu_eth_vlan(&p, t, 1, TU_ETH_ARP);
	tu_fill(&p, 0x22, 46);
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_NOT_IP);
	g_assert_cmpuint(pkt.vlan_tags, ==, 1);

	/* The same over SLL and SLL2. */
	tu_init(&p);
	tu_sll(&p, TU_ETH_ARP);
	tu_fill(&p, 0x33, 28);
	g_assert_cmpint(decode(DLT_LINUX_SLL, &p, &pkt), ==, DM_FRAME_NOT_IP);
	tu_init(&p);
	tu_sll2(&p, TU_ETH_ARP);
	tu_fill(&p, 0x33, 28);
	g_assert_cmpint(decode(DLT_LINUX_SLL2, &p, &pkt), ==, DM_FRAME_NOT_IP);
}

static void
check_simple_link(link_kind k)
{
	for (int family = 4; family <= 6; family += 2) {
		for (int tcp = 0; tcp <= 1; tcp++) {
			tu_pkt p;
			dm_packet pkt;

			tu_init(&p);
			int dlt = put_link(&p, k, family);
			g_assert_true(dm_linktype_supported(dlt));
			if (family == 4)
				tu_ipv4(&p, NULL, 0);
			else
				tu_ipv6(&p);
			if (tcp)
				add_tcp(&p);
			else
				add_udp(&p);
			tu_finish(&p);
			assert_good_segment(decode(dlt, &p, &pkt), &pkt, &p);
		}
	}
}

static void
test_link_sll(void)
{
	check_simple_link(L_SLL);
}

static void
test_link_sll2(void)
{
	check_simple_link(L_SLL2);
}

static void
test_link_raw(void)
{
#ifdef __linux__
	g_assert_cmpint(DLT_RAW, ==, 12);  /* 14 on OpenBSD */
#endif
	check_simple_link(L_RAW);
}

/* DLT_IPV4 (228) and DLT_IPV6 (229). */
static void
test_link_ipv4_ipv6(void)
{
	check_simple_link(L_IPVX);
}

/* DLT_NULL: the host-order address family, from a host of either byte
 * order: 2 is IPv4; 24, 28 and 30 are IPv6 on the BSDs and Darwin. */
static void
test_link_null(void)
{
	static const struct { uint32_t af; int family; } afs[] = {
		{ 2, 4 }, { 24, 6 }, { 28, 6 }, { 30, 6 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(afs); i++) {
		for (int be = 0; be <= 1; be++) {
			tu_pkt p;
			dm_packet pkt;

			tu_init(&p);
			tu_null(&p, afs[i].af, be);
			add_ip_udp(&p, afs[i].family);
			assert_good_segment(decode(DLT_NULL, &p, &pkt), &pkt, &p);
		}
	}
}

/* DLT_LOOP (108): the family in network byte order. */
static void
test_link_loop(void)
{
	static const struct { uint32_t af; int family; } afs[] = {
		{ 2, 4 }, { 24, 6 }, { 28, 6 }, { 30, 6 },
	};
#ifdef __linux__
	g_assert_cmpint(DLT_LOOP, ==, 108);  /* 12 on OpenBSD */
#endif
	for (size_t i = 0; i < G_N_ELEMENTS(afs); i++) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		tu_null(&p, afs[i].af, true);
		add_ip_udp(&p, afs[i].family);
		assert_good_segment(decode(DLT_LOOP, &p, &pkt), &pkt, &p);
	}
}

/* An unknown family on loopback is not IP; an unsupported link type is
 * refused. */
static void
test_link_unknown(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_null(&p, 7, false);
	add_ip_udp(&p, 4);
	g_assert_cmpint(decode(DLT_NULL, &p, &pkt), ==, DM_FRAME_NOT_IP);

	g_assert_false(dm_linktype_supported(163));  /* 802.11 AVS */
	g_assert_false(dm_linktype_supported(147));  /* USER0 */
	tu_init(&p);
	add_ip_udp(&p, 4);
	/* A frame of such a link type (one interface's in a pcapng file of
	 * several) is skipped as not decoded. */
	g_assert_cmpint(decode(147, &p, &pkt), ==, DM_FRAME_LINK_UNSUPPORTED);
}

/* ---- IPv4 ---------------------------------------------------------- */

static void
test_ipv4_options(void)
{
	for (int tcp = 0; tcp <= 1; tcp++) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		tu_eth(&p, TU_ETH_IPV4);
		tu_ipv4(&p, v4_opts, sizeof v4_opts);
		if (tcp)
			add_tcp(&p);
		else
			add_udp(&p);
		tu_finish(&p);
		g_assert_cmphex(p.d[14], ==, 0x47);
		assert_good_segment(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
		g_assert_false(pkt.ip_csum_bad);
		g_assert_cmpuint(pkt.ip_payload_len, ==, p.l4_len);
		g_assert_cmpuint(pkt.sport, ==, tcp ? 40000 : 5353);
	}
}

/* Ethernet pads short frames to 60 bytes; the padding (non-zero here, so
 * counting it would change the sum) is not transport payload. */
static void
test_ipv4_ethernet_padding(void)
{
	for (int tcp = 0; tcp <= 1; tcp++) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		tu_eth(&p, TU_ETH_IPV4);
		tu_ipv4(&p, NULL, 0);
		if (tcp)
			tu_tcp(&p, 80, 1024, 1, 2, DM_TCP_ACK, 512, NULL, 0, "x", 1);
		else
			tu_udp(&p, 7, 7, "ab", 2);
		tu_finish(&p);
		g_assert_cmpuint(p.len, <, 60);
		tu_fill(&p, 0xa5, 60 - p.len);
		assert_good_segment(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
		g_assert_cmpuint(pkt.ip_payload_len, ==, tcp ? 21 : 10);
		g_assert_cmpuint(pkt.seg_len, ==, tcp ? 21 : 10);
		g_assert_cmpuint(pkt.payload_len, ==, tcp ? 1 : 2);
		g_assert_cmpuint(pkt.l4_caplen, ==, tcp ? 21 : 10);
	}
}

/* A wrong IPv4 header checksum is reported, and does not affect the
 * transport verdict. */
static void
test_ipv4_header_csum_bad(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, TU_ETH_IPV4);
	add_ip_udp(&p, 4);
	decode(DLT_EN10MB, &p, &pkt);
	g_assert_false(pkt.ip_csum_bad);

	p.d[14 + 11] ^= 0x5a;
	assert_good_segment(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
	g_assert_true(pkt.ip_csum_bad);
}

static void
test_ipv4_ihl_short(void)
{
	for (unsigned ihl = 0; ihl < 5; ihl++) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		add_ip_udp(&p, 4);
		p.d[0] = (uint8_t)(0x40 | ihl);
		tu_fix_ipv4_csum(&p);
		g_assert_cmpint(decode(DLT_IPV4, &p, &pkt), ==, DM_FRAME_BAD_IP);
	}
}

static void
test_ipv4_bad_version(void)
{
	tu_pkt p;
	dm_packet pkt;

	/* Raw IP with version 5. */
	tu_init(&p);
	add_ip_udp(&p, 4);
	p.d[0] = 0x55;
	g_assert_cmpint(decode(DLT_RAW, &p, &pkt), ==, DM_FRAME_BAD_IP);

	/* Ethertype IPv4 carrying a version-6 header. */
	tu_init(&p);
	tu_eth(&p, TU_ETH_IPV4);
	add_ip_udp(&p, 6);
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_BAD_IP);

	/* Total length shorter than the header. */
	tu_init(&p);
	add_ip_udp(&p, 4);
	tu_set_be16(&p, 2, 19);
	tu_fix_ipv4_csum(&p);
	g_assert_cmpint(decode(DLT_RAW, &p, &pkt), ==, DM_FRAME_BAD_IP);
	g_assert_cmpstr(dm_frame_status_name(DM_FRAME_BAD_IP), ==, "bad-ip-header");
}

/* Total length 0 (TSO / BIG TCP): the length is the frame's. */
static void
test_ipv4_tso_length(void)
{
	static uint8_t big[1200];
	tu_pkt p;
	dm_packet pkt;

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7);
	tu_init(&p);
	tu_eth(&p, TU_ETH_IPV4);
	tu_ipv4(&p, NULL, 0);
	tu_tcp(&p, 443, 50000, 1000, 2000, DM_TCP_ACK, 1000, NULL, 0, big, sizeof big);
	tu_finish(&p);
	tu_set_be16(&p, 14 + 2, 0);
	tu_fix_ipv4_csum(&p);

	assert_good_segment(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
	g_assert_true(pkt.tso_length);
	g_assert_cmpuint(pkt.ip_payload_len, ==, 20 + sizeof big);
	g_assert_cmpuint(pkt.payload_len, ==, sizeof big);

	/* Captured with a snapshot length: the wire length still counts. */
	dm_frame_status st = decode_cut(DLT_EN10MB, &p, 96, p.len, &pkt);
	g_assert_cmpint(st, ==, DM_FRAME_SEGMENT);
	g_assert_true(pkt.tso_length);
	g_assert_cmpuint(pkt.ip_payload_len, ==, 20 + sizeof big);
	assert_unverified(&pkt, DM_CSUM_REASON_TRUNCATED);
}

/* An IPv4 first fragment (MF, offset 0) has the transport header but not
 * all the data: unverified/fragment.  A later one has no header. */
static void
test_ipv4_fragments(void)
{
	for (int tcp = 0; tcp <= 1; tcp++) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		tu_eth(&p, TU_ETH_IPV4);
		tu_ipv4(&p, NULL, 0);
		if (tcp)
			add_tcp(&p);
		else
			add_udp(&p);
		tu_finish(&p);
		tu_ipv4_frag(&p, 0, true);
		tu_fix_ipv4_csum(&p);
		g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_SEGMENT);
		g_assert_true(pkt.is_fragment);
		g_assert_false(pkt.ip_csum_bad);
		g_assert_cmpuint(pkt.sport, ==, tcp ? 40000 : 5353);
		assert_unverified(&pkt, DM_CSUM_REASON_FRAGMENT);

		tu_ipv4_frag(&p, 185, false);  /* the last fragment */
		tu_fix_ipv4_csum(&p);
		g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_FRAGMENT);
		g_assert_true(pkt.is_fragment);
		g_assert_cmpuint(pkt.proto, ==, tcp ? TU_P_TCP : TU_P_UDP);

		tu_ipv4_frag(&p, 1, true);  /* a middle one */
		tu_fix_ipv4_csum(&p);
		g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_FRAGMENT);
	}
}

static void
test_ipv4_other_proto(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_ipv4(&p, NULL, 0);
	tu_next(&p, 47);  /* GRE */
	tu_fill(&p, 0, 8);
	tu_fix_ip_len(&p);
	tu_fix_ipv4_csum(&p);
	g_assert_cmpint(decode(DLT_RAW, &p, &pkt), ==, DM_FRAME_OTHER_PROTO);
	g_assert_cmpuint(pkt.proto, ==, 47);
}

/* ---- IPv6 ---------------------------------------------------------- */

static void
test_ipv6_hop_dst_chain(void)
{
	for (int tcp = 0; tcp <= 1; tcp++) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		tu_eth(&p, TU_ETH_IPV6);
		tu_ipv6(&p);
		tu_ipv6_opts(&p, TU_P_HOPOPTS, 8);
		tu_ipv6_opts(&p, TU_P_DSTOPTS, 24);
		if (tcp)
			add_tcp(&p);
		else
			add_udp(&p);
		tu_finish(&p);
		assert_good_segment(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
		g_assert_cmpuint(pkt.ip_payload_len, ==, p.l4_len);
		g_assert_cmpuint(p.l4_off, ==, 14 + 40 + 32);
	}
}

/* A routing header with segments left: the pseudo-header uses the final
 * destination; the frame is built so that only that verifies. */
static void
check_routing(uint8_t rtype, uint8_t left, bool tcp)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, TU_ETH_IPV6);
	tu_ipv6(&p);
	tu_ipv6_opts(&p, TU_P_HOPOPTS, 8);
	tu_ipv6_routing(&p, rtype, left, seg_addrs, 3);
	if (tcp)
		add_tcp(&p);
	else
		add_udp(&p);
	tu_finish(&p);

	const uint8_t *want = left == 0 ? tu_v6_dst
	                                : seg_addrs[rtype == 4 ? 0 : 2];
	g_assert_cmpmem(p.final_dst, 16, want, 16);
	assert_good_segment(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
	g_assert_cmpmem(pkt.dst, 16, tu_v6_dst, 16);
	g_assert_cmpmem(pkt.final_dst, 16, want, 16);

	if (left > 0) {
		/* The test discriminates: over the header destination the
		 * checksum would differ. */
		uint16_t other = tu_ref_l4_csum(6, p.src, p.dst, p.proto,
		                                p.d + p.l4_off, p.l4_len, p.csum_off);
		g_assert_cmphex(other, !=, pkt.csum.stored);
	}
}

static void
test_ipv6_routing_final_dst(void)
{
	check_routing(0, 2, false);
	check_routing(0, 1, true);
}

static void
test_ipv6_routing_left_zero(void)
{
	check_routing(0, 0, false);
	check_routing(0, 0, true);
}

/* RFC 8754: Segment List[0] is the last segment. */
static void
test_ipv6_srh_final_dst(void)
{
	check_routing(4, 2, false);
	check_routing(4, 1, true);
}

static void
test_ipv6_srh_left_zero(void)
{
	check_routing(4, 0, false);
	check_routing(4, 0, true);
}

/* An extension chain of @n destination-options headers. */
static dm_frame_status
decode_ext_chain(int n, tu_pkt *p, dm_packet *pkt)
{
	tu_init(p);
	tu_ipv6(p);
	for (int i = 0; i < n; i++)
		tu_ipv6_opts(p, TU_P_DSTOPTS, 8);
	add_udp(p);
	tu_finish(p);
	return decode(DLT_IPV6, p, pkt);
}

static void
test_ipv6_ext_limit(void)
{
	tu_pkt p;
	dm_packet pkt;

	/* 16 headers are walked; one more is too many. */
	assert_good_segment(decode_ext_chain(16, &p, &pkt), &pkt, &p);
	g_assert_cmpint(decode_ext_chain(17, &p, &pkt), ==, DM_FRAME_EXT_LIMIT);
	g_assert_cmpint(decode_ext_chain(40, &p, &pkt), ==, DM_FRAME_EXT_LIMIT);
	g_assert_cmpstr(dm_frame_status_name(DM_FRAME_EXT_LIMIT), ==,
	                "ipv6-extension-limit");
}

/* A hop-by-hop (0) or destination options (60) header whose bytes after
 * the next-header and length bytes are @body (@n + 2 a multiple of 8). */
static void
add_opts_header(tu_pkt *p, uint8_t type, const uint8_t *body, size_t n)
{
	g_assert_cmpuint((n + 2) % 8, ==, 0);
	tu_ext_begin(p, type);
	tu_u8(p, (unsigned)((n + 2) / 8 - 1));
	tu_bytes(p, body, n);
}

static const uint8_t home6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 0x99 };

/* A destination options header with a Home Address option (RFC 6275
 * section 6.3: type 0xc9, length 16, at 8n+6 after a PadN). */
static void
add_home_address(tu_pkt *p, uint8_t type, const uint8_t addr[16])
{
	uint8_t body[22] = { 1, 2, 0, 0, 0xc9, 16 };
	memcpy(body + 6, addr, 16);
	add_opts_header(p, type, body, sizeof body);
}

/* RFC 6275 section 9.3.1: the Home Address option is the segment's
 * source, in its pseudo-header too (tshark verifies it so); the IP
 * header's source stays in ip_src. */
static void
check_home_address(bool tcp, bool routed, bool fragment)
{
	static const uint8_t hop[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x77, [15] = 7 };
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_ipv6(&p);
	if (routed)
		tu_ipv6_routing(&p, 2, 1, &hop, 1);
	add_home_address(&p, TU_P_DSTOPTS, home6);
	if (fragment)
		tu_ipv6_frag(&p, 0, false);  /* atomic: decoded on its own */
	if (tcp)
		add_tcp(&p);
	else
		add_udp(&p);
	memcpy(p.src, home6, 16);  /* the checksum's source */
	tu_finish(&p);

	assert_good_segment(decode(DLT_IPV6, &p, &pkt), &pkt, &p);
	g_assert_true(pkt.home_addr);
	g_assert_cmpmem(pkt.src, 16, home6, 16);
	g_assert_cmpmem(pkt.ip_src, 16, tu_v6_src, 16);
	g_assert_cmpmem(pkt.final_dst, 16, routed ? hop : tu_v6_dst, 16);

	/* Discriminating: over the header's source it would differ, and a
	 * sender that used it is wrong (tshark: bad). */
	tu_set_be16(&p, p.l4_off + p.csum_off, 0);
	uint16_t other = tu_ref_l4_csum(6, tu_v6_src, p.final_dst, p.proto,
	                                p.d + p.l4_off, p.l4_len, p.csum_off);
	g_assert_cmphex(other, !=, pkt.csum.stored);
	tu_set_be16(&p, p.l4_off + p.csum_off, other);
	decode(DLT_IPV6, &p, &pkt);
	g_assert_cmpstr(dm_csum_status_name(pkt.csum.status), ==, "bad");
	g_assert_cmphex(pkt.csum.expected, !=, other);
}

static void
test_ipv6_home_address(void)
{
	for (int tcp = 0; tcp <= 1; tcp++) {
		check_home_address(tcp, false, false);
		check_home_address(tcp, true, false);
		check_home_address(tcp, false, true);
	}
}

/* Only a destination option is one; in a hop-by-hop header the same
 * bytes are an unknown option, and a length other than 16 is not one. */
static void
test_ipv6_home_address_ignored(void)
{
	for (int bad_len = 0; bad_len <= 1; bad_len++) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		tu_ipv6(&p);
		if (bad_len) {
			uint8_t body[22] = { 1, 1, 0, 0xc9, 15 };
			memcpy(body + 5, home6, 15);
			body[20] = 1;  /* PadN, 0 bytes of data */
			body[21] = 0;
			add_opts_header(&p, TU_P_DSTOPTS, body, sizeof body);
		} else {
			add_home_address(&p, TU_P_HOPOPTS, home6);
		}
		add_udp(&p);
		tu_finish(&p);
		assert_good_segment(decode(DLT_IPV6, &p, &pkt), &pkt, &p);
		g_assert_false(pkt.home_addr);
		g_assert_cmpmem(pkt.src, 16, tu_v6_src, 16);
	}
}

/* A non-first fragment carries the unfragmentable part (the Home Address
 * option is placed before the fragment header, RFC 6275 section 6.3):
 * its source is the home address too, so every fragment of a datagram
 * names one source. */
static void
test_ipv6_home_address_fragment(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_ipv6(&p);
	add_home_address(&p, TU_P_DSTOPTS, home6);
	tu_ipv6_frag(&p, 2, false);
	tu_next(&p, TU_P_UDP);
	tu_fill(&p, 0xab, 16);
	tu_fix_ip_len(&p);
	g_assert_cmpint(decode(DLT_IPV6, &p, &pkt), ==, DM_FRAME_FRAGMENT);
	g_assert_true(pkt.home_addr);
	g_assert_cmpmem(pkt.src, 16, home6, 16);
	g_assert_cmpmem(pkt.ip_src, 16, tu_v6_src, 16);
}

/* RFC 8200 section 4.2: Pad1 is one byte, every other option is type,
 * length and data, and none may run past its header. */
static void
test_ipv6_option_tlvs(void)
{
	/* Pad1 x3, an unknown option (type 0x1e, 1 byte), PadN filling the
	 * header exactly: well formed. */
	static const uint8_t good[14] = { 0, 0, 0, 0x1e, 1, 0xee, 1, 6, 0, 0, 0, 0, 0, 0 };
	/* An option whose length runs 1 byte past the end. */
	static const uint8_t over[6] = { 1, 5, 0, 0, 0, 0 };
	/* Pad1 up to the last byte, an option type with no length byte. */
	static const uint8_t no_len[6] = { 0, 0, 0, 0, 0, 0x1e };
	static const struct { const uint8_t *body; size_t n; bool ok; } cases[] = {
		{ good, sizeof good, true },
		{ over, sizeof over, false },
		{ no_len, sizeof no_len, false },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		for (int hbh = 0; hbh <= 1; hbh++) {
			uint8_t type = hbh ? TU_P_HOPOPTS : TU_P_DSTOPTS;
			tu_pkt p;
			dm_packet pkt;

			tu_init(&p);
			tu_ipv6(&p);
			add_opts_header(&p, type, cases[i].body, cases[i].n);
			add_udp(&p);
			tu_finish(&p);
			dm_frame_status st = decode(DLT_IPV6, &p, &pkt);
			if (cases[i].ok) {
				assert_good_segment(st, &pkt, &p);
				continue;
			}
			g_assert_cmpint(st, ==, DM_FRAME_BAD_IPV6_OPT);
			g_assert_cmpstr(dm_frame_status_name(st), ==, "ipv6-bad-option");
			g_assert_cmpuint(pkt.ext_last, ==, type);

			/* The same header cut by the capture is truncated,
			 * never malformed: nothing past caplen is read. */
			st = decode_cut(DLT_IPV6, &p, 40 + 4, p.len, &pkt);
			g_assert_cmpint(st, ==, DM_FRAME_TRUNC_IP);
		}
	}
}

/* The outcome of a chain too long names the last header walked. */
static void
test_ipv6_ext_limit_last(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_ipv6(&p);
	tu_ipv6_opts(&p, TU_P_HOPOPTS, 8);
	for (int i = 0; i < 15; i++)
		tu_ipv6_opts(&p, TU_P_DSTOPTS, 8);
	tu_ipv6_frag(&p, 0, false);
	add_udp(&p);
	tu_finish(&p);
	g_assert_cmpint(decode(DLT_IPV6, &p, &pkt), ==, DM_FRAME_EXT_LIMIT);
	g_assert_cmpuint(pkt.ext_last, ==, TU_P_DSTOPTS);  /* the 16th */
	g_assert_cmpstr(dm_ipv6_ext_name(pkt.ext_last), ==, "destination options");
	g_assert_cmpstr(dm_ipv6_ext_name(TU_P_HOPOPTS), ==, "hop-by-hop options");
	g_assert_cmpstr(dm_ipv6_ext_name(TU_P_ROUTING), ==, "routing");
	g_assert_cmpstr(dm_ipv6_ext_name(TU_P_FRAGMENT), ==, "fragment");
	g_assert_null(dm_ipv6_ext_name(TU_P_UDP));
}

static void
test_ipv6_fragments(void)
{
	for (int tcp = 0; tcp <= 1; tcp++) {
		tu_pkt p;
		dm_packet pkt;

		/* First fragment. */
		tu_init(&p);
		tu_ipv6(&p);
		tu_ipv6_frag(&p, 0, true);
		if (tcp)
			add_tcp(&p);
		else
			add_udp(&p);
		tu_finish(&p);
		g_assert_cmpint(decode(DLT_RAW, &p, &pkt), ==, DM_FRAME_SEGMENT);
		g_assert_true(pkt.is_fragment);
		g_assert_cmpuint(pkt.proto, ==, tcp ? TU_P_TCP : TU_P_UDP);
		g_assert_cmpuint(pkt.dport, ==, tcp ? 443 : 53);
		assert_unverified(&pkt, DM_CSUM_REASON_FRAGMENT);

		/* An atomic fragment (offset 0, no more) is a whole datagram. */
		p.d[40 + 3] = 0;
		assert_good_segment(decode(DLT_RAW, &p, &pkt), &pkt, &p);

		/* A later fragment. */
		tu_init(&p);
		tu_ipv6(&p);
		tu_ipv6_opts(&p, TU_P_HOPOPTS, 8);
		tu_ipv6_frag(&p, 100, false);
		tu_next(&p, tcp ? TU_P_TCP : TU_P_UDP);
		tu_fill(&p, 0xee, 40);
		tu_fix_ip_len(&p);
		g_assert_cmpint(decode(DLT_RAW, &p, &pkt), ==, DM_FRAME_FRAGMENT);
		g_assert_true(pkt.is_fragment);
		g_assert_cmpuint(pkt.proto, ==, tcp ? TU_P_TCP : TU_P_UDP);
	}
}

static void
test_ipv6_no_next_header(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_ipv6(&p);
	tu_ipv6_opts(&p, TU_P_DSTOPTS, 8);
	tu_fix_ip_len(&p);
	g_assert_cmpint(decode(DLT_IPV6, &p, &pkt), ==, DM_FRAME_OTHER_PROTO);
	g_assert_cmpuint(pkt.proto, ==, TU_P_NONE);
}

/* Payload length 0 without a jumbo option (BIG TCP): the frame's. */
static void
test_ipv6_big_tcp(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, TU_ETH_IPV6);
	tu_ipv6(&p);
	add_tcp(&p);
	tu_finish(&p);
	tu_set_be16(&p, 14 + 4, 0);
	assert_good_segment(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
	g_assert_true(pkt.tso_length);
	g_assert_cmpuint(pkt.ip_payload_len, ==, p.l4_len);
}

/* AH (RFC 4302) counts its length in 4-byte units minus 2. */
static void
test_ipv6_ah(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_ipv6(&p);
	tu_ipv6_opts(&p, TU_P_HOPOPTS, 8);
	tu_ext_begin(&p, 51);
	tu_u8(&p, 4);          /* 24 bytes: (4 + 2) * 4 */
	tu_be16(&p, 0);
	tu_be32(&p, 0x1000);   /* SPI */
	tu_be32(&p, 7);        /* sequence */
	tu_fill(&p, 0xab, 12); /* ICV */
	add_udp(&p);
	tu_finish(&p);
	g_assert_cmpuint(p.l4_off, ==, 40 + 8 + 24);
	assert_good_segment(decode(DLT_IPV6, &p, &pkt), &pkt, &p);
}

/* Routing type 2 (RFC 6275) carries the home address, the final one. */
static void
test_ipv6_routing_type2(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_ipv6(&p);
	tu_ipv6_routing(&p, 2, 1, &seg_addrs[1], 1);
	add_tcp(&p);
	tu_finish(&p);
	g_assert_cmpmem(p.final_dst, 16, seg_addrs[1], 16);
	assert_good_segment(decode(DLT_IPV6, &p, &pkt), &pkt, &p);
}

/* RFC 2675: payload length 0 with a jumbo option in the hop-by-hop
 * header; the jumbo length counts the extension headers. */
static void
test_ipv6_jumbo(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_ipv6(&p);
	tu_ext_begin(&p, TU_P_HOPOPTS);
	tu_u8(&p, 0);
	tu_u8(&p, 0xc2);
	tu_u8(&p, 4);
	tu_be32(&p, 0);
	add_tcp(&p);
	tu_finish(&p);
	size_t jumbo = p.len - 40;
	tu_set_be16(&p, 4, 0);
	tu_set_be16(&p, 40 + 4, (unsigned)(jumbo >> 16));
	tu_set_be16(&p, 40 + 6, (unsigned)(jumbo & 0xffff));
	assert_good_segment(decode(DLT_IPV6, &p, &pkt), &pkt, &p);
	g_assert_false(pkt.tso_length);
	g_assert_cmpuint(pkt.ip_payload_len, ==, p.l4_len);

	/* A jumbo length that does not cover the hop-by-hop header. */
	tu_set_be16(&p, 40 + 6, 4);
	g_assert_cmpint(decode(DLT_IPV6, &p, &pkt), ==, DM_FRAME_BAD_IP);
}

/* dm_decode_ip: from the IP header, with the wire's extra bytes. */
static void
test_decode_ip_direct(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	add_ip_udp(&p, 6);
	memset(&pkt, 0, sizeof pkt);
	dm_frame_status st = dm_decode_ip(p.d, (uint32_t)p.len, 0, &pkt);
	assert_good_segment(st, &pkt, &p);

	memset(&pkt, 0, sizeof pkt);
	st = dm_decode_ip(p.d, (uint32_t)p.len - 1, 1, &pkt);
	g_assert_cmpint(st, ==, DM_FRAME_SEGMENT);
	assert_unverified(&pkt, DM_CSUM_REASON_TRUNCATED);

	memset(&pkt, 0, sizeof pkt);
	g_assert_cmpint(dm_decode_ip(p.d, 0, 0, &pkt), ==, DM_FRAME_TRUNC_IP);
	g_assert_cmpint(dm_decode_ip(NULL, 0, 60, &pkt), ==, DM_FRAME_TRUNC_IP);
}

/* ---- malformed length fields --------------------------------------- */

static void
build_v4_udp(tu_pkt *p)
{
	tu_init(p);
	tu_eth(p, TU_ETH_IPV4);
	add_ip_udp(p, 4);
}

static void
test_malformed_udp_long(void)
{
	tu_pkt p;
	dm_packet pkt;

	build_v4_udp(&p);
	tu_set_be16(&p, p.l4_off + 4, (unsigned)p.l4_len + 1);
	tu_fill_l4_csum(&p);
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_SEGMENT);
	g_assert_cmpint(pkt.malformed, ==, DM_MAL_UDP_LEN_LONG);
	g_assert_cmpstr(dm_malformed_name(pkt.malformed), ==,
	                "udp-length-exceeds-payload");
	assert_unverified(&pkt, DM_CSUM_REASON_MALFORMED);
	g_assert_cmpuint(pkt.udp_length, ==, p.l4_len + 1);
}

static void
test_malformed_udp_short(void)
{
	for (unsigned len = 0; len < 8; len++) {
		tu_pkt p;
		dm_packet pkt;

		build_v4_udp(&p);
		tu_set_be16(&p, p.l4_off + 4, len);
		g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_SEGMENT);
		g_assert_cmpint(pkt.malformed, ==, DM_MAL_UDP_LEN_SHORT);
		assert_unverified(&pkt, DM_CSUM_REASON_MALFORMED);
	}
}

/* A UDP length shorter than the IP payload (but >= 8) is legal: the
 * checksum covers the UDP length only. */
static void
test_malformed_udp_inside(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_ipv6(&p);
	tu_udp(&p, 1, 2, payload, sizeof payload);
	tu_fill(&p, 0x99, 7);
	tu_finish(&p);
	tu_set_be16(&p, p.l4_off + 4, 8 + sizeof payload);
	p.l4_len = 8 + sizeof payload;
	tu_fill_l4_csum(&p);
	assert_good_segment(decode(DLT_IPV6, &p, &pkt), &pkt, &p);
	g_assert_cmpuint(pkt.ip_payload_len, ==, 8 + sizeof payload + 7);
	g_assert_cmpuint(pkt.seg_len, ==, 8 + sizeof payload);
	g_assert_cmpuint(pkt.payload_len, ==, sizeof payload);
}

/* A TCP data offset past the end of the segment, or below 5, is
 * malformed.  Past the end, the checksum covers the IP payload
 * regardless and is verified (as tshark); below 5 there is no TCP header
 * and no verdict (RFC 9293 section 3.1; tshark: "bogus TCP header
 * length", unverified), whether the stored value is right or wrong. */
static void
check_tcp_offset(unsigned doff)
{
	bool verified = doff >= 5;

	for (int family = 4; family <= 6; family += 2) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		if (family == 4)
			tu_ipv4(&p, NULL, 0);
		else
			tu_ipv6(&p);
		tu_tcp(&p, 1, 2, 3, 4, DM_TCP_ACK, 5, NULL, 0, "abcd", 4);
		tu_finish(&p);
		p.d[p.l4_off + 12] = (uint8_t)(doff << 4);
		tu_fill_l4_csum(&p);
		dm_frame_status st = decode(DLT_RAW, &p, &pkt);
		g_assert_cmpint(st, ==, DM_FRAME_SEGMENT);
		g_assert_cmpint(pkt.malformed, ==, DM_MAL_TCP_OFFSET);
		g_assert_cmpstr(dm_malformed_name(pkt.malformed), ==, "tcp-offset-invalid");
		g_assert_cmpuint(pkt.tcp_doff, ==, doff);
		g_assert_true(pkt.have_tcp);
		g_assert_true(pkt.have_csum_field);
		if (verified) {
			g_assert_cmpstr(dm_csum_status_name(pkt.csum.status), ==, "good");
			g_assert_cmphex(pkt.csum.expected, ==, pkt.csum.stored);
		} else {
			g_assert_cmpstr(dm_csum_status_name(pkt.csum.status), ==, "unverified");
			g_assert_cmpint(pkt.csum.reason, ==, DM_CSUM_REASON_MALFORMED);
			g_assert_false(pkt.csum.have_expected);
		}

		/* A wrong checksum: found past the end, no verdict below 5. */
		p.d[p.l4_off + 16] ^= 1;
		decode(DLT_RAW, &p, &pkt);
		g_assert_cmpstr(dm_csum_status_name(pkt.csum.status), ==,
		                verified ? "bad" : "unverified");
	}
}

static void
test_malformed_tcp_offset_past_end(void)
{
	check_tcp_offset(7);   /* 28 > 24 bytes */
	check_tcp_offset(15);
}

static void
test_malformed_tcp_offset_short(void)
{
	for (unsigned doff = 0; doff < 5; doff++)
		check_tcp_offset(doff);
}

/* The IP length promises more than an uncut frame (caplen == wirelen)
 * holds. */
static void
test_malformed_ip_length_frame(void)
{
	for (int family = 4; family <= 6; family += 2) {
		for (int tcp = 0; tcp <= 1; tcp++) {
			tu_pkt p;
			dm_packet pkt;

			tu_init(&p);
			tu_eth(&p, family == 6 ? TU_ETH_IPV6 : TU_ETH_IPV4);
			if (family == 4)
				tu_ipv4(&p, NULL, 0);
			else
				tu_ipv6(&p);
			if (tcp)
				add_tcp(&p);
			else
				add_udp(&p);
			tu_finish(&p);
			/* 10 more bytes than the frame carries. */
			size_t lf = family == 4 ? 14 + 2 : 14 + 4;
			tu_set_be16(&p, lf, tu_get_be16(&p, lf) + 10);
			if (family == 4)
				tu_fix_ipv4_csum(&p);
			if (!tcp)
				tu_set_be16(&p, p.l4_off + 4, (unsigned)p.l4_len + 10);

			g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_SEGMENT);
			g_assert_cmpint(pkt.malformed, ==, DM_MAL_IP_LEN_FRAME);
			g_assert_cmpstr(dm_malformed_name(pkt.malformed), ==,
			                "ip-length-exceeds-frame");
			g_assert_cmpuint(pkt.ip_payload_len, ==, p.l4_len + 10);
			if (tcp) {
				/* The segment that arrived is judged. */
				g_assert_cmpstr(dm_csum_status_name(pkt.csum.status), ==,
				                "good");
			} else {
				assert_unverified(&pkt, DM_CSUM_REASON_MALFORMED);
			}
		}
	}
}

/* ---- TCP ----------------------------------------------------------- */

static void
test_tcp_fields(void)
{
	tu_pkt p;
	dm_packet pkt;
	char flags[9];

	tu_init(&p);
	tu_sll2(&p, TU_ETH_IPV4);
	tu_ipv4(&p, NULL, 0);
	tu_tcp(&p, 40000, 443, 0xfedcba98, 0x01234567,
	       DM_TCP_SYN | DM_TCP_ACK | DM_TCP_ECE | DM_TCP_CWR, 0xabcd,
	       tcp_opts, sizeof tcp_opts, "GET /", 5);
	tu_finish(&p);
	assert_good_segment(decode(DLT_LINUX_SLL2, &p, &pkt), &pkt, &p);
	g_assert_true(pkt.have_tcp);
	g_assert_cmphex(pkt.seq, ==, 0xfedcba98);
	g_assert_cmphex(pkt.ack, ==, 0x01234567);
	g_assert_cmphex(pkt.tcp_flags, ==, 0xd2);
	g_assert_cmpuint(pkt.tcp_doff, ==, 8);
	g_assert_cmphex(pkt.window, ==, 0xabcd);
	g_assert_cmpuint(pkt.seg_len, ==, 32 + 5);
	g_assert_cmpuint(pkt.payload_len, ==, 5);
	g_assert_false(pkt.have_length);
	g_assert_cmpstr(dm_tcp_flags_string(pkt.tcp_flags, flags), ==, "SAEC");
}

static void
test_tcp_flags_string(void)
{
	char buf[9];

	g_assert_cmpstr(dm_tcp_flags_string(0, buf), ==, "");
	g_assert_cmpstr(dm_tcp_flags_string(0xff, buf), ==, "SAFRPUEC");
	g_assert_cmpstr(dm_tcp_flags_string(DM_TCP_FIN | DM_TCP_ACK, buf), ==, "AF");
	g_assert_cmpstr(dm_tcp_flags_string(DM_TCP_RST, buf), ==, "R");
	g_assert_cmpstr(dm_tcp_flags_string(DM_TCP_PSH | DM_TCP_URG, buf), ==, "PU");
	g_assert_cmpstr(dm_tcp_flags_string(DM_TCP_ECE, buf), ==, "E");
	g_assert_cmpstr(dm_tcp_flags_string(DM_TCP_CWR | DM_TCP_SYN, buf), ==, "SC");
}

/* ---- ICMP ---------------------------------------------------------- */

/* An ICMP/ICMPv6 error of @type/@code quoting a UDP datagram (with IPv4
 * options when @opts). */
static void
build_icmp(tu_pkt *p, int family, uint8_t type, uint8_t code, bool opts)
{
	tu_pkt q;

	tu_init(&q);
	if (family == 4)
		tu_ipv4(&q, opts ? v4_opts : NULL, opts ? sizeof v4_opts : 0);
	else
		tu_ipv6(&q);
	tu_udp(&q, 33434, 33435, payload, sizeof payload);
	tu_finish(&q);

	tu_init(p);
	tu_eth(p, family == 6 ? TU_ETH_IPV6 : TU_ETH_IPV4);
	if (family == 4) {
		tu_ipv4(p, NULL, 0);
		/* RFC 792: the IP header and the first 8 data bytes. */
		tu_icmp(p, type, code, q.d, q.l4_off + 8);
	} else {
		tu_ipv6(p);
		tu_icmp(p, type, code, q.d, q.len);
	}
	tu_finish(p);
}

static void
check_icmp_quote(const dm_packet *pkt, int family)
{
	size_t n = family == 6 ? 16 : 4;
	g_assert_true(pkt->quote_valid);
	g_assert_cmpuint(pkt->q_proto, ==, TU_P_UDP);
	g_assert_cmpmem(pkt->q_src, n, family == 6 ? tu_v6_src : tu_v4_src, n);
	g_assert_cmpmem(pkt->q_dst, n, family == 6 ? tu_v6_dst : tu_v4_dst, n);
	g_assert_cmpuint(pkt->q_sport, ==, 33434);
	g_assert_cmpuint(pkt->q_dport, ==, 33435);
}

static void
test_icmp_v4_port_unreachable(void)
{
	for (int opts = 0; opts <= 1; opts++) {
		tu_pkt p;
		dm_packet pkt;

		build_icmp(&p, 4, 3, 3, opts);
		g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_ICMP_ERROR);
		g_assert_cmpstr(dm_frame_status_name(DM_FRAME_ICMP_ERROR), ==, "icmp-error");
		g_assert_cmpuint(pkt.family, ==, 4);
		g_assert_cmpuint(pkt.proto, ==, TU_P_ICMP);
		g_assert_cmpuint(pkt.icmp_type, ==, 3);
		g_assert_cmpuint(pkt.icmp_code, ==, 3);
		g_assert_true(pkt.icmp_port_unreach);
		check_icmp_quote(&pkt, 4);
	}
}

static void
test_icmp_v6_port_unreachable(void)
{
	tu_pkt p;
	dm_packet pkt;

	build_icmp(&p, 6, 1, 4, false);
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_ICMP_ERROR);
	g_assert_cmpuint(pkt.family, ==, 6);
	g_assert_cmpuint(pkt.proto, ==, TU_P_ICMPV6);
	g_assert_cmpuint(pkt.icmp_type, ==, 1);
	g_assert_cmpuint(pkt.icmp_code, ==, 4);
	g_assert_true(pkt.icmp_port_unreach);
	check_icmp_quote(&pkt, 6);
}

/* Other unreachable codes are errors but not port unreachable; other
 * types are not errors at all; ICMPv4 over IPv6 is another protocol. */
static void
test_icmp_other(void)
{
	tu_pkt p;
	dm_packet pkt;

	build_icmp(&p, 4, 3, 1, false);  /* host unreachable */
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_ICMP_ERROR);
	g_assert_false(pkt.icmp_port_unreach);
	check_icmp_quote(&pkt, 4);

	build_icmp(&p, 6, 1, 3, false);  /* address unreachable */
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_ICMP_ERROR);
	g_assert_false(pkt.icmp_port_unreach);

	build_icmp(&p, 4, 11, 0, false); /* time exceeded */
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_OTHER_PROTO);
	build_icmp(&p, 6, 128, 0, false); /* echo request */
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_OTHER_PROTO);

	build_icmp(&p, 6, 3, 3, false);
	p.d[14 + 6] = TU_P_ICMP;
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_OTHER_PROTO);
}

/* ---- truncation ---------------------------------------------------- */

typedef enum { K_UDP, K_TCP, K_ICMP } l4_kind;

/* Decode @p (link header @link_len bytes) cut at every length with the
 * full wire length: no cut frame may be "bad", the frame outcome follows
 * from where the cut falls, and a segment missing bytes is
 * unverified/truncated. */
static void
check_every_length(int dlt, const tu_pkt *p, size_t link_len, l4_kind kind)
{
	dm_packet full, pkt;
	dm_frame_status fst = decode(dlt, p, &full);
	size_t seg_end = p->l4_off + p->l4_len;
	size_t hdr_end = p->l4_off + (kind == K_UDP ? 8 : kind == K_TCP ? 20 : 2);

	if (kind == K_ICMP) {
		g_assert_cmpint(fst, ==, DM_FRAME_ICMP_ERROR);
		g_assert_true(full.quote_valid);
	} else
		g_assert_cmpint(fst, ==, DM_FRAME_SEGMENT);
	g_assert_cmpint(full.csum.status, !=, DM_CSUM_BAD);

	for (size_t cut = 0; cut < p->len; cut++) {
		dm_frame_status st = decode_cut(dlt, p, cut, p->len, &pkt);
		dm_frame_status want;

		if (cut < link_len)
			want = DM_FRAME_TRUNC_LINK;
		else if (cut < p->l4_off)
			want = DM_FRAME_TRUNC_IP;
		else if (kind == K_ICMP)
			want = cut < hdr_end ? DM_FRAME_OTHER_PROTO : fst;
		else if (cut < p->l4_off + 4)
			want = DM_FRAME_TRUNC_L4;
		else
			want = fst;
		if (st != want)
			g_error("cut %zu of %zu: %s, expected %s", cut, p->len,
			        dm_frame_status_name(st), dm_frame_status_name(want));

		g_assert_cmpint(pkt.csum.status, !=, DM_CSUM_BAD);
		/* No family before the IP header; its own once a byte of it
		 * is there (at the boundary it depends on the link type). */
		if (cut < link_len)
			g_assert_cmpuint(pkt.family, ==, 0);
		else if (cut > link_len)
			g_assert_cmpuint(pkt.family, ==, p->family);

		if (st == DM_FRAME_SEGMENT) {
			g_assert_cmpuint(pkt.sport, ==, full.sport);
			g_assert_cmpuint(pkt.dport, ==, full.dport);
			g_assert_cmpuint(pkt.ip_payload_len, ==, full.ip_payload_len);
			g_assert_cmpuint(pkt.l4_caplen, ==, MIN(cut, p->l4_off + full.ip_payload_len) - p->l4_off);
			if (full.csum.reason == DM_CSUM_REASON_FRAGMENT && cut >= hdr_end) {
				assert_unverified(&pkt, DM_CSUM_REASON_FRAGMENT);
			} else if (cut < seg_end) {
				assert_unverified(&pkt, DM_CSUM_REASON_TRUNCATED);
				g_assert_false(pkt.csum.have_expected);
			} else {
				g_assert_cmpint(pkt.csum.status, ==, full.csum.status);
				g_assert_cmphex(pkt.csum.expected, ==, full.csum.expected);
			}
			if (cut >= hdr_end && kind == K_TCP) {
				g_assert_true(pkt.have_tcp);
				g_assert_cmpuint(pkt.seq, ==, full.seq);
			}
			if (cut >= hdr_end && kind == K_UDP)
				g_assert_cmpuint(pkt.udp_length, ==, full.udp_length);
		} else if (st == DM_FRAME_ICMP_ERROR) {
			g_assert_cmpuint(pkt.icmp_type, ==, full.icmp_type);
			if (pkt.quote_valid) {
				g_assert_cmpuint(pkt.q_sport, ==, full.q_sport);
				g_assert_cmpuint(pkt.q_dport, ==, full.q_dport);
			}
		}
	}
}

static void
add_l4(tu_pkt *p, l4_kind kind)
{
	if (kind == K_UDP)
		add_udp(p);
	else
		add_tcp(p);
}

static void
test_truncation_every_length(void)
{
	int frames = 0;

	/* Every link type, both families, UDP and TCP, without and with
	 * IPv4 options / an IPv6 hop-by-hop, SRH and dest-opts chain. */
	for (link_kind k = 0; k < L_N; k++) {
		for (int family = 4; family <= 6; family += 2) {
			for (l4_kind kind = K_UDP; kind <= K_TCP; kind++) {
				for (int ext = 0; ext <= 1; ext++) {
					tu_pkt p;

					tu_init(&p);
					int dlt = put_link(&p, k, family);
					size_t link_len = p.len;
					if (family == 4) {
						tu_ipv4(&p, ext ? v4_opts : NULL,
						        ext ? sizeof v4_opts : 0);
					} else {
						tu_ipv6(&p);
						if (ext) {
							tu_ipv6_opts(&p, TU_P_HOPOPTS, 8);
							tu_ipv6_routing(&p, 4, 1, seg_addrs, 2);
							tu_ipv6_opts(&p, TU_P_DSTOPTS, 16);
						}
					}
					add_l4(&p, kind);
					tu_finish(&p);
					check_every_length(dlt, &p, link_len, kind);
					frames++;
				}
			}
		}
	}

	/* Ethernet frames with padding; VLAN-tagged. */
	for (l4_kind kind = K_UDP; kind <= K_TCP; kind++) {
		static const unsigned t[1] = { TU_TPID_8021Q };
		tu_pkt p;

		tu_init(&p);
		tu_eth_vlan(&p, t, 1, TU_ETH_IPV4);
		tu_ipv4(&p, NULL, 0);
		if (kind == K_UDP)
			tu_udp(&p, 9, 9, "z", 1);
		else
			tu_tcp(&p, 9, 9, 1, 1, DM_TCP_RST, 0, NULL, 0, NULL, 0);
		tu_finish(&p);
		tu_fill(&p, 0xc3, 64 - p.len);
		check_every_length(DLT_EN10MB, &p, 18, kind);
		frames++;
	}

	/* UDP length shorter than the IP payload. */
	{
		tu_pkt p;

		tu_init(&p);
		tu_sll(&p, TU_ETH_IPV6);
		tu_ipv6(&p);
		tu_udp(&p, 1, 2, payload, sizeof payload);
		tu_fill(&p, 0x99, 9);
		tu_finish(&p);
		tu_set_be16(&p, p.l4_off + 4, 8 + sizeof payload);
		p.l4_len = 8 + sizeof payload;
		tu_fill_l4_csum(&p);
		check_every_length(DLT_LINUX_SLL, &p, 16, K_UDP);
		frames++;
	}

	/* First fragments, IPv4 and IPv6. */
	for (int family = 4; family <= 6; family += 2) {
		for (l4_kind kind = K_UDP; kind <= K_TCP; kind++) {
			tu_pkt p;

			tu_init(&p);
			tu_eth(&p, family == 6 ? TU_ETH_IPV6 : TU_ETH_IPV4);
			if (family == 4) {
				tu_ipv4(&p, NULL, 0);
			} else {
				tu_ipv6(&p);
				tu_ipv6_frag(&p, 0, true);
			}
			add_l4(&p, kind);
			tu_finish(&p);
			if (family == 4) {
				tu_ipv4_frag(&p, 0, true);
				tu_fix_ipv4_csum(&p);
			}
			check_every_length(DLT_EN10MB, &p, 14, kind);
			frames++;
		}
	}

	/* ICMP errors quoting UDP. */
	for (int family = 4; family <= 6; family += 2) {
		tu_pkt p;

		build_icmp(&p, family, family == 6 ? 1 : 3, family == 6 ? 4 : 3, true);
		check_every_length(DLT_EN10MB, &p, 14, K_ICMP);
		frames++;
	}

	g_test_message("%d frames cut at every length", frames);
}

/* A copy of a plain segment leaves out the fragment, tunnel and ICMP
 * fields; a fragment's and an ICMP error's keep them. */
static void
test_packet_copy_size(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, TU_ETH_IPV4);
	add_ip_udp(&p, 4);
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_SEGMENT);
	g_assert_cmpuint(dm_packet_copy_size(&pkt), ==, offsetof(dm_packet, frag));
	g_assert_cmpuint(dm_packet_copy_size(&pkt), <, dm_packet_used_size());

	tu_init(&p);
	tu_eth(&p, TU_ETH_IPV4);
	tu_ipv4(&p, NULL, 0);
	add_udp(&p);
	tu_finish(&p);
	tu_ipv4_frag(&p, 0, true);
	tu_fix_ipv4_csum(&p);
	g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_SEGMENT);
	g_assert_true(pkt.is_fragment);
	g_assert_cmpuint(dm_packet_copy_size(&pkt), ==, dm_packet_used_size());

	for (int family = 4; family <= 6; family += 2) {
		build_icmp(&p, family, family == 6 ? 1 : 3, family == 6 ? 4 : 3, false);
		g_assert_cmpint(decode(DLT_EN10MB, &p, &pkt), ==, DM_FRAME_ICMP_ERROR);
		g_assert_cmpuint(dm_packet_copy_size(&pkt), ==, dm_packet_used_size());
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/decode/link/ethernet", test_link_ethernet);
	g_test_add_func("/decode/packet/copy-size", test_packet_copy_size);
	g_test_add_func("/decode/link/ethernet-ipv6", test_link_ethernet_ipv6);
	g_test_add_func("/decode/link/vlan", test_link_vlan);
	g_test_add_func("/decode/link/vlan-stacked", test_link_vlan_stacked);
	g_test_add_func("/decode/link/not-ip", test_link_not_ip);
	g_test_add_func("/decode/link/sll", test_link_sll);
	g_test_add_func("/decode/link/sll2", test_link_sll2);
	g_test_add_func("/decode/link/raw", test_link_raw);
	g_test_add_func("/decode/link/ipv4-ipv6", test_link_ipv4_ipv6);
	g_test_add_func("/decode/link/null", test_link_null);
	g_test_add_func("/decode/link/loop", test_link_loop);
	g_test_add_func("/decode/link/unknown", test_link_unknown);

	g_test_add_func("/decode/ipv4/options", test_ipv4_options);
	g_test_add_func("/decode/ipv4/ethernet-padding", test_ipv4_ethernet_padding);
	g_test_add_func("/decode/ipv4/header-csum-bad", test_ipv4_header_csum_bad);
	g_test_add_func("/decode/ipv4/ihl-short", test_ipv4_ihl_short);
	g_test_add_func("/decode/ipv4/bad-version", test_ipv4_bad_version);
	g_test_add_func("/decode/ipv4/tso-length", test_ipv4_tso_length);
	g_test_add_func("/decode/ipv4/fragments", test_ipv4_fragments);
	g_test_add_func("/decode/ipv4/other-proto", test_ipv4_other_proto);

	g_test_add_func("/decode/ipv6/hop-dst-chain", test_ipv6_hop_dst_chain);
	g_test_add_func("/decode/ipv6/routing-final-dst", test_ipv6_routing_final_dst);
	g_test_add_func("/decode/ipv6/routing-left-zero", test_ipv6_routing_left_zero);
	g_test_add_func("/decode/ipv6/srh-final-dst", test_ipv6_srh_final_dst);
	g_test_add_func("/decode/ipv6/home-address", test_ipv6_home_address);
	g_test_add_func("/decode/ipv6/home-address-ignored", test_ipv6_home_address_ignored);
	g_test_add_func("/decode/ipv6/home-address-fragment", test_ipv6_home_address_fragment);
	g_test_add_func("/decode/ipv6/option-tlvs", test_ipv6_option_tlvs);
	g_test_add_func("/decode/ipv6/ext-limit-last", test_ipv6_ext_limit_last);
	g_test_add_func("/decode/ipv6/srh-left-zero", test_ipv6_srh_left_zero);
	g_test_add_func("/decode/ipv6/ext-limit", test_ipv6_ext_limit);
	g_test_add_func("/decode/ipv6/fragments", test_ipv6_fragments);
	g_test_add_func("/decode/ipv6/no-next-header", test_ipv6_no_next_header);
	g_test_add_func("/decode/ipv6/big-tcp", test_ipv6_big_tcp);
	g_test_add_func("/decode/ipv6/ah", test_ipv6_ah);
	g_test_add_func("/decode/ipv6/routing-type2", test_ipv6_routing_type2);
	g_test_add_func("/decode/ipv6/jumbo", test_ipv6_jumbo);
	g_test_add_func("/decode/ip/direct", test_decode_ip_direct);

	g_test_add_func("/decode/malformed/udp-length-long", test_malformed_udp_long);
	g_test_add_func("/decode/malformed/udp-length-short", test_malformed_udp_short);
	g_test_add_func("/decode/malformed/udp-length-inside", test_malformed_udp_inside);
	g_test_add_func("/decode/malformed/tcp-offset-past-end",
	                test_malformed_tcp_offset_past_end);
	g_test_add_func("/decode/malformed/tcp-offset-short",
	                test_malformed_tcp_offset_short);
	g_test_add_func("/decode/malformed/ip-length-frame",
	                test_malformed_ip_length_frame);

	g_test_add_func("/decode/tcp/fields", test_tcp_fields);
	g_test_add_func("/decode/tcp/flags-string", test_tcp_flags_string);

	g_test_add_func("/decode/icmp/v4-port-unreachable", test_icmp_v4_port_unreachable);
	g_test_add_func("/decode/icmp/v6-port-unreachable", test_icmp_v6_port_unreachable);
	g_test_add_func("/decode/icmp/other", test_icmp_other);

	g_test_add_func("/decode/truncation/every-length", test_truncation_every_length);

	return g_test_run();
}
