/* test-reuse.c - the lookup rules of a Linux host beyond the textbook
 * one: SO_REUSEPORT groups (one flow, one member; flows spread), the
 * dual stack (an IPv6 wildcard takes IPv4 unless v6only, an IPv4 socket
 * wins for IPv4), a connected or exact socket beside a wildcard or a
 * group, hosts of several addresses (declared, and --same-host), and the
 * bind() conflicts a declared file is refused for (EADDRINUSE).
 *
 * Segments are dm_packet values filled in directly, as in test-demux.c;
 * the invariants are checked after every one.
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "demuxsim/demux.h"
#include "testhosts.h"
#include "testseg.h"

#define CLI "192.0.2.1"
#define CLI6 "2001:db8::1"
#define WEB4 "198.51.100.2"
#define WEB4B "198.51.100.3"
#define WEB6 "2001:db8::2"
#define T0 1700000000

typedef struct {
	dm_demux *dm;
	uint64_t frame;
	dm_decision d;
} sim;

static void
check(const dm_demux *dm)
{
	char *err = dm_demux_check_invariants(dm);
	g_assert_cmpstr(err, ==, NULL);
	g_free(err);
}

/* Load @text as a sockets file into @dm: NULL when it loads, else the
 * error's message (newly allocated). */
static char *
load(dm_demux *dm, const char *text)
{
	GError *err = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("test-reuse-XXXXXX.ini", &path, &err);
	g_assert_no_error(err);
	g_close(fd, NULL);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	bool ok = dm_demux_load_sockets(dm, path, &err);
	g_unlink(path);
	g_free(path);
	g_assert_true(ok == (err == NULL));
	char *msg = err ? g_strdup(err->message) : NULL;
	g_clear_error(&err);
	return msg;
}

static void
sim_init(sim *s, const char *declared)
{
	memset(s, 0, sizeof *s);
	s->dm = dm_demux_new(NULL);
	if (declared) {
		char *err = load(s->dm, declared);
		g_assert_cmpstr(err, ==, NULL);
	}
	check(s->dm);
}

static void
sim_clear(sim *s)
{
	check(s->dm);
	dm_demux_free(s->dm);
}

static const dm_decision *
feed(sim *s, dm_packet p)
{
	s->frame++;
	dm_demux_segment(s->dm, s->frame, T0 + (int64_t)s->frame, 0, DM_FRAME_SEGMENT, &p, &s->d);
	check(s->dm);
	return &s->d;
}

#define assert_lookup(d, l) g_assert_cmpstr(dm_lookup_name((d)->lookup), ==, dm_lookup_name(l))
#define assert_action(d, a) g_assert_cmpstr(dm_action_name((d)->action), ==, dm_action_name(a))

static void
assert_to(const dm_decision *d, const dm_socket *s, dm_lookup l)
{
	assert_action(d, DM_ACTION_DELIVERED);
	assert_lookup(d, l);
	g_assert_true(d->socket == s);
}

/* ---- specific, connected and wildcard -------------------------------- */

static void
test_udp_specific_beside_wildcard(void)
{
	sim s;
	sim_init(&s, "[" WEB4 "]\nudp = *:53 reuseaddr; 53 reuseaddr\n");
	const dm_socket *wild = th_sock_at(s.dm, WEB4, 0), *exact = th_sock_at(s.dm, WEB4, 1);
	assert_to(feed(&s, udp(CLI, 4000, WEB4, 53, 10)), exact, DM_LOOKUP_BOUND);
	assert_to(feed(&s, udp(CLI, 4001, WEB4, 53, 10)), exact, DM_LOOKUP_BOUND);
	g_assert_cmpuint(dm_socket_segments(wild), ==, 0);
	sim_clear(&s);
}

static void
test_udp_connected_beside_wildcard(void)
{
	sim s;
	sim_init(&s, "[" WEB4 "]\nudp = *:5000\nudp-connected = 5000>" CLI ":6000\n");
	const dm_socket *wild = th_sock_at(s.dm, WEB4, 0), *conn = th_sock_at(s.dm, WEB4, 1);
	assert_to(feed(&s, udp(CLI, 6000, WEB4, 5000, 1)), conn, DM_LOOKUP_EXACT);
	assert_to(feed(&s, udp(CLI, 6001, WEB4, 5000, 1)), wild, DM_LOOKUP_WILDCARD_BOUND);
	sim_clear(&s);
}

/* ---- the dual stack --------------------------------------------------- */

