/* ladderutil.h - what the ladder tests share: ladders built by hand
 * (tl_ladder_full(): a whole exchange with both ends' calls), rendering
 * one, and reading the SVG back with GMarkup (asserting it is well-formed
 * XML): its elements counted, every <text> with its place, class and
 * content, every <title>; and a check, on boxes estimated at 0.6 em a
 * character (monospace), that no text overlaps another or crosses a
 * lifeline.
 *
 * Everything is static inline so each test program uses what it needs.
 */
#ifndef DEMUXSIM_LADDERUTIL_H
#define DEMUXSIM_LADDERUTIL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "demuxsim/report-ladder.h"

#define TL_ISN_A 1000000u
#define TL_ISN_B 3000000000u

/* Building ladders. */

static inline dm_ladder *
tl_ladder_new(void)
{
	static const uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 7 };
	dm_ladder *l = g_new0(dm_ladder, 1);
	l->found = true;
	l->family = 4;
	memcpy(l->a, a, 4);
	memcpy(l->b, b, 4);
	l->a_port = 51234;
	l->b_port = 80;
	l->a_socket = 3;
	l->b_socket = 8;
	l->rows = g_array_new(FALSE, TRUE, sizeof(dm_ladder_row));
	l->calls_a = g_array_new(FALSE, TRUE, sizeof(dm_call));
	l->calls_b = g_array_new(FALSE, TRUE, sizeof(dm_call));
	return l;
}

static inline void
tl_ladder_free(dm_ladder *l)
{
	g_array_unref(l->rows);
	g_array_unref(l->calls_a);
	g_array_unref(l->calls_b);
	g_free(l);
}

/* A segment at @usec microseconds after 1000 s, with relative numbers. */
static inline dm_ladder_row *
tl_add_row(dm_ladder *l, uint64_t frame, uint32_t usec, bool from_a, uint8_t flags,
           uint32_t rseq, uint32_t rack, uint32_t len, dm_tcp_state sa, dm_tcp_state sb)
{
	dm_ladder_row r = {
		.frame = frame, .sec = 1000 + usec / 1000000, .nsec = usec % 1000000 * 1000,
		.from_a = from_a, .flags = flags, .rel_seq = rseq, .rel_ack = rack,
		.rel_known = true, .win = 64240, .len = len, .csum = DM_CSUM_GOOD,
		.state_a = sa, .state_b = sb,
	};
	r.seq = rseq + (from_a ? TL_ISN_A : TL_ISN_B);
	r.ack = rack + (from_a ? TL_ISN_B : TL_ISN_A);
	g_array_append_val(l->rows, r);
	return &g_array_index(l->rows, dm_ladder_row, l->rows->len - 1);
}

static inline dm_call *
tl_add_call(GArray *calls, dm_call_kind kind, dm_call_sure sure, uint64_t frame, guint socket)
{
	dm_call c = {
		.kind = kind, .sure = sure, .proto = 6, .frame = frame, .socket = socket,
		.family = 4, .count = 1, .rule = "a rule",
	};
	g_array_append_val(calls, c);
	return &g_array_index(calls, dm_call, calls->len - 1);
}

/* Flags, short. */
enum {
	TL_F = DM_TCP_FIN, TL_S = DM_TCP_SYN, TL_R = DM_TCP_RST, TL_P = DM_TCP_PSH,
	TL_A = DM_TCP_ACK,
};

/* The client 10.0.0.1:51234 (socket 3) connects to 10.0.0.7:80, whose
 * listener (socket 2) accepts connection socket 8; 500 bytes up, 1000
 * down, the client closes first. */
