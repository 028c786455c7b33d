/* test-calls.c - the socket calls the calls stage infers from segments
 * and the tables' decisions: a TCP connection's connect(), listen(),
 * accept(), send()/recv() (retransmissions are no new call), the FIN's
 * close() or shutdown(), refusals and resets; UDP's sendto()/recvfrom()
 * one per datagram; the declared sockets' calls; and the ladder kept of
 * one connection.
 */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "demuxsim/calls.h"
#include "demuxsim/demux.h"
#include "testseg.h"

#define T0 1700000000
#define CLI "10.0.0.2"
#define SRV "10.0.0.7"

enum { S = DM_TCP_SYN, A = DM_TCP_ACK, F = DM_TCP_FIN, R = DM_TCP_RST, P = DM_TCP_PSH };

typedef struct {
	dm_demux *dm;
	dm_calls *calls;
	uint64_t frame;
	dm_decision d;
} sim;

static void
sim_init(sim *s, const dm_ladder_select *sel)
{
	dm_demux_config cfg = { 0 };
	memset(s, 0, sizeof *s);
	s->dm = dm_demux_new(&cfg);
	s->calls = dm_calls_new(sel, 0);
}

static void
sim_clear(sim *s)
{
	dm_calls_free(s->calls);
	dm_demux_free(s->dm);
}

static const dm_decision *
feed(sim *s, dm_packet p)
{
	s->frame++;
	int64_t sec = T0 + (int64_t)s->frame;
	dm_demux_segment(s->dm, s->frame, sec, 0, DM_FRAME_SEGMENT, &p, &s->d);
	dm_calls_frame(s->calls, s->frame, sec, 0, DM_FRAME_SEGMENT, &p, &s->d);
	return &s->d;
}

/* The calls of host @addr after the end of the capture. */
static GArray *
calls_of(sim *s, const char *addr)
{
	uint8_t a[16];
	int fam = parse_addr(addr, a);
	dm_calls_finish(s->calls);
	GArray *hosts = dm_calls_hosts(s->calls);
	GArray *out = g_array_new(FALSE, TRUE, sizeof(dm_call));
	for (guint i = 0; i < hosts->len; i++) {
		const dm_calls_host *h = &g_array_index(hosts, dm_calls_host, i);
		if (h->family == fam && !memcmp(h->addr, a, fam == 6 ? 16 : 4))
			g_array_append_vals(out, h->calls->data, h->calls->len);
	}
	g_array_unref(hosts);
	return out;
}

static const dm_call *
nth(GArray *calls, guint i)
{
	g_assert_cmpuint(i, <, calls->len);
	return &g_array_index(calls, dm_call, i);
}

/* The kinds of @calls, as their names joined by spaces. */
static char *
kinds(GArray *calls)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < calls->len; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "",
		                       dm_call_kind_name(g_array_index(calls, dm_call, i).kind));
	return g_string_free(s, FALSE);
}

static void
assert_kinds(GArray *calls, const char *want)
{
	char *got = kinds(calls);
	g_assert_cmpstr(got, ==, want);
	g_free(got);
}

/* A handshake of CLI:41000 with SRV:80; the client's ISN 100, the
 * server's 500. */
static void
handshake(sim *s)
{
	feed(s, tcp(CLI, 41000, SRV, 80, S, 100, 0, 0));
	feed(s, tcp(SRV, 80, CLI, 41000, S | A, 500, 101, 0));
	feed(s, tcp(CLI, 41000, SRV, 80, A, 101, 501, 0));
}

