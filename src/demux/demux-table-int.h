/* demux-table-int.h - socket-table operations used by demux.c (not installed). */
#ifndef DEMUXSIM_DEMUX_TABLE_H
#define DEMUXSIM_DEMUX_TABLE_H

#include "demux-int.h"

void dm_key_make(dm_key *k, uint8_t proto, uint8_t family, const uint8_t *laddr,
                 uint16_t lport, const uint8_t *raddr, uint16_t rport);
/* The key of a socket bound to the wildcard address on host @host: the
 * local address is all zeros and the host's address takes the place of
 * the (unused) remote one, so that each host has its own. */
void dm_key_wildcard(dm_key *k, uint8_t proto, uint8_t family,
                     const uint8_t *host, uint16_t lport);
void dm_tables_init(dm_tables *t);
void dm_tables_clear(dm_tables *t);
dm_host *dm_tables_host(dm_tables *t, uint8_t family, const uint8_t *addr, bool create);
dm_socket *dm_tables_find(const dm_tables *t, const dm_key *k);
/* The same, given @hash = dm_key_hash(@k) (a 4-tuple and its reverse
 * hash alike). */
dm_socket *dm_tables_find_hashed(const dm_tables *t, const dm_key *k, uint32_t hash);
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
/* Record that @s received a segment from a peer (counted per peer);
 * true the first time.  A connection's remote end takes no entry: its
 * segments are the socket's own. */
bool dm_tables_note_peer(dm_tables *t, dm_socket *s, uint8_t family,
                         const uint8_t *addr, uint16_t port);
/* Take @s out of the tables entirely and free it, with its peer entries
 * (its id is not reused; its cell is, unless it is a listener, kept as
 * the parent its connections name). */
void dm_tables_discard(dm_tables *t, dm_socket *s);
/* The socket in @cell if it still has id @id, else NULL. */
dm_socket *dm_tables_cell(const dm_tables *t, uint32_t cell, guint id);
/* Free @h (forgettable, on no list) and take it out of the host index,
 * folding its drops and retirements into the tables' totals. */
void dm_tables_forget_host(dm_tables *t, dm_host *h);
char *dm_tables_check(const dm_tables *t);

#endif
