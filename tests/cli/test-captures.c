/* test-captures.c - test the demuxsim command line from outside, on the
 * generated captures in $top_srcdir/captures.
 *
 * The binary is found in $DEMUXSIM and the source tree in $top_srcdir
 * (both exported by AM_TESTS_ENVIRONMENT; without them, testrun.h's
 * defaults).  The tool always runs in $top_srcdir with relative capture paths,
 * so file names in its output do not depend on where the tree lives.
 *
 *   /captures/truth/<file>    every row of captures/<file>.truth.tsv against
 *                             `demuxsim --format jsonl --all-frames
 *                             --no-reassembly <file>` (frame count, exit
 *                             status, times too): truth files describe
 *                             each frame as captured, fragments included
 *                             (reassembly: tests/cli/test-frag.c)
 *   /captures/golden/<name>   stdout compared byte for byte with
 *                             tests/expected/<name>; DEMUXSIM_REGEN=1
 *                             rewrites the golden files instead.  Generated
 *                             by the tool, then checked against the truth
 *                             files by hand: regenerate only after reading
 *                             the diff.
 *   /captures/golden/checksums.pcapng.txt
 *                             the pcapng copy prints exactly what the pcap
 *                             does (text, and JSON but for the file list)
 *   /captures/nanosecond/...  nanosecond timestamps print 9 digits (trace,
 *                             JSON lines, JSON report)
 *   /cli/errors/<case>        input errors: exit 1, one stderr line naming
 *                             the file (and the frame), the report of what
 *                             was read before (alone and after a good file)
 *   /cli/usage/<case>         usage errors exit 2 with a message; --help
 *                             exits 0 and explains the exit statuses
 *   /cli/stdin/<file>         "-" reads standard input through a pipe: the
 *                             same output as the file, no temporary file
 *                             left behind; bad input names "-"
 *   /cli/several-files        A B: frames numbered across the files, every
 *                             count the sum, files listed in order
 *
 * Assertions are non-fatal: a failing case reports every difference it
 * finds and the remaining cases still run.
 */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testrun.h"

#define TRUTH_SUFFIX ".truth.tsv"
#define EXPECTED_DIR "tests/expected"

static gchar *tool_path;   /* absolute path of the demuxsim binary */
static gchar *srcdir;      /* absolute path of the source tree */
static gchar **child_env;  /* the environment the tool runs in */
static gboolean regen;     /* DEMUXSIM_REGEN=1: rewrite golden files */

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static void fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Record a failure with a message and carry on. */
static void
fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gchar *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_test_message("FAIL: %s", msg);
	g_free(msg);
	g_test_fail();
}

static gchar *
src_path(const char *rel)
{
	return g_build_filename(srcdir, rel, NULL);
}

static gboolean
has_prefix(const char *s, const char *prefix)
{
	return s && g_str_has_prefix(s, prefix);
}

static gboolean
contains(const char *haystack, const char *needle)
{
	return haystack && strstr(haystack, needle) != NULL;
}

/* The number of '\n'-terminated lines in @s (a last line without a
 * newline counts too). */
static guint
count_lines(const char *s)
{
	guint n = 0;
	for (const char *p = s; p && *p; p++)
		if (*p == '\n' || p[1] == '\0')
			n++;
	return n;
}

/* The packet part of a text trace line: everything before the receiving
 * host's decision (" -> ..."), as a new string. */
static gchar *
packet_part(const char *line)
{
	const char *arrow = strstr(line, " -> ");
	return arrow ? g_strndup(line, (gsize)(arrow - line)) : g_strdup(line);
}

/* ------------------------------------------------------------------ */
/* Running the tool                                                    */
/* ------------------------------------------------------------------ */

typedef struct {
	gchar *out;
	gchar *err;
	int status;      /* exit status, -1 when it did not exit normally */
	gchar *command;  /* for messages */
} run_result;

static void
run_result_clear(run_result *r)
{
	g_free(r->out);
	g_free(r->err);
	g_free(r->command);
	memset(r, 0, sizeof *r);
}

/* argv for the tool: the binary, then @args (NULL-terminated). */
static gchar **
tool_argv(const char *const *args)
{
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, g_strdup(tool_path));
	for (const char *const *p = args; *p; p++)
		g_ptr_array_add(a, g_strdup(*p));
	g_ptr_array_add(a, NULL);
	return (gchar **)g_ptr_array_free(a, FALSE);
}

static void
set_status(run_result *r, int wait_status)
{
	if (WIFEXITED(wait_status)) {
		r->status = WEXITSTATUS(wait_status);
	} else {
		r->status = -1;
		fail("%s: did not exit normally (wait status 0x%x)", r->command,
		     (unsigned)wait_status);
	}
}

/* Run the tool with @args in the source tree; stdout, stderr and the exit
 * status go to @r.  Returns FALSE (and fails) when it cannot be run. */
static gboolean
run_tool(const char *const *args, run_result *r)
{
	gchar **argv = tool_argv(args);
	GError *error = NULL;
	int wait_status = 0;

	memset(r, 0, sizeof *r);
	r->status = -1;
	r->command = g_strjoinv(" ", argv + 1);
	g_test_message("$ demuxsim %s", r->command);
	gboolean ok = g_spawn_sync(srcdir, argv, child_env, G_SPAWN_DEFAULT, NULL,
	                           NULL, &r->out, &r->err, &wait_status, &error);
	g_strfreev(argv);
	if (!ok) {
		fail("cannot run %s: %s", tool_path, error->message);
		g_error_free(error);
		run_result_clear(r);
		return FALSE;
	}
	set_status(r, wait_status);
	return TRUE;
}

/* Append what is available on @fd to @buf; returns FALSE at end of file
 * (or on an error). */
static gboolean
drain(int fd, GString *buf)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof chunk);
	if (n > 0) {
		g_string_append_len(buf, chunk, n);
		return TRUE;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return TRUE;
	return FALSE;
}

/* Like run_tool(), with @input (@len bytes) written to the tool's
 * standard input through a pipe.  stdin, stdout and stderr are served
 * together with poll() so that no pipe can fill up and block. */
