/* explain.c - the Internet checksum step by step (RFC 1071 section 1:
 * the one's-complement sum of 16-bit words, end-around carry, complement),
 * over the IPv4 (RFC 768, RFC 9293 section 3.1) and IPv6 (RFC 8200
 * section 8.1; with a Home Address option, RFC 6275 section 9.3.1, its
 * address as the source) pseudo-headers, and the IPv4 header checksum
 * (RFC 791).
 *
 * Every step is computed with dm_csum_add(), dm_csum_add16() and
 * dm_csum_fold(): the same code as the verdicts.  The causes of a wrong
 * checksum are in explain-diagnose.c.
 *
 * The explain stage owns the worked computation and the diagnosis, as
 * data (dm_explain); report-explain.c formats them.  It calls checksum
 * and decode's public types only.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "demuxsim/explain.h"
#include "explain-int.h"

#define UDP_HDR 8
#define TCP_MIN_HDR 20
#define IPV4_MIN_HDR 20

/* A growing explanation: steps so far and the running 16-bit sum. */
typedef struct {
	dm_explain *x;
	size_t cap;
	uint16_t sum;
	unsigned flags;
} builder;

static dm_xstep *
push(builder *b, dm_xpart part, const char *field, uint32_t offset)
{
	dm_explain *x = b->x;
	if (x->n_steps == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		x->steps = g_renew(dm_xstep, x->steps, b->cap);
	}
	dm_xstep *s = &x->steps[x->n_steps++];
	memset(s, 0, sizeof *s);
	s->part = part;
	s->field = field;
	s->offset = offset;
	s->count = 1;
	return s;
}

/* Record @raw (the running sum plus the step's words, unfolded) and fold
 * its carry back in. */
static void
settle(builder *b, dm_xstep *s, dm_wsum raw)
{
	s->raw = raw;
	s->sum = dm_csum_fold(raw);
	s->carry = raw > 0xffff;
	b->sum = s->sum;
	dm_xgroup *g = &b->x->groups[b->x->n_groups - 1];
	g->sum = b->sum;
	g->words += s->count;
}

static void
begin_group(builder *b, dm_xpart part)
{
	dm_xgroup *g = &b->x->groups[b->x->n_groups++];
	g->part = part;
	g->words = 0;
	g->subtotal = 0;
	g->sum = b->sum;
}

static void
end_group(builder *b, dm_wsum subtotal)
{
	b->x->groups[b->x->n_groups - 1].subtotal = dm_csum_fold(subtotal);
}

/* One word given as a value (pseudo-header fields that are not bytes). */
static void
add_value(builder *b, dm_xpart part, const char *field, uint32_t offset,
          uint16_t word)
{
	dm_xstep *s = push(b, part, field, offset);
	s->word = word;
	settle(b, s, dm_csum_add16(b->sum, word));
}

/* One word (or an odd last byte: @n == 1) at @p, recorded at @offset. */
static void
add_at(builder *b, dm_xpart part, const char *field, const uint8_t *p,
       size_t n, uint32_t offset)
{
	dm_xstep *s = push(b, part, field, offset);
	s->odd = n == 1;
	s->word = (uint16_t)(p[0] << 8 | (n == 2 ? p[1] : 0));
	settle(b, s, dm_csum_add(b->sum, p, n));
}

static void
add_bytes(builder *b, dm_xpart part, const char *field, const uint8_t *data,
          uint32_t off, size_t n)
{
	add_at(b, part, field, data + off, n, off);
}

/* The checksum field: taken as zero, its value kept for the comparison. */
static void
add_zero_field(builder *b, const char *field, const uint8_t *data, uint32_t off)
{
	dm_xstep *s = push(b, DM_XPART_HEADER, field, off);
	s->as_zero = true;
	s->actual = (uint16_t)(data[off] << 8 | data[off + 1]);
	s->word = 0;
	settle(b, s, dm_csum_add16(b->sum, 0));
}

