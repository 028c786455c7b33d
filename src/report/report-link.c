/* report-link.c - the link header of a -e trace line, as tcpdump -e
 * prints it: Ethernet `src > dst, ethertype IPv4 (0x0800), length N: `
 * with `vlan V, p P[, DEI], ethertype ...` per 802.1Q tag; Linux cooked
 * capture ` In 02:00:5e:10:00:01 ethertype IPv4 (0x0800), length N: `
 * (SLL2 adds `ifindex I`; tcpdump's interface name is the reading host's,
 * so it is left out); BSD loopback `AF IPv4 (2), length N: `; raw IP
 * nothing.  N is the frame's length on the wire.  After the frame's own
 * header, what it carried before IP: `PPPoE [ses 0x11] IP6 (0x0057), `,
 * `MPLS (label 16000, tc 0, [S], ttl 126), ` per label.  PPP
 * `IP (0x0021), length N: `; Cisco HDLC `bcast, ethertype IPv4 (0x0800),
 * length N: `; 802.11 its addresses by the DS bits, as tcpdump names them
 * (`+QoS BSSID:... SA:... DA:... `; radiotap's and PPI's fields are left out);
 * NFLOG `version 0, resource ID 42, family IPv4 (2), length N: `.
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
	case 0x8035: return "Reverse ARP";
	case 0x8847: return "MPLS unicast";
	case 0x8848: return "MPLS multicast";
	case 0x8863: return "PPPoE D";
	case 0x8864: return "PPPoE S";
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

/* tcpdump's names of PPP protocols (ppptype2str), NULL for another. */
static const char *
ppp_name(uint16_t p)
{
	switch (p) {
	case 0x0021: return "IP";
	case 0x0057: return "IP6";
	case 0x0281: return "MPLS";
	case 0x0283: return "MPLS mcast";
	case 0x8021: return "IPCP";
	case 0x8057: return "IP6CP";
	case 0xc021: return "LCP";
	case 0xc023: return "PAP";
	case 0xc223: return "CHAP";
	default: return NULL;
	}
}

static void
ppp_proto(FILE *out, uint16_t p)
{
	const char *name = ppp_name(p);
	if (name)
		fprintf(out, "%s (0x%04x)", name, p);
	else
		fprintf(out, "unknown PPP protocol (0x%04x)", p);
}

/* What the frame's header carried before IP: PPPoE, MPLS labels. */
static void
carried(FILE *out, const dm_link *l)
{
	if (l->pppoe) {
		fprintf(out, "PPPoE [ses 0x%x] ", l->pppoe_session);
		ppp_proto(out, l->proto);
		fputs(", ", out);
	}
	for (unsigned i = 0; i < l->n_labels && i < DM_LINK_MAX_LABELS; i++) {
		uint32_t e = l->labels[i];
		fprintf(out, "MPLS (label %u, tc %u, %sttl %u), ", e >> 12, e >> 9 & 7,
		        e & 0x100 ? "[S], " : "", e & 0xff);
	}
}

/* 802.11 addresses as tcpdump's data_header_print names them. */
static void
wlan(FILE *out, const dm_link *l)
{
	static const char *const names[4][4] = {
		{ "DA", "SA", "BSSID", NULL },   /* neither DS bit */
		{ "BSSID", "SA", "DA", NULL },   /* ToDS */
		{ "DA", "BSSID", "SA", NULL },   /* FromDS */
		{ "RA", "TA", "DA", "SA" },      /* both */
	};
	const char *const *n = names[l->wlan_ds & 3];
	if (l->wlan_qos)
		fputs("+QoS ", out);
	for (unsigned i = 0; i < 4 && n[i]; i++) {
		fprintf(out, "%s:", n[i]);
		mac(out, l->wlan_addr[i], 6);
		fputc(' ', out);
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
	case DM_LINK_PPP:
		ppp_proto(out, l->proto);
		fprintf(out, ", length %u: ", pkt->wirelen);
		break;
	case DM_LINK_CHDLC:
		if (l->hdlc_addr == 0x0f || l->hdlc_addr == 0x8f)
			fputs(l->hdlc_addr == 0x8f ? "bcast, " : "unicast, ", out);
		else
			fprintf(out, "0x%02x, ", l->hdlc_addr);
		fprintf(out, "ethertype %s (0x%04x), length %u: ", ethertype_name(l->proto), l->proto,
		        pkt->wirelen);
		break;
	case DM_LINK_80211:
		wlan(out, l);
		break;
	case DM_LINK_NFLOG:
		fprintf(out, "version 0, resource ID %u, family %s (%u), length %u: ", l->proto,
		        l->af == 2 ? "IPv4" : l->af == 10 ? "IPv6" : "Unknown", l->af, pkt->wirelen);
		break;
	default:
		break;
	}
	carried(out, l);
}
