/* report-tables.c - the end-of-run report: the summary of counts and the
 * simulated hosts' socket tables, as text (in the style of `ss -tuan`),
 * as one JSON document or as CSV (one row per socket).
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "json-writer.h"
#include "report-int.h"
#include "report-reasm.h"

/* --- Text ---------------------------------------------------------------- */

static void
text_counts(FILE *out, const char *title, const uint64_t *counts, int first,
            int n, const char *(*name)(int))
{
	bool any = false;
	for (int i = first; i < n; i++) {
		if (!counts[i])
			continue;
		fprintf(out, "%s%s %" G_GUINT64_FORMAT, any ? ", " : title, name(i), counts[i]);
		any = true;
	}
	if (any)
		fputc('\n', out);
}

static const char *status_name_i(int i) { return dm_csum_status_name(i); }
static const char *reason_name_i(int i) { return dm_csum_reason_name(i); }
static const char *malformed_name_i(int i) { return dm_malformed_name(i); }
static const char *frame_name_i(int i) { return dm_frame_status_name(i); }
static const char *drop_name_i(int i) { return dm_drop_name(i); }
static const char *retire_name_i(int i) { return dm_retire_name(i); }

/* The host's entries expired or evicted to keep the state bounded. */
static void
host_retired(const dm_host *h, uint64_t *counts)
{
	for (int r = 0; r < DM_RETIRE_N; r++)
		counts[r] = dm_host_retired(h, r);
}

static bool
any_count(const uint64_t *counts, int first, int n)
{
	for (int i = first; i < n; i++)
		if (counts[i])
			return true;
	return false;
}

/* The state held against the limits, and everything retired: printed
 * when anything was (a run that needed no expiry or eviction says
 * nothing). */
static void
text_usage(FILE *out, const dm_demux *dm)
{
	dm_demux_usage u;
	dm_demux_get_usage(dm, &u);
	if (!any_count(u.retired, 1, DM_RETIRE_N))
		return;
	fprintf(out, "\nState: %" G_GUINT64_FORMAT " sockets held (peak %" G_GUINT64_FORMAT
	        ", limit %" G_GUINT64_FORMAT "), about %" G_GUINT64_FORMAT " KiB (peak %"
	        G_GUINT64_FORMAT ", limit %" G_GUINT64_FORMAT ")\n",
	        u.sockets, u.peak_sockets, u.max_sockets, u.memory / 1024,
	        u.peak_memory / 1024, u.max_memory / 1024);
	text_counts(out, "  expired or evicted: ", u.retired, 1, DM_RETIRE_N, retire_name_i);
	text_counts(out, "  forgotten hosts had dropped: ", u.forgotten_drops, 1, DM_DROP_N,
	            drop_name_i);
	text_counts(out, "  forgotten hosts had expired or evicted: ", u.forgotten_retired, 1,
	            DM_RETIRE_N, retire_name_i);
	if (u.limit_unmet)
		fprintf(out, "  limits not met after %" G_GUINT64_FORMAT " frames: what cannot be"
		        " evicted exceeds them\n", u.limit_unmet);
}

static void
text_summary(dm_report *rep, const dm_summary *sum)
{
	FILE *out = rep->out;

	fprintf(out, "\n%" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
	        " UDP and %" G_GUINT64_FORMAT " TCP segments\n",
	        sum->frames, sum->segments[DM_PROTO_UDP], sum->segments[DM_PROTO_TCP]);
	for (int p = 0; p < DM_N_PROTO; p++) {
		if (sum->segments[p])
			text_counts(out, p == DM_PROTO_UDP ? "  UDP checksums: " : "  TCP checksums: ",
			            sum->status[p], 0, DM_CSUM_N_STATUS, status_name_i);
	}
	text_counts(out, "  checksum reasons: ", sum->reason, 1, DM_CSUM_N_REASON, reason_name_i);
	text_counts(out, "  malformed: ", sum->malformed, 1, DM_MAL_N, malformed_name_i);
	uint64_t skipped[DM_FRAME_N_STATUS];
	memcpy(skipped, sum->outcome, sizeof skipped);
	skipped[DM_FRAME_SEGMENT] = 0;
	text_counts(out, "  frames without a segment: ", skipped, 0, DM_FRAME_N_STATUS, frame_name_i);
	if (sum->ip_header_bad)
		fprintf(out, "  IPv4 header checksums bad: %" G_GUINT64_FORMAT "\n", sum->ip_header_bad);
	dm_report_reasm_summary_text(out, &sum->reasm, sum->fragments);
}

