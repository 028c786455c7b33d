/* sockets-entry-int.h - one "udp" or "tcp" entry of a declared sockets
 * file (sockets-entry.c; not installed). */
#ifndef DEMUXSIM_SOCKETS_ENTRY_H
#define DEMUXSIM_SOCKETS_ENTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "demux-int.h"

/* The most members a SO_REUSEPORT group may be declared with (*N). */
#define DM_GROUP_MAX 4096u

/* An entry: LOCAL[/BACKLOG][*N][ FLAG...], the flags whitespace-separated
 * after the endpoint. */
typedef struct {
	uint8_t family;     /* 4 or 6 */
	uint8_t addr[16];   /* zero for the wildcard */
	uint16_t port;
	bool wildcard;
	unsigned copies;    /* *N: N sockets (a reuseport group), else 1 */
	bool reuseport;     /* SO_REUSEPORT (implied by *N) */
	bool reuseaddr;     /* SO_REUSEADDR */
	bool v6only;        /* IPV6_V6ONLY (IPv6 only) */
	uint32_t backlog;   /* /BACKLOG: listen()'s, 0 when not given */
} dm_entry;

/* Parse entry @text of host @h: @named when its group is a name with
 * "addresses" (ADDR then decides the family; PORT alone needs a host of
 * one address), else the family of the group's address is @h's.
 * Returns: false with a newly allocated reason in @why. */
bool dm_entry_parse(const char *text, const dm_host *h, bool named, dm_entry *e, char **why);

/* "LPORT>PEER:PORT" of a connected UDP socket on host @h: the peer's
 * family is @h's unless @named, where the peer's syntax tells.
 * Returns: false when it is not one. */
bool dm_entry_parse_connected(const char *text, const dm_host *h, bool named,
                              uint8_t *family, uint16_t *lport, uint8_t *peer,
                              uint16_t *pport);

/* "PEER:PORT" or "[PEER]:PORT" (never the wildcard) of family @family.
 * Returns: false when it is not one. */
bool dm_entry_parse_peer(const char *text, int family, uint8_t *peer, uint16_t *pport);

/* Whether sockets @a and @b of one protocol and port would receive on
 * an address in common (the wildcard, dual-stack included, covers). */
bool dm_entry_overlap(const dm_entry *a, const dm_entry *b);

/* Whether @a and @b are bound to the same endpoint. */
bool dm_entry_same_endpoint(const dm_entry *a, const dm_entry *b);

#endif
