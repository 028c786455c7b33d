/* merge.c - the reports of a run's shards combined into the report of the
 * whole run.  Shard K's report counts the packets whose receiving host is
 * in partition K, and shard 0 also those whose hosts cannot be told, so
 * counts add up; each host is simulated by one shard (declared sockets,
 * held by every shard, are combined); every socket is numbered again by
 * the frame, packet and event that created it, as a whole run numbers
 * them, those a shard discarded taking their ids too; what the shards
 * held is added up frame by frame for the "state" section.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "demuxsim/decode.h"
#include "demuxsim/merge.h"
#include "demuxsim/shard.h"
#include "merge-int.h"
#include "merge-backlog-int.h"

G_DEFINE_QUARK(dm-merge-error-quark, dm_merge_error)

/* One socket of the whole run, from the shards that had it. */
typedef struct {
	JsonObject *base;         /* the entry created first: its members */
	int base_in;              /* its shard (index in the sorted inputs) */
	gint64 base_id;
	gint64 created;
	gint64 segments, bytes, bad, peers;
	gint64 first_frame, last_frame;  /* 0: none */
	const char *first, *last;        /* times as text, NULL: none */
	JsonObject *latest;       /* the entry with the latest last_frame */
	gint64 id;                /* in the whole run */
	JsonNode *backlog;        /* a listener's queues, combined, or NULL */
} msock;

static void
msock_free(gpointer p)
{
	msock *m = p;
	if (m->backlog)
		json_node_unref(m->backlog);
	g_free(m);
}

typedef struct {
	int family;
	uint8_t addr[16];
	const char *address;
	JsonObject *tunnel;       /* its tenant network ("tunnel"), or NULL */
	const char *zone_kind;    /* of it, "" for none */
	gint64 zone_id;
	GHashTable *by_key;       /* "proto kind local remote" -> GPtrArray of msock */
	GPtrArray *sockets;       /* msock *, in order of appearance */
	GPtrArray *refused;       /* JsonObject * */
	JsonNode *dropped;        /* summed */
	JsonNode *retired;        /* summed, or NULL */
	JsonObject *first;        /* its object in the first shard that has it */
} mhost;

/* --- Reading and checking ------------------------------------------------ */

static bool
load(shard_in *in, GError **error)
{
	JsonParser *p = json_parser_new();
	GError *err = NULL;
	bool ok = json_parser_load_from_file(p, in->path, &err);
	if (!ok) {
		g_set_error(error, DM_MERGE_ERROR, 1, "%s: not a JSON report: %s", in->path,
		            err->message);
		g_error_free(err);
		g_object_unref(p);
		return false;
	}
	JsonNode *root = json_parser_get_root(p);
	in->root = root ? json_node_copy(root) : NULL;
	g_object_unref(p);
	in->doc = in->root && JSON_NODE_HOLDS_OBJECT(in->root) ?
	          json_node_get_object(in->root) : NULL;
	JsonObject *sh = dm_merge_object(in->doc, "shard");
	if (!sh || !dm_merge_array(in->doc, "hosts") || !dm_merge_string(sh, "version") ||
	    !dm_merge_array(sh, "options")) {
		g_set_error(error, DM_MERGE_ERROR, 1, "%s: not a shard report "
		            "(made by demuxsim --shard K/N -q --format json)", in->path);
		return false;
	}
	in->k = dm_merge_int(sh, "k");
	in->by_id = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	return true;
}

static bool
same_node(JsonNode *a, JsonNode *b)
{
	if (!a || !b)
		return a == b;
	return json_node_equal(a, b);
}

