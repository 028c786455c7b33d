/* report.c - formatting of the trace and the summary.  JSON lines are
 * written directly (one buffered line per segment, no per-line tree); the
 * summary document is built with json-glib.
 */
#include "config.h"

#include <arpa/inet.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "demuxsim/report.h"

struct dm_report {
	FILE *out;
	dm_format fmt;
	unsigned flags;
	bool nano;
	GPtrArray *files;
};

bool
dm_format_parse(const char *name, dm_format *fmt)
{
	static const struct { const char *name; dm_format fmt; } names[] = {
		{ "text", DM_FORMAT_TEXT }, { "jsonl", DM_FORMAT_JSONL },
		{ "json", DM_FORMAT_JSON }, { "csv", DM_FORMAT_CSV },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*fmt = names[i].fmt;
			return true;
		}
	}
	return false;
}

dm_report *
dm_report_new(FILE *out, dm_format fmt, unsigned flags)
{
	dm_report *rep = g_new0(dm_report, 1);
	rep->out = out;
	rep->fmt = fmt;
	rep->flags = flags;
	rep->files = g_ptr_array_new_with_free_func(g_free);
	return rep;
}

void
dm_report_begin_file(dm_report *rep, const char *path, bool nano)
{
	rep->nano = nano;
	g_ptr_array_add(rep->files, g_strdup(path));
}

char *
dm_report_address(int family, const uint8_t *addr, char *buf)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, INET6_ADDRSTRLEN))
		strcpy(buf, "?");
	return buf;
}

static void
write_time(dm_report *rep, const dm_record *rec)
{
	if (rep->nano)
		fprintf(rep->out, "%" G_GINT64_FORMAT ".%09u", rec->sec, rec->frac);
	else
		fprintf(rep->out, "%" G_GINT64_FORMAT ".%06u", rec->sec, rec->frac);
}

static const char *
proto_label(const dm_packet *pkt, bool upper)
{
	if (pkt->proto == 17)
		return upper ? "UDP" : "udp";
	return upper ? "TCP" : "tcp";
}

/* A JSON string or null. */
static void
json_str(FILE *out, const char *key, const char *val)
{
	if (val)
		fprintf(out, ",\"%s\":\"%s\"", key, val);
	else
		fprintf(out, ",\"%s\":null", key);
}

static void
json_hex16(FILE *out, const char *key, bool have, uint16_t v)
{
	if (have)
		fprintf(out, ",\"%s\":\"0x%04x\"", key, v);
	else
		fprintf(out, ",\"%s\":null", key);
}

static void
jsonl_segment(dm_report *rep, uint64_t frame, const dm_record *rec,
              const dm_packet *pkt)
{
	FILE *out = rep->out;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], flags[9];
	bool udp = pkt->proto == 17;

	fprintf(out, "{\"frame\":%" G_GUINT64_FORMAT ",\"time\":", frame);
	write_time(rep, rec);
	fprintf(out, ",\"proto\":\"%s\",\"family\":%u,\"src\":\"%s\",\"sport\":%u,"
	        "\"dst\":\"%s\",\"dport\":%u",
	        proto_label(pkt, false), pkt->family,
	        dm_report_address(pkt->family, pkt->src, s), pkt->sport,
	        dm_report_address(pkt->family, pkt->dst, d), pkt->dport);
	if (!udp || pkt->have_length)
		fprintf(out, ",\"length\":%u,\"payload\":%u", pkt->seg_len, pkt->payload_len);
	else
		fputs(",\"length\":null,\"payload\":null", out);
	json_hex16(out, "checksum", pkt->have_csum_field, pkt->csum.stored);
	json_hex16(out, "computed", pkt->csum.have_expected, pkt->csum.expected);
	json_str(out, "checksum_status", dm_csum_status_name(pkt->csum.status));
	json_str(out, "checksum_reason", dm_csum_reason_name(pkt->csum.reason));
	json_str(out, "malformed", dm_malformed_name(pkt->malformed));
	fprintf(out, ",\"fragment\":%s", pkt->is_fragment ? "true" : "false");
	if (pkt->family == 4)
		json_str(out, "ip_checksum", pkt->ip_csum_bad ? "bad" : "good");
	if (!udp) {
		if (pkt->have_tcp)
			fprintf(out, ",\"tcp\":{\"seq\":%u,\"ack\":%u,\"flags\":\"%s\",\"window\":%u}",
			        pkt->seq, pkt->ack, dm_tcp_flags_string(pkt->tcp_flags, flags),
			        pkt->window);
		else
			fputs(",\"tcp\":null", out);
	}
	fputs("}\n", out);
}

