/* testrun.h - what the tests that run the built tool share: where the
 * tool, the benchmark generator and the source tree are (from automake's
 * test environment: DEMUXSIM, top_builddir, top_srcdir; relative to
 * tests/ otherwise), and removing the directories they work in.
 *
 * Everything is static inline so each test program uses what it needs.
 */
#ifndef DEMUXSIM_TESTRUN_H
#define DEMUXSIM_TESTRUN_H

#include <glib.h>
#include <glib/gstdio.h>

typedef struct {
	gchar *tool;        /* src/demuxsim */
	gchar *benchgen;    /* bench/benchgen */
	gchar *srcdir;      /* the source tree */
} tr_paths;

/* The paths, absolute; tr_paths_clear() frees them. */
static inline tr_paths
tr_paths_get(void)
{
	const char *tool = g_getenv("DEMUXSIM");
	const char *builddir = g_getenv("top_builddir");
	const char *srcdir = g_getenv("top_srcdir");
	tr_paths p;

	p.tool = g_canonicalize_filename(tool && *tool ? tool : "../src/demuxsim", NULL);
	gchar *bg = g_build_filename(builddir && *builddir ? builddir : "..", "bench",
	                             "benchgen", NULL);
	p.benchgen = g_canonicalize_filename(bg, NULL);
	g_free(bg);
	p.srcdir = g_canonicalize_filename(srcdir && *srcdir ? srcdir : "..", NULL);
	return p;
}

static inline void
tr_paths_clear(tr_paths *p)
{
	g_free(p->tool);
	g_free(p->benchgen);
	g_free(p->srcdir);
}

/* Remove @path: a file, or a directory and everything under it (symbolic
 * links are removed, not followed). */
static inline void
tr_remove_tree(const char *path)
{
	if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		GDir *d = g_dir_open(path, 0, NULL);
		const char *n;
		while (d && (n = g_dir_read_name(d))) {
			gchar *p = g_build_filename(path, n, NULL);
			tr_remove_tree(p);
			g_free(p);
		}
		if (d)
			g_dir_close(d);
		g_rmdir(path);
	} else {
		g_unlink(path);
	}
}

#endif /* DEMUXSIM_TESTRUN_H */
