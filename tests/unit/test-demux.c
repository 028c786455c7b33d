/* test-demux.c - the simulated receiving hosts: UDP and TCP lookup order,
 * listeners spawning connections, the RFC 9293 state machine on both ends,
 * drops, refusals with and without evidence, declared sockets from a key
 * file, and a scale sanity check.
 *
 * Segments are dm_packet values filled in directly (no frames are built),
 * and every segment is fed through feed(), which checks the tables'
 * invariants after it.  Frame N is given the time 1700000000+N s and
 * N*1000 ns, so first/last times can be checked against frame numbers.
 */
#include "config.h"

#include <arpa/inet.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "demuxsim/checksum.h"
#include "demuxsim/demux.h"
#include "demuxsim/packet.h"
#include "testhosts.h"
#include "testseg.h"

/* Addresses used throughout. */
#define CLI "192.0.2.1"      /* a client */
#define CLI2 "192.0.2.2"     /* another client */
#define SRV "198.51.100.10"  /* a server */
#define SRV2 "198.51.100.11" /* another server */
#define CLI6 "2001:db8::1"
#define SRV6 "2001:db8::10"

#define T0 1700000000

enum { SYN = DM_TCP_SYN, ACK = DM_TCP_ACK, FIN = DM_TCP_FIN, RST = DM_TCP_RST,
       PSH = DM_TCP_PSH };

/* ---- packets ------------------------------------------------------- */

/* ---- the simulation under test --------------------------------------- */

typedef struct {
	dm_demux *dm;
	uint64_t frame;   /* the last frame number used */
	dm_decision d;    /* the last decision */
} sim;

static void
check_invariants(const dm_demux *dm)
{
	char *err = dm_demux_check_invariants(dm);
	g_assert_cmpstr(err, ==, NULL);
	g_free(err);
}

static void
sim_init(sim *s, bool keep_bad)
{
	dm_demux_config cfg = { .keep_bad_checksums = keep_bad };
	memset(s, 0, sizeof *s);
	s->dm = dm_demux_new(&cfg);
	check_invariants(s->dm);
}

static void
sim_clear(sim *s)
{
	check_invariants(s->dm);
	dm_demux_free(s->dm);
	s->dm = NULL;
}

/* Run the next frame (decoded to @st) through the simulation. */
static const dm_decision *
feed_st(sim *s, dm_frame_status st, const dm_packet *p)
{
	s->frame++;
	dm_demux_segment(s->dm, s->frame, T0 + (int64_t)s->frame,
	                 (uint32_t)s->frame * 1000u, st, p, &s->d);
	check_invariants(s->dm);
	return &s->d;
}

static const dm_decision *
feed(sim *s, const dm_packet p)
{
	return feed_st(s, DM_FRAME_SEGMENT, &p);
}

/* Key files. */
static char *
write_tmp(const char *contents)
{
	GError *err = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("test-demux-XXXXXX.ini", &path, &err);
	g_assert_no_error(err);
	g_assert_cmpint(fd, >=, 0);
	g_close(fd, NULL);
	g_assert_true(g_file_set_contents(path, contents, -1, &err));
	g_assert_no_error(err);
	return path;
}

static void
sim_declare(sim *s, const char *contents)
{
	char *path = write_tmp(contents);
	GError *err = NULL;
	bool ok = dm_demux_load_sockets(s->dm, path, &err);
	g_assert_no_error(err);
	g_assert_true(ok);
	check_invariants(s->dm);
	g_unlink(path);
	g_free(path);
}

/* ---- looking at the results ---------------------------------------- */

static guint
n_sockets(const dm_demux *dm, const char *addr)
{
	const dm_host *h = th_host_of(dm, addr);
	return h ? dm_host_sockets(h)->len : 0;
}

/* The newest TCP connection on @local:@lport to @remote:@rport, or NULL. */
static const dm_socket *
find_conn(const dm_demux *dm, const char *local, uint16_t lport,
          const char *remote, uint16_t rport)
{
	uint8_t r[16];
	const dm_host *h = th_host_of(dm, local);
	const dm_socket *found = NULL;
	parse_addr(remote, r);
	if (!h)
		return NULL;
	const GPtrArray *a = dm_host_sockets(h);
	for (guint i = 0; i < a->len; i++) {
		const dm_socket *s = g_ptr_array_index(a, i);
		uint16_t lp = 0, rp = 0;
		dm_socket_local(s, &lp);
		const uint8_t *ra = dm_socket_remote(s, &rp);
		if (dm_socket_proto(s) == 6 && dm_socket_kind(s) == DM_KIND_CONNECTION &&
		    lp == lport && ra && rp == rport &&
		    memcmp(ra, r, dm_socket_family(s) == 6 ? 16 : 4) == 0)
			found = s;
	}
	return found;
}

static void
assert_endpoint(const uint8_t *got, uint16_t got_port, const char *addr, uint16_t port)
{
	uint8_t a[16];
	uint8_t fam = parse_addr(addr, a);
	g_assert_nonnull(got);
	g_assert_cmpmem(got, fam == 6 ? 16 : 4, a, fam == 6 ? 16 : 4);
	g_assert_cmpuint(got_port, ==, port);
}

static void
assert_local(const dm_socket *s, const char *addr, uint16_t port)
{
	uint16_t p = 0;
	const uint8_t *a = dm_socket_local(s, &p);
	assert_endpoint(a, p, addr, port);
}

static void
assert_remote(const dm_socket *s, const char *addr, uint16_t port)
{
	uint16_t p = 0;
	const uint8_t *a = dm_socket_remote(s, &p);
	assert_endpoint(a, p, addr, port);
}

static void
assert_host(const dm_decision *d, const char *addr)
{
	uint8_t a[16];
	uint8_t fam = parse_addr(addr, a);
	g_assert_nonnull(d->host);
	g_assert_cmpint(dm_host_family(d->host), ==, fam);
	g_assert_cmpmem(dm_host_address(d->host), 16, a, 16);
}

/* Compare by name so that failures read well. */
#define assert_lookup(d, l) g_assert_cmpstr(dm_lookup_name((d)->lookup), ==, dm_lookup_name(l))
#define assert_action(d, a) g_assert_cmpstr(dm_action_name((d)->action), ==, dm_action_name(a))
#define assert_drop(d, r) g_assert_cmpstr(dm_drop_name((d)->drop), ==, dm_drop_name(r))
#define assert_reply(d, r) g_assert_cmpstr(dm_reply_name((d)->reply), ==, dm_reply_name(r))
#define assert_dstate(d, s) g_assert_cmpstr(dm_tcp_state_name((d)->state), ==, dm_tcp_state_name(s))
#define assert_state(sock, s) g_assert_cmpstr(dm_tcp_state_name(dm_socket_state(sock)), ==, dm_tcp_state_name(s))

/* A decision that delivered to a socket. */
static void
assert_delivered(const dm_decision *d, const char *host, dm_lookup l, dm_action a)
{
	assert_host(d, host);
	assert_lookup(d, l);
	assert_action(d, a);
	assert_drop(d, DM_DROP_NONE);
	assert_reply(d, DM_REPLY_NONE);
	g_assert_cmpuint(d->evidence, ==, 0);
	g_assert_nonnull(d->socket);
}

/* A decision that refused: no socket, the reply and its evidence. */
static void
assert_refused(const dm_decision *d, const char *host, dm_reply r, uint64_t evidence)
{
	assert_host(d, host);
	assert_action(d, DM_ACTION_REFUSED);
	assert_drop(d, DM_DROP_NONE);
	assert_reply(d, r);
	g_assert_cmpuint(d->evidence, ==, evidence);
	g_assert_null(d->socket);
	assert_lookup(d, DM_LOOKUP_NONE);
}

static const dm_refusal *
refusal_at(const dm_demux *dm, const char *host, guint i)
{
	const dm_host *h = th_host_of(dm, host);
	g_assert_nonnull(h);
	const GArray *r = dm_host_refusals(h);
	g_assert_cmpuint(i, <, r->len);
	return &g_array_index(r, dm_refusal, i);
}

static guint
n_refusals(const dm_demux *dm, const char *host)
{
	const dm_host *h = th_host_of(dm, host);
	return h ? dm_host_refusals(h)->len : 0;
}

static void
assert_refusal(const dm_refusal *r, uint8_t proto, uint16_t port, const char *peer,
               uint16_t peer_port, uint64_t frame, dm_reply reply,
               uint64_t evidence, uint32_t count)
{
	g_assert_cmpuint(r->proto, ==, proto);
	g_assert_cmpuint(r->port, ==, port);
	assert_endpoint(r->peer, r->peer_port, peer, peer_port);
	g_assert_cmpuint(r->frame, ==, frame);
	g_assert_cmpstr(dm_reply_name(r->reply), ==, dm_reply_name(reply));
	g_assert_cmpuint(r->evidence, ==, evidence);
	g_assert_cmpuint(r->count, ==, count);
}

/* ---- TCP scripts ---------------------------------------------------- */

/* A connection between @cli:@cport and @srv:@sport, with the next
 * sequence numbers each end sends. */
typedef struct {
	const char *cli, *srv;
	uint16_t cport, sport;
	uint32_t cseq, sseq;  /* next sequence number of each end */
} conn;

static conn
conn_of(const char *cli, uint16_t cport, const char *srv, uint16_t sport,
        uint32_t ciss, uint32_t siss)
{
	conn c = { cli, srv, cport, sport, ciss, siss };
	return c;
}

/* Client to server: the segment and its effect on the sequence space. */
static const dm_decision *
c2s(sim *s, conn *c, uint8_t flags, uint32_t len)
{
	dm_packet p = tcp(c->cli, c->cport, c->srv, c->sport, flags, c->cseq,
	                  (flags & ACK) ? c->sseq : 0, len);
	c->cseq += len + ((flags & SYN) ? 1 : 0) + ((flags & FIN) ? 1 : 0);
	return feed(s, p);
}

static const dm_decision *
s2c(sim *s, conn *c, uint8_t flags, uint32_t len)
{
	dm_packet p = tcp(c->srv, c->sport, c->cli, c->cport, flags, c->sseq,
	                  (flags & ACK) ? c->cseq : 0, len);
	c->sseq += len + ((flags & SYN) ? 1 : 0) + ((flags & FIN) ? 1 : 0);
	return feed(s, p);
}

static const dm_socket *
cli_sock(const sim *s, const conn *c)
{
	return find_conn(s->dm, c->cli, c->cport, c->srv, c->sport);
}

static const dm_socket *
srv_sock(const sim *s, const conn *c)
{
	return find_conn(s->dm, c->srv, c->sport, c->cli, c->cport);
}

/* The three-way handshake; returns the server's child. */
static const dm_socket *
handshake(sim *s, conn *c)
{
	const dm_decision *d = c2s(s, c, SYN, 0);
	assert_action(d, DM_ACTION_SPAWNED);
	assert_dstate(d, DM_TCP_SYN_RECEIVED);
	const dm_socket *child = d->socket;
	d = s2c(s, c, SYN | ACK, 0);
	assert_action(d, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	d = c2s(s, c, ACK, 0);
	assert_action(d, DM_ACTION_ACCEPTED);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	g_assert_true(d->socket == child);
	return child;
}

/* ---- names and non-segments ----------------------------------------- */

static void
test_names(void)
{
	g_assert_cmpstr(dm_tcp_state_name(DM_TCP_NONE), ==, NULL);
	g_assert_cmpstr(dm_tcp_state_name(DM_TCP_SYN_RECEIVED), ==, "SYN-RECEIVED");
	g_assert_cmpstr(dm_tcp_state_name(DM_TCP_TIME_WAIT), ==, "TIME-WAIT");
	g_assert_cmpstr(dm_tcp_state_name(DM_TCP_CLOSED), ==, "CLOSED");
	g_assert_cmpstr(dm_tcp_state_name(DM_TCP_N_STATE), ==, NULL);
	for (int i = 1; i < DM_TCP_N_STATE; i++)
		g_assert_nonnull(dm_tcp_state_name((dm_tcp_state)i));
	g_assert_cmpstr(dm_lookup_name(DM_LOOKUP_WILDCARD_LISTENER), ==, "wildcard-listener");
	g_assert_cmpstr(dm_lookup_name(DM_LOOKUP_WILDCARD_BOUND), ==, "wildcard-bound");
	g_assert_cmpstr(dm_lookup_name(DM_LOOKUP_NEW), ==, "new");
	g_assert_cmpstr(dm_action_name(DM_ACTION_ACCEPTED), ==, "accepted");
	g_assert_cmpstr(dm_action_name(DM_ACTION_SPAWNED), ==, "spawned");
	g_assert_cmpstr(dm_drop_name(DM_DROP_NONE), ==, NULL);
	g_assert_cmpstr(dm_drop_name(DM_DROP_BAD_CHECKSUM), ==, "bad-checksum");
	g_assert_cmpstr(dm_drop_name(DM_DROP_CLOSED), ==, "closed");
	for (int i = 1; i < DM_DROP_N; i++)
		g_assert_nonnull(dm_drop_name((dm_drop_reason)i));
	g_assert_cmpstr(dm_reply_name(DM_REPLY_NONE), ==, NULL);
	g_assert_cmpstr(dm_reply_name(DM_REPLY_RST), ==, "rst");
	g_assert_cmpstr(dm_reply_name(DM_REPLY_ICMP_PORT_UNREACHABLE), ==, "icmp-port-unreachable");
	g_assert_cmpstr(dm_sock_kind_name(DM_KIND_LISTEN), ==, "listen");
	g_assert_cmpstr(dm_sock_kind_name(DM_KIND_CONNECTION), ==, "connection");
}

/* Frames that are not UDP/TCP segments leave the decision empty and the
 * tables untouched. */
static void
test_non_segments(void)
{
	sim s;
	sim_init(&s, false);
	dm_packet d = udp(CLI, 40000, SRV, 9, 4);
	dm_packet ic = icmp_unreach(&d);
	const dm_decision *r = feed_st(&s, DM_FRAME_ICMP_ERROR, &ic);
	g_assert_null(r->host);
	g_assert_null(r->socket);
	dm_packet other = mk_seg(47, CLI, 0, SRV, 0, 40); /* GRE */
	r = feed(&s, other);
	g_assert_null(r->host);
	dm_packet frag = udp(CLI, 40000, SRV, 9, 4);
	r = feed_st(&s, DM_FRAME_FRAGMENT, &frag);
	g_assert_null(r->host);
	g_assert_cmpuint(th_n_hosts(s.dm), ==, 0);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 0);
	sim_clear(&s);
	dm_demux_free(NULL);
}

