/* capture-int.h - what the capture stage's files share: byte-order
 * reads, the pcapng block-clamping filter (pcapng-clamp.c) and the
 * libwiretap reader (capture-wtap.c).  Not installed.
 */
#ifndef DEMUXSIM_CAPTURE_INT_H
#define DEMUXSIM_CAPTURE_INT_H

#include <stdint.h>
#include <stdio.h>

#include "demuxsim/capture.h"

#define DM_PCAPNG_MAGIC 0x0a0d0d0au

static inline uint32_t
dm_rd32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	          : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint16_t
dm_rd16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* The pcapng stream filter: where it is in the stream of blocks. */
typedef struct {
	FILE *src;
	bool be;             /* the file's byte order */
	bool raw;            /* a block it cannot follow: the rest unchanged */
	bool have_idb;
	uint32_t snaplen;    /* the first interface's, as libpcap keeps it */
	uint32_t max_caplen; /* the most libpcap takes for its link type */
	uint8_t head[28];    /* the current block's first bytes, patched */
	size_t head_len, head_pos;
	uint64_t left;       /* bytes of the current block after its head */
	long pos;            /* bytes delivered */
	bool stream;         /* @src is read as it comes: a block at a time */
} dm_ng_filter;

/* The first pcapng interface block in the @n bytes at @b, whole, or
 * NULL; *@be is the file's byte order and *@len the block's length. */
const uint8_t *dm_pcapng_first_idb(const uint8_t *b, size_t n, bool *be, size_t *len);

/* Whether the pcapng file starting with the @n bytes at @b may hold a
 * packet block to cut to the first interface's snapshot length. */
bool dm_pcapng_may_clamp(const uint8_t *b, size_t n);

/* @in through the filter @f, which cuts packet blocks to the snapshot
 * length: @be is the file's byte order, @stream whether @in is read as
 * it comes.  Closing the stream returned closes @in.  Returns: the
 * filtered stream, or NULL with errno set. */
FILE *dm_pcapng_clamp_open(dm_ng_filter *f, FILE *in, bool be, bool stream);

#ifdef HAVE_WIRETAP
/* The libwiretap reader (capture-wtap.c). */
typedef struct dm_wtap dm_wtap;

/* Open @path with libwiretap; record fractions are nanoseconds when
 * @nano, else microseconds.  Returns: the reader, or NULL with @error set. */
dm_wtap *dm_wtap_open(const char *path, bool nano, GError **error);

/* The link type (DLT_) and snapshot length of the file's first interface. */
int dm_wtap_linktype(const dm_wtap *w);
int dm_wtap_snaplen(const dm_wtap *w);

/* The next packet record into @rec (its dlt set); other records are
 * passed over.  Returns: 1, 0 at the end, -1 with @error set. */
int dm_wtap_next(dm_wtap *w, dm_record *rec, GError **error);

/* The packet records read so far. */
uint64_t dm_wtap_records(const dm_wtap *w);

/* Bytes read so far of the file's *@total.  Returns: false when unknown. */
bool dm_wtap_progress(dm_wtap *w, uint64_t *done, uint64_t *total);

/* Close @w (NULL is ignored). */
void dm_wtap_close(dm_wtap *w);
#endif

#endif /* DEMUXSIM_CAPTURE_INT_H */
