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
 * files and version) and combine them: counts summed, the hosts (each
 * simulated by one shard; declared sockets by all, combined) sorted by
 * address, every socket numbered again in creation order (those the
 * shards discarded taking their ids too), what was held added up frame
 * by frame.  @warning is set to a newly allocated note (else NULL) when
 * the inputs show expiry or eviction: the "state" section's peaks are
 * then exact only without eviction (see README, Shards).
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
