/* report-html-data.c - the hosts, their sockets and the refused attempts
 * as the HTML report's embedded data: one compact JSON object in a
 * <script type="application/json" id="data"> that the page's script
 * draws a page at a time (a million frames make hundreds of thousands of
 * sockets: as DOM nodes they would take minutes to render).
 *
 * {"kinds":[names], "states":[[name, colour]], "span":ns, "hosts":[
 *   [address, segments, [[id, proto, kind, local, remote, state, parent,
 *     segments, bytes, bad, peers, first frame, last frame, notes,
 *     start ns, duration ns], ...], "drops text"(, "name; also ADDR, ..."
 *     for a host of several addresses)], ...],
 *  "refused":[[host, proto, port, peer, frame, attempts, answer,
 *     seen at frame], ...]}
 * Times are nanoseconds from the first segment any socket received; a
 * socket that received nothing has -1 as its start.  Every string is
 * escaped for JSON and "<" as \u003c, so no text closes the script.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "report-format-int.h"
#include "report-html-int.h"

static void
jstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static uint64_t
host_segments(const dm_host *h)
{
	const GPtrArray *socks = dm_host_sockets(h);
	uint64_t n = 0;
	for (guint i = 0; i < socks->len; i++)
		n += dm_socket_segments(g_ptr_array_index(socks, i));
	return n;
}

typedef struct {
	const dm_host *h;
	uint64_t segments;
} ranked;

static int
by_segments(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->segments != y->segments)
		return x->segments > y->segments ? -1 : 1;
	if (dm_host_family(x->h) != dm_host_family(y->h))
		return dm_host_family(x->h) - dm_host_family(y->h);
	return memcmp(dm_host_address(x->h), dm_host_address(y->h),
	              dm_host_family(x->h) == 6 ? 16 : 4);
}

void
dm_html_sort_hosts(GPtrArray *hosts)
{
	ranked *r = g_new(ranked, hosts->len ? hosts->len : 1);
	for (guint i = 0; i < hosts->len; i++)
		r[i] = (ranked){ g_ptr_array_index(hosts, i), host_segments(g_ptr_array_index(hosts, i)) };
	qsort(r, hosts->len, sizeof *r, by_segments);
	for (guint i = 0; i < hosts->len; i++)
		g_ptr_array_index(hosts, i) = (gpointer)r[i].h;
	g_free(r);
}

static int64_t
ns_since(int64_t sec0, uint32_t nsec0, int64_t sec, uint32_t nsec)
{
	return (sec - sec0) * 1000000000 + ((int64_t)nsec - (int64_t)nsec0);
}

/* The time of the first segment any socket of @hosts received, and the
 * span to the last; false when none received one. */
static bool
span_of(const GPtrArray *hosts, int64_t *s0, uint32_t *n0, int64_t *span)
{
	int64_t s1 = 0;
	uint32_t n1 = 0;
	bool any = false;
	for (guint i = 0; i < hosts->len; i++) {
		const GPtrArray *socks = dm_host_sockets(g_ptr_array_index(hosts, i));
		for (guint j = 0; j < socks->len; j++) {
			const dm_socket *s = g_ptr_array_index(socks, j);
			int64_t sec;
			uint32_t nsec;
			if (!dm_socket_first_frame(s))
				continue;
			dm_socket_first_time(s, &sec, &nsec);
			if (!any || ns_since(*s0, *n0, sec, nsec) < 0) {
				*s0 = sec;
				*n0 = nsec;
			}
			dm_socket_last_time(s, &sec, &nsec);
			if (!any || ns_since(s1, n1, sec, nsec) > 0) {
				s1 = sec;
				n1 = nsec;
			}
			any = true;
		}
	}
	*span = any ? ns_since(*s0, *n0, s1, n1) : 0;
	return any;
}

/* The index of @name in @names (added when new). */
static guint
index_of(GPtrArray *names, const char *name)
{
	for (guint i = 0; i < names->len; i++)
		if (strcmp(g_ptr_array_index(names, i), name) == 0)
			return i;
	g_ptr_array_add(names, (gpointer)name);
	return names->len - 1;
}

typedef struct {
	GPtrArray *kinds;       /* const char * */
	GPtrArray *states;      /* "name\tcolour" (owned) */
	int64_t s0;
	uint32_t n0;
} data_ctx;

