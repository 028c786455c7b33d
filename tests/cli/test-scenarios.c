/* test-scenarios.c - demuxsim's socket tables against scenarios whose
 * answer is known without demuxsim: a generated network (tests/gen/gencap.c
 * writes captures/demux.pcap and, from what it generated, the table each
 * host must end with) and traffic recorded from real sockets
 * (tests/gen/record-veth.sh writes captures/veth-ns.pcap; the table the
 * programs imply is written by hand in captures/veth-ns.expected.json).
 *
 *   /scenarios/demux            -q --format json captures/demux.pcap
 *                               against captures/demux.truth.json
 *   /scenarios/declared         the same with --sockets
 *                               captures/demux-declared.ini, against
 *                               captures/demux-declared.truth.json
 *   /scenarios/jsonl-decisions  every segment's host, socket, lookup,
 *                               action, drop_reason, reply, evidence and
 *                               state in --format jsonl against the
 *                               truth's "decisions" (both runs)
 *   /scenarios/split            --split DIR: each socket's pcap holds
 *                               exactly the frames delivered to it
 *   /scenarios/csv              --format csv: one row per socket
 *   /scenarios/host-filter      --host: only those hosts (json, jsonl, csv)
 *   /scenarios/veth             captures/veth-ns.pcap against
 *                               captures/veth-ns.expected.json
 *   /scenarios/veth-declared    the same with --sockets captures/veth-ns.ini
 *                               against veth-ns-declared.expected.json
 *   /scenarios/generator        $top_builddir/tests/gen/gencap writes the
 *                               committed demux files byte for byte
 *   /scenarios/synack-after-close
 *                               tests/regress/tcp-synack-after-close.pcap
 *                               (tests/gen/mksynack.py: a SYN-ACK sent
 *                               again after both ends closed makes no
 *                               socket) against its .expected.json
 *
 * Tables are compared exactly: every expected host, socket, refusal and
 * drop count present with equal fields, nothing else.  Sockets are matched
 * by (proto, kind, local, remote) and, for a 4-tuple used twice, by order
 * of creation, never by id.  Truth socket fields: proto, kind, local,
 * remote, state, parent_local (the parent's local endpoint or null),
 * parent_index (optional: the parent's position in the host's list),
 * midstream, declared, segments, bytes, bad_checksums, peers (any of the
 * last five may be left out of a hand-written file, and so may a
 * refusal's frame, attempts and evidence, and the truth's "frames").
 *
 * The tool runs in $top_srcdir with relative paths; it is $DEMUXSIM (both
 * exported by AM_TESTS_ENVIRONMENT; without them, testrun.h's defaults).
 * Assertions are non-fatal: a case reports every difference it finds.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testrun.h"

static gchar *tool_path;    /* the demuxsim binary */
static gchar *srcdir;       /* the source tree */
static gchar *builddir;     /* the build tree */

/* ------------------------------------------------------------------ */
/* Failures                                                            */
/* ------------------------------------------------------------------ */

static void fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void
fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gchar *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_test_message("FAIL: %s", msg);
	g_free(msg);
	g_test_fail();
}

/* Compare @want and @got (canonical texts) of @field at @where: equal,
 * or a failure. */
static gboolean
check_value(const char *where, const char *field, const char *want, const char *got)
{
	if (strcmp(want, got) == 0)
		return TRUE;
	fail("%s: %s: expected %s, demuxsim says %s", where, field, want, got);
	return FALSE;
}

/* ------------------------------------------------------------------ */
/* Running the tool                                                    */
/* ------------------------------------------------------------------ */

typedef struct {
	gchar *out, *err;
	int status;
	gchar *command;
} run_result;

static void
run_clear(run_result *r)
{
	g_free(r->out);
	g_free(r->err);
	g_free(r->command);
	memset(r, 0, sizeof *r);
}

/* Run @argv0 with @args (NULL-terminated) in the source tree.  Returns
 * FALSE (and fails) unless it ran and exited with status 0. */
static gboolean
run_program(const char *argv0, const char *const *args, run_result *r)
{
	GPtrArray *a = tr_argv(argv0, args);
	GError *error = NULL;
	int wait_status = 0;

	memset(r, 0, sizeof *r);
	r->status = -1;
	r->command = g_strjoinv(" ", (gchar **)a->pdata);
	g_ptr_array_unref(a);
	g_test_message("$ %s", r->command);
	gboolean ok = tr_spawn(srcdir, NULL, argv0, args, &r->out, &r->err, &wait_status, &error);
	if (!ok) {
		fail("cannot run %s: %s", argv0, error->message);
		g_error_free(error);
		return FALSE;
	}
	if (WIFEXITED(wait_status))
		r->status = WEXITSTATUS(wait_status);
	if (r->status != 0) {
		fail("%s: exit status %d (wait status 0x%x), stderr: %s", r->command,
		     r->status, (unsigned)wait_status, r->err);
		return FALSE;
	}
	if (r->err && *r->err)
		fail("%s: unexpected stderr: %s", r->command, r->err);
	return TRUE;
}

static gboolean
run_tool(const char *const *args, run_result *r)
{
	return run_program(tool_path, args, r);
}

static JsonNode *
parse_json(const char *where, const char *text)
{
	GError *error = NULL;
	JsonNode *root = json_from_string(text, &error);
	if (!root) {
		fail("%s: not JSON: %s", where, error ? error->message : "empty");
		g_clear_error(&error);
		return NULL;
	}
	if (!JSON_NODE_HOLDS_OBJECT(root)) {
		fail("%s: not a JSON object", where);
		json_node_unref(root);
		return NULL;
	}
	return root;
}

/* The JSON file @rel in the source tree, or NULL (failing when @must). */
static JsonNode *
load_json(const char *rel, gboolean must)
{
	gchar *path = g_build_filename(srcdir, rel, NULL);
	gchar *text = NULL;
	GError *error = NULL;
	JsonNode *root = NULL;
	if (!g_file_get_contents(path, &text, NULL, &error)) {
		if (must)
			fail("%s: %s", rel, error->message);
		g_error_free(error);
	} else {
		root = parse_json(rel, text);
	}
	g_free(text);
	g_free(path);
	return root;
}

