/* merge-backlog.c - a listener's queues over the shards of a run.  Each
 * shard's report has the changes of its listeners' queues ("events":
 * frame * 4 + what): replayed together in frame order, they give the
 * whole run's peaks.  That is exact while no shard's SYN queue filled
 * (no cookie, no drop) and none left changes out; otherwise a shard
 * queued only its own flows' SYNs, where a whole run's queue would have
 * filled sooner: the counts are then summed, the peaks the largest a
 * shard saw, and demuxsim merge warns.
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

static gint64 member(JsonObject *o, const char *name);

/* Whether a shard's listener saw nothing: no queue change, no count (a
 * declared listener in a shard that does not simulate its host). */
static bool
untouched(JsonObject *o)
{
	static const char *const counts[] = { "syn_queue_peak", "accept_queue_peak",
	                                      "syncookies_sent", "syncookies_used",
	                                      "syn_queue_full", "accept_queue_over" };
	JsonNode *ev = json_object_get_member(o, "events");
	if (ev && JSON_NODE_HOLDS_ARRAY(ev) && json_array_get_length(json_node_get_array(ev)))
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(counts); i++)
		if (member(o, counts[i]))
			return false;
	return true;
}

JsonNode *
dm_merge_backlog_add(JsonNode *into, JsonNode *add)
{
	if (!add || !JSON_NODE_HOLDS_OBJECT(add))
		return into;
	JsonObject *b = json_node_get_object(add);
	if (into && untouched(b))
		return into;
	if (!into || untouched(json_node_get_object(into))) {
		/* One shard's listener as it is: exact, its host was whole there. */
		if (into)
			json_node_unref(into);
		return json_node_copy(add);
	}
	JsonObject *a = json_node_get_object(into);
	json_object_set_boolean_member(a, "combined", true);
	GList *names = json_object_get_members(b);
	for (GList *l = names; l; l = l->next) {
		const char *name = l->data;
		JsonNode *mine = json_object_get_member(a, name);
		JsonNode *theirs = json_object_get_member(b, name);
		if (mine && strcmp(name, "events") == 0 && JSON_NODE_HOLDS_ARRAY(mine) &&
		    JSON_NODE_HOLDS_ARRAY(theirs)) {
			JsonArray *to = json_node_get_array(mine), *from = json_node_get_array(theirs);
			for (guint i = 0; i < json_array_get_length(from); i++)
				json_array_add_int_element(to, json_array_get_int_element(from, i));
			continue;
		}
		if (mine && strcmp(name, "events_complete") == 0) {
			json_node_set_boolean(mine, json_node_get_boolean(mine) &&
			                      json_node_get_boolean(theirs));
			continue;
		}
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

/* Queue changes in frame order. */
static gint
event_order(gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
	/* By frame only: the sort is stable, so the changes of one frame
	 * keep the order their shard made them in. */
	return x / 4 == y / 4 ? 0 : x / 4 < y / 4 ? -1 : 1;
}

static gint64
member(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);
	return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_int(n) : 0;
}

bool
dm_merge_backlog_finish(JsonNode *b)
{
	JsonObject *o = json_node_get_object(b);
	JsonNode *ev = json_object_get_member(o, "events");
	JsonNode *complete = json_object_get_member(o, "events_complete");
	if (!json_object_has_member(o, "combined")) {
		/* From one shard only. */
		json_object_remove_member(o, "events");
		json_object_remove_member(o, "events_complete");
		return true;
	}
	json_object_remove_member(o, "combined");
	bool exact = ev && JSON_NODE_HOLDS_ARRAY(ev) && complete &&
	             json_node_get_boolean(complete) && member(o, "syncookies_sent") == 0 &&
	             member(o, "syn_queue_full") == 0;
	if (exact) {
		JsonArray *a = json_node_get_array(ev);
		GArray *e = g_array_sized_new(FALSE, FALSE, sizeof(gint64), json_array_get_length(a));
		for (guint i = 0; i < json_array_get_length(a); i++) {
			gint64 v = json_array_get_int_element(a, i);
			g_array_append_val(e, v);
		}
		g_array_sort(e, event_order);
		gint64 q[2] = { 0, 0 }, peak[2] = { 0, 0 }, over = 0;
		gint64 alimit = member(o, "accept_queue_limit");
		for (guint i = 0; i < e->len; i++) {
			gint64 v = g_array_index(e, gint64, i);
			int which = (v & 3) >= 2, join = !(v & 1);
			if (join && which && q[1] >= alimit)
				over++;
			q[which] += join ? 1 : -1;
			peak[which] = MAX(peak[which], q[which]);
		}
		g_array_unref(e);
		json_object_set_int_member(o, "syn_queue_peak", peak[0]);
		json_object_set_int_member(o, "accept_queue_peak", peak[1]);
		json_object_set_int_member(o, "accept_queue_over", over);
	}
	json_object_remove_member(o, "events");
	json_object_remove_member(o, "events_complete");
	return exact;
}
