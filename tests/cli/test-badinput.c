/* test-badinput.c - the command line on every kind of bad input: one
 * clear error line naming the file (and the record, by its number in its
 * file and its offset), exit status 1, and the results of everything read
 * before it; with several files, the others are still read.
 *
 * The captures are tiny files written at run time into a temporary
 * directory, where the tool ($DEMUXSIM, else ../src/demuxsim) runs with
 * relative names.  Each has three good UDP frames where it can hold frames
 * at all ("good.pcap" is only those), so that what was read before the
 * damage shows in the output.
 *
 *   /badinput/alone/<case>     the file alone: status, stderr, the frames
 *                              traced (JSON lines), the JSON summary
 *   /badinput/between/<case>   good.pcap <case> good.pcap: both good files
 *                              read, frames numbered across all three
 *   /badinput/fifo/...         a FIFO holding a capture reads as the file;
 *                              an empty one is an empty file
 *   /badinput/unreadable       a file the tool may not read (as root, the
 *                              tool runs as nobody; skipped if impossible)
 *
 * A pcapng file whose interfaces differ in link type or snapshot length
 * is refused by libpcap at the second interface; built with libwiretap,
 * demuxsim reads it whole with that instead (not an error).
 *
 *   /badinput/time/<case>      record times out of range are clamped to
 *                              what int64 nanoseconds hold (tests/regress
 *                              captures, and fractions out of range)
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testrun.h"

static gchar *tool_path;
static gchar *srcdir;
static gchar *workdir;
static gchar **child_env;

#define NOBODY 65534

/* ------------------------------------------------------------------ */
/* Writing captures                                                    */
/* ------------------------------------------------------------------ */

static void
le32(GByteArray *b, guint32 v)
{
	guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
	g_byte_array_append(b, x, 4);
}

static void
le16(GByteArray *b, guint v)
{
	guint8 x[2] = { v & 0xff, (v >> 8) & 0xff };
	g_byte_array_append(b, x, 2);
}

static void
pcap_header(GByteArray *b, guint32 snaplen, guint32 linktype)
{
	le32(b, 0xa1b2c3d4);
	le16(b, 2);
	le16(b, 4);
	le32(b, 0);
	le32(b, 0);
	le32(b, snaplen);
	le32(b, linktype);
}

static void
record_header(GByteArray *b, guint32 sec, guint32 caplen, guint32 wirelen)
{
	le32(b, sec);
	le32(b, 0);
	le32(b, caplen);
	le32(b, wirelen);
}

/* Ethernet, IPv4 192.0.2.1 -> 192.0.2.2, UDP 40000+@i -> 53 with
 * @payload bytes; the UDP checksum field holds @csum (0: none sent). */
