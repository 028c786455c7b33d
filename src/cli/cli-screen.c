/* cli-screen.c - what the command line does for a person at a terminal:
 * the text report cut to the busiest hosts and sockets when it goes to a
 * screen (--hosts all for everything, --hosts N to choose; files and
 * pipes get every host unless asked), and the progress line on standard
 * error unless --no-progress.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "cli-screen-int.h"

static gchar *hosts_arg;
static gboolean no_progress;
static unsigned hosts_n;      /* 0 = all */

const GOptionEntry *
dm_screen_cli_entries(void)
{
	static const GOptionEntry entries[] = {
		{ "hosts", 0, 0, G_OPTION_ARG_STRING, &hosts_arg,
		  "Text report: the N busiest hosts, each with its N busiest sockets, or all"
		  " (default on a terminal: 10 hosts, 8 sockets; elsewhere all)", "N|all" },
		{ "no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress,
		  "No progress line on standard error while a file is read", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	return entries;
}

bool
dm_screen_cli_check(void)
{
	if (!hosts_arg || g_strcmp0(hosts_arg, "all") == 0)
		return true;
	char *end;
	unsigned long n = strtoul(hosts_arg, &end, 10);
	if (*hosts_arg < '1' || *hosts_arg > '9' || *end || n > 1000000) {
		g_printerr("demuxsim: --hosts: '%s' is not a count of hosts (1 to 1000000) or all\n",
		           hosts_arg);
		return false;
	}
	hosts_n = (unsigned)n;
	return true;
}

void
dm_screen_cli_apply(dm_report *rep, dm_format fmt)
{
	if (fmt != DM_FORMAT_TEXT)
		return;
	if (hosts_arg)
		dm_report_set_table_limits(rep, hosts_n, hosts_n);
	else if (isatty(STDOUT_FILENO))
		dm_report_set_table_limits(rep, DM_REPORT_SCREEN_HOSTS, DM_REPORT_SCREEN_SOCKETS);
}

bool
dm_screen_cli_progress(dm_format fmt, bool quiet)
{
	bool trace = !quiet && (fmt == DM_FORMAT_TEXT || fmt == DM_FORMAT_JSONL);
	return !no_progress && isatty(STDERR_FILENO) && !(trace && isatty(STDOUT_FILENO));
}
