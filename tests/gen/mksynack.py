#!/usr/bin/env python3
"""mksynack.py OUTDIR - write tests/regress/tcp-synack-after-close.pcap (run:
tests/gen/mksynack.py tests/regress): one TCP connection between
10.0.0.1:40000 and 10.0.0.2:80 as raw IPv4 (LINKTYPE_RAW) frames: the
three-way handshake, 5 bytes of data and its ACK, the client's FIN, the
server's FIN and the last ACK (client TIME-WAIT, server CLOSED), then the
server's SYN-ACK once more, as sent at first.  That SYN-ACK is a
retransmission of the old connection's: it must not make a socket on the
server (tests/regress/tcp-synack-after-close.expected.json is the table,
checked by tests/cli/test-scenarios)."""
import sys

from pktlib import LINKTYPE_RAW, tcp4_segment, write_pcap

CLI, SRV = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
CPORT, SPORT = 40000, 80
FIN, SYN, PSH, ACK = 0x01, 0x02, 0x08, 0x10


def c2s(flags, seq, ack, data=b""):
    return tcp4_segment(CLI, SRV, CPORT, SPORT, flags, seq, ack, data)


def s2c(flags, seq, ack, data=b""):
    return tcp4_segment(SRV, CLI, SPORT, CPORT, flags, seq, ack, data)


def frames():
    c, s = 1000, 5000  # initial sequence numbers
    return [
        c2s(SYN, c, 0),
        s2c(SYN | ACK, s, c + 1),
        c2s(ACK, c + 1, s + 1),
        c2s(PSH | ACK, c + 1, s + 1, b"hello"),
        s2c(ACK, s + 1, c + 6),
        c2s(FIN | ACK, c + 6, s + 1),
        s2c(FIN | ACK, s + 1, c + 7),
        c2s(ACK, c + 7, s + 2),
        s2c(SYN | ACK, s, c + 1),  # the SYN-ACK again
    ]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    write_pcap(out + "/tcp-synack-after-close.pcap", LINKTYPE_RAW,
               [(1700000000, 100000 * i, p) for i, p in enumerate(frames())])


main()
