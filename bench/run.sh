#!/bin/sh
# bench/run.sh - the benchmark behind `make bench` (never part of `make check`).
#
# Generates two independent workloads with tests/gen/benchgen, both seeded:
# the main one (1,000,000 frames over 100,000 flows) and the many-host one
# (benchgen --pattern=manyhost: 100,000 client hosts with 1 to 7
# connections each, 4 on average, to 200 servers whose one listener each
# is reached by about 2,000 distinct clients; about 400,000 flows, 8
# frames each).  On each, side by side, it measures several times with the
# median reported (hyperfine when installed, else /usr/bin/time): the floor
# (bench/floor: libpcap reading every record and touching every byte),
# `demuxsim -q --format json`, `demuxsim --format jsonl > file`, both again
# with --threads BENCH_THREADS (default: the number of processors, at
# least 2), nfpcapd (`nfpcapd -r F -w DIR`, Debian's nfdump) and
# `tcptrace -n -C` when installed, and on a 200,000-frame slice the summary
# run, tshark and tcpdump when installed (a tool not installed is skipped
# with a note).  Then the per-packet cost and memory as the number of
# flows of the main generator grows; and what a pending IP datagram costs
# the reassembler, its estimate against RSS growth (bench/reasm-mem,
# 200,000 first fragments).
#
# Then `demuxsim -q --format json --threads T` on both workloads for T in
# BENCH_THREADS_SCALING (default "1 2 4 8": the table in T partitions of
# the hosts), each with its speedup over the first and the machine's
# processor count beside it, and --threads 2 against --threads 1.
#
# Prints the table, then each target of issue 13 beside the measured
# ratio, for both workloads, met or not met: summary run <= 3x the floor;
# jsonl to a file <= 8x; nfpcapd and tcptrace -C each >= 3x the summary
# run's time; tshark >= 30x on the slice; peak RSS < 128 MiB at 100,000
# flows; ns/packet within 1.5x over the scale series (10,000 to 10,000,000
# flows by default); bytes per socket (peak RSS growth over demuxsim on an
# empty capture, divided by the sockets) <= 160.  Writes the same as JSON
# to bench/results/<date>.json with a description of the machine and the
# configuration ("config": "reduced" is true when BENCH_RUNS, BENCH_SCALE
# or the flood section differ from the defaults).
#
# Environment: BENCH_CALLGRIND=1 adds the instructions per packet of the
# floor and the summary run on both workloads (valgrind's callgrind, some
# minutes); top_srcdir, top_builddir (set by make), BENCH_RUNS (runs per
# measurement, default 5; tshark, tcpdump, nfpcapd and tcptrace at most 3;
# at most 3 from 1,000,000 flows and 1 from 10,000,000), BENCH_SCALE (flow
# counts of the scale series, default "10000 100000 1000000 10000000"),
# BENCH_SCALE_FPF (frames per flow in that series, default 4),
# BENCH_SCALE_MEMORY (the --max-memory of that series, default three
# quarters of the machine's memory, with --max-sockets 100,000,000: the
# 10,000,000-flow run is given the memory its table needs instead of the
# default 1 GiB and 4,000,000 sockets, which evict),
# BENCH_MANYHOST_HOSTS (client hosts of the many-host workload, default
# 100000), BENCH_WORK (where captures go, default bench/work under the
# build tree), BENCH_KEEP=1 keeps the captures.
#
# The flood section runs a SYN flood (BENCH_FLOOD_SYNS SYNs, default
# 1,000,000, from random sources to one listener, 10,000 a second) and a
# UDP scan of every port of a host (benchgen --pattern) through `demuxsim
# -q --format json` with the default limits, BENCH_FLOOD_RUNS times each
# (default 3), and reports the sockets created and held and the entries
# expired and evicted from the report's "state", and the SYN cookies the
# listeners sent and got back.  BENCH_FLOOD=0 skips it.
set -eu

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
DEMUXSIM=${DEMUXSIM:-$builddir/src/demuxsim}
BENCHGEN=$builddir/tests/gen/benchgen
FLOOR=$builddir/bench/floor
CSUMBENCH=$builddir/bench/csum-bench
REASMMEM=$builddir/bench/reasm-mem
RUNS=${BENCH_RUNS:-5}
SCALE=${BENCH_SCALE:-10000 100000 1000000 10000000}
SCALE_FPF=${BENCH_SCALE_FPF:-4}
SCALE_MEM=${BENCH_SCALE_MEMORY:-$(awk '/^MemTotal:/ { printf "%dK", $2 * 3 / 4 }' /proc/meminfo 2>/dev/null)}
SCALE_MEM=${SCALE_MEM:-1G}
WORK=${BENCH_WORK:-$builddir/bench/work}
FLOWS=100000
FPF=10
SLICE=200000
SEED=1
FLOOD=${BENCH_FLOOD:-1}
FLOOD_SYNS=${BENCH_FLOOD_SYNS:-1000000}
FLOOD_RUNS=${BENCH_FLOOD_RUNS:-3}
THREADS=${BENCH_THREADS:-$(nproc)}
[ "$THREADS" -ge 2 ] || THREADS=2
MHOSTS=${BENCH_MANYHOST_HOSTS:-100000}
SCALING=${BENCH_THREADS_SCALING:-1 2 4 8}
TOOL_RUNS=$RUNS
[ "$TOOL_RUNS" -le 3 ] || TOOL_RUNS=3
reduced=false
[ "$RUNS" = 5 ] && [ "$SCALE" = "10000 100000 1000000 10000000" ] && [ "$SCALE_FPF" = 4 ] &&
	[ "$FLOOD" != 0 ] && [ "$FLOOD_SYNS" = 1000000 ] && [ "$MHOSTS" = 100000 ] || reduced=true

