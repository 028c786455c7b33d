/* fuzz-capture.c - libFuzzer target for whole capture files: the input is
 * written to an anonymous in-memory file and read through libpcap as the
 * command line reads it (dm_capture_open_file on its path), in the same two
 * passes: refusal evidence first, then decoding, simulation and the text
 * and JSON-lines reports (into memory), up to a clean end or an error.
 *
 * Built with -DFUZZ_LIMITS it is fuzz-limits: the single pass instead
 * (the evidence window of run/lookahead.c, 1 s, before the pipeline), the
 * frames also through IP reassembly, and both reassembly and the
 * simulation with tiny
 * limits, those of the command line options in LIMITS_ARGS (the .args of
 * an input it finds goes beside it in tests/regress/), so that eviction,
 * expiry and the forgetting of hosts happen all the time; the tables are
 * checked after every frame and reassembly never holds more than its
 * limit.
 */
#define _GNU_SOURCE
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "demuxsim/capture.h"
#include "demuxsim/decode.h"
#include "demuxsim/demux.h"
#include "demuxsim/reasm.h"
#include "demuxsim/report.h"
#include "demuxsim/summary.h"
#ifdef FUZZ_LIMITS
#include "demuxsim/pipeline.h"
#include "demuxsim/report-live.h"
#include "../../src/run/run-int.h"
#endif

#ifdef FUZZ_LIMITS
#define LIMITS_ARGS "--max-sockets 4 --max-memory 4096 --syn-timeout 1 --time-wait 1 " \
	"--udp-idle 1 --reasm-memory 1000 --reasm-timeout4 1 --reasm-timeout6 1"
static const dm_demux_config demux_cfg = {
	.max_sockets = 4, .max_memory = 4096, .syn_timeout = 1, .time_wait = 1, .udp_idle = 1,
};
static const dm_reasm_config reasm_cfg = { .timeout4 = 1, .timeout6 = 1, .max_memory = 1000 };
#else
static const dm_demux_config demux_cfg = { 0 };
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Open @path as a capture of a supported link type, or NULL. */
static dm_capture *
open_capture(const char *path)
{
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(path, &err);
	if (!cap) {
		if (!err || !err->message)
			abort();
		g_error_free(err);
		return NULL;
	}
	if (!dm_linktype_supported(dm_capture_linktype(cap))) {
		dm_capture_close(cap);
		return NULL;
	}
	return cap;
}

/* With the tiny limits: the checks after each frame (abort when one
 * fails). */
static void
check_frame(const dm_demux *dm, const dm_reasm *ra)
{
#ifdef FUZZ_LIMITS
	char *bad = dm_demux_check_invariants(dm);
	if (bad) {
		fprintf(stderr, "invariant broken (%s): %s\n", LIMITS_ARGS, bad);
		abort();
	}
	if (dm_reasm_memory(ra) > reasm_cfg.max_memory) {
		fprintf(stderr, "reassembly holds %zu bytes, over its limit (%s)\n",
		        dm_reasm_memory(ra), LIMITS_ARGS);
		abort();
	}
#else
	(void)dm;
	(void)ra;
#endif
}

#ifndef FUZZ_LIMITS
static dm_evidence *
first_pass(const char *path)
{
	dm_evidence *ev = dm_evidence_new(true);
	dm_capture *cap = open_capture(path);
	if (!cap)
		return ev;
	dm_record rec;
	dm_packet pkt;
	GError *err = NULL;
	uint64_t frame = 0;
	while (dm_capture_next(cap, &rec, &err) == 1) {
		dm_frame_status st = dm_decode_frame(rec.dlt, rec.data, rec.caplen,
		                                     rec.wirelen, &pkt);
		dm_evidence_add(ev, ++frame, st, &pkt);
	}
	g_clear_error(&err);
	dm_capture_close(cap);
	return ev;
}


static void
second_pass(const char *path, dm_demux *dm, dm_reasm *ra, dm_report *text,
            dm_report *jsonl, dm_summary *sum)
{
	dm_capture *cap = open_capture(path);
	if (!cap)
		return;
	bool nano = dm_capture_nanosecond(cap);
	(void)dm_capture_snaplen(cap);
	dm_report_begin_file(text, path, nano);
	dm_report_begin_file(jsonl, path, nano);
	dm_record rec;
	dm_packet pkt;
	dm_decision d;
	GError *err = NULL;
	uint64_t frame = 0;
	int rc;
	while ((rc = dm_capture_next(cap, &rec, &err)) == 1) {
		frame++;
		uint32_t nsec = nano ? rec.frac : rec.frac * 1000;
		dm_frame_status st = dm_decode_frame(rec.dlt, rec.data, rec.caplen,
		                                     rec.wirelen, &pkt);
		if (ra)
			st = dm_reasm_frame(ra, frame, rec.sec, nsec, st, &pkt);
		dm_summary_add(sum, st, &pkt);
		dm_demux_segment(dm, frame, rec.sec, nsec, st, &pkt, &d);
		dm_report_frame(text, frame, &rec, st, &pkt, &d);
		dm_report_frame(jsonl, frame, &rec, st, &pkt, &d);
		check_frame(dm, ra);
	}
	if (rc < 0 && (!err || !err->message))
		abort();
	g_clear_error(&err);
	dm_capture_close(cap);
}
#endif

