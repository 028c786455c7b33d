/* report-ladder.c - one TCP connection as a ladder (sequence) diagram in
 * SVG: end a's lifeline on the left, end b's on the right, time flowing
 * down, one band per segment with its arrow (labelled tcpdump's way:
 * flags, relative seq/ack, len, frame), each end's TCP state beside its
 * lifeline when it changes and its socket calls on the outer side.
 *
 * The SVG is written by hand: Graphviz lays out graphs, not sequence
 * diagrams, and no library draws these.  The geometry is fixed so that
 * labels cannot overlap at any number of rows: the width is constant and
 * sized for the longest label each place can hold (monospace text,
 * estimated at 0.62 em a character), every segment gets a band of its
 * own, and calls that do not fit beside one are stacked and make it
 * taller.  Coordinates are integers, so the output is the same bytes on
 * every machine and locale.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "demuxsim/demux.h"
#include "demuxsim/report-ladder.h"
#include "demuxsim/report.h"

/* Across: the time column, end a's calls, its lifeline, the lane of the
 * arrows, end b's lifeline, its calls. */
#define TIME_X 8
#define TIME_W 136       /* TIME_CHARS at 10 px */
#define TIME_CHARS 20
#define CALL_W 260       /* CALL_CHARS at 11 px */
#define CALL_CHARS 38
#define CALL_GAP 10      /* between a call and its lifeline */
#define LANE_W 500       /* the longest segment label (66 characters) */
#define X_A (TIME_W + CALL_W + CALL_GAP)
#define X_B (X_A + LANE_W)
#define WIDTH (X_B + CALL_GAP + CALL_W + 10)
#define X_MID ((X_A + X_B) / 2)
#define STATE_GAP 12     /* between a state and its lifeline, clear of
                          * the arrowheads */

/* Down: the heading, then bands; offsets are from a band's top. */
#define HEAD_H 50
#define ROW_H 58         /* a segment's band at least */
#define LABEL_Y 13       /* flags, seq, ack, len (11 px) */
#define DETAIL_Y 26      /* frame, window, what went wrong (10 px) */
#define ARROW_Y 31       /* the arrow leaves the sender here */
#define SLANT 10         /* and reaches the receiver this much lower */
#define TIME_Y 35        /* and the calls of its frame */
#define STATE_Y 54
#define LINE_H 14        /* one line of calls */
#define CALLS_PAD 6      /* below a band's last line of calls */
#define FOOT_H 18

#define INK "#0f172a"
#define GREY "#475569"
#define ARROW "#334155"
#define RETRANS "#b45309"
#define BAD "#dc2626"
#define CALL "#1d4ed8"
#define ASSUMED "#64748b"
#define STATE "#047857"
#define LIFELINE "#94a3b8"

/* Which calls of an end a band takes from its cursor on. */
typedef enum {
	TAKE_BEFORE,   /* before the row of a frame: earlier frames, and the
	                * assumed calls of that frame */
	TAKE_AT,       /* that frame's */
	TAKE_ALL,      /* all that are left (after the last row) */
} take_mode;

/* One end's lines of calls in a band, and the call each belongs to. */
typedef struct {
	GPtrArray *text;   /* of gchar * */
	GPtrArray *owner;  /* of const dm_call * */
} side_lines;

typedef struct {
	GString *body;          /* everything drawn over the lifelines */
	const dm_ladder *l;
	guint at_a, at_b;       /* the next call of each end to draw */
	int y;                  /* the top of the next band */
	dm_tcp_state shown_a, shown_b;  /* the states last written */
	int64_t sec0;           /* the first row's time */
	uint32_t nsec0;
} ladder_ctx;

/* @s with & < > " ' escaped for XML text or attributes; control
 * characters, which XML 1.0 does not allow, become spaces. */
static void
esc(GString *out, const char *s)
{
	gchar *valid = NULL;
	if (!g_utf8_validate(s, -1, NULL))
		s = valid = g_utf8_make_valid(s, -1);
	for (; *s; s++) {
		switch (*s) {
		case '&': g_string_append(out, "&amp;"); break;
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '"': g_string_append(out, "&quot;"); break;
		case '\'': g_string_append(out, "&apos;"); break;
		default:
			g_string_append_c(out, (unsigned char)*s < 0x20 ? ' ' : *s);
		}
	}
	g_free(valid);
}

