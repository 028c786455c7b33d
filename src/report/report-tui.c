/* report-tui.c - the full-screen live view, drawn with ncurses about once
 * a second.  Rows, top to bottom: a status line; the shown host; its
 * sockets (as ss -tuan lays them out, with segment and byte counters; the
 * socket that got the latest segment in reverse video, sockets new in the
 * last seconds in bold); refused attempts and bad checksums; the latest
 * decisions.  Everything is cut to the terminal's width and the panes
 * share its height, so 80x24 stays readable and a resize redraws.
 */
#include "config.h"

#include <arpa/inet.h>
#include <curses.h>
#include <string.h>
#include <time.h>

#include "demuxsim/live.h"
#include "demuxsim/report-tui.h"
#include "demuxsim/report.h"
#include "demuxsim/report-live.h"

#define LOG_MAX 200       /* decisions kept */
#define ALERT_MAX 100     /* bad-checksum events kept */
#define NEW_SECONDS 3     /* how long a new socket stays highlighted */

typedef struct {
	uint8_t family;
	uint8_t addr[16];     /* receiving host */
	uint16_t sport, dport;
	char *text;
	int attr;
} log_line;

struct dm_tui {
	char *source;
	GQueue log;           /* log_line *, oldest first */
	GQueue alerts;        /* log_line *: bad checksums */
	bool paused;
	bool follow;          /* show the host of the latest segment */
	uint8_t host_family;
	uint8_t host_addr[16];
	guint last_socket;    /* id of the socket of the latest segment */
	GHashTable *seen;     /* socket id -> time first drawn */
	GPtrArray *hosts;     /* the hosts of the latest draw, for h */
	int port_filter;      /* -1: none */
	bool prompting;
	char prompt[8];
	size_t prompt_len;
	bool seen_partial;    /* a partial checksum came: the legend says why */
};

enum { PAIR_NEW = 1, PAIR_BAD, PAIR_HEAD };

dm_tui *
dm_tui_new(const char *source)
{
	dm_tui *t = g_new0(dm_tui, 1);
	t->source = g_strdup(source);
	g_queue_init(&t->log);
	g_queue_init(&t->alerts);
	t->follow = true;
	t->port_filter = -1;
	t->seen = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	initscr();
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_NEW, COLOR_GREEN, -1);
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_HEAD, COLOR_CYAN, -1);
	}
	return t;
}

static void
line_free(gpointer p)
{
	log_line *l = p;
	g_free(l->text);
	g_free(l);
}

void
dm_tui_free(dm_tui *t)
{
	if (!t)
		return;
	endwin();
	g_queue_clear_full(&t->log, line_free);
	g_queue_clear_full(&t->alerts, line_free);
	g_hash_table_unref(t->seen);
	if (t->hosts)
		g_ptr_array_unref(t->hosts);
	g_free(t->source);
	g_free(t);
}

static void
push(GQueue *q, guint max, log_line *l)
{
	g_queue_push_tail(q, l);
	while (q->length > max)
		line_free(g_queue_pop_head(q));
}

/* "UDP 10.0.0.1:4000 > 10.0.0.2:53" */
static void
segment_words(GString *s, const dm_packet *p)
{
	char a[56], b[56], flags[9];
	g_string_append_printf(s, "%s %s > %s", p->proto == 17 ? "UDP" : "TCP",
	                       dm_report_endpoint(p->family, p->src, p->sport, false, a),
	                       dm_report_endpoint(p->family, p->dst, p->dport, false, b));
	if (p->proto == 6 && p->have_tcp)
		g_string_append_printf(s, " [%s]", dm_tcp_flags_string(p->tcp_flags, flags));
	if (p->payload_len)  /* tcpdump's "length": payload bytes */
		g_string_append_printf(s, " length %u", p->payload_len);
}

static void
decision_words(GString *s, const dm_decision *d)
{
	switch (d->action) {
	case DM_ACTION_DROPPED:
		g_string_append_printf(s, " -> dropped: %s", dm_drop_name(d->drop));
		if (d->socket) {
			char *label = dm_report_socket_label(d->socket);
			g_string_append_printf(s, " (for socket %u %s)", dm_socket_id(d->socket), label);
			g_free(label);
		}
		break;
	case DM_ACTION_REFUSED:
		g_string_append_printf(s, " -> refused, answers %s", dm_reply_name(d->reply));
		break;
	default: {
		char *label = dm_report_socket_label(d->socket);
		g_string_append_printf(s, " -> socket %u %s", dm_socket_id(d->socket), label);
		g_free(label);
		if (d->state != DM_TCP_NONE)
			g_string_append_printf(s, " %s", dm_tcp_state_name(d->state));
		g_string_append_printf(s, " %s (%s)", dm_action_name(d->action),
		                       dm_lookup_name(d->lookup));
		break;
	}
	}
}

