/* report-fields.c - --fields: the per-frame fields chosen by name, in
 * their order, as a JSON object per line (--format jsonl) or as CSV rows
 * with a header (--format csv), as tshark's -T fields -e NAME. */
#include "config.h"

#include <string.h>

#include "report-format-int.h"
#include "report-int.h"

typedef struct {
	uint64_t frame;
	const dm_record *rec;
	const dm_packet *pkt;
	const dm_decision *d;
	bool nano;
} field_ctx;

/* A field's value written into @buf (64 bytes): the text, or NULL for
 * none; *@str says whether JSON quotes it. */
typedef const char *(*field_fn)(const field_ctx *c, char *buf, bool *str);

static const char *
num(char *buf, uint64_t v)
{
	*dm_fmt_u64(buf, v) = '\0';
	return buf;
}

/* An address as inet_ntop writes it (report-format.c). */
static const char *
addr(char *buf, int family, const uint8_t *a)
{
	*(family == 6 ? dm_fmt_ipv6(buf, a) : dm_fmt_ipv4(buf, a)) = '\0';
	return buf;
}

static const char *f_frame(const field_ctx *c, char *b, bool *s) { (void)s; return num(b, c->frame); }
static const char *
f_time(const field_ctx *c, char *b, bool *s)
{
	(void)s;
	*dm_fmt_time(b, c->rec->sec, c->rec->frac, c->nano) = '\0';
	return b;
}
static const char *
f_ts_ns(const field_ctx *c, char *b, bool *s)
{
	(void)s;
	return num(b, dm_report_ts_ns(c->nano, c->rec->sec, c->rec->frac));
}
static const char *
f_proto(const field_ctx *c, char *b, bool *s)
{
	(void)b;
	*s = true;
	return c->pkt->proto == 17 ? "udp" : "tcp";
}
static const char *f_family(const field_ctx *c, char *b, bool *s) { (void)s; return num(b, c->pkt->family); }
static const char *
f_src(const field_ctx *c, char *b, bool *s)
{
	*s = true;
	return addr(b, c->pkt->family, c->pkt->src);
}
static const char *
f_dst(const field_ctx *c, char *b, bool *s)
{
	*s = true;
	return addr(b, c->pkt->family, c->pkt->dst);
}
static const char *f_sport(const field_ctx *c, char *b, bool *s) { (void)s; return num(b, c->pkt->sport); }
static const char *f_dport(const field_ctx *c, char *b, bool *s) { (void)s; return num(b, c->pkt->dport); }
static const char *
f_length(const field_ctx *c, char *b, bool *s)
{
	(void)s;
	const dm_packet *p = c->pkt;
	if (p->proto == 17 ? !p->have_length : !p->have_tcp || p->malformed == DM_MAL_TCP_OFFSET)
		return NULL;
	return num(b, p->payload_len);
}
static const char *
f_seglen(const field_ctx *c, char *b, bool *s)
{
	(void)s;
	return c->pkt->proto == 17 && !c->pkt->have_length ? NULL : num(b, c->pkt->seg_len);
}
static const char *
f_checksum(const field_ctx *c, char *b, bool *s)
{
	*s = true;
	if (!c->pkt->have_csum_field)
		return NULL;
	g_snprintf(b, 64, "0x%04x", c->pkt->csum.stored);
	return b;
}
static const char *
f_status(const field_ctx *c, char *b, bool *s)
{
	(void)b;
	*s = true;
	return dm_csum_status_name(c->pkt->csum.status);
}
static const char *
f_socket(const field_ctx *c, char *b, bool *s)
{
	(void)s;
	return c->d && c->d->socket ? num(b, dm_socket_id(c->d->socket)) : NULL;
}
static const char *
f_action(const field_ctx *c, char *b, bool *s)
{
	(void)b;
	*s = true;
	return c->d && c->d->host ? dm_action_name(c->d->action) : NULL;
}
static const char *
f_host(const field_ctx *c, char *b, bool *s)
{
	*s = true;
	if (!c->d || !c->d->host)
		return NULL;
	return addr(b, dm_host_family(c->d->host), dm_host_address(c->d->host));
}

