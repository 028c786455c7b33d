/* demux-peers.c - the peer entries: the peer endpoints each bound socket
 * and listener received from, with their segments, in chunks that never
 * move and an index by (socket id, address, port); iterating a socket's
 * peers for the report; freeing them with their socket; and checking
 * them for the tests.  A connection has no entries: its one peer is its
 * remote end.
 */
#include "config.h"

#include <string.h>

#include "demux-int.h"
#include "demux-table-int.h"
#include "hash-index-int.h"

/* Peer entries live in chunks that never move (sockets point at their
 * newest), numbered from 1 in the peer index. */
#define PEER_CHUNK 4096u

/* A peer endpoint a bound socket or listener received from; a connection
 * has no entries, its only peer being its remote end. */
struct dm_peer_entry {
	uint64_t segments;
	struct dm_peer_entry *next;  /* the socket's previous peer */
	uint8_t addr[16];
	guint owner;                 /* socket id; 0: free */
	uint32_t id;                 /* its number, in its socket's set */
	uint16_t port;
	uint8_t family;
};

/* A socket's peers are indexed by the socket itself (u.peer.set, made
 * at its second peer), so that the entries of a busy socket and their
 * index stay near each other in cache; the hash is of the endpoint
 * alone. */
static uint32_t
peer_hash(const uint8_t *addr, uint16_t port)
{
	uint64_t x = dm_endpoint_hash(addr, port);
	return (uint32_t)(x ^ (x >> 32));
}

static struct dm_peer_entry *
peer_entry(const dm_tables *t, uint32_t id)
{
	struct dm_peer_entry *chunk = g_ptr_array_index(t->peer_chunks, (id - 1) / PEER_CHUNK);
	return &chunk[(id - 1) % PEER_CHUNK];
}

static inline bool
peer_is(const struct dm_peer_entry *e, const uint8_t *addr, uint16_t port)
{
	/* Two words, not a call to memcmp: most segments to a bound
	 * socket come from its newest peer or one found in its set. */
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, e->addr, 8);
	memcpy(&a1, e->addr + 8, 8);
	memcpy(&b0, addr, 8);
	memcpy(&b1, addr + 8, 8);
	return e->port == port && ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

/* dm_index_put's match: an entry is only added to a set it is not in
 * (peer_find said so), so none there is it. */
static bool
peer_never(const void *ctx, uint32_t id, const void *key)
{
	(void)ctx;
	(void)id;
	(void)key;
	return false;
}

/* Whether @s is a connection whose remote end is (@family, @addr, @port). */
static bool
from_remote(const dm_socket *s, uint8_t family, const uint8_t *addr, uint16_t port)
{
	if (s->key.tuple != 4 || s->key.family != family || s->key.rport != port)
		return false;
	/* Constant lengths, compared inline. */
	return family == 6 ? memcmp(s->key.raddr, addr, 16) == 0
	                   : memcmp(s->key.raddr, addr, 4) == 0;
}

/* The entry of @s for (@a, @port) (@hash its peer_hash), or NULL: its
 * newest, else through its set. */
static struct dm_peer_entry *
peer_find(const dm_tables *t, const dm_socket *s, const uint8_t *a, uint16_t port,
          uint32_t hash)
{
	struct dm_peer_entry *e = s->u.peer.list;
	if (!e || peer_is(e, a, port))
		return e;
	const dm_index *set = s->u.peer.set;
	if (!set)
		return NULL;  /* its one entry is not it */
	uint32_t pos, id;
	for (id = dm_index_first(set, hash, &pos); id; id = dm_index_next(set, hash, &pos)) {
		e = peer_entry(t, id);
		if (peer_is(e, a, port))
			return e;
	}
	return NULL;
}

/* A free entry's number. */
static uint32_t
peer_take(dm_tables *t)
{
	if (t->free_peers->len) {
		uint32_t id = g_array_index(t->free_peers, uint32_t, t->free_peers->len - 1);
		g_array_set_size(t->free_peers, t->free_peers->len - 1);
		return id;
	}
	if (t->n_peers % PEER_CHUNK == 0)
		g_ptr_array_add(t->peer_chunks, g_new(struct dm_peer_entry, PEER_CHUNK));
	return ++t->n_peers;
}

/* Add entry @id (hashed @hash) to the set of @s, making the set when it
 * is the second: the first is indexed then too. */
static void
set_add(dm_tables *t, dm_socket *s, uint32_t id, uint32_t hash)
{
	if (!s->u.peer.set) {
		if (s->npeer == 0)
			return;  /* the first: its newest, found without a set */
		if (t->free_sets->len) {
			s->u.peer.set = g_ptr_array_steal_index_fast(t->free_sets,
			                                             t->free_sets->len - 1);
		} else {
			s->u.peer.set = g_new(dm_index, 1);
			dm_index_init(s->u.peer.set);
			g_ptr_array_add(t->peer_sets, s->u.peer.set);
		}
		const struct dm_peer_entry *f = s->u.peer.list;
		dm_index_put(s->u.peer.set, peer_hash(f->addr, f->port), f->id, peer_never, t, NULL);
	}
	dm_index_put(s->u.peer.set, hash, id, peer_never, t, NULL);
}

