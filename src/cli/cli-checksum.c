/* cli-checksum.c - `demuxsim checksum`: compute and explain the checksum
 * of a segment typed by hand (hex bytes, or raw bytes from a file) under
 * an IPv4 or IPv6 pseudo-header, or of bare 16-bit words (--words), as in
 * textbook exercises.  No capture is needed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "cli-int.h"
#include "demuxsim/explain.h"
#include "demuxsim/report-explain.h"


typedef struct {
	gchar *proto;
	gchar *src;
	gchar *dst;
	gchar *file;
	gchar *format;
	gboolean words;
	gboolean full;
	gboolean binary;
	gchar **hex;
} ck_opts;

/* One usage message: @msg, then @arg quoted when given. */
static int
usage_error(const char *msg, const char *arg)
{
	if (arg)
		g_printerr("demuxsim checksum: %s '%s' (try demuxsim checksum --help)\n", msg, arg);
	else
		g_printerr("demuxsim checksum: %s (try demuxsim checksum --help)\n", msg);
	return DM_EXIT_USAGE;
}

static bool
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ':' || c == ',' || c == '-';
}

/* Append the bytes of one hex piece (optional 0x prefix, an even number
 * of digits) to @out; with @words, a piece of 1 to 4 digits is one word. */
static bool
parse_piece(const char *p, size_t n, bool words, GByteArray *out, const char **why)
{
	if (n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (!g_ascii_isxdigit(p[i])) {
			*why = "is not hex";
			return false;
		}
	}
	if (words) {
		if (n == 0 || n > 4) {
			*why = "is not a 16-bit word (1 to 4 hex digits)";
			return false;
		}
		unsigned v = 0;
		for (size_t i = 0; i < n; i++)
			v = v << 4 | (unsigned)g_ascii_xdigit_value(p[i]);
		uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
		g_byte_array_append(out, b, 2);
		return true;
	}
	if (n % 2) {
		*why = "has an odd number of hex digits";
		return false;
	}
	for (size_t i = 0; i < n; i += 2) {
		uint8_t b = (uint8_t)(g_ascii_xdigit_value(p[i]) << 4 |
		                      g_ascii_xdigit_value(p[i + 1]));
		g_byte_array_append(out, &b, 1);
	}
	return true;
}

/* The next piece of hex at *@s (skipping separators): its start, with its
 * length in *@n, *@s moved past it; NULL at the end. */
static const char *
next_piece(const char **s, size_t *n)
{
	const char *p = *s;
	while (*p && is_sep(*p))
		p++;
	size_t k = 0;
	while (p[k] && !is_sep(p[k]))
		k++;
	*s = p + k;
	*n = k;
	return k ? p : NULL;
}

/* --words given only pieces of one or two hex digits (66 60 55 55): most
 * likely bytes typed as words.  Said once, on standard error. */
static void
warn_byte_words(char **args)
{
	guint pieces = 0;
	const char *first = NULL;
	size_t first_n = 0;
	for (char **a = args; a && *a; a++) {
		const char *s = *a, *p;
		size_t n;
		while ((p = next_piece(&s, &n))) {
			if (n > 2 && !(n == 4 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')))
				return;
			if (!pieces++) {
				first = p;
				first_n = n;
			}
		}
	}
	if (pieces < 2)
		return;
	gchar *piece = g_strndup(first, first_n);
	g_printerr("demuxsim checksum: warning: with --words each piece is one 16-bit"
	           " word, so '%s' is 0x%04x; for words made of byte pairs write"
	           " them joined (6660 5555), or give bytes without --words\n",
	           piece, (unsigned)g_ascii_strtoull(piece, NULL, 16));
	g_free(piece);
}

static bool
parse_hex(char **args, bool words, GByteArray *out)
{
	for (char **a = args; a && *a; a++) {
		const char *s = *a, *p;
		size_t n;
		while ((p = next_piece(&s, &n))) {
			const char *why = NULL;
			if (!parse_piece(p, n, words, out, &why)) {
				char *piece = g_strndup(p, n);
				g_printerr("demuxsim checksum: '%s' %s; write %s\n", piece, why,
				           words ? "words like 4500 0x0073" :
				                   "bytes like 45 00, 45:00 or 4500");
				g_free(piece);
				return false;
			}
		}
	}
	if (words)
		warn_byte_words(args);
	return true;
}

static bool
parse_addr(const char *opt, const char *text, int *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, text, addr) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, text, addr) == 1)
		*family = 6;
	else {
		g_printerr("demuxsim checksum: %s: '%s' is not an IPv4 or IPv6 address\n",
		           opt, text);
		return false;
	}
	return true;
}

/* The explanation asked for, or NULL after a message (*status set). */
static dm_explain *
explain(const ck_opts *o, const GByteArray *bytes, int *status)
{
	unsigned flags = o->full ? DM_EXPLAIN_FULL : 0;

	if (o->words)
		return dm_explain_words(bytes->data, bytes->len, flags);

	uint8_t proto;
	if (!o->proto) {
		*status = usage_error("--proto udp or --proto tcp is needed (or --words)", NULL);
		return NULL;
	}
	if (g_ascii_strcasecmp(o->proto, "udp") == 0)
		proto = 17;
	else if (g_ascii_strcasecmp(o->proto, "tcp") == 0)
		proto = 6;
	else {
		*status = usage_error("--proto is udp or tcp, not", o->proto);
		return NULL;
	}
	if (!o->src || !o->dst) {
		*status = usage_error("--src ADDR and --dst ADDR are needed for the"
		                     " pseudo-header (or --words for bare words)", NULL);
		return NULL;
	}
	int fs, fd;
	uint8_t src[16], dst[16];
	if (!parse_addr("--src", o->src, &fs, src) || !parse_addr("--dst", o->dst, &fd, dst)) {
		*status = DM_EXIT_USAGE;
		return NULL;
	}
	if (fs != fd) {
		*status = usage_error("--src and --dst must both be IPv4 or both IPv6", NULL);
		return NULL;
	}
	size_t hdr = proto == 17 ? 8 : 20;
	if (bytes->len < hdr) {
		g_printerr("demuxsim checksum: a %s segment starts with its %zu-byte header;"
		           " %u bytes given\n", proto == 17 ? "UDP" : "TCP", hdr, bytes->len);
		*status = DM_EXIT_USAGE;
		return NULL;
	}
	dm_pseudo ph = {
		.family = fs, .src = src, .dst = dst, .proto = proto,
		.length = bytes->len,
	};
	return dm_explain_segment(&ph, bytes->data, bytes->len, proto == 17 ? 6 : 16, flags);
}

