/* test-ladder.c - the ladder diagram of one TCP connection
 * (dm_report_ladder_svg), on ladders built by hand.
 *
 *   /report/ladder/handshake     handshake, data both ways and FIN/FIN with
 *                                both ends' calls: well-formed XML, every
 *                                label, state changes only, calls beside
 *                                their rows (an assumed one before it)
 *   /report/ladder/refused       a connect() answered by RST
 *   /report/ladder/retransmission  a retransmitted SYN drawn dashed
 *   /report/ladder/bad-checksum  red, "bad checksum dropped"
 *   /report/ladder/raw-numbers   header numbers when the initial ones are
 *                                not known; every flag in tcpdump's order
 *   /report/ladder/escape        free text (a call's rule) escaped; IPv6
 *                                ends; long calls wrapped
 *   /report/ladder/not-found     "no such connection"
 *   /report/ladder/empty         no rows: the ends and calls, "no segments
 *                                kept"; rows not kept counted in a footer
 *   /report/ladder/deterministic the same ladder, the same bytes; inline is
 *                                the standalone document without its
 *                                declaration
 *   /report/ladder/height        the height grows with the rows (a fixed
 *                                band each, taller with stacked calls),
 *                                the width does not
 *   /report/ladder/chromium      drawn by headless Chromium: every text has
 *                                a box, none overlaps another; the texts as
 *                                the browser read them; a screenshot not
 *                                blank (skipped without Chromium)
 *
 * Boxes of text are estimated here at 0.6 em a character (monospace) and
 * measured by the browser in the Chromium test.
 */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "demuxsim/report-ladder.h"
#include "chromium.h"

#define ISN_A 1000000u
#define ISN_B 3000000000u

/* Building ladders. */

static dm_ladder *
ladder_new(void)
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

static void
ladder_free(dm_ladder *l)
{
	g_array_unref(l->rows);
	g_array_unref(l->calls_a);
	g_array_unref(l->calls_b);
	g_free(l);
}

/* A segment at @usec microseconds after 1000 s, with relative numbers. */
static dm_ladder_row *
add_row(dm_ladder *l, uint64_t frame, uint32_t usec, bool from_a, uint8_t flags, uint32_t rseq,
        uint32_t rack, uint32_t len, dm_tcp_state sa, dm_tcp_state sb)
{
	dm_ladder_row r = {
		.frame = frame, .sec = 1000 + usec / 1000000, .nsec = usec % 1000000 * 1000,
		.from_a = from_a, .flags = flags, .rel_seq = rseq, .rel_ack = rack,
		.rel_known = true, .win = 64240, .len = len, .csum = DM_CSUM_GOOD,
		.state_a = sa, .state_b = sb,
	};
	r.seq = rseq + (from_a ? ISN_A : ISN_B);
	r.ack = rack + (from_a ? ISN_B : ISN_A);
	g_array_append_val(l->rows, r);
	return &g_array_index(l->rows, dm_ladder_row, l->rows->len - 1);
}

static dm_call *
add_call(GArray *calls, dm_call_kind kind, dm_call_sure sure, uint64_t frame, guint socket)
{
	dm_call c = {
		.kind = kind, .sure = sure, .proto = 6, .frame = frame, .socket = socket,
		.family = 4, .count = 1, .rule = "a rule",
	};
	g_array_append_val(calls, c);
	return &g_array_index(calls, dm_call, calls->len - 1);
}

enum { F = DM_TCP_FIN, S = DM_TCP_SYN, R = DM_TCP_RST, P = DM_TCP_PSH, A = DM_TCP_ACK };

/* The client 10.0.0.1:51234 (socket 3) connects to 10.0.0.7:80, whose
 * listener (socket 2) accepts connection socket 8; 500 bytes up, 1000
 * down, the client closes first. */
