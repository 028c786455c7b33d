/* split.c - one pcap per socket.  Frames are noted by socket id during
 * the run and written in a second read of the inputs, so that no more
 * than a bounded number of output files is open at once (files closed to
 * stay under the bound are reopened with pcap_dump_open_append).
 *
 * A pcap file holds one link type: in a pcapng input whose interfaces
 * have several, a socket's frames of the input's first link type go to
 * its file, those of another link type to a file of their own, named with
 * the link type ("1-udp-192.0.2.1-53.raw.pcap").  Outputs from a pcapng
 * input take libpcap's largest snapshot length (262144) unless the input
 * declares a larger one, as its interfaces' snapshot lengths may differ.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <string.h>

#include "demuxsim/capture.h"
#include "demuxsim/decode.h"
#include "demuxsim/report.h"
#include "demuxsim/split.h"

#define MAX_OPEN 128

struct dm_split {
	char *dir;
	GArray *by_frame;      /* guint: socket id per frame (index frame-1) */
	GHashTable *names;     /* socket id -> file name */
	GHashTable *open;      /* file name -> pcap_dumper_t * */
	GHashTable *started;   /* file names that exist */
};

GQuark dm_split_error_quark(void);
G_DEFINE_QUARK(dm-split-error-quark, dm_split_error)

static void
close_dumper(gpointer p)
{
	pcap_dump_close(p);
}

dm_split *
dm_split_new(const char *dir, GError **error)
{
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		g_set_error(error, dm_split_error_quark(), 0, "cannot create directory: %s",
		            g_strerror(errno));
		return NULL;
	}
	dm_split *sp = g_new0(dm_split, 1);
	sp->dir = g_strdup(dir);
	sp->by_frame = g_array_new(FALSE, TRUE, sizeof(guint));
	sp->names = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	sp->open = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, close_dumper);
	sp->started = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return sp;
}

void
dm_split_free(dm_split *sp)
{
	if (!sp)
		return;
	g_hash_table_unref(sp->open);
	g_hash_table_unref(sp->names);
	g_hash_table_unref(sp->started);
	g_array_unref(sp->by_frame);
	g_free(sp->dir);
	g_free(sp);
}

/* An address fit for a file name: IPv6 colons become underscores. */
static void
file_address(const dm_socket *s, const uint8_t *addr, char *buf)
{
	dm_report_address(dm_socket_family(s), addr, buf);
	for (char *p = buf; *p; p++)
		if (*p == ':')
			*p = '_';
}

void
dm_split_note(dm_split *sp, uint64_t frame, const dm_socket *s)
{
	guint id = dm_socket_id(s);
	if (frame > sp->by_frame->len)
		g_array_set_size(sp->by_frame, (guint)frame);
	g_array_index(sp->by_frame, guint, frame - 1) = id;
	if (g_hash_table_contains(sp->names, GUINT_TO_POINTER(id)))
		return;

	char l[48], r[48];
	uint16_t lport, rport;
	const uint8_t *ra = dm_socket_remote(s, &rport);
	file_address(s, dm_socket_local(s, &lport), l);
	char *name;
	if (ra) {
		file_address(s, ra, r);
		name = g_strdup_printf("%u-%s-%s-%u-%s-%u.pcap", id,
		                       dm_socket_proto(s) == 17 ? "udp" : "tcp", l, lport, r, rport);
	} else {
		name = g_strdup_printf("%u-%s-%s-%u.pcap", id,
		                       dm_socket_proto(s) == 17 ? "udp" : "tcp", l, lport);
	}
	g_hash_table_insert(sp->names, GUINT_TO_POINTER(id), name);
}

/* Complete and close the open files.  Returns false, with @error set
 * (unless already set), when one could not be written. */
static bool
close_all(dm_split *sp, GError **error)
{
	GHashTableIter it;
	gpointer id, d;
	bool ok = true;

	g_hash_table_iter_init(&it, sp->open);
	while (g_hash_table_iter_next(&it, &id, &d)) {
		if (pcap_dump_flush(d) == 0 || !ok)
			continue;
		ok = false;
		if (error && !*error)
			g_set_error(error, dm_split_error_quark(), 0, "%s/%s: %s", sp->dir,
			            (const char *)id, g_strerror(errno));
	}
	g_hash_table_remove_all(sp->open);
	return ok;
}

/* Whether a frame after @frame was noted. */
static bool
noted_after(const dm_split *sp, uint64_t frame)
{
	for (uint64_t i = frame; i < sp->by_frame->len; i++)
		if (g_array_index(sp->by_frame, guint, i))
			return true;
	return false;
}

/* The file for socket @id's frames of link type @dlt: its own name for
 * the input's (first) link type @first, else with the link type's. */
