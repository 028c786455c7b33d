/* sockets-ss.c - a real socket table as declared sockets: the output of
 * `ss -tuanp` (also -tuanpH, -tulnp, with or without -e) taken on the
 * capturing host, turned into the key-file text sockets-file.c reads.
 *
 * Each row is Netid State Recv-Q Send-Q Local Peer [Process...]:
 *   udp UNCONN          a bound socket          udp = LOCAL
 *   udp ESTAB           a connected one         udp-connected = LOCAL>PEER
 *   tcp LISTEN          a listener; Send-Q is   tcp = LOCAL[/BACKLOG]
 *                       its backlog (written when not the default 4096)
 *   tcp ESTAB, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, LAST-ACK, CLOSING
 *                       a connection that exists before the capture
 *                                               tcp-established = LOCAL>PEER
 *   tcp TIME-WAIT, SYN-SENT, SYN-RECV, UNCONN (bound, not listening)
 *                       skipped: no socket of the table receives for
 *                       them; counted and listed in comments
 * Several LISTEN or UNCONN rows on one endpoint are several sockets (one
 * socket shared by processes is one row): a reuseport group, each entry
 * flagged "reuseport".  Rows on one port whose addresses overlap (a
 * specific address beside a wildcard, IPv4 beside a dual-stack [::]) are
 * flagged as what let the kernel bind them (ss shows neither option):
 * "reuseaddr" for UDP, "reuseport" for TCP listeners (SO_REUSEADDR does
 * not count against a listener).  Such entries on different endpoints
 * are not one group: the exact address still wins over the wildcard.
 *
 * Addresses as ss prints them: 0.0.0.0 the IPv4 wildcard; "*" the IPv6
 * wildcard taking IPv4 too (ss writes [::] when the socket is v6only);
 * [::ffff:a.b.c.d] an IPv6 socket on an IPv4 address, the IPv4 address on
 * the wire; old ss's ":::PORT" the IPv6 wildcard, v6only unknown (no
 * flag).  A "v6only:0" / "v6only:1" field (ss -e) decides.  A "%iface"
 * scope (127.0.0.53%lo:53) is dropped: device binding is not modelled.
 *
 * The host's addresses are the --host-address ones and every address a
 * row is bound to; one address gives the group [ADDR], several the group
 * [ss] with "addresses = A, B".
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>

#include "demuxsim/demux.h"

#define SS_DEFAULT_BACKLOG 4096u

typedef enum { EP_SPECIFIC, EP_ANY4, EP_ANY6 } ep_kind;

typedef struct {
	ep_kind kind;
	int family;        /* of the address on the wire */
	uint8_t addr[16];
	uint16_t port;     /* 0: "*" */
} ss_ep;

typedef enum { R_BOUND, R_LISTEN, R_CONNECTED, R_SKIP } row_kind;

typedef struct {
	guint line;
	uint8_t proto;
	row_kind kind;
	const char *state;  /* static */
	unsigned backlog;
	ss_ep local, peer;
	int v6only;         /* -1 unknown, 0, 1 */
	char *text;         /* the row, for comments */
} ss_row;

static const char *const tcp_connected_states[] = {
	"ESTAB", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "LAST-ACK", "CLOSING", NULL,
};
static const char *const tcp_skipped_states[] = {
	"TIME-WAIT", "SYN-SENT", "SYN-RECV", "UNCONN", NULL,
};

static const char *
find_word(const char *const *list, const char *w)
{
	for (; *list; list++)
		if (strcmp(*list, w) == 0)
			return *list;
	return NULL;
}

static bool
parse_port(const char *text, uint16_t *port)
{
	guint64 v;
	if (strcmp(text, "*") == 0) {
		*port = 0;
		return true;
	}
	if (!g_ascii_string_to_unsigned(text, 10, 1, 65535, &v, NULL))
		return false;
	*port = (uint16_t)v;
	return true;
}

/* An address (no port): "*", "0.0.0.0", "a.b.c.d", "[v6]", or old ss's
 * bare "::" / "v6". */
