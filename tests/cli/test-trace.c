/* test-trace.c - what a text trace line says, run as a tcpdump user
 * types it: times as tcpdump prints them (-t ... -ttttt,
 * --time-stamp-precision), "length N" as the transport payload, the
 * exact ts_ns of JSON lines and ip_checksum null for IPv6, the CSV
 * socket table's columns, "1 frame"; -v TCP options, -vv, -e link
 * headers, the JSON report's exact first_ts_ns/last_ts_ns.
 * The test environment sets TZ=UTC (Makefile.am); the tests set it too.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "testrun.h"

static tr_paths paths;

/* Line @n (1-based) of what demuxsim @opt (NULL: none) -r @cap prints,
 * with exit status 0; g_free it. */
static gchar *
line_of(const char *opt, const char *opt2, const char *cap_name, guint n)
{
	gchar *cap = tr_capture(&paths, cap_name), *out = NULL, *err = NULL;
	const char *args[6];
	int i = 0;
	if (opt)
		args[i++] = opt;
	if (opt2)
		args[i++] = opt2;
	args[i++] = "-r";
	args[i++] = cap;
	args[i] = NULL;
	int st = tr_run(NULL, paths.tool, args, &out, &err);
	if (st != 0)
		g_test_message("stderr: %s", err);
	g_assert_cmpint(st, ==, 0);
	gchar **l = g_strsplit(out, "\n", -1);
	g_assert_cmpuint(g_strv_length(l), >, n);
	gchar *r = g_strdup(l[n - 1]);
	g_strfreev(l);
	g_free(out);
	g_free(err);
	g_free(cap);
	return r;
}

static void
expect_prefix(const char *line, const char *prefix)
{
	if (!g_str_has_prefix(line, prefix))
		g_error("line '%s' does not start with '%s'", line, prefix);
}

static void
test_default(void)
{
	gchar *l = line_of(NULL, NULL, "demux.pcap", 1);
	expect_prefix(l, "1 22:13:20.000017 UDP 10.0.0.2:53001 > 10.0.0.1:53 length 33 ");
	g_free(l);
}

static void
test_t(void)
{
	gchar *l = line_of("-t", NULL, "demux.pcap", 2);
	expect_prefix(l, "2 UDP 10.0.0.1:53 > 10.0.0.2:53001 length 81 ");
	g_free(l);
}

static void
test_tt(void)
{
	gchar *l = line_of("-tt", NULL, "demux.pcap", 2);
	expect_prefix(l, "2 1700000001.001018 UDP ");
	g_free(l);
}

static void
test_ttt(void)
{
	gchar *l = line_of("-ttt", NULL, "demux.pcap", 1);
	expect_prefix(l, "1 00:00:00.000000 UDP ");
	g_free(l);
	l = line_of("-ttt", NULL, "demux.pcap", 3);
	expect_prefix(l, "3 00:00:01.001001 UDP ");
	g_free(l);
}

static void
test_tttt(void)
{
	gchar *l = line_of("-tttt", NULL, "demux.pcap", 2);
	expect_prefix(l, "2 2023-11-14 22:13:21.001018 UDP ");
	g_free(l);
}

static void
test_ttttt(void)
{
	gchar *l = line_of("-ttttt", NULL, "demux.pcap", 3);
	expect_prefix(l, "3 00:00:02.002002 UDP ");
	g_free(l);
}

/* A nanosecond capture prints its 9 digits unless asked for micro; a
 * microsecond one gains zeros with nano. */
static void
test_nano(void)
{
	gchar *l = line_of("-tt", NULL, "checksums-ns.pcap", 1);
	expect_prefix(l, "1 1700000000.000017321 UDP ");
	g_free(l);
	l = line_of("-tt", "--time-stamp-precision=micro", "checksums-ns.pcap", 1);
	expect_prefix(l, "1 1700000000.000017 UDP ");
	g_free(l);
	l = line_of("-tt", "--time-stamp-precision=nano", "demux.pcap", 1);
	expect_prefix(l, "1 1700000000.000017000 UDP ");
	g_free(l);
	gchar *cap = tr_capture(&paths, "demux.pcap"), *out = NULL, *err = NULL;
	int st = tr_run(NULL, paths.tool, (const char *const[]){
		"--time-stamp-precision=pico", "-r", cap, NULL }, &out, &err);
	g_assert_cmpint(st, ==, 2);
	g_assert_nonnull(strstr(err, "not micro or nano"));
	g_free(out);
	g_free(err);
	g_free(cap);
}

