/* test-calls.c - --calls end to end:
 *
 *   /calls/teaching/truth     captures/teaching.pcap was recorded from
 *                             real programs that logged every socket call
 *                             they made, with its time and duration
 *                             (captures/teaching.calls.log): every call a
 *                             packet can show is inferred, with the right
 *                             socket, bytes and result, and none that was
 *                             not made; a "seen" call's frame lies within
 *                             the call, an "inferred" one's before it
 *                             returned, an "assumed" one's after it began
 *   /calls/teaching/expected  its text list, as captures/teaching.calls.txt
 *                             holds it (TZ=UTC)
 *   /calls/veth-ns/expected   the text list of captures/veth-ns.pcap, as
 *                             tests/expected/veth-ns.calls.txt holds it
 *   /calls/veth-ns/declared   declared mode: the declared sockets' calls
 *                             first, a refusal without an answer said so
 *   /calls/json/hosts         every host object has its calls; one that
 *                             only sent is listed too
 *   /calls/options/bad        a bad --ladder, or --ladder with --format,
 *                             is one line and exit status 2
 *   /calls/ladder/svg         --ladder by socket id and by 4-tuple (either
 *                             way round) draw the same well-formed SVG with
 *                             the connection's flags, states and calls; an
 *                             unknown one says so
 *   /calls/html/sections      --report has each host's calls and the
 *                             ladders, which the socket rows link to
 *   /calls/ladder/chromium    headless Chromium draws --ladder's SVG of a
 *                             real connection, every text with a box and
 *                             the labels expected; the report opened at
 *                             #ladder-1 has the row's link and the ladder
 *                             unfolded (skipped without Chromium)
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/chromium.h"
#include "testrun.h"

static tr_paths paths;

static gchar *
run_ok(const char *const *args)
{
	return tr_run_ok(paths.tool, args);
}

/* --- The programs' own log ----------------------------------------------- */

/* One call demuxsim should infer from a logged call. */
typedef struct {
	char host[64];
	char kind[16];       /* dm_call_kind_name() */
	const char *sure;    /* "seen", "inferred", "assumed" */
	gint64 start, end;   /* the logged call's time and return, ns */
	gint64 bytes;        /* -1: not checked */
	char result[16];     /* "" for none */
	gboolean matched;
} want;

static void
add_want(GArray *w, const char *host, const char *kind, const char *sure, gint64 start,
         gint64 end, gint64 bytes, const char *result)
{
	want x = { .sure = sure, .start = start, .end = end, .bytes = bytes };
	g_strlcpy(x.host, host, sizeof x.host);
	g_strlcpy(x.kind, kind, sizeof x.kind);
	g_strlcpy(x.result, result, sizeof x.result);
	g_array_append_val(w, x);
}

/* The fd in "fd=N" or "fd=N,..." */
static int
fd_of(const char *arg)
{
	return g_str_has_prefix(arg, "fd=") ? atoi(arg + 3) : -1;
}

/* What a packet can show of logged call @f (HOST TIME PROGRAM CALL ARGS
 * RESULT ... took=NS): @open holds "program:fd" of connected TCP
 * sockets, whose close() sends a FIN. */