/* The tool's JSON report for @args, or NULL. */
static JsonNode *
run_report(const char *const *args)
{
	run_result r;
	JsonNode *root = NULL;
	if (run_tool(args, &r))
		root = parse_json(r.command, r.out);
	run_clear(&r);
	return root;
}

/* ------------------------------------------------------------------ */
/* JSON values                                                         */
/* ------------------------------------------------------------------ */

/* A scalar member as canonical text: "null", "\"text\"", "12", "true";
 * "<absent>" when there is no such member. */
static gchar *
member_text(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	if (!n)
		return g_strdup("<absent>");
	if (JSON_NODE_HOLDS_NULL(n))
		return g_strdup("null");
	if (!JSON_NODE_HOLDS_VALUE(n))
		return g_strdup("<not a scalar>");
	switch (json_node_get_value_type(n)) {
	case G_TYPE_STRING:
		return g_strdup_printf("\"%s\"", json_node_get_string(n));
	case G_TYPE_INT64:
		return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(n));
	case G_TYPE_BOOLEAN:
		return g_strdup(json_node_get_boolean(n) ? "true" : "false");
	case G_TYPE_DOUBLE:
		return g_strdup_printf("%.17g", json_node_get_double(n));
	default:
		return g_strdup("<unknown>");
	}
}

static const char *
str_member(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
	       ? json_node_get_string(n) : NULL;
}

/* An integer member, or -1 (null, absent or not an integer). */
static gint64
int_member(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64
	       ? json_node_get_int(n) : -1;
}

static JsonArray *
array_member(const char *where, JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	if (!n || !JSON_NODE_HOLDS_ARRAY(n)) {
		fail("%s: no array \"%s\"", where, name);
		return NULL;
	}
	return json_node_get_array(n);
}

static JsonObject *
array_object(JsonArray *a, guint i)
{
	JsonNode *n = json_array_get_element(a, i);
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

/* Compare member @name of @want (truth) and @got (tool); a member left
 * out of @want is not compared when @optional. */
static gboolean
same_member(const char *where, JsonObject *want, JsonObject *got,
            const char *name, gboolean optional)
{
	if (optional && !json_object_has_member(want, name))
		return TRUE;
	gchar *w = member_text(want, name), *g = member_text(got, name);
	gboolean same = check_value(where, name, w, g);
	g_free(w);
	g_free(g);
	return same;
}

/* ------------------------------------------------------------------ */
/* Comparing socket tables                                             */
/* ------------------------------------------------------------------ */

static gboolean
host_wanted(const char *addr, const char *const *only)
{
	if (!only)
		return TRUE;
	for (const char *const *p = only; *p; p++)
		if (strcmp(*p, addr) == 0)
			return TRUE;
	return FALSE;
}

static JsonObject *
find_host(JsonArray *hosts, const char *addr)
{
	for (guint i = 0; hosts && i < json_array_get_length(hosts); i++) {
		JsonObject *h = array_object(hosts, i);
		const char *a = str_member(h, "address");
		if (a && strcmp(a, addr) == 0)
			return h;
	}
	return NULL;
}

static gboolean
same_socket_key(JsonObject *a, JsonObject *b)
{
	static const char *const keys[] = { "proto", "kind", "local", "remote" };
	for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
		gchar *x = member_text(a, keys[i]), *y = member_text(b, keys[i]);
		gboolean same = strcmp(x, y) == 0;
		g_free(x);
		g_free(y);
		if (!same)
			return FALSE;
	}
	return TRUE;
}

static gchar *
socket_label(JsonObject *s)
{
	const char *remote = str_member(s, "remote");
	return g_strdup_printf("%s %s %s%s%s", str_member(s, "proto"), str_member(s, "kind"),
	                       str_member(s, "local"), remote ? " <-> " : "",
	                       remote ? remote : "");
}

/* The report socket with id @id on host @h, or NULL. */
static JsonObject *
socket_by_id(JsonObject *h, gint64 id)
{
	JsonArray *socks = json_object_get_array_member(h, "sockets");
	for (guint i = 0; socks && i < json_array_get_length(socks); i++) {
		JsonObject *s = array_object(socks, i);
		if (int_member(s, "id") == id)
			return s;
	}
	return NULL;
}

/* The socket with id @id in the report @report, or NULL. */
static JsonObject *
report_socket(JsonObject *report, gint64 id)
{
	JsonArray *hosts = json_object_get_array_member(report, "hosts");
	for (guint i = 0; hosts && i < json_array_get_length(hosts); i++) {
		JsonObject *s = socket_by_id(array_object(hosts, i), id);
		if (s)
			return s;
	}
	return NULL;
}

/* The id of the report socket matched to truth socket @index of host
 * @addr, as recorded by compare_tables(), or -1. */
static gint64
matched_id(GHashTable *ids, const char *addr, gint64 index)
{
	gchar *key = g_strdup_printf("%s#%" G_GINT64_FORMAT, addr, index);
	gpointer v = g_hash_table_lookup(ids, key);
	g_free(key);
	return v ? (gint64)GPOINTER_TO_SIZE(v) - 1 : -1;
}

static void
compare_socket(const char *where, JsonObject *rhost, JsonObject *want, JsonObject *got,
               const char *addr, GHashTable *ids)
{
	static const char *const fields[] = { "state", "midstream" };
	static const char *const counters[] = { "declared", "segments", "bytes",
	                                        "bad_checksums", "peers" };
	for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
		same_member(where, want, got, fields[i], FALSE);
	for (gsize i = 0; i < G_N_ELEMENTS(counters); i++)
		same_member(where, want, got, counters[i], TRUE);

	/* The parent: its local endpoint, and (when the truth gives its
	 * position) the very socket. */
	gint64 pid = int_member(got, "parent");
	JsonObject *parent = pid > 0 ? socket_by_id(rhost, pid) : NULL;
	const char *want_parent = str_member(want, "parent_local");
	const char *got_parent = parent ? str_member(parent, "local") : NULL;
	if (pid > 0 && !parent)
		fail("%s: parent %" G_GINT64_FORMAT " is not a socket of this host", where, pid);
	if (g_strcmp0(want_parent, got_parent) != 0)
		fail("%s: parent: expected %s, demuxsim says %s (socket %" G_GINT64_FORMAT ")",
		     where, want_parent ? want_parent : "none", got_parent ? got_parent : "none", pid);
	gint64 pindex = int_member(want, "parent_index");
	if (pindex >= 0 && ids) {
		gint64 want_id = matched_id(ids, addr, pindex);
		if (want_id != pid)
			fail("%s: parent is socket %" G_GINT64_FORMAT ", expected the listener matched "
			     "to truth socket %" G_GINT64_FORMAT " (id %" G_GINT64_FORMAT ")",
			     where, pid, pindex, want_id);
	}
	if (parent && g_strcmp0(str_member(parent, "kind"), "listen") != 0)
		fail("%s: parent %" G_GINT64_FORMAT " is not a listener", where, pid);
}

