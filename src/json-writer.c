/* json-writer.c - streaming JSON output (RFC 8259).  json-glib's builder
 * and generator took 3.5 s and most of it in malloc/free for a report of
 * 200,000 sockets; writing directly takes a fraction of that. */
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
		fwrite(spaces, 1, 1 + 2 * (size_t)w->depth, w->out);
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
			fputc(',', w->out);
		w->has_items[w->depth] = true;
		newline(w);
	}
}

static void
open_(jw *w, char c)
{
	item(w);
	fputc(c, w->out);
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
	fputc(c, w->out);
	if (w->depth == 0 && w->pretty)
		fputc('\n', w->out);
}

void jw_begin_object(jw *w) { open_(w, '{'); }
void jw_end_object(jw *w) { close_(w, '}'); }
void jw_begin_array(jw *w) { open_(w, '['); }
void jw_end_array(jw *w) { close_(w, ']'); }

static void
escaped(FILE *out, const char *s)
{
	size_t n = strcspn(s, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
	                      "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
	                      "\x1a\x1b\x1c\x1d\x1e\x1f");
	if (s[n] == '\0') {
		/* Nothing to escape: the common case. */
		putc('"', out);
		fwrite(s, 1, n, out);
		putc('"', out);
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
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_key = true;
}

void
jw_string(jw *w, const char *s)
{
	item(w);
	if (s)
		escaped(w->out, s);
	else
		fputs("null", w->out);
}

void
jw_int(jw *w, int64_t v)
{
	item(w);
	fprintf(w->out, "%" PRId64, v);
}

void
jw_uint(jw *w, uint64_t v)
{
	item(w);
	fprintf(w->out, "%" PRIu64, v);
}

void
jw_bool(jw *w, bool v)
{
	item(w);
	fputs(v ? "true" : "false", w->out);
}

void
jw_null(jw *w)
{
	item(w);
	fputs("null", w->out);
}

void
jw_number_text(jw *w, const char *text)
{
	item(w);
	fputs(text, w->out);
}
