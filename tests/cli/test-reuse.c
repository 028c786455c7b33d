/* test-reuse.c - Linux's lookup rules through the command line, on
 * captures/reuse.pcap with captures/reuse.ini (written by
 * tests/gen/mkreuse.py with its truth, reuse.pcap.lookup.tsv):
 *   /reuse/truth        every segment goes where the truth says: the
 *                       action, the lookup, the local endpoint of the
 *                       socket (for a SYN, of the listener), one member
 *                       of the reuseport group per flow, and the flows
 *                       spread over more than one;
 *   /reuse/report       the host of two addresses is listed once with
 *                       both, in the text, JSON and HTML reports, and its
 *                       group members and v6only socket are marked; the
 *                       CSV writes each socket in its own family;
 *   /reuse/merge        shards merged list it the same way;
 *   /reuse/conflict     a file bind() would refuse is an input error (1)
 *                       naming both entries and EADDRINUSE;
 *   /reuse/same-host    --same-host joins two addresses in learn mode; a
 *                       bad one is a usage error (2).
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "testrun.h"

static tr_paths paths;
static char *capture, *ini, *truth;

/* A JSON document's root object (the node is kept in *@node). */
static JsonObject *
parse_json(const char *text, JsonNode **node)
{
	GError *err = NULL;
	*node = json_from_string(text, &err);
	g_assert_no_error(err);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(*node));
	return json_node_get_object(*node);
}

/* The JSON report of a run with @extra options (NULL-terminated). */
static JsonNode *
report(const char *const *extra)
{
	const char *args[16] = { "-q", "--format", "json" };
	int n = 3;
	for (const char *const *e = extra; e && *e; e++)
		args[n++] = *e;
	args[n] = NULL;
	gchar *out = tr_run_ok(paths.tool, args);
	JsonNode *node;
	parse_json(out, &node);
	g_free(out);
	return node;
}

/* The host object at @address in report @doc, or NULL. */
static JsonObject *
host_at(JsonObject *doc, const char *address)
{
	JsonArray *hosts = json_object_get_array_member(doc, "hosts");
	for (guint i = 0; i < json_array_get_length(hosts); i++) {
		JsonObject *h = json_array_get_object_element(hosts, i);
		if (strcmp(json_object_get_string_member(h, "address"), address) == 0)
			return h;
	}
	return NULL;
}

/* Socket id -> its JSON object, over every host of @doc. */
static GHashTable *
sockets_by_id(JsonObject *doc)
{
	GHashTable *t = g_hash_table_new(g_direct_hash, g_direct_equal);
	JsonArray *hosts = json_object_get_array_member(doc, "hosts");
	for (guint i = 0; i < json_array_get_length(hosts); i++) {
		JsonArray *s = json_object_get_array_member(json_array_get_object_element(hosts, i),
		                                            "sockets");
		for (guint j = 0; j < json_array_get_length(s); j++) {
			JsonObject *o = json_array_get_object_element(s, j);
			g_hash_table_insert(t, GINT_TO_POINTER(json_object_get_int_member(o, "id")), o);
		}
	}
	return t;
}

