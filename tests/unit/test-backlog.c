/* test-backlog.c - a TCP listener's SYN and accept queues and its SYN
 * cookies in the simulation: children counted into and out of the
 * queues through every way out (handshake, RST, FIN in SYN-RECEIVED, the
 * SYN timeout, a new SYN on the 4-tuple), the SYN queue's bound, cookies
 * sent and used, syn-queue-full drops; the tables' invariants (which
 * recount the queues from the children) are checked after every segment.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "demuxsim/demux.h"
#include "testseg.h"

#define SRV "198.51.100.10"
#define T0 1700000000

enum { SYN = DM_TCP_SYN, ACK = DM_TCP_ACK, FIN = DM_TCP_FIN, RST = DM_TCP_RST };

typedef struct {
	dm_demux *dm;
	uint64_t frame;
	double t;          /* seconds after T0 of the next frame */
	dm_decision d;
} sim;

static void
check(const dm_demux *dm)
{
	char *err = dm_demux_check_invariants(dm);
	g_assert_cmpstr(err, ==, NULL);
	g_free(err);
}

static void
sim_init(sim *s, uint32_t somaxconn, dm_syncookies cookies)
{
	dm_demux_config cfg = { .somaxconn = somaxconn, .syncookies = cookies };
	memset(s, 0, sizeof *s);
	s->dm = dm_demux_new(&cfg);
}

static const dm_decision *
feed(sim *s, dm_packet p)
{
	s->frame++;
	int64_t sec = (int64_t)s->t;
	dm_demux_segment(s->dm, s->frame, T0 + sec, (uint32_t)((s->t - (double)sec) * 1e9),
	                 DM_FRAME_SEGMENT, &p, &s->d);
	s->t += 0.001;
	check(s->dm);
	return &s->d;
}

/* Client 192.0.2.N's address. */
static const char *
cli(int n, char buf[32])
{
	g_snprintf(buf, 32, "192.0.2.%d", n);
	return buf;
}

static dm_backlog_stats
stats(const sim *s)
{
	dm_backlog_stats st;
	GPtrArray *hosts = dm_demux_hosts(s->dm);
	bool found = false;
	for (guint i = 0; i < hosts->len; i++) {
		const GPtrArray *socks = dm_host_sockets(g_ptr_array_index(hosts, i));
		for (guint j = 0; j < socks->len; j++) {
			const dm_socket *k = g_ptr_array_index(socks, j);
			if (k && dm_socket_backlog(k, &st))
				found = true;
		}
	}
	g_ptr_array_unref(hosts);
	g_assert_true(found);
	return st;
}

/* Each way out of the SYN queue, and into and out of the accept queue. */
static void
test_queues(void)
{
	sim s;
	char a[32];
	sim_init(&s, 0, DM_SYNCOOKIES_DEFAULT);
	for (int n = 1; n <= 5; n++)
		feed(&s, tcp(cli(n, a), 1000, SRV, 80, SYN, 100, 0, 0));
	dm_backlog_stats st = stats(&s);
	g_assert_cmpuint(st.backlog, ==, DM_DEFAULT_SOMAXCONN);
	g_assert_cmpuint(st.syn_queue, ==, 5);
	/* 1: the handshake completes; 2: a RST; 3: the server's FIN while
	 * SYN-RECEIVED; 4: a new SYN on the 4-tuple after a RST. */
	feed(&s, tcp(SRV, 80, cli(1, a), 1000, SYN | ACK, 500, 101, 0));
	feed(&s, tcp(cli(1, a), 1000, SRV, 80, ACK, 101, 501, 0));
	g_assert_cmpint(s.d.action, ==, DM_ACTION_ACCEPTED);
	feed(&s, tcp(cli(2, a), 1000, SRV, 80, RST, 101, 0, 0));
	feed(&s, tcp(SRV, 80, cli(3, a), 1000, FIN | ACK, 500, 101, 0));
	feed(&s, tcp(cli(4, a), 1000, SRV, 80, RST, 101, 0, 0));
	feed(&s, tcp(cli(4, a), 1000, SRV, 80, SYN, 900, 0, 0));
	st = stats(&s);
	g_assert_cmpuint(st.syn_queue, ==, 2);   /* 4 again, and 5 */
	g_assert_cmpuint(st.syn_peak, ==, 5);
	g_assert_cmpuint(st.accept_queue, ==, 1);
	/* The accepted connection closes: out of the accept queue. */
	feed(&s, tcp(cli(1, a), 1000, SRV, 80, FIN | ACK, 101, 501, 0));
	st = stats(&s);
	g_assert_cmpuint(st.accept_queue, ==, 0);
	g_assert_cmpuint(st.accept_peak, ==, 1);
	/* The SYN timeout (63 s) empties the SYN queue. */
	s.t += 70;
	feed(&s, tcp(cli(9, a), 1000, SRV, 80, SYN, 1, 0, 0));
	st = stats(&s);
	g_assert_cmpuint(st.syn_queue, ==, 1);
	g_assert_cmpuint(st.cookies_sent, ==, 0);
	dm_demux_free(s.dm);
}

