/* demux-table.c - the store: hosts and their index, socket cells and the
 * socket index, and finding, adding, unkeying and discarding sockets and
 * forgetting hosts.  Keys and their hash are in demux-key.c, peer entries
 * in demux-peers.c, accessors and names in demux-socket.c, the invariant
 * checker in demux-check.c; the activity lists the store keeps its
 * sockets and hosts on are in demux-lists.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "demux-int.h"
#include "demux-backlog-int.h"
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

/* dm_span_wide_made (demux-int.h): set by demux-socket.c. */
int dm_span_wide_made;

/* What a host record owns (the record stays in its chunk). */
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
	if (h->extra) {
		g_free(h->extra->name);
		g_array_unref(h->extra->more);
		g_free(h->extra);
	}
}

/* The host record @hslot. */
static inline dm_host *
host_at(const dm_tables *t, uint32_t hslot)
{
	dm_host *chunk = g_ptr_array_index(t->host_chunks, hslot / DM_HOST_CHUNK);
	return &chunk[hslot % DM_HOST_CHUNK];
}

/* A chunk of host records, at their alignment. */
static dm_host *
host_chunk_new(void)
{
	void *p = aligned_alloc(_Alignof(dm_host), sizeof(dm_host) * DM_HOST_CHUNK);
	if (!p)
		g_error("out of memory for %u host records", DM_HOST_CHUNK);
	return p;
}

/* A host record, zeroed. */
static dm_host *
host_take(dm_tables *t)
{
	uint32_t hslot;
	if (t->free_hslots->len) {
		hslot = g_array_index(t->free_hslots, uint32_t, t->free_hslots->len - 1);
		g_array_set_size(t->free_hslots, t->free_hslots->len - 1);
	} else {
		if (t->n_hslots % DM_HOST_CHUNK == 0)
			g_ptr_array_add(t->host_chunks, host_chunk_new());
		hslot = t->n_hslots++;
	}
	dm_host *h = host_at(t, hslot);
	memset(h, 0, sizeof *h);
	h->hslot = hslot;
	return h;
}

/* Hosts are looked up two or three times per segment: their address is
 * hashed directly, not as a table key, and the index names the record
 * (hslot + 1), not its place in hosts, sparing a load. */
typedef struct {
	uint8_t family;
	uint8_t addr[16];
	dm_zone zone;
} host_probe;

static uint32_t
host_hash(const host_probe *p)
{
	uint64_t x = dm_endpoint_hash(p->addr, p->family) +
	             ((uint64_t)p->zone.kind << 40 ^ p->zone.id);
	return (uint32_t)(x ^ (x >> 32));
}

/* Whether one of @h's other addresses is @p's. */
static bool
host_has_more(const dm_host *h, const host_probe *p)
{
	if (h->zone.kind != p->zone.kind || h->zone.id != p->zone.id)
		return false;
	for (guint i = 0; i < h->extra->more->len; i++) {
		const dm_host_addr *a = &g_array_index(h->extra->more, dm_host_addr, i);
		if (a->family == p->family && memcmp(a->addr, p->addr, 16) == 0)
			return true;
	}
	return false;
}

/* Whether @h owns @p's address: its first, or one of its others. */
static inline bool
host_is(const dm_host *h, const host_probe *p)
{
	if (h->family == p->family && memcmp(h->addr, p->addr, 16) == 0 &&
	    h->zone.kind == p->zone.kind && h->zone.id == p->zone.id)
		return true;
	return G_UNLIKELY(h->extra != NULL) && host_has_more(h, p);
}

static bool
host_match(const void *ctx, uint32_t id, const void *key)
{
	return host_is(host_at(ctx, id - 1), key);
}

/* Socket index ids are cells + 1. */
static bool
socket_match(const void *ctx, uint32_t id, const void *key)
{
	const dm_socket *s = dm_tables_at(ctx, id - 1);
	return memcmp(&s->key, key, sizeof(dm_key)) == 0;
}

/* The host cache: the host index is too large to stay in cache, the
 * hosts active at one time are not.  An entry is checked against the
 * record it names (records of hosts forgotten are zeroed), so that
 * nothing ever has to be taken out of it.  (A cache in front of the
 * socket index did not pay: the cell a hit names misses in cache all the
 * same, and the cache's own lines pushed out others.) */
