/* frames.h - the decoded frames of a capture, in capture order, decoded
 * on worker threads when asked.
 *
 * A dm_frames reads its capture's records and decodes each one (link, IP,
 * UDP/TCP, checksum) ahead of the caller: with one thread, in the
 * caller's own; with N, one thread reads the records and N - 1 (the
 * reader among them when N is 2) decode them in batches, while the caller
 * takes them in capture order.  Decoding is a function of a record's bytes
 * alone, so the frames are the same whatever the number of threads.
 */
#ifndef DEMUXSIM_FRAMES_H
#define DEMUXSIM_FRAMES_H

#include <glib.h>
#include <stdbool.h>

#include "demuxsim/capture.h"
#include "demuxsim/packet.h"

typedef struct dm_frames dm_frames;

/* How much of each frame to decode. */
typedef enum {
	DM_FRAMES_FULL,      /* dm_decode_frame(): with the checksums */
	DM_FRAMES_HEADERS,   /* dm_decode_frame_headers(): no checksum */
} dm_frames_depth;

/* Text made for a frame on a decoding thread (the start of its trace
 * line, say): written into @buf (@size bytes) for the frame with 1-based
 * @index in the capture; returns its length, 0 for none.  Called on other
 * threads than the caller's. */
typedef size_t (*dm_frames_text_fn)(void *ctx, uint64_t index, const dm_record *rec,
                                    dm_frame_status st, const dm_packet *pkt,
                                    char *buf, size_t size);

/* The room a dm_frames_text_fn has for one frame. */
#define DM_FRAMES_TEXT_MAX 1024

/* The most threads a dm_frames uses. */
#define DM_FRAMES_MAX_THREADS 64

/**
 * dm_frames_new: decode the records of @cap (which the dm_frames then
 * owns, and closes) to @depth on @threads threads in all (1 to
 * DM_FRAMES_MAX_THREADS; 1 starts none).  With more than one thread and
 * a @text function, each decoded frame's text is also made there (@ctx
 * must outlive the dm_frames).
 * Returns: a new dm_frames.
 */
dm_frames *dm_frames_new(dm_capture *cap, dm_frames_depth depth, unsigned threads,
                         dm_frames_text_fn text, void *ctx);

/**
 * dm_frames_next: the next frame in capture order.  @rec, @st and @pkt
 * stay valid until the next call; the caller may change *@pkt (to put a
 * reassembled datagram in its place, say).
 * Returns: 1 for a frame, 0 at a clean end of the capture, -1 on an error
 * (truncated or damaged file) with @error set, after every frame before
 * the damaged record.
 */
int dm_frames_next(dm_frames *fr, const dm_record **rec, dm_frame_status *st,
                   dm_packet **pkt, GError **error);

/**
 * dm_frames_text: the text made for the frame dm_frames_next() gave last.
 * Returns: it (valid as that frame is), and its length in @len; 0 when
 * none was made.
 */
const char *dm_frames_text(const dm_frames *fr, size_t *len);

/**
 * dm_frames_free: stop reading, join the threads and close the capture.
 */
void dm_frames_free(dm_frames *fr);

#endif /* DEMUXSIM_FRAMES_H */
