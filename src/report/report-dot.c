/* report-dot.c - the run as a Graphviz diagram (--format dot): one
 * cluster per receiving host, each socket a node labelled as in the
 * textbook ("UDP :53", "TCP listen :80", "TCP 10.0.0.2:80 <-> 10.0.0.1:51234
 * ESTABLISHED"), listeners joined to the children they accepted, and an
 * edge from every peer to the socket it reached weighted by segments.
 * A peer is drawn as the socket that sent from it when the capture shows
 * one on its host, else as an endpoint node.  Refused attempts and
 * segments dropped for a bad checksum are drawn in red with their counts.
 * With a node limit, each cluster keeps its busiest sockets and endpoints
 * and folds the others into one "N more" node.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "report-int.h"

typedef enum {
	EDGE_SEGMENTS,   /* segments from a peer to the socket it reached */
	EDGE_CHILD,      /* a listener and a connection it accepted */
	EDGE_REFUSED,    /* attempts the host refused */
	EDGE_BAD,        /* segments dropped for a bad checksum */
} edge_kind;

typedef struct {
	const char *src, *dst;
	uint64_t count;
	edge_kind kind;
} edge;

/* An endpoint node: a peer (address, port) no drawn socket stands for. */
typedef struct {
	const char *name;
	const char *label;
	guint cluster;
	uint64_t segments;
	const char *fold;       /* the node it is folded into, or NULL */
} endpoint;

typedef struct {
	const char *id;         /* for the SVG element */
	const char *label;
	const dm_host *host;    /* NULL: an address that only sends */
	GPtrArray *endpoints;   /* endpoint * */
} cluster;

typedef struct {
	const dm_report *rep;
	GStringChunk *text;
	GPtrArray *clusters;    /* cluster *; receiving hosts first */
	GHashTable *cluster_at; /* address text -> cluster index + 1 */
	GHashTable *node_of;    /* dm_socket * -> its node name (or its fold's) */
	GHashTable *conns;      /* "proto local remote" -> GPtrArray of dm_socket * */
	GHashTable *bound;      /* "proto local" -> dm_socket * (UDP) */
	GHashTable *endpoints;  /* "address port" -> endpoint * */
	GPtrArray *edges;       /* edge *, in order of first appearance */
	GHashTable *edge_at;    /* "src dst kind" -> edge * */
} dot_ctx;

void
dm_report_set_max_nodes(dm_report *rep, unsigned n)
{
	rep->max_nodes = n;
}

const char *
dm_report_state_colour(const dm_socket *s)
{
	if (dm_socket_proto(s) == 17)
		return "#bae6fd";
	switch (dm_socket_state(s)) {
	case DM_TCP_LISTEN:
		return "#c7d2fe";
	case DM_TCP_SYN_SENT:
	case DM_TCP_SYN_RECEIVED:
		return "#fde68a";
	case DM_TCP_ESTABLISHED:
		return "#bbf7d0";
	case DM_TCP_TIME_WAIT:
		return "#e9d5ff";
	case DM_TCP_CLOSED:
		return "#d1d5db";
	default:            /* closing: FIN-WAIT, CLOSE-WAIT, CLOSING, LAST-ACK */
		return "#fed7aa";
	}
}

char *
dm_report_socket_caption(const dm_socket *s)
{
	char l[56], r[56];
	uint16_t lport, rport;
	int fam = dm_socket_family(s);
	const uint8_t *ra = dm_socket_remote(s, &rport);
	const char *proto = dm_socket_proto(s) == 17 ? "UDP" : "TCP";
	const char *st = dm_tcp_state_name(dm_socket_state(s));

	dm_socket_local(s, &lport);
	if (ra) {
		dm_report_endpoint(fam, dm_socket_local(s, NULL), lport, false, l);
		dm_report_endpoint(fam, ra, rport, false, r);
		return g_strdup_printf("%s %s <-> %s%s%s", proto, l, r, st ? " " : "", st ? st : "");
	}
	return g_strdup_printf("%s %s%s%u", proto,
	                       dm_socket_kind(s) == DM_KIND_LISTEN ? "listen " : "",
	                       dm_socket_local_is_wildcard(s) ? "*:" : ":", lport);
}