static gboolean
run_tool_stdin(const char *const *args, const char *input, gsize len,
               run_result *r)
{
	gchar **argv = tool_argv(args);
	GError *error = NULL;
	GPid pid;
	int fd_in, fd_out, fd_err;

	memset(r, 0, sizeof *r);
	r->status = -1;
	r->command = g_strjoinv(" ", argv + 1);
	g_test_message("$ demuxsim %s < (%" G_GSIZE_FORMAT " bytes through a pipe)",
	               r->command, len);
	/* A private TMPDIR: whatever the tool spools there must be gone after. */
	gchar *tmp = g_dir_make_tmp("test-captures-XXXXXX", &error);
	if (!tmp) {
		fail("temporary directory: %s", error->message);
		g_clear_error(&error);
	}
	gchar **env = g_strdupv(child_env);
	if (tmp)
		env = g_environ_setenv(env, "TMPDIR", tmp, TRUE);
	gboolean ok = g_spawn_async_with_pipes(srcdir, argv, env,
	                                       G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
	                                       &pid, &fd_in, &fd_out, &fd_err, &error);
	g_strfreev(env);
	g_strfreev(argv);
	if (!ok) {
		if (tmp) {
			g_rmdir(tmp);
			g_free(tmp);
		}
		fail("cannot run %s: %s", tool_path, error->message);
		g_error_free(error);
		run_result_clear(r);
		return FALSE;
	}
	if (!g_unix_set_fd_nonblocking(fd_in, TRUE, &error)) {
		fail("non-blocking stdin pipe: %s", error->message);
		g_clear_error(&error);
	}

	GString *out = g_string_new(NULL), *err = g_string_new(NULL);
	gsize written = 0;
	if (len == 0) {
		close(fd_in);
		fd_in = -1;
	}
	while (fd_out >= 0 || fd_err >= 0) {
		struct pollfd fds[3];
		nfds_t n = 0;
		int i_in = -1, i_out = -1, i_err = -1;
		if (fd_in >= 0) {
			i_in = (int)n;
			fds[n++] = (struct pollfd){ .fd = fd_in, .events = POLLOUT };
		}
		if (fd_out >= 0) {
			i_out = (int)n;
			fds[n++] = (struct pollfd){ .fd = fd_out, .events = POLLIN };
		}
		if (fd_err >= 0) {
			i_err = (int)n;
			fds[n++] = (struct pollfd){ .fd = fd_err, .events = POLLIN };
		}
		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fail("poll: %s", g_strerror(errno));
			break;
		}
		if (i_in >= 0 && fds[i_in].revents) {
			ssize_t w = write(fd_in, input + written, len - written);
			if (w > 0)
				written += (gsize)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == len) {
				if (written < len)
					g_test_message("the tool stopped reading its input after %"
					               G_GSIZE_FORMAT " bytes", written);
				close(fd_in);
				fd_in = -1;
			}
		}
		if (i_out >= 0 && fds[i_out].revents && !drain(fd_out, out)) {
			close(fd_out);
			fd_out = -1;
		}
		if (i_err >= 0 && fds[i_err].revents && !drain(fd_err, err)) {
			close(fd_err);
			fd_err = -1;
		}
	}
	if (fd_in >= 0)
		close(fd_in);
	if (fd_out >= 0)
		close(fd_out);
	if (fd_err >= 0)
		close(fd_err);

	int wait_status = 0;
	while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR)
		;
	g_spawn_close_pid(pid);
	r->out = g_string_free(out, FALSE);
	r->err = g_string_free(err, FALSE);
	set_status(r, wait_status);
	if (tmp) {
		GDir *d = g_dir_open(tmp, 0, NULL);
		const char *name;
		while (d && (name = g_dir_read_name(d))) {
			gchar *left = g_build_filename(tmp, name, NULL);
			fail("%s: left %s behind", r->command, left);
			g_unlink(left);
			g_free(left);
		}
		if (d)
			g_dir_close(d);
		g_rmdir(tmp);
		g_free(tmp);
	}
	return TRUE;
}

/* A successful run: exit status 0 and nothing on stderr. */
static void
expect_clean_exit(const run_result *r)
{
	if (r->status != 0)
		fail("%s: exit status %d, expected 0", r->command, r->status);
	if (r->err && *r->err)
		fail("%s: unexpected stderr: %s", r->command, r->err);
}

/* ------------------------------------------------------------------ */
/* Ground truth files                                                  */
/* ------------------------------------------------------------------ */

enum { T_FRAME, T_KIND, T_FAMILY, T_PROTO, T_SRC, T_SPORT, T_DST, T_DPORT,
       T_LENGTH, T_PAYLOAD, T_CHECKSUM, T_COMPUTED, T_STATUS, T_REASON,
       T_FLAGS, T_N };

static const char *const truth_columns[T_N] = {
	"frame", "kind", "family", "proto", "src", "sport", "dst", "dport",
	"length", "payload", "checksum", "computed", "status", "reason",
	"tcp_flags",
};

typedef struct {
	char *v[T_N];       /* points into fields */
	gchar **fields;
} truth_row;

static void
truth_row_free(gpointer p)
{
	truth_row *row = p;
	g_strfreev(row->fields);
	g_free(row);
}

/* The rows of truth file @path (columns found by header name), or NULL
 * after a failure. */
static GPtrArray *
read_truth(const char *path)
{
	gchar *text = NULL;
	GError *error = NULL;

	if (!g_file_get_contents(path, &text, NULL, &error)) {
		fail("%s", error->message);
		g_error_free(error);
		return NULL;
	}
	gchar **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	int col[T_N];
	gchar **head = lines[0] ? g_strsplit(lines[0], "\t", -1) : NULL;
	guint ncols = head ? g_strv_length(head) : 0;
	bool ok = true;
	for (int c = 0; c < T_N; c++) {
		col[c] = -1;
		for (guint i = 0; i < ncols; i++)
			if (strcmp(head[i], truth_columns[c]) == 0)
				col[c] = (int)i;
		if (col[c] < 0) {
			fail("%s: no column '%s' in the header", path, truth_columns[c]);
			ok = false;
		}
	}
	g_strfreev(head);
	if (!ok) {
		g_strfreev(lines);
		return NULL;
	}

	GPtrArray *rows = g_ptr_array_new_with_free_func(truth_row_free);
	for (guint l = 1; lines[l]; l++) {
		if (!*lines[l])
			continue;
		truth_row *row = g_new0(truth_row, 1);
		row->fields = g_strsplit(lines[l], "\t", -1);
		if (g_strv_length(row->fields) != ncols) {
			fail("%s:%u: %u fields, the header has %u", path, l + 1,
			     g_strv_length(row->fields), ncols);
			truth_row_free(row);
			continue;
		}
		for (int c = 0; c < T_N; c++)
			row->v[c] = row->fields[col[c]];
		if (g_ascii_strtoull(row->v[T_FRAME], NULL, 10) != rows->len + 1)
			fail("%s:%u: frame %s, expected %u (one row per frame, in order)",
			     path, l + 1, row->v[T_FRAME], rows->len + 1);
		g_ptr_array_add(rows, row);
	}
	g_strfreev(lines);
	return rows;
}

static gboolean
is_none(const char *v)
{
	return strcmp(v, "-") == 0;
}

/* ------------------------------------------------------------------ */
/* JSON helpers                                                        */
/* ------------------------------------------------------------------ */

/* Parse @text as one JSON document; NULL (and a failure) when invalid. */
static JsonNode *
parse_json(const char *what, const char *text)
{
	JsonParser *parser = json_parser_new();
	GError *error = NULL;
	JsonNode *root = NULL;

	if (json_parser_load_from_data(parser, text, -1, &error)) {
		root = json_parser_steal_root(parser);
		if (!root)
			fail("%s: no JSON document (empty output)", what);
	} else {
		fail("%s: invalid JSON (%s): %s", what, error->message, text);
		g_error_free(error);
	}
	g_object_unref(parser);
	if (root && !JSON_NODE_HOLDS_OBJECT(root)) {
		fail("%s: not a JSON object: %s", what, text);
		json_node_unref(root);
		root = NULL;
	}
	return root;
}

/* Member @name of @o as an integer; FALSE when absent or not an integer. */
static gboolean
get_int(JsonObject *o, const char *name, gint64 *v)
{
	JsonNode *n = json_object_get_member(o, name);
	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
		return FALSE;
	*v = json_node_get_int(n);
	return TRUE;
}

/* An integer member in a nested object path, e.g. "segments", "udp". */
static gint64
get_int_path(JsonNode *root, const char *what, const char *a, const char *b)
{
	JsonObject *o = json_node_get_object(root);
	gint64 v = -1;
	if (b) {
		JsonNode *n = json_object_get_member(o, a);
		if (!n || !JSON_NODE_HOLDS_OBJECT(n)) {
			fail("%s: no object member \"%s\"", what, a);
			return -1;
		}
		o = json_node_get_object(n);
		a = b;
	}
	if (!get_int(o, a, &v))
		fail("%s: no integer member \"%s\"", what, a);
	return v;
}

/* Check that member @name of @o is the string @expect, or JSON null when
 * @expect is NULL. */
