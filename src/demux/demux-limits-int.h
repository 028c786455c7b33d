/* demux-limits-int.h - bounded state for the simulation: expiry in capture
 * time and eviction under --max-sockets/--max-memory: the policy that
 * acts on the activity lists of demux-lists-int.h (not installed). */
#ifndef DEMUXSIM_DEMUX_LIMITS_H
#define DEMUXSIM_DEMUX_LIMITS_H

#include "demux-table-int.h"

/* Capture time is kept in ticks of 1/16 s from the first frame (a 32-bit
 * count covers 8 years). */
#define DM_TICKS_PER_SEC 16

typedef struct {
	uint64_t max_sockets;
	uint64_t max_memory;
	uint32_t syn_ticks;    /* half-open entries live this long idle */
	uint32_t over_ticks;   /* TIME-WAIT and CLOSED stay this long */
	uint32_t udp_ticks;    /* learned UDP sockets live this long idle; 0: for ever */
} dm_limits;

/* The limits of @cfg, defaults for its zero fields. */
void dm_limits_init(dm_limits *l, const dm_demux_config *cfg);

/* The estimated bytes the simulation holds. */
static inline uint64_t
dm_limits_memory(const dm_tables *t)
{
	return t->mem + (uint64_t)t->hosts->len * DM_COST_HOST +
	       t->refusals * DM_COST_REFUSAL;
}

/* dm_limits_advance when time may have moved to a later tick. */
void dm_limits_advance_slow(dm_tables *t, const dm_limits *l, int64_t sec, uint32_t nsec);

/* Advance capture time to @sec.@nsec (never back) and retire the
 * entries whose time is up.  No socket pointer may be held across it.
 * Inline: it is called twice a frame, and most frames fall in the tick
 * of the frame before, where it does nothing. */
static inline void
dm_limits_advance(dm_tables *t, const dm_limits *l, int64_t sec, uint32_t nsec)
{
	if (G_LIKELY(t->have_base && sec >= t->base_sec)) {
		uint64_t d = (uint64_t)sec - (uint64_t)t->base_sec;  /* no signed overflow */
		if (G_LIKELY(d <= UINT32_MAX / DM_TICKS_PER_SEC) &&
		    d * DM_TICKS_PER_SEC + nsec / (1000000000u / DM_TICKS_PER_SEC) <= t->now)
			return;
	}
	dm_limits_advance_slow(t, l, sec, nsec);
}

/* dm_limits_enforce's eviction, once over a limit. */
void dm_limits_evict(dm_tables *t, const dm_limits *l, const dm_socket *keep,
                     const dm_host *keep_host);

/* Record the peak, then evict until within the limits: the oldest
 * half-open entries first, then idle hosts (also while there are more
 * of them than the socket limit), then sockets already out of the table;
 * then, unless what cannot be evicted alone exceeds the limits (counted
 * in limit_unmet), TIME-WAIT/CLOSED, learned UDP sockets and
 * connections, oldest activity first.  @keep and @keep_host (the socket
 * and host the last decision names) are spared. */
static inline void
dm_limits_enforce(dm_tables *t, const dm_limits *l, const dm_socket *keep,
                  const dm_host *keep_host)
{
	uint64_t mem = dm_limits_memory(t);
	if (t->count > t->peak_count)
		t->peak_count = t->count;
	if (mem > t->peak_mem)
		t->peak_mem = mem;
	/* Within the limits, as nearly always: each step of the eviction
	 * would stop at once. */
	if (G_LIKELY(t->count <= l->max_sockets && mem <= l->max_memory &&
	             t->idle <= l->max_sockets))
		return;
	dm_limits_evict(t, l, keep, keep_host);
}

#endif
