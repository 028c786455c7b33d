#!/usr/bin/env python3
"""mkfrag.py OUTDIR - write the reassembly regression captures of
tests/regress (run: tests/gen/mkfrag.py tests/regress): first fragments (MF set, offset 0, 256 data bytes) of ten
datagrams with different identifications, one family only, as raw IP
(LINKTYPE_RAW) pcap files.  Run with --reasm-memory 1000 (their .args),
they once crashed the eviction (src/reasm.c make_room)."""
import struct
import sys

from pktlib import LINKTYPE_RAW, csum, write_pcap

V4_SRC, V4_DST = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
V6_SRC = bytes.fromhex("20010db8000000000000000000000001")
V6_DST = bytes.fromhex("20010db8000000000000000000000002")


def data():
    # A UDP header (12345 -> 53, a 3008-byte datagram) and payload.
    return struct.pack("!HHHH", 12345, 53, 3008, 0) + bytes(i * 7 & 0xff for i in range(248))


def v4_first(ident):
    payload = data()
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x2000,
                      64, 17, 0, V4_SRC, V4_DST)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def v6_first(ident):
    payload = data()
    frag = struct.pack("!BBHI", 17, 0, 0x0001, ident)
    hdr = struct.pack("!IHBB16s16s", 0x60000000, len(frag) + len(payload), 44, 64,
                      V6_SRC, V6_DST)
    return hdr + frag + payload


def write(path, packets):
    write_pcap(path, LINKTYPE_RAW, [(1700000000, i, p) for i, p in enumerate(packets)])


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    write(out + "/reasm-evict-v4-only.pcap", [v4_first(0x100 + i) for i in range(10)])
    write(out + "/reasm-evict-v6-only.pcap", [v6_first(0x100 + i) for i in range(10)])


main()
