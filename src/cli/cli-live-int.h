/* cli-live-int.h - the command line's live capture, interface list and
 * real-time replay options (not installed). */
#ifndef DEMUXSIM_CLI_LIVE_INT_H
#define DEMUXSIM_CLI_LIVE_INT_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/calls.h"
#include "demuxsim/demux.h"
#include "demuxsim/reasm.h"
#include "demuxsim/report.h"

/* The command line's live options (parsed by GOption). */
typedef struct {
	gchar *interface;          /* -i */
	gboolean list;             /* -D */
	gchar *filter;             /* -f, or the trailing arguments */
	gint count;                /* -c */
	gdouble duration;          /* --duration */
	gint snaplen;              /* -s */
	gboolean no_promisc;       /* -p */
	gboolean no_immediate;     /* --no-immediate-mode */
	gchar *write_file;         /* -w */
	gboolean packet_buffered;  /* -U */
	gchar *user;               /* -Z */
	gboolean no_tui;           /* --no-tui */
	gboolean realtime;         /* --realtime */
	gchar *replay;             /* the file --realtime replays */
} dm_live_cli;

/* dm_live_cli_check: the run goes on */
#define DM_LIVE_CLI_CONTINUE (-1)

/* The option entries filling @lo (for g_option_context_add_main_entries). */
const GOptionEntry *dm_live_cli_entries(dm_live_cli *lo);

/* Whether the options ask for live capture, replay or the interface list. */
bool dm_live_cli_wanted(const dm_live_cli *lo);

/* Check @lo against the file options (-r @read_file, the trailing
 * arguments @files, which become the filter with -i: *@files is then
 * freed and cleared); list the interfaces for -D.  Returns
 * DM_LIVE_CLI_CONTINUE to go on, else the exit status (messages
 * written). */
int dm_live_cli_check(dm_live_cli *lo, const char *read_file, gchar ***files);

/* Run what @lo asks, through @rep and @dm, with --split @split_dir, the
 * evidence window @evidence_window, IP reassembly by @reasm (NULL: none)
 * and the socket calls recorded in @calls (NULL: none).
 * Returns: the exit status. */
int dm_live_cli_run(const dm_live_cli *lo, const char *split_dir, double evidence_window,
                    dm_report *rep, dm_demux *dm, dm_reasm *reasm, dm_calls *calls);

/* Free what parsing @lo allocated. */
void dm_live_cli_clear(dm_live_cli *lo);

#endif
