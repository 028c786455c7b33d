/* run.h - a run over capture files (demuxsim FILE... or -r FILE): the
 * exit statuses every command line ends with, the stop signals, and the
 * file run itself.
 *
 * Two passes over the input: the first collects the evidence of refusals
 * (ICMP port unreachable, RST) that only appears after the segment it
 * answers; the second takes every frame through the pipeline
 * (pipeline.h).  Standard input (and a FIFO) is spooled to a temporary
 * file, removed at once, so that it can be read twice.
 *
 * SIGINT and SIGTERM end a run as the end of its input would: the frame in
 * hand is finished, every output is written for the frames processed (the
 * report says where it stopped), and the exit status is 128 + the signal.
 * A signal while a stream is spooled ends that input there: what was
 * spooled is processed.  A second signal ends the process at once (but
 * the same one sent again at once: see dm_stop_catch()).
 */
#ifndef DEMUXSIM_RUN_H
#define DEMUXSIM_RUN_H

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>

#include "demuxsim/calls.h"
#include "demuxsim/demux.h"
#include "demuxsim/reasm.h"
#include "demuxsim/report.h"
#include "demuxsim/shard.h"

/* The exit statuses (README, "Exit status"); a run a signal ended exits
 * with 128 + the signal (130 SIGINT, 143 SIGTERM). */
enum {
	DM_EXIT_DONE = 0,    /* done */
	DM_EXIT_INPUT = 1,   /* input error: the results so far are reported */
	DM_EXIT_USAGE = 2,   /* usage error */
};

/**
 * dm_stop_catch: from now on, SIGINT and SIGTERM ask the run to stop (see
 * dm_stop_signal()); a second one ends the process at once, unless it is
 * the same signal from the same sender within half a second of the first
 * (the same request delivered twice, as timeout(1) does).  A signal ignored when this is
 * called stays ignored.  Interrupted system calls are restarted.
 */
void dm_stop_catch(void);

/**
 * dm_stop_catch_always: as dm_stop_catch(), but catching a signal that
 * was ignored too, and never ending the process on a second one (live
 * capture: tcpdump ends on SIGINT even in the background, and a live run
 * always writes its report).
 */
void dm_stop_catch_always(void);

/**
 * dm_stop_signal: the signal that asked the run to stop, or 0.
 */
int dm_stop_signal(void);

/**
 * dm_stop_take: as dm_stop_signal(), and forget it (the run goes on,
 * having taken note).
 */
int dm_stop_take(void);

/* Make another table and reassembler like the run's (the declared
 * sockets loaded), for a partition of --threads (@ra NULL without
 * reassembly).  Returns false when they cannot be made (each freed by
 * the caller all the same). */
typedef bool (*dm_run_make_part)(void *ctx, dm_demux **dm, dm_reasm **ra);

/* What a file run is made of; nothing here is owned by the run but @html,
 * which it closes. */
typedef struct {
	dm_report *rep;            /* the trace and report */
	dm_demux *dm;              /* the simulated hosts */
	dm_reasm *ra;              /* NULL: --no-reassembly */
	dm_shard *shard;           /* NULL: every flow */
	dm_calls *calls;           /* the socket calls, or NULL */
	const char *split_dir;     /* --split DIR, or NULL */
	FILE *html;                /* --report: the page's open file, or NULL */
	const char *html_path;     /* its name, for messages */
	unsigned threads;          /* --threads */
	unsigned table_parts;      /* the socket table in this many partitions
	                            * on threads of their own when the inputs
	                            * are regular files read once and the
	                            * report writes nothing per frame (no
	                            * --split, --report, --calls, --shard,
	                            * --two-pass, no host of several
	                            * addresses); 0 or 1: one table */
	dm_run_make_part make_part; /* their tables */
	void *make_ctx;
	bool declared;             /* --sockets: declared mode */
	bool two_pass;             /* --two-pass: the evidence read first */
	double evidence_window;    /* --evidence-window, seconds (single pass) */
	uint64_t count;            /* -c: stop after this many frames, 0 never */
	bool progress;             /* a progress line on standard error */
	const char *filter;        /* a BPF expression: only the frames it
	                            * selects are processed, numbered as in
	                            * their captures; NULL: all */
} dm_run_files_config;

/**
 * dm_run_files: read the captures @names (@n of them; "-" is standard
 * input), frames numbered across them, through the pipeline; then the
 * report, --report and --split.  One pass, streams read as they come,
 * each frame's decision waiting for its evidence within the window; with
 * @cfg->two_pass a first pass over every input collects the evidence
 * (streams are then copied to a temporary file first).  A bad input is reported in one line and
 * skipped: the others are still read.
 * Returns: the exit status.
 */
int dm_run_files(const dm_run_files_config *cfg, const char *const *names, guint n);

#endif
