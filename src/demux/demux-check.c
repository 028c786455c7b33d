/* demux-check.c - the invariant checker of the tables, for the tests:
 * the socket index against the cells, each socket's kind, state, key,
 * parent and host, each host's place, holes and idleness, the counts
 * and memory estimate, and the listeners' queues (demux-backlog.c); the peer entries and the activity lists are
 * checked by their own files (demux-peers.c, demux-lists.c).
 */
#include "config.h"

#include "demux-int.h"
#include "demux-backlog-int.h"
#include "demux-table-int.h"
#include "hash-index-int.h"
#include "demux-lists-int.h"

/* A host: at its place in the array, found by its address, its holes
 * and discarded listeners counted, on the idle list exactly when it has
 * nothing of its own. */
static char *
check_host(const dm_tables *t, const dm_host *h, guint i, GHashTable *dead_of,
           uint64_t *held)
{
	guint holes = 0;
	guint dead = GPOINTER_TO_UINT(g_hash_table_lookup(dead_of, h));
	if (h->pos != i || dm_tables_host((dm_tables *)t, h->zone, h->family, h->addr, false) != h)
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
	if (dm_index_size(&t->host_index) != t->hosts->len + t->aliases)
		return g_strdup_printf("host index counts %u, %u hosts and %u other addresses",
		                       dm_index_size(&t->host_index), t->hosts->len, t->aliases);
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
	char *perr = dm_peers_check_free(t);
	if (perr)
		return perr;
	return dm_lists_check(t);
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
		                     s->list != DM_LIST_NONE || dm_socket_peer_list(s)))
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
		else if (s->host->family != s->key.family && !s->host->extra)
			err = g_strdup_printf("socket %u: family differs from its host", s->id);
		else if (!s->dead)
			err = dm_peers_check_socket(t, s, &entries);
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
	if ((err = dm_backlog_check(t)))
		return err;
	return check_held(t);
}