/* ---- UDP ------------------------------------------------------------- */

/* Learn mode: the first datagram to a port creates a socket bound to the
 * exact address (lookup "new"); later ones find it ("bound"). */
static void
test_udp_learn(void)
{
	sim s;
	sim_init(&s, false);

	const dm_decision *d = feed(&s, udp(CLI, 40000, SRV, 53, 30));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_NONE);
	const dm_socket *sk = d->socket;
	g_assert_cmpuint(dm_socket_id(sk), ==, 1);
	g_assert_cmpuint(dm_socket_proto(sk), ==, 17);
	g_assert_cmpint(dm_socket_kind(sk), ==, DM_KIND_BOUND);
	g_assert_cmpint(dm_socket_family(sk), ==, 4);
	assert_local(sk, SRV, 53);
	g_assert_false(dm_socket_local_is_wildcard(sk));
	g_assert_null(dm_socket_remote(sk, NULL));
	g_assert_cmpint(dm_socket_state(sk), ==, DM_TCP_NONE);
	g_assert_null(dm_socket_parent(sk));
	g_assert_false(dm_socket_declared(sk));
	g_assert_false(dm_socket_midstream(sk));
	g_assert_cmpuint(dm_socket_segments(sk), ==, 1);
	g_assert_cmpuint(dm_socket_bytes(sk), ==, 30);
	g_assert_cmpuint(dm_socket_peers(sk), ==, 1);

	d = feed(&s, udp(CLI, 40000, SRV, 53, 50));
	assert_delivered(d, SRV, DM_LOOKUP_BOUND, DM_ACTION_DELIVERED);
	g_assert_true(d->socket == sk);
	g_assert_cmpuint(dm_socket_segments(sk), ==, 2);
	g_assert_cmpuint(dm_socket_bytes(sk), ==, 80);
	g_assert_cmpuint(dm_socket_peers(sk), ==, 1);

	/* Another port: another socket, after the first in the host's list. */
	d = feed(&s, udp(CLI, 40000, SRV, 54, 0));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	g_assert_true(d->socket != sk);
	g_assert_cmpuint(dm_socket_id(d->socket), ==, 2);
	g_assert_cmpuint(dm_socket_bytes(d->socket), ==, 0);
	g_assert_true(th_sock_at(s.dm, SRV, 0) == sk);
	g_assert_true(th_sock_at(s.dm, SRV, 1) == d->socket);

	/* Only the receiving address has a socket table. */
	g_assert_cmpuint(th_n_hosts(s.dm), ==, 1);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 2);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_BAD_CHECKSUM), ==, 0);
	g_assert_cmpuint(dm_host_refusals(th_host_of(s.dm, SRV))->len, ==, 0);
	sim_clear(&s);
}

/* Many sources into one socket: peers counts distinct (address, port);
 * bytes add up; first/last frame and time are those of the first and last
 * delivery. */
static void
test_udp_peers(void)
{
	static const struct { const char *src; uint16_t port; uint32_t len; } in[] = {
		{ CLI, 1000, 10 }, { CLI, 1001, 20 }, { CLI2, 1000, 30 },
		{ CLI, 1000, 40 }, { CLI2, 1000, 50 }, { "203.0.113.7", 1001, 0 },
	};
	sim s;
	sim_init(&s, false);
	const dm_socket *sk = NULL;
	uint64_t bytes = 0;
	for (guint i = 0; i < G_N_ELEMENTS(in); i++) {
		const dm_decision *d = feed(&s, udp(in[i].src, in[i].port, SRV, 5000, in[i].len));
		assert_delivered(d, SRV, i == 0 ? DM_LOOKUP_NEW : DM_LOOKUP_BOUND,
		                 DM_ACTION_DELIVERED);
		if (!sk)
			sk = d->socket;
		g_assert_true(d->socket == sk);
		bytes += in[i].len;
	}
	g_assert_cmpuint(dm_socket_segments(sk), ==, 6);
	g_assert_cmpuint(dm_socket_bytes(sk), ==, bytes);
	g_assert_cmpuint(dm_socket_peers(sk), ==, 4);

	/* A datagram to another host in between does not touch this socket. */
	feed(&s, udp(CLI, 1000, SRV2, 5000, 1));
	feed(&s, udp(CLI, 1000, SRV, 5000, 1));
	g_assert_cmpuint(dm_socket_peers(sk), ==, 4);
	g_assert_cmpuint(dm_socket_first_frame(sk), ==, 1);
	g_assert_cmpuint(dm_socket_last_frame(sk), ==, 8);
	int64_t sec;
	uint32_t nsec;
	dm_socket_first_time(sk, &sec, &nsec);
	g_assert_cmpint(sec, ==, T0 + 1);
	g_assert_cmpuint(nsec, ==, 1000);
	dm_socket_last_time(sk, &sec, &nsec);
	g_assert_cmpint(sec, ==, T0 + 8);
	g_assert_cmpuint(nsec, ==, 8000);

	/* Peers are per socket: the same peer is new to another socket. */
	const dm_decision *d = feed(&s, udp(CLI, 1000, SRV, 5001, 1));
	g_assert_cmpuint(dm_socket_peers(d->socket), ==, 1);
	const dm_socket *other = th_host_of(s.dm, SRV2) ? th_sock_at(s.dm, SRV2, 0) : NULL;
	g_assert_nonnull(other);
	g_assert_cmpuint(dm_socket_peers(other), ==, 1);
	g_assert_cmpuint(dm_socket_first_frame(other), ==, 7);
	g_assert_cmpuint(dm_socket_last_frame(other), ==, 7);

	/* Hosts come out in address order. */
	GPtrArray *hosts = dm_demux_hosts(s.dm);
	g_assert_cmpuint(hosts->len, ==, 2);
	g_assert_true(g_ptr_array_index(hosts, 0) == th_host_of(s.dm, SRV));
	g_assert_true(g_ptr_array_index(hosts, 1) == th_host_of(s.dm, SRV2));
	g_ptr_array_unref(hosts);
	sim_clear(&s);
}

/* Run @p as frame @frame at @sec.@nsec. */
static const dm_decision *
feed_at(sim *s, uint64_t frame, int64_t sec, uint32_t nsec, const dm_packet p)
{
	s->frame = frame;
	dm_demux_segment(s->dm, frame, sec, nsec, DM_FRAME_SEGMENT, &p, &s->d);
	check_invariants(s->dm);
	return &s->d;
}

typedef struct {
	uint64_t frame;
	int64_t sec;
	uint32_t nsec;
} frame_at;

static void
assert_span(const dm_socket *sk, const frame_at *first, const frame_at *last)
{
	int64_t sec;
	uint32_t nsec;
	g_assert_cmpuint(dm_socket_first_frame(sk), ==, first->frame);
	dm_socket_first_time(sk, &sec, &nsec);
	g_assert_cmpint(sec, ==, first->sec);
	g_assert_cmpuint(nsec, ==, first->nsec);
	g_assert_cmpuint(dm_socket_last_frame(sk), ==, last->frame);
	dm_socket_last_time(sk, &sec, &nsec);
	g_assert_cmpint(sec, ==, last->sec);
	g_assert_cmpuint(nsec, ==, last->nsec);
}

/* First and last frame numbers and times come back exactly as given,
 * whatever their size: frame numbers beyond 32 bits, times whose
 * nanoseconds do not fit 64 bits (either side of the edge), negative
 * times, and nanosecond fields out of range. */
static const frame_at span_cases[] = {
	{ 1, T0, 5 },
	{ UINT32_MAX, -1, 999999999 },
	{ (uint64_t)UINT32_MAX + 1, T0, 0 },
	{ UINT64_MAX, INT64_MAX, 999999999 },
	{ 2, INT64_MIN, 0 },
	{ 3, INT64_C(9223372035), 999999999 },
	{ 4, INT64_C(9223372036), 0 },
	{ 5, INT64_C(-9223372035), 0 },
	{ 6, INT64_C(-9223372036), 999999999 },
	{ 9, INT64_C(9223372036), 999999999 },
	{ 10, INT64_C(-9223372037), 0 },
	{ 7, T0, 1000000000 },
	{ 8, 0, UINT32_MAX },
	{ (uint64_t)1 << 40, -T0, 1 },
};

static void
test_span_extremes(void)
{
	const guint n = G_N_ELEMENTS(span_cases);
	sim s;
	sim_init(&s, false);
	const dm_socket *socks[G_N_ELEMENTS(span_cases)];
	/* Socket i: first span_cases[i], then the next case, then the first
	 * case again (narrow values after wide ones). */
	for (guint i = 0; i < n; i++) {
		const frame_at *a = &span_cases[i], *b = &span_cases[(i + 1) % n];
		uint16_t port = (uint16_t)(6000 + i);
		socks[i] = feed_at(&s, a->frame, a->sec, a->nsec, udp(CLI, 1000, SRV, port, 1))->socket;
		g_assert_nonnull(socks[i]);
		assert_span(socks[i], a, a);
		feed_at(&s, b->frame, b->sec, b->nsec, udp(CLI, 1000, SRV, port, 1));
		assert_span(socks[i], a, b);
		feed_at(&s, 1, T0, 5, udp(CLI2, 1000, SRV, port, 1));
		assert_span(socks[i], a, &span_cases[0]);
		g_assert_cmpuint(dm_socket_segments(socks[i]), ==, 3);
	}
	for (guint i = 0; i < n; i++)
		assert_span(socks[i], &span_cases[i], &span_cases[0]);

	/* A listener and the connection it spawns on a SYN. */
	const frame_at *big = &span_cases[3];
	const dm_decision *d = feed_at(&s, big->frame, big->sec, big->nsec,
	                               tcp(CLI, 40000, SRV, 80, SYN, 100, 0, 0));
	g_assert_cmpint(d->action, ==, DM_ACTION_SPAWNED);
	assert_span(d->socket, big, big);
	assert_span(dm_socket_parent(d->socket), big, big);
	sim_clear(&s);
}

/* Sockets with wide spans leave the tables like any other: evicted ones
 * are discarded (nothing kept of them), expired ones stay in the report
 * with their spans. */
static void
test_span_wide_retired(void)
{
	dm_demux_config cfg = { .max_sockets = 2, .udp_idle = 10 };
	sim s;
	memset(&s, 0, sizeof s);
	s.dm = dm_demux_new(&cfg);
	uint64_t frame = (uint64_t)1 << 33;
	for (uint16_t port = 7000; port < 7010; port++, frame++)
		feed_at(&s, frame, T0, 0, udp(CLI, 1000, SRV, port, 1));
	dm_demux_usage u;
	dm_demux_get_usage(s.dm, &u);
	g_assert_cmpuint(u.retired[DM_RETIRE_EVICT_UDP], ==, 8);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 2);
	/* Idle for long (a frame that is no segment later): the last two
	 * expire and stay, spans and all. */
	feed_at(&s, frame, T0 + 3600, 0, mk_seg(47, CLI, 0, SRV, 0, 40));
	dm_demux_get_usage(s.dm, &u);
	g_assert_cmpuint(u.retired[DM_RETIRE_UDP_IDLE], ==, 2);
	for (guint i = 0; i < 2; i++) {
		const dm_socket *sk = th_sock_at(s.dm, SRV, i);
		const frame_at at = { frame - 2 + i, T0, 0 };
		g_assert_cmpint(dm_socket_retired(sk), ==, DM_RETIRE_UDP_IDLE);
		assert_span(sk, &at, &at);
	}
	sim_clear(&s);
}

static const char declared_udp[] =
	"[" SRV "]\n"
	"udp = 53 reuseaddr;*:53 reuseaddr;0.0.0.0:5353;" SRV ":7\n"
	"udp-connected = 53>" CLI ":40000\n"
	"[" SRV6 "]\n"
	"udp = [*]:53\n";

/* A socket bound to the exact address beats one bound to the wildcard;
 * the wildcard catches what only it matches. */
