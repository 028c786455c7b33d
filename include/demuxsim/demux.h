/* demux.h - the simulated receiving hosts: one socket table per address
 * that receives a segment, the lookup a real stack does (UDP: connected,
 * then bound to the address, then to the wildcard; TCP: exact 4-tuple,
 * then a listener on the address, then on the wildcard), listeners that
 * spawn one connection per accepted client, and the TCP state machine of
 * RFC 9293 section 3.3.2 on both ends of every connection.
 */
#ifndef DEMUXSIM_DEMUX_H
#define DEMUXSIM_DEMUX_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/packet.h"

typedef struct dm_demux dm_demux;
typedef struct dm_host dm_host;
typedef struct dm_socket dm_socket;
typedef struct dm_evidence dm_evidence;

typedef enum {
	DM_KIND_BOUND,      /* UDP socket bound to a local address and port */
	DM_KIND_LISTEN,     /* TCP listening ("welcome") socket */
	DM_KIND_CONNECTION, /* TCP connection, or connected UDP socket */
} dm_sock_kind;

typedef enum {
	DM_TCP_NONE,        /* UDP sockets have no state */
	DM_TCP_LISTEN,
	DM_TCP_SYN_SENT,
	DM_TCP_SYN_RECEIVED,
	DM_TCP_ESTABLISHED,
	DM_TCP_FIN_WAIT_1,
	DM_TCP_FIN_WAIT_2,
	DM_TCP_CLOSE_WAIT,
	DM_TCP_CLOSING,
	DM_TCP_LAST_ACK,
	DM_TCP_TIME_WAIT,
	DM_TCP_CLOSED,
	DM_TCP_N_STATE
} dm_tcp_state;

typedef enum {
	DM_LOOKUP_NONE,              /* no socket matched */
	DM_LOOKUP_EXACT,             /* connection 4-tuple (or connected UDP) */
	DM_LOOKUP_LISTENER,          /* TCP listener on the exact address */
	DM_LOOKUP_WILDCARD_LISTENER, /* TCP listener on 0.0.0.0 / :: */
	DM_LOOKUP_BOUND,             /* UDP socket bound to the exact address */
	DM_LOOKUP_WILDCARD_BOUND,    /* UDP socket bound to 0.0.0.0 / :: */
	DM_LOOKUP_NEW,               /* a socket created by this segment */
	DM_LOOKUP_DUAL_LISTENER,     /* IPv4 to a dual-stack TCP listener on :: */
	DM_LOOKUP_DUAL_BOUND,        /* IPv4 to a dual-stack UDP socket on :: */
	DM_LOOKUP_N
} dm_lookup;

typedef enum {
	DM_ACTION_DELIVERED,
	DM_ACTION_ACCEPTED, /* the ACK completing a handshake */
	DM_ACTION_SPAWNED,  /* the SYN creating a child of a listener */
	DM_ACTION_DROPPED,
	DM_ACTION_REFUSED,
	DM_ACTION_N
} dm_action;

typedef enum {
	DM_DROP_NONE,
	DM_DROP_BAD_CHECKSUM,
	DM_DROP_MALFORMED,
	DM_DROP_NO_SOCKET,   /* e.g. an RST or a stray ACK for nothing */
	DM_DROP_CLOSED,      /* for a connection already CLOSED */
	DM_DROP_SYN_QUEUE_FULL, /* a SYN past its listener's SYN queue, with
	                         * SYN cookies off (--syncookies 0) */
	DM_DROP_N
} dm_drop_reason;

typedef enum {
	DM_REPLY_NONE,
	DM_REPLY_ICMP_PORT_UNREACHABLE,
	DM_REPLY_RST,
	DM_REPLY_N
} dm_reply;

/* The decision for one segment, as the receiving host made it. */
typedef struct {
	const dm_host *host;      /* receiving host (NULL: not a segment) */
	const dm_socket *socket;  /* socket that got it, or NULL */
	dm_lookup lookup;
	dm_action action;
	dm_drop_reason drop;
	dm_reply reply;           /* for refused: what the host answers */
	uint64_t evidence;        /* frame proving the refusal, 0 if none */
	dm_tcp_state state;       /* TCP: the connection's state after it */
	guint sender_socket;      /* TCP: the id of the sending end's socket
	                           * (0: none, as for a RST from no socket) */
	dm_tcp_state sender_state; /* TCP: that socket's state after it left */
	uint8_t syncookie;        /* dm_syncookie_use: a SYN answered with a
	                           * SYN cookie, or the ACK that returned one */
} dm_decision;

