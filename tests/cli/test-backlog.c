/* test-backlog.c - a TCP listener's SYN queue, accept queue and SYN
 * cookies (--somaxconn, --syn-backlog, --syncookies, a declared
 * "tcp = 80/BACKLOG"), on a mixed SYN flood made at run time by
 * tests/gen/mksynflood.py: SYNS spoofed SYNs to 10.9.0.1:80, none
 * answered, and CLIENTS real clients 192.0.2.10+ that handshake, send a
 * request, get an answer and close, the first before the flood and the
 * others during it.  The SYNs are counted from the capture, not taken
 * from the generator.
 *
 * With the SYN queue full, a real client's SYN is answered with a cookie
 * and its connection still made ("accepted via syncookie"): every real
 * connection is kept.  Without cookies the SYNs past the queue are
 * dropped (syn-queue-full).  Bad values of the options and of a declared
 * backlog end the run with one line (exit 2 and 1, as README says).
 * Skipped when python3 is not installed.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include "testrun.h"

#define SYNS 1000
#define CLIENTS 5
#define SERVER "10.9.0.1"

static tr_paths paths;
static gchar *workdir, *capture, *python;
static guint64 capture_syns;

/* SYNs without ACK in @path (pcap, LINKTYPE_RAW IPv4). */
static guint64
count_syns(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char hdr[24], rec[16], pkt[65536];
	guint64 n = 0;
	g_assert_nonnull(f);
	g_assert_cmpuint(fread(hdr, 1, 24, f), ==, 24);
	while (fread(rec, 1, 16, f) == 16) {
		guint32 len = rec[8] | rec[9] << 8 | rec[10] << 16 | (guint32)rec[11] << 24;
		g_assert_cmpuint(len, <=, sizeof pkt);
		g_assert_cmpuint(fread(pkt, 1, len, f), ==, len);
		guint ihl = (pkt[0] & 15u) * 4;
		if (len >= ihl + 14 && pkt[9] == 6 && (pkt[ihl + 13] & 0x12) == 0x02)
			n++;
	}
	fclose(f);
	return n;
}

/* What demuxsim -q --format json ARGS... CAPTURE writes (g_free it). */
static gchar *
run_report(const char *const *args)
{
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, "-q");
	g_ptr_array_add(a, "--format=json");
	for (const char *const *p = args; p && *p; p++)
		g_ptr_array_add(a, (gpointer)*p);
	g_ptr_array_add(a, capture);
	g_ptr_array_add(a, NULL);
	gchar *out = tr_run_ok(paths.tool, (const char *const *)a->pdata);
	g_ptr_array_unref(a);
	return out;
}

/* The JSON report of demuxsim -q --format json ARGS... CAPTURE. */
static JsonNode *
report(const char *const *args)
{
	gchar *out = run_report(args);
	JsonParser *p = json_parser_new();
	GError *err = NULL;
	if (!json_parser_load_from_data(p, out, -1, &err))
		g_error("the report is not JSON: %s", err->message);
	JsonNode *root = json_node_copy(json_parser_get_root(p));
	g_object_unref(p);
	g_free(out);
	return root;
}

static JsonObject *
host(JsonNode *root, const char *addr)
{
	JsonArray *hosts = json_object_get_array_member(json_node_get_object(root), "hosts");
	for (guint i = 0; i < json_array_get_length(hosts); i++) {
		JsonObject *h = json_array_get_object_element(hosts, i);
		if (strcmp(json_object_get_string_member(h, "address"), addr) == 0)
			return h;
	}
	g_error("no host %s in the report", addr);
	return NULL;
}

static JsonObject *
listener(JsonNode *root)
{
	JsonArray *s = json_object_get_array_member(host(root, SERVER), "sockets");
	for (guint i = 0; i < json_array_get_length(s); i++) {
		JsonObject *o = json_array_get_object_element(s, i);
		if (strcmp(json_object_get_string_member(o, "kind"), "listen") == 0)
			return o;
	}
	g_error("no listener on " SERVER);
	return NULL;
}