/* UDP: the length field less its 8 header bytes, as tcpdump's "length". */
static void
test_length_udp(void)
{
	gchar *l = line_of("-tt", NULL, "checksums-ns.pcap", 1);
	g_assert_nonnull(strstr(l, " length 32 "));
	g_assert_null(strstr(l, " len "));
	g_free(l);
}

static void
test_ts_ns(void)
{
	gchar *l = line_of("--format", "jsonl", "checksums-ns.pcap", 1);
	g_assert_nonnull(strstr(l, "\"time\":1700000000.000017321,\"ts_ns\":1700000000000017321,"));
	g_free(l);
	l = line_of("--format", "jsonl", "demux.pcap", 1);
	g_assert_nonnull(strstr(l, "\"ts_ns\":1700000000000017000,"));
	g_free(l);
}

/* TCP: the bytes after the header and its options. */
static void
test_length_tcp(void)
{
	gchar *l = line_of("-tt", NULL, "checksums-ns.pcap", 6);
	expect_prefix(l, "6 1700000005.005022356 TCP 10.1.2.3:40000 > 10.200.0.4:80 [AP]");
	g_assert_nonnull(strstr(l, " length 100 "));
	g_free(l);
	l = line_of("-tt", NULL, "checksums-ns.pcap", 3);
	g_assert_nonnull(strstr(l, " length 0 "));
	g_free(l);
}

static void
test_ip_checksum_null(void)
{
	gchar *l = line_of("--format", "jsonl", "checksums-ns.pcap", 2);
	g_assert_nonnull(strstr(l, "\"family\":6,"));
	g_assert_nonnull(strstr(l, ",\"ip_checksum\":null,"));
	g_free(l);
	l = line_of("--format", "jsonl", "checksums-ns.pcap", 1);
	g_assert_nonnull(strstr(l, ",\"ip_checksum\":\"good\","));
	g_free(l);
}

/* Address and port in columns of their own. */
static void
test_csv_columns(void)
{
	gchar *l = line_of("--format", "csv", "checksums-ns.pcap", 1);
	g_assert_cmpstr(l, ==, "host,id,proto,kind,local_address,local_port,remote_address,"
	                "remote_port,state,parent,midstream,segments,bytes,bad_checksums,peers,"
	                "first_frame,last_frame");
	g_free(l);
	l = line_of("--format", "csv", "checksums-ns.pcap", 2);
	g_assert_cmpstr(l, ==, "10.1.2.3,3,tcp,connection,10.1.2.3,40000,10.200.0.4,80,CLOSED,,"
	                "false,2,0,0,1,4,8");
	g_free(l);
	l = line_of("--format", "csv", "checksums-ns.pcap", 6);
	g_assert_true(g_str_has_prefix(l, "2001:db8:0:1::20,2,udp,bound,2001:db8:0:1::20,40053,,,"));
	g_free(l);
}

static void
test_plural(void)
{
	gchar *l = line_of("-q", "--count=1", "demux.pcap", 2);
	g_assert_cmpstr(l, ==, "1 frame, 1 UDP and 0 TCP segments");
	g_free(l);
	l = line_of("-q", "--count=2", "demux.pcap", 2);
	g_assert_cmpstr(l, ==, "2 frames, 2 UDP and 0 TCP segments");
	g_free(l);
}

/* -v: the IP header's ttl, id and total length, the segment's lengths. */
static void
test_verbose(void)
{
	gchar *l = line_of("-v", "-tt", "checksums-ns.pcap", 6);
	g_assert_nonnull(strstr(l, " length 100 (ttl 64, id 4116, iplen 152) seglen 132 hdrlen 32 options [nop,nop,TS val 66064 ecr 168496141] cksum "));
	g_free(l);
	l = line_of("-v", "-tt", "checksums-ns.pcap", 2);
	g_assert_nonnull(strstr(l, " length 40 (hlim 64, iplen 88) seglen 48 hdrlen 8 cksum "));
	g_free(l);
	l = line_of("-tt", NULL, "checksums-ns.pcap", 6);
	g_assert_null(strstr(l, "ttl"));
	g_free(l);
}

static gchar *run_args(const char *const *args, int want, gchar **err);

