/* demux-table.c - the socket tables: keys, hosts, sockets, their
 * accessors and names, and the invariant checker used by the tests.
 */
#include "config.h"

#include <string.h>

#include "demux-int.h"
#include "demux-table.h"
#include "hash-index.h"
#include "demux-limits.h"

/* The hash of a key's normalised form: its two endpoints are hashed alike
 * and added, so that a 4-tuple and its reverse (the two ends of one
 * connection) hash the same (MurmurHash3's 64-bit finaliser). */
static inline uint64_t
fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53u;
	return x ^ (x >> 33);
}

/* A seed drawn once per process, so that a crafted capture cannot aim
 * its keys at one chain of the tables.  Nothing printed depends on it:
 * reports follow creation order and sorted addresses, never hash order. */
static uint64_t
hash_seed(void)
{
	static uint64_t seed;
	if (G_UNLIKELY(seed == 0))
		seed = ((uint64_t)g_random_int() << 32 | g_random_int()) | 1;
	return seed;
}

static inline uint64_t
endpoint_hash(const uint8_t *addr, uint16_t port)
{
	uint64_t w0, w1;
	memcpy(&w0, addr, 8);
	memcpy(&w1, addr + 8, 8);
	return fmix64(w0 ^ hash_seed() ^ fmix64(w1 ^ ((uint64_t)port << 32)));
}

