/* test-onepass.c - the single pass and its evidence window, run as a
 * user runs demuxsim: captures built here (Ethernet, IPv4) in which a
 * datagram or SYN for a closed port is answered sooner or later than the
 * window, compared with --two-pass (the evidence of the whole capture read
 * first); the bound on what the window holds; and standard input read as
 * it comes (a writer that sends a record at a time).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../gen/wire.h"
#include "testrun.h"

static tr_paths paths;
static gboolean under_valgrind;

static const uint8_t CLIENT[4] = { 192, 0, 2, 10 };
static const uint8_t SERVER[4] = { 198, 51, 100, 20 };
static const uint8_t PEER_A[4] = { 203, 0, 113, 1 };
static const uint8_t PEER_B[4] = { 203, 0, 113, 2 };

/* --- Frames -------------------------------------------------------------- */

typedef struct {
	double time;
	GByteArray *bytes;
} frame;

/* An Ethernet frame carrying IPv4 @proto from @src to @dst with @l4
 * (@n bytes; its checksum field at @csum_at is filled, -1: none). */
static GByteArray *
ipv4_frame(const uint8_t *src, const uint8_t *dst, uint8_t proto, uint8_t *l4, size_t n,
           int csum_at)
{
	uint8_t eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	uint8_t ip[20] = { 0x45, 0, 0, 0, 0, 1, 0, 0, 64, proto };
	put16(ip + 2, (uint16_t)(20 + n));
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, fold(sum_bytes(ip, 20, 0)));
	if (csum_at >= 0) {
		uint8_t ph[12] = { 0 };
		memcpy(ph, src, 4);
		memcpy(ph + 4, dst, 4);
		ph[9] = proto;
		put16(ph + 10, (uint16_t)n);
		put16(l4 + csum_at, 0);
		put16(l4 + csum_at, fold(sum_bytes(l4, n, sum_bytes(ph, 12, 0))));
	}
	GByteArray *b = g_byte_array_new();
	g_byte_array_append(b, eth, 14);
	g_byte_array_append(b, ip, 20);
	g_byte_array_append(b, l4, (guint)n);
	return b;
}

static GByteArray *
udp(const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport)
{
	uint8_t u[8 + 12] = { 0 };
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, sizeof u);
	memcpy(u + 8, "hello, there", 12);
	return ipv4_frame(src, dst, 17, u, sizeof u, 6);
}

static GByteArray *
tcp(const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport, uint8_t flags,
    uint32_t seq, uint32_t ack)
{
	uint8_t t[20] = { 0 };
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
	return ipv4_frame(src, dst, 6, t, sizeof t, 16);
}

/* The ICMP port unreachable @dst's host sends back for datagram @d
 * (RFC 792: the IP header and 8 bytes of the datagram quoted). */
static GByteArray *
port_unreachable(const GByteArray *d)
{
	uint8_t m[8 + 28] = { 3, 3 };
	memcpy(m + 8, d->data + 14, 28);
	put16(m + 2, fold(sum_bytes(m, sizeof m, 0)));
	return ipv4_frame(d->data + 14 + 16, d->data + 14 + 12, 1, m, sizeof m, -1);
}

static void
add(GArray *frames, double time, GByteArray *bytes)
{
	frame f = { time, bytes };
	g_array_append_val(frames, f);
}

/* The pcap file header (microseconds, Ethernet) and each record. */
static void
put_header(GByteArray *out)
{
	uint32_t h[6] = { 0xa1b2c3d4, 2 | 4u << 16, 0, 0, 65535, 1 };
	g_byte_array_append(out, (const guint8 *)h, sizeof h);
}

static void
put_record(GByteArray *out, const frame *f)
{
	uint32_t r[4] = { 1700000000u + (uint32_t)f->time,
	                  (uint32_t)((f->time - (uint32_t)f->time) * 1e6 + 0.5),
	                  f->bytes->len, f->bytes->len };
	g_byte_array_append(out, (const guint8 *)r, sizeof r);
	g_byte_array_append(out, f->bytes->data, f->bytes->len);
}

