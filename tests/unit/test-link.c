/* test-link.c - the link layers beyond Ethernet, SLL and loopback: MPLS
 * label stacks and pseudowires, PPPoE sessions, PPP, Cisco HDLC, IEEE
 * 802.11 data frames, radiotap, PPI and NFLOG.  Frames are built here
 * byte by byte (testutil.h) and decoded from a heap buffer of exactly the
 * captured bytes, so a sanitizer build catches any read past them.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "demuxsim/decode.h"
#include "testutil.h"

static const uint8_t payload[13] = "hello, world";

enum { ETH_MPLS = 0x8847, ETH_MPLS_MC = 0x8848, ETH_PPPOE_D = 0x8863,
       ETH_PPPOE_S = 0x8864 };

/* Decode the first @caplen bytes of @p, @wirelen on the wire, from a
 * buffer of exactly @caplen bytes. */
static dm_frame_status
decode_cut(int dlt, const tu_pkt *p, size_t caplen, size_t wirelen, dm_packet *pkt)
{
	uint8_t *buf = g_malloc(caplen ? caplen : 1);
	memcpy(buf, p->d, caplen);
	dm_frame_status st = dm_decode_frame(dlt, buf, (uint32_t)caplen, (uint32_t)wirelen, pkt);
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

static void
assert_status(dm_frame_status got, dm_frame_status want)
{
	g_assert_cmpstr(dm_frame_status_name(got), ==, dm_frame_status_name(want));
}

/* A good UDP (or TCP) segment with the builder's addresses and ports. */
static void
assert_good(dm_frame_status st, const dm_packet *pkt, const tu_pkt *p)
{
	size_t n = p->family == 6 ? 16 : 4;
	assert_status(st, DM_FRAME_SEGMENT);
	g_assert_cmpstr(dm_csum_status_name(pkt->csum.status), ==, "good");
	g_assert_cmpuint(pkt->family, ==, p->family);
	g_assert_cmpuint(pkt->proto, ==, p->proto);
	g_assert_cmpmem(pkt->src, n, p->src, n);
	g_assert_cmpmem(pkt->dst, n, p->dst, n);
	g_assert_cmpint(pkt->malformed, ==, DM_MAL_NONE);
}

/* IPv4 UDP or IPv6 TCP after the link header in @p, finished. */
static void
add_ip(tu_pkt *p, int family)
{
	if (family == 4) {
		tu_ipv4(p, NULL, 0);
		tu_udp(p, 5353, 53, payload, sizeof payload);
	} else {
		tu_ipv6(p);
		tu_tcp(p, 40000, 443, 1, 2, DM_TCP_ACK, 1000, NULL, 0, payload, sizeof payload);
	}
	tu_finish(p);
}

/* Every prefix of a good frame is truncated, never invalid, and never
 * read past (the buffer is exactly the prefix). */
static void
check_prefixes(int dlt, const tu_pkt *p)
{
	for (size_t cut = 0; cut < p->len; cut++) {
		dm_packet pkt;
		dm_frame_status st = decode_cut(dlt, p, cut, p->len, &pkt);
		if (st == DM_FRAME_SEGMENT) {
			if (pkt.csum.status != DM_CSUM_UNVERIFIED)
				g_error("dlt %d cut at %zu of %zu: %s", dlt, cut, p->len,
				        dm_csum_status_name(pkt.csum.status));
			continue;
		}
		if (st != DM_FRAME_TRUNC_LINK && st != DM_FRAME_TRUNC_IP && st != DM_FRAME_TRUNC_L4)
			g_error("dlt %d cut at %zu of %zu: %s", dlt, cut, p->len,
			        dm_frame_status_name(st));
	}
}

/* ---- MPLS ---------------------------------------------------------- */

static void
mpls_label(tu_pkt *p, uint32_t label, bool bottom)
{
	tu_be32(p, label << 12 | (bottom ? 0x100u : 0) | 64);
}

static void
test_mpls_stack(void)
{
	static const unsigned tag[2] = { TU_TPID_8021AD, TU_TPID_8021Q };
	for (int family = 4; family <= 6; family += 2) {
		for (unsigned labels = 1; labels <= 16; labels += 5) {
			for (int form = 0; form < 4; form++) {
				tu_pkt p;
				dm_packet pkt;
				int dlt = DLT_EN10MB;
				unsigned type = form == 1 ? ETH_MPLS_MC : ETH_MPLS;

				tu_init(&p);
				if (form == 2)
					tu_eth_vlan(&p, tag, 2, type);
				else if (form == 3)
					tu_sll(&p, type), dlt = DLT_LINUX_SLL;
				else
					tu_eth(&p, type);
				for (unsigned i = 0; i < labels; i++)
					mpls_label(&p, 1000 + i, i + 1 == labels);
				add_ip(&p, family);
				assert_good(decode(dlt, &p, &pkt), &pkt, &p);
				if (form == 2)
					g_assert_cmpuint(pkt.vlan_tags, ==, 2);
				check_prefixes(dlt, &p);
			}
		}
	}
}

/* 16 labels is the most walked: a 17th (or no bottom among the first 16)
 * is a limit, counted as such. */
static void
test_mpls_limit(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, ETH_MPLS);
	for (unsigned i = 0; i < 17; i++)
		mpls_label(&p, 16 + i, i == 16);
	add_ip(&p, 4);
	assert_status(decode(DLT_EN10MB, &p, &pkt), DM_FRAME_LINK_LIMIT);
	g_assert_cmpstr(dm_frame_status_name(DM_FRAME_LINK_LIMIT), ==, "link-header-limit");
}

