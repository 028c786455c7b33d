/* report.c - the per-segment trace (text; JSON lines in report-jsonl.c)
 * and the helpers the tables share.
 *
 * The report stage owns every output format: the text trace, JSON lines,
 * the JSON report, CSV, the text tables, the dot and SVG diagrams, the
 * HTML page, the live lines and the full-screen view, the checksum
 * explanations and the shard and merge reports; it is the only code that
 * formats text.  It may call the public accessors of demux, decode,
 * explain and checksum, never run or cli (one exception remains:
 * the shard a run is reaches it as data, dm_shard_info).
 */
#include "config.h"

#include <arpa/inet.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "demuxsim/decode.h"
#include "report-format-int.h"
#include "report-int.h"
#include "report-reasm-int.h"
#include "report-verbose-int.h"

bool
dm_format_parse(const char *name, dm_format *fmt)
{
	static const struct { const char *name; dm_format fmt; } names[] = {
		{ "text", DM_FORMAT_TEXT }, { "jsonl", DM_FORMAT_JSONL },
		{ "json", DM_FORMAT_JSON }, { "csv", DM_FORMAT_CSV },
		{ "dot", DM_FORMAT_DOT }, { "svg", DM_FORMAT_SVG },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*fmt = names[i].fmt;
			return true;
		}
	}
	return false;
}

static dm_time_mode default_time_mode;
static dm_time_precision default_prec;
static int default_verbose;
static bool default_link_header;

void
dm_report_set_trace_link(bool on)
{
	default_link_header = on;
}

void
dm_report_set_trace_verbose(int level)
{
	default_verbose = level;
}

void
dm_report_set_trace_defaults(dm_time_mode mode, dm_time_precision prec)
{
	default_time_mode = mode;
	default_prec = prec;
}

dm_report *
dm_report_new(FILE *out, dm_format fmt, unsigned flags)
{
	dm_report *rep = g_new0(dm_report, 1);
	rep->out = out;
	rep->fmt = fmt;
	rep->flags = flags;
	rep->time_mode = default_time_mode;
	rep->prec = default_prec;
	rep->verbose = default_verbose;
	rep->link_header = default_link_header;
	rep->fields = dm_report_fields_chosen();
	rep->files = g_ptr_array_new_with_free_func(g_free);
	rep->view = g_array_new(FALSE, TRUE, sizeof(dm_view_host));
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
	*(family == 6 ? dm_fmt_ipv6(buf, addr) : dm_fmt_ipv4(buf, addr)) = '\0';
	return buf;
}

void
dm_report_write_time(const dm_report *rep, int64_t sec, uint32_t frac)
{
	char t[DM_FMT_TIME_MAX];
	fwrite(t, 1, (size_t)(dm_fmt_time(t, sec, frac, rep->nano) - t), rep->out);
}

static void
write_time(dm_report *rep, const dm_record *rec)
{
	dm_report_write_time(rep, rec->sec, rec->frac);
}

/* H:MM:SS.f of @ns (>= 0) nanoseconds, or with the date when @date. */
static void
write_clock(dm_report *rep, int64_t ns, bool local, bool date, bool nano)
{
	int64_t sec = ns / 1000000000;
	uint32_t frac = (uint32_t)(ns % 1000000000);
	if (!nano)
		frac /= 1000;
	if (!local) {
		fprintf(rep->out, "%02" G_GINT64_FORMAT ":%02d:%02d.%0*u", sec / 3600,
		        (int)(sec / 60 % 60), (int)(sec % 60), nano ? 9 : 6, frac);
		return;
	}
	time_t t = (time_t)sec;
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		fprintf(rep->out, "%" G_GINT64_FORMAT ".%0*u", sec, nano ? 9 : 6, frac);
		return;
	}
	if (date)
		fprintf(rep->out, "%04d-%02d-%02d ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	fprintf(rep->out, "%02d:%02d:%02d.%0*u", tm.tm_hour, tm.tm_min, tm.tm_sec,
	        nano ? 9 : 6, frac);
}