/* A run of @count whole words at @off summed as one step. */
static void
add_run(builder *b, dm_xpart part, const uint8_t *data, uint32_t off, uint32_t count)
{
	dm_xstep *s = push(b, part, NULL, off);
	s->count = count;
	s->word = dm_csum_fold(dm_csum_add(0, data + off, (size_t)count * 2));
	settle(b, s, dm_csum_add16(b->sum, s->word));
}

static const char *
udp_field(uint32_t off)
{
	static const char *const names[] = {
		"source port", "destination port", "length", "checksum",
	};
	return off / 2 < G_N_ELEMENTS(names) ? names[off / 2] : NULL;
}

static const char *
tcp_field(uint32_t off)
{
	static const char *const names[] = {
		"source port", "destination port",
		"sequence number (high)", "sequence number (low)",
		"acknowledgment number (high)", "acknowledgment number (low)",
		"data offset, flags", "window", "checksum", "urgent pointer",
	};
	return off / 2 < G_N_ELEMENTS(names) ? names[off / 2] : "options";
}

static const char *
ipv4_field(uint32_t off)
{
	static const char *const names[] = {
		"version, IHL, DSCP, ECN", "total length", "identification",
		"flags, fragment offset", "TTL, protocol", "header checksum",
		"source address", "source address",
		"destination address", "destination address",
	};
	return off / 2 < G_N_ELEMENTS(names) ? names[off / 2] : "options";
}

/* Header words [0, @hlen) of @data, the checksum field at @csum_off. */
static void
add_header(builder *b, const uint8_t *data, uint32_t hlen, uint32_t csum_off,
           const char *(*field)(uint32_t))
{
	begin_group(b, DM_XPART_HEADER);
	for (uint32_t off = 0; off < hlen; off += 2) {
		if (off == csum_off)
			add_zero_field(b, field(off), data, off);
		else
			add_bytes(b, DM_XPART_HEADER, field(off), data, off,
			          hlen - off >= 2 ? 2 : 1);
	}
	dm_wsum sub = dm_csum_add(0, data, hlen);
	if (csum_off + 2 <= hlen)
		sub = dm_csum_add16(sub, (uint16_t)~(data[csum_off] << 8 | data[csum_off + 1]));
	end_group(b, sub);
}

/* Words of [@from, @to) of @data; with more than twice the edge words and
 * no DM_EXPLAIN_FULL, the run between the edges is one step. */
static void
add_words(builder *b, dm_xpart part, const uint8_t *data, uint32_t from, uint32_t to)
{
	uint32_t n = to - from;
	uint32_t words = (n + 1) / 2;
	uint32_t edge = DM_EXPLAIN_EDGE_WORDS;

	if (n == 0)
		return;
	begin_group(b, part);
	if (!(b->flags & DM_EXPLAIN_FULL) && words > 2 * edge + 1) {
		for (uint32_t i = 0; i < edge; i++)
			add_bytes(b, part, NULL, data, from + 2 * i, 2);
		add_run(b, part, data, from + 2 * edge, words - 2 * edge);
		for (uint32_t i = words - edge; i < words; i++) {
			uint32_t off = from + 2 * i;
			add_bytes(b, part, NULL, data, off, to - off >= 2 ? 2 : 1);
		}
	} else {
		for (uint32_t off = from; off < to; off += 2)
			add_bytes(b, part, NULL, data, off, to - off >= 2 ? 2 : 1);
	}
	end_group(b, dm_csum_add(0, data + from, n));
}

