/* partition.c - demuxsim partition (see partition.h): every frame of the
 * inputs decoded once (its tunnels opened, its fragments reassembled to
 * count the capture's reassembly), written to the buckets of the
 * partitions of the hosts of every packet it carries (dm_shard_frame_hosts).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "demuxsim/capture.h"
#include "demuxsim/decode.h"
#include "demuxsim/dump.h"
#include "demuxsim/partition.h"
#include "demuxsim/report-errors.h"
#include "demuxsim/run.h"
#include "demuxsim/shard.h"

/* A bucket pcap is written with room for any record. */
#define BUCKET_SNAPLEN 262144

typedef struct {
	dm_dump *dump;
	FILE *index;
	char *path;
} bucket;

typedef struct {
	const char *dir;
	uint32_t n;
	bucket *b;          /* n of them, for the current input */
	bool *mark;         /* n: the frame goes to bucket k */
	dm_reasm *ra;
	uint64_t frame;     /* across the inputs, for reassembly */
	GArray *frames;     /* uint64_t: each input's frame count */
	GPtrArray *names;   /* const char *: the inputs opened, in order */
	int64_t first_sec, last_sec;   /* the first frame's time, the latest */
	uint32_t first_nsec, last_nsec;
} partitioner;

static char *
bucket_path(const partitioner *pt, uint32_t k, guint input)
{
	char name[64];
	g_snprintf(name, sizeof name, "part-%u-of-%u.%05u.pcap", k, pt->n, input);
	return g_build_filename(pt->dir, name, NULL);
}

/* The buckets of input @i (@cap): all N, empty ones included, so that
 * each shard lists every input. */
static bool
open_buckets(partitioner *pt, guint i, const dm_capture *cap)
{
	for (uint32_t k = 0; k < pt->n; k++) {
		GError *err = NULL;
		bucket *b = &pt->b[k];
		b->path = bucket_path(pt, k, i);
		b->dump = dm_dump_open(b->path, dm_capture_linktype(cap),
		                       MAX(dm_capture_snaplen(cap), BUCKET_SNAPLEN),
		                       dm_capture_nanosecond(cap), &err);
		char *ipath = g_strconcat(b->path, ".frames", NULL);
		b->index = b->dump ? fopen(ipath, "w") : NULL;
		if (!b->dump || !b->index) {
			dm_report_input_error(b->dump ? ipath : b->path, 0,
			                      err ? err->message : g_strerror(errno));
			g_clear_error(&err);
			g_free(ipath);
			return false;
		}
		g_free(ipath);
		fprintf(b->index, "demuxsim-partition %u %u %u\n", k, pt->n, i);
	}
	return true;
}

static bool
close_buckets(partitioner *pt)
{
	bool ok = true;
	for (uint32_t k = 0; k < pt->n; k++) {
		bucket *b = &pt->b[k];
		GError *err = NULL;
		if (b->dump && !dm_dump_close(b->dump, &err)) {
			dm_report_input_error(b->path, 0, err->message);
			g_error_free(err);
			ok = false;
		}
		if (b->index && fclose(b->index) != 0 && ok) {
			dm_report_input_error(b->path, 0, "its frame index cannot be written");
			ok = false;
		}
		g_free(b->path);
		memset(b, 0, sizeof *b);
	}
	return ok;
}

static void
mark_packet(partitioner *pt, dm_frame_status st, const dm_packet *pkt)
{
	uint32_t r, s;
	dm_shard_frame_hosts(st, pkt, pt->n, &r, &s);
	pt->mark[r] = pt->mark[s] = true;
}

/* Frame @in_file of the input (record @rec) to its buckets. */
static void
partition_frame(partitioner *pt, const dm_record *rec, bool nano, uint64_t in_file)
{
	dm_packet pkt, inner[2];
	dm_frame_status st = dm_decode_frame(rec->dlt, rec->data, rec->caplen, rec->wirelen, &pkt);
	uint32_t nsec = nano ? rec->frac : rec->frac * 1000;
	if (++pt->frame == 1) {
		pt->first_sec = rec->sec;
		pt->first_nsec = nsec;
	}
	if (pt->frame == 1 || rec->sec > pt->last_sec ||
	    (rec->sec == pt->last_sec && nsec > pt->last_nsec)) {
		/* The simulation's clock never goes back. */
		pt->last_sec = rec->sec;
		pt->last_nsec = nsec;
	}
	if (pt->ra)
		st = dm_reasm_frame(pt->ra, pt->frame, rec->sec, nsec, st, &pkt);
	memset(pt->mark, 0, pt->n * sizeof *pt->mark);
	mark_packet(pt, st, &pkt);
	const dm_packet *outer = &pkt;
	for (unsigned i = 0; dm_decode_tunnel(outer, &st, &inner[i & 1]); i++) {
		outer = &inner[i & 1];
		mark_packet(pt, st, outer);
	}
	for (uint32_t k = 0; k < pt->n; k++) {
		if (!pt->mark[k])
			continue;
		dm_dump_write(pt->b[k].dump, rec);
		fprintf(pt->b[k].index, "%" PRIu64 "\n", in_file);
	}
}

/* Input @name through the partitioner, as the next input opened.
 * Returns false after an error (reported). */
