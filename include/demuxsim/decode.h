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

#endif /* DEMUXSIM_DECODE_H */
