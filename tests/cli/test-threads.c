/* test-threads.c - demuxsim --threads N: standard output, standard error,
 * the exit status and the files a run writes are the same, byte for byte,
 * as with --threads 1.
 *
 * The captures are made at run time by tests/gen/benchgen in a temporary
 * directory, large enough that the reader goes round its ring of batches
 * (256 frames each, 2N + 2 of them) many times: 5,000 flows of 10 frames,
 * a SYN flood of 20,000 sources, a UDP scan of 5,000 ports, and 40 long
 * flows of 250 frames (for --report, whose page grows with the sockets).
 * Each runs with N = 2 (the reader decodes; headers in the evidence pass
 * are decoded by the caller), 3 (one decoder) and 5 (three), in every
 * format and with the options that change what is reported or written.
 * Every capture of captures/ and of the shared corpus (when present) runs
 * in text and jsonl.
 *
 * Damaged input, far past the first batch (a record cut in its data or in
 * its header, garbage after 2,000 good records), a file that is not a
 * capture, standard input and a damaged file among good ones: the same
 * frames, the same one-line error naming the file and frame, exit 1.  Bad
 * values of --threads: exit 2, one line naming the option.
 *
 * Under valgrind (make check-valgrind) the generated captures are a tenth
 * of the size, N is 2 and 5, and the files of captures/ and of the corpus
 * run all on one command line, in jsonl, with N = 3.
 */
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "testrun.h"

static gchar *tool_path, *benchgen_path, *srcdir, *workdir;
static bool under_valgrind;

/* Captures made in main(), absolute paths. */
static gchar *flows_pcap, *syn_pcap, *scan_pcap, *long_pcap, *manyhost_pcap;
static gchar *cut_data_pcap, *cut_header_pcap, *garbage_pcap, *notcap_path;

/* The N each run is made with besides 1: the reader decoding, one decoder,
 * three (under valgrind, the first and the last). */
static const unsigned every_n[] = { 2, 3, 5, 0 };
static const unsigned valgrind_ns[] = { 2, 5, 0 };
static const unsigned *all_ns = every_n;
static const unsigned damaged_ns[] = { 2, 4, 0 };
static const unsigned valgrind_file_ns[] = { 3, 0 };

typedef struct {
	int status;       /* exit status, -1 when killed */
	GBytes *out, *err;
} run_result;

static void
run_clear(run_result *r)
{
	g_clear_pointer(&r->out, g_bytes_unref);
	g_clear_pointer(&r->err, g_bytes_unref);
}

static gchar *
work_file(const char *name)
{
	return g_build_filename(workdir, name, NULL);
}

/* A fresh empty directory for the run with @threads. */
static gchar *
run_dir(unsigned threads)
{
	gchar *name = g_strdup_printf("run-%u", threads);
	gchar *dir = work_file(name);
	g_free(name);
	tr_remove_tree(dir);
	if (g_mkdir(dir, 0755) != 0)
		g_error("cannot make %s", dir);
	return dir;
}

/* Run @argv (NULL-terminated) in @cwd, standard input from @stdin_path
 * (or /dev/null). */
static run_result
spawn(const char *cwd, const char *const *argv, const char *stdin_path)
{
	GSubprocessLauncher *l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
	                                                   G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_subprocess_launcher_set_cwd(l, cwd);
	g_subprocess_launcher_set_stdin_file_path(l, stdin_path ? stdin_path : "/dev/null");
	GError *err = NULL;
	GSubprocess *p = g_subprocess_launcher_spawnv(l, argv, &err);
	if (!p)
		g_error("cannot run %s: %s", argv[0], err->message);
	run_result r = { 0 };
	if (!g_subprocess_communicate(p, NULL, NULL, &r.out, &r.err, &err))
		g_error("%s: %s", argv[0], err->message);
	r.status = g_subprocess_get_if_exited(p) ? g_subprocess_get_exit_status(p) : -1;
	g_object_unref(p);
	g_object_unref(l);
	return r;
}

/* demuxsim --threads @threads @args in @cwd. */
static run_result
run_tool(const char *cwd, unsigned threads, const char *const *args, const char *stdin_path)
{
	gchar *n = g_strdup_printf("%u", threads);
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, tool_path);
	g_ptr_array_add(a, "--threads");
	g_ptr_array_add(a, n);
	for (const char *const *p = args; *p; p++)
		g_ptr_array_add(a, (gpointer)*p);
	g_ptr_array_add(a, NULL);
	run_result r = spawn(cwd, (const char *const *)a->pdata, stdin_path);
	g_ptr_array_unref(a);
	g_free(n);
	return r;
}

