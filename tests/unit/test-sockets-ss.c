/* test-sockets-ss.c - a real socket table as declared sockets: the key
 * file dm_sockets_from_ss() makes of `ss -tuanp`, `-tuanpH` and `-tulnp`
 * output (rows, addresses as ss prints them, reuseport groups, backlogs,
 * skipped states, bad lines with their line number), and the
 * "tcp-established" key those tables need, loaded and demultiplexed.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "demuxsim/demux.h"
#include "demuxsim/packet.h"
#include "testseg.h"

#define SRV "10.0.0.2"
#define CLI "10.0.0.1"
#define T0 1700000000

enum { SYN = DM_TCP_SYN, ACK = DM_TCP_ACK, FIN = DM_TCP_FIN };

/* The header line of the key file for @n sockets and @skipped rows. */
#define HEAD(name, n, skipped) \
	"# Declared sockets from the ss table " name " (demuxsim --sockets-from-ss):\n" \
	"# " #n " sockets; rows skipped: " #skipped "\n"

static char *
convert(const char *table, const char *const *addrs)
{
	GError *err = NULL;
	char *out = dm_sockets_from_ss(table, "t.ss", addrs, &err);
	g_assert_no_error(err);
	g_assert_nonnull(out);
	return out;
}

static void
assert_converts(const char *table, const char *const *addrs, const char *want)
{
	char *out = convert(table, addrs);
	g_assert_cmpstr(out, ==, want);
	g_free(out);
}

/* ss -tuanp of a host with one address: every kind of row. */
static void
test_rows(void)
{
	assert_converts(
		"Netid State     Recv-Q Send-Q  Local Address:Port   Peer Address:PortProcess\n"
		"udp   UNCONN    0      0             0.0.0.0:53          0.0.0.0:*    users:((\"named\",pid=7,fd=5))\n"
		"udp   UNCONN    0      0            10.0.0.2:53          0.0.0.0:*    users:((\"named\",pid=7,fd=6))\n"
		"udp   ESTAB     0      0            10.0.0.2:4000       10.0.0.1:5000 users:((\"app\",pid=8,fd=3))\n"
		"tcp   LISTEN    0      4096          0.0.0.0:22          0.0.0.0:*    users:((\"sshd\",pid=1,fd=3))\n"
		"tcp   LISTEN    0      128          10.0.0.2:80          0.0.0.0:*    users:((\"Web Content\",pid=2,fd=3))\n"
		"tcp   ESTAB     0      36           10.0.0.2:22         10.0.0.1:50000 users:((\"sshd\",pid=9,fd=4))\n"
		"tcp   CLOSE-WAIT 1     0            10.0.0.2:80         10.0.0.1:50002\n"
		"tcp   TIME-WAIT 0      0            10.0.0.2:80         10.0.0.1:50001\n"
		"tcp   SYN-SENT  0      1            10.0.0.2:41000      10.0.0.9:443   users:((\"curl\",pid=3,fd=5))\n",
		NULL,
		HEAD("t.ss", 7, 2)
		"[10.0.0.2]\n"
		"udp = 0.0.0.0:53 reuseaddr;10.0.0.2:53 reuseaddr\n"
		"tcp = 0.0.0.0:22;10.0.0.2:80/128\n"
		"udp-connected = 4000>10.0.0.1:5000\n"
		"tcp-established = 22>10.0.0.1:50000;80>10.0.0.1:50002\n"
		"# skipped, line 9 (tcp TIME-WAIT: no socket that receives): "
		"tcp TIME-WAIT 0 0 10.0.0.2:80 10.0.0.1:50001\n"
		"# skipped, line 10 (tcp SYN-SENT: no socket that receives): "
		"tcp SYN-SENT 0 1 10.0.0.2:41000 10.0.0.9:443 users:((\"curl\",pid=3,fd=5))\n");
}

/* -H (no header), -tulnp (listening only, no Process column) read alike. */
static void
test_variants(void)
{
	const char *const addrs[] = { SRV, NULL };
	const char *want = HEAD("t.ss", 2, 0) "[10.0.0.2]\nudp = 0.0.0.0:53\ntcp = 0.0.0.0:22/511\n";
	assert_converts("udp UNCONN 0 0 0.0.0.0:53 0.0.0.0:*\n"
	                "tcp LISTEN 0 511 0.0.0.0:22 0.0.0.0:*\n", addrs, want);
	assert_converts("\n  Netid  State  Recv-Q Send-Q Local Address:Port Peer Address:Port\n"
	                "udp\tUNCONN\t0 0\t0.0.0.0:53 0.0.0.0:*\r\n"
	                "tcp LISTEN 0 511 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=1,fd=3))\n\n",
	                addrs, want);
}

