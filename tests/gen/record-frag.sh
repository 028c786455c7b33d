#!/bin/bash
# record-frag.sh - record captures/frag-veth.pcap: large UDP datagrams
# sent by real sockets over IPv4 and IPv6 between two network namespaces
# joined by a veth pair (MTU 1500), so that the kernels fragment them and
# demuxsim's reassembly can be checked against what the programs did
# (captures/frag-veth.expected.json, written by hand from the programs
# below).
#
# Usage: tests/gen/record-frag.sh [OUTPUT.pcap]     (as root)
#
# Needs root, ip (iproute2), ethtool, tcpdump and python3.  Nothing leaves
# the two namespaces (dmx-fsrv, dmx-fcli; veth dmx-fs / dmx-fc;
# 10.98.0.0/24 and fd00:98::/64).  Checksum offload is off on both ends
# (`ethtool -K tx off`), so the checksums are the real ones.  Every step
# has a time limit, and the namespaces, the veth pair and every process
# started here are removed on exit, failed or not.  The committed capture
# is what the tests use: they never need to record.
#
# The traffic (client 10.98.0.1 / fd00:98::1, server 10.98.0.2 /
# fd00:98::2):
#
#   UDP server bound to 10.98.0.2:5310 echoes 2 datagrams:
#     10.98.0.1:40010 sends 4000 bytes, then 20000 bytes, and reads
#     each echo (every datagram travels as IPv4 fragments both ways)
#   UDP server bound to [fd00:98::2]:5311 echoes 2 datagrams:
#     [fd00:98::1]:40011 sends 4000 bytes, then 20000 bytes (IPv6
#     fragment headers, both ways)
#
# Payload byte i of a datagram of n bytes is (i * 7 + n) mod 251.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/captures/frag-veth.pcap}

NS_S=dmx-fsrv
NS_C=dmx-fcli
IF_S=dmx-fs
IF_C=dmx-fc

ADDR4_S=10.98.0.2/24
ADDR6_S=fd00:98::2/64
ADDR4_C=10.98.0.1/24
ADDR6_C=fd00:98::1/64
prog=record-frag.sh
# shellcheck source=tests/gen/veth-pair.sh
. "$top/tests/gen/veth-pair.sh"

# --- The programs -----------------------------------------------------------
cat > "$work/server.py" <<'EOF'
"""UDP echo server: ADDR PORT N READY-FILE."""
import socket, sys

addr, port, count, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(15)
s.bind((addr, port))
open(ready, "w").close()
for _ in range(count):
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
s.close()
EOF

cat > "$work/client.py" <<'EOF'
"""The client side, in order; every socket binds a fixed port."""
import socket, time

C4, S4, C6, S6 = "10.98.0.1", "10.98.0.2", "fd00:98::1", "fd00:98::2"

def payload(n):
    return bytes((i * 7 + n) % 251 for i in range(n))

def udp(fam, local, dest, sizes):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.bind(local)
    for n in sizes:
        p = payload(n)
        s.sendto(p, dest)
        data, _ = s.recvfrom(65535)
        assert data == p, (len(data), n)
        time.sleep(0.1)
    s.close()

udp(socket.AF_INET, (C4, 40010), (S4, 5310), [4000, 20000])
udp(socket.AF_INET6, (C6, 40011), (S6, 5311), [4000, 20000])
time.sleep(0.3)
EOF

# --- Recording ----------------------------------------------------------------
ip netns exec "$NS_S" timeout 60 tcpdump -i "$IF_S" -s 0 -U -Z root -w "$work/capture.pcap" \
	2> "$work/tcpdump.err" &
pids+=($!)
wait_for "$work/tcpdump.err" "listening on"
sleep 0.5

ip netns exec "$NS_S" timeout 30 python3 "$work/server.py" 10.98.0.2 5310 2 "$work/udp4.ready" &
pids+=($!); udp4=$!
ip netns exec "$NS_S" timeout 30 python3 "$work/server.py" fd00:98::2 5311 2 "$work/udp6.ready" &
pids+=($!); udp6=$!
for r in udp4 udp6; do
	wait_for "$work/$r.ready"
done

in_c timeout 30 python3 "$work/client.py"
for pid in "$udp4" "$udp6"; do
	wait "$pid"
done
sleep 1

kill -TERM "${pids[0]}"   # (background jobs ignore SIGINT)
wait "${pids[0]}" || true
grep -E 'packets (captured|dropped by kernel)' "$work/tcpdump.err" >&2 || true
if grep -qE '^[1-9][0-9]* packets dropped by kernel' "$work/tcpdump.err"; then
	echo "record-frag.sh: tcpdump dropped packets" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
cp "$work/capture.pcap" "$out"
echo "record-frag.sh: wrote $out" >&2
