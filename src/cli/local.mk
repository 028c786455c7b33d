# src/cli/local.mk - the command line: option parsing and subcommands (included by Makefile.am).
src_demuxsim_SOURCES = \
	src/cli/cli-calls-int.h \
	src/cli/cli-calls.c \
	src/cli/cli-checksum.c \
	src/cli/cli-explain.c \
	src/cli/cli-int.h \
	src/cli/cli-limits-int.h \
	src/cli/cli-live-int.h \
	src/cli/cli-live.c \
	src/cli/cli-limits.c \
	src/cli/cli-merge.c \
	src/cli/cli-partition.c \
	src/cli/cli-options.c \
	src/cli/cli-reasm-int.h \
	src/cli/cli-reasm.c \
	src/cli/cli-screen-int.h \
	src/cli/cli-screen.c \
	src/cli/cli-ss-int.h \
	src/cli/cli-ss.c \
	src/cli/cli-stack-int.h \
	src/cli/cli-stack.c \
	src/cli/cli-trace-int.h \
	src/cli/cli-trace.c \
	src/cli/cli-tunnel-int.h \
	src/cli/cli-tunnel.c \
	src/cli/main.c