/* Write @frames (freed) to a capture in @dir; returns its path. */
static gchar *
write_capture(const char *dir, const char *name, GArray *frames)
{
	GByteArray *out = g_byte_array_new();
	put_header(out);
	for (guint i = 0; i < frames->len; i++) {
		frame *f = &g_array_index(frames, frame, i);
		put_record(out, f);
		g_byte_array_unref(f->bytes);
	}
	g_array_unref(frames);
	gchar *path = g_build_filename(dir, name, NULL);
	g_assert_true(g_file_set_contents(path, (const char *)out->data, out->len, NULL));
	g_byte_array_unref(out);
	return path;
}

/* A datagram for a closed port, answered @late seconds after, with a
 * connection picked up mid-stream between them (a frame every 0.5 s). */
static gchar *
answered_capture(const char *dir, const char *name, double late)
{
	GArray *fr = g_array_new(FALSE, FALSE, sizeof(frame));
	GByteArray *d = udp(CLIENT, 43000, SERVER, 40053);
	add(fr, 0, d);
	for (double t = 0.5; t < late; t += 0.5)
		add(fr, t, tcp(PEER_A, 50000, PEER_B, 80, 0x10, 1000 + (uint32_t)(t * 2), 1));
	add(fr, late, port_unreachable(d));
	add(fr, late + 0.5, tcp(PEER_B, 80, PEER_A, 50000, 0x10, 1, 2000));
	return write_capture(dir, name, fr);
}

/* --- Runs ---------------------------------------------------------------- */

typedef struct {
	gchar *dir;
} fixture;

static void
fx_setup(fixture *fx, gconstpointer data)
{
	(void)data;
	fx->dir = g_dir_make_tmp("demuxsim-onepass-XXXXXX", NULL);
	g_assert_nonnull(fx->dir);
}

static void
fx_teardown(fixture *fx, gconstpointer data)
{
	(void)data;
	tr_remove_tree(fx->dir);
	g_free(fx->dir);
}

static gchar *
run_ok(const char *const *args)
{
	return tr_run_ok(paths.tool, args);
}

static guint
count_lines_with(const char *text, const char *what)
{
	guint n = 0;
	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* An answer within the window: the same decisions, lines and report as
 * reading the whole capture ahead. */
static void
test_answer_within(fixture *fx, gconstpointer data)
{
	(void)data;
	gchar *cap = answered_capture(fx->dir, "within.pcap", 2);
	const char *formats[] = { "text", "jsonl", "json", "csv" };
	for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
		const char *one[] = { "--format", formats[i], cap, NULL };
		const char *two[] = { "--two-pass", "--format", formats[i], cap, NULL };
		gchar *a = run_ok(one), *b = run_ok(two);
		g_assert_cmpstr(a, ==, b);
		g_free(a);
		g_free(b);
	}
	const char *text[] = { cap, NULL };
	gchar *out = run_ok(text);
	g_assert_nonnull(strstr(out, "refused"));
	g_assert_cmpuint(count_lines_with(out, "correction"), ==, 0);
	g_free(out);
	g_free(cap);
}

/* An answer after the window: the datagram made a socket, and the answer
 * retracts it with a correction, as live capture does; a window long
 * enough gives --two-pass's output. */
static void
test_answer_late(fixture *fx, gconstpointer data)
{
	(void)data;
	gchar *cap = answered_capture(fx->dir, "late.pcap", 8);
	const char *one[] = { cap, NULL };
	const char *two[] = { "--two-pass", cap, NULL };
	const char *wide[] = { "--evidence-window", "10", cap, NULL };
	gchar *a = run_ok(one), *b = run_ok(two), *c = run_ok(wide);
	g_assert_cmpuint(count_lines_with(a, "correction"), ==, 1);
	g_assert_cmpuint(count_lines_with(b, "correction"), ==, 0);
	g_assert_nonnull(strstr(b, "refused"));
	g_assert_cmpstr(c, ==, b);
	g_free(a);
	g_free(b);
	g_free(c);
	g_free(cap);
}

