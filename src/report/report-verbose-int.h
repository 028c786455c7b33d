/* report-verbose-int.h - the extra text of trace lines with -v and -vv
 * (not installed). */
#ifndef DEMUXSIM_REPORT_VERBOSE_H
#define DEMUXSIM_REPORT_VERBOSE_H

#include <stdio.h>

#include "demuxsim/packet.h"

/* -v: ` options [mss 1460,sackOK,...]` as tcpdump -v writes a TCP
 * header's options, decoded from the bytes the decoder copied; nothing
 * for a segment without options or with a malformed data offset. */
void dm_report_tcp_options_text(FILE *out, const dm_packet *pkt);

#endif
