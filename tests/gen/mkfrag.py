#!/usr/bin/env python3
"""mkfrag.py OUTDIR - write the reassembly regression captures of
tests/regress (run: tests/gen/mkfrag.py tests/regress): first fragments (MF set, offset 0, 256 data bytes) of ten
datagrams with different identifications, one family only, as raw IP
(LINKTYPE_RAW) pcap files.  Run with --reasm-memory 1000 (their .args),
they once crashed the eviction (src/reasm.c make_room)."""
import struct
import sys

V4_SRC, V4_DST = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
V6_SRC = bytes.fromhex("20010db8000000000000000000000001")
V6_DST = bytes.fromhex("20010db8000000000000000000000002")


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


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
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for i, p in enumerate(packets):
            f.write(struct.pack("<IIII", 1700000000, i, len(p), len(p)))
            f.write(p)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    write(out + "/reasm-evict-v4-only.pcap", [v4_first(0x100 + i) for i in range(10)])
    write(out + "/reasm-evict-v6-only.pcap", [v6_first(0x100 + i) for i in range(10)])


main()
