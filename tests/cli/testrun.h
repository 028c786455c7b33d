/* testrun.h - what the tests that run the built tool share: where the
 * tool, the generators, the source and the build tree are (from automake's
 * test environment: DEMUXSIM, top_builddir, top_srcdir; relative to
 * tests/cli/ otherwise), running a program and collecting what it wrote,
 * and removing the directories they work in.
 *
 * Everything is static inline so each test program uses what it needs.
 */
#ifndef DEMUXSIM_TESTRUN_H
#define DEMUXSIM_TESTRUN_H

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/wait.h>

typedef struct {
	gchar *tool;        /* src/demuxsim */
	gchar *benchgen;    /* tests/gen/benchgen */
	gchar *srcdir;      /* the source tree */
	gchar *builddir;    /* the build tree */
} tr_paths;

/* $@name, or @fallback (relative to tests/cli/ in the build tree) when
 * unset or empty; absolute and canonical. */
static inline gchar *
tr_env_path(const char *name, const char *fallback)
{
	const char *v = g_getenv(name);
	return g_canonicalize_filename(v && *v ? v : fallback, NULL);
}

/* The paths, absolute; tr_paths_clear() frees them. */
static inline tr_paths
tr_paths_get(void)
{
	tr_paths p;

	p.tool = tr_env_path("DEMUXSIM", "../../src/demuxsim");
	p.srcdir = tr_env_path("top_srcdir", "../..");
	p.builddir = tr_env_path("top_builddir", "../..");
	p.benchgen = g_build_filename(p.builddir, "tests", "gen", "benchgen", NULL);
	return p;
}

static inline void
tr_paths_clear(tr_paths *p)
{
	g_free(p->tool);
	g_free(p->benchgen);
	g_free(p->srcdir);
	g_free(p->builddir);
}

/* The generator @name of tests/gen in the build tree of @p (g_free it). */
static inline gchar *
tr_gen_path(const tr_paths *p, const char *name)
{
	return g_build_filename(p->builddir, "tests", "gen", name, NULL);
}

/* @prog followed by @args (NULL-terminated) as a NULL-terminated argument
 * vector of borrowed strings; g_ptr_array_unref() it. */
static inline GPtrArray *
tr_argv(const char *prog, const char *const *args)
{
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, (gpointer)prog);
	for (const char *const *p = args; p && *p; p++)
		g_ptr_array_add(a, (gpointer)*p);
	g_ptr_array_add(a, NULL);
	return a;
}

/* The exit status in @wait_status, -1 when the program did not exit. */
static inline int
tr_exit_status(int wait_status)
{
	return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

/* Run @prog with @args (NULL-terminated) in @cwd (NULL: here), with
 * environment @env (NULL: this process's), standard input /dev/null; its
 * standard output and error go to *@out and *@err (a NULL pointer: they
 * are discarded), its wait status to *@wait_status.  FALSE, with @error
 * set, when it could not be run. */
static inline gboolean
tr_spawn(const char *cwd, gchar **env, const char *prog, const char *const *args,
         gchar **out, gchar **err, int *wait_status, GError **error)
{
	GPtrArray *a = tr_argv(prog, args);
	GSpawnFlags flags = G_SPAWN_DEFAULT;
	if (!out)
		flags |= G_SPAWN_STDOUT_TO_DEV_NULL;
	if (!err)
		flags |= G_SPAWN_STDERR_TO_DEV_NULL;
	gboolean ok = g_spawn_sync(cwd, (gchar **)a->pdata, env, flags, NULL, NULL, out, err,
	                           wait_status, error);
	g_ptr_array_unref(a);
	return ok;
}

/* tr_spawn() in @cwd with this process's environment; returns the exit
 * status (-1 when it did not exit) and ends the test program when the
 * program cannot be run. */
static inline int
tr_run(const char *cwd, const char *prog, const char *const *args, gchar **out, gchar **err)
{
	GError *error = NULL;
	int ws = 0;
	if (!tr_spawn(cwd, NULL, prog, args, out, err, &ws, &error))
		g_error("cannot run %s: %s", prog, error->message);
	return tr_exit_status(ws);
}

/* @prog with @args, which must exit with status 0 (its standard error is
 * shown otherwise); its standard output (g_free it). */
static inline gchar *
tr_run_ok(const char *prog, const char *const *args)
{
	gchar *out = NULL, *err = NULL;
	int st = tr_run(NULL, prog, args, &out, &err);
	if (st != 0)
		g_test_message("%s exit status %d, stderr: %s", prog, st, err);
	g_assert_cmpint(st, ==, 0);
	g_free(err);
	return out;
}

/* The path of captures/@name in the source tree (g_free it). */
static inline gchar *
tr_capture(const tr_paths *p, const char *name)
{
	return g_build_filename(p->srcdir, "captures", name, NULL);
}

/* @prog with @args, which must exit with status @want (its standard error
 * is shown otherwise); its standard output (g_free it), and its standard
 * error into *@err_out when asked. */
static inline gchar *
tr_run_status(const char *prog, const char *const *args, int want, gchar **err_out)
{
	gchar *out = NULL, *err = NULL;
	int st = tr_run(NULL, prog, args, &out, &err);
	if (st != want)
		g_test_message("%s exit status %d, stderr: %s", prog, st, err);
	g_assert_cmpint(st, ==, want);
	if (err_out)
		*err_out = err;
	else
		g_free(err);
	return out;
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
