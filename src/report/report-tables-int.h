/* report-tables-int.h - what the end-of-run tables share
 * (report-tables.c, report-csv.c; not installed). */
#ifndef DEMUXSIM_REPORT_TABLES_INT_H
#define DEMUXSIM_REPORT_TABLES_INT_H

#include "report-int.h"

/* Sockets are read in their hosts' order, which is not their order in
 * memory: asking for the next few early hides most of the cache misses
 * (a hint only, over the first few hundred bytes, whatever the size). */
#define PREFETCH_AHEAD 4

/* The size of the blocks the CSV and text tables are written in. */
#define OUT_BLOCK 65536

static inline void
prefetch(const void *p)
{
#if defined(__GNUC__)
	const char *c = p;
	__builtin_prefetch(c);
	__builtin_prefetch(c + 64);
	__builtin_prefetch(c + 128);
	__builtin_prefetch(c + 192);
#else
	(void)p;
#endif
}

/* The CSV socket table of @dm's hosts that @rep shows, one row per
 * socket. */
void dm_report_csv_sockets(dm_report *rep, const dm_demux *dm);

#endif
