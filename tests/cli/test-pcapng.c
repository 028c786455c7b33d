/* test-pcapng.c - pcapng files libpcap refuses: interfaces of different
 * link types (captures/mixed.pcapng: Ethernet, RAW 101, LINUX_SLL 113)
 * and of different snapshot lengths (captures/mixed-snaplen.pcapng:
 * 65535 and 128), run as users run the tool.
 *
 *   /cli/mixed/read          every frame read and decoded with its own
 *                            interface's link type, on one thread and on
 *                            four (the frames' truth: test-captures)
 *   /cli/mixed/filter        a BPF filter compiled per link type selects
 *                            the frames counted by hand from the capture
 *   /cli/mixed/split         --split writes a file per socket and link
 *                            type, each holding that socket's frames
 *   /cli/mixed/stdin         standard input cannot be read twice: libpcap's
 *                            refusal stands, after the frames before it
 *   /cli/mixed-snaplen/read  the frame cut by the 128-byte interface is
 *                            unverified (truncated), the others good
 *   /cli/corpus/gre-snaplens ../shared/corpus/tunnels/pcapplusplus-
 *                            GrePackets.pcap (a pcapng whose second
 *                            interface has snaplen 65535): all 7 frames
 *                            read (skipped cleanly without the corpus)
 *   /cli/mixed/no-wiretap    built without libwiretap: refused at the
 *                            second interface with libpcap's reason
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "testrun.h"

static tr_paths paths;

/* demuxsim @args, exit status @want: see tr_run_status(). */
static gchar *
run_status(const char *const *args, int want, gchar **err_out)
{
	return tr_run_status(paths.tool, args, want, err_out);
}

/* The frame numbers starting the trace lines of @text, as "1,3,5". */
static gchar *
frame_list(const char *text)
{
	GString *s = g_string_new(NULL);
	gchar **l = g_strsplit(text, "\n", -1);
	for (gchar **p = l; *p && **p; p++) {
		char *end;
		guint64 n = g_ascii_strtoull(*p, &end, 10);
		if (end == *p || *end != ' ')
			break;  /* the report */
		g_string_append_printf(s, "%s%" G_GUINT64_FORMAT, s->len ? "," : "", n);
	}
	g_strfreev(l);
	return g_string_free(s, FALSE);
}

#ifdef HAVE_WIRETAP
static void
test_mixed_read(void)
{
	gchar *cap = tr_capture(&paths, "mixed.pcapng");
	gchar *one = run_status((const char *const[]){ "--threads", "1", "--all-frames", cap, NULL },
	                      0, NULL);
	gchar *four = run_status((const char *const[]){ "--threads", "4", "--all-frames", cap, NULL },
	                       0, NULL);
	g_assert_cmpstr(one, ==, four);
	g_assert_nonnull(strstr(one, "8 frames, 4 UDP and 3 TCP segments"));
	g_assert_nonnull(strstr(one, "UDP checksums: good 4"));
	g_assert_nonnull(strstr(one, "TCP checksums: good 3"));
	gchar *frames = frame_list(one);
	g_assert_cmpstr(frames, ==, "1,2,3,4,5,6,7,8");
	g_free(frames);
	g_free(one);
	g_free(four);
	g_free(cap);
}

/* Hand-derived from tests/gen/gencap.c gen_mixed(): frames 1, 2 and 7 on
 * Ethernet, 3, 4 and 8 (ICMP) on RAW, 5 and 6 on SLL. */