/* @text quoted as a DOT string. */
static void
dot_quoted(GString *out, const char *text)
{
	g_string_append_c(out, '"');
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(out, '\\');
		if (*p == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *p);
	}
	g_string_append_c(out, '"');
}

static const char *
intern(dot_ctx *c, const char *text)
{
	return g_string_chunk_insert_const(c->text, text);
}

/* The address a socket is reached at: its own, or its host's (the first
 * of the socket's family) when it is bound to the wildcard. */
static const uint8_t *
socket_address(const dm_socket *s, const dm_host *h)
{
	if (!dm_socket_local_is_wildcard(s))
		return dm_socket_local(s, NULL);
	for (guint i = 0; i < dm_host_n_addresses(h); i++) {
		int f;
		const uint8_t *a = dm_host_address_at(h, i, &f);
		if (f == dm_socket_family(s))
			return a;
	}
	return dm_host_address(h);
}

static char *
conn_key(uint8_t proto, int fam, const uint8_t *la, uint16_t lport,
         const uint8_t *ra, uint16_t rport)
{
	char l[56], r[56];
	return g_strdup_printf("%u %s %s", proto, dm_report_endpoint(fam, la, lport, false, l),
	                       dm_report_endpoint(fam, ra, rport, false, r));
}

static char *
bound_key(uint8_t proto, int fam, const uint8_t *la, uint16_t lport)
{
	char l[56];
	return g_strdup_printf("%u %s", proto, dm_report_endpoint(fam, la, lport, false, l));
}

static uint64_t
busyness(const dm_socket *s)
{
	return dm_socket_segments(s) + dm_socket_bad_checksums(s);
}

static int
by_busyness(gconstpointer a, gconstpointer b)
{
	const dm_socket *x = *(const dm_socket *const *)a, *y = *(const dm_socket *const *)b;
	uint64_t bx = busyness(x), by = busyness(y);
	if (bx != by)
		return bx > by ? -1 : 1;
	return dm_socket_id(x) < dm_socket_id(y) ? -1 : 1;
}

static int
endpoint_by_segments(gconstpointer a, gconstpointer b)
{
	const endpoint *x = *(const endpoint *const *)a, *y = *(const endpoint *const *)b;
	if (x->segments != y->segments)
		return x->segments > y->segments ? -1 : 1;
	return strcmp(x->name, y->name);
}

static guint
cluster_for(dot_ctx *c, int fam, const uint8_t *addr)
{
	char a[INET6_ADDRSTRLEN];
	dm_report_address(fam, addr, a);
	gpointer at = g_hash_table_lookup(c->cluster_at, a);
	if (at)
		return GPOINTER_TO_UINT(at) - 1;
	cluster *cl = g_new0(cluster, 1);
	char id[64];
	g_snprintf(id, sizeof id, "peer-%s", a);
	cl->id = intern(c, id);
	cl->label = intern(c, a);
	cl->endpoints = g_ptr_array_new();
	g_ptr_array_add(c->clusters, cl);
	g_hash_table_insert(c->cluster_at, (gpointer)intern(c, a),
	                    GUINT_TO_POINTER(c->clusters->len));
	return c->clusters->len - 1;
}

static endpoint *
endpoint_for(dot_ctx *c, int fam, const uint8_t *addr, uint16_t port)
{
	char e[56];
	dm_report_endpoint(fam, addr, port, false, e);
	endpoint *ep = g_hash_table_lookup(c->endpoints, e);
	if (ep)
		return ep;
	char name[32], label[16];
	ep = g_new0(endpoint, 1);
	g_snprintf(name, sizeof name, "e%u", g_hash_table_size(c->endpoints) + 1);
	g_snprintf(label, sizeof label, ":%u", port);
	ep->name = intern(c, name);
	ep->label = intern(c, label);
	ep->cluster = cluster_for(c, fam, addr);
	g_ptr_array_add(((cluster *)g_ptr_array_index(c->clusters, ep->cluster))->endpoints, ep);
	g_hash_table_insert(c->endpoints, (gpointer)intern(c, e), ep);
	return ep;
}

static void
add_edge(dot_ctx *c, const char *src, const char *dst, uint64_t count, edge_kind kind)
{
	if (strcmp(src, dst) == 0)
		return;
	char *key = g_strdup_printf("%s %s %d", src, dst, kind);
	edge *e = g_hash_table_lookup(c->edge_at, key);
	if (e) {
		e->count += count;
		g_free(key);
		return;
	}
	e = g_new0(edge, 1);
	*e = (edge){ src, dst, count, kind };
	g_ptr_array_add(c->edges, e);
	g_hash_table_insert(c->edge_at, key, e);
}

