# src/decode/local.mk - the decode stage's sources in the library (included by Makefile.am).
src_libdemuxsim_la_SOURCES += \
	src/decode/decode-int.h \
	src/decode/datagram.c \
	src/decode/icmp.c \
	src/decode/ip-l4.c \
	src/decode/ipv4.c \
	src/decode/ipv6.c \
	src/decode/link.c \
	src/decode/link-80211.c \
	src/decode/link-ethertype.c \
	src/decode/link-nflog.c \
	src/decode/link-ppp.c \
	src/decode/packet.c \
	src/decode/reasm.c \
	src/decode/summary.c \
	src/decode/transport.c \
	src/decode/tunnel.c \
	src/decode/tunnel-ports.c