#define HOST_CACHE_SIZE 2048u

static inline uint32_t
cache_set(uint32_t hash, uint32_t size)
{
	return (hash >> 16 ^ hash * 0x9e3779b1u >> 8) & (size - 1);
}

void
dm_tables_init(dm_tables *t)
{
	t->host_cache = g_new0(dm_index_slot, HOST_CACHE_SIZE);
	t->hosts = g_ptr_array_new_with_free_func(host_free);
	dm_index_init(&t->host_index);
	t->host_chunks = g_ptr_array_new_with_free_func(free);
	t->n_hslots = 0;
	t->free_hslots = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	dm_index_init(&t->sockets);
	t->udp_connected = 0;
	t->cell_chunks = g_ptr_array_new_with_free_func(g_free);
	t->n_cells = 0;
	t->free_cells = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	t->last_id = 0;
	t->peer_chunks = g_ptr_array_new_with_free_func(g_free);
	t->n_peers = 0;
	t->free_peers = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	t->peers_held = 0;
	t->peer_sets = g_ptr_array_new();
	t->free_sets = g_ptr_array_new();
}

void
dm_tables_clear(dm_tables *t)
{
	dm_index_clear(&t->sockets);
	dm_index_clear(&t->host_index);
	g_free(t->host_cache);
	g_ptr_array_unref(t->hosts);
	g_ptr_array_unref(t->host_chunks);
	g_array_unref(t->free_hslots);
	g_ptr_array_unref(t->peer_chunks);
	g_array_unref(t->free_peers);
	for (guint i = 0; i < t->peer_sets->len; i++) {
		dm_index_clear(g_ptr_array_index(t->peer_sets, i));
		g_free(g_ptr_array_index(t->peer_sets, i));
	}
	g_ptr_array_unref(t->peer_sets);
	if (t->backlogs)
		g_ptr_array_unref(t->backlogs);
	g_ptr_array_unref(t->free_sets);
	/* Wide spans are rare: the cells are only visited when one was
	 * ever made (a visit of every cell costs a cache miss each). */
	for (uint32_t c = 0; g_atomic_int_get(&dm_span_wide_made) && c < t->n_cells; c++) {
		dm_socket *s = dm_tables_at(t, c);
		if (s->id && s->span_wide)
			g_free(s->span.wide);
	}
	g_ptr_array_unref(t->cell_chunks);
	g_array_unref(t->free_cells);
	if (t->groups)
		g_hash_table_unref(t->groups);
}

dm_host *
dm_tables_host(dm_tables *t, dm_zone zone, uint8_t family, const uint8_t *addr, bool create)
{
	host_probe probe = { .family = family, .zone = zone };
	memcpy(probe.addr, addr, family == 6 ? 16 : 4);
	uint32_t hash = host_hash(&probe), pos, id;
	dm_index_slot *hint = &t->host_cache[cache_set(hash, HOST_CACHE_SIZE)];
	if (hint->hash == hash && hint->id && hint->id <= t->n_hslots &&
	    host_is(host_at(t, hint->id - 1), &probe))
		return host_at(t, hint->id - 1);
	for (id = dm_index_first(&t->host_index, hash, &pos); id;
	     id = dm_index_next(&t->host_index, hash, &pos)) {
		dm_host *h = host_at(t, id - 1);
		if (host_is(h, &probe)) {
			hint->hash = hash;
			hint->id = id;
			return h;
		}
	}
	if (!create)
		return NULL;
	dm_host *h = host_take(t);
	h->family = family;
	h->zone = zone;
	memcpy(h->addr, probe.addr, sizeof h->addr);
	h->sockets = g_ptr_array_new();
	h->pos = t->hosts->len;
	g_ptr_array_add(t->hosts, h);
	dm_index_put(&t->host_index, hash, h->hslot + 1, host_match, t, &probe);
	dm_lists_host_place(t, h);
	return h;
}

/* @h's extra record, made if need be. */
static dm_host_extra *
host_extra(dm_tables *t, dm_host *h)
{
	if (!h->extra) {
		h->extra = g_new0(dm_host_extra, 1);
		h->extra->more = g_array_new(FALSE, TRUE, sizeof(dm_host_addr));
		t->multi++;
		dm_lists_host_place(t, h);  /* no longer forgettable */
	}
	return h->extra;
}

