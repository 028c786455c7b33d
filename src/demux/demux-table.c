/* demux-table.c - the socket tables: keys, hosts, sockets, their
 * accessors and names, and the invariant checker used by the tests.
 */
#include "config.h"

#include <string.h>

#include "demux-int.h"
#include "demux-table-int.h"
#include "hash-index-int.h"
#include "demux-lists-int.h"

/* The narrow fields of dm_socket hold what they must. */
G_STATIC_ASSERT(DM_TCP_N_STATE <= 16 && DM_RETIRE_N <= 16 && DM_LIST_N <= 8);
G_STATIC_ASSERT(DM_PEERS_MAX + 1 <= UINT16_MAX);
/* The narrow span's nanoseconds cannot overflow. */
G_STATIC_ASSERT(DM_SPAN_SEC_MAX <= (INT64_MAX - 999999999) / 1000000000);
/* DM_COST_SOCKET covers the cell and leaves room for its slots. */
G_STATIC_ASSERT(sizeof(dm_socket) + 48 <= DM_COST_SOCKET);
G_STATIC_ASSERT(sizeof(dm_host) + sizeof(dm_host_counts) + 256 <= DM_COST_HOST);

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
	if (h->refusals)
		g_array_unref(h->refusals);
	g_free(h->counts);
	if (h->refusal_at)
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

static inline bool
host_is(const dm_host *h, const host_probe *p)
{
	return h->family == p->family && memcmp(h->addr, p->addr, 16) == 0;
}

static bool
host_match(const void *ctx, uint32_t id, const void *key)
{
	return host_is(g_ptr_array_index((const GPtrArray *)ctx, id - 1), key);
}

/* Socket index ids are cells + 1. */
static bool
socket_match(const void *ctx, uint32_t id, const void *key)
{
	const dm_socket *s = dm_tables_at(ctx, id - 1);
	return memcmp(&s->key, key, sizeof(dm_key)) == 0;
}

/* Peer entries live in chunks that never move (sockets point at their
 * newest), numbered from 1 in the peer index. */
#define PEER_CHUNK 4096u

/* A peer endpoint a bound socket or listener received from; a connection
 * has no entries, its only peer being its remote end.  Forty bytes: its
 * number in the peer index is not kept, the index finds it by owner,
 * address and port. */
struct dm_peer_entry {
	uint64_t segments;
	struct dm_peer_entry *next;  /* the socket's previous peer */
	uint8_t addr[16];
	guint owner;                 /* socket id; 0: free */
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
	t->cell_chunks = g_ptr_array_new_with_free_func(g_free);
	t->n_cells = 0;
	t->free_cells = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	t->last_id = 0;
	dm_index_init(&t->peers);
	t->peer_chunks = g_ptr_array_new_with_free_func(g_free);
	t->n_peers = 0;
	t->free_peers = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	t->peers_held = 0;
}

void
dm_tables_clear(dm_tables *t)
{
	dm_index_clear(&t->sockets);
	dm_index_clear(&t->host_index);
	g_ptr_array_unref(t->hosts);
	dm_index_clear(&t->peers);
	g_ptr_array_unref(t->peer_chunks);
	g_array_unref(t->free_peers);
	for (uint32_t c = 0; c < t->n_cells; c++) {
		dm_socket *s = dm_tables_at(t, c);
		if (s->id && s->span_wide)
			g_free(s->span.wide);
	}
	g_ptr_array_unref(t->cell_chunks);
	g_array_unref(t->free_cells);
}

dm_host *
dm_tables_host(dm_tables *t, uint8_t family, const uint8_t *addr, bool create)
{
	host_probe probe = { .family = family };
	memcpy(probe.addr, addr, family == 6 ? 16 : 4);
	uint32_t hash = host_hash(&probe), pos, id;
	for (id = dm_index_first(&t->host_index, hash, &pos); id;
	     id = dm_index_next(&t->host_index, hash, &pos)) {
		dm_host *h = g_ptr_array_index(t->hosts, id - 1);
		if (host_is(h, &probe))
			return h;
	}
	if (!create)
		return NULL;
	dm_host *h = g_new0(dm_host, 1);
	h->family = family;
	memcpy(h->addr, probe.addr, sizeof h->addr);
	h->sockets = g_ptr_array_new();
	h->pos = t->hosts->len;
	g_ptr_array_add(t->hosts, h);
	dm_index_put(&t->host_index, hash, t->hosts->len, host_match, t->hosts, &probe);
	dm_lists_host_place(t, h);
	return h;
}

