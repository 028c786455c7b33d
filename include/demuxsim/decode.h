/* decode.h - decode one captured frame from its link header down to the
 * transport header, and verify the transport checksum.
 */
#ifndef DEMUXSIM_DECODE_H
#define DEMUXSIM_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/packet.h"

/**
 * dm_linktype_supported: whether frames of libpcap link type @dlt
 * (a DLT_ value as pcap_datalink() returns it) can be decoded.
 * Returns: true when supported.
 */
bool dm_linktype_supported(int dlt);

/**
 * dm_decode_frame: decode the frame @data (@caplen bytes captured of
 * @wirelen on the wire) of link type @dlt into @pkt.  Never reads past
 * @caplen and never prints.
 * Returns: the outcome; @pkt holds what was decoded before it.
 */
dm_frame_status dm_decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                uint32_t wirelen, dm_packet *pkt);

/**
 * dm_decode_ip: decode from an IPv4 or IPv6 header at @data (version taken
 * from the first nibble; @caplen bytes captured).  @wire_extra is how many
 * more bytes the frame had on the wire than were captured.
 * Returns: the outcome, as dm_decode_frame().
 */
dm_frame_status dm_decode_ip(const uint8_t *data, uint32_t caplen,
                             uint32_t wire_extra, dm_packet *pkt);

#endif /* DEMUXSIM_DECODE_H */