static void
test_tcp_connection(void)
{
	sim s;
	sim_init(&s, NULL);
	handshake(&s);
	feed(&s, tcp(CLI, 41000, SRV, 80, P | A, 101, 501, 300));
	feed(&s, tcp(CLI, 41000, SRV, 80, P | A, 401, 501, 200));
	feed(&s, tcp(SRV, 80, CLI, 41000, A, 501, 601, 0));
	feed(&s, tcp(SRV, 80, CLI, 41000, P | A, 501, 601, 1000));
	feed(&s, tcp(SRV, 80, CLI, 41000, F | A, 1501, 601, 0));
	feed(&s, tcp(CLI, 41000, SRV, 80, F | A, 601, 1502, 0));
	feed(&s, tcp(SRV, 80, CLI, 41000, A, 1502, 602, 0));

	GArray *srv = calls_of(&s, SRV);
	/* The server closed first: it reads no end of stream after. */
	assert_kinds(srv, "listen accept recv send close");
	const dm_call *l = nth(srv, 0);
	g_assert_cmpint(l->sure, ==, DM_SURE_ASSUMED);
	g_assert_cmpuint(l->frame, ==, 1);
	g_assert_cmpuint(l->local_port, ==, 80);
	const dm_call *acc = nth(srv, 1);
	g_assert_cmpuint(acc->frame, ==, 3);
	g_assert_cmpuint(acc->socket, ==, l->socket);
	g_assert_cmpuint(acc->new_socket, !=, 0);
	g_assert_cmpuint(acc->peer_port, ==, 41000);
	/* Two segments, one recv() entry of their bytes. */
	g_assert_cmpuint(nth(srv, 2)->bytes, ==, 500);
	g_assert_cmpuint(nth(srv, 2)->count, ==, 2);
	g_assert_cmpuint(nth(srv, 2)->socket, ==, acc->new_socket);
	g_assert_cmpuint(nth(srv, 3)->bytes, ==, 1000);
	/* The server closed first, and nothing came after its FIN but the
	 * client's own: close() cannot be told from shutdown(). */
	g_assert_cmpint(nth(srv, 4)->how, ==, DM_CLOSE_UNKNOWN);

	GArray *cli = calls_of(&s, CLI);
	assert_kinds(cli, "connect connected send recv recv-eof close");
	g_assert_cmpint(nth(cli, 0)->sure, ==, DM_SURE_SEEN);
	g_assert_cmpuint(nth(cli, 0)->peer_port, ==, 80);
	g_assert_cmpint(nth(cli, 1)->result, ==, 0);
	g_assert_cmpuint(nth(cli, 1)->frame, ==, 2);
	g_assert_cmpuint(nth(cli, 2)->bytes, ==, 500);
	g_array_unref(srv);
	g_array_unref(cli);
	sim_clear(&s);
}

static void
test_tcp_retransmission(void)
{
	sim s;
	sim_init(&s, NULL);
	handshake(&s);
	feed(&s, tcp(CLI, 41000, SRV, 80, P | A, 101, 501, 300));
	feed(&s, tcp(CLI, 41000, SRV, 80, P | A, 101, 501, 300));
	/* Partly new: 100 bytes beyond what was sent. */
	feed(&s, tcp(CLI, 41000, SRV, 80, P | A, 301, 501, 200));
	GArray *cli = calls_of(&s, CLI);
	assert_kinds(cli, "connect connected send");
	g_assert_cmpuint(nth(cli, 2)->bytes, ==, 400);
	GArray *srv = calls_of(&s, SRV);
	assert_kinds(srv, "listen accept recv");
	g_assert_cmpuint(nth(srv, 2)->bytes, ==, 400);
	g_array_unref(cli);
	g_array_unref(srv);
	sim_clear(&s);
}

/* A copy the receiver dropped (bad checksum), then its retransmission:
 * one send() on the sender, one recv() on the receiver, of the bytes once. */
static void
test_tcp_bad_checksum(void)
{
	sim s;
	sim_init(&s, NULL);
	handshake(&s);
	dm_packet bad = tcp(CLI, 41000, SRV, 80, P | A, 101, 501, 300);
	bad.csum.status = DM_CSUM_BAD;
	feed(&s, bad);
	g_assert_cmpint(s.d.action, ==, DM_ACTION_DROPPED);
	feed(&s, tcp(CLI, 41000, SRV, 80, P | A, 101, 501, 300));
	GArray *cli = calls_of(&s, CLI);
	assert_kinds(cli, "connect connected send");
	g_assert_cmpuint(nth(cli, 2)->bytes, ==, 300);
	g_assert_cmpuint(nth(cli, 2)->count, ==, 1);
	GArray *srv = calls_of(&s, SRV);
	assert_kinds(srv, "listen accept recv");
	g_assert_cmpuint(nth(srv, 2)->bytes, ==, 300);
	g_assert_cmpuint(nth(srv, 2)->frame, ==, 5);
	g_array_unref(cli);
	g_array_unref(srv);
	sim_clear(&s);
}

