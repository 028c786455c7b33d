#!/usr/bin/env python3
"""mksynflood.py OUT [SYNS [CLIENTS [USEC]]] - write a mixed SYN flood to the pcap
OUT (raw IPv4, LINKTYPE_RAW), as tests/cli/test-backlog reads it: SYNS
spoofed SYNs (default 1000) to 10.9.0.1:80 from 198.18.0.0/15 sources,
none answered, and CLIENTS (default 5) real clients 192.0.2.10+ that each
complete a handshake, send a request, get an answer and close (client FIN
first: the server's end ends CLOSED).  The first client comes before the
first spoofed SYN; the others after every SYNS / (CLIENTS - 1) of them,
the last after the last one.  One frame every USEC microseconds
(default 10)."""
import sys

from pktlib import LINKTYPE_RAW, tcp4_segment, write_pcap

SRV, SPORT = bytes([10, 9, 0, 1]), 80
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10


def client(n):
    cli, cport = bytes([192, 0, 2, 10 + n]), 40000 + n
    c, s = 1000 * (n + 1), 900000 + 7 * n
    req, resp = b"GET /%d" % n, b"200 OK"

    def c2s(f, seq, ack, data=b""):
        return tcp4_segment(cli, SRV, cport, SPORT, f, seq, ack, data)

    def s2c(f, seq, ack, data=b""):
        return tcp4_segment(SRV, cli, SPORT, cport, f, seq, ack, data)
    c1, s1 = c + 1, s + 1
    c2, s2 = c1 + len(req), s1 + len(resp)
    return [
        c2s(SYN, c, 0), s2c(SYN | ACK, s, c1), c2s(ACK, c1, s1),
        c2s(PSH | ACK, c1, s1, req), s2c(PSH | ACK, s1, c2, resp),
        c2s(FIN | ACK, c2, s2), s2c(FIN | ACK, s2, c2 + 1), c2s(ACK, c2 + 1, s2 + 1),
    ]


def spoofed(i):
    x = (i * 2654435761) & 0xffffffff
    src = bytes([198, 18 + (i >> 16 & 1), i >> 8 & 0xff, i & 0xff])
    return tcp4_segment(src, SRV, 1024 + x % 60000, SPORT, SYN, x, 0)


def frames(syns, clients):
    out = client(0)
    every = syns // max(clients - 1, 1)
    n = 1
    for i in range(syns):
        out.append(spoofed(i))
        if n < clients and (i + 1) % every == 0:
            out += client(n)
            n += 1
    while n < clients:
        out += client(n)
        n += 1
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: mksynflood.py OUT [SYNS [CLIENTS [USEC]]]")
    syns = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    clients = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    usec = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    write_pcap(sys.argv[1], LINKTYPE_RAW,
               [(1700000000 + usec * i // 1000000, usec * i % 1000000, p)
                for i, p in enumerate(frames(syns, clients))])


main()