static const char *
bytes_text(GBytes *b, gsize *len)
{
	const char *p = g_bytes_get_data(b, len);
	return p ? p : "";
}

/* @a (from --threads 1) and @b (from --threads @n) byte for byte; where
 * they differ, the line of each is shown. */
static void
assert_same_bytes(const char *what, unsigned n, GBytes *a, GBytes *b)
{
	gsize na, nb;
	const char *pa = bytes_text(a, &na), *pb = bytes_text(b, &nb);
	if (na == nb && memcmp(pa, pb, na) == 0)
		return;
	gsize i = 0, line = 1, start = 0;
	while (i < na && i < nb && pa[i] == pb[i]) {
		if (pa[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	const char *ea = memchr(pa + start, '\n', na - start);
	const char *eb = memchr(pb + start, '\n', nb - start);
	int la = (int)MIN((ea ? (gsize)(ea - pa) : na) - start, 300);
	int lb = (int)MIN((eb ? (gsize)(eb - pb) : nb) - start, 300);
	g_test_message("%s differs with --threads %u at byte %" G_GSIZE_FORMAT " (line %"
	               G_GSIZE_FORMAT "; %" G_GSIZE_FORMAT " vs %" G_GSIZE_FORMAT " bytes)",
	               what, n, i, line, na, nb);
	g_test_message("  --threads 1: %.*s", la, pa + start);
	g_test_message("  --threads %u: %.*s", n, lb, pb + start);
	g_assert_cmpmem(pa, na, pb, nb);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static GBytes *
file_bytes(const char *path)
{
	gchar *text = NULL;
	gsize len = 0;
	GError *err = NULL;
	if (!g_file_get_contents(path, &text, &len, &err))
		g_error("%s", err->message);
	return g_bytes_new_take(text, len);
}

/* The names in @dir, sorted. */
static GPtrArray *
dir_names(const char *dir)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GError *err = NULL;
	GDir *d = g_dir_open(dir, 0, &err);
	if (!d)
		g_error("%s", err->message);
	const char *n;
	while ((n = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(n));
	g_dir_close(d);
	g_ptr_array_sort(names, compare_names);
	return names;
}

/* The file or directory @a (written with --threads 1) and @b (with @n):
 * the same names, the same bytes.  Returns how many files were compared. */
static guint
assert_same_written(const char *a, const char *b, unsigned n)
{
	g_assert_true(g_file_test(a, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(b, G_FILE_TEST_EXISTS));
	if (!g_file_test(a, G_FILE_TEST_IS_DIR)) {
		g_assert_false(g_file_test(b, G_FILE_TEST_IS_DIR));
		GBytes *ba = file_bytes(a), *bb = file_bytes(b);
		gchar *base = g_path_get_basename(a);
		assert_same_bytes(base, n, ba, bb);
		g_free(base);
		g_bytes_unref(ba);
		g_bytes_unref(bb);
		return 1;
	}
	GPtrArray *na = dir_names(a), *nb = dir_names(b);
	g_assert_cmpuint(na->len, ==, nb->len);
	guint files = 0;
	for (guint i = 0; i < na->len; i++) {
		g_assert_cmpstr(g_ptr_array_index(na, i), ==, g_ptr_array_index(nb, i));
		gchar *pa = g_build_filename(a, g_ptr_array_index(na, i), NULL);
		gchar *pb = g_build_filename(b, g_ptr_array_index(nb, i), NULL);
		files += assert_same_written(pa, pb, n);
		g_free(pa);
		g_free(pb);
	}
	g_ptr_array_unref(na);
	g_ptr_array_unref(nb);
	return files;
}

static void
assert_same_run(unsigned n, const run_result *ref, const run_result *r)
{
	assert_same_bytes("stderr", n, ref->err, r->err);
	assert_same_bytes("stdout", n, ref->out, r->out);
	g_assert_cmpint(r->status, ==, ref->status);
}

static void
log_args(const char *const *args, const char *stdin_path)
{
	gchar *cmd = g_strjoinv(" ", (gchar **)args);
	g_test_message("$ demuxsim --threads N %s%s%s", cmd, stdin_path ? " < " : "",
	               stdin_path ? stdin_path : "");
	g_free(cmd);
}

/* Run @args with --threads 1, then with each N of @ns (0-terminated),
 * each in a directory of its own (so that the files a run writes, at the
 * relative path @written, can be compared); every run against the first.
 * Returns the first run. */
static run_result
check_identical_ns(const char *const *args, const char *written, const char *stdin_path,
                   const unsigned *ns)
{
	log_args(args, stdin_path);
	gchar *dir1 = run_dir(1);
	run_result ref = run_tool(dir1, 1, args, stdin_path);
	g_test_message("--threads 1: exit %d, %" G_GSIZE_FORMAT " bytes on stdout, %"
	               G_GSIZE_FORMAT " on stderr", ref.status, g_bytes_get_size(ref.out),
	               g_bytes_get_size(ref.err));
	gchar *w1 = written ? g_build_filename(dir1, written, NULL) : NULL;
	for (const unsigned *n = ns; *n; n++) {
		gchar *dir = run_dir(*n);
		run_result r = run_tool(dir, *n, args, stdin_path);
		assert_same_run(*n, &ref, &r);
		if (written) {
			gchar *w = g_build_filename(dir, written, NULL);
			guint files = assert_same_written(w1, w, *n);
			g_test_message("--threads %u: %u written file(s) the same", *n, files);
			g_free(w);
		}
		run_clear(&r);
		tr_remove_tree(dir);
		g_free(dir);
	}
	g_free(w1);
	tr_remove_tree(dir1);
	g_free(dir1);
	return ref;
}

/* check_identical_ns() for a run that must succeed and report something. */
static void
check_identical(const char *const *args, const char *written)
{
	run_result ref = check_identical_ns(args, written, NULL, all_ns);
	g_assert_cmpint(ref.status, ==, 0);
	g_assert_cmpuint(g_bytes_get_size(ref.out), >, 0);
	g_assert_cmpuint(g_bytes_get_size(ref.err), ==, 0);
	run_clear(&ref);
}

/* --- Generated captures ------------------------------------------------- */

static void
test_flows_format(gconstpointer data)
{
	const char *fmt = data;
	check_identical((const char *const[]){ "--format", fmt, flows_pcap, NULL }, NULL);
}

static void
test_flows_all_frames(void)
{
	check_identical((const char *const[]){ "--all-frames", flows_pcap, NULL }, NULL);
}

static void
test_flows_max_sockets(void)
{
	check_identical((const char *const[]){ "--max-sockets", "1000", flows_pcap, NULL }, NULL);
}

static void
test_flows_keep_bad(void)
{
	check_identical((const char *const[]){ "--keep-bad-checksums", "--format", "jsonl",
	                                      flows_pcap, NULL }, NULL);
}

static void
test_flows_no_reassembly(void)
{
	check_identical((const char *const[]){ "--no-reassembly", "--format", "jsonl",
	                                      flows_pcap, NULL }, NULL);
}

static void
test_long_report(void)
{
	check_identical((const char *const[]){ "--report", "report.html", long_pcap, NULL },
	                "report.html");
}

static void
test_long_dot(void)
{
	check_identical((const char *const[]){ "-q", "--format", "dot", long_pcap, NULL }, NULL);
}

static void
test_long_svg(void)
{
	const char *const args[] = { "-q", "--format", "svg", long_pcap, NULL };
	log_args(args, NULL);
	gchar *dir = run_dir(1);
	run_result ref = run_tool(dir, 1, args, NULL);
	if (ref.status == 2) {
		g_test_skip("this demuxsim was built without Graphviz's libgvc");
	} else {
		g_assert_cmpint(ref.status, ==, 0);
		for (const unsigned *n = all_ns; *n; n++) {
			run_result r = run_tool(dir, *n, args, NULL);
			g_assert_cmpint(r.status, ==, ref.status);
			assert_same_bytes("stdout", *n, ref.out, r.out);
			run_clear(&r);
		}
	}
	run_clear(&ref);
	tr_remove_tree(dir);
	g_free(dir);
}

static void
test_long_64(void)
{
	static const unsigned ns[] = { 64, 0 };
	run_result ref = check_identical_ns((const char *const[]){ "--format", "jsonl", long_pcap,
	                                                           NULL }, NULL, NULL, ns);
	g_assert_cmpint(ref.status, ==, 0);
	run_clear(&ref);
}

static void
test_synflood_text(void)
{
	check_identical((const char *const[]){ syn_pcap, NULL }, NULL);
}

static void
test_synflood_max_sockets(void)
{
	check_identical((const char *const[]){ "--max-sockets", "1000", "--format", "json",
	                                      syn_pcap, NULL }, NULL);
}

static void
test_udpscan_text(void)
{
	check_identical((const char *const[]){ "--format", "csv", scan_pcap, NULL }, NULL);
	check_identical((const char *const[]){ scan_pcap, NULL }, NULL);
}

static void
test_udpscan_split(void)
{
	check_identical((const char *const[]){ "--split", "split", scan_pcap, NULL }, "split");
}

/* Many hosts (benchgen --pattern=manyhost): the table in partitions. */
static void
test_manyhost(void)
{
	check_identical((const char *const[]){ "-q", "--format", "json", manyhost_pcap, NULL }, NULL);
	check_identical((const char *const[]){ "-q", manyhost_pcap, NULL }, NULL);
	check_identical((const char *const[]){ "-q", "--format", "csv", manyhost_pcap, NULL }, NULL);
}

static void
test_several_files(void)
{
	check_identical((const char *const[]){ long_pcap, syn_pcap, scan_pcap, NULL }, NULL);
	check_identical((const char *const[]){ "-q", "--format", "json", flows_pcap, scan_pcap,
	                                      NULL }, NULL);
}

static void
test_stdin(void)
{
	run_result ref = check_identical_ns((const char *const[]){ "--format", "jsonl", "-", NULL },
	                                    NULL, flows_pcap, all_ns);
	g_assert_cmpint(ref.status, ==, 0);
	g_assert_cmpuint(g_bytes_get_size(ref.out), >, 0);
	run_clear(&ref);
}

/* @text parsed. */
static JsonNode *
parse_json(GBytes *text)
{
	gsize len;
	const char *p = bytes_text(text, &len);
	JsonParser *parser = json_parser_new();
	GError *err = NULL;
	if (!json_parser_load_from_data(parser, p, (gssize)len, &err))
		g_error("not JSON: %s", err->message);
	JsonNode *n = json_node_copy(json_parser_get_root(parser));
	g_object_unref(parser);
	return n;
}

/* The "options" of a shard report's "shard" member, taken out of it. */
static JsonNode *
take_shard_options(JsonNode *report)
{
	JsonObject *shard = json_object_get_object_member(json_node_get_object(report), "shard");
	g_assert_nonnull(shard);
	JsonNode *opts = json_node_copy(json_object_get_member(shard, "options"));
	json_object_remove_member(shard, "options");
	return opts;
}

/* Shard options as one line, less the --threads given by run_tool(). */
static gchar *
options_without_threads(JsonNode *opts)
{
	JsonArray *a = json_node_get_array(opts);
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		const char *o = json_array_get_string_element(a, i);
		if (strcmp(o, "--threads") == 0) {
			i++;
			continue;
		}
		if (!g_str_has_prefix(o, "--threads="))
			g_string_append_printf(s, "%s%s", s->len ? " " : "", o);
	}
	return g_string_free(s, FALSE);
}

/* --shard 1/3: the JSON report is the same but for the recorded command
 * line, which holds the --threads given. */
static void
test_flows_shard(void)
{
	const char *const args[] = { "--shard", "1/3", "-q", "--format", "json", flows_pcap, NULL };
	log_args(args, NULL);
	gchar *dir = run_dir(1);
	run_result ref = run_tool(dir, 1, args, NULL);
	g_assert_cmpint(ref.status, ==, 0);
	JsonNode *ref_json = parse_json(ref.out);
	JsonNode *ref_opts = take_shard_options(ref_json);
	gchar *ref_line = options_without_threads(ref_opts);
	for (const unsigned *n = all_ns; *n; n++) {
		run_result r = run_tool(dir, *n, args, NULL);
		assert_same_bytes("stderr", *n, ref.err, r.err);
		g_assert_cmpint(r.status, ==, ref.status);
		JsonNode *json = parse_json(r.out);
		JsonNode *opts = take_shard_options(json);
		gchar *line = options_without_threads(opts);
		g_assert_cmpstr(line, ==, ref_line);
		g_assert_true(json_node_equal(json, ref_json));
		g_free(line);
		json_node_unref(opts);
		json_node_unref(json);
		run_clear(&r);
	}
	g_free(ref_line);
	json_node_unref(ref_opts);
	json_node_unref(ref_json);
	run_clear(&ref);
	tr_remove_tree(dir);
	g_free(dir);
}

/* Shards run with different --threads (machines with different numbers
 * of cores) merge into the report of shards run alike. */
static void
test_shard_merge_mixed(void)
{
	gchar *dir = run_dir(1);
	const char *const s0[] = { "--shard", "0/2", "-q", "--format", "json", long_pcap, NULL };
	const char *const s1[] = { "--shard", "1/2", "-q", "--format", "json", long_pcap, NULL };
	run_result a = run_tool(dir, 1, s0, NULL), b = run_tool(dir, 1, s1, NULL);
	run_result c = run_tool(dir, 3, s1, NULL);
	g_assert_cmpint(a.status, ==, 0);
	g_assert_cmpint(b.status, ==, 0);
	g_assert_cmpint(c.status, ==, 0);
	const char *names[] = { "s0.json", "s1.json", "s1-t3.json" };
	GBytes *outs[] = { a.out, b.out, c.out };
	gchar *paths[3];
	for (int i = 0; i < 3; i++) {
		paths[i] = g_build_filename(dir, names[i], NULL);
		gsize len;
		const char *p = bytes_text(outs[i], &len);
		g_assert_true(g_file_set_contents(paths[i], p, (gssize)len, NULL));
	}
	run_result alike = spawn(dir, (const char *const[]){ tool_path, "merge", paths[0],
	                                                     paths[1], NULL }, NULL);
	run_result mixed = spawn(dir, (const char *const[]){ tool_path, "merge", paths[0],
	                                                     paths[2], NULL }, NULL);
	g_assert_cmpint(alike.status, ==, 0);
	g_assert_cmpint(mixed.status, ==, 0);
	assert_same_bytes("merged report", 3, alike.out, mixed.out);
	for (int i = 0; i < 3; i++)
		g_free(paths[i]);
	run_clear(&a);
	run_clear(&b);
	run_clear(&c);
	run_clear(&alike);
	run_clear(&mixed);
	tr_remove_tree(dir);
	g_free(dir);
}

/* --- Damaged input ------------------------------------------------------ */

/* @err is one line "demuxsim: NAME..." naming @name and, when @frame,
 * a frame. */
static void
assert_one_error_line(GBytes *err, const char *name, bool frame)
{
	gsize len;
	const char *e = bytes_text(err, &len);
	gchar *text = g_strndup(e, len);
	g_test_message("stderr: %s", text);
	g_assert_true(g_str_has_prefix(text, "demuxsim: "));
	g_assert_true(len > 0 && text[len - 1] == '\n');
	g_assert_null(memchr(text, '\n', len - 1));
	g_assert_nonnull(strstr(text, name));
	if (frame)
		g_assert_nonnull(strstr(text, ": frame "));
	g_free(text);
}

/* A damaged capture: exit 1, one line naming it and the frame, the frames
 * before it reported, with every N. */
static void
check_damaged(const char *const *args, const char *name, const char *stdin_path)
{
	run_result ref = check_identical_ns(args, NULL, stdin_path, damaged_ns);
	g_assert_cmpint(ref.status, ==, 1);
	g_assert_cmpuint(g_bytes_get_size(ref.out), >, 0);
	assert_one_error_line(ref.err, name, true);
	run_clear(&ref);
}

static void
test_damaged_cut_data(void)
{
	check_damaged((const char *const[]){ "--format", "jsonl", cut_data_pcap, NULL },
	              cut_data_pcap, NULL);
	check_damaged((const char *const[]){ cut_data_pcap, NULL }, cut_data_pcap, NULL);
}

static void
test_damaged_cut_header(void)
{
	check_damaged((const char *const[]){ "--format", "jsonl", cut_header_pcap, NULL },
	              cut_header_pcap, NULL);
}

static void
test_damaged_garbage(void)
{
	check_damaged((const char *const[]){ "--format", "jsonl", garbage_pcap, NULL },
	              garbage_pcap, NULL);
	check_damaged((const char *const[]){ "-q", "--format", "json", garbage_pcap, NULL },
	              garbage_pcap, NULL);
}

static void
test_damaged_stdin(void)
{
	check_damaged((const char *const[]){ "--format", "jsonl", "-", NULL }, "-: frame ",
	              cut_data_pcap);
}

/* A damaged file between good ones: the error, and the files after it
 * still read. */
static void
test_damaged_among_good(void)
{
	check_damaged((const char *const[]){ "--format", "jsonl", long_pcap, garbage_pcap,
	                                     scan_pcap, NULL }, garbage_pcap, NULL);
}

static void
test_not_a_capture(void)
{
	run_result ref = check_identical_ns((const char *const[]){ notcap_path, NULL }, NULL, NULL,
	                                    damaged_ns);
	g_assert_cmpint(ref.status, ==, 1);
	assert_one_error_line(ref.err, notcap_path, false);
	run_clear(&ref);
}

/* --- Bad values of --threads -------------------------------------------- */

static void
test_usage(gconstpointer data)
{
	const char *value = data;
	const char *const argv[] = { tool_path, "--threads", value, long_pcap, NULL };
	run_result r = spawn(workdir, argv, NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_cmpuint(g_bytes_get_size(r.out), ==, 0);
	assert_one_error_line(r.err, "--threads", false);
	run_clear(&r);
}

/* --- Captures of captures/ and of the shared corpus --------------------- */

static void
test_capture_file(gconstpointer data)
{
	const char *path = data;
	/* The trace (the table on one thread), then the tables alone (the
	 * table in N partitions). */
	static const char *const formats[] = { "text", "jsonl", "json" };
	for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
		run_result ref = check_identical_ns((const char *const[]){ "--format", formats[i],
		                                                           path, NULL },
		                                    NULL, NULL, all_ns);
		g_assert_cmpint(ref.status, !=, 2);
		run_clear(&ref);
	}
	run_result ref = check_identical_ns((const char *const[]){ "-q", path, NULL }, NULL, NULL,
	                                    all_ns);
	g_assert_cmpint(ref.status, !=, 2);
	run_clear(&ref);
}

/* Under valgrind: every file (@data, NULL-terminated) in one jsonl run. */
static void
test_capture_files(gconstpointer data)
{
	const char *const *paths = data;
	GPtrArray *args = g_ptr_array_new();
	g_ptr_array_add(args, "--format");
	g_ptr_array_add(args, "jsonl");
	for (const char *const *p = paths; *p; p++)
		g_ptr_array_add(args, (gpointer)*p);
	g_ptr_array_add(args, NULL);
	run_result ref = check_identical_ns((const char *const *)args->pdata, NULL, NULL,
	                                    valgrind_file_ns);
	g_assert_cmpint(ref.status, !=, 2);
	run_clear(&ref);
	/* The tables alone: the table in partitions. */
	g_ptr_array_index(args, 1) = "json";
	ref = check_identical_ns((const char *const *)args->pdata, NULL, NULL, valgrind_file_ns);
	g_assert_cmpint(ref.status, !=, 2);
	run_clear(&ref);
	g_ptr_array_unref(args);
}

/* captures/demux.pcap with its declared sockets (--sockets): the evidence
 * pass of declared mode. */
static void
test_declared(void)
{
	gchar *ini = g_build_filename(srcdir, "captures", "demux-declared.ini", NULL);
	gchar *cap = g_build_filename(srcdir, "captures", "demux.pcap", NULL);
	check_identical((const char *const[]){ "--sockets", ini, "--format", "jsonl", cap, NULL },
	                NULL);
	g_free(cap);
	g_free(ini);
}

static bool
is_capture_name(const char *name)
{
	return g_str_has_suffix(name, ".pcap") || g_str_has_suffix(name, ".pcapng") ||
	       g_str_has_suffix(name, ".cap");
}

/* Captures under @dir (to @depth levels), relative to @top, sorted. */
static void
find_captures(const char *top, const char *rel, int depth, GPtrArray *found)
{
	gchar *dir = rel ? g_build_filename(top, rel, NULL) : g_strdup(top);
	GPtrArray *names = dir_names(dir);
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);
		gchar *r = rel ? g_build_filename(rel, n, NULL) : g_strdup(n);
		gchar *p = g_build_filename(top, r, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
			if (depth > 0)
				find_captures(top, r, depth - 1, found);
			g_free(r);
		} else if (is_capture_name(n)) {
			g_ptr_array_add(found, r);
		} else {
			g_free(r);
		}
		g_free(p);
	}
	g_ptr_array_unref(names);
	g_free(dir);
}

static const char *corpus_missing;

static void
test_corpus_skipped(void)
{
	gchar *msg = g_strdup_printf("no shared corpus at %s", corpus_missing);
	g_test_skip(msg);
	g_free(msg);
}

/* Add a test per capture under @top as /threads/@prefix/REL (under
 * valgrind, one for them all); their paths go to @keep. */
static void
add_capture_tests(const char *top, const char *prefix, GPtrArray *keep)
{
	GPtrArray *rels = g_ptr_array_new_with_free_func(g_free);
	find_captures(top, NULL, 2, rels);
	gchar **all = g_new0(gchar *, rels->len + 1);
	for (guint i = 0; i < rels->len; i++) {
		const char *rel = g_ptr_array_index(rels, i);
		gchar *path = g_build_filename(top, rel, NULL);
		all[i] = path;
		g_ptr_array_add(keep, path);
		if (under_valgrind)
			continue;
		gchar *name = g_strconcat("/threads/", prefix, "/", rel, NULL);
		g_test_add_data_func(name, path, test_capture_file);
		g_free(name);
	}
	if (under_valgrind) {
		gchar *name = g_strconcat("/threads/", prefix, "/all-in-one-run", NULL);
		g_test_add_data_func(name, all, test_capture_files);
		g_free(name);
		g_ptr_array_add(keep, all);
	} else {
		g_free(all);
	}
	g_ptr_array_unref(rels);
}

/* --- Making the captures ------------------------------------------------- */

static void
benchgen(const char *out, const char *const *args)
{
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, benchgen_path);
	for (const char *const *p = args; *p; p++)
		g_ptr_array_add(a, (gpointer)*p);
	gchar *dest = g_strconcat("--out=", out, NULL);
	g_ptr_array_add(a, dest);
	g_ptr_array_add(a, NULL);
	run_result r = spawn(workdir, (const char *const *)a->pdata, NULL);
	if (r.status != 0)
		g_error("%s: benchgen failed (status %d)", out, r.status);
	run_clear(&r);
	g_free(dest);
	g_ptr_array_unref(a);
}

static gchar *
scaled(const char *opt, unsigned n)
{
	return g_strdup_printf("%s=%u", opt, under_valgrind ? n / 10 : n);
}

static guint32
rd32(const guint8 *p, bool swapped)
{
	guint32 v;
	memcpy(&v, p, 4);
	return swapped ? GUINT32_SWAP_LE_BE(v) : v;
}

/* The offset of each record of the classic pcap @data (@len bytes), up to
 * @max records. */
static GArray *
record_offsets(const guint8 *data, gsize len, guint max)
{
	g_assert_cmpuint(len, >=, 24);
	guint32 magic = rd32(data, false);
	bool swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	g_assert_true(swapped || magic == 0xa1b2c3d4 || magic == 0xa1b23c4d);
	GArray *offs = g_array_new(FALSE, FALSE, sizeof(gsize));
	gsize off = 24;
	while (off + 16 <= len && offs->len < max) {
		g_array_append_val(offs, off);
		off += 16 + rd32(data + off + 8, swapped);
	}
	return offs;
}

static gchar *
write_capture(const char *name, const guint8 *data, gsize len)
{
	gchar *path = work_file(name);
	GError *err = NULL;
	if (!g_file_set_contents(path, (const char *)data, (gssize)len, &err))
		g_error("%s", err->message);
	return path;
}

/* From flows.pcap: a capture cut in the data of the first record that
 * starts past 150,000 bytes (at an odd offset), one cut in that record's
 * header, and 2,000 good records followed by garbage. */
static void
make_damaged(void)
{
	gchar *data = NULL;
	gsize len = 0;
	GError *err = NULL;
	if (!g_file_get_contents(flows_pcap, &data, &len, &err))
		g_error("%s", err->message);
	const guint8 *d = (const guint8 *)data;
	GArray *offs = record_offsets(d, len, 2001);
	g_assert_cmpuint(offs->len, ==, 2001);
	gsize at = 0;
	for (guint i = 0; i < offs->len && !at; i++)
		if (g_array_index(offs, gsize, i) > 150000)
			at = g_array_index(offs, gsize, i);
	g_assert_cmpuint(at, >, 0);
	gsize cut = at + 16 + 21;
	cut |= 1;
	cut_data_pcap = write_capture("cut-data.pcap", d, cut);
	cut_header_pcap = write_capture("cut-header.pcap", d, at + 7);

	gsize good = g_array_index(offs, gsize, 2000);
	GByteArray *g = g_byte_array_new();
	g_byte_array_append(g, d, (guint)good);
	GRand *rand = g_rand_new_with_seed(3);
	for (int i = 0; i < 4096; i++) {
		guint8 b = (guint8)g_rand_int_range(rand, 0, 256);
		g_byte_array_append(g, &b, 1);
	}
	g_rand_free(rand);
	garbage_pcap = write_capture("garbage.pcap", g->data, g->len);
	g_byte_array_unref(g);
	g_array_unref(offs);
	g_free(data);

	static const char text[] = "This is a text file, not a packet capture.\n";
	notcap_path = write_capture("not-a-capture.txt", (const guint8 *)text, sizeof text - 1);
}

static void
make_captures(void)
{
	gchar *flows = scaled("--flows", 5000), *syns = scaled("--count", 20000);
	gchar *probes = scaled("--count", 5000), *per_flow = scaled("--frames-per-flow", 250);
	flows_pcap = work_file("flows.pcap");
	syn_pcap = work_file("synflood.pcap");
	scan_pcap = work_file("udpscan.pcap");
	long_pcap = work_file("long.pcap");
	manyhost_pcap = work_file("manyhost.pcap");
	gchar *hosts = scaled("--hosts", 3000);
	benchgen(manyhost_pcap, (const char *const[]){ "--pattern=manyhost", hosts, "--servers=20",
	                                               "--seed=3", NULL });
	g_free(hosts);
	benchgen(flows_pcap, (const char *const[]){ flows, "--frames-per-flow=10", "--seed=7", NULL });
	benchgen(syn_pcap, (const char *const[]){ "--pattern=synflood", syns, NULL });
	benchgen(scan_pcap, (const char *const[]){ "--pattern=udpscan", probes, NULL });
	benchgen(long_pcap, (const char *const[]){ "--flows=40", per_flow, "--seed=7", NULL });
	g_free(flows);
	g_free(syns);
	g_free(probes);
	g_free(per_flow);
	make_damaged();
}

static gchar *
find_corpus(void)
{
	gchar *dir = g_build_filename(srcdir, "..", "shared", "corpus", NULL);
	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return dir;
	corpus_missing = dir;
	return NULL;
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
	under_valgrind = g_getenv("DEMUXSIM_VALGRIND_TOOL") != NULL;
	if (under_valgrind)
		all_ns = valgrind_ns;
	GError *err = NULL;
	workdir = g_dir_make_tmp("demuxsim-threads-XXXXXX", &err);
	if (!workdir)
		g_error("%s", err->message);
	make_captures();

	static const char *const formats[] = { "text", "jsonl", "json", "csv" };
	for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
		gchar *name = g_strconcat("/threads/identical/benchgen/", formats[i], NULL);
		g_test_add_data_func(name, formats[i], test_flows_format);
		g_free(name);
	}
	g_test_add_func("/threads/identical/benchgen/all-frames", test_flows_all_frames);
	g_test_add_func("/threads/identical/benchgen/max-sockets", test_flows_max_sockets);
	g_test_add_func("/threads/identical/benchgen/keep-bad-checksums", test_flows_keep_bad);
	g_test_add_func("/threads/identical/benchgen/no-reassembly", test_flows_no_reassembly);
	g_test_add_func("/threads/identical/benchgen/shard", test_flows_shard);
	g_test_add_func("/threads/identical/benchgen/report", test_long_report);
	g_test_add_func("/threads/identical/benchgen/dot", test_long_dot);
	g_test_add_func("/threads/identical/benchgen/svg", test_long_svg);
	g_test_add_func("/threads/identical/benchgen/64-threads", test_long_64);
	g_test_add_func("/threads/identical/synflood/text", test_synflood_text);
	g_test_add_func("/threads/identical/synflood/max-sockets", test_synflood_max_sockets);
	g_test_add_func("/threads/identical/udpscan/text-csv", test_udpscan_text);
	g_test_add_func("/threads/identical/udpscan/split", test_udpscan_split);
	g_test_add_func("/threads/identical/several-files", test_several_files);
	g_test_add_func("/threads/identical/manyhost", test_manyhost);
	g_test_add_func("/threads/identical/stdin", test_stdin);
	g_test_add_func("/threads/identical/declared", test_declared);
	g_test_add_func("/threads/shard/merge-mixed", test_shard_merge_mixed);
	g_test_add_func("/threads/damaged/cut-in-record", test_damaged_cut_data);
	g_test_add_func("/threads/damaged/cut-in-header", test_damaged_cut_header);
	g_test_add_func("/threads/damaged/garbage", test_damaged_garbage);
	g_test_add_func("/threads/damaged/stdin", test_damaged_stdin);
	g_test_add_func("/threads/damaged/among-good-files", test_damaged_among_good);
	g_test_add_func("/threads/damaged/not-a-capture", test_not_a_capture);
	static const char *const bad[] = { "0", "-1", "65", "x" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		gchar *name = g_strconcat("/threads/usage/", bad[i], NULL);
		g_test_add_data_func(name, bad[i], test_usage);
		g_free(name);
	}

	GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
	gchar *captures = g_build_filename(srcdir, "captures", NULL);
	add_capture_tests(captures, "captures", paths);
	g_free(captures);
	gchar *corpus = find_corpus();
	if (corpus)
		add_capture_tests(corpus, "corpus", paths);
	else
		g_test_add_func("/threads/corpus/skipped", test_corpus_skipped);

	int rc = g_test_run();

	tr_remove_tree(workdir);
	g_ptr_array_unref(paths);
	g_free(corpus);
	g_free((gchar *)corpus_missing);
	g_free(flows_pcap);
	g_free(syn_pcap);
	g_free(scan_pcap);
	g_free(long_pcap);
	g_free(manyhost_pcap);
	g_free(cut_data_pcap);
	g_free(cut_header_pcap);
	g_free(garbage_pcap);
	g_free(notcap_path);
	g_free(workdir);
	g_free(srcdir);
	g_free(benchgen_path);
	g_free(tool_path);
	return rc;
}