static void
write_socket(FILE *out, data_ctx *c, const dm_socket *s)
{
	int fam = dm_socket_family(s);  /* a host of several addresses has both */
	uint16_t lport, rport;
	char l[56], r[56];
	const uint8_t *la = dm_socket_local(s, &lport);
	const uint8_t *ra = dm_socket_remote(s, &rport);
	const dm_socket *p = dm_socket_parent(s);
	const char *st = dm_tcp_state_name(dm_socket_state(s));
	char *state = g_strdup_printf("%s\t%s", st ? st : (ra ? "connected" : "bound"),
	                              dm_report_state_colour(s));
	guint si = index_of(c->states, state);
	if (g_ptr_array_index(c->states, si) != state)
		g_free(state);

	fprintf(out, "[%u,\"%s\",%u,", dm_socket_id(s), dm_socket_proto(s) == 17 ? "udp" : "tcp",
	        index_of(c->kinds, dm_sock_kind_name(dm_socket_kind(s))));
	jstr(out, dm_report_endpoint(fam, la, lport, dm_socket_local_is_wildcard(s), l));
	fputc(',', out);
	jstr(out, ra ? dm_report_endpoint(fam, ra, rport, false, r) : "");
	fprintf(out, ",%u,%u,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
	        ",%u,%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",\"%s%s",
	        si, p ? dm_socket_id(p) : 0, dm_socket_segments(s), dm_socket_bytes(s),
	        dm_socket_bad_checksums(s), dm_socket_peers(s), dm_socket_first_frame(s),
	        dm_socket_last_frame(s), dm_socket_midstream(s) ? "midstream " : "",
	        dm_socket_declared(s) ? "declared" : "");
	dm_backlog_stats bs;
	if (dm_socket_backlog(s, &bs))
		fprintf(out, " backlog %u: SYN queue peak %u/%u, accept queue peak %u, syncookies "
		        "%" G_GUINT64_FORMAT " sent %" G_GUINT64_FORMAT " used, syn-queue-full %"
		        G_GUINT64_FORMAT, bs.backlog, bs.syn_peak, bs.syn_limit, bs.accept_peak,
		        bs.cookies_sent, bs.cookies_used, bs.syn_queue_full);
	fputs("\",", out);
	if (dm_socket_first_frame(s)) {
		int64_t sec, sec2;
		uint32_t nsec, nsec2;
		dm_socket_first_time(s, &sec, &nsec);
		dm_socket_last_time(s, &sec2, &nsec2);
		fprintf(out, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]",
		        ns_since(c->s0, c->n0, sec, nsec), ns_since(sec, nsec, sec2, nsec2));
	} else {
		fputs("-1,0]", out);
	}
}

static void
write_host(FILE *out, data_ctx *c, const dm_host *h)
{
	const GPtrArray *socks = dm_host_sockets(h);
	char a[INET6_ADDRSTRLEN];
	int fam = dm_host_family(h);
	GString *drops = g_string_new(NULL);

	fputc('[', out);
	jstr(out, dm_report_address(fam, dm_host_address(h), a));
	fprintf(out, ",%" G_GUINT64_FORMAT ",[", host_segments(h));
	for (guint i = 0; i < socks->len; i++) {
		if (i)
			fputc(',', out);
		write_socket(out, c, g_ptr_array_index(socks, i));
	}
	for (int d = 1; d < DM_DROP_N; d++)
		if (dm_host_drops(h, d))
			g_string_append_printf(drops, "%s%s %" G_GUINT64_FORMAT, drops->len ? ", " : "",
			                       dm_drop_name(d), dm_host_drops(h, d));
	fputs("],", out);
	jstr(out, drops->str);
	if (dm_host_n_addresses(h) > 1 || dm_host_name(h)) {
		/* A host of several addresses: its name and the others. */
		GString *more = g_string_new(dm_host_name(h));
		for (guint i = 1; i < dm_host_n_addresses(h); i++) {
			int f;
			const uint8_t *x = dm_host_address_at(h, i, &f);
			g_string_append(more, i > 1 ? ", " : more->len ? "; also " : "also ");
			g_string_append(more, dm_report_address(f, x, a));
		}
		fputc(',', out);
		jstr(out, more->str);
		g_string_free(more, TRUE);
	}
	fputc(']', out);
	g_string_free(drops, TRUE);
}

static void
write_refusals(FILE *out, const GPtrArray *hosts)
{
	bool any = false;
	fputs("\"refused\":[", out);
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		const GArray *refused = dm_host_refusals(h);
		char a[INET6_ADDRSTRLEN], peer[56];
		for (guint j = 0; j < refused->len; j++) {
			const dm_refusal *r = &g_array_index(refused, dm_refusal, j);
			fputs(any ? ",\n[" : "\n[", out);
			any = true;
			jstr(out, dm_report_address(dm_host_family(h), dm_host_address(h), a));
			fprintf(out, ",\"%s\",%u,", r->proto == 17 ? "udp" : "tcp", r->port);
			jstr(out, dm_report_endpoint(dm_refusal_family(h, r), r->peer, r->peer_port, false, peer));
			fprintf(out, ",%" G_GUINT64_FORMAT ",%u,\"%s\",%" G_GUINT64_FORMAT "]",
			        r->frame, r->count, dm_reply_name(r->reply), r->evidence);
		}
	}
	fputs("]", out);
}

void
dm_html_write_data(FILE *out, const GPtrArray *hosts)
{
	data_ctx c = { g_ptr_array_new(), g_ptr_array_new_with_free_func(g_free), 0, 0 };
	int64_t span = 0;

	span_of(hosts, &c.s0, &c.n0, &span);
	fprintf(out, "<script type=\"application/json\" id=\"data\">{\"span\":%" G_GINT64_FORMAT
	        ",\"hosts\":[", span);
	for (guint i = 0; i < hosts->len; i++) {
		fputs(i ? ",\n" : "\n", out);
		write_host(out, &c, g_ptr_array_index(hosts, i));
	}
	fputs("],\n", out);
	write_refusals(out, hosts);
	fputs(",\n\"kinds\":[", out);
	for (guint i = 0; i < c.kinds->len; i++) {
		fputs(i ? "," : "", out);
		jstr(out, g_ptr_array_index(c.kinds, i));
	}
	fputs("],\"states\":[", out);
	for (guint i = 0; i < c.states->len; i++) {
		char **parts = g_strsplit(g_ptr_array_index(c.states, i), "\t", 2);
		fputs(i ? ",[" : "[", out);
		jstr(out, parts[0]);
		fputc(',', out);
		jstr(out, parts[1]);
		fputc(']', out);
		g_strfreev(parts);
	}
	fputs("]}</script>\n", out);
	g_ptr_array_unref(c.kinds);
	g_ptr_array_unref(c.states);
}
