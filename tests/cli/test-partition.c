/* test-partition.c - demuxsim partition: a capture (one file or
 * several, in order) partitioned into N buckets, bucket K run with
 * --shard K/N, the N reports merged: the whole run's -q --format json
 * report byte for byte, for N = 1, 2, 3, 4 and 7 (under valgrind 3), with
 * each frame in at most two buckets but for tunnels; and its errors (a
 * damaged input, usage) and a shard's refusal of the wrong buckets.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <string.h>
#include "testrun.h"
#include "shardrun.h"

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
	workdir = g_dir_make_tmp("demuxsim-partition-XXXXXX", &err);
	if (!workdir)
		g_error("%s", err->message);

	g_test_add_func("/partition/whole-run", test_partition);
	g_test_add_func("/partition/errors", test_partition_errors);
	int rc = g_test_run();

	tr_remove_tree(workdir);
	g_free(workdir);
	g_free(benchgen_path);
	g_free(tool_path);
	g_free(srcdir);
	return rc;
}
