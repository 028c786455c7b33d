/* report-html.c - the run as one self-contained HTML page (--report):
 * the summary, the diagram as inline SVG, each host's socket table
 * (sortable), a timeline of socket lifetimes, the checksum failures with
 * the arithmetic that proves them wrong, and the refused attempts.  The
 * page fetches nothing: styles, script and pictures are inline, and its
 * content security policy forbids anything else.  Every text from the
 * capture is escaped.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demuxsim/explain.h"
#include "demuxsim/report-explain.h"
#include "report-format-int.h"
#include "report-int.h"

/* Failures explained in full on the page; later ones are only counted. */
#define MAX_FAILURES 1000
/* The most nodes of a diagram drawn on the page: Graphviz's time grows
 * much faster than the nodes (about 1 s for 800, 13 s for 2,600 on the
 * benchmark machine, many minutes for ten times as many). */
#define HTML_DIAGRAM_MAX_NODES 1000

typedef struct {
	uint64_t frame;
	char *time;
	uint8_t proto;
	char *src, *dst;
	char *decision;
	dm_csum_verdict csum;
	dm_explain *x;
} failure;

struct dm_failures {
	GPtrArray *list;        /* failure * */
	uint64_t more;          /* bad checksums beyond MAX_FAILURES */
	dm_flowseen *flows;     /* flows so far: candidate original addresses */
};

static void
failure_free(gpointer p)
{
	failure *f = p;
	g_free(f->time);
	g_free(f->src);
	g_free(f->dst);
	g_free(f->decision);
	dm_explain_free(f->x);
	g_free(f);
}

static void
failures_free(void *data)
{
	struct dm_failures *fs = data;
	g_ptr_array_unref(fs->list);
	dm_flowseen_free(fs->flows);
	g_free(fs);
}

static char *
decision_text(const dm_decision *d)
{
	if (!d || !d->host)
		return g_strdup("not simulated");
	if (d->action == DM_ACTION_DROPPED) {
		if (d->socket)
			return g_strdup_printf("dropped (%s) before socket %u", dm_drop_name(d->drop),
			                       dm_socket_id(d->socket));
		return g_strdup_printf("dropped (%s)", dm_drop_name(d->drop));
	}
	if (d->socket)
		return g_strdup_printf("%s to socket %u", dm_action_name(d->action),
		                       dm_socket_id(d->socket));
	return g_strdup(dm_action_name(d->action));
}

/* Note segment @pkt (flows for diagnoses), and keep it when its checksum
 * is bad. */
static void
note_segment(void *data, const dm_report *rep, uint64_t frame,
             const dm_record *rec, const dm_packet *pkt, const dm_decision *d)
{
	struct dm_failures *fs = data;
	char e[56], t[DM_FMT_TIME_MAX];

	if (pkt->proto != 17 && pkt->proto != 6)
		return;
	dm_flowseen_add(fs->flows, frame, pkt);
	if (pkt->csum.status != DM_CSUM_BAD)
		return;
	if (d && d->host && !dm_report_host_visible(rep, d->host))
		return;
	if (fs->list->len >= MAX_FAILURES) {
		fs->more++;
		return;
	}
	failure *f = g_new0(failure, 1);
	f->frame = frame;
	f->time = g_strndup(t, (size_t)(dm_fmt_time(t, rec->sec, rec->frac, rep->nano) - t));
	f->proto = pkt->proto;
	f->src = g_strdup(dm_report_endpoint(pkt->family, pkt->src, pkt->sport, false, e));
	f->dst = g_strdup(dm_report_endpoint(pkt->family, pkt->dst, pkt->dport, false, e));
	f->decision = decision_text(d);
	f->csum = pkt->csum;
	f->x = dm_explain_packet(pkt, 0);
	dm_flowseen_diagnose(fs->flows, pkt, f->x);
	dm_explain_conclude(f->x);
	g_ptr_array_add(fs->list, f);
}

/* The report gives the page every segment through this observer. */
static const dm_report_sink_class failures_sink = { note_segment, failures_free };

void
dm_report_keep_failures(dm_report *rep)
{
	if (dm_report_sink_data(rep, &failures_sink))
		return;
	struct dm_failures *fs = g_new0(struct dm_failures, 1);
	fs->list = g_ptr_array_new_with_free_func(failure_free);
	fs->flows = dm_flowseen_new();
	dm_report_set_sink(rep, &failures_sink, fs);
}

