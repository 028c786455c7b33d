/* test-ladder-chromium.c - the ladder diagram as headless Chromium draws
 * it (skipped, with a message, without Chromium).
 *
 *   /report/ladder/chromium      three ladders inline on a page (the whole
 *                                exchange with a retransmission and a bad
 *                                checksum; an IPv6 one with wrapped and
 *                                stacked calls and the longest label; one
 *                                of 400 rows): a script in
 *                                the page finds each picture drawn, every
 *                                text with a box, none overlapping another,
 *                                outside the picture or across a lifeline,
 *                                and lists the texts as the browser read
 *                                them; a screenshot holds far more than a
 *                                blank page's
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "chromium.h"
#include "ladderutil.h"

/* Measures every ladder as Chromium laid it out: the picture's box, each
 * text's box: none empty, outside the picture, crossed by a line (a
 * lifeline or an arrow) or touching an arrowhead, or overlapping another
 * text (boxes sorted by their top, each compared with those that start
 * above its bottom); and writes that and the texts into <pre id="result">. */
static const char page_script[] =
	"<script>\n"
	"(function () {\n"
	"  function meet(b, c) {\n"
	"    return b.x < c.x + c.width && c.x < b.x + b.width && b.y < c.y + c.height &&\n"
	"           c.y < b.y + b.height;\n"
	"  }\n"
	"  function crosses(b, l) {   /* segment l against box b (Liang-Barsky) */\n"
	"    var t0 = 0, t1 = 1, dx = l.x2 - l.x1, dy = l.y2 - l.y1;\n"
	"    var p = [-dx, dx, -dy, dy];\n"
	"    var q = [l.x1 - b.x, b.x + b.width - l.x1, l.y1 - b.y, b.y + b.height - l.y1];\n"
	"    for (var i = 0; i < 4; i++) {\n"
	"      if (p[i] === 0) { if (q[i] <= 0) return false; continue; }\n"
	"      var t = q[i] / p[i];\n"
	"      if (p[i] < 0) { if (t >= t1) return false; if (t > t0) t0 = t; }\n"
	"      else { if (t <= t0) return false; if (t < t1) t1 = t; }\n"
	"    }\n"
	"    return true;\n"
	"  }\n"
	"  function box(e) {\n"
	"    var b = e.getBBox();\n"
	"    return { x: b.x, y: b.y, width: b.width, height: b.height, text: e.textContent };\n"
	"  }\n"
	"  var out = [], svgs = document.querySelectorAll('svg.dm-ladder');\n"
	"  out.push('svgs ' + svgs.length);\n"
	"  svgs.forEach(function (svg, i) {\n"
	"    var r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;\n"
	"    var boxes = Array.prototype.map.call(svg.querySelectorAll('text'), box);\n"
	"    var lines = Array.prototype.map.call(svg.querySelectorAll('line'), function (l) {\n"
	"      return { x1: l.x1.baseVal.value, y1: l.y1.baseVal.value, x2: l.x2.baseVal.value,\n"
	"               y2: l.y2.baseVal.value };\n"
	"    });\n"
	"    var heads = Array.prototype.map.call(svg.querySelectorAll('polygon'), box);\n"
	"    var empty = 0, overlaps = 0, outside = 0, crossed = 0;\n"
	"    out.push('svg ' + i + ' ' + (r.width > 0 && r.height > 0 ? 'drawn' : 'not drawn'));\n"
	"    boxes.forEach(function (b) {\n"
	"      if (!(b.width > 0 && b.height > 0)) { empty++; out.push('empty: ' + b.text); }\n"
	"      if (b.x < 0 || b.y < 0 || b.x + b.width > vb.width || b.y + b.height > vb.height) {\n"
	"        outside++; out.push('outside: ' + b.text);\n"
	"      }\n"
	"    });\n"
	"    var sorted = boxes.slice().sort(function (b, c) { return b.y - c.y; });\n"
	"    for (var k = 0; k < sorted.length; k++) {\n"
	"      var b = sorted[k];\n"
	"      for (var q = k + 1; q < sorted.length && sorted[q].y < b.y + b.height; q++) {\n"
	"        if (meet(b, sorted[q])) { overlaps++; out.push('overlap: ' + b.text + ' | ' + sorted[q].text); }\n"
	"      }\n"
	"      lines.forEach(function (l) {\n"
	"        if (crosses(b, l)) { crossed++; out.push('crossed: ' + b.text); }\n"
	"      });\n"
	"      heads.forEach(function (h) {\n"
	"        if (meet(b, h)) { crossed++; out.push('arrowhead: ' + b.text); }\n"
	"      });\n"
	"    }\n"
	"    out.push('svg ' + i + ': ' + boxes.length + ' texts, ' + empty + ' empty, ' + overlaps +\n"
	"             ' overlapping, ' + outside + ' outside, ' + crossed + ' crossed');\n"
	"    boxes.forEach(function (b) { out.push('text: ' + b.text); });\n"
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

/* The whole exchange with a retransmitted FIN and an ACK with a bad
 * checksum added. */
