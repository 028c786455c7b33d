/* test-tunnel.c - the packets inside tunnels, through the command line, on
 * captures/tunnels.pcap (written by tests/gen/mktunnel.py, whose
 * checksums and truth it computes itself):
 *   /tunnel/truth          every row of tunnels.pcap.tunnels.tsv is a jsonl
 *                          record with that chain, outcome, addresses,
 *                          ports and checksum verdict, and no other
 *                          record carries a chain;
 *   /tunnel/refused        the inner datagram the ICMP error inside VXLAN
 *                          answers is refused, in one pass as in two;
 *   /tunnel/summary        the JSON summary counts by encapsulation;
 *   /tunnel/no-tunnels     --no-tunnels stops at the outer headers;
 *   /tunnel/ports          --tunnel vxlan=4789 leaves 8472 closed, and
 *                          --tunnel vxlan= every VXLAN port;
 *   /tunnel/bad-option     a bad --tunnel is a usage error (2) on one line.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "testrun.h"

static tr_paths paths;
static char *capture;

/* The jsonl records of a run with @extra options (NULL-terminated). */
static GPtrArray *
records(const char *const *extra)
{
	const char *args[16] = { "-r", capture, "--all-frames", "--format", "jsonl" };
	int n = 5;
	for (const char *const *e = extra; e && *e; e++)
		args[n++] = *e;
	args[n] = NULL;
	gchar *out = tr_run_ok(paths.tool, args);
	GPtrArray *recs = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	char **lines = g_strsplit(out, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		if (!lines[i][0])
			continue;
		GError *err = NULL;
		JsonNode *node = json_from_string(lines[i], &err);
		g_assert_no_error(err);
		if (JSON_NODE_HOLDS_OBJECT(node) &&
		    json_object_has_member(json_node_get_object(node), "frame"))
			g_ptr_array_add(recs, node);
		else
			json_node_unref(node);
	}
	g_strfreev(lines);
	g_free(out);
	return recs;
}

/* A record's chain as the truth writes it ("gre:1>vxlan:9"), or NULL. */
static char *
chain_of(JsonObject *o)
{
	if (!json_object_has_member(o, "encap"))
		return NULL;
	JsonArray *a = json_object_get_array_member(o, "encap");
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *e = json_array_get_object_element(a, i);
		g_string_append_printf(s, "%s%s", i ? ">" : "", json_object_get_string_member(e, "kind"));
		if (!json_object_get_null_member(e, "id"))
			g_string_append_printf(s, ":%" G_GINT64_FORMAT,
			                       json_object_get_int_member(e, "id"));
	}
	return g_string_free(s, FALSE);
}

/* The record's fields as a truth row ("frame\tchain\toutcome..."). */
static char *
row_of(JsonObject *o, const char *chain)
{
	gint64 frame = json_object_get_int_member(o, "frame");
	if (json_object_has_member(o, "skipped"))
		return g_strdup_printf("%" G_GINT64_FORMAT "\t%s\t%s", frame, chain,
		                       json_object_get_string_member(o, "skipped"));
	return g_strdup_printf("%" G_GINT64_FORMAT "\t%s\tsegment\t%s\t%s\t%" G_GINT64_FORMAT
	                       "\t%s\t%" G_GINT64_FORMAT "\t%s", frame, chain,
	                       json_object_get_string_member(o, "proto"),
	                       json_object_get_string_member(o, "src"),
	                       json_object_get_int_member(o, "sport"),
	                       json_object_get_string_member(o, "dst"),
	                       json_object_get_int_member(o, "dport"),
	                       json_object_get_string_member(o, "checksum_status"));
}

/* Every record with a chain, as truth rows, in order. */
static GPtrArray *
chain_rows(GPtrArray *recs)
{
	GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < recs->len; i++) {
		JsonObject *o = json_node_get_object(g_ptr_array_index(recs, i));
		char *chain = chain_of(o);
		if (chain)
			g_ptr_array_add(rows, row_of(o, chain));
		g_free(chain);
	}
	return rows;
}

static void
test_truth(void)
{
	char *path = g_strconcat(capture, ".tunnels.tsv", NULL), *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	char **want = g_strsplit(text, "\n", -1);
	GPtrArray *recs = records(NULL);
	GPtrArray *have = chain_rows(recs);
	guint n = 0;
	for (guint i = 1; want[i]; i++) {
		if (!want[i][0])
			continue;
		g_assert_cmpuint(n, <, have->len);
		g_assert_cmpstr(g_ptr_array_index(have, n), ==, want[i]);
		n++;
	}
	g_assert_cmpuint(n, ==, have->len);
	g_assert_cmpuint(n, >=, 30);
	g_ptr_array_unref(have);
	g_ptr_array_unref(recs);
	g_strfreev(want);
	g_free(text);
	g_free(path);
}

