/* demux-key.c - table keys: comparing them, and their hash, a 4-tuple
 * and its reverse alike, from a seed drawn once per process (making
 * them, a 2-tuple, a 4-tuple or a wildcard bound per host: the inlines
 * of demux-key-int.h).
 */
#include "config.h"

#include <string.h>

#include "demux-int.h"
#include "demux-key-int.h"

/* The hash seed (dm_hash_seed, demux-key-int.h). */
uint64_t dm_seed;

uint64_t
dm_hash_seed_draw(void)
{
	/* Once: tables on several threads (--threads) share it. */
	static gsize drawn;
	if (g_once_init_enter(&drawn)) {
		dm_seed = ((uint64_t)g_random_int() << 32 | g_random_int()) | 1;
		g_once_init_leave(&drawn, 1);
	}
	return dm_seed;
}

/* The hash of a key's normalised form: its two endpoints are hashed alike
 * and added, so that a 4-tuple and its reverse (the two ends of one
 * connection) hash the same. */
guint
dm_key_hash(gconstpointer p)
{
	const dm_key *k = p;
	uint64_t h = dm_endpoint_hash(k->laddr, k->lport) + dm_endpoint_hash(k->raddr, k->rport) +
	             ((uint64_t)k->proto << 16 | (uint64_t)k->family << 8 | k->tuple) +
	             ((uint64_t)k->zone_kind << 56 ^ (uint64_t)k->zone_id << 24);
	h = dm_mum(h, UINT64_C(0x8ebc6af09c88c6e3));
	return (guint)(h ^ (h >> 32));
}

gboolean
dm_key_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(dm_key)) == 0;
}
