#!/bin/bash
# test-live.sh - live capture (-i) on a veth pair joining two network
# namespaces, with traffic between real sockets (TAP output).
#
# Needs root, ip (iproute2), tmux, python3 and timeout; skips, saying
# why, without them (and the checks that use tcpdump or the user nobody,
# for -Z, without those).  Nothing leaves the namespaces (dmxl-srv-$$,
# dmxl-cli-$$ joined by dmxl-s$$ / dmxl-c$$; 10.99.0.0/24, fd00:99::/64);
# namespaces, interfaces, the tmux server and every process started here
# are removed on exit, failed or not.  Every step has a time limit.
#
# The traffic is tests/gen/record-veth.sh's (see its header), so the tables
# the capture implies are captures/veth-ns.expected.json.
set -u

top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
DEMUXSIM=${DEMUXSIM:-$top/src/demuxsim}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip_all "live capture needs root (network namespaces, capture devices)"
# Under memcheck (make check-valgrind) the tool runs tens of times slower
# than the traffic: the kernel drops frames and every check here depends
# on seeing them all in time.
[ -z "${DEMUXSIM_VALGRIND_TOOL:-}" ] ||
	skip_all "live capture under valgrind cannot keep up with real traffic"
for tool in ip tmux python3 timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not found"
done
NS_S=dmxl-srv-$$
NS_C=dmxl-cli-$$
IF_S=dmxl-s$$
IF_C=dmxl-c$$
TMUX_SOCK=dmxl-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/dmxl.XXXXXX")
# For --split -Z: a directory the dropped user can enter (not $work).
zwork=$(mktemp -d "${TMPDIR:-/tmp}/dmxl-z.XXXXXX")
chmod 755 "$zwork"
pids=()
cleanup() {
	trap - EXIT INT TERM
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	ip netns del "$NS_C" 2>/dev/null
	ip netns del "$NS_S" 2>/dev/null
	ip link del "$IF_S" 2>/dev/null
	rm -rf "$work" "$zwork"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ip netns add "$NS_S" 2>/dev/null || skip_all "cannot create network namespaces here"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=1
	echo "not ok $n - $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | tail -n 40; done
}
check() {   # description command... (diagnostics: files named in $diag)
	local what=$1; shift
	if "$@" > "$work/check.out" 2>&1; then ok "$what"; else not_ok "$what" "$work/check.out" ${diag:-}; fi
}

in_s() { ip netns exec "$NS_S" "$@"; }
in_c() { ip netns exec "$NS_C" "$@"; }
# (Captures that get signals run as "ip netns exec ... &", not through a
# function: a function in the background is a subshell, which would get
# the signal instead.)

