/* shardrun.h - what test-shard and test-partition share: running
 * demuxsim and merge, files in a work directory, reports parsed.
 * Everything is static G_GNUC_UNUSED so each test program uses what it needs.
 */
#ifndef DEMUXSIM_TEST_SHARDRUN_H
#define DEMUXSIM_TEST_SHARDRUN_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <string.h>
#include "testrun.h"

static gchar *tool_path, *benchgen_path, *srcdir, *workdir;

typedef struct {
	int status;
	gchar *out, *err;
} run_result;

static G_GNUC_UNUSED void
run_clear(run_result *r)
{
	g_free(r->out);
	g_free(r->err);
}

/* Run demuxsim with @args (NULL-terminated), output to @out when given. */
static G_GNUC_UNUSED run_result
run(const char *const *args, const char *out)
{
	run_result r = { 0 };
	GError *err = NULL;
	r.status = tr_run(srcdir, tool_path, args, &r.out, &r.err);
	if (out && !g_file_set_contents(out, r.out, -1, &err))
		g_error("%s", err->message);
	return r;
}

static G_GNUC_UNUSED gchar *
work_file(const char *name)
{
	return g_build_filename(workdir, name, NULL);
}

/* @extra split into @args (empty words left out). */
static G_GNUC_UNUSED void
add_words(GPtrArray *args, gchar **words)
{
	for (gchar **e = words; *e; e++)
		if (**e)
			g_ptr_array_add(args, *e);
}

static G_GNUC_UNUSED run_result
merge(gchar **paths)
{
	GPtrArray *args = g_ptr_array_new();
	g_ptr_array_add(args, "merge");
	for (gchar **p = paths; *p; p++)
		g_ptr_array_add(args, *p);
	g_ptr_array_add(args, NULL);
	run_result r = run((const char *const *)args->pdata, NULL);
	g_ptr_array_unref(args);
	return r;
}

/* @text parsed, without the members @drop (NULL-terminated) of the
 * document. */
static G_GNUC_UNUSED JsonNode *
parse_without(const char *text, const char *const *drop)
{
	JsonParser *p = json_parser_new();
	GError *err = NULL;
	if (!json_parser_load_from_data(p, text, -1, &err))
		g_error("%s", err->message);
	JsonNode *n = json_node_copy(json_parser_get_root(p));
	g_object_unref(p);
	for (const char *const *d = drop; d && *d; d++)
		json_object_remove_member(json_node_get_object(n), *d);
	return n;
}

static G_GNUC_UNUSED bool
under_valgrind(void)
{
	return g_getenv("DEMUXSIM_VALGRIND_TOOL") != NULL;
}

static G_GNUC_UNUSED gint
path_order(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#endif
