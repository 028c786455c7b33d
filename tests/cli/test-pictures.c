/* test-pictures.c - the diagram (--format dot / svg) and the HTML report
 * (--report), tested through the demuxsim command line ($DEMUXSIM, run in
 * $top_srcdir) on captures/demux.pcap, against its JSON report.
 *
 *   /pictures/dot/every-socket   every host a cluster, every socket a node
 *                                with its textbook label; `dot -Tsvg`
 *                                accepts it (skipped without Graphviz)
 *   /pictures/dot/segments       the segment edges into each socket add up
 *                                to its segment count; refusals and bad
 *                                checksums are red with their counts
 *   /pictures/dot/max-nodes      --max-nodes N keeps each host's N busiest
 *                                sockets and folds the others into one node
 *   /pictures/svg/well-formed    --format svg (libgvc) is well-formed XML
 *                                with one <g class="node"> per DOT node
 *   /pictures/html/page          --report: self-contained, escaped, every
 *                                host, socket and checksum failure present
 *   /pictures/html/chromium      the page opened in headless Chromium: the
 *                                DOM has every host and socket and the
 *                                rendered diagram; a screenshot is kept as
 *                                $top_builddir/tests/cli/report-screenshot.png
 *                                (skipped without Chromium)
 *   /pictures/html/large-diagram the diagram of 1,000 flows: the busiest
 *                                hosts, named, with --host and a legend
 *   /pictures/html/1m-first-screen  a 1M-frame report's first screen in
 *                                Chromium within 5 s, #search=ADDR finds
 *                                the least busy host (100k frames under
 *                                valgrind/sanitizers; skipped without Chromium)
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>

#include "../unit/chromium.h"
#include "testrun.h"

#define CAPTURE "captures/demux.pcap"

static gchar *tool;
static gchar *srcdir;
static gchar *builddir;
static gchar *benchgen;     /* tests/gen/benchgen */

typedef struct {
	guint id;
	gchar *host;
	gchar *caption;       /* as the diagram names it */
	guint64 segments, bad;
} sock;

typedef struct {
	GPtrArray *hosts;     /* gchar * addresses */
	GPtrArray *sockets;   /* sock * */
	guint64 refused, bad_dropped;
} run_report;

/* Run demuxsim with @args (NULL-terminated) in the source tree.
 * Returns: its exit status; @out and @err get its output. */
