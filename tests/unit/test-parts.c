/* test-parts.c - the socket table in partitions (--threads N on a run
 * whose report is the tables at the end): dm_run_files() with
 * table_parts N makes N tables, one per partition of the hosts, and its
 * report equals the one table's byte for byte; where one table would
 * have had to evict (the budget reached) the run is made again on one
 * table; streams and per-frame outputs keep one table.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "demuxsim/reasm.h"
#include "demuxsim/report.h"
#include "demuxsim/run.h"

static const char *srcdir;

typedef struct {
	dm_demux_config cfg;
	const char *sockets;   /* a sockets file, or NULL */
	guint made;            /* tables made by make_part */
	guint fail_at;         /* make_part fails at this call (1: the
	                        * first), 0: never */
} maker;

static dm_demux *
new_table(const maker *m)
{
	dm_demux *dm = dm_demux_new(&m->cfg);
	if (m->sockets) {
		GError *err = NULL;
		g_assert_true(dm_demux_load_sockets(dm, m->sockets, &err));
		g_assert_no_error(err);
	}
	return dm;
}

static bool
make_part(void *ctx, dm_demux **dm, dm_reasm **ra)
{
	maker *m = ctx;
	m->made++;
	*dm = new_table(m);
	*ra = dm_reasm_new(&(dm_reasm_config){ .timeout4 = 30, .timeout6 = 60 });
	return m->made != m->fail_at;
}

/* The report of a run over @files with the table in @parts partitions,
 * in @fmt (quiet when @quiet); the tables made in @made. */
static char *
run(const char *const *files, guint n, unsigned parts, dm_format fmt, bool quiet, maker *m,
    guint *made, int *status)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	dm_report *rep = dm_report_new(out, fmt, quiet ? DM_REPORT_QUIET : 0);
	dm_demux *dm = new_table(m);
	dm_reasm *ra = dm_reasm_new(&(dm_reasm_config){ .timeout4 = 30, .timeout6 = 60 });
	m->made = 0;
	dm_run_files_config cfg = {
		.rep = rep, .dm = dm, .ra = ra, .threads = parts, .table_parts = parts,
		.make_part = make_part, .make_ctx = m, .declared = m->sockets != NULL,
		.evidence_window = 5,
	};
	*status = dm_run_files(&cfg, files, n);
	*made = m->made;
	dm_report_free(rep);
	fclose(out);
	dm_reasm_free(ra);
	dm_demux_free(dm);
	return text;
}

static char *
capture(const char *name)
{
	return g_build_filename(srcdir, "captures", name, NULL);
}

/* @files through 1, 2, 3 and 4 partitions: the same report, and as many
 * tables made as partitions (@expect_parts), or none. */
static void
check_same(const char *const *files, guint n, dm_format fmt, bool quiet, maker *m,
           bool expect_parts)
{
	guint made;
	int st1, st;
	char *ref = run(files, n, 1, fmt, quiet, m, &made, &st1);
	g_assert_cmpuint(made, ==, 0);
	g_assert_cmpuint(strlen(ref), >, 0);
	for (unsigned parts = 2; parts <= 4; parts++) {
		char *got = run(files, n, parts, fmt, quiet, m, &made, &st);
		g_assert_cmpuint(made, ==, expect_parts ? parts : 0);
		g_assert_cmpint(st, ==, st1);
		g_assert_cmpstr(got, ==, ref);
		free(got);
	}
	free(ref);
}

static void
test_summaries(void)
{
	maker m = { 0 };
	char *demux = capture("demux.pcap"), *frag = capture("frag.pcap"),
	     *v6 = capture("ipv6.pcap"), *tun = capture("tunnels.pcap");
	const char *const files[] = { demux, frag, v6, tun };
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		check_same(&files[i], 1, DM_FORMAT_JSON, true, &m, true);
		check_same(&files[i], 1, DM_FORMAT_TEXT, true, &m, true);
		check_same(&files[i], 1, DM_FORMAT_CSV, true, &m, true);
	}
	/* Several inputs, frames numbered across them. */
	check_same(files, G_N_ELEMENTS(files), DM_FORMAT_JSON, true, &m, true);
	g_free(demux);
	g_free(frag);
	g_free(v6);
	g_free(tun);
}

