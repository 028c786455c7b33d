/* cli-ss-int.h - the command line's socket-table import (not installed):
 * --sockets-from-ss FILE, --host-address ADDR (repeatable), --dump-sockets. */
#ifndef DEMUXSIM_CLI_SS_H
#define DEMUXSIM_CLI_SS_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/demux.h"

/* The option entries.  Returns: a static, NULL-terminated table. */
const GOptionEntry *dm_ss_cli_entries(void);
/* Check the options together (@sockets: --sockets was given); prints a
 * usage error.  Returns: whether they make sense. */
bool dm_ss_cli_check(bool sockets);
/* Whether --sockets-from-ss was given (declared mode). */
bool dm_ss_cli_wanted(void);
/* Whether --dump-sockets was given: print the converted table instead
 * of a run. */
bool dm_ss_cli_dump_wanted(void);
/* --dump-sockets: print the key file the table converts to.
 * Returns: the exit status. */
int dm_ss_cli_dump(void);
/* Convert the table and declare its sockets in @dm; prints the error.
 * Returns: false on a bad table (exit status 1, as a bad --sockets). */
bool dm_ss_cli_load(dm_demux *dm);
/* Free the options. */
void dm_ss_cli_clear(void);

#endif