static void
want_of(GArray *w, gchar **f, GHashTable *open)
{
	guint n = g_strv_length(f);
	g_assert_cmpuint(n, >=, 6);
	const char *host = f[0], *prog = f[2], *call = f[3], *arg = f[4], *res = f[5];
	gint64 start = g_ascii_strtoll(f[1], NULL, 10);
	gint64 took = g_str_has_prefix(f[n - 1], "took=") ? g_ascii_strtoll(f[n - 1] + 5, NULL, 10) : 0;
	gint64 end = start + took;
	char key[64];
	bool udp = strstr(prog, "udp") != NULL;

	if (!strcmp(call, "socket") && udp)
		add_want(w, host, "udp-socket", "assumed", start, end, -1, "");
	else if (!strcmp(call, "listen"))
		add_want(w, host, "listen", "assumed", start, end, -1, "");
	else if (!strcmp(call, "accept")) {
		add_want(w, host, "accept", "inferred", start, end, -1, "");
		g_snprintf(key, sizeof key, "%s:%d", prog, fd_of(res));
		g_hash_table_add(open, g_strdup(key));
	} else if (!strcmp(call, "connect")) {
		bool ok = !strcmp(res, "0");
		add_want(w, host, "connect", "seen", start, end, -1, "");
		add_want(w, host, "connected", "inferred", start, end, -1, ok ? "" : res);
		g_snprintf(key, sizeof key, "%s:%d", prog, fd_of(arg));
		if (ok)
			g_hash_table_add(open, g_strdup(key));
	} else if (!strcmp(call, "write") || !strcmp(call, "send")) {
		add_want(w, host, "send", "seen", start, end, atoi(res), "");
	} else if (!strcmp(call, "read") || !strcmp(call, "recv")) {
		add_want(w, host, atoi(res) ? "recv" : "recv-eof", "inferred", start, end,
		         atoi(res) ? atoi(res) : -1, "");
	} else if (!strcmp(call, "sendto")) {
		add_want(w, host, "sendto", "seen", start, end, atoi(res), "");
	} else if (!strcmp(call, "recvfrom")) {
		add_want(w, host, "recvfrom", "inferred", start, end, atoi(res), "");
	} else if (!strcmp(call, "close")) {
		g_snprintf(key, sizeof key, "%s:%d", prog, fd_of(arg));
		if (g_hash_table_remove(open, key))
			add_want(w, host, "close", "seen", start, end, -1, "");
	}
}

static GArray *
read_log(const char *path)
{
	gchar *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	GArray *w = g_array_new(FALSE, TRUE, sizeof(want));
	GHashTable *open = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gchar **lines = g_strsplit(text, "\n", -1);
	for (gchar **l = lines; *l; l++) {
		if (!**l || **l == '#')
			continue;
		gchar **f = g_strsplit_set(*l, " ", -1);
		want_of(w, f, open);
		g_strfreev(f);
	}
	g_strfreev(lines);
	g_hash_table_unref(open);
	g_free(text);
	return w;
}

/* Whether demuxsim's call @c (of @host) is the one @x wants. */
static bool
matches(const want *x, const char *host, JsonObject *c)
{
	if (strcmp(x->host, host) || strcmp(x->kind, json_object_get_string_member(c, "call")))
		return false;
	const char *res = json_object_get_null_member(c, "result") ? "" :
	                  json_object_get_string_member(c, "result");
	if (strcmp(res, x->result))
		return false;
	return x->bytes < 0 || json_object_get_int_member(c, "bytes") == x->bytes;
}

static void
check_timing(const want *x, JsonObject *c)
{
	gint64 t = json_object_get_int_member(c, "ts_ns");
	const char *sure = json_object_get_string_member(c, "sure");
	g_test_message("%s %s %s: frame at %" G_GINT64_FORMAT ", call %" G_GINT64_FORMAT
	               "..%" G_GINT64_FORMAT, x->host, x->kind, sure, t, x->start, x->end);
	g_assert_cmpstr(sure, ==, x->sure);
	if (!strcmp(sure, "seen")) {
		g_assert_cmpint(x->start, <=, t);
		g_assert_cmpint(t, <=, x->end);
	} else if (!strcmp(sure, "inferred")) {
		g_assert_cmpint(t, <=, x->end);
	} else {
		g_assert_cmpint(x->start, <=, t);
	}
}

