/* report-explain.c - checksum explanations as text (a worked
 * computation a reader can check by hand) or as JSON data (the same steps:
 * words, running sums, partial sums per part, verdict, diagnosis).
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "demuxsim/report-explain.h"
#include "json-writer-int.h"
#include "report-explain-int.h"

struct dm_xreport {
	FILE *out;
	dm_format fmt;
	jw w;
	size_t count;
	unsigned opts;        /* DM_XREPORT_ */
};

void
dm_xreport_set_options(dm_xreport *r, unsigned opts)
{
	r->opts = opts;
}

/* A checksum field typed as 0000 by hand: the question is what to write
 * there, not whether it is right. */
static bool
typed_zero(const dm_xreport *r, const dm_explain *x)
{
	return (r->opts & DM_XREPORT_TYPED) && x->kind == DM_XKIND_TRANSPORT &&
	       x->computed && x->has_field && x->stored == 0;
}

bool
dm_xreport_format_supported(dm_format fmt)
{
	return fmt == DM_FORMAT_TEXT || fmt == DM_FORMAT_JSON || fmt == DM_FORMAT_JSONL;
}

dm_xreport *
dm_xreport_new(FILE *out, dm_format fmt)
{
	dm_xreport *r = g_new0(dm_xreport, 1);
	r->out = out;
	r->fmt = fmt;
	if (fmt == DM_FORMAT_JSON) {
		jw_init(&r->w, out, true);
		jw_begin_object(&r->w);
		jw_key(&r->w, "explanations");
		jw_begin_array(&r->w);
	}
	return r;
}

static const char *
what(const dm_explain *x)
{
	switch (x->kind) {
	case DM_XKIND_IPV4_HEADER:
		return "ipv4-header";
	case DM_XKIND_WORDS:
		return "words";
	case DM_XKIND_TRANSPORT:
		break;
	}
	return x->proto == 17 ? "udp" : x->proto == 6 ? "tcp" : "?";
}

static char *
hex16(uint32_t v, char *buf)
{
	g_snprintf(buf, 12, "0x%04x", v);
	return buf;
}

static const char *
reason_text(dm_csum_reason r)
{
	switch (r) {
	case DM_CSUM_REASON_TRUNCATED:
		return "bytes it covers were not captured";
	case DM_CSUM_REASON_FRAGMENT:
		return "an IP fragment: it covers the reassembled datagram";
	case DM_CSUM_REASON_MALFORMED:
		return "a length field lies: the bytes it covers are unknown";
	case DM_CSUM_REASON_ZERO_IPV6:
		return "zero over IPv6";
	default:
		return NULL;
	}
}

/* A pseudo-header field's value, as a reader would write it. */
static void
field_value(const dm_explain *x, const dm_xstep *s, char *buf, size_t size)
{
	char a[46];
	if (strcmp(s->field, "source address") == 0)
		g_strlcpy(buf, dm_report_address(x->family, x->src, a), size);
	else if (strcmp(s->field, "destination address") == 0)
		g_strlcpy(buf, dm_report_address(x->family, x->dst, a), size);
	else if (strstr(s->field, "length"))
		g_snprintf(buf, size, "%u", x->length);
	else
		g_snprintf(buf, size, "0, %u", x->proto);
}

/* Steps [i, end) of the pseudo-header that belong to one field. */
static size_t
field_end(const dm_explain *x, size_t i)
{
	size_t e = i + 1;
	while (e < x->n_steps && x->steps[e].part == DM_XPART_PSEUDO &&
	       strcmp(x->steps[e].field, x->steps[i].field) == 0)
		e++;
	return e;
}

