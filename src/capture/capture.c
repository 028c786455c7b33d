/* capture.c - capture files through libpcap (pcap, pcapng; microsecond
 * and nanosecond).  libpcap reports timestamps at the precision asked for,
 * so the file's own precision is read from its header first (pcap magic,
 * or the first pcapng interface's if_tsresol option) and asked for.
 *
 * A record longer than the snapshot length is cut to it in both formats:
 * libpcap does so for pcap, but refuses such a pcapng packet block, so a
 * pcapng file reaches libpcap through a filter that, block by block,
 * lowers a packet block's captured length to the snapshot length when the
 * block holds those bytes (the rest of the block is then ignored).
 *
 * The capture stage owns the frames' way in and out: capture files
 * (here), live interfaces (live.c) and -w files (dump.c), as records of
 * bytes with their times; it decodes nothing.  It calls libpcap only, and
 * is called by run (and by report for link-type names and the clock).
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demuxsim/capture.h"

#define PEEK_MAX 4096

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
} ng_filter;

struct dm_capture {
	pcap_t *pcap;
	FILE *fp;
	int dlt;
	bool nano;
	/* Standard input cannot be rewound: the peeked bytes are replayed. */
	uint8_t peek[PEEK_MAX];
	size_t peek_len, peek_pos;
	FILE *source;
	long next_offset;   /* file offset of the next record, -1: unknown */
	unsigned rec_hdr;   /* pcap: bytes of a record header; 0: pcapng */
	uint32_t snaplen;
	ng_filter ng;
	int file_fd;        /* a regular file's descriptor (progress), or -1 */
	/* The BPF filter (dm_capture_set_filter), compiled for @dlt. */
	struct bpf_program prog;
	bool have_prog;
	uint64_t filtered;  /* records it left out */
	uint64_t pending;   /* of them, since the last record handed out */
};

G_DEFINE_QUARK(dm-capture-error-quark, dm_capture_error)

static uint32_t
rd32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	          : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t
rd16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* The first pcapng interface block in the @n bytes at @b, whole, or
 * NULL; *@be is the file's byte order and *@len the block's length. */
static const uint8_t *
pcapng_first_idb(const uint8_t *b, size_t n, bool *be, size_t *len)
{
	if (n < 28)
		return NULL;
	*be = rd32(b + 8, false) == 0x4d3c2b1a;
	size_t shb_len = rd32(b + 4, *be);
	if (shb_len < 28 || shb_len + 20 > n || rd32(b + shb_len, *be) != 1)
		return NULL;
	*len = rd32(b + shb_len + 4, *be);
	if (*len < 20 || shb_len + *len > n)
		return NULL;
	return b + shb_len;
}

/* if_tsresol of the first interface block: 10^-v (high bit clear) or
 * 2^-v.  Anything finer than a microsecond is kept as nanoseconds. */
static bool
pcapng_first_idb_nano(const uint8_t *b, size_t n)
{
	bool be;
	size_t idb_len;
	const uint8_t *idb = pcapng_first_idb(b, n, &be, &idb_len);
	if (!idb)
		return false;
	for (size_t off = 16; off + 4 <= idb_len - 4;) {
		uint16_t code = rd16(idb + off, be), len = rd16(idb + off + 2, be);
		if (code == 0)
			break;
		if (code == 9 && len >= 1 && off + 5 <= idb_len) {
			uint8_t v = idb[off + 4];
			return (v & 0x80) ? (v & 0x7f) > 20 : v > 6;
		}
		off += 4 + (((size_t)len + 3) & ~(size_t)3);
	}
	return false;
}

static bool
header_says_nano(const uint8_t *b, size_t n)
{
	if (n < 4)
		return false;
	uint32_t m = rd32(b, true);
	if (m == 0xa1b23c4d || m == 0x4d3cb2a1)
		return true;
	if (m == 0x0a0d0d0a)
		return pcapng_first_idb_nano(b, n);
	return false;
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
ng_next_head(ng_filter *f)
{
	f->head_pos = 0;
	f->head_len = read_full(f->src, f->head, 8);
	if (f->head_len < 8) {
		f->raw = true;
		return;
	}
	uint32_t type = rd32(f->head, f->be), len = rd32(f->head + 4, f->be);
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
		f->snaplen = rd32(f->head + 12, f->be);
		f->max_caplen = max_caplen_for(rd16(f->head + 8, f->be));
		if (f->snaplen > f->max_caplen)
			f->snaplen = 0;  /* libpcap takes up to the maximum */
	} else if (want == 28 && f->snaplen) {
		/* EPB and the obsolete PB keep the captured length at 20. */
		uint32_t caplen = rd32(f->head + 20, f->be);
		if (caplen > f->snaplen && caplen <= f->max_caplen && caplen <= len - 32)
			wr32(f->head + 20, f->snaplen, f->be);
	}
}