static char *
state_text(const dm_socket *s)
{
	if (dm_socket_proto(s) == 17)
		return g_strdup(dm_socket_remote(s, NULL) ? "ESTAB" : "UNCONN");
	return g_strdup(dm_tcp_state_name(dm_socket_state(s)));
}

static void
text_socket(dm_report *rep, const dm_socket *s, int indent)
{
	char l[56], r[56];
	uint16_t lport, rport;
	int fam = dm_socket_family(s);
	const uint8_t *la = dm_socket_local(s, &lport);
	const uint8_t *ra = dm_socket_remote(s, &rport);
	char *st = state_text(s);
	GString *notes = g_string_new(NULL);

	dm_report_endpoint(fam, la, lport, dm_socket_local_is_wildcard(s), l);
	if (ra)
		dm_report_endpoint(fam, ra, rport, false, r);
	else
		strcpy(r, "*:*");
	if (dm_socket_midstream(s))
		g_string_append(notes, " midstream");
	if (dm_socket_declared(s))
		g_string_append(notes, " declared");
	if (dm_socket_retired(s))
		g_string_append_printf(notes, " %s", dm_retire_name(dm_socket_retired(s)));
	if (dm_socket_peers_folded(s))
		g_string_append(notes, " peers-folded");
	fprintf(rep->out, "  %*s%-5s %-12s %-*s %-*s %6u %8" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
	        " %5" G_GUINT64_FORMAT " %5u%s\n",
	        indent, "", dm_socket_proto(s) == 17 ? "udp" : "tcp", st,
	        30 - indent, l, 30, r, dm_socket_id(s), dm_socket_segments(s),
	        dm_socket_bytes(s), dm_socket_bad_checksums(s), dm_socket_peers(s),
	        notes->str);
	g_free(st);
	g_string_free(notes, TRUE);
}

static void
text_host(dm_report *rep, const dm_host *h)
{
	FILE *out = rep->out;
	char a[INET6_ADDRSTRLEN], peer[56];
	const GPtrArray *socks = dm_host_sockets(h);
	const GArray *refused = dm_host_refusals(h);

	fprintf(out, "\nHost %s\n", dm_report_address(dm_host_family(h), dm_host_address(h), a));
	fprintf(out, "  %-5s %-12s %-30s %-30s %6s %8s %10s %5s %5s\n", "Netid", "State",
	        "Local Address:Port", "Peer Address:Port", "Socket", "Segments",
	        "Bytes", "Bad", "Peers");
	/* Listeners with their accepted children indented under them; the
	 * children of a listener are printed with it, not on their own. */
	for (guint i = 0; i < socks->len; i++) {
		const dm_socket *s = g_ptr_array_index(socks, i);
		if (dm_socket_parent(s))
			continue;
		text_socket(rep, s, 0);
		if (dm_socket_kind(s) != DM_KIND_LISTEN)
			continue;
		for (guint j = i + 1; j < socks->len; j++) {
			const dm_socket *c = g_ptr_array_index(socks, j);
			if (dm_socket_parent(c) == s)
				text_socket(rep, c, 2);
		}
	}
	for (guint i = 0; i < refused->len; i++) {
		const dm_refusal *r = &g_array_index(refused, dm_refusal, i);
		fprintf(out, "  refused: %s port %u from %s at frame %" G_GUINT64_FORMAT,
		        r->proto == 17 ? "udp" : "tcp", r->port,
		        dm_report_endpoint(dm_host_family(h), r->peer, r->peer_port, false, peer),
		        r->frame);
		if (r->count > 1)
			fprintf(out, " (%u attempts)", r->count);
		fprintf(out, ": host answers %s", dm_reply_name(r->reply));
		if (r->evidence)
			fprintf(out, ", seen at frame %" G_GUINT64_FORMAT "\n", r->evidence);
		else
			fputs(", not in the capture\n", out);
	}
	uint64_t drops[DM_DROP_N];
	for (int d = 0; d < DM_DROP_N; d++)
		drops[d] = dm_host_drops(h, d);
	text_counts(out, "  dropped: ", drops, 1, DM_DROP_N, drop_name_i);
	uint64_t retired[DM_RETIRE_N];
	host_retired(h, retired);
	text_counts(out, "  expired or evicted: ", retired, 1, DM_RETIRE_N, retire_name_i);
}

