/* partition.h - demuxsim partition: one streaming pass over a capture
 * (several files, rotated by tcpdump -C/-G, read in order as one) that
 * writes each frame to the buckets of the partitions of its hosts, so
 * that shard K reads bucket K only (about 2/N of the data) and
 * demuxsim merge of the N shards still equals the whole run.
 *
 * In DIR: for each partition K and input file I (from 0),
 * part-K-of-N.IIIII.pcap (the frames of the file whose receiving or
 * sending host, or that of a packet inside its tunnels, is in partition
 * K; those whose hosts cannot be told in partition 0), beside it
 * part-K-of-N.IIIII.pcap.frames (a first line "demuxsim-partition K N I",
 * then the frame number in the input file of each record, one a line),
 * and partition.ini (N, the inputs' names and frame counts, and the
 * reassembly counts of the whole capture).
 */
#ifndef DEMUXSIM_PARTITION_H
#define DEMUXSIM_PARTITION_H

#include <glib.h>
#include <stdint.h>

#include "demuxsim/reasm.h"

/* The manifest's name in the output directory. */
#define DM_PARTITION_MANIFEST "partition.ini"

/**
 * dm_partition_run: partition the capture files @names (@n of them, in
 * order) into @parts buckets in directory @dir (made if missing),
 * reassembling fragments with @ra (taken; NULL: reassembly off) to count
 * the whole capture's reassembly as a run with the same options does.  Errors are reported on standard error, one line
 * naming the file and frame; the buckets then hold the frames before it.
 * Returns: the exit status (0 done, 1 input or output error).
 */
int dm_partition_run(const char *dir, uint32_t parts, dm_reasm *ra,
                     const char *const *names, guint n);

#endif /* DEMUXSIM_PARTITION_H */
