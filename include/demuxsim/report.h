/* report.h - the one module that formats results: the per-segment trace
 * (text or JSON lines) and the run summary (text or a JSON document).
 */
#ifndef DEMUXSIM_REPORT_H
#define DEMUXSIM_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "demuxsim/capture.h"
#include "demuxsim/packet.h"
#include "demuxsim/summary.h"

typedef enum {
	DM_FORMAT_TEXT,
	DM_FORMAT_JSONL,
	DM_FORMAT_JSON,
	DM_FORMAT_CSV,
} dm_format;

enum {
	DM_REPORT_ALL_FRAMES = 1 << 0, /* trace frames without a segment too */
	DM_REPORT_QUIET = 1 << 1,      /* no per-segment trace */
};

typedef struct dm_report dm_report;

/**
 * dm_format_parse: the format named @name ("text", "jsonl", "json", "csv").
 * Returns: true and sets @fmt when the name is known.
 */
bool dm_format_parse(const char *name, dm_format *fmt);

/**
 * dm_report_new: a report writing @fmt to @out with DM_REPORT_ flags.
 * Returns: the new report.
 */
dm_report *dm_report_new(FILE *out, dm_format fmt, unsigned flags);

/**
 * dm_report_begin_file: start the trace of the capture file @path whose
 * timestamps are nanoseconds when @nano.
 */
void dm_report_begin_file(dm_report *rep, const char *path, bool nano);

/**
 * dm_report_frame: trace frame @frame (1-based) of record @rec, decoded to
 * outcome @st in @pkt.  Frames without a segment are traced only with
 * DM_REPORT_ALL_FRAMES.
 */
void dm_report_frame(dm_report *rep, uint64_t frame, const dm_record *rec,
                     dm_frame_status st, const dm_packet *pkt);

/**
 * dm_report_summary: write the run summary @sum (after the trace).
 */
void dm_report_summary(dm_report *rep, const dm_summary *sum);

/**
 * dm_report_address: write address @addr of @family (4 or 6) as inet_ntop
 * does into @buf (at least 46 bytes).
 * Returns: @buf.
 */
char *dm_report_address(int family, const uint8_t *addr, char *buf);

/**
 * dm_report_free: flush and free @rep (NULL is ignored).
 */
void dm_report_free(dm_report *rep);

#endif /* DEMUXSIM_REPORT_H */
