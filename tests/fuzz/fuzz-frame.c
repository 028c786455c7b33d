/* fuzz-frame.c - libFuzzer target for the per-frame path: the first input
 * byte chooses the link type among every supported one, the rest is one
 * captured frame.  The frame is decoded, noted as refusal evidence, run
 * through a fresh simulation, and traced by the text and JSON-lines report
 * writers (into memory), whose summaries and socket tables are written too.
 * The decoders keep the -v/-e details and the text trace prints the link
 * header (-e), so that every link header's fields are printed.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "demuxsim/capture.h"
#include "demuxsim/decode.h"
#include "demuxsim/demux.h"
#include "demuxsim/report.h"
#include "demuxsim/summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
	DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
	DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC, DLT_IEEE802_11,
	DLT_IEEE802_11_RADIO, DLT_PPI, DLT_NFLOG,
};

/* Trace the frame in @fmt into memory, then the summary and tables. */
static void
report(dm_format fmt, const dm_record *rec, dm_frame_status st,
       const dm_packet *pkt, const dm_decision *d, const dm_summary *sum,
       const dm_demux *dm)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		abort();
	dm_report *rep = dm_report_new(out, fmt, DM_REPORT_ALL_FRAMES);
	dm_report_begin_file(rep, "fuzz.pcap", rec->frac >= 1000000);
	dm_report_frame(rep, 1, rec, st, pkt, d->host ? d : NULL);
	dm_report_summary(rep, sum, dm);
	dm_report_free(rep);
	fclose(out);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool details;
	if (!details) {
		dm_decode_set_details(true);
		dm_report_set_trace_link(true);
		details = true;
	}
	if (size < 1)
		return 0;
	int dlt = linktypes[data[0] % (sizeof linktypes / sizeof linktypes[0])];
	/* A copy of exactly the frame's bytes, so that any read past it is
	 * caught by AddressSanitizer. */
	uint32_t caplen = (uint32_t)(size - 1);
	uint8_t *frame = malloc(caplen ? caplen : 1);
	if (!frame)
		abort();
	for (uint32_t i = 0; i < caplen; i++)
		frame[i] = data[i + 1];
	/* The wire length: as captured, or longer when the second byte says
	 * the frame was cut by the snapshot length. */
	uint32_t wirelen = caplen + (caplen > 1 && (data[1] & 0x80) ? data[1] & 0x7f : 0);
	dm_record rec = { .sec = 1700000000, .frac = 123456, .caplen = caplen,
	                  .wirelen = wirelen, .data = frame, .dlt = dlt };

	dm_packet pkt;
	dm_frame_status st = dm_decode_frame(dlt, frame, caplen, wirelen, &pkt);

	dm_evidence *ev = dm_evidence_new(data[0] & 0x80);
	dm_evidence_add(ev, 1, st, &pkt);
	dm_demux_config cfg = { .keep_bad_checksums = data[0] & 0x40 };
	dm_demux *dm = dm_demux_new(&cfg);
	dm_demux_set_evidence(dm, ev);
	dm_summary sum = { 0 };
	dm_summary_add(&sum, st, &pkt);
	dm_decision d = { 0 };
	dm_demux_segment(dm, 1, rec.sec, rec.frac * 1000, st, &pkt, &d);
	/* The same frame again, as a retransmission would arrive. */
	dm_decision d2 = { 0 };
	dm_demux_segment(dm, 2, rec.sec + 1, 0, st, &pkt, &d2);

	report(DM_FORMAT_TEXT, &rec, st, &pkt, &d, &sum, dm);
	report(DM_FORMAT_JSONL, &rec, st, &pkt, &d2, &sum, dm);

	/* The packets inside its tunnels, each demultiplexed and reported
	 * as the pipeline does (tunnel.c's decoders). */
	dm_packet in[2];
	const dm_packet *outer = &pkt;
	dm_frame_status ist;
	for (unsigned i = 0; dm_decode_tunnel(outer, &ist, &in[i & 1]); i++) {
		outer = &in[i & 1];
		dm_evidence_add(ev, 1, ist, outer);
		dm_summary_add_inner(&sum, ist, outer);
		dm_decision di = { 0 };
		dm_demux_segment(dm, 2, rec.sec + 1, 0, ist, outer, &di);
		report(i & 1 ? DM_FORMAT_JSONL : DM_FORMAT_TEXT, &rec, ist, outer, &di, &sum, dm);
	}

	char *bad = dm_demux_check_invariants(dm);
	if (bad) {
		fprintf(stderr, "invariant broken: %s\n", bad);
		abort();
	}
	dm_demux_free(dm);
	free(frame);
	return 0;
}