/* --- Writing ------------------------------------------------------------- */

static void
esc(FILE *out, const char *text)
{
	char *e = g_markup_escape_text(text ? text : "", -1);
	fputs(e, out);
	g_free(e);
}

static const char style[] =
	"*{box-sizing:border-box}"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
	"color:#0f172a;background:#f1f5f9;margin:0}"
	"header{background:#1e293b;color:#f8fafc;padding:18px 32px}"
	"header h1{margin:0;font-size:22px;font-weight:600}"
	"header p{margin:4px 0 0;color:#cbd5e1;font-family:ui-monospace,Menlo,monospace;font-size:13px}"
	"nav{padding:8px 32px;background:#e2e8f0;font-size:13px}"
	"nav a{margin-right:16px;color:#1e40af;text-decoration:none}"
	"main{padding:8px 32px 40px}"
	"section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:16px 0;padding:12px 20px 16px}"
	"h2{font-size:17px;margin:4px 0 12px}"
	"h3{font-size:15px;margin:18px 0 6px;font-family:ui-monospace,Menlo,monospace}"
	".cards{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 12px}"
	".card{border:1px solid #e2e8f0;border-radius:6px;padding:6px 14px;min-width:110px;background:#f8fafc}"
	".card b{display:block;font-size:20px}.card span{color:#475569;font-size:12px}"
	".card.alert b{color:#b91c1c}"
	"table{border-collapse:collapse;font-size:13px;margin:4px 0}"
	"th,td{padding:3px 9px;border-bottom:1px solid #e2e8f0;text-align:left;white-space:nowrap}"
	"th{background:#f8fafc;font-weight:600}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"td.m{font-family:ui-monospace,Menlo,monospace;font-size:12px}"
	"table.sortable th{cursor:pointer;user-select:none}"
	"table.sortable th:hover{background:#e0e7ff}"
	"th[data-dir=asc]::after{content:' \\25B2'}th[data-dir=desc]::after{content:' \\25BC'}"
	".state{display:inline-block;padding:0 6px;border-radius:4px;border:1px solid rgba(0,0,0,.15)}"
	".diagram{overflow:auto;max-height:900px;border:1px solid #e2e8f0;border-radius:6px;padding:8px;background:#fff}"
	".diagram svg{max-width:100%;height:auto}"
	".timeline{overflow:auto}"
	".note{color:#475569}.bad{color:#b91c1c;font-weight:600}"
	".drops{color:#475569;font-size:13px;margin:4px 0 0}"
	"details{border:1px solid #fecaca;border-radius:6px;margin:8px 0;padding:6px 12px;background:#fffbfb}"
	"summary{cursor:pointer;font-family:ui-monospace,Menlo,monospace;font-size:13px}"
	"details ul{margin:6px 0}"
	"code{font-family:ui-monospace,Menlo,monospace}"
	"pre.explain{font:12px/1.35 ui-monospace,Menlo,monospace;background:#f8fafc;"
	"border:1px solid #e2e8f0;border-radius:4px;padding:8px 10px;overflow:auto;max-height:480px}";

/* Sorting by a header click: numbers by value, the rest as text. */
static const char script[] =
	"document.querySelectorAll('table.sortable th').forEach(function(th){"
	"th.addEventListener('click',function(){"
	"var t=th.closest('table'),b=t.tBodies[0],i=th.cellIndex,num=th.classList.contains('n'),"
	"dir=th.dataset.dir==='asc'?'desc':'asc';"
	"t.querySelectorAll('th').forEach(function(h){delete h.dataset.dir});th.dataset.dir=dir;"
	"var rows=Array.prototype.slice.call(b.rows);"
	"rows.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent,r;"
	"if(num){a=a===''?-1:parseFloat(a);c=c===''?-1:parseFloat(c);r=a-c}else r=a.localeCompare(c);"
	"return dir==='asc'?r:-r});"
	"rows.forEach(function(r){b.appendChild(r)})})});";

static void
card(FILE *out, const char *what, uint64_t n, bool alert)
{
	fprintf(out, "<div class=\"card%s\"><b>%" G_GUINT64_FORMAT "</b><span>", alert && n ? " alert" : "", n);
	esc(out, what);
	fputs("</span></div>", out);
}

static const char *
host_text(const dm_host *h, char *buf)
{
	return dm_report_address(dm_host_family(h), dm_host_address(h), buf);
}

