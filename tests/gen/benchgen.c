/* benchgen.c - the benchmark workload: a deterministic, seeded pcap
 * (Ethernet, microseconds) of many interleaved flows between clients and
 * servers.
 *
 *   benchgen [--flows N] [--frames-per-flow K] [--seed S] [--limit F] [--out FILE]
 *
 * Each flow is TCP (70%) or UDP, over IPv4 or IPv6 (35%), 10% of them
 * 802.1Q-tagged.  A TCP flow is a handshake (RFC 9293 3.5), request and
 * response data, and a FIN exchange (when K >= 7; shorter flows stop after
 * their data); a UDP flow alternates requests and responses.  1% of the
 * flows go to a closed port and are refused, the client trying again
 * after each refusal: the SYN answered by <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>,
 * the datagram by an ICMP or ICMPv6 port unreachable quoting it.  Every
 * flow has K frames, so the capture has N * K.  About 1% of the segments carry a wrong
 * checksum.  A window of 512 flows is active at a time and frames are
 * drawn from it at random, so flows overlap as on a busy link.
 *
 * The same seed and parameters give the same bytes; --limit F stops after
 * the first F frames (a prefix of the same capture).  Writes to standard
 * output unless --out is given.
 *
 *   benchgen --pattern=manyhost [--hosts N] [--servers M] [--conns-per-host C]
 *            [--frames-per-flow K] [--seed S] [--limit F] [--out FILE]
 *
 * writes the many-host workload instead, with the same kinds of flow (TCP
 * or UDP, IPv4 or IPv6, tags, refusals, wrong checksums, the same window):
 * N client hosts (default 100,000; 172.16/12 and 2001:db8:4::/64), each
 * opening 1 to 2C - 1 connections (C defaults to 4, so 4 on average),
 * one a round, each to one of M servers (default 200; 10.2/16 and
 * 2001:db8:3::/64) drawn at random.  A server has one listener, TCP (70%)
 * or UDP, on IPv4 or IPv6 (35%), fixed by the seed and its number, so
 * each listener is reached by about N * C / M distinct clients (2,000 by
 * default).  K defaults to 8 (a TCP flow: handshake, request, FIN
 * exchange).
 *
 *   benchgen --pattern=synflood|udpscan [--count N] [--rate R] [--seed S] ...
 *
 * writes a flood instead (benchgen-flood.c): N SYNs from random sources
 * to one listener (default 1,000,000), or a UDP scan of ports 1..N of one
 * host (default 65535), R packets a second (default 10,000).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchgen-flood.h"
#include "wire.h"

#define WINDOW 512
#define MAX_FRAME 1600

typedef struct {
	uint64_t s;
} rng;

static uint64_t
rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint32_t
rng_below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

typedef struct {
	uint64_t index;
	rng r;
	bool tcp, v6, vlan, refused;
	uint16_t vlan_id;
	uint8_t caddr[16], saddr[16];
	uint16_t cport, sport;
	uint32_t cseq, sseq;   /* next sequence numbers */
	unsigned next, total;  /* frames emitted, frames in the flow */
	unsigned data;         /* TCP data frames */
} flow;

typedef struct {
	uint64_t flows;
	unsigned fpf;
	uint64_t seed;
	uint64_t nclients;
	uint32_t nservers;      /* servers drawn from: 256, or --servers */
	uint64_t hosts, conns;  /* many-host: clients (0: the main workload), mean connections */
	uint64_t cur_host, cur_round; /* many-host: the next flow's client and round */
	uint8_t payload[2048];
	uint64_t sec;
	uint32_t usec;
	FILE *out;
} gen;

static const uint16_t tcp_ports[] = { 80, 443, 8080, 22 };
static const uint16_t udp_ports[] = { 53, 123, 5353, 514 };

/* The main workload's endpoints: client index % nclients, one of 256
 * servers, a client port from the index. */
static void
main_endpoints(const gen *g, flow *f, uint32_t srv, uint32_t pi)
{
	uint64_t c = f->index % g->nclients;
	if (f->v6) {
		static const uint8_t cp[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02 };
		static const uint8_t sp[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01 };
		memcpy(f->caddr, cp, 6);
		put32(f->caddr + 12, (uint32_t)c + 1);
		memcpy(f->saddr, sp, 6);
		f->saddr[15] = (uint8_t)(srv + 1);
	} else {
		put32(f->caddr, 0xac100000u + (uint32_t)c + 1);   /* 172.16/12 */
		put32(f->saddr, 0x0a010000u + srv + 1);           /* 10.1/16 */
	}
	f->cport = (uint16_t)(1024 + (f->index / g->nclients) % 64000);
	f->sport = f->refused ? 9 : f->tcp ? tcp_ports[pi] : udp_ports[pi];
}

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* How many connections many-host client @c opens: 1 .. 2 * conns - 1. */
static unsigned
host_conns(const gen *g, uint64_t c)
{
	return 1 + (unsigned)(mix64(g->seed * 0x9e3779b97f4a7c15u ^ (c + 1)) % (2 * g->conns - 1));
}

