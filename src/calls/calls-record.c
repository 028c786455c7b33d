/* calls-record.c - what the calls stage records: the hosts and their
 * calls in capture order, the tracks of sockets (by id) and of UDP
 * endpoints (by address and port), and reading the hosts back.
 */
#include "config.h"

#include <string.h>

#include "calls-int.h"

/* Hash keys: family byte, 16 address bytes, 2 port bytes. */
#define KEY_LEN 19

static void
key_make(uint8_t *k, int family, const uint8_t *addr, uint16_t port)
{
	memset(k, 0, KEY_LEN);
	k[0] = (uint8_t)family;
	memcpy(k + 1, addr, family == 6 ? 16 : 4);
	k[17] = (uint8_t)(port >> 8);
	k[18] = (uint8_t)port;
}

static guint
key_hash(gconstpointer p)
{
	const uint8_t *k = p;
	guint h = 2166136261u;
	for (int i = 0; i < KEY_LEN; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, KEY_LEN) == 0;
}

static void
host_free(gpointer p)
{
	calls_host *h = p;
	g_array_unref(h->calls);
	g_free(h);
}

void
dm_calls_record_init(dm_calls *c)
{
	c->hosts = g_hash_table_new_full(key_hash, key_equal, g_free, host_free);
	c->socks = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	c->eps = g_hash_table_new_full(key_hash, key_equal, g_free, g_free);
}

void
dm_calls_record_clear(dm_calls *c)
{
	g_hash_table_destroy(c->hosts);
	g_hash_table_destroy(c->socks);
	g_hash_table_destroy(c->eps);
}

calls_host *
dm_calls_host_get(dm_calls *c, int family, const uint8_t *addr)
{
	uint8_t k[KEY_LEN];
	key_make(k, family, addr, 0);
	calls_host *h = g_hash_table_lookup(c->hosts, k);
	if (!h) {
		h = g_new0(calls_host, 1);
		h->family = family;
		memcpy(h->addr, addr, family == 6 ? 16 : 4);
		h->calls = g_array_new(FALSE, TRUE, sizeof(dm_call));
		g_hash_table_insert(c->hosts, g_memdup2(k, KEY_LEN), h);
	}
	return h;
}

sock_track *
dm_calls_sock(dm_calls *c, guint id, calls_host *host, bool *made)
{
	sock_track *t = g_hash_table_lookup(c->socks, GUINT_TO_POINTER(id));
	*made = !t;
	if (!t) {
		t = g_new0(sock_track, 1);
		t->host = host;
		g_hash_table_insert(c->socks, GUINT_TO_POINTER(id), t);
	}
	if (!t->host)
		t->host = host;
	return t;
}

udp_ep *
dm_calls_ep(dm_calls *c, calls_host *host, int family, const uint8_t *addr, uint16_t port)
{
	uint8_t k[KEY_LEN];
	key_make(k, family, addr, port);
	udp_ep *e = g_hash_table_lookup(c->eps, k);
	if (!e) {
		e = g_new0(udp_ep, 1);
		e->family = family;
		memcpy(e->addr, addr, 16);
		e->port = port;
		e->host = host;
		g_hash_table_insert(c->eps, g_memdup2(k, KEY_LEN), e);
	}
	return e;
}

dm_call *
dm_calls_add(dm_calls *c, calls_host *h, dm_call_kind kind, dm_call_sure sure,
             uint64_t frame, int64_t sec, uint32_t nsec, guint *index)
{
	if (index)
		*index = 0;
	if (c->kept >= c->max) {
		c->not_kept++;
		return NULL;
	}
	c->kept++;
	dm_call call = { 0 };
	call.kind = kind;
	call.sure = sure;
	call.frame = frame;
	call.sec = sec;
	call.nsec = nsec;
	call.family = h->family;
	memcpy(call.local, h->addr, 16);
	call.count = 1;
	g_array_append_val(h->calls, call);
	if (index)
		*index = h->calls->len;
	return &g_array_index(h->calls, dm_call, h->calls->len - 1);
}

dm_call *
dm_calls_at(calls_host *h, guint index)
{
	if (!index || index > h->calls->len)
		return NULL;
	return &g_array_index(h->calls, dm_call, index - 1);
}

static gint
host_cmp(gconstpointer a, gconstpointer b)
{
	const dm_calls_host *x = a, *y = b;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, 16);
}

GArray *
dm_calls_hosts(const dm_calls *c)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(dm_calls_host));
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, c->hosts);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const calls_host *h = v;
		if (!h->calls->len)
			continue;
		dm_calls_host e = { h->family, { 0 }, h->calls };
		memcpy(e.addr, h->addr, 16);
		g_array_append_val(out, e);
	}
	g_array_sort(out, host_cmp);
	return out;
}

const GArray *
dm_calls_of_host(const dm_calls *c, int family, const uint8_t *addr)
{
	uint8_t k[KEY_LEN];
	key_make(k, family, addr, 0);
	const calls_host *h = g_hash_table_lookup(c->hosts, k);
	return h && h->calls->len ? h->calls : NULL;
}

uint64_t
dm_calls_not_kept(const dm_calls *c)
{
	return c->not_kept;
}

void
dm_calls_set_max(dm_calls *c, uint64_t max)
{
	c->max = max;
}

uint64_t
dm_calls_max(const dm_calls *c)
{
	return c->max;
}
