/* test-filter.c - BPF filters on capture files, as tcpdump users type
 * them (trailing words, -f), -r repeated, and a missing input, run as
 * users run the tool.
 */
#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "testrun.h"

static tr_paths paths;

/* demuxsim @args, exit status @want: see tr_run_status(). */
static gchar *
run_status(const char *const *args, int want, gchar **err_out)
{
	return tr_run_status(paths.tool, args, want, err_out);
}

static gchar *
run_ok(const char *const *args)
{
	return run_status(args, 0, NULL);
}

/* The frame numbers starting the trace lines of @text. */
static GArray *
frame_numbers(const char *text)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(guint64));
	gchar **l = g_strsplit(text, "\n", -1);
	for (gchar **p = l; *p && **p; p++) {
		char *end;
		guint64 n = g_ascii_strtoull(*p, &end, 10);
		if (end == *p || *end != ' ')
			break;  /* the report */
		g_array_append_val(a, n);
	}
	g_strfreev(l);
	return a;
}

/* The "frames" and "filtered" numbers of a JSON report. */
static void
json_counts(const char *out, guint64 *frames, guint64 *filtered)
{
	const char *f = strstr(out, "\"frames\": ");
	g_assert_nonnull(f);
	*frames = g_ascii_strtoull(f + 10, NULL, 10);
	const char *x = strstr(out, "\"filtered\": ");
	*filtered = x ? g_ascii_strtoull(x + 12, NULL, 10) : 0;
}

/* -r FILE udp: only UDP lines, with the capture's own frame numbers. */
static void
test_trailing_words(void)
{
	gchar *cap = tr_capture(&paths, "checksums.pcap");
	gchar *all = run_ok((const char *const[]){ "-r", cap, NULL });
	gchar *udp = run_ok((const char *const[]){ "-r", cap, "udp", NULL });
	GArray *na = frame_numbers(all), *nu = frame_numbers(udp);
	g_assert_cmpuint(nu->len, >, 0);
	g_assert_cmpuint(nu->len, <, na->len);
	gchar **ul = g_strsplit(udp, "\n", -1);
	for (guint i = 0; i < nu->len; i++) {
		g_assert_nonnull(strstr(ul[i], " UDP "));
		/* The same frame, by the same number, in the unfiltered run. */
		gchar *prefix = g_strdup_printf("\n%" G_GUINT64_FORMAT " ", g_array_index(nu, guint64, i));
		gchar *in_all = g_strconcat("\n", all, NULL);
		g_assert_nonnull(strstr(in_all, prefix));
		g_free(in_all);
		g_free(prefix);
	}
	g_strfreev(ul);
	/* Without -r: the leading existing file, then the filter. */
	gchar *plain = run_ok((const char *const[]){ cap, "udp", NULL });
	g_assert_cmpstr(plain, ==, udp);
	/* frames + filtered = every frame. */
	gchar *j = run_ok((const char *const[]){ "-q", "--format", "json", "-r", cap, "udp", NULL });
	gchar *ja = run_ok((const char *const[]){ "-q", "--format", "json", "-r", cap, NULL });
	guint64 fr, fi, fra, fia;
	json_counts(j, &fr, &fi);
	json_counts(ja, &fra, &fia);
	g_assert_cmpuint(fia, ==, 0);
	g_assert_cmpuint(fi, >, 0);
	g_assert_cmpuint(fr + fi, ==, fra);
	g_free(j);
	g_free(ja);
	g_free(plain);
	g_array_unref(na);
	g_array_unref(nu);
	g_free(all);
	g_free(udp);
	g_free(cap);
}

/* -f EXPR -r FILE: as the trailing words; both at once is refused. */
static void
test_dash_f(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap");
	gchar *w = run_ok((const char *const[]){ "-r", cap, "tcp", "port", "80", NULL });
	gchar *f = run_ok((const char *const[]){ "-f", "tcp port 80", "-r", cap, NULL });
	g_assert_cmpstr(w, ==, f);
	gchar *both = run_status((const char *const[]){ "-f", "udp", "-r", cap, "tcp", NULL }, 2, NULL);
	g_assert_cmpstr(both, ==, "");
	g_free(both);
	g_free(w);
	g_free(f);
	g_free(cap);
}

