/* demux-tcp.c - the TCP receive path (RFC 9293): the sending end's
 * socket and state as a segment leaves, the receiving end's lookup (the
 * connection on the exact 4-tuple, else a listener on the exact address,
 * else on the wildcard, as Linux's inet_lookup), and the three ways a
 * segment reaches it: an existing connection, a listener spawning a
 * child, or a connection picked up mid-stream.  States follow RFC 9293
 * section 3.3.2 on both ends of every connection.
 */
#include "config.h"

#include <string.h>

#include "demux-backlog-int.h"
#include "demux-receive-int.h"
#include "demux-tcp-int.h"

static bool
seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

static bool
state_is_over(uint8_t st)
{
	return st == DM_TCP_CLOSED || st == DM_TCP_TIME_WAIT;
}

/* The key of the receiving end's connection for @p. */
static void
receiver_key(dm_key *k, const dm_packet *p)
{
	dm_key_make(k, dm_packet_zone(p), 6, p->family, p->final_dst, p->dport, p->src, p->sport);
}

/* The other end of connection @s, when known and still in the table (the
 * connection there on the reversed 4-tuple), else NULL. */
static dm_socket *
mate_of(const dm_tables *t, const dm_socket *s)
{
	dm_socket *m = dm_tables_cell(t, s->u.conn.mate_cell, s->u.conn.mate_id);
	return m && m->keyed ? m : NULL;
}

/* Remember that connections @a and @b (keyed on reversed 4-tuples) are
 * the two ends of one. */
static void
mate_link(dm_socket *a, dm_socket *b)
{
	a->u.conn.mate_cell = b->cell;
	a->u.conn.mate_id = b->id;
	b->u.conn.mate_cell = a->cell;
	b->u.conn.mate_id = a->id;
}

dm_socket *
dm_tcp_listener(const dm_demux *dm, const dm_packet *p, dm_lookup *how)
{
	return dm_bound_lookup(dm, p, 6, how);
}

/* A new connection keyed @k (hashed @hash) on host @h, in place of the
 * one there. */
static dm_socket *
new_connection(dm_demux *dm, dm_host *h, const dm_key *k, uint32_t hash,
               dm_tcp_state state)
{
	dm_socket *old = dm_tables_find_hashed(&dm->t, k, hash);
	if (old)
		dm_tables_unkey(&dm->t, old);
	return dm_tables_add_hashed(&dm->t, h, k, hash, DM_KIND_CONNECTION, state);
}

/* The sequence number a FIN in @p occupies, plus one. */
static uint32_t
fin_ack_of(const dm_packet *p)
{
	return p->seq + p->payload_len + ((p->tcp_flags & DM_TCP_SYN) ? 1 : 0) + 1;
}

/* Whether @p, sent on @s after the peer's FIN arrived in the capture,
 * was sent before its sender had received that FIN (its ACK does not
 * cover it). */
static bool
sent_before_peer_fin(const dm_socket *s, const dm_packet *p)
{
	return s->fin_received && (p->tcp_flags & DM_TCP_ACK) &&
	       !seq_geq(p->ack, s->u.conn.peer_fin_ack);
}

/* Whether SYN @c->pkt, new on its 4-tuple, reaches a listener that
 * answers it statelessly (a SYN cookie) or drops it: a stack keeps no
 * state for it, and neither does the simulation on the sending end (a
 * flood's spoofed sources are not made hosts); a real client's end is
 * made when the SYN-ACK returning its cookie reaches it. */
static bool
syn_stateless(const dm_demux *dm, const seg_ctx *c)
{
	dm_key k;
	dm_lookup how;
	receiver_key(&k, c->pkt);
	dm_socket *r = dm_tables_find_hashed(&dm->t, &k, c->hash);
	if (r && !state_is_over(r->state))
		return false;
	dm_socket *l = dm_tcp_listener(dm, c->pkt, &how);
	return l && dm_backlog_stateless(dm, l);
}

/* The sending end of @c's segment first seen mid-connection, made on
 * its host; a child of the host's listener on its port if there is one. */
