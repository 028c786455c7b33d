/* run-int.h - the inputs of a file run, shared by files.c and spool.c
 * (not installed). */
#ifndef DEMUXSIM_RUN_INT_H
#define DEMUXSIM_RUN_INT_H

#include <glib.h>
#include <stdbool.h>

typedef struct {
	const char *name;   /* as given ("-" for standard input) */
	char *path;         /* what is opened */
	bool temporary;     /* a spool: @path is its descriptor's /dev/fd/N,
	                     * or its name when /dev/fd is missing */
	bool named;         /* the spool's name is still to be removed */
	int fd;             /* the spool's descriptor, with temporary */
	bool failed;        /* could not be spooled: skipped */
	bool cut;           /* its spooling ended by a signal: the last record
	                     * may be cut, which is its end, not an error */
	bool unread;        /* a signal came before it was read: skipped */
} dm_run_input;

/* Spool the streams among @inputs (GArray of dm_run_input) to temporary
 * files so that they can be read twice.  A signal meanwhile ends the
 * input there: the inputs before it, and what was spooled, are processed
 * (a second signal now ends the process); those after it are not read.
 * *@stopped is set to that signal.
 * Returns: false when a stream could not be spooled (reported). */
bool dm_run_spool_streams(GArray *inputs, int *stopped);

/* The temporary file @name (taken), open as @fd, by its descriptor
 * (/dev/fd/N) with its name removed, when that can be read back; else by
 * @name, and *@named is set: the caller removes it at the end.
 * Returns: the path to read it by (g_free it). */
char *dm_run_spool_unlink(int fd, char *name, bool *named);

/* Remove and close the spools among @inputs. */
void dm_run_spools_clear(GArray *inputs);

#endif
