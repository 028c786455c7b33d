# src/capture/local.mk - the capture stage's sources in the library (included by Makefile.am).
src_libdemuxsim_la_SOURCES += \
	src/capture/capture.c \
	src/capture/bulk-read.c \
	src/capture/capture-int.h \
	src/capture/capture-wtap.c \
	src/capture/pcapng-clamp.c \
	src/capture/record.c \
	src/capture/dump.c \
	src/capture/live.c
