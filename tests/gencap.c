/*
 * gencap.c - deterministic test capture generator for demuxsim.
 *
 * Usage: gencap OUTDIR
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
 * Build: gcc -std=c11 -Wall -Wextra -Werror tests/gencap.c -o tests/gencap \
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
    b->data[off] = (guint8)((v >> 8) & 0xff);
    b->data[off + 1] = (guint8)(v & 0xff);
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
 * 16-bit big-endian words of p (odd trailing byte padded with zero). */
static guint16
inet_cksum(const guint8 *p, gsize n)
{
    guint64 sum = 0;
    while (n > 1) {
        sum += ((guint)p[0] << 8) | p[1];
        p += 2;
        n -= 2;
    }
    if (n == 1)
        sum += (guint)p[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (guint16)(~sum & 0xffff);
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
        guint32 seq = rng_next();
        guint32 ack = (s->flags & TH_ACK) ? rng_next() : 0;
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
    Truth t;
} Rec;

typedef struct {
    guint32 linktype, snaplen;
    GPtrArray *recs;
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
    r->data = frame;
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

    /* Interface Description Block (if_tsresol absent: microseconds) */
    start = b->len;
    put32e(b, 1, be);
    put32e(b, 0, be);
    put16e(b, c->linktype, be);
    put16e(b, 0, be);
    put32e(b, c->snaplen, be);
    pcapng_option(b, 2, "eth0", be);             /* if_name */
    put32e(b, 0, be);
    pcapng_close_block(b, start, be);

    /* Enhanced Packet Blocks */
    for (guint i = 0; i < c->recs->len; i++) {
        const Rec *r = g_ptr_array_index(c->recs, i);
        guint64 ts = (guint64)r->sec * 1000000u + r->nsec / 1000;
        start = b->len;
        put32e(b, 6, be);
        put32e(b, 0, be);
        put32e(b, 0, be);                        /* interface id */
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

    c = gen_unsupported();
    emit(out, "unsupported.pcap", c, F_PCAP_US, 0, FALSE,
         "LINKTYPE_USER0 (147): must be refused, no truth file");
    cap_free(c);

    gen_truncated_record(out);
    gen_bad_files(out);
    return 0;
}
