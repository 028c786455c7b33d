/* hash-index-int.h - an open-addressing index from a 32-bit hash to a 32-bit
 * id (not installed).  The entries themselves live with the caller, who
 * hashes a key once and says whether an id's entry matches it. */
#ifndef DEMUXSIM_HASH_INDEX_H
#define DEMUXSIM_HASH_INDEX_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	uint32_t hash;
	uint32_t id;           /* 0: empty */
} dm_index_slot;

typedef struct {
	dm_index_slot *slots;  /* a power of two of them, or NULL */
	uint32_t mask;
	uint32_t used;
} dm_index;

/* Whether entry @id is the one for @key. */
typedef bool (*dm_index_match)(const void *ctx, uint32_t id, const void *key);

void dm_index_init(dm_index *ix);
void dm_index_clear(dm_index *ix);
/* The id of the entry with @hash that @match accepts, or 0. */
uint32_t dm_index_find(const dm_index *ix, uint32_t hash, dm_index_match match,
                       const void *ctx, const void *key);
/* Add @id (not 0) under @hash, or when an entry @match accepts is there
 * already, put @id in its place.  Returns the id replaced, or 0. */
uint32_t dm_index_put(dm_index *ix, uint32_t hash, uint32_t id,
                      dm_index_match match, const void *ctx, const void *key);
/* Remove @id, filed under @hash.  Returns false when it is not there. */
bool dm_index_remove(dm_index *ix, uint32_t hash, uint32_t id);
static inline uint32_t dm_index_size(const dm_index *ix) { return ix->used; }

/* The ids filed under @hash, for a caller that compares its entries
 * inline (what dm_index_find does through @match):
 *
 *   uint32_t pos, id;
 *   for (id = dm_index_first(ix, hash, &pos); id; id = dm_index_next(ix, hash, &pos))
 *
 * The index must not change during the walk. */
static inline uint32_t
dm_index_next(const dm_index *ix, uint32_t hash, uint32_t *pos)
{
	for (;;) {
		const dm_index_slot *s = &ix->slots[*pos];
		*pos = (*pos + 1) & ix->mask;
		if (!s->id || s->hash == hash)
			return s->id;
	}
}

static inline uint32_t
dm_index_first(const dm_index *ix, uint32_t hash, uint32_t *pos)
{
	if (!ix->slots)
		return 0;
	*pos = hash & ix->mask;
	return dm_index_next(ix, hash, pos);
}

#endif