static void
write_summary(FILE *out, const dm_report *rep, const dm_summary *sum,
              const GPtrArray *hosts)
{
	uint64_t sockets = 0, refused = 0, bad = 0;
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		const GArray *r = dm_host_refusals(h);
		sockets += dm_host_sockets(h)->len;
		for (guint j = 0; j < r->len; j++)
			refused += g_array_index(r, dm_refusal, j).count;
	}
	for (int p = 0; p < DM_N_PROTO; p++)
		bad += sum->status[p][DM_CSUM_BAD];

	fputs("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">", out);
	card(out, "frames", sum->frames, false);
	card(out, "UDP segments", sum->segments[DM_PROTO_UDP], false);
	card(out, "TCP segments", sum->segments[DM_PROTO_TCP], false);
	card(out, rep->view->len ? "hosts shown" : "hosts", hosts->len, false);
	card(out, "sockets", sockets, false);
	card(out, "bad checksums", bad, true);
	card(out, "refused attempts", refused, true);
	fputs("</div>", out);
	if (rep->stop_signal) {
		char sig[16];
		fprintf(out, "<p class=\"drops\">Interrupted by %s after frame %" G_GUINT64_FORMAT
		        ": the frames after it were not read.</p>",
		        dm_report_signal_name(rep->stop_signal, sig), rep->stop_frame);
	}
	fputs("<table><thead><tr><th>checksum</th>", out);
	for (int s = 0; s < DM_CSUM_N_STATUS; s++)
		fprintf(out, "<th class=\"n\">%s</th>", dm_csum_status_name(s));
	fputs("</tr></thead><tbody>", out);
	for (int p = 0; p < DM_N_PROTO; p++) {
		fprintf(out, "<tr><td>%s</td>", p == DM_PROTO_UDP ? "UDP" : "TCP");
		for (int s = 0; s < DM_CSUM_N_STATUS; s++)
			fprintf(out, "<td class=\"n%s\">%" G_GUINT64_FORMAT "</td>",
			        s == DM_CSUM_BAD && sum->status[p][s] ? " bad" : "", sum->status[p][s]);
		fputs("</tr>", out);
	}
	fputs("</tbody></table>", out);
	uint64_t other = sum->frames - sum->outcome[DM_FRAME_SEGMENT];
	if (other) {
		fprintf(out, "<p class=\"drops\">%" G_GUINT64_FORMAT " frames carry no UDP/TCP segment:", other);
		bool first = true;
		for (int o = 0; o < DM_FRAME_N_STATUS; o++) {
			if (o == DM_FRAME_SEGMENT || !sum->outcome[o])
				continue;
			fprintf(out, "%s %s %" G_GUINT64_FORMAT, first ? "" : ",",
			        dm_frame_status_name(o), sum->outcome[o]);
			first = false;
		}
		fputs("</p>", out);
	}
	fputs("</section>\n", out);
}

static void
write_diagram(FILE *out, const dm_report *rep, const dm_demux *dm)
{
	fputs("<section id=\"diagram\"><h2>Diagram</h2>", out);
	if (!dm_report_svg_available()) {
		fputs("<p class=\"note\">This demuxsim was built without Graphviz's libgvc, so the "
		      "diagram is not drawn here. Draw it with <code>demuxsim --format dot -r FILE "
		      "| dot -Tsvg &gt; diagram.svg</code>.</p></section>\n", out);
		return;
	}
	GString *dot = dm_report_dot(rep, dm);
	GError *err = NULL;
	size_t len = 0;
	char *svg = dm_report_svg_render(dot->str, HTML_DIAGRAM_MAX_NODES, &len, &err);
	g_string_free(dot, TRUE);
	if (!svg) {
		fputs("<p class=\"note\">The diagram could not be drawn: ", out);
		esc(out, err->message);
		fputs("</p></section>\n", out);
		g_error_free(err);
		return;
	}
	/* Inline: the element itself, without the XML prolog and doctype. */
	const char *start = strstr(svg, "<svg");
	fputs("<p class=\"note\">Boxes are sockets (listeners with a thick border), grouped by "
	      "host; ellipses are peer ports that no socket in the capture stands for. "
	      "Edges carry segment counts; dashed grey lines join a listener to the connections "
	      "it accepted; red marks refused attempts and bad checksums.</p>"
	      "<div class=\"diagram\">", out);
	if (start)
		fputs(start, out);
	fputs("</div></section>\n", out);
	g_free(svg);
}