/* A <text> at (@x, @y), anchored "start", "middle" or "end", with class
 * @cls and presentation attributes @attrs. */
static void
text(GString *out, int x, int y, const char *anchor, const char *cls, const char *attrs,
     const char *content)
{
	g_string_append_printf(out, "<text class=\"%s\" x=\"%d\" y=\"%d\" text-anchor=\"%s\"%s>",
	                       cls, x, y, anchor, attrs);
	esc(out, content);
	g_string_append(out, "</text>\n");
}

/* Names. */
static const char *
sure_name(dm_call_sure s)
{
	static const char *const names[DM_SURE_N] = { "seen", "inferred", "assumed", "declared" };
	return (unsigned)s < DM_SURE_N ? names[s] : "?";
}

static void
errno_text(GString *s, int e)
{
	switch (e) {
	case ECONNREFUSED: g_string_append(s, "ECONNREFUSED"); break;
	case ECONNRESET: g_string_append(s, "ECONNRESET"); break;
	case ETIMEDOUT: g_string_append(s, "ETIMEDOUT"); break;
	case EHOSTUNREACH: g_string_append(s, "EHOSTUNREACH"); break;
	case ENETUNREACH: g_string_append(s, "ENETUNREACH"); break;
	case ECONNABORTED: g_string_append(s, "ECONNABORTED"); break;
	default: g_string_append_printf(s, "errno %d", e);
	}
}

/* The flags as tcpdump writes them: "[S]", "[S.]", "[P.]", "[R.]",
 * "[none]". */
static void
flags_text(GString *s, uint8_t f)
{
	static const struct { uint8_t bit; char c; } order[] = {
		{ DM_TCP_FIN, 'F' }, { DM_TCP_SYN, 'S' }, { DM_TCP_RST, 'R' },
		{ DM_TCP_PSH, 'P' }, { DM_TCP_ACK, '.' }, { DM_TCP_URG, 'U' },
		{ DM_TCP_ECE, 'E' }, { DM_TCP_CWR, 'W' },
	};
	g_string_append_c(s, '[');
	for (size_t i = 0; i < G_N_ELEMENTS(order); i++)
		if (f & order[i].bit)
			g_string_append_c(s, order[i].c);
	if (!f)
		g_string_append(s, "none");
	g_string_append_c(s, ']');
}

static void
endpoint_text(GString *s, int family, const uint8_t *addr, uint16_t port, bool star)
{
	char buf[56];
	g_string_append(s, dm_report_endpoint(family, addr, port, star, buf));
}

static void
peer_text(GString *s, const dm_call *c)
{
	if (c->has_peer)
		endpoint_text(s, c->family, c->peer, c->peer_port, false);
	else
		g_string_append_c(s, '?');
}

/* " 500 B", or " 1500 B (3 segments)" for calls folded into one. */
static void
bytes_text(GString *s, const dm_call *c, const char *unit)
{
	g_string_append_printf(s, " %" PRIu64 " B", c->bytes);
	if (c->count > 1)
		g_string_append_printf(s, " (%" PRIu32 " %s)", c->count, unit);
}

/* The short label of a call on the diagram. */
static void
call_label(GString *s, const dm_call *c)
{
	switch (c->kind) {
	case DM_CALL_LISTEN:
		g_string_append(s, "socket() bind(");
		endpoint_text(s, c->family, c->local, c->local_port, c->wildcard);
		g_string_append(s, ") listen()");
		break;
	case DM_CALL_ACCEPT:
		g_string_append_printf(s, "accept() -> %u", c->new_socket);
		break;
	case DM_CALL_CONNECT:
		g_string_append(s, "socket() connect(");
		peer_text(s, c);
		g_string_append_c(s, ')');
		break;
	case DM_CALL_CONNECTED:
		g_string_append(s, "connect() -> ");
		if (c->result)
			errno_text(s, c->result);
		else
			g_string_append_c(s, '0');
		break;
	case DM_CALL_OPEN:
		g_string_append(s, "connect()/accept() before the capture");
		break;
	case DM_CALL_SEND:
		g_string_append(s, "send()");
		bytes_text(s, c, "segments");
		break;
	case DM_CALL_RECV:
		g_string_append(s, "recv()");
		bytes_text(s, c, "segments");
		break;
	case DM_CALL_RECV_EOF:
		g_string_append(s, "recv() -> 0");
		break;
	case DM_CALL_CLOSE:
		g_string_append(s, c->how == DM_CLOSE_CLOSE ? "close()"
		                   : c->how == DM_CLOSE_SHUTDOWN ? "shutdown(SHUT_WR)"
		                   : "close()/shutdown()?");
		break;
	case DM_CALL_ABORT:
		g_string_append(s, "close() (RST)");
		break;
	case DM_CALL_UDP_SOCKET:
		g_string_append(s, "socket(SOCK_DGRAM) bind(");
		endpoint_text(s, c->family, c->local, c->local_port, c->wildcard);
		g_string_append_c(s, ')');
		break;
	case DM_CALL_SENDTO:
	case DM_CALL_RECVFROM:
		g_string_append(s, c->kind == DM_CALL_SENDTO ? "sendto(" : "recvfrom(");
		peer_text(s, c);
		g_string_append_c(s, ')');
		bytes_text(s, c, "datagrams");
		break;
	case DM_CALL_UDP_REFUSED:
		g_string_append(s, "ICMP port unreachable: ECONNREFUSED");
		break;
	default:
		g_string_append_printf(s, "call %d", (int)c->kind);
	}
}

