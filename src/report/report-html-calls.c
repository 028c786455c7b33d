/* report-html-calls.c - the socket calls in the HTML report: a section
 * with each host's calls (a table per host, folded, the first
 * MAX_CALL_ROWS of each), and the ladders of the connections the calls
 * stage kept, each an inline SVG in a folded <details id="ladder-N">
 * that the socket table's "ladder" links open; the ladders' socket ids
 * go to the page's script as <script type="application/json"
 * id="ladder-sockets">[[socket, N], ...]</script>.
 */
#include "config.h"

#include <string.h>

#include "demuxsim/report-ladder.h"
#include "report-html-int.h"

/* Calls shown per host, and hosts shown. */
#define MAX_CALL_ROWS 100u
#define MAX_CALL_HOSTS 50u

static void
esc(FILE *out, const char *text)
{
	char *e = g_markup_escape_text(text, -1);
	fputs(e, out);
	g_free(e);
}

static void
write_host(FILE *out, const dm_report *rep, const dm_calls_host *h)
{
	char a[56];
	guint n = h->calls->len;
	fputs("<details class=\"calls\"><summary>", out);
	esc(out, dm_report_address(h->family, h->addr, a));
	fprintf(out, " &middot; %u call%s</summary><table><thead><tr><th>time</th><th class=\"n\">"
	        "frame</th><th class=\"n\">socket</th><th>call</th><th>why</th></tr></thead><tbody>",
	        n, n == 1 ? "" : "s");
	for (guint i = 0; i < n && i < MAX_CALL_ROWS; i++) {
		const dm_call *c = &g_array_index(h->calls, dm_call, i);
		char *text = dm_report_call_text(c), *why = dm_report_call_why(c);
		char clock[DM_CALL_CLOCK_MAX];
		fprintf(out, "<tr><td class=\"m\">%s</td><td class=\"n\">",
		        dm_report_call_clock(c, rep->nano, clock));
		if (c->frame)
			fprintf(out, "%" G_GUINT64_FORMAT, c->frame);
		fputs("</td><td class=\"n\">", out);
		if (c->socket)
			fprintf(out, "%u", c->socket);
		fputs("</td><td class=\"m\">", out);
		esc(out, text);
		fprintf(out, "</td><td class=\"note %s\">", dm_call_sure_name(c->sure));
		esc(out, why);
		fputs("</td></tr>", out);
		g_free(text);
		g_free(why);
	}
	fputs("</tbody></table>", out);
	if (n > MAX_CALL_ROWS)
		fprintf(out, "<p class=\"note\">%u more calls: <code>demuxsim --calls --host %s</code> "
		        "lists them all.</p>", n - MAX_CALL_ROWS, a);
	fputs("</details>\n", out);
}

void
dm_html_write_calls(FILE *out, const dm_report *rep)
{
	fputs("<section id=\"calls\"><h2>Socket calls</h2>", out);
	if (!rep->calls) {
		fputs("<p class=\"note\">Not recorded in this run.</p></section>\n", out);
		return;
	}
	fputs("<p class=\"note\">What each host's programs did, as the capture implies it: "
	      "<b>seen</b>, the frame is the call's own (a SYN is connect(), data a send()); "
	      "<b>inferred</b>, the call returns once the frame has come (accept() after the "
	      "handshake, recv() of delivered data); <b>assumed</b>, made before the frame "
	      "(a listen() before the first SYN).</p>", out);
	GArray *hosts = dm_calls_hosts(rep->calls);
	guint shown = 0, left = 0;
	for (guint i = 0; i < hosts->len; i++) {
		const dm_calls_host *h = &g_array_index(hosts, dm_calls_host, i);
		if (!dm_report_view_shows(rep, h->family, h->addr))
			continue;
		if (shown < MAX_CALL_HOSTS) {
			write_host(out, rep, h);
			shown++;
		} else {
			left++;
		}
	}
	if (!shown)
		fputs("<p class=\"note\">No call: no UDP or TCP segment.</p>", out);
	if (left)
		fprintf(out, "<p class=\"note\">%u more hosts with calls: <code>demuxsim --calls</code> "
		        "lists them.</p>", left);
	if (dm_calls_not_kept(rep->calls))
		fprintf(out, "<p class=\"note\">%" G_GUINT64_FORMAT " calls beyond the first %"
		        G_GUINT64_FORMAT " were counted, not kept.</p>", dm_calls_not_kept(rep->calls),
		        dm_calls_max(rep->calls));
	fputs("</section>\n", out);
	g_array_unref(hosts);
}

void
dm_html_write_ladders(FILE *out, const dm_report *rep)
{
	fputs("<section id=\"ladders\"><h2>Connection ladders</h2>", out);
	guint n = rep->calls ? dm_calls_ladder_count(rep->calls) : 0;
	GString *ids = g_string_new("[");
	if (!n)
		fputs("<p class=\"note\">No TCP connection.</p>", out);
	else
		fprintf(out, "<p class=\"note\">Every segment of the first %u TCP connections, with "
		        "both ends' states and calls (the socket tables link each to its own). Any "
		        "connection's: <code>demuxsim --ladder SOCKET -r FILE &gt; conn.svg</code>.</p>",
		        n);
	for (guint i = 0; i < n; i++) {
		const dm_ladder *l = dm_calls_ladder_at(rep->calls, i);
		char a[56], b[56];
		fprintf(out, "<details class=\"ladder\" id=\"ladder-%u\"><summary>", i + 1);
		esc(out, dm_report_endpoint(l->family, l->a, l->a_port, false, a));
		fputs(" &harr; ", out);
		esc(out, dm_report_endpoint(l->family, l->b, l->b_port, false, b));
		fprintf(out, " &middot; sockets %u and %u &middot; %u segment%s</summary>", l->a_socket,
		        l->b_socket, l->rows->len, l->rows->len == 1 ? "" : "s");
		GString *svg = g_string_new(NULL);
		dm_report_ladder_svg(svg, l, false);
		fwrite(svg->str, 1, svg->len, out);
		g_string_free(svg, TRUE);
		fputs("</details>\n", out);
		if (l->a_socket)
			g_string_append_printf(ids, "%s[%u,%u]", ids->len > 1 ? "," : "", l->a_socket, i + 1);
		if (l->b_socket)
			g_string_append_printf(ids, "%s[%u,%u]", ids->len > 1 ? "," : "", l->b_socket, i + 1);
	}
	fprintf(out, "</section>\n<script type=\"application/json\" id=\"ladder-sockets\">%s]</script>\n",
	        ids->str);
	g_string_free(ids, TRUE);
}
