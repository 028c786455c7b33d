/* summary.h - counts of what a run saw: frames by outcome, segments by
 * protocol and checksum status, reasons, malformed headers.
 */
#ifndef DEMUXSIM_SUMMARY_H
#define DEMUXSIM_SUMMARY_H

#include <stdint.h>

#include "demuxsim/packet.h"
#include "demuxsim/reasm.h"

enum { DM_PROTO_UDP, DM_PROTO_TCP, DM_N_PROTO };

typedef struct {
	uint64_t frames;
	uint64_t outcome[DM_FRAME_N_STATUS];
	uint64_t segments[DM_N_PROTO];
	uint64_t status[DM_N_PROTO][DM_CSUM_N_STATUS];
	uint64_t reason[DM_CSUM_N_REASON];
	uint64_t malformed[DM_MAL_N];
	uint64_t ip_header_bad;   /* IPv4 header checksums wrong */
	uint64_t vlan_frames;     /* frames with at least one VLAN tag */
	uint64_t fragments;       /* IP fragments, first or not */
	dm_reasm_stats reasm;     /* IP reassembly (dm_reasm_finish()) */
	uint64_t encap[DM_ENCAP_N];   /* packets found inside tunnels, by
	                           * the innermost one's kind */
	uint64_t encap_outcome[DM_FRAME_N_STATUS]; /* and by outcome */
	uint64_t filtered;        /* frames the BPF filter left out (not in
	                           * @frames), dm_pipeline_note_filtered() */
} dm_summary;

/**
 * dm_summary_add: count one decoded frame of outcome @st described by @pkt.
 */
void dm_summary_add(dm_summary *sum, dm_frame_status st, const dm_packet *pkt);

/**
 * dm_proto_index: DM_PROTO_UDP or DM_PROTO_TCP for IP protocol @proto.
 * Returns: the index, or -1 for another protocol.
 */
/**
 * dm_summary_add_inner: count @pkt, found inside a tunnel of the frame
 * counted before it, decoded to @st: by encapsulation and outcome, and
 * its segment as any other (the frame itself is counted once).
 */
void dm_summary_add_inner(dm_summary *sum, dm_frame_status st, const dm_packet *pkt);

int dm_proto_index(uint8_t proto);

/**
 * dm_proto_name: "udp" or "tcp" for an index of dm_proto_index().
 * Returns: a static string.
 */
const char *dm_proto_name(int index);

#endif /* DEMUXSIM_SUMMARY_H */
