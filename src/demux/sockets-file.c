/* sockets-file.c - declared mode: the bound sockets of each host, read
 * from a GLib key file.  One group per host address, or per named host
 * of several addresses; in it:
 *
 *   addresses = 192.0.2.2, 2001:db8::2
 *                              a named group's host's addresses (',' or
 *                              ';' between them), the first the one it
 *                              is known by
 *   udp = 53;0.0.0.0:5353      UDP sockets: PORT (bound to the host's
 *                              address) or ADDR:PORT, where ADDR is the
 *                              host's address or the wildcard (0.0.0.0,
 *                              ::, or *)
 *   tcp = 80;*:22              TCP listeners, the same way
 *   tcp = 80/128;[::]:443/511  a listener's backlog (listen()'s; default
 *                              net.core.somaxconn)
 *   udp-connected = 4000>10.0.0.1:5000
 *                              UDP sockets connected to a peer
 *   tcp-established = 22>10.0.0.1:50000;192.0.2.2:443>10.0.0.1:4000
 *                              TCP connections that exist before the
 *                              capture: LPORT or ADDR:PORT (the host's
 *                              address) > PEER:PORT, each its own socket,
 *                              ESTABLISHED, under the host's listener on
 *                              its port if one is declared
 *
 * The text may also come from memory (dm_declare_from_data), as
 * --sockets-from-ss makes it.
 *
 * IPv6 endpoints are written [ADDR]:PORT.  An entry may end with *N (a
 * SO_REUSEPORT group of N sockets) and the flags reuseport, reuseaddr
 * and v6only (sockets-entry.c).  Entries that bind() would refuse are an
 * error naming both (EADDRINUSE): two sockets on one endpoint unless
 * both are reuseport (one group); a specific address beside a wildcard
 * that covers it (an IPv6 wildcard covers IPv4 unless v6only) unless
 * both are reuseport, or, UDP, both reuseaddr, as Linux's
 * inet_csk_bind_conflict and udp_lib_lport_inuse decide.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "demux-int.h"
#include "demux-backlog-int.h"
#include "demux-table-int.h"
#include "demux-declare-int.h"
#include "demux-lists-int.h"
#include "sockets-entry-int.h"

/* The errors of the demux stage are those of a sockets file. */
G_DEFINE_QUARK(dm-demux-error-quark, dm_demux_error)

/* A "udp" or "tcp" entry read, awaiting the checks between entries. */
typedef struct {
	dm_entry e;
	uint8_t proto;
	dm_host *h;
	char *where;       /* "[group] key: 'entry'" */
	guint order;       /* its place in the file */
	bool connected;    /* udp-connected: e.family, e.port and these */
	bool established;  /* tcp-established: e's address and port, these */
	uint8_t peer[16];
	uint16_t pport;
} decl;

static void
decl_clear(gpointer p)
{
	g_free(((decl *)p)->where);
}

/* The line (from 1) of key @key in group [@group] of key-file text
 * @text (the last, whose value GKeyFile keeps), or 0: GKeyFile does not
 * keep them. */
static guint
key_line(const char *text, const char *group, const char *key)
{
	size_t glen = strlen(group), klen = strlen(key);
	bool in = false;
	guint n = 1, found = 0;
	for (const char *l = text; l && *l; n++) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '[')
			in = strncmp(l + 1, group, glen) == 0 && l[1 + glen] == ']';
		else if (in && strncmp(l, key, klen) == 0 && strspn(l + klen, " \t") + l + klen ==
		         strchr(l + klen, '='))
			found = n;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return found;
}

/* "LOCAL>PEER:PORT" of tcp-established on host @h, LOCAL being LPORT or
 * one of the host's ADDR:PORT (not the wildcard: a connection has one
 * local address) into @d. */
