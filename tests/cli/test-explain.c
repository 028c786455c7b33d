/* test-explain.c - the checksum workbench: explanations step by step
 * (library and `demuxsim --explain` / `demuxsim checksum`), and the
 * diagnosis of wrong checksums.
 *
 *   /explain/rfc1071/...      RFC 1071 section 3's worked example and
 *                             textbook sums, step by step
 *   /explain/property/...     random segments (odd lengths, IPv4/IPv6,
 *                             UDP/TCP, long and short): fast path, explain
 *                             path and a plain 16-bit loop agree
 *   /explain/diagnose/...     synthetic bad checksums: each cause named,
 *                             no cause claimed that the numbers don't prove
 *   /explain/capture/...      captures/diagnosis.pcap, whose causes the
 *                             generator planted (diagnosis.pcap.diagnosis.tsv)
 *   /explain/golden/<name>    tool output byte for byte against
 *                             tests/expected/explain/<name>; DEMUXSIM_REGEN=1
 *                             rewrites them (read the diff, check by hand)
 *   /explain/cli/...          usage and input errors: message and status
 *
 * The tool is $DEMUXSIM (else testrun.h's default), run in $top_srcdir.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "demuxsim/explain.h"
#include "testrun.h"

static gchar *tool_path;
static gchar *srcdir;
static gboolean regen;

/* ------------------------------------------------------------------ */
/* A plain reference: one 16-bit word at a time, carries folded at the  */
/* end.  Nothing shared with the library.                              */
/* ------------------------------------------------------------------ */

static uint32_t
ref_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n % 2)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The field a sender puts in the segment: pseudo-header + segment with
 * the field as zero, complemented; UDP sends 0 as 0xffff. */
static uint16_t
ref_transport(int family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
              const uint8_t *seg, size_t len, size_t csum_off)
{
	uint8_t ph[40] = { 0 };
	size_t alen = family == 6 ? 16 : 4, n;
	memcpy(ph, src, alen);
	memcpy(ph + alen, dst, alen);
	if (family == 6) {
		ph[32] = (uint8_t)(len >> 24);
		ph[33] = (uint8_t)(len >> 16);
		ph[34] = (uint8_t)(len >> 8);
		ph[35] = (uint8_t)len;
		ph[39] = proto;
		n = 40;
	} else {
		ph[9] = proto;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		n = 12;
	}
	uint8_t *copy = g_memdup2(seg, len);
	copy[csum_off] = copy[csum_off + 1] = 0;
	uint16_t c = (uint16_t)~ref_fold(ref_add(ref_add(0, ph, n), copy, len));
	g_free(copy);
	return proto == 17 && c == 0 ? 0xffff : c;
}

/* ------------------------------------------------------------------ */
/* RFC 1071 and textbook sums                                          */
/* ------------------------------------------------------------------ */

/* RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2. */
static void
test_rfc1071(void)
{
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const struct { uint16_t word; uint32_t raw; uint16_t sum; bool carry; } want[] = {
		{ 0x0001, 0x00001, 0x0001, false },
		{ 0xf203, 0x0f204, 0xf204, false },
		{ 0xf4f5, 0x1e6f9, 0xe6fa, true },
		{ 0xf6f7, 0x1ddf1, 0xddf2, true },
	};
	dm_explain *x = dm_explain_words(b, sizeof b, 0);

	g_assert_true(x->computed);
	g_assert_cmpuint(x->n_steps, ==, 4);
	for (size_t i = 0; i < 4; i++) {
		g_assert_cmpuint(x->steps[i].part, ==, DM_XPART_DATA);
		g_assert_cmpuint(x->steps[i].offset, ==, 2 * i);
		g_assert_cmphex(x->steps[i].word, ==, want[i].word);
		g_assert_cmphex(x->steps[i].raw, ==, want[i].raw);
		g_assert_cmphex(x->steps[i].sum, ==, want[i].sum);
		g_assert_cmpint(x->steps[i].carry, ==, want[i].carry);
	}
	g_assert_cmphex(x->sum, ==, 0xddf2);
	g_assert_cmphex(x->checksum, ==, 0x220d);
	g_assert_cmpint(x->status, ==, DM_CSUM_UNVERIFIED);
	dm_explain_free(x);

	/* With its checksum appended the words sum to 0xffff. */
	static const uint8_t c[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x22, 0x0d };
	x = dm_explain_words(c, sizeof c, 0);
	g_assert_cmphex(x->check_sum, ==, 0xffff);
	g_assert_cmpint(x->status, ==, DM_CSUM_GOOD);
	dm_explain_free(x);
}

