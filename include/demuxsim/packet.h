/* packet.h - what decoding one captured frame yields.
 *
 * A dm_packet is a plain value filled by dm_decode_frame(): the outcome
 * (a UDP/TCP segment, an ICMP error quoting one, or the reason the frame
 * carries neither), the addresses and ports, the transport fields and the
 * checksum verdict.  Pointers in it refer into the caller's frame bytes
 * (or, for a reassembled datagram, into the reassembly's buffer, valid
 * until its next call).
 */
#ifndef DEMUXSIM_PACKET_H
#define DEMUXSIM_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "demuxsim/checksum.h"

/* The outcome of decoding a frame; everything but SEGMENT and ICMP_ERROR
 * is a skip reason, counted in the summary. */
typedef enum {
	DM_FRAME_SEGMENT,        /* a UDP or TCP segment (maybe incomplete) */
	DM_FRAME_ICMP_ERROR,     /* ICMP/ICMPv6 destination unreachable */
	DM_FRAME_NOT_IP,         /* link payload is not IPv4/IPv6 (ARP...) */
	DM_FRAME_OTHER_PROTO,    /* IP carrying neither UDP nor TCP */
	DM_FRAME_TRUNC_LINK,     /* link header not captured */
	DM_FRAME_TRUNC_IP,       /* IP header not captured */
	DM_FRAME_TRUNC_L4,       /* transport ports not captured */
	DM_FRAME_BAD_IP,         /* IP header malformed (version, IHL, length) */
	DM_FRAME_FRAGMENT,       /* a non-first fragment: no transport header */
	DM_FRAME_EXT_LIMIT,      /* IPv6: more than 16 extension headers */
	DM_FRAME_BAD_IPV6_OPT,   /* IPv6: a hop-by-hop or destination option
	                          * runs past its header (RFC 8200 4.2) */
	DM_FRAME_BAD_LINK,       /* link header malformed (a length field too
	                          * small, a wrong version) */
	DM_FRAME_LINK_LIMIT,     /* MPLS label stack over 16 labels, or link
	                          * headers nested too deep */
	DM_FRAME_ENCRYPTED,      /* 802.11 protected (WEP/WPA) frame */
	DM_FRAME_LINK_UNSUPPORTED, /* a link header form not decoded (802.11
	                          * fragment or A-MSDU, PPI of another DLT),
	                          * or a link type not decoded (a pcapng
	                          * interface's, dm_linktype_supported) */
	DM_FRAME_N_STATUS
} dm_frame_status;

/* Why a segment's own length fields cannot be trusted. */
typedef enum {
	DM_MAL_NONE,
	DM_MAL_UDP_LEN_LONG,     /* UDP length > IP payload */
	DM_MAL_UDP_LEN_SHORT,    /* UDP length < 8 */
	DM_MAL_TCP_OFFSET,       /* TCP data offset < 5 or past the payload */
	DM_MAL_IP_LEN_FRAME,     /* IP length > bytes in an uncut frame */
	DM_MAL_L4_HEADER,        /* IP payload shorter than the UDP/TCP header */
	DM_MAL_N
} dm_malformed;

/* TCP flag bits as in the header's 16-bit offset/flags word. */
enum {
	DM_TCP_FIN = 0x01, DM_TCP_SYN = 0x02, DM_TCP_RST = 0x04,
	DM_TCP_PSH = 0x08, DM_TCP_ACK = 0x10, DM_TCP_URG = 0x20,
	DM_TCP_ECE = 0x40, DM_TCP_CWR = 0x80,
};

/* An IP fragment as its header describes it (RFC 791 3.2, RFC 8200
 * 4.5): what reassembly needs, filled when dm_packet.is_fragment. */
