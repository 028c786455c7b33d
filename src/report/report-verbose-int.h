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

/* -vv: ` ip-cksum 0x... good` (or bad, with the expected value) for an
 * IPv4 header, ` urg N` for TCP, ` ulen N` (the UDP length field). */
void dm_report_vv_text(FILE *out, const dm_packet *pkt);

/* -e: the link header as tcpdump -e, ending in ": " (nothing for raw
 * IP), e.g. `02:00:5e:44:00:02 > 02:00:5e:44:00:01, ethertype IPv4
 * (0x0800), length 75: `. */
void dm_report_link_text(FILE *out, const dm_packet *pkt);

#endif