void
dm_tui_frame(dm_tui *t, uint64_t frame, dm_frame_status st, const dm_packet *pkt,
             const dm_decision *d)
{
	if (st != DM_FRAME_SEGMENT || !d || !d->host)
		return;
	log_line *l = g_new0(log_line, 1);
	GString *s = g_string_new(NULL);
	l->family = (uint8_t)dm_host_family(d->host);
	memcpy(l->addr, dm_host_address(d->host), 16);
	l->sport = pkt->sport;
	l->dport = pkt->dport;
	g_string_append_printf(s, "%" G_GUINT64_FORMAT " ", frame);
	segment_words(s, pkt);
	g_string_append_printf(s, " %s", dm_csum_status_name(pkt->csum.status));
	if (pkt->csum.status == DM_CSUM_PARTIAL)
		t->seen_partial = true;
	decision_words(s, d);
	if (d->action == DM_ACTION_DROPPED || d->action == DM_ACTION_REFUSED)
		l->attr = COLOR_PAIR(PAIR_BAD);
	else if (d->lookup == DM_LOOKUP_NEW || d->action == DM_ACTION_SPAWNED)
		l->attr = COLOR_PAIR(PAIR_NEW);
	l->text = g_string_free(s, FALSE);
	if (pkt->csum.status == DM_CSUM_BAD) {
		log_line *a = g_memdup2(l, sizeof *l);
		GString *w = g_string_new(NULL);
		g_string_append_printf(w, "bad checksum: frame %" G_GUINT64_FORMAT " ", frame);
		segment_words(w, pkt);
		g_string_append_printf(w, " cksum 0x%04x", pkt->csum.stored);
		if (pkt->csum.have_expected)
			g_string_append_printf(w, " (expected 0x%04x)", pkt->csum.expected);
		a->text = g_string_free(w, FALSE);
		push(&t->alerts, ALERT_MAX, a);
	}
	push(&t->log, LOG_MAX, l);
	if (t->follow) {
		t->host_family = l->family;
		memcpy(t->host_addr, l->addr, 16);
	}
	t->last_socket = d->socket && d->action != DM_ACTION_DROPPED ? dm_socket_id(d->socket) : 0;
}

void
dm_tui_correction(dm_tui *t, uint64_t frame, const dm_correction *c)
{
	log_line *l = g_new0(log_line, 1);
	char *words = dm_report_correction_line(c);
	l->family = (uint8_t)dm_host_family(c->host);
	memcpy(l->addr, dm_host_address(c->host), 16);
	l->sport = c->refusal.peer_port;
	l->dport = c->refusal.port;
	l->text = g_strdup_printf("%" G_GUINT64_FORMAT " correction: %s", frame, words);
	l->attr = COLOR_PAIR(PAIR_BAD) | A_BOLD;
	g_free(words);
	push(&t->log, LOG_MAX, l);
}

bool
dm_tui_paused(const dm_tui *t)
{
	return t->paused;
}

static void next_host(dm_tui *t, const GPtrArray *hosts);

bool
dm_tui_keys(dm_tui *t)
{
	int ch;
	while ((ch = getch()) != ERR) {
		if (t->prompting) {
			if (ch >= '0' && ch <= '9' && t->prompt_len < 5) {
				t->prompt[t->prompt_len++] = (char)ch;
			} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && t->prompt_len) {
				t->prompt_len--;
			} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
				t->prompt[t->prompt_len] = '\0';
				long v = t->prompt_len ? strtol(t->prompt, NULL, 10) : -1;
				t->port_filter = v >= 0 && v <= 65535 ? (int)v : -1;
				t->prompting = false;
			} else if (ch == 27) {
				t->prompting = false;
			}
			continue;
		}
		switch (ch) {
		case 'q':
		case 'Q':
			return true;
		case 'p':
		case 'P':
			t->paused = !t->paused;
			break;
		case 'h':
		case 'H':
			if (t->hosts)
				next_host(t, t->hosts);
			break;
		case '/':
			t->prompting = true;
			t->prompt_len = 0;
			break;
		case KEY_RESIZE:
			clear();
			break;
		default:
			break;
		}
	}
	return false;
}

