/* report-ladder.h - one TCP connection drawn as a ladder (sequence)
 * diagram in SVG: its two ends as lifelines, every segment an arrow
 * between them, each end's TCP state and socket calls beside its line.
 */
#ifndef DEMUXSIM_REPORT_LADDER_H
#define DEMUXSIM_REPORT_LADDER_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/calls.h"

/**
 * dm_report_ladder_svg: append to @out the ladder of @l as SVG: with
 * @standalone an XML declaration and a whole document (a .svg file),
 * without it an inline <svg> element (with its xmlns) for an HTML page.
 * The element has class "dm-ladder"; each segment's group has id
 * "seg-FRAME".  The height grows with the rows, the width is fixed, and
 * the same ladder always gives the same bytes.  A ladder not found draws
 * a small picture saying "no such connection".
 */
void dm_report_ladder_svg(GString *out, const dm_ladder *l, bool standalone);

#endif /* DEMUXSIM_REPORT_LADDER_H */
