/* report-explain-int.h - the parts of the explanation writer kept in
 * their own files.
 */
#ifndef DEMUXSIM_REPORT_EXPLAIN_INT_H
#define DEMUXSIM_REPORT_EXPLAIN_INT_H

#include <stdio.h>

#include "demuxsim/explain.h"

/* Write the running sum of @x again in binary: every word added under
 * the sum so far, the raw result, and the end-around carry folded back
 * in ("wraparound"), then the sum and its complement. */
void dm_xreport_binary_text(FILE *out, const dm_explain *x);

#endif /* DEMUXSIM_REPORT_EXPLAIN_INT_H */
