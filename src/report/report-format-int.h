/* report-format-int.h - numbers, capture times and addresses formatted by
 * hand for the reports that write millions of them (not installed).  Each
 * writes at @p, which has room enough, and returns the end; none writes a
 * NUL. */
#ifndef DEMUXSIM_REPORT_FORMAT_H
#define DEMUXSIM_REPORT_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* "00" "01" ... "99". */
extern const char dm_fmt_digit_pairs[201];

/* The digits of @v, written backwards from @end; @v < 2^32 divides faster. */
static inline void
dm_fmt_digits32(char *end, uint32_t v)
{
	while (v >= 100) {
		uint32_t r = v % 100;
		v /= 100;
		end -= 2;
		memcpy(end, dm_fmt_digit_pairs + 2 * r, 2);
	}
	if (v >= 10)
		memcpy(end - 2, dm_fmt_digit_pairs + 2 * v, 2);
	else
		end[-1] = (char)('0' + v);
}

/* 10^0 ... 10^19. */
extern const uint64_t dm_fmt_pow10[20];

/* The number of decimal digits of @v: from its bit length (times
 * log10(2), 1233/4096), one more when it reaches the next power of ten. */
static inline int
dm_fmt_len(uint64_t v)
{
	uint64_t u = v | 1;   /* the same digits, 0 counted as 1 */
	int n = ((64 - __builtin_clzll(u)) * 1233) >> 12;
	return n + 1 - (u < dm_fmt_pow10[n]);
}

/* The 8 digits of @v < 10^8, zero-padded, at @p. */
static inline void
dm_fmt_digits8(char *p, uint32_t v)
{
	uint32_t hi = v / 10000, lo = v % 10000;
	memcpy(p, dm_fmt_digit_pairs + 2 * (hi / 100), 2);
	memcpy(p + 2, dm_fmt_digit_pairs + 2 * (hi % 100), 2);
	memcpy(p + 4, dm_fmt_digit_pairs + 2 * (lo / 100), 2);
	memcpy(p + 6, dm_fmt_digit_pairs + 2 * (lo % 100), 2);
}

/* @v in decimal (at most 20 bytes).  Above 2^32, eight digits at a time:
 * one 64-bit division instead of one for every two digits. */
static inline char *
dm_fmt_u64(char *p, uint64_t v)
{
	int n = dm_fmt_len(v);
	char *q = p + n;
	while (v > UINT32_MAX) {
		q -= 8;
		dm_fmt_digits8(q, (uint32_t)(v % 100000000));
		v /= 100000000;
	}
	dm_fmt_digits32(q, (uint32_t)v);
	return p + n;
}

/* @v in at least @width (at most 10) digits, zero-padded as printf's
 * %0*u (at most 10 bytes). */
static inline char *
dm_fmt_u32_pad(char *p, uint32_t v, int width)
{
	int n = dm_fmt_len(v);
	if (n < width && width <= 10)
		n = width;
	memcpy(p, "0000000000", 10);
	dm_fmt_digits32(p + n, v);
	return p + n;
}

/* The room dm_fmt_fixed() and dm_fmt_time() need. */
#define DM_FMT_TIME_MAX 32
/* @whole, a point and @frac in at least @digits (at most 10) digits,
 * zero-padded, as printf's "%" PRId64 ".%0*u" (at most DM_FMT_TIME_MAX
 * bytes). */
char *dm_fmt_fixed(char *p, int64_t whole, uint32_t frac, int digits);

/* A capture time: seconds @sec and @frac, nanoseconds when @nano, else
 * microseconds, as "SEC.NNNNNNNNN" or "SEC.UUUUUU".  Every report writes
 * capture times through this. */
static inline char *
dm_fmt_time(char *p, int64_t sec, uint32_t frac, bool nano)
{
	return dm_fmt_fixed(p, sec, frac, nano ? 9 : 6);
}

/* IPv4 address @a in dotted decimal, as inet_ntop (at most 15 bytes). */
char *dm_fmt_ipv4(char *p, const uint8_t *a);
/* IPv6 address @a as inet_ntop writes it (RFC 5952: lowercase, the
 * first longest run of two or more zero groups as "::"; at most 45
 * bytes). */
char *dm_fmt_ipv6(char *p, const uint8_t *a);

/* "ADDR:PORT", or "[ADDR6]:PORT" for family 6 (at most 53 bytes). */
char *dm_fmt_endpoint(char *p, int family, const uint8_t *addr, uint16_t port);

/* Output collected in a caller's buffer and written to a stream in
 * blocks: when full and on dm_obuf_flush(). */
typedef struct {
	FILE *out;
	char *buf;
	size_t len, size;
} dm_obuf;

static inline void
dm_obuf_init(dm_obuf *b, FILE *out, char *buf, size_t size)
{
	b->out = out;
	b->buf = buf;
	b->len = 0;
	b->size = size;
}

/* Write out what @b holds. */
void dm_obuf_flush(dm_obuf *b);

/* Room for @n bytes (at most the buffer's size), writing out what @b
 * holds when needed: where they go; dm_obuf_end() says where they end. */
static inline char *
dm_obuf_reserve(dm_obuf *b, size_t n)
{
	if (b->len + n > b->size)
		dm_obuf_flush(b);
	return b->buf + b->len;
}

static inline void
dm_obuf_end(dm_obuf *b, const char *end)
{
	b->len = (size_t)(end - b->buf);
}

/* @n bytes of @s, any length. */
static inline void
dm_obuf_put(dm_obuf *b, const char *s, size_t n)
{
	if (n > b->size) {
		dm_obuf_flush(b);
		fwrite(s, 1, n, b->out);
		return;
	}
	memcpy(dm_obuf_reserve(b, n), s, n);
	b->len += n;
}

#define dm_obuf_lit(b, s) dm_obuf_put((b), (s), sizeof(s) - 1)

static inline void
dm_obuf_str(dm_obuf *b, const char *s)
{
	dm_obuf_put(b, s, strlen(s));
}

static inline void
dm_obuf_u64(dm_obuf *b, uint64_t v)
{
	dm_obuf_end(b, dm_fmt_u64(dm_obuf_reserve(b, 20), v));
}

#endif