# Wait up to $3 (default 10) s for file $1 to contain $2.
wait_for() {
	local i
	for i in $(seq $((${3:-10} * 10))); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# --- The network ----------------------------------------------------------
ip netns add "$NS_C"
for ns in "$NS_S" "$NS_C"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0
done
ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C"
setup_end() {   # ns ifname v4 v6
	ip -n "$1" link set lo up
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" -6 addr add "$4" dev "$2" nodad
	if command -v ethtool >/dev/null; then
		ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1
	fi
	ip -n "$1" link set "$2" up
}
setup_end "$NS_S" "$IF_S" 10.99.0.2/24 fd00:99::2/64
setup_end "$NS_C" "$IF_C" 10.99.0.1/24 fd00:99::1/64

# --- The programs (those of tests/gen/record-veth.sh) ---------------------------
sed -n '/^cat > "\$work\/server.py"/,/^EOF$/p' "$top/tests/gen/record-veth.sh" | sed '1d;$d' > "$work/server.py"
sed -n '/^cat > "\$work\/client.py"/,/^EOF$/p' "$top/tests/gen/record-veth.sh" | sed '1d;$d' > "$work/client.py"
cat > "$work/flood.py" <<'PY'
"""UDP datagrams as fast as possible for ARGV[1] seconds."""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    try:
        s.sendto(b"x" * 64, ("10.99.0.2", 5500))
    except OSError:
        pass
PY
cat > "$work/send.py" <<'PY'
"""send.py DST PORT [SRCPORT]: one UDP datagram."""
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
if len(sys.argv) > 3:
    s.bind(("", int(sys.argv[3])))
s.sendto(b"hello\n", (sys.argv[1], int(sys.argv[2])))
PY
cat > "$work/compare.py" <<'PY'
"""compare.py EXPECTED ACTUAL: the hosts of demuxsim's JSON report ACTUAL
against the hand-written tables of EXPECTED (captures/*.expected.json):
the fields EXPECTED names, sockets in order, parents by local address."""
import json, sys
exp, act = (json.load(open(p)) for p in sys.argv[1:3])
errors = []
hosts = {h["address"]: h for h in act["hosts"]}
if sorted(hosts) != sorted(h["address"] for h in exp["hosts"]):
    errors.append("hosts %s, expected %s" % (sorted(hosts), [h["address"] for h in exp["hosts"]]))
for eh in exp["hosts"]:
    ah = hosts.get(eh["address"])
    if not ah:
        continue
    by_id = {s["id"]: s for s in ah["sockets"]}
    if len(ah["sockets"]) != len(eh["sockets"]):
        errors.append("%s: %d sockets, expected %d" % (eh["address"], len(ah["sockets"]), len(eh["sockets"])))
    for es, s in zip(eh["sockets"], ah["sockets"]):
        s = dict(s, parent_local=by_id[s["parent"]]["local"] if s["parent"] else None)
        for k, v in es.items():
            if s.get(k) != v:
                errors.append("%s socket %s: %s is %r, expected %r" % (eh["address"], s["local"], k, s.get(k), v))
    ar = [{k: r[k] for k in er} for r, er in zip(ah["refused"], eh["refused"])]
    if len(ah["refused"]) != len(eh["refused"]) or ar != eh["refused"]:
        errors.append("%s refused %s, expected %s" % (eh["address"], ah["refused"], eh["refused"]))
    if ah["dropped"] != eh["dropped"]:
        errors.append("%s dropped %s, expected %s" % (eh["address"], ah["dropped"], eh["dropped"]))
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY

servers() {   # start the servers of the scripted traffic, wait until ready
	rm -f "$work"/*.ready
	in_s timeout 30 python3 "$work/server.py" udp 10.99.0.2 5300 3 "$work/udp4.ready" & pids+=($!)
	in_s timeout 30 python3 "$work/server.py" udp :: 5301 1 "$work/udp6.ready" & pids+=($!)
	in_s timeout 30 python3 "$work/server.py" tcp 10.99.0.2 8080 2 "$work/tcp4.ready" & pids+=($!)
	in_s timeout 30 python3 "$work/server.py" tcp :: 8081 1 "$work/tcp6.ready" & pids+=($!)
	local r
	for r in udp4 udp6 tcp4 tcp6; do
		for _ in $(seq 100); do [ -e "$work/$r.ready" ] && break; sleep 0.1; done
	done
}

echo "1..33"

# --- 1-11: the scripted traffic, live, report as JSON -----------------------
# Three captures see it at once: on the interface; on "any" (SLL2); and on
# the interface again with -Z nobody, its -w file in $work, which only
# root may enter (mktemp -d), so that file must be opened before the drop.
ip netns exec "$NS_S" timeout 60 "$DEMUXSIM" -i "$IF_S" --duration 40 -q --format json \
	-w "$work/live.pcap" "ip or ip6" > "$work/live.json" 2> "$work/live.err" &
cap=$!; pids+=($cap)
ip netns exec "$NS_S" timeout 60 "$DEMUXSIM" -i any --duration 40 -q --format json \
	-w "$work/any.pcap" "ip or ip6" > "$work/any.json" 2> "$work/any.err" &
anycap=$!; pids+=($anycap)
# -c 24 -w: stops on its own after the frames that hold the first refusals
ip netns exec "$NS_S" timeout 60 "$DEMUXSIM" -i "$IF_S" -c 24 -q --format json \
	-w "$work/c24.pcap" "ip or ip6" > "$work/c24.json" 2> "$work/c24.err" &
c24cap=$!; pids+=($c24cap)
zuser=nobody
id -u "$zuser" >/dev/null 2>&1 || zuser=
if [ -n "$zuser" ]; then
	ip netns exec "$NS_S" timeout 60 "$DEMUXSIM" -i "$IF_S" -Z "$zuser" --duration 40 -q \
		--format json -w "$work/z.pcap" "ip or ip6" > "$work/z.json" 2> "$work/z.err" &
	zcap=$!; pids+=($zcap)
	wait_for "$work/z.err" "listening on" 10
	# timeout's child is demuxsim: its credentials once it listens.
	zpid=
	read -r zpid _ < <(pgrep -P "$zcap" 2>/dev/null ||
	                   cat "/proc/$zcap/task/$zcap/children" 2>/dev/null)
	cat "/proc/${zpid:-0}/status" > "$work/z.status" 2>&1
	# --split without -w: its spool, in a TMPDIR like /tmp (sticky, so
	# only its owner may remove it), must be the dropped user's to read.
	mkdir -m 1777 "$zwork/tmp"
	mkdir "$zwork/split" "$zwork/ro"
	chown "$zuser" "$zwork/split"
	ip netns exec "$NS_S" env TMPDIR="$zwork/tmp" timeout 60 "$DEMUXSIM" -i "$IF_S" -Z "$zuser" \
		--duration 40 -q --format json --split "$zwork/split" "ip or ip6" \
		> "$work/zs.json" 2> "$work/zs.err" &
	zscap=$!; pids+=($zscap)
	wait_for "$work/zs.err" "listening on" 10
fi
wait_for "$work/live.err" "listening on" 10
wait_for "$work/any.err" "listening on" 10
wait_for "$work/c24.err" "listening on" 10
servers
in_c timeout 30 python3 "$work/client.py" > "$work/client.out" 2>&1
client=$?
sleep 1
kill -INT "$cap" "$anycap" ${zcap:-} ${zscap:-}
wait "$anycap"; anyrc=$?
[ -n "$zuser" ] && { wait "$zcap"; zrc=$?; wait "$zscap"; zsrc=$?; }
wait "$cap"; rc=$?
diag="$work/live.err $work/client.out"
check "the scripted traffic ran (client exit $client)" test "$client" -eq 0
check "SIGINT ends the capture with status 0 (got $rc)" test "$rc" -eq 0
check "live JSON report equals the tables the traffic implies" \
	python3 "$work/compare.py" "$top/captures/veth-ns.expected.json" "$work/live.json"
"$DEMUXSIM" -q --format json -r "$work/live.pcap" > "$work/readback.json" 2>> "$work/live.err"
check "the -w file read back gives the same tables" \
	python3 "$work/compare.py" "$top/captures/veth-ns.expected.json" "$work/readback.json"
cat > "$work/refusals.py" <<'PY'
"""refusals.py LIVE.json BACK.json: the refused attempts, with the frame of
each attempt and of its evidence, are the same live and read back."""
import json, sys
def refusals(path):
    return sorted((h["address"], r["proto"], r["port"], r["peer"], r["frame"], r["evidence"])
                  for h in json.load(open(path))["hosts"] for r in h["refused"])
live, back = refusals(sys.argv[1]), refusals(sys.argv[2])
assert live and live == back, (live, back)
PY
check "refusals and their evidence frames: the same live and from the -w file" \
	python3 "$work/refusals.py" "$work/live.json" "$work/readback.json"
wait "$c24cap"; c24rc=$?
"$DEMUXSIM" -q --format json -r "$work/c24.pcap" > "$work/c24-back.json" 2>> "$work/c24.err"
diag="$work/c24.err $work/c24.json"
check "-c 24 -w: ends by itself (status $c24rc), refusal evidence frames equal the file's" \
	sh -c "test '$c24rc' -eq 0 && python3 '$work/refusals.py' '$work/c24.json' '$work/c24-back.json' &&
	       python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))[\"frames\"] == 24' '$work/c24.json'"
diag="$work/live.err $work/client.out"
check "the -w file holds every frame of the report, and the kernel dropped none" \
	python3 -c '
import json, re, sys
live, back = (json.load(open(p)) for p in sys.argv[1:3])
err = open(sys.argv[3]).read()
assert live["frames"] == back["frames"] > 0, (live["frames"], back["frames"])
assert re.search(r"^%d packets? captured$" % live["frames"], err, re.M), err
assert re.search(r"^0 packets dropped by kernel$", err, re.M), err
' "$work/live.json" "$work/readback.json" "$work/live.err"
cat > "$work/counters.py" <<'PY'
"""counters.py REPORT.json STDERR [FILE-REPORT.json]: the kernel's counters
in the live JSON report are those written on standard error, at least the
frames captured; a report of a file has none."""
import json, re, sys
live = json.load(open(sys.argv[1]))
err = open(sys.argv[2]).read()
def count(what):
    m = re.search(r"^(\d+) packets? %s$" % what, err, re.M)
    return int(m.group(1)) if m else 0
cap = live["capture"]
assert sorted(cap) == ["dropped", "if_dropped", "received"], cap
assert cap["received"] == count("received by filter") >= live["frames"], (cap, err)
assert cap["dropped"] == count("dropped by kernel"), (cap, err)
assert cap["if_dropped"] == count("dropped by interface"), (cap, err)
assert re.search(r"^\d+ packets? dropped by kernel$", err, re.M), err
if len(sys.argv) > 3:
    assert "capture" not in json.load(open(sys.argv[3]))
PY
check "the JSON report's \"capture\" holds the kernel's counters as stderr prints them" \
	python3 "$work/counters.py" "$work/live.json" "$work/live.err" "$work/readback.json"
unset diag

# -i any
"$DEMUXSIM" -q --format json -r "$work/any.pcap" > "$work/any-back.json" 2>> "$work/any.err"
diag="$work/any.err"
check "-i any: SIGINT, status $anyrc; listening on any, link-type LINUX_SLL2; the -w file is SLL2" \
	python3 -c '
import re, struct, sys
assert int(sys.argv[3]) == 0
err = open(sys.argv[1]).read()
assert re.search(r"^demuxsim: listening on any, link-type LINUX_SLL2 \(276\)", err, re.M), err
hdr = open(sys.argv[2], "rb").read(24)
magic = struct.unpack("<I", hdr[:4])[0]
end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
assert struct.unpack(end + "I", hdr[20:24])[0] & 0x03ffffff == 276, hdr
' "$work/any.err" "$work/any.pcap" "$anyrc"
if command -v tcpdump >/dev/null; then
	tcpdump -r "$work/any.pcap" -n -e > "$work/any.tcpdump" 2>&1
	ifindex=$(ip -n "$NS_S" -o link show "$IF_S" | cut -d: -f1)
	diag="$work/any.tcpdump"
	check "-i any: tcpdump reads the -w file as LINUX_SLL2, $IF_S's ifindex, both directions" \
		sh -c "grep -q 'link-type LINUX_SLL2' '$work/any.tcpdump' &&
		       grep -Eq ' In +ifindex $ifindex ' '$work/any.tcpdump' &&
		       grep -Eq ' Out +ifindex $ifindex ' '$work/any.tcpdump'"
else
	ok "# SKIP tcpdump not found"
fi
diag="$work/any.err"
# Three captures at once on a loaded machine: when the kernel dropped
# frames of the "any" capture, its tables cannot equal the traffic's, and
# saying so is all that can honestly be checked.
anydrops=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$work/any.err")
if [ "${anydrops:-0}" -gt 0 ]; then
	ok "# SKIP -i any: the kernel dropped $anydrops frames; tables not comparable"
	ok "# SKIP -i any: the kernel dropped $anydrops frames; tables not comparable"
else
	check "-i any: the JSON report equals the tables the traffic implies" \
		python3 "$work/compare.py" "$top/captures/veth-ns.expected.json" "$work/any.json"
	check "-i any: the -w file read back gives the same tables and frames" \
		sh -c "python3 '$work/compare.py' '$top/captures/veth-ns.expected.json' '$work/any-back.json' &&
		       python3 -c 'import json, sys; a, b = (json.load(open(p))[\"frames\"] for p in sys.argv[1:]); assert a == b > 0, (a, b)' \
		               '$work/any.json' '$work/any-back.json'"
fi
unset diag

# -Z
if [ -n "$zuser" ]; then
	"$DEMUXSIM" -q --format json -r "$work/z.pcap" > "$work/z-back.json" 2>> "$work/z.err"
	diag="$work/z.err $work/z.status"
	check "-Z $zuser: once listening, demuxsim runs as $zuser (uid, gid, groups), without capabilities" \
		python3 -c '
import sys
st = dict(l.split(":", 1) for l in open(sys.argv[1]) if ":" in l)
uid, gid = sys.argv[2:4]
assert st["Name"].strip().endswith("demuxsim"), st.get("Name")
assert st["Uid"].split() == [uid] * 4, st["Uid"]
assert st["Gid"].split() == [gid] * 4, st["Gid"]
assert set(st["Groups"].split()) <= {gid}, st["Groups"]
assert int(st["CapEff"], 16) == 0 and int(st["CapPrm"], 16) == 0, (st["CapEff"], st["CapPrm"])
' "$work/z.status" "$(id -u "$zuser")" "$(id -g "$zuser")"
	check "-Z $zuser: status $zrc, the capture after the drop gives the tables the traffic implies" \
		sh -c "test '$zrc' -eq 0 &&
		       python3 '$work/compare.py' '$top/captures/veth-ns.expected.json' '$work/z.json'"
	check "-Z $zuser: the -w file, opened before the drop where $zuser may not write, is root's and complete" \
		sh -c "test \$(stat -c %a '$work') = 700 && test \$(stat -c %u '$work/z.pcap') -eq 0 &&
		       python3 '$work/compare.py' '$top/captures/veth-ns.expected.json' '$work/z-back.json' &&
		       python3 -c 'import json, sys; a, b = (json.load(open(p))[\"frames\"] for p in sys.argv[1:]); assert a == b > 0, (a, b)' \
		               '$work/z.json' '$work/z-back.json' &&
		       grep -q '^0 packets dropped by kernel\$' '$work/z.err'"
	diag="$work/zs.err"
	check "-Z $zuser --split DIR: status $zsrc, a pcap per socket, $zuser's, each read back" \
		python3 -c '
import json, os, pwd, subprocess, sys
d, rc, uid, tool = sys.argv[1], int(sys.argv[2]), pwd.getpwnam(sys.argv[3]).pw_uid, sys.argv[4]
assert rc == 0, rc
files = sorted(os.path.join(d, f) for f in os.listdir(d))
sockets = sum(1 for h in json.load(open(sys.argv[5]))["hosts"] for s in h["sockets"]
              if s["segments"])
# (a socket retracted by a correction keeps its file)
assert sockets and len(files) >= sockets, (len(files), sockets)
assert all(os.stat(f).st_uid == uid for f in files), "not owned by " + sys.argv[3]
r = subprocess.run([tool, "-q"] + files, capture_output=True, text=True)
assert r.returncode == 0, r.stderr
' "$zwork/split" "$zsrc" "$zuser" "$DEMUXSIM" "$work/zs.json"
	check "-Z $zuser --split DIR: no spool is left in TMPDIR" \
		sh -c "ls -A '$zwork/tmp'; test -z \"\$(ls -A '$zwork/tmp')\""
	ip netns exec "$NS_S" env TMPDIR="$zwork/tmp" timeout 20 "$DEMUXSIM" -i "$IF_S" -Z "$zuser" \
		--duration 2 -q --split "$zwork/ro" > "$work/zro.out" 2> "$work/zro.err"
	zrorc=$?
	diag="$work/zro.err"
	check "-Z $zuser --split DIR that $zuser cannot write: an error line, status $zrorc (1)" \
		sh -c "test $zrorc -eq 1 && grep -q '^demuxsim: $zwork/ro: ' '$work/zro.err'"
	unset diag
else
	for _ in 1 2 3 4 5 6; do ok "# SKIP no user nobody for -Z"; done
fi

# --- 6-7: JSON lines stream, and a refusal is corrected as it is seen -------
ip netns exec "$NS_S" timeout 30 "$DEMUXSIM" -i "$IF_S" -c 4 --format jsonl -f "udp or icmp" \
	> "$work/stream.jsonl" 2> "$work/stream.err" &
cap=$!; pids+=($cap)
wait_for "$work/stream.err" "listening on" 10
in_c timeout 5 python3 "$work/send.py" 10.99.0.2 5399 40009
if wait_for "$work/stream.jsonl" '"correction"' 5 && kill -0 "$cap" 2>/dev/null; then
	ok "JSON lines reach the pipe as the capture runs (correction seen before the end)"
else
	not_ok "JSON lines reach the pipe as the capture runs" "$work/stream.jsonl" "$work/stream.err"
fi
in_s timeout 5 python3 -c 'import socket,time; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("10.99.0.2",5301)); time.sleep(3)' & pids+=($!)
sleep 0.5
in_c timeout 5 python3 "$work/send.py" 10.99.0.2 5301 40010
in_c timeout 5 python3 "$work/send.py" 10.99.0.2 5301 40010
wait "$cap"; rc=$?
diag="$work/stream.jsonl $work/stream.err"
check "-c 4 stops by itself (status $rc); trace: new socket, correction to refused, confirmed later" \
	python3 -c '
import json, sys
assert int(sys.argv[2]) == 0
lines = [json.loads(l) for l in open(sys.argv[1])]
first = lines[0]
assert first["frame"] == 1 and first["dport"] == 5399 and first["lookup"] == "new", first
corr = [l for l in lines if "correction" in l]
assert len(corr) == 1, corr
c = corr[0]["correction"]
assert corr[0]["frame"] == 2 and c["frame"] == 1 and c["evidence"] == 2, c
assert c["reply"] == "icmp-port-unreachable" and c["port"] == 5399 and c["retracted"] == [first["socket"]], c
later = [l for l in lines if l.get("dport") == 5301]
assert len(later) == 2 and later[0]["lookup"] == "new" and later[1]["lookup"] == "bound", later
' "$work/stream.jsonl" "$rc"
unset diag

# --- 8: --duration ------------------------------------------------------------
start=$(date +%s)
in_s timeout 20 "$DEMUXSIM" -i "$IF_S" --duration 1 -q --format json -f "udp port 9" \
	> "$work/dur.json" 2> "$work/dur.err"
rc=$?
took=$(( $(date +%s) - start ))
diag="$work/dur.err"
check "--duration 1 stops after about a second (status $rc, ${took}s)" \
	python3 -c '
import json, sys
assert int(sys.argv[2]) == 0 and int(sys.argv[3]) <= 4
assert json.load(open(sys.argv[1]))["frames"] == 0
' "$work/dur.json" "$rc" "$took"
unset diag

# --- 9: SIGINT during a busy capture loses nothing ---------------------------
ip netns exec "$NS_S" timeout 30 "$DEMUXSIM" -i "$IF_S" -q --format json -w "$work/busy.pcap" \
	> "$work/busy.json" 2> "$work/busy.err" &
cap=$!; pids+=($cap)
wait_for "$work/busy.err" "listening on" 10
in_c timeout 10 python3 "$work/flood.py" 3 & flood=$!; pids+=($flood)
sleep 1.5
kill -INT "$cap"
wait "$cap"; rc=$?
wait "$flood"
"$DEMUXSIM" -q --format json -r "$work/busy.pcap" > "$work/busy-back.json" 2>> "$work/busy.err"
diag="$work/busy.err"
check "SIGINT mid-flood: status $rc, frames in the -w file == frames in the report" \
	python3 -c '
import json, sys
assert int(sys.argv[3]) == 0
live, back = (json.load(open(p)) for p in sys.argv[1:3])
assert live["frames"] == back["frames"] > 100, (live["frames"], back["frames"])
assert live["segments"] == back["segments"], (live["segments"], back["segments"])
' "$work/busy.json" "$work/busy-back.json" "$rc"
check "mid-flood: the kernel's counters in the JSON report are those on stderr" \
	python3 "$work/counters.py" "$work/busy.json" "$work/busy.err" "$work/busy-back.json"
unset diag

# --- 10: permission and filter errors -----------------------------------------
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$DEMUXSIM" -i lo -c 1 > /dev/null 2> "$work/perm.err"
	rc=$?
	diag="$work/perm.err"
	check "without privileges: status 1, says so and how to grant it" \
		sh -c "test $rc -eq 1 && grep -q \"permission\" '$work/perm.err' && grep -q 'setcap cap_net_raw,cap_net_admin=eip' '$work/perm.err'"
	unset diag
else
	ok "# SKIP setpriv not found"
fi
in_s timeout 10 "$DEMUXSIM" -i "$IF_S" -c 1 "udp port nonsense" > /dev/null 2> "$work/filter.err"
rc=$?
diag="$work/filter.err"
check "a bad filter: libpcap's message and status 2 (got $rc)" \
	sh -c "test $rc -eq 2 && grep -q 'demuxsim: .*' '$work/filter.err'"
unset diag

# --- 12-14: the full-screen view in tmux ------------------------------------
tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -s live -x 100 -y 30 \
	"ip netns exec $NS_S timeout --foreground 60 $DEMUXSIM -i $IF_S; echo EXIT=\$?; sleep 60"
tmux -L "$TMUX_SOCK" set-option -t live history-limit 2000 >/dev/null
sleep 1
in_s timeout 10 python3 "$work/server.py" udp 10.99.0.2 5300 1 "$work/tui-udp.ready" & pids+=($!)
in_s timeout 10 python3 "$work/server.py" tcp 10.99.0.2 8080 1 "$work/tui-tcp.ready" & pids+=($!)
for r in tui-udp tui-tcp; do
	for _ in $(seq 50); do [ -e "$work/$r.ready" ] && break; sleep 0.1; done
done
in_c timeout 10 python3 -c '
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(3)
u.bind(("10.99.0.1", 40021)); u.sendto(b"ping\n", ("10.99.0.2", 5300)); u.recvfrom(100)
t = socket.create_connection(("10.99.0.2", 8080), timeout=3, source_address=("10.99.0.1", 41021))
t.sendall(b"hi\n"); t.recv(100); t.close(); time.sleep(0.3)
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.99.0.2", 5399))
' > "$work/tui-client.out" 2>&1
sleep 2.5
tmux -L "$TMUX_SOCK" capture-pane -p -t live > "$work/screen1.txt"
diag="$work/screen1.txt $work/tui-client.out"
check "full-screen view: the server's sockets, the refusal, the kernel's drop count appear" \
	sh -c "head -1 '$work/screen1.txt' | grep -Eq ' 0 dropped by kernel' &&
	       grep -q 'Host 10.99.0.2' '$work/screen1.txt' &&
	       grep -Eq 'udp +UNCONN +10.99.0.2:5300' '$work/screen1.txt' &&
	       grep -Eq 'tcp +LISTEN +10.99.0.2:8080' '$work/screen1.txt' &&
	       grep -Eq 'tcp +[A-Z-]+ +10.99.0.2:8080 +10.99.0.1:41021' '$work/screen1.txt' &&
	       grep -q 'refused: udp port 5399' '$work/screen1.txt'"
tmux -L "$TMUX_SOCK" resize-window -t live -x 80 -y 24 2>/dev/null ||
	tmux -L "$TMUX_SOCK" resize-pane -t live -x 80 -y 24
sleep 2
tmux -L "$TMUX_SOCK" capture-pane -p -t live > "$work/screen2.txt"
diag="$work/screen2.txt"
check "at 80x24 after a resize: status line, table, panes" \
	sh -c "head -1 '$work/screen2.txt' | grep -q 'demuxsim $IF_S' &&
	       grep -q '^Netid' '$work/screen2.txt' &&
	       grep -q '^Latest decisions' '$work/screen2.txt' &&
	       test \$(awk '{ if (length > m) m = length } END { print m }' '$work/screen2.txt') -le 80"

# Keys.  screen NAME [PATTERN [SECONDS]]: the pane into $work/NAME.txt,
# once PATTERN (grep -E) is on it (default: at once); false if it never is.
screen() {
	local i
	for i in $(seq $((${3:-0} * 10 + 1))); do
		tmux -L "$TMUX_SOCK" capture-pane -p -t live > "$work/$1.txt"
		[ -z "${2:-}" ] && return 0
		grep -Eq -- "$2" "$work/$1.txt" && return 0
		sleep 0.1
	done
	return 1
}
keys() { tmux -L "$TMUX_SOCK" send-keys -t live "$@"; }
frames_in() { sed -n '1s/.*| \([0-9]*\) frames.*/\1/p' "$work/$1.txt"; }
# screen_frames NAME N: the pane once its status line counts N frames or more.
screen_frames() {
	local i f
	for i in $(seq 50); do
		screen "$1"
		f=$(frames_in "$1")
		[ "${f:-0}" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
cat > "$work/view.py" <<'PY'
"""view.py SCREEN: the view as JSON: status line, host line, socket rows
(netid, state, local, peer, segs, bytes, id), latest decisions."""
import json, re, sys
lines = open(sys.argv[1]).read().split("\n")
rows, log, part = [], [], None
for l in lines[2:]:
    if l.startswith("Netid"):
        part = "sockets"
    elif l.startswith("Refused attempts"):
        part = "alerts"
    elif l.startswith("Latest decisions"):
        part = "log"
    elif part == "sockets" and l.strip():
        f = l.split()
        rows.append(dict(zip(("netid", "state", "local", "peer", "segs", "bytes", "id"), f)))
    elif part == "log" and l.strip():
        log.append(l)
print(json.dumps({"status": lines[0], "host": lines[1], "rows": rows, "log": log}))
PY
view() { python3 "$work/view.py" "$work/$1.txt"; }
in_s timeout 30 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.99.0.2", 5300))
while True: s.recv(100)
' & pids+=($!)
udp5300() {   # N datagrams from 10.99.0.1:40022 to 10.99.0.2:5300
	in_c timeout 5 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.99.0.1", 40022))
for _ in range(int(sys.argv[1])): s.sendto(b"tick\n", ("10.99.0.2", 5300)); time.sleep(0.05)
' "$1"
}
sleep 0.3

# p: the view freezes (only the status line counts on), p again resumes.
keys p
screen paused1 'PAUSED' 3
udp5300 3
screen_frames paused2 $(( $(frames_in paused1) + 3 ))
keys p
screen resumed '^ demuxsim [^|]*\| [0-9]+ frames' 3
diag="$work/paused1.txt $work/paused2.txt $work/resumed.txt"
check "p pauses: PAUSED shown, socket counters frozen while the frames count on; p resumes" \
	python3 -c '
import json, re, subprocess, sys
a, b, c = (json.loads(subprocess.check_output(["python3", sys.argv[1], p])) for p in sys.argv[2:5])
frames = lambda v: int(re.search(r"(\d+) frames", v["status"]).group(1))
segs = lambda v: int([r for r in v["rows"] if r["local"] == "10.99.0.2:5300"][0]["segs"])
assert "PAUSED" in a["status"] and "PAUSED" in b["status"], (a["status"], b["status"])
assert "PAUSED" not in c["status"], c["status"]
assert a["rows"] == b["rows"] and a["log"] == b["log"], "the paused view changed"
assert frames(b) >= frames(a) + 3, (a["status"], b["status"])
assert segs(c) == segs(a) + 3, (segs(a), segs(c))
' "$work/view.py" "$work/paused1.txt" "$work/paused2.txt" "$work/resumed.txt"

# h: the next host, for good (no longer following the traffic).
screen host1
keys h
screen host2 '^Host 10\.99\.0\.1 ' 3
udp5300 1
screen_frames host3 $(( $(frames_in host2) + 1 ))
keys h
screen host4 '^Host 10\.99\.0\.2 ' 3
diag="$work/host1.txt $work/host2.txt $work/host3.txt $work/host4.txt"
check "h shows the next host (its sockets), which stays while traffic goes to another; h again goes back" \
	python3 -c '
import json, subprocess, sys
v = [json.loads(subprocess.check_output(["python3", sys.argv[1], p])) for p in sys.argv[2:6]]
assert v[0]["host"].startswith("Host 10.99.0.2 (") and "following" in v[0]["host"], v[0]["host"]
for w in v[1:3]:
    assert w["host"].startswith("Host 10.99.0.1 (") and "following" not in w["host"], w["host"]
    assert w["rows"] and all(r["local"].startswith("10.99.0.1:") for r in w["rows"]), w["rows"]
    assert any(r["netid"] == "udp" and r["local"] == "10.99.0.1:40021" for r in w["rows"]), w["rows"]
assert v[3]["host"].startswith("Host 10.99.0.2 ("), v[3]["host"]
assert all(r["local"].startswith("10.99.0.2:") for r in v[3]["rows"]), v[3]["rows"]
' "$work/view.py" "$work/host1.txt" "$work/host2.txt" "$work/host3.txt" "$work/host4.txt"

# /: a port filter, then none.
keys /
keys 5 3 0 0
screen prompt 'port filter: 5300_' 3
keys Enter
screen port1 '\| port 5300 ' 3
keys / Enter
screen port2 '^ demuxsim [^|]*\| [0-9]+ frames' 3
diag="$work/prompt.txt $work/port1.txt $work/port2.txt"
check "/5300 Enter shows port 5300's sockets and decisions only; / Enter shows all again" \
	python3 -c '
import json, subprocess, sys
p, a, b = (json.loads(subprocess.check_output(["python3", sys.argv[1], f])) for f in sys.argv[2:5])
assert "port filter: 5300_" in p["status"], p["status"]
assert "| port 5300 " in a["status"], a["status"]
assert [r["local"] for r in a["rows"]] == ["10.99.0.2:5300"], a["rows"]
assert a["log"] and all(":5300 " in l for l in a["log"]), a["log"]
assert "port 5300" not in b["status"], b["status"]
locals_ = [r["local"] for r in b["rows"]]
assert "10.99.0.2:5300" in locals_ and "10.99.0.2:8080" in locals_, b["rows"]
' "$work/view.py" "$work/prompt.txt" "$work/port1.txt" "$work/port2.txt"
unset diag

tmux -L "$TMUX_SOCK" send-keys -t live q
for _ in $(seq 50); do
	tmux -L "$TMUX_SOCK" capture-pane -p -S -2000 -t live > "$work/screen3.txt"
	grep -q '^EXIT=' "$work/screen3.txt" && break
	sleep 0.1
done
diag="$work/screen3.txt"
check "q ends the view with the final report and status 0" \
	sh -c "grep -q '^EXIT=0' '$work/screen3.txt' &&
	       grep -q '^Host 10.99.0.2' '$work/screen3.txt' &&
	       grep -q 'refused: udp port 5399 from 10.99.0.1' '$work/screen3.txt' &&
	       grep -Eq 'packets? captured' '$work/screen3.txt'"
unset diag

# --- -r FILE --realtime through the full-screen view ---------------------------
# veth-ns.pcap spans 1.8 s: the view fills at that pace, shows the host of
# the latest segment, and q prints the report a read of the file gives
# (socket ids aside: read once, refusals leave gaps).
cp "$top/captures/veth-ns.pcap" "$work/veth-ns.pcap"
"$DEMUXSIM" -q -r "$work/veth-ns.pcap" > "$work/replay-file.txt" 2>&1
start=$(date +%s%N)
tmux -L "$TMUX_SOCK" new-session -d -s replay -x 100 -y 30 \
	"timeout --foreground 60 $DEMUXSIM -r $work/veth-ns.pcap --realtime; echo EXIT=\$?; sleep 60"
for _ in $(seq 100); do
	tmux -L "$TMUX_SOCK" capture-pane -p -t replay > "$work/replay1.txt"
	grep -q '| 57 frames' "$work/replay1.txt" && break
	sleep 0.1
done
took=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 1.2
tmux -L "$TMUX_SOCK" capture-pane -p -t replay > "$work/replay1.txt"
diag="$work/replay1.txt"
check "--realtime: the 57 frames at their pace (${took} ms), the latest host's sockets shown" \
	sh -c "test $took -ge 1500 && grep -q '| 57 frames' '$work/replay1.txt' &&
	       grep -q '^Host fd00:99::2 ' '$work/replay1.txt' &&
	       grep -Eq 'udp +UNCONN +\[fd00:99::2\]:5301 ' '$work/replay1.txt' &&
	       grep -Eq 'tcp +LISTEN +\[fd00:99::2\]:8081 ' '$work/replay1.txt' &&
	       grep -Eq 'tcp +CLOSED +\[fd00:99::2\]:8081 +\[fd00:99::1\]:41004 ' '$work/replay1.txt' &&
	       grep -q 'refused: udp port 5398 from \[fd00:99::1\]:40005' '$work/replay1.txt'"
tmux -L "$TMUX_SOCK" send-keys -t replay q
for _ in $(seq 50); do
	tmux -L "$TMUX_SOCK" capture-pane -p -J -S -2000 -t replay > "$work/replay2.txt"
	grep -q '^EXIT=' "$work/replay2.txt" && break
	sleep 0.1
done
diag="$work/replay2.txt $work/replay-file.txt"
check "--realtime: q ends with status 0 and the report of the file" \
	python3 -c '
import re, sys
screen, report = (open(p).read().splitlines() for p in sys.argv[1:3])
assert "EXIT=0" in screen, "no EXIT=0"
def norm(lines):   # socket ids left out
    out = []
    for l in lines:
        f = l.split()
        if len(f) == 9 and f[0] in ("udp", "tcp") and f[4].isdigit():
            del f[4]
        out.append(" ".join(f))
    return out
screen, report = norm(screen), norm(report)
body = report[report.index("Host 10.99.0.1"):]
missing = [l for l in body if l and l not in screen]
assert not missing, missing
' "$work/replay2.txt" "$work/replay-file.txt"
unset diag
exit $failed