/* Textbook: 0x6660 + 0x5555 + 0x8f0c = 0x14ac1, wrapped 0x4ac2, checksum
 * 0xb53d; an odd byte is padded on the right: 0xab -> 0xab00. */
static void
test_textbook(void)
{
	static const uint8_t b[] = { 0x66, 0x60, 0x55, 0x55, 0x8f, 0x0c, 0xab };
	dm_explain *x = dm_explain_words(b, sizeof b, 0);

	g_assert_cmpuint(x->n_steps, ==, 4);
	g_assert_cmphex(x->steps[1].sum, ==, 0xbbb5);
	g_assert_cmphex(x->steps[2].raw, ==, 0x14ac1);
	g_assert_cmphex(x->steps[2].sum, ==, 0x4ac2);
	g_assert_true(x->steps[2].carry);
	g_assert_true(x->steps[3].odd);
	g_assert_cmphex(x->steps[3].word, ==, 0xab00);
	g_assert_cmphex(x->steps[3].sum, ==, 0xf5c2);
	g_assert_cmphex(x->checksum, ==, 0x0a3d);
	dm_explain_free(x);
}

/* The IPv4 header of the classic example (checksum 0xb861). */
static void
test_ipv4_header(void)
{
	static const uint8_t h[] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	dm_explain *x = dm_explain_ipv4_header(h, sizeof h, 0);
	g_assert_cmpuint(x->n_steps, ==, 10);
	g_assert_true(x->steps[5].as_zero);
	g_assert_cmphex(x->steps[5].actual, ==, 0xb861);
	g_assert_cmpstr(x->steps[5].field, ==, "header checksum");
	g_assert_cmphex(x->sum, ==, 0x479e);
	g_assert_cmphex(x->expected, ==, 0xb861);
	g_assert_cmpint(x->status, ==, DM_CSUM_GOOD);
	g_assert_cmpuint(x->n_diags, ==, 0);
	dm_explain_free(x);
}

/* ------------------------------------------------------------------ */
/* Property: fast path == explain path == reference                    */
/* ------------------------------------------------------------------ */

static void
check_segment(GRand *r, int family, uint8_t proto, size_t len, unsigned flags)
{
	uint8_t src[16], dst[16];
	size_t csum_off = proto == 17 ? 6 : 16;
	uint8_t *seg = g_malloc(len);

	for (size_t i = 0; i < 16; i++) {
		src[i] = (uint8_t)g_rand_int(r);
		dst[i] = (uint8_t)g_rand_int(r);
	}
	for (size_t i = 0; i < len; i++)
		seg[i] = (uint8_t)g_rand_int(r);
	if (proto == 6)
		seg[12] = (uint8_t)(g_rand_int_range(r, 5, 16) << 4);
	/* Half the time a correct field, else whatever is there. */
	uint16_t ref = ref_transport(family, src, dst, proto, seg, len, csum_off);
	if (g_rand_boolean(r)) {
		seg[csum_off] = (uint8_t)(ref >> 8);
		seg[csum_off + 1] = (uint8_t)ref;
	}

	dm_pseudo ph = { family, src, dst, proto, (uint32_t)len };
	dm_csum_verdict v = dm_csum_verify(&ph, seg, len, csum_off);
	dm_explain *x = dm_explain_segment(&ph, seg, len, csum_off, flags);

	g_assert_true(v.have_expected);
	g_assert_cmphex(v.expected, ==, ref);
	g_assert_cmphex(x->expected, ==, ref);
	g_assert_cmpint(x->status, ==, v.status);
	g_assert_cmphex(x->stored, ==, v.stored);

	/* The steps themselves: each adds its word to the previous sum. */
	uint16_t sum = 0;
	uint32_t words = 0;
	for (size_t i = 0; i < x->n_steps; i++) {
		const dm_xstep *s = &x->steps[i];
		uint32_t raw = (uint32_t)sum + s->word;
		g_assert_cmphex(s->raw, ==, raw);
		g_assert_cmphex(s->sum, ==, ref_fold(raw));
		g_assert_cmpint(s->carry, ==, raw > 0xffff);
		if (s->count > 1) {
			g_assert_false(flags & DM_EXPLAIN_FULL);
			const uint8_t *p = seg + s->offset;
			g_assert_cmphex(s->word, ==, ref_fold(ref_add(0, p, 2 * s->count)));
		}
		sum = s->sum;
		words += s->count;
	}
	g_assert_cmphex(sum, ==, x->sum);
	g_assert_cmphex((uint16_t)~x->sum, ==, x->checksum);
	size_t pseudo_words = family == 6 ? 20 : 6;
	g_assert_cmpuint(words, ==, pseudo_words + (len + 1) / 2);

	/* The group subtotals add up to the sum too. */
	uint32_t total = 0;
	for (size_t g = 0; g < x->n_groups; g++)
		total += x->groups[g].subtotal;
	g_assert_cmphex(ref_fold(total), ==, x->sum);
	dm_explain_free(x);

	/* Bare words: the same sum with no pseudo-header. */
	x = dm_explain_words(seg, len, flags);
	g_assert_cmphex(x->sum, ==, ref_fold(ref_add(0, seg, len)));
	g_assert_cmphex(x->check_sum, ==, ref_fold(ref_add(0, seg, len)));
	dm_explain_free(x);
	g_free(seg);
}

