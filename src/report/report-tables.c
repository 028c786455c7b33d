/* report-tables.c - the end-of-run report: the summary of counts and the
 * simulated hosts' socket tables, as text (in the style of `ss -tuan`),
 * or as one JSON document (the CSV socket table: report-csv.c).
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
	fprintf(out, "\nState: %" G_GUINT64_FORMAT " socket%s held (peak %" G_GUINT64_FORMAT
	        ", limit %" G_GUINT64_FORMAT "), about %" G_GUINT64_FORMAT " KiB (peak %"
	        G_GUINT64_FORMAT ", limit %" G_GUINT64_FORMAT ")\n",
	        u.sockets, u.sockets == 1 ? "" : "s", u.peak_sockets, u.max_sockets, u.memory / 1024,
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

	fprintf(out, "\n%" G_GUINT64_FORMAT " frame%s, %" G_GUINT64_FORMAT
	        " UDP and %" G_GUINT64_FORMAT " TCP segments\n", sum->frames,
	        sum->frames == 1 ? "" : "s", sum->segments[DM_PROTO_UDP], sum->segments[DM_PROTO_TCP]);
	if (sum->filtered)
		fprintf(out, "  filtered out: %" G_GUINT64_FORMAT " frames (not processed)\n",
		        sum->filtered);
	if (rep->stop_signal) {
		char sig[16];
		fprintf(out, "  interrupted by %s after frame %" G_GUINT64_FORMAT "\n",
		        dm_report_signal_name(rep->stop_signal, sig), rep->stop_frame);
	}
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
	text_counts(out, "  packets inside tunnels: ", sum->encap, 1, DM_ENCAP_N, encap_name_i);
	memcpy(skipped, sum->encap_outcome, sizeof skipped);
	skipped[DM_FRAME_SEGMENT] = 0;
	text_counts(out, "  tunnel packets without a segment: ", skipped, 0, DM_FRAME_N_STATUS,
	            frame_name_i);
	if (sum->ip_header_bad)
		fprintf(out, "  IPv4 header checksums bad: %" G_GUINT64_FORMAT "\n", sum->ip_header_bad);
	dm_report_reasm_summary_text(out, &sum->reasm, sum->fragments);
}

/* @s, or what printf writes for a null string. */
static const char *
or_null(const char *s)
{
	return s ? s : "(null)";
}

/* @n spaces (n <= 0: none). */
static void
put_spaces(dm_obuf *b, int n)
{
	if (n <= 0)
		return;
	char *p = dm_obuf_reserve(b, (size_t)n);
	memset(p, ' ', (size_t)n);
	dm_obuf_end(b, p + n);
}

/* @s, then spaces to @width: printf's %-*s. */
static void
put_left(dm_obuf *b, const char *s, int width)
{
	size_t n = strlen(s);
	dm_obuf_put(b, s, n);
	put_spaces(b, width - (int)n);
}

/* A space, then @v right-aligned in @width: printf's " %*u". */
static void
put_right(dm_obuf *b, uint64_t v, int width)
{
	put_spaces(b, 1 + width - dm_fmt_len(v));
	dm_obuf_u64(b, v);
}

static void
text_socket(dm_obuf *b, const dm_socket *s, int indent, bool families)
{
	char l[56], r[56];
	uint16_t lport, rport;
	int fam = dm_socket_family(s);
	bool udp = dm_socket_proto(s) == 17;
	const uint8_t *la = dm_socket_local(s, &lport);
	const uint8_t *ra = dm_socket_remote(s, &rport);
	dm_retire_reason retired = dm_socket_retired(s);

	/* On a host of several addresses 0.0.0.0 and [::] are told apart. */
	dm_report_endpoint(fam, la, lport, dm_socket_local_is_wildcard(s) && !families, l);
	if (ra)
		dm_report_endpoint(fam, ra, rport, false, r);
	else
		strcpy(r, "*:*");
	put_spaces(b, 2 + indent);
	put_left(b, udp ? "udp" : "tcp", 5);
	dm_obuf_lit(b, " ");
	if (udp)
		put_left(b, ra ? "ESTAB" : "UNCONN", 12);
	else
		put_left(b, or_null(dm_tcp_state_name(dm_socket_state(s))), 12);
	dm_obuf_lit(b, " ");
	put_left(b, l, 30 - indent);
	dm_obuf_lit(b, " ");
	put_left(b, r, 30);
	put_right(b, dm_socket_id(s), 6);
	put_right(b, dm_socket_segments(s), 8);
	put_right(b, dm_socket_bytes(s), 10);
	put_right(b, dm_socket_bad_checksums(s), 5);
	put_right(b, dm_socket_peers(s), 5);
	if (dm_socket_midstream(s))
		dm_obuf_lit(b, " midstream");
	if (dm_socket_declared(s))
		dm_obuf_lit(b, " declared");
	if (dm_socket_group_member(s) >= 0) {
		dm_obuf_lit(b, " reuseport-member-");
		dm_obuf_u64(b, (uint64_t)dm_socket_group_member(s));
	}
	if (dm_socket_v6only(s))
		dm_obuf_lit(b, " v6only");
	if (retired) {
		dm_obuf_lit(b, " ");
		dm_obuf_str(b, or_null(dm_retire_name(retired)));
	}
	if (dm_socket_peers_folded(s))
		dm_obuf_lit(b, " peers-folded");
	dm_obuf_lit(b, "\n");
	dm_report_backlog_text(b, s, indent);
}

