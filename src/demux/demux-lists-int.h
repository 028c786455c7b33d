/* demux-lists-int.h - the activity lists: sockets and idle hosts ordered
 * by last activity, for expiry and eviction (not installed).  Pure
 * bookkeeping on the structures of demux-int.h: it calls nothing else in
 * the stage, and demux-limits.c decides what leaves them. */
#ifndef DEMUXSIM_DEMUX_LISTS_H
#define DEMUXSIM_DEMUX_LISTS_H

#include "demux-int.h"

/* The socket list link @link names: links are cells + 1, 0 at either
 * end. */
static inline dm_socket *
dm_lists_at(const dm_tables *t, uint32_t link)
{
	return link ? dm_tables_at(t, link - 1) : NULL;
}

/* The link that names @s (or NULL, 0). */
static inline uint32_t
dm_lists_link(const dm_socket *s)
{
	return s ? s->cell + 1 : 0;
}

/* Put @s at the tail of the list its state calls for (none, for
 * listeners and declared sockets), its activity now; a socket already
 * out of the table stays where it is. */
void dm_lists_place(dm_tables *t, dm_socket *s);

/* Take @s off its list. */
void dm_lists_unlink(dm_tables *t, dm_socket *s);

/* Put @h at the tail of the idle-host list, its activity now, when it
 * has nothing of its own left (dm_host_forgettable); else take it off. */
void dm_lists_host_place(dm_tables *t, dm_host *h);

/* Take @h off the idle-host list, if it is on it. */
void dm_lists_host_unlink(dm_tables *t, dm_host *h);

/* Check the lists (links, order, membership, counts); for tests.
 * Returns: NULL, or a newly allocated description. */
char *dm_lists_check(const dm_tables *t);

#endif
