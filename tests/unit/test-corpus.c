/* test-corpus.c - cross-check demuxsim's transport checksum verdicts
 * against tshark on the shared corpus of real captures.
 *
 * The corpus ($top_srcdir/../shared/corpus, see its README.md) holds
 * captures written by other people, each with `F.oracle.tsv`: tshark
 * 4.0's verdict on every UDP/TCP header it dissected.  Every capture that
 * has an oracle is one test case, /corpus/<folder>/<file>.  For every
 * oracle row of an outermost header (l4_index 0) that is neither quoted
 * in an ICMP error nor an IP fragment, the frame must have decoded to a
 * segment with the same protocol and ports, and demuxsim's checksum status
 * must map to tshark's verdict:
 *
 *   demuxsim                    tshark verdict
 *   good                        good
 *   bad (mismatch)              bad
 *   partial                     bad   (tshark has no "offload" verdict)
 *   absent                      not_present
 *   bad (zero-ipv6)             illegal
 *   unverified (any reason)     unverified, or no verdict at all
 *
 * and where both tools computed the checksum the field should hold
 * (demuxsim's "expected", tshark's checksum_calc), the values must match.
 *
 * Where the two tools honestly differ, the difference is listed in
 * known[] below with the rule that decides it; a listed difference must
 * happen exactly as listed, and any other difference fails the test.
 *
 * Without the corpus the program skips cleanly (exit status 0).
 */
#include "config.h"

#include <glib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "demuxsim/capture.h"
#include "demuxsim/checksum.h"
#include "demuxsim/decode.h"
#include "demuxsim/packet.h"

#define CORPUS_REL "../shared/corpus"
#define ORACLE_SUFFIX ".oracle.tsv"
#define SKIP_MESSAGE CORPUS_REL " not found: cross-check skipped"

/* The demuxsim side of a known difference when the capture reader stops:
 * every oracle row from that frame on is "not read", and the entry names
 * the first unread frame instead of a row. */
#define NOT_READ "not-read"
/* The tshark side of a NOT_READ entry: whatever tshark said. */
#define ANY_VERDICT "*"

/* One known, explained difference between demuxsim and tshark. */
typedef struct {
	const char *file;        /* relative to the corpus */
	unsigned frame;          /* the row's frame, or the first unread frame */
	const char *demuxsim;    /* as compare_row() spells it, or NOT_READ */
	const char *tshark;      /* as compare_row() spells it, or ANY_VERDICT */
	const char *reader_says; /* NOT_READ: text the reader's error contains */
	const char *why;         /* the rule or tool behaviour that decides it */
} known_disagreement;

static const known_disagreement known[] = {
	/* Built with libwiretap, demuxsim reads these pcapng files whole
	 * (each frame with its interface's link type) and agrees with
	 * tshark on every row. */
#ifndef HAVE_WIRETAP
	{
		"pcapplusplus/many_interfaces-1.pcapng", 1, NOT_READ, ANY_VERDICT,
		"pcapng interfaces with different link types",
		"pcapng with Interface Description Blocks of different link "
		"types.  libpcap (pcap-ng.c) gives one pcap_t one link type and "
		"refuses a packet on an interface whose type differs from the "
		"first interface's: \"an interface has a type N different from "
		"the type of the first interface\".  demuxsim reports that input "
		"error and stops, so these rows get no verdict; tshark reads "
		"every interface.  tcpdump stops the same way.",
	},
	{
		"pcapplusplus/pcapng-example.pcapng", 60, NOT_READ, ANY_VERDICT,
		"pcapng interfaces with different link types",
		"pcapng with EN10MB and LINUX_SLL interfaces: libpcap reads the "
		"first 59 (Ethernet) packets, then refuses the first packet of "
		"the SLL interface (\"an interface has a type 113 different from "
		"the type of the first interface\").  demuxsim reports the input "
		"error at frame 60; tshark reads all; tcpdump stops the same way.",
	},
#endif
	{
		"tcpdump/smb_print_trans-oobr2.pcap", 1, "unverified/truncated", "bad",
		NULL,
		"The record's caplen (221) is larger than the file header's "
		"snaplen (195).  libpcap clamps the record to the snaplen, so "
		"only 195 bytes reach the decoder and the UDP datagram (length "
		"187) is not all captured: a checksum over missing bytes cannot "
		"be verified.  tshark reads all 221 bytes and says bad; tcpdump "
		"(libpcap) gives no verdict, as demuxsim.",
	},
	{
		"tcpdump/mptcp-dss-oobr.pcap", 1, "unverified/truncated", "bad",
		NULL,
		"The record's caplen (74) is larger than the file header's "
		"snaplen (73).  libpcap clamps the record to 73 bytes, so the "
		"last byte of the TCP segment is not captured and the checksum "
		"cannot be verified.  tshark reads 74 bytes and says bad; tcpdump "
		"(libpcap) gives no verdict, as demuxsim.",
	},
	{
		"tcpdump/lisp_invalid_length.pcap", 1, "bad/mismatch", "unverified",
		NULL,
		"The IP datagram is cut by the snapshot length (109 of 65642 "
		"bytes captured), but its UDP length (16) is shorter than what "
		"was captured, so the whole user datagram is present.  RFC 768: "
		"\"Length is the length in octets of this user datagram "
		"including this header and the data\"; the checksum covers "
		"exactly those octets (and the pseudo-header), and a receiving "
		"stack trims to the UDP length before verifying.  demuxsim "
		"computes it and finds it bad; tshark leaves it unverified "
		"because the IP datagram is incomplete; tcpdump -vv says bad.",
	},
};

