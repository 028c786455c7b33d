/* reasm-mem.c - what a pending IP datagram costs the reassembler: N
 * first fragments (MF set, offset 0, SIZE data bytes, all different
 * datagrams) are given to dm_reasm_frame() and never completed; the
 * reassembler's estimate (dm_reasm_memory, its peak_memory) is compared
 * with the growth of the process's resident set (/proc/self/statm).
 *
 * Usage: reasm-mem [N [SIZE]]   (default 200000 and 256)
 * Prints one line: "reasm N pending x SIZE B: estimate E B, RSS R B per
 * datagram, estimate/RSS Q".  Run it with G_SLICE=always-malloc as well:
 * both allocators should give about the same figures.
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demuxsim/decode.h"
#include "demuxsim/reasm.h"

/* Resident bytes now. */
static size_t
resident(void)
{
	unsigned long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f || fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	if (f)
		fclose(f);
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

/* The IPv4 first fragment of datagram @i (identification and source
 * address from @i), @size data bytes, into @b. */
static size_t
first_fragment(uint8_t *b, uint32_t i, size_t size)
{
	size_t len = 20 + size;
	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(len >> 8), b[3] = (uint8_t)len;
	b[4] = (uint8_t)(i >> 8), b[5] = (uint8_t)i;
	b[6] = 0x20;                               /* MF, offset 0 */
	b[8] = 64, b[9] = 17;
	b[12] = 10, b[13] = (uint8_t)(i >> 24), b[14] = (uint8_t)(i >> 16), b[15] = 1;
	b[16] = 192, b[17] = 0, b[18] = 2, b[19] = 1;
	for (size_t k = 0; k < size; k++)
		b[20 + k] = (uint8_t)(k * 7 + i);
	return len;
}

int
main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 200000;
	size_t size = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 256;
	if (n == 0 || size < 8 || size > 1480 || size % 8) {
		fprintf(stderr, "usage: reasm-mem [N [SIZE]] (SIZE a multiple of 8, 8 to 1480)\n");
		return 2;
	}
	uint8_t frame[1500];
	dm_reasm *ra = dm_reasm_new(&(dm_reasm_config){ .max_memory = (size_t)1 << 40 });
	size_t before = resident();

	for (uint32_t i = 0; i < n; i++) {
		dm_packet pkt;
		size_t len = first_fragment(frame, i, size);
		dm_frame_status st = dm_decode_ip(frame, (uint32_t)len, 0, &pkt);
		if (dm_reasm_frame(ra, i + 1, 1000, 0, st, &pkt) != DM_FRAME_FRAGMENT) {
			fprintf(stderr, "reasm-mem: frame %u was not held\n", i + 1);
			return 1;
		}
	}
	size_t grown = resident() - before;
	size_t estimate = dm_reasm_memory(ra);
	dm_reasm_stats st;
	dm_reasm_finish(ra, &st);
	dm_reasm_free(ra);
	printf("reasm %u pending x %zu B: estimate %.0f B, RSS %.0f B per datagram, "
	       "estimate/RSS %.2f (peak estimate %" G_GUINT64_FORMAT " B)\n",
	       n, size, (double)estimate / n, (double)grown / n,
	       grown ? (double)estimate / (double)grown : 0.0, st.peak_memory);
	return 0;
}
