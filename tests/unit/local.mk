# tests/unit/local.mk - GTest programs that call the library directly
# (included by Makefile.am; they link the default LDADD, src/libdemuxsim.la).
unit_tests = \
	tests/unit/test-checksum \
	tests/unit/test-reasm \
	tests/unit/test-reasm-corpus \
	tests/unit/test-decode \
	tests/unit/test-link \
	tests/unit/test-corpus \
	tests/unit/test-link-corpus \
	tests/unit/test-demux \
	tests/unit/test-backlog \
	tests/unit/test-reuse \
	tests/unit/test-calls \
	tests/unit/test-hash-index \
	tests/unit/test-report-format \
	tests/unit/test-ladder \
	tests/unit/test-ladder-chromium \
	tests/unit/test-limits \
	tests/unit/test-sockets-ss \
	tests/unit/test-parts \
	tests/unit/test-capture
tests_unit_test_checksum_SOURCES = tests/unit/test-checksum.c tests/unit/testutil.h
tests_unit_test_reasm_SOURCES = tests/unit/test-reasm.c tests/unit/testutil.h
tests_unit_test_reasm_corpus_SOURCES = tests/unit/test-reasm-corpus.c
tests_unit_test_decode_SOURCES = tests/unit/test-decode.c tests/unit/testutil.h
tests_unit_test_link_SOURCES = tests/unit/test-link.c tests/unit/testutil.h
tests_unit_test_corpus_SOURCES = tests/unit/test-corpus.c
tests_unit_test_link_corpus_SOURCES = tests/unit/test-link-corpus.c
tests_unit_test_backlog_SOURCES = tests/unit/test-backlog.c tests/unit/testseg.h
tests_unit_test_demux_SOURCES = tests/unit/test-demux.c tests/unit/testseg.h \
	tests/unit/testhosts.h
tests_unit_test_reuse_SOURCES = tests/unit/test-reuse.c tests/unit/testseg.h \
	tests/unit/testhosts.h
tests_unit_test_calls_SOURCES = tests/unit/test-calls.c tests/unit/testseg.h
tests_unit_test_hash_index_SOURCES = tests/unit/test-hash-index.c
tests_unit_test_report_format_SOURCES = tests/unit/test-report-format.c
tests_unit_test_limits_SOURCES = tests/unit/test-limits.c
tests_unit_test_sockets_ss_SOURCES = tests/unit/test-sockets-ss.c tests/unit/testseg.h
tests_unit_test_ladder_SOURCES = tests/unit/test-ladder.c tests/unit/ladderutil.h
tests_unit_test_ladder_chromium_SOURCES = tests/unit/test-ladder-chromium.c tests/unit/ladderutil.h \
	tests/unit/chromium.h
tests_unit_test_parts_SOURCES = tests/unit/test-parts.c
tests_unit_test_capture_SOURCES = tests/unit/test-capture.c
