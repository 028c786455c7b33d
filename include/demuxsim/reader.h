/* reader.h - the one bounds-checked reader for packet bytes.
 *
 * Every decoder reads packet memory through a dm_reader: a view of
 * (base, len) where len never exceeds the bytes actually captured.  The
 * getters take an offset relative to the view and fail (return false)
 * instead of reading past its end, so a truncated packet can never be
 * read beyond caplen.
 */
#ifndef DEMUXSIM_READER_H
#define DEMUXSIM_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const uint8_t *base; /* first byte of the view */
	size_t len;          /* bytes available in the view */
} dm_reader;

/**
 * dm_reader_make: a view of @len bytes at @base.
 * Returns: the view.
 */
static inline dm_reader
dm_reader_make(const uint8_t *base, size_t len)
{
	dm_reader r = { base, base ? len : 0 };
	return r;
}

/**
 * dm_reader_has: whether @n bytes starting at @at lie inside the view.
 * Returns: true when [at, at+n) is readable.
 */
static inline bool
dm_reader_has(const dm_reader *r, size_t at, size_t n)
{
	return at <= r->len && n <= r->len - at;
}

/**
 * dm_reader_sub: the sub-view [at, at+n), clamped to what is available.
 * Returns: the (possibly shorter) sub-view; empty when @at is past the end.
 */
static inline dm_reader
dm_reader_sub(const dm_reader *r, size_t at, size_t n)
{
	dm_reader s = { r->base, 0 };
	if (at > r->len)
		return s;
	s.base = r->base + at;
	s.len = r->len - at < n ? r->len - at : n;
	return s;
}

/**
 * dm_get_u8: read the byte at @at into @out.
 * Returns: false (and leaves @out alone) when it was not captured.
 */
static inline bool
dm_get_u8(const dm_reader *r, size_t at, uint8_t *out)
{
	if (!dm_reader_has(r, at, 1))
		return false;
	*out = r->base[at];
	return true;
}

/**
 * dm_get_be16: read a big-endian 16-bit field at @at.
 * Returns: false when any of its bytes was not captured.
 */
static inline bool
dm_get_be16(const dm_reader *r, size_t at, uint16_t *out)
{
	if (!dm_reader_has(r, at, 2))
		return false;
	*out = (uint16_t)((unsigned)r->base[at] << 8 | r->base[at + 1]);
	return true;
}

/**
 * dm_get_be32: read a big-endian 32-bit field at @at.
 * Returns: false when any of its bytes was not captured.
 */
static inline bool
dm_get_be32(const dm_reader *r, size_t at, uint32_t *out)
{
	if (!dm_reader_has(r, at, 4))
		return false;
	*out = (uint32_t)r->base[at] << 24 | (uint32_t)r->base[at + 1] << 16 |
	       (uint32_t)r->base[at + 2] << 8 | r->base[at + 3];
	return true;
}

/**
 * dm_get_le16: read a little-endian 16-bit field at @at (radiotap, PPI,
 * NFLOG and 802.11 headers).
 * Returns: false when any of its bytes was not captured.
 */
static inline bool
dm_get_le16(const dm_reader *r, size_t at, uint16_t *out)
{
	if (!dm_reader_has(r, at, 2))
		return false;
	*out = (uint16_t)((unsigned)r->base[at + 1] << 8 | r->base[at]);
	return true;
}

/**
 * dm_get_le32: read a little-endian 32-bit field at @at.
 * Returns: false when any of its bytes was not captured.
 */
static inline bool
dm_get_le32(const dm_reader *r, size_t at, uint32_t *out)
{
	if (!dm_reader_has(r, at, 4))
		return false;
	*out = (uint32_t)r->base[at + 3] << 24 | (uint32_t)r->base[at + 2] << 16 |
	       (uint32_t)r->base[at + 1] << 8 | r->base[at];
	return true;
}

/**
 * dm_get_bytes: copy @n bytes at @at into @out.
 * Returns: false (copying nothing) when they were not all captured.
 */
static inline bool
dm_get_bytes(const dm_reader *r, size_t at, void *out, size_t n)
{
	if (!dm_reader_has(r, at, n))
		return false;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)out)[i] = r->base[at + i];
	return true;
}

#endif /* DEMUXSIM_READER_H */
