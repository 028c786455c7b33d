/* cli-ss.c - the socket-table import of the command line: read the
 * file --sockets-from-ss names, convert it (dm_sockets_from_ss) for the
 * host whose addresses --host-address adds, and declare its sockets as
 * --sockets does, or print the key file (--dump-sockets). */
#include "config.h"

#include <stdio.h>

#include "demuxsim/report-errors.h"

#include "cli-int.h"
#include "cli-ss-int.h"

static struct {
	gchar *file;
	gchar **addrs;
	gboolean dump;
} ss;

const GOptionEntry *
dm_ss_cli_entries(void)
{
	static GOptionEntry e[4];
	const GOptionEntry v[] = {
		{ "sockets-from-ss", 0, 0, G_OPTION_ARG_FILENAME, &ss.file,
		  "Declared mode: the sockets of the host that captured, from the output of "
		  "ss -tuanp (or -tuanpH, -tulnp) taken there", "FILE" },
		{ "host-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ss.addrs,
		  "With --sockets-from-ss: an address of that host (repeatable; needed when "
		  "its sockets are bound to wildcard addresses only)", "ADDR" },
		{ "dump-sockets", 0, 0, G_OPTION_ARG_NONE, &ss.dump,
		  "Print the key file (as --sockets reads) that --sockets-from-ss makes, and exit",
		  NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	return DM_CLI_KEEP_ENTRIES(e, v);
}

bool
dm_ss_cli_check(bool sockets)
{
	const char *needs = ss.addrs ? "--host-address" : ss.dump ? "--dump-sockets" : NULL;
	if (!ss.file && needs) {
		g_printerr("demuxsim: %s goes with --sockets-from-ss FILE (try --help)\n", needs);
		return false;
	}
	if (ss.file && sockets) {
		g_printerr("demuxsim: give the declared sockets with --sockets or "
		           "--sockets-from-ss, not both (try --help)\n");
		return false;
	}
	return true;
}

bool
dm_ss_cli_wanted(void)
{
	return ss.file != NULL;
}

bool
dm_ss_cli_dump_wanted(void)
{
	return ss.dump;
}

/* The converted table, or NULL after printing the error. */
static char *
convert(void)
{
	GError *err = NULL;
	char *text = NULL, *out = NULL;
	if (!g_file_get_contents(ss.file, &text, NULL, &err)) {
		dm_report_input_error(NULL, 0, err->message);
		g_error_free(err);
		return NULL;
	}
	out = dm_sockets_from_ss(text, ss.file, (const char *const *)ss.addrs, &err);
	if (!out) {
		dm_report_input_error(NULL, 0, err->message);
		g_error_free(err);
	}
	g_free(text);
	return out;
}

int
dm_ss_cli_dump(void)
{
	char *out = convert();
	if (!out)
		return DM_EXIT_INPUT;
	fputs(out, stdout);
	g_free(out);
	return fflush(stdout) == 0 ? DM_EXIT_DONE : DM_EXIT_INPUT;
}

bool
dm_ss_cli_load(dm_demux *dm)
{
	char *out = convert();
	if (!out)
		return false;
	GError *err = NULL;
	bool ok = dm_demux_load_sockets_text(dm, out, &err);
	if (!ok) {
		char *msg = g_strdup_printf("%s (converted by --sockets-from-ss; see it with "
		                            "--dump-sockets): %s", ss.file, err->message);
		dm_report_input_error(NULL, 0, msg);
		g_free(msg);
		g_error_free(err);
	}
	g_free(out);
	return ok;
}

void
dm_ss_cli_clear(void)
{
	g_free(ss.file);
	g_strfreev(ss.addrs);
	ss.file = NULL;
	ss.addrs = NULL;
}