/* A text trace line's time and the space after it, as the -t options ask. */
static void
write_line_time(dm_report *rep, const dm_record *rec)
{
	bool nano = rep->prec == DM_PREC_CAPTURE ? rep->nano : rep->prec == DM_PREC_NANO;
	int64_t ns = rec->sec * 1000000000 + (int64_t)(rep->nano ? rec->frac : rec->frac * 1000u);
	int64_t d;

	if (!rep->have_prev_time) {
		rep->first_ns = rep->prev_ns = ns;
		rep->have_prev_time = true;
	}
	switch (rep->time_mode) {
	case DM_TIME_NONE:
		return;
	case DM_TIME_EPOCH:
		fprintf(rep->out, "%" G_GINT64_FORMAT ".%0*u", rec->sec, nano ? 9 : 6,
		        (unsigned)(ns % 1000000000 / (nano ? 1 : 1000)));
		break;
	case DM_TIME_DELTA:
	case DM_TIME_SINCE_FIRST:
		d = ns - (rep->time_mode == DM_TIME_DELTA ? rep->prev_ns : rep->first_ns);
		if (d < 0)
			fputc('-', rep->out);
		write_clock(rep, d < 0 ? -d : d, false, false, nano);
		break;
	default:
		write_clock(rep, ns, true, rep->time_mode == DM_TIME_DATE, nano);
		break;
	}
	rep->prev_ns = ns;
	fputc(' ', rep->out);
}

void
dm_report_add_host(dm_report *rep, int family, const uint8_t *addr)
{
	dm_view_host v = { .family = (uint8_t)family };
	memcpy(v.addr, addr, family == 6 ? 16 : 4);
	g_array_append_val(rep->view, v);
}

bool
dm_report_view_shows(const dm_report *rep, int family, const uint8_t *addr)
{
	if (rep->view->len == 0)
		return true;
	for (guint i = 0; i < rep->view->len; i++) {
		const dm_view_host *v = &g_array_index(rep->view, dm_view_host, i);
		if (v->family == family && memcmp(v->addr, addr, family == 6 ? 16 : 4) == 0)
			return true;
	}
	return false;
}

bool
dm_report_host_visible(const dm_report *rep, const dm_host *h)
{
	if (rep->view->len == 0)
		return true;
	/* --host names any of a host's addresses. */
	for (guint i = 0; h && i < dm_host_n_addresses(h); i++) {
		int f;
		const uint8_t *a = dm_host_address_at(h, i, &f);
		if (dm_report_view_shows(rep, f, a))
			return true;
	}
	return false;
}

char *
dm_report_endpoint(int family, const uint8_t *addr, uint16_t port, bool star,
                   char *buf)
{
	/* By hand (dm_fmt_endpoint): the text reports write one a socket. */
	if (star) {
		buf[0] = '*';
		buf[1] = ':';
		*dm_fmt_u64(buf + 2, port) = '\0';
	} else {
		*dm_fmt_endpoint(buf, family, addr, port) = '\0';
	}
	return buf;
}

char *
dm_report_socket_label(const dm_socket *s)
{
	char l[56], r[56];
	uint16_t lport, rport;
	const uint8_t *la = dm_socket_local(s, &lport);
	const uint8_t *ra = dm_socket_remote(s, &rport);
	const char *proto = dm_socket_proto(s) == 17 ? "udp" : "tcp";

	dm_report_endpoint(dm_socket_family(s), la, lport,
	                   dm_socket_local_is_wildcard(s), l);
	if (ra)
		return g_strdup_printf("%s %s <-> %s", proto, l,
		                       dm_report_endpoint(dm_socket_family(s), ra, rport, false, r));
	if (dm_socket_kind(s) == DM_KIND_LISTEN)
		return g_strdup_printf("%s listen %s", proto, l);
	return g_strdup_printf("%s %s", proto, l);
}

/* "; member K of group on ADDR:PORT by hash" when @s is in a
 * SO_REUSEPORT group (which member Linux picks depends on its random
 * hash secret: what holds is that a flow stays on one). */