static gint64
bl(JsonNode *root, const char *member)
{
	JsonObject *l = listener(root);
	g_assert_true(json_object_has_member(l, "backlog"));
	return json_object_get_int_member(json_object_get_object_member(l, "backlog"), member);
}

/* The server's sockets with @state that are children of its listener
 * (@midstream as given). */
static guint
children(JsonNode *root, const char *state, gboolean midstream)
{
	gint64 id = json_object_get_int_member(listener(root), "id");
	JsonArray *s = json_object_get_array_member(host(root, SERVER), "sockets");
	guint n = 0;
	for (guint i = 0; i < json_array_get_length(s); i++) {
		JsonObject *o = json_array_get_object_element(s, i);
		JsonNode *par = json_object_get_member(o, "parent");
		if (JSON_NODE_HOLDS_VALUE(par) && json_node_get_int(par) == id &&
		    g_strcmp0(json_object_get_string_member(o, "state"), state) == 0 &&
		    json_object_get_boolean_member(o, "midstream") == midstream)
			n++;
	}
	return n;
}

/* Every real client's connection: the server's end a child of the
 * listener, not picked up mid-stream, CLOSED with its 6-byte request;
 * the client's end TIME-WAIT, not mid-stream. */
static void
check_clients(JsonNode *root)
{
	gint64 id = json_object_get_int_member(listener(root), "id");
	for (int c = 0; c < CLIENTS; c++) {
		gchar *addr = g_strdup_printf("192.0.2.%d", 10 + c);
		gchar *remote = g_strdup_printf("%s:%d", addr, 40000 + c);
		JsonArray *s = json_object_get_array_member(host(root, SERVER), "sockets");
		guint found = 0;
		for (guint i = 0; i < json_array_get_length(s); i++) {
			JsonObject *o = json_array_get_object_element(s, i);
			if (g_strcmp0(json_object_get_string_member(o, "remote"), remote))
				continue;
			found++;
			g_assert_cmpint(json_object_get_int_member(o, "parent"), ==, id);
			g_assert_false(json_object_get_boolean_member(o, "midstream"));
			g_assert_cmpstr(json_object_get_string_member(o, "state"), ==, "CLOSED");
			g_assert_cmpint(json_object_get_int_member(o, "bytes"), ==, 6);
		}
		g_assert_cmpuint(found, ==, 1);
		JsonArray *cs = json_object_get_array_member(host(root, addr), "sockets");
		g_assert_cmpuint(json_array_get_length(cs), ==, 1);
		JsonObject *o = json_array_get_object_element(cs, 0);
		g_assert_cmpstr(json_object_get_string_member(o, "state"), ==, "TIME-WAIT");
		g_assert_false(json_object_get_boolean_member(o, "midstream"));
		g_free(addr);
		g_free(remote);
	}
}

static gboolean
have_python(void)
{
	if (!python)
		g_test_skip("python3 is not installed: no flood capture");
	return python != NULL;
}

/* --somaxconn 64, cookies when the queue is full (the default): 64
 * spoofed SYNs fill the queue (the first client's completes before), the
 * rest get cookies, and the four clients that come later are accepted via
 * their cookies. */
