/* live.h - capturing from a network interface (through libpcap), and
 * what goes with it: the list of interfaces, the kernel's counters, and
 * giving up root once the device is open.
 *
 * A dm_live yields records as dm_capture does (caplen and wirelen kept
 * apart), without blocking: dm_live_next() returns 0 when nothing is
 * waiting, and dm_live_fd() can be polled.
 */
#ifndef DEMUXSIM_LIVE_H
#define DEMUXSIM_LIVE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/capture.h"

typedef struct dm_live dm_live;

#define DM_LIVE_ERROR (dm_live_error_quark())
GQuark dm_live_error_quark(void);

typedef enum {
	DM_LIVE_ERROR_DEVICE,      /* no such device, or it cannot be opened */
	DM_LIVE_ERROR_PERMISSION,  /* root or CAP_NET_RAW is needed */
	DM_LIVE_ERROR_FILTER,      /* the filter expression does not compile */
	DM_LIVE_ERROR_READ,        /* reading from the device failed */
	DM_LIVE_ERROR_USER,        /* -Z: unknown user, or the switch failed */
} dm_live_error;

/* How to open the device. */
typedef struct {
	const char *device;        /* interface name, or "any" */
	int snaplen;               /* bytes kept per frame; 0 for 262144 */
	bool no_promisc;           /* leave promiscuous mode off */
	bool buffered;             /* no immediate mode (default: immediate) */
	const char *filter;        /* BPF expression, NULL or "" for none */
} dm_live_config;

/* The kernel's counters (pcap_stats). */
typedef struct {
	uint64_t received;         /* frames that passed the filter */
	uint64_t dropped;          /* dropped by the kernel: buffer full */
	uint64_t if_dropped;       /* dropped by the interface or its driver */
} dm_live_stats;

/* One interface, as pcap_findalldevs lists it. */
typedef struct {
	char *name;
	char *description;         /* NULL if none */
	bool up, running, loopback, wireless;
	int connection;            /* 0 unknown, 1 connected, 2 disconnected,
	                            * 3 not applicable */
} dm_live_device;

/**
 * dm_live_open: open and activate @cfg->device with immediate mode
 * (unless buffered), nanosecond timestamps where available, the filter
 * compiled and installed.  On the "any" device the link type SLL2 is
 * chosen when offered.
 * Returns: the handle, or NULL with @error set (DM_LIVE_ERROR_*).
 */
dm_live *dm_live_open(const dm_live_config *cfg, GError **error);

/**
 * dm_live_next: the next captured frame, if one is waiting.
 * Returns: 1 and fills @rec (valid until the next call), 0 when none is
 * waiting, -1 on an error with @error set.
 */
int dm_live_next(dm_live *lv, dm_record *rec, GError **error);

/**
 * dm_live_fd: a descriptor that polls readable when frames wait.
 * Returns: the descriptor, or -1 when the device offers none.
 */
int dm_live_fd(const dm_live *lv);

/**
 * dm_live_linktype / dm_live_snaplen / dm_live_nanosecond: the DLT_ link
 * type, snapshot length and timestamp precision of the open device.
 */
int dm_live_linktype(const dm_live *lv);
int dm_live_snaplen(const dm_live *lv);
bool dm_live_nanosecond(const dm_live *lv);

/**
 * dm_live_get_stats: the kernel's counters for the capture so far.
 * Returns: false when the device does not keep them.
 */
bool dm_live_get_stats(dm_live *lv, dm_live_stats *st);

/**
 * dm_live_close: close @lv (NULL is ignored).
 */
void dm_live_close(dm_live *lv);

/**
 * dm_live_devices: the interfaces a capture can be opened on, in
 * libpcap's order (as tcpdump -D lists them); free with g_array_unref.
 * Returns: a GArray of dm_live_device, or NULL with @error set.
 */
GArray *dm_live_devices(GError **error);

/**
 * dm_live_drop_privileges: become @user (its uid, gid and groups), as
 * tcpdump -Z does once its device is open.
 * Returns: false with @error set when the user is unknown or the switch
 * fails.
 */
bool dm_live_drop_privileges(const char *user, GError **error);

/**
 * dm_live_clock: seconds on the monotonic clock, for pacing a live run
 * and its view (never a capture time).
 */
double dm_live_clock(void);

#endif /* DEMUXSIM_LIVE_H */