/* --- JSON ---------------------------------------------------------------- */

static void
json_counts(jw *w, const char *member, const uint64_t *counts, int first, int n,
            const char *(*name)(int))
{
	jw_key(w, member);
	jw_begin_object(w);
	for (int i = first; i < n; i++) {
		jw_key(w, name(i));
		jw_uint(w, counts[i]);
	}
	jw_end_object(w);
}

static void
json_uint(jw *w, const char *member, uint64_t v)
{
	jw_key(w, member);
	jw_uint(w, v);
}

static void
json_string(jw *w, const char *member, const char *v)
{
	jw_key(w, member);
	jw_string(w, v);
}

/* A time at the capture's precision, as in the trace; null when @have
 * is false. */
static void
json_time(jw *w, const char *member, const dm_report *rep, int64_t sec,
          uint32_t nsec, bool have)
{
	jw_key(w, member);
	if (!have) {
		jw_null(w);
		return;
	}
	if (rep->nano)
		jw_fixed(w, sec, nsec, 9);
	else
		jw_fixed(w, sec, nsec / 1000, 6);
}

static void
json_frame(jw *w, const char *member, uint64_t frame)
{
	jw_key(w, member);
	if (frame)
		jw_uint(w, frame);
	else
		jw_null(w);
}

static void
json_socket(jw *w, const dm_report *rep, const dm_socket *s)
{
	char l[56], r[56];
	uint16_t lport, rport;
	int fam = dm_socket_family(s);
	const uint8_t *la = dm_socket_local(s, &lport);
	const uint8_t *ra = dm_socket_remote(s, &rport);
	const dm_socket *parent = dm_socket_parent(s);
	int64_t sec;
	uint32_t nsec;
	bool have = dm_socket_first_frame(s) != 0;

	jw_begin_object(w);
	json_uint(w, "id", dm_socket_id(s));
	json_string(w, "proto", dm_socket_proto(s) == 17 ? "udp" : "tcp");
	json_string(w, "kind", dm_sock_kind_name(dm_socket_kind(s)));
	json_string(w, "local", dm_report_endpoint(fam, la, lport, false, l));
	json_string(w, "remote", ra ? dm_report_endpoint(fam, ra, rport, false, r) : NULL);
	json_string(w, "state", dm_tcp_state_name(dm_socket_state(s)));
	json_frame(w, "parent", parent ? dm_socket_id(parent) : 0);
	jw_key(w, "midstream");
	jw_bool(w, dm_socket_midstream(s));
	jw_key(w, "declared");
	jw_bool(w, dm_socket_declared(s));
	json_uint(w, "segments", dm_socket_segments(s));
	json_uint(w, "bytes", dm_socket_bytes(s));
	json_uint(w, "bad_checksums", dm_socket_bad_checksums(s));
	json_uint(w, "peers", dm_socket_peers(s));
	if (dm_socket_peers_folded(s)) {
		jw_key(w, "peers_folded");
		jw_bool(w, true);
	}
	dm_socket_first_time(s, &sec, &nsec);
	json_time(w, "first", rep, sec, nsec, have);
	dm_socket_last_time(s, &sec, &nsec);
	json_time(w, "last", rep, sec, nsec, have);
	json_frame(w, "first_frame", dm_socket_first_frame(s));
	json_frame(w, "last_frame", dm_socket_last_frame(s));
	if (dm_socket_retired(s))
		json_string(w, "retired", dm_retire_name(dm_socket_retired(s)));
	if (rep->shard)
		dm_report_shard_socket_json(w, rep, s);
	jw_end_object(w);
}

