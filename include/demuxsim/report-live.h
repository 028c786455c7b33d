/* report-live.h - what live capture adds to the report: correction lines
 * in the trace, the interface list (-D) and the kernel's counters.
 */
#ifndef DEMUXSIM_REPORT_LIVE_H
#define DEMUXSIM_REPORT_LIVE_H

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

#include "demuxsim/demux-live.h"
#include "demuxsim/live.h"
#include "demuxsim/report.h"

/**
 * dm_report_correction: trace that frame @frame (record @rec) changed an
 * earlier decision: correction @c (text or JSON lines, like the trace;
 * nothing when quiet, in other formats, or for a host not shown).
 */
void dm_report_correction(dm_report *rep, uint64_t frame, const dm_record *rec,
                          const dm_correction *c);

/**
 * dm_report_correction_line: correction @c in words, as a new string
 * (e.g. "frame 5 refused: udp port 5399 from 10.0.0.1:4000, host answers
 * icmp-port-unreachable (seen at frame 6); socket 3 retracted").
 * Returns: the line (g_free it).
 */
char *dm_report_correction_line(const dm_correction *c);

/**
 * dm_report_devices: list the interfaces @devs (GArray of
 * dm_live_device) to @out as tcpdump -D does: "1.eth0 [Up, Running]".
 */
void dm_report_devices(FILE *out, const GArray *devs);

/**
 * dm_report_capture_stats: write the capture's counts to @out as tcpdump
 * does at its end: frames captured, then the kernel's counters @st when
 * @have_stats.
 */
void dm_report_capture_stats(FILE *out, uint64_t captured, const dm_live_stats *st,
                             bool have_stats);

/**
 * dm_report_set_capture_stats: put the kernel's counters @st of a live
 * capture into the JSON report, as "capture": {"received", "dropped",
 * "if_dropped"} (call before dm_report_summary; without it, no member).
 */
void dm_report_set_capture_stats(dm_report *rep, const dm_live_stats *st);

#endif /* DEMUXSIM_REPORT_LIVE_H */