/* What demuxsim made of one frame. */
typedef struct {
	dm_frame_status st;
	uint8_t proto;
	uint16_t sport, dport;
	dm_csum_status status;
	dm_csum_reason reason;
	bool have_expected;
	uint16_t expected;   /* what the checksum field should hold */
} frame_result;

/* Counts for one capture (also kept for the summary table). */
typedef struct {
	char *rel;         /* path relative to the corpus */
	char *path;        /* capture path */
	char *oracle;      /* oracle path */
	bool ran;
	unsigned rows;     /* oracle rows of outermost non-ICMP headers */
	unsigned fragments;/* of those: IP fragments, not compared */
	unsigned compared;
	unsigned agree;
	unsigned disagree; /* all listed in known[] when the test passes */
	unsigned partial;  /* agreements where demuxsim said partial */
	unsigned not_read; /* rows at or after the first unread frame */
	unsigned dm_only;  /* segments demuxsim found that tshark has no row for */
} capture_case;

/* ---------------------------------------------------------------- */
/* The oracle TSV                                                    */

typedef enum {
	COL_FRAME, COL_L4_INDEX, COL_IN_ICMP, COL_IP_MF, COL_IP_FRAG_OFF,
	COL_IP6_FRAG_OFF, COL_IP6_FRAG_MORE, COL_PROTO, COL_SPORT, COL_DPORT,
	COL_CHECKSUM_CALC, COL_VERDICT, N_COL
} column;

static const char *const column_names[N_COL] = {
	"frame", "l4_index", "in_icmp", "ip_mf", "ip_frag_off",
	"ip6_frag_off", "ip6_frag_more", "proto", "sport", "dport",
	"checksum_calc", "verdict",
};

typedef struct {
	GPtrArray *rows;   /* char ** (fields of one line) */
	int col[N_COL];    /* field index of each column */
} oracle;

static void
oracle_clear(oracle *o)
{
	if (o->rows)
		g_ptr_array_unref(o->rows);
	o->rows = NULL;
}

static void
strip_cr(char *s)
{
	size_t n = strlen(s);
	if (n > 0 && s[n - 1] == '\r')
		s[n - 1] = '\0';
}

/* Load the oracle at @path; columns are found by name in the header. */
static bool
oracle_load(const char *path, oracle *o, GError **error)
{
	char *text = NULL;
	char **lines;

	o->rows = NULL;
	if (!g_file_get_contents(path, &text, NULL, error))
		return false;
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	if (!lines[0] || !lines[0][0]) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
		            "%s: no header line", path);
		g_strfreev(lines);
		return false;
	}
	strip_cr(lines[0]);
	char **header = g_strsplit(lines[0], "\t", -1);
	for (int c = 0; c < N_COL; c++) {
		o->col[c] = -1;
		for (int i = 0; header[i]; i++)
			if (strcmp(header[i], column_names[c]) == 0) {
				o->col[c] = i;
				break;
			}
		if (o->col[c] < 0) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			            "%s: no column \"%s\"", path, column_names[c]);
			g_strfreev(header);
			g_strfreev(lines);
			return false;
		}
	}
	g_strfreev(header);

	o->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	for (int i = 1; lines[i]; i++) {
		strip_cr(lines[i]);
		if (lines[i][0] == '\0')
			continue;
		g_ptr_array_add(o->rows, g_strsplit(lines[i], "\t", -1));
	}
	g_strfreev(lines);
	return true;
}