dm_socket *
dm_tables_find_hashed(const dm_tables *t, const dm_key *k, uint32_t hash)
{
	uint32_t pos, id;
	for (id = dm_index_first(&t->sockets, hash, &pos); id;
	     id = dm_index_next(&t->sockets, hash, &pos)) {
		dm_socket *s = dm_tables_at(t, id - 1);
		if (memcmp(&s->key, k, sizeof *k) == 0)
			return s;
	}
	return NULL;
}

dm_socket *
dm_tables_find(const dm_tables *t, const dm_key *k)
{
	return dm_tables_find_hashed(t, k, dm_key_hash(k));
}

/* An empty cell, zeroed. */
static dm_socket *
cell_take(dm_tables *t)
{
	uint32_t cell;
	if (t->free_cells->len) {
		cell = g_array_index(t->free_cells, uint32_t, t->free_cells->len - 1);
		g_array_set_size(t->free_cells, t->free_cells->len - 1);
	} else {
		if (t->n_cells % DM_CELL_CHUNK == 0)
			g_ptr_array_add(t->cell_chunks, g_new(dm_socket, DM_CELL_CHUNK));
		cell = t->n_cells++;
	}
	dm_socket *s = dm_tables_at(t, cell);
	memset(s, 0, sizeof *s);
	s->cell = cell;
	return s;
}

dm_socket *
dm_tables_add(dm_tables *t, dm_host *h, const dm_key *k, dm_sock_kind kind,
              dm_tcp_state state)
{
	return dm_tables_add_hashed(t, h, k, dm_key_hash(k), kind, state);
}

dm_socket *
dm_tables_add_hashed(dm_tables *t, dm_host *h, const dm_key *k, uint32_t hash,
                     dm_sock_kind kind, dm_tcp_state state)
{
	dm_socket *s = cell_take(t);
	s->key = *k;
	s->id = ++t->last_id;
	s->kind = kind;
	s->state = state;
	s->host = h;
	static const uint8_t zero[16];
	s->wildcard = k->tuple == 2 && memcmp(k->laddr, zero, 16) == 0;
	if (k->proto == 17 && k->tuple == 4)
		t->udp_connected++;
	s->slot = h->sockets->len;
	g_ptr_array_add(h->sockets, s);
	t->count++;
	t->mem += DM_COST_SOCKET;
	dm_lists_host_place(t, h);
	uint32_t old = dm_index_put(&t->sockets, hash, s->cell + 1, socket_match, t, k);
	if (old) {
		dm_socket *o = dm_tables_at(t, old - 1);
		o->keyed = false;
		dm_lists_place(t, o);
	}
	s->keyed = true;
	dm_lists_place(t, s);
	return s;
}

bool
dm_host_refusal_note(dm_host *h, const dm_refusal *r)
{
	dm_key k;
	dm_key_make(&k, r->proto, h->family, NULL, r->port, r->peer, r->peer_port);
	if (!h->refusal_at) {
		h->refusal_at = g_hash_table_new_full(dm_key_hash, dm_key_equal, g_free, NULL);
		h->refusals = g_array_new(FALSE, TRUE, sizeof(dm_refusal));
	}
	gpointer idx = g_hash_table_lookup(h->refusal_at, &k);
	if (idx) {
		dm_refusal *old = &g_array_index(h->refusals, dm_refusal,
		                                 GPOINTER_TO_UINT(idx) - 1);
		old->count += r->count;
		if (!old->evidence)
			old->evidence = r->evidence;
		return false;
	}
	g_array_append_val(h->refusals, *r);
	g_hash_table_insert(h->refusal_at, g_memdup2(&k, sizeof k),
	                    GUINT_TO_POINTER(h->refusals->len));
	return true;
}

void
dm_tables_unkey(dm_tables *t, dm_socket *s)
{
	if (s->keyed)
		dm_index_remove(&t->sockets, dm_key_hash(&s->key), s->cell + 1);
	s->keyed = false;
	dm_lists_place(t, s);
}

/* Whether @s is a connection whose remote end is (@family, @addr, @port). */
static bool
from_remote(const dm_socket *s, uint8_t family, const uint8_t *addr, uint16_t port)
{
	return s->key.tuple == 4 && s->key.family == family && s->key.rport == port &&
	       memcmp(s->key.raddr, addr, family == 6 ? 16 : 4) == 0;
}

