/* test-report-format.c - the reports' hand-written formatters agree with
 * the C library (snprintf, inet_ntop) byte for byte, and the streaming
 * JSON writer's output is the same whatever its buffer boundaries. */
#include "config.h"

#include <arpa/inet.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "report/json-writer-int.h"
#include "report/report-format-int.h"

static void
check_u64(uint64_t v)
{
	char want[32], got[32];
	g_snprintf(want, sizeof want, "%" G_GUINT64_FORMAT, v);
	*dm_fmt_u64(got, v) = '\0';
	g_assert_cmpstr(got, ==, want);
	g_assert_cmpint(dm_fmt_len(v), ==, (int)strlen(want));
}

static void
test_u64(void)
{
	GRand *r = g_rand_new_with_seed(1);
	uint64_t p = 1;
	check_u64(0);
	check_u64(UINT64_MAX);
	check_u64(UINT32_MAX);
	check_u64((uint64_t)UINT32_MAX + 1);
	for (int i = 0; i < 20; i++, p *= 10) {
		check_u64(p - 1);
		check_u64(p);
		check_u64(p + 1);
	}
	for (int i = 0; i < 200000; i++) {
		uint64_t v = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
		check_u64(v >> g_rand_int_range(r, 0, 64));
	}
	g_rand_free(r);
}

static void
test_u32_pad(void)
{
	static const uint32_t values[] = { 0, 1, 9, 10, 999999, 1000000, 123456789,
	                                   999999999, 1000000000, UINT32_MAX };
	for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
		for (int width = 0; width <= 10; width++) {
			char want[32], got[32];
			g_snprintf(want, sizeof want, "%0*u", width, values[i]);
			*dm_fmt_u32_pad(got, values[i], width) = '\0';
			g_assert_cmpstr(got, ==, want);
		}
	}
}

static void
test_ipv4(void)
{
	uint8_t a[4];
	char want[INET_ADDRSTRLEN], got[INET_ADDRSTRLEN];
	for (unsigned v = 0; v < 256; v++) {
		a[0] = (uint8_t)v;
		a[1] = (uint8_t)(255 - v);
		a[2] = (uint8_t)(v * 7);
		a[3] = (uint8_t)(v / 3);
		inet_ntop(AF_INET, a, want, sizeof want);
		*dm_fmt_ipv4(got, a) = '\0';
		g_assert_cmpstr(got, ==, want);
	}
}

/* Every pattern of zero and non-zero groups (so every run of zeros to
 * compress, ties included), with group values of each length, and the
 * IPv4-compatible and -mapped forms. */
static void
test_ipv6(void)
{
	static const unsigned values[] = { 1, 0xf, 0x10, 0xab, 0x100, 0xfff, 0x1000, 0xffff };
	GRand *r = g_rand_new_with_seed(2);
	char want[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN];
	uint8_t a[16];
	for (unsigned pat = 0; pat < 256; pat++) {
		for (int k = 0; k < 64; k++) {
			for (int i = 0; i < 8; i++) {
				unsigned g = 0;
				if (pat & (1u << i))
					g = k < 8 ? values[k] : values[g_rand_int_range(r, 0, 8)]
					    ^ (g_rand_int(r) & 0x0f0f);
				if (!g && (pat & (1u << i)))
					g = 1;
				a[2 * i] = (uint8_t)(g >> 8);
				a[2 * i + 1] = (uint8_t)g;
			}
			if (k == 63 && (pat & 0xc0) == 0xc0) {
				/* ::ffff:a.b.c.d when the first five groups are zero */
				a[10] = a[11] = 0xff;
			}
			inet_ntop(AF_INET6, a, want, sizeof want);
			*dm_fmt_ipv6(got, a) = '\0';
			g_assert_cmpstr(got, ==, want);
		}
	}
	g_rand_free(r);
}

/* Output through a buffer of @size bytes is what was put. */
static void
test_obuf(void)
{
	for (size_t size = 20; size <= 64; size += 11) {
		char *text = NULL, buf[64];
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		GString *want = g_string_new(NULL);
		dm_obuf b;
		g_assert_nonnull(f);
		dm_obuf_init(&b, f, buf, size);
		for (unsigned i = 0; i < 500; i++) {
			dm_obuf_lit(&b, "x=");
			dm_obuf_u64(&b, (uint64_t)i * i * 1000003u);
			g_string_append_printf(want, "x=%" G_GUINT64_FORMAT, (uint64_t)i * i * 1000003u);
			if (i % 97 == 0) {
				/* longer than the buffer */
				char big[150];
				memset(big, 'a' + (int)(i % 26), sizeof big);
				dm_obuf_put(&b, big, sizeof big);
				g_string_append_len(want, big, sizeof big);
			}
			dm_obuf_str(&b, ";\n");
			g_string_append(want, ";\n");
		}
		dm_obuf_flush(&b);
		fclose(f);
		g_assert_cmpuint(len, ==, want->len);
		g_assert_cmpmem(text, len, want->str, want->len);
		free(text);
		g_string_free(want, TRUE);
	}
}

/* @s escaped as RFC 8259 asks, as a reference. */
static void
escape_ref(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': g_string_append(out, "\\\""); break;
		case '\\': g_string_append(out, "\\\\"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': g_string_append(out, "\\r"); break;
		case '\t': g_string_append(out, "\\t"); break;
		default:
			if (*p < 0x20)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (char)*p);
		}
	}
	g_string_append_c(out, '"');
}