bool
dm_tables_note_peer(dm_tables *t, dm_socket *s, uint8_t family,
                    const uint8_t *addr, uint16_t port)
{
	if (from_remote(s, family, addr, port))
		/* Counted by the socket's own totals (dm_tables_check). */
		return s->peers == 0;
	/* A connection is found by its 4-tuple: what reaches it comes from
	 * its remote end. */
	g_return_val_if_fail(s->kind != DM_KIND_CONNECTION, false);
	uint8_t a[16] = { 0 };
	memcpy(a, addr, family == 6 ? 16 : 4);
	struct dm_peer_entry *e = s->u.peer.list;
	if (e && peer_is(e, a, port)) {
		/* Its newest peer again. */
		e->segments++;
		return false;
	}
	uint32_t hash = peer_hash(a, port);
	if ((e = peer_find(t, s, a, port, hash))) {
		e->segments++;
		return false;
	}
	if (s->npeer >= DM_PEERS_MAX) {
		/* Folded into "other peers", counted by the socket's totals
		 * (dm_socket_peer_iter_init): one more peer at least. */
		if (s->peers_folded)
			return false;
		s->peers_folded = true;
		return true;
	}
	uint32_t id = peer_take(t);
	set_add(t, s, id, hash);
	e = peer_entry(t, id);
	s->npeer++;
	t->peers_held++;
	t->mem += DM_COST_PEER;
	if (s->list != DM_LIST_NONE)
		t->listed_mem += DM_COST_PEER;
	e->segments = 1;
	e->next = s->u.peer.list;
	memcpy(e->addr, a, 16);
	e->owner = s->id;
	e->id = id;
	e->port = port;
	e->family = family;
	s->u.peer.list = e;
	return true;
}

void
dm_socket_peer_iter_init(dm_peer_iter *it, const dm_socket *s)
{
	it->next = dm_socket_peer_list(s);
	it->conn = NULL;
	it->conn_segments = 0;
	it->rest = NULL;
	if (s->key.tuple == 4 || s->peers_folded) {
		/* Its remote end, or the folded other peers: whatever no
		 * entry counts. */
		uint64_t n = s->segments;
		for (const struct dm_peer_entry *e = dm_socket_peer_list(s); e; e = e->next)
			n -= e->segments;
		it->conn_segments = n;
		if (s->key.tuple == 4)
			it->conn = n ? s : NULL;
		else
			it->rest = s;
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
	if (!e && it->rest) {
		const dm_socket *s = it->rest;
		memset(peer, 0, sizeof *peer);
		peer->family = s->key.family;
		peer->segments = it->conn_segments;
		peer->other = true;
		it->rest = NULL;
		return true;
	}
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

void
dm_peers_free(dm_tables *t, dm_socket *s)
{
	struct dm_peer_entry *e = dm_socket_peer_list(s), *next;
	for (; e; e = next) {
		next = e->next;
		e->owner = 0;
		e->next = NULL;
		g_array_append_val(t->free_peers, e->id);
	}
	t->peers_held -= s->npeer;
	t->mem -= (uint64_t)s->npeer * DM_COST_PEER;
	if (s->kind != DM_KIND_CONNECTION) {
		if (s->u.peer.set) {
			/* Kept by the tables for the next socket's peers. */
			dm_index_clear(s->u.peer.set);
			g_ptr_array_add(t->free_sets, s->u.peer.set);
		}
		s->u.peer.list = NULL;
		s->u.peer.set = NULL;
	}
	s->npeer = 0;
}

char *
dm_peers_check_socket(const dm_tables *t, const dm_socket *s, uint32_t *entries)
{
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
	uint32_t n = 0;
	for (const struct dm_peer_entry *e = dm_socket_peer_list(s); e; e = e->next) {
		if (e->owner != s->id || ++n > s->npeer || !e->id || e->id > t->n_peers ||
		    peer_entry(t, e->id) != e ||
		    peer_find(t, s, e->addr, e->port, peer_hash(e->addr, e->port)) != e)
			return g_strdup_printf("socket %u: a peer not in the peer set", s->id);
	}
	const dm_index *set = dm_socket_peer_list(s) ? s->u.peer.set : NULL;
	if ((set && dm_index_size(set) != n) || (!set && n > 1))
		return g_strdup_printf("socket %u: its peer set holds %u, %u entries", s->id,
		                       set ? dm_index_size(set) : 0, n);
	if (n != s->npeer || s->npeer > DM_PEERS_MAX ||
	    (s->peers_folded && (s->npeer != DM_PEERS_MAX || s->key.tuple != 2)))
		return g_strdup_printf("socket %u: %u peer entries, %u counted", s->id, n, s->npeer);
	*entries += n;
	return NULL;
}

char *
dm_peers_check_free(const dm_tables *t)
{
	/* Every peer entry is in use by a socket or on the free list. */
	uint32_t free_peers = t->free_peers->len;
	for (guint i = 0; i < t->free_peers->len; i++) {
		uint32_t id = g_array_index(t->free_peers, uint32_t, i);
		if (id == 0 || id > t->n_peers || peer_entry(t, id)->owner)
			return g_strdup("peer free list broken");
	}
	if (free_peers + t->peers_held != t->n_peers)
		return g_strdup_printf("%u peer entries made, %u held, %u free",
		                       t->n_peers, t->peers_held, free_peers);
	return NULL;
}
