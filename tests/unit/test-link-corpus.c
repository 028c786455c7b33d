/* test-link-corpus.c - cross-check the link layers beyond Ethernet and the
 * tunnels against tshark on the real captures of ../shared/corpus/tunnels
 * (see its README.md): MPLS, PPPoE, PPP, Cisco HDLC, 802.11 with radiotap,
 * NFLOG; VXLAN, Geneve, GTP-U, GRE, ERSPAN, NSH, IP in IP.
 *
 * Beside each capture F, F.layers.tsv is tshark 4.0's view of every frame:
 * frame.protocols (the nesting, outermost first) and every occurrence of
 * the IP addresses, ports and checksum status.  A frame's UDP/TCP headers
 * are every udp/tcp in frame.protocols, outermost first, up to an ICMP
 * error (no socket receives the header it quotes); the addresses of each
 * are those of the IP header just before it.
 *
 * For every frame, demuxsim's segments (the frame's own, then those
 * inside its tunnels, dm_decode_tunnel()) must be tshark's headers, in
 * order, with the same protocol, addresses, ports and checksum verdict
 * (tshark 0 bad, 1 good, 2 unverified, 3 not present; a checksum
 * demuxsim finds partial, tshark calls bad).  The captures libpcap cannot
 * read are left out.  Each capture is a test case
 * /link-corpus/<file>; its counts are printed.  Without the corpus the
 * program skips cleanly.
 */
#include "config.h"

#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "demuxsim/capture.h"
#include "demuxsim/checksum.h"
#include "demuxsim/decode.h"
#include "demuxsim/packet.h"

#define CORPUS_REL "../shared/corpus"

/* The captures of the link types and Ethertypes decoded by link-*.c. */
static const char *const files[] = {
	"tunnels/pcapplusplus-MplsPackets.pcap",
	"tunnels/pcapplusplus-PPPoESession.pcap",
	"tunnels/pcapplusplus-nflogPacket.pcap",
	"tunnels/tcpdump-HDLC.pcap",
	"tunnels/tcpdump-ieee802.11_exthdr.pcap",
	"tunnels/tcpdump-ieee802.11_htc.pcap",
	"tunnels/tcpdump-mpls-traceroute.pcap",
	"tunnels/tcpdump-ppp_ip_udp_dns.pcap",
	"tunnels/tcpdump-pppoe.pcap",
	"tunnels/tcpdump-pppoes.pcap",
	"tunnels/tcpdump-mpls-over-udp.pcap",
	"tunnels/tcpdump-802.1ad_QinQ.pcap",
	"tunnels/pcapplusplus-QinQ_802.1_AD.pcapng",
	/* Tunnels (tunnel.c) */
	"tunnels/pcapplusplus-IPv4-encapsulated-IPv6.pcap",
	"tunnels/pcapplusplus-Vxlan1.pcap",
	"tunnels/pcapplusplus-gtp-u.pcap",
	"tunnels/pcapplusplus-ipv6_options.pcap",
	"tunnels/tcpdump-erspan-type-ii-1.pcap",
	"tunnels/tcpdump-erspan-type-iii-pb-1.pcap",
	"tunnels/tcpdump-geneve-gcp.pcap",
	"tunnels/tcpdump-gso-ipv4-vxlan-ipv4.pcap",
	"tunnels/tcpdump-gso-ipv6-geneve-ipv6.pcap",
	"tunnels/tcpdump-lisp_ipv6.pcap",
	"tunnels/tcpdump-loopback.pcap",
	"tunnels/tcpdump-nsh-over-vxlan-gpe.pcap",
	"tunnels/tcpdump-various_gre.pcap",
	"tunnels/tcpdump-vxlan_port_8472.pcap",
	"tunnels/tcpdump-wccp_redirect_gre.pcap",
};

/* tshark's top-level header of one frame. */
typedef struct {
	char proto[4];           /* "udp" or "tcp" */
	char src[64], dst[64];
	unsigned sport, dport;
	char status[12];         /* as dm_csum_status_name() spells it */
} top_header;

static char *corpus;

/* The @i-th comma-separated item of @list, or "". */
static char *
nth(const char *list, unsigned i)
{
	char **v = g_strsplit(list, ",", -1);
	char *r = g_strdup(i < g_strv_length(v) ? v[i] : "");
	g_strfreev(v);
	return r;
}

static const char *
tshark_status(const char *s)
{
	static const char *const names[] = { "bad", "good", "unverified", "absent" };
	unsigned v = s[0] >= '0' && s[0] <= '3' && !s[1] ? (unsigned)(s[0] - '0') : 4;
	return v < 4 ? names[v] : "none";
}

/* Column @name's index in the header @cols. */
static int
column(char **cols, const char *name)
{
	for (int i = 0; cols[i]; i++)
		if (!strcmp(g_strstrip(cols[i]), name))
			return i;
	g_error("layers.tsv: no column %s", name);
	return -1;
}

