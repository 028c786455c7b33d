/* sockets-entry.c - the grammar of one entry of a declared sockets file:
 *
 *   LOCAL[*N][ FLAG...]
 *
 * LOCAL is PORT (bound to the host's address), ADDR:PORT or
 * [ADDR6]:PORT, ADDR one of the host's addresses or the wildcard
 * (0.0.0.0, ::, or *); *N declares N sockets on it, a SO_REUSEPORT
 * group; the flags are reuseport (entries on one endpoint all flagged
 * form one group), reuseaddr (SO_REUSEADDR) and v6only (IPV6_V6ONLY: an
 * IPv6 wildcard that takes no IPv4).  Connected UDP sockets are
 * LPORT>PEER:PORT.  The checks between entries (bind() conflicts) are
 * sockets-file.c's.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "demuxsim/demux.h"
#include "sockets-entry-int.h"

static bool
parse_port(const char *text, uint16_t *port)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	if (*text == '\0' || *text == '-' || *end != '\0' || v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

static bool
parse_addr(const char *text, int family, uint8_t *addr)
{
	memset(addr, 0, 16);
	if (strcmp(text, "*") == 0)
		return true;
	return inet_pton(family == 6 ? AF_INET6 : AF_INET, text, addr) == 1;
}

/* Whether @addr of @family is one of @h's addresses. */
static bool
host_has(const dm_host *h, int family, const uint8_t *addr)
{
	for (guint i = 0; i < dm_host_n_addresses(h); i++) {
		int f;
		const uint8_t *a = dm_host_address_at(h, i, &f);
		if (f == family && memcmp(a, addr, 16) == 0)
			return true;
	}
	return false;
}

/* The family of @h's addresses when they are all of one, else 0. */
static int
host_one_family(const dm_host *h)
{
	int fam = 0;
	for (guint i = 0; i < dm_host_n_addresses(h); i++) {
		int f;
		dm_host_address_at(h, i, &f);
		if (fam && f != fam)
			return 0;
		fam = f;
	}
	return fam;
}

/* "PORT", "*:PORT", "ADDR:PORT" or "[ADDR]:PORT" into @e (family set). */
static bool
parse_local(const char *text, const dm_host *h, bool named, dm_entry *e, char **why)
{
	static const uint8_t zero[16];
	const char *colon = strrchr(text, ':');
	int family = named ? (text[0] == '[' ? 6 : 4) : dm_host_family(h);
	char *a;

	if (strncmp(text, "*:", 2) == 0 || !colon || (family == 6 && text[0] != '[')) {
		bool wild = strncmp(text, "*:", 2) == 0;
		if (named && dm_host_n_addresses(h) > 1 && !(wild && host_one_family(h))) {
			*why = g_strdup(wild ? "the host has addresses of both families: "
			                       "write 0.0.0.0:PORT or [::]:PORT"
			                     : "the host has several addresses: name the one "
			                       "bound to, or the wildcard");
			return false;
		}
		e->family = (uint8_t)(named ? host_one_family(h) : family);
		e->wildcard = wild;
		if (wild)
			memset(e->addr, 0, 16);
		else
			memcpy(e->addr, dm_host_address(h), 16);
		return parse_port(text + (wild ? 2 : 0), &e->port);
	}
	if (family == 6) {
		const char *close = strchr(text, ']');
		if (!close || close + 1 != colon)
			return false;
		a = g_strndup(text + 1, (gsize)(close - text - 1));
	} else {
		a = g_strndup(text, (gsize)(colon - text));
	}
	bool ok = parse_addr(a, family, e->addr) && parse_port(colon + 1, &e->port);
	g_free(a);
	if (!ok)
		return false;
	e->family = (uint8_t)family;
	e->wildcard = memcmp(e->addr, zero, 16) == 0;
	return e->wildcard || host_has(h, family, e->addr);
}

/* A "*N" ending of @ep (not the wildcard "*:" nor "[*]"): N, cut off. */
static bool
split_copies(char *ep, unsigned *copies, char **why)
{
	char *star = strrchr(ep, '*');
	*copies = 1;
	if (!star || star == ep || star[1] == '\0' || star[1] == ']' || star[1] == ':')
		return true;
	char *end;
	unsigned long n = strtoul(star + 1, &end, 10);
	if (*end != '\0' || star[1] == '-' || n == 0 || n > DM_GROUP_MAX) {
		*why = g_strdup_printf("'%s' is not a group size (*1 to *%u)", star, DM_GROUP_MAX);
		return false;
	}
	*copies = (unsigned)n;
	*star = '\0';
	return true;
}

