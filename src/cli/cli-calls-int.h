/* cli-calls-int.h - the command line's options for the socket calls (not
 * installed): --calls, and --ladder CONN. */
#ifndef DEMUXSIM_CLI_CALLS_H
#define DEMUXSIM_CLI_CALLS_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/calls.h"
#include "demuxsim/report.h"

/* The option entries (a static, NULL-terminated table). */
const GOptionEntry *dm_calls_cli_entries(void);

/* Check what was given with report format @fmt (given explicitly when
 * @fmt_given).  Returns: false after a message on a bad value. */
bool dm_calls_cli_check(dm_format fmt, bool fmt_given);

/* Whether --ladder was given: the output is its SVG (no trace). */
bool dm_calls_cli_ladder(void);

/* The record of calls the options ask for (@html: --report is given, whose
 * page shows the calls and the first connections' ladders), given to the
 * report @rep; NULL when none is wanted. */
dm_calls *dm_calls_cli_make(dm_report *rep, bool html);

/* Free what the options hold. */
void dm_calls_cli_clear(void);

#endif