static void
test_tcp_refused(void)
{
	sim s;
	sim_init(&s, NULL);
	/* The RST read ahead, as a single pass's window (or a first pass)
	 * reads it: the SYN is refused, not a listener's. */
	dm_packet syn = tcp(CLI, 41000, SRV, 81, S, 100, 0, 0);
	dm_packet rst = tcp(SRV, 81, CLI, 41000, R | A, 0, 101, 0);
	dm_evidence *ev = dm_evidence_new(false);
	dm_evidence_add(ev, 2, DM_FRAME_SEGMENT, &rst);
	dm_demux_set_evidence(s.dm, ev);
	feed(&s, syn);
	g_assert_cmpint(s.d.action, ==, DM_ACTION_REFUSED);
	feed(&s, rst);
	GArray *cli = calls_of(&s, CLI);
	assert_kinds(cli, "connect connected");
	g_assert_cmpint(nth(cli, 1)->result, ==, ECONNREFUSED);
	g_assert_cmpuint(nth(cli, 1)->frame, ==, 2);
	GArray *srv = calls_of(&s, SRV);
	g_assert_cmpuint(srv->len, ==, 0);
	g_array_unref(cli);
	g_array_unref(srv);
	sim_clear(&s);
}

static void
test_tcp_timeout(void)
{
	sim s;
	sim_init(&s, NULL);
	feed(&s, tcp(CLI, 41000, SRV, 82, S, 100, 0, 0));
	feed(&s, tcp(CLI, 41000, SRV, 82, S, 100, 0, 0));
	GArray *cli = calls_of(&s, CLI);
	/* The retransmitted SYN is no second connect(). */
	assert_kinds(cli, "connect");
	g_assert_cmpint(nth(cli, 0)->result, ==, ETIMEDOUT);
	g_array_unref(cli);
	sim_clear(&s);
}

/* The client's FIN, then data from the server: acknowledged means the
 * client only shut down its sending half; answered by RST, it closed. */
static void
half_close(sim *s, bool reset)
{
	handshake(s);
	feed(s, tcp(CLI, 41000, SRV, 80, F | A, 101, 501, 0));
	feed(s, tcp(SRV, 80, CLI, 41000, A, 501, 102, 0));
	feed(s, tcp(SRV, 80, CLI, 41000, P | A, 501, 102, 50));
	if (reset)
		feed(s, tcp(CLI, 41000, SRV, 80, R, 102, 0, 0));
	else
		feed(s, tcp(CLI, 41000, SRV, 80, A, 102, 551, 0));
}

static void
test_tcp_shutdown(void)
{
	sim s;
	sim_init(&s, NULL);
	half_close(&s, false);
	GArray *cli = calls_of(&s, CLI);
	assert_kinds(cli, "connect connected close recv");
	g_assert_cmpint(nth(cli, 2)->how, ==, DM_CLOSE_SHUTDOWN);
	g_array_unref(cli);
	sim_clear(&s);

	sim_init(&s, NULL);
	half_close(&s, true);
	cli = calls_of(&s, CLI);
	/* The RST is the kernel's answer to data for a closed socket: no
	 * call of its own. */
	assert_kinds(cli, "connect connected close recv");
	g_assert_cmpint(nth(cli, 2)->how, ==, DM_CLOSE_CLOSE);
	GArray *srv = calls_of(&s, SRV);
	assert_kinds(srv, "listen accept recv-eof send recv-eof");
	g_assert_cmpint(nth(srv, 4)->result, ==, ECONNRESET);
	g_array_unref(cli);
	g_array_unref(srv);
	sim_clear(&s);
}

static void
test_tcp_abort(void)
{
	sim s;
	sim_init(&s, NULL);
	handshake(&s);
	feed(&s, tcp(SRV, 80, CLI, 41000, R | A, 501, 101, 0));
	GArray *srv = calls_of(&s, SRV);
	assert_kinds(srv, "listen accept abort");
	GArray *cli = calls_of(&s, CLI);
	assert_kinds(cli, "connect connected recv-eof");
	g_assert_cmpint(nth(cli, 2)->result, ==, ECONNRESET);
	g_array_unref(srv);
	g_array_unref(cli);
	sim_clear(&s);
}

static void
test_tcp_midstream(void)
{
	sim s;
	sim_init(&s, NULL);
	feed(&s, tcp(CLI, 41000, SRV, 80, P | A, 101, 501, 10));
	GArray *cli = calls_of(&s, CLI);
	assert_kinds(cli, "open send");
	g_assert_cmpint(nth(cli, 0)->sure, ==, DM_SURE_ASSUMED);
	GArray *srv = calls_of(&s, SRV);
	assert_kinds(srv, "open recv");
	g_array_unref(cli);
	g_array_unref(srv);
	sim_clear(&s);
}