/* Field @c of @row; "" when the line is shorter. */
static const char *
field(const oracle *o, char **row, column c)
{
	int want = o->col[c];
	for (int i = 0; row[i]; i++)
		if (i == want)
			return row[i];
	return "";
}

/* A decimal field; false when it is empty or not a number. */
static bool
field_uint(const oracle *o, char **row, column c, guint64 max, guint64 *out)
{
	const char *s = field(o, row, c);
	return s[0] && g_ascii_string_to_unsigned(s, 10, 0, max, out, NULL);
}

/* A numeric field that is present and not zero. */
static bool
field_nonzero(const oracle *o, char **row, column c)
{
	const char *s = field(o, row, c);
	if (!s[0])
		return false;
	guint64 v;
	if (g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT64, &v, NULL))
		return v != 0;
	return strcmp(s, "0") != 0; /* not a number: count it as set */
}

static bool
row_is_fragment(const oracle *o, char **row)
{
	return strcmp(field(o, row, COL_IP_MF), "1") == 0 ||
	       field_nonzero(o, row, COL_IP_FRAG_OFF) ||
	       strcmp(field(o, row, COL_IP6_FRAG_MORE), "1") == 0 ||
	       field_nonzero(o, row, COL_IP6_FRAG_OFF);
}

/* ---------------------------------------------------------------- */
/* Decoding a capture                                                */

typedef struct {
	GArray *frames;      /* frame_result, frame N at index N-1 */
	unsigned first_unread; /* 0 when the whole file was read */
	char *stop_reason;   /* why reading stopped early, or NULL */
} capture_run;

static void
capture_run_clear(capture_run *run)
{
	if (run->frames)
		g_array_unref(run->frames);
	g_free(run->stop_reason);
	memset(run, 0, sizeof *run);
}

/* Decode every record of @path into @run.  Returns false (with @error)
 * only when the file cannot be opened. */
static bool
capture_decode(const char *path, capture_run *run, GError **error)
{
	dm_capture *cap = dm_capture_open_file(path, error);
	char lt[64];

	memset(run, 0, sizeof *run);
	if (!cap)
		return false;
	run->frames = g_array_new(FALSE, TRUE, sizeof(frame_result));

	int dlt = dm_capture_linktype(cap);
	if (!dm_linktype_supported(dlt)) {
		run->first_unread = 1;
		run->stop_reason = g_strdup_printf("unsupported link type %s",
			dm_linktype_describe(dlt, lt, sizeof lt));
		dm_capture_close(cap);
		return true;
	}

	dm_record rec;
	dm_packet pkt;
	GError *err = NULL;
	int rc;
	while ((rc = dm_capture_next(cap, &rec, &err)) == 1) {
		frame_result fr;
		memset(&fr, 0, sizeof fr);
		fr.st = dm_decode_frame(rec.dlt, rec.data, rec.caplen, rec.wirelen, &pkt);
		fr.proto = pkt.proto;
		fr.sport = pkt.sport;
		fr.dport = pkt.dport;
		fr.status = pkt.csum.status;
		fr.reason = pkt.csum.reason;
		fr.have_expected = pkt.csum.have_expected;
		fr.expected = pkt.csum.expected;
		g_array_append_val(run->frames, fr);
	}
	if (rc < 0) {
		run->first_unread = run->frames->len + 1;
		run->stop_reason = g_strdup(err->message);
		g_error_free(err);
	}
	dm_capture_close(cap);
	return true;
}

/* ---------------------------------------------------------------- */
/* Comparing                                                         */