static dm_ladder *
ladder_full(void)
{
	dm_ladder *l = ladder_new();
	add_row(l, 1, 0, true, S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	add_row(l, 2, 150, false, S | A, 0, 1, 0, DM_TCP_ESTABLISHED, DM_TCP_SYN_RECEIVED);
	add_row(l, 3, 300, true, A, 1, 1, 0, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	add_row(l, 4, 420, true, P | A, 1, 1, 500, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	add_row(l, 5, 600, false, A, 1, 501, 0, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	add_row(l, 6, 1200, false, P | A, 1, 501, 1000, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	add_row(l, 7, 2500000, true, F | A, 501, 1001, 0, DM_TCP_FIN_WAIT_1, DM_TCP_CLOSE_WAIT);
	add_row(l, 8, 2500100, false, A, 1001, 502, 0, DM_TCP_FIN_WAIT_2, DM_TCP_CLOSE_WAIT);
	add_row(l, 9, 2500200, false, F | A, 1001, 502, 0, DM_TCP_FIN_WAIT_2, DM_TCP_LAST_ACK);
	add_row(l, 10, 2500300, true, A, 502, 1002, 0, DM_TCP_TIME_WAIT, DM_TCP_CLOSED);

	dm_call *c = add_call(l->calls_a, DM_CALL_CONNECT, DM_SURE_SEEN, 1, 3);
	memcpy(c->peer, l->b, 4);
	c->peer_port = 80;
	c->has_peer = true;
	add_call(l->calls_a, DM_CALL_CONNECTED, DM_SURE_SEEN, 2, 3);
	add_call(l->calls_a, DM_CALL_SEND, DM_SURE_SEEN, 4, 3)->bytes = 500;
	add_call(l->calls_a, DM_CALL_RECV, DM_SURE_INFERRED, 6, 3)->bytes = 1000;
	add_call(l->calls_a, DM_CALL_CLOSE, DM_SURE_SEEN, 7, 3)->how = DM_CLOSE_CLOSE;

	c = add_call(l->calls_b, DM_CALL_LISTEN, DM_SURE_ASSUMED, 1, 2);
	c->local_port = 80;
	c->wildcard = true;
	add_call(l->calls_b, DM_CALL_ACCEPT, DM_SURE_INFERRED, 3, 2)->new_socket = 8;
	add_call(l->calls_b, DM_CALL_RECV, DM_SURE_INFERRED, 4, 8)->bytes = 500;
	add_call(l->calls_b, DM_CALL_SEND, DM_SURE_SEEN, 6, 8)->bytes = 1000;
	add_call(l->calls_b, DM_CALL_RECV_EOF, DM_SURE_INFERRED, 7, 8);
	add_call(l->calls_b, DM_CALL_CLOSE, DM_SURE_SEEN, 9, 8)->how = DM_CLOSE_UNKNOWN;
	return l;
}

static gchar *
render(const dm_ladder *l, bool standalone)
{
	GString *s = g_string_new(NULL);
	dm_report_ladder_svg(s, l, standalone);
	return g_string_free(s, FALSE);
}

/* Reading the SVG back. */

typedef struct {
	gchar *cls, *anchor, *content, *seg;  /* seg: the id of its segment group */
	double x, y, size;
} text_el;

typedef struct {
	GHashTable *count;      /* element name -> how many */
	GPtrArray *texts;       /* of text_el */
	GPtrArray *titles;      /* of gchar *: the <title> texts */
	GString *content;       /* of the open <text> or <title> */
	text_el *open;
	bool in_title;
	GPtrArray *groups;      /* open <g> ids (or "") */
	double width, height;
	gchar *root_class, *root_xmlns;
} svg_doc;

static const char *
attr(const gchar **names, const gchar **values, const char *name)
{
	for (guint i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return values[i];
	return NULL;
}

static const char *
open_seg(const svg_doc *d)
{
	for (guint i = d->groups->len; i > 0; i--) {
		const char *id = g_ptr_array_index(d->groups, i - 1);
		if (g_str_has_prefix(id, "seg-"))
			return id;
	}
	return "";
}

static void
doc_start(GMarkupParseContext *ctx, const gchar *name, const gchar **names,
          const gchar **values, gpointer data, GError **error)
{
	(void)ctx;
	(void)error;
	svg_doc *d = data;
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(d->count, name));
	g_hash_table_insert(d->count, g_strdup(name), GUINT_TO_POINTER(n + 1));
	if (!strcmp(name, "svg") && !d->root_class) {
		d->root_class = g_strdup(attr(names, values, "class"));
		d->root_xmlns = g_strdup(attr(names, values, "xmlns"));
		d->width = g_ascii_strtod(attr(names, values, "width"), NULL);
		d->height = g_ascii_strtod(attr(names, values, "height"), NULL);
	} else if (!strcmp(name, "g")) {
		const char *id = attr(names, values, "id");
		g_ptr_array_add(d->groups, g_strdup(id ? id : ""));
	} else if (!strcmp(name, "text")) {
		text_el *t = g_new0(text_el, 1);
		const char *size = attr(names, values, "font-size");
		t->cls = g_strdup(attr(names, values, "class"));
		t->anchor = g_strdup(attr(names, values, "text-anchor"));
		t->x = g_ascii_strtod(attr(names, values, "x"), NULL);
		t->y = g_ascii_strtod(attr(names, values, "y"), NULL);
		t->size = size ? g_ascii_strtod(size, NULL) : 11;
		t->seg = g_strdup(open_seg(d));
		d->open = t;
		g_string_truncate(d->content, 0);
	} else if (!strcmp(name, "title")) {
		d->in_title = true;
		g_string_truncate(d->content, 0);
	}
}

static void
doc_end(GMarkupParseContext *ctx, const gchar *name, gpointer data, GError **error)
{
	(void)ctx;
	(void)error;
	svg_doc *d = data;
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

static void
doc_text(GMarkupParseContext *ctx, const gchar *text, gsize len, gpointer data, GError **error)
{
	(void)ctx;
	(void)error;
	svg_doc *d = data;
	if (d->open || d->in_title)
		g_string_append_len(d->content, text, (gssize)len);
}

static void
text_el_free(gpointer p)
{
	text_el *t = p;
	g_free(t->cls);
	g_free(t->anchor);
	g_free(t->content);
	g_free(t->seg);
	g_free(t);
}

/* Parse @svg (asserting it is well-formed XML). */
static svg_doc *
doc_parse(const char *svg)
{
	static const GMarkupParser parser = { doc_start, doc_end, doc_text, NULL, NULL };
	svg_doc *d = g_new0(svg_doc, 1);
	d->count = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	d->texts = g_ptr_array_new_with_free_func(text_el_free);
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

static void
doc_free(svg_doc *d)
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

static guint
count_of(const svg_doc *d, const char *name)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(d->count, name));
}

/* The first text whose content is @content, or NULL. */
static const text_el *
find_text(const svg_doc *d, const char *content)
{
	for (guint i = 0; i < d->texts->len; i++) {
		const text_el *t = g_ptr_array_index(d->texts, i);
		if (!strcmp(t->content, content))
			return t;
	}
	return NULL;
}

static const text_el *
need_text(const svg_doc *d, const char *content)
{
	const text_el *t = find_text(d, content);
	if (!t)
		g_test_message("no text \"%s\"", content);
	g_assert_nonnull(t);
	return t;
}

static guint
texts_of_class(const svg_doc *d, const char *cls)
{
	guint n = 0;
	for (guint i = 0; i < d->texts->len; i++)
		n += !g_strcmp0(((text_el *)g_ptr_array_index(d->texts, i))->cls, cls);
	return n;
}

/* A text's box: 0.6 em a character (monospace), 0.93 em above the
 * baseline and 0.24 below (DejaVu Sans Mono's ascent and descent). */
static void
text_box(const text_el *t, double *x0, double *x1, double *y0, double *y1)
{
	double w = (double)g_utf8_strlen(t->content, -1) * 0.6 * t->size;
	*x0 = !g_strcmp0(t->anchor, "end") ? t->x - w : !g_strcmp0(t->anchor, "middle") ? t->x - w / 2 : t->x;
	*x1 = *x0 + w;
	*y0 = t->y - 0.93 * t->size;
	*y1 = t->y + 0.24 * t->size;
}

/* No two texts' boxes overlap, none crosses a lifeline (under the ends'
 * names), and each lies inside the picture. */
static void
assert_no_overlap(const svg_doc *d)
{
	double life[2] = { -1, -1 };
	for (guint i = 0, n = 0; i < d->texts->len && n < 2; i++) {
		const text_el *t = g_ptr_array_index(d->texts, i);
		if (!g_strcmp0(t->cls, "endpoint"))
			life[n++] = t->x;
	}
	for (guint i = 0; i < d->texts->len; i++) {
		const text_el *p = g_ptr_array_index(d->texts, i);
		double px0, px1, py0, py1;
		text_box(p, &px0, &px1, &py0, &py1);
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
			const text_el *q = g_ptr_array_index(d->texts, j);
			double qx0, qx1, qy0, qy1;
			text_box(q, &qx0, &qx1, &qy0, &qy1);
			bool overlap = px0 < qx1 && qx0 < px1 && py0 < qy1 && qy0 < py1;
			if (overlap)
				g_test_message("\"%s\" overlaps \"%s\"", p->content, q->content);
			g_assert_false(overlap);
		}
	}
}

/* The tests. */

static void
test_handshake(void)
{
	dm_ladder *l = ladder_full();
	gchar *svg = render(l, true);
	svg_doc *d = doc_parse(svg);

	g_assert_true(g_str_has_prefix(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
	g_assert_cmpuint(count_of(d, "svg"), ==, 1);
	g_assert_cmpuint(count_of(d, "line"), ==, 2 + 10);   /* lifelines, arrows */
	g_assert_cmpuint(count_of(d, "polygon"), ==, 10);
	g_assert_cmpuint(texts_of_class(d, "label"), ==, 10);
	g_assert_cmpuint(texts_of_class(d, "call-text"), ==, 11);
	for (int f = 1; f <= 10; f++) {
		gchar *id = g_strdup_printf("<g id=\"seg-%d\" class=\"seg\">", f);
		g_assert_nonnull(strstr(svg, id));
		g_free(id);
	}
	static const char *const labels[] = {
		"[S] seq 0 len 0", "[S.] seq 0 ack 1 len 0", "[.] seq 1 ack 1 len 0",
		"[P.] seq 1:501 ack 1 len 500", "[.] seq 1 ack 501 len 0",
		"[P.] seq 1:1001 ack 501 len 1000", "[F.] seq 501 ack 1001 len 0",
		"[F.] seq 1001 ack 502 len 0", "[.] seq 502 ack 1002 len 0",
		"frame 1 win 64240", "frame 10 win 64240",
		"10.0.0.1:51234", "10.0.0.7:80", "socket 3", "socket 8",
		"0.000000", "0.000150", "0.001200", "2.500300",
		"SYN-SENT", "SYN-RECEIVED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
		"LAST-ACK", "TIME-WAIT", "CLOSED",
		"socket() connect(10.0.0.7:80)", "connect() -> 0", "send() 500 B", "recv() 1000 B",
		"close()", "socket() bind(*:80) listen()", "accept() -> 8", "recv() 500 B",
		"send() 1000 B", "recv() -> 0", "close()/shutdown()?",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(labels); i++)
		need_text(d, labels[i]);
	g_assert_nonnull(strstr(svg, "accept() -&gt; 8"));
	/* A state is written when it changes: ESTABLISHED once for each end. */
	guint established = 0;
	for (guint i = 0; i < d->texts->len; i++)
		established += !strcmp(((text_el *)g_ptr_array_index(d->texts, i))->content, "ESTABLISHED");
	g_assert_cmpuint(established, ==, 2);
	g_assert_cmpuint(texts_of_class(d, "state"), ==, 10);
	g_assert_cmpstr(need_text(d, "SYN-SENT")->seg, ==, "seg-1");
	g_assert_cmpstr(need_text(d, "TIME-WAIT")->seg, ==, "seg-10");
	g_assert_cmpstr(need_text(d, "CLOSED")->seg, ==, "seg-10");
	/* The assumed listen() is above the first arrow; each other call
	 * level with its row's time, where the arrow leaves; a's calls left
	 * of a's lifeline, b's right of b's. */
	const text_el *first = need_text(d, "[S] seq 0 len 0");
	const text_el *listen = need_text(d, "socket() bind(*:80) listen()");
	g_assert_cmpfloat(listen->y, <, first->y);
	g_assert_cmpfloat(need_text(d, "socket() connect(10.0.0.7:80)")->y, ==,
	                  need_text(d, "0.000000")->y);
	g_assert_cmpfloat(need_text(d, "accept() -> 8")->y, ==, need_text(d, "0.000300")->y);
	g_assert_cmpfloat(need_text(d, "recv() -> 0")->y, ==, need_text(d, "2.500000")->y);
	g_assert_cmpfloat(need_text(d, "close()")->y, ==, need_text(d, "2.500000")->y);
	const text_el *a_end = need_text(d, "10.0.0.1:51234"), *b_end = need_text(d, "10.0.0.7:80");
	g_assert_cmpfloat(need_text(d, "send() 500 B")->x, <, a_end->x);
	g_assert_cmpstr(need_text(d, "send() 500 B")->anchor, ==, "end");
	g_assert_cmpfloat(need_text(d, "send() 1000 B")->x, >, b_end->x);
	/* Rows go down in order. */
	double y = 0;
	for (guint i = 0; i < d->texts->len; i++) {
		const text_el *t = g_ptr_array_index(d->texts, i);
		if (!g_strcmp0(t->cls, "label")) {
			g_assert_cmpfloat(t->y, >, y);
			y = t->y;
		}
	}
	assert_no_overlap(d);
	/* Titles: the connection, and each call's sureness and rule. */
	g_assert_cmpstr(g_ptr_array_index(d->titles, 0), ==, "TCP 10.0.0.1:51234 - 10.0.0.7:80");
	g_assert_nonnull(strstr(svg, "<title>assumed, frame 1: a rule</title>"));
	g_assert_nonnull(strstr(svg, "<title>frame 4: seq 1000001 ack 3000000001 as in the header</title>"));
	doc_free(d);
	g_free(svg);
	ladder_free(l);
}

static void
test_refused(void)
{
	dm_ladder *l = ladder_new();
	l->b_socket = 0;
	add_row(l, 1, 0, true, S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_NONE);
	add_row(l, 2, 80, false, R | A, 0, 1, 0, DM_TCP_CLOSED, DM_TCP_NONE);
	dm_call *c = add_call(l->calls_a, DM_CALL_CONNECT, DM_SURE_SEEN, 1, 3);
	memcpy(c->peer, l->b, 4);
	c->peer_port = 80;
	c->has_peer = true;
	c = add_call(l->calls_a, DM_CALL_CONNECTED, DM_SURE_SEEN, 2, 3);
	c->result = ECONNREFUSED;
	c->evidence = 2;
	gchar *svg = render(l, false);
	svg_doc *d = doc_parse(svg);
	need_text(d, "[R.] seq 0 ack 1 len 0");
	need_text(d, "connect() -> ECONNREFUSED");
	need_text(d, "no socket");
	/* End b has no state: only a's two are written. */
	g_assert_cmpuint(texts_of_class(d, "state"), ==, 2);
	g_assert_cmpstr(need_text(d, "CLOSED")->anchor, ==, "start");
	assert_no_overlap(d);
	doc_free(d);
	g_free(svg);
	ladder_free(l);
}

static void
test_retransmission(void)
{
	dm_ladder *l = ladder_new();
	add_row(l, 1, 0, true, S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	add_row(l, 2, 1000000, true, S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED)
		->retransmission = true;
	gchar *svg = render(l, false);
	svg_doc *d = doc_parse(svg);
	need_text(d, "frame 2 win 64240 retransmission");
	need_text(d, "1.000000");
	const char *g1 = strstr(svg, "<g id=\"seg-1\" class=\"seg\">");
	const char *g2 = strstr(svg, "<g id=\"seg-2\" class=\"seg retransmission\">");
	g_assert_nonnull(g1);
	g_assert_nonnull(g2);
	const char *dash = strstr(svg, "stroke-dasharray");
	g_assert_true(dash && dash > g2);
	g_assert_null(strstr(dash + 1, "stroke-dasharray"));
	/* The states did not change at the retransmission. */
	g_assert_cmpuint(texts_of_class(d, "state"), ==, 2);
	assert_no_overlap(d);
	doc_free(d);
	g_free(svg);
	ladder_free(l);
}

static void
test_bad_checksum(void)
{
	dm_ladder *l = ladder_new();
	add_row(l, 1, 0, true, S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_NONE);
	dm_ladder_row *r = add_row(l, 2, 5, false, S | A, 0, 1, 0, DM_TCP_SYN_SENT, DM_TCP_NONE);
	r->csum = DM_CSUM_BAD;
	r->dropped = true;
	gchar *svg = render(l, true);
	svg_doc *d = doc_parse(svg);
	need_text(d, "frame 2 win 64240 bad checksum dropped");
	const char *g2 = strstr(svg, "<g id=\"seg-2\" class=\"seg bad-checksum dropped\">");
	g_assert_nonnull(g2);
	const char *red = strstr(svg, "#dc2626");
	g_assert_true(red && red > g2);
	g_assert_nonnull(strstr(g2, "stroke=\"#dc2626\""));
	assert_no_overlap(d);
	doc_free(d);
	g_free(svg);
	ladder_free(l);
}

static void
test_raw_numbers(void)
{
	dm_ladder *l = ladder_new();
	dm_ladder_row *r = add_row(l, 7, 0, true, 0xff, 0, 0, 4, DM_TCP_ESTABLISHED,
	                           DM_TCP_ESTABLISHED);
	r->rel_known = false;
	r->seq = 4294967294u;
	r->ack = 77;
	r = add_row(l, 8, 1, false, 0, 5, 6, 0, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	gchar *svg = render(l, false);
	svg_doc *d = doc_parse(svg);
	/* The sequence space wraps, as tcpdump's does. */
	need_text(d, "[FSRP.UEW] seq 4294967294:2 ack 77 len 4");
	need_text(d, "[none] seq 5 len 0");
	/* The longest label there can be fits between the lifelines. */
	r = add_row(l, UINT64_MAX, 2, true, 0xff, 0, 0, UINT32_MAX, DM_TCP_ESTABLISHED,
	            DM_TCP_ESTABLISHED);
	r->rel_known = false;
	r->seq = r->ack = UINT32_MAX;
	r->win = UINT16_MAX;
	r->retransmission = r->dropped = true;
	r->csum = DM_CSUM_BAD;
	doc_free(d);
	g_free(svg);
	svg = render(l, false);
	d = doc_parse(svg);
	need_text(d, "[FSRP.UEW] seq 4294967295:4294967294 ack 4294967295 len 4294967295");
	need_text(d, "frame 18446744073709551615 win 65535 retransmission bad checksum dropped");
	assert_no_overlap(d);
	doc_free(d);
	g_free(svg);
	ladder_free(l);
}

static void
test_escape(void)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff,
	                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1 };
	static const uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	dm_ladder *l = ladder_new();
	l->family = 6;
	memcpy(l->a, a6, 16);
	memcpy(l->b, b6, 16);
	add_row(l, 1, 0, true, S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	dm_call *c = add_call(l->calls_b, DM_CALL_LISTEN, DM_SURE_ASSUMED, 1, 2);
	c->family = 6;
	memcpy(c->local, a6, 16);
	c->local_port = 443;
	c->rule = "a < b & \"c\" 'd'\x01 \xff!";
	gchar *svg = render(l, true);
	g_assert_nonnull(strstr(svg, "a &lt; b &amp; &quot;c&quot; &apos;d&apos; "));
	g_assert_null(strstr(svg, "\x01"));
	svg_doc *d = doc_parse(svg);
	bool found = false;
	for (guint i = 0; i < d->titles->len; i++)
		found |= g_str_has_prefix(g_ptr_array_index(d->titles, i),
		                          "assumed, frame 1: a < b & \"c\" 'd'  ");
	g_assert_true(found);
	need_text(d, "[2001:db8:ffff:ffff:ffff:ffff:ffff:1]:51234");
	need_text(d, "[2001:db8::7]:80");
	/* The long listen() is wrapped at a space into lines that fit. */
	need_text(d, "socket() bind([2001:db8:ffff:ffff:");
	need_text(d, "ffff:ffff:ffff:1]:443) listen()");
	assert_no_overlap(d);
	doc_free(d);
	g_free(svg);
	ladder_free(l);
}

static void
test_not_found(void)
{
	dm_ladder l = { .found = false };
	gchar *svg = render(&l, true);
	svg_doc *d = doc_parse(svg);
	need_text(d, "no such connection");
	g_assert_cmpuint(d->texts->len, ==, 1);
	g_assert_cmpfloat(d->height, <, 100);
	doc_free(d);
	g_free(svg);
	svg = render(NULL, false);
	g_assert_true(g_str_has_prefix(svg, "<svg xmlns="));
	d = doc_parse(svg);
	need_text(d, "no such connection");
	doc_free(d);
	g_free(svg);
}

static void
test_empty(void)
{
	dm_ladder *l = ladder_new();
	dm_call *c = add_call(l->calls_b, DM_CALL_LISTEN, DM_SURE_DECLARED, 0, 2);
	c->local_port = 80;
	memcpy(c->local, l->b, 4);
	gchar *svg = render(l, true);
	svg_doc *d = doc_parse(svg);
	need_text(d, "no segments kept");
	need_text(d, "socket() bind(10.0.0.7:80) listen()");
	need_text(d, "10.0.0.1:51234");
	g_assert_cmpuint(count_of(d, "g"), ==, 1);   /* the call's */
	g_assert_null(find_text(d, "0.000000"));
	assert_no_overlap(d);
	doc_free(d);
	g_free(svg);

	/* Rows beyond those kept are counted below the last. */
	add_row(l, 1, 0, true, S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	l->rows_not_kept = 7;
	svg = render(l, false);
	d = doc_parse(svg);
	g_assert_cmpfloat(need_text(d, "7 more segments not drawn")->y, >,
	                  need_text(d, "[S] seq 0 len 0")->y);
	g_assert_null(find_text(d, "no segments kept"));
	assert_no_overlap(d);
	doc_free(d);
	g_free(svg);
	ladder_free(l);
}

static void
test_deterministic(void)
{
	dm_ladder *l1 = ladder_full(), *l2 = ladder_full();
	gchar *a = render(l1, true), *b = render(l2, true), *c = render(l1, true);
	gchar *inline_svg = render(l1, false);
	g_assert_cmpstr(a, ==, b);
	g_assert_cmpstr(a, ==, c);
	g_assert_null(strstr(inline_svg, "<?xml"));
	g_assert_cmpstr(strchr(a, '\n') + 1, ==, inline_svg);
	/* Appended, not replaced. */
	GString *s = g_string_new("<p>");
	dm_report_ladder_svg(s, l1, false);
	g_assert_true(g_str_has_prefix(s->str, "<p><svg xmlns="));
	g_assert_cmpstr(s->str + 3, ==, inline_svg);
	g_string_free(s, TRUE);
	g_free(a);
	g_free(b);
	g_free(c);
	g_free(inline_svg);
	ladder_free(l1);
	ladder_free(l2);
}

static double
height_of(const dm_ladder *l, double *width)
{
	gchar *svg = render(l, true);
	svg_doc *d = doc_parse(svg);
	double h = d->height;
	*width = d->width;
	doc_free(d);
	g_free(svg);
	return h;
}

static void
test_height(void)
{
	dm_ladder *l = ladder_new();
	double w0, w, h[4];
	h[0] = height_of(l, &w0);
	for (int n = 1; n <= 3; n++) {
		add_row(l, (uint64_t)n, (uint32_t)n, n % 2, A, 1, 1, 0, DM_TCP_ESTABLISHED,
		        DM_TCP_ESTABLISHED);
		h[n] = height_of(l, &w);
		g_assert_cmpfloat(w, ==, w0);
		g_assert_cmpfloat(h[n], >, h[n - 1]);
	}
	/* A fixed band per segment. */
	g_assert_cmpfloat(h[3] - h[2], ==, h[2] - h[1]);
	double band = h[3] - h[2];
	/* Five calls at one row: stacked, and that row made taller. */
	for (int k = 0; k < 5; k++)
		add_call(l->calls_a, DM_CALL_SEND, DM_SURE_SEEN, 2, 3)->bytes = (uint64_t)k;
	double stacked = height_of(l, &w);
	g_assert_cmpfloat(stacked, >, h[3]);
	gchar *svg = render(l, true);
	svg_doc *d = doc_parse(svg);
	assert_no_overlap(d);
	doc_free(d);
	g_free(svg);
	/* The most rows a ladder keeps: as tall as the bands add up to. */
	dm_ladder *big = ladder_new();
	for (guint i = 0; i < DM_LADDER_MAX_ROWS; i++)
		add_row(big, i + 1, i * 10, i % 2, A, i, i, 0, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	double hb = height_of(big, &w);
	g_assert_cmpfloat(w, ==, w0);
	g_assert_cmpfloat(hb, ==, h[1] + (DM_LADDER_MAX_ROWS - 1) * band);
	g_test_message("%u rows: %.0f x %.0f px", DM_LADDER_MAX_ROWS, w, hb);
	ladder_free(big);
	ladder_free(l);
}

/* In the browser. */

/* Measures every ladder as Chromium laid it out: the picture's box, each
 * text's box (none empty, none overlapping another, none outside), and
 * writes that and the texts into <pre id="result">. */
static const char page_script[] =
	"<script>\n"
	"(function () {\n"
	"  var out = [], svgs = document.querySelectorAll('svg.dm-ladder');\n"
	"  out.push('svgs ' + svgs.length);\n"
	"  svgs.forEach(function (svg, i) {\n"
	"    var r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;\n"
	"    var texts = Array.prototype.slice.call(svg.querySelectorAll('text'));\n"
	"    var boxes = texts.map(function (t) { return t.getBBox(); });\n"
	"    var life = Array.prototype.map.call(svg.querySelectorAll('line.lifeline'),\n"
	"      function (l) { return [l.x1.baseVal.value, l.y1.baseVal.value, l.y2.baseVal.value]; });\n"
	"    var empty = 0, overlaps = 0, outside = 0, crossing = 0;\n"
	"    out.push('svg ' + i + ' ' + (r.width > 0 && r.height > 0 ? 'drawn' : 'not drawn'));\n"
	"    boxes.forEach(function (b, k) {\n"
	"      if (!(b.width > 0 && b.height > 0)) { empty++; out.push('empty: ' + texts[k].textContent); }\n"
	"      if (b.x < 0 || b.y < 0 || b.x + b.width > vb.width || b.y + b.height > vb.height) {\n"
	"        outside++; out.push('outside: ' + texts[k].textContent);\n"
	"      }\n"
	"      life.forEach(function (l) {\n"
	"        if (b.x < l[0] && l[0] < b.x + b.width && b.y < l[2] && l[1] < b.y + b.height) { crossing++; out.push('crossing: ' + texts[k].textContent); }\n"
	"      });\n"
	"      for (var q = k + 1; q < boxes.length; q++) {\n"
	"        var c = boxes[q];\n"
	"        if (b.x < c.x + c.width && c.x < b.x + b.width && b.y < c.y + c.height && c.y < b.y + b.height) {\n"
	"          overlaps++; out.push('overlap: ' + texts[k].textContent + ' | ' + texts[q].textContent);\n"
	"        }\n"
	"      }\n"
	"    });\n"
	"    out.push('svg ' + i + ': ' + texts.length + ' texts, ' + empty + ' empty, ' + overlaps +\n"
	"             ' overlapping, ' + outside + ' outside, ' + crossing + ' crossing a lifeline');\n"
	"    texts.forEach(function (t) { out.push('text: ' + t.textContent); });\n"
	"  });\n"
	"  document.getElementById('result').textContent = out.join('\\n');\n"
	"})();\n"
	"</script>\n";

/* The text of <pre id="result"> in the DOM Chromium dumped, unescaped. */
static gchar *
pre_result(const char *dom)
{
	const char *start = strstr(dom, "<pre id=\"result\">");
	g_assert_nonnull(start);
	start += strlen("<pre id=\"result\">");
	const char *end = strstr(start, "</pre>");
	g_assert_nonnull(end);
	GString *s = g_string_new(NULL);
	static const char *const ents[][2] = {
		{ "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&amp;", "&" },
	};
	for (const char *p = start; p < end; p++) {
		size_t i = 0;
		while (i < G_N_ELEMENTS(ents) && strncmp(p, ents[i][0], strlen(ents[i][0])))
			i++;
		if (i < G_N_ELEMENTS(ents)) {
			g_string_append(s, ents[i][1]);
			p += strlen(ents[i][0]) - 1;
		} else {
			g_string_append_c(s, *p);
		}
	}
	return g_string_free(s, FALSE);
}

/* Write @body as an HTML page at @path. */
static void
write_page(const char *path, const char *body)
{
	gchar *page = g_strconcat("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	                          "<title>ladder</title></head>\n<body style=\"background:#fff\">\n",
	                          body, "</body></html>\n", NULL);
	g_assert_true(g_file_set_contents(path, page, -1, NULL));
	g_free(page);
}

/* The PNG Chromium writes of @url (1280 x 1000), and its size. */
static gsize
screenshot(const char *exe, const char *dir, const char *name, const char *url)
{
	gchar *shot = g_build_filename(dir, name, NULL);
	gchar *arg = g_strconcat("--screenshot=", shot, NULL), *out = NULL, *png = NULL;
	gsize len = 0;
	g_assert_cmpint(tc_chromium(dir, exe, url, arg, "--window-size=1280,1000", &out), ==, 0);
	g_assert_true(g_file_get_contents(shot, &png, &len, NULL));
	g_assert_cmpuint(len, >, 8);
	g_assert_cmpmem(png, 8, "\x89PNG\r\n\x1a\n", 8);
	g_free(png);
	g_free(out);
	g_free(arg);
	g_free(shot);
	return len;
}

/* Two ladders inline on a page (the whole exchange with a retransmission
 * and a bad checksum added; an IPv6 one with wrapped calls), as
 * headless Chromium draws them. */
static void
test_chromium(void)
{
	gchar *exe = tc_find_chromium();
	if (!exe) {
		g_test_skip("Chromium is not installed: the ladder was not drawn");
		return;
	}
	dm_ladder *l = ladder_full();
	add_row(l, 11, 2700000, false, F | A, 1001, 502, 0, DM_TCP_TIME_WAIT, DM_TCP_LAST_ACK)
		->retransmission = true;
	dm_ladder_row *r = add_row(l, 12, 2700100, true, A, 502, 1002, 0, DM_TCP_TIME_WAIT,
	                           DM_TCP_LAST_ACK);
	r->csum = DM_CSUM_BAD;
	r->dropped = true;
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff,
	                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1 };
	dm_ladder *l6 = ladder_new();
	l6->family = 6;
	memcpy(l6->a, a6, 16);
	memcpy(l6->b, a6, 16);
	l6->b[15] = 2;
	add_row(l6, 1, 0, true, S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	dm_call *c = add_call(l6->calls_b, DM_CALL_LISTEN, DM_SURE_ASSUMED, 1, 2);
	c->family = 6;
	memcpy(c->local, l6->b, 16);
	c->local_port = 443;
	for (int k = 0; k < 4; k++)
		add_call(l6->calls_a, DM_CALL_SEND, DM_SURE_SEEN, 1, 3)->count = 3;
	r = add_row(l6, UINT64_MAX, 2, false, 0xff, 0, 0, UINT32_MAX, DM_TCP_ESTABLISHED,
	            DM_TCP_ESTABLISHED);
	r->rel_known = false;
	r->seq = r->ack = UINT32_MAX;
	r->win = UINT16_MAX;
	r->retransmission = r->dropped = true;
	r->csum = DM_CSUM_BAD;

	gchar *dir = g_dir_make_tmp("demuxsim-ladder-XXXXXX", NULL);
	gchar *page = g_build_filename(dir, "ladder.html", NULL);
	gchar *blank = g_build_filename(dir, "blank.html", NULL);
	GString *body = g_string_new(NULL);
	dm_report_ladder_svg(body, l, false);
	dm_report_ladder_svg(body, l6, false);
	g_string_append(body, "<pre id=\"result\"></pre>\n");
	g_string_append(body, page_script);
	write_page(page, body->str);
	write_page(blank, "");
	gchar *url = g_filename_to_uri(page, NULL, NULL), *blank_url = g_filename_to_uri(blank, NULL, NULL);

	gchar *dom = NULL;
	g_assert_cmpint(tc_chromium(dir, exe, url, "--dump-dom", NULL, &dom), ==, 0);
	gchar *result = pre_result(dom);
	g_test_message("%s", result);
	g_assert_true(g_str_has_prefix(result, "svgs 2\n"));
	g_assert_nonnull(strstr(result, "svg 0 drawn\n"));
	g_assert_nonnull(strstr(result, "svg 1 drawn\n"));
	/* Every text the SVG holds has a box of its own. */
	const dm_ladder *ls[] = { l, l6 };
	for (guint i = 0; i < G_N_ELEMENTS(ls); i++) {
		gchar *svg = render(ls[i], false);
		svg_doc *d = doc_parse(svg);
		gchar *line = g_strdup_printf("svg %u: %u texts, 0 empty, 0 overlapping, 0 outside, "
		                              "0 crossing a lifeline\n",
		                              i, d->texts->len);
		g_assert_nonnull(strstr(result, line));
		g_free(line);
		doc_free(d);
		g_free(svg);
	}
	static const char *const want[] = {
		"[S] seq 0 len 0", "[S.] seq 0 ack 1 len 0", "[P.] seq 1:501 ack 1 len 500",
		"[F.] seq 501 ack 1001 len 0", "frame 11 win 64240 retransmission",
		"frame 12 win 64240 bad checksum dropped", "ESTABLISHED", "TIME-WAIT",
		"accept() -> 8", "socket() bind(*:80) listen()", "socket() connect(10.0.0.7:80)",
		"recv() -> 0", "close()/shutdown()?", "10.0.0.1:51234", "socket 8", "2.700100",
		"[2001:db8:ffff:ffff:ffff:ffff:ffff:1]:51234", "socket() bind([2001:db8:ffff:ffff:",
		"send() 0 B (3 segments)",
		"[FSRP.UEW] seq 4294967295:4294967294 ack 4294967295 len 4294967295",
		"frame 18446744073709551615 win 65535 retransmission bad checksum dropped",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		gchar *line = g_strconcat("\ntext: ", want[i], "\n", NULL);
		if (!strstr(result, line))
			g_test_message("the browser did not show \"%s\"", want[i]);
		g_assert_nonnull(strstr(result, line));
		g_free(line);
	}

	/* Drawn: the screenshot holds far more than a blank page's. */
	gsize drawn = screenshot(exe, dir, "ladder.png", url);
	gsize empty = screenshot(exe, dir, "blank.png", blank_url);
	g_test_message("screenshot %" G_GSIZE_FORMAT " bytes, of a blank page %" G_GSIZE_FORMAT,
	               drawn, empty);
	g_assert_cmpuint(drawn, >, 4 * empty);

	g_free(result);
	g_free(dom);
	g_free(url);
	g_free(blank_url);
	g_string_free(body, TRUE);
	const char *const rm[] = { "rm", "-rf", dir, NULL };
	gchar *o = NULL, *e = NULL;
	tc_run(NULL, rm, &o, &e);
	g_free(o);
	g_free(e);
	g_free(blank);
	g_free(page);
	g_free(dir);
	ladder_free(l6);
	ladder_free(l);
	g_free(exe);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/report/ladder/handshake", test_handshake);
	g_test_add_func("/report/ladder/refused", test_refused);
	g_test_add_func("/report/ladder/retransmission", test_retransmission);
	g_test_add_func("/report/ladder/bad-checksum", test_bad_checksum);
	g_test_add_func("/report/ladder/raw-numbers", test_raw_numbers);
	g_test_add_func("/report/ladder/escape", test_escape);
	g_test_add_func("/report/ladder/not-found", test_not_found);
	g_test_add_func("/report/ladder/empty", test_empty);
	g_test_add_func("/report/ladder/deterministic", test_deterministic);
	g_test_add_func("/report/ladder/height", test_height);
	g_test_add_func("/report/ladder/chromium", test_chromium);
	return g_test_run();
}