static void
json_host(jw *w, const dm_report *rep, const dm_host *h)
{
	char a[INET6_ADDRSTRLEN], peer[56];
	const GPtrArray *socks = dm_host_sockets(h);
	const GArray *refused = dm_host_refusals(h);
	int fam = dm_host_family(h);

	jw_begin_object(w);
	json_string(w, "address", dm_report_address(fam, dm_host_address(h), a));
	jw_key(w, "sockets");
	jw_begin_array(w);
	for (guint i = 0; i < socks->len; i++)
		json_socket(w, rep, g_ptr_array_index(socks, i));
	jw_end_array(w);
	jw_key(w, "refused");
	jw_begin_array(w);
	for (guint i = 0; i < refused->len; i++) {
		const dm_refusal *r = &g_array_index(refused, dm_refusal, i);
		jw_begin_object(w);
		json_string(w, "proto", r->proto == 17 ? "udp" : "tcp");
		json_uint(w, "port", r->port);
		json_string(w, "peer", dm_report_endpoint(fam, r->peer, r->peer_port, false, peer));
		json_uint(w, "frame", r->frame);
		json_uint(w, "attempts", r->count);
		json_string(w, "reply", dm_reply_name(r->reply));
		json_frame(w, "evidence", r->evidence);
		jw_key(w, "confirmed");
		jw_bool(w, r->evidence != 0);
		jw_end_object(w);
	}
	jw_end_array(w);
	uint64_t drops[DM_DROP_N];
	for (int d = 0; d < DM_DROP_N; d++)
		drops[d] = dm_host_drops(h, d);
	json_counts(w, "dropped", drops, 1, DM_DROP_N, drop_name_i);
	uint64_t retired[DM_RETIRE_N];
	host_retired(h, retired);
	if (any_count(retired, 1, DM_RETIRE_N))
		json_counts(w, "retired", retired, 1, DM_RETIRE_N, retire_name_i);
	jw_end_object(w);
}

static void
json_document(dm_report *rep, const dm_summary *sum, const dm_demux *dm)
{
	jw w;

	jw_init(&w, rep->out, true);
	jw_begin_object(&w);
	jw_key(&w, "files");
	jw_begin_array(&w);
	for (guint i = 0; i < rep->files->len; i++)
		jw_string(&w, g_ptr_array_index(rep->files, i));
	jw_end_array(&w);
	json_uint(&w, "frames", sum->frames);
	if (rep->have_capture) {
		jw_key(&w, "capture");
		jw_begin_object(&w);
		json_uint(&w, "received", rep->capture.received);
		json_uint(&w, "dropped", rep->capture.dropped);
		json_uint(&w, "if_dropped", rep->capture.if_dropped);
		jw_end_object(&w);
	}
	jw_key(&w, "segments");
	jw_begin_object(&w);
	for (int p = 0; p < DM_N_PROTO; p++)
		json_uint(&w, dm_proto_name(p), sum->segments[p]);
	jw_end_object(&w);
	jw_key(&w, "checksum");
	jw_begin_object(&w);
	for (int p = 0; p < DM_N_PROTO; p++)
		json_counts(&w, dm_proto_name(p), sum->status[p], 0, DM_CSUM_N_STATUS, status_name_i);
	jw_end_object(&w);
	json_counts(&w, "checksum_reasons", sum->reason, 1, DM_CSUM_N_REASON, reason_name_i);
	json_counts(&w, "malformed", sum->malformed, 1, DM_MAL_N, malformed_name_i);
	json_counts(&w, "frames_by_outcome", sum->outcome, 0, DM_FRAME_N_STATUS, frame_name_i);
	json_uint(&w, "ip_header_checksum_bad", sum->ip_header_bad);
	json_uint(&w, "vlan_frames", sum->vlan_frames);
	json_uint(&w, "fragments", sum->fragments);
	dm_report_reasm_summary_json(&w, &sum->reasm);
	if (dm) {
		GPtrArray *hosts = dm_demux_hosts(dm);
		json_uint(&w, "sockets", dm_demux_socket_count(dm));
		jw_key(&w, "hosts");
		jw_begin_array(&w);
		for (guint i = 0; i < hosts->len; i++)
			if (dm_report_host_visible(rep, g_ptr_array_index(hosts, i)))
				json_host(&w, rep, g_ptr_array_index(hosts, i));
		jw_end_array(&w);
		g_ptr_array_unref(hosts);
		dm_demux_usage u;
		dm_demux_get_usage(dm, &u);
		if (any_count(u.retired, 1, DM_RETIRE_N)) {
			jw_key(&w, "state");
			jw_begin_object(&w);
			json_uint(&w, "sockets_held", u.sockets);
			json_uint(&w, "peak_sockets", u.peak_sockets);
			json_uint(&w, "max_sockets", u.max_sockets);
			json_uint(&w, "memory_held", u.memory);
			json_uint(&w, "peak_memory", u.peak_memory);
			json_uint(&w, "max_memory", u.max_memory);
			json_counts(&w, "retired", u.retired, 1, DM_RETIRE_N, retire_name_i);
			json_counts(&w, "forgotten_hosts_dropped", u.forgotten_drops, 1, DM_DROP_N,
			            drop_name_i);
			json_counts(&w, "forgotten_hosts_retired", u.forgotten_retired, 1,
			            DM_RETIRE_N, retire_name_i);
			json_uint(&w, "limit_unmet", u.limit_unmet);
			jw_end_object(&w);
		}
	}
	if (rep->shard)
		dm_report_shard_json(&w, rep);
	jw_end_object(&w);
}