/* What a segment did with a SYN cookie (dm_decision.syncookie). */
typedef enum {
	DM_COOKIE_NONE,
	DM_COOKIE_SENT,  /* a SYN past the SYN queue, answered statelessly */
	DM_COOKIE_USED,  /* the ACK completing such a handshake: the child is
	                  * made ESTABLISHED ("accepted via syncookie") */
} dm_syncookie_use;

/* net.ipv4.tcp_syncookies: when a listener answers a SYN with a cookie. */
typedef enum {
	DM_SYNCOOKIES_DEFAULT,   /* as Linux's default, WHEN_FULL */
	DM_SYNCOOKIES_NEVER,     /* sysctl 0: past the SYN queue, drop the SYN */
	DM_SYNCOOKIES_WHEN_FULL, /* sysctl 1: cookies once the SYN queue is full */
	DM_SYNCOOKIES_ALWAYS,    /* sysctl 2: cookies for every SYN, no queue */
} dm_syncookies;

/* Why an entry left the lookup table (or was discarded) to keep the
 * simulation's state bounded; the names are stable ("syn-timeout"). */
typedef enum {
	DM_RETIRE_NONE,
	DM_RETIRE_SYN_TIMEOUT,     /* SYN-SENT/SYN-RECEIVED expired: discarded */
	DM_RETIRE_TIME_WAIT,       /* TIME-WAIT after 2*MSL: now CLOSED, kept */
	DM_RETIRE_CLOSED,          /* CLOSED tombstone after 2*MSL: kept */
	DM_RETIRE_UDP_IDLE,        /* learned UDP socket idle (--udp-idle): kept */
	DM_RETIRE_EVICT_HALF_OPEN, /* limit reached: half-open entry discarded */
	DM_RETIRE_EVICT_HISTORY,   /* limit reached: socket out of the table no
	                            * longer listed */
	DM_RETIRE_EVICT_OVER,      /* limit reached: TIME-WAIT/CLOSED discarded */
	DM_RETIRE_EVICT_UDP,       /* limit reached: learned UDP socket discarded */
	DM_RETIRE_EVICT_CONNECTION,/* limit reached: idle connection discarded */
	DM_RETIRE_FORGET_HOST,     /* a host with nothing of its own left (no
	                            * socket, refusal or closed port): freed,
	                            * its counts folded into the usage */
	DM_RETIRE_N
} dm_retire_reason;

/* Default limits (see dm_demux_config). */
#define DM_DEFAULT_MAX_SOCKETS 4000000u
#define DM_DEFAULT_MAX_MEMORY (UINT64_C(1) << 30)
#define DM_DEFAULT_SYN_TIMEOUT 63.0   /* Linux: 5 SYN-ACK retries */
#define DM_DEFAULT_TIME_WAIT 60.0     /* 2*MSL */
#define DM_DEFAULT_SOMAXCONN 4096u    /* net.core.somaxconn (Linux 5.4+) */
#define DM_DEFAULT_SYN_BACKLOG 4096u  /* net.ipv4.tcp_max_syn_backlog */

/* Configuration of a run.  Zero limits and timeouts take the defaults. */
typedef struct {
	bool keep_bad_checksums;  /* deliver segments with bad checksums */
	bool declared;            /* sockets come from dm_demux_declare only */
	uint64_t max_sockets;     /* socket records held at most */
	uint64_t max_memory;      /* estimated bytes of state held at most */
	double syn_timeout;       /* seconds a half-open entry lives idle */
	double time_wait;         /* seconds TIME-WAIT/CLOSED stay in the table */
	double udp_idle;          /* seconds a learned UDP socket lives idle
	                           * (0: for ever) */
	uint32_t somaxconn;       /* listen()'s backlog is cut to it (0: default) */
	uint32_t syn_backlog;     /* tcp_max_syn_backlog (0: default) */
	dm_syncookies syncookies; /* tcp_syncookies */
	bool queue_events;        /* keep each listener's queue changes
	                           * (dm_socket_backlog_events), for merging
	                           * the reports of shards */
} dm_demux_config;

