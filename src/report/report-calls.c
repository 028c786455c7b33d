/* report-calls.c - the socket calls in the report (report-calls.h): the
 * text of each call as its program would have written it, why it is
 * inferred, the per-host list after the tables, the "calls" member of
 * each host in the JSON document, and --ladder's SVG as the output.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "demuxsim/report-calls.h"
#include "demuxsim/report-ladder.h"
#include "report-int.h"

void
dm_report_set_calls(dm_report *rep, const dm_calls *calls, unsigned what)
{
	rep->calls = calls;
	rep->calls_what = what;
}

static const char *
errno_name(int e)
{
	switch (e) {
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case ETIMEDOUT: return "ETIMEDOUT";
	default: return "an error";
	}
}

static char *
local_of(const dm_call *c, char *buf)
{
	static const uint8_t zero[16];
	return dm_report_endpoint(c->family, c->wildcard ? zero : c->local, c->local_port, false,
	                          buf);
}

static void
append_bytes(GString *s, uint64_t bytes, uint32_t count, const char *unit)
{
	g_string_append_printf(s, " %" G_GUINT64_FORMAT " byte%s", bytes, bytes == 1 ? "" : "s");
	if (count > 1)
		g_string_append_printf(s, " (%u %s)", count, unit);
}

/* The UDP socket's opening call. */
static void
udp_socket_text(GString *s, const dm_call *c, const char *local, const char *peer)
{
	if (c->ephemeral)
		g_string_append_printf(s, "socket(SOCK_DGRAM) (port %u: the first sendto()'s, or bind())",
		                       c->local_port);
	else
		g_string_append_printf(s, "socket(SOCK_DGRAM) bind(%s)", local);
	if (c->has_peer && c->sure == DM_SURE_DECLARED)
		g_string_append_printf(s, " connect(%s)", peer);
}

static void
close_text(GString *s, const dm_call *c)
{
	switch (c->how) {
	case DM_CLOSE_CLOSE: g_string_append(s, "close()"); break;
	case DM_CLOSE_SHUTDOWN: g_string_append(s, "shutdown(SHUT_WR)"); break;
	default: g_string_append(s, "close() or shutdown(SHUT_WR) (unknown)"); break;
	}
}

char *
dm_report_call_text(const dm_call *c)
{
	char local[56], peer[56];
	GString *s = g_string_new(NULL);
	local_of(c, local);
	if (c->has_peer)
		dm_report_endpoint(c->family, c->peer, c->peer_port, false, peer);
	else
		strcpy(peer, "?");
	switch (c->kind) {
	case DM_CALL_LISTEN:
		g_string_append_printf(s, "socket(SOCK_STREAM) bind(%s) listen()", local);
		break;
	case DM_CALL_ACCEPT:
		g_string_append_printf(s, "accept() -> socket %u for %s", c->new_socket, peer);
		break;
	case DM_CALL_CONNECT:
		g_string_append_printf(s, "socket(SOCK_STREAM) connect(%s)", peer);
		if (c->result)
			g_string_append_printf(s, " -> no answer (%s)", errno_name(c->result));
		break;
	case DM_CALL_CONNECTED:
		if (c->result)
			g_string_append_printf(s, "connect() -> %s", errno_name(c->result));
		else
			g_string_append(s, "connect() -> 0");
		break;
	case DM_CALL_OPEN:
		g_string_append_printf(s, "connect() or accept() with %s before the capture", peer);
		break;
	case DM_CALL_SEND:
		g_string_append(s, "send()");
		append_bytes(s, c->bytes, c->count, "segments");
		break;
	case DM_CALL_RECV:
		g_string_append(s, "recv()");
		append_bytes(s, c->bytes, c->count, "segments");
		break;
	case DM_CALL_RECV_EOF:
		if (c->result)
			g_string_append_printf(s, "recv() -> %s", errno_name(c->result));
		else
			g_string_append(s, "recv() -> 0 (end of stream)");
		break;
	case DM_CALL_CLOSE:
		close_text(s, c);
		break;
	case DM_CALL_ABORT:
		g_string_append(s, "close() -> RST");
		break;
	case DM_CALL_UDP_SOCKET:
		udp_socket_text(s, c, local, peer);
		break;
	case DM_CALL_SENDTO:
		g_string_append_printf(s, "sendto(%s)", peer);
		append_bytes(s, c->bytes, c->count, "datagrams");
		break;
	case DM_CALL_RECVFROM:
		g_string_append(s, "recvfrom()");
		append_bytes(s, c->bytes, c->count, "datagrams");
		g_string_append_printf(s, " from %s", peer);
		break;
	case DM_CALL_UDP_REFUSED:
		g_string_append(s, "next recv()/send() -> ECONNREFUSED if connected "
		                   "(unconnected: nothing)");
		break;
	case DM_CALL_N:
		break;
	}
	return g_string_free(s, FALSE);
}

