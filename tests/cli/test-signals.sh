#!/bin/bash
# test-signals.sh - SIGINT and SIGTERM end a run over files as the end of
# its input would (TAP output): the frame in hand finished, every output
# written for the frames processed (the JSON report's "interrupted"
# member, the text report's line, whole JSON lines, --split pcaps with
# whole records, the --report page), one line on stderr, status 130 or
# 143, and no spool left in TMPDIR.
#
# The input comes from a FIFO that a writer fills with the first part of a
# capture (cut inside a record) and then holds open, so the run is still
# reading it when the signal comes; or, to stop it within the second
# pass, from a file while its standard output is a FIFO nobody reads yet.
# Needs python3 and mkfifo; skips without them.  Runs the tool through a
# small python runner that records whether it exited (and how) or was
# killed, since the shell reports both as 128 + N.  Under valgrind
# (DEMUXSIM_VALGRIND_TOOL set) every wait is longer.
set -u

top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
DEMUXSIM=${DEMUXSIM:-$top/src/demuxsim}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
for tool in python3 mkfifo timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not found"
done
slow=1
[ -n "${DEMUXSIM_VALGRIND_TOOL:-}" ] && slow=10

work=$(mktemp -d "${TMPDIR:-/tmp}/dmxsig.XXXXXX")
pids=()
cleanup() {
	trap - EXIT INT TERM
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# The tool's temporary files go here, and nowhere else.
mkdir "$work/tmp"
export TMPDIR="$work/tmp"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=1
	echo "not ok $n - $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | tail -n 20; done
}

# Wait up to $2 s (times $slow) for the command $3... to succeed.
wait_until() {
	local limit=$(( $1 * slow * 10 )) i; shift
	for i in $(seq "$limit"); do "$@" && return 0; sleep 0.1; done
	return 1
}

# --- Helpers ------------------------------------------------------------------
# run.py STATUS PIDFILE CMD...: run CMD with SIGINT and SIGTERM at their
# default (a background job's are ignored), its pid in PIDFILE; then
# "exit N" or "signal N" in STATUS.
cat > "$work/run.py" <<'PY'
import os, signal, subprocess, sys
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
p = subprocess.Popen(sys.argv[3:])
with open(sys.argv[2] + ".new", "w") as f:
    f.write("%d\n" % p.pid)
os.rename(sys.argv[2] + ".new", sys.argv[2])
rc = p.wait()
with open(sys.argv[1], "w") as f:
    f.write("signal %d\n" % -rc if rc < 0 else "exit %d\n" % rc)
PY
# writer.py FIFO FILE BYTES READY: the first BYTES of FILE into FIFO, then
# READY made, then the FIFO held open (up to a minute).
cat > "$work/writer.py" <<'PY'
import sys, time
fifo, src, n, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(fifo, "wb") as f:
    f.write(open(src, "rb").read()[:n])
    f.flush()
    open(ready, "w").close()
    time.sleep(60)
