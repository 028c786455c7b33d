#!/bin/sh
# make-readme-diagram.sh - draw docs/demux.svg, the diagram README.md shows:
# the run of demuxsim on captures/demux.pcap as --format dot, laid out by
# Graphviz's dot.  Run from anywhere after building; DEMUXSIM names another
# binary.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
demuxsim=${DEMUXSIM:-$top/src/demuxsim}
command -v dot >/dev/null || { echo "make-readme-diagram.sh: needs Graphviz's dot (Debian: apt-get install graphviz)" >&2; exit 1; }
cd "$top"
mkdir -p docs
trap 'rm -f docs/demux.dot.tmp' EXIT
"$demuxsim" --format dot -q captures/demux.pcap > docs/demux.dot.tmp
dot -Tsvg -o docs/demux.svg docs/demux.dot.tmp
echo "wrote docs/demux.svg"
