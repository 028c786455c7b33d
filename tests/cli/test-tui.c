/* test-tui.c - the full-screen view, drawn in a tmux pane by a replay
 * (--realtime) of demux.pcap and checksums.pcap re-timed 1 ms apart:
 * accepted connections indented under their listener, decision lines
 * naming the socket's endpoints, and the legend of "partial" once such a
 * frame came.  Skips without tmux.
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "testrun.h"

static tr_paths paths;

/* Append the records of classic pcap @name (little-endian, microseconds)
 * to @out, numbered from *@n, 1 ms apart; @header: copy its file header
 * first; each record's bytes are added to @keep (GBytes) when given. */
static void
append_records(const char *name, GByteArray *out, guint *n, bool header, GPtrArray *keep)
{
	gchar *path = g_build_filename(paths.srcdir, "captures", name, NULL);
	gchar *data;
	gsize len;
	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	g_assert_cmpuint(len, >=, 24);
	if (header)
		g_byte_array_append(out, (const guint8 *)data, 24);
	for (gsize o = 24; o + 16 <= len;) {
		guint32 caplen;
		memcpy(&caplen, data + o + 8, 4);
		caplen = GUINT32_FROM_LE(caplen);
		g_assert_cmpuint(o + 16 + caplen, <=, len);
		guint8 rec[16];
		memcpy(rec, data + o, 16);
		guint32 sec = GUINT32_TO_LE(1700000000u + *n / 1000u);
		guint32 usec = GUINT32_TO_LE(*n * 1000u % 1000000u);
		memcpy(rec, &sec, 4);
		memcpy(rec + 4, &usec, 4);
		g_byte_array_append(out, rec, 16);
		g_byte_array_append(out, (const guint8 *)data + o + 16, caplen);
		if (keep)
			g_ptr_array_add(keep, g_bytes_new(data + o + 16, caplen));
		(*n)++;
		o += 16 + caplen;
	}
	g_free(data);
	g_free(path);
}

static gboolean
tmux(const char *sock, const char *const *args, gchar **out)
{
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, (gpointer) "tmux");
	g_ptr_array_add(a, (gpointer) "-L");
	g_ptr_array_add(a, (gpointer)sock);
	g_ptr_array_add(a, (gpointer) "-f");
	g_ptr_array_add(a, (gpointer) "/dev/null");
	for (const char *const *p = args; *p; p++)
		g_ptr_array_add(a, (gpointer)*p);
	g_ptr_array_add(a, NULL);
	gint st = 0;
	gboolean ok = g_spawn_sync(NULL, (gchar **)a->pdata, NULL, G_SPAWN_SEARCH_PATH |
	                           (out ? 0 : G_SPAWN_STDOUT_TO_DEV_NULL), NULL, NULL, out,
	                           NULL, &st, NULL) && g_spawn_check_wait_status(st, NULL);
	g_ptr_array_unref(a);
	return ok;
}

/* The pane's text once @want is on it (at most @seconds), or NULL. */
static gchar *
wait_screen(const char *sock, const char *want, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		gchar *screen = NULL;
		if (tmux(sock, (const char *const[]){ "capture-pane", "-p", "-t", "v", NULL }, &screen) &&
		    strstr(screen, want))
			return screen;
		g_free(screen);
		g_usleep(G_USEC_PER_SEC / 10);
	}
	return NULL;
}

static void
test_view(void)
{
	gchar *exe = g_find_program_in_path("tmux");
	if (!exe) {
		g_test_skip("tmux is not installed (apt-get install tmux)");
		return;
	}
	g_free(exe);
	gchar *dir = g_dir_make_tmp("demuxsim-tui-XXXXXX", NULL);
	gchar *cap = g_build_filename(dir, "replay.pcap", NULL);
	GByteArray *bytes = g_byte_array_new();
	GPtrArray *demux = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	guint n = 0;
	append_records("checksums.pcap", bytes, &n, true, NULL);
	append_records("demux.pcap", bytes, &n, false, demux);
	/* demux.pcap's frame 8 again (an ACK to 10.0.0.7:80) last: the view
	 * follows its host, the one with a listener */
	GBytes *ack = g_ptr_array_index(demux, 7);
	gsize alen;
	const guint8 *ap = g_bytes_get_data(ack, &alen);
	guint32 rec[4] = { GUINT32_TO_LE(1700000000u + n / 1000u), GUINT32_TO_LE(n * 1000u % 1000000u),
	                   GUINT32_TO_LE((guint32)alen), GUINT32_TO_LE((guint32)alen) };
	g_byte_array_append(bytes, (const guint8 *)rec, 16);
	g_byte_array_append(bytes, ap, (guint)alen);
	g_assert_true(g_file_set_contents(cap, (const gchar *)bytes->data, bytes->len, NULL));

	gchar *sock = g_strdup_printf("demuxsim-tui-%d", (int)getpid());
	gchar *cmd = g_strdup_printf("'%s' --realtime -r '%s'; echo EXITED $?; sleep 30",
	                             paths.tool, cap);
	g_assert_true(tmux(sock, (const char *const[]){ "new-session", "-d", "-s", "v", "-x", "160",
	                                               "-y", "50", cmd, NULL }, NULL));
	/* the last frame's decision drawn, and its host shown */
	gchar *last = g_strdup_printf("\n%u TCP 10.0.0.2:41001 > 10.0.0.7:80 [A]", n + 1);
	gchar *screen = wait_screen(sock, last, 60);
	if (!screen)
		g_test_message("the view never showed frame %u", n + 1);
	g_assert_nonnull(screen);
	g_assert_nonnull(strstr(screen, "Host 10.0.0.7 ("));
	/* the listener, then its connections indented under it */
	const char *l = strstr(screen, "\ntcp   LISTEN       10.0.0.7:80");
	g_assert_nonnull(l);
	g_assert_nonnull(strstr(l, "\n  tcp   CLOSED       10.0.0.7:80"));
	/* a decision line names the socket's endpoints */
	const char *line = strstr(screen, last);
	const char *end = strchr(line + 1, '\n');
	gchar *text = g_strndup(line, end ? (gsize)(end - line) : strlen(line));
	/* (the connection has closed by then: dropped, for that socket) */
	g_assert_nonnull(strstr(text, "-> dropped: closed (for socket "));
	g_assert_nonnull(strstr(text, " tcp 10.0.0.7:80 <-> 10.0.0.2:41001)"));
	g_free(text);
	g_free(last);
	/* checksums.pcap's offloaded frames came: the legend says what it is */
	g_assert_nonnull(strstr(screen, "(partial: checksum left to the capturing host's NIC"));
	g_free(screen);
	tmux(sock, (const char *const[]){ "send-keys", "-t", "v", "q", NULL }, NULL);
	screen = wait_screen(sock, "EXITED", 20);
	g_assert_nonnull(screen);
	g_assert_nonnull(strstr(screen, "EXITED 0"));
	g_free(screen);
	tmux(sock, (const char *const[]){ "kill-server", NULL }, NULL);

	g_free(cmd);
	g_free(sock);
	g_ptr_array_unref(demux);
	g_byte_array_unref(bytes);
	g_free(cap);
	tr_remove_tree(dir);
	g_free(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	g_test_add_func("/tui/view/listener-endpoints-partial", test_view);
	int rc = g_test_run();
	tr_paths_clear(&paths);
	return rc;
}