/* The tshark verdict that demuxsim's status corresponds to. */
static const char *
tshark_equivalent(dm_csum_status s, dm_csum_reason r)
{
	switch (s) {
	case DM_CSUM_GOOD:
		return "good";
	case DM_CSUM_BAD:
		return r == DM_CSUM_REASON_ZERO_IPV6 ? "illegal" : "bad";
	case DM_CSUM_PARTIAL:
		return "bad";
	case DM_CSUM_ABSENT:
		return "not_present";
	case DM_CSUM_UNVERIFIED:
		return "unverified";
	default:
		return "?";
	}
}

/* tshark gives no verdict when it cannot verify: that is "unverified". */
static const char *
normalise_verdict(const char *v)
{
	return v[0] ? v : "unverified";
}

static const char *
proto_name(uint8_t proto)
{
	return proto == 17 ? "udp" : proto == 6 ? "tcp" : "other";
}

/* demuxsim's status as known[] spells it: "status" or "status/reason". */
static char *
status_string(const frame_result *fr)
{
	const char *reason = dm_csum_reason_name(fr->reason);
	if (reason)
		return g_strdup_printf("%s/%s", dm_csum_status_name(fr->status),
		                       reason);
	return g_strdup(dm_csum_status_name(fr->status));
}

/* tshark's checksum_calc ("0x1234"); false when it has none. */
static bool
parse_calc(const char *s, uint16_t *out)
{
	guint64 v;
	if (g_str_has_prefix(s, "0x") || g_str_has_prefix(s, "0X"))
		s += 2;
	if (!s[0] || !g_ascii_string_to_unsigned(s, 16, 0, 0xffff, &v, NULL))
		return false;
	*out = (uint16_t)v;
	return true;
}

/* Compare frame @fr (NULL when the capture had no such frame) with one
 * oracle row.  Returns whether they agree; otherwise sets @dm and @ts to
 * each side as known[] spells it:
 *   "frame:<outcome>"             no segment (dm_frame_status_name)
 *   "segment:<proto>:<sp>><dp>"   a segment of another protocol or ports
 *   "<status>[/<reason>]"         the checksum verdicts differ
 *   "<status> calc 0x1234"        same verdict, different computed value
 * and tshark's side is its verdict ("" for none), or "<verdict> calc
 * <checksum_calc>" for the last kind. */
static bool
compare_row(const frame_result *fr, const char *oproto, guint64 osport,
            guint64 odport, const char *verdict, const char *calc,
            char **dm, char **ts)
{
	*dm = *ts = NULL;
	if (!fr) {
		*dm = g_strdup("frame:missing");
	} else if (fr->st != DM_FRAME_SEGMENT) {
		*dm = g_strdup_printf("frame:%s", dm_frame_status_name(fr->st));
	} else if (strcmp(proto_name(fr->proto), oproto) != 0 ||
	           fr->sport != osport || fr->dport != odport) {
		*dm = g_strdup_printf("segment:%s:%u>%u", proto_name(fr->proto),
		                      fr->sport, fr->dport);
	} else if (strcmp(tshark_equivalent(fr->status, fr->reason),
	                  normalise_verdict(verdict)) != 0) {
		*dm = status_string(fr);
	} else {
		uint16_t tcalc;
		if (!fr->have_expected || !parse_calc(calc, &tcalc) ||
		    tcalc == fr->expected)
			return true;
		char *st = status_string(fr);
		*dm = g_strdup_printf("%s calc 0x%04x", st, fr->expected);
		*ts = g_strdup_printf("%s calc %s", verdict, calc);
		g_free(st);
		return false;
	}
	*ts = g_strdup(verdict);
	return false;
}

static bool
known_is_not_read(const known_disagreement *k)
{
	return strcmp(k->demuxsim, NOT_READ) == 0;
}

/* The known[] entry for a row disagreement, or -1. */
static int
known_find(const char *rel, unsigned frame, const char *dm, const char *verdict)
{
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
		const known_disagreement *k = &known[i];
		if (!known_is_not_read(k) && strcmp(k->file, rel) == 0 &&
		    k->frame == frame && strcmp(k->demuxsim, dm) == 0 &&
		    strcmp(k->tshark, verdict) == 0)
			return (int)i;
	}
	return -1;
}

