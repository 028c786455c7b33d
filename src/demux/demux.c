/* demux.c - the receive path of each simulated host, in the order a stack
 * takes it: validate -> checksum -> look up -> deliver -> count.
 *
 * The demux stage owns the receive path (this file and UDP; TCP in
 * demux-tcp.c, refusals in demux-refusal.c), the table store
 * (demux-table.c, with keys in demux-key.c, peer entries in
 * demux-peers.c, accessors and names in demux-socket.c and its checker
 * in demux-check.c), the activity lists (demux-lists.c), the limits
 * policy (demux-limits.c), the evidence of refusals (evidence.c),
 * declared sockets (sockets-file.c), live mode's pending refusals
 * (demux-live.c) and the hash index (hash-index.c).  It may use decode's
 * public types (demuxsim/packet.h) and the checksum stage's verdicts;
 * never report, run or cli.  Within the stage calls go one way: from the
 * receive path (this file, then demux-tcp.c, then demux-refusal.c) down
 * through the policy (demux-limits.c), the store (demux-table.c, then
 * demux-peers.c) and the lists (demux-lists.c) to the keys and the hash
 * index; evidence.c, sockets-file.c, demux-live.c, the accessors and the
 * checker are called from above the store and call only into it or
 * below.
 *
 * UDP lookup (RFC 768; as Linux's __udp4_lib_lookup scores it): a
 * connected socket matching the 4-tuple, else one bound to the exact
 * destination address and port, else one bound to the wildcard address,
 * else (IPv4 to a host that has IPv6 too) an IPv6 wildcard one that is
 * not v6only: AF_INET scores above a dual-stack AF_INET6 socket.
 * TCP lookup (RFC 9293 section 3.10.7; as Linux's inet_lookup): a
 * connection on the exact 4-tuple (including half-open and TIME-WAIT
 * ones), else a listener on the exact address, else on the wildcard,
 * else a dual-stack one, the same way.  A socket found that is in a
 * SO_REUSEPORT group stands for the group: the flow goes to the member
 * its hash picks (dm_bound_lookup); connected and exact ones still win
 * over a group, being found first.
 * TCP states follow RFC 9293 section 3.3.2, driven on both ends of every
 * connection: the sender's socket when a segment leaves, the receiver's
 * when it arrives.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "demux-int.h"
#include "demux-key-int.h"
#include "demux-backlog-int.h"
#include "demux-declare-int.h"
#include "demux-limits-int.h"
#include "demux-lists-int.h"
#include "demux-live-int.h"
#include "demux-receive-int.h"
#include "demux-table-int.h"
#include "demux-tcp-int.h"

dm_demux *
dm_demux_new(const dm_demux_config *cfg)
{
	/* The key hash's seed, drawn before any table is run on a thread
	 * of its own (--threads): every table hashes alike from the start. */
	(void)dm_hash_seed();
	dm_demux *dm = g_new0(dm_demux, 1);
	if (cfg)
		dm->cfg = *cfg;
	dm_tables_init(&dm->t);
	dm_limits_init(&dm->lim, cfg);
	return dm;
}

void
dm_demux_free(dm_demux *dm)
{
	if (!dm)
		return;
	if (dm->join) {
		dm_join_free(dm->join);
		g_free(dm);
		return;
	}
	dm_tables_clear(&dm->t);
	dm_evidence_free(dm->ev);
	dm_pending_free(dm->pending);
	dm_backlog_cookies_free(dm->cookies);
	g_free(dm);
}

bool
dm_demux_same_host(dm_demux *dm, const char *a, const char *b, GError **error)
{
	uint8_t addr[2][16];
	int fam[2];
	const char *text[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		memset(addr[i], 0, 16);
		fam[i] = inet_pton(AF_INET, text[i], addr[i]) == 1 ? 4
		       : inet_pton(AF_INET6, text[i], addr[i]) == 1 ? 6 : 0;
		if (!fam[i]) {
			g_set_error(error, DM_DEMUX_ERROR, 0, "'%s' is not an address", text[i]);
			return false;
		}
	}
	dm_host *h = dm_tables_host(&dm->t, DM_ZONE_NONE, (uint8_t)fam[0], addr[0], true);
	if (!dm_tables_host_alias(&dm->t, h, (uint8_t)fam[1], addr[1])) {
		g_set_error(error, DM_DEMUX_ERROR, 0, "%s is already the address of another "
		            "host than %s's", b, a);
		return false;
	}
	return true;
}

bool
dm_demux_load_sockets(dm_demux *dm, const char *path, GError **error)
{
	dm->cfg.declared = true;
	return dm_declare_from_file(&dm->t, path, error);
}

