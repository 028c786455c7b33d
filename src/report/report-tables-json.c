/* report-tables-json.c - the end-of-run report as one JSON document:
 * the summary of counts and the simulated hosts' socket tables (the text
 * form: report-tables.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "demuxsim/decode.h"

#include "json-writer-int.h"
#include "report-backlog-int.h"
#include "report-format-int.h"
#include "report-int.h"
#include "report-compact-int.h"
#include "report-reasm-int.h"
#include "report-tables-int.h"

/* --- JSON ---------------------------------------------------------------- */

/* Members whose key is a string literal (written without an escape scan). */
#define json_uint(w, member, v) do { jw_key_lit(w, member); jw_uint(w, v); } while (0)
#define json_string(w, member, v) do { jw_key_lit(w, member); jw_string(w, v); } while (0)
#define json_bool(w, member, v) do { jw_key_lit(w, member); jw_bool(w, v); } while (0)
#define json_frame(w, member, v) do { jw_key_lit(w, member); json_frame_value(w, v); } while (0)
#define json_counts(w, member, ...) \
	do { jw_key_lit(w, member); json_count_object(w, __VA_ARGS__); } while (0)

static void
json_count_object(jw *w, const uint64_t *counts, int first, int n, const char *(*name)(int))
{
	jw_begin_object(w);
	for (int i = first; i < n; i++) {
		jw_key(w, name(i));
		jw_uint(w, counts[i]);
	}
	jw_end_object(w);
}

static bool
has_tunnels(const dm_summary *sum)
{
	for (int i = 0; i < DM_ENCAP_N; i++)
		if (sum->encap[i])
			return true;
	return false;
}

/* A time at the capture's precision, as in the trace; null when @have
 * is false. */
static void
json_time_value(jw *w, const dm_report *rep, int64_t sec, uint32_t nsec, bool have)
{
	if (!have)
		jw_null(w);
	else
		jw_time(w, sec, rep->nano ? nsec : nsec / 1000, rep->nano);
}

/* A time as integer nanoseconds since 1970 (the trace's ts_ns), at the
 * capture's precision; null when @have is false. */
static void
json_ts_ns(jw *w, const dm_report *rep, int64_t sec, uint32_t nsec, bool have)
{
	if (!have)
		jw_null(w);
	else
		jw_uint(w, dm_report_ts_ns(rep->nano, sec, rep->nano ? nsec : nsec / 1000));
}

/* A frame number, null for none (0). */
static void
json_frame_value(jw *w, uint64_t frame)
{
	if (frame)
		jw_uint(w, frame);
	else
		jw_null(w);
}

/* A name from the program's own tables (no escaping), or null. */
static void
json_name_value(jw *w, const char *name)
{
	if (name)
		jw_string_plain(w, name);
	else
		jw_null(w);
}

/* "ADDR:PORT" or "[ADDR6]:PORT" in quotes, formatted in the writer's
 * buffer (the report writes two a socket). */
static void
json_endpoint_value(jw *w, int family, const uint8_t *addr, uint16_t port)
{
	char *p = jw_value_begin(w);
	*p++ = '"';
	p = dm_fmt_endpoint(p, family, addr, port);
	*p++ = '"';
	jw_value_end(w, p);
}

