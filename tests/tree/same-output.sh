#!/bin/sh
# same-output.sh OLD NEW [CAPTURE...] - run two demuxsim binaries on every
# capture (default: captures/, tests/regress/ and, when present, the
# shared corpus beside the checkout) in every output format, and show any
# difference in standard output, standard error or exit status.  A change
# that must not change behaviour (a reorganisation) is checked with the
# binary built before it as OLD.  Exit status: 0 identical, 1 different,
# 2 usage.
set -u
[ $# -ge 2 ] || { echo "usage: $0 OLD NEW [CAPTURE...]" >&2; exit 2; }
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
old=$(abs "$1")
new=$(abs "$2")
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -eq 0 ]; then
	set -- $(find "$top/captures" "$top/tests/regress" "$top/../shared/corpus" -type f \
		\( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) 2>/dev/null | sort)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=0
diffs=0

# run BIN TAG ARGS...: BIN's stdout, stderr and status under $work/TAG.
run() {
	bin=$1 tag=$2
	shift 2
	mkdir -p "$work/$tag"
	(cd "$work/$tag" && "$bin" "$@" >out 2>err; echo $? >status)
	# Paths name the binary's work directory: make them alike.
	sed -i "s|$work/$tag|WORK|g" "$work/$tag/out" "$work/$tag/err"
}

compare() {
	runs=$((runs + 1))
	rm -rf "$work/a" "$work/b"
	run "$old" a "$@"
	run "$new" b "$@"
	if ! diff -r "$work/a" "$work/b" >"$work/diff" 2>&1; then
		diffs=$((diffs + 1))
		echo "DIFFERENT: demuxsim $*"
		head -n 20 "$work/diff"
	fi
}

for f in "$@"; do
	f=$(abs "$f")
	for fmt in text jsonl json csv dot svg; do
		compare --all-frames --format "$fmt" "$f"
	done
	compare -q "$f"
	compare -q --threads 2 --format json "$f"
	compare -q --report report.html "$f"
	compare -q --split split "$f"
	compare -q --format json --shard 1/2 "$f"
	compare --explain 1-3 --format json "$f"
done
declared="$top/captures/demux-declared.ini"
[ -f "$declared" ] && compare --sockets "$declared" --format json "$top/captures/demux.pcap"
echo "$runs runs, $diffs different"
[ "$diffs" -eq 0 ]
