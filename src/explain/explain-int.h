/* explain-int.h - the diagnosis steps explain.c calls (not installed). */
#ifndef DEMUXSIM_EXPLAIN_INT_H
#define DEMUXSIM_EXPLAIN_INT_H

#include "demuxsim/explain.h"

/* Causes provable from the segment alone: offload (partial), zero over
 * IPv6, byte-swapped, no pseudo-header. */
void dm_explain_diagnose_segment(dm_explain *x, const dm_pseudo *ph,
                                 const uint8_t *seg, size_t seglen);

/* A byte-swapped stored value (any kind of explanation). */
void dm_explain_diagnose_swap(dm_explain *x);

/* UDP: a UDP length that disagrees with the IP payload length. */
void dm_explain_diagnose_length(dm_explain *x, const dm_packet *pkt);

#endif