static char *
write_doc(bool pretty, void (*body)(jw *w, void *data), void *data, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	jw w;
	g_assert_nonnull(f);
	jw_init(&w, f, pretty);
	body(&w, data);
	/* no jw_flush(): the end of the outermost value writes it out */
	fclose(f);
	return text;
}

static void
escapes_body(jw *w, void *data)
{
	const char *const *strings = data;
	jw_begin_array(w);
	for (int i = 0; strings[i]; i++)
		jw_string(w, strings[i]);
	jw_end_array(w);
}

static void
test_jw_escapes(void)
{
	char controls[32];
	for (int i = 1; i < 32; i++)
		controls[i - 1] = (char)i;
	controls[31] = '\0';
	const char *strings[] = { "", "plain", "q\"uote", "back\\slash", controls,
	                          "caf\xc3\xa9 \xe2\x82\xac", "end\n", "\"\\\"", NULL };
	GString *want = g_string_new("[");
	for (int i = 0; strings[i]; i++) {
		if (i)
			g_string_append_c(want, ',');
		escape_ref(want, strings[i]);
	}
	g_string_append_c(want, ']');
	size_t len;
	char *text = write_doc(false, escapes_body, strings, &len);
	g_assert_cmpstr(text, ==, want->str);
	free(text);
	g_string_free(want, TRUE);
}

static void
pretty_body(jw *w, void *data)
{
	(void)data;
	jw_begin_object(w);
	jw_key_lit(w, "n");
	jw_int(w, -42);
	jw_key(w, "k\"ey");
	jw_begin_array(w);
	jw_uint(w, UINT64_MAX);
	jw_fixed(w, -3, 5, 6);
	jw_null(w);
	jw_bool(w, true);
	jw_begin_object(w);
	jw_end_object(w);
	jw_end_array(w);
	jw_key_lit(w, "t");
	jw_fixed(w, 1700000000, 123456789, 9);
	jw_key_lit(w, "s");
	jw_string(w, NULL);
	jw_key_lit(w, "x");
	jw_number_text(w, "1.5e3");
	jw_end_object(w);
}

static void
test_jw_pretty(void)
{
	size_t len;
	char *text = write_doc(true, pretty_body, NULL, &len);
	g_assert_cmpstr(text, ==,
	                "{\n"
	                "  \"n\": -42,\n"
	                "  \"k\\\"ey\": [\n"
	                "    18446744073709551615,\n"
	                "    -3.000005,\n"
	                "    null,\n"
	                "    true,\n"
	                "    {}\n"
	                "  ],\n"
	                "  \"t\": 1700000000.123456789,\n"
	                "  \"s\": null,\n"
	                "  \"x\": 1.5e3\n"
	                "}\n");
	free(text);
	text = write_doc(false, pretty_body, NULL, &len);
	g_assert_cmpstr(text, ==,
	                "{\"n\":-42,\"k\\\"ey\":[18446744073709551615,-3.000005,null,true,{}],"
	                "\"t\":1700000000.123456789,\"s\":null,\"x\":1.5e3}");
	free(text);
}

#define BIG_ITEMS 20000

/* Far more than the writer's buffer, with strings longer than it. */
static void
big_body(jw *w, void *data)
{
	const char *long_string = data;
	jw_begin_object(w);
	jw_key_lit(w, "items");
	jw_begin_array(w);
	for (unsigned i = 0; i < BIG_ITEMS; i++) {
		jw_begin_object(w);
		jw_key_lit(w, "id");
		jw_uint(w, i);
		jw_key_lit(w, "name");
		jw_string(w, i % 5000 == 1 ? long_string : "n\"ame");
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

static void
test_jw_large(void)
{
	size_t n = 3 * JW_BUF_SIZE;
	char *long_string = g_malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		long_string[i] = i % 1000 == 999 ? '\t' : (char)('a' + i % 26);
	long_string[n] = '\0';

	for (int pretty = 0; pretty < 2; pretty++) {
		size_t len;
		char *text = write_doc(pretty, big_body, long_string, &len);
		g_assert_cmpuint(len, >, n);
		g_assert_cmpuint(strlen(text), ==, len);
		JsonParser *parser = json_parser_new();
		GError *error = NULL;
		g_assert_true(json_parser_load_from_data(parser, text, (gssize)len, &error));
		g_assert_no_error(error);
		JsonArray *items = json_object_get_array_member(
			json_node_get_object(json_parser_get_root(parser)), "items");
		g_assert_cmpuint(json_array_get_length(items), ==, BIG_ITEMS);
		for (unsigned i = 0; i < BIG_ITEMS; i++) {
			JsonObject *o = json_array_get_object_element(items, i);
			g_assert_cmpint(json_object_get_int_member(o, "id"), ==, i);
			g_assert_cmpstr(json_object_get_string_member(o, "name"), ==,
			                i % 5000 == 1 ? long_string : "n\"ame");
		}
		g_object_unref(parser);
		free(text);
	}
	g_free(long_string);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/format/u64", test_u64);
	g_test_add_func("/format/u32-pad", test_u32_pad);
	g_test_add_func("/format/ipv4", test_ipv4);
	g_test_add_func("/format/ipv6", test_ipv6);
	g_test_add_func("/format/obuf", test_obuf);
	g_test_add_func("/json-writer/escapes", test_jw_escapes);
	g_test_add_func("/json-writer/pretty", test_jw_pretty);
	g_test_add_func("/json-writer/large", test_jw_large);
	return g_test_run();
}
