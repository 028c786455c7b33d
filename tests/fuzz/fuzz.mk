# tests/fuzz/fuzz.mk - the libFuzzer targets, built with clang under
# AddressSanitizer and UndefinedBehaviorSanitizer from the library sources.
# Run through `make fuzz` (which passes the paths and flags below) from a
# configured tree; `make fuzz-run` then runs each target for FUZZ_SECONDS.

CLANG ?= clang
top_srcdir ?= ../..
top_builddir ?= ../..
# The library's sources relative to top_srcdir, its compiler flags and
# libraries (make fuzz passes Makefile.am's).
LIB_SOURCES ?= $(patsubst $(top_srcdir)/%,%,$(filter-out $(top_srcdir)/src/cli/%,$(wildcard $(top_srcdir)/src/*/*.c)))
DEPS_CFLAGS ?= $(shell pkg-config --cflags glib-2.0 json-glib-1.0 libpcap)
DEPS_LIBS ?= $(shell pkg-config --libs glib-2.0 json-glib-1.0 libpcap)

SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -g -O1 \
	-I$(top_srcdir)/include -I$(top_builddir) $(DEPS_CFLAGS) -Wno-error $(SAN)
LIB = $(addprefix $(top_srcdir)/,$(filter %.c,$(LIB_SOURCES)))
HEADERS = $(wildcard $(top_srcdir)/include/demuxsim/*.h $(top_srcdir)/src/*/*.h)

all: fuzz-frame fuzz-capture fuzz-limits mkseeds

fuzz-frame: $(top_srcdir)/tests/fuzz/fuzz-frame.c $(LIB) $(HEADERS)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(LIB) $(DEPS_LIBS) -o $@

fuzz-capture: $(top_srcdir)/tests/fuzz/fuzz-capture.c $(LIB) $(HEADERS)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(LIB) $(DEPS_LIBS) -o $@

# The same with reassembly and tiny limits (see fuzz-capture.c).
fuzz-limits: $(top_srcdir)/tests/fuzz/fuzz-capture.c $(LIB) $(HEADERS)
	$(CLANG) $(FUZZ_CFLAGS) -DFUZZ_LIMITS -fsanitize=fuzzer $< $(LIB) $(DEPS_LIBS) -o $@

mkseeds: $(top_srcdir)/tests/fuzz/mkseeds.c $(LIB) $(HEADERS)
	$(CLANG) $(FUZZ_CFLAGS) $< $(LIB) $(DEPS_LIBS) -o $@

clean:
	rm -f fuzz-frame fuzz-capture fuzz-limits mkseeds

.PHONY: all clean