static bool
parse_established(const char *text, const dm_host *h, bool named, decl *d, char **why)
{
	const char *gt = strchr(text, '>');
	if (!gt)
		return false;
	char *l = g_strndup(text, (gsize)(gt - text));
	bool ok = dm_entry_parse(l, h, named, &d->e, why) && !d->e.wildcard &&
	          d->e.copies == 1 && !d->e.backlog && !d->e.reuseport && !d->e.reuseaddr &&
	          !d->e.v6only;
	g_free(l);
	return ok && dm_entry_parse_peer(gt + 1, d->e.family, d->peer, &d->pport);
}

static bool
read_list(dm_tables *t, GKeyFile *kf, const char *kf_text, const char *group,
          const char *key, bool named, dm_host *h, GArray *decls, GError **error)
{
	gsize n = 0;
	gchar **items = g_key_file_get_string_list(kf, group, key, &n, NULL);
	bool ok = true;
	uint8_t proto = strncmp(key, "tcp", 3) == 0 ? 6 : 17;

	for (gsize i = 0; ok && i < n; i++) {
		char *item = g_strstrip(items[i]);
		decl d = { .proto = proto, .h = h, .order = decls->len };
		char *why = NULL;
		if (strcmp(key, "udp-connected") == 0) {
			/* A 4-tuple: no bind() conflict is checked for it. */
			d.connected = true;
			ok = dm_entry_parse_connected(item, h, named, &d.e.family, &d.e.port,
			                              d.peer, &d.pport);
		} else if (strcmp(key, "tcp-established") == 0) {
			d.established = true;
			ok = parse_established(item, h, named, &d, &why);
		} else {
			ok = dm_entry_parse(item, h, named, &d.e, &why);
			if (ok && d.e.backlog && proto != 6) {
				why = g_strdup("a backlog (/BACKLOG) is for TCP listeners only");
				ok = false;
			}
		}
		if (!ok && d.established && !why) {
			g_set_error(error, DM_DEMUX_ERROR, 0, "[%s] %s: '%s' is not a valid "
			            "connection (LPORT>PEER:PORT)", group, key, item);
			break;
		}
		if (!ok) {
			g_set_error(error, DM_DEMUX_ERROR, 0, "[%s] %s: '%s' is not a valid socket%s%s",
			            group, key, item, why ? ": " : "", why ? why : "");
			g_free(why);
			ok = false;
			break;
		}
		guint line = kf_text ? key_line(kf_text, group, key) : 0;
		d.where = line ? g_strdup_printf("line %u [%s] %s: '%s'", line, group, key, item)
		               : g_strdup_printf("[%s] %s: '%s'", group, key, item);
		g_array_append_val(decls, d);
	}
	g_strfreev(items);
	return ok;
}