static void
write_host_table(FILE *out, const dm_host *h)
{
	const GPtrArray *socks = dm_host_sockets(h);
	char a[INET6_ADDRSTRLEN], l[56], r[56];
	int fam = dm_host_family(h);

	host_text(h, a);
	fputs("<h3 id=\"host-", out);
	esc(out, a);
	fputs("\">Host ", out);
	esc(out, a);
	fputs("</h3>", out);
	if (socks->len) {
		fputs("<table class=\"sortable\"><thead><tr><th class=\"n\">socket</th><th>proto</th>"
		      "<th>kind</th><th>local</th><th>remote</th><th>state</th><th class=\"n\">parent</th>"
		      "<th class=\"n\">segments</th><th class=\"n\">bytes</th><th class=\"n\">bad</th>"
		      "<th class=\"n\">peers</th><th class=\"n\">first frame</th><th class=\"n\">last frame</th>"
		      "<th>notes</th></tr></thead><tbody>", out);
	} else {
		fputs("<p class=\"note\">No socket.</p>", out);
	}
	for (guint i = 0; i < socks->len; i++) {
		const dm_socket *s = g_ptr_array_index(socks, i);
		uint16_t lport, rport;
		const uint8_t *la = dm_socket_local(s, &lport);
		const uint8_t *ra = dm_socket_remote(s, &rport);
		const dm_socket *p = dm_socket_parent(s);
		const char *st = dm_tcp_state_name(dm_socket_state(s));
		fprintf(out, "<tr id=\"row-socket-%u\"><td class=\"n\">%u</td><td>%s</td><td>%s</td>"
		        "<td class=\"m\">", dm_socket_id(s), dm_socket_id(s),
		        dm_socket_proto(s) == 17 ? "udp" : "tcp", dm_sock_kind_name(dm_socket_kind(s)));
		esc(out, dm_report_endpoint(fam, la, lport, dm_socket_local_is_wildcard(s), l));
		fputs("</td><td class=\"m\">", out);
		if (ra)
			esc(out, dm_report_endpoint(fam, ra, rport, false, r));
		fprintf(out, "</td><td><span class=\"state\" style=\"background:%s\">%s</span></td>"
		        "<td class=\"n\">", dm_report_state_colour(s),
		        st ? st : (ra ? "connected" : "bound"));
		if (p)
			fprintf(out, "%u", dm_socket_id(p));
		fprintf(out, "</td><td class=\"n\">%" G_GUINT64_FORMAT "</td><td class=\"n\">%" G_GUINT64_FORMAT
		        "</td><td class=\"n%s\">%" G_GUINT64_FORMAT "</td><td class=\"n\">%u</td>",
		        dm_socket_segments(s), dm_socket_bytes(s),
		        dm_socket_bad_checksums(s) ? " bad" : "", dm_socket_bad_checksums(s),
		        dm_socket_peers(s));
		if (dm_socket_first_frame(s))
			fprintf(out, "<td class=\"n\">%" G_GUINT64_FORMAT "</td><td class=\"n\">%" G_GUINT64_FORMAT "</td>",
			        dm_socket_first_frame(s), dm_socket_last_frame(s));
		else
			fputs("<td class=\"n\"></td><td class=\"n\"></td>", out);
		fprintf(out, "<td>%s%s</td></tr>", dm_socket_midstream(s) ? "midstream " : "",
		        dm_socket_declared(s) ? "declared" : "");
	}
	if (socks->len)
		fputs("</tbody></table>", out);
	bool any = false;
	for (int d = 1; d < DM_DROP_N; d++) {
		uint64_t n = dm_host_drops(h, d);
		if (!n)
			continue;
		fprintf(out, "%s%s %" G_GUINT64_FORMAT, any ? ", " : "<p class=\"drops\">dropped: ",
		        dm_drop_name(d), n);
		any = true;
	}
	if (any)
		fputs("</p>", out);
	fputc('\n', out);
}

/* Nanoseconds from (@sec0, @nsec0) to (@sec, @nsec). */
static int64_t
ns_since(int64_t sec0, uint32_t nsec0, int64_t sec, uint32_t nsec)
{
	return (sec - sec0) * 1000000000 + ((int64_t)nsec - (int64_t)nsec0);
}

enum { LABEL_W = 360, CHART_W = 720, ROW_H = 18, TOP = 28 };