/* The node standing for the peer @addr:@pport of a segment of protocol
 * @proto that reached @laddr:@lport around frame @near: the socket on the
 * peer's host that sent it when there is one (a connection on that
 * 4-tuple, the one created nearest in the capture; for UDP a bound
 * socket), else an endpoint node counting @count more segments. */
static const char *
peer_node(dot_ctx *c, uint8_t proto, int fam, const uint8_t *addr, uint16_t pport,
          const uint8_t *laddr, uint16_t lport, uint64_t near, uint64_t count)
{
	char *k = conn_key(proto, fam, addr, pport, laddr, lport);
	GPtrArray *cands = g_hash_table_lookup(c->conns, k);
	g_free(k);
	const dm_socket *best = NULL;
	uint64_t best_d = UINT64_MAX;
	for (guint i = 0; cands && i < cands->len; i++) {
		const dm_socket *s = g_ptr_array_index(cands, i);
		uint64_t f = dm_socket_first_frame(s);
		uint64_t d = f > near ? f - near : near - f;
		if (d < best_d) {
			best = s;
			best_d = d;
		}
	}
	if (!best && proto == 17) {
		k = bound_key(proto, fam, addr, pport);
		best = g_hash_table_lookup(c->bound, k);
		g_free(k);
	}
	if (best)
		return g_hash_table_lookup(c->node_of, best);
	endpoint *ep = endpoint_for(c, fam, addr, pport);
	ep->segments += count;
	return ep->name;
}

/* Index a visible host's sockets and choose which are drawn. */
static void
index_host(dot_ctx *c, const dm_host *h, guint hi)
{
	const GPtrArray *socks = dm_host_sockets(h);
	unsigned max = c->rep->max_nodes;
	GPtrArray *order = g_ptr_array_sized_new(socks->len);
	char name[32];

	for (guint i = 0; i < socks->len; i++)
		g_ptr_array_add(order, g_ptr_array_index(socks, i));
	g_ptr_array_sort(order, by_busyness);
	g_snprintf(name, sizeof name, "more%u", hi);
	const char *fold = intern(c, name);
	for (guint i = 0; i < order->len; i++) {
		const dm_socket *s = g_ptr_array_index(order, i);
		g_snprintf(name, sizeof name, "s%u", dm_socket_id(s));
		g_hash_table_insert(c->node_of, (gpointer)s,
		                    (gpointer)(max && i >= max ? fold : intern(c, name)));
		uint16_t lport, rport;
		const uint8_t *ra = dm_socket_remote(s, &rport);
		dm_socket_local(s, &lport);
		const uint8_t *la = socket_address(s, h);
		char *k;
		if (ra) {
			k = conn_key(dm_socket_proto(s), dm_socket_family(s), la, lport, ra, rport);
			GPtrArray *list = g_hash_table_lookup(c->conns, k);
			if (!list) {
				list = g_ptr_array_new();
				g_hash_table_insert(c->conns, k, list);
			} else {
				g_free(k);
			}
			g_ptr_array_add(list, (gpointer)s);
		} else if (dm_socket_proto(s) == 17) {
			/* A socket bound to the address beats one on the wildcard. */
			k = bound_key(17, dm_socket_family(s), la, lport);
			if (!dm_socket_local_is_wildcard(s) || !g_hash_table_contains(c->bound, k))
				g_hash_table_replace(c->bound, k, (gpointer)s);
			else
				g_free(k);
		}
	}
	g_ptr_array_unref(order);
}

