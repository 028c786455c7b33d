/* test-limits.c - bounded state: half-open entries expiring like a SYN
 * cache, TIME-WAIT and CLOSED leaving the table after 2*MSL (and the
 * 4-tuple reused), idle learned UDP sockets, eviction under
 * --max-sockets (half-open first) and --max-memory, and the counts.
 *
 * Segments are dm_packet values filled in directly and fed at chosen
 * capture times; the tables' invariants (the expiry lists included) are
 * checked after every one.
 */
#include "config.h"

#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "demuxsim/demux.h"
#include "demuxsim/packet.h"

#define CLI "192.0.2.1"
#define SRV "198.51.100.10"
#define T0 1700000000

enum { SYN = DM_TCP_SYN, ACK = DM_TCP_ACK, FIN = DM_TCP_FIN };

static uint8_t
parse_addr(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	g_assert_cmpint(inet_pton(AF_INET, text, out), ==, 1);
	return 4;
}

static dm_packet
seg(uint8_t proto, const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	dm_packet p;
	memset(&p, 0, sizeof p);
	p.family = parse_addr(src, p.src);
	parse_addr(dst, p.dst);
	memcpy(p.final_dst, p.dst, 16);
	p.proto = proto;
	p.sport = sport;
	p.dport = dport;
	p.have_csum_field = true;
	p.csum.status = DM_CSUM_GOOD;
	if (proto == 17) {
		p.have_length = true;
		p.udp_length = 8;
		p.seg_len = p.ip_payload_len = 8;
	} else {
		p.have_tcp = true;
		p.tcp_doff = 5;
		p.window = 65535;
		p.seg_len = p.ip_payload_len = 20;
	}
	p.caplen = p.wirelen = 20 + p.seg_len;
	return p;
}

static dm_packet
tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport, uint8_t flags,
    uint32_t seq, uint32_t ack)
{
	dm_packet p = seg(6, src, sport, dst, dport);
	p.tcp_flags = flags;
	p.seq = seq;
	p.ack = ack;
	return p;
}

typedef struct {
	dm_demux *dm;
	uint64_t frame;
	dm_decision d;
} sim;

static void
sim_init(sim *s, const dm_demux_config *cfg)
{
	memset(s, 0, sizeof *s);
	s->dm = dm_demux_new(cfg);
}

static void
check(const sim *s)
{
	char *err = dm_demux_check_invariants(s->dm);
	g_assert_cmpstr(err, ==, NULL);
}

/* Feed @p at @t seconds (and @ms milliseconds) into the capture. */
static const dm_decision *
feed(sim *s, int64_t t, uint32_t ms, const dm_packet *p)
{
	dm_demux_segment(s->dm, ++s->frame, T0 + t, ms * 1000000u, DM_FRAME_SEGMENT, p, &s->d);
	check(s);
	return &s->d;
}

static const dm_host *
host(const sim *s, const char *addr)
{
	uint8_t a[16];
	parse_addr(addr, a);
	GPtrArray *hosts = dm_demux_hosts(s->dm);
	const dm_host *found = NULL;
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		if (memcmp(dm_host_address(h), a, 4) == 0)
			found = h;
	}
	g_ptr_array_unref(hosts);
	g_assert_nonnull(found);
	return found;
}

/* The socket with id @id on host @addr, or NULL. */
static const dm_socket *
socket_by_id(const sim *s, const char *addr, guint id)
{
	const GPtrArray *socks = dm_host_sockets(host(s, addr));
	for (guint i = 0; i < socks->len; i++)
		if (dm_socket_id(g_ptr_array_index(socks, i)) == id)
			return g_ptr_array_index(socks, i);
	return NULL;
}

static uint64_t
total(const sim *s, dm_retire_reason r)
{
	dm_demux_usage u;
	dm_demux_get_usage(s->dm, &u);
	return u.retired[r];
}

/* A SYN-RECEIVED child is discarded after the SYN timeout with no
 * segment (and the client's SYN-SENT end too); the ACK that comes later
 * finds no half-open entry. */
