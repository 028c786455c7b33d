# tests/cli/local.mk - tests that run the built command line ($DEMUXSIM),
# the C ones through testrun.h (included by Makefile.am).  test-explain
# also calls the library's explain functions, but most of its tests run
# the tool.
cli_tests = \
	tests/cli/test-frag \
	tests/cli/test-explain \
	tests/cli/test-captures \
	tests/cli/test-flood \
	tests/cli/test-backlog \
	tests/cli/test-scenarios \
	tests/cli/test-pictures \
	tests/cli/test-badinput \
	tests/cli/test-regress \
	tests/cli/test-hostile \
	tests/cli/test-shard \
	tests/cli/test-partition \
	tests/cli/test-threads \
	tests/cli/test-onepass \
	tests/cli/test-habits \
	tests/cli/test-calls \
	tests/cli/test-workbench \
	tests/cli/test-trace \
	tests/cli/test-screen \
	tests/cli/test-tui \
	tests/cli/test-filter \
	tests/cli/test-pcapng \
	tests/cli/test-tunnel \
	tests/cli/test-ss \
	tests/cli/test-reuse
cli_scripts = tests/cli/test-live.sh tests/cli/test-signals.sh tests/cli/test-slurm.sh \
	tests/cli/test-kernel-oracle.sh
tests_cli_test_badinput_SOURCES = tests/cli/test-badinput.c tests/cli/testrun.h
tests_cli_test_captures_SOURCES = tests/cli/test-captures.c tests/cli/testrun.h
tests_cli_test_explain_SOURCES = tests/cli/test-explain.c tests/cli/testrun.h
tests_cli_test_backlog_SOURCES = tests/cli/test-backlog.c tests/cli/testrun.h
tests_cli_test_flood_SOURCES = tests/cli/test-flood.c tests/cli/testrun.h
tests_cli_test_frag_SOURCES = tests/cli/test-frag.c tests/cli/testrun.h
tests_cli_test_hostile_SOURCES = tests/cli/test-hostile.c tests/cli/testrun.h
tests_cli_test_pictures_SOURCES = tests/cli/test-pictures.c tests/cli/testrun.h
tests_cli_test_regress_SOURCES = tests/cli/test-regress.c tests/cli/testrun.h
tests_cli_test_scenarios_SOURCES = tests/cli/test-scenarios.c tests/cli/testrun.h
tests_cli_test_shard_SOURCES = tests/cli/test-shard.c tests/cli/testrun.h tests/cli/shardrun.h
tests_cli_test_partition_SOURCES = tests/cli/test-partition.c tests/cli/testrun.h \
	tests/cli/shardrun.h
tests_cli_test_threads_SOURCES = tests/cli/test-threads.c tests/cli/testrun.h
tests_cli_test_habits_SOURCES = tests/cli/test-habits.c tests/cli/testrun.h
tests_cli_test_calls_SOURCES = tests/cli/test-calls.c tests/cli/testrun.h tests/unit/chromium.h
tests_cli_test_workbench_SOURCES = tests/cli/test-workbench.c tests/cli/testrun.h
tests_cli_test_trace_SOURCES = tests/cli/test-trace.c tests/cli/testrun.h
tests_cli_test_screen_SOURCES = tests/cli/test-screen.c tests/cli/testrun.h
tests_cli_test_tui_SOURCES = tests/cli/test-tui.c tests/cli/testrun.h
tests_cli_test_filter_SOURCES = tests/cli/test-filter.c tests/cli/testrun.h
tests_cli_test_pcapng_SOURCES = tests/cli/test-pcapng.c tests/cli/testrun.h
tests_cli_test_tunnel_SOURCES = tests/cli/test-tunnel.c tests/cli/testrun.h
tests_cli_test_ss_SOURCES = tests/cli/test-ss.c tests/cli/testrun.h
tests_cli_test_reuse_SOURCES = tests/cli/test-reuse.c tests/cli/testrun.h
tests_cli_test_onepass_SOURCES = tests/cli/test-onepass.c tests/cli/testrun.h tests/gen/wire.h
# What test-pictures leaves for people to look at (the HTML report and its
# screenshot, the diagrams it laid out), until make clean.
PICTURES_ARTIFACTS = tests/cli/pictures-report.html tests/cli/report-screenshot.png \
	tests/cli/pictures-demux.dot tests/cli/pictures-demux.dot.svg \
	tests/cli/pictures-max-nodes.dot tests/cli/pictures-max-nodes.dot.svg \
	tests/cli/pictures-max-nodes-endpoints.dot tests/cli/pictures-max-nodes-endpoints.dot.svg
EXTRA_DIST += $(cli_scripts) tests/cli/kernel-oracle.py
