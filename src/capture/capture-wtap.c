/* capture-wtap.c - capture files through Wireshark's libwiretap, for the
 * pcapng files libpcap refuses: interfaces of different link types, or of
 * different snapshot lengths.  libpcap stays the first choice (it reads
 * faster); capture.c turns to this reader when libpcap refuses a file.
 *
 * Each packet record carries its interface's link type: libwiretap's
 * encapsulation, mapped back to the DLT_ value libpcap would give.  For
 * the link types demuxsim decodes, libwiretap hands out the record's bytes
 * as they are in the file (it moves a pseudo-header out of the bytes only
 * for link types such as ATM, IrDA or MTP2, which are not decoded).
 * Times come as nanoseconds and are kept at the precision asked for.  A
 * record longer than its interface's snapshot length is cut to it, as
 * libpcap's path cuts it (pcapng-clamp.c).
 */
#include "config.h"

#ifdef HAVE_WIRETAP

#include <wiretap/pcap-encap.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>
#include <wsutil/wslog.h>

#include "capture-int.h"

/* The LINKTYPE_ values to look through for the encapsulation map. */
#define LINKTYPE_SCAN 300
#define ENCAP_MAX 1024

struct dm_wtap {
	wtap *wth;
	wtap_rec rec;
	Buffer buf;
	bool nano;
	int dlt, snaplen;
	uint64_t records;
	GArray *snaplens;   /* uint32_t: each interface's, as far as known */
};

/* libwiretap encapsulation -> DLT_ (-1: none).  The lowest link type of
 * those with one encapsulation is libpcap's own value (DLT_RAW 12 on
 * Linux for LINKTYPE_RAW 101; DLT_C_HDLC 104 for 112). */
static int encap_dlt[ENCAP_MAX];

/* libwiretap's own log messages (debugging, mostly): not shown; what
 * goes wrong reaches the caller as an error. */
static void
quiet_log(const char *domain, enum ws_log_level level, struct timespec timestamp,
          const char *file, long line, const char *func, const char *user_format,
          va_list user_ap, void *user_data)
{
	(void)domain, (void)level, (void)timestamp, (void)file, (void)line, (void)func;
	(void)user_format, (void)user_ap, (void)user_data;
}

static gpointer
init_once(gpointer unused)
{
	(void)unused;
	ws_log_set_writer(quiet_log);
	ws_log_set_level(LOG_LEVEL_CRITICAL);
	wtap_init(FALSE);
	for (int e = 0; e < ENCAP_MAX; e++)
		encap_dlt[e] = -1;
	for (int l = LINKTYPE_SCAN - 1; l >= 0; l--) {
		int e = wtap_pcap_encap_to_wtap_encap(l);
		if (e > WTAP_ENCAP_UNKNOWN && e < ENCAP_MAX)
			encap_dlt[e] = l;
	}
	return NULL;
}

static int
dlt_of(int encap)
{
	return encap > WTAP_ENCAP_UNKNOWN && encap < ENCAP_MAX ? encap_dlt[encap] : -1;
}

static void
set_wtap_error(GError **error, const char *what, int err, char *err_info)
{
	if (err_info && *err_info)
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s: %s (%s)", what, wtap_strerror(err),
		            err_info);
	else
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s: %s", what, wtap_strerror(err));
	g_free(err_info);
}

/* The link type and snapshot length of the first interface, if libwiretap
 * has read it yet. */
static void
first_interface(dm_wtap *w)
{
	wtapng_iface_descriptions_t *idb = wtap_file_get_idb_info(w->wth);
	w->dlt = dlt_of(wtap_file_encap(w->wth));
	w->snaplen = (int)wtap_snapshot_length(w->wth);
	if (idb && idb->interface_data && idb->interface_data->len > 0) {
		wtap_block_t b = g_array_index(idb->interface_data, wtap_block_t, 0);
		const wtapng_if_descr_mandatory_t *m = wtap_block_get_mandatory_data(b);
		w->dlt = dlt_of(m->wtap_encap);
		w->snaplen = (int)m->snap_len;
	}
	g_free(idb);
}

