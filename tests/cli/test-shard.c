/* test-shard.c - demuxsim --shard K/N (a partition of the hosts) and
 * demuxsim merge: every shard of a capture run separately, the reports
 * merged, the result compared byte for byte with the whole run's -q
 * --format json report (exit status included), for N = 1, 2, 3, 4 and 7
 * on every capture of captures/, tests/regress/ (with its .args) and the
 * shared corpus (../shared/corpus, skipped when absent), on both
 * benchgen workloads and with declared sockets; under a
 * --max-sockets/--max-memory budget (each shard holds a share) the
 * merged report is a valid whole with the whole budget; and the errors
 * of merge (a shard missing or twice, shards of different runs, a file
 * that is not a shard report) and of --shard.  Under valgrind, N = 1 and
 * 3 only and every 25th capture (see check_capture).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include "testrun.h"
#include "shardrun.h"

/* Run the @n shards of @capture (with @extra options) to workdir files,
 * each exiting with @status; their paths (NULL-terminated). */
static gchar **
run_shards_status(const char *capture, const char *extra, guint n, int status)
{
	gchar **paths = g_new0(gchar *, n + 1);
	for (guint k = 0; k < n; k++) {
		gchar *shard = g_strdup_printf("%u/%u", k, n);
		gchar *name = g_strdup_printf("shard-%u-of-%u.json", k, n);
		gchar **ex = g_strsplit(extra, " ", -1);
		GPtrArray *args = g_ptr_array_new();
		add_words(args, ex);
		const char *fixed[] = { "--shard", shard, "-q", "--format", "json", capture };
		for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
			g_ptr_array_add(args, (gpointer)fixed[i]);
		g_ptr_array_add(args, NULL);
		paths[k] = work_file(name);
		run_result r = run((const char *const *)args->pdata, paths[k]);
		if (r.status != status)
			g_test_message("%s --shard %s: %s", capture, shard, r.err);
		g_assert_cmpint(r.status, ==, status);
		run_clear(&r);
		g_ptr_array_unref(args);
		g_strfreev(ex);
		g_free(name);
		g_free(shard);
	}
	return paths;
}

static gchar **
run_shards(const char *capture, const char *extra, guint n)
{
	return run_shards_status(capture, extra, n, 0);
}

/* The whole run of @capture with @extra: its report, its status in
 * @status. */
static gchar *
whole_run_status(const char *capture, const char *extra, int *status)
{
	gchar **ex = g_strsplit(extra, " ", -1);
	GPtrArray *args = g_ptr_array_new();
	add_words(args, ex);
	const char *fixed[] = { "-q", "--format", "json", capture };
	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
		g_ptr_array_add(args, (gpointer)fixed[i]);
	g_ptr_array_add(args, NULL);
	run_result r = run((const char *const *)args->pdata, NULL);
	*status = r.status;
	g_ptr_array_unref(args);
	g_strfreev(ex);
	g_free(r.err);
	return r.out;
}

static gchar *
whole_run(const char *capture, const char *extra)
{
	int status;
	gchar *out = whole_run_status(capture, extra, &status);
	g_assert_cmpint(status, ==, 0);
	return out;
}

/* Shards of @capture merged, for N = 1, 2, 3, 4, 7, against the whole
 * run, byte for byte; every shard exits as the whole run does (a damaged
 * capture: 1, everything before the damage reported).  Under valgrind
 * (make check-valgrind) N = 1 and 3 only: the others take the same paths
 * of --shard and merge with more runs, and plain make check and the
 * sanitizer build run them all. */
static void
check_capture(const char *capture, const char *extra)
{
	int status;
	gchar *whole = whole_run_status(capture, extra, &status);
	static const guint all_ns[] = { 1, 2, 3, 4, 7 }, valgrind_ns[] = { 1, 3 };
	bool vg = under_valgrind();
	const guint *ns = vg ? valgrind_ns : all_ns;
	size_t nn = vg ? G_N_ELEMENTS(valgrind_ns) : G_N_ELEMENTS(all_ns);
	for (size_t i = 0; i < nn; i++) {
		gchar **paths = run_shards_status(capture, extra, ns[i], status);
		run_result m = merge(paths);
		if (m.status != 0 || g_strcmp0(m.out, whole) != 0)
			g_test_message("%s %s: N=%u differs from the whole run", capture, extra, ns[i]);
		g_assert_cmpint(m.status, ==, 0);
		g_assert_cmpstr(m.out, ==, whole);
		run_clear(&m);
		g_strfreev(paths);
	}
	g_free(whole);
}

static void
test_frag(void)
{
	check_capture("captures/frag.pcap", "");
}

static void
test_veth(void)
{
	check_capture("captures/veth-ns.pcap", "");
	check_capture("captures/veth-ns.pcap", "--sockets captures/veth-ns.ini");
}

/* Expiry within the capture (its "state" section: what the shards held,
 * added up frame by frame), and declared sockets (held by every shard). */
static void
test_demux(void)
{
	check_capture("captures/demux.pcap", "");
	check_capture("captures/demux.pcap", "--time-wait 1000000 --syn-timeout 1000000");
	check_capture("captures/demux.pcap", "--sockets captures/demux-declared.ini");
	check_capture("captures/demux.pcap", "--udp-idle 1");
}

/* A bad checksum counted on a socket another flow made, tunnels. */
static void
test_checksums(void)
{
	check_capture("captures/checksums.pcap", "");
	check_capture("captures/tunnels.pcap", "");
}

