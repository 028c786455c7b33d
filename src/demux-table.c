/* demux-table.c - the socket tables: keys, hosts, sockets, their
 * accessors and names, and the invariant checker used by the tests.
 */
#include "config.h"

#include <string.h>

#include "demux-int.h"
#include "demux-table.h"

/* Keys are hashed as five 64-bit words, mixed (splitmix64 finaliser). */
guint
dm_key_hash(gconstpointer p)
{
	uint64_t w[5], h = 0x9e3779b97f4a7c15u;
	G_STATIC_ASSERT(sizeof(dm_key) == sizeof w);
	memcpy(w, p, sizeof w);
	for (int i = 0; i < 5; i++) {
		h ^= w[i];
		h *= 0xbf58476d1ce4e5b9u;
		h ^= h >> 31;
	}
	h *= 0x94d049bb133111ebu;
	return (guint)(h ^ (h >> 32));
}

gboolean
dm_key_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(dm_key)) == 0;
}

void
dm_key_make(dm_key *k, uint8_t proto, uint8_t family, const uint8_t *laddr,
            uint16_t lport, const uint8_t *raddr, uint16_t rport)
{
	size_t alen = family == 6 ? 16 : 4;
	memset(k, 0, sizeof *k);
	k->proto = proto;
	k->family = family;
	k->lport = lport;
	if (laddr)
		memcpy(k->laddr, laddr, alen);
	if (raddr) {
		k->tuple = 4;
		memcpy(k->raddr, raddr, alen);
		k->rport = rport;
	} else {
		k->tuple = 2;
	}
}

void
dm_key_wildcard(dm_key *k, uint8_t proto, uint8_t family, const uint8_t *host,
                uint16_t lport)
{
	dm_key_make(k, proto, family, NULL, lport, NULL, 0);
	memcpy(k->raddr, host, family == 6 ? 16 : 4);
}

static void
host_free(gpointer p)
{
	dm_host *h = p;
	g_ptr_array_unref(h->sockets);
	g_array_unref(h->refusals);
	g_hash_table_unref(h->refusal_at);
	if (h->closed)
		g_hash_table_unref(h->closed);
	g_free(h);
}

/* Hosts are looked up two or three times per segment: their address is
 * hashed directly (two 64-bit words and the family), not as a table key. */
static guint
host_hash(gconstpointer p)
{
	const dm_host *h = p;
	uint64_t w[2];
	memcpy(w, h->addr, sizeof w);
	uint64_t x = (w[0] ^ h->family) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 31) ^ w[1]) * 0x94d049bb133111ebu;
	return (guint)(x ^ (x >> 32));
}

static gboolean
host_equal(gconstpointer a, gconstpointer b)
{
	const dm_host *x = a, *y = b;
	return x->family == y->family && memcmp(x->addr, y->addr, 16) == 0;
}

void
dm_tables_init(dm_tables *t)
{
	t->hosts = g_hash_table_new_full(host_hash, host_equal, NULL, host_free);
	t->sockets = g_hash_table_new(dm_key_hash, dm_key_equal);
	t->udp_connected = 0;
	t->all = g_ptr_array_new_with_free_func(g_free);
	t->peers = g_hash_table_new_full(dm_key_hash, dm_key_equal, NULL, g_free);
}

void
dm_tables_clear(dm_tables *t)
{
	g_hash_table_unref(t->sockets);
	g_hash_table_unref(t->hosts);
	g_hash_table_unref(t->peers);
	g_ptr_array_unref(t->all);
}

dm_host *
dm_tables_host(dm_tables *t, uint8_t family, const uint8_t *addr, bool create)
{
	dm_host probe = { .family = family };
	memcpy(probe.addr, addr, family == 6 ? 16 : 4);
	dm_host *h = g_hash_table_lookup(t->hosts, &probe);
	if (h || !create)
		return h;
	h = g_new0(dm_host, 1);
	*h = probe;
	h->sockets = g_ptr_array_new();
	h->refusals = g_array_new(FALSE, TRUE, sizeof(dm_refusal));
	h->refusal_at = g_hash_table_new_full(dm_key_hash, dm_key_equal, g_free, NULL);
	g_hash_table_add(t->hosts, h);
	return h;
}

dm_socket *
dm_tables_find(const dm_tables *t, const dm_key *k)
{
	return g_hash_table_lookup(t->sockets, k);
}