static void
check_str(const char *where, JsonObject *o, const char *name, const char *expect)
{
	JsonNode *n = json_object_get_member(o, name);
	if (!n) {
		fail("%s: member \"%s\" missing", where, name);
		return;
	}
	if (!expect) {
		if (!JSON_NODE_HOLDS_NULL(n)) {
			gchar *s = json_to_string(n, FALSE);
			fail("%s: %s: expected null, got %s", where, name, s);
			g_free(s);
		}
		return;
	}
	if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
		gchar *s = json_to_string(n, FALSE);
		fail("%s: %s: expected \"%s\", got %s", where, name, expect, s);
		g_free(s);
		return;
	}
	if (strcmp(json_node_get_string(n), expect) != 0)
		fail("%s: %s: expected \"%s\", got \"%s\"", where, name, expect,
		     json_node_get_string(n));
}

/* Check that member @name of @o is the integer written @expect. */
static void
check_int(const char *where, JsonObject *o, const char *name, const char *expect)
{
	gint64 v;
	if (!get_int(o, name, &v)) {
		JsonNode *n = json_object_get_member(o, name);
		gchar *s = n ? json_to_string(n, FALSE) : g_strdup("(missing)");
		fail("%s: %s: expected %s, got %s", where, name, expect, s);
		g_free(s);
		return;
	}
	gchar *got = g_strdup_printf("%" G_GINT64_FORMAT, v);
	if (strcmp(got, expect) != 0)
		fail("%s: %s: expected %s, got %s", where, name, expect, got);
	g_free(got);
}

/* ------------------------------------------------------------------ */
/* /captures/truth/<file>                                               */
/* ------------------------------------------------------------------ */

typedef struct {
	JsonNode *root;
	gchar *line;
} jsonl_line;

/* Whether capture @path is a classic pcap file with nanosecond
 * timestamps (magic a1b23c4d in either byte order); -1 if not a classic
 * pcap file (pcapng: either precision is allowed). */
static int
pcap_nanosecond(const char *path)
{
	guint8 m[4] = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t n = fread(m, 1, sizeof m, f);
	fclose(f);
	if (n != 4)
		return -1;
	guint32 be = (guint32)m[0] << 24 | (guint32)m[1] << 16 | (guint32)m[2] << 8 | m[3];
	if (be == 0xa1b23c4du || be == 0x4d3cb2a1u)
		return 1;
	if (be == 0xa1b2c3d4u || be == 0xd4c3b2a1u)
		return 0;
	return -1;
}

/* The "time" of a JSON line as written (the raw text: a JSON parser would
 * round nanoseconds through a double).  Checks the fraction's digits:
 * 6, or 9 for a nanosecond file (@nano -1: either, but every line of the
 * file alike, remembered in *@digits). */
static void
check_time(const char *where, const char *line, int nano, int *digits,
           guint64 *last_sec, guint64 *last_frac)
{
	const char *p = strstr(line, "\"time\":");
	if (!p) {
		fail("%s: no \"time\"", where);
		return;
	}
	p += strlen("\"time\":");
	size_t nsec = strspn(p, "0123456789");
	size_t nfrac = p[nsec] == '.' ? strspn(p + nsec + 1, "0123456789") : 0;
	int want = nano == 1 ? 9 : nano == 0 ? 6 : *digits;
	if (nsec == 0 || nfrac == 0 || (p[nsec + 1 + nfrac] != ',' && p[nsec + 1 + nfrac] != '}')) {
		fail("%s: time is not seconds.fraction: %.30s", where, p);
		return;
	}
	if (want > 0 && (int)nfrac != want)
		fail("%s: time %.*s has %zu fraction digits, expected %d", where,
		     (int)(nsec + 1 + nfrac), p, nfrac, want);
	if (nfrac != 6 && nfrac != 9)
		fail("%s: time %.*s: fraction of %zu digits", where,
		     (int)(nsec + 1 + nfrac), p, nfrac);
	*digits = (int)nfrac;
	guint64 sec = g_ascii_strtoull(p, NULL, 10);
	guint64 frac = g_ascii_strtoull(p + nsec + 1, NULL, 10);
	if (sec < *last_sec || (sec == *last_sec && frac < *last_frac))
		fail("%s: time goes backwards", where);
	*last_sec = sec;
	*last_frac = frac;
}

static void
compare_segment(const char *where, JsonObject *o, const truth_row *t)
{
	if (json_object_has_member(o, "skipped")) {
		fail("%s: truth has a %s segment, demuxsim skipped the frame (%s)",
		     where, t->v[T_PROTO],
		     json_object_get_string_member_with_default(o, "skipped", "?"));
		return;
	}
	const char *fam = t->v[T_FAMILY];
	if (strcmp(fam, "ipv4") == 0)
		check_int(where, o, "family", "4");
	else if (strcmp(fam, "ipv6") == 0)
		check_int(where, o, "family", "6");
	else
		fail("%s: truth family '%s' unknown", where, fam);
	check_str(where, o, "proto", t->v[T_PROTO]);
	check_str(where, o, "src", t->v[T_SRC]);
	check_int(where, o, "sport", t->v[T_SPORT]);
	check_str(where, o, "dst", t->v[T_DST]);
	check_int(where, o, "dport", t->v[T_DPORT]);
	if (!is_none(t->v[T_LENGTH]))
		check_int(where, o, "length", t->v[T_LENGTH]);
	if (!is_none(t->v[T_PAYLOAD]))
		check_int(where, o, "payload", t->v[T_PAYLOAD]);
	check_str(where, o, "checksum", is_none(t->v[T_CHECKSUM]) ? NULL : t->v[T_CHECKSUM]);
	check_str(where, o, "computed", is_none(t->v[T_COMPUTED]) ? NULL : t->v[T_COMPUTED]);
	check_str(where, o, "checksum_status", t->v[T_STATUS]);
	check_str(where, o, "checksum_reason", is_none(t->v[T_REASON]) ? NULL : t->v[T_REASON]);
	if (!is_none(t->v[T_FLAGS])) {
		JsonNode *tcp = json_object_get_member(o, "tcp");
		if (!tcp || !JSON_NODE_HOLDS_OBJECT(tcp))
			fail("%s: truth has TCP flags %s, no \"tcp\" object", where,
			     t->v[T_FLAGS]);
		else
			check_str(where, json_node_get_object(tcp), "flags", t->v[T_FLAGS]);
	}
}

/* Compare JSON lines output @out of `--format jsonl --all-frames` with the
 * truth @rows, the frames of the run in order (frame i+1 is row i).  Time
 * fractions have 6 digits, or 9 when @nano is 1 (either when -1, alike on
 * every line); with @one_file, times never go backwards. */