static void
test_udp_echo(void)
{
	sim s;
	sim_init(&s, NULL);
	feed(&s, udp(CLI, 40000, SRV, 53, 30));
	feed(&s, udp(SRV, 53, CLI, 40000, 90));
	feed(&s, udp(CLI, 40000, SRV, 53, 30));
	feed(&s, udp(CLI, 40000, SRV, 53, 31));
	GArray *cli = calls_of(&s, CLI);
	assert_kinds(cli, "udp-socket sendto recvfrom sendto");
	g_assert_true(nth(cli, 0)->ephemeral);
	/* Each datagram is a call: two folded into one entry. */
	g_assert_cmpuint(nth(cli, 3)->count, ==, 2);
	g_assert_cmpuint(nth(cli, 3)->bytes, ==, 61);
	/* The client's socket got an id when the answer reached it; its
	 * earlier calls have it too. */
	g_assert_cmpuint(nth(cli, 0)->socket, !=, 0);
	g_assert_cmpuint(nth(cli, 0)->socket, ==, nth(cli, 2)->socket);
	GArray *srv = calls_of(&s, SRV);
	assert_kinds(srv, "udp-socket recvfrom sendto recvfrom");
	g_assert_false(nth(srv, 0)->ephemeral);
	g_assert_cmpint(nth(srv, 0)->sure, ==, DM_SURE_ASSUMED);
	g_array_unref(cli);
	g_array_unref(srv);
	sim_clear(&s);
}

static void
test_declared(void)
{
	sim s;
	sim_init(&s, NULL);
	char *path = NULL;
	int fd = g_file_open_tmp("test-calls-XXXXXX.ini", &path, NULL);
	g_assert_cmpint(fd, >=, 0);
	g_close(fd, NULL);
	g_assert_true(g_file_set_contents(path, "[" SRV "]\nudp = 53\ntcp = 80\n", -1, NULL));
	GError *err = NULL;
	g_assert_true(dm_demux_load_sockets(s.dm, path, &err));
	g_assert_no_error(err);
	g_unlink(path);
	g_free(path);
	dm_calls_declare(s.calls, s.dm);
	/* A SYN and a datagram to ports nobody declared: refused, with no
	 * answer in the capture to confirm it. */
	feed(&s, tcp(CLI, 41000, SRV, 81, S, 100, 0, 0));
	feed(&s, udp(CLI, 40000, SRV, 54, 10));
	GArray *srv = calls_of(&s, SRV);
	assert_kinds(srv, "udp-socket listen");
	g_assert_cmpint(nth(srv, 0)->sure, ==, DM_SURE_DECLARED);
	g_assert_cmpuint(nth(srv, 0)->frame, ==, 0);
	GArray *cli = calls_of(&s, CLI);
	assert_kinds(cli, "connect connected udp-socket sendto udp-refused");
	g_assert_cmpint(nth(cli, 1)->result, ==, ECONNREFUSED);
	g_assert_cmpuint(nth(cli, 1)->evidence, ==, 0);
	g_assert_cmpint(nth(cli, 4)->result, ==, ECONNREFUSED);
	g_array_unref(srv);
	g_array_unref(cli);
	sim_clear(&s);
}

static void
ladder_connection(sim *s)
{
	handshake(s);
	feed(s, tcp(CLI, 41000, SRV, 80, P | A, 101, 501, 300));
	feed(s, tcp(CLI, 41000, SRV, 80, P | A, 101, 501, 300));
	/* Another connection in between: not on the ladder. */
	feed(s, tcp(CLI, 41001, SRV, 80, S, 7, 0, 0));
	feed(s, tcp(SRV, 80, CLI, 41000, F | A, 501, 401, 0));
	feed(s, tcp(CLI, 41000, SRV, 80, F | A, 401, 502, 0));
	feed(s, tcp(SRV, 80, CLI, 41000, A, 502, 402, 0));
}

