# src/report/local.mk - the report stage's sources in the library (included by Makefile.am).
src_libdemuxsim_la_SOURCES += \
	src/report/json-writer-int.h \
	src/report/json-writer.c \
	src/report/report-compact-int.h \
	src/report/report-compact.c \
	src/report/report-csv.c \
	src/report/report-dot.c \
	src/report/report-errors.c \
	src/report/report-explain-binary.c \
	src/report/report-explain-int.h \
	src/report/report-explain.c \
	src/report/report-fields.c \
	src/report/report-format-int.h \
	src/report/report-format.c \
	src/report/report-html.c \
	src/report/report-html-data.c \
	src/report/report-html-diagram.c \
	src/report/report-html-int.h \
	src/report/report-html-page.c \
	src/report/report-int.h \
	src/report/report-jsonl.c \
	src/report/report-ladder.c \
	src/report/report-link.c \
	src/report/report-live.c \
	src/report/report-progress.c \
	src/report/report-merge.c \
	src/report/report-reasm-int.h \
	src/report/report-reasm.c \
	src/report/report-shard.c \
	src/report/report-svg.c \
	src/report/report-tables-int.h \
	src/report/report-tables.c \
	src/report/report-tui.c \
	src/report/report-verbose-int.h \
	src/report/report-verbose.c \
	src/report/report.c
