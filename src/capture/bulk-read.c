/* bulk-read.c - the records of a classic pcap file (the pcap-savefile(5)
 * format, version 2.4, in this host's byte order) read in large blocks
 * straight from the file's descriptor.
 *
 * libpcap reads a savefile a record at a time through stdio: two freads
 * a record, each with its locking and its copy from stdio's buffer into
 * libpcap's, about 470 instructions a record and a tenth of a summary
 * run (callgrind, 1,000,000 records).  Here a record costs a bounds check
 * and four loads.  Only records libpcap hands out unchanged are read
 * here: a record header or data cut short by the end of the file, a
 * captured length above the snapshot length or above 262,144 bytes, a
 * time whose seconds or fraction does not fit a signed 32-bit field
 * (libpcap's struct pcap_timeval), and a file in the other byte order
 * (whose pseudo-headers libpcap rewrites) are libpcap's, from that
 * record on: dm_bulk_next() says so, and the caller seeks libpcap's
 * stream to dm_bulk_offset().  libpcap's own checks and messages then
 * apply exactly as before.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "capture-int.h"

/* The block read at once, grown for a larger record (64 KiB, 256 KiB
 * and 1 MiB measured the same). */
#define BULK_SIZE ((size_t)256 << 10)
/* The largest captured length read here: libpcap's usual maximum. */
#define BULK_MAX_CAPLEN 262144u

bool
dm_bulk_open(dm_bulk *b, int fd, const uint8_t *head, size_t head_len, long start,
             uint32_t snaplen)
{
	memset(b, 0, sizeof *b);
	b->fd = -1;
	/* Version 2.4 (earlier ones may swap the two lengths), the
	 * microsecond or nanosecond magic in this host's byte order. */
	uint32_t magic;
	uint16_t major, minor;
	if (fd < 0 || start < 24 || head_len < 24)
		return false;
	memcpy(&magic, head, 4);
	memcpy(&major, head + 4, 2);
	memcpy(&minor, head + 6, 2);
	if ((magic != 0xa1b2c3d4u && magic != 0xa1b23c4du) || major != 2 || minor < 4)
		return false;
	if (lseek(fd, (off_t)start, SEEK_SET) != (off_t)start)
		return false;
	b->size = BULK_SIZE;
	b->buf = g_malloc(b->size);
	b->fd = fd;
	b->offset = start;
	b->max_caplen = MIN(snaplen, BULK_MAX_CAPLEN);
	return true;
}

/* Make at least @need bytes available at b->pos, as far as the file has
 * them.  Returns: false on a read error. */
static bool
fill(dm_bulk *b, size_t need)
{
	if (b->pos) {
		memmove(b->buf, b->buf + b->pos, b->len - b->pos);
		b->len -= b->pos;
		b->pos = 0;
	}
	if (need > b->size) {
		b->size = need;
		b->buf = g_realloc(b->buf, b->size);
	}
	while (b->len < need) {
		ssize_t n = read(b->fd, b->buf + b->len, b->size - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	return true;
}

int
dm_bulk_next(dm_bulk *b, struct pcap_pkthdr *hdr, const uint8_t **data)
{
	/* The record handed out last is passed over now: its bytes stayed
	 * where they were until this call. */
	b->pos += b->last;
	b->offset += (long)b->last;
	b->last = 0;
	if (b->len - b->pos < 16) {
		if (!fill(b, 16))
			return -1;
		if (b->len == b->pos)
			return 0;
		if (b->len - b->pos < 16)
			return -1;
	}
	uint32_t w[4];
	memcpy(w, b->buf + b->pos, sizeof w);
	if (w[2] > b->max_caplen || (w[0] | w[1]) >> 31)
		return -1;
	if (b->len - b->pos < 16 + (size_t)w[2] &&
	    (!fill(b, 16 + (size_t)w[2]) || b->len - b->pos < 16 + (size_t)w[2]))
		return -1;
	hdr->ts.tv_sec = (time_t)w[0];
	hdr->ts.tv_usec = (suseconds_t)w[1];
	hdr->caplen = w[2];
	hdr->len = w[3];
	*data = b->buf + b->pos + 16;
	b->last = 16 + (size_t)w[2];
	return 1;
}

int
dm_bulk_next_ex(dm_bulk *b, pcap_t *p, struct pcap_pkthdr **hdr, const u_char **data)
{
	if (b->fd >= 0) {
		int rc = dm_bulk_next(b, &b->hdr, data);
		if (rc >= 0) {
			*hdr = &b->hdr;
			return rc ? 1 : PCAP_ERROR_BREAK;
		}
		/* A record libpcap must read: it reads on from there. */
		long at = dm_bulk_offset(b);
		dm_bulk_close(b);
		if (fseek(pcap_file(p), at, SEEK_SET) != 0) {
			g_snprintf(pcap_geterr(p), PCAP_ERRBUF_SIZE, "cannot seek: %s",
			           g_strerror(errno));
			return PCAP_ERROR;
		}
	}
	return pcap_next_ex(p, hdr, data);
}

long
dm_bulk_offset(const dm_bulk *b)
{
	return b->offset + (long)b->last;
}

void
dm_bulk_close(dm_bulk *b)
{
	g_free(b->buf);
	b->buf = NULL;
	b->fd = -1;
}