static void
group_note(FILE *out, const dm_socket *s)
{
	int k = s ? dm_socket_group_member(s) : -1;
	if (k < 0)
		return;
	char ep[56];
	uint16_t port;
	const uint8_t *a = dm_socket_local(s, &port);
	fprintf(out, "; member %d of group on %s by hash", k,
	        dm_report_endpoint(dm_socket_family(s), a, port,
	                           dm_socket_local_is_wildcard(s), ep));
}

/* The decision in words, e.g. "-> socket 7 udp 10.0.0.2:53 (bound)". */
static void
text_decision(dm_report *rep, const dm_decision *d)
{
	FILE *out = rep->out;
	char *label = d->socket ? dm_report_socket_label(d->socket) : NULL;

	switch (d->action) {
	case DM_ACTION_DROPPED:
		fprintf(out, " -> dropped: %s", dm_drop_name(d->drop));
		if (label)
			fprintf(out, " (for socket %u %s)", dm_socket_id(d->socket), label);
		break;
	case DM_ACTION_REFUSED:
		fprintf(out, " -> refused: no socket, host answers %s", dm_reply_name(d->reply));
		if (d->evidence)
			fprintf(out, " (seen at frame %" G_GUINT64_FORMAT ")", d->evidence);
		else
			fputs(" (not in the capture)", out);
		break;
	default:
		fprintf(out, " -> socket %u %s", dm_socket_id(d->socket), label);
		if (d->state != DM_TCP_NONE)
			fprintf(out, " %s", dm_tcp_state_name(d->state));
		if (d->action == DM_ACTION_SPAWNED || d->action == DM_ACTION_ACCEPTED)
			fprintf(out, " (%s%s by listener %u, %s", dm_action_name(d->action),
			        d->syncookie == DM_COOKIE_USED ? " via syncookie" : "",
			        dm_socket_id(dm_socket_parent(d->socket)), dm_lookup_name(d->lookup));
		else if (d->syncookie == DM_COOKIE_SENT)
			fprintf(out, " (%s, SYN queue full: syncookie-sent, no child",
			        dm_lookup_name(d->lookup));
		else
			fprintf(out, " (%s", dm_lookup_name(d->lookup));
		group_note(out, d->action == DM_ACTION_SPAWNED ? dm_socket_parent(d->socket)
		                                               : d->socket);
		fputc(')', out);
		break;
	}
	g_free(label);
}

static const char *
proto_label(const dm_packet *pkt, bool upper)
{
	if (pkt->proto == 17)
		return upper ? "UDP" : "udp";
	return upper ? "TCP" : "tcp";
}

/* -v: the IP header's ttl, id and length, the segment's lengths. */
static void
text_verbose(FILE *out, const dm_packet *pkt)
{
	if (pkt->have_ip_info && pkt->family == 4)
		fprintf(out, " (ttl %u, id %u, iplen %u)", pkt->ttl, pkt->ip_id, pkt->ip_total_len);
	else if (pkt->have_ip_info)
		fprintf(out, " (hlim %u, iplen %u)", pkt->ttl, pkt->ip_total_len);
	if (pkt->proto == 6 && pkt->have_tcp) {
		fprintf(out, " seglen %u hdrlen %u", pkt->seg_len, pkt->tcp_doff * 4u);
		dm_report_tcp_options_text(out, pkt);
	} else if (pkt->proto == 17 && pkt->have_length) {
		fprintf(out, " seglen %u hdrlen 8", pkt->seg_len);
	}
}

/* "in vxlan 42 > gre: ": the tunnels a packet was found in. */
static void
text_encap(FILE *out, const dm_packet *pkt)
{
	if (!pkt->n_encap)
		return;
	fputs("in ", out);
	for (unsigned i = 0; i < pkt->n_encap; i++) {
		const dm_encap *e = &pkt->encap[i];
		fprintf(out, "%s%s", i ? " > " : "", dm_encap_kind_name(e->kind));
		if (e->has_id)
			fprintf(out, " %u", e->id);
	}
	fputs(": ", out);
}