static void
compare_refused(const char *where, JsonObject *want_host, JsonObject *got_host)
{
	static const char *const fields[] = { "proto", "port", "peer", "frame", "attempts",
	                                      "reply", "evidence", "confirmed" };
	JsonArray *want = array_member(where, want_host, "refused");
	JsonArray *got = array_member(where, got_host, "refused");
	if (!want || !got)
		return;
	guint nw = json_array_get_length(want), ng = json_array_get_length(got);
	if (nw != ng)
		fail("%s: %u refusals expected, demuxsim lists %u", where, nw, ng);
	for (guint i = 0; i < MIN(nw, ng); i++) {
		gchar *w = g_strdup_printf("%s refusal %u", where, i + 1);
		JsonObject *a = array_object(want, i), *b = array_object(got, i);
		for (gsize f = 0; f < G_N_ELEMENTS(fields); f++)
			same_member(w, a, b, fields[f], f == 3 || f == 4 || f == 6);
		g_free(w);
	}
	for (guint i = nw; i < ng; i++) {
		JsonObject *b = array_object(got, i);
		fail("%s: unexpected refusal: %s port %" G_GINT64_FORMAT " from %s", where,
		     str_member(b, "proto"), int_member(b, "port"), str_member(b, "peer"));
	}
}

/* Drop counts: every reason in either, a missing one counting 0. */
static void
compare_dropped(const char *where, JsonObject *want_host, JsonObject *got_host)
{
	JsonObject *want = json_object_get_object_member(want_host, "dropped");
	JsonObject *got = json_object_get_object_member(got_host, "dropped");
	if (!want || !got) {
		fail("%s: no \"dropped\" object", where);
		return;
	}
	JsonObject *both[2] = { want, got };
	for (int side = 0; side < 2; side++) {
		GList *names = json_object_get_members(both[side]);
		for (GList *l = names; l; l = l->next) {
			const char *n = l->data;
			gint64 w = json_object_has_member(want, n) ? int_member(want, n) : 0;
			gint64 g = json_object_has_member(got, n) ? int_member(got, n) : 0;
			if (w != g && (side == 0 || !json_object_has_member(want, n)))
				fail("%s: dropped %s: expected %" G_GINT64_FORMAT ", demuxsim says %"
				     G_GINT64_FORMAT, where, n, w, g);
		}
		g_list_free(names);
	}
}

/* Compare the report @got (demuxsim's JSON) with the truth @want, host
 * by host; with @only, just those hosts (and the report must show no
 * other).  Fills @ids (may be NULL) with "ADDRESS#INDEX" -> id + 1 for
 * every truth socket matched. */
static void
compare_tables(const char *where, JsonObject *want, JsonObject *got,
               const char *const *only, GHashTable *ids)
{
	JsonArray *whosts = array_member(where, want, "hosts");
	JsonArray *ghosts = array_member(where, got, "hosts");
	guint kinds_want[3] = { 0 }, kinds_got[3] = { 0 };
	static const char *const kinds[3] = { "bound", "listen", "connection" };

	if (!whosts || !ghosts)
		return;
	for (guint i = 0; i < json_array_get_length(ghosts); i++) {
		const char *a = str_member(array_object(ghosts, i), "address");
		if (!a || !host_wanted(a, only) || !find_host(whosts, a))
			fail("%s: demuxsim reports host %s, not expected", where, a ? a : "?");
	}
	for (guint i = 0; i < json_array_get_length(whosts); i++) {
		JsonObject *wh = array_object(whosts, i);
		const char *addr = str_member(wh, "address");
		if (!addr || !host_wanted(addr, only))
			continue;
		gchar *hw = g_strdup_printf("%s: host %s", where, addr);
		JsonObject *gh = find_host(ghosts, addr);
		if (!gh) {
			fail("%s: missing from the report", hw);
			g_free(hw);
			continue;
		}
		JsonArray *wsocks = array_member(hw, wh, "sockets");
		JsonArray *gsocks = array_member(hw, gh, "sockets");
		guint nw = wsocks ? json_array_get_length(wsocks) : 0;
		guint ng = gsocks ? json_array_get_length(gsocks) : 0;
		gboolean *used = g_new0(gboolean, ng + 1);
		JsonObject **match = g_new0(JsonObject *, nw + 1);

		/* Match first (parents may come later in the list). */
		for (guint k = 0; k < nw; k++) {
			JsonObject *ws = array_object(wsocks, k);
			for (guint j = 0; j < ng && !match[k]; j++) {
				JsonObject *gs = array_object(gsocks, j);
				if (!used[j] && same_socket_key(ws, gs)) {
					used[j] = TRUE;
					match[k] = gs;
					if (ids)
						g_hash_table_insert(ids, g_strdup_printf("%s#%u", addr, k),
						                    GSIZE_TO_POINTER((gsize)int_member(gs, "id") + 1));
				}
			}
		}
		for (guint k = 0; k < nw; k++) {
			JsonObject *ws = array_object(wsocks, k);
			gchar *label = socket_label(ws);
			gchar *sw = g_strdup_printf("%s: %s (truth socket %u)", hw, label, k);
			if (!match[k])
				fail("%s: missing from the report", sw);
			else
				compare_socket(sw, gh, ws, match[k], addr, ids);
			for (int t = 0; t < 3; t++)
				kinds_want[t] += g_strcmp0(str_member(ws, "kind"), kinds[t]) == 0;
			g_free(label);
			g_free(sw);
		}
		for (guint j = 0; j < ng; j++) {
			JsonObject *gs = array_object(gsocks, j);
			for (int t = 0; t < 3; t++)
				kinds_got[t] += g_strcmp0(str_member(gs, "kind"), kinds[t]) == 0;
			if (!used[j]) {
				gchar *label = socket_label(gs);
				fail("%s: unexpected socket %" G_GINT64_FORMAT " %s (state %s, %"
				     G_GINT64_FORMAT " segments)", hw, int_member(gs, "id"), label,
				     str_member(gs, "state") ? str_member(gs, "state") : "-",
				     int_member(gs, "segments"));
				g_free(label);
			}
		}
		compare_refused(hw, wh, gh);
		compare_dropped(hw, wh, gh);
		g_free(used);
		g_free(match);
		g_free(hw);
	}
	for (int t = 0; t < 3; t++)
		if (kinds_want[t] != kinds_got[t])
			fail("%s: %u %s sockets expected, demuxsim has %u", where, kinds_want[t],
			     kinds[t], kinds_got[t]);
	/* The truth's own totals agree with its lists. */
	JsonObject *counts = json_object_has_member(want, "counts")
	                     ? json_object_get_object_member(want, "counts") : NULL;
	for (int t = 0; counts && !only && t < 3; t++)
		if (int_member(counts, kinds[t]) != (gint64)kinds_want[t])
			fail("%s: the truth's counts.%s (%" G_GINT64_FORMAT ") disagree with its "
			     "lists (%u)", where, kinds[t], int_member(counts, kinds[t]), kinds_want[t]);
}

