/* cli-screen-int.h - the command line's options for what fits a screen
 * (not installed): --hosts N|all and --no-progress. */
#ifndef DEMUXSIM_CLI_SCREEN_H
#define DEMUXSIM_CLI_SCREEN_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/report.h"

/* The option entries (a static, NULL-terminated table). */
const GOptionEntry *dm_screen_cli_entries(void);

/* Check what was given.  Returns: false after a message on a bad value. */
bool dm_screen_cli_check(void);

/* Give the report @rep, writing @fmt to standard output, its table
 * limits: --hosts as given, else on a terminal the screen's. */
void dm_screen_cli_apply(dm_report *rep, dm_format fmt);

/* Whether a progress line may be drawn: --no-progress not given,
 * standard error a terminal, and not the trace of @fmt (unless @quiet)
 * on that screen too. */
bool dm_screen_cli_progress(dm_format fmt, bool quiet);

#endif