/* What the simulation holds, and what it retired to stay within its
 * limits. */
typedef struct {
	uint64_t max_sockets, max_memory; /* the limits in effect */
	uint64_t sockets, memory;         /* held now (memory estimated) */
	uint64_t peak_sockets, peak_memory;
	uint64_t retired[DM_RETIRE_N];    /* totals over all hosts */
	/* The hosts forgotten (DM_RETIRE_FORGET_HOST): their drops and the
	 * entries they had retired, added up. */
	uint64_t forgotten_drops[DM_DROP_N];
	uint64_t forgotten_retired[DM_RETIRE_N];
	/* Frames after which the limits could not be met: what cannot be
	 * evicted (listeners, declared sockets, refusals, hosts with them,
	 * peer entries of listeners) alone exceeds them. */
	uint64_t limit_unmet;
	uint64_t peak_hosts;              /* host records held at most */
} dm_demux_usage;

#define DM_DEMUX_ERROR (dm_demux_error_quark())
GQuark dm_demux_error_quark(void);

/**
 * dm_demux_new: an empty simulation.
 * Returns: the new simulation.
 */
dm_demux *dm_demux_new(const dm_demux_config *cfg);

/**
 * dm_demux_free: free @dm and everything in it (NULL is ignored).
 */
void dm_demux_free(dm_demux *dm);

/**
 * dm_demux_load_sockets: declare the bound sockets listed in the GLib key
 * file @path (one group per host address, or a named group with
 * "addresses = A, B" for a host of several; keys "udp" and "tcp" list
 * PORT or ADDR:PORT entries, ADDR being one of the host's addresses or
 * the wildcard "*", 0.0.0.0 or ::, each optionally followed by /BACKLOG
 * (tcp), *N (a SO_REUSEPORT group of N) and the flags reuseport,
 * reuseaddr, v6only; "udp-connected" lists PORT>ADDR:PORT;
 * "tcp-established" lists LPORT>ADDR:PORT or LADDR:LPORT>ADDR:PORT,
 * connections that exist before the capture).  Entries bind() would
 * refuse are an error that names both (EADDRINUSE).  Switches to
 * declared mode; on failure the simulation should be discarded.
 * Returns: false with @error set when the file is unreadable or invalid.
 */
bool dm_demux_load_sockets(dm_demux *dm, const char *path, GError **error);

/**
 * dm_demux_load_sockets_text: the same as dm_demux_load_sockets, from
 * the key-file @text in memory (NUL-terminated), as
 * dm_sockets_from_ss() makes it.
 * Returns: false with @error set when the text is invalid.
 */
bool dm_demux_load_sockets_text(dm_demux *dm, const char *text, GError **error);

/**
 * dm_sockets_from_ss: convert the socket table @text that `ss -tuanp`,
 * `ss -tuanpH` or `ss -tulnp` printed on the capturing host (@name
 * names it in errors) to the key-file text dm_demux_load_sockets_text()
 * reads: one host whose addresses are @host_addrs (NULL-terminated, or
 * NULL) and those its rows are bound to.  LISTEN rows are listeners
 * (Send-Q their backlog), UNCONN udp rows bound sockets, ESTAB udp rows
 * connected ones, ESTAB (and closing) tcp rows "tcp-established"
 * connections; TIME-WAIT, SYN-SENT, SYN-RECV and unlistening tcp rows
 * are skipped, listed in comments.  Several rows on one endpoint are a
 * reuseport group.  See sockets-ss.c for the addresses.
 * Returns: newly allocated text, or NULL with @error set ("NAME:LINE:
 * ..." for a bad row).
 */
char *dm_sockets_from_ss(const char *text, const char *name, const char *const *host_addrs,
                         GError **error);

