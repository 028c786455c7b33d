/* chromium.h - headless Chromium for the tests that look at a page as a
 * browser draws it: finding the program, and running it on a URL with a
 * temporary profile (removed after) and one or two more arguments
 * (--dump-dom, --screenshot=FILE, --window-size=W,H).  A test skips, with
 * a message, when tc_find_chromium() finds none.
 *
 * Everything is static inline so each test program uses what it needs.
 */
#ifndef DEMUXSIM_TEST_CHROMIUM_H
#define DEMUXSIM_TEST_CHROMIUM_H

#include <glib.h>
#include <sys/wait.h>

/* Chromium's path in PATH (g_free it), or NULL. */
static inline gchar *
tc_find_chromium(void)
{
	static const char *const names[] = { "chromium", "chromium-browser", "google-chrome" };
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		gchar *p = g_find_program_in_path(names[i]);
		if (p)
			return p;
	}
	return NULL;
}

/* Run @argv (argv[0] looked up in PATH) in @cwd; *@out and *@err get
 * what it wrote.  Returns: its exit status, -1 when it did not exit or
 * could not be run (said in the test's log). */
static inline int
tc_run(const char *cwd, const char *const *argv, gchar **out, gchar **err)
{
	int wait_status = 0;
	GError *error = NULL;
	if (!g_spawn_sync(cwd, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err,
	                  &wait_status, &error)) {
		g_test_message("cannot run %s: %s", argv[0], error->message);
		g_error_free(error);
		return -1;
	}
	return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

/* Run Chromium @exe headless in @cwd on @url with @extra and @extra2 (or
 * NULL), at most 120 s; *@out gets its standard output (the DOM with
 * --dump-dom).  Returns: its exit status. */
static inline int
tc_chromium(const char *cwd, const char *exe, const char *url, const char *extra,
            const char *extra2, gchar **out)
{
	gchar *profile = g_dir_make_tmp("demuxsim-chromium-XXXXXX", NULL);
	gchar *user_dir = g_strconcat("--user-data-dir=", profile, NULL);
	gchar *err = NULL;
	const char *argv[] = {
		"timeout", "120", exe, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-quic", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", user_dir, extra, extra2, url, NULL,
	};
	if (!extra2) {
		argv[13] = url;
		argv[14] = NULL;
	}
	int rc = tc_run(cwd, argv, out, &err);
	if (rc != 0)
		g_test_message("chromium exit %d: %s", rc, err);
	g_free(err);
	const char *rm[] = { "rm", "-rf", profile, NULL };
	gchar *o = NULL, *e = NULL;
	tc_run(cwd, rm, &o, &e);
	g_free(o);
	g_free(e);
	g_free(user_dir);
	g_free(profile);
	return rc;
}

#endif /* DEMUXSIM_TEST_CHROMIUM_H */