/* Addresses as ss prints them: "*" a dual-stack IPv6 wildcard, [::] a
 * v6only one (and v6only:N of ss -e), [::ffff:a.b.c.d] IPv4 on the wire,
 * %iface scopes dropped, old ss's ":::PORT". */
static void
test_addresses(void)
{
	const char *const addrs[] = { SRV, "2001:db8::2", NULL };
	assert_converts(
		"tcp LISTEN 0 7 *:443 *:*\n"
		"tcp LISTEN 0 9 [::]:22 [::]:*\n"
		"tcp LISTEN 0 9 [::ffff:10.0.0.2]:8080 [::]:*\n"
		"udp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:*\n"
		"udp UNCONN 0 0 [fe80::1]%eth0:546 [::]:*\n"
		"udp UNCONN 0 0 :::5353 :::*\n"
		"udp UNCONN 0 0 *:5355 *:* users:((\"x\",pid=1,fd=1)) ino:1 sk:2 v6only:1 <->\n"
		"udp ESTAB 0 0 [::ffff:10.0.0.2]:4000 [::ffff:10.0.0.1]:5000\n"
		"tcp ESTAB 0 0 [2001:db8::2]:22 [2001:db8::1]:40000\n",
		addrs,
		HEAD("t.ss", 9, 0)
		"[ss]\naddresses = 10.0.0.2, 2001:db8::2, 127.0.0.53, fe80::1\n"
		"udp = 127.0.0.53:53;[fe80::1]:546;[::]:5353;[::]:5355 v6only\n"
		"tcp = [::]:443/7;[::]:22/9 v6only;10.0.0.2:8080/9\n"
		"udp-connected = 10.0.0.2:4000>10.0.0.1:5000\n"
		"tcp-established = [2001:db8::2]:22>[2001:db8::1]:40000\n");
}

/* Several sockets on one endpoint (one row each) are a reuseport group;
 * a v6only [::] socket and a dual-stack one on a port are not one group.
 * Overlapping addresses on one port were bound with SO_REUSEADDR (UDP:
 * reuseaddr) or SO_REUSEPORT (TCP listeners, which SO_REUSEADDR does not
 * let overlap: reuseport).  IPv4 beside a v6only [::] does not overlap. */
static void
test_overlap(void)
{
	const char *const addrs[] = { SRV, NULL };
	assert_converts(
		"udp UNCONN 0 0 *:53 *:*\n"
		"udp UNCONN 0 0 10.0.0.2:53 0.0.0.0:*\n"
		"tcp LISTEN 0 5 [::]:80 [::]:*\n"
		"tcp LISTEN 0 5 0.0.0.0:80 0.0.0.0:*\n"
		"tcp LISTEN 0 5 *:81 *:*\n"
		"tcp LISTEN 0 5 0.0.0.0:81 0.0.0.0:*\n"
		"udp UNCONN 0 0 [::]:82 [::]:*\n"
		"udp UNCONN 0 0 [2001:db8::2]:82 [::]:*\n",
		addrs,
		HEAD("t.ss", 8, 0)
		"[ss]\naddresses = 10.0.0.2, 2001:db8::2\n"
		"udp = [::]:53 reuseaddr;10.0.0.2:53 reuseaddr;[::]:82 reuseaddr v6only;"
		"[2001:db8::2]:82 reuseaddr\n"
		"tcp = [::]:80/5 v6only;0.0.0.0:80/5;[::]:81/5 reuseport;0.0.0.0:81/5 reuseport\n");
}

/* Several sockets on one endpoint (one row each) are a reuseport group;
 * a v6only [::] socket and a dual-stack one on a port are not one group. */
static void
test_reuseport(void)
{
	const char *const addrs[] = { SRV, NULL };
	assert_converts(
		"udp UNCONN 0 0 0.0.0.0:5353 0.0.0.0:* users:((\"a\",pid=1,fd=3))\n"
		"udp UNCONN 0 0 0.0.0.0:5353 0.0.0.0:* users:((\"a\",pid=2,fd=3))\n"
		"udp UNCONN 0 0 10.0.0.2:5353 0.0.0.0:*\n"
		"tcp LISTEN 0 128 0.0.0.0:80 0.0.0.0:* users:((\"w\",pid=1,fd=4),(\"w\",pid=5,fd=4))\n"
		"tcp LISTEN 0 128 *:443 *:*\n"
		"tcp LISTEN 0 128 [::]:443 [::]:*\n"
		"tcp LISTEN 0 64 *:443 *:*\n",
		addrs,
		HEAD("t.ss", 7, 0)
		"[10.0.0.2]\n"
		"udp = 0.0.0.0:5353 reuseport reuseaddr;0.0.0.0:5353 reuseport reuseaddr;"
		"10.0.0.2:5353 reuseaddr\n"
		"tcp = 0.0.0.0:80/128;[::]:443/128 reuseport;[::]:443/128 reuseport v6only;"
		"[::]:443/64 reuseport\n");
}