static void
test_mixed_filter(void)
{
	static const struct {
		const char *expr, *frames;
	} cases[] = {
		{ "udp", "1,3,5,7" },
		{ "tcp", "2,4,6" },
		{ "ip6", "3,6,7" },
		{ "ip", "1,2,4,5" },       /* 8 (ICMP) is IPv4 but no segment */
		{ "icmp", "" },            /* selected, not a segment: no line */
		/* Ethernet addresses: compiles for Ethernet only; the RAW and
		 * SLL frames are left out. */
		{ "ether host 02:00:5e:10:00:01", "1,2,7" },
	};
	gchar *cap = tr_capture(&paths, "mixed.pcapng");
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		gchar *out = run_status((const char *const[]){ "-r", cap, cases[i].expr, NULL }, 0,
		                      NULL);
		gchar *frames = frame_list(out);
		g_test_message("%s: %s", cases[i].expr, frames);
		g_assert_cmpstr(frames, ==, cases[i].frames);
		g_free(frames);
		g_free(out);
	}
	/* icmp: one frame kept (skipped as other-protocol), seven left out. */
	gchar *json = run_status((const char *const[]){ "--format", "json", "-q", "-f", "icmp", cap,
	                                              NULL }, 0, NULL);
	g_assert_nonnull(strstr(json, "\"frames\": 1,"));
	g_assert_nonnull(strstr(json, "\"filtered\": 7"));
	g_free(json);
	g_free(cap);
}

/* The link type and the record count of pcap file @path. */
static void
pcap_info(const char *path, guint32 *linktype, guint *records, guint32 *snaplen)
{
	gchar *data = NULL;
	gsize len = 0;
	*records = 0;
	*linktype = *snaplen = 0;
	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	const guint8 *p = (const guint8 *)data;
	g_assert_cmpuint(len, >=, 24);
	*snaplen = p[16] | p[17] << 8 | p[18] << 16 | (guint32)p[19] << 24;
	*linktype = p[20] | p[21] << 8 | p[22] << 16 | (guint32)p[23] << 24;
	for (gsize off = 24; off + 16 <= len; (*records)++) {
		guint32 c = p[off + 8] | p[off + 9] << 8 | p[off + 10] << 16 |
		            (guint32)p[off + 11] << 24;
		off += 16 + (gsize)c;
	}
	g_free(data);
}

static void
test_mixed_split(void)
{
	static const struct {
		const char *name;
		guint32 linktype;
	} want[] = {
		{ "1-udp-198.51.100.20-40053.pcap", 1 },
		{ "3-tcp-10.200.0.4-80-10.1.2.3-37001.pcap", 1 },
		{ "4-udp-2001_db8__1_0_0_1-40053.raw.pcap", 101 },
		{ "7-tcp-10.200.0.4-80-10.1.2.3-37003.raw.pcap", 101 },
		{ "8-udp-192.0.2.10-40053.linux_sll.pcap", 113 },
		{ "10-tcp-2001_db8__10-80-fe80__2aa_ff_fe28_9c5a-37005.linux_sll.pcap", 113 },
		{ "11-udp-2001_db8__10-40053.pcap", 1 },
	};
	gchar *dir = g_dir_make_tmp("demuxsim-pcapng-XXXXXX", NULL);
	g_assert_nonnull(dir);
	gchar *cap = tr_capture(&paths, "mixed.pcapng");
	g_free(run_status((const char *const[]){ "-q", "--split", dir, cap, NULL }, 0, NULL));
	guint files = 0;
	GDir *d = g_dir_open(dir, 0, NULL);
	for (const char *n; (n = g_dir_read_name(d));)
		files++;
	g_dir_close(d);
	g_assert_cmpuint(files, ==, G_N_ELEMENTS(want));
	for (gsize i = 0; i < G_N_ELEMENTS(want); i++) {
		gchar *path = g_build_filename(dir, want[i].name, NULL);
		guint32 lt, snaplen;
		guint n;
		g_test_message("%s", want[i].name);
		pcap_info(path, &lt, &n, &snaplen);
		g_assert_cmpuint(lt, ==, want[i].linktype);
		g_assert_cmpuint(n, ==, 1);
		g_assert_cmpuint(snaplen, ==, 262144);
		g_free(path);
	}
	tr_remove_tree(dir);
	g_free(dir);
	g_free(cap);
}

/* Standard input: read once, by libpcap, which stops at the RAW
 * interface (frame 3). */
