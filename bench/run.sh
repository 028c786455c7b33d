#!/bin/sh
# bench/run.sh - the benchmark behind `make bench` (never part of `make check`).
#
# Generates the workloads with tests/gen/benchgen, then measures, each several
# times with the median reported (hyperfine when installed, else
# /usr/bin/time): the floor (bench/floor: libpcap reading every record and
# touching every byte), `demuxsim -q --format json`, `demuxsim --format
# jsonl > file`, and on a 200,000-frame slice tshark and tcpdump when
# installed; then the per-packet cost and memory as the number of flows
# grows; and what a pending IP datagram costs the reassembler,
# its estimate against RSS growth (bench/reasm-mem, 200,000 first
# fragments).  Prints a table and writes the same as JSON to
# bench/results/<date>.json with a description of the machine.
#
# The summary, jsonl and slice runs are measured single-threaded and with
# --threads BENCH_THREADS (default: the number of processors, at least 2).
#
# Environment: top_srcdir, top_builddir (set by make), BENCH_RUNS (runs per
# measurement, default 5; at most 3 from 1,000,000 flows and 1 from
# 10,000,000), BENCH_SCALE (flow counts of the scale series,
# default "10000 100000 1000000 10000000"), BENCH_SCALE_FPF (frames per flow
# in that series, default 4), BENCH_WORK (where captures go, default
# bench/work under the build tree), BENCH_KEEP=1 keeps the captures.
#
# The flood section runs a SYN flood (BENCH_FLOOD_SYNS SYNs, default
# 1,000,000, from random sources to one listener, 10,000 a second) and a
# UDP scan of every port of a host (benchgen --pattern) through `demuxsim
# -q --format json` with the default limits, BENCH_FLOOD_RUNS times each
# (default 3), and reports the sockets created and held and the entries
# expired and evicted from the report's "state".  BENCH_FLOOD=0 skips it.
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
	printf '  %-34s %9.3f s  %8d KiB\n' "$name" "$M_WALL" "$M_RSS" >&2
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

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
main_cap=$WORK/flows$FLOWS-fpf$FPF.pcap
slice_cap=$WORK/slice$SLICE.pcap
echo "bench: generating workloads in $WORK" >&2
gen "$main_cap" $FLOWS $FPF
gen "$slice_cap" $FLOWS $FPF $SLICE
frames=$((FLOWS * FPF))

echo "bench: main workload: $frames frames, $FLOWS flows ($RUNS runs each, median)" >&2
measure floor "$RUNS" "'$FLOOR' '$main_cap'"
floor_wall=$M_WALL floor_rss=$M_RSS
measure "demuxsim -q --format json" "$RUNS" "'$DEMUXSIM' -q --format json '$main_cap'" head
sum_wall=$M_WALL sum_rss=$M_RSS sum_sockets=$(sockets_of_last)
measure "demuxsim --format jsonl > file" "$RUNS" "'$DEMUXSIM' --format jsonl '$main_cap' > '$WORK/out.jsonl'"
jsonl_wall=$M_WALL jsonl_rss=$M_RSS
measure "demuxsim -q --format json --threads $THREADS" "$RUNS" "'$DEMUXSIM' --threads $THREADS -q --format json '$main_cap'"
tsum_wall=$M_WALL tsum_rss=$M_RSS
measure "demuxsim --format jsonl --threads $THREADS > file" "$RUNS" "'$DEMUXSIM' --threads $THREADS --format jsonl '$main_cap' > '$WORK/out.jsonl'"
tjsonl_wall=$M_WALL tjsonl_rss=$M_RSS
rm -f "$WORK/out.jsonl"

echo "bench: slice: the first $SLICE frames" >&2
measure "demuxsim -q --format json (slice)" "$RUNS" "'$DEMUXSIM' -q --format json '$slice_cap'"
ssum_wall=$M_WALL ssum_rss=$M_RSS
measure "demuxsim -q --format json --threads $THREADS (slice)" "$RUNS" "'$DEMUXSIM' --threads $THREADS -q --format json '$slice_cap'"
tssum_wall=$M_WALL tssum_rss=$M_RSS
tshark_wall="" tshark_rss="" tcpdump_wall="" tcpdump_rss="" notes=""
if command -v tshark >/dev/null 2>&1; then
	measure "tshark (slice)" 3 "tshark -r '$slice_cap' -q -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -z conv,udp -z conv,tcp"
	tshark_wall=$M_WALL tshark_rss=$M_RSS
else
	notes="$notes tshark not installed: skipped."
	echo "bench: tshark not installed: skipped" >&2
fi
if command -v tcpdump >/dev/null 2>&1; then
	measure "tcpdump -nn -vv (slice)" 3 "tcpdump -nn -vv -r '$slice_cap'"
	tcpdump_wall=$M_WALL tcpdump_rss=$M_RSS
else
	notes="$notes tcpdump not installed: skipped."
	echo "bench: tcpdump not installed: skipped" >&2
fi

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

