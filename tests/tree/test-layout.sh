#!/bin/sh
# test-layout.sh - the layout rules of src/ (tests/tree/layout-check.py): folders
# per stage only, files under 700 lines and functions under 80, no include
# or call circle, folders depending one way in the pipeline's order.
# Reads the built objects with nm; skips without python3 or nm.
srcdir=${top_srcdir:-$(dirname "$0")/../..}
builddir=${top_builddir:-../..}
for t in python3 nm; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "1..0 # SKIP $t is not installed"
		exit 0
	fi
done
exec python3 "$srcdir/tests/tree/layout-check.py" "$srcdir" "$builddir"