/* The inputs, sorted by K, are shards 0..N-1 of one run. */
static bool
check_set(shard_in *in, guint n, GError **error)
{
	JsonObject *s0 = dm_merge_object(in[0].doc, "shard");
	gint64 count = dm_merge_int(s0, "n");
	for (guint i = 0; i < n; i++) {
		JsonObject *si = dm_merge_object(in[i].doc, "shard");
		const char *what = NULL;
		if (strcmp(dm_merge_string(si, "version"), PACKAGE_VERSION) != 0) {
			g_set_error(error, DM_MERGE_ERROR, 1, "%s: made by demuxsim %s, this is %s",
			            in[i].path, dm_merge_string(si, "version"), PACKAGE_VERSION);
			return false;
		}
		if (json_object_has_member(in[i].doc, "interrupted")) {
			g_set_error(error, DM_MERGE_ERROR, 1, "%s: the shard's run was interrupted "
			            "(it saw only part of the capture): run it again", in[i].path);
			return false;
		}
		if (dm_merge_int(si, "n") != count)
			what = "a different number of shards";
		else if (!same_node(json_object_get_member(si, "options"),
		                    json_object_get_member(s0, "options")))
			what = "different options or files";
		else if (!same_node(json_object_get_member(in[i].doc, "files"),
		                    json_object_get_member(in[0].doc, "files")) ||
		         dm_merge_int(in[i].doc, "frames") != dm_merge_int(in[0].doc, "frames"))
			what = "different captures";
		if (what) {
			g_set_error(error, DM_MERGE_ERROR, 1, "%s: shard of another run (%s than %s)",
			            in[i].path, what, in[0].path);
			return false;
		}
		if (in[i].k < 0 || in[i].k >= count) {
			g_set_error(error, DM_MERGE_ERROR, 1, "%s: shard %" G_GINT64_FORMAT " of %"
			            G_GINT64_FORMAT " is not a shard", in[i].path, in[i].k, count);
			return false;
		}
		if (i > 0 && in[i].k == in[i - 1].k) {
			g_set_error(error, DM_MERGE_ERROR, 1, "%s: shard %" G_GINT64_FORMAT "/%"
			            G_GINT64_FORMAT " given twice (also %s)", in[i].path, in[i].k,
			            count, in[i - 1].path);
			return false;
		}
	}
	for (gint64 k = 0; k < count; k++) {
		if (k >= (gint64)n || in[k].k != k) {
			g_set_error(error, DM_MERGE_ERROR, 1, "shard %" G_GINT64_FORMAT "/%"
			            G_GINT64_FORMAT " is missing (%u of %" G_GINT64_FORMAT
			            " shard reports given)", k, count, n, count);
			return false;
		}
	}
	return true;
}

/* --- Hosts and sockets --------------------------------------------------- */

/* The host at @address in the tenant network @tunnel (NULL: none). */
static mhost *
host_for(GHashTable *hosts, const char *address, JsonObject *tunnel)
{
	const char *kind = tunnel ? dm_merge_string(tunnel, "kind") : NULL;
	gint64 id = tunnel ? dm_merge_int(tunnel, "id") : 0;
	char *key = g_strdup_printf("%s%%%s:%" G_GINT64_FORMAT, address, kind ? kind : "", id);
	mhost *h = g_hash_table_lookup(hosts, key);
	if (h) {
		g_free(key);
		return h;
	}
	h = g_new0(mhost, 1);
	h->address = address;
	h->tunnel = tunnel;
	h->zone_kind = kind ? kind : "";
	h->zone_id = id;
	h->family = strchr(address, ':') ? 6 : 4;
	if (inet_pton(h->family == 6 ? AF_INET6 : AF_INET, address, h->addr) != 1)
		memset(h->addr, 0, sizeof h->addr);
	h->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                  (GDestroyNotify)g_ptr_array_unref);
	h->sockets = g_ptr_array_new_with_free_func(msock_free);
	h->refused = g_ptr_array_new();
	g_hash_table_insert(hosts, key, h);
	return h;
}

static void
host_free(gpointer p)
{
	mhost *h = p;
	g_hash_table_unref(h->by_key);
	g_ptr_array_unref(h->sockets);
	g_ptr_array_unref(h->refused);
	if (h->dropped)
		json_node_unref(h->dropped);
	if (h->retired)
		json_node_unref(h->retired);
	g_free(h);
}

static const char *
shard_time(JsonObject *s, const char *name)
{
	return dm_merge_string(dm_merge_object(s, "shard"), name);
}

/* Add socket @s of input @i to @h: a socket another shard also created
 * (the same host, protocol, kind and endpoints, the same occurrence of
 * them) is combined with it. */
