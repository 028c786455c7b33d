/* merge-backlog-int.h - a listener's "backlog" member combined over the
 * shards that had it (merge-backlog.c; not installed). */
#ifndef DEMUXSIM_MERGE_BACKLOG_H
#define DEMUXSIM_MERGE_BACKLOG_H

#include <json-glib/json-glib.h>
#include <stdbool.h>

/* @into (owned, or NULL) combined with @add (borrowed, or NULL): counts
 * summed, peaks and limits the largest.  Returns: the combined node (NULL
 * when both are NULL). */
JsonNode *dm_merge_backlog_add(JsonNode *into, JsonNode *add);

/* Replace the peaks of combined @b by those of its shards' queue changes
 * replayed in frame order, and drop the changes.  Returns: whether that is
 * exact (no shard left changes out, sent a cookie or dropped a SYN);
 * otherwise the peaks stay the largest a shard saw. */
bool dm_merge_backlog_finish(JsonNode *b);

#endif
