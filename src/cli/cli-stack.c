/* cli-stack.c - the TCP stack settings of the command line: the bounds
 * of a listener's SYN and accept queues and when it sends SYN cookies. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cli-stack-int.h"
#include "cli-int.h"

const GOptionEntry *
dm_stack_cli_entries(dm_stack_cli *o)
{
	static GOptionEntry e[4];
	GOptionEntry v[] = {
		{ "somaxconn", 0, 0, G_OPTION_ARG_STRING, &o->somaxconn,
		  "A listener's backlog is at most N, as net.core.somaxconn (default 4096)", "N" },
		{ "syn-backlog", 0, 0, G_OPTION_ARG_STRING, &o->syn_backlog,
		  "net.ipv4.tcp_max_syn_backlog: with --syncookies 0, SYNs are dropped once a listener's SYN queue leaves fewer than N/4 of N free (default 4096)", "N" },
		{ "syncookies", 0, 0, G_OPTION_ARG_STRING, &o->syncookies,
		  "net.ipv4.tcp_syncookies: 1 answer SYNs past a full SYN queue with SYN cookies (default), 2 always, 0 never (drop them)", "0|1|2" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	return DM_CLI_KEEP_ENTRIES(e, v);
}

/* A count from 1 to G_MAXINT32 (what the kernel's int sysctls take). */
static bool
parse_count(const char *name, const char *text, uint32_t *out)
{
	char *end;
	errno = 0;
	guint64 v = text && g_ascii_isdigit(*text) ? g_ascii_strtoull(text, &end, 10) : 0;
	if (!v || errno || *end || v > G_MAXINT32) {
		g_printerr("demuxsim: --%s: '%s' is not a count from 1 to %d\n", name, text,
		           G_MAXINT32);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

bool
dm_stack_cli_apply(const dm_stack_cli *o, dm_demux_config *cfg)
{
	if (o->somaxconn && !parse_count("somaxconn", o->somaxconn, &cfg->somaxconn))
		return false;
	if (o->syn_backlog && !parse_count("syn-backlog", o->syn_backlog, &cfg->syn_backlog))
		return false;
	if (o->syncookies) {
		static const dm_syncookies modes[] = {
			DM_SYNCOOKIES_NEVER, DM_SYNCOOKIES_WHEN_FULL, DM_SYNCOOKIES_ALWAYS,
		};
		const char *t = o->syncookies;
		if (t[0] < '0' || t[0] > '2' || t[1]) {
			g_printerr("demuxsim: --syncookies: '%s' is not 0 (never), 1 (when the "
			           "SYN queue is full) or 2 (always)\n", t);
			return false;
		}
		cfg->syncookies = modes[t[0] - '0'];
	}
	return true;
}

void
dm_stack_cli_clear(dm_stack_cli *o)
{
	g_free(o->somaxconn);
	g_free(o->syn_backlog);
	g_free(o->syncookies);
}
