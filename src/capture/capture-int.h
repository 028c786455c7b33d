/* capture-int.h - what the capture stage's files share: byte-order
 * reads, the pcapng block-clamping filter (pcapng-clamp.c) and the
 * libwiretap reader (capture-wtap.c).  Not installed.
 */
#ifndef DEMUXSIM_CAPTURE_INT_H
#define DEMUXSIM_CAPTURE_INT_H

#include <pcap/pcap.h>
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

/* The classic pcap records read in blocks (bulk-read.c). */
typedef struct {
	int fd;              /* the file's, or -1 when not open */
	uint8_t *buf;
	size_t pos, len;     /* the next record in buf, the bytes in it */
	size_t size;         /* of buf */
	size_t last;         /* bytes of the record handed out last */
	long offset;         /* the file offset of the record at pos */
	uint32_t max_caplen; /* larger records are libpcap's */
	struct pcap_pkthdr hdr; /* the last record's */
} dm_bulk;

/* Read the records of the classic pcap file on @fd, whose first
 * @head_len bytes are @head, from offset @start (the first record) with
 * snapshot length @snaplen (libpcap's, as adjusted).  Returns: false for
 * a file not read so (another version or byte order), @b unset. */
bool dm_bulk_open(dm_bulk *b, int fd, const uint8_t *head, size_t head_len, long start,
                  uint32_t snaplen);

/* The next record into @hdr and @data (valid until the next call), as
 * libpcap would hand it out.  Returns: 1, 0 at the end of the file, or
 * -1 for a record left to libpcap (a read error too): libpcap reads on
 * from dm_bulk_offset(). */
int dm_bulk_next(dm_bulk *b, struct pcap_pkthdr *hdr, const uint8_t **data);

/* pcap_next_ex() on @p, or dm_bulk_next() while @b reads (@b->fd >= 0):
 * at a record left to libpcap, @b is closed and libpcap's stream is
 * moved to it.  Returns: as pcap_next_ex(). */
int dm_bulk_next_ex(dm_bulk *b, pcap_t *p, struct pcap_pkthdr **hdr, const u_char **data);

/* The file offset of the record after the one handed out last. */
long dm_bulk_offset(const dm_bulk *b);

/* Free what @b holds (the descriptor stays open). */
void dm_bulk_close(dm_bulk *b);

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