static void
fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void
fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_test_message("FAIL: %s", msg);
	g_test_fail_printf("%s", msg);
	g_free(msg);
}

static void
print_line(const capture_case *cc)
{
	g_test_message("%-46s %5u %5u %5u %5u %5u %5u %5u %5u", cc->rel,
	               cc->rows, cc->fragments, cc->compared, cc->agree,
	               cc->disagree, cc->partial, cc->not_read, cc->dm_only);
}

static void
print_header(void)
{
	g_test_message("%-46s %5s %5s %5s %5s %5s %5s %5s %5s", "capture",
	               "rows", "frag", "cmp", "agree", "disag", "part",
	               "unrd", "dm+");
}

static void
test_capture(gconstpointer data)
{
	capture_case *cc = (capture_case *)data;
	GError *err = NULL;
	oracle o;
	capture_run run;

	cc->ran = true;
	if (!oracle_load(cc->oracle, &o, &err)) {
		fail("%s", err->message);
		g_error_free(err);
		return;
	}
	if (!capture_decode(cc->path, &run, &err)) {
		fail("%s: cannot open: %s", cc->rel, err->message);
		g_error_free(err);
		oracle_clear(&o);
		return;
	}

	bool *used = g_new0(bool, G_N_ELEMENTS(known));
	bool *has_row = g_new0(bool, run.frames->len + 1);

	for (guint i = 0; i < o.rows->len; i++) {
		char **row = g_ptr_array_index(o.rows, i);
		guint64 frame, sport, dport;

		if (strcmp(field(&o, row, COL_L4_INDEX), "0") != 0 ||
		    strcmp(field(&o, row, COL_IN_ICMP), "1") == 0)
			continue;
		if (!field_uint(&o, row, COL_FRAME, G_MAXUINT, &frame) || frame == 0) {
			fail("%s: oracle line %u: bad frame \"%s\"", cc->rel, i + 2,
			     field(&o, row, COL_FRAME));
			continue;
		}
		cc->rows++;
		if (frame <= run.frames->len)
			has_row[frame] = true;
		if (row_is_fragment(&o, row)) {
			cc->fragments++;
			continue;
		}
		if (run.first_unread && frame >= run.first_unread) {
			cc->not_read++;
			continue;
		}

		const char *oproto = field(&o, row, COL_PROTO);
		const char *verdict = field(&o, row, COL_VERDICT);
		if (!field_uint(&o, row, COL_SPORT, 65535, &sport) ||
		    !field_uint(&o, row, COL_DPORT, 65535, &dport)) {
			fail("%s: frame %u: oracle ports \"%s\" \"%s\"", cc->rel,
			     (unsigned)frame, field(&o, row, COL_SPORT),
			     field(&o, row, COL_DPORT));
			continue;
		}
		cc->compared++;

		const frame_result *fr = frame <= run.frames->len ?
			&g_array_index(run.frames, frame_result, frame - 1) : NULL;
		char *dm, *ts;
		if (compare_row(fr, oproto, sport, dport, verdict,
		                field(&o, row, COL_CHECKSUM_CALC), &dm, &ts)) {
			cc->agree++;
			if (fr->status == DM_CSUM_PARTIAL)
				cc->partial++;
			continue;
		}
		cc->disagree++;
		int k = known_find(cc->rel, (unsigned)frame, dm, ts);
		if (k < 0) {
			fail("%s: frame %u (%s %u>%u): demuxsim %s, tshark \"%s\": "
			     "not a known disagreement", cc->rel, (unsigned)frame,
			     oproto, (unsigned)sport, (unsigned)dport, dm, ts);
		} else if (used[k]) {
			fail("%s: frame %u: known disagreement matched twice",
			     cc->rel, (unsigned)frame);
		} else {
			used[k] = true;
			g_test_message("%s: frame %u: demuxsim %s, tshark \"%s\" "
			               "(known)", cc->rel, (unsigned)frame, dm, ts);
		}
		g_free(dm);
		g_free(ts);
	}

	/* Segments demuxsim decoded that tshark has no outermost row for
	 * (information only: e.g. headers tshark refused to dissect). */
	for (guint f = 1; f <= run.frames->len; f++) {
		const frame_result *fr = &g_array_index(run.frames, frame_result, f - 1);
		if (fr->st == DM_FRAME_SEGMENT && !has_row[f]) {
			cc->dm_only++;
			g_test_message("%s: frame %u: demuxsim %s %u>%u %s, no tshark row",
			               cc->rel, f, proto_name(fr->proto), fr->sport,
			               fr->dport, dm_csum_status_name(fr->status));
		}
	}

	/* Every known disagreement of this capture happened, as listed. */
	bool listed_stop = false;
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
		const known_disagreement *k = &known[i];
		if (strcmp(k->file, cc->rel) != 0)
			continue;
		if (!known_is_not_read(k)) {
			if (!used[i])
				fail("%s: frame %u: known disagreement (demuxsim %s, "
				     "tshark \"%s\") did not happen", k->file, k->frame,
				     k->demuxsim, k->tshark);
			continue;
		}
		listed_stop = true;
		if (run.first_unread != k->frame)
			fail("%s: expected reading to stop at frame %u, it %s %u",
			     k->file, k->frame,
			     run.first_unread ? "stopped at" : "read all frames:",
			     run.first_unread ? run.first_unread : run.frames->len);
		else if (!strstr(run.stop_reason, k->reader_says))
			fail("%s: reader stopped at frame %u with \"%s\", expected "
			     "\"%s\"", k->file, k->frame, run.stop_reason,
			     k->reader_says);
		else
			g_test_message("%s: frames %u on not read (known): %s; "
			               "%u oracle rows", k->file, k->frame,
			               run.stop_reason, cc->not_read);
	}
	if (run.first_unread && !listed_stop)
		fail("%s: reading stopped at frame %u: %s (not a known disagreement)",
		     cc->rel, run.first_unread, run.stop_reason);

	print_header();
	print_line(cc);

	g_free(has_row);
	g_free(used);
	capture_run_clear(&run);
	oracle_clear(&o);
}

