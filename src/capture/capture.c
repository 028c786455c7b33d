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
 * A regular pcapng file libpcap refuses (on opening, or part way: it
 * reads one link type and one snapshot length per file) is read by
 * libwiretap instead (capture-wtap.c), from its start, the records libpcap
 * already handed out passed over; each record then carries its
 * interface's link type, and a BPF filter is compiled once per link type.
 * Standard input and pipes cannot be read again: for them libpcap's
 * refusal stands.
 *
 * The capture stage owns the frames' way in and out: capture files
 * (here), live interfaces (live.c) and -w files (dump.c), as records of
 * bytes with their times; it decodes nothing.  It calls libpcap (and
 * libwiretap), and is called by run (and by report for link-type names
 * and the clock).
 */
#define _GNU_SOURCE
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture-int.h"

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
	dm_ng_filter ng;
	int file_fd;        /* a regular file's descriptor (progress), or -1 */
	/* A classic pcap file's records read in blocks (bulk-read.c) while
	 * bulk.fd >= 0; then libpcap's. */
	dm_bulk bulk;
	/* The BPF filter (dm_capture_set_filter): @expr, compiled for each
	 * link type met (bpf_prog). */
	char *expr;
	GArray *progs;
	uint64_t filtered;  /* records it left out */
	uint64_t pending;   /* of them, since the last record handed out */
	/* A regular pcapng file's path, to read it with libwiretap when
	 * libpcap refuses it; NULL for other files. */
	char *ng_path;
	uint64_t records;   /* records libpcap handed out, filtered or not */
	/* A partition bucket's index (dm_capture_set_frame_index): the
	 * frame number, in the original file, of each record, and how many
	 * frames that file had. */
	FILE *index;
	uint64_t index_last, index_frames, absent;
#ifdef HAVE_WIRETAP
	dm_wtap *wt;        /* libwiretap reads the file: pcap is NULL */
	dm_record held;     /* its first record after the switch */
	bool have_held;
#endif
};

/* The filter compiled for one link type. */
typedef struct {
	int dlt;
	bool ok;            /* it compiles for @dlt */
	struct bpf_program prog;
} bpf_prog;

/* if_tsresol of the first interface block: 10^-v (high bit clear) or
 * 2^-v.  Anything finer than a microsecond is kept as nanoseconds. */
static bool
pcapng_first_idb_nano(const uint8_t *b, size_t n)
{
	bool be;
	size_t idb_len;
	const uint8_t *idb = dm_pcapng_first_idb(b, n, &be, &idb_len);
	if (!idb)
		return false;
	for (size_t off = 16; off + 4 <= idb_len - 4;) {
		uint16_t code = dm_rd16(idb + off, be), len = dm_rd16(idb + off + 2, be);
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
	uint32_t m = dm_rd32(b, true);
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
		if (n >= 24 && (dm_rd32(b, true) != 0x0a0d0d0a || dm_pcapng_first_idb(b, n, &be, &len)))
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
	if (!stream && cap->peek_len >= 4 && dm_rd32(cap->peek, true) == DM_PCAPNG_MAGIC)
		cap->ng_path = g_strdup(path);
	FILE *in = fp;
	if (stream || fseek(fp, 0, SEEK_SET) != 0) {
		/* Not seekable: hand libpcap the peeked bytes, then the rest. */
		cookie_io_functions_t io = { .read = replay_read, .close = replay_close };
		cap->source = fp;
		cap->peek_pos = 0;
		in = fopencookie(cap, "rb", io);
	}
	if (in && dm_pcapng_may_clamp(cap->peek, cap->peek_len)) {
		bool be = cap->peek_len >= 12 && dm_rd32(cap->peek + 8, false) == 0x4d3c2b1a;
		FILE *ng = dm_pcapng_clamp_open(&cap->ng, in, be, cap->source != NULL);
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
	uint32_t m = cap->peek_len >= 4 ? dm_rd32(cap->peek, true) : 0;
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
	else if (sscanf(msg, "an interface has a snapshot length %u different from the snapshot "
	                "length of the first interface", &ltype) == 1)
		g_set_error(error, DM_CAPTURE_ERROR, 0,
		            "pcapng interfaces with different snapshot lengths (%u after %u): "
		            "libpcap reads one snapshot length per file, so the rest of the file is "
		            "not read", ltype, cap->snaplen);
	else
		g_set_error(error, DM_CAPTURE_ERROR, 0, "damaged record%s: %s", at, msg);
}

#ifdef HAVE_WIRETAP
/* Read @cap's pcapng file with libwiretap from now on, from its start,
 * passing over the records libpcap handed out.  Returns: false (nothing
 * changed) when libwiretap cannot read it, or fails no later than libpcap
 * did: then libpcap's reason stands. */
static bool
switch_to_wtap(dm_capture *cap)
{
	if (!cap->ng_path)
		return false;
	dm_wtap *w = dm_wtap_open(cap->ng_path, cap->nano, NULL);
	if (!w)
		return false;
	dm_record rec = { 0 };
	int rc = 1;
	for (uint64_t i = 0; i <= cap->records && rc == 1; i++)
		rc = dm_wtap_next(w, &rec, NULL);
	/* The file may also end cleanly where libpcap stopped (at an
	 * interface block with no packet after it). */
	if (rc < 0 || (rc == 0 && dm_wtap_records(w) < cap->records)) {
		dm_wtap_close(w);
		return false;
	}
	if (cap->pcap)
		pcap_close(cap->pcap);  /* and the file under it */
	else if (cap->fp)
		fclose(cap->fp);
	cap->pcap = NULL;
	cap->fp = NULL;
	cap->file_fd = -1;
	cap->next_offset = -1;
	cap->wt = w;
	cap->held = rec;
	cap->have_held = rc == 1;
	if (cap->records == 0) {
		cap->dlt = dm_wtap_linktype(w);
		cap->snaplen = (uint32_t)dm_wtap_snaplen(w);
	}
	return true;
}
#endif

dm_capture *
dm_capture_open_file(const char *path, GError **error)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	dm_capture *cap = g_new0(dm_capture, 1);

	cap->file_fd = -1;
	cap->bulk.fd = -1;
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
#ifdef HAVE_WIRETAP
		if (switch_to_wtap(cap))
			return cap;
#endif
		open_error(cap, errbuf, error);
		dm_capture_close(cap);
		return NULL;
	}
	cap->fp = NULL; /* libpcap closes it */
	cap->dlt = pcap_datalink(cap->pcap);
	cap->next_offset = ftell(pcap_file(cap->pcap));
	cap->snaplen = (uint32_t)pcap_snapshot(cap->pcap);
	uint32_t m = cap->peek_len >= 4 ? dm_rd32(cap->peek, true) : 0;
	if (m == 0xa1b2cd34 || m == 0x34cdb2a1)
		cap->rec_hdr = 24;  /* the "modified" format's longer header */
	else if (m != DM_PCAPNG_MAGIC)
		cap->rec_hdr = 16;
	/* A regular file libpcap reads itself (no replay, no filter stream
	 * between): its records in blocks. */
	if (cap->rec_hdr == 16 && cap->file_fd >= 0 && !cap->source && cap->next_offset >= 0 &&
	    !pcap_is_swapped(cap->pcap) && fileno(pcap_file(cap->pcap)) == cap->file_fd)
		dm_bulk_open(&cap->bulk, cap->file_fd, cap->peek, cap->peek_len, cap->next_offset,
		             cap->snaplen);
	return cap;
}