static void
test_bench(void)
{
	gchar *path = work_file("bench.pcap");
	gchar *out = g_strdup_printf("--out=%s", path);
	const char *args[] = { "--flows=2000", out, NULL };
	g_assert_true(tr_run(NULL, benchgen_path, args, NULL, NULL) == 0);
	check_capture(path, "");
	g_free(out);
	g_free(path);
}

/* The many-host workload: listeners that thousands of clients reach. */
static void
test_bench_manyhost(void)
{
	gchar *path = work_file("manyhost.pcap");
	gchar *out = g_strdup_printf("--out=%s", path);
	const char *args[] = { "--pattern=manyhost", "--hosts=500", "--seed=1", out, NULL };
	g_assert_true(tr_run(NULL, benchgen_path, args, NULL, NULL) == 0);
	check_capture(path, "");
	g_free(out);
	g_free(path);
}

/* The captures under @dir (relative to the source tree), recursively. */
static void
find_captures(const char *dir, GPtrArray *found)
{
	gchar *full = g_build_filename(srcdir, dir, NULL);
	GDir *d = g_dir_open(full, 0, NULL);
	g_free(full);
	if (!d)
		return;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	while ((n = g_dir_read_name(d)))
		g_ptr_array_add(names, g_build_filename(dir, n, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, path_order);
	for (guint i = 0; i < names->len; i++) {
		const char *p = g_ptr_array_index(names, i);
		gchar *abs = g_build_filename(srcdir, p, NULL);
		if (g_file_test(abs, G_FILE_TEST_IS_DIR) && !g_file_test(abs, G_FILE_TEST_IS_SYMLINK))
			find_captures(p, found);
		else if (g_str_has_suffix(p, ".pcap") || g_str_has_suffix(p, ".pcapng") ||
		         g_str_has_suffix(p, ".cap"))
			g_ptr_array_add(found, g_strdup(p));
		g_free(abs);
	}
	g_ptr_array_unref(names);
}

/* The options a regression capture runs with (its .args), "" for none. */
static gchar *
capture_args(const char *capture)
{
	const char *dot = strrchr(capture, '.');
	gchar *base = g_strndup(capture, (gsize)(dot - capture));
	gchar *path = g_strconcat(srcdir, "/", base, ".args", NULL);
	gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		text = g_strdup("");
	g_strdelimit(text, "\n\t", ' ');
	g_free(path);
	g_free(base);
	return text;
}

static void
check_dir(const char *dir)
{
	GPtrArray *caps = g_ptr_array_new_with_free_func(g_free);
	find_captures(dir, caps);
	g_assert_cmpuint(caps->len, >, 0);
	guint step = under_valgrind() ? 25 : 1;
	for (guint i = 0; i < caps->len; i += step) {
		const char *cap = g_ptr_array_index(caps, i);
		gchar *extra = capture_args(cap);
		check_capture(cap, extra);
		g_free(extra);
	}
	g_test_message("%s: %u captures", dir, caps->len);
	g_ptr_array_unref(caps);
}

static void
test_every_capture(void)
{
	check_dir("captures");
	check_dir("tests/regress");
}

static void
test_corpus(void)
{
	gchar *corpus = g_build_filename(srcdir, "..", "shared", "corpus", NULL);
	bool here = g_file_test(corpus, G_FILE_TEST_IS_DIR);
	g_free(corpus);
	if (!here) {
		g_test_skip("../shared/corpus not found");
		return;
	}
	check_dir("../shared/corpus");
}

/* Under a budget each shard holds a share of it: evictions can differ
 * from a whole run's, but the merged report is whole, with the whole
 * budget, and everything outside the hosts and "state" is exact. */
static void
test_budget(void)
{
	const char *extra = "--max-sockets 10";
	gchar *whole = whole_run("captures/demux.pcap", extra);
	static const char *const drop[] = { "hosts", "state", "sockets", NULL };
	JsonNode *w = parse_without(whole, drop);
	JsonNode *wfull = parse_without(whole, NULL);
	gint64 max = json_object_get_int_member(
		json_object_get_object_member(json_node_get_object(wfull), "state"), "max_sockets");
	g_assert_cmpint(max, ==, 10);
	gchar **paths = run_shards("captures/demux.pcap", extra, 3);
	run_result m = merge(paths);
	g_assert_cmpint(m.status, ==, 0);
	JsonNode *a = parse_without(m.out, drop), *afull = parse_without(m.out, NULL);
	g_assert_true(json_node_equal(a, w));
	JsonObject *st = json_object_get_object_member(json_node_get_object(afull), "state");
	g_assert_cmpint(json_object_get_int_member(st, "max_sockets"), ==, 10);
	/* Each shard's share, the remainder to the first: 4, 3, 3. */
	for (guint k = 0; k < 3; k++) {
		gchar *doc = NULL;
		g_assert_true(g_file_get_contents(paths[k], &doc, NULL, NULL));
		JsonNode *sn = parse_without(doc, NULL);
		JsonObject *so = json_node_get_object(sn);
		if (json_object_has_member(so, "state"))
			g_assert_cmpint(json_object_get_int_member(
				json_object_get_object_member(so, "state"), "max_sockets"), ==, k == 0 ? 4 : 3);
		json_node_unref(sn);
		g_free(doc);
	}
	json_node_unref(a);
	json_node_unref(afull);
	json_node_unref(w);
	json_node_unref(wfull);
	run_clear(&m);
	g_strfreev(paths);
	g_free(whole);
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
	g_test_add_func("/shard/benchgen-manyhost", test_bench_manyhost);
	g_test_add_func("/shard/every-capture", test_every_capture);
	g_test_add_func("/shard/corpus", test_corpus);
	g_test_add_func("/shard/budget", test_budget);
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
