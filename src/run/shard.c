/* shard.c - which frames a shard processes, and the creation frame of the
 * sockets it made (what demuxsim merge needs to number them as a whole
 * run would).  The flow hash is FNV-1a (64 bits), unseeded, so that every
 * process agrees on it.
 */
#include "config.h"

#include <string.h>

#include "demuxsim/shard.h"

struct dm_shard {
	uint32_t k, n;
	GArray *created;     /* uint64_t: creation frame of socket id i + 1 */
	GPtrArray *options;  /* char *, NULL-terminated */
};

dm_shard *
dm_shard_parse(const char *text, GError **error)
{
	char *end;
	const char *slash = strchr(text, '/');
	guint64 k = 0, n = 0;
	bool ok = slash && slash != text && g_ascii_isdigit(text[0]) &&
	          g_ascii_isdigit(slash[1]);
	if (ok) {
		k = g_ascii_strtoull(text, &end, 10);
		ok = end == slash;
	}
	if (ok) {
		n = g_ascii_strtoull(slash + 1, &end, 10);
		ok = *end == '\0';
	}
	if (!ok) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            "--shard: '%s' is not K/N (e.g. 0/4)", text);
		return NULL;
	}
	if (n < 1 || n > UINT32_MAX || k >= n) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            "--shard: '%s': N must be at least 1 and K below N", text);
		return NULL;
	}
	dm_shard *sh = g_new0(dm_shard, 1);
	sh->k = (uint32_t)k;
	sh->n = (uint32_t)n;
	sh->created = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	sh->options = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(sh->options, NULL);
	return sh;
}

void
dm_shard_free(dm_shard *sh)
{
	if (!sh)
		return;
	g_array_unref(sh->created);
	g_ptr_array_unref(sh->options);
	g_free(sh);
}

void
dm_shard_info_get(const dm_shard *sh, dm_shard_info *out)
{
	out->k = sh->k;
	out->n = sh->n;
	out->options = (const char *const *)sh->options->pdata;
	out->created = sh->created;
}

static uint64_t
fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* Address (16 bytes, zero-padded) and port, big-endian: one endpoint. */
static void
endpoint(uint8_t out[18], int family, const uint8_t *addr, uint16_t port)
{
	memset(out, 0, 18);
	memcpy(out, addr, family == 6 ? 16 : 4);
	out[16] = (uint8_t)(port >> 8);
	out[17] = (uint8_t)port;
}

uint32_t
dm_shard_of(const dm_packet *pkt, uint32_t n)
{
	uint8_t a[18], b[18], head[2] = { pkt->proto, pkt->family };
	endpoint(a, pkt->family, pkt->src, pkt->sport);
	endpoint(b, pkt->family, pkt->final_dst, pkt->dport);
	bool swap = memcmp(a, b, sizeof a) > 0;
	uint64_t h = fnv1a(UINT64_C(0xcbf29ce484222325), head, sizeof head);
	h = fnv1a(h, swap ? b : a, sizeof a);
	h = fnv1a(h, swap ? a : b, sizeof a);
	return (uint32_t)(h % n);
}

bool
dm_shard_owns(const dm_shard *sh, dm_frame_status st, const dm_packet *pkt)
{
	if (st != DM_FRAME_SEGMENT)
		return sh->k == 0;
	return dm_shard_of(pkt, sh->n) == sh->k;
}

void
dm_shard_note_created(dm_shard *sh, uint64_t frame, unsigned packet, guint count)
{
	/* Kept as one number: frame and packet in creation order. */
	uint64_t at = frame * DM_SHARD_PACKETS + packet;
	while (sh->created->len < count)
		g_array_append_val(sh->created, at);
}

void
dm_shard_set_options(dm_shard *sh, int argc, char **argv)
{
	g_ptr_array_set_size(sh->options, 0);
	/* Neither which shard nor how many threads ran it changes what the
	 * shards must agree on. */
	static const char *const own[] = { "--shard", "--threads" };
	for (int i = 1; i < argc; i++) {
		bool skip = false;
		for (size_t j = 0; j < G_N_ELEMENTS(own) && !skip; j++) {
			size_t n = strlen(own[j]);
			if (strcmp(argv[i], own[j]) == 0) {
				i++;
				skip = true;
			} else if (strncmp(argv[i], own[j], n) == 0 && argv[i][n] == '=') {
				skip = true;
			}
		}
		if (skip)
			continue;
		g_ptr_array_add(sh->options, g_strdup(argv[i]));
	}
	g_ptr_array_add(sh->options, NULL);
}
