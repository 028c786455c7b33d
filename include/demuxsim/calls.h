/* calls.h - the socket calls behind the packets: for every host, the
 * calls (socket, bind, listen, accept, connect, send/recv, sendto/recvfrom,
 * shutdown, close) that the segments and the simulation's decisions imply,
 * in capture order, each with the frame that proves it, the rule that
 * infers it and how sure it is; and the ladder of one connection (every
 * segment with both ends' TCP states and calls) for a sequence diagram.
 *
 * The calls stage sits between the simulation and the report: it reads
 * each frame's decision (dm_decision) and keeps its own records (socket
 * ids and endpoints, never pointers into the tables), so that a socket
 * the tables retire keeps its calls.
 */
#ifndef DEMUXSIM_CALLS_H
#define DEMUXSIM_CALLS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/demux.h"
#include "demuxsim/packet.h"

typedef struct dm_calls dm_calls;

typedef enum {
	DM_CALL_LISTEN,      /* socket(SOCK_STREAM) bind(local) listen() */
	DM_CALL_ACCEPT,      /* accept() -> a new connection socket for peer */
	DM_CALL_CONNECT,     /* socket(SOCK_STREAM) connect(peer) */
	DM_CALL_CONNECTED,   /* connect() returns: result 0 or an errno */
	DM_CALL_OPEN,        /* a connection already open when the capture
	                      * began: connect() or accept() before it */
	DM_CALL_SEND,        /* TCP send(): bytes, in count segments */
	DM_CALL_RECV,        /* TCP recv(): bytes, in count segments */
	DM_CALL_RECV_EOF,    /* recv() returns 0: the peer's FIN */
	DM_CALL_CLOSE,       /* the FIN: close(), shutdown(SHUT_WR), or one
	                      * of the two (see dm_call.how) */
	DM_CALL_ABORT,       /* close() that resets (RST: unread data or
	                      * SO_LINGER 0) */
	DM_CALL_UDP_SOCKET,  /* socket(SOCK_DGRAM) bind(local), or the port
	                      * the kernel chose at the first sendto() */
	DM_CALL_SENDTO,      /* sendto(peer): bytes in count datagrams */
	DM_CALL_RECVFROM,    /* recvfrom() from peer: bytes in count datagrams */
	DM_CALL_UDP_REFUSED, /* an ICMP port unreachable answered a datagram:
	                      * a connected socket's next call would fail
	                      * with ECONNREFUSED, an unconnected one sees
	                      * nothing */
	DM_CALL_N
} dm_call_kind;

/* How sure a call is. */
typedef enum {
	DM_SURE_SEEN,      /* the frame is the call's own effect (a SYN is
	                    * connect(), a data segment a send()) */
	DM_SURE_INFERRED,  /* the frame lets it return, as the rule says
	                    * (accept() once the handshake is complete,
	                    * recv() of delivered data): it ends after it */
	DM_SURE_ASSUMED,   /* made before the frame, which is the first to
	                    * show it (or the capture began after it) */
	DM_SURE_DECLARED,  /* from the declared sockets (--sockets): time 0 */
	DM_SURE_N
} dm_call_sure;

/* What a FIN stands for. */
typedef enum {
	DM_CLOSE_NA,         /* not a DM_CALL_CLOSE */
	DM_CLOSE_CLOSE,      /* close(): data after it was answered by RST */
	DM_CLOSE_SHUTDOWN,   /* shutdown(SHUT_WR): data after it was taken */
	DM_CLOSE_UNKNOWN,    /* nothing after the FIN tells them apart */
} dm_close_how;

/* One call (or run of like calls folded into one: count). */
typedef struct {
	dm_call_kind kind;
	dm_call_sure sure;
	dm_close_how how;       /* DM_CALL_CLOSE only */
	uint8_t proto;          /* 6 or 17 */
	uint64_t frame;         /* the frame that proves it */
	int64_t sec;            /* its time */
	uint32_t nsec;
	guint socket;           /* the socket's id in the tables (0: none:
	                         * a UDP socket that never received) */
	guint new_socket;       /* DM_CALL_ACCEPT: the connection's id */
	int family;             /* of the addresses below */
	uint8_t local[16];      /* the socket's local address and port */
	uint16_t local_port;
	uint8_t peer[16];       /* the call's peer (connect, accept, sendto,
	                         * recvfrom), when it has one */
	uint16_t peer_port;
	bool has_peer;
	bool wildcard;          /* bound to the wildcard address */
	bool ephemeral;         /* DM_CALL_UDP_SOCKET: its port is of the
	                         * kernel's ephemeral range, which the first
	                         * sendto() of an unbound socket takes */
	uint64_t bytes;         /* payload bytes (send, recv, sendto, recvfrom) */
	uint32_t count;         /* calls folded into this entry (>= 1) */
	int result;             /* 0, or the errno it fails with */
	uint64_t evidence;      /* the frame of the answer that shows the
	                         * result (RST, ICMP), 0 if none */
	const char *rule;       /* why, as a static phrase ("first SYN to
	                         * the port", "handshake complete") */
} dm_call;

/* Selects the one connection whose ladder is kept: by a socket id (either
 * end's), or by its 4-tuple in either direction. */
typedef struct {
	guint socket;           /* 0: by 4-tuple */
	int family;
	uint8_t a[16], b[16];
	uint16_t a_port, b_port;
} dm_ladder_select;

