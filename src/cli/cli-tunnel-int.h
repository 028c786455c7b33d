/* cli-tunnel-int.h - the command line's tunnel options (not installed):
 * --tunnel KIND=PORT[,PORT...], --no-tunnels. */
#ifndef DEMUXSIM_CLI_TUNNEL_H
#define DEMUXSIM_CLI_TUNNEL_H

#include <glib.h>

/* The option entries; parsing them sets the decoders' tunnel ports
 * (dm_decode_set_tunnel_port), in the order given.
 * Returns: a static, NULL-terminated table. */
const GOptionEntry *dm_tunnel_cli_entries(void);

#endif
