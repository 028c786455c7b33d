/* split.h - write the frames delivered to each socket into a pcap file of
 * its own (--split DIR).
 */
#ifndef DEMUXSIM_SPLIT_H
#define DEMUXSIM_SPLIT_H

#include <glib.h>
#include <stdint.h>

#include "demuxsim/demux.h"

typedef struct dm_split dm_split;

/**
 * dm_split_new: prepare to split into directory @dir (created if missing).
 * Returns: the splitter, or NULL with @error set.
 */
dm_split *dm_split_new(const char *dir, GError **error);

/**
 * dm_split_note: remember that frame @frame (numbered across the inputs)
 * was delivered to socket @s.
 */
void dm_split_note(dm_split *sp, uint64_t frame, const dm_socket *s);

/**
 * dm_split_write: read the @n capture files @paths again (the same inputs,
 * in the same order, @frames frames in all) and write each noted frame to
 * its socket's file, named "ID-PROTO-LOCAL-PORT[-REMOTE-PORT].pcap".
 * An input that cannot be opened, or is of an unsupported link type,
 * contributed no frames and is skipped (a path "" too).
 * Returns: false with @error set when a file cannot be written, or when
 * noted frames could not be read again.
 */
gboolean dm_split_write(dm_split *sp, const char *const *paths, guint n,
                        uint64_t frames, GError **error);

/**
 * dm_split_free: free @sp (NULL is ignored).
 */
void dm_split_free(dm_split *sp);

#endif /* DEMUXSIM_SPLIT_H */
