/* test-reasm-corpus.c - cross-check IP reassembly against tshark with
 * reassembly on, on the shared corpus of real captures.
 *
 * The corpus ($top_srcdir/../shared/corpus, see its README.md) gives
 * `F.oracle.reasm.tsv` for the captures with fragments: tshark 4.0's
 * verdict on every UDP/TCP header with ip.defragment and ipv6.defragment
 * on, where a fragmented datagram's row moves to the frame that completes
 * it and is judged over the whole datagram.  Each such capture is one
 * test case, /reasm-corpus/<folder>/<file>: every frame goes through
 * dm_decode_frame() and dm_reasm_frame() as in demuxsim's run loop, and
 *
 *  - every oracle row of an outermost header outside ICMP errors must be
 *    a segment at that frame with the same protocol and ports, and a
 *    checksum status mapping to tshark's verdict (as in test-corpus.c:
 *    good = good, bad/partial = bad, absent = not_present, bad zero-ipv6
 *    = illegal, unverified = unverified or none); where both computed the
 *    value the field should hold, they agree;
 *  - a row whose IP header is a fragment (MF or an offset) must be a
 *    datagram reassembled at that frame, whose frame list ends with it;
 *  - every datagram demuxsim reassembles must have a row at its frame;
 *  - the reassembly counts match what the capture holds (from tshark, see
 *    expected[] below).
 *
 * No capture in the corpus makes the two tools disagree.  The one place
 * their models differ does not show in the oracle: ip4_fragments.pcap
 * repeats the last fragment of two datagrams (frames 30 and 42) after they
 * were complete.  tshark files them under the finished reassembly;
 * demuxsim, like a receiving stack (RFC 791 3.2 keeps no record of
 * datagrams already delivered), starts a new datagram with each, which
 * never completes: they are counted "incomplete", and neither tool gives
 * them a row.
 *
 * Without the corpus the program skips cleanly (exit status 0).
 */
#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "demuxsim/capture.h"
#include "demuxsim/decode.h"
#include "demuxsim/reasm.h"

#define CORPUS_REL "../shared/corpus"
#define SUFFIX ".oracle.reasm.tsv"

/* What the captures hold, counted with tshark (frames with MF or an
 * offset; `ip.fragment.count` of the reassembled datagrams) and, for the
 * duplicates and late fragments, by reading their fragment headers. */
typedef struct {
	const char *file;
	int family;                 /* 4 or 6 */
	unsigned fragments, reassembled, duplicates, incomplete;
} expectation;

static const expectation expected[] = {
	{ "tcpdump/afs.pcap", 4, 200, 51, 0, 0 },
	/* Six datagrams of six fragments; the last three sent their first
	 * four fragments twice (12 duplicates); frames 30 and 42 repeat a
	 * last fragment after completion (2 incomplete). */
	{ "pcapplusplus/ip4_fragments.pcap", 4, 50, 6, 12, 2 },
	{ "pcapplusplus/ip6_fragments.pcap", 6, 36, 4, 0, 0 },
	{ "pcapplusplus/ipv6_opt_fragments.pcap", 6, 4, 1, 0, 0 },
	/* The first fragment comes last, in a frame with Ethernet padding. */
	{ "pcapplusplus/frag_with_padding.pcap", 4, 8, 1, 0, 0 },
};

/* One frame's segment as demuxsim made it. */
typedef struct {
	dm_frame_status st;
	uint8_t proto;
	uint16_t sport, dport;
	dm_csum_verdict csum;
	uint32_t n_frames;
	uint64_t last_frame;        /* of the reassembled datagram */
} result;

typedef struct {
	char *rel, *path, *oracle;
} capture_case;

static char **
split_line(const char *line)
{
	return g_strsplit(line, "\t", -1);
}

static int
column(char **header, const char *name)
{
	for (int i = 0; header[i]; i++)
		if (strcmp(header[i], name) == 0)
			return i;
	g_error("oracle column %s missing", name);
	return -1;
}

static const char *
verdict_of(const result *r)
{
	switch (r->csum.status) {
	case DM_CSUM_GOOD: return "good";
	case DM_CSUM_BAD:
		return r->csum.reason == DM_CSUM_REASON_ZERO_IPV6 ? "illegal" : "bad";
	case DM_CSUM_PARTIAL: return "bad";
	case DM_CSUM_ABSENT: return "not_present";
	default: return "unverified";
	}
}