static void
test_udp_exact_beats_wildcard(void)
{
	sim s;
	sim_init(&s, false);
	sim_declare(&s, declared_udp);
	const dm_socket *exact = th_sock_at(s.dm, SRV, 0);
	const dm_socket *wild = th_sock_at(s.dm, SRV, 1);
	const dm_socket *wild5353 = th_sock_at(s.dm, SRV, 2);
	const dm_socket *echo = th_sock_at(s.dm, SRV, 3);
	g_assert_false(dm_socket_local_is_wildcard(exact));
	g_assert_true(dm_socket_local_is_wildcard(wild));
	g_assert_true(dm_socket_local_is_wildcard(wild5353));
	g_assert_false(dm_socket_local_is_wildcard(echo));

	const dm_decision *d = feed(&s, udp(CLI2, 40000, SRV, 53, 12));
	assert_delivered(d, SRV, DM_LOOKUP_BOUND, DM_ACTION_DELIVERED);
	g_assert_true(d->socket == exact);
	d = feed(&s, udp(CLI2, 40000, SRV, 5353, 12));
	assert_delivered(d, SRV, DM_LOOKUP_WILDCARD_BOUND, DM_ACTION_DELIVERED);
	g_assert_true(d->socket == wild5353);
	d = feed(&s, udp(CLI2, 40000, SRV, 7, 12));
	assert_delivered(d, SRV, DM_LOOKUP_BOUND, DM_ACTION_DELIVERED);
	g_assert_true(d->socket == echo);
	g_assert_cmpuint(dm_socket_segments(wild), ==, 0);

	/* The IPv6 host has only a wildcard socket. */
	d = feed(&s, udp(CLI6, 40000, SRV6, 53, 3));
	assert_delivered(d, SRV6, DM_LOOKUP_WILDCARD_BOUND, DM_ACTION_DELIVERED);
	g_assert_true(dm_socket_local_is_wildcard(d->socket));
	g_assert_cmpint(dm_socket_family(d->socket), ==, 6);
	g_assert_true(dm_socket_declared(d->socket));

	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 6);
	sim_clear(&s);
}

/* A connected socket (udp-connected) takes its peer's datagrams before
 * any bound socket; other peers go to the bound one. */
static void
test_udp_connected_beats_bound(void)
{
	sim s;
	sim_init(&s, false);
	sim_declare(&s, declared_udp);
	const dm_socket *exact = th_sock_at(s.dm, SRV, 0);
	const dm_socket *csock = th_sock_at(s.dm, SRV, 4);
	g_assert_cmpint(dm_socket_kind(csock), ==, DM_KIND_CONNECTION);
	g_assert_cmpint(dm_socket_state(csock), ==, DM_TCP_NONE);
	assert_local(csock, SRV, 53);
	assert_remote(csock, CLI, 40000);
	g_assert_true(dm_socket_declared(csock));

	const dm_decision *d = feed(&s, udp(CLI, 40000, SRV, 53, 8));
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	g_assert_true(d->socket == csock);
	/* Same address, other port; other address, same port: not the peer. */
	d = feed(&s, udp(CLI, 40001, SRV, 53, 8));
	assert_delivered(d, SRV, DM_LOOKUP_BOUND, DM_ACTION_DELIVERED);
	g_assert_true(d->socket == exact);
	d = feed(&s, udp(CLI2, 40000, SRV, 53, 8));
	assert_delivered(d, SRV, DM_LOOKUP_BOUND, DM_ACTION_DELIVERED);
	g_assert_true(d->socket == exact);
	d = feed(&s, udp(CLI, 40000, SRV, 53, 8));
	g_assert_true(d->socket == csock);
	g_assert_cmpuint(dm_socket_segments(csock), ==, 2);
	g_assert_cmpuint(dm_socket_peers(csock), ==, 1);
	g_assert_cmpuint(dm_socket_segments(exact), ==, 2);
	g_assert_cmpuint(dm_socket_peers(exact), ==, 2);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 6);
	sim_clear(&s);
}

/* A connected socket alone: a datagram from anyone else is refused. */
static void
test_udp_connected_only(void)
{
	sim s;
	sim_init(&s, false);
	sim_declare(&s, "[" SRV "]\nudp-connected = 4000>" CLI ":5000\n");
	const dm_decision *d = feed(&s, udp(CLI, 5000, SRV, 4000, 1));
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	d = feed(&s, udp(CLI, 5001, SRV, 4000, 1));
	assert_refused(d, SRV, DM_REPLY_ICMP_PORT_UNREACHABLE, 0);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 1);
	sim_clear(&s);
}

/* A wildcard socket is the wildcard of its own host only. */
static void
test_wildcard_per_host(void)
{
	sim s;
	sim_init(&s, false);
	sim_declare(&s,
	            "[" SRV "]\nudp = *:53\ntcp = *:80\n"
	            "[" SRV2 "]\nudp = 123\ntcp = 22\n"
	            "[" SRV6 "]\nudp = [::]:53\n");
	const dm_decision *d = feed(&s, udp(CLI, 40000, SRV, 53, 1));
	assert_delivered(d, SRV, DM_LOOKUP_WILDCARD_BOUND, DM_ACTION_DELIVERED);
	d = feed(&s, udp(CLI, 40000, SRV2, 53, 1));
	assert_refused(d, SRV2, DM_REPLY_ICMP_PORT_UNREACHABLE, 0);
	d = feed(&s, tcp(CLI, 40001, SRV2, 80, SYN, 1, 0, 0));
	assert_refused(d, SRV2, DM_REPLY_RST, 0);
	/* A host with no declaration at all, too. */
	d = feed(&s, udp(CLI, 40000, "203.0.113.9", 53, 1));
	assert_refused(d, "203.0.113.9", DM_REPLY_ICMP_PORT_UNREACHABLE, 0);
	d = feed(&s, tcp(CLI, 40002, SRV, 80, SYN, 1, 0, 0));
	assert_host(d, SRV);
	assert_lookup(d, DM_LOOKUP_WILDCARD_LISTENER);
	assert_action(d, DM_ACTION_SPAWNED);
	/* An IPv6 wildcard does not catch IPv4 traffic and vice versa. */
	d = feed(&s, udp("2001:db8::99", 1, "2001:db8::11", 53, 1));
	assert_refused(d, "2001:db8::11", DM_REPLY_ICMP_PORT_UNREACHABLE, 0);
	d = feed(&s, udp("2001:db8::99", 1, SRV6, 53, 1));
	assert_delivered(d, SRV6, DM_LOOKUP_WILDCARD_BOUND, DM_ACTION_DELIVERED);
	g_assert_cmpuint(n_sockets(s.dm, SRV2), ==, 2);
	g_assert_cmpuint(n_sockets(s.dm, "203.0.113.9"), ==, 0);
	sim_clear(&s);

	/* Learn mode: a socket learnt on one host is not another host's. */
	sim_init(&s, false);
	d = feed(&s, udp(CLI, 40000, SRV, 53, 1));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	const dm_socket *first = d->socket;
	d = feed(&s, udp(CLI, 40000, SRV2, 53, 1));
	assert_delivered(d, SRV2, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	g_assert_true(d->socket != first);
	g_assert_cmpuint(dm_socket_segments(first), ==, 1);
	sim_clear(&s);
}

static void
test_udp_ipv6_final_dst(void)
{
	/* With a routing header the socket is looked up on the final
	 * destination, not the address in the IPv6 header. */
	sim s;
	sim_init(&s, false);
	dm_packet p = udp(CLI6, 5000, "2001:db8::fe", 53, 9);
	parse_addr(SRV6, p.final_dst);
	const dm_decision *d = feed(&s, p);
	assert_delivered(d, SRV6, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	assert_local(d->socket, SRV6, 53);
	d = feed(&s, udp(CLI6, 5000, SRV6, 53, 9));
	assert_delivered(d, SRV6, DM_LOOKUP_BOUND, DM_ACTION_DELIVERED);
	g_assert_null(th_host_of(s.dm, "2001:db8::fe"));
	sim_clear(&s);
}

/* ---- TCP ------------------------------------------------------------- */

static void
test_tcp_handshake(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI, 40000, SRV, 80, 1000, 5000);

	/* SYN: the server's listener (learnt) spawns a child; the client's
	 * end is in SYN-SENT. */
	const dm_decision *d = c2s(&s, &c, SYN, 0);
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_SPAWNED);
	assert_dstate(d, DM_TCP_SYN_RECEIVED);
	const dm_socket *child = d->socket;
	const dm_socket *l = dm_socket_parent(child);
	g_assert_nonnull(l);
	g_assert_cmpint(dm_socket_kind(l), ==, DM_KIND_LISTEN);
	assert_state(l, DM_TCP_LISTEN);
	assert_local(l, SRV, 80);
	g_assert_null(dm_socket_remote(l, NULL));
	g_assert_false(dm_socket_local_is_wildcard(l));
	g_assert_cmpint(dm_socket_kind(child), ==, DM_KIND_CONNECTION);
	assert_state(child, DM_TCP_SYN_RECEIVED);
	assert_local(child, SRV, 80);
	assert_remote(child, CLI, 40000);
	g_assert_false(dm_socket_midstream(child));
	g_assert_true(th_sock_at(s.dm, SRV, 0) == l);
	g_assert_true(th_sock_at(s.dm, SRV, 1) == child);
	const dm_socket *cs = cli_sock(&s, &c);
	g_assert_nonnull(cs);
	assert_state(cs, DM_TCP_SYN_SENT);
	g_assert_null(dm_socket_parent(cs));
	g_assert_false(dm_socket_midstream(cs));
	g_assert_cmpuint(dm_socket_segments(cs), ==, 0);
	g_assert_cmpuint(dm_socket_segments(l), ==, 1);
	g_assert_cmpuint(dm_socket_segments(child), ==, 1);

	/* SYN-ACK: the client's end is established. */
	d = s2c(&s, &c, SYN | ACK, 0);
	assert_delivered(d, CLI, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	g_assert_true(d->socket == cs);
	assert_state(child, DM_TCP_SYN_RECEIVED);

	/* ACK: the child is accepted. */
	d = c2s(&s, &c, ACK, 0);
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_ACCEPTED);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	g_assert_true(d->socket == child);

	/* Data is delivered and counted. */
	d = c2s(&s, &c, PSH | ACK, 100);
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	d = s2c(&s, &c, PSH | ACK, 300);
	assert_delivered(d, CLI, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	g_assert_cmpuint(dm_socket_bytes(child), ==, 100);
	g_assert_cmpuint(dm_socket_segments(child), ==, 3);
	g_assert_cmpuint(dm_socket_bytes(cs), ==, 300);
	g_assert_cmpuint(dm_socket_segments(cs), ==, 2);
	g_assert_cmpuint(dm_socket_peers(child), ==, 1);
	assert_state(child, DM_TCP_ESTABLISHED);
	assert_state(cs, DM_TCP_ESTABLISHED);

	/* A second client: the listener is found on the exact address. */
	conn c2 = conn_of(CLI, 40001, SRV, 80, 77, 88);
	d = c2s(&s, &c2, SYN, 0);
	assert_delivered(d, SRV, DM_LOOKUP_LISTENER, DM_ACTION_SPAWNED);
	g_assert_true(dm_socket_parent(d->socket) == l);
	g_assert_true(d->socket != child);
	g_assert_cmpuint(dm_socket_segments(l), ==, 2);
	g_assert_cmpuint(dm_socket_first_frame(l), ==, 1);
	g_assert_cmpuint(dm_socket_last_frame(l), ==, 6);

	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 5);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 3);
	g_assert_cmpuint(n_sockets(s.dm, CLI), ==, 2);
	GPtrArray *hosts = dm_demux_hosts(s.dm);
	g_assert_cmpuint(hosts->len, ==, 2);
	g_assert_true(g_ptr_array_index(hosts, 0) == th_host_of(s.dm, CLI));
	g_assert_true(g_ptr_array_index(hosts, 1) == th_host_of(s.dm, SRV));
	g_ptr_array_unref(hosts);
	sim_clear(&s);
}

static void
test_tcp_handshake_ipv6(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI6, 50000, SRV6, 443, 0x10000000u, 0x20000000u);
	const dm_socket *child = handshake(&s, &c);
	g_assert_cmpint(dm_socket_family(child), ==, 6);
	assert_local(child, SRV6, 443);
	assert_remote(child, CLI6, 50000);
	assert_state(cli_sock(&s, &c), DM_TCP_ESTABLISHED);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 3);
	/* IPv4 hosts sort before IPv6 ones. */
	feed(&s, udp(CLI, 1, SRV, 2, 0));
	GPtrArray *hosts = dm_demux_hosts(s.dm);
	g_assert_cmpuint(hosts->len, ==, 3);
	g_assert_cmpint(dm_host_family(g_ptr_array_index(hosts, 0)), ==, 4);
	g_assert_cmpint(dm_host_family(g_ptr_array_index(hosts, 1)), ==, 6);
	g_ptr_array_unref(hosts);
	sim_clear(&s);
}

/* The client closes first: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT on its end;
 * CLOSE-WAIT, LAST-ACK, CLOSED on the server's. */