static ssize_t
ng_read(void *cookie, char *buf, size_t size)
{
	ng_filter *f = cookie;
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
	ng_filter *f = cookie;
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
	ng_filter *f = cookie;
	return f->src ? fclose(f->src) : 0;
}

/* Whether the pcapng file starting with the @n bytes at @b may hold a
 * packet block to cut to the snapshot length: not when its first
 * interface (whose snapshot length libpcap holds every interface to)
 * takes all libpcap takes. */
static bool
ng_may_clamp(const uint8_t *b, size_t n)
{
	if (n < 4 || rd32(b, true) != 0x0a0d0d0a)
		return false;
	bool be;
	size_t len;
	const uint8_t *idb = pcapng_first_idb(b, n, &be, &len);
	if (!idb)
		return true;
	uint32_t snaplen = rd32(idb + 12, be);
	return snaplen != 0 && snaplen < max_caplen_for(rd16(idb + 8, be));
}

/* @fp (its first bytes peeked into @cap) through the pcapng filter. */
static FILE *
ng_filter_open(dm_capture *cap, FILE *fp)
{
	cookie_io_functions_t io = { .read = ng_read, .seek = ng_seek, .close = ng_close };
	ng_filter *f = &cap->ng;

	memset(f, 0, sizeof *f);
	f->src = fp;
	f->be = cap->peek_len >= 12 && rd32(cap->peek + 8, false) == 0x4d3c2b1a;
	f->stream = cap->source != NULL;
	FILE *ng = fopencookie(f, "rb", io);
	if (ng)
		setvbuf(ng, NULL, _IOFBF, 1 << 16);
	return ng;
}

static ssize_t
replay_read(void *cookie, char *buf, size_t size)
{
	dm_capture *cap = cookie;
	if (cap->peek_pos < cap->peek_len) {
		size_t n = MIN(size, cap->peek_len - cap->peek_pos);
		memcpy(buf, cap->peek + cap->peek_pos, n);
		cap->peek_pos += n;
		return (ssize_t)n;
	}
	/* What has come so far, not a full buffer: a stream's records are
	 * read as they arrive. */
	ssize_t got;
	while ((got = read(fileno(cap->source), buf, size)) < 0 && errno == EINTR)
		;
	return got;
}

/* The first bytes of stream @fd into @b (at most @max): read until its
 * file header (and a pcapng file's first interface block) is in, not
 * until @max bytes came, or to its end. */
static size_t
peek_stream(int fd, uint8_t *b, size_t max)
{
	size_t n = 0;
	bool be;
	size_t len;
	while (n < max) {
		ssize_t k = read(fd, b + n, max - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n >= 24 && (rd32(b, true) != 0x0a0d0d0a || pcapng_first_idb(b, n, &be, &len)))
			break;
	}
	return n;
}

static int
replay_close(void *cookie)
{
	(void)cookie;
	return 0;
}

static FILE *
open_stream(dm_capture *cap, const char *path, GError **error)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(path, "rb");

	if (!fp) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s", g_strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "is a directory, not a capture");
		if (!is_stdin)
			fclose(fp);
		return NULL;
	}
	/* Standard input, a pipe, a FIFO: read with read(2), as it comes. */
	bool stream = is_stdin || lseek(fileno(fp), 0, SEEK_CUR) < 0;
	if (stream)
		cap->peek_len = peek_stream(fileno(fp), cap->peek, sizeof cap->peek);
	else
		cap->peek_len = fread(cap->peek, 1, sizeof cap->peek, fp);
	cap->nano = header_says_nano(cap->peek, cap->peek_len);
	cap->file_fd = stream ? -1 : fileno(fp);
	FILE *in = fp;
	if (stream || fseek(fp, 0, SEEK_SET) != 0) {
		/* Not seekable: hand libpcap the peeked bytes, then the rest. */
		cookie_io_functions_t io = { .read = replay_read, .close = replay_close };
		cap->source = fp;
		cap->peek_pos = 0;
		in = fopencookie(cap, "rb", io);
	}
	if (in && ng_may_clamp(cap->peek, cap->peek_len)) {
		FILE *ng = ng_filter_open(cap, in);
		if (!ng && in != fp)
			fclose(in);
		in = ng;
	}
	if (!in) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s", g_strerror(errno));
		if (!is_stdin)
			fclose(fp);
		return NULL;
	}
	return in;
}

