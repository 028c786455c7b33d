/* cli-options.c - what every command line of demuxsim (the main one and
 * its subcommands) does alike: parse its options with GOptionContext and
 * report a usage error in one line.
 */
#include "config.h"

#include "cli-int.h"

bool
dm_cli_parse_options(const char *prgname, const char *summary, const char *description,
                     const char *try_hint, const GOptionEntry *const *tables,
                     int *argc, char ***argv)
{
	GError *err = NULL;

	if (prgname)
		g_set_prgname(prgname);
	GOptionContext *ctx = g_option_context_new(NULL);
	g_option_context_set_summary(ctx, summary);
	g_option_context_set_description(ctx, description);
	for (const GOptionEntry *const *t = tables; *t; t++)
		g_option_context_add_main_entries(ctx, *t, NULL);
	bool parsed = g_option_context_parse(ctx, argc, argv, &err);
	g_option_context_free(ctx);
	if (!parsed) {
		g_printerr("%s: %s (try %s)\n", prgname ? prgname : "demuxsim", err->message,
		           try_hint);
		g_error_free(err);
	}
	return parsed;
}
