# src/run/local.mk - the run stage's sources in the library (included by Makefile.am).
src_libdemuxsim_la_SOURCES += \
	src/run/frames.c \
	src/run/merge.c \
	src/run/merge-int.h \
	src/run/merge-state.c \
	src/run/partition.c \
	src/run/parts.c \
	src/run/merge-backlog-int.h \
	src/run/merge-backlog.c \
	src/run/pipeline.c \
	src/run/progress-int.h \
	src/run/progress.c \
	src/run/run-int.h \
	src/run/files.c \
	src/run/live-run.c \
	src/run/lookahead.c \
	src/run/spool.c \
	src/run/stop.c \
	src/run/shard.c \
	src/run/split.c
