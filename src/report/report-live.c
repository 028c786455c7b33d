/* report-live.c - the lines live capture adds: corrections of earlier
 * decisions (a refusal whose evidence came after the segment), the
 * interface list in tcpdump -D's form, and tcpdump's closing counts.
 */
#include "config.h"

#include <arpa/inet.h>

#include "demuxsim/report-live.h"
#include "report-int.h"

char *
dm_report_correction_line(const dm_correction *c)
{
	const dm_refusal *r = &c->refusal;
	char peer[56];
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "frame %" G_GUINT64_FORMAT " refused: %s port %u from %s,"
	                       " host answers %s (seen at frame %" G_GUINT64_FORMAT ");"
	                       " socket %u retracted",
	                       r->frame, r->proto == 17 ? "udp" : "tcp", r->port,
	                       dm_report_endpoint(dm_refusal_family(c->host, r), r->peer,
	                                          r->peer_port, false, peer),
	                       dm_reply_name(r->reply), r->evidence, c->socket);
	if (c->listener)
		g_string_append_printf(s, ", listener %u retracted", c->listener);
	return g_string_free(s, FALSE);
}

void
dm_report_correction(dm_report *rep, uint64_t frame, const dm_record *rec,
                     const dm_correction *c)
{
	FILE *out = rep->out;
	const dm_refusal *r = &c->refusal;
	char h[INET6_ADDRSTRLEN], peer[56];

	if ((rep->flags & DM_REPORT_QUIET) ||
	    (rep->fmt != DM_FORMAT_TEXT && rep->fmt != DM_FORMAT_JSONL) ||
	    !dm_report_host_visible(rep, c->host))
		return;
	if (rep->fmt == DM_FORMAT_TEXT) {
		char *line = dm_report_correction_line(c);
		fprintf(out, "%" G_GUINT64_FORMAT " ", frame);
		dm_report_write_time(rep, rec->sec, rec->frac);
		fprintf(out, " correction: %s\n", line);
		g_free(line);
		return;
	}
	fprintf(out, "{\"frame\":%" G_GUINT64_FORMAT ",\"time\":", frame);
	dm_report_write_time(rep, rec->sec, rec->frac);
	fprintf(out, ",\"correction\":{\"frame\":%" G_GUINT64_FORMAT ",\"host\":\"%s\","
	        "\"proto\":\"%s\",\"port\":%u,\"peer\":\"%s\",\"action\":\"refused\","
	        "\"reply\":\"%s\",\"evidence\":%" G_GUINT64_FORMAT ",\"retracted\":[%u",
	        r->frame,
	        dm_report_address(dm_host_family(c->host), dm_host_address(c->host), h),
	        r->proto == 17 ? "udp" : "tcp", r->port,
	        dm_report_endpoint(dm_refusal_family(c->host, r), r->peer, r->peer_port, false, peer),
	        dm_reply_name(r->reply), r->evidence, c->socket);
	if (c->listener)
		fprintf(out, ",%u", c->listener);
	fputs("]}}\n", out);
}

void
dm_report_devices(FILE *out, const GArray *devs)
{
	static const char *const conn[] = { NULL, "Connected", "Disconnected", NULL };
	for (guint i = 0; i < devs->len; i++) {
		const dm_live_device *d = &g_array_index(devs, dm_live_device, i);
		GString *flags = g_string_new(NULL);
#define FLAG(cond, word) if (cond) g_string_append_printf(flags, "%s" word, flags->len ? ", " : "")
		FLAG(d->up, "Up");
		FLAG(d->running, "Running");
		FLAG(d->wireless, "Wireless");
		FLAG(d->loopback, "Loopback");
		if (!d->loopback && conn[d->connection])
			g_string_append_printf(flags, "%s%s", flags->len ? ", " : "",
			                       conn[d->connection]);
#undef FLAG
		fprintf(out, "%u.%s", i + 1, d->name);
		if (d->description)
			fprintf(out, " (%s)", d->description);
		fprintf(out, " [%s]", flags->len ? flags->str : "none");
		fputc('\n', out);
		g_string_free(flags, TRUE);
	}
}

void
dm_report_capture_stats(FILE *out, uint64_t captured, const dm_live_stats *st,
                        bool have_stats)
{
	fprintf(out, "%" G_GUINT64_FORMAT " packet%s captured\n", captured,
	        captured == 1 ? "" : "s");
	if (!have_stats)
		return;
	fprintf(out, "%" G_GUINT64_FORMAT " packet%s received by filter\n", st->received,
	        st->received == 1 ? "" : "s");
	fprintf(out, "%" G_GUINT64_FORMAT " packet%s dropped by kernel\n", st->dropped,
	        st->dropped == 1 ? "" : "s");
	if (st->if_dropped)
		fprintf(out, "%" G_GUINT64_FORMAT " packet%s dropped by interface\n",
		        st->if_dropped, st->if_dropped == 1 ? "" : "s");
}

void
dm_report_set_capture_stats(dm_report *rep, const dm_live_stats *st)
{
	rep->capture = *st;
	rep->have_capture = true;
}
