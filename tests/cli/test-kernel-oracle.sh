#!/bin/bash
# test-kernel-oracle.sh - Linux as the oracle of demuxsim's lookup (TAP
# output, one test point per case of tests/cli/kernel-oracle.py).
#
# For each case, in two fresh network namespaces joined by a veth pair
# (checksum offload off): python3 servers in the server namespace bind
# the case's sockets and log which one received each datagram or
# accepted each connection; tcpdump captures on the server's veth while
# a client in the other namespace sends the case's flows; `ss -tuanp`,
# taken before the capture, is the socket table.  Then
#   demuxsim --sockets-from-ss SS --host-address ... -r CAPTURE
# must send every flow to the socket the kernel used (a reuseport group:
# one member for all of a flow).  --host-address names the server's
# addresses the case's traffic uses (10.98.0.2, and fd00:98::2 when it
# has IPv6).
#
# Cases listed in ORACLE_PENDING (space-separated; empty by default) are
# TAP "# TODO" on failure; a pass there is said, so the list can shrink.
# The capture is trusted only once a marker datagram is in its file, and
# read only once every packet of the case's flows is; the servers, on
# SIGTERM, log what the kernel had queued for them before they exit.
#
# Needs root, ip (iproute2: ss, nstat), python3, tcpdump, ethtool and
# timeout; skips, saying why, without them.  Namespaces dmxo-s$$-N /
# dmxo-c$$-N, interfaces dmxo-s$$ / dmxo-c$$, 10.98.0.0/24, fd00:98::/64;
# every process started here is stopped by its pid and every namespace
# deleted on exit, failed or not.
set -u

