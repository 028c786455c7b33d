/* report-jsonl.c - the per-segment trace as JSON lines (--format jsonl):
 * each line is formatted by hand (integers, addresses, names; see
 * report-format.h) into a buffer and written with one fwrite, with no
 * printf and no tree.
 */
#include "config.h"

#include <string.h>

#include "demuxsim/decode.h"

#include "report-format-int.h"
#include "report-int.h"
#include "report-reasm-int.h"

#define LINE_MAX_BYTES 4096

/* ,"key":"value" or ,"key":null; @key is a literal with its quotes and
 * colon. */
#define put_member_str(l, key, val) put_member_str_((l), (key), sizeof(key) - 1, (val))

static inline void
put_member_str_(dm_obuf *l, const char *key, size_t key_len, const char *val)
{
	dm_obuf_put(l, key, key_len);
	if (!val) {
		dm_obuf_lit(l, "null");
		return;
	}
	size_t n = strlen(val);
	if (n + 2 > l->size) {
		dm_obuf_lit(l, "\"");
		dm_obuf_put(l, val, n);
		dm_obuf_lit(l, "\"");
		return;
	}
	char *p = dm_obuf_reserve(l, n + 2);
	*p++ = '"';
	memcpy(p, val, n);
	p[n] = '"';
	dm_obuf_end(l, p + n + 1);
}

static void
put_hex16(dm_obuf *l, bool have, uint16_t v)
{
	static const char hex[] = "0123456789abcdef";
	if (!have) {
		dm_obuf_lit(l, "null");
		return;
	}
	char s[8] = { '"', '0', 'x', hex[v >> 12], hex[(v >> 8) & 15],
	              hex[(v >> 4) & 15], hex[v & 15], '"' };
	dm_obuf_put(l, s, sizeof s);
}

/* An address as inet_ntop writes it, in quotes. */
static inline void
put_addr(dm_obuf *l, int family, const uint8_t *addr)
{
	char *p = dm_obuf_reserve(l, 48);
	*p++ = '"';
	p = family == 6 ? dm_fmt_ipv6(p, addr) : dm_fmt_ipv4(p, addr);
	*p++ = '"';
	dm_obuf_end(l, p);
}

static inline void
put_time(dm_obuf *l, bool nano, int64_t sec, uint32_t frac)
{
	dm_obuf_end(l, dm_fmt_time(dm_obuf_reserve(l, DM_FMT_TIME_MAX), sec, frac, nano));
}

/* The decision as JSON members. */
static void
put_decision(dm_obuf *l, const dm_packet *pkt, const dm_decision *d)
{
	dm_obuf_lit(l, ",\"host\":");
	put_addr(l, dm_host_family(d->host), dm_host_address(d->host));
	dm_obuf_lit(l, ",\"socket\":");
	if (d->socket)
		dm_obuf_u64(l, dm_socket_id(d->socket));
	else
		dm_obuf_lit(l, "null");
	put_member_str(l, ",\"lookup\":", dm_lookup_name(d->lookup));
	put_member_str(l, ",\"action\":", dm_action_name(d->action));
	put_member_str(l, ",\"drop_reason\":", dm_drop_name(d->drop));
	put_member_str(l, ",\"reply\":", dm_reply_name(d->reply));
	dm_obuf_lit(l, ",\"evidence\":");
	if (d->evidence)
		dm_obuf_u64(l, d->evidence);
	else
		dm_obuf_lit(l, "null");
	if (pkt->proto == 6)
		put_member_str(l, ",\"state\":", dm_tcp_state_name(d->state));
	if (d->syncookie)
		put_member_str(l, ",\"syncookie\":",
		               d->syncookie == DM_COOKIE_SENT ? "sent" : "used");
}

/* The line up to the decision: what the frame alone says.  The members
 * of a reassembled datagram go straight to the stream (@l's). */
