/* report-progress.c - the progress line on standard error: frames read,
 * the part of the file, the rate and the time left, redrawn in place
 * with a carriage return and erased at the end; and the line naming a
 * slow step (the HTML page, the diagram) while it runs.
 */
#include "config.h"

#include <glib.h>

#include "demuxsim/report.h"

static void
human(char *buf, size_t size, double v)
{
	if (v >= 1e6)
		g_snprintf(buf, size, "%.1fM", v / 1e6);
	else if (v >= 1e4)
		g_snprintf(buf, size, "%.0fk", v / 1e3);
	else
		g_snprintf(buf, size, "%.0f", v);
}

void
dm_report_progress(FILE *err, const char *name, uint64_t frames, uint64_t done,
                   uint64_t total, double seconds)
{
	char f[32], r[32];
	human(f, sizeof f, (double)frames);
	human(r, sizeof r, seconds > 0 ? (double)frames / seconds : 0);
	fprintf(err, "\r%s: %s frames", name, f);
	if (total && done <= total) {
		double part = (double)done / (double)total;
		fprintf(err, ", %.0f%%", part * 100);
		double left = part > 0 ? seconds * (1 - part) / part : 0;
		if (part > 0.01 && seconds > 0)
			fprintf(err, ", %s frames/s, about %.*f s left", r, left < 10 ? 1 : 0, left);
	} else {
		fprintf(err, ", %s frames/s", r);
	}
	fputs("\033[K", err);
	fflush(err);
}

void
dm_report_progress_step(FILE *err, const char *what, double seconds)
{
	fprintf(err, "\r%s (%.0f s)\033[K", what, seconds);
	fflush(err);
}

void
dm_report_progress_clear(FILE *err)
{
	fputs("\r\033[K", err);
	fflush(err);
}
