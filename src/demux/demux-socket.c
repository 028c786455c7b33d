/* demux-socket.c - what the report reads of the tables: host and socket
 * accessors, a socket's first and last frame and time (narrow or wide),
 * and the names of the stage's enums.
 */
#include "config.h"

#include "demux-int.h"
#include "demux-table-int.h"

/* Accessors. */
int dm_host_family(const dm_host *h) { return h->family; }
const uint8_t *dm_host_address(const dm_host *h) { return h->addr; }
dm_zone dm_host_zone(const dm_host *h) { return h->zone; }
int dm_refusal_family(const dm_host *h, const dm_refusal *r)
{
	return r->family ? r->family : h->family;
}
const char *dm_host_name(const dm_host *h) { return h->extra ? h->extra->name : NULL; }

guint
dm_host_n_addresses(const dm_host *h)
{
	return 1 + (h->extra ? h->extra->more->len : 0);
}

const uint8_t *
dm_host_address_at(const dm_host *h, guint i, int *family)
{
	if (i == 0 || !h->extra || i > h->extra->more->len) {
		*family = h->family;
		return h->addr;
	}
	const dm_host_addr *a = &g_array_index(h->extra->more, dm_host_addr, i - 1);
	*family = a->family;
	return a->addr;
}


const GPtrArray *
dm_host_sockets(const dm_host *h)
{
	if (h->holes)
		dm_host_compact((dm_host *)h);
	return h->sockets;
}

uint64_t
dm_host_retired(const dm_host *h, dm_retire_reason reason)
{
	return (unsigned)reason < DM_RETIRE_N && h->counts ? h->counts->retired[reason] : 0;
}

/* The refusals of a host that has none. */
static const GArray *
no_refusals(void)
{
	static GArray *none;
	if (g_once_init_enter(&none))
		g_once_init_leave(&none, g_array_new(FALSE, TRUE, sizeof(dm_refusal)));
	return none;
}

const GArray *
dm_host_refusals(const dm_host *h)
{
	return h->refusals ? h->refusals : no_refusals();
}

uint64_t
dm_host_drops(const dm_host *h, dm_drop_reason reason)
{
	return (unsigned)reason < DM_DROP_N && h->counts ? h->counts->drops[reason] : 0;
}

guint dm_socket_id(const dm_socket *s) { return s->id; }
uint8_t dm_socket_proto(const dm_socket *s) { return s->key.proto; }
dm_sock_kind dm_socket_kind(const dm_socket *s) { return s->kind; }
int dm_socket_family(const dm_socket *s) { return s->key.family; }
bool dm_socket_local_is_wildcard(const dm_socket *s) { return s->wildcard; }
dm_tcp_state dm_socket_state(const dm_socket *s) { return s->state; }
const dm_socket *dm_socket_parent(const dm_socket *s) { return s->parent; }
bool dm_socket_midstream(const dm_socket *s) { return s->midstream; }
bool dm_socket_declared(const dm_socket *s) { return s->declared; }
bool dm_socket_v6only(const dm_socket *s) { return s->v6only; }
int dm_socket_group_member(const dm_socket *s) { return s->grouped ? (int)s->key.rport : -1; }
dm_retire_reason dm_socket_retired(const dm_socket *s) { return s->retired; }
uint64_t dm_socket_segments(const dm_socket *s) { return s->segments; }
uint64_t dm_socket_bytes(const dm_socket *s) { return s->bytes; }
uint64_t dm_socket_bad_checksums(const dm_socket *s) { return s->bad; }
uint32_t dm_socket_peers(const dm_socket *s) { return s->peers; }
bool dm_socket_peers_folded(const dm_socket *s) { return s->peers_folded; }

uint64_t
dm_socket_first_frame(const dm_socket *s)
{
	return s->span_wide ? s->span.wide->first_frame : s->span.n.first_frame;
}

uint64_t
dm_socket_last_frame(const dm_socket *s)
{
	return s->span_wide ? s->span.wide->last_frame : s->span.n.last_frame;
}

