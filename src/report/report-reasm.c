/* report-reasm.c - IP reassembly in the report: the frames a reassembled
 * datagram came from, and the reassembly counts of the summary. */
#include "config.h"

#include <glib.h>

#include "report-reasm-int.h"

void
dm_report_reasm_jsonl(FILE *out, const dm_packet *pkt)
{
	if (!pkt->n_reasm_frames)
		return;
	fputs(",\"fragments\":[", out);
	for (uint32_t i = 0; i < pkt->n_reasm_frames; i++)
		fprintf(out, "%s%" G_GUINT64_FORMAT, i ? "," : "", pkt->reasm_frames[i]);
	fputc(']', out);
}

void
dm_report_reasm_text(FILE *out, const dm_packet *pkt)
{
	if (!pkt->n_reasm_frames)
		return;
	fputs(" reassembled from frames ", out);
	for (uint32_t i = 0; i < pkt->n_reasm_frames; i++)
		fprintf(out, "%s%" G_GUINT64_FORMAT, i ? "," : "", pkt->reasm_frames[i]);
}

/* What happens to an overlapping datagram of family index @f. */
static const char *
overlap_policy(int f)
{
	return f == 0 ? " (kept, first wins)" : " (dropped, RFC 5722)";
}

void
dm_report_reasm_summary_text(FILE *out, const dm_reasm_stats *st, uint64_t fragments)
{
	if (!st->enabled) {
		if (fragments)
			fputs("  reassembly: off (fragments not reassembled)\n", out);
		return;
	}
	for (int f = 0; f < 2; f++) {
		const uint64_t *c = st->count[f];
		if (!c[DM_REASM_FRAGMENTS])
			continue;
		fprintf(out, "  %s reassembly:", f == 0 ? "IPv4" : "IPv6");
		bool first = true;
		for (int i = 0; i < DM_REASM_N_COUNT; i++) {
			if (!c[i] && i != DM_REASM_REASSEMBLED)
				continue;
			fprintf(out, "%s %s %" G_GUINT64_FORMAT, first ? "" : ",",
			        dm_reasm_count_name(i), c[i]);
			if (i == DM_REASM_OVERLAPPING)
				fputs(overlap_policy(f), out);
			first = false;
		}
		fputc('\n', out);
	}
}

void
dm_report_reasm_summary_json(jw *w, const dm_reasm_stats *st)
{
	jw_key(w, "reassembly");
	jw_begin_object(w);
	jw_key(w, "enabled");
	jw_bool(w, st->enabled);
	if (st->enabled) {
		for (int f = 0; f < 2; f++) {
			jw_key(w, f == 0 ? "ipv4" : "ipv6");
			jw_begin_object(w);
			for (int i = 0; i < DM_REASM_N_COUNT; i++) {
				jw_key(w, dm_reasm_count_name(i));
				jw_uint(w, st->count[f][i]);
			}
			jw_end_object(w);
		}
		jw_key(w, "peak_memory");
		jw_uint(w, st->peak_memory);
		jw_key(w, "max_memory");
		jw_uint(w, st->max_memory);
	}
	jw_end_object(w);
}
