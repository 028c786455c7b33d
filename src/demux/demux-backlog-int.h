/* demux-backlog-int.h - a TCP listener's SYN and accept queues and its
 * SYN cookies, as Linux keeps them for listen(fd, backlog)
 * (demux-backlog.c; not installed). */
#ifndef DEMUXSIM_DEMUX_BACKLOG_H
#define DEMUXSIM_DEMUX_BACKLOG_H

#include "demux-int.h"

/* A listener's queues (u.peer.backlog), owned by the tables' backlogs. */
struct dm_backlog {
	dm_backlog_stats st;     /* syn_limit, accept_limit: as at the last SYN */
	const struct dm_demux *dm; /* set at the first SYN (before any child) */
	GArray *events;          /* uint64_t DM_QUEUE_EVENT, or NULL */
	bool events_over;        /* DM_QUEUE_EVENTS_MAX reached: some left out */
};

struct dm_demux;
struct dm_cookies;

/* What a SYN with no connection does at listener @l. */
typedef enum {
	DM_SYN_SPAWN,   /* a child in SYN-RECEIVED joins the SYN queue */
	DM_SYN_COOKIE,  /* answered with a SYN cookie: no child */
	DM_SYN_DROP,    /* dropped: syn-queue-full */
} dm_syn_verdict;

/* Give declared listener @s its backlog @backlog (listen()'s, > 0). */
void dm_backlog_declare(dm_tables *t, dm_socket *s, uint32_t backlog);

/* The verdict for SYN @p reaching listener @l on the 4-tuple keyed @k
 * (hashed @hash), counted; for a cookie, the handshake is remembered so
 * that its SYN-ACK and ACK are known. */
dm_syn_verdict dm_backlog_syn(struct dm_demux *dm, dm_socket *l, const dm_key *k,
                              uint32_t hash, const dm_packet *p);

/* Whether a SYN reaching listener @l now would be answered statelessly
 * (a cookie) or dropped: its sender's end is then not made at the SYN. */
bool dm_backlog_stateless(const struct dm_demux *dm, const dm_socket *l);

/* Whether SYN-ACK @p, received on the 4-tuple keyed @k (from the client's
 * side) that has no socket, answers a SYN its listener gave a cookie: the
 * client's end, not made at its SYN, is made now. */
bool dm_backlog_client_synack(const struct dm_demux *dm, const dm_key *k, uint32_t hash,
                              const dm_packet *p);

/* Whether SYN-ACK @p, sent on the 4-tuple keyed @k (from the listener's
 * side) that has no socket, answers a SYN given a cookie: it is then
 * sent statelessly, and its sequence number noted. */
bool dm_backlog_synack(struct dm_demux *dm, const dm_key *k, uint32_t hash,
                       const dm_packet *p);

/* Whether ACK @p (no connection on @k) completes a handshake listener @l
 * answered with a cookie; the cookie is then used, and counted. */
bool dm_backlog_cookie_ack(struct dm_demux *dm, dm_socket *l, const dm_key *k,
                           uint32_t hash, const dm_packet *p);

/* The queue of its listener connection @s is in: 0 none, 1 SYN, 2 accept. */
unsigned dm_backlog_queue_of(const dm_socket *s);

/* Count @s out of queue @before (dm_backlog_queue_of before its state or
 * key changed) and into the one it is in now. */
void dm_backlog_moved(dm_socket *s, unsigned before);

/* Whether every listener's queue counts are its children in them (for
 * dm_tables_check).  Returns: NULL, or a newly allocated description. */
char *dm_backlog_check(const dm_tables *t);

/* Free what @b holds (for the tables' backlogs array). */
void dm_backlog_free(gpointer b);

/* Free the cookie memory of a simulation (NULL is ignored). */
void dm_backlog_cookies_free(struct dm_cookies *c);

#endif
