/*
 * gencap.c - deterministic test capture generator for demuxsim.
 *
 * Usage: gencap OUTDIR
 *
 * Also writes demux.pcap, a small network's coherent traffic, with the
 * socket tables it implies (demux.truth.json, and demux-declared.truth.json
 * for a run with --sockets demux-declared.ini): see gen_demux().
 *
 * Writes small pcap/pcapng captures plus, for every capture that contains
 * frames the tool is expected to decode, a ground-truth file F.truth.tsv
 * with one row per frame.  Checksums are computed here with a deliberately
 * plain RFC 1071 implementation (one buffer holding pseudo-header and
 * segment, summed 16 bits at a time), so this program serves as an
 * independent oracle for the project's checksum code.
 *
 * Everything is deterministic: payload bytes come from a fixed-seed
 * xorshift32 generator and timestamps are fixed, so repeated runs produce
 * byte-identical output.  All multi-byte fields are written byte by byte.
 *
 * Build: gcc -std=c11 -Wall -Wextra -Werror tests/gen/gencap.c -o tests/gen/gencap \
 *            $(pkg-config --cflags --libs glib-2.0)
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <sys/socket.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

/* ------------------------------------------------------------------ */
/* Constants                                                           */
/* ------------------------------------------------------------------ */

enum { P_HOPOPT = 0, P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_ROUTING = 43,
       P_FRAGMENT = 44, P_ICMPV6 = 58, P_DSTOPTS = 60 };

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08,
       TH_ACK = 0x10, TH_URG = 0x20, TH_ECE = 0x40, TH_CWR = 0x80 };

enum { ETH_IPV4 = 0x0800, ETH_ARP = 0x0806, ETH_IPV6 = 0x86dd,
       TPID_8021Q = 0x8100, TPID_8021AD = 0x88a8, TPID_9100 = 0x9100 };

enum { LT_NULL = 0, LT_ETHERNET = 1, LT_RAW = 101, LT_LOOP = 108,
       LT_LINUX_SLL = 113, LT_USER0 = 147, LT_IPV4 = 228, LT_IPV6 = 229,
       LT_LINUX_SLL2 = 276 };

/* BSD address family values as they appear in DLT_NULL / DLT_LOOP headers
 * (not the host's AF_* values). */
enum { BSD_AF_INET = 2, BSD_AF_INET6_BSD = 24, BSD_AF_INET6_FREEBSD = 28,
       BSD_AF_INET6_DARWIN = 30 };

#define TS_BASE 1700000000u /* 2023-11-14T22:13:20Z */

/* ------------------------------------------------------------------ */
/* Deterministic PRNG (xorshift32, fixed seed per file)                */
/* ------------------------------------------------------------------ */

static guint32 rng_state;

static void
rng_seed(guint32 seed)
{
    rng_state = seed ? seed : 0x9e3779b9u;
}

