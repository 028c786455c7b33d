/* wire.h - byte writers and a plain RFC 1071 sum shared by the generators
 * of tests/gen (benchgen, genhostile, gencap), independent of the library
 * whose output they are the truth for. */
#ifndef DEMUXSIM_GEN_WIRE_H
#define DEMUXSIM_GEN_WIRE_H

#include <stddef.h>
#include <stdint.h>

static inline void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Add @n bytes at @p to the folded sum @acc as big-endian 16-bit words. */
static inline uint32_t
sum_bytes(const uint8_t *p, size_t n, uint32_t acc)
{
	uint64_t s = acc;
	size_t i = 0;
	for (; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		s += (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/* The checksum field for sum @s: folded and complemented. */
static inline uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#endif