static char *
file_name(const dm_split *sp, guint id, int dlt, int first)
{
	const char *name = g_hash_table_lookup(sp->names, GUINT_TO_POINTER(id));
	if (dlt == first)
		return g_strdup(name);
	const char *lt = pcap_datalink_val_to_name(dlt);
	char *l = lt ? g_ascii_strdown(lt, -1) : g_strdup_printf("dlt%d", dlt);
	char *f = g_strdup_printf("%.*s.%s.pcap", (int)(strlen(name) - 5), name, l);
	g_free(l);
	return f;
}

static pcap_dumper_t *
dumper_for(dm_split *sp, pcap_t *dead, char *name, GError **error)
{
	pcap_dumper_t *d = g_hash_table_lookup(sp->open, name);
	if (d) {
		g_free(name);
		return d;
	}
	if (g_hash_table_size(sp->open) >= MAX_OPEN && !close_all(sp, error)) {
		g_free(name);
		return NULL;
	}
	char *path = g_build_filename(sp->dir, name, NULL);
	bool append = g_hash_table_contains(sp->started, name);
	d = append ? pcap_dump_open_append(dead, path) : pcap_dump_open(dead, path);
	if (!d) {
		g_set_error(error, dm_split_error_quark(), 0, "%s: %s", path, pcap_geterr(dead));
		g_free(name);
	} else {
		g_hash_table_insert(sp->open, name, d);
		if (!append)
			g_hash_table_add(sp->started, g_strdup(name));
	}
	g_free(path);
	return d;
}

/* A handle to write frames of link type @dlt of @cap with, made the
 * first time (kept in @deads). */
static pcap_t *
dead_for(GHashTable *deads, const dm_capture *cap, int dlt, bool pcapng, GError **error)
{
	pcap_t *dead = g_hash_table_lookup(deads, GINT_TO_POINTER(dlt));
	if (dead)
		return dead;
	int snaplen = dm_capture_snaplen(cap);
	if (pcapng)
		snaplen = MAX(snaplen, 262144);
	dead = pcap_open_dead_with_tstamp_precision(dlt, snaplen,
		dm_capture_nanosecond(cap) ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (dead)
		g_hash_table_insert(deads, GINT_TO_POINTER(dlt), dead);
	else
		g_set_error(error, dm_split_error_quark(), 0, "cannot write link type %d", dlt);
	return dead;
}

static void
close_dead(gpointer p)
{
	pcap_close(p);
}

/* Whether @path is a pcapng file (its first four bytes). */
static bool
is_pcapng(const char *path)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : NULL;
	unsigned char m[4] = { 0 };
	bool ng = fp && fread(m, 1, 4, fp) == 4 && m[0] == 0x0a && m[1] == 0x0d &&
	          m[2] == 0x0d && m[3] == 0x0a;
	if (fp)
		fclose(fp);
	return ng;
}

gboolean
dm_split_write(dm_split *sp, const char *const *paths, guint n, uint64_t frames,
               GError **error)
{
	uint64_t frame = 0;
	gboolean ok = TRUE;
	GError *unread = NULL;   /* why the last input skipped was */

	for (guint i = 0; ok && i < n && frame < frames; i++) {
		/* An input the run could not read contributed no frames. */
		g_clear_error(&unread);
		dm_capture *cap = *paths[i] ? dm_capture_open_file(paths[i], &unread) : NULL;
		if (cap && !dm_linktype_supported(dm_capture_linktype(cap))) {
			dm_capture_close(cap);
			cap = NULL;
		}
		if (!cap)
			continue;
		GHashTable *deads = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
		                                          close_dead);
		bool pcapng = is_pcapng(paths[i]);
		int first = dm_capture_linktype(cap);
		dm_record rec;
		while (ok && frame < frames && dm_capture_next(cap, &rec, NULL) == 1) {
			frame++;
			if (frame > sp->by_frame->len)
				break;
			guint id = g_array_index(sp->by_frame, guint, frame - 1);
			if (!id)
				continue;
			pcap_t *dead = dead_for(deads, cap, rec.dlt, pcapng, error);
			pcap_dumper_t *d = dead ? dumper_for(sp, dead, file_name(sp, id, rec.dlt, first),
			                                     error) : NULL;
			if (!d) {
				ok = FALSE;
				break;
			}
			struct pcap_pkthdr h = { .caplen = rec.caplen, .len = rec.wirelen };
			h.ts.tv_sec = rec.sec;
			h.ts.tv_usec = rec.frac;
			pcap_dump((u_char *)d, &h, rec.data);
		}
		/* Dumpers belong to this input's link types: close them now. */
		if (!close_all(sp, error))
			ok = FALSE;
		g_hash_table_unref(deads);
		dm_capture_close(cap);
	}
	/* Frames the run gave a socket that could not be read again (an
	 * input that can no longer be opened) are an error too. */
	if (ok && frame < frames && noted_after(sp, frame)) {
		g_set_error(error, dm_split_error_quark(), 0,
		            "cannot read the frames to split again after frame %" G_GUINT64_FORMAT "%s%s",
		            frame, unread ? ": " : "", unread ? unread->message : "");
		ok = FALSE;
	}
	g_clear_error(&unread);
	return ok;
}