typedef struct {
	uint32_t id;             /* IPv4 identification or IPv6 fragment id */
	uint32_t offset;         /* of this fragment's data, in bytes */
	bool more;               /* MF / M flag: more fragments follow */
	uint8_t next;            /* IPv4 protocol; IPv6 next header after the
	                          * fragment header */
	uint32_t unfrag_len;     /* IPv4 header / IPv6 header and extension
	                          * headers before the fragment header */
	const uint8_t *data;     /* this fragment's data, in the frame */
	uint32_t len;            /* its length by the IP header */
	uint32_t caplen;         /* bytes of it captured (at most len) */
	bool cut;                /* missing bytes were cut by the snapshot
	                          * length (else the frame never had them) */
} dm_fragment;

/* The link header's fields that tcpdump -e prints (demuxsim -e). */
typedef enum {
	DM_LINK_NONE,            /* raw IP, or not decoded */
	DM_LINK_ETHER,           /* Ethernet, maybe with 802.1Q tags */
	DM_LINK_SLL,             /* Linux cooked capture v1 */
	DM_LINK_SLL2,            /* Linux cooked capture v2 */
	DM_LINK_NULL,            /* BSD loopback (NULL or LOOP) */
	DM_LINK_PPP,             /* PPP (DLT_PPP, DLT_PPP_SERIAL) */
	DM_LINK_CHDLC,           /* Cisco HDLC */
	DM_LINK_80211,           /* IEEE 802.11 (maybe under radiotap/PPI) */
	DM_LINK_NFLOG,           /* Linux netfilter log */
} dm_link_kind;

enum { DM_LINK_MAX_LABELS = 4 };  /* MPLS labels kept for -e */

typedef struct {
	uint8_t kind;            /* a dm_link_kind */
	uint8_t n_tags;          /* 802.1Q/802.1ad tags kept below (<= 2) */
	uint8_t addr_len;        /* SLL/SLL2 link address length */
	uint8_t src[8];          /* Ethernet source; SLL/SLL2 address */
	uint8_t dst[6];          /* Ethernet destination */
	uint16_t type;           /* Ethernet: the first type field (a TPID
	                          * when tagged); SLL/SLL2: the protocol */
	uint16_t tpid[2], tci[2];/* the first tags: TPID and tag control */
	uint16_t inner_type;     /* Ethernet: the type after the tags */
	uint16_t pkttype;        /* SLL/SLL2 packet type (0 to the host...) */
	uint32_t ifindex;        /* SLL2 interface index */
	uint32_t af;             /* NULL/LOOP address family, as read;
	                          * NFLOG: the family byte */
	uint16_t proto;          /* PPP protocol (also under PPPoE);
	                          * C-HDLC: the type; NFLOG: resource id */
	uint8_t hdlc_addr;       /* PPP/C-HDLC address byte (0 when absent) */
	bool pppoe;              /* a PPPoE session header was decoded */
	uint16_t pppoe_session;  /* its session id */
	uint8_t n_labels;        /* MPLS labels kept below (<= 4) */
	uint32_t labels[DM_LINK_MAX_LABELS]; /* MPLS label stack entries */
	uint8_t wlan_ds;         /* 802.11: ToDS 1 | FromDS 2 */
	bool wlan_qos;           /* 802.11 QoS data */
	uint8_t wlan_addr[4][6]; /* 802.11 addresses 1 to 4 */
} dm_link;

/* The encapsulations a packet can arrive in (src/decode/tunnel.c). */
typedef enum {
	DM_ENCAP_NONE,
	DM_ENCAP_VXLAN,          /* RFC 7348, UDP 4789 (and Linux's 8472) */
	DM_ENCAP_VXLAN_GPE,      /* VXLAN-GPE, UDP 4790 */
	DM_ENCAP_NSH,            /* network service header, RFC 8300 */
	DM_ENCAP_GENEVE,         /* RFC 8926, UDP 6081 */
	DM_ENCAP_GTPU,           /* GTP-U (3GPP TS 29.281), UDP 2152 */
	DM_ENCAP_TEREDO,         /* RFC 4380, UDP 3544 */
	DM_ENCAP_CAPWAP,         /* CAPWAP data channel, RFC 5415, UDP 5247 */
	DM_ENCAP_MPLS_UDP,       /* MPLS in UDP, RFC 7510, UDP 6635 */
	DM_ENCAP_GRE,            /* GRE, IP protocol 47 (RFC 2784, 2890, 2637) */
	DM_ENCAP_ERSPAN,         /* ERSPAN type I/II/III inside GRE */
	DM_ENCAP_IPIP,           /* IPv4 in IP, protocol 4 (RFC 2003) */
	DM_ENCAP_IPV6IP,         /* IPv6 in IP, protocol 41 (RFC 4213) */
	DM_ENCAP_N
} dm_encap_kind;