static void
test_dual_stack(void)
{
	sim s;
	sim_init(&s, "[web1]\naddresses = " WEB4 ", " WEB6 "\n"
	             "udp = [::]:443\ntcp = [::]:443\n");
	g_assert_cmpuint(th_n_hosts(s.dm), ==, 1);
	const dm_socket *u = th_sock_at(s.dm, WEB4, 0), *l = th_sock_at(s.dm, WEB6, 1);
	g_assert_true(th_host_of(s.dm, WEB4) == th_host_of(s.dm, WEB6));
	assert_to(feed(&s, udp(CLI, 4000, WEB4, 443, 5)), u, DM_LOOKUP_DUAL_BOUND);
	assert_to(feed(&s, udp(CLI6, 4000, WEB6, 443, 5)), u, DM_LOOKUP_WILDCARD_BOUND);
	const dm_decision *d = feed(&s, tcp(CLI, 4000, WEB4, 443, DM_TCP_SYN, 1, 0, 0));
	assert_action(d, DM_ACTION_SPAWNED);
	assert_lookup(d, DM_LOOKUP_DUAL_LISTENER);
	g_assert_true(dm_socket_parent(d->socket) == l);
	g_assert_true(d->host == th_host_of(s.dm, WEB4));
	/* The handshake completes on the child, an IPv4 connection. */
	feed(&s, tcp(WEB4, 443, CLI, 4000, DM_TCP_SYN | DM_TCP_ACK, 100, 2, 0));
	d = feed(&s, tcp(CLI, 4000, WEB4, 443, DM_TCP_ACK, 2, 101, 0));
	assert_action(d, DM_ACTION_ACCEPTED);
	g_assert_cmpint(dm_socket_family(d->socket), ==, 4);
	sim_clear(&s);
}

static void
test_v6only(void)
{
	sim s;
	sim_init(&s, "[web1]\naddresses = " WEB4 "; " WEB6 "\n"
	             "udp = [::]:443 v6only\ntcp = [::]:443 v6only\n");
	g_assert_true(dm_socket_v6only(th_sock_at(s.dm, WEB6, 0)));
	const dm_decision *d = feed(&s, udp(CLI, 4000, WEB4, 443, 5));
	assert_action(d, DM_ACTION_REFUSED);
	d = feed(&s, tcp(CLI, 4000, WEB4, 443, DM_TCP_SYN, 1, 0, 0));
	assert_action(d, DM_ACTION_REFUSED);
	assert_to(feed(&s, udp(CLI6, 4000, WEB6, 443, 5)), th_sock_at(s.dm, WEB6, 0),
	          DM_LOOKUP_WILDCARD_BOUND);
	sim_clear(&s);
}

/* An AF_INET socket scores above a dual-stack AF_INET6 one for IPv4. */
static void
test_inet_beside_dual_stack(void)
{
	sim s;
	sim_init(&s, "[web1]\naddresses = " WEB4 ", " WEB6 "\n"
	             "udp = [::]:53 reuseaddr; 0.0.0.0:53 reuseaddr\n"
	             "tcp = [::]:80 reuseport; 0.0.0.0:80 reuseport\n");
	const dm_socket *u6 = th_sock_at(s.dm, WEB4, 0), *u4 = th_sock_at(s.dm, WEB4, 1);
	const dm_socket *l4 = th_sock_at(s.dm, WEB4, 3);
	assert_to(feed(&s, udp(CLI, 4000, WEB4, 53, 5)), u4, DM_LOOKUP_WILDCARD_BOUND);
	assert_to(feed(&s, udp(CLI6, 4000, WEB6, 53, 5)), u6, DM_LOOKUP_WILDCARD_BOUND);
	const dm_decision *d = feed(&s, tcp(CLI, 4000, WEB4, 80, DM_TCP_SYN, 1, 0, 0));
	assert_lookup(d, DM_LOOKUP_WILDCARD_LISTENER);
	g_assert_true(dm_socket_parent(d->socket) == l4);
	sim_clear(&s);
}

/* ---- SO_REUSEPORT groups ---------------------------------------------- */

