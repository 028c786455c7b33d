/* demux-live-int.h - pending refusals of live mode, used by demux.c (not
 * installed). */
#ifndef DEMUXSIM_DEMUX_LIVE_INT_H
#define DEMUXSIM_DEMUX_LIVE_INT_H

#include "demuxsim/demux-live.h"
#include "demux-table-int.h"

typedef struct dm_pending dm_pending;

/* Attempts stay pending @window seconds (capture time). */
dm_pending *dm_pending_new(int64_t window);
void dm_pending_free(dm_pending *pd);

/* Frame @frame at @sec (datagram @p, or SYN) made socket @s on its
 * receiving host (for a SYN, listener @s and its child @child): keep it
 * pending until an answer or the window's seconds. */
void dm_pending_note(dm_pending *pd, uint64_t frame, int64_t sec,
                     const dm_packet *p, dm_socket *s, dm_socket *child);

/* If frame @frame (decoded to @st in @p) answers a pending attempt with
 * a refusal, retract its sockets from @t, record the refusal on the
 * host, queue a correction and return the host (with @r the refusal);
 * else NULL. */
dm_host *dm_pending_answer(dm_pending *pd, dm_tables *t, uint64_t frame,
                           int64_t sec, dm_frame_status st, const dm_packet *p,
                           dm_refusal *r);

/* The oldest queued correction. */
bool dm_pending_take(dm_pending *pd, dm_correction *out);

#endif