for p in "$DEMUXSIM" "$BENCHGEN" "$FLOOR"; do
	[ -x "$p" ] || { echo "bench: $p is not built (run make bench)" >&2; exit 1; }
done
mkdir -p "$WORK" "$srcdir/bench/results"
HYPERFINE=$(command -v hyperfine || true)
TIMEBIN=/usr/bin/time
[ -x "$TIMEBIN" ] || { echo "bench: needs GNU time at $TIMEBIN (apt-get install time)" >&2; exit 1; }
[ -n "$HYPERFINE" ] || echo "bench: hyperfine not installed; timing with $TIMEBIN (apt-get install hyperfine for finer timing)"

now_ns() { date +%s%N; }

# measure NAME RUNS CMD [head]: median wall time (s) of RUNS runs of the
# shell command CMD, and its peak RSS (KiB, over one extra run).  Sets
# M_WALL and M_RSS.  With "head", the first 64 KiB of the extra run's
# standard output are kept in $WORK/last.out (a summary report's counts
# come first: the rest, gigabytes for millions of sockets, is not
# written out; the peak is reached before the report).
measure() {
	name=$1 runs=$2 cmd=$3 keep=${4:-}
	if [ -n "$HYPERFINE" ] && [ "$runs" -gt 1 ]; then
		"$HYPERFINE" --style none --warmup 1 --runs "$runs" \
			--export-json "$WORK/hf.json" "$cmd" >/dev/null 2>&1 ||
			{ echo "bench: $name failed: $cmd" >&2; exit 1; }
		M_WALL=$(awk -F'[:,]' '/"median"/ { gsub(/ /, "", $2); print $2; exit }' "$WORK/hf.json")
	else
		times=""
		i=0
		while [ "$i" -lt "$runs" ]; do
			t0=$(now_ns)
			sh -c "$cmd" >/dev/null 2>&1 || { echo "bench: $name failed: $cmd" >&2; exit 1; }
			t1=$(now_ns)
			times="$times $(( t1 - t0 ))"
			i=$((i + 1))
		done
		M_WALL=$(echo $times | tr ' ' '\n' | sort -n |
			awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.6f", m / 1e9 }')
	fi
	if [ "$keep" = head ]; then
		{ "$TIMEBIN" -f '%M' -o "$WORK/rss" sh -c "$cmd" 2>/dev/null || true; } |
			head -c 65536 >"$WORK/last.out"
	elif [ "$keep" = ends ]; then
		# The report's head (its counts) and its tail (the "state").
		"$TIMEBIN" -f '%M' -o "$WORK/rss" sh -c "$cmd" 2>/dev/null |
			{ head -c 65536 >"$WORK/last.out"; tail -c 65536 >"$WORK/last.tail"; } ||
			{ echo "bench: $name failed: $cmd" >&2; exit 1; }
	else
		"$TIMEBIN" -f '%M' -o "$WORK/rss" sh -c "$cmd" >/dev/null 2>&1 ||
			{ echo "bench: $name failed: $cmd" >&2; exit 1; }
	fi
	M_RSS=$(tail -n 1 "$WORK/rss")
	printf '  %-56s %9.3f s  %8d KiB\n' "$name" "$M_WALL" "$M_RSS" >&2
}

# The socket count of a summary report in $WORK/last.out.
sockets_of_last() {
	awk '/^  "sockets": / { gsub(/[^0-9]/, "", $2); print $2; exit }' "$WORK/last.out"
}

gen() { # gen FILE FLOWS FPF [LIMIT]
	if [ ! -s "$1" ]; then
		"$BENCHGEN" --flows="$2" --frames-per-flow="$3" --seed=$SEED \
			${4:+--limit=$4} --out="$1.tmp" 2>/dev/null
		mv "$1.tmp" "$1"
	fi
}

# The measurements, as "WORKLOAD.RUN.wall=S WORKLOAD.RUN.rss=KIB ..."
# (and .sockets, .frames), for the tables and the JSON.
VALS=""
rec() { VALS="$VALS $1.$2.wall=$M_WALL $1.$2.rss=$M_RSS"; }
val() { # val WORKLOAD.RUN.FIELD: its value, or nothing
	for kv in $VALS; do
		[ "${kv%%=*}" = "$1" ] && { echo "${kv#*=}"; return; }
	done
}
notes=""
note() {
	case $notes in *"$1"*) ;; *) notes="$notes $1" ;; esac
	echo "bench: $1" >&2
}