/* -v: the TCP options of frame 3 as `tcpdump -nv` prints them. */
static void
test_tcp_options(void)
{
	gchar *l = line_of("-v", NULL, "checksums-ns.pcap", 3);
	g_assert_nonnull(strstr(l, " seglen 40 hdrlen 40 options [mss 1460,sackOK,TS val 66051 "
	                           "ecr 0,nop,wscale 7] cksum 0x02a3 good"));
	g_free(l);
	l = line_of("-v", NULL, "checksums-ns.pcap", 5);
	g_assert_nonnull(strstr(l, " options [nop,nop,TS val 66064 ecr 168496141] cksum "));
	g_free(l);
	l = line_of(NULL, NULL, "checksums-ns.pcap", 3);  /* not without -v */
	g_assert_null(strstr(l, "options"));
	g_free(l);
}

/* The options of a tcpdump -nv line (from "options [" to its "]"), or
 * NULL when it has none or ones this tool does not name as tcpdump. */
static gchar *
tcpdump_options(const char *line)
{
	const char *o = strstr(line, "options [");
	if (!o)
		return NULL;
	o += strlen("options [");
	const char *e = strstr(o, "], length");
	gchar *opts = e ? g_strndup(o, (gsize)(e - o)) : NULL;
	if (!opts)
		return NULL;
	gchar **items = g_strsplit(opts, ",", -1);
	static const char *const known[] = { "mss ", "wscale ", "sackOK", "TS val ", "nop", "eol" };
	gboolean ok = TRUE;
	for (guint i = 0; items[i] && ok; i++) {
		gboolean k = FALSE;
		for (guint j = 0; j < G_N_ELEMENTS(known); j++)
			k = k || g_str_has_prefix(items[i], known[j]);
		ok = k;
	}
	g_strfreev(items);
	if (!ok)
		g_clear_pointer(&opts, g_free);
	return opts;
}

/* Every SYN of checksums-ns.pcap and of the shared corpus's captures with
 * SYNs: the options text equals tcpdump -nv's (when tcpdump is installed),
 * for the options both name. */
static void
test_tcp_options_tcpdump(void)
{
	gchar *tcpdump = g_find_program_in_path("tcpdump");
	if (!tcpdump) {
		g_test_skip("tcpdump is not installed: nothing to compare with");
		return;
	}
	const char *caps[] = {
		"captures/checksums-ns.pcap",
		"../shared/corpus/pcapplusplus/pcapng-example.pcapng",
		"../shared/corpus/pcapplusplus/raw_ip.pcap",
		"../shared/corpus/pcapplusplus/sll.pcap",
		"../shared/corpus/tcpdump/ldp-common-session.pcap",
		"../shared/corpus/tcpdump/mptcp-v1.pcap",
		"../shared/corpus/tcpdump/of13_ericsson.pcapng",
		"../shared/corpus/tcpdump/pptp.pcap",
	};
	guint compared = 0;
	for (guint i = 0; i < G_N_ELEMENTS(caps); i++) {
		gchar *cap = g_build_filename(paths.srcdir, caps[i], NULL), *err = NULL;
		if (!g_file_test(cap, G_FILE_TEST_EXISTS)) {
			g_test_message("%s is absent: not compared", caps[i]);
			g_free(cap);
			continue;
		}
		gchar *td = NULL, *ours = NULL;
		const char *targs[] = { "-nv", "-#", "-r", cap, NULL };
		/* Either may end with status 1 on a damaged record: compare
		 * the frames both read. */
		tr_run(NULL, tcpdump, targs, &td, &err);
		g_free(err);
		const char *args[] = { "-v", "-r", cap, NULL };
		int st = tr_run(NULL, paths.tool, args, &ours, &err);
		g_free(err);
		g_assert_cmpint(st, <=, 1);
		GHashTable *mine = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		gchar **ol = g_strsplit(ours, "\n", -1);
		for (guint j = 0; ol[j]; j++) {
			const char *o = strstr(ol[j], " options [");
			const char *e = o ? strstr(o, "] cksum ") : NULL;
			if (e)
				g_hash_table_insert(mine, g_strndup(ol[j], strcspn(ol[j], " ")),
				                    g_strndup(o + 10, (gsize)(e - o - 10)));
		}
		gchar **tl = g_strsplit(td, "\n", -1);
		gchar *frame = NULL;
		for (guint j = 0; tl[j]; j++) {
			/* tcpdump -#: "   4  22:13:23..." starts a frame; its
			 * -v continuation lines start with spaces and no number. */
			const char *n = tl[j] + strspn(tl[j], " ");
			size_t nd = strspn(n, "0123456789");
			if (nd && g_str_has_prefix(n + nd, "  ")) {
				g_free(frame);
				frame = g_strndup(n, nd);
			}
			if (!frame || !strstr(tl[j], "Flags [S"))
				continue;
			gchar *want = tcpdump_options(tl[j]);
			if (want) {
				const char *got = g_hash_table_lookup(mine, frame);
				if (g_strcmp0(got, want))
					g_test_message("%s frame %s differs from tcpdump", caps[i], frame);
				g_assert_cmpstr(got, ==, want);
				compared++;
			}
			g_free(want);
		}
		g_free(frame);
		g_strfreev(tl);
		g_strfreev(ol);
		g_hash_table_unref(mine);
		g_free(td);
		g_free(ours);
		g_free(cap);
	}
	g_test_message("%u SYNs compared with tcpdump", compared);
	g_assert_cmpuint(compared, >=, 2);
	g_free(tcpdump);
}

