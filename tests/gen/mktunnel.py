#!/usr/bin/env python3
"""mktunnel.py OUTDIR - write OUTDIR/tunnels.pcap (Ethernet) and its truth,
OUTDIR/tunnels.pcap.tunnels.tsv (run: tests/gen/mktunnel.py captures).

One frame (or two) for each encapsulation demuxsim opens, each carrying
a UDP or TCP segment whose checksum is computed here: VXLAN on 4789 and
8472, Geneve with an option, GTP-U with a sequence number and with an
extension header, Teredo with an origin indication, CAPWAP data, MPLS in
UDP, GRE with a key, transparent Ethernet bridging, ERSPAN type II and
PPTP's enhanced GRE with PPP, IPv4 in IPv4, IPv6 in IPv4, IPv4 in IPv6,
NSH over VXLAN-GPE, VXLAN inside GRE; then a VXLAN header cut by the
capture, an inner datagram cut by it, a Geneve header of version 1, nine
IP-in-IP headers, an inner TCP segment with a wrong checksum; and, second,
an ICMP port unreachable inside VXLAN answering the first inner datagram.

The truth has one row per packet found inside a tunnel: frame, the chain
(kind[:id] joined by '>'), the outcome ("segment" or the skip reason),
then for a segment: proto, src, sport, dst, dport, checksum status."""
import os
import struct
import sys

from pktlib import LINKTYPE_ETHERNET, csum, write_pcap

OUT_A, OUT_B = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
OUT6_A = bytes.fromhex("20010db8000000000000000000000001")
OUT6_B = bytes.fromhex("20010db8000000000000000000000002")
MAC_A, MAC_B = bytes.fromhex("02005e100001"), bytes.fromhex("02005e100002")


def pseudo(src, dst, proto, length):
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!IxxxB", length, proto)


def udp(src, dst, sport, dport, data, zero=False):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = 0 if zero else (csum(pseudo(src, dst, 17, len(u)) + u) or 0xffff)
    return u[:6] + struct.pack("!H", c) + u[8:]


def tcp(src, dst, sport, dport, flags, seq, data=b"", bad=False):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + data
    c = csum(pseudo(src, dst, 6, len(t)) + t) ^ (0x5a5a if bad else 0)
    return t[:16] + struct.pack("!H", c) + t[18:]


def ipv4(src, dst, proto, payload, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                    src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def ipv6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, src, dst) + payload


def eth(payload, etype=0x0800):
    return MAC_B + MAC_A + struct.pack("!H", etype) + payload


def outer_udp(dport, payload, sport=50000):
    return eth(ipv4(OUT_A, OUT_B, 17, udp(OUT_A, OUT_B, sport, dport, payload)))


def outer_ip(proto, payload):
    return eth(ipv4(OUT_A, OUT_B, proto, payload))


