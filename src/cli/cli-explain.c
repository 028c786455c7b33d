/* cli-explain.c - `demuxsim --explain FRAMES -r FILE`: the checksum
 * computation of chosen frames step by step, with the diagnosis of a
 * wrong one.  One pass over the input: every UDP/TCP flow is noted (the
 * candidates for an address rewritten by NAT), the chosen frames are
 * copied, and explained at the end.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "cli-int.h"
#include "demuxsim/capture.h"
#include "demuxsim/decode.h"
#include "demuxsim/explain.h"
#include "demuxsim/report-explain.h"


typedef struct {
	uint64_t first, last;
} frame_range;

/* A chosen frame, copied out of the capture. */
typedef struct {
	uint64_t frame;
	int dlt;
	uint32_t caplen, wirelen;
	uint8_t *data;
} kept_frame;

bool
dm_cli_explain_wanted(const dm_cli_explain_opts *xo)
{
	return xo->frames || xo->full || xo->ip;
}

static bool
parse_number(const char *s, uint64_t *out)
{
	if (!*s || !g_ascii_isdigit(*s))
		return false;
	return g_ascii_string_to_unsigned(s, 10, 1, G_MAXUINT64, out, NULL);
}

/* "3", "3,7-9", "1-4,10": frame numbers from 1. */
static GArray *
parse_frames(const char *text)
{
	GArray *ranges = g_array_new(FALSE, FALSE, sizeof(frame_range));
	gchar **parts = g_strsplit(text, ",", -1);
	bool ok = parts[0] != NULL;

	for (gchar **p = parts; ok && *p; p++) {
		frame_range r;
		gchar *dash = strchr(*p, '-');
		g_strstrip(*p);
		if (dash) {
			*dash = '\0';
			ok = parse_number(g_strstrip(*p), &r.first) &&
			     parse_number(g_strstrip(dash + 1), &r.last) && r.first <= r.last;
		} else {
			ok = parse_number(*p, &r.first);
			r.last = r.first;
		}
		if (ok)
			g_array_append_val(ranges, r);
	}
	g_strfreev(parts);
	if (!ok) {
		g_array_unref(ranges);
		return NULL;
	}
	return ranges;
}

static bool
chosen(const GArray *ranges, uint64_t frame)
{
	for (guint i = 0; i < ranges->len; i++) {
		const frame_range *r = &g_array_index(ranges, frame_range, i);
		if (frame >= r->first && frame <= r->last)
			return true;
	}
	return false;
}

static uint64_t
highest(const GArray *ranges)
{
	uint64_t hi = 0;
	for (guint i = 0; i < ranges->len; i++)
		hi = MAX(hi, g_array_index(ranges, frame_range, i).last);
	return hi;
}

/* Read @path: note its flows, keep its chosen frames.  Returns false after
 * an input error (reported). */
static bool
read_input(const char *path, const GArray *ranges, uint64_t *frame,
           dm_flowseen *fs, GArray *kept)
{
	GError *err = NULL;
	char lt[64];
	dm_capture *cap = dm_capture_open_file(path, &err);

	if (!cap) {
		g_printerr("demuxsim: %s: %s\n", path, err->message);
		g_error_free(err);
		return false;
	}
	int dlt = dm_capture_linktype(cap);
	if (!dm_linktype_supported(dlt)) {
		g_printerr("demuxsim: %s: unsupported link type %s\n", path,
		           dm_linktype_describe(dlt, lt, sizeof lt));
		dm_capture_close(cap);
		return false;
	}
	dm_record rec;
	dm_packet pkt;
	uint64_t in_file = 0;
	int rc;
	while ((rc = dm_capture_next(cap, &rec, &err)) == 1) {
		in_file++;
		++*frame;
		if (dm_decode_frame(rec.dlt, rec.data, rec.caplen, rec.wirelen, &pkt) ==
		    DM_FRAME_SEGMENT)
			dm_flowseen_add(fs, *frame, &pkt);
		if (chosen(ranges, *frame)) {
			kept_frame k = {
				*frame, rec.dlt, rec.caplen, rec.wirelen,
				g_memdup2(rec.data, rec.caplen),
			};
			g_array_append_val(kept, k);
		}
	}
	dm_capture_close(cap);
	if (rc < 0) {
		g_printerr("demuxsim: %s: frame %" G_GUINT64_FORMAT ": %s\n", path,
		           in_file + 1, err->message);
		g_error_free(err);
		return false;
	}
	return true;
}

