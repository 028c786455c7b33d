/* test-ss.c - the command line's import of a socket table
 * (--sockets-from-ss, --host-address, --dump-sockets): the key file it
 * prints, a run on captures/veth-ns.pcap the same as with the equivalent
 * --sockets file, and its errors: a bad row (FILE:LINE, exit status 1),
 * an entry the loader does not read (status 1, naming it), misuse
 * (status 2).  The tables are written at run time into a temporary
 * directory, where the tool runs.
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "testrun.h"

static tr_paths paths;
static gchar *workdir;
static gchar *capture;

static void
write_file(const char *name, const char *text)
{
	gchar *path = g_build_filename(workdir, name, NULL);
	GError *err = NULL;
	g_assert_true(g_file_set_contents(path, text, -1, &err));
	g_assert_no_error(err);
	g_free(path);
}

/* Run the tool in the work directory: its exit status, output and error. */
static int
run(const char *const *args, gchar **out, gchar **err)
{
	return tr_run(workdir, paths.tool, args, out, err);
}

/* The server of captures/veth-ns.pcap, as ss -tuanp shows it. */
static const char veth_table[] =
	"Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
	"udp   UNCONN 0      0          10.99.0.2:5300      0.0.0.0:*    users:((\"python3\",pid=10,fd=3))\n"
	"tcp   LISTEN 0      4096       10.99.0.2:8080      0.0.0.0:*    users:((\"python3\",pid=11,fd=3))\n"
	"tcp   TIME-WAIT 0   0          10.99.0.2:8080    10.99.0.1:40999\n";

static void
test_dump(void)
{
	write_file("veth.ss", veth_table);
	gchar *out = NULL, *err = NULL;
	const char *args[] = { "--sockets-from-ss", "veth.ss", "--dump-sockets", NULL };
	g_assert_cmpint(run(args, &out, &err), ==, 0);
	g_assert_cmpstr(err, ==, "");
	g_assert_cmpstr(out, ==,
	                "# Declared sockets from the ss table veth.ss (demuxsim --sockets-from-ss):\n"
	                "# 2 sockets; rows skipped: 1\n"
	                "[10.99.0.2]\n"
	                "udp = 10.99.0.2:5300\n"
	                "tcp = 10.99.0.2:8080\n"
	                "# skipped, line 4 (tcp TIME-WAIT: no socket that receives): "
	                "tcp TIME-WAIT 0 0 10.99.0.2:8080 10.99.0.1:40999\n");
	g_free(out);
	g_free(err);
}

/* The imported table runs exactly as the key file it stands for. */
static void
test_same_as_sockets(void)
{
	write_file("veth.ss", veth_table);
	write_file("veth.ini", "[10.99.0.2]\nudp = 5300\ntcp = 8080\n");
	const char *fmts[] = { "jsonl", "json", "text" };
	for (gsize i = 0; i < G_N_ELEMENTS(fmts); i++) {
		gchar *a = NULL, *b = NULL, *ea = NULL, *eb = NULL;
		const char *from_ss[] = { "--sockets-from-ss", "veth.ss", "-r", capture,
		                          "--format", fmts[i], NULL };
		const char *from_ini[] = { "--sockets", "veth.ini", "-r", capture,
		                           "--format", fmts[i], NULL };
		g_assert_cmpint(run(from_ss, &a, &ea), ==, 0);
		g_assert_cmpint(run(from_ini, &b, &eb), ==, 0);
		g_assert_cmpstr(ea, ==, eb);
		g_assert_cmpstr(a, ==, b);
		g_assert_nonnull(strstr(a, "10.99.0.2"));
		g_free(a), g_free(b), g_free(ea), g_free(eb);
	}
}

/* One error line, exit status 1. */
static void
assert_input_error(const char *const *args, const char *want)
{
	gchar *out = NULL, *err = NULL;
	g_assert_cmpint(run(args, &out, &err), ==, 1);
	g_assert_cmpstr(err, ==, want);
	g_free(out);
	g_free(err);
}

