/* test-flood.c - the command line under a SYN flood and a UDP scan: the
 * run completes, the simulation stays within its limits, and the report
 * counts every entry it expired or evicted.
 *
 * The captures are made at run time by tests/gen/benchgen (--pattern) in a
 * temporary directory: 100,000 SYNs from random IPv4/IPv6 sources to port
 * 80 of one server, 1,000 a second (so the first ones outlive the 63 s SYN
 * timeout), with two real handshakes; and an empty datagram to every port
 * 1-65535 of one host, most answered by an ICMP port unreachable.  The
 * expected counts (SYNs, probes, ICMP answers) are read back from the
 * captures with libpcap, not taken from the generator.
 *
 * Each runs with the default limits and with --max-sockets 1000; the
 * checks: exit status 0; sockets held + entries discarded == sockets
 * created; held within the limit; refusals == ICMP answers; and the
 * child's peak RSS (wait4) under a generous bound.  Under --max-sockets
 * 1000, floods of 50,000 and 200,000 sources reach the same peak RSS
 * (within 1.3x): hosts left with nothing are forgotten.
 *
 * Also: benchgen --pattern=manyhost, the bench's many-host workload, gives
 * the same bytes for the same seed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pcap/pcap.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testrun.h"

#define SYNS 100000
#define SMALL "1000"
#define SERVER4 "10.9.0.1"
#define CLIENT4 "192.0.2.10"
#define TARGET4 "10.9.0.2"
/* Peak RSS allowed for one run (KiB): 100,000 SYNs hold about 100 MiB;
 * the sanitizers add their own. */
#define RSS_BOUND_KIB (1024 * 1024)

static gchar *tool_path, *benchgen_path, *workdir, *self_path;

/* What a capture holds, counted from its frames. */
typedef struct {
	guint64 frames, syns, probes, icmp_unreach;
} cap_counts;

static cap_counts syn_counts, scan_counts;

static guint16
be16(const u_char *p)
{
	return (guint16)(p[0] << 8 | p[1]);
}

/* Count SYNs (without ACK), UDP datagrams to TARGET4 and ICMP port
 * unreachable errors in @path (Ethernet, IPv4/IPv6 without extension
 * headers, as benchgen writes them). */
static cap_counts
count_capture(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	cap_counts c = { 0 };
	struct pcap_pkthdr *h;
	const u_char *d;
	const u_char target[4] = { 10, 9, 0, 2 };

	if (!p)
		g_error("%s: %s", path, err);
	while (pcap_next_ex(p, &h, &d) == 1) {
		c.frames++;
		if (h->caplen < 14 + 20)
			continue;
		guint16 type = be16(d + 12);
		const u_char *ip = d + 14, *l4;
		guint8 proto;
		if (type == 0x0800) {
			proto = ip[9];
			l4 = ip + (ip[0] & 0x0f) * 4;
		} else if (type == 0x86dd) {
			proto = ip[6];
			l4 = ip + 40;
		} else {
			continue;
		}
		/* Enough for the TCP flags, the UDP header or ICMP type and code. */
		if ((size_t)(l4 - d) + (proto == 6 ? 14 : 8) > h->caplen)
			continue;
		if (proto == 6 && (l4[13] & 0x12) == 0x02)
			c.syns++;
		else if (proto == 17 && type == 0x0800 && memcmp(ip + 16, target, 4) == 0)
			c.probes++;
		else if (proto == 1 && l4[0] == 3 && l4[1] == 3)
			c.icmp_unreach++;
	}
	pcap_close(p);
	return c;
}

typedef struct {
	int status;
	long maxrss_kib;
	JsonNode *root;
} run_result;

/* test-flood --measure OUT RUSAGE PROGRAM ARGS...: run PROGRAM with
 * standard output to OUT, and write its exit status (-1: killed) and
 * peak RSS in KiB to the file RUSAGE.  A forked child starts with its
 * parent's resident pages, counted in its peak: a fresh small process in
 * between keeps the reports the test parsed out of the measure. */