bool
dm_demux_load_sockets_text(dm_demux *dm, const char *text, GError **error)
{
	dm->cfg.declared = true;
	return dm_declare_from_data(&dm->t, text, error);
}

void
dm_demux_set_evidence(dm_demux *dm, dm_evidence *ev)
{
	dm_evidence_free(dm->ev);
	dm->ev = ev;
}

void
dm_demux_set_live(dm_demux *dm)
{
	dm_demux_set_live_window(dm, DM_LIVE_ANSWER_WINDOW);
}

void
dm_demux_set_live_window(dm_demux *dm, int64_t seconds)
{
	if (!dm->pending)
		dm->pending = dm_pending_new(seconds);
}

bool
dm_demux_next_correction(dm_demux *dm, dm_correction *out)
{
	return dm->pending && dm_pending_take(dm->pending, out);
}

guint
dm_demux_socket_count(const dm_demux *dm)
{
	if (dm->join)
		return dm_join_socket_count(dm->join);
	return dm->t.last_id;
}

char *
dm_demux_check_invariants(const dm_demux *dm)
{
	return dm_tables_check(&dm->t);
}

GPtrArray *
dm_demux_hosts(const dm_demux *dm)
{
	if (dm->join)
		return dm_join_hosts(dm->join);
	GPtrArray *a = g_ptr_array_sized_new(dm->t.hosts->len);
	for (guint i = 0; i < dm->t.hosts->len; i++)
		g_ptr_array_add(a, g_ptr_array_index(dm->t.hosts, i));
	g_ptr_array_sort(a, dm_host_order);
	return a;
}

/* --- UDP ----------------------------------------------------------------- */

static dm_socket *
udp_lookup(const dm_demux *dm, const dm_packet *p, dm_lookup *how)
{
	dm_key k;
	dm_socket *s;

	/* Connected UDP sockets are only declared (--sockets): without any,
	 * the 4-tuple is not looked up at all.  One matching the 4-tuple
	 * scores above every socket that is not connected. */
	if (dm->t.udp_connected) {
		dm_key_make(&k, dm_packet_zone(p), 17, p->family, p->final_dst, p->dport, p->src, p->sport);
		if ((s = dm_tables_find(&dm->t, &k))) {
			*how = DM_LOOKUP_EXACT;
			return s;
		}
	}
	return dm_bound_lookup(dm, p, 17, how);
}

static void
udp_receive(dm_demux *dm, seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	dm_decision *out = c->out;
	dm_socket *s = c->recv;

	out->lookup = c->how;
	if (!s) {
		bool known;
		uint64_t ev = dm_refusal_evidence(dm, c, &known);
		if (dm->cfg.declared || known) {
			dm_refuse(c, DM_REPLY_ICMP_PORT_UNREACHABLE, ev);
			if (known)
				dm_closed_mark(c->host, 17, p->dport, ev);
			return;
		}
		dm_key k;
		dm_key_make(&k, dm_packet_zone(p), 17, p->family, p->final_dst, p->dport, NULL, 0);
		s = dm_tables_add(&dm->t, c->host, &k, DM_KIND_BOUND, DM_TCP_NONE);
		out->lookup = DM_LOOKUP_NEW;
	}
	out->socket = s;
	out->action = DM_ACTION_DELIVERED;
	dm_seg_deliver(dm, s, c);
	if (dm->pending && out->lookup == DM_LOOKUP_NEW)
		dm_pending_note(dm->pending, c->frame, c->sec, p, s, NULL);
}

/* --- The receive path ---------------------------------------------------- */

/* udp_lookup(), its result kept with what it depends on: the datagram's
 * addresses, ports and zone, and the socket index (dm->t.rekeyed).  The
 * frame that asked whether it waits is then looked up without a second
 * walk of the table. */
static dm_socket *
udp_lookup_noted(dm_demux *dm, const dm_packet *p)
{
	size_t alen = p->family == 6 ? 16 : 4;
	dm_zone z = dm_packet_zone(p);
	dm_socket *s = udp_lookup(dm, p, &dm->udp_seen.how);
	dm->udp_seen.set = true;
	dm->udp_seen.family = p->family;
	dm->udp_seen.zone = z;
	dm->udp_seen.sport = p->sport;
	dm->udp_seen.dport = p->dport;
	memcpy(dm->udp_seen.src, p->src, alen);
	memcpy(dm->udp_seen.dst, p->final_dst, alen);
	dm->udp_seen.rekeyed = dm->t.rekeyed;
	dm->udp_seen.s = s;
	return s;
}

/* The lookup udp_lookup_noted() kept for @p, when still valid; it is
 * used once. */
