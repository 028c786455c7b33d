/* report-format.c - numbers, capture times and addresses formatted by
 * hand, and output written in blocks, for the reports of millions of
 * lines: printf parses its format on every call, and inet_ntop formats
 * each IPv6 group with sprintf. */
#include "config.h"

#include <arpa/inet.h>

#include "report-format-int.h"

const char dm_fmt_digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

const uint64_t dm_fmt_pow10[20] = {
	UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
	UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
	UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
	UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
	UINT64_C(1000000000000000), UINT64_C(10000000000000000),
	UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
	UINT64_C(10000000000000000000),
};

void
dm_obuf_flush(dm_obuf *b)
{
	if (b->len)
		fwrite(b->buf, 1, b->len, b->out);
	b->len = 0;
}

char *
dm_fmt_fixed(char *p, int64_t whole, uint32_t frac, int digits)
{
	if (whole < 0)
		*p++ = '-';
	p = dm_fmt_u64(p, whole < 0 ? (uint64_t)0 - (uint64_t)whole : (uint64_t)whole);
	*p++ = '.';
	return dm_fmt_u32_pad(p, frac, digits);
}

char *
dm_fmt_ipv4(char *p, const uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (i)
			*p++ = '.';
		if (v >= 100) {
			*p++ = (char)('0' + v / 100);
			v %= 100;
			memcpy(p, dm_fmt_digit_pairs + 2 * v, 2);
			p += 2;
		} else if (v >= 10) {
			memcpy(p, dm_fmt_digit_pairs + 2 * v, 2);
			p += 2;
		} else {
			*p++ = (char)('0' + v);
		}
	}
	return p;
}

char *
dm_fmt_ipv6(char *p, const uint8_t *a)
{
	static const char hex[] = "0123456789abcdef";
	unsigned g[8];
	int best = -1, best_len = 0;

	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j == i ? i + 1 : j;
	}
	if (best_len < 2)
		best = -1;
	if (best == 0 && best_len >= 5) {
		/* Perhaps an IPv4-compatible or -mapped address, which C
		 * libraries write in different ways: as this one does. */
		char buf[INET6_ADDRSTRLEN];
		if (!inet_ntop(AF_INET6, a, buf, sizeof buf))
			buf[0] = '?', buf[1] = '\0';
		size_t n = strlen(buf);
		memcpy(p, buf, n);
		return p + n;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			/* The next group (or the end) adds the second colon. */
			*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i)
			*p++ = ':';
		unsigned v = g[i];
		if (v >= 0x1000)
			*p++ = hex[v >> 12];
		if (v >= 0x100)
			*p++ = hex[(v >> 8) & 15];
		if (v >= 0x10)
			*p++ = hex[(v >> 4) & 15];
		*p++ = hex[v & 15];
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	return p;
}

char *
dm_fmt_endpoint(char *p, int family, const uint8_t *addr, uint16_t port)
{
	if (family == 6) {
		*p++ = '[';
		p = dm_fmt_ipv6(p, addr);
		*p++ = ']';
	} else {
		p = dm_fmt_ipv4(p, addr);
	}
	*p++ = ':';
	return dm_fmt_u64(p, port);
}