static int
measure_main(char **argv)
{
	pid_t pid = fork();
	if (pid < 0)
		return 126;
	if (pid == 0) {
		int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execv(argv[2], argv + 2);
		_exit(127);
	}
	int ws = 0;
	struct rusage ru;
	if (wait4(pid, &ws, 0, &ru) != pid)
		return 126;
	FILE *f = fopen(argv[1], "w");
	if (!f)
		return 126;
	fprintf(f, "%d %ld\n", WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, ru.ru_maxrss);
	return fclose(f) == 0 ? 0 : 126;
}

/* Run @argv (NULL-terminated, argv[0] the program) in the work
 * directory, standard output to @out, through test-flood --measure. */
static void
spawn(const char *const *argv, const char *out, run_result *r)
{
	gchar *cmd = g_strjoinv(" ", (gchar **)argv);
	g_test_message("$ %s > %s", cmd, out);
	g_free(cmd);
	gchar *rusage = g_build_filename(workdir, "rusage", NULL);
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, self_path);
	g_ptr_array_add(a, "--measure");
	g_ptr_array_add(a, (gpointer)out);
	g_ptr_array_add(a, rusage);
	for (const char *const *p = argv; *p; p++)
		g_ptr_array_add(a, (gpointer)*p);
	g_ptr_array_add(a, NULL);
	GError *err = NULL;
	int ws = 0;
	if (!g_spawn_sync(workdir, (gchar **)a->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
	                  NULL, &ws, &err))
		g_error("cannot run %s: %s", self_path, err->message);
	g_ptr_array_unref(a);
	gchar *text = NULL;
	g_assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	g_assert_true(g_file_get_contents(rusage, &text, NULL, NULL));
	g_assert_cmpint(sscanf(text, "%d %ld", &r->status, &r->maxrss_kib), ==, 2);
	g_free(text);
	g_unlink(rusage);
	g_free(rusage);
	g_test_message("exit %d, peak RSS %ld KiB", r->status, r->maxrss_kib);
}

static gchar *
work_file(const char *name)
{
	return g_build_filename(workdir, name, NULL);
}

static void
make_capture(const char *name, const char *pattern, const char *count_arg,
             const char *rate_arg)
{
	gchar *out = work_file(name);
	gchar *pat = g_strconcat("--pattern=", pattern, NULL);
	gchar *dest = g_strconcat("--out=", out, NULL);
	const char *argv[] = { benchgen_path, pat, count_arg, rate_arg, dest, NULL };
	gchar *log = work_file("benchgen.out");
	run_result r = { 0 };
	spawn(argv, log, &r);
	if (r.status != 0)
		g_error("%s: benchgen failed (status %d)", name, r.status);
	g_free(log);
	g_free(dest);
	g_free(pat);
	g_free(out);
}

/* demuxsim -q --format json [LIMIT] --host H... CAPTURE, its report parsed.
 * The listener's backlog is as large as listen() takes (--somaxconn), so
 * that every SYN makes a child and the limits alone bound the state; the
 * SYN queue's own bound is tests/cli/test-backlog's. */
static void
run_tool(const char *capture, const char *limit, const char *const *hosts, run_result *r)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, tool_path);
	g_ptr_array_add(argv, "-q");
	g_ptr_array_add(argv, "--format=json");
	g_ptr_array_add(argv, "--somaxconn=2147483647");
	if (limit)
		g_ptr_array_add(argv, (gpointer)limit);
	for (const char *const *h = hosts; *h; h++) {
		g_ptr_array_add(argv, "--host");
		g_ptr_array_add(argv, (gpointer)*h);
	}
	g_ptr_array_add(argv, (gpointer)capture);
	g_ptr_array_add(argv, NULL);
	gchar *out = work_file("report.json");
	spawn((const char *const *)argv->pdata, out, r);
	g_ptr_array_unref(argv);

	GError *err = NULL;
	JsonParser *parser = json_parser_new();
	if (!json_parser_load_from_file(parser, out, &err))
		g_error("the report is not JSON: %s", err->message);
	r->root = json_node_copy(json_parser_get_root(parser));
	g_object_unref(parser);
	g_unlink(out);
	g_free(out);
	g_assert_cmpint(r->status, ==, 0);
	if (g_getenv("DEMUXSIM_VALGRIND_TOOL"))
		g_test_message("under valgrind: peak RSS not checked");
	else
		g_assert_cmpint(r->maxrss_kib, <, RSS_BOUND_KIB);
}