static void
add_pseudo(builder *b, const dm_pseudo *ph)
{
	size_t alen = ph->family == 6 ? 16 : 4;
	uint32_t off = 0;

	begin_group(b, DM_XPART_PSEUDO);
	for (size_t i = 0; i < alen; i += 2, off += 2)
		add_at(b, DM_XPART_PSEUDO, "source address", ph->src + i, 2, off);
	for (size_t i = 0; i < alen; i += 2, off += 2)
		add_at(b, DM_XPART_PSEUDO, "destination address", ph->dst + i, 2, off);
	if (ph->family == 6) {
		add_value(b, DM_XPART_PSEUDO, "upper-layer length", off, (uint16_t)(ph->length >> 16));
		add_value(b, DM_XPART_PSEUDO, "upper-layer length", off + 2, (uint16_t)ph->length);
		add_value(b, DM_XPART_PSEUDO, "zero, next header", off + 4, 0);
		add_value(b, DM_XPART_PSEUDO, "zero, next header", off + 6, ph->proto);
	} else {
		add_value(b, DM_XPART_PSEUDO, "zero, protocol", off, ph->proto);
		/* A TSO / BIG TCP length can pass 16 bits; its upper word is
		 * summed too (as dm_csum_pseudo() does). */
		if (ph->length >> 16)
			add_value(b, DM_XPART_PSEUDO, "length", off + 2,
			          (uint16_t)(ph->length >> 16));
		add_value(b, DM_XPART_PSEUDO, "length", off + 2, (uint16_t)ph->length);
	}
	end_group(b, dm_csum_pseudo(ph));
}

static dm_explain *
explain_new(dm_xkind kind, builder *b, unsigned flags)
{
	dm_explain *x = g_new0(dm_explain, 1);
	x->kind = kind;
	memset(b, 0, sizeof *b);
	b->x = x;
	b->flags = flags;
	return x;
}

/* The final complement of the folded sum. */
static void
finish_sum(dm_explain *x, const builder *b)
{
	x->computed = true;
	x->sum = b->sum;
	x->checksum = (uint16_t)~b->sum;
}

dm_explain *
dm_explain_segment(const dm_pseudo *ph, const uint8_t *seg, size_t seglen,
                   size_t csum_off, unsigned flags)
{
	builder b;
	dm_explain *x = explain_new(DM_XKIND_TRANSPORT, &b, flags);
	bool udp = ph->proto == 17;
	size_t alen = ph->family == 6 ? 16 : 4;

	g_return_val_if_fail(csum_off + 2 <= seglen, x);
	x->family = ph->family;
	x->proto = ph->proto;
	memcpy(x->src, ph->src, alen);
	memcpy(x->dst, ph->dst, alen);
	x->length = ph->length;
	x->sport = (uint16_t)(seg[0] << 8 | seg[1]);
	x->dport = (uint16_t)(seg[2] << 8 | seg[3]);
	x->has_field = true;
	x->csum_off = (uint32_t)csum_off;

	size_t hlen = csum_off + 2;
	if (udp) {
		hlen = UDP_HDR;
	} else if (ph->proto == 6) {
		hlen = (size_t)(seg[12] >> 4) * 4;
		if (hlen < TCP_MIN_HDR)
			hlen = TCP_MIN_HDR;
	}
	if (hlen > seglen)
		hlen = seglen;
	x->hdr_len = (uint32_t)hlen;

	add_pseudo(&b, ph);
	add_header(&b, seg, (uint32_t)hlen, (uint32_t)csum_off, udp ? udp_field : tcp_field);
	add_words(&b, DM_XPART_PAYLOAD, seg, (uint32_t)hlen, (uint32_t)seglen);
	finish_sum(x, &b);

	dm_csum_verdict v = dm_csum_verify(ph, seg, seglen, csum_off);
	x->status = v.status;
	x->reason = v.reason;
	x->stored = v.stored;
	x->zero_rule = udp && x->checksum == 0;
	x->expected = x->zero_rule ? 0xffff : x->checksum;
	x->check_sum = dm_csum_fold(dm_csum_add(dm_csum_pseudo(ph), seg, seglen));
	dm_explain_diagnose_segment(x, ph, seg, seglen);
	return x;
}

dm_explain *
dm_explain_words(const uint8_t *data, size_t len, unsigned flags)
{
	builder b;
	dm_explain *x = explain_new(DM_XKIND_WORDS, &b, flags);

	x->length = (uint32_t)len;
	add_words(&b, DM_XPART_DATA, data, 0, (uint32_t)len);
	finish_sum(x, &b);
	x->expected = x->checksum;
	x->check_sum = dm_csum_fold(dm_csum_add(0, data, len));
	/* Words that include their checksum sum to 0xffff (RFC 1071 1(3)). */
	x->status = x->check_sum == 0xffff ? DM_CSUM_GOOD : DM_CSUM_UNVERIFIED;
	x->reason = DM_CSUM_REASON_NONE;
	return x;
}

