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
#include <string.h>

#include "report-format-int.h"

#define JW_MAX_DEPTH 16
#define JW_BUF_SIZE 65536
/* Room enough for any piece written without a length check of its own:
 * a separator, a newline with the deepest indentation (32 bytes), and a
 * key of jw_key_quoted() (up to 62) or a value of jw_value_begin(). */
#define JW_PIECE_MAX 96
/* The most a value written at jw_value_begin() may take. */
#define JW_VALUE_MAX (JW_PIECE_MAX - 2 * JW_MAX_DEPTH - 2)

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
/* jw_key_quoted() for a key longer than JW_VALUE_MAX. */
void jw_key_long(jw *w, const char *quoted, size_t n);
void jw_string(jw *w, const char *s);  /* NULL writes null */
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
void jw_number_text(jw *w, const char *text); /* a number already formatted */
/* @whole, a point and @frac in at least @digits (at most 10) digits
 * (zero-padded, as printf's %0*u), as dm_fmt_fixed() writes it. */
void jw_fixed(jw *w, int64_t whole, uint32_t frac, int digits);
/* A capture time, as dm_fmt_time() writes it: @frac is nanoseconds when
 * @nano, else microseconds. */
void jw_time(jw *w, int64_t sec, uint32_t frac, bool nano);

/* --- Inline: the pieces a report of millions of values writes most ----- */

/* Make room for @n bytes (at most JW_PIECE_MAX, or any when the buffer
 * is flushed first). */
static inline char *
jw_room(jw *w, size_t n)
{
	if (w->len + n > sizeof w->buf)
		jw_flush(w);
	return w->buf + w->len;
}

/* A newline and the indentation of @depth at @p; returns the end.  The
 * copy is of a fixed size (cheaper than one of the exact size). */
static inline char *
jw_newline(char *p, int depth)
{
	static const char spaces[2 * JW_MAX_DEPTH] = "\n                              ";
	memcpy(p, spaces, sizeof spaces);
	return p + 1 + 2 * depth;
}

/* The separator and indentation before a key or an array element,
 * written at @p (JW_PIECE_MAX bytes of room); returns the end. */
static inline char *
jw_item(jw *w, char *p)
{
	if (w->after_key) {
		w->after_key = false;
		return p;
	}
	if (w->depth > 0) {
		if (w->has_items[w->depth])
			*p++ = ',';
		w->has_items[w->depth] = true;
		if (w->pretty)
			p = jw_newline(p, w->depth);
	}
	return p;
}

/* A key given with its quotes, @n bytes, that needs no escaping; a
 * constant @n makes the copy a few moves. */
static inline void
jw_key_quoted(jw *w, const char *quoted, size_t n)
{
	if (n > JW_VALUE_MAX) {
		jw_key_long(w, quoted, n);
		return;
	}
	char *p = jw_item(w, jw_room(w, JW_PIECE_MAX));
	memcpy(p, quoted, n);
	p += n;
	*p++ = ':';
	if (w->pretty)
		*p++ = ' ';
	w->len = (size_t)(p - w->buf);
	w->after_key = true;
}

/* A key that is a string literal needing no escaping: no scan for it. */
#define jw_key_lit(w, key) jw_key_quoted((w), "\"" key "\"", sizeof(key) + 1)

/* Where a value of at most JW_VALUE_MAX bytes, written by the caller,
 * goes (after its separator); jw_value_end() takes where it ends. */
static inline char *
jw_value_begin(jw *w)
{
	return jw_item(w, jw_room(w, JW_PIECE_MAX));
}

static inline void
jw_value_end(jw *w, char *end)
{
	w->len = (size_t)(end - w->buf);
	if (w->depth == 0)
		jw_flush(w);
}

static inline void
jw_uint(jw *w, uint64_t v)
{
	jw_value_end(w, dm_fmt_u64(jw_value_begin(w), v));
}

static inline void
jw_int(jw *w, int64_t v)
{
	char *p = jw_value_begin(w);
	if (v < 0)
		*p++ = '-';
	jw_value_end(w, dm_fmt_u64(p, v < 0 ? -(uint64_t)v : (uint64_t)v));
}

/* A string of at most JW_VALUE_MAX - 2 bytes known to need no escaping
 * (names from the program's own tables, addresses it formatted). */
static inline void
jw_string_plain(jw *w, const char *s)
{
	size_t n = strlen(s);
	char *p = jw_value_begin(w);
	*p++ = '"';
	memcpy(p, s, n);
	p += n;
	*p++ = '"';
	jw_value_end(w, p);
}

#endif