static void
run_clear(run_result *r)
{
	if (r->root)
		json_node_unref(r->root);
	r->root = NULL;
}

static JsonObject *
report(const run_result *r)
{
	return json_node_get_object(r->root);
}

/* The "state" object (present when anything was retired), or NULL. */
static JsonObject *
state_of(const run_result *r)
{
	JsonObject *o = report(r);
	return json_object_has_member(o, "state") ? json_object_get_object_member(o, "state")
	                                           : NULL;
}

static gint64
retired(const run_result *r, const char *reason)
{
	JsonObject *st = state_of(r);
	if (!st)
		return 0;
	JsonObject *ret = json_object_get_object_member(st, "retired");
	g_assert_true(json_object_has_member(ret, reason));
	return json_object_get_int_member(ret, reason);
}

/* Sockets held at the end: the state's count, or when nothing was
 * retired, every socket created. */
static gint64
held(const run_result *r)
{
	JsonObject *st = state_of(r);
	gint64 created = json_object_get_int_member(report(r), "sockets");
	return st ? json_object_get_int_member(st, "sockets_held") : created;
}

/* Every socket created is held at the end or was discarded (expired
 * half-open, or evicted); the other reasons keep the socket (out of the
 * lookup table, still in the report). */
static void
check_accounting(const run_result *r, gint64 max_sockets)
{
	static const char *const discarded[] = {
		"syn-timeout", "evicted-half-open", "forgotten", "evicted-closed",
		"evicted-udp", "evicted-connection",
	};
	gint64 created = json_object_get_int_member(report(r), "sockets");
	gint64 gone = 0;
	for (gsize i = 0; i < G_N_ELEMENTS(discarded); i++)
		gone += retired(r, discarded[i]);
	g_test_message("created %" G_GINT64_FORMAT ", held %" G_GINT64_FORMAT
	               ", discarded %" G_GINT64_FORMAT, created, held(r), gone);
	g_assert_cmpint(held(r) + gone, ==, created);
	g_assert_cmpint(held(r), <=, max_sockets);
	JsonObject *st = state_of(r);
	if (st) {
		g_assert_cmpint(json_object_get_int_member(st, "max_sockets"), ==, max_sockets);
		g_assert_cmpint(json_object_get_int_member(st, "memory_held"), <=,
		                json_object_get_int_member(st, "max_memory"));
	}
}

/* The host with address @addr in the report. */
static JsonObject *
host(const run_result *r, const char *addr)
{
	JsonArray *hosts = json_object_get_array_member(report(r), "hosts");
	for (guint i = 0; i < json_array_get_length(hosts); i++) {
		JsonObject *h = json_array_get_object_element(hosts, i);
		if (strcmp(json_object_get_string_member(h, "address"), addr) == 0)
			return h;
	}
	g_assert_not_reached();
	return NULL;
}

/* How many of @h's sockets have @key == @value. */
static guint
sockets_with(JsonObject *h, const char *key, const char *value)
{
	JsonArray *socks = json_object_get_array_member(h, "sockets");
	guint n = 0;
	for (guint i = 0; i < json_array_get_length(socks); i++) {
		JsonObject *s = json_array_get_object_element(socks, i);
		if (json_object_has_member(s, key) &&
		    g_strcmp0(json_object_get_string_member(s, key), value) == 0)
			n++;
	}
	return n;
}

static void
check_tcp_segments(const run_result *r, guint64 frames)
{
	JsonObject *seg = json_object_get_object_member(report(r), "segments");
	g_assert_cmpint(json_object_get_int_member(seg, "tcp"), ==, (gint64)frames);
}

/* Default limits: 100 s of flood at 1,000 SYNs a second.  Each SYN makes
 * a half-open entry at both ends (the source's SYN-SENT, the listener's
 * SYN-RECEIVED child); those older than the 63 s SYN timeout expire, so
 * about 63,000 SYNs' worth are held at the end. */
