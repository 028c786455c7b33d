/* genhostile.c - damaged captures for test-hostile, written
 * deterministically from a seed: every header length lie (IPv4 IHL and
 * total length, IPv6 payload length, UDP length, TCP data offset, pcap
 * record lengths, pcapng block and option lengths), chains of IPv6
 * extension headers, floods of fragments of one datagram (IPv4, IPv6), and
 * random mutations of valid frames and of whole files; pcap and pcapng.
 *
 * Usage: genhostile OUTDIR [SEED]
 *
 * The same seed writes the same bytes.  Nothing here checks anything: the
 * test runs the tool on each file and checks how it ends.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

enum { P_HOP = 0, P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_ROUTING = 43, P_FRAG = 44,
       P_ESP = 50, P_AH = 51, P_ICMP6 = 58, P_NONE = 59, P_DSTOPTS = 60 };

static guint32 rng_state;
static const char *outdir;
static guint files_written;

static guint32
rng(void)
{
	guint32 x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

/* A value in [0, n). */
static guint32
rng_below(guint32 n)
{
	return n ? rng() % n : 0;
}

/* ------------------------------------------------------------------ */
/* Byte arrays                                                         */
/* ------------------------------------------------------------------ */

static void
ap8(GByteArray *b, guint v)
{
	guint8 x = (guint8)v;
	g_byte_array_append(b, &x, 1);
}

static void
ap16(GByteArray *b, guint v)
{
	guint8 x[2];
	put16(x, (uint16_t)v);
	g_byte_array_append(b, x, 2);
}

static void
ap32(GByteArray *b, guint32 v)
{
	guint8 x[4];
	put32(x, v);
	g_byte_array_append(b, x, 4);
}

static void
le16(GByteArray *b, guint v)
{
	ap8(b, v);
	ap8(b, v >> 8);
}

static void
le32(GByteArray *b, guint32 v)
{
	le16(b, v & 0xffff);
	le16(b, v >> 16);
}

static void
set_le32(GByteArray *b, gsize at, guint32 v)
{
	for (int i = 0; i < 4; i++)
		b->data[at + i] = (guint8)(v >> (8 * i));
}

static void
apfill(GByteArray *b, gsize n)
{
	for (gsize i = 0; i < n; i++)
		ap8(b, 'a' + i % 26);
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */
/* ------------------------------------------------------------------ */

static const guint8 src4[4] = { 192, 0, 2, 1 }, dst4[4] = { 192, 0, 2, 2 };
static const guint8 src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const guint8 dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* A UDP (@proto 17) or TCP (6) segment to port 53 or 80 with @payload
 * bytes, its checksum right for @fam's addresses. */
static GByteArray *
segment(int fam, guint proto, gsize payload)
{
	GByteArray *s = g_byte_array_new();
	if (proto == P_UDP) {
		ap16(s, 40000);
		ap16(s, 53);
		ap16(s, (guint)(8 + payload));
		ap16(s, 0);
	} else {
		ap16(s, 40000);
		ap16(s, 80);
		ap32(s, 1000);
		ap32(s, 0);
		ap16(s, 0x6000 | 0x02);   /* 24 bytes: SYN with an MSS option */
		ap16(s, 65535);
		ap32(s, 0);
		ap32(s, 0x020405b4);
	}
	apfill(s, payload);
	guint8 ph[40];
	gsize alen = fam == 4 ? 4 : 16;
	memcpy(ph, fam == 4 ? src4 : src6, alen);
	memcpy(ph + alen, fam == 4 ? dst4 : dst6, alen);
	uint32_t sum = sum_bytes(ph, 2 * alen, 0);
	sum = sum_bytes((const uint8_t[]){ 0, (uint8_t)proto }, 2, sum);
	sum = sum_bytes((const uint8_t[]){ (uint8_t)(s->len >> 8), (uint8_t)s->len }, 2, sum);
	uint16_t c = fold(sum_bytes(s->data, s->len, sum));
	put16(s->data + (proto == P_UDP ? 6 : 16), c ? c : 0xffff);
	return s;
}

/* Ethernet, then an IPv4 header carrying @l4 (consumed). */
static GByteArray *
ipv4_frame(guint proto, GByteArray *l4)
{
	static const guint8 eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	GByteArray *f = g_byte_array_new();
	g_byte_array_append(f, eth, 14);
	guint8 ip[20] = { 0x45, 0, 0, 0, 0, 1, 0, 0, 64, (guint8)proto };
	put16(ip + 2, (uint16_t)(20 + l4->len));
	memcpy(ip + 12, src4, 4);
	memcpy(ip + 16, dst4, 4);
	put16(ip + 10, fold(sum_bytes(ip, 20, 0)));
	g_byte_array_append(f, ip, 20);
	g_byte_array_append(f, l4->data, l4->len);
	g_byte_array_unref(l4);
	return f;
}

/* Ethernet, then an IPv6 header (next header @nh) and @rest (consumed). */
static GByteArray *
ipv6_frame(guint nh, GByteArray *rest)
{
	static const guint8 eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd };
	GByteArray *f = g_byte_array_new();
	g_byte_array_append(f, eth, 14);
	guint8 ip[40] = { 0x60, 0, 0, 0, 0, 0, (guint8)nh, 64 };
	put16(ip + 4, (uint16_t)rest->len);
	memcpy(ip + 8, src6, 16);
	memcpy(ip + 24, dst6, 16);
	g_byte_array_append(f, ip, 40);
	g_byte_array_append(f, rest->data, rest->len);
	g_byte_array_unref(rest);
	return f;
}