static bool
udp_lookup_seen(dm_demux *dm, const dm_packet *p, dm_socket **s, dm_lookup *how)
{
	if (!dm->udp_seen.set)
		return false;
	dm->udp_seen.set = false;
	size_t alen = p->family == 6 ? 16 : 4;
	dm_zone z = dm_packet_zone(p);
	if (dm->udp_seen.rekeyed != dm->t.rekeyed || dm->udp_seen.family != p->family ||
	    dm->udp_seen.zone.kind != z.kind || dm->udp_seen.zone.id != z.id ||
	    dm->udp_seen.sport != p->sport || dm->udp_seen.dport != p->dport ||
	    memcmp(dm->udp_seen.src, p->src, alen) != 0 ||
	    memcmp(dm->udp_seen.dst, p->final_dst, alen) != 0)
		return false;
	*s = dm->udp_seen.s;
	*how = dm->udp_seen.how;
	return true;
}

dm_evidence_wait
dm_demux_awaits_evidence(dm_demux *dm, int64_t sec, uint32_t nsec, dm_frame_status st,
                         const dm_packet *pkt)
{
	if (!dm->ev)
		return DM_WAIT_NONE;
	/* Its datagram, once reassembled, may be one a host refuses. */
	if (pkt->is_fragment)
		return DM_WAIT_WINDOW;
	if (st != DM_FRAME_SEGMENT || (pkt->proto != 17 && pkt->proto != 6) ||
	    pkt->malformed != DM_MAL_NONE || (pkt->proto == 6 && !pkt->have_tcp) ||
	    (pkt->csum.status == DM_CSUM_BAD && !dm->cfg.keep_bad_checksums))
		return DM_WAIT_NONE;
	/* The lookup as the frame will make it: the time first, as
	 * dm_demux_segment() takes it (the same call again changes nothing). */
	dm_limits_advance(&dm->t, &dm->lim, sec, nsec);
	if (pkt->proto == 17)
		return udp_lookup_noted(dm, pkt) ? DM_WAIT_NONE : DM_WAIT_ANSWER;
	return dm_tcp_awaits(dm, pkt);
}

bool
dm_demux_answered(const dm_demux *dm, uint64_t frame, const dm_packet *pkt)
{
	return dm_refusal_answered(dm, frame, pkt);
}

/* Look up the receiving socket of a segment that can be processed: for
 * UDP the full lookup, for TCP the connection on the exact 4-tuple (the
 * other end of the sender's connection when that is known).  Nothing
 * changes the tables between this and its use. */
static void
receiver_lookup(dm_demux *dm, seg_ctx *c)
{
	const dm_packet *p = c->pkt;
	if (p->proto == 17) {
		if (!udp_lookup_seen(dm, p, &c->recv, &c->how))
			c->recv = udp_lookup(dm, p, &c->how);
	} else
		dm_tcp_lookup(dm, c);
}

static dm_socket *
peek_socket(const dm_demux *dm, const seg_ctx *c, dm_lookup *how)
{
	if (c->pkt->proto == 17 || c->recv) {
		*how = c->how;
		return c->recv;
	}
	return dm_tcp_listener(dm, c->pkt, how);
}

/* Run the frame; @touched gets the hosts whose state it may have
 * changed besides the receiving one (the sender, a refusing host). */
