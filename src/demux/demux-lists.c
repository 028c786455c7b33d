/* demux-lists.c - the activity lists: each socket that may expire or be
 * evicted is on the list its state calls for (half-open, over, learned
 * UDP, other connections, or out of the table and kept for the report),
 * and each host with nothing of its own on the idle-host list, oldest
 * activity first, so that demux-limits.c looks only at list heads.
 * Sockets link by cell (demux-lists-int.h); placing one at a list's tail
 * stamps its activity with the tables' capture time.  Nothing here
 * decides what leaves a list, and nothing here calls the store.
 */
#include "config.h"

#include "demux-lists-int.h"

/* The list @s belongs on. */
static inline dm_list
list_for(const dm_socket *s)
{
	if (!s->keyed)
		return DM_LIST_HISTORY;
	if (s->declared || s->kind == DM_KIND_LISTEN)
		return DM_LIST_NONE;
	if (s->kind == DM_KIND_BOUND)
		return DM_LIST_UDP;
	if (s->key.proto != 6)
		return DM_LIST_NONE;
	switch (s->state) {
	case DM_TCP_SYN_SENT:
	case DM_TCP_SYN_RECEIVED:
		return DM_LIST_HALF_OPEN;
	case DM_TCP_TIME_WAIT:
	case DM_TCP_CLOSED:
		return DM_LIST_OVER;
	default:
		return DM_LIST_CONN;
	}
}

/* Move @s, on @l, to its tail. */
static inline void
to_tail(dm_tables *t, dm_list_head *l, dm_socket *s)
{
	if (l->tail == s)
		return;
	/* Not the tail: it has a next. */
	dm_socket *next = dm_lists_at(t, s->lnext);
	if (s->lprev)
		dm_lists_at(t, s->lprev)->lnext = s->lnext;
	else
		l->head = next;
	next->lprev = s->lprev;
	s->lprev = dm_lists_link(l->tail);
	s->lnext = 0;
	l->tail->lnext = dm_lists_link(s);
	l->tail = s;
}

void
dm_lists_unlink(dm_tables *t, dm_socket *s)
{
	if (s->list == DM_LIST_NONE)
		return;
	dm_list_head *l = &t->lists[s->list];
	dm_socket *prev = dm_lists_at(t, s->lprev), *next = dm_lists_at(t, s->lnext);
	if (prev)
		prev->lnext = s->lnext;
	else
		l->head = next;
	if (next)
		next->lprev = s->lprev;
	else
		l->tail = prev;
	s->lprev = s->lnext = 0;
	s->list = DM_LIST_NONE;
	t->listed--;
	t->listed_mem -= DM_COST_SOCKET + (uint64_t)s->npeer * DM_COST_PEER;
}

void
dm_lists_place(dm_tables *t, dm_socket *s)
{
	dm_list want = list_for(s);
	if (want == s->list) {
		/* The common case, a segment on a socket whose state calls
		 * for the list it is on: moved to the tail in place, its cost
		 * and the counts unchanged. */
		if (want == DM_LIST_HISTORY)
			return;
		/* Active already in this tick: every socket after it on the
		 * list was too, the list stays in order of activity without
		 * the move (which touches two neighbours). */
		if (s->act == t->now)
			return;
		s->act = t->now;
		if (want != DM_LIST_NONE)
			to_tail(t, &t->lists[want], s);
		return;
	}
	dm_lists_unlink(t, s);
	s->act = t->now;
	if (want == DM_LIST_NONE)
		return;
	dm_list_head *l = &t->lists[want];
	s->list = want;
	s->lprev = dm_lists_link(l->tail);
	s->lnext = 0;
	if (l->tail)
		l->tail->lnext = dm_lists_link(s);
	else
		l->head = s;
	l->tail = s;
	t->listed++;
	t->listed_mem += DM_COST_SOCKET + (uint64_t)s->npeer * DM_COST_PEER;
}