static void
text_segment(dm_report *rep, uint64_t frame, const dm_record *rec,
             const dm_packet *pkt, const dm_decision *d)
{
	FILE *out = rep->out;
	char s[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], flags[9];
	const char *o = pkt->family == 6 ? "[" : "", *c = pkt->family == 6 ? "]" : "";
	const char *reason = dm_csum_reason_name(pkt->csum.reason);
	const char *mal = dm_malformed_name(pkt->malformed);

	fprintf(out, "%" G_GUINT64_FORMAT " ", frame);
	write_line_time(rep, rec);
	text_encap(out, pkt);
	if (rep->link_header)
		dm_report_link_text(out, pkt);
	fprintf(out, "%s %s%s%s:%u > %s%s%s:%u", proto_label(pkt, true),
	        o, dm_report_address(pkt->family, pkt->src, s), c, pkt->sport,
	        o, dm_report_address(pkt->family, pkt->dst, dst), c, pkt->dport);
	if (pkt->proto == 6 && pkt->have_tcp)
		fprintf(out, " [%s] seq %u ack %u win %u",
		        dm_tcp_flags_string(pkt->tcp_flags, flags), pkt->seq, pkt->ack,
		        pkt->window);
	/* tcpdump's "length": the transport payload's bytes. */
	if (pkt->proto == 17 ? pkt->have_length
	                     : pkt->have_tcp && pkt->malformed != DM_MAL_TCP_OFFSET)
		fprintf(out, " length %u", pkt->payload_len);
	if (rep->verbose)
		text_verbose(out, pkt);
	if (rep->verbose >= 2)
		dm_report_vv_text(out, pkt);
	if (pkt->have_csum_field)
		fprintf(out, " cksum 0x%04x", pkt->csum.stored);
	if (pkt->csum.have_expected && pkt->csum.status != DM_CSUM_GOOD)
		fprintf(out, " (expected 0x%04x)", pkt->csum.expected);
	fprintf(out, " %s", dm_csum_status_name(pkt->csum.status));
	if (reason)
		fprintf(out, " (%s)", reason);
	if (pkt->is_fragment)
		fputs(" fragment", out);
	dm_report_reasm_text(out, pkt);
	if (mal)
		fprintf(out, " malformed: %s", mal);
	if (pkt->family == 4 && pkt->ip_csum_bad)
		fputs(" ip-header-checksum-bad", out);
	if (d && d->host)
		text_decision(rep, d);
	fputc('\n', out);
}

const char *
dm_report_skip_detail(dm_frame_status st, const dm_packet *pkt, char *buf, size_t size)
{
	const char *ext = dm_ipv6_ext_name(pkt->ext_last);
	if (st == DM_FRAME_EXT_LIMIT && ext)
		g_snprintf(buf, size, "more than 16 extension headers (last decoded: %s)", ext);
	else if (st == DM_FRAME_BAD_IPV6_OPT && ext)
		g_snprintf(buf, size, "an option runs past the end of its %s header", ext);
	else
		return NULL;
	return buf;
}

static void
skipped_frame(dm_report *rep, uint64_t frame, const dm_record *rec,
              dm_frame_status st, const dm_packet *pkt)
{
	char buf[96];
	const char *detail = dm_report_skip_detail(st, pkt, buf, sizeof buf);
	if (rep->fmt == DM_FORMAT_JSONL) {
		fprintf(rep->out, "{\"frame\":%" G_GUINT64_FORMAT ",\"time\":", frame);
		write_time(rep, rec);
		fprintf(rep->out, ",\"ts_ns\":%" G_GUINT64_FORMAT,
		        dm_report_ts_ns(rep->nano, rec->sec, rec->frac));
		fprintf(rep->out, ",\"skipped\":\"%s\"", dm_frame_status_name(st));
		if (detail)  /* no character of it needs escaping */
			fprintf(rep->out, ",\"detail\":\"%s\"", detail);
		dm_report_encap_jsonl(rep->out, pkt);
		fputs("}\n", rep->out);
	} else {
		fprintf(rep->out, "%" G_GUINT64_FORMAT " ", frame);
		write_line_time(rep, rec);
		text_encap(rep->out, pkt);
		fprintf(rep->out, "skipped: %s", dm_frame_status_name(st));
		if (detail)
			fprintf(rep->out, ": %s", detail);
		fputc('\n', rep->out);
	}
}