static void
text_segment(dm_report *rep, uint64_t frame, const dm_record *rec,
             const dm_packet *pkt)
{
	FILE *out = rep->out;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], flags[9];
	const char *o = pkt->family == 6 ? "[" : "", *c = pkt->family == 6 ? "]" : "";
	const char *reason = dm_csum_reason_name(pkt->csum.reason);
	const char *mal = dm_malformed_name(pkt->malformed);

	fprintf(out, "%" G_GUINT64_FORMAT " ", frame);
	write_time(rep, rec);
	fprintf(out, " %s %s%s%s:%u > %s%s%s:%u", proto_label(pkt, true),
	        o, dm_report_address(pkt->family, pkt->src, s), c, pkt->sport,
	        o, dm_report_address(pkt->family, pkt->dst, d), c, pkt->dport);
	if (pkt->proto == 6 && pkt->have_tcp)
		fprintf(out, " [%s] seq %u ack %u win %u",
		        dm_tcp_flags_string(pkt->tcp_flags, flags), pkt->seq, pkt->ack,
		        pkt->window);
	if (pkt->proto == 6 || pkt->have_length)
		fprintf(out, " len %u", pkt->seg_len);
	if (pkt->have_csum_field)
		fprintf(out, " cksum 0x%04x", pkt->csum.stored);
	if (pkt->csum.have_expected && pkt->csum.status != DM_CSUM_GOOD)
		fprintf(out, " (expected 0x%04x)", pkt->csum.expected);
	fprintf(out, " %s", dm_csum_status_name(pkt->csum.status));
	if (reason)
		fprintf(out, " (%s)", reason);
	if (pkt->is_fragment)
		fputs(" fragment", out);
	if (mal)
		fprintf(out, " malformed: %s", mal);
	if (pkt->family == 4 && pkt->ip_csum_bad)
		fputs(" ip-header-checksum-bad", out);
	fputc('\n', out);
}

static void
skipped_frame(dm_report *rep, uint64_t frame, const dm_record *rec,
              dm_frame_status st)
{
	if (rep->fmt == DM_FORMAT_JSONL) {
		fprintf(rep->out, "{\"frame\":%" G_GUINT64_FORMAT ",\"time\":", frame);
		write_time(rep, rec);
		fprintf(rep->out, ",\"skipped\":\"%s\"}\n", dm_frame_status_name(st));
	} else {
		fprintf(rep->out, "%" G_GUINT64_FORMAT " ", frame);
		write_time(rep, rec);
		fprintf(rep->out, " skipped: %s\n", dm_frame_status_name(st));
	}
}

void
dm_report_frame(dm_report *rep, uint64_t frame, const dm_record *rec,
                dm_frame_status st, const dm_packet *pkt)
{
	if ((rep->flags & DM_REPORT_QUIET) ||
	    (rep->fmt != DM_FORMAT_TEXT && rep->fmt != DM_FORMAT_JSONL))
		return;
	if (st != DM_FRAME_SEGMENT) {
		if (rep->flags & DM_REPORT_ALL_FRAMES)
			skipped_frame(rep, frame, rec, st);
		return;
	}
	if (rep->fmt == DM_FORMAT_JSONL)
		jsonl_segment(rep, frame, rec, pkt);
	else
		text_segment(rep, frame, rec, pkt);
}