/* Where the first line of @t (longer than CALL_CHARS) ends: at its last
 * space in the line's second half (between calls: "bind(...) listen()"),
 * else after its last space or '(' ':' or ',', else at CALL_CHARS. */
static size_t
line_end(const char *t)
{
	for (size_t k = CALL_CHARS; k > CALL_CHARS / 2; k--)
		if (t[k] == ' ')
			return k;
	for (size_t k = CALL_CHARS; k > 0; k--) {
		char before = t[k - 1];
		if (t[k] == ' ' || before == '(' || before == ':' || before == ',')
			return k;
	}
	return CALL_CHARS;
}

/* @t cut into lines of at most CALL_CHARS characters, appended to @into,
 * each owned by @c. */
static void
wrap(const char *t, const dm_call *c, side_lines *into)
{
	size_t n = strlen(t), i = 0;
	while (i < n) {
		size_t take = n - i > CALL_CHARS ? line_end(t + i) : n - i;
		g_ptr_array_add(into->text, g_strndup(t + i, take));
		g_ptr_array_add(into->owner, (gpointer)c);
		i += take;
		while (t[i] == ' ')
			i++;
	}
}

/* The calls of one end a band takes (see take_mode), from *@at on. */
static void
take_calls(const GArray *calls, guint *at, take_mode mode, uint64_t frame, side_lines *into)
{
	GString *label = g_string_new(NULL);
	for (; calls && *at < calls->len; (*at)++) {
		const dm_call *c = &g_array_index(calls, dm_call, *at);
		bool take = mode == TAKE_ALL ||
		            (mode == TAKE_AT && c->frame == frame) ||
		            (mode == TAKE_BEFORE && (c->frame < frame ||
		                                     (c->frame == frame && c->sure == DM_SURE_ASSUMED)));
		if (!take)
			break;
		g_string_truncate(label, 0);
		call_label(label, c);
		wrap(label->str, c, into);
	}
	g_string_free(label, TRUE);
}

static void
side_init(side_lines *s)
{
	s->text = g_ptr_array_new_with_free_func(g_free);
	s->owner = g_ptr_array_new();
}

static void
side_clear(side_lines *s)
{
	g_ptr_array_unref(s->text);
	g_ptr_array_unref(s->owner);
}

/* Draw one end's lines of calls from baseline @y down, ending at @x (end
 * a, text-anchor end) or starting there (end b); each call a group titled
 * with how sure it is and why. */
static void
draw_calls(GString *out, const side_lines *s, int x, bool left, int y)
{
	const dm_call *open = NULL;
	for (guint k = 0; k < s->text->len; k++) {
		const dm_call *c = g_ptr_array_index(s->owner, k);
		if (c != open) {
			if (open)
				g_string_append(out, "</g>\n");
			open = c;
			g_string_append_printf(out, "<g class=\"call %s\"><title>", sure_name(c->sure));
			esc(out, sure_name(c->sure));
			g_string_append_printf(out, ", frame %" PRIu64 ": ", c->frame);
			esc(out, c->rule ? c->rule : "");
			g_string_append(out, "</title>\n");
		}
		bool faint = c->sure == DM_SURE_ASSUMED;
		bool italic = faint || c->sure == DM_SURE_INFERRED;
		char attrs[96];
		g_snprintf(attrs, sizeof attrs, " fill=\"%s\"%s", faint ? ASSUMED : CALL,
		           italic ? " font-style=\"italic\"" : "");
		text(out, x, y + (int)k * LINE_H, left ? "end" : "start", "call-text", attrs,
		     g_ptr_array_index(s->text, k));
	}
	if (open)
		g_string_append(out, "</g>\n");
}

