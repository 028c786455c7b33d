/* demux.c - the receive path of each simulated host, in the order a stack
 * takes it: validate -> checksum -> look up -> deliver -> count.
 *
 * UDP lookup (RFC 768; as Linux's __udp4_lib_lookup scores it): a
 * connected socket matching the 4-tuple, else one bound to the exact
 * destination address and port, else one bound to the wildcard address.
 * TCP lookup (RFC 9293 section 3.10.7; as Linux's inet_lookup): a
 * connection on the exact 4-tuple (including half-open and TIME-WAIT
 * ones), else a listener on the exact address, else on the wildcard.
 * TCP states follow RFC 9293 section 3.3.2, driven on both ends of every
 * connection: the sender's socket when a segment leaves, the receiver's
 * when it arrives.
 */
#include "config.h"

#include <string.h>

#include "demux-int.h"
#include "demux-declare-int.h"
#include "demux-limits-int.h"
#include "demux-lists-int.h"
#include "demux-live-int.h"
#include "demux-table-int.h"

struct dm_demux {
	dm_demux_config cfg;
	dm_tables t;
	dm_evidence *ev;
	dm_pending *pending;  /* live mode: refusals awaiting evidence */
	dm_limits lim;
};

dm_demux *
dm_demux_new(const dm_demux_config *cfg)
{
	dm_demux *dm = g_new0(dm_demux, 1);
	if (cfg)
		dm->cfg = *cfg;
	dm_tables_init(&dm->t);
	dm_limits_init(&dm->lim, cfg);
	return dm;
}

void
dm_demux_free(dm_demux *dm)
{
	if (!dm)
		return;
	dm_tables_clear(&dm->t);
	dm_evidence_free(dm->ev);
	dm_pending_free(dm->pending);
	g_free(dm);
}

bool
dm_demux_load_sockets(dm_demux *dm, const char *path, GError **error)
{
	dm->cfg.declared = true;
	return dm_declare_from_file(&dm->t, path, error);
}

void
dm_demux_set_evidence(dm_demux *dm, dm_evidence *ev)
{
	dm_evidence_free(dm->ev);
	dm->ev = ev;
}

void
dm_demux_set_live(dm_demux *dm)
{
	if (!dm->pending)
		dm->pending = dm_pending_new();
}

bool
dm_demux_next_correction(dm_demux *dm, dm_correction *out)
{
	return dm->pending && dm_pending_take(dm->pending, out);
}

guint
dm_demux_socket_count(const dm_demux *dm)
{
	return dm->t.last_id;
}

char *
dm_demux_check_invariants(const dm_demux *dm)
{
	return dm_tables_check(&dm->t);
}