/* The time the timeline spans: from the first segment any socket
 * received to the last, and its rows (one per host and per socket). */
typedef struct {
	int64_t s0, s1;
	uint32_t n0, n1;
	guint rows;
	double scale;           /* pixels per nanosecond */
} timeline_span;

/* The span of @hosts' sockets into @t; false when none received a segment. */
static bool
timeline_measure(const GPtrArray *hosts, timeline_span *t)
{
	bool any = false;

	*t = (timeline_span){ 0 };
	for (guint i = 0; i < hosts->len; i++) {
		const GPtrArray *socks = dm_host_sockets(g_ptr_array_index(hosts, i));
		t->rows += 1 + socks->len;
		for (guint j = 0; j < socks->len; j++) {
			const dm_socket *s = g_ptr_array_index(socks, j);
			int64_t sec;
			uint32_t nsec;
			if (!dm_socket_first_frame(s))
				continue;
			dm_socket_first_time(s, &sec, &nsec);
			if (!any || ns_since(t->s0, t->n0, sec, nsec) < 0) {
				t->s0 = sec;
				t->n0 = nsec;
			}
			dm_socket_last_time(s, &sec, &nsec);
			if (!any || ns_since(t->s1, t->n1, sec, nsec) > 0) {
				t->s1 = sec;
				t->n1 = nsec;
			}
			any = true;
		}
	}
	return any;
}

/* Socket @s's row at @y: its caption and the bar of its lifetime. */
static void
timeline_socket(FILE *out, const timeline_span *t, const dm_socket *s, int y)
{
	char *caption = dm_report_socket_caption(s);
	fprintf(out, "<g id=\"bar-socket-%u\"><title>socket %u ", dm_socket_id(s), dm_socket_id(s));
	esc(out, caption);
	fprintf(out, ": %" G_GUINT64_FORMAT " segment%s, frames %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
	        "</title><text x=\"16\" y=\"%d\">%u  ", dm_socket_segments(s),
	        dm_socket_segments(s) == 1 ? "" : "s",
	        dm_socket_first_frame(s), dm_socket_last_frame(s), y + 13, dm_socket_id(s));
	esc(out, caption);
	fputs("</text>", out);
	if (dm_socket_first_frame(s)) {
		int64_t sec, sec2;
		uint32_t nsec, nsec2;
		dm_socket_first_time(s, &sec, &nsec);
		dm_socket_last_time(s, &sec2, &nsec2);
		double x = LABEL_W + t->scale * (double)ns_since(t->s0, t->n0, sec, nsec);
		double w = t->scale * (double)ns_since(sec, nsec, sec2, nsec2);
		if (w < 3)
			w = 3;
		fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"3\" "
		        "fill=\"%s\" stroke=\"#475569\" stroke-width=\"0.6\"/>",
		        x, y + 3, w, ROW_H - 6, dm_report_state_colour(s));
	} else {
		fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"#94a3b8\">no segments</text>",
		        LABEL_W, y + 13);
	}
	fputs("</g>", out);
	g_free(caption);
}

static void
write_timeline(FILE *out, const GPtrArray *hosts)
{
	timeline_span t;

	fputs("<section id=\"timeline\"><h2>Socket lifetimes</h2>", out);
	if (!timeline_measure(hosts, &t)) {
		fputs("<p class=\"note\">No socket received a segment.</p></section>\n", out);
		return;
	}
	int64_t span = ns_since(t.s0, t.n0, t.s1, t.n1);
	t.scale = span > 0 ? (double)CHART_W / (double)span : 0;
	int height = TOP + (int)t.rows * ROW_H + 8;

	fputs("<p class=\"note\">One bar per socket, from the first segment it received to the "
	      "last, coloured by its state at the end of the capture.</p><div class=\"timeline\">", out);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\">",
	        LABEL_W + CHART_W + 20, height, LABEL_W + CHART_W + 20, height);
	for (int i = 0; i <= 4; i++) {
		double x = LABEL_W + CHART_W * i / 4.0;
		double secs = (double)span / 1e9 * i / 4.0;
		fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e2e8f0\"/>"
		        "<text x=\"%.1f\" y=\"16\" text-anchor=\"%s\" fill=\"#475569\">+%.6g s</text>",
		        x, TOP - 6, x, height, x, i == 0 ? "start" : i == 4 ? "end" : "middle", secs);
	}
	int y = TOP;
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		const GPtrArray *socks = dm_host_sockets(h);
		char a[INET6_ADDRSTRLEN];
		fputs("<text x=\"4\" y=\"", out);
		fprintf(out, "%d\" font-weight=\"bold\">host ", y + 13);
		esc(out, host_text(h, a));
		fputs("</text>", out);
		y += ROW_H;
		for (guint j = 0; j < socks->len; j++) {
			timeline_socket(out, &t, g_ptr_array_index(socks, j), y);
			y += ROW_H;
		}
	}
	fputs("</svg></div></section>\n", out);
}

