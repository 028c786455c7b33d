/* live.c - capturing from an interface through libpcap: pcap_create,
 * options, pcap_activate (as tcpdump opens its device), the BPF filter,
 * non-blocking reads for a poll loop; the interface list; giving up root
 * after the device is open (tcpdump -Z).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <unistd.h>

#include "demuxsim/live.h"

#define DEFAULT_SNAPLEN 262144
#define READ_TIMEOUT_MS 100

struct dm_live {
	pcap_t *pcap;
	int dlt;
	int snaplen;
	bool nano;
	int fd;
};

G_DEFINE_QUARK(dm-live-error-quark, dm_live_error)

/* SLL2 carries the interface index as well: the better view of "any". */
static void
prefer_sll2(pcap_t *p)
{
#ifdef DLT_LINUX_SLL2
	int *dlts = NULL;
	int n = pcap_list_datalinks(p, &dlts);
	for (int i = 0; i < n; i++) {
		if (dlts[i] == DLT_LINUX_SLL2) {
			pcap_set_datalink(p, DLT_LINUX_SLL2);
			break;
		}
	}
	if (n >= 0)
		pcap_free_datalinks(dlts);
#else
	(void)p;
#endif
}

static bool
install_filter(pcap_t *p, const char *expr, GError **error)
{
	struct bpf_program prog;
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_FILTER, "%s", pcap_geterr(p));
		return false;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_FILTER, "%s", pcap_geterr(p));
		return false;
	}
	return true;
}

/* The error of a failed pcap_activate, as tcpdump words it. */
static void
activate_error(pcap_t *p, const char *dev, int rc, GError **error)
{
	const char *detail = pcap_geterr(p);
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_PERMISSION,
		            "%s: You don't have permission to capture on that device (%s)",
		            dev, detail && *detail ? detail : pcap_statustostr(rc));
		break;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_DEVICE,
		            "%s: No such device exists", dev);
		break;
	default:
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_DEVICE, "%s: %s (%s)", dev,
		            pcap_statustostr(rc), detail && *detail ? detail : "");
		break;
	}
}

dm_live *
dm_live_open(const dm_live_config *cfg, GError **error)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(cfg->device, errbuf);
	if (!p) {
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_DEVICE, "%s: %s", cfg->device, errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, cfg->snaplen > 0 ? cfg->snaplen : DEFAULT_SNAPLEN);
	pcap_set_promisc(p, !cfg->no_promisc);
	pcap_set_timeout(p, READ_TIMEOUT_MS);
	if (!cfg->buffered)
		pcap_set_immediate_mode(p, 1);
	bool nano = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) == 0;

	int rc = pcap_activate(p);
	if (rc < 0) {
		activate_error(p, cfg->device, rc, error);
		pcap_close(p);
		return NULL;
	}
	if (strcmp(cfg->device, "any") == 0)
		prefer_sll2(p);
	if (cfg->filter && *cfg->filter && !install_filter(p, cfg->filter, error)) {
		pcap_close(p);
		return NULL;
	}
	if (pcap_setnonblock(p, 1, errbuf) != 0) {
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_DEVICE, "%s: %s", cfg->device, errbuf);
		pcap_close(p);
		return NULL;
	}
	dm_live *lv = g_new0(dm_live, 1);
	lv->pcap = p;
	lv->dlt = pcap_datalink(p);
	lv->snaplen = pcap_snapshot(p);
	lv->nano = nano && pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	lv->fd = pcap_get_selectable_fd(p);
	return lv;
}

int
dm_live_next(dm_live *lv, dm_record *rec, GError **error)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(lv->pcap, &h, &data);
	if (rc == 1) {
		dm_record_set_time(rec, h->ts.tv_sec, h->ts.tv_usec, lv->nano);
		rec->caplen = h->caplen;
		rec->wirelen = h->len;
		rec->data = data;
		rec->dlt = lv->dlt;
		rec->skipped = 0;  /* the kernel filters a live capture */
		return 1;
	}
	if (rc == 0 || rc == PCAP_ERROR_BREAK)
		return 0;
	g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_READ, "%s", pcap_geterr(lv->pcap));
	return -1;
}

int dm_live_fd(const dm_live *lv) { return lv->fd; }
int dm_live_linktype(const dm_live *lv) { return lv->dlt; }
int dm_live_snaplen(const dm_live *lv) { return lv->snaplen; }
bool dm_live_nanosecond(const dm_live *lv) { return lv->nano; }

bool
dm_live_get_stats(dm_live *lv, dm_live_stats *st)
{
	struct pcap_stat ps;
	memset(st, 0, sizeof *st);
	if (pcap_stats(lv->pcap, &ps) != 0)
		return false;
	st->received = ps.ps_recv;
	st->dropped = ps.ps_drop;
	st->if_dropped = ps.ps_ifdrop;
	return true;
}

void
dm_live_close(dm_live *lv)
{
	if (!lv)
		return;
	pcap_close(lv->pcap);
	g_free(lv);
}

static void
device_clear(gpointer p)
{
	dm_live_device *d = p;
	g_free(d->name);
	g_free(d->description);
}

GArray *
dm_live_devices(GError **error)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all = NULL;
	if (pcap_findalldevs(&all, errbuf) != 0) {
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_DEVICE, "%s", errbuf);
		return NULL;
	}
	GArray *a = g_array_new(FALSE, TRUE, sizeof(dm_live_device));
	g_array_set_clear_func(a, device_clear);
	for (pcap_if_t *i = all; i; i = i->next) {
		dm_live_device d = {
			.name = g_strdup(i->name),
			.description = g_strdup(i->description),
			.up = (i->flags & PCAP_IF_UP) != 0,
			.running = (i->flags & PCAP_IF_RUNNING) != 0,
			.loopback = (i->flags & PCAP_IF_LOOPBACK) != 0,
			.wireless = (i->flags & PCAP_IF_WIRELESS) != 0,
		};
		switch (i->flags & PCAP_IF_CONNECTION_STATUS) {
		case PCAP_IF_CONNECTION_STATUS_CONNECTED: d.connection = 1; break;
		case PCAP_IF_CONNECTION_STATUS_DISCONNECTED: d.connection = 2; break;
		case PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE: d.connection = 3; break;
		default: d.connection = 0; break;
		}
		g_array_append_val(a, d);
	}
	pcap_freealldevs(all);
	return a;
}

bool
dm_live_drop_privileges(const char *user, GError **error)
{
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_USER,
		            "-Z: unknown user '%s'", user);
		return false;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_USER,
		            "-Z: cannot become user '%s': %s", user, g_strerror(errno));
		return false;
	}
	/* Root must be gone for good. */
	if (pw->pw_uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		g_set_error(error, DM_LIVE_ERROR, DM_LIVE_ERROR_USER,
		            "-Z: root privileges could be regained after becoming '%s'", user);
		return false;
	}
	return true;
}

double
dm_live_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