/* Past the record @hdr just read. */
static void
advance_offset(dm_capture *cap, const struct pcap_pkthdr *hdr)
{
	if (cap->bulk.fd >= 0) {
		cap->next_offset = dm_bulk_offset(&cap->bulk);
		return;
	}
	/* A pcap record takes its header and caplen bytes, unless libpcap
	 * cut it to the snapshot length; then, as for pcapng's blocks, the
	 * file tells. */
	if (cap->next_offset >= 0 && cap->rec_hdr && hdr->caplen != cap->snaplen)
		cap->next_offset += (long)(cap->rec_hdr + hdr->caplen);
	else if (cap->next_offset >= 0)
		cap->next_offset = ftell(pcap_file(cap->pcap));
}

/* Compile @expr for link type @dlt into @prog.  Returns: false with
 * libpcap's reason in @error (if not NULL). */
static bool
compile_for(const char *expr, int dlt, struct bpf_program *prog, GError **error)
{
	pcap_t *dead = pcap_open_dead(dlt, 262144);
	if (!dead) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "cannot compile filters");
		return false;
	}
	bool ok = pcap_compile(dead, prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (!ok)
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s", pcap_geterr(dead));
	pcap_close(dead);
	return ok;
}

bool
dm_capture_filter_check(const char *expr, int dlt, GError **error)
{
	struct bpf_program prog;
	if (!compile_for(expr, dlt, &prog, error))
		return false;
	pcap_freecode(&prog);
	return true;
}

static void
free_progs(dm_capture *cap)
{
	for (guint i = 0; cap->progs && i < cap->progs->len; i++) {
		bpf_prog *p = &g_array_index(cap->progs, bpf_prog, i);
		if (p->ok)
			pcap_freecode(&p->prog);
	}
	if (cap->progs)
		g_array_unref(cap->progs);
	cap->progs = NULL;
	g_clear_pointer(&cap->expr, g_free);
}

bool
dm_capture_set_filter(dm_capture *cap, const char *expr, GError **error)
{
	free_progs(cap);
	if (!expr)
		return true;
	/* Compiled for this capture's (first) link type now, so that an
	 * expression that does not compile for it is refused at once. */
	bpf_prog p = { .dlt = cap->dlt };
	if (!compile_for(expr, cap->dlt, &p.prog, error))
		return false;
	p.ok = true;
	cap->expr = g_strdup(expr);
	cap->progs = g_array_new(FALSE, FALSE, sizeof(bpf_prog));
	g_array_append_val(cap->progs, p);
	return true;
}

