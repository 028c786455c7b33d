/* cli-trace-int.h - the command line's trace line options (not
 * installed): -t, -tt, -ttt, -tttt, -ttttt, --time-stamp-precision. */
#ifndef DEMUXSIM_CLI_TRACE_H
#define DEMUXSIM_CLI_TRACE_H

#include <glib.h>

#include "demuxsim/report.h"

/* The option entries; parsing them sets the trace defaults of the
 * reports made afterwards (dm_report_set_trace_defaults).
 * Returns: a static, NULL-terminated table. */
const GOptionEntry *dm_trace_cli_entries(void);

#endif
