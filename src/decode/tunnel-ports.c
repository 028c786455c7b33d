/* tunnel-ports.c - which UDP ports and IP protocols open a tunnel: the
 * table the transport decoders read for each datagram (transport.c,
 * ip-l4.c) and the command line sets.  Well-known ports: VXLAN 4789
 * (RFC 7348) and 8472 (Linux's default), VXLAN-GPE 4790, Geneve 6081
 * (RFC 8926), GTP-U 2152 (3GPP TS 29.281), Teredo 3544 (RFC 4380),
 * CAPWAP data 5247 (RFC 5415), MPLS in UDP 6635 (RFC 7510).  A leaf of
 * the decoders' call graph: it calls nothing.
 */
#include "config.h"

#include <string.h>

#include "decode-int.h"

/* Port -> dm_encap_kind: in .data, so that it holds the defaults before
 * any change. */
uint8_t dm_tunnel_udp[65536] = {
	[4789] = DM_ENCAP_VXLAN, [8472] = DM_ENCAP_VXLAN,
	[4790] = DM_ENCAP_VXLAN_GPE, [6081] = DM_ENCAP_GENEVE,
	[2152] = DM_ENCAP_GTPU, [3544] = DM_ENCAP_TEREDO,
	[5247] = DM_ENCAP_CAPWAP, [6635] = DM_ENCAP_MPLS_UDP,
};
bool dm_tunnel_ip = true;

void
dm_decode_set_tunnel_port(uint16_t port, dm_encap_kind kind)
{
	dm_tunnel_udp[port] = (uint8_t)kind;
}

void
dm_decode_clear_tunnel_kind(dm_encap_kind kind)
{
	for (size_t p = 0; p < sizeof dm_tunnel_udp; p++)
		if (dm_tunnel_udp[p] == kind)
			dm_tunnel_udp[p] = DM_ENCAP_NONE;
}

void
dm_decode_set_tunnels(bool on)
{
	if (!on)
		memset(dm_tunnel_udp, 0, sizeof dm_tunnel_udp);
	dm_tunnel_ip = on;
}

bool
dm_encap_udp_kind(dm_encap_kind kind)
{
	switch (kind) {
	case DM_ENCAP_VXLAN: case DM_ENCAP_VXLAN_GPE: case DM_ENCAP_GENEVE:
	case DM_ENCAP_GTPU: case DM_ENCAP_TEREDO: case DM_ENCAP_CAPWAP:
	case DM_ENCAP_MPLS_UDP:
		return true;
	default:
		return false;
	}
}

static const char *const encap_names[DM_ENCAP_N] = {
	"none", "vxlan", "vxlan-gpe", "nsh", "geneve", "gtp-u", "teredo",
	"capwap", "mpls-udp", "gre", "erspan", "ipv4-in-ip", "ipv6-in-ip",
};

const char *
dm_encap_kind_name(dm_encap_kind kind)
{
	return (unsigned)kind < DM_ENCAP_N ? encap_names[kind] : "?";
}

dm_encap_kind
dm_encap_kind_from_name(const char *name)
{
	for (unsigned k = 1; k < DM_ENCAP_N; k++)
		if (strcmp(name, encap_names[k]) == 0)
			return (dm_encap_kind)k;
	return DM_ENCAP_NONE;
}