static void
write_diagnosis(FILE *out, const dm_explain *x, const dm_xdiag *dg)
{
	char a[INET6_ADDRSTRLEN];
	fputs("<li>", out);
	switch (dg->kind) {
	case DM_XDIAG_OFFLOAD:
		fprintf(out, "The field holds only the pseudo-header sum (length %u): the checksum was "
		        "left to the sending host's network card (transmit offload), so the capture "
		        "was taken on the sender.", dg->length);
		break;
	case DM_XDIAG_LENGTH:
		fprintf(out, "The stored value is the checksum for a length of %u bytes.", dg->length);
		break;
	case DM_XDIAG_SWAPPED:
		fprintf(out, "The stored value is the right checksum with its bytes swapped (0x%04x).",
		        x->expected);
		break;
	case DM_XDIAG_NO_PSEUDO:
		fputs("The stored value is the checksum computed without the pseudo-header.", out);
		break;
	case DM_XDIAG_SRC_ADDR:
	case DM_XDIAG_DST_ADDR:
		fprintf(out, "The stored value matches the %s address ",
		        dg->kind == DM_XDIAG_SRC_ADDR ? "source" : "destination");
		esc(out, dm_report_address(x->family, dg->addr, a));
		fputs(": the address was rewritten (NAT) without updating the checksum", out);
		if (dg->frame)
			fprintf(out, " (that address is seen at frame %" G_GUINT64_FORMAT ")", dg->frame);
		fputc('.', out);
		break;
	case DM_XDIAG_ZERO_IPV6:
		fputs("UDP over IPv6 was sent without a checksum, which is illegal (RFC 8200 section 8.1).", out);
		break;
	default:
		fputs("No simple explanation: the bytes were probably damaged in transit.", out);
		break;
	}
	fprintf(out, " <span class=\"note\">(%s)</span></li>", dm_xdiag_name(dg->kind));
}

/* The explanation of failure @f: the causes, then the --explain text. */
static void
write_explanation(FILE *out, const failure *f)
{
	const dm_explain *x = f->x;
	if (!x)
		return;
	if (x->n_diags) {
		fputs("<ul>", out);
		for (size_t i = 0; i < x->n_diags; i++)
			write_diagnosis(out, x, &x->diags[i]);
		fputs("</ul>", out);
	}
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return;
	dm_xreport *xr = dm_xreport_new(mem, DM_FORMAT_TEXT);
	dm_xreport_add(xr, f->frame, x);
	dm_xreport_free(xr);
	if (fclose(mem) == 0 && len) {
		fputs("<pre class=\"explain\">", out);
		esc(out, text);
		fputs("</pre>", out);
	}
	free(text);
}

static void
write_failures(FILE *out, const struct dm_failures *fs)
{
	fputs("<section id=\"failures\"><h2>Checksum failures</h2>", out);
	if (!fs || !fs->list->len) {
		fputs("<p class=\"note\">No segment has a bad checksum.</p></section>\n", out);
		return;
	}
	for (guint i = 0; i < fs->list->len; i++) {
		const failure *f = g_ptr_array_index(fs->list, i);
		const char *reason = dm_csum_reason_name(f->csum.reason);
		fprintf(out, "<details id=\"failure-%" G_GUINT64_FORMAT "\"><summary>frame %" G_GUINT64_FORMAT
		        " ", f->frame, f->frame);
		esc(out, f->time);
		fprintf(out, " %s ", f->proto == 17 ? "UDP" : "TCP");
		esc(out, f->src);
		fputs(" &gt; ", out);
		esc(out, f->dst);
		fprintf(out, ": stored 0x%04x", f->csum.stored);
		if (f->csum.have_expected)
			fprintf(out, ", expected 0x%04x", f->csum.expected);
		fprintf(out, " <span class=\"bad\">%s</span>", dm_csum_status_name(f->csum.status));
		if (reason)
			fprintf(out, " (%s)", reason);
		fputs(" &mdash; ", out);
		esc(out, f->decision);
		fputs("</summary>", out);
		write_explanation(out, f);
		fputs("</details>\n", out);
	}
	if (fs->more)
		fprintf(out, "<p class=\"note\">%" G_GUINT64_FORMAT " more bad checksums are not shown.</p>",
		        fs->more);
	fputs("</section>\n", out);
}