dm_socket *
dm_tables_add(dm_tables *t, dm_host *h, const dm_key *k, dm_sock_kind kind,
              dm_tcp_state state)
{
	dm_socket *s = g_new0(dm_socket, 1);
	s->key = *k;
	s->id = t->all->len + 1;
	s->kind = (uint8_t)kind;
	s->state = (uint8_t)state;
	s->host = h;
	static const uint8_t zero[16];
	s->wildcard = k->tuple == 2 && memcmp(k->laddr, zero, 16) == 0;
	if (k->proto == 17 && k->tuple == 4)
		t->udp_connected++;
	g_ptr_array_add(t->all, s);
	g_ptr_array_add(h->sockets, s);
	g_hash_table_replace(t->sockets, &s->key, s);
	s->keyed = true;
	return s;
}

void
dm_tables_unkey(dm_tables *t, dm_socket *s)
{
	if (s->keyed && g_hash_table_lookup(t->sockets, &s->key) == s)
		g_hash_table_remove(t->sockets, &s->key);
	s->keyed = false;
}

/* A peer endpoint a socket received from: owned by the tables' peer
 * set (keyed on its key), chained from its socket. */
struct dm_peer_entry {
	dm_key key;            /* peer address and port; socket id in raddr */
	uint64_t segments;
	struct dm_peer_entry *next;
};

bool
dm_tables_note_peer(dm_tables *t, dm_socket *s, uint8_t family,
                    const uint8_t *addr, uint16_t port)
{
	dm_key k;
	dm_key_make(&k, 0, family, addr, port, NULL, 0);
	/* The socket id takes the place of the (unused) remote part. */
	memcpy(k.raddr, &s->id, sizeof s->id);
	struct dm_peer_entry *e = g_hash_table_lookup(t->peers, &k);
	if (e) {
		e->segments++;
		return false;
	}
	e = g_new(struct dm_peer_entry, 1);
	e->key = k;
	e->segments = 1;
	e->next = s->peer_list;
	s->peer_list = e;
	g_hash_table_insert(t->peers, &e->key, e);
	return true;
}

void
dm_socket_peer_iter_init(dm_peer_iter *it, const dm_socket *s)
{
	it->next = s->peer_list;
}

bool
dm_peer_iter_next(dm_peer_iter *it, dm_peer *peer)
{
	const struct dm_peer_entry *e = it->next;
	if (!e)
		return false;
	memset(peer, 0, sizeof *peer);
	peer->family = e->key.family;
	memcpy(peer->addr, e->key.laddr, sizeof peer->addr);
	peer->port = e->key.lport;
	peer->segments = e->segments;
	it->next = e->next;
	return true;
}

/* Accessors. */
int dm_host_family(const dm_host *h) { return h->family; }
const uint8_t *dm_host_address(const dm_host *h) { return h->addr; }
const GPtrArray *dm_host_sockets(const dm_host *h) { return h->sockets; }
const GArray *dm_host_refusals(const dm_host *h) { return h->refusals; }

uint64_t
dm_host_drops(const dm_host *h, dm_drop_reason reason)
{
	return (unsigned)reason < DM_DROP_N ? h->drops[reason] : 0;
}

guint dm_socket_id(const dm_socket *s) { return s->id; }
uint8_t dm_socket_proto(const dm_socket *s) { return s->key.proto; }
dm_sock_kind dm_socket_kind(const dm_socket *s) { return s->kind; }
int dm_socket_family(const dm_socket *s) { return s->key.family; }
bool dm_socket_local_is_wildcard(const dm_socket *s) { return s->wildcard; }
dm_tcp_state dm_socket_state(const dm_socket *s) { return s->state; }
const dm_socket *dm_socket_parent(const dm_socket *s) { return s->parent; }
bool dm_socket_midstream(const dm_socket *s) { return s->midstream; }
bool dm_socket_declared(const dm_socket *s) { return s->declared; }
uint64_t dm_socket_segments(const dm_socket *s) { return s->segments; }
uint64_t dm_socket_bytes(const dm_socket *s) { return s->bytes; }
uint64_t dm_socket_bad_checksums(const dm_socket *s) { return s->bad; }
uint32_t dm_socket_peers(const dm_socket *s) { return s->peers; }
uint64_t dm_socket_first_frame(const dm_socket *s) { return s->first_frame; }
uint64_t dm_socket_last_frame(const dm_socket *s) { return s->last_frame; }

const uint8_t *
dm_socket_local(const dm_socket *s, uint16_t *port)
{
	if (port)
		*port = s->key.lport;
	return s->key.laddr;
}