static GByteArray *
udp_frame(guint i, guint payload, guint csum)
{
	static const guint8 eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	GByteArray *f = g_byte_array_new();
	guint iplen = 20 + 8 + payload;
	guint8 ip[20] = { 0x45, 0, iplen >> 8, iplen & 0xff, 0, (guint8)i, 0, 0, 64, 17, 0, 0,
	                  192, 0, 2, 1, 192, 0, 2, 2 };
	guint32 sum = 0;
	for (int k = 0; k < 20; k += 2)
		sum += (guint32)ip[k] << 8 | ip[k + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (~sum >> 8) & 0xff;
	ip[11] = ~sum & 0xff;
	guint sport = 40000 + i, ulen = 8 + payload;
	guint8 udp[8] = { sport >> 8, sport & 0xff, 0, 53, ulen >> 8, ulen & 0xff,
	                  csum >> 8, csum & 0xff };
	g_byte_array_append(f, eth, sizeof eth);
	g_byte_array_append(f, ip, sizeof ip);
	g_byte_array_append(f, udp, sizeof udp);
	for (guint k = 0; k < payload; k++) {
		guint8 c = (guint8)('a' + k % 26);
		g_byte_array_append(f, &c, 1);
	}
	return f;
}

/* Three good records (UDP, checksum absent, 1700000000 + i seconds). */
static void
good_records(GByteArray *b)
{
	for (guint i = 1; i <= 3; i++) {
		GByteArray *f = udp_frame(i, 10 + i, 0);
		record_header(b, 1700000000 + i, f->len, f->len);
		g_byte_array_append(b, f->data, f->len);
		g_byte_array_unref(f);
	}
}

/* pcapng blocks, little-endian. */
static void
pcapng_block(GByteArray *b, guint32 type, const GByteArray *body)
{
	guint32 len = 12 + body->len;
	le32(b, type);
	le32(b, len);
	g_byte_array_append(b, body->data, body->len);
	le32(b, len);
}

static void
pcapng_shb_idb_snaplen(GByteArray *b, guint linktype, guint32 snaplen)
{
	GByteArray *body = g_byte_array_new();
	if (b->len == 0) {
		le32(body, 0x1a2b3c4d);
		le16(body, 1);
		le16(body, 0);
		le32(body, 0xffffffff);
		le32(body, 0xffffffff);
		pcapng_block(b, 0x0a0d0d0a, body);
		g_byte_array_set_size(body, 0);
	}
	le16(body, linktype);
	le16(body, 0);
	le32(body, snaplen);
	pcapng_block(b, 1, body);
	g_byte_array_unref(body);
}

static void
pcapng_shb_idb(GByteArray *b, guint linktype)
{
	pcapng_shb_idb_snaplen(b, linktype, 65535);
}

static void
pcapng_epb(GByteArray *b, guint32 iface, const GByteArray *frame)
{
	GByteArray *body = g_byte_array_new();
	le32(body, iface);
	le32(body, 0);
	le32(body, 0);
	le32(body, frame->len);
	le32(body, frame->len);
	g_byte_array_append(body, frame->data, frame->len);
	while (body->len % 4)
		g_byte_array_append(body, (const guint8 *)"", 1);
	pcapng_block(b, 6, body);
	g_byte_array_unref(body);
}

static void
write_file(const char *name, const GByteArray *b)
{
	gchar *path = g_build_filename(workdir, name, NULL);
	GError *err = NULL;
	if (!g_file_set_contents(path, (const char *)b->data, b->len, &err))
		g_error("%s: %s", path, err->message);
	g_chmod(path, 0644);
	g_free(path);
}

/* ------------------------------------------------------------------ */
/* The cases                                                           */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *name;        /* the file, and the test's name */
	void (*make)(const char *name);
	int status;              /* expected exit status */
	guint frames;            /* frames read before the damage */
	guint bad_frame;         /* the record the error names (0: none) */
	const char *needles[3];  /* the error line mentions them */
} bad_case;

static void
make_good(const char *name)
{
	GByteArray *b = g_byte_array_new();
	pcap_header(b, 65535, 1);
	good_records(b);
	write_file(name, b);
	g_byte_array_unref(b);
}

static void
make_empty(const char *name)
{
	GByteArray *b = g_byte_array_new();
	write_file(name, b);
	g_byte_array_unref(b);
}

static void
make_text(const char *name)
{
	GByteArray *b = g_byte_array_new();
	static const char text[] = "# not a capture\nhello, world\n";
	g_byte_array_append(b, (const guint8 *)text, sizeof text - 1);
	write_file(name, b);
	g_byte_array_unref(b);
}

static void
make_truncated_header(const char *name)
{
	GByteArray *b = g_byte_array_new();
	pcap_header(b, 65535, 1);
	g_byte_array_set_size(b, 13);
	write_file(name, b);
	g_byte_array_unref(b);
}

/* Three good records, then one claiming 100 bytes with 20 present. */
static void
make_truncated_record(const char *name)
{
	GByteArray *b = g_byte_array_new();
	pcap_header(b, 65535, 1);
	good_records(b);
	record_header(b, 1700000004, 100, 100);
	GByteArray *f = udp_frame(4, 58, 0);
	g_byte_array_append(b, f->data, 20);
	g_byte_array_unref(f);
	write_file(name, b);
	g_byte_array_unref(b);
}

/* Three good records, then 9 bytes of a 16-byte record header. */
static void
make_truncated_record_header(const char *name)
{
	GByteArray *b = g_byte_array_new();
	pcap_header(b, 65535, 1);
	good_records(b);
	record_header(b, 1700000004, 60, 60);
	g_byte_array_set_size(b, b->len - 7);
	write_file(name, b);
	g_byte_array_unref(b);
}

static void
make_caplen(const char *name, guint32 snaplen, guint32 caplen)
{
	GByteArray *b = g_byte_array_new();
	pcap_header(b, snaplen, 1);
	good_records(b);
	record_header(b, 1700000004, caplen, caplen);
	GByteArray *f = udp_frame(4, 100, 0);
	g_byte_array_append(b, f->data, f->len);
	g_byte_array_unref(f);
	write_file(name, b);
	g_byte_array_unref(b);
}

static void
make_caplen_absurd(const char *name)
{
	make_caplen(name, 65535, 0xffffffff);
}