static int
host_index(const dm_tui *t, const GPtrArray *hosts)
{
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		if (dm_host_family(h) == t->host_family &&
		    memcmp(dm_host_address(h), t->host_addr, 16) == 0)
			return (int)i;
	}
	return -1;
}

static void
next_host(dm_tui *t, const GPtrArray *hosts)
{
	if (!hosts->len)
		return;
	int i = (host_index(t, hosts) + 1) % (int)hosts->len;
	const dm_host *h = g_ptr_array_index(hosts, i);
	t->follow = false;
	t->host_family = (uint8_t)dm_host_family(h);
	memcpy(t->host_addr, dm_host_address(h), 16);
}

/* Write @text at (@y, 0), cut to the width, with @attr. */
static void
put(int y, int attr, const char *text)
{
	if (y < 0 || y >= LINES)
		return;
	attron(attr);
	mvaddnstr(y, 0, text, COLS);
	attroff(attr);
}

static bool
socket_matches(const dm_socket *s, int port)
{
	uint16_t l, r = 0;
	dm_socket_local(s, &l);
	bool remote = dm_socket_remote(s, &r) != NULL;
	return port < 0 || l == port || (remote && r == port);
}

/* @shown in the text report's order: each listener's accepted
 * connections right under it (their index | INDENTED), the others as
 * they were made. */
#define INDENTED 0x80000000u
static GArray *
listener_order(const GPtrArray *shown)
{
	GHashTable *kids = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_array_unref);
	GHashTable *present = g_hash_table_new(NULL, NULL);
	for (guint i = 0; i < shown->len; i++)
		g_hash_table_add(present, g_ptr_array_index(shown, i));
	for (guint i = 0; i < shown->len; i++) {
		const dm_socket *par = dm_socket_parent(g_ptr_array_index(shown, i));
		if (!par || !g_hash_table_contains(present, par))
			continue;
		GArray *k = g_hash_table_lookup(kids, par);
		if (!k) {
			k = g_array_new(FALSE, FALSE, sizeof(guint));
			g_hash_table_insert(kids, (gpointer)par, k);
		}
		g_array_append_val(k, i);
	}
	GArray *order = g_array_sized_new(FALSE, FALSE, sizeof(guint), shown->len);
	for (guint i = 0; i < shown->len; i++) {
		const dm_socket *s = g_ptr_array_index(shown, i);
		const dm_socket *par = dm_socket_parent(s);
		if (par && g_hash_table_contains(present, par))
			continue;
		g_array_append_val(order, i);
		GArray *k = g_hash_table_lookup(kids, s);
		for (guint j = 0; k && j < k->len; j++) {
			guint v = g_array_index(k, guint, j) | INDENTED;
			g_array_append_val(order, v);
		}
	}
	g_hash_table_destroy(present);
	g_hash_table_destroy(kids);
	return order;
}

