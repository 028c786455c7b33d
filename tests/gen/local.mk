# tests/gen/local.mk - the generators of test inputs (included by
# Makefile.am): gencap writes captures/ and their truth files, genhostile
# the damaged captures of test-hostile, benchgen the seeded workloads that
# test-flood, test-shard, test-threads, test-pictures and `make bench` run.
# They build packets with wire.h.  They write the truth the library is
# checked against, so none of them links the library: their LDADD differs
# from the default on purpose.
gen_programs = tests/gen/gencap tests/gen/genhostile tests/gen/benchgen
tests_gen_gencap_SOURCES = tests/gen/gencap.c tests/gen/wire.h
tests_gen_gencap_LDADD = $(GLIB_LIBS)
tests_gen_genhostile_SOURCES = tests/gen/genhostile.c tests/gen/wire.h
tests_gen_genhostile_LDADD = $(GLIB_LIBS)
tests_gen_benchgen_SOURCES = tests/gen/benchgen.c tests/gen/benchgen-flood.c \
	tests/gen/benchgen-flood.h tests/gen/wire.h
tests_gen_benchgen_LDADD =
# Recording the captures of real traffic (as root, not part of check), the
# reassembly regression captures, the README's diagram.  The textbook
# socket programs of tests/gen/teach/ are compiled by record-teaching.sh
# only: make never builds them.
EXTRA_DIST += tests/gen/record-veth.sh tests/gen/record-frag.sh tests/gen/veth-pair.sh \
	tests/gen/mkfrag.py tests/gen/mksynack.py tests/gen/mksynflood.py tests/gen/mktunnel.py tests/gen/mkreuse.py tests/gen/pktlib.py tests/gen/make-readme-diagram.sh \
	tests/gen/record-teaching.sh tests/gen/teach/tcp-server.c tests/gen/teach/tcp-client.c \
	tests/gen/teach/udp-echo-server.c tests/gen/teach/udp-echo-client.c \
	tests/gen/teach/calllog.h