/* Larger than the snapshot length and than any frame libpcap accepts. */
static void
make_caplen_huge(const char *name)
{
	make_caplen(name, 128, 300000);
}

/* Good, zero bytes (of 0 and of 60 on the wire), good, good. */
static void
make_zero_length(const char *name)
{
	GByteArray *b = g_byte_array_new();
	pcap_header(b, 65535, 1);
	GByteArray *f = udp_frame(1, 11, 0);
	record_header(b, 1700000001, f->len, f->len);
	g_byte_array_append(b, f->data, f->len);
	g_byte_array_unref(f);
	record_header(b, 1700000002, 0, 0);
	record_header(b, 1700000003, 0, 60);
	for (guint i = 2; i <= 3; i++) {
		f = udp_frame(i, 10 + i, 0);
		record_header(b, 1700000003 + i, f->len, f->len);
		g_byte_array_append(b, f->data, f->len);
		g_byte_array_unref(f);
	}
	write_file(name, b);
	g_byte_array_unref(b);
}

/* Three good Ethernet frames, then a second interface of LINKTYPE_RAW and
 * a frame on it. */
static void
make_pcapng_mixed(const char *name)
{
	GByteArray *b = g_byte_array_new();
	pcapng_shb_idb(b, 1);
	for (guint i = 1; i <= 3; i++) {
		GByteArray *f = udp_frame(i, 10 + i, 0);
		pcapng_epb(b, 0, f);
		g_byte_array_unref(f);
	}
	pcapng_shb_idb(b, 101);
	GByteArray *f = udp_frame(4, 10, 0);
	GByteArray *raw = g_byte_array_new();
	g_byte_array_append(raw, f->data + 14, f->len - 14);
	pcapng_epb(b, 1, raw);
	g_byte_array_unref(raw);
	g_byte_array_unref(f);
	write_file(name, b);
	g_byte_array_unref(b);
}

/* Three good Ethernet frames, then a second Ethernet interface of another
 * snapshot length and a frame on it. */
static void
make_pcapng_snaplens(const char *name)
{
	GByteArray *b = g_byte_array_new();
	pcapng_shb_idb(b, 1);
	for (guint i = 1; i <= 3; i++) {
		GByteArray *f = udp_frame(i, 10 + i, 0);
		pcapng_epb(b, 0, f);
		g_byte_array_unref(f);
	}
	pcapng_shb_idb_snaplen(b, 1, 262144);
	GByteArray *f = udp_frame(4, 10, 0);
	pcapng_epb(b, 1, f);
	g_byte_array_unref(f);
	write_file(name, b);
	g_byte_array_unref(b);
}

static void
make_unsupported(const char *name)
{
	GByteArray *b = g_byte_array_new();
	pcap_header(b, 65535, 147);
	good_records(b);
	write_file(name, b);
	g_byte_array_unref(b);
}

static void
make_directory(const char *name)
{
	gchar *path = g_build_filename(workdir, name, NULL);
	if (g_mkdir(path, 0755) != 0)
		g_error("mkdir %s: %s", path, g_strerror(errno));
	g_free(path);
}

static void
make_nothing(const char *name)
{
	(void)name;
}

/* The fourth record's offset: a 24-byte file header, then three records
 * of 16 + 52 + i bytes. */
#define OFFSET_4 "at offset 234"

static const bad_case cases[] = {
	{ "empty.pcap", make_empty, 1, 0, 0, { "empty", NULL } },
	{ "text.pcap", make_text, 1, 0, 0, { "not a pcap or pcapng capture", NULL } },
	{ "truncated-header.pcap", make_truncated_header, 1, 0, 0,
	  { "truncated file header", "13 bytes", NULL } },
	{ "truncated-record.pcap", make_truncated_record, 1, 3, 4,
	  { "truncated record " OFFSET_4, "100 bytes captured, only 20", NULL } },
	{ "truncated-record-header.pcap", make_truncated_record_header, 1, 3, 4,
	  { "truncated record header " OFFSET_4, "9 of 16 bytes", NULL } },
	{ "caplen-absurd.pcap", make_caplen_absurd, 1, 3, 4,
	  { OFFSET_4, "4294967295", NULL } },
	{ "caplen-huge.pcap", make_caplen_huge, 1, 3, 4, { OFFSET_4, "300000", NULL } },
#ifndef HAVE_WIRETAP
	{ "pcapng-mixed-linktypes.pcapng", make_pcapng_mixed, 1, 3, 4,
	  { "different link types", "101", NULL } },
	{ "pcapng-mixed-snaplens.pcapng", make_pcapng_snaplens, 1, 3, 4,
	  { "different snapshot lengths", "262144 after 65535", NULL } },
#endif
	{ "unsupported.pcap", make_unsupported, 1, 0, 0, { "unsupported link type", "147", NULL } },
	{ "directory.pcap", make_directory, 1, 0, 0, { "is a directory", NULL } },
	{ "missing.pcap", make_nothing, 1, 0, 0, { "No such file", NULL } },
	/* Not errors: read as tcpdump reads them. */
	{ "caplen-over-snaplen.pcap", NULL, 0, 4, 0, { NULL } },
	{ "caplen-over-snaplen.pcapng", NULL, 0, 4, 0, { NULL } },
#ifdef HAVE_WIRETAP
	{ "caplen-over-snaplen.2if.pcapng", NULL, 0, 4, 0, { NULL } },
#endif
	{ "zero-length.pcap", make_zero_length, 0, 5, 0, { NULL } },
#ifdef HAVE_WIRETAP
	/* Read by libwiretap, the fourth frame too. */
	{ "pcapng-mixed-linktypes.pcapng", make_pcapng_mixed, 0, 4, 0, { NULL } },
	{ "pcapng-mixed-snaplens.pcapng", make_pcapng_snaplens, 0, 4, 0, { NULL } },
#endif
};