/* The children of the listeners among a host's @socks, whose parents are
 * @par: for each socket, the index + 1 of its first child (@first) and
 * of the next child of the same parent (@next), in the order of @socks,
 * 0 for none; one pass instead of one per listener.  @first has room for
 * 2 * socks->len (the second half is used on the way), @next for
 * socks->len. */
static void
group_children(const GPtrArray *socks, const dm_socket **par, guint *first, guint *next)
{
	GHashTable *at = NULL;  /* parent -> its index + 1 */
	guint *last = first + socks->len;  /* per parent: its last child + 1 */

	memset(first, 0, 2 * socks->len * sizeof *first);
	memset(next, 0, socks->len * sizeof *next);
	for (guint j = 0; j < socks->len; j++) {
		if (!par[j])
			continue;
		if (!at) {
			at = g_hash_table_new(NULL, NULL);
			for (guint i = 0; i < socks->len; i++)
				if (dm_socket_kind(g_ptr_array_index(socks, i)) == DM_KIND_LISTEN)
					g_hash_table_insert(at, g_ptr_array_index(socks, i),
					                    GUINT_TO_POINTER(i + 1));
		}
		guint k = GPOINTER_TO_UINT(g_hash_table_lookup(at, par[j]));
		if (!k--)
			continue;
		if (last[k])
			next[last[k] - 1] = j + 1;
		else
			first[k] = j + 1;
		last[k] = j + 1;
	}
	if (at)
		g_hash_table_destroy(at);
}

/* The rows of @socks in the table's usual order: each top-level socket,
 * then the connections its listener accepted, indented. */
static void
text_rows_all(dm_obuf *b, const GPtrArray *socks, const dm_socket **par,
              const guint *first, const guint *next, bool families)
{
	guint n = socks->len;
	for (guint i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			prefetch(g_ptr_array_index(socks, i + PREFETCH_AHEAD));
		if (par[i])
			continue;
		text_socket(b, g_ptr_array_index(socks, i), 0, families);
		for (guint c = first[i]; c; c = next[c - 1])
			if (c - 1 > i)
				text_socket(b, g_ptr_array_index(socks, c - 1), 2, families);
	}
}

/* At most @limit rows, the busiest first, and a line for the rest. */
static void
text_rows_busiest(dm_obuf *b, const GPtrArray *socks, const dm_socket **par,
                  const guint *first, const guint *next, guint limit, bool families)
{
	guint rows;
	guint *order = dm_compact_sockets(socks, (const dm_socket *const *)par, first, next,
	                                  limit, &rows);
	for (guint k = 0; k < rows; k++)
		text_socket(b, g_ptr_array_index(socks, order[k] / 2), order[k] % 2 ? 2 : 0,
		            families);
	g_free(order);
	dm_obuf_lit(b, "  ... ");
	dm_obuf_u64(b, socks->len - rows);
	dm_obuf_str(b, socks->len - rows == 1 ? " more socket" : " more sockets");
	dm_obuf_lit(b, " (--hosts all shows every socket)\n");
}

/* After a host's address: " (NAME; also ADDR, ADDR)" for a host of
 * several addresses or a name. */
static void
text_host_more(dm_obuf *b, const dm_host *h)
{
	char a[INET6_ADDRSTRLEN];
	guint n = dm_host_n_addresses(h);
	if (n == 1 && !dm_host_name(h))
		return;
	dm_obuf_lit(b, " (");
	if (dm_host_name(h))
		dm_obuf_str(b, dm_host_name(h));
	for (guint i = 1; i < n; i++) {
		int f;
		const uint8_t *x = dm_host_address_at(h, i, &f);
		if (i == 1)
			dm_obuf_str(b, dm_host_name(h) ? "; also " : "also ");
		else
			dm_obuf_lit(b, ", ");
		dm_obuf_str(b, dm_report_address(f, x, a));
	}
	dm_obuf_lit(b, ")");
}