PY
# pcap.py FILE BYTES: the whole records in FILE, and among its first BYTES.
cat > "$work/pcap.py" <<'PY'
import struct, sys
def records(d):
    end = "<" if struct.unpack("<I", d[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, n = 24, 0
    while off + 16 <= len(d):
        caplen = struct.unpack(end + "I", d[off + 8:off + 12])[0]
        if off + 16 + caplen > len(d):
            break
        off += 16 + caplen
        n += 1
    return n, off
if __name__ == "__main__":
    d = open(sys.argv[1], "rb").read()
    print(records(d)[0], records(d[:int(sys.argv[2])])[0])
PY
# pipe-full.py FIFO SECONDS: wait until 64 KiB wait in FIFO (its writer
# is then blocked).
cat > "$work/pipe-full.py" <<'PY'
import fcntl, os, struct, sys, termios, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
end = time.time() + float(sys.argv[2])
while struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0] < 65536:
    if time.time() > end:
        sys.exit(1)
    time.sleep(0.05)
PY
# checks.py DESC WHAT ARGS... [-- DESC WHAT ARGS...]: the assertions on
# the outputs, one TAP result each ("ok DESC" or "not ok DESC" and why).
cat > "$work/checks.py" <<'PY'
import json, os, re, shutil, subprocess, sys
sys.path.insert(0, os.path.dirname(sys.argv[0]))
from pcap import records
def stderr_frame(path, sig):
    err = open(path).read()
    m = re.fullmatch(r"demuxsim: interrupted by %s after frame (\d+)\n" % sig, err)
    assert m, "stderr: %r" % err
    return int(m.group(1))
def check(what, args):
    if what == "status":           # STATUS EXPECTED
        got = open(args[0]).read().strip()
        assert got == args[1], "%s, expected %s" % (got, args[1])
    elif what == "stderr":         # STDERR SIGNAL FRAMES|-LESS-THAN
        n = stderr_frame(args[0], args[1])
        want = int(args[2])
        assert (n == want) if want > 0 else (0 < n < -want), (n, want)
    elif what == "jsonl":          # OUT STDERR SIGNAL
        n = stderr_frame(args[1], args[2])
        lines = open(args[0]).read().split("\n")
        assert lines[-1] == "", "the last line is cut: %r" % lines[-1][-80:]
        objs = [json.loads(l) for l in lines[:-1]]
        assert objs, "no JSON lines"
        assert objs[-1]["frame"] <= n, (objs[-1]["frame"], n)
    elif what == "json":           # REPORT STDERR SIGNAL
        n = stderr_frame(args[1], args[2])
        doc = json.load(open(args[0]))
        assert doc.get("interrupted") == {"signal": args[2], "frame": n}, doc.get("interrupted")
        keys = list(doc)
        assert keys.index("interrupted") == keys.index("frames") + 1, keys
        assert doc["frames"] == n, (doc["frames"], n)
    elif what == "text":           # REPORT STDERR SIGNAL
        n = stderr_frame(args[1], args[2])
        text = open(args[0]).read()
        assert re.search(r"^%d frames, .*\n  interrupted by %s after frame %d$"
                         % (n, args[2], n), text, re.M), text[-400:]
    elif what == "html":           # PAGE STDERR SIGNAL
        n = stderr_frame(args[1], args[2])
        page = open(args[0]).read()
        assert "Interrupted by %s after frame %d:" % (args[2], n) in page
        assert page.rstrip().endswith("</html>"), page[-80:]
    elif what == "split":          # DIR TOOL: whole records, read by the tool (and tcpdump)
        files = sorted(os.path.join(args[0], f) for f in os.listdir(args[0]))
        assert files, "no split files"
        for f in files:
            d = open(f, "rb").read()
            n, off = records(d)
            assert n > 0 and off == len(d), "%s: %d records, then %d bytes" % (f, n, len(d) - off)
            if shutil.which("tcpdump"):
                subprocess.run(["tcpdump", "-n", "-r", f], check=True, capture_output=True)
        r = subprocess.run([args[1], "-q"] + files, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    elif what == "notemp":         # TMPDIR
        left = [f for f in os.listdir(args[0]) if f.startswith("demuxsim-")]
        assert not left, left
groups, cur = [], []
for a in sys.argv[1:] + ["--"]:
    if a == "--":
        groups.append(cur)
        cur = []
    else:
        cur.append(a)
for g in groups:
    try:
        check(g[1], g[2:])
        print("ok " + g[0])
    except Exception as e:
        print("not ok " + g[0])
        print("# %s: %s" % (type(e).__name__, e))
PY

checks() {   # DESC WHAT ARGS... [-- DESC WHAT ARGS...]...
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ${diag:-} ;;
		*) echo "$line" ;;
		esac
	done < <(python3 "$work/checks.py" "$@")
}

# A capture of some size: demux.pcap's records, 30 times over.
python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d + d[24:] * 30)
' "$top/captures/demux.pcap" "$work/big.pcap"
cut=40000   # inside a record
read -r total spooled < <(python3 "$work/pcap.py" "$work/big.pcap" "$cut")
mkfifo "$work/in.fifo" "$work/out.fifo"

# Run the tool as "run NAME ARGS..." with input and output as set in
# $stdin and $stdout (default: none, $work/NAME.out), in the background.
run() {
	local name=$1; shift
	rm -f "$work/$name.pid" "$work/$name.status"
	timeout $((30 * slow)) python3 "$work/run.py" "$work/$name.status" "$work/$name.pid" \
		"$DEMUXSIM" "$@" < "${stdin:-/dev/null}" > "${stdout:-$work/$name.out}" \
		2> "$work/$name.err" 3<&- &
	runner=$!; pids+=($runner)
	wait_until 10 test -s "$work/$name.pid"
}
# The writer of $work/in.fifo: $1 (default $cut) bytes, then it waits.
start_writer() {
	rm -f "$work/ready"
	python3 "$work/writer.py" "$work/in.fifo" "$work/big.pcap" "${1:-$cut}" "$work/ready" 3<&- &
	writer=$!; pids+=($writer)
}
# Once the writer's bytes are in, the signal $2 to run $1; wait for it.
signal_when_spooled() {
	wait_until 10 test -e "$work/ready"
	sleep $((slow / 2)).5
	kill "-$2" "$(cat "$work/$1.pid")"
	wait "$runner"
	kill "$writer" 2>/dev/null
}

echo "1..17"

# --- 1-5: SIGINT while a FIFO (-r) is read: JSON lines, --split, --report --
start_writer
run int --format jsonl --split "$work/split1" --report "$work/page.html" -r "$work/in.fifo"
signal_when_spooled int INT
diag="$work/int.err"
checks "- SIGINT while reading a FIFO: the tool exits with status 130" \
		status "$work/int.status" "exit 130" \
	-- "- stderr: one line, interrupted by SIGINT after the $spooled whole frames spooled" \
		stderr "$work/int.err" SIGINT "$spooled" \
	-- "- every JSON line is whole and parses, none past that frame" \
		jsonl "$work/int.out" "$work/int.err" SIGINT \
	-- "- the --split pcaps have whole records, and the tool reads them back" \
		split "$work/split1" "$DEMUXSIM" \
	-- "- the --report page is complete and says where the run stopped" \
		html "$work/page.html" "$work/int.err" SIGINT

