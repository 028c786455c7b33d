#!/bin/bash
# record-veth.sh - record captures/veth-ns.pcap: traffic between real
# sockets, in two network namespaces joined by a veth pair, so that
# demuxsim can be checked against what the programs that made it imply
# (captures/veth-ns.expected.json, written by hand from the behaviour
# below; captures/veth-ns-declared.expected.json for a run with
# --sockets captures/veth-ns.ini, which declares the sockets the programs
# bind).
#
# Usage: tests/gen/record-veth.sh [OUTPUT.pcap]     (as root)
#
# Needs root, ip (iproute2), ethtool, tcpdump and python3.  Nothing leaves
# the two namespaces (dmx-srv, dmx-cli; veth dmx-s / dmx-c; 10.99.0.0/24
# and fd00:99::/64).  Checksum offload is off on both ends, so the
# checksums in the capture are the real ones, not offload partials.  Every
# step has a time limit (the whole run takes a few seconds), and the
# namespaces, the veth pair and every process started here are removed
# on exit, failed or not.  The committed capture is what CI uses: tests
# never need to record.
#
# The traffic (client 10.99.0.1 / fd00:99::1, server 10.99.0.2 /
# fd00:99::2; every client socket binds a fixed port so that the expected
# tables can be written down):
#
#   UDP server bound to 10.99.0.2:5300, echoes 3 datagrams:
#     10.99.0.1:40001 sends "ping-1\n" and "ping-2\n", 10.99.0.1:40002
#     sends "ping-3\n"; each gets its echo
#   10.99.0.1:40003 -> 10.99.0.2:5399 (nobody there: ICMP port unreachable)
#   UDP server on the wildcard [::]:5301 (IPv6 only), echoes 1 datagram:
#     [fd00:99::1]:40004 sends "ping-6\n" and gets its echo
#   [fd00:99::1]:40005 -> [fd00:99::2]:5398 (ICMPv6 port unreachable)
#   TCP server listening on 10.99.0.2:8080, accepts 2 connections, echoes
#   what it reads; closes when the data holds "QUIT" or the client closed:
#     10.99.0.1:41001 sends "hello-1 QUIT\n": the server closes first
#     10.99.0.1:41002 sends "hello-2\n", reads the echo, closes first
#   10.99.0.1:41003 -> 10.99.0.2:8099 SYN (closed: RST+ACK)
#   TCP server listening on the wildcard [::]:8081, accepts 1 connection:
#     [fd00:99::1]:41004 sends "hello-6\n", reads the echo, closes first
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/captures/veth-ns.pcap}

NS_S=dmx-srv
NS_C=dmx-cli
IF_S=dmx-s
IF_C=dmx-c

ADDR4_S=10.99.0.2/24
ADDR6_S=fd00:99::2/64
ADDR4_C=10.99.0.1/24
ADDR6_C=fd00:99::1/64
prog=record-veth.sh
# shellcheck source=tests/gen/veth-pair.sh
. "$top/tests/gen/veth-pair.sh"

# --- The programs -----------------------------------------------------------
cat > "$work/server.py" <<'EOF'
"""Servers with real sockets: udp ADDR PORT N | tcp ADDR PORT N (READY-FILE last)."""
import socket, sys

kind, addr, port, count, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET

def mark_ready():
    open(ready, "w").close()

if kind == "udp":
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.settimeout(15)
    s.bind((addr, port))
    mark_ready()
    for _ in range(count):
        data, peer = s.recvfrom(2048)
        s.sendto(data, peer)
    s.close()