/* ------------------------------------------------------------------ */
/* The runs                                                            */
/* ------------------------------------------------------------------ */

#define DEMUX_PCAP "captures/demux.pcap"
#define DECLARED_INI "captures/demux-declared.ini"

typedef struct {
	const char *name;
	const char *truth;          /* truth file */
	const char *const args[8];  /* the run, without --format and -q */
} scenario;

static const scenario demux_run = {
	"demux", "captures/demux.truth.json", { DEMUX_PCAP, NULL } };
static const scenario declared_run = {
	"declared", "captures/demux-declared.truth.json",
	{ "--sockets", DECLARED_INI, DEMUX_PCAP, NULL } };

/* argv: @pre..., then the scenario's arguments. */
static const char **
scenario_args(const scenario *sc, const char *const *pre)
{
	GPtrArray *a = g_ptr_array_new();
	for (const char *const *p = pre; *p; p++)
		g_ptr_array_add(a, (gpointer)*p);
	for (const char *const *p = sc->args; *p; p++)
		g_ptr_array_add(a, (gpointer)*p);
	g_ptr_array_add(a, NULL);
	return (const char **)g_ptr_array_free(a, FALSE);
}

static JsonNode *
scenario_report(const scenario *sc)
{
	static const char *const pre[] = { "-q", "--format", "json", NULL };
	const char **args = scenario_args(sc, pre);
	JsonNode *root = run_report(args);
	g_free(args);
	return root;
}

/* The truth, the report, and the id of every truth socket matched. */
typedef struct {
	JsonNode *truth, *report;
	GHashTable *ids;
} matched_run;

/* Load the truth and the report of @sc and match them. */
static gboolean
matched_run_load(const scenario *sc, matched_run *m)
{
	memset(m, 0, sizeof *m);
	m->ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	m->truth = load_json(sc->truth, TRUE);
	m->report = m->truth ? scenario_report(sc) : NULL;
	if (!m->report)
		return FALSE;
	gchar *where = g_strdup_printf("%s vs %s", sc->name, sc->truth);
	compare_tables(where, json_node_get_object(m->truth), json_node_get_object(m->report),
	               NULL, m->ids);
	g_free(where);
	return TRUE;
}

static void
matched_run_clear(matched_run *m)
{
	if (m->truth)
		json_node_unref(m->truth);
	if (m->report)
		json_node_unref(m->report);
	g_hash_table_unref(m->ids);
}

static void
test_table(gconstpointer data)
{
	const scenario *sc = data;
	matched_run m;
	if (matched_run_load(sc, &m)) {
		/* The report covers the whole capture. */
		JsonObject *t = json_node_get_object(m.truth), *r = json_node_get_object(m.report);
		if (json_object_has_member(t, "frames") &&
		    int_member(t, "frames") != int_member(r, "frames"))
			fail("%s: %" G_GINT64_FORMAT " frames expected, demuxsim read %" G_GINT64_FORMAT,
			     sc->name, int_member(t, "frames"), int_member(r, "frames"));
	}
	matched_run_clear(&m);
}

/* --- Per-segment decisions ------------------------------------------ */

/* The lines of a JSON-lines output, by frame number. */
static GHashTable *
jsonl_by_frame(const char *where, const char *text)
{
	GHashTable *lines = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
	                                          (GDestroyNotify)json_node_unref);
	gchar **v = g_strsplit(text, "\n", -1);
	for (gchar **p = v; *p; p++) {
		if (!**p)
			continue;
		JsonNode *n = parse_json(where, *p);
		if (!n)
			continue;
		gint64 frame = int_member(json_node_get_object(n), "frame");
		if (frame < 1 || g_hash_table_contains(lines, GSIZE_TO_POINTER((gsize)frame))) {
			fail("%s: line without a frame number, or frame twice: %s", where, *p);
			json_node_unref(n);
			continue;
		}
		g_hash_table_insert(lines, GSIZE_TO_POINTER((gsize)frame), n);
	}
	g_strfreev(v);
	return lines;
}

static JsonObject *
line_for(GHashTable *lines, gint64 frame)
{
	JsonNode *n = frame > 0 ? g_hash_table_lookup(lines, GSIZE_TO_POINTER((gsize)frame)) : NULL;
	return n ? json_node_get_object(n) : NULL;
}

/* The trace of @sc as --format jsonl, by frame (with @extra options). */
static GHashTable *
scenario_trace(const scenario *sc, const char *const *extra)
{
	const char *pre[8] = { "--format", "jsonl" };
	int n = 2;
	for (const char *const *p = extra; p && *p && n < 7; p++)
		pre[n++] = *p;
	pre[n] = NULL;
	const char **args = scenario_args(sc, pre);
	run_result r;
	GHashTable *lines = NULL;
	if (run_tool(args, &r))
		lines = jsonl_by_frame(r.command, r.out);
	run_clear(&r);
	g_free(args);
	return lines;
}

