/* shard.c - which events of which frames a shard processes (those of the
 * hosts of its partition), and where the sockets it made were created
 * (what demuxsim merge needs to number them as a whole run would).  The
 * host hash is FNV-1a (64 bits), unseeded, so that every process on
 * every machine agrees on it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "demuxsim/partition.h"

#include "demuxsim/shard.h"

struct dm_shard {
	uint32_t k, n;
	uint64_t max_sockets, max_memory;  /* the whole run's budget */
	GArray *created;     /* uint64_t: where socket id i + 1 was created */
	GArray *listed;      /* guint8: whether the report lists id i + 1 */
	GArray *held;        /* dm_shard_held: where what it holds changed */
	GPtrArray *options;  /* char *, NULL-terminated */
	/* Reading buckets of demuxsim partition: per input path, its
	 * original name and frame count; the whole capture's reassembly. */
	GHashTable *buckets; /* path -> shard_bucket, or NULL */
	dm_reasm_stats reasm;
	bool have_clock;     /* the capture's first and last frame's times */
	int64_t clock_sec[2];
	uint32_t clock_nsec[2];
};

typedef struct {
	char *name;
	uint64_t frames;
} shard_bucket;

static void
bucket_free(gpointer p)
{
	shard_bucket *b = p;
	g_free(b->name);
	g_free(b);
}

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
	if (sh->buckets)
		g_hash_table_unref(sh->buckets);
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
	if (pkt->hosts_n == sh->n) {
		r = pkt->host_r;
		s = pkt->host_s;
	} else if (!dm_shard_frame_hosts(st, pkt, sh->n, &r, &s)) {
		return sh->k == 0 ? DM_SIDE_RECEIVE : 0;
	}
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

/* --- Buckets of demuxsim partition --------------------------------------- */

/* The first line of bucket @path's index: its K, N and input. */
static bool
read_index_head(const char *path, guint64 head[3])
{
	char *ipath = g_strconcat(path, ".frames", NULL);
	FILE *f = fopen(ipath, "r");
	g_free(ipath);
	if (!f)
		return false;
	bool ok = fscanf(f, "demuxsim-partition %" SCNu64 " %" SCNu64 " %" SCNu64,
	                 &head[0], &head[1], &head[2]) == 3;
	fclose(f);
	return ok;
}

static bool
load_manifest(dm_shard *sh, const char *path, GKeyFile *kf, GError **error)
{
	char *dir = g_path_get_dirname(path);
	char *mpath = g_build_filename(dir, DM_PARTITION_MANIFEST, NULL);
	g_free(dir);
	bool ok = g_key_file_load_from_file(kf, mpath, G_KEY_FILE_NONE, NULL);
	char *version = ok ? g_key_file_get_string(kf, "partition", "version", NULL) : NULL;
	char *reasm = ok ? g_key_file_get_string(kf, "partition", "reassembly", NULL) : NULL;
	gchar **r = reasm ? g_strsplit(reasm, ";", -1) : NULL;
	ok = ok && version && strcmp(version, PACKAGE_VERSION) == 0 && r &&
	     g_strv_length(r) == 3 + 2 * DM_REASM_N_COUNT &&
	     g_key_file_get_uint64(kf, "partition", "n", NULL) == sh->n;
	if (ok) {
		guint i = 0;
		sh->reasm.enabled = g_ascii_strtoull(r[i++], NULL, 10) != 0;
		for (int f = 0; f < 2; f++)
			for (int c = 0; c < DM_REASM_N_COUNT; c++)
				sh->reasm.count[f][c] = g_ascii_strtoull(r[i++], NULL, 10);
		sh->reasm.peak_memory = g_ascii_strtoull(r[i++], NULL, 10);
		sh->reasm.max_memory = g_ascii_strtoull(r[i++], NULL, 10);
	} else {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: missing, or not made by "
		            "demuxsim %s partition -N %u", mpath, PACKAGE_VERSION, sh->n);
	}
	char *clock = ok ? g_key_file_get_string(kf, "partition", "clock", NULL) : NULL;
	gchar **c = clock ? g_strsplit(clock, ";", -1) : NULL;
	if (c && g_strv_length(c) == 4) {
		sh->have_clock = true;
		for (int i = 0; i < 2; i++) {
			sh->clock_sec[i] = g_ascii_strtoll(c[2 * i], NULL, 10);
			sh->clock_nsec[i] = (uint32_t)g_ascii_strtoull(c[2 * i + 1], NULL, 10);
		}
	}
	g_strfreev(c);
	g_free(clock);
	g_strfreev(r);
	g_free(reasm);
	g_free(version);
	g_free(mpath);
	return ok;
}

