/* record.c - what every capture reader shares: a record's time, the
 * capture error domain and link-type names.
 */
#include "config.h"

#include <pcap/pcap.h>

#include "demuxsim/capture.h"

G_DEFINE_QUARK(dm-capture-error-quark, dm_capture_error)

/* The span of int64 nanoseconds since 1970, its start rounded up to a
 * whole second so that seconds * 10^9 fits too. */
#define TIME_MIN_SEC (INT64_MIN / 1000000000)
#define TIME_MAX_SEC (INT64_MAX / 1000000000)
#define TIME_MAX_NSEC ((uint32_t)(INT64_MAX % 1000000000))

bool
dm_record_set_time(dm_record *rec, int64_t sec, int64_t frac, bool nano)
{
	uint32_t unit = nano ? 1 : 1000;  /* nanoseconds in one of @frac */
	int64_t one = nano ? 1000000000 : 1000000;
	bool clamped = frac < 0 || frac >= one;
	uint32_t ns = (uint32_t)CLAMP(frac, 0, one - 1) * unit;

	if (sec < TIME_MIN_SEC) {
		sec = TIME_MIN_SEC;
		ns = 0;
		clamped = true;
	} else if (sec > TIME_MAX_SEC || (sec == TIME_MAX_SEC && ns > TIME_MAX_NSEC)) {
		sec = TIME_MAX_SEC;
		ns = TIME_MAX_NSEC;
		clamped = true;
	}
	rec->sec = sec;
	rec->frac = ns / unit;
	return clamped;
}

char *
dm_linktype_describe(int dlt, char *buf, size_t size)
{
	const char *name = pcap_datalink_val_to_name(dlt);
	if (name)
		g_snprintf(buf, size, "%s (%d)", name, dlt);
	else if (dlt >= 147 && dlt <= 162) /* DLT_USER0..15: private use */
		g_snprintf(buf, size, "USER%d (%d)", dlt - 147, dlt);
	else
		g_snprintf(buf, size, "%d", dlt);
	return buf;
}
