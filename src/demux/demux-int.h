/* demux-int.h - the structures behind demux.h, shared by the demux stage
 * (not installed). */
#ifndef DEMUXSIM_DEMUX_INT_H
#define DEMUXSIM_DEMUX_INT_H

#include <string.h>

#include "demuxsim/demux.h"
#include "hash-index-int.h"

/* A table key.  2-tuple keys (bound UDP sockets, listeners) leave the
 * remote part zero; 4-tuple keys fill it.  Always zero-initialised so
 * that it can be hashed and compared as bytes. */
typedef struct {
	uint8_t proto;
	uint8_t family;
	uint8_t tuple;     /* 2 or 4 */
	uint8_t zone_kind; /* the host's zone (dm_zone): 0, 0 for none */
	uint16_t lport, rport;
	uint8_t laddr[16];
	uint8_t raddr[16];
	uint32_t zone_id;
} dm_key;

struct dm_peer_entry;

/* When a socket was delivered to, at full width: what its narrow form
 * cannot hold (demux-socket.c). */
typedef struct {
	uint64_t first_frame, last_frame;
	int64_t first_sec, last_sec;
	uint32_t first_nsec, last_nsec;
} dm_span_wide;

/* A socket.  Kept small: a capture may leave millions of them in the
 * report.  Narrow fields hold values bounded by construction (asserted
 * in demux-table.c); the first and last frame and time are narrow while
 * they fit and move to a dm_span_wide of their own when one does not
 * (span_wide), so that no value is ever cut; the counters of segments,
 * bytes and bad checksums stay 64-bit. */
struct dm_socket {
	dm_key key;
	guint id;              /* 0: an empty cell (demux-table.c) */
	uint32_t cell;         /* its cell in the tables (ids are not cells) */
	uint32_t act;          /* last activity, in limit ticks */
	uint32_t slot;         /* index in its host's sockets array */
	uint32_t lprev, lnext; /* its dm_list, oldest activity first: cell + 1,
	                        * 0 at either end (demux-lists.c) */
	dm_host *host;
	dm_socket *parent;
	union {
		/* DM_KIND_CONNECTION: it receives only from its remote end,
		 * so it has no peer entries. */
		struct {
			uint32_t fin_ack;      /* the ACK that acknowledges our FIN */
			uint32_t peer_fin_ack; /* the ACK that acknowledges the peer's FIN */
			uint32_t mate_cell;    /* TCP: the other end's socket, when seen: */
			guint mate_id;         /* valid while that cell holds this id */
		} conn;
		/* Bound sockets and listeners: their peers, newest first, and
		 * the socket's own index of them, from its second peer
		 * (demux-peers.c). */
		struct {
			struct dm_peer_entry *list;
			dm_index *set;
			/* Listeners: their queues, or NULL before the
			 * first SYN (demux-backlog.c). */
			struct dm_backlog *backlog;
		} peer;
	} u;
	uint16_t peers;        /* at most DM_PEERS_MAX + 1 (the folded rest) */
	uint16_t npeer;        /* its peer entries, at most DM_PEERS_MAX */
	unsigned kind : 2;     /* dm_sock_kind */
	unsigned state : 4;    /* dm_tcp_state */
	unsigned list : 3;     /* dm_list it is on (demux-lists.c) */
	unsigned retired : 4;  /* dm_retire_reason it left the table for */
	bool keyed : 1;        /* reachable through the table */
	bool midstream : 1;
	bool declared : 1;
	bool wildcard : 1;
	bool fin_sent : 1;
	bool fin_received : 1;
	bool dead : 1;         /* discarded listener kept as a parent */
	bool peers_folded : 1; /* peers beyond DM_PEERS_MAX folded together */
	bool span_wide : 1;    /* span.wide, not span.n, holds the span */
	bool v6only : 1;       /* an IPv6 socket that takes no IPv4 (IPV6_V6ONLY) */
	bool grouped : 1;      /* a member of a SO_REUSEPORT group: key.rport
	                        * holds its number (0 for the one looked up) */
	/* First and last frame delivered to it and their times (frame 0:
	 * none yet).  Access through dm_socket_touch and the accessors. */
	union {
		struct {
			int64_t first_ns, last_ns; /* sec * 10^9 + nsec */
			uint32_t first_frame, last_frame;
		} n;
		dm_span_wide *wide;    /* owned */
	} span;
	uint64_t segments, bytes, bad;
};

/* The per-host counters, made at the first one that is not zero. */
typedef struct {
	uint64_t drops[DM_DROP_N];
	uint64_t retired[DM_RETIRE_N];
} dm_host_counts;

/* A host's own address, beside the one it is known by. */
typedef struct {
	uint8_t family;
	uint8_t addr[16];
} dm_host_addr;

