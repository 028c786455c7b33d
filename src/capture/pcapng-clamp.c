/* pcapng-clamp.c - the pcapng stream filter that lets libpcap read
 * packet blocks longer than the snapshot length.
 *
 * libpcap cuts a pcap record longer than the snapshot length to it, but
 * refuses such a pcapng packet block; so a pcapng file reaches libpcap
 * through this filter, which, block by block, lowers a packet block's
 * captured length to the first interface's snapshot length when the block
 * holds those bytes (the rest of the block is then ignored).
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <string.h>

#include "capture-int.h"

const uint8_t *
dm_pcapng_first_idb(const uint8_t *b, size_t n, bool *be, size_t *len)
{
	if (n < 28)
		return NULL;
	*be = dm_rd32(b + 8, false) == 0x4d3c2b1a;
	size_t shb_len = dm_rd32(b + 4, *be);
	if (shb_len < 28 || shb_len + 20 > n || dm_rd32(b + shb_len, *be) != 1)
		return NULL;
	*len = dm_rd32(b + shb_len + 4, *be);
	if (*len < 20 || shb_len + *len > n)
		return NULL;
	return b + shb_len;
}

static void
wr32(uint8_t *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* libpcap's max_snaplen_for_dlt(): link types whose frames may exceed
 * its usual maximum of 262144 bytes. */
static uint32_t
max_caplen_for(unsigned linktype)
{
	switch (linktype) {
	case 231: return 128 * 1024 * 1024;  /* DBUS */
	case 279: return 8 * 1024 * 1024;    /* EBHSCR */
	case 249: return 1024 * 1024;        /* USBPCAP */
	default: return 262144;
	}
}

static size_t
read_full(FILE *fp, uint8_t *buf, size_t n)
{
	size_t got = 0, k;
	while (got < n && (k = fread_unlocked(buf + got, 1, n - got, fp)) > 0)
		got += k;
	return got;
}

/* Read the next block's head (its type and length; the fixed part of an
 * interface or packet block) and lower a packet block's captured length
 * to the snapshot length.  A block too short for its head, or a length
 * libpcap refuses, is passed on as it is, and so is the rest. */
static void
ng_next_head(dm_ng_filter *f)
{
	f->head_pos = 0;
	f->head_len = read_full(f->src, f->head, 8);
	if (f->head_len < 8) {
		f->raw = true;
		return;
	}
	uint32_t type = dm_rd32(f->head, f->be), len = dm_rd32(f->head + 4, f->be);
	if (len < 12 || len % 4) {
		f->raw = true;
		return;
	}
	size_t want = type == 1 ? 16 : type == 6 || type == 2 ? 28 : 8;
	if (want > len - 4)
		want = 8;
	f->head_len += read_full(f->src, f->head + 8, want - 8);
	if (f->head_len < want) {
		f->raw = true;
		return;
	}
	f->left = len - want;
	if (type == 1 && !f->have_idb) {
		f->have_idb = true;
		f->snaplen = dm_rd32(f->head + 12, f->be);
		f->max_caplen = max_caplen_for(dm_rd16(f->head + 8, f->be));
		if (f->snaplen > f->max_caplen)
			f->snaplen = 0;  /* libpcap takes up to the maximum */
	} else if (want == 28 && f->snaplen) {
		/* EPB and the obsolete PB keep the captured length at 20. */
		uint32_t caplen = dm_rd32(f->head + 20, f->be);
		if (caplen > f->snaplen && caplen <= f->max_caplen && caplen <= len - 32)
			wr32(f->head + 20, f->snaplen, f->be);
	}
}

static ssize_t
ng_read(void *cookie, char *buf, size_t size)
{
	dm_ng_filter *f = cookie;
	size_t n = 0;

	while (n < size) {
		if (!f->raw && f->head_pos == f->head_len && f->left == 0) {
			/* A stream's blocks go on as they come, not once a buffer
			 * fills. */
			if (f->stream && n > 0)
				break;
			ng_next_head(f);
		}
		if (f->head_pos < f->head_len) {
			size_t k = MIN(size - n, f->head_len - f->head_pos);
			memcpy(buf + n, f->head + f->head_pos, k);
			f->head_pos += k;
			n += k;
			continue;
		}
		size_t want = f->raw ? size - n : (size_t)MIN(size - n, f->left);
		size_t got = want ? fread_unlocked(buf + n, 1, want, f->src) : 0;
		if (!f->raw)
			f->left -= got;
		n += got;
		if (got < want || (f->raw && got == 0))
			break;  /* the end of the file, or an error */
	}
	if (n == 0 && ferror(f->src))
		return -1;
	f->pos += (long)n;
	return (ssize_t)n;
}

/* Only where it is (ftell) can be asked. */
static int
ng_seek(void *cookie, off64_t *offset, int whence)
{
	dm_ng_filter *f = cookie;
	if (whence == SEEK_CUR && *offset == 0) {
		*offset = f->pos;
		return 0;
	}
	errno = ESPIPE;
	return -1;
}

static int
ng_close(void *cookie)
{
	dm_ng_filter *f = cookie;
	return f->src ? fclose(f->src) : 0;
}

/* Not when the first interface (whose snapshot length libpcap holds
 * every interface to) takes all libpcap takes. */
bool
dm_pcapng_may_clamp(const uint8_t *b, size_t n)
{
	if (n < 4 || dm_rd32(b, true) != DM_PCAPNG_MAGIC)
		return false;
	bool be;
	size_t len;
	const uint8_t *idb = dm_pcapng_first_idb(b, n, &be, &len);
	if (!idb)
		return true;
	uint32_t snaplen = dm_rd32(idb + 12, be);
	return snaplen != 0 && snaplen < max_caplen_for(dm_rd16(idb + 8, be));
}

FILE *
dm_pcapng_clamp_open(dm_ng_filter *f, FILE *in, bool be, bool stream)
{
	cookie_io_functions_t io = { .read = ng_read, .seek = ng_seek, .close = ng_close };

	memset(f, 0, sizeof *f);
	f->src = in;
	f->be = be;
	f->stream = stream;
	FILE *ng = fopencookie(f, "rb", io);
	if (ng)
		setvbuf(ng, NULL, _IOFBF, 1 << 16);
	return ng;
}
