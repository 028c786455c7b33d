/* decode-int.h - hand-offs between the decoding stages (not installed). */
#ifndef DEMUXSIM_DECODE_INT_H
#define DEMUXSIM_DECODE_INT_H

#include "demuxsim/decode.h"
#include "demuxsim/reader.h"

/* What the IP layer hands to the transport decoders. */
typedef struct {
	dm_reader payload;      /* captured transport bytes, at most ip_len */
	uint32_t ip_len;        /* transport bytes according to the IP layer */
	bool cut;               /* bytes missing because the capture cut them */
	bool short_frame;       /* bytes missing that the wire never carried */
} dm_l4_input;

/* transport.c: whether dm_decode_set_details() asked for the -v/-e fields. */
extern bool dm_decode_details;

dm_frame_status dm_ipv4_decode(dm_reader r, uint32_t wire_extra, dm_packet *pkt);
dm_frame_status dm_ipv6_decode(dm_reader r, uint32_t wire_extra, dm_packet *pkt);
/* The fragmentable part of a reassembled IPv6 packet (@in), whose first
 * header is pkt->proto: walk the rest of the extension chain and set
 * @rest to the transport bytes after it.
 * Returns: DM_FRAME_SEGMENT when @rest is ready for dm_l4_dispatch(). */
dm_frame_status dm_ipv6_fragmentable_rest(const dm_l4_input *in, dm_packet *pkt,
                                          dm_l4_input *rest);
dm_frame_status dm_udp_decode(const dm_l4_input *in, dm_packet *pkt);
dm_frame_status dm_tcp_decode(const dm_l4_input *in, dm_packet *pkt);
dm_frame_status dm_icmp_decode(const dm_l4_input *in, dm_packet *pkt);

/* Shared by the IP decoders: set up @in from the captured bytes after the
 * IP header and the IP layer's idea of the transport length. */
void dm_l4_input_init(dm_l4_input *in, dm_reader after_hdr, uint32_t ip_len,
                      uint32_t wire_extra);

/* Shared by the IP decoders: point @f at the fragment data (@len bytes
 * by the IP header) at the start of @after_hdr. */
void dm_fragment_data(dm_fragment *f, dm_reader after_hdr, uint32_t len,
                      uint32_t wire_extra);

/* Dispatch to the transport decoder for pkt->proto. */
dm_frame_status dm_l4_dispatch(const dm_l4_input *in, dm_packet *pkt);

#endif
