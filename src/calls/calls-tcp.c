/* calls-tcp.c - the calls a TCP segment implies (RFC 9293, section 3.10's
 * user calls OPEN, SEND, RECEIVE, CLOSE, ABORT as POSIX names them):
 *
 *   a SYN that opens a socket on its sender        connect()      seen
 *   the first SYN a listener gets                   socket() bind() listen()
 *                                                   before it      assumed
 *   the ACK completing a listener child's handshake accept()       inferred
 *   the SYN-ACK reaching a SYN-SENT socket          connect() -> 0 inferred
 *   a RST reaching a SYN-SENT socket, or a SYN the  connect() -> ECONNREFUSED
 *   host refused (the RST that answers it)
 *   new payload leaving / delivered                 send() / recv()
 *   the peer's FIN delivered (before its own)       recv() -> 0
 *   a RST delivered on an open connection           recv() -> ECONNRESET
 *   a FIN                                           close() if data after it
 *                                                   was answered by RST,
 *                                                   shutdown(SHUT_WR) if
 *                                                   it was acknowledged,
 *                                                   else unknown
 *   a RST on an open connection                     close() that resets
 *
 * Retransmitted sequence space is no new call.  A connection first seen
 * mid-stream was opened before the capture (assumed).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "calls-int.h"

static bool
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* The end of the sequence space @p occupies (SYN and FIN count one). */
static uint32_t
seq_end(const dm_packet *p)
{
	return p->seq + p->payload_len + ((p->tcp_flags & DM_TCP_SYN) ? 1 : 0) +
	       ((p->tcp_flags & DM_TCP_FIN) ? 1 : 0);
}

static void
set_peer(dm_call *call, int family, const uint8_t *addr, uint16_t port)
{
	(void)family;
	memcpy(call->peer, addr, 16);
	call->peer_port = port;
	call->has_peer = true;
}

/* A call of @kind for socket @id on host @h, its local endpoint @local:@port. */
static dm_call *
add(dm_calls *c, calls_host *h, const calls_seg *s, dm_call_kind kind, dm_call_sure sure,
    guint id, const uint8_t *local, uint16_t port, guint *index)
{
	dm_call *call = dm_calls_add(c, h, kind, sure, s->frame, s->sec, s->nsec, index);
	if (call) {
		call->proto = 6;
		call->socket = id;
		memcpy(call->local, local, 16);
		call->local_port = port;
	}
	return call;
}

/* Send or recv of @bytes on socket @id, folded into the host's last call
 * when that is the same on the same socket. */
static void
data_call(dm_calls *c, calls_host *h, const calls_seg *s, dm_call_kind kind, guint id,
          const uint8_t *local, uint16_t port, uint64_t bytes)
{
	if (h->calls->len) {
		dm_call *last = &g_array_index(h->calls, dm_call, h->calls->len - 1);
		if (last->kind == kind && last->socket == id) {
			last->bytes += bytes;
			last->count++;
			return;
		}
	}
	dm_call *call = add(c, h, s, kind, DM_SURE_SEEN, id, local, port, NULL);
	if (call) {
		call->bytes = bytes;
		call->sure = kind == DM_CALL_SEND ? DM_SURE_SEEN : DM_SURE_INFERRED;
		call->rule = kind == DM_CALL_SEND ? "new payload sent" : "new payload delivered";
	}
}

static void
settle_fin(calls_host *h, sock_track *t, dm_close_how how, const char *rule)
{
	dm_call *fin = dm_calls_at(h, t->fin_call);
	t->fin_settled = true;
	if (fin) {
		fin->how = how;
		fin->rule = rule;
	}
}

/* The opening call of a socket first seen sending @p. */
static void
sender_opens(dm_calls *c, sock_track *t, const calls_seg *s)
{
	const dm_packet *p = s->pkt;
	uint8_t f = p->tcp_flags;
	t->announced = true;
	if ((f & DM_TCP_SYN) && !(f & DM_TCP_ACK)) {
		dm_call *call = add(c, t->host, s, DM_CALL_CONNECT, DM_SURE_SEEN,
		                    s->d->sender_socket, p->src, p->sport, &t->connect_call);
		if (call) {
			set_peer(call, p->family, p->final_dst, p->dport);
			call->rule = "SYN sent";
		}
		return;
	}
	dm_call *call = add(c, t->host, s, DM_CALL_OPEN, DM_SURE_ASSUMED, s->d->sender_socket,
	                    p->src, p->sport, NULL);
	if (call) {
		set_peer(call, p->family, p->final_dst, p->dport);
		call->rule = "first seen mid-connection: connect() or accept() before it";
	}
}