static void
socket_edges(dot_ctx *c, const dm_host *h, guint hi)
{
	const GPtrArray *socks = dm_host_sockets(h);
	uint64_t bad_total = dm_host_drops(h, DM_DROP_BAD_CHECKSUM);
	char bad[32];
	g_snprintf(bad, sizeof bad, "bad%u", hi);

	for (guint i = 0; i < socks->len; i++) {
		const dm_socket *s = g_ptr_array_index(socks, i);
		const char *node = g_hash_table_lookup(c->node_of, s);
		const dm_socket *parent = dm_socket_parent(s);
		uint16_t lport;
		dm_socket_local(s, &lport);
		const uint8_t *la = socket_address(s, h);
		dm_peer_iter it;
		dm_peer p;

		if (parent)
			add_edge(c, g_hash_table_lookup(c->node_of, parent), node, 0, EDGE_CHILD);
		dm_socket_peer_iter_init(&it, s);
		while (dm_peer_iter_next(&it, &p)) {
			if (p.other)  /* folded peers: no endpoint to draw */
				continue;
			add_edge(c, peer_node(c, dm_socket_proto(s), p.family, p.addr, p.port, la,
			                      lport, dm_socket_first_frame(s), p.segments),
			         node, p.segments, EDGE_SEGMENTS);
		}
		if (bad_total && dm_socket_bad_checksums(s))
			add_edge(c, intern(c, bad), node, dm_socket_bad_checksums(s), EDGE_BAD);
	}
	const GArray *refused = dm_host_refusals(h);
	for (guint i = 0; i < refused->len; i++) {
		const dm_refusal *r = &g_array_index(refused, dm_refusal, i);
		char name[48];
		g_snprintf(name, sizeof name, "refused%u_%u_%u", hi, r->proto, r->port);
		add_edge(c, peer_node(c, r->proto, dm_refusal_family(h, r), r->peer, r->peer_port,
		                      dm_host_address(h), r->port, r->frame, r->count),
		         intern(c, name), r->count, EDGE_REFUSED);
	}
}

static void
node_line(GString *out, const char *name, const char *id, const char *label,
          const char *attrs)
{
	g_string_append(out, "    ");
	dot_quoted(out, name);
	g_string_append(out, " [");
	if (id) {
		g_string_append(out, "id=");
		dot_quoted(out, id);
		g_string_append(out, ", ");
	}
	g_string_append(out, "label=");
	dot_quoted(out, label);
	if (attrs)
		g_string_append_printf(out, ", %s", attrs);
	g_string_append(out, "];\n");
}

static void
write_socket(GString *out, const dm_socket *s)
{
	char name[32], id[32], attrs[96];
	char *caption = dm_report_socket_caption(s);
	GString *label = g_string_new(caption);
	uint64_t n = dm_socket_segments(s);

	g_string_append_printf(label, "\nsocket %u, %" G_GUINT64_FORMAT " segment%s",
	                       dm_socket_id(s), n, n == 1 ? "" : "s");
	if (dm_socket_midstream(s))
		g_string_append(label, ", midstream");
	if (dm_socket_declared(s))
		g_string_append(label, ", declared");
	g_snprintf(name, sizeof name, "s%u", dm_socket_id(s));
	g_snprintf(id, sizeof id, "socket-%u", dm_socket_id(s));
	g_snprintf(attrs, sizeof attrs, "fillcolor=\"%s\"%s", dm_report_state_colour(s),
	           dm_socket_kind(s) == DM_KIND_LISTEN ? ", penwidth=2" : "");
	node_line(out, name, id, label->str, attrs);
	g_string_free(label, TRUE);
	g_free(caption);
}