static void
test_tcp_close_client_first(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI, 40000, SRV, 80, 1000, 5000);
	const dm_socket *child = handshake(&s, &c);
	const dm_socket *cs = cli_sock(&s, &c);
	c2s(&s, &c, PSH | ACK, 100);

	/* Client FIN (seq 1101): client FIN-WAIT-1, server CLOSE-WAIT. */
	g_assert_cmpuint(c.cseq, ==, 1101);
	const dm_decision *d = c2s(&s, &c, FIN | ACK, 0);
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_CLOSE_WAIT);
	assert_state(cs, DM_TCP_FIN_WAIT_1);
	assert_state(child, DM_TCP_CLOSE_WAIT);

	/* Server data acking only up to the FIN: still FIN-WAIT-1. */
	d = feed(&s, tcp(SRV, 80, CLI, 40000, PSH | ACK, 5001, 1101, 10));
	c.sseq += 10;
	assert_dstate(d, DM_TCP_FIN_WAIT_1);
	/* The ACK of the FIN (ack 1102): FIN-WAIT-2. */
	d = s2c(&s, &c, ACK, 0);
	g_assert_cmpuint(s.d.state, ==, DM_TCP_FIN_WAIT_2);
	assert_delivered(d, CLI, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	assert_state(cs, DM_TCP_FIN_WAIT_2);
	assert_state(child, DM_TCP_CLOSE_WAIT);
	/* Data still flows from the server in CLOSE-WAIT. */
	d = s2c(&s, &c, PSH | ACK, 20);
	assert_dstate(d, DM_TCP_FIN_WAIT_2);

	/* Server FIN: server LAST-ACK, client TIME-WAIT. */
	d = s2c(&s, &c, FIN | ACK, 0);
	assert_dstate(d, DM_TCP_TIME_WAIT);
	assert_state(child, DM_TCP_LAST_ACK);
	assert_state(cs, DM_TCP_TIME_WAIT);

	/* An ACK short of the server's FIN leaves it in LAST-ACK. */
	d = feed(&s, tcp(CLI, 40000, SRV, 80, ACK, c.cseq, c.sseq - 1, 0));
	assert_dstate(d, DM_TCP_LAST_ACK);
	/* The last ACK: CLOSED. */
	d = c2s(&s, &c, ACK, 0);
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_CLOSED);
	assert_state(child, DM_TCP_CLOSED);
	assert_state(cs, DM_TCP_TIME_WAIT);

	/* A retransmitted FIN reaches the client in TIME-WAIT. */
	d = feed(&s, tcp(SRV, 80, CLI, 40000, FIN | ACK, c.sseq - 1, c.cseq, 0));
	assert_delivered(d, CLI, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_TIME_WAIT);
	/* A late duplicate for the CLOSED end is dropped on its tombstone. */
	uint64_t segs = dm_socket_segments(child);
	d = feed(&s, tcp(CLI, 40000, SRV, 80, ACK, c.cseq, c.sseq, 0));
	assert_host(d, SRV);
	assert_action(d, DM_ACTION_DROPPED);
	assert_drop(d, DM_DROP_CLOSED);
	assert_lookup(d, DM_LOOKUP_EXACT);
	g_assert_true(d->socket == child);
	assert_dstate(d, DM_TCP_CLOSED);
	g_assert_cmpuint(dm_socket_segments(child), ==, segs);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_CLOSED), ==, 1);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 3);
	sim_clear(&s);
}

/* The server closes first: the roles swap. */
static void
test_tcp_close_server_first(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI, 40000, SRV, 80, 3000000000u, 123456);
	const dm_socket *child = handshake(&s, &c);
	const dm_socket *cs = cli_sock(&s, &c);
	s2c(&s, &c, PSH | ACK, 1460);
	c2s(&s, &c, ACK, 0);

	const dm_decision *d = s2c(&s, &c, FIN | ACK, 0);
	assert_dstate(d, DM_TCP_CLOSE_WAIT);
	assert_state(child, DM_TCP_FIN_WAIT_1);
	d = c2s(&s, &c, ACK, 0);
	assert_dstate(d, DM_TCP_FIN_WAIT_2);
	d = c2s(&s, &c, FIN | ACK, 0);
	assert_dstate(d, DM_TCP_TIME_WAIT);
	assert_state(cs, DM_TCP_LAST_ACK);
	d = s2c(&s, &c, ACK, 0);
	assert_host(d, CLI);
	assert_dstate(d, DM_TCP_CLOSED);
	assert_state(cs, DM_TCP_CLOSED);
	assert_state(child, DM_TCP_TIME_WAIT);
	sim_clear(&s);
}

/* FIN-WAIT-1 receiving a FIN that also acknowledges ours goes straight to
 * TIME-WAIT (the FIN+ACK three-segment close). */
static void
test_tcp_close_fin_ack(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI, 40000, SRV, 80, 1, 1);
	const dm_socket *child = handshake(&s, &c);
	const dm_socket *cs = cli_sock(&s, &c);
	c2s(&s, &c, FIN | ACK, 0);
	const dm_decision *d = s2c(&s, &c, FIN | ACK, 0);
	assert_dstate(d, DM_TCP_TIME_WAIT);
	assert_state(child, DM_TCP_LAST_ACK);
	d = c2s(&s, &c, ACK, 0);
	assert_dstate(d, DM_TCP_CLOSED);
	assert_state(cs, DM_TCP_TIME_WAIT);
	sim_clear(&s);
}

/* Sequence numbers wrapping through 2^32 during the close. */
static void
test_tcp_close_seq_wrap(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI, 40000, SRV, 80, 0xffffff00u, 0xfffffff0u);
	const dm_socket *child = handshake(&s, &c);
	const dm_socket *cs = cli_sock(&s, &c);
	c2s(&s, &c, PSH | ACK, 0xfe); /* client's FIN lands on 0xffffffff */
	g_assert_cmpuint(c.cseq, ==, 0xffffffffu);
	c2s(&s, &c, FIN | ACK, 0);
	g_assert_cmpuint(c.cseq, ==, 0);
	const dm_decision *d = s2c(&s, &c, PSH | ACK, 100); /* wraps the server */
	assert_dstate(d, DM_TCP_FIN_WAIT_2);
	d = s2c(&s, &c, FIN | ACK, 0);
	assert_dstate(d, DM_TCP_TIME_WAIT);
	d = c2s(&s, &c, ACK, 0);
	assert_dstate(d, DM_TCP_CLOSED);
	assert_state(child, DM_TCP_CLOSED);
	assert_state(cs, DM_TCP_TIME_WAIT);
	sim_clear(&s);
}

/* Simultaneous close: FINs cross.  At a single capture point one FIN is
 * seen first, so its receiver is in CLOSE-WAIT when its own FIN leaves;
 * that FIN's ACK does not cover the peer's FIN, which shows it was sent
 * first: both ends go through CLOSING to TIME-WAIT (RFC 9293 3.6). */
static void
test_tcp_simultaneous_close(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI, 40000, SRV, 80, 1000, 5000);
	const dm_socket *child = handshake(&s, &c);
	const dm_socket *cs = cli_sock(&s, &c);
	uint32_t server_ack = c.cseq; /* what the server has seen before the FINs cross */

	const dm_decision *d = c2s(&s, &c, FIN | ACK, 0);
	assert_state(cs, DM_TCP_FIN_WAIT_1);
	/* The server's FIN, sent before the client's arrived: ack 1001. */
	d = feed(&s, tcp(SRV, 80, CLI, 40000, FIN | ACK, c.sseq, server_ack, 0));
	c.sseq++;
	assert_host(d, CLI);
	assert_dstate(d, DM_TCP_CLOSING);
	assert_state(cs, DM_TCP_CLOSING);
	/* Each end acknowledges the other's FIN. */
	assert_state(child, DM_TCP_CLOSING);
	d = c2s(&s, &c, ACK, 0);
	assert_dstate(d, DM_TCP_TIME_WAIT);
	assert_state(child, DM_TCP_TIME_WAIT);
	assert_state(cs, DM_TCP_CLOSING);
	d = s2c(&s, &c, ACK, 0);
	assert_dstate(d, DM_TCP_TIME_WAIT);
	assert_state(cs, DM_TCP_TIME_WAIT);
	sim_clear(&s);

	/* The other order: the server's FIN is seen first. */
	sim_init(&s, false);
	c = conn_of(CLI, 40000, SRV, 80, 1000, 5000);
	child = handshake(&s, &c);
	cs = cli_sock(&s, &c);
	uint32_t client_ack = c.sseq;
	s2c(&s, &c, FIN | ACK, 0);
	assert_state(child, DM_TCP_FIN_WAIT_1);
	d = feed(&s, tcp(CLI, 40000, SRV, 80, FIN | ACK, c.cseq, client_ack, 0));
	c.cseq++;
	assert_dstate(d, DM_TCP_CLOSING);
	assert_state(child, DM_TCP_CLOSING);
	assert_state(cs, DM_TCP_CLOSING);
	d = s2c(&s, &c, ACK, 0);
	assert_dstate(d, DM_TCP_TIME_WAIT);
	d = c2s(&s, &c, ACK, 0);
	assert_dstate(d, DM_TCP_TIME_WAIT);
	assert_state(child, DM_TCP_TIME_WAIT);
	sim_clear(&s);
}

/* An RST closes both ends: the sender's as it leaves, the receiver's as
 * it arrives; an RST for nothing is dropped. */
static void
test_tcp_rst(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI, 40000, SRV, 80, 1000, 5000);
	const dm_socket *child = handshake(&s, &c);
	const dm_socket *cs = cli_sock(&s, &c);
	c2s(&s, &c, PSH | ACK, 10);

	const dm_decision *d = c2s(&s, &c, RST | ACK, 0);
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_CLOSED);
	assert_state(child, DM_TCP_CLOSED);
	assert_state(cs, DM_TCP_CLOSED);
	/* Server data in flight reaches the client's CLOSED end: dropped. */
	d = s2c(&s, &c, PSH | ACK, 10);
	assert_host(d, CLI);
	assert_action(d, DM_ACTION_DROPPED);
	assert_drop(d, DM_DROP_CLOSED);
	g_assert_true(d->socket == cs);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, CLI), DM_DROP_CLOSED), ==, 1);

	/* An RST to an unknown 4-tuple: dropped, no socket made. */
	guint n = dm_demux_socket_count(s.dm);
	d = feed(&s, tcp("203.0.113.5", 1234, SRV, 81, RST, 99, 0, 0));
	assert_host(d, SRV);
	assert_action(d, DM_ACTION_DROPPED);
	assert_drop(d, DM_DROP_NO_SOCKET);
	g_assert_null(d->socket);
	/* ... even to a port with a listener. */
	d = feed(&s, tcp("203.0.113.5", 1235, SRV, 80, RST | ACK, 99, 5, 0));
	assert_drop(d, DM_DROP_NO_SOCKET);
	assert_lookup(d, DM_LOOKUP_LISTENER);
	g_assert_null(d->socket);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_NO_SOCKET), ==, 2);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, n);
	g_assert_null(th_host_of(s.dm, "203.0.113.5"));

	/* An RST from the server during the handshake closes the child. */
	conn c2 = conn_of(CLI2, 40000, SRV, 80, 1, 2);
	d = c2s(&s, &c2, SYN, 0);
	const dm_socket *child2 = d->socket;
	d = s2c(&s, &c2, RST | ACK, 0);
	assert_host(d, CLI2);
	assert_dstate(d, DM_TCP_CLOSED);
	assert_state(child2, DM_TCP_CLOSED);
	sim_clear(&s);
}

/* A retransmitted SYN reaches the child it spawned: no second child. */
static void
test_tcp_retransmitted_syn(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI, 40000, SRV, 80, 1000, 5000);
	const dm_decision *d = c2s(&s, &c, SYN, 0);
	const dm_socket *child = d->socket;
	const dm_socket *l = dm_socket_parent(child);
	c.cseq = 1000;
	d = c2s(&s, &c, SYN, 0);
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_SYN_RECEIVED);
	g_assert_true(d->socket == child);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 3);
	g_assert_cmpuint(dm_socket_segments(l), ==, 1);
	g_assert_cmpuint(dm_socket_segments(child), ==, 2);
	g_assert_cmpuint(dm_socket_peers(child), ==, 1);
	/* And a retransmitted SYN-ACK leaves the client established. */
	s2c(&s, &c, SYN | ACK, 0);
	c.sseq = 5000;
	d = s2c(&s, &c, SYN | ACK, 0);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	d = c2s(&s, &c, ACK, 0);
	assert_action(d, DM_ACTION_ACCEPTED);
	g_assert_true(d->socket == child);
	/* A duplicate of the handshake ACK is only delivered. */
	c.cseq = 1001;
	d = c2s(&s, &c, ACK, 0);
	assert_action(d, DM_ACTION_DELIVERED);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 3);
	sim_clear(&s);
}

/* Close with the client active; return after the server's end is CLOSED
 * and the client's in TIME-WAIT. */
static void
close_client_first(sim *s, conn *c)
{
	c2s(s, c, FIN | ACK, 0);
	s2c(s, c, ACK, 0);
	s2c(s, c, FIN | ACK, 0);
	const dm_decision *d = c2s(s, c, ACK, 0);
	assert_dstate(d, DM_TCP_CLOSED);
	assert_state(cli_sock(s, c), DM_TCP_TIME_WAIT);
}

/* A SYN-ACK its sender sends again after both ends closed (its end
 * CLOSED, or TIME-WAIT when it closed first) is the old connection's,
 * retransmitted: no new socket on its sender, which keeps the old one. */