/* --evidence-window 0: every line at once, the answer a correction. */
static void
test_window_zero(fixture *fx, gconstpointer data)
{
	(void)data;
	gchar *cap = answered_capture(fx->dir, "zero.pcap", 2);
	const char *zero[] = { "--evidence-window", "0", "--format", "jsonl", cap, NULL };
	gchar *a = run_ok(zero);
	g_assert_cmpuint(count_lines_with(a, "\"correction\""), ==, 1);
	g_assert_true(g_str_has_prefix(a, "{\"frame\":1,"));
	g_free(a);
	g_free(cap);
}

/* A bad --evidence-window: one line, usage status, nothing on stdout. */
static void
test_window_bad(fixture *fx, gconstpointer data)
{
	(void)data;
	gchar *cap = answered_capture(fx->dir, "bad.pcap", 2);
	const char *values[] = { "-1", "abc", "inf" };
	for (guint i = 0; i < G_N_ELEMENTS(values); i++) {
		const char *args[] = { "--evidence-window", values[i], cap, NULL };
		gchar *out = NULL, *err = NULL;
		g_assert_cmpint(tr_run(NULL, paths.tool, args, &out, &err), ==, 2);
		g_assert_cmpstr(out, ==, "");
		g_assert_nonnull(strstr(err, "evidence-window"));
		g_assert_cmpuint(count_lines_with(err, "\n"), ==, 1);
		g_free(out);
		g_free(err);
	}
	g_free(cap);
}

/* More frames than the window holds between a datagram and its answer:
 * the oldest run early, and the answer then comes as a correction. */
static void
test_bound(fixture *fx, gconstpointer data)
{
	(void)data;
	if (under_valgrind) {
		g_test_skip("120,000 frames: too slow under valgrind (the path runs in make check)");
		return;
	}
	GArray *fr = g_array_new(FALSE, FALSE, sizeof(frame));
	GByteArray *d = udp(CLIENT, 43000, SERVER, 40053);
	add(fr, 0, d);
	for (uint32_t i = 0; i < 120000; i++)
		add(fr, 0.5 + i * 1e-5, tcp(PEER_A, 50000, PEER_B, 80, 0x10, 1000 + i, 1));
	add(fr, 2, port_unreachable(d));
	gchar *cap = write_capture(fx->dir, "bound.pcap", fr);
	const char *one[] = { "--format", "jsonl", cap, NULL };
	const char *two[] = { "--two-pass", "--format", "jsonl", cap, NULL };
	gchar *a = run_ok(one), *b = run_ok(two);
	g_assert_cmpuint(count_lines_with(a, "\"correction\""), ==, 1);
	g_assert_cmpuint(count_lines_with(b, "\"correction\""), ==, 0);
	g_free(a);
	g_free(b);
	g_free(cap);
}

/* --- Every capture at hand ---------------------------------------------- */

/* The captures under @dir (recursively), sorted, appended to @found. */
static void
find_captures(const char *dir, GPtrArray *found)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	while ((n = g_dir_read_name(d)))
		g_ptr_array_add(names, g_build_filename(dir, n, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, (GCompareFunc)(void (*)(void))g_ascii_strcasecmp);
	for (guint i = 0; i < names->len; i++) {
		const char *p = g_ptr_array_index(names, i);
		if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
			find_captures(p, found);
		else if (g_str_has_suffix(p, ".pcap") || g_str_has_suffix(p, ".pcapng") ||
		         g_str_has_suffix(p, ".cap"))
			g_ptr_array_add(found, g_strdup(p));
	}
	g_ptr_array_unref(names);
}