/* -vv: the IPv4 header checksum's verdict (tcpdump -vv: "bad cksum 5c62
 * (->7e40)!" for frame 31 of checksums.pcap), the TCP urgent pointer, the
 * UDP length field; -v alone prints none of them. */
static void
test_vv(void)
{
	gchar *l = line_of("-vv", NULL, "checksums-ns.pcap", 3);
	g_assert_nonnull(strstr(l, ",wscale 7] ip-cksum 0x13dc good urg 0 cksum 0x02a3 good"));
	g_free(l);
	l = line_of("-vv", NULL, "checksums-ns.pcap", 1);
	g_assert_nonnull(strstr(l, " hdrlen 8 ip-cksum 0x7e4f good ulen 40 cksum 0x5bc7 good"));
	g_free(l);
	l = line_of("-vv", NULL, "checksums-ns.pcap", 2);  /* IPv6: no header checksum */
	g_assert_nonnull(strstr(l, " hdrlen 8 ulen 48 cksum 0x178c good"));
	g_free(l);
	l = line_of("-vv", NULL, "checksums.pcap", 31);
	g_assert_nonnull(strstr(l, " ip-cksum 0x5c62 (expected 0x7e40) bad "));
	g_free(l);
	l = line_of("-v", NULL, "checksums.pcap", 31);
	g_assert_null(strstr(l, "ip-cksum"));
	g_assert_null(strstr(l, " ulen "));
	g_free(l);
}

/* -e on Ethernet: tcpdump -nne -r captures/demux.pcap prints
 * "02:00:5e:44:00:02 > 02:00:5e:44:00:01, ethertype IPv4 (0x0800),
 * length 75: 10.0.0.2.53001 > ..."; the default line has no link part. */
static void
test_e_ethernet(void)
{
	gchar *l = line_of("-e", NULL, "demux.pcap", 1);
	expect_prefix(l, "1 22:13:20.000017 02:00:5e:44:00:02 > 02:00:5e:44:00:01, ethertype IPv4 "
	                 "(0x0800), length 75: UDP 10.0.0.2:53001 > 10.0.0.1:53 length 33 ");
	g_free(l);
	l = line_of(NULL, NULL, "demux.pcap", 1);
	expect_prefix(l, "1 22:13:20.000017 UDP 10.0.0.2:53001 > ");
	g_free(l);
	/* Linux cooked capture, loopback, raw IP (nothing), as tcpdump -nne */
	l = line_of("-e", NULL, "sll.pcap", 2);
	expect_prefix(l, "2 22:13:21.001018 Out 02:00:5e:10:00:01 ethertype IPv4 (0x0800), "
	                 "length 90: TCP 10.1.2.3:32001 > ");
	g_free(l);
	l = line_of("-e", NULL, "sll2.pcap", 1);
	expect_prefix(l, "1 22:13:20.000017  In  ifindex 2 02:00:5e:10:00:01 ethertype IPv4 (0x0800), "
	                 "length 69: UDP ");
	g_free(l);
	l = line_of("-e", NULL, "null-le.pcap", 1);
	expect_prefix(l, "1 22:13:20.000017 AF IPv4 (2), length 53: UDP 192.0.2.10:35000 > ");
	g_free(l);
	l = line_of("-e", NULL, "raw.pcap", 1);
	expect_prefix(l, "1 22:13:20.000017 UDP 192.0.2.10:34101 > ");
	g_free(l);
}