/* Replace, in the recorded options, each bucket's path by its input's
 * name: the shards of the buckets agree with one another. */
static void
options_as_inputs(dm_shard *sh)
{
	for (guint i = 0; i + 1 < sh->options->len; i++) {
		shard_bucket *b = g_hash_table_lookup(sh->buckets, sh->options->pdata[i]);
		if (b) {
			g_free(sh->options->pdata[i]);
			sh->options->pdata[i] = g_strdup(b->name);
		}
	}
}

bool
dm_shard_use_buckets(dm_shard *sh, char **paths, guint n, GError **error)
{
	guint64 head[3];
	guint buckets = 0;
	for (guint i = 0; i < n; i++)
		buckets += read_index_head(paths[i], head);
	if (!buckets)
		return true;
	GKeyFile *kf = g_key_file_new();
	bool ok = load_manifest(sh, paths[0], kf, error);
	gchar **names = ok ? g_key_file_get_string_list(kf, "partition", "inputs", NULL, NULL) : NULL;
	char *fl = ok ? g_key_file_get_string(kf, "partition", "frames", NULL) : NULL;
	gchar **frames = fl ? g_strsplit(fl, ";", -1) : NULL;
	guint inputs = names ? g_strv_length(names) : 0;
	sh->buckets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, bucket_free);
	for (guint i = 0; ok && i < n; i++) {
		if (!read_index_head(paths[i], head) || head[0] != sh->k || head[1] != sh->n ||
		    head[2] >= inputs || !frames || g_strv_length(frames) != inputs) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a bucket of "
			            "partition %u of %u (its .frames index names another, or none)",
			            paths[i], sh->k, sh->n);
			ok = false;
			break;
		}
		shard_bucket *b = g_new0(shard_bucket, 1);
		b->name = g_strdup(names[head[2]]);
		b->frames = g_ascii_strtoull(frames[head[2]], NULL, 10);
		g_hash_table_insert(sh->buckets, g_strdup(paths[i]), b);
	}
	if (ok && n != inputs) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%u buckets given for "
		            "partition %u, which has %u (one per input of demuxsim partition)",
		            n, sh->k, inputs);
		ok = false;
	}
	if (ok)
		options_as_inputs(sh);
	g_strfreev(frames);
	g_free(fl);
	g_strfreev(names);
	g_key_file_free(kf);
	return ok;
}

const char *
dm_shard_bucket(const dm_shard *sh, const char *path, uint64_t *frames)
{
	shard_bucket *b = sh && sh->buckets ? g_hash_table_lookup(sh->buckets, path) : NULL;
	if (!b)
		return NULL;
	*frames = b->frames;
	return b->name;
}

bool
dm_shard_bucket_reasm(const dm_shard *sh, dm_reasm_stats *out)
{
	if (!sh || !sh->buckets)
		return false;
	*out = sh->reasm;
	return true;
}

bool
dm_shard_bucket_clock(const dm_shard *sh, bool end, int64_t *sec, uint32_t *nsec)
{
	if (!sh || !sh->buckets || !sh->have_clock)
		return false;
	*sec = sh->clock_sec[end];
	*nsec = sh->clock_nsec[end];
	return true;
}
