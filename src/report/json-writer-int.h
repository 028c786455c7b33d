/* json-writer-int.h - a small streaming JSON writer for the report (not
 * installed).  Reports with hundreds of thousands of sockets are written
 * directly instead of through a document tree.
 *
 * The writer collects its output in its own buffer and hands it to the
 * stream when the buffer fills, when the outermost value is complete and
 * on jw_flush(); nothing else may write to the stream in between. */
#ifndef DEMUXSIM_JSON_WRITER_H
#define DEMUXSIM_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 16
#define JW_BUF_SIZE 65536

typedef struct {
	FILE *out;
	int depth;
	bool pretty;
	bool has_items[JW_MAX_DEPTH];
	bool after_key;
	size_t len;             /* bytes in buf not yet written to out */
	char buf[JW_BUF_SIZE];
} jw;

void jw_init(jw *w, FILE *out, bool pretty);
/* Write what the writer holds to its stream (not flushing the stream). */
void jw_flush(jw *w);
void jw_begin_object(jw *w);
void jw_end_object(jw *w);
void jw_begin_array(jw *w);
void jw_end_array(jw *w);
void jw_key(jw *w, const char *key);
/* A key given with its quotes, @n bytes, that needs no escaping. */
void jw_key_quoted(jw *w, const char *quoted, size_t n);
/* A key that is a string literal needing no escaping: no scan for it. */
#define jw_key_lit(w, key) jw_key_quoted((w), "\"" key "\"", sizeof(key) + 1)
void jw_string(jw *w, const char *s);  /* NULL writes null */
void jw_int(jw *w, int64_t v);
void jw_uint(jw *w, uint64_t v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
void jw_number_text(jw *w, const char *text); /* a number already formatted */
/* @whole, a point and @frac in at least @digits (at most 10) digits
 * (zero-padded, as printf's %0*u), as dm_fmt_fixed() writes it. */
void jw_fixed(jw *w, int64_t whole, uint32_t frac, int digits);
/* A capture time, as dm_fmt_time() writes it: @frac is nanoseconds when
 * @nano, else microseconds. */
void jw_time(jw *w, int64_t sec, uint32_t frac, bool nano);

#endif
