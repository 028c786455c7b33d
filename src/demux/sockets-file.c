/* sockets-file.c - declared mode: the bound sockets of each host, read
 * from a GLib key file.  One group per host address; in it:
 *
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
 * IPv6 endpoints are written [ADDR]:PORT.  The text may also come from
 * memory (dm_declare_from_data), as --sockets-from-ss makes it.
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

/* The errors of the demux stage are those of a sockets file. */
G_DEFINE_QUARK(dm-demux-error-quark, dm_demux_error)

static bool
parse_port(const char *text, uint16_t *port)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	if (*text == '\0' || *end != '\0' || v == 0 || v > 65535)
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

/* "PORT", "ADDR:PORT" or "[ADDR]:PORT" (ADDR the host or the wildcard). */
static bool
parse_local(const char *text, int family, const uint8_t *host, uint8_t *addr,
            uint16_t *port, bool *wildcard)
{
	static const uint8_t zero[16];
	const char *colon = strrchr(text, ':');
	char *a;

	if (strncmp(text, "*:", 2) == 0) {
		/* The wildcard, either family. */
		memset(addr, 0, 16);
		*wildcard = true;
		return parse_port(text + 2, port);
	}
	if (!colon || (family == 6 && text[0] != '[')) {
		memcpy(addr, host, 16);
		*wildcard = false;
		return parse_port(text, port);
	}
	if (family == 6) {
		const char *close = strchr(text, ']');
		if (!close || close + 1 != colon)
			return false;
		a = g_strndup(text + 1, (gsize)(close - text - 1));
	} else {
		a = g_strndup(text, (gsize)(colon - text));
	}
	bool ok = parse_addr(a, family, addr) && parse_port(colon + 1, port);
	g_free(a);
	if (!ok)
		return false;
	*wildcard = memcmp(addr, zero, 16) == 0;
	return *wildcard || memcmp(addr, host, 16) == 0;
}

/* "PEER:PORT" or "[PEER]:PORT": a peer (never the wildcard). */
static bool
parse_peer(const char *r, int family, uint8_t *peer, uint16_t *pport)
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

/* "LPORT>PEER:PORT". */
static bool
parse_connected(const char *text, int family, uint16_t *lport, uint8_t *peer,
                uint16_t *pport)
{
	const char *gt = strchr(text, '>');
	if (!gt)
		return false;
	char *l = g_strndup(text, (gsize)(gt - text));
	bool ok = parse_port(l, lport);
	g_free(l);
	return ok && parse_peer(gt + 1, family, peer, pport);
}

/* Cut "/BACKLOG" off listener entry @item (in place) into @backlog (0:
 * none given).  Returns false with @error set when it is not a number. */
static bool
cut_backlog(char *item, const char *group, const char *key, uint32_t *backlog,
            GError **error)
{
	char *slash = strchr(item, '/');
	*backlog = 0;
	if (!slash)
		return true;
	if (strcmp(key, "tcp") != 0) {
		g_set_error(error, DM_DEMUX_ERROR, 0, "[%s] %s: '%s': a backlog "
		            "(/BACKLOG) is for TCP listeners only", group, key, item);
		return false;
	}
	char *end;
	unsigned long v = strtoul(slash + 1, &end, 10);
	if (g_ascii_isdigit(slash[1]) && *end != '\0') {
		/* Something after the number (a group size, a flag): not a
		 * socket this file knows. */
		g_set_error(error, DM_DEMUX_ERROR, 0,
		            "[%s] %s: '%s' is not a valid socket", group, key, item);
		return false;
	}
	if (!g_ascii_isdigit(slash[1]) || v == 0 || v > G_MAXINT32) {
		g_set_error(error, DM_DEMUX_ERROR, 0, "[%s] %s: '%s': the backlog is not "
		            "a number from 1 to %d", group, key, item, G_MAXINT32);
		return false;
	}
	*backlog = (uint32_t)v;
	*slash = '\0';
	return true;
}

static bool
declare_list(dm_tables *t, GKeyFile *kf, const char *group, const char *key,
             int family, dm_host *h, GError **error)
{
	gsize n = 0;
	gchar **items = g_key_file_get_string_list(kf, group, key, &n, NULL);
	bool ok = true;
	uint8_t proto = strcmp(key, "tcp") == 0 ? 6 : 17;

	for (gsize i = 0; ok && i < n; i++) {
		char *item = g_strstrip(items[i]);
		uint8_t addr[16], peer[16];
		uint16_t port, pport;
		bool wildcard = false;
		uint32_t backlog;
		dm_key k;

		if (!(ok = cut_backlog(item, group, key, &backlog, error)))
			break;
		if (strcmp(key, "udp-connected") == 0) {
			ok = parse_connected(item, family, &port, peer, &pport);
			if (ok)
				dm_key_make(&k, h->zone, 17, (uint8_t)family, h->addr, port, peer, pport);
		} else {
			ok = parse_local(item, family, h->addr, addr, &port, &wildcard);
			if (ok && wildcard)
				dm_key_wildcard(&k, h->zone, proto, (uint8_t)family, h->addr, port);
			else if (ok)
				dm_key_make(&k, h->zone, proto, (uint8_t)family, addr, port, NULL, 0);
		}
		if (!ok) {
			g_set_error(error, DM_DEMUX_ERROR, 0,
			            "[%s] %s: '%s' is not a valid socket", group, key, item);
			break;
		}
		if (dm_tables_find(t, &k))
			continue;
		dm_sock_kind kind = k.tuple == 4 ? DM_KIND_CONNECTION
		                  : proto == 6 ? DM_KIND_LISTEN : DM_KIND_BOUND;
		dm_socket *s = dm_tables_add(t, h, &k, kind,
		                             proto == 6 ? DM_TCP_LISTEN : DM_TCP_NONE);
		s->declared = true;
		if (backlog)
			dm_backlog_declare(t, s, backlog);
		dm_lists_place(t, s);  /* declared: never expired nor evicted */
	}
	g_strfreev(items);
	return ok;
}