/**
 * dm_demux_same_host: make the addresses @a and @b (text, IPv4 or IPv6)
 * one simulated host (learn mode's --same-host), before any frame.  An
 * address already of another host joins neither.
 * Returns: false with @error set when an address is not one, or is
 * already another host's.
 */
bool dm_demux_same_host(dm_demux *dm, const char *a, const char *b, GError **error);

/**
 * dm_demux_set_evidence: give the simulation what a first pass found in
 * the capture (ICMP port-unreachable errors, RSTs), so that a datagram or
 * SYN the host refused is recorded as refused instead of creating a socket.
 * The simulation takes ownership of @ev.
 */
void dm_demux_set_evidence(dm_demux *dm, dm_evidence *ev);

/**
 * dm_evidence_new: an empty evidence collection.  With @senders it also
 * notes every TCP 4-tuple a host sends on (declared mode uses it to tell
 * a connection picked up mid-stream from a segment for a closed port).
 * Returns: the collection.
 */
dm_evidence *dm_evidence_new(bool senders);

/**
 * dm_evidence_add: note frame @frame (decoded to @st in @pkt) if it is
 * evidence of a refusal: an ICMP/ICMPv6 port unreachable quoting a UDP
 * datagram, or a TCP RST; or of a connection (a TCP segment other than a
 * RST, when the collection notes senders).
 * Returns: whether it was evidence of a refusal.
 */
bool dm_evidence_add(dm_evidence *ev, uint64_t frame, dm_frame_status st,
                     const dm_packet *pkt);

/**
 * dm_evidence_forget: drop the items of frames up to @upto (a single pass
 * keeps only those a frame not yet run may still need).
 */
void dm_evidence_forget(dm_evidence *ev, uint64_t upto);

/**
 * dm_evidence_free: free @ev (NULL is ignored).
 */
void dm_evidence_free(dm_evidence *ev);

/* What a frame's decision waits for in a single pass (its evidence read
 * as the capture is): nothing; an answer that shows it refused (an ICMP
 * port unreachable, a RST), the first one deciding; or a whole window
 * (a fragment, whose datagram may be refused; in declared mode, whether
 * the host is ever seen sending on the 4-tuple). */
typedef enum {
	DM_WAIT_NONE,
	DM_WAIT_ANSWER,
	DM_WAIT_WINDOW,
} dm_evidence_wait;

/**
 * dm_demux_awaits_evidence: what frame @frame (time @sec.@nsec, decoded
 * to @st in @pkt), run next, waits for before it can be decided as a
 * reading of the whole capture ahead would decide it: a datagram or SYN
 * for a port with no socket waits for an answer.  DM_WAIT_NONE when no
 * evidence is set.  It may advance the simulation's clock to the frame's
 * time, as running the frame does first.
 */
dm_evidence_wait dm_demux_awaits_evidence(dm_demux *dm, int64_t sec, uint32_t nsec,
                                          dm_frame_status st, const dm_packet *pkt);

/**
 * dm_demux_answered: whether the evidence holds an answer after frame
 * @frame refusing segment @pkt (for a frame DM_WAIT_ANSWER waits for).
 */
bool dm_demux_answered(const dm_demux *dm, uint64_t frame, const dm_packet *pkt);

/**
 * dm_demux_segment: run frame @frame (time @sec.@nsec, decoded to @st in
 * @pkt) through the simulation and fill @out with the receiving host's
 * decision.  Frames that are not segments leave @out->host NULL.
 */
void dm_demux_segment(dm_demux *dm, uint64_t frame, int64_t sec, uint32_t nsec,
                      dm_frame_status st, const dm_packet *pkt, dm_decision *out);

/* The events of a segment: it leaving its sender (the sender's socket
 * and state) and it arriving at its receiver (the lookup, delivery,
 * refusal and the receiver's counters). */
typedef enum {
	DM_SIDE_SEND = 1,
	DM_SIDE_RECEIVE = 2,
	DM_SIDE_BOTH = 3,
} dm_side;

/**
 * dm_demux_segment_sides: dm_demux_segment() running only the events
 * @sides of the segment (a partition of the hosts holds one end only);
 * without DM_SIDE_RECEIVE, @out->host stays NULL.  The clock runs on
 * with the frame either way.
 */