static void
write_cluster(dot_ctx *c, GString *out, guint ci)
{
	cluster *cl = g_ptr_array_index(c->clusters, ci);
	unsigned max = c->rep->max_nodes;
	char name[48], label[96];

	g_string_append_printf(out, "  subgraph cluster_%u {\n    id=", ci);
	dot_quoted(out, cl->id);
	g_string_append(out, "; label=");
	dot_quoted(out, cl->label);
	g_string_append(out, cl->host ? ";\n    style=\"rounded,filled\"; fillcolor=\"#f8fafc\"; color=\"#94a3b8\";\n"
	                              : ";\n    style=\"rounded,dashed\"; color=\"#94a3b8\";\n");
	if (cl->host) {
		const dm_host *h = cl->host;
		const GPtrArray *socks = dm_host_sockets(h);
		guint folded = 0;
		uint64_t folded_segments = 0;
		for (guint i = 0; i < socks->len; i++) {
			const dm_socket *s = g_ptr_array_index(socks, i);
			g_snprintf(name, sizeof name, "s%u", dm_socket_id(s));
			if (strcmp(g_hash_table_lookup(c->node_of, s), name) == 0) {
				write_socket(out, s);
			} else {
				folded++;
				folded_segments += dm_socket_segments(s);
			}
		}
		if (folded) {
			g_snprintf(name, sizeof name, "more%u", ci);
			g_snprintf(label, sizeof label, "%u more\n%" G_GUINT64_FORMAT " segment%s",
			           folded, folded_segments, folded_segments == 1 ? "" : "s");
			node_line(out, name, NULL, label, "shape=box3d, fillcolor=\"#f1f5f9\"");
		}
		const GArray *refused = dm_host_refusals(h);
		GHashTable *ports = g_hash_table_new(NULL, NULL);
		for (guint i = 0; i < refused->len; i++) {
			const dm_refusal *r = &g_array_index(refused, dm_refusal, i);
			gpointer port = GUINT_TO_POINTER((guint)r->proto << 16 | r->port);
			if (!g_hash_table_add(ports, port))
				continue;   /* one node per refused port */
			g_snprintf(name, sizeof name, "refused%u_%u_%u", ci, r->proto, r->port);
			g_snprintf(label, sizeof label, "refused %s :%u\nhost answers %s",
			           r->proto == 17 ? "UDP" : "TCP", r->port, dm_reply_name(r->reply));
			node_line(out, name, NULL, label,
			          "shape=octagon, color=red, fontcolor=red, fillcolor=\"#fee2e2\"");
		}
		g_hash_table_unref(ports);
		uint64_t bad = dm_host_drops(h, DM_DROP_BAD_CHECKSUM);
		if (bad) {
			g_snprintf(name, sizeof name, "bad%u", ci);
			g_snprintf(label, sizeof label, "bad checksum\n%" G_GUINT64_FORMAT " dropped", bad);
			node_line(out, name, NULL, label,
			          "shape=note, color=red, fontcolor=red, fillcolor=\"#fee2e2\"");
		}
	}
	GPtrArray *eps = cl->endpoints;
	g_ptr_array_sort(eps, endpoint_by_segments);
	guint folded = 0;
	uint64_t folded_segments = 0;
	g_snprintf(name, sizeof name, "emore%u", ci);
	for (guint i = 0; i < eps->len; i++) {
		endpoint *ep = g_ptr_array_index(eps, i);
		if (max && i >= max) {
			ep->fold = intern(c, name);
			folded++;
			folded_segments += ep->segments;
		} else {
			node_line(out, ep->name, NULL, ep->label,
			          "shape=ellipse, fillcolor=\"#ffffff\"");
		}
	}
	if (folded) {
		g_snprintf(label, sizeof label, "%u more endpoints\n%" G_GUINT64_FORMAT " segment%s",
		           folded, folded_segments, folded_segments == 1 ? "" : "s");
		node_line(out, name, NULL, label, "shape=ellipse, fillcolor=\"#f1f5f9\"");
	}
	g_string_append(out, "  }\n");
}

/* Edges after folding, endpoints folded into their cluster's node. */
static void
write_edges(dot_ctx *c, GString *out)
{
	GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, c->endpoints);
	while (g_hash_table_iter_next(&it, NULL, &v))
		g_hash_table_insert(by_name, (gpointer)((endpoint *)v)->name, v);
	dot_ctx folded = *c;
	folded.edges = g_ptr_array_new_with_free_func(g_free);
	folded.edge_at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < c->edges->len; i++) {
		const edge *e = g_ptr_array_index(c->edges, i);
		const endpoint *ep = g_hash_table_lookup(by_name, e->src);
		add_edge(&folded, ep && ep->fold ? ep->fold : e->src, e->dst, e->count, e->kind);
	}
	for (guint i = 0; i < folded.edges->len; i++) {
		const edge *e = g_ptr_array_index(folded.edges, i);
		g_string_append(out, "  ");
		dot_quoted(out, e->src);
		g_string_append(out, " -> ");
		dot_quoted(out, e->dst);
		switch (e->kind) {
		case EDGE_SEGMENTS:
			g_string_append_printf(out, " [label=\"%" G_GUINT64_FORMAT "\", weight=%u, penwidth=%.1f]",
			                       e->count, (unsigned)MIN(e->count, 1000),
			                       MIN(0.6 + 0.6 * g_bit_storage(e->count), 6.0));
			break;
		case EDGE_CHILD:
			g_string_append(out, " [style=dashed, color=\"#64748b\", arrowhead=odot]");
			break;
		case EDGE_REFUSED:
			g_string_append_printf(out, " [label=\"%" G_GUINT64_FORMAT " refused\", color=red, fontcolor=red]",
			                       e->count);
			break;
		case EDGE_BAD:
			g_string_append_printf(out, " [label=\"%" G_GUINT64_FORMAT " bad\", color=red, fontcolor=red, style=dashed]",
			                       e->count);
			break;
		}
		g_string_append(out, ";\n");
	}
	g_ptr_array_unref(folded.edges);
	g_hash_table_unref(folded.edge_at);
	g_hash_table_unref(by_name);
}