/* A filter libpcap cannot compile: one line, usage status, no output. */
static void
test_bad(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap");
	gchar *err = NULL;
	gchar *out = run_status((const char *const[]){ "-r", cap, "tcp", "port", NULL }, 2, &err);
	g_assert_cmpstr(out, ==, "");
	g_assert_true(g_str_has_prefix(err, "demuxsim: bad filter \"tcp port\": "));
	g_assert_cmpuint(strlen(strchr(err, '\n')), ==, 1);
	g_free(err);
	g_free(out);
	g_free(cap);
}

/* --threads, --two-pass, --shard 0/1: the same lines. */
static void
test_threads_same(void)
{
	gchar *cap = tr_capture(&paths, "checksums.pcapng");
	gchar *one = run_ok((const char *const[]){ "-r", cap, "udp", NULL });
	const char *const forms[][3] = { { "--threads", "2", NULL }, { "--threads", "3", NULL },
	                                 { "--two-pass", NULL, NULL }, { "--shard", "0/1", NULL } };
	for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
		const char *args[6] = { forms[i][0], forms[i][1] ? forms[i][1] : "-r",
		                        forms[i][1] ? "-r" : cap, forms[i][1] ? cap : "udp",
		                        forms[i][1] ? "udp" : NULL, NULL };
		gchar *out = run_ok(args);
		if (forms[i][0][2] == 's') {   /* --shard: the trace lines */
			gchar *cut = strstr(out, "\n\n");
			gchar *cut1 = strstr(one, "\n\n");
			g_assert_nonnull(cut);
			g_assert_nonnull(cut1);
			g_assert_cmpint(cut - out, ==, cut1 - one);
			g_assert_cmpint(strncmp(out, one, (size_t)(cut - out)), ==, 0);
		} else {
			g_assert_cmpstr(out, ==, one);
		}
		g_free(out);
	}
	g_free(one);
	g_free(cap);
}

/* Standard input, read as it comes: the same lines as the file. */
static void
test_stdin(void)
{
	gchar *cap = tr_capture(&paths, "checksums.pcapng");
	gchar *want = run_ok((const char *const[]){ "-r", cap, "udp", NULL });
	gchar *q = g_shell_quote(cap), *t = g_shell_quote(paths.tool);
	gchar *cmd = g_strdup_printf("%s -r - udp < %s", t, q);
	gchar *out = NULL;
	int ws;
	g_assert_true(g_spawn_sync(NULL, (gchar *[]){ "/bin/sh", "-c", cmd, NULL }, NULL,
	                           G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &ws, NULL));
	g_assert_cmpint(tr_exit_status(ws), ==, 0);
	g_assert_cmpstr(out, ==, want);
	g_free(out);
	g_free(cmd);
	g_free(q);
	g_free(t);
	g_free(want);
	g_free(cap);
}

/* -r A -r B: both read, numbered across them. */
static void
test_read_repeated(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap");
	gchar *one = run_ok((const char *const[]){ "-q", "--format", "json", "-r", cap, NULL });
	gchar *two = run_ok((const char *const[]){ "-q", "--format", "json", "-r", cap,
	                                           "-r", cap, NULL });
	guint64 f1, x1, f2, x2;
	json_counts(one, &f1, &x1);
	json_counts(two, &f2, &x2);
	g_assert_cmpuint(f1, >, 0);
	g_assert_cmpuint(f2, ==, 2 * f1);
	/* Filtered: the second file's numbers go on from all of the first. */
	gchar *all = run_ok((const char *const[]){ "-r", cap, NULL });
	gchar *fl = run_ok((const char *const[]){ "-r", cap, "-r", cap, "udp", NULL });
	GArray *na = frame_numbers(all), *nf = frame_numbers(fl);
	guint64 last = g_array_index(nf, guint64, nf->len - 1);
	g_assert_cmpuint(last, >, f1);
	g_assert_cmpuint(last, <=, 2 * f1);
	g_array_unref(na);
	g_array_unref(nf);
	g_free(all);
	g_free(fl);
	g_free(one);
	g_free(two);
	g_free(cap);
}

