# src/explain/local.mk - the explain stage's sources in the library (included by Makefile.am).
src_libdemuxsim_la_SOURCES += \
	src/explain/explain-diagnose.c \
	src/explain/explain-int.h \
	src/explain/explain.c