static void
diag_text(FILE *out, const dm_explain *x, const dm_xdiag *d)
{
	char a[46], h[12], h2[12];
	switch (d->kind) {
	case DM_XDIAG_OFFLOAD:
		fprintf(out, "stored value is the pseudo-header sum only: transmit checksum offload"
		        " (pseudo-header length %u%s)\n", d->length,
		        d->length ? "" : ", as segmentation offload leaves it");
		break;
	case DM_XDIAG_LENGTH:
		fprintf(out, "stored value matches a length of %u (UDP length field vs IP payload"
		        " length disagree)\n", d->length);
		break;
	case DM_XDIAG_SWAPPED:
		fprintf(out, "stored value is byte-swapped (%s with its bytes exchanged is %s)\n",
		        hex16(x->stored, h), hex16(x->expected, h2));
		break;
	case DM_XDIAG_NO_PSEUDO:
		fprintf(out, "stored value matches the segment without its pseudo-header\n");
		break;
	case DM_XDIAG_SRC_ADDR:
	case DM_XDIAG_DST_ADDR:
		fprintf(out, "stored value matches %s address %s (address rewritten after the"
		        " checksum was computed: NAT?)",
		        d->kind == DM_XDIAG_SRC_ADDR ? "source" : "destination",
		        dm_report_address(x->family, d->addr, a));
		if (d->frame)
			fprintf(out, "; frame %" G_GUINT64_FORMAT " has a flow with it", d->frame);
		fputc('\n', out);
		break;
	case DM_XDIAG_ZERO_IPV6:
		fprintf(out, "UDP over IPv6 sent without a checksum: 0 is not allowed over IPv6"
		        " (RFC 8200 section 8.1)\n");
		break;
	case DM_XDIAG_CORRUPTED:
	case DM_XDIAG_N:
		fprintf(out, "no simple explanation: data corrupted in transit\n");
		break;
	}
}

static void
text_title(FILE *out, uint64_t frame, const dm_explain *x)
{
	char a[46], b[46];
	if (frame)
		fprintf(out, "frame %" G_GUINT64_FORMAT ": ", frame);
	switch (x->kind) {
	case DM_XKIND_WORDS:
		fprintf(out, "%u bytes as %u 16-bit words, no pseudo-header\n",
		        x->length, (x->length + 1) / 2);
		return;
	case DM_XKIND_IPV4_HEADER:
		fprintf(out, "IPv4 header %s -> %s, %u bytes, header checksum at offset 10\n",
		        dm_report_address(4, x->src, a), dm_report_address(4, x->dst, b),
		        x->hdr_len);
		return;
	case DM_XKIND_TRANSPORT:
		break;
	}
	dm_report_address(x->family, x->src, a);
	dm_report_address(x->family, x->dst, b);
	if (x->family == 6)
		fprintf(out, "%s [%s]:%u -> [%s]:%u", x->proto == 17 ? "UDP" : "TCP",
		        a, x->sport, b, x->dport);
	else
		fprintf(out, "%s %s:%u -> %s:%u", x->proto == 17 ? "UDP" : "TCP",
		        a, x->sport, b, x->dport);
	if (x->computed)
		fprintf(out, " (IPv%d), %u bytes: %u of header, %u of payload;"
		        " checksum field at offset %u\n", x->family, x->length,
		        x->hdr_len, x->length - x->hdr_len, x->csum_off);
	else
		fprintf(out, " (IPv%d)\n", x->family);
}

/* The source is a Home Address option's: say which it replaced. */
static void
text_home(FILE *out, const dm_explain *x, const char *lead)
{
	char a[46];
	fprintf(out, "%sthe Home Address option replaced the IP header's source %s"
	        " (RFC 6275 section 9.3.1)\n", lead,
	        dm_report_address(x->family, x->ip_src, a));
}

static void
text_pseudo(FILE *out, const dm_explain *x)
{
	char v[64], h[12];
	if (x->n_steps == 0 || x->steps[0].part != DM_XPART_PSEUDO)
		return;
	fprintf(out, "  pseudo-header (IPv%d, %s):\n", x->family,
	        x->family == 6 ? "RFC 8200 section 8.1" :
	        x->proto == 17 ? "RFC 768" : "RFC 9293 section 3.1");
	for (size_t i = 0; i < x->n_steps && x->steps[i].part == DM_XPART_PSEUDO;) {
		size_t e = field_end(x, i);
		field_value(x, &x->steps[i], v, sizeof v);
		fprintf(out, "    %-27s %-26s", x->steps[i].field, v);
		for (size_t k = i; k < e; k++)
			fprintf(out, " %s", hex16(x->steps[k].word, h));
		fputc('\n', out);
		if (x->home_addr && strcmp(x->steps[i].field, "source address") == 0)
			text_home(out, x, "                                ");
		i = e;
	}
}