/* ---------------------------------------------------------------- */
/* Corpus discovery                                                  */

static int
compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect, sorted, the paths relative to @root of captures with an oracle
 * in @root/@sub (and its sub-folders, to a small depth). */
static void
find_captures(const char *root, const char *sub, int depth, GPtrArray *out)
{
	char *dir = sub ? g_build_filename(root, sub, NULL) : g_strdup(root);
	GDir *d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d)))
			g_ptr_array_add(names, g_strdup(name));
		g_dir_close(d);
	}
	g_ptr_array_sort(names, compare_strings);
	for (guint i = 0; i < names->len; i++) {
		name = g_ptr_array_index(names, i);
		char *rel = sub ? g_strconcat(sub, "/", name, NULL) : g_strdup(name);
		char *full = g_build_filename(root, rel, NULL);
		if (g_file_test(full, G_FILE_TEST_IS_DIR)) {
			if (depth > 0)
				find_captures(root, rel, depth - 1, out);
		} else if (g_str_has_suffix(name, ORACLE_SUFFIX) &&
		           strlen(name) > strlen(ORACLE_SUFFIX)) {
			char *cap_rel = g_strndup(rel, strlen(rel) - strlen(ORACLE_SUFFIX));
			g_ptr_array_add(out, cap_rel);
		}
		g_free(full);
		g_free(rel);
	}
	g_ptr_array_unref(names);
	g_free(dir);
}

static char *
find_corpus(void)
{
	const char *top = g_getenv("top_srcdir");
	char *dir;

	if (top && top[0]) {
		dir = g_build_filename(top, "..", "shared", "corpus", NULL);
		if (g_file_test(dir, G_FILE_TEST_IS_DIR))
			return dir;
		g_free(dir);
	}
	dir = g_strdup(CORPUS_REL);
	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return dir;
	g_free(dir);
	return NULL;
}

static void
test_skip(void)
{
	g_test_skip(SKIP_MESSAGE);
}

static const char *corpus_dir;
static GPtrArray *cases; /* capture_case * */

static void
test_no_captures(void)
{
	fail("%s: no capture with an oracle (*" ORACLE_SUFFIX ") found",
	     corpus_dir);
}