static void
test_cookies(void)
{
	if (!have_python())
		return;
	JsonNode *r = report((const char *const[]){ "--somaxconn=64", NULL });
	g_assert_cmpint(bl(r, "backlog"), ==, 64);
	g_assert_false(json_object_get_boolean_member(
		json_object_get_object_member(listener(r), "backlog"), "declared"));
	g_assert_cmpint(bl(r, "syn_queue_limit"), ==, 64);
	g_assert_cmpint(bl(r, "syn_queue_peak"), ==, 64);
	g_assert_cmpint(bl(r, "accept_queue_peak"), ==, 1);
	g_assert_cmpint(bl(r, "syncookies_sent"), ==, (gint64)capture_syns - 64 - 1);
	g_assert_cmpint(bl(r, "syncookies_used"), ==, CLIENTS - 1);
	g_assert_cmpint(bl(r, "syn_queue_full"), ==, 0);
	g_assert_cmpuint(children(r, "SYN-RECEIVED", FALSE), ==, 64);
	check_clients(r);
	/* No state for the spoofed sources answered with a cookie. */
	JsonArray *hosts = json_object_get_array_member(json_node_get_object(r), "hosts");
	g_assert_cmpuint(json_array_get_length(hosts), ==, 1 + 64 + CLIENTS);
	json_node_unref(r);

	/* The trace says how each later client was accepted. */
	gchar *out = tr_run_ok(paths.tool, (const char *const[]){ "--somaxconn=64", capture, NULL });
	guint via = 0, sent = 0;
	for (const char *p = out; (p = strstr(p, "accepted via syncookie")); p++)
		via++;
	for (const char *p = out; (p = strstr(p, "syncookie-sent")); p++)
		sent++;
	g_assert_cmpuint(via, ==, CLIENTS - 1);
	g_assert_cmpuint(sent, ==, capture_syns - 64 - 1);
	g_free(out);
}

/* --syncookies 2: every SYN gets a cookie, no child waits in the queue. */
static void
test_always(void)
{
	if (!have_python())
		return;
	JsonNode *r = report((const char *const[]){ "--syncookies=2", NULL });
	g_assert_cmpint(bl(r, "backlog"), ==, 4096);
	g_assert_cmpint(bl(r, "syn_queue_peak"), ==, 0);
	g_assert_cmpint(bl(r, "syncookies_sent"), ==, (gint64)capture_syns);
	g_assert_cmpint(bl(r, "syncookies_used"), ==, CLIENTS);
	g_assert_cmpuint(children(r, "SYN-RECEIVED", FALSE), ==, 0);
	check_clients(r);
	json_node_unref(r);
}

/* --syncookies 0: past the queue, SYNs are dropped and counted. */
static void
test_no_cookies(void)
{
	if (!have_python())
		return;
	JsonNode *r = report((const char *const[]){ "--syncookies=0", "--somaxconn=64", NULL });
	gint64 dropped = (gint64)capture_syns - 64 - 1;
	g_assert_cmpint(bl(r, "syn_queue_peak"), ==, 64);
	g_assert_cmpint(bl(r, "syncookies_sent"), ==, 0);
	g_assert_cmpint(bl(r, "syn_queue_full"), ==, dropped);
	JsonObject *d = json_object_get_object_member(host(r, SERVER), "dropped");
	g_assert_cmpint(json_object_get_int_member(d, "syn-queue-full"), ==, dropped);
	json_node_unref(r);
}

/* --syncookies 0 --syn-backlog 40: Linux drops SYNs once fewer than
 * 40 / 4 places of 40 are left: 31 children at most. */
static void
test_syn_backlog(void)
{
	if (!have_python())
		return;
	JsonNode *r = report((const char *const[]){ "--syncookies=0", "--syn-backlog=40", NULL });
	g_assert_cmpint(bl(r, "syn_queue_limit"), ==, 31);
	g_assert_cmpint(bl(r, "syn_queue_peak"), ==, 31);
	g_assert_cmpint(bl(r, "syn_queue_full"), ==, (gint64)capture_syns - 31 - 1);
	json_node_unref(r);
	/* With cookies on, tcp_max_syn_backlog does not bound the queue. */
	r = report((const char *const[]){ "--syn-backlog=40", "--somaxconn=64", NULL });
	g_assert_cmpint(bl(r, "syn_queue_peak"), ==, 64);
	json_node_unref(r);
}

/* Children that time out leave the SYN queue, new SYNs take their
 * place: the flood at one frame a millisecond (about 1 s) with a 0.25 s
 * SYN timeout.  The real clients are all kept. */