static void
test_mixed_stdin(void)
{
	gchar *cap = tr_capture(&paths, "mixed.pcapng");
	gchar *cmd = g_strdup_printf("'%s' -r - < '%s'", paths.tool, cap);
	gchar *out = NULL, *err = NULL;
	int status = 0;
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	g_assert_true(g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
	                           &err, &status, NULL));
	g_assert_cmpint(tr_exit_status(status), ==, 1);
	g_assert_nonnull(strstr(err, "frame 3"));
	g_assert_nonnull(strstr(err, "different link types"));
	gchar *frames = frame_list(out);
	g_assert_cmpstr(frames, ==, "1,2");
	g_free(frames);
	g_free(out);
	g_free(err);
	g_free(cmd);
	g_free(cap);
}

static void
test_snaplen_read(void)
{
	gchar *cap = tr_capture(&paths, "mixed-snaplen.pcapng");
	gchar *out = run_status((const char *const[]){ "--all-frames", cap, NULL }, 0, NULL);
	g_assert_nonnull(strstr(out, "4 frames, 2 UDP and 2 TCP segments"));
	g_assert_nonnull(strstr(out, "UDP checksums: good 1, unverified 1"));
	const char *second = strstr(out, "\n2 ");
	g_assert_nonnull(second);
	g_assert_nonnull(strstr(second, "unverified (truncated)"));
	g_free(out);

	/* The cut frame keeps its 128 bytes in --split's file, the whole
	 * frames theirs. */
	gchar *dir = g_dir_make_tmp("demuxsim-pcapng-XXXXXX", NULL);
	g_free(run_status((const char *const[]){ "-q", "--split", dir, cap, NULL }, 0, NULL));
	gchar *path = g_build_filename(dir, "1-udp-198.51.100.20-40053.pcap", NULL);
	guint32 lt, snaplen;
	guint n;
	pcap_info(path, &lt, &n, &snaplen);
	g_assert_cmpuint(lt, ==, 1);
	g_assert_cmpuint(n, ==, 2);
	g_free(path);
	tr_remove_tree(dir);
	g_free(dir);
	g_free(cap);
}

static void
test_corpus_gre(void)
{
	gchar *cap = g_build_filename(paths.srcdir, "..", "shared", "corpus", "tunnels",
	                              "pcapplusplus-GrePackets.pcap", NULL);
	if (!g_file_test(cap, G_FILE_TEST_EXISTS)) {
		g_test_skip("../shared/corpus not found");
		g_free(cap);
		return;
	}
	gchar *out = run_status((const char *const[]){ "-q", cap, NULL }, 0, NULL);
	g_assert_nonnull(strstr(out, "\n7 frames,"));
	g_free(out);
	g_free(cap);
}
#else
static void
test_no_wiretap(void)
{
	gchar *cap = tr_capture(&paths, "mixed.pcapng"), *err = NULL;
	gchar *out = run_status((const char *const[]){ cap, NULL }, 1, &err);
	g_assert_nonnull(strstr(err, "frame 3"));
	g_assert_nonnull(strstr(err, "different link types"));
	gchar *frames = frame_list(out);
	g_assert_cmpstr(frames, ==, "1,2");
	g_free(frames);
	g_free(out);
	g_free(err);
	g_free(cap);

	cap = tr_capture(&paths, "mixed-snaplen.pcapng");
	out = run_status((const char *const[]){ cap, NULL }, 1, &err);
	g_assert_nonnull(strstr(err, "different snapshot lengths (128 after 65535)"));
	g_free(out);
	g_free(err);
	g_free(cap);
}
#endif

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
#ifdef HAVE_WIRETAP
	g_test_add_func("/cli/mixed/read", test_mixed_read);
	g_test_add_func("/cli/mixed/filter", test_mixed_filter);
	g_test_add_func("/cli/mixed/split", test_mixed_split);
	g_test_add_func("/cli/mixed/stdin", test_mixed_stdin);
	g_test_add_func("/cli/mixed-snaplen/read", test_snaplen_read);
	g_test_add_func("/cli/corpus/gre-snaplens", test_corpus_gre);
#else
	g_test_add_func("/cli/mixed/no-wiretap", test_no_wiretap);
#endif
	int rc = g_test_run();
	tr_paths_clear(&paths);
	return rc;
}
