/* main.c - the demuxsim command line: read captures, decode every frame,
 * verify transport checksums, and report.
 *
 * Exit status: 0 done, 1 input error (results so far are still reported),
 * 2 usage error.
 */
#include "config.h"

#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "demuxsim/capture.h"
#include "demuxsim/decode.h"
#include "demuxsim/report.h"
#include "demuxsim/summary.h"

enum { EXIT_DONE = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef struct {
	gchar *read_file;
	gchar *format;
	gboolean all_frames;
	gboolean quiet;
	gboolean version;
	gchar **files;
} options;

static void
input_error(const char *path, uint64_t frame, const char *msg)
{
	if (frame)
		g_printerr("demuxsim: %s: frame %" G_GUINT64_FORMAT ": %s\n", path, frame, msg);
	else
		g_printerr("demuxsim: %s: %s\n", path, msg);
}

/* Process one capture file.  Returns false after an input error. */
static bool
run_file(const char *path, dm_report *rep, dm_summary *sum)
{
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(path, &err);
	char lt[64];

	if (!cap) {
		input_error(path, 0, err->message);
		g_error_free(err);
		return false;
	}
	int dlt = dm_capture_linktype(cap);
	if (!dm_linktype_supported(dlt)) {
		char msg[128];
		g_snprintf(msg, sizeof msg, "unsupported link type %s",
		           dm_linktype_describe(dlt, lt, sizeof lt));
		input_error(path, 0, msg);
		dm_capture_close(cap);
		return false;
	}
	dm_report_begin_file(rep, path, dm_capture_nanosecond(cap));

	dm_record rec;
	dm_packet pkt;
	uint64_t frame = 0;
	int rc;
	while ((rc = dm_capture_next(cap, &rec, &err)) == 1) {
		frame++;
		dm_frame_status st = dm_decode_frame(dlt, rec.data, rec.caplen,
		                                     rec.wirelen, &pkt);
		dm_summary_add(sum, st, &pkt);
		dm_report_frame(rep, frame, &rec, st, &pkt);
	}
	dm_capture_close(cap);
	if (rc < 0) {
		input_error(path, frame + 1, err->message);
		g_error_free(err);
		return false;
	}
	return true;
}

static const char *const description =
	"Reads pcap and pcapng captures (FILE or -r FILE; - for standard input),\n"
	"decodes every UDP and TCP segment and verifies its checksum with the\n"
	"IPv4/IPv6 pseudo-header.\n"
	"\n"
	"Checksum status: good, bad (mismatch, zero-ipv6), absent (UDP/IPv4\n"
	"checksum 0), partial (pseudo-header sum only: transmit offload),\n"
	"unverified (truncated, fragment, malformed).\n"
	"\n"
	"Exit status: 0 done; 1 input error (unreadable, truncated or damaged\n"
	"capture, unsupported link type: results so far are still reported);\n"
	"2 usage error.";

int
main(int argc, char **argv)
{
	options o = { 0 };
	GOptionEntry entries[] = {
		{ "read", 'r', 0, G_OPTION_ARG_FILENAME, &o.read_file,
		  "Read the capture FILE (- for standard input)", "FILE" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &o.format,
		  "Output format: text (default), jsonl (one object per segment), json (summary)", "FMT" },
		{ "all-frames", 0, 0, G_OPTION_ARG_NONE, &o.all_frames,
		  "Also trace frames that carry no UDP/TCP segment", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		  "No per-segment trace: the summary only", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &o.version,
		  "Print the version and exit", NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.files,
		  NULL, "FILE..." },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GError *err = NULL;
	int status = EXIT_DONE;

	setlocale(LC_ALL, "");
	GOptionContext *ctx = g_option_context_new("[FILE...]");
	g_option_context_set_summary(ctx, "Simulate how a host's transport layer demultiplexes captured traffic.");
	g_option_context_set_description(ctx, description);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		g_printerr("demuxsim: %s (try --help)\n", err->message);
		g_error_free(err);
		g_option_context_free(ctx);
		return EXIT_USAGE;
	}
	g_option_context_free(ctx);
	if (o.version) {
		printf("demuxsim %s\n", PACKAGE_VERSION);
		return EXIT_DONE;
	}

	dm_format fmt = DM_FORMAT_TEXT;
	if (o.format && !dm_format_parse(o.format, &fmt)) {
		g_printerr("demuxsim: unknown format '%s' (text, jsonl, json)\n", o.format);
		return EXIT_USAGE;
	}
	GPtrArray *inputs = g_ptr_array_new();
	if (o.read_file)
		g_ptr_array_add(inputs, o.read_file);
	for (gchar **f = o.files; f && *f; f++)
		g_ptr_array_add(inputs, *f);
	if (inputs->len == 0) {
		g_printerr("demuxsim: no capture given (use -r FILE or FILE...; try --help)\n");
		g_ptr_array_unref(inputs);
		return EXIT_USAGE;
	}

	static char outbuf[1 << 16];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	unsigned flags = (o.all_frames ? DM_REPORT_ALL_FRAMES : 0) |
	                 (o.quiet ? DM_REPORT_QUIET : 0);
	dm_report *rep = dm_report_new(stdout, fmt, flags);
	dm_summary sum = { 0 };
	for (guint i = 0; i < inputs->len; i++) {
		if (!run_file(g_ptr_array_index(inputs, i), rep, &sum)) {
			status = EXIT_INPUT;
			break;
		}
	}
	dm_report_summary(rep, &sum);
	dm_report_free(rep);
	fflush(stdout);

	g_ptr_array_unref(inputs);
	g_free(o.read_file);
	g_free(o.format);
	g_strfreev(o.files);
	return status;
}