/* ------------------------------------------------------------------ */
/* Running the tool                                                    */
/* ------------------------------------------------------------------ */

typedef struct {
	gchar *out, *err, *command;
	int status;        /* exit status; -1 when it did not exit */
} run_result;

static void
run_clear(run_result *r)
{
	g_free(r->out);
	g_free(r->err);
	g_free(r->command);
}

static void
drop_privileges(gpointer data)
{
	(void)data;
	if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
		_exit(126);
}

/* Run the tool in the work directory with @args (NULL-terminated). */
static void
run_tool_as(const char *const *args, gboolean nobody, run_result *r)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, tool_path);
	for (const char *const *a = args; *a; a++)
		g_ptr_array_add(argv, (gpointer)*a);
	g_ptr_array_add(argv, NULL);
	r->command = g_strjoinv(" ", (gchar **)argv->pdata + 1);
	g_test_message("$ demuxsim %s", r->command);
	GError *err = NULL;
	int ws = 0;
	gboolean ok = g_spawn_sync(workdir, (gchar **)argv->pdata, child_env, G_SPAWN_DEFAULT,
	                           nobody ? drop_privileges : NULL, NULL,
	                           &r->out, &r->err, &ws, &err);
	g_ptr_array_unref(argv);
	if (!ok)
		g_error("cannot run %s: %s", tool_path, err->message);
	if (WIFEXITED(ws)) {
		r->status = WEXITSTATUS(ws);
	} else {
		r->status = -1;
		g_test_message("%s: killed by signal %d; stderr:\n%s", r->command,
		               WIFSIGNALED(ws) ? WTERMSIG(ws) : 0, r->err);
		g_test_fail();
	}
}

static void
run_tool(const char *const *args, run_result *r)
{
	run_tool_as(args, FALSE, r);
}

/* The frames of JSON-lines output, one JsonObject each (owned by the
 * returned array). */
static GPtrArray *
jsonl_frames(const char *out)
{
	GPtrArray *frames = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	gchar **lines = g_strsplit(out, "\n", -1);
	for (gchar **l = lines; *l; l++) {
		if (!**l)
			continue;
		GError *err = NULL;
		JsonNode *n = json_from_string(*l, &err);
		if (!n || !JSON_NODE_HOLDS_OBJECT(n)) {
			g_test_message("not a JSON object: %s (%s)", *l, err ? err->message : "");
			g_test_fail();
			g_clear_error(&err);
			if (n)
				json_node_unref(n);
			continue;
		}
		g_ptr_array_add(frames, n);
	}
	g_strfreev(lines);
	return frames;
}

static const char *
member_string(JsonNode *n, const char *name)
{
	JsonObject *o = json_node_get_object(n);
	return json_object_has_member(o, name) && !json_object_get_null_member(o, name)
	       ? json_object_get_string_member(o, name) : NULL;
}

/* Exit status @status; with status 1 exactly one stderr line
 * "demuxsim: @file: [frame N: ]..." mentioning @needles, else none. */
