/* calls.c - the calls stage's front (calls.h): a record of the socket
 * calls a capture implies (calls-record.c), the declared sockets' calls,
 * each frame's way to the TCP and UDP rules (calls-tcp.c, calls-udp.c)
 * and to the ladders (calls-ladder.c), the end of the capture, and the
 * stable names.
 *
 * The socket API is POSIX's (socket(), bind(), listen(), accept(),
 * connect(), send(), recv(), sendto(), recvfrom(), shutdown(), close());
 * what a segment says of the calls behind it follows RFC 9293 (TCP) and
 * RFC 768 (UDP), and Linux's answers where the standards leave a choice
 * (a RST for data reaching a closed socket, ICMP errors reported only to
 * connected UDP sockets).
 */
#include "config.h"

#include <string.h>

#include "calls-int.h"

static void
slot_free(gpointer p)
{
	dm_calls_ladder_free(p);
}

dm_calls *
dm_calls_new(const dm_ladder_select *ladder, guint auto_ladders)
{
	dm_calls *c = g_new0(dm_calls, 1);
	dm_calls_record_init(c);
	c->ladders = g_ptr_array_new_with_free_func(slot_free);
	if (ladder) {
		c->select_on = true;
		c->sel = *ladder;
	}
	c->auto_ladders = auto_ladders;
	c->max = DM_CALLS_MAX;
	c->none.rows = g_array_new(FALSE, TRUE, sizeof(dm_ladder_row));
	c->none.calls_a = g_array_new(FALSE, TRUE, sizeof(dm_call));
	c->none.calls_b = g_array_new(FALSE, TRUE, sizeof(dm_call));
	return c;
}

void
dm_calls_free(dm_calls *c)
{
	if (!c)
		return;
	dm_calls_record_clear(c);
	g_ptr_array_unref(c->ladders);
	g_array_unref(c->none.rows);
	g_array_unref(c->none.calls_a);
	g_array_unref(c->none.calls_b);
	g_free(c);
}

/* --- Declared sockets ---------------------------------------------------- */

static void
declare_socket(dm_calls *c, calls_host *h, const dm_socket *s)
{
	uint16_t port, rport;
	const uint8_t *local = dm_socket_local(s, &port);
	const uint8_t *remote = dm_socket_remote(s, &rport);
	bool tcp = dm_socket_proto(s) == 6;
	if (tcp && dm_socket_kind(s) != DM_KIND_LISTEN)
		return;
	dm_call *call = dm_calls_add(c, h, tcp ? DM_CALL_LISTEN : DM_CALL_UDP_SOCKET,
	                             DM_SURE_DECLARED, 0, 0, 0, NULL);
	if (!call)
		return;
	call->proto = dm_socket_proto(s);
	call->family = dm_socket_family(s);  /* a host of several addresses has both */
	call->socket = dm_socket_id(s);
	memcpy(call->local, local, 16);
	call->local_port = port;
	call->wildcard = dm_socket_local_is_wildcard(s);
	if (remote) {
		memcpy(call->peer, remote, 16);
		call->peer_port = rport;
		call->has_peer = true;
	}
	call->rule = "declared";
	bool made;
	dm_calls_sock(c, dm_socket_id(s), h, &made)->announced = true;
	if (!tcp) {
		udp_ep *e = dm_calls_ep(c, h, h->family, h->addr, port);
		e->id = dm_socket_id(s);
		e->announced = true;
	}
}

void
dm_calls_declare(dm_calls *c, const dm_demux *dm)
{
	GPtrArray *hosts = dm_demux_hosts(dm);
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *dh = g_ptr_array_index(hosts, i);
		const GPtrArray *socks = dm_host_sockets(dh);
		calls_host *h = NULL;
		for (guint j = 0; j < socks->len; j++) {
			const dm_socket *s = g_ptr_array_index(socks, j);
			if (!dm_socket_declared(s))
				continue;
			if (!h)
				h = dm_calls_host_get(c, dm_host_family(dh), dm_host_address(dh));
			declare_socket(c, h, s);
		}
	}
	g_ptr_array_unref(hosts);
}

/* --- Frames -------------------------------------------------------------- */

void
dm_calls_frame(dm_calls *c, uint64_t frame, int64_t sec, uint32_t nsec,
               dm_frame_status st, const dm_packet *pkt, const dm_decision *d)
{
	if (st != DM_FRAME_SEGMENT || !d->host)
		return;
	if (pkt->malformed != DM_MAL_NONE)
		return;
	calls_seg s = { frame, sec, nsec, pkt, d };
	if (pkt->proto == 6 && pkt->have_tcp) {
		bool retrans = false;
		dm_calls_tcp(c, &s, &retrans);
		dm_calls_ladder_frame(c, &s, retrans);
	} else if (pkt->proto == 17) {
		dm_calls_udp(c, &s);
	}
}

void
dm_calls_finish(dm_calls *c)
{
	if (c->finished)
		return;
	c->finished = true;
	dm_calls_tcp_finish(c);
	dm_calls_udp_finish(c);
	dm_calls_ladder_finish(c);
}

const char *
dm_call_kind_name(dm_call_kind k)
{
	static const char *const names[DM_CALL_N] = {
		"listen", "accept", "connect", "connected", "open", "send", "recv",
		"recv-eof", "close", "abort", "udp-socket", "sendto", "recvfrom",
		"udp-refused",
	};
	return (unsigned)k < DM_CALL_N ? names[k] : "?";
}

const char *
dm_call_sure_name(dm_call_sure s)
{
	static const char *const names[DM_SURE_N] = {
		"seen", "inferred", "assumed", "declared",
	};
	return (unsigned)s < DM_SURE_N ? names[s] : "?";
}

const char *
dm_close_how_name(dm_close_how h)
{
	switch (h) {
	case DM_CLOSE_CLOSE: return "close";
	case DM_CLOSE_SHUTDOWN: return "shutdown";
	case DM_CLOSE_UNKNOWN: return "unknown";
	case DM_CLOSE_NA: break;
	}
	return NULL;
}
