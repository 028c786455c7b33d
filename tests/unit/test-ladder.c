/* test-ladder.c - the ladder diagram of one TCP connection
 * (dm_report_ladder_svg), on ladders built by hand (ladderutil.h).
 *
 *   /report/ladder/handshake     handshake, data both ways and FIN/FIN with
 *                                both ends' calls: well-formed XML, every
 *                                label, state changes only, calls beside
 *                                their rows (an assumed one before it)
 *   /report/ladder/refused       a connect() answered by RST
 *   /report/ladder/retransmission  a retransmitted SYN drawn dashed
 *   /report/ladder/bad-checksum  red, "bad checksum dropped"
 *   /report/ladder/raw-numbers   header numbers when the initial ones are
 *                                not known; every flag in tcpdump's order;
 *                                the longest label fits
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
 *
 * Text boxes are estimated here; test-ladder-chromium has the browser
 * measure them.
 */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "ladderutil.h"

static void
test_handshake(void)
{
	dm_ladder *l = tl_ladder_full();
	gchar *svg = tl_render(l, true);
	tl_svg_doc *d = tl_doc_parse(svg);

	g_assert_true(g_str_has_prefix(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
	g_assert_cmpuint(tl_count_of(d, "svg"), ==, 1);
	g_assert_cmpuint(tl_count_of(d, "line"), ==, 2 + 10);   /* lifelines, arrows */
	g_assert_cmpuint(tl_count_of(d, "polygon"), ==, 10);
	g_assert_cmpuint(tl_texts_of_class(d, "label"), ==, 10);
	g_assert_cmpuint(tl_texts_of_class(d, "call-text"), ==, 11);
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
		tl_need_text(d, labels[i]);
	g_assert_nonnull(strstr(svg, "accept() -&gt; 8"));
	/* A state is written when it changes: ESTABLISHED once for each end. */
	guint established = 0;
	for (guint i = 0; i < d->texts->len; i++)
		established += !strcmp(((tl_text_el *)g_ptr_array_index(d->texts, i))->content, "ESTABLISHED");
	g_assert_cmpuint(established, ==, 2);
	g_assert_cmpuint(tl_texts_of_class(d, "state"), ==, 10);
	g_assert_cmpstr(tl_need_text(d, "SYN-SENT")->seg, ==, "seg-1");
	g_assert_cmpstr(tl_need_text(d, "TIME-WAIT")->seg, ==, "seg-10");
	g_assert_cmpstr(tl_need_text(d, "CLOSED")->seg, ==, "seg-10");
	/* The assumed listen() is above the first arrow; each other call
	 * level with its row's time, where the arrow leaves; a's calls left
	 * of a's lifeline, b's right of b's. */
	const tl_text_el *first = tl_need_text(d, "[S] seq 0 len 0");
	const tl_text_el *listen = tl_need_text(d, "socket() bind(*:80) listen()");
	g_assert_cmpfloat(listen->y, <, first->y);
	g_assert_cmpfloat(tl_need_text(d, "socket() connect(10.0.0.7:80)")->y, ==,
	                  tl_need_text(d, "0.000000")->y);
	g_assert_cmpfloat(tl_need_text(d, "accept() -> 8")->y, ==, tl_need_text(d, "0.000300")->y);
	g_assert_cmpfloat(tl_need_text(d, "recv() -> 0")->y, ==, tl_need_text(d, "2.500000")->y);
	g_assert_cmpfloat(tl_need_text(d, "close()")->y, ==, tl_need_text(d, "2.500000")->y);
	const tl_text_el *a_end = tl_need_text(d, "10.0.0.1:51234");
	const tl_text_el *b_end = tl_need_text(d, "10.0.0.7:80");
	g_assert_cmpfloat(tl_need_text(d, "send() 500 B")->x, <, a_end->x);
	g_assert_cmpstr(tl_need_text(d, "send() 500 B")->anchor, ==, "end");
	g_assert_cmpfloat(tl_need_text(d, "send() 1000 B")->x, >, b_end->x);
	/* Rows go down in order. */
	double y = 0;
	for (guint i = 0; i < d->texts->len; i++) {
		const tl_text_el *t = g_ptr_array_index(d->texts, i);
		if (!g_strcmp0(t->cls, "label")) {
			g_assert_cmpfloat(t->y, >, y);
			y = t->y;
		}
	}
	tl_assert_no_overlap(d);
	/* Titles: the connection, and each call's sureness and rule. */
	g_assert_cmpstr(g_ptr_array_index(d->titles, 0), ==, "TCP 10.0.0.1:51234 - 10.0.0.7:80");
	g_assert_nonnull(strstr(svg, "<title>assumed, frame 1: a rule</title>"));
	g_assert_nonnull(strstr(svg, "<title>frame 4: seq 1000001 ack 3000000001 as in the header"
	                             "</title>"));
	tl_doc_free(d);
	g_free(svg);
	tl_ladder_free(l);
}

static void
test_refused(void)
{
	dm_ladder *l = tl_ladder_new();
	l->b_socket = 0;
	tl_add_row(l, 1, 0, true, TL_S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_NONE);
	tl_add_row(l, 2, 80, false, TL_R | TL_A, 0, 1, 0, DM_TCP_CLOSED, DM_TCP_NONE);
	dm_call *c = tl_add_call(l->calls_a, DM_CALL_CONNECT, DM_SURE_SEEN, 1, 3);
	memcpy(c->peer, l->b, 4);
	c->peer_port = 80;
	c->has_peer = true;
	c = tl_add_call(l->calls_a, DM_CALL_CONNECTED, DM_SURE_SEEN, 2, 3);
	c->result = ECONNREFUSED;
	c->evidence = 2;
	gchar *svg = tl_render(l, false);
	tl_svg_doc *d = tl_doc_parse(svg);
	tl_need_text(d, "[R.] seq 0 ack 1 len 0");
	tl_need_text(d, "connect() -> ECONNREFUSED");
	tl_need_text(d, "no socket");
	/* End b has no state: only a's two are written. */
	g_assert_cmpuint(tl_texts_of_class(d, "state"), ==, 2);
	g_assert_cmpstr(tl_need_text(d, "CLOSED")->anchor, ==, "start");
	tl_assert_no_overlap(d);
	tl_doc_free(d);
	g_free(svg);
	tl_ladder_free(l);
}

static void
test_retransmission(void)
{
	dm_ladder *l = tl_ladder_new();
	tl_add_row(l, 1, 0, true, TL_S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	tl_add_row(l, 2, 1000000, true, TL_S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED)
		->retransmission = true;
	gchar *svg = tl_render(l, false);
	tl_svg_doc *d = tl_doc_parse(svg);
	tl_need_text(d, "frame 2 win 64240 retransmission");
	tl_need_text(d, "1.000000");
	const char *g1 = strstr(svg, "<g id=\"seg-1\" class=\"seg\">");
	const char *g2 = strstr(svg, "<g id=\"seg-2\" class=\"seg retransmission\">");
	g_assert_nonnull(g1);
	g_assert_nonnull(g2);
	const char *dash = strstr(svg, "stroke-dasharray");
	g_assert_true(dash && dash > g2);
	g_assert_null(strstr(dash + 1, "stroke-dasharray"));
	/* The states did not change at the retransmission. */
	g_assert_cmpuint(tl_texts_of_class(d, "state"), ==, 2);
	tl_assert_no_overlap(d);
	tl_doc_free(d);
	g_free(svg);
	tl_ladder_free(l);
}

static void
test_bad_checksum(void)
{
	dm_ladder *l = tl_ladder_new();
	tl_add_row(l, 1, 0, true, TL_S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_NONE);
	dm_ladder_row *r = tl_add_row(l, 2, 5, false, TL_S | TL_A, 0, 1, 0, DM_TCP_SYN_SENT, DM_TCP_NONE);
	r->csum = DM_CSUM_BAD;
	r->dropped = true;
	gchar *svg = tl_render(l, true);
	tl_svg_doc *d = tl_doc_parse(svg);
	tl_need_text(d, "frame 2 win 64240 bad checksum dropped");
	const char *g2 = strstr(svg, "<g id=\"seg-2\" class=\"seg bad-checksum dropped\">");
	g_assert_nonnull(g2);
	const char *red = strstr(svg, "#dc2626");
	g_assert_true(red && red > g2);
	g_assert_nonnull(strstr(g2, "stroke=\"#dc2626\""));
	tl_assert_no_overlap(d);
	tl_doc_free(d);
	g_free(svg);
	tl_ladder_free(l);
}

static void
test_raw_numbers(void)
{
	dm_ladder *l = tl_ladder_new();
	dm_ladder_row *r = tl_add_row(l, 7, 0, true, 0xff, 0, 0, 4, DM_TCP_ESTABLISHED,
	                              DM_TCP_ESTABLISHED);
	r->rel_known = false;
	r->seq = 4294967294u;
	r->ack = 77;
	r = tl_add_row(l, 8, 1, false, 0, 5, 6, 0, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	gchar *svg = tl_render(l, false);
	tl_svg_doc *d = tl_doc_parse(svg);
	/* The sequence space wraps, as tcpdump's does. */
	tl_need_text(d, "[FSRP.UEW] seq 4294967294:2 ack 77 len 4");
	tl_need_text(d, "[none] seq 5 len 0");
	/* The longest label there can be fits between the lifelines. */
	r = tl_add_row(l, UINT64_MAX, 2, true, 0xff, 0, 0, UINT32_MAX, DM_TCP_ESTABLISHED,
	               DM_TCP_ESTABLISHED);
	r->rel_known = false;
	r->seq = r->ack = UINT32_MAX;
	r->win = UINT16_MAX;
	r->retransmission = r->dropped = true;
	r->csum = DM_CSUM_BAD;
	tl_doc_free(d);
	g_free(svg);
	svg = tl_render(l, false);
	d = tl_doc_parse(svg);
	tl_need_text(d, "[FSRP.UEW] seq 4294967295:4294967294 ack 4294967295 len 4294967295");
	tl_need_text(d, "frame 18446744073709551615 win 65535 retransmission bad checksum dropped");
	tl_assert_no_overlap(d);
	tl_doc_free(d);
	g_free(svg);
	tl_ladder_free(l);
}

static void
test_escape(void)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff,
	                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1 };
	static const uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	dm_ladder *l = tl_ladder_new();
	l->family = 6;
	memcpy(l->a, a6, 16);
	memcpy(l->b, b6, 16);
	tl_add_row(l, 1, 0, true, TL_S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	dm_call *c = tl_add_call(l->calls_b, DM_CALL_LISTEN, DM_SURE_ASSUMED, 1, 2);
	c->family = 6;
	memcpy(c->local, a6, 16);
	c->local_port = 443;
	c->rule = "a < b & \"c\" 'd'\x01 \xff!";
	gchar *svg = tl_render(l, true);
	g_assert_nonnull(strstr(svg, "a &lt; b &amp; &quot;c&quot; &apos;d&apos; "));
	g_assert_null(strstr(svg, "\x01"));
	tl_svg_doc *d = tl_doc_parse(svg);
	bool found = false;
	for (guint i = 0; i < d->titles->len; i++)
		found |= g_str_has_prefix(g_ptr_array_index(d->titles, i),
		                          "assumed, frame 1: a < b & \"c\" 'd'  ");
	g_assert_true(found);
	tl_need_text(d, "[2001:db8:ffff:ffff:ffff:ffff:ffff:1]:51234");
	tl_need_text(d, "[2001:db8::7]:80");
	/* The long listen() is wrapped at a space into lines that fit. */
	tl_need_text(d, "socket() bind([2001:db8:ffff:ffff:");
	tl_need_text(d, "ffff:ffff:ffff:1]:443) listen()");
	tl_assert_no_overlap(d);
	tl_doc_free(d);
	g_free(svg);
	tl_ladder_free(l);
}

static void
test_not_found(void)
{
	dm_ladder l = { .found = false };
	gchar *svg = tl_render(&l, true);
	tl_svg_doc *d = tl_doc_parse(svg);
	tl_need_text(d, "no such connection");
	g_assert_cmpuint(d->texts->len, ==, 1);
	g_assert_cmpfloat(d->height, <, 100);
	tl_doc_free(d);
	g_free(svg);
	svg = tl_render(NULL, false);
	g_assert_true(g_str_has_prefix(svg, "<svg xmlns="));
	d = tl_doc_parse(svg);
	tl_need_text(d, "no such connection");
	tl_doc_free(d);
	g_free(svg);
}

static void
test_empty(void)
{
	dm_ladder *l = tl_ladder_new();
	dm_call *c = tl_add_call(l->calls_b, DM_CALL_LISTEN, DM_SURE_DECLARED, 0, 2);
	c->local_port = 80;
	memcpy(c->local, l->b, 4);
	gchar *svg = tl_render(l, true);
	tl_svg_doc *d = tl_doc_parse(svg);
	tl_need_text(d, "no segments kept");
	tl_need_text(d, "socket() bind(10.0.0.7:80) listen()");
	tl_need_text(d, "10.0.0.1:51234");
	g_assert_cmpuint(tl_count_of(d, "g"), ==, 1);   /* the call's */
	g_assert_null(tl_find_text(d, "0.000000"));
	tl_assert_no_overlap(d);
	tl_doc_free(d);
	g_free(svg);

	/* Rows beyond those kept are counted below the last. */
	tl_add_row(l, 1, 0, true, TL_S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	l->rows_not_kept = 7;
	svg = tl_render(l, false);
	d = tl_doc_parse(svg);
	g_assert_cmpfloat(tl_need_text(d, "7 more segments not drawn")->y, >,
	                  tl_need_text(d, "[S] seq 0 len 0")->y);
	g_assert_null(tl_find_text(d, "no segments kept"));
	tl_assert_no_overlap(d);
	tl_doc_free(d);
	g_free(svg);
	tl_ladder_free(l);
}

static void
test_deterministic(void)
{
	dm_ladder *l1 = tl_ladder_full(), *l2 = tl_ladder_full();
	gchar *a = tl_render(l1, true), *b = tl_render(l2, true), *c = tl_render(l1, true);
	gchar *inline_svg = tl_render(l1, false);
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
	tl_ladder_free(l1);
	tl_ladder_free(l2);
}

static double
height_of(const dm_ladder *l, double *width)
{
	gchar *svg = tl_render(l, true);
	tl_svg_doc *d = tl_doc_parse(svg);
	double h = d->height;
	*width = d->width;
	tl_doc_free(d);
	g_free(svg);
	return h;
}

static void
test_height(void)
{
	dm_ladder *l = tl_ladder_new();
	double w0, w, h[4];
	h[0] = height_of(l, &w0);
	for (int n = 1; n <= 3; n++) {
		tl_add_row(l, (uint64_t)n, (uint32_t)n, n % 2, TL_A, 1, 1, 0, DM_TCP_ESTABLISHED,
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
		tl_add_call(l->calls_a, DM_CALL_SEND, DM_SURE_SEEN, 2, 3)->bytes = (uint64_t)k;
	double stacked = height_of(l, &w);
	g_assert_cmpfloat(stacked, >, h[3]);
	gchar *svg = tl_render(l, true);
	tl_svg_doc *d = tl_doc_parse(svg);
	tl_assert_no_overlap(d);
	tl_doc_free(d);
	g_free(svg);
	/* The most rows a ladder keeps: as tall as the bands add up to. */
	dm_ladder *big = tl_ladder_new();
	for (guint i = 0; i < DM_LADDER_MAX_ROWS; i++)
		tl_add_row(big, i + 1, i * 10, i % 2, TL_A, i, i, 0, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	double hb = height_of(big, &w);
	g_assert_cmpfloat(w, ==, w0);
	g_assert_cmpfloat(hb, ==, h[1] + (DM_LADDER_MAX_ROWS - 1) * band);
	g_test_message("%u rows: %.0f x %.0f px", DM_LADDER_MAX_ROWS, w, hb);
	tl_ladder_free(big);
	tl_ladder_free(l);
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
	return g_test_run();
}