static void
check_stderr(const run_result *r, const char *file, int status, guint bad_frame,
             const char *const *needles)
{
	g_assert_cmpint(r->status, ==, status);
	if (status == 0) {
		g_assert_cmpstr(r->err, ==, "");
		return;
	}
	gchar *prefix = g_strdup_printf("demuxsim: %s: ", file);
	if (!g_str_has_prefix(r->err, prefix) || !g_str_has_suffix(r->err, "\n") ||
	    strchr(r->err, '\n') != r->err + strlen(r->err) - 1) {
		g_test_message("%s: expected one line starting \"%s\", got \"%s\"", r->command,
		               prefix, r->err);
		g_test_fail();
	}
	g_free(prefix);
	for (const char *const *n = needles; n && *n; n++) {
		if (!strstr(r->err, *n)) {
			g_test_message("%s: the error does not say \"%s\": %s", r->command, *n, r->err);
			g_test_fail();
		}
	}
	gchar *frame = g_strdup_printf(": frame %u: ", bad_frame);
	if (bad_frame ? !strstr(r->err, frame) : strstr(r->err, ": frame ") != NULL) {
		g_test_message("%s: the error %s name record %u: %s", r->command,
		               bad_frame ? "does not" : "should not", bad_frame, r->err);
		g_test_fail();
	}
	g_free(frame);
}

/* The traced frames are numbered 1..@n, the good ones UDP to port 53. */
static void
check_frames(const run_result *r, guint n)
{
	GPtrArray *frames = jsonl_frames(r->out);
	g_assert_cmpuint(frames->len, ==, n);
	for (guint i = 0; i < frames->len; i++) {
		JsonNode *f = g_ptr_array_index(frames, i);
		JsonObject *o = json_node_get_object(f);
		g_assert_cmpint(json_object_get_int_member(o, "frame"), ==, i + 1);
		const char *skipped = member_string(f, "skipped");
		if (!skipped) {
			g_assert_cmpstr(member_string(f, "proto"), ==, "udp");
			g_assert_cmpint(json_object_get_int_member(o, "dport"), ==, 53);
		}
	}
	g_ptr_array_unref(frames);
}

static void
test_alone(gconstpointer data)
{
	const bad_case *c = data;
	run_result r = { 0 };

	const char *jsonl[] = { "--format", "jsonl", "--all-frames", c->name, NULL };
	run_tool(jsonl, &r);
	check_stderr(&r, c->name, c->status, c->bad_frame, c->needles);
	check_frames(&r, c->frames);
	run_clear(&r);

	/* The summary of what was read is still written, and valid JSON. */
	const char *json[] = { "--format", "json", "-q", c->name, NULL };
	memset(&r, 0, sizeof r);
	run_tool(json, &r);
	check_stderr(&r, c->name, c->status, c->bad_frame, c->needles);
	GError *err = NULL;
	JsonNode *root = json_from_string(r.out, &err);
	g_assert_no_error(err);
	if (root) {
		JsonObject *o = json_node_get_object(root);
		g_assert_cmpint(json_object_get_int_member(o, "frames"), ==, c->frames);
		json_node_unref(root);
	}
	run_clear(&r);
}

static void
test_between(gconstpointer data)
{
	const bad_case *c = data;
	run_result r = { 0 };
	const char *args[] = { "--format", "jsonl", "--all-frames", "good.pcap", c->name,
	                       "good.pcap", NULL };
	run_tool(args, &r);
	check_stderr(&r, c->name, c->status, c->bad_frame, c->needles);
	check_frames(&r, 3 + c->frames + 3);
	run_clear(&r);

	/* The text report counts every frame read. */
	const char *text[] = { "-q", "good.pcap", c->name, "good.pcap", NULL };
	memset(&r, 0, sizeof r);
	run_tool(text, &r);
	check_stderr(&r, c->name, c->status, c->bad_frame, c->needles);
	gchar *want = g_strdup_printf("%u frames,", 6 + c->frames);
	if (!strstr(r.out, want)) {
		g_test_message("%s: the report does not say \"%s\":\n%s", r.command, want, r.out);
		g_test_fail();
	}
	g_free(want);
	run_clear(&r);
}

/* caplen-over-snaplen.pcap and .pcapng: the fourth record (142 bytes) is
 * longer than the snapshot length (100): its first 100 bytes are kept (by
 * libpcap for pcap, by the capture reader for pcapng, which libpcap would
 * refuse), so its checksum cannot be verified; the records after it read
 * normally.  .2if.pcapng has a second interface of another snapshot
 * length: read by libwiretap, the record is cut to its interface's. */