/* The many-host workload's endpoints: flows go round by round over the
 * clients (a client's next connection a round later), each to a server
 * drawn at random; a server has one listener, TCP or UDP, IPv4 or IPv6,
 * fixed by the seed and its number. */
static void
manyhost_endpoints(gen *g, flow *f, uint32_t srv)
{
	uint64_t c = g->cur_host, round = g->cur_round;
	do {
		if (++g->cur_host == g->hosts) {
			g->cur_host = 0;
			g->cur_round++;
		}
	} while (g->cur_round < 2 * g->conns && host_conns(g, g->cur_host) <= g->cur_round);

	uint64_t h = mix64(g->seed * 0x2545f4914f6cdd1du ^ (0x5e7ea000u + srv));
	f->tcp = h % 100 < 70;
	f->v6 = (h >> 8) % 100 < 35;
	uint32_t pi = (uint32_t)(h >> 16) % 4;
	if (f->v6) {
		static const uint8_t cp[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x04 };
		static const uint8_t sp[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x03 };
		memcpy(f->caddr, cp, 6);
		put32(f->caddr + 12, (uint32_t)c + 1);
		memcpy(f->saddr, sp, 6);
		put32(f->saddr + 12, srv + 1);
	} else {
		put32(f->caddr, 0xac100000u + (uint32_t)c + 1);   /* 172.16/12 */
		put32(f->saddr, 0x0a020000u + srv + 1);           /* 10.2/16 */
	}
	/* Distinct for each of a client's connections. */
	f->cport = (uint16_t)(1024 + (c * 131 + round) % 64000);
	f->sport = f->refused ? 9 : f->tcp ? tcp_ports[pi] : udp_ports[pi];
}

static void
flow_init(gen *g, flow *f, uint64_t index)
{
	memset(f, 0, sizeof *f);
	f->index = index;
	f->r.s = g->seed * 0x2545f4914f6cdd1du ^ index;
	rng_next(&f->r);
	f->tcp = rng_below(&f->r, 100) < 70;
	f->v6 = rng_below(&f->r, 100) < 35;
	f->vlan = rng_below(&f->r, 100) < 10;
	f->vlan_id = (uint16_t)(1 + rng_below(&f->r, 4000));
	f->refused = rng_below(&f->r, 100) < 1;
	uint32_t srv = rng_below(&f->r, g->nservers);
	uint32_t pi = rng_below(&f->r, 4);
	f->cseq = (uint32_t)rng_next(&f->r);
	f->sseq = (uint32_t)rng_next(&f->r);
	if (g->hosts)
		manyhost_endpoints(g, f, srv);
	else
		main_endpoints(g, f, srv, pi);

	f->total = g->fpf;
	/* TCP data frames: between the handshake and the FIN exchange. */
	f->data = g->fpf >= 7 ? g->fpf - 7 : g->fpf > 3 ? g->fpf - 3 : 0;
}