void
dm_lists_host_unlink(dm_tables *t, dm_host *h)
{
	if (!h->idle)
		return;
	if (h->hprev)
		h->hprev->hnext = h->hnext;
	else
		t->idle_head = h->hnext;
	if (h->hnext)
		h->hnext->hprev = h->hprev;
	else
		t->idle_tail = h->hprev;
	h->hprev = h->hnext = NULL;
	h->idle = false;
	t->idle--;
}

void
dm_lists_host_place(dm_tables *t, dm_host *h)
{
	bool forgettable = dm_host_forgettable(h);  /* the lists do not change it */
	if (h->idle && forgettable) {
		/* Moved to the tail in place (already there, most often; or
		 * among the hosts active in this tick, which is as good). */
		if (h->act == t->now)
			return;
		h->act = t->now;
		if (t->idle_tail == h)
			return;
		h->hnext->hprev = h->hprev;  /* not the tail: it has a next */
		if (h->hprev)
			h->hprev->hnext = h->hnext;
		else
			t->idle_head = h->hnext;
		h->hnext = NULL;
		h->hprev = t->idle_tail;
		t->idle_tail->hnext = h;
		t->idle_tail = h;
		return;
	}
	h->act = t->now;
	dm_lists_host_unlink(t, h);
	if (!forgettable)
		return;
	h->idle = true;
	h->hprev = t->idle_tail;
	if (t->idle_tail)
		t->idle_tail->hnext = h;
	else
		t->idle_head = h;
	t->idle_tail = h;
	t->idle++;
}

char *
dm_lists_check(const dm_tables *t)
{
	uint64_t listed = 0;
	for (int i = 1; i < DM_LIST_N; i++) {
		const dm_socket *prev = NULL;
		for (const dm_socket *s = t->lists[i].head; s;
		     prev = s, s = dm_lists_at(t, s->lnext)) {
			listed++;
			if (s->list != i || s->lprev != dm_lists_link(prev))
				return g_strdup_printf("socket %u: list %d links broken", s->id, i);
			if (list_for(s) != (dm_list)i)
				return g_strdup_printf("socket %u: on list %d, its state calls for %d",
				                       s->id, i, list_for(s));
			if (prev && prev->act > s->act)
				return g_strdup_printf("socket %u: list %d out of order", s->id, i);
			if (s->act > t->now)
				return g_strdup_printf("socket %u: active after now", s->id);
			if (listed > t->count)
				return g_strdup_printf("list %d: longer than the sockets held", i);
		}
		if (t->lists[i].tail != prev)
			return g_strdup_printf("list %d: tail is not its last socket", i);
	}
	uint64_t cost = 0;
	for (int i = 1; i < DM_LIST_N; i++)
		for (const dm_socket *s = t->lists[i].head; s; s = dm_lists_at(t, s->lnext))
			cost += DM_COST_SOCKET + (uint64_t)s->npeer * DM_COST_PEER;
	if (listed != t->listed || cost != t->listed_mem)
		return g_strdup_printf("%" G_GUINT64_FORMAT " sockets listed, %" G_GUINT64_FORMAT
		                       " counted; their cost %" G_GUINT64_FORMAT ", %"
		                       G_GUINT64_FORMAT " counted", listed, t->listed, cost,
		                       t->listed_mem);
	uint64_t idle = 0;
	const dm_host *hp = NULL;
	for (const dm_host *h = t->idle_head; h; hp = h, h = h->hnext) {
		if (++idle > t->hosts->len || !h->idle || h->hprev != hp)
			return g_strdup("idle-host list links broken");
		if ((hp && hp->act > h->act) || h->act > t->now)
			return g_strdup("idle-host list out of order");
	}
	if (t->idle_tail != hp || idle != t->idle)
		return g_strdup_printf("idle-host list: %" G_GUINT64_FORMAT " hosts, %"
		                       G_GUINT64_FORMAT " counted", idle, t->idle);
	return NULL;
}
