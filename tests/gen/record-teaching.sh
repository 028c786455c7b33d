#!/bin/bash
# record-teaching.sh - record captures/teaching.pcap: the textbook socket
# programs of tests/gen/teach/ (C, POSIX sockets), run in two network
# namespaces joined by a veth pair, and captures/teaching.calls.log: the
# socket calls they really made, as they logged them, so that the calls
# demuxsim infers from the capture can be checked against the real ones.
#
# Usage: tests/gen/record-teaching.sh [OUTPUT.pcap]     (as root)
#
# The call log goes beside the capture (OUTPUT.calls.log, OUTPUT without
# its .pcap).  Needs root, ip (iproute2), ethtool, tcpdump and a C
# compiler (cc, or $CC).  Nothing leaves the two namespaces (dmx-tsrv,
# dmx-tcli; veth dmx-ts / dmx-tc; 10.97.0.0/24, a subnet no other
# recording uses).  The four programs are compiled into the temporary
# work directory with -std=c11 -Wall -Wextra -Werror
# -D_POSIX_C_SOURCE=200809L (make never builds them).  Checksum offload
# is off on both ends, so the checksums in the capture are the real ones.
# tcpdump runs on the server's end (dmx-ts), with nanosecond timestamps,
# keeping IPv4 TCP, UDP and ICMP only (no ARP, no IPv6 neighbour or
# multicast chatter).  Every step has a time limit (the whole run takes
# a few seconds), and the namespaces, the veth pair and every process
# started here are removed on exit, failed or not.  The committed files
# are what the tests use: they never need to record.
#
# The traffic, in order (client 10.97.0.1, server 10.97.0.2; the client
# ports are the kernel's ephemeral choice, so they differ between runs
# and are in the call log):
#
#   1. TCP.  tcp-server: socket(SOCK_STREAM), setsockopt(SO_REUSEADDR),
#      bind(0.0.0.0:12345), listen(backlog 1), then accept().
#      tcp-client 10.97.0.2: socket(SOCK_STREAM), connect(10.97.0.2:12345)
#      (the 3-way handshake; getsockname() gives its local port).  The
#      server write()s "Hello from the server\n" (22 bytes) and read()s;
#      the client read()s the 22 bytes and close()s first (its FIN); the
#      server's read() returns 0, it close()s the connection (its FIN,
#      ACKed by the client's kernel) and the listener.
#   2. UDP.  udp-echo-server 2: socket(SOCK_DGRAM), bind(0.0.0.0:12346),
#      then twice recvfrom() and sendto() the datagram back.
#      udp-echo-client 10.97.0.2: socket(SOCK_DGRAM), no bind() (the first
#      sendto() binds an ephemeral port on 0.0.0.0), sendto() "echo-1\n",
#      recvfrom() its echo, sendto() "echo-2\n", recvfrom() its echo,
#      close(); the server close()s after its second sendto().
#   3. A closed port.  tcp-client 10.97.0.2 12399: socket(SOCK_STREAM),
#      connect(10.97.0.2:12399): the SYN is answered by RST+ACK (nobody
#      listens there), connect() fails with ECONNREFUSED, which the client
#      logs; it close()s the socket and exits 0.
#
# The call log: one line per socket call, sorted by TIME (the order the
# calls were made in), fields separated by one space:
#
#   HOST TIME PROGRAM CALL ARGS RESULT [DETAIL...] took=NS
#
#   HOST     the program's host: 10.97.0.2 (tcp-server, udp-echo-server)
#            or 10.97.0.1 (tcp-client, udp-echo-client); the programs'
#            own log lines are the rest of the line (they never see HOST)
#   TIME     CLOCK_REALTIME in nanoseconds, read just before the call
#            (the clock the capture's timestamps come from)
#   PROGRAM  tcp-server, tcp-client, udp-echo-server or udp-echo-client
#   CALL     socket, setsockopt, bind, listen, accept, connect, write,
#            read, sendto, recvfrom or close
#   ARGS     one token without spaces (fd=N: the socket's descriptor; 3 is
#            the program's log file, so the first socket is 4):
#              socket       SOCK_STREAM or SOCK_DGRAM (always AF_INET)
#              setsockopt   fd=N,SO_REUSEADDR=1
#              bind         fd=N,ADDR:PORT   the address bound (0.0.0.0:
#                                            INADDR_ANY)
#              listen       fd=N,backlog=B
#              connect      fd=N,ADDR:PORT   the server
#              sendto       fd=N,ADDR:PORT   the destination
#              accept, write, read, recvfrom, close: fd=N
#   RESULT   fd=M for socket and accept (the new descriptor); the byte
#            count for write, read, sendto and recvfrom (read 0: end of
#            stream, the peer's FIN); 0 for the others; the errno name
#            (ECONNREFUSED) when the call failed
#   DETAIL   key=value: peer=ADDR:PORT on accept (the client) and recvfrom
#            (the sender); local=ADDR:PORT on a successful connect and on
#            the UDP client's first sendto: getsockname() right after the
#            call, i.e. what the kernel bound implicitly (0.0.0.0:PORT for
#            the unconnected UDP socket, bound to the wildcard)
#   took=NS  how long the call took, in nanoseconds: it returned at
#            TIME+NS (the lines with local= include the getsockname())
#
# In the committed capture each frame a call sent (a SYN in connect, the
# message in write, a FIN in close, a datagram in sendto) is stamped
# within [TIME, TIME+took] of that call, and a call that waited (accept,
# connect, the server's read that returned 0, the server's recvfrom)
# spans the frame that ended its wait.  An echo can arrive while the
# client's sendto is still returning, before its recvfrom is called: that
# recvfrom then spans no frame.
#
# For example (lines of the committed log):
#   10.97.0.2 1796236236437547829 tcp-server bind fd=4,0.0.0.0:12345 0 took=44243
#   10.97.0.2 1796236236437683744 tcp-server accept fd=4 fd=5 peer=10.97.0.1:42368 took=105042559
#   10.97.0.1 1796236236542390914 tcp-client connect fd=4,10.97.0.2:12345 0 local=10.97.0.1:42368 took=227627
#   10.97.0.2 1796236236542846899 tcp-server read fd=5 0 took=315642
#   10.97.0.1 1796236237275071797 tcp-client connect fd=4,10.97.0.2:12399 ECONNREFUSED took=180689
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/captures/teaching.pcap}
calls_out=${out%.pcap}.calls.log