static void
test_synflood_default(void)
{
	run_result r = { 0 };
	gchar *cap = work_file("synflood.pcap");
	run_tool(cap, NULL, (const char *const[]){ CLIENT4, NULL }, &r);
	check_tcp_segments(&r, syn_counts.frames);
	gint64 created = json_object_get_int_member(report(&r), "sockets");
	g_assert_cmpint(created, >=, 2 * (gint64)syn_counts.syns);
	g_assert_nonnull(state_of(&r));
	gint64 expired = retired(&r, "syn-timeout");
	g_assert_cmpint(expired, >, 0);
	g_assert_cmpint(retired(&r, "evicted-half-open"), ==, 0);
	check_accounting(&r, 4000000);
	/* Held half-open entries: the last 63 s of the flood (to 1/16 s). */
	g_assert_cmpint(held(&r), >=, 2 * 62900);
	g_assert_cmpint(held(&r), <=, 2 * 63100 + 16);
	/* The real client completed its handshake and was never evicted. */
	JsonObject *c = host(&r, CLIENT4);
	g_assert_cmpuint(sockets_with(c, "state", "ESTABLISHED"), ==, 1);
	run_clear(&r);
	g_free(cap);
}

/* --max-sockets 1000: the oldest half-open entries are evicted; the
 * listener and the established connections stay. */
static void
test_synflood_small(void)
{
	run_result r = { 0 };
	gchar *cap = work_file("synflood.pcap");
	run_tool(cap, "--max-sockets=" SMALL, (const char *const[]){ SERVER4, NULL }, &r);
	check_tcp_segments(&r, syn_counts.frames);
	gint64 evicted = retired(&r, "evicted-half-open");
	g_assert_cmpint(evicted, >, 2 * SYNS - 2 * 1000 - 2 * 63000);
	g_assert_cmpint(retired(&r, "evicted-connection"), ==, 0);
	check_accounting(&r, 1000);
	JsonObject *st = state_of(&r);
	g_assert_cmpint(json_object_get_int_member(st, "peak_sockets"), <=, 1000 + 2);
	JsonObject *srv = host(&r, SERVER4);
	g_assert_cmpuint(sockets_with(srv, "kind", "listen"), ==, 1);
	g_assert_cmpuint(sockets_with(srv, "state", "ESTABLISHED"), >=, 1);
	g_assert_true(json_object_has_member(srv, "retired"));
	run_clear(&r);
	g_free(cap);
}

/* --max-sockets 1000 on floods of 50,000 and 200,000 SYNs from distinct
 * sources: hosts left with nothing are forgotten, the listener's peers
 * fold beyond DM_PEERS_MAX, and peak RSS stays flat (within 1.3x) with
 * four times the sources. */
static void
test_synflood_flat(void)
{
	const char *const counts[] = { "50000", "200000" };
	long rss[2];
	for (int i = 0; i < 2; i++) {
		run_result r = { 0 };
		gchar *name = g_strdup_printf("synflood-%s.pcap", counts[i]);
		gchar *count = g_strconcat("--count=", counts[i], NULL);
		make_capture(name, "synflood", count, "--rate=1000");
		gchar *cap = work_file(name);
		run_tool(cap, "--max-sockets=" SMALL, (const char *const[]){ SERVER4, NULL }, &r);
		check_accounting(&r, 1000);
		gint64 sources = g_ascii_strtoll(counts[i], NULL, 10);
		g_assert_cmpint(retired(&r, "forgotten-host"), >, sources - 2100);
		JsonObject *st = state_of(&r);
		g_assert_cmpint(json_object_get_int_member(st, "limit_unmet"), ==, 0);
		JsonArray *socks = json_object_get_array_member(host(&r, SERVER4), "sockets");
		guint folded = 0;
		for (guint j = 0; j < json_array_get_length(socks); j++) {
			JsonObject *o = json_array_get_object_element(socks, j);
			if (json_object_has_member(o, "peers_folded")) {
				folded++;
				g_assert_cmpstr(json_object_get_string_member(o, "kind"), ==, "listen");
				g_assert_cmpint(json_object_get_int_member(o, "peers"), ==, 1024 + 1);
			}
		}
		g_assert_cmpuint(folded, ==, 1);
		rss[i] = r.maxrss_kib;
		g_unlink(cap);
		g_free(cap);
		g_free(count);
		g_free(name);
		run_clear(&r);
	}
	if (g_getenv("DEMUXSIM_VALGRIND_TOOL")) {
		g_test_message("under valgrind: peak RSS not compared");
		return;
	}
	g_test_message("peak RSS %ld KiB at 50,000 sources, %ld KiB at 200,000", rss[0], rss[1]);
	g_assert_cmpint(rss[1] * 10, <=, rss[0] * 13);
}

