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

/* @extra split into @args (empty words left out). */
static void
add_words(GPtrArray *args, gchar **words)
{
	for (gchar **e = words; *e; e++)
		if (**e)
			g_ptr_array_add(args, *e);
}

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

static bool
under_valgrind(void)
{
	return g_getenv("DEMUXSIM_VALGRIND_TOOL") != NULL;
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

static gint
path_order(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
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

/* --- demuxsim partition ------------------------------------------------- */

/* demuxsim partition -N @n of @inputs (NULL-terminated, with @extra
 * options first) into a new directory; its path, the exit status in
 * @status. */
static gchar *
partition(const char *const *inputs, const char *extra, guint n, int *status)
{
	static guint made;
	gchar *name = g_strdup_printf("buckets-%u", made++);
	gchar *dir = work_file(name);
	gchar *parts = g_strdup_printf("%u", n);
	gchar **ex = g_strsplit(extra, " ", -1);
	GPtrArray *args = g_ptr_array_new();
	const char *fixed[] = { "partition", "-N", parts, "-o", dir };
	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
		g_ptr_array_add(args, (gpointer)fixed[i]);
	add_words(args, ex);
	for (const char *const *in = inputs; *in; in++)
		g_ptr_array_add(args, (gpointer)*in);
	g_ptr_array_add(args, NULL);
	run_result r = run((const char *const *)args->pdata, NULL);
	*status = r.status;
	run_clear(&r);
	g_ptr_array_unref(args);
	g_strfreev(ex);
	g_free(parts);
	g_free(name);
	return dir;
}

/* The buckets of partition @k of @n in @dir, in order (NULL-terminated). */
static gchar **
buckets_of(const char *dir, guint k, guint n)
{
	GPtrArray *found = g_ptr_array_new();
	gchar *prefix = g_strdup_printf("part-%u-of-%u.", k, n);
	GDir *d = g_dir_open(dir, 0, NULL);
	g_assert_nonnull(d);
	const char *e;
	while ((e = g_dir_read_name(d)))
		if (g_str_has_prefix(e, prefix) && g_str_has_suffix(e, ".pcap"))
			g_ptr_array_add(found, g_build_filename(dir, e, NULL));
	g_dir_close(d);
	g_ptr_array_sort(found, path_order);
	g_ptr_array_add(found, NULL);
	g_free(prefix);
	return (gchar **)g_ptr_array_free(found, FALSE);
}

/* Records in the buckets of @dir (lines of their indexes, less the
 * first). */
static guint64
bucket_records(const char *dir, guint n)
{
	guint64 total = 0;
	for (guint k = 0; k < n; k++) {
		gchar **b = buckets_of(dir, k, n);
		for (gchar **p = b; *p; p++) {
			gchar *ipath = g_strconcat(*p, ".frames", NULL), *text = NULL;
			g_assert_true(g_file_get_contents(ipath, &text, NULL, NULL));
			for (const char *c = text; *c; c++)
				total += *c == '\n';
			total--;
			g_free(text);
			g_free(ipath);
		}
		g_strfreev(b);
	}
	return total;
}

/* @inputs partitioned in N buckets, bucket K run with --shard K/N, the
 * N reports merged: the whole run's report, byte for byte, for N = 1,
 * 2, 3, 4 and 7 (under valgrind 3); each frame in one to @spread buckets
 * (2: its receiver's and its sender's; more for tunnels, whose inner
 * hosts count too). */
static void
check_partition(const char *const *inputs, const char *extra, const char *reasm,
                guint spread)
{
	int status;
	GPtrArray *wa = g_ptr_array_new();
	gchar **ex = g_strsplit(extra, " ", -1);
	add_words(wa, ex);
	const char *fixed[] = { "-q", "--format", "json" };
	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
		g_ptr_array_add(wa, (gpointer)fixed[i]);
	for (const char *const *in = inputs; *in; in++)
		g_ptr_array_add(wa, (gpointer)*in);
	g_ptr_array_add(wa, NULL);
	run_result whole = run((const char *const *)wa->pdata, NULL);
	g_assert_cmpint(whole.status, ==, 0);
	JsonNode *wn = parse_without(whole.out, NULL);
	guint64 frames = (guint64)json_object_get_int_member(json_node_get_object(wn), "frames");
	json_node_unref(wn);
	static const guint all_ns[] = { 1, 2, 3, 4, 7 }, valgrind_ns[] = { 3 };
	bool vg = under_valgrind();
	const guint *ns = vg ? valgrind_ns : all_ns;
	size_t nn = vg ? G_N_ELEMENTS(valgrind_ns) : G_N_ELEMENTS(all_ns);
	for (size_t i = 0; i < nn; i++) {
		guint n = ns[i];
		gchar *dir = partition(inputs, reasm, n, &status);
		g_assert_cmpint(status, ==, 0);
		guint64 records = bucket_records(dir, n);
		g_test_message("%s...: N=%u, %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
		               " in the buckets", inputs[0], n, frames, records);
		g_assert_cmpuint(records, >=, frames);
		g_assert_cmpuint(records, <=, MIN(n, spread) * frames);
		gchar **reports = g_new0(gchar *, n + 1);
		for (guint k = 0; k < n; k++) {
			gchar **b = buckets_of(dir, k, n);
			GPtrArray *args = g_ptr_array_new();
			add_words(args, ex);
			gchar *shard = g_strdup_printf("%u/%u", k, n);
			const char *sf[] = { "--shard", shard, "-q", "--format", "json" };
			for (size_t j = 0; j < G_N_ELEMENTS(sf); j++)
				g_ptr_array_add(args, (gpointer)sf[j]);
			for (gchar **p = b; *p; p++)
				g_ptr_array_add(args, *p);
			g_ptr_array_add(args, NULL);
			gchar *name = g_strdup_printf("bucket-shard-%u.json", k);
			reports[k] = work_file(name);
			run_result r = run((const char *const *)args->pdata, reports[k]);
			if (r.status)
				g_test_message("%s", r.err);
			g_assert_cmpint(r.status, ==, 0);
			run_clear(&r);
			g_free(name);
			g_free(shard);
			g_ptr_array_unref(args);
			g_strfreev(b);
		}
		run_result m = merge(reports);
		g_assert_cmpint(m.status, ==, 0);
		g_assert_cmpstr(m.out, ==, whole.out);
		run_clear(&m);
		g_strfreev(reports);
		tr_remove_tree(dir);
		g_free(dir);
	}
	g_strfreev(ex);
	g_ptr_array_unref(wa);
	run_clear(&whole);
}

static void
test_partition(void)
{
	const char *demux[] = { "captures/demux.pcap", NULL };
	check_partition(demux, "", "", 2);
	check_partition(demux, "--sockets captures/demux-declared.ini", "", 2);
	const char *frag[] = { "captures/frag.pcap", NULL };
	check_partition(frag, "", "", 2);
	check_partition(frag, "--no-reassembly", "--no-reassembly", 2);
	const char *tunnels[] = { "captures/tunnels.pcap", NULL };
	check_partition(tunnels, "", "", 6);
	/* Several files, in time order as rotated ones are: one capture. */
	const char *files[] = { "captures/checksums.pcap", "captures/demux.pcap",
	                        "captures/veth-ns.pcap", NULL };
	check_partition(files, "", "", 2);
	gchar *path = work_file("partition-bench.pcap");
	gchar *out = g_strdup_printf("--out=%s", path);
	const char *args[] = { "--pattern=manyhost", "--hosts=300", "--seed=2", out, NULL };
	g_assert_true(tr_run(NULL, benchgen_path, args, NULL, NULL) == 0);
	const char *bench[] = { path, NULL };
	check_partition(bench, "", "", 2);
	g_free(out);
	g_free(path);
}

/* A damaged input: one line naming it, exit 1, the buckets hold what was
 * read, the other inputs are still partitioned; usage errors exit 2; a
 * shard refuses buckets of another partition or a missing one. */
static void
test_partition_errors(void)
{
	int status;
	const char *damaged[] = { "captures/truncated-header.pcap", "captures/demux.pcap", NULL };
	gchar *dir = partition(damaged, "", 2, &status);
	g_assert_cmpint(status, ==, 1);
	gchar **b0 = buckets_of(dir, 0, 2), **b1 = buckets_of(dir, 1, 2);
	g_assert_cmpuint(g_strv_length(b0), ==, 1);
	{
		const char *a[] = { "partition", "-N", "2", "-o", dir, "captures/truncated-header.pcap", NULL };
		run_result r = run(a, NULL);
		g_assert_cmpint(r.status, ==, 1);
		g_assert_nonnull(strstr(r.err, "captures/truncated-header.pcap"));
		g_assert_true(strchr(r.err, '\n') == r.err + strlen(r.err) - 1);
		run_clear(&r);
	}
	/* Bucket 1 given to shard 0. */
	const char *wrong[] = { "--shard", "0/2", "-q", "--format", "json", b1[0], NULL };
	run_result r = run(wrong, NULL);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_nonnull(strstr(r.err, "not a bucket of partition 0 of 2"));
	run_clear(&r);
	/* Of three inputs, one bucket given. */
	const char *three[] = { "captures/frag.pcap", "captures/demux.pcap", "captures/veth-ns.pcap", NULL };
	gchar *dir3 = partition(three, "", 2, &status);
	g_assert_cmpint(status, ==, 0);
	gchar **c0 = buckets_of(dir3, 0, 2);
	const char *missing[] = { "--shard", "0/2", "-q", "--format", "json", c0[0], NULL };
	r = run(missing, NULL);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_nonnull(strstr(r.err, "1 buckets given for partition 0, which has 3"));
	run_clear(&r);
	static const char *const usage[][6] = {
		{ "partition", "-o", "x", "captures/demux.pcap", NULL },
		{ "partition", "-N", "0", "-o", "x", "captures/demux.pcap" },
		{ "partition", "-N", "2", "captures/demux.pcap", NULL },
		{ "partition", "-N", "2", "-o", "x", NULL },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(usage); i++) {
		const char *a[7] = { NULL };
		for (size_t j = 0; j < 6 && usage[i][j]; j++)
			a[j] = usage[i][j];
		run_result u = run(a, NULL);
		g_assert_cmpint(u.status, ==, 2);
		run_clear(&u);
	}
	g_strfreev(c0);
	g_strfreev(b0);
	g_strfreev(b1);
	tr_remove_tree(dir3);
	tr_remove_tree(dir);
	g_free(dir3);
	g_free(dir);
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
	g_test_add_func("/shard/partition", test_partition);
	g_test_add_func("/shard/partition-errors", test_partition_errors);
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
