#!/bin/bash
# test-slurm.sh - contrib/slurm on a real single-node Slurm cluster (TAP
# output): munged, slurmctld and slurmd started here on localhost with a
# generated munge key and slurm.conf in a temporary directory (no cgroups,
# no accounting, free ports), then contrib/slurm/demuxsim-slurm runs a
# capture as an array of 4 shards and a dependent merge job, whose report
# must be the whole run's -q --format json byte for byte; a capture that
# cannot be read must make the merge job fail with the shards' message
# and leave no report, as must a cancelled merge job or sbatch refusing a
# job.  With `demuxsim partition` built (and python3, which cuts
# veth-ns.pcap into three rotated files), several captures take the
# three-job path (partition, shards over buckets, merge).
#
# Needs root and slurmctld, slurmd, munged, sbatch, squeue, scontrol and
# sinfo (Debian: slurm-wlm, munge); skips, saying why, without them.
# Every daemon is stopped by its pid and the directory removed on exit,
# failed or not; every wait has a time limit.
set -u

top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
DEMUXSIM=${DEMUXSIM:-$top/src/demuxsim}
driver=$top/contrib/slurm/demuxsim-slurm

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip_all "a Slurm cluster of its own needs root (SlurmUser=root)"
for tool in slurmctld slurmd munged sbatch squeue scontrol sinfo timeout; do
	command -v "$tool" >/dev/null 2>&1 ||
		skip_all "$tool not found (Debian: apt-get install slurm-wlm munge)"
done
# Under memcheck every shard runs tens of times slower; the cluster's own
# paths are what this tests, and test-shard runs merge under valgrind.
[ -z "${DEMUXSIM_VALGRIND_TOOL:-}" ] ||
	skip_all "the jobs under valgrind would outrun the time limits; test-shard covers merge"

work=$(mktemp -d "${TMPDIR:-/tmp}/dmxslurm.XXXXXX")
# munged wants every directory above its socket searchable by all.
chmod 711 "$work"
pids=()
jobs_seen=()
# shellcheck disable=SC2317  # (run by the trap)
cleanup() {
	trap - EXIT INT TERM
	[ ${#jobs_seen[@]} -eq 0 ] || scancel "${jobs_seen[@]}" 2>/dev/null
	# slurmd first (no job starts after it), then the controller, then munged.
	local i
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do wait "${pids[i]}" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=1
	echo "not ok $n - $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | tail -n 30; done
}
# ok or not_ok by status $1: verdict STATUS DESCRIPTION [LOG...]
verdict() {
	local st=$1; shift
	if [ "$st" -eq 0 ]; then ok "$1"; else not_ok "$@"; fi
}
# Bail out (the cluster did not come up): the logs, then stop.
bail() {
	echo "Bail out! $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | tail -n 30; done
	exit 1
}

# A TCP port nothing listens on, from $1 up.
free_port() {
	local p=$1
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
	echo "$p"
}
base=$((20000 + $$ % 20000))
ctld_port=$(free_port "$base")
d_port=$(free_port $((ctld_port + 1)))

mkdir "$work/state" "$work/spool" "$work/runs"
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$work/munge.key"
cat > "$work/slurm.conf" <<CONF
ClusterName=demuxsim-test
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=4 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=10 State=UP
CONF
export SLURM_CONF=$work/slurm.conf
# What a caller's environment could add to every submission.
unset SBATCH_EXPORT SBATCH_PARTITION SBATCH_ACCOUNT SBATCH_DEPENDENCY SQUEUE_FORMAT

munged -F --key-file="$work/munge.key" --socket="$work/munge.socket" \
	--pid-file="$work/munged.pid" --seed-file="$work/munged.seed" \
	--log-file="$work/munged.log" > "$work/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge.socket" ] && break; sleep 0.1; done
[ -S "$work/munge.socket" ] || bail "munged did not start" "$work/munged.out"
slurmctld -D -f "$work/slurm.conf" > "$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$work/slurm.conf" -N localhost > "$work/slurmd.out" 2>&1 &
pids+=($!)
up=0
for _ in $(seq 60); do
	state=$(timeout 5 sinfo -h -n localhost -o %t 2>/dev/null)
	[ "$state" = idle ] && { up=1; break; }
	sleep 0.5
done
[ "$up" -eq 1 ] || bail "the node did not become idle in 30 s (sinfo: ${state:-nothing})" \
	"$work/slurmctld.out" "$work/slurmd.out"
ok "a single-node cluster on localhost (ports $ctld_port, $d_port), node idle"

cd "$top" || exit 1
export DEMUXSIM
# Run the driver as NAME, waiting (-w) at most 60 s; its output in
# $work/NAME.out and .err.
drive() {
	local name=$1; shift
	timeout 60 sh "$driver" -w "$@" > "$work/$name.out" 2> "$work/$name.err"
	local st=$?
	remember "$name"
	return "$st"
}
# The job ids the driver printed to $work/$1.out, for cleanup.
remember() {
	local id
	while read -r id; do
		jobs_seen+=("$id")
	done < <(sed -n 's/^\(partition\|shard\|merge\) jobs\{0,1\} \([0-9]*\).*/\2/p' "$work/$1.out")
}
merge_id() { sed -n 's/^merge job \([0-9]*\)$/\1/p' "$work/$1.out"; }
job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }

