/* cli-tunnel.c - the tunnel options of the command line: which UDP
 * ports carry which tunnel (--tunnel vxlan=4789,8472 replaces VXLAN's
 * ports; an empty list, vxlan=, none), and --no-tunnels to stop at the
 * outer header.  Applied as they are parsed, in their order. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "demuxsim/decode.h"

#include "cli-int.h"
#include "cli-tunnel-int.h"

/* The UDP kinds' names, for the error message. */
static char *
udp_kind_names(void)
{
	GString *s = g_string_new(NULL);
	for (int k = 1; k < DM_ENCAP_N; k++)
		if (dm_encap_udp_kind((dm_encap_kind)k))
			g_string_append_printf(s, "%s%s", s->len ? ", " : "",
			                       dm_encap_kind_name((dm_encap_kind)k));
	return g_string_free(s, FALSE);
}

/* The comma-separated ports of @list into @ports (*@n of them). */
static bool
parse_ports(const char *list, guint16 *ports, guint *n, GError **error)
{
	gchar **parts = g_strsplit(list, ",", -1);
	bool ok = true;
	*n = 0;
	for (guint i = 0; ok && parts[i]; i++) {
		guint64 v;
		if (*n == 64 || !g_ascii_string_to_unsigned(parts[i], 10, 1, 65535, &v, NULL)) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			            "--tunnel: \"%s\" is not a UDP port (1 to 65535)", parts[i]);
			ok = false;
		} else {
			ports[(*n)++] = (guint16)v;
		}
	}
	g_strfreev(parts);
	return ok;
}

static gboolean
on_tunnel(const gchar *name, const gchar *value, gpointer data, GError **error)
{
	(void)name, (void)data;
	const char *eq = strchr(value, '=');
	char *kname = g_strndup(value, eq ? (gsize)(eq - value) : strlen(value));
	dm_encap_kind kind = dm_encap_kind_from_name(kname);
	g_free(kname);
	if (!eq || !dm_encap_udp_kind(kind)) {
		char *names = udp_kind_names();
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		            "--tunnel: \"%s\" is not KIND=PORT[,PORT...] with KIND one of %s",
		            value, names);
		g_free(names);
		return FALSE;
	}
	guint16 ports[64];
	guint n = 0;
	if (eq[1] && !parse_ports(eq + 1, ports, &n, error))
		return FALSE;
	dm_decode_clear_tunnel_kind(kind);
	for (guint i = 0; i < n; i++)
		dm_decode_set_tunnel_port(ports[i], kind);
	return TRUE;
}

static gboolean
on_no_tunnels(const gchar *name, const gchar *value, gpointer data, GError **error)
{
	(void)name, (void)value, (void)data, (void)error;
	dm_decode_set_tunnels(false);
	return TRUE;
}

const GOptionEntry *
dm_tunnel_cli_entries(void)
{
	static GOptionEntry e[3];
	GOptionEntry v[] = {
		{ "tunnel", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer)on_tunnel,
		  "UDP ports carrying tunnel KIND (vxlan, vxlan-gpe, geneve, gtp-u, teredo, capwap, "
		  "mpls-udp), replacing its defaults; KIND= for none (repeatable)",
		  "KIND=PORT[,PORT...]" },
		{ "no-tunnels", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer)on_no_tunnels,
		  "Do not open tunnels (UDP ports, GRE, IP in IP): stop at the outer header", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	return DM_CLI_KEEP_ENTRIES(e, v);
}
