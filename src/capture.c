/* capture.c - capture files through libpcap (pcap, pcapng; microsecond
 * and nanosecond).  libpcap reports timestamps at the precision asked for,
 * so the file's own precision is read from its header first (pcap magic,
 * or the first pcapng interface's if_tsresol option) and asked for.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "demuxsim/capture.h"

#define PEEK_MAX 4096

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

/* if_tsresol of the first interface block: 10^-v (high bit clear) or
 * 2^-v.  Anything finer than a microsecond is kept as nanoseconds. */
static bool
pcapng_first_idb_nano(const uint8_t *b, size_t n)
{
	if (n < 28)
		return false;
	uint32_t bom = rd32(b + 8, false);
	bool be = bom == 0x4d3c2b1a;
	size_t shb_len = rd32(b + 4, be);
	if (shb_len < 28 || shb_len + 20 > n || rd32(b + shb_len, be) != 1)
		return false;
	const uint8_t *idb = b + shb_len;
	size_t idb_len = rd32(idb + 4, be);
	if (idb_len < 20 || shb_len + idb_len > n)
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
	size_t got = fread(buf, 1, size, cap->source);
	if (got == 0 && ferror(cap->source))
		return -1;
	return (ssize_t)got;
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
	cap->peek_len = fread(cap->peek, 1, sizeof cap->peek, fp);
	cap->nano = header_says_nano(cap->peek, cap->peek_len);
	if (!is_stdin && fseek(fp, 0, SEEK_SET) == 0)
		return fp;
	/* Not seekable: hand libpcap the peeked bytes, then the rest. */
	cookie_io_functions_t io = { .read = replay_read, .close = replay_close };
	cap->source = fp;
	cap->peek_pos = 0;
	FILE *replay = fopencookie(cap, "rb", io);
	if (!replay) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s", g_strerror(errno));
		if (!is_stdin)
			fclose(fp);
		return NULL;
	}
	return replay;
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

int
dm_capture_next(dm_capture *cap, dm_record *rec, GError **error)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;

	switch (pcap_next_ex(cap->pcap, &hdr, &data)) {
	case 1:
		dm_record_set_time(rec, hdr->ts.tv_sec, hdr->ts.tv_usec, cap->nano);
		rec->caplen = hdr->caplen;
		rec->wirelen = hdr->len;
		rec->data = data;
		/* A pcap record takes its header and caplen bytes, unless
		 * libpcap cut it to the snapshot length; then, as for pcapng's
		 * blocks, the file tells. */
		if (cap->next_offset >= 0 && cap->rec_hdr && hdr->caplen != cap->snaplen)
			cap->next_offset += (long)(cap->rec_hdr + hdr->caplen);
		else if (cap->next_offset >= 0)
			cap->next_offset = ftell(pcap_file(cap->pcap));
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
	if (cap->pcap)
		pcap_close(cap->pcap);
	else if (cap->fp && cap->fp != stdin)
		fclose(cap->fp);
	if (cap->source && cap->source != stdin)
		fclose(cap->source);
	g_free(cap);
}
