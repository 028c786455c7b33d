/* parts.c - --threads N on the socket table: the hosts split into N
 * partitions (shard.h), each simulated whole by a table of its own on a
 * thread of its own, and the tables joined at the end into the table of
 * the whole run (dm_demux_join) for the report (see run-int.h).
 *
 * The reading thread reads and decodes each frame once and appends it to
 * a batch; a full batch goes to every partition's thread, each of which
 * runs it through its own evidence window and pipeline, the events of
 * its hosts only, as `--shard K/N` runs them.  A batch holds each frame's
 * record and decoded packet, and the record's bytes only where something
 * after decoding reads them (a fragment, a segment with a bad checksum,
 * a tunnel's packet), the packet's pointers moved into the batch.
 * Batches come back when every partition is done with them: a few in all
 * bound the memory and let the reader wait for the slowest table.
 *
 * Each table holds a whole budget: when what the partitions held added up
 * frame by frame stayed within it, no whole run would have evicted an
 * entry or forgotten a host, and the joined table is exactly its table;
 * when not, dm_parts_finish() says so and the run is made again on one
 * table (run by files.c).
 */
#include "config.h"

#include <string.h>

#include "demuxsim/decode.h"
#include "run-int.h"

#define BATCH_BYTES ((size_t)1 << 20)
#define BATCHES_PER_PART 3

enum { ITEM_FRAME, ITEM_BEGIN, ITEM_END };

typedef struct {
	uint32_t kind, size;      /* size of the item, aligned */
	dm_frame_status st;
	bool nano;                /* ITEM_BEGIN */
	uint64_t tables;          /* ITEM_FRAME: bit K when table K has an
	                           * event in it (the others take its time) */
	const char *name;         /* ITEM_BEGIN: the input's, lasts the run */
	dm_record rec;
	/* then the packet's used bytes, then the record's bytes if kept */
	uint8_t rest[] __attribute__((aligned(16)));
} item;

typedef struct {
	gint refs;
	size_t used, cap;
	uint8_t *bytes;
} batch;

typedef struct {
	dm_parts *pt;
	guint k;
	dm_demux *dm;
	dm_reasm *ra;
	dm_shard *shard;
	dm_pipeline *p;
	dm_lookahead *la;
	GAsyncQueue *queue;       /* batch *, then the end */
	GThread *thread;
	dm_summary sum;
} part;

struct dm_parts {
	guint n;
	part *parts;
	GAsyncQueue *free_batches;
	batch *cur;
	size_t pkt_size;          /* dm_packet_used_size(), aligned */
	uint64_t frames, filtered, absent;
	guint declared;           /* sockets declared in every table */
	GArray *inputs;           /* dm_parts_input, begun */
	batch end;                /* the marker that ends a thread's queue */
};

static void
no_frame(void *ctx, uint64_t frame, const dm_record *rec, dm_frame_status st,
         const dm_packet *pkt, const dm_decision *d)
{
	(void)ctx, (void)frame, (void)rec, (void)st, (void)pkt, (void)d;
}

static void
no_correction(void *ctx, uint64_t frame, const dm_record *rec, const dm_correction *c)
{
	(void)ctx, (void)frame, (void)rec, (void)c;
}

static const dm_pipeline_sink no_sink = { no_frame, no_correction, NULL };

static void
run_item(part *w, item *it)
{
	if (it->kind == ITEM_BEGIN) {
		dm_lookahead_begin_input(w->la, it->name, it->nano);
		return;
	}
	if (it->kind == ITEM_END) {
		dm_lookahead_drain(w->la);
		return;
	}
	/* Reassembly replaces a fragment by the datagram it completes: each
	 * table its own copy.  Nothing else writes to a packet. */
	if (!(it->tables & (UINT64_C(1) << w->k))) {
		dm_lookahead_tick(w->la, &it->rec);
		return;
	}
	dm_packet *pkt = (dm_packet *)it->rest, copy;
	if (pkt->is_fragment) {
		memcpy(&copy, pkt, dm_packet_used_size());
		pkt = &copy;
	}
	dm_lookahead_frame(w->la, &it->rec, it->st, pkt, NULL, 0);
}