/* A missing input: its error, no report (as tcpdump); a missing path
 * among the words is a file, not a filter. */
static void
test_missing_no_report(void)
{
	const char *forms[][4] = { { "-r", "nosuch.pcap", NULL }, { "nosuch.pcap", NULL },
	                           { "nosuch.pcap", "udp", NULL },
	                           { "--format", "json", "-r", "dir/nosuch" } };
	for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
		const char *args[5] = { forms[i][0], forms[i][1], forms[i][2], forms[i][3], NULL };
		gchar *err = NULL;
		gchar *out = run_status(args, 1, &err);
		g_assert_cmpstr(out, ==, "");
		g_assert_nonnull(strstr(err, "No such file or directory"));
		g_assert_null(strstr(err, "bad filter"));
		g_free(out);
		g_free(err);
	}
	/* With another file that exists: it is still read and reported. */
	gchar *cap = tr_capture(&paths, "demux.pcap");
	gchar *out = run_status((const char *const[]){ "-q", cap, "nosuch.pcap", NULL }, 1, NULL);
	g_assert_nonnull(strstr(out, " frames,"));
	g_free(out);
	g_free(cap);
}

/* -l: the trace still comes out whole. */
static void
test_line_buffered(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap");
	gchar *a = run_ok((const char *const[]){ cap, NULL });
	gchar *b = run_ok((const char *const[]){ "-l", cap, NULL });
	g_assert_cmpstr(a, ==, b);
	g_free(a);
	g_free(b);
	g_free(cap);
}

/* -i N: the Nth interface -D lists (opened, or refused by its name
 * without the privilege to capture); a number past the list: usage. */
static void
test_live_index(void)
{
	gchar *err = NULL;
	gchar *out = run_status((const char *const[]){ "-i", "9999", "-c", "1", NULL }, 2, &err);
	g_assert_nonnull(strstr(err, "no interface of that number"));
	g_free(out);
	g_free(err);
	gchar *list = NULL;
	if (tr_run(NULL, paths.tool, (const char *const[]){ "-D", NULL }, &list, &err) != 0 ||
	    !g_str_has_prefix(list, "1.")) {
		g_free(list);
		g_free(err);
		g_test_skip("no interface listed by -D here");
		return;
	}
	g_free(err);
	gchar *name = g_strndup(list + 2, strcspn(list + 2, " \n"));
	out = NULL;
	err = NULL;
	int st = tr_run(NULL, paths.tool, (const char *const[]){ "-i", "1", "-c", "1", "--duration",
	                                                          "0.3", "--no-tui", "-q", NULL },
	                &out, &err);
	g_test_message("-i 1 is %s: exit %d, %s", name, st, err);
	if (st != 0)  /* no privilege: refused under the interface's name */
		g_assert_nonnull(strstr(err, name));
	g_assert_null(strstr(err, "1: No such device"));
	g_free(out);
	g_free(err);
	g_free(name);
	g_free(list);
}

/* The segment part of each trace line of @text (after the frame number
 * and the time, before the decision), one per line. */