guint
dm_key_hash(gconstpointer p)
{
	const dm_key *k = p;
	uint64_t h = endpoint_hash(k->laddr, k->lport) + endpoint_hash(k->raddr, k->rport) +
	             ((uint64_t)k->proto << 16 | (uint64_t)k->family << 8 | k->tuple);
	h = fmix64(h);
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
 * hashed directly, not as a table key. */
typedef struct {
	uint8_t family;
	uint8_t addr[16];
} host_probe;

static uint32_t
host_hash(const host_probe *p)
{
	uint64_t x = endpoint_hash(p->addr, p->family);
	return (uint32_t)(x ^ (x >> 32));
}

static bool
host_match(const void *ctx, uint32_t id, const void *key)
{
	const dm_host *h = g_ptr_array_index((const GPtrArray *)ctx, id - 1);
	const host_probe *p = key;
	return h->family == p->family && memcmp(h->addr, p->addr, 16) == 0;
}

static bool
socket_match(const void *ctx, uint32_t id, const void *key)
{
	const dm_socket *s = g_ptr_array_index((const GPtrArray *)ctx, id - 1);
	return memcmp(&s->key, key, sizeof(dm_key)) == 0;
}

/* Peer entries live in chunks that never move (sockets point at their
 * newest), numbered from 1 in the peer index. */
#define PEER_CHUNK 4096u

/* A peer endpoint a bound socket or listener received from; a connection
 * has no entries, its only peer being its remote end. */
struct dm_peer_entry {
	uint64_t segments;
	struct dm_peer_entry *next;  /* the socket's previous peer */
	uint8_t addr[16];
	guint owner;                 /* socket id */
	uint16_t port;
	uint8_t family;
};

typedef struct {
	guint owner;
	uint16_t port;
	const uint8_t *addr;
} peer_probe;

static uint32_t
peer_hash(const peer_probe *p)
{
	uint64_t x = endpoint_hash(p->addr, p->port) + (uint64_t)p->owner * 0x9e3779b97f4a7c15u;
	return (uint32_t)(x ^ (x >> 32));
}

static struct dm_peer_entry *
peer_entry(const dm_tables *t, uint32_t id)
{
	struct dm_peer_entry *chunk = g_ptr_array_index(t->peer_chunks, (id - 1) / PEER_CHUNK);
	return &chunk[(id - 1) % PEER_CHUNK];
}

static bool
peer_match(const void *ctx, uint32_t id, const void *key)
{
	const struct dm_peer_entry *e = peer_entry(ctx, id);
	const peer_probe *p = key;
	return e->owner == p->owner && e->port == p->port &&
	       memcmp(e->addr, p->addr, 16) == 0;
}

void
dm_tables_init(dm_tables *t)
{
	t->hosts = g_ptr_array_new_with_free_func(host_free);
	dm_index_init(&t->host_index);
	dm_index_init(&t->sockets);
	t->udp_connected = 0;
	t->all = g_ptr_array_new_with_free_func(g_free);
	dm_index_init(&t->peers);
	t->peer_chunks = g_ptr_array_new_with_free_func(g_free);
	t->n_peers = 0;
}

void
dm_tables_clear(dm_tables *t)
{
	dm_index_clear(&t->sockets);
	dm_index_clear(&t->host_index);
	g_ptr_array_unref(t->hosts);
	dm_index_clear(&t->peers);
	g_ptr_array_unref(t->peer_chunks);
	g_ptr_array_unref(t->all);
}

dm_host *
dm_tables_host(dm_tables *t, uint8_t family, const uint8_t *addr, bool create)
{
	host_probe probe = { .family = family };
	memcpy(probe.addr, addr, family == 6 ? 16 : 4);
	uint32_t hash = host_hash(&probe);
	uint32_t id = dm_index_find(&t->host_index, hash, host_match, t->hosts, &probe);
	if (id || !create)
		return id ? g_ptr_array_index(t->hosts, id - 1) : NULL;
	dm_host *h = g_new0(dm_host, 1);
	h->family = family;
	memcpy(h->addr, probe.addr, sizeof h->addr);
	h->sockets = g_ptr_array_new();
	h->refusals = g_array_new(FALSE, TRUE, sizeof(dm_refusal));
	h->refusal_at = g_hash_table_new_full(dm_key_hash, dm_key_equal, g_free, NULL);
	g_ptr_array_add(t->hosts, h);
	dm_index_put(&t->host_index, hash, t->hosts->len, host_match, t->hosts, &probe);
	return h;
}

dm_socket *
dm_tables_find(const dm_tables *t, const dm_key *k)
{
	uint32_t id = dm_index_find(&t->sockets, dm_key_hash(k), socket_match, t->all, k);
	return id ? g_ptr_array_index(t->all, id - 1) : NULL;
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
	s->slot = h->sockets->len;
	g_ptr_array_add(h->sockets, s);
	t->count++;
	t->mem += DM_COST_SOCKET;
	uint32_t old = dm_index_put(&t->sockets, dm_key_hash(k), s->id, socket_match, t->all, k);
	if (old) {
		dm_socket *o = g_ptr_array_index(t->all, old - 1);
		o->keyed = false;
		dm_limits_place(t, o);
	}
	s->keyed = true;
	dm_limits_place(t, s);
	return s;
}

void
dm_tables_unkey(dm_tables *t, dm_socket *s)
{
	if (s->keyed)
		dm_index_remove(&t->sockets, dm_key_hash(&s->key), s->id);
	s->keyed = false;
	dm_limits_place(t, s);
}

/* Whether @s is a connection whose remote end is (@family, @addr, @port). */
static bool
from_remote(const dm_socket *s, uint8_t family, const uint8_t *addr, uint16_t port)
{
	return s->key.tuple == 4 && s->key.family == family && s->key.rport == port &&
	       memcmp(s->key.raddr, addr, family == 6 ? 16 : 4) == 0;
}

bool
dm_tables_note_peer(dm_tables *t, dm_socket *s, uint8_t family,
                    const uint8_t *addr, uint16_t port)
{
	if (from_remote(s, family, addr, port))
		/* Counted by the socket's own totals (dm_tables_check). */
		return s->peers == 0;
	peer_probe probe = { .owner = s->id, .port = port, .addr = addr };
	uint8_t a[16] = { 0 };
	memcpy(a, addr, family == 6 ? 16 : 4);
	probe.addr = a;
	uint32_t hash = peer_hash(&probe);
	uint32_t id = dm_index_find(&t->peers, hash, peer_match, t, &probe);
	if (id) {
		peer_entry(t, id)->segments++;
		return false;
	}
	if (t->n_peers % PEER_CHUNK == 0)
		g_ptr_array_add(t->peer_chunks, g_new(struct dm_peer_entry, PEER_CHUNK));
	id = ++t->n_peers;
	struct dm_peer_entry *e = peer_entry(t, id);
	e->segments = 1;
	e->next = s->peer_list;
	memcpy(e->addr, a, 16);
	e->owner = s->id;
	e->port = port;
	e->family = family;
	s->peer_list = e;
	dm_index_put(&t->peers, hash, id, peer_match, t, &probe);
	return true;
}

void
dm_socket_peer_iter_init(dm_peer_iter *it, const dm_socket *s)
{
	it->next = s->peer_list;
	it->conn = NULL;
	it->conn_segments = 0;
	if (s->key.tuple == 4) {
		/* Its remote end: whatever no entry counts. */
		uint64_t n = s->segments;
		for (const struct dm_peer_entry *e = s->peer_list; e; e = e->next)
			n -= e->segments;
		it->conn = n ? s : NULL;
		it->conn_segments = n;
	}
}

bool
dm_peer_iter_next(dm_peer_iter *it, dm_peer *peer)
{
	if (it->conn) {
		/* A connection: its remote end, with all its segments. */
		const dm_socket *s = it->conn;
		memset(peer, 0, sizeof *peer);
		peer->family = s->key.family;
		memcpy(peer->addr, s->key.raddr, sizeof peer->addr);
		peer->port = s->key.rport;
		peer->segments = it->conn_segments;
		it->conn = NULL;
		return true;
	}
	const struct dm_peer_entry *e = it->next;
	if (!e)
		return false;
	memset(peer, 0, sizeof *peer);
	peer->family = e->family;
	memcpy(peer->addr, e->addr, sizeof peer->addr);
	peer->port = e->port;
	peer->segments = e->segments;
	it->next = e->next;
	return true;
}

/* Accessors. */
int dm_host_family(const dm_host *h) { return h->family; }
const uint8_t *dm_host_address(const dm_host *h) { return h->addr; }

/* Discarded sockets leave holes in their host's array, closed up before
 * it is read (the array is logically unchanged). */
static void
host_compact(dm_host *h)
{
	guint n = 0;
	for (guint i = 0; i < h->sockets->len; i++) {
		dm_socket *s = g_ptr_array_index(h->sockets, i);
		if (!s)
			continue;
		s->slot = n;
		h->sockets->pdata[n++] = s;
	}
	g_ptr_array_set_size(h->sockets, n);
	h->holes = 0;
}

const GPtrArray *
dm_host_sockets(const dm_host *h)
{
	if (h->holes)
		host_compact((dm_host *)h);
	return h->sockets;
}

uint64_t
dm_host_retired(const dm_host *h, dm_retire_reason reason)
{
	return (unsigned)reason < DM_RETIRE_N ? h->retired[reason] : 0;
}

void
dm_tables_discard(dm_tables *t, dm_socket *s)
{
	dm_host *h = s->host;
	dm_tables_unkey(t, s);
	dm_limits_unlink(t, s);
	h->sockets->pdata[s->slot] = NULL;
	if (++h->holes > 64 && h->holes > h->sockets->len / 2)
		host_compact(h);
	/* A connection's peer is its remote end: it has no peer entries.
	 * Those of a bound socket or listener stay in the peer set (and in
	 * the memory held), never matched again: ids are not reused. */
	t->mem -= DM_COST_SOCKET;
	t->count--;
	/* A listener may still be named as the parent of connections: it
	 * stays allocated (out of every table and list). */
	if (s->kind == DM_KIND_LISTEN)
		return;
	g_ptr_array_index(t->all, s->id - 1) = NULL;
	g_free(s);
}
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
dm_retire_reason dm_socket_retired(const dm_socket *s) { return s->retired; }
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
dm_retire_name(dm_retire_reason r)
{
	static const char *const names[DM_RETIRE_N] = {
		NULL, "syn-timeout", "time-wait-timeout", "closed-timeout", "udp-idle",
		"evicted-half-open", "forgotten", "evicted-closed", "evicted-udp",
		"evicted-connection",
	};
	return (unsigned)r < DM_RETIRE_N ? names[r] : NULL;
}

const char *
dm_sock_kind_name(dm_sock_kind k)
{
	static const char *const names[] = { "bound", "listen", "connection" };
	return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}

/* The bounded-state bookkeeping: every held socket in its host's array
 * at its slot, the counts and the memory estimate, the lists. */
static char *
check_held(const dm_tables *t)
{
	uint64_t held = 0, listed_peers = 0, refusals = 0;
	for (guint i = 0; i < t->hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(t->hosts, i);
		guint holes = 0;
		refusals += h->refusals->len;
		for (guint j = 0; j < h->sockets->len; j++) {
			const dm_socket *s = g_ptr_array_index(h->sockets, j);
			if (!s) {
				holes++;
				continue;
			}
			held++;
			if (s->slot != j || s->host != h ||
			    s->id > t->all->len || g_ptr_array_index(t->all, s->id - 1) != s)
				return g_strdup_printf("socket %u: not at its slot of its host", s->id);
			if (s->kind != DM_KIND_CONNECTION)
				listed_peers += s->peers;
		}
		if (holes != h->holes)
			return g_strdup_printf("a host counts %u holes, has %u", h->holes, holes);
	}
	if (held != t->count)
		return g_strdup_printf("%" G_GUINT64_FORMAT " sockets held, %" G_GUINT64_FORMAT
		                       " counted", held, t->count);
	if (refusals != t->refusals)
		return g_strdup_printf("%" G_GUINT64_FORMAT " refusals held, %" G_GUINT64_FORMAT
		                       " counted", refusals, t->refusals);
	/* Peer entries of discarded sockets stay: the estimate is at least
	 * what the held sockets account for. */
	if (t->mem < held * DM_COST_SOCKET + listed_peers * DM_COST_PEER)
		return g_strdup_printf("memory estimate %" G_GUINT64_FORMAT " below what is held",
		                       t->mem);
	return dm_limits_check(t);
}

char *
dm_tables_check(const dm_tables *t)
{
	guint in_index = 0;
	for (uint32_t i = 0; t->sockets.slots && i <= t->sockets.mask; i++) {
		uint32_t id = t->sockets.slots[i].id;
		if (!id)
			continue;
		in_index++;
		if (id > t->all->len)
			return g_strdup_printf("socket table entry for unknown socket %u", id);
		const dm_socket *s = g_ptr_array_index(t->all, id - 1);
		if (!s->keyed || t->sockets.slots[i].hash != dm_key_hash(&s->key))
			return g_strdup_printf("socket %u keyed inconsistently", s->id);
	}
	if (in_index != dm_index_size(&t->sockets))
		return g_strdup_printf("socket table counts %u entries, holds %u",
		                       dm_index_size(&t->sockets), in_index);
	guint keyed = 0;
	for (guint i = 0; i < t->all->len; i++) {
		const dm_socket *s = g_ptr_array_index(t->all, i);
		if (!s)
			continue;  /* discarded */
		if (s->id != i + 1)
			return g_strdup_printf("socket %u has id %u", i + 1, s->id);
		if (s->keyed) {
			keyed++;
			if (dm_tables_find(t, &s->key) != s)
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
		dm_peer_iter it;
		dm_peer peer;
		dm_socket_peer_iter_init(&it, s);
		while (dm_peer_iter_next(&it, &peer)) {
			npeers++;
			from_peers += peer.segments;
		}
		if (npeers != s->peers || from_peers != s->segments)
			return g_strdup_printf("socket %u: peer counts disagree with its totals", s->id);
		for (const struct dm_peer_entry *e = s->peer_list; e; e = e->next) {
			peer_probe probe = { .owner = e->owner, .port = e->port, .addr = e->addr };
			if (e->owner != s->id ||
			    dm_index_find(&t->peers, peer_hash(&probe), peer_match, t, &probe) == 0)
				return g_strdup_printf("socket %u: a peer not in the peer set", s->id);
		}
		if (s->host->family != s->key.family)
			return g_strdup_printf("socket %u: family differs from its host", s->id);
	}
	if (keyed != dm_index_size(&t->sockets))
		return g_strdup_printf("%u keyed sockets but %u table entries", keyed,
		                       dm_index_size(&t->sockets));
	return check_held(t);
}