/* How deep tunnels may nest; a packet deeper is a link-header-limit. */
enum { DM_ENCAP_MAX_DEPTH = 8 };

/* One encapsulation a packet was found in, outermost first. */
typedef struct {
	uint8_t kind;            /* a dm_encap_kind */
	bool has_id;             /* the header carries a tunnel id */
	bool tenant;             /* it names a tenant network, the same both
	                          * ways: a VNI, a GRE key (not a TEID or a
	                          * PPTP call id, which differ by direction) */
	uint32_t id;             /* VNI, GRE key, TEID, NSH path, session */
} dm_encap;

/* The tenant network a packet belongs to: the innermost tunnel of its
 * chain whose id names one (a VXLAN, VXLAN-GPE or Geneve VNI, a GRE key),
 * or none (kind 0) for the capture's own network and the tunnels without
 * such an id (IP in IP, Teredo, GTP-U, PPTP...), which deliver into it.  Hosts of two zones are
 * two hosts even when their addresses are the same. */
typedef struct {
	uint8_t kind;            /* a dm_encap_kind, DM_ENCAP_NONE for none */
	uint32_t id;
} dm_zone;

#define DM_ZONE_NONE ((dm_zone){ 0, 0 })

typedef struct {
	/* Frame */
	uint32_t caplen;         /* bytes captured */
	uint32_t wirelen;        /* bytes on the wire */
	uint8_t vlan_tags;       /* stacked 802.1Q/802.1ad tags seen */
	bool headers_only;       /* dm_decode_frame_headers(): no checksum
	                          * computed (csum unverified, ip_csum_bad
	                          * false) */
	/* The partitions of its receiving and sending hosts among hosts_n
	 * (shard.h), when the run stage worked them out already for the
	 * packet; decoding leaves hosts_n 0. */
	uint16_t hosts_n, host_r, host_s;

	/* IP */
	uint8_t family;          /* 4 or 6, 0 before the IP layer */
	uint8_t proto;           /* transport protocol number */
	uint8_t src[16];         /* network byte order, 4 or 16 bytes used:
	                          * the segment's source (see home_addr) */
	uint8_t dst[16];         /* destination in the IP header */
	uint8_t final_dst[16];   /* pseudo-header destination (routing hdr) */
	bool is_fragment;        /* an IP fragment (first or not) */
	bool ip_csum_bad;        /* IPv4 header checksum wrong (reported only) */
	uint16_t ip_csum;        /* IPv4 header checksum field, */
	uint16_t ip_csum_expected; /* and the value it should hold (when
	                          * computed: not headers_only) */
	bool tso_length;         /* IPv4 total length 0: length from the frame */
	const uint8_t *ip4_hdr;  /* IPv4: the header in the frame, */
	uint32_t ip4_hdr_len;    /* its length (IHL * 4) */
	uint32_t ip_payload_len; /* transport bytes by the IP header */
	const uint64_t *reasm_frames; /* reassembled datagram: the frames of */
	uint32_t n_reasm_frames;      /* its fragments, in arrival order */
	bool home_addr;          /* IPv6: src is a Home Address destination
	                          * option's (RFC 6275 9.3.1), the source of
	                          * the pseudo-header and of the segment */
	uint8_t ip_src[16];      /* IPv6: the IP header's source (src unless
	                          * home_addr) */
	uint8_t ext_last;        /* IPv6: the last extension header walked
	                          * (0 hop-by-hop, 43 routing, 60 destination
	                          * options...), for DM_FRAME_EXT_LIMIT and
	                          * DM_FRAME_BAD_IPV6_OPT */

	/* Transport */
	uint16_t sport, dport;
	bool have_length;        /* UDP length field captured */
	bool have_csum_field;    /* the checksum field was captured */
	uint16_t udp_length;     /* UDP length field */
	uint32_t seg_len;        /* UDP: length field; TCP: header + payload */
	uint32_t payload_len;    /* bytes of payload */
	dm_malformed malformed;
	bool have_tcp;           /* TCP fields below captured */
	uint32_t seq, ack;
	uint8_t tcp_flags;
	uint8_t tcp_doff;        /* data offset in 32-bit words */
	uint16_t window;
	uint16_t urg_ptr;        /* TCP urgent pointer */
	dm_csum_verdict csum;
	const uint8_t *l4;       /* transport header in the frame */
	uint32_t l4_caplen;      /* bytes of it captured */

	/* A tunnel this packet carries (dm_decode_tunnel() opens it) */
	uint8_t tunnel;          /* a dm_encap_kind, DM_ENCAP_NONE for none */
	const uint8_t *tun_data; /* the tunnel header: UDP or IP payload */
	uint32_t tun_caplen;     /* bytes of it captured, */
	uint32_t tun_len;        /* and by the length fields */
	/* The tunnels this packet was found in (0 for a frame's own) */
	uint8_t n_encap;

	/* The IP header's details that tcpdump -v prints */
	bool have_ip_info;       /* the fields below were read */
	uint8_t ttl;             /* IPv4 TTL or IPv6 hop limit */
	uint16_t ip_id;          /* IPv4 identification (0 for IPv6) */
	uint32_t ip_total_len;   /* IPv4 total length; IPv6 40 + payload length */

	/* Last of what a decode fills in, so that a copy of a packet that is
	 * not a fragment, nor ICMP, nor a tunnel's or in one can leave them
	 * out (dm_packet_copy_size): */
	dm_fragment frag;        /* when is_fragment */
	dm_encap encap[DM_ENCAP_MAX_DEPTH];
	/* ICMP error quoting a datagram (DM_FRAME_ICMP_ERROR) */
	uint8_t icmp_type, icmp_code;
	bool icmp_port_unreach;  /* destination unreachable, port code */
	bool quote_valid;        /* quoted header decoded with ports */
	uint8_t q_proto;
	uint8_t q_src[16], q_dst[16];
	uint16_t q_sport, q_dport;

	/* Last, the details only -v and -e print: filled in (and cleared) only
	 * after dm_decode_set_details(true); otherwise left as they are, so
	 * that a frame's decode clears no more than it did without them. */
	dm_link link;            /* the link header, for -e */
	uint8_t tcp_opts_len;    /* TCP option bytes captured, copied below */
	bool tcp_opts_cut;       /* the capture cut the options short */
	uint8_t tcp_opts[40];    /* the raw TCP options (copied: the frame
	                          * may be gone when the line is reported) */
} dm_packet;

/**
 * dm_packet_zone: the zone of @pkt (see dm_zone).
 * Returns: the zone.
 */
static inline dm_zone
dm_packet_zone(const dm_packet *pkt)
{
	for (unsigned i = pkt->n_encap; i-- > 0;)
		if (pkt->encap[i].tenant)
			return (dm_zone){ pkt->encap[i].kind, pkt->encap[i].id };
	return (dm_zone){ 0, 0 };
}

/**
 * dm_frame_status_name: the stable name of a frame outcome ("not-ip", ...).
 * Returns: a static string.
 */
const char *dm_frame_status_name(dm_frame_status s);

/**
 * dm_malformed_name: the stable name of a malformed reason, NULL for none.
 * Returns: a static string or NULL.
 */
const char *dm_malformed_name(dm_malformed m);

/**
 * dm_tcp_flags_string: write the set flags of @flags as letters in the
 * order S A F R P U E C into @buf (at least 9 bytes).
 * Returns: @buf.
 */
char *dm_tcp_flags_string(uint8_t flags, char *buf);

#endif /* DEMUXSIM_PACKET_H */
