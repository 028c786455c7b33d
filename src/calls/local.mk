# src/calls/local.mk - the calls stage's sources in the library (included by Makefile.am).
src_libdemuxsim_la_SOURCES += \
	src/calls/calls-int.h \
	src/calls/calls-ladder.c \
	src/calls/calls-record.c \
	src/calls/calls-tcp.c \
	src/calls/calls-udp.c \
	src/calls/calls.c
