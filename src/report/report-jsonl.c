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

/* A line is written with a cursor into the room reserved for a run of
 * pieces of known bounds: one reserve per run instead of one per piece
 * (the per-piece checks and copies of an unknown size were half of the
 * writer's instructions).  The names (dm_*_name) are of the program's
 * own tables: short, and never in need of escaping. */

/* The room the members from "frame" to "computed" take at most: keys
 * (130 bytes), five numbers of at most 20 digits, a time, the family,
 * two ports, two addresses in quotes (47 each) and two checksums. */
#define HEAD_MAX 400
/* A member with a name for its value, at most (key and name, quoted). */
#define NAMED_MAX 96
/* The "tcp" member at most, and the decision's members without names. */
#define TCP_MAX 112
#define DECISION_MAX 160

static inline char *
lit_(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* A string literal at @p. */
#define LIT(p, s) lit_((p), (s), sizeof(s) - 1)

/* "name", or null. */
static inline char *
put_name(char *p, const char *name)
{
	if (!name)
		return LIT(p, "null");
	size_t n = strlen(name);
	*p++ = '"';
	p = lit_(p, name, n);
	*p++ = '"';
	return p;
}

/* ,"key":"name" or ,"key":null; @key is a literal with its comma, quotes
 * and colon. */
#define put_member_str(l, key, val) \
	dm_obuf_end((l), put_name(LIT(dm_obuf_reserve((l), NAMED_MAX), key), (val)))

/* "0xNNNN", or null. */
static inline char *
put_hex16(char *p, bool have, uint16_t v)
{
	static const char hex[] = "0123456789abcdef";
	if (!have)
		return LIT(p, "null");
	char s[8] = { '"', '0', 'x', hex[v >> 12], hex[(v >> 8) & 15],
	              hex[(v >> 4) & 15], hex[v & 15], '"' };
	return lit_(p, s, sizeof s);
}

/* An address as inet_ntop writes it, in quotes. */
static inline char *
put_addr(char *p, int family, const uint8_t *addr)
{
	*p++ = '"';
	p = family == 6 ? dm_fmt_ipv6(p, addr) : dm_fmt_ipv4(p, addr);
	*p++ = '"';
	return p;
}

/* A number, or null when not @have. */
static inline char *
put_u64_or_null(char *p, bool have, uint64_t v)
{
	return have ? dm_fmt_u64(p, v) : LIT(p, "null");
}

/* The decision as JSON members. */
static void
put_decision(dm_obuf *l, const dm_packet *pkt, const dm_decision *d)
{
	char *p = dm_obuf_reserve(l, DECISION_MAX);
	p = LIT(p, ",\"host\":");
	p = put_addr(p, dm_host_family(d->host), dm_host_address(d->host));
	p = LIT(p, ",\"socket\":");
	p = put_u64_or_null(p, d->socket, d->socket ? dm_socket_id(d->socket) : 0);
	dm_obuf_end(l, p);
	put_member_str(l, ",\"lookup\":", dm_lookup_name(d->lookup));
	put_member_str(l, ",\"action\":", dm_action_name(d->action));
	put_member_str(l, ",\"drop_reason\":", dm_drop_name(d->drop));
	put_member_str(l, ",\"reply\":", dm_reply_name(d->reply));
	p = dm_obuf_reserve(l, DECISION_MAX);
	p = LIT(p, ",\"evidence\":");
	p = put_u64_or_null(p, d->evidence, d->evidence);
	dm_obuf_end(l, p);
	if (pkt->proto == 6)
		put_member_str(l, ",\"state\":", dm_tcp_state_name(d->state));
	if (d->syncookie)
		put_member_str(l, ",\"syncookie\":",
		               d->syncookie == DM_COOKIE_SENT ? "sent" : "used");
}

/* The members from "frame" to "computed": what the frame alone says of
 * its addresses, ports, lengths and checksum. */
static char *
put_head(char *p, bool nano, uint64_t frame, const dm_record *rec, const dm_packet *pkt)
{
	bool udp = pkt->proto == 17;
	p = LIT(p, "{\"frame\":");
	p = dm_fmt_u64(p, frame);
	p = LIT(p, ",\"time\":");
	p = dm_fmt_time(p, rec->sec, rec->frac, nano);
	/* Exact: a JSON number of 19 digits loses some in a double. */
	p = LIT(p, ",\"ts_ns\":");
	p = dm_fmt_u64(p, dm_report_ts_ns(nano, rec->sec, rec->frac));
	if (udp)
		p = LIT(p, ",\"proto\":\"udp\",\"family\":");
	else
		p = LIT(p, ",\"proto\":\"tcp\",\"family\":");
	p = dm_fmt_u64(p, pkt->family);
	p = LIT(p, ",\"src\":");
	p = put_addr(p, pkt->family, pkt->src);
	p = LIT(p, ",\"sport\":");
	p = dm_fmt_u64(p, pkt->sport);
	p = LIT(p, ",\"dst\":");
	p = put_addr(p, pkt->family, pkt->dst);
	p = LIT(p, ",\"dport\":");
	p = dm_fmt_u64(p, pkt->dport);
	/* UDP: both from the length field.  TCP: the length from the IP
	 * layer; the payload only when the data offset was read and sane. */
	p = LIT(p, ",\"length\":");
	p = put_u64_or_null(p, udp ? pkt->have_length : true, pkt->seg_len);
	p = LIT(p, ",\"payload\":");
	p = put_u64_or_null(p, udp ? pkt->have_length
	                           : pkt->have_tcp && pkt->malformed != DM_MAL_TCP_OFFSET,
	                    pkt->payload_len);
	p = LIT(p, ",\"checksum\":");
	p = put_hex16(p, pkt->have_csum_field, pkt->csum.stored);
	p = LIT(p, ",\"computed\":");
	return put_hex16(p, pkt->csum.have_expected, pkt->csum.expected);
}

/* The "tcp" member of a TCP segment. */
static char *
put_tcp(char *p, const dm_packet *pkt)
{
	char flags[9];
	if (!pkt->have_tcp)
		return LIT(p, ",\"tcp\":null");
	p = LIT(p, ",\"tcp\":{\"seq\":");
	p = dm_fmt_u64(p, pkt->seq);
	p = LIT(p, ",\"ack\":");
	p = dm_fmt_u64(p, pkt->ack);
	p = LIT(p, ",\"flags\":");
	p = put_name(p, dm_tcp_flags_string(pkt->tcp_flags, flags));
	p = LIT(p, ",\"window\":");
	p = dm_fmt_u64(p, pkt->window);
	*p++ = '}';
	return p;
}

/* The line up to the decision: what the frame alone says.  The members
 * of a reassembled datagram go straight to the stream (@l's). */
static void
put_packet(dm_obuf *lp, bool nano, uint64_t frame, const dm_record *rec,
           const dm_packet *pkt)
{
	dm_obuf_end(lp, put_head(dm_obuf_reserve(lp, HEAD_MAX), nano, frame, rec, pkt));
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
	char *p = dm_obuf_reserve(lp, TCP_MAX);
	if (pkt->family == 4 && pkt->ip_csum_bad)
		p = LIT(p, ",\"ip_checksum\":\"bad\"");
	else if (pkt->family == 4)
		p = LIT(p, ",\"ip_checksum\":\"good\"");
	else
		p = LIT(p, ",\"ip_checksum\":null");  /* IPv6 has none */
	dm_obuf_end(lp, p);
	if (pkt->proto != 17)
		dm_obuf_end(lp, put_tcp(dm_obuf_reserve(lp, TCP_MAX), pkt));
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