static inline dm_ladder *
tl_ladder_full(void)
{
	dm_ladder *l = tl_ladder_new();
	tl_add_row(l, 1, 0, true, TL_S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	tl_add_row(l, 2, 150, false, TL_S | TL_A, 0, 1, 0, DM_TCP_ESTABLISHED, DM_TCP_SYN_RECEIVED);
	tl_add_row(l, 3, 300, true, TL_A, 1, 1, 0, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	tl_add_row(l, 4, 420, true, TL_P | TL_A, 1, 1, 500, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	tl_add_row(l, 5, 600, false, TL_A, 1, 501, 0, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	tl_add_row(l, 6, 1200, false, TL_P | TL_A, 1, 501, 1000, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	tl_add_row(l, 7, 2500000, true, TL_F | TL_A, 501, 1001, 0, DM_TCP_FIN_WAIT_1, DM_TCP_CLOSE_WAIT);
	tl_add_row(l, 8, 2500100, false, TL_A, 1001, 502, 0, DM_TCP_FIN_WAIT_2, DM_TCP_CLOSE_WAIT);
	tl_add_row(l, 9, 2500200, false, TL_F | TL_A, 1001, 502, 0, DM_TCP_FIN_WAIT_2, DM_TCP_LAST_ACK);
	tl_add_row(l, 10, 2500300, true, TL_A, 502, 1002, 0, DM_TCP_TIME_WAIT, DM_TCP_CLOSED);

	dm_call *c = tl_add_call(l->calls_a, DM_CALL_CONNECT, DM_SURE_SEEN, 1, 3);
	memcpy(c->peer, l->b, 4);
	c->peer_port = 80;
	c->has_peer = true;
	tl_add_call(l->calls_a, DM_CALL_CONNECTED, DM_SURE_SEEN, 2, 3);
	tl_add_call(l->calls_a, DM_CALL_SEND, DM_SURE_SEEN, 4, 3)->bytes = 500;
	tl_add_call(l->calls_a, DM_CALL_RECV, DM_SURE_INFERRED, 6, 3)->bytes = 1000;
	tl_add_call(l->calls_a, DM_CALL_CLOSE, DM_SURE_SEEN, 7, 3)->how = DM_CLOSE_CLOSE;

	c = tl_add_call(l->calls_b, DM_CALL_LISTEN, DM_SURE_ASSUMED, 1, 2);
	c->local_port = 80;
	c->wildcard = true;
	tl_add_call(l->calls_b, DM_CALL_ACCEPT, DM_SURE_INFERRED, 3, 2)->new_socket = 8;
	tl_add_call(l->calls_b, DM_CALL_RECV, DM_SURE_INFERRED, 4, 8)->bytes = 500;
	tl_add_call(l->calls_b, DM_CALL_SEND, DM_SURE_SEEN, 6, 8)->bytes = 1000;
	tl_add_call(l->calls_b, DM_CALL_RECV_EOF, DM_SURE_INFERRED, 7, 8);
	tl_add_call(l->calls_b, DM_CALL_CLOSE, DM_SURE_SEEN, 9, 8)->how = DM_CLOSE_UNKNOWN;
	return l;
}

static inline gchar *
tl_render(const dm_ladder *l, bool standalone)
{
	GString *s = g_string_new(NULL);
	dm_report_ladder_svg(s, l, standalone);
	return g_string_free(s, FALSE);
}

/* Reading the SVG back. */

typedef struct {
	gchar *cls, *anchor, *content, *seg;  /* seg: the id of its segment group */
	double x, y, size;
} tl_text_el;

typedef struct {
	GHashTable *count;      /* element name -> how many */
	GPtrArray *texts;       /* of tl_text_el */
	GPtrArray *titles;      /* of gchar *: the <title> texts */
	GString *content;       /* of the open <text> or <title> */
	tl_text_el *open;
	bool in_title;
	GPtrArray *groups;      /* open <g> ids (or "") */
	double width, height;
	gchar *root_class, *root_xmlns;
} tl_svg_doc;

static inline const char *
tl_attr(const gchar **names, const gchar **values, const char *name)
{
	for (guint i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return values[i];
	return NULL;
}

static inline const char *
tl_open_seg(const tl_svg_doc *d)
{
	for (guint i = d->groups->len; i > 0; i--) {
		const char *id = g_ptr_array_index(d->groups, i - 1);
		if (g_str_has_prefix(id, "seg-"))
			return id;
	}
	return "";
}

static inline void
tl_doc_start(GMarkupParseContext *ctx, const gchar *name, const gchar **names,
             const gchar **values, gpointer data, GError **error)
{
	(void)ctx;
	(void)error;
	tl_svg_doc *d = data;
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(d->count, name));
	g_hash_table_insert(d->count, g_strdup(name), GUINT_TO_POINTER(n + 1));
	if (!strcmp(name, "svg") && !d->root_class) {
		d->root_class = g_strdup(tl_attr(names, values, "class"));
		d->root_xmlns = g_strdup(tl_attr(names, values, "xmlns"));
		d->width = g_ascii_strtod(tl_attr(names, values, "width"), NULL);
		d->height = g_ascii_strtod(tl_attr(names, values, "height"), NULL);
	} else if (!strcmp(name, "g")) {
		const char *id = tl_attr(names, values, "id");
		g_ptr_array_add(d->groups, g_strdup(id ? id : ""));
	} else if (!strcmp(name, "text")) {
		tl_text_el *t = g_new0(tl_text_el, 1);
		const char *size = tl_attr(names, values, "font-size");
		t->cls = g_strdup(tl_attr(names, values, "class"));
		t->anchor = g_strdup(tl_attr(names, values, "text-anchor"));
		t->x = g_ascii_strtod(tl_attr(names, values, "x"), NULL);
		t->y = g_ascii_strtod(tl_attr(names, values, "y"), NULL);
		t->size = size ? g_ascii_strtod(size, NULL) : 11;
		t->seg = g_strdup(tl_open_seg(d));
		d->open = t;
		g_string_truncate(d->content, 0);
	} else if (!strcmp(name, "title")) {
		d->in_title = true;
		g_string_truncate(d->content, 0);
	}
}

static inline void
tl_doc_end(GMarkupParseContext *ctx, const gchar *name, gpointer data, GError **error)
{
	(void)ctx;
	(void)error;
	tl_svg_doc *d = data;
	if (!strcmp(name, "g")) {
		g_ptr_array_remove_index(d->groups, d->groups->len - 1);
	} else if (!strcmp(name, "text") && d->open) {
		d->open->content = g_strdup(d->content->str);
		g_ptr_array_add(d->texts, d->open);
		d->open = NULL;
	} else if (!strcmp(name, "title")) {
		g_ptr_array_add(d->titles, g_strdup(d->content->str));
		d->in_title = false;
	}
}

static inline void
tl_doc_text(GMarkupParseContext *ctx, const gchar *text, gsize len, gpointer data, GError **error)
{
	(void)ctx;
	(void)error;
	tl_svg_doc *d = data;
	if (d->open || d->in_title)
		g_string_append_len(d->content, text, (gssize)len);
}

static inline void
tl_text_el_free(gpointer p)
{
	tl_text_el *t = p;
	g_free(t->cls);
	g_free(t->anchor);
	g_free(t->content);
	g_free(t->seg);
	g_free(t);
}

/* Parse @svg (asserting it is well-formed XML). */
static inline tl_svg_doc *
tl_doc_parse(const char *svg)
{
	static const GMarkupParser parser = { tl_doc_start, tl_doc_end, tl_doc_text, NULL, NULL };
	tl_svg_doc *d = g_new0(tl_svg_doc, 1);
	d->count = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	d->texts = g_ptr_array_new_with_free_func(tl_text_el_free);
	d->titles = g_ptr_array_new_with_free_func(g_free);
	d->groups = g_ptr_array_new_with_free_func(g_free);
	d->content = g_string_new(NULL);
	/* GMarkup takes no XML declaration. */
	if (g_str_has_prefix(svg, "<?xml"))
		svg = strchr(svg, '\n') + 1;
	GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, d, NULL);
	GError *err = NULL;
	gboolean ok = g_markup_parse_context_parse(ctx, svg, -1, &err) &&
	              g_markup_parse_context_end_parse(ctx, &err);
	if (!ok)
		g_test_message("%s", err->message);
	g_assert_no_error(err);
	g_assert_true(ok);
	g_markup_parse_context_free(ctx);
	g_assert_cmpuint(d->groups->len, ==, 0);
	g_assert_cmpstr(d->root_class, ==, "dm-ladder");
	g_assert_cmpstr(d->root_xmlns, ==, "http://www.w3.org/2000/svg");
	return d;
}

static inline void
tl_doc_free(tl_svg_doc *d)
{
	g_hash_table_unref(d->count);
	g_ptr_array_unref(d->texts);
	g_ptr_array_unref(d->titles);
	g_ptr_array_unref(d->groups);
	g_string_free(d->content, TRUE);
	g_free(d->root_class);
	g_free(d->root_xmlns);
	g_free(d);
}

static inline guint
tl_count_of(const tl_svg_doc *d, const char *name)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(d->count, name));
}

/* The first text whose content is @content, or NULL. */
static inline const tl_text_el *
tl_find_text(const tl_svg_doc *d, const char *content)
{
	for (guint i = 0; i < d->texts->len; i++) {
		const tl_text_el *t = g_ptr_array_index(d->texts, i);
		if (!strcmp(t->content, content))
			return t;
	}
	return NULL;
}

static inline const tl_text_el *
tl_need_text(const tl_svg_doc *d, const char *content)
{
	const tl_text_el *t = tl_find_text(d, content);
	if (!t)
		g_test_message("no text \"%s\"", content);
	g_assert_nonnull(t);
	return t;
}

static inline guint
tl_texts_of_class(const tl_svg_doc *d, const char *cls)
{
	guint n = 0;
	for (guint i = 0; i < d->texts->len; i++)
		n += !g_strcmp0(((tl_text_el *)g_ptr_array_index(d->texts, i))->cls, cls);
	return n;
}

/* A text's box: 0.6 em a character (monospace), 0.93 em above the
 * baseline and 0.24 below (DejaVu Sans Mono's ascent and descent). */
static inline void
tl_text_box(const tl_text_el *t, double *x0, double *x1, double *y0, double *y1)
{
	double w = (double)g_utf8_strlen(t->content, -1) * 0.6 * t->size;
	*x0 = !g_strcmp0(t->anchor, "end")      ? t->x - w
	      : !g_strcmp0(t->anchor, "middle") ? t->x - w / 2
	                                        : t->x;
	*x1 = *x0 + w;
	*y0 = t->y - 0.93 * t->size;
	*y1 = t->y + 0.24 * t->size;
}

/* No two texts' boxes overlap, none crosses a lifeline (under the ends'
 * names), and each lies inside the picture. */
static inline void
tl_assert_no_overlap(const tl_svg_doc *d)
{
	double life[2] = { -1, -1 };
	for (guint i = 0, n = 0; i < d->texts->len && n < 2; i++) {
		const tl_text_el *t = g_ptr_array_index(d->texts, i);
		if (!g_strcmp0(t->cls, "endpoint"))
			life[n++] = t->x;
	}
	for (guint i = 0; i < d->texts->len; i++) {
		const tl_text_el *p = g_ptr_array_index(d->texts, i);
		double px0, px1, py0, py1;
		tl_text_box(p, &px0, &px1, &py0, &py1);
		g_assert_cmpfloat(px0, >=, 0);
		g_assert_cmpfloat(py0, >=, 0);
		g_assert_cmpfloat(px1, <=, d->width);
		g_assert_cmpfloat(py1, <=, d->height);
		for (int k = 0; k < 2 && g_strcmp0(p->cls, "endpoint") && g_strcmp0(p->cls, "socket"); k++) {
			if (px0 < life[k] && life[k] < px1)
				g_test_message("\"%s\" crosses a lifeline", p->content);
			g_assert_false(px0 < life[k] && life[k] < px1);
		}
		for (guint j = i + 1; j < d->texts->len; j++) {
			const tl_text_el *q = g_ptr_array_index(d->texts, j);
			double qx0, qx1, qy0, qy1;
			tl_text_box(q, &qx0, &qx1, &qy0, &qy1);
			bool overlap = px0 < qx1 && qx0 < px1 && py0 < qy1 && qy0 < py1;
			if (overlap)
				g_test_message("\"%s\" overlaps \"%s\"", p->content, q->content);
			g_assert_false(overlap);
		}
	}
}

#endif /* DEMUXSIM_LADDERUTIL_H */
