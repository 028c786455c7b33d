# src/demux/local.mk - the demux stage's sources in the library (included by Makefile.am).
src_libdemuxsim_la_SOURCES += \
	src/demux/demux-backlog-int.h \
	src/demux/demux-backlog.c \
	src/demux/demux-check.c \
	src/demux/demux-declare-int.h \
	src/demux/demux-join.c \
	src/demux/demux-int.h \
	src/demux/demux-key-int.h \
	src/demux/demux-key.c \
	src/demux/demux-limits-int.h \
	src/demux/demux-limits.c \
	src/demux/demux-lists-int.h \
	src/demux/demux-lists.c \
	src/demux/demux-live-int.h \
	src/demux/demux-live.c \
	src/demux/demux-lookup.c \
	src/demux/demux-peers.c \
	src/demux/demux-receive-int.h \
	src/demux/demux-refusal.c \
	src/demux/demux-socket.c \
	src/demux/demux-table-int.h \
	src/demux/demux-table.c \
	src/demux/demux-tcp-int.h \
	src/demux/demux-tcp.c \
	src/demux/demux.c \
	src/demux/evidence.c \
	src/demux/hash-index-int.h \
	src/demux/hash-index.c \
	src/demux/sockets-entry-int.h \
	src/demux/sockets-entry.c \
	src/demux/sockets-file.c \
	src/demux/sockets-ss.c