/* --- CSV ----------------------------------------------------------------- */

static void
csv_sockets(dm_report *rep, const dm_demux *dm)
{
	FILE *out = rep->out;
	GPtrArray *hosts = dm_demux_hosts(dm);

	fputs("host,id,proto,kind,local,remote,state,parent,midstream,segments,bytes,"
	      "bad_checksums,peers,first_frame,last_frame\n", out);
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		const GPtrArray *socks = dm_host_sockets(h);
		char a[INET6_ADDRSTRLEN], l[56], r[56];
		int fam = dm_host_family(h);
		if (!dm_report_host_visible(rep, h))
			continue;
		dm_report_address(fam, dm_host_address(h), a);
		for (guint j = 0; j < socks->len; j++) {
			const dm_socket *s = g_ptr_array_index(socks, j);
			uint16_t lport, rport;
			const uint8_t *la = dm_socket_local(s, &lport);
			const uint8_t *ra = dm_socket_remote(s, &rport);
			const dm_socket *p = dm_socket_parent(s);
			const char *st = dm_tcp_state_name(dm_socket_state(s));
			fprintf(out, "%s,%u,%s,%s,%s,%s,%s,", a, dm_socket_id(s),
			        dm_socket_proto(s) == 17 ? "udp" : "tcp",
			        dm_sock_kind_name(dm_socket_kind(s)),
			        dm_report_endpoint(fam, la, lport, false, l),
			        ra ? dm_report_endpoint(fam, ra, rport, false, r) : "",
			        st ? st : "");
			if (p)
				fprintf(out, "%u", dm_socket_id(p));
			fprintf(out, ",%s,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%"
			        G_GUINT64_FORMAT ",%u,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "\n",
			        dm_socket_midstream(s) ? "true" : "false", dm_socket_segments(s),
			        dm_socket_bytes(s), dm_socket_bad_checksums(s), dm_socket_peers(s),
			        dm_socket_first_frame(s), dm_socket_last_frame(s));
		}
	}
	g_ptr_array_unref(hosts);
}

void
dm_report_summary(dm_report *rep, const dm_summary *sum, const dm_demux *dm)
{
	switch (rep->fmt) {
	case DM_FORMAT_TEXT:
		text_summary(rep, sum);
		if (dm) {
			GPtrArray *hosts = dm_demux_hosts(dm);
			for (guint i = 0; i < hosts->len; i++)
				if (dm_report_host_visible(rep, g_ptr_array_index(hosts, i)))
					text_host(rep, g_ptr_array_index(hosts, i));
			g_ptr_array_unref(hosts);
			text_usage(rep->out, dm);
		}
		break;
	case DM_FORMAT_JSON:
		json_document(rep, sum, dm);
		break;
	case DM_FORMAT_CSV:
		if (dm)
			csv_sockets(rep, dm);
		break;
	case DM_FORMAT_DOT:
	case DM_FORMAT_SVG:
		if (dm)
			dm_report_write_diagram(rep, dm);
		break;
	case DM_FORMAT_JSONL:
		break;
	}
}
