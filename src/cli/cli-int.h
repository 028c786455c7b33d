/* cli-int.h - the command line's checksum workbench (not installed): the
 * --explain mode and the `demuxsim checksum` subcommand.  Exit statuses
 * as main.c's: 0 done, 1 input error, 2 usage error.
 */
#ifndef DEMUXSIM_CLI_H
#define DEMUXSIM_CLI_H

#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "demuxsim/report.h"
#include "demuxsim/run.h"   /* the exit statuses */

/* Keep the option table @v (a NULL-terminated array of GOptionEntry made
 * in a function, its arg_data pointing into the caller's options) in the
 * static table @e, at least as large, and give it: the parse reads it
 * after that function returned. */
#define DM_CLI_KEEP_ENTRIES(e, v) \
	(G_STATIC_ASSERT_EXPR(sizeof(v) <= sizeof(e)), memcpy((e), (v), sizeof(v)), \
	 (const GOptionEntry *)(e))

/* Parse @argc/@argv against the option @tables (a NULL-terminated list of
 * entry tables) under @prgname (set as GLib's program name unless NULL),
 * with @summary and @description for --help.  A usage error is printed
 * as "PRGNAME: MESSAGE (try TRY_HINT)".
 * Returns: whether the options parsed. */
bool dm_cli_parse_options(const char *prgname, const char *summary, const char *description,
                          const char *try_hint, const GOptionEntry *const *tables,
                          int *argc, char ***argv);

/* The --explain options, filled by GOptionContext. */
typedef struct {
	gchar *frames;      /* --explain FRAME[,FRAME|-FRAME...] */
	gboolean full;      /* --explain-full: every payload word */
	gboolean ip;        /* --explain-ip: the IPv4 header checksum too */
} dm_cli_explain_opts;

/* Whether any --explain option was given. */
bool dm_cli_explain_wanted(const dm_cli_explain_opts *xo);

/* Explain the chosen frames of the captures @files (@n of them, "-" for
 * standard input; frames numbered across them) in @fmt.
 * Returns: the exit status. */
int dm_cli_explain(const dm_cli_explain_opts *xo, dm_format fmt,
                   const char *const *files, size_t n);

/* `demuxsim checksum ARGS`: @argv[0] is "checksum".
 * Returns: the exit status. */
int dm_cli_checksum(int argc, char **argv);

/* `demuxsim merge [-o FILE] A.json B.json ...`: @argv[0] is "merge".
 * Returns: the exit status. */
int dm_cli_merge(int argc, char **argv);

/* `demuxsim partition -N N -o DIR FILES...`: @argv[0] is "partition".
 * Returns: the exit status. */
int dm_cli_partition(int argc, char **argv);

#endif
