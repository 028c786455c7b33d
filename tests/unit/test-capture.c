/* test-capture.c - the capture stage's records against libpcap's own
 * reading of the same file: classic pcap files read in blocks
 * (src/capture/bulk-read.c) and those, or the records, it leaves to
 * libpcap (truncated, over the snapshot length, over 262,144 bytes,
 * times past 2038, the other byte order, version 2.3). */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <string.h>
#include <unistd.h>

#include "demuxsim/capture.h"

typedef struct {
	GByteArray *b;
	bool swap;
} pfile;

static void
put32(pfile *f, uint32_t v)
{
	if (f->swap)
		v = GUINT32_SWAP_LE_BE(v);
	g_byte_array_append(f->b, (const guint8 *)&v, 4);
}

static void
put16(pfile *f, uint16_t v)
{
	if (f->swap)
		v = GUINT16_SWAP_LE_BE(v);
	g_byte_array_append(f->b, (const guint8 *)&v, 2);
}

static pfile
file_new(uint32_t magic, uint16_t minor, uint32_t snaplen, bool swap)
{
	pfile f = { g_byte_array_new(), swap };
	put32(&f, magic);
	put16(&f, 2);
	put16(&f, minor);
	put32(&f, 0);
	put32(&f, 0);
	put32(&f, snaplen);
	put32(&f, 1);  /* DLT_EN10MB */
	return f;
}

/* A record whose header says @caplen and @len, with @bytes of data. */
static void
record_raw(pfile *f, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len,
           uint32_t bytes)
{
	put32(f, sec);
	put32(f, frac);
	put32(f, caplen);
	put32(f, len);
	for (uint32_t i = 0; i < bytes; i++) {
		guint8 c = (guint8)(i * 7 + bytes);
		g_byte_array_append(f->b, &c, 1);
	}
}

/* A record of @caplen bytes (of @len on the wire) at @sec, @frac. */
static void
record(pfile *f, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len)
{
	record_raw(f, sec, frac, caplen, len, caplen);
}

/* @f (cut to @cut bytes when not 0) written to a file: its path. */
static char *
file_write(pfile *f, size_t cut)
{
	char *path = NULL;
	int fd = g_file_open_tmp("demuxsim-capture-XXXXXX.pcap", &path, NULL);
	g_assert_cmpint(fd, >=, 0);
	size_t n = cut ? cut : f->b->len;
	g_assert_cmpint(write(fd, f->b->data, n), ==, (gssize)n);
	close(fd);
	g_byte_array_unref(f->b);
	return path;
}

/* Every record of @path as libpcap hands it out, and the end the same
 * (the end of the file, or an error after as many records); returns the
 * records read. */
static guint
same_as_libpcap(const char *path, bool nano, bool want_error)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(
		path, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	g_assert_nonnull(p);
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(path, &err);
	g_assert_no_error(err);
	guint n = 0;
	for (;; n++) {
		struct pcap_pkthdr *h;
		const u_char *d;
		dm_record rec;
		int want = pcap_next_ex(p, &h, &d);
		int got = dm_capture_next(cap, &rec, &err);
		if (want != 1) {
			g_assert_cmpint(got, ==, want == PCAP_ERROR_BREAK ? 0 : -1);
			g_assert_true(want_error == (got < 0));
			if (got < 0)
				g_assert_nonnull(err);
			g_clear_error(&err);
			break;
		}
		g_assert_cmpint(got, ==, 1);
		dm_record exp = { 0 };
		dm_record_set_time(&exp, h->ts.tv_sec, h->ts.tv_usec, nano);
		g_assert_cmpint(rec.sec, ==, exp.sec);
		g_assert_cmpuint(rec.frac, ==, exp.frac);
		g_assert_cmpuint(rec.caplen, ==, h->caplen);
		g_assert_cmpuint(rec.wirelen, ==, h->len);
		g_assert_true(memcmp(rec.data, d, h->caplen) == 0);
	}
	dm_capture_close(cap);
	pcap_close(p);
	return n;
}

