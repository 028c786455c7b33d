/* merge-backlog-int.h - a listener's "backlog" member combined over the
 * shards that had it (merge-backlog.c; not installed). */
#ifndef DEMUXSIM_MERGE_BACKLOG_H
#define DEMUXSIM_MERGE_BACKLOG_H

#include <json-glib/json-glib.h>

/* @into (owned, or NULL) combined with @add (borrowed, or NULL): counts
 * summed, peaks and limits the largest.  Returns: the combined node (NULL
 * when both are NULL). */
JsonNode *dm_merge_backlog_add(JsonNode *into, JsonNode *add);

#endif
