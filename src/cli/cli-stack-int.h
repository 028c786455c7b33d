/* cli-stack-int.h - the command line's TCP stack settings (not
 * installed): --somaxconn, --syn-backlog, --syncookies, as the Linux
 * sysctls net.core.somaxconn, net.ipv4.tcp_max_syn_backlog and
 * net.ipv4.tcp_syncookies. */
#ifndef DEMUXSIM_CLI_STACK_H
#define DEMUXSIM_CLI_STACK_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/demux.h"

/* The options, filled by GOptionContext. */
typedef struct {
	gchar *somaxconn;        /* --somaxconn N */
	gchar *syn_backlog;      /* --syn-backlog N */
	gchar *syncookies;       /* --syncookies 0|1|2 */
} dm_stack_cli;

/* The option entries bound to @o, for g_option_context_add_main_entries.
 * Returns: a static, NULL-terminated table. */
const GOptionEntry *dm_stack_cli_entries(dm_stack_cli *o);

/* Check the options and set them in @cfg.  Prints one line and returns
 * false on a usage error. */
bool dm_stack_cli_apply(const dm_stack_cli *o, dm_demux_config *cfg);

/* Free the strings in @o. */
void dm_stack_cli_clear(dm_stack_cli *o);

#endif