static const char *const description =
	"Computes the Internet checksum of a UDP or TCP segment typed by hand,\n"
	"step by step: HEX bytes (45 00, 45:00 or 4500, any mix), or --file F\n"
	"for raw bytes.  The pseudo-header comes from --proto, --src and --dst\n"
	"(IPv4 or IPv6); the checksum field is taken as zero, and the value it\n"
	"holds is compared.  --words sums 16-bit words given directly (4500\n"
	"0073 ...) with no pseudo-header, as in textbook exercises.  A checksum\n"
	"field typed as 0000 asks for the checksum: the answer is the value to\n"
	"write there.  --binary works the sum again in binary, bit by bit.\n"
	"\n"
	"Exit status: 0 done; 1 unreadable --file; 2 usage error (bad hex, a\n"
	"missing or bad address, a segment shorter than its header).";

/* The bytes to sum, from --file or the HEX words, into @bytes.
 * Returns: the exit status so far (DM_EXIT_DONE to go on). */
static int
read_bytes(const ck_opts *o, GByteArray *bytes)
{
	GError *err = NULL;

	if (o->file && o->hex && *o->hex)
		return usage_error("give HEX bytes or --file, not both", NULL);
	if (o->file) {
		gchar *data;
		gsize len;
		if (!g_file_get_contents(o->file, &data, &len, &err)) {
			g_printerr("demuxsim: %s\n", err->message);
			g_error_free(err);
			return DM_EXIT_INPUT;
		}
		g_byte_array_append(bytes, (const guint8 *)data, (guint)len);
		g_free(data);
	} else if (!parse_hex(o->hex, o->words, bytes)) {
		return DM_EXIT_USAGE;
	}
	if (bytes->len == 0)
		return usage_error("no bytes given (HEX... or --file F)", NULL);
	return DM_EXIT_DONE;
}

int
dm_cli_checksum(int argc, char **argv)
{
	ck_opts o = { 0 };
	GOptionEntry entries[] = {
		{ "proto", 0, 0, G_OPTION_ARG_STRING, &o.proto,
		  "Transport protocol: udp or tcp", "PROTO" },
		{ "src", 0, 0, G_OPTION_ARG_STRING, &o.src,
		  "Pseudo-header source address (IPv4 or IPv6)", "ADDR" },
		{ "dst", 0, 0, G_OPTION_ARG_STRING, &o.dst,
		  "Pseudo-header destination address", "ADDR" },
		{ "file", 0, 0, G_OPTION_ARG_FILENAME, &o.file,
		  "Read the segment's raw bytes from FILE", "FILE" },
		{ "words", 0, 0, G_OPTION_ARG_NONE, &o.words,
		  "Sum 16-bit words given directly, no pseudo-header", NULL },
		{ "full", 0, 0, G_OPTION_ARG_NONE, &o.full,
		  "Show every word of a long payload", NULL },
		{ "binary", 0, 0, G_OPTION_ARG_NONE, &o.binary,
		  "Also show the sum in binary, as textbooks work it", NULL },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &o.format,
		  "Output: text (default), json, jsonl", "FMT" },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.hex,
		  NULL, "HEX..." },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int status = DM_EXIT_DONE;
	dm_format fmt = DM_FORMAT_TEXT;
	GByteArray *bytes = g_byte_array_new();
	dm_explain *x = NULL;

	const GOptionEntry *tables[] = { entries, NULL };
	if (!dm_cli_parse_options("demuxsim checksum",
	                          "Compute and explain an Internet checksum (demuxsim checksum).",
	                          description, "demuxsim checksum --help", tables, &argc, &argv)) {
		status = DM_EXIT_USAGE;
		goto out;
	}
	if (o.format && (!dm_format_parse(o.format, &fmt) || !dm_xreport_format_supported(fmt))) {
		status = usage_error("--format is text, json or jsonl, not", o.format);
		goto out;
	}
	if (o.words && (o.proto || o.src || o.dst)) {
		status = usage_error("--words sums bare words: no --proto, --src or --dst", NULL);
		goto out;
	}
	status = read_bytes(&o, bytes);
	if (status != DM_EXIT_DONE)
		goto out;
	x = explain(&o, bytes, &status);
	if (x) {
		dm_xreport *r = dm_xreport_new(stdout, fmt);
		dm_xreport_set_options(r, (o.binary ? DM_XREPORT_BINARY : 0) |
		                       (o.file ? 0 : DM_XREPORT_TYPED));
		dm_xreport_add(r, 0, x);
		dm_xreport_free(r);
	}
out:
	dm_explain_free(x);
	g_byte_array_unref(bytes);
	g_free(o.proto);
	g_free(o.src);
	g_free(o.dst);
	g_free(o.file);
	g_free(o.format);
	g_strfreev(o.hex);
	return status;
}