static void
test_truth(void)
{
	const char *rargs[] = { "--sockets", ini, "-r", capture, NULL };
	JsonNode *rep = report(rargs);
	GHashTable *by_id = sockets_by_id(json_node_get_object(rep));
	const char *args[] = { "--sockets", ini, "-r", capture, "--format", "jsonl", NULL };
	gchar *out = tr_run_ok(paths.tool, args);
	gchar *want = NULL;
	g_assert_true(g_file_get_contents(truth, &want, NULL, NULL));

	/* The records by frame. */
	GPtrArray *recs = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	char **lines = g_strsplit(out, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		JsonNode *n;
		if (!lines[i][0])
			continue;
		JsonObject *o = parse_json(lines[i], &n);
		if (json_object_has_member(o, "frame"))
			g_ptr_array_add(recs, n);
		else
			json_node_unref(n);
	}
	g_strfreev(lines);

	GHashTable *flow_member = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *members = g_hash_table_new(g_direct_hash, g_direct_equal);
	char **rows = g_strsplit(want, "\n", -1);
	guint checked = 0;
	for (int i = 0; rows[i]; i++) {
		if (!rows[i][0] || rows[i][0] == '#')
			continue;
		char **f = g_strsplit(rows[i], "\t", -1);
		g_assert_cmpuint(g_strv_length(f), ==, 5);
		guint frame = (guint)atoi(f[0]);
		g_assert_cmpuint(frame, <=, recs->len);
		JsonObject *r = json_node_get_object(g_ptr_array_index(recs, frame - 1));
		g_assert_cmpint(json_object_get_int_member(r, "frame"), ==, frame);
		g_assert_cmpstr(json_object_get_string_member(r, "action"), ==, f[1]);
		g_assert_cmpstr(json_object_get_string_member(r, "lookup"), ==, f[2]);
		if (strcmp(f[3], "-") != 0) {
			gint64 id = json_object_get_int_member(r, "socket");
			JsonObject *s = g_hash_table_lookup(by_id, GINT_TO_POINTER(id));
			g_assert_nonnull(s);
			if (strcmp(f[1], "spawned") == 0)
				s = g_hash_table_lookup(by_id, GINT_TO_POINTER(
					json_object_get_int_member(s, "parent")));
			g_assert_nonnull(s);
			g_assert_cmpstr(json_object_get_string_member(s, "local"), ==, f[3]);
			if (strcmp(f[4], "-") != 0) {
				g_assert_true(json_object_has_member(s, "reuseport_member"));
				gpointer had = g_hash_table_lookup(flow_member, f[4]);
				if (had)
					g_assert_true(had == s);  /* one flow, one member */
				else
					g_hash_table_insert(flow_member, g_strdup(f[4]), s);
				g_hash_table_add(members, s);
			}
		}
		checked++;
		g_strfreev(f);
	}
	g_assert_cmpuint(checked, ==, recs->len);
	g_assert_cmpuint(g_hash_table_size(flow_member), ==, 12);
	g_assert_cmpuint(g_hash_table_size(members), >=, 2);  /* the flows spread */
	g_strfreev(rows);
	g_hash_table_unref(members);
	g_hash_table_unref(flow_member);
	g_ptr_array_unref(recs);
	g_free(want);
	g_free(out);
	g_hash_table_unref(by_id);
	json_node_unref(rep);
}