static GByteArray *
udp4(gsize payload) { return ipv4_frame(P_UDP, segment(4, P_UDP, payload)); }
static GByteArray *
tcp4(gsize payload) { return ipv4_frame(P_TCP, segment(4, P_TCP, payload)); }
static GByteArray *
udp6(gsize payload) { return ipv6_frame(P_UDP, segment(6, P_UDP, payload)); }
static GByteArray *
tcp6(gsize payload) { return ipv6_frame(P_TCP, segment(6, P_TCP, payload)); }

/* ICMP destination unreachable (v4) or ICMPv6 (v6) quoting @inner's IP
 * packet (its link header dropped; consumed). */
static GByteArray *
icmp_error(int fam, GByteArray *inner)
{
	GByteArray *m = g_byte_array_new();
	ap8(m, fam == 4 ? 3 : 1);
	ap8(m, fam == 4 ? 3 : 4);
	ap16(m, 0);
	ap32(m, 0);
	g_byte_array_append(m, inner->data + 14, inner->len - 14);
	g_byte_array_unref(inner);
	if (fam == 4) {
		put16(m->data + 2, fold(sum_bytes(m->data, m->len, 0)));
		return ipv4_frame(P_ICMP, m);
	}
	return ipv6_frame(P_ICMP6, m);
}

/* One of the valid frames mutations start from, by @i. */
static GByteArray *
base_frame(guint i)
{
	switch (i % 8) {
	case 0: return udp4(20);
	case 1: return tcp4(10);
	case 2: return udp6(20);
	case 3: return tcp6(10);
	case 4: return icmp_error(4, udp4(8));
	case 5: return icmp_error(6, tcp6(0));
	case 6: {
		GByteArray *ext = g_byte_array_new();
		ap8(ext, P_UDP);
		ap8(ext, 0);
		ap16(ext, 0x0104);   /* PadN of 4: an 8-byte header */
		ap32(ext, 0);
		GByteArray *s = segment(6, P_UDP, 12);
		g_byte_array_append(ext, s->data, s->len);
		g_byte_array_unref(s);
		return ipv6_frame(P_HOP, ext);
	}
	default: {
		/* Two VLAN tags around IPv4/UDP. */
		GByteArray *f = udp4(16), *v = g_byte_array_new();
		g_byte_array_append(v, f->data, 12);
		ap16(v, 0x88a8);
		ap16(v, 10);
		ap16(v, 0x8100);
		ap16(v, 20);
		g_byte_array_append(v, f->data + 12, f->len - 12);
		g_byte_array_unref(f);
		return v;
	}
	}
}

/* ------------------------------------------------------------------ */
/* Captures                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
	GByteArray *data;
	guint32 caplen, wirelen;  /* as the record says */
	guint32 sec, frac;
} rec;

typedef struct {
	GArray *recs;
	guint32 snaplen, linktype;
} cap;