static int
draw_sockets(dm_tui *t, const dm_host *h, int y, int rows, double now)
{
	/* Netid, State, two addresses, Segs, Bytes, Id and their spaces. */
	int aw = (COLS - 5 - 1 - 12 - 1 - 1 - 1 - 7 - 1 - 9 - 1 - 5) / 2;
	if (aw < 16)
		aw = 16;
	char line[512];
	g_snprintf(line, sizeof line, "%-5s %-12s %-*s %-*s %7s %9s %5s", "Netid", "State",
	           aw, "Local Address:Port", aw, "Peer Address:Port", "Segs", "Bytes", "Id");
	put(y++, COLOR_PAIR(PAIR_HEAD) | A_BOLD, line);
	rows--;
	if (!h)
		return y;
	const GPtrArray *socks = dm_host_sockets(h);
	GPtrArray *shown = g_ptr_array_new();
	for (guint i = 0; i < socks->len; i++)
		if (socket_matches(g_ptr_array_index(socks, i), t->port_filter))
			g_ptr_array_add(shown, g_ptr_array_index(socks, i));
	GArray *order = listener_order(shown);
	/* The newest sockets when they do not all fit. */
	guint first = order->len > (guint)rows && rows > 0 ? order->len - (guint)rows : 0;
	for (guint i = first; i < order->len && rows > 0; i++, rows--) {
		guint o = g_array_index(order, guint, i);
		const dm_socket *s = g_ptr_array_index(shown, o & ~INDENTED);
		int in = o & INDENTED ? 2 : 0;
		char l[56], r[56] = "*:*";
		uint16_t lp, rp;
		int fam = dm_socket_family(s);
		const uint8_t *la = dm_socket_local(s, &lp);
		const uint8_t *ra = dm_socket_remote(s, &rp);
		const char *st = dm_socket_proto(s) == 17 ? (ra ? "ESTAB" : "UNCONN")
		                                          : dm_tcp_state_name(dm_socket_state(s));
		dm_report_endpoint(fam, la, lp, dm_socket_local_is_wildcard(s), l);
		if (ra)
			dm_report_endpoint(fam, ra, rp, false, r);
		g_snprintf(line, sizeof line, "%*s%-5s %-12s %-*.*s %-*.*s %7" G_GUINT64_FORMAT
		           " %9" G_GUINT64_FORMAT " %5u", in, "",
		           dm_socket_proto(s) == 17 ? "udp" : "tcp", st, aw - in, aw - in, l, aw, aw, r,
		           dm_socket_segments(s), dm_socket_bytes(s), dm_socket_id(s));
		gpointer key = GUINT_TO_POINTER(dm_socket_id(s));
		double *since = g_hash_table_lookup(t->seen, key);
		if (!since) {
			since = g_new(double, 1);
			*since = now;
			g_hash_table_insert(t->seen, key, since);
		}
		int attr = 0;
		if (now - *since < NEW_SECONDS)
			attr |= A_BOLD | COLOR_PAIR(PAIR_NEW);
		if (dm_socket_id(s) == t->last_socket)
			attr |= A_REVERSE;
		put(y++, attr, line);
	}
	g_array_unref(order);
	g_ptr_array_unref(shown);
	return y;
}

static bool
line_for_host(const log_line *l, const dm_host *h)
{
	return h && l->family == dm_host_family(h) &&
	       memcmp(l->addr, dm_host_address(h), 16) == 0;
}

static bool
line_matches(const log_line *l, int port)
{
	return port < 0 || l->sport == port || l->dport == port;
}

/* The refused attempts and bad checksums of host @h, newest last. */
static void
draw_alerts(dm_tui *t, const dm_host *h, int y, int rows)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	if (h) {
		const GArray *refused = dm_host_refusals(h);
		for (guint i = 0; i < refused->len; i++) {
			const dm_refusal *r = &g_array_index(refused, dm_refusal, i);
			char peer[56];
			if (t->port_filter >= 0 && r->port != t->port_filter &&
			    r->peer_port != t->port_filter)
				continue;
			GString *s = g_string_new(NULL);
			g_string_append_printf(s, "refused: %s port %u from %s at frame %"
			                       G_GUINT64_FORMAT, r->proto == 17 ? "udp" : "tcp",
			                       r->port,
			                       dm_report_endpoint(dm_refusal_family(h, r), r->peer,
			                                          r->peer_port, false, peer),
			                       r->frame);
			if (r->count > 1)
				g_string_append_printf(s, " (%u attempts)", r->count);
			g_string_append_printf(s, ": answers %s", dm_reply_name(r->reply));
			if (r->evidence)
				g_string_append_printf(s, ", seen at frame %" G_GUINT64_FORMAT, r->evidence);
			g_ptr_array_add(lines, g_string_free(s, FALSE));
		}
		for (GList *i = t->alerts.head; i; i = i->next) {
			const log_line *l = i->data;
			if (line_for_host(l, h) && line_matches(l, t->port_filter))
				g_ptr_array_add(lines, g_strdup(l->text));
		}
	}
	guint first = lines->len > (guint)rows ? lines->len - (guint)rows : 0;
	for (guint i = first; i < lines->len; i++)
		put(y++, COLOR_PAIR(PAIR_BAD), g_ptr_array_index(lines, i));
	if (!lines->len)
		put(y, A_DIM, "(none)");
	g_ptr_array_unref(lines);
}

static void
draw_log(dm_tui *t, int y, int rows)
{
	GPtrArray *lines = g_ptr_array_new();
	for (GList *i = t->log.head; i; i = i->next)
		if (line_matches(i->data, t->port_filter))
			g_ptr_array_add(lines, i->data);
	guint first = lines->len > (guint)rows ? lines->len - (guint)rows : 0;
	for (guint i = first; i < lines->len; i++) {
		const log_line *l = g_ptr_array_index(lines, i);
		put(y++, l->attr | (i + 1 == lines->len ? A_BOLD : 0), l->text);
	}
	g_ptr_array_unref(lines);
}

