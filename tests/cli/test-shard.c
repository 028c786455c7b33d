/* test-shard.c - demuxsim --shard K/N and demuxsim merge: every shard of
 * a capture run separately, the reports merged, the result compared with
 * the whole run's -q --format json report, for N = 1, 2, 3 and 7; and the
 * errors of merge (a shard missing or twice, shards of different runs, a
 * file that is not a shard report) and of --shard.
 *
 * Byte-identical: frag.pcap, veth-ns.pcap, demux.pcap (with expiry pushed
 * out of the capture's time: shards are separate processes, so the
 * current and peak state held cannot be added up), and every capture
 * with N = 1.  checksums.pcap and a benchgen workload with N > 1 show the
 * known limit of sharding by flow: a segment that meets a socket another
 * flow created (a bad checksum counted on it, a connection picked up
 * mid-stream adopted by its listener) is seen alone by its shard; for
 * them everything but the hosts' socket tables must be identical.
 * Under valgrind, N = 1 and 3 only (see check_capture).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include "testrun.h"

static gchar *tool_path, *benchgen_path, *srcdir, *workdir;

typedef struct {
	int status;
	gchar *out, *err;
} run_result;

static void
run_clear(run_result *r)
{
	g_free(r->out);
	g_free(r->err);
}

/* Run demuxsim with @args (NULL-terminated), output to @out when given. */
static run_result
run(const char *const *args, const char *out)
{
	run_result r = { 0 };
	GError *err = NULL;
	r.status = tr_run(srcdir, tool_path, args, &r.out, &r.err);
	if (out && !g_file_set_contents(out, r.out, -1, &err))
		g_error("%s", err->message);
	return r;
}

static gchar *
work_file(const char *name)
{
	return g_build_filename(workdir, name, NULL);
}

/* Run the @n shards of @capture (with @extra options) to workdir files;
 * their paths (NULL-terminated). */
static gchar **
run_shards(const char *capture, const char *extra, guint n)
{
	gchar **paths = g_new0(gchar *, n + 1);
	for (guint k = 0; k < n; k++) {
		gchar *shard = g_strdup_printf("%u/%u", k, n);
		gchar *name = g_strdup_printf("shard-%u-of-%u.json", k, n);
		gchar **ex = g_strsplit(extra, " ", -1);
		GPtrArray *args = g_ptr_array_new();
		for (gchar **e = ex; *e; e++)
			if (**e)
				g_ptr_array_add(args, *e);
		const char *fixed[] = { "--shard", shard, "-q", "--format", "json", capture };
		for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
			g_ptr_array_add(args, (gpointer)fixed[i]);
		g_ptr_array_add(args, NULL);
		paths[k] = work_file(name);
		run_result r = run((const char *const *)args->pdata, paths[k]);
		g_assert_cmpint(r.status, ==, 0);
		run_clear(&r);
		g_ptr_array_unref(args);
		g_strfreev(ex);
		g_free(name);
		g_free(shard);
	}
	return paths;
}

static run_result
merge(gchar **paths)
{
	GPtrArray *args = g_ptr_array_new();
	g_ptr_array_add(args, "merge");
	for (gchar **p = paths; *p; p++)
		g_ptr_array_add(args, *p);
	g_ptr_array_add(args, NULL);
	run_result r = run((const char *const *)args->pdata, NULL);
	g_ptr_array_unref(args);
	return r;
}

