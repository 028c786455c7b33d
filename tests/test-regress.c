/* test-regress.c - every capture in $top_srcdir/tests/regress (inputs that
 * once crashed demuxsim or a fuzz target, and damaged files kept as
 * examples) runs through the command line ($DEMUXSIM) in each output
 * format: it must exit normally with status 0 (done) or 1 (input error),
 * with nothing on stderr for 0 and exactly one "demuxsim: FILE: ..." line
 * for 1, and no sanitizer report.
 *
 *   /regress/<file>/<format>
 */
#include <glib.h>
#include <string.h>
#include <sys/wait.h>

static gchar *tool_path;
static gchar *srcdir;
static gchar **child_env;

typedef struct {
	gchar *file;      /* relative to the source tree */
	const char *format;
} regress_case;

static void
test_capture(gconstpointer data)
{
	const regress_case *c = data;
	const char *argv[] = { tool_path, "--all-frames", "--format", c->format, c->file, NULL };
	gchar *out = NULL, *err = NULL;
	GError *error = NULL;
	int ws = 0;

	g_test_message("$ demuxsim --all-frames --format %s %s", c->format, c->file);
	if (!g_spawn_sync(srcdir, (gchar **)argv, child_env, G_SPAWN_DEFAULT, NULL, NULL,
	                  &out, &err, &ws, &error)) {
		g_test_message("cannot run %s: %s", tool_path, error->message);
		g_test_fail();
		g_error_free(error);
		return;
	}
	if (!WIFEXITED(ws)) {
		g_test_message("killed by signal %d; stderr:\n%s",
		               WIFSIGNALED(ws) ? WTERMSIG(ws) : 0, err);
		g_test_fail();
	} else {
		int status = WEXITSTATUS(ws);
		if (status != 0 && status != 1) {
			g_test_message("exit status %d; stderr:\n%s", status, err);
			g_test_fail();
		}
		gchar *prefix = g_strdup_printf("demuxsim: %s: ", c->file);
		gboolean one_line = g_str_has_prefix(err, prefix) && g_str_has_suffix(err, "\n") &&
		                    strchr(err, '\n') == err + strlen(err) - 1;
		if (status == 0 ? *err != '\0' : !one_line) {
			g_test_message("exit status %d with stderr:\n%s", status, err);
			g_test_fail();
		}
		g_free(prefix);
	}
	if (strstr(err, "Sanitizer") || strstr(err, "runtime error:")) {
		g_test_message("sanitizer report:\n%s", err);
		g_test_fail();
	}
	/* Whatever was read is reported. */
	if (strcmp(c->format, "json") == 0 && !g_str_has_prefix(out, "{")) {
		g_test_message("no JSON report:\n%s", out);
		g_test_fail();
	}
	g_free(out);
	g_free(err);
}

static void
test_none(void)
{
	g_test_message("no capture in tests/regress");
	g_test_fail();
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
main(int argc, char **argv)
{
	static const char *const formats[] = { "text", "jsonl", "json", "csv" };

	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	const char *env_tool = g_getenv("DEMUXSIM");
	const char *env_src = g_getenv("top_srcdir");
	tool_path = g_canonicalize_filename(env_tool && *env_tool ? env_tool : "../src/demuxsim",
	                                    NULL);
	srcdir = g_canonicalize_filename(env_src && *env_src ? env_src : "..", NULL);
	child_env = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);

	gchar *dir = g_build_filename(srcdir, "tests", "regress", NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	while (d && (n = g_dir_read_name(d)))
		if (g_str_has_suffix(n, ".pcap") || g_str_has_suffix(n, ".pcapng"))
			g_ptr_array_add(names, g_strdup(n));
	if (d)
		g_dir_close(d);
	g_ptr_array_sort(names, compare_names);

	GPtrArray *cases = g_ptr_array_new();
	for (guint i = 0; i < names->len; i++) {
		for (gsize f = 0; f < G_N_ELEMENTS(formats); f++) {
			regress_case *c = g_new(regress_case, 1);
			c->file = g_build_filename("tests", "regress", g_ptr_array_index(names, i), NULL);
			c->format = formats[f];
			gchar *path = g_strdup_printf("/regress/%s/%s",
			                              (char *)g_ptr_array_index(names, i), formats[f]);
			g_test_add_data_func(path, c, test_capture);
			g_ptr_array_add(cases, c);
			g_free(path);
		}
	}
	if (names->len == 0)
		g_test_add_func("/regress/none-found", test_none);

	int status = g_test_run();

	for (guint i = 0; i < cases->len; i++) {
		regress_case *c = g_ptr_array_index(cases, i);
		g_free(c->file);
		g_free(c);
	}
	g_ptr_array_unref(cases);
	g_ptr_array_unref(names);
	g_free(dir);
	g_strfreev(child_env);
	g_free(srcdir);
	g_free(tool_path);
	return status;
}
