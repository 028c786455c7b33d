/* shard.h - splitting one run into N shards by flow, so that a capture
 * too large for one machine can be processed in parallel and the shard
 * reports merged (demuxsim merge) into the report of a whole run.
 *
 * A segment belongs to shard dm_shard_of() of its flow: the FNV-1a 64-bit
 * hash of the normalised key (protocol, family, then the two endpoints
 * (address, port) in ascending byte order) modulo N.  The hash is not
 * seeded, so every process, on every machine, agrees on it.  Frames that
 * carry no segment belong to shard 0.
 */
#ifndef DEMUXSIM_SHARD_H
#define DEMUXSIM_SHARD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/packet.h"
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
 * dm_shard_of: the shard, among @n, of the flow of segment @pkt (both
 * directions alike).
 * Returns: a number below @n.
 */
uint32_t dm_shard_of(const dm_packet *pkt, uint32_t n);

/**
 * dm_shard_owns: whether @sh processes a frame decoded to @st in @pkt (a
 * segment of one of its flows, or, for shard 0, a frame with no segment).
 */
bool dm_shard_owns(const dm_shard *sh, dm_frame_status st, const dm_packet *pkt);

/* A frame's packets (its own, then those inside its tunnels) are numbered
 * 0 to DM_SHARD_PACKETS - 1 where sockets' creation is recorded. */
#define DM_SHARD_PACKETS 16

/**
 * dm_shard_note_created: after packet @packet (0: the frame's own, 1...:
 * those inside its tunnels) of frame @frame (0: before the first), the
 * simulation has created @count sockets: those not yet noted were created
 * by that packet.
 */
void dm_shard_note_created(dm_shard *sh, uint64_t frame, unsigned packet, guint count);


/**
 * dm_shard_set_options: record the command line @argv (@argc words, the
 * program name first) without its --shard and --threads options: shards
 * merge only when made with the same one.
 */
void dm_shard_set_options(dm_shard *sh, int argc, char **argv);

#endif /* DEMUXSIM_SHARD_H */