/* -e on 802.1Q: tcpdump -nne -r captures/vlan.pcap prints "...,
 * ethertype 802.1Q (0x8100), length 79: vlan 100, p 0, ethertype IPv4
 * (0x0800), 192.0.2.10.31000 > ...". */
static void
test_e_vlan(void)
{
	gchar *l = line_of("-e", NULL, "vlan.pcap", 1);
	expect_prefix(l, "1 22:13:20.000017 02:00:5e:10:00:01 > 02:00:5e:10:00:02, ethertype 802.1Q "
	                 "(0x8100), length 79: vlan 100, p 0, ethertype IPv4 (0x0800), "
	                 "UDP 192.0.2.10:31000 > ");
	g_free(l);
	l = line_of("-e", NULL, "vlan.pcap", 2);
	g_assert_nonnull(strstr(l, ", length 100: vlan 100, p 0, ethertype IPv6 (0x86dd), UDP "));
	g_free(l);
}

/* --format json: each socket's first and last times also as exact
 * integers (first_ts_ns, last_ts_ns), null beside a null time. */
static void
test_ts_ns_report(void)
{
	gchar *cap = tr_capture(&paths, "checksums-ns.pcap"), *err = NULL;
	gchar *out = run_args((const char *const[]){ "-q", "--format", "json", "-r", cap, NULL }, 0, &err);
	g_assert_nonnull(strstr(out, "\"first\": 1700000003.003020342,\n"
	                             "          \"last\": 1700000007.007024370,\n"
	                             "          \"first_ts_ns\": 1700000003003020342,\n"
	                             "          \"last_ts_ns\": 1700000007007024370,\n"));
	g_free(out);
	g_free(err);
	g_free(cap);
	cap = tr_capture(&paths, "checksums.pcap");  /* microseconds, a socket never seen */
	out = run_args((const char *const[]){ "-q", "--format", "json", "-r", cap, NULL }, 0, &err);
	g_assert_nonnull(strstr(out, "\"first_ts_ns\": 1700000003003020000,"));
	g_assert_nonnull(strstr(out, "\"first\": null,\n          \"last\": null,\n"
	                             "          \"first_ts_ns\": null,\n          \"last_ts_ns\": null,"));
	g_free(out);
	g_free(err);
	g_free(cap);
}

/* tests/regress/tcp-options-truncated.pcap: damaged option lists end as
 * tcpdump ends them (a length past the list, a length of 1: [bad opt];
 * cut by the capture: [|tcp]); an unknown kind is opt-K:len. */
static void
test_tcp_options_damaged(void)
{
	gchar *cap = g_build_filename(paths.srcdir, "tests", "regress", "tcp-options-truncated.pcap", NULL);
	gchar *err = NULL;
	gchar *out = run_args((const char *const[]){ "-v", "-r", cap, NULL }, 0, &err);
	gchar **l = g_strsplit(out, "\n", -1);
	g_assert_cmpuint(g_strv_length(l), >, 5);  /* 4 lines, the report */
	g_assert_nonnull(strstr(l[0], " hdrlen 32 options [mss 1460,[bad opt]] cksum "));
	g_assert_nonnull(strstr(l[1], " hdrlen 40 options [mss 1460,sackOK,TS [|tcp]] cksum "));
	g_assert_nonnull(strstr(l[2], " hdrlen 24 options [nop,nop,[bad opt]] cksum "));
	g_assert_nonnull(strstr(l[3], " hdrlen 28 options [opt-253:4,eol] cksum "));
	g_strfreev(l);
	g_free(out);
	g_free(err);
	g_free(cap);
}

/* demuxsim @args: stdout (g_free it), exit status @want, stderr in @err. */
static gchar *
run_args(const char *const *args, int want, gchar **err)
{
	gchar *out = NULL;
	int st = tr_run(NULL, paths.tool, args, &out, err);
	if (st != want)
		g_test_message("stderr: %s", *err);
	g_assert_cmpint(st, ==, want);
	return out;
}

