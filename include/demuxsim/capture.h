/* capture.h - reading capture files (pcap and pcapng, through libpcap;
 * the pcapng files libpcap refuses through libwiretap when built with it).
 *
 * A dm_capture owns a libpcap (or libwiretap) handle and yields records
 * with caplen (bytes captured) and wirelen (bytes on the wire) kept apart,
 * each with its own link type.
 */
#ifndef DEMUXSIM_CAPTURE_H
#define DEMUXSIM_CAPTURE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct dm_capture dm_capture;

/* One record.  @data stays valid until the next dm_capture_next(). */
typedef struct {
	int64_t sec;         /* seconds since the epoch */
	uint32_t frac;       /* fraction: microseconds or nanoseconds */
	uint32_t caplen;     /* bytes captured, at @data */
	uint32_t wirelen;    /* bytes on the wire */
	const uint8_t *data;
	int dlt;             /* the DLT_ link type of @data: the capture's
	                      * (dm_capture_linktype), or in a pcapng file
	                      * read by libwiretap, the frame's interface's;
	                      * -1 for one without a DLT_ value */
	uint64_t skipped;    /* records just before this one that the filter
	                      * left out (dm_capture_set_filter): frame
	                      * numbers count them */
} dm_record;

/**
 * dm_record_set_time: set @rec's time from libpcap's @sec and @frac
 * (microseconds, or nanoseconds when @nano).  A time whose nanoseconds
 * since 1970 do not fit in int64 is clamped to the span that does, its
 * start rounded up to a whole second: -9223372036 s (1677-09-21
 * 00:12:44) to 9223372036.854775807 s (2262-04-11 23:47:16.854775807);
 * a fraction below 0 or of a second or more, to [0, 1 s).
 * Returns: true when the time was clamped.
 */
bool dm_record_set_time(dm_record *rec, int64_t sec, int64_t frac, bool nano);

#define DM_CAPTURE_ERROR (dm_capture_error_quark())
GQuark dm_capture_error_quark(void);

/**
 * dm_capture_open_file: open the capture file @path ("-" for standard
 * input).  Timestamps are kept at the file's own precision (a pcapng
 * file's first interface's).  A regular pcapng file libpcap refuses, on
 * opening or part way (interfaces of different link types or snapshot
 * lengths), is read by libwiretap instead when demuxsim is built with it.
 * Returns: a new capture, or NULL with @error set.
 */
dm_capture *dm_capture_open_file(const char *path, GError **error);

/**
 * dm_capture_next: read the next record into @rec.
 * Returns: 1 for a record, 0 at a clean end of file, -1 on an error
 * (truncated or damaged file) with @error set.
 */
int dm_capture_next(dm_capture *cap, dm_record *rec, GError **error);

/**
 * dm_capture_set_frame_index: @cap is a bucket of demuxsim partition:
 * @index (taken, closed with @cap) lists, one decimal number a line, the
 * frame number in the original file of each record, which had @frames
 * frames.  Records then say (dm_record.skipped) the frames of the
 * original before them that the bucket does not hold, and the end of the
 * bucket those after its last (dm_capture_pending()).
 */
void dm_capture_set_frame_index(dm_capture *cap, FILE *index, uint64_t frames);

/**
 * dm_capture_absent: the frames of the original file so far that a
 * bucket does not hold (0 without an index).
 * Returns: the count.
 */
uint64_t dm_capture_absent(const dm_capture *cap);

/**
 * dm_capture_linktype: the DLT_ link type of the capture (of a pcapng
 * file's first interface; dm_record.dlt is each frame's own).
 * Returns: the link type.
 */
int dm_capture_linktype(const dm_capture *cap);

/**
 * dm_capture_nanosecond: whether record fractions are nanoseconds (else
 * microseconds).
 * Returns: true for nanosecond precision.
 */
bool dm_capture_nanosecond(const dm_capture *cap);

/**
 * dm_capture_snaplen: the snapshot length the file declares (a pcapng
 * file's first interface's).
 * Returns: the snapshot length.
 */
int dm_capture_snaplen(const dm_capture *cap);

/**
 * dm_linktype_describe: a readable name for DLT @dlt, e.g. "NFLOG (239)",
 * written into @buf of @size bytes.
 * Returns: @buf.
 */
char *dm_linktype_describe(int dlt, char *buf, size_t size);

/**
 * dm_capture_close: close @cap and free it (NULL is ignored).
 */
void dm_capture_close(dm_capture *cap);

/**
 * dm_capture_progress: how far the regular file under @cap has been read
 * (*@done bytes, read ahead of the records returned) of its *@total.
 * Returns: false for a stream, or when it cannot be told.
 */
bool dm_capture_progress(const dm_capture *cap, uint64_t *done, uint64_t *total);

/**
 * dm_capture_lib_version: libpcap's own description of its version.
 */
const char *dm_capture_lib_version(void);

/**
 * dm_capture_filter_check: compile the BPF expression @expr for link
 * type @dlt, to check it before a run.
 * Returns: whether it compiles, else false with libpcap's reason in @error.
 */
bool dm_capture_filter_check(const char *expr, int dlt, GError **error);

/**
 * dm_capture_set_filter: from now on, hand out only the records the BPF
 * expression @expr (NULL: none) selects, compiled for @cap's link type
 * (in a file of several link types, once for each other link type met:
 * a frame of a link type @expr does not compile for is left out); the
 * others are counted and skipped (dm_record.skipped).
 * Returns: false with libpcap's reason in @error if it does not compile.
 */
bool dm_capture_set_filter(dm_capture *cap, const char *expr, GError **error);

/**
 * dm_capture_add_skipped: count @n records left out before @cap's first
 * one (those the filter left out at the end of the inputs before it),
 * in the next record's dm_record.skipped.
 */
void dm_capture_add_skipped(dm_capture *cap, uint64_t n);

/**
 * dm_capture_filtered: the records of @cap the filter left out so far.
 * Returns: the count.
 */
uint64_t dm_capture_filtered(const dm_capture *cap);

/**
 * dm_capture_pending: the records left out since the last one handed
 * out (at the end of the capture: those after the last one).
 * Returns: the count.
 */
uint64_t dm_capture_pending(const dm_capture *cap);

#endif /* DEMUXSIM_CAPTURE_H */
