/* report-tables-int.h - what the end-of-run tables share
 * (report-tables.c, report-csv.c; not installed). */
#ifndef DEMUXSIM_REPORT_TABLES_INT_H
#define DEMUXSIM_REPORT_TABLES_INT_H

#include "demuxsim/decode.h"
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

/* The names of count @i of each kind, for the count tables. */
static inline const char *status_name_i(int i) { return dm_csum_status_name(i); }
static inline const char *reason_name_i(int i) { return dm_csum_reason_name(i); }
static inline const char *malformed_name_i(int i) { return dm_malformed_name(i); }
static inline const char *frame_name_i(int i) { return dm_frame_status_name(i); }
static inline const char *encap_name_i(int i) { return dm_encap_kind_name(i); }
static inline const char *drop_name_i(int i) { return dm_drop_name(i); }
static inline const char *retire_name_i(int i) { return dm_retire_name(i); }

/* The host's entries expired or evicted to keep the state bounded. */
static inline void
host_retired(const dm_host *h, uint64_t *counts)
{
	for (int r = 0; r < DM_RETIRE_N; r++)
		counts[r] = dm_host_retired(h, r);
}

static inline bool
any_count(const uint64_t *counts, int first, int n)
{
	for (int i = first; i < n; i++)
		if (counts[i])
			return true;
	return false;
}

/* The end-of-run report of @sum and @dm's tables (NULL: none) as one
 * JSON document (report-tables-json.c). */
void dm_report_tables_json(dm_report *rep, const dm_summary *sum, const dm_demux *dm);

/* The CSV socket table of @dm's hosts that @rep shows, one row per
 * socket. */
void dm_report_csv_sockets(dm_report *rep, const dm_demux *dm);

#endif