static void
compare_jsonl(const char *what, const char *out, const GPtrArray *rows, int nano,
              bool one_file)
{
	/* Every stdout line is one JSON object with a frame number, in order. */
	GPtrArray *lines = g_ptr_array_new();   /* jsonl_line *, index frame-1 */
	gchar **text = g_strsplit(out, "\n", -1);
	gint64 prev = 0;
	int digits = -1;
	guint64 last_sec = 0, last_frac = 0;
	guint n = g_strv_length(text);
	if (n == 0 || *text[n - 1])
		fail("%s: output does not end with a newline", what);
	for (guint i = 0; i + 1 < n || (i < n && *text[i]); i++) {
		gchar *where = g_strdup_printf("%s output line %u", what, i + 1);
		JsonNode *root = parse_json(where, text[i]);
		gint64 frame = -1;
		if (root && (!get_int(json_node_get_object(root), "frame", &frame) || frame < 1))
			fail("%s: no frame number: %s", where, text[i]);
		if (root && frame >= 1) {
			if (frame != prev + 1)
				fail("%s: frame %" G_GINT64_FORMAT " follows frame %" G_GINT64_FORMAT
				     " (with --all-frames every frame has a line)", where, frame, prev);
			if (!one_file)
				last_sec = last_frac = 0;
			check_time(where, text[i], nano, &digits, &last_sec, &last_frac);
			prev = frame;
			if ((guint64)frame > lines->len)
				g_ptr_array_set_size(lines, (guint)frame);
			jsonl_line *l = g_new0(jsonl_line, 1);
			l->root = root;
			l->line = text[i];
			if (lines->pdata[frame - 1]) {
				fail("%s: frame %" G_GINT64_FORMAT " twice", where, frame);
				json_node_unref(root);
				g_free(l);
			} else {
				lines->pdata[frame - 1] = l;
			}
		} else if (root) {
			json_node_unref(root);
		}
		g_free(where);
	}

	if (lines->len != rows->len)
		fail("%s: demuxsim traced %u frames, the truth has %u", what,
		     lines->len, rows->len);
	for (guint i = 0; i < rows->len; i++) {
		const truth_row *t = g_ptr_array_index(rows, i);
		gchar *where = g_strdup_printf("%s frame %u", what, i + 1);
		jsonl_line *l = i < lines->len ? lines->pdata[i] : NULL;
		if (!l) {
			fail("%s: no output line", where);
		} else if (strcmp(t->v[T_KIND], "skip") == 0) {
			JsonObject *o = json_node_get_object(l->root);
			const char *why = json_object_get_string_member_with_default(o, "skipped", NULL);
			if (!why || !*why)
				fail("%s: truth says skipped, demuxsim printed %s", where, l->line);
			if (json_object_has_member(o, "proto"))
				fail("%s: a skipped frame with a \"proto\": %s", where, l->line);
		} else if (strcmp(t->v[T_KIND], "segment") == 0) {
			compare_segment(where, json_node_get_object(l->root), t);
		} else {
			fail("%s: truth kind '%s' unknown", where, t->v[T_KIND]);
		}
		g_free(where);
	}

	for (guint i = 0; i < lines->len; i++) {
		jsonl_line *l = lines->pdata[i];
		if (!l)
			continue;
		json_node_unref(l->root);
		g_free(l);
	}
	g_ptr_array_unref(lines);
	g_strfreev(text);
}

/* The truth rows of capture @rel (relative to the source tree), or NULL. */
static GPtrArray *
truth_of(const char *rel)
{
	gchar *path = g_strconcat(srcdir, "/", rel, TRUTH_SUFFIX, NULL);
	GPtrArray *rows = read_truth(path);
	g_free(path);
	return rows;
}

static void
test_truth(gconstpointer data)
{
	const char *file = data;   /* capture name in captures/ */
#ifndef HAVE_WIRETAP
	/* libpcap refuses them part way (test-pcapng checks how). */
	if (g_str_has_prefix(file, "mixed")) {
		g_test_skip("a pcapng file libpcap refuses: read with libwiretap only");
		return;
	}
#endif
	gchar *rel = g_strconcat("captures/", file, NULL);
	gchar *cap_path = src_path(rel);
	GPtrArray *rows = truth_of(rel);
	run_result r;
	const char *args[] = { "--format", "jsonl", "--all-frames", "--no-reassembly", rel, NULL };

	if (rows && run_tool(args, &r)) {
		/* truncated-record.pcap: the record after the last good one is
		 * damaged, an input error (see /cli/errors/truncated-record.pcap). */
		if (strcmp(file, "truncated-record.pcap") == 0) {
			if (r.status != 1)
				fail("%s: exit status %d, expected 1", r.command, r.status);
			if (count_lines(r.err) != 1)
				fail("%s: expected one line on stderr, got: %s", r.command, r.err);
		} else {
			expect_clean_exit(&r);
		}
		compare_jsonl(file, r.out, rows, pcap_nanosecond(cap_path), true);
		run_result_clear(&r);
	}
	if (rows)
		g_ptr_array_unref(rows);
	g_free(cap_path);
	g_free(rel);
}

/* ------------------------------------------------------------------ */
/* /captures/golden/<name>                                              */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *name;       /* test name, and file under tests/expected */
	const char *args[6];    /* NULL-terminated */
} golden_case;

static const golden_case golden_cases[] = {
	{ "checksums.pcap.txt", { "captures/checksums.pcap", NULL } },
	{ "checksums.pcap.json", { "--format", "json", "captures/checksums.pcap", NULL } },
	{ "malformed.pcap.jsonl",
	  { "--format", "jsonl", "--all-frames", "--no-reassembly", "captures/malformed.pcap", NULL } },
	{ "truncated.pcap.txt", { "captures/truncated.pcap", NULL } },
	{ "vlan.pcap.jsonl", { "--format", "jsonl", "captures/vlan.pcap", NULL } },
	{ "checksums-ns.pcap.txt", { "captures/checksums-ns.pcap", NULL } },
};

/* Report the first line where @got and @expect differ. */
static void
report_difference(const char *what, const char *expect, const char *got)
{
	gchar **e = g_strsplit(expect, "\n", -1), **g = g_strsplit(got, "\n", -1);
	guint i = 0;
	while (e[i] && g[i] && strcmp(e[i], g[i]) == 0)
		i++;
	fail("%s: output differs from the expected at line %u:\n"
	     "  expected: %s\n  got:      %s", what, i + 1,
	     e[i] ? e[i] : "(end of output)", g[i] ? g[i] : "(end of output)");
	g_strfreev(e);
	g_strfreev(g);
}

/* Compare @got with golden file @name, or rewrite it (DEMUXSIM_REGEN=1). */
static void
check_golden(const char *name, const char *got)
{
	gchar *dir = src_path(EXPECTED_DIR);
	gchar *path = g_build_filename(dir, name, NULL);
	gchar *expect = NULL;
	GError *error = NULL;

	if (regen) {
		if (g_mkdir_with_parents(dir, 0755) != 0)
			fail("%s: %s", dir, g_strerror(errno));
		else if (!g_file_set_contents(path, got, -1, &error))
			fail("%s", error->message);
		else
			g_test_message("regenerated %s", path);
	} else if (!g_file_get_contents(path, &expect, NULL, &error)) {
		fail("%s (DEMUXSIM_REGEN=1 writes the golden files)", error->message);
	} else if (strcmp(expect, got) != 0) {
		report_difference(name, expect, got);
	}
	g_clear_error(&error);
	g_free(expect);
	g_free(path);
	g_free(dir);
}

static void
test_golden(gconstpointer data)
{
	const golden_case *c = data;
	run_result r;

	if (!run_tool(c->args, &r))
		return;
	expect_clean_exit(&r);
	check_golden(c->name, r.out);
	run_result_clear(&r);
}

/* Nanosecond pcap: every trace line's time has 9 fraction digits, in
 * text and in JSON lines, and one line is checked as a whole. */
