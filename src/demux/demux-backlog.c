/* demux-backlog.c - a TCP listener's SYN and accept queues and its SYN
 * cookies, bounded as Linux bounds them (tcp_conn_request,
 * net/ipv4/tcp_input.c):
 *
 *   max_ack = min(backlog, net.core.somaxconn)   (listen() cuts it)
 *   SYN queue full:     children SYN-RECEIVED >= max_ack
 *   tcp_syncookies 2:   every SYN is answered with a cookie, no child;
 *   tcp_syncookies 1:   once the SYN queue is full, SYNs get cookies;
 *   tcp_syncookies 0:   once it is full the SYN is dropped, and also once
 *                       fewer than tcp_max_syn_backlog / 4 places are left
 *                       of tcp_max_syn_backlog (Linux lets peers it has
 *                       seen before past that rule: here nobody is).
 *
 * A SYN answered with a cookie leaves no state in a stack.  Its SYN-ACK
 * is sent statelessly (no child), and the ACK that returns the cookie
 * makes the child ESTABLISHED at once.  Linux checks the cookie by its
 * MAC; a capture cannot, so the last DM_COOKIE_SLOTS handshakes given a
 * cookie are remembered by 4-tuple (one slot per hash, a newer one taking
 * the slot): an ACK with the SYN's sequence number + 1 and, when its
 * SYN-ACK was seen, acknowledging that SYN-ACK's + 1 returns the cookie.
 * An ACK whose cookie was forgotten is picked up mid-stream as any ACK
 * without a handshake: the connection is kept all the same.
 *
 * The accept queue is the children ESTABLISHED and not yet closed: the
 * application's accept() is not in a capture, so this bounds from above
 * what waited to be accepted.  It is counted against max_ack (accept_over)
 * and never drops: a real connection is never lost to a guess.
 */
#include "config.h"

#include <string.h>

#include "demux-backlog-int.h"
#include "demux-receive-int.h"

#define DM_COOKIE_SLOTS (1u << 16)

typedef struct {
	dm_key key;         /* the 4-tuple from the listener's side */
	guint listener;     /* id of the listener that sent it; 0: empty */
	uint32_t cseq;      /* the SYN's sequence number + 1 */
	uint32_t sack;      /* the SYN-ACK's sequence number + 1, if seen */
	bool have_sack;
} cookie_slot;

struct dm_cookies {
	cookie_slot slot[DM_COOKIE_SLOTS];
};

static struct dm_backlog *
backlog_make(dm_tables *t, dm_socket *l, uint32_t backlog, bool declared)
{
	struct dm_backlog *b = g_new0(struct dm_backlog, 1);
	b->st.backlog = backlog;
	b->st.declared_backlog = declared;
	if (!t->backlogs)
		t->backlogs = g_ptr_array_new_with_free_func(dm_backlog_free);
	g_ptr_array_add(t->backlogs, b);
	l->u.peer.backlog = b;
	return b;
}

void
dm_backlog_declare(dm_tables *t, dm_socket *s, uint32_t backlog)
{
	backlog_make(t, s, backlog, true);
}

static uint32_t
somaxconn(const dm_demux_config *cfg)
{
	return cfg->somaxconn ? cfg->somaxconn : DM_DEFAULT_SOMAXCONN;
}

static uint32_t
max_ack(const dm_demux_config *cfg, const struct dm_backlog *b)
{
	return MIN(b->st.backlog, somaxconn(cfg));
}

static dm_syncookies
cookies_mode(const dm_demux_config *cfg)
{
	return cfg->syncookies == DM_SYNCOOKIES_DEFAULT ? DM_SYNCOOKIES_WHEN_FULL
	                                                : cfg->syncookies;
}

