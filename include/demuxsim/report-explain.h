/* report-explain.h - writing checksum explanations (dm_explain) as text,
 * one JSON document, or JSON lines.  The only place they are formatted.
 */
#ifndef DEMUXSIM_REPORT_EXPLAIN_H
#define DEMUXSIM_REPORT_EXPLAIN_H

#include <stdint.h>
#include <stdio.h>

#include "demuxsim/explain.h"
#include "demuxsim/report.h"

typedef struct dm_xreport dm_xreport;

/**
 * dm_xreport_format_supported: whether explanations can be written as
 * @fmt (text, json and jsonl can; csv cannot).
 * Returns: true when supported.
 */
bool dm_xreport_format_supported(dm_format fmt);

/**
 * dm_xreport_new: a writer of explanations in @fmt to @out.  A JSON
 * document is opened here and closed by dm_xreport_free().
 * Returns: the new writer.
 */
dm_xreport *dm_xreport_new(FILE *out, dm_format fmt);

/**
 * dm_xreport_add: write the explanation @x of frame @frame (0 when it
 * comes from no capture).
 */
void dm_xreport_add(dm_xreport *r, uint64_t frame, const dm_explain *x);

/**
 * dm_xreport_skip: say that frame @frame has no checksum of the kind asked
 * for (@ip_header: an IPv4 header checksum; else a UDP/TCP one), because
 * of @why (a stable name such as a frame status, or "ipv6"), with
 * @detail (dm_report_skip_detail(), NULL for none) after it.
 */
void dm_xreport_skip(dm_xreport *r, uint64_t frame, bool ip_header, const char *why,
                     const char *detail);

/* Options of a writer, for checksums typed by hand (demuxsim checksum). */
enum {
	DM_XREPORT_BINARY = 1 << 0, /* text: the sum again in binary, column by
	                             * column, as textbooks write it */
	DM_XREPORT_TYPED = 1 << 1,  /* the segment was typed: a checksum field
	                             * of 0000 asks for the checksum to write */
};

/**
 * dm_xreport_set_options: set the DM_XREPORT_ options @opts of @r, for
 * the explanations added after it.
 */
void dm_xreport_set_options(dm_xreport *r, unsigned opts);

/**
 * dm_xreport_free: finish the output (closing a JSON document), flush it
 * and free @r (NULL is ignored).
 */
void dm_xreport_free(dm_xreport *r);

#endif /* DEMUXSIM_REPORT_EXPLAIN_H */
