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

/* tunnel-ports.c: the UDP ports that carry a tunnel (a dm_encap_kind per
 * port), and whether IP protocols 4, 41 and 47 open one. */
extern uint8_t dm_tunnel_udp[65536];
extern bool dm_tunnel_ip;

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

/* ---- link layers (link.c on top; link-ppp.c, link-80211.c, link-nflog.c;
 * link-ethertype.c under them) ----
 * Each decodes its header from the start of @r, @extra being the bytes the
 * wire had after the captured ones, and hands the payload on.  @depth
 * counts the link headers already nested: the frame's own is 0, what its
 * type field names (MPLS, PPPoE) 1, an Ethernet frame inside an MPLS
 * pseudowire 2.  The -e details are kept for depth 0 and 1 only. */

/* How deep link headers may nest (Ethernet in an MPLS pseudowire...). */
enum { DM_LINK_MAX_DEPTH = 4 };

/* The payload of Ethernet type @type (also SLL/SLL2, C-HDLC, 802.11 SNAP):
 * IPv4, IPv6, MPLS, PPPoE session; anything else is not IP. */
dm_frame_status dm_link_ethertype(uint16_t type, dm_reader r, uint32_t extra,
                                  unsigned depth, dm_packet *pkt);

/* IPv4 or IPv6 by the version nibble at r; another version gives `other`. */
dm_frame_status dm_link_ip_any(dm_reader r, uint32_t extra, dm_frame_status other,
                               dm_packet *pkt);

/* An Ethernet frame with its 802.1Q/802.1ad tags. */
dm_frame_status dm_link_ethernet(dm_reader r, uint32_t extra, unsigned depth,
                                 dm_packet *pkt);
/* The bytes the wire had after @r, once @r is cut down to @n bytes of a
 * header's length field: 0 when @n lies inside the captured bytes. */
uint32_t dm_link_extra_after(const dm_reader *r, size_t n, uint32_t extra);

dm_frame_status dm_link_mpls(dm_reader r, uint32_t extra, unsigned depth,
                             dm_packet *pkt);
dm_frame_status dm_link_pppoe(dm_reader r, uint32_t extra, unsigned depth,
                              dm_packet *pkt);
/* The payload of PPP protocol @proto (PPP, PPPoE). */
dm_frame_status dm_link_ppp_payload(uint16_t proto, dm_reader r, uint32_t extra,
                                    unsigned depth, dm_packet *pkt);
/* DLT_PPP and DLT_PPP_SERIAL (a Cisco HDLC frame there too). */
dm_frame_status dm_link_ppp(dm_reader r, uint32_t extra, dm_packet *pkt);
dm_frame_status dm_link_chdlc(dm_reader r, uint32_t extra, dm_packet *pkt);
dm_frame_status dm_link_80211(dm_reader r, uint32_t extra, dm_packet *pkt);
dm_frame_status dm_link_radiotap(dm_reader r, uint32_t extra, dm_packet *pkt);
dm_frame_status dm_link_ppi(dm_reader r, uint32_t extra, dm_packet *pkt);
dm_frame_status dm_link_nflog(dm_reader r, uint32_t extra, dm_packet *pkt);

#endif
