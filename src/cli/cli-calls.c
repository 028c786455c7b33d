/* cli-calls.c - the command line's options for the socket calls: --calls
 * lists, per host, the calls the capture implies after the report;
 * --ladder CONN writes one connection's ladder diagram (SVG) as the whole
 * output, CONN being a socket id (either end's) or ADDR:PORT-ADDR:PORT
 * (either way round; IPv6 addresses in brackets).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cli-calls-int.h"
#include "demuxsim/report-calls.h"

/* Connections whose ladders the HTML page holds, and the calls it keeps
 * without --calls. */
#define HTML_LADDERS 50u
#define HTML_CALLS 100000u

static gboolean calls_on;
static gchar *ladder_arg;
static dm_ladder_select sel;

const GOptionEntry *
dm_calls_cli_entries(void)
{
	static const GOptionEntry entries[] = {
		{ "calls", 0, 0, G_OPTION_ARG_NONE, &calls_on,
		  "After the report, each host's socket calls that the capture implies"
		  " (socket, bind, listen, accept, connect, send, recv, close...), with the"
		  " frame and rule behind each", NULL },
		{ "ladder", 0, 0, G_OPTION_ARG_STRING, &ladder_arg,
		  "Write the ladder diagram (SVG) of one TCP connection instead of the"
		  " report: a socket id of either end, or ADDR:PORT-ADDR:PORT", "CONN" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	return entries;
}

/* ADDR:PORT or [ADDR6]:PORT from @text (@len bytes) into @addr/@port;
 * sets @family.  Returns: false when it is not one. */
static bool
parse_endpoint(const char *text, size_t len, int *family, uint8_t *addr, uint16_t *port)
{
	char buf[64];
	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	char *colon = strrchr(buf, ':');
	if (!colon || colon == buf)
		return false;
	*colon = '\0';
	char *host = buf;
	int fam = 4;
	if (host[0] == '[') {
		size_t n = strlen(host);
		if (n < 3 || host[n - 1] != ']')
			return false;
		host[n - 1] = '\0';
		host++;
		fam = 6;
	}
	memset(addr, 0, 16);
	if (inet_pton(fam == 6 ? AF_INET6 : AF_INET, host, addr) != 1)
		return false;
	char *end;
	unsigned long p = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || p > 65535)
		return false;
	*family = fam;
	*port = (uint16_t)p;
	return true;
}

/* CONN as a socket id or a 4-tuple into @s.  Returns: false if neither. */
static bool
parse_conn(const char *text, dm_ladder_select *s)
{
	char *end;
	memset(s, 0, sizeof *s);
	if (text[0] >= '1' && text[0] <= '9') {
		unsigned long id = strtoul(text, &end, 10);
		if (!*end && id <= G_MAXUINT) {
			s->socket = (guint)id;
			return true;
		}
	}
	/* The separator: the '-' or ',' after the first endpoint's port. */
	const char *sep = text + strcspn(text, "]");
	sep = strpbrk(*sep ? sep : text, "-,");
	if (!sep)
		return false;
	int fa, fb;
	if (!parse_endpoint(text, (size_t)(sep - text), &fa, s->a, &s->a_port) ||
	    !parse_endpoint(sep + 1, strlen(sep + 1), &fb, s->b, &s->b_port) || fa != fb)
		return false;
	s->family = fa;
	return true;
}

bool
dm_calls_cli_check(dm_format fmt, bool fmt_given)
{
	if (!ladder_arg)
		return true;
	if (!parse_conn(ladder_arg, &sel)) {
		g_printerr("demuxsim: --ladder: '%s' is not a socket id or ADDR:PORT-ADDR:PORT\n",
		           ladder_arg);
		return false;
	}
	if (calls_on || (fmt_given && fmt != DM_FORMAT_TEXT)) {
		g_printerr("demuxsim: --ladder writes an SVG diagram: it takes neither --calls nor"
		           " --format\n");
		return false;
	}
	return true;
}

bool
dm_calls_cli_ladder(void)
{
	return ladder_arg != NULL;
}

dm_calls *
dm_calls_cli_make(dm_report *rep, bool html)
{
	if (!calls_on && !ladder_arg && !html)
		return NULL;
	dm_calls *c = dm_calls_new(ladder_arg ? &sel : NULL, html ? HTML_LADDERS : 0);
	if (!calls_on && !ladder_arg)
		dm_calls_set_max(c, HTML_CALLS);
	unsigned what = (calls_on ? DM_REPORT_CALLS_LIST : 0) |
	                (ladder_arg ? DM_REPORT_CALLS_LADDER : 0);
	dm_report_set_calls(rep, c, what);
	return c;
}

void
dm_calls_cli_clear(void)
{
	g_clear_pointer(&ladder_arg, g_free);
	calls_on = FALSE;
}
