/* test-hash-index.c - the open-addressing index behind the socket table:
 * lookups, replacement and backward-shift deletion checked against a
 * plain array after every change, with hashes made to collide and runs
 * made to wrap around the end of the slot array. */
#include "config.h"

#include <glib.h>

#include "demux/hash-index-int.h"

#define N_KEYS 2000

typedef struct {
	uint64_t key[N_KEYS + 1];  /* by id; 0: no entry */
	bool live[N_KEYS + 1];
} model;

static bool
match(const void *ctx, uint32_t id, const void *key)
{
	const model *m = ctx;
	return m->key[id] == *(const uint64_t *)key;
}

/* Every stored entry is found from its home slot before an empty one,
 * and the count agrees. */
static void
check_invariant(const dm_index *ix, const model *m)
{
	uint32_t n = 0;
	for (uint32_t i = 0; ix->slots && i <= ix->mask; i++) {
		if (!ix->slots[i].id)
			continue;
		n++;
		g_assert_true(m->live[ix->slots[i].id]);
		for (uint32_t j = ix->slots[i].hash & ix->mask; j != i; j = (j + 1) & ix->mask)
			g_assert_cmpuint(ix->slots[j].id, !=, 0);
	}
	g_assert_cmpuint(n, ==, dm_index_size(ix));
	g_assert_true(!ix->slots || dm_index_size(ix) * 4 <= (ix->mask + 1) * 3);
}

static void
check_all(const dm_index *ix, const model *m, uint32_t (*hash)(uint64_t))
{
	check_invariant(ix, m);
	for (uint32_t id = 1; id <= N_KEYS; id++) {
		if (!m->key[id])
			continue;
		uint32_t found = dm_index_find(ix, hash(m->key[id]), match, m, &m->key[id]);
		g_assert_cmpuint(found, ==, m->live[id] ? id : 0);
	}
}

static uint32_t
hash_spread(uint64_t k)
{
	return (uint32_t)((k * 0x9e3779b97f4a7c15u) >> 32);
}

/* Few distinct hashes, many near the top of the array: long runs that
 * wrap around, and equal hashes for different keys. */
static uint32_t
hash_clash(uint64_t k)
{
	return 0xfffffff0u + (uint32_t)(k % 23);
}

static void
run_model(uint32_t (*hash)(uint64_t))
{
	dm_index ix;
	model *m = g_new0(model, 1);
	GRand *r = g_rand_new_with_seed(7);

	dm_index_init(&ix);
	g_assert_cmpuint(dm_index_find(&ix, 1, match, m, &(uint64_t){ 1 }), ==, 0);
	for (int step = 0; step < 6000; step++) {
		uint32_t id = (uint32_t)g_rand_int_range(r, 1, N_KEYS + 1);
		if (!m->key[id]) {
			m->key[id] = 1000 + id;
			m->live[id] = true;
			g_assert_cmpuint(dm_index_put(&ix, hash(m->key[id]), id, match, m,
			                              &m->key[id]), ==, 0);
		} else if (m->live[id]) {
			g_assert_true(dm_index_remove(&ix, hash(m->key[id]), id));
			g_assert_false(dm_index_remove(&ix, hash(m->key[id]), id));
			m->live[id] = false;
		} else {
			m->live[id] = true;
			dm_index_put(&ix, hash(m->key[id]), id, match, m, &m->key[id]);
		}
		if (step % 97 == 0)
			check_all(&ix, m, hash);
	}
	check_all(&ix, m, hash);
	dm_index_clear(&ix);
	g_assert_null(ix.slots);
	g_rand_free(r);
	g_free(m);
}

static void
test_model_spread(void)
{
	run_model(hash_spread);
}

static void
test_model_clash(void)
{
	run_model(hash_clash);
}

/* Putting an entry whose key is there already replaces it. */
static void
test_replace(void)
{
	dm_index ix;
	model *m = g_new0(model, 1);
	dm_index_init(&ix);
	m->key[1] = m->key[2] = 42;
	m->live[1] = m->live[2] = true;
	g_assert_cmpuint(dm_index_put(&ix, 5, 1, match, m, &m->key[1]), ==, 0);
	g_assert_cmpuint(dm_index_put(&ix, 5, 2, match, m, &m->key[2]), ==, 1);
	g_assert_cmpuint(dm_index_size(&ix), ==, 1);
	g_assert_cmpuint(dm_index_find(&ix, 5, match, m, &m->key[1]), ==, 2);
	dm_index_clear(&ix);
	g_free(m);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hash-index/model-spread", test_model_spread);
	g_test_add_func("/hash-index/model-clash", test_model_clash);
	g_test_add_func("/hash-index/replace", test_replace);
	return g_test_run();
}