/* A stack without a bottom that runs off the captured bytes is
 * truncated, not invalid. */
static void
test_mpls_truncated(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, ETH_MPLS);
	for (unsigned i = 0; i < 5; i++)
		mpls_label(&p, 20 + i, false);
	tu_u8(&p, 0x45);
	tu_u8(&p, 0x00);
	for (size_t cut = 14; cut <= p.len; cut++)
		assert_status(decode_cut(DLT_EN10MB, &p, cut, p.len + 100, &pkt),
		              DM_FRAME_TRUNC_LINK);
	/* A bottom label and nothing after it: the IP header is missing. */
	tu_init(&p);
	tu_eth(&p, ETH_MPLS);
	mpls_label(&p, 20, true);
	assert_status(decode_cut(DLT_EN10MB, &p, p.len, p.len + 40, &pkt), DM_FRAME_TRUNC_IP);
}

/* After the bottom, a first nibble of 0 is a pseudowire control word
 * before an Ethernet frame; 1 (an associated channel) is not IP. */
static void
test_mpls_pseudowire(void)
{
	static const unsigned tag[1] = { TU_TPID_8021Q };
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, ETH_MPLS);
	mpls_label(&p, 18, false);
	mpls_label(&p, 16, true);
	tu_be32(&p, 0);                 /* control word */
	tu_eth_vlan(&p, tag, 1, TU_ETH_IPV4);
	add_ip(&p, 4);
	assert_good(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
	check_prefixes(DLT_EN10MB, &p);

	tu_init(&p);
	tu_eth(&p, ETH_MPLS);
	mpls_label(&p, 16, true);
	tu_be32(&p, 0x10000000);        /* associated channel header */
	tu_fill(&p, 0, 20);
	assert_status(decode(DLT_EN10MB, &p, &pkt), DM_FRAME_NOT_IP);

	/* Pseudowires nested without end stop at the nesting limit. */
	tu_init(&p);
	tu_eth(&p, ETH_MPLS);
	for (int i = 0; i < 6; i++) {
		mpls_label(&p, 16, true);
		tu_be32(&p, 0);
		tu_eth(&p, ETH_MPLS);
	}
	mpls_label(&p, 16, true);
	add_ip(&p, 4);
	assert_status(decode(DLT_EN10MB, &p, &pkt), DM_FRAME_LINK_LIMIT);
}

/* ---- PPPoE, PPP, Cisco HDLC ----------------------------------------- */

/* A PPPoE session header whose length is patched by pppoe_finish(). */
static size_t
pppoe_begin(tu_pkt *p, unsigned ppp_proto)
{
	size_t at = p->len;
	tu_u8(p, 0x11);
	tu_u8(p, 0);
	tu_be16(p, 0x0011);
	tu_be16(p, 0);
	tu_be16(p, ppp_proto);
	return at;
}

