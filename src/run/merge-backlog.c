/* merge-backlog.c - a listener's queues over the shards of a run: the
 * SYN cookies sent and used and the SYNs dropped add up, the queue peaks
 * and limits are the largest a shard saw.  Each shard's listener queued
 * only its own flows' SYNs, so a whole run's peaks may be higher and its
 * queue fill sooner (README: "Listen backlog and SYN cookies").
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "merge-backlog-int.h"

static bool
is_max(const char *name)
{
	return g_str_has_suffix(name, "_peak") || g_str_has_suffix(name, "_limit") ||
	       strcmp(name, "backlog") == 0;
}

JsonNode *
dm_merge_backlog_add(JsonNode *into, JsonNode *add)
{
	if (!add || !JSON_NODE_HOLDS_OBJECT(add))
		return into;
	if (!into)
		return json_node_copy(add);
	JsonObject *a = json_node_get_object(into), *b = json_node_get_object(add);
	GList *names = json_object_get_members(b);
	for (GList *l = names; l; l = l->next) {
		const char *name = l->data;
		JsonNode *mine = json_object_get_member(a, name);
		JsonNode *theirs = json_object_get_member(b, name);
		if (!mine) {
			json_object_set_member(a, name, json_node_copy(theirs));
			continue;
		}
		if (!JSON_NODE_HOLDS_VALUE(mine) || !JSON_NODE_HOLDS_VALUE(theirs) ||
		    json_node_get_value_type(mine) != G_TYPE_INT64 ||
		    json_node_get_value_type(theirs) != G_TYPE_INT64)
			continue;  /* "declared": the same in every shard */
		gint64 x = json_node_get_int(mine), y = json_node_get_int(theirs);
		json_node_set_int(mine, is_max(name) ? MAX(x, y) : x + y);
	}
	g_list_free(names);
	return into;
}