static guint32
rng_next(void)
{
    guint32 x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

/* IPv4 identification counter, reset per capture file. */
static guint16 ip_id_ctr;

static void
reset_generators(guint32 seed)
{
    rng_seed(seed);
    ip_id_ctr = (guint16)(0x1000 + (seed & 0xff) * 0x10);
}

/* ------------------------------------------------------------------ */
/* Byte buffer helpers (network byte order unless stated otherwise)    */
/* ------------------------------------------------------------------ */

static void
ap8(GByteArray *b, guint v)
{
    guint8 c = (guint8)(v & 0xff);
    g_byte_array_append(b, &c, 1);
}

static void
ap16(GByteArray *b, guint v)
{
    ap8(b, v >> 8);
    ap8(b, v);
}

static void
ap32(GByteArray *b, guint32 v)
{
    ap16(b, v >> 16);
    ap16(b, v & 0xffff);
}

static void
apmem(GByteArray *b, const void *p, gsize n)
{
    if (n > 0)
        g_byte_array_append(b, p, (guint)n);
}

static void
aprand(GByteArray *b, gsize n)
{
    for (gsize i = 0; i < n; i++)
        ap8(b, rng_next() >> 24);
}

static void
apzero(GByteArray *b, gsize n)
{
    for (gsize i = 0; i < n; i++)
        ap8(b, 0);
}

static void
set16(GByteArray *b, gsize off, guint v)
{
    g_assert(off + 2 <= b->len);
    put16(b->data + off, (uint16_t)v);
}

static guint
get16(const GByteArray *b, gsize off)
{
    g_assert(off + 2 <= b->len);
    return ((guint)b->data[off] << 8) | b->data[off + 1];
}

/* Endian-selectable writers for file-format headers. */
static void
put16e(GByteArray *b, guint v, gboolean be)
{
    if (be) {
        ap16(b, v);
    } else {
        ap8(b, v);
        ap8(b, v >> 8);
    }
}

static void
put32e(GByteArray *b, guint32 v, gboolean be)
{
    if (be) {
        ap32(b, v);
    } else {
        put16e(b, v & 0xffff, FALSE);
        put16e(b, v >> 16, FALSE);
    }
}

static GByteArray *
concat_free(GByteArray *head, GByteArray *tail)
{
    apmem(head, tail->data, tail->len);
    g_byte_array_unref(tail);
    return head;
}

/* ------------------------------------------------------------------ */
/* RFC 1071 checksum                                                   */
/* ------------------------------------------------------------------ */

/* Internet checksum: one's complement of the one's complement sum of the
 * 16-bit big-endian words of p (odd trailing byte padded with zero), by
 * wire.h's sum. */
static guint16
inet_cksum(const guint8 *p, gsize n)
{
    return fold(sum_bytes(p, n, 0));
}

static GByteArray *
pseudo_header(int fam, const guint8 *src, const guint8 *dst, guint proto,
              guint32 len)
{
    GByteArray *b = g_byte_array_new();
    if (fam == 4) {
        apmem(b, src, 4);
        apmem(b, dst, 4);
        ap8(b, 0);
        ap8(b, proto);
        ap16(b, len);
    } else {
        apmem(b, src, 16);
        apmem(b, dst, 16);
        ap32(b, len);
        apzero(b, 3);
        ap8(b, proto);
    }
    return b;
}

/* Transport checksum over pseudo-header + seg[0..seglen), with the 2-byte
 * checksum field at offset cso treated as zero.  The pseudo-header length
 * is seglen.  Returns the raw complemented result (may be 0). */
static guint16
l4_checksum(int fam, const guint8 *src, const guint8 *dst, guint proto,
            const guint8 *seg, gsize seglen, gsize cso)
{
    GByteArray *b = pseudo_header(fam, src, dst, proto, (guint32)seglen);
    gsize base = b->len;
    apmem(b, seg, seglen);
    if (cso + 2 <= seglen) {
        b->data[base + cso] = 0;
        b->data[base + cso + 1] = 0;
    }
    guint16 r = inet_cksum(b->data, b->len);
    g_byte_array_unref(b);
    return r;
}

/* What checksum offload leaves in the field: the folded pseudo-header sum,
 * not complemented. */
static guint16
pseudo_partial(int fam, const guint8 *src, const guint8 *dst, guint proto,
               guint32 len)
{
    GByteArray *b = pseudo_header(fam, src, dst, proto, len);
    guint16 r = (guint16)(~inet_cksum(b->data, b->len) & 0xffff);
    g_byte_array_unref(b);
    return r;
}

/* A wrong checksum value that cannot be confused with the right one, with
 * "absent" (0), with the one's complement twin (0xffff) or with the
 * offload value. */
static guint16
bad_value(guint16 computed, guint16 partial)
{
    guint16 v = (guint16)(computed ^ 0x5a5a);
    while (v == 0 || v == 0xffff || v == computed || v == partial)
        v = (guint16)(v + 0x0101);
    return v;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */
/* ------------------------------------------------------------------ */

static void
parse_addr(int fam, const char *s, guint8 out[16])
{
    memset(out, 0, 16);
    if (inet_pton(fam == 4 ? AF_INET : AF_INET6, s, out) != 1)
        g_error("bad address literal %s", s);
}

static void
fmt_addr(int fam, const guint8 *a, char *out, gsize n)
{
    if (!inet_ntop(fam == 4 ? AF_INET : AF_INET6, a, out, (socklen_t)n))
        g_error("inet_ntop failed");
}

/* ------------------------------------------------------------------ */
/* Ground truth rows                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
    char kind[8], family[8], proto[8];
    char src[INET6_ADDRSTRLEN], sport[8];
    char dst[INET6_ADDRSTRLEN], dport[8];
    char length[12], payload[12], checksum[8], computed[8];
    char status[12], reason[12], flags[12];
} Truth;

#define TSET(t, field, ...) g_snprintf((t)->field, sizeof (t)->field, __VA_ARGS__)

static const char TRUTH_HEADER[] =
    "frame\tkind\tfamily\tproto\tsrc\tsport\tdst\tdport\tlength\tpayload\t"
    "checksum\tcomputed\tstatus\treason\ttcp_flags\n";

static void
truth_skip(Truth *t)
{
    TSET(t, kind, "skip");
    TSET(t, family, "-");
    TSET(t, proto, "-");
    TSET(t, src, "-");
    TSET(t, sport, "-");
    TSET(t, dst, "-");
    TSET(t, dport, "-");
    TSET(t, length, "-");
    TSET(t, payload, "-");
    TSET(t, checksum, "-");
    TSET(t, computed, "-");
    TSET(t, status, "-");
    TSET(t, reason, "-");
    TSET(t, flags, "-");
}

static void
truth_status(Truth *t, const char *status, const char *reason)
{
    TSET(t, status, "%s", status);
    TSET(t, reason, "%s", reason);
}

static void
flags_string(guint8 fl, char *out, gsize n)
{
    static const struct { guint8 bit; char c; } order[] = {
        { TH_SYN, 'S' }, { TH_ACK, 'A' }, { TH_FIN, 'F' }, { TH_RST, 'R' },
        { TH_PSH, 'P' }, { TH_URG, 'U' }, { TH_ECE, 'E' }, { TH_CWR, 'C' },
    };
    gsize k = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(order) && k + 1 < n; i++)
        if (fl & order[i].bit)
            out[k++] = order[i].c;
    if (k == 0)
        out[k++] = '-';
    out[k] = '\0';
}

static char *
truth_line(guint frame, const Truth *t)
{
    return g_strdup_printf("%u\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
                           frame, t->kind, t->family, t->proto, t->src,
                           t->sport, t->dst, t->dport, t->length, t->payload,
                           t->checksum, t->computed, t->status, t->reason,
                           t->flags);
}

/* ------------------------------------------------------------------ */
/* Network layer                                                       */
/* ------------------------------------------------------------------ */

#define IP_DF 0x4000
#define IP_MF 0x2000

static void
ipv4_fix_header_checksum(GByteArray *ip, gboolean make_bad)
{
    gsize hl = (gsize)(ip->data[0] & 0x0f) * 4;
    if (hl < 20)
        hl = 20;
    set16(ip, 10, 0);
    guint16 sum = inet_cksum(ip->data, hl);
    if (make_bad)
        sum = (guint16)(sum ^ 0x2222);
    set16(ip, 10, sum);
}

static GByteArray *
ipv4_packet(const guint8 *src, const guint8 *dst, guint proto,
            const guint8 *opt, gsize optlen, guint fragfield,
            const guint8 *pl, gsize plen, gboolean bad_hdr_sum)
{
    g_assert(optlen % 4 == 0 && optlen <= 40);
    gsize hl = 20 + optlen;
    GByteArray *b = g_byte_array_new();
    ap8(b, 0x40 | (guint)(hl / 4));
    ap8(b, 0);                      /* DSCP/ECN */
    ap16(b, (guint)(hl + plen));    /* total length */
    ap16(b, ip_id_ctr++);
    ap16(b, fragfield);
    ap8(b, 64);                     /* TTL */
    ap8(b, proto);
    ap16(b, 0);                     /* header checksum, filled below */
    apmem(b, src, 4);
    apmem(b, dst, 4);
    apmem(b, opt, optlen);
    ipv4_fix_header_checksum(b, bad_hdr_sum);
    apmem(b, pl, plen);
    return b;
}

static GByteArray *
ipv6_packet(const guint8 *src, const guint8 *dst, guint first_nh,
            const guint8 *ext, gsize extlen, const guint8 *pl, gsize plen)
{
    GByteArray *b = g_byte_array_new();
    ap32(b, 0x60000000u | 0x12345u);  /* version 6, flow label */
    ap16(b, (guint)(extlen + plen));  /* payload length */
    ap8(b, first_nh);
    ap8(b, 64);                       /* hop limit */
    apmem(b, src, 16);
    apmem(b, dst, 16);
    apmem(b, ext, extlen);
    apmem(b, pl, plen);
    return b;
}

/* IPv6 extension headers used by the segment builder. */
enum { EXT_END = 0, EXT_HBH, EXT_DSTOPT, EXT_RH0, EXT_SRH };

static guint
ext_code(int e)
{
    switch (e) {
    case EXT_HBH: return P_HOPOPT;
    case EXT_DSTOPT: return P_DSTOPTS;
    case EXT_RH0: case EXT_SRH: return P_ROUTING;
    default: g_error("bad ext"); return 0;
    }
}

/* ------------------------------------------------------------------ */
/* Transport segment builder                                           */
/* ------------------------------------------------------------------ */

/* TCP option sets. */
enum { TOPT_TS = 0, TOPT_NONE, TOPT_SYN, TOPT_SYNACK };

typedef enum {
    CS_GOOD,     /* correct checksum */
    CS_BAD,      /* wrong checksum */
    CS_ZERO,     /* field 0 (UDP "no checksum") */
    CS_PARTIAL,  /* folded pseudo-header sum, as left by checksum offload */
    CS_FFFF      /* UDP: payload crafted so the checksum computes to 0 */
} CsMode;

/* SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7 (20 B). */
static const guint8 OPT_SYN[20] = {
    2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x00, 0x01, 0x02, 0x03,
    0, 0, 0, 0, 1, 3, 3, 7 };
static const guint8 OPT_SYNACK[20] = {
    2, 4, 0x05, 0xa0, 4, 2, 8, 10, 0x0a, 0x0b, 0x0c, 0x0d,
    0x00, 0x01, 0x02, 0x03, 1, 3, 3, 9 };
/* NOP NOP timestamps (12 B). */
static const guint8 OPT_TS[12] = {
    1, 1, 8, 10, 0x00, 0x01, 0x02, 0x10, 0x0a, 0x0b, 0x0c, 0x0d };
static void
tcp_options(int which, const guint8 **opt, gsize *len)
{
    switch (which) {
    case TOPT_TS: *opt = OPT_TS; *len = sizeof OPT_TS; break;
    case TOPT_SYN: *opt = OPT_SYN; *len = sizeof OPT_SYN; break;
    case TOPT_SYNACK: *opt = OPT_SYNACK; *len = sizeof OPT_SYNACK; break;
    default: *opt = NULL; *len = 0; break;
    }
    g_assert(*len % 4 == 0 && *len <= 40);
}

typedef struct {
    int fam;                    /* 4 or 6 */
    guint proto;                /* P_UDP or P_TCP */
    const char *src, *dst;      /* IP header addresses */
    guint16 sport, dport;
    gsize plen;                 /* payload bytes (PRNG content) */
    guint8 flags;               /* TCP flags */
    int topt;                   /* TCP options: TOPT_* (default NOP NOP TS) */
    guint16 urg;                /* TCP urgent pointer */
    CsMode cs;
    const guint8 *ipopt;        /* IPv4 options, length multiple of 4 */
    gsize ipoptlen;
    gboolean bad_ip_hdr_sum;    /* IPv4 header checksum wrong */
    int ext[4];                 /* IPv6 extension headers, EXT_END-terminated */
    const char *rh[3];          /* routing header addresses (RH0 / SRH order) */
    int nrh;
    int segleft;
    gboolean fixed_seq;         /* TCP: use seq and ack below, not the PRNG */
    guint32 seq, ack;
} SegSpec;

typedef struct {
    GByteArray *ip;             /* the IP packet */
    gsize l4off;                /* offset of the transport header in ip */
    int fam;
    guint proto;
    guint8 src[16], pdst[16];   /* pseudo-header addresses */
    guint16 computed;           /* what the field should hold */
    guint16 stored;             /* what the field holds */
    Truth t;
} Built;

/* Build the IPv6 extension header chain of s; returns the first next-header
 * value and stores the pseudo-header destination in pdst. */
static GByteArray *
build_ext_chain(const SegSpec *s, guint *first_nh, guint8 pdst[16])
{
    GByteArray *b = g_byte_array_new();
    int n = 0;
    while (n < 4 && s->ext[n] != EXT_END)
        n++;
    *first_nh = n ? ext_code(s->ext[0]) : s->proto;
    for (int i = 0; i < n; i++) {
        guint nh = (i + 1 < n) ? ext_code(s->ext[i + 1]) : s->proto;
        switch (s->ext[i]) {
        case EXT_HBH:           /* Router Alert + PadN(0) = 8 bytes */
            ap8(b, nh); ap8(b, 0);
            ap8(b, 5); ap8(b, 2); ap16(b, 0);
            ap8(b, 1); ap8(b, 0);
            break;
        case EXT_DSTOPT:        /* PadN(4) = 8 bytes */
            ap8(b, nh); ap8(b, 0);
            ap8(b, 1); ap8(b, 4); ap32(b, 0);
            break;
        case EXT_RH0:           /* RFC 2460 type 0: final destination last */
        case EXT_SRH: {         /* RFC 8754 type 4: final destination is [0] */
            gboolean srh = s->ext[i] == EXT_SRH;
            g_assert(s->nrh > 0 && s->nrh <= 3 && s->segleft > 0);
            ap8(b, nh);
            ap8(b, (guint)(2 * s->nrh));
            ap8(b, srh ? 4 : 0);
            ap8(b, (guint)s->segleft);
            if (srh) {
                ap8(b, (guint)(s->nrh - 1));  /* last entry */
                ap8(b, 0);                    /* flags */
                ap16(b, 0);                   /* tag */
            } else {
                ap32(b, 0);                   /* reserved */
            }
            for (int k = 0; k < s->nrh; k++) {
                guint8 a[16];
                parse_addr(6, s->rh[k], a);
                apmem(b, a, 16);
            }
            parse_addr(6, s->rh[srh ? 0 : s->nrh - 1], pdst);
            break;
        }
        default:
            g_error("bad ext");
        }
    }
    return b;
}

static void
build_seg(const SegSpec *s, Built *out)
{
    guint8 hdst[16];
    memset(out, 0, sizeof *out);
    out->fam = s->fam;
    out->proto = s->proto;
    parse_addr(s->fam, s->src, out->src);
    parse_addr(s->fam, s->dst, hdst);
    memcpy(out->pdst, hdst, 16);

    GByteArray *ext = NULL;
    guint first_nh = s->proto;
    if (s->fam == 6)
        ext = build_ext_chain(s, &first_nh, out->pdst);

    /* Transport header + payload, checksum field zero. */
    GByteArray *seg = g_byte_array_new();
    gsize hl, cso;
    if (s->proto == P_UDP) {
        hl = 8;
        cso = 6;
        ap16(seg, s->sport);
        ap16(seg, s->dport);
        ap16(seg, (guint)(8 + s->plen));
        ap16(seg, 0);
    } else {
        const guint8 *opt = NULL;
        gsize optlen = 0;
        tcp_options(s->topt, &opt, &optlen);
        hl = 20 + optlen;
        cso = 16;
        guint32 seq = s->fixed_seq ? s->seq : rng_next();
        guint32 ack = s->fixed_seq ? s->ack
                                   : (s->flags & TH_ACK) ? rng_next() : 0;
        ap16(seg, s->sport);
        ap16(seg, s->dport);
        ap32(seg, seq);
        ap32(seg, ack);
        ap8(seg, (guint)((hl / 4) << 4));
        ap8(seg, s->flags);
        ap16(seg, 64240);
        ap16(seg, 0);
        ap16(seg, s->urg);
        apmem(seg, opt, optlen);
    }
    aprand(seg, s->plen);

    if (s->cs == CS_FFFF) {
        /* Choose payload word 0 so the one's complement sum is 0xffff and
         * the checksum therefore computes to 0 (sent as 0xffff). */
        g_assert(s->proto == P_UDP && s->plen >= 2);
        set16(seg, 8, 0);
        guint16 c = l4_checksum(s->fam, out->src, out->pdst, s->proto,
                                seg->data, seg->len, cso);
        guint sum = (guint)(~c & 0xffff);
        set16(seg, 8, sum == 0xffff ? 0 : 0xffff - sum);
    }

    guint16 computed = l4_checksum(s->fam, out->src, out->pdst, s->proto,
                                   seg->data, seg->len, cso);
    if (s->proto == P_UDP && computed == 0)
        computed = 0xffff;
    if (s->cs == CS_FFFF)
        g_assert(computed == 0xffff);
    guint16 partial = pseudo_partial(s->fam, out->src, out->pdst, s->proto,
                                     seg->len);
    guint16 stored = computed;
    switch (s->cs) {
    case CS_GOOD: case CS_FFFF: stored = computed; break;
    case CS_BAD: stored = bad_value(computed, partial); break;
    case CS_ZERO: g_assert(s->proto == P_UDP); stored = 0; break;
    case CS_PARTIAL:
        stored = partial;
        g_assert(partial != computed && partial != 0);
        break;
    }
    set16(seg, cso, stored);
    out->computed = computed;
    out->stored = stored;

    if (s->fam == 4) {
        out->ip = ipv4_packet(out->src, hdst, s->proto, s->ipopt, s->ipoptlen,
                              s->proto == P_TCP ? IP_DF : 0,
                              seg->data, seg->len, s->bad_ip_hdr_sum);
        out->l4off = 20 + s->ipoptlen;
    } else {
        out->ip = ipv6_packet(out->src, hdst, first_nh, ext->data, ext->len,
                              seg->data, seg->len);
        out->l4off = 40 + ext->len;
        g_byte_array_unref(ext);
    }

    g_assert(get16(out->ip, out->l4off + cso) == stored);

    Truth *t = &out->t;
    TSET(t, kind, "segment");
    TSET(t, family, "%s", s->fam == 4 ? "ipv4" : "ipv6");
    TSET(t, proto, "%s", s->proto == P_UDP ? "udp" : "tcp");
    fmt_addr(s->fam, out->src, t->src, sizeof t->src);
    fmt_addr(s->fam, hdst, t->dst, sizeof t->dst);
    TSET(t, sport, "%u", s->sport);
    TSET(t, dport, "%u", s->dport);
    TSET(t, length, "%u", seg->len);
    TSET(t, payload, "%" G_GSIZE_FORMAT, s->plen);
    TSET(t, checksum, "0x%04x", stored);
    TSET(t, computed, "0x%04x", computed);
    if (s->proto == P_TCP)
        flags_string(s->flags, t->flags, sizeof t->flags);
    else
        TSET(t, flags, "-");
    switch (s->cs) {
    case CS_GOOD: case CS_FFFF: truth_status(t, "good", "-"); break;
    case CS_BAD: truth_status(t, "bad", "mismatch"); break;
    case CS_PARTIAL: truth_status(t, "partial", "-"); break;
    case CS_ZERO:
        if (s->fam == 4)
            truth_status(t, "absent", "-");
        else
            truth_status(t, "bad", "zero-ipv6");
        break;
    }
    g_byte_array_unref(seg);
}

/* Recompute the transport checksum of b over the first seglen bytes of the
 * transport segment, with a pseudo-header length of seglen. */
static guint16
recompute(const Built *b, gsize seglen)
{
    g_assert(b->l4off + seglen <= b->ip->len);
    return l4_checksum(b->fam, b->src, b->pdst, b->proto,
                       b->ip->data + b->l4off, seglen,
                       b->proto == P_UDP ? 6 : 16);
}

/* Rewrite the IP length field after the packet bytes changed size. */
static void
ip_set_length(Built *b, gsize total)
{
    if (b->fam == 4) {
        set16(b->ip, 2, (guint)total);
        ipv4_fix_header_checksum(b->ip, FALSE);
    } else {
        set16(b->ip, 4, (guint)(total - 40));
    }
}

/* ------------------------------------------------------------------ */
/* Other packets: ICMP, ICMPv6, ARP                                    */
/* ------------------------------------------------------------------ */

static GByteArray *
icmp_echo_v4(const char *src, const char *dst)
{
    guint8 s[16], d[16];
    parse_addr(4, src, s);
    parse_addr(4, dst, d);
    GByteArray *m = g_byte_array_new();
    ap8(m, 8); ap8(m, 0); ap16(m, 0); ap16(m, 0x4242); ap16(m, 1);
    aprand(m, 32);
    set16(m, 2, inet_cksum(m->data, m->len));
    GByteArray *ip = ipv4_packet(s, d, P_ICMP, NULL, 0, 0, m->data, m->len,
                                 FALSE);
    g_byte_array_unref(m);
    return ip;
}

static GByteArray *
icmp6_echo(const char *src, const char *dst)
{
    guint8 s[16], d[16];
    parse_addr(6, src, s);
    parse_addr(6, dst, d);
    GByteArray *m = g_byte_array_new();
    ap8(m, 128); ap8(m, 0); ap16(m, 0); ap16(m, 0x4243); ap16(m, 1);
    aprand(m, 32);
    set16(m, 2, l4_checksum(6, s, d, P_ICMPV6, m->data, m->len, 2));
    GByteArray *ip = ipv6_packet(s, d, P_ICMPV6, NULL, 0, m->data, m->len);
    g_byte_array_unref(m);
    return ip;
}

static const guint8 MAC_A[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
static const guint8 MAC_B[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 };

static GByteArray *
arp_request(void)
{
    guint8 spa[16], tpa[16];
    parse_addr(4, "192.0.2.1", spa);
    parse_addr(4, "192.0.2.2", tpa);
    GByteArray *b = g_byte_array_new();
    ap16(b, 1); ap16(b, ETH_IPV4); ap8(b, 6); ap8(b, 4); ap16(b, 1);
    apmem(b, MAC_A, 6); apmem(b, spa, 4);
    apzero(b, 6); apmem(b, tpa, 4);
    return b;
}

/* ------------------------------------------------------------------ */
/* Link layer                                                          */
/* ------------------------------------------------------------------ */

enum { PAD_ZERO, PAD_NONZERO };

/* Ethernet II frame with optional stacked tags (tags: tpid,tci pairs,
 * outermost first), padded to the 60-byte minimum.  Consumes payload. */
static GByteArray *
eth_frame(const guint16 *tags, int ntags, guint ethertype,
          GByteArray *payload, int pad)
{
    GByteArray *f = g_byte_array_new();
    apmem(f, MAC_B, 6);
    apmem(f, MAC_A, 6);
    for (int i = 0; i < ntags; i++) {
        ap16(f, tags[2 * i]);
        ap16(f, tags[2 * i + 1]);
    }
    ap16(f, ethertype);
    f = concat_free(f, payload);
    for (guint i = 0; f->len < 60; i++)
        ap8(f, pad == PAD_ZERO ? 0 : 0xa5 ^ (i * 0x11));
    return f;
}

static guint
ethertype_of(int fam)
{
    return fam == 4 ? ETH_IPV4 : ETH_IPV6;
}

static GByteArray *
sll_frame(guint pkttype, guint proto, GByteArray *payload)
{
    GByteArray *f = g_byte_array_new();
    ap16(f, pkttype);
    ap16(f, 1);           /* ARPHRD_ETHER */
    ap16(f, 6);           /* address length */
    apmem(f, MAC_A, 6);
    apzero(f, 2);
    ap16(f, proto);
    return concat_free(f, payload);
}

static GByteArray *
sll2_frame(guint pkttype, guint proto, GByteArray *payload)
{
    GByteArray *f = g_byte_array_new();
    ap16(f, proto);
    ap16(f, 0);           /* reserved */
    ap32(f, 2);           /* interface index */
    ap16(f, 1);           /* ARPHRD_ETHER */
    ap8(f, pkttype);
    ap8(f, 6);            /* address length */
    apmem(f, MAC_A, 6);
    apzero(f, 2);
    return concat_free(f, payload);
}

static GByteArray *
null_frame(guint32 af, gboolean be, GByteArray *payload)
{
    GByteArray *f = g_byte_array_new();
    put32e(f, af, be);
    return concat_free(f, payload);
}

/* ------------------------------------------------------------------ */
/* Captures                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
    GByteArray *data;   /* captured bytes */
    guint32 len;        /* original length */
    guint32 sec, nsec;
    guint iface;        /* pcapng: the interface (Cap.ifs) it came on */
    Truth t;
} Rec;

/* A pcapng interface: its link type and snapshot length. */
typedef struct {
    guint32 linktype, snaplen;
    guint before;       /* its IDB goes before this record */
} Iface;

typedef struct {
    guint32 linktype, snaplen;
    GPtrArray *recs;
    Iface ifs[4];       /* pcapng of several interfaces (n_ifs > 0);
                         * else one, of linktype and snaplen */
    guint n_ifs;
    guint iface;        /* the interface cap_add* frames come on */
} Cap;

static Cap *
cap_new(guint32 linktype, guint32 snaplen)
{
    Cap *c = g_new0(Cap, 1);
    c->linktype = linktype;
    c->snaplen = snaplen;
    c->recs = g_ptr_array_new();
    return c;
}

/* Add a frame.  caplen 0 means "all of it"; origlen 0 means frame->len. */
static void
cap_add_full(Cap *c, GByteArray *frame, guint32 caplen, guint32 origlen,
             const Truth *t)
{
    Rec *r = g_new0(Rec, 1);
    guint i = c->recs->len;
    r->len = origlen ? origlen : frame->len;
    if (caplen && caplen < frame->len)
        g_byte_array_set_size(frame, caplen);
    g_assert(frame->len <= r->len && frame->len <= c->snaplen);
    g_assert(!c->n_ifs || frame->len <= c->ifs[c->iface].snaplen);
    r->data = frame;
    r->iface = c->iface;
    r->sec = TS_BASE + i;
    /* microsecond part i*1001+17, plus non-zero sub-microsecond digits */
    r->nsec = (i * 1001 + 17) * 1000 + (i * 7 + 321) % 1000;
    r->t = *t;
    g_ptr_array_add(c->recs, r);
}

static void
cap_add(Cap *c, GByteArray *frame, const Truth *t)
{
    cap_add_full(c, frame, 0, 0, t);
}

static void
cap_add_skip(Cap *c, GByteArray *frame)
{
    Truth t;
    truth_skip(&t);
    cap_add(c, frame, &t);
}

/* Common: wrap a built segment in Ethernet and add it. */
static void
add_eth(Cap *c, Built *b, int pad)
{
    cap_add(c, eth_frame(NULL, 0, ethertype_of(b->fam), b->ip, pad), &b->t);
}

static void
add_seg_eth(Cap *c, const SegSpec *s)
{
    Built b;
    build_seg(s, &b);
    add_eth(c, &b, PAD_ZERO);
}

/* ------------------------------------------------------------------ */
/* File writers                                                        */
/* ------------------------------------------------------------------ */

typedef enum { F_PCAP_US, F_PCAP_NS, F_PCAP_BE_US, F_PCAPNG, F_PCAPNG_BE } Format;

static GByteArray *
serialize_pcap(const Cap *c, gboolean be, gboolean nsec, guint nrecs)
{
    GByteArray *b = g_byte_array_new();
    put32e(b, nsec ? 0xa1b23c4du : 0xa1b2c3d4u, be);
    put16e(b, 2, be);
    put16e(b, 4, be);
    put32e(b, 0, be);           /* thiszone */
    put32e(b, 0, be);           /* sigfigs */
    put32e(b, c->snaplen, be);
    put32e(b, c->linktype, be);
    for (guint i = 0; i < nrecs; i++) {
        const Rec *r = g_ptr_array_index(c->recs, i);
        put32e(b, r->sec, be);
        put32e(b, nsec ? r->nsec : r->nsec / 1000, be);
        put32e(b, r->data->len, be);
        put32e(b, r->len, be);
        apmem(b, r->data->data, r->data->len);
    }
    return b;
}

static void
pcapng_option(GByteArray *b, guint code, const char *val, gboolean be)
{
    gsize n = strlen(val);
    put16e(b, code, be);
    put16e(b, (guint)n, be);
    apmem(b, val, n);
    apzero(b, (4 - n % 4) % 4);
}

/* Finish a block started at offset start: append trailing total length and
 * patch the leading one. */
static void
pcapng_close_block(GByteArray *b, gsize start, gboolean be)
{
    guint32 total = (guint32)(b->len - start + 4);
    put32e(b, total, be);
    GByteArray *tmp = g_byte_array_new();
    put32e(tmp, total, be);
    memcpy(b->data + start + 4, tmp->data, 4);
    g_byte_array_unref(tmp);
}

static GByteArray *
serialize_pcapng(const Cap *c, gboolean be)
{
    GByteArray *b = g_byte_array_new();
    gsize start;

    /* Section Header Block */
    start = b->len;
    put32e(b, 0x0a0d0d0au, be);
    put32e(b, 0, be);
    put32e(b, 0x1a2b3c4du, be);
    put16e(b, 1, be);
    put16e(b, 0, be);
    put32e(b, 0xffffffffu, be);  /* section length -1 (64 bits) */
    put32e(b, 0xffffffffu, be);
    pcapng_option(b, 4, "demuxsim gencap", be);  /* shb_userappl */
    put32e(b, 0, be);                            /* opt_endofopt */
    pcapng_close_block(b, start, be);

    /* Interface Description Blocks (if_tsresol absent: microseconds) */
    Iface one = { c->linktype, c->snaplen, 0 };
    const Iface *ifs = c->n_ifs ? c->ifs : &one;
    guint n_ifs = c->n_ifs ? c->n_ifs : 1, next_if = 0;

    /* Enhanced Packet Blocks, each interface's IDB before its frames */
    for (guint i = 0; i <= c->recs->len; i++) {
        for (; next_if < n_ifs && ifs[next_if].before <= i; next_if++) {
            char name[8];
            g_snprintf(name, sizeof name, "eth%u", next_if);
            start = b->len;
            put32e(b, 1, be);
            put32e(b, 0, be);
            put16e(b, ifs[next_if].linktype, be);
            put16e(b, 0, be);
            put32e(b, ifs[next_if].snaplen, be);
            pcapng_option(b, 2, name, be);       /* if_name */
            put32e(b, 0, be);
            pcapng_close_block(b, start, be);
        }
        if (i == c->recs->len)
            break;
        const Rec *r = g_ptr_array_index(c->recs, i);
        g_assert(r->iface < next_if);
        guint64 ts = (guint64)r->sec * 1000000u + r->nsec / 1000;
        start = b->len;
        put32e(b, 6, be);
        put32e(b, 0, be);
        put32e(b, r->iface, be);                 /* interface id */
        put32e(b, (guint32)(ts >> 32), be);
        put32e(b, (guint32)(ts & 0xffffffffu), be);
        put32e(b, r->data->len, be);
        put32e(b, r->len, be);
        apmem(b, r->data->data, r->data->len);
        apzero(b, (4 - r->data->len % 4) % 4);
        if (i == 0) {
            pcapng_option(b, 1, "first frame", be);  /* opt_comment */
            put32e(b, 0, be);
        }
        pcapng_close_block(b, start, be);
    }
    return b;
}

static void
write_bytes(const char *outdir, const char *name, const guint8 *p, gsize n)
{
    char *path = g_build_filename(outdir, name, NULL);
    GError *err = NULL;
    if (!g_file_set_contents(path, (const char *)p, (gssize)n, &err))
        g_error("%s: %s", path, err->message);
    g_free(path);
}

static void
write_truth(const char *outdir, const char *name, const Cap *c, guint nrecs)
{
    GString *s = g_string_new(TRUTH_HEADER);
    for (guint i = 0; i < nrecs; i++) {
        const Rec *r = g_ptr_array_index(c->recs, i);
        char *line = truth_line(i + 1, &r->t);
        g_string_append(s, line);
        g_free(line);
    }
    char *tname = g_strconcat(name, ".truth.tsv", NULL);
    write_bytes(outdir, tname, (const guint8 *)s->str, s->len);
    g_free(tname);
    g_string_free(s, TRUE);
}

/* Write capture c (first nrecs records, 0 = all) as name in format fmt,
 * with its truth file if with_truth, and describe it on stdout. */
static void
emit(const char *outdir, const char *name, const Cap *c, Format fmt,
     guint nrecs, gboolean with_truth, const char *desc)
{
    if (nrecs == 0 || nrecs > c->recs->len)
        nrecs = c->recs->len;
    GByteArray *b = NULL;
    switch (fmt) {
    case F_PCAP_US: b = serialize_pcap(c, FALSE, FALSE, nrecs); break;
    case F_PCAP_NS: b = serialize_pcap(c, FALSE, TRUE, nrecs); break;
    case F_PCAP_BE_US: b = serialize_pcap(c, TRUE, FALSE, nrecs); break;
    case F_PCAPNG: b = serialize_pcapng(c, FALSE); break;
    case F_PCAPNG_BE: b = serialize_pcapng(c, TRUE); break;
    }
    write_bytes(outdir, name, b->data, b->len);
    g_byte_array_unref(b);
    if (with_truth)
        write_truth(outdir, name, c, nrecs);
    printf("%s: %s (%u frames%s)\n", name, desc, nrecs,
           with_truth ? ", truth in .truth.tsv" : "");
}

static void
cap_free(Cap *c)
{
    for (guint i = 0; i < c->recs->len; i++) {
        Rec *r = g_ptr_array_index(c->recs, i);
        g_byte_array_unref(r->data);
        g_free(r);
    }
    g_ptr_array_unref(c->recs);
    g_free(c);
}

/* ------------------------------------------------------------------ */
/* Test data                                                           */
/* ------------------------------------------------------------------ */

#define V4A "192.0.2.10"
#define V4B "198.51.100.20"
#define V4C "10.1.2.3"
#define V4D "10.200.0.4"
#define V6A "2001:db8::10"
#define V6B "2001:db8:0:1::20"
#define V6C "2001:db8:0:0:1:0:0:1"   /* printed as 2001:db8::1:0:0:1 */
#define V6D "fe80::2aa:ff:fe28:9c5a"

/* IPv4 Router Alert (4 B -> IHL 6). */
static const guint8 IPOPT_RA[4] = { 0x94, 4, 0, 0 };
/* IPv4 NOP + Record Route with 2 slots (12 B -> IHL 8). */
static const guint8 IPOPT_RR2[12] = { 1, 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0 };
/* IPv4 NOP + Record Route with 5 slots (24 B -> IHL 11). */
static const guint8 IPOPT_RR5[24] = { 1, 7, 23, 4 };

#define UDP4(s_, d_, sp, dp, n) \
    .fam = 4, .proto = P_UDP, .src = (s_), .dst = (d_), .sport = (sp), \
    .dport = (dp), .plen = (n)
#define UDP6(s_, d_, sp, dp, n) \
    .fam = 6, .proto = P_UDP, .src = (s_), .dst = (d_), .sport = (sp), \
    .dport = (dp), .plen = (n)
#define TCP4(s_, d_, sp, dp, fl, n) \
    .fam = 4, .proto = P_TCP, .src = (s_), .dst = (d_), .sport = (sp), \
    .dport = (dp), .flags = (fl), .plen = (n)
#define TCP6(s_, d_, sp, dp, fl, n) \
    .fam = 6, .proto = P_TCP, .src = (s_), .dst = (d_), .sport = (sp), \
    .dport = (dp), .flags = (fl), .plen = (n)

/* checksums.pcap: every checksum status over Ethernet. */
static Cap *
gen_checksums(void)
{
    reset_generators(0xc0ffee01u);
    Cap *c = cap_new(LT_ETHERNET, 65535);

    /* 1-2: good UDP */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 43000, 40053, 32) });
    add_seg_eth(c, &(SegSpec){ UDP6(V6A, V6B, 43001, 40053, 40) });
    /* 3-9: TCP v4 handshake, data, teardown, flags */
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 40000, 80, TH_SYN, 0),
                               .topt = TOPT_SYN });
    add_seg_eth(c, &(SegSpec){ TCP4(V4D, V4C, 80, 40000, TH_SYN | TH_ACK, 0),
                               .topt = TOPT_SYNACK });
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 40000, 80, TH_ACK, 0) });
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 40000, 80, TH_PSH | TH_ACK, 100) });
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 40000, 80, TH_FIN | TH_ACK, 0) });
    add_seg_eth(c, &(SegSpec){ TCP4(V4D, V4C, 80, 40000, TH_RST, 0),
                               .topt = TOPT_NONE });
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 40001, 80,
                                    TH_ACK | TH_PSH | TH_URG | TH_ECE | TH_CWR, 16),
                               .urg = 4 });
    /* 10-11: good TCP v6 */
    add_seg_eth(c, &(SegSpec){ TCP6(V6A, V6B, 40002, 443, TH_PSH | TH_ACK, 64) });
    add_seg_eth(c, &(SegSpec){ TCP6(V6B, V6A, 443, 40002, TH_SYN, 0),
                               .topt = TOPT_SYN });
    /* 12-15: odd-length payloads */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 45000, 45001, 37) });
    add_seg_eth(c, &(SegSpec){ UDP6(V6C, V6A, 45002, 45003, 51) });
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 40000, 80, TH_PSH | TH_ACK, 23) });
    add_seg_eth(c, &(SegSpec){ TCP6(V6A, V6C, 40003, 22, TH_PSH | TH_ACK, 45) });
    /* 16-19: mismatches */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 46000, 46001, 20), .cs = CS_BAD });
    add_seg_eth(c, &(SegSpec){ UDP6(V6A, V6B, 46002, 46003, 21), .cs = CS_BAD });
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 40004, 80, TH_PSH | TH_ACK, 30),
                               .cs = CS_BAD });
    add_seg_eth(c, &(SegSpec){ TCP6(V6B, V6A, 40005, 80, TH_PSH | TH_ACK, 31),
                               .cs = CS_BAD });
    /* 20-21: zero UDP checksum */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 41000, 41001, 24), .cs = CS_ZERO });
    add_seg_eth(c, &(SegSpec){ UDP6(V6A, V6B, 41002, 41003, 24), .cs = CS_ZERO });
    /* 22-23: checksum computes to 0, transmitted as 0xffff */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 48000, 48001, 18), .cs = CS_FFFF });
    add_seg_eth(c, &(SegSpec){ UDP6(V6A, V6B, 48002, 48003, 18), .cs = CS_FFFF });
    /* 24-26: checksum offload (partial) */
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 40006, 80, TH_PSH | TH_ACK, 40),
                               .cs = CS_PARTIAL });
    add_seg_eth(c, &(SegSpec){ TCP6(V6A, V6B, 40007, 80, TH_PSH | TH_ACK, 41),
                               .cs = CS_PARTIAL });
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 49000, 49001, 42), .cs = CS_PARTIAL });
    /* 27-28: Ethernet padding with non-zero bytes (odd UDP payload; TCP
     * whose length comes only from the IP header) */
    {
        Built b;
        build_seg(&(SegSpec){ UDP4(V4A, V4B, 10000, 10001, 3) }, &b);
        add_eth(c, &b, PAD_NONZERO);
        build_seg(&(SegSpec){ TCP4(V4C, V4D, 40000, 80, TH_ACK, 0),
                              .topt = TOPT_NONE }, &b);
        add_eth(c, &b, PAD_NONZERO);
    }
    /* 29-30: IPv4 options */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 11000, 11001, 25),
                               .ipopt = IPOPT_RA, .ipoptlen = 4 });
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 40008, 80, TH_PSH | TH_ACK, 26),
                               .ipopt = IPOPT_RR2, .ipoptlen = 12 });
    /* 31: bad IPv4 header checksum, good UDP */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 12000, 12001, 27),
                               .bad_ip_hdr_sum = TRUE });
    /* 32-33: IPv6 hop-by-hop + destination options */
    add_seg_eth(c, &(SegSpec){ UDP6(V6A, V6B, 13000, 13001, 28),
                               .ext = { EXT_HBH, EXT_DSTOPT } });
    add_seg_eth(c, &(SegSpec){ TCP6(V6A, V6B, 40009, 80, TH_PSH | TH_ACK, 29),
                               .ext = { EXT_HBH } });
    /* 34: routing header type 0, segments left 2: pseudo-header uses the
     * last address.  35: SRH (type 4), segments left 1: pseudo-header uses
     * Segment List[0] (RFC 8754 keeps the list in reverse order). */
    add_seg_eth(c, &(SegSpec){ UDP6(V6A, "2001:db8:ff::1", 14000, 14001, 30),
                               .ext = { EXT_HBH, EXT_RH0, EXT_DSTOPT },
                               .rh = { "2001:db8:ff::2", "2001:db8:99::99" },
                               .nrh = 2, .segleft = 2 });
    add_seg_eth(c, &(SegSpec){ UDP6(V6A, "2001:db8:ff::3", 14002, 14003, 31),
                               .ext = { EXT_SRH },
                               .rh = { "2001:db8:99::98", "2001:db8:ff::3" },
                               .nrh = 2, .segleft = 1 });
    /* 36-38: not UDP/TCP */
    cap_add_skip(c, eth_frame(NULL, 0, ETH_ARP, arp_request(), PAD_ZERO));
    cap_add_skip(c, eth_frame(NULL, 0, ETH_IPV4, icmp_echo_v4(V4A, V4B), PAD_ZERO));
    cap_add_skip(c, eth_frame(NULL, 0, ETH_IPV6, icmp6_echo(V6A, V6B), PAD_ZERO));
    return c;
}