static bool
parse_ss_addr(const char *a, ss_ep *ep, int *v6only)
{
	static const uint8_t zero[16];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	memset(ep->addr, 0, 16);
	if (strcmp(a, "*") == 0) {
		ep->kind = EP_ANY6, ep->family = 6, *v6only = 0;
		return true;
	}
	if (inet_pton(AF_INET, a, ep->addr) == 1) {
		ep->family = 4;
		ep->kind = memcmp(ep->addr, zero, 4) == 0 ? EP_ANY4 : EP_SPECIFIC;
		return true;
	}
	bool bracketed = a[0] == '[';
	size_t n = strlen(a);
	if (bracketed && (n < 3 || a[n - 1] != ']'))
		return false;
	char *in = bracketed ? g_strndup(a + 1, n - 2) : g_strdup(a);
	bool ok = inet_pton(AF_INET6, in, ep->addr) == 1;
	g_free(in);
	if (!ok)
		return false;
	ep->family = 6;
	if (memcmp(ep->addr, mapped, 12) == 0) {
		/* An IPv6 socket on an IPv4 address: IPv4 on the wire. */
		memmove(ep->addr, ep->addr + 12, 4);
		memset(ep->addr + 4, 0, 12);
		ep->family = 4;
		ep->kind = memcmp(ep->addr, zero, 4) == 0 ? EP_ANY4 : EP_SPECIFIC;
	} else if (memcmp(ep->addr, zero, 16) == 0) {
		ep->kind = EP_ANY6;
		*v6only = bracketed ? 1 : -1;   /* old ss: ":::PORT", unknown */
	} else {
		ep->kind = EP_SPECIFIC;
	}
	return true;
}

/* "ADDR[%iface]:PORT" as ss prints it. */
static bool
parse_endpoint(const char *tok, ss_ep *ep, int *v6only)
{
	const char *colon = strrchr(tok, ':');
	if (!colon || colon == tok || !parse_port(colon + 1, &ep->port))
		return false;
	char *a = g_strndup(tok, (gsize)(colon - tok));
	char *pct = strchr(a, '%');
	if (pct) {
		/* The scope follows the address, after the ']' of an IPv6 one. */
		char *close = strchr(pct, ']');
		if (close)
			memmove(pct, close, strlen(close) + 1);
		else
			*pct = '\0';
	}
	bool ok = parse_ss_addr(a, ep, v6only);
	g_free(a);
	return ok;
}

static void set_line_error(GError **error, const char *name, guint line, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

static void
set_line_error(GError **error, const char *name, guint line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, DM_DEMUX_ERROR, 0, "%s:%u: %s", name, line, what);
	g_free(what);
}

/* The kind of row @proto/@state, or false for a state ss does not print. */
static bool
row_kind_of(ss_row *r, const char *state)
{
	if (r->proto == 17) {
		r->kind = strcmp(state, "UNCONN") == 0 ? R_BOUND
		        : strcmp(state, "ESTAB") == 0 ? R_CONNECTED : R_SKIP;
		r->state = r->kind == R_BOUND ? "UNCONN" : "ESTAB";
		return r->kind != R_SKIP;
	}
	if (strcmp(state, "LISTEN") == 0) {
		r->kind = R_LISTEN, r->state = "LISTEN";
	} else if ((r->state = find_word(tcp_connected_states, state))) {
		r->kind = R_CONNECTED;
	} else if ((r->state = find_word(tcp_skipped_states, state))) {
		r->kind = R_SKIP;
	} else {
		return false;
	}
	return true;
}