static void
test_syn_received_expiry(void)
{
	sim s;
	sim_init(&s, NULL);
	dm_packet syn = tcp(CLI, 40000, SRV, 80, SYN, 100, 0);
	const dm_decision *d = feed(&s, 0, 0, &syn);
	g_assert_cmpint(d->action, ==, DM_ACTION_SPAWNED);
	guint child = dm_socket_id(d->socket);
	dm_packet other = seg(17, CLI, 5000, SRV, 53);
	feed(&s, 62, 900, &other);
	g_assert_nonnull(socket_by_id(&s, SRV, child));
	g_assert_cmpuint(total(&s, DM_RETIRE_SYN_TIMEOUT), ==, 0);
	feed(&s, 63, 0, &other);
	g_assert_null(socket_by_id(&s, SRV, child));
	g_assert_cmpuint(dm_host_retired(host(&s, SRV), DM_RETIRE_SYN_TIMEOUT), ==, 1);
	g_assert_cmpuint(dm_host_retired(host(&s, CLI), DM_RETIRE_SYN_TIMEOUT), ==, 1);
	g_assert_cmpuint(total(&s, DM_RETIRE_SYN_TIMEOUT), ==, 2);
	dm_packet ack = tcp(CLI, 40000, SRV, 80, ACK, 101, 1);
	d = feed(&s, 64, 0, &ack);
	g_assert_cmpint(d->action, ==, DM_ACTION_DELIVERED);
	g_assert_cmpint(d->lookup, ==, DM_LOOKUP_NEW);
	g_assert_true(dm_socket_midstream(d->socket));
	dm_demux_free(s.dm);
}

/* The client ends in TIME-WAIT, the server's end CLOSED; 60 s after
 * their last segment both leave the table (TIME-WAIT becoming CLOSED)
 * and stay listed; a new SYN on the 4-tuple makes a new connection. */
static void
test_time_wait_expiry_and_reuse(void)
{
	sim s;
	sim_init(&s, NULL);
	dm_packet p[] = {
		tcp(CLI, 40000, SRV, 80, SYN, 100, 0),
		tcp(SRV, 80, CLI, 40000, SYN | ACK, 500, 101),
		tcp(CLI, 40000, SRV, 80, ACK, 101, 501),
		tcp(CLI, 40000, SRV, 80, FIN | ACK, 101, 501),
		tcp(SRV, 80, CLI, 40000, ACK, 501, 102),
		tcp(SRV, 80, CLI, 40000, FIN | ACK, 501, 102),
		tcp(CLI, 40000, SRV, 80, ACK, 102, 502),
	};
	guint srv_conn = 0, cli_conn = 0;
	for (guint i = 0; i < G_N_ELEMENTS(p); i++) {
		const dm_decision *d = feed(&s, (int64_t)i, 0, &p[i]);
		if (i == 0)
			srv_conn = dm_socket_id(d->socket);
		if (i == 1)
			cli_conn = dm_socket_id(d->socket);
	}
	const dm_socket *c = socket_by_id(&s, CLI, cli_conn);
	const dm_socket *v = socket_by_id(&s, SRV, srv_conn);
	g_assert_cmpint(dm_socket_state(c), ==, DM_TCP_TIME_WAIT);
	g_assert_cmpint(dm_socket_state(v), ==, DM_TCP_CLOSED);
	/* The server's FIN again at 59 s: still TIME-WAIT, found exactly. */
	const dm_decision *d = feed(&s, 59, 0, &p[5]);
	g_assert_cmpint(d->lookup, ==, DM_LOOKUP_EXACT);
	g_assert_cmpuint(dm_socket_id(d->socket), ==, cli_conn);
	dm_packet udp = seg(17, SRV, 5000, CLI, 53);
	feed(&s, 118, 900, &udp);
	g_assert_cmpint(dm_socket_retired(c), ==, DM_RETIRE_NONE);
	g_assert_cmpint(dm_socket_retired(v), ==, DM_RETIRE_NONE);
	feed(&s, 119, 0, &udp);
	g_assert_cmpint(dm_socket_retired(v), ==, DM_RETIRE_CLOSED);
	g_assert_cmpint(dm_socket_state(c), ==, DM_TCP_CLOSED);
	g_assert_cmpint(dm_socket_retired(c), ==, DM_RETIRE_TIME_WAIT);
	g_assert_cmpuint(dm_host_retired(host(&s, CLI), DM_RETIRE_TIME_WAIT), ==, 1);
	g_assert_cmpuint(dm_host_retired(host(&s, SRV), DM_RETIRE_CLOSED), ==, 1);
	/* The 4-tuple again, from a new SYN. */
	dm_packet syn2 = tcp(CLI, 40000, SRV, 80, SYN, 9000, 0);
	d = feed(&s, 122, 0, &syn2);
	g_assert_cmpint(d->action, ==, DM_ACTION_SPAWNED);
	g_assert_cmpuint(dm_socket_id(d->socket), !=, srv_conn);
	g_assert_nonnull(socket_by_id(&s, SRV, srv_conn));
	g_assert_nonnull(socket_by_id(&s, CLI, cli_conn));
	dm_demux_free(s.dm);
}

