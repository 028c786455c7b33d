/* cli-reasm.c - the IP reassembly options of the command line. */
#include "config.h"

#include "cli-reasm-int.h"
#include "cli-int.h"

const GOptionEntry *
dm_reasm_cli_entries(dm_reasm_cli *o)
{
	static GOptionEntry e[5];
	GOptionEntry v[] = {
		{ "no-reassembly", 0, 0, G_OPTION_ARG_NONE, &o->off,
		  "Do not reassemble IP fragments: each is reported as captured (unverified, fragment)", NULL },
		{ "reasm-timeout4", 0, 0, G_OPTION_ARG_DOUBLE, &o->timeout4,
		  "Drop an IPv4 datagram not reassembled within SECONDS of capture time (default 30)", "SECONDS" },
		{ "reasm-timeout6", 0, 0, G_OPTION_ARG_DOUBLE, &o->timeout6,
		  "Drop an IPv6 datagram not reassembled within SECONDS of capture time (default 60)", "SECONDS" },
		{ "reasm-memory", 0, 0, G_OPTION_ARG_INT64, &o->memory,
		  "Hold at most BYTES of fragments, evicting the oldest datagrams (default 67108864)", "BYTES" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	return DM_CLI_KEEP_ENTRIES(e, v);
}

bool
dm_reasm_cli_make(const dm_reasm_cli *o, dm_reasm **out)
{
	*out = NULL;
	if (!(o->timeout4 > 0) || !(o->timeout6 > 0) || o->timeout4 > 1e9 || o->timeout6 > 1e9) {
		g_printerr("demuxsim: --reasm-timeout4/--reasm-timeout6: a number of seconds, "
		           "greater than 0, is expected\n");
		return false;
	}
	if (o->memory < 0) {
		g_printerr("demuxsim: --reasm-memory: %" G_GINT64_FORMAT " is not a byte count\n",
		           o->memory);
		return false;
	}
	if (o->off)
		return true;
	dm_reasm_config cfg = {
		.timeout4 = o->timeout4, .timeout6 = o->timeout6,
		.max_memory = (size_t)o->memory,
	};
	*out = dm_reasm_new(&cfg);
	return true;
}