# workload TAG CAPTURE SLICE: every run on one workload, recorded in VALS.
workload() {
	tag=$1 cap=$2 slice=$3
	fr=$("$FLOOR" "$cap" | awk '{ print $1 }')
	echo "bench: $tag workload: $fr frames ($RUNS runs each, median)" >&2
	VALS="$VALS $tag.floor.frames=$fr"
	measure "floor ($tag)" "$RUNS" "'$FLOOR' '$cap'"
	rec "$tag" floor
	measure "demuxsim -q --format json ($tag)" "$RUNS" "'$DEMUXSIM' -q --format json '$cap'" head
	rec "$tag" sum
	VALS="$VALS $tag.sum.sockets=$(sockets_of_last)"
	measure "demuxsim --format jsonl > file ($tag)" "$RUNS" "'$DEMUXSIM' --format jsonl '$cap' > '$WORK/out.jsonl'"
	rec "$tag" jsonl
	measure "demuxsim -q --format json --threads $THREADS ($tag)" "$RUNS" "'$DEMUXSIM' --threads $THREADS -q --format json '$cap'"
	rec "$tag" tsum
	measure "demuxsim --format jsonl --threads $THREADS > file ($tag)" "$RUNS" "'$DEMUXSIM' --threads $THREADS --format jsonl '$cap' > '$WORK/out.jsonl'"
	rec "$tag" tjsonl
	rm -f "$WORK/out.jsonl"
	if command -v nfpcapd >/dev/null 2>&1; then
		d=$WORK/nfpcapd
		measure "nfpcapd -r F -w DIR ($tag)" "$TOOL_RUNS" "rm -rf '$d' && mkdir '$d' && nfpcapd -r '$cap' -w '$d'"
		rec "$tag" nfpcapd
		rm -rf "$d"
	else
		note "nfpcapd not installed (apt-get install nfdump): skipped."
	fi
	if command -v tcptrace >/dev/null 2>&1; then
		measure "tcptrace -n -C ($tag)" "$TOOL_RUNS" "tcptrace -n -C '$cap'"
		rec "$tag" tcptrace
	else
		note "tcptrace not installed (apt-get install tcptrace): skipped."
	fi

	VALS="$VALS $tag.ssum.frames=$("$FLOOR" "$slice" | awk '{ print $1 }')"
	measure "demuxsim -q --format json ($tag slice)" "$RUNS" "'$DEMUXSIM' -q --format json '$slice'"
	rec "$tag" ssum
	measure "demuxsim -q --format json --threads $THREADS ($tag slice)" "$RUNS" "'$DEMUXSIM' --threads $THREADS -q --format json '$slice'"
	rec "$tag" tssum
	if command -v tshark >/dev/null 2>&1; then
		measure "tshark ($tag slice)" "$TOOL_RUNS" "tshark -r '$slice' -q -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -z conv,udp -z conv,tcp"
		rec "$tag" tshark
	else
		note "tshark not installed: skipped."
	fi
	if command -v tcpdump >/dev/null 2>&1; then
		measure "tcpdump -nn -vv ($tag slice)" "$TOOL_RUNS" "tcpdump -nn -vv -r '$slice'"
		rec "$tag" tcpdump
	else
		note "tcpdump not installed: skipped."
	fi
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
main_cap=$WORK/flows$FLOWS-fpf$FPF.pcap
slice_cap=$WORK/slice$SLICE.pcap
mh_cap=$WORK/manyhost$MHOSTS.pcap
mh_slice=$WORK/manyhost$MHOSTS-slice$SLICE.pcap
empty_cap=$WORK/empty.pcap
echo "bench: generating workloads in $WORK" >&2
gen "$main_cap" $FLOWS $FPF
gen "$slice_cap" $FLOWS $FPF $SLICE
for f in "$mh_cap" "$mh_slice"; do
	if [ ! -s "$f" ]; then
		lim=
		[ "$f" = "$mh_slice" ] && lim=--limit=$SLICE
		"$BENCHGEN" --pattern=manyhost --hosts="$MHOSTS" --seed=$SEED $lim --out="$f.tmp" 2>/dev/null
		mv "$f.tmp" "$f"
	fi
done
"$BENCHGEN" --limit=0 --out="$empty_cap" 2>/dev/null
frames=$((FLOWS * FPF))

# demuxsim's own peak RSS on a capture without a frame: what bytes per
# socket are counted from.
measure "demuxsim -q --format json (no frame)" 1 "'$DEMUXSIM' -q --format json '$empty_cap'"
VALS="$VALS empty.sum.rss=$M_RSS"
workload main "$main_cap" "$slice_cap"
workload manyhost "$mh_cap" "$mh_slice"

# BENCH_CALLGRIND=1: instructions executed (valgrind --tool=callgrind:
# deterministic, where wall time on a shared machine is not) by the floor
# and the summary run on each workload, per packet and as a ratio.
instr() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		awk '/refs:/ { gsub(/,/, "", $NF); print $NF }'
}
if [ "${BENCH_CALLGRIND:-0}" = 1 ]; then
	if command -v valgrind >/dev/null 2>&1; then
		for w in "main $main_cap" "manyhost $mh_cap"; do
			ctag=${w%% *} ccap=${w#* }
			fr=$(val "$ctag.floor.frames")
			f_ins=$(instr "$FLOOR" "$ccap")
			s_ins=$(instr "$DEMUXSIM" -q --format json "$ccap")
			awk -v t="$ctag" -v fr="$fr" -v fi="$f_ins" -v si="$s_ins" 'BEGIN {
				printf "  instructions (%s): floor %.0f/packet, -q --format json %.0f/packet, %.2fx\n",
				       t, fi / fr, si / fr, si / fi }' >&2
		done
	else
		note "valgrind not installed: instruction counts skipped."
	fi
