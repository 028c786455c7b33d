/* mkseeds.c - seed corpus for fuzz-frame: every record of the capture
 * files given becomes one input, a byte naming its link type (its index in
 * fuzz-frame's table) followed by the captured bytes.
 *
 * Usage: mkseeds OUTDIR CAPTURE...
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>

#include "demuxsim/decode.h"

#include "demuxsim/capture.h"

/* The same order as fuzz-frame.c's table. */
static const int linktypes[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
	DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
	DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC, DLT_IEEE802_11,
	DLT_IEEE802_11_RADIO, DLT_PPI, DLT_NFLOG,
};

static int
linktype_index(int dlt)
{
	for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++)
		if (linktypes[i] == dlt)
			return (int)i;
	return -1;
}

int
main(int argc, char **argv)
{
	unsigned written = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: mkseeds OUTDIR CAPTURE...\n");
		return 2;
	}
	for (int a = 2; a < argc; a++) {
		GError *err = NULL;
		dm_capture *cap = dm_capture_open_file(argv[a], &err);
		if (!cap) {
			g_clear_error(&err);
			continue;
		}
		int idx = linktype_index(dm_capture_linktype(cap));
		dm_record rec;
		unsigned n = 0;
		while (idx >= 0 && n < 200 && dm_capture_next(cap, &rec, &err) == 1) {
			char *base = g_path_get_basename(argv[a]);
			char *name = g_strdup_printf("%s/%s-%u", argv[1], base, ++n);
			FILE *f = fopen(name, "wb");
			if (f) {
				fputc(idx, f);
				fwrite(rec.data, 1, rec.caplen, f);
				if (fclose(f) == 0)
					written++;
			}
			g_free(name);
			g_free(base);
		}
		g_clear_error(&err);
		dm_capture_close(cap);
	}
	printf("%u frame seeds in %s\n", written, argv[1]);
	return 0;
}