static void
test_timeout(void)
{
	if (!have_python())
		return;
	gchar *gen = g_build_filename(paths.srcdir, "tests", "gen", "mksynflood.py", NULL);
	gchar *slow = g_build_filename(workdir, "slow.pcap", NULL);
	g_free(tr_run_ok(python, (const char *const[]){ gen, slow, G_STRINGIFY(SYNS),
	                 G_STRINGIFY(CLIENTS), "1000", NULL }));
	gchar *fast = capture;
	capture = slow;
	JsonNode *r = report((const char *const[]){ "--somaxconn=64", "--syn-timeout=0.25", NULL });
	capture = fast;
	g_assert_cmpint(bl(r, "syn_queue_peak"), ==, 64);
	g_assert_cmpint(bl(r, "syncookies_sent"), <, (gint64)capture_syns - 64 - 1);
	g_assert_cmpint(bl(r, "syncookies_sent"), >, 0);
	check_clients(r);
	JsonObject *st = json_object_get_object_member(json_node_get_object(r), "state");
	JsonObject *ret = json_object_get_object_member(st, "retired");
	g_assert_cmpint(json_object_get_int_member(ret, "syn-timeout"), >, 0);
	json_node_unref(r);
	g_free(slow);
	g_free(gen);
}

/* demuxsim merge of two shards by host: the listener's host is whole in
 * one shard, so its queues, cookies and drops are the whole run's. */
static void
test_merge(void)
{
	if (!have_python())
		return;
	static const char *const fields[] = {
		"backlog", "syn_queue_limit", "accept_queue_limit", "syn_queue_peak",
		"accept_queue_peak", "syncookies_sent", "syncookies_used", "syn_queue_full",
		"accept_queue_over",
	};
	gchar *files[2];
	for (int k = 0; k < 2; k++) {
		gchar *opt = g_strdup_printf("--shard=%d/2", k);
		gchar *text = run_report((const char *const[]){ opt, "--somaxconn=64", NULL });
		files[k] = g_build_filename(workdir, k ? "shard1.json" : "shard0.json", NULL);
		g_assert_true(g_file_set_contents(files[k], text, -1, NULL));
		g_free(text);
		g_free(opt);
	}
	JsonNode *whole = report((const char *const[]){ "--somaxconn=64", NULL });
	gchar *out = tr_run_ok(paths.tool, (const char *const[]){ "merge", files[0], files[1], NULL });
	JsonParser *p = json_parser_new();
	g_assert_true(json_parser_load_from_data(p, out, -1, NULL));
	JsonNode *m = json_parser_get_root(p);
	for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
		g_assert_cmpint(bl(m, fields[i]), ==, bl(whole, fields[i]));
	g_assert_cmpint(bl(m, "syncookies_used"), ==, CLIENTS - 1);
	g_assert_cmpint(bl(m, "backlog"), ==, 64);
	check_clients(m);
	g_object_unref(p);
	g_free(out);
	json_node_unref(whole);
	for (int k = 0; k < 2; k++)
		g_free(files[k]);
}