/* A "/BACKLOG" ending of @ep (after any *N was cut): BACKLOG, cut off. */
static bool
split_backlog(char *ep, uint32_t *backlog, char **why)
{
	char *slash = strchr(ep, '/');
	*backlog = 0;
	if (!slash)
		return true;
	char *end;
	unsigned long v = strtoul(slash + 1, &end, 10);
	if (!g_ascii_isdigit(slash[1]) || *end != '\0' || v == 0 || v > G_MAXINT32) {
		*why = g_strdup_printf("the backlog '%s' is not a number from 1 to %d", slash + 1,
		                       G_MAXINT32);
		return false;
	}
	*backlog = (uint32_t)v;
	*slash = '\0';
	return true;
}

static bool
parse_flag(const char *f, dm_entry *e, char **why)
{
	if (strcmp(f, "reuseport") == 0)
		e->reuseport = true;
	else if (strcmp(f, "reuseaddr") == 0)
		e->reuseaddr = true;
	else if (strcmp(f, "v6only") == 0)
		e->v6only = true;
	else {
		*why = g_strdup_printf("unknown flag '%s' (reuseport, reuseaddr, v6only)", f);
		return false;
	}
	return true;
}

bool
dm_entry_parse(const char *text, const dm_host *h, bool named, dm_entry *e, char **why)
{
	gchar **tok = g_strsplit_set(text, " \t", -1);
	bool ok = true, have_ep = false;
	memset(e, 0, sizeof *e);
	*why = NULL;
	for (gchar **t = tok; ok && *t; t++) {
		if (**t == '\0')
			continue;
		if (have_ep) {
			ok = parse_flag(*t, e, why);
			continue;
		}
		have_ep = true;
		ok = split_copies(*t, &e->copies, why) && split_backlog(*t, &e->backlog, why) &&
		     parse_local(*t, h, named, e, why);
	}
	g_strfreev(tok);
	if (ok && !have_ep)
		ok = false;
	if (ok && e->copies > 1)
		e->reuseport = true;
	if (ok && e->v6only && e->family != 6) {
		*why = g_strdup("v6only is for IPv6 sockets");
		ok = false;
	}
	return ok;
}

bool
dm_entry_parse_peer(const char *r, int family, uint8_t *peer, uint16_t *pport)
{
	const char *colon = strrchr(r, ':');
	if (!colon)
		return false;
	char *a;
	if (family == 6) {
		const char *close = strchr(r, ']');
		if (r[0] != '[' || !close || close + 1 != colon)
			return false;
		a = g_strndup(r + 1, (gsize)(close - r - 1));
	} else {
		a = g_strndup(r, (gsize)(colon - r));
	}
	bool ok = parse_addr(a, family, peer) && strcmp(a, "*") != 0 &&
	          parse_port(colon + 1, pport);
	g_free(a);
	return ok;
}

bool
dm_entry_parse_connected(const char *text, const dm_host *h, bool named,
                         uint8_t *family, uint16_t *lport, uint8_t *peer,
                         uint16_t *pport)
{
	const char *gt = strchr(text, '>');
	if (!gt)
		return false;
	char *l = g_strndup(text, (gsize)(gt - text));
	bool ok = parse_port(l, lport);
	g_free(l);
	const char *r = gt + 1;
	int fam = named ? (r[0] == '[' ? 6 : 4) : dm_host_family(h);
	*family = (uint8_t)fam;
	return ok && dm_entry_parse_peer(r, fam, peer, pport);
}

/* Whether @e receives IPv4: an IPv4 socket, or an IPv6 wildcard that is
 * not v6only. */
static bool
takes_v4(const dm_entry *e)
{
	return e->family == 4 || (e->wildcard && !e->v6only);
}

bool
dm_entry_overlap(const dm_entry *a, const dm_entry *b)
{
	if (a->port != b->port)
		return false;
	if (a->family == b->family && (a->wildcard || b->wildcard))
		return true;
	if (a->family != b->family) {
		/* Only IPv4 can be in common: an IPv6 wildcard's dual stack. */
		const dm_entry *v6 = a->family == 6 ? a : b, *v4 = a->family == 6 ? b : a;
		return v6->wildcard && takes_v4(v6) && v4->family == 4;
	}
	return memcmp(a->addr, b->addr, 16) == 0;
}

bool
dm_entry_same_endpoint(const dm_entry *a, const dm_entry *b)
{
	return a->port == b->port && a->family == b->family && a->wildcard == b->wildcard &&
	       memcmp(a->addr, b->addr, 16) == 0;
}
