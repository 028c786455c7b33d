#!/bin/sh
# run.sh SRCDIR FUZZDIR [SECONDS] - run each libFuzzer target built in
# FUZZDIR for SECONDS (default 60) under ASan+UBSan, seeded from
# SRCDIR/captures, SRCDIR/tests/regress and, when present, the shared
# corpus beside the checkout (fuzz-limits from the same captures as
# fuzz-capture).  Fails on the first crash, leak or sanitizer
# report; the input that caused it is left in FUZZDIR/crashes/.
set -eu
srcdir=$1
fuzzdir=$2
seconds=${3:-60}

cd "$fuzzdir"
rm -rf seeds-frame seeds-capture work-frame work-capture work-limits
mkdir -p seeds-frame seeds-capture work-frame work-capture work-limits crashes

# Whole captures for fuzz-capture, their records for fuzz-frame.
captures=$(find "$srcdir/captures" "$srcdir/tests/regress" "$srcdir/../shared/corpus" \
	-type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) -size -1000k 2>/dev/null | sort)
for f in $captures; do
	cp "$f" "seeds-capture/$(echo "$f" | sed 's|^.*/\(.*/.*\)$|\1|; s|/|_|g')"
done
# shellcheck disable=SC2086
./mkseeds seeds-frame $captures

status=0
for target in fuzz-frame fuzz-capture fuzz-limits; do
	name=${target#fuzz-}
	seeds=seeds-$name
	[ "$name" = limits ] && seeds=seeds-capture
	printf '%s: %s s\n' "$target" "$seconds"
	# libwiretap's own leaks on damaged pcapng blocks are not reported
	# (tests/lsan-wiretap.supp); the slow unwinder's stacks name it.
	if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0 \
		LSAN_OPTIONS="suppressions=$srcdir/tests/lsan-wiretap.supp:print_suppressions=0" \
		UBSAN_OPTIONS=print_stacktrace=1 \
		"./$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="crashes/$target-" \
		"work-$name" "$seeds" >"$target.log" 2>&1; then
		status=1
		tail -n 60 "$target.log"
		echo "$target: FAILED; the input is in $fuzzdir/crashes/" >&2
	fi
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)' "$target.log" || true
done
exit $status
