/* report-jsonl.c - the per-segment trace as JSON lines (--format jsonl):
 * each line is formatted by hand (integers, addresses, names) into a
 * buffer and written with one fwrite, with no printf and no tree.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "report-int.h"
#include "report-reasm.h"

#define LINE_MAX_BYTES 4096

typedef struct {
	FILE *out;
	size_t len;
	char buf[LINE_MAX_BYTES];
} line;

/* Make room for @n more bytes, writing out what is there when needed. */
static void
reserve(line *l, size_t n)
{
	if (l->len + n > sizeof l->buf) {
		fwrite(l->buf, 1, l->len, l->out);
		l->len = 0;
	}
}

static void
put_mem(line *l, const char *s, size_t n)
{
	if (n > sizeof l->buf) {
		reserve(l, sizeof l->buf);
		fwrite(s, 1, n, l->out);
		return;
	}
	reserve(l, n);
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

#define put_lit(l, s) put_mem((l), (s), sizeof(s) - 1)

static void
put_str(line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

static void
put_u64(line *l, uint64_t v)
{
	char d[20];
	int n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	reserve(l, (size_t)n);
	while (n)
		l->buf[l->len++] = d[--n];
}

/* @v in at least @width digits, zero-padded. */
static void
put_u32_pad(line *l, uint32_t v, int width)
{
	char d[10];
	int n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		d[n++] = '0';
	reserve(l, (size_t)n);
	while (n)
		l->buf[l->len++] = d[--n];
}

/* ,"key":"value" or ,"key":null; @key comes with its quotes and colon. */
static void
put_member_str(line *l, const char *key, const char *val)
{
	put_str(l, key);
	if (val) {
		put_lit(l, "\"");
		put_str(l, val);
		put_lit(l, "\"");
	} else {
		put_lit(l, "null");
	}
}

static void
put_hex16(line *l, const char *key, bool have, uint16_t v)
{
	static const char hex[] = "0123456789abcdef";
	put_str(l, key);
	if (!have) {
		put_lit(l, "null");
		return;
	}
	char s[8] = { '"', '0', 'x', hex[v >> 12], hex[(v >> 8) & 15],
	              hex[(v >> 4) & 15], hex[v & 15], '"' };
	put_mem(l, s, sizeof s);
}

/* An address as inet_ntop writes it, in quotes. */
static void
put_addr(line *l, int family, const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN + 2];
	char *p = buf;
	*p++ = '"';
	if (family == 6) {
		p += strlen(dm_report_address(6, addr, p));
	} else {
		for (int i = 0; i < 4; i++) {
			if (i)
				*p++ = '.';
			if (addr[i] >= 100)
				*p++ = (char)('0' + addr[i] / 100);
			if (addr[i] >= 10)
				*p++ = (char)('0' + addr[i] / 10 % 10);
			*p++ = (char)('0' + addr[i] % 10);
		}
	}
	*p++ = '"';
	put_mem(l, buf, (size_t)(p - buf));
}

static void
put_time(line *l, bool nano, int64_t sec, uint32_t frac)
{
	if (sec < 0) {
		put_lit(l, "-");
		put_u64(l, (uint64_t)0 - (uint64_t)sec);
	} else {
		put_u64(l, (uint64_t)sec);
	}
	put_lit(l, ".");
	put_u32_pad(l, frac, nano ? 9 : 6);
}

/* The decision as JSON members. */
static void
put_decision(line *l, const dm_packet *pkt, const dm_decision *d)
{
	put_lit(l, ",\"host\":");
	put_addr(l, dm_host_family(d->host), dm_host_address(d->host));
	put_lit(l, ",\"socket\":");
	if (d->socket)
		put_u64(l, dm_socket_id(d->socket));
	else
		put_lit(l, "null");
	put_member_str(l, ",\"lookup\":", dm_lookup_name(d->lookup));
	put_member_str(l, ",\"action\":", dm_action_name(d->action));
	put_member_str(l, ",\"drop_reason\":", dm_drop_name(d->drop));
	put_member_str(l, ",\"reply\":", dm_reply_name(d->reply));
	put_lit(l, ",\"evidence\":");
	if (d->evidence)
		put_u64(l, d->evidence);
	else
		put_lit(l, "null");
	if (pkt->proto == 6)
		put_member_str(l, ",\"state\":", dm_tcp_state_name(d->state));
}

void
dm_report_jsonl_segment(dm_report *rep, uint64_t frame, const dm_record *rec,
                        const dm_packet *pkt, const dm_decision *d)
{
	line l;
	char flags[9];
	bool udp = pkt->proto == 17;

	l.out = rep->out;
	l.len = 0;
	put_lit(&l, "{\"frame\":");
	put_u64(&l, frame);
	put_lit(&l, ",\"time\":");
	put_time(&l, rep->nano, rec->sec, rec->frac);
	if (udp)
		put_lit(&l, ",\"proto\":\"udp\",\"family\":");
	else
		put_lit(&l, ",\"proto\":\"tcp\",\"family\":");
	put_u64(&l, pkt->family);
	put_lit(&l, ",\"src\":");
	put_addr(&l, pkt->family, pkt->src);
	put_lit(&l, ",\"sport\":");
	put_u64(&l, pkt->sport);
	put_lit(&l, ",\"dst\":");
	put_addr(&l, pkt->family, pkt->dst);
	put_lit(&l, ",\"dport\":");
	put_u64(&l, pkt->dport);
	/* UDP: both from the length field.  TCP: the length from the IP
	 * layer; the payload only when the data offset was read and sane. */
	put_lit(&l, ",\"length\":");
	if (udp ? pkt->have_length : true)
		put_u64(&l, pkt->seg_len);
	else
		put_lit(&l, "null");
	put_lit(&l, ",\"payload\":");
	if (udp ? pkt->have_length : pkt->have_tcp && pkt->malformed != DM_MAL_TCP_OFFSET)
		put_u64(&l, pkt->payload_len);
	else
		put_lit(&l, "null");
	put_hex16(&l, ",\"checksum\":", pkt->have_csum_field, pkt->csum.stored);
	put_hex16(&l, ",\"computed\":", pkt->csum.have_expected, pkt->csum.expected);
	put_member_str(&l, ",\"checksum_status\":", dm_csum_status_name(pkt->csum.status));
	put_member_str(&l, ",\"checksum_reason\":", dm_csum_reason_name(pkt->csum.reason));
	put_member_str(&l, ",\"malformed\":", dm_malformed_name(pkt->malformed));
	if (pkt->is_fragment)
		put_lit(&l, ",\"fragment\":true");
	else
		put_lit(&l, ",\"fragment\":false");
	if (pkt->n_reasm_frames) {
		reserve(&l, sizeof l.buf);
		dm_report_reasm_jsonl(l.out, pkt);
	}
	if (pkt->family == 4)
		put_member_str(&l, ",\"ip_checksum\":", pkt->ip_csum_bad ? "bad" : "good");
	if (!udp) {
		if (pkt->have_tcp) {
			put_lit(&l, ",\"tcp\":{\"seq\":");
			put_u64(&l, pkt->seq);
			put_lit(&l, ",\"ack\":");
			put_u64(&l, pkt->ack);
			put_member_str(&l, ",\"flags\":", dm_tcp_flags_string(pkt->tcp_flags, flags));
			put_lit(&l, ",\"window\":");
			put_u64(&l, pkt->window);
			put_lit(&l, "}");
		} else {
			put_lit(&l, ",\"tcp\":null");
		}
	}
	if (d && d->host)
		put_decision(&l, pkt, d);
	put_lit(&l, "}\n");
	fwrite(l.buf, 1, l.len, l.out);
}