static void
test_teaching_truth(void)
{
	gchar *pcap = tr_capture(&paths, "teaching.pcap");
	gchar *log = tr_capture(&paths, "teaching.calls.log");
	const char *args[] = { "--format", "json", "-q", "--calls", "-r", pcap, NULL };
	gchar *out = run_ok(args);
	GArray *w = read_log(log);
	g_assert_cmpuint(w->len, >=, 15);

	JsonParser *p = json_parser_new();
	g_assert_true(json_parser_load_from_data(p, out, -1, NULL));
	JsonArray *hosts = json_object_get_array_member(json_node_get_object(json_parser_get_root(p)),
	                                                "hosts");
	guint n_calls = 0;
	for (guint i = 0; i < json_array_get_length(hosts); i++) {
		JsonObject *h = json_array_get_object_element(hosts, i);
		const char *addr = json_object_get_string_member(h, "address");
		JsonArray *calls = json_object_get_array_member(h, "calls");
		for (guint j = 0; j < json_array_get_length(calls); j++, n_calls++) {
			JsonObject *c = json_array_get_object_element(calls, j);
			/* The first call the programs made that this one is. */
			want *x = NULL;
			for (guint k = 0; k < w->len && !x; k++) {
				want *y = &g_array_index(w, want, k);
				if (!y->matched && matches(y, addr, c))
					x = y;
			}
			if (!x)
				g_test_message("not made by the programs: %s %s",
				               addr, json_object_get_string_member(c, "text"));
			g_assert_nonnull(x);
			x->matched = TRUE;
			check_timing(x, c);
		}
	}
	for (guint k = 0; k < w->len; k++) {
		want *y = &g_array_index(w, want, k);
		if (!y->matched)
			g_test_message("not inferred: %s %s", y->host, y->kind);
		g_assert_true(y->matched);
	}
	g_assert_cmpuint(n_calls, ==, w->len);
	g_object_unref(p);
	g_array_unref(w);
	g_free(out);
	g_free(log);
	g_free(pcap);
}

/* The "Socket calls" part of the text report @out. */
static const char *
calls_part(const char *out)
{
	const char *s = strstr(out, "\nSocket calls");
	g_assert_nonnull(s);
	return s + 1;
}

/* The calls of @pcap_name in text as @exp_path holds them. */
static void
check_expected(const char *pcap_name, gchar *exp_path)
{
	gchar *pcap = tr_capture(&paths, pcap_name);
	const char *args[] = { "-q", "--calls", "-r", pcap, NULL };
	gchar *out = run_ok(args), *want_text = NULL;
	g_assert_true(g_file_get_contents(exp_path, &want_text, NULL, NULL));
	g_assert_cmpstr(calls_part(out), ==, want_text);
	g_free(want_text);
	g_free(out);
	g_free(exp_path);
	g_free(pcap);
}

static void
test_veth_expected(void)
{
	check_expected("veth-ns.pcap", g_build_filename(paths.srcdir, "tests", "expected",
	                                                "veth-ns.calls.txt", NULL));
}

static void
test_teaching_expected(void)
{
	check_expected("teaching.pcap", tr_capture(&paths, "teaching.calls.txt"));
}

static void
test_veth_declared(void)
{
	gchar *pcap = tr_capture(&paths, "veth-ns.pcap");
	gchar *ini = tr_capture(&paths, "veth-ns.ini");
	const char *args[] = { "-q", "--calls", "--sockets", ini, "-r", pcap, NULL };
	gchar *out = run_ok(args);
	const char *part = calls_part(out);
	/* The declared listener comes first on its host, at no frame. */
	const char *srv = strstr(part, "\n10.99.0.2\n");
	g_assert_nonnull(srv);
	const char *second = strchr(srv + 1, '\n');
	g_assert_nonnull(second);
	g_assert_true(g_str_has_prefix(second + 1, "  (declared) "));
	g_assert_nonnull(strstr(srv, "socket(SOCK_STREAM) bind(10.99.0.2:8080) listen()"));
	g_assert_nonnull(strstr(part, "bind([::]:8081) listen()"));
	/* The refused connect() is told by the RST that answers it. */
	g_assert_nonnull(strstr(part, "connect() -> ECONNREFUSED"));
	g_assert_nonnull(strstr(part, "RST answers the SYN"));
	g_free(out);
	g_free(ini);
	g_free(pcap);
}

