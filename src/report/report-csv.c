/* report-csv.c - the socket table as CSV: one row per socket of every
 * host shown, each endpoint's address and port in columns of their own,
 * written in blocks.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "report-format-int.h"
#include "report-tables-int.h"

/* A socket's row (all but the host's address, already in @b). */
static void
csv_socket(dm_obuf *b, const dm_socket *s)
{
	int fam = dm_socket_family(s);  /* a host of several addresses has both */
	uint16_t lport, rport;
	const uint8_t *la = dm_socket_local(s, &lport);
	const uint8_t *ra = dm_socket_remote(s, &rport);
	const dm_socket *p = dm_socket_parent(s);
	const char *st = dm_tcp_state_name(dm_socket_state(s));
	char l[56];

	dm_obuf_lit(b, ",");
	dm_obuf_u64(b, dm_socket_id(s));
	if (dm_socket_proto(s) == 17)
		dm_obuf_lit(b, ",udp,");
	else
		dm_obuf_lit(b, ",tcp,");
	dm_obuf_str(b, dm_sock_kind_name(dm_socket_kind(s)));
	/* Address and port in columns of their own (no brackets). */
	dm_obuf_lit(b, ",");
	dm_obuf_str(b, dm_report_address(fam, la, l));
	dm_obuf_lit(b, ",");
	dm_obuf_u64(b, lport);
	dm_obuf_lit(b, ",");
	if (ra) {
		dm_obuf_str(b, dm_report_address(fam, ra, l));
		dm_obuf_lit(b, ",");
		dm_obuf_u64(b, rport);
	} else {
		dm_obuf_lit(b, ",");
	}
	dm_obuf_lit(b, ",");
	if (st)
		dm_obuf_str(b, st);
	dm_obuf_lit(b, ",");
	if (p)
		dm_obuf_u64(b, dm_socket_id(p));
	if (dm_socket_midstream(s))
		dm_obuf_lit(b, ",true,");
	else
		dm_obuf_lit(b, ",false,");
	dm_obuf_u64(b, dm_socket_segments(s));
	dm_obuf_lit(b, ",");
	dm_obuf_u64(b, dm_socket_bytes(s));
	dm_obuf_lit(b, ",");
	dm_obuf_u64(b, dm_socket_bad_checksums(s));
	dm_obuf_lit(b, ",");
	dm_obuf_u64(b, dm_socket_peers(s));
	dm_obuf_lit(b, ",");
	if (dm_socket_first_frame(s))  /* never received: empty, not 0 */
		dm_obuf_u64(b, dm_socket_first_frame(s));
	dm_obuf_lit(b, ",");
	if (dm_socket_last_frame(s))
		dm_obuf_u64(b, dm_socket_last_frame(s));
	dm_obuf_lit(b, "\n");
}

void
dm_report_csv_sockets(dm_report *rep, const dm_demux *dm)
{
	GPtrArray *hosts = dm_demux_hosts(dm);
	char *buf = g_malloc(OUT_BLOCK);
	dm_obuf b;

	dm_obuf_init(&b, rep->out, buf, OUT_BLOCK);
	dm_obuf_lit(&b, "host,id,proto,kind,local_address,local_port,remote_address,remote_port,state,parent,midstream,segments,bytes,"
	            "bad_checksums,peers,first_frame,last_frame\n");
	for (guint i = 0; i < hosts->len; i++) {
		const dm_host *h = g_ptr_array_index(hosts, i);
		const GPtrArray *socks = dm_host_sockets(h);
		char a[INET6_ADDRSTRLEN];
		int fam = dm_host_family(h);
		if (!dm_report_host_visible(rep, h))
			continue;
		size_t alen = strlen(dm_report_address(fam, dm_host_address(h), a));
		for (guint j = 0; j < socks->len; j++) {
			if (j + PREFETCH_AHEAD < socks->len)
				prefetch(g_ptr_array_index(socks, j + PREFETCH_AHEAD));
			dm_obuf_put(&b, a, alen);
			csv_socket(&b, g_ptr_array_index(socks, j));
		}
	}
	dm_obuf_flush(&b);
	g_free(buf);
	g_ptr_array_unref(hosts);
}

