/* demux-live.c - refusals decided as their evidence arrives (live mode).
 *
 * A datagram or SYN that made a new socket on its receiving host (learn
 * mode) stays pending for a window of capture time (DM_LIVE_ANSWER_WINDOW
 * seconds in live mode, the evidence window reading a file).  Answered by an
 * ICMP/ICMPv6 port unreachable quoting it (RFC 792, RFC 4443 3.1), or by
 * the RST a closed port sends to a SYN, <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 * <CTL=RST,ACK> (RFC 9293 3.10.7.1), while the socket received nothing
 * else, the socket is retracted (taken out of the lookup table and its
 * host's list; its id is not reused) and the attempt is recorded as
 * refused, as a read-ahead over a file would have decided.
 */
#include "config.h"

#include <string.h>

#include "demux-live-int.h"

typedef struct {
	dm_key key;            /* local = the receiving host, remote = the peer */
	uint64_t frame;        /* the datagram or SYN */
	int64_t sec;
	uint32_t rst_ack;      /* TCP: the ACK the refusing RST carries */
	guint sock;            /* id of the UDP socket, or TCP listener */
	guint child;           /* TCP: id of the connection the SYN spawned */
	uint32_t sock_cell, child_cell; /* and their cells */
	bool done;
} pending_entry;

struct dm_pending {
	GHashTable *by_key;    /* dm_key * -> pending_entry * (not owned) */
	GQueue order;          /* pending_entry *, oldest first (owned) */
	GQueue corrections;    /* dm_correction * (owned) */
	int64_t window;        /* seconds an attempt stays pending */
};

dm_pending *
dm_pending_new(int64_t window)
{
	dm_pending *pd = g_new0(dm_pending, 1);
	pd->window = window;
	pd->by_key = g_hash_table_new(dm_key_hash, dm_key_equal);
	g_queue_init(&pd->order);
	g_queue_init(&pd->corrections);
	return pd;
}

void
dm_pending_free(dm_pending *pd)
{
	if (!pd)
		return;
	g_hash_table_unref(pd->by_key);
	g_queue_clear_full(&pd->order, g_free);
	g_queue_clear_full(&pd->corrections, g_free);
	g_free(pd);
}

/* Forget the attempts too old to be answered now (and those done). */
static void
expire(dm_pending *pd, int64_t now)
{
	pending_entry *e;
	while ((e = g_queue_peek_head(&pd->order)) &&
	       (e->done || (now >= e->sec && now - e->sec > pd->window))) {
		g_queue_pop_head(&pd->order);
		if (!e->done)
			g_hash_table_remove(pd->by_key, &e->key);
		g_free(e);
	}
}

void
dm_pending_note(dm_pending *pd, uint64_t frame, int64_t sec,
                const dm_packet *p, dm_socket *s, dm_socket *child)
{
	expire(pd, sec);
	pending_entry *e = g_new0(pending_entry, 1);
	dm_key_make(&e->key, dm_packet_zone(p), p->proto, p->family, p->final_dst, p->dport, p->src, p->sport);
	e->frame = frame;
	e->sec = sec;
	e->rst_ack = p->seq + p->payload_len + 1;
	e->sock = s->id;
	e->sock_cell = s->cell;
	e->child = child ? child->id : 0;
	e->child_cell = child ? child->cell : 0;
	pending_entry *old = g_hash_table_lookup(pd->by_key, &e->key);
	if (old)
		old->done = true;
	g_hash_table_replace(pd->by_key, &e->key, e);
	g_queue_push_tail(&pd->order, e);
}

/* The key of the attempt @p answers, and the reply it is. */
static bool
answer_key(dm_frame_status st, const dm_packet *p, dm_key *k, dm_reply *reply)
{
	if (st == DM_FRAME_ICMP_ERROR && p->icmp_port_unreach && p->quote_valid &&
	    p->q_proto == 17) {
		dm_key_make(k, dm_packet_zone(p), 17, p->family, p->q_dst, p->q_dport, p->q_src, p->q_sport);
		*reply = DM_REPLY_ICMP_PORT_UNREACHABLE;
		return true;
	}
	if (st == DM_FRAME_SEGMENT && p->proto == 6 && p->have_tcp &&
	    (p->tcp_flags & DM_TCP_RST) && (p->tcp_flags & DM_TCP_ACK)) {
		dm_key_make(k, dm_packet_zone(p), 6, p->family, p->src, p->sport, p->dst, p->dport);
		*reply = DM_REPLY_RST;
		return true;
	}
	return false;
}


/* Whether sockets @s and @c (or NULL) of an attempt received nothing but
 * the attempt. */
static bool
untouched(const dm_socket *s, const dm_socket *c)
{
	if (!s || !s->keyed || s->peers != 1)
		return false;
	if (!c)
		return true;
	return s->segments == 1 && c->keyed && c->segments == 1 &&
	       c->state == DM_TCP_SYN_RECEIVED;
}

dm_host *
dm_pending_answer(dm_pending *pd, dm_tables *t, uint64_t frame, int64_t sec,
                  dm_frame_status st, const dm_packet *p, dm_refusal *r)
{
	dm_key k;
	dm_reply reply;

	expire(pd, sec);
	if (!answer_key(st, p, &k, &reply))
		return NULL;
	pending_entry *e = g_hash_table_lookup(pd->by_key, &k);
	if (!e || (reply == DM_REPLY_RST && (!e->child || p->ack != e->rst_ack)))
		return NULL;
	g_hash_table_remove(pd->by_key, &k);
	e->done = true;
	/* NULL when discarded since (to keep the tables within their limits). */
	dm_socket *sock = dm_tables_cell(t, e->sock_cell, e->sock);
	dm_socket *child = e->child ? dm_tables_cell(t, e->child_cell, e->child) : NULL;
	if ((e->child && !child) || !untouched(sock, child))
		return NULL;

	dm_host *h = sock->host;
	memset(r, 0, sizeof *r);
	r->proto = k.proto;
	r->family = k.family;
	r->port = k.lport;
	memcpy(r->peer, k.raddr, 16);
	r->peer_port = k.rport;
	r->frame = e->frame;
	r->reply = reply;
	r->evidence = frame;
	r->count = child ? 1 : (uint32_t)sock->segments;

	dm_correction *c = g_new0(dm_correction, 1);
	c->host = h;
	c->refusal = *r;
	/* Retracted: taken out of the tables (their ids are not reused). */
	if (child) {
		c->socket = child->id;
		c->listener = sock->id;
		dm_tables_discard(t, child);
	} else {
		c->socket = sock->id;
	}
	dm_tables_discard(t, sock);
	if (dm_host_refusal_note(h, r))
		t->refusals++;
	g_queue_push_tail(&pd->corrections, c);
	return h;
}

bool
dm_pending_take(dm_pending *pd, dm_correction *out)
{
	dm_correction *c = g_queue_pop_head(&pd->corrections);
	if (!c)
		return false;
	*out = *c;
	g_free(c);
	return true;
}