# One capture: an array of 4 shards, then the merge (frag.pcap and
# veth-ns.pcap are the captures whose shards merge to the whole run
# today, see test-shard).
cap=captures/veth-ns.pcap
"$DEMUXSIM" -q --format json "$cap" > "$work/whole.json"
if drive one -n 4 -d "$work/runs/one" "$cap"; then
	ok "$cap: 4 shards and the merge job succeed"
else
	not_ok "$cap: 4 shards and the merge job succeed" "$work/one.out" "$work/one.err"
fi
if cmp "$work/whole.json" "$work/runs/one/report.json" > "$work/cmp.out" 2>&1; then
	ok "$cap: the merged report is the whole run's, byte for byte"
else
	not_ok "$cap: the merged report is the whole run's, byte for byte" "$work/cmp.out"
fi
tasks=$(find "$work/runs/one" -name 'shard-[0-3].json' | wc -l)
[ "$tasks" -eq 4 ] && [ "$(job_state "$(merge_id one)")" = COMPLETED ]
verdict $? "one report per array task ($tasks), the merge job COMPLETED" "$work/one.out"

# Options for every shard (-x), as test-shard runs demux.pcap.
cap=captures/demux.pcap
"$DEMUXSIM" --time-wait 1000000 --syn-timeout 1000000 -q --format json "$cap" > "$work/whole-x.json"
if drive opts -n 4 -d "$work/runs/opts" -x --time-wait=1000000 -x --syn-timeout=1000000 "$cap" &&
	cmp "$work/whole-x.json" "$work/runs/opts/report.json" > "$work/cmp.out" 2>&1; then
	ok "$cap with -x options: the merged report is the whole run's"
else
	not_ok "$cap with -x options: the merged report is the whole run's" "$work/opts.err" "$work/cmp.out"
fi

# A capture that is not there: every shard fails, the merge job fails
# with their message, and there is no report.
bad=captures/no-such-capture.pcap
if drive bad -n 4 -d "$work/runs/bad" "$bad"; then
	not_ok "a failing shard makes the merge job fail (the driver said it succeeded)" "$work/bad.out"
else
	ok "a failing shard makes the driver fail (-w)"
fi
st=$(job_state "$(merge_id bad)")
[ "$st" = FAILED ]
verdict $? "the merge job is FAILED (it is ${st:-unknown})" "$work/bad.out"
if grep -q "shard 2/4 failed (exit status 1): demuxsim: $bad" "$work/runs/bad/merge.log" &&
	grep -q "merge job $(merge_id bad) failed" "$work/bad.err"; then
	ok "the merge job's log and the driver name the shard and give its message"