static void
test_reuseport_group(void)
{
	sim s;
	sim_init(&s, "[" WEB4 "]\nudp = *:5353*4 reuseaddr; 5354 reuseport; 5354 reuseport\n"
	             "tcp = 80*3\n");
	const dm_socket *m[4];
	for (guint i = 0; i < 4; i++) {
		m[i] = th_sock_at(s.dm, WEB4, i);
		g_assert_cmpint(dm_socket_group_member(m[i]), ==, (int)i);
	}
	/* reuseport on one endpoint: one group of two. */
	g_assert_cmpint(dm_socket_group_member(th_sock_at(s.dm, WEB4, 5)), ==, 1);
	guint hits[4] = { 0 };
	for (guint16 port = 1000; port < 1064; port++) {
		const dm_socket *first = NULL;
		for (int rep = 0; rep < 3; rep++) {
			const dm_decision *d = feed(&s, udp(CLI, port, WEB4, 5353, 1));
			assert_lookup(d, DM_LOOKUP_WILDCARD_BOUND);
			g_assert_cmpint(dm_socket_group_member(d->socket), >=, 0);
			if (!first)
				first = d->socket;
			g_assert_true(d->socket == first);  /* one flow, one member */
		}
		hits[dm_socket_group_member(first)]++;
	}
	guint used = 0;
	for (guint i = 0; i < 4; i++)
		used += hits[i] > 0;
	g_assert_cmpuint(used, >=, 3);  /* 64 flows spread */

	/* TCP: the member a SYN's hash picks is the child's parent. */
	guint parents[3] = { 0 };
	for (guint16 port = 2000; port < 2032; port++) {
		const dm_decision *d = feed(&s, tcp(CLI, port, WEB4, 80, DM_TCP_SYN, 1, 0, 0));
		assert_action(d, DM_ACTION_SPAWNED);
		const dm_socket *p = dm_socket_parent(d->socket);
		g_assert_cmpint(dm_socket_group_member(p), >=, 0);
		parents[dm_socket_group_member(p)]++;
		/* A retransmitted SYN reaches the same child. */
		d = feed(&s, tcp(CLI, port, WEB4, 80, DM_TCP_SYN, 1, 0, 0));
		g_assert_true(dm_socket_parent(d->socket) == p);
	}
	g_assert_cmpuint((parents[0] > 0) + (parents[1] > 0) + (parents[2] > 0), >=, 2);
	sim_clear(&s);
}

/* A socket on the exact address, or connected, wins over a group. */
static void
test_exact_beats_group(void)
{
	sim s;
	sim_init(&s, "[" WEB4 "]\nudp = *:5353*4 reuseaddr; 5353 reuseaddr\n"
	             "udp-connected = 5353>" CLI ":9\n");
	const dm_socket *exact = th_sock_at(s.dm, WEB4, 4), *conn = th_sock_at(s.dm, WEB4, 5);
	for (guint16 port = 1000; port < 1016; port++)
		assert_to(feed(&s, udp(CLI, port, WEB4, 5353, 1)), exact, DM_LOOKUP_BOUND);
	assert_to(feed(&s, udp(CLI, 9, WEB4, 5353, 1)), conn, DM_LOOKUP_EXACT);
	sim_clear(&s);
}

/* ---- hosts of several addresses ---------------------------------------- */

static void
test_named_host(void)
{
	sim s;
	sim_init(&s, "[web1]\naddresses = " WEB4 ", " WEB4B ", " WEB6 "\n"
	             "udp = 0.0.0.0:53; " WEB4B ":54\n");
	g_assert_cmpuint(th_n_hosts(s.dm), ==, 1);
	const dm_host *h = th_host_of(s.dm, WEB4);
	g_assert_cmpstr(dm_host_name(h), ==, "web1");
	g_assert_cmpuint(dm_host_n_addresses(h), ==, 3);
	int fam;
	dm_host_address_at(h, 2, &fam);
	g_assert_cmpint(fam, ==, 6);
	const dm_socket *wild = th_sock_at(s.dm, WEB4, 0);
	/* Its wildcard socket receives on both IPv4 addresses. */
	assert_to(feed(&s, udp(CLI, 1, WEB4, 53, 1)), wild, DM_LOOKUP_WILDCARD_BOUND);
	assert_to(feed(&s, udp(CLI, 1, WEB4B, 53, 1)), wild, DM_LOOKUP_WILDCARD_BOUND);
	g_assert_true(s.d.host == h);
	assert_to(feed(&s, udp(CLI, 1, WEB4B, 54, 1)), th_sock_at(s.dm, WEB4, 1), DM_LOOKUP_BOUND);
	assert_action(feed(&s, udp(CLI, 1, WEB4, 54, 1)), DM_ACTION_REFUSED);
	/* No IPv6 socket: IPv6 is refused, on the same host, from an IPv6 peer. */
	assert_action(feed(&s, udp(CLI6, 1, WEB6, 53, 1)), DM_ACTION_REFUSED);
	g_assert_true(s.d.host == h);
	const GArray *refused = dm_host_refusals(h);
	g_assert_cmpuint(refused->len, ==, 2);
	const dm_refusal *r4 = &g_array_index(refused, dm_refusal, 0);
	const dm_refusal *r6 = &g_array_index(refused, dm_refusal, 1);
	g_assert_cmpint(dm_refusal_family(h, r4), ==, 4);
	g_assert_cmpint(dm_refusal_family(h, r6), ==, 6);
	uint8_t cli6[16];
	parse_addr(CLI6, cli6);
	g_assert_cmpmem(r6->peer, 16, cli6, 16);
	g_assert_cmpuint(th_n_hosts(s.dm), ==, 1);
	sim_clear(&s);
}

