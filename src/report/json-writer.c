/* json-writer.c - streaming JSON output (RFC 8259).  json-glib's builder
 * and generator took 3.5 s and most of it in malloc/free for a report of
 * 200,000 sockets; writing directly takes a fraction of that.  The writer
 * formats into its own buffer (stdio's per-call work was a large share of
 * the report's time) and formats integers itself (printf's format parsing
 * was a fifth of it).  Keys given as literals skip the escape scan. */
#include "config.h"

#include <string.h>

#include "json-writer-int.h"
#include "report-format-int.h"

void
jw_init(jw *w, FILE *out, bool pretty)
{
	w->out = out;
	w->depth = 0;
	w->pretty = pretty;
	w->has_items[0] = false;
	w->after_key = false;
	w->len = 0;
}

void
jw_flush(jw *w)
{
	if (w->len)
		fwrite(w->buf, 1, w->len, w->out);
	w->len = 0;
}

static void
put(jw *w, const char *s, size_t n)
{
	if (n > sizeof w->buf / 2) {
		jw_flush(w);
		fwrite(s, 1, n, w->out);
		return;
	}
	memcpy(jw_room(w, n), s, n);
	w->len += n;
}

static inline void
put_c(jw *w, char c)
{
	*jw_room(w, 1) = c;
	w->len++;
}

/* The end of a value: the whole document when it is the outermost. */
static inline void
done(jw *w)
{
	if (w->depth == 0)
		jw_flush(w);
}

/* jw_item() into the buffer. */
static inline void
begin_item(jw *w)
{
	char *p = jw_room(w, JW_PIECE_MAX);
	w->len = (size_t)(jw_item(w, p) - w->buf);
}

static void
open_(jw *w, char c)
{
	char *p = jw_item(w, jw_room(w, JW_PIECE_MAX));
	*p++ = c;
	w->len = (size_t)(p - w->buf);
	if (w->depth + 1 < JW_MAX_DEPTH)
		w->depth++;
	w->has_items[w->depth] = false;
}

static void
close_(jw *w, char c)
{
	bool had = w->has_items[w->depth];
	char *p = jw_room(w, JW_PIECE_MAX);
	if (w->depth > 0)
		w->depth--;
	if (had && w->pretty)
		p = jw_newline(p, w->depth);
	*p++ = c;
	if (w->depth == 0 && w->pretty)
		*p++ = '\n';
	w->len = (size_t)(p - w->buf);
	done(w);
}

void jw_begin_object(jw *w) { open_(w, '{'); }
void jw_end_object(jw *w) { close_(w, '}'); }
void jw_begin_array(jw *w) { open_(w, '['); }
void jw_end_array(jw *w) { close_(w, ']'); }

/* Bytes that stop the copy of a string: those escaped, and its end. */
static const bool stops[256] = {
	[0x00] = true, [0x01] = true, [0x02] = true, [0x03] = true,
	[0x04] = true, [0x05] = true, [0x06] = true, [0x07] = true,
	[0x08] = true, [0x09] = true, [0x0a] = true, [0x0b] = true,
	[0x0c] = true, [0x0d] = true, [0x0e] = true, [0x0f] = true,
	[0x10] = true, [0x11] = true, [0x12] = true, [0x13] = true,
	[0x14] = true, [0x15] = true, [0x16] = true, [0x17] = true,
	[0x18] = true, [0x19] = true, [0x1a] = true, [0x1b] = true,
	[0x1c] = true, [0x1d] = true, [0x1e] = true, [0x1f] = true,
	['"'] = true, ['\\'] = true,
};

/* @s in quotes, with '"', '\\' and control characters escaped. */
static void
escaped(jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	put_c(w, '"');
	for (;;) {
		const char *run = s;
		while (!stops[(unsigned char)*s])
			s++;
		put(w, run, (size_t)(s - run));
		unsigned char c = (unsigned char)*s;
		if (c == '\0')
			break;
		char e[6] = { '\\', (char)c };
		size_t n = 2;
		switch (c) {
		case '"': case '\\': break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			n = 6;
		}
		put(w, e, n);
		s++;
	}
	put_c(w, '"');
}

static inline void
key_end(jw *w)
{
	if (w->pretty)
		put(w, ": ", 2);
	else
		put_c(w, ':');
	w->after_key = true;
}

void
jw_key(jw *w, const char *key)
{
	begin_item(w);
	escaped(w, key);
	key_end(w);
}

void
jw_key_long(jw *w, const char *quoted, size_t n)
{
	begin_item(w);
	put(w, quoted, n);
	key_end(w);
}

void
jw_string(jw *w, const char *s)
{
	begin_item(w);
	if (s)
		escaped(w, s);
	else
		put(w, "null", 4);
	done(w);
}

void
jw_fixed(jw *w, int64_t whole, uint32_t frac, int digits)
{
	char *p = jw_item(w, jw_room(w, JW_PIECE_MAX));
	p = dm_fmt_fixed(p, whole, frac, digits);
	w->len = (size_t)(p - w->buf);
	done(w);
}

void
jw_time(jw *w, int64_t sec, uint32_t frac, bool nano)
{
	char *p = jw_item(w, jw_room(w, JW_PIECE_MAX));
	p = dm_fmt_time(p, sec, frac, nano);
	w->len = (size_t)(p - w->buf);
	done(w);
}

void
jw_bool(jw *w, bool v)
{
	begin_item(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
	done(w);
}

void
jw_null(jw *w)
{
	begin_item(w);
	put(w, "null", 4);
	done(w);
}

void
jw_number_text(jw *w, const char *text)
{
	begin_item(w);
	put(w, text, strlen(text));
	done(w);
}
