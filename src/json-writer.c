/* json-writer.c - streaming JSON output (RFC 8259).  json-glib's builder
 * and generator took 3.5 s and most of it in malloc/free for a report of
 * 200,000 sockets; writing directly takes a fraction of that.  The writer
 * is the only user of its stream while a document is written, so it uses
 * the unlocked stdio calls, and formats integers itself (printf's format
 * parsing was a fifth of the report's time). */
#define _GNU_SOURCE
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "json-writer.h"

void
jw_init(jw *w, FILE *out, bool pretty)
{
	w->out = out;
	w->depth = 0;
	w->pretty = pretty;
	w->has_items[0] = false;
	w->after_key = false;
}

static void
newline(jw *w)
{
	static const char spaces[] = "\n                                  ";
	if (w->pretty)
		fwrite_unlocked(spaces, 1, 1 + 2 * (size_t)w->depth, w->out);
}

/* Separator and indentation before a key or an array element. */
static void
item(jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->has_items[w->depth])
			putc_unlocked(',', w->out);
		w->has_items[w->depth] = true;
		newline(w);
	}
}

static void
open_(jw *w, char c)
{
	item(w);
	putc_unlocked(c, w->out);
	if (w->depth + 1 < JW_MAX_DEPTH)
		w->depth++;
	w->has_items[w->depth] = false;
}

static void
close_(jw *w, char c)
{
	bool had = w->has_items[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (had)
		newline(w);
	putc_unlocked(c, w->out);
	if (w->depth == 0 && w->pretty)
		putc_unlocked('\n', w->out);
}

void jw_begin_object(jw *w) { open_(w, '{'); }
void jw_end_object(jw *w) { close_(w, '}'); }
void jw_begin_array(jw *w) { open_(w, '['); }
void jw_end_array(jw *w) { close_(w, ']'); }

static bool
needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

static void
escaped(FILE *out, const char *s)
{
	size_t n = 0;
	while (s[n] && !needs_escape((unsigned char)s[n]))
		n++;
	if (s[n] == '\0') {
		/* Nothing to escape: the common case. */
		putc_unlocked('"', out);
		fwrite_unlocked(s, 1, n, out);
		putc_unlocked('"', out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

void
jw_key(jw *w, const char *key)
{
	item(w);
	escaped(w->out, key);
	if (w->pretty)
		fwrite_unlocked(": ", 1, 2, w->out);
	else
		putc_unlocked(':', w->out);
	w->after_key = true;
}

void
jw_string(jw *w, const char *s)
{
	item(w);
	if (s)
		escaped(w->out, s);
	else
		fputs_unlocked("null", w->out);
}

/* @v in decimal, with a minus sign when @neg. */
static void
decimal(FILE *out, uint64_t v, bool neg)
{
	char buf[24];
	char *p = buf + sizeof buf;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	fwrite_unlocked(p, 1, (size_t)(buf + sizeof buf - p), out);
}

void
jw_int(jw *w, int64_t v)
{
	item(w);
	decimal(w->out, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void
jw_uint(jw *w, uint64_t v)
{
	item(w);
	decimal(w->out, v, false);
}

void
jw_fixed(jw *w, int64_t whole, uint32_t frac, int digits)
{
	char buf[16];
	char *p = buf + sizeof buf;
	int n = 0;
	item(w);
	decimal(w->out, whole < 0 ? -(uint64_t)whole : (uint64_t)whole, whole < 0);
	do {
		*--p = (char)('0' + frac % 10);
		frac /= 10;
		n++;
	} while (frac || n < digits);
	putc_unlocked('.', w->out);
	fwrite_unlocked(p, 1, (size_t)n, w->out);
}

void
jw_bool(jw *w, bool v)
{
	item(w);
	fputs_unlocked(v ? "true" : "false", w->out);
}

void
jw_null(jw *w)
{
	item(w);
	fputs_unlocked("null", w->out);
}

void
jw_number_text(jw *w, const char *text)
{
	item(w);
	fputs_unlocked(text, w->out);
}