/* One row of the table into @r.  Returns false with @error set. */
static bool
parse_row(gchar **tok, guint ntok, const char *name, guint line, ss_row *r, GError **error)
{
	if (ntok < 6) {
		set_line_error(error, name, line, "%s", "not an ss row (Netid State Recv-Q "
		               "Send-Q Local Peer [Process]; take the table with ss -tuanp)");
		return false;
	}
	if (strcmp(tok[0], "tcp") == 0)
		r->proto = 6;
	else if (strcmp(tok[0], "udp") == 0)
		r->proto = 17;
	else {
		set_line_error(error, name, line, "netid '%s' is not tcp or udp (take the table "
		               "with ss -tuanp: both -t and -u, so that each row names it)", tok[0]);
		return false;
	}
	if (!row_kind_of(r, tok[1])) {
		set_line_error(error, name, line, "'%s' is not a socket state of that netid", tok[1]);
		return false;
	}
	guint64 sendq;
	if (!g_ascii_string_to_unsigned(tok[2], 10, 0, G_MAXUINT32, &sendq, NULL) ||
	    !g_ascii_string_to_unsigned(tok[3], 10, 0, G_MAXUINT32, &sendq, NULL)) {
		set_line_error(error, name, line, "%s", "Recv-Q and Send-Q are not counts");
		return false;
	}
	r->backlog = (unsigned)sendq;
	int peer_v6only = -1;
	r->v6only = -1;
	if (!parse_endpoint(tok[4], &r->local, &r->v6only)) {
		set_line_error(error, name, line, "'%s' is not a local ADDR:PORT", tok[4]);
		return false;
	}
	if (!parse_endpoint(tok[5], &r->peer, &peer_v6only)) {
		set_line_error(error, name, line, "'%s' is not a peer ADDR:PORT", tok[5]);
		return false;
	}
	for (guint i = 6; i < ntok; i++)   /* ss -e */
		if (strcmp(tok[i], "v6only:1") == 0 || strcmp(tok[i], "v6only:0") == 0)
			r->v6only = tok[i][7] == '1';
	if (r->kind != R_CONNECTED && r->local.port == 0)
		r->kind = R_SKIP;   /* not bound to a port: receives nothing */
	if (r->kind == R_SKIP)
		return true;
	if (r->kind == R_CONNECTED &&
	    (r->local.kind != EP_SPECIFIC || r->local.port == 0 || r->peer.kind != EP_SPECIFIC ||
	     r->peer.port == 0 || r->local.family != r->peer.family)) {
		set_line_error(error, name, line, "%s: a connected socket names both of its "
		               "addresses and ports", r->state);
		return false;
	}
	return true;
}

/* --- The host and its sockets ------------------------------------------ */

static bool
same_addr(const ss_ep *a, const ss_ep *b)
{
	return a->kind == b->kind && a->family == b->family && memcmp(a->addr, b->addr, 16) == 0;
}

static void
add_addr(GArray *addrs, const ss_ep *ep)
{
	for (guint i = 0; i < addrs->len; i++)
		if (same_addr(&g_array_index(addrs, ss_ep, i), ep))
			return;
	g_array_append_vals(addrs, ep, 1);
}

/* Whether @a and @b are sockets on one endpoint (a reuseport group). */
static bool
same_endpoint(const ss_row *a, const ss_row *b)
{
	return a->proto == b->proto && a->kind == b->kind && a->kind != R_CONNECTED &&
	       same_addr(&a->local, &b->local) && a->local.port == b->local.port &&
	       (a->local.kind != EP_ANY6 || (a->v6only == 1) == (b->v6only == 1));
}

/* Whether @a's address covers some of @b's (another address, one port):
 * the kernel binds both only with SO_REUSEADDR (UDP) or SO_REUSEPORT
 * (listeners), which ss does not show. */
static bool
covers(const ss_row *a, const ss_row *b)
{
	if (a->local.kind == EP_ANY4)
		return b->local.family == 4;
	if (a->local.kind == EP_ANY6)
		return b->local.family == 6 || a->v6only != 1;
	return false;
}

static bool
overlaps(const ss_row *a, const ss_row *b)
{
	return a->proto == b->proto && a->kind == b->kind && a->kind != R_CONNECTED &&
	       a->local.port == b->local.port && !same_endpoint(a, b) &&
	       (covers(a, b) || covers(b, a));
}