char *
dm_report_call_why(const dm_call *c)
{
	if (c->sure == DM_SURE_DECLARED)
		return g_strdup("declared");
	GString *s = g_string_new(NULL);
	g_string_append_printf(s, "frame %" G_GUINT64_FORMAT ": %s", c->frame,
	                       c->rule ? c->rule : "");
	if (c->evidence && c->evidence != c->frame)
		g_string_append_printf(s, " (frame %" G_GUINT64_FORMAT ")", c->evidence);
	if (c->sure != DM_SURE_SEEN)
		g_string_append_printf(s, "; %s", dm_call_sure_name(c->sure));
	return g_string_free(s, FALSE);
}

char *
dm_report_call_clock(const dm_call *c, bool nano, char *buf)
{
	if (c->sure == DM_SURE_DECLARED) {
		strcpy(buf, "(declared)");
		return buf;
	}
	time_t t = (time_t)c->sec;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	g_snprintf(buf, DM_CALL_CLOCK_MAX, "%02d:%02d:%02d.%0*u", tm.tm_hour, tm.tm_min, tm.tm_sec,
	           nano ? 9 : 6, nano ? c->nsec : c->nsec / 1000);
	return buf;
}

static void
text_host(const dm_report *rep, const dm_calls_host *h)
{
	char a[56];
	fprintf(rep->out, "%s\n", dm_report_address(h->family, h->addr, a));
	for (guint i = 0; i < h->calls->len; i++) {
		const dm_call *c = &g_array_index(h->calls, dm_call, i);
		char *text = dm_report_call_text(c);
		char *why = dm_report_call_why(c);
		char clock[DM_CALL_CLOCK_MAX];
		fprintf(rep->out, "  %-*s", rep->nano ? 18 : 15, dm_report_call_clock(c, rep->nano, clock));
		if (c->socket)
			fprintf(rep->out, "  socket %-4u ", c->socket);
		else
			fputs("  (no socket) ", rep->out);
		fprintf(rep->out, "%-52s (%s)\n", text, why);
		g_free(text);
		g_free(why);
	}
}

/* The per-host list after the tables (text). */
void
dm_report_calls_text(dm_report *rep)
{
	if (!rep->calls || !(rep->calls_what & DM_REPORT_CALLS_LIST))
		return;
	GArray *hosts = dm_calls_hosts(rep->calls);
	fputs("\nSocket calls (seen: the frame is the call's own; inferred: the call returns "
	      "once the frame has come; assumed: made before the frame):\n", rep->out);
	guint shown = 0;
	for (guint i = 0; i < hosts->len; i++) {
		const dm_calls_host *h = &g_array_index(hosts, dm_calls_host, i);
		if (dm_report_view_shows(rep, h->family, h->addr)) {
			text_host(rep, h);
			shown++;
		}
	}
	if (!shown)
		fputs("  none\n", rep->out);
	if (dm_calls_not_kept(rep->calls))
		fprintf(rep->out, "  %" G_GUINT64_FORMAT " more calls beyond the first %" G_GUINT64_FORMAT
		        " were counted, not kept\n", dm_calls_not_kept(rep->calls), dm_calls_max(rep->calls));
	g_array_unref(hosts);
}

