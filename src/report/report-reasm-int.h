/* report-reasm-int.h - how the report writes IP reassembly: the frames of a
 * reassembled datagram in its trace line, and the counts in the summary
 * (not installed). */
#ifndef DEMUXSIM_REPORT_REASM_H
#define DEMUXSIM_REPORT_REASM_H

#include <stdio.h>

#include "demuxsim/packet.h"
#include "demuxsim/reasm.h"
#include "json-writer-int.h"

/* JSON lines: `,"fragments":[frames]` for a reassembled datagram. */
void dm_report_reasm_jsonl(FILE *out, const dm_packet *pkt);
/* Text trace: ` reassembled from frames 1,2,3` for one. */
void dm_report_reasm_text(FILE *out, const dm_packet *pkt);
/* Text summary: one line per family that had fragments. */
void dm_report_reasm_summary_text(FILE *out, const dm_reasm_stats *st,
                                  uint64_t fragments);
/* JSON document: the "reassembly" member. */
void dm_report_reasm_summary_json(jw *w, const dm_reasm_stats *st);

#endif