/* The action and evidence of the first record inside a tunnel. */
static void
first_inner(const char *const *extra, char **action, gint64 *evidence)
{
	GPtrArray *recs = records(extra);
	for (guint i = 0; i < recs->len; i++) {
		JsonObject *o = json_node_get_object(g_ptr_array_index(recs, i));
		if (json_object_has_member(o, "encap")) {
			*action = g_strdup(json_object_get_string_member(o, "action"));
			*evidence = json_object_get_int_member(o, "evidence");
			break;
		}
	}
	g_ptr_array_unref(recs);
}

static void
test_refused(void)
{
	const char *two[] = { "--two-pass", NULL };
	const char *const *runs[] = { NULL, two };
	for (guint i = 0; i < G_N_ELEMENTS(runs); i++) {
		char *action = NULL;
		gint64 evidence = 0;
		first_inner(runs[i], &action, &evidence);
		g_assert_cmpstr(action, ==, "refused");
		g_assert_cmpint(evidence, ==, 2);
		g_free(action);
	}
}

static void
test_summary(void)
{
	const char *args[] = { "-q", "--format", "json", "-r", capture, NULL };
	gchar *out = tr_run_ok(paths.tool, args);
	JsonNode *root = json_from_string(out, NULL);
	g_assert_nonnull(root);
	JsonObject *t = json_object_get_object_member(json_node_get_object(root), "tunnels");
	g_assert_nonnull(t);
	JsonObject *by = json_object_get_object_member(t, "by_encapsulation");
	g_assert_cmpint(json_object_get_int_member(by, "vxlan"), ==, 6);
	g_assert_cmpint(json_object_get_int_member(by, "gre"), ==, 4);
	g_assert_cmpint(json_object_get_int_member(by, "ipv4-in-ip"), ==, 11);
	JsonObject *out_by = json_object_get_object_member(t, "by_outcome");
	g_assert_cmpint(json_object_get_int_member(out_by, "link-header-limit"), ==, 1);
	g_assert_cmpint(json_object_get_int_member(out_by, "truncated-link"), ==, 1);
	json_node_unref(root);
	g_free(out);
}

/* How many records carry a chain whose outermost tunnel is of @kind (NULL:
 * any). */
static guint
count_chains(const char *const *extra, const char *kind)
{
	GPtrArray *recs = records(extra);
	GPtrArray *rows = chain_rows(recs);
	guint n = 0;
	for (guint i = 0; i < rows->len; i++) {
		char **f = g_strsplit(g_ptr_array_index(rows, i), "\t", 3);
		gsize len = strcspn(f[1], ":>");
		n += !kind || (strlen(kind) == len && strncmp(f[1], kind, len) == 0);
		g_strfreev(f);
	}
	g_ptr_array_unref(rows);
	g_ptr_array_unref(recs);
	return n;
}

static void
test_no_tunnels(void)
{
	const char *off[] = { "--no-tunnels", NULL };
	g_assert_cmpuint(count_chains(NULL, NULL), >, 0);
	g_assert_cmpuint(count_chains(off, NULL), ==, 0);
}

static void
test_ports(void)
{
	const char *one[] = { "--tunnel", "vxlan=4789", NULL };
	const char *none[] = { "--tunnel", "vxlan=", NULL };
	const char *moved[] = { "--tunnel", "vxlan=", "--tunnel", "geneve=4789,6081", NULL };
	guint all = count_chains(NULL, "vxlan");
	g_assert_cmpuint(all, ==, 5);
	g_assert_cmpuint(count_chains(one, "vxlan"), ==, all - 1);   /* not 8472 */
	g_assert_cmpuint(count_chains(none, "vxlan"), ==, 0);
	/* VXLAN read as Geneve: version 0, but no Ethertype (0): not IP. */
	g_assert_cmpuint(count_chains(moved, "vxlan"), ==, 0);
	g_assert_cmpuint(count_chains(moved, "geneve"), >, 2);
}

static void
test_bad_option(void)
{
	static const char *const bad[] = { "foo=1", "vxlan", "vxlan=0", "vxlan=70000", "gre=47" };
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		const char *args[] = { "--tunnel", bad[i], "-r", capture, NULL };
		gchar *out = NULL, *err = NULL;
		g_assert_cmpint(tr_run(NULL, paths.tool, args, &out, &err), ==, 2);
		g_assert_nonnull(strstr(err, "--tunnel"));
		g_assert_cmpstr(out, ==, "");
		g_free(out);
		g_free(err);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	capture = g_build_filename(paths.srcdir, "captures", "tunnels.pcap", NULL);
	g_test_add_func("/tunnel/truth", test_truth);
	g_test_add_func("/tunnel/refused", test_refused);
	g_test_add_func("/tunnel/summary", test_summary);
	g_test_add_func("/tunnel/no-tunnels", test_no_tunnels);
	g_test_add_func("/tunnel/ports", test_ports);
	g_test_add_func("/tunnel/bad-option", test_bad_option);
	int rc = g_test_run();
	g_free(capture);
	tr_paths_clear(&paths);
	return rc;
}
