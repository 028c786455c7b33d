/* cli-live.c - the command line of live capture (-i), the interface list
 * (-D) and real-time replay (-r FILE --realtime): the options, their
 * checks against the file options, and the run they ask for (live-run.h).
 */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-live-int.h"
#include "cli-int.h"
#include "demuxsim/dump.h"
#include "demuxsim/live-run.h"
#include "demuxsim/report-live.h"
#include "demuxsim/run.h"

const GOptionEntry *
dm_live_cli_entries(dm_live_cli *lo)
{
	static GOptionEntry e[15];
	GOptionEntry v[] = {
		{ "interface", 'i', 0, G_OPTION_ARG_STRING, &lo->interface,
		  "Capture live on interface IFACE (\"any\": all of them); trailing arguments are a filter", "IFACE" },
		{ "list-interfaces", 'D', 0, G_OPTION_ARG_NONE, &lo->list,
		  "List the interfaces a capture can be opened on, and exit", NULL },
		{ "filter", 'f', 0, G_OPTION_ARG_STRING, &lo->filter,
		  "Process only the frames the BPF expression EXPR selects (live or from files; or give it as trailing words)", "EXPR" },
		{ "count", 'c', 0, G_OPTION_ARG_INT, &lo->count,
		  "Stop after N frames (files, -i and --realtime alike)", "N" },
		{ "duration", 0, 0, G_OPTION_ARG_DOUBLE, &lo->duration,
		  "With -i: stop after SECONDS", "SECONDS" },
		{ "snapshot-length", 's', 0, G_OPTION_ARG_INT, &lo->snaplen,
		  "With -i: keep at most N bytes of each frame (default 262144)", "N" },
		{ "no-promiscuous-mode", 'p', 0, G_OPTION_ARG_NONE, &lo->no_promisc,
		  "With -i: leave the interface out of promiscuous mode", NULL },
		{ "no-immediate-mode", 0, 0, G_OPTION_ARG_NONE, &lo->no_immediate,
		  "With -i: let the kernel buffer frames (default: each at once)", NULL },
		{ "write", 'w', 0, G_OPTION_ARG_FILENAME, &lo->write_file,
		  "With -i: also save the raw frames to the pcap FILE", "FILE" },
		{ "packet-buffered", 'U', 0, G_OPTION_ARG_NONE, &lo->packet_buffered,
		  "With -w: write each frame to the file as it comes (not in blocks)", NULL },
		{ "relinquish-privileges", 'Z', 0, G_OPTION_ARG_STRING, &lo->user,
		  "With -i, as root: become USER once the interface is open", "USER" },
		{ "no-tui", 0, 0, G_OPTION_ARG_NONE, &lo->no_tui,
		  "With -i or --realtime: the plain trace even on a terminal", NULL },
		{ "realtime", 0, 0, G_OPTION_ARG_NONE, &lo->realtime,
		  "With -r FILE: replay it at its recorded pace, as a live capture", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	return DM_CLI_KEEP_ENTRIES(e, v);
}

bool
dm_live_cli_wanted(const dm_live_cli *lo)
{
	/* -f alone filters files too. */
	return lo->interface || lo->list || lo->realtime || lo->packet_buffered ||
	       lo->duration || lo->snaplen || lo->no_promisc || lo->no_immediate ||
	       lo->write_file || lo->user || lo->no_tui;
}

/* -i N, N not an interface's name: the Nth interface of -D (as tcpdump).
 * Returns: false when there is no such one (reported). */
static bool
interface_by_index(dm_live_cli *lo)
{
	const char *s = lo->interface;
	if (!*s || strspn(s, "0123456789") != strlen(s) || if_nametoindex(s) != 0)
		return true;
	GError *err = NULL;
	GArray *devs = dm_live_devices(&err);
	guint64 n = g_ascii_strtoull(s, NULL, 10);
	if (!devs) {
		g_printerr("demuxsim: -i %s: %s\n", s, err->message);
		g_error_free(err);
		return false;
	}
	bool ok = n >= 1 && n <= devs->len;
	if (ok) {
		g_free(lo->interface);
		lo->interface = g_strdup(g_array_index(devs, dm_live_device, n - 1).name);
	} else {
		g_printerr("demuxsim: -i %s: no interface of that number (%u listed by -D)\n",
		           s, devs->len);
	}
	g_array_unref(devs);
	return ok;
}

static int
usage(const char *msg)
{
	g_printerr("demuxsim: %s (try --help)\n", msg);
	return DM_EXIT_USAGE;
}

int
dm_live_cli_check(dm_live_cli *lo, const char *read_file, gchar ***files)
{
	guint nfiles = *files ? g_strv_length(*files) : 0;

	if (lo->list) {
		GError *err = NULL;
		GArray *devs = dm_live_devices(&err);
		if (!devs) {
			g_printerr("demuxsim: %s\n", err->message);
			g_error_free(err);
			return DM_EXIT_INPUT;
		}
		if (devs->len == 0) {
			g_array_unref(devs);
			g_printerr("demuxsim: no interfaces found (capturing may need root or CAP_NET_RAW)\n");
			return DM_EXIT_INPUT;
		}
		dm_report_devices(stdout, devs);
		g_array_unref(devs);
		return DM_EXIT_DONE;
	}
	if (!lo->interface && !lo->realtime)
		return usage("--duration, -s, -p, -w, -U, -Z and --no-tui need -i (or --realtime)");
	if (lo->interface && lo->realtime)
		return usage("--realtime replays a file: use -r FILE, not -i");
	if (lo->interface && read_file)
		return usage("-i and -r cannot be combined");
	if (lo->count < 0 || lo->duration < 0 || lo->snaplen < 0)
		return usage("-c, --duration and -s take a positive number");
	dm_dump_set_packet_buffered(lo->packet_buffered);
	if (lo->interface && !interface_by_index(lo))
		return DM_EXIT_USAGE;
	if (lo->interface) {
		if (nfiles && lo->filter)
			return usage("give the filter with -f or as trailing arguments, not both");
		if (nfiles) {
			lo->filter = g_strjoinv(" ", *files);
			g_strfreev(*files);
			*files = NULL;
		}
		return DM_LIVE_CLI_CONTINUE;
	}
	/* --realtime */
	if ((read_file ? 1 : 0) + nfiles != 1)
		return usage("--realtime replays one capture file (-r FILE)");
	if (lo->filter || lo->write_file || lo->user || lo->snaplen || lo->no_promisc)
		return usage("-f, -w, -Z, -s and -p apply to live capture (-i)");
	lo->replay = g_strdup(read_file ? read_file : (*files)[0]);
	return DM_LIVE_CLI_CONTINUE;
}

int
dm_live_cli_run(const dm_live_cli *lo, const char *split_dir, double evidence_window,
                dm_report *rep, dm_demux *dm, dm_reasm *reasm, dm_calls *calls)
{
	dm_live_run_options o = {
		.cap = {
			.device = lo->interface,
			.snaplen = lo->snaplen,
			.no_promisc = lo->no_promisc,
			.buffered = lo->no_immediate,
			.filter = lo->filter,
		},
		.replay = lo->replay,
		.count = (uint64_t)lo->count,
		.duration = lo->duration,
		.write_file = lo->write_file,
		.user = lo->user,
		.split_dir = split_dir,
		.no_tui = lo->no_tui,
		.reasm = reasm,
		.calls = calls,
		.evidence_window = evidence_window,
	};
	return dm_live_run(&o, rep, dm);
}

void
dm_live_cli_clear(dm_live_cli *lo)
{
	g_free(lo->interface);
	g_free(lo->filter);
	g_free(lo->write_file);
	g_free(lo->user);
	g_free(lo->replay);
}