static void
add_socket(mhost *h, shard_in *in, int i, JsonObject *s, GHashTable *seen)
{
	const char *remote = dm_merge_string(s, "remote");
	char *key = g_strdup_printf("%s %s %s %s", dm_merge_string(s, "proto"),
	                            dm_merge_string(s, "kind"), dm_merge_string(s, "local"),
	                            remote ? remote : "-");
	/* Which occurrence of the key in this shard. */
	guint nth = GPOINTER_TO_UINT(g_hash_table_lookup(seen, key));
	g_hash_table_insert(seen, g_strdup(key), GUINT_TO_POINTER(nth + 1));
	GPtrArray *same = g_hash_table_lookup(h->by_key, key);
	if (!same) {
		same = g_ptr_array_new();
		g_hash_table_insert(h->by_key, key, same);
	} else {
		g_free(key);
	}
	/* Creation order: the frame, then the packet inside its tunnels. */
	JsonObject *so = dm_merge_object(s, "shard");
	JsonNode *on_receive = json_object_get_member(so, "created_on_receive");
	gint64 created = (gint64)DM_SHARD_AT(dm_merge_int(so, "created_frame"),
	                                     dm_merge_int(so, "created_packet"),
	                                     on_receive && JSON_NODE_HOLDS_VALUE(on_receive) &&
	                                     json_node_get_boolean(on_receive));
	gint64 ff = dm_merge_int(s, "first_frame"), lf = dm_merge_int(s, "last_frame");
	msock *m;
	if (nth < same->len) {
		m = g_ptr_array_index(same, nth);
		if (created < m->created) {
			m->base = s;
			m->base_in = i;
			m->base_id = dm_merge_int(s, "id");
			m->created = created;
		}
	} else {
		m = g_new0(msock, 1);
		m->base = s;
		m->base_in = i;
		m->base_id = dm_merge_int(s, "id");
		m->created = created;
		m->latest = s;
		g_ptr_array_add(same, m);
		g_ptr_array_add(h->sockets, m);
	}
	m->segments += dm_merge_int(s, "segments");
	m->bytes += dm_merge_int(s, "bytes");
	m->bad += dm_merge_int(s, "bad_checksums");
	m->peers += dm_merge_int(s, "peers");
	m->backlog = dm_merge_backlog_add(m->backlog, json_object_get_member(s, "backlog"));
	if (ff && (!m->first_frame || ff < m->first_frame)) {
		m->first_frame = ff;
		m->first = shard_time(s, "first");
	}
	if (lf && lf > m->last_frame) {
		m->last_frame = lf;
		m->last = shard_time(s, "last");
		m->latest = s;
	}
	gint64 *id = g_new(gint64, 1);
	*id = dm_merge_int(s, "id");
	g_hash_table_insert(in->by_id, id, m);
}

static void
add_host(GHashTable *hosts, shard_in *in, int i, JsonObject *ho)
{
	mhost *h = host_for(hosts, dm_merge_string(ho, "address"), dm_merge_object(ho, "tunnel"));
	if (!h->first)
		h->first = ho;
	JsonArray *socks = dm_merge_array(ho, "sockets");
	JsonArray *refused = dm_merge_array(ho, "refused");
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint j = 0; socks && j < json_array_get_length(socks); j++)
		add_socket(h, in, i, json_array_get_object_element(socks, j), seen);
	g_hash_table_unref(seen);
	for (guint j = 0; refused && j < json_array_get_length(refused); j++)
		g_ptr_array_add(h->refused, json_array_get_object_element(refused, j));
	h->dropped = dm_merge_sum(h->dropped, json_object_get_member(ho, "dropped"));
	if (json_object_has_member(ho, "retired"))
		h->retired = dm_merge_sum(h->retired, json_object_get_member(ho, "retired"));
}

static gint
host_order(gconstpointer a, gconstpointer b)
{
	const mhost *x = *(const mhost *const *)a, *y = *(const mhost *const *)b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	int c = memcmp(x->addr, y->addr, 16);
	if (c)
		return c;
	/* One address in several tenant networks: as a whole run orders
	 * them, by the tunnel's kind, then its id. */
	int xk = dm_encap_kind_from_name(x->zone_kind), yk = dm_encap_kind_from_name(y->zone_kind);
	if (xk != yk)
		return xk < yk ? -1 : 1;
	return x->zone_id < y->zone_id ? -1 : x->zone_id > y->zone_id;
}

static gint
creation_order(gconstpointer a, gconstpointer b)
{
	const msock *x = *(const msock *const *)a, *y = *(const msock *const *)b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	if (x->base_id != y->base_id)
		return x->base_id < y->base_id ? -1 : 1;
	return 0;
}

static gint
refusal_order(gconstpointer a, gconstpointer b)
{
	gint64 x = dm_merge_int(*(JsonObject *const *)a, "frame");
	gint64 y = dm_merge_int(*(JsonObject *const *)b, "frame");
	return x < y ? -1 : x > y;
}

static JsonNode *
int_node(gint64 v)
{
	JsonNode *n = json_node_new(JSON_NODE_VALUE);
	json_node_set_int(n, v);
	return n;
}