/* With --udp-idle, a learned UDP socket idle that long leaves the table
 * (kept, noted) and the next datagram learns a new one; without it, the
 * socket lives for ever. */
static void
test_udp_idle(void)
{
	sim s;
	dm_demux_config cfg = { .udp_idle = 10 };
	sim_init(&s, &cfg);
	dm_packet u = seg(17, CLI, 5000, SRV, 53);
	guint first = dm_socket_id(feed(&s, 0, 0, &u)->socket);
	g_assert_cmpuint(dm_socket_id(feed(&s, 9, 0, &u)->socket), ==, first);
	const dm_decision *d = feed(&s, 19, 500, &u);
	g_assert_cmpint(d->lookup, ==, DM_LOOKUP_NEW);
	g_assert_cmpuint(dm_socket_id(d->socket), !=, first);
	g_assert_cmpint(dm_socket_retired(socket_by_id(&s, SRV, first)), ==, DM_RETIRE_UDP_IDLE);
	g_assert_cmpuint(dm_host_retired(host(&s, SRV), DM_RETIRE_UDP_IDLE), ==, 1);
	dm_demux_free(s.dm);

	sim_init(&s, NULL);
	first = dm_socket_id(feed(&s, 0, 0, &u)->socket);
	d = feed(&s, 100000, 0, &u);
	g_assert_cmpuint(dm_socket_id(d->socket), ==, first);
	g_assert_cmpint(d->lookup, ==, DM_LOOKUP_BOUND);
	dm_demux_free(s.dm);
}

/* Over --max-sockets the oldest half-open entries go first, even when a
 * learned UDP socket is older; with none left, the oldest UDP socket. */
static void
test_max_sockets_order(void)
{
	sim s;
	dm_demux_config cfg = { .max_sockets = 5 };
	sim_init(&s, &cfg);
	dm_packet u1 = seg(17, "192.0.2.99", 5000, SRV, 53);
	guint udp1 = dm_socket_id(feed(&s, 1, 0, &u1)->socket);
	/* SYN 1: the client's SYN-SENT end, the listener, the child. */
	dm_packet syn1 = tcp("192.0.2.1", 40001, SRV, 80, SYN, 1, 0);
	guint ch1 = dm_socket_id(feed(&s, 2, 0, &syn1)->socket);
	g_assert_cmpuint(total(&s, DM_RETIRE_EVICT_HALF_OPEN), ==, 0);
	/* SYN 2: six sockets; the oldest half-open (client 1's end) goes. */
	dm_packet syn2 = tcp("192.0.2.2", 40002, SRV, 80, SYN, 1, 0);
	guint ch2 = dm_socket_id(feed(&s, 3, 0, &syn2)->socket);
	g_assert_cmpuint(total(&s, DM_RETIRE_EVICT_HALF_OPEN), ==, 1);
	g_assert_cmpuint(dm_host_retired(host(&s, "192.0.2.1"), DM_RETIRE_EVICT_HALF_OPEN), ==, 1);
	g_assert_cmpuint(dm_host_sockets(host(&s, "192.0.2.1"))->len, ==, 0);
	g_assert_nonnull(socket_by_id(&s, SRV, ch1));
	/* SYN 3: child 1 and client 2's end go; the older UDP socket stays. */
	dm_packet syn3 = tcp("192.0.2.3", 40003, SRV, 80, SYN, 1, 0);
	feed(&s, 4, 0, &syn3);
	g_assert_cmpuint(total(&s, DM_RETIRE_EVICT_HALF_OPEN), ==, 3);
	g_assert_null(socket_by_id(&s, SRV, ch1));
	g_assert_nonnull(socket_by_id(&s, SRV, ch2));
	g_assert_nonnull(socket_by_id(&s, SRV, udp1));
	g_assert_cmpuint(dm_host_retired(host(&s, SRV), DM_RETIRE_EVICT_HALF_OPEN), ==, 1);
	dm_demux_usage u;
	dm_demux_get_usage(s.dm, &u);
	g_assert_cmpuint(u.sockets, ==, 5);
	g_assert_cmpuint(u.peak_sockets, ==, 7);
	g_assert_cmpuint(u.max_sockets, ==, 5);
	dm_demux_free(s.dm);

	/* Only UDP sockets: the least recently used goes. */
	cfg.max_sockets = 3;
	sim_init(&s, &cfg);
	guint ids[4];
	for (int i = 0; i < 4; i++) {
		dm_packet d = seg(17, CLI, 5000, SRV, (uint16_t)(1000 + i));
		ids[i] = dm_socket_id(feed(&s, i, 0, &d)->socket);
		if (i == 2) {
			/* Port 1000 heard from again: 1001 is now the oldest. */
			dm_packet again = seg(17, CLI, 5000, SRV, 1000);
			feed(&s, i, 500, &again);
		}
	}
	g_assert_nonnull(socket_by_id(&s, SRV, ids[0]));
	g_assert_null(socket_by_id(&s, SRV, ids[1]));
	g_assert_cmpuint(total(&s, DM_RETIRE_EVICT_UDP), ==, 1);
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 4);
	dm_demux_free(s.dm);
}