static void
text_host(dm_report *rep, dm_obuf *b, const dm_host *h)
{
	FILE *out = rep->out;
	char a[INET6_ADDRSTRLEN], peer[56];
	const GPtrArray *socks = dm_host_sockets(h);
	const GArray *refused = dm_host_refusals(h);
	guint n = socks->len;
	const dm_socket **par = g_new(const dm_socket *, n + 1);
	guint *first = g_new(guint, 3 * (size_t)n + 1), *next = first + 2 * n;

	dm_obuf_lit(b, "\nHost ");
	dm_obuf_str(b, dm_report_address(dm_host_family(h), dm_host_address(h), a));
	text_host_more(b, h);
	dm_zone z = dm_host_zone(h);
	if (z.kind) {
		char zone[48];
		g_snprintf(zone, sizeof zone, " in %s %u", dm_encap_kind_name(z.kind), z.id);
		dm_obuf_str(b, zone);
	}
	dm_obuf_lit(b, "\n  Netid State        Local Address:Port             "
	            "Peer Address:Port              Socket Segments      Bytes   Bad Peers\n");
	for (guint i = 0; i < n; i++)
		par[i] = dm_socket_parent(g_ptr_array_index(socks, i));
	group_children(socks, par, first, next);
	/* Listeners with their accepted children indented under them; the
	 * children of a listener are printed with it, not on their own. */
	if (rep->socket_limit && n > rep->socket_limit)
		text_rows_busiest(b, socks, par, first, next, rep->socket_limit,
		                  dm_host_n_addresses(h) > 1);
	else
		text_rows_all(b, socks, par, first, next, dm_host_n_addresses(h) > 1);
	g_free(par);
	g_free(first);
	dm_obuf_flush(b);
	for (guint i = 0; i < refused->len; i++) {
		const dm_refusal *r = &g_array_index(refused, dm_refusal, i);
		fprintf(out, "  refused: %s port %u from %s at frame %" G_GUINT64_FORMAT,
		        r->proto == 17 ? "udp" : "tcp", r->port,
		        dm_report_endpoint(dm_refusal_family(h, r), r->peer, r->peer_port, false, peer),
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

void
dm_report_set_table_limits(dm_report *rep, unsigned hosts, unsigned sockets)
{
	rep->host_limit = hosts;
	rep->socket_limit = sockets;
}

/* The busiest hosts first, then a line for those left out. */
static void
text_busiest_hosts(dm_report *rep, dm_obuf *b, const GPtrArray *hosts)
{
	guint left;
	GPtrArray *shown = dm_compact_hosts(rep, hosts, rep->host_limit, &left);
	if (left)
		fprintf(rep->out, "\nThe %u busiest hosts of %u (by segments received):\n",
		        shown->len, shown->len + left);
	for (guint i = 0; i < shown->len; i++)
		text_host(rep, b, g_ptr_array_index(shown, i));
	if (left)
		fprintf(rep->out, "\n... %u more host%s left out (--hosts all shows every host,"
		        " --hosts N the N busiest, --host ADDR one)\n", left, left == 1 ? "" : "s");
	g_ptr_array_unref(shown);
}

void
dm_report_summary(dm_report *rep, const dm_summary *sum, const dm_demux *dm)
{
	if (dm_report_calls_ladder(rep))
		return;
	switch (rep->fmt) {
	case DM_FORMAT_TEXT:
		text_summary(rep, sum);
		if (dm) {
			GPtrArray *hosts = dm_demux_hosts(dm);
			char *buf = g_malloc(OUT_BLOCK);
			dm_obuf b;
			dm_obuf_init(&b, rep->out, buf, OUT_BLOCK);
			if (rep->host_limit)
				text_busiest_hosts(rep, &b, hosts);
			else
				for (guint i = 0; i < hosts->len; i++)
					if (dm_report_host_visible(rep, g_ptr_array_index(hosts, i)))
						text_host(rep, &b, g_ptr_array_index(hosts, i));
			g_free(buf);
			g_ptr_array_unref(hosts);
			text_usage(rep->out, dm);
		}
		dm_report_calls_text(rep);
		break;
	case DM_FORMAT_JSON:
		dm_report_tables_json(rep, sum, dm);
		break;
	case DM_FORMAT_CSV:
		if (rep->fields)
			dm_report_fields_end(rep);
		else if (dm)
			dm_report_csv_sockets(rep, dm);
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
