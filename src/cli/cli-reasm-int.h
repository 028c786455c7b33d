/* cli-reasm-int.h - the command line's IP reassembly options (not
 * installed): --no-reassembly, --reasm-timeout4, --reasm-timeout6,
 * --reasm-memory.
 */
#ifndef DEMUXSIM_CLI_REASM_H
#define DEMUXSIM_CLI_REASM_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/reasm.h"

/* The options, filled by GOptionContext. */
typedef struct {
	gboolean off;            /* --no-reassembly */
	gdouble timeout4;        /* --reasm-timeout4 SECONDS */
	gdouble timeout6;        /* --reasm-timeout6 SECONDS */
	gint64 memory;           /* --reasm-memory BYTES (0: default) */
} dm_reasm_cli;

/* The defaults, before the options are parsed. */
#define DM_REASM_CLI_INIT { .timeout4 = 30.0, .timeout6 = 60.0 }

/* The option entries bound to @o, for g_option_context_add_main_entries.
 * Returns: a static, NULL-terminated table. */
const GOptionEntry *dm_reasm_cli_entries(dm_reasm_cli *o);

/* Check the options and make the reassembler into @out (NULL with
 * --no-reassembly).  Prints one line and returns false on a usage
 * error. */
bool dm_reasm_cli_make(const dm_reasm_cli *o, dm_reasm **out);

#endif