static void
pppoe_finish(tu_pkt *p, size_t at)
{
	tu_set_be16(p, at + 4, (unsigned)(p->len - at - 6));
}

static void
test_pppoe(void)
{
	static const unsigned tags[2] = { TU_TPID_8021AD, TU_TPID_8021Q };
	for (int family = 4; family <= 6; family += 2) {
		for (size_t ntags = 0; ntags <= 2; ntags++) {
			tu_pkt p;
			dm_packet pkt;

			tu_init(&p);
			tu_eth_vlan(&p, tags, ntags, ETH_PPPOE_S);
			size_t at = pppoe_begin(&p, family == 4 ? 0x0021 : 0x0057);
			add_ip(&p, family);
			pppoe_finish(&p, at);
			check_prefixes(DLT_EN10MB, &p);
			tu_fill(&p, 0, 8);      /* Ethernet padding after the PPP frame */
			assert_good(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
		}
	}
}

static void
test_pppoe_not_ip(void)
{
	tu_pkt p;
	dm_packet pkt;

	/* Discovery (PADI) is not IP. */
	tu_init(&p);
	tu_eth(&p, ETH_PPPOE_D);
	tu_bytes(&p, "\x11\x09\x00\x00\x00\x04\x01\x01\x00\x00", 10);
	assert_status(decode(DLT_EN10MB, &p, &pkt), DM_FRAME_NOT_IP);
	/* LCP in a session is not IP. */
	tu_init(&p);
	tu_eth(&p, ETH_PPPOE_S);
	size_t at = pppoe_begin(&p, 0xc021);
	tu_bytes(&p, "\x09\x6a\x00\x08\x00\x00\x00\x00", 8);
	pppoe_finish(&p, at);
	assert_status(decode(DLT_EN10MB, &p, &pkt), DM_FRAME_NOT_IP);
	/* A version other than 1 is malformed. */
	p.d[at] = 0x21;
	assert_status(decode(DLT_EN10MB, &p, &pkt), DM_FRAME_BAD_LINK);
	g_assert_cmpstr(dm_frame_status_name(DM_FRAME_BAD_LINK), ==, "bad-link-header");
	/* A header cut short is truncated. */
	assert_status(decode_cut(DLT_EN10MB, &p, 18, p.len, &pkt), DM_FRAME_TRUNC_LINK);
}

static void
test_ppp(void)
{
	/* ff 03 + 2-byte protocol, 2-byte protocol alone, 1-byte (compressed). */
	for (int form = 0; form < 3; form++) {
		for (int family = 4; family <= 6; family += 2) {
			tu_pkt p;
			dm_packet pkt;
			unsigned proto = family == 4 ? 0x21 : 0x57;

			tu_init(&p);
			if (form == 0)
				tu_bytes(&p, "\xff\x03", 2);
			if (form == 2)
				tu_u8(&p, proto);
			else
				tu_be16(&p, proto);
			add_ip(&p, family);
			assert_good(decode(DLT_PPP, &p, &pkt), &pkt, &p);
			assert_good(decode(DLT_PPP_SERIAL, &p, &pkt), &pkt, &p);
			check_prefixes(DLT_PPP, &p);
		}
	}
	/* MPLS over PPP (0x0281). */
	tu_pkt p;
	dm_packet pkt;
	tu_init(&p);
	tu_bytes(&p, "\xff\x03\x02\x81", 4);
	mpls_label(&p, 100704, true);
	add_ip(&p, 4);
	assert_good(decode(DLT_PPP, &p, &pkt), &pkt, &p);
	/* LCP is not IP; a control byte other than 0x03 is malformed; an
	 * even second protocol byte is malformed. */
	tu_init(&p);
	tu_bytes(&p, "\xff\x03\xc0\x21\x09\x01\x00\x08\x00\x00\x00\x00", 12);
	assert_status(decode(DLT_PPP, &p, &pkt), DM_FRAME_NOT_IP);
	p.d[1] = 0x5f;
	assert_status(decode(DLT_PPP, &p, &pkt), DM_FRAME_BAD_LINK);
	p.d[1] = 0x03;
	p.d[3] = 0x20;
	assert_status(decode(DLT_PPP, &p, &pkt), DM_FRAME_BAD_LINK);
	assert_status(decode_cut(DLT_PPP, &p, 1, 12, &pkt), DM_FRAME_TRUNC_LINK);
	assert_status(decode_cut(DLT_PPP, &p, 0, 12, &pkt), DM_FRAME_TRUNC_LINK);
}

static void
test_chdlc(void)
{
	for (int bcast = 0; bcast <= 1; bcast++) {
		for (int family = 4; family <= 6; family += 2) {
			tu_pkt p;
			dm_packet pkt;

			tu_init(&p);
			tu_u8(&p, bcast ? 0x8f : 0x0f);
			tu_u8(&p, 0);
			tu_be16(&p, family == 4 ? TU_ETH_IPV4 : TU_ETH_IPV6);
			add_ip(&p, family);
			assert_good(decode(DLT_C_HDLC, &p, &pkt), &pkt, &p);
			/* PPP_SERIAL captures carry Cisco HDLC frames too. */
			assert_good(decode(DLT_PPP_SERIAL, &p, &pkt), &pkt, &p);
			check_prefixes(DLT_C_HDLC, &p);
		}
	}
	tu_pkt p;
	dm_packet pkt;
	tu_init(&p);
	tu_bytes(&p, "\x8f\x00\x80\x35", 4);    /* SLARP */
	tu_fill(&p, 0, 20);
	assert_status(decode(DLT_C_HDLC, &p, &pkt), DM_FRAME_NOT_IP);
}

/* ---- IEEE 802.11, radiotap, PPI -------------------------------------- */

enum { W_QOS = 1, W_4ADDR = 2, W_HTC = 4, W_PROTECTED = 8, W_TODS = 16 };

/* An 802.11 data frame header (+ LLC/SNAP for @ethertype). */
static void
wlan_data(tu_pkt *p, unsigned flags, unsigned ethertype)
{
	unsigned fc1 = 0;
	if (flags & W_4ADDR)
		fc1 |= 0x03;
	else if (flags & W_TODS)
		fc1 |= 0x01;
	if (flags & W_PROTECTED)
		fc1 |= 0x40;
	if (flags & W_HTC)
		fc1 |= 0x80;
	tu_u8(p, (flags & W_QOS) ? 0x88 : 0x08);   /* data or QoS data */
	tu_u8(p, fc1);
	tu_be16(p, 0x3a01);                         /* duration */
	for (unsigned i = 0; i < 3; i++)
		tu_bytes(p, "\x02\x00\x00\x00\x00", 5), tu_u8(p, 0x10 + i);
	tu_be16(p, 0x1000);                         /* sequence 256, fragment 0 */
	if (flags & W_4ADDR)
		tu_bytes(p, "\x02\x00\x00\x00\x00\x13", 6);
	if (flags & W_QOS)
		tu_be16(p, 0x0000);
	if (flags & W_HTC)
		tu_be32(p, 0xdeadbeef);
	tu_bytes(p, "\xaa\xaa\x03\x00\x00\x00", 6);
	tu_be16(p, ethertype);
}

static void
test_80211_data(void)
{
	static const unsigned forms[] = {
		0, W_TODS, W_QOS, W_QOS | W_4ADDR, W_QOS | W_HTC,
		W_QOS | W_HTC | W_4ADDR, W_4ADDR,
	};
	for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
		for (int family = 4; family <= 6; family += 2) {
			tu_pkt p;
			dm_packet pkt;

			tu_init(&p);
			wlan_data(&p, forms[i], family == 4 ? TU_ETH_IPV4 : TU_ETH_IPV6);
			add_ip(&p, family);
			assert_good(decode(DLT_IEEE802_11, &p, &pkt), &pkt, &p);
			check_prefixes(DLT_IEEE802_11, &p);
		}
	}
}

