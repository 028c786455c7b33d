/* dump.h - writing frames to a pcap file (-w), as they are processed. */
#ifndef DEMUXSIM_DUMP_H
#define DEMUXSIM_DUMP_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/capture.h"

typedef struct dm_dump dm_dump;

/**
 * dm_dump_open: create the pcap file @path ("-" for standard output)
 * for frames of link type @dlt, snapshot length @snaplen, with
 * nanosecond timestamps when @nano.
 * Returns: the writer, or NULL with @error set.
 */
dm_dump *dm_dump_open(const char *path, int dlt, int snaplen, bool nano,
                      GError **error);

/**
 * dm_dump_write: append record @rec (fraction at the file's precision).
 */
void dm_dump_write(dm_dump *d, const dm_record *rec);

/**
 * dm_dump_close: flush and close @d (NULL is ignored).
 * Returns: false with @error set when the file could not be completed.
 */
bool dm_dump_close(dm_dump *d, GError **error);

/**
 * dm_dump_set_packet_buffered: with @on, every dumper of the process
 * flushes each frame to its file as it is written (tcpdump -U).
 */
void dm_dump_set_packet_buffered(bool on);

#endif /* DEMUXSIM_DUMP_H */