static gchar *
whole_run(const char *capture, const char *extra)
{
	gchar **ex = g_strsplit(extra, " ", -1);
	GPtrArray *args = g_ptr_array_new();
	for (gchar **e = ex; *e; e++)
		if (**e)
			g_ptr_array_add(args, *e);
	const char *fixed[] = { "-q", "--format", "json", capture };
	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
		g_ptr_array_add(args, (gpointer)fixed[i]);
	g_ptr_array_add(args, NULL);
	run_result r = run((const char *const *)args->pdata, NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_ptr_array_unref(args);
	g_strfreev(ex);
	g_free(r.err);
	return r.out;
}

/* @text parsed, without the members @drop (NULL-terminated) of the
 * document. */
static JsonNode *
parse_without(const char *text, const char *const *drop)
{
	JsonParser *p = json_parser_new();
	GError *err = NULL;
	if (!json_parser_load_from_data(p, text, -1, &err))
		g_error("%s", err->message);
	JsonNode *n = json_node_copy(json_parser_get_root(p));
	g_object_unref(p);
	for (const char *const *d = drop; d && *d; d++)
		json_object_remove_member(json_node_get_object(n), *d);
	return n;
}

/* Shards of @capture merged, for N = 1, 2, 3, 7, against the whole run:
 * byte for byte when @exact, else equal but for the socket tables.  Under
 * valgrind (make check-valgrind) N = 1 and 3 only: N = 2 and 7 take the
 * same paths of --shard and merge as 3 (several shards, each flow in one)
 * with more runs, and plain make check and the sanitizer build run them
 * all. */
static void
check_capture(const char *capture, const char *extra, bool exact)
{
	gchar *whole = whole_run(capture, extra);
	static const guint all_ns[] = { 1, 2, 3, 7 }, valgrind_ns[] = { 1, 3 };
	bool vg = g_getenv("DEMUXSIM_VALGRIND_TOOL") != NULL;
	const guint *ns = vg ? valgrind_ns : all_ns;
	size_t nn = vg ? G_N_ELEMENTS(valgrind_ns) : G_N_ELEMENTS(all_ns);
	for (size_t i = 0; i < nn; i++) {
		gchar **paths = run_shards(capture, extra, ns[i]);
		run_result m = merge(paths);
		g_test_message("%s N=%u", capture, ns[i]);
		g_assert_cmpint(m.status, ==, 0);
		if (exact || ns[i] == 1) {
			g_assert_cmpstr(m.out, ==, whole);
		} else {
			static const char *const drop[] = { "hosts", NULL };
			JsonNode *a = parse_without(m.out, drop), *b = parse_without(whole, drop);
			g_assert_true(json_node_equal(a, b));
			json_node_unref(a);
			json_node_unref(b);
		}
		run_clear(&m);
		g_strfreev(paths);
	}
	g_free(whole);
}

static void
test_frag(void)
{
	check_capture("captures/frag.pcap", "", true);
}

static void
test_veth(void)
{
	check_capture("captures/veth-ns.pcap", "", true);
}

static void
test_demux(void)
{
	check_capture("captures/demux.pcap", "--time-wait 1000000 --syn-timeout 1000000", true);
}

static void
test_checksums(void)
{
	check_capture("captures/checksums.pcap", "", false);
}

static void
test_bench(void)
{
	gchar *path = work_file("bench.pcap");
	gchar *out = g_strdup_printf("--out=%s", path);
	const char *args[] = { "--flows=2000", out, NULL };
	g_assert_true(tr_run(NULL, benchgen_path, args, NULL, NULL) == 0);
	check_capture(path, "", false);
	g_free(out);
	g_free(path);
}

/* merge of @paths fails with exit 1 and one line naming @what. */
static void
assert_merge_error(gchar **paths, const char *what)
{
	run_result m = merge(paths);
	g_assert_cmpint(m.status, ==, 1);
	g_assert_cmpstr(m.out, ==, "");
	g_assert_nonnull(strstr(m.err, what));
	g_assert_true(strchr(m.err, '\n') == m.err + strlen(m.err) - 1);
	run_clear(&m);
}

static void
test_merge_errors(void)
{
	gchar **three = run_shards("captures/demux.pcap", "", 3);
	gchar *keep = three[2];
	three[2] = NULL;
	assert_merge_error(three, "shard 2/3 is missing");
	three[2] = keep;

	gchar *twice[] = { three[0], three[1], three[1], three[2], NULL };
	assert_merge_error(twice, "given twice");

	gchar **two = run_shards("captures/demux.pcap", "", 2);
	gchar *mixed_n[] = { three[0], two[1], three[1], three[2], NULL };
	assert_merge_error(mixed_n, "a different number of shards");

	/* A shard whose run a signal ended saw only part of the capture. */
	gchar *cut = work_file("interrupted-1.json");
	{
		gchar *doc = NULL;
		g_assert_true(g_file_get_contents(three[1], &doc, NULL, NULL));
		g_assert_true(doc[0] == '{');
		gchar *marked = g_strconcat("{\"interrupted\": {\"signal\": \"SIGINT\", \"frame\": 3},",
		                            doc + 1, NULL);
		g_assert_true(g_file_set_contents(cut, marked, -1, NULL));
		g_free(marked);
		g_free(doc);
	}
	gchar *with_cut[] = { three[0], cut, three[2], NULL };
	assert_merge_error(with_cut, "interrupted");
	g_free(cut);

	/* Shard 0/2 of another capture with shard 1/2 of this one. */
	gchar *o0 = work_file("other-0.json");
	gchar *d1 = work_file("demux-1.json");
	{
		const char *a0[] = { "--shard", "0/2", "-q", "--format", "json", "captures/veth-ns.pcap", NULL };
		run_result r = run(a0, o0);
		run_clear(&r);
		const char *a1[] = { "--shard", "1/2", "-q", "--format", "json", "captures/demux.pcap", NULL };
		r = run(a1, d1);
		run_clear(&r);
	}
	gchar *mixed[] = { o0, d1, NULL };
	assert_merge_error(mixed, "different options or files");

	gchar *text = work_file("not.json");
	g_file_set_contents(text, "1 0.000000 UDP\n", -1, NULL);
	gchar *not_json[] = { text, NULL };
	assert_merge_error(not_json, "not a JSON report");

	gchar *plain = work_file("plain.json");
	{
		const char *a[] = { "-q", "--format", "json", "captures/demux.pcap", NULL };
		run_result r = run(a, plain);
		run_clear(&r);
	}
	gchar *not_shard[] = { plain, NULL };
	assert_merge_error(not_shard, "not a shard report");

	g_free(plain);
	g_free(text);
	g_free(o0);
	g_free(d1);
	g_strfreev(two);
	g_strfreev(three);
}

static void
test_shard_usage(void)
{
	static const char *const bad[] = { "3/3", "0/0", "1", "a/b", "1/2x", "-1/2", "/2" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		const char *a[] = { "--shard", bad[i], "captures/demux.pcap", NULL };
		run_result r = run(a, NULL);
		g_assert_cmpint(r.status, ==, 2);
		g_assert_nonnull(strstr(r.err, "--shard"));
		run_clear(&r);
	}
	const char *none[] = { "merge", NULL };
	run_result r = run(none, NULL);
	g_assert_cmpint(r.status, ==, 2);
	run_clear(&r);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	tr_paths where = tr_paths_get();
	tool_path = where.tool;
	benchgen_path = where.benchgen;
	srcdir = where.srcdir;
	g_free(where.builddir);
	GError *err = NULL;
	workdir = g_dir_make_tmp("demuxsim-shard-XXXXXX", &err);
	if (!workdir)
		g_error("%s", err->message);

	g_test_add_func("/shard/frag", test_frag);
	g_test_add_func("/shard/veth-ns", test_veth);
	g_test_add_func("/shard/demux", test_demux);
	g_test_add_func("/shard/checksums", test_checksums);
	g_test_add_func("/shard/benchgen", test_bench);
	g_test_add_func("/shard/merge-errors", test_merge_errors);
	g_test_add_func("/shard/usage", test_shard_usage);
	int rc = g_test_run();

	tr_remove_tree(workdir);
	g_free(workdir);
	g_free(benchgen_path);
	g_free(tool_path);
	g_free(srcdir);
	return rc;
}
