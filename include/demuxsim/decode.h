/* decode.h - decode one captured frame from its link header down to the
 * transport header, and verify the transport checksum.
 */
#ifndef DEMUXSIM_DECODE_H
#define DEMUXSIM_DECODE_H

#include <pcap/dlt.h>
#include <stdbool.h>
#include <stdint.h>

/* Link types older libpcap headers lack (https://www.tcpdump.org/linktypes.html). */
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#include "demuxsim/packet.h"

/**
 * dm_linktype_supported: whether frames of libpcap link type @dlt
 * (a DLT_ value as pcap_datalink() returns it) can be decoded.
 * Returns: true when supported.
 */
bool dm_linktype_supported(int dlt);

/**
 * dm_decode_set_details: with @on (trace -v or -e), the decoders made to
 * run from now on also keep what only those lines print: the TCP options'
 * raw bytes (dm_packet.tcp_opts) and the link header (dm_packet.link).
 * Off by default, so that a run without them pays nothing for them.  Set
 * it before any decoding starts (worker threads read it).
 */
void dm_decode_set_details(bool on);

/**
 * dm_packet_used_size: the bytes of a dm_packet a decode fills in: all of
 * it after dm_decode_set_details(true), else those before its -v/-e
 * details (the rest is left as it was).  A copy of a decoded packet needs
 * no more.
 * Returns: the size in bytes.
 */
size_t dm_packet_used_size(void);

/**
 * dm_packet_copy_size: the bytes of decoded packet @pkt a copy of it needs:
 * dm_packet_used_size(), less its fragment, tunnel and ICMP fields (the
 * last it holds) when it is not a fragment, nor ICMP, nor a tunnel's or
 * found in one, and no -v/-e details are kept.  Nothing reads those of
 * such a packet.
 * Returns: the size in bytes.
 */
size_t dm_packet_copy_size(const dm_packet *pkt);

/**
 * dm_decode_frame: decode the frame @data (@caplen bytes captured of
 * @wirelen on the wire) of link type @dlt into @pkt.  Never reads past
 * @caplen and never prints.
 * Returns: the outcome; @pkt holds what was decoded before it.
 */
dm_frame_status dm_decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                uint32_t wirelen, dm_packet *pkt);

/**
 * dm_decode_frame_headers: as dm_decode_frame(), the headers only: no
 * checksum is computed (pkt->csum is unverified with no reason, and
 * pkt->ip_csum_bad false; pkt->headers_only says so), for a pass that
 * needs addresses, ports and TCP fields alone.
 * Returns: the outcome, as dm_decode_frame().
 */
dm_frame_status dm_decode_frame_headers(int dlt, const uint8_t *data, uint32_t caplen,
                                        uint32_t wirelen, dm_packet *pkt);

/**
 * dm_decode_ip: decode from an IPv4 or IPv6 header at @data (version taken
 * from the first nibble; @caplen bytes captured).  @wire_extra is how many
 * more bytes the frame had on the wire than were captured.
 * Returns: the outcome, as dm_decode_frame().
 */
dm_frame_status dm_decode_ip(const uint8_t *data, uint32_t caplen,
                             uint32_t wire_extra, dm_packet *pkt);

/**
 * dm_decode_datagram: decode and verify the transport layer of a
 * reassembled IP datagram through the same decoders as a frame's.
 * @pkt holds the IP layer (family, src, dst, final_dst, and in proto the
 * protocol of the payload: IPv6, the first fragment's next header, so
 * extension headers that follow the fragment header are walked).
 * @data holds the first @caplen of the @len payload bytes; bytes missing
 * were cut by the snapshot length when @cut (the checksum is then
 * unverified), else the frames never carried them (malformed).
 * Returns: the outcome, as dm_decode_frame().
 */
dm_frame_status dm_decode_datagram(const uint8_t *data, uint32_t caplen,
                                   uint32_t len, bool cut, dm_packet *pkt);

/**
 * dm_ipv6_ext_name: the name of IPv6 extension header type @nh (its
 * next-header value: "hop-by-hop options", "routing", "fragment",
 * "authentication", "destination options"), as dm_packet.ext_last holds it.
 * Returns: a static string, NULL for a type that is not one.
 */
const char *dm_ipv6_ext_name(uint8_t nh);

/**
 * dm_decode_set_tunnel_port: from now on, a UDP datagram to or from
 * @port (the lower of its two ports first, as tshark tries them) carries
 * a tunnel of @kind (DM_ENCAP_NONE: none).  The defaults: VXLAN 4789 and
 * 8472, VXLAN-GPE 4790, Geneve 6081, GTP-U 2152, Teredo 3544, CAPWAP
 * data 5247, MPLS in UDP 6635.  Set it before decoding starts.
 */
void dm_decode_set_tunnel_port(uint16_t port, dm_encap_kind kind);

/**
 * dm_decode_clear_tunnel_kind: no UDP port carries @kind any more.
 */
void dm_decode_clear_tunnel_kind(dm_encap_kind kind);

/**
 * dm_decode_set_tunnels: with !@on (--no-tunnels), no tunnel is opened:
 * no UDP port is one, and IP protocols 4, 41 and 47 are other protocols.
 */
void dm_decode_set_tunnels(bool on);

/**
 * dm_encap_udp_kind: whether tunnels of @kind are found by UDP port.
 * Returns: true for the UDP encapsulations.
 */
bool dm_encap_udp_kind(dm_encap_kind kind);

/**
 * dm_encap_kind_name: the stable name of @kind ("vxlan", "gre", ...).
 * Returns: a static string.
 */
const char *dm_encap_kind_name(dm_encap_kind kind);

/**
 * dm_encap_kind_from_name: the kind named @name, as dm_encap_kind_name().
 * Returns: the kind, DM_ENCAP_NONE for an unknown name.
 */
dm_encap_kind dm_encap_kind_from_name(const char *name);

/**
 * dm_decode_tunnel: open the tunnel @outer carries (outer->tunnel, set by
 * the decode of a frame, a datagram or an inner packet): decode the
 * packet inside it into @inner, from its tunnel header down to UDP/TCP,
 * with its checksums (none when @outer is headers only), and the
 * encapsulation chain @outer's plus this one (inner->encap).  A tunnel
 * header cut by the capture is a truncated link header; one that breaks
 * its own rules, a bad link header; a packet inside DM_ENCAP_MAX_DEPTH
 * tunnels already, a link header limit.  Never reads past the captured
 * bytes.  @inner may carry a tunnel in turn.
 * Returns: false when @outer carries none; else true, with the inner
 * packet's outcome in *@st.
 */
bool dm_decode_tunnel(const dm_packet *outer, dm_frame_status *st, dm_packet *inner);

#endif /* DEMUXSIM_DECODE_H */
