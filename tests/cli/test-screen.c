/* test-screen.c - what a person at a terminal sees, run on a
 * pseudo-terminal: the text report cut to the busiest hosts and sockets
 * (every host when it goes to a pipe or with --hosts all), and the
 * progress line on standard error (never when it is not a terminal, or
 * with --no-progress).
 */
#define _XOPEN_SOURCE 600
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testrun.h"

static tr_paths paths;

/* demuxsim @args with standard output and error on one pseudo-terminal;
 * what it wrote, carriage returns kept (g_free it); *@status: its exit
 * status. */
static gchar *
run_tty(const char *const *args, int *status)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	g_assert_cmpint(master, >=, 0);
	g_assert_cmpint(grantpt(master), ==, 0);
	g_assert_cmpint(unlockpt(master), ==, 0);
	gchar *slave_name = g_strdup(ptsname(master));
	GPtrArray *argv = tr_argv(paths.tool, args);
	pid_t pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		setsid();
		int slave = open(slave_name, O_RDWR);
		int null = open("/dev/null", O_RDONLY);
		if (slave < 0 || null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		execv(paths.tool, (char **)argv->pdata);
		_exit(127);
	}
	GString *out = g_string_new(NULL);
	char buf[4096];
	for (;;) {
		ssize_t n = read(master, buf, sizeof buf);
		if (n > 0)
			g_string_append_len(out, buf, n);
		else if (n < 0 && errno == EINTR)
			continue;
		else
			break;  /* EIO: the other side is closed */
	}
	int ws;
	g_assert_cmpint(waitpid(pid, &ws, 0), ==, pid);
	*status = tr_exit_status(ws);
	close(master);
	g_ptr_array_unref(argv);
	g_free(slave_name);
	return g_string_free(out, FALSE);
}

static guint
count(const char *text, const char *what)
{
	guint n = 0;
	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* On a terminal, the 12 hosts of demux.pcap become the 10 busiest, the
 * busiest first, and a line says 2 were left out. */
static void
test_compact_terminal(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap");
	int st;
	gchar *out = run_tty((const char *const[]){ "-q", cap, NULL }, &st);
	g_assert_cmpint(st, ==, 0);
	g_assert_cmpuint(count(out, "\nHost "), ==, 10);
	g_assert_nonnull(strstr(out, "The 10 busiest hosts of 12"));
	g_assert_nonnull(strstr(out, "... 2 more hosts left out (--hosts all"));
	/* 10.0.0.8 (a listener and 4 connections, 22 segments) comes first */
	const char *first = strstr(out, "\nHost ");
	g_assert_true(g_str_has_prefix(first, "\nHost 10.0.0.8\r\n"));
	/* the totals are all there */
	g_assert_nonnull(strstr(out, "93 frames"));
	g_free(out);

	/* --hosts all: every host, in address order, as on a pipe */
	out = run_tty((const char *const[]){ "-q", "--hosts", "all", cap, NULL }, &st);
	g_assert_cmpint(st, ==, 0);
	g_assert_cmpuint(count(out, "\nHost "), ==, 12);
	g_assert_null(strstr(out, "left out"));
	g_free(out);
	g_free(cap);
}

/* To a pipe the report keeps every host; --hosts N cuts it there too,
 * sockets included. */
static void
test_full_pipe(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap");
	gchar *out = NULL, *err = NULL;
	int st = tr_run(NULL, paths.tool, (const char *const[]){ "-q", cap, NULL }, &out, &err);
	g_assert_cmpint(st, ==, 0);
	g_assert_cmpuint(count(out, "\nHost "), ==, 12);
	g_assert_null(strstr(out, "left out"));
	g_free(out);
	g_free(err);

	st = tr_run(NULL, paths.tool, (const char *const[]){ "-q", "--hosts", "1", cap, NULL },
	            &out, &err);
	g_assert_cmpint(st, ==, 0);
	g_assert_cmpuint(count(out, "\nHost "), ==, 1);
	g_assert_nonnull(strstr(out, "\nHost 10.0.0.8\n  Netid"));
	g_assert_cmpuint(count(out, "tcp "), ==, 1);  /* the listener, one row */
	g_assert_nonnull(strstr(out, "... 4 more sockets (--hosts all"));
	g_assert_nonnull(strstr(out, "... 11 more hosts left out"));
	g_free(out);
	g_free(err);

	st = tr_run(NULL, paths.tool, (const char *const[]){ "-q", "--hosts", "0", cap, NULL },
	            &out, &err);
	g_assert_cmpint(st, ==, 2);
	g_assert_nonnull(strstr(err, "--hosts: '0'"));
	g_free(out);
	g_free(err);
	g_free(cap);
}

/* Reading a 1,000,000-frame file on a terminal: the progress line (the
 * file, frames, percent, rate) redrawn in place and erased before the
 * report; the HTML page's writing named while it runs; none of it with
 * --no-progress, or when standard error is not a terminal. */
static void
test_progress(void)
{
	if (g_getenv("DEMUXSIM_VALGRIND_TOOL") || g_getenv("ASAN_OPTIONS")) {
		g_test_skip("under valgrind or the sanitizers a million frames take minutes");
		return;
	}
	gchar *dir = g_dir_make_tmp("demuxsim-screen-XXXXXX", NULL);
	gchar *cap = g_build_filename(dir, "big.pcap", NULL);
	gchar *html = g_build_filename(dir, "big.html", NULL);
	gchar *outarg = g_strdup_printf("--out=%s", cap);
	gchar *out = NULL, *err = NULL;
	int st = tr_run(NULL, paths.benchgen, (const char *const[]){ "--flows=100000",
	                "--frames-per-flow=10", "--seed=1", "--limit=1000000", outarg, NULL },
	                &out, &err);
	g_assert_cmpint(st, ==, 0);
	g_free(out);
	g_free(err);

	out = run_tty((const char *const[]){ "-q", "--report", html, cap, NULL }, &st);
	g_assert_cmpint(st, ==, 0);
	gchar *line = g_strdup_printf("\r%s: ", cap);
	const char *p = strstr(out, line);
	g_assert_nonnull(p);
	g_assert_nonnull(strstr(p, " frames, "));
	g_assert_nonnull(strstr(p, "%, "));
	g_assert_nonnull(strstr(p, "frames/s"));
	g_assert_nonnull(strstr(out, "\rwriting the HTML report "));
	/* erased before the report's first line */
	const char *report = strstr(out, "1000000 frames");
	g_assert_nonnull(report);
	g_assert_nonnull(g_strrstr_len(out, report - out, "\r\033[K"));
	g_assert_null(strstr(report, "\033[K"));   /* nothing drawn into it */
	g_free(out);

	out = run_tty((const char *const[]){ "-q", "--no-progress", cap, NULL }, &st);
	g_assert_cmpint(st, ==, 0);
	g_assert_null(strstr(out, "\033[K"));
	g_assert_null(strstr(out, line));
	g_free(out);

	st = tr_run(NULL, paths.tool, (const char *const[]){ "-q", cap, NULL }, &out, &err);
	g_assert_cmpint(st, ==, 0);
	g_assert_cmpstr(err, ==, "");
	g_free(out);
	g_free(err);
	g_free(line);
	g_free(outarg);
	g_free(html);
	g_free(cap);
	tr_remove_tree(dir);
	g_free(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	g_test_add_func("/screen/summary/terminal-compact", test_compact_terminal);
	g_test_add_func("/screen/summary/pipe-full", test_full_pipe);
	g_test_add_func("/screen/progress/file", test_progress);
	int rc = g_test_run();
	tr_paths_clear(&paths);
	return rc;
}