static gpointer
part_thread(gpointer data)
{
	part *w = data;
	dm_parts *pt = w->pt;
	for (;;) {
		batch *b = g_async_queue_pop(w->queue);
		if (b == &pt->end)
			break;
		for (size_t at = 0; at < b->used;) {
			item *it = (item *)(b->bytes + at);
			run_item(w, it);
			at += it->size;
		}
		if (g_atomic_int_dec_and_test(&b->refs))
			g_async_queue_push(pt->free_batches, b);
	}
	dm_lookahead_drain(w->la);
	w->sum = *dm_pipeline_end(w->p);
	return NULL;
}

dm_parts *
dm_parts_new(guint n, const dm_run_files_config *cfg)
{
	dm_parts *pt = g_new0(dm_parts, 1);
	pt->n = n;
	pt->parts = g_new0(part, n);
	pt->pkt_size = (dm_packet_used_size() + 15) & ~(size_t)15;
	pt->free_batches = g_async_queue_new();
	pt->inputs = g_array_new(FALSE, FALSE, sizeof(dm_parts_input));
	for (guint i = 0; i < n * BATCHES_PER_PART; i++) {
		batch *b = g_new0(batch, 1);
		b->bytes = g_malloc(BATCH_BYTES);
		b->cap = BATCH_BYTES;
		g_async_queue_push(pt->free_batches, b);
	}
	for (guint k = 0; k < n; k++) {
		part *w = &pt->parts[k];
		w->pt = pt;
		w->k = k;
		if (!cfg->make_part(cfg->make_ctx, &w->dm, &w->ra)) {
			pt->n = k + 1;
			dm_parts_free(pt);
			return NULL;
		}
		char *spec = g_strdup_printf("%u/%u", k, n);
		w->shard = dm_shard_parse(spec, NULL);
		g_free(spec);
		/* The declared sockets: made before the first frame, alike in
		 * every table. */
		dm_demux_usage u;
		dm_demux_get_usage(w->dm, &u);
		pt->declared = dm_demux_socket_count(w->dm);
		dm_shard_note_created(w->shard, 0, 0, false, pt->declared);
		dm_shard_note_held(w->shard, 0, &u);
		dm_pipeline_config pc = { .dm = w->dm, .ra = w->ra, .shard = w->shard,
		                          .sink = &no_sink };
		w->p = dm_pipeline_new(&pc);
		dm_evidence *ev = dm_evidence_new(cfg->declared);
		dm_demux_set_evidence(w->dm, ev);
		dm_demux_set_live_window(w->dm, dm_lookahead_late_window(cfg->evidence_window));
		w->la = dm_lookahead_new(w->p, w->dm, ev, cfg->evidence_window);
		w->queue = g_async_queue_new();
	}
	/* Every table made: their threads. */
	for (guint k = 0; k < n; k++)
		pt->parts[k].thread = g_thread_new("demuxsim-table", part_thread, &pt->parts[k]);
	return pt;
}

/* The batch being filled to every table's thread. */
static void
dispatch(dm_parts *pt)
{
	batch *b = pt->cur;
	pt->cur = NULL;
	if (!b)
		return;
	if (!b->used) {
		g_async_queue_push(pt->free_batches, b);
		return;
	}
	g_atomic_int_set(&b->refs, (gint)pt->n);
	for (guint k = 0; k < pt->n; k++)
		g_async_queue_push(pt->parts[k].queue, b);
}

/* Room for an item of @size bytes. */
static item *
reserve(dm_parts *pt, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (pt->cur && pt->cur->used + size > pt->cur->cap)
		dispatch(pt);
	if (!pt->cur) {
		pt->cur = g_async_queue_pop(pt->free_batches);
		pt->cur->used = 0;
	}
	item *it = (item *)(pt->cur->bytes + pt->cur->used);
	pt->cur->used += size;
	it->size = (uint32_t)size;
	return it;
}