/* Run the capture through decoding and reassembly. */
static GArray *
run_capture(const char *path, dm_reasm_stats *stats)
{
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(path, &err);
	g_assert_no_error(err);
	bool nano = dm_capture_nanosecond(cap);
	dm_reasm *ra = dm_reasm_new(NULL);
	GArray *results = g_array_new(FALSE, TRUE, sizeof(result));
	dm_record rec;
	dm_packet pkt;
	uint64_t frame = 0;
	int rc;

	while ((rc = dm_capture_next(cap, &rec, &err)) == 1) {
		result r = { 0 };
		dm_frame_status st = dm_decode_frame(rec.dlt, rec.data, rec.caplen, rec.wirelen, &pkt);
		st = dm_reasm_frame(ra, ++frame, rec.sec, nano ? rec.frac : rec.frac * 1000, st, &pkt);
		r.st = st;
		r.proto = pkt.proto;
		r.sport = pkt.sport;
		r.dport = pkt.dport;
		r.csum = pkt.csum;
		r.n_frames = pkt.n_reasm_frames;
		if (pkt.n_reasm_frames)
			r.last_frame = pkt.reasm_frames[pkt.n_reasm_frames - 1];
		g_array_append_val(results, r);
	}
	g_assert_no_error(err);
	g_assert_cmpint(rc, ==, 0);
	dm_capture_close(cap);
	dm_reasm_finish(ra, stats);
	dm_reasm_free(ra);
	return results;
}

static void
test_capture(gconstpointer data)
{
	const capture_case *cc = data;
	dm_reasm_stats stats;
	GArray *results = run_capture(cc->path, &stats);
	char *text = NULL;
	GError *err = NULL;

	g_assert_true(g_file_get_contents(cc->oracle, &text, NULL, &err));
	char **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	char **h = split_line(lines[0]);
	int c_frame = column(h, "frame"), c_l4 = column(h, "l4_index"),
	    c_icmp = column(h, "in_icmp"), c_mf = column(h, "ip_mf"),
	    c_off = column(h, "ip_frag_off"), c_off6 = column(h, "ip6_frag_off"),
	    c_more6 = column(h, "ip6_frag_more"), c_proto = column(h, "proto"),
	    c_sport = column(h, "sport"), c_dport = column(h, "dport"),
	    c_calc = column(h, "checksum_calc"), c_verdict = column(h, "verdict");
	int ncol = (int)g_strv_length(h);
	GHashTable *rows = g_hash_table_new(g_direct_hash, g_direct_equal);
	unsigned compared = 0, reassembled_rows = 0;

	for (int i = 1; lines[i]; i++) {
		g_strchomp(lines[i]);
		if (!*lines[i])
			continue;
		char **f = split_line(lines[i]);
		g_assert_cmpint((int)g_strv_length(f), ==, ncol);
		if (strcmp(f[c_l4], "0") != 0 || strcmp(f[c_icmp], "0") != 0) {
			g_strfreev(f);
			continue;
		}
		guint64 frame = g_ascii_strtoull(f[c_frame], NULL, 10);
		g_assert_cmpuint(frame, >=, 1);
		g_assert_cmpuint(frame, <=, results->len);
		const result *r = &g_array_index(results, result, frame - 1);
		g_test_message("frame %" G_GUINT64_FORMAT ": tshark %s, demuxsim %s (%u fragments)",
		               frame, f[c_verdict], verdict_of(r), r->n_frames);
		g_hash_table_add(rows, GSIZE_TO_POINTER(frame));

		g_assert_cmpint(r->st, ==, DM_FRAME_SEGMENT);
		g_assert_cmpstr(r->proto == 17 ? "udp" : r->proto == 6 ? "tcp" : "?", ==, f[c_proto]);
		g_assert_cmpuint(r->sport, ==, g_ascii_strtoull(f[c_sport], NULL, 10));
		g_assert_cmpuint(r->dport, ==, g_ascii_strtoull(f[c_dport], NULL, 10));
		const char *v = verdict_of(r);
		if (!(strcmp(v, "unverified") == 0 && !*f[c_verdict]))
			g_assert_cmpstr(v, ==, f[c_verdict]);
		if (*f[c_calc] && r->csum.have_expected)
			g_assert_cmpuint(r->csum.expected, ==, g_ascii_strtoull(f[c_calc], NULL, 16));

		bool frag = strcmp(f[c_mf], "1") == 0 ||
		            (*f[c_off] && strcmp(f[c_off], "0") != 0) ||
		            strcmp(f[c_more6], "1") == 0 ||
		            (*f[c_off6] && strcmp(f[c_off6], "0") != 0);
		if (frag) {
			g_assert_cmpuint(r->n_frames, >=, 2);
			g_assert_cmpuint(r->last_frame, ==, frame);
			reassembled_rows++;
		}
		compared++;
		g_strfreev(f);
	}
	/* No datagram reassembled where tshark has none. */
	for (guint i = 0; i < results->len; i++) {
		const result *r = &g_array_index(results, result, i);
		if (r->n_frames && r->st == DM_FRAME_SEGMENT)
			g_assert_true(g_hash_table_contains(rows, GSIZE_TO_POINTER((gsize)i + 1)));
	}

	const expectation *e = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(expected); i++)
		if (strcmp(expected[i].file, cc->rel) == 0)
			e = &expected[i];
	if (e) {
		const uint64_t *n = stats.count[e->family == 6];
		g_assert_cmpuint(n[DM_REASM_FRAGMENTS], ==, e->fragments);
		g_assert_cmpuint(n[DM_REASM_REASSEMBLED], ==, e->reassembled);
		g_assert_cmpuint(n[DM_REASM_DUPLICATES], ==, e->duplicates);
		g_assert_cmpuint(n[DM_REASM_INCOMPLETE], ==, e->incomplete);
		g_assert_cmpuint(reassembled_rows, ==, e->reassembled);
	}
	g_test_message("%s: %u rows compared, %u reassembled", cc->rel, compared, reassembled_rows);
	g_assert_cmpuint(compared, >, 0);

	g_hash_table_unref(rows);
	g_strfreev(h);
	g_strfreev(lines);
	g_array_unref(results);
}