static void
check_ladder(const dm_ladder *l)
{
	g_assert_true(l->found);
	g_assert_cmpuint(l->a_port, ==, 41000);
	g_assert_cmpuint(l->b_port, ==, 80);
	g_assert_cmpuint(l->rows->len, ==, 8);
	const dm_ladder_row *r = &g_array_index(l->rows, dm_ladder_row, 0);
	g_assert_true(r->from_a);
	g_assert_cmpint(r->state_a, ==, DM_TCP_SYN_SENT);
	g_assert_cmpint(r->state_b, ==, DM_TCP_SYN_RECEIVED);
	r = &g_array_index(l->rows, dm_ladder_row, 1);
	g_assert_false(r->from_a);
	g_assert_true(r->rel_known);
	g_assert_cmpuint(r->rel_seq, ==, 0);
	g_assert_cmpuint(r->rel_ack, ==, 1);
	g_assert_cmpint(r->state_a, ==, DM_TCP_ESTABLISHED);
	r = &g_array_index(l->rows, dm_ladder_row, 3);
	g_assert_cmpuint(r->rel_seq, ==, 1);
	g_assert_cmpuint(r->len, ==, 300);
	g_assert_false(r->retransmission);
	g_assert_true(g_array_index(l->rows, dm_ladder_row, 4).retransmission);
	r = &g_array_index(l->rows, dm_ladder_row, 7);
	/* The server closed first: it waits in TIME-WAIT, the client is
	 * done once its FIN is acknowledged. */
	g_assert_cmpint(r->state_a, ==, DM_TCP_CLOSED);
	g_assert_cmpint(r->state_b, ==, DM_TCP_TIME_WAIT);
	/* Each end's calls: the client's connect() first, the server's
	 * listen() (its listener's) first. */
	g_assert_cmpuint(l->calls_a->len, >=, 1);
	g_assert_cmpint(g_array_index(l->calls_a, dm_call, 0).kind, ==, DM_CALL_CONNECT);
	g_assert_cmpuint(l->calls_b->len, >=, 2);
	g_assert_cmpint(g_array_index(l->calls_b, dm_call, 0).kind, ==, DM_CALL_LISTEN);
	g_assert_cmpint(g_array_index(l->calls_b, dm_call, 1).kind, ==, DM_CALL_ACCEPT);
}

static void
test_ladder_tuple(void)
{
	dm_ladder_select sel = { 0 };
	sel.family = parse_addr(SRV, sel.a);
	sel.a_port = 80;
	parse_addr(CLI, sel.b);
	sel.b_port = 41000;
	sim s;
	sim_init(&s, &sel);
	ladder_connection(&s);
	dm_calls_finish(s.calls);
	check_ladder(dm_calls_ladder(s.calls));
	sim_clear(&s);
}

static void
test_ladder_socket(void)
{
	/* The server's end of the connection: socket 3 (the client's is 1,
	 * the listener 2). */
	dm_ladder_select sel = { .socket = 3 };
	sim s;
	sim_init(&s, &sel);
	ladder_connection(&s);
	dm_calls_finish(s.calls);
	const dm_ladder *l = dm_calls_ladder(s.calls);
	check_ladder(l);
	g_assert_cmpuint(l->b_socket, ==, 3);
	g_assert_true(dm_calls_ladder_of(s.calls, 1) == l);
	g_assert_null(dm_calls_ladder_of(s.calls, 2));
	sim_clear(&s);

	sel.socket = 99;
	sim_init(&s, &sel);
	ladder_connection(&s);
	dm_calls_finish(s.calls);
	g_assert_false(dm_calls_ladder(s.calls)->found);
	sim_clear(&s);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/calls/tcp/connection", test_tcp_connection);
	g_test_add_func("/calls/tcp/retransmission", test_tcp_retransmission);
	g_test_add_func("/calls/tcp/bad-checksum", test_tcp_bad_checksum);
	g_test_add_func("/calls/tcp/refused", test_tcp_refused);
	g_test_add_func("/calls/tcp/timeout", test_tcp_timeout);
	g_test_add_func("/calls/tcp/shutdown-or-close", test_tcp_shutdown);
	g_test_add_func("/calls/tcp/abort", test_tcp_abort);
	g_test_add_func("/calls/tcp/midstream", test_tcp_midstream);
	g_test_add_func("/calls/udp/echo", test_udp_echo);
	g_test_add_func("/calls/declared", test_declared);
	g_test_add_func("/calls/ladder/tuple", test_ladder_tuple);
	g_test_add_func("/calls/ladder/socket", test_ladder_socket);
	return g_test_run();
}