static void
test_property(void)
{
	GRand *r = g_rand_new_with_seed(0x1071);
	for (int i = 0; i < 3000; i++) {
		int family = g_rand_boolean(r) ? 6 : 4;
		uint8_t proto = g_rand_boolean(r) ? 17 : 6;
		size_t min = proto == 17 ? 8 : 20;
		size_t len = i % 10 == 0 ? (size_t)g_rand_int_range(r, 1400, 9001)
		                         : min + (size_t)g_rand_int_range(r, 0, 200);
		check_segment(r, family, proto, len, g_rand_boolean(r) ? DM_EXPLAIN_FULL : 0);
	}
	g_rand_free(r);
}

/* Elision: the first and last 8 payload words shown, one run between. */
static void
test_elision(void)
{
	uint8_t seg[8 + 101];
	uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
	for (size_t i = 0; i < sizeof seg; i++)
		seg[i] = (uint8_t)(i * 7 + 3);
	dm_pseudo ph = { 4, a, b, 17, sizeof seg };
	dm_explain *x = dm_explain_segment(&ph, seg, sizeof seg, 6, 0);
	size_t payload = 0, runs = 0;
	for (size_t i = 0; i < x->n_steps; i++) {
		if (x->steps[i].part != DM_XPART_PAYLOAD)
			continue;
		payload++;
		if (x->steps[i].count > 1) {
			runs++;
			g_assert_cmpuint(x->steps[i].count, ==, 51 - 16);
			g_assert_cmpuint(x->steps[i].offset, ==, 8 + 16);
		}
	}
	g_assert_cmpuint(payload, ==, 17);
	g_assert_cmpuint(runs, ==, 1);
	g_assert_true(x->steps[x->n_steps - 1].odd);
	dm_explain_free(x);

	x = dm_explain_segment(&ph, seg, sizeof seg, 6, DM_EXPLAIN_FULL);
	g_assert_cmpuint(x->n_steps, ==, 6 + 4 + 51);
	dm_explain_free(x);
}

/* ------------------------------------------------------------------ */
/* Diagnosis on synthetic segments                                     */
/* ------------------------------------------------------------------ */

static const uint8_t A4[4] = { 192, 0, 2, 1 }, B4[4] = { 192, 0, 2, 2 };
static const uint8_t C4[4] = { 198, 51, 100, 7 };

/* A UDP datagram 192.0.2.1:1234 -> 192.0.2.2:53 with 13 payload bytes
 * and the right checksum. */
static void
make_udp(uint8_t seg[21], const uint8_t *src)
{
	for (size_t i = 0; i < 21; i++)
		seg[i] = (uint8_t)(0x30 + i * 5);
	seg[0] = 0x04; seg[1] = 0xd2; seg[2] = 0; seg[3] = 53;
	seg[4] = 0; seg[5] = 21;
	uint16_t c = ref_transport(4, src, B4, 17, seg, 21, 6);
	seg[6] = (uint8_t)(c >> 8);
	seg[7] = (uint8_t)c;
}