/* malformed.pcap: headers that lie, fragments, bad IP header. */
static Cap *
gen_malformed(void)
{
    reset_generators(0xc0ffee02u);
    Cap *c = cap_new(LT_ETHERNET, 65535);
    Built b;

    /* 1-2: UDP length larger than the IP payload */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 20000, 20001, 20) }, &b);
    set16(b.ip, b.l4off + 4, 100);
    TSET(&b.t, length, "100");
    TSET(&b.t, payload, "-");
    TSET(&b.t, computed, "-");
    truth_status(&b.t, "unverified", "malformed");
    add_eth(c, &b, PAD_ZERO);
    build_seg(&(SegSpec){ UDP6(V6A, V6B, 20002, 20003, 20) }, &b);
    set16(b.ip, b.l4off + 4, 100);
    TSET(&b.t, length, "100");
    TSET(&b.t, payload, "-");
    TSET(&b.t, computed, "-");
    truth_status(&b.t, "unverified", "malformed");
    add_eth(c, &b, PAD_ZERO);

    /* 3: UDP length 4 */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 20004, 20005, 12) }, &b);
    set16(b.ip, b.l4off + 4, 4);
    TSET(&b.t, length, "4");
    TSET(&b.t, payload, "-");
    TSET(&b.t, computed, "-");
    truth_status(&b.t, "unverified", "malformed");
    add_eth(c, &b, PAD_ZERO);

    /* 4: TCP data offset 15 (60 bytes) but only 28 bytes of IP payload;
     * checksum over the real IP payload, stored value wrong. */
    build_seg(&(SegSpec){ TCP4(V4C, V4D, 40100, 80, TH_PSH | TH_ACK, 8),
                          .topt = TOPT_NONE }, &b);
    b.ip->data[b.l4off + 12] = 0xf0;
    {
        gsize seglen = b.ip->len - b.l4off;
        guint16 comp = recompute(&b, seglen);
        guint16 part = pseudo_partial(4, b.src, b.pdst, P_TCP, (guint32)seglen);
        guint16 st = bad_value(comp, part);
        set16(b.ip, b.l4off + 16, st);
        TSET(&b.t, checksum, "0x%04x", st);
        TSET(&b.t, computed, "0x%04x", comp);
        TSET(&b.t, length, "%" G_GSIZE_FORMAT, seglen);
        TSET(&b.t, payload, "-");
        truth_status(&b.t, "bad", "mismatch");
    }
    add_eth(c, &b, PAD_ZERO);

    /* 5: IPv4 total length larger than the frame, frame not truncated
     * (caplen == len).  TCP: checksum over the 50 bytes present, with a
     * pseudo-header length of 50; the stored value is the one for the full
     * 120-byte segment, so it mismatches. */
    build_seg(&(SegSpec){ TCP4(V4C, V4D, 40101, 80, TH_PSH | TH_ACK, 100),
                          .topt = TOPT_NONE }, &b);
    g_byte_array_set_size(b.ip, (guint)(b.l4off + 50));
    {
        guint16 comp = recompute(&b, 50);
        g_assert(comp != b.stored);
        TSET(&b.t, computed, "0x%04x", comp);
        TSET(&b.t, length, "50");
        TSET(&b.t, payload, "30");
        truth_status(&b.t, "bad", "mismatch");
    }
    add_eth(c, &b, PAD_ZERO);

    /* 6: same with UDP: unverified, malformed */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 20006, 20007, 100) }, &b);
    g_byte_array_set_size(b.ip, (guint)(b.l4off + 38));
    TSET(&b.t, payload, "-");
    TSET(&b.t, computed, "-");
    truth_status(&b.t, "unverified", "malformed");
    add_eth(c, &b, PAD_ZERO);

    /* 7: IPv4 IHL 4 (< 5): skipped, bad IP header */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 20008, 20009, 16) }, &b);
    b.ip->data[0] = 0x44;
    cap_add_skip(c, eth_frame(NULL, 0, ETH_IPV4, b.ip, PAD_ZERO));

    /* 8: IPv4 first fragment (MF, offset 0) of a 208-byte UDP datagram */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 20010, 20011, 200) }, &b);
    g_byte_array_set_size(b.ip, (guint)(b.l4off + 104));
    set16(b.ip, 6, IP_MF);
    ip_set_length(&b, b.ip->len);
    TSET(&b.t, computed, "-");
    truth_status(&b.t, "unverified", "fragment");
    add_eth(c, &b, PAD_ZERO);

    /* 9: IPv6 first fragment (fragment header, M=1, offset 0) */
    {
        Built full;
        build_seg(&(SegSpec){ UDP6(V6A, V6B, 20012, 20013, 200) }, &full);
        guint8 dst[16];
        parse_addr(6, V6B, dst);
        GByteArray *fr = g_byte_array_new();
        ap8(fr, P_UDP); ap8(fr, 0);
        ap16(fr, (0 << 3) | 1);          /* offset 0, M = 1 */
        ap32(fr, 0xabcd0001u);
        apmem(fr, full.ip->data + full.l4off, 104);
        GByteArray *ip = ipv6_packet(full.src, dst, P_FRAGMENT, NULL, 0,
                                     fr->data, fr->len);
        g_byte_array_unref(fr);
        TSET(&full.t, computed, "-");
        truth_status(&full.t, "unverified", "fragment");
        cap_add(c, eth_frame(NULL, 0, ETH_IPV6, ip, PAD_ZERO), &full.t);
        g_byte_array_unref(full.ip);
    }

    /* 10: IPv4 non-first fragment (offset 13*8, MF clear): no transport
     * header, skipped.  Different ID, so it does not reassemble with 8. */
    {
        guint8 s[16], d[16];
        parse_addr(4, V4A, s);
        parse_addr(4, V4B, d);
        GByteArray *pl = g_byte_array_new();
        aprand(pl, 64);
        GByteArray *ip = ipv4_packet(s, d, P_UDP, NULL, 0, 13, pl->data,
                                     pl->len, FALSE);
        g_byte_array_unref(pl);
        cap_add_skip(c, eth_frame(NULL, 0, ETH_IPV4, ip, PAD_ZERO));
    }

    /* 11: IPv6 non-first fragment: skipped */
    {
        guint8 s[16], d[16];
        parse_addr(6, V6A, s);
        parse_addr(6, V6B, d);
        GByteArray *fr = g_byte_array_new();
        ap8(fr, P_UDP); ap8(fr, 0);
        ap16(fr, 13 << 3);               /* offset 13, M = 0 */
        ap32(fr, 0xabcd0002u);
        aprand(fr, 64);
        GByteArray *ip = ipv6_packet(s, d, P_FRAGMENT, NULL, 0, fr->data,
                                     fr->len);
        g_byte_array_unref(fr);
        cap_add_skip(c, eth_frame(NULL, 0, ETH_IPV6, ip, PAD_ZERO));
    }

    /* 12-13: UDP length smaller than the IP payload: checksum over the UDP
     * length only; trailing bytes are not part of the datagram. */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 20014, 20015, 10) }, &b);
    aprand(b.ip, 6);
    ip_set_length(&b, b.ip->len);
    add_eth(c, &b, PAD_ZERO);
    build_seg(&(SegSpec){ UDP6(V6A, V6B, 20016, 20017, 11) }, &b);
    aprand(b.ip, 7);
    ip_set_length(&b, b.ip->len);
    add_eth(c, &b, PAD_ZERO);
    return c;
}

/* Mark a snaplen-cut segment whose transport header starts at frame offset
 * l4 and of which only caplen frame bytes were captured. */
static void
truth_truncate(Truth *t, guint proto, gsize l4, guint32 caplen)
{
    truth_status(t, "unverified", "truncated");
    TSET(t, computed, "-");
    if (proto == P_UDP) {
        if (caplen < l4 + 6) {
            TSET(t, length, "-");
            TSET(t, payload, "-");
        }
        if (caplen < l4 + 8)
            TSET(t, checksum, "-");
    } else {
        if (caplen < l4 + 13)
            TSET(t, payload, "-");
        if (caplen < l4 + 14)
            TSET(t, flags, "-");
        if (caplen < l4 + 18)
            TSET(t, checksum, "-");
    }
}

static void
add_truncated(Cap *c, Built *b, guint32 caplen)
{
    GByteArray *f = eth_frame(NULL, 0, ethertype_of(b->fam), b->ip, PAD_ZERO);
    g_assert(caplen < f->len);
    truth_truncate(&b->t, b->proto, 14 + b->l4off, caplen);
    cap_add_full(c, f, caplen, 0, &b->t);
}

/* truncated.pcap: snaplen 64. */
static Cap *
gen_truncated(void)
{
    reset_generators(0xc0ffee03u);
    Cap *c = cap_new(LT_ETHERNET, 64);
    Built b;

    /* 1: UDP v4, 200-byte payload, header and checksum captured */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 30000, 30001, 200) }, &b);
    add_truncated(c, &b, 64);
    /* 2: TCP v4, header captured, payload cut */
    build_seg(&(SegSpec){ TCP4(V4C, V4D, 40200, 80, TH_PSH | TH_ACK, 300),
                          .topt = TOPT_NONE }, &b);
    add_truncated(c, &b, 64);
    /* 3: TCP v6, header itself cut after 10 bytes */
    build_seg(&(SegSpec){ TCP6(V6A, V6B, 40201, 443, TH_PSH | TH_ACK, 300) }, &b);
    add_truncated(c, &b, 64);
    /* 4: UDP v6, 8-byte header captured, payload cut */
    build_seg(&(SegSpec){ UDP6(V6A, V6B, 30002, 30003, 100) }, &b);
    add_truncated(c, &b, 64);
    /* 5: UDP v4 header cut right after the ports (caplen 38) */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 30004, 30005, 100) }, &b);
    add_truncated(c, &b, 38);
    /* 6: UDP v4 with 24 bytes of IP options: header cut after the length
     * field, checksum field not captured */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 30006, 30007, 100),
                          .ipopt = IPOPT_RR5, .ipoptlen = 24 }, &b);
    add_truncated(c, &b, 64);
    /* 7: small UDP fully captured (caplen == len == 60): good */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 30008, 30009, 8) });
    /* 8: IP datagram entirely captured, only 4 trailing link bytes (e.g.
     * FCS) missing: caplen 64 < len 68 but the checksum is verifiable. */
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 30010, 30011, 22) }, &b);
    {
        GByteArray *f = eth_frame(NULL, 0, ETH_IPV4, b.ip, PAD_ZERO);
        g_assert(f->len == 64);
        cap_add_full(c, f, 0, 68, &b.t);
    }
    return c;
}

