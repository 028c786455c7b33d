/* report-merge.c - the merged report of a run's shards (demuxsim merge),
 * written through the same JSON writer, in the same layout, as
 * demuxsim --format json writes a report.  Socket times, carried as text
 * so that no digit is lost, are written as the numbers they are.
 */
#include "config.h"

#include <string.h>

#include "demuxsim/merge.h"
#include "json-writer-int.h"

static void write_node(jw *w, JsonNode *n, bool socket);

static void
write_object(jw *w, JsonObject *o, bool socket)
{
	GList *names = json_object_get_members(o);
	jw_begin_object(w);
	for (GList *l = names; l; l = l->next) {
		const char *name = l->data;
		JsonNode *v = json_object_get_member(o, name);
		jw_key(w, name);
		if (socket && JSON_NODE_HOLDS_VALUE(v) &&
		    json_node_get_value_type(v) == G_TYPE_STRING &&
		    (strcmp(name, "first") == 0 || strcmp(name, "last") == 0)) {
			jw_number_text(w, json_node_get_string(v));
			continue;
		}
		/* The elements of "sockets" arrays (in hosts) are sockets. */
		if (JSON_NODE_HOLDS_ARRAY(v) && strcmp(name, "sockets") == 0) {
			JsonArray *a = json_node_get_array(v);
			jw_begin_array(w);
			for (guint i = 0; i < json_array_get_length(a); i++)
				write_node(w, json_array_get_element(a, i), true);
			jw_end_array(w);
			continue;
		}
		write_node(w, v, false);
	}
	jw_end_object(w);
	g_list_free(names);
}

static void
write_node(jw *w, JsonNode *n, bool socket)
{
	switch (JSON_NODE_TYPE(n)) {
	case JSON_NODE_OBJECT:
		write_object(w, json_node_get_object(n), socket);
		break;
	case JSON_NODE_ARRAY: {
		JsonArray *a = json_node_get_array(n);
		jw_begin_array(w);
		for (guint i = 0; i < json_array_get_length(a); i++)
			write_node(w, json_array_get_element(a, i), false);
		jw_end_array(w);
		break;
	}
	case JSON_NODE_NULL:
		jw_null(w);
		break;
	case JSON_NODE_VALUE:
		switch (json_node_get_value_type(n)) {
		case G_TYPE_INT64:
			jw_int(w, json_node_get_int(n));
			break;
		case G_TYPE_BOOLEAN:
			jw_bool(w, json_node_get_boolean(n));
			break;
		case G_TYPE_STRING:
			jw_string(w, json_node_get_string(n));
			break;
		default: {
			char buf[G_ASCII_DTOSTR_BUF_SIZE];
			jw_number_text(w, g_ascii_dtostr(buf, sizeof buf, json_node_get_double(n)));
			break;
		}
		}
		break;
	}
}

bool
dm_report_merged_json(FILE *out, JsonNode *doc)
{
	jw w;
	jw_init(&w, out, true);
	write_node(&w, doc, false);
	return fflush(out) == 0 && !ferror(out);
}