/* The refusals of the scanned host: one per port, each confirmed by the
 * ICMP answer quoting it. */
static void
check_refusals(const run_result *r)
{
	JsonObject *t = host(r, TARGET4);
	JsonArray *ref = json_object_get_array_member(t, "refused");
	guint64 confirmed = 0;
	GHashTable *ports = g_hash_table_new(NULL, NULL);
	for (guint i = 0; i < json_array_get_length(ref); i++) {
		JsonObject *o = json_array_get_object_element(ref, i);
		g_assert_cmpstr(json_object_get_string_member(o, "proto"), ==, "udp");
		g_assert_cmpstr(json_object_get_string_member(o, "reply"), ==,
		                "icmp-port-unreachable");
		if (json_object_get_boolean_member(o, "confirmed"))
			confirmed++;
		g_hash_table_add(ports, GINT_TO_POINTER(json_object_get_int_member(o, "port")));
	}
	g_assert_cmpuint(confirmed, ==, scan_counts.icmp_unreach);
	g_assert_cmpuint(json_array_get_length(ref), ==, scan_counts.icmp_unreach);
	g_assert_cmpuint(g_hash_table_size(ports), ==, scan_counts.icmp_unreach);
	g_hash_table_unref(ports);
}

/* Default limits: the ports answered by ICMP are refused, every other
 * one gets a learned socket, and nothing is retired. */
static void
test_udpscan_default(void)
{
	run_result r = { 0 };
	gchar *cap = work_file("udpscan.pcap");
	run_tool(cap, NULL, (const char *const[]){ TARGET4, NULL }, &r);
	g_assert_cmpuint(scan_counts.probes, ==, 65535);
	check_refusals(&r);
	JsonObject *t = host(&r, TARGET4);
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(t, "sockets")), ==,
	                 scan_counts.probes - scan_counts.icmp_unreach);
	g_assert_null(state_of(&r));
	check_accounting(&r, 4000000);
	run_clear(&r);
	g_free(cap);
}

/* --max-sockets 1000: the learned sockets are evicted, least recently
 * active first; the refusals are all still counted. */
static void
test_udpscan_small(void)
{
	run_result r = { 0 };
	gchar *cap = work_file("udpscan.pcap");
	run_tool(cap, "--max-sockets=" SMALL, (const char *const[]){ TARGET4, NULL }, &r);
	check_refusals(&r);
	gint64 evicted = retired(&r, "evicted-udp");
	g_assert_cmpint(evicted, >, 0);
	check_accounting(&r, 1000);
	g_assert_cmpint(held(&r), ==, 1000);
	JsonObject *t = host(&r, TARGET4);
	JsonObject *ret = json_object_get_object_member(t, "retired");
	/* The scanner's own socket (its source port answered) is the rest. */
	g_assert_cmpint(json_object_get_int_member(ret, "evicted-udp"), <=, evicted);
	g_assert_cmpint(evicted + held(&r), ==,
	                (gint64)(scan_counts.probes - scan_counts.icmp_unreach) + 1);
	run_clear(&r);
	g_free(cap);
}

/* benchgen --pattern=manyhost (the bench's second workload) with @seed_arg
 * into @name; returns its bytes. */