#ifdef HAVE_WIRETAP
/* The filter for link type @dlt, compiled the first time it is met;
 * NULL when it does not compile for it. */
static const struct bpf_program *
prog_for(dm_capture *cap, int dlt)
{
	bpf_prog *p = NULL;
	for (guint i = 0; i < cap->progs->len; i++) {
		p = &g_array_index(cap->progs, bpf_prog, i);
		if (p->dlt == dlt)
			return p->ok ? &p->prog : NULL;
	}
	bpf_prog n = { .dlt = dlt };
	n.ok = compile_for(cap->expr, dlt, &n.prog, NULL);
	g_array_append_val(cap->progs, n);
	return n.ok ? &g_array_index(cap->progs, bpf_prog, cap->progs->len - 1).prog : NULL;
}

/* Whether the filter (if any) selects @rec. */
static bool
selects(dm_capture *cap, const dm_record *rec)
{
	if (!cap->progs)
		return true;
	const struct bpf_program *prog = prog_for(cap, rec->dlt);
	struct pcap_pkthdr h = { .caplen = rec->caplen, .len = rec->wirelen };
	return prog && pcap_offline_filter(prog, &h, rec->data);
}
#endif

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

#ifdef HAVE_WIRETAP
static int
next_wtap(dm_capture *cap, dm_record *rec, GError **error)
{
	int rc;
	for (;;) {
		if (cap->have_held) {
			*rec = cap->held;
			cap->have_held = false;
			rc = 1;
		} else if ((rc = dm_wtap_next(cap->wt, rec, error)) != 1) {
			return rc;
		}
		if (selects(cap, rec))
			break;
		cap->filtered++;
		cap->pending++;
	}
	rec->skipped = cap->pending;
	cap->pending = 0;
	return 1;
}
#endif

static int capture_next(dm_capture *cap, dm_record *rec, GError **error);

void
dm_capture_set_frame_index(dm_capture *cap, FILE *index, uint64_t frames)
{
	if (cap->index)
		fclose(cap->index);
	cap->index = index;
	cap->index_last = 0;
	cap->index_frames = frames;
}

uint64_t
dm_capture_absent(const dm_capture *cap)
{
	return cap->absent;
}

/* The frames of the original file before record @rec (@rc its read's
 * result) that the bucket does not hold: skipped, as a filter's are. */
static int
index_step(dm_capture *cap, int rc, dm_record *rec, GError **error)
{
	uint64_t gap, n = 0;
	if (rc == 1) {
		if (fscanf(cap->index, "%" SCNu64, &n) != 1 || n <= cap->index_last ||
		    n > cap->index_frames) {
			g_set_error(error, DM_CAPTURE_ERROR, 0, "its frame index (.frames) "
			            "does not match the bucket");
			return -1;
		}
		gap = n - cap->index_last - 1;
		cap->index_last = n;
		rec->skipped += gap;
	} else if (rc == 0) {
		/* The frames after the last one the bucket holds. */
		gap = cap->index_frames - cap->index_last;
		cap->index_last = cap->index_frames;
		cap->pending += gap;
	} else {
		return rc;
	}
	cap->absent += gap;
	return rc;
}

int
dm_capture_next(dm_capture *cap, dm_record *rec, GError **error)
{
	int rc = capture_next(cap, rec, error);
	return cap->index ? index_step(cap, rc, rec, error) : rc;
}

static int
capture_next(dm_capture *cap, dm_record *rec, GError **error)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;

#ifdef HAVE_WIRETAP
	if (cap->wt)
		return next_wtap(cap, rec, error);
#endif
	int rc;
	/* Records the filter leaves out are skipped here, before anything
	 * decodes them; the next record handed out says how many. */
	while ((rc = dm_bulk_next_ex(&cap->bulk, cap->pcap, &hdr, &data)) == 1) {
		cap->records++;
		if (!cap->progs)
			break;
		if (pcap_offline_filter(&g_array_index(cap->progs, bpf_prog, 0).prog, hdr, data))
			break;
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
		rec->dlt = cap->dlt;
		advance_offset(cap, hdr);
		return 1;
	case PCAP_ERROR_BREAK:
		return 0;
	default:
#ifdef HAVE_WIRETAP
		if (switch_to_wtap(cap))
			return next_wtap(cap, rec, error);
#endif
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
	return cap->pcap ? pcap_snapshot(cap->pcap) : (int)cap->snaplen;
}

void
dm_capture_close(dm_capture *cap)
{
	if (!cap)
		return;
	free_progs(cap);
	dm_bulk_close(&cap->bulk);
	if (cap->index)
		fclose(cap->index);
#ifdef HAVE_WIRETAP
	dm_wtap_close(cap->wt);
#endif
	g_free(cap->ng_path);
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
#ifdef HAVE_WIRETAP
	if (cap && cap->wt)
		return dm_wtap_progress(cap->wt, done, total);
#endif
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