static void
make_over_snaplen(const char *name)
{
	GByteArray *b = g_byte_array_new();
	GByteArray *f4 = udp_frame(4, 100, 0x1234);
	if (g_str_has_suffix(name, ".pcapng")) {
		pcapng_shb_idb_snaplen(b, 1, 100);
		/* A second interface of another snapshot length, no frame on
		 * it: libpcap refuses the file at once, libwiretap reads it. */
		if (strstr(name, ".2if."))
			pcapng_shb_idb_snaplen(b, 1, 200);
		for (guint i = 1; i <= 3; i++) {
			GByteArray *f = udp_frame(i, 10 + i, 0);
			pcapng_epb(b, 0, f);
			g_byte_array_unref(f);
		}
		pcapng_epb(b, 0, f4);
	} else {
		pcap_header(b, 100, 1);
		good_records(b);
		record_header(b, 1700000004, f4->len, f4->len);
		g_byte_array_append(b, f4->data, f4->len);
	}
	g_byte_array_unref(f4);
	write_file(name, b);
	g_byte_array_unref(b);
}

/* The (caplen, wirelen) of each record of the pcap @path, "c/w,..." */
static gchar *
pcap_lengths(const char *path)
{
	gchar *data = NULL;
	gsize len = 0;
	GString *s = g_string_new("");
	if (g_file_get_contents(path, &data, &len, NULL)) {
		const guint8 *p = (const guint8 *)data;
		for (gsize off = 24; off + 16 <= len;) {
			guint32 c = p[off + 8] | p[off + 9] << 8 | p[off + 10] << 16 |
			            (guint32)p[off + 11] << 24;
			guint32 w = p[off + 12] | p[off + 13] << 8 | p[off + 14] << 16 |
			            (guint32)p[off + 15] << 24;
			g_string_append_printf(s, "%s%u/%u", s->len ? "," : "", c, w);
			off += 16 + (gsize)c;
		}
	}
	g_free(data);
	return g_string_free(s, FALSE);
}

static void
test_over_snaplen(gconstpointer data)
{
	const bad_case *c = data;
	test_alone(c);
	run_result r = { 0 };
	const char *args[] = { "--format", "jsonl", "--split", "split-snaplen", c->name, NULL };
	run_tool(args, &r);
	check_stderr(&r, c->name, 0, 0, NULL);
	GPtrArray *frames = jsonl_frames(r.out);
	g_assert_cmpuint(frames->len, ==, 4);
	if (frames->len == 4) {
		JsonNode *f = g_ptr_array_index(frames, 3);
		g_assert_cmpstr(member_string(f, "checksum_status"), ==, "unverified");
		g_assert_cmpstr(member_string(f, "checksum_reason"), ==, "truncated");
	}
	g_ptr_array_unref(frames);
	run_clear(&r);

	/* The frames kept for the socket: the fourth with 100 of its 142. */
	gchar *dir = g_build_filename(workdir, "split-snaplen", NULL);
	gchar *path = g_build_filename(dir, "1-udp-192.0.2.2-53.pcap", NULL);
	gchar *lengths = pcap_lengths(path);
	g_assert_cmpstr(lengths, ==, "53/53,54/54,55/55,100/142");
	g_free(lengths);
	g_free(path);
	tr_remove_tree(dir);
	g_free(dir);
}

/* zero-length.pcap: records of no bytes are frames whose link header was
 * not captured, as tcpdump shows them. */
static void
test_zero_length(gconstpointer data)
{
	const bad_case *c = data;
	test_alone(c);
	run_result r = { 0 };
	const char *args[] = { "--format", "jsonl", "--all-frames", c->name, NULL };
	run_tool(args, &r);
	GPtrArray *frames = jsonl_frames(r.out);
	g_assert_cmpuint(frames->len, ==, 5);
	for (guint i = 0; i < frames->len; i++)
		g_assert_cmpstr(member_string(g_ptr_array_index(frames, i), "skipped"), ==,
		                i == 1 || i == 2 ? "truncated-link" : NULL);
	g_ptr_array_unref(frames);
	run_clear(&r);
}

/* ------------------------------------------------------------------ */
/* FIFOs                                                               */
/* ------------------------------------------------------------------ */

typedef struct {
	gchar *path;
	GBytes *data;
	gint tool_done;
} fifo_writer;

/* Write the data once; then, until the tool is done, give any further
 * open of the FIFO an end of file at once (a tool that opened it twice
 * would wait forever for a writer). */
static gpointer
write_fifo(gpointer data)
{
	fifo_writer *w = data;
	int fd = open(w->path, O_WRONLY);
	if (fd < 0)
		return NULL;
	gsize len;
	const guint8 *p = g_bytes_get_data(w->data, &len);
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n <= 0)
			break;
		p += n;
		len -= (gsize)n;
	}
	close(fd);
	for (guint i = 0; !g_atomic_int_get(&w->tool_done); i++) {
		g_usleep(100000);
		if (i >= 20 && (fd = open(w->path, O_WRONLY | O_NONBLOCK)) >= 0)
			close(fd);
	}
	return NULL;
}

