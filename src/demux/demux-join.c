/* demux-join.c - the tables of the partitions of one run (each simulated
 * the hosts of one partition, shard.h) read as the table of the whole run
 * (see demux.h, dm_demux_join).
 *
 * Each host lives whole in one part, so the joined table's hosts are
 * those parts' hosts, sorted as one table sorts them.  Socket ids differ:
 * each part numbered its own sockets.  A whole run numbers them in the
 * order the events of the capture created them; each part noted where
 * each of its ids was created (frame, packet, send or receive event), in
 * order, so the parts' lists merged by that position give every socket
 * its id in the whole run (ties cannot cross parts: one event runs in
 * one part).  The declared sockets, made alike in every part before the
 * first frame, keep theirs.
 */
#include "config.h"

#include <string.h>

#include "demux-int.h"
#include "demux-receive-int.h"

struct dm_join {
	GPtrArray *hosts;       /* dm_host *, sorted */
	guint sockets;          /* ids given in all */
	dm_demux_usage usage;
};

/* Per part, the whole run's id of each of its ids (index id - 1). */
static guint **
whole_ids(guint n, const GArray *const *created, guint declared, guint *total)
{
	guint **ids = g_new0(guint *, n);
	guint *at = g_new0(guint, n);
	for (guint i = 0; i < n; i++) {
		ids[i] = g_new0(guint, created[i]->len + 1);
		for (guint j = 0; j < declared && j < created[i]->len; j++)
			ids[i][j] = j + 1;
		at[i] = MIN(declared, created[i]->len);
	}
	guint next = declared;
	for (;;) {
		/* The part whose next id was created first. */
		guint best = n;
		uint64_t where = 0;
		for (guint i = 0; i < n; i++) {
			if (at[i] >= created[i]->len)
				continue;
			uint64_t w = g_array_index(created[i], uint64_t, at[i]);
			if (best == n || w < where) {
				best = i;
				where = w;
			}
		}
		if (best == n)
			break;
		ids[best][at[best]++] = ++next;
	}
	g_free(at);
	*total = next;
	return ids;
}

/* Socket @s of a part its id in the whole run, from @ids (@len of them). */
static void
renumber(dm_socket *s, const guint *ids, guint len)
{
	if (s->id >= 1 && s->id <= len)
		s->id = ids[s->id - 1];
}

dm_demux *
dm_demux_join(dm_demux *const *parts, guint n, dm_demux_owner owns, void *ctx,
              const GArray *const *created, guint declared, const dm_demux_usage *usage)
{
	struct dm_join *j = g_new0(struct dm_join, 1);
	guint **ids = whole_ids(n, created, declared, &j->sockets);
	GHashTable *dead = g_hash_table_new(NULL, NULL);
	j->hosts = g_ptr_array_new();
	for (guint i = 0; i < n; i++) {
		const dm_tables *t = &parts[i]->t;
		for (guint h = 0; h < t->hosts->len; h++) {
			dm_host *host = g_ptr_array_index(t->hosts, h);
			if (!owns(host, i, ctx))
				continue;
			g_ptr_array_add(j->hosts, host);
			/* Each socket held is in its host's array once; a
			 * discarded listener kept as a parent is in none. */
			for (guint s = 0; s < host->sockets->len; s++) {
				dm_socket *sock = g_ptr_array_index(host->sockets, s);
				if (!sock)
					continue;
				renumber(sock, ids[i], created[i]->len);
				dm_socket *up = sock->parent;
				if (up && up->dead && g_hash_table_add(dead, up))
					renumber(up, ids[i], created[i]->len);
			}
		}
		g_free(ids[i]);
	}
	g_ptr_array_sort(j->hosts, dm_host_order);
	g_hash_table_destroy(dead);
	g_free(ids);
	j->usage = *usage;
	dm_demux *dm = g_new0(dm_demux, 1);
	dm->join = j;
	return dm;
}

bool
dm_demux_joinable(const dm_demux *dm)
{
	return !dm->join && dm->t.multi == 0;
}

GPtrArray *
dm_join_hosts(const struct dm_join *j)
{
	GPtrArray *a = g_ptr_array_sized_new(j->hosts->len);
	for (guint i = 0; i < j->hosts->len; i++)
		g_ptr_array_add(a, g_ptr_array_index(j->hosts, i));
	return a;
}

guint
dm_join_socket_count(const struct dm_join *j)
{
	return j->sockets;
}

void
dm_join_usage(const struct dm_join *j, dm_demux_usage *u)
{
	*u = j->usage;
}

void
dm_join_free(struct dm_join *j)
{
	g_ptr_array_unref(j->hosts);
	g_free(j);
}