/* The activity lists in ticks of 1/16 s: a socket heard from again in
 * the tick it was last active in keeps its place (among sockets active
 * in one tick the first touched leaves first); in a later tick it moves
 * behind the others. */
static void
test_max_sockets_same_tick(void)
{
	for (int later = 0; later < 2; later++) {
		sim s;
		dm_demux_config cfg = { .max_sockets = 3 };
		sim_init(&s, &cfg);
		guint ids[3];
		for (int i = 0; i < 3; i++) {
			dm_packet d = seg(17, CLI, 5000, SRV, (uint16_t)(1000 + i));
			ids[i] = dm_socket_id(feed(&s, later, (uint32_t)(10 * i), &d)->socket);
		}
		/* Port 1000 again: in the same tick (30 ms), or 100 ms on. */
		dm_packet again = seg(17, CLI, 5000, SRV, 1000);
		feed(&s, later, later ? 100 : 30, &again);
		dm_packet d = seg(17, CLI, 5000, SRV, 1003);
		feed(&s, later, later ? 110 : 40, &d);
		check(&s);
		g_assert_cmpuint(total(&s, DM_RETIRE_EVICT_UDP), ==, 1);
		g_assert_true((socket_by_id(&s, SRV, ids[0]) != NULL) == (later == 1));
		g_assert_true((socket_by_id(&s, SRV, ids[1]) != NULL) == (later == 0));
		g_assert_nonnull(socket_by_id(&s, SRV, ids[2]));
		dm_demux_free(s.dm);
	}
}

/* --max-memory: the estimate grows with each socket and its peers, and
 * eviction keeps it within the limit. */