/* A band's height for @n lines of calls from baseline @first (0 for
 * none). */
static int
calls_height(guint n, int first)
{
	return n ? first + ((int)n - 1) * LINE_H + CALLS_PAD : 0;
}

/* A band of calls before a row (TAKE_BEFORE) or after the last
 * (TAKE_ALL): nothing when no call goes there. */
static void
calls_band(ladder_ctx *lc, take_mode mode, uint64_t frame)
{
	side_lines a, b;
	side_init(&a);
	side_init(&b);
	take_calls(lc->l->calls_a, &lc->at_a, mode, frame, &a);
	take_calls(lc->l->calls_b, &lc->at_b, mode, frame, &b);
	draw_calls(lc->body, &a, X_A - CALL_GAP, true, lc->y + LABEL_Y);
	draw_calls(lc->body, &b, X_B + CALL_GAP, false, lc->y + LABEL_Y);
	lc->y += calls_height(MAX(a.text->len, b.text->len), LABEL_Y);
	side_clear(&a);
	side_clear(&b);
}

/* Seconds from the first row to @r, with 6 decimals ("0.000123"); beyond
 * TIME_CHARS characters (a clock that jumped years), whole seconds. */
static void
elapsed(char *buf, size_t size, const ladder_ctx *lc, const dm_ladder_row *r)
{
	int64_t ds = (int64_t)((uint64_t)r->sec - (uint64_t)lc->sec0);
	int64_t dn = (int64_t)r->nsec - (int64_t)lc->nsec0;
	ds = (int64_t)((uint64_t)ds + (uint64_t)(dn / 1000000000));
	dn %= 1000000000;
	if (ds > 0 && dn < 0) {
		ds--;
		dn += 1000000000;
	} else if (ds < 0 && dn > 0) {
		ds++;
		dn -= 1000000000;
	}
	const char *sign = ds < 0 || dn < 0 ? "-" : "";
	uint64_t s = ds < 0 ? 0 - (uint64_t)ds : (uint64_t)ds;
	uint32_t us = (uint32_t)((dn < 0 ? -dn : dn) / 1000);
	int n = g_snprintf(buf, size, "%s%" PRIu64 ".%06" PRIu32, sign, s, us);
	if (n > TIME_CHARS)
		g_snprintf(buf, size, "%s%" PRIu64, sign, s);
}

/* "[P.] seq 1:501 ack 1 len 500": relative numbers when both initial
 * ones are known, else those of the header. */
static void
segment_label(GString *s, const dm_ladder_row *r)
{
	uint32_t seq = r->rel_known ? r->rel_seq : r->seq;
	uint32_t ack = r->rel_known ? r->rel_ack : r->ack;
	flags_text(s, r->flags);
	g_string_append_printf(s, " seq %" PRIu32, seq);
	if (r->len)
		g_string_append_printf(s, ":%" PRIu32, (uint32_t)(seq + r->len));
	if (r->flags & DM_TCP_ACK)
		g_string_append_printf(s, " ack %" PRIu32, ack);
	g_string_append_printf(s, " len %" PRIu32, r->len);
}

/* "frame 12 win 65535", and what was wrong with it. */
static void
segment_detail(GString *s, const dm_ladder_row *r)
{
	g_string_append_printf(s, "frame %" PRIu64 " win %u", r->frame, (unsigned)r->win);
	if (r->retransmission)
		g_string_append(s, " retransmission");
	if (r->csum == DM_CSUM_BAD)
		g_string_append(s, " bad checksum");
	if (r->dropped)
		g_string_append(s, " dropped");
}

/* The arrow from (@x1, @y1) to (@x2, @y2): a line and a filled head.  The
 * slant is slight (SLANT over LANE_W), so the head is drawn level. */