static cap *
cap_new(guint32 snaplen)
{
	cap *c = g_new0(cap, 1);
	c->recs = g_array_new(FALSE, TRUE, sizeof(rec));
	c->snaplen = snaplen;
	c->linktype = 1;
	return c;
}

/* Add @f (consumed), cut to @cut bytes when it is longer (0: never). */
static void
cap_add(cap *c, GByteArray *f, guint32 cut)
{
	rec r = { f, f->len, f->len, 1700000000 + c->recs->len, 0 };
	if (cut && f->len > cut) {
		g_byte_array_set_size(f, cut);
		r.caplen = cut;
	}
	g_array_append_val(c->recs, r);
}

static void
cap_free(cap *c)
{
	for (guint i = 0; i < c->recs->len; i++)
		g_byte_array_unref(g_array_index(c->recs, rec, i).data);
	g_array_unref(c->recs);
	g_free(c);
}

static GByteArray *
to_pcap(const cap *c)
{
	GByteArray *b = g_byte_array_new();
	le32(b, 0xa1b2c3d4);
	le16(b, 2);
	le16(b, 4);
	le32(b, 0);
	le32(b, 0);
	le32(b, c->snaplen);
	le32(b, c->linktype);
	for (guint i = 0; i < c->recs->len; i++) {
		const rec *r = &g_array_index(c->recs, rec, i);
		le32(b, r->sec);
		le32(b, r->frac);
		le32(b, r->caplen);
		le32(b, r->wirelen);
		g_byte_array_append(b, r->data->data, r->data->len);
	}
	return b;
}

/* A pcapng block of @type around @body, little-endian. */
static void
block(GByteArray *b, guint32 type, const guint8 *body, gsize n)
{
	gsize pad = (4 - n % 4) % 4;
	le32(b, type);
	le32(b, (guint32)(12 + n + pad));
	g_byte_array_append(b, body, n);
	for (gsize i = 0; i < pad; i++)
		ap8(b, 0);
	le32(b, (guint32)(12 + n + pad));
}

static void
shb(GByteArray *b)
{
	GByteArray *body = g_byte_array_new();
	le32(body, 0x1a2b3c4d);
	le16(body, 1);
	le16(body, 0);
	le32(body, 0xffffffff);
	le32(body, 0xffffffff);
	block(b, 0x0a0d0d0a, body->data, body->len);
	g_byte_array_unref(body);
}

/* An interface block; @opts (may be NULL) are its options, as written. */
static void
idb(GByteArray *b, guint32 linktype, guint32 snaplen, const GByteArray *opts)
{
	GByteArray *body = g_byte_array_new();
	le16(body, linktype);
	le16(body, 0);
	le32(body, snaplen);
	if (opts)
		g_byte_array_append(body, opts->data, opts->len);
	block(b, 1, body->data, body->len);
	g_byte_array_unref(body);
}

static void
epb(GByteArray *b, guint32 iface, const rec *r)
{
	GByteArray *body = g_byte_array_new();
	guint64 t = (guint64)r->sec * 1000000 + r->frac;
	le32(body, iface);
	le32(body, (guint32)(t >> 32));
	le32(body, (guint32)t);
	le32(body, r->caplen);
	le32(body, r->wirelen);
	g_byte_array_append(body, r->data->data, r->data->len);
	block(b, 6, body->data, body->len);
	g_byte_array_unref(body);
}

static GByteArray *
to_pcapng(const cap *c)
{
	GByteArray *b = g_byte_array_new();
	shb(b);
	idb(b, c->linktype, c->snaplen, NULL);
	for (guint i = 0; i < c->recs->len; i++)
		epb(b, 0, &g_array_index(c->recs, rec, i));
	return b;
}

static void
write_bytes(const char *name, const GByteArray *b)
{
	gchar *path = g_build_filename(outdir, name, NULL);
	GError *err = NULL;
	if (!g_file_set_contents(path, (const char *)b->data, b->len, &err)) {
		fprintf(stderr, "genhostile: %s\n", err->message);
		exit(1);
	}
	g_free(path);
	files_written++;
}

/* Write @c (freed) as NAME.pcap and NAME.pcapng. */
static void
emit(const char *name, cap *c)
{
	GByteArray *p = to_pcap(c), *n = to_pcapng(c);
	gchar *pn = g_strconcat(name, ".pcap", NULL), *nn = g_strconcat(name, ".pcapng", NULL);
	write_bytes(pn, p);
	write_bytes(nn, n);
	g_free(pn);
	g_free(nn);
	g_byte_array_unref(p);
	g_byte_array_unref(n);
	cap_free(c);
}

