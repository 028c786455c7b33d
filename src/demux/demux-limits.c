/* demux-limits.c - bounded state: a stack's tables do not grow without
 * end, and neither do the simulated ones.
 *
 * Timeouts run in capture time.  A half-open entry (SYN-RECEIVED child
 * or SYN-SENT) that sees no segment for the SYN timeout is discarded, as
 * a SYN cache drops it after its SYN-ACK retries (Linux: 5, 63 s); a
 * connection in TIME-WAIT leaves the table after 2*MSL (RFC 9293 3.4.2,
 * 60 s as Linux) and becomes CLOSED, and so does the CLOSED tombstone of
 * a reset or finished connection; a learned UDP socket may expire when
 * idle.  Entries that leave the table stay in the report (noting why);
 * discarded ones are counted on their host.
 *
 * When more sockets or memory are held than allowed, entries are evicted
 * as a SYN cache does, the oldest half-open ones first, then sockets
 * only kept for the report, then other entries that could expire.  Each
 * list is ordered by last activity, so expiry and eviction look only at
 * list heads: O(1) amortised per segment.
 */
#include "config.h"

#include "demux-limits-int.h"

static uint32_t
to_ticks(double seconds)
{
	double t = seconds * DM_TICKS_PER_SEC;
	if (!(t > 0))
		return 0;
	return t >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

void
dm_limits_init(dm_limits *l, const dm_demux_config *cfg)
{
	dm_demux_config c = { 0 };
	if (cfg)
		c = *cfg;
	l->max_sockets = c.max_sockets ? c.max_sockets : DM_DEFAULT_MAX_SOCKETS;
	l->max_memory = c.max_memory ? c.max_memory : DM_DEFAULT_MAX_MEMORY;
	l->syn_ticks = to_ticks(c.syn_timeout > 0 ? c.syn_timeout : DM_DEFAULT_SYN_TIMEOUT);
	l->over_ticks = to_ticks(c.time_wait > 0 ? c.time_wait : DM_DEFAULT_TIME_WAIT);
	l->udp_ticks = to_ticks(c.udp_idle);
	if (!l->syn_ticks)
		l->syn_ticks = 1;
	if (!l->over_ticks)
		l->over_ticks = 1;
	if (c.udp_idle > 0 && !l->udp_ticks)
		l->udp_ticks = 1;
}

static dm_list
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

/* List links are cells + 1, 0 at either end. */
static inline dm_socket *
link_at(const dm_tables *t, uint32_t link)
{
	return link ? dm_tables_at(t, link - 1) : NULL;
}

static inline uint32_t
link_of(const dm_socket *s)
{
	return s ? s->cell + 1 : 0;
}

void
dm_limits_unlink(dm_tables *t, dm_socket *s)
{
	if (s->list == DM_LIST_NONE)
		return;
	dm_list_head *l = &t->lists[s->list];
	dm_socket *prev = link_at(t, s->lprev), *next = link_at(t, s->lnext);
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
dm_limits_place(dm_tables *t, dm_socket *s)
{
	dm_list want = list_for(s);
	if (want == DM_LIST_HISTORY && s->list == DM_LIST_HISTORY)
		return;
	dm_limits_unlink(t, s);
	s->act = t->now;
	if (want == DM_LIST_NONE)
		return;
	dm_list_head *l = &t->lists[want];
	s->list = want;
	s->lprev = link_of(l->tail);
	s->lnext = 0;
	if (l->tail)
		l->tail->lnext = link_of(s);
	else
		l->head = s;
	l->tail = s;
	t->listed++;
	t->listed_mem += DM_COST_SOCKET + (uint64_t)s->npeer * DM_COST_PEER;
}

static void
host_unlink(dm_tables *t, dm_host *h)
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
dm_limits_host_place(dm_tables *t, dm_host *h)
{
	host_unlink(t, h);
	h->act = t->now;
	if (!dm_host_forgettable(h))
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

uint64_t
dm_limits_memory(const dm_tables *t)
{
	return t->mem + (uint64_t)t->hosts->len * DM_COST_HOST +
	       t->refusals * DM_COST_REFUSAL;
}

static void
count(dm_tables *t, dm_host *h, dm_retire_reason r)
{
	dm_host_counts_get(h)->retired[r]++;
	t->retired[r]++;
}

/* Retire @s for @r: out of the table and kept, or discarded. */
static void
retire(dm_tables *t, dm_socket *s, dm_retire_reason r)
{
	count(t, s->host, r);
	switch (r) {
	case DM_RETIRE_TIME_WAIT:
		s->state = DM_TCP_CLOSED;
		/* fall through */
	case DM_RETIRE_CLOSED:
	case DM_RETIRE_UDP_IDLE:
		s->retired = r;
		dm_tables_unkey(t, s);
		break;
	default:
		dm_tables_discard(t, s);
		break;
	}
}

static void
expire(dm_tables *t, dm_list list, uint32_t ticks)
{
	dm_socket *s;
	while ((s = t->lists[list].head) && t->now - s->act >= ticks) {
		dm_retire_reason r = DM_RETIRE_SYN_TIMEOUT;
		if (list == DM_LIST_OVER)
			r = s->state == DM_TCP_TIME_WAIT ? DM_RETIRE_TIME_WAIT : DM_RETIRE_CLOSED;
		else if (list == DM_LIST_UDP)
			r = DM_RETIRE_UDP_IDLE;
		retire(t, s, r);
	}
}

void
dm_limits_advance(dm_tables *t, const dm_limits *l, int64_t sec, uint32_t nsec)
{
	if (!t->have_base) {
		t->base_sec = sec;
		t->have_base = true;
	}
	if (sec < t->base_sec)
		return;
	uint64_t d = (uint64_t)sec - (uint64_t)t->base_sec;  /* no signed overflow */
	uint64_t ticks = d > UINT32_MAX / DM_TICKS_PER_SEC ? UINT32_MAX :
	                 d * DM_TICKS_PER_SEC + nsec / (1000000000u / DM_TICKS_PER_SEC);
	if (ticks > UINT32_MAX)
		ticks = UINT32_MAX;
	if (ticks <= t->now)
		return;
	t->now = (uint32_t)ticks;
	expire(t, DM_LIST_HALF_OPEN, l->syn_ticks);
	expire(t, DM_LIST_OVER, l->over_ticks);
	if (l->udp_ticks)
		expire(t, DM_LIST_UDP, l->udp_ticks);
}

static bool
over(const dm_tables *t, const dm_limits *l)
{
	return t->count > l->max_sockets || dm_limits_memory(t) > l->max_memory;
}

/* Evict from @list, oldest first, while over the limits. */
static void
evict(dm_tables *t, const dm_limits *l, const dm_socket *keep, dm_list list,
      dm_retire_reason reason)
{
	for (;;) {
		dm_socket *s = t->lists[list].head;
		if (s && s == keep)
			s = link_at(t, s->lnext);
		if (!s || !over(t, l))
			break;
		retire(t, s, reason);
	}
}

/* Whether what no eviction can free (sockets on no list, the hosts that
 * are not idle, refusals) alone exceeds the limits. */
static bool
floor_over(const dm_tables *t, const dm_limits *l)
{
	return t->count - t->listed > l->max_sockets ||
	       dm_limits_memory(t) - t->listed_mem - t->idle * DM_COST_HOST > l->max_memory;
}

void
dm_limits_enforce(dm_tables *t, const dm_limits *l, const dm_socket *keep,
                  const dm_host *keep_host)
{
	static const struct {
		dm_list list;
		dm_retire_reason reason;
	} last[] = {
		{ DM_LIST_OVER, DM_RETIRE_EVICT_OVER },
		{ DM_LIST_UDP, DM_RETIRE_EVICT_UDP },
		{ DM_LIST_CONN, DM_RETIRE_EVICT_CONNECTION },
	};
	uint64_t mem = dm_limits_memory(t);
	if (t->count > t->peak_count)
		t->peak_count = t->count;
	if (mem > t->peak_mem)
		t->peak_mem = mem;
	evict(t, l, keep, DM_LIST_HALF_OPEN, DM_RETIRE_EVICT_HALF_OPEN);
	/* Hosts with nothing of their own are held at most as many as
	 * sockets, fewer under pressure. */
	for (;;) {
		dm_host *h = t->idle_head;
		if (h && h == keep_host)
			h = h->hnext;
		if (!h || (t->idle <= l->max_sockets && !over(t, l)))
			break;
		host_unlink(t, h);
		dm_tables_forget_host(t, h);
	}
	evict(t, l, keep, DM_LIST_HISTORY, DM_RETIRE_EVICT_HISTORY);
	if (!over(t, l))
		return;
	if (floor_over(t, l)) {
		/* Evicting live entries would not be enough: they stay. */
		t->limit_unmet++;
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(last); i++)
		evict(t, l, keep, last[i].list, last[i].reason);
}

char *
dm_limits_check(const dm_tables *t)
{
	uint64_t listed = 0;
	for (int i = 1; i < DM_LIST_N; i++) {
		const dm_socket *prev = NULL;
		for (const dm_socket *s = t->lists[i].head; s;
		     prev = s, s = link_at(t, s->lnext)) {
			listed++;
			if (s->list != i || s->lprev != link_of(prev))
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
		for (const dm_socket *s = t->lists[i].head; s; s = link_at(t, s->lnext))
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