static int
run_tool(gchar **out, gchar **err, const char *first, ...)
{
	GPtrArray *argv = g_ptr_array_new();
	va_list ap;
	int wait_status = 0;
	GError *error = NULL;

	g_ptr_array_add(argv, tool);
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		g_ptr_array_add(argv, (gpointer)a);
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_sync(srcdir, (gchar **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
	                  out, err, &wait_status, &error))
		g_error("cannot run %s: %s", tool, error->message);
	g_ptr_array_unref(argv);
	return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

/* Run a helper program (argv[0] looked up in PATH) in the build tree. */
static int
run_program(const char *const *argv, gchar **out, gchar **err)
{
	int wait_status = 0;
	GError *error = NULL;
	if (!g_spawn_sync(builddir, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
	                  out, err, &wait_status, &error)) {
		g_test_message("cannot run %s: %s", argv[0], error->message);
		g_error_free(error);
		return -1;
	}
	return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

static void
sock_free(gpointer p)
{
	sock *s = p;
	g_free(s->host);
	g_free(s->caption);
	g_free(s);
}

/* The caption the diagram gives a socket of the JSON report. */
static gchar *
caption_of(JsonObject *o)
{
	const char *proto = json_object_get_string_member(o, "proto");
	const char *kind = json_object_get_string_member(o, "kind");
	const char *local = json_object_get_string_member(o, "local");
	const char *state = json_object_get_string_member_with_default(o, "state", NULL);
	const char *remote = json_object_get_string_member_with_default(o, "remote", NULL);
	gchar *up = g_ascii_strup(proto, -1);
	gchar *c;

	if (remote)
		c = g_strdup_printf("%s %s <-> %s%s%s", up, local, remote, state ? " " : "",
		                    state ? state : "");
	else
		c = g_strdup_printf("%s %s%s", up, strcmp(kind, "listen") == 0 ? "listen " : "",
		                    strrchr(local, ':'));
	g_free(up);
	return c;
}

static run_report *
report_load_of(const char *capture)
{
	gchar *out = NULL, *err = NULL;
	GError *error = NULL;
	g_assert_cmpint(run_tool(&out, &err, "-q", "--format", "json", capture, NULL), ==, 0);
	JsonParser *p = json_parser_new();
	g_assert_true(json_parser_load_from_data(p, out, -1, &error));
	run_report *r = g_new0(run_report, 1);
	r->hosts = g_ptr_array_new_with_free_func(g_free);
	r->sockets = g_ptr_array_new_with_free_func(sock_free);
	JsonArray *hosts = json_object_get_array_member(json_node_get_object(json_parser_get_root(p)),
	                                                "hosts");
	for (guint i = 0; i < json_array_get_length(hosts); i++) {
		JsonObject *h = json_array_get_object_element(hosts, i);
		const char *addr = json_object_get_string_member(h, "address");
		g_ptr_array_add(r->hosts, g_strdup(addr));
		JsonArray *socks = json_object_get_array_member(h, "sockets");
		for (guint j = 0; j < json_array_get_length(socks); j++) {
			JsonObject *o = json_array_get_object_element(socks, j);
			sock *s = g_new0(sock, 1);
			s->id = (guint)json_object_get_int_member(o, "id");
			s->host = g_strdup(addr);
			s->caption = caption_of(o);
			s->segments = (guint64)json_object_get_int_member(o, "segments");
			s->bad = (guint64)json_object_get_int_member(o, "bad_checksums");
			g_ptr_array_add(r->sockets, s);
		}
		JsonArray *refused = json_object_get_array_member(h, "refused");
		for (guint j = 0; j < json_array_get_length(refused); j++)
			r->refused += (guint64)json_object_get_int_member(
				json_array_get_object_element(refused, j), "attempts");
		r->bad_dropped += (guint64)json_object_get_int_member(
			json_object_get_object_member(h, "dropped"), "bad-checksum");
	}
	g_object_unref(p);
	g_free(out);
	g_free(err);
	return r;
}

static run_report *
report_load(void)
{
	run_report *r = report_load_of(CAPTURE);
	g_assert_cmpuint(r->sockets->len, >, 10);
	return r;
}

static void
report_free(run_report *r)
{
	g_ptr_array_unref(r->hosts);
	g_ptr_array_unref(r->sockets);
	g_free(r);
}

static gchar *
dot_of(const char *max_nodes)
{
	gchar *out = NULL, *err = NULL;
	int rc = max_nodes
		? run_tool(&out, &err, "--format", "dot", "--max-nodes", max_nodes, CAPTURE, NULL)
		: run_tool(&out, &err, "--format", "dot", CAPTURE, NULL);
	g_assert_cmpint(rc, ==, 0);
	g_assert_cmpstr(err, ==, "");
	g_free(err);
	g_assert_true(g_str_has_prefix(out, "digraph demuxsim {\n"));
	return out;
}

/* `dot -Tsvg` accepts @text (false when Graphviz is not installed). */
static bool
graphviz_accepts(const char *text, const char *name)
{
	gchar *dot = g_find_program_in_path("dot");
	if (!dot)
		return false;
	gchar *in = g_build_filename(builddir, "tests", "cli", name, NULL);
	gchar *svg = g_strconcat(in, ".svg", NULL);
	g_assert_true(g_file_set_contents(in, text, -1, NULL));
	const char *argv[] = { dot, "-Tsvg", "-o", svg, in, NULL };
	gchar *out = NULL, *err = NULL;
	int rc = run_program(argv, &out, &err);
	if (rc != 0 || *err)
		g_test_message("dot -Tsvg %s: exit %d: %s", in, rc, err);
	g_assert_cmpint(rc, ==, 0);
	g_assert_cmpstr(err, ==, "");
	g_assert_true(g_file_test(svg, G_FILE_TEST_IS_REGULAR));
	g_free(out);
	g_free(err);
	g_free(svg);
	g_free(in);
	g_free(dot);
	return true;
}

/* The DOT node line of socket @id, or NULL. */
static gchar *
node_line(const char *text, guint id)
{
	gchar *prefix = g_strdup_printf("\"s%u\" [id=\"socket-%u\", label=\"", id, id);
	const char *at = strstr(text, prefix);
	g_free(prefix);
	if (!at)
		return NULL;
	return g_strndup(at, strcspn(at, "\n"));
}

static void
test_dot_every_socket(void)
{
	run_report *r = report_load();
	gchar *text = dot_of(NULL);

	for (guint i = 0; i < r->hosts->len; i++) {
		gchar *cluster = g_strdup_printf("id=\"host-%s\"; label=\"host %s\"",
		                                 (char *)g_ptr_array_index(r->hosts, i),
		                                 (char *)g_ptr_array_index(r->hosts, i));
		g_assert_nonnull(strstr(text, cluster));
		g_free(cluster);
	}
	for (guint i = 0; i < r->sockets->len; i++) {
		const sock *s = g_ptr_array_index(r->sockets, i);
		gchar *line = node_line(text, s->id);
		g_assert_nonnull(line);
		gchar *label = g_strdup_printf("label=\"%s\\nsocket %u, %" G_GUINT64_FORMAT " segment",
		                               s->caption, s->id, s->segments);
		if (!strstr(line, label))
			g_test_message("socket %u: want %s in %s", s->id, label, line);
		g_assert_nonnull(strstr(line, label));
		g_free(label);
		g_free(line);
	}
	/* Textbook labels, as the issue names them. */
	g_assert_nonnull(strstr(text, "label=\"UDP :53\\n"));
	g_assert_nonnull(strstr(text, "label=\"TCP listen :80\\n"));
	g_assert_nonnull(strstr(text, "label=\"TCP 10.0.0.8:8080 <-> 10.0.0.5:40500 TIME-WAIT\\n"));
	if (!graphviz_accepts(text, "pictures-demux.dot"))
		g_test_skip("Graphviz's dot is not installed: the DOT was not laid out");
	g_free(text);
	report_free(r);
}

/* Sum of the labels of edges of @kind ("" for segments, " refused",
 * " bad") into node @dst, and how many there are. */
static guint64
edges_into(const char *text, const char *dst, const char *kind, guint *n)
{
	gchar *arrow = g_strdup_printf(" -> \"%s\" [label=\"", dst);
	guint64 sum = 0;
	*n = 0;
	for (const char *at = strstr(text, arrow); at; at = strstr(at + 1, arrow)) {
		const char *num = at + strlen(arrow);
		char *end;
		guint64 v = g_ascii_strtoull(num, &end, 10);
		size_t klen = strlen(kind);
		if (strncmp(end, kind, klen) == 0 && end[klen] == '"') {
			sum += v;
			(*n)++;
		}
	}
	g_free(arrow);
	return sum;
}

static void
test_dot_segments(void)
{
	run_report *r = report_load();
	gchar *text = dot_of(NULL);
	guint64 bad_edges = 0, peers_total = 0;

	for (guint i = 0; i < r->sockets->len; i++) {
		const sock *s = g_ptr_array_index(r->sockets, i);
		gchar *node = g_strdup_printf("s%u", s->id);
		guint n;
		guint64 seg = edges_into(text, node, "", &n);
		if (seg != s->segments)
			g_test_message("socket %u: edges carry %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT,
			               s->id, seg, s->segments);
		g_assert_cmpuint(seg, ==, s->segments);
		peers_total += n;
		bad_edges += edges_into(text, node, " bad", &n);
		g_free(node);
	}
	g_assert_cmpuint(peers_total, >=, r->sockets->len - 1);
	/* Bad checksums dropped before a socket: red dashed edges from the
	 * host's bad-checksum node. */
	g_assert_cmpuint(r->bad_dropped, >, 0);
	g_assert_cmpuint(bad_edges, <=, r->bad_dropped);
	g_assert_nonnull(strstr(text, "label=\"bad checksum\\n1 dropped\", shape=note, color=red"));
	/* Refused attempts: a red node per refused port, red edges with counts. */
	g_assert_cmpuint(r->refused, >, 0);
	guint64 refused = 0;
	for (const char *at = strstr(text, " -> \"refused"); at; at = strstr(at + 1, " -> \"refused")) {
		const char *lab = strstr(at, "[label=\"");
		g_assert_nonnull(lab);
		char *end;
		refused += g_ascii_strtoull(lab + 8, &end, 10);
		g_assert_true(g_str_has_prefix(end, " refused\", color=red"));
	}
	g_assert_cmpuint(refused, ==, r->refused);
	g_assert_nonnull(strstr(text, "label=\"refused UDP :9999\\nhost answers icmp-port-unreachable\""));
	/* A peer that is itself a socket of the capture is drawn as that
	 * socket: the client's connection points at the server's child. */
	g_assert_nonnull(strstr(text, "\"s7\" -> \"s8\" [label=\"5\""));
	g_free(text);
	report_free(r);
}

static int
by_busyness(gconstpointer a, gconstpointer b)
{
	const sock *x = *(const sock *const *)a, *y = *(const sock *const *)b;
	guint64 bx = x->segments + x->bad, by = y->segments + y->bad;
	if (bx != by)
		return bx > by ? -1 : 1;
	return x->id < y->id ? -1 : 1;
}

static void
test_dot_max_nodes(void)
{
	run_report *r = report_load();
	const guint keep = 2;
	gchar *text = dot_of("2");
	guint folded_hosts = 0;

	for (guint i = 0; i < r->hosts->len; i++) {
		const char *host = g_ptr_array_index(r->hosts, i);
		GPtrArray *mine = g_ptr_array_new();
		for (guint j = 0; j < r->sockets->len; j++) {
			sock *s = g_ptr_array_index(r->sockets, j);
			if (strcmp(s->host, host) == 0)
				g_ptr_array_add(mine, s);
		}
		g_ptr_array_sort(mine, by_busyness);
		guint64 folded_segments = 0;
		for (guint j = 0; j < mine->len; j++) {
			const sock *s = g_ptr_array_index(mine, j);
			gchar *line = node_line(text, s->id);
			if (j < keep) {
				g_assert_nonnull(line);
			} else {
				g_assert_null(line);
				folded_segments += s->segments;
			}
			g_free(line);
		}
		gchar *more = g_strdup_printf("\"more%u\" [label=\"%u more\\n%" G_GUINT64_FORMAT " segment%s\"",
		                              i, mine->len - MIN(mine->len, keep), folded_segments,
		                              folded_segments == 1 ? "" : "s");
		if (mine->len > keep) {
			g_assert_nonnull(strstr(text, more));
			guint n;
			gchar *name = g_strdup_printf("more%u", i);
			g_assert_cmpuint(edges_into(text, name, "", &n), ==, folded_segments);
			g_free(name);
			folded_hosts++;
		} else {
			gchar *name = g_strdup_printf("\"more%u\"", i);
			g_assert_null(strstr(text, name));
			g_free(name);
		}
		g_free(more);
		g_ptr_array_unref(mine);
	}
	g_assert_cmpuint(folded_hosts, >, 0);
	/* Every segment still reaches a node: the edges carry them all. */
	guint64 all = 0, drawn = 0;
	for (guint j = 0; j < r->sockets->len; j++)
		all += ((sock *)g_ptr_array_index(r->sockets, j))->segments;
	for (const char *at = strstr(text, "\" [label=\""); at; at = strstr(at + 1, "\" [label=\"")) {
		char *end;
		guint64 v = g_ascii_strtoull(at + 10, &end, 10);
		if (end > at + 10 && g_str_has_prefix(end, "\", weight="))
			drawn += v;
	}
	g_assert_cmpuint(drawn, ==, all);
	if (!graphviz_accepts(text, "pictures-max-nodes.dot"))
		g_test_skip("Graphviz's dot is not installed: the DOT was not laid out");
	g_free(text);

	/* Endpoints (peers no socket stands for) are folded per cluster too. */
	gchar *out = NULL, *err = NULL;
	run_report *c = report_load_of("captures/checksums.pcap");
	g_assert_cmpint(run_tool(&out, &err, "--format", "dot", "--max-nodes", "1", "captures/checksums.pcap", NULL), ==, 0);
	gchar **clusters = g_strsplit(out, "  subgraph cluster_", -1);
	guint folded_endpoints = 0;
	for (gchar **cl = clusters + 1; *cl; cl++) {
		guint shown = 0;
		for (const char *at = strstr(*cl, "shape=ellipse, fillcolor=\"#ffffff\""); at;
		     at = strstr(at + 1, "shape=ellipse, fillcolor=\"#ffffff\""))
			shown++;
		g_assert_cmpuint(shown, <=, 1);
		if (strstr(*cl, " more endpoints\\n"))
			folded_endpoints++;
	}
	g_assert_cmpuint(folded_endpoints, >, 0);
	guint64 all_c = 0, drawn_c = 0;
	for (guint j = 0; j < c->sockets->len; j++)
		all_c += ((sock *)g_ptr_array_index(c->sockets, j))->segments;
	for (const char *at = strstr(out, "\" [label=\""); at; at = strstr(at + 1, "\" [label=\"")) {
		char *end;
		guint64 v = g_ascii_strtoull(at + 10, &end, 10);
		if (end > at + 10 && g_str_has_prefix(end, "\", weight="))
			drawn_c += v;
	}
	g_assert_cmpuint(drawn_c, ==, all_c);
	graphviz_accepts(out, "pictures-max-nodes-endpoints.dot");
	g_strfreev(clusters);
	g_free(out);
	g_free(err);
	report_free(c);

	g_assert_cmpint(run_tool(&out, &err, "--format", "dot", "--max-nodes", "-1", CAPTURE, NULL), ==, 2);
	g_assert_nonnull(strstr(err, "--max-nodes"));
	g_free(out);
	g_free(err);
	report_free(r);
}

/* --- SVG ----------------------------------------------------------------- */

typedef struct {
	guint depth;
	gchar *root;
	guint nodes;          /* <g class="node"> */
	guint socket_nodes;   /* with id="socket-N" */
} svg_scan;

static void
svg_start(GMarkupParseContext *ctx, const gchar *name, const gchar **names,
          const gchar **values, gpointer data, GError **error)
{
	svg_scan *s = data;
	if (s->depth++ == 0)
		s->root = g_strdup(name);
	if (strcmp(name, "g") != 0)
		return;
	const char *cls = NULL, *id = NULL;
	for (guint i = 0; names[i]; i++) {
		if (strcmp(names[i], "class") == 0)
			cls = values[i];
		else if (strcmp(names[i], "id") == 0)
			id = values[i];
	}
	if (cls && strcmp(cls, "node") == 0) {
		s->nodes++;
		if (id && g_str_has_prefix(id, "socket-"))
			s->socket_nodes++;
	}
}

static void
svg_end(GMarkupParseContext *ctx, const gchar *name, gpointer data, GError **error)
{
	((svg_scan *)data)->depth--;
}

static void
test_svg_well_formed(void)
{
	gchar *out = NULL, *err = NULL;
	int rc = run_tool(&out, &err, "--format", "svg", CAPTURE, NULL);
	if (rc == 2 && strstr(err, "libgvc")) {
		g_assert_nonnull(strstr(err, "--format dot | dot -Tsvg"));
		g_test_skip("built without libgvc: --format svg says so");
		g_free(out);
		g_free(err);
		return;
	}
	g_assert_cmpint(rc, ==, 0);
	g_assert_cmpstr(err, ==, "");
	run_report *r = report_load();
	static const GMarkupParser parser = { svg_start, svg_end, NULL, NULL, NULL };
	svg_scan scan = { 0 };
	GError *error = NULL;
	/* The prolog (<?xml ...?> and the doctype) is passed over by GMarkup. */
	GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, &scan, NULL);
	bool ok = g_markup_parse_context_parse(ctx, out, -1, &error) &&
	          g_markup_parse_context_end_parse(ctx, &error);
	if (!ok)
		g_test_message("SVG not well-formed: %s", error->message);
	g_assert_true(ok);
	g_markup_parse_context_free(ctx);
	g_assert_cmpstr(scan.root, ==, "svg");
	g_assert_cmpuint(scan.socket_nodes, ==, r->sockets->len);
	g_assert_cmpuint(scan.nodes, >, r->sockets->len);
	g_free(scan.root);
	g_free(out);
	g_free(err);
	report_free(r);
}

/* --- HTML ---------------------------------------------------------------- */

static gchar *
html_path(void)
{
	return g_build_filename(builddir, "tests", "cli", "pictures-report.html", NULL);
}

/* Write the report of the capture; returns the page. */
static gchar *
html_page(void)
{
	gchar *path = html_path(), *out = NULL, *err = NULL, *page = NULL;
	g_assert_cmpint(run_tool(&out, &err, "-q", "--report", path, CAPTURE, NULL), ==, 0);
	g_assert_cmpstr(err, ==, "");
	/* The terminal report is still written. */
	g_assert_nonnull(strstr(out, "Host 10.0.0.7"));
	g_assert_true(g_file_get_contents(path, &page, NULL, NULL));
	g_free(out);
	g_free(err);
	g_free(path);
	return page;
}

static void
test_html_page(void)
{
	run_report *r = report_load();
	gchar *page = html_page();

	g_assert_true(g_str_has_prefix(page, "<!DOCTYPE html>"));
	/* Self-contained: nothing is fetched (namespaces are not fetches). */
	g_assert_null(strstr(page, "<link"));
	g_assert_null(strstr(page, "src=\""));
	g_assert_null(strstr(page, "url("));
	g_assert_nonnull(strstr(page, "default-src 'none'"));
	for (guint i = 0; i < r->hosts->len; i++) {
		gchar *h = g_strdup_printf("\n[\"%s\",", (char *)g_ptr_array_index(r->hosts, i));
		g_assert_nonnull(strstr(page, h));
		g_free(h);
	}
	for (guint i = 0; i < r->sockets->len; i++) {
		const sock *s = g_ptr_array_index(r->sockets, i);
		gchar *row = g_strdup_printf("[%u,\"", s->id);
		gchar *bar = g_strdup_printf("<script type=\"application/json\" id=\"data\">");
		g_assert_nonnull(strstr(page, row));
		g_assert_nonnull(strstr(page, bar));
		g_free(row);
		g_free(bar);
	}
	/* Checksum failures: one entry per bad segment, with its explanation. */
	gchar *out = NULL, *err = NULL;
	g_assert_cmpint(run_tool(&out, &err, "--format", "jsonl", CAPTURE, NULL), ==, 0);
	gchar **lines = g_strsplit(out, "\n", -1);
	guint bad = 0;
	for (gchar **l = lines; *l; l++) {
		if (!strstr(*l, "\"checksum_status\":\"bad\""))
			continue;
		guint64 frame = g_ascii_strtoull(*l + strlen("{\"frame\":"), NULL, 10);
		gchar *id = g_strdup_printf("<details id=\"failure-%" G_GUINT64_FORMAT "\">", frame);
		const char *entry = strstr(page, id);
		g_assert_nonnull(entry);
		g_free(id);
		/* The --explain text of the frame is folded under it. */
		gchar *explain = g_strdup_printf("<pre class=\"explain\">frame %" G_GUINT64_FORMAT ": ", frame);
		const char *text = strstr(entry, explain);
		g_assert_nonnull(text);
		g_assert_true(text < strstr(entry, "</details>"));
		g_free(explain);
		bad++;
	}
	g_assert_cmpuint(bad, ==, 2);
	g_assert_nonnull(strstr(page, "No simple explanation"));
	g_strfreev(lines);
	g_free(out);
	g_free(err);
	g_free(page);

	/* Everything from the input is escaped: here a file name. */
	gchar *dir = g_dir_make_tmp("demuxsim-pictures-XXXXXX", NULL);
	gchar *odd = g_build_filename(dir, "a<b>&\"c.pcap", NULL);
	gchar *bytes = NULL, *src = g_build_filename(srcdir, CAPTURE, NULL);
	gsize len;
	g_assert_true(g_file_get_contents(src, &bytes, &len, NULL));
	g_assert_true(g_file_set_contents(odd, bytes, (gssize)len, NULL));
	gchar *path = g_build_filename(dir, "page.html", NULL);
	g_assert_cmpint(run_tool(&out, &err, "-q", "--report", path, odd, NULL), ==, 0);
	g_assert_true(g_file_get_contents(path, &page, NULL, NULL));
	g_assert_nonnull(strstr(page, "a&lt;b&gt;&amp;&quot;c.pcap"));
	g_assert_null(strstr(page, "a<b>"));
	g_unlink(path);
	g_unlink(odd);
	g_rmdir(dir);
	g_free(page);
	g_free(out);
	g_free(err);
	g_free(path);
	g_free(src);
	g_free(bytes);
	g_free(odd);
	g_free(dir);

	/* An unwritable report is an error naming the file. */
	g_assert_cmpint(run_tool(&out, &err, "-q", "--report", "/nonexistent/dir/r.html", CAPTURE, NULL), ==, 1);
	g_assert_nonnull(strstr(err, "/nonexistent/dir/r.html"));
	g_free(out);
	g_free(err);
	report_free(r);
}

static void
test_html_chromium(void)
{
	gchar *exe = tc_find_chromium();
	if (!exe) {
		g_test_skip("Chromium is not installed: the page was not rendered");
		return;
	}
	run_report *r = report_load();
	gchar *page = html_page(), *path = html_path();
	gchar *url = g_filename_to_uri(path, NULL, NULL);
	gchar *dom = NULL;

	g_assert_cmpint(tc_chromium(builddir, exe, url, "--dump-dom", NULL, &dom), ==, 0);
	g_assert_nonnull(strstr(dom, "</html>"));
	for (guint i = 0; i < r->hosts->len; i++) {
		gchar *h = g_strdup_printf("id=\"host-%s\"", (char *)g_ptr_array_index(r->hosts, i));
		g_assert_nonnull(strstr(dom, h));
		g_free(h);
	}
	for (guint i = 0; i < r->sockets->len; i++) {
		const sock *s = g_ptr_array_index(r->sockets, i);
		gchar *row = g_strdup_printf("<tr id=\"row-socket-%u\">", s->id);
		gchar *node = g_strdup_printf("<g id=\"socket-%u\" class=\"node\">", s->id);
		g_assert_nonnull(strstr(dom, row));
		if (strstr(page, "<div class=\"diagram\"><svg"))
			g_assert_nonnull(strstr(dom, node));
		g_free(row);
		g_free(node);
	}
	/* The diagram is an SVG element the browser parsed, with its nodes. */
	if (strstr(page, "<div class=\"diagram\"><svg")) {
		const char *diagram = strstr(dom, "<div class=\"diagram\"><svg");
		g_assert_nonnull(diagram);
		g_assert_nonnull(strstr(diagram, "<g id=\"graph0\" class=\"graph\""));
	} else {
		g_test_message("built without libgvc: the page says how to draw the diagram");
		g_assert_nonnull(strstr(dom, "dot -Tsvg"));
	}
	g_assert_nonnull(strstr(dom, "<div class=\"timeline\" id=\"timelinebox\"><svg"));
	g_assert_nonnull(strstr(dom, "<div id=\"first-screen\""));

	gchar *shot = g_build_filename(builddir, "tests", "cli", "report-screenshot.png", NULL);
	gchar *shot_arg = g_strconcat("--screenshot=", shot, NULL);
	gchar *out = NULL;
	g_unlink(shot);
	g_assert_cmpint(tc_chromium(builddir, exe, url, shot_arg, "--window-size=1280,2000", &out), ==, 0);
	gchar *png = NULL;
	gsize len = 0;
	g_assert_true(g_file_get_contents(shot, &png, &len, NULL));
	g_assert_cmpuint(len, >, 10000);
	g_assert_cmpmem(png, 8, "\x89PNG\r\n\x1a\n", 8);
	g_test_message("screenshot: %s", shot);

	g_free(png);
	g_free(out);
	g_free(shot_arg);
	g_free(shot);
	g_free(dom);
	g_free(url);
	g_free(path);
	g_free(page);
	g_free(exe);
	report_free(r);
}

/* A diagram too large for Graphviz to lay out in reasonable time is not
 * drawn on the page, which says so and how to draw it; the rest of the
 * page is all there and the run ends promptly. */
static void
test_html_large_diagram(void)
{
	gchar *dir = g_dir_make_tmp("demuxsim-pictures-XXXXXX", NULL);
	gchar *cap = g_build_filename(dir, "large.pcap", NULL);
	gchar *page_path = g_build_filename(dir, "page.html", NULL);
	gchar *gen = g_strdup(benchgen);
	gchar *out_arg = g_strdup_printf("--out=%s", cap);
	const char *const gen_argv[] = { gen, "--flows=1000", "--frames-per-flow=10",
	                                 "--seed=7", out_arg, NULL };
	gchar *out = NULL, *err = NULL;

	g_assert_cmpint(run_program(gen_argv, &out, &err), ==, 0);
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(run_tool(&out, &err, "-q", "--report", page_path, cap, NULL), ==, 0);
	gchar *page = NULL;
	g_assert_true(g_file_get_contents(page_path, &page, NULL, NULL));
	const char *diagram = strstr(page, "<section id=\"diagram\">");
	g_assert_nonnull(diagram);
	if (strstr(diagram, "built without Graphviz")) {
		g_test_skip("this demuxsim was built without Graphviz's libgvc");
	} else {
		/* The busiest hosts are drawn, named, with --host explained. */
		g_assert_nonnull(strstr(diagram, "The whole diagram is too large to draw here (it has "));
		g_assert_nonnull(strstr(diagram, "busiest host"));
		g_assert_nonnull(strstr(diagram, "left out"));
		g_assert_nonnull(strstr(diagram, "--host ADDR"));
		g_assert_nonnull(strstr(diagram, "class=\"legend\""));
		const char *end = strstr(diagram, "</section>");
		g_assert_nonnull(end);
		const char *svg = strstr(diagram, "<svg");
		g_assert_true(svg && svg < end);
	}
	g_assert_nonnull(strstr(page, "\n[\"10.1.0."));
	g_assert_nonnull(strstr(page, "</html>"));
	g_free(page);
	g_free(out);
	g_free(err);
	g_unlink(page_path);
	g_unlink(cap);
	g_rmdir(dir);
	g_free(out_arg);
	g_free(gen);
	g_free(page_path);
	g_free(cap);
	g_free(dir);
}

/* The report of a large capture (1,000,000 frames; 100,000 under
 * valgrind or the sanitizers) opens in headless Chromium and draws its
 * first screen within 5 s (the page's own marker says when), and
 * #search=ADDR finds the least busy host, the last of the data. */
static void
test_html_first_screen(void)
{
	gchar *exe = tc_find_chromium();
	if (!exe) {
		g_test_skip("Chromium is not installed: the page was not rendered");
		return;
	}
	bool light = g_getenv("DEMUXSIM_VALGRIND_TOOL") || g_getenv("ASAN_OPTIONS") ||
	             g_getenv("UBSAN_OPTIONS");
	const char *limit = light ? "--limit=100000" : "--limit=1000000";
	if (light)
		g_test_message("under valgrind or a sanitizer: 100,000 frames, not 1,000,000");
	gchar *dir = g_dir_make_tmp("demuxsim-pictures-XXXXXX", NULL);
	gchar *cap = g_build_filename(dir, "big.pcap", NULL);
	gchar *page_path = g_build_filename(dir, "page.html", NULL);
	gchar *out_arg = g_strdup_printf("--out=%s", cap);
	const char *const gen_argv[] = { benchgen, "--flows=100000", "--frames-per-flow=10",
	                                 "--seed=1", limit, out_arg, NULL };
	gchar *out = NULL, *err = NULL, *page = NULL, *dom = NULL;

	g_assert_cmpint(run_program(gen_argv, &out, &err), ==, 0);
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	g_assert_cmpint(run_tool(&out, &err, "-q", "--report", page_path, cap, NULL), ==, 0);
	gsize size = 0;
	g_assert_true(g_file_get_contents(page_path, &page, &size, NULL));
	g_test_message("report: %" G_GSIZE_FORMAT " bytes", size);
	/* The least busy host: the last of the data's hosts. */
	const char *end = strstr(page, "],\n\"refused\":");
	g_assert_nonnull(end);
	const char *last = g_strrstr_len(page, end - page, "\n[\"");
	g_assert_nonnull(last);
	gchar *addr = g_strndup(last + 3, strcspn(last + 3, "\""));
	gchar *uri = g_filename_to_uri(page_path, NULL, NULL);
	gchar *url = g_strconcat(uri, "#search=", addr, NULL);
	gint64 t0 = g_get_monotonic_time();
	g_assert_cmpint(tc_chromium(builddir, exe, url, "--dump-dom", NULL, &dom), ==, 0);
	g_test_message("Chromium: %.2f s from start to the dumped DOM",
	               (g_get_monotonic_time() - t0) / 1e6);
	const char *mark = strstr(dom, "<div id=\"first-screen\" hidden=\"\" data-ms=\"");
	g_assert_nonnull(mark);
	guint64 ms = g_ascii_strtoull(strstr(mark, "data-ms=\"") + 9, NULL, 10);
	g_test_message("first screen drawn %" G_GUINT64_FORMAT " ms after navigation", ms);
	g_assert_cmpuint(ms, <, 5000);
	gchar *want = g_strdup_printf("<h3 id=\"host-%s\">", addr);
	g_assert_nonnull(strstr(dom, want));
	g_assert_nonnull(strstr(dom, "<tr id=\"row-socket-"));
	g_free(want);
	g_free(url);
	g_free(uri);
	g_free(addr);
	g_free(dom);
	g_free(page);
	g_free(out);
	g_free(err);
	g_unlink(page_path);
	g_unlink(cap);
	g_rmdir(dir);
	g_free(out_arg);
	g_free(page_path);
	g_free(cap);
	g_free(dir);
	g_free(exe);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	tr_paths where = tr_paths_get();
	tool = where.tool;
	srcdir = where.srcdir;
	builddir = where.builddir;
	benchgen = where.benchgen;
	gchar *tests = g_build_filename(builddir, "tests", "cli", NULL);
	g_mkdir_with_parents(tests, 0755);
	g_free(tests);

	g_test_add_func("/pictures/dot/every-socket", test_dot_every_socket);
	g_test_add_func("/pictures/dot/segments", test_dot_segments);
	g_test_add_func("/pictures/dot/max-nodes", test_dot_max_nodes);
	g_test_add_func("/pictures/svg/well-formed", test_svg_well_formed);
	g_test_add_func("/pictures/html/page", test_html_page);
	g_test_add_func("/pictures/html/chromium", test_html_chromium);
	g_test_add_func("/pictures/html/large-diagram", test_html_large_diagram);
	g_test_add_func("/pictures/html/1m-first-screen", test_html_first_screen);
	int rc = g_test_run();
	g_free(tool);
	g_free(srcdir);
	g_free(builddir);
	g_free(benchgen);
	return rc;
}