/* The peer entries of @s: none for a connection. */
static inline struct dm_peer_entry *
peer_list(const dm_socket *s)
{
	return s->kind == DM_KIND_CONNECTION ? NULL : s->u.peer_list;
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
	struct dm_peer_entry *e = s->u.peer_list;
	if (e && e->port == port && memcmp(e->addr, a, 16) == 0) {
		/* Its newest peer again: that entry is the one the index
		 * holds for (socket, address, port). */
		e->segments++;
		return false;
	}
	peer_probe probe = { .owner = s->id, .port = port, .addr = a };
	uint32_t hash = peer_hash(&probe), pos, id;
	for (id = dm_index_first(&t->peers, hash, &pos); id;
	     id = dm_index_next(&t->peers, hash, &pos)) {
		e = peer_entry(t, id);
		if (e->owner == s->id && e->port == port && memcmp(e->addr, a, 16) == 0) {
			e->segments++;
			return false;
		}
	}
	if (s->npeer >= DM_PEERS_MAX) {
		/* Folded into "other peers", counted by the socket's totals
		 * (dm_socket_peer_iter_init): one more peer at least. */
		if (s->peers_folded)
			return false;
		s->peers_folded = true;
		return true;
	}
	if (t->free_peers->len) {
		id = g_array_index(t->free_peers, uint32_t, t->free_peers->len - 1);
		g_array_set_size(t->free_peers, t->free_peers->len - 1);
	} else {
		if (t->n_peers % PEER_CHUNK == 0)
			g_ptr_array_add(t->peer_chunks, g_new(struct dm_peer_entry, PEER_CHUNK));
		id = ++t->n_peers;
	}
	e = peer_entry(t, id);
	s->npeer++;
	t->peers_held++;
	t->mem += DM_COST_PEER;
	if (s->list != DM_LIST_NONE)
		t->listed_mem += DM_COST_PEER;
	e->segments = 1;
	e->next = s->u.peer_list;
	memcpy(e->addr, a, 16);
	e->owner = s->id;
	e->port = port;
	e->family = family;
	s->u.peer_list = e;
	dm_index_put(&t->peers, hash, id, peer_match, t, &probe);
	return true;
}