void dm_demux_segment_sides(dm_demux *dm, uint64_t frame, int64_t sec, uint32_t nsec,
                            dm_frame_status st, const dm_packet *pkt, dm_side sides,
                            dm_decision *out);

/* Reading the results. */

/**
 * dm_demux_hosts: the simulated hosts in order of address (family 4
 * first), as an array the caller frees with g_ptr_array_unref.
 * Returns: a new array of const dm_host pointers.
 */
GPtrArray *dm_demux_hosts(const dm_demux *dm);

/* Whether part @part of a joined table simulated host @h (dm_demux_join). */
typedef bool (*dm_demux_owner)(const dm_host *h, guint part, void *ctx);

/**
 * dm_demux_join: the tables @parts (@n of them, each of which simulated
 * one partition of the hosts, shard.h) read as the table of one run: its
 * hosts those of each part that @owns says it simulated, sorted as
 * dm_demux_hosts() sorts them; its usage @usage (copied).  Every socket
 * of those hosts is numbered again as one run numbers them: @created[i]
 * gives, per id of part i, where it was created (DM_SHARD_AT, in order),
 * the first @declared ids made alike in every part before the first
 * frame.  The parts are not run again and must outlive the result.
 * Returns: the joined table (dm_demux_free() it); only the readers of the
 * results read it (dm_demux_hosts, dm_demux_socket_count,
 * dm_demux_get_usage and those of its hosts and sockets).
 */
dm_demux *dm_demux_join(dm_demux *const *parts, guint n, dm_demux_owner owns, void *ctx,
                        const GArray *const *created, guint declared,
                        const dm_demux_usage *usage);

/**
 * dm_demux_joinable: whether @dm's hosts can be simulated apart, one
 * partition at a time, and joined (no host has several addresses).
 */
bool dm_demux_joinable(const dm_demux *dm);

/**
 * dm_demux_socket_count: how many sockets were ever created (the highest
 * id given).
 * Returns: the count.
 */
guint dm_demux_socket_count(const dm_demux *dm);

/**
 * dm_host_family / dm_host_address: the host's address family (4 or 6)
 * and its address bytes (network order).
 */
int dm_host_family(const dm_host *h);
const uint8_t *dm_host_address(const dm_host *h);

/**
 * dm_host_n_addresses / dm_host_address_at: how many addresses the host
 * has (1 unless told it has several), and address @i of them (0: the one
 * dm_host_address gives), its family in @family.
 */
guint dm_host_n_addresses(const dm_host *h);
const uint8_t *dm_host_address_at(const dm_host *h, guint i, int *family);

/**
 * dm_host_name: the name a declared host of several addresses was given
 * (its `[name]` group).
 * Returns: the name, or NULL.
 */
const char *dm_host_name(const dm_host *h);

/**
 * dm_host_zone: the tenant network the host is in (dm_packet_zone() of
 * the packets it sends and receives; kind 0 for the capture's own).
 * Returns: the zone.
 */
dm_zone dm_host_zone(const dm_host *h);

/**
 * dm_host_sockets: the host's sockets in creation order (an array owned
 * by the host: do not free).
 * Returns: the array of dm_socket pointers.
 */
const GPtrArray *dm_host_sockets(const dm_host *h);

/**
 * dm_host_drops: segments the host dropped for @reason.
 * Returns: the count.
 */
uint64_t dm_host_drops(const dm_host *h, dm_drop_reason reason);

/**
 * dm_host_retired: the host's entries expired or evicted for @reason.
 * Returns: the count.
 */
uint64_t dm_host_retired(const dm_host *h, dm_retire_reason reason);

/**
 * dm_demux_get_usage: fill @u with the limits, what is held now and at
 * the peak, and the expiry and eviction totals.
 */
void dm_demux_get_usage(const dm_demux *dm, dm_demux_usage *u);

/**
 * dm_demux_get_held: as dm_demux_get_usage(), but only what is held now
 * and at the peak (@u's sockets, memory and their peaks; the rest is left
 * as it is): cheap enough for every frame.
 */
void dm_demux_get_held(const dm_demux *dm, dm_demux_usage *u);

