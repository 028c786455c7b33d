/* demux-table.h - socket-table operations used by demux.c (not installed). */
#ifndef DEMUXSIM_DEMUX_TABLE_H
#define DEMUXSIM_DEMUX_TABLE_H

#include "demux-int.h"

typedef struct {
	GHashTable *hosts;    /* dm_host (self-keyed) */
	GHashTable *sockets;  /* dm_key * -> dm_socket *, the live entries */
	GPtrArray *all;       /* every socket ever made, index = id - 1 */
	GHashTable *peers;    /* (socket id, peer address, port) seen */
	guint udp_connected;  /* connected UDP sockets ever added */
} dm_tables;

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
dm_socket *dm_tables_add(dm_tables *t, dm_host *h, const dm_key *k,
                         dm_sock_kind kind, dm_tcp_state state);
/* Take @s out of the lookup table (it stays in its host's list). */
void dm_tables_unkey(dm_tables *t, dm_socket *s);
/* Record that @s received a segment from a peer (counted per peer);
 * true the first time. */
bool dm_tables_note_peer(dm_tables *t, dm_socket *s, uint8_t family,
                         const uint8_t *addr, uint16_t port);
char *dm_tables_check(const dm_tables *t);

#endif