static void
segment_run(dm_demux *dm, uint64_t frame, int64_t sec, uint32_t nsec,
            dm_frame_status st, const dm_packet *pkt, dm_side sides,
            dm_decision *out, dm_host **touched)
{
	dm_refusal r;
	dm_host *refusing = dm->pending ?
		dm_pending_answer(dm->pending, &dm->t, frame, sec, st, pkt, &r) : NULL;
	if (refusing)
		dm_closed_mark(refusing, r.proto, r.port, r.evidence);
	touched[0] = refusing;
	if (st != DM_FRAME_SEGMENT || (pkt->proto != 17 && pkt->proto != 6))
		return;

	seg_ctx c = { frame, sec, nsec, pkt, NULL, NULL, out, &dm->t,
	              NULL, 0, false, NULL, DM_LOOKUP_NONE };
	bool tcp = pkt->proto == 6;
	bool broken = pkt->malformed != DM_MAL_NONE || (tcp && !pkt->have_tcp);

	if (!(sides & DM_SIDE_SEND)) {
		/* The sender's table is another partition's. */
	} else if (tcp && !broken) {
		c.sent = dm_tcp_send(dm, &c);
		if (c.sent) {
			dm_lists_place(&dm->t, c.sent);  /* its activity, its state */
			out->sender_socket = c.sent->id;
			out->sender_state = c.sent->state;
		}
	} else if (!tcp) {
		dm_host *sender = dm_tables_host(&dm->t, dm_packet_zone(pkt), pkt->family, pkt->src, false);
		if (sender)
			dm_closed_clear(sender, 17, pkt->sport);
		c.sender = sender;
	}
	touched[1] = c.sender;
	if (!(sides & DM_SIDE_RECEIVE))
		return;

	/* A socket in the table is held by the host at its local address
	 * (a wildcard one: at the address its key names). */
	if (!broken)
		receiver_lookup(dm, &c);
	c.host = c.recv ? c.recv->host : dm_tables_host(&dm->t, dm_packet_zone(pkt), pkt->family, pkt->final_dst, true);
	out->host = c.host;

	if (broken) {
		/* A header whose lengths lie, or TCP without its flags, cannot be
		 * processed: the stack drops it. */
		out->action = DM_ACTION_DROPPED;
		out->drop = DM_DROP_MALFORMED;
		goto drop;
	}
	if (pkt->csum.status == DM_CSUM_BAD && !dm->cfg.keep_bad_checksums) {
		dm_socket *s = peek_socket(dm, &c, &out->lookup);
		if (s)
			s->bad++;
		out->socket = s;
		out->action = DM_ACTION_DROPPED;
		out->drop = DM_DROP_BAD_CHECKSUM;
		if (s && tcp)
			out->state = s->state;
		goto drop;
	}
	if (tcp)
		dm_tcp_receive(dm, &c);
	else
		udp_receive(dm, &c);
	if (out->socket && pkt->csum.status == DM_CSUM_BAD)
		((dm_socket *)out->socket)->bad++;
	return;

drop:
	dm_host_counts_get(c.host)->drops[out->drop]++;
}

void
dm_demux_segment(dm_demux *dm, uint64_t frame, int64_t sec, uint32_t nsec,
                 dm_frame_status st, const dm_packet *pkt, dm_decision *out)
{
	dm_demux_segment_sides(dm, frame, sec, nsec, st, pkt, DM_SIDE_BOTH, out);
}

void
dm_demux_segment_sides(dm_demux *dm, uint64_t frame, int64_t sec, uint32_t nsec,
                       dm_frame_status st, const dm_packet *pkt, dm_side sides,
                       dm_decision *out)
{
	dm_host *touched[2] = { NULL, NULL };
	memset(out, 0, sizeof *out);
	/* Time runs on with every frame: entries whose time is up leave
	 * before the frame is looked up. */
	dm_limits_advance(&dm->t, &dm->lim, sec, nsec);
	segment_run(dm, frame, sec, nsec, st, pkt, sides, out, touched);
	dm_socket *s = (dm_socket *)out->socket;
	if (s && out->action != DM_ACTION_DROPPED)
		dm_lists_place(&dm->t, s);
	/* The hosts the frame touched: their activity, and whether they
	 * still have anything of their own. */
	for (int i = 0; i < 2; i++)
		if (touched[i] && touched[i] != out->host)
			dm_lists_host_place(&dm->t, touched[i]);
	if (out->host)
		dm_lists_host_place(&dm->t, (dm_host *)out->host);
	dm_limits_enforce(&dm->t, &dm->lim, s, out->host);
}

void
dm_demux_get_held(const dm_demux *dm, dm_demux_usage *u)
{
	u->sockets = dm->t.count;
	u->memory = dm_limits_memory(&dm->t);
	u->peak_sockets = MAX(dm->t.peak_count, u->sockets);
	u->peak_memory = MAX(dm->t.peak_mem, u->memory);
}

void
dm_demux_get_usage(const dm_demux *dm, dm_demux_usage *u)
{
	if (dm->join) {
		dm_join_usage(dm->join, u);
		return;
	}
	memset(u, 0, sizeof *u);
	u->max_sockets = dm->lim.max_sockets;
	u->max_memory = dm->lim.max_memory;
	u->sockets = dm->t.count;
	u->memory = dm_limits_memory(&dm->t);
	u->peak_sockets = MAX(dm->t.peak_count, u->sockets);
	u->peak_memory = MAX(dm->t.peak_mem, u->memory);
	memcpy(u->retired, dm->t.retired, sizeof u->retired);
	memcpy(u->forgotten_drops, dm->t.forgotten_drops, sizeof u->forgotten_drops);
	memcpy(u->forgotten_retired, dm->t.forgotten_retired, sizeof u->forgotten_retired);
	u->limit_unmet = dm->t.limit_unmet;
	u->peak_hosts = dm->t.n_hslots;
}

