/* demux-declare-int.h - declared sockets from a key file (not installed). */
#ifndef DEMUXSIM_DEMUX_DECLARE_H
#define DEMUXSIM_DEMUX_DECLARE_H

#include "demux-table-int.h"

bool dm_declare_from_file(dm_tables *t, const char *path, GError **error);
/* The same from the key-file @text (NUL-terminated). */
bool dm_declare_from_data(dm_tables *t, const char *text, GError **error);

#endif