static dm_socket *
sender_midstream(dm_demux *dm, seg_ctx *c, const dm_key *k)
{
	const dm_packet *p = c->pkt;
	if (!c->sender)
		c->sender = dm_tables_host(&dm->t, dm_packet_zone(p), p->family, p->src, true);
	dm_socket *s = new_connection(dm, c->sender, k, c->hash,
	                              (p->tcp_flags & DM_TCP_SYN) ? DM_TCP_SYN_RECEIVED
	                                                          : DM_TCP_ESTABLISHED);
	s->midstream = true;
	dm_lookup how;
	dm_packet back = *p;
	memcpy(back.final_dst, p->src, 16);
	back.dport = p->sport;
	memcpy(back.src, p->final_dst, 16);  /* the flow as the listener sees it */
	back.sport = p->dport;
	dm_socket *l = dm_tcp_listener(dm, &back, &how);
	if (l && l->host == c->sender)
		s->parent = l;
	return s;
}

/* The sending end: its socket's state changes as the segment leaves.
 * Returns: the sender's socket, or NULL. */
dm_socket *
dm_tcp_send(dm_demux *dm, seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	uint8_t f = p->tcp_flags;
	dm_key k;
	dm_key_make(&k, dm_packet_zone(p), 6, p->family, p->src, p->sport, p->final_dst, p->dport);
	dm->frame_now = c->frame;  /* the frame of the queue changes it makes */
	c->hash = dm_key_hash(&k);
	c->hashed = true;
	dm_socket *s = dm_tables_find_hashed(&dm->t, &k, c->hash);

	/* A host that sends from a port (other than a reset) has a socket
	 * there.  A socket in the table is held by the host at its local
	 * address. */
	dm_host *sender = s ? s->host : dm_tables_host(&dm->t, dm_packet_zone(p), p->family, p->src, false);
	if (sender && !(f & DM_TCP_RST))
		dm_closed_clear(sender, 6, p->sport);
	c->sender = sender;

	if ((f & DM_TCP_SYN) && !(f & DM_TCP_ACK)) {
		if (!s && syn_stateless(dm, c))
			return NULL;
		if (!s || state_is_over(s->state)) {
			if (!sender)
				sender = c->sender = dm_tables_host(&dm->t, dm_packet_zone(p), p->family, p->src, true);
			s = new_connection(dm, sender, &k, c->hash, DM_TCP_SYN_SENT);
		}
		return s;
	}
	if (f & DM_TCP_RST) {
		if (s) {
			unsigned q = dm_backlog_queue_of(s);
			s->state = DM_TCP_CLOSED;
			dm_backlog_moved(s, q);
		}
		return s;
	}
	/* A listener's SYN-ACK for a SYN it gave a cookie is sent
	 * statelessly: no child. */
	if (!s && (f & DM_TCP_SYN) && dm_backlog_synack(dm, &k, c->hash, p))
		return NULL;
	if (!s) {
		/* First seen sending mid-connection (its SYN or our view of
		 * it is missing): the sender's end exists all the same.  A
		 * SYN-ACK from a connection that is over (CLOSED, TIME-WAIT)
		 * is its own SYN-ACK sent again (RFC 9293 3.10.7.4: a
		 * retransmitted segment), not a new connection: only a bare
		 * SYN, above, starts one on a 4-tuple in use. */
		s = sender_midstream(dm, c, &k);
	}
	if (f & DM_TCP_FIN) {
		unsigned q = dm_backlog_queue_of(s);
		if (!s->fin_sent) {
			s->fin_sent = true;
			s->u.conn.fin_ack = fin_ack_of(p);
		}
		if (s->state == DM_TCP_ESTABLISHED || s->state == DM_TCP_SYN_RECEIVED)
			s->state = DM_TCP_FIN_WAIT_1;
		else if (s->state == DM_TCP_CLOSE_WAIT && sent_before_peer_fin(s, p))
			/* The capture showed the peer's FIN first, but this FIN
			 * does not acknowledge it: the two crossed (RFC 9293
			 * 3.6, simultaneous close).  Having sent its FIN and
			 * then received the peer's, this end is CLOSING. */
			s->state = DM_TCP_CLOSING;
		else if (s->state == DM_TCP_CLOSE_WAIT)
			s->state = DM_TCP_LAST_ACK;
		dm_backlog_moved(s, q);
	}
	return s;
}