void
dm_socket_touch_wide(dm_socket *s, uint64_t frame, int64_t sec, uint32_t nsec)
{
	if (!s->span_wide) {
		/* Widened, exactly: the narrow values all fit. */
		g_atomic_int_set(&dm_span_wide_made, 1);
		dm_span_wide *w = g_new(dm_span_wide, 1);
		w->first_frame = dm_socket_first_frame(s);
		w->last_frame = dm_socket_last_frame(s);
		dm_socket_first_time(s, &w->first_sec, &w->first_nsec);
		dm_socket_last_time(s, &w->last_sec, &w->last_nsec);
		s->span.wide = w;
		s->span_wide = true;
	}
	dm_span_wide *w = s->span.wide;
	if (!w->first_frame) {
		w->first_frame = frame;
		w->first_sec = sec;
		w->first_nsec = nsec;
	}
	w->last_frame = frame;
	w->last_sec = sec;
	w->last_nsec = nsec;
}

/* @ns (sec * 10^9 + nsec, 0 <= nsec < 10^9) apart. */
static void
ns_split(int64_t ns, int64_t *sec, uint32_t *nsec)
{
	int64_t q = ns / 1000000000, r = ns % 1000000000;
	if (r < 0) {
		q--;
		r += 1000000000;
	}
	*sec = q;
	*nsec = (uint32_t)r;
}

const uint8_t *
dm_socket_local(const dm_socket *s, uint16_t *port)
{
	if (port)
		*port = s->key.lport;
	return s->key.laddr;
}

const uint8_t *
dm_socket_remote(const dm_socket *s, uint16_t *port)
{
	if (s->key.tuple != 4)
		return NULL;
	if (port)
		*port = s->key.rport;
	return s->key.raddr;
}

void
dm_socket_first_time(const dm_socket *s, int64_t *sec, uint32_t *nsec)
{
	if (s->span_wide) {
		*sec = s->span.wide->first_sec;
		*nsec = s->span.wide->first_nsec;
	} else {
		ns_split(s->span.n.first_ns, sec, nsec);
	}
}

void
dm_socket_last_time(const dm_socket *s, int64_t *sec, uint32_t *nsec)
{
	if (s->span_wide) {
		*sec = s->span.wide->last_sec;
		*nsec = s->span.wide->last_nsec;
	} else {
		ns_split(s->span.n.last_ns, sec, nsec);
	}
}

/* Names. */
const char *
dm_tcp_state_name(dm_tcp_state s)
{
	static const char *const names[DM_TCP_N_STATE] = {
		NULL, "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
		"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK",
		"TIME-WAIT", "CLOSED",
	};
	return (unsigned)s < DM_TCP_N_STATE ? names[s] : NULL;
}

const char *
dm_lookup_name(dm_lookup l)
{
	static const char *const names[DM_LOOKUP_N] = {
		"none", "exact", "listener", "wildcard-listener", "bound",
		"wildcard-bound", "new", "dual-stack-listener", "dual-stack-bound",
	};
	return (unsigned)l < DM_LOOKUP_N ? names[l] : "?";
}

const char *
dm_action_name(dm_action a)
{
	static const char *const names[DM_ACTION_N] = {
		"delivered", "accepted", "spawned", "dropped", "refused",
	};
	return (unsigned)a < DM_ACTION_N ? names[a] : "?";
}

const char *
dm_drop_name(dm_drop_reason d)
{
	static const char *const names[DM_DROP_N] = {
		NULL, "bad-checksum", "malformed", "no-socket", "closed",
		"syn-queue-full",
	};
	return (unsigned)d < DM_DROP_N ? names[d] : NULL;
}

const char *
dm_reply_name(dm_reply r)
{
	static const char *const names[DM_REPLY_N] = {
		NULL, "icmp-port-unreachable", "rst",
	};
	return (unsigned)r < DM_REPLY_N ? names[r] : NULL;
}

const char *
dm_retire_name(dm_retire_reason r)
{
	static const char *const names[DM_RETIRE_N] = {
		NULL, "syn-timeout", "time-wait-timeout", "closed-timeout", "udp-idle",
		"evicted-half-open", "forgotten", "evicted-closed", "evicted-udp",
		"evicted-connection", "forgotten-host",
	};
	return (unsigned)r < DM_RETIRE_N ? names[r] : NULL;
}

const char *
dm_sock_kind_name(dm_sock_kind k)
{
	static const char *const names[] = { "bound", "listen", "connection" };
	return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}
