/* packet.c - names for the values of packet.h. */
#include "config.h"

#include "demuxsim/packet.h"

const char *
dm_frame_status_name(dm_frame_status s)
{
	static const char *const names[DM_FRAME_N_STATUS] = {
		"segment", "icmp-error", "not-ip", "other-protocol",
		"truncated-link", "truncated-ip", "truncated-transport",
		"bad-ip-header", "fragment", "ipv6-extension-limit",
		"ipv6-bad-option",
		"bad-link-header", "link-header-limit", "encrypted-link",
		"unsupported-link-header",
	};
	return (unsigned)s < DM_FRAME_N_STATUS ? names[s] : "?";
}

const char *
dm_malformed_name(dm_malformed m)
{
	static const char *const names[DM_MAL_N] = {
		NULL, "udp-length-exceeds-payload", "udp-length-too-short",
		"tcp-offset-invalid", "ip-length-exceeds-frame",
		"payload-shorter-than-header",
	};
	return (unsigned)m < DM_MAL_N ? names[m] : NULL;
}

char *
dm_tcp_flags_string(uint8_t flags, char *buf)
{
	static const struct { uint8_t bit; char letter; } order[] = {
		{ DM_TCP_SYN, 'S' }, { DM_TCP_ACK, 'A' }, { DM_TCP_FIN, 'F' },
		{ DM_TCP_RST, 'R' }, { DM_TCP_PSH, 'P' }, { DM_TCP_URG, 'U' },
		{ DM_TCP_ECE, 'E' }, { DM_TCP_CWR, 'C' },
	};
	char *p = buf;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (flags & order[i].bit)
			*p++ = order[i].letter;
	*p = '\0';
	return buf;
}