static dm_explain *
explain_udp(const uint8_t seg[21])
{
	dm_pseudo ph = { 4, A4, B4, 17, 21 };
	return dm_explain_segment(&ph, seg, 21, 6, 0);
}

static void
assert_causes(dm_explain *x, const dm_xdiag_kind *kinds, size_t n)
{
	dm_explain_conclude(x);
	g_assert_cmpuint(x->n_diags, ==, n);
	for (size_t i = 0; i < n; i++)
		g_assert_cmpstr(dm_xdiag_name(x->diags[i].kind), ==, dm_xdiag_name(kinds[i]));
}

static void
test_diag_clean(void)
{
	uint8_t seg[21];
	make_udp(seg, A4);
	dm_explain *x = explain_udp(seg);
	g_assert_cmpint(x->status, ==, DM_CSUM_GOOD);
	/* A good checksum matches no other address. */
	g_assert_false(dm_explain_try_address(x, true, C4, 3));
	assert_causes(x, NULL, 0);
	dm_explain_free(x);
}

static void
test_diag_swapped(void)
{
	uint8_t seg[21];
	make_udp(seg, A4);
	uint8_t t = seg[6];
	seg[6] = seg[7];
	seg[7] = t;
	dm_explain *x = explain_udp(seg);
	g_assert_cmpint(x->status, ==, DM_CSUM_BAD);
	assert_causes(x, (dm_xdiag_kind[]){ DM_XDIAG_SWAPPED }, 1);
	dm_explain_free(x);
}

static void
test_diag_no_pseudo(void)
{
	uint8_t seg[21];
	make_udp(seg, A4);
	seg[6] = seg[7] = 0;
	uint16_t c = (uint16_t)~ref_fold(ref_add(0, seg, 21));
	seg[6] = (uint8_t)(c >> 8);
	seg[7] = (uint8_t)c;
	dm_explain *x = explain_udp(seg);
	assert_causes(x, (dm_xdiag_kind[]){ DM_XDIAG_NO_PSEUDO }, 1);
	dm_explain_free(x);
}

static void
test_diag_address(void)
{
	uint8_t seg[21];
	make_udp(seg, C4);   /* computed with source 198.51.100.7 */
	dm_explain *x = explain_udp(seg);
	g_assert_cmpint(x->status, ==, DM_CSUM_BAD);
	/* A wrong candidate proves nothing; the right one does, once. */
	g_assert_false(dm_explain_try_address(x, true, B4, 2));
	g_assert_false(dm_explain_try_address(x, false, C4, 2));
	g_assert_true(dm_explain_try_address(x, true, C4, 9));
	g_assert_false(dm_explain_try_address(x, true, C4, 10));
	assert_causes(x, (dm_xdiag_kind[]){ DM_XDIAG_SRC_ADDR }, 1);
	g_assert_cmpmem(x->diags[0].addr, 4, C4, 4);
	g_assert_cmpuint(x->diags[0].frame, ==, 9);
	dm_explain_free(x);
}

static void
test_diag_corrupted(void)
{
	uint8_t seg[21];
	make_udp(seg, A4);
	seg[15] ^= 0x04;
	dm_explain *x = explain_udp(seg);
	g_assert_false(dm_explain_try_address(x, true, C4, 2));
	assert_causes(x, (dm_xdiag_kind[]){ DM_XDIAG_CORRUPTED }, 1);
	dm_explain_free(x);
}

static void
test_diag_partial(void)
{
	uint8_t seg[21];
	make_udp(seg, A4);
	dm_pseudo ph = { 4, A4, B4, 17, 21 };
	uint16_t p = dm_csum_fold(dm_csum_pseudo(&ph));
	seg[6] = (uint8_t)(p >> 8);
	seg[7] = (uint8_t)p;
	dm_explain *x = explain_udp(seg);
	g_assert_cmpint(x->status, ==, DM_CSUM_PARTIAL);
	assert_causes(x, (dm_xdiag_kind[]){ DM_XDIAG_OFFLOAD }, 1);
	g_assert_cmpuint(x->diags[0].length, ==, 21);
	dm_explain_free(x);
}

