/* live-run.h - the run of live capture (-i) and real-time replay (-r FILE
 * --realtime): a single pass (refusals are decided as their evidence
 * arrives: see demux-live.h), each frame written to -w, then through the
 * pipeline (pipeline.h), traced line by line or shown in the full-screen
 * view.
 */
#ifndef DEMUXSIM_LIVE_RUN_H
#define DEMUXSIM_LIVE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/calls.h"
#include "demuxsim/demux.h"
#include "demuxsim/live.h"
#include "demuxsim/reasm.h"
#include "demuxsim/report.h"

typedef struct {
	dm_live_config cap;        /* cap.device: the interface (-i) */
	const char *replay;        /* or a file replayed at its pace */
	uint64_t count;            /* -c: stop after this many frames, 0 never */
	double duration;           /* --duration: seconds, 0 for no limit */
	const char *write_file;    /* -w */
	const char *user;          /* -Z */
	const char *split_dir;     /* --split */
	bool no_tui;               /* --no-tui */
	dm_reasm *reasm;           /* IP reassembly, or NULL (not owned) */
	dm_calls *calls;           /* the socket calls, or NULL (not owned) */
	double evidence_window;    /* --evidence-window: seconds a decision
	                            * and the lines after it wait, 0 none */
} dm_live_run_options;

/**
 * dm_live_run: run the capture or replay of @o through @dm, tracing to
 * @rep (or the full-screen view when standard input and output are a
 * terminal), until a signal, q, -c or --duration; then report.
 * Returns: the exit status: 0 done, 1 device or input error, 2 bad
 * filter.
 */
int dm_live_run(const dm_live_run_options *o, dm_report *rep, dm_demux *dm);

#endif
