/* cli-limits-int.h - the command line's state limits (not installed):
 * --max-sockets, --max-memory, --syn-timeout, --time-wait, --udp-idle.
 */
#ifndef DEMUXSIM_CLI_LIMITS_H
#define DEMUXSIM_CLI_LIMITS_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/demux.h"

/* The options, filled by GOptionContext. */
typedef struct {
	gchar *max_sockets;      /* --max-sockets N */
	gchar *max_memory;       /* --max-memory SIZE (K, M, G suffixes) */
	gdouble syn_timeout;     /* --syn-timeout SECONDS */
	gdouble time_wait;       /* --time-wait SECONDS */
	gdouble udp_idle;        /* --udp-idle SECONDS (0: never) */
} dm_limits_cli;

/* The defaults, before the options are parsed. */
#define DM_LIMITS_CLI_INIT { .syn_timeout = DM_DEFAULT_SYN_TIMEOUT, \
                             .time_wait = DM_DEFAULT_TIME_WAIT }

/* The option entries bound to @o, for g_option_context_add_main_entries.
 * Returns: a static, NULL-terminated table. */
const GOptionEntry *dm_limits_cli_entries(dm_limits_cli *o);

/* Check the options and set the limits of @cfg.  Prints one line and
 * returns false on a usage error. */
bool dm_limits_cli_apply(const dm_limits_cli *o, dm_demux_config *cfg);

/* Free the strings in @o. */
void dm_limits_cli_clear(dm_limits_cli *o);

#endif