static void
write_refusals(FILE *out, const GPtrArray *hosts)
{
	bool any = false;
	fputs("<section id=\"refused\"><h2>Refused attempts</h2>", out);
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		const GArray *refused = dm_host_refusals(h);
		char a[INET6_ADDRSTRLEN], peer[56];
		for (guint j = 0; j < refused->len; j++) {
			const dm_refusal *r = &g_array_index(refused, dm_refusal, j);
			if (!any)
				fputs("<table class=\"sortable\"><thead><tr><th>host</th><th>proto</th>"
				      "<th class=\"n\">port</th><th>peer</th><th class=\"n\">frame</th>"
				      "<th class=\"n\">attempts</th><th>host answers</th><th class=\"n\">seen at frame</th>"
				      "</tr></thead><tbody>", out);
			any = true;
			fputs("<tr><td class=\"m\">", out);
			esc(out, host_text(h, a));
			fprintf(out, "</td><td>%s</td><td class=\"n\">%u</td><td class=\"m\">",
			        r->proto == 17 ? "udp" : "tcp", r->port);
			esc(out, dm_report_endpoint(dm_host_family(h), r->peer, r->peer_port, false, peer));
			fprintf(out, "</td><td class=\"n\">%" G_GUINT64_FORMAT "</td><td class=\"n\">%u</td><td>%s</td>"
			        "<td class=\"n\">", r->frame, r->count, dm_reply_name(r->reply));
			if (r->evidence)
				fprintf(out, "%" G_GUINT64_FORMAT, r->evidence);
			fputs("</td></tr>", out);
		}
	}
	fputs(any ? "</tbody></table>" : "<p class=\"note\">No attempt was refused.</p>", out);
	fputs("</section>\n", out);
}

bool
dm_report_write_html(const dm_report *rep, const dm_summary *sum,
                     const dm_demux *dm, FILE *out)
{
	GPtrArray *all = dm_demux_hosts(dm);
	GPtrArray *hosts = g_ptr_array_new();

	for (guint i = 0; i < all->len; i++)
		if (dm_report_host_visible(rep, g_ptr_array_index(all, i)))
			g_ptr_array_add(hosts, g_ptr_array_index(all, i));

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	      "<title>demuxsim: ", out);
	for (guint i = 0; i < rep->files->len; i++) {
		fputs(i ? ", " : "", out);
		esc(out, g_ptr_array_index(rep->files, i));
	}
	fprintf(out, "</title><style>%s</style></head>\n<body><header><h1>demuxsim %s report</h1><p>",
	        style, PACKAGE_VERSION);
	for (guint i = 0; i < rep->files->len; i++) {
		fputs(i ? " &middot; " : "", out);
		esc(out, g_ptr_array_index(rep->files, i));
	}
	fputs("</p></header><nav><a href=\"#summary\">Summary</a><a href=\"#diagram\">Diagram</a>"
	      "<a href=\"#sockets\">Sockets</a><a href=\"#timeline\">Timeline</a>"
	      "<a href=\"#failures\">Checksum failures</a><a href=\"#refused\">Refused</a></nav>\n<main>", out);
	write_summary(out, rep, sum, hosts);
	write_diagram(out, rep, dm);
	fputs("<section id=\"sockets\"><h2>Socket tables</h2><p class=\"note\">Click a column "
	      "header to sort.</p>", out);
	for (guint i = 0; i < hosts->len; i++)
		write_host_table(out, g_ptr_array_index(hosts, i));
	if (!hosts->len)
		fputs("<p class=\"note\">No host received a segment.</p>", out);
	fputs("</section>\n", out);
	write_timeline(out, hosts);
	write_failures(out, dm_report_sink_data(rep, &failures_sink));
	write_refusals(out, hosts);
	fprintf(out, "</main><script>%s</script></body></html>\n", script);

	g_ptr_array_unref(hosts);
	g_ptr_array_unref(all);
	return !ferror(out);
}