/* Header @i (of @fam, at IP index @ip_idx) of protocol @p, its
 * @k-th occurrence in the row, into @h. */
static void
row_header(char **hdr, char **v, const char *p, unsigned k, const char *fam,
           unsigned ip_idx, top_header *h)
{
	char key[32];
	g_strlcpy(h->proto, p, sizeof h->proto);
	g_snprintf(key, sizeof key, "%s.src", fam);
	char *s = nth(v[column(hdr, key)], ip_idx);
	g_strlcpy(h->src, s, sizeof h->src);
	g_free(s);
	g_snprintf(key, sizeof key, "%s.dst", fam);
	s = nth(v[column(hdr, key)], ip_idx);
	g_strlcpy(h->dst, s, sizeof h->dst);
	g_free(s);
	g_snprintf(key, sizeof key, "%s.srcport", p);
	s = nth(v[column(hdr, key)], k);
	h->sport = (unsigned)atoi(s);
	g_free(s);
	g_snprintf(key, sizeof key, "%s.dstport", p);
	s = nth(v[column(hdr, key)], k);
	h->dport = (unsigned)atoi(s);
	g_free(s);
	g_snprintf(key, sizeof key, "%s.checksum.status", p);
	s = nth(v[column(hdr, key)], k);
	g_strlcpy(h->status, tshark_status(s), sizeof h->status);
	g_free(s);
}

/* Every UDP/TCP header of one row, outermost first, up to an ICMP error
 * (whose quoted header no socket receives): a GArray of top_header. */
static GArray *
row_headers(char **hdr, char **v)
{
	char **chain = g_strsplit(v[column(hdr, "frame.protocols")], ":", -1);
	unsigned n4 = 0, n6 = 0, nudp = 0, ntcp = 0;
	int last_ip = 0;             /* 4 or 6 */
	unsigned last_idx = 0;
	GArray *out = g_array_new(FALSE, TRUE, sizeof(top_header));

	for (int i = 0; chain[i]; i++) {
		const char *p = chain[i];
		if (!strcmp(p, "icmp") || !strcmp(p, "icmpv6"))
			break;
		if (!strcmp(p, "ip")) {
			last_ip = 4, last_idx = n4++;
		} else if (!strcmp(p, "ipv6")) {
			last_ip = 6, last_idx = n6++;
		} else if ((!strcmp(p, "udp") || !strcmp(p, "tcp")) && last_ip) {
			top_header h = { 0 };
			bool udp = !strcmp(p, "udp");
			row_header(hdr, v, p, udp ? nudp++ : ntcp++, last_ip == 4 ? "ip" : "ipv6",
			           last_idx, &h);
			g_array_append_val(out, h);
		}
	}
	g_strfreev(chain);
	return out;
}

/* tshark's headers by frame (1-based), each a GArray. */
static GPtrArray *
read_layers(const char *path)
{
	char *text = NULL;
	GError *err = NULL;
	if (!g_file_get_contents(path, &text, NULL, &err))
		g_error("%s: %s", path, err->message);
	GPtrArray *by_frame = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	char **lines = g_strsplit(text, "\n", -1);
	char **hdr = g_strsplit(lines[0], "\t", -1);
	for (int i = 1; lines[i]; i++) {
		if (!lines[i][0])
			continue;
		char **v = g_strsplit(lines[i], "\t", -1);
		g_assert_cmpuint(g_strv_length(v), >=, g_strv_length(hdr) - 1);
		unsigned frame = (unsigned)atoi(v[0]);
		g_assert_cmpuint(frame, ==, by_frame->len + 1);
		g_ptr_array_add(by_frame, row_headers(hdr, v));
		g_strfreev(v);
	}
	g_strfreev(hdr);
	g_strfreev(lines);
	g_free(text);
	return by_frame;
}

static void
addr_string(const dm_packet *pkt, const uint8_t *a, char *out, size_t n)
{
	inet_ntop(pkt->family == 6 ? AF_INET6 : AF_INET, a, out, (socklen_t)n);
}

/* The difference between tshark's header @h and demuxsim's segment @pkt,
 * or NULL.  A checksum demuxsim finds partial (a stored pseudo-header
 * sum, checksum offload) tshark calls bad: counted in *@partial. */
static char *
compare(const top_header *h, const dm_packet *pkt, unsigned *partial)
{
	char src[64], dst[64];
	addr_string(pkt, pkt->src, src, sizeof src);
	addr_string(pkt, pkt->dst, dst, sizeof dst);
	const char *proto = pkt->proto == 17 ? "udp" : pkt->proto == 6 ? "tcp" : "?";
	const char *status = dm_csum_status_name(pkt->csum.status);
	bool is_partial = !strcmp(status, "partial") && !strcmp(h->status, "bad");
	if (strcmp(proto, h->proto) || strcmp(src, h->src) || strcmp(dst, h->dst) ||
	    pkt->sport != h->sport || pkt->dport != h->dport ||
	    (strcmp(status, h->status) && !is_partial))
		return g_strdup_printf("demuxsim %s %s:%u > %s:%u %s, tshark %s %s:%u > %s:%u %s",
		                       proto, src, pkt->sport, dst, pkt->dport, status, h->proto,
		                       h->src, h->sport, h->dst, h->dport, h->status);
	*partial += is_partial;
	return NULL;
}

