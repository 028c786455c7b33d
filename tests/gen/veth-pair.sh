# veth-pair.sh - sourced by the recording scripts (tests/gen/record-*.sh):
# checks for root and the tools, makes two network namespaces joined by a
# veth pair with checksum offload off (so the captured checksums are
# real), and removes them, and every process started, on exit.
#
# The caller sets, before sourcing it: prog (its name, for messages),
# NS_S NS_C (namespaces), IF_S IF_C (interfaces), ADDR4_S ADDR6_S ADDR4_C
# ADDR6_C (server and client addresses with prefix lengths).  It gets:
# $work (a temporary directory), the pids array (add the processes it
# starts), in_s / in_c (run in a namespace) and wait_for FILE [TEXT].
# shellcheck shell=bash

if [ "$(id -u)" -ne 0 ]; then
	echo "$prog: must run as root" >&2
	exit 77
fi
for tool in ip ethtool tcpdump python3 timeout; do
	command -v "$tool" >/dev/null || { echo "$prog: $tool not found" >&2; exit 77; }
done
for ns in "$NS_S" "$NS_C"; do
	if ip netns list | grep -qw "$ns"; then
		echo "$prog: namespace $ns exists already (another run?)" >&2
		exit 1
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/dmx-$prog.XXXXXX")
pids=()

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	# Only the processes started here, by their ids.
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	ip netns del "$NS_C" 2>/dev/null || true
	ip netns del "$NS_S" 2>/dev/null || true
	ip link del "$IF_S" 2>/dev/null || true
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

in_s() { ip netns exec "$NS_S" "$@"; }
in_c() { ip netns exec "$NS_C" "$@"; }

# Wait up to 5 s for file $1 (to exist, or with $2: to contain $2).
wait_for() {
	local _
	for _ in $(seq 50); do
		if [ -z "${2:-}" ] && [ -e "$1" ]; then return 0; fi
		if [ -n "${2:-}" ] && grep -q "$2" "$1" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "$prog: timed out waiting for $1 ${2:+($2)}" >&2
	return 1
}

# --- The network ----------------------------------------------------------
ip netns add "$NS_S"
ip netns add "$NS_C"
for ns in "$NS_S" "$NS_C"; do
	# No router solicitations from the new interfaces (less noise).
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0
done
ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C"
setup_end() {   # ns ifname v4 v6
	ip -n "$1" link set lo up
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" -6 addr add "$4" dev "$2" nodad
	# Real checksums: no transmit or receive checksum offload (and so no
	# segmentation offload either: one frame per segment).
	ip netns exec "$1" ethtool -K "$2" tx off rx off >/dev/null
	ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
	ip -n "$1" link set "$2" up
}
setup_end "$NS_S" "$IF_S" "$ADDR4_S" "$ADDR6_S"
setup_end "$NS_C" "$IF_C" "$ADDR4_C" "$ADDR6_C"
in_s ethtool -k "$IF_S" | grep -E '^(tx|rx)-checksumming' > "$work/offload"
if grep -q ': on' "$work/offload"; then
	echo "$prog: checksum offload still on:" >&2
	cat "$work/offload" >&2
	exit 1
fi