static void
test_json_hosts(void)
{
	gchar *pcap = tr_capture(&paths, "veth-ns.pcap");
	const char *args[] = { "--format", "json", "-q", "--calls", "--host", "10.99.0.1", "-r",
	                       pcap, NULL };
	gchar *out = run_ok(args);
	JsonParser *p = json_parser_new();
	g_assert_true(json_parser_load_from_data(p, out, -1, NULL));
	JsonArray *hosts = json_object_get_array_member(json_node_get_object(json_parser_get_root(p)),
	                                                "hosts");
	g_assert_cmpuint(json_array_get_length(hosts), ==, 1);
	JsonObject *h = json_array_get_object_element(hosts, 0);
	JsonArray *calls = json_object_get_array_member(h, "calls");
	g_assert_cmpuint(json_array_get_length(calls), >, 10);
	JsonObject *first = json_array_get_object_element(calls, 0);
	g_assert_cmpstr(json_object_get_string_member(first, "call"), ==, "udp-socket");
	g_assert_cmpint(json_object_get_int_member(first, "frame"), ==, 7);
	g_object_unref(p);
	g_free(out);

	/* A host that only sent, which the tables do not hold: listed with
	 * its calls and no sockets (the filter keeps frame 13 only, from
	 * 10.99.0.1:40003). */
	const char *args2[] = { "--format", "json", "-q", "--calls", "-r", pcap, "udp", "port",
	                        "5399", NULL };
	out = run_ok(args2);
	p = json_parser_new();
	g_assert_true(json_parser_load_from_data(p, out, -1, NULL));
	hosts = json_object_get_array_member(json_node_get_object(json_parser_get_root(p)), "hosts");
	g_assert_cmpuint(json_array_get_length(hosts), ==, 2);
	h = json_array_get_object_element(hosts, 1);
	g_assert_cmpstr(json_object_get_string_member(h, "address"), ==, "10.99.0.1");
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(h, "sockets")), ==, 0);
	calls = json_object_get_array_member(h, "calls");
	g_assert_cmpuint(json_array_get_length(calls), ==, 2);
	JsonObject *send = json_array_get_object_element(calls, 1);
	g_assert_cmpstr(json_object_get_string_member(send, "call"), ==, "sendto");
	g_assert_cmpstr(json_object_get_string_member(send, "peer"), ==, "10.99.0.2:5399");
	g_assert_true(json_object_get_null_member(send, "socket"));
	g_object_unref(p);
	g_free(out);
	g_free(pcap);
}

static void
test_options_bad(void)
{
	gchar *pcap = tr_capture(&paths, "veth-ns.pcap");
	const char *bad[][8] = {
		{ "--ladder", "nonsense", "-r", pcap, NULL },
		{ "--ladder", "10.0.0.1:80-[::1]:80", "-r", pcap, NULL },
		{ "--ladder", "6", "--format", "json", "-r", pcap, NULL },
		{ "--ladder", "6", "--calls", "-r", pcap, NULL },
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		gchar *out = NULL, *err = NULL;
		g_assert_cmpint(tr_run(NULL, paths.tool, bad[i], &out, &err), ==, 2);
		g_assert_cmpstr(out, ==, "");
		g_assert_true(g_str_has_prefix(err, "demuxsim: --ladder"));
		g_assert_cmpint(strchr(err, '\n') - err + 1, ==, (gssize)strlen(err));
		g_free(out);
		g_free(err);
	}
	g_free(pcap);
}

/* Count the elements of well-formed XML @text (asserting it is). */
static void
count_element(GMarkupParseContext *ctx, const gchar *name, const gchar **an, const gchar **av,
              gpointer data, GError **error)
{
	(void)ctx;
	(void)name;
	(void)an;
	(void)av;
	(void)error;
	(*(guint *)data)++;
}

static guint
xml_elements(const char *text)
{
	static const GMarkupParser parser = { count_element, NULL, NULL, NULL, NULL };
	guint n = 0;
	GError *err = NULL;
	const char *body = strstr(text, "<svg");
	g_assert_nonnull(body);
	GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, &n, NULL);
	g_assert_true(g_markup_parse_context_parse(ctx, body, -1, &err));
	g_assert_true(g_markup_parse_context_end_parse(ctx, &err));
	g_assert_no_error(err);
	g_markup_parse_context_free(ctx);
	return n;
}