static void
arrow(GString *out, int x1, int y1, int x2, int y2, const char *colour, bool dashed)
{
	int bx = x2 > x1 ? x2 - 9 : x2 + 9;
	g_string_append_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
	                       "stroke-width=\"1.5\"%s/>\n", x1, y1, bx, y2, colour,
	                       dashed ? " stroke-dasharray=\"6 4\"" : "");
	g_string_append_printf(out, "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>\n",
	                       x2, y2, bx, y2 - 4, bx, y2 + 4, colour);
}

/* An end's state beside its lifeline, when it changed. */
static void
state_change(GString *out, dm_tcp_state now, dm_tcp_state *shown, bool end_a, int y)
{
	const char *name = dm_tcp_state_name(now);
	if (now == *shown)
		return;
	*shown = now;
	if (!name)
		return;
	text(out, end_a ? X_A + STATE_GAP : X_B - STATE_GAP, y + STATE_Y, end_a ? "start" : "end",
	     "state", " font-size=\"10\" font-weight=\"bold\" fill=\"" STATE "\"", name);
}

/* Each end's state before the first segment, when known, under its
 * heading. */
static void
initial_states(ladder_ctx *lc)
{
	const dm_ladder *l = lc->l;
	if (!dm_tcp_state_name(l->init_a) && !dm_tcp_state_name(l->init_b))
		return;
	int y = lc->y + 10 - STATE_Y;
	state_change(lc->body, l->init_a, &lc->shown_a, true, y);
	state_change(lc->body, l->init_b, &lc->shown_b, false, y);
	lc->y += 16;
}

/* One segment's band: its time, arrow, labels, the states it changed,
 * and the calls of its frame beside the lifelines. */
static void
draw_row(ladder_ctx *lc, const dm_ladder_row *r)
{
	GString *o = lc->body, *t = g_string_new(NULL);
	bool bad = r->csum == DM_CSUM_BAD;
	const char *colour = bad ? BAD : r->retransmission ? RETRANS : ARROW;
	char when[48];
	int y = lc->y;

	g_string_append_printf(o, "<g id=\"seg-%" PRIu64 "\" class=\"seg%s%s%s\">\n<title>",
	                       r->frame, r->retransmission ? " retransmission" : "",
	                       bad ? " bad-checksum" : "", r->dropped ? " dropped" : "");
	g_string_append_printf(o, "frame %" PRIu64 ": seq %" PRIu32 " ack %" PRIu32
	                       " as in the header</title>\n", r->frame, r->seq, r->ack);
	elapsed(when, sizeof when, lc, r);
	text(o, TIME_X, y + TIME_Y, "start", "time", " font-size=\"10\" fill=\"" GREY "\"", when);
	if (r->from_a)
		arrow(o, X_A, y + ARROW_Y, X_B, y + ARROW_Y + SLANT, colour, r->retransmission);
	else
		arrow(o, X_B, y + ARROW_Y, X_A, y + ARROW_Y + SLANT, colour, r->retransmission);
	segment_label(t, r);
	text(o, X_MID, y + LABEL_Y, "middle", "label", bad ? " fill=\"" BAD "\"" : " fill=\"" INK "\"",
	     t->str);
	g_string_truncate(t, 0);
	segment_detail(t, r);
	text(o, X_MID, y + DETAIL_Y, "middle", "detail",
	     bad ? " font-size=\"10\" fill=\"" BAD "\"" : " font-size=\"10\" fill=\"" GREY "\"", t->str);
	state_change(o, r->state_a, &lc->shown_a, true, y);
	state_change(o, r->state_b, &lc->shown_b, false, y);
	g_string_append(o, "</g>\n");
	g_string_free(t, TRUE);

	side_lines a, b;
	side_init(&a);
	side_init(&b);
	take_calls(lc->l->calls_a, &lc->at_a, TAKE_AT, r->frame, &a);
	take_calls(lc->l->calls_b, &lc->at_b, TAKE_AT, r->frame, &b);
	draw_calls(o, &a, X_A - CALL_GAP, true, y + TIME_Y);
	draw_calls(o, &b, X_B + CALL_GAP, false, y + TIME_Y);
	lc->y += MAX(ROW_H, calls_height(MAX(a.text->len, b.text->len), TIME_Y));
	side_clear(&a);
	side_clear(&b);
}

