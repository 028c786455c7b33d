/* explain-diagnose.c - why a checksum is wrong: each cause is a
 * hypothesis recomputed exactly, and named only when the recomputed value
 * equals the stored field.  Addresses are tested with the incremental
 * update of RFC 1624 (eqn. 3), one call per 16-bit word.
 */
#include "config.h"

#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "explain-int.h"

/* Whether the field value @stored is the checksum @value; 0x0000 and
 * 0xffff are the two forms of one's-complement zero (a UDP sender turns a
 * computed 0 into 0xffff). */
static bool
same(uint16_t stored, uint16_t value)
{
	if (stored == value)
		return true;
	return (stored == 0xffff && value == 0) || (stored == 0 && value == 0xffff);
}

static dm_xdiag *
add_diag(dm_explain *x, dm_xdiag_kind kind)
{
	x->diags = g_renew(dm_xdiag, x->diags, x->n_diags + 1);
	dm_xdiag *d = &x->diags[x->n_diags++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	return d;
}

static bool
is_bad_mismatch(const dm_explain *x)
{
	return x->computed && x->status == DM_CSUM_BAD &&
	       x->reason == DM_CSUM_REASON_MISMATCH;
}

void
dm_explain_diagnose_swap(dm_explain *x)
{
	uint16_t swapped = (uint16_t)(x->stored << 8 | x->stored >> 8);
	if (is_bad_mismatch(x) && same(swapped, x->expected))
		add_diag(x, DM_XDIAG_SWAPPED);
}

void
dm_explain_diagnose_segment(dm_explain *x, const dm_pseudo *ph,
                            const uint8_t *seg, size_t seglen)
{
	if (x->status == DM_CSUM_PARTIAL) {
		/* dm_csum_verify() called it partial: say which length. */
		dm_wsum pseudo = dm_csum_pseudo(ph);
		dm_xdiag *d = add_diag(x, DM_XDIAG_OFFLOAD);
		d->length = x->stored == dm_csum_fold(pseudo) ? ph->length : 0;
		return;
	}
	if (x->status == DM_CSUM_BAD && x->reason == DM_CSUM_REASON_ZERO_IPV6) {
		add_diag(x, DM_XDIAG_ZERO_IPV6);
		return;
	}
	if (!is_bad_mismatch(x))
		return;
	dm_explain_diagnose_swap(x);

	/* The segment alone, field as zero, no pseudo-header. */
	dm_wsum s = dm_csum_add(0, seg, seglen);
	s = dm_csum_add16(s, (uint16_t)~x->stored);
	if (same(x->stored, (uint16_t)~dm_csum_fold(s)))
		add_diag(x, DM_XDIAG_NO_PSEUDO);
}

/* The UDP checksum over the first @cover bytes of @seg, with pseudo-header
 * length @plen and the UDP length field taken as @field_len. */
static uint16_t
udp_variant(const dm_explain *x, const uint8_t *seg, uint32_t cover,
            uint32_t plen, uint16_t field_len)
{
	dm_pseudo ph = {
		.family = x->family, .src = x->src, .dst = x->dst,
		.proto = x->proto, .length = plen,
	};
	uint16_t len_field = (uint16_t)(seg[4] << 8 | seg[5]);
	dm_wsum s = dm_csum_add(dm_csum_pseudo(&ph), seg, cover);
	s = dm_csum_add16(s, (uint16_t)~x->stored);
	s = dm_csum_add16(s, (uint16_t)~len_field);
	s = dm_csum_add16(s, field_len);
	return (uint16_t)~dm_csum_fold(s);
}

void
dm_explain_diagnose_length(dm_explain *x, const dm_packet *pkt)
{
	uint32_t udp_len = pkt->udp_length;
	uint32_t ip_len = pkt->ip_payload_len;

	if (!is_bad_mismatch(x) || ip_len == udp_len || ip_len > pkt->l4_caplen ||
	    ip_len < 8 || ip_len > 0xffff)
		return;
	/* The sender's datagram was ip_len long (its length field rewritten
	 * since, or left as is), or only the pseudo-header took the IP
	 * payload length, or the bytes past the UDP length were summed. */
	const uint8_t *seg = pkt->l4;
	uint16_t v[] = {
		udp_variant(x, seg, ip_len, ip_len, (uint16_t)ip_len),
		udp_variant(x, seg, ip_len, ip_len, (uint16_t)udp_len),
		udp_variant(x, seg, udp_len, ip_len, (uint16_t)udp_len),
		udp_variant(x, seg, ip_len, udp_len, (uint16_t)udp_len),
	};
	for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
		if (same(x->stored, v[i])) {
			add_diag(x, DM_XDIAG_LENGTH)->length = ip_len;
			return;
		}
	}
}