# --- 6-8: SIGTERM while standard input (a FIFO) is read, --threads 2, JSON
start_writer
stdin="$work/in.fifo" run term -q --format json --threads 2 -
unset stdin
signal_when_spooled term TERM
diag="$work/term.err"
checks "- SIGTERM while reading standard input, --threads 2: status 143" \
		status "$work/term.status" "exit 143" \
	-- "- the JSON report parses, \"interrupted\": {\"signal\": \"SIGTERM\", \"frame\": N} after \"frames\"" \
		json "$work/term.out" "$work/term.err" SIGTERM \
	-- "- no demuxsim-* file is left in TMPDIR" notemp "$TMPDIR"

# --- 9: the text report's line, --threads 2 ----------------------------------
start_writer
run text --threads 2 "$work/in.fifo"
signal_when_spooled text INT
diag="$work/text.err $work/text.status"
checks "- the text report says: interrupted by SIGINT after frame N" \
	text "$work/text.out" "$work/text.err" SIGINT

# --- 10-13: SIGINT within the second pass (output blocked), --threads 2 -----
# Nobody reads the output FIFO until the signal has come: the tool is then
# blocked writing its trace, its reader thread waiting for a free slot.
exec 3<> "$work/out.fifo"
stdout="$work/out.fifo" run pass --threads 2 --format jsonl --split "$work/split2" "$work/big.pcap"
unset stdout
python3 "$work/pipe-full.py" "$work/out.fifo" $((20 * slow))
kill -INT "$(cat "$work/pass.pid")"
cat "$work/out.fifo" > "$work/pass.out" 3<&- &
reader=$!; pids+=($reader)
wait "$runner"
exec 3<&-   # only now: the tool must always have a reader
wait "$reader"
diag="$work/pass.err"
checks "- SIGINT in the second pass, --threads 2: status 130, no deadlock" \
		status "$work/pass.status" "exit 130" \
	-- "- stderr: interrupted by SIGINT after a frame before the last ($total)" \
		stderr "$work/pass.err" SIGINT "-$total" \
	-- "- every JSON line written is whole and parses" \
		jsonl "$work/pass.out" "$work/pass.err" SIGINT \
	-- "- the --split pcaps of the frames processed have whole records, read back" \
		split "$work/split2" "$DEMUXSIM"

# --- 14-15: a second signal ends the process at once, leaving no spool -----
# The first ends the input where it is; the run goes on over what was
# spooled until its output blocks; the second ends it.
start_writer 400000
exec 3<> "$work/out.fifo"
stdout="$work/out.fifo" run twice --format jsonl "$work/in.fifo"
unset stdout
wait_until 10 test -e "$work/ready"
sleep $((slow / 2)).5
kill -INT "$(cat "$work/twice.pid")"
python3 "$work/pipe-full.py" "$work/out.fifo" $((20 * slow))
kill -TERM "$(cat "$work/twice.pid")"
wait "$runner"
exec 3<&-   # only now: a write must not end it first (SIGPIPE)
kill "$writer" 2>/dev/null
diag="$work/twice.err"
checks "- a second signal (SIGTERM after SIGINT) kills the tool at once" \
		status "$work/twice.status" "signal 15" \
	-- "- even then, no demuxsim-* file is left in TMPDIR (the spool was unlinked)" \
		notemp "$TMPDIR"
# --- 16-17: the same signal from the same sender again within half a
# second is one request delivered twice (timeout(1) signals its child, then
# the child's process group): it must not kill the run.  Its output is not
# read until both are sent, so the run is still going. ---------------------
start_writer 400000
exec 3<> "$work/out.fifo"
stdout="$work/out.fifo" run dup --format jsonl "$work/in.fifo"
unset stdout
wait_until 10 test -e "$work/ready"
sleep $((slow / 2)).5
kill -INT "$(cat "$work/dup.pid")"
sleep 0.1
kill -INT "$(cat "$work/dup.pid")" 2>/dev/null
cat "$work/out.fifo" > "$work/dup.out" 3<&- &
drain=$!
wait "$runner"
exec 3<&-   # only now: the output always has a reader (no SIGPIPE)
kill "$writer" 2>/dev/null
wait "$drain"
diag="$work/dup.err"
checks "- SIGINT twice within half a second from one sender: status 130, not killed" \
		status "$work/dup.status" "exit 130" \
	-- "- every JSON line written is whole and parses" \
		jsonl "$work/dup.out" "$work/dup.err" SIGINT
exit $failed