/* The sending end. */
static void
tcp_sender(dm_calls *c, const calls_seg *s, bool *retrans)
{
	const dm_packet *p = s->pkt;
	const dm_decision *d = s->d;
	uint8_t f = p->tcp_flags;
	bool made;
	calls_host *h = dm_calls_host_get(c, p->family, p->src);
	sock_track *t = dm_calls_sock(c, d->sender_socket, h, &made);
	dm_tcp_state before = made ? DM_TCP_NONE : t->state;

	if (!t->announced)
		sender_opens(c, t, s);
	uint32_t end = seq_end(p);
	bool fresh = !t->snd_known || seq_gt(end, t->snd_max);
	*retrans = !fresh && (p->payload_len || (f & (DM_TCP_SYN | DM_TCP_FIN)));
	if (p->payload_len && fresh) {
		uint32_t from = t->snd_known && seq_gt(t->snd_max, p->seq) ? t->snd_max : p->seq;
		data_call(c, h, s, DM_CALL_SEND, d->sender_socket, p->src, p->sport, end - from -
		          ((f & DM_TCP_FIN) ? 1 : 0));
	}
	if (fresh && !(f & DM_TCP_RST)) {
		t->snd_max = end;
		t->snd_known = true;
	}

	if (f & DM_TCP_RST) {
		if (t->fin_call && !t->fin_settled && t->data_after_fin)
			settle_fin(h, t, DM_CLOSE_CLOSE,
			           "data that came after the FIN was answered by RST");
		else if (before != DM_TCP_CLOSED && before != DM_TCP_TIME_WAIT &&
		         before != DM_TCP_NONE && !t->fin_call) {
			dm_call *call = add(c, h, s, DM_CALL_ABORT, DM_SURE_SEEN, d->sender_socket,
			                    p->src, p->sport, NULL);
			if (call)
				call->rule = "RST on an open connection: unread data or SO_LINGER 0";
		}
	} else if (t->data_after_fin && !t->fin_settled && (f & DM_TCP_ACK) &&
	           !seq_gt(t->after_fin_end, p->ack)) {
		settle_fin(h, t, DM_CLOSE_SHUTDOWN, "data that came after the FIN was acknowledged");
	}
	if ((f & DM_TCP_FIN) && !(f & DM_TCP_RST) && !t->fin_call) {
		dm_call *call = add(c, h, s, DM_CALL_CLOSE, DM_SURE_SEEN, d->sender_socket, p->src,
		                    p->sport, &t->fin_call);
		if (call) {
			call->how = DM_CLOSE_UNKNOWN;
			call->rule = t->eof ? "FIN after the peer's: nothing can follow to tell"
			                    : "FIN; nothing after it told close() from shutdown()";
		}
		t->fin_settled = t->eof;
	}
	t->state = d->sender_state;
}

/* connect()'s result on socket @t (@id) of host @h. */
static void
connect_result(dm_calls *c, sock_track *t, const calls_seg *s, guint id, const uint8_t *local,
               uint16_t port, int result, uint64_t evidence, const char *rule)
{
	dm_call *call = add(c, t->host, s, DM_CALL_CONNECTED, DM_SURE_INFERRED, id, local, port,
	                    NULL);
	if (call) {
		call->result = result;
		call->evidence = evidence;
		call->rule = rule;
	}
	t->connect_call = 0;  /* answered */
}

/* The listener socket @l (of host @h) first heard of at this SYN. */
static void
listener_seen(dm_calls *c, calls_host *h, const calls_seg *s, const dm_socket *l)
{
	bool made;
	sock_track *lt = dm_calls_sock(c, dm_socket_id(l), h, &made);
	if (lt->announced)
		return;
	lt->announced = true;
	lt->state = DM_TCP_LISTEN;
	uint16_t port;
	const uint8_t *local = dm_socket_local(l, &port);
	dm_call *call = add(c, h, s, DM_CALL_LISTEN, DM_SURE_ASSUMED, dm_socket_id(l), local, port,
	                    NULL);
	if (call) {
		call->wildcard = dm_socket_local_is_wildcard(l);
		call->rule = "first SYN to the port: listening before it";
	}
}