void
dm_socket_peer_iter_init(dm_peer_iter *it, const dm_socket *s)
{
	it->next = peer_list(s);
	it->conn = NULL;
	it->conn_segments = 0;
	it->rest = NULL;
	if (s->key.tuple == 4 || s->peers_folded) {
		/* Its remote end, or the folded other peers: whatever no
		 * entry counts. */
		uint64_t n = s->segments;
		for (const struct dm_peer_entry *e = peer_list(s); e; e = e->next)
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
	return (unsigned)reason < DM_RETIRE_N && h->counts ? h->counts->retired[reason] : 0;
}

/* Free the peer entries of @s (on no list) for reuse. */
static void
peers_free(dm_tables *t, dm_socket *s)
{
	struct dm_peer_entry *e = peer_list(s), *next;
	for (; e; e = next) {
		next = e->next;
		peer_probe probe = { .owner = e->owner, .port = e->port, .addr = e->addr };
		uint32_t hash = peer_hash(&probe);
		uint32_t id = dm_index_find(&t->peers, hash, peer_match, t, &probe);
		dm_index_remove(&t->peers, hash, id);
		e->owner = 0;
		e->next = NULL;
		g_array_append_val(t->free_peers, id);
	}
	t->peers_held -= s->npeer;
	t->mem -= (uint64_t)s->npeer * DM_COST_PEER;
	if (s->kind != DM_KIND_CONNECTION)
		s->u.peer_list = NULL;
	s->npeer = 0;
}

void
dm_tables_discard(dm_tables *t, dm_socket *s)
{
	dm_host *h = s->host;
	dm_tables_unkey(t, s);
	dm_lists_unlink(t, s);
	h->sockets->pdata[s->slot] = NULL;
	if (++h->holes > 64 && h->holes > h->sockets->len / 2)
		host_compact(h);
	peers_free(t, s);
	t->mem -= DM_COST_SOCKET;
	t->count--;
	if (s->kind == DM_KIND_LISTEN) {
		/* It may still be named as the parent of connections: it
		 * stays allocated in its cell (out of every table and list),
		 * and its host with it. */
		s->dead = true;
		h->dead++;
	} else {
		uint32_t cell = s->cell;
		if (s->span_wide)
			g_free(s->span.wide);
		memset(s, 0, sizeof *s);  /* id 0: empty */
		g_array_append_val(t->free_cells, cell);
	}
	dm_lists_host_place(t, h);
}

dm_socket *
dm_tables_cell(const dm_tables *t, uint32_t cell, guint id)
{
	dm_socket *s = cell < t->n_cells ? dm_tables_at(t, cell) : NULL;
	return s && id && s->id == id && !s->dead ? s : NULL;
}

void
dm_tables_forget_host(dm_tables *t, dm_host *h)
{
	host_probe probe = { .family = h->family };
	memcpy(probe.addr, h->addr, 16);
	guint pos = h->pos, last = t->hosts->len - 1;
	dm_host *m = g_ptr_array_index(t->hosts, last);
	host_probe mprobe = { .family = m->family };
	memcpy(mprobe.addr, m->addr, 16);
	dm_index_remove(&t->host_index, host_hash(&probe), pos + 1);
	if (m != h)
		dm_index_remove(&t->host_index, host_hash(&mprobe), last + 1);
	for (int d = 0; h->counts && d < DM_DROP_N; d++)
		t->forgotten_drops[d] += h->counts->drops[d];
	for (int r = 0; h->counts && r < DM_RETIRE_N; r++)
		t->forgotten_retired[r] += h->counts->retired[r];
	t->retired[DM_RETIRE_FORGET_HOST]++;
	g_ptr_array_remove_index_fast(t->hosts, pos);  /* frees h */
	if (m != h) {
		m->pos = pos;
		dm_index_put(&t->host_index, host_hash(&mprobe), pos + 1, host_match, t->hosts,
		             &mprobe);
	}
}

/* The refusals of a host that has none. */
static const GArray *
no_refusals(void)
{
	static GArray *none;
	if (g_once_init_enter(&none))
		g_once_init_leave(&none, g_array_new(FALSE, TRUE, sizeof(dm_refusal)));
	return none;
}

const GArray *
dm_host_refusals(const dm_host *h)
{
	return h->refusals ? h->refusals : no_refusals();
}

dm_host_counts *
dm_host_counts_get(dm_host *h)
{
	if (G_UNLIKELY(!h->counts))
		h->counts = g_new0(dm_host_counts, 1);
	return h->counts;
}

uint64_t
dm_host_drops(const dm_host *h, dm_drop_reason reason)
{
	return (unsigned)reason < DM_DROP_N && h->counts ? h->counts->drops[reason] : 0;
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
bool dm_socket_peers_folded(const dm_socket *s) { return s->peers_folded; }

uint64_t
dm_socket_first_frame(const dm_socket *s)
{
	return s->span_wide ? s->span.wide->first_frame : s->span.n.first_frame;
}

uint64_t
dm_socket_last_frame(const dm_socket *s)
{
	return s->span_wide ? s->span.wide->last_frame : s->span.n.last_frame;
}

void
dm_socket_touch_wide(dm_socket *s, uint64_t frame, int64_t sec, uint32_t nsec)
{
	if (!s->span_wide) {
		/* Widened, exactly: the narrow values all fit. */
		dm_span_wide *w = g_new(dm_span_wide, 1);
		w->first_frame = dm_socket_first_frame(s);
		w->last_frame = dm_socket_last_frame(s);
		dm_socket_first_time(s, &w->first_sec, &w->first_nsec);
		dm_socket_last_time(s, &w->last_sec, &w->last_nsec);
		s->span.wide = w;
		s->span_wide = true;
	}
	dm_span_wide *w = s->span.wide;
	if (!w->first_frame) {
		w->first_frame = frame;
		w->first_sec = sec;
		w->first_nsec = nsec;
	}
	w->last_frame = frame;
	w->last_sec = sec;
	w->last_nsec = nsec;
}

/* @ns (sec * 10^9 + nsec, 0 <= nsec < 10^9) apart. */
static void
ns_split(int64_t ns, int64_t *sec, uint32_t *nsec)
{
	int64_t q = ns / 1000000000, r = ns % 1000000000;
	if (r < 0) {
		q--;
		r += 1000000000;
	}
	*sec = q;
	*nsec = (uint32_t)r;
}

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
	if (s->span_wide) {
		*sec = s->span.wide->first_sec;
		*nsec = s->span.wide->first_nsec;
	} else {
		ns_split(s->span.n.first_ns, sec, nsec);
	}
}

void
dm_socket_last_time(const dm_socket *s, int64_t *sec, uint32_t *nsec)
{
	if (s->span_wide) {
		*sec = s->span.wide->last_sec;
		*nsec = s->span.wide->last_nsec;
	} else {
		ns_split(s->span.n.last_ns, sec, nsec);
	}
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
		"evicted-connection", "forgotten-host",
	};
	return (unsigned)r < DM_RETIRE_N ? names[r] : NULL;
}