static void
put_packet(dm_obuf *lp, bool nano, uint64_t frame, const dm_record *rec,
           const dm_packet *pkt)
{
	char flags[9];
	bool udp = pkt->proto == 17;

	dm_obuf_lit(lp, "{\"frame\":");
	dm_obuf_u64(lp, frame);
	dm_obuf_lit(lp, ",\"time\":");
	put_time(lp, nano, rec->sec, rec->frac);
	/* Exact: a JSON number of 19 digits loses some in a double. */
	dm_obuf_lit(lp, ",\"ts_ns\":");
	dm_obuf_u64(lp, dm_report_ts_ns(nano, rec->sec, rec->frac));
	if (udp)
		dm_obuf_lit(lp, ",\"proto\":\"udp\",\"family\":");
	else
		dm_obuf_lit(lp, ",\"proto\":\"tcp\",\"family\":");
	dm_obuf_u64(lp, pkt->family);
	dm_obuf_lit(lp, ",\"src\":");
	put_addr(lp, pkt->family, pkt->src);
	dm_obuf_lit(lp, ",\"sport\":");
	dm_obuf_u64(lp, pkt->sport);
	dm_obuf_lit(lp, ",\"dst\":");
	put_addr(lp, pkt->family, pkt->dst);
	dm_obuf_lit(lp, ",\"dport\":");
	dm_obuf_u64(lp, pkt->dport);
	/* UDP: both from the length field.  TCP: the length from the IP
	 * layer; the payload only when the data offset was read and sane. */
	dm_obuf_lit(lp, ",\"length\":");
	if (udp ? pkt->have_length : true)
		dm_obuf_u64(lp, pkt->seg_len);
	else
		dm_obuf_lit(lp, "null");
	dm_obuf_lit(lp, ",\"payload\":");
	if (udp ? pkt->have_length : pkt->have_tcp && pkt->malformed != DM_MAL_TCP_OFFSET)
		dm_obuf_u64(lp, pkt->payload_len);
	else
		dm_obuf_lit(lp, "null");
	dm_obuf_lit(lp, ",\"checksum\":");
	put_hex16(lp, pkt->have_csum_field, pkt->csum.stored);
	dm_obuf_lit(lp, ",\"computed\":");
	put_hex16(lp, pkt->csum.have_expected, pkt->csum.expected);
	put_member_str(lp, ",\"checksum_status\":", dm_csum_status_name(pkt->csum.status));
	put_member_str(lp, ",\"checksum_reason\":", dm_csum_reason_name(pkt->csum.reason));
	put_member_str(lp, ",\"malformed\":", dm_malformed_name(pkt->malformed));
	if (pkt->is_fragment)
		dm_obuf_lit(lp, ",\"fragment\":true");
	else
		dm_obuf_lit(lp, ",\"fragment\":false");
	if (pkt->n_reasm_frames) {
		dm_obuf_flush(lp);
		dm_report_reasm_jsonl(lp->out, pkt);
	}
	if (pkt->n_encap) {
		dm_obuf_flush(lp);
		dm_report_encap_jsonl(lp->out, pkt);
	}
	if (pkt->family == 4 && pkt->ip_csum_bad)
		dm_obuf_lit(lp, ",\"ip_checksum\":\"bad\"");
	else if (pkt->family == 4)
		dm_obuf_lit(lp, ",\"ip_checksum\":\"good\"");
	else
		dm_obuf_lit(lp, ",\"ip_checksum\":null");  /* IPv6 has none */
	if (!udp) {
		if (pkt->have_tcp) {
			dm_obuf_lit(lp, ",\"tcp\":{\"seq\":");
			dm_obuf_u64(lp, pkt->seq);
			dm_obuf_lit(lp, ",\"ack\":");
			dm_obuf_u64(lp, pkt->ack);
			put_member_str(lp, ",\"flags\":", dm_tcp_flags_string(pkt->tcp_flags, flags));
			dm_obuf_lit(lp, ",\"window\":");
			dm_obuf_u64(lp, pkt->window);
			dm_obuf_lit(lp, "}");
		} else {
			dm_obuf_lit(lp, ",\"tcp\":null");
		}
	}
}

/* The decision and the line's end, then the line out. */
static void
end_line(dm_obuf *l, const dm_packet *pkt, const dm_decision *d)
{
	if (d && d->host)
		put_decision(l, pkt, d);
	dm_obuf_lit(l, "}\n");
	dm_obuf_flush(l);
}

void
dm_report_jsonl_segment(dm_report *rep, uint64_t frame, const dm_record *rec,
                        const dm_packet *pkt, const dm_decision *d)
{
	dm_obuf l;
	char buf[LINE_MAX_BYTES];

	dm_obuf_init(&l, rep->out, buf, sizeof buf);
	put_packet(&l, rep->nano, frame, rec, pkt);
	end_line(&l, pkt, d);
}

size_t
dm_report_jsonl_start(bool nano, uint64_t frame, const dm_record *rec,
                      const dm_packet *pkt, char *buf, size_t size)
{
	/* Never written out: the part before the decision is bounded (two
	 * addresses, a dozen numbers and names) well within the room. */
	if (size < DM_REPORT_LINE_START_MAX || pkt->n_reasm_frames)
		return 0;
	dm_obuf l;
	dm_obuf_init(&l, NULL, buf, size);
	put_packet(&l, nano, frame, rec, pkt);
	return l.len;
}

void
dm_report_jsonl_started(dm_report *rep, const char *start, size_t len,
                        const dm_packet *pkt, const dm_decision *d)
{
	dm_obuf l;
	char buf[LINE_MAX_BYTES];

	dm_obuf_init(&l, rep->out, buf, sizeof buf);
	dm_obuf_put(&l, start, len);
	end_line(&l, pkt, d);
}

void
dm_report_encap_jsonl(FILE *out, const dm_packet *pkt)
{
	if (!pkt->n_encap)
		return;
	fputs(",\"encap\":[", out);
	for (unsigned i = 0; i < pkt->n_encap; i++) {
		const dm_encap *e = &pkt->encap[i];
		fprintf(out, "%s{\"kind\":\"%s\",\"id\":", i ? "," : "",
		        dm_encap_kind_name(e->kind));
		if (e->has_id)
			fprintf(out, "%u}", e->id);
		else
			fputs("null}", out);
	}
	fputc(']', out);
}