static void
test_memory(void)
{
	sim s;
	dm_demux_usage u0, u1, u2;
	sim_init(&s, NULL);
	dm_packet d0 = seg(17, CLI, 5000, SRV, 1000);
	feed(&s, 0, 0, &d0);
	dm_demux_get_usage(s.dm, &u0);
	dm_packet d1 = seg(17, CLI, 5000, SRV, 1001);
	feed(&s, 1, 0, &d1);
	dm_demux_get_usage(s.dm, &u1);
	uint64_t per = u1.memory - u0.memory;
	g_assert_cmpuint(per, >, 100);
	/* A second peer of the same socket costs something too. */
	dm_packet d2 = seg(17, "192.0.2.77", 5000, SRV, 1001);
	feed(&s, 2, 0, &d2);
	dm_demux_get_usage(s.dm, &u2);
	g_assert_cmpuint(u2.memory, >, u1.memory);
	g_assert_cmpuint(u2.memory - u1.memory, <, per);
	g_assert_cmpuint(u1.max_memory, ==, DM_DEFAULT_MAX_MEMORY);
	g_assert_cmpuint(u1.max_sockets, ==, DM_DEFAULT_MAX_SOCKETS);
	dm_demux_free(s.dm);

	/* Connections picked up mid-stream (both ends, no peer entries):
	 * eviction keeps the estimate within the limit. */
	sim_init(&s, NULL);
	dm_packet a0 = tcp(CLI, 5000, SRV, 1000, ACK, 1, 1);
	feed(&s, 0, 0, &a0);
	dm_demux_get_usage(s.dm, &u0);
	dm_packet a1 = tcp(CLI, 5000, SRV, 1001, ACK, 1, 1);
	feed(&s, 1, 0, &a1);
	dm_demux_get_usage(s.dm, &u1);
	per = u1.memory - u0.memory;
	g_assert_cmpuint(u1.sockets, ==, 4);
	dm_demux_free(s.dm);

	dm_demux_config cfg = { .max_memory = u0.memory + 2 * per };
	sim_init(&s, &cfg);
	for (int i = 0; i < 10; i++) {
		dm_packet d = tcp(CLI, 5000, SRV, (uint16_t)(1000 + i), ACK, 1, 1);
		feed(&s, i, 0, &d);
	}
	dm_demux_usage u;
	dm_demux_get_usage(s.dm, &u);
	g_assert_cmpuint(u.memory, <=, cfg.max_memory);
	g_assert_cmpuint(u.sockets, ==, 6);
	g_assert_cmpuint(u.retired[DM_RETIRE_EVICT_CONNECTION], ==, 14);
	g_assert_cmpuint(u.peak_memory, <=, cfg.max_memory + per);
	g_assert_cmpuint(dm_host_retired(host(&s, SRV), DM_RETIRE_EVICT_CONNECTION) +
	                 dm_host_retired(host(&s, CLI), DM_RETIRE_EVICT_CONNECTION), ==, 14);
	dm_demux_free(s.dm);
}

/* Sockets out of the table (kept for the report) are forgotten before
 * TIME-WAIT and UDP entries are evicted. */
static void
test_history_forgotten(void)
{
	sim s;
	dm_demux_config cfg = { .max_sockets = 2, .udp_idle = 5 };
	sim_init(&s, &cfg);
	dm_packet a = seg(17, CLI, 5000, SRV, 1000);
	guint first = dm_socket_id(feed(&s, 0, 0, &a)->socket);
	dm_packet b = seg(17, CLI, 5000, SRV, 1001);
	feed(&s, 10, 0, &b);   /* the first has expired: out of the table */
	g_assert_cmpint(dm_socket_retired(socket_by_id(&s, SRV, first)), ==, DM_RETIRE_UDP_IDLE);
	dm_packet c = seg(17, CLI, 5000, SRV, 1002);
	feed(&s, 11, 0, &c);
	g_assert_null(socket_by_id(&s, SRV, first));
	g_assert_cmpuint(total(&s, DM_RETIRE_EVICT_HISTORY), ==, 1);
	g_assert_cmpuint(total(&s, DM_RETIRE_EVICT_UDP), ==, 0);
	dm_demux_free(s.dm);
}

