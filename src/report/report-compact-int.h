/* report-compact-int.h - choosing what a compact text report shows
 * (report-compact.c). */
#ifndef DEMUXSIM_REPORT_COMPACT_INT_H
#define DEMUXSIM_REPORT_COMPACT_INT_H

#include "report-int.h"

/* How busy host @h was: segments its sockets received, plus refusals. */
uint64_t dm_compact_host_weight(const dm_host *h);

/* The @limit busiest of the @hosts @rep shows, busiest first (an array of
 * borrowed hosts: g_ptr_array_unref it); *@left_out: how many shown
 * hosts were not chosen. */
GPtrArray *dm_compact_hosts(const dm_report *rep, const GPtrArray *hosts, guint limit,
                            guint *left_out);

/* The at most @limit socket rows of a host with sockets @socks (parents
 * @par, children lists @first/@next as report-tables.c groups them):
 * the busiest listeners or sockets first, each listener's connections
 * under it.  Each row is index * 2, + 1 when indented.  *@rows: how many
 * (g_free the array). */
guint *dm_compact_sockets(const GPtrArray *socks, const dm_socket *const *par,
                          const guint *first, const guint *next, guint limit,
                          guint *rows);

#endif /* DEMUXSIM_REPORT_COMPACT_INT_H */