/* known[] names existing captures, once per row or stop. */
static void
test_known_table(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
		const known_disagreement *k = &known[i];
		bool found = false;
		for (guint c = 0; c < cases->len; c++)
			if (strcmp(((capture_case *)g_ptr_array_index(cases, c))->rel,
			           k->file) == 0)
				found = true;
		if (!found)
			fail("known[%zu]: %s has no oracle in %s", i, k->file,
			     corpus_dir);
		if (k->frame == 0 || !k->why || !k->why[0])
			fail("known[%zu]: %s: needs a frame and an explanation", i,
			     k->file);
		if (known_is_not_read(k) != (k->reader_says != NULL) ||
		    known_is_not_read(k) != (strcmp(k->tshark, ANY_VERDICT) == 0))
			fail("known[%zu]: %s: reader_says and \"%s\" go with %s only",
			     i, k->file, ANY_VERDICT, NOT_READ);
		for (size_t j = 0; j < i; j++)
			if (strcmp(known[j].file, k->file) == 0 &&
			    (known[j].frame == k->frame ||
			     (known_is_not_read(&known[j]) && known_is_not_read(k))))
				fail("known[%zu]: %s frame %u listed twice", i, k->file,
				     k->frame);
	}
}

/* The table of every capture that ran, and the totals. */
static void
test_summary(void)
{
	capture_case total;
	unsigned ran = 0;

	memset(&total, 0, sizeof total);
	total.rel = (char *)"TOTAL";
	g_test_message("demuxsim vs tshark 4.0 (%s): rows = outermost UDP/TCP "
	               "headers not in ICMP; frag = IP fragments (not compared); "
	               "cmp = compared; part = agreements where demuxsim says "
	               "partial (tshark: bad); unrd = rows not read; dm+ = "
	               "segments without a tshark row", corpus_dir);
	print_header();
	for (guint i = 0; i < cases->len; i++) {
		const capture_case *cc = g_ptr_array_index(cases, i);
		if (!cc->ran)
			continue;
		ran++;
		print_line(cc);
		total.rows += cc->rows;
		total.fragments += cc->fragments;
		total.compared += cc->compared;
		total.agree += cc->agree;
		total.disagree += cc->disagree;
		total.partial += cc->partial;
		total.not_read += cc->not_read;
		total.dm_only += cc->dm_only;
	}
	print_line(&total);
	g_test_message("%u captures; agreement %u of %u compared rows (%.2f%%); "
	               "every disagreement is listed in known[]", ran,
	               total.agree, total.compared,
	               total.compared ? 100.0 * total.agree / total.compared : 100.0);
}

static void
capture_case_free(gpointer p)
{
	capture_case *cc = p;
	g_free(cc->rel);
	g_free(cc->path);
	g_free(cc->oracle);
	g_free(cc);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	char *corpus = find_corpus();
	if (!corpus) {
		g_test_add_func("/corpus/skipped", test_skip);
		g_test_run();
		/* Skipping is success, with or without TAP output. */
		return 0;
	}
	corpus_dir = corpus;

	GPtrArray *rels = g_ptr_array_new_with_free_func(g_free);
	find_captures(corpus, NULL, 2, rels);
	cases = g_ptr_array_new_with_free_func(capture_case_free);
	for (guint i = 0; i < rels->len; i++) {
		capture_case *cc = g_new0(capture_case, 1);
		cc->rel = g_strdup(g_ptr_array_index(rels, i));
		cc->path = g_build_filename(corpus, cc->rel, NULL);
		cc->oracle = g_strconcat(cc->path, ORACLE_SUFFIX, NULL);
		g_ptr_array_add(cases, cc);
	}
	g_ptr_array_unref(rels);

	if (cases->len == 0)
		g_test_add_func("/corpus/captures", test_no_captures);
	g_test_add_func("/corpus/known-disagreements", test_known_table);
	for (guint i = 0; i < cases->len; i++) {
		capture_case *cc = g_ptr_array_index(cases, i);
		char *tpath = g_strconcat("/corpus/", cc->rel, NULL);
		g_test_add_data_func(tpath, cc, test_capture);
		g_free(tpath);
	}
	/* A separate top-level suite, so it runs after every capture. */
	g_test_add_func("/corpus-summary/table", test_summary);

	int rc = g_test_run();
	g_ptr_array_unref(cases);
	g_free(corpus);
	return rc;
}