static void
check_decisions(const scenario *sc)
{
	static const char *const fields[] = { "host", "lookup", "action", "drop_reason",
	                                      "reply", "evidence" };
	matched_run m;
	GHashTable *lines = NULL;
	if (!matched_run_load(sc, &m) || !(lines = scenario_trace(sc, NULL)))
		goto out;

	JsonArray *decisions = array_member(sc->truth, json_node_get_object(m.truth), "decisions");
	guint n = decisions ? json_array_get_length(decisions) : 0;
	GHashTable *seen_actions = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < n; i++) {
		JsonObject *d = array_object(decisions, i);
		gint64 frame = int_member(d, "frame");
		gchar *where = g_strdup_printf("%s frame %" G_GINT64_FORMAT " (%s)", sc->name,
		                               frame, str_member(d, "note"));
		JsonObject *l = line_for(lines, frame);
		if (!l) {
			fail("%s: no trace line", where);
			g_free(where);
			continue;
		}
		for (gsize f = 0; f < G_N_ELEMENTS(fields); f++)
			same_member(where, d, l, fields[f], FALSE);
		/* "state" is written for TCP segments only. */
		if (json_object_has_member(d, "state"))
			same_member(where, d, l, "state", FALSE);
		else if (json_object_has_member(l, "state"))
			fail("%s: a UDP segment with a \"state\"", where);
		/* The socket: the report's socket matched to the truth's. */
		gint64 index = int_member(d, "socket");
		gint64 want = index >= 0 ? matched_id(m.ids, str_member(d, "host"), index) : -1;
		gint64 got = int_member(l, "socket");
		if (index >= 0 && want < 0)
			fail("%s: truth socket %" G_GINT64_FORMAT " was not matched in the report",
			     where, index);
		else if (want != got)
			fail("%s: socket: expected %" G_GINT64_FORMAT ", demuxsim says %" G_GINT64_FORMAT
			     " (-1: none)", where, want, got);
		gchar *key = g_strdup_printf("%s/%s/%s", str_member(d, "action"),
		                             str_member(d, "drop_reason") ? str_member(d, "drop_reason") : "",
		                             str_member(d, "reply") ? str_member(d, "reply") : "");
		g_hash_table_add(seen_actions, (gpointer)g_intern_string(key));
		g_free(key);
		g_free(where);
	}
	/* Every traced segment has a decision in the truth. */
	if (g_hash_table_size(lines) != n)
		fail("%s: %u segments traced, the truth has %u decisions", sc->name,
		     g_hash_table_size(lines), n);
	/* The key decisions are all in the scenario. */
	static const char *const key_actions[] = {
		"spawned//", "accepted//", "delivered//", "dropped/bad-checksum/",
		"refused//icmp-port-unreachable", "refused//rst",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(key_actions); i++)
		if (!g_hash_table_contains(seen_actions, key_actions[i]))
			fail("%s: the truth has no decision %s", sc->name, key_actions[i]);
	g_hash_table_unref(seen_actions);
out:
	if (lines)
		g_hash_table_unref(lines);
	matched_run_clear(&m);
}

static void
test_decisions(void)
{
	check_decisions(&demux_run);
	check_decisions(&declared_run);
}

/* --- --split ---------------------------------------------------------- */

typedef struct {
	struct pcap_pkthdr h;
	guint8 *data;
} frame_copy;

static void
frame_copy_free(gpointer p)
{
	frame_copy *f = p;
	g_free(f->data);
	g_free(f);
}

/* Every record of the capture @path (microsecond timestamps), or NULL. */
static GPtrArray *
read_frames(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO,
	                                                    errbuf);
	if (!p) {
		fail("%s: %s", path, errbuf);
		return NULL;
	}
	GPtrArray *frames = g_ptr_array_new_with_free_func(frame_copy_free);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		frame_copy *f = g_new0(frame_copy, 1);
		f->h = *h;
		f->data = g_memdup2(data, h->caplen);
		g_ptr_array_add(frames, f);
	}
	if (rc != PCAP_ERROR_BREAK)
		fail("%s: %s", path, pcap_geterr(p));
	pcap_close(p);
	return frames;
}

static gint
compare_frames(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;
	return x < y ? -1 : x > y;
}

static gboolean
same_frame(const frame_copy *a, const frame_copy *b)
{
	return a->h.ts.tv_sec == b->h.ts.tv_sec && a->h.ts.tv_usec == b->h.ts.tv_usec &&
	       a->h.caplen == b->h.caplen && a->h.len == b->h.len &&
	       memcmp(a->data, b->data, a->h.caplen) == 0;
}

/* Remove the files of the flat directory @dir, then @dir. */
static void
remove_dir(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		gchar *path = g_build_filename(dir, name, NULL);
		if (g_unlink(path) != 0)
			fail("cannot remove %s: %s", path, g_strerror(errno));
		g_free(path);
	}
	if (d)
		g_dir_close(d);
	if (g_rmdir(dir) != 0)
		fail("cannot remove %s: %s", dir, g_strerror(errno));
}

