/* report-verbose.c - TCP options in -v trace lines, as tcpdump -v prints
 * them: RFC 9293 3.1 (end of list, no-operation, maximum segment size),
 * RFC 7323 (window scale, timestamps), RFC 2018 (SACK-permitted, SACK).
 * Any other kind is `opt-K:len`.  A length byte below 2 or past the
 * options' end, or an option shorter than its kind requires, ends the list
 * with `[bad opt]`; options the capture cut end with `[|tcp]`.
 * -vv adds the IPv4 header checksum's verdict, the TCP urgent pointer and
 * the UDP length field.
 * Decoded here, lazily, from the raw option bytes the decoder copied (only
 * when -v or -e asked for details: dm_decode_set_details()).
 */
#include "config.h"

#include "report-verbose-int.h"

enum { OPT_EOL = 0, OPT_NOP = 1, OPT_MSS = 2, OPT_WSCALE = 3,
       OPT_SACKOK = 4, OPT_SACK = 5, OPT_TS = 8 };

static uint32_t
be(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* tcpdump's name of a kind this file decodes, NULL for another. */
static const char *
kind_name(uint8_t kind)
{
	switch (kind) {
	case OPT_MSS: return "mss";
	case OPT_WSCALE: return "wscale";
	case OPT_SACKOK: return "sackOK";
	case OPT_SACK: return "sack";
	case OPT_TS: return "TS";
	default: return NULL;
	}
}

/* The data of one option of kind @kind (@d, @n bytes, all present).
 * Returns: false when @n is too short for the kind. */
static bool
option_data(FILE *out, uint8_t kind, const uint8_t *d, unsigned n)
{
	switch (kind) {
	case OPT_MSS:
		if (n < 2)
			return false;
		fprintf(out, "mss %u", be(d, 2));
		break;
	case OPT_WSCALE:
		if (n < 1)
			return false;
		fprintf(out, "wscale %u", d[0]);
		break;
	case OPT_SACKOK:
		fputs("sackOK", out);
		break;
	case OPT_TS:
		if (n < 8)
			return false;
		fprintf(out, "TS val %u ecr %u", be(d, 4), be(d + 4, 4));
		break;
	case OPT_SACK:
		if (n % 8) {
			fputs("sack invalid sack", out);
			break;
		}
		fprintf(out, "sack %u ", n / 8);
		for (unsigned i = 0; i < n; i += 8)
			fprintf(out, "{%u:%u}", be(d + i, 4), be(d + i + 4, 4));
		break;
	default:
		fprintf(out, "opt-%u:%u", kind, n + 2);
		break;
	}
	return true;
}

void
dm_report_tcp_options_text(FILE *out, const dm_packet *pkt)
{
	if (!pkt->have_tcp || pkt->tcp_doff <= 5 || pkt->malformed == DM_MAL_TCP_OFFSET)
		return;
	unsigned want = pkt->tcp_doff * 4u - 20;  /* by the data offset */
	unsigned have = pkt->tcp_opts_len;         /* captured, <= want */
	const uint8_t *o = pkt->tcp_opts;
	const char *end = "]";

	fputs(" options [", out);
	for (unsigned at = 0; at < want; ) {
		if (at)
			fputc(',', out);
		if (at >= have) {
			end = "[|tcp]]";
			break;
		}
		uint8_t kind = o[at];
		if (kind == OPT_EOL) {
			fputs("eol", out);
			break;
		}
		if (kind == OPT_NOP) {
			fputs("nop", out);
			at++;
			continue;
		}
		if (at + 1 >= have) {
			end = at + 1 >= want ? "[bad opt]]" : "[|tcp]]";
			break;
		}
		unsigned len = o[at + 1];
		if (len < 2 || at + len > want) {
			end = "[bad opt]]";
			break;
		}
		if (at + len > have) {
			/* As tcpdump: the option's name, then the cut. */
			const char *name = kind_name(kind);
			if (name)
				fprintf(out, "%s ", name);
			end = "[|tcp]]";
			break;
		}
		if (!option_data(out, kind, o + at + 2, len - 2)) {
			end = "[bad opt]]";
			break;
		}
		at += len;
	}
	fputs(end, out);
}

void
dm_report_vv_text(FILE *out, const dm_packet *pkt)
{
	if (pkt->family == 4 && pkt->have_ip_info) {
		fprintf(out, " ip-cksum 0x%04x", pkt->ip_csum);
		if (pkt->headers_only)
			fputs(" unverified", out);
		else if (pkt->ip_csum_bad)
			fprintf(out, " (expected 0x%04x) bad", pkt->ip_csum_expected);
		else
			fputs(" good", out);
	}
	if (pkt->proto == 6 && pkt->have_tcp)
		fprintf(out, " urg %u", pkt->urg_ptr);
	else if (pkt->proto == 17 && pkt->have_length)
		fprintf(out, " ulen %u", pkt->udp_length);
}