static void
test_nanosecond(void)
{
	const char *text_args[] = { "-tt", "captures/checksums-ns.pcap", NULL };
	const char *jsonl_args[] = { "--format", "jsonl", "captures/checksums-ns.pcap", NULL };
	run_result r;

	if (run_tool(text_args, &r)) {
		expect_clean_exit(&r);
		gchar **lines = g_strsplit(r.out, "\n", -1);
		gchar *first = packet_part(lines[0] ? lines[0] : "");
		g_assert_cmpstr(first, ==,
		                "1 1700000000.000017321 UDP 192.0.2.10:43000 > "
		                "198.51.100.20:40053 length 32 cksum 0x5bc7 good");
		g_free(first);
		guint traced = 0;
		for (guint i = 0; lines[i] && *lines[i]; i++, traced++) {
			gchar **f = g_strsplit(lines[i], " ", 3);
			const char *dot = f[0] && f[1] ? strchr(f[1], '.') : NULL;
			if (!dot || strlen(dot + 1) != 9 ||
			    strspn(dot + 1, "0123456789") != 9)
				fail("trace line %u: time without 9 digits: %s", i + 1, lines[i]);
			g_strfreev(f);
		}
		g_assert_cmpuint(traced, ==, 8);
		g_strfreev(lines);
		run_result_clear(&r);
	}
	if (run_tool(jsonl_args, &r)) {
		expect_clean_exit(&r);
		gchar **lines = g_strsplit(r.out, "\n", -1);
		g_assert_true(has_prefix(lines[0],
		              "{\"frame\":1,\"time\":1700000000.000017321,"));
		int digits = -1;
		guint64 s = 0, f = 0;
		for (guint i = 0; lines[i] && *lines[i]; i++)
			check_time("checksums-ns.pcap jsonl", lines[i], 1, &digits, &s, &f);
		g_strfreev(lines);
		run_result_clear(&r);
	}
}

/* The JSON report of a nanosecond capture: the sockets' first and last
 * times are at the file's precision too (9 digits), as in the trace. */
static void
test_nanosecond_report(void)
{
	const char *args[] = { "--format", "json", "captures/checksums-ns.pcap", NULL };
	run_result r;

	if (!run_tool(args, &r))
		return;
	expect_clean_exit(&r);
	GRegex *re = g_regex_new("\"(first|last)\"\\s*:\\s*\"?([0-9]+(\\.[0-9]*)?)",
	                         0, 0, NULL);
	GMatchInfo *m = NULL;
	guint n = 0;
	g_regex_match(re, r.out, 0, &m);
	while (g_match_info_matches(m)) {
		gchar *key = g_match_info_fetch(m, 1), *val = g_match_info_fetch(m, 2);
		const char *dot = strchr(val, '.');
		if (!dot || strlen(dot + 1) != 9)
			fail("%s: \"%s\" : %s is not at nanosecond precision (9 digits)",
			     r.command, key, val);
		n++;
		g_free(key);
		g_free(val);
		g_match_info_next(m, NULL);
	}
	g_match_info_free(m);
	g_regex_unref(re);
	if (n == 0)
		fail("%s: no socket times in the report", r.command);
	run_result_clear(&r);
}

/* Remove member "files" of a JSON summary, returning it (or NULL). */
static JsonNode *
take_files(JsonNode *root)
{
	JsonObject *o = json_node_get_object(root);
	JsonNode *files = json_object_dup_member(o, "files");
	json_object_remove_member(o, "files");
	return files;
}

/* Check that JSON array @files holds the strings @expect (NULL-terminated). */
static void
check_files(const char *what, JsonNode *files, const char *const *expect)
{
	if (!files || !JSON_NODE_HOLDS_ARRAY(files)) {
		fail("%s: \"files\" is not an array", what);
		return;
	}
	JsonArray *a = json_node_get_array(files);
	guint n = g_strv_length((gchar **)expect);
	if (json_array_get_length(a) != n) {
		fail("%s: \"files\" has %u entries, expected %u", what,
		     json_array_get_length(a), n);
		return;
	}
	for (guint i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(a, i);
		const char *got = JSON_NODE_HOLDS_VALUE(e) &&
		                  json_node_get_value_type(e) == G_TYPE_STRING
		                  ? json_node_get_string(e) : "(not a string)";
		if (strcmp(got, expect[i]) != 0)
			fail("%s: files[%u] is \"%s\", expected \"%s\"", what, i, got,
			     expect[i]);
	}
}

/* Two JSON summaries equal apart from their file lists. */
static void
check_same_summary(const char *what, const char *json_a, const char *json_b)
{
	JsonNode *a = parse_json(what, json_a), *b = parse_json(what, json_b);
	if (a && b) {
		JsonNode *fa = take_files(a), *fb = take_files(b);
		if (!json_node_equal(a, b)) {
			gchar *sa = json_to_string(a, FALSE), *sb = json_to_string(b, FALSE);
			fail("%s: summaries differ:\n  %s\n  %s", what, sa, sb);
			g_free(sa);
			g_free(sb);
		}
		if (fa)
			json_node_unref(fa);
		if (fb)
			json_node_unref(fb);
	}
	if (a)
		json_node_unref(a);
	if (b)
		json_node_unref(b);
}

/* checksums.pcapng holds the frames of checksums.pcap: the same text (no
 * file list in it), the same golden output, the same summary apart from
 * the file list. */
static void
test_pcapng_equals_pcap(void)
{
	const char *ng_args[] = { "captures/checksums.pcapng", NULL };
	const char *pcap_args[] = { "captures/checksums.pcap", NULL };
	const char *ng_json[] = { "--format", "json", "captures/checksums.pcapng", NULL };
	const char *pcap_json[] = { "--format", "json", "captures/checksums.pcap", NULL };
	run_result ng, pc;

	if (run_tool(ng_args, &ng)) {
		expect_clean_exit(&ng);
		if (!regen)
			check_golden("checksums.pcap.txt", ng.out);
		if (run_tool(pcap_args, &pc)) {
			expect_clean_exit(&pc);
			if (strcmp(ng.out, pc.out) != 0)
				report_difference("checksums.pcapng vs checksums.pcap", pc.out, ng.out);
			run_result_clear(&pc);
		}
		run_result_clear(&ng);
	}
	if (run_tool(ng_json, &ng)) {
		expect_clean_exit(&ng);
		if (run_tool(pcap_json, &pc)) {
			expect_clean_exit(&pc);
			check_same_summary("checksums.pcapng vs checksums.pcap (json)",
			                   pc.out, ng.out);
			run_result_clear(&pc);
		}
		run_result_clear(&ng);
	}
}

/* ------------------------------------------------------------------ */
/* /cli/errors/...                                                     */
/* ------------------------------------------------------------------ */

/* The summary line "N frames, U UDP and T TCP segments" of text output:
 * N, or -1 (and a failure) when there is none. */
static gint64
summary_frames(const char *what, const char *out)
{
	gchar **lines = g_strsplit(out, "\n", -1);
	gint64 frames = -1;
	for (guint i = 0; lines[i]; i++) {
		guint64 n, u, t;
		char tail[2];
		if (sscanf(lines[i], "%" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
		           " UDP and %" G_GUINT64_FORMAT " TCP segment%1s", &n, &u, &t,
		           tail) == 4) {
			if (frames >= 0)
				fail("%s: two summary lines", what);
			frames = (gint64)n;
		}
	}
	g_strfreev(lines);
	if (frames < 0)
		fail("%s: no summary (\"N frames, ...\") in the output:\n%s", what, out);
	return frames;
}

/* The trace lines of text output (before the summary's blank line). */
static gchar **
trace_lines(const char *out)
{
	const char *end = strstr(out, "\n\n");
	gchar *trace = end ? g_strndup(out, (gsize)(end - out + 1)) : g_strdup("");
	gchar **lines = g_strsplit(trace, "\n", -1);
	guint n = g_strv_length(lines);
	if (n && !*lines[n - 1]) {   /* drop the empty string after the last \n */
		g_free(lines[n - 1]);
		lines[n - 1] = NULL;
	}
	g_free(trace);
	return lines;
}

typedef struct {
	const char *name;          /* test name */
	const char *capture;       /* relative to the source tree */
	gint64 frames;             /* frames read before the error */
	const char *needles[3];    /* further text the error line must hold */
	int bad_frame;             /* the frame the error names (0: none) */
} error_case;

