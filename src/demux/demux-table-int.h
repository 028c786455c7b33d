/* demux-table-int.h - socket-table operations used across the demux stage:
 * the store (demux-table.c), its peer entries (demux-peers.c) and its
 * invariant checker (demux-check.c) (not installed). */
#ifndef DEMUXSIM_DEMUX_TABLE_H
#define DEMUXSIM_DEMUX_TABLE_H

#include "demux-int.h"
#include "demux-key-int.h"

/* Set up @t empty; dm_tables_clear frees all it holds. */
void dm_tables_init(dm_tables *t);
void dm_tables_clear(dm_tables *t);
/* The host at @family/@addr, made (and placed on the idle-host list) when
 * @create and there is none, else NULL. */
dm_host *dm_tables_host(dm_tables *t, dm_zone zone, uint8_t family, const uint8_t *addr,
                        bool create);
/* Name @h (a declared host of several addresses). */
void dm_tables_host_name(dm_tables *t, dm_host *h, const char *name);
/* Give @h address @family/@addr beside its own (the host index finds @h
 * by it too).  Returns false when another host has it. */
bool dm_tables_host_alias(dm_tables *t, dm_host *h, uint8_t family, const uint8_t *addr);
/* The address that stands for @h in the keys of its wildcard sockets of
 * @family: its own of that family, the first of its others of that
 * family, or (IPv6 on a host without one) its IPv4 address mapped,
 * written into @buf. */
const uint8_t *dm_host_key_addr(const dm_host *h, uint8_t family, uint8_t buf[16]);
/* The socket keyed @k in the lookup table, or NULL. */
dm_socket *dm_tables_find(const dm_tables *t, const dm_key *k);
/* The same, given @hash = dm_key_hash(@k) (a 4-tuple and its reverse
 * hash alike). */
dm_socket *dm_tables_find_hashed(const dm_tables *t, const dm_key *k, uint32_t hash);
/* A new socket keyed @k on @h, in place of any keyed so (which leaves
 * the table), placed on its list. */
dm_socket *dm_tables_add(dm_tables *t, dm_host *h, const dm_key *k,
                         dm_sock_kind kind, dm_tcp_state state);
dm_socket *dm_tables_add_hashed(dm_tables *t, dm_host *h, const dm_key *k, uint32_t hash,
                                dm_sock_kind kind, dm_tcp_state state);
/* Record refusal @r on @h, folded into the entry for the same peer
 * endpoint and local port if there is one (adding its count, and its
 * evidence if that entry has none).  Returns true when it is a new entry. */
bool dm_host_refusal_note(dm_host *h, const dm_refusal *r);
/* Take @s out of the lookup table (it stays in its host's list). */
void dm_tables_unkey(dm_tables *t, dm_socket *s);
/* Take @s out of the tables entirely and free it, with its peer entries
 * (its id is not reused; its cell is, unless it is a listener, kept as
 * the parent its connections name). */
void dm_tables_discard(dm_tables *t, dm_socket *s);
/* The socket in @cell if it still has id @id, else NULL.  Inline: the
 * other end of a connection is found so on most TCP segments. */
static inline dm_socket *
dm_tables_cell(const dm_tables *t, uint32_t cell, guint id)
{
	dm_socket *s = cell < t->n_cells ? dm_tables_at(t, cell) : NULL;
	return s && id && s->id == id && !s->dead ? s : NULL;
}
/* Free @h (forgettable, on no list) and take it out of the host index,
 * folding its drops and retirements into the tables' totals. */
void dm_tables_forget_host(dm_tables *t, dm_host *h);
/* Close up the holes discarded sockets left in @h's array (the array is
 * logically unchanged). */
void dm_host_compact(dm_host *h);

/* Peer entries (demux-peers.c). */

/* The peer entries of @s, newest first: none for a connection. */
static inline struct dm_peer_entry *
dm_socket_peer_list(const dm_socket *s)
{
	return s->kind == DM_KIND_CONNECTION ? NULL : s->u.peer.list;
}

/* Record that @s received a segment from a peer (counted per peer);
 * true the first time.  A connection's remote end takes no entry: its
 * segments are the socket's own. */
bool dm_tables_note_peer(dm_tables *t, dm_socket *s, uint8_t family,
                         const uint8_t *addr, uint16_t port);
/* Free the peer entries of @s (on no list) for reuse. */
void dm_peers_free(dm_tables *t, dm_socket *s);
/* Check the peer entries of @s against its counts, adding them to
 * @entries.  Returns: NULL, or a newly allocated description. */
char *dm_peers_check_socket(const dm_tables *t, const dm_socket *s, uint32_t *entries);
/* Check that every peer entry is in use or on the free list, and the
 * counts of both.  Returns: NULL, or a newly allocated description. */
char *dm_peers_check_free(const dm_tables *t);

/* The invariant checker (demux-check.c): the tables, their peer
 * entries and lists.  Returns: NULL, or a newly allocated description. */
char *dm_tables_check(const dm_tables *t);

#endif
