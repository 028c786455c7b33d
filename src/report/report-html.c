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
#include "report-html-int.h"

/* Failures explained in full on the page; later ones are only counted. */
#define MAX_FAILURES 1000

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
		return g_strdup_printf("%s to socket %u%s", dm_action_name(d->action),
		                       dm_socket_id(d->socket),
		                       d->syncookie == DM_COOKIE_SENT ? ", SYN cookie sent" :
		                       d->syncookie == DM_COOKIE_USED ? " via syncookie" : "");
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

static void
card(FILE *out, const char *what, uint64_t n, bool alert)
{
	fprintf(out, "<div class=\"card%s\"><b>%" G_GUINT64_FORMAT "</b><span>", alert && n ? " alert" : "", n);
	esc(out, what);
	fputs("</span></div>", out);
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
	        dm_html_style, PACKAGE_VERSION);
	for (guint i = 0; i < rep->files->len; i++) {
		fputs(i ? " &middot; " : "", out);
		esc(out, g_ptr_array_index(rep->files, i));
	}
	fputs("</p></header><nav><a href=\"#summary\">Summary</a><a href=\"#sockets\">Sockets</a>"
	      "<a href=\"#timeline\">Timeline</a><a href=\"#diagram\">Diagram</a>"
	      "<a href=\"#failures\">Checksum failures</a><a href=\"#refused\">Refused</a>"
	      "<a href=\"#calls\">Calls</a><a href=\"#ladders\">Ladders</a></nav>\n<main>", out);
	write_summary(out, rep, sum, hosts);
	dm_html_sort_hosts(hosts);
	fputs("<section id=\"sockets\"><h2>Socket tables</h2><div class=\"search\">"
	      "<input type=\"search\" id=\"search\" placeholder=\"search hosts, sockets, ports, addresses\" "
	      "aria-label=\"search\"><span class=\"note\" id=\"hostcount\"></span></div>"
	      "<p class=\"note\">Click a column header to sort; the page address takes "
	      "<code>#search=TEXT</code>.</p><div id=\"hosts\"></div></section>\n"
	      "<section id=\"timeline\"><h2>Socket lifetimes</h2><p class=\"note\">One bar per "
	      "socket of the hosts shown above, from the first segment it received to the last, "
	      "coloured by its state at the end of the capture.</p>"
	      "<div class=\"timeline\" id=\"timelinebox\"></div></section>\n", out);
	dm_html_write_diagram(out, rep, dm, hosts);
	write_failures(out, dm_report_sink_data(rep, &failures_sink));
	fputs("<section id=\"refused\"><h2>Refused attempts</h2><div id=\"refusedbox\"></div>"
	      "</section>\n", out);
	dm_html_write_calls(out, rep);
	dm_html_write_ladders(out, rep);
	fputs("</main>\n", out);
	dm_html_write_data(out, hosts);
	fprintf(out, "<script>%s</script></body></html>\n", dm_html_script);

	g_ptr_array_unref(hosts);
	g_ptr_array_unref(all);
	return !ferror(out);
}