/* Write the frame for step @k of @f into @buf; returns its length. */
static size_t
build(gen *g, flow *f, uint8_t *buf)
{
	enum { UDP, TCP, ICMP } kind = f->tcp ? TCP : UDP;
	bool from_client = true;
	uint8_t flags = 0;
	uint32_t seq = 0, ack = 0;
	size_t plen = 0;
	unsigned k = f->next;

	if (f->refused && k % 2 == 1) {
		from_client = false;
		if (f->tcp) {
			flags = 0x14; /* RST|ACK */
			ack = f->cseq + 1;
		} else {
			kind = ICMP;
		}
	} else if (f->refused) {
		/* The client tries again after each refusal. */
		if (f->tcp) {
			flags = 0x02;
			seq = f->cseq;
		} else {
			plen = 32 + rng_below(&f->r, 64);
		}
	} else if (kind == UDP) {
		from_client = k % 2 == 0;
		plen = from_client ? 24 + rng_below(&f->r, 200) : 48 + rng_below(&f->r, 900);
	} else {
		unsigned close_at = 3 + f->data;
		if (k == 0) {
			flags = 0x02;
			seq = f->cseq++;
		} else if (k == 1) {
			from_client = false;
			flags = 0x12;
			seq = f->sseq++;
			ack = f->cseq;
		} else if (k == 2) {
			flags = 0x10;
			seq = f->cseq;
			ack = f->sseq;
		} else if (k < close_at) {
			from_client = (k - 3) % 2 == 0;
			plen = from_client ? 40 + rng_below(&f->r, 400) : 200 + rng_below(&f->r, 1200);
			flags = 0x18;
		} else {
			/* FIN-ACK, ACK, FIN-ACK, ACK */
			unsigned i = k - close_at;
			from_client = i == 0 || i == 3;
			flags = (i == 0 || i == 2) ? 0x11 : 0x10;
		}
		if (k >= 3) {
			seq = from_client ? f->cseq : f->sseq;
			ack = from_client ? f->sseq : f->cseq;
			uint32_t adv = (uint32_t)plen + ((flags & 0x01) ? 1 : 0);
			if (from_client)
				f->cseq += adv;
			else
				f->sseq += adv;
		}
	}

	const uint8_t *src = from_client ? f->caddr : f->saddr;
	const uint8_t *dst = from_client ? f->saddr : f->caddr;
	uint16_t sp = from_client ? f->cport : f->sport;
	uint16_t dp = from_client ? f->sport : f->cport;
	size_t alen = f->v6 ? 16 : 4;

	/* Ethernet, maybe one 802.1Q tag. */
	uint8_t *p = buf;
	memcpy(p, from_client ? "\x02\x00\x00\x00\x00\x02" : "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(p + 6, from_client ? "\x02\x00\x00\x00\x00\x01" : "\x02\x00\x00\x00\x00\x02", 6);
	p += 12;
	if (f->vlan) {
		put16(p, 0x8100);
		put16(p + 2, f->vlan_id);
		p += 4;
	}
	put16(p, f->v6 ? 0x86dd : 0x0800);
	p += 2;

	/* Transport (or ICMP) after the IP header. */
	size_t iphl = f->v6 ? 40 : 20;
	uint8_t *l4 = p + iphl;
	size_t l4len;
	uint8_t proto;
	if (kind == ICMP) {
		/* Quote the refused datagram: its IP header and UDP header. */
		size_t qlen = iphl + 8;
		proto = f->v6 ? 58 : 1;
		l4[0] = f->v6 ? 1 : 3;
		l4[1] = f->v6 ? 4 : 3;
		memset(l4 + 2, 0, 6);
		uint8_t *q = l4 + 8;
		memset(q, 0, qlen);
		if (f->v6) {
			q[0] = 0x60;
			put16(q + 4, 8 + 40);
			q[6] = 17;
			q[7] = 64;
			memcpy(q + 8, f->caddr, 16);
			memcpy(q + 24, f->saddr, 16);
		} else {
			q[0] = 0x45;
			put16(q + 2, 20 + 8 + 40);
			q[8] = 64;
			q[9] = 17;
			memcpy(q + 12, f->caddr, 4);
			memcpy(q + 16, f->saddr, 4);
			put16(q + 10, fold(sum_bytes(q, 20, 0)));
		}
		put16(q + iphl, f->cport);
		put16(q + iphl + 2, f->sport);
		put16(q + iphl + 4, 8 + 40);
		l4len = 8 + qlen;
	} else if (kind == UDP) {
		proto = 17;
		l4len = 8 + plen;
		put16(l4, sp);
		put16(l4 + 2, dp);
		put16(l4 + 4, (uint16_t)l4len);
		put16(l4 + 6, 0);
		memcpy(l4 + 8, g->payload + (f->index * 7 + f->next * 13) % 512, plen);
	} else {
		proto = 6;
		l4len = 20 + plen;
		put16(l4, sp);
		put16(l4 + 2, dp);
		put32(l4 + 4, seq);
		put32(l4 + 8, ack);
		put16(l4 + 12, (uint16_t)(5 << 12 | flags));
		put16(l4 + 14, 64240);
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		memcpy(l4 + 20, g->payload + (f->index * 7 + f->next * 13) % 512, plen);
	}

	/* IP header. */
	if (f->v6) {
		memset(p, 0, 40);
		p[0] = 0x60;
		put16(p + 4, (uint16_t)l4len);
		p[6] = proto;
		p[7] = 64;
		memcpy(p + 8, src, 16);
		memcpy(p + 24, dst, 16);
	} else {
		memset(p, 0, 20);
		p[0] = 0x45;
		put16(p + 2, (uint16_t)(20 + l4len));
		put16(p + 4, (uint16_t)(f->index * 11 + f->next));
		p[6] = 0x40;
		p[8] = 64;
		p[9] = proto;
		memcpy(p + 12, src, 4);
		memcpy(p + 16, dst, 4);
		put16(p + 10, fold(sum_bytes(p, 20, 0)));
	}

	/* Transport checksum with the pseudo-header. */
	uint32_t ps = sum_bytes(src, alen, 0);
	ps = sum_bytes(dst, alen, ps);
	ps += proto + (uint32_t)l4len;
	if (kind == ICMP && !f->v6)
		ps = 0; /* ICMPv4 has no pseudo-header */
	size_t coff = kind == TCP ? 16 : kind == UDP ? 6 : 2;
	uint16_t c = fold(sum_bytes(l4, l4len, ps));
	if (kind == UDP && c == 0)
		c = 0xffff;
	if (kind != ICMP && rng_below(&f->r, 1000) < 10) {
		/* A wrong checksum that is neither 0 nor the right one. */
		c ^= 0x5a5a;
		if (c == 0)
			c = 0x1234;
	}
	put16(l4 + coff, c);

	f->next++;
	return (size_t)(l4 + l4len - buf);
}

static void
write_record(gen *g, const uint8_t *frame, size_t len)
{
	uint8_t h[16];
	uint32_t v[4] = { (uint32_t)g->sec, g->usec, (uint32_t)len, (uint32_t)len };
	memcpy(h, v, sizeof h); /* host byte order, as the magic says */
	fwrite(h, 1, sizeof h, g->out);
	fwrite(frame, 1, len, g->out);
	g->usec += 3 + (uint32_t)(len / 64);
	if (g->usec >= 1000000) {
		g->usec -= 1000000;
		g->sec++;
	}
}

static bool
parse_u64(const char *arg, const char *name, uint64_t *out)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n) != 0 || arg[n] != '=')
		return false;
	char *end;
	*out = strtoull(arg + n + 1, &end, 10);
	if (*end || end == arg + n + 1) {
		fprintf(stderr, "benchgen: bad value in %s\n", arg);
		exit(2);
	}
	return true;
}

