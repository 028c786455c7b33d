/* demux-tcp-int.h - the TCP receive path of demux-tcp.c, used by demux.c
 * (not installed). */
#ifndef DEMUXSIM_DEMUX_TCP_H
#define DEMUXSIM_DEMUX_TCP_H

#include "demux-receive-int.h"

/* The listener for @p (how it was found in @how): on the exact
 * destination address, else on the wildcard one; or NULL. */
dm_socket *dm_tcp_listener(const dm_demux *dm, const dm_packet *p, dm_lookup *how);

/* The sending end of the segment of @c: its socket's state changes as the
 * segment leaves (made when a host is first seen sending on it), and
 * c->sender and c->hash are set.  Returns: the sender's socket, or NULL. */
dm_socket *dm_tcp_send(dm_demux *dm, seg_ctx *c);

/* Look up the receiving connection of the segment of @c on its exact
 * 4-tuple (the other end of the sender's connection when that is
 * known) into c->recv. */
void dm_tcp_lookup(const dm_demux *dm, seg_ctx *c);

/* The receiving end of the segment of @c (c->recv looked up, c->host
 * set): deliver, spawn, pick up mid-stream, refuse or drop, into c->out. */
void dm_tcp_receive(dm_demux *dm, seg_ctx *c);

#endif