/* ------------------------------------------------------------------ */
/* Running the tool                                                    */
/* ------------------------------------------------------------------ */

typedef struct {
	gchar *out, *err;
	int status;
} run_result;

static void
run(run_result *r, const char *const *args)
{
	memset(r, 0, sizeof *r);
	r->status = tr_run(srcdir, tool_path, args, &r->out, &r->err);
}

static void
run_clear(run_result *r)
{
	g_free(r->out);
	g_free(r->err);
}

/* ------------------------------------------------------------------ */
/* Diagnosis on the generated capture                                  */
/* ------------------------------------------------------------------ */

/* "frame/checksum" -> "status cause detail" from the generator. */
static GHashTable *
load_planted(void)
{
	gchar *path = g_build_filename(srcdir, "captures", "diagnosis.pcap.diagnosis.tsv", NULL);
	gchar *text;
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	gchar **lines = g_strsplit(text, "\n", -1);
	for (gchar **l = lines + 1; *l && **l; l++) {
		gchar **f = g_strsplit(*l, "\t", -1);
		g_assert_cmpuint(g_strv_length(f), ==, 5);
		g_hash_table_insert(h, g_strdup_printf("%s/%s", f[0], f[1]),
		                    g_strdup_printf("%s %s %s", f[2], f[3], f[4]));
		g_strfreev(f);
	}
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return h;
}

/* "status cause detail" of one explanation as the tool gives it. */
static gchar *
observed(JsonObject *o)
{
	JsonArray *d = json_object_get_array_member(o, "diagnosis");
	const char *status = json_object_get_string_member(o, "status");
	if (json_array_get_length(d) == 0)
		return g_strdup_printf("%s - -", status);
	/* Exactly one cause is planted per frame. */
	GString *s = g_string_new(status);
	for (guint i = 0; i < json_array_get_length(d); i++) {
		JsonObject *c = json_array_get_object_element(d, i);
		const char *cause = json_object_get_string_member(c, "cause");
		g_string_append_printf(s, " %s ", cause);
		if (json_object_has_member(c, "address"))
			g_string_append_printf(s, "%s@%" G_GINT64_FORMAT,
			                       json_object_get_string_member(c, "address"),
			                       json_object_get_int_member(c, "frame"));
		else if (json_object_has_member(c, "length"))
			g_string_append_printf(s, "%" G_GINT64_FORMAT,
			                       json_object_get_int_member(c, "length"));
		else
			g_string_append(s, "-");
	}
	return g_string_free(s, FALSE);
}

static void
test_capture_diagnosis(void)
{
	const char *args[] = { "--explain", "1-10", "--explain-ip", "--format", "json",
	                       "-r", "captures/diagnosis.pcap", NULL };
	run_result r;
	GError *error = NULL;
	GHashTable *planted = load_planted();
	run(&r, args);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.err, ==, "");

	JsonParser *p = json_parser_new();
	g_assert_true(json_parser_load_from_data(p, r.out, -1, &error));
	JsonArray *a = json_object_get_array_member(json_node_get_object(json_parser_get_root(p)),
	                                            "explanations");
	guint transport = 0, headers = 0;
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		gint64 frame = json_object_get_int_member(o, "frame");
		const char *kind = json_object_get_string_member(o, "checksum");
		bool ip = strcmp(kind, "ipv4-header") == 0;
		if (json_object_has_member(o, "skipped")) {
			/* Only IPv6 frames have no IPv4 header. */
			g_assert_true(ip);
			g_assert_cmpstr(json_object_get_string_member(o, "skipped"), ==, "ipv6");
			continue;
		}
		gchar *key = g_strdup_printf("%" G_GINT64_FORMAT "/%s", frame,
		                             ip ? "ipv4-header" : "transport");
		const char *want = g_hash_table_lookup(planted, key);
		gchar *got = observed(o);
		if (!want) {
			/* IPv4 headers not planted are clean. */
			g_assert_true(ip);
			want = "good - -";
		}
		g_test_message("frame %s: planted '%s', diagnosed '%s'", key, want, got);
		g_assert_cmpstr(got, ==, want);
		if (ip)
			headers++;
		else
			transport++;
		g_free(got);
		g_free(key);
	}
	g_assert_cmpuint(transport, ==, 10);
	g_assert_cmpuint(headers, ==, 8);
	g_object_unref(p);
	g_hash_table_unref(planted);
	run_clear(&r);
}