/* What a host with several addresses has beside its first (declared
 * `[name]` with `addresses =`, or --same-host in learn mode). */
typedef struct {
	char *name;            /* the group's name, or NULL */
	GArray *more;          /* dm_host_addr: its other addresses, in order */
} dm_host_extra;

/* What the segment path reads of a host comes first, in one cache line
 * (records are aligned to it, demux-table.c). */
struct dm_host {
	uint8_t family;
	uint8_t addr[16];
	bool idle;              /* on the idle-host list (demux-lists.c) */
	dm_zone zone;           /* its tenant network (dm_packet_zone) */
	uint32_t live;          /* sockets held: the non-NULL entries of sockets */
	uint32_t dead;          /* its discarded listeners kept as parents */
	uint32_t act;           /* last activity, in limit ticks */
	uint32_t hslot;         /* its record in the host chunks; host index id - 1 */
	GHashTable *closed;     /* (proto << 16 | port) -> evidence frame */
	dm_host *hprev, *hnext; /* that list, oldest activity first */
	GPtrArray *sockets;     /* dm_socket *, creation order */
	GArray *refusals;       /* dm_refusal, or NULL before the first */
	GHashTable *refusal_at; /* dm_key * (owned) -> index + 1, or NULL before
	                        * the first refusal */
	dm_host_counts *counts; /* or NULL while all are zero */
	uint32_t holes;         /* NULL entries in sockets (discarded ones) */
	uint32_t pos;           /* index in the tables' hosts array */
	dm_host_extra *extra;   /* several addresses: the others, else NULL */
} __attribute__((aligned(64)));

/* The order of dm_demux_hosts(): by family, address, then zone. */
static inline gint
dm_host_order(gconstpointer a, gconstpointer b)
{
	const dm_host *x = *(const dm_host *const *)a, *y = *(const dm_host *const *)b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	int c = memcmp(x->addr, y->addr, 16);
	if (c || x->zone.kind != y->zone.kind)
		return c ? c : x->zone.kind < y->zone.kind ? -1 : 1;
	return x->zone.id < y->zone.id ? -1 : x->zone.id > y->zone.id;
}

/* The counters of @h, made (zero) if need be. */
dm_host_counts *dm_host_counts_get(dm_host *h);

/* Whether @h has nothing of its own left to report: no socket held, no
 * discarded listener, no refusal, no closed port noted. */
static inline bool
dm_host_forgettable(const dm_host *h)
{
	/* A host of several addresses stays: it was told, not learned. */
	return !h->live && !h->dead && !h->extra && (!h->refusals || h->refusals->len == 0) &&
	       (!h->closed || g_hash_table_size(h->closed) == 0);
}

/* The lists that order sockets by last activity, for expiry and
 * eviction (kept by demux-lists.c, acted on by demux-limits.c).
 * Listeners and declared sockets are on none: they are never expired
 * nor evicted. */
typedef enum {
	DM_LIST_NONE,
	DM_LIST_HALF_OPEN,    /* keyed SYN-SENT, SYN-RECEIVED */
	DM_LIST_OVER,         /* keyed TIME-WAIT, CLOSED */
	DM_LIST_UDP,          /* keyed learned UDP bound sockets */
	DM_LIST_CONN,         /* other keyed learned connections */
	DM_LIST_HISTORY,      /* out of the table, kept for the report */
	DM_LIST_N
} dm_list;

typedef struct {
	dm_socket *head, *tail;
} dm_list_head;

/* Estimated bytes per item of state, for --max-memory.  A socket: its
 * cell (sizeof(dm_socket), checked in demux-table.c to leave room for the
 * rest), its slot in its host's array and in the index, and the growth
 * slack of both.  A fixed figure, so that limits and the memory reported
 * do not depend on the build. */
#define DM_COST_SOCKET ((uint64_t)240)
#define DM_COST_PEER ((uint64_t)80)
/* A host: its record and counters (checked in demux-table.c to fit),
 * its arrays and its slot in the host index. */
#define DM_COST_HOST ((uint64_t)544)
#define DM_COST_REFUSAL ((uint64_t)sizeof(dm_refusal) + sizeof(dm_key) + 64)

/* The simulated hosts and their sockets: the store (demux-table.c), the
 * peer entries (demux-peers.c), the activity lists (demux-lists.c) and
 * the bounded state's counts (demux-limits.c). */
