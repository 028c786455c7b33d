/* json-writer.h - a small streaming JSON writer for the report (not
 * installed).  Reports with hundreds of thousands of sockets are written
 * directly instead of through a document tree. */
#ifndef DEMUXSIM_JSON_WRITER_H
#define DEMUXSIM_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 16

typedef struct {
	FILE *out;
	int depth;
	bool pretty;
	bool has_items[JW_MAX_DEPTH];
	bool after_key;
} jw;

void jw_init(jw *w, FILE *out, bool pretty);
void jw_begin_object(jw *w);
void jw_end_object(jw *w);
void jw_begin_array(jw *w);
void jw_end_array(jw *w);
void jw_key(jw *w, const char *key);
void jw_string(jw *w, const char *s);  /* NULL writes null */
void jw_int(jw *w, int64_t v);
void jw_uint(jw *w, uint64_t v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
void jw_number_text(jw *w, const char *text); /* a number already formatted */
/* @whole, a point and @frac in at least @digits digits (zero-padded,
 * as printf's %0*u): a time. */
void jw_fixed(jw *w, int64_t whole, uint32_t frac, int digits);

#endif
