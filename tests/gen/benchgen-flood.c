/* benchgen-flood.c - the flood workloads of tests/gen/benchgen (--pattern).
 *
 * synflood: COUNT TCP SYNs (RFC 9293 3.5) to port 80 of one server
 * (10.9.0.1 and 2001:db8:9::1, 70% IPv4), each from a random source
 * address and port (IPv4 outside 0/8, 10/8, 127/8 and 224/3; IPv6 in
 * 2001:db8::/32), none of them answered, as a spoofed flood is seen at
 * the server.  Before the first SYN, and every 125,000 after, real clients
 * (192.0.2.10+, 2001:db8:2::10+) complete a handshake with the server, so
 * the listener exists.
 *
 * udpscan: an empty UDP datagram from 192.0.2.200 port 40000 to every
 * port 1..COUNT of 10.9.0.2, as `nmap -sU` sends them.  Closed ports answer
 * with an ICMP port unreachable quoting the datagram (RFC 792, RFC 1122
 * 3.2.2.1), except in the gaps a rate-limited stack leaves (ports 900-999
 * of every thousand: no answer); the open ports 53, 123, 161, 500, 4500,
 * 5353 and 11211 answer with a datagram.
 *
 * Frames are RATE a second of capture time (an answer follows its probe
 * within the same interval); checksums are all correct.
 */
#include <stdbool.h>
#include <string.h>

#include "benchgen-flood.h"
#include "wire.h"

#define SERVER_PORT 80
#define HANDSHAKE_EVERY 125000u
#define SCAN_SPORT 40000
#define SCAN_GAP_FROM 900   /* ports x900-x999 of each thousand: no answer */

static const uint8_t server4[4] = { 10, 9, 0, 1 };
static const uint8_t server6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 9, [15] = 1 };
static const uint8_t scanner4[4] = { 192, 0, 2, 200 };
static const uint8_t target4[4] = { 10, 9, 0, 2 };
static const uint16_t open_ports[] = { 53, 123, 161, 500, 4500, 5353, 11211 };

typedef struct {
	uint64_t s;
} bg_rng;

static uint64_t
rng_next(bg_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint32_t
rng_below(bg_rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* One packet: addresses (4 or 16 bytes), the IP protocol and the bytes
 * after the IP header. */
typedef struct {
	int family;
	const uint8_t *src, *dst;
	uint8_t proto;
	uint8_t l4[128];
	size_t l4len;
} bg_pkt;

typedef struct {
	FILE *out;
	uint64_t sec, usec, step_ns, frac_ns;
	uint64_t limit;
	uint16_t ip_id;
	bg_flood_stats *st;
} bg_writer;

static bool
full(const bg_writer *w)
{
	return w->st->frames >= w->limit;
}

/* Write @k with Ethernet and IP headers and the transport checksum (at
 * @csum_off in the transport header; ICMPv4 has no pseudo-header).
 * Returns: false when the frame limit was reached (nothing written). */
static bool
emit(bg_writer *w, bg_pkt *k, size_t csum_off)
{
	uint8_t f[14 + 40 + sizeof k->l4];
	bool v6 = k->family == 6;
	size_t alen = v6 ? 16 : 4, iphl = v6 ? 40 : 20;
	uint8_t *ip = f + 14;

	if (full(w))
		return false;
	memcpy(f, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	put16(f + 12, v6 ? 0x86dd : 0x0800);
	memset(ip, 0, iphl);
	if (v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)k->l4len);
		ip[6] = k->proto;
		ip[7] = 64;
		memcpy(ip + 8, k->src, 16);
		memcpy(ip + 24, k->dst, 16);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + k->l4len));
		put16(ip + 4, w->ip_id++);
		ip[8] = 64;
		ip[9] = k->proto;
		memcpy(ip + 12, k->src, 4);
		memcpy(ip + 16, k->dst, 4);
		put16(ip + 10, fold(sum_bytes(ip, 20, 0)));
	}
	uint32_t ps = 0;
	if (k->proto != 1) {
		ps = sum_bytes(k->src, alen, 0);
		ps = sum_bytes(k->dst, alen, ps);
		ps += k->proto + (uint32_t)k->l4len;
	}
	put16(k->l4 + csum_off, 0);
	uint16_t c = fold(sum_bytes(k->l4, k->l4len, ps));
	if (k->proto == 17 && c == 0)
		c = 0xffff;
	put16(k->l4 + csum_off, c);
	memcpy(ip + iphl, k->l4, k->l4len);

	size_t len = 14 + iphl + k->l4len;
	uint8_t h[16];
	uint32_t v[4] = { (uint32_t)w->sec, (uint32_t)w->usec, (uint32_t)len, (uint32_t)len };
	memcpy(h, v, sizeof h); /* host byte order, as the magic says */
	fwrite(h, 1, sizeof h, w->out);
	fwrite(f, 1, len, w->out);
	w->st->frames++;
	return true;
}

