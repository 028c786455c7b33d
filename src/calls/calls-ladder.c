/* calls-ladder.c - the connections whose every segment is kept for a
 * ladder (sequence) diagram: the one --ladder selects (by either end's
 * socket id, or by its 4-tuple either way round), or the first ones of a
 * run for the HTML report.  A connection is its two ends' socket ids once
 * seen: a later connection on the same 4-tuple is another one.  Sequence
 * numbers are made relative to each end's SYN, as tshark does
 * (RFC 9293 3.4: the initial sequence number).
 */
#include "config.h"

#include <string.h>

#include "calls-int.h"

static bool
same_ep(int family, const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp)
{
	return ap == bp && !memcmp(a, b, family == 6 ? 16 : 4);
}

/* Whether the frame is on the selected connection. */
static bool
selected(const dm_calls *c, const calls_seg *s)
{
	const dm_ladder_select *sel = &c->sel;
	const dm_packet *p = s->pkt;
	guint rid = s->d->socket ? dm_socket_id(s->d->socket) : 0;
	if (sel->socket)
		return s->d->sender_socket == sel->socket || rid == sel->socket;
	if (p->family != sel->family)
		return false;
	return (same_ep(p->family, p->src, p->sport, sel->a, sel->a_port) &&
	        same_ep(p->family, p->final_dst, p->dport, sel->b, sel->b_port)) ||
	       (same_ep(p->family, p->src, p->sport, sel->b, sel->b_port) &&
	        same_ep(p->family, p->final_dst, p->dport, sel->a, sel->a_port));
}

static void
note_end(dm_calls *c, guint slot, guint id)
{
	bool made;
	if (id)
		dm_calls_sock(c, id, NULL, &made)->ladder = slot;
}

static ladder_slot *
slot_new(dm_calls *c, const calls_seg *s, guint max_rows)
{
	const dm_packet *p = s->pkt;
	ladder_slot *sl = g_new0(ladder_slot, 1);
	sl->max_rows = max_rows;
	sl->l.found = true;
	sl->l.family = p->family;
	memcpy(sl->l.a, p->src, 16);
	memcpy(sl->l.b, p->final_dst, 16);
	sl->l.a_port = p->sport;
	sl->l.b_port = p->dport;
	sl->l.rows = g_array_new(FALSE, TRUE, sizeof(dm_ladder_row));
	sl->l.calls_a = g_array_new(FALSE, TRUE, sizeof(dm_call));
	sl->l.calls_b = g_array_new(FALSE, TRUE, sizeof(dm_call));
	g_ptr_array_add(c->ladders, sl);
	return sl;
}

/* The slot the frame belongs to, made when the frame starts one. */
static ladder_slot *
slot_of(dm_calls *c, const calls_seg *s, guint rid)
{
	guint ids[2] = { s->d->sender_socket, rid };
	for (int i = 0; i < 2; i++) {
		sock_track *t = ids[i] ? g_hash_table_lookup(c->socks, GUINT_TO_POINTER(ids[i])) : NULL;
		if (t && t->ladder)
			return g_ptr_array_index(c->ladders, t->ladder - 1);
	}
	if (c->select_on) {
		if (c->ladders->len || !selected(c, s))
			return NULL;
		return slot_new(c, s, DM_LADDER_MAX_ROWS);
	}
	if (c->ladders->len >= c->auto_ladders || !s->d->sender_socket)
		return NULL;
	return slot_new(c, s, DM_LADDER_AUTO_ROWS);
}

static void
fill_row(ladder_slot *sl, dm_ladder_row *r, const calls_seg *s, bool from_a)
{
	const dm_packet *p = s->pkt;
	uint8_t f = p->tcp_flags;
	if ((f & DM_TCP_SYN) && from_a && !sl->isn_a_known) {
		sl->isn_a = p->seq;
		sl->isn_a_known = true;
	} else if ((f & DM_TCP_SYN) && !from_a && !sl->isn_b_known) {
		sl->isn_b = p->seq;
		sl->isn_b_known = true;
	}
	bool mine = from_a ? sl->isn_a_known : sl->isn_b_known;
	bool theirs = from_a ? sl->isn_b_known : sl->isn_a_known;
	r->frame = s->frame;
	r->sec = s->sec;
	r->nsec = s->nsec;
	r->from_a = from_a;
	r->flags = f;
	r->seq = p->seq;
	r->ack = p->ack;
	r->rel_known = mine && (theirs || !(f & DM_TCP_ACK));
	r->rel_seq = p->seq - (from_a ? sl->isn_a : sl->isn_b);
	r->rel_ack = (f & DM_TCP_ACK) ? p->ack - (from_a ? sl->isn_b : sl->isn_a) : 0;
	r->win = p->window;
	r->len = p->payload_len;
	r->csum = p->csum.status;
	r->dropped = s->d->action == DM_ACTION_DROPPED || s->d->action == DM_ACTION_REFUSED;
}