void
dm_tables_host_name(dm_tables *t, dm_host *h, const char *name)
{
	dm_host_extra *x = host_extra(t, h);
	g_free(x->name);
	x->name = g_strdup(name);
}

bool
dm_tables_host_alias(dm_tables *t, dm_host *h, uint8_t family, const uint8_t *addr)
{
	dm_host *o = dm_tables_host(t, h->zone, family, addr, false);
	if (o)
		return o == h;
	host_probe probe = { .family = family, .zone = h->zone };
	memcpy(probe.addr, addr, family == 6 ? 16 : 4);
	host_extra(t, h);
	dm_host_addr a = { .family = family };
	memcpy(a.addr, probe.addr, 16);
	g_array_append_val(h->extra->more, a);
	dm_index_put(&t->host_index, host_hash(&probe), h->hslot + 1, host_match, t, &probe);
	t->aliases++;
	return true;
}

const uint8_t *
dm_host_key_addr(const dm_host *h, uint8_t family, uint8_t buf[16])
{
	if (G_LIKELY(!h->extra) || h->family == family)
		return h->addr;
	for (guint i = 0; i < h->extra->more->len; i++) {
		const dm_host_addr *a = &g_array_index(h->extra->more, dm_host_addr, i);
		if (a->family == family)
			return a->addr;
	}
	memset(buf, 0, 16);
	if (family == 6) {
		/* No IPv6 address: its IPv4 one as IPv6 sees it (::ffff:a.b.c.d). */
		buf[10] = buf[11] = 0xff;
		memcpy(buf + 12, h->addr, 4);
	} else {
		/* No IPv4 address: the first 4 bytes of ::ffff:0:0 (never a
		 * host's), so that no IPv4 lookup finds the key. */
		buf[0] = 0xff;
	}
	return buf;
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
	h->live++;
	t->count++;
	t->mem += DM_COST_SOCKET;
	dm_lists_host_place(t, h);
	uint32_t old = dm_index_put(&t->sockets, hash, s->cell + 1, socket_match, t, k);
	t->rekeyed++;
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
	dm_key_make(&k, h->zone, r->proto, r->family ? r->family : h->family, NULL, r->port,
	            r->peer, r->peer_port);
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
	unsigned q = dm_backlog_queue_of(s);
	if (s->keyed) {
		dm_index_remove(&t->sockets, dm_key_hash(&s->key), s->cell + 1);
		t->rekeyed++;
	}
	s->keyed = false;
	dm_backlog_moved(s, q);  /* out of its listener's queue */
	dm_lists_place(t, s);
}

/* Discarded sockets leave holes in their host's array, closed up before
 * it is read (the array is logically unchanged). */
void
dm_host_compact(dm_host *h)
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

void
dm_tables_discard(dm_tables *t, dm_socket *s)
{
	dm_host *h = s->host;
	dm_tables_unkey(t, s);
	dm_lists_unlink(t, s);
	h->sockets->pdata[s->slot] = NULL;
	h->live--;
	if (++h->holes > 64 && h->holes > h->sockets->len / 2)
		dm_host_compact(h);
	dm_peers_free(t, s);
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

void
dm_tables_forget_host(dm_tables *t, dm_host *h)
{
	host_probe probe = { .family = h->family, .zone = h->zone };
	memcpy(probe.addr, h->addr, 16);
	guint pos = h->pos;
	uint32_t hslot = h->hslot;
	dm_index_remove(&t->host_index, host_hash(&probe), hslot + 1);
	for (int d = 0; h->counts && d < DM_DROP_N; d++)
		t->forgotten_drops[d] += h->counts->drops[d];
	for (int r = 0; h->counts && r < DM_RETIRE_N; r++)
		t->forgotten_retired[r] += h->counts->retired[r];
	t->retired[DM_RETIRE_FORGET_HOST]++;
	g_ptr_array_remove_index_fast(t->hosts, pos);  /* frees what h owns */
	if (pos < t->hosts->len)
		((dm_host *)g_ptr_array_index(t->hosts, pos))->pos = pos;
	memset(h, 0, sizeof *h);
	g_array_append_val(t->free_hslots, hslot);
}

dm_host_counts *
dm_host_counts_get(dm_host *h)
{
	if (G_UNLIKELY(!h->counts))
		h->counts = g_new0(dm_host_counts, 1);
	return h->counts;
}
