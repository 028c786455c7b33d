/* test-frag.c - IP reassembly end to end, through the demuxsim command
 * line, on captures/frag-veth.pcap: large UDP datagrams (4000 and 20000
 * bytes) that real sockets sent over IPv4 and IPv6 across a veth pair
 * (recorded by tests/gen/record-frag.sh), checked against what the programs
 * imply (captures/frag-veth.expected.json, written by hand).
 *
 *   /frag/trace          --format jsonl: one line per datagram, at the
 *                        frame of its last fragment, good checksum over
 *                        the whole datagram, `fragments` listing its frames
 *   /frag/report         --format json: reassembly counts, socket tables
 *   /frag/text           the text trace and summary say so too
 *   /frag/no-reassembly  --no-reassembly: each first fragment is a segment
 *                        of its own, unverified (fragment), no `fragments`
 *   /frag/usage          bad reassembly options are usage errors (exit 2)
 *   /frag/generated      captures/frag.pcap (tests/gen/gencap.c) against its
 *                        reassembly truth, captures/frag.pcap.reasm.tsv:
 *                        each reassembled datagram at its frame (status,
 *                        values, frames), no other, and the counts
 *
 * The binary is $DEMUXSIM, the tree $top_srcdir (AM_TESTS_ENVIRONMENT);
 * it runs in the tree with a relative capture path.
 */
#include "config.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testrun.h"

#define CAPTURE "captures/frag-veth.pcap"
#define EXPECTED "captures/frag-veth.expected.json"

static char *tool, *srcdir;

typedef struct {
	char *out, *err;
	int status;
} run_result;

static void
run(const char *const *args, run_result *r)
{
	GError *error = NULL;
	int wait_status;

	gboolean ok = tr_spawn(srcdir, NULL, tool, args, &r->out, &r->err, &wait_status, &error);
	g_assert_no_error(error);
	g_assert_true(ok);
	r->status = tr_exit_status(wait_status);
}

static void
run_clear(run_result *r)
{
	g_free(r->out);
	g_free(r->err);
}

static JsonNode *
parse(const char *text)
{
	GError *error = NULL;
	JsonNode *n = json_from_string(text, &error);
	g_assert_no_error(error);
	return n;
}

static JsonObject *
expected(JsonNode **keep)
{
	char *path = g_build_filename(srcdir, EXPECTED, NULL);
	char *text = NULL;
	GError *error = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, &error));
	*keep = parse(text);
	g_free(text);
	g_free(path);
	return json_node_get_object(*keep);
}

/* The segment lines of a JSON lines trace. */
static GPtrArray *
segments(const char *out)
{
	GPtrArray *a = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	char **lines = g_strsplit(out, "\n", -1);
	for (char **l = lines; *l; l++) {
		if (!**l)
			continue;
		JsonNode *n = parse(*l);
		if (json_object_has_member(json_node_get_object(n), "proto"))
			g_ptr_array_add(a, n);
		else
			json_node_unref(n);
	}
	g_strfreev(lines);
	return a;
}