/* ------------------------------------------------------------------ */
/* Header length lies                                                  */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *name;
	GByteArray *(*make)(gsize payload);
	gsize at;         /* the field's offset in the frame */
	int width;        /* 16: a 16-bit field; 4: a high nibble; -4: low */
} lie_field;

static const lie_field lie_fields[] = {
	{ "ipv4-ihl", udp4, 14, -4 },
	{ "ipv4-version", udp4, 14, 4 },
	{ "ipv4-total-length", udp4, 16, 16 },
	{ "ipv4-total-length-tcp", tcp4, 16, 16 },
	{ "ipv6-version", udp6, 14, 4 },
	{ "ipv6-payload-length", udp6, 18, 16 },
	{ "ipv6-payload-length-tcp", tcp6, 18, 16 },
	{ "udp4-length", udp4, 38, 16 },
	{ "udp6-length", udp6, 58, 16 },
	{ "tcp4-data-offset", tcp4, 46, 4 },
	{ "tcp6-data-offset", tcp6, 66, 4 },
	{ "tcp4-mss-option-length", tcp4, 55, -8 },
	{ "ethertype", udp4, 12, 16 },
};

static void
set_field(GByteArray *f, const lie_field *l, guint v)
{
	guint8 *p = f->data + l->at;
	if (l->width == 16)
		put16(p, (uint16_t)v);
	else if (l->width == 4)
		*p = (guint8)((*p & 0x0f) | (v & 15) << 4);
	else if (l->width == -4)
		*p = (guint8)((*p & 0xf0) | (v & 15));
	else
		*p = (guint8)v;
}

/* Every value a field may lie with: all of a nibble or byte; for a
 * 16-bit length, those near the truth and the extremes. */
static void
gen_lies(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(lie_fields); i++) {
		const lie_field *l = &lie_fields[i];
		for (int cut = 0; cut < 2; cut++) {
			cap *c = cap_new(65535);
			GByteArray *probe = l->make(24);
			guint truth = l->width == 16 ? (guint)probe->data[l->at] << 8 | probe->data[l->at + 1] : 0;
			g_byte_array_unref(probe);
			guint n = l->width == 16 ? 24 : l->width == -8 ? 256 : 16;
			for (guint k = 0; k < n; k++) {
				static const int near[] = { -21, -9, -8, -7, -1, 1, 7, 8, 100 };
				guint v = k;
				if (l->width == 16 && k < G_N_ELEMENTS(near))
					v = (guint)((int)truth + near[k]) & 0xffff;
				else if (l->width == 16)
					v = k == 9 ? 65535 : k == 10 ? 0x8000 : k == 11 ? truth : rng() & 0xffff;
				GByteArray *f = l->make(24);
				set_field(f, l, v);
				cap_add(c, f, cut ? (guint32)(l->at + 2 + rng_below(24)) : 0);
			}
			gchar *name = g_strdup_printf("lie-%s%s", l->name, cut ? "-cut" : "");
			emit(name, c);
			g_free(name);
		}
	}
}

/* ------------------------------------------------------------------ */
/* IPv6 extension header chains                                        */
/* ------------------------------------------------------------------ */

/* @n headers of the kinds in @kinds (cycled), then UDP; each 8 bytes
 * with an options length lie when @lie (0xff: the true 0). */
static GByteArray *
ext_chain(const guint *kinds, gsize nk, guint n, guint lie)
{
	GByteArray *rest = g_byte_array_new();
	for (guint i = 0; i < n; i++) {
		guint kind = kinds[i % nk];
		guint next = i + 1 < n ? kinds[(i + 1) % nk] : P_UDP;
		ap8(rest, next);
		if (kind == P_FRAG) {
			ap8(rest, 0);
			ap16(rest, (guint)(rng_below(3) ? 0 : 8 * rng_below(100)) | rng_below(2));
			ap32(rest, rng());
			continue;
		}
		/* AH counts 4-byte words minus 2; the others 8-byte words minus 1. */
		ap8(rest, lie != 0xff ? lie : kind == P_AH ? 0 : 0);
		if (kind == P_AH) {
			ap16(rest, 0);
			ap32(rest, 0);
		} else if (kind == P_ROUTING) {
			ap8(rest, 0);
			ap8(rest, (guint)rng_below(3));
			ap32(rest, 0);
		} else {
			ap16(rest, 0x0104);
			ap32(rest, 0);
		}
	}
	GByteArray *s = segment(6, P_UDP, 8);
	g_byte_array_append(rest, s->data, s->len);
	g_byte_array_unref(s);
	return ipv6_frame(n ? kinds[0] : P_UDP, rest);
}