/* The receiving end, for a segment delivered to its socket. */
static void
tcp_receiver(dm_calls *c, const calls_seg *s)
{
	const dm_packet *p = s->pkt;
	const dm_decision *d = s->d;
	const dm_socket *rs = d->socket;
	uint8_t f = p->tcp_flags;
	guint id = dm_socket_id(rs);
	calls_host *h = dm_calls_host_get(c, p->family, p->final_dst);
	bool made;
	sock_track *t = dm_calls_sock(c, id, h, &made);
	dm_tcp_state before = made ? DM_TCP_NONE : t->state;
	const dm_socket *parent = dm_socket_parent(rs);

	if (d->action == DM_ACTION_SPAWNED && parent)
		listener_seen(c, h, s, parent);
	if (!t->announced) {
		t->announced = true;
		if (d->action != DM_ACTION_SPAWNED && before == DM_TCP_NONE) {
			dm_call *call = add(c, h, s, DM_CALL_OPEN, DM_SURE_ASSUMED, id, p->final_dst,
			                    p->dport, NULL);
			if (call) {
				set_peer(call, p->family, p->src, p->sport);
				call->rule = "first seen mid-connection: connect() or accept() before it";
			}
		}
	}
	if (d->action == DM_ACTION_ACCEPTED && parent) {
		dm_call *call = add(c, h, s, DM_CALL_ACCEPT, DM_SURE_INFERRED, dm_socket_id(parent),
		                    p->final_dst, p->dport, NULL);
		if (call) {
			call->new_socket = id;
			set_peer(call, p->family, p->src, p->sport);
			call->rule = "handshake complete";
		}
	}
	if (before == DM_TCP_SYN_SENT && (f & DM_TCP_RST) && !t->refused) {
		t->refused = true;
		connect_result(c, t, s, id, p->final_dst, p->dport, ECONNREFUSED, 0,
		               "RST answers the SYN");
	} else if (before == DM_TCP_SYN_SENT && (f & DM_TCP_SYN) && (f & DM_TCP_ACK)) {
		connect_result(c, t, s, id, p->final_dst, p->dport, 0, 0, "SYN-ACK received");
	} else if ((f & DM_TCP_RST) && !t->refused && before != DM_TCP_NONE &&
	           before != DM_TCP_SYN_SENT && before != DM_TCP_CLOSED &&
	           before != DM_TCP_TIME_WAIT && before != DM_TCP_SYN_RECEIVED) {
		dm_call *call = add(c, h, s, DM_CALL_RECV_EOF, DM_SURE_INFERRED, id, p->final_dst,
		                    p->dport, NULL);
		if (call) {
			call->result = ECONNRESET;
			call->rule = "RST received";
		}
	}
	uint32_t end = seq_end(p);
	bool fresh = !t->rcv_known || seq_gt(end, t->rcv_max);
	/* What the receiver had not had: a retransmission of a copy it
	 * dropped (a bad checksum) is new to it. */
	if (p->payload_len && fresh && !(f & DM_TCP_RST)) {
		uint32_t from = t->rcv_known && seq_gt(t->rcv_max, p->seq) ? t->rcv_max : p->seq;
		data_call(c, h, s, DM_CALL_RECV, id, p->final_dst, p->dport,
		          end - from - ((f & DM_TCP_FIN) ? 1 : 0));
		if (t->fin_call && !t->fin_settled) {
			t->data_after_fin = true;
			t->after_fin_end = end;
		}
	}
	if (fresh && !(f & DM_TCP_RST)) {
		t->rcv_max = end;
		t->rcv_known = true;
	}
	/* A program that has closed its end reads no end of stream (after
	 * shutdown() it may: the FIN alone cannot tell, so none is said). */
	if ((f & DM_TCP_FIN) && !t->eof && !(f & DM_TCP_RST) && !t->fin_call) {
		t->eof = true;
		dm_call *call = add(c, h, s, DM_CALL_RECV_EOF, DM_SURE_INFERRED, id, p->final_dst,
		                    p->dport, NULL);
		if (call)
			call->rule = "the peer's FIN: end of stream once the data is read";
	}
	t->state = d->state;
}

/* A SYN the receiving host refused: the sender's connect() fails. */
static void
tcp_refused(dm_calls *c, const calls_seg *s)
{
	const dm_packet *p = s->pkt;
	const dm_decision *d = s->d;
	if (!d->sender_socket || !(p->tcp_flags & DM_TCP_SYN))
		return;
	bool made;
	calls_host *h = dm_calls_host_get(c, p->family, p->src);
	sock_track *t = dm_calls_sock(c, d->sender_socket, h, &made);
	/* With an answer in the capture, connect() returns when it arrives
	 * (the receiving end's rule). */
	if (t->refused || d->evidence)
		return;
	t->refused = true;
	connect_result(c, t, s, d->sender_socket, p->src, p->sport, ECONNREFUSED, 0,
	               "no socket listens on the port; no RST in the capture shows it");
}

void
dm_calls_tcp(dm_calls *c, const calls_seg *s, bool *retrans)
{
	const dm_decision *d = s->d;
	*retrans = false;
	if (d->sender_socket)
		tcp_sender(c, s, retrans);
	if (d->action == DM_ACTION_REFUSED)
		tcp_refused(c, s);
	else if (d->socket && d->action != DM_ACTION_DROPPED)
		tcp_receiver(c, s);
}

void
dm_calls_tcp_finish(dm_calls *c)
{
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, c->socks);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		sock_track *t = v;
		dm_call *conn = dm_calls_at(t->host, t->connect_call);
		if (conn && t->state == DM_TCP_SYN_SENT) {
			conn->result = ETIMEDOUT;
			conn->rule = "SYN sent; no answer in the capture: it would time out";
		}
	}
}
