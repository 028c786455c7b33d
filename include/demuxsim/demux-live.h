/* demux-live.h - refusals decided as the evidence arrives, for a single
 * pass over live traffic or a file.
 *
 * A single pass holds a datagram or SYN sent to a port nobody listens on
 * until the answer (an ICMP port unreachable quoting it, a RST answering
 * it) is read or its evidence window passes (run/lookahead.c).  With no
 * window (live mode's default), or when the answer comes later, the
 * datagram or SYN creates its socket as in learn mode, and the socket
 * stays pending for a few seconds.  When the answer arrives and the
 * socket received nothing else, the socket is retracted and the attempt
 * recorded as refused with the answer's frame; the simulation then offers
 * a correction for the caller to report.
 */
#ifndef DEMUXSIM_DEMUX_LIVE_H
#define DEMUXSIM_DEMUX_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/demux.h"

/* Seconds (capture time) an answer may take to retract a socket. */
#define DM_LIVE_ANSWER_WINDOW 5

/* A socket retracted because the host turned out to refuse it. */
typedef struct {
	const dm_host *host;   /* the refusing host */
	guint socket;          /* id of the retracted socket (UDP socket, or
	                        * the TCP connection the SYN spawned) */
	guint listener;        /* TCP: id of the retracted listener, else 0 */
	dm_refusal refusal;    /* the refusal now recorded (frame, evidence) */
} dm_correction;

/**
 * dm_demux_set_live: switch @dm to live mode (before the first segment):
 * refusals are decided when their evidence arrives, not ahead of it.
 * Evidence given with dm_demux_set_evidence is still used when present.
 */
void dm_demux_set_live(dm_demux *dm);

/**
 * dm_demux_set_live_window: as dm_demux_set_live(), an attempt staying
 * pending @seconds of capture time (a single pass over a file: its
 * evidence window).
 */
void dm_demux_set_live_window(dm_demux *dm, int64_t seconds);

/**
 * dm_demux_next_correction: take the oldest correction made since the
 * last call (after each dm_demux_segment, a live caller takes them all).
 * Returns: true and fills @out when there was one.
 */
bool dm_demux_next_correction(dm_demux *dm, dm_correction *out);

#endif /* DEMUXSIM_DEMUX_LIVE_H */