void
dm_calls_ladder_frame(dm_calls *c, const calls_seg *s, bool retrans)
{
	if (!c->select_on && !c->auto_ladders)
		return;
	const dm_packet *p = s->pkt;
	const dm_decision *d = s->d;
	guint rid = d->socket ? dm_socket_id(d->socket) : 0;
	ladder_slot *sl = slot_of(c, s, rid);
	if (!sl)
		return;
	dm_ladder *l = &sl->l;
	guint slot = 0;
	for (guint i = 0; i < c->ladders->len; i++)
		if (g_ptr_array_index(c->ladders, i) == sl)
			slot = i + 1;
	bool from_a = same_ep(p->family, p->src, p->sport, l->a, l->a_port);
	guint *send_end = from_a ? &l->a_socket : &l->b_socket;
	guint *recv_end = from_a ? &l->b_socket : &l->a_socket;
	if (!*send_end && d->sender_socket)
		note_end(c, slot, *send_end = d->sender_socket);
	if (!*recv_end && rid && d->action != DM_ACTION_REFUSED)
		note_end(c, slot, *recv_end = rid);
	if (d->action == DM_ACTION_SPAWNED && d->socket && dm_socket_parent(d->socket))
		sl->listener = dm_socket_id(dm_socket_parent(d->socket));

	if (l->rows->len >= sl->max_rows) {
		l->rows_not_kept++;
		return;
	}
	dm_ladder_row r = { 0 };
	const dm_ladder_row *prev = l->rows->len ?
		&g_array_index(l->rows, dm_ladder_row, l->rows->len - 1) : NULL;
	r.state_a = prev ? prev->state_a : DM_TCP_NONE;
	r.state_b = prev ? prev->state_b : DM_TCP_NONE;
	fill_row(sl, &r, s, from_a);
	if (!prev) {
		if ((p->tcp_flags & DM_TCP_SYN) && !(p->tcp_flags & DM_TCP_ACK))
			*(from_a ? &l->init_a : &l->init_b) = DM_TCP_CLOSED;
		if (sl->listener)
			*(from_a ? &l->init_b : &l->init_a) = DM_TCP_LISTEN;
	}
	r.retransmission = retrans;
	dm_tcp_state *sender = from_a ? &r.state_a : &r.state_b;
	dm_tcp_state *receiver = from_a ? &r.state_b : &r.state_a;
	if (d->sender_socket)
		*sender = d->sender_state;
	if (rid && d->action != DM_ACTION_REFUSED)
		*receiver = d->state;
	g_array_append_val(l->rows, r);
}

/* The calls of host @family/@addr that belong to socket @id, its listener
 * @listener, or accept() it, into @out. */
static void
collect(const dm_calls *c, int family, const uint8_t *addr, guint id, guint listener,
        GArray *out)
{
	const GArray *calls = id ? dm_calls_of_host(c, family, addr) : NULL;
	for (guint j = 0; calls && j < calls->len; j++) {
		const dm_call *call = &g_array_index(calls, dm_call, j);
		bool accept_of = call->kind == DM_CALL_ACCEPT && call->new_socket == id;
		bool listen_of = listener && call->kind == DM_CALL_LISTEN && call->socket == listener;
		if ((call->socket == id && call->kind != DM_CALL_ACCEPT) || accept_of || listen_of)
			g_array_append_val(out, *call);
	}
}

void
dm_calls_ladder_finish(dm_calls *c)
{
	for (guint i = 0; i < c->ladders->len; i++) {
		ladder_slot *sl = g_ptr_array_index(c->ladders, i);
		dm_ladder *l = &sl->l;
		collect(c, l->family, l->a, l->a_socket, 0, l->calls_a);
		collect(c, l->family, l->b, l->b_socket, sl->listener, l->calls_b);
	}
}

void
dm_calls_ladder_free(ladder_slot *sl)
{
	g_array_unref(sl->l.rows);
	g_array_unref(sl->l.calls_a);
	g_array_unref(sl->l.calls_b);
	g_free(sl);
}

const dm_ladder *
dm_calls_ladder(const dm_calls *c)
{
	if (!c->ladders->len)
		return &c->none;
	return &((const ladder_slot *)g_ptr_array_index(c->ladders, 0))->l;
}

const dm_ladder *
dm_calls_ladder_of(const dm_calls *c, guint socket)
{
	const sock_track *t = g_hash_table_lookup(c->socks, GUINT_TO_POINTER(socket));
	if (!t || !t->ladder)
		return NULL;
	return &((const ladder_slot *)g_ptr_array_index(c->ladders, t->ladder - 1))->l;
}

guint
dm_calls_ladder_count(const dm_calls *c)
{
	return c->ladders->len;
}

const dm_ladder *
dm_calls_ladder_at(const dm_calls *c, guint i)
{
	return &((const ladder_slot *)g_ptr_array_index(c->ladders, i))->l;
}
