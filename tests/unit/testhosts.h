/* testhosts.h - finding a simulation's hosts and sockets by address, for
 * the unit tests of the socket table (with testseg.h). */
#ifndef DEMUXSIM_TESTHOSTS_H
#define DEMUXSIM_TESTHOSTS_H

#include <glib.h>
#include <string.h>

#include "demuxsim/demux.h"
#include "testseg.h"

/* The host of @dm that owns address @addr (any of its addresses), or
 * NULL. */
static inline const dm_host *
th_host_of(const dm_demux *dm, const char *addr)
{
	uint8_t a[16];
	int fam = parse_addr(addr, a);
	const dm_host *found = NULL;
	GPtrArray *hosts = dm_demux_hosts(dm);
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		for (guint j = 0; j < dm_host_n_addresses(h); j++) {
			int f;
			const uint8_t *b = dm_host_address_at(h, j, &f);
			if (f == fam && memcmp(a, b, 16) == 0)
				found = h;
		}
	}
	g_ptr_array_unref(hosts);
	return found;
}

/* How many hosts @dm simulates. */
static inline guint
th_n_hosts(const dm_demux *dm)
{
	GPtrArray *hosts = dm_demux_hosts(dm);
	guint n = hosts->len;
	g_ptr_array_unref(hosts);
	return n;
}

/* Socket @i of the host owning @addr, which must exist. */
static inline const dm_socket *
th_sock_at(const dm_demux *dm, const char *addr, guint i)
{
	const dm_host *h = th_host_of(dm, addr);
	g_assert_nonnull(h);
	g_assert_cmpuint(i, <, dm_host_sockets(h)->len);
	return g_ptr_array_index(dm_host_sockets(h), i);
}

#endif