void
dm_parts_begin_input(dm_parts *pt, const char *name, bool nano)
{
	g_array_append_val(pt->inputs, ((dm_parts_input){ name, nano }));
	item *it = reserve(pt, sizeof(item));
	it->kind = ITEM_BEGIN;
	it->name = name;
	it->nano = nano;
}

void
dm_parts_end_input(dm_parts *pt)
{
	item *it = reserve(pt, sizeof(item));
	it->kind = ITEM_END;
}

/* The tables with an event in a frame decoded to @st in @pkt: those of
 * its receiving and sending hosts (table 0 for a packet whose hosts
 * cannot be told, as dm_shard_sides() has it).  Every table takes in full
 * what any of them may need: a tunnel's packet (its inner packets' hosts
 * may be anywhere), a fragment (reassembled by each), an answer to
 * something (an ICMP error, a RST: evidence, maybe of a host other than
 * its sender), and anything but a UDP or TCP segment. */
static uint64_t
tables_of(const dm_parts *pt, dm_frame_status st, dm_packet *pkt)
{
	uint64_t all = pt->n >= 64 ? UINT64_MAX : (UINT64_C(1) << pt->n) - 1;
	if (st != DM_FRAME_SEGMENT || pkt->tunnel || pkt->is_fragment ||
	    (pkt->proto != 6 && pkt->proto != 17) ||
	    (pkt->proto == 6 && (!pkt->have_tcp || (pkt->tcp_flags & DM_TCP_RST))))
		return all;
	uint32_t r, s;
	dm_shard_frame_hosts(st, pkt, pt->n, &r, &s);
	/* Worked out once for every table. */
	pkt->hosts_n = (uint16_t)pt->n;
	pkt->host_r = (uint16_t)r;
	pkt->host_s = (uint16_t)s;
	return (UINT64_C(1) << r) | (UINT64_C(1) << s);
}

/* A pointer of the packet into the record's bytes @from, moved to @to. */
static const uint8_t *
moved(const uint8_t *p, const uint8_t *from, uint8_t *to)
{
	return p && to ? to + (p - from) : NULL;
}

void
dm_parts_frame(dm_parts *pt, const dm_record *rec, dm_frame_status st, const dm_packet *pkt)
{
	pt->frames += 1 + rec->skipped;
	/* What reads the record's bytes after decoding (as lookahead.c). */
	bool bytes = pkt->is_fragment || pkt->csum.status == DM_CSUM_BAD || pkt->tunnel;
	size_t keep = bytes ? rec->caplen : 0;
	size_t need = (sizeof(item) + pt->pkt_size + keep + 15) & ~(size_t)15;
	if (need > BATCH_BYTES) {
		/* A record larger than a batch: alone in one made larger. */
		dispatch(pt);
		batch *b = g_async_queue_pop(pt->free_batches);
		if (b->cap < need) {
			b->bytes = g_realloc(b->bytes, need);
			b->cap = need;
		}
		b->used = 0;
		pt->cur = b;
	}
	item *it = reserve(pt, sizeof(item) + pt->pkt_size + keep);
	it->kind = ITEM_FRAME;

	it->st = st;
	it->rec = *rec;
	dm_packet *copy = (dm_packet *)it->rest;
	memcpy(copy, pkt, dm_packet_used_size());
	uint8_t *to = keep ? it->rest + pt->pkt_size : NULL;
	if (keep)
		memcpy(to, rec->data, keep);
	it->rec.data = to;
	copy->ip4_hdr = moved(pkt->ip4_hdr, rec->data, to);
	copy->frag.data = moved(pkt->frag.data, rec->data, to);
	copy->l4 = moved(pkt->l4, rec->data, to);
	copy->tun_data = moved(pkt->tun_data, rec->data, to);
	it->tables = tables_of(pt, st, copy);
}