bool
dm_explain_try_address(dm_explain *x, bool source, const uint8_t *addr,
                       uint64_t frame)
{
	size_t alen = x->family == 6 ? 16 : 4;
	const uint8_t *old = source ? x->src : x->dst;
	dm_xdiag_kind kind = source ? DM_XDIAG_SRC_ADDR : DM_XDIAG_DST_ADDR;

	if (!is_bad_mismatch(x) || x->kind == DM_XKIND_WORDS ||
	    memcmp(old, addr, alen) == 0)
		return false;
	for (size_t i = 0; i < x->n_diags; i++)
		if (x->diags[i].kind == kind && memcmp(x->diags[i].addr, addr, alen) == 0)
			return false;
	uint16_t field = x->checksum;
	for (size_t i = 0; i < alen; i += 2)
		field = dm_csum_update16(field, (uint16_t)(old[i] << 8 | old[i + 1]),
		                         (uint16_t)(addr[i] << 8 | addr[i + 1]));
	if (!same(x->stored, field))
		return false;
	dm_xdiag *d = add_diag(x, kind);
	memcpy(d->addr, addr, alen);
	d->frame = frame;
	return true;
}

void
dm_explain_conclude(dm_explain *x)
{
	if (is_bad_mismatch(x) && x->n_diags == 0)
		add_diag(x, DM_XDIAG_CORRUPTED);
}

/* ------------------------------------------------------------------ */
/* Flows seen in a capture                                             */
/* ------------------------------------------------------------------ */

typedef struct {
	uint8_t family, proto;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
	uint64_t frame;        /* the first frame of the flow */
} flow;

struct dm_flowseen {
	GHashTable *index;     /* flow key bytes -> index + 1 */
	GArray *flows;
};

dm_flowseen *
dm_flowseen_new(void)
{
	dm_flowseen *fs = g_new0(dm_flowseen, 1);
	fs->index = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
	                                  (GDestroyNotify)g_bytes_unref, NULL);
	fs->flows = g_array_new(FALSE, TRUE, sizeof(flow));
	return fs;
}

void
dm_flowseen_add(dm_flowseen *fs, uint64_t frame, const dm_packet *pkt)
{
	flow f;
	memset(&f, 0, sizeof f);
	f.family = pkt->family;
	f.proto = pkt->proto;
	f.sport = pkt->sport;
	f.dport = pkt->dport;
	memcpy(f.src, pkt->src, 16);
	memcpy(f.dst, pkt->final_dst, 16);
	/* The key is the flow without its frame. */
	GBytes *key = g_bytes_new(&f, offsetof(flow, frame));
	if (g_hash_table_contains(fs->index, key)) {
		g_bytes_unref(key);
		return;
	}
	f.frame = frame;
	g_array_append_val(fs->flows, f);
	g_hash_table_insert(fs->index, key, GUINT_TO_POINTER(fs->flows->len));
}

static bool
addr_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	return memcmp(a, b, n) == 0;
}

void
dm_flowseen_diagnose(const dm_flowseen *fs, const dm_packet *pkt, dm_explain *x)
{
	size_t n = pkt->family == 6 ? 16 : 4;
	const uint8_t *src = pkt->src, *dst = pkt->final_dst;

	for (guint i = 0; i < fs->flows->len; i++) {
		const flow *f = &g_array_index(fs->flows, flow, i);
		if (f->family != pkt->family || f->proto != pkt->proto)
			continue;
		if (f->sport == pkt->sport && f->dport == pkt->dport) {
			/* The same direction, one address different. */
			if (addr_eq(f->dst, dst, n) && !addr_eq(f->src, src, n))
				dm_explain_try_address(x, true, f->src, f->frame);
			if (addr_eq(f->src, src, n) && !addr_eq(f->dst, dst, n))
				dm_explain_try_address(x, false, f->dst, f->frame);
		}
		if (f->sport == pkt->dport && f->dport == pkt->sport) {
			/* A reply, addressed to (or from) the original. */
			if (addr_eq(f->src, dst, n) && !addr_eq(f->dst, src, n))
				dm_explain_try_address(x, true, f->dst, f->frame);
			if (addr_eq(f->dst, src, n) && !addr_eq(f->src, dst, n))
				dm_explain_try_address(x, false, f->src, f->frame);
		}
	}
}

void
dm_flowseen_free(dm_flowseen *fs)
{
	if (!fs)
		return;
	g_hash_table_unref(fs->index);
	g_array_unref(fs->flows);
	g_free(fs);
}