size_t
dm_report_line_start(const dm_report *rep, uint64_t frame, const dm_record *rec,
                     dm_frame_status st, const dm_packet *pkt, char *buf, size_t size)
{
	if (rep->fmt != DM_FORMAT_JSONL || rep->fields || (rep->flags & DM_REPORT_QUIET) ||
	    st != DM_FRAME_SEGMENT || pkt->is_fragment)
		return 0;
	return dm_report_jsonl_start(rep->nano, frame, rec, pkt, buf, size);
}

bool
dm_report_writes_frames(const dm_report *rep)
{
	/* As dm_report_frame_started() and dm_report_correction() decide. */
	if (rep->sink)
		return true;
	if (rep->flags & DM_REPORT_QUIET)
		return false;
	if (rep->fields && rep->fmt == DM_FORMAT_CSV)
		return true;
	return rep->fmt == DM_FORMAT_TEXT || rep->fmt == DM_FORMAT_JSONL;
}

void
dm_report_frame(dm_report *rep, uint64_t frame, const dm_record *rec,
                dm_frame_status st, const dm_packet *pkt, const dm_decision *d)
{
	dm_report_frame_started(rep, frame, rec, st, pkt, d, NULL, 0);
}

void
dm_report_frame_started(dm_report *rep, uint64_t frame, const dm_record *rec,
                        dm_frame_status st, const dm_packet *pkt,
                        const dm_decision *d, const char *start, size_t len)
{
	if (rep->sink && st == DM_FRAME_SEGMENT)
		rep->sink->segment(rep->sink_data, rep, frame, rec, pkt, d);
	if (rep->fields && (rep->fmt == DM_FORMAT_JSONL || rep->fmt == DM_FORMAT_CSV)) {
		if (!(rep->flags & DM_REPORT_QUIET) && st == DM_FRAME_SEGMENT &&
		    (!d || !d->host || dm_report_host_visible(rep, d->host)))
			dm_report_fields_line(rep, frame, rec, pkt, d);
		return;
	}
	if ((rep->flags & DM_REPORT_QUIET) ||
	    (rep->fmt != DM_FORMAT_TEXT && rep->fmt != DM_FORMAT_JSONL))
		return;
	if (d && d->host && !dm_report_host_visible(rep, d->host))
		return;
	if (st != DM_FRAME_SEGMENT) {
		if (rep->view->len == 0 && (rep->flags & DM_REPORT_ALL_FRAMES))
			skipped_frame(rep, frame, rec, st, pkt);
		return;
	}
	if (rep->fmt == DM_FORMAT_JSONL && len && !pkt->n_reasm_frames)
		dm_report_jsonl_started(rep, start, len, pkt, d);
	else if (rep->fmt == DM_FORMAT_JSONL)
		dm_report_jsonl_segment(rep, frame, rec, pkt, d);
	else
		text_segment(rep, frame, rec, pkt, d);
}

void
dm_report_set_sink(dm_report *rep, const dm_report_sink_class *cls, void *data)
{
	g_return_if_fail(rep->sink == NULL);
	rep->sink = cls;
	rep->sink_data = data;
}

void *
dm_report_sink_data(const dm_report *rep, const dm_report_sink_class *cls)
{
	return rep->sink == cls ? rep->sink_data : NULL;
}

void
dm_report_set_shard(dm_report *rep, const dm_shard_info *info)
{
	rep->shard_info = *info;
	rep->shard = &rep->shard_info;
}

void
dm_report_set_interrupted(dm_report *rep, int sig, uint64_t frame)
{
	rep->stop_signal = sig;
	rep->stop_frame = frame;
}

const char *
dm_report_signal_name(int sig, char *buf)
{
	if (sig == SIGINT)
		return "SIGINT";
	if (sig == SIGTERM)
		return "SIGTERM";
	g_snprintf(buf, 16, "signal %d", sig);
	return buf;
}

void
dm_report_free(dm_report *rep)
{
	if (!rep)
		return;
	fflush(rep->out);
	g_ptr_array_unref(rep->files);
	g_array_unref(rep->view);
	if (rep->fields)
		g_array_unref(rep->fields);
	if (rep->sink)
		rep->sink->free(rep->sink_data);
	g_free(rep);
}