static void
test_split(void)
{
	GError *error = NULL;
	matched_run m;
	GPtrArray *frames = NULL;
	gchar *dir = g_dir_make_tmp("demuxsim-split-XXXXXX", &error);
	gchar *cap = g_build_filename(srcdir, DEMUX_PCAP, NULL);

	if (!dir) {
		fail("cannot make a temporary directory: %s", error->message);
		g_error_free(error);
		goto out;
	}
	if (!matched_run_load(&demux_run, &m))
		goto clear;
	const char *args[] = { "-q", "--format", "json", "--split", dir, DEMUX_PCAP, NULL };
	JsonNode *again = run_report(args);
	if (again)
		json_node_unref(again);
	if (!(frames = read_frames(cap)))
		goto clear;

	/* The frames each socket must hold, by the truth's decisions: those
	 * it took (a SYN that spawned a child goes with the child), not the
	 * dropped ones.  Keyed by the id of the report's matched socket. */
	GHashTable *want = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
	                                         (GDestroyNotify)g_array_unref);
	GHashTableIter it;
	gpointer k, v;
	JsonArray *decisions = json_object_get_array_member(json_node_get_object(m.truth),
	                                                    "decisions");
	for (guint i = 0; decisions && i < json_array_get_length(decisions); i++) {
		JsonObject *dn = array_object(decisions, i);
		gint64 index = int_member(dn, "socket");
		if (index < 0 || g_strcmp0(str_member(dn, "action"), "dropped") == 0)
			continue;
		gint64 id = matched_id(m.ids, str_member(dn, "host"), index);
		if (id < 1)
			continue;   /* reported by compare_tables() */
		GArray *a = g_hash_table_lookup(want, GSIZE_TO_POINTER((gsize)id));
		if (!a) {
			a = g_array_new(FALSE, FALSE, sizeof(guint));
			g_hash_table_insert(want, GSIZE_TO_POINTER((gsize)id), a);
		}
		guint frame = (guint)int_member(dn, "frame");
		g_array_append_val(a, frame);
	}
	/* in capture order */
	g_hash_table_iter_init(&it, want);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_array_sort(v, compare_frames);

	/* Each file: "ID-PROTO-...pcap", exactly its socket's frames. */
	GHashTable *files = g_hash_table_new(g_direct_hash, g_direct_equal);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		char *end;
		guint64 id = g_ascii_strtoull(name, &end, 10);
		if (!id || *end != '-' || !g_str_has_suffix(name, ".pcap")) {
			fail("split: unexpected file %s", name);
			continue;
		}
		g_hash_table_add(files, GSIZE_TO_POINTER((gsize)id));
		JsonObject *sock = report_socket(json_node_get_object(m.report), (gint64)id);
		gchar *prefix = g_strdup_printf("%" G_GUINT64_FORMAT "-%s-", id,
		                                sock ? str_member(sock, "proto") : "?");
		if (!g_str_has_prefix(name, prefix))
			fail("split: %s: name does not start with %s", name, prefix);
		g_free(prefix);
		GArray *a = g_hash_table_lookup(want, GSIZE_TO_POINTER((gsize)id));
		gchar *path = g_build_filename(dir, name, NULL);
		GPtrArray *got = read_frames(path);
		g_free(path);
		if (!a) {
			fail("split: %s: no frame was delivered to socket %" G_GUINT64_FORMAT, name, id);
		} else if (got) {
			if (got->len != a->len)
				fail("split: %s holds %u frames, socket %" G_GUINT64_FORMAT " took %u",
				     name, got->len, id, a->len);
			for (guint i = 0; i < MIN(got->len, a->len); i++) {
				guint f = g_array_index(a, guint, i);
				if (f > frames->len ||
				    !same_frame(g_ptr_array_index(got, i), g_ptr_array_index(frames, f - 1)))
					fail("split: %s record %u is not frame %u of the capture", name, i + 1, f);
			}
		}
		if (got)
			g_ptr_array_unref(got);
	}
	if (d)
		g_dir_close(d);
	g_hash_table_iter_init(&it, want);
	while (g_hash_table_iter_next(&it, &k, NULL))
		if (!g_hash_table_contains(files, k))
			fail("split: no file for socket %u, which took frames",
			     (guint)GPOINTER_TO_SIZE(k));

	/* And by the truth: a socket's file holds its segments (a listener's
	 * SYNs go with the children they spawn: listeners have no file). */
	JsonArray *hosts = json_object_get_array_member(json_node_get_object(m.truth), "hosts");
	for (guint i = 0; hosts && i < json_array_get_length(hosts); i++) {
		JsonObject *h = array_object(hosts, i);
		JsonArray *socks = json_object_get_array_member(h, "sockets");
		for (guint j = 0; socks && j < json_array_get_length(socks); j++) {
			JsonObject *s = array_object(socks, j);
			gint64 id = matched_id(m.ids, str_member(h, "address"), j);
			GArray *a = id > 0 ? g_hash_table_lookup(want, GSIZE_TO_POINTER((gsize)id)) : NULL;
			gint64 expect = g_strcmp0(str_member(s, "kind"), "listen") == 0
			                ? 0 : int_member(s, "segments");
			if (id > 0 && (gint64)(a ? a->len : 0) != expect)
				fail("split: socket %" G_GINT64_FORMAT " (%s, truth socket %u): %u frames, "
				     "expected %" G_GINT64_FORMAT, id, str_member(h, "address"), j,
				     a ? a->len : 0, expect);
			if (id > 0 && (expect > 0) != g_hash_table_contains(files, GSIZE_TO_POINTER((gsize)id)))
				fail("split: socket %" G_GINT64_FORMAT " (%s, truth socket %u): file %s",
				     id, str_member(h, "address"), j, expect > 0 ? "missing" : "unexpected");
		}
	}
	g_hash_table_unref(files);
	g_hash_table_unref(want);
clear:
	remove_dir(dir);
	matched_run_clear(&m);
out:
	if (frames)
		g_ptr_array_unref(frames);
	g_free(cap);
	g_free(dir);
}

/* --- CSV ------------------------------------------------------------- */

static const char CSV_HEADER[] =
	"host,id,proto,kind,local_address,local_port,remote_address,remote_port,state,parent,midstream,segments,bytes,"
	"bad_checksums,peers,first_frame,last_frame";
enum { C_HOST, C_ID, C_PROTO, C_KIND, C_LOCAL, C_REMOTE, C_STATE, C_PARENT,
       C_MIDSTREAM, C_SEGMENTS, C_BYTES, C_BAD, C_PEERS, C_FIRST, C_LAST, C_N };

/* "ADDR:PORT" ("[ADDR]:PORT" for IPv6, "" for none) from two columns. */
static gchar *
csv_endpoint(const char *a, const char *p)
{
	if (!*a)
		return g_strdup("");
	return strchr(a, ':') ? g_strdup_printf("[%s]:%s", a, p) : g_strdup_printf("%s:%s", a, p);
}

/* A row @f of separate address and port columns with them joined as the
 * JSON report's endpoints (frees @f; NULL when short). */
