/* demux-lookup.c - the bound sockets and listeners a segment can reach,
 * as Linux scores them (net/ipv4/udp.c compute_score,
 * net/ipv4/inet_hashtables.c inet_lookup_listener): one bound to the exact
 * destination address and port, else one bound to the wildcard, else (IPv4
 * to a host that has IPv6 too) an IPv6 wildcard that is not v6only.  A
 * socket found in a SO_REUSEPORT group stands for the group: the flow goes
 * to the member its hash picks.  UDP (demux.c) and TCP (demux-tcp.c) look
 * for connected sockets first, then here.
 */
#include "config.h"

#include <string.h>

#include "demux-int.h"
#include "demux-receive-int.h"
#include "demux-table-int.h"

/* The address that stands for the receiving host of @p in the keys of its
 * wildcard sockets of @family (dm_host_key_addr): the destination itself
 * unless some host has several addresses. */
static const uint8_t *
wild_key_addr(const dm_demux *dm, const dm_packet *p, uint8_t family, uint8_t buf[16],
              const dm_host **hp)
{
	*hp = NULL;
	if (G_LIKELY(!dm->t.multi))
		return p->final_dst;
	/* Only the host cache's hint changes. */
	const dm_host *h = dm_tables_host((dm_tables *)&dm->t, dm_packet_zone(p), p->family,
	                                  p->final_dst, false);
	*hp = h;
	return h ? dm_host_key_addr(h, family, buf) : p->final_dst;
}

/* MurmurHash3's 64-bit finaliser. */
static inline uint64_t
fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53u;
	return x ^ (x >> 33);
}

/* The hash that picks a SO_REUSEPORT group's member for the flow of @p:
 * fixed (the kernel's is seeded at random, so which member gets a flow
 * can only match it by chance; what holds is that one flow stays on one
 * member), over both endpoints. */
static uint32_t
flow_hash(const dm_packet *p)
{
	uint64_t s0, s1, d0, d1;
	memcpy(&s0, p->src, 8);
	memcpy(&s1, p->src + 8, 8);
	memcpy(&d0, p->final_dst, 8);
	memcpy(&d1, p->final_dst + 8, 8);
	uint64_t x = fmix64(s0 ^ UINT64_C(0x9e3779b97f4a7c15)) ^
	             fmix64(s1 ^ ((uint64_t)p->sport << 32 | p->dport)) ^
	             fmix64(d0 + UINT64_C(0xc2b2ae3d27d4eb4f)) ^ fmix64(d1 ^ p->proto);
	x = fmix64(x);
	return (uint32_t)(x ^ (x >> 32));
}

/* The member of @s's SO_REUSEPORT group the flow of @p goes to (@s when
 * it is in none): member floor(hash * n / 2^32), as Linux's
 * reciprocal_scale picks one. */
static dm_socket *
group_member(const dm_tables *t, dm_socket *s, const dm_packet *p)
{
	if (G_LIKELY(!s->grouped))
		return s;
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(t->groups, &s->key));
	uint32_t k = (uint32_t)(((uint64_t)flow_hash(p) * n) >> 32);
	if (k == 0)
		return s;
	dm_key mk = s->key;
	mk.rport = (uint16_t)k;
	dm_socket *m = dm_tables_find(t, &mk);
	return m ? m : s;
}

dm_socket *
dm_bound_lookup(const dm_demux *dm, const dm_packet *p, uint8_t proto, dm_lookup *how)
{
	dm_key k;
	dm_socket *s;
	uint8_t buf[16];
	const dm_host *h;
	dm_zone z = dm_packet_zone(p);
	bool tcp = proto == 6;

	dm_key_make(&k, z, proto, p->family, p->final_dst, p->dport, NULL, 0);
	if ((s = dm_tables_find(&dm->t, &k))) {
		*how = tcp ? DM_LOOKUP_LISTENER : DM_LOOKUP_BOUND;
		return group_member(&dm->t, s, p);
	}
	dm_key_wildcard(&k, z, proto, p->family, wild_key_addr(dm, p, p->family, buf, &h), p->dport);
	if ((s = dm_tables_find(&dm->t, &k))) {
		*how = tcp ? DM_LOOKUP_WILDCARD_LISTENER : DM_LOOKUP_WILDCARD_BOUND;
		return group_member(&dm->t, s, p);
	}
	/* IPv4 on a host that also has IPv6: an IPv6 wildcard socket that is
	 * not v6only takes it (as ::ffff:a.b.c.d), scored below an IPv4 one. */
	if (p->family == 4 && h && h->extra) {
		dm_key_wildcard(&k, z, proto, 6, dm_host_key_addr(h, 6, buf), p->dport);
		if ((s = dm_tables_find(&dm->t, &k)) && !s->v6only) {
			*how = tcp ? DM_LOOKUP_DUAL_LISTENER : DM_LOOKUP_DUAL_BOUND;
			return group_member(&dm->t, s, p);
		}
	}
	*how = DM_LOOKUP_NONE;
	return NULL;
}