static void
cluster_free(gpointer p)
{
	cluster *cl = p;
	g_ptr_array_unref(cl->endpoints);
	g_free(cl);
}

GString *
dm_report_dot(const dm_report *rep, const dm_demux *dm)
{
	dot_ctx c = { .rep = rep };
	GString *out = g_string_new(NULL);
	GPtrArray *hosts = dm_demux_hosts(dm);
	char a[INET6_ADDRSTRLEN], id[64], label[80];

	c.text = g_string_chunk_new(4096);
	c.clusters = g_ptr_array_new_with_free_func(cluster_free);
	c.cluster_at = g_hash_table_new(g_str_hash, g_str_equal);
	c.node_of = g_hash_table_new(NULL, NULL);
	c.conns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                (GDestroyNotify)g_ptr_array_unref);
	c.bound = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	c.endpoints = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	c.edges = g_ptr_array_new_with_free_func(g_free);
	c.edge_at = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	/* Clusters for the visible receiving hosts first, in address order. */
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		if (!dm_report_host_visible(rep, h))
			continue;
		dm_report_address(dm_host_family(h), dm_host_address(h), a);
		cluster *cl = g_new0(cluster, 1);
		g_snprintf(id, sizeof id, "host-%s", a);
		g_snprintf(label, sizeof label, "host %s", a);
		cl->id = intern(&c, id);
		cl->label = intern(&c, label);
		cl->host = h;
		cl->endpoints = g_ptr_array_new();
		g_ptr_array_add(c.clusters, cl);
		g_hash_table_insert(c.cluster_at, (gpointer)intern(&c, a),
		                    GUINT_TO_POINTER(c.clusters->len));
	}
	guint nhosts = c.clusters->len;
	for (guint i = 0; i < nhosts; i++)
		index_host(&c, ((cluster *)g_ptr_array_index(c.clusters, i))->host, i);
	for (guint i = 0; i < nhosts; i++)
		socket_edges(&c, ((cluster *)g_ptr_array_index(c.clusters, i))->host, i);

	g_string_append(out,
		"digraph demuxsim {\n"
		"  graph [rankdir=LR, newrank=true, fontname=\"Helvetica\", fontsize=12, nodesep=0.25, ranksep=0.9];\n"
		"  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, margin=\"0.12,0.06\"];\n"
		"  edge [fontname=\"Helvetica\", fontsize=9, color=\"#334155\", arrowsize=0.7];\n");
	for (guint i = 0; i < c.clusters->len; i++)
		write_cluster(&c, out, i);
	write_edges(&c, out);
	g_string_append(out, "}\n");

	g_hash_table_unref(c.edge_at);
	g_ptr_array_unref(c.edges);
	g_hash_table_unref(c.endpoints);
	g_hash_table_unref(c.bound);
	g_hash_table_unref(c.conns);
	g_hash_table_unref(c.node_of);
	g_hash_table_unref(c.cluster_at);
	g_ptr_array_unref(c.clusters);
	g_string_chunk_free(c.text);
	g_ptr_array_unref(hosts);
	return out;
}

void
dm_report_write_diagram(dm_report *rep, const dm_demux *dm)
{
	GString *dot = dm_report_dot(rep, dm);
	if (rep->fmt == DM_FORMAT_SVG) {
		GError *err = NULL;
		size_t len;
		char *svg = dm_report_svg_render(dot->str, 0, &len, &err);
		if (svg) {
			fwrite(svg, 1, len, rep->out);
			g_free(svg);
		} else {
			g_printerr("demuxsim: svg: %s\n", err->message);
			g_error_free(err);
		}
	} else {
		fwrite(dot->str, 1, dot->len, rep->out);
	}
	g_string_free(dot, TRUE);
}