echo "bench: scale: $SCALE_FPF frames per flow" >&2
scale_rows=""
for n in $SCALE; do
	cap=$WORK/flows$n-fpf$SCALE_FPF.pcap
	gen "$cap" "$n" "$SCALE_FPF"
	runs=$RUNS
	[ "$n" -ge 1000000 ] && [ "$runs" -gt 3 ] && runs=3
	[ "$n" -ge 10000000 ] && runs=1
	measure "demuxsim -q --format json ($n flows)" "$runs" "'$DEMUXSIM' -q --format json '$cap'" head
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
		flood_rows="$flood_rows $pat:$count:${fr:-0}:$M_WALL:$M_RSS:$1:$2:$3:$4:$5:$6"
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
hf_ver=$([ -n "$HYPERFINE" ] && "$HYPERFINE" --version || echo "none (GNU time)")
commit=$(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
result=$srcdir/bench/results/$stamp.json

jstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
num_or_null() { [ -n "$1" ] && echo "$1" || echo null; }

awk_table() {
	awk -v frames=$frames -v slice=$SLICE \
	    -v fw="$floor_wall" -v fr="$floor_rss" \
	    -v sw="$sum_wall" -v sr="$sum_rss" -v socks="$sum_sockets" \
	    -v jw="$jsonl_wall" -v jr="$jsonl_rss" \
	    -v ssw="$ssum_wall" -v ssr="$ssum_rss" -v nt="$THREADS" \
	    -v tsw="$tsum_wall" -v tsr="$tsum_rss" -v tjw="$tjsonl_wall" -v tjr="$tjsonl_rss" \
	    -v tssw="$tssum_wall" -v tssr="$tssum_rss" \
	    -v tw="$tshark_wall" -v tr="$tshark_rss" -v dw="$tcpdump_wall" -v dr="$tcpdump_rss" \
	    -v rows="$scale_rows" -v mode="$1" '
	function row(name, n, w, r) {
		printf "%-44s %9.3f %12.0f %10.1f\n", name, w, n / w, r / 1024
	}
	BEGIN {
		if (mode == "table") {
			printf "%-44s %9s %12s %10s\n", "run", "wall s", "packets/s", "RSS MiB"
			row("floor (libpcap, every byte)", frames, fw, fr)
			row("demuxsim -q --format json", frames, sw, sr)
			row("demuxsim --format jsonl > file", frames, jw, jr)
			row("demuxsim -q --format json --threads " nt, frames, tsw, tsr)
			row("demuxsim --format jsonl --threads " nt, frames, tjw, tjr)
			row("demuxsim -q --format json, slice", slice, ssw, ssr)
			row("same, --threads " nt ", slice", slice, tssw, tssr)
			if (tw != "") row("tshark, slice", slice, tw, tr)
			if (dw != "") row("tcpdump -nn -vv, slice", slice, dw, dr)
			printf "\nratios, one thread: summary/floor %.2fx (target <= 3), jsonl/floor %.2fx (target <= 8)", sw / fw, jw / fw
			if (tw != "") printf ", tshark/demuxsim %.1fx (target >= 30)", tw / ssw
			if (dw != "") printf ", tcpdump/demuxsim %.1fx", dw / ssw
			printf "\nratios, --threads %d: summary/floor %.2fx, jsonl/floor %.2fx", nt, tsw / fw, tjw / fw
			if (tw != "") printf ", tshark/demuxsim %.1fx", tw / tssw
			printf "\n\n%-10s %10s %10s %10s %10s %10s\n", "flows", "frames", "ns/packet", "RSS MiB", "sockets", "B/socket"
		}
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

# The flood rows as a table, or (json) as the members of "flood".
flood_table() {
	awk -v rows="$flood_rows" -v mode="$1" 'BEGIN {
		n = split(rows, r, " ")
		if (mode == "table" && n > 0)
			printf "\n%-9s %8s %8s %8s %8s %9s %8s %8s %8s %9s\n", "flood", "count", "frames", "wall s", "RSS MiB", "created", "held", "expired", "evicted", "state MiB"
		for (i = 1; i <= n; i++) {
			split(r[i], f, ":")
			if (mode == "table")
				printf "%-9s %8d %8d %8.3f %8.1f %9d %8d %8d %8d %9.1f\n", f[1], f[2], f[3], f[4], f[5] / 1024, f[6], f[7], f[10], f[11], f[9] / 1048576
			else
				printf "%s    \"%s\": { \"count\": %d, \"frames\": %d, \"wall_s\": %s, \"peak_rss_kib\": %d, \"sockets_created\": %d, \"sockets_held\": %d, \"peak_sockets\": %d, \"peak_state_bytes\": %d, \"expired\": %d, \"evicted\": %d }", (i > 1 ? ",\n" : ""), f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]
		}
		if (mode == "table" && n > 0)
			print "(default limits; count: SYNs or ports; state MiB: the report'"'"'s peak estimate, 0 when nothing was retired)"
	}'
}

echo >&2
awk_table table
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
	printf '  "checksum_bench": %s,\n' "$( [ -n "$csum_line" ] && jstr "$csum_line" || echo null)"
	printf '  "reasm_memory": %s,\n' "$( [ -n "$reasm_line" ] && jstr "$reasm_line" || echo null)"
	if [ -n "$flood_rows" ]; then
		printf '  "flood": {\n'
		flood_table json
		printf '\n  },\n'
	else
		printf '  "flood": null,\n'
	fi
	printf '  "scale": { "frames_per_flow": %d, "rows": [\n' "$SCALE_FPF"
	awk_table json
	printf '\n  ] },\n  "notes": %s\n}\n' "$(jstr "${notes# }")"
} >"$result"
echo "bench: load average $load_before before, $load_after after; results written to $result" >&2
[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$slice_cap"
