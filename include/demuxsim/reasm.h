/* reasm.h - IP reassembly (RFC 791 3.2 and RFC 815 for IPv4, RFC 8200
 * 4.5 and RFC 5722 for IPv6) in capture time, with bounded state.
 *
 * Fragments are grouped per (source, destination, protocol,
 * identification) for IPv4 and per (source, destination, identification)
 * for IPv6 (RFC 8200 4.5: the next header may differ between fragments).
 * When the last missing byte arrives, the datagram's transport layer is
 * decoded and verified over the reassembled bytes (dm_decode_datagram()),
 * and the frame that completed it carries the segment.
 *
 * Overlaps: a fragment that brings nothing but bytes already held, equal
 * to them, is an exact duplicate and is ignored (RFC 8200 4.5 allows it).
 * Any other overlap drops an IPv6 datagram with all its fragments, those
 * still to come included (RFC 5722); an IPv4 datagram keeps the bytes it
 * received first (first wins, as BSD stacks do) and is marked overlapping.
 *
 * Bounds: a datagram longer than 65,535 bytes (IPv4 header or IPv6
 * payload length; jumbograms cannot be fragmented, RFC 2675) is dropped;
 * a datagram not complete within its timeout (30 s IPv4, 60 s IPv6, from
 * its first fragment, in capture time) expires; above the memory limit
 * the oldest datagrams are evicted.  Every one of those is counted.
 */
#ifndef DEMUXSIM_REASM_H
#define DEMUXSIM_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "demuxsim/packet.h"

/* Counts kept per family (index 0 IPv4, 1 IPv6). */
typedef enum {
	DM_REASM_FRAGMENTS,     /* fragments given to reassembly */
	DM_REASM_REASSEMBLED,   /* datagrams completed and decoded */
	DM_REASM_TRUNCATED,     /* of those: bytes not captured */
	DM_REASM_DUPLICATES,    /* exact duplicate fragments ignored */
	DM_REASM_OVERLAPPING,   /* datagrams with overlapping fragments
	                         * (IPv4: kept, first wins; IPv6: dropped) */
	DM_REASM_TIMED_OUT,     /* datagrams expired incomplete */
	DM_REASM_INCOMPLETE,    /* datagrams still incomplete at the end */
	DM_REASM_OVER_LIMIT,    /* datagrams dropped: longer than 65,535 */
	DM_REASM_EVICTED,       /* datagrams dropped for the memory limit */
	DM_REASM_INVALID,       /* fragments refused: length not a multiple
	                         * of 8 with more to come, empty, or ends that
	                         * disagree (the datagram is dropped) */
	DM_REASM_DISCARDED,     /* fragments of a datagram already dropped */
	DM_REASM_N_COUNT
} dm_reasm_count;

typedef struct {
	bool enabled;            /* reassembly was on */
	uint64_t count[2][DM_REASM_N_COUNT];
	uint64_t peak_memory;    /* bytes held at most */
	uint64_t max_memory;     /* the limit */
} dm_reasm_stats;

typedef struct {
	double timeout4;         /* seconds; 0: 30 */
	double timeout6;         /* seconds; 0: 60 */
	size_t max_memory;       /* bytes; 0: DM_REASM_DEFAULT_MEMORY */
	uint32_t max_datagram;   /* bytes; 0: 65,535 (lower only to test) */
} dm_reasm_config;

#define DM_REASM_DEFAULT_MEMORY ((size_t)64 << 20)

typedef struct dm_reasm dm_reasm;

/**
 * dm_reasm_new: a reassembler with the limits of @cfg (NULL: defaults).
 * Returns: the new reassembler (free with dm_reasm_free()).
 */
dm_reasm *dm_reasm_new(const dm_reasm_config *cfg);

/**
 * dm_reasm_frame: the reassembly step of a run loop, called with every
 * decoded frame in capture order: frame number @frame, capture time
 * @sec.@nsec, outcome @st of dm_decode_frame() in @pkt.  A frame that is
 * not a fragment passes through unchanged.  A fragment is taken (copied)
 * and its frame becomes DM_FRAME_FRAGMENT, unless it completes a datagram:
 * then @pkt is replaced by the reassembled datagram, decoded and
 * verified, with the frames of its fragments in pkt->reasm_frames (valid,
 * like the datagram's bytes, until the next call).  Also expires the
 * datagrams whose timeout has passed at @sec.@nsec.  Any @sec and @nsec
 * are accepted: times beyond the int64_t range of nanoseconds (about 292
 * years from 1970) are taken as its end.
 * Returns: the frame's outcome.
 */
dm_frame_status dm_reasm_frame(dm_reasm *ra, uint64_t frame, int64_t sec,
                               uint32_t nsec, dm_frame_status st, dm_packet *pkt);

/**
 * dm_reasm_finish: count the datagrams still incomplete at the end of the
 * run, drop them, and copy the counts into @out.
 */
void dm_reasm_finish(dm_reasm *ra, dm_reasm_stats *out);

/**
 * dm_reasm_memory: the bytes held now (buffers and bookkeeping).
 * Returns: the byte count.
 */
size_t dm_reasm_memory(const dm_reasm *ra);

/**
 * dm_reasm_count_name: the stable name of a count ("reassembled", ...).
 * Returns: a static string.
 */
const char *dm_reasm_count_name(dm_reasm_count c);

/**
 * dm_reasm_free: free @ra and every datagram it holds (NULL is ignored).
 */
void dm_reasm_free(dm_reasm *ra);

#endif /* DEMUXSIM_REASM_H */
