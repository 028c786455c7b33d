/* calls-udp.c - the calls a UDP datagram implies (RFC 768; RFC 1122
 * 4.1.3.3 and Linux's udp(7) for ICMP errors):
 *
 *   the first datagram from an endpoint     socket(SOCK_DGRAM), and bind()
 *                                           before it (assumed) unless the
 *                                           port is in the kernel's
 *                                           ephemeral range (32768-60999),
 *                                           chosen at the first sendto()
 *   the first datagram to a bound socket    socket(SOCK_DGRAM) bind()
 *                                           before it (assumed)
 *   each datagram                           sendto() on the sender and
 *                                           recvfrom() on the receiver: one
 *                                           call per datagram (folded when
 *                                           the same repeats)
 *   a datagram an ICMP port unreachable     the sendto() succeeded; only a
 *   answers                                 connected socket's next call
 *                                           fails, with ECONNREFUSED
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "calls-int.h"

/* Linux's default net.ipv4.ip_local_port_range. */
#define EPHEMERAL_LOW 32768u
#define EPHEMERAL_HIGH 60999u

static dm_call *
add(dm_calls *c, const calls_seg *s, udp_ep *e, dm_call_kind kind, dm_call_sure sure)
{
	dm_call *call = dm_calls_add(c, e->host, kind, sure, s->frame, s->sec, s->nsec, NULL);
	if (call) {
		call->proto = 17;
		call->socket = e->id;
		memcpy(call->local, e->addr, 16);
		call->local_port = e->port;
	}
	return call;
}

/* sendto()/recvfrom() of one datagram with @peer, folded into the host's
 * last call when it is the same, on the same endpoint, with the same peer. */
static void
datagram_call(dm_calls *c, const calls_seg *s, udp_ep *e, dm_call_kind kind,
              const uint8_t *peer, uint16_t peer_port)
{
	GArray *calls = e->host->calls;
	if (calls->len) {
		dm_call *last = &g_array_index(calls, dm_call, calls->len - 1);
		if (last->kind == kind && last->proto == 17 && last->local_port == e->port &&
		    !memcmp(last->local, e->addr, 16) && last->peer_port == peer_port &&
		    !memcmp(last->peer, peer, 16)) {
			last->bytes += s->pkt->payload_len;
			last->count++;
			return;
		}
	}
	dm_call *call = add(c, s, e, kind, kind == DM_CALL_SENDTO ? DM_SURE_SEEN : DM_SURE_INFERRED);
	if (call) {
		memcpy(call->peer, peer, 16);
		call->peer_port = peer_port;
		call->has_peer = true;
		call->bytes = s->pkt->payload_len;
		call->rule = kind == DM_CALL_SENDTO ? "datagram sent" : "datagram delivered";
	}
}

static void
udp_sender(dm_calls *c, const calls_seg *s)
{
	const dm_packet *p = s->pkt;
	calls_host *h = dm_calls_host_get(c, p->family, p->src);
	udp_ep *e = dm_calls_ep(c, h, p->family, p->src, p->sport);
	if (!e->announced) {
		e->announced = true;
		bool ephemeral = p->sport >= EPHEMERAL_LOW && p->sport <= EPHEMERAL_HIGH;
		dm_call *call = add(c, s, e, DM_CALL_UDP_SOCKET, DM_SURE_ASSUMED);
		if (call) {
			call->ephemeral = ephemeral;
			call->rule = ephemeral ? "first datagram from a port of the ephemeral range"
			                       : "first datagram from the port: bound before it";
		}
	}
	datagram_call(c, s, e, DM_CALL_SENDTO, p->final_dst, p->dport);
	if (s->d->action == DM_ACTION_REFUSED) {
		dm_call *call = add(c, s, e, DM_CALL_UDP_REFUSED, DM_SURE_INFERRED);
		if (call) {
			memcpy(call->peer, p->final_dst, 16);
			call->peer_port = p->dport;
			call->has_peer = true;
			call->result = ECONNREFUSED;
			call->evidence = s->d->evidence;
			call->rule = s->d->evidence ? "ICMP port unreachable answers it"
			                            : "no socket is bound to the port; no ICMP in the capture shows it";
		}
	}
}

static void
udp_receiver(dm_calls *c, const calls_seg *s)
{
	const dm_packet *p = s->pkt;
	const dm_socket *rs = s->d->socket;
	calls_host *h = dm_calls_host_get(c, p->family, p->final_dst);
	udp_ep *e = dm_calls_ep(c, h, p->family, p->final_dst, p->dport);
	e->id = dm_socket_id(rs);
	if (!e->announced) {
		e->announced = true;
		dm_call *call = add(c, s, e, DM_CALL_UDP_SOCKET, DM_SURE_ASSUMED);
		if (call) {
			call->wildcard = dm_socket_local_is_wildcard(rs);
			call->rule = "first datagram to the port: bound before it";
		}
	}
	datagram_call(c, s, e, DM_CALL_RECVFROM, p->src, p->sport);
}

void
dm_calls_udp(dm_calls *c, const calls_seg *s)
{
	udp_sender(c, s);
	if (s->d->socket && s->d->action != DM_ACTION_DROPPED && s->d->action != DM_ACTION_REFUSED)
		udp_receiver(c, s);
}

void
dm_calls_udp_finish(dm_calls *c)
{
	/* A socket learned when its first answer arrived: its earlier calls
	 * get its id. */
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, c->hosts);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		calls_host *h = v;
		for (guint i = 0; i < h->calls->len; i++) {
			dm_call *call = &g_array_index(h->calls, dm_call, i);
			if (call->proto != 17 || call->socket)
				continue;
			udp_ep *e = dm_calls_ep(c, h, call->family, call->local, call->local_port);
			call->socket = e->id;
		}
	}
}