top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
DEMUXSIM=${DEMUXSIM:-$top/src/demuxsim}
ORACLE=$top/tests/cli/kernel-oracle.py
PENDING=${ORACLE_PENDING-}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip_all "the kernel oracle needs root (network namespaces, capture)"
for tool in ip ss nstat python3 tcpdump ethtool timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not found"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/dmxo.XXXXXX")
keep=${ORACLE_KEEP:-}   # set: keep the work directory (its name is printed)
IF_S=dmxo-s$$
IF_C=dmxo-c$$
NS_S=
NS_C=
pids=()
# Stop process $1 with signal $2 and wait for it (TERM, then KILL, if it
# is still there after 10 s); it leaves pids.
stop_pid() {
	local i p
	kill -"$2" "$1" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && kill -TERM "$1" 2>/dev/null
	sleep 0.2
	kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	local keep=()
	for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	pids=("${keep[@]}")
}
stop_all() {   # every process started for the case, by pid
	local pid
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
	pids=()
}
drop_netns() {
	[ -n "$NS_C" ] && ip netns del "$NS_C" 2>/dev/null
	[ -n "$NS_S" ] && ip netns del "$NS_S" 2>/dev/null
	ip link del "$IF_S" 2>/dev/null
	NS_S= NS_C=
}
cleanup() {
	trap - EXIT INT TERM
	stop_all
	drop_netns
	if [ -n "$keep" ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_s() { ip netns exec "$NS_S" "$@"; }
in_c() { ip netns exec "$NS_C" "$@"; }

# Wait up to $3 (default 10) s for file $1 to contain $2.
wait_for() {
	local i
	for i in $(seq $((${3:-10} * 10))); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Two namespaces for case number $1, joined by a veth pair.
make_netns() {
	NS_S=dmxo-s$$-$1
	NS_C=dmxo-c$$-$1
	ip netns add "$NS_S" && ip netns add "$NS_C" &&
	ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C" &&
	in_s ip link set lo up && in_c ip link set lo up &&
	in_s ip addr add 10.98.0.2/24 dev "$IF_S" &&
	in_c ip addr add 10.98.0.1/24 dev "$IF_C" &&
	in_s ip addr add fd00:98::2/64 dev "$IF_S" nodad &&
	in_c ip addr add fd00:98::1/64 dev "$IF_C" nodad &&
	in_s ethtool -K "$IF_S" tx off rx off >/dev/null 2>&1 &&
	in_c ethtool -K "$IF_C" tx off rx off >/dev/null 2>&1 &&
	in_s ip link set "$IF_S" up && in_c ip link set "$IF_C" up
}

# Run case $1 in directory $2: servers, snapshot, capture, flows, then
# demuxsim.  Returns non-zero (with $2/why) when a step fails.
run_case() {
	local c=$1 d=$2 pid tpid spid
	local cookies=1
	[ "$c" = syncookie ] && cookies=2
	in_s sysctl -qw net.ipv4.tcp_syncookies=$cookies || { echo "sysctl failed" > "$d/why"; return 1; }
	# Started with ip netns exec directly (it execs timeout): $! is the
	# process to signal and wait for.
	ip netns exec "$NS_S" timeout 120 python3 "$ORACLE" server "$c" "$d/kernel.log" "$d/names" \
		2> "$d/server.err" &
	spid=$!
	pids+=($spid)
	wait_for "$d/names" ready 30 || { echo "the servers did not start" > "$d/why"; return 1; }
	touch "$d/kernel.log"
	ip netns exec "$NS_C" timeout 120 python3 "$ORACLE" preflows "$c" "$d/go" > "$d/pre.out" 2>&1 &
	pid=$!
	pids+=($pid)
	wait_for "$d/pre.out" ready 30 || { echo "the connections before the capture failed" > "$d/why"; return 1; }
	in_s ss -tuanp > "$d/ss.txt"
	# -U and --immediate-mode: each packet reaches the file as it comes
	# (no ring-buffer block held back); a marker datagram seen in the
	# file says the capture really runs.
	ip netns exec "$NS_S" timeout 120 tcpdump -Z root -i "$IF_S" -n -U --immediate-mode \
		-w "$d/cap.pcap" 2> "$d/tcpdump.err" &
	tpid=$!
	pids+=($tpid)
	wait_for "$d/tcpdump.err" "listening on" 30 || { echo "tcpdump did not start" > "$d/why"; return 1; }
	in_c python3 "$ORACLE" mark "$d/cap.pcap" ||
		{ echo "the capture shows no marker datagram after 30 s" > "$d/why"; return 1; }
	touch "$d/go"
	in_c timeout 90 python3 "$ORACLE" client "$c" > "$d/client.out" 2>&1 ||
		{ echo "the client failed: $(tail -n 1 "$d/client.out")" > "$d/why"; return 1; }
	wait "$pid"
	python3 "$ORACLE" captured "$c" "$d/cap.pcap" > "$d/captured.out" ||
		{ cat "$d/captured.out" > "$d/why"; return 1; }
	stop_pid "$tpid" INT   # tcpdump writes what it has and exits
	stop_pid "$spid" TERM  # the servers log what is queued, then exit
	in_s nstat -az TcpExtSyncookiesSent TcpExtSyncookiesRecv TcpExtSyncookiesFailed > "$d/nstat.txt"
	stop_all
	local addrs=(--host-address 10.98.0.2)
	[ "$(python3 "$ORACLE" families "$c")" = "4 6" ] && addrs+=(--host-address fd00:98::2)
	local extra=()
	[ "$c" = syncookie ] && extra=(--syncookies 2)
	"$DEMUXSIM" --sockets-from-ss "$d/ss.txt" "${addrs[@]}" "${extra[@]}" -r "$d/cap.pcap" \
		--format jsonl > "$d/trace.jsonl" 2> "$d/demuxsim.err" &&
	"$DEMUXSIM" --sockets-from-ss "$d/ss.txt" "${addrs[@]}" "${extra[@]}" -r "$d/cap.pcap" \
		--format json -q > "$d/report.json" 2>> "$d/demuxsim.err" ||
		{ echo "demuxsim failed: $(head -n 1 "$d/demuxsim.err")" > "$d/why"; return 1; }
	python3 "$ORACLE" compare "$c" "$d" > "$d/why" 2>&1
}

cases=$(python3 "$ORACLE" cases) || skip_all "python3 cannot run $ORACLE"
cases=${ORACLE_CASES:-$cases}   # a few of them, to look at one
NS_S=dmxo-s$$-0
ip netns add "$NS_S" 2> "$work/netns.err" ||
	skip_all "cannot create network namespaces here: $(head -n 1 "$work/netns.err")"
drop_netns
set -- $cases
echo "1..$#"
n=0
failed=0
for c in $cases; do
	n=$((n + 1))
	d=$work/$c
	mkdir -p "$d"
	if ! make_netns "$n" 2> "$d/netns.err"; then
		drop_netns
		echo "ok $n - $c # SKIP cannot set up the namespaces: $(head -n 1 "$d/netns.err")"
		continue
	fi
	pending=
	for p in $PENDING; do [ "$p" = "$c" ] && pending=1; done
	if run_case "$c" "$d"; then
		echo "ok $n - $c: every flow reached the kernel's socket"
		[ -n "$pending" ] && echo "# $c passes: take it off ORACLE_PENDING"
	elif [ -n "$pending" ]; then
		echo "not ok $n - $c # TODO pending: $(head -n 1 "$d/why")"
		sed 's/^/#   /' "$d/why" | head -n 12
	else
		echo "not ok $n - $c"
		for f in why demuxsim.err server.err client.out ss.txt; do
			[ -s "$d/$f" ] && { echo "# $f:"; sed 's/^/#   /' "$d/$f" | head -n 30; }
		done
		failed=1
	fi
	stop_all
	drop_netns
done
exit $failed