static void
gen_ext_chains(void)
{
	static const guint hop[] = { P_HOP }, dst[] = { P_DSTOPTS };
	static const guint loop[] = { P_HOP, P_DSTOPTS, P_ROUTING, P_DSTOPTS };
	static const guint mix[] = { P_DSTOPTS, P_FRAG, P_AH, P_ROUTING, P_HOP };
	static const struct { const char *name; const guint *k; gsize nk; } sets[] = {
		{ "hop", hop, 1 }, { "dstopts", dst, 1 }, { "loop", loop, 4 }, { "mix", mix, 5 },
	};
	static const guint lengths[] = { 1, 2, 3, 10, 100, 1000, 4000 };
	for (gsize s = 0; s < G_N_ELEMENTS(sets); s++) {
		for (int variant = 0; variant < 3; variant++) {
			cap *c = cap_new(variant == 2 ? 200 : 65535);
			for (gsize i = 0; i < G_N_ELEMENTS(lengths); i++) {
				guint lie = variant == 1 ? (guint)rng_below(256) : 0xff;
				cap_add(c, ext_chain(sets[s].k, sets[s].nk, lengths[i], lie),
				        variant == 2 ? 200 : 0);
				/* The same chain cut in a header, and with a first next
				 * header nobody knows or "no next header". */
				GByteArray *f = ext_chain(sets[s].k, sets[s].nk, lengths[i], 0xff);
				cap_add(c, f, (guint32)(54 + rng_below((guint32)f->len - 54)));
				f = ext_chain(sets[s].k, sets[s].nk, lengths[i], 0xff);
				f->data[20] = (guint8)(i % 2 ? P_NONE : 253 + rng_below(3));
				cap_add(c, f, 0);
			}
			gchar *name = g_strdup_printf("ext6-%s-%s", sets[s].name,
			                              variant == 0 ? "plain" : variant == 1 ? "length-lies" : "snaplen-200");
			emit(name, c);
			g_free(name);
		}
	}
	/* ESP after a chain: opaque, nothing further to decode. */
	cap *c = cap_new(65535);
	static const guint esp[] = { P_DSTOPTS, P_ESP };
	cap_add(c, ext_chain(esp, 2, 2, 0xff), 0);
	emit("ext6-esp", c);
}

/* ------------------------------------------------------------------ */
/* Fragments                                                           */
/* ------------------------------------------------------------------ */

typedef enum { FR_OVERLAP, FR_DUPLICATE, FR_REVERSE, FR_BEYOND, FR_MANY_IDS, FR_TINY } frag_kind;

static const char *const frag_names[] = { "overlap", "duplicate", "reverse", "beyond-65535",
                                          "many-ids", "tiny" };

/* A fragment of datagram @id: @len bytes at byte @off, more to come when
 * @more; UDP's header and payload bytes in it. */
static GByteArray *
fragment(int fam, guint32 id, guint off, guint len, gboolean more)
{
	GByteArray *data = g_byte_array_new();
	if (off == 0) {
		GByteArray *s = segment(fam, P_UDP, 2000);
		g_byte_array_append(data, s->data, MIN(len, s->len));
		g_byte_array_unref(s);
	}
	while (data->len < len)
		ap8(data, 'x');
	if (fam == 4) {
		GByteArray *f = ipv4_frame(P_UDP, data);
		put16(f->data + 18, (uint16_t)id);
		put16(f->data + 20, (uint16_t)((more ? 0x2000 : 0) | ((off / 8) & 0x1fff)));
		put16(f->data + 24, 0);
		put16(f->data + 24, fold(sum_bytes(f->data + 14, 20, 0)));
		return f;
	}
	GByteArray *fh = g_byte_array_new();
	ap8(fh, P_UDP);
	ap8(fh, 0);
	ap16(fh, (guint)((off & 0xfff8) | (more ? 1 : 0)));
	ap32(fh, id);
	g_byte_array_append(fh, data->data, data->len);
	g_byte_array_unref(data);
	return ipv6_frame(P_FRAG, fh);
}