static void
test_trace(void)
{
	const char *args[] = { "--format", "jsonl", CAPTURE, NULL };
	run_result r;
	JsonNode *keep;
	JsonArray *want = json_object_get_array_member(expected(&keep), "datagrams");

	run(args, &r);
	g_assert_cmpint(r.status, ==, 0);
	GPtrArray *got = segments(r.out);
	g_assert_cmpuint(got->len, ==, json_array_get_length(want));
	gint64 prev = 0;
	for (guint i = 0; i < got->len; i++) {
		JsonObject *g = json_node_get_object(g_ptr_array_index(got, i));
		JsonObject *w = json_array_get_object_element(want, i);
		gint64 frame = json_object_get_int_member(g, "frame");
		g_assert_cmpstr(json_object_get_string_member(g, "proto"), ==, "udp");
		g_assert_cmpint(json_object_get_int_member(g, "family"), ==,
		                json_object_get_int_member(w, "family"));
		g_assert_cmpstr(json_object_get_string_member(g, "src"), ==,
		                json_object_get_string_member(w, "src"));
		g_assert_cmpstr(json_object_get_string_member(g, "dst"), ==,
		                json_object_get_string_member(w, "dst"));
		g_assert_cmpint(json_object_get_int_member(g, "sport"), ==,
		                json_object_get_int_member(w, "sport"));
		g_assert_cmpint(json_object_get_int_member(g, "dport"), ==,
		                json_object_get_int_member(w, "dport"));
		g_assert_cmpint(json_object_get_int_member(g, "length"), ==,
		                json_object_get_int_member(w, "length"));
		g_assert_cmpint(json_object_get_int_member(g, "payload"), ==,
		                json_object_get_int_member(w, "length") - 8);
		g_assert_cmpstr(json_object_get_string_member(g, "checksum_status"), ==, "good");
		g_assert_false(json_object_get_boolean_member(g, "fragment"));
		g_assert_cmpstr(json_object_get_string_member(g, "action"), ==, "delivered");

		/* Its frames: after the previous datagram's, in order, the
		 * last one the frame of this line. */
		g_assert_true(json_object_has_member(g, "fragments"));
		JsonArray *frames = json_object_get_array_member(g, "fragments");
		guint n = json_array_get_length(frames);
		g_assert_cmpint(n, ==, json_object_get_int_member(w, "fragments"));
		for (guint k = 0; k < n; k++) {
			gint64 f = json_array_get_int_element(frames, k);
			g_assert_cmpint(f, >, prev);
			prev = f;
		}
		g_assert_cmpint(prev, ==, frame);
	}
	g_ptr_array_unref(got);
	json_node_unref(keep);
	run_clear(&r);
}

static void
test_report(void)
{
	const char *args[] = { "-q", "--format", "json", CAPTURE, NULL };
	run_result r;
	JsonNode *keep;
	JsonObject *want = expected(&keep);

	run(args, &r);
	g_assert_cmpint(r.status, ==, 0);
	JsonNode *doc = parse(r.out);
	JsonObject *got = json_node_get_object(doc);

	JsonObject *ra = json_object_get_object_member(got, "reassembly");
	JsonObject *wra = json_object_get_object_member(want, "reassembly");
	g_assert_true(json_object_get_boolean_member(ra, "enabled"));
	g_assert_cmpint(json_object_get_int_member(ra, "peak_memory"), >, 20000);
	for (int f = 0; f < 2; f++) {
		const char *fam = f ? "ipv6" : "ipv4";
		JsonObject *g = json_object_get_object_member(ra, fam);
		JsonObject *w = json_object_get_object_member(wra, fam);
		GList *members = json_object_get_members(w);
		for (GList *m = members; m; m = m->next)
			g_assert_cmpint(json_object_get_int_member(g, m->data), ==,
			                json_object_get_int_member(w, m->data));
		g_list_free(members);
	}
	g_assert_cmpint(json_object_get_int_member(got, "fragments"), ==, 68);

	JsonArray *hosts = json_object_get_array_member(got, "hosts");
	JsonArray *whosts = json_object_get_array_member(want, "hosts");
	g_assert_cmpuint(json_array_get_length(hosts), ==, json_array_get_length(whosts));
	for (guint i = 0; i < json_array_get_length(whosts); i++) {
		JsonObject *wh = json_array_get_object_element(whosts, i);
		JsonObject *h = NULL;
		for (guint j = 0; j < json_array_get_length(hosts); j++) {
			JsonObject *c = json_array_get_object_element(hosts, j);
			if (strcmp(json_object_get_string_member(c, "address"),
			           json_object_get_string_member(wh, "address")) == 0)
				h = c;
		}
		g_assert_nonnull(h);
		JsonArray *socks = json_object_get_array_member(h, "sockets");
		JsonArray *wsocks = json_object_get_array_member(wh, "sockets");
		g_assert_cmpuint(json_array_get_length(socks), ==, json_array_get_length(wsocks));
		JsonObject *s = json_array_get_object_element(socks, 0);
		JsonObject *ws = json_array_get_object_element(wsocks, 0);
		g_assert_cmpstr(json_object_get_string_member(s, "proto"), ==,
		                json_object_get_string_member(ws, "proto"));
		g_assert_cmpstr(json_object_get_string_member(s, "kind"), ==,
		                json_object_get_string_member(ws, "kind"));
		g_assert_cmpstr(json_object_get_string_member(s, "local"), ==,
		                json_object_get_string_member(ws, "local"));
		const char *nums[] = { "segments", "bytes", "peers" };
		for (size_t k = 0; k < G_N_ELEMENTS(nums); k++)
			g_assert_cmpint(json_object_get_int_member(s, nums[k]), ==,
			                json_object_get_int_member(ws, nums[k]));
	}
	json_node_unref(doc);
	json_node_unref(keep);
	run_clear(&r);
}