/* vlan.pcap: stacked VLAN tags. */
static Cap *
gen_vlan(void)
{
    reset_generators(0xc0ffee04u);
    Cap *c = cap_new(LT_ETHERNET, 65535);
    static const guint16 t1[] = { TPID_8021Q, 100 };
    static const guint16 t2[] = { TPID_8021AD, 200, TPID_8021Q, 100 };
    static const guint16 t3[] = { TPID_9100, 300, TPID_8021AD, 200,
                                  TPID_8021Q, (5u << 13) | 100 };
    static const struct { const guint16 *tags; int n; } st[] = {
        { t1, 1 }, { t2, 2 }, { t3, 3 } };
    for (gsize i = 0; i < G_N_ELEMENTS(st); i++) {
        guint16 p = (guint16)(31000 + 10 * i);
        Built b;
        build_seg(&(SegSpec){ UDP4(V4A, V4B, p, 40053, 33) }, &b);
        cap_add(c, eth_frame(st[i].tags, st[i].n, ETH_IPV4, b.ip, PAD_ZERO), &b.t);
        build_seg(&(SegSpec){ UDP6(V6A, V6B, p + 1, 40053, 34) }, &b);
        cap_add(c, eth_frame(st[i].tags, st[i].n, ETH_IPV6, b.ip, PAD_ZERO), &b.t);
        build_seg(&(SegSpec){ TCP4(V4C, V4D, p + 2, 80, TH_PSH | TH_ACK, 35) }, &b);
        cap_add(c, eth_frame(st[i].tags, st[i].n, ETH_IPV4, b.ip, PAD_ZERO), &b.t);
        build_seg(&(SegSpec){ TCP6(V6A, V6B, p + 3, 80, TH_PSH | TH_ACK, 36) }, &b);
        cap_add(c, eth_frame(st[i].tags, st[i].n, ETH_IPV6, b.ip, PAD_ZERO), &b.t);
    }
    /* ARP inside a single tag: skipped */
    cap_add_skip(c, eth_frame(t1, 1, ETH_ARP, arp_request(), PAD_ZERO));
    return c;
}

/* mixed.pcapng: interfaces of three link types (Ethernet, RAW 101 and
 * LINUX_SLL 113), UDP and TCP on each; the second and third interfaces'
 * IDBs come after the first frames (libpcap refuses the file there). */
static Cap *
gen_mixed(void)
{
    reset_generators(0xc0ffee30u);
    Cap *c = cap_new(LT_ETHERNET, 65535);
    c->n_ifs = 3;
    c->ifs[0] = (Iface){ LT_ETHERNET, 65535, 0 };
    c->ifs[1] = (Iface){ LT_RAW, 65535, 2 };
    c->ifs[2] = (Iface){ LT_LINUX_SLL, 65535, 2 };
    Built b;
    /* 1-2 Ethernet: UDP/IPv4, TCP/IPv4 */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 37000, 40053, 21) });
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 37001, 80, TH_PSH | TH_ACK, 22) });
    /* 3-4 RAW: UDP/IPv6, TCP/IPv4 */
    c->iface = 1;
    build_seg(&(SegSpec){ UDP6(V6A, V6C, 37002, 40053, 23) }, &b);
    cap_add(c, b.ip, &b.t);
    build_seg(&(SegSpec){ TCP4(V4C, V4D, 37003, 80, TH_SYN, 0) }, &b);
    cap_add(c, b.ip, &b.t);
    /* 5-6 SLL: UDP/IPv4, TCP/IPv6 */
    c->iface = 2;
    build_seg(&(SegSpec){ UDP4(V4B, V4A, 37004, 40053, 25) }, &b);
    cap_add(c, sll_frame(0, ethertype_of(b.fam), b.ip), &b.t);
    build_seg(&(SegSpec){ TCP6(V6D, V6A, 37005, 80, TH_PSH | TH_ACK, 26) }, &b);
    cap_add(c, sll_frame(4, ethertype_of(b.fam), b.ip), &b.t);
    /* 7 Ethernet again (after the others): UDP/IPv6; 8 RAW: ICMP, skipped */
    c->iface = 0;
    add_seg_eth(c, &(SegSpec){ UDP6(V6B, V6A, 37006, 40053, 27) });
    c->iface = 1;
    cap_add_skip(c, icmp_echo_v4(V4A, V4B));
    return c;
}

/* mixed-snaplen.pcapng: two Ethernet interfaces, snapshot lengths 65535
 * and 128; a frame on the second is cut to 128 bytes, its checksum not
 * verifiable. */
static Cap *
gen_mixed_snaplen(void)
{
    reset_generators(0xc0ffee31u);
    Cap *c = cap_new(LT_ETHERNET, 65535);
    c->n_ifs = 2;
    c->ifs[0] = (Iface){ LT_ETHERNET, 65535, 0 };
    c->ifs[1] = (Iface){ LT_ETHERNET, 128, 1 };
    Built b;
    /* 1 first interface: 400-byte UDP payload, whole */
    add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 38000, 40053, 400) });
    /* 2 second interface: 400-byte UDP payload cut to 128 bytes */
    c->iface = 1;
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 38001, 40053, 400) }, &b);
    add_truncated(c, &b, 128);
    /* 3 second interface: small TCP, whole */
    add_seg_eth(c, &(SegSpec){ TCP4(V4C, V4D, 38002, 80, TH_PSH | TH_ACK, 30) });
    /* 4 first interface again: TCP/IPv6, 600 bytes, whole */
    c->iface = 0;
    add_seg_eth(c, &(SegSpec){ TCP6(V6D, V6A, 38003, 80, TH_PSH | TH_ACK, 600) });
    return c;
}

/* The four basic good segments used by the link-type captures. */
static void
basic_four(Built out[4], guint16 port)
{
    build_seg(&(SegSpec){ UDP4(V4A, V4B, port, 40053, 21) }, &out[0]);
    build_seg(&(SegSpec){ TCP4(V4C, V4D, port + 1, 80, TH_PSH | TH_ACK, 22) }, &out[1]);
    build_seg(&(SegSpec){ UDP6(V6A, V6C, port + 2, 40053, 23) }, &out[2]);
    build_seg(&(SegSpec){ TCP6(V6D, V6A, port + 3, 80, TH_PSH | TH_ACK, 24) }, &out[3]);
}

static Cap *
gen_sll(gboolean v2)
{
    reset_generators(v2 ? 0xc0ffee06u : 0xc0ffee05u);
    Cap *c = cap_new(v2 ? LT_LINUX_SLL2 : LT_LINUX_SLL, 65535);
    Built b[4];
    basic_four(b, v2 ? 33000 : 32000);
    for (int i = 0; i < 4; i++) {
        guint pkttype = (i % 2) ? 4 : 0;   /* outgoing / to us */
        guint proto = ethertype_of(b[i].fam);
        GByteArray *f = v2 ? sll2_frame(pkttype, proto, b[i].ip)
                           : sll_frame(pkttype, proto, b[i].ip);
        cap_add(c, f, &b[i].t);
    }
    cap_add_skip(c, v2 ? sll2_frame(0, ETH_ARP, arp_request())
                       : sll_frame(0, ETH_ARP, arp_request()));
    return c;
}

/* raw.pcap / ipv4.pcap / ipv6.pcap: bare IP packets. */
static Cap *
gen_raw(guint32 linktype)
{
    reset_generators(0xc0ffee07u + linktype);
    Cap *c = cap_new(linktype, 65535);
    Built b[4];
    basic_four(b, (guint16)(34000 + linktype));
    for (int i = 0; i < 4; i++) {
        gboolean keep = linktype == LT_RAW ||
                        (linktype == LT_IPV4 && b[i].fam == 4) ||
                        (linktype == LT_IPV6 && b[i].fam == 6);
        if (keep)
            cap_add(c, b[i].ip, &b[i].t);
        else
            g_byte_array_unref(b[i].ip);
    }
    if (linktype != LT_IPV6)
        cap_add_skip(c, icmp_echo_v4(V4A, V4B));
    if (linktype != LT_IPV4)
        cap_add_skip(c, icmp6_echo(V6A, V6B));
    return c;
}

/* null-le.pcap / null-be.pcap / loop.pcap.  The pcap file header is always
 * little-endian here; only the 4-byte AF value changes byte order. */
static Cap *
gen_null(guint32 linktype, gboolean af_be)
{
    reset_generators(0xc0ffee08u + linktype + (af_be ? 1u : 0u));
    Cap *c = cap_new(linktype, 65535);
    Built b[4], e[2];
    basic_four(b, af_be ? (linktype == LT_LOOP ? 36000 : 35100) : 35000);
    build_seg(&(SegSpec){ UDP6(V6B, V6A, 35500, 40053, 25) }, &e[0]);
    build_seg(&(SegSpec){ TCP6(V6C, V6B, 35501, 80, TH_ACK, 0) }, &e[1]);
    cap_add(c, null_frame(BSD_AF_INET, af_be, b[0].ip), &b[0].t);
    cap_add(c, null_frame(BSD_AF_INET, af_be, b[1].ip), &b[1].t);
    cap_add(c, null_frame(BSD_AF_INET6_BSD, af_be, b[2].ip), &b[2].t);
    cap_add(c, null_frame(BSD_AF_INET6_FREEBSD, af_be, b[3].ip), &b[3].t);
    cap_add(c, null_frame(BSD_AF_INET6_DARWIN, af_be, e[0].ip), &e[0].t);
    cap_add(c, null_frame(BSD_AF_INET6_FREEBSD, af_be, e[1].ip), &e[1].t);
    cap_add_skip(c, null_frame(BSD_AF_INET, af_be, icmp_echo_v4(V4A, V4B)));
    return c;
}

/* unsupported.pcap: LINKTYPE_USER0. */
static Cap *
gen_unsupported(void)
{
    reset_generators(0xc0ffee09u);
    Cap *c = cap_new(LT_USER0, 65535);
    Built b;
    build_seg(&(SegSpec){ UDP4(V4A, V4B, 37000, 37001, 10) }, &b);
    cap_add(c, b.ip, &b.t);
    GByteArray *junk = g_byte_array_new();
    aprand(junk, 40);
    cap_add_skip(c, junk);
    return c;
}

/* truncated-record.pcap: 3 good UDP frames, then a record header that
 * claims 100 bytes followed by only 20. */
static void
gen_truncated_record(const char *outdir)
{
    reset_generators(0xc0ffee0au);
    Cap *c = cap_new(LT_ETHERNET, 65535);
    for (guint i = 0; i < 3; i++)
        add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, (guint16)(38000 + i), 40053, 20 + i) });
    GByteArray *b = serialize_pcap(c, FALSE, FALSE, 3);
    put32e(b, TS_BASE + 3, FALSE);
    put32e(b, 0, FALSE);
    put32e(b, 100, FALSE);
    put32e(b, 100, FALSE);
    aprand(b, 20);
    write_bytes(outdir, "truncated-record.pcap", b->data, b->len);
    g_byte_array_unref(b);
    write_truth(outdir, "truncated-record.pcap", c, 3);
    printf("truncated-record.pcap: 3 good UDP v4 frames, then a record header "
           "claiming 100 bytes with only 20 present (3 frames, truth in .truth.tsv)\n");
    cap_free(c);
}

static void
gen_bad_files(const char *outdir)
{
    static const char text[] =
        "This is not a packet capture.\nIt is plain ASCII text.\n";
    write_bytes(outdir, "empty.pcap", (const guint8 *)"", 0);
    printf("empty.pcap: 0 bytes\n");
    write_bytes(outdir, "not-a-capture.pcap", (const guint8 *)text,
                sizeof text - 1);
    printf("not-a-capture.pcap: ASCII text, no capture magic\n");
    Cap *c = cap_new(LT_ETHERNET, 65535);
    GByteArray *b = serialize_pcap(c, FALSE, FALSE, 0);
    write_bytes(outdir, "truncated-header.pcap", b->data, 10);
    printf("truncated-header.pcap: first 10 bytes of a 24-byte pcap header\n");
    g_byte_array_unref(b);
    cap_free(c);
}

/* ================================================================== */
/* demux.pcap: coherent traffic between a few hosts, and the socket    */
/* tables it implies                                                   */
/* ================================================================== */
/*
 * A small network (Ethernet, one MAC per host, consistent sequence and
 * acknowledgment numbers, correct checksums unless said otherwise):
 *
 *   10.0.0.1      DNS-like UDP server on :53: six queries from five
 *                 clients, each answered to the client's ephemeral port;
 *                 a datagram to :9999 answered by ICMP port unreachable;
 *                 a datagram with a bad checksum to :5000
 *   10.0.0.2-6    clients
 *   10.0.0.7      web server on :80 accepting three clients: A (SYN
 *                 retransmitted, one data segment corrupted and resent,
 *                 client closes first in four segments), B (server
 *                 closes first, FIN with data), C (client closes first,
 *                 three segments)
 *   10.0.0.8      server on :8080: R1 (server closes first, so its end
 *                 waits in TIME-WAIT), X (reset by the server), R2 (R1's
 *                 4-tuple reused by a new SYN during that TIME-WAIT;
 *                 its last ACK arrives twice), D (closed by both ends
 *                 at once: CLOSING, then TIME-WAIT on both)
 *   10.0.0.9      an SSH-like connection on :22 first seen mid-stream;
 *                 a SYN to the closed port 23 answered by RST+ACK
 *   2001:db8::1   IPv6 UDP :53 (one query, one answer), a datagram to
 *                 :9999 answered by ICMPv6 port unreachable, and TCP :443
 *                 accepting 2001:db8::2 (client closes first)
 *
 * While it writes the frames, the generator keeps its own model of every
 * receiving host: UDP looked up connected, bound to the address, bound to
 * the wildcard (RFC 768, as stacks do); TCP by 4-tuple, then listener on
 * the address, then on the wildcard (RFC 9293 3.10.7); the states of RFC
 * 9293 3.3.2 on both ends of every connection, where a segment's
 * acknowledgment number tells what its sender had received (so that a
 * simultaneous close goes through CLOSING); a CLOSED connection kept as
 * a tombstone that drops late duplicates until a new SYN reuses its
 * 4-tuple; a datagram or SYN refused when the capture shows the answer
 * (ICMP port unreachable, RST) or, with declared sockets, when no
 * declared socket takes it.  It runs the
 * scenario twice, once knowing nothing of the hosts' sockets (what the
 * traffic implies: demux.truth.json) and once with the sockets of
 * demux-declared.ini (demux-declared.truth.json), and checks that both
 * runs wrote the same frames.
 */

enum { MD_BAD_CHECKSUM, MD_MALFORMED, MD_NO_SOCKET, MD_CLOSED, MD_N };
static const char *const MD_NAMES[MD_N] = {
    "bad-checksum", "malformed", "no-socket", "closed" };

typedef struct MHost MHost;
typedef struct MSock MSock;

/* A socket of the model.  Its local address is its host's, or the
 * wildcard. */
struct MSock {
    MHost *host;
    guint index;                /* position in host->socks */
    guint proto;                /* P_UDP or P_TCP */
    const char *kind;           /* "bound", "listen", "connection" */
    gboolean wildcard;
    guint16 lport;
    gboolean connected;         /* has a remote end */
    guint8 raddr[16];
    guint16 rport;
    const char *state;          /* TCP state name, NULL for UDP */
    MSock *parent;              /* the listener that accepted it */
    gboolean midstream, declared;
    gboolean fin_sent;          /* TCP: this end sent a FIN ... */
    guint32 fin_ack;            /* ... acknowledged by this number */
    gboolean fin_rcvd;          /* TCP: a FIN arrived ... */
    guint32 rcv_fin_ack;        /* ... which this number acknowledges */
    guint64 segments, bytes, bad;
    GHashTable *peers;          /* "address:port" strings heard from */
    guint64 act;                /* frame of its last segment, sent or received */
};

struct MHost {
    int fam;
    guint8 addr[16];
    GPtrArray *socks;           /* MSock *, in creation order */
    GPtrArray *refused;         /* MRefusal * */
    guint64 drops[MD_N];
};

typedef struct {
    guint proto;
    guint16 port;               /* the local port refused */
    guint8 peer[16];
    guint16 peer_port;
    guint64 frame;              /* the datagram or SYN */
    const char *reply;          /* what the host answers */
    guint64 evidence;           /* the frame of that answer, 0: not seen */
    guint attempts;
} MRefusal;

/* What the receiving host does with one segment. */
typedef struct {
    guint64 frame;
    guint proto;
    MHost *host;
    MSock *sock;
    const char *lookup, *action, *drop, *reply, *state;
    guint64 evidence;
    char *note;
} MDecision;

typedef struct {
    gboolean declared;          /* the sockets are those of DECLARED[] */
    GPtrArray *hosts;           /* MHost * */
    GPtrArray *decisions;       /* MDecision * */
    Cap *cap;
    GByteArray *last_ip;        /* the last segment's IP packet */
    guint64 expect_answer;      /* frame that must be the next answer */
} Model;

/* One segment as the model sees it. */
typedef struct {
    int fam;
    guint proto;
    guint8 src[16], dst[16];
    guint16 sport, dport;
    guint8 flags;
    guint32 seq, ack;
    gsize plen;
    gboolean bad;               /* transport checksum wrong */
} MSeg;

static gsize
addr_len(int fam)
{
    return fam == 6 ? 16 : 4;
}

/* "10.0.0.1:53" or "[2001:db8::1]:53", as demuxsim writes endpoints. */
static char *
endpoint_text(int fam, const guint8 *addr, guint16 port)
{
    char a[INET6_ADDRSTRLEN];
    fmt_addr(fam, addr, a, sizeof a);
    return fam == 6 ? g_strdup_printf("[%s]:%u", a, port)
                    : g_strdup_printf("%s:%u", a, port);
}

static void
msock_free(gpointer p)
{
    MSock *s = p;
    g_hash_table_unref(s->peers);
    g_free(s);
}

static void
mhost_free(gpointer p)
{
    MHost *h = p;
    g_ptr_array_unref(h->socks);
    g_ptr_array_unref(h->refused);
    g_free(h);
}

static void
mdecision_free(gpointer p)
{
    MDecision *d = p;
    g_free(d->note);
    g_free(d);
}

static Model *
model_new(gboolean declared)
{
    Model *m = g_new0(Model, 1);
    m->declared = declared;
    m->hosts = g_ptr_array_new_with_free_func(mhost_free);
    m->decisions = g_ptr_array_new_with_free_func(mdecision_free);
    m->cap = cap_new(LT_ETHERNET, 65535);
    return m;
}

static void
model_free(Model *m)
{
    g_ptr_array_unref(m->hosts);
    g_ptr_array_unref(m->decisions);
    if (m->last_ip)
        g_byte_array_unref(m->last_ip);
    cap_free(m->cap);
    g_free(m);
}

static MHost *
model_host(Model *m, int fam, const guint8 *addr, gboolean create)
{
    for (guint i = 0; i < m->hosts->len; i++) {
        MHost *h = g_ptr_array_index(m->hosts, i);
        if (h->fam == fam && memcmp(h->addr, addr, 16) == 0)
            return h;
    }
    if (!create)
        return NULL;
    MHost *h = g_new0(MHost, 1);
    h->fam = fam;
    memcpy(h->addr, addr, 16);
    h->socks = g_ptr_array_new_with_free_func(msock_free);
    h->refused = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(m->hosts, h);
    return h;
}

static MSock *
model_sock_new(MHost *h, guint proto, const char *kind, gboolean wildcard,
               guint16 lport, const guint8 *raddr, guint16 rport,
               const char *state)
{
    MSock *s = g_new0(MSock, 1);
    s->host = h;
    s->index = h->socks->len;
    s->proto = proto;
    s->kind = kind;
    s->wildcard = wildcard;
    s->lport = lport;
    if (raddr) {
        s->connected = TRUE;
        memcpy(s->raddr, raddr, 16);
        s->rport = rport;
    }
    s->state = state;
    s->peers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_ptr_array_add(h->socks, s);
    return s;
}

