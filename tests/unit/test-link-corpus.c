/* test-link-corpus.c - cross-check the link layers beyond Ethernet against
 * tshark on the real captures of ../shared/corpus/tunnels (see its
 * README.md): MPLS, PPPoE, PPP, Cisco HDLC, 802.11 with radiotap, NFLOG.
 *
 * Beside each capture F, F.layers.tsv is tshark 4.0's view of every frame:
 * frame.protocols (the nesting, outermost first) and every occurrence of
 * the IP addresses, ports and checksum status.  The top-level transport
 * header of a frame is the first udp/tcp in frame.protocols, unless an
 * ICMP error quotes it (no socket receives that); its addresses are those
 * of the IP header just before it.  Tunnels after it are out of scope.
 *
 * For every frame with a top-level header, demuxsim must decode the frame
 * to a segment with the same protocol, addresses, ports and checksum
 * verdict (tshark 0 bad, 1 good, 2 unverified, 3 not present); and it must
 * find no segment where tshark has none.  Each capture is a test case
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

/* Parse one row: TRUE and @h filled when the frame has a top-level
 * UDP/TCP header. */
static gboolean
row_top_header(char **hdr, char **v, top_header *h)
{
	char **chain = g_strsplit(v[column(hdr, "frame.protocols")], ":", -1);
	unsigned n4 = 0, n6 = 0;
	int last_ip = 0;             /* 4 or 6 */
	unsigned last_idx = 0;
	gboolean found = FALSE;

	for (int i = 0; chain[i] && !found; i++) {
		const char *p = chain[i];
		if (!strcmp(p, "icmp") || !strcmp(p, "icmpv6"))
			break;               /* a quoted header, if any, follows */
		if (!strcmp(p, "ip")) {
			last_ip = 4, last_idx = n4++;
		} else if (!strcmp(p, "ipv6")) {
			last_ip = 6, last_idx = n6++;
		} else if ((!strcmp(p, "udp") || !strcmp(p, "tcp")) && last_ip) {
			char key[32];
			g_strlcpy(h->proto, p, sizeof h->proto);
			const char *fam = last_ip == 4 ? "ip" : "ipv6";
			g_snprintf(key, sizeof key, "%s.src", fam);
			char *s = nth(v[column(hdr, key)], last_idx);
			g_strlcpy(h->src, s, sizeof h->src);
			g_free(s);
			g_snprintf(key, sizeof key, "%s.dst", fam);
			s = nth(v[column(hdr, key)], last_idx);
			g_strlcpy(h->dst, s, sizeof h->dst);
			g_free(s);
			/* The first udp/tcp of the frame: occurrence 0. */
			g_snprintf(key, sizeof key, "%s.srcport", p);
			s = nth(v[column(hdr, key)], 0);
			h->sport = (unsigned)atoi(s);
			g_free(s);
			g_snprintf(key, sizeof key, "%s.dstport", p);
			s = nth(v[column(hdr, key)], 0);
			h->dport = (unsigned)atoi(s);
			g_free(s);
			g_snprintf(key, sizeof key, "%s.checksum.status", p);
			s = nth(v[column(hdr, key)], 0);
			g_strlcpy(h->status, tshark_status(s), sizeof h->status);
			g_free(s);
			found = TRUE;
		}
	}
	g_strfreev(chain);
	return found;
}

/* tshark's top-level headers by frame (1-based; NULL where none). */
static GPtrArray *
read_layers(const char *path)
{
	char *text = NULL;
	GError *err = NULL;
	if (!g_file_get_contents(path, &text, NULL, &err))
		g_error("%s: %s", path, err->message);
	GPtrArray *by_frame = g_ptr_array_new_with_free_func(g_free);
	char **lines = g_strsplit(text, "\n", -1);
	char **hdr = g_strsplit(lines[0], "\t", -1);
	for (int i = 1; lines[i]; i++) {
		if (!lines[i][0])
			continue;
		char **v = g_strsplit(lines[i], "\t", -1);
		g_assert_cmpuint(g_strv_length(v), >=, g_strv_length(hdr) - 1);
		unsigned frame = (unsigned)atoi(v[0]);
		g_assert_cmpuint(frame, ==, by_frame->len + 1);
		top_header *h = g_new0(top_header, 1);
		if (!row_top_header(hdr, v, h))
			g_clear_pointer(&h, g_free);
		g_ptr_array_add(by_frame, h);
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

/* The first difference between tshark's header and demuxsim's decode of
 * the frame, or NULL. */
static char *
compare(const top_header *h, dm_frame_status st, const dm_packet *pkt)
{
	char src[64], dst[64];
	if (st != DM_FRAME_SEGMENT)
		return g_strdup_printf("demuxsim %s, tshark %s", dm_frame_status_name(st), h->proto);
	addr_string(pkt, pkt->src, src, sizeof src);
	addr_string(pkt, pkt->dst, dst, sizeof dst);
	const char *proto = pkt->proto == 17 ? "udp" : pkt->proto == 6 ? "tcp" : "?";
	const char *status = dm_csum_status_name(pkt->csum.status);
	if (strcmp(proto, h->proto) || strcmp(src, h->src) || strcmp(dst, h->dst) ||
	    pkt->sport != h->sport || pkt->dport != h->dport || strcmp(status, h->status))
		return g_strdup_printf("demuxsim %s %s:%u > %s:%u %s, tshark %s %s:%u > %s:%u %s",
		                       proto, src, pkt->sport, dst, pkt->dport, status, h->proto,
		                       h->src, h->sport, h->dst, h->dport, h->status);
	return NULL;
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
	GPtrArray *top = read_layers(layers);
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(path, &err);
	g_assert_no_error(err);
	g_assert_true(dm_linktype_supported(dm_capture_linktype(cap)));

	unsigned frame = 0, tshark = 0, demuxsim = 0, agree = 0;
	GString *diffs = g_string_new(NULL);
	dm_record rec;
	while (dm_capture_next(cap, &rec, &err) == 1) {
		dm_packet pkt;
		dm_frame_status st = dm_decode_frame(rec.dlt, rec.data, rec.caplen,
		                                     rec.wirelen, &pkt);
		frame++;
		g_assert_cmpuint(frame, <=, top->len);
		const top_header *h = g_ptr_array_index(top, frame - 1);
		demuxsim += st == DM_FRAME_SEGMENT;
		if (!h) {
			if (st == DM_FRAME_SEGMENT)
				g_string_append_printf(diffs, " frame %u: demuxsim found a segment, "
				                       "tshark none;", frame);
			continue;
		}
		tshark++;
		char *d = compare(h, st, &pkt);
		if (d)
			g_string_append_printf(diffs, " frame %u: %s;", frame, d);
		else
			agree++;
		g_free(d);
	}
	g_assert_no_error(err);
	g_assert_cmpuint(frame, ==, top->len);
	g_test_message("%-45s frames %3u  tshark top-level UDP/TCP %3u  demuxsim %3u  agree %3u",
	               rel, frame, tshark, demuxsim, agree);
	if (diffs->len)
		g_test_fail_printf("%s:%s", rel, diffs->str);
	g_string_free(diffs, TRUE);
	dm_capture_close(cap);
	g_ptr_array_unref(top);
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
