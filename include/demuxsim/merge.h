/* merge.h - combining the JSON reports of the shards of one run
 * (demuxsim --shard K/N) into the report of the whole run.
 */
#ifndef DEMUXSIM_MERGE_H
#define DEMUXSIM_MERGE_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdio.h>

/* The error domain of dm_merge_shards(). */
#define DM_MERGE_ERROR (dm_merge_error_quark())
GQuark dm_merge_error_quark(void);

/**
 * dm_merge_shards: read the shard reports @paths (@n of them, in any
 * order), check that they are every shard of one run (same N, options,
 * files and version) and combine them: counts summed, the sockets that
 * several shards created (listeners, bound UDP sockets) combined, the
 * sockets numbered in creation order, the hosts sorted by address.
 * @warning is set to a newly allocated note (else NULL) when the inputs
 * show state that crosses flows (expiry or eviction), with which the
 * result may differ from a whole run.
 * Returns: the whole run's report (json_node_unref() it), or NULL with
 * @error set naming the file at fault.
 */
JsonNode *dm_merge_shards(const char *const *paths, guint n, char **warning,
                          GError **error);

/**
 * dm_report_merged_json: write the document @doc made by
 * dm_merge_shards() to @out exactly as demuxsim --format json writes a
 * report.
 * Returns: false when writing failed.
 */
bool dm_report_merged_json(FILE *out, JsonNode *doc);

#endif /* DEMUXSIM_MERGE_H */