static gboolean
state_is(const MSock *s, const char *state)
{
    return s->state && strcmp(s->state, state) == 0;
}

/* A TCP connection that is over: a new SYN on its 4-tuple starts anew. */
static gboolean
tcp_over(const MSock *s)
{
    return state_is(s, "CLOSED") || state_is(s, "TIME-WAIT");
}

/* The newest connection of @h on (lport, raddr, rport).  A CLOSED TCP
 * connection stays as a tombstone until a new SYN reuses its 4-tuple:
 * late duplicates for it are dropped (a stack answers them with a
 * reset), not taken for a connection seen mid-stream. */
static MSock *
model_conn(MHost *h, guint proto, guint16 lport, const guint8 *raddr,
           guint16 rport)
{
    for (guint i = h->socks->len; i-- > 0;) {
        MSock *s = g_ptr_array_index(h->socks, i);
        if (s->proto == proto && s->connected && s->lport == lport &&
            s->rport == rport && memcmp(s->raddr, raddr, 16) == 0)
            return s;
    }
    return NULL;
}

/* A bound UDP socket or a TCP listener of @h on @lport, bound to the
 * host's address or (@wildcard) to the wildcard. */
static MSock *
model_bound(MHost *h, guint proto, guint16 lport, gboolean wildcard)
{
    for (guint i = 0; i < h->socks->len; i++) {
        MSock *s = g_ptr_array_index(h->socks, i);
        if (s->proto == proto && !s->connected && s->lport == lport &&
            s->wildcard == wildcard)
            return s;
    }
    return NULL;
}

static void
model_deliver(MSock *s, const MSeg *g)
{
    s->segments++;
    s->bytes += g->plen;
    g_hash_table_add(s->peers, endpoint_text(g->fam, g->src, g->sport));
}

static void
model_refuse(MHost *h, const MSeg *g, MDecision *d, const char *reply,
             guint64 evidence)
{
    MRefusal *r = NULL;
    for (guint i = 0; i < h->refused->len && !r; i++) {
        MRefusal *x = g_ptr_array_index(h->refused, i);
        if (x->proto == g->proto && x->port == g->dport &&
            x->peer_port == g->sport && memcmp(x->peer, g->src, 16) == 0)
            r = x;
    }
    if (r) {
        r->attempts++;
        if (!r->evidence)
            r->evidence = evidence;
    } else {
        r = g_new0(MRefusal, 1);
        r->proto = g->proto;
        r->port = g->dport;
        memcpy(r->peer, g->src, 16);
        r->peer_port = g->sport;
        r->frame = d->frame;
        r->reply = reply;
        r->evidence = evidence;
        r->attempts = 1;
        g_ptr_array_add(h->refused, r);
    }
    d->action = "refused";
    d->reply = reply;
    d->evidence = evidence;
}

static MSock *
model_udp_lookup(MHost *h, const MSeg *g, const char **how)
{
    MSock *s;
    if ((s = model_conn(h, P_UDP, g->dport, g->src, g->sport)))
        *how = "exact";
    else if ((s = model_bound(h, P_UDP, g->dport, FALSE)))
        *how = "bound";
    else if ((s = model_bound(h, P_UDP, g->dport, TRUE)))
        *how = "wildcard-bound";
    else
        *how = "none";
    return s;
}

static MSock *
model_listener(MHost *h, guint16 port, const char **how)
{
    MSock *s;
    if ((s = model_bound(h, P_TCP, port, FALSE)))
        *how = "listener";
    else if ((s = model_bound(h, P_TCP, port, TRUE)))
        *how = "wildcard-listener";
    else
        *how = "none";
    return s;
}

static gboolean
seq_reaches(guint32 a, guint32 b)
{
    return (gint32)(a - b) >= 0;
}

/* The sending end of a TCP segment: its socket as the segment leaves. */
static void
model_tcp_send(Model *m, const MSeg *g)
{
    guint8 f = g->flags;
    MHost *h = model_host(m, g->fam, g->src, FALSE);
    MSock *s = h ? model_conn(h, P_TCP, g->sport, g->dst, g->dport) : NULL;

    if ((f & TH_SYN) && !(f & TH_ACK)) {
        /* connect(): a new connection unless this SYN is resent */
        if (!s || tcp_over(s))
            model_sock_new(model_host(m, g->fam, g->src, TRUE), P_TCP, "connection",
                           FALSE, g->sport, g->dst, g->dport, "SYN-SENT");
        return;
    }
    if (f & TH_RST) {
        if (s)
            s->state = "CLOSED";
        return;
    }
    if (!s) {
        /* Seen sending before any segment of its own arrived: the
         * connection was open before the capture started. */
        h = model_host(m, g->fam, g->src, TRUE);
        s = model_sock_new(h, P_TCP, "connection", FALSE, g->sport, g->dst,
                           g->dport, (f & TH_SYN) ? "SYN-RECEIVED" : "ESTABLISHED");
        s->midstream = TRUE;
        s->parent = model_bound(h, P_TCP, g->sport, FALSE);
        if (!s->parent)
            s->parent = model_bound(h, P_TCP, g->sport, TRUE);
    }
    if (f & TH_FIN) {
        if (!s->fin_sent) {
            s->fin_sent = TRUE;
            s->fin_ack = g->seq + (guint32)g->plen + ((f & TH_SYN) ? 1 : 0) + 1;
        }
        if (state_is(s, "ESTABLISHED") || state_is(s, "SYN-RECEIVED"))
            s->state = "FIN-WAIT-1";
        else if (state_is(s, "CLOSE-WAIT") && (f & TH_ACK) &&
                 !seq_reaches(g->ack, s->rcv_fin_ack))
            /* Its acknowledgment number says it had not received the
             * peer's FIN yet (a simultaneous close): it sent this FIN
             * from ESTABLISHED (FIN-WAIT-1), and the peer's FIN, already
             * on its way, takes it to CLOSING (RFC 9293 3.6, fig. 13). */
            s->state = "CLOSING";
        else if (state_is(s, "CLOSE-WAIT"))
            s->state = "LAST-ACK";
    }
}

/* The receiving end (RFC 9293 3.3.2).  Returns TRUE when the segment
 * completes the handshake of a listener's child. */
static gboolean
model_tcp_transition(MSock *s, const MSeg *g)
{
    guint8 f = g->flags;
    gboolean syn = (f & TH_SYN) != 0, ack = (f & TH_ACK) != 0, fin = (f & TH_FIN) != 0;
    gboolean acks_fin = s->fin_sent && ack && seq_reaches(g->ack, s->fin_ack);

    if (f & TH_RST) {
        s->state = "CLOSED";
        return FALSE;
    }
    if (fin && !s->fin_rcvd) {
        s->fin_rcvd = TRUE;
        s->rcv_fin_ack = g->seq + (guint32)g->plen + (syn ? 1 : 0) + 1;
    }
    if (state_is(s, "SYN-SENT")) {
        if (syn && ack)
            s->state = "ESTABLISHED";
        else if (syn)
            s->state = "SYN-RECEIVED";
    } else if (state_is(s, "SYN-RECEIVED")) {
        if (ack && !syn) {
            s->state = "ESTABLISHED";
            if (fin)
                s->state = "CLOSE-WAIT";
            return s->parent != NULL;
        }
    } else if (state_is(s, "FIN-WAIT-1")) {
        if (fin)
            s->state = acks_fin ? "TIME-WAIT" : "CLOSING";
        else if (acks_fin)
            s->state = "FIN-WAIT-2";
        return FALSE;
    } else if (state_is(s, "FIN-WAIT-2")) {
        if (fin)
            s->state = "TIME-WAIT";
        return FALSE;
    } else if (state_is(s, "CLOSING")) {
        if (acks_fin)
            s->state = "TIME-WAIT";
        return FALSE;
    } else if (state_is(s, "LAST-ACK")) {
        if (acks_fin)
            s->state = "CLOSED";
        return FALSE;
    }
    if (fin && state_is(s, "ESTABLISHED"))
        s->state = "CLOSE-WAIT";
    return FALSE;
}

static void
model_tcp_receive(Model *m, MHost *h, const MSeg *g, MDecision *d,
                  guint64 answer)
{
    guint8 f = g->flags;
    gboolean syn = (f & TH_SYN) && !(f & TH_ACK);
    MSock *s = model_conn(h, P_TCP, g->dport, g->src, g->sport);

    if (s && syn && tcp_over(s))
        s = NULL;       /* a new connection on a used 4-tuple */
    if (s && state_is(s, "CLOSED")) {
        d->lookup = "exact";
        d->action = "dropped";
        d->drop = "closed";
        d->sock = s;
        d->state = s->state;
        h->drops[MD_CLOSED]++;
        return;
    }
    if (s) {
        d->lookup = "exact";
        d->action = model_tcp_transition(s, g) ? "accepted" : "delivered";
        d->sock = s;
        d->state = s->state;
        model_deliver(s, g);
        return;
    }
    MSock *l = model_listener(h, g->dport, &d->lookup);
    if (f & TH_RST) {
        d->action = "dropped";
        d->drop = "no-socket";
        h->drops[MD_NO_SOCKET]++;
        return;
    }
    if (!l && syn) {
        if (m->declared || answer) {
            model_refuse(h, g, d, "rst", answer);
            return;
        }
        /* A SYN nobody refuses: somebody listens there. */
        l = model_sock_new(h, P_TCP, "listen", FALSE, g->dport, NULL, 0, "LISTEN");
        d->lookup = "new";
    }
    if (syn) {
        model_deliver(l, g);
        s = model_sock_new(h, P_TCP, "connection", FALSE, g->dport, g->src,
                           g->sport, "SYN-RECEIVED");
        s->parent = l;
        d->sock = s;
        d->action = "spawned";
        d->state = s->state;
        model_deliver(s, g);
        return;
    }
    if (!l && m->declared) {
        model_refuse(h, g, d, "rst", answer);
        return;
    }
    /* Open before the capture started. */
    s = model_sock_new(h, P_TCP, "connection", FALSE, g->dport, g->src, g->sport,
                       (f & TH_SYN) ? "SYN-SENT" : "ESTABLISHED");
    s->midstream = TRUE;
    s->parent = l;
    model_tcp_transition(s, g);
    d->lookup = "new";
    d->sock = s;
    d->action = "delivered";
    d->state = s->state;
    model_deliver(s, g);
}

static void
model_udp_receive(Model *m, MHost *h, const MSeg *g, MDecision *d,
                  guint64 answer)
{
    MSock *s = model_udp_lookup(h, g, &d->lookup);
    if (!s) {
        if (m->declared || answer) {
            model_refuse(h, g, d, "icmp-port-unreachable", answer);
            return;
        }
        /* A datagram nobody refuses: somebody is bound there. */
        s = model_sock_new(h, P_UDP, "bound", FALSE, g->dport, NULL, 0, NULL);
        d->lookup = "new";
    }
    d->sock = s;
    d->action = "delivered";
    model_deliver(s, g);
}

/* Segment @g, frame @frame, arrives; @answer is the frame of the host's
 * ICMP or RST answer when the capture has one. */
static void
model_segment(Model *m, const MSeg *g, guint64 frame, guint64 answer,
              const char *note)
{
    MDecision *d = g_new0(MDecision, 1);
    d->frame = frame;
    d->proto = g->proto;
    d->note = g_strdup(note);
    d->lookup = "none";
    g_ptr_array_add(m->decisions, d);

    if (g->proto == P_TCP) {
        model_tcp_send(m, g);
        MHost *sh = model_host(m, g->fam, g->src, FALSE);
        MSock *ss = sh ? model_conn(sh, P_TCP, g->sport, g->dst, g->dport) : NULL;
        if (ss)
            ss->act = frame;
    }
    MHost *h = model_host(m, g->fam, g->dst, TRUE);
    d->host = h;
    if (g->bad) {
        /* Dropped before demultiplexing; counted on the socket it was
         * meant for. */
        MSock *s;
        if (g->proto == P_UDP) {
            s = model_udp_lookup(h, g, &d->lookup);
        } else if ((s = model_conn(h, P_TCP, g->dport, g->src, g->sport))) {
            d->lookup = "exact";
        } else {
            s = model_listener(h, g->dport, &d->lookup);
        }
        d->action = "dropped";
        d->drop = "bad-checksum";
        h->drops[MD_BAD_CHECKSUM]++;
        if (s) {
            s->bad++;
            d->sock = s;
            if (g->proto == P_TCP)
                d->state = s->state;
        }
        return;
    }
    if (g->proto == P_UDP)
        model_udp_receive(m, h, g, d, answer);
    else
        model_tcp_receive(m, h, g, d, answer);
    if (d->sock && !(d->action && strcmp(d->action, "dropped") == 0))
        d->sock->act = frame;
}

/* --- Declared sockets (demux-declared.ini) -------------------------- */

typedef struct {
    const char *host;
    const char *key;            /* udp, tcp, udp-connected */
    const char *item;
    const char *comment;
} Decl;

static const Decl DECLARED[] = {
    { "10.0.0.1", "udp", "53",
      "The DNS server: UDP bound to the host's own address (10.0.0.1:53)." },
    { "10.0.0.2", "udp-connected", "53001>10.0.0.1:53",
      "A resolver's socket, connected to the server: 10.0.0.2:53001 takes\n"
      "# datagrams from 10.0.0.1:53 only." },
    { "10.0.0.3", "udp", "*:53002",
      "UDP bound to the wildcard address (0.0.0.0:53002)." },
    { "10.0.0.7", "tcp", "80",
      "The web server, listening on its own address (10.0.0.7:80)." },
    { "10.0.0.8", "tcp", "*:8080",
      "A TCP server listening on the wildcard address (0.0.0.0:8080)." },
    { "10.0.0.9", "tcp", "22",
      "The SSH server (10.0.0.9:22): its connection is picked up mid-stream\n"
      "# under this listener.  Port 23 is closed." },
    { "2001:db8::1", "udp", "[::]:53",
      "IPv6: UDP on the wildcard address ([::]:53) ..." },
    { "2001:db8::1", "tcp", "443",
      "... and a TCP listener on the host's address ([2001:db8::1]:443).\n"
      "# IPv6 endpoints are written [ADDRESS]:PORT; a bare PORT means the\n"
      "# group's own address." },
};

static void
model_declare(Model *m)
{
    for (gsize i = 0; i < G_N_ELEMENTS(DECLARED); i++) {
        const Decl *x = &DECLARED[i];
        int fam = strchr(x->host, ':') ? 6 : 4;
        guint8 a[16];
        parse_addr(fam, x->host, a);
        MHost *h = model_host(m, fam, a, TRUE);
        gboolean tcp = strcmp(x->key, "tcp") == 0;
        MSock *s;
        const char *gt = strchr(x->item, '>');
        if (gt) {
            /* LPORT>ADDR:PORT (IPv4 only here) */
            const char *colon = strrchr(gt, ':');
            char *peer = g_strndup(gt + 1, (gsize)(colon - gt - 1));
            guint8 r[16];
            parse_addr(fam, peer, r);
            g_free(peer);
            s = model_sock_new(h, P_UDP, "connection", FALSE,
                               (guint16)atoi(x->item), r, (guint16)atoi(colon + 1), NULL);
        } else {
            const char *colon = strrchr(x->item, ':');
            gboolean wild = colon != NULL;   /* only wildcards have one here */
            guint16 port = (guint16)atoi(colon ? colon + 1 : x->item);
            s = model_sock_new(h, tcp ? P_TCP : P_UDP, tcp ? "listen" : "bound",
                               wild, port, NULL, 0, tcp ? "LISTEN" : NULL);
        }
        s->declared = TRUE;
    }
}

static char *
declared_ini(void)
{
    GString *s = g_string_new(
        "# demux-declared.ini - the sockets of the hosts in demux.pcap, declared\n"
        "# instead of inferred from the traffic:\n"
        "#\n"
        "#   demuxsim --sockets captures/demux-declared.ini captures/demux.pcap\n"
        "#\n"
        "# One group per host address; in it \"udp\" and \"tcp\" list ports bound to\n"
        "# that address (PORT) or to the wildcard (*:PORT, 0.0.0.0:PORT, [::]:PORT),\n"
        "# and \"udp-connected\" lists UDP sockets connected to a peer\n"
        "# (LPORT>ADDRESS:PORT).  Several entries of one key are separated by ';'.\n"
        "#\n"
        "# Whatever is not declared here is closed: a datagram to it is refused\n"
        "# (the host answers ICMP port unreachable), a SYN or stray segment is\n"
        "# refused with a RST, and the report tells whether the capture shows\n"
        "# that answer (\"confirmed\").  In demux.pcap that is 10.0.0.1:9999 and\n"
        "# [2001:db8::1]:9999 (ICMP in the capture), 10.0.0.9:23 (RST in the\n"
        "# capture) and the DNS answers to 10.0.0.4-6 and 2001:db8::3, whose\n"
        "# resolver sockets are left out on purpose (no ICMP in the capture).\n"
        "# Generated by tests/gencap.c with demux-declared.truth.json.\n");
    const char *group = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(DECLARED); i++) {
        const Decl *x = &DECLARED[i];
        if (!group || strcmp(group, x->host) != 0) {
            g_string_append_printf(s, "\n[%s]\n", x->host);
            group = x->host;
        }
        g_string_append_printf(s, "# %s\n%s = %s\n", x->comment, x->key, x->item);
    }
    return g_string_free(s, FALSE);
}

/* --- Writing frames ------------------------------------------------- */

static void
host_mac(int fam, const guint8 *addr, guint8 mac[6])
{
    gsize n = addr_len(fam);
    mac[0] = 0x02;
    mac[1] = 0x00;
    mac[2] = 0x5e;
    mac[3] = fam == 6 ? 0x66 : 0x44;
    mac[4] = addr[n - 2];
    mac[5] = addr[n - 1];
}

/* Ethernet II between the two hosts' MACs, padded to 60 bytes; consumes
 * @ip. */
static GByteArray *
eth_between(int fam, const guint8 *src, const guint8 *dst, GByteArray *ip)
{
    guint8 smac[6], dmac[6];
    host_mac(fam, src, smac);
    host_mac(fam, dst, dmac);
    GByteArray *f = g_byte_array_new();
    apmem(f, dmac, 6);
    apmem(f, smac, 6);
    ap16(f, ethertype_of(fam));
    f = concat_free(f, ip);
    while (f->len < 60)
        ap8(f, 0);
    return f;
}

/* Write segment @s and run it through the model.  @answered: the next
 * frame written is the receiving host's ICMP or RST answer to it. */
static guint64
sc_segment(Model *m, const SegSpec *s, gboolean answered, const char *note)
{
    Built b;
    gboolean is_answer = m->expect_answer != 0;
    g_assert(!is_answer || m->expect_answer == m->cap->recs->len + 1);
    build_seg(s, &b);
    if (m->last_ip)
        g_byte_array_unref(m->last_ip);
    m->last_ip = g_byte_array_new();
    apmem(m->last_ip, b.ip->data, b.ip->len);

    guint8 dst[16];
    parse_addr(s->fam, s->dst, dst);
    cap_add(m->cap, eth_between(s->fam, b.src, dst, b.ip), &b.t);
    guint64 frame = m->cap->recs->len;

    MSeg g = { .fam = s->fam, .proto = s->proto, .sport = s->sport,
               .dport = s->dport, .flags = s->flags, .seq = s->seq,
               .ack = s->ack, .plen = s->plen, .bad = s->cs == CS_BAD };
    memcpy(g.src, b.src, 16);
    memcpy(g.dst, dst, 16);
    model_segment(m, &g, frame, answered ? frame + 1 : 0, note);
    m->expect_answer = answered ? frame + 1 : 0;
    (void)is_answer;
    return frame;
}

