/* demux-refusal.c - refusals on the receive path: the ports a host is
 * known to have closed, the evidence that a segment was refused (an
 * answer later in the capture, or an earlier refusal of the same port),
 * and recording a refusal on the receiving host.
 */
#include "config.h"

#include <string.h>

#include "demux-receive-int.h"

void
dm_closed_mark(dm_host *h, uint8_t proto, uint16_t port, uint64_t evidence)
{
	if (!h->closed)
		h->closed = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_hash_table_insert(h->closed, GUINT_TO_POINTER((guint)proto << 16 | port),
	                    GSIZE_TO_POINTER((gsize)evidence));
}

static bool
closed_lookup(const dm_host *h, uint8_t proto, uint16_t port, uint64_t *evidence)
{
	gpointer v;
	if (!h->closed ||
	    !g_hash_table_lookup_extended(h->closed,
	                                  GUINT_TO_POINTER((guint)proto << 16 | port),
	                                  NULL, &v))
		return false;
	*evidence = GPOINTER_TO_SIZE(v);
	return true;
}

/* Record a refused attempt on the receiving host (one entry per peer
 * endpoint and local port). */
void
dm_refuse(const seg_ctx *c, dm_reply reply, uint64_t evidence)
{
	const dm_packet *p = c->pkt;
	dm_refusal r = {
		.proto = p->proto, .family = p->family, .port = p->dport, .peer_port = p->sport,
		.frame = c->frame, .reply = reply, .evidence = evidence, .count = 1,
	};
	memcpy(r.peer, p->src, 16);
	if (dm_host_refusal_note(c->host, &r))
		c->t->refusals++;
	c->out->action = DM_ACTION_REFUSED;
	c->out->reply = reply;
	c->out->evidence = evidence;
}

/* The first answer after frame @frame refusing segment @p, or NULL. */
static const dm_evidence_item *
answer_of(const dm_demux *dm, uint64_t frame, const dm_packet *p)
{
	dm_key k;
	dm_key_make(&k, dm_packet_zone(p), p->proto, p->family, p->final_dst, p->dport, p->src, p->sport);
	if (p->proto == 17)
		return dm_evidence_after(dm->ev, &k, frame, NULL);
	/* RFC 9293 3.10.7.1: a segment with an ACK is answered by
	 * <SEQ=SEG.ACK><CTL=RST>, one without by
	 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
	dm_evidence_item rst = { .has_ack = !(p->tcp_flags & DM_TCP_ACK) };
	if (rst.has_ack)
		rst.ack = p->seq + p->payload_len +
		          ((p->tcp_flags & DM_TCP_SYN) ? 1 : 0) +
		          ((p->tcp_flags & DM_TCP_FIN) ? 1 : 0);
	else
		rst.seq = p->ack;
	return dm_evidence_after(dm->ev, &k, frame, &rst);
}

bool
dm_refusal_answered(const dm_demux *dm, uint64_t frame, const dm_packet *p)
{
	return answer_of(dm, frame, p) != NULL;
}

/* Evidence that the receiving host refused this segment: an answer later
 * in the capture, or an earlier refusal of the same port with no sign of
 * it opening since (ICMP errors are rate-limited, RFC 1812 4.3.2.8). */
uint64_t
dm_refusal_evidence(const dm_demux *dm, const seg_ctx *c, bool *known)
{
	const dm_evidence_item *it = answer_of(dm, c->frame, c->pkt);
	uint64_t ev = 0;
	*known = false;
	if (it) {
		*known = true;
		return it->frame;
	}
	if (closed_lookup(c->host, c->pkt->proto, c->pkt->dport, &ev))
		*known = true;
	return ev;
}