static dm_ladder *
ladder_troubled(void)
{
	dm_ladder *l = tl_ladder_full();
	tl_add_row(l, 11, 2700000, false, TL_F | TL_A, 1001, 502, 0, DM_TCP_TIME_WAIT,
	           DM_TCP_LAST_ACK)->retransmission = true;
	dm_ladder_row *r = tl_add_row(l, 12, 2700100, true, TL_A, 502, 1002, 0, DM_TCP_TIME_WAIT,
	                              DM_TCP_LAST_ACK);
	r->csum = DM_CSUM_BAD;
	r->dropped = true;
	return l;
}

/* IPv6 ends with long addresses: a listen() wrapped, four calls stacked
 * at one row, and the longest segment label there can be. */
static dm_ladder *
ladder_wide(void)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff,
	                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1 };
	dm_ladder *l = tl_ladder_new();
	l->family = 6;
	memcpy(l->a, a6, 16);
	memcpy(l->b, a6, 16);
	l->b[15] = 2;
	tl_add_row(l, 1, 0, true, TL_S, 0, 0, 0, DM_TCP_SYN_SENT, DM_TCP_SYN_RECEIVED);
	dm_call *c = tl_add_call(l->calls_b, DM_CALL_LISTEN, DM_SURE_ASSUMED, 1, 2);
	c->family = 6;
	memcpy(c->local, l->b, 16);
	c->local_port = 443;
	for (int k = 0; k < 4; k++)
		tl_add_call(l->calls_a, DM_CALL_SEND, DM_SURE_SEEN, 1, 3)->count = 3;
	dm_ladder_row *r = tl_add_row(l, UINT64_MAX, 2, false, 0xff, 0, 0, UINT32_MAX,
	                              DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
	r->rel_known = false;
	r->seq = r->ack = UINT32_MAX;
	r->win = UINT16_MAX;
	r->retransmission = r->dropped = true;
	r->csum = DM_CSUM_BAD;
	return l;
}

/* A long ladder (more rows than one the HTML report keeps), data both
 * ways, each end's send() and recv() beside them. */
#define LONG_ROWS 400u
static dm_ladder *
ladder_long(void)
{
	dm_ladder *l = tl_ladder_new();
	for (guint i = 0; i < LONG_ROWS; i++) {
		bool from_a = i % 2 == 0;
		tl_add_row(l, i + 1, i * 40, from_a, TL_P | TL_A, 1 + i / 2 * 100, 1 + i / 2 * 100,
		           100, DM_TCP_ESTABLISHED, DM_TCP_ESTABLISHED);
		tl_add_call(from_a ? l->calls_a : l->calls_b, DM_CALL_SEND, DM_SURE_SEEN, i + 1, 3)
			->bytes = 100;
		tl_add_call(from_a ? l->calls_b : l->calls_a, DM_CALL_RECV, DM_SURE_INFERRED, i + 1, 8)
			->bytes = 100;
	}
	return l;
}

/* Three ladders inline on a page, as headless Chromium draws them. */
static void
test_chromium(void)
{
	gchar *exe = tc_find_chromium();
	if (!exe) {
		g_test_skip("Chromium is not installed: the ladder was not drawn");
		return;
	}
	dm_ladder *ls[] = { ladder_troubled(), ladder_wide(), ladder_long() };
	gchar *dir = g_dir_make_tmp("demuxsim-ladder-XXXXXX", NULL);
	gchar *page = g_build_filename(dir, "ladder.html", NULL);
	gchar *blank = g_build_filename(dir, "blank.html", NULL);
	GString *body = g_string_new(NULL);
	for (guint i = 0; i < G_N_ELEMENTS(ls); i++)
		dm_report_ladder_svg(body, ls[i], false);
	g_string_append(body, "<pre id=\"result\"></pre>\n");
	g_string_append(body, page_script);
	write_page(page, body->str);
	write_page(blank, "");
	gchar *url = g_filename_to_uri(page, NULL, NULL);
	gchar *blank_url = g_filename_to_uri(blank, NULL, NULL);

	gchar *dom = NULL;
	g_assert_cmpint(tc_chromium(dir, exe, url, "--dump-dom", NULL, &dom), ==, 0);
	gchar *result = pre_result(dom);
	g_assert_true(g_str_has_prefix(result, "svgs 3\n"));
	/* Every picture drawn, every text the SVG holds with a box of its own. */
	for (guint i = 0; i < G_N_ELEMENTS(ls); i++) {
		gchar *svg = tl_render(ls[i], false);
		tl_svg_doc *d = tl_doc_parse(svg);
		gchar *drawn = g_strdup_printf("svg %u drawn\n", i);
		gchar *line = g_strdup_printf("svg %u: %u texts, 0 empty, 0 overlapping, 0 outside, "
		                              "0 crossed\n", i, d->texts->len);
		g_assert_nonnull(strstr(result, drawn));
		if (!strstr(result, line))
			g_test_message("%s", result);
		g_assert_nonnull(strstr(result, line));
		g_test_message("%.*s", (int)strlen(line) - 1, line);
		g_free(drawn);
		g_free(line);
		tl_doc_free(d);
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
		"[P.] seq 19901:20001 ack 19901 len 100", "frame 400 win 64240", "0.015960",
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
	for (guint i = 0; i < G_N_ELEMENTS(ls); i++)
		tl_ladder_free(ls[i]);
	g_free(exe);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/report/ladder/chromium", test_chromium);
	return g_test_run();
}
