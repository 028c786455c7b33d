/* cli-merge.c - `demuxsim merge [-o FILE] A.json B.json ...`: combine the
 * JSON reports of every shard of one run (demuxsim --shard K/N -q
 * --format json) into the report of the whole run.
 */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>

#include "cli-int.h"
#include "demuxsim/merge.h"


static const char *const description =
	"Reads the JSON reports of the N shards of one run, made with\n"
	"demuxsim --shard K/N -q --format json and otherwise the same options\n"
	"and captures, and writes the report of the whole run, as\n"
	"demuxsim -q --format json would have written it.\n"
	"\n"
	"Exit status: 0 done; 1 input error (unreadable or not a shard report,\n"
	"shards of different runs or versions, a shard missing or given twice,\n"
	"output not written); 2 usage error.";

int
dm_cli_merge(int argc, char **argv)
{
	gchar *output = NULL;
	gchar **files = NULL;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "Write the merged report to FILE (default: standard output)", "FILE" },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files,
		  NULL, "SHARD.json..." },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	GError *err = NULL;
	int status = DM_EXIT_DONE;
	char *warning = NULL;
	JsonNode *doc = NULL;

	const GOptionEntry *tables[] = { entries, NULL };
	if (!dm_cli_parse_options("demuxsim merge",
	                          "Merge the reports of a run's shards (demuxsim merge).",
	                          description, "demuxsim merge --help", tables, &argc, &argv)) {
		status = DM_EXIT_USAGE;
		goto out;
	}
	if (!files || !*files) {
		g_printerr("demuxsim merge: no shard report given (try demuxsim merge --help)\n");
		status = DM_EXIT_USAGE;
		goto out;
	}
	doc = dm_merge_shards((const char *const *)files, g_strv_length(files), &warning, &err);
	if (!doc) {
		g_printerr("demuxsim merge: %s\n", err->message);
		g_error_free(err);
		status = DM_EXIT_INPUT;
		goto out;
	}
	if (warning)
		g_printerr("demuxsim merge: warning: %s\n", warning);
	FILE *out = output ? fopen(output, "w") : stdout;
	if (!out) {
		g_printerr("demuxsim merge: %s: %s\n", output, g_strerror(errno));
		status = DM_EXIT_INPUT;
		goto out;
	}
	bool written = dm_report_merged_json(out, doc);
	if ((output && fclose(out) != 0) || !written) {
		g_printerr("demuxsim merge: %s: cannot write the report\n",
		           output ? output : "standard output");
		status = DM_EXIT_INPUT;
	}
out:
	if (doc)
		json_node_unref(doc);
	g_free(warning);
	g_free(output);
	g_strfreev(files);
	return status;
}