/* @f written (cut to @cut bytes when not 0) read as libpcap reads it:
 * @records records, then the end or (@want_error) an error. */
static void
check(pfile *f, size_t cut, bool nano, bool want_error, guint records)
{
	char *path = file_write(f, cut);
	g_assert_cmpuint(same_as_libpcap(path, nano, want_error), ==, records);
	g_unlink(path);
	g_free(path);
}

/* Records of every size up to 2,000 bytes, over several blocks. */
static void
test_blocks(void)
{
	for (int nano = 0; nano <= 1; nano++) {
		pfile f = file_new(nano ? 0xa1b23c4d : 0xa1b2c3d4, 4, 65535, false);
		for (uint32_t i = 0; i < 1500; i++)
			record(&f, 1700000000 + i, (i * 997) % (nano ? 1000000000 : 1000000),
			       (i * 131) % 2001, 2000 + i);
		check(&f, 0, nano, false, 1500);
	}
}

/* The file cut in a record's header, then in its data: the records
 * before it, then libpcap's error for it, at its offset. */
static void
test_truncated(void)
{
	pfile f = file_new(0xa1b2c3d4, 4, 65535, false);
	for (uint32_t i = 0; i < 40; i++)
		record(&f, 1700000000, i, 100, 100);
	size_t whole = f.b->len;  /* 24 + 40 * 116 */
	GByteArray *copy = g_byte_array_new();
	g_byte_array_append(copy, f.b->data, f.b->len);
	check(&f, whole - 116 + 5, false, true, 39);

	pfile g = { copy, false };
	char *path = file_write(&g, whole - 60);
	g_assert_cmpuint(same_as_libpcap(path, false, true), ==, 39);
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(path, &err);
	dm_record rec;
	while (dm_capture_next(cap, &rec, &err) == 1)
		;
	g_assert_nonnull(err);
	g_assert_cmpstr(err->message, ==,
	                "truncated record at offset 4548: 100 bytes captured, only 40 in the file");
	g_error_free(err);
	dm_capture_close(cap);
	g_unlink(path);
	g_free(path);
}

/* Records libpcap treats in its own way, between plain ones: cut to the
 * snapshot length, refused past 262,144 bytes, times past 2038. */
static void
test_left_to_libpcap(void)
{
	pfile f = file_new(0xa1b2c3d4, 4, 200, false);
	record(&f, 1700000000, 1, 150, 150);
	record(&f, 1700000000, 2, 300, 300);          /* over the snapshot length */
	record(&f, 1700000000, 3, 150, 150);
	record(&f, 0x80000000u, 4, 10, 10);           /* 2038 */
	record(&f, 1700000000, 5, 10, 10);
	check(&f, 0, false, false, 5);

	f = file_new(0xa1b2c3d4, 4, 0, false);        /* 0: libpcap's maximum */
	record(&f, 1700000000, 1, 262144, 262144);    /* the largest, a block of its own */
	record(&f, 1700000000, 2, 262145, 262145);    /* refused */
	check(&f, 0, false, true, 1);
}

/* Files read by libpcap alone: the other byte order, version 2.3 (whose
 * lengths may be swapped). */
static void
test_other_files(void)
{
	pfile f = file_new(0xa1b2c3d4, 4, 65535, true);
	for (uint32_t i = 0; i < 20; i++)
		record(&f, 1700000000, i, 60 + i, 60 + i);
	check(&f, 0, false, false, 20);

	f = file_new(0xa1b2c3d4, 3, 65535, false);
	record_raw(&f, 1700000000, 1, 60, 40, 40);    /* swapped: 40 captured */
	record(&f, 1700000000, 2, 60, 60);
	check(&f, 0, false, false, 2);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/capture/bulk/blocks", test_blocks);
	g_test_add_func("/capture/bulk/truncated", test_truncated);
	g_test_add_func("/capture/bulk/left-to-libpcap", test_left_to_libpcap);
	g_test_add_func("/capture/bulk/other-files", test_other_files);
	return g_test_run();
}