def gre(proto, payload, key=None, seq=None):
    flags = (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    h = struct.pack("!HH", flags, proto)
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    return h + payload


def vxlan(vni, payload):
    return struct.pack("!B3xI", 0x08, vni << 8) + payload


def a4(s):
    return bytes(int(x) for x in s.split("."))


def a6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


class Capture:
    def __init__(self):
        self.frames = []   # (bytes, caplen)
        self.truth = []

    def add(self, frame, rows, caplen=None):
        self.frames.append((frame, len(frame) if caplen is None else caplen))
        n = len(self.frames)
        for r in rows:
            self.truth.append("\t".join([str(n)] + [str(x) for x in r]))


def seg_row(chain, proto, src, sport, dst, dport, status="good"):
    return [chain, "segment", proto, src, sport, dst, dport, status]


def inner4_udp(src, dst, sport, dport, data=b"payload"):
    return ipv4(a4(src), a4(dst), 17, udp(a4(src), a4(dst), sport, dport, data))


def inner4_tcp(src, dst, sport, dport, flags=0x02, bad=False, data=b""):
    return ipv4(a4(src), a4(dst), 6, tcp(a4(src), a4(dst), sport, dport, flags, 1000, data, bad))


def inner6_udp(src, dst, sport, dport, data=b"payload6"):
    return ipv6(a6(src), a6(dst), 17, udp(a6(src), a6(dst), sport, dport, data))


def inner6_tcp(src, dst, sport, dport, flags=0x02):
    return ipv6(a6(src), a6(dst), 6, tcp(a6(src), a6(dst), sport, dport, flags, 2000))


def udp_tunnels(c):
    c.add(outer_udp(4789, vxlan(42, eth(inner4_udp("10.0.0.1", "10.0.0.2", 1111, 53, b"query")))),
          [seg_row("vxlan:42", "udp", "10.0.0.1", 1111, "10.0.0.2", 53)])
    icmp_unreachable(c)
    c.add(outer_udp(8472, vxlan(7, eth(inner4_tcp("10.0.0.1", "10.0.0.2", 40000, 80)))),
          [seg_row("vxlan:7", "tcp", "10.0.0.1", 40000, "10.0.0.2", 80)])
    opt = struct.pack("!HBB", 0x0102, 0x03, 1) + b"\x11\x22\x33\x44"  # class, type, 1 word
    gen = struct.pack("!BBHI", len(opt) // 4, 0, 0x6558, 100 << 8) + opt
    c.add(outer_udp(6081, gen + eth(inner6_udp("fd00::1", "fd00::2", 5000, 5001), 0x86dd)),
          [seg_row("geneve:100", "udp", "fd00::1", 5000, "fd00::2", 5001)])
    pdu = inner4_udp("172.16.0.1", "172.16.0.2", 2000, 2001)
    gtp = struct.pack("!BBHIHBB", 0x32, 255, len(pdu) + 4, 0x1234, 7, 0, 0)
    c.add(outer_udp(2152, gtp + pdu),
          [seg_row("gtp-u:4660", "udp", "172.16.0.1", 2000, "172.16.0.2", 2001)])
    pdu = inner4_tcp("172.16.0.3", "172.16.0.4", 3000, 443)
    ext = struct.pack("!BBBB", 1, 0x00, 0x09, 0)   # PDU session container, 1 word, last
    gtp = struct.pack("!BBHIHBB", 0x34, 255, len(pdu) + 8, 99, 0, 0, 0x85) + ext
    c.add(outer_udp(2152, gtp + pdu),
          [seg_row("gtp-u:99", "tcp", "172.16.0.3", 3000, "172.16.0.4", 443)])
    origin = struct.pack("!HH4s", 0x0000, 0x1234 ^ 0xffff, bytes(x ^ 0xff for x in OUT_A))
    c.add(outer_udp(3544, origin + inner6_udp("2001::1", "2001::2", 6000, 6001)),
          [seg_row("teredo", "udp", "2001::1", 6000, "2001::2", 6001)])
    capwap = struct.pack("!II", (2 << 19) | (1 << 9), 0)   # HLEN 2, WBID 1, T 0: Ethernet
    c.add(outer_udp(5247, capwap + eth(inner4_udp("10.1.0.1", "10.1.0.2", 7000, 7001))),
          [seg_row("capwap", "udp", "10.1.0.1", 7000, "10.1.0.2", 7001)])
    label = struct.pack("!I", (100 << 12) | 0x100 | 64)
    c.add(outer_udp(6635, label + inner4_tcp("10.2.0.1", "10.2.0.2", 4000, 22)),
          [seg_row("mpls-udp", "tcp", "10.2.0.1", 4000, "10.2.0.2", 22)])
    # NSH: TTL 63, length 2 words, MD type 2 with no metadata, IPv4 next.
    nsh = struct.pack("!HBBI", (63 << 6) | 2, 0x02, 1, (55 << 8) | 255)
    gpe = struct.pack("!BxxBI", 0x0c, 4, 77 << 8)
    c.add(outer_udp(4790, gpe + nsh + inner4_udp("10.3.0.1", "10.3.0.2", 8000, 8001)),
          [seg_row("vxlan-gpe:77>nsh:55", "udp", "10.3.0.1", 8000, "10.3.0.2", 8001)])


def ip_tunnels(c):
    c.add(outer_ip(47, gre(0x0800, inner4_tcp("10.4.0.1", "10.4.0.2", 5555, 80, bad=True), key=5)),
          [seg_row("gre:5", "tcp", "10.4.0.1", 5555, "10.4.0.2", 80, "bad")])
    c.add(outer_ip(47, gre(0x6558, eth(inner4_udp("10.5.0.1", "10.5.0.2", 9000, 9001)))),
          [seg_row("gre", "udp", "10.5.0.1", 9000, "10.5.0.2", 9001)])
    erspan = struct.pack("!II", (1 << 28) | (0 << 16) | 33, 0)
    c.add(outer_ip(47, gre(0x88be, erspan + eth(inner4_udp("10.6.0.1", "10.6.0.2", 9100, 9101)),
                           seq=1)),
          [seg_row("gre>erspan:33", "udp", "10.6.0.1", 9100, "10.6.0.2", 9101)])
    ppp = b"\xff\x03\x00\x21" + inner4_udp("10.7.0.1", "10.7.0.2", 9200, 9201)
    pptp = struct.pack("!HHHHI", 0x3001, 0x880b, len(ppp), 0x77, 1) + ppp
    c.add(outer_ip(47, pptp),
          [seg_row("gre:119", "udp", "10.7.0.1", 9200, "10.7.0.2", 9201)])
    c.add(outer_ip(4, inner4_udp("10.8.0.1", "10.8.0.2", 9300, 9301)),
          [seg_row("ipv4-in-ip", "udp", "10.8.0.1", 9300, "10.8.0.2", 9301)])
    c.add(outer_ip(41, inner6_tcp("2001:db8:1::1", "2001:db8:1::2", 9400, 443)),
          [seg_row("ipv6-in-ip", "tcp", "2001:db8:1::1", 9400, "2001:db8:1::2", 443)])
    c.add(eth(ipv6(OUT6_A, OUT6_B, 4, inner4_udp("10.9.0.1", "10.9.0.2", 9500, 9501)), 0x86dd),
          [seg_row("ipv4-in-ip", "udp", "10.9.0.1", 9500, "10.9.0.2", 9501)])
    # VXLAN inside GRE: the inner UDP datagram to 4789 is itself a segment.
    v = inner4_udp("10.10.0.1", "10.10.0.2", 50001, 4789,
                   vxlan(9, eth(inner4_udp("10.11.0.1", "10.11.0.2", 9600, 9601))))
    c.add(outer_ip(47, gre(0x0800, v, key=1)),
          [seg_row("gre:1", "udp", "10.10.0.1", 50001, "10.10.0.2", 4789),
           seg_row("gre:1>vxlan:9", "udp", "10.11.0.1", 9600, "10.11.0.2", 9601)])


def damaged(c):
    # The capture cut the frame 4 bytes into the VXLAN header.
    f = outer_udp(4789, vxlan(42, eth(inner4_udp("10.0.0.1", "10.0.0.2", 1112, 53))))
    c.add(f, [["vxlan", "truncated-link"]], caplen=14 + 20 + 8 + 4)
    # Cut inside the inner datagram: its checksum cannot be verified.
    f = outer_udp(4789, vxlan(42, eth(inner4_udp("10.0.0.1", "10.0.0.2", 1113, 53, b"x" * 64))))
    c.add(f, [seg_row("vxlan:42", "udp", "10.0.0.1", 1113, "10.0.0.2", 53, "unverified")],
          caplen=len(f) - 20)
    bad = struct.pack("!BBHI", 0x40, 0, 0x6558, 5 << 8)   # Geneve version 1
    c.add(outer_udp(6081, bad + eth(inner4_udp("10.0.0.1", "10.0.0.2", 1114, 53))),
          [["geneve", "bad-link-header"]])
    # Nine IP-in-IP headers: eight tunnels are opened, the ninth is too deep.
    p = inner4_udp("10.12.0.1", "10.12.0.2", 9700, 9701)
    for _ in range(9):
        p = ipv4(a4("10.12.0.8"), a4("10.12.0.9"), 4, p)
    rows = [["ipv4-in-ip" + ">ipv4-in-ip" * (n - 1), "other-protocol"] for n in range(1, 9)]
    rows.append([">".join(["ipv4-in-ip"] * 8), "link-header-limit"])
    c.add(outer_ip(4, p), rows)


def icmp_unreachable(c):
    # 10.0.0.2 answers frame 1's datagram, inside VXLAN 42 too (its
    # socket is refused: the trace says so, with the answer's frame).
    quoted = inner4_udp("10.0.0.1", "10.0.0.2", 1111, 53, b"query")[:28]
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    inner = ipv4(a4("10.0.0.2"), a4("10.0.0.1"), 1, icmp)
    c.add(outer_udp(4789, vxlan(42, eth(inner)), sport=50001), [["vxlan:42", "icmp-error"]])


def write(outdir, c):
    path = os.path.join(outdir, "tunnels.pcap")
    write_pcap(path, LINKTYPE_ETHERNET,
               [(1700000000 + i, 0, frame, caplen) for i, (frame, caplen) in enumerate(c.frames)])
    with open(path + ".tunnels.tsv", "w") as f:
        f.write("frame\tchain\toutcome\tproto\tsrc\tsport\tdst\tdport\tchecksum\n")
        for line in c.truth:
            f.write(line + "\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    c = Capture()
    udp_tunnels(c)
    ip_tunnels(c)
    damaged(c)
    write(sys.argv[1], c)


if __name__ == "__main__":
    main()