/* somaxconn 2: the third SYN gets a cookie, no state at either end; its
 * SYN-ACK and ACK make the client's end and the child ESTABLISHED. */
static void
test_cookie(void)
{
	sim s;
	char a[32];
	sim_init(&s, 2, DM_SYNCOOKIES_DEFAULT);
	feed(&s, tcp(cli(1, a), 1000, SRV, 80, SYN, 100, 0, 0));
	feed(&s, tcp(cli(2, a), 1000, SRV, 80, SYN, 100, 0, 0));
	guint made = dm_demux_socket_count(s.dm);
	const dm_decision *d = feed(&s, tcp(cli(3, a), 1000, SRV, 80, SYN, 100, 0, 0));
	g_assert_cmpint(d->syncookie, ==, DM_COOKIE_SENT);
	g_assert_cmpint(d->action, ==, DM_ACTION_DELIVERED);
	g_assert_cmpint(dm_socket_kind(d->socket), ==, DM_KIND_LISTEN);
	g_assert_cmpuint(d->sender_socket, ==, 0);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, made);
	d = feed(&s, tcp(SRV, 80, cli(3, a), 1000, SYN | ACK, 7000, 101, 0));
	g_assert_cmpuint(d->sender_socket, ==, 0);     /* sent statelessly */
	g_assert_cmpint(d->state, ==, DM_TCP_ESTABLISHED);
	g_assert_false(dm_socket_midstream(d->socket)); /* the client's end */
	/* An ACK that does not return the cookie: picked up mid-stream. */
	d = feed(&s, tcp(cli(4, a), 1000, SRV, 80, ACK, 55, 66, 0));
	g_assert_cmpint(d->syncookie, ==, DM_COOKIE_NONE);
	g_assert_true(dm_socket_midstream(d->socket));
	d = feed(&s, tcp(cli(3, a), 1000, SRV, 80, ACK, 101, 7001, 0));
	g_assert_cmpint(d->syncookie, ==, DM_COOKIE_USED);
	g_assert_cmpint(d->action, ==, DM_ACTION_ACCEPTED);
	g_assert_cmpint(d->state, ==, DM_TCP_ESTABLISHED);
	g_assert_false(dm_socket_midstream(d->socket));
	g_assert_cmpint(dm_socket_kind(dm_socket_parent(d->socket)), ==, DM_KIND_LISTEN);
	dm_backlog_stats st = stats(&s);
	g_assert_cmpuint(st.syn_queue, ==, 2);
	g_assert_cmpuint(st.syn_limit, ==, 2);
	g_assert_cmpuint(st.cookies_sent, ==, 1);
	g_assert_cmpuint(st.cookies_used, ==, 1);
	g_assert_cmpuint(st.accept_queue, ==, 1);
	/* The same ACK again is the child's, found by its 4-tuple. */
	d = feed(&s, tcp(cli(3, a), 1000, SRV, 80, ACK, 101, 7001, 0));
	g_assert_cmpint(d->syncookie, ==, DM_COOKIE_NONE);
	g_assert_cmpint(d->lookup, ==, DM_LOOKUP_EXACT);
	dm_demux_free(s.dm);
}

/* Cookies off: past the queue the SYN is dropped, counted on the host. */
static void
test_drop(void)
{
	sim s;
	char a[32];
	sim_init(&s, 1, DM_SYNCOOKIES_NEVER);
	feed(&s, tcp(cli(1, a), 1000, SRV, 80, SYN, 100, 0, 0));
	const dm_decision *d = feed(&s, tcp(cli(2, a), 1000, SRV, 80, SYN, 100, 0, 0));
	g_assert_cmpint(d->action, ==, DM_ACTION_DROPPED);
	g_assert_cmpint(d->drop, ==, DM_DROP_SYN_QUEUE_FULL);
	g_assert_cmpstr(dm_drop_name(d->drop), ==, "syn-queue-full");
	g_assert_cmpuint(dm_host_drops(d->host, DM_DROP_SYN_QUEUE_FULL), ==, 1);
	g_assert_cmpuint(stats(&s).syn_queue_full, ==, 1);
	dm_demux_free(s.dm);
}

/* Cookies always: no child waits; the handshake completes by cookie. */
static void
test_always(void)
{
	sim s;
	char a[32];
	sim_init(&s, 0, DM_SYNCOOKIES_ALWAYS);
	feed(&s, tcp(cli(1, a), 1000, SRV, 80, SYN, 100, 0, 0));
	feed(&s, tcp(SRV, 80, cli(1, a), 1000, SYN | ACK, 7000, 101, 0));
	const dm_decision *d = feed(&s, tcp(cli(1, a), 1000, SRV, 80, ACK, 101, 7001, 0));
	g_assert_cmpint(d->syncookie, ==, DM_COOKIE_USED);
	dm_backlog_stats st = stats(&s);
	g_assert_cmpuint(st.syn_peak, ==, 0);
	g_assert_cmpuint(st.accept_peak, ==, 1);
	dm_demux_free(s.dm);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/backlog/queues", test_queues);
	g_test_add_func("/backlog/cookie", test_cookie);
	g_test_add_func("/backlog/drop", test_drop);
	g_test_add_func("/backlog/always", test_always);
	return g_test_run();
}