/* Wildcard-only tables need --host-address; an empty one is a host with
 * no sockets. */
static void
test_host_addresses(void)
{
	GError *err = NULL;
	char *out = dm_sockets_from_ss("tcp LISTEN 0 4096 0.0.0.0:22 0.0.0.0:*\n", "t.ss", NULL, &err);
	g_assert_null(out);
	g_assert_nonnull(err);
	g_assert_cmpstr(err->message, ==, "t.ss: no socket is bound to one of the host's "
	                "addresses: name them with --host-address");
	g_clear_error(&err);
	const char *const bad[] = { "0.0.0.0", NULL };
	g_assert_null(dm_sockets_from_ss("", "t.ss", bad, &err));
	g_assert_cmpstr(err->message, ==, "--host-address: '0.0.0.0' is not a host's IPv4 or "
	                "IPv6 address");
	g_clear_error(&err);
	const char *const v6[] = { "2001:db8::2", NULL };
	assert_converts("Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\n", v6,
	                HEAD("t.ss", 0, 0) "[2001:db8::2]\n");
}

/* Bad lines: one error naming the file and line, never skipped. */
static void
test_bad_lines(void)
{
	static const struct { const char *row, *msg; } cases[] = {
		{ "tcp LISTEN 0 4096 0.0.0.0:22",
		  "not an ss row (Netid State Recv-Q Send-Q Local Peer [Process]; take the table "
		  "with ss -tuanp)" },
		{ "u_str ESTAB 0 0 * 123 * 456",
		  "netid 'u_str' is not tcp or udp (take the table with ss -tuanp: both -t and -u, "
		  "so that each row names it)" },
		{ "udp LISTEN 0 0 0.0.0.0:53 0.0.0.0:*", "'LISTEN' is not a socket state of that netid" },
		{ "tcp ESTABLISHED 0 0 10.0.0.2:1 10.0.0.1:2",
		  "'ESTABLISHED' is not a socket state of that netid" },
		{ "tcp LISTEN x 0 0.0.0.0:22 0.0.0.0:*", "Recv-Q and Send-Q are not counts" },
		{ "tcp LISTEN 0 5 0.0.0.0:99999 0.0.0.0:*", "'0.0.0.0:99999' is not a local ADDR:PORT" },
		{ "tcp LISTEN 0 5 10.0.0.300:22 0.0.0.0:*", "'10.0.0.300:22' is not a local ADDR:PORT" },
		{ "tcp LISTEN 0 5 [::1:22 [::]:*", "'[::1:22' is not a local ADDR:PORT" },
		{ "tcp LISTEN 0 5 0.0.0.0:22 nowhere", "'nowhere' is not a peer ADDR:PORT" },
		{ "tcp ESTAB 0 0 10.0.0.2:22 10.0.0.1:*",
		  "ESTAB: a connected socket names both of its addresses and ports" },
		{ "udp ESTAB 0 0 10.0.0.2:22 [2001:db8::1]:5",
		  "ESTAB: a connected socket names both of its addresses and ports" },
		{ "State Recv-Q Send-Q Local Address:Port Peer Address:Port",
		  "a header without (or not at the start of) a Netid column: take the table with "
		  "ss -tuanp" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *table = g_strdup_printf("Netid State Recv-Q Send-Q Local Peer\n"
		                              "udp UNCONN 0 0 10.0.0.2:53 0.0.0.0:*\n%s\n"
		                              "udp UNCONN 0 0 10.0.0.2:54 0.0.0.0:*\n", cases[i].row);
		GError *err = NULL;
		char *out = dm_sockets_from_ss(table, "t.ss", NULL, &err);
		g_assert_null(out);
		g_assert_nonnull(err);
		char *want = g_strdup_printf("t.ss:3: %s", cases[i].msg);
		g_assert_cmpstr(err->message, ==, want);
		g_free(want);
		g_error_free(err);
		g_free(table);
	}
}

/* ---- loaded and demultiplexed ------------------------------------------ */

static const dm_decision *
feed(dm_demux *dm, uint64_t *frame, dm_packet p, dm_decision *d)
{
	++*frame;
	dm_demux_segment(dm, *frame, T0 + (int64_t)*frame, 0, DM_FRAME_SEGMENT, &p, d);
	char *bad = dm_demux_check_invariants(dm);
	g_assert_cmpstr(bad, ==, NULL);
	return d;
}

static dm_demux *
load(const char *keyfile)
{
	dm_demux *dm = dm_demux_new(NULL);
	GError *err = NULL;
	g_assert_true(dm_demux_load_sockets_text(dm, keyfile, &err));
	g_assert_no_error(err);
	return dm;
}

/* A table converted and loaded: a connection established before the
 * capture takes its segments both ways, under its listener; a new SYN to
 * the listener spawns a child; UDP goes to the wildcard and the bound
 * socket; other ports are refused. */
static void
test_loaded(void)
{
	char *text = convert(
		"tcp LISTEN 0 4096 0.0.0.0:22 0.0.0.0:*\n"
		"tcp ESTAB 0 0 10.0.0.2:22 10.0.0.1:50000\n"
		"tcp ESTAB 0 0 10.0.0.2:41000 10.0.0.9:443\n"
		"udp UNCONN 0 0 0.0.0.0:53 0.0.0.0:*\n"
		"udp UNCONN 0 0 10.0.0.2:54 0.0.0.0:*\n", NULL);
	dm_demux *dm = load(text);
	g_free(text);
	GPtrArray *hosts = dm_demux_hosts(dm);
	g_assert_cmpuint(hosts->len, ==, 1);
	const GPtrArray *socks = dm_host_sockets(g_ptr_array_index(hosts, 0));
	g_assert_cmpuint(socks->len, ==, 5);
	/* In the key file's order: udp, tcp, tcp-established. */
	const dm_socket *u53 = g_ptr_array_index(socks, 0);
	const dm_socket *u54 = g_ptr_array_index(socks, 1);
	const dm_socket *l = g_ptr_array_index(socks, 2);
	const dm_socket *ssh = g_ptr_array_index(socks, 3);
	const dm_socket *out = g_ptr_array_index(socks, 4);
	g_assert_cmpint(dm_socket_kind(ssh), ==, DM_KIND_CONNECTION);
	g_assert_cmpint(dm_socket_state(ssh), ==, DM_TCP_ESTABLISHED);
	g_assert_true(dm_socket_declared(ssh));
	g_assert_false(dm_socket_midstream(ssh));
	g_assert_true(dm_socket_parent(ssh) == l);
	g_assert_null(dm_socket_parent(out));   /* a client's connection */

	uint64_t f = 0;
	dm_decision d;
	feed(dm, &f, tcp(CLI, 50000, SRV, 22, ACK, 100, 200, 10), &d);
	g_assert_true(d.socket == ssh);
	g_assert_cmpint(d.lookup, ==, DM_LOOKUP_EXACT);
	g_assert_cmpint(d.action, ==, DM_ACTION_DELIVERED);
	feed(dm, &f, tcp("10.0.0.9", 443, SRV, 41000, ACK, 1, 1, 5), &d);
	g_assert_true(d.socket == out);
	feed(dm, &f, tcp(CLI, 50000, SRV, 22, FIN | ACK, 110, 200, 0), &d);
	g_assert_true(d.socket == ssh);
	g_assert_cmpint(dm_socket_state(ssh), ==, DM_TCP_CLOSE_WAIT);
	feed(dm, &f, tcp(CLI, 50001, SRV, 22, SYN, 7, 0, 0), &d);
	g_assert_cmpint(d.action, ==, DM_ACTION_SPAWNED);
	g_assert_true(dm_socket_parent(d.socket) == l);
	feed(dm, &f, tcp(CLI, 50003, SRV, 23, ACK, 7, 1, 0), &d);
	g_assert_cmpint(d.action, ==, DM_ACTION_REFUSED);
	feed(dm, &f, udp(CLI, 9, SRV, 53, 4), &d);
	g_assert_true(d.socket == u53);
	g_assert_cmpint(d.lookup, ==, DM_LOOKUP_WILDCARD_BOUND);
	feed(dm, &f, udp(CLI, 9, SRV, 54, 4), &d);
	g_assert_true(d.socket == u54);
	g_assert_cmpint(d.lookup, ==, DM_LOOKUP_BOUND);
	g_ptr_array_unref(hosts);
	dm_demux_free(dm);
}

/* Overlapping listeners (a specific address beside the wildcard, IPv4
 * beside a dual-stack [::]), as the kernel bound them with SO_REUSEPORT:
 * the table loads (no EADDRINUSE), the entries are not one group, and
 * the exact address wins, as does AF_INET over the dual-stack socket;
 * the wildcard takes the host's other addresses. */
static void
test_loaded_overlap(void)
{
	const char *const addrs[] = { SRV, "10.0.0.3", NULL };
	char *text = convert(
		"tcp LISTEN 0 4096 0.0.0.0:6007 0.0.0.0:*\n"
		"tcp LISTEN 0 4096 10.0.0.2:6007 0.0.0.0:*\n"
		"tcp LISTEN 0 4096 *:6008 *:*\n"
		"tcp LISTEN 0 4096 0.0.0.0:6008 0.0.0.0:*\n", addrs);
	g_assert_nonnull(strstr(text, "tcp = 0.0.0.0:6007 reuseport;10.0.0.2:6007 reuseport;"
	                              "[::]:6008 reuseport;0.0.0.0:6008 reuseport\n"));
	dm_demux *dm = load(text);
	g_free(text);
	GPtrArray *hosts = dm_demux_hosts(dm);
	g_assert_cmpuint(hosts->len, ==, 1);
	const GPtrArray *socks = dm_host_sockets(g_ptr_array_index(hosts, 0));
	g_assert_cmpuint(socks->len, ==, 4);
	const dm_socket *any = g_ptr_array_index(socks, 0);
	const dm_socket *spec = g_ptr_array_index(socks, 1);
	const dm_socket *inet = g_ptr_array_index(socks, 3);
	uint64_t f = 0;
	dm_decision d;
	for (uint16_t port = 56001; port < 56009; port++) {
		feed(dm, &f, tcp(CLI, port, SRV, 6007, SYN, 7, 0, 0), &d);
		g_assert_cmpint(d.action, ==, DM_ACTION_SPAWNED);
		g_assert_true(dm_socket_parent(d.socket) == spec);
		feed(dm, &f, tcp(CLI, port, "10.0.0.3", 6007, SYN, 7, 0, 0), &d);
		g_assert_cmpint(d.action, ==, DM_ACTION_SPAWNED);
		g_assert_true(dm_socket_parent(d.socket) == any);
		feed(dm, &f, tcp(CLI, port, SRV, 6008, SYN, 7, 0, 0), &d);
		g_assert_cmpint(d.action, ==, DM_ACTION_SPAWNED);
		g_assert_true(dm_socket_parent(d.socket) == inet);
	}
	g_ptr_array_unref(hosts);
	dm_demux_free(dm);
}

/* tcp-established entries the loader refuses: a wildcard or another
 * host's local address, a wildcard or missing peer. */
static void
test_established_bad(void)
{
	static const char *const bad[] = {
		"*:22>10.0.0.1:5", "0.0.0.0:22>10.0.0.1:5", "10.0.0.3:22>10.0.0.1:5",
		"22>*:5", "22>10.0.0.1", "22", "0>10.0.0.1:5", "22>[2001:db8::1]:5",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		char *kf = g_strdup_printf("[" SRV "]\ntcp-established = %s\n", bad[i]);
		dm_demux *dm = dm_demux_new(NULL);
		GError *err = NULL;
		g_assert_false(dm_demux_load_sockets_text(dm, kf, &err));
		g_assert_nonnull(err);
		char *want = g_strdup_printf("[" SRV "] tcp-established: '%s' is not a valid "
		                             "connection (LPORT>PEER:PORT)", bad[i]);
		g_assert_cmpstr(err->message, ==, want);
		g_free(want);
		g_error_free(err);
		dm_demux_free(dm);
		g_free(kf);
	}
	/* IPv6, with the host's address spelled out; a duplicate is one. */
	dm_demux *dm = load("[2001:db8::2]\ntcp-established = [2001:db8::2]:22>[2001:db8::1]:5;"
	                    "22>[2001:db8::1]:5\n");
	g_assert_cmpuint(dm_demux_socket_count(dm), ==, 1);
	dm_demux_free(dm);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ss/rows", test_rows);
	g_test_add_func("/ss/variants", test_variants);
	g_test_add_func("/ss/addresses", test_addresses);
	g_test_add_func("/ss/reuseport", test_reuseport);
	g_test_add_func("/ss/overlap", test_overlap);
	g_test_add_func("/ss/host-addresses", test_host_addresses);
	g_test_add_func("/ss/bad-lines", test_bad_lines);
	g_test_add_func("/ss/loaded", test_loaded);
	g_test_add_func("/ss/loaded-overlap", test_loaded_overlap);
	g_test_add_func("/ss/established-bad", test_established_bad);
	return g_test_run();
}