/* "LOCAL>PEER:PORT", LOCAL being LPORT or the host's ADDR:PORT (not the
 * wildcard: a connection has one local address). */
static bool
parse_established(const char *text, int family, const uint8_t *host, uint16_t *lport,
                  uint8_t *peer, uint16_t *pport)
{
	const char *gt = strchr(text, '>');
	if (!gt)
		return false;
	char *l = g_strndup(text, (gsize)(gt - text));
	uint8_t addr[16];
	bool wildcard = true;
	bool ok = parse_local(l, family, host, addr, lport, &wildcard) && !wildcard;
	g_free(l);
	return ok && parse_peer(gt + 1, family, peer, pport);
}

/* The "tcp-established" key of @group: connections that exist before the
 * capture.  Each is its own socket, ESTABLISHED and never expired; its
 * parent is the host's listener on its local port, when one is declared
 * (keys are read in order, this one after "tcp"). */
static bool
declare_established(dm_tables *t, GKeyFile *kf, const char *group, int family,
                    dm_host *h, GError **error)
{
	gsize n = 0;
	gchar **items = g_key_file_get_string_list(kf, group, "tcp-established", &n, NULL);
	bool ok = true;

	for (gsize i = 0; ok && i < n; i++) {
		char *item = g_strstrip(items[i]);
		uint8_t peer[16];
		uint16_t port, pport;
		dm_key k;
		ok = parse_established(item, family, h->addr, &port, peer, &pport);
		if (!ok) {
			g_set_error(error, DM_DEMUX_ERROR, 0,
			            "[%s] tcp-established: '%s' is not a valid connection "
			            "(LPORT>PEER:PORT)", group, item);
			break;
		}
		dm_key_make(&k, h->zone, 6, (uint8_t)family, h->addr, port, peer, pport);
		if (dm_tables_find(t, &k))
			continue;
		dm_socket *s = dm_tables_add(t, h, &k, DM_KIND_CONNECTION, DM_TCP_ESTABLISHED);
		s->declared = true;
		dm_key lk;
		dm_key_make(&lk, h->zone, 6, (uint8_t)family, h->addr, port, NULL, 0);
		dm_socket *l = dm_tables_find(t, &lk);
		if (!l) {
			dm_key_wildcard(&lk, h->zone, 6, (uint8_t)family, h->addr, port);
			l = dm_tables_find(t, &lk);
		}
		s->parent = l;
		dm_lists_place(t, s);  /* declared: never expired nor evicted */
	}
	g_strfreev(items);
	return ok;
}

/* Declare the sockets of every group of @kf. */
static bool
declare_groups(dm_tables *t, GKeyFile *kf, GError **error)
{
	bool ok = true;
	gchar **groups = g_key_file_get_groups(kf, NULL);

	for (gchar **g = groups; ok && g && *g; g++) {
		uint8_t addr[16] = { 0 };
		int family;
		if (inet_pton(AF_INET, *g, addr) == 1)
			family = 4;
		else if (inet_pton(AF_INET6, *g, addr) == 1)
			family = 6;
		else {
			g_set_error(error, DM_DEMUX_ERROR, 0,
			            "group [%s] is not a host address", *g);
			ok = false;
			break;
		}
		static const uint8_t zero[16];
		if (memcmp(addr, zero, 16) == 0) {
			/* Wildcard sockets are per host (ADDR "*" in its group);
			 * a group for 0.0.0.0 / :: would declare sockets that no
			 * datagram or SYN ever reaches. */
			g_set_error(error, DM_DEMUX_ERROR, 0,
			            "group [%s] is the wildcard address, not a host "
			            "(declare wildcard sockets in each host's group, "
			            "e.g. udp = *:53)", *g);
			ok = false;
			break;
		}
		dm_host *h = dm_tables_host(t, DM_ZONE_NONE, (uint8_t)family, addr, true);
		gchar **keys = g_key_file_get_keys(kf, *g, NULL, NULL);
		bool established = false;
		for (gchar **k = keys; ok && k && *k; k++) {
			if (strcmp(*k, "tcp-established") == 0) {
				established = true;  /* after the listeners */
			} else if (strcmp(*k, "udp") && strcmp(*k, "tcp") &&
			           strcmp(*k, "udp-connected")) {
				g_set_error(error, DM_DEMUX_ERROR, 0,
				            "[%s] unknown key '%s' (udp, tcp, udp-connected, "
				            "tcp-established)", *g, *k);
				ok = false;
			} else {
				ok = declare_list(t, kf, *g, *k, family, h, error);
			}
		}
		if (ok && established)
			ok = declare_established(t, kf, *g, family, h, error);
		g_strfreev(keys);
	}
	g_strfreev(groups);
	return ok;
}

bool
dm_declare_from_file(dm_tables *t, const char *path, GError **error)
{
	GKeyFile *kf = g_key_file_new();
	bool ok = g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, error) &&
	          declare_groups(t, kf, error);
	g_key_file_unref(kf);
	return ok;
}

bool
dm_declare_from_data(dm_tables *t, const char *text, GError **error)
{
	GKeyFile *kf = g_key_file_new();
	bool ok = g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, error) &&
	          declare_groups(t, kf, error);
	g_key_file_unref(kf);
	return ok;
}