static JsonNode *
text_node(const char *text)
{
	if (!text)
		return json_node_new(JSON_NODE_NULL);
	JsonNode *n = json_node_new(JSON_NODE_VALUE);
	json_node_set_string(n, text);
	return n;
}

/* A time's text ("1700000003.003020342", as "first"/"last") as the exact
 * integer of nanoseconds beside it ("first_ts_ns"); null for none, 0
 * before 1970 (as the report writes it). */
static JsonNode *
ts_ns_node(const char *text)
{
	if (!text)
		return json_node_new(JSON_NODE_NULL);
	if (text[0] == '-')
		return int_node(0);
	gint64 ns = g_ascii_strtoll(text, NULL, 10) * G_GINT64_CONSTANT(1000000000);
	const char *dot = strchr(text, '.');
	if (dot) {
		gint64 frac = 0;
		int digits = 0;
		for (const char *c = dot + 1; g_ascii_isdigit(*c) && digits < 9; c++, digits++)
			frac = frac * 10 + (*c - '0');
		for (; digits < 9; digits++)
			frac *= 10;
		ns += frac;
	}
	return int_node(ns);
}

/* The combined socket @m as the whole run reports it. */
static JsonNode *
socket_node(msock *m, shard_in *in)
{
	JsonObject *o = json_object_new();
	GList *names = json_object_get_members(m->base);
	for (GList *l = names; l; l = l->next) {
		const char *name = l->data;
		JsonNode *v;
		if (strcmp(name, "shard") == 0 || strcmp(name, "retired") == 0)
			continue;
		if (strcmp(name, "id") == 0) {
			v = int_node(m->id);
		} else if (strcmp(name, "parent") == 0) {
			gint64 pid = dm_merge_int(m->base, "parent");
			msock *p = pid ? g_hash_table_lookup(in[m->base_in].by_id, &pid) : NULL;
			v = p ? int_node(p->id) : json_node_new(JSON_NODE_NULL);
		} else if (strcmp(name, "state") == 0) {
			v = json_node_copy(json_object_get_member(m->latest, "state"));
		} else if (strcmp(name, "segments") == 0) {
			v = int_node(m->segments);
		} else if (strcmp(name, "bytes") == 0) {
			v = int_node(m->bytes);
		} else if (strcmp(name, "bad_checksums") == 0) {
			v = int_node(m->bad);
		} else if (strcmp(name, "peers") == 0) {
			v = int_node(m->peers);
		} else if (strcmp(name, "first") == 0) {
			v = text_node(m->first);
		} else if (strcmp(name, "last") == 0) {
			v = text_node(m->last);
		} else if (strcmp(name, "first_ts_ns") == 0) {
			v = ts_ns_node(m->first);
		} else if (strcmp(name, "last_ts_ns") == 0) {
			v = ts_ns_node(m->last);
		} else if (strcmp(name, "first_frame") == 0) {
			v = m->first_frame ? int_node(m->first_frame) : json_node_new(JSON_NODE_NULL);
		} else if (strcmp(name, "last_frame") == 0) {
			v = m->last_frame ? int_node(m->last_frame) : json_node_new(JSON_NODE_NULL);
		} else if (strcmp(name, "backlog") == 0) {
			continue;  /* below, combined */
		} else {
			v = json_node_copy(json_object_get_member(m->base, name));
		}
		json_object_set_member(o, name, v);
	}
	g_list_free(names);
	if (json_object_has_member(m->latest, "retired"))
		json_object_set_member(o, "retired",
		                       json_node_copy(json_object_get_member(m->latest, "retired")));
	if (m->backlog)  /* after "retired", as a whole run writes it */
		json_object_set_member(o, "backlog", json_node_copy(m->backlog));
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	return n;
}

static JsonNode *
host_node(mhost *h, shard_in *in)
{
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "address", h->address);
	/* A host of several addresses: the same in every shard. */
	if (h->first && json_object_has_member(h->first, "name"))
		json_object_set_member(o, "name",
		                       json_node_copy(json_object_get_member(h->first, "name")));
	if (h->first && json_object_has_member(h->first, "addresses"))
		json_object_set_member(o, "addresses",
		                       json_node_copy(json_object_get_member(h->first, "addresses")));
	if (h->tunnel)
		json_object_set_object_member(o, "tunnel", json_object_ref(h->tunnel));
	JsonArray *socks = json_array_new();
	for (guint i = 0; i < h->sockets->len; i++)
		json_array_add_element(socks, socket_node(g_ptr_array_index(h->sockets, i), in));
	json_object_set_array_member(o, "sockets", socks);
	g_ptr_array_sort(h->refused, refusal_order);
	JsonArray *refused = json_array_new();
	for (guint i = 0; i < h->refused->len; i++) {
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_set_object(n, g_ptr_array_index(h->refused, i));
		json_array_add_element(refused, n);
	}
	json_object_set_array_member(o, "refused", refused);
	json_object_set_member(o, "dropped", h->dropped ? json_node_copy(h->dropped)
	                                                : json_node_new(JSON_NODE_NULL));
	if (h->retired)
		json_object_set_member(o, "retired", json_node_copy(h->retired));
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	return n;
}