/* The order bit adds HT control only in QoS data: without QoS it has
 * no HT control field (the 4 bytes are the LLC header). */
static void
test_80211_qos(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	wlan_data(&p, W_QOS, TU_ETH_IPV4);
	add_ip(&p, 4);
	assert_good(decode(DLT_IEEE802_11, &p, &pkt), &pkt, &p);
	/* The same bytes with the order bit set would need 4 more header
	 * bytes: the LLC header is then read at the wrong place, not IP. */
	p.d[1] |= 0x80;
	assert_status(decode(DLT_IEEE802_11, &p, &pkt), DM_FRAME_NOT_IP);
	/* A-MSDU (QoS control bit 7) is not decoded. */
	p.d[1] &= 0x7f;
	p.d[24] = 0x80;
	assert_status(decode(DLT_IEEE802_11, &p, &pkt), DM_FRAME_LINK_UNSUPPORTED);
}

static void
test_80211_not_data(void)
{
	tu_pkt p;
	dm_packet pkt;

	/* Protected data cannot be read. */
	tu_init(&p);
	wlan_data(&p, W_QOS | W_PROTECTED, TU_ETH_IPV4);
	add_ip(&p, 4);
	assert_status(decode(DLT_IEEE802_11, &p, &pkt), DM_FRAME_ENCRYPTED);
	g_assert_cmpstr(dm_frame_status_name(DM_FRAME_ENCRYPTED), ==, "encrypted-link");
	/* A fragment is not decoded. */
	tu_init(&p);
	wlan_data(&p, 0, TU_ETH_IPV4);
	add_ip(&p, 4);
	p.d[1] |= 0x04;
	assert_status(decode(DLT_IEEE802_11, &p, &pkt), DM_FRAME_LINK_UNSUPPORTED);
	g_assert_cmpstr(dm_frame_status_name(DM_FRAME_LINK_UNSUPPORTED), ==,
	                "unsupported-link-header");
	/* Management (probe request), control (ACK), null data: not IP. */
	p.d[1] &= ~0x04;
	p.d[0] = 0x40;
	assert_status(decode(DLT_IEEE802_11, &p, &pkt), DM_FRAME_NOT_IP);
	p.d[0] = 0xd4;
	assert_status(decode(DLT_IEEE802_11, &p, &pkt), DM_FRAME_NOT_IP);
	p.d[0] = 0x48;
	assert_status(decode(DLT_IEEE802_11, &p, &pkt), DM_FRAME_NOT_IP);
	/* Not SNAP (an STP LLC header). */
	p.d[0] = 0x08;
	p.d[24] = 0x42;
	assert_status(decode(DLT_IEEE802_11, &p, &pkt), DM_FRAME_NOT_IP);
	/* Protocol version 1 is malformed. */
	p.d[0] = 0x09;
	assert_status(decode(DLT_IEEE802_11, &p, &pkt), DM_FRAME_BAD_LINK);
}