static void
json_socket(jw *w, const dm_report *rep, const dm_socket *s)
{
	uint16_t lport, rport;
	int fam = dm_socket_family(s);
	const uint8_t *la = dm_socket_local(s, &lport);
	const uint8_t *ra = dm_socket_remote(s, &rport);
	const dm_socket *parent = dm_socket_parent(s);
	int64_t sec;
	uint32_t nsec;
	uint64_t first_frame = dm_socket_first_frame(s);
	bool have = first_frame != 0;

	jw_begin_object(w);
	json_uint(w, "id", dm_socket_id(s));
	jw_key_lit(w, "proto");
	json_name_value(w, dm_socket_proto(s) == 17 ? "udp" : "tcp");
	jw_key_lit(w, "kind");
	json_name_value(w, dm_sock_kind_name(dm_socket_kind(s)));
	jw_key_lit(w, "local");
	json_endpoint_value(w, fam, la, lport);
	jw_key_lit(w, "remote");
	if (ra)
		json_endpoint_value(w, fam, ra, rport);
	else
		jw_null(w);
	jw_key_lit(w, "state");
	json_name_value(w, dm_tcp_state_name(dm_socket_state(s)));
	json_frame(w, "parent", parent ? dm_socket_id(parent) : 0);
	json_bool(w, "midstream", dm_socket_midstream(s));
	json_bool(w, "declared", dm_socket_declared(s));
	if (dm_socket_group_member(s) >= 0)
		json_uint(w, "reuseport_member", (uint64_t)dm_socket_group_member(s));
	if (dm_socket_v6only(s))
		json_bool(w, "v6only", true);
	json_uint(w, "segments", dm_socket_segments(s));
	json_uint(w, "bytes", dm_socket_bytes(s));
	json_uint(w, "bad_checksums", dm_socket_bad_checksums(s));
	json_uint(w, "peers", dm_socket_peers(s));
	if (dm_socket_peers_folded(s))
		json_bool(w, "peers_folded", true);
	int64_t lsec;
	uint32_t lnsec;
	dm_socket_first_time(s, &sec, &nsec);
	dm_socket_last_time(s, &lsec, &lnsec);
	jw_key_lit(w, "first");
	json_time_value(w, rep, sec, nsec, have);
	jw_key_lit(w, "last");
	json_time_value(w, rep, lsec, lnsec, have);
	/* The same times as exact integers (the floats above lose the last
	 * digits of a nanosecond time). */
	jw_key_lit(w, "first_ts_ns");
	json_ts_ns(w, rep, sec, nsec, have);
	jw_key_lit(w, "last_ts_ns");
	json_ts_ns(w, rep, lsec, lnsec, have);
	json_frame(w, "first_frame", first_frame);
	json_frame(w, "last_frame", dm_socket_last_frame(s));
	dm_retire_reason retired = dm_socket_retired(s);
	if (retired)
		json_string(w, "retired", dm_retire_name(retired));
	dm_report_backlog_json(w, s, rep->shard != NULL);
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
	if (dm_host_n_addresses(h) > 1 || dm_host_name(h)) {
		/* A host of several addresses: all of them, "address" first. */
		if (dm_host_name(h))
			json_string(w, "name", dm_host_name(h));
		jw_key_lit(w, "addresses");
		jw_begin_array(w);
		for (guint i = 0; i < dm_host_n_addresses(h); i++) {
			int f;
			const uint8_t *x = dm_host_address_at(h, i, &f);
			jw_string(w, dm_report_address(f, x, a));
		}
		jw_end_array(w);
	}
	dm_zone z = dm_host_zone(h);
	if (z.kind) {
		/* A host of a tenant network: the tunnel that keeps it apart. */
		jw_key_lit(w, "tunnel");
		jw_begin_object(w);
		json_string(w, "kind", dm_encap_kind_name(z.kind));
		json_uint(w, "id", z.id);
		jw_end_object(w);
	}
	jw_key_lit(w, "sockets");
	jw_begin_array(w);
	for (guint i = 0; i < socks->len; i++) {
		if (i + PREFETCH_AHEAD < socks->len)
			prefetch(g_ptr_array_index(socks, i + PREFETCH_AHEAD));
		json_socket(w, rep, g_ptr_array_index(socks, i));
	}
	jw_end_array(w);
	jw_key_lit(w, "refused");
	jw_begin_array(w);
	for (guint i = 0; i < refused->len; i++) {
		const dm_refusal *r = &g_array_index(refused, dm_refusal, i);
		jw_begin_object(w);
		json_string(w, "proto", r->proto == 17 ? "udp" : "tcp");
		json_uint(w, "port", r->port);
		json_string(w, "peer", dm_report_endpoint(dm_refusal_family(h, r), r->peer,
		                                          r->peer_port, false, peer));
		json_uint(w, "frame", r->frame);
		json_uint(w, "attempts", r->count);
		json_string(w, "reply", dm_reply_name(r->reply));
		json_frame(w, "evidence", r->evidence);
		json_bool(w, "confirmed", r->evidence != 0);
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
	dm_report_calls_json_host(w, rep, fam, dm_host_address(h));
	jw_end_object(w);
}

/* The hosts' socket tables and, when sockets left them, the state. */
static void
json_tables(jw *w, dm_report *rep, const dm_demux *dm)
{
	GPtrArray *hosts = dm_demux_hosts(dm);
	json_uint(w, "sockets", dm_demux_socket_count(dm));
	jw_key_lit(w, "hosts");
	jw_begin_array(w);
	for (guint i = 0; i < hosts->len; i++)
		if (dm_report_host_visible(rep, g_ptr_array_index(hosts, i)))
			json_host(w, rep, g_ptr_array_index(hosts, i));
	dm_report_calls_json_others(w, rep, dm);
	jw_end_array(w);
	g_ptr_array_unref(hosts);
	dm_demux_usage u;
	dm_demux_get_usage(dm, &u);
	if (any_count(u.retired, 1, DM_RETIRE_N)) {
		jw_key_lit(w, "state");
		jw_begin_object(w);
		json_uint(w, "sockets_held", u.sockets);
		json_uint(w, "peak_sockets", u.peak_sockets);
		json_uint(w, "max_sockets", u.max_sockets);
		json_uint(w, "memory_held", u.memory);
		json_uint(w, "peak_memory", u.peak_memory);
		json_uint(w, "max_memory", u.max_memory);
		json_counts(w, "retired", u.retired, 1, DM_RETIRE_N, retire_name_i);
		json_counts(w, "forgotten_hosts_dropped", u.forgotten_drops, 1, DM_DROP_N,
		            drop_name_i);
		json_counts(w, "forgotten_hosts_retired", u.forgotten_retired, 1,
		            DM_RETIRE_N, retire_name_i);
		json_uint(w, "limit_unmet", u.limit_unmet);
		jw_end_object(w);
	}
}

void
dm_report_tables_json(dm_report *rep, const dm_summary *sum, const dm_demux *dm)
{
	jw w;

	jw_init(&w, rep->out, true);
	jw_begin_object(&w);
	jw_key_lit(&w, "files");
	jw_begin_array(&w);
	for (guint i = 0; i < rep->files->len; i++)
		jw_string(&w, g_ptr_array_index(rep->files, i));
	jw_end_array(&w);
	json_uint(&w, "frames", sum->frames);
	if (sum->filtered)
		json_uint(&w, "filtered", sum->filtered);
	if (rep->have_capture) {
		jw_key_lit(&w, "capture");
		jw_begin_object(&w);
		json_uint(&w, "received", rep->capture.received);
		json_uint(&w, "dropped", rep->capture.dropped);
		json_uint(&w, "if_dropped", rep->capture.if_dropped);
		jw_end_object(&w);
	}
	if (rep->stop_signal) {
		char sig[16];
		jw_key_lit(&w, "interrupted");
		jw_begin_object(&w);
		json_string(&w, "signal", dm_report_signal_name(rep->stop_signal, sig));
		json_uint(&w, "frame", rep->stop_frame);
		jw_end_object(&w);
	}
	jw_key_lit(&w, "segments");
	jw_begin_object(&w);
	for (int p = 0; p < DM_N_PROTO; p++) {
		jw_key(&w, dm_proto_name(p));
		jw_uint(&w, sum->segments[p]);
	}
	jw_end_object(&w);
	jw_key_lit(&w, "checksum");
	jw_begin_object(&w);
	for (int p = 0; p < DM_N_PROTO; p++) {
		jw_key(&w, dm_proto_name(p));
		json_count_object(&w, sum->status[p], 0, DM_CSUM_N_STATUS, status_name_i);
	}
	jw_end_object(&w);
	json_counts(&w, "checksum_reasons", sum->reason, 1, DM_CSUM_N_REASON, reason_name_i);
	json_counts(&w, "malformed", sum->malformed, 1, DM_MAL_N, malformed_name_i);
	json_counts(&w, "frames_by_outcome", sum->outcome, 0, DM_FRAME_N_STATUS, frame_name_i);
	json_uint(&w, "ip_header_checksum_bad", sum->ip_header_bad);
	json_uint(&w, "vlan_frames", sum->vlan_frames);
	json_uint(&w, "fragments", sum->fragments);
	if (has_tunnels(sum)) {
		/* Packets inside tunnels, by the innermost one's kind and by
		 * outcome: only in a run that met a tunnel. */
		jw_key_lit(&w, "tunnels");
		jw_begin_object(&w);
		jw_key_lit(&w, "by_encapsulation");
		json_count_object(&w, sum->encap, 1, DM_ENCAP_N, encap_name_i);
		jw_key_lit(&w, "by_outcome");
		json_count_object(&w, sum->encap_outcome, 0, DM_FRAME_N_STATUS, frame_name_i);
		jw_end_object(&w);
	}
	dm_report_reasm_summary_json(&w, &sum->reasm);
	if (dm)
		json_tables(&w, rep, dm);
	if (rep->shard)
		dm_report_shard_json(&w, rep);
	jw_end_object(&w);
}