static void
test_ladder_svg(void)
{
	gchar *pcap = tr_capture(&paths, "teaching.pcap");
	/* Socket 3 is the server's end of the connection to port 12345. */
	const char *by_id[] = { "--ladder", "3", "-r", pcap, NULL };
	const char *by_tuple[] = { "--ladder", "10.97.0.1:42368-10.97.0.2:12345", "-r", pcap, NULL };
	const char *by_rev[] = { "--ladder", "10.97.0.2:12345,10.97.0.1:42368", "-r", pcap, NULL };
	gchar *a = run_ok(by_id), *b = run_ok(by_tuple), *c = run_ok(by_rev);
	g_assert_true(g_str_has_prefix(a, "<?xml"));
	g_assert_cmpuint(xml_elements(a), >, 20);
	g_assert_cmpstr(a, ==, b);
	g_assert_cmpstr(a, ==, c);
	static const char *const labels[] = {
		"10.97.0.1:42368", "10.97.0.2:12345", "[S]", "[S.]", "[F.]", "LISTEN", "SYN-SENT",
		"SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "TIME-WAIT", "CLOSED", "accept()",
		"connect(", "listen()", "len 22",
	};
	for (guint i = 0; i < G_N_ELEMENTS(labels); i++) {
		if (!strstr(a, labels[i]))
			g_test_message("missing: %s", labels[i]);
		g_assert_nonnull(strstr(a, labels[i]));
	}
	/* The refused connect: its own ladder, SYN then RST. */
	const char *refused[] = { "--ladder", "10.97.0.2:12399-10.97.0.1:50094", "-r", pcap, NULL };
	gchar *r = run_ok(refused);
	g_assert_nonnull(strstr(r, "[R.]"));
	g_assert_nonnull(strstr(r, "ECONNREFUSED"));
	const char *none[] = { "--ladder", "99", "-r", pcap, NULL };
	gchar *n = run_ok(none);
	g_assert_nonnull(strstr(n, "no such connection"));
	g_free(a);
	g_free(b);
	g_free(c);
	g_free(r);
	g_free(n);
	g_free(pcap);
}

static void
test_html_sections(void)
{
	gchar *pcap = tr_capture(&paths, "teaching.pcap");
	gchar *dir = g_dir_make_tmp("test-calls-XXXXXX", NULL);
	gchar *page = g_build_filename(dir, "run.html", NULL);
	const char *args[] = { "-q", "--report", page, "-r", pcap, NULL };
	g_free(run_ok(args));
	gchar *html = NULL;
	g_assert_true(g_file_get_contents(page, &html, NULL, NULL));
	g_assert_nonnull(strstr(html, "<section id=\"calls\">"));
	g_assert_nonnull(strstr(html, "accept() -&gt; socket 3 for 10.97.0.1:42368"));
	/* Two TCP connections: two ladders, each linked from both ends. */
	g_assert_nonnull(strstr(html, "<details class=\"ladder\" id=\"ladder-1\">"));
	g_assert_nonnull(strstr(html, "<details class=\"ladder\" id=\"ladder-2\">"));
	g_assert_null(strstr(html, "id=\"ladder-3\""));
	g_assert_nonnull(strstr(html, "<script type=\"application/json\" id=\"ladder-sockets\">"
	                              "[[1,1],[3,1],[6,2]]</script>"));
	g_free(html);
	g_unlink(page);
	g_rmdir(dir);
	g_free(page);
	g_free(dir);
	g_free(pcap);
}

/* Every text of the page's ladder as the browser laid it out, one a line
 * ("EMPTY " before one without a box), after "drawn" or "not drawn". */
static const char measure_script[] =
	"<pre id=\"result\"></pre><script>(function(){var out=[],"
	"svg=document.querySelector('svg.dm-ladder'),r=svg.getBoundingClientRect();"
	"out.push(r.width>0&&r.height>0?'drawn':'not drawn');"
	"svg.querySelectorAll('text').forEach(function(t){var b=t.getBBox();"
	"out.push((b.width>0&&b.height>0?'':'EMPTY ')+t.textContent)});"
	"document.getElementById('result').textContent=out.join('\\n')+'\\n'})()</script>";