static const error_case error_cases[] = {
	{ "empty.pcap", "captures/empty.pcap", 0, { NULL }, 0 },
	{ "not-a-capture.pcap", "captures/not-a-capture.pcap", 0, { NULL }, 0 },
	{ "truncated-header.pcap", "captures/truncated-header.pcap", 0, { NULL }, 0 },
	{ "truncated-record.pcap", "captures/truncated-record.pcap", 3, { NULL }, 4 },
	{ "unsupported.pcap", "captures/unsupported.pcap", 0, { "147", "USER0", NULL }, 0 },
	{ "missing-file", "captures/no-such-capture.pcap", 0, { NULL }, 0 },
};

/* The one error line: "demuxsim: " + the file + the needles, and the
 * damaged frame by its position in its own file (the trace numbers frames
 * across the files of a run, the error names the record in its file). */
static void
check_error_line(const run_result *r, const error_case *c)
{
	if (r->status != 1)
		fail("%s: exit status %d, expected 1", r->command, r->status);
	if (count_lines(r->err) != 1 || !g_str_has_suffix(r->err, "\n"))
		fail("%s: expected exactly one line on stderr, got: \"%s\"", r->command, r->err);
	if (!has_prefix(r->err, "demuxsim: "))
		fail("%s: stderr does not start with \"demuxsim: \": %s", r->command, r->err);
	if (!contains(r->err, c->capture))
		fail("%s: stderr does not name %s: %s", r->command, c->capture, r->err);
	for (const char *const *n = c->needles; *n; n++)
		if (!contains(r->err, *n))
			fail("%s: stderr does not mention \"%s\": %s", r->command, *n, r->err);
	if (c->bad_frame) {
		gchar *f = g_strdup_printf("frame %d:", c->bad_frame);
		if (!contains(r->err, f))
			fail("%s: stderr does not name the damaged frame (\"%s\"): %s",
			     r->command, f, r->err);
		g_free(f);
	} else if (contains(r->err, "frame ")) {
		fail("%s: stderr names a frame: %s", r->command, r->err);
	}
}

static void
test_error(gconstpointer data)
{
	const error_case *c = data;
	run_result r;

	if (strcmp(c->name, "missing-file") == 0) {
		gchar *p = src_path(c->capture);
		if (g_file_test(p, G_FILE_TEST_EXISTS))
			fail("%s exists", p);
		g_free(p);
	}

	/* Alone, text: the error, then the summary of what was read; a
	 * missing file, the error only (as tcpdump). */
	const char *text_args[] = { c->capture, NULL };
	bool missing = strcmp(c->name, "missing-file") == 0;
	if (missing && run_tool(text_args, &r)) {
		check_error_line(&r, c);
		if (*r.out)
			fail("%s: output after the error: %s", r.command, r.out);
		run_result_clear(&r);
	} else if (run_tool(text_args, &r)) {
		check_error_line(&r, c);
		g_assert_cmpint(summary_frames(r.command, r.out), ==, c->frames);
		gchar **trace = trace_lines(r.out);
		g_assert_cmpuint(g_strv_length(trace), ==, (guint)c->frames);
		if (c->frames > 0) {
			/* truncated-record.pcap: the good frames, as the truth says */
			GPtrArray *rows = truth_of(c->capture);
			for (guint i = 0; rows && i < rows->len && trace[i]; i++) {
				const truth_row *t = g_ptr_array_index(rows, i);
				gchar *want = g_strdup_printf("%s:%s > %s:%s", t->v[T_SRC],
				                              t->v[T_SPORT], t->v[T_DST],
				                              t->v[T_DPORT]);
				gchar *num = g_strdup_printf("%s ", t->v[T_FRAME]);
				gchar *pkt = packet_part(trace[i]);
				if (!has_prefix(pkt, num) || !contains(pkt, want) ||
				    !g_str_has_suffix(pkt, t->v[T_STATUS]))
					fail("%s: trace line %u \"%s\" is not frame %s %s %s", c->name,
					     i + 1, trace[i], t->v[T_FRAME], want, t->v[T_STATUS]);
				g_free(pkt);
				g_free(want);
				g_free(num);
			}
			if (rows)
				g_ptr_array_unref(rows);
		}
		g_strfreev(trace);
		run_result_clear(&r);
	}

	/* Alone, JSON: the summary document is still written (not for a
	 * missing file). */
	const char *json_args[] = { "--format", "json", c->capture, NULL };
	if (!missing && run_tool(json_args, &r)) {
		check_error_line(&r, c);
		JsonNode *root = parse_json(r.command, r.out);
		if (root) {
			g_assert_cmpint(get_int_path(root, r.command, "frames", NULL), ==, c->frames);
			json_node_unref(root);
		}
		run_result_clear(&r);
	}

	/* After a good capture (3 frames): its frames are traced and counted. */
	const char *after_args[] = { "captures/ipv4.pcap", c->capture, NULL };
	if (run_tool(after_args, &r)) {
		check_error_line(&r, c);
		if (contains(r.err, "ipv4.pcap"))
			fail("%s: the error names the good capture: %s", r.command, r.err);
		g_assert_cmpint(summary_frames(r.command, r.out), ==, 3 + c->frames);
		gchar **trace = trace_lines(r.out);
		/* ipv4.pcap: 2 segments, 1 skipped frame (not traced) */
		g_assert_cmpuint(g_strv_length(trace), ==, 2 + (guint)c->frames);
		g_strfreev(trace);
		run_result_clear(&r);
	}
}

/* ------------------------------------------------------------------ */
/* /cli/usage/...                                                      */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *name;
	const char *args[5];
	const char *needle;      /* the message must mention it (or NULL) */
} usage_case;

static const usage_case usage_cases[] = {
	{ "unknown-option", { "--no-such-option", "captures/checksums.pcap", NULL },
	  "--no-such-option" },
	{ "unknown-short-option", { "-Z", "captures/checksums.pcap", NULL }, "-Z" },
	{ "bad-format", { "--format", "nonsense", "captures/checksums.pcap", NULL },
	  "nonsense" },
	{ "format-without-value", { "captures/checksums.pcap", "--format", NULL }, "format" },
	{ "no-capture", { NULL }, NULL },
	{ "no-capture-with-options", { "--format", "json", "--all-frames", NULL }, NULL },
	{ "bad-host-address", { "--host", "not-an-address", "captures/checksums.pcap", NULL },
	  "not-an-address" },
};

static void
test_usage(gconstpointer data)
{
	const usage_case *c = data;
	run_result r;

	if (!run_tool(c->args, &r))
		return;
	g_assert_cmpint(r.status, ==, 2);
	if (!has_prefix(r.err, "demuxsim: "))
		fail("%s: stderr does not start with \"demuxsim: \": \"%s\"", r.command, r.err);
	if (count_lines(r.err) != 1)
		fail("%s: expected one line on stderr: \"%s\"", r.command, r.err);
	if (c->needle && !contains(r.err, c->needle))
		fail("%s: the message does not mention \"%s\": %s", r.command, c->needle, r.err);
	if (*r.out)
		fail("%s: unexpected output on stdout: %s", r.command, r.out);
	run_result_clear(&r);
}

static void
test_help(void)
{
	const char *args[] = { "--help", NULL };
	run_result r;

	if (!run_tool(args, &r))
		return;
	expect_clean_exit(&r);
	const char *p = strstr(r.out, "Exit status");
	if (!p) {
		fail("--help does not mention the exit status:\n%s", r.out);
	} else {
		/* 0, 1 and 2, each with what it means */
		if (!contains(p, "0 done") || !contains(p, "1 input error") ||
		    !contains(p, "2 usage error"))
			fail("--help does not explain exit statuses 0, 1 and 2:\n%s", p);
	}
	g_assert_true(contains(r.out, "--format"));
	g_assert_true(contains(r.out, "--all-frames"));
	run_result_clear(&r);
}

