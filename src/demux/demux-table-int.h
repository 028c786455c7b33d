/* demux-table-int.h - socket-table operations used by demux.c (not installed). */
#ifndef DEMUXSIM_DEMUX_TABLE_H
#define DEMUXSIM_DEMUX_TABLE_H

#include "demux-int.h"
#include "hash-index-int.h"

/* The lists that order sockets by last activity, for expiry and
 * eviction (demux-limits.c).  Listeners and declared sockets are on
 * none: they are never expired nor evicted. */
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

typedef struct {
	GPtrArray *hosts;      /* dm_host *, creation order */
	dm_index host_index;   /* host address -> index in hosts + 1 */
	dm_index sockets;      /* dm_key -> cell + 1, the live entries */
	GPtrArray *cell_chunks; /* the cells, DM_CELL_CHUNK sockets a chunk that
	                        * never moves: held sockets and discarded
	                        * listeners still named as parents; id 0 when
	                        * empty */
	uint32_t n_cells;      /* cells made */
	GArray *free_cells;    /* uint32_t cells free for reuse */
	guint last_id;         /* sockets ever made: ids are never reused */
	dm_index peers;        /* (socket id, peer address, port) -> entry */
	GPtrArray *peer_chunks; /* the peer entries */
	uint32_t n_peers;      /* peer entries made */
	GArray *free_peers;    /* uint32_t numbers of entries free for reuse */
	uint32_t peers_held;   /* peer entries in use */
	guint udp_connected;   /* connected UDP sockets ever added */
	/* Bounded state (demux-limits.c). */
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
} dm_tables;

#define DM_CELL_CHUNK 1024u

/* The socket in cell @cell (< n_cells): empty when its id is 0. */
static inline dm_socket *
dm_tables_at(const dm_tables *t, uint32_t cell)
{
	dm_socket *chunk = g_ptr_array_index(t->cell_chunks, cell / DM_CELL_CHUNK);
	return &chunk[cell % DM_CELL_CHUNK];
}

void dm_key_make(dm_key *k, uint8_t proto, uint8_t family, const uint8_t *laddr,
                 uint16_t lport, const uint8_t *raddr, uint16_t rport);
/* The key of a socket bound to the wildcard address on host @host: the
 * local address is all zeros and the host's address takes the place of
 * the (unused) remote one, so that each host has its own. */
void dm_key_wildcard(dm_key *k, uint8_t proto, uint8_t family,
                     const uint8_t *host, uint16_t lport);
void dm_tables_init(dm_tables *t);
void dm_tables_clear(dm_tables *t);
dm_host *dm_tables_host(dm_tables *t, uint8_t family, const uint8_t *addr, bool create);
dm_socket *dm_tables_find(const dm_tables *t, const dm_key *k);
/* The same, given @hash = dm_key_hash(@k) (a 4-tuple and its reverse
 * hash alike). */
dm_socket *dm_tables_find_hashed(const dm_tables *t, const dm_key *k, uint32_t hash);
dm_socket *dm_tables_add(dm_tables *t, dm_host *h, const dm_key *k,
                         dm_sock_kind kind, dm_tcp_state state);
dm_socket *dm_tables_add_hashed(dm_tables *t, dm_host *h, const dm_key *k, uint32_t hash,
                                dm_sock_kind kind, dm_tcp_state state);
/* Record refusal @r on @h, folded into the entry for the same peer
 * endpoint and local port if there is one (adding its count, and its
 * evidence if that entry has none).  Returns true when it is a new entry. */
bool dm_host_refusal_note(dm_host *h, const dm_refusal *r);
/* Take @s out of the lookup table (it stays in its host's list). */
void dm_tables_unkey(dm_tables *t, dm_socket *s);
/* Record that @s received a segment from a peer (counted per peer);
 * true the first time.  A connection's remote end takes no entry: its
 * segments are the socket's own. */
bool dm_tables_note_peer(dm_tables *t, dm_socket *s, uint8_t family,
                         const uint8_t *addr, uint16_t port);
/* Take @s out of the tables entirely and free it, with its peer entries
 * (its id is not reused; its cell is, unless it is a listener, kept as
 * the parent its connections name). */
void dm_tables_discard(dm_tables *t, dm_socket *s);
/* The socket in @cell if it still has id @id, else NULL. */
dm_socket *dm_tables_cell(const dm_tables *t, uint32_t cell, guint id);
/* Whether @h has nothing of its own left to report: no socket held, no
 * discarded listener, no refusal, no closed port noted. */
bool dm_host_forgettable(const dm_host *h);
/* Free @h (forgettable, on no list) and take it out of the host index,
 * folding its drops and retirements into the tables' totals. */
void dm_tables_forget_host(dm_tables *t, dm_host *h);
char *dm_tables_check(const dm_tables *t);

#endif