static void
test_fields_jsonl(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap"), *err = NULL;
	for (int threads = 1; threads <= 2; threads++) {
		const char *args[] = { "--format", "jsonl", "--fields", "frame,src,sport,checksum_status,socket",
		                       threads == 2 ? "--threads=2" : "--threads=1", "-r", cap, NULL };
		gchar *out = run_args(args, 0, &err);
		g_assert_true(g_str_has_prefix(out, "{\"frame\":1,\"src\":\"10.0.0.2\",\"sport\":53001,"
		                               "\"checksum_status\":\"good\",\"socket\":1}\n"
		                               "{\"frame\":2,\"src\":\"10.0.0.1\",\"sport\":53,"));
		g_free(out);
		g_free(err);
	}
	g_free(cap);
}

static void
test_fields_csv(void)
{
	gchar *cap = tr_capture(&paths, "checksums-ns.pcap"), *err = NULL;
	const char *args[] = { "--format", "csv", "--fields", "frame,ts_ns,proto,length,checksum", "-r", cap, NULL };
	gchar *out = run_args(args, 0, &err);
	gchar **l = g_strsplit(out, "\n", -1);
	g_assert_cmpstr(l[0], ==, "frame,ts_ns,proto,length,checksum");
	g_assert_cmpstr(l[1], ==, "1,1700000000000017321,udp,32,0x5bc7");
	g_assert_cmpstr(l[6], ==, "6,1700000005005022356,tcp,100,0x93e2");
	g_assert_cmpuint(g_strv_length(l), ==, 10);  /* header, 8 rows, "" */
	g_strfreev(l);
	g_free(out);
	g_free(err);
	g_free(cap);
}

static void
test_fields_list(void)
{
	gchar *err = NULL;
	gchar *out = run_args((const char *const[]){ "--fields", "list", NULL }, 0, &err);
	g_assert_true(g_str_has_prefix(out, "frame "));
	g_assert_nonnull(strstr(out, "\nchecksum_status "));
	g_assert_nonnull(strstr(out, "\nsocket "));
	g_free(out);
	g_free(err);
}

static void
test_fields_unknown(void)
{
	gchar *cap = tr_capture(&paths, "demux.pcap"), *err = NULL;
	gchar *out = run_args((const char *const[]){ "--format", "jsonl", "--fields", "frame,sprot",
	                                             "-r", cap, NULL }, 2, &err);
	g_assert_cmpstr(out, ==, "");
	g_assert_nonnull(strstr(err, "unknown field 'sprot'"));
	g_assert_null(strchr(err, '\n') ? strchr(strchr(err, '\n') + 1, '\n') : NULL);
	g_free(out);
	g_free(err);
	g_free(cap);
}

int
main(int argc, char **argv)
{
	g_setenv("TZ", "UTC", TRUE);
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	g_test_add_func("/trace/time/default", test_default);
	g_test_add_func("/trace/time/t", test_t);
	g_test_add_func("/trace/time/tt", test_tt);
	g_test_add_func("/trace/time/ttt", test_ttt);
	g_test_add_func("/trace/time/tttt", test_tttt);
	g_test_add_func("/trace/time/ttttt", test_ttttt);
	g_test_add_func("/trace/time/nano", test_nano);
	g_test_add_func("/trace/length/udp", test_length_udp);
	g_test_add_func("/trace/length/tcp", test_length_tcp);
	g_test_add_func("/trace/verbose/ip", test_verbose);
	g_test_add_func("/trace/verbose/tcp-options", test_tcp_options);
	g_test_add_func("/trace/verbose/tcp-options-tcpdump", test_tcp_options_tcpdump);
	g_test_add_func("/trace/verbose/tcp-options-damaged", test_tcp_options_damaged);
	g_test_add_func("/trace/verbose/vv", test_vv);
	g_test_add_func("/trace/link/e-ethernet", test_e_ethernet);
	g_test_add_func("/trace/link/e-vlan", test_e_vlan);
	g_test_add_func("/trace/json/ts-ns-exact", test_ts_ns);
	g_test_add_func("/trace/json/ts-ns-report", test_ts_ns_report);
	g_test_add_func("/trace/json/ip-checksum-null", test_ip_checksum_null);
	g_test_add_func("/trace/csv/columns", test_csv_columns);
	g_test_add_func("/trace/plural", test_plural);
	g_test_add_func("/trace/fields/jsonl", test_fields_jsonl);
	g_test_add_func("/trace/fields/csv", test_fields_csv);
	g_test_add_func("/trace/fields/list", test_fields_list);
	g_test_add_func("/trace/fields/unknown", test_fields_unknown);
	int r = g_test_run();
	tr_paths_clear(&paths);
	return r;
}