/* Learn mode: one host per address unless told. */
static void
test_same_host_learn(void)
{
	sim s;
	sim_init(&s, NULL);
	GError *err = NULL;
	g_assert_true(dm_demux_same_host(s.dm, WEB4, WEB6, &err));
	g_assert_no_error(err);
	feed(&s, udp(CLI, 1, WEB4, 53, 1));
	feed(&s, udp(CLI6, 1, WEB6, 53, 1));
	feed(&s, udp(CLI, 1, WEB4B, 53, 1));
	g_assert_true(th_host_of(s.dm, WEB4) == th_host_of(s.dm, WEB6));
	g_assert_true(th_host_of(s.dm, WEB4) != th_host_of(s.dm, WEB4B));
	g_assert_cmpuint(dm_host_sockets(th_host_of(s.dm, WEB4))->len, ==, 2);
	g_assert_null(dm_host_name(th_host_of(s.dm, WEB4)));
	g_assert_false(dm_demux_same_host(s.dm, WEB4B, WEB6, &err));
	g_assert_nonnull(err);
	g_clear_error(&err);
	g_assert_false(dm_demux_same_host(s.dm, "web1", WEB6, &err));
	g_clear_error(&err);
	sim_clear(&s);
}

/* ---- files refused ------------------------------------------------------ */