static gchar *
sockets_file(const char *name, const char *text)
{
	gchar *path = g_build_filename(workdir, name, NULL);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

/* A declared backlog: "tcp = *:80/32"; somaxconn still cuts it. */
static void
test_declared(void)
{
	if (!have_python())
		return;
	gchar *f = sockets_file("backlog.ini", "[" SERVER "]\ntcp = *:80/32\n");
	JsonNode *r = report((const char *const[]){ "--sockets", f, NULL });
	g_assert_cmpint(bl(r, "backlog"), ==, 32);
	g_assert_true(json_object_get_boolean_member(
		json_object_get_object_member(listener(r), "backlog"), "declared"));
	g_assert_cmpint(bl(r, "syn_queue_peak"), ==, 32);
	g_assert_cmpint(bl(r, "syncookies_used"), ==, CLIENTS - 1);
	check_clients(r);
	json_node_unref(r);
	r = report((const char *const[]){ "--sockets", f, "--somaxconn=8", NULL });
	g_assert_cmpint(bl(r, "backlog"), ==, 32);
	g_assert_cmpint(bl(r, "syn_queue_peak"), ==, 8);
	json_node_unref(r);
	g_free(f);
}

/* A bad declared backlog: one line naming the file, exit status 1. */
static void
test_declared_bad(void)
{
	static const char *const bad[] = {
		"tcp = 80/0", "tcp = 80/x", "tcp = 80/", "tcp = 80/2147483648", "tcp = 80/-1",
		"udp = 53/8", "tcp = 80/128*0", "tcp = 80/128 backlog", "tcp = 80/12x8*4",
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		gchar *text = g_strdup_printf("[" SERVER "]\n%s\n", bad[i]);
		gchar *f = sockets_file("bad.ini", text);
		gchar *out = NULL, *err = NULL;
		int st = tr_run(NULL, paths.tool, (const char *const[]){ "-q", "--sockets", f,
		                capture ? capture : "/dev/null", NULL }, &out, &err);
		g_test_message("%s: %s", bad[i], err);
		g_assert_cmpint(st, ==, 1);
		g_assert_nonnull(strstr(err, "bad.ini"));
		g_assert_nonnull(strchr(err, '\n'));
		g_assert_null(strchr(strchr(err, '\n') + 1, '\n'));
		g_free(out);
		g_free(err);
		g_free(f);
		g_free(text);
	}
}

/* Bad option values: one line naming the option, exit status 2. */
static void
test_bad_options(void)
{
	static const char *const bad[][2] = {
		{ "--somaxconn", "0" }, { "--somaxconn", "abc" }, { "--somaxconn", "2147483648" },
		{ "--syn-backlog", "-1" }, { "--syn-backlog", "10k" }, { "--syncookies", "3" },
		{ "--syncookies", "1x" }, { "--syncookies", "" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		gchar *out = NULL, *err = NULL;
		int st = tr_run(NULL, paths.tool, (const char *const[]){ bad[i][0], bad[i][1],
		                "-q", "/dev/null", NULL }, &out, &err);
		g_test_message("%s %s: %s", bad[i][0], bad[i][1], err);
		g_assert_cmpint(st, ==, 2);
		g_assert_nonnull(strstr(err, bad[i][0]));
		g_assert_nonnull(strchr(err, '\n'));
		g_assert_null(strchr(strchr(err, '\n') + 1, '\n'));
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
	workdir = g_dir_make_tmp("test-backlog-XXXXXX", NULL);
	g_assert_nonnull(workdir);
	python = g_find_program_in_path("python3");
	if (python) {
		gchar *gen = g_build_filename(paths.srcdir, "tests", "gen", "mksynflood.py", NULL);
		capture = g_build_filename(workdir, "mixed.pcap", NULL);
		gchar *out = tr_run_ok(python, (const char *const[]){ gen, capture,
		                       G_STRINGIFY(SYNS), G_STRINGIFY(CLIENTS), NULL });
		g_free(out);
		g_free(gen);
		capture_syns = count_syns(capture);
		g_assert_cmpuint(capture_syns, ==, SYNS + CLIENTS);
	}
	g_test_add_func("/backlog/cookies", test_cookies);
	g_test_add_func("/backlog/always", test_always);
	g_test_add_func("/backlog/no-cookies", test_no_cookies);
	g_test_add_func("/backlog/syn-backlog", test_syn_backlog);
	g_test_add_func("/backlog/timeout", test_timeout);
	g_test_add_func("/backlog/merge", test_merge);
	g_test_add_func("/backlog/declared", test_declared);
	g_test_add_func("/backlog/declared-bad", test_declared_bad);
	g_test_add_func("/backlog/bad-options", test_bad_options);
	int rc = g_test_run();
	tr_remove_tree(workdir);
	g_free(workdir);
	g_free(capture);
	g_free(python);
	tr_paths_clear(&paths);
	return rc;
}