/* --format csv is accepted by the parser but documented nowhere: it must
 * either be refused as a usage error or produce output, never succeed
 * silently with nothing. */
static void
test_format_csv(void)
{
	const char *args[] = { "--format", "csv", "captures/checksums.pcap", NULL };
	run_result r;

	if (!run_tool(args, &r))
		return;
	if (r.status == 2) {
		g_assert_true(has_prefix(r.err, "demuxsim: "));
	} else {
		expect_clean_exit(&r);
		if (!*r.out)
			fail("%s: exit status %d with no output at all", r.command, r.status);
	}
	run_result_clear(&r);
}

/* ------------------------------------------------------------------ */
/* /cli/stdin/<file>                                                   */
/* ------------------------------------------------------------------ */

static void
test_stdin(gconstpointer data)
{
	const char *file = data;
	gchar *rel = g_strconcat("captures/", file, NULL);
	gchar *path = src_path(rel);
	gchar *input = NULL;
	gsize len = 0;
	GError *error = NULL;
	run_result f, s;

	if (!g_file_get_contents(path, &input, &len, &error)) {
		fail("%s", error->message);
		g_error_free(error);
		goto out;
	}

	/* Text: identical (the text output names no file). */
	const char *file_args[] = { "-r", rel, NULL };
	const char *dash_args[] = { "-", NULL };
	const char *r_dash_args[] = { "-r", "-", NULL };
	if (run_tool(file_args, &f)) {
		expect_clean_exit(&f);
		g_assert_cmpuint(strlen(f.out), >, 0);
		if (run_tool_stdin(dash_args, input, len, &s)) {
			expect_clean_exit(&s);
			if (strcmp(f.out, s.out) != 0)
				report_difference("demuxsim - < file vs -r file", f.out, s.out);
			run_result_clear(&s);
		}
		if (run_tool_stdin(r_dash_args, input, len, &s)) {
			expect_clean_exit(&s);
			if (strcmp(f.out, s.out) != 0)
				report_difference("demuxsim -r - < file vs -r file", f.out, s.out);
			run_result_clear(&s);
		}
		run_result_clear(&f);
	}

	/* JSON lines: identical too. */
	const char *file_jsonl[] = { "--format", "jsonl", "--all-frames", "-r", rel, NULL };
	const char *dash_jsonl[] = { "--format", "jsonl", "--all-frames", "-", NULL };
	if (run_tool(file_jsonl, &f)) {
		expect_clean_exit(&f);
		if (run_tool_stdin(dash_jsonl, input, len, &s)) {
			expect_clean_exit(&s);
			if (strcmp(f.out, s.out) != 0)
				report_difference("jsonl: demuxsim - vs -r file", f.out, s.out);
			run_result_clear(&s);
		}
		run_result_clear(&f);
	}

	/* JSON summary: identical but for the file list ("-"). */
	const char *file_json[] = { "--format", "json", "-r", rel, NULL };
	const char *dash_json[] = { "--format", "json", "-", NULL };
	if (run_tool(file_json, &f)) {
		expect_clean_exit(&f);
		if (run_tool_stdin(dash_json, input, len, &s)) {
			expect_clean_exit(&s);
			check_same_summary("json: demuxsim - vs -r file", f.out, s.out);
			JsonNode *root = parse_json(s.command, s.out);
			if (root) {
				JsonNode *files = take_files(root);
				const char *const want[] = { "-", NULL };
				check_files(s.command, files, want);
				if (files)
					json_node_unref(files);
				json_node_unref(root);
			}
			run_result_clear(&s);
		}
		run_result_clear(&f);
	}
out:
	g_free(input);
	g_free(path);
	g_free(rel);
}

/* Bad input on standard input: the error names "-". */
static void
test_stdin_error(gconstpointer data)
{
	const char *file = data;   /* in captures/ */
	gchar *path = g_build_filename(srcdir, "captures", file, NULL);
	gchar *input = NULL;
	gsize len = 0;
	GError *error = NULL;
	const char *args[] = { "-", NULL };
	run_result r;

	if (!g_file_get_contents(path, &input, &len, &error)) {
		fail("%s", error->message);
		g_error_free(error);
	} else if (run_tool_stdin(args, input, len, &r)) {
		g_assert_cmpint(r.status, ==, 1);
		if (count_lines(r.err) != 1 || !has_prefix(r.err, "demuxsim: -: "))
			fail("%s: expected one line \"demuxsim: -: ...\" on stderr, got: %s",
			     r.command, r.err);
		g_assert_cmpint(summary_frames(r.command, r.out), ==, 0);
		run_result_clear(&r);
	}
	g_free(input);
	g_free(path);
}

/* ------------------------------------------------------------------ */
/* /cli/several-files                                                  */
/* ------------------------------------------------------------------ */

static guint
truth_frames(const char *capture)
{
	GPtrArray *rows = truth_of(capture);
	guint n = rows ? rows->len : 0;
	if (rows)
		g_ptr_array_unref(rows);
	return n;
}