NS_S=dmx-tsrv
NS_C=dmx-tcli
IF_S=dmx-ts
IF_C=dmx-tc

ADDR4_S=10.97.0.2/24
ADDR6_S=fd00:97::2/64
ADDR4_C=10.97.0.1/24
ADDR6_C=fd00:97::1/64
prog=record-teaching.sh
CC=${CC:-cc}
command -v "$CC" >/dev/null || { echo "$prog: $CC not found" >&2; exit 77; }
# shellcheck source=tests/gen/veth-pair.sh
. "$top/tests/gen/veth-pair.sh"

S=${ADDR4_S%/*}
C=${ADDR4_C%/*}

# --- The programs -----------------------------------------------------------
for p in tcp-server tcp-client udp-echo-server udp-echo-client; do
	"$CC" -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -O2 \
		-o "$work/$p" "$top/tests/gen/teach/$p.c"
done

# --- Recording ----------------------------------------------------------------
# (Background jobs run ip directly, not in_s: then $! is the process that
# becomes timeout, and killing it stops what it runs.)
ip netns exec "$NS_S" timeout 60 tcpdump -i "$IF_S" -s 0 -U -Z root --time-stamp-precision=nano \
	-w "$work/capture.pcap" 'ip and (tcp or udp or icmp)' 2> "$work/tcpdump.err" &
pids+=($!)
wait_for "$work/tcpdump.err" "listening on"
sleep 0.5

# Each host's programs run one after another and append to its log.
srv_log=(env "TEACH_LOG=$work/server.log")
cli_log=(env "TEACH_LOG=$work/client.log")

# 1. TCP: the exchange on :12345, the client closing first.
ip netns exec "$NS_S" "${srv_log[@]}" timeout 20 "$work/tcp-server" "$work/tcp.ready" &
pids+=($!); srv=$!
wait_for "$work/tcp.ready"
in_c "${cli_log[@]}" timeout 10 "$work/tcp-client" "$S" > "$work/tcp.out"
wait "$srv"
printf 'Hello from the server\n' | cmp -s - "$work/tcp.out" \
	|| { echo "$prog: tcp-client did not get the message" >&2; exit 1; }
sleep 0.3

# 2. UDP: two datagrams to :12346 and their echoes.
ip netns exec "$NS_S" "${srv_log[@]}" timeout 20 "$work/udp-echo-server" 2 "$work/udp.ready" &
pids+=($!); srv=$!
wait_for "$work/udp.ready"
in_c "${cli_log[@]}" timeout 10 "$work/udp-echo-client" "$S" > "$work/udp.out"
wait "$srv"
printf 'echo-1\necho-2\n' | cmp -s - "$work/udp.out" \
	|| { echo "$prog: udp-echo-client did not get its echoes" >&2; exit 1; }
sleep 0.3

# 3. The closed port :12399: SYN, RST+ACK, ECONNREFUSED.
in_c "${cli_log[@]}" timeout 10 "$work/tcp-client" "$S" 12399 2> "$work/refused.err"
grep -q "connect fd=[0-9]*,$S:12399 ECONNREFUSED" "$work/client.log" \
	|| { echo "$prog: connect to :12399 was not refused" >&2; exit 1; }
sleep 1

kill -TERM "${pids[0]}"   # (background jobs ignore SIGINT)
wait "${pids[0]}" || true
grep -E 'packets (captured|dropped by kernel)' "$work/tcpdump.err" >&2 || true
if grep -qE '^[1-9][0-9]* packets dropped by kernel' "$work/tcpdump.err"; then
	echo "$prog: tcpdump dropped packets" >&2
	exit 1
fi

# The call log: each line prefixed by its host, in the order of TIME.
{
	sed "s/^/$S /" "$work/server.log"
	sed "s/^/$C /" "$work/client.log"
} | sort -s -n -k2,2 > "$work/calls.log"

mkdir -p "$(dirname "$out")"
cp "$work/capture.pcap" "$out"
cp "$work/calls.log" "$calls_out"
echo "$prog: wrote $out and $calls_out" >&2