/* Renumber every socket in creation order (the order of their ids in a
 * whole run), the sockets the shards made but do not list (@unlisted:
 * gint64 pairs, id and creation place) taking their ids too; sockets within a host
 * stay in that order.
 * Returns: the ids given. */
static gint64
number_sockets(GPtrArray *hosts, GArray *unlisted)
{
	GPtrArray *all = g_ptr_array_new_with_free_func(NULL);
	GPtrArray *holes = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < hosts->len; i++) {
		mhost *h = g_ptr_array_index(hosts, i);
		g_ptr_array_sort(h->sockets, creation_order);
		for (guint j = 0; j < h->sockets->len; j++)
			g_ptr_array_add(all, g_ptr_array_index(h->sockets, j));
	}
	for (guint i = 0; i + 1 < unlisted->len; i += 2) {
		msock *m = g_new0(msock, 1);
		m->base_id = g_array_index(unlisted, gint64, i);
		m->created = g_array_index(unlisted, gint64, i + 1);
		g_ptr_array_add(holes, m);
		g_ptr_array_add(all, m);
	}
	g_ptr_array_sort(all, creation_order);
	for (guint i = 0; i < all->len; i++)
		((msock *)g_ptr_array_index(all, i))->id = (gint64)i + 1;
	gint64 n = all->len;
	g_ptr_array_unref(all);
	g_ptr_array_unref(holes);
	return n;
}

/* --- The document -------------------------------------------------------- */

/* Member names of every input's document, each after its predecessor. */
static GPtrArray *
member_order(shard_in *in, guint n)
{
	GPtrArray *order = g_ptr_array_new();
	for (guint i = 0; i < n; i++) {
		GList *names = json_object_get_members(in[i].doc);
		guint at = 0;
		for (GList *l = names; l; l = l->next) {
			guint pos;
			if (g_ptr_array_find_with_equal_func(order, l->data, g_str_equal, &pos)) {
				at = pos + 1;
				continue;
			}
			g_ptr_array_insert(order, (gint)at++, l->data);
		}
		g_list_free(names);
	}
	return order;
}