static void
add_frags(cap *c, int fam, frag_kind k, guint n)
{
	for (guint i = 0; i < n; i++) {
		guint off, len = 8 * (1 + rng_below(20));
		gboolean more = TRUE;
		guint32 id = k == FR_MANY_IDS ? i : 7;
		switch (k) {
		case FR_OVERLAP: off = 8 * rng_below(300); more = rng_below(50) != 0; break;
		case FR_DUPLICATE: off = 8 * (i % 4); len = 8; more = i % 4 != 3; break;
		case FR_REVERSE: off = 8 * (n - 1 - i); len = 8; more = i != 0; break;
		case FR_BEYOND: off = 65528 - 8 * rng_below(8); len = 8 * (1 + rng_below(200)); more = rng_below(4) != 0; break;
		case FR_MANY_IDS: off = 8 * rng_below(4); break;
		default: off = 8 * rng_below(8192); len = rng_below(2) ? 0 : 1 + rng_below(7); break;
		}
		cap_add(c, fragment(fam, id, off, len, more), 0);
	}
}

static void
gen_fragments(guint n)
{
	for (int fam = 4; fam <= 6; fam += 2) {
		for (frag_kind k = FR_OVERLAP; k <= FR_TINY; k++) {
			cap *c = cap_new(65535);
			add_frags(c, fam, k, n);
			gchar *name = g_strdup_printf("frag%d-%s", fam, frag_names[k]);
			emit(name, c);
			g_free(name);
		}
	}
	/* Both families interleaved: one family's datagrams can age out
	 * while the other holds the memory. */
	for (int variant = 0; variant < 2; variant++) {
		cap *c = cap_new(65535);
		for (guint i = 0; i < n / 8; i++) {
			add_frags(c, variant ? 4 : 6, FR_MANY_IDS, 6);
			add_frags(c, variant ? 6 : 4, FR_OVERLAP, 2);
		}
		emit(variant ? "frag-mixed-v4-first" : "frag-mixed-v6-first", c);
	}
}

/* ------------------------------------------------------------------ */
/* Capture file lies                                                   */
/* ------------------------------------------------------------------ */

static cap *
small_cap(void)
{
	cap *c = cap_new(65535);
	for (guint i = 0; i < 4; i++)
		cap_add(c, base_frame(i), 0);
	return c;
}

/* pcap: each record length lie; the file cut inside each part. */
static void
gen_pcap_lies(void)
{
	static const guint32 lies[] = { 0, 1, 13, 59, 61, 65535, 65536, 262144, 262145,
	                                0x7fffffff, 0xffffffff };
	for (int field = 0; field < 2; field++) {
		for (gsize i = 0; i < G_N_ELEMENTS(lies); i++) {
			cap *c = small_cap();
			rec *r = &g_array_index(c->recs, rec, 1);
			if (field == 0)
				r->caplen = lies[i];
			else
				r->wirelen = lies[i];
			GByteArray *b = to_pcap(c);
			gchar *name = g_strdup_printf("pcap-%s-%u.pcap", field ? "wirelen" : "caplen", lies[i]);
			write_bytes(name, b);
			g_free(name);
			g_byte_array_unref(b);
			cap_free(c);
		}
	}
	static const guint32 snaplens[] = { 0, 1, 40, 0xffffffff };
	for (gsize i = 0; i < G_N_ELEMENTS(snaplens); i++) {
		cap *c = small_cap();
		c->snaplen = snaplens[i];
		gchar *name = g_strdup_printf("snaplen-%u", snaplens[i]);
		emit(name, c);
		g_free(name);
	}
	cap *c = small_cap();
	GByteArray *b = to_pcap(c);
	for (guint k = 0; k < 12; k++) {
		GByteArray *cut = g_byte_array_new();
		g_byte_array_append(cut, b->data, (guint)(1 + rng_below(b->len - 1)));
		gchar *name = g_strdup_printf("pcap-cut-%02u.pcap", k);
		write_bytes(name, cut);
		g_free(name);
		g_byte_array_unref(cut);
	}
	g_byte_array_unref(b);
	cap_free(c);
}