static guint64
sc_udp(Model *m, int fam, const char *src, guint16 sport, const char *dst,
       guint16 dport, gsize plen, CsMode cs, gboolean answered, const char *note)
{
    SegSpec s = { .fam = fam, .proto = P_UDP, .src = src, .dst = dst,
                  .sport = sport, .dport = dport, .plen = plen, .cs = cs };
    return sc_segment(m, &s, answered, note);
}

/* The receiver's ICMP (type 3 code 3) or ICMPv6 (type 1 code 4) port
 * unreachable for the last segment, quoting all of it. */
static void
sc_port_unreachable(Model *m)
{
    GByteArray *orig = m->last_ip;
    int fam = (orig->data[0] >> 4) == 6 ? 6 : 4;
    guint8 s[16] = { 0 }, d[16] = { 0 };
    if (fam == 4) {
        memcpy(s, orig->data + 16, 4);    /* from the datagram's target */
        memcpy(d, orig->data + 12, 4);    /* to its sender */
    } else {
        memcpy(s, orig->data + 24, 16);
        memcpy(d, orig->data + 8, 16);
    }
    GByteArray *msg = g_byte_array_new();
    ap8(msg, fam == 4 ? 3 : 1);
    ap8(msg, fam == 4 ? 3 : 4);
    ap16(msg, 0);
    ap32(msg, 0);
    apmem(msg, orig->data, orig->len);
    GByteArray *ip;
    if (fam == 4) {
        set16(msg, 2, inet_cksum(msg->data, msg->len));
        ip = ipv4_packet(s, d, P_ICMP, NULL, 0, 0, msg->data, msg->len, FALSE);
    } else {
        set16(msg, 2, l4_checksum(6, s, d, P_ICMPV6, msg->data, msg->len, 2));
        ip = ipv6_packet(s, d, P_ICMPV6, NULL, 0, msg->data, msg->len);
    }
    g_byte_array_unref(msg);
    g_assert(m->expect_answer == m->cap->recs->len + 1);
    m->expect_answer = 0;
    cap_add_skip(m->cap, eth_between(fam, s, d, ip));
}

/* One TCP connection: its ends and the next sequence number of each. */
typedef struct {
    Model *m;
    int fam;
    const char *ca, *sa;        /* client, server address */
    guint16 cp, sp;
    guint32 cnxt, snxt;
} Conn;

static void
conn_init(Conn *c, Model *m, int fam, const char *ca, guint16 cp,
          const char *sa, guint16 sp)
{
    c->m = m;
    c->fam = fam;
    c->ca = ca;
    c->cp = cp;
    c->sa = sa;
    c->sp = sp;
    c->cnxt = rng_next();
    c->snxt = rng_next();
}

/* A segment from the client (@from_client) or the server at the current
 * sequence numbers, acknowledging all the other end sent.  @advance:
 * move past it (FALSE for a segment resent later, or a SYN resent). */
static guint64
conn_seg_full(Conn *c, gboolean from_client, guint8 flags, gsize plen,
              CsMode cs, gboolean advance, gboolean answered, const char *note)
{
    guint32 *mine = from_client ? &c->cnxt : &c->snxt;
    guint32 theirs = from_client ? c->snxt : c->cnxt;
    int topt = (flags & TH_RST) ? TOPT_NONE
             : (flags & TH_SYN) ? ((flags & TH_ACK) ? TOPT_SYNACK : TOPT_SYN)
             : TOPT_TS;
    SegSpec s = { .fam = c->fam, .proto = P_TCP,
                  .src = from_client ? c->ca : c->sa,
                  .dst = from_client ? c->sa : c->ca,
                  .sport = from_client ? c->cp : c->sp,
                  .dport = from_client ? c->sp : c->cp,
                  .flags = flags, .plen = plen, .cs = cs, .topt = topt,
                  .fixed_seq = TRUE, .seq = *mine,
                  .ack = (flags & TH_ACK) ? theirs : 0 };
    guint64 f = sc_segment(c->m, &s, answered, note);
    if (advance)
        *mine += (guint32)plen + ((flags & TH_SYN) ? 1 : 0) + ((flags & TH_FIN) ? 1 : 0);
    return f;
}

static guint64
conn_seg(Conn *c, gboolean from_client, guint8 flags, gsize plen, const char *note)
{
    return conn_seg_full(c, from_client, flags, plen, CS_GOOD, TRUE, FALSE, note);
}

#define CLI TRUE
#define SRV FALSE

static void
conn_handshake(Conn *c, const char *name)
{
    char *n1 = g_strdup_printf("%s: SYN", name);
    char *n2 = g_strdup_printf("%s: SYN+ACK", name);
    char *n3 = g_strdup_printf("%s: ACK completing the handshake", name);
    conn_seg(c, CLI, TH_SYN, 0, n1);
    conn_seg(c, SRV, TH_SYN | TH_ACK, 0, n2);
    conn_seg(c, CLI, TH_ACK, 0, n3);
    g_free(n1);
    g_free(n2);
    g_free(n3);
}

/* --- The scenario ---------------------------------------------------- */

#define DNS_SRV "10.0.0.1"
#define WEB_SRV "10.0.0.7"
#define ALT_SRV "10.0.0.8"
#define SSH_SRV "10.0.0.9"
#define V6_SRV "2001:db8::1"

static void
demux_scenario(Model *m)
{
    reset_generators(0xc0ffee10u);
    if (m->declared)
        model_declare(m);

    static const struct { const char *addr; guint16 port; } dns[] = {
        { "10.0.0.2", 53001 }, { "10.0.0.3", 53002 }, { "10.0.0.4", 53003 },
        { "10.0.0.5", 53004 }, { "10.0.0.6", 53005 },
    };
    Conn a, b, c, d, r1, x, r2, ssh, v6, closed;

    /* 1-4: two DNS queries and answers */
    for (int i = 0; i < 2; i++) {
        sc_udp(m, 4, dns[i].addr, dns[i].port, DNS_SRV, 53, 33 + i, CS_GOOD, FALSE, "DNS query");
        sc_udp(m, 4, DNS_SRV, 53, dns[i].addr, dns[i].port, 81 + i, CS_GOOD, FALSE, "DNS answer");
    }

    /* 5-8: A connects to the web server; its SYN is resent */
    conn_init(&a, m, 4, "10.0.0.2", 41001, WEB_SRV, 80);
    conn_seg_full(&a, CLI, TH_SYN, 0, CS_GOOD, FALSE, FALSE, "A: SYN");
    conn_seg(&a, CLI, TH_SYN, 0, "A: SYN resent (same sequence number)");
    conn_seg(&a, SRV, TH_SYN | TH_ACK, 0, "A: SYN+ACK");
    conn_seg(&a, CLI, TH_ACK, 0, "A: ACK completing the handshake");
    /* 9-11: B connects */
    conn_init(&b, m, 4, "10.0.0.3", 41002, WEB_SRV, 80);
    conn_handshake(&b, "B");
    /* 12-15: A's request, corrupted on the way and resent; the answer */
    conn_seg_full(&a, CLI, TH_PSH | TH_ACK, 120, CS_BAD, FALSE, FALSE,
                  "A: request with a bad checksum");
    conn_seg(&a, CLI, TH_PSH | TH_ACK, 120, "A: request resent");
    conn_seg(&a, SRV, TH_PSH | TH_ACK, 300, "A: response");
    conn_seg(&a, CLI, TH_ACK, 0, "A: ACK");
    /* 16-20: B's request; the server closes first, its FIN carrying the
     * last data */
    conn_seg(&b, CLI, TH_PSH | TH_ACK, 80, "B: request");
    conn_seg(&b, SRV, TH_PSH | TH_FIN | TH_ACK, 200, "B: response with FIN (server closes)");
    conn_seg(&b, CLI, TH_ACK, 0, "B: ACK of the FIN");
    conn_seg(&b, CLI, TH_FIN | TH_ACK, 0, "B: client's FIN");
    conn_seg(&b, SRV, TH_ACK, 0, "B: last ACK");

    /* 21-28: more DNS; 10.0.0.2 asks twice from the same port */
    for (int i = 2; i < 5; i++) {
        sc_udp(m, 4, dns[i].addr, dns[i].port, DNS_SRV, 53, 33 + i, CS_GOOD, FALSE, "DNS query");
        sc_udp(m, 4, DNS_SRV, 53, dns[i].addr, dns[i].port, 81 + i, CS_GOOD, FALSE, "DNS answer");
    }
    sc_udp(m, 4, dns[0].addr, dns[0].port, DNS_SRV, 53, 40, CS_GOOD, FALSE, "DNS query again");
    sc_udp(m, 4, DNS_SRV, 53, dns[0].addr, dns[0].port, 96, CS_GOOD, FALSE, "DNS answer");

    /* 29-32: A closes, client first, in four segments */
    conn_seg(&a, CLI, TH_FIN | TH_ACK, 0, "A: client's FIN");
    conn_seg(&a, SRV, TH_ACK, 0, "A: ACK of the FIN");
    conn_seg(&a, SRV, TH_FIN | TH_ACK, 0, "A: server's FIN");
    conn_seg(&a, CLI, TH_ACK, 0, "A: last ACK");

    /* 33-40: C, client closes first in three segments */
    conn_init(&c, m, 4, "10.0.0.4", 41003, WEB_SRV, 80);
    conn_handshake(&c, "C");
    conn_seg(&c, CLI, TH_PSH | TH_ACK, 50, "C: request");
    conn_seg(&c, SRV, TH_PSH | TH_ACK, 500, "C: response");
    conn_seg(&c, CLI, TH_FIN | TH_ACK, 0, "C: client's FIN");
    conn_seg(&c, SRV, TH_FIN | TH_ACK, 0, "C: server's FIN with the ACK of the client's");
    conn_seg(&c, CLI, TH_ACK, 0, "C: last ACK");

    /* 41-42: a datagram to a closed port, answered by ICMP */
    sc_udp(m, 4, "10.0.0.3", 53020, DNS_SRV, 9999, 20, CS_GOOD, TRUE,
           "datagram to a closed port");
    sc_port_unreachable(m);
    /* 43: a datagram with a bad checksum to a port nobody has */
    sc_udp(m, 4, "10.0.0.5", 53030, DNS_SRV, 5000, 24, CS_BAD, FALSE,
           "datagram with a bad checksum");

    /* 44-45: a SYN to a closed port, answered by RST+ACK
     * <SEQ=0><ACK=SEG.SEQ+SEG.LEN> (RFC 9293 3.10.7.1) */
    conn_init(&closed, m, 4, "10.0.0.2", 41050, SSH_SRV, 23);
    conn_seg_full(&closed, CLI, TH_SYN, 0, CS_GOOD, TRUE, TRUE, "SYN to a closed port");
    closed.snxt = 0;
    conn_seg(&closed, SRV, TH_RST | TH_ACK, 0, "RST+ACK refusing it");

    /* 46-48: an SSH connection open before the capture started */
    conn_init(&ssh, m, 4, "10.0.0.4", 50022, SSH_SRV, 22);
    conn_seg(&ssh, CLI, TH_PSH | TH_ACK, 48, "SSH: client data, first seen mid-stream");
    conn_seg(&ssh, SRV, TH_PSH | TH_ACK, 96, "SSH: server data");
    conn_seg(&ssh, CLI, TH_ACK, 0, "SSH: ACK");

    /* 49-57: R1 on :8080, the server closes first */
    conn_init(&r1, m, 4, "10.0.0.5", 40500, ALT_SRV, 8080);
    conn_handshake(&r1, "R1");
    conn_seg(&r1, CLI, TH_PSH | TH_ACK, 60, "R1: request");
    conn_seg(&r1, SRV, TH_PSH | TH_ACK, 700, "R1: response");
    conn_seg(&r1, SRV, TH_FIN | TH_ACK, 0, "R1: server's FIN");
    conn_seg(&r1, CLI, TH_ACK, 0, "R1: ACK of the FIN");
    conn_seg(&r1, CLI, TH_FIN | TH_ACK, 0, "R1: client's FIN");
    conn_seg(&r1, SRV, TH_ACK, 0, "R1: last ACK (server in TIME-WAIT)");

    /* 58-62: X on :8080, reset by the server */
    conn_init(&x, m, 4, "10.0.0.6", 40600, ALT_SRV, 8080);
    conn_handshake(&x, "X");
    conn_seg(&x, CLI, TH_PSH | TH_ACK, 70, "X: request");
    conn_seg(&x, SRV, TH_RST | TH_ACK, 0, "X: server resets");

    /* 63-70: R2 reuses R1's 4-tuple while the server's end of R1 is in
     * TIME-WAIT, with a higher initial sequence number (RFC 9293 3.6.1) */
    conn_init(&r2, m, 4, "10.0.0.5", 40500, ALT_SRV, 8080);
    r2.cnxt = r1.cnxt + 100000;
    conn_handshake(&r2, "R2");
    conn_seg(&r2, CLI, TH_PSH | TH_ACK, 30, "R2: request");
    conn_seg(&r2, SRV, TH_PSH | TH_ACK, 40, "R2: response");
    conn_seg(&r2, CLI, TH_FIN | TH_ACK, 0, "R2: client's FIN");
    conn_seg(&r2, SRV, TH_FIN | TH_ACK, 0, "R2: server's FIN with the ACK");
    conn_seg(&r2, CLI, TH_ACK, 0, "R2: last ACK");
    /* 71: that ACK again, duplicated on the way: the server's end is
     * CLOSED */
    conn_seg(&r2, CLI, TH_ACK, 0, "R2: the last ACK duplicated, after the server's end closed");

    /* 72-80: D on :8080, closed by both ends at once: each FIN leaves
     * before the other's arrives (its ACK does not cover it), so both
     * ends go through CLOSING to TIME-WAIT (RFC 9293 3.6) */
    conn_init(&d, m, 4, "10.0.0.6", 40700, ALT_SRV, 8080);
    conn_handshake(&d, "D");
    conn_seg(&d, CLI, TH_PSH | TH_ACK, 25, "D: request");
    conn_seg(&d, SRV, TH_PSH | TH_ACK, 35, "D: response");
    {
        guint32 cfin = d.cnxt;
        conn_seg(&d, CLI, TH_FIN | TH_ACK, 0, "D: client's FIN (simultaneous close)");
        d.cnxt = cfin;      /* the server has not seen it yet */
        conn_seg(&d, SRV, TH_FIN | TH_ACK, 0, "D: server's FIN, not acknowledging the client's (simultaneous close)");
        d.cnxt = cfin + 1;
    }
    conn_seg(&d, SRV, TH_ACK, 0, "D: server's ACK of the client's FIN (simultaneous close)");
    conn_seg(&d, CLI, TH_ACK, 0, "D: client's ACK of the server's FIN (simultaneous close)");

    /* 81-84: IPv6 UDP: a query and its answer; a datagram to a closed
     * port answered by ICMPv6 */
    sc_udp(m, 6, "2001:db8::3", 53010, V6_SRV, 53, 29, CS_GOOD, FALSE, "DNS query (IPv6)");
    sc_udp(m, 6, V6_SRV, 53, "2001:db8::3", 53010, 77, CS_GOOD, FALSE, "DNS answer (IPv6)");
    sc_udp(m, 6, "2001:db8::3", 53011, V6_SRV, 9999, 21, CS_GOOD, TRUE,
           "datagram to a closed port (IPv6)");
    sc_port_unreachable(m);

    /* 85-93: IPv6 TCP, the client closes first */
    conn_init(&v6, m, 6, "2001:db8::2", 41004, V6_SRV, 443);
    conn_handshake(&v6, "V6");
    conn_seg(&v6, CLI, TH_PSH | TH_ACK, 90, "V6: request");
    conn_seg(&v6, SRV, TH_PSH | TH_ACK, 900, "V6: response");
    conn_seg(&v6, CLI, TH_FIN | TH_ACK, 0, "V6: client's FIN");
    conn_seg(&v6, SRV, TH_ACK, 0, "V6: ACK of the FIN");
    conn_seg(&v6, SRV, TH_FIN | TH_ACK, 0, "V6: server's FIN");
    conn_seg(&v6, CLI, TH_ACK, 0, "V6: last ACK");
    g_assert(m->expect_answer == 0);
}

/* --- Writing the truth ---------------------------------------------- */

static void
json_text(GString *j, const char *v)
{
    if (!v) {
        g_string_append(j, "null");
        return;
    }
    g_assert(!strpbrk(v, "\"\\\n"));
    g_string_append_printf(j, "\"%s\"", v);
}

static void
json_take(GString *j, char *v)
{
    json_text(j, v);
    g_free(v);
}

static void
json_frame(GString *j, guint64 frame)
{
    if (frame)
        g_string_append_printf(j, "%" G_GUINT64_FORMAT, frame);
    else
        g_string_append(j, "null");
}

static gint
mhost_order(gconstpointer pa, gconstpointer pb)
{
    const MHost *a = *(const MHost *const *)pa, *b = *(const MHost *const *)pb;
    if (a->fam != b->fam)
        return a->fam < b->fam ? -1 : 1;
    return memcmp(a->addr, b->addr, 16);
}

static char *
sock_local(const MSock *s)
{
    static const guint8 zero[16];
    return endpoint_text(s->host->fam, s->wildcard ? zero : s->host->addr, s->lport);
}

/* Frames in the capture the truth is written for: frame N is N - 1
 * seconds in. */
static guint truth_frames;

/* A TIME-WAIT connection leaves its table 2*MSL (60 s) after its last
 * segment and ends CLOSED (demuxsim --time-wait). */
static const char *
truth_state(const MSock *s)
{
    if (s->state && strcmp(s->state, "TIME-WAIT") == 0 && s->act &&
        truth_frames >= s->act + 60)
        return "CLOSED";
    return s->state;
}

static void
truth_socket(GString *j, const MSock *s)
{
    g_string_append(j, "        {\"proto\": ");
    json_text(j, s->proto == P_UDP ? "udp" : "tcp");
    g_string_append(j, ", \"kind\": ");
    json_text(j, s->kind);
    g_string_append(j, ", \"local\": ");
    json_take(j, sock_local(s));
    g_string_append(j, ", \"remote\": ");
    json_take(j, s->connected ? endpoint_text(s->host->fam, s->raddr, s->rport) : NULL);
    g_string_append(j, ",\n         \"state\": ");
    json_text(j, truth_state(s));
    g_string_append(j, ", \"parent_local\": ");
    json_take(j, s->parent ? sock_local(s->parent) : NULL);
    g_string_append(j, ", \"parent_index\": ");
    if (s->parent)
        g_string_append_printf(j, "%u", s->parent->index);
    else
        g_string_append(j, "null");
    g_string_append_printf(j, ", \"midstream\": %s, \"declared\": %s,\n"
                           "         \"segments\": %" G_GUINT64_FORMAT
                           ", \"bytes\": %" G_GUINT64_FORMAT
                           ", \"bad_checksums\": %" G_GUINT64_FORMAT
                           ", \"peers\": %u}",
                           s->midstream ? "true" : "false",
                           s->declared ? "true" : "false", s->segments, s->bytes,
                           s->bad, g_hash_table_size(s->peers));
}