/* The --pattern workloads. */
static int
flood_main(const char *pattern, uint64_t count, uint64_t rate, uint64_t seed,
           uint64_t limit, const char *out)
{
	bg_pattern p;
	if (bg_pattern_parse(pattern, &p) != 0 || rate == 0) {
		fprintf(stderr, "benchgen: --pattern is manyhost, synflood or udpscan, --rate > 0\n");
		return 2;
	}
	bg_flood_opts o = { .count = count, .rate = rate, .seed = seed, .limit = limit };
	if (!o.count)
		o.count = p == BG_SYNFLOOD ? 1000000 : 65535;
	FILE *f = out ? fopen(out, "wb") : stdout;
	if (!f) {
		perror(out);
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(f, obuf, _IOFBF, sizeof obuf);
	bg_flood_stats st;
	if (bg_flood_write(p, &o, f, &st) != 0 || fflush(f) != 0 || (out && fclose(f) != 0)) {
		perror(out ? out : "stdout");
		return 1;
	}
	fprintf(stderr, "benchgen: %" PRIu64 " frames, %" PRIu64 " SYNs, %" PRIu64
	        " handshakes, %" PRIu64 " datagrams, %" PRIu64 " port unreachable, %" PRIu64
	        " UDP answers\n", st.frames, st.syns, st.handshakes, st.datagrams, st.icmp,
	        st.udp_answers);
	return 0;
}

/* The command line. */
typedef struct {
	uint64_t flows, fpf, seed, limit, count, rate;
	uint64_t hosts, servers, conns;
	bool fpf_set;
	const char *out, *pattern;
} opts;

static void
usage(void)
{
	fprintf(stderr, "usage: benchgen [--flows=N] [--frames-per-flow=K] "
	        "[--seed=S] [--limit=FRAMES] [--out=FILE]\n"
	        "       benchgen --pattern=manyhost [--hosts=N] [--servers=M] "
	        "[--conns-per-host=C] [--frames-per-flow=K] [--seed=S] [--limit=FRAMES] "
	        "[--out=FILE]\n"
	        "       benchgen --pattern=synflood|udpscan [--count=N] [--rate=PPS] "
	        "[--seed=S] [--limit=FRAMES] [--out=FILE]\n");
	exit(2);
}

static void
parse_args(int argc, char **argv, opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (parse_u64(a, "--frames-per-flow", &o->fpf)) {
			o->fpf_set = true;
			continue;
		}
		if (parse_u64(a, "--flows", &o->flows) || parse_u64(a, "--seed", &o->seed) ||
		    parse_u64(a, "--limit", &o->limit) || parse_u64(a, "--count", &o->count) ||
		    parse_u64(a, "--rate", &o->rate) || parse_u64(a, "--hosts", &o->hosts) ||
		    parse_u64(a, "--servers", &o->servers) ||
		    parse_u64(a, "--conns-per-host", &o->conns))
			continue;
		if (strncmp(a, "--out=", 6) == 0)
			o->out = a + 6;
		else if (strncmp(a, "--pattern=", 10) == 0)
			o->pattern = a + 10;
		else
			usage();
	}
	if (o->flows == 0 || o->fpf == 0 || o->fpf > 1000) {
		fprintf(stderr, "benchgen: --flows must be > 0, --frames-per-flow 1..1000\n");
		exit(2);
	}
	if (o->hosts == 0 || o->hosts > 1000000 || o->servers == 0 || o->servers > 65000 ||
	    o->conns == 0 || o->conns > 100) {
		fprintf(stderr, "benchgen: --hosts 1..1000000, --servers 1..65000, "
		        "--conns-per-host 1..100\n");
		exit(2);
	}
}