/* The SYNs the queue takes before cookies or drops. */
static uint32_t
syn_limit(const dm_demux_config *cfg, const struct dm_backlog *b)
{
	dm_syncookies mode = cookies_mode(cfg);
	if (mode == DM_SYNCOOKIES_ALWAYS)
		return 0;
	uint32_t lim = max_ack(cfg, b);
	if (mode == DM_SYNCOOKIES_NEVER) {
		uint32_t msb = cfg->syn_backlog ? cfg->syn_backlog : DM_DEFAULT_SYN_BACKLOG;
		/* Dropped while msb - len < msb / 4: len > msb - msb / 4. */
		lim = MIN(lim, msb - msb / 4 + 1);
	}
	return lim;
}

static cookie_slot *
slot_of(const dm_demux *dm, uint32_t hash)
{
	return dm->cookies ? &dm->cookies->slot[hash & (DM_COOKIE_SLOTS - 1)] : NULL;
}

bool
dm_backlog_stateless(const dm_demux *dm, const dm_socket *l)
{
	const struct dm_backlog *b = l->u.peer.backlog;
	if (!b)
		return cookies_mode(&dm->cfg) == DM_SYNCOOKIES_ALWAYS;
	return b->st.syn_queue >= syn_limit(&dm->cfg, b);
}

/* @k with its ends swapped. */
static void
key_reversed(dm_key *r, const dm_key *k)
{
	*r = *k;
	memcpy(r->laddr, k->raddr, 16);
	memcpy(r->raddr, k->laddr, 16);
	r->lport = k->rport;
	r->rport = k->lport;
}

bool
dm_backlog_client_synack(const dm_demux *dm, const dm_key *k, uint32_t hash,
                         const dm_packet *p)
{
	cookie_slot *c = slot_of(dm, hash);
	dm_key r;
	if (!c || !c->listener || !c->have_sack || c->cseq != p->ack || c->sack != p->seq + 1)
		return false;
	key_reversed(&r, k);
	return dm_key_equal(&c->key, &r);
}

dm_syn_verdict
dm_backlog_syn(dm_demux *dm, dm_socket *l, const dm_key *k, uint32_t hash,
               const dm_packet *p)
{
	struct dm_backlog *b = l->u.peer.backlog;
	if (!b)
		b = backlog_make(&dm->t, l, somaxconn(&dm->cfg), false);
	b->st.syn_limit = syn_limit(&dm->cfg, b);
	b->st.accept_limit = max_ack(&dm->cfg, b);
	b->dm = dm;
	if (dm->cfg.queue_events && !b->events)
		b->events = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	if (b->st.syn_queue < b->st.syn_limit)
		return DM_SYN_SPAWN;
	if (cookies_mode(&dm->cfg) == DM_SYNCOOKIES_NEVER) {
		b->st.syn_queue_full++;
		return DM_SYN_DROP;
	}
	if (!dm->cookies)
		dm->cookies = g_new0(struct dm_cookies, 1);
	cookie_slot *c = slot_of(dm, hash);
	c->key = *k;
	c->listener = l->id;
	c->cseq = p->seq + 1;
	c->have_sack = false;
	b->st.cookies_sent++;
	return DM_SYN_COOKIE;
}

bool
dm_backlog_synack(dm_demux *dm, const dm_key *k, uint32_t hash, const dm_packet *p)
{
	cookie_slot *c = slot_of(dm, hash);
	if (!c || !c->listener || c->cseq != p->ack || !dm_key_equal(&c->key, k))
		return false;
	c->sack = p->seq + 1;
	c->have_sack = true;
	return true;
}

bool
dm_backlog_cookie_ack(dm_demux *dm, dm_socket *l, const dm_key *k, uint32_t hash,
                      const dm_packet *p)
{
	uint8_t f = p->tcp_flags;
	cookie_slot *c = slot_of(dm, hash);
	if (!c || !l->u.peer.backlog || (f & (DM_TCP_SYN | DM_TCP_RST)) || !(f & DM_TCP_ACK) ||
	    c->listener != l->id || p->seq != c->cseq || (c->have_sack && p->ack != c->sack) ||
	    !dm_key_equal(&c->key, k))
		return false;
	memset(c, 0, sizeof *c);
	l->u.peer.backlog->st.cookies_used++;
	return true;
}