static void
truth_host(GString *j, const MHost *h)
{
    char a[INET6_ADDRSTRLEN];
    fmt_addr(h->fam, h->addr, a, sizeof a);
    g_string_append_printf(j, "    {\"address\": \"%s\",\n     \"sockets\": [", a);
    for (guint i = 0; i < h->socks->len; i++) {
        g_string_append(j, i ? ",\n" : "\n");
        truth_socket(j, g_ptr_array_index(h->socks, i));
    }
    g_string_append(j, h->socks->len ? "\n     ],\n     \"refused\": [" : "],\n     \"refused\": [");
    for (guint i = 0; i < h->refused->len; i++) {
        const MRefusal *r = g_ptr_array_index(h->refused, i);
        g_string_append(j, i ? ",\n" : "\n");
        g_string_append_printf(j, "        {\"proto\": \"%s\", \"port\": %u, \"peer\": ",
                               r->proto == P_UDP ? "udp" : "tcp", r->port);
        json_take(j, endpoint_text(h->fam, r->peer, r->peer_port));
        g_string_append_printf(j, ", \"frame\": %" G_GUINT64_FORMAT ", \"attempts\": %u,\n"
                               "         \"reply\": \"%s\", \"evidence\": ",
                               r->frame, r->attempts, r->reply);
        json_frame(j, r->evidence);
        g_string_append_printf(j, ", \"confirmed\": %s}", r->evidence ? "true" : "false");
    }
    g_string_append(j, h->refused->len ? "\n     ],\n" : "],\n");
    g_string_append(j, "     \"dropped\": {");
    for (int d = 0; d < MD_N; d++)
        g_string_append_printf(j, "%s\"%s\": %" G_GUINT64_FORMAT, d ? ", " : "",
                               MD_NAMES[d], h->drops[d]);
    g_string_append(j, "}}");
}

static void
truth_decision(GString *j, const MDecision *d)
{
    char a[INET6_ADDRSTRLEN];
    fmt_addr(d->host->fam, d->host->addr, a, sizeof a);
    g_string_append_printf(j, "    {\"frame\": %" G_GUINT64_FORMAT ", \"note\": ", d->frame);
    json_text(j, d->note);
    g_string_append_printf(j, ",\n     \"host\": \"%s\", \"socket\": ", a);
    if (d->sock)
        g_string_append_printf(j, "%u", d->sock->index);
    else
        g_string_append(j, "null");
    g_string_append(j, ", \"lookup\": ");
    json_text(j, d->lookup);
    g_string_append(j, ", \"action\": ");
    json_text(j, d->action);
    g_string_append(j, ", \"drop_reason\": ");
    json_text(j, d->drop);
    g_string_append(j, ", \"reply\": ");
    json_text(j, d->reply);
    g_string_append(j, ", \"evidence\": ");
    json_frame(j, d->evidence);
    if (d->proto == P_TCP) {
        g_string_append(j, ", \"state\": ");
        json_text(j, d->state);
    }
    g_string_append(j, "}");
}

static char *
truth_json(const Model *m, const char *capture, const char *sockets_file)
{
    GString *j = g_string_new("{\n");
    g_string_append(j, "  \"comment\": \"Generated by tests/gencap.c from the traffic it wrote: "
                    "the socket table each receiving host must end with, and the decision "
                    "for every segment (socket: index in that host's sockets).\",\n");
    g_string_append(j, "  \"capture\": ");
    json_text(j, capture);
    g_string_append(j, ",\n  \"sockets_file\": ");
    json_text(j, sockets_file);
    g_string_append_printf(j, ",\n  \"frames\": %u,\n", m->cap->recs->len);
    truth_frames = m->cap->recs->len;

    guint counts[3] = { 0, 0, 0 };
    GPtrArray *hosts = g_ptr_array_new();
    for (guint i = 0; i < m->hosts->len; i++) {
        MHost *h = g_ptr_array_index(m->hosts, i);
        g_ptr_array_add(hosts, h);
        for (guint k = 0; k < h->socks->len; k++) {
            const MSock *s = g_ptr_array_index(h->socks, k);
            counts[strcmp(s->kind, "bound") == 0 ? 0 : strcmp(s->kind, "listen") == 0 ? 1 : 2]++;
        }
    }
    g_ptr_array_sort(hosts, mhost_order);
    g_string_append_printf(j, "  \"counts\": {\"bound\": %u, \"listen\": %u, \"connection\": %u},\n",
                           counts[0], counts[1], counts[2]);
    g_string_append(j, "  \"hosts\": [\n");
    for (guint i = 0; i < hosts->len; i++) {
        truth_host(j, g_ptr_array_index(hosts, i));
        g_string_append(j, i + 1 < hosts->len ? ",\n" : "\n");
    }
    g_ptr_array_unref(hosts);
    g_string_append(j, "  ],\n  \"decisions\": [\n");
    for (guint i = 0; i < m->decisions->len; i++) {
        truth_decision(j, g_ptr_array_index(m->decisions, i));
        g_string_append(j, i + 1 < m->decisions->len ? ",\n" : "\n");
    }
    g_string_append(j, "  ]\n}\n");
    return g_string_free(j, FALSE);
}

static void
write_text(const char *outdir, const char *name, const char *text)
{
    write_bytes(outdir, name, (const guint8 *)text, strlen(text));
}

/* demux.pcap (+ .truth.tsv), demux.truth.json, demux-declared.ini and
 * demux-declared.truth.json. */
static void
gen_demux(const char *outdir)
{
    Model *inferred = model_new(FALSE);
    Model *declared = model_new(TRUE);
    demux_scenario(inferred);
    demux_scenario(declared);

    /* Knowing the sockets must not change a single frame. */
    GByteArray *x = serialize_pcap(inferred->cap, FALSE, FALSE, inferred->cap->recs->len);
    GByteArray *y = serialize_pcap(declared->cap, FALSE, FALSE, declared->cap->recs->len);
    g_assert(x->len == y->len && memcmp(x->data, y->data, x->len) == 0);
    g_byte_array_unref(x);
    g_byte_array_unref(y);

    emit(outdir, "demux.pcap", inferred->cap, F_PCAP_US, 0, TRUE,
         "Ethernet, coherent UDP/TCP traffic between 10.0.0.1-9 and "
         "2001:db8::1-3: DNS, listeners and their children, FIN closes "
         "incl. simultaneous, RST, TIME-WAIT reuse, late duplicate, "
         "mid-stream pickup, refusals with ICMP and RST, bad checksums");
    char *t = truth_json(inferred, "captures/demux.pcap", NULL);
    write_text(outdir, "demux.truth.json", t);
    g_free(t);
    printf("demux.truth.json: the socket tables demux.pcap implies, and every "
           "segment's decision\n");

    t = declared_ini();
    write_text(outdir, "demux-declared.ini", t);
    g_free(t);
    printf("demux-declared.ini: --sockets key file for demux.pcap (bound, "
           "wildcard, connected UDP; exact and wildcard listeners)\n");
    t = truth_json(declared, "captures/demux.pcap", "captures/demux-declared.ini");
    write_text(outdir, "demux-declared.truth.json", t);
    g_free(t);
    printf("demux-declared.truth.json: the socket tables of demux.pcap with "
           "--sockets demux-declared.ini\n");

    model_free(inferred);
    model_free(declared);
}

/* diagnosis.pcap (+ .truth.tsv) and diagnosis.pcap.diagnosis.tsv: one
 * frame per cause of a wrong checksum, planted here, with the cause
 * `demuxsim --explain` must name (and nothing for the clean frames).
 * Every planted value is computed with this file's own checksum code. */
static void
gen_diagnosis(const char *outdir)
{
    enum { CLEAN, OFFLOAD, LENGTH, SWAPPED, NAT, FLIPPED, NO_PSEUDO, IP_SWAPPED };
    static const struct {
        int plant;
        SegSpec s;
    } plan[] = {
        { CLEAN, { .fam = 4, .proto = P_UDP, .src = "10.0.0.1", .dst = "10.0.0.2",
                   .sport = 40000, .dport = 53, .plen = 20 } },
        { OFFLOAD, { .fam = 4, .proto = P_TCP, .src = "10.0.0.1", .dst = "10.0.0.2",
                     .sport = 40001, .dport = 80, .plen = 33, .flags = TH_ACK | TH_PSH,
                     .cs = CS_PARTIAL } },
        { LENGTH, { .fam = 4, .proto = P_UDP, .src = "10.0.0.1", .dst = "10.0.0.2",
                    .sport = 40002, .dport = 53, .plen = 21 } },
        { SWAPPED, { .fam = 6, .proto = P_TCP, .src = "2001:db8::1", .dst = "2001:db8::2",
                     .sport = 40003, .dport = 443, .plen = 40, .flags = TH_ACK } },
        { CLEAN, { .fam = 4, .proto = P_UDP, .src = "192.168.1.10", .dst = "10.0.0.2",
                   .sport = 5000, .dport = 53, .plen = 24 } },
        { NAT, { .fam = 4, .proto = P_UDP, .src = "203.0.113.5", .dst = "10.0.0.2",
                 .sport = 5000, .dport = 53, .plen = 24 } },
        { CLEAN, { .fam = 4, .proto = P_UDP, .src = "10.0.0.2", .dst = "203.0.113.5",
                   .sport = 53, .dport = 5000, .plen = 60 } },
        { FLIPPED, { .fam = 6, .proto = P_UDP, .src = "2001:db8::1", .dst = "2001:db8::2",
                     .sport = 40004, .dport = 53, .plen = 31 } },
        { NO_PSEUDO, { .fam = 4, .proto = P_UDP, .src = "10.0.0.1", .dst = "10.0.0.2",
                       .sport = 40005, .dport = 7, .plen = 16 } },
        { IP_SWAPPED, { .fam = 4, .proto = P_UDP, .src = "10.0.0.1", .dst = "10.0.0.2",
                        .sport = 40006, .dport = 53, .plen = 12 } },
    };
    Cap *c = cap_new(LT_ETHERNET, 65535);
    GString *diag = g_string_new("frame\tchecksum\tstatus\tcause\tdetail\n");
    reset_generators(0xc0ffee0du);

    for (guint i = 0; i < G_N_ELEMENTS(plan); i++) {
        const SegSpec *s = &plan[i].s;
        guint frame = i + 1, cso = s->proto == P_UDP ? 6 : 16;
        Built b;
        build_seg(s, &b);
        guint8 *seg = b.ip->data + b.l4off;
        gsize seglen = b.ip->len - b.l4off;
        guint16 v = b.stored;
        const char *status = "good", *cause = "-";
        char detail[64] = "-";

        switch (plan[i].plant) {
        case CLEAN:
            break;
        case OFFLOAD:
            status = "partial";
            cause = "offload";
            g_snprintf(detail, sizeof detail, "%" G_GSIZE_FORMAT, seglen);
            break;
        case LENGTH: {
            /* Four bytes past the datagram in the IP payload; the checksum
             * took the IP payload length in its pseudo-header. */
            gsize n = seglen + 4;
            g_byte_array_append(b.ip, (const guint8 *)"\x11\x22\x33\x44", 4);
            ip_set_length(&b, b.ip->len);
            seg = b.ip->data + b.l4off;
            GByteArray *ph = pseudo_header(4, b.src, b.pdst, P_UDP, (guint32)n);
            gsize base = ph->len;
            apmem(ph, seg, seglen);
            ph->data[base + 6] = ph->data[base + 7] = 0;
            v = inet_cksum(ph->data, ph->len);
            g_byte_array_unref(ph);
            status = "bad";
            cause = "length";
            g_snprintf(detail, sizeof detail, "%" G_GSIZE_FORMAT, n);
            break;
        }
        case SWAPPED:
            v = (guint16)(b.stored << 8 | b.stored >> 8);
            g_assert(v != b.stored);
            status = "bad";
            cause = "byte-swapped";
            break;
        case NAT: {
            /* Computed with the inside address, then rewritten (frame 5). */
            guint8 inside[16];
            parse_addr(4, plan[4].s.src, inside);
            v = l4_checksum(4, inside, b.pdst, P_UDP, seg, seglen, cso);
            status = "bad";
            cause = "source-address";
            g_snprintf(detail, sizeof detail, "%s@5", plan[4].s.src);
            break;
        }
        case FLIPPED:
            seg[8 + 13] ^= 0x10;
            status = "bad";
            cause = "corrupted";
            break;
        case NO_PSEUDO: {
            set16(b.ip, b.l4off + cso, 0);
            v = inet_cksum(seg, seglen);
            status = "bad";
            cause = "no-pseudo-header";
            break;
        }
        case IP_SWAPPED: {
            guint hsum = get16(b.ip, 10);
            g_assert((hsum >> 8) != (hsum & 0xff));
            set16(b.ip, 10, (hsum << 8 | hsum >> 8) & 0xffff);
            g_string_append_printf(diag, "%u\tipv4-header\tbad\tbyte-swapped\t-\n", frame);
            break;
        }
        }
        set16(b.ip, b.l4off + cso, v);
        if (plan[i].plant == FLIPPED || plan[i].plant == LENGTH) {
            /* What the field should hold for the bytes as they are. */
            b.computed = recompute(&b, seglen);
            if (b.computed == 0)
                b.computed = 0xffff;
        }
        g_assert(strcmp(status, "bad") != 0 || v != b.computed);
        TSET(&b.t, checksum, "0x%04x", v);
        TSET(&b.t, computed, "0x%04x", b.computed);
        if (strcmp(status, "bad") == 0)
            truth_status(&b.t, "bad", "mismatch");
        g_string_append_printf(diag, "%u\ttransport\t%s\t%s\t%s\n", frame, status,
                               cause, detail);
        add_eth(c, &b, PAD_ZERO);
    }
    emit(outdir, "diagnosis.pcap", c, F_PCAP_US, 0, TRUE,
         "Ethernet, one planted cause per wrong checksum: offload, length, "
         "byte-swapped, NAT-rewritten source, flipped bit, no pseudo-header, "
         "swapped IPv4 header checksum; causes in .diagnosis.tsv");
    write_bytes(outdir, "diagnosis.pcap.diagnosis.tsv", (const guint8 *)diag->str, diag->len);
    g_string_free(diag, TRUE);
    cap_free(c);
}

/* frag.pcap (+ .truth.tsv, which describes each frame as captured, and
 * frag.pcap.reasm.tsv): fragmented UDP datagrams for IP reassembly.  An
 * IPv4 datagram whose fragments come last, first, then middle, with a
 * whole datagram in between; an IPv6 datagram in order whose checksum is
 * wrong over the whole datagram; an IPv4 datagram whose last fragment
 * never comes.  MTU 1500: 1480 bytes per IPv4 fragment, 1448 per IPv6. */
static void
gen_fragments(const char *outdir)
{
    static const struct {
        SegSpec s;
        guint32 id;
        int order[3];            /* fragment indexes in sending order */
        int sent;                /* how many of them are sent */
    } dg[] = {
        { { UDP4(V4A, V4B, 47000, 47001, 3000) }, 0x4d01, { 2, 0, 1 }, 3 },
        { { UDP6(V6A, V6B, 47002, 47003, 3000), .cs = CS_BAD }, 0x6d000002u, { 0, 1, 2 }, 3 },
        { { UDP4(V4A, V4B, 47004, 47005, 2000) }, 0x4d03, { 0, 1, 2 }, 1 },
    };
    /* Frames in capture order: (datagram, position in its order), or the
     * whole datagram D as (-1, 0). */
    static const int plan[][2] = {
        { 0, 0 }, { 0, 1 }, { -1, 0 }, { 0, 2 }, { 1, 0 }, { 1, 1 }, { 2, 0 }, { 1, 2 },
    };
    Built b[G_N_ELEMENTS(dg)];
    GString *reasm = g_string_new("frame\tfamily\tsrc\tsport\tdst\tdport\tlength\tchecksum\t"
                                  "computed\tstatus\treason\tfragments\n");
    GString *frames[G_N_ELEMENTS(dg)];
    Cap *c = cap_new(1, 65535);

    reset_generators(0xc0ffee0fu);
    for (gsize i = 0; i < G_N_ELEMENTS(dg); i++) {
        build_seg(&dg[i].s, &b[i]);
        frames[i] = g_string_new(NULL);
    }
    for (gsize k = 0; k < G_N_ELEMENTS(plan); k++) {
        int i = plan[k][0];
        guint frame = (guint)k + 1;
        if (i < 0) {
            add_seg_eth(c, &(SegSpec){ UDP4(V4A, V4B, 47006, 47007, 20) });
            continue;
        }
        const Built *d = &b[i];
        gsize size = d->fam == 4 ? 1480 : 1448;
        gsize seglen = d->ip->len - d->l4off;
        gsize n_frag = (seglen + size - 1) / size;
        gsize f = (gsize)dg[i].order[plan[k][1]];
        gsize off = f * size, n = MIN(size, seglen - off);
        gboolean more = f + 1 < n_frag;
        const guint8 *data = d->ip->data + d->l4off + off;
        GByteArray *ip;
        guint8 dst[16];
        parse_addr(d->fam, dg[i].s.dst, dst);
        g_assert(n_frag <= 3 && (!more || n % 8 == 0));
        if (d->fam == 4) {
            ip = ipv4_packet(d->src, dst, P_UDP, NULL, 0,
                             (guint)(off / 8) | (more ? IP_MF : 0), data, n, FALSE);
            set16(ip, 4, dg[i].id);
            ipv4_fix_header_checksum(ip, FALSE);
        } else {
            GByteArray *fr = g_byte_array_new();
            ap8(fr, P_UDP); ap8(fr, 0);
            ap16(fr, (guint)off | (more ? 1 : 0));
            ap32(fr, dg[i].id);
            apmem(fr, data, n);
            ip = ipv6_packet(d->src, dst, P_FRAGMENT, NULL, 0, fr->data, fr->len);
            g_byte_array_unref(fr);
        }
        GByteArray *eth = eth_frame(NULL, 0, ethertype_of(d->fam), ip, PAD_ZERO);
        if (f == 0) {
            /* Captured alone, the first fragment is an unverified
             * segment (its UDP length covers the whole datagram). */
            Truth t = d->t;
            TSET(&t, computed, "-");
            truth_status(&t, "unverified", "fragment");
            cap_add(c, eth, &t);
        } else {
            cap_add_skip(c, eth);
        }
        g_string_append_printf(frames[i], "%s%u", frames[i]->len ? "," : "", frame);
        if (plan[k][1] + 1 == dg[i].sent && dg[i].sent == (int)n_frag)
            g_string_append_printf(reasm, "%u\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
                                   frame, d->t.family, d->t.src, d->t.sport, d->t.dst,
                                   d->t.dport, d->t.length, d->t.checksum, d->t.computed,
                                   d->t.status, d->t.reason, frames[i]->str);
    }
    /* What the reassembly must count, per family. */
    g_string_append(reasm, "#count\tipv4\tfragments\t4\n#count\tipv4\treassembled\t1\n"
                           "#count\tipv4\tincomplete\t1\n#count\tipv6\tfragments\t3\n"
                           "#count\tipv6\treassembled\t1\n#count\tipv6\tincomplete\t0\n");
    emit(outdir, "frag.pcap", c, F_PCAP_US, 0, TRUE,
         "Ethernet, fragmented UDP over IPv4 (out of order, interleaved, "
         "incomplete) and IPv6 (bad checksum); reassembly truth in .reasm.tsv");
    write_bytes(outdir, "frag.pcap.reasm.tsv", (const guint8 *)reasm->str, reasm->len);
    g_string_free(reasm, TRUE);
    for (gsize i = 0; i < G_N_ELEMENTS(dg); i++) {
        g_string_free(frames[i], TRUE);
        g_byte_array_unref(b[i].ip);
    }
    cap_free(c);
}