/* By host, protocol and port, then file order. */
static gint
decl_order(gconstpointer a, gconstpointer b)
{
	const decl *x = *(const decl *const *)a, *y = *(const decl *const *)b;
	if (x->h != y->h)
		return x->h->hslot < y->h->hslot ? -1 : 1;
	if (x->proto != y->proto || x->e.port != y->e.port)
		return x->proto != y->proto ? x->proto - y->proto : x->e.port - y->e.port;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* What bind() says of @b beside @a (of one host, protocol and port):
 * NULL when both can be, else why not. */
static const char *
bind_conflict(const decl *a, const decl *b)
{
	if (!dm_entry_overlap(&a->e, &b->e))
		return NULL;
	bool same = dm_entry_same_endpoint(&a->e, &b->e);
	if (a->e.reuseport && b->e.reuseport) {
		if (same && a->e.v6only != b->e.v6only)
			return "one reuseport group cannot mix v6only and dual-stack sockets";
		return NULL;
	}
	if (a->proto == 17 && a->e.reuseaddr && b->e.reuseaddr) {
		if (!same)
			return NULL;
		return "two UDP sockets on one endpoint with reuseaddr only: which one "
		       "receives is not modelled; declare them reuseport (a group)";
	}
	if (same)
		return "bind() fails with EADDRINUSE: the same endpoint twice "
		       "(declare both reuseport for a SO_REUSEPORT group)";
	return a->proto == 17 ?
		"bind() fails with EADDRINUSE: a wildcard covers the other address "
		"(flag both reuseaddr, or both reuseport)" :
		"bind() fails with EADDRINUSE: a wildcard covers the other address "
		"(listeners need reuseport on both)";
}

static bool
check_conflicts(GArray *decls, GError **error)
{
	guint n = decls->len;
	const decl **v = g_new(const decl *, n + 1);
	guint m = 0;
	for (guint i = 0; i < decls->len; i++) {
		const decl *d = &g_array_index(decls, decl, i);
		if (!d->connected && !d->established)
			v[m++] = d;
	}
	n = m;
	qsort(v, n, sizeof *v, decl_order);
	bool ok = true;
	for (guint i = 0; ok && i < n; i++) {
		for (guint j = i + 1; ok && j < n; j++) {
			if (v[j]->h != v[i]->h || v[j]->proto != v[i]->proto ||
			    v[j]->e.port != v[i]->e.port)
				break;
			const char *why = bind_conflict(v[i], v[j]);
			if (why) {
				g_set_error(error, DM_DEMUX_ERROR, 0, "%s and %s: %s",
				            v[i]->where, v[j]->where, why);
				ok = false;
			}
		}
	}
	g_free(v);
	return ok;
}

/* A connection that exists before the capture: its own socket,
 * ESTABLISHED and never expired; its parent the host's listener on its
 * local port (declared before it), exact address first. */
static void
declare_established(dm_tables *t, const decl *d)
{
	dm_host *h = d->h;
	uint8_t buf[16];
	dm_key k, lk;
	dm_key_make(&k, h->zone, 6, d->e.family, d->e.addr, d->e.port, d->peer, d->pport);
	if (dm_tables_find(t, &k))
		return;
	dm_socket *s = dm_tables_add(t, h, &k, DM_KIND_CONNECTION, DM_TCP_ESTABLISHED);
	s->declared = true;
	dm_key_make(&lk, h->zone, 6, d->e.family, d->e.addr, d->e.port, NULL, 0);
	dm_socket *l = dm_tables_find(t, &lk);
	if (!l) {
		dm_key_wildcard(&lk, h->zone, 6, d->e.family,
		                dm_host_key_addr(h, d->e.family, buf), d->e.port);
		l = dm_tables_find(t, &lk);
	}
	s->parent = l;
	dm_lists_place(t, s);  /* declared: never expired nor evicted */
}

/* The sockets of @d: one, or its members of a SO_REUSEPORT group
 * (numbered on from those declared on the endpoint before). */
static void
declare_entry(dm_tables *t, const decl *d)
{
	dm_host *h = d->h;
	uint8_t buf[16];
	dm_key k;
	if (d->established)
		return;  /* after every listener: declare_established() */
	if (d->connected) {
		dm_key_make(&k, h->zone, 17, d->e.family, dm_host_key_addr(h, d->e.family, buf),
		            d->e.port, d->peer, d->pport);
		if (!dm_tables_find(t, &k)) {
			dm_socket *s = dm_tables_add(t, h, &k, DM_KIND_CONNECTION, DM_TCP_NONE);
			s->declared = true;
			dm_lists_place(t, s);  /* declared: never expired nor evicted */
		}
		return;
	}
	if (d->e.wildcard)
		dm_key_wildcard(&k, h->zone, d->proto, d->e.family,
		                dm_host_key_addr(h, d->e.family, buf), d->e.port);
	else
		dm_key_make(&k, h->zone, d->proto, d->e.family, d->e.addr, d->e.port, NULL, 0);
	if (d->e.reuseport && !t->groups)
		t->groups = g_hash_table_new_full(dm_key_hash, dm_key_equal, g_free, NULL);
	for (unsigned c = 0; c < d->e.copies; c++) {
		dm_key mk = k;
		guint member = 0;
		if (d->e.reuseport) {
			member = GPOINTER_TO_UINT(g_hash_table_lookup(t->groups, &k));
			if (member > UINT16_MAX)
				break;  /* the key's port field numbers them */
			mk.rport = (uint16_t)member;
			g_hash_table_replace(t->groups, g_memdup2(&k, sizeof k),
			                     GUINT_TO_POINTER(member + 1));
		} else if (dm_tables_find(t, &k)) {
			continue;
		}
		dm_sock_kind kind = d->proto == 6 ? DM_KIND_LISTEN : DM_KIND_BOUND;
		dm_socket *s = dm_tables_add(t, h, &mk, kind,
		                             d->proto == 6 ? DM_TCP_LISTEN : DM_TCP_NONE);
		s->declared = true;
		s->grouped = d->e.reuseport;
		s->v6only = d->e.v6only;
		s->wildcard = d->e.wildcard;
		if (d->e.backlog)
			dm_backlog_declare(t, s, d->e.backlog);
		dm_lists_place(t, s);  /* declared: never expired nor evicted */
	}
}

/* The host of a named group: its "addresses", the first its own. */
static dm_host *
named_host(dm_tables *t, GKeyFile *kf, const char *group, GError **error)
{
	gchar *list = g_key_file_get_value(kf, group, "addresses", NULL);
	if (!list) {
		g_set_error(error, DM_DEMUX_ERROR, 0,
		            "group [%s] is not a host address, and has no 'addresses' "
		            "(a named host lists them: addresses = 192.0.2.2, 2001:db8::2)", group);
		return NULL;
	}
	gchar **addrs = g_strsplit_set(list, ",;", -1);
	dm_host *h = NULL;
	for (gchar **a = addrs; *a; a++) {
		static const uint8_t zero[16];
		uint8_t addr[16] = { 0 };
		char *text = g_strstrip(*a);
		int fam = inet_pton(AF_INET, text, addr) == 1 ? 4
		        : inet_pton(AF_INET6, text, addr) == 1 ? 6 : 0;
		if (*text == '\0' && a[1] == NULL && h)
			break;  /* a trailing separator */
		dm_host *o = fam ? dm_tables_host(t, DM_ZONE_NONE, (uint8_t)fam, addr, false) : NULL;
		const char *why = !fam ? "is not an address"
		                : memcmp(addr, zero, 16) == 0 ? "is the wildcard, not a host's address"
		                : o && o != h ? "is already another host's" : NULL;
		if (why) {
			g_set_error(error, DM_DEMUX_ERROR, 0, "[%s] addresses: '%s' %s", group, text, why);
			h = NULL;
			break;
		}
		if (!h)
			h = dm_tables_host(t, DM_ZONE_NONE, (uint8_t)fam, addr, true);
		else
			dm_tables_host_alias(t, h, (uint8_t)fam, addr);
	}
	g_strfreev(addrs);
	g_free(list);
	if (h)
		dm_tables_host_name(t, h, group);
	return h;
}

/* The host of group @group: a host address, or a name with addresses. */
static dm_host *
group_host(dm_tables *t, GKeyFile *kf, const char *group, bool *named, GError **error)
{
	static const uint8_t zero[16];
	uint8_t addr[16] = { 0 };
	int family = inet_pton(AF_INET, group, addr) == 1 ? 4
	           : inet_pton(AF_INET6, group, addr) == 1 ? 6 : 0;
	*named = family == 0;
	if (*named)
		return named_host(t, kf, group, error);
	if (memcmp(addr, zero, 16) == 0) {
		/* Wildcard sockets are per host (ADDR "*" in its group); a
		 * group for 0.0.0.0 / :: would declare sockets that no datagram
		 * or SYN ever reaches. */
		g_set_error(error, DM_DEMUX_ERROR, 0,
		            "group [%s] is the wildcard address, not a host "
		            "(declare wildcard sockets in each host's group, "
		            "e.g. udp = *:53)", group);
		return NULL;
	}
	dm_host *h = dm_tables_host(t, DM_ZONE_NONE, (uint8_t)family, addr, false);
	if (h && dm_host_name(h)) {
		g_set_error(error, DM_DEMUX_ERROR, 0, "group [%s]: the address is already "
		            "one of host [%s]'s", group, dm_host_name(h));
		return NULL;
	}
	if (g_key_file_has_key(kf, group, "addresses", NULL)) {
		g_set_error(error, DM_DEMUX_ERROR, 0, "[%s] addresses: only a named host "
		            "lists addresses (e.g. [web1])", group);
		return NULL;
	}
	return h ? h : dm_tables_host(t, DM_ZONE_NONE, (uint8_t)family, addr, true);
}

static bool
read_group(dm_tables *t, GKeyFile *kf, const char *kf_text, const char *group, GArray *decls,
           GError **error)
{
	bool named, ok = true;
	dm_host *h = group_host(t, kf, group, &named, error);
	if (!h)
		return false;
	gchar **keys = g_key_file_get_keys(kf, group, NULL, NULL);
	for (gchar **k = keys; ok && k && *k; k++) {
		bool again = false;  /* a key given twice: its last value, once */
		for (gchar **j = keys; j < k && !again; j++)
			again = strcmp(*j, *k) == 0;
		if (again || (named && strcmp(*k, "addresses") == 0))
			continue;
		if (strcmp(*k, "udp") && strcmp(*k, "tcp") && strcmp(*k, "udp-connected") &&
		    strcmp(*k, "tcp-established")) {
			g_set_error(error, DM_DEMUX_ERROR, 0, "[%s] unknown key '%s' (%sudp, tcp, "
			            "udp-connected, tcp-established)", group, *k,
			            named ? "addresses, " : "");
			ok = false;
		} else {
			ok = read_list(t, kf, kf_text, group, *k, named, h, decls, error);
		}
	}
	g_strfreev(keys);
	return ok;
}

/* Declare the sockets of key file @kf, whose text is @text (for the
 * line numbers of entries in conflict; NULL: none). */
static bool
declare_key_file(dm_tables *t, GKeyFile *kf, const char *text, GError **error)
{
	gchar **groups = g_key_file_get_groups(kf, NULL);
	GArray *decls = g_array_new(FALSE, TRUE, sizeof(decl));
	g_array_set_clear_func(decls, decl_clear);
	bool ok = true;

	for (gchar **g = groups; ok && g && *g; g++)
		ok = read_group(t, kf, text, *g, decls, error);
	if (ok)
		ok = check_conflicts(decls, error);
	for (guint i = 0; ok && i < decls->len; i++)
		declare_entry(t, &g_array_index(decls, decl, i));
	for (guint i = 0; ok && i < decls->len; i++)
		if (g_array_index(decls, decl, i).established)
			declare_established(t, &g_array_index(decls, decl, i));
	g_array_unref(decls);
	g_strfreev(groups);
	return ok;
}

bool
dm_declare_from_file(dm_tables *t, const char *path, GError **error)
{
	GKeyFile *kf = g_key_file_new();
	gchar *text = NULL;
	bool ok = g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, error);
	if (ok && !g_file_get_contents(path, &text, NULL, NULL))
		text = NULL;
	ok = ok && declare_key_file(t, kf, text, error);
	g_free(text);
	g_key_file_unref(kf);
	return ok;
}

bool
dm_declare_from_data(dm_tables *t, const char *text, GError **error)
{
	GKeyFile *kf = g_key_file_new();
	bool ok = g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, error) &&
	          declare_key_file(t, kf, text, error);
	g_key_file_unref(kf);
	return ok;
}
