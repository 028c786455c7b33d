/* report-backlog-int.h - a TCP listener's queues and SYN cookies in the
 * socket tables (report-backlog.c; not installed). */
#ifndef DEMUXSIM_REPORT_BACKLOG_H
#define DEMUXSIM_REPORT_BACKLOG_H

#include <stdbool.h>

#include "demuxsim/demux.h"
#include "json-writer-int.h"
#include "report-format-int.h"

/* The line under listener @s's row (indented @indent more), if it has
 * queues: nothing otherwise. */
void dm_report_backlog_text(dm_obuf *b, const dm_socket *s, int indent);

/* The "backlog" member of listener @s's JSON object, if it has queues;
 * in a shard's report (@shard) with the queue changes, for merging. */
void dm_report_backlog_json(jw *w, const dm_socket *s, bool shard);

#endif
