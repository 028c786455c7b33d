/* merge-state.c - reading a shard report's members, adding counts up,
 * and the merged "state" section: what the shards held, added up frame
 * by frame (see merge.c).
 */
#include "config.h"

#include <string.h>

#include "merge-int.h"

gint64
dm_merge_int(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);
	if (!n || JSON_NODE_TYPE(n) != JSON_NODE_VALUE)
		return 0;
	return json_node_get_int(n);
}

const char *
dm_merge_string(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);
	if (!n || JSON_NODE_TYPE(n) != JSON_NODE_VALUE ||
	    json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

JsonObject *
dm_merge_object(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

JsonArray *
dm_merge_array(JsonObject *o, const char *name)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;
	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

/* @into plus @add: integers summed (those named max_* taken once: they are
 * limits), objects member by member, anything else kept from @into. */
JsonNode *
dm_merge_sum(JsonNode *into, JsonNode *add)
{
	if (!into)
		return json_node_copy(add);
	if (JSON_NODE_HOLDS_OBJECT(into) && JSON_NODE_HOLDS_OBJECT(add)) {
		JsonObject *a = json_node_get_object(into), *b = json_node_get_object(add);
		GList *names = json_object_get_members(b);
		for (GList *l = names; l; l = l->next) {
			const char *name = l->data;
			JsonNode *mine = json_object_get_member(a, name);
			JsonNode *theirs = json_object_get_member(b, name);
			if (mine && g_str_has_prefix(name, "max_"))
				continue;
			JsonNode *sum = dm_merge_sum(mine ? json_node_copy(mine) : NULL, theirs);
			json_object_set_member(a, name, sum);
		}
		g_list_free(names);
		return into;
	}
	if (JSON_NODE_HOLDS_VALUE(into) && JSON_NODE_HOLDS_VALUE(add) &&
	    json_node_get_value_type(into) == G_TYPE_INT64 &&
	    json_node_get_value_type(add) == G_TYPE_INT64)
		json_node_set_int(into, json_node_get_int(into) + json_node_get_int(add));
	return into;
}

/* A shard's "held" series @a: entry @j's member @m (0 frame, 1 sockets,
 * 2 memory, 3 and 4 the peaks so far). */
static gint64
held_at(JsonArray *a, guint j, guint m)
{
	JsonArray *e = json_array_get_array_element(a, j);
	return e && json_array_get_length(e) > m ? json_array_get_int_element(e, m) : 0;
}

/* What the whole run held at the end and at the peak: every shard's
 * series of what it held added up frame by frame, less what all but one
 * of them hold alike from the start (the declared sockets); a peak no
 * lower than any shard's own (one that a limit cut back within a
 * frame). */
static void
held_totals(shard_in *in, guint n, gint64 out[4])
{
	JsonArray **a = g_new0(JsonArray *, n);
	guint *at = g_new0(guint, n);
	gint64 cur[2] = { 0, 0 }, base[2] = { 0, 0 };
	for (guint i = 0; i < n; i++) {
		a[i] = dm_merge_array(dm_merge_object(in[i].doc, "shard"), "held");
		if (a[i] && json_array_get_length(a[i]) && held_at(a[i], 0, 0) == 0) {
			base[0] = held_at(a[i], 0, 1);
			base[1] = held_at(a[i], 0, 2);
		}
	}
	out[2] = out[3] = 0;
	for (;;) {
		/* The next frame at which a shard's holding changed. */
		gint64 next = G_MAXINT64;
		for (guint i = 0; i < n; i++)
			if (a[i] && at[i] < json_array_get_length(a[i]))
				next = MIN(next, held_at(a[i], at[i], 0));
		if (next == G_MAXINT64)
			break;
		for (guint i = 0; i < n; i++) {
			while (a[i] && at[i] < json_array_get_length(a[i]) &&
			       held_at(a[i], at[i], 0) == next) {
				gint64 prev[2] = { 0, 0 };
				if (at[i]) {
					prev[0] = held_at(a[i], at[i] - 1, 1);
					prev[1] = held_at(a[i], at[i] - 1, 2);
				}
				cur[0] += held_at(a[i], at[i], 1) - prev[0];
				cur[1] += held_at(a[i], at[i], 2) - prev[1];
				at[i]++;
			}
		}
		gint64 shared = (gint64)(n - 1);
		out[2] = MAX(out[2], cur[0] - shared * base[0]);
		out[3] = MAX(out[3], cur[1] - shared * base[1]);
	}
	for (guint i = 0; i < n; i++) {
		guint len = a[i] ? json_array_get_length(a[i]) : 0;
		if (len) {
			out[2] = MAX(out[2], held_at(a[i], len - 1, 3));
			out[3] = MAX(out[3], held_at(a[i], len - 1, 4));
		}
	}
	out[0] = cur[0] - (gint64)(n - 1) * base[0];
	out[1] = cur[1] - (gint64)(n - 1) * base[1];
	g_free(at);
	g_free(a);
}

/* The "state" section: the shards' counts summed, what was held now and
 * at the peak from their series. */
JsonNode *
dm_merge_state(shard_in *in, guint n)
{
	JsonNode *v = NULL;
	for (guint i = 0; i < n; i++) {
		JsonNode *x = json_object_get_member(in[i].doc, "state");
		if (x)
			v = dm_merge_sum(v ? v : NULL, x);
	}
	if (!v || !JSON_NODE_HOLDS_OBJECT(v))
		return v;
	gint64 held[4];
	held_totals(in, n, held);
	JsonObject *o = json_node_get_object(v);
	static const char *const names[] = { "sockets_held", "memory_held", "peak_sockets",
	                                     "peak_memory" };
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (json_object_has_member(o, names[i]))
			json_object_set_int_member(o, names[i], held[i]);
	/* The whole budget, of which each shard held a share. */
	static const char *const limits[] = { "max_sockets", "max_memory" };
	for (size_t i = 0; i < G_N_ELEMENTS(limits); i++)
		if (json_object_has_member(o, limits[i]))
			json_object_set_int_member(o, limits[i],
			                           dm_merge_int(dm_merge_object(in[0].doc, "shard"),
			                                      limits[i]));
	return v;
}

/* Whether the "state" section @st shows entries evicted or hosts
 * forgotten under the limits (expiry alone merges exactly). */
bool
dm_merge_evicted(JsonObject *st)
{
	JsonObject *r = dm_merge_object(st, "retired");
	if (!st)
		return false;
	if (dm_merge_int(st, "limit_unmet"))
		return true;
	GList *names = r ? json_object_get_members(r) : NULL;
	bool any = false;
	for (GList *l = names; l && !any; l = l->next)
		any = (g_str_has_prefix(l->data, "evicted") || g_str_has_prefix(l->data, "forgotten")) &&
		      dm_merge_int(r, l->data) != 0;
	g_list_free(names);
	return any;
}