static void
test_tcp_synack_after_close(void)
{
	for (int server_first = 0; server_first <= 1; server_first++) {
		sim s;
		sim_init(&s, false);
		conn c = conn_of(CLI, 40000, SRV, 80, 1000, 5000);
		const dm_socket *child = handshake(&s, &c);
		const dm_socket *cs = cli_sock(&s, &c);
		c2s(&s, &c, PSH | ACK, 5);
		s2c(&s, &c, ACK, 0);
		if (server_first) {
			s2c(&s, &c, FIN | ACK, 0);
			c2s(&s, &c, FIN | ACK, 0);
			s2c(&s, &c, ACK, 0);
			assert_state(child, DM_TCP_TIME_WAIT);
			assert_state(cs, DM_TCP_CLOSED);
		} else {
			close_client_first(&s, &c);
			assert_state(child, DM_TCP_CLOSED);
		}
		guint n = dm_demux_socket_count(s.dm);
		uint64_t segs = dm_socket_segments(child);

		c.sseq = 5000;  /* the old SYN-ACK */
		c.cseq = 1001;
		const dm_decision *d = s2c(&s, &c, SYN | ACK, 0);
		g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, n);
		g_assert_cmpuint(d->sender_socket, ==, dm_socket_id(child));
		g_assert_true(srv_sock(&s, &c) == child);
		g_assert_cmpuint(dm_host_sockets(th_host_of(s.dm, SRV))->len, ==, 2);
		g_assert_false(dm_socket_midstream(child));
		g_assert_cmpuint(dm_socket_segments(child), ==, segs);
		assert_state(child, server_first ? DM_TCP_TIME_WAIT : DM_TCP_CLOSED);
		/* The client's end receives it: delivered in TIME-WAIT, or
		 * dropped on its CLOSED tombstone. */
		g_assert_true(d->socket == cs);
		assert_action(d, server_first ? DM_ACTION_DROPPED : DM_ACTION_DELIVERED);
		g_assert_cmpuint(dm_host_sockets(th_host_of(s.dm, CLI))->len, ==, 1);
		sim_clear(&s);
	}
}

/* A new SYN on a 4-tuple whose connection is over makes a new connection
 * on both ends; the old sockets stay in their hosts' lists. */
static void
test_tcp_reuse(void)
{
	sim s;
	sim_init(&s, false);
	conn c = conn_of(CLI, 40000, SRV, 80, 1000, 5000);
	const dm_socket *old_child = handshake(&s, &c);
	const dm_socket *old_cli = cli_sock(&s, &c);
	const dm_socket *l = dm_socket_parent(old_child);
	close_client_first(&s, &c);

	/* Client in TIME-WAIT reuses the port; the server's end is CLOSED. */
	c.cseq = 90000;
	c.sseq = 70000;
	const dm_decision *d = c2s(&s, &c, SYN, 0);
	assert_delivered(d, SRV, DM_LOOKUP_LISTENER, DM_ACTION_SPAWNED);
	const dm_socket *child = d->socket;
	g_assert_true(child != old_child);
	g_assert_cmpuint(dm_socket_id(child), >, dm_socket_id(old_child));
	g_assert_true(dm_socket_parent(child) == l);
	const dm_socket *cs = cli_sock(&s, &c);
	g_assert_true(cs != old_cli);
	assert_state(cs, DM_TCP_SYN_SENT);
	assert_state(old_cli, DM_TCP_TIME_WAIT);
	assert_state(old_child, DM_TCP_CLOSED);
	g_assert_true(th_sock_at(s.dm, SRV, 1) == old_child);
	g_assert_true(th_sock_at(s.dm, SRV, 2) == child);
	g_assert_true(th_sock_at(s.dm, CLI, 0) == old_cli);
	g_assert_true(th_sock_at(s.dm, CLI, 1) == cs);
	d = s2c(&s, &c, SYN | ACK, 0);
	g_assert_true(d->socket == cs);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	d = c2s(&s, &c, ACK, 0);
	assert_action(d, DM_ACTION_ACCEPTED);
	g_assert_true(d->socket == child);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 5);
	uint64_t old_segs = dm_socket_segments(old_child);

	/* Server closes first this time: server TIME-WAIT, client CLOSED. */
	s2c(&s, &c, FIN | ACK, 0);
	c2s(&s, &c, ACK, 0);
	c2s(&s, &c, FIN | ACK, 0);
	d = s2c(&s, &c, ACK, 0);
	assert_dstate(d, DM_TCP_CLOSED);
	assert_state(child, DM_TCP_TIME_WAIT);
	c.cseq += 100000;
	d = c2s(&s, &c, SYN, 0);
	assert_delivered(d, SRV, DM_LOOKUP_LISTENER, DM_ACTION_SPAWNED);
	const dm_socket *child3 = d->socket;
	g_assert_true(child3 != child);
	assert_state(child, DM_TCP_TIME_WAIT);
	const dm_socket *cs3 = cli_sock(&s, &c);
	g_assert_true(cs3 != cs);
	assert_state(cs3, DM_TCP_SYN_SENT);
	assert_state(cs, DM_TCP_CLOSED);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 7);

	/* Reset, then reuse: CLOSED on both ends. */
	c2s(&s, &c, RST, 0);
	assert_state(child3, DM_TCP_CLOSED);
	assert_state(cs3, DM_TCP_CLOSED);
	d = c2s(&s, &c, SYN, 0);
	assert_delivered(d, SRV, DM_LOOKUP_LISTENER, DM_ACTION_SPAWNED);
	g_assert_true(d->socket != child3);
	g_assert_true(cli_sock(&s, &c) != cs3);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 9);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 5);
	g_assert_cmpuint(n_sockets(s.dm, CLI), ==, 4);
	g_assert_cmpuint(dm_socket_segments(old_child), ==, old_segs);
	sim_clear(&s);
}

/* A connection first seen mid-stream is created ESTABLISHED on both ends
 * and marked mid-stream; under the listener when there is one. */
static void
test_tcp_midstream(void)
{
	sim s;
	sim_init(&s, false);
	const dm_decision *d = feed(&s, tcp(CLI, 40000, SRV, 8080, PSH | ACK, 7000, 9000, 50));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	const dm_socket *ss = d->socket;
	g_assert_true(dm_socket_midstream(ss));
	g_assert_null(dm_socket_parent(ss));
	g_assert_cmpint(dm_socket_kind(ss), ==, DM_KIND_CONNECTION);
	g_assert_cmpuint(dm_socket_bytes(ss), ==, 50);
	const dm_socket *cs = find_conn(s.dm, CLI, 40000, SRV, 8080);
	g_assert_nonnull(cs);
	g_assert_true(dm_socket_midstream(cs));
	assert_state(cs, DM_TCP_ESTABLISHED);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 1); /* no listener invented */
	d = feed(&s, tcp(SRV, 8080, CLI, 40000, ACK, 9000, 7050, 0));
	assert_delivered(d, CLI, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	g_assert_true(d->socket == cs);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 2);

	/* With a listener on the port the mid-stream child is its. */
	conn c = conn_of(CLI2, 1111, SRV, 80, 1, 1);
	const dm_socket *l = dm_socket_parent(handshake(&s, &c));
	d = feed(&s, tcp("203.0.113.3", 5555, SRV, 80, ACK, 1, 1, 0));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	g_assert_true(dm_socket_midstream(d->socket));
	g_assert_true(dm_socket_parent(d->socket) == l);
	/* The server sending first from its listening port: the server's end
	 * is made as the segment leaves, under its listener. */
	d = feed(&s, tcp(SRV, 80, "203.0.113.4", 6000, PSH | ACK, 1, 1, 10));
	assert_delivered(d, "203.0.113.4", DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	const dm_socket *sx = find_conn(s.dm, SRV, 80, "203.0.113.4", 6000);
	g_assert_nonnull(sx);
	g_assert_true(dm_socket_midstream(sx));
	g_assert_true(dm_socket_parent(sx) == l);
	assert_state(sx, DM_TCP_ESTABLISHED);

	/* First seen: a FIN.  The receiver is in CLOSE-WAIT, the sender in
	 * FIN-WAIT-1. */
	d = feed(&s, tcp(CLI, 41000, SRV, 9000, FIN | ACK, 100, 200, 0));
	assert_dstate(d, DM_TCP_CLOSE_WAIT);
	g_assert_true(dm_socket_midstream(d->socket));
	assert_state(find_conn(s.dm, CLI, 41000, SRV, 9000), DM_TCP_FIN_WAIT_1);

	/* First seen: a SYN-ACK (the SYN was missed).  The client's end goes
	 * SYN-SENT -> ESTABLISHED, the server's is SYN-RECEIVED until the ACK. */
	d = feed(&s, tcp(SRV, 443, CLI, 42000, SYN | ACK, 500, 301, 0));
	assert_delivered(d, CLI, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	g_assert_true(dm_socket_midstream(d->socket));
	const dm_socket *s443 = find_conn(s.dm, SRV, 443, CLI, 42000);
	assert_state(s443, DM_TCP_SYN_RECEIVED);
	g_assert_true(dm_socket_midstream(s443));
	d = feed(&s, tcp(CLI, 42000, SRV, 443, ACK, 301, 501, 0));
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	sim_clear(&s);
}

/* Declared listeners: one on the exact address beats one on the wildcard
 * for the same port. */
static void
test_tcp_exact_listener_beats_wildcard(void)
{
	sim s;
	sim_init(&s, false);
	sim_declare(&s,
	            "[" SRV "]\ntcp = 80 reuseport;*:80 reuseport;*:8080\n"
	            "[" SRV6 "]\ntcp = [*]:80 reuseport;[" SRV6 "]:80 reuseport\n");
	const dm_socket *exact = th_sock_at(s.dm, SRV, 0);
	const dm_socket *wild = th_sock_at(s.dm, SRV, 1);
	const dm_socket *wild8080 = th_sock_at(s.dm, SRV, 2);
	g_assert_cmpint(dm_socket_kind(exact), ==, DM_KIND_LISTEN);
	assert_state(exact, DM_TCP_LISTEN);
	g_assert_true(dm_socket_local_is_wildcard(wild));

	conn c = conn_of(CLI, 40000, SRV, 80, 1, 1);
	const dm_decision *d = c2s(&s, &c, SYN, 0);
	assert_delivered(d, SRV, DM_LOOKUP_LISTENER, DM_ACTION_SPAWNED);
	g_assert_true(dm_socket_parent(d->socket) == exact);
	s2c(&s, &c, SYN | ACK, 0);
	d = c2s(&s, &c, ACK, 0);
	assert_action(d, DM_ACTION_ACCEPTED);

	conn c2 = conn_of(CLI, 40001, SRV, 8080, 1, 1);
	d = c2s(&s, &c2, SYN, 0);
	assert_delivered(d, SRV, DM_LOOKUP_WILDCARD_LISTENER, DM_ACTION_SPAWNED);
	g_assert_true(dm_socket_parent(d->socket) == wild8080);
	assert_local(d->socket, SRV, 8080); /* the child has the real address */
	g_assert_false(dm_socket_local_is_wildcard(d->socket));
	s2c(&s, &c2, SYN | ACK, 0);
	d = c2s(&s, &c2, ACK, 0);
	assert_action(d, DM_ACTION_ACCEPTED);
	g_assert_cmpuint(dm_socket_segments(wild), ==, 0);

	/* IPv6: declared wildcard first, exact second; exact still wins. */
	conn c6 = conn_of(CLI6, 40000, SRV6, 80, 1, 1);
	d = c2s(&s, &c6, SYN, 0);
	assert_delivered(d, SRV6, DM_LOOKUP_LISTENER, DM_ACTION_SPAWNED);
	g_assert_true(dm_socket_parent(d->socket) == th_sock_at(s.dm, SRV6, 1));
	sim_clear(&s);
}

/* ---- drops ----------------------------------------------------------- */

static dm_packet
with_csum(dm_packet p, dm_csum_status st)
{
	p.csum.status = st;
	if (st == DM_CSUM_BAD)
		p.csum.reason = DM_CSUM_REASON_MISMATCH;
	return p;
}

static void
test_drop_bad_checksum(void)
{
	sim s;
	sim_init(&s, false);
	/* No socket yet: dropped before any is learnt. */
	const dm_decision *d = feed(&s, with_csum(udp(CLI, 40000, SRV, 53, 10), DM_CSUM_BAD));
	assert_host(d, SRV);
	assert_action(d, DM_ACTION_DROPPED);
	assert_drop(d, DM_DROP_BAD_CHECKSUM);
	assert_lookup(d, DM_LOOKUP_NONE);
	g_assert_null(d->socket);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 0);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_BAD_CHECKSUM), ==, 1);
	g_assert_cmpuint(n_refusals(s.dm, SRV), ==, 0);

	/* With a socket: counted on it, not delivered. */
	d = feed(&s, udp(CLI, 40000, SRV, 53, 10));
	const dm_socket *sk = d->socket;
	d = feed(&s, with_csum(udp(CLI2, 40000, SRV, 53, 10), DM_CSUM_BAD));
	assert_action(d, DM_ACTION_DROPPED);
	assert_drop(d, DM_DROP_BAD_CHECKSUM);
	assert_lookup(d, DM_LOOKUP_BOUND);
	g_assert_true(d->socket == sk);
	g_assert_cmpuint(dm_socket_bad_checksums(sk), ==, 1);
	g_assert_cmpuint(dm_socket_segments(sk), ==, 1);
	g_assert_cmpuint(dm_socket_bytes(sk), ==, 10);
	g_assert_cmpuint(dm_socket_peers(sk), ==, 1);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_BAD_CHECKSUM), ==, 2);

	/* TCP: a bad SYN spawns nothing (the listener counts it), the
	 * retransmission does. */
	conn c = conn_of(CLI, 40000, SRV, 80, 1000, 5000);
	handshake(&s, &c); /* learns the listener */
	const dm_socket *l = th_sock_at(s.dm, SRV, 1);
	g_assert_cmpint(dm_socket_kind(l), ==, DM_KIND_LISTEN);
	guint n = dm_demux_socket_count(s.dm);
	d = feed(&s, with_csum(tcp(CLI2, 40000, SRV, 80, SYN, 1, 0, 0), DM_CSUM_BAD));
	assert_action(d, DM_ACTION_DROPPED);
	assert_drop(d, DM_DROP_BAD_CHECKSUM);
	assert_lookup(d, DM_LOOKUP_LISTENER);
	g_assert_true(d->socket == l);
	g_assert_cmpuint(dm_socket_bad_checksums(l), ==, 1);
	g_assert_null(find_conn(s.dm, SRV, 80, CLI2, 40000));
	/* The sender did send it: its end is SYN-SENT. */
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, n + 1);
	assert_state(find_conn(s.dm, CLI2, 40000, SRV, 80), DM_TCP_SYN_SENT);
	d = feed(&s, tcp(CLI2, 40000, SRV, 80, SYN, 1, 0, 0));
	assert_action(d, DM_ACTION_SPAWNED);
	/* A bad SYN to a port nothing listens on: no listener is learnt. */
	n = n_sockets(s.dm, SRV);
	d = feed(&s, with_csum(tcp(CLI2, 40001, SRV, 81, SYN, 1, 0, 0), DM_CSUM_BAD));
	assert_drop(d, DM_DROP_BAD_CHECKSUM);
	assert_lookup(d, DM_LOOKUP_NONE);
	g_assert_null(d->socket);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, n);
	g_assert_cmpuint(n_refusals(s.dm, SRV), ==, 0);

	/* A bad FIN does not move the receiver. */
	const dm_socket *child = srv_sock(&s, &c);
	d = feed(&s, with_csum(tcp(CLI, 40000, SRV, 80, FIN | ACK, c.cseq, c.sseq, 0),
	                       DM_CSUM_BAD));
	assert_action(d, DM_ACTION_DROPPED);
	assert_lookup(d, DM_LOOKUP_EXACT);
	g_assert_true(d->socket == child);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	assert_state(child, DM_TCP_ESTABLISHED);
	g_assert_cmpuint(dm_socket_bad_checksums(child), ==, 1);
	/* ... its retransmission does. */
	d = c2s(&s, &c, FIN | ACK, 0);
	assert_action(d, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_CLOSE_WAIT);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_BAD_CHECKSUM), ==, 5);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_MALFORMED), ==, 0);
	sim_clear(&s);
}

