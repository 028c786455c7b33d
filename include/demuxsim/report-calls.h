/* report-calls.h - the socket calls in the report: a per-host list after
 * the tables (text), a "calls" member per host (the JSON document), a
 * per-host section of the HTML page, and the ladder of one connection as
 * the whole output (--ladder).
 */
#ifndef DEMUXSIM_REPORT_CALLS_H
#define DEMUXSIM_REPORT_CALLS_H

#include <stddef.h>

#include "demuxsim/calls.h"
#include "demuxsim/report.h"

enum {
	DM_REPORT_CALLS_LIST = 1 << 0,   /* --calls: the list in the report */
	DM_REPORT_CALLS_LADDER = 1 << 1, /* --ladder: the SVG is the output */
};

/**
 * dm_report_set_calls: report the calls recorded in @calls (not owned;
 * it must outlive the report's summary) as @what (DM_REPORT_CALLS_ flags);
 * the HTML page shows them whenever they are set.
 */
void dm_report_set_calls(dm_report *rep, const dm_calls *calls, unsigned what);

/**
 * dm_report_call_text: what @call says, as its program would have
 * written it ("socket(SOCK_STREAM) bind(10.0.0.7:80) listen()",
 * "accept() -> socket 6 for 10.0.0.2:41001", "recv() 500 bytes").
 * Returns: a new string.
 */
char *dm_report_call_text(const dm_call *call);

/**
 * dm_report_call_why: why it is inferred and how sure: "frame 3: first
 * SYN to the port: listening before it; assumed".
 * Returns: a new string.
 */
char *dm_report_call_why(const dm_call *call);

#endif /* DEMUXSIM_REPORT_CALLS_H */