/* An option of @code, claiming @claim bytes and holding @have. */
static void
option(GByteArray *b, guint code, guint claim, const guint8 *val, gsize have)
{
	le16(b, code);
	le16(b, claim);
	g_byte_array_append(b, val, have);
	while (b->len % 4)
		ap8(b, 0);
}

/* pcapng: interface options (if_tsresol, if_tsoffset, lengths that lie). */
static void
gen_pcapng_options(void)
{
	static const guint8 resols[] = { 0, 1, 6, 9, 19, 20, 63, 64, 0x80, 0x80 | 30,
	                                 0x80 | 63, 0xff };
	static const guint8 big[8] = { 0, 1, 0, 0, 0, 0, 0, 0x80 };
	for (gsize i = 0; i < G_N_ELEMENTS(resols) + 6; i++) {
		GByteArray *o = g_byte_array_new(), *b = g_byte_array_new();
		if (i < G_N_ELEMENTS(resols))
			option(o, 9, 1, &resols[i], 1);
		else if (i == G_N_ELEMENTS(resols))
			option(o, 14, 8, big, 8);          /* if_tsoffset -2^63 + 256 */
		else if (i == G_N_ELEMENTS(resols) + 1)
			option(o, 9, 0, NULL, 0);          /* if_tsresol with no byte */
		else
			option(o, 9, (guint[]){ 2, 200, 0xfffc, 0xffff }[i - G_N_ELEMENTS(resols) - 2],
			       resols + 1, 1);              /* longer than it is */
		le32(o, 0);                            /* opt_endofopt */
		shb(b);
		idb(b, 1, 65535, o);
		cap *c = small_cap();
		for (guint k = 0; k < c->recs->len; k++) {
			rec *r = &g_array_index(c->recs, rec, k);
			r->sec = k % 2 ? 0xffffffff : r->sec;
			epb(b, 0, r);
		}
		/* A packet block's options, longer than the block. */
		GByteArray *body = g_byte_array_new();
		const rec *r0 = &g_array_index(c->recs, rec, 0);
		le32(body, 0);
		le32(body, 0);
		le32(body, 0);
		le32(body, r0->caplen);
		le32(body, r0->wirelen);
		g_byte_array_append(body, r0->data->data, r0->data->len);
		while (body->len % 4)
			ap8(body, 0);
		option(body, 1, (guint)(4 * i + 1), (const guint8 *)"hostile", 7);
		block(b, 6, body->data, body->len);
		g_byte_array_unref(body);
		gchar *name = g_strdup_printf("pcapng-idb-option-%02zu.pcapng", i);
		write_bytes(name, b);
		g_free(name);
		cap_free(c);
		g_byte_array_unref(o);
		g_byte_array_unref(b);
	}
}

/* pcapng: the second block's lengths (header, trailer), packet block
 * captured lengths, interface numbers, and other block types. */