static GBytes *
manyhost_capture(const char *name, const char *seed_arg)
{
	gchar *out = work_file(name);
	gchar *dest = g_strconcat("--out=", out, NULL);
	const char *argv[] = { benchgen_path, "--pattern=manyhost", "--hosts=1000", "--servers=20",
		               seed_arg, dest, NULL };
	gchar *log = work_file("benchgen.out");
	run_result r = { 0 };
	spawn(argv, log, &r);
	g_assert_cmpint(r.status, ==, 0);
	gchar *data = NULL;
	gsize len = 0;
	g_assert_true(g_file_get_contents(out, &data, &len, NULL));
	g_free(log);
	g_free(dest);
	g_free(out);
	return g_bytes_new_take(data, len);
}

/* The many-host workload is deterministic: the same seed gives the same
 * bytes, another seed others; its 1,000 hosts make about 4,000 flows of
 * 8 frames. */
static void
test_manyhost_deterministic(void)
{
	GBytes *a = manyhost_capture("manyhost-a.pcap", "--seed=7");
	GBytes *b = manyhost_capture("manyhost-b.pcap", "--seed=7");
	GBytes *c = manyhost_capture("manyhost-c.pcap", "--seed=8");
	g_assert_true(g_bytes_equal(a, b));
	g_assert_false(g_bytes_equal(a, c));
	gchar *p = work_file("manyhost-a.pcap");
	cap_counts n = count_capture(p);
	g_free(p);
	for (const char *f = "abc"; *f; f++) {
		gchar *name = g_strdup_printf("manyhost-%c.pcap", *f);
		p = work_file(name);
		g_unlink(p);
		g_free(p);
		g_free(name);
	}
	g_assert_cmpuint(n.frames % 8, ==, 0);
	g_assert_cmpuint(n.frames / 8, >, 3000);
	g_assert_cmpuint(n.frames / 8, <, 5000);
	g_bytes_unref(a);
	g_bytes_unref(b);
	g_bytes_unref(c);
}

int
main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "--measure") == 0)
		return measure_main(argv + 2);
	g_test_init(&argc, &argv, NULL);

	self_path = g_canonicalize_filename(argv[0], NULL);
	tr_paths where = tr_paths_get();
	tool_path = where.tool;
	benchgen_path = where.benchgen;
	g_free(where.srcdir);
	g_free(where.builddir);
	GError *err = NULL;
	/* Under AddressSanitizer, freed memory waits in a quarantine that
	 * would grow the peak RSS with the number of frees, not the state. */
	const char *asan = g_getenv("ASAN_OPTIONS");
	gchar *asan_opts = g_strconcat(asan && *asan ? asan : "", asan && *asan ? ":" : "",
	                               "quarantine_size_mb=0", NULL);
	g_setenv("ASAN_OPTIONS", asan_opts, TRUE);
	g_free(asan_opts);
	workdir = g_dir_make_tmp("demuxsim-flood-XXXXXX", &err);
	if (!workdir)
		g_error("%s", err->message);

	gchar *syns = g_strdup_printf("--count=%d", SYNS);
	make_capture("synflood.pcap", "synflood", syns, "--rate=1000");
	make_capture("udpscan.pcap", "udpscan", "--count=65535", "--rate=10000");
	g_free(syns);
	gchar *p = work_file("synflood.pcap");
	syn_counts = count_capture(p);
	g_free(p);
	p = work_file("udpscan.pcap");
	scan_counts = count_capture(p);
	g_free(p);

	g_test_add_func("/flood/synflood/default-limits", test_synflood_default);
	g_test_add_func("/flood/synflood/max-sockets", test_synflood_small);
	g_test_add_func("/flood/synflood/rss-flat", test_synflood_flat);
	g_test_add_func("/flood/udpscan/default-limits", test_udpscan_default);
	g_test_add_func("/flood/udpscan/max-sockets", test_udpscan_small);
	g_test_add_func("/flood/manyhost/deterministic", test_manyhost_deterministic);
	int rc = g_test_run();

	tr_remove_tree(workdir);
	g_free(workdir);
	g_free(benchgen_path);
	g_free(tool_path);
	g_free(self_path);
	return rc;
}