/* libpcap's reason for refusing the file header @msg, in plainer words. */
static void
open_error(const dm_capture *cap, const char *msg, GError **error)
{
	uint32_t m = cap->peek_len >= 4 ? rd32(cap->peek, true) : 0;
	bool known = m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d ||
	             m == 0x4d3cb2a1 || m == 0xa1b2cd34 || m == 0x34cdb2a1 ||
	             m == 0x0a0d0d0a;

	if (cap->peek_len >= 4 && !known)
		g_set_error(error, DM_CAPTURE_ERROR, 0,
		            "not a pcap or pcapng capture (unknown magic number 0x%08x)", m);
	else if (g_str_has_prefix(msg, "truncated dump file") && cap->peek_len < PEEK_MAX)
		g_set_error(error, DM_CAPTURE_ERROR, 0,
		            "truncated file header: the file ends after %zu bytes",
		            cap->peek_len);
	else if (g_str_has_prefix(msg, "truncated dump file"))
		g_set_error(error, DM_CAPTURE_ERROR, 0, "truncated file header (%s)", msg);
	else
		g_set_error(error, DM_CAPTURE_ERROR, 0, "damaged file header: %s", msg);
}

/* libpcap's reason @msg for failing to read a record, in plainer words
 * and with the record's offset in the file when it is known. */
static void
record_error(const dm_capture *cap, const char *msg, GError **error)
{
	unsigned want, got, ltype;
	char at[48] = "", lt[64];

	if (cap->next_offset >= 0)
		g_snprintf(at, sizeof at, " at offset %ld", cap->next_offset);
	if (sscanf(msg, "truncated dump file; tried to read %u captured bytes, only got %u",
	           &want, &got) == 2)
		g_set_error(error, DM_CAPTURE_ERROR, 0,
		            "truncated record%s: %u bytes captured, only %u in the file",
		            at, want, got);
	else if (sscanf(msg, "truncated dump file; tried to read %u header bytes, only got %u",
	                &want, &got) == 2)
		g_set_error(error, DM_CAPTURE_ERROR, 0,
		            "truncated record header%s: %u of %u bytes in the file", at, got, want);
	else if (sscanf(msg, "an interface has a type %u different from the type of the first interface",
	                &ltype) == 1)
		g_set_error(error, DM_CAPTURE_ERROR, 0,
		            "pcapng interfaces with different link types (link type %u after %s): "
		            "libpcap reads one link type per file, so the rest of the file is not read",
		            ltype, dm_linktype_describe(cap->dlt, lt, sizeof lt));
	else
		g_set_error(error, DM_CAPTURE_ERROR, 0, "damaged record%s: %s", at, msg);
}

dm_capture *
dm_capture_open_file(const char *path, GError **error)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	dm_capture *cap = g_new0(dm_capture, 1);

	cap->file_fd = -1;
	cap->fp = open_stream(cap, path, error);
	if (!cap->fp) {
		g_free(cap);
		return NULL;
	}
	if (cap->peek_len == 0) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "empty file, not a capture");
		dm_capture_close(cap);
		return NULL;
	}
	cap->pcap = pcap_fopen_offline_with_tstamp_precision(cap->fp,
		cap->nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO,
		errbuf);
	if (!cap->pcap) {
		open_error(cap, errbuf, error);
		dm_capture_close(cap);
		return NULL;
	}
	cap->fp = NULL; /* libpcap closes it */
	cap->dlt = pcap_datalink(cap->pcap);
	cap->next_offset = ftell(pcap_file(cap->pcap));
	cap->snaplen = (uint32_t)pcap_snapshot(cap->pcap);
	uint32_t m = cap->peek_len >= 4 ? rd32(cap->peek, true) : 0;
	if (m == 0xa1b2cd34 || m == 0x34cdb2a1)
		cap->rec_hdr = 24;  /* the "modified" format's longer header */
	else if (m != 0x0a0d0d0a)
		cap->rec_hdr = 16;
	return cap;
}

/* The span of int64 nanoseconds since 1970, its start rounded up to a
 * whole second so that seconds * 10^9 fits too. */
#define TIME_MIN_SEC (INT64_MIN / 1000000000)
#define TIME_MAX_SEC (INT64_MAX / 1000000000)
#define TIME_MAX_NSEC ((uint32_t)(INT64_MAX % 1000000000))

bool
dm_record_set_time(dm_record *rec, int64_t sec, int64_t frac, bool nano)
{
	uint32_t unit = nano ? 1 : 1000;  /* nanoseconds in one of @frac */
	int64_t one = nano ? 1000000000 : 1000000;
	bool clamped = frac < 0 || frac >= one;
	uint32_t ns = (uint32_t)CLAMP(frac, 0, one - 1) * unit;

	if (sec < TIME_MIN_SEC) {
		sec = TIME_MIN_SEC;
		ns = 0;
		clamped = true;
	} else if (sec > TIME_MAX_SEC || (sec == TIME_MAX_SEC && ns > TIME_MAX_NSEC)) {
		sec = TIME_MAX_SEC;
		ns = TIME_MAX_NSEC;
		clamped = true;
	}
	rec->sec = sec;
	rec->frac = ns / unit;
	return clamped;
}