static void
gen_pcapng_blocks(void)
{
	static const guint32 lens[] = { 0, 4, 8, 12, 16, 20, 28, 31, 32, 0x1000000, 0xfffffffc };
	for (gsize i = 0; i < 3 * G_N_ELEMENTS(lens); i++) {
		cap *c = small_cap();
		GByteArray *b = g_byte_array_new();
		shb(b);
		idb(b, 1, 100, NULL);
		gsize at = b->len;
		for (guint k = 0; k < c->recs->len; k++)
			epb(b, 0, &g_array_index(c->recs, rec, k));
		guint32 v = lens[i % G_N_ELEMENTS(lens)];
		gsize where = i / G_N_ELEMENTS(lens);   /* header, trailer, caplen */
		guint32 blen = b->data[at + 4] | b->data[at + 5] << 8;
		set_le32(b, where == 0 ? at + 4 : where == 1 ? at + blen - 4 : at + 20, v);
		gchar *name = g_strdup_printf("pcapng-epb-%s-%u.pcapng",
		                              where == 0 ? "length" : where == 1 ? "trailer" : "caplen", v);
		write_bytes(name, b);
		g_free(name);
		cap_free(c);
		g_byte_array_unref(b);
	}
	/* Interface 3 of 1; a simple packet block longer than the snapshot;
	 * an obsolete packet block; blocks nobody knows; a second section
	 * and interface with another snapshot length. */
	static const guint32 types[] = { 6, 3, 2, 4, 5, 0x0a, 0xbad, 0x40000bad, 1 };
	for (gsize i = 0; i < G_N_ELEMENTS(types); i++) {
		GByteArray *b = g_byte_array_new(), *body = g_byte_array_new();
		shb(b);
		idb(b, 1, 100, NULL);
		GByteArray *f = base_frame((guint)i);
		le32(body, types[i] == 6 ? 3 : types[i] == 3 ? f->len : types[i] == 1 ? 1 : 0);
		le32(body, types[i] == 1 ? 64 : 0);
		le32(body, 0);
		le32(body, f->len);
		le32(body, f->len);
		g_byte_array_append(body, f->data, f->len);
		if (i == G_N_ELEMENTS(types) - 1)
			shb(b);
		block(b, types[i], body->data, body->len);
		cap *c = small_cap();
		epb(b, 0, &g_array_index(c->recs, rec, 0));
		gchar *name = g_strdup_printf("pcapng-block-type-%u.pcapng", types[i]);
		write_bytes(name, b);
		g_free(name);
		cap_free(c);
		g_byte_array_unref(f);
		g_byte_array_unref(body);
		g_byte_array_unref(b);
	}
}

/* ------------------------------------------------------------------ */
/* Random mutations                                                    */
/* ------------------------------------------------------------------ */

static void
mutate(GByteArray *f)
{
	guint n = 1 + rng_below(6);
	for (guint k = 0; k < n && f->len; k++) {
		guint at = rng_below(f->len);
		switch (rng_below(5)) {
		case 0: f->data[at] ^= (guint8)(1u << rng_below(8)); break;
		case 1: f->data[at] = (guint8)rng(); break;
		case 2: f->data[at] = rng_below(2) ? 0 : 0xff; break;
		case 3: g_byte_array_set_size(f, at); break;
		default: g_byte_array_remove_index(f, at); break;
		}
	}
}

static void
gen_mutations(guint files, guint frames)
{
	for (guint i = 0; i < files; i++) {
		cap *c = cap_new(65535);
		c->linktype = (guint32[]){ 1, 1, 1, 1, 101, 113, 276, 0 }[i % 8];
		for (guint k = 0; k < frames; k++) {
			GByteArray *f = base_frame(rng());
			if (c->linktype != 1)
				g_byte_array_remove_range(f, 0, 14);   /* mutations make the rest */
			mutate(f);
			cap_add(c, f, 0);
		}
		GByteArray *b = i % 2 ? to_pcapng(c) : to_pcap(c);
		gchar *name = g_strdup_printf("mutate-frames-%03u.%s", i, i % 2 ? "pcapng" : "pcap");
		write_bytes(name, b);
		g_free(name);
		g_byte_array_unref(b);
		cap_free(c);
	}
	/* The whole file mutated, its headers and lengths too. */
	for (guint i = 0; i < files / 2; i++) {
		cap *c = small_cap();
		GByteArray *b = i % 2 ? to_pcapng(c) : to_pcap(c);
		guint n = 1 + rng_below(4);
		for (guint k = 0; k < n; k++)
			b->data[rng_below(b->len)] = (guint8)rng();
		gchar *name = g_strdup_printf("mutate-file-%03u.%s", i, i % 2 ? "pcapng" : "pcap");
		write_bytes(name, b);
		g_free(name);
		g_byte_array_unref(b);
		cap_free(c);
	}
}

int
main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: genhostile OUTDIR [SEED]\n");
		return 2;
	}
	outdir = argv[1];
	rng_state = argc == 3 ? (guint32)strtoul(argv[2], NULL, 0) : 20261202;
	if (rng_state == 0)
		rng_state = 1;
	if (g_mkdir_with_parents(outdir, 0755) != 0) {
		perror(outdir);
		return 1;
	}
	gen_lies();
	gen_ext_chains();
	gen_fragments(3000);
	gen_pcap_lies();
	gen_pcapng_options();
	gen_pcapng_blocks();
	gen_mutations(80, 40);
	printf("%u captures in %s\n", files_written, outdir);
	return 0;
}