fi

# --threads on the table: N partitions of the hosts, each on a thread of
# its own, on both workloads (-q --format json, where the table runs in
# partitions), with the machine's processors beside it.
NPROC=$(nproc)
scaling_rows=""
echo "bench: --threads scaling, the table in partitions ($NPROC processors; $TOOL_RUNS runs each, median)" >&2
for w in "main $main_cap" "manyhost $mh_cap"; do
	stag=${w%% *} scap=${w#* }
	for t in $SCALING; do
		measure "demuxsim -q --format json --threads $t ($stag)" "$TOOL_RUNS" "'$DEMUXSIM' --threads $t -q --format json '$scap'"
		scaling_rows="$scaling_rows $stag:$t:$M_WALL:$M_RSS"
	done
done

[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$mh_slice"
floor_wall=$(val main.floor.wall) floor_rss=$(val main.floor.rss)
sum_wall=$(val main.sum.wall) sum_rss=$(val main.sum.rss) sum_sockets=$(val main.sum.sockets)
jsonl_wall=$(val main.jsonl.wall) jsonl_rss=$(val main.jsonl.rss)
tsum_wall=$(val main.tsum.wall) tsum_rss=$(val main.tsum.rss)
tjsonl_wall=$(val main.tjsonl.wall) tjsonl_rss=$(val main.tjsonl.rss)
ssum_wall=$(val main.ssum.wall) ssum_rss=$(val main.ssum.rss)
tssum_wall=$(val main.tssum.wall) tssum_rss=$(val main.tssum.rss)
tshark_wall=$(val main.tshark.wall) tshark_rss=$(val main.tshark.rss)
tcpdump_wall=$(val main.tcpdump.wall) tcpdump_rss=$(val main.tcpdump.rss)

csum_line=""
if [ -x "$CSUMBENCH" ]; then
	echo "bench: checksum" >&2
	csum_line=$("$CSUMBENCH" 2>&1 | tr '\n' ';' | sed 's/;$//; s/;/; /g')
	echo "  $csum_line" >&2
fi

reasm_line=""
if [ -x "$REASMMEM" ]; then
	echo "bench: reassembly memory" >&2
	reasm_line=$("$REASMMEM" 200000 256 2>&1)
	echo "  $reasm_line" >&2
fi

echo "bench: scale: $SCALE_FPF frames per flow, --max-memory $SCALE_MEM" >&2
scale_rows=""
for n in $SCALE; do
	cap=$WORK/flows$n-fpf$SCALE_FPF.pcap
	gen "$cap" "$n" "$SCALE_FPF"
	runs=$RUNS
	[ "$n" -ge 1000000 ] && [ "$runs" -gt 3 ] && runs=3
	[ "$n" -ge 10000000 ] && runs=1
	measure "demuxsim -q --format json ($n flows)" "$runs" \
		"'$DEMUXSIM' -q --format json --max-memory $SCALE_MEM --max-sockets 100000000 '$cap'" head
	fr=$((n * SCALE_FPF))
	scale_rows="$scale_rows $n:$fr:$M_WALL:$M_RSS:$(sockets_of_last):$runs"
	[ "${BENCH_KEEP:-0}" = 1 ] || [ "$n" -le 1000000 ] || rm -f "$cap"
done

# The flood workloads: "created held peak_sockets peak_memory expired
# evicted" of the report in $WORK/last.out and $WORK/last.tail (expired:
# timeouts; evicted: over a limit; 0 when the report has no "state").
state_of_last() {
	awk -v created="$(sockets_of_last)" '
		# Members of "state" by path: "retired.syn-timeout" is not
		# "forgotten_hosts_retired.syn-timeout".
		/^  "state": \{/ { on = 1; next }
		on && /^  \}/ { on = 0 }
		on && /^    "[a-z_-]+": \{/ { sect = $1; gsub(/[":]/, "", sect); next }
		on && /^    \}/ { sect = ""; next }
		on && /^ *"[a-z_-]+": [0-9]+/ {
			k = $1; gsub(/[":]/, "", k); v = $2; gsub(/[^0-9]/, "", v)
			s[(sect == "" ? "" : sect ".") k] = v
		}
		END {
			held = ("sockets_held" in s) ? s["sockets_held"] : created
			ex = s["retired.syn-timeout"] + s["retired.time-wait-timeout"] + s["retired.closed-timeout"] + s["retired.udp-idle"]
			ev = s["retired.evicted-half-open"] + s["retired.forgotten"] + s["retired.evicted-closed"] + s["retired.evicted-udp"] + s["retired.evicted-connection"]
			printf "%d %d %d %d %d %d\n", created, held, ("peak_sockets" in s) ? s["peak_sockets"] : held, s["peak_memory"] + 0, ex, ev
		}' "$WORK/last.tail"
}

flood_rows=""
if [ "$FLOOD" != 0 ]; then
	echo "bench: floods ($FLOOD_RUNS runs each, median; default limits)" >&2
	for pat in synflood udpscan; do
		cap=$WORK/$pat.pcap
		count=$FLOOD_SYNS
		[ "$pat" = udpscan ] && count=65535
		if [ ! -s "$cap" ]; then
			"$BENCHGEN" --pattern=$pat --count="$count" --seed=$SEED --out="$cap.tmp" 2>/dev/null
			mv "$cap.tmp" "$cap"
		fi
		fr=$("$FLOOR" "$cap" | awk '{ print $1 }')
		measure "demuxsim -q --format json ($pat)" "$FLOOD_RUNS" "'$DEMUXSIM' -q --format json '$cap'" ends
		set -- $(state_of_last)
		# The SYN cookies the listeners sent and got back (one more run:
		# the listeners are not in the head or tail kept above).
		ck=$("$DEMUXSIM" -q --format json "$cap" | awk '
			/"syncookies_sent":/ { v = $2; gsub(/[^0-9]/, "", v); sent += v }
			/"syncookies_used":/ { v = $2; gsub(/[^0-9]/, "", v); used += v }
			END { printf "%d:%d", sent, used }')
		flood_rows="$flood_rows $pat:$count:${fr:-0}:$M_WALL:$M_RSS:$1:$2:$3:$4:$5:$6:$ck"
		[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$cap"
	done
else
	echo "bench: floods skipped (BENCH_FLOOD=0)" >&2
fi
rm -f "$WORK/last.out" "$WORK/last.tail" "$WORK/rss" "$WORK/hf.json"

# Machine and versions; the load average says whether other work shared
# the machine during the run.
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
ncpu=$(nproc)
mem_kib=$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)
cc_ver=$(${CC:-cc} --version 2>/dev/null | head -n 1)
dm_ver=$("$DEMUXSIM" --version)
pcap_ver=$(tcpdump --version 2>&1 | sed -n 's/^libpcap version //p' | head -n 1)
tshark_ver=$(tshark --version 2>/dev/null | head -n 1 || true)
tcpdump_ver=$(tcpdump --version 2>&1 | head -n 1 || true)
nfdump_ver=$(dpkg-query -W -f='${Version}' nfdump 2>/dev/null || true)
tcptrace_ver=$(dpkg-query -W -f='${Version}' tcptrace 2>/dev/null || true)
hf_ver=$([ -n "$HYPERFINE" ] && "$HYPERFINE" --version || echo "none (GNU time)")
commit=$(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
result=$srcdir/bench/results/$stamp.json

jstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
num_or_null() { [ -n "$1" ] && echo "$1" || echo null; }

# The scale series as a table, or (json) as its rows.
awk_table() {
	awk -v rows="$scale_rows" -v mode="$1" '
	BEGIN {
		if (mode == "table")
			printf "\n%-10s %10s %10s %10s %10s %10s\n", "flows", "frames", "ns/packet", "RSS MiB", "sockets", "B/socket"
		n = split(rows, r, " ")
		prev_rss = ""; prev_socks = ""
		for (i = 1; i <= n; i++) {
			split(r[i], f, ":")
			ns = f[3] * 1e9 / f[2]
			per = (prev_socks != "" && f[5] > prev_socks) ? (f[4] - prev_rss) * 1024 / (f[5] - prev_socks) : -1
			if (mode == "table")
				printf "%-10d %10d %10.0f %10.1f %10d %10s\n", f[1], f[2], ns, f[4] / 1024, f[5], per < 0 ? "-" : sprintf("%.0f", per)
			else
				printf "%s    { \"flows\": %d, \"frames\": %d, \"runs\": %d, \"wall_s\": %s, \"ns_per_packet\": %.1f, \"peak_rss_kib\": %d, \"sockets\": %d, \"bytes_per_socket_marginal\": %s }", (i > 1 ? ",\n" : ""), f[1], f[2], f[6], f[3], ns, f[4], f[5], per < 0 ? "null" : sprintf("%.1f", per)
			prev_rss = f[4]; prev_socks = f[5]
		}
		if (mode == "table")
			print "\nB/socket: growth of peak RSS over growth of sockets from the row above."
	}'
}

# The runs of both workloads side by side (table), or (json) the runs of
# one workload ($2) as members of an object.
runs_table() {
	awk -v vals="$VALS" -v mode="$1" -v w="${2:-}" -v nt="$THREADS" '
	BEGIN {
		n = split(vals, kv, " ")
		for (i = 1; i <= n; i++) { e = index(kv[i], "="); v[substr(kv[i], 1, e - 1)] = substr(kv[i], e + 1) }
		k = split("floor sum jsonl tsum tjsonl nfpcapd tcptrace ssum tssum tshark tcpdump", key, " ")
		label["floor"] = "floor (libpcap, every byte)"
		label["sum"] = "demuxsim -q --format json"
		label["jsonl"] = "demuxsim --format jsonl > file"
		label["tsum"] = "demuxsim -q --format json --threads " nt
		label["tjsonl"] = "demuxsim --format jsonl --threads " nt
		label["nfpcapd"] = "nfpcapd -r F -w DIR"
		label["tcptrace"] = "tcptrace -n -C"
		label["ssum"] = "demuxsim -q --format json, slice"
		label["tssum"] = "same, --threads " nt ", slice"
		label["tshark"] = "tshark, slice"
		label["tcpdump"] = "tcpdump -nn -vv, slice"
		if (mode == "table") {
			printf "%-40s | %-31s | %-31s\n", "", "main (" v["main.floor.frames"] " frames)", "manyhost (" v["manyhost.floor.frames"] " frames)"
			printf "%-40s | %9s %11s %9s | %9s %11s %9s\n", "run", "wall s", "packets/s", "RSS MiB", "wall s", "packets/s", "RSS MiB"
		}
		sep = ""
		for (i = 1; i <= k; i++) {
			r = key[i]
			if (mode == "json") {
				if (!((w "." r ".wall") in v)) continue
				printf "%s      \"%s\": { \"command\": \"%s\", \"wall_s\": %s, \"peak_rss_kib\": %s }", sep, r, label[r], v[w "." r ".wall"], v[w "." r ".rss"]
				sep = ",\n"
				continue
			}
			line = sprintf("%-40s", label[r])
			for (j = 1; j <= 2; j++) {
				t = j == 1 ? "main" : "manyhost"
				fr = v[t "." (r ~ /^t?ssum$|tshark|tcpdump/ ? "ssum" : "floor") ".frames"]
				if ((t "." r ".wall") in v)
					line = line sprintf(" | %9.3f %11.0f %9.1f", v[t "." r ".wall"], fr / v[t "." r ".wall"], v[t "." r ".rss"] / 1024)
				else
					line = line sprintf(" | %31s", "skipped")
			}
			print line
		}
	}'
}

# Each target of issue 13 against both workloads: a table, or (json) the
# members of "targets".
targets_table() {
	awk -v vals="$VALS" -v rows="$scale_rows" -v mode="$1" -v nt="$THREADS" '
	function ratio(w, a, b) {
		return ((w "." a ".wall") in v && (w "." b ".wall") in v) ? v[w "." a ".wall"] / v[w "." b ".wall"] : ""
	}
	function verdict(x, op, t) {
		if (x == "") return "-"
		return (op == "<=" ? x <= t : op == ">=" ? x >= t : x < t) ? "met" : "not met"
	}
	function out(id, name, w, x, op, t, unit, fmt) {
		if (mode == "table") {
			cell[w] = x == "" ? "-" : sprintf(fmt unit " %s", x, verdict(x, op, t))
			if (w == "main") return
			printf "%-40s %-20s %-20s %s %s%s\n", name, cell["main"], cell["manyhost"], op, t, unit
			return
		}
		printf "%s    { \"target\": \"%s\", \"workload\": \"%s\", \"value\": %s, \"op\": \"%s\", \"limit\": %s, \"met\": %s }", sep, id, w, x == "" ? "null" : sprintf("%.3f", x), op, t, x == "" ? "null" : (verdict(x, op, t) == "met" ? "true" : "false")
		sep = ",\n"
	}
	BEGIN {
		n = split(vals, kv, " ")
		for (i = 1; i <= n; i++) { e = index(kv[i], "="); v[substr(kv[i], 1, e - 1)] = substr(kv[i], e + 1) }
		if (mode == "table")
			printf "\n%-40s %-20s %-20s %s\n", "target", "main", "manyhost", "goal"
		for (j = 1; j <= 2; j++) {
			w = j == 1 ? "main" : "manyhost"
			tw[j] = w
		}
		for (j = 1; j <= 2; j++) out("summary_over_floor", "summary run / floor", tw[j], ratio(tw[j], "sum", "floor"), "<=", 3, "x", "%.2f")
		for (j = 1; j <= 2; j++) out("summary_threads_over_floor", "same, --threads " nt, tw[j], ratio(tw[j], "tsum", "floor"), "<=", 3, "x", "%.2f")
		for (j = 1; j <= 2; j++) out("jsonl_over_floor", "jsonl to a file / floor", tw[j], ratio(tw[j], "jsonl", "floor"), "<=", 8, "x", "%.2f")
		for (j = 1; j <= 2; j++) out("jsonl_threads_over_floor", "same, --threads " nt, tw[j], ratio(tw[j], "tjsonl", "floor"), "<=", 8, "x", "%.2f")
		for (j = 1; j <= 2; j++) out("nfpcapd_over_summary", "nfpcapd / summary run", tw[j], ratio(tw[j], "nfpcapd", "sum"), ">=", 3, "x", "%.2f")
		for (j = 1; j <= 2; j++) out("tcptrace_over_summary", "tcptrace -n -C / summary run", tw[j], ratio(tw[j], "tcptrace", "sum"), ">=", 3, "x", "%.2f")
		for (j = 1; j <= 2; j++) out("tshark_over_summary_slice", "tshark / summary run, 200k slice", tw[j], ratio(tw[j], "tshark", "ssum"), ">=", 30, "x", "%.1f")
		for (j = 1; j <= 2; j++) {
			# The RSS target is for 100,000 flows: the main workload.
			x = tw[j] == "main" ? v["main.sum.rss"] / 1024 : ""
			out("peak_rss_mib_100k_flows", "peak RSS MiB, 100k flows (main)", tw[j], x, "<", 128, "", "%.1f")
		}
		for (j = 1; j <= 2; j++) {
			s = v[tw[j] ".sum.sockets"]
			x = s > 0 ? (v[tw[j] ".sum.rss"] - v["empty.sum.rss"]) * 1024 / s : ""
			out("bytes_per_socket", "bytes/socket (RSS growth / sockets)", tw[j], x, "<=", 160, "", "%.0f")
		}
		m = split(rows, r, " "); lo = ""; hi = ""
		for (i = 1; i <= m; i++) {
			split(r[i], f, ":"); ns = f[3] * 1e9 / f[2]
			if (lo == "" || ns < lo) lo = ns
			if (hi == "" || ns > hi) hi = ns
			if (i == 1) first = f[1]
			last = f[1]
		}
		x = m > 1 ? hi / lo : ""
		out("ns_per_packet_spread", "ns/packet max/min, " first "-" last " flows", "main", x, "<=", 1.5, "x", "%.2f")
		out("ns_per_packet_spread", "ns/packet max/min, " first "-" last " flows", "manyhost", "", "<=", 1.5, "x", "%.2f")
		if (mode == "table") {
			print "(bytes/socket: peak RSS of the summary run less that of demuxsim on a capture"
			print " without a frame, over the sockets made; ns/packet: the scale series below)"
		}
	}'
}

# The flood rows as a table, or (json) as the members of "flood".
# The --threads series: each row's speedup over the series' first (one
# table); "--threads 2 vs 1" once per workload.
scaling_table() {
	awk -v rows="$scaling_rows" -v mode="$1" -v np="$NPROC" 'BEGIN {
		n = split(rows, r, " ")
		if (mode == "table" && n > 0)
			printf "\n%-10s %8s %10s %9s %10s   (%d processors)\n", "workload", "threads", "wall s", "speedup", "RSS MiB", np
		for (i = 1; i <= n; i++) {
			split(r[i], f, ":")
			if (!(f[1] in base)) base[f[1]] = f[3]
			if (f[2] == 1) one[f[1]] = f[3]
			if (f[2] == 2) two[f[1]] = f[3]
			sp = (f[3] > 0) ? base[f[1]] / f[3] : 0
			if (mode == "table")
				printf "%-10s %8d %10.3f %8.2fx %10.1f\n", f[1], f[2], f[3], sp, f[4] / 1024
			else
				printf "%s      { \"workload\": \"%s\", \"threads\": %d, \"wall_s\": %s, \"peak_rss_kib\": %s, \"speedup\": %.3f }", (i > 1 ? ",\n" : ""), f[1], f[2], f[3], f[4], sp
		}
		if (mode == "table")
			for (w in one)
				if (w in two)
					printf "--threads 2 vs --threads 1 (%s): %.3f s vs %.3f s, %.2fx\n", w, two[w], one[w], one[w] / two[w]
	}'
}

flood_table() {
	awk -v rows="$flood_rows" -v mode="$1" 'BEGIN {
		n = split(rows, r, " ")
		if (mode == "table" && n > 0)
			printf "\n%-9s %8s %8s %8s %8s %9s %8s %8s %8s %9s %8s %6s\n", "flood", "count", "frames", "wall s", "RSS MiB", "created", "held", "expired", "evicted", "state MiB", "cookies", "used"
		for (i = 1; i <= n; i++) {
			split(r[i], f, ":")
			if (mode == "table")
				printf "%-9s %8d %8d %8.3f %8.1f %9d %8d %8d %8d %9.1f %8d %6d\n", f[1], f[2], f[3], f[4], f[5] / 1024, f[6], f[7], f[10], f[11], f[9] / 1048576, f[12], f[13]
			else
				printf "%s    \"%s\": { \"count\": %d, \"frames\": %d, \"wall_s\": %s, \"peak_rss_kib\": %d, \"sockets_created\": %d, \"sockets_held\": %d, \"peak_sockets\": %d, \"peak_state_bytes\": %d, \"expired\": %d, \"evicted\": %d, \"syncookies_sent\": %d, \"syncookies_used\": %d }", (i > 1 ? ",\n" : ""), f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13]
		}
		if (mode == "table" && n > 0)
			print "(default limits; count: SYNs or ports; state MiB: the report'"'"'s peak estimate, 0 when nothing was retired; cookies, used: SYN cookies the listeners sent, and that came back)"
	}'
}

echo >&2
runs_table table
targets_table table
awk_table table
scaling_table table
flood_table table

{
	printf '{\n  "date": "%s",\n  "commit": "%s",\n' "$stamp" "$commit"
	printf '  "machine": { "cpu": %s, "nproc": %s, "mem_kib": %s, "compiler": %s,\n' \
		"$(jstr "$cpu")" "$ncpu" "$mem_kib" "$(jstr "$cc_ver")"
	printf '    "loadavg_before": %s, "loadavg_after": %s,\n' \
		"$(jstr "$load_before")" "$(jstr "$load_after")"
	printf '    "demuxsim": %s, "libpcap": %s, "tshark": %s, "tcpdump": %s, "timer": %s },\n' \
		"$(jstr "$dm_ver")" "$(jstr "$pcap_ver")" "$(jstr "$tshark_ver")" \
		"$(jstr "$tcpdump_ver")" "$(jstr "$hf_ver")"
	printf '  "workload": { "generator": "tests/gen/benchgen", "seed": %d, "flows": %d, "frames_per_flow": %d, "frames": %d, "slice_frames": %d, "runs": %d, "threads": %d },\n' \
		$SEED $FLOWS $FPF $frames $SLICE "$RUNS" "$THREADS"
	printf '  "runs": {\n'
	printf '    "floor": { "wall_s": %s, "peak_rss_kib": %s },\n' "$floor_wall" "$floor_rss"
	printf '    "summary": { "command": "demuxsim -q --format json", "wall_s": %s, "peak_rss_kib": %s, "sockets": %s },\n' "$sum_wall" "$sum_rss" "$sum_sockets"
	printf '    "jsonl": { "command": "demuxsim --format jsonl > file", "wall_s": %s, "peak_rss_kib": %s },\n' "$jsonl_wall" "$jsonl_rss"
	printf '    "summary_threads": { "command": "demuxsim --threads %d -q --format json", "wall_s": %s, "peak_rss_kib": %s },\n' "$THREADS" "$tsum_wall" "$tsum_rss"
	printf '    "jsonl_threads": { "command": "demuxsim --threads %d --format jsonl > file", "wall_s": %s, "peak_rss_kib": %s },\n' "$THREADS" "$tjsonl_wall" "$tjsonl_rss"
	printf '    "slice_summary": { "wall_s": %s, "peak_rss_kib": %s },\n' "$ssum_wall" "$ssum_rss"
	printf '    "slice_summary_threads": { "wall_s": %s, "peak_rss_kib": %s },\n' "$tssum_wall" "$tssum_rss"
	printf '    "slice_tshark": { "wall_s": %s, "peak_rss_kib": %s },\n' "$(num_or_null "$tshark_wall")" "$(num_or_null "$tshark_rss")"
	printf '    "slice_tcpdump": { "wall_s": %s, "peak_rss_kib": %s }\n' "$(num_or_null "$tcpdump_wall")" "$(num_or_null "$tcpdump_rss")"
	printf '  },\n'
	awk -v sw="$sum_wall" -v jw="$jsonl_wall" -v fw="$floor_wall" -v tw="$tshark_wall" \
	    -v dw="$tcpdump_wall" -v ssw="$ssum_wall" -v tsw="$tsum_wall" -v tjw="$tjsonl_wall" \
	    -v tssw="$tssum_wall" 'BEGIN {
		printf "  \"ratios\": { \"summary_over_floor\": %.3f, \"jsonl_over_floor\": %.3f, ", sw / fw, jw / fw
		printf "\"summary_threads_over_floor\": %.3f, \"jsonl_threads_over_floor\": %.3f, ", tsw / fw, tjw / fw
		printf "\"tshark_over_demuxsim_threads\": %s, ", tw == "" ? "null" : sprintf("%.2f", tw / tssw)
		printf "\"tshark_over_demuxsim\": %s, ", tw == "" ? "null" : sprintf("%.2f", tw / ssw)
		printf "\"tcpdump_over_demuxsim\": %s },\n", dw == "" ? "null" : sprintf("%.2f", dw / ssw)
	}'
	printf '  "config": { "runs": %s, "tool_runs": %s, "scale": %s, "scale_frames_per_flow": %s, "flood": %s, "flood_syns": %s, "manyhost_hosts": %s, "reduced": %s },\n' \
		"$RUNS" "$TOOL_RUNS" "$(jstr "$SCALE")" "$SCALE_FPF" "$( [ "$FLOOD" != 0 ] && echo true || echo false)" \
		"$FLOOD_SYNS" "$MHOSTS" "$reduced"
	printf '  "tools": { "nfdump": %s, "tcptrace": %s },\n' "$(jstr "$nfdump_ver")" "$(jstr "$tcptrace_ver")"
	printf '  "workloads": {\n'
	for w in main manyhost; do
		case $w in
		main) g="benchgen --flows=$FLOWS --frames-per-flow=$FPF --seed=$SEED" ;;
		*) g="benchgen --pattern=manyhost --hosts=$MHOSTS --seed=$SEED" ;;
		esac
		printf '    "%s": { "generator": %s, "frames": %s, "slice_frames": %s, "sockets": %s, "runs": {\n' \
			"$w" "$(jstr "$g")" "$(val $w.floor.frames)" "$(val $w.ssum.frames)" "$(val $w.sum.sockets)"
		runs_table json "$w"
		[ "$w" = main ] && printf '\n    } },\n' || printf '\n    } }\n'
	done
	printf '  },\n  "empty_capture_peak_rss_kib": %s,\n' "$(val empty.sum.rss)"
	printf '  "targets": [\n'
	targets_table json
	printf '\n  ],\n'
	printf '  "checksum_bench": %s,\n' "$( [ -n "$csum_line" ] && jstr "$csum_line" || echo null)"
	printf '  "reasm_memory": %s,\n' "$( [ -n "$reasm_line" ] && jstr "$reasm_line" || echo null)"
	if [ -n "$flood_rows" ]; then
		printf '  "flood": {\n'
		flood_table json
		printf '\n  },\n'
	else
		printf '  "flood": null,\n'
	fi
	printf '  "threads_scaling": { "nproc": %d, "rows": [\n' "$NPROC"
	scaling_table json
	printf '\n  ] },\n'
	printf '  "scale": { "frames_per_flow": %d, "max_memory": "%s", "rows": [\n' "$SCALE_FPF" "$SCALE_MEM"
	awk_table json
	printf '\n  ] },\n  "notes": %s\n}\n' "$(jstr "${notes# }")"
} >"$result"
echo "bench: load average $load_before before, $load_after after; results written to $result" >&2
[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$slice_cap" "$empty_cap"