const char *
dm_sock_kind_name(dm_sock_kind k)
{
	static const char *const names[] = { "bound", "listen", "connection" };
	return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}

/* A host: at its place in the array, found by its address, its holes
 * and discarded listeners counted, on the idle list exactly when it has
 * nothing of its own. */
static char *
check_host(const dm_tables *t, const dm_host *h, guint i, GHashTable *dead_of,
           uint64_t *held)
{
	guint holes = 0;
	guint dead = GPOINTER_TO_UINT(g_hash_table_lookup(dead_of, h));
	if (h->pos != i || dm_tables_host((dm_tables *)t, h->family, h->addr, false) != h)
		return g_strdup_printf("host %u: not found at its place", i);
	for (guint j = 0; j < h->sockets->len; j++) {
		const dm_socket *s = g_ptr_array_index(h->sockets, j);
		if (!s) {
			holes++;
			continue;
		}
		(*held)++;
		if (s->slot != j || s->host != h || s->dead || s->cell >= t->n_cells ||
		    dm_tables_at(t, s->cell) != s)
			return g_strdup_printf("socket %u: not at its slot of its host", s->id);
	}
	if (holes != h->holes)
		return g_strdup_printf("a host counts %u holes, has %u", h->holes, holes);
	if (dead != h->dead)
		return g_strdup_printf("a host counts %u discarded listeners, has %u", h->dead, dead);
	if (h->idle != dm_host_forgettable(h))
		return g_strdup_printf("host %u: %s the idle list", i, h->idle ? "wrongly on" : "not on");
	return NULL;
}

/* The bounded-state bookkeeping: every held socket in its host's array
 * at its slot, the counts and the memory estimate, the lists. */
static char *
check_held(const dm_tables *t)
{
	uint64_t held = 0, refusals = 0;
	if (dm_index_size(&t->host_index) != t->hosts->len)
		return g_strdup_printf("host index counts %u, %u hosts", dm_index_size(&t->host_index),
		                       t->hosts->len);
	GHashTable *dead_of = g_hash_table_new(NULL, NULL);
	for (guint c = 0; c < t->n_cells; c++) {
		const dm_socket *s = dm_tables_at(t, c);
		if (s->id && s->dead)
			g_hash_table_insert(dead_of, s->host, GUINT_TO_POINTER(
				GPOINTER_TO_UINT(g_hash_table_lookup(dead_of, s->host)) + 1));
	}
	char *err = NULL;
	for (guint i = 0; i < t->hosts->len && !err; i++) {
		const dm_host *h = g_ptr_array_index(t->hosts, i);
		refusals += dm_host_refusals(h)->len;
		err = check_host(t, h, i, dead_of, &held);
	}
	g_hash_table_unref(dead_of);
	if (err)
		return err;
	if (held != t->count)
		return g_strdup_printf("%" G_GUINT64_FORMAT " sockets held, %" G_GUINT64_FORMAT
		                       " counted", held, t->count);
	if (refusals != t->refusals)
		return g_strdup_printf("%" G_GUINT64_FORMAT " refusals held, %" G_GUINT64_FORMAT
		                       " counted", refusals, t->refusals);
	if (t->mem != held * DM_COST_SOCKET + (uint64_t)t->peers_held * DM_COST_PEER)
		return g_strdup_printf("memory estimate %" G_GUINT64_FORMAT " is not what is held",
		                       t->mem);
	/* Every peer entry is in use by a socket or on the free list. */
	uint32_t free_peers = t->free_peers->len;
	for (guint i = 0; i < t->free_peers->len; i++) {
		uint32_t id = g_array_index(t->free_peers, uint32_t, i);
		if (id == 0 || id > t->n_peers || peer_entry(t, id)->owner)
			return g_strdup("peer free list broken");
	}
	if (free_peers + t->peers_held != t->n_peers ||
	    dm_index_size(&t->peers) != t->peers_held)
		return g_strdup_printf("%u peer entries made, %u held, %u free, %u indexed",
		                       t->n_peers, t->peers_held, free_peers,
		                       dm_index_size(&t->peers));
	return dm_lists_check(t);
}