typedef struct {
	GPtrArray *hosts;      /* dm_host *, creation order */
	dm_index host_index;   /* host address -> its hslot + 1 */
	GPtrArray *host_chunks; /* the host records, DM_HOST_CHUNK a chunk that
	                        * never moves, so that the index names them
	                        * without going through hosts */
	uint32_t n_hslots;     /* host records made */
	GArray *free_hslots;   /* uint32_t records free for reuse */
	dm_index sockets;      /* dm_key -> cell + 1, the live entries */
	/* In front of the host index, for the hosts of the moment
	 * (demux-table.c): (hash, hslot + 1), a hint checked against the
	 * record. */
	dm_index_slot *host_cache;
	GPtrArray *cell_chunks; /* the cells, DM_CELL_CHUNK sockets a chunk that
	                        * never moves: held sockets and discarded
	                        * listeners still named as parents; id 0 when
	                        * empty */
	uint32_t n_cells;      /* cells made */
	GArray *free_cells;    /* uint32_t cells free for reuse */
	guint last_id;         /* sockets ever made: ids are never reused */
	GPtrArray *peer_chunks; /* the peer entries */
	uint32_t n_peers;      /* peer entries made */
	GArray *free_peers;    /* uint32_t numbers of entries free for reuse */
	uint32_t peers_held;   /* peer entries in use */
	GPtrArray *peer_sets;  /* every dm_index made for a socket's peers */
	GPtrArray *free_sets;  /* those of them free for reuse (cleared) */
	guint udp_connected;   /* connected UDP sockets ever added */
	uint64_t rekeyed;      /* sockets put in or taken out of the index */
	uint32_t multi;        /* hosts with several addresses */
	uint32_t aliases;      /* their other addresses, in host_index */
	GHashTable *groups;    /* dm_key of a SO_REUSEPORT group's member 0 ->
	                        * its size; NULL before the first */
	/* Bounded state (demux-limits.c; the lists: demux-lists.c). */
	uint64_t count;        /* sockets held (in a host's array) */
	uint64_t mem;          /* estimated bytes of sockets and peers held */
	uint64_t refusals;     /* refusal entries held */
	uint64_t peak_count, peak_mem;
	uint32_t now;          /* capture time in ticks, never back */
	bool have_base;
	int64_t base_sec;      /* capture second of tick 0 */
	dm_list_head lists[DM_LIST_N];
	uint64_t listed;       /* sockets on a list (evictable) */
	uint64_t listed_mem;   /* their sockets' and peer entries' cost */
	dm_host *idle_head, *idle_tail; /* hosts with nothing of their own */
	uint64_t idle;         /* hosts on that list */
	uint64_t retired[DM_RETIRE_N]; /* totals over all hosts */
	uint64_t forgotten_drops[DM_DROP_N];     /* of the hosts freed */
	uint64_t forgotten_retired[DM_RETIRE_N];
	uint64_t limit_unmet;
	GPtrArray *backlogs;   /* every listener's dm_backlog (owned), or NULL */
} dm_tables;

#define DM_CELL_CHUNK 1024u
#define DM_HOST_CHUNK 1024u

/* The socket in cell @cell (< n_cells): empty when its id is 0. */
static inline dm_socket *
dm_tables_at(const dm_tables *t, uint32_t cell)
{
	dm_socket *chunk = g_ptr_array_index(t->cell_chunks, cell / DM_CELL_CHUNK);
	return &chunk[cell % DM_CELL_CHUNK];
}

/* Seconds whose nanoseconds (sec * 10^9 + nsec, nsec < 10^9) fit an
 * int64_t: the narrow span holds times within +-DM_SPAN_SEC_MAX. */
#define DM_SPAN_SEC_MAX INT64_C(9223372035)

/* Whether any socket ever took a wide span (demux-socket.c): until one
 * does, freeing the tables need not visit every cell. */
extern int dm_span_wide_made;

/* dm_socket_touch when the narrow span cannot take it (demux-socket.c). */
void dm_socket_touch_wide(dm_socket *s, uint64_t frame, int64_t sec, uint32_t nsec);

/* Record that frame @frame at @sec.@nsec was delivered to @s: its last,
 * and its first if it has none yet. */
static inline void
dm_socket_touch(dm_socket *s, uint64_t frame, int64_t sec, uint32_t nsec)
{
	if (G_UNLIKELY(s->span_wide || frame > UINT32_MAX || nsec >= 1000000000u ||
	               sec < -DM_SPAN_SEC_MAX || sec > DM_SPAN_SEC_MAX)) {
		dm_socket_touch_wide(s, frame, sec, nsec);
		return;
	}
	int64_t ns = sec * 1000000000 + (int64_t)nsec;
	if (!s->span.n.first_frame) {
		s->span.n.first_frame = (uint32_t)frame;
		s->span.n.first_ns = ns;
	}
	s->span.n.last_frame = (uint32_t)frame;
	s->span.n.last_ns = ns;
}

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
	/* Each item's frame and key, oldest first: a ring of @cap slots, @len
	 * used from @head.  The oldest frame is read without a lookup. */
	struct dm_evidence_slot {
		uint64_t frame;
		const dm_key *key;  /* owned by @items */
	} *order;
	size_t head, len, cap;
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