/* Radiotap with TSFT (aligned to 8) and Flags; @flags the Flags byte. */
static size_t
radiotap(tu_pkt *p, unsigned flags, bool ext)
{
	tu_u8(p, 0);
	tu_u8(p, 0);
	size_t len_at = p->len;
	tu_be16(p, 0);
	tu_le32(p, 0x00000003u | (ext ? 0x80000000u : 0));
	if (ext)
		tu_le32(p, 0x00000000u);
	while (p->len % 8)
		tu_u8(p, 0);
	tu_fill(p, 0x11, 8);            /* TSFT */
	tu_u8(p, flags);
	tu_u8(p, 0x02);                 /* rate */
	size_t len = p->len;
	p->d[len_at] = (uint8_t)len;
	p->d[len_at + 1] = 0;
	return len;
}

static void
test_radiotap(void)
{
	for (int ext = 0; ext <= 1; ext++) {
		tu_pkt p;
		dm_packet pkt;

		tu_init(&p);
		radiotap(&p, 0, ext);
		wlan_data(&p, W_QOS | W_HTC, TU_ETH_IPV4);
		add_ip(&p, 4);
		assert_good(decode(DLT_IEEE802_11_RADIO, &p, &pkt), &pkt, &p);
		check_prefixes(DLT_IEEE802_11_RADIO, &p);
	}
	/* FCS at the end: 4 bytes that are not payload. */
	tu_pkt p;
	dm_packet pkt;
	tu_init(&p);
	radiotap(&p, 0x10, false);
	wlan_data(&p, W_QOS, TU_ETH_IPV6);
	add_ip(&p, 6);
	tu_be32(&p, 0x12345678);
	assert_good(decode(DLT_IEEE802_11_RADIO, &p, &pkt), &pkt, &p);
	/* Cut inside the FCS: the segment is whole. */
	assert_good(decode_cut(DLT_IEEE802_11_RADIO, &p, p.len - 2, p.len, &pkt), &pkt, &p);
	/* Without the flag the 4 bytes are a trailer after the IP packet. */
	tu_init(&p);
	radiotap(&p, 0x00, false);
	wlan_data(&p, W_QOS, TU_ETH_IPV6);
	add_ip(&p, 6);
	tu_be32(&p, 0x12345678);
	assert_good(decode(DLT_IEEE802_11_RADIO, &p, &pkt), &pkt, &p);
	/* Data padding: the 802.11 header (26 bytes) padded to 28. */
	tu_init(&p);
	radiotap(&p, 0x20, false);
	wlan_data(&p, W_QOS, TU_ETH_IPV4);
	size_t llc = p.len - 8;
	memmove(p.d + llc + 2, p.d + llc, 8);
	p.d[llc] = p.d[llc + 1] = 0;
	p.len += 2;
	add_ip(&p, 4);
	assert_good(decode(DLT_IEEE802_11_RADIO, &p, &pkt), &pkt, &p);
	/* A length below 8, or another version, is malformed. */
	p.d[2] = 7;
	assert_status(decode(DLT_IEEE802_11_RADIO, &p, &pkt), DM_FRAME_BAD_LINK);
	p.d[2] = (uint8_t)llc;
	p.d[0] = 1;
	assert_status(decode(DLT_IEEE802_11_RADIO, &p, &pkt), DM_FRAME_BAD_LINK);
}

