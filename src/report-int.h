/* report-int.h - the state shared by the report's trace and table
 * writers (not installed). */
#ifndef DEMUXSIM_REPORT_INT_H
#define DEMUXSIM_REPORT_INT_H

#include "demuxsim/report.h"

struct dm_report {
	FILE *out;
	dm_format fmt;
	unsigned flags;
	bool nano;
	GPtrArray *files;
	GArray *view;          /* dm_view_host: hosts to show, empty = all */
};

typedef struct {
	uint8_t family;
	uint8_t addr[16];
} dm_view_host;

bool dm_report_host_visible(const dm_report *rep, const dm_host *h);
void dm_report_write_time(const dm_report *rep, int64_t sec, uint32_t frac);

#endif