static void
test_several_files(void)
{
	const char *a = "captures/ipv4.pcap", *b = "captures/vlan.pcap";
	const char *args_a[] = { "--format", "json", a, NULL };
	const char *args_b[] = { "--format", "json", b, NULL };
	const char *args_ab[] = { "--format", "json", a, b, NULL };
	const char *args_rab[] = { "--format", "json", "-r", a, b, NULL };
	const char *const files_ab[] = { "captures/ipv4.pcap", "captures/vlan.pcap", NULL };
	run_result ra = { 0 }, rb = { 0 }, rab = { 0 };
	JsonNode *ja = NULL, *jb = NULL, *jab = NULL;

	/* JSON summaries: every count of A B is the sum of A's and B's. */
	if (run_tool(args_a, &ra)) {
		expect_clean_exit(&ra);
		ja = parse_json(ra.command, ra.out);
		run_result_clear(&ra);
	}
	if (run_tool(args_b, &rb)) {
		expect_clean_exit(&rb);
		jb = parse_json(rb.command, rb.out);
		run_result_clear(&rb);
	}
	if (run_tool(args_ab, &rab)) {
		expect_clean_exit(&rab);
		jab = parse_json(rab.command, rab.out);
		run_result_clear(&rab);
	}
	if (ja && jb && jab) {
		static const char *const counts[][2] = {
			{ "frames", NULL }, { "segments", "udp" }, { "segments", "tcp" },
			{ "frames_by_outcome", "segment" }, { "frames_by_outcome", "not-ip" },
			{ "frames_by_outcome", "other-protocol" }, { "vlan_frames", NULL },
		};
		for (gsize i = 0; i < G_N_ELEMENTS(counts); i++) {
			gint64 va = get_int_path(ja, a, counts[i][0], counts[i][1]);
			gint64 vb = get_int_path(jb, b, counts[i][0], counts[i][1]);
			gint64 vab = get_int_path(jab, "A B", counts[i][0], counts[i][1]);
			if (vab != va + vb)
				fail("%s%s%s: %" G_GINT64_FORMAT " for both files, %" G_GINT64_FORMAT
				     " + %" G_GINT64_FORMAT " separately", counts[i][0],
				     counts[i][1] ? "." : "", counts[i][1] ? counts[i][1] : "",
				     vab, va, vb);
		}
		g_assert_cmpint(get_int_path(jab, "A B", "frames", NULL), ==,
		                (gint64)(truth_frames(a) + truth_frames(b)));
		JsonNode *files = take_files(jab);
		check_files("A B", files, files_ab);
		if (files)
			json_node_unref(files);
	}
	if (ja)
		json_node_unref(ja);
	if (jb)
		json_node_unref(jb);
	if (jab)
		json_node_unref(jab);

	/* -r A B: -r's file first. */
	if (run_tool(args_rab, &rab)) {
		expect_clean_exit(&rab);
		JsonNode *root = parse_json(rab.command, rab.out);
		if (root) {
			JsonNode *files = take_files(root);
			check_files(rab.command, files, files_ab);
			if (files)
				json_node_unref(files);
			json_node_unref(root);
		}
		run_result_clear(&rab);
	}

	/* JSON lines, every frame: A's frames then B's, numbered across the
	 * files, each as its truth says. */
	const char *jsonl_ab[] = { "--format", "jsonl", "--all-frames", a, b, NULL };
	GPtrArray *rows_a = truth_of(a), *rows_b = truth_of(b);
	if (rows_a && rows_b && run_tool(jsonl_ab, &rab)) {
		expect_clean_exit(&rab);
		GPtrArray *rows = g_ptr_array_new();
		for (guint i = 0; i < rows_a->len; i++)
			g_ptr_array_add(rows, g_ptr_array_index(rows_a, i));
		for (guint i = 0; i < rows_b->len; i++)
			g_ptr_array_add(rows, g_ptr_array_index(rows_b, i));
		compare_jsonl("ipv4.pcap + vlan.pcap", rab.out, rows, 0, false);
		g_ptr_array_unref(rows);
		run_result_clear(&rab);
	}
	if (rows_a)
		g_ptr_array_unref(rows_a);
	if (rows_b)
		g_ptr_array_unref(rows_b);

	/* Text: the trace of A B is A's trace followed by B's, B's frames
	 * numbered after A's.  Only the packets are compared: the decisions
	 * may differ, since both files feed the same simulated hosts. */
	const char *text_a[] = { a, NULL }, *text_b[] = { b, NULL }, *text_ab[] = { a, b, NULL };
	if (run_tool(text_a, &ra) && run_tool(text_b, &rb) && run_tool(text_ab, &rab)) {
		expect_clean_exit(&rab);
		gint64 frames_a = summary_frames(ra.command, ra.out);
		gint64 frames_b = summary_frames(rb.command, rb.out);
		g_assert_cmpint(summary_frames(rab.command, rab.out), ==, frames_a + frames_b);
		gchar **ta = trace_lines(ra.out), **tb = trace_lines(rb.out);
		gchar **tab = trace_lines(rab.out);
		GString *want = g_string_new(NULL), *got = g_string_new(NULL);
		for (guint i = 0; ta[i]; i++) {
			gchar *pkt = packet_part(ta[i]);
			g_string_append_printf(want, "%s\n", pkt);
			g_free(pkt);
		}
		for (guint i = 0; tb[i]; i++) {
			gchar *pkt = packet_part(tb[i]);
			char *rest = NULL;
			guint64 n = g_ascii_strtoull(pkt, &rest, 10);
			g_string_append_printf(want, "%" G_GUINT64_FORMAT "%s\n",
			                       n + (guint64)frames_a, rest);
			g_free(pkt);
		}
		for (guint i = 0; tab[i]; i++) {
			gchar *pkt = packet_part(tab[i]);
			g_string_append_printf(got, "%s\n", pkt);
			g_free(pkt);
		}
		if (strcmp(want->str, got->str) != 0)
			report_difference("trace of A B", want->str, got->str);
		g_string_free(want, TRUE);
		g_string_free(got, TRUE);
		g_strfreev(ta);
		g_strfreev(tb);
		g_strfreev(tab);
	}
	run_result_clear(&ra);
	run_result_clear(&rb);
	run_result_clear(&rab);
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every captures/<file>.truth.tsv: one /captures/truth/<file> test. */
static void
add_truth_tests(GPtrArray *owned)
{
	gchar *dir = src_path("captures");
	GError *error = NULL;
	GDir *d = g_dir_open(dir, 0, &error);
	GPtrArray *names = g_ptr_array_new();

	if (!d) {
		g_printerr("test-captures: %s\n", error->message);
		g_error_free(error);
	} else {
		const char *n;
		while ((n = g_dir_read_name(d)))
			if (g_str_has_suffix(n, TRUTH_SUFFIX))
				g_ptr_array_add(names, g_strndup(n, strlen(n) - strlen(TRUTH_SUFFIX)));
		g_dir_close(d);
	}
	g_ptr_array_sort(names, compare_names);
	for (guint i = 0; i < names->len; i++) {
		gchar *file = g_ptr_array_index(names, i);
		gchar *path = g_strconcat("/captures/truth/", file, NULL);
		g_ptr_array_add(owned, file);
		g_test_add_data_func(path, file, test_truth);
		g_free(path);
	}
	if (names->len == 0) {
		/* No truth files: say so as a failing test, not silently. */
		g_ptr_array_add(owned, g_strdup("(none)"));
		g_test_add_data_func("/captures/truth/none-found",
		                     g_ptr_array_index(owned, owned->len - 1), test_truth);
	}
	g_ptr_array_unref(names);
	g_free(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	signal(SIGPIPE, SIG_IGN);

	tr_paths where = tr_paths_get();
	tool_path = where.tool;
	srcdir = where.srcdir;
	g_free(where.benchgen);
	g_free(where.builddir);
	regen = g_strcmp0(g_getenv("DEMUXSIM_REGEN"), "1") == 0;
	child_env = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);
	child_env = g_environ_unsetenv(child_env, "DEMUXSIM_REGEN");
	g_test_message("demuxsim: %s; source tree: %s%s", tool_path, srcdir,
	               regen ? "; regenerating golden files" : "");

	GPtrArray *owned = g_ptr_array_new_with_free_func(g_free);
	add_truth_tests(owned);
	for (gsize i = 0; i < G_N_ELEMENTS(golden_cases); i++) {
		gchar *path = g_strconcat("/captures/golden/", golden_cases[i].name, NULL);
		g_test_add_data_func(path, &golden_cases[i], test_golden);
		g_free(path);
	}
	g_test_add_func("/captures/golden/checksums.pcapng.txt", test_pcapng_equals_pcap);
	g_test_add_func("/captures/nanosecond/checksums-ns.pcap", test_nanosecond);
	g_test_add_func("/captures/nanosecond/json-report", test_nanosecond_report);
	for (gsize i = 0; i < G_N_ELEMENTS(error_cases); i++) {
		gchar *path = g_strconcat("/cli/errors/", error_cases[i].name, NULL);
		g_test_add_data_func(path, &error_cases[i], test_error);
		g_free(path);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(usage_cases); i++) {
		gchar *path = g_strconcat("/cli/usage/", usage_cases[i].name, NULL);
		g_test_add_data_func(path, &usage_cases[i], test_usage);
		g_free(path);
	}
	g_test_add_func("/cli/usage/help", test_help);
	g_test_add_func("/cli/usage/format-csv", test_format_csv);
	static const char *const stdin_files[] = {
		"checksums.pcap", "checksums-ns.pcap", "checksums.pcapng",
	};
	for (gsize i = 0; i < G_N_ELEMENTS(stdin_files); i++) {
		gchar *path = g_strconcat("/cli/stdin/", stdin_files[i], NULL);
		g_test_add_data_func(path, stdin_files[i], test_stdin);
		g_free(path);
	}
	g_test_add_data_func("/cli/stdin/empty.pcap", "empty.pcap", test_stdin_error);
	g_test_add_data_func("/cli/stdin/not-a-capture.pcap", "not-a-capture.pcap",
	                     test_stdin_error);
	g_test_add_func("/cli/several-files", test_several_files);

	int status = g_test_run();

	g_ptr_array_unref(owned);
	g_strfreev(child_env);
	g_free(srcdir);
	g_free(tool_path);
	return status;
}