static gchar *
segments(const char *text)
{
	GString *o = g_string_new(NULL);
	gchar **l = g_strsplit(text, "\n", -1);
	for (gchar **p = l; *p && **p && g_ascii_isdigit(**p); p++) {
		const char *a = strchr(*p, ' ');
		a = a ? strchr(a + 1, ' ') : NULL;
		const char *b = a ? strstr(a, " -> ") : NULL;
		if (!a)
			break;
		gchar *seg = g_strndup(a, b ? (gsize)(b - a) : strlen(a));
		/* frame numbers are the file's own: "frames 5,6,8" -> "frames #" */
		GRegex *re = g_regex_new("(frames? )[0-9,]+", 0, 0, NULL);
		gchar *norm = g_regex_replace(re, seg, -1, 0, "\\1#", 0, NULL);
		g_string_append(o, norm);
		g_string_append_c(o, '\n');
		g_free(norm);
		g_regex_unref(re);
		g_free(seg);
	}
	g_strfreev(l);
	return g_string_free(o, FALSE);
}

/* The frames a filter keeps are tcpdump's: each capture and expression
 * through `tcpdump -r F -w KEPT EXPR`, then demuxsim on KEPT gives the
 * same segments, in the same order, as demuxsim on F with EXPR. */
static void
test_tcpdump_same(void)
{
	gchar *tcpdump = g_find_program_in_path("tcpdump");
	if (!tcpdump) {
		g_test_skip("tcpdump is not installed (apt-get install tcpdump): not compared");
		return;
	}
	static const char *const caps[] = { "demux.pcap", "checksums.pcapng", "vlan.pcap",
	                                    "frag.pcap", "ipv6.pcap" };
	static const char *const exprs[] = { "udp", "tcp port 80", "ip6", "icmp or icmp6",
	                                     "vlan and udp", "ip[6:2] & 0x3fff != 0",
	                                     "tcp[tcpflags] & tcp-syn != 0", "not tcp" };
	gchar *dir = g_dir_make_tmp("demuxsim-filter-XXXXXX", NULL);
	gchar *kept = g_build_filename(dir, "kept.pcap", NULL);
	guint compared = 0;
	for (guint c = 0; c < G_N_ELEMENTS(caps); c++) {
		gchar *cap = tr_capture(&paths, caps[c]);
		for (guint e = 0; e < G_N_ELEMENTS(exprs); e++) {
			gchar *out = NULL, *err = NULL;
			int st = tr_run(NULL, tcpdump, (const char *const[]){ "-r", cap, "-w", kept,
			                exprs[e], NULL }, &out, &err);
			g_free(out);
			g_free(err);
			if (st != 0)
				continue;   /* an expression tcpdump refuses for this link type */
			gchar *a = run_ok((const char *const[]){ "-tt", "--all-frames", "-r", kept, NULL });
			gchar *b = run_ok((const char *const[]){ "-tt", "--all-frames", "-r", cap,
			                                         exprs[e], NULL });
			gchar *sa = segments(a), *sb = segments(b);
			if (g_strcmp0(sa, sb) != 0)
				g_test_message("%s with '%s'", caps[c], exprs[e]);
			g_assert_cmpstr(sa, ==, sb);
			compared++;
			g_free(sa);
			g_free(sb);
			g_free(a);
			g_free(b);
		}
		g_free(cap);
	}
	g_test_message("%u captures and expressions compared with tcpdump", compared);
	g_assert_cmpuint(compared, >=, 20);
	g_free(kept);
	tr_remove_tree(dir);
	g_free(dir);
	g_free(tcpdump);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	g_test_add_func("/habits/filter/trailing-words", test_trailing_words);
	g_test_add_func("/habits/filter/dash-f", test_dash_f);
	g_test_add_func("/habits/filter/bad", test_bad);
	g_test_add_func("/habits/filter/tcpdump-same", test_tcpdump_same);
	g_test_add_func("/habits/filter/threads-same", test_threads_same);
	g_test_add_func("/habits/filter/stdin", test_stdin);
	g_test_add_func("/habits/read/repeated", test_read_repeated);
	g_test_add_func("/habits/read/missing-no-report", test_missing_no_report);
	g_test_add_func("/habits/line-buffered", test_line_buffered);
	g_test_add_func("/habits/live/index", test_live_index);
	int rc = g_test_run();
	tr_paths_clear(&paths);
	return rc;
}