static void
text_summary(dm_report *rep, const dm_summary *sum)
{
	FILE *out = rep->out;

	fprintf(out, "\n%" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
	        " UDP and %" G_GUINT64_FORMAT " TCP segments\n",
	        sum->frames, sum->segments[DM_PROTO_UDP], sum->segments[DM_PROTO_TCP]);
	for (int p = 0; p < DM_N_PROTO; p++) {
		if (!sum->segments[p])
			continue;
		fprintf(out, "  %s checksums:", p == DM_PROTO_UDP ? "UDP" : "TCP");
		for (int s = 0; s < DM_CSUM_N_STATUS; s++)
			if (sum->status[p][s])
				fprintf(out, " %s %" G_GUINT64_FORMAT,
				        dm_csum_status_name(s), sum->status[p][s]);
		fputc('\n', out);
	}
	bool any = false;
	for (int r = 1; r < DM_CSUM_N_REASON; r++) {
		if (!sum->reason[r])
			continue;
		fprintf(out, any ? ", %s %" G_GUINT64_FORMAT : "  checksum reasons: %s %" G_GUINT64_FORMAT,
		        dm_csum_reason_name(r), sum->reason[r]);
		any = true;
	}
	if (any)
		fputc('\n', out);
	any = false;
	for (int m = 1; m < DM_MAL_N; m++) {
		if (!sum->malformed[m])
			continue;
		fprintf(out, any ? ", %s %" G_GUINT64_FORMAT : "  malformed: %s %" G_GUINT64_FORMAT,
		        dm_malformed_name(m), sum->malformed[m]);
		any = true;
	}
	if (any)
		fputc('\n', out);
	any = false;
	for (int st = 0; st < DM_FRAME_N_STATUS; st++) {
		if (st == DM_FRAME_SEGMENT || !sum->outcome[st])
			continue;
		fprintf(out, any ? ", %s %" G_GUINT64_FORMAT : "  frames skipped: %s %" G_GUINT64_FORMAT,
		        dm_frame_status_name(st), sum->outcome[st]);
		any = true;
	}
	if (any)
		fputc('\n', out);
	if (sum->ip_header_bad)
		fprintf(out, "  IPv4 header checksums bad: %" G_GUINT64_FORMAT "\n", sum->ip_header_bad);
}

static void
json_counts(JsonBuilder *b, const char *member, const uint64_t *counts, int n,
            const char *(*name)(int), int first)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_object(b);
	for (int i = first; i < n; i++) {
		json_builder_set_member_name(b, name(i));
		json_builder_add_int_value(b, (gint64)counts[i]);
	}
	json_builder_end_object(b);
}

static const char *status_name_i(int i) { return dm_csum_status_name(i); }
static const char *reason_name_i(int i) { return dm_csum_reason_name(i); }
static const char *malformed_name_i(int i) { return dm_malformed_name(i); }
static const char *frame_name_i(int i) { return dm_frame_status_name(i); }

static void
json_summary(dm_report *rep, const dm_summary *sum)
{
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "files");
	json_builder_begin_array(b);
	for (guint i = 0; i < rep->files->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(rep->files, i));
	json_builder_end_array(b);
	json_builder_set_member_name(b, "frames");
	json_builder_add_int_value(b, (gint64)sum->frames);
	json_builder_set_member_name(b, "segments");
	json_builder_begin_object(b);
	for (int p = 0; p < DM_N_PROTO; p++) {
		json_builder_set_member_name(b, dm_proto_name(p));
		json_builder_add_int_value(b, (gint64)sum->segments[p]);
	}
	json_builder_end_object(b);
	json_builder_set_member_name(b, "checksum");
	json_builder_begin_object(b);
	for (int p = 0; p < DM_N_PROTO; p++)
		json_counts(b, dm_proto_name(p), sum->status[p], DM_CSUM_N_STATUS,
		            status_name_i, 0);
	json_builder_end_object(b);
	json_counts(b, "checksum_reasons", sum->reason, DM_CSUM_N_REASON, reason_name_i, 1);
	json_counts(b, "malformed", sum->malformed, DM_MAL_N, malformed_name_i, 1);
	json_counts(b, "frames_by_outcome", sum->outcome, DM_FRAME_N_STATUS, frame_name_i, 0);
	json_builder_set_member_name(b, "ip_header_checksum_bad");
	json_builder_add_int_value(b, (gint64)sum->ip_header_bad);
	json_builder_set_member_name(b, "vlan_frames");
	json_builder_add_int_value(b, (gint64)sum->vlan_frames);
	json_builder_set_member_name(b, "fragments");
	json_builder_add_int_value(b, (gint64)sum->fragments);
	json_builder_end_object(b);

	JsonGenerator *gen = json_generator_new();
	JsonNode *root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	gchar *text = json_generator_to_data(gen, NULL);
	fprintf(rep->out, "%s\n", text);
	g_free(text);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(b);
}

void
dm_report_summary(dm_report *rep, const dm_summary *sum)
{
	switch (rep->fmt) {
	case DM_FORMAT_TEXT:
		text_summary(rep, sum);
		break;
	case DM_FORMAT_JSON:
		json_summary(rep, sum);
		break;
	default:
		break;
	}
}

void
dm_report_free(dm_report *rep)
{
	if (!rep)
		return;
	fflush(rep->out);
	g_ptr_array_unref(rep->files);
	g_free(rep);
}