/* ------------------------------------------------------------------ */
/* Golden outputs                                                      */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *name;
	const char *args[16];
} golden_case;

static const golden_case golden_cases[] = {
	{ "rfc1071-words.txt", { "checksum", "--words", "0001", "f203", "f4f5", "f6f7", NULL } },
	{ "textbook-words.txt", { "checksum", "--words", "0x6660", "0x5555", "0x8f0c", NULL } },
	{ "ipv4-header-words.txt", { "checksum", "--words",
	  "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7", NULL } },
	{ "udp4-hello.txt", { "checksum", "--proto", "udp", "--src", "10.0.0.1", "--dst",
	  "10.0.0.2", "04d2 0035 000d 0000", "68:65:6c:6c:6f", NULL } },
	{ "udp4-hello.json", { "checksum", "--format", "json", "--proto", "udp", "--src",
	  "10.0.0.1", "--dst", "10.0.0.2", "04d20035000d0000", "68656c6c6f", NULL } },
	{ "tcp6.txt", { "checksum", "--proto", "tcp", "--src", "2001:db8::1", "--dst",
	  "2001:db8::2", "c000 0050 0000 0001 0000 0000 5002 ffff 941c 0000", NULL } },
	{ "tcp6-wrong.txt", { "checksum", "--proto", "tcp", "--src", "2001:db8::1", "--dst",
	  "2001:db8::2", "c000 0050 0000 0001 0000 0000 5002 ffff 1c94 0000", NULL } },
	{ "diagnosis.txt", { "--explain", "1-10", "-r", "captures/diagnosis.pcap", NULL } },
	{ "diagnosis-ip.txt", { "--explain", "10", "--explain-ip", "-r",
	  "captures/diagnosis.pcap", NULL } },
	{ "diagnosis-full.txt", { "--explain", "7", "--explain-full", "-r",
	  "captures/diagnosis.pcap", NULL } },
	{ "diagnosis-6.json", { "--explain", "6", "--format", "json", "-r",
	  "captures/diagnosis.pcap", NULL } },
};

static void
test_golden(gconstpointer data)
{
	const golden_case *c = data;
	gchar *path = g_build_filename(srcdir, "tests", "expected", "explain", c->name, NULL);
	run_result r;
	run(&r, c->args);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.err, ==, "");
	if (regen) {
		g_assert_true(g_file_set_contents(path, r.out, -1, NULL));
	} else {
		gchar *want = NULL;
		if (!g_file_get_contents(path, &want, NULL, NULL))
			g_error("%s missing (DEMUXSIM_REGEN=1 writes it)", path);
		g_assert_cmpstr(r.out, ==, want);
		g_free(want);
	}
	run_clear(&r);
	g_free(path);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *name;
	int status;
	const char *message;   /* a part of the one stderr line */
	const char *args[12];
} error_case;