/* The flows of the main or the many-host workload, interleaved from a
 * window of WINDOW active flows. */
static int
write_flows(gen *g, uint64_t flows, uint64_t limit, const char *out)
{
	g->out = out ? fopen(out, "wb") : stdout;
	if (!g->out) {
		perror(out);
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(g->out, obuf, _IOFBF, sizeof obuf);

	uint32_t hdr[6] = { 0xa1b2c3d4u, 2 | 4u << 16, 0, 0, 65535, 1 };
	fwrite(hdr, 1, sizeof hdr, g->out);

	static flow win[WINDOW];
	unsigned active = 0;
	uint64_t started = 0, written = 0;
	while (active < WINDOW && started < flows)
		flow_init(g, &win[active++], started++);
	rng pick = { g->seed ^ 0x5bd1e995u };
	uint8_t frame[MAX_FRAME];
	while (active > 0 && written < limit) {
		unsigned j = rng_below(&pick, active);
		size_t len = build(g, &win[j], frame);
		write_record(g, frame, len);
		written++;
		if (win[j].next == win[j].total) {
			if (started < flows)
				flow_init(g, &win[j], started++);
			else
				win[j] = win[--active];
		}
	}
	if (fflush(g->out) != 0 || (out && fclose(g->out) != 0)) {
		perror(out ? out : "stdout");
		return 1;
	}
	fprintf(stderr, "benchgen: %" PRIu64 " frames, %" PRIu64 " flows", written, started);
	if (g->hosts)
		fprintf(stderr, ", %" PRIu64 " client hosts, %" PRIu32 " servers", g->hosts,
		        g->nservers);
	fputc('\n', stderr);
	return 0;
}

int
main(int argc, char **argv)
{
	opts o = { .flows = 100000, .fpf = 10, .seed = 1, .limit = UINT64_MAX, .rate = 10000,
	           .hosts = 100000, .servers = 200, .conns = 4 };
	parse_args(argc, argv, &o);
	bool manyhost = o.pattern && strcmp(o.pattern, "manyhost") == 0;
	if (o.pattern && !manyhost)
		return flood_main(o.pattern, o.count, o.rate, o.seed, o.limit, o.out);

	static gen g;
	g.seed = o.seed;
	g.sec = 1700000000;
	uint64_t flows = o.flows;
	if (manyhost) {
		g.hosts = o.hosts;
		g.nservers = (uint32_t)o.servers;
		g.conns = o.conns;
		g.fpf = o.fpf_set ? (unsigned)o.fpf : 8;
		flows = 0;
		for (uint64_t c = 0; c < g.hosts; c++)
			flows += host_conns(&g, c);
	} else {
		g.nservers = 256;
		g.fpf = (unsigned)o.fpf;
		g.nclients = flows / 16 < 256 ? 256 : flows / 16;
		if (g.nclients > 1000000)
			g.nclients = 1000000;
	}
	g.flows = flows;
	rng pr = { o.seed };
	for (size_t i = 0; i < sizeof g.payload; i++)
		g.payload[i] = (uint8_t)rng_next(&pr);
	return write_flows(&g, flows, o.limit, o.out);
}