/* Run the tool on a FIFO that a thread fills with the contents of the
 * work directory's file @source ("" for nothing). */
static void
run_on_fifo(const char *source, const char *const *args, run_result *r)
{
	fifo_writer w = { g_build_filename(workdir, "capture.fifo", NULL), NULL, 0 };
	gchar *contents = NULL;
	gsize len = 0;
	if (*source) {
		gchar *src = g_build_filename(workdir, source, NULL);
		g_assert_true(g_file_get_contents(src, &contents, &len, NULL));
		g_free(src);
	}
	w.data = g_bytes_new_take(contents, len);
	g_unlink(w.path);
	g_assert_cmpint(mkfifo(w.path, 0644), ==, 0);
	GThread *t = g_thread_new("fifo", write_fifo, &w);
	run_tool(args, r);
	g_atomic_int_set(&w.tool_done, 1);
	/* Should the tool not have opened it, let the writer finish. */
	int fd = open(w.path, O_RDONLY | O_NONBLOCK);
	g_thread_join(t);
	if (fd >= 0)
		close(fd);
	g_unlink(w.path);
	g_bytes_unref(w.data);
	g_free(w.path);
}

static void
test_fifo_capture(void)
{
	run_result file = { 0 }, fifo = { 0 };
	const char *file_args[] = { "--format", "jsonl", "--all-frames",
	                            "truncated-record.pcap", NULL };
	const char *fifo_args[] = { "--format", "jsonl", "--all-frames",
	                            "capture.fifo", NULL };
	run_tool(file_args, &file);
	run_on_fifo("truncated-record.pcap", fifo_args, &fifo);
	g_assert_cmpstr(fifo.out, ==, file.out);
	check_stderr(&fifo, "capture.fifo", 1, 4, (const char *const[]){ "truncated record", NULL });
	run_clear(&file);
	run_clear(&fifo);

	/* Good files around it: all read. */
	const char *between[] = { "--format", "jsonl", "--all-frames", "good.pcap",
	                          "capture.fifo", "good.pcap", NULL };
	memset(&fifo, 0, sizeof fifo);
	run_on_fifo("good.pcap", between, &fifo);
	check_stderr(&fifo, "capture.fifo", 0, 0, NULL);
	check_frames(&fifo, 9);
	run_clear(&fifo);
}

static void
test_fifo_empty(void)
{
	run_result r = { 0 };
	const char *args[] = { "--format", "jsonl", "--all-frames", "good.pcap",
	                       "capture.fifo", NULL };
	run_on_fifo("", args, &r);
	check_stderr(&r, "capture.fifo", 1, 0, (const char *const[]){ "empty", NULL });
	check_frames(&r, 3);
	run_clear(&r);
}

/* ------------------------------------------------------------------ */
/* An unreadable file                                                  */
/* ------------------------------------------------------------------ */

/* Whether a child dropped to nobody cannot open @path (as root). */
static gboolean
nobody_cannot_read(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
			_exit(2);
		int fd = open(path, O_RDONLY);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	int ws = 0;
	return pid > 0 && waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
}

static void
test_unreadable(void)
{
	gchar *path = g_build_filename(workdir, "unreadable.pcap", NULL);
	make_good("unreadable.pcap");
	g_assert_cmpint(g_chmod(path, 0), ==, 0);
	gboolean as_nobody = geteuid() == 0;
	if (as_nobody && !nobody_cannot_read(path)) {
		g_test_skip("running as root, and cannot drop to user nobody to make a file "
		            "unreadable");
		g_free(path);
		return;
	}
	if (!as_nobody && access(path, R_OK) == 0) {
		g_test_skip("a file with mode 0 is still readable here");
		g_free(path);
		return;
	}
	run_result r = { 0 };
	const char *args[] = { "--format", "jsonl", "--all-frames", "good.pcap",
	                       "unreadable.pcap", "good.pcap", NULL };
	run_tool_as(args, as_nobody, &r);
	check_stderr(&r, "unreadable.pcap", 1, 0,
	             (const char *const[]){ g_strerror(EACCES), NULL });
	check_frames(&r, 6);
	run_clear(&r);
	g_free(path);
}

/* ------------------------------------------------------------------ */
/* Record times out of range                                           */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *file;    /* in tests/regress, or made in the work directory */
	const char *times;   /* the times traced, one per frame */
} time_case;

