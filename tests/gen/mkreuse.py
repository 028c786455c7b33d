#!/usr/bin/env python3
"""mkreuse.py OUTDIR - write OUTDIR/reuse.pcap (Ethernet), the sockets
file OUTDIR/reuse.ini it is read with, and its truth,
OUTDIR/reuse.pcap.lookup.tsv (run: tests/gen/mkreuse.py captures).

The lookup rules of a Linux host beyond the textbook one, one small case
each: a UDP socket on the host's address beside one on the wildcard; a
connected UDP socket beside a wildcard one; an IPv6 wildcard taking IPv4
(dual stack) for UDP and TCP, and one declared v6only refusing it; an
AF_INET socket beside a dual-stack one on one port; a SO_REUSEPORT group
(several flows, each sending three datagrams); a listener on the host's
address beside one on the wildcard.  web1 is one host with an IPv4 and an
IPv6 address (a named group); 198.51.100.7 is a host of one address.

The truth has one row per segment: frame, action (delivered, spawned,
refused), lookup, the local endpoint of the socket that took it (for a
SYN: the listener that spawned the child; '-' when refused), and the
flow's name when it went to a reuseport group ('-' otherwise): all the
frames of one flow must reach one member, and the flows more than one.
Which member takes which flow is not in the truth: Linux draws its hash
secret at random."""
import os
import struct
import sys

from pktlib import LINKTYPE_ETHERNET, csum, write_pcap

CLI = bytes([192, 0, 2, 1])
CLI6 = bytes.fromhex("20010db8000000000000000000000001")
WEB4 = bytes([198, 51, 100, 2])
WEB6 = bytes.fromhex("20010db8000000000000000000000002")
SRV = bytes([198, 51, 100, 7])
MAC_A, MAC_B = bytes.fromhex("02005e100001"), bytes.fromhex("02005e100002")

INI = """# reuse.ini - the sockets of the hosts in reuse.pcap (tests/gen/mkreuse.py):
#
#   demuxsim --sockets captures/reuse.ini -r captures/reuse.pcap
#
# web1 is one host with two addresses: its IPv6 wildcard sockets take
# IPv4 too (as ::ffff:198.51.100.2) unless declared v6only.
[web1]
addresses = 198.51.100.2, 2001:db8::2
# QUIC on the dual stack; DNS with an IPv4 socket beside a dual-stack one
# (SO_REUSEADDR on both lets them share the port; IPv4 prefers AF_INET);
# mDNS-like workers in a SO_REUSEPORT group of 4.
udp = [::]:443; [::]:53 reuseaddr; 0.0.0.0:53 reuseaddr; 0.0.0.0:5353*4
# A dual-stack listener, and one that is IPv6 only.
tcp = [::]:8443; [::]:9443 v6only

# A host of one address.
[198.51.100.7]
# A socket on the host's address beside one on the wildcard; a connected
# socket beside a wildcard one.
udp = *:53 reuseaddr; 53 reuseaddr; *:5000
udp-connected = 5000>192.0.2.1:6000
# Listeners on the host's address and on the wildcard (reuseport on both:
# Linux refuses the pair without it).
tcp = 80 reuseport; *:80 reuseport
"""


def pseudo(src, dst, proto, length):
    if len(src) == 4:
        return src + dst + struct.pack("!BBH", 0, proto, length)
    return src + dst + struct.pack("!IxxxB", length, proto)


def udp(src, dst, sport, dport, data):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(pseudo(src, dst, 17, len(u)) + u) or 0xffff
    return u[:6] + struct.pack("!H", c) + u[8:]


def tcp(src, dst, sport, dport, flags, seq, ack=0):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    c = csum(pseudo(src, dst, 6, len(t)) + t)
    return t[:16] + struct.pack("!H", c) + t[18:]


def ip(src, dst, proto, payload):
    if len(src) == 16:
        return struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto, 64, src, dst) + payload
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0,
                    src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def frame(src, dst, proto, l4):
    et = 0x86dd if len(src) == 16 else 0x0800
    f = MAC_B + MAC_A + struct.pack("!H", et) + ip(src, dst, proto, l4)
    return f + b"\0" * max(0, 60 - len(f))


SYN, ACK = 0x02, 0x10


def main():
    out = sys.argv[1]
    frames, truth = [], []

    def u(src, sport, dst, dport, action, lookup, local, flow="-"):
        frames.append(frame(src, dst, 17, udp(src, dst, sport, dport, b"q" * 12)))
        truth.append((len(frames), action, lookup, local, flow))

    def syn(src, sport, dst, dport, action, lookup, local):
        frames.append(frame(src, dst, 6, tcp(src, dst, sport, dport, SYN, 1000)))
        truth.append((len(frames), action, lookup, local, "-"))

    # Specific beside wildcard, connected beside wildcard.
    u(CLI, 40000, SRV, 53, "delivered", "bound", "198.51.100.7:53")
    u(CLI, 6000, SRV, 5000, "delivered", "exact", "198.51.100.7:5000")
    u(CLI, 6001, SRV, 5000, "delivered", "wildcard-bound", "0.0.0.0:5000")
    # The dual stack: IPv4 and IPv6 to [::]:443.
    u(CLI, 40001, WEB4, 443, "delivered", "dual-stack-bound", "[::]:443")
    u(CLI6, 40001, WEB6, 443, "delivered", "wildcard-bound", "[::]:443")
    # AF_INET beside the dual stack on port 53.
    u(CLI, 40002, WEB4, 53, "delivered", "wildcard-bound", "0.0.0.0:53")
    u(CLI6, 40002, WEB6, 53, "delivered", "wildcard-bound", "[::]:53")
    # The dual-stack listener takes an IPv4 SYN; the v6only one does not.
    syn(CLI, 41000, WEB4, 8443, "spawned", "dual-stack-listener", "[::]:8443")
    syn(CLI6, 41000, WEB6, 9443, "spawned", "wildcard-listener", "[::]:9443")
    syn(CLI, 41001, WEB4, 9443, "refused", "none", "-")
    # Listeners: the host's address beats the wildcard.
    syn(CLI, 41002, SRV, 80, "spawned", "listener", "198.51.100.7:80")
    # The reuseport group: 12 flows, three datagrams each, interleaved.
    for rep in range(3):
        for i in range(12):
            u(CLI, 50000 + i, WEB4, 5353, "delivered", "wildcard-bound", "0.0.0.0:5353",
              "flow%d" % i)

    write_pcap(os.path.join(out, "reuse.pcap"), LINKTYPE_ETHERNET,
               [(1700000000 + i, 0, fr) for i, fr in enumerate(frames)])
    with open(os.path.join(out, "reuse.ini"), "w") as f:
        f.write(INI)
    with open(os.path.join(out, "reuse.pcap.lookup.tsv"), "w") as f:
        f.write("# frame\taction\tlookup\tlocal\tflow (tests/gen/mkreuse.py)\n")
        for row in truth:
            f.write("\t".join(str(x) for x in row) + "\n")


main()