/* The receiving end's transitions for a segment on connection @s.
 * Returns true when it completes a handshake on a listener's child. */
static bool
tcp_transition(dm_socket *s, const dm_packet *p)
{
	uint8_t f = p->tcp_flags;
	bool acks_fin = s->fin_sent && (f & DM_TCP_ACK) && seq_geq(p->ack, s->u.conn.fin_ack);
	bool accepted = false;

	if (f & DM_TCP_RST) {
		s->state = DM_TCP_CLOSED;
		return false;
	}
	if ((f & DM_TCP_FIN) && !s->fin_received) {
		s->fin_received = true;
		s->u.conn.peer_fin_ack = fin_ack_of(p);
	}
	switch (s->state) {
	case DM_TCP_SYN_SENT:
		if ((f & DM_TCP_SYN) && (f & DM_TCP_ACK))
			s->state = DM_TCP_ESTABLISHED;
		else if (f & DM_TCP_SYN)
			s->state = DM_TCP_SYN_RECEIVED; /* simultaneous open */
		break;
	case DM_TCP_SYN_RECEIVED:
		if ((f & DM_TCP_ACK) && !(f & DM_TCP_SYN)) {
			s->state = DM_TCP_ESTABLISHED;
			accepted = s->parent != NULL;
		}
		break;
	case DM_TCP_FIN_WAIT_1:
		if ((f & DM_TCP_FIN) && acks_fin)
			s->state = DM_TCP_TIME_WAIT;
		else if (f & DM_TCP_FIN)
			s->state = DM_TCP_CLOSING;
		else if (acks_fin)
			s->state = DM_TCP_FIN_WAIT_2;
		return false;
	case DM_TCP_FIN_WAIT_2:
		if (f & DM_TCP_FIN)
			s->state = DM_TCP_TIME_WAIT;
		return false;
	case DM_TCP_CLOSING:
		if (acks_fin)
			s->state = DM_TCP_TIME_WAIT;
		return false;
	case DM_TCP_LAST_ACK:
		if (acks_fin)
			s->state = DM_TCP_CLOSED;
		return false;
	default:
		break;
	}
	if ((f & DM_TCP_FIN) && s->state == DM_TCP_ESTABLISHED)
		s->state = DM_TCP_CLOSE_WAIT;
	return accepted;
}

/* A segment on connection @s, the one on its exact 4-tuple: a CLOSED
 * tombstone drops it, else it is delivered and drives the receiver's
 * state. */
static void
tcp_existing(dm_demux *dm, seg_ctx *c, dm_socket *s)
{
	dm_decision *out = c->out;
	out->lookup = DM_LOOKUP_EXACT;
	out->socket = s;
	if (s->state == DM_TCP_CLOSED) {
		/* A CLOSED connection stays in the table as a tombstone until a
		 * new SYN reuses the 4-tuple: late duplicates find it and are
		 * dropped (a stack answers them with a reset) rather than
		 * looking like a connection picked up mid-stream. */
		out->action = DM_ACTION_DROPPED;
		out->drop = DM_DROP_CLOSED;
		out->state = s->state;
		dm_host_counts_get(c->host)->drops[DM_DROP_CLOSED]++;
		return;
	}
	unsigned q = dm_backlog_queue_of(s);
	out->action = tcp_transition(s, c->pkt) ? DM_ACTION_ACCEPTED : DM_ACTION_DELIVERED;
	dm_backlog_moved(s, q);
	out->state = s->state;
	dm_seg_deliver(dm, s, c);
}

/* A SYN with no connection, for listener @l (NULL: none): refused when
 * the port is declared or known closed, else to a listener learned
 * here; the listener spawns a child keyed @k in SYN-RECEIVED. */