static void
put_addr(GString *s, const ss_ep *ep)
{
	char buf[INET6_ADDRSTRLEN];
	if (ep->kind == EP_ANY4)
		g_string_append(s, "0.0.0.0");
	else if (ep->kind == EP_ANY6)
		g_string_append(s, "[::]");
	else if (ep->family == 4)
		g_string_append(s, inet_ntop(AF_INET, ep->addr, buf, sizeof buf));
	else
		g_string_append_printf(s, "[%s]", inet_ntop(AF_INET6, ep->addr, buf, sizeof buf));
}

static void
put_ep(GString *s, const ss_ep *ep)
{
	put_addr(s, ep);
	g_string_append_printf(s, ":%u", ep->port);
}

/* The entry of row @i for its key. */
static void
put_entry(GString *s, const GPtrArray *rows, guint i, bool one_address)
{
	const ss_row *r = g_ptr_array_index(rows, i);
	if (r->kind == R_CONNECTED) {
		if (one_address)
			g_string_append_printf(s, "%u", r->local.port);
		else
			put_ep(s, &r->local);
		g_string_append_c(s, '>');
		put_ep(s, &r->peer);
		return;
	}
	put_ep(s, &r->local);
	if (r->kind == R_LISTEN && r->backlog != SS_DEFAULT_BACKLOG)
		g_string_append_printf(s, "/%u", r->backlog);
	bool group = false, beside = false;
	for (guint j = 0; j < rows->len; j++) {
		const ss_row *o = g_ptr_array_index(rows, j);
		group = group || (j != i && same_endpoint(r, o));
		beside = beside || overlaps(r, o);
	}
	/* Overlapping listeners: Linux's inet_csk_bind_conflict() lets them
	 * be only with SO_REUSEPORT on both (SO_REUSEADDR does not count
	 * against a listener); UDP sockets need SO_REUSEADDR. */
	bool listener = r->proto == 6 && r->kind == R_LISTEN;
	if (group || (beside && listener))
		g_string_append(s, " reuseport");
	if (beside && !listener)
		g_string_append(s, " reuseaddr");
	if (r->local.kind == EP_ANY6 && r->v6only == 1)
		g_string_append(s, " v6only");
}

/* The line "KEY = ENTRY;ENTRY..." of the rows of @proto and @kind, if any. */
static void
put_key(GString *s, const char *key, const GPtrArray *rows, uint8_t proto, row_kind kind,
        bool one_address)
{
	bool first = true;
	for (guint i = 0; i < rows->len; i++) {
		const ss_row *r = g_ptr_array_index(rows, i);
		if (r->proto != proto || r->kind != kind)
			continue;
		g_string_append(s, first ? key : ";");
		if (first)
			g_string_append(s, " = ");
		first = false;
		put_entry(s, rows, i, one_address);
	}
	if (!first)
		g_string_append_c(s, '\n');
}

static char *
write_keyfile(const char *name, const GPtrArray *rows, const GArray *addrs)
{
	GString *s = g_string_new(NULL);
	guint skipped = 0;
	for (guint i = 0; i < rows->len; i++)
		skipped += ((const ss_row *)g_ptr_array_index(rows, i))->kind == R_SKIP;
	g_string_append_printf(s, "# Declared sockets from the ss table %s (demuxsim "
	                       "--sockets-from-ss):\n# %u sockets; rows skipped: %u\n",
	                       name, rows->len - skipped, skipped);
	bool one = addrs->len == 1;
	if (one) {
		g_string_append_c(s, '[');
		const ss_ep *a = &g_array_index(addrs, ss_ep, 0);
		if (a->family == 6) {
			char buf[INET6_ADDRSTRLEN];
			g_string_append(s, inet_ntop(AF_INET6, a->addr, buf, sizeof buf));
		} else {
			put_addr(s, a);
		}
		g_string_append(s, "]\n");
	} else {
		g_string_append(s, "[ss]\naddresses = ");
		for (guint i = 0; i < addrs->len; i++) {
			if (i)
				g_string_append(s, ", ");
			const ss_ep *a = &g_array_index(addrs, ss_ep, i);
			char buf[INET6_ADDRSTRLEN];
			g_string_append(s, inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->addr,
			                             buf, sizeof buf));
		}
		g_string_append_c(s, '\n');
	}
	put_key(s, "udp", rows, 17, R_BOUND, one);
	put_key(s, "tcp", rows, 6, R_LISTEN, one);
	put_key(s, "udp-connected", rows, 17, R_CONNECTED, one);
	put_key(s, "tcp-established", rows, 6, R_CONNECTED, one);
	for (guint i = 0; i < rows->len; i++) {
		const ss_row *r = g_ptr_array_index(rows, i);
		if (r->kind == R_SKIP)
			g_string_append_printf(s, "# skipped, line %u (%s %s: no socket that "
			                       "receives): %s\n", r->line, r->proto == 6 ? "tcp" : "udp",
			                       r->state, r->text);
	}
	return g_string_free(s, FALSE);
}