/* Capture time moves on by one packet interval. */
static void
tick(bg_writer *w)
{
	w->frac_ns += w->step_ns;
	w->usec += w->frac_ns / 1000;
	w->frac_ns %= 1000;
	w->sec += w->usec / 1000000;
	w->usec %= 1000000;
}

/* An answer comes a few microseconds after its probe. */
static bool
emit_answer(bg_writer *w, bg_pkt *k, size_t csum_off)
{
	uint64_t usec = w->usec, sec = w->sec;
	w->usec += 20;
	if (w->usec >= 1000000) {
		w->usec -= 1000000;
		w->sec++;
	}
	bool written = emit(w, k, csum_off);
	w->usec = usec;
	w->sec = sec;
	return written;
}

static void
tcp_pkt(bg_pkt *k, int family, const uint8_t *src, uint16_t sport, const uint8_t *dst,
        uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack)
{
	k->family = family;
	k->src = src;
	k->dst = dst;
	k->proto = 6;
	k->l4len = 20;
	memset(k->l4, 0, 20);
	put16(k->l4, sport);
	put16(k->l4 + 2, dport);
	put32(k->l4 + 4, seq);
	put32(k->l4 + 8, ack);
	put16(k->l4 + 12, (uint16_t)(5 << 12 | flags));
	put16(k->l4 + 14, 64240);
}

/* A real client's handshake with the server, number @n. */
static void
handshake(bg_writer *w, int family, uint64_t n)
{
	uint8_t cli[16] = { 0 };
	const uint8_t *srv = family == 6 ? server6 : server4;
	if (family == 6) {
		memcpy(cli, "\x20\x01\x0d\xb8\x00\x02", 6);
		put32(cli + 12, (uint32_t)(0x10 + n));
	} else {
		put32(cli, 0xc0000200u + (uint32_t)(0x0a + n % 200));
	}
	uint16_t cport = (uint16_t)(50000 + n % 10000);
	uint32_t cseq = 1000u * (uint32_t)n + 1, sseq = 7000000u + (uint32_t)n;
	bg_pkt k;

	tcp_pkt(&k, family, cli, cport, srv, SERVER_PORT, 0x02, cseq, 0);
	emit(w, &k, 16);
	tick(w);
	tcp_pkt(&k, family, srv, SERVER_PORT, cli, cport, 0x12, sseq, cseq + 1);
	emit(w, &k, 16);
	tick(w);
	tcp_pkt(&k, family, cli, cport, srv, SERVER_PORT, 0x10, cseq + 1, sseq + 1);
	emit(w, &k, 16);
	tick(w);
	w->st->handshakes++;
}

/* A random unicast IPv4 source outside 0/8, 10/8, 127/8 and 224/3. */
static uint32_t
random_v4(bg_rng *r)
{
	for (;;) {
		uint32_t a = (uint32_t)rng_next(r);
		uint32_t top = a >> 24;
		if (top != 0 && top != 10 && top != 127 && top < 224)
			return a;
	}
}

static void
synflood(bg_writer *w, const bg_flood_opts *o)
{
	bg_rng r = { o->seed * 0x2545f4914f6cdd1du ^ 0x53594eu };
	uint64_t hs = 0;
	uint8_t src[16];
	bg_pkt k;

	for (uint64_t i = 0; i < o->count && !full(w); i++) {
		if (i % HANDSHAKE_EVERY == 0) {
			if (i == 0)
				handshake(w, 4, hs++);
			handshake(w, (hs % 2) ? 6 : 4, hs);
			hs++;
		}
		bool v6 = rng_below(&r, 100) < 30;
		memset(src, 0, sizeof src);
		if (v6) {
			memcpy(src, "\x20\x01\x0d\xb8", 4);
			for (int b = 4; b < 16; b += 4)
				put32(src + b, (uint32_t)rng_next(&r));
		} else {
			put32(src, random_v4(&r));
		}
		uint16_t sport = (uint16_t)(1024 + rng_below(&r, 64512));
		uint32_t seq = (uint32_t)rng_next(&r);
		tcp_pkt(&k, v6 ? 6 : 4, src, sport, v6 ? server6 : server4, SERVER_PORT, 0x02, seq, 0);
		if (emit(w, &k, 16))
			w->st->syns++;
		tick(w);
	}
}

