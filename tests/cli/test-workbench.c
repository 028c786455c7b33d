/* test-workbench.c - `demuxsim checksum` typed as a student types it:
 * byte pairs given to --words (a warning), a checksum field typed as 0000
 * (the answer is the checksum to write there, not a bad verdict), and
 * --binary, the sum worked again bit by bit.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "testrun.h"

static tr_paths paths;

/* demuxsim checksum @args: exit status @want; its output in *@out and
 * *@err (g_free them). */
static void
checksum(const char *const *args, int want, gchar **out, gchar **err)
{
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, (gpointer) "checksum");
	for (const char *const *p = args; *p; p++)
		g_ptr_array_add(a, (gpointer)*p);
	g_ptr_array_add(a, NULL);
	int st = tr_run(NULL, paths.tool, (const char *const *)a->pdata, out, err);
	if (st != want)
		g_test_message("stderr: %s", *err);
	g_assert_cmpint(st, ==, want);
	g_ptr_array_unref(a);
}

/* 66 60 55 55 with --words: four words 0x0066..., and a warning that
 * says how to write the words 0x6660 0x5555. */
static void
test_byte_words(void)
{
	gchar *out, *err;
	checksum((const char *const[]){ "--words", "66", "60", "55", "55", NULL }, 0, &out, &err);
	g_assert_nonnull(strstr(err, "warning"));
	g_assert_nonnull(strstr(err, "0x0066"));
	g_assert_nonnull(strstr(err, "6660 5555"));
	g_assert_nonnull(strstr(out, "4 16-bit words"));
	g_free(out);
	g_free(err);

	/* real words: no warning */
	checksum((const char *const[]){ "--words", "6660", "5555", "8f0c", NULL }, 0, &out, &err);
	g_assert_cmpstr(err, ==, "");
	g_free(out);
	g_free(err);
}

/* A UDP segment typed with its checksum field as 0000: the checksum to
 * write is computed (0x8f77 worked by hand: pseudo-header 0x1420, header
 * without the field 0xd2f4 ... complement of 0x7088), in text and JSON. */
static void
test_typed_zero(void)
{
	const char *seg = "d2 b3 00 35 00 0c 00 00 68 69 21 0a";
	gchar *out, *err;
	checksum((const char *const[]){ "--proto", "udp", "--src", "10.0.0.1", "--dst",
	                                "10.0.0.2", seg, NULL }, 0, &out, &err);
	g_assert_nonnull(strstr(out, "verdict     computed checksum 0x8f77"));
	g_assert_null(strstr(out, "verdict     absent"));
	g_free(out);
	g_free(err);

	/* TCP over IPv6: a 0000 field is never "bad" when typed */
	const char *tcp = "d2b3 0050 0000 0001 0000 0000 5002 ffff 0000 0000";
	checksum((const char *const[]){ "--proto", "tcp", "--src", "2001:db8::1", "--dst",
	                                "2001:db8::2", "--format", "json", tcp, NULL },
	         0, &out, &err);
	g_assert_nonnull(strstr(out, "\"status\": \"computed\""));
	g_assert_nonnull(strstr(out, "\"typed_as_zero\": true"));
	g_assert_null(strstr(out, "\"bad\""));
	g_free(out);
	g_free(err);

	/* typed with its right value, the verdict is good as before */
	checksum((const char *const[]){ "--proto", "udp", "--src", "10.0.0.1", "--dst",
	                                "10.0.0.2", "d2 b3 00 35 00 0c 8f 77 68 69 21 0a",
	                                NULL }, 0, &out, &err);
	g_assert_nonnull(strstr(out, "verdict     good"));
	g_free(out);
	g_free(err);
}

/* The bits of @v, 16 digits. */
static gchar *
bits(unsigned v)
{
	gchar *s = g_malloc(17);
	for (int i = 0; i < 16; i++)
		s[i] = (char)('0' + ((v >> (15 - i)) & 1));
	s[16] = '\0';
	return s;
}

/* --binary: every word in binary, the 17-bit result of a carry, the
 * wraparound, the sum and the complement (0x6660 + 0x5555 + 0x8f0c, the
 * textbook's example). */
static void
test_binary(void)
{
	gchar *out, *err;
	checksum((const char *const[]){ "--binary", "--words", "6660", "5555", "8f0c", NULL },
	         0, &out, &err);
	const unsigned want[] = { 0x6660, 0x5555, 0xbbb5, 0x8f0c, 0x4ac2, 0xb53d };
	const char *at = out;
	for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
		gchar *b = bits(want[i]);
		const char *p = strstr(at, b);
		if (!p)
			g_test_message("%s not after: %s", b, at);
		g_assert_nonnull(p);
		at = p;
		g_free(b);
	}
	g_assert_nonnull(strstr(out, "10100101011000001"));
	g_assert_nonnull(strstr(out, "wraparound"));
	g_free(out);
	g_free(err);

	/* without --binary, no bits */
	checksum((const char *const[]){ "--words", "6660", "5555", "8f0c", NULL }, 0, &out, &err);
	g_assert_null(strstr(out, "0110011001100000"));
	g_free(out);
	g_free(err);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	g_test_add_func("/workbench/words/byte-pairs-warned", test_byte_words);
	g_test_add_func("/workbench/field/typed-zero-computed", test_typed_zero);
	g_test_add_func("/workbench/binary/textbook", test_binary);
	int rc = g_test_run();
	tr_paths_clear(&paths);
	return rc;
}