static const struct {
	const char *name, *what;
	field_fn fn;
} fields[] = {
	{ "frame", "frame number, from 1 across the inputs", f_frame },
	{ "time", "capture time, epoch seconds (a JSON number: rounded by parsers)", f_time },
	{ "ts_ns", "capture time, integer nanoseconds since 1970 (exact)", f_ts_ns },
	{ "proto", "udp or tcp", f_proto },
	{ "family", "IP version, 4 or 6", f_family },
	{ "src", "source address", f_src },
	{ "sport", "source port", f_sport },
	{ "dst", "destination address", f_dst },
	{ "dport", "destination port", f_dport },
	{ "length", "transport payload bytes (tcpdump's length)", f_length },
	{ "seglen", "segment bytes: UDP length field, TCP header and payload", f_seglen },
	{ "checksum", "the transport checksum field, 0xNNNN", f_checksum },
	{ "checksum_status", "good, bad, partial, absent, ...", f_status },
	{ "host", "the receiving simulated host", f_host },
	{ "socket", "the socket id the decision names", f_socket },
	{ "action", "delivered, dropped, refused, spawned, accepted, ...", f_action },
};

void
dm_report_list_fields(FILE *out)
{
	for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
		fprintf(out, "%-16s %s\n", fields[i].name, fields[i].what);
}

/* The chosen fields (indexes into fields[]), set before reports are made. */
static GArray *chosen;

bool
dm_report_set_trace_fields(const char *spec, GError **error)
{
	gchar **names = g_strsplit(spec, ",", -1);
	GArray *a = g_array_new(FALSE, FALSE, sizeof(guint));
	for (gchar **n = names; *n; n++) {
		guint i = 0;
		while (i < G_N_ELEMENTS(fields) && strcmp(*n, fields[i].name) != 0)
			i++;
		if (i == G_N_ELEMENTS(fields)) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			            "--fields: unknown field '%s' (--fields list names them)", *n);
			g_array_unref(a);
			g_strfreev(names);
			return false;
		}
		g_array_append_val(a, i);
	}
	g_strfreev(names);
	if (chosen)
		g_array_unref(chosen);
	chosen = a;
	return true;
}

GArray *
dm_report_fields_chosen(void)
{
	return chosen ? g_array_ref(chosen) : NULL;
}

static void
csv_header(dm_report *rep)
{
	for (guint k = 0; k < rep->fields->len; k++)
		fprintf(rep->out, "%s%s", k ? "," : "", fields[g_array_index(rep->fields, guint, k)].name);
	fputc('\n', rep->out);
	rep->fields_header_done = true;
}

void
dm_report_fields_end(dm_report *rep)
{
	if (rep->fmt == DM_FORMAT_CSV && !rep->fields_header_done)
		csv_header(rep);
}

void
dm_report_fields_line(dm_report *rep, uint64_t frame, const dm_record *rec,
                      const dm_packet *pkt, const dm_decision *d)
{
	field_ctx c = { frame, rec, pkt, d, rep->nano };
	bool csv = rep->fmt == DM_FORMAT_CSV;
	if (csv && !rep->fields_header_done)
		csv_header(rep);
	if (!csv)
		fputc('{', rep->out);
	for (guint k = 0; k < rep->fields->len; k++) {
		guint i = g_array_index(rep->fields, guint, k);
		char buf[64];
		bool str = false;
		const char *v = fields[i].fn(&c, buf, &str);
		if (k)
			fputc(',', rep->out);
		if (csv) {
			if (v)
				fputs(v, rep->out);
			continue;
		}
		fprintf(rep->out, "\"%s\":", fields[i].name);
		if (!v)
			fputs("null", rep->out);
		else if (str)
			fprintf(rep->out, "\"%s\"", v);
		else
			fputs(v, rep->out);
	}
	fputs(csv ? "\n" : "}\n", rep->out);
}
