/* demux-int.h - the structures behind demux.h (not installed). */
#ifndef DEMUXSIM_DEMUX_INT_H
#define DEMUXSIM_DEMUX_INT_H

#include "demuxsim/demux.h"

/* A table key.  2-tuple keys (bound UDP sockets, listeners) leave the
 * remote part zero; 4-tuple keys fill it.  Always zero-initialised so
 * that it can be hashed and compared as bytes. */
typedef struct {
	uint8_t proto;
	uint8_t family;
	uint8_t tuple;     /* 2 or 4 */
	uint8_t pad;
	uint16_t lport, rport;
	uint8_t laddr[16];
	uint8_t raddr[16];
} dm_key;

struct dm_peer_entry;

struct dm_socket {
	dm_key key;
	guint id;
	uint8_t kind;          /* dm_sock_kind */
	uint8_t state;         /* dm_tcp_state */
	bool keyed;            /* reachable through the table */
	bool midstream;
	bool declared;
	bool wildcard;
	bool fin_sent;
	bool fin_received;
	bool dead;             /* discarded listener kept as a parent */
	bool peers_folded;     /* peers beyond DM_PEERS_MAX folded together */
	uint8_t list;          /* dm_list it is on (demux-limits.c) */
	uint8_t retired;       /* dm_retire_reason it left the table for */
	uint32_t act;          /* last activity, in limit ticks */
	uint32_t cell;         /* its cell in the tables (ids are not cells) */
	dm_host *host;
	dm_socket *parent;
	uint32_t fin_ack;      /* the ACK that acknowledges our FIN */
	uint32_t peer_fin_ack; /* the ACK that acknowledges the peer's FIN */
	uint32_t peers;
	uint32_t npeer;        /* its peer entries */
	uint32_t slot;         /* index in its host's sockets array */
	dm_socket *lprev, *lnext; /* its dm_list, oldest activity first */
	struct dm_peer_entry *peer_list; /* its peers, newest first */
	uint64_t segments, bytes, bad;
	uint64_t first_frame, last_frame;
	int64_t first_sec, last_sec;
	uint32_t first_nsec, last_nsec;
};

struct dm_host {
	uint8_t family;
	uint8_t addr[16];
	GPtrArray *sockets;     /* dm_socket *, creation order */
	GArray *refusals;       /* dm_refusal */
	GHashTable *refusal_at; /* dm_key * (owned) -> index + 1 */
	GHashTable *closed;     /* (proto << 16 | port) -> evidence frame */
	uint64_t drops[DM_DROP_N];
	uint32_t holes;         /* NULL entries in sockets (discarded ones) */
	uint32_t dead;          /* its discarded listeners kept as parents */
	uint32_t pos;           /* index in the tables' hosts array */
	uint32_t act;           /* last activity, in limit ticks */
	bool idle;              /* on the idle-host list (demux-limits.c) */
	dm_host *hprev, *hnext; /* that list, oldest activity first */
	uint64_t retired[DM_RETIRE_N];
};

/* Evidence of refusals found by a first pass. */
typedef struct {
	uint64_t frame;
	uint32_t seq;          /* TCP RST: its sequence number */
	uint32_t ack;          /* TCP RST: its acknowledgment number */
	bool has_ack;          /* TCP RST: the ACK flag is set */
} dm_evidence_item;

struct dm_evidence {
	GHashTable *items;     /* dm_key * (host=local, peer=remote) -> GArray */
	GHashTable *senders;   /* dm_key * of a TCP 4-tuple a host sent on, or NULL */
};

guint dm_key_hash(gconstpointer k);
gboolean dm_key_equal(gconstpointer a, gconstpointer b);

/* The first evidence item after @frame for key @k, or NULL.  When @rst
 * is given, only a TCP RST that matches it: with the ACK flag and the same
 * acknowledgment number, or without it and the same sequence number. */
const dm_evidence_item *dm_evidence_after(const dm_evidence *ev, const dm_key *k,
                                          uint64_t frame, const dm_evidence_item *rst);

/* Whether the host at the local end of @k sent a TCP segment (not a
 * RST) on that 4-tuple anywhere in the capture. */
bool dm_evidence_sends(const dm_evidence *ev, const dm_key *k);

#endif
