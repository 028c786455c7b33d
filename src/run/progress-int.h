/* progress-int.h - the progress line of a file run (progress.c; not
 * installed).  Every function takes NULL for "no progress line". */
#ifndef DEMUXSIM_PROGRESS_INT_H
#define DEMUXSIM_PROGRESS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/capture.h"

typedef struct dm_progress dm_progress;

/* A progress line on standard error (the caller knows it is a terminal). */
dm_progress *dm_progress_new(void);

/* The frames that follow come from input @name (borrowed). */
void dm_progress_begin_input(dm_progress *p, const char *name);

/* dm_progress_frame's work, on a progress line. */
void dm_progress_count(dm_progress *p, const dm_capture *cap);

/* One more frame read from @cap: the line is redrawn a few times a
 * second. */
static inline void
dm_progress_frame(dm_progress *p, const dm_capture *cap)
{
	if (p)
		dm_progress_count(p, cap);
}

/* The input has ended: the line is erased. */
void dm_progress_end_input(dm_progress *p);

/* A step that may be slow begins (@what: "writing the HTML report F"):
 * named on the line once it has run a second. */
void dm_progress_step_begin(dm_progress *p, const char *what);

/* It has ended: the line is erased. */
void dm_progress_step_end(dm_progress *p);

void dm_progress_free(dm_progress *p);

#endif
