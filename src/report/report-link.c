/* report-link.c - the link header of a -e trace line, as tcpdump -e
 * prints it: Ethernet `src > dst, ethertype IPv4 (0x0800), length N: `
 * with `vlan V, p P[, DEI], ethertype ...` per 802.1Q tag; Linux cooked
 * capture ` In 02:00:5e:10:00:01 ethertype IPv4 (0x0800), length N: `
 * (SLL2 adds `ifindex I`; tcpdump's interface name is the reading host's,
 * so it is left out); BSD loopback `AF IPv4 (2), length N: `; raw IP
 * nothing.  N is the frame's length on the wire.
 */
#include "config.h"

#include "report-verbose-int.h"

static const char *
ethertype_name(uint16_t t)
{
	switch (t) {
	case 0x0800: return "IPv4";
	case 0x86dd: return "IPv6";
	case 0x0806: return "ARP";
	case 0x8100: return "802.1Q";
	case 0x88a8: return "802.1Q-QinQ";
	case 0x9100: return "802.1Q-9100";
	default: return "Unknown";
	}
}

static void
mac(FILE *out, const uint8_t *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fprintf(out, i ? ":%02x" : "%02x", a[i]);
}

static void
ether(FILE *out, const dm_link *l, uint32_t wirelen)
{
	mac(out, l->src, 6);
	fputs(" > ", out);
	mac(out, l->dst, 6);
	fprintf(out, ", ethertype %s (0x%04x), length %u: ", ethertype_name(l->type), l->type,
	        wirelen);
	for (unsigned i = 0; i < l->n_tags; i++) {
		uint16_t next = i + 1 < l->n_tags ? l->tpid[i + 1] : l->inner_type;
		fprintf(out, "vlan %u, p %u%s, ethertype %s (0x%04x), ", l->tci[i] & 0x0fffu,
		        l->tci[i] >> 13, l->tci[i] & 0x1000 ? ", DEI" : "", ethertype_name(next), next);
	}
}

static const char *
pkttype_name(uint16_t t)
{
	static const char *const names[] = { "In", "B", "M", "P", "Out" };
	return t < 5 ? names[t] : "?";
}

static const char *
af_name(uint32_t af)
{
	switch (af) {
	case 2: return "IPv4";
	case 10: case 24: case 28: case 30: return "IPv6";
	default: return "Unknown";
	}
}

void
dm_report_link_text(FILE *out, const dm_packet *pkt)
{
	const dm_link *l = &pkt->link;

	switch (l->kind) {
	case DM_LINK_ETHER:
		ether(out, l, pkt->wirelen);
		break;
	case DM_LINK_SLL:
	case DM_LINK_SLL2:
		fprintf(out, "%3s ", pkttype_name(l->pkttype));
		if (l->kind == DM_LINK_SLL2)
			fprintf(out, " ifindex %u ", l->ifindex);
		if (l->addr_len) {
			mac(out, l->src, l->addr_len);
			fputc(' ', out);
		}
		fprintf(out, "ethertype %s (0x%04x), length %u: ", ethertype_name(l->type), l->type,
		        pkt->wirelen);
		break;
	case DM_LINK_NULL:
		fprintf(out, "AF %s (%u), length %u: ", af_name(l->af), l->af, pkt->wirelen);
		break;
	default:
		break;
	}
}