static bool
partition_input(partitioner *pt, const char *name)
{
	guint i = pt->frames->len;
	GError *err = NULL;
	dm_capture *cap = dm_capture_open_file(name, &err);
	if (!cap) {
		dm_report_input_error(name, 0, err->message);
		g_error_free(err);
		return false;
	}
	char lt[64], msg[128];
	int dlt = dm_capture_linktype(cap);
	if (!dm_linktype_supported(dlt)) {
		g_snprintf(msg, sizeof msg, "unsupported link type %s",
		           dm_linktype_describe(dlt, lt, sizeof lt));
		dm_report_input_error(name, 0, msg);
		dm_capture_close(cap);
		return false;
	}
	bool ok = open_buckets(pt, i, cap);
	bool nano = dm_capture_nanosecond(cap);
	uint64_t in_file = 0;
	dm_record rec;
	int rc = 0;
	while (ok && (rc = dm_capture_next(cap, &rec, &err)) == 1) {
		in_file++;
		if (rec.dlt != dlt) {
			g_snprintf(msg, sizeof msg, "link type %s differs from the file's first "
			           "(a bucket holds one link type)",
			           dm_linktype_describe(rec.dlt, lt, sizeof lt));
			dm_report_input_error(name, in_file, msg);
			ok = false;
			break;
		}
		partition_frame(pt, &rec, nano, in_file);
	}
	if (rc < 0) {
		dm_report_input_error(name, in_file + 1, err->message);
		g_error_free(err);
		ok = false;
	}
	g_array_append_val(pt->frames, in_file);
	g_ptr_array_add(pt->names, (gpointer)name);
	dm_capture_close(cap);
	return close_buckets(pt) && ok;
}

/* partition.ini: what a shard of the buckets reports as the whole
 * capture's (see dm_shard_use_buckets). */
static bool
write_manifest(const partitioner *pt, const char *const *names, guint n,
               const dm_reasm_stats *rs)
{
	GKeyFile *kf = g_key_file_new();
	g_key_file_set_string(kf, "partition", "version", PACKAGE_VERSION);
	g_key_file_set_uint64(kf, "partition", "n", pt->n);
	g_key_file_set_string_list(kf, "partition", "inputs", names, n);
	GString *list = g_string_new(NULL);
	for (guint i = 0; i < pt->frames->len; i++)
		g_string_append_printf(list, "%s%" PRIu64, i ? ";" : "",
		                       g_array_index(pt->frames, uint64_t, i));
	g_key_file_set_string(kf, "partition", "frames", list->str);
	g_string_truncate(list, 0);
	g_string_append_printf(list, "%d", rs->enabled ? 1 : 0);
	for (int f = 0; f < 2; f++)
		for (int c = 0; c < DM_REASM_N_COUNT; c++)
			g_string_append_printf(list, ";%" PRIu64, rs->count[f][c]);
	g_string_append_printf(list, ";%" PRIu64 ";%" PRIu64, rs->peak_memory, rs->max_memory);
	g_key_file_set_string(kf, "partition", "reassembly", list->str);
	if (pt->frame) {
		/* The simulation's clock starts with the first, ends with the latest. */
		g_string_printf(list, "%" PRId64 ";%u;%" PRId64 ";%u", pt->first_sec,
		                pt->first_nsec, pt->last_sec, pt->last_nsec);
		g_key_file_set_string(kf, "partition", "clock", list->str);
	}
	g_string_free(list, TRUE);
	char *path = g_build_filename(pt->dir, DM_PARTITION_MANIFEST, NULL);
	GError *err = NULL;
	bool ok = g_key_file_save_to_file(kf, path, &err);
	if (!ok) {
		dm_report_input_error(path, 0, err->message);
		g_error_free(err);
	}
	g_free(path);
	g_key_file_free(kf);
	return ok;
}

int
dm_partition_run(const char *dir, uint32_t parts, dm_reasm *ra,
                 const char *const *names, guint n)
{
	if (g_mkdir_with_parents(dir, 0777) != 0) {
		dm_report_input_error(dir, 0, g_strerror(errno));
		dm_reasm_free(ra);
		return DM_EXIT_INPUT;
	}
	partitioner pt = { .dir = dir, .n = parts };
	pt.b = g_new0(bucket, parts);
	pt.mark = g_new0(bool, parts);
	pt.ra = ra;
	pt.frames = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	pt.names = g_ptr_array_new();
	/* As a run does, the other inputs are still read after an error:
	 * those that could not be opened have no bucket (a run does not
	 * list them either). */
	bool ok = true;
	for (guint i = 0; i < n; i++)
		if (!partition_input(&pt, names[i]))
			ok = false;
	dm_reasm_stats rs;
	memset(&rs, 0, sizeof rs);
	if (pt.ra)
		dm_reasm_finish(pt.ra, &rs);
	/* After an error the manifest still says what was read: the shards
	 * of the buckets report it as a whole run does, up to the error. */
	if (!write_manifest(&pt, (const char *const *)pt.names->pdata, pt.names->len, &rs))
		ok = false;
	g_ptr_array_unref(pt.names);
	dm_reasm_free(pt.ra);
	g_array_unref(pt.frames);
	g_free(pt.mark);
	g_free(pt.b);
	return ok ? DM_EXIT_DONE : DM_EXIT_INPUT;
}