/* The frame's segments as demuxsim finds them: its own, then those inside
 * its tunnels, outermost first (a GArray of dm_packet). */
static GArray *
frame_segments(int dlt, const dm_record *rec)
{
	GArray *segs = g_array_new(FALSE, TRUE, sizeof(dm_packet));
	dm_packet pkt[2];
	dm_frame_status st = dm_decode_frame(dlt, rec->data, rec->caplen, rec->wirelen, &pkt[0]);
	const dm_packet *cur = &pkt[0];
	for (unsigned i = 1;; i++) {
		if (st == DM_FRAME_SEGMENT)
			g_array_append_val(segs, *cur);
		if (!dm_decode_tunnel(cur, &st, &pkt[i & 1]))
			break;
		cur = &pkt[i & 1];
	}
	return segs;
}

/* Frame @frame's headers, tshark's @want and demuxsim's @have, compared
 * in order; differences appended to @diffs.  Returns: those that agree. */
static unsigned
compare_frame(unsigned frame, const GArray *want, const GArray *have, unsigned *partial,
              GString *diffs)
{
	unsigned agree = 0;
	for (guint i = 0; i < MAX(want->len, have->len); i++) {
		if (i >= have->len) {
			g_string_append_printf(diffs, " frame %u: tshark's header %u (%s) not found;",
			                       frame, i + 1, g_array_index(want, top_header, i).proto);
			continue;
		}
		if (i >= want->len) {
			g_string_append_printf(diffs, " frame %u: demuxsim found header %u, tshark"
			                       " none;", frame, i + 1);
			continue;
		}
		char *d = compare(&g_array_index(want, top_header, i),
		                  &g_array_index(have, dm_packet, i), partial);
		if (d)
			g_string_append_printf(diffs, " frame %u, header %u: %s;", frame, i + 1, d);
		else
			agree++;
		g_free(d);
	}
	return agree;
}

static void
test_capture(gconstpointer data)
{
	const char *rel = data;
	char *path = g_build_filename(corpus, rel, NULL);
	char *layers = g_strconcat(path, ".layers.tsv", NULL);
	if (!g_file_test(path, G_FILE_TEST_EXISTS) || !g_file_test(layers, G_FILE_TEST_EXISTS)) {
		g_test_skip("capture or its layers.tsv missing");
		g_free(path);
		g_free(layers);
		return;
	}
	GPtrArray *all = read_layers(layers);
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(path, &err);
	g_assert_no_error(err);
	g_assert_true(dm_linktype_supported(dm_capture_linktype(cap)));

	unsigned frame = 0, tshark = 0, demuxsim = 0, agree = 0, partial = 0;
	GString *diffs = g_string_new(NULL);
	dm_record rec;
	while (dm_capture_next(cap, &rec, &err) == 1) {
		frame++;
		g_assert_cmpuint(frame, <=, all->len);
		const GArray *want = g_ptr_array_index(all, frame - 1);
		GArray *have = frame_segments(rec.dlt, &rec);
		tshark += want->len;
		demuxsim += have->len;
		agree += compare_frame(frame, want, have, &partial, diffs);
		g_array_unref(have);
	}
	g_assert_no_error(err);
	g_assert_cmpuint(frame, ==, all->len);
	g_test_message("%-45s frames %3u  tshark UDP/TCP headers %3u  demuxsim %3u  agree %3u"
	               " (partial vs bad %u)", rel, frame, tshark, demuxsim, agree, partial);
	if (diffs->len)
		g_test_fail_printf("%s:%s", rel, diffs->str);
	g_string_free(diffs, TRUE);
	dm_capture_close(cap);
	g_ptr_array_unref(all);
	g_free(path);
	g_free(layers);
}

static char *
find_corpus(void)
{
	const char *top = g_getenv("top_srcdir");
	char *dir;

	if (top && top[0]) {
		dir = g_build_filename(top, "..", "shared", "corpus", NULL);
		if (g_file_test(dir, G_FILE_TEST_IS_DIR))
			return dir;
		g_free(dir);
	}
	dir = g_strdup(CORPUS_REL);
	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return dir;
	g_free(dir);
	return NULL;
}

static void
test_skip(void)
{
	g_test_skip(CORPUS_REL " not found: cross-check skipped");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	corpus = find_corpus();
	if (!corpus) {
		g_test_add_func("/link-corpus/skipped", test_skip);
		g_test_run();
		return 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *name = g_strconcat("/link-corpus/", strchr(files[i], '/') + 1, NULL);
		g_test_add_data_func(name, files[i], test_capture);
		g_free(name);
	}
	int rc = g_test_run();
	g_free(corpus);
	return rc;
}
