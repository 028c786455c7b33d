/* test-habits.c - what people coming from tcpdump type, run as they type
 * it: -n and -nn (accepted: nothing is ever resolved), -c N on files,
 * --version naming the libraries.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "testrun.h"

static tr_paths paths;

/* demuxsim @args: its standard output (g_free it), exit status @want. */
static gchar *
run_status(const char *const *args, int want)
{
	gchar *out = NULL, *err = NULL;
	int st = tr_run(NULL, paths.tool, args, &out, &err);
	if (st != want)
		g_test_message("stderr: %s", err);
	g_assert_cmpint(st, ==, want);
	g_free(err);
	return out;
}

static guint
lines(const char *text)
{
	guint n = 0;
	for (const char *p = text; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* -n and -nn change nothing: names are never looked up. */
static void
test_numeric(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap");
	gchar *plain = run_status((const char *const[]){ cap, NULL }, 0);
	const char *forms[] = { "-n", "-nn" };
	for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
		gchar *out = run_status((const char *const[]){ forms[i], cap, NULL }, 0);
		g_assert_cmpstr(out, ==, plain);
		g_free(out);
	}
	g_free(plain);
	g_free(cap);
}

/* --version: demuxsim's, libpcap's and GLib's. */
static void
test_version(void)
{
	gchar *out = run_status((const char *const[]){ "--version", NULL }, 0);
	g_assert_true(g_str_has_prefix(out, "demuxsim " PACKAGE_VERSION "\n"));
	g_assert_nonnull(strstr(out, "libpcap version "));
	g_assert_nonnull(strstr(out, "GLib version "));
	g_free(out);
}

/* -c N reading files: the first N frames, across the files, as if the
 * capture ended there (evidence after them included in neither pass). */
static void
test_count_files(void)
{
	gchar *a = tr_capture(&paths, "checksums.pcap"), *b = tr_capture(&paths, "ipv4.pcap");
	gchar *out = run_status((const char *const[]){ "-c", "3", "-r", a, "--format", "jsonl",
	                                               NULL }, 0);
	g_assert_cmpuint(lines(out), ==, 3);
	g_assert_nonnull(strstr(out, "{\"frame\":3,"));
	g_free(out);
	out = run_status((const char *const[]){ "-c", "40", "-q", "--format", "json", a, b,
	                                        NULL }, 0);
	g_assert_nonnull(strstr(out, "\"frames\": 40,"));
	gchar *two = run_status((const char *const[]){ "--two-pass", "-c", "40", "-q",
	                                               "--format", "json", a, b, NULL }, 0);
	g_assert_cmpstr(out, ==, two);
	g_free(two);
	g_free(out);
	/* More than there are: all of them. */
	out = run_status((const char *const[]){ "-c", "100000", "-q", "--format", "json", a,
	                                        NULL }, 0);
	gchar *all = run_status((const char *const[]){ "-q", "--format", "json", a, NULL }, 0);
	g_assert_cmpstr(out, ==, all);
	g_free(all);
	g_free(out);
	g_free(a);
	g_free(b);
}

/* A negative -c: one line, usage status. */
static void
test_count_bad(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap");
	gchar *out = NULL, *err = NULL;
	int st = tr_run(NULL, paths.tool, (const char *const[]){ "-c", "-2", cap, NULL }, &out,
	                &err);
	g_assert_cmpint(st, ==, 2);
	g_assert_cmpstr(out, ==, "");
	g_assert_nonnull(strstr(err, "-c"));
	g_assert_cmpuint(lines(err), ==, 1);
	g_free(out);
	g_free(err);
	g_free(cap);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	g_test_add_func("/habits/numeric", test_numeric);
	g_test_add_func("/habits/version", test_version);
	g_test_add_func("/habits/count/files", test_count_files);
	g_test_add_func("/habits/count/bad", test_count_bad);
	int rc = g_test_run();
	tr_paths_clear(&paths);
	return rc;
}
