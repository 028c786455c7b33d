/* report-errors.c - the lines a run writes on standard error (see
 * report-errors.h). */
#include "config.h"

#include <glib.h>

#include "demuxsim/report-errors.h"
#include "demuxsim/report.h"

/* The lines kept (dm_report_errors_hold), or NULL: written at once.
 * Only the thread that runs the report writes them. */
static GString *held;

void
dm_report_input_error(const char *path, uint64_t frame, const char *msg)
{
	GString *line = g_string_new("demuxsim: ");
	if (path)
		g_string_append_printf(line, "%s: ", path);
	if (path && frame)
		g_string_append_printf(line, "frame %" G_GUINT64_FORMAT ": ", frame);
	g_string_append_printf(line, "%s\n", msg);
	if (held)
		g_string_append_len(held, line->str, (gssize)line->len);
	else
		g_printerr("%s", line->str);
	g_string_free(line, TRUE);
}

void
dm_report_errors_hold(void)
{
	if (!held)
		held = g_string_new(NULL);
}

void
dm_report_errors_release(bool write)
{
	if (!held)
		return;
	if (write && held->len)
		g_printerr("%s", held->str);
	g_string_free(held, TRUE);
	held = NULL;
}

int
dm_report_interrupted(int sig, uint64_t frame)
{
	char name[16];
	g_printerr("demuxsim: interrupted by %s after frame %" G_GUINT64_FORMAT "\n",
	           dm_report_signal_name(sig, name), frame);
	return 128 + sig;
}
