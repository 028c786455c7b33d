/* shard.h - splitting one run into N shards by host, so that a capture
 * too large for one machine can be processed in parallel and the shard
 * reports merged (demuxsim merge) into the report of a whole run.
 *
 * Every host belongs to partition dm_shard_host_of() of N.  Shard K runs
 * a segment's receive event (the receiving host's table) when the
 * receiver is in partition K and its send event (the sender's table)
 * when the sender is: every host's table is whole in one shard.  Frames
 * whose hosts cannot be told belong to shard 0.
 */
#ifndef DEMUXSIM_SHARD_H
#define DEMUXSIM_SHARD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/demux.h"
#include "demuxsim/packet.h"
#include "demuxsim/reasm.h"
#include "demuxsim/report.h"

typedef struct dm_shard dm_shard;

/**
 * dm_shard_parse: shard @text ("K/N", 0 <= K < N).
 * Returns: the new shard, or NULL with @error set when @text is not one.
 */
dm_shard *dm_shard_parse(const char *text, GError **error);

/**
 * dm_shard_free: free @sh (NULL is ignored).
 */
void dm_shard_free(dm_shard *sh);

/**
 * dm_shard_info_get: what @sh's report says of it (K, N, the options, the
 * creation frames), for dm_report_set_shard(); valid while @sh is.
 */
void dm_shard_info_get(const dm_shard *sh, dm_shard_info *out);

/**
 * dm_shard_host_of: the partition, among @n, of the host at @addr (@family
 * 4 or 6) in tenant network @zone: FNV-1a-64 of the family byte, the
 * address zero-padded to 16 bytes, the zone kind byte and the zone id
 * (4 bytes big-endian), unseeded, modulo @n.
 * Returns: a number below @n.
 */
uint32_t dm_shard_host_of(int family, const uint8_t *addr, dm_zone zone, uint32_t n);

/**
 * dm_shard_frame_hosts: the partitions, among @n, of the receiving host
 * (the destination) and the sending host (the source) of a packet
 * decoded to @st in @pkt.
 * Returns: false, both set to 0, when its hosts cannot be told (no IP
 * header decoded).
 */
bool dm_shard_frame_hosts(dm_frame_status st, const dm_packet *pkt, uint32_t n,
                          uint32_t *receiver, uint32_t *sender);

/**
 * dm_shard_sides: the events of a packet decoded to @st in @pkt that @sh
 * runs: the receive event when its receiving host is in partition K
 * (shard 0 also takes packets whose hosts cannot be told), the send event
 * when its sending host is.  The shard with the receive event counts the
 * packet.
 * Returns: the events, 0 for none.
 */
dm_side dm_shard_sides(const dm_shard *sh, dm_frame_status st, const dm_packet *pkt);

/* A frame's packets (its own, then those inside its tunnels) are numbered
 * 0 to DM_SHARD_PACKETS - 1 where sockets' creation is recorded; within
 * a packet, the send event creates before the receive event. */
#define DM_SHARD_PACKETS 16
#define DM_SHARD_AT(frame, packet, receive) \
	(((uint64_t)(frame) * DM_SHARD_PACKETS + (packet)) * 2 + ((receive) ? 1 : 0))

/**
 * dm_shard_note_created: after the send event (@receive false) or the
 * receive event of packet @packet (0: the frame's own, 1...: those inside
 * its tunnels) of frame @frame (0: before the first), the simulation has
 * created @count sockets: those not yet noted were created by that event.
 */
void dm_shard_note_created(dm_shard *sh, uint64_t frame, unsigned packet, bool receive,
                           guint count);


/**
 * dm_shard_share_limits: give @cfg shard K's share of its --max-sockets
 * and --max-memory budget (the defaults when unset): about 1/N of each,
 * the shares adding up to the whole; the whole is kept for the report.
 */
void dm_shard_share_limits(dm_shard *sh, dm_demux_config *cfg);

/**
 * dm_shard_note_held: after frame @frame (0: before the first) the
 * simulation holds what @u says (sockets, memory, the peaks): kept when
 * it changed, for the merge to add the shards' up frame by frame.
 */
void dm_shard_note_held(dm_shard *sh, uint64_t frame, const dm_demux_usage *u);

/**
 * dm_shard_set_options: record the command line @argv (@argc words, the
 * program name first) without its --shard and --threads options: shards
 * merge only when made with the same one.
 */
void dm_shard_set_options(dm_shard *sh, int argc, char **argv);

/**
 * dm_shard_use_buckets: when the inputs @paths (@n of them) are buckets
 * of demuxsim partition (each with its .frames index), check that they
 * are every bucket of partition K of N, in the order of the inputs they
 * came from, and read the manifest beside them; the recorded options
 * then name the inputs, not the buckets.  Other inputs change nothing.
 * Returns: false with @error set when they are not such buckets.
 */
bool dm_shard_use_buckets(dm_shard *sh, char **paths, guint n, GError **error);

/**
 * dm_shard_bucket: the input that bucket @path came from (@sh may be
 * NULL), and in @frames how many frames it had.
 * Returns: its name, or NULL when @path is not a bucket.
 */
const char *dm_shard_bucket(const dm_shard *sh, const char *path, uint64_t *frames);

/**
 * dm_shard_bucket_reasm: with buckets, the whole capture's reassembly
 * counts (the partition pass reassembled every fragment), into @out.
 * Returns: false without buckets (@sh may be NULL).
 */
bool dm_shard_bucket_reasm(const dm_shard *sh, dm_reasm_stats *out);

/**
 * dm_shard_bucket_clock: with buckets, the time of the whole capture's
 * first frame (@end false) or last: the simulation's clock starts and
 * ends with them, as a whole run's does (@sh may be NULL).
 * Returns: false without buckets, or for a capture without frames.
 */
bool dm_shard_bucket_clock(const dm_shard *sh, bool end, int64_t *sec, uint32_t *nsec);

#endif /* DEMUXSIM_SHARD_H */
