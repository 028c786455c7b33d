/* cli-limits.c - the state limit options of the command line. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "cli-limits-int.h"
#include "cli-int.h"

const GOptionEntry *
dm_limits_cli_entries(dm_limits_cli *o)
{
	static GOptionEntry e[6];
	GOptionEntry v[] = {
		{ "max-sockets", 0, 0, G_OPTION_ARG_STRING, &o->max_sockets,
		  "Hold at most N sockets, evicting the oldest half-open ones first (default 4000000)", "N" },
		{ "max-memory", 0, 0, G_OPTION_ARG_STRING, &o->max_memory,
		  "Hold at most SIZE bytes of simulated state (estimated; suffixes K, M, G; default 1G)", "SIZE" },
		{ "syn-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o->syn_timeout,
		  "Discard a half-open connection idle for SECONDS of capture time (default 63)", "SECONDS" },
		{ "time-wait", 0, 0, G_OPTION_ARG_DOUBLE, &o->time_wait,
		  "A TIME-WAIT or CLOSED connection leaves the table after SECONDS (default 60, 2*MSL)", "SECONDS" },
		{ "udp-idle", 0, 0, G_OPTION_ARG_DOUBLE, &o->udp_idle,
		  "A learned UDP socket idle for SECONDS leaves the table (default: never)", "SECONDS" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	return DM_CLI_KEEP_ENTRIES(e, v);
}

/* A count with an optional K, M or G suffix (powers of 1024 when @binary,
 * of 1000 otherwise); false unless it is a positive number that fits. */
static bool
parse_size(const char *text, bool binary, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!text || !g_ascii_isdigit(*text))
		return false;
	guint64 v = g_ascii_strtoull(text, &end, 10);
	if (errno || v == 0)
		return false;
	uint64_t unit = 1, k = binary ? 1024 : 1000;
	switch (g_ascii_toupper(*end)) {
	case 'K': unit = k; end++; break;
	case 'M': unit = k * k; end++; break;
	case 'G': unit = k * k * k; end++; break;
	default: break;
	}
	if (binary && unit > 1 && (*end == 'i' || *end == 'I'))
		end++;
	if (binary && (*end == 'B' || *end == 'b'))
		end++;
	if (*end || v > UINT64_MAX / unit)
		return false;
	*out = v * unit;
	return true;
}

static bool
seconds_ok(const char *name, double v, bool zero_ok)
{
	if ((v > 0 || (zero_ok && v == 0)) && v <= 1e8)
		return true;
	g_printerr("demuxsim: --%s: a number of seconds%s is expected\n", name,
	           zero_ok ? " (0: never)" : ", greater than 0,");
	return false;
}

bool
dm_limits_cli_apply(const dm_limits_cli *o, dm_demux_config *cfg)
{
	if (o->max_sockets && !parse_size(o->max_sockets, false, &cfg->max_sockets)) {
		g_printerr("demuxsim: --max-sockets: '%s' is not a positive count\n", o->max_sockets);
		return false;
	}
	if (o->max_memory && !parse_size(o->max_memory, true, &cfg->max_memory)) {
		g_printerr("demuxsim: --max-memory: '%s' is not a size (e.g. 512M, 2G)\n",
		           o->max_memory);
		return false;
	}
	if (!seconds_ok("syn-timeout", o->syn_timeout, false) ||
	    !seconds_ok("time-wait", o->time_wait, false) ||
	    !seconds_ok("udp-idle", o->udp_idle, true))
		return false;
	cfg->syn_timeout = o->syn_timeout;
	cfg->time_wait = o->time_wait;
	cfg->udp_idle = o->udp_idle;
	return true;
}

void
dm_limits_cli_clear(dm_limits_cli *o)
{
	g_free(o->max_sockets);
	g_free(o->max_memory);
}
