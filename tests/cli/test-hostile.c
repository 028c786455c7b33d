/* test-hostile.c - the command line ($DEMUXSIM) on a few hundred damaged
 * captures that tests/gen/genhostile writes from a fixed seed (length lies in
 * every header, IPv6 extension header chains, floods of fragments,
 * mutated frames and files; pcap and pcapng), in every output mode: each
 * run must exit normally with status 0 (done, nothing on stderr) or 1
 * (input error, exactly one "demuxsim: FILE: ..." line), within a minute,
 * with no sanitizer report.
 *
 *   /hostile/<capture>/<mode>
 *
 * The runs are made ahead, on as many threads as there are processors
 * (at most 4), in the order the tests then check them.
 * DEMUXSIM_HOSTILE_SEED picks another seed.  Under valgrind
 * (DEMUXSIM_VALGRIND_TOOL set) every 40th capture runs.
 */
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testrun.h"

static gchar *tool_path;
static gchar *workdir;
static gchar **child_env;
static gboolean under_valgrind;

typedef struct {
	const char *name;
	const char *args[8];   /* before the capture; "@" is a path in the work dir */
} mode;

static const mode modes[] = {
	{ "text", { "--all-frames", NULL } },
	{ "json", { "--format", "json", NULL } },
	{ "jsonl", { "--format", "jsonl", "--all-frames", NULL } },
	{ "csv", { "--format", "csv", NULL } },
	{ "quiet", { "-q", NULL } },
	{ "report", { "-q", "--report", "@report.html", NULL } },
	{ "split", { "-q", "--split", "@split", NULL } },
	{ "threads2", { "--threads", "2", "--all-frames", NULL } },
	{ "limits", { "--reasm-memory", "1000", "--max-sockets", "4", "--max-memory", "64K",
	              "--all-frames", NULL } },
};

typedef struct {
	gchar *file;
	const mode *m;
	guint index;
	/* The run, once done is set (under lock). */
	gchar *command, *err;
	int ws;
	gboolean done;
} hostile_case;

static GMutex lock;
static GCond ran;

static void
child_setup(gpointer data)
{
	(void)data;
	alarm(under_valgrind ? 900 : 60);  /* a hang ends as SIGALRM */
}

/* What is wrong with a run that ended with wait status @ws and wrote
 * @err, or NULL. */
static gchar *
judge(const char *file, int ws, const char *err)
{
	if (!WIFEXITED(ws))
		return g_strdup_printf("killed by signal %d", WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
	int status = WEXITSTATUS(ws);
	if (status != 0 && status != 1)
		return g_strdup_printf("exit status %d", status);
	if (strstr(err, "Sanitizer") || strstr(err, "runtime error:"))
		return g_strdup("a sanitizer report");
	gchar *prefix = g_strdup_printf("demuxsim: %s: ", file);
	gboolean one_line = g_str_has_prefix(err, prefix) && g_str_has_suffix(err, "\n") &&
	                    strchr(err, '\n') == err + strlen(err) - 1;
	g_free(prefix);
	if (status == 0 ? *err != '\0' : !one_line)
		return g_strdup_printf("exit status %d with that on stderr", status);
	return NULL;
}

/* A path in the work directory for @c's run ("@name" in a mode). */
static gchar *
work_path(const hostile_case *c, const char *name)
{
	gchar *base = g_strdup_printf("%u-%s", c->index, name);
	gchar *path = g_build_filename(workdir, base, NULL);
	g_free(base);
	return path;
}

/* Run @c's command (on a pool thread). */
static void
run_case(gpointer data, gpointer user_data)
{
	hostile_case *c = data;
	(void)user_data;
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, g_strdup(tool_path));
	for (const char *const *a = c->m->args; *a; a++)
		g_ptr_array_add(argv, **a == '@' ? work_path(c, *a + 1) : g_strdup(*a));
	g_ptr_array_add(argv, g_strdup(c->file));
	g_ptr_array_add(argv, NULL);
	gchar *in = g_build_filename(workdir, "in", NULL);
	gchar *err = NULL;
	GError *error = NULL;
	int ws = 0;
	if (!g_spawn_sync(in, (gchar **)argv->pdata, child_env, G_SPAWN_STDOUT_TO_DEV_NULL,
	                  child_setup, NULL, NULL, &err, &ws, &error))
		g_error("cannot run %s: %s", tool_path, error->message);
	for (const char *const *a = c->m->args; *a; a++) {
		if (**a == '@') {
			gchar *p = work_path(c, *a + 1);
			tr_remove_tree(p);
			g_free(p);
		}
	}
	g_mutex_lock(&lock);
	c->command = g_strjoinv(" ", (gchar **)argv->pdata + 1);
	c->err = err;
	c->ws = ws;
	c->done = TRUE;
	g_cond_broadcast(&ran);
	g_mutex_unlock(&lock);
	g_free(in);
	g_ptr_array_unref(argv);
}