static void
text_step(FILE *out, const dm_explain *x, const dm_xstep *s)
{
	char field[64], h[12], r[12], sum[32];

	if (s->count > 1)
		g_snprintf(field, sizeof field, "%u words at %u-%u, their subtotal", s->count,
		           s->offset, s->offset + 2 * s->count - 1);
	else if (s->as_zero)
		g_snprintf(field, sizeof field, "%s (holds %s, taken as 0)", s->field,
		           hex16(s->actual, h));
	else if (s->odd)
		g_snprintf(field, sizeof field, "%s%sodd byte 0x%02x + pad 0x00",
		           s->field ? s->field : "", s->field ? ", " : "", s->word >> 8);
	else
		g_strlcpy(field, s->field ? s->field : "", sizeof field);
	if (s->carry)
		g_snprintf(sum, sizeof sum, "%s -> %s (carry)", hex16(s->raw, r),
		           hex16(s->sum, h));
	else
		hex16(s->sum, sum);
	char off[16];
	if (s->part == DM_XPART_PSEUDO)
		g_strlcpy(off, "-", sizeof off);
	else
		g_snprintf(off, sizeof off, "%u", s->offset);
	(void)x;
	fprintf(out, "    %-13s %6s  %-44s %s  %s\n", dm_xpart_name(s->part), off,
	        field, hex16(s->word, h), sum);
}

static void
text_add(dm_xreport *r, uint64_t frame, const dm_explain *x)
{
	FILE *out = r->out;
	char h[12], h2[12];

	if (r->count++)
		fputc('\n', out);
	text_title(out, frame, x);
	if (!x->computed) {
		const char *why = reason_text(x->reason);
		fprintf(out, "  verdict     %s", dm_csum_status_name(x->status));
		if (dm_csum_reason_name(x->reason))
			fprintf(out, " (%s)", dm_csum_reason_name(x->reason));
		if (why)
			fprintf(out, ": %s", why);
		fputc('\n', out);
		if (x->has_field)
			fprintf(out, "  stored      %s\n", hex16(x->stored, h));
		if (x->home_addr)
			text_home(out, x, "  source      ");
		return;
	}
	text_pseudo(out, x);
	fprintf(out, "  one's-complement sum of 16-bit words (a carry out of bit 15 is added"
	        " back in):\n");
	fprintf(out, "    %-13s %6s  %-44s %-6s  %s\n", "part", "offset", "field", "word", "sum");
	size_t g = 0;
	for (size_t i = 0; i < x->n_steps; i++) {
		text_step(out, x, &x->steps[i]);
		bool last_of_part = i + 1 == x->n_steps || x->steps[i + 1].part != x->steps[i].part;
		if (last_of_part && g < x->n_groups) {
			const dm_xgroup *gr = &x->groups[g++];
			fprintf(out, "    %-13s subtotal %s over %u words; running sum %s\n",
			        dm_xpart_name(gr->part), hex16(gr->subtotal, h), gr->words,
			        hex16(gr->sum, h2));
		}
	}
	if (r->opts & DM_XREPORT_BINARY)
		dm_xreport_binary_text(out, x);
	fprintf(out, "  sum         %s\n", hex16(x->sum, h));
	fprintf(out, "  checksum    ~%s = %s\n", hex16(x->sum, h), hex16(x->checksum, h2));
	if (x->kind == DM_XKIND_TRANSPORT && x->proto == 17)
		fprintf(out, "  UDP rule    %s\n", x->zero_rule ?
		        "a computed 0x0000 is sent as 0xffff (0 means no checksum, RFC 768)" :
		        "not applied (only a computed 0x0000 is sent as 0xffff)");
	if (x->kind == DM_XKIND_WORDS) {
		fprintf(out, "  check       the words sum to %s: %s\n", hex16(x->check_sum, h),
		        x->status == DM_CSUM_GOOD ?
		        "they include a correct checksum (RFC 1071: all ones)" :
		        "a checksum among them would make it 0xffff");
		return;
	}
	if (typed_zero(r, x)) {
		fprintf(out, "  verdict     computed checksum %s: the field was typed as 0000,"
		        " so this is the value to write there\n", hex16(x->expected, h));
		if (x->proto == 17 && x->family == 4)
			fprintf(out, "              (sent as 0000, a UDP field over IPv4 means no"
			        " checksum: RFC 768)\n");
		return;
	}
	fprintf(out, "  stored      %s%s\n", hex16(x->stored, h),
	        x->stored == x->expected ? " (equal)" : "");
	fprintf(out, "  check       sum with the stored field: %s%s\n", hex16(x->check_sum, h),
	        x->check_sum == 0xffff ? " (all ones: correct)" : "");
	fprintf(out, "  verdict     %s", dm_csum_status_name(x->status));
	if (dm_csum_reason_name(x->reason))
		fprintf(out, " (%s)", dm_csum_reason_name(x->reason));
	if (x->status == DM_CSUM_ABSENT)
		fprintf(out, ": a UDP field of 0 over IPv4 means no checksum was sent");
	fputc('\n', out);
	for (size_t i = 0; i < x->n_diags; i++) {
		fprintf(out, "  diagnosis   ");
		diag_text(out, x, &x->diags[i]);
	}
}