/* Fractions below zero (0xffffffff microseconds) and of a whole second
 * (1000000) are clamped to 0 and 999999. */
static void
make_bad_fraction(const char *name)
{
	static const guint32 usec[] = { 0xffffffff, 1000000, 999999 };
	GByteArray *b = g_byte_array_new();
	pcap_header(b, 65535, 1);
	for (guint i = 0; i < G_N_ELEMENTS(usec); i++) {
		GByteArray *f = udp_frame(i + 1, 11, 0);
		le32(b, 1700000001 + i);
		le32(b, usec[i]);
		le32(b, f->len);
		le32(b, f->len);
		g_byte_array_append(b, f->data, f->len);
		g_byte_array_unref(f);
	}
	write_file(name, b);
	g_byte_array_unref(b);
}

static const time_case time_cases[] = {
	/* if_tsresol 10^-1 s and a timestamp of 2^64 - 1: 1.8e18 s. */
	{ "pcapng-time-after-2262.pcapng", "9223372036.854775" },
	/* if_tsoffset 2^63 + 256 s, negative as libpcap makes it a time_t. */
	{ "pcapng-tsoffset-before-1677.pcapng", "-9223372036.000000" },
	{ "bad-fraction.pcap", "1700000001.000000,1700000002.999999,1700000003.999999" },
};

static void
test_time(gconstpointer data)
{
	const time_case *c = data;
	gchar *regress = g_build_filename(srcdir, "tests", "regress", c->file, NULL);
	const char *file = g_file_test(regress, G_FILE_TEST_EXISTS) ? regress : c->file;
	run_result r = { 0 };
	const char *args[] = { "-tt", "--all-frames", file, NULL };
	run_tool(args, &r);
	check_stderr(&r, file, 0, 0, NULL);
	GString *times = g_string_new("");
	gchar **lines = g_strsplit(r.out, "\n", -1);
	for (gchar **l = lines; *l && g_ascii_isdigit(**l); l++) {
		gchar **w = g_strsplit(*l, " ", 3);
		if (w[0] && w[1])
			g_string_append_printf(times, "%s%s", times->len ? "," : "", w[1]);
		g_strfreev(w);
	}
	g_assert_cmpstr(times->str, ==, c->times);
	if (strstr(r.err, "runtime error:") || strstr(r.err, "Sanitizer"))
		g_test_fail();
	g_strfreev(lines);
	g_string_free(times, TRUE);
	run_clear(&r);
	g_free(regress);
}

/* ------------------------------------------------------------------ */

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
	child_env = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);
	GError *err = NULL;
	workdir = g_dir_make_tmp("demuxsim-badinput-XXXXXX", &err);
	if (!workdir)
		g_error("%s", err->message);
	g_chmod(workdir, 0755); /* the unreadable-file test runs the tool as nobody */

	make_good("good.pcap");
	make_over_snaplen("caplen-over-snaplen.pcap");
	make_over_snaplen("caplen-over-snaplen.pcapng");
	make_over_snaplen("caplen-over-snaplen.2if.pcapng");
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		const bad_case *c = &cases[i];
		if (c->make)
			c->make(c->name);
		gchar *alone = g_strconcat("/badinput/alone/", c->name, NULL);
		gchar *between = g_strconcat("/badinput/between/", c->name, NULL);
		if (g_str_has_prefix(c->name, "caplen-over-snaplen."))
			g_test_add_data_func(alone, c, test_over_snaplen);
		else if (strcmp(c->name, "zero-length.pcap") == 0)
			g_test_add_data_func(alone, c, test_zero_length);
		else
			g_test_add_data_func(alone, c, test_alone);
		g_test_add_data_func(between, c, test_between);
		g_free(alone);
		g_free(between);
	}
	g_test_add_func("/badinput/fifo/capture", test_fifo_capture);
	g_test_add_func("/badinput/fifo/empty", test_fifo_empty);
	g_test_add_func("/badinput/unreadable", test_unreadable);
	make_bad_fraction("bad-fraction.pcap");
	for (gsize i = 0; i < G_N_ELEMENTS(time_cases); i++) {
		gchar *path = g_strconcat("/badinput/time/", time_cases[i].file, NULL);
		g_test_add_data_func(path, &time_cases[i], test_time);
		g_free(path);
	}

	int status = g_test_run();

	tr_remove_tree(workdir);
	g_free(workdir);
	g_strfreev(child_env);
	g_free(tool_path);
	g_free(srcdir);
	return status;
}