/* Every capture of captures/, tests/regress/ and the shared corpus (when
 * beside the checkout): the trace (jsonl) and the report (json) of the
 * single pass equal --two-pass's, status and errors included.  Under
 * valgrind every 25th. */
static void
test_every_capture(fixture *fx, gconstpointer data)
{
	(void)fx;
	(void)data;
	GPtrArray *caps = g_ptr_array_new_with_free_func(g_free);
	const char *dirs[] = { "captures", "tests/regress", "../shared/corpus" };
	for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
		gchar *d = g_build_filename(paths.srcdir, dirs[i], NULL);
		find_captures(d, caps);
		g_free(d);
	}
	g_assert_cmpuint(caps->len, >, 20);
	guint runs = 0;
	for (guint i = 0; i < caps->len; i += under_valgrind ? 25 : 1) {
		const char *cap = g_ptr_array_index(caps, i);
		const char *formats[][2] = { { "--format", "jsonl" }, { "-q", "--format=json" } };
		for (guint f = 0; f < G_N_ELEMENTS(formats); f++) {
			const char *one[] = { formats[f][0], formats[f][1], cap, NULL };
			const char *two[] = { "--two-pass", formats[f][0], formats[f][1], cap, NULL };
			gchar *oa = NULL, *ea = NULL, *ob = NULL, *eb = NULL;
			int sa = tr_run(NULL, paths.tool, one, &oa, &ea);
			int sb = tr_run(NULL, paths.tool, two, &ob, &eb);
			if (sa != sb || g_strcmp0(oa, ob) || g_strcmp0(ea, eb))
				g_test_message("%s %s differs from --two-pass", cap, formats[f][1]);
			g_assert_cmpint(sa, ==, sb);
			g_assert_cmpstr(oa, ==, ob);
			g_assert_cmpstr(ea, ==, eb);
			g_free(oa);
			g_free(ea);
			g_free(ob);
			g_free(eb);
			runs++;
		}
	}
	g_test_message("%u runs on %u captures", runs, caps->len);
	g_ptr_array_unref(caps);
}

/* Several inputs, microsecond then nanosecond times: the same trace on
 * one thread and on three (the starts of lines made ahead on threads take
 * their time format from the input the report has begun: the window ends
 * with each input). */
static void
test_inputs_threads(fixture *fx, gconstpointer data)
{
	(void)fx;
	(void)data;
	gchar *a = g_build_filename(paths.srcdir, "captures", "checksums.pcap", NULL);
	gchar *b = g_build_filename(paths.srcdir, "captures", "checksums-ns.pcap", NULL);
	const char *one[] = { "--threads", "1", "--format", "jsonl", a, b, NULL };
	const char *three[] = { "--threads", "3", "--format", "jsonl", a, b, NULL };
	gchar *x = run_ok(one), *y = run_ok(three);
	g_assert_cmpstr(x, ==, y);
	g_assert_nonnull(strstr(x, "\"time\":1700000000.000017321,"));
	g_free(x);
	g_free(y);
	g_free(a);
	g_free(b);
}

/* --- Standard input, as it comes ----------------------------------------- */

/* Read from @fd until a newline or @seconds pass; the line, or NULL. */
static gchar *
read_line(int fd, double seconds, GString *buf)
{
	gint64 end = g_get_monotonic_time() + (gint64)(seconds * 1e6);
	for (;;) {
		const char *nl = memchr(buf->str, '\n', buf->len);
		if (nl) {
			gchar *line = g_strndup(buf->str, (gsize)(nl - buf->str));
			g_string_erase(buf, 0, nl - buf->str + 1);
			return line;
		}
		gint64 left = end - g_get_monotonic_time();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, (int)(left / 1000) + 1) <= 0)
			return NULL;
		char chunk[4096];
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n <= 0)
			return NULL;
		g_string_append_len(buf, chunk, n);
	}
}