static void
test_ppi(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_bytes(&p, "\x00\x00\x08\x00", 4);
	tu_le32(&p, 105);
	wlan_data(&p, 0, TU_ETH_IPV4);
	add_ip(&p, 4);
	assert_good(decode(DLT_PPI, &p, &pkt), &pkt, &p);
	check_prefixes(DLT_PPI, &p);
	p.d[4] = 1;                     /* Ethernet inside PPI: not decoded */
	assert_status(decode(DLT_PPI, &p, &pkt), DM_FRAME_LINK_UNSUPPORTED);
	p.d[4] = 105;
	p.d[2] = 4;
	assert_status(decode(DLT_PPI, &p, &pkt), DM_FRAME_BAD_LINK);
}

/* ---- NFLOG ----------------------------------------------------------- */

/* NFLOG header and a prefix TLV, then the payload TLV header: its length
 * is patched by nflog_finish(). */
static size_t
nflog_begin(tu_pkt *p, unsigned family, bool be)
{
	tu_u8(p, family);
	tu_u8(p, 0);
	tu_be16(p, 42);
	if (be) {
		tu_be16(p, 9), tu_be16(p, 10);       /* NFULA_PREFIX "ab\0" + pad */
	} else {
		tu_u8(p, 9), tu_u8(p, 0), tu_u8(p, 10), tu_u8(p, 0);
	}
	tu_bytes(p, "ab\0\0\0\0\0\0", 8);       /* 5 bytes, padded to 8 */
	size_t at = p->len;
	tu_be32(p, 0);
	if (be)
		p->d[at + 3] = 9;
	else
		p->d[at + 2] = 9;
	return at;
}

static void
nflog_finish(tu_pkt *p, size_t at, bool be)
{
	unsigned len = (unsigned)(p->len - at);
	p->d[at + (be ? 1 : 0)] = (uint8_t)len;
	p->d[at + (be ? 0 : 1)] = (uint8_t)(len >> 8);
}