/* A refused attempt: a datagram or SYN for which the host had no socket. */
typedef struct {
	uint8_t proto;
	uint8_t family;             /* of the peer: 4 or 6 (0: the host's) */
	uint16_t port;              /* local port refused */
	uint8_t peer[16];
	uint16_t peer_port;
	uint64_t frame;             /* the datagram or SYN */
	dm_reply reply;             /* what the host answers */
	uint64_t evidence;          /* frame of the answer seen, 0 if none */
	uint32_t count;             /* attempts folded into this entry */
} dm_refusal;

/**
 * dm_refusal_family: the address family of @r's peer (a host of several
 * addresses is refused over either).
 * Returns: 4 or 6.
 */
int dm_refusal_family(const dm_host *h, const dm_refusal *r);

/**
 * dm_host_refusals: the host's refused attempts (one entry per peer
 * endpoint and local port, in order of first attempt), owned by the host.
 * Returns: a GArray of dm_refusal.
 */
const GArray *dm_host_refusals(const dm_host *h);

/* Socket accessors. */
guint dm_socket_id(const dm_socket *s);
uint8_t dm_socket_proto(const dm_socket *s);
dm_sock_kind dm_socket_kind(const dm_socket *s);
int dm_socket_family(const dm_socket *s);
const uint8_t *dm_socket_local(const dm_socket *s, uint16_t *port);
/* NULL unless connected; sets @port. */
const uint8_t *dm_socket_remote(const dm_socket *s, uint16_t *port);
bool dm_socket_local_is_wildcard(const dm_socket *s);
dm_tcp_state dm_socket_state(const dm_socket *s);
/* The listener that accepted this connection, or NULL. */
const dm_socket *dm_socket_parent(const dm_socket *s);
bool dm_socket_midstream(const dm_socket *s);
bool dm_socket_declared(const dm_socket *s);
/* Member number (from 0) of the SO_REUSEPORT group the socket is in, or
 * -1 when it is in none. */
int dm_socket_group_member(const dm_socket *s);
/* An IPv6 socket declared v6only (it takes no IPv4). */
bool dm_socket_v6only(const dm_socket *s);
/* Why the socket left the lookup table (DM_RETIRE_NONE: it did not, or
 * was replaced by a new connection on its 4-tuple). */
dm_retire_reason dm_socket_retired(const dm_socket *s);
uint64_t dm_socket_segments(const dm_socket *s);
uint64_t dm_socket_bytes(const dm_socket *s);
uint64_t dm_socket_bad_checksums(const dm_socket *s);
/* Distinct peer endpoints (address, port) it received from: a lower
 * bound when dm_socket_peers_folded(). */
uint32_t dm_socket_peers(const dm_socket *s);
/* Whether peers beyond the first DM_PEERS_MAX were folded into one
 * "other peers" entry (counting their segments, not telling them apart). */
bool dm_socket_peers_folded(const dm_socket *s);

/* Peer endpoints a bound socket or listener keeps apart. */
#define DM_PEERS_MAX 1024u

/* A peer endpoint a socket received from, and how many segments. */
typedef struct {
	int family;                 /* 4 or 6 */
	uint8_t addr[16];           /* network order */
	uint16_t port;
	uint64_t segments;          /* segments from it counted on the socket */
	bool other;                 /* the folded "other peers" (no address) */
} dm_peer;

/* An iterator over a socket's peers; valid while the simulation is not
 * fed further segments. */
typedef struct {
	const void *next;           /* private */
	const void *conn;
	const void *rest;
	uint64_t conn_segments;
} dm_peer_iter;

/**
 * dm_socket_peer_iter_init: start iterating over the dm_socket_peers(@s)
 * distinct peer endpoints of @s, the most recently first heard first
 * (then the folded other peers, if any); their segment counts add up to
 * dm_socket_segments(@s).
 */
void dm_socket_peer_iter_init(dm_peer_iter *it, const dm_socket *s);

/**
 * dm_peer_iter_next: fill @peer with the next peer of the iteration.
 * Returns: false (leaving @peer alone) when there is none left.
 */