static void
row_free(gpointer p)
{
	ss_row *r = p;
	g_free(r->text);
	g_free(r);
}

/* The rows of @text into @rows, the addresses they are bound to into
 * @addrs.  Returns false with @error set at the first bad line. */
static bool
read_rows(const char *text, const char *name, GPtrArray *rows, GArray *addrs, GError **error)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	bool ok = true, header = true;   /* a header may come before any row */
	for (guint n = 0; ok && lines[n]; n++) {
		gchar **tok = g_strsplit_set(g_strstrip(lines[n]), " \t", -1);
		GPtrArray *words = g_ptr_array_new();
		for (gchar **t = tok; *t; t++)
			if (**t)
				g_ptr_array_add(words, *t);
		guint nw = words->len;
		g_ptr_array_add(words, NULL);
		gchar **w = (gchar **)words->pdata;
		if (nw == 0 || (header && strcmp(w[0], "Netid") == 0)) {
			header = nw == 0 && header;   /* a blank line, the header */
		} else if (strcmp(w[0], "State") == 0 || strcmp(w[0], "Netid") == 0) {
			set_line_error(error, name, n + 1, "%s", "a header without (or not at the "
			               "start of) a Netid column: take the table with ss -tuanp");
			ok = false;
		} else {
			header = false;
			ss_row *r = g_new0(ss_row, 1);
			r->line = n + 1;
			ok = parse_row(w, nw, name, n + 1, r, error);
			r->text = g_strjoinv(" ", w);
			g_ptr_array_add(rows, r);
			if (ok && r->kind != R_SKIP && r->local.kind == EP_SPECIFIC)
				add_addr(addrs, &r->local);
		}
		g_ptr_array_free(words, TRUE);
		g_strfreev(tok);
	}
	g_strfreev(lines);
	return ok;
}

char *
dm_sockets_from_ss(const char *text, const char *name, const char *const *host_addrs,
                   GError **error)
{
	GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
	GArray *addrs = g_array_new(FALSE, TRUE, sizeof(ss_ep));
	char *out = NULL;
	bool ok = true;
	for (const char *const *a = host_addrs; ok && a && *a; a++) {
		ss_ep ep = { 0 };
		int v6only;
		ok = parse_ss_addr(*a, &ep, &v6only) && ep.kind == EP_SPECIFIC;
		if (ok)
			add_addr(addrs, &ep);
		else
			g_set_error(error, DM_DEMUX_ERROR, 0, "--host-address: '%s' is not a host's "
			            "IPv4 or IPv6 address", *a);
	}
	if (ok && read_rows(text, name, rows, addrs, error)) {
		if (addrs->len == 0)
			g_set_error(error, DM_DEMUX_ERROR, 0, "%s: no socket is bound to one of the "
			            "host's addresses: name them with --host-address", name);
		else
			out = write_keyfile(name, rows, addrs);
	}
	g_array_unref(addrs);
	g_ptr_array_unref(rows);
	return out;
}