/* Past the record @hdr just read. */
static void
advance_offset(dm_capture *cap, const struct pcap_pkthdr *hdr)
{
	/* A pcap record takes its header and caplen bytes, unless libpcap
	 * cut it to the snapshot length; then, as for pcapng's blocks, the
	 * file tells. */
	if (cap->next_offset >= 0 && cap->rec_hdr && hdr->caplen != cap->snaplen)
		cap->next_offset += (long)(cap->rec_hdr + hdr->caplen);
	else if (cap->next_offset >= 0)
		cap->next_offset = ftell(pcap_file(cap->pcap));
}

bool
dm_capture_filter_check(const char *expr, int dlt, GError **error)
{
	pcap_t *dead = pcap_open_dead(dlt, 262144);
	struct bpf_program prog;
	if (!dead) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "cannot compile filters");
		return false;
	}
	bool ok = pcap_compile(dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (ok)
		pcap_freecode(&prog);
	else
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s", pcap_geterr(dead));
	pcap_close(dead);
	return ok;
}

bool
dm_capture_set_filter(dm_capture *cap, const char *expr, GError **error)
{
	if (cap->have_prog) {
		pcap_freecode(&cap->prog);
		cap->have_prog = false;
	}
	if (!expr)
		return true;
	/* Compiled for this capture's link type (libpcap reads one per file). */
	if (pcap_compile(cap->pcap, &cap->prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s", pcap_geterr(cap->pcap));
		return false;
	}
	cap->have_prog = true;
	return true;
}

void
dm_capture_add_skipped(dm_capture *cap, uint64_t n)
{
	cap->pending += n;
}

uint64_t
dm_capture_filtered(const dm_capture *cap)
{
	return cap->filtered;
}

uint64_t
dm_capture_pending(const dm_capture *cap)
{
	return cap->pending;
}

int
dm_capture_next(dm_capture *cap, dm_record *rec, GError **error)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;

	int rc;
	/* Records the filter leaves out are skipped here, before anything
	 * decodes them; the next record handed out says how many. */
	while ((rc = pcap_next_ex(cap->pcap, &hdr, &data)) == 1 && cap->have_prog &&
	       !pcap_offline_filter(&cap->prog, hdr, data)) {
		cap->filtered++;
		cap->pending++;
		advance_offset(cap, hdr);
	}
	switch (rc) {
	case 1:
		rec->skipped = cap->pending;
		cap->pending = 0;
		dm_record_set_time(rec, hdr->ts.tv_sec, hdr->ts.tv_usec, cap->nano);
		rec->caplen = hdr->caplen;
		rec->wirelen = hdr->len;
		rec->data = data;
		advance_offset(cap, hdr);
		return 1;
	case PCAP_ERROR_BREAK:
		return 0;
	default:
		record_error(cap, pcap_geterr(cap->pcap), error);
		return -1;
	}
}

int
dm_capture_linktype(const dm_capture *cap)
{
	return cap->dlt;
}

bool
dm_capture_nanosecond(const dm_capture *cap)
{
	return cap->nano;
}

int
dm_capture_snaplen(const dm_capture *cap)
{
	return pcap_snapshot(cap->pcap);
}

char *
dm_linktype_describe(int dlt, char *buf, size_t size)
{
	const char *name = pcap_datalink_val_to_name(dlt);
	if (name)
		g_snprintf(buf, size, "%s (%d)", name, dlt);
	else if (dlt >= 147 && dlt <= 162) /* DLT_USER0..15: private use */
		g_snprintf(buf, size, "USER%d (%d)", dlt - 147, dlt);
	else
		g_snprintf(buf, size, "%d", dlt);
	return buf;
}

void
dm_capture_close(dm_capture *cap)
{
	if (!cap)
		return;
	if (cap->have_prog)
		pcap_freecode(&cap->prog);
	if (cap->pcap)
		pcap_close(cap->pcap);
	else if (cap->fp && cap->fp != stdin)
		fclose(cap->fp);
	if (cap->source && cap->source != stdin)
		fclose(cap->source);
	g_free(cap);
}

bool
dm_capture_progress(const dm_capture *cap, uint64_t *done, uint64_t *total)
{
	struct stat st;
	if (!cap || cap->file_fd < 0 || fstat(cap->file_fd, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	off_t at = lseek(cap->file_fd, 0, SEEK_CUR);
	if (at < 0)
		return false;
	*done = (uint64_t)at;
	*total = (uint64_t)st.st_size;
	return true;
}

const char *
dm_capture_lib_version(void)
{
	return pcap_lib_version();
}