unsigned
dm_backlog_queue_of(const dm_socket *s)
{
	if (s->kind != DM_KIND_CONNECTION || !s->parent || s->midstream || !s->keyed ||
	    !s->parent->u.peer.backlog)
		return 0;
	return s->state == DM_TCP_SYN_RECEIVED ? 1 : s->state == DM_TCP_ESTABLISHED ? 2 : 0;
}

/* Keep change @what of @b's queues, when the run keeps them. */
static void
note_event(struct dm_backlog *b, unsigned what)
{
	if (!b->events || b->events_over)
		return;
	if (b->events->len >= DM_QUEUE_EVENTS_MAX) {
		b->events_over = true;
		return;
	}
	uint64_t e = DM_QUEUE_EVENT(b->dm->frame_now, (uint64_t)what);
	g_array_append_val(b->events, e);
}

void
dm_backlog_moved(dm_socket *s, unsigned before)
{
	unsigned now = dm_backlog_queue_of(s);
	if (now == before)
		return;
	struct dm_backlog *b = s->parent->u.peer.backlog;
	dm_backlog_stats *st = &b->st;
	if (before)
		note_event(b, before == 1 ? 1 : 3);
	if (now)
		note_event(b, now == 1 ? 0 : 2);
	if (before == 1)
		st->syn_queue--;
	else if (before == 2)
		st->accept_queue--;
	if (now == 1) {
		st->syn_queue++;
		st->syn_peak = MAX(st->syn_peak, st->syn_queue);
	} else if (now == 2) {
		if (st->accept_queue >= st->accept_limit)
			st->accept_over++;
		st->accept_queue++;
		st->accept_peak = MAX(st->accept_peak, st->accept_queue);
	}
}

char *
dm_backlog_check(const dm_tables *t)
{
	GHashTable *n[2] = { g_hash_table_new(NULL, NULL), g_hash_table_new(NULL, NULL) };
	char *err = NULL;
	for (guint i = 0; i < t->n_cells; i++) {
		const dm_socket *s = dm_tables_at(t, i);
		unsigned q = s->id ? dm_backlog_queue_of(s) : 0;
		if (q) {
			gpointer b = s->parent->u.peer.backlog;
			g_hash_table_insert(n[q - 1], b, GUINT_TO_POINTER(
				GPOINTER_TO_UINT(g_hash_table_lookup(n[q - 1], b)) + 1));
		}
	}
	for (guint i = 0; t->backlogs && i < t->backlogs->len && !err; i++) {
		const struct dm_backlog *b = g_ptr_array_index(t->backlogs, i);
		guint syn = GPOINTER_TO_UINT(g_hash_table_lookup(n[0], b));
		guint acc = GPOINTER_TO_UINT(g_hash_table_lookup(n[1], b));
		if (syn != b->st.syn_queue || acc != b->st.accept_queue)
			err = g_strdup_printf("a listener counts %u SYN-queue and %u accept-queue "
			                      "children, has %u and %u", b->st.syn_queue,
			                      b->st.accept_queue, syn, acc);
		else if (b->st.syn_peak < syn || b->st.accept_peak < acc)
			err = g_strdup_printf("a listener's queue peaks are below its queues");
	}
	g_hash_table_unref(n[0]);
	g_hash_table_unref(n[1]);
	return err;
}

void
dm_backlog_free(gpointer p)
{
	struct dm_backlog *b = p;
	if (b->events)
		g_array_unref(b->events);
	g_free(b);
}

const GArray *
dm_socket_backlog_events(const dm_socket *s, bool *complete)
{
	const struct dm_backlog *b = s->kind == DM_KIND_LISTEN ? s->u.peer.backlog : NULL;
	*complete = !b || !b->events_over;
	return b ? b->events : NULL;
}

void
dm_backlog_cookies_free(struct dm_cookies *c)
{
	g_free(c);
}

bool
dm_socket_backlog(const dm_socket *s, dm_backlog_stats *out)
{
	if (s->kind != DM_KIND_LISTEN || !s->u.peer.backlog)
		return false;
	*out = s->u.peer.backlog->st;
	return true;
}