static void
tcp_spawn(dm_demux *dm, seg_ctx *c, dm_socket *l, const dm_key *k)
{
	const dm_packet *p = c->pkt;
	dm_decision *out = c->out;
	if (!l) {
		bool known;
		uint64_t ev = dm_refusal_evidence(dm, c, &known);
		if (dm->cfg.declared || known) {
			dm_refuse(c, DM_REPLY_RST, ev);
			if (known)
				dm_closed_mark(c->host, 6, p->dport, ev);
			return;
		}
		dm_key lk;
		dm_key_make(&lk, dm_packet_zone(p), 6, p->family, p->final_dst, p->dport, NULL, 0);
		l = dm_tables_add(&dm->t, c->host, &lk, DM_KIND_LISTEN, DM_TCP_LISTEN);
		out->lookup = DM_LOOKUP_NEW;
	}
	dm_syn_verdict v = dm_backlog_syn(dm, l, k, c->hash, p);
	if (v == DM_SYN_DROP) {
		out->socket = l;
		out->action = DM_ACTION_DROPPED;
		out->drop = DM_DROP_SYN_QUEUE_FULL;
		out->state = l->state;
		dm_host_counts_get(c->host)->drops[DM_DROP_SYN_QUEUE_FULL]++;
		return;
	}
	l->segments++;
	if (dm_tables_note_peer(&dm->t, l, p->family, p->src, p->sport))
		l->peers++;
	dm_seg_touch(l, c);
	if (v == DM_SYN_COOKIE) {
		/* Answered statelessly: the listener got it, no child. */
		out->socket = l;
		out->action = DM_ACTION_DELIVERED;
		out->state = l->state;
		out->syncookie = DM_COOKIE_SENT;
		if (dm->pending && out->lookup == DM_LOOKUP_NEW)
			dm_pending_note(dm->pending, c->frame, c->sec, p, l, NULL);
		return;
	}
	dm_socket *s = new_connection(dm, c->host, k, c->hash, DM_TCP_SYN_RECEIVED);
	s->parent = l;
	dm_backlog_moved(s, 0);
	if (c->sent)
		mate_link(c->sent, s);
	out->socket = s;
	out->action = DM_ACTION_SPAWNED;
	out->state = s->state;
	dm_seg_deliver(dm, s, c);
	if (dm->pending && out->lookup == DM_LOOKUP_NEW)
		dm_pending_note(dm->pending, c->frame, c->sec, p, l, s);
}

/* The ACK returning a SYN cookie of listener @l: its child, keyed @k,
 * is made ESTABLISHED ("accepted via syncookie"). */
static void
tcp_cookie_child(dm_demux *dm, seg_ctx *c, dm_socket *l, const dm_key *k)
{
	dm_decision *out = c->out;
	dm_socket *s = new_connection(dm, c->host, k, c->hash, DM_TCP_ESTABLISHED);
	s->parent = l;
	dm_backlog_moved(s, 0);
	if (c->sent)
		mate_link(c->sent, s);
	if (c->pkt->tcp_flags & DM_TCP_FIN) {
		unsigned q = dm_backlog_queue_of(s);
		tcp_transition(s, c->pkt);
		dm_backlog_moved(s, q);
	}
	out->socket = s;
	out->action = DM_ACTION_ACCEPTED;
	out->state = s->state;
	out->syncookie = DM_COOKIE_USED;
	dm_seg_deliver(dm, s, c);
}

/* A segment other than a SYN or RST with no connection: with no
 * handshake in the capture, the connection keyed @k is picked up
 * mid-stream, under listener @l if there is one. */