static gint
shard_order(gconstpointer a, gconstpointer b)
{
	const shard_in *x = a, *y = b;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* The counts a merge needs beside the hosts. */
typedef struct {
	gint64 created;   /* socket ids the shards gave */
	gint64 listed;    /* sockets the shards list */
	gint64 ids;       /* ids given once combined */
	GArray *unlisted; /* gint64 pairs: the unlisted ones' ids in their
	                   * shard and where they were created */
} merge_counts;

/* Member @name of the merged document, from the shards' @in (@n of
 * them) and the merged, sorted @hosts. */
static JsonNode *
merged_member(const char *name, shard_in *in, guint n, const GPtrArray *hosts,
              const merge_counts *mc)
{
	JsonNode *v = NULL;
	if (strcmp(name, "hosts") == 0) {
		JsonArray *a = json_array_new();
		for (guint i = 0; i < hosts->len; i++)
			json_array_add_element(a, host_node(g_ptr_array_index(hosts, i), in));
		v = json_node_new(JSON_NODE_ARRAY);
		json_node_take_array(v, a);
	} else if (strcmp(name, "state") == 0) {
		v = dm_merge_state(in, n);
	} else if (strcmp(name, "sockets") == 0) {
		/* Ids given: the listed sockets once combined, and the
		 * unlisted ones. */
		v = int_node(mc->ids);
	} else if (strcmp(name, "files") == 0 || strcmp(name, "frames") == 0 ||
	           strcmp(name, "reassembly") == 0 || strcmp(name, "capture") == 0) {
		/* The same in every shard: every shard reads every frame and
		 * reassembles every fragment. */
		v = json_node_copy(json_object_get_member(in[0].doc, name));
	} else {
		for (guint i = 0; i < n; i++) {
			JsonNode *x = json_object_get_member(in[i].doc, name);
			if (x)
				v = dm_merge_sum(v, x);
		}
	}
	return v;
}

/* Combine the hosts of every shard into @hosts; count into @mc.
 * Returns: whether a shard's report had entries evicted. */
static bool
combine_hosts(shard_in *in, guint n, GHashTable *hosts, merge_counts *mc)
{
	bool crossing = false;
	for (guint i = 0; i < n; i++) {
		JsonArray *ha = dm_merge_array(in[i].doc, "hosts");
		mc->created += dm_merge_int(in[i].doc, "sockets");
		for (guint j = 0; j < json_array_get_length(ha); j++) {
			JsonObject *ho = json_array_get_object_element(ha, j);
			mc->listed += json_array_get_length(dm_merge_array(ho, "sockets"));
			add_host(hosts, &in[i], (int)i, ho);
		}
		crossing |= dm_merge_evicted(dm_merge_object(in[i].doc, "state"));
		JsonArray *un = dm_merge_array(dm_merge_object(in[i].doc, "shard"), "unlisted");
		for (guint j = 0; un && j < json_array_get_length(un); j++) {
			/* [its id in the shard, where it was created] */
			JsonArray *e = json_array_get_array_element(un, j);
			if (!e || json_array_get_length(e) != 2)
				continue;
			gint64 pair[2] = { json_array_get_int_element(e, 0),
			                   json_array_get_int_element(e, 1) };
			g_array_append_vals(mc->unlisted, pair, 2);
		}
	}
	return crossing;
}

/* The hosts of @hosts sorted as a whole run sorts them. */
static GPtrArray *
sorted_hosts(GHashTable *hosts)
{
	GPtrArray *sorted = g_ptr_array_new();
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, hosts);
	while (g_hash_table_iter_next(&it, NULL, &value))
		g_ptr_array_add(sorted, value);
	g_ptr_array_sort(sorted, host_order);
	return sorted;
}

JsonNode *
dm_merge_shards(const char *const *paths, guint n, char **warning, GError **error)
{
	shard_in *in = g_new0(shard_in, n);
	JsonNode *result = NULL;
	GHashTable *hosts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, host_free);
	GPtrArray *sorted = NULL, *order = NULL;
	merge_counts mc = { 0, 0, 0, g_array_new(FALSE, FALSE, sizeof(gint64)) };

	*warning = NULL;
	for (guint i = 0; i < n; i++) {
		in[i].path = paths[i];
		if (!load(&in[i], error))
			goto out;
	}
	qsort(in, n, sizeof *in, shard_order);
	if (!check_set(in, n, error))
		goto out;

	bool crossing = combine_hosts(in, n, hosts, &mc);
	sorted = sorted_hosts(hosts);
	mc.ids = number_sockets(sorted, mc.unlisted);
	bool queues_differ = false;
	for (guint i = 0; i < sorted->len; i++) {
		mhost *h = g_ptr_array_index(sorted, i);
		for (guint j = 0; j < h->sockets->len; j++) {
			msock *m = g_ptr_array_index(h->sockets, j);
			if (m->backlog && !dm_merge_backlog_finish(m->backlog))
				queues_differ = true;
		}
	}

	JsonObject *doc = json_object_new();
	order = member_order(in, n);
	for (guint m = 0; m < order->len; m++) {
		const char *name = g_ptr_array_index(order, m);
		if (strcmp(name, "shard") != 0)
			json_object_set_member(doc, name, merged_member(name, in, n, sorted, &mc));
	}
	result = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(result, doc);
	if (crossing)
		*warning = g_strdup("entries were evicted under --max-sockets/--max-memory, "
		                    "each shard within its share of the budget: the sockets "
		                    "listed and the \"state\" section may differ from a whole run");
	else if (queues_differ)
		*warning = g_strdup("a listener's SYN queue filled in a shard: its queue peaks, "
		                    "SYN cookies and syn-queue-full drops may differ from a whole run");

out:
	g_array_unref(mc.unlisted);
	if (order)
		g_ptr_array_unref(order);
	if (sorted)
		g_ptr_array_unref(sorted);
	g_hash_table_unref(hosts);
	for (guint i = 0; i < n; i++) {
		if (in[i].by_id)
			g_hash_table_destroy(in[i].by_id);
		if (in[i].root)
			json_node_unref(in[i].root);
	}
	g_free(in);
	return result;
}