static void
test_drop_keep_bad_checksums(void)
{
	sim s;
	sim_init(&s, true);
	const dm_decision *d = feed(&s, with_csum(udp(CLI, 40000, SRV, 53, 10), DM_CSUM_BAD));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	g_assert_cmpuint(dm_socket_bad_checksums(d->socket), ==, 1);
	g_assert_cmpuint(dm_socket_segments(d->socket), ==, 1);
	g_assert_cmpuint(dm_socket_bytes(d->socket), ==, 10);
	g_assert_cmpuint(dm_host_drops(d->host, DM_DROP_BAD_CHECKSUM), ==, 0);
	d = feed(&s, with_csum(tcp(CLI, 40000, SRV, 80, SYN, 1, 0, 0), DM_CSUM_BAD));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_SPAWNED);
	g_assert_cmpuint(dm_socket_bad_checksums(d->socket), ==, 1);
	sim_clear(&s);
}

static void
test_drop_malformed(void)
{
	sim s;
	sim_init(&s, false);
	dm_packet p = udp(CLI, 40000, SRV, 53, 10);
	p.malformed = DM_MAL_UDP_LEN_LONG;
	p.csum.status = DM_CSUM_UNVERIFIED;
	p.csum.reason = DM_CSUM_REASON_MALFORMED;
	const dm_decision *d = feed(&s, p);
	assert_host(d, SRV);
	assert_action(d, DM_ACTION_DROPPED);
	assert_drop(d, DM_DROP_MALFORMED);
	g_assert_null(d->socket);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 0);

	/* Malformed even with a bad checksum: malformed first. */
	p.csum.status = DM_CSUM_BAD;
	d = feed(&s, p);
	assert_drop(d, DM_DROP_MALFORMED);

	/* TCP with a bad data offset: neither end moves. */
	dm_packet t = tcp(CLI, 40000, SRV, 80, SYN, 1, 0, 0);
	t.malformed = DM_MAL_TCP_OFFSET;
	d = feed(&s, t);
	assert_drop(d, DM_DROP_MALFORMED);
	/* TCP whose flags were not captured. */
	t = tcp(CLI, 40000, SRV, 80, SYN, 1, 0, 0);
	t.have_tcp = false;
	d = feed(&s, t);
	assert_drop(d, DM_DROP_MALFORMED);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 0);
	g_assert_null(th_host_of(s.dm, CLI));

	/* A malformed datagram for an existing socket is not counted on it. */
	d = feed(&s, udp(CLI, 40000, SRV, 53, 10));
	const dm_socket *sk = d->socket;
	p.csum.status = DM_CSUM_UNVERIFIED;
	d = feed(&s, p);
	assert_drop(d, DM_DROP_MALFORMED);
	g_assert_cmpuint(dm_socket_segments(sk), ==, 1);
	g_assert_cmpuint(dm_socket_bad_checksums(sk), ==, 0);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_MALFORMED), ==, 5);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_BAD_CHECKSUM), ==, 0);
	sim_clear(&s);
}

/* What cannot be shown bad is delivered: partial (offload), absent (UDP
 * over IPv4 without a checksum), unverified (truncated, fragment). */
static void
test_drop_unverifiable_delivered(void)
{
	static const dm_csum_status st[] = {
		DM_CSUM_GOOD, DM_CSUM_PARTIAL, DM_CSUM_ABSENT, DM_CSUM_UNVERIFIED,
	};
	sim s;
	sim_init(&s, false);
	for (guint i = 0; i < G_N_ELEMENTS(st); i++) {
		dm_packet p = with_csum(udp(CLI, (uint16_t)(40000 + i), SRV, 53, 5), st[i]);
		if (st[i] == DM_CSUM_UNVERIFIED)
			p.csum.reason = DM_CSUM_REASON_TRUNCATED;
		const dm_decision *d = feed(&s, p);
		assert_delivered(d, SRV, i ? DM_LOOKUP_BOUND : DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
		g_assert_cmpuint(dm_socket_bad_checksums(d->socket), ==, 0);
	}
	dm_packet p = with_csum(tcp(CLI, 40000, SRV, 80, SYN, 1, 0, 0), DM_CSUM_PARTIAL);
	const dm_decision *d = feed(&s, p);
	assert_action(d, DM_ACTION_SPAWNED);
	p = with_csum(tcp(SRV, 80, CLI, 40000, SYN | ACK, 1, 2, 0), DM_CSUM_UNVERIFIED);
	d = feed(&s, p);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	g_assert_cmpuint(dm_host_drops(th_host_of(s.dm, SRV), DM_DROP_BAD_CHECKSUM), ==, 0);
	g_assert_cmpuint(dm_socket_segments(th_sock_at(s.dm, SRV, 0)), ==, 4);
	sim_clear(&s);
}

/* ---- refusals -------------------------------------------------------- */

/* Learn mode, UDP: an ICMP port unreachable later in the capture quoting
 * the datagram makes it refused, and no socket is learnt. */
static void
test_refuse_udp_icmp(void)
{
	sim s;
	sim_init(&s, false);
	dm_packet dg = udp(CLI, 40000, SRV, 9999, 20);       /* frame 1 */
	dm_packet ic = icmp_unreach(&dg);                     /* frame 2 */
	dm_evidence *ev = dm_evidence_new(false);
	dm_evidence_add(ev, 1, DM_FRAME_SEGMENT, &dg);       /* not evidence */
	dm_evidence_add(ev, 2, DM_FRAME_ICMP_ERROR, &ic);
	dm_demux_set_evidence(s.dm, ev);

	const dm_decision *d = feed(&s, dg);
	assert_refused(d, SRV, DM_REPLY_ICMP_PORT_UNREACHABLE, 2);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 0);
	g_assert_cmpuint(n_refusals(s.dm, SRV), ==, 1);
	assert_refusal(refusal_at(s.dm, SRV, 0), 17, 9999, CLI, 40000, 1,
	               DM_REPLY_ICMP_PORT_UNREACHABLE, 2, 1);
	d = feed_st(&s, DM_FRAME_ICMP_ERROR, &ic);
	g_assert_null(d->host);

	/* Another peer, no answer seen (ICMP is rate-limited): the port is
	 * known closed, refused on the earlier evidence. */
	d = feed(&s, udp(CLI2, 50000, SRV, 9999, 1));            /* frame 3 */
	assert_refused(d, SRV, DM_REPLY_ICMP_PORT_UNREACHABLE, 2);
	/* The first peer again: folded into its entry. */
	d = feed(&s, udp(CLI, 40000, SRV, 9999, 1));             /* frame 4 */
	assert_refused(d, SRV, DM_REPLY_ICMP_PORT_UNREACHABLE, 2);
	g_assert_cmpuint(n_refusals(s.dm, SRV), ==, 2);
	assert_refusal(refusal_at(s.dm, SRV, 0), 17, 9999, CLI, 40000, 1,
	               DM_REPLY_ICMP_PORT_UNREACHABLE, 2, 2);
	assert_refusal(refusal_at(s.dm, SRV, 1), 17, 9999, CLI2, 50000, 3,
	               DM_REPLY_ICMP_PORT_UNREACHABLE, 2, 1);
	/* Other ports are unaffected. */
	d = feed(&s, udp(CLI, 40000, SRV, 9998, 1));             /* frame 5 */
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);

	/* The host sends from the port: it has opened; learnt again. */
	d = feed(&s, udp(SRV, 9999, CLI, 40000, 1));             /* frame 6 */
	assert_delivered(d, CLI, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	d = feed(&s, udp(CLI2, 50000, SRV, 9999, 1));            /* frame 7 */
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	g_assert_cmpuint(n_refusals(s.dm, SRV), ==, 2);
	sim_clear(&s);
}

static void
test_refuse_udp_icmp6(void)
{
	sim s;
	sim_init(&s, false);
	dm_packet dg = udp(CLI6, 40000, SRV6, 7, 20);
	dm_packet ic = icmp_unreach(&dg);
	dm_evidence *ev = dm_evidence_new(false);
	dm_evidence_add(ev, 3, DM_FRAME_ICMP_ERROR, &ic);
	/* An ICMP error that is not port unreachable, or quotes TCP, or whose
	 * quote did not decode, is not evidence. */
	dm_packet other = ic;
	other.icmp_port_unreach = false;
	dm_evidence_add(ev, 2, DM_FRAME_ICMP_ERROR, &other);
	other = ic;
	other.quote_valid = false;
	dm_evidence_add(ev, 2, DM_FRAME_ICMP_ERROR, &other);
	dm_demux_set_evidence(s.dm, ev);

	const dm_decision *d = feed(&s, dg);                      /* frame 1 */
	assert_refused(d, SRV6, DM_REPLY_ICMP_PORT_UNREACHABLE, 3);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 0);
	assert_refusal(refusal_at(s.dm, SRV6, 0), 17, 7, CLI6, 40000, 1,
	               DM_REPLY_ICMP_PORT_UNREACHABLE, 3, 1);
	sim_clear(&s);
}

/* Evidence must come after the datagram and quote it exactly. */
static void
test_refuse_evidence_must_match(void)
{
	sim s;
	sim_init(&s, false);
	dm_packet dg = udp(CLI, 40000, SRV, 9999, 20);
	dm_packet ic = icmp_unreach(&dg);
	dm_packet ic_other = icmp_unreach(&dg);
	ic_other.q_sport = 40001;
	dm_evidence *ev = dm_evidence_new(false);
	dm_evidence_add(ev, 1, DM_FRAME_ICMP_ERROR, &ic);        /* before: no */
	dm_evidence_add(ev, 3, DM_FRAME_ICMP_ERROR, &ic_other);  /* other peer */
	dm_demux_set_evidence(s.dm, ev);
	feed(&s, udp(CLI, 1, SRV, 1, 0));                         /* frame 1 */
	const dm_decision *d = feed(&s, dg);                      /* frame 2 */
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	sim_clear(&s);

	/* TCP: the RST must acknowledge the SYN (ack = seq + 1). */
	sim_init(&s, false);
	dm_packet syn = tcp(CLI, 40000, SRV, 23, SYN, 777, 0, 0);
	dm_packet bad_ack = tcp(SRV, 23, CLI, 40000, RST | ACK, 0, 777, 0);
	dm_packet no_ack = tcp(SRV, 23, CLI, 40000, RST, 0, 778, 0);
	ev = dm_evidence_new(false);
	dm_evidence_add(ev, 2, DM_FRAME_SEGMENT, &bad_ack);
	dm_evidence_add(ev, 3, DM_FRAME_SEGMENT, &no_ack);
	dm_demux_set_evidence(s.dm, ev);
	d = feed(&s, syn);
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_SPAWNED);
	sim_clear(&s);
}

/* Learn mode, TCP: a SYN answered by RST+ACK (ack = SYN seq + 1) is
 * refused; the server gets no listener; the client's end is reset. */