#ifdef FUZZ_LIMITS
typedef struct {
	dm_report *text, *jsonl;
	dm_demux *dm;
	dm_reasm *ra;
} sinks;

static void
sink_frame(void *ctx, uint64_t frame, const dm_record *rec, dm_frame_status st,
           const dm_packet *pkt, const dm_decision *d)
{
	sinks *k = ctx;
	dm_report_frame(k->text, frame, rec, st, pkt, d);
	dm_report_frame(k->jsonl, frame, rec, st, pkt, d);
	check_frame(k->dm, k->ra);
}

static void
sink_correction(void *ctx, uint64_t frame, const dm_record *rec, const dm_correction *c)
{
	sinks *k = ctx;
	dm_report_correction(k->text, frame, rec, c);
	dm_report_correction(k->jsonl, frame, rec, c);
}

/* The single pass: each frame through the evidence window. */
static void
one_pass(const char *path, dm_demux *dm, dm_reasm *ra, dm_report *text, dm_report *jsonl)
{
	dm_capture *cap = open_capture(path);
	if (!cap)
		return;
	sinks k = { text, jsonl, dm, ra };
	dm_pipeline_sink sink = { sink_frame, sink_correction, &k };
	dm_pipeline_config pc = { .rep = text, .dm = dm, .ra = ra, .sink = &sink };
	dm_pipeline *p = dm_pipeline_new(&pc);
	dm_evidence *ev = dm_evidence_new(true);
	dm_demux_set_evidence(dm, ev);
	dm_demux_set_live_window(dm, dm_lookahead_late_window(1));
	dm_lookahead *la = dm_lookahead_new(p, dm, ev, 1);
	dm_report_begin_file(jsonl, path, dm_capture_nanosecond(cap));
	dm_lookahead_begin_input(la, path, dm_capture_nanosecond(cap));
	dm_record rec;
	dm_packet pkt;
	GError *err = NULL;
	int rc;
	while ((rc = dm_capture_next(cap, &rec, &err)) == 1) {
		dm_frame_status st = dm_decode_frame(rec.dlt, rec.data, rec.caplen, rec.wirelen, &pkt);
		dm_lookahead_frame(la, &rec, st, &pkt, NULL, 0);
	}
	if (rc < 0 && (!err || !err->message))
		abort();
	g_clear_error(&err);
	dm_lookahead_drain(la);
	dm_pipeline_finish(p);   /* the text report's summary */
	dm_report_summary(jsonl, dm_pipeline_summary(p), dm);
	dm_lookahead_free(la);
	dm_pipeline_free(p);
	dm_capture_close(cap);
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-capture", 0);
	if (fd < 0)
		abort();
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		abort();
	dm_report *text = dm_report_new(out, DM_FORMAT_TEXT, DM_REPORT_ALL_FRAMES);
	dm_report *jsonl = dm_report_new(out, DM_FORMAT_JSONL, DM_REPORT_ALL_FRAMES);
	dm_demux *dm = dm_demux_new(&demux_cfg);
	dm_summary sum = { 0 };
#ifdef FUZZ_LIMITS
	dm_reasm *ra = dm_reasm_new(&reasm_cfg);
#else
	dm_reasm *ra = NULL;
#endif

#ifdef FUZZ_LIMITS
	(void)sum;
	one_pass(path, dm, ra, text, jsonl);
	dm_reasm_free(ra);
#else
	dm_demux_set_evidence(dm, first_pass(path));
	second_pass(path, dm, ra, text, jsonl, &sum);
	dm_report_summary(text, &sum, dm);
	dm_report_summary(jsonl, &sum, dm);
#endif

	char *bad = dm_demux_check_invariants(dm);
	if (bad) {
		fprintf(stderr, "invariant broken: %s\n", bad);
		abort();
	}
	dm_report_free(text);
	dm_report_free(jsonl);
	dm_demux_free(dm);
	fclose(out);
	free(buf);
	close(fd);
	return 0;
}
