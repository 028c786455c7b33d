/* merge-int.h - what the files of demuxsim merge share (not installed):
 * a shard report read, reading its members, adding counts up, and the
 * merged "state" section (merge-state.c). */
#ifndef DEMUXSIM_MERGE_INT_H
#define DEMUXSIM_MERGE_INT_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

typedef struct {
	const char *path;
	JsonNode *root;
	JsonObject *doc;
	gint64 k;
	GHashTable *by_id;        /* its socket id -> msock */
} shard_in;

/* Member @name of @o (NULL: none) as an integer (0 when not one), a
 * string, an object or an array (NULL when not one). */
gint64 dm_merge_int(JsonObject *o, const char *name);
const char *dm_merge_string(JsonObject *o, const char *name);
JsonObject *dm_merge_object(JsonObject *o, const char *name);
JsonArray *dm_merge_array(JsonObject *o, const char *name);

/* @into (taken; NULL: none) plus @add: integers summed, max_* taken
 * once, objects member by member.  Returns: the sum. */
JsonNode *dm_merge_sum(JsonNode *into, JsonNode *add);

/* The "state" section of the @n shards @in (sorted by K), or NULL. */
JsonNode *dm_merge_state(shard_in *in, guint n);

/* Whether the "state" section @st (NULL: none) shows evictions. */
bool dm_merge_evicted(JsonObject *st);

#endif /* DEMUXSIM_MERGE_INT_H */
