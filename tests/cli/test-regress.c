/* test-regress.c - every capture in $top_srcdir/tests/regress (inputs that
 * once crashed demuxsim or a fuzz target, and damaged files kept as
 * examples) runs through the command line ($DEMUXSIM) in each output
 * format: it must exit normally with status 0 (done) or 1 (input error),
 * with nothing on stderr for 0 and exactly one "demuxsim: FILE: ..." line
 * for 1, and no sanitizer report.  A sidecar NAME.args beside a capture
 * NAME.pcap (or NAME.pcapng) holds options added before the file name,
 * whitespace-separated (one a line, say).
 *
 *   /regress/<file>/<format>
 */
#include <glib.h>
#include <string.h>
#include <sys/wait.h>

#include "testrun.h"

static gchar *tool_path;
static gchar *srcdir;
static gchar **child_env;

typedef struct {
	gchar *file;      /* relative to the source tree */
	const char *format;
	gchar **args;     /* from the .args sidecar (NULL-terminated) */
} regress_case;

/* The options of the sidecar of capture @name in @dir: a NULL-terminated
 * vector, empty when there is no NAME.args. */
static gchar **
sidecar_args(const char *dir, const char *name)
{
	const char *dot = strrchr(name, '.');
	gchar *base = g_strndup(name, (gsize)(dot - name));
	gchar *path = g_strdup_printf("%s/%s.args", dir, base);
	gchar *text = NULL;
	GPtrArray *v = g_ptr_array_new();

	if (g_file_get_contents(path, &text, NULL, NULL)) {
		gchar **words = g_strsplit_set(text, " \t\r\n", -1);
		for (gchar **w = words; *w; w++)
			if (**w)
				g_ptr_array_add(v, g_strdup(*w));
		g_strfreev(words);
	}
	g_ptr_array_add(v, NULL);
	g_free(text);
	g_free(path);
	g_free(base);
	return (gchar **)g_ptr_array_free(v, FALSE);
}

static void
test_capture(gconstpointer data)
{
	const regress_case *c = data;
	const char *fixed[] = { "--all-frames", "--format", c->format };
	GPtrArray *argv = g_ptr_array_new();
	gchar *out = NULL, *err = NULL;
	GError *error = NULL;
	int ws = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(fixed); i++)
		g_ptr_array_add(argv, (gpointer)fixed[i]);
	for (gchar **a = c->args; *a; a++)
		g_ptr_array_add(argv, *a);
	g_ptr_array_add(argv, c->file);
	g_ptr_array_add(argv, NULL);
	gchar *extra = g_strjoinv(" ", c->args);
	g_test_message("$ demuxsim --all-frames --format %s %s%s%s", c->format, extra,
	               *extra ? " " : "", c->file);
	g_free(extra);
	gboolean ran = tr_spawn(srcdir, child_env, tool_path, (const char *const *)argv->pdata,
	                        &out, &err, &ws, &error);
	g_ptr_array_unref(argv);
	if (!ran) {
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
	tr_paths where = tr_paths_get();
	tool_path = where.tool;
	srcdir = where.srcdir;
	g_free(where.benchgen);
	g_free(where.builddir);
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
			c->args = sidecar_args(dir, g_ptr_array_index(names, i));
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
		g_strfreev(c->args);
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