static void
test_text(void)
{
	const char *args[] = { CAPTURE, NULL };
	run_result r;

	run(args, &r);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, " good reassembled from frames 6,7,8 -> socket "));
	g_assert_nonnull(strstr(r.out, "  IPv4 reassembly: fragments 34, reassembled 4\n"));
	g_assert_nonnull(strstr(r.out, "  IPv6 reassembly: fragments 34, reassembled 4\n"));
	run_clear(&r);
}

static void
test_no_reassembly(void)
{
	const char *args[] = { "--no-reassembly", "--format", "jsonl", CAPTURE, NULL };
	const char *json_args[] = { "--no-reassembly", "-q", "--format", "json", CAPTURE, NULL };
	run_result r;

	run(args, &r);
	g_assert_cmpint(r.status, ==, 0);
	GPtrArray *got = segments(r.out);
	/* Only the first fragment of each datagram carries the UDP header. */
	g_assert_cmpuint(got->len, ==, 8);
	for (guint i = 0; i < got->len; i++) {
		JsonObject *g = json_node_get_object(g_ptr_array_index(got, i));
		g_assert_true(json_object_get_boolean_member(g, "fragment"));
		g_assert_false(json_object_has_member(g, "fragments"));
		g_assert_cmpstr(json_object_get_string_member(g, "checksum_status"), ==, "unverified");
		g_assert_cmpstr(json_object_get_string_member(g, "checksum_reason"), ==, "fragment");
	}
	g_ptr_array_unref(got);
	run_clear(&r);

	run(json_args, &r);
	g_assert_cmpint(r.status, ==, 0);
	JsonNode *doc = parse(r.out);
	JsonObject *ra = json_object_get_object_member(json_node_get_object(doc), "reassembly");
	g_assert_false(json_object_get_boolean_member(ra, "enabled"));
	g_assert_false(json_object_has_member(ra, "ipv4"));
	json_node_unref(doc);
	run_clear(&r);
}

static void
test_usage(void)
{
	const char *const cases[][4] = {
		{ "--reasm-timeout4", "0", CAPTURE, NULL },
		{ "--reasm-timeout6", "-5", CAPTURE, NULL },
		{ "--reasm-timeout4", "soon", CAPTURE, NULL },
		{ "--reasm-memory", "-1", CAPTURE, NULL },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		run_result r;
		run(cases[i], &r);
		g_assert_cmpint(r.status, ==, 2);
		g_assert_cmpstr(r.out, ==, "");
		g_assert_nonnull(strstr(r.err, cases[i][0]));
		run_clear(&r);
	}
	/* A tiny memory limit: datagrams are evicted and counted, none is
	 * reassembled, and the run still succeeds. */
	const char *tiny[] = { "--reasm-memory", "2000", "-q", "--format", "json", CAPTURE, NULL };
	run_result r;
	run(tiny, &r);
	g_assert_cmpint(r.status, ==, 0);
	JsonNode *doc = parse(r.out);
	JsonObject *ra = json_object_get_object_member(json_node_get_object(doc), "reassembly");
	g_assert_cmpint(json_object_get_int_member(ra, "peak_memory"), <=, 2000);
	JsonObject *v4 = json_object_get_object_member(ra, "ipv4");
	g_assert_cmpint(json_object_get_int_member(v4, "evicted"), >, 0);
	g_assert_cmpint(json_object_get_int_member(v4, "reassembled"), ==, 0);
	json_node_unref(doc);
	run_clear(&r);
}