void
dm_parts_note_filtered(dm_parts *pt, uint64_t filtered, uint64_t absent)
{
	pt->filtered += filtered;
	pt->absent += absent;
}

const GArray *
dm_parts_inputs(const dm_parts *pt)
{
	return pt->inputs;
}

uint64_t
dm_parts_frames(const dm_parts *pt)
{
	return pt->frames;
}

/* @into plus the counts of @add that a partition counts alone (those of
 * the packets whose receiving host it simulates). */
static void
summary_add(dm_summary *into, const dm_summary *add)
{
#define ADD(f) for (size_t i = 0; i < G_N_ELEMENTS(into->f); i++) into->f[i] += add->f[i]
	ADD(outcome);
	ADD(segments);
	ADD(reason);
	ADD(malformed);
	ADD(encap);
	ADD(encap_outcome);
#undef ADD
	for (size_t p = 0; p < DM_N_PROTO; p++)
		for (size_t i = 0; i < DM_CSUM_N_STATUS; i++)
			into->status[p][i] += add->status[p][i];
	into->ip_header_bad += add->ip_header_bad;
	into->vlan_frames += add->vlan_frames;
	into->fragments += add->fragments;
}

/* What the partitions held, added up frame by frame (each table's series
 * of changes, dm_shard_note_held), less what all but one of them hold
 * alike from the start (the declared sockets): now in @u->sockets and
 * @u->memory, the peaks (no lower than any table's own) in its peaks. */
static void
held_totals(dm_parts *pt, dm_demux_usage *u)
{
	guint n = pt->n;
	const GArray **a = g_new0(const GArray *, n);
	guint *at = g_new0(guint, n);
	int64_t cur[2] = { 0, 0 }, base[2] = { 0, 0 }, peak[2] = { 0, 0 };
	for (guint i = 0; i < n; i++) {
		dm_shard_info si;
		dm_shard_info_get(pt->parts[i].shard, &si);
		a[i] = si.held;
		const dm_shard_held *h0 = &g_array_index(a[i], dm_shard_held, 0);
		if (a[i]->len && h0->frame == 0) {
			base[0] = (int64_t)h0->sockets;
			base[1] = (int64_t)h0->memory;
		}
	}
	int64_t shared = (int64_t)n - 1;
	for (;;) {
		uint64_t next = UINT64_MAX;
		for (guint i = 0; i < n; i++)
			if (at[i] < a[i]->len)
				next = MIN(next, g_array_index(a[i], dm_shard_held, at[i]).frame);
		if (next == UINT64_MAX)
			break;
		for (guint i = 0; i < n; i++) {
			for (; at[i] < a[i]->len &&
			       g_array_index(a[i], dm_shard_held, at[i]).frame == next; at[i]++) {
				const dm_shard_held *h = &g_array_index(a[i], dm_shard_held, at[i]);
				const dm_shard_held *prev =
					at[i] ? &g_array_index(a[i], dm_shard_held, at[i] - 1) : NULL;
				cur[0] += (int64_t)h->sockets - (prev ? (int64_t)prev->sockets : 0);
				cur[1] += (int64_t)h->memory - (prev ? (int64_t)prev->memory : 0);
			}
		}
		peak[0] = MAX(peak[0], cur[0] - shared * base[0]);
		peak[1] = MAX(peak[1], cur[1] - shared * base[1]);
	}
	u->sockets = (uint64_t)(cur[0] - shared * base[0]);
	u->memory = (uint64_t)(cur[1] - shared * base[1]);
	u->peak_sockets = (uint64_t)peak[0];
	u->peak_memory = (uint64_t)peak[1];
	for (guint i = 0; i < n; i++) {
		if (a[i]->len) {
			const dm_shard_held *last = &g_array_index(a[i], dm_shard_held, a[i]->len - 1);
			u->peak_sockets = MAX(u->peak_sockets, last->peak_sockets);
			u->peak_memory = MAX(u->peak_memory, last->peak_memory);
		}
	}
	g_free(at);
	g_free(a);
}

