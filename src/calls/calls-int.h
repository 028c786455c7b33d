/* calls-int.h - what the calls stage's files share: the record of hosts,
 * the per-socket and per-UDP-endpoint tracks the rules keep, and the
 * ladders (not installed). */
#ifndef DEMUXSIM_CALLS_INT_H
#define DEMUXSIM_CALLS_INT_H

#include "demuxsim/calls.h"

/* A host's calls. */
typedef struct {
	int family;
	uint8_t addr[16];
	GArray *calls;         /* of dm_call */
} calls_host;

/* What the rules remember of one socket of the tables (by id). */
typedef struct {
	calls_host *host;
	dm_tcp_state state;    /* as last seen */
	uint32_t snd_max;      /* sequence space sent (end of the highest) */
	uint32_t rcv_max;      /* sequence space delivered to it */
	bool snd_known, rcv_known;
	bool announced;        /* its opening call is recorded */
	bool refused;          /* its connect() failed (ECONNREFUSED) */
	bool eof;              /* the peer's FIN reached it */
	guint connect_call;    /* its connect() call, index + 1 (0: none) */
	guint fin_call;        /* its FIN's close/shutdown call, index + 1 */
	bool fin_settled;      /* what the FIN stands for is known */
	bool data_after_fin;   /* new data reached it after its FIN */
	uint32_t after_fin_end; /* the end of that data */
	guint ladder;          /* index + 1 of its ladder (0: none) */
} sock_track;

/* A UDP endpoint (host address and port), socket id or not. */
typedef struct {
	int family;
	uint8_t addr[16];
	uint16_t port;
	calls_host *host;
	guint id;              /* its socket in the tables (0: none yet) */
	bool announced;
} udp_ep;

/* A connection whose segments are kept. */
typedef struct {
	dm_ladder l;
	guint listener;        /* the listener that spawned end b's socket */
	guint max_rows;
	uint32_t isn_a, isn_b;
	bool isn_a_known, isn_b_known;
} ladder_slot;

struct dm_calls {
	GHashTable *hosts;     /* calls_host key bytes -> calls_host */
	GHashTable *socks;     /* id -> sock_track */
	GHashTable *eps;       /* udp_ep key bytes -> udp_ep */
	uint64_t kept, not_kept, max;
	bool select_on;        /* a ladder was asked for */
	dm_ladder_select sel;
	guint auto_ladders;
	GPtrArray *ladders;    /* of ladder_slot */
	dm_ladder none;        /* what dm_calls_ladder() gives without one */
	bool finished;
};

/* The record's tables, made and freed (calls-record.c). */
void dm_calls_record_init(dm_calls *c);
void dm_calls_record_clear(dm_calls *c);

/* The host of @family/@addr, made when new. */
calls_host *dm_calls_host_get(dm_calls *c, int family, const uint8_t *addr);

/* The track of socket @id (non-zero), made when new (on @host). */
sock_track *dm_calls_sock(dm_calls *c, guint id, calls_host *host, bool *made);

/* The UDP endpoint @family/@addr/@port, made when new (on @host). */
udp_ep *dm_calls_ep(dm_calls *c, calls_host *host, int family, const uint8_t *addr,
                    uint16_t port);

/* Append a call of @kind on @h at frame @frame, with @socket's local
 * endpoint; returns it (NULL when the run keeps no more calls).  The
 * index + 1 of the entry is stored in @index when given. */
dm_call *dm_calls_add(dm_calls *c, calls_host *h, dm_call_kind kind, dm_call_sure sure,
                      uint64_t frame, int64_t sec, uint32_t nsec, guint *index);

/* The call at index + 1 @index of @h, or NULL. */
dm_call *dm_calls_at(calls_host *h, guint index);

/* The rules (calls-tcp.c, calls-udp.c): what segment @pkt of frame @frame,
 * decided as @d, implies; @retrans is set when it was a retransmission. */
typedef struct {
	uint64_t frame;
	int64_t sec;
	uint32_t nsec;
	const dm_packet *pkt;
	const dm_decision *d;
} calls_seg;

void dm_calls_tcp(dm_calls *c, const calls_seg *s, bool *retrans);
void dm_calls_tcp_finish(dm_calls *c);
void dm_calls_udp(dm_calls *c, const calls_seg *s);
void dm_calls_udp_finish(dm_calls *c);

/* The ladders (calls-ladder.c). */
void dm_calls_ladder_frame(dm_calls *c, const calls_seg *s, bool retrans);
void dm_calls_ladder_finish(dm_calls *c);
void dm_calls_ladder_free(ladder_slot *slot);

#endif