else:
    l = socket.socket(fam, socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    l.settimeout(15)
    l.bind((addr, port))
    l.listen(8)
    mark_ready()
    for _ in range(count):
        c, _peer = l.accept()
        c.settimeout(15)
        seen = b""
        while True:
            data = c.recv(2048)
            if not data:          # the client closed first
                break
            c.sendall(data)
            seen += data
            if b"QUIT" in seen:   # asked to close first
                break
        c.close()
    l.close()
EOF

cat > "$work/client.py" <<'EOF'
"""The client side, in order; every socket binds a fixed port."""
import socket, time

C4, S4, C6, S6 = "10.99.0.1", "10.99.0.2", "fd00:99::1", "fd00:99::2"

def udp(fam, local, dest, payloads, expect_reply=True):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.bind(local)
    for p in payloads:
        s.sendto(p, dest)
        if expect_reply:
            data, _ = s.recvfrom(2048)
            assert data == p, (data, p)
    if not expect_reply:
        time.sleep(0.3)   # let the ICMP error come back
    s.close()

def tcp(fam, local, dest, payload, client_closes_first):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(5)
    s.bind(local)
    s.connect(dest)
    s.sendall(payload)
    got = b""
    while len(got) < len(payload):
        data = s.recv(2048)
        assert data, "connection closed before the echo"
        got += data
    assert got == payload, (got, payload)
    if not client_closes_first:
        assert s.recv(2048) == b""   # the server's FIN
    s.close()
    time.sleep(0.3)   # the rest of the close goes on in the kernels

udp(socket.AF_INET, (C4, 40001), (S4, 5300), [b"ping-1\n", b"ping-2\n"])
udp(socket.AF_INET, (C4, 40002), (S4, 5300), [b"ping-3\n"])
udp(socket.AF_INET, (C4, 40003), (S4, 5399), [b"nobody-home\n"], expect_reply=False)
udp(socket.AF_INET6, (C6, 40004), (S6, 5301), [b"ping-6\n"])
udp(socket.AF_INET6, (C6, 40005), (S6, 5398), [b"nobody-home\n"], expect_reply=False)

tcp(socket.AF_INET, (C4, 41001), (S4, 8080), b"hello-1 QUIT\n", client_closes_first=False)
tcp(socket.AF_INET, (C4, 41002), (S4, 8080), b"hello-2\n", client_closes_first=True)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(5)
s.bind((C4, 41003))
try:
    s.connect((S4, 8099))
    raise SystemExit("connected to a closed port?")
except ConnectionRefusedError:
    pass
s.close()
tcp(socket.AF_INET6, (C6, 41004), (S6, 8081), b"hello-6\n", client_closes_first=True)
time.sleep(0.5)
EOF

# --- Recording ----------------------------------------------------------------
ip netns exec "$NS_S" timeout 60 tcpdump -i "$IF_S" -s 0 -U -Z root -w "$work/capture.pcap" \
	2> "$work/tcpdump.err" &
pids+=($!)
wait_for "$work/tcpdump.err" "listening on"
sleep 0.5

ip netns exec "$NS_S" timeout 30 python3 "$work/server.py" udp 10.99.0.2 5300 3 "$work/udp4.ready" &
pids+=($!); udp4=$!
ip netns exec "$NS_S" timeout 30 python3 "$work/server.py" udp :: 5301 1 "$work/udp6.ready" &
pids+=($!); udp6=$!
ip netns exec "$NS_S" timeout 30 python3 "$work/server.py" tcp 10.99.0.2 8080 2 "$work/tcp4.ready" &
pids+=($!); tcp4=$!
ip netns exec "$NS_S" timeout 30 python3 "$work/server.py" tcp :: 8081 1 "$work/tcp6.ready" &
pids+=($!); tcp6=$!
for r in udp4 udp6 tcp4 tcp6; do
	wait_for "$work/$r.ready"
done

in_c timeout 30 python3 "$work/client.py"
for pid in "$udp4" "$udp6" "$tcp4" "$tcp6"; do
	wait "$pid"
done
sleep 1

kill -TERM "${pids[0]}"   # (background jobs ignore SIGINT)
wait "${pids[0]}" || true
grep -E 'packets (captured|dropped by kernel)' "$work/tcpdump.err" >&2 || true
if grep -qE '^[1-9][0-9]* packets dropped by kernel' "$work/tcpdump.err"; then
	echo "record-veth.sh: tcpdump dropped packets" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
cp "$work/capture.pcap" "$out"
echo "record-veth.sh: wrote $out" >&2