/* The peer entries of @s against its counts. */
static char *
check_peers(const dm_tables *t, const dm_socket *s, uint32_t *entries)
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
	for (const struct dm_peer_entry *e = peer_list(s); e; e = e->next) {
		peer_probe probe = { .owner = e->owner, .port = e->port, .addr = e->addr };
		uint32_t id = dm_index_find(&t->peers, peer_hash(&probe), peer_match, t, &probe);
		if (e->owner != s->id || ++n > s->npeer || !id || peer_entry(t, id) != e)
			return g_strdup_printf("socket %u: a peer not in the peer set", s->id);
	}
	if (n != s->npeer || s->npeer > DM_PEERS_MAX ||
	    (s->peers_folded && (s->npeer != DM_PEERS_MAX || s->key.tuple != 2)))
		return g_strdup_printf("socket %u: %u peer entries, %u counted", s->id, n, s->npeer);
	*entries += n;
	return NULL;
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
		const dm_socket *s = id <= t->n_cells ? dm_tables_at(t, id - 1) : NULL;
		if (!s || !s->id)
			return g_strdup_printf("socket table entry for empty cell %u", id - 1);
		if (!s->keyed || s->dead || t->sockets.slots[i].hash != dm_key_hash(&s->key))
			return g_strdup_printf("socket %u keyed inconsistently", s->id);
	}
	if (in_index != dm_index_size(&t->sockets))
		return g_strdup_printf("socket table counts %u entries, holds %u",
		                       dm_index_size(&t->sockets), in_index);
	guint keyed = 0, empty = 0;
	uint32_t entries = 0;
	GHashTable *ids = g_hash_table_new(NULL, NULL);
	char *err = NULL;
	for (guint i = 0; i < t->n_cells && !err; i++) {
		const dm_socket *s = dm_tables_at(t, i);
		if (!s->id) {
			empty++;
			continue;
		}
		if (s->cell != i || s->id == 0 || s->id > t->last_id ||
		    !g_hash_table_add(ids, GUINT_TO_POINTER(s->id)))
			err = g_strdup_printf("socket %u in cell %u: cell or id wrong", s->id, i);
		else if (s->dead && (s->kind != DM_KIND_LISTEN || s->keyed ||
		                     s->list != DM_LIST_NONE || peer_list(s)))
			err = g_strdup_printf("socket %u: discarded, yet not a bare listener", s->id);
		else if (s->keyed && dm_tables_find(t, &s->key) != s)
			err = g_strdup_printf("socket %u not reachable by its key", s->id);
		else if (s->parent && (s->parent->kind != DM_KIND_LISTEN ||
		                       s->kind != DM_KIND_CONNECTION ||
		                       s->parent->host != s->host))
			err = g_strdup_printf("socket %u has a parent that is not its host's listener",
			                      s->id);
		else if ((s->kind == DM_KIND_LISTEN) != (s->state == DM_TCP_LISTEN))
			err = g_strdup_printf("socket %u: kind and state disagree", s->id);
		else if ((s->key.proto == 17) != (s->state == DM_TCP_NONE))
			err = g_strdup_printf("socket %u: UDP with a TCP state or TCP without", s->id);
		else if (s->kind == DM_KIND_CONNECTION ? s->key.tuple != 4 : s->key.tuple != 2)
			err = g_strdup_printf("socket %u: kind and key disagree", s->id);
		else if (s->host->family != s->key.family)
			err = g_strdup_printf("socket %u: family differs from its host", s->id);
		else if (!s->dead)
			err = check_peers(t, s, &entries);
		keyed += s->keyed;
	}
	g_hash_table_unref(ids);
	if (err)
		return err;
	if (keyed != dm_index_size(&t->sockets))
		return g_strdup_printf("%u keyed sockets but %u table entries", keyed,
		                       dm_index_size(&t->sockets));
	if (empty != t->free_cells->len)
		return g_strdup_printf("%u empty cells, %u free", empty, t->free_cells->len);
	for (guint i = 0; i < t->free_cells->len; i++) {
		uint32_t c = g_array_index(t->free_cells, uint32_t, i);
		if (c >= t->n_cells || dm_tables_at(t, c)->id)
			return g_strdup_printf("free cell %u in use", c);
	}
	if (entries != t->peers_held)
		return g_strdup_printf("%u peer entries on sockets, %u held", entries, t->peers_held);
	return check_held(t);
}