static void
test_refuse_tcp_rst(void)
{
	sim s;
	sim_init(&s, false);
	dm_packet syn = tcp(CLI, 40000, SRV, 23, SYN, 777, 0, 0);         /* 1 */
	dm_packet rst = tcp(SRV, 23, CLI, 40000, RST | ACK, 0, 778, 0);   /* 2 */
	dm_evidence *ev = dm_evidence_new(false);
	dm_evidence_add(ev, 1, DM_FRAME_SEGMENT, &syn);
	dm_evidence_add(ev, 2, DM_FRAME_SEGMENT, &rst);
	dm_demux_set_evidence(s.dm, ev);

	const dm_decision *d = feed(&s, syn);
	assert_refused(d, SRV, DM_REPLY_RST, 2);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 0);
	assert_refusal(refusal_at(s.dm, SRV, 0), 6, 23, CLI, 40000, 1, DM_REPLY_RST, 2, 1);
	const dm_socket *cs = find_conn(s.dm, CLI, 40000, SRV, 23);
	assert_state(cs, DM_TCP_SYN_SENT);
	d = feed(&s, rst);
	assert_delivered(d, CLI, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_CLOSED);
	assert_state(cs, DM_TCP_CLOSED);

	/* The client tries again from another port; no RST captured: the
	 * port is known closed. */
	d = feed(&s, tcp(CLI, 40001, SRV, 23, SYN, 900, 0, 0));           /* 3 */
	assert_refused(d, SRV, DM_REPLY_RST, 2);
	/* The same 4-tuple again (the old SYN-SENT end is CLOSED). */
	d = feed(&s, tcp(CLI, 40000, SRV, 23, SYN, 1777, 0, 0));           /* 4 */
	assert_refused(d, SRV, DM_REPLY_RST, 2);
	g_assert_cmpuint(n_refusals(s.dm, SRV), ==, 2);
	assert_refusal(refusal_at(s.dm, SRV, 0), 6, 23, CLI, 40000, 1, DM_REPLY_RST, 2, 2);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 0);
	/* A UDP port of the same number is another matter. */
	d = feed(&s, udp(CLI, 40000, SRV, 23, 1));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	sim_clear(&s);
}

/* Without evidence, learn mode learns: a socket or listener is made. */
static void
test_refuse_none_learns(void)
{
	sim s;
	sim_init(&s, false);
	dm_demux_set_evidence(s.dm, dm_evidence_new(false));
	const dm_decision *d = feed(&s, udp(CLI, 40000, SRV, 9999, 1));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	d = feed(&s, tcp(CLI, 40000, SRV, 23, SYN, 1, 0, 0));
	assert_delivered(d, SRV, DM_LOOKUP_NEW, DM_ACTION_SPAWNED);
	g_assert_cmpuint(n_refusals(s.dm, SRV), ==, 0);
	/* Replacing the evidence frees the old one (checked by ASan). */
	dm_demux_set_evidence(s.dm, dm_evidence_new(false));
	dm_demux_set_evidence(s.dm, NULL);
	dm_evidence_free(NULL);
	sim_clear(&s);
}

/* Declared mode: anything not declared is refused with the predicted
 * reply; the evidence tells whether the capture confirms it. */
static void
test_refuse_declared(void)
{
	sim s;
	sim_init(&s, false);
	sim_declare(&s, "[" SRV "]\nudp = 53\ntcp = 80\n");

	dm_packet u54 = udp(CLI, 40000, SRV, 54, 1);                    /* 1 */
	dm_packet u55 = udp(CLI, 40000, SRV, 55, 1);                    /* 2 */
	dm_packet u55_icmp = icmp_unreach(&u55);                         /* 3 */
	dm_packet s81 = tcp(CLI, 41000, SRV, 81, SYN, 10, 0, 0);         /* 4 */
	dm_packet s82 = tcp(CLI, 41001, SRV, 82, SYN, 20, 0, 0);         /* 5 */
	dm_packet s82_rst = tcp(SRV, 82, CLI, 41001, RST | ACK, 0, 21, 0); /* 6 */
	/* A segment of a connection begun before the capture, to a port
	 * nothing listens on: RFC 9293 3.10.7.1 answers <SEQ=SEG.ACK><RST>. */
	dm_packet a83 = tcp(CLI, 41002, SRV, 83, PSH | ACK, 1000, 2000, 10); /* 7 */
	dm_packet a83_rst = tcp(SRV, 83, CLI, 41002, RST, 2000, 0, 0);   /* 8 */
	/* One without ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><RST,ACK>. */
	dm_packet f84 = tcp(CLI, 41003, SRV, 84, FIN, 500, 0, 10);       /* 9 */
	dm_packet f84_rst = tcp(SRV, 84, CLI, 41003, RST | ACK, 0, 511, 0); /* 10 */

	dm_evidence *ev = dm_evidence_new(false);
	dm_evidence_add(ev, 3, DM_FRAME_ICMP_ERROR, &u55_icmp);
	dm_evidence_add(ev, 6, DM_FRAME_SEGMENT, &s82_rst);
	dm_evidence_add(ev, 8, DM_FRAME_SEGMENT, &a83_rst);
	dm_evidence_add(ev, 10, DM_FRAME_SEGMENT, &f84_rst);
	dm_demux_set_evidence(s.dm, ev);

	const dm_decision *d = feed(&s, u54);
	assert_refused(d, SRV, DM_REPLY_ICMP_PORT_UNREACHABLE, 0);
	d = feed(&s, u55);
	assert_refused(d, SRV, DM_REPLY_ICMP_PORT_UNREACHABLE, 3);
	feed_st(&s, DM_FRAME_ICMP_ERROR, &u55_icmp);
	d = feed(&s, s81);
	assert_refused(d, SRV, DM_REPLY_RST, 0);
	d = feed(&s, s82);
	assert_refused(d, SRV, DM_REPLY_RST, 6);
	d = feed(&s, s82_rst);
	assert_host(d, CLI);
	assert_dstate(d, DM_TCP_CLOSED);
	d = feed(&s, a83);
	assert_refused(d, SRV, DM_REPLY_RST, 8);
	feed(&s, a83_rst);
	d = feed(&s, f84);
	assert_refused(d, SRV, DM_REPLY_RST, 10);
	feed(&s, f84_rst);

	g_assert_cmpuint(n_refusals(s.dm, SRV), ==, 6);
	assert_refusal(refusal_at(s.dm, SRV, 0), 17, 54, CLI, 40000, 1,
	               DM_REPLY_ICMP_PORT_UNREACHABLE, 0, 1);
	assert_refusal(refusal_at(s.dm, SRV, 1), 17, 55, CLI, 40000, 2,
	               DM_REPLY_ICMP_PORT_UNREACHABLE, 3, 1);
	assert_refusal(refusal_at(s.dm, SRV, 2), 6, 81, CLI, 41000, 4, DM_REPLY_RST, 0, 1);
	assert_refusal(refusal_at(s.dm, SRV, 3), 6, 82, CLI, 41001, 5, DM_REPLY_RST, 6, 1);
	assert_refusal(refusal_at(s.dm, SRV, 4), 6, 83, CLI, 41002, 7, DM_REPLY_RST, 8, 1);
	assert_refusal(refusal_at(s.dm, SRV, 5), 6, 84, CLI, 41003, 9, DM_REPLY_RST, 10, 1);

	/* A second datagram to port 54, now answered: the entry gains the
	 * evidence. */
	dm_packet u54b = udp(CLI, 40000, SRV, 54, 1);                    /* 12 */
	ev = dm_evidence_new(false);
	dm_packet u54_icmp = icmp_unreach(&u54b);
	dm_evidence_add(ev, 13, DM_FRAME_ICMP_ERROR, &u54_icmp);
	dm_demux_set_evidence(s.dm, ev);
	feed(&s, udp(CLI, 1, SRV, 53, 1));                                /* 11 */
	d = feed(&s, u54b);
	assert_refused(d, SRV, DM_REPLY_ICMP_PORT_UNREACHABLE, 13);
	assert_refusal(refusal_at(s.dm, SRV, 0), 17, 54, CLI, 40000, 1,
	               DM_REPLY_ICMP_PORT_UNREACHABLE, 13, 2);

	/* Declared sockets deliver; nothing else was made on the server. */
	conn c = conn_of(CLI, 42000, SRV, 80, 1, 1);
	d = c2s(&s, &c, SYN, 0);
	assert_delivered(d, SRV, DM_LOOKUP_LISTENER, DM_ACTION_SPAWNED);
	s2c(&s, &c, SYN | ACK, 0);
	d = c2s(&s, &c, ACK, 0);
	assert_action(d, DM_ACTION_ACCEPTED);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 3);
	g_assert_cmpuint(n_refusals(s.dm, SRV), ==, 6);
	sim_clear(&s);
}

/* Declared mode, a connection begun before the capture: a segment to the
 * client's (undeclared) port is refused unless the capture shows the
 * client sending on that 4-tuple, which proves the connection exists. */
static void
test_refuse_declared_midstream(void)
{
	sim s;
	sim_init(&s, false);
	sim_declare(&s, "[" SRV "]\ntcp = 22\n");

	dm_packet down = tcp(SRV, 22, CLI, 50000, PSH | ACK, 1000, 5000, 10); /* 1 */
	dm_packet up = tcp(CLI, 50000, SRV, 22, ACK, 5000, 1010, 0);          /* 2 */
	dm_packet stray = tcp(SRV, 22, CLI, 50001, PSH | ACK, 7000, 9000, 10); /* 3 */
	dm_evidence *ev = dm_evidence_new(true);
	dm_evidence_add(ev, 1, DM_FRAME_SEGMENT, &down);
	dm_evidence_add(ev, 2, DM_FRAME_SEGMENT, &up);
	dm_evidence_add(ev, 3, DM_FRAME_SEGMENT, &stray);
	dm_demux_set_evidence(s.dm, ev);

	const dm_decision *d = feed(&s, down);
	assert_delivered(d, CLI, DM_LOOKUP_NEW, DM_ACTION_DELIVERED);
	assert_dstate(d, DM_TCP_ESTABLISHED);
	g_assert_true(dm_socket_midstream(d->socket));
	const dm_socket *client = d->socket;
	/* The server's end was picked up as frame 1 left it. */
	d = feed(&s, up);
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	g_assert_cmpuint(dm_socket_segments(client), ==, 1);
	g_assert_cmpuint(dm_socket_bytes(client), ==, 10);
	/* Nobody sends on 50001's 4-tuple: a closed port. */
	d = feed(&s, stray);
	assert_refused(d, CLI, DM_REPLY_RST, 0);
	sim_clear(&s);
}

/* ---- declared mode key file ----------------------------------------- */

static void
assert_decl(const dm_socket *s, uint8_t proto, dm_sock_kind kind, int family,
            uint16_t port, bool wildcard)
{
	uint16_t p = 0;
	dm_socket_local(s, &p);
	g_assert_cmpuint(dm_socket_proto(s), ==, proto);
	g_assert_cmpint(dm_socket_kind(s), ==, kind);
	g_assert_cmpint(dm_socket_family(s), ==, family);
	g_assert_cmpuint(p, ==, port);
	g_assert_cmpint(dm_socket_local_is_wildcard(s), ==, wildcard);
	g_assert_true(dm_socket_declared(s));
	g_assert_cmpint(dm_socket_state(s), ==,
	                proto == 6 ? DM_TCP_LISTEN : DM_TCP_NONE);
	g_assert_cmpuint(dm_socket_segments(s), ==, 0);
	g_assert_cmpuint(dm_socket_first_frame(s), ==, 0);
}