/* The tables' usage as one table's; false when a whole run would have
 * had to evict or forget within that budget (the join is then not
 * exactly its table). */
static bool
joined_usage(dm_parts *pt, dm_demux_usage *u)
{
	bool exact = true;
	uint64_t hosts = 0;
	memset(u, 0, sizeof *u);
	for (guint k = 0; k < pt->n; k++) {
		dm_demux_usage p;
		dm_demux_get_usage(pt->parts[k].dm, &p);
		u->max_sockets = p.max_sockets;
		u->max_memory = p.max_memory;
		for (size_t i = 0; i < DM_RETIRE_N; i++) {
			u->retired[i] += p.retired[i];
			u->forgotten_retired[i] += p.forgotten_retired[i];
			if (i >= DM_RETIRE_EVICT_HALF_OPEN && p.retired[i])
				exact = false;
		}
		for (size_t i = 0; i < DM_DROP_N; i++)
			u->forgotten_drops[i] += p.forgotten_drops[i];
		u->limit_unmet += p.limit_unmet;
		hosts += p.peak_hosts;
	}
	held_totals(pt, u);
	/* Hosts are forgotten when more of them than max_sockets are idle. */
	return exact && !u->limit_unmet && u->peak_sockets <= u->max_sockets &&
	       u->peak_memory <= u->max_memory && hosts <= u->max_sockets;
}

static bool
owns(const dm_host *h, guint k, void *ctx)
{
	const dm_parts *pt = ctx;
	return dm_shard_host_of(dm_host_family(h), dm_host_address(h), dm_host_zone(h), pt->n) == k;
}

dm_demux *
dm_parts_finish(dm_parts *pt, dm_summary *sum, bool *exact)
{
	dispatch(pt);
	for (guint k = 0; k < pt->n; k++)
		g_async_queue_push(pt->parts[k].queue, &pt->end);
	for (guint k = 0; k < pt->n; k++) {
		g_thread_join(pt->parts[k].thread);
		pt->parts[k].thread = NULL;
	}
	/* Every table counted every frame and reassembled every fragment:
	 * those from the first, the rest added up. */
	*sum = pt->parts[0].sum;
	for (guint k = 1; k < pt->n; k++)
		summary_add(sum, &pt->parts[k].sum);
	sum->filtered += pt->filtered;
	sum->frames += pt->absent;

	dm_demux_usage u;
	*exact = joined_usage(pt, &u);
	dm_demux **dms = g_new(dm_demux *, pt->n);
	const GArray **created = g_new(const GArray *, pt->n);
	for (guint k = 0; k < pt->n; k++) {
		dm_shard_info si;
		dm_shard_info_get(pt->parts[k].shard, &si);
		dms[k] = pt->parts[k].dm;
		created[k] = si.created;
	}
	dm_demux *joined = dm_demux_join(dms, pt->n, owns, pt, created, pt->declared, &u);
	g_free(created);
	g_free(dms);
	return joined;
}

void
dm_parts_free(dm_parts *pt)
{
	if (!pt)
		return;
	if (pt->cur)
		g_async_queue_push(pt->free_batches, pt->cur);
	for (guint k = 0; k < pt->n; k++) {
		part *w = &pt->parts[k];
		if (w->thread) {
			g_async_queue_push(w->queue, &pt->end);
			g_thread_join(w->thread);
		}
		dm_lookahead_free(w->la);
		dm_pipeline_free(w->p);
		dm_shard_free(w->shard);
		dm_reasm_free(w->ra);
		dm_demux_free(w->dm);
		if (w->queue)
			g_async_queue_unref(w->queue);
	}
	batch *b;
	while ((b = g_async_queue_try_pop(pt->free_batches))) {
		g_free(b->bytes);
		g_free(b);
	}
	g_async_queue_unref(pt->free_batches);
	g_array_unref(pt->inputs);
	g_free(pt->parts);
	g_free(pt);
}
