/* summary.c - counting decoded frames. */
#include "config.h"

#include "demuxsim/summary.h"

int
dm_proto_index(uint8_t proto)
{
	return proto == 17 ? DM_PROTO_UDP : proto == 6 ? DM_PROTO_TCP : -1;
}

const char *
dm_proto_name(int index)
{
	return index == DM_PROTO_UDP ? "udp" : index == DM_PROTO_TCP ? "tcp" : "?";
}

static void add_segment(dm_summary *sum, const dm_packet *pkt);

void
dm_summary_add(dm_summary *sum, dm_frame_status st, const dm_packet *pkt)
{
	sum->frames++;
	if ((unsigned)st < DM_FRAME_N_STATUS)
		sum->outcome[st]++;
	if (pkt->vlan_tags)
		sum->vlan_frames++;
	if (pkt->is_fragment || pkt->n_reasm_frames)
		sum->fragments++;
	if (pkt->family == 4 && pkt->ip_csum_bad)
		sum->ip_header_bad++;
	if (st != DM_FRAME_SEGMENT)
		return;
	add_segment(sum, pkt);
}

void
dm_summary_add_inner(dm_summary *sum, dm_frame_status st, const dm_packet *pkt)
{
	if (pkt->n_encap)
		sum->encap[pkt->encap[pkt->n_encap - 1].kind % DM_ENCAP_N]++;
	if ((unsigned)st < DM_FRAME_N_STATUS)
		sum->encap_outcome[st]++;
	if (st == DM_FRAME_SEGMENT)
		add_segment(sum, pkt);
}

static void
add_segment(dm_summary *sum, const dm_packet *pkt)
{
	int p = dm_proto_index(pkt->proto);
	if (p < 0)
		return;
	sum->segments[p]++;
	sum->status[p][pkt->csum.status]++;
	sum->reason[pkt->csum.reason]++;
	sum->malformed[pkt->malformed]++;
}