static gchar *
dump_dom(const char *exe, const char *dir, const char *path, const char *fragment)
{
	gchar *uri = g_filename_to_uri(path, NULL, NULL);
	gchar *url = g_strconcat(uri, fragment, NULL);
	gchar *dom = NULL;
	g_assert_cmpint(tc_chromium(dir, exe, url, "--dump-dom", NULL, &dom), ==, 0);
	g_free(url);
	g_free(uri);
	return dom;
}

static void
test_ladder_chromium(void)
{
	gchar *exe = tc_find_chromium();
	if (!exe) {
		g_test_skip("Chromium is not installed: the ladder was not drawn");
		return;
	}
	gchar *pcap = tr_capture(&paths, "teaching.pcap");
	gchar *dir = g_dir_make_tmp("test-calls-XXXXXX", NULL);
	const char *args[] = { "--ladder", "3", "-r", pcap, NULL };
	gchar *svg = run_ok(args);
	gchar *page = g_build_filename(dir, "ladder.html", NULL);
	gchar *html = g_strconcat("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>",
	                          strstr(svg, "<svg"), measure_script, "</body></html>", NULL);
	g_assert_true(g_file_set_contents(page, html, -1, NULL));
	gchar *dom = dump_dom(exe, dir, page, "");
	const char *pre = strstr(dom, "<pre id=\"result\">");
	g_assert_nonnull(pre);
	const char *pre_end = strstr(pre, "</pre>");
	g_assert_nonnull(pre_end);
	gchar *res = g_strndup(pre, (gsize)(pre_end - pre));
	g_assert_true(g_str_has_prefix(res, "<pre id=\"result\">drawn\n"));
	g_assert_null(strstr(res, "EMPTY"));
	static const char *const shown[] = {
		"10.97.0.1:42368", "socket 3", "CLOSED", "LISTEN", "[S] seq 0 len 0",
		"[S.] seq 0 ack 1 len 0", "[P.] seq 1:23 ack 1 len 22", "SYN-SENT", "SYN-RECEIVED",
		"ESTABLISHED", "FIN-WAIT-1", "CLOSE-WAIT", "LAST-ACK", "TIME-WAIT",
		"socket() connect(10.97.0.2:12345)", "connect() -&gt; 0", "accept() -&gt; 3",
		"send() 22 B", "recv() 22 B", "listen()",
	};
	for (guint i = 0; i < G_N_ELEMENTS(shown); i++) {
		gchar *line = g_strconcat("\n", shown[i], "\n", NULL);
		if (!strstr(res, line))
			g_test_message("the browser did not show \"%s\"", shown[i]);
		g_assert_nonnull(strstr(res, line));
		g_free(line);
	}
	g_free(res);
	g_free(dom);

	/* The report opened at the ladder a socket row links to. */
	gchar *report = g_build_filename(dir, "run.html", NULL);
	const char *rargs[] = { "-q", "--report", report, "-r", pcap, NULL };
	g_free(run_ok(rargs));
	dom = dump_dom(exe, dir, report, "#ladder-1");
	g_assert_nonnull(strstr(dom, "<a href=\"#ladder-1\">ladder</a>"));
	g_assert_nonnull(strstr(dom, "<details class=\"ladder\" id=\"ladder-1\" open=\"\">"));
	g_assert_nonnull(strstr(dom, "<details class=\"ladder\" id=\"ladder-2\">"));
	g_free(dom);
	tr_remove_tree(dir);
	g_free(report);
	g_free(html);
	g_free(page);
	g_free(svg);
	g_free(dir);
	g_free(pcap);
	g_free(exe);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	g_test_add_func("/calls/teaching/truth", test_teaching_truth);
	g_test_add_func("/calls/teaching/expected", test_teaching_expected);
	g_test_add_func("/calls/veth-ns/expected", test_veth_expected);
	g_test_add_func("/calls/veth-ns/declared", test_veth_declared);
	g_test_add_func("/calls/json/hosts", test_json_hosts);
	g_test_add_func("/calls/options/bad", test_options_bad);
	g_test_add_func("/calls/ladder/svg", test_ladder_svg);
	g_test_add_func("/calls/html/sections", test_html_sections);
	g_test_add_func("/calls/ladder/chromium", test_ladder_chromium);
	int rc = g_test_run();
	tr_paths_clear(&paths);
	return rc;
}