static void
json_call(jw *w, const dm_call *c, bool nano)
{
	char buf[56];
	jw_begin_object(w);
	jw_key_lit(w, "call");
	jw_string(w, dm_call_kind_name(c->kind));
	char *text = dm_report_call_text(c);
	jw_key_lit(w, "text");
	jw_string(w, text);
	g_free(text);
	jw_key_lit(w, "frame");
	if (c->frame)
		jw_uint(w, c->frame);
	else
		jw_null(w);
	jw_key_lit(w, "time");
	if (c->sure == DM_SURE_DECLARED)
		jw_null(w);
	else
		jw_time(w, c->sec, nano ? c->nsec : c->nsec / 1000, nano);
	jw_key_lit(w, "ts_ns");
	if (c->sure == DM_SURE_DECLARED || c->sec < 0)
		jw_null(w);
	else
		jw_uint(w, (uint64_t)c->sec * 1000000000u + c->nsec);
	jw_key_lit(w, "socket");
	if (c->socket)
		jw_uint(w, c->socket);
	else
		jw_null(w);
	jw_key_lit(w, "proto");
	jw_string(w, c->proto == 17 ? "udp" : "tcp");
	jw_key_lit(w, "local");
	jw_string(w, local_of(c, buf));
	jw_key_lit(w, "peer");
	jw_string(w, c->has_peer ? dm_report_endpoint(c->family, c->peer, c->peer_port, false, buf)
	                         : NULL);
	if (c->kind == DM_CALL_ACCEPT) {
		jw_key_lit(w, "new_socket");
		jw_uint(w, c->new_socket);
	}
	if (c->kind == DM_CALL_SEND || c->kind == DM_CALL_RECV || c->kind == DM_CALL_SENDTO ||
	    c->kind == DM_CALL_RECVFROM) {
		jw_key_lit(w, "bytes");
		jw_uint(w, c->bytes);
		jw_key_lit(w, "count");
		jw_uint(w, c->count);
	}
	if (c->kind == DM_CALL_CLOSE) {
		jw_key_lit(w, "how");
		jw_string(w, dm_close_how_name(c->how));
	}
	jw_key_lit(w, "result");
	if (c->result)
		jw_string(w, errno_name(c->result));
	else
		jw_null(w);
	jw_key_lit(w, "evidence");
	if (c->evidence)
		jw_uint(w, c->evidence);
	else
		jw_null(w);
	jw_key_lit(w, "sure");
	jw_string(w, dm_call_sure_name(c->sure));
	jw_key_lit(w, "rule");
	jw_string(w, c->sure == DM_SURE_DECLARED ? "declared" : c->rule);
	jw_end_object(w);
}

/* The "calls" member of host @family/@addr in the JSON document, when
 * --calls is on. */
void
dm_report_calls_json_host(jw *w, const dm_report *rep, int family, const uint8_t *addr)
{
	if (!rep->calls || !(rep->calls_what & DM_REPORT_CALLS_LIST))
		return;
	const GArray *calls = dm_calls_of_host(rep->calls, family, addr);
	jw_key_lit(w, "calls");
	jw_begin_array(w);
	for (guint j = 0; calls && j < calls->len; j++)
		json_call(w, &g_array_index(calls, dm_call, j), rep->nano);
	jw_end_array(w);
}

static GBytes *
host_key(int family, const uint8_t *addr)
{
	uint8_t k[17] = { (uint8_t)family };
	memcpy(k + 1, addr, family == 6 ? 16 : 4);
	return g_bytes_new(k, sizeof k);
}

/* The hosts with calls that the tables do not hold (a host that only
 * sent datagrams), as host objects with no sockets. */
void
dm_report_calls_json_others(jw *w, const dm_report *rep, const dm_demux *dm)
{
	if (!rep->calls || !(rep->calls_what & DM_REPORT_CALLS_LIST))
		return;
	GArray *hosts = dm_calls_hosts(rep->calls);
	GPtrArray *tables = dm_demux_hosts(dm);
	/* The tables' hosts: their addresses as 17-byte keys. */
	GHashTable *held = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
	                                         (GDestroyNotify)g_bytes_unref, NULL);
	for (guint j = 0; j < tables->len; j++) {
		const dm_host *t = g_ptr_array_index(tables, j);
		g_hash_table_add(held, host_key(dm_host_family(t), dm_host_address(t)));
	}
	for (guint i = 0; i < hosts->len; i++) {
		const dm_calls_host *h = &g_array_index(hosts, dm_calls_host, i);
		GBytes *k = host_key(h->family, h->addr);
		bool in_tables = g_hash_table_contains(held, k);
		g_bytes_unref(k);
		if (in_tables || !dm_report_view_shows(rep, h->family, h->addr))
			continue;
		char a[56];
		jw_begin_object(w);
		jw_key_lit(w, "address");
		jw_string(w, dm_report_address(h->family, h->addr, a));
		jw_key_lit(w, "sockets");
		jw_begin_array(w);
		jw_end_array(w);
		jw_key_lit(w, "refused");
		jw_begin_array(w);
		jw_end_array(w);
		dm_report_calls_json_host(w, rep, h->family, h->addr);
		jw_end_object(w);
	}
	g_hash_table_unref(held);
	g_ptr_array_unref(tables);
	g_array_unref(hosts);
}

/* --ladder: the SVG of the selected connection is the whole output.
 * Returns: whether it was written (the report then writes nothing else). */
bool
dm_report_calls_ladder(dm_report *rep)
{
	if (!rep->calls || !(rep->calls_what & DM_REPORT_CALLS_LADDER))
		return false;
	GString *svg = g_string_new(NULL);
	dm_report_ladder_svg(svg, dm_calls_ladder(rep->calls), true);
	fwrite(svg->str, 1, svg->len, rep->out);
	g_string_free(svg, TRUE);
	return true;
}
