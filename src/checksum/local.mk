# src/checksum/local.mk - the checksum stage's sources in the library (included by Makefile.am).
src_libdemuxsim_la_SOURCES += \
	src/checksum/checksum.c