void
dm_tui_draw(dm_tui *t, const dm_demux *dm, const dm_summary *sum,
            const dm_live_stats *st)
{
	char line[512], a[INET6_ADDRSTRLEN];
	GString *status = g_string_new(NULL);
	/* What the keys set comes first: 80 columns cut the counters, not it. */
	g_string_append_printf(status, " demuxsim %s", t->source);
	if (t->paused)
		g_string_append(status, " | PAUSED");
	if (t->prompting)
		g_string_append_printf(status, " | port filter: %.*s_", (int)t->prompt_len, t->prompt);
	else if (t->port_filter >= 0)
		g_string_append_printf(status, " | port %d", t->port_filter);
	g_string_append_printf(status, " | %" G_GUINT64_FORMAT " frames, %"
	                       G_GUINT64_FORMAT " udp, %" G_GUINT64_FORMAT " tcp",
	                       sum->frames, sum->segments[DM_PROTO_UDP],
	                       sum->segments[DM_PROTO_TCP]);
	if (st)
		g_string_append_printf(status, ", %" G_GUINT64_FORMAT " dropped by kernel",
		                       st->dropped);
	if (t->paused) {
		/* Frozen: only the status line moves. */
		move(0, 0);
		clrtoeol();
		put(0, A_REVERSE, status->str);
		refresh();
		g_string_free(status, TRUE);
		return;
	}
	erase();
	g_snprintf(line, sizeof line, "%-*s", COLS < (int)sizeof line ? COLS : (int)sizeof line - 1,
	           status->str);
	put(0, A_REVERSE, line);
	g_string_free(status, TRUE);

	GPtrArray *hosts = dm_demux_hosts(dm);
	if (t->hosts)
		g_ptr_array_unref(t->hosts);
	t->hosts = g_ptr_array_ref(hosts);
	int hi = host_index(t, hosts);
	if (hi < 0 && hosts->len) {
		hi = 0;
		t->host_family = (uint8_t)dm_host_family(g_ptr_array_index(hosts, 0));
		memcpy(t->host_addr, dm_host_address(g_ptr_array_index(hosts, 0)), 16);
	}
	const dm_host *h = hi >= 0 ? g_ptr_array_index(hosts, hi) : NULL;
	if (h)
		g_snprintf(line, sizeof line, "Host %s (%d of %u%s), %u socket%s, %u refused,"
		           " %" G_GUINT64_FORMAT " bad checksum%s   q quit p pause h host / port",
		           dm_report_address(dm_host_family(h), dm_host_address(h), a), hi + 1,
		           hosts->len, t->follow ? ", following" : "",
		           dm_host_sockets(h)->len, dm_host_sockets(h)->len == 1 ? "" : "s",
		           dm_host_refusals(h)->len, dm_host_drops(h, DM_DROP_BAD_CHECKSUM),
		           dm_host_drops(h, DM_DROP_BAD_CHECKSUM) == 1 ? "" : "s");
	else
		g_snprintf(line, sizeof line, "No host yet   q quit p pause h host / port");
	put(1, A_BOLD, line);

	/* Heights: sockets ~45%, refusals ~20%, decisions the rest. */
	int rest = LINES - 4;
	if (rest < 3)
		rest = 3;
	int nsock = rest * 45 / 100, nalert = rest * 20 / 100;
	if (nsock < 2)
		nsock = 2;
	if (nalert < 1)
		nalert = 1;
	int nlog = rest - nsock - nalert;
	int y = 2;
	draw_sockets(t, h, y, nsock, dm_live_clock());
	y += nsock;
	put(y++, COLOR_PAIR(PAIR_HEAD) | A_BOLD, t->seen_partial ?
	    "Refused attempts and bad checksums   (partial: checksum left to the capturing"
	    " host's NIC, offload; not an error)" : "Refused attempts and bad checksums");
	draw_alerts(t, h, y, nalert);
	y += nalert;
	put(y++, COLOR_PAIR(PAIR_HEAD) | A_BOLD, "Latest decisions");
	draw_log(t, y, nlog);
	g_ptr_array_unref(hosts);
	refresh();
}