static void
test_skip(void)
{
	g_test_skip(CORPUS_REL " not found: reassembly cross-check skipped");
}

static void
case_free(gpointer p)
{
	capture_case *cc = p;
	g_free(cc->rel), g_free(cc->path), g_free(cc->oracle);
	g_free(cc);
}

int
main(int argc, char **argv)
{
	const char *top = g_getenv("top_srcdir");
	char *root = g_build_filename(top ? top : ".", CORPUS_REL, NULL);
	GPtrArray *cases = g_ptr_array_new_with_free_func(case_free);

	g_test_init(&argc, &argv, NULL);
	if (!g_file_test(root, G_FILE_TEST_IS_DIR)) {
		g_test_add_func("/reasm-corpus/skipped", test_skip);
	} else {
		for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
			capture_case *cc = g_new0(capture_case, 1);
			cc->rel = g_strdup(expected[i].file);
			cc->path = g_build_filename(root, cc->rel, NULL);
			cc->oracle = g_strconcat(cc->path, SUFFIX, NULL);
			if (!g_file_test(cc->oracle, G_FILE_TEST_EXISTS)) {
				case_free(cc);
				continue;
			}
			g_ptr_array_add(cases, cc);
			char *tpath = g_strconcat("/reasm-corpus/", cc->rel, NULL);
			g_test_add_data_func(tpath, cc, test_capture);
			g_free(tpath);
		}
		/* Captures given a reassembly oracle later are found too. */
		GDir *dirs = g_dir_open(root, 0, NULL);
		const char *sub;
		while (dirs && (sub = g_dir_read_name(dirs))) {
			char *dir = g_build_filename(root, sub, NULL);
			GDir *d = g_dir_open(dir, 0, NULL);
			const char *name;
			while (d && (name = g_dir_read_name(d))) {
				if (!g_str_has_suffix(name, SUFFIX))
					continue;
				char *rel = g_strdup_printf("%s/%.*s", sub,
				                            (int)(strlen(name) - strlen(SUFFIX)), name);
				bool known = false;
				for (size_t i = 0; i < G_N_ELEMENTS(expected); i++)
					known = known || strcmp(expected[i].file, rel) == 0;
				if (known) {
					g_free(rel);
					continue;
				}
				capture_case *cc = g_new0(capture_case, 1);
				cc->rel = rel;
				cc->path = g_build_filename(root, rel, NULL);
				cc->oracle = g_strconcat(cc->path, SUFFIX, NULL);
				g_ptr_array_add(cases, cc);
				char *tpath = g_strconcat("/reasm-corpus/", rel, NULL);
				g_test_add_data_func(tpath, cc, test_capture);
				g_free(tpath);
			}
			if (d)
				g_dir_close(d);
			g_free(dir);
		}
		if (dirs)
			g_dir_close(dirs);
	}
	int rc = g_test_run();
	g_ptr_array_unref(cases);
	g_free(root);
	return rc;
}