static void
test_generated(void)
{
	const char *args[] = { "--format", "jsonl", "captures/frag.pcap", NULL };
	const char *json_args[] = { "-q", "--format", "json", "captures/frag.pcap", NULL };
	char *path = g_build_filename(srcdir, "captures/frag.pcap.reasm.tsv", NULL);
	char *text = NULL;
	GError *error = NULL;
	run_result r, rj;

	g_assert_true(g_file_get_contents(path, &text, NULL, &error));
	run(args, &r);
	run(json_args, &rj);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpint(rj.status, ==, 0);
	GPtrArray *got = segments(r.out);
	JsonNode *doc = parse(rj.out);
	JsonObject *ra = json_object_get_object_member(json_node_get_object(doc), "reassembly");
	char **lines = g_strsplit(text, "\n", -1);
	guint rows = 0, counts = 0;

	for (int i = 1; lines[i]; i++) {
		char **f = g_strsplit(lines[i], "\t", -1);
		if (!*lines[i]) {
			g_strfreev(f);
			continue;
		}
		if (strcmp(f[0], "#count") == 0) {
			JsonObject *fam = json_object_get_object_member(ra, f[1]);
			g_assert_cmpint(json_object_get_int_member(fam, f[2]), ==, atoi(f[3]));
			counts++;
			g_strfreev(f);
			continue;
		}
		g_assert_cmpuint(g_strv_length(f), ==, 12);
		JsonObject *g = NULL;
		for (guint k = 0; k < got->len; k++) {
			JsonObject *c = json_node_get_object(g_ptr_array_index(got, k));
			if (json_object_get_int_member(c, "frame") == atoi(f[0]))
				g = c;
		}
		g_assert_nonnull(g);
		g_assert_cmpint(json_object_get_int_member(g, "family"), ==,
		                strcmp(f[1], "ipv6") == 0 ? 6 : 4);
		g_assert_cmpstr(json_object_get_string_member(g, "src"), ==, f[2]);
		g_assert_cmpint(json_object_get_int_member(g, "sport"), ==, atoi(f[3]));
		g_assert_cmpstr(json_object_get_string_member(g, "dst"), ==, f[4]);
		g_assert_cmpint(json_object_get_int_member(g, "dport"), ==, atoi(f[5]));
		g_assert_cmpint(json_object_get_int_member(g, "length"), ==, atoi(f[6]));
		g_assert_cmpstr(json_object_get_string_member(g, "checksum"), ==, f[7]);
		g_assert_cmpstr(json_object_get_string_member(g, "computed"), ==, f[8]);
		g_assert_cmpstr(json_object_get_string_member(g, "checksum_status"), ==, f[9]);
		const char *reason = json_object_get_string_member(g, "checksum_reason");
		g_assert_cmpstr(reason ? reason : "-", ==, f[10]);
		JsonArray *frames = json_object_get_array_member(g, "fragments");
		GString *list = g_string_new(NULL);
		for (guint k = 0; k < json_array_get_length(frames); k++)
			g_string_append_printf(list, "%s%" G_GINT64_FORMAT, k ? "," : "",
			                       json_array_get_int_element(frames, k));
		g_assert_cmpstr(list->str, ==, f[11]);
		g_string_free(list, TRUE);
		rows++;
		g_strfreev(f);
	}
	g_assert_cmpuint(rows, >, 0);
	g_assert_cmpuint(counts, >, 0);
	/* No datagram reassembled that the truth does not list. */
	guint with_fragments = 0;
	for (guint k = 0; k < got->len; k++)
		with_fragments += json_object_has_member(
			json_node_get_object(g_ptr_array_index(got, k)), "fragments");
	g_assert_cmpuint(with_fragments, ==, rows);

	g_strfreev(lines);
	json_node_unref(doc);
	g_ptr_array_unref(got);
	run_clear(&r);
	run_clear(&rj);
	g_free(text);
	g_free(path);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	tr_paths where = tr_paths_get();
	tool = where.tool;
	srcdir = where.srcdir;
	g_free(where.benchgen);
	g_free(where.builddir);
	g_test_add_func("/frag/trace", test_trace);
	g_test_add_func("/frag/report", test_report);
	g_test_add_func("/frag/text", test_text);
	g_test_add_func("/frag/no-reassembly", test_no_reassembly);
	g_test_add_func("/frag/usage", test_usage);
	g_test_add_func("/frag/generated", test_generated);
	int rc = g_test_run();
	g_free(tool);
	g_free(srcdir);
	return rc;
}