/* One segment of the ladder, as it left one end and reached the other. */
typedef struct {
	uint64_t frame;
	int64_t sec;
	uint32_t nsec;
	bool from_a;            /* sent by end a (else by end b) */
	uint8_t flags;          /* DM_TCP_ flag bits */
	uint32_t seq, ack;      /* as in the header */
	uint32_t rel_seq, rel_ack; /* relative to each end's first sequence
	                         * number seen (its SYN's), as tshark's */
	bool rel_known;         /* both ends' initial numbers were seen */
	uint16_t win;
	uint32_t len;           /* payload bytes */
	dm_csum_status csum;    /* the checksum verdict */
	bool retransmission;    /* sequence space its sender had sent before */
	bool dropped;           /* the receiver dropped it (bad checksum...) */
	dm_tcp_state state_a;   /* each end's state after the segment */
	dm_tcp_state state_b;
} dm_ladder_row;

/* The kept connection: its two ends (a: the one that sent first, the
 * client of a handshake), their socket ids, every segment, and the calls
 * of both ends (and of the listener that accepted it). */
typedef struct {
	bool found;             /* a connection matched the selection */
	int family;
	uint8_t a[16], b[16];
	uint16_t a_port, b_port;
	guint a_socket, b_socket; /* ids, 0 when that end had none */
	dm_tcp_state init_a, init_b; /* each end's state before the first
	                         * segment: CLOSED before a SYN it sends,
	                         * LISTEN for a listener's child; NONE when
	                         * not known */
	GArray *rows;           /* of dm_ladder_row, in capture order */
	GArray *calls_a;        /* of dm_call: end a's calls, in order; a
	                         * call belongs with the row of its frame
	                         * (an assumed one comes before that row) */
	GArray *calls_b;        /* end b's, the listener's among them */
	guint64 rows_not_kept;  /* segments beyond DM_LADDER_MAX_ROWS */
} dm_ladder;

#define DM_LADDER_MAX_ROWS 5000u
/* Rows each ladder kept for the HTML report holds at most. */
#define DM_LADDER_AUTO_ROWS 150u

/* Calls kept at most over a run; beyond, they are counted only. */
#define DM_CALLS_MAX 2000000u

/**
 * dm_calls_new: an empty record of calls.  With @ladder (copied) the
 * segments of the connection it selects are kept too (up to
 * DM_LADDER_MAX_ROWS); with @auto_ladders > 0, those of the first
 * @auto_ladders TCP connections (up to DM_LADDER_AUTO_ROWS each).
 * Returns: the record (dm_calls_free() it).
 */
dm_calls *dm_calls_new(const dm_ladder_select *ladder, guint auto_ladders);

/**
 * dm_calls_declare: the calls of the sockets declared in @dm (bind(),
 * listen(), connect() of a connected UDP socket), at time 0.
 */
void dm_calls_declare(dm_calls *c, const dm_demux *dm);

/**
 * dm_calls_frame: the calls frame @frame (time @sec.@nsec, decoded to
 * @st in @pkt, decided as @d) implies on its sending and receiving hosts.
 */
void dm_calls_frame(dm_calls *c, uint64_t frame, int64_t sec, uint32_t nsec,
                    dm_frame_status st, const dm_packet *pkt, const dm_decision *d);

/**
 * dm_calls_finish: the end of the capture: settle what only the end
 * tells (a FIN nothing followed, a connect() no answer came to).
 */
void dm_calls_finish(dm_calls *c);

/* A host's calls, in capture order. */
typedef struct {
	int family;
	uint8_t addr[16];
	const GArray *calls;    /* of dm_call */
} dm_calls_host;

/**
 * dm_calls_hosts: the hosts with calls, in order of address (family 4
 * first), as an array of dm_calls_host (valid until @c changes) the
 * caller frees with g_array_unref.
 * Returns: the array.
 */
GArray *dm_calls_hosts(const dm_calls *c);

/**
 * dm_calls_of_host: the calls of host @family/@addr, in capture order.
 * Returns: an array of dm_call owned by @c, or NULL when it has none.
 */
const GArray *dm_calls_of_host(const dm_calls *c, int family, const uint8_t *addr);

/**
 * dm_calls_not_kept: calls beyond DM_CALLS_MAX, counted only.
 * Returns: the count.
 */
uint64_t dm_calls_not_kept(const dm_calls *c);

/**
 * dm_calls_ladder: the kept connection (found false when nothing matched
 * or no ladder was selected); owned by @c.
 * Returns: the ladder.
 */
const dm_ladder *dm_calls_ladder(const dm_calls *c);

/**
 * dm_calls_ladder_of: the ladder kept of the connection one of whose ends
 * is socket @socket, or NULL; owned by @c.
 * Returns: the ladder or NULL.
 */
const dm_ladder *dm_calls_ladder_of(const dm_calls *c, guint socket);

/**
 * dm_calls_ladder_count / dm_calls_ladder_at: the ladders kept, in the
 * order their connections began; @i below the count.
 * Returns: the count; the ladder (owned by @c).
 */
guint dm_calls_ladder_count(const dm_calls *c);
const dm_ladder *dm_calls_ladder_at(const dm_calls *c, guint i);

/**
 * dm_calls_set_max / dm_calls_max: the calls a run keeps at most (by
 * default DM_CALLS_MAX); beyond, they are counted only.
 */
void dm_calls_set_max(dm_calls *c, uint64_t max);
uint64_t dm_calls_max(const dm_calls *c);

/**
 * dm_calls_free: free @c (NULL is ignored).
 */
void dm_calls_free(dm_calls *c);

/**
 * dm_call_kind_name / dm_call_sure_name / dm_close_how_name: stable names
 * ("listen", "accept", "sendto"; "seen", "inferred", "assumed",
 * "declared"; "close", "shutdown", "unknown").
 * Returns: a static string (NULL for DM_CLOSE_NA).
 */
const char *dm_call_kind_name(dm_call_kind k);
const char *dm_call_sure_name(dm_call_sure s);
const char *dm_close_how_name(dm_close_how h);

#endif /* DEMUXSIM_CALLS_H */