static void
test_declared_load(void)
{
	sim s;
	sim_init(&s, false);
	sim_declare(&s,
	            "# declared sockets\n"
	            "[" SRV6 "]\n"
	            "udp = 53;[::]:5353;[" SRV6 "]:123;[*]:500\n"
	            "tcp = 443 ; [::]:22\n"
	            "udp-connected = 4000>[" CLI6 "]:5000\n"
	            "\n"
	            "[" SRV "]\n"
	            "udp = 53;0.0.0.0:5353;" SRV ":123\n"
	            "tcp = 80 reuseport;*:80 reuseport;*:22\n"
	            "udp-connected = 4000>" CLI ":5000;4001>" CLI2 ":5000\n");
	g_assert_cmpuint(th_n_hosts(s.dm), ==, 2);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 15);

	/* IPv4 (sorted first), in file order. */
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 8);
	assert_decl(th_sock_at(s.dm, SRV, 0), 17, DM_KIND_BOUND, 4, 53, false);
	assert_local(th_sock_at(s.dm, SRV, 0), SRV, 53);
	assert_decl(th_sock_at(s.dm, SRV, 1), 17, DM_KIND_BOUND, 4, 5353, true);
	assert_decl(th_sock_at(s.dm, SRV, 2), 17, DM_KIND_BOUND, 4, 123, false);
	assert_decl(th_sock_at(s.dm, SRV, 3), 6, DM_KIND_LISTEN, 4, 80, false);
	assert_decl(th_sock_at(s.dm, SRV, 4), 6, DM_KIND_LISTEN, 4, 80, true);
	assert_decl(th_sock_at(s.dm, SRV, 5), 6, DM_KIND_LISTEN, 4, 22, true);
	assert_decl(th_sock_at(s.dm, SRV, 6), 17, DM_KIND_CONNECTION, 4, 4000, false);
	assert_remote(th_sock_at(s.dm, SRV, 6), CLI, 5000);
	assert_decl(th_sock_at(s.dm, SRV, 7), 17, DM_KIND_CONNECTION, 4, 4001, false);
	assert_remote(th_sock_at(s.dm, SRV, 7), CLI2, 5000);

	g_assert_cmpuint(n_sockets(s.dm, SRV6), ==, 7);
	assert_decl(th_sock_at(s.dm, SRV6, 0), 17, DM_KIND_BOUND, 6, 53, false);
	assert_local(th_sock_at(s.dm, SRV6, 0), SRV6, 53);
	assert_decl(th_sock_at(s.dm, SRV6, 1), 17, DM_KIND_BOUND, 6, 5353, true);
	assert_decl(th_sock_at(s.dm, SRV6, 2), 17, DM_KIND_BOUND, 6, 123, false);
	assert_decl(th_sock_at(s.dm, SRV6, 3), 17, DM_KIND_BOUND, 6, 500, true);
	assert_decl(th_sock_at(s.dm, SRV6, 4), 6, DM_KIND_LISTEN, 6, 443, false);
	assert_decl(th_sock_at(s.dm, SRV6, 5), 6, DM_KIND_LISTEN, 6, 22, true);
	assert_decl(th_sock_at(s.dm, SRV6, 6), 17, DM_KIND_CONNECTION, 6, 4000, false);
	assert_remote(th_sock_at(s.dm, SRV6, 6), CLI6, 5000);

	/* They work. */
	const dm_decision *d = feed(&s, udp(CLI6, 5000, SRV6, 4000, 1));
	assert_delivered(d, SRV6, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	g_assert_true(d->socket == th_sock_at(s.dm, SRV6, 6));
	d = feed(&s, udp(CLI6, 5000, SRV6, 500, 1));
	assert_delivered(d, SRV6, DM_LOOKUP_WILDCARD_BOUND, DM_ACTION_DELIVERED);
	d = feed(&s, udp(CLI6, 5000, SRV6, 123, 1));
	assert_delivered(d, SRV6, DM_LOOKUP_BOUND, DM_ACTION_DELIVERED);
	d = feed(&s, tcp(CLI6, 5000, SRV6, 22, SYN, 1, 0, 0));
	assert_delivered(d, SRV6, DM_LOOKUP_WILDCARD_LISTENER, DM_ACTION_SPAWNED);
	d = feed(&s, udp(CLI, 5000, SRV, 4001, 1));
	assert_refused(d, SRV, DM_REPLY_ICMP_PORT_UNREACHABLE, 0);
	d = feed(&s, udp(CLI2, 5000, SRV, 4001, 1));
	assert_delivered(d, SRV, DM_LOOKUP_EXACT, DM_ACTION_DELIVERED);
	sim_clear(&s);

	/* An empty file declares nothing, and still means declared mode. */
	sim_init(&s, false);
	sim_declare(&s, "");
	d = feed(&s, udp(CLI, 1, SRV, 53, 1));
	assert_refused(d, SRV, DM_REPLY_ICMP_PORT_UNREACHABLE, 0);
	sim_clear(&s);
}

static void
test_declared_bad(void)
{
	static const struct { const char *text, *needle; } bad[] = {
		{ "[" SRV "]\nudp = 53\nsctp = 9\n", "sctp" },
		{ "[" SRV "]\nudp = 0\n", "'0'" },
		{ "[" SRV "]\nudp = 65536\n", "65536" },
		{ "[" SRV "]\ntcp = http\n", "http" },
		{ "[" SRV "]\ntcp = 80x\n", "80x" },
		{ "[" SRV "]\ntcp = -1\n", "-1" },
		{ "[" SRV "]\nudp = " SRV ":\n", SRV },
		{ "[" SRV "]\nudp = 53,54\n", "53,54" },
		{ "[server]\nudp = 53\n", "server" },
		{ "[198.51.100]\nudp = 53\n", "198.51.100" },
		{ "[" SRV "]\nudp = " SRV2 ":53\n", SRV2 },
		{ "[" SRV "]\ntcp = 10.0.0.1:80\n", "10.0.0.1" },
		{ "[" SRV6 "]\ntcp = [2001:db8::11]:80\n", "2001:db8::11" },
		{ "[" SRV6 "]\ntcp = " SRV6 ":80\n", SRV6 },
		{ "[" SRV6 "]\nudp = [::]53\n", "[::]53" },
		{ "[" SRV "]\nudp = [::]:53\n", "[::]:53" },
		{ "[" SRV "]\nudp-connected = 4000>*:5000\n", "4000>*:5000" },
		{ "[" SRV "]\nudp-connected = 4000\n", "4000" },
		{ "[" SRV "]\nudp-connected = 4000>" CLI "\n", CLI },
		{ "[" SRV "]\nudp-connected = 0>" CLI ":5\n", CLI },
		{ "[" SRV6 "]\nudp-connected = 4000>" CLI6 ":5000\n", CLI6 },
		{ "[0.0.0.0]\nudp = 53\n", "0.0.0.0" },
		{ "[::]\ntcp = 80\n", "::" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		sim s;
		sim_init(&s, false);
		char *path = write_tmp(bad[i].text);
		GError *err = NULL;
		g_test_message("key file: %s", bad[i].text);
		g_assert_false(dm_demux_load_sockets(s.dm, path, &err));
		g_assert_error(err, DM_DEMUX_ERROR, 0);
		g_assert_nonnull(strstr(err->message, bad[i].needle));
		g_error_free(err);
		check_invariants(s.dm);
		g_unlink(path);
		g_free(path);
		sim_clear(&s);
	}

	/* Not a key file at all; no file at all. */
	sim s;
	sim_init(&s, false);
	char *path = write_tmp("this is not a key file\n");
	GError *err = NULL;
	g_assert_false(dm_demux_load_sockets(s.dm, path, &err));
	g_assert_error(err, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
	g_clear_error(&err);
	g_unlink(path);
	g_assert_false(dm_demux_load_sockets(s.dm, path, &err));
	g_assert_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT);
	g_clear_error(&err);
	g_free(path);
	sim_clear(&s);
}

/* ---- scale ------------------------------------------------------------ */

/* 100,000 distinct UDP flows to one host: 50,000 ports, two peers each. */
static void
test_scale_udp(void)
{
	enum { FLOWS = 100000, PORTS = 50000 };
	sim s;
	sim_init(&s, false);
	dm_packet p = udp("10.0.0.0", 1, SRV, 1, 8);
	for (guint i = 0; i < FLOWS; i++) {
		p.src[1] = (uint8_t)(i >> 16);
		p.src[2] = (uint8_t)(i >> 8);
		p.src[3] = (uint8_t)i;
		p.sport = (uint16_t)(1024 + i % 60000);
		p.dport = (uint16_t)(1 + i % PORTS);
		s.frame++;
		dm_demux_segment(s.dm, s.frame, T0, 0, DM_FRAME_SEGMENT, &p, &s.d);
		g_assert_cmpint(s.d.action, ==, DM_ACTION_DELIVERED);
		g_assert_cmpint(s.d.lookup, ==, i < PORTS ? DM_LOOKUP_NEW : DM_LOOKUP_BOUND);
		if (i % 25000 == 0)
			check_invariants(s.dm);
	}
	check_invariants(s.dm);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, PORTS);
	g_assert_cmpuint(th_n_hosts(s.dm), ==, 1);
	const GPtrArray *a = dm_host_sockets(th_host_of(s.dm, SRV));
	g_assert_cmpuint(a->len, ==, PORTS);
	for (guint i = 0; i < a->len; i++) {
		const dm_socket *sk = g_ptr_array_index(a, i);
		g_assert_cmpuint(dm_socket_peers(sk), ==, 2);
		g_assert_cmpuint(dm_socket_segments(sk), ==, 2);
		g_assert_cmpuint(dm_socket_bytes(sk), ==, 16);
	}
	sim_clear(&s);
}

/* 20,000 TCP handshakes to one listener. */
static void
test_scale_tcp(void)
{
	enum { CONNS = 20000 };
	sim s;
	sim_init(&s, false);
	for (guint i = 0; i < CONNS; i++) {
		dm_packet syn = tcp("10.1.0.0", 1, SRV, 443, SYN, i * 7919u, 0, 0);
		syn.src[2] = (uint8_t)(i >> 8);
		syn.src[3] = (uint8_t)i;
		syn.sport = (uint16_t)(1024 + i);
		dm_packet synack = syn;
		memcpy(synack.src, syn.dst, 16);
		memcpy(synack.dst, syn.src, 16);
		memcpy(synack.final_dst, syn.src, 16);
		synack.sport = 443;
		synack.dport = syn.sport;
		synack.tcp_flags = SYN | ACK;
		synack.seq = ~i;
		synack.ack = syn.seq + 1;
		dm_packet ack = syn;
		ack.tcp_flags = ACK;
		ack.seq = syn.seq + 1;
		ack.ack = synack.seq + 1;

		s.frame++;
		dm_demux_segment(s.dm, s.frame, T0, 0, DM_FRAME_SEGMENT, &syn, &s.d);
		g_assert_cmpint(s.d.action, ==, DM_ACTION_SPAWNED);
		s.frame++;
		dm_demux_segment(s.dm, s.frame, T0, 0, DM_FRAME_SEGMENT, &synack, &s.d);
		g_assert_cmpint(s.d.state, ==, DM_TCP_ESTABLISHED);
		s.frame++;
		dm_demux_segment(s.dm, s.frame, T0, 0, DM_FRAME_SEGMENT, &ack, &s.d);
		g_assert_cmpint(s.d.action, ==, DM_ACTION_ACCEPTED);
		if (i % 5000 == 0)
			check_invariants(s.dm);
	}
	check_invariants(s.dm);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 1 + 2 * CONNS);
	g_assert_cmpuint(n_sockets(s.dm, SRV), ==, 1 + CONNS);
	g_assert_cmpuint(th_n_hosts(s.dm), ==, 1 + CONNS);
	const GPtrArray *a = dm_host_sockets(th_host_of(s.dm, SRV));
	const dm_socket *l = g_ptr_array_index(a, 0);
	g_assert_cmpint(dm_socket_kind(l), ==, DM_KIND_LISTEN);
	g_assert_cmpuint(dm_socket_segments(l), ==, CONNS);
	for (guint i = 1; i < a->len; i++) {
		const dm_socket *sk = g_ptr_array_index(a, i);
		g_assert_true(dm_socket_parent(sk) == l);
		g_assert_cmpint(dm_socket_state(sk), ==, DM_TCP_ESTABLISHED);
	}
	sim_clear(&s);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/demux/names", test_names);
	g_test_add_func("/demux/non-segments", test_non_segments);
	g_test_add_func("/demux/udp/learn-new-then-bound", test_udp_learn);
	g_test_add_func("/demux/udp/peers-bytes-frames", test_udp_peers);
	g_test_add_func("/demux/span/extremes", test_span_extremes);
	g_test_add_func("/demux/span/wide-retired", test_span_wide_retired);
	g_test_add_func("/demux/udp/exact-beats-wildcard", test_udp_exact_beats_wildcard);
	g_test_add_func("/demux/udp/connected-beats-bound", test_udp_connected_beats_bound);
	g_test_add_func("/demux/udp/connected-only", test_udp_connected_only);
	g_test_add_func("/demux/udp/wildcard-per-host", test_wildcard_per_host);
	g_test_add_func("/demux/udp/ipv6-final-dst", test_udp_ipv6_final_dst);
	g_test_add_func("/demux/tcp/handshake", test_tcp_handshake);
	g_test_add_func("/demux/tcp/handshake-ipv6", test_tcp_handshake_ipv6);
	g_test_add_func("/demux/tcp/close-client-first", test_tcp_close_client_first);
	g_test_add_func("/demux/tcp/close-server-first", test_tcp_close_server_first);
	g_test_add_func("/demux/tcp/close-fin-ack", test_tcp_close_fin_ack);
	g_test_add_func("/demux/tcp/close-seq-wrap", test_tcp_close_seq_wrap);
	g_test_add_func("/demux/tcp/simultaneous-close", test_tcp_simultaneous_close);
	g_test_add_func("/demux/tcp/rst", test_tcp_rst);
	g_test_add_func("/demux/tcp/retransmitted-syn", test_tcp_retransmitted_syn);
	g_test_add_func("/demux/tcp/reuse-after-close", test_tcp_reuse);
	g_test_add_func("/demux/tcp/synack-after-close", test_tcp_synack_after_close);
	g_test_add_func("/demux/tcp/midstream", test_tcp_midstream);
	g_test_add_func("/demux/tcp/exact-listener-beats-wildcard",
	                test_tcp_exact_listener_beats_wildcard);
	g_test_add_func("/demux/drop/bad-checksum", test_drop_bad_checksum);
	g_test_add_func("/demux/drop/keep-bad-checksums", test_drop_keep_bad_checksums);
	g_test_add_func("/demux/drop/malformed", test_drop_malformed);
	g_test_add_func("/demux/drop/unverifiable-delivered", test_drop_unverifiable_delivered);
	g_test_add_func("/demux/refuse/udp-icmp", test_refuse_udp_icmp);
	g_test_add_func("/demux/refuse/udp-icmpv6", test_refuse_udp_icmp6);
	g_test_add_func("/demux/refuse/evidence-must-match", test_refuse_evidence_must_match);
	g_test_add_func("/demux/refuse/tcp-rst", test_refuse_tcp_rst);
	g_test_add_func("/demux/refuse/no-evidence-learns", test_refuse_none_learns);
	g_test_add_func("/demux/refuse/declared", test_refuse_declared);
	g_test_add_func("/demux/refuse/declared-midstream", test_refuse_declared_midstream);
	g_test_add_func("/demux/declared/load", test_declared_load);
	g_test_add_func("/demux/declared/bad-files", test_declared_bad);
	g_test_add_func("/demux/scale/udp-100k-flows", test_scale_udp);
	g_test_add_func("/demux/scale/tcp-20k-handshakes", test_scale_tcp);
	return g_test_run();
}