/* Each end's address:port and socket id above its lifeline. */
static void
heading(ladder_ctx *lc)
{
	const dm_ladder *l = lc->l;
	GString *t = g_string_new(NULL);
	for (int end = 0; end < 2; end++) {
		int x = end ? X_B : X_A;
		guint id = end ? l->b_socket : l->a_socket;
		g_string_truncate(t, 0);
		endpoint_text(t, l->family, end ? l->b : l->a, end ? l->b_port : l->a_port, false);
		text(lc->body, x, 18, "middle", "endpoint",
		     " font-size=\"12\" font-weight=\"bold\" fill=\"" INK "\"", t->str);
		g_string_truncate(t, 0);
		if (id)
			g_string_append_printf(t, "socket %u", id);
		else
			g_string_append(t, "no socket");
		text(lc->body, x, 36, "middle", "socket", " fill=\"" GREY "\"", t->str);
	}
	text(lc->body, TIME_X, 36, "start", "time-head", " font-size=\"10\" fill=\"" GREY "\"",
	     "time (s)");
	g_string_free(t, TRUE);
}

/* The lines below the last band: what was not drawn. */
static void
footer(ladder_ctx *lc)
{
	const dm_ladder *l = lc->l;
	char line[64];
	if (!l->rows || !l->rows->len) {
		lc->y += 8;
		text(lc->body, X_MID, lc->y + LABEL_Y, "middle", "footer", " fill=\"" GREY "\"",
		     "no segments kept");
		lc->y += FOOT_H;
	}
	if (l->rows_not_kept) {
		lc->y += 8;
		g_snprintf(line, sizeof line, "%" G_GUINT64_FORMAT " more segments not drawn",
		           (guint64)l->rows_not_kept);
		text(lc->body, X_MID, lc->y + LABEL_Y, "middle", "footer", " fill=\"" GREY "\"", line);
		lc->y += FOOT_H;
	}
}

/* The <svg> start tag, its title and white background. */
static void
svg_open(GString *out, const dm_ladder *l, int width, int height)
{
	g_string_append_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dm-ladder\" "
	                       "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	                       "font-family=\"monospace\" font-size=\"11\">\n<title>",
	                       width, height, width, height);
	if (l && l->found) {
		GString *t = g_string_new("TCP ");
		endpoint_text(t, l->family, l->a, l->a_port, false);
		g_string_append(t, " - ");
		endpoint_text(t, l->family, l->b, l->b_port, false);
		esc(out, t->str);
		g_string_free(t, TRUE);
	} else {
		g_string_append(out, "no such connection");
	}
	g_string_append_printf(out, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
	                       width, height);
}

void
dm_report_ladder_svg(GString *out, const dm_ladder *l, bool standalone)
{
	if (standalone)
		g_string_append(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (!l || !l->found) {
		svg_open(out, l, 400, 60);
		text(out, 200, 35, "middle", "footer", " font-size=\"14\" fill=\"" GREY "\"",
		     "no such connection");
		g_string_append(out, "</svg>\n");
		return;
	}
	ladder_ctx lc = { .body = g_string_new(NULL), .l = l, .y = HEAD_H };
	guint n = l->rows ? l->rows->len : 0;
	if (n) {
		const dm_ladder_row *first = &g_array_index(l->rows, dm_ladder_row, 0);
		lc.sec0 = first->sec;
		lc.nsec0 = first->nsec;
	}
	heading(&lc);
	initial_states(&lc);
	for (guint i = 0; i < n; i++) {
		const dm_ladder_row *r = &g_array_index(l->rows, dm_ladder_row, i);
		calls_band(&lc, TAKE_BEFORE, r->frame);
		draw_row(&lc, r);
	}
	calls_band(&lc, TAKE_ALL, 0);
	int bottom = lc.y + 8;
	lc.y = bottom;
	footer(&lc);
	int height = lc.y + 10;

	svg_open(out, l, WIDTH, height);
	for (int end = 0; end < 2; end++)
		g_string_append_printf(out, "<line class=\"lifeline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		                       "y2=\"%d\" stroke=\"" LIFELINE "\" stroke-width=\"2\"/>\n",
		                       end ? X_B : X_A, HEAD_H - 8, end ? X_B : X_A, bottom);
	g_string_append_len(out, lc.body->str, (gssize)lc.body->len);
	g_string_append(out, "</svg>\n");
	g_string_free(lc.body, TRUE);
}