static void
test_bad(void)
{
	write_file("bad.ss", "Netid State Recv-Q Send-Q Local Peer\n"
	                     "udp UNCONN 0 0 10.99.0.2:5300 0.0.0.0:*\n"
	                     "tcp LISTEN 0 4096 10.99.0.2:80800 0.0.0.0:*\n");
	const char *bad[] = { "--sockets-from-ss", "bad.ss", "-r", capture, NULL };
	assert_input_error(bad, "demuxsim: bad.ss:3: '10.99.0.2:80800' is not a local "
	                   "ADDR:PORT\n");
	const char *dump[] = { "--sockets-from-ss", "bad.ss", "--dump-sockets", NULL };
	assert_input_error(dump, "demuxsim: bad.ss:3: '10.99.0.2:80800' is not a local "
	                   "ADDR:PORT\n");
	const char *missing[] = { "--sockets-from-ss", "none.ss", "-r", capture, NULL };
	gchar *out = NULL, *err = NULL;
	g_assert_cmpint(run(missing, &out, &err), ==, 1);
	g_assert_true(g_str_has_prefix(err, "demuxsim: "));
	g_assert_nonnull(strstr(err, "none.ss"));
	g_assert_true(g_str_has_suffix(err, "No such file or directory\n"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	write_file("wild.ss", "tcp LISTEN 0 4096 0.0.0.0:8080 0.0.0.0:*\n");
	const char *wild[] = { "--sockets-from-ss", "wild.ss", "-r", capture, NULL };
	assert_input_error(wild, "demuxsim: wild.ss: no socket is bound to one of the host's "
	                   "addresses: name them with --host-address\n");
	/* Converted, but with entries the loader does not take (a v6only and a
	 * dual-stack listener on [::]:5300, flagged reuseport as the kernel
	 * needed; Linux keeps them as two groups, demuxsim refuses the mix):
	 * they are named. */
	write_file("group.ss", "tcp LISTEN 0 4096 *:5300 *:*\n"
	                       "tcp LISTEN 0 4096 [::]:5300 [::]:*\n");
	const char *group[] = { "--sockets-from-ss", "group.ss", "--host-address", "10.99.0.2",
	                        "--host-address", "2001:db8::2", "-r", capture, NULL };
	g_assert_cmpint(run(group, &out, &err), ==, 1);
	g_assert_true(g_str_has_prefix(err, "demuxsim: group.ss (converted by "
	                               "--sockets-from-ss; see it with --dump-sockets): "));
	g_assert_nonnull(strstr(err, "[::]:5300 reuseport v6only': one reuseport group "
	                              "cannot mix v6only and dual-stack sockets"));
	g_assert_cmpuint(strlen(err), ==, (gsize)(strchr(err, '\n') - err) + 1);
	g_free(out);
	g_free(err);
}

static void
test_usage(void)
{
	write_file("veth.ss", veth_table);
	write_file("veth.ini", "[10.99.0.2]\nudp = 5300\n");
	static const struct { const char *args[8]; const char *msg; } cases[] = {
		{ { "--host-address", "10.99.0.2", "-r", "x.pcap", NULL },
		  "demuxsim: --host-address goes with --sockets-from-ss FILE (try --help)\n" },
		{ { "--dump-sockets", NULL },
		  "demuxsim: --dump-sockets goes with --sockets-from-ss FILE (try --help)\n" },
		{ { "--sockets", "veth.ini", "--sockets-from-ss", "veth.ss", "-r", "x.pcap", NULL },
		  "demuxsim: give the declared sockets with --sockets or --sockets-from-ss, not "
		  "both (try --help)\n" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		gchar *out = NULL, *err = NULL;
		g_assert_cmpint(run(cases[i].args, &out, &err), ==, 2);
		g_assert_cmpstr(err, ==, cases[i].msg);
		g_free(out);
		g_free(err);
	}
	gchar *out = NULL, *err = NULL;
	const char *bad_addr[] = { "--sockets-from-ss", "veth.ss", "--host-address", "nowhere",
	                           "--dump-sockets", NULL };
	g_assert_cmpint(run(bad_addr, &out, &err), ==, 1);
	g_assert_cmpstr(err, ==, "demuxsim: --host-address: 'nowhere' is not a host's IPv4 or "
	                "IPv6 address\n");
	g_free(out);
	g_free(err);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	capture = g_build_filename(paths.srcdir, "captures", "veth-ns.pcap", NULL);
	GError *err = NULL;
	workdir = g_dir_make_tmp("test-ss-XXXXXX", &err);
	g_assert_no_error(err);
	g_test_add_func("/ss/cli/dump", test_dump);
	g_test_add_func("/ss/cli/same-as-sockets", test_same_as_sockets);
	g_test_add_func("/ss/cli/bad", test_bad);
	g_test_add_func("/ss/cli/usage", test_usage);
	int st = g_test_run();
	tr_remove_tree(workdir);
	g_free(workdir);
	g_free(capture);
	tr_paths_clear(&paths);
	return st;
}
