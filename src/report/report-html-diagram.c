/* report-html-diagram.c - the HTML report's diagram: the whole run's when
 * Graphviz can lay it out on the page, else the busiest hosts' (the page
 * names them and how many were left out, and how --host draws others),
 * with a legend of its colours and shapes. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "report-html-int.h"

/* The most nodes of a diagram drawn on the page: Graphviz's time grows
 * much faster than the nodes (about 1 s for 800, 13 s for 2,600 on the
 * benchmark machine, many minutes for ten times as many). */
#define HTML_DIAGRAM_MAX_NODES 1000
/* The most hosts drawn when the whole diagram is too large, and the
 * sockets kept per host then when --max-nodes did not say. */
#define BUSIEST_HOSTS 16
#define BUSIEST_NODES 5

static const char legend[] =
	"<div class=\"legend\"><span><i style=\"background:#bae6fd\"></i>UDP</span>"
	"<span><i style=\"background:#c7d2fe\"></i>TCP listening</span>"
	"<span><i style=\"background:#fde68a\"></i>SYN sent / received</span>"
	"<span><i style=\"background:#bbf7d0\"></i>established</span>"
	"<span><i style=\"background:#fed7aa\"></i>closing (FIN-WAIT, CLOSE-WAIT, LAST-ACK)</span>"
	"<span><i style=\"background:#e9d5ff\"></i>TIME-WAIT</span>"
	"<span><i style=\"background:#d1d5db\"></i>CLOSED</span>"
	"<span><i class=\"line\" style=\"border-color:#334155\"></i>segments (count)</span>"
	"<span><i class=\"line\" style=\"border-style:dashed;border-color:#94a3b8\"></i>accepted by a listener</span>"
	"<span><i class=\"line\" style=\"border-color:#dc2626\"></i>refused attempts, bad checksums</span>"
	"<span><i style=\"border-radius:50%\"></i>peer port without a socket</span></div>";

static void
esc(FILE *out, const char *text)
{
	char *e = g_markup_escape_text(text ? text : "", -1);
	fputs(e, out);
	g_free(e);
}

static char *
render(const dm_report *rep, const dm_demux *dm, GError **err)
{
	size_t len = 0;
	GString *dot = dm_report_dot(rep, dm);
	char *svg = dm_report_svg_render(dot->str, HTML_DIAGRAM_MAX_NODES, &len, err);
	g_string_free(dot, TRUE);
	return svg;
}

/* The diagram of the @k busiest of @hosts (sorted), at most @nodes
 * sockets each; NULL when even that is too large. */
static char *
render_busiest(const dm_report *rep, const dm_demux *dm, const GPtrArray *hosts,
               guint k, unsigned nodes)
{
	dm_report tmp = *rep;
	tmp.view = g_array_new(FALSE, TRUE, sizeof(dm_view_host));
	tmp.max_nodes = nodes;
	for (guint i = 0; i < k; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		dm_view_host v = { .family = (uint8_t)dm_host_family(h) };
		memcpy(v.addr, dm_host_address(h), v.family == 6 ? 16 : 4);
		g_array_append_val(tmp.view, v);
	}
	GError *err = NULL;
	char *svg = render(&tmp, dm, &err);
	g_clear_error(&err);
	g_array_unref(tmp.view);
	return svg;
}

/* What the page says of a diagram of only the @k busiest hosts. */
static void
say_busiest(FILE *out, const GPtrArray *hosts, guint k, unsigned nodes, const char *why)
{
	char a[INET6_ADDRSTRLEN];
	fputs("<p class=\"note\">The whole diagram is too large to draw here (", out);
	esc(out, why);
	fprintf(out, "). It shows the %u busiest host%s, at most %u socket%s each: ", k,
	        k == 1 ? "" : "s", nodes, nodes == 1 ? "" : "s");
	for (guint i = 0; i < k; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		fputs(i ? ", " : "", out);
		esc(out, dm_report_address(dm_host_family(h), dm_host_address(h), a));
	}
	fprintf(out, "; %u host%s left out. <code>--host ADDR</code> (repeatable) draws the "
	        "hosts you name, <code>--max-nodes N</code> keeps N sockets a host, and "
	        "<code>--format dot -r FILE | dot -Tsvg</code> draws everything.</p>",
	        hosts->len - k, hosts->len - k == 1 ? " is" : "s are");
}

void
dm_html_write_diagram(FILE *out, const dm_report *rep, const dm_demux *dm,
                      const GPtrArray *hosts)
{
	fputs("<section id=\"diagram\"><h2>Diagram</h2>", out);
	if (!dm_report_svg_available()) {
		fputs("<p class=\"note\">This demuxsim was built without Graphviz's libgvc, so the "
		      "diagram is not drawn here. Draw it with <code>demuxsim --format dot -r FILE "
		      "| dot -Tsvg &gt; diagram.svg</code>.</p></section>\n", out);
		return;
	}
	GError *err = NULL;
	char *svg = render(rep, dm, &err);
	guint k = 0;
	unsigned nodes = rep->max_nodes ? rep->max_nodes : BUSIEST_NODES;
	if (!svg && hosts->len > 1 && strstr(err->message, "nodes, more than")) {
		for (k = MIN(BUSIEST_HOSTS, hosts->len - 1); k >= 1 && !svg; k /= 2)
			svg = render_busiest(rep, dm, hosts, k, nodes);
		k = svg ? MAX(k * 2, 1) : 0;
		if (k > MIN(BUSIEST_HOSTS, hosts->len - 1))
			k = MIN(BUSIEST_HOSTS, hosts->len - 1);
	}
	if (!svg) {
		fputs("<p class=\"note\">The diagram could not be drawn: ", out);
		esc(out, err->message);
		fputs("</p></section>\n", out);
		g_error_free(err);
		return;
	}
	if (k)
		say_busiest(out, hosts, k, nodes, err->message);
	g_clear_error(&err);
	/* Inline: the element itself, without the XML prolog and doctype. */
	const char *start = strstr(svg, "<svg");
	fputs("<p class=\"note\">Boxes are sockets (listeners with a thick border), grouped by "
	      "host; ellipses are peer ports that no socket in the capture stands for. "
	      "Edges carry segment counts; dashed grey lines join a listener to the connections "
	      "it accepted; red marks refused attempts and bad checksums.</p>", out);
	fputs(legend, out);
	fputs("<div class=\"diagram\">", out);
	if (start)
		fputs(start, out);
	fputs("</div></section>\n", out);
	g_free(svg);
}