static gchar **
csv_join_endpoints(gchar **f)
{
	if (g_strv_length(f) != C_N + 2) {
		g_strfreev(f);
		return NULL;
	}
	gchar **r = g_new0(gchar *, C_N + 1);
	for (int c = 0, k = 0; c < C_N; c++) {
		if (c == C_LOCAL || c == C_REMOTE) {
			r[c] = csv_endpoint(f[k], f[k + 1]);
			k += 2;
		} else {
			r[c] = g_strdup(f[k++]);
		}
	}
	g_strfreev(f);
	return r;
}

/* Rows of --format csv (each a NULL-terminated field vector), or NULL. */
static GPtrArray *
csv_rows(const char *where, const char *text)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	if (!lines[0] || strcmp(lines[0], CSV_HEADER) != 0)
		fail("%s: header is not %s", where, CSV_HEADER);
	for (guint i = 1; lines[0] && lines[i]; i++) {
		if (!*lines[i])
			continue;
		gchar **f = csv_join_endpoints(g_strsplit(lines[i], ",", -1));
		if (!f || g_strv_length(f) != C_N) {
			fail("%s: row %u has not %d fields: %s", where, i, C_N + 2, lines[i]);
			g_strfreev(f);
			continue;
		}
		g_ptr_array_add(rows, f);
	}
	g_strfreev(lines);
	return rows;
}

/* The CSV text of a truth field: strings bare, null empty. */
static gchar *
csv_text(JsonObject *o, const char *name)
{
	const char *s = str_member(o, name);
	if (s)
		return g_strdup(s);
	gchar *t = member_text(o, name);
	if (strcmp(t, "null") == 0) {
		g_free(t);
		return g_strdup("");
	}
	return t;
}

/* Compare --format csv @args with the truth (hosts in @only or all). */
static void
check_csv(const char *const *args, const matched_run *m, const char *const *only)
{
	static const struct { int col; const char *field; } cols[] = {
		{ C_STATE, "state" }, { C_MIDSTREAM, "midstream" }, { C_SEGMENTS, "segments" },
		{ C_BYTES, "bytes" }, { C_BAD, "bad_checksums" }, { C_PEERS, "peers" },
	};
	run_result r;
	if (!run_tool(args, &r)) {
		run_clear(&r);
		return;
	}
	GPtrArray *rows = csv_rows(r.command, r.out);
	gboolean *used = g_new0(gboolean, rows->len + 1);
	guint expected = 0;
	JsonArray *hosts = json_object_get_array_member(json_node_get_object(m->truth), "hosts");
	for (guint i = 0; hosts && i < json_array_get_length(hosts); i++) {
		JsonObject *h = array_object(hosts, i);
		const char *addr = str_member(h, "address");
		if (!host_wanted(addr, only))
			continue;
		JsonArray *socks = json_object_get_array_member(h, "sockets");
		for (guint j = 0; socks && j < json_array_get_length(socks); j++) {
			JsonObject *s = array_object(socks, j);
			gchar *label = socket_label(s);
			gchar *where = g_strdup_printf("%s: %s %s", r.command, addr, label);
			gchar *key[4] = { csv_text(s, "proto"), csv_text(s, "kind"),
			                  csv_text(s, "local"), csv_text(s, "remote") };
			gchar **row = NULL;
			expected++;
			for (guint k = 0; k < rows->len && !row; k++) {
				gchar **f = g_ptr_array_index(rows, k);
				if (!used[k] && strcmp(f[C_HOST], addr) == 0 &&
				    strcmp(f[C_PROTO], key[0]) == 0 && strcmp(f[C_KIND], key[1]) == 0 &&
				    strcmp(f[C_LOCAL], key[2]) == 0 && strcmp(f[C_REMOTE], key[3]) == 0) {
					used[k] = TRUE;
					row = f;
				}
			}
			if (!row) {
				fail("%s: no row", where);
			} else {
				for (gsize c = 0; c < G_N_ELEMENTS(cols); c++) {
					gchar *w = csv_text(s, cols[c].field);
					check_value(where, cols[c].field, w, row[cols[c].col]);
					g_free(w);
				}
				/* ids and parents as in the JSON report */
				gint64 id = matched_id(m->ids, addr, j);
				if (g_ascii_strtoll(row[C_ID], NULL, 10) != id)
					fail("%s: id %s, the JSON report has %" G_GINT64_FORMAT, where, row[C_ID], id);
				gint64 pindex = int_member(s, "parent_index");
				gint64 pid = pindex >= 0 ? matched_id(m->ids, addr, pindex) : -1;
				gchar *want_parent = pid > 0 ? g_strdup_printf("%" G_GINT64_FORMAT, pid)
				                             : g_strdup("");
				if (json_object_has_member(s, "parent_index") &&
				    strcmp(want_parent, row[C_PARENT]) != 0)
					fail("%s: parent %s, expected %s", where, row[C_PARENT], want_parent);
				g_free(want_parent);
			}
			for (int k = 0; k < 4; k++)
				g_free(key[k]);
			g_free(where);
			g_free(label);
		}
	}
	if (rows->len != expected)
		fail("%s: %u rows, one per socket is %u", r.command, rows->len, expected);
	for (guint k = 0; k < rows->len; k++) {
		gchar **f = g_ptr_array_index(rows, k);
		if (!used[k])
			fail("%s: unexpected row: %s %s %s %s %s", r.command, f[C_HOST], f[C_PROTO],
			     f[C_KIND], f[C_LOCAL], f[C_REMOTE]);
	}
	g_free(used);
	g_ptr_array_unref(rows);
	run_clear(&r);
}

static void
test_csv(void)
{
	matched_run m;
	if (matched_run_load(&demux_run, &m)) {
		const char *args[] = { "--format", "csv", DEMUX_PCAP, NULL };
		check_csv(args, &m, NULL);
	}
	matched_run_clear(&m);
	if (matched_run_load(&declared_run, &m)) {
		const char *args[] = { "--format", "csv", "--sockets", DECLARED_INI, DEMUX_PCAP, NULL };
		check_csv(args, &m, NULL);
	}
	matched_run_clear(&m);
}

/* --- --host ---------------------------------------------------------- */