static void
jhex(jw *w, const char *key, uint32_t v)
{
	char h[12];
	jw_key(w, key);
	jw_string(w, hex16(v, h));
}

static void
json_pseudo(jw *w, const dm_explain *x)
{
	char v[64], h[12];
	jw_key(w, "pseudo_header");
	jw_begin_array(w);
	for (size_t i = 0; i < x->n_steps && x->steps[i].part == DM_XPART_PSEUDO;) {
		size_t e = field_end(x, i);
		field_value(x, &x->steps[i], v, sizeof v);
		jw_begin_object(w);
		jw_key(w, "field");
		jw_string(w, x->steps[i].field);
		jw_key(w, "value");
		jw_string(w, v);
		jw_key(w, "words");
		jw_begin_array(w);
		for (size_t k = i; k < e; k++)
			jw_string(w, hex16(x->steps[k].word, h));
		jw_end_array(w);
		jw_end_object(w);
		i = e;
	}
	jw_end_array(w);
}

static void
json_steps(jw *w, const dm_explain *x)
{
	jw_key(w, "steps");
	jw_begin_array(w);
	for (size_t i = 0; i < x->n_steps; i++) {
		const dm_xstep *s = &x->steps[i];
		jw_begin_object(w);
		jw_key(w, "part");
		jw_string(w, dm_xpart_name(s->part));
		jw_key(w, "offset");
		jw_uint(w, s->offset);
		jw_key(w, "field");
		jw_string(w, s->field);
		jw_key(w, "words");
		jw_uint(w, s->count);
		jhex(w, "word", s->word);
		if (s->as_zero)
			jhex(w, "holds", s->actual);
		if (s->odd) {
			jw_key(w, "odd_byte");
			jw_bool(w, true);
		}
		jhex(w, "raw", s->raw);
		jw_key(w, "carry");
		jw_bool(w, s->carry);
		jhex(w, "sum", s->sum);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_key(w, "partial_sums");
	jw_begin_array(w);
	for (size_t g = 0; g < x->n_groups; g++) {
		jw_begin_object(w);
		jw_key(w, "part");
		jw_string(w, dm_xpart_name(x->groups[g].part));
		jw_key(w, "words");
		jw_uint(w, x->groups[g].words);
		jhex(w, "subtotal", x->groups[g].subtotal);
		jhex(w, "sum", x->groups[g].sum);
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void
json_diags(jw *w, const dm_explain *x)
{
	char a[46];
	jw_key(w, "diagnosis");
	jw_begin_array(w);
	for (size_t i = 0; i < x->n_diags; i++) {
		const dm_xdiag *d = &x->diags[i];
		jw_begin_object(w);
		jw_key(w, "cause");
		jw_string(w, dm_xdiag_name(d->kind));
		if (d->kind == DM_XDIAG_OFFLOAD || d->kind == DM_XDIAG_LENGTH) {
			jw_key(w, "length");
			jw_uint(w, d->length);
		}
		if (d->kind == DM_XDIAG_SRC_ADDR || d->kind == DM_XDIAG_DST_ADDR) {
			jw_key(w, "address");
			jw_string(w, dm_report_address(x->family, d->addr, a));
			jw_key(w, "frame");
			if (d->frame)
				jw_uint(w, d->frame);
			else
				jw_null(w);
		}
		jw_end_object(w);
	}
	jw_end_array(w);
}

static void
json_add(jw *w, uint64_t frame, const dm_explain *x, bool typed)
{
	char a[46];
	jw_begin_object(w);
	jw_key(w, "frame");
	if (frame)
		jw_uint(w, frame);
	else
		jw_null(w);
	jw_key(w, "checksum");
	jw_string(w, what(x));
	if (x->kind != DM_XKIND_WORDS) {
		jw_key(w, "family");
		jw_uint(w, (uint64_t)x->family);
		jw_key(w, "src");
		jw_string(w, dm_report_address(x->family, x->src, a));
		if (x->home_addr) {
			/* src is the Home Address option's, RFC 6275 9.3.1 */
			jw_key(w, "ip_header_src");
			jw_string(w, dm_report_address(x->family, x->ip_src, a));
		}
		jw_key(w, "dst");
		jw_string(w, dm_report_address(x->family, x->dst, a));
	}
	if (x->kind == DM_XKIND_TRANSPORT) {
		jw_key(w, "sport");
		jw_uint(w, x->sport);
		jw_key(w, "dport");
		jw_uint(w, x->dport);
	}
	jw_key(w, "length");
	jw_uint(w, x->length);
	if (x->has_field) {
		jw_key(w, "checksum_offset");
		jw_uint(w, x->csum_off);
	}
	jw_key(w, "computed");
	jw_bool(w, x->computed);
	if (x->computed) {
		if (x->kind == DM_XKIND_TRANSPORT)
			json_pseudo(w, x);
		json_steps(w, x);
		jhex(w, "sum", x->sum);
		jhex(w, "complement", x->checksum);
		if (x->kind == DM_XKIND_TRANSPORT && x->proto == 17) {
			jw_key(w, "udp_zero_rule");
			jw_bool(w, x->zero_rule);
		}
		jhex(w, "expected", x->expected);
		jhex(w, "check", x->check_sum);
	}
	if (x->has_field)
		jhex(w, "stored", x->stored);
	if (typed) {
		/* typed as 0000: the answer is the checksum to write */
		jw_key(w, "typed_as_zero");
		jw_bool(w, true);
		jhex(w, "computed", x->expected);
	}
	jw_key(w, "status");
	jw_string(w, typed ? "computed" : dm_csum_status_name(x->status));
	jw_key(w, "reason");
	jw_string(w, typed ? NULL : dm_csum_reason_name(x->reason));
	json_diags(w, x);
	jw_end_object(w);
}

void
dm_xreport_add(dm_xreport *r, uint64_t frame, const dm_explain *x)
{
	if (r->fmt == DM_FORMAT_JSON) {
		json_add(&r->w, frame, x, typed_zero(r, x));
	} else if (r->fmt == DM_FORMAT_JSONL) {
		jw w;
		jw_init(&w, r->out, false);
		json_add(&w, frame, x, typed_zero(r, x));
		fputc('\n', r->out);
	} else {
		text_add(r, frame, x);
	}
}

void
dm_xreport_skip(dm_xreport *r, uint64_t frame, bool ip_header, const char *why,
                const char *detail)
{
	const char *kind = ip_header ? "ipv4-header" : "transport";
	if (r->fmt == DM_FORMAT_TEXT) {
		if (r->count++)
			fputc('\n', r->out);
		fprintf(r->out, "frame %" G_GUINT64_FORMAT ": no %s checksum to explain (%s%s%s)\n",
		        frame, ip_header ? "IPv4 header" : "UDP/TCP", why,
		        detail ? ": " : "", detail ? detail : "");
		return;
	}
	jw local, *w = &local;
	if (r->fmt == DM_FORMAT_JSON)
		w = &r->w;
	else
		jw_init(w, r->out, false);
	jw_begin_object(w);
	jw_key(w, "frame");
	jw_uint(w, frame);
	jw_key(w, "checksum");
	jw_string(w, kind);
	jw_key(w, "skipped");
	jw_string(w, why);
	if (detail) {
		jw_key(w, "detail");
		jw_string(w, detail);
	}
	jw_end_object(w);
	if (r->fmt == DM_FORMAT_JSONL)
		fputc('\n', r->out);
}

void
dm_xreport_free(dm_xreport *r)
{
	if (!r)
		return;
	if (r->fmt == DM_FORMAT_JSON) {
		jw_end_array(&r->w);
		jw_end_object(&r->w);
	}
	fflush(r->out);
	g_free(r);
}