static void
test_hostile(gconstpointer data)
{
	const hostile_case *c = data;
	g_mutex_lock(&lock);
	while (!c->done)
		g_cond_wait(&ran, &lock);
	g_mutex_unlock(&lock);

	g_test_message("$ demuxsim %s", c->command);
	gchar *wrong = judge(c->file, c->ws, c->err);
	if (wrong) {
		g_test_message("%s: %s; stderr:\n%s", c->command, wrong, c->err);
		g_test_fail();
	}
	g_free(wrong);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Write the captures into @dir with tests/gen/genhostile; their names, sorted. */
static GPtrArray *
generate(const char *dir)
{
	const char *seed = g_getenv("DEMUXSIM_HOSTILE_SEED");
	tr_paths where = tr_paths_get();
	gchar *gen = tr_gen_path(&where, "genhostile");
	tr_paths_clear(&where);
	const char *argv[] = { gen, dir, seed && *seed ? seed : NULL, NULL };
	gchar *err = NULL;
	int ws = 0;
	GError *error = NULL;
	if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
	                  NULL, &err, &ws, &error) || !g_spawn_check_wait_status(ws, &error))
		g_error("%s: %s %s", gen, error->message, err ? err : "");
	g_free(err);
	g_free(gen);

	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	while (d && (n = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(n));
	if (d)
		g_dir_close(d);
	g_ptr_array_sort(names, compare_names);
	return names;
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	signal(SIGPIPE, SIG_IGN);

	tr_paths where = tr_paths_get();
	tool_path = g_strdup(where.tool);
	tr_paths_clear(&where);
	under_valgrind = g_getenv("DEMUXSIM_VALGRIND_TOOL") != NULL;
	child_env = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);
	GError *err = NULL;
	workdir = g_dir_make_tmp("demuxsim-hostile-XXXXXX", &err);
	if (!workdir)
		g_error("%s", err->message);
	gchar *in = g_build_filename(workdir, "in", NULL);
	GPtrArray *names = generate(in);
	g_free(in);

	GPtrArray *cases = g_ptr_array_new();
	for (guint i = 0; i < names->len; i++) {
		if (under_valgrind && i % 40 != 0)
			continue;
		for (gsize m = 0; m < G_N_ELEMENTS(modes); m++) {
			hostile_case *c = g_new0(hostile_case, 1);
			c->file = g_ptr_array_index(names, i);
			c->m = &modes[m];
			c->index = cases->len;
			gchar *path = g_strdup_printf("/hostile/%s/%s", c->file, modes[m].name);
			g_test_add_data_func(path, c, test_hostile);
			g_ptr_array_add(cases, c);
			g_free(path);
		}
	}

	GThreadPool *pool = g_thread_pool_new(run_case, NULL,
	                                      (gint)CLAMP(g_get_num_processors(), 1, 4), TRUE, NULL);
	for (guint i = 0; i < cases->len; i++)
		g_thread_pool_push(pool, g_ptr_array_index(cases, i), NULL);

	int status = g_test_run();

	g_thread_pool_free(pool, TRUE, TRUE);
	for (guint i = 0; i < cases->len; i++) {
		hostile_case *c = g_ptr_array_index(cases, i);
		g_free(c->command);
		g_free(c->err);
		g_free(c);
	}
	g_ptr_array_unref(cases);
	g_ptr_array_unref(names);
	tr_remove_tree(workdir);
	g_free(workdir);
	g_strfreev(child_env);
	g_free(tool_path);
	return status;
}