/* A SYN from the @i-th distinct source (10.0.0.0/8). */
static dm_packet
syn_from(int i, const char *dst)
{
	char src[32];
	g_snprintf(src, sizeof src, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
	return tcp(src, (uint16_t)(1024 + i % 50000), dst, 80, SYN, (uint32_t)i, 0);
}

/* A flood from distinct sources under --max-sockets: the hosts left
 * with nothing are forgotten (never more idle ones than the limit), the
 * listener folds its peers beyond DM_PEERS_MAX (its segments still add
 * up: dm_demux_check_invariants after every segment), ids stay unique. */
static void
test_forget_hosts_fold_peers(void)
{
	sim s;
	dm_demux_config cfg = { .max_sockets = 40 };
	sim_init(&s, &cfg);
	const int n = (int)DM_PEERS_MAX + 500;
	const dm_socket *listener = NULL;
	for (int i = 0; i < n; i++) {
		dm_packet p = syn_from(i, SRV);
		const dm_decision *d = feed(&s, i / 100, 0, &p);
		g_assert_cmpuint(dm_socket_id(d->socket), ==, 2 * (guint)i + 3);
		listener = dm_socket_parent(d->socket);
	}
	g_assert_cmpuint(dm_demux_socket_count(s.dm), ==, 2 * (guint)n + 1);
	dm_demux_usage u;
	dm_demux_get_usage(s.dm, &u);
	g_assert_cmpuint(u.retired[DM_RETIRE_FORGET_HOST], >=, (guint64)n - 2 * 40 - 2);
	g_assert_cmpuint(u.forgotten_retired[DM_RETIRE_EVICT_HALF_OPEN], ==,
	                 u.retired[DM_RETIRE_FORGET_HOST]);
	g_assert_cmpuint(u.limit_unmet, ==, 0);
	GPtrArray *hosts = dm_demux_hosts(s.dm);
	g_assert_cmpuint(hosts->len, <=, 1 + 40 + 40);
	g_ptr_array_unref(hosts);
	g_assert_true(dm_socket_peers_folded(listener));
	g_assert_cmpuint(dm_socket_peers(listener), ==, DM_PEERS_MAX + 1);
	g_assert_cmpuint(dm_socket_segments(listener), ==, (guint64)n);
	dm_peer_iter it;
	dm_peer peer;
	guint others = 0;
	dm_socket_peer_iter_init(&it, listener);
	while (dm_peer_iter_next(&it, &peer))
		others += peer.other;
	g_assert_cmpuint(others, ==, 1);
	dm_demux_free(s.dm);
}

/* When what cannot be evicted (here a listener's peer entries) alone
 * exceeds --max-memory, eviction stops after the half-open entries and
 * idle hosts: a connection made then stays, and the frames are counted. */
static void
test_limit_unmet(void)
{
	sim s;
	dm_demux_config cfg = { .max_memory = 64 * 1024 };
	sim_init(&s, &cfg);
	dm_packet e = tcp(CLI, 5000, SRV, 22, ACK, 1, 1);
	for (int i = 0; i < 2000; i++) {
		dm_packet p = syn_from(i, SRV);
		feed(&s, 1, 0, &p);
		if (i == 1500)
			feed(&s, 1, 0, &e);  /* when the listener alone is over */
	}
	dm_demux_usage u;
	dm_demux_get_usage(s.dm, &u);
	g_assert_cmpuint(u.limit_unmet, >, 0);
	g_assert_cmpuint(u.retired[DM_RETIRE_EVICT_CONNECTION], ==, 0);
	g_assert_cmpuint(u.retired[DM_RETIRE_EVICT_HALF_OPEN], >, 0);
	g_assert_cmpuint(u.memory, >, cfg.max_memory);
	dm_demux_free(s.dm);
}

/* Names are stable. */
static void
test_names(void)
{
	g_assert_null(dm_retire_name(DM_RETIRE_NONE));
	g_assert_cmpstr(dm_retire_name(DM_RETIRE_SYN_TIMEOUT), ==, "syn-timeout");
	g_assert_cmpstr(dm_retire_name(DM_RETIRE_EVICT_HALF_OPEN), ==, "evicted-half-open");
	for (int r = 1; r < DM_RETIRE_N; r++)
		g_assert_nonnull(dm_retire_name(r));
	g_assert_null(dm_retire_name(DM_RETIRE_N));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/limits/syn-received-expiry", test_syn_received_expiry);
	g_test_add_func("/limits/time-wait-expiry-reuse", test_time_wait_expiry_and_reuse);
	g_test_add_func("/limits/udp-idle", test_udp_idle);
	g_test_add_func("/limits/max-sockets-order", test_max_sockets_order);
	g_test_add_func("/limits/max-sockets-same-tick", test_max_sockets_same_tick);
	g_test_add_func("/limits/memory", test_memory);
	g_test_add_func("/limits/history-forgotten", test_history_forgotten);
	g_test_add_func("/limits/forget-hosts-fold-peers", test_forget_hosts_fold_peers);
	g_test_add_func("/limits/limit-unmet", test_limit_unmet);
	g_test_add_func("/limits/names", test_names);
	return g_test_run();
}