static gint
host_order(gconstpointer a, gconstpointer b)
{
	const dm_host *x = *(const dm_host *const *)a, *y = *(const dm_host *const *)b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

GPtrArray *
dm_demux_hosts(const dm_demux *dm)
{
	GPtrArray *a = g_ptr_array_sized_new(dm->t.hosts->len);
	for (guint i = 0; i < dm->t.hosts->len; i++)
		g_ptr_array_add(a, g_ptr_array_index(dm->t.hosts, i));
	g_ptr_array_sort(a, host_order);
	return a;
}

/* --- Segment context ---------------------------------------------------- */

typedef struct {
	uint64_t frame;
	int64_t sec;
	uint32_t nsec;
	const dm_packet *pkt;
	dm_host *host;        /* receiving host */
	dm_host *sender;      /* sending host, when looked up */
	dm_decision *out;
	dm_tables *t;
	/* TCP: the sender's socket (its key is the segment's 4-tuple from the
	 * sender's side), when it has one; the hash of that 4-tuple, which
	 * the receiver's (reversed) hashes alike, once computed. */
	dm_socket *sent;
	uint32_t hash;
	bool hashed;
	/* The receiving socket its lookup found (TCP: on the exact 4-tuple
	 * only), and how (UDP), once looked up. */
	dm_socket *recv;
	dm_lookup how;
} seg_ctx;

static inline void
touch(dm_socket *s, const seg_ctx *c)
{
	dm_socket_touch(s, c->frame, c->sec, c->nsec);
}

/* Count a segment delivered to @s. */
static void
deliver(dm_demux *dm, dm_socket *s, const seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	s->segments++;
	s->bytes += p->payload_len;
	if (dm_tables_note_peer(&dm->t, s, p->family, p->src, p->sport))
		s->peers++;
	touch(s, c);
}

static void
closed_mark(dm_host *h, uint8_t proto, uint16_t port, uint64_t evidence)
{
	if (!h->closed)
		h->closed = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_hash_table_insert(h->closed, GUINT_TO_POINTER((guint)proto << 16 | port),
	                    GSIZE_TO_POINTER((gsize)evidence));
}

static bool
closed_lookup(const dm_host *h, uint8_t proto, uint16_t port, uint64_t *evidence)
{
	gpointer v;
	if (!h->closed ||
	    !g_hash_table_lookup_extended(h->closed,
	                                  GUINT_TO_POINTER((guint)proto << 16 | port),
	                                  NULL, &v))
		return false;
	*evidence = GPOINTER_TO_SIZE(v);
	return true;
}

static void
closed_clear(dm_host *h, uint8_t proto, uint16_t port)
{
	if (h->closed)
		g_hash_table_remove(h->closed, GUINT_TO_POINTER((guint)proto << 16 | port));
}

/* Record a refused attempt on the receiving host (one entry per peer
 * endpoint and local port). */
static void
refuse(const seg_ctx *c, dm_reply reply, uint64_t evidence)
{
	const dm_packet *p = c->pkt;
	dm_refusal r = {
		.proto = p->proto, .port = p->dport, .peer_port = p->sport,
		.frame = c->frame, .reply = reply, .evidence = evidence, .count = 1,
	};
	memcpy(r.peer, p->src, 16);
	if (dm_host_refusal_note(c->host, &r))
		c->t->refusals++;
	c->out->action = DM_ACTION_REFUSED;
	c->out->reply = reply;
	c->out->evidence = evidence;
}

/* Evidence that the receiving host refused this segment: an answer later
 * in the capture, or an earlier refusal of the same port with no sign of
 * it opening since (ICMP errors are rate-limited, RFC 1812 4.3.2.8). */
static uint64_t
refusal_evidence(const dm_demux *dm, const seg_ctx *c, bool *known)
{
	const dm_packet *p = c->pkt;
	dm_key k;
	dm_key_make(&k, p->proto, p->family, p->final_dst, p->dport, p->src, p->sport);
	const dm_evidence_item *it;
	if (p->proto == 17) {
		it = dm_evidence_after(dm->ev, &k, c->frame, NULL);
	} else {
		/* RFC 9293 3.10.7.1: a segment with an ACK is answered by
		 * <SEQ=SEG.ACK><CTL=RST>, one without by
		 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
		dm_evidence_item rst = { .has_ack = !(p->tcp_flags & DM_TCP_ACK) };
		if (rst.has_ack)
			rst.ack = p->seq + p->payload_len +
			          ((p->tcp_flags & DM_TCP_SYN) ? 1 : 0) +
			          ((p->tcp_flags & DM_TCP_FIN) ? 1 : 0);
		else
			rst.seq = p->ack;
		it = dm_evidence_after(dm->ev, &k, c->frame, &rst);
	}
	uint64_t ev = 0;
	*known = false;
	if (it) {
		*known = true;
		return it->frame;
	}
	if (closed_lookup(c->host, p->proto, p->dport, &ev))
		*known = true;
	return ev;
}

/* --- UDP ----------------------------------------------------------------- */

static dm_socket *
udp_lookup(const dm_demux *dm, const dm_packet *p, dm_lookup *how)
{
	dm_key k;
	dm_socket *s;

	/* Connected UDP sockets are only declared (--sockets): without any,
	 * the 4-tuple is not looked up at all. */
	if (dm->t.udp_connected) {
		dm_key_make(&k, 17, p->family, p->final_dst, p->dport, p->src, p->sport);
		if ((s = dm_tables_find(&dm->t, &k))) {
			*how = DM_LOOKUP_EXACT;
			return s;
		}
	}
	dm_key_make(&k, 17, p->family, p->final_dst, p->dport, NULL, 0);
	if ((s = dm_tables_find(&dm->t, &k))) {
		*how = DM_LOOKUP_BOUND;
		return s;
	}
	dm_key_wildcard(&k, 17, p->family, p->final_dst, p->dport);
	if ((s = dm_tables_find(&dm->t, &k))) {
		*how = DM_LOOKUP_WILDCARD_BOUND;
		return s;
	}
	*how = DM_LOOKUP_NONE;
	return NULL;
}

static void
udp_receive(dm_demux *dm, seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	dm_decision *out = c->out;
	dm_socket *s = c->recv;

	out->lookup = c->how;
	if (!s) {
		bool known;
		uint64_t ev = refusal_evidence(dm, c, &known);
		if (dm->cfg.declared || known) {
			refuse(c, DM_REPLY_ICMP_PORT_UNREACHABLE, ev);
			if (known)
				closed_mark(c->host, 17, p->dport, ev);
			return;
		}
		dm_key k;
		dm_key_make(&k, 17, p->family, p->final_dst, p->dport, NULL, 0);
		s = dm_tables_add(&dm->t, c->host, &k, DM_KIND_BOUND, DM_TCP_NONE);
		out->lookup = DM_LOOKUP_NEW;
	}
	out->socket = s;
	out->action = DM_ACTION_DELIVERED;
	deliver(dm, s, c);
	if (dm->pending && out->lookup == DM_LOOKUP_NEW)
		dm_pending_note(dm->pending, c->frame, c->sec, p, s, NULL);
}

/* --- TCP ----------------------------------------------------------------- */

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
	dm_key_make(k, 6, p->family, p->final_dst, p->dport, p->src, p->sport);
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

static dm_socket *
tcp_listener(const dm_demux *dm, const dm_packet *p, dm_lookup *how)
{
	dm_key k;
	dm_socket *s;
	dm_key_make(&k, 6, p->family, p->final_dst, p->dport, NULL, 0);
	if ((s = dm_tables_find(&dm->t, &k))) {
		*how = DM_LOOKUP_LISTENER;
		return s;
	}
	dm_key_wildcard(&k, 6, p->family, p->final_dst, p->dport);
	if ((s = dm_tables_find(&dm->t, &k))) {
		*how = DM_LOOKUP_WILDCARD_LISTENER;
		return s;
	}
	*how = DM_LOOKUP_NONE;
	return NULL;
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

/* The sending end: its socket's state changes as the segment leaves.
 * Returns: the sender's socket, or NULL. */
static dm_socket *
tcp_send(dm_demux *dm, seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	uint8_t f = p->tcp_flags;
	dm_key k;
	dm_key_make(&k, 6, p->family, p->src, p->sport, p->final_dst, p->dport);
	c->hash = dm_key_hash(&k);
	c->hashed = true;
	dm_socket *s = dm_tables_find_hashed(&dm->t, &k, c->hash);

	/* A host that sends from a port (other than a reset) has a socket
	 * there.  A socket in the table is held by the host at its local
	 * address. */
	dm_host *sender = s ? s->host : dm_tables_host(&dm->t, p->family, p->src, false);
	if (sender && !(f & DM_TCP_RST))
		closed_clear(sender, 6, p->sport);
	c->sender = sender;

	if ((f & DM_TCP_SYN) && !(f & DM_TCP_ACK)) {
		if (!s || state_is_over(s->state)) {
			if (!sender)
				sender = c->sender = dm_tables_host(&dm->t, p->family, p->src, true);
			s = new_connection(dm, sender, &k, c->hash, DM_TCP_SYN_SENT);
		}
		return s;
	}
	if (f & DM_TCP_RST) {
		if (s)
			s->state = DM_TCP_CLOSED;
		return s;
	}
	if (!s || (state_is_over(s->state) && (f & DM_TCP_SYN))) {
		/* First seen sending mid-connection (its SYN or our view of
		 * it is missing): the sender's end exists all the same. */
		if (!sender)
			sender = c->sender = dm_tables_host(&dm->t, p->family, p->src, true);
		s = new_connection(dm, sender, &k, c->hash,
		                   (f & DM_TCP_SYN) ? DM_TCP_SYN_RECEIVED : DM_TCP_ESTABLISHED);
		s->midstream = true;
		dm_lookup how;
		dm_packet back = *p;
		memcpy(back.final_dst, p->src, 16);
		back.dport = p->sport;
		dm_socket *l = tcp_listener(dm, &back, &how);
		if (l && l->host == sender)
			s->parent = l;
	}
	if (f & DM_TCP_FIN) {
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

static void
tcp_receive(dm_demux *dm, seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	dm_decision *out = c->out;
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
	if (s && s->state == DM_TCP_CLOSED) {
		/* A CLOSED connection stays in the table as a tombstone until a
		 * new SYN reuses the 4-tuple: late duplicates find it and are
		 * dropped (a stack answers them with a reset) rather than
		 * looking like a connection picked up mid-stream. */
		out->lookup = DM_LOOKUP_EXACT;
		out->socket = s;
		out->action = DM_ACTION_DROPPED;
		out->drop = DM_DROP_CLOSED;
		out->state = s->state;
		dm_host_counts_get(c->host)->drops[DM_DROP_CLOSED]++;
		return;
	}
	if (s) {
		out->lookup = DM_LOOKUP_EXACT;
		out->socket = s;
		out->action = tcp_transition(s, p) ? DM_ACTION_ACCEPTED : DM_ACTION_DELIVERED;
		out->state = s->state;
		deliver(dm, s, c);
		return;
	}

	dm_socket *l = tcp_listener(dm, p, &out->lookup);
	if (f & DM_TCP_RST) {
		/* Nothing answers an RST; with no connection it is dropped. */
		out->action = DM_ACTION_DROPPED;
		out->drop = DM_DROP_NO_SOCKET;
		dm_host_counts_get(c->host)->drops[DM_DROP_NO_SOCKET]++;
		return;
	}
	if (!l && syn) {
		bool known;
		uint64_t ev = refusal_evidence(dm, c, &known);
		if (dm->cfg.declared || known) {
			refuse(c, DM_REPLY_RST, ev);
			if (known)
				closed_mark(c->host, 6, p->dport, ev);
			return;
		}
		dm_key lk;
		dm_key_make(&lk, 6, p->family, p->final_dst, p->dport, NULL, 0);
		l = dm_tables_add(&dm->t, c->host, &lk, DM_KIND_LISTEN, DM_TCP_LISTEN);
		out->lookup = DM_LOOKUP_NEW;
	}
	if (syn) {
		/* The listener spawns a child in SYN-RECEIVED. */
		l->segments++;
		if (dm_tables_note_peer(&dm->t, l, p->family, p->src, p->sport))
			l->peers++;
		touch(l, c);
		s = new_connection(dm, c->host, &k, c->hash, DM_TCP_SYN_RECEIVED);
		s->parent = l;
		if (c->sent)
			mate_link(c->sent, s);
		out->socket = s;
		out->action = DM_ACTION_SPAWNED;
		out->state = s->state;
		deliver(dm, s, c);
		if (dm->pending && out->lookup == DM_LOOKUP_NEW)
			dm_pending_note(dm->pending, c->frame, c->sec, p, l, s);
		return;
	}
	if (!l && dm->cfg.declared) {
		/* A connection the host is seen sending on (its SYN not in the
		 * capture) is picked up mid-stream below; anything else is for
		 * a closed port and gets a reset (RFC 9293 3.10.7.1). */
		if (!dm_evidence_sends(dm->ev, &k)) {
			bool known;
			refuse(c, DM_REPLY_RST, refusal_evidence(dm, c, &known));
			return;
		}
	}
	/* No handshake in the capture: the connection is picked up
	 * mid-stream, under the listener if there is one. */
	s = new_connection(dm, c->host, &k, c->hash, DM_TCP_ESTABLISHED);
	s->midstream = true;
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
	deliver(dm, s, c);
}

/* --- The receive path ---------------------------------------------------- */

/* Look up the receiving socket of a segment that can be processed: for
 * UDP the full lookup, for TCP the connection on the exact 4-tuple (the
 * other end of the sender's connection when that is known).  Nothing
 * changes the tables between this and its use. */
static void
receiver_lookup(const dm_demux *dm, seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	if (p->proto == 17) {
		c->recv = udp_lookup(dm, p, &c->how);
		return;
	}
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

static dm_socket *
peek_socket(const dm_demux *dm, const seg_ctx *c, dm_lookup *how)
{
	if (c->pkt->proto == 17 || c->recv) {
		*how = c->how;
		return c->recv;
	}
	return tcp_listener(dm, c->pkt, how);
}

/* Run the frame; @touched gets the hosts whose state it may have
 * changed besides the receiving one (the sender, a refusing host). */
static void
segment_run(dm_demux *dm, uint64_t frame, int64_t sec, uint32_t nsec,
            dm_frame_status st, const dm_packet *pkt, dm_decision *out,
            dm_host **touched)
{
	dm_refusal r;
	dm_host *refusing = dm->pending ?
		dm_pending_answer(dm->pending, &dm->t, frame, sec, st, pkt, &r) : NULL;
	if (refusing)
		closed_mark(refusing, r.proto, r.port, r.evidence);
	touched[0] = refusing;
	if (st != DM_FRAME_SEGMENT || (pkt->proto != 17 && pkt->proto != 6))
		return;

	seg_ctx c = { frame, sec, nsec, pkt, NULL, NULL, out, &dm->t,
	              NULL, 0, false, NULL, DM_LOOKUP_NONE };
	bool tcp = pkt->proto == 6;
	bool broken = pkt->malformed != DM_MAL_NONE || (tcp && !pkt->have_tcp);

	if (tcp && !broken) {
		c.sent = tcp_send(dm, &c);
		if (c.sent)
			dm_lists_place(&dm->t, c.sent);  /* its activity, its state */
	} else if (!tcp) {
		dm_host *sender = dm_tables_host(&dm->t, pkt->family, pkt->src, false);
		if (sender)
			closed_clear(sender, 17, pkt->sport);
		c.sender = sender;
	}
	touched[1] = c.sender;

	/* A socket in the table is held by the host at its local address
	 * (a wildcard one: at the address its key names). */
	if (!broken)
		receiver_lookup(dm, &c);
	c.host = c.recv ? c.recv->host : dm_tables_host(&dm->t, pkt->family, pkt->final_dst, true);
	out->host = c.host;

	if (broken) {
		/* A header whose lengths lie, or TCP without its flags, cannot be
		 * processed: the stack drops it. */
		out->action = DM_ACTION_DROPPED;
		out->drop = DM_DROP_MALFORMED;
		goto drop;
	}
	if (pkt->csum.status == DM_CSUM_BAD && !dm->cfg.keep_bad_checksums) {
		dm_socket *s = peek_socket(dm, &c, &out->lookup);
		if (s)
			s->bad++;
		out->socket = s;
		out->action = DM_ACTION_DROPPED;
		out->drop = DM_DROP_BAD_CHECKSUM;
		if (s && tcp)
			out->state = s->state;
		goto drop;
	}
	if (tcp)
		tcp_receive(dm, &c);
	else
		udp_receive(dm, &c);
	if (out->socket && pkt->csum.status == DM_CSUM_BAD)
		((dm_socket *)out->socket)->bad++;
	return;

drop:
	dm_host_counts_get(c.host)->drops[out->drop]++;
}

void
dm_demux_segment(dm_demux *dm, uint64_t frame, int64_t sec, uint32_t nsec,
                 dm_frame_status st, const dm_packet *pkt, dm_decision *out)
{
	dm_host *touched[2] = { NULL, NULL };
	memset(out, 0, sizeof *out);
	/* Time runs on with every frame: entries whose time is up leave
	 * before the frame is looked up. */
	dm_limits_advance(&dm->t, &dm->lim, sec, nsec);
	segment_run(dm, frame, sec, nsec, st, pkt, out, touched);
	dm_socket *s = (dm_socket *)out->socket;
	if (s && out->action != DM_ACTION_DROPPED)
		dm_lists_place(&dm->t, s);
	/* The hosts the frame touched: their activity, and whether they
	 * still have anything of their own. */
	for (int i = 0; i < 2; i++)
		if (touched[i] && touched[i] != out->host)
			dm_lists_host_place(&dm->t, touched[i]);
	if (out->host)
		dm_lists_host_place(&dm->t, (dm_host *)out->host);
	dm_limits_enforce(&dm->t, &dm->lim, s, out->host);
}

void
dm_demux_get_usage(const dm_demux *dm, dm_demux_usage *u)
{
	memset(u, 0, sizeof *u);
	u->max_sockets = dm->lim.max_sockets;
	u->max_memory = dm->lim.max_memory;
	u->sockets = dm->t.count;
	u->memory = dm_limits_memory(&dm->t);
	u->peak_sockets = MAX(dm->t.peak_count, u->sockets);
	u->peak_memory = MAX(dm->t.peak_mem, u->memory);
	memcpy(u->retired, dm->t.retired, sizeof u->retired);
	memcpy(u->forgotten_drops, dm->t.forgotten_drops, sizeof u->forgotten_drops);
	memcpy(u->forgotten_retired, dm->t.forgotten_retired, sizeof u->forgotten_retired);
	u->limit_unmet = dm->t.limit_unmet;
}