static void
test_conflicts(void)
{
	static const struct { const char *text, *needle1, *needle2; } bad[] = {
		{ "[" WEB4 "]\nudp = 53;53\n", "EADDRINUSE", "'53' and" },
		{ "[" WEB4 "]\nudp = 53\ntcp = 80\n[" CLI "]\nudp = *:53;53\n", "EADDRINUSE", "'*:53'" },
		{ "[" WEB4 "]\nudp = *:53 reuseaddr;53\n", "EADDRINUSE", "reuseaddr" },
		{ "[" WEB4 "]\nudp = *:53 reuseport;53 reuseaddr\n", "EADDRINUSE", "'53 reuseaddr'" },
		{ "[" WEB4 "]\ntcp = *:80 reuseaddr;80 reuseaddr\n", "EADDRINUSE", "reuseport on both" },
		{ "[" WEB4 "]\ntcp = 80*2;80\n", "EADDRINUSE", "'80*2'" },
		{ "[w]\naddresses = " WEB4 "," WEB6 "\nudp = [::]:53;0.0.0.0:53\n", "EADDRINUSE",
		  "[w] udp: '[::]:53'" },
		{ "[w]\naddresses = " WEB4 "," WEB6 "\ntcp = [::]:53;" WEB4 ":53\n", "EADDRINUSE", "" },
		{ "[w]\naddresses = " WEB4 "," WEB6 "\nudp = 53 reuseaddr;53 reuseaddr\n",
		  "several addresses", "" },
		{ "[" WEB4 "]\nudp = 53 reuseaddr;53 reuseaddr\n", "not modelled", "" },
		{ "[w]\naddresses = " WEB6 "\nudp = [::]:53*2 v6only;[::]:53 reuseport\n", "v6only", "" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		dm_demux *dm = dm_demux_new(NULL);
		char *err = load(dm, bad[i].text);
		if (!err || !strstr(err, bad[i].needle1) || !strstr(err, bad[i].needle2))
			g_error("file %zu: error '%s', wanted '%s' and '%s'", i, err,
			        bad[i].needle1, bad[i].needle2);
		g_free(err);
		dm_demux_free(dm);
	}
	/* What bind() allows loads. */
	static const char *const good[] = {
		"[" WEB4 "]\nudp = 53;54;*:55\ntcp = 53\n",
		"[w]\naddresses = " WEB4 "," WEB6 "\nudp = [::]:53 v6only;0.0.0.0:53;[" WEB6 "]:54\n",
		"[w]\naddresses = " WEB4 "," WEB6 "\ntcp = [::]:80 v6only;" WEB4 ":80\n",
		"[" WEB4 "]\ntcp = 80 reuseport;*:80 reuseport;8080*2 reuseport;8080 reuseport\n",
		/* A key given twice: GKeyFile keeps its last value, read once. */
		"[" WEB4 "]\nudp = 53\nudp = 54\n",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
		dm_demux *dm = dm_demux_new(NULL);
		char *err = load(dm, good[i]);
		if (err)
			g_error("file %zu: %s", i, err);
		check(dm);
		dm_demux_free(dm);
	}
}

static void
test_bad_syntax(void)
{
	static const struct { const char *text, *needle; } bad[] = {
		{ "[" WEB4 "]\nudp = 53 fast\n", "unknown flag 'fast'" },
		{ "[" WEB4 "]\nudp = 53 v6only\n", "v6only is for IPv6" },
		{ "[" WEB4 "]\nudp = 53*0\n", "*0" },
		{ "[" WEB4 "]\nudp = 53*x\n", "*x" },
		{ "[" WEB4 "]\nudp = 53*5000\n", "*5000" },
		{ "[" WEB4 "]\nudp = 53/8\n", "for TCP listeners only" },
		{ "[" WEB4 "]\nudp = reuseport\n", "reuseport" },
		{ "[web1]\nudp = 53\n", "no 'addresses'" },
		{ "[web1]\naddresses = " WEB4 ", nope\n", "'nope' is not an address" },
		{ "[web1]\naddresses = 0.0.0.0\n", "wildcard" },
		{ "[web1]\naddresses = " WEB4 "\n[web2]\naddresses = " WEB4 "\n", "another host" },
		{ "[web1]\naddresses = " WEB4 "\n[" WEB4 "]\nudp = 53\n", "host [web1]" },
		{ "[" WEB4 "]\naddresses = " WEB6 "\n", "only a named host" },
		{ "[web1]\naddresses = " WEB4 "," WEB6 "\nudp = *:53\n", "0.0.0.0:PORT or [::]:PORT" },
		{ "[web1]\naddresses = " WEB4 "\nudp = 10.9.9.9:53\n", "10.9.9.9" },
		{ "[web1]\naddresses = " WEB4 "\nfoo = 1\n", "addresses, udp" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		dm_demux *dm = dm_demux_new(NULL);
		char *err = load(dm, bad[i].text);
		if (!err || !strstr(err, bad[i].needle))
			g_error("file %zu: error '%s', wanted '%s'", i, err, bad[i].needle);
		g_free(err);
		dm_demux_free(dm);
	}
}

static void
test_names(void)
{
	g_assert_cmpstr(dm_lookup_name(DM_LOOKUP_DUAL_BOUND), ==, "dual-stack-bound");
	g_assert_cmpstr(dm_lookup_name(DM_LOOKUP_DUAL_LISTENER), ==, "dual-stack-listener");
	g_assert_cmpstr(dm_lookup_name(DM_LOOKUP_N), ==, "?");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/reuse/udp/specific-beside-wildcard", test_udp_specific_beside_wildcard);
	g_test_add_func("/reuse/udp/connected-beside-wildcard", test_udp_connected_beside_wildcard);
	g_test_add_func("/reuse/dual-stack/ipv4-to-ipv6-wildcard", test_dual_stack);
	g_test_add_func("/reuse/dual-stack/v6only", test_v6only);
	g_test_add_func("/reuse/dual-stack/inet-wins", test_inet_beside_dual_stack);
	g_test_add_func("/reuse/group/flow-stays-flows-spread", test_reuseport_group);
	g_test_add_func("/reuse/group/exact-and-connected-win", test_exact_beats_group);
	g_test_add_func("/reuse/host/named-several-addresses", test_named_host);
	g_test_add_func("/reuse/host/same-host-learn", test_same_host_learn);
	g_test_add_func("/reuse/file/conflicts", test_conflicts);
	g_test_add_func("/reuse/file/bad-syntax", test_bad_syntax);
	g_test_add_func("/reuse/names", test_names);
	return g_test_run();
}