dm_explain *
dm_explain_ipv4_header(const uint8_t *hdr, size_t hlen, unsigned flags)
{
	builder b;
	dm_explain *x = explain_new(DM_XKIND_IPV4_HEADER, &b, flags);
	uint16_t expected;

	g_return_val_if_fail(hlen >= IPV4_MIN_HDR, x);
	x->family = 4;
	x->proto = hdr[9];
	memcpy(x->src, hdr + 12, 4);
	memcpy(x->dst, hdr + 16, 4);
	x->length = (uint32_t)hlen;
	x->hdr_len = (uint32_t)hlen;
	x->has_field = true;
	x->csum_off = 10;
	add_header(&b, hdr, (uint32_t)hlen, 10, ipv4_field);
	finish_sum(x, &b);

	bool good = dm_csum_ipv4_header(hdr, hlen, &expected);
	x->stored = (uint16_t)(hdr[10] << 8 | hdr[11]);
	x->expected = x->checksum;
	x->check_sum = dm_csum_fold(dm_csum_add(0, hdr, hlen));
	x->status = good ? DM_CSUM_GOOD : DM_CSUM_BAD;
	x->reason = good ? DM_CSUM_REASON_NONE : DM_CSUM_REASON_MISMATCH;
	dm_explain_diagnose_swap(x);
	return x;
}

/* The pseudo-header's source is a Home Address option's (RFC 6275
 * section 9.3.1): keep the IP header's, which it replaced. */
static void
home_source(dm_explain *x, const dm_packet *pkt)
{
	if (pkt->family != 6 || !pkt->home_addr)
		return;
	x->home_addr = true;
	memcpy(x->ip_src, pkt->ip_src, 16);
}

dm_explain *
dm_explain_packet(const dm_packet *pkt, unsigned flags)
{
	const dm_csum_verdict *v = &pkt->csum;
	size_t csum_off = pkt->proto == 17 ? 6 : 16;

	if (v->have_expected && pkt->l4 && pkt->seg_len <= pkt->l4_caplen &&
	    csum_off + 2 <= pkt->seg_len) {
		dm_pseudo ph = {
			.family = pkt->family, .src = pkt->src, .dst = pkt->final_dst,
			.proto = pkt->proto, .length = pkt->seg_len,
		};
		dm_explain *x = dm_explain_segment(&ph, pkt->l4, pkt->seg_len, csum_off, flags);
		if (pkt->proto == 17)
			dm_explain_diagnose_length(x, pkt);
		home_source(x, pkt);
		return x;
	}
	/* Not computable: say why, with what is known. */
	builder b;
	dm_explain *x = explain_new(DM_XKIND_TRANSPORT, &b, flags);
	size_t alen = pkt->family == 6 ? 16 : 4;
	x->family = pkt->family;
	x->proto = pkt->proto;
	memcpy(x->src, pkt->src, alen);
	memcpy(x->dst, pkt->final_dst, alen);
	x->sport = pkt->sport;
	x->dport = pkt->dport;
	x->length = pkt->seg_len;
	x->has_field = pkt->have_csum_field;
	x->csum_off = (uint32_t)csum_off;
	x->stored = v->stored;
	x->status = v->status;
	x->reason = v->reason;
	home_source(x, pkt);
	return x;
}

const char *
dm_xpart_name(dm_xpart p)
{
	static const char *const names[DM_XPART_N] = {
		"pseudo-header", "header", "payload", "data",
	};
	return (unsigned)p < DM_XPART_N ? names[p] : "?";
}

const char *
dm_xdiag_name(dm_xdiag_kind k)
{
	static const char *const names[DM_XDIAG_N] = {
		"offload", "length", "byte-swapped", "no-pseudo-header",
		"source-address", "destination-address", "zero-ipv6", "corrupted",
	};
	return (unsigned)k < DM_XDIAG_N ? names[k] : "?";
}

void
dm_explain_free(dm_explain *x)
{
	if (!x)
		return;
	g_free(x->steps);
	g_free(x->diags);
	g_free(x);
}