/* The snapshot length of interface @id (0: none, or not known). */
static uint32_t
iface_snaplen(dm_wtap *w, guint id)
{
	if (id >= w->snaplens->len) {
		wtapng_iface_descriptions_t *idb = wtap_file_get_idb_info(w->wth);
		for (guint i = w->snaplens->len; idb && idb->interface_data &&
		     i < idb->interface_data->len; i++) {
			wtap_block_t b = g_array_index(idb->interface_data, wtap_block_t, i);
			const wtapng_if_descr_mandatory_t *m = wtap_block_get_mandatory_data(b);
			uint32_t snap = m->snap_len;
			g_array_append_val(w->snaplens, snap);
		}
		g_free(idb);
	}
	return id < w->snaplens->len ? g_array_index(w->snaplens, uint32_t, id) : 0;
}

dm_wtap *
dm_wtap_open(const char *path, bool nano, GError **error)
{
	static GOnce once = G_ONCE_INIT;
	int err = 0;
	char *err_info = NULL;

	g_once(&once, init_once, NULL);
	wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, FALSE);
	if (!wth) {
		set_wtap_error(error, "not read by libwiretap either", err, err_info);
		return NULL;
	}
	dm_wtap *w = g_new0(dm_wtap, 1);
	w->wth = wth;
	w->nano = nano;
	wtap_rec_init(&w->rec);
	ws_buffer_init(&w->buf, 1 << 16);
	w->snaplens = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	first_interface(w);
	return w;
}

int
dm_wtap_linktype(const dm_wtap *w)
{
	return w->dlt;
}

int
dm_wtap_snaplen(const dm_wtap *w)
{
	return w->snaplen;
}

int
dm_wtap_next(dm_wtap *w, dm_record *rec, GError **error)
{
	int err = 0;
	char *err_info = NULL;
	gint64 offset;

	for (;;) {
		wtap_rec_reset(&w->rec);
		if (!wtap_read(w->wth, &w->rec, &w->buf, &err, &err_info, &offset)) {
			if (err == 0) {
				g_free(err_info);
				return 0;
			}
			char *what = g_strdup_printf("damaged record after record %" G_GUINT64_FORMAT
			                             " (libwiretap)", w->records);
			set_wtap_error(error, what, err, err_info);
			g_free(what);
			return -1;
		}
		if (w->rec.rec_type == REC_TYPE_PACKET)
			break;
	}
	w->records++;
	const wtap_packet_header *ph = &w->rec.rec_header.packet_header;
	rec->dlt = dlt_of(ph->pkt_encap);
	if (w->rec.presence_flags & WTAP_HAS_TS)
		dm_record_set_time(rec, w->rec.ts.secs,
		                   w->nano ? w->rec.ts.nsecs : w->rec.ts.nsecs / 1000, w->nano);
	else
		dm_record_set_time(rec, 0, 0, w->nano);
	rec->caplen = ph->caplen;
	if (w->rec.presence_flags & WTAP_HAS_INTERFACE_ID) {
		uint32_t snap = iface_snaplen(w, ph->interface_id);
		if (snap && rec->caplen > snap)
			rec->caplen = snap;
	}
	rec->wirelen = ph->len;
	rec->data = ws_buffer_start_ptr(&w->buf);
	return 1;
}

uint64_t
dm_wtap_records(const dm_wtap *w)
{
	return w->records;
}

bool
dm_wtap_progress(dm_wtap *w, uint64_t *done, uint64_t *total)
{
	int err = 0;
	gint64 size = wtap_file_size(w->wth, &err);
	gint64 at = wtap_read_so_far(w->wth);
	if (size < 0 || at < 0)
		return false;
	*done = (uint64_t)at;
	*total = (uint64_t)size;
	return true;
}

void
dm_wtap_close(dm_wtap *w)
{
	if (!w)
		return;
	wtap_close(w->wth);
	wtap_rec_cleanup(&w->rec);
	ws_buffer_free(&w->buf);
	g_array_unref(w->snaplens);
	g_free(w);
}

#endif /* HAVE_WIRETAP */