static void
test_nflog(void)
{
	for (int be = 0; be <= 1; be++) {
		for (int family = 4; family <= 6; family += 2) {
			tu_pkt p;
			dm_packet pkt;

			tu_init(&p);
			size_t at = nflog_begin(&p, family == 4 ? 2 : 10, be);
			add_ip(&p, family);
			nflog_finish(&p, at, be);
			assert_good(decode(DLT_NFLOG, &p, &pkt), &pkt, &p);
			check_prefixes(DLT_NFLOG, &p);
		}
	}
	tu_pkt p;
	dm_packet pkt;
	tu_init(&p);
	size_t at = nflog_begin(&p, 7, false);   /* another family */
	add_ip(&p, 4);
	nflog_finish(&p, at, false);
	assert_status(decode(DLT_NFLOG, &p, &pkt), DM_FRAME_NOT_IP);
	/* No payload TLV: not IP; a TLV length below 4: malformed. */
	tu_init(&p);
	nflog_begin(&p, 2, false);
	p.len -= 4;
	assert_status(decode(DLT_NFLOG, &p, &pkt), DM_FRAME_NOT_IP);
	p.d[4] = 2;
	assert_status(decode(DLT_NFLOG, &p, &pkt), DM_FRAME_BAD_LINK);
}

/* ---- every link type is supported and names its header for -e -------- */

static void
test_supported(void)
{
	static const int dlts[] = {
		DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC, DLT_IEEE802_11,
		DLT_IEEE802_11_RADIO, DLT_PPI, DLT_NFLOG,
	};
	for (size_t i = 0; i < G_N_ELEMENTS(dlts); i++)
		g_assert_true(dm_linktype_supported(dlts[i]));
	g_assert_false(dm_linktype_supported(163));   /* 802.11 AVS */
}

static void
test_details(void)
{
	tu_pkt p;
	dm_packet pkt;

	tu_init(&p);
	tu_eth(&p, ETH_PPPOE_S);
	size_t at = pppoe_begin(&p, 0x0021);
	add_ip(&p, 4);
	pppoe_finish(&p, at);
	assert_good(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
	g_assert_true(pkt.link.pppoe);
	g_assert_cmphex(pkt.link.pppoe_session, ==, 0x11);
	g_assert_cmphex(pkt.link.proto, ==, 0x0021);

	tu_init(&p);
	tu_eth(&p, ETH_MPLS);
	mpls_label(&p, 18, false);
	mpls_label(&p, 16000, true);
	add_ip(&p, 6);
	assert_good(decode(DLT_EN10MB, &p, &pkt), &pkt, &p);
	g_assert_cmpuint(pkt.link.n_labels, ==, 2);
	g_assert_cmpuint(pkt.link.labels[1] >> 12, ==, 16000);

	tu_init(&p);
	wlan_data(&p, W_QOS | W_4ADDR, TU_ETH_IPV4);
	add_ip(&p, 4);
	assert_good(decode(DLT_IEEE802_11, &p, &pkt), &pkt, &p);
	g_assert_cmpuint(pkt.link.kind, ==, DM_LINK_80211);
	g_assert_cmpuint(pkt.link.wlan_ds, ==, 3);
	g_assert_cmphex(pkt.link.wlan_addr[3][5], ==, 0x13);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	dm_decode_set_details(true);

	g_test_add_func("/decode/link/mpls/stack", test_mpls_stack);
	g_test_add_func("/decode/link/mpls/limit", test_mpls_limit);
	g_test_add_func("/decode/link/mpls/truncated", test_mpls_truncated);
	g_test_add_func("/decode/link/mpls/pseudowire", test_mpls_pseudowire);
	g_test_add_func("/decode/link/pppoe", test_pppoe);
	g_test_add_func("/decode/link/pppoe/not-ip", test_pppoe_not_ip);
	g_test_add_func("/decode/link/ppp", test_ppp);
	g_test_add_func("/decode/link/chdlc", test_chdlc);
	g_test_add_func("/decode/link/80211/data", test_80211_data);
	g_test_add_func("/decode/link/80211/qos", test_80211_qos);
	g_test_add_func("/decode/link/80211/not-data", test_80211_not_data);
	g_test_add_func("/decode/link/radiotap", test_radiotap);
	g_test_add_func("/decode/link/ppi", test_ppi);
	g_test_add_func("/decode/link/nflog", test_nflog);
	g_test_add_func("/decode/link/supported", test_supported);
	g_test_add_func("/decode/link/details", test_details);
	return g_test_run();
}