static bool
is_open(uint16_t port)
{
	for (size_t i = 0; i < sizeof open_ports / sizeof open_ports[0]; i++)
		if (open_ports[i] == port)
			return true;
	return false;
}

static void
udp_pkt(bg_pkt *k, const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport,
        size_t plen)
{
	k->family = 4;
	k->src = src;
	k->dst = dst;
	k->proto = 17;
	k->l4len = 8 + plen;
	memset(k->l4, 0, k->l4len);
	put16(k->l4, sport);
	put16(k->l4 + 2, dport);
	put16(k->l4 + 4, (uint16_t)k->l4len);
	for (size_t i = 0; i < plen; i++)
		k->l4[8 + i] = (uint8_t)(0x41 + i % 26);
}

/* The ICMP port unreachable quoting the probe to @port: its IP header
 * (as emit writes it, identification @id) and its UDP header. */
static void
unreachable(bg_pkt *k, uint16_t port, uint16_t id, uint16_t probe_csum)
{
	k->family = 4;
	k->src = target4;
	k->dst = scanner4;
	k->proto = 1;
	k->l4len = 8 + 20 + 8;
	memset(k->l4, 0, k->l4len);
	k->l4[0] = 3;
	k->l4[1] = 3;
	uint8_t *q = k->l4 + 8;
	q[0] = 0x45;
	put16(q + 2, 20 + 8);
	put16(q + 4, id);
	q[8] = 64;
	q[9] = 17;
	memcpy(q + 12, scanner4, 4);
	memcpy(q + 16, target4, 4);
	put16(q + 10, fold(sum_bytes(q, 20, 0)));
	put16(q + 20, SCAN_SPORT);
	put16(q + 22, port);
	put16(q + 24, 8);
	put16(q + 26, probe_csum);
}

static void
udpscan(bg_writer *w, const bg_flood_opts *o)
{
	uint64_t ports = o->count > 65535 ? 65535 : o->count;
	bg_pkt k;

	for (uint64_t p = 1; p <= ports && !full(w); p++) {
		uint16_t port = (uint16_t)p;
		uint16_t id = w->ip_id;
		udp_pkt(&k, scanner4, SCAN_SPORT, target4, port, 0);
		if (!emit(w, &k, 6))
			break;
		uint16_t probe_csum = (uint16_t)(k.l4[6] << 8 | k.l4[7]);
		w->st->datagrams++;
		if (is_open(port)) {
			udp_pkt(&k, target4, port, scanner4, SCAN_SPORT, 48);
			if (emit_answer(w, &k, 6))
				w->st->udp_answers++;
		} else if (port % 1000 < SCAN_GAP_FROM) {
			unreachable(&k, port, id, probe_csum);
			if (emit_answer(w, &k, 2))
				w->st->icmp++;
		}
		tick(w);
	}
}

int
bg_pattern_parse(const char *name, bg_pattern *p)
{
	if (strcmp(name, "synflood") == 0)
		*p = BG_SYNFLOOD;
	else if (strcmp(name, "udpscan") == 0)
		*p = BG_UDPSCAN;
	else
		return -1;
	return 0;
}

int
bg_flood_write(bg_pattern p, const bg_flood_opts *o, FILE *out, bg_flood_stats *st)
{
	bg_writer w = {
		.out = out,
		.sec = 1700000000,
		.step_ns = o->rate ? 1000000000u / o->rate : 100000,
		.limit = o->limit,
		.ip_id = 1,
		.st = st,
	};
	memset(st, 0, sizeof *st);
	if (w.step_ns == 0)
		w.step_ns = 1;
	uint32_t hdr[6] = { 0xa1b2c3d4u, 2 | 4u << 16, 0, 0, 65535, 1 };
	fwrite(hdr, 1, sizeof hdr, out);
	if (p == BG_SYNFLOOD)
		synflood(&w, o);
	else
		udpscan(&w, o);
	return ferror(out) ? -1 : 0;
}