static void
test_declared(void)
{
	char *ini = capture("demux-declared.ini"), *pcap = capture("demux.pcap");
	maker m = { .cfg = { .declared = true }, .sockets = ini };
	const char *const files[] = { pcap };
	check_same(files, 1, DM_FORMAT_JSON, true, &m, true);
	check_same(files, 1, DM_FORMAT_TEXT, true, &m, true);
	g_free(ini);
	g_free(pcap);
}

/* A budget the whole run reaches: made again on one table, the same. */
static void
test_budget(void)
{
	maker m = { .cfg = { .max_sockets = 3 } };
	char *pcap = capture("demux.pcap");
	const char *const files[] = { pcap };
	check_same(files, 1, DM_FORMAT_JSON, true, &m, true);
	g_free(pcap);
}

/* A trace is written frame by frame: one table. */
static void
test_trace_one_table(void)
{
	maker m = { 0 };
	char *pcap = capture("demux.pcap");
	const char *const files[] = { pcap };
	check_same(files, 1, DM_FORMAT_TEXT, false, &m, false);
	check_same(files, 1, DM_FORMAT_JSONL, false, &m, false);
	g_free(pcap);
}

/* A damaged input: what came before it is reported, the same. */
static void
test_damaged(void)
{
	maker m = { 0 };
	char *cut = g_build_filename(srcdir, "tests", "regress", "caplen-over-snaplen-damaged.pcap",
	                             NULL);
	char *pcap = capture("demux.pcap");
	const char *const files[] = { pcap, cut, pcap };
	check_same(files, G_N_ELEMENTS(files), DM_FORMAT_JSON, true, &m, true);
	g_free(cut);
	g_free(pcap);
}

/* A partition's table that cannot be made (its sockets file changed
 * since, say): the run on one table, the same. */
static void
test_part_not_made(void)
{
	maker m = { .fail_at = 2 };
	char *pcap = capture("demux.pcap");
	const char *const files[] = { pcap };
	guint made;
	int st1, st;
	char *ref = run(files, 1, 1, DM_FORMAT_JSON, true, &m, &made, &st1);
	char *got = run(files, 1, 3, DM_FORMAT_JSON, true, &m, &made, &st);
	g_assert_cmpuint(made, ==, 2);
	g_assert_cmpint(st, ==, st1);
	g_assert_cmpstr(got, ==, ref);
	free(ref);
	free(got);
	g_free(pcap);
}

/* A damaged input and a budget the whole run reaches: the run is made
 * again on one table, and its error is said once. */
static void
test_damaged_budget(void)
{
	if (g_test_subprocess()) {
		maker m = { .cfg = { .max_sockets = 3 } };
		char *cut = g_build_filename(srcdir, "tests", "regress",
		                             "caplen-over-snaplen-damaged.pcap", NULL);
		char *pcap = capture("demux.pcap");
		const char *const files[] = { pcap, cut };
		guint made;
		int st;
		free(run(files, G_N_ELEMENTS(files), 2, DM_FORMAT_JSON, true, &m, &made, &st));
		g_assert_cmpuint(made, ==, 2);
		g_assert_cmpint(st, ==, 1);
		g_free(cut);
		g_free(pcap);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("*caplen-over-snaplen-damaged.pcap: frame 2: damaged record*");
	g_test_trap_assert_stderr_unmatched("*damaged record*damaged record*");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	srcdir = g_getenv("top_srcdir");
	if (!srcdir)
		srcdir = ".";
	g_test_add_func("/parts/identical/summaries", test_summaries);
	g_test_add_func("/parts/identical/declared", test_declared);
	g_test_add_func("/parts/identical/budget-reached", test_budget);
	g_test_add_func("/parts/one-table/trace", test_trace_one_table);
	g_test_add_func("/parts/identical/damaged-input", test_damaged);
	g_test_add_func("/parts/errors/said-once", test_damaged_budget);
	g_test_add_func("/parts/one-table/part-not-made", test_part_not_made);
	return g_test_run();
}
