/* evidence.c - what a first pass over a capture finds of refusals: ICMP
 * (RFC 792) / ICMPv6 (RFC 4443) port-unreachable errors quoting a UDP
 * datagram, and TCP RSTs (RFC 9293 section 3.10.7.1: a SYN to a closed
 * port is answered by <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, a
 * segment carrying an ACK by <SEQ=SEG.ACK><CTL=RST>).
 * Keys: local = the refusing host's address and port, remote = the peer.
 */
#include "config.h"

#include <string.h>

#include "demux-int.h"

static void
free_array(gpointer p)
{
	g_array_unref(p);
}

dm_evidence *
dm_evidence_new(bool senders)
{
	dm_evidence *ev = g_new0(dm_evidence, 1);
	ev->items = g_hash_table_new_full(dm_key_hash, dm_key_equal, g_free, free_array);
	if (senders)
		ev->senders = g_hash_table_new_full(dm_key_hash, dm_key_equal, g_free, NULL);
	return ev;
}

void
dm_evidence_free(dm_evidence *ev)
{
	if (!ev)
		return;
	g_free(ev->order);
	g_hash_table_unref(ev->items);
	if (ev->senders)
		g_hash_table_unref(ev->senders);
	g_free(ev);
}

/* Append (@frame, @key) to the ring of items in order, doubling it when full. */
static void
order_push(dm_evidence *ev, uint64_t frame, const dm_key *key)
{
	if (ev->len == ev->cap) {
		size_t cap = ev->cap ? ev->cap * 2 : 256;
		struct dm_evidence_slot *o = g_new(struct dm_evidence_slot, cap);
		size_t first = MIN(ev->len, ev->cap - ev->head);
		if (ev->len) {
			memcpy(o, ev->order + ev->head, first * sizeof *o);
			memcpy(o + first, ev->order, (ev->len - first) * sizeof *o);
		}
		g_free(ev->order);
		ev->order = o;
		ev->head = 0;
		ev->cap = cap;
	}
	size_t at = ev->head + ev->len;
	if (at >= ev->cap)
		at -= ev->cap;
	ev->order[at] = (struct dm_evidence_slot){ frame, key };
	ev->len++;
}

static void
add_item(dm_evidence *ev, const dm_key *k, const dm_evidence_item *item)
{
	gpointer key, value;
	GArray *a;
	if (g_hash_table_lookup_extended(ev->items, k, &key, &value)) {
		a = value;
	} else {
		a = g_array_new(FALSE, FALSE, sizeof(dm_evidence_item));
		key = g_memdup2(k, sizeof *k);
		g_hash_table_insert(ev->items, key, a);
	}
	g_array_append_val(a, *item);
	order_push(ev, item->frame, key);
}

/* Items come in frame order, so the oldest of all is the first of its
 * key's, and a key's slots in the ring are as many as its items.  The
 * ring keeps each item's frame: a frame with nothing to forget costs no
 * lookup. */
void
dm_evidence_forget(dm_evidence *ev, uint64_t upto)
{
	while (ev->len && ev->order[ev->head].frame <= upto) {
		const dm_key *k = ev->order[ev->head].key;
		if (++ev->head == ev->cap)
			ev->head = 0;
		ev->len--;
		GArray *a = g_hash_table_lookup(ev->items, k);
		if (a->len == 1)
			g_hash_table_remove(ev->items, k);
		else
			g_array_remove_index(a, 0);
	}
}

bool
dm_evidence_add(dm_evidence *ev, uint64_t frame, dm_frame_status st,
                const dm_packet *pkt)
{
	dm_key k;
	dm_evidence_item item = { .frame = frame };
	size_t alen = pkt->family == 6 ? 16 : 4;

	memset(&k, 0, sizeof k);
	k.family = pkt->family;
	dm_zone z = dm_packet_zone(pkt);
	k.zone_kind = z.kind;
	k.zone_id = z.id;
	k.tuple = 4;
	if (st == DM_FRAME_ICMP_ERROR && pkt->icmp_port_unreach &&
	    pkt->quote_valid && pkt->q_proto == 17) {
		k.proto = 17;
		memcpy(k.laddr, pkt->q_dst, alen);
		k.lport = pkt->q_dport;
		memcpy(k.raddr, pkt->q_src, alen);
		k.rport = pkt->q_sport;
		add_item(ev, &k, &item);
		return true;
	} else if (st == DM_FRAME_SEGMENT && pkt->proto == 6 && pkt->have_tcp &&
	           !(pkt->tcp_flags & DM_TCP_RST)) {
		if (!ev->senders)
			return false;
		k.proto = 6;
		memcpy(k.laddr, pkt->src, alen);
		k.lport = pkt->sport;
		memcpy(k.raddr, pkt->final_dst, alen);
		k.rport = pkt->dport;
		if (!g_hash_table_contains(ev->senders, &k))
			g_hash_table_add(ev->senders, g_memdup2(&k, sizeof k));
	} else if (st == DM_FRAME_SEGMENT && pkt->proto == 6 && pkt->have_tcp) {
		k.proto = 6;
		memcpy(k.laddr, pkt->src, alen);
		k.lport = pkt->sport;
		memcpy(k.raddr, pkt->dst, alen);
		k.rport = pkt->dport;
		item.seq = pkt->seq;
		item.ack = pkt->ack;
		item.has_ack = (pkt->tcp_flags & DM_TCP_ACK) != 0;
		add_item(ev, &k, &item);
		return true;
	}
	return false;
}

const dm_evidence_item *
dm_evidence_after(const dm_evidence *ev, const dm_key *k, uint64_t frame,
                  const dm_evidence_item *rst)
{
	if (!ev)
		return NULL;
	GArray *a = g_hash_table_lookup(ev->items, k);
	if (!a)
		return NULL;
	for (guint i = 0; i < a->len; i++) {
		const dm_evidence_item *it = &g_array_index(a, dm_evidence_item, i);
		if (it->frame > frame &&
		    (!rst || (it->has_ack == rst->has_ack &&
		              (rst->has_ack ? it->ack == rst->ack : it->seq == rst->seq))))
			return it;
	}
	return NULL;
}

bool
dm_evidence_sends(const dm_evidence *ev, const dm_key *k)
{
	return ev && ev->senders && g_hash_table_contains(ev->senders, k);
}