static void
write_frame(int fd, double time, GByteArray *bytes)
{
	GByteArray *out = g_byte_array_new();
	frame f = { time, bytes };
	put_record(out, &f);
	g_assert_cmpint(write(fd, out->data, out->len), ==, (gssize)out->len);
	g_byte_array_unref(out);
	g_byte_array_unref(bytes);
}

/* A writer that sends a record at a time: each trace line comes within a
 * second of its frame, but a datagram that waits for its answer waits
 * until a frame 5 s later in capture time comes. */
static void
test_stdin_streams(fixture *fx, gconstpointer data)
{
	(void)fx;
	(void)data;
	const char *argv[] = { paths.tool, "-", NULL };
	GPid pid;
	int in, out;
	GError *err = NULL;
	g_assert_true(g_spawn_async_with_pipes(NULL, (gchar **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
	                                       NULL, NULL, &pid, &in, &out, NULL, &err));
	GString *buf = g_string_new("");
	GByteArray *h = g_byte_array_new();
	put_header(h);
	g_assert_cmpint(write(in, h->data, h->len), ==, (gssize)h->len);
	g_byte_array_unref(h);

	/* The first line once demuxsim has started (slow under valgrind). */
	write_frame(in, 0, tcp(PEER_A, 50000, PEER_B, 80, 0x10, 1000, 1));
	gchar *line = read_line(out, 60, buf);
	g_assert_nonnull(line);
	g_assert_true(g_str_has_prefix(line, "1 "));
	g_free(line);
	double limit = under_valgrind ? 5 : 1;
	write_frame(in, 0.1, tcp(PEER_B, 80, PEER_A, 50000, 0x10, 1, 1001));
	line = read_line(out, limit, buf);
	g_assert_nonnull(line);
	g_assert_true(g_str_has_prefix(line, "2 "));
	g_free(line);

	/* A datagram for a port with no socket waits for its answer... */
	write_frame(in, 0.2, udp(CLIENT, 43000, SERVER, 40053));
	g_assert_null(read_line(out, 0.5, buf));
	/* ...until 5 s of capture time have passed. */
	write_frame(in, 6, tcp(PEER_A, 50000, PEER_B, 80, 0x10, 1001, 1));
	line = read_line(out, limit, buf);
	g_assert_nonnull(line);
	g_assert_true(g_str_has_prefix(line, "3 "));
	g_assert_nonnull(strstr(line, "(new)"));
	g_free(line);
	line = read_line(out, limit, buf);
	g_assert_nonnull(line);
	g_assert_true(g_str_has_prefix(line, "4 "));
	g_free(line);

	close(in);
	int status = 0;
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_cmpint(tr_exit_status(status), ==, 0);
	g_spawn_close_pid(pid);
	close(out);
	g_string_free(buf, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	paths = tr_paths_get();
	under_valgrind = g_getenv("DEMUXSIM_VALGRIND_TOOL") != NULL;
	signal(SIGPIPE, SIG_IGN);
	g_test_add("/onepass/window/answer-within", fixture, NULL, fx_setup, test_answer_within,
	           fx_teardown);
	g_test_add("/onepass/window/answer-late", fixture, NULL, fx_setup, test_answer_late,
	           fx_teardown);
	g_test_add("/onepass/window/zero", fixture, NULL, fx_setup, test_window_zero, fx_teardown);
	g_test_add("/onepass/window/bad-option", fixture, NULL, fx_setup, test_window_bad,
	           fx_teardown);
	g_test_add("/onepass/window/bound", fixture, NULL, fx_setup, test_bound, fx_teardown);
	g_test_add("/onepass/captures/same-as-two-pass", fixture, NULL, fx_setup, test_every_capture,
	           fx_teardown);
	g_test_add("/onepass/inputs/threads", fixture, NULL, fx_setup, test_inputs_threads,
	           fx_teardown);
	g_test_add("/onepass/stdin/as-it-comes", fixture, NULL, fx_setup, test_stdin_streams,
	           fx_teardown);
	int rc = g_test_run();
	tr_paths_clear(&paths);
	return rc;
}
