/* demux-receive-int.h - what the receive path's files share: the demux
 * object, a segment's context, delivering to a socket, and the refusal
 * helpers of demux-refusal.c (not installed). */
#ifndef DEMUXSIM_DEMUX_RECEIVE_H
#define DEMUXSIM_DEMUX_RECEIVE_H

#include "demux-int.h"
#include "demux-limits-int.h"
#include "demux-live-int.h"
#include "demux-table-int.h"

struct dm_join;

/* A joined table's reading (demux-join.c), called by demux.c's readers. */
GPtrArray *dm_join_hosts(const struct dm_join *j);
guint dm_join_socket_count(const struct dm_join *j);
void dm_join_usage(const struct dm_join *j, dm_demux_usage *u);
void dm_join_free(struct dm_join *j);

struct dm_demux {
	struct dm_join *join; /* a joined table (dm_demux_join): none of the
	                       * rest is set */
	dm_demux_config cfg;
	dm_tables t;
	dm_evidence *ev;
	dm_pending *pending;  /* live mode: refusals awaiting evidence */
	dm_limits lim;
	struct dm_cookies *cookies; /* handshakes given a SYN cookie, or NULL
	                             * (demux-backlog.c) */
	uint64_t frame_now;   /* the TCP segment's frame being run */
	/* The last UDP lookup dm_demux_awaits_evidence() made, for the
	 * frame's own lookup right after it (demux.c). */
	struct {
		bool set;
		uint8_t family;
		dm_zone zone;
		uint16_t sport, dport;
		uint8_t src[16], dst[16];
		uint64_t rekeyed;     /* dm->t.rekeyed when made */
		dm_socket *s;
		dm_lookup how;
	} udp_seen;
};

/* One segment on its way through the receive path. */
typedef struct {
	uint64_t frame;
	int64_t sec;
	uint32_t nsec;
	const dm_packet *pkt;
	dm_host *host;        /* receiving host */
	dm_host *sender;      /* sending host, when looked up */
	dm_decision *out;
	dm_tables *t;
	/* TCP: the sender's socket (its key is the segment's 4-tuple from the
	 * sender's side), when it has one; the hash of that 4-tuple, which
	 * the receiver's (reversed) hashes alike, once computed. */
	dm_socket *sent;
	uint32_t hash;
	bool hashed;
	/* The receiving socket its lookup found (TCP: on the exact 4-tuple
	 * only), and how (UDP), once looked up. */
	dm_socket *recv;
	dm_lookup how;
} seg_ctx;

/* Note the frame of @c on @s: its last, and its first if it has none. */
static inline void
dm_seg_touch(dm_socket *s, const seg_ctx *c)
{
	dm_socket_touch(s, c->frame, c->sec, c->nsec);
}

/* Count a segment delivered to @s. */
static inline void
dm_seg_deliver(dm_demux *dm, dm_socket *s, const seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	s->segments++;
	s->bytes += p->payload_len;
	if (dm_tables_note_peer(&dm->t, s, p->family, p->src, p->sport))
		s->peers++;
	dm_seg_touch(s, c);
}

/* Forget that @proto port @port on @h is known closed: its host sent
 * from it. */
static inline void
dm_closed_clear(dm_host *h, uint8_t proto, uint16_t port)
{
	if (h->closed && g_hash_table_size(h->closed))
		g_hash_table_remove(h->closed, GUINT_TO_POINTER((guint)proto << 16 | port));
}

/* Note that @proto port @port on @h is closed, as frame @evidence shows. */
void dm_closed_mark(dm_host *h, uint8_t proto, uint16_t port, uint64_t evidence);

/* Record that the receiving host refused the segment of @c with @reply
 * (@evidence: the frame that shows it, or 0), and say so in its decision. */
void dm_refuse(const seg_ctx *c, dm_reply reply, uint64_t evidence);

/* The frame that shows the receiving host refused the segment of @c, or
 * 0; @known tells whether anything shows it. */
uint64_t dm_refusal_evidence(const dm_demux *dm, const seg_ctx *c, bool *known);

/* The socket bound (UDP) or listening (TCP: @proto 6) on the destination
 * of @p, as Linux scores them: on the exact address, else on the
 * wildcard, else dual-stack on the IPv6 wildcard; a SO_REUSEPORT group's
 * member by the flow's hash.  @how says which; NULL when none. */
dm_socket *dm_bound_lookup(const dm_demux *dm, const dm_packet *p, uint8_t proto,
                           dm_lookup *how);

/* What TCP segment @p, which has no RST flag or has one, waits for. */
dm_evidence_wait dm_tcp_awaits(const dm_demux *dm, const dm_packet *p);

/* Whether the capture read so far answers @p (frame @frame) with a
 * refusal after it: an ICMP port unreachable, or the RST RFC 9293
 * 3.10.7.1 describes. */
bool dm_refusal_answered(const dm_demux *dm, uint64_t frame, const dm_packet *p);

#endif