static void
explain_frame(dm_xreport *r, const dm_cli_explain_opts *xo, const dm_flowseen *fs,
              const kept_frame *k)
{
	unsigned flags = xo->full ? DM_EXPLAIN_FULL : 0;
	dm_packet pkt;
	dm_frame_status st = dm_decode_frame(k->dlt, k->data, k->caplen, k->wirelen, &pkt);

	if (xo->ip) {
		if (pkt.family == 4 && pkt.ip4_hdr) {
			dm_explain *x = dm_explain_ipv4_header(pkt.ip4_hdr, pkt.ip4_hdr_len, flags);
			if (st == DM_FRAME_SEGMENT)
				dm_flowseen_diagnose(fs, &pkt, x);
			dm_explain_conclude(x);
			dm_xreport_add(r, k->frame, x);
			dm_explain_free(x);
		} else {
			dm_xreport_skip(r, k->frame, true,
			                pkt.family == 6 ? "ipv6" : dm_frame_status_name(st), NULL);
		}
	}
	if (st != DM_FRAME_SEGMENT) {
		char buf[96];
		dm_xreport_skip(r, k->frame, false, dm_frame_status_name(st),
		                dm_report_skip_detail(st, &pkt, buf, sizeof buf));
		return;
	}
	dm_explain *x = dm_explain_packet(&pkt, flags);
	dm_flowseen_diagnose(fs, &pkt, x);
	dm_explain_conclude(x);
	dm_xreport_add(r, k->frame, x);
	dm_explain_free(x);
}

int
dm_cli_explain(const dm_cli_explain_opts *xo, dm_format fmt,
               const char *const *files, size_t n)
{
	if (!xo->frames) {
		g_printerr("demuxsim: --explain-full and --explain-ip go with --explain FRAMES"
		           " (try --help)\n");
		return DM_EXIT_USAGE;
	}
	if (!dm_xreport_format_supported(fmt)) {
		g_printerr("demuxsim: --explain writes text, json or jsonl, not csv\n");
		return DM_EXIT_USAGE;
	}
	GArray *ranges = parse_frames(xo->frames);
	if (!ranges) {
		g_printerr("demuxsim: --explain: '%s' is not a list of frame numbers"
		           " (e.g. 3 or 3,7-9; frames count from 1)\n", xo->frames);
		return DM_EXIT_USAGE;
	}

	int status = DM_EXIT_DONE;
	dm_flowseen *fs = dm_flowseen_new();
	GArray *kept = g_array_new(FALSE, FALSE, sizeof(kept_frame));
	uint64_t frame = 0;
	for (size_t i = 0; i < n && status == DM_EXIT_DONE; i++)
		if (!read_input(files[i], ranges, &frame, fs, kept))
			status = DM_EXIT_INPUT;

	dm_xreport *r = dm_xreport_new(stdout, fmt);
	for (guint i = 0; i < kept->len; i++)
		explain_frame(r, xo, fs, &g_array_index(kept, kept_frame, i));
	dm_xreport_free(r);
	if (status == DM_EXIT_DONE && highest(ranges) > frame) {
		g_printerr("demuxsim: %s: no frame %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
		           " frames)\n", n == 1 ? files[0] : "input", highest(ranges), frame);
		status = DM_EXIT_INPUT;
	}

	for (guint i = 0; i < kept->len; i++)
		g_free(g_array_index(kept, kept_frame, i).data);
	g_array_unref(kept);
	g_array_unref(ranges);
	dm_flowseen_free(fs);
	return status;
}