bool dm_peer_iter_next(dm_peer_iter *it, dm_peer *peer);
/* First and last frame delivered to it, and their times (0 and unset
 * when nothing was delivered). */
uint64_t dm_socket_first_frame(const dm_socket *s);
uint64_t dm_socket_last_frame(const dm_socket *s);
void dm_socket_first_time(const dm_socket *s, int64_t *sec, uint32_t *nsec);
void dm_socket_last_time(const dm_socket *s, int64_t *sec, uint32_t *nsec);

/* A TCP listener's queues, as Linux keeps them for listen(fd, backlog).
 * The SYN queue holds the children in SYN-RECEIVED; the accept queue is
 * counted as the children ESTABLISHED (by a handshake seen, or a SYN
 * cookie) and not yet closed: a capture cannot show accept(), so this is
 * an upper bound of what waited to be accepted, and it never drops. */
typedef struct {
	uint32_t backlog;         /* listen()'s: declared (tcp = 80/128), else
	                           * somaxconn */
	bool declared_backlog;    /* given in the sockets file */
	uint32_t syn_limit;       /* SYNs the SYN queue takes before cookies or
	                           * drops, with the options in effect */
	uint32_t accept_limit;    /* min(backlog, somaxconn) */
	uint32_t syn_queue, syn_peak;       /* children SYN-RECEIVED: now, peak */
	uint32_t accept_queue, accept_peak; /* children ESTABLISHED: now, peak */
	uint64_t cookies_sent;    /* SYNs answered with a SYN cookie */
	uint64_t cookies_used;    /* children made by an ACK returning one */
	uint64_t syn_queue_full;  /* SYNs dropped: SYN queue full, no cookies */
	uint64_t accept_over;     /* handshakes completed with the accept queue
	                           * at min(backlog, somaxconn) already */
} dm_backlog_stats;

/**
 * dm_socket_backlog: the queues of listener @s, once it received a SYN or
 * was declared with a backlog.
 * Returns: false (leaving @out alone) for other sockets.
 */
bool dm_socket_backlog(const dm_socket *s, dm_backlog_stats *out);

/* A change of a listener's queues: DM_QUEUE_EVENT(frame, what), what 0
 * a child joined the SYN queue, 1 left it, 2 joined the accept queue, 3
 * left it; at most DM_QUEUE_EVENTS_MAX a listener are kept. */
#define DM_QUEUE_EVENT(frame, what) ((frame) * 4 + (what))
#define DM_QUEUE_EVENTS_MAX (1u << 20)

/**
 * dm_socket_backlog_events: the queue changes of listener @s, in order,
 * when the run keeps them (dm_demux_config.queue_events).
 * Returns: the changes (uint64_t DM_QUEUE_EVENT values; NULL when none
 * are kept or there were none), and in @complete whether none was left
 * out.
 */
const GArray *dm_socket_backlog_events(const dm_socket *s, bool *complete);

/**
 * dm_tcp_state_name / dm_lookup_name / dm_action_name / dm_drop_name /
 * dm_reply_name / dm_sock_kind_name: stable names ("ESTABLISHED",
 * "wildcard-listener", "accepted", "bad-checksum", "rst", "listen").
 * Returns: a static string (NULL for DM_DROP_NONE, DM_REPLY_NONE,
 * DM_TCP_NONE).
 */
const char *dm_tcp_state_name(dm_tcp_state s);
const char *dm_lookup_name(dm_lookup l);
const char *dm_action_name(dm_action a);
const char *dm_drop_name(dm_drop_reason d);
const char *dm_reply_name(dm_reply r);
const char *dm_sock_kind_name(dm_sock_kind k);

/**
 * dm_retire_name: the stable name of @r ("syn-timeout", "evicted-udp").
 * Returns: a static string (NULL for DM_RETIRE_NONE).
 */
const char *dm_retire_name(dm_retire_reason r);

/**
 * dm_demux_check_invariants: verify the internal consistency of the
 * tables (every keyed socket reachable, children point at listeners,
 * counters coherent); for tests.
 * Returns: NULL when consistent, else a newly allocated description.
 */
char *dm_demux_check_invariants(const dm_demux *dm);

#endif /* DEMUXSIM_DEMUX_H */
