/* report-errors.c - the lines a run writes on standard error (see
 * report-errors.h). */
#include "config.h"

#include <glib.h>

#include "demuxsim/report-errors.h"
#include "demuxsim/report.h"

void
dm_report_input_error(const char *path, uint64_t frame, const char *msg)
{
	if (!path)
		g_printerr("demuxsim: %s\n", msg);
	else if (frame)
		g_printerr("demuxsim: %s: frame %" G_GUINT64_FORMAT ": %s\n", path, frame, msg);
	else
		g_printerr("demuxsim: %s: %s\n", path, msg);
}

int
dm_report_interrupted(int sig, uint64_t frame)
{
	char name[16];
	g_printerr("demuxsim: interrupted by %s after frame %" G_GUINT64_FORMAT "\n",
	           dm_report_signal_name(sig, name), frame);
	return 128 + sig;
}
