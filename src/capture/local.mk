# src/capture/local.mk - the capture stage's sources in the library (included by Makefile.am).
src_libdemuxsim_la_SOURCES += \
	src/capture/capture.c \
	src/capture/dump.c \
	src/capture/live.c