/* ------------------------------------------------------------------ */
/* Link layers beyond Ethernet: MPLS, PPPoE, PPP, Cisco HDLC, 802.11,  */
/* radiotap, NFLOG                                                     */
/* ------------------------------------------------------------------ */

enum { ETH_MPLS = 0x8847, ETH_PPPOE_D = 0x8863, ETH_PPPOE_S = 0x8864,
       LT_PPP = 9, LT_C_HDLC = 104, LT_IEEE802_11 = 105,
       LT_IEEE802_11_RADIO = 127, LT_NFLOG = 239 };

/* An MPLS label stack of n entries (RFC 3032), bottom last, in front of p. */
static GByteArray *
mpls_stack(const guint32 *labels, int n, GByteArray *p)
{
    GByteArray *f = g_byte_array_new();
    for (int i = 0; i < n; i++)
        ap32(f, labels[i] << 12 | (i + 1 == n ? 0x100u : 0) | (guint)(64 - i));
    return concat_free(f, p);
}

/* mpls.pcap: label stacks over Ethernet, behind VLAN tags, and an
 * Ethernet pseudowire with its control word (RFC 4385). */
static Cap *
gen_mpls(void)
{
    reset_generators(0xc0ffee20u);
    Cap *c = cap_new(LT_ETHERNET, 65535);
    static const guint32 one[] = { 16000 }, three[] = { 18, 1002, 16 };
    static const guint16 qinq[] = { TPID_8021AD, 215, TPID_8021Q, 11 };
    Built b[4];
    basic_four(b, 37000);
    cap_add(c, eth_frame(NULL, 0, ETH_MPLS, mpls_stack(one, 1, b[0].ip), PAD_ZERO), &b[0].t);
    cap_add(c, eth_frame(NULL, 0, ETH_MPLS, mpls_stack(three, 3, b[1].ip), PAD_ZERO), &b[1].t);
    cap_add(c, eth_frame(qinq, 2, ETH_MPLS, mpls_stack(one, 1, b[2].ip), PAD_ZERO), &b[2].t);
    /* Pseudowire: control word 0, then the customer's Ethernet frame. */
    GByteArray *pw = g_byte_array_new();
    ap32(pw, 0);
    pw = concat_free(pw, eth_frame(NULL, 0, ETH_IPV6, b[3].ip, PAD_ZERO));
    cap_add(c, eth_frame(NULL, 0, ETH_MPLS, mpls_stack(three, 2, pw), PAD_ZERO), &b[3].t);
    /* ARP in a pseudowire: not IP. */
    pw = g_byte_array_new();
    ap32(pw, 0);
    pw = concat_free(pw, eth_frame(NULL, 0, ETH_ARP, arp_request(), PAD_ZERO));
    cap_add_skip(c, eth_frame(NULL, 0, ETH_MPLS, mpls_stack(one, 1, pw), PAD_ZERO));
    return c;
}

/* A PPPoE session header (RFC 2516) and PPP protocol in front of p. */
static GByteArray *
pppoe_session(guint session, guint ppp_proto, GByteArray *p)
{
    GByteArray *f = g_byte_array_new();
    ap8(f, 0x11);
    ap8(f, 0);
    ap16(f, session);
    ap16(f, p->len + 2);
    ap16(f, ppp_proto);
    return concat_free(f, p);
}

static guint
ppp_proto_of(int fam)
{
    return fam == 4 ? 0x0021 : 0x0057;
}

/* pppoe.pcap: PPPoE sessions carrying IPv4/IPv6, one behind QinQ tags,
 * an LCP echo and a discovery PADI (not IP). */
static Cap *
gen_pppoe(void)
{
    reset_generators(0xc0ffee21u);
    Cap *c = cap_new(LT_ETHERNET, 65535);
    static const guint16 qinq[] = { TPID_8021AD, 300, TPID_8021Q, 30 };
    Built b[4];
    basic_four(b, 37100);
    for (int i = 0; i < 4; i++)
        cap_add(c, eth_frame(i == 3 ? qinq : NULL, i == 3 ? 2 : 0, ETH_PPPOE_S,
                             pppoe_session(0x11, ppp_proto_of(b[i].fam), b[i].ip), PAD_ZERO),
                &b[i].t);
    GByteArray *lcp = g_byte_array_new();
    ap32(lcp, 0x096a0008u);                 /* Echo-Request, id 106, length 8 */
    ap32(lcp, 0);
    cap_add_skip(c, eth_frame(NULL, 0, ETH_PPPOE_S, pppoe_session(0x17, 0xc021, lcp), PAD_ZERO));
    GByteArray *padi = g_byte_array_new();
    ap32(padi, 0x11090000u);                /* PADI, session 0 */
    ap16(padi, 4);
    ap32(padi, 0x01010000u);                /* Service-Name, empty */
    cap_add_skip(c, eth_frame(NULL, 0, ETH_PPPOE_D, padi, PAD_ZERO));
    return c;
}

/* ppp.pcap (LINKTYPE_PPP, RFC 1661/1662): with and without the ff 03
 * address and control, a compressed 1-byte protocol, MPLS, and LCP. */
static Cap *
gen_ppp(void)
{
    reset_generators(0xc0ffee22u);
    Cap *c = cap_new(LT_PPP, 65535);
    static const guint32 one[] = { 100704 };
    Built b[4];
    basic_four(b, 37200);
    for (int i = 0; i < 4; i++) {
        GByteArray *f = g_byte_array_new();
        if (i != 1) {
            ap8(f, 0xff);
            ap8(f, 0x03);
        }
        if (i == 2)
            ap8(f, ppp_proto_of(b[i].fam));  /* protocol field compressed */
        else
            ap16(f, i == 3 ? 0x0281 : ppp_proto_of(b[i].fam));
        cap_add(c, concat_free(f, i == 3 ? mpls_stack(one, 1, b[i].ip) : b[i].ip), &b[i].t);
    }
    GByteArray *lcp = g_byte_array_new();
    ap32(lcp, 0xff03c021u);
    ap32(lcp, 0x01010004u);                 /* Configure-Request, no options */
    cap_add_skip(c, lcp);
    return c;
}

/* chdlc.pcap (LINKTYPE_C_HDLC): unicast and broadcast addresses, and a
 * SLARP keepalive (not IP). */
static Cap *
gen_chdlc(void)
{
    reset_generators(0xc0ffee23u);
    Cap *c = cap_new(LT_C_HDLC, 65535);
    Built b[4];
    basic_four(b, 37300);
    for (int i = 0; i < 4; i++) {
        GByteArray *f = g_byte_array_new();
        ap8(f, i % 2 ? 0x8f : 0x0f);
        ap8(f, 0);
        ap16(f, ethertype_of(b[i].fam));
        cap_add(c, concat_free(f, b[i].ip), &b[i].t);
    }
    GByteArray *slarp = g_byte_array_new();
    ap32(slarp, 0x8f008035u);
    ap32(slarp, 2);                         /* keepalive */
    ap32(slarp, 5);
    ap32(slarp, 2);
    ap32(slarp, 0xffff0000u);
    ap32(slarp, 0x00000000u);
    cap_add_skip(c, slarp);
    return c;
}

enum { WF_QOS = 1, WF_TODS = 2, WF_FROMDS = 4, WF_HTC = 8, WF_PROTECTED = 16, WF_MGMT = 32 };

/* An IEEE 802.11 frame (IEEE Std 802.11-2020 section 9.3.2) with LLC/SNAP
 * in front of p (consumed), of the form wf. */
static GByteArray *
wlan_frame(unsigned wf, guint ethertype, GByteArray *p)
{
    static const guint8 ap[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0xaa };
    GByteArray *f = g_byte_array_new();
    ap8(f, wf & WF_MGMT ? 0x40 : wf & WF_QOS ? 0x88 : 0x08);
    ap8(f, (wf & WF_TODS ? 0x01 : 0) | (wf & WF_FROMDS ? 0x02 : 0) |
           (wf & WF_PROTECTED ? 0x40 : 0) | (wf & WF_HTC ? 0x80 : 0));
    ap16(f, 0x3a01);                        /* duration */
    apmem(f, MAC_B, 6);
    apmem(f, MAC_A, 6);
    apmem(f, ap, 6);
    ap16(f, 0x1001);                        /* sequence 256, fragment 0 */
    if ((wf & WF_TODS) && (wf & WF_FROMDS))
        apmem(f, MAC_A, 6);
    if (wf & WF_QOS)
        ap16(f, 0x0500);                    /* TID 5 */
    if (wf & WF_HTC)
        ap32(f, 0x0000c000u);
    ap32(f, 0xaaaa0300u);
    ap8(f, 0);
    ap8(f, 0);
    ap16(f, ethertype);
    return concat_free(f, p);
}

/* The 802.11 frames of 80211.pcap and radiotap.pcap: data, QoS data with
 * and without HT control, 4 addresses; then a protected frame, a
 * management frame (skipped). */
static void
add_wlan_frames(Cap *c, guint16 port, GByteArray *(*wrap)(GByteArray *))
{
    static const unsigned forms[4] = {
        WF_TODS, WF_QOS | WF_FROMDS, WF_QOS | WF_HTC | WF_TODS, WF_QOS | WF_TODS | WF_FROMDS,
    };
    Built b[4];
    basic_four(b, port);
    for (int i = 0; i < 4; i++)
        cap_add(c, wrap(wlan_frame(forms[i], ethertype_of(b[i].fam), b[i].ip)), &b[i].t);
    GByteArray *junk = g_byte_array_new();
    aprand(junk, 48);
    cap_add_skip(c, wrap(wlan_frame(WF_QOS | WF_TODS | WF_PROTECTED, ETH_IPV4, junk)));
    junk = g_byte_array_new();
    aprand(junk, 20);
    cap_add_skip(c, wrap(wlan_frame(WF_MGMT, ETH_IPV4, junk)));
}

static GByteArray *
bare(GByteArray *f)
{
    return f;
}

/* Radiotap (https://www.radiotap.org): TSFT, Flags (FCS at end), rate,
 * then f and a 4-byte FCS (not payload). */
static GByteArray *
radiotap_fcs(GByteArray *f)
{
    GByteArray *r = g_byte_array_new();
    ap8(r, 0);
    ap8(r, 0);
    ap8(r, 20);                             /* length, little-endian */
    ap8(r, 0);
    ap8(r, 0x07);                           /* TSFT, Flags, Rate */
    apzero(r, 3);
    apzero(r, 8);                           /* TSFT */
    ap8(r, 0x10);                           /* Flags: FCS at end */
    ap8(r, 0x0c);                           /* 6 Mb/s */
    apzero(r, 2);
    r = concat_free(r, f);
    ap32(r, rng_next());                    /* FCS (not checked) */
    return r;
}

static Cap *
gen_wlan(gboolean radio)
{
    reset_generators(radio ? 0xc0ffee25u : 0xc0ffee24u);
    Cap *c = cap_new(radio ? LT_IEEE802_11_RADIO : LT_IEEE802_11, 65535);
    add_wlan_frames(c, radio ? 37500 : 37400, radio ? radiotap_fcs : bare);
    return c;
}

/* nflog.pcap (LINKTYPE_NFLOG): the header, a prefix TLV, the payload TLV
 * (type 9) holding the IP packet; the TLVs in little-endian order. */
static GByteArray *
nflog_frame(int fam, GByteArray *p)
{
    GByteArray *f = g_byte_array_new();
    ap8(f, fam == 4 ? 2 : 10);
    ap8(f, 0);
    ap16(f, 42);                            /* resource id */
    put16e(f, 8, FALSE);                    /* NFULA_PREFIX "demo" */
    put16e(f, 10, FALSE);
    apmem(f, "demo", 4);
    put16e(f, p->len + 4, FALSE);           /* NFULA_PAYLOAD */
    put16e(f, 9, FALSE);
    f = concat_free(f, p);
    while (f->len % 4)
        ap8(f, 0);
    return f;
}

static Cap *
gen_nflog(void)
{
    reset_generators(0xc0ffee26u);
    Cap *c = cap_new(LT_NFLOG, 65535);
    Built b[4];
    basic_four(b, 37600);
    for (int i = 0; i < 4; i++)
        cap_add(c, nflog_frame(b[i].fam, b[i].ip), &b[i].t);
    cap_add_skip(c, nflog_frame(4, icmp_echo_v4(V4A, V4B)));
    return c;
}

static void
gen_links(const char *out)
{
    Cap *c = gen_mpls();
    emit(out, "mpls.pcap", c, F_PCAP_US, 0, TRUE,
         "Ethernet, MPLS label stacks (also behind QinQ), an Ethernet pseudowire");
    cap_free(c);
    c = gen_pppoe();
    emit(out, "pppoe.pcap", c, F_PCAP_US, 0, TRUE,
         "Ethernet, PPPoE sessions (also behind QinQ), LCP, PADI");
    cap_free(c);
    c = gen_ppp();
    emit(out, "ppp.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_PPP (9), with/without ff 03, compressed protocol, MPLS, LCP");
    cap_free(c);
    c = gen_chdlc();
    emit(out, "chdlc.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_C_HDLC (104), unicast and broadcast, SLARP");
    cap_free(c);
    c = gen_wlan(FALSE);
    emit(out, "80211.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_IEEE802_11 (105), data/QoS/HT control/4 addresses, protected, management");
    cap_free(c);
    c = gen_wlan(TRUE);
    emit(out, "radiotap.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_IEEE802_11_RADIO (127), radiotap with FCS, the frames of 80211.pcap");
    cap_free(c);
    c = gen_nflog();
    emit(out, "nflog.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_NFLOG (239), IPv4/IPv6 payload TLVs, ICMP");
    cap_free(c);
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    const char *out = argv[1];
    if (g_mkdir_with_parents(out, 0755) != 0) {
        perror(out);
        return 1;
    }

    Cap *c = gen_checksums();
    emit(out, "checksums.pcap", c, F_PCAP_US, 0, TRUE,
         "Ethernet, every checksum status (good/bad/absent/zero-ipv6/0xffff/"
         "partial), padding, IPv4 options, bad IP header sum, IPv6 ext "
         "headers incl. RH0 and SRH, TCP flags, ARP/ICMP/ICMPv6 skips");
    emit(out, "checksums-ns.pcap", c, F_PCAP_NS, 8, TRUE,
         "first 8 frames of checksums.pcap, nanosecond pcap (0xa1b23c4d)");
    emit(out, "checksums-be.pcap", c, F_PCAP_BE_US, 0, TRUE,
         "checksums.pcap as big-endian microsecond pcap");
    emit(out, "checksums.pcapng", c, F_PCAPNG, 0, TRUE,
         "checksums.pcap as little-endian pcapng (SHB, IDB linktype 1, EPBs)");
    emit(out, "checksums-be.pcapng", c, F_PCAPNG_BE, 0, TRUE,
         "checksums.pcap as big-endian pcapng");
    cap_free(c);

    c = gen_malformed();
    emit(out, "malformed.pcap", c, F_PCAP_US, 0, TRUE,
         "Ethernet, lying UDP/TCP/IP lengths, IHL<5, IPv4/IPv6 fragments");
    cap_free(c);

    c = gen_truncated();
    emit(out, "truncated.pcap", c, F_PCAP_US, 0, TRUE,
         "Ethernet snaplen 64, segments cut by snaplen");
    cap_free(c);

    c = gen_vlan();
    emit(out, "vlan.pcap", c, F_PCAP_US, 0, TRUE,
         "Ethernet with 0x8100, 0x88a8+0x8100 and 0x9100+0x88a8+0x8100 tags");
    cap_free(c);

    c = gen_sll(FALSE);
    emit(out, "sll.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_LINUX_SLL (113), IPv4/IPv6 UDP/TCP, ARP");
    cap_free(c);
    c = gen_sll(TRUE);
    emit(out, "sll2.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_LINUX_SLL2 (276), IPv4/IPv6 UDP/TCP, ARP");
    cap_free(c);

    c = gen_raw(LT_RAW);
    emit(out, "raw.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_RAW (101), IPv4 and IPv6");
    cap_free(c);
    c = gen_raw(LT_IPV4);
    emit(out, "ipv4.pcap", c, F_PCAP_US, 0, TRUE, "LINKTYPE_IPV4 (228)");
    cap_free(c);
    c = gen_raw(LT_IPV6);
    emit(out, "ipv6.pcap", c, F_PCAP_US, 0, TRUE, "LINKTYPE_IPV6 (229)");
    cap_free(c);

    c = gen_null(LT_NULL, FALSE);
    emit(out, "null-le.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_NULL (0), AF 2/24/28/30 little-endian");
    cap_free(c);
    c = gen_null(LT_NULL, TRUE);
    emit(out, "null-be.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_NULL (0), little-endian file, AF 2/24/28/30 big-endian");
    cap_free(c);
    c = gen_null(LT_LOOP, TRUE);
    emit(out, "loop.pcap", c, F_PCAP_US, 0, TRUE,
         "LINKTYPE_LOOP (108), AF 2/24/28/30 big-endian");
    cap_free(c);

    c = gen_mixed();
    emit(out, "mixed.pcapng", c, F_PCAPNG, 0, TRUE,
         "pcapng, interfaces of link types 1, 101 and 113 (libpcap refuses it)");
    cap_free(c);
    c = gen_mixed_snaplen();
    emit(out, "mixed-snaplen.pcapng", c, F_PCAPNG, 0, TRUE,
         "pcapng, two Ethernet interfaces of snaplen 65535 and 128 (libpcap refuses it)");
    cap_free(c);

    c = gen_unsupported();
    emit(out, "unsupported.pcap", c, F_PCAP_US, 0, FALSE,
         "LINKTYPE_USER0 (147): must be refused, no truth file");
    cap_free(c);

    gen_truncated_record(out);
    gen_bad_files(out);
    gen_demux(out);
    gen_diagnosis(out);
    gen_fragments(out);
    gen_links(out);
    return 0;
}
