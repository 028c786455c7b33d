/* report-tui.h - the full-screen live view (ncurses): per host its
 * sockets in an ss-like table with live counters and states, refused
 * attempts and bad checksums in a pane of their own, the last decisions
 * scrolling at the bottom.  Keys: q quit, p pause, h next host (the
 * view follows the host of the latest segment until h is pressed),
 * / filter by port.
 */
#ifndef DEMUXSIM_REPORT_TUI_H
#define DEMUXSIM_REPORT_TUI_H

#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/capture.h"
#include "demuxsim/demux-live.h"
#include "demuxsim/live.h"
#include "demuxsim/packet.h"
#include "demuxsim/summary.h"

typedef struct dm_tui dm_tui;

/**
 * dm_tui_new: take over the terminal for the view of capture @source.
 * Returns: the view.
 */
dm_tui *dm_tui_new(const char *source);

/**
 * dm_tui_frame: note frame @frame, decoded to @st in @pkt, and its
 * decision @d (NULL or without a host for frames without a segment).
 */
void dm_tui_frame(dm_tui *t, uint64_t frame, dm_frame_status st,
                  const dm_packet *pkt, const dm_decision *d);

/**
 * dm_tui_correction: note correction @c, made at frame @frame.
 */
void dm_tui_correction(dm_tui *t, uint64_t frame, const dm_correction *c);

/**
 * dm_tui_keys: handle the keys waiting on the terminal (and resizes).
 * Returns: true when q asked to quit.
 */
bool dm_tui_keys(dm_tui *t);

/**
 * dm_tui_paused: whether p paused the view.
 * Returns: true while paused.
 */
bool dm_tui_paused(const dm_tui *t);

/**
 * dm_tui_draw: redraw the screen from the simulation @dm and counts
 * @sum, with the kernel's counters @st (NULL when there are none).
 * While paused only the status line changes.
 */
void dm_tui_draw(dm_tui *t, const dm_demux *dm, const dm_summary *sum,
                 const dm_live_stats *st);

/**
 * dm_tui_free: give the terminal back (NULL is ignored).
 */
void dm_tui_free(dm_tui *t);

#endif /* DEMUXSIM_REPORT_TUI_H */