static void
tcp_midstream(dm_demux *dm, seg_ctx *c, dm_socket *l, const dm_key *k)
{
	const dm_packet *p = c->pkt;
	dm_decision *out = c->out;
	uint8_t f = p->tcp_flags;
	/* The client's end of a handshake answered with a SYN cookie, made
	 * as the SYN-ACK reaches it (not at its SYN: syn_stateless). */
	bool cookie_client = (f & DM_TCP_SYN) && (f & DM_TCP_ACK) &&
	                     dm_backlog_client_synack(dm, k, c->hash, p);
	if (!l && dm->cfg.declared && !cookie_client) {
		/* A connection the host is seen sending on (its SYN not in the
		 * capture) is picked up mid-stream below; anything else is for
		 * a closed port and gets a reset (RFC 9293 3.10.7.1). */
		if (!dm_evidence_sends(dm->ev, k)) {
			bool known;
			dm_refuse(c, DM_REPLY_RST, dm_refusal_evidence(dm, c, &known));
			return;
		}
	}
	if (l && dm_backlog_cookie_ack(dm, l, k, c->hash, p)) {
		tcp_cookie_child(dm, c, l, k);
		return;
	}
	dm_socket *s = new_connection(dm, c->host, k, c->hash, DM_TCP_ESTABLISHED);
	s->midstream = !cookie_client;
	s->parent = l;
	if (c->sent)
		mate_link(c->sent, s);
	if ((f & DM_TCP_SYN) && (f & DM_TCP_ACK))
		s->state = DM_TCP_SYN_SENT;
	tcp_transition(s, p);
	out->lookup = DM_LOOKUP_NEW;
	out->socket = s;
	out->action = DM_ACTION_DELIVERED;
	out->state = s->state;
	dm_seg_deliver(dm, s, c);
}

void
dm_tcp_receive(dm_demux *dm, seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	uint8_t f = p->tcp_flags;
	bool syn = (f & DM_TCP_SYN) && !(f & DM_TCP_ACK);
	dm_socket *s = c->recv;
	dm_key k;
	receiver_key(&k, p);

	if (s && c->sent)
		mate_link(c->sent, s);

	/* A new SYN on a 4-tuple whose connection is over starts a new
	 * connection; a retransmitted SYN reaches the existing one. */
	if (s && syn && state_is_over(s->state))
		s = NULL;
	if (s) {
		tcp_existing(dm, c, s);
		return;
	}
	dm_socket *l = dm_tcp_listener(dm, p, &c->out->lookup);
	if (f & DM_TCP_RST) {
		/* Nothing answers an RST; with no connection it is dropped. */
		c->out->action = DM_ACTION_DROPPED;
		c->out->drop = DM_DROP_NO_SOCKET;
		dm_host_counts_get(c->host)->drops[DM_DROP_NO_SOCKET]++;
		return;
	}
	if (syn)
		tcp_spawn(dm, c, l, &k);
	else
		tcp_midstream(dm, c, l, &k);
}

dm_evidence_wait
dm_tcp_awaits(const dm_demux *dm, const dm_packet *p)
{
	uint8_t f = p->tcp_flags;
	dm_lookup how;
	bool syn = (f & DM_TCP_SYN) && !(f & DM_TCP_ACK);
	/* A RST is dropped or delivered, never refused; learning, a
	 * segment without a connection is picked up mid-stream. */
	if ((f & DM_TCP_RST) || (!syn && !dm->cfg.declared))
		return DM_WAIT_NONE;
	dm_socket *l = dm_tcp_listener(dm, p, &how);
	if (syn)
		return l ? DM_WAIT_NONE : DM_WAIT_ANSWER;
	if (l)
		return DM_WAIT_NONE;
	dm_key k;
	receiver_key(&k, p);
	return dm_tables_find(&dm->t, &k) ? DM_WAIT_NONE : DM_WAIT_WINDOW;
}

void
dm_tcp_lookup(const dm_demux *dm, seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	c->how = DM_LOOKUP_EXACT;
	if (c->sent && (c->recv = mate_of(c->t, c->sent)))
		return;
	dm_key k;
	receiver_key(&k, p);
	if (!c->hashed) {
		c->hash = dm_key_hash(&k);
		c->hashed = true;
	}
	c->recv = dm_tables_find_hashed(c->t, &k, c->hash);
}
