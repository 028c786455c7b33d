/* report-errors.h - the lines a run writes on standard error: an input
 * error naming the file (and the frame), and the end of a run a signal
 * stopped.
 */
#ifndef DEMUXSIM_REPORT_ERRORS_H
#define DEMUXSIM_REPORT_ERRORS_H

#include <stdbool.h>
#include <stdint.h>

/**
 * dm_report_input_error: "demuxsim: PATH: frame N: MSG" on standard
 * error (without the frame when @frame is 0, without the path when @path
 * is NULL).
 */
void dm_report_input_error(const char *path, uint64_t frame, const char *msg);

/**
 * dm_report_errors_hold: from now on the lines of dm_report_input_error()
 * are kept, not written, until dm_report_errors_release() (a pass that
 * may be made again: its errors are written once).
 */
void dm_report_errors_hold(void);

/**
 * dm_report_errors_release: write the lines kept since
 * dm_report_errors_hold() when @write (else forget them), and write each
 * one at once again.
 */
void dm_report_errors_release(bool write);

/**
 * dm_report_interrupted: "demuxsim: interrupted by SIGNAL after frame N"
 * on standard error.
 * Returns: the exit status of a run signal @sig ended, 128 + @sig.
 */
int dm_report_interrupted(int sig, uint64_t frame);

#endif
