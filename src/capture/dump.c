/* dump.c - frames written to a pcap file as they are processed (-w),
 * through libpcap's dumper on a dead handle of the capture's link type
 * and timestamp precision.
 */
#include "config.h"

#include <pcap/pcap.h>

#include "demuxsim/dump.h"

struct dm_dump {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	char *path;
};

/* -U: every frame flushed to the file as it is written. */
static bool packet_buffered;

void
dm_dump_set_packet_buffered(bool on)
{
	packet_buffered = on;
}

dm_dump *
dm_dump_open(const char *path, int dlt, int snaplen, bool nano, GError **error)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(
		dlt, snaplen, nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (!dead) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s: cannot prepare the writer", path);
		return NULL;
	}
	pcap_dumper_t *dumper = pcap_dump_open(dead, path);
	if (!dumper) {
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s", pcap_geterr(dead));
		pcap_close(dead);
		return NULL;
	}
	dm_dump *d = g_new0(dm_dump, 1);
	d->dead = dead;
	d->dumper = dumper;
	d->path = g_strdup(path);
	return d;
}

void
dm_dump_write(dm_dump *d, const dm_record *rec)
{
	struct pcap_pkthdr h = { 0 };
	h.ts.tv_sec = (time_t)rec->sec;
	h.ts.tv_usec = (suseconds_t)rec->frac;
	h.caplen = rec->caplen;
	h.len = rec->wirelen;
	pcap_dump((u_char *)d->dumper, &h, rec->data);
	if (packet_buffered)
		pcap_dump_flush(d->dumper);
}

bool
dm_dump_close(dm_dump *d, GError **error)
{
	if (!d)
		return true;
	bool ok = pcap_dump_flush(d->dumper) == 0;
	FILE *f = pcap_dump_file(d->dumper);
	if (ok && ferror(f))
		ok = false;
	pcap_dump_close(d->dumper);
	pcap_close(d->dead);
	if (!ok)
		g_set_error(error, DM_CAPTURE_ERROR, 0, "%s: write failed", d->path);
	g_free(d->path);
	g_free(d);
	return ok;
}