static void
test_host_filter(void)
{
	static const char *const one[] = { "10.0.0.7", NULL };
	static const char *const two[] = { "10.0.0.8", "2001:db8::1", NULL };
	matched_run m;

	if (!matched_run_load(&demux_run, &m))
		goto out;
	JsonObject *truth = json_node_get_object(m.truth);

	/* json: those hosts only, with their whole tables */
	const char *a1[] = { "-q", "--format", "json", "--host", one[0], DEMUX_PCAP, NULL };
	const char *a2[] = { "-q", "--format", "json", "--host", two[0], "--host", two[1],
	                     DEMUX_PCAP, NULL };
	JsonNode *r1 = run_report(a1), *r2 = run_report(a2);
	if (r1)
		compare_tables("--host 10.0.0.7", truth, json_node_get_object(r1), one, NULL);
	if (r2)
		compare_tables("--host 10.0.0.8 --host 2001:db8::1", truth,
		               json_node_get_object(r2), two, NULL);
	if (r1)
		json_node_unref(r1);
	if (r2)
		json_node_unref(r2);

	/* jsonl: exactly the segments those hosts received */
	const char *const extra[] = { "--host", one[0], NULL };
	GHashTable *lines = scenario_trace(&demux_run, extra);
	JsonArray *decisions = json_object_get_array_member(truth, "decisions");
	guint want = 0;
	for (guint i = 0; decisions && i < json_array_get_length(decisions); i++) {
		JsonObject *d = array_object(decisions, i);
		if (g_strcmp0(str_member(d, "host"), one[0]) != 0)
			continue;
		want++;
		if (lines && !line_for(lines, int_member(d, "frame")))
			fail("--host %s --format jsonl: frame %" G_GINT64_FORMAT " missing", one[0],
			     int_member(d, "frame"));
	}
	if (lines) {
		GHashTableIter it;
		gpointer v;
		g_hash_table_iter_init(&it, lines);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			JsonObject *l = json_node_get_object(v);
			if (g_strcmp0(str_member(l, "host"), one[0]) != 0)
				fail("--host %s --format jsonl: frame %" G_GINT64_FORMAT " for host %s",
				     one[0], int_member(l, "frame"), str_member(l, "host"));
		}
		if (g_hash_table_size(lines) != want)
			fail("--host %s --format jsonl: %u lines, %u expected", one[0],
			     g_hash_table_size(lines), want);
		g_hash_table_unref(lines);
	}

	/* csv: those hosts' rows */
	const char *a3[] = { "--format", "csv", "--host", two[0], "--host", two[1], DEMUX_PCAP, NULL };
	check_csv(a3, &m, two);
out:
	matched_run_clear(&m);
}

/* --- Regression captures --------------------------------------------- */

static const scenario synack_run = {
	"synack-after-close", "tests/regress/tcp-synack-after-close.expected.json",
	{ "tests/regress/tcp-synack-after-close.pcap", NULL } };

/* --- Real traffic ---------------------------------------------------- */

static const scenario veth_run = {
	"veth", "captures/veth-ns.expected.json", { "captures/veth-ns.pcap", NULL } };
static const scenario veth_declared_run = {
	"veth-declared", "captures/veth-ns-declared.expected.json",
	{ "--sockets", "captures/veth-ns.ini", "captures/veth-ns.pcap", NULL } };

static void
test_veth(gconstpointer data)
{
	gchar *cap = g_build_filename(srcdir, "captures/veth-ns.pcap", NULL);
	gboolean have = g_file_test(cap, G_FILE_TEST_EXISTS);
	g_free(cap);
	if (!have) {
		g_test_skip("captures/veth-ns.pcap not found (record it with tests/gen/record-veth.sh)");
		return;
	}
	test_table(data);
}

/* --- The generator --------------------------------------------------- */

static void
test_generator(void)
{
	static const char *const files[] = {
		"demux.pcap", "demux.pcap.truth.tsv", "demux.truth.json",
		"demux-declared.ini", "demux-declared.truth.json",
	};
	gchar *gencap = g_build_filename(builddir, "tests", "gen", "gencap", NULL);
	GError *error = NULL;
	gchar *dir = NULL;

	if (!g_file_test(gencap, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("tests/gen/gencap not built");
		goto out;
	}
	if (!(dir = g_dir_make_tmp("demuxsim-gencap-XXXXXX", &error))) {
		fail("cannot make a temporary directory: %s", error->message);
		g_error_free(error);
		goto out;
	}
	const char *args[] = { dir, NULL };
	run_result r;
	if (run_program(gencap, args, &r)) {
		for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
			gchar *a = g_build_filename(dir, files[i], NULL);
			gchar *b = g_build_filename(srcdir, "captures", files[i], NULL);
			gchar *x = NULL, *y = NULL;
			gsize nx = 0, ny = 0;
			if (!g_file_get_contents(a, &x, &nx, NULL))
				fail("gencap did not write %s", files[i]);
			else if (!g_file_get_contents(b, &y, &ny, NULL))
				fail("captures/%s is missing", files[i]);
			else if (nx != ny || memcmp(x, y, nx) != 0)
				fail("captures/%s differs from what tests/gen/gencap writes now "
				     "(regenerate: tests/gen/gencap captures)", files[i]);
			g_free(x);
			g_free(y);
			g_free(a);
			g_free(b);
		}
	}
	run_clear(&r);
	remove_dir(dir);
out:
	g_free(dir);
	g_free(gencap);
}

/* ------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	tr_paths where = tr_paths_get();
	tool_path = where.tool;
	srcdir = where.srcdir;
	builddir = where.builddir;
	g_free(where.benchgen);

	g_test_add_data_func("/scenarios/demux", &demux_run, test_table);
	g_test_add_data_func("/scenarios/declared", &declared_run, test_table);
	g_test_add_func("/scenarios/jsonl-decisions", test_decisions);
	g_test_add_func("/scenarios/split", test_split);
	g_test_add_func("/scenarios/csv", test_csv);
	g_test_add_func("/scenarios/host-filter", test_host_filter);
	g_test_add_data_func("/scenarios/veth", &veth_run, test_veth);
	g_test_add_data_func("/scenarios/veth-declared", &veth_declared_run, test_veth);
	g_test_add_func("/scenarios/generator", test_generator);
	g_test_add_data_func("/scenarios/synack-after-close", &synack_run, test_table);

	int rc = g_test_run();
	g_free(tool_path);
	g_free(srcdir);
	g_free(builddir);
	return rc;
}
