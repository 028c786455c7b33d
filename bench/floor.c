/* floor.c - the cost of reading a capture at all: every record through
 * libpcap, every captured byte touched (summed), nothing else.  What any
 * tool that looks at each byte of a capture cannot go below.
 *
 *   floor FILE
 *
 * Prints the number of records, bytes and their sum (so that the work
 * cannot be optimised away).
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];

	if (argc != 2) {
		fprintf(stderr, "usage: floor FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], errbuf);
	if (!p) {
		fprintf(stderr, "floor: %s: %s\n", argv[1], errbuf);
		return 1;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t records = 0, bytes = 0, sum = 0;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		uint64_t acc = 0;
		uint32_t i = 0;
		/* Eight bytes at a time, then the tail. */
		for (; i + 8 <= h->caplen; i += 8) {
			uint64_t w;
			memcpy(&w, data + i, 8);
			acc += w;
		}
		for (; i < h->caplen; i++)
			acc += data[i];
		sum += acc;
		bytes += h->caplen;
		records++;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "floor: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("%" PRIu64 " records, %" PRIu64 " bytes, sum %016" PRIx64 "\n",
	       records, bytes, sum);
	return 0;
}