/* "addresses" of @h as one string, "A B". */
static char *
addresses_of(JsonObject *h)
{
	JsonArray *a = json_object_get_array_member(h, "addresses");
	GString *s = g_string_new(NULL);
	for (guint i = 0; a && i < json_array_get_length(a); i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", json_array_get_string_element(a, i));
	return g_string_free(s, FALSE);
}

static void
check_web1(JsonObject *doc)
{
	g_assert_null(host_at(doc, "2001:db8::2"));  /* listed once */
	JsonObject *h = host_at(doc, "198.51.100.2");
	g_assert_nonnull(h);
	g_assert_cmpstr(json_object_get_string_member(h, "name"), ==, "web1");
	char *a = addresses_of(h);
	g_assert_cmpstr(a, ==, "198.51.100.2 2001:db8::2");
	g_free(a);
	JsonArray *s = json_object_get_array_member(h, "sockets");
	guint group = 0, v6only = 0;
	for (guint i = 0; i < json_array_get_length(s); i++) {
		JsonObject *o = json_array_get_object_element(s, i);
		if (json_object_has_member(o, "reuseport_member"))
			g_assert_cmpint(json_object_get_int_member(o, "reuseport_member"), ==, group++);
		v6only += json_object_has_member(o, "v6only");
	}
	g_assert_cmpuint(group, ==, 4);
	g_assert_cmpuint(v6only, ==, 1);
	/* A host of one address has no "addresses". */
	g_assert_false(json_object_has_member(host_at(doc, "198.51.100.7"), "addresses"));
}

static void
test_report(void)
{
	const char *rargs[] = { "--sockets", ini, "-r", capture, NULL };
	JsonNode *rep = report(rargs);
	check_web1(json_node_get_object(rep));
	json_node_unref(rep);

	const char *args[] = { "-q", "--sockets", ini, "-r", capture, NULL };
	gchar *out = tr_run_ok(paths.tool, args);
	g_assert_nonnull(strstr(out, "\nHost 198.51.100.2 (web1; also 2001:db8::2)\n"));
	g_assert_null(strstr(out, "\nHost 2001:db8::2"));
	g_assert_nonnull(strstr(out, " declared reuseport-member-3\n"));
	g_assert_nonnull(strstr(out, " declared v6only\n"));
	/* Its wildcards by family; a host of one address keeps "*". */
	g_assert_nonnull(strstr(out, "  udp   UNCONN       [::]:53 "));
	g_assert_nonnull(strstr(out, "  udp   UNCONN       0.0.0.0:53 "));
	g_assert_nonnull(strstr(out, "  udp   UNCONN       *:5000 "));
	g_free(out);

	/* HTML: the host's data carries its name and other address. */
	gchar *dir = g_dir_make_tmp("test-reuse-XXXXXX", NULL);
	gchar *html = g_build_filename(dir, "r.html", NULL);
	const char *hargs[] = { "-q", "--report", html, "--sockets", ini, "-r", capture, NULL };
	g_free(tr_run_ok(paths.tool, hargs));
	gchar *page = NULL;
	g_assert_true(g_file_get_contents(html, &page, NULL, NULL));
	g_assert_nonnull(strstr(page, "\"web1; also 2001:db8::2\"]"));
	g_free(page);
	g_unlink(html);
	g_rmdir(dir);
	g_free(html);
	g_free(dir);

	/* --calls: a declared IPv6 socket binds [::], beside IPv4 ones. */
	const char *kargs[] = { "-q", "--calls", "--sockets", ini, "-r", capture, NULL };
	out = tr_run_ok(paths.tool, kargs);
	g_assert_nonnull(strstr(out, "socket(SOCK_DGRAM) bind([::]:443)"));
	g_assert_nonnull(strstr(out, "socket(SOCK_DGRAM) bind(0.0.0.0:53)"));
	g_free(out);

	/* CSV: each socket's address in its own family. */
	const char *cargs[] = { "-q", "--format", "csv", "--sockets", ini, "-r", capture, NULL };
	out = tr_run_ok(paths.tool, cargs);
	g_assert_nonnull(strstr(out, "\n198.51.100.2,1,udp,bound,::,443,"));
	g_assert_nonnull(strstr(out, ",tcp,connection,2001:db8::2,9443,2001:db8::1,41000,"));
	g_free(out);

	const char *targs[] = { "--sockets", ini, "-r", capture, NULL };
	out = tr_run_ok(paths.tool, targs);
	g_assert_nonnull(strstr(out, "(wildcard-bound; member "));
	g_assert_nonnull(strstr(out, " of group on *:5353 by hash)"));
	g_free(out);
}

static void
test_merge(void)
{
	gchar *dir = g_dir_make_tmp("test-reuse-XXXXXX", NULL);
	gchar *a = g_build_filename(dir, "a.json", NULL), *b = g_build_filename(dir, "b.json", NULL);
	const char *shard[] = { "0/2", "1/2" };
	gchar *file[] = { a, b };
	for (int i = 0; i < 2; i++) {
		const char *args[] = { "-q", "--format", "json", "--shard", shard[i], "--sockets", ini,
		                       "-r", capture, NULL };
		gchar *out = tr_run_ok(paths.tool, args);
		g_assert_true(g_file_set_contents(file[i], out, -1, NULL));
		g_free(out);
	}
	const char *margs[] = { "merge", a, b, NULL };
	gchar *out = tr_run_ok(paths.tool, margs);
	JsonNode *n;
	check_web1(parse_json(out, &n));
	json_node_unref(n);
	g_free(out);
	g_unlink(a);
	g_unlink(b);
	g_rmdir(dir);
	g_free(a);
	g_free(b);
	g_free(dir);
}

static void
test_conflict(void)
{
	gchar *path = NULL;
	int fd = g_file_open_tmp("test-reuse-XXXXXX.ini", &path, NULL);
	g_close(fd, NULL);
	g_assert_true(g_file_set_contents(path, "[web1]\naddresses = 198.51.100.2, 2001:db8::2\n"
	                                  "tcp = [::]:443; 198.51.100.2:443\n", -1, NULL));
	const char *args[] = { "-q", "--sockets", path, "-r", capture, NULL };
	gchar *out = NULL, *err = NULL;
	g_assert_cmpint(tr_run(NULL, paths.tool, args, &out, &err), ==, 1);
	g_assert_nonnull(strstr(err, "line 3 [web1] tcp: '[::]:443' and line 3 [web1] tcp: "
	                             "'198.51.100.2:443'"));
	g_assert_nonnull(strstr(err, "EADDRINUSE"));
	g_assert_null(strchr(err, '\n') ? strchr(strchr(err, '\n') + 1, '\n') : NULL);
	g_free(out);
	g_free(err);
	g_unlink(path);
	g_free(path);
}

static void
test_same_host(void)
{
	const char *args[] = { "--same-host", "198.51.100.2,2001:db8::2", "-r", capture, NULL };
	JsonNode *rep = report(args);
	JsonObject *doc = json_node_get_object(rep);
	g_assert_null(host_at(doc, "2001:db8::2"));
	JsonObject *h = host_at(doc, "198.51.100.2");
	g_assert_nonnull(h);
	g_assert_false(json_object_has_member(h, "name"));
	char *a = addresses_of(h);
	g_assert_cmpstr(a, ==, "198.51.100.2 2001:db8::2");
	g_free(a);
	json_node_unref(rep);

	/* --host names it by either address. */
	const char *vargs[] = { "-q", "--same-host", "198.51.100.2,2001:db8::2", "--host",
	                        "2001:db8::2", "-r", capture, NULL };
	gchar *text = tr_run_ok(paths.tool, vargs);
	g_assert_nonnull(strstr(text, "\nHost 198.51.100.2 (also 2001:db8::2)\n"));
	g_assert_null(strstr(text, "\nHost 192.0.2.1"));
	g_free(text);

	/* Without it, one host per address. */
	const char *plain[] = { "-r", capture, NULL };
	rep = report(plain);
	g_assert_nonnull(host_at(json_node_get_object(rep), "2001:db8::2"));
	json_node_unref(rep);

	static const char *const bad[] = { "198.51.100.2", "198.51.100.2,web1", NULL };
	for (int i = 0; bad[i]; i++) {
		const char *bargs[] = { "--same-host", bad[i], "-r", capture, NULL };
		gchar *out = NULL, *err = NULL;
		g_assert_cmpint(tr_run(NULL, paths.tool, bargs, &out, &err), ==, 2);
		g_assert_nonnull(strstr(err, "--same-host"));
		g_free(out);
		g_free(err);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	capture = g_build_filename(paths.srcdir, "captures", "reuse.pcap", NULL);
	ini = g_build_filename(paths.srcdir, "captures", "reuse.ini", NULL);
	truth = g_build_filename(paths.srcdir, "captures", "reuse.pcap.lookup.tsv", NULL);
	g_test_add_func("/reuse/truth", test_truth);
	g_test_add_func("/reuse/report", test_report);
	g_test_add_func("/reuse/merge", test_merge);
	g_test_add_func("/reuse/conflict", test_conflict);
	g_test_add_func("/reuse/same-host", test_same_host);
	int rc = g_test_run();
	g_free(capture);
	g_free(ini);
	g_free(truth);
	tr_paths_clear(&paths);
	return rc;
}
