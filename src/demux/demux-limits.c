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
 * list heads: O(1) amortised per segment.  The lists themselves are kept
 * by demux-lists.c; what leaves them, and how, is decided here.
 */
#include "config.h"

#include "demux-limits-int.h"
#include "demux-lists-int.h"

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
dm_limits_advance_slow(dm_tables *t, const dm_limits *l, int64_t sec, uint32_t nsec)
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
			s = dm_lists_at(t, s->lnext);
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
dm_limits_evict(dm_tables *t, const dm_limits *l, const dm_socket *keep,
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
	evict(t, l, keep, DM_LIST_HALF_OPEN, DM_RETIRE_EVICT_HALF_OPEN);
	/* Hosts with nothing of their own are held at most as many as
	 * sockets, fewer under pressure. */
	for (;;) {
		dm_host *h = t->idle_head;
		if (h && h == keep_host)
			h = h->hnext;
		if (!h || (t->idle <= l->max_sockets && !over(t, l)))
			break;
		dm_lists_host_unlink(t, h);
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
