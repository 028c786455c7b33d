/* shard.c - which events of which frames a shard processes (those of the
 * hosts of its partition), and where the sockets it made were created
 * (what demuxsim merge needs to number them as a whole run would).  The
 * host hash is FNV-1a (64 bits), unseeded, so that every process on
 * every machine agrees on it.
 */
#include "config.h"

#include <string.h>

#include "demuxsim/shard.h"

struct dm_shard {
	uint32_t k, n;
	uint64_t max_sockets, max_memory;  /* the whole run's budget */
	GArray *created;     /* uint64_t: where socket id i + 1 was created */
	GArray *listed;      /* guint8: whether the report lists id i + 1 */
	GArray *held;        /* dm_shard_held: where what it holds changed */
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
	sh->listed = g_array_new(FALSE, TRUE, sizeof(guint8));
	sh->held = g_array_new(FALSE, FALSE, sizeof(dm_shard_held));
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
	g_array_unref(sh->listed);
	g_array_unref(sh->held);
	g_ptr_array_unref(sh->options);
	g_free(sh);
}

void
dm_shard_info_get(const dm_shard *sh, dm_shard_info *out)
{
	out->k = sh->k;
	out->n = sh->n;
	out->options = (const char *const *)sh->options->pdata;
	out->max_sockets = sh->max_sockets;
	out->max_memory = sh->max_memory;
	out->created = sh->created;
	out->listed = sh->listed;
	out->held = sh->held;
}

/* Shard K's part of @whole: the remainder goes to the first shards, so
 * that the parts add up to @whole. */
static uint64_t
share(const dm_shard *sh, uint64_t whole)
{
	uint64_t part = whole / sh->n + (sh->k < whole % sh->n ? 1 : 0);
	return part ? part : 1;
}

void
dm_shard_share_limits(dm_shard *sh, dm_demux_config *cfg)
{
	sh->max_sockets = cfg->max_sockets ? cfg->max_sockets : DM_DEFAULT_MAX_SOCKETS;
	sh->max_memory = cfg->max_memory ? cfg->max_memory : DM_DEFAULT_MAX_MEMORY;
	cfg->max_sockets = share(sh, sh->max_sockets);
	cfg->max_memory = share(sh, sh->max_memory);
}

void
dm_shard_note_held(dm_shard *sh, uint64_t frame, const dm_demux_usage *u)
{
	dm_shard_held h = { frame, u->sockets, u->memory, u->peak_sockets, u->peak_memory };
	if (sh->held->len) {
		dm_shard_held *last = &g_array_index(sh->held, dm_shard_held, sh->held->len - 1);
		if (memcmp(&last->sockets, &h.sockets, 4 * sizeof h.sockets) == 0)
			return;
		if (last->frame == frame) {
			*last = h;
			return;
		}
	}
	g_array_append_val(sh->held, h);
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

uint32_t
dm_shard_host_of(int family, const uint8_t *addr, dm_zone zone, uint32_t n)
{
	/* Family, address (16 bytes, zero-padded), zone kind, zone id
	 * (big-endian). */
	uint8_t key[22] = { (uint8_t)family };
	memcpy(key + 1, addr, family == 6 ? 16 : 4);
	key[17] = zone.kind;
	key[18] = (uint8_t)(zone.id >> 24);
	key[19] = (uint8_t)(zone.id >> 16);
	key[20] = (uint8_t)(zone.id >> 8);
	key[21] = (uint8_t)zone.id;
	uint64_t h = fnv1a(UINT64_C(0xcbf29ce484222325), key, sizeof key);
	return (uint32_t)(h % n);
}

bool
dm_shard_frame_hosts(dm_frame_status st, const dm_packet *pkt, uint32_t n,
                     uint32_t *receiver, uint32_t *sender)
{
	switch (st) {
	case DM_FRAME_SEGMENT:
	case DM_FRAME_ICMP_ERROR:
	case DM_FRAME_OTHER_PROTO:
	case DM_FRAME_TRUNC_L4:
	case DM_FRAME_FRAGMENT:
	case DM_FRAME_EXT_LIMIT:
	case DM_FRAME_BAD_IPV6_OPT:
		break;
	default:
		/* No IP header decoded: no host to tell. */
		*receiver = *sender = 0;
		return false;
	}
	if (pkt->family != 4 && pkt->family != 6) {
		*receiver = *sender = 0;
		return false;
	}
	dm_zone z = dm_packet_zone(pkt);
	*receiver = dm_shard_host_of(pkt->family, pkt->final_dst, z, n);
	*sender = dm_shard_host_of(pkt->family, pkt->src, z, n);
	return true;
}

dm_side
dm_shard_sides(const dm_shard *sh, dm_frame_status st, const dm_packet *pkt)
{
	uint32_t r, s;
	if (!dm_shard_frame_hosts(st, pkt, sh->n, &r, &s))
		return sh->k == 0 ? DM_SIDE_RECEIVE : 0;
	return (r == sh->k ? DM_SIDE_RECEIVE : 0) | (s == sh->k ? DM_SIDE_SEND : 0);
}

void
dm_shard_note_created(dm_shard *sh, uint64_t frame, unsigned packet, bool receive,
                      guint count)
{
	/* Kept as one number: frame, packet, then event in creation order. */
	uint64_t at = DM_SHARD_AT(frame, packet, receive);
	while (sh->created->len < count)
		g_array_append_val(sh->created, at);
	if (sh->listed->len < count)
		g_array_set_size(sh->listed, count);
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
