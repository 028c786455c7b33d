/* benchgen-flood.h - the flood workloads of tests/gen/benchgen: a SYN flood
 * on one listener and a UDP scan of every port of one host. */
#ifndef BENCHGEN_FLOOD_H
#define BENCHGEN_FLOOD_H

#include <stdint.h>
#include <stdio.h>

typedef enum {
	BG_SYNFLOOD,
	BG_UDPSCAN,
} bg_pattern;

/* What a flood workload is made of. */
typedef struct {
	uint64_t count;  /* SYNs of the flood, or ports scanned from 1 */
	uint64_t rate;   /* packets per second of capture time */
	uint64_t seed;
	uint64_t limit;  /* frames written at most */
} bg_flood_opts;

/* What was written, by kind of frame. */
typedef struct {
	uint64_t frames;
	uint64_t syns;        /* flood SYNs */
	uint64_t handshakes;  /* real handshakes mixed in */
	uint64_t datagrams;   /* scan datagrams */
	uint64_t icmp;        /* port unreachable answers */
	uint64_t udp_answers; /* answers from open ports */
} bg_flood_stats;

/* Parse "synflood" or "udpscan" into @p; returns 0, or -1 if unknown. */
int bg_pattern_parse(const char *name, bg_pattern *p);

/* Write the pcap (Ethernet, microseconds) of pattern @p to @out, filling
 * @st; returns 0, or -1 on a write error. */
int bg_flood_write(bg_pattern p, const bg_flood_opts *o, FILE *out, bg_flood_stats *st);

#endif
