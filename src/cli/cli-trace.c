/* cli-trace.c - the trace line options of the command line, as tcpdump
 * takes them: -t repeated (-t none, -tt epoch seconds, -ttt delta since
 * the previous line, -tttt date and time, -ttttt since the first line;
 * default HH:MM:SS.ffffff in local time), -v and --time-stamp-precision.
 * They set the defaults of the reports made after the parse. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "demuxsim/decode.h"

#include "cli-trace-int.h"

static int trace_t_count;
static dm_time_precision trace_prec;

static void
apply(void)
{
	static const dm_time_mode modes[] = {
		DM_TIME_CLOCK, DM_TIME_NONE, DM_TIME_EPOCH, DM_TIME_DELTA, DM_TIME_DATE,
		DM_TIME_SINCE_FIRST,
	};
	int n = trace_t_count > 5 ? 5 : trace_t_count;
	dm_report_set_trace_defaults(modes[n], trace_prec);
}

static gboolean
on_t(const gchar *name, const gchar *value, gpointer data, GError **error)
{
	(void)name, (void)value, (void)data, (void)error;
	trace_t_count++;
	apply();
	return TRUE;
}

static gboolean
on_v(const gchar *name, const gchar *value, gpointer data, GError **error)
{
	static int level;
	(void)name, (void)value, (void)data, (void)error;
	dm_report_set_trace_verbose(++level);
	dm_decode_set_details(true);
	return TRUE;
}

static gboolean
on_e(const gchar *name, const gchar *value, gpointer data, GError **error)
{
	(void)name, (void)value, (void)data, (void)error;
	dm_report_set_trace_link(true);
	dm_decode_set_details(true);
	return TRUE;
}

static gboolean
on_fields(const gchar *name, const gchar *value, gpointer data, GError **error)
{
	(void)name, (void)data;
	if (strcmp(value, "list") == 0) {
		dm_report_list_fields(stdout);
		fflush(stdout);
		exit(0);
	}
	return dm_report_set_trace_fields(value, error);
}

static gboolean
on_precision(const gchar *name, const gchar *value, gpointer data, GError **error)
{
	(void)name, (void)data;
	if (strcmp(value, "micro") == 0) {
		trace_prec = DM_PREC_MICRO;
	} else if (strcmp(value, "nano") == 0) {
		trace_prec = DM_PREC_NANO;
	} else {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            "--time-stamp-precision: '%s' is not micro or nano", value);
		return FALSE;
	}
	apply();
	return TRUE;
}

const GOptionEntry *
dm_trace_cli_entries(void)
{
	static const GOptionEntry e[] = {
		{ "time", 't', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer)on_t,
		  "Trace times as tcpdump: -t none, -tt epoch seconds, -ttt since the previous line, "
		  "-tttt date and time, -ttttt since the first line (default HH:MM:SS.ffffff, local time)",
		  NULL },
		{ "verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer)on_v,
		  "Trace lines also give the IP ttl (hop limit), id and total length, the "
		  "segment's length (seglen) and header length (hdrlen) and the TCP options, as "
		  "tcpdump -v; -vv adds the IPv4 header checksum, the TCP urgent pointer and the "
		  "UDP length field", NULL },
		{ "link-header", 'e', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer)on_e,
		  "Trace lines give the link header first, as tcpdump -e: Ethernet addresses, "
		  "ethertype and frame length, 802.1Q tags, Linux cooked capture packet type and "
		  "address, loopback address family", NULL },
		{ "fields", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer)on_fields,
		  "With --format jsonl or csv: only these per-frame fields, in this order "
		  "(csv: one row per segment instead of the socket table); --fields list names them",
		  "NAME,..." },
		{ "time-stamp-precision", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer)on_precision,
		  "Print times with micro (6) or nano (9) second digits (default: as the capture has them)",
		  "micro|nano" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	return e;
}