else
	not_ok "the merge job's log and the driver name the shard and give its message" \
		"$work/runs/bad/merge.log" "$work/bad.err"
fi
[ ! -e "$work/runs/bad/report.json" ]
verdict $? "no report from failed shards"

# sbatch refusing the first job: the driver fails at once, naming it.
sh "$driver" -n 4 -d "$work/runs/refused" -s --partition=no-such-partition captures/frag.pcap \
	> "$work/refused.out" 2> "$work/refused.err"
st=$?
remember refused
[ "$st" -eq 1 ] && grep -q "the shard array could not be submitted" "$work/refused.err" &&
	! grep -q "^merge job" "$work/refused.out"
verdict $? "sbatch refusing the array: the driver fails naming it, no merge job" "$work/refused.err"

# The merge job cancelled before it ran: -w says so, no report.
cap=captures/frag.pcap
timeout 60 sh "$driver" -w -n 4 -d "$work/runs/cancel" "$cap" > "$work/cancel.out" 2> "$work/cancel.err" &
dpid=$!
for _ in $(seq 100); do [ -n "$(merge_id cancel)" ] && break; sleep 0.1; done
mid=$(merge_id cancel)
[ -z "$mid" ] || { jobs_seen+=("$mid"); scancel "$mid"; }
wait "$dpid"
st=$?
remember cancel
[ -n "$mid" ] && [ "$st" -ne 0 ] && grep -q "merge job $mid ended without a status" "$work/cancel.err" &&
	[ ! -e "$work/runs/cancel/report.json" ]
verdict $? "a merge job cancelled: the driver fails saying so, no report" "$work/cancel.out" "$work/cancel.err"

# Many captures: partition, shards over buckets, merge (three jobs), over
# veth-ns.pcap cut into three files as tcpdump -C would rotate them.
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }
# rotate IN OUT-PREFIX PARTS: classic pcap IN in PARTS files of whole records.
rotate() {
	python3 - "$@" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
head, off, recs = data[:24], 24, []
order = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
while off + 16 <= len(data):
    incl = struct.unpack(order + "I", data[off + 8:off + 12])[0]
    recs.append(data[off:off + 16 + incl])
    off += 16 + incl
parts = int(sys.argv[3])
per = -(-len(recs) // parts)
for i in range(parts):
    with open("%s%d.pcap" % (sys.argv[2], i), "wb") as f:
        f.write(head + b"".join(recs[i * per:(i + 1) * per]))
PY
}
# (The subcommand's own usage: without it, --help is the main program's,
# which takes "partition" for a capture.)
if ! "$DEMUXSIM" partition --help > "$work/partition-help.out" 2>&1 ||
	! grep -q '^ *demuxsim partition' "$work/partition-help.out"; then
	skip "partition not built"; skip "partition not built"
elif ! command -v python3 > /dev/null 2>&1; then
	skip "python3 not found (it cuts the capture)"; skip "python3 not found"
else
	rotate captures/veth-ns.pcap "$work/rot-" 3
	caps=("$work/rot-0.pcap" "$work/rot-1.pcap" "$work/rot-2.pcap")
	"$DEMUXSIM" -q --format json "${caps[@]}" > "$work/whole-many.json"
	drive many -n 4 -d "$work/runs/many" "${caps[@]}" &&
		cmp "$work/whole-many.json" "$work/runs/many/report.json" > "$work/cmp.out" 2>&1
	verdict $? "three rotated files: partition, 4 shards over buckets, merge = the whole run" \
		"$work/many.err" "$work/runs/many/partition.log" "$work/cmp.out"
	[ "$(grep -c '^\(partition\|shard\|merge\) job' "$work/many.out")" -eq 3 ]
	verdict $? "three rotated files: three dependent jobs" "$work/many.out"
fi

echo "1..$n"
exit "$failed"