const uint8_t *
dm_socket_remote(const dm_socket *s, uint16_t *port)
{
	if (s->key.tuple != 4)
		return NULL;
	if (port)
		*port = s->key.rport;
	return s->key.raddr;
}

void
dm_socket_first_time(const dm_socket *s, int64_t *sec, uint32_t *nsec)
{
	*sec = s->first_sec;
	*nsec = s->first_nsec;
}

void
dm_socket_last_time(const dm_socket *s, int64_t *sec, uint32_t *nsec)
{
	*sec = s->last_sec;
	*nsec = s->last_nsec;
}

/* Names. */
const char *
dm_tcp_state_name(dm_tcp_state s)
{
	static const char *const names[DM_TCP_N_STATE] = {
		NULL, "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
		"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
		"TIME-WAIT", "CLOSED",
	};
	return (unsigned)s < DM_TCP_N_STATE ? names[s] : NULL;
}

const char *
dm_lookup_name(dm_lookup l)
{
	static const char *const names[DM_LOOKUP_N] = {
		"none", "exact", "listener", "wildcard-listener", "bound",
		"wildcard-bound", "new",
	};
	return (unsigned)l < DM_LOOKUP_N ? names[l] : "?";
}

const char *
dm_action_name(dm_action a)
{
	static const char *const names[DM_ACTION_N] = {
		"delivered", "accepted", "spawned", "dropped", "refused",
	};
	return (unsigned)a < DM_ACTION_N ? names[a] : "?";
}

const char *
dm_drop_name(dm_drop_reason d)
{
	static const char *const names[DM_DROP_N] = {
		NULL, "bad-checksum", "malformed", "no-socket", "closed",
	};
	return (unsigned)d < DM_DROP_N ? names[d] : NULL;
}

const char *
dm_reply_name(dm_reply r)
{
	static const char *const names[DM_REPLY_N] = {
		NULL, "icmp-port-unreachable", "rst",
	};
	return (unsigned)r < DM_REPLY_N ? names[r] : NULL;
}

const char *
dm_sock_kind_name(dm_sock_kind k)
{
	static const char *const names[] = { "bound", "listen", "connection" };
	return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}

char *
dm_tables_check(const dm_tables *t)
{
	GHashTableIter it;
	gpointer key, val;

	g_hash_table_iter_init(&it, t->sockets);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		const dm_socket *s = val;
		if (key != &s->key || !s->keyed)
			return g_strdup_printf("socket %u keyed inconsistently", s->id);
	}
	guint keyed = 0;
	for (guint i = 0; i < t->all->len; i++) {
		const dm_socket *s = g_ptr_array_index(t->all, i);
		if (s->id != i + 1)
			return g_strdup_printf("socket %u has id %u", i + 1, s->id);
		if (s->keyed) {
			keyed++;
			if (g_hash_table_lookup(t->sockets, &s->key) != s)
				return g_strdup_printf("socket %u not reachable by its key", s->id);
		}
		if (s->parent && (s->parent->kind != DM_KIND_LISTEN ||
		                  s->kind != DM_KIND_CONNECTION ||
		                  s->parent->host != s->host))
			return g_strdup_printf("socket %u has a parent that is not its host's listener", s->id);
		if ((s->kind == DM_KIND_LISTEN) != (s->state == DM_TCP_LISTEN))
			return g_strdup_printf("socket %u: kind and state disagree", s->id);
		if ((s->key.proto == 17) != (s->state == DM_TCP_NONE))
			return g_strdup_printf("socket %u: UDP with a TCP state or TCP without", s->id);
		if (s->kind == DM_KIND_CONNECTION ? s->key.tuple != 4 : s->key.tuple != 2)
			return g_strdup_printf("socket %u: kind and key disagree", s->id);
		if (s->peers > s->segments)
			return g_strdup_printf("socket %u: more peers than segments", s->id);
		uint32_t npeers = 0;
		uint64_t from_peers = 0;
		for (const struct dm_peer_entry *e = s->peer_list; e; e = e->next) {
			npeers++;
			from_peers += e->segments;
		}
		if (npeers != s->peers || from_peers != s->segments)
			return g_strdup_printf("socket %u: peer counts disagree with its totals", s->id);
		if (s->host->family != s->key.family)
			return g_strdup_printf("socket %u: family differs from its host", s->id);
	}
	if (keyed != g_hash_table_size(t->sockets))
		return g_strdup_printf("%u keyed sockets but %u table entries", keyed,
		                       g_hash_table_size(t->sockets));
	return NULL;
}
