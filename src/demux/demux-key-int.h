/* demux-key-int.h - table keys: making them, and the hashing that the
 * socket, host and peer indexes share (not installed).  dm_key_hash and
 * dm_key_equal are declared in demux-int.h. */
#ifndef DEMUXSIM_DEMUX_KEY_H
#define DEMUXSIM_DEMUX_KEY_H

#include <string.h>

#include "demux-int.h"

/* A key in zone @z for @proto and @family: local address @laddr (NULL:
 * all zeros) and port @lport; with @raddr, a 4-tuple to @raddr:@rport,
 * else a 2-tuple.  Inline: several are made for every segment. */
static inline void
dm_key_make(dm_key *k, dm_zone z, uint8_t proto, uint8_t family, const uint8_t *laddr,
            uint16_t lport, const uint8_t *raddr, uint16_t rport)
{
	size_t alen = family == 6 ? 16 : 4;
	memset(k, 0, sizeof *k);
	k->proto = proto;
	k->family = family;
	k->zone_kind = z.kind;
	k->zone_id = z.id;
	k->lport = lport;
	if (laddr)
		memcpy(k->laddr, laddr, alen);
	if (raddr) {
		k->tuple = 4;
		memcpy(k->raddr, raddr, alen);
		k->rport = rport;
	} else {
		k->tuple = 2;
	}
}

/* The key of a socket bound to the wildcard address on host @host: the
 * local address is all zeros and the host's address takes the place of
 * the (unused) remote one, so that each host has its own. */
static inline void
dm_key_wildcard(dm_key *k, dm_zone z, uint8_t proto, uint8_t family, const uint8_t *host,
                uint16_t lport)
{
	dm_key_make(k, z, proto, family, NULL, lport, NULL, 0);
	memcpy(k->raddr, host, family == 6 ? 16 : 4);
}

/* A seed drawn once per process (0 until then), so that a crafted capture
 * cannot aim its keys at one chain of the tables.  Nothing printed
 * depends on it: reports follow creation order and sorted addresses,
 * never hash order. */
extern uint64_t dm_seed;
/* Draw dm_seed; returns it. */
uint64_t dm_hash_seed_draw(void);

static inline uint64_t
dm_hash_seed(void)
{
	if (G_UNLIKELY(dm_seed == 0))
		return dm_hash_seed_draw();
	return dm_seed;
}

/* A 64x64->128-bit multiply folded to 64 bits (as wyhash's mum): one
 * multiplication mixes every input bit into the middle of the product. */
static inline uint64_t
dm_mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	__extension__ unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	/* The same from 32-bit halves, where there is no 128-bit type. */
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
	uint64_t lo = (mid << 32) | (uint32_t)ll;
	uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
	return lo ^ hi;
#endif
}

/* The hash of an endpoint (16 address bytes, a port), shared by the
 * keys, the host index and the peer index: one folded multiplication of
 * the two address words (the second with the port), each salted. */
static inline uint64_t
dm_endpoint_hash(const uint8_t *addr, uint16_t port)
{
	uint64_t w0, w1, seed = dm_hash_seed();
	memcpy(&w0, addr, 8);
	memcpy(&w1, addr + 8, 8);
	return dm_mum(w0 ^ seed ^ UINT64_C(0xa0761d6478bd642f),
	              w1 ^ ((uint64_t)port << 32) ^ UINT64_C(0xe7037ed1a0b428db));
}

#endif
