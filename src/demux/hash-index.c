/* hash-index.c - open addressing with linear probing over a power-of-two
 * array of (hash, id) slots, at most 3/4 full; deletion shifts the
 * following entries of the run back (no tombstones), so a lookup stops at
 * the first empty slot.  Eight bytes a slot: the entries stay with the
 * caller, and the stored hash spares most comparisons of their keys.
 */
#include "config.h"

#include <glib.h>

#include "hash-index-int.h"

#define MIN_SLOTS 16u

void
dm_index_init(dm_index *ix)
{
	ix->slots = NULL;
	ix->mask = 0;
	ix->used = 0;
}

void
dm_index_clear(dm_index *ix)
{
	g_free(ix->slots);
	dm_index_init(ix);
}

uint32_t
dm_index_find(const dm_index *ix, uint32_t hash, dm_index_match match,
              const void *ctx, const void *key)
{
	if (!ix->slots)
		return 0;
	for (uint32_t i = hash & ix->mask;; i = (i + 1) & ix->mask) {
		const dm_index_slot *s = &ix->slots[i];
		if (!s->id)
			return 0;
		if (s->hash == hash && match(ctx, s->id, key))
			return s->id;
	}
}

static void
place(dm_index_slot *slots, uint32_t mask, uint32_t hash, uint32_t id)
{
	uint32_t i = hash & mask;
	while (slots[i].id)
		i = (i + 1) & mask;
	slots[i].hash = hash;
	slots[i].id = id;
}

static void
grow(dm_index *ix)
{
	uint32_t n = ix->slots ? (ix->mask + 1) * 2 : MIN_SLOTS;
	dm_index_slot *slots = g_new0(dm_index_slot, n);
	for (uint32_t i = 0; ix->slots && i <= ix->mask; i++)
		if (ix->slots[i].id)
			place(slots, n - 1, ix->slots[i].hash, ix->slots[i].id);
	g_free(ix->slots);
	ix->slots = slots;
	ix->mask = n - 1;
}

uint32_t
dm_index_put(dm_index *ix, uint32_t hash, uint32_t id, dm_index_match match,
             const void *ctx, const void *key)
{
	g_return_val_if_fail(id != 0, 0);
	if (ix->slots) {
		for (uint32_t i = hash & ix->mask; ix->slots[i].id; i = (i + 1) & ix->mask) {
			dm_index_slot *s = &ix->slots[i];
			if (s->hash == hash && match(ctx, s->id, key)) {
				uint32_t old = s->id;
				s->id = id;
				return old;
			}
		}
	}
	if (!ix->slots || (uint64_t)(ix->used + 1) * 4 > (uint64_t)(ix->mask + 1) * 3)
		grow(ix);
	place(ix->slots, ix->mask, hash, id);
	ix->used++;
	return 0;
}

bool
dm_index_remove(dm_index *ix, uint32_t hash, uint32_t id)
{
	if (!ix->slots)
		return false;
	uint32_t mask = ix->mask, i = hash & mask;
	while (ix->slots[i].id != id) {
		if (!ix->slots[i].id)
			return false;
		i = (i + 1) & mask;
	}
	/* Backward shift: move each later entry of the run into the hole
	 * unless its home slot lies cyclically after the hole. */
	for (uint32_t j = (i + 1) & mask; ix->slots[j].id; j = (j + 1) & mask) {
		uint32_t home = ix->slots[j].hash & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			ix->slots[i] = ix->slots[j];
			i = j;
		}
	}
	ix->slots[i].id = 0;
	ix->slots[i].hash = 0;
	ix->used--;
	return true;
}
