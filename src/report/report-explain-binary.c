/* report-explain-binary.c - the one's-complement sum of an explanation
 * (RFC 1071, section 1) written in binary, as textbooks work it by hand:
 * each 16-bit word under the sum so far, the result, and when it has a
 * seventeenth bit, that carry added back in at the bottom ("wraparound").
 */
#include "config.h"

#include "report-explain-int.h"

/* @v as @bits binary digits, most significant first, into @buf. */
static const char *
bin(uint32_t v, int bits, char *buf)
{
	for (int i = 0; i < bits; i++)
		buf[i] = (char)('0' + ((v >> (bits - 1 - i)) & 1));
	buf[bits] = '\0';
	return buf;
}

/* Bits needed for @raw, at least 16. */
static int
width(uint32_t raw)
{
	int bits = 16;
	while (bits < 32 && (raw >> bits))
		bits++;
	return bits;
}

static void
rule(FILE *out)
{
	fprintf(out, "               %s\n", "----------------------");
}

/* One word's line: @lead, its bits, its hex and what it is. */
static void
word_line(FILE *out, const char *lead, const dm_xstep *s)
{
	char b[40];

	fprintf(out, "  %-11s  %22s  0x%04x", lead, bin(s->word, 16, b), s->word);
	if (s->count > 1)
		fprintf(out, "  %u words folded together", s->count);
	else if (s->field)
		fprintf(out, "  %s%s", s->field, s->as_zero ? " (taken as 0)" : "");
	fputc('\n', out);
}

static void
step(FILE *out, const dm_xstep *s)
{
	char b[40];

	word_line(out, "+", s);
	rule(out);
	int bits = width(s->raw);
	fprintf(out, "               %22s  0x%0*x\n", bin(s->raw, bits, b), bits > 16 ? 5 : 4,
	        s->raw);
	if (s->carry) {
		uint32_t carry = s->raw >> 16;
		fprintf(out, "  wraparound   %22s  0x%04x  the carry 0x%x added back in\n",
		        bin(s->sum, 16, b), s->sum, carry);
	}
}

void
dm_xreport_binary_text(FILE *out, const dm_explain *x)
{
	char b[40];

	fprintf(out, "  in binary (each word added under the sum so far; a carry out of\n"
	        "  bit 15 wraps around and is added to bit 0):\n");
	for (size_t i = 0; i < x->n_steps; i++) {
		if (i == 0)
			word_line(out, "", &x->steps[i]);
		else
			step(out, &x->steps[i]);
	}
	fprintf(out, "  sum          %22s  0x%04x\n", bin(x->sum, 16, b), x->sum);
	if (x->kind != DM_XKIND_WORDS || x->n_steps)
		fprintf(out, "  checksum     %22s  0x%04x  every bit of the sum inverted\n",
		        bin(x->checksum, 16, b), x->checksum);
}