static const error_case error_cases[] = {
	{ "bad-hex", 2, "'zz' is not hex", { "checksum", "--words", "00", "zz", NULL } },
	{ "odd-hex", 2, "'abc' has an odd number of hex digits",
	  { "checksum", "--proto", "udp", "--src", "10.0.0.1", "--dst", "10.0.0.2", "abc", NULL } },
	{ "long-word", 2, "'12345' is not a 16-bit word", { "checksum", "--words", "12345", NULL } },
	{ "no-address", 2, "--src ADDR and --dst ADDR are needed",
	  { "checksum", "--proto", "udp", "--src", "10.0.0.1", "0000000800000000", NULL } },
	{ "bad-address", 2, "--dst: '10.0.0.300' is not an IPv4 or IPv6 address",
	  { "checksum", "--proto", "udp", "--src", "10.0.0.1", "--dst", "10.0.0.300", "00", NULL } },
	{ "mixed-families", 2, "must both be IPv4 or both IPv6",
	  { "checksum", "--proto", "udp", "--src", "10.0.0.1", "--dst", "::1", "00", NULL } },
	{ "no-proto", 2, "--proto udp or --proto tcp is needed",
	  { "checksum", "--src", "10.0.0.1", "--dst", "10.0.0.2", "00", NULL } },
	{ "short-segment", 2, "a TCP segment starts with its 20-byte header; 8 bytes given",
	  { "checksum", "--proto", "tcp", "--src", "::1", "--dst", "::2", "0000000000000000", NULL } },
	{ "no-bytes", 2, "no bytes given", { "checksum", "--words", NULL } },
	{ "words-with-address", 2, "--words sums bare words",
	  { "checksum", "--words", "--src", "10.0.0.1", "00", NULL } },
	{ "missing-file", 1, "no-such-file", { "checksum", "--words", "--file", "no-such-file", NULL } },
	{ "bad-frame-list", 2, "--explain: '3-1' is not a list of frame numbers",
	  { "--explain", "3-1", "-r", "captures/diagnosis.pcap", NULL } },
	{ "zero-frame", 2, "is not a list of frame numbers",
	  { "--explain", "0", "-r", "captures/diagnosis.pcap", NULL } },
	{ "no-such-frame", 1, "captures/diagnosis.pcap: no frame 99 (10 frames)",
	  { "--explain", "1,99", "-r", "captures/diagnosis.pcap", NULL } },
	{ "explain-csv", 2, "not csv",
	  { "--explain", "1", "--format", "csv", "-r", "captures/diagnosis.pcap", NULL } },
	{ "explain-ip-alone", 2, "--explain-full and --explain-ip go with --explain",
	  { "--explain-ip", "-r", "captures/diagnosis.pcap", NULL } },
};

static void
test_error(gconstpointer data)
{
	const error_case *c = data;
	run_result r;
	run(&r, c->args);
	g_test_message("stderr: %s", r.err);
	g_assert_cmpint(r.status, ==, c->status);
	g_assert_nonnull(strstr(r.err, c->message));
	/* One line. */
	g_assert_nonnull(strchr(r.err, '\n'));
	g_assert_cmpstr(strchr(r.err, '\n') + 1, ==, "");
	run_clear(&r);
}

/* A frame past the end still gets the frames before it explained. */
static void
test_partial_output(void)
{
	const char *args[] = { "--explain", "1,99", "-r", "captures/diagnosis.pcap", NULL };
	run_result r;
	run(&r, args);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_true(g_str_has_prefix(r.out, "frame 1: UDP 10.0.0.1:40000 -> 10.0.0.2:53"));
	run_clear(&r);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	tr_paths where = tr_paths_get();
	tool_path = where.tool;
	srcdir = where.srcdir;
	g_free(where.benchgen);
	g_free(where.builddir);
	regen = g_strcmp0(g_getenv("DEMUXSIM_REGEN"), "1") == 0;

	g_test_add_func("/explain/rfc1071/section-3", test_rfc1071);
	g_test_add_func("/explain/rfc1071/textbook", test_textbook);
	g_test_add_func("/explain/rfc1071/ipv4-header", test_ipv4_header);
	g_test_add_func("/explain/property/fast-explain-reference", test_property);
	g_test_add_func("/explain/property/elision", test_elision);
	g_test_add_func("/explain/diagnose/clean", test_diag_clean);
	g_test_add_func("/explain/diagnose/byte-swapped", test_diag_swapped);
	g_test_add_func("/explain/diagnose/no-pseudo-header", test_diag_no_pseudo);
	g_test_add_func("/explain/diagnose/address", test_diag_address);
	g_test_add_func("/explain/diagnose/corrupted", test_diag_corrupted);
	g_test_add_func("/explain/diagnose/offload", test_diag_partial);
	g_test_add_func("/explain/capture/diagnosis.pcap", test_capture_diagnosis);
	for (size_t i = 0; i < G_N_ELEMENTS(golden_cases); i++) {
		gchar *path = g_strconcat("/explain/golden/", golden_cases[i].name, NULL);
		g_test_add_data_func(path, &golden_cases[i], test_golden);
		g_free(path);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(error_cases); i++) {
		gchar *path = g_strconcat("/explain/cli/", error_cases[i].name, NULL);
		g_test_add_data_func(path, &error_cases[i], test_error);
		g_free(path);
	}
	g_test_add_func("/explain/cli/partial-output", test_partial_output);
	int rc = g_test_run();
	g_free(tool_path);
	g_free(srcdir);
	return rc;
}
