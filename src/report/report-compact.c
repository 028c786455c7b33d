/* report-compact.c - the text report cut to fit a screen: the busiest
 * hosts first (by segments their sockets received), and in each the
 * busiest sockets (a listener weighs with the connections it accepted),
 * with a line saying what was left out and how to see it.  Used when the
 * report goes to a terminal, or when --hosts N is asked.
 */
#include "config.h"

#include <glib.h>

#include "report-compact-int.h"

typedef struct {
	guint index;
	uint64_t weight;
} weighed;

static gint
heavier_first(gconstpointer a, gconstpointer b)
{
	const weighed *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	return x->index < y->index ? -1 : x->index > y->index;
}

uint64_t
dm_compact_host_weight(const dm_host *h)
{
	const GPtrArray *socks = dm_host_sockets(h);
	uint64_t w = dm_host_refusals(h)->len;
	for (guint i = 0; i < socks->len; i++)
		w += dm_socket_segments(g_ptr_array_index(socks, i));
	return w;
}

GPtrArray *
dm_compact_hosts(const dm_report *rep, const GPtrArray *hosts, guint limit,
                 guint *left_out)
{
	GArray *v = g_array_new(FALSE, FALSE, sizeof(weighed));
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		if (!dm_report_host_visible(rep, h))
			continue;
		weighed e = { i, dm_compact_host_weight(h) };
		g_array_append_val(v, e);
	}
	g_array_sort(v, heavier_first);
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < v->len && i < limit; i++)
		g_ptr_array_add(out, g_ptr_array_index(hosts, g_array_index(v, weighed, i).index));
	*left_out = v->len > limit ? v->len - limit : 0;
	g_array_free(v, TRUE);
	return out;
}

guint *
dm_compact_sockets(const GPtrArray *socks, const dm_socket *const *par,
                   const guint *first, const guint *next, guint limit, guint *rows)
{
	guint n = socks->len, k = 0;
	GArray *tops = g_array_new(FALSE, FALSE, sizeof(weighed));
	for (guint i = 0; i < n; i++) {
		if (par[i])
			continue;
		weighed e = { i, dm_socket_segments(g_ptr_array_index(socks, i)) };
		for (guint c = first[i]; c; c = next[c - 1])
			if (c - 1 > i)
				e.weight += dm_socket_segments(g_ptr_array_index(socks, c - 1));
		g_array_append_val(tops, e);
	}
	g_array_sort(tops, heavier_first);
	/* each row: index * 2 + 1 when indented under its listener */
	guint *order = g_new(guint, (gsize)limit + 1);
	for (guint t = 0; t < tops->len && k < limit; t++) {
		guint i = g_array_index(tops, weighed, t).index;
		order[k++] = i * 2;
		for (guint c = first[i]; c && k < limit; c = next[c - 1])
			if (c - 1 > i)
				order[k++] = (c - 1) * 2 + 1;
	}
	g_array_free(tops, TRUE);
	*rows = k;
	return order;
}
