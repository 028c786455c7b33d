#!/usr/bin/env python3
"""layout-check.py SRCDIR BUILDDIR - the layout rules of src/, as TAP.

1. src/ holds folders (one per stage) and nothing else but local.mk files.
2. No source file in src/ is above 700 lines; no function above 80 lines.
3. The include graph of src/ (quoted includes of private headers and of
   include/demuxsim/ headers, resolved to the folder that implements them)
   and the call graph (from `nm` of the built objects: which file uses a
   symbol which other file defines) have no circle, between files and
   between folders.
4. Folders depend one way, in the pipeline's order: cli -> run -> report
   -> calls -> demux -> explain -> decode -> {checksum, capture}: the
   report reads the calls and the tables, the calls the tables' decisions,
   the tables the decoded packets.
"""
import os
import re
import subprocess
import sys

srcdir, builddir = sys.argv[1], sys.argv[2]
src = os.path.join(srcdir, "src")
results = []

# The order of the folders: a folder may use those to its right.
ORDER = ["cli", "run", "report", "calls", "demux", "explain", "decode", "checksum", "capture"]
# Folders of the same rank may not use each other at all.
RANK = {"cli": 0, "run": 1, "report": 2, "calls": 3, "demux": 4, "explain": 5,
        "decode": 6, "checksum": 7, "capture": 7}


def ok(cond, what, detail=""):
    results.append((cond, what, detail))


def sources():
    for folder in sorted(os.listdir(src)):
        d = os.path.join(src, folder)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith((".c", ".h")):
                yield folder, f, os.path.join(d, f)


# 1. folders only
loose = [f for f in os.listdir(src)
         if os.path.isfile(os.path.join(src, f)) and f.endswith((".c", ".h"))]
ok(not loose, "src/ holds folders, not loose modules", " ".join(sorted(loose)))
folders = sorted(f for f in os.listdir(src) if os.path.isdir(os.path.join(src, f))
                 and not f.startswith("."))
unknown = [f for f in folders if f not in RANK]
ok(not unknown, "every folder of src/ is a known stage", " ".join(unknown))

# 2. sizes
long_files, long_funcs = [], []
for folder, f, path in sources():
    lines = open(path, encoding="utf-8").read().split("\n")
    if len(lines) - 1 > 700:
        long_files.append("%s/%s (%d)" % (folder, f, len(lines) - 1))
    start, name, prev = None, None, ""
    for i, line in enumerate(lines, 1):
        if line.startswith("{"):
            start, name = i, prev
        elif line.startswith("}") and start:
            if i - start + 1 > 80:
                long_funcs.append("%s/%s:%d %s (%d lines)" % (folder, f, start,
                                  name.split("(")[0], i - start + 1))
            start = None
        if re.match(r"[A-Za-z_].*\(", line):
            prev = line
ok(not long_files, "no source file above 700 lines", "; ".join(long_files))
ok(not long_funcs, "no function above 80 lines", "; ".join(long_funcs))

# 3. graphs
def cycles(edges):
    """Every strongly connected component of more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    nodes = set(edges) | {b for v in edges.values() for b in v}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


# Include graph between files: a header stands for its folder's files.
where = {}
for folder, f, path in sources():
    where[f] = folder + "/" + f
inc = {}
for folder, f, path in sources():
    me = folder + "/" + f
    for m in re.finditer(r'#include "([^"]+)"', open(path, encoding="utf-8").read()):
        name = os.path.basename(m.group(1))
        if name in where and where[name] != me:
            inc.setdefault(me, set()).add(where[name])
c = cycles(inc)
ok(not c, "the include graph of src/ has no circle", "; ".join(" <-> ".join(x) for x in c))

# Call graph between files, from the objects.
defs, uses = {}, {}
objs = []
for folder, f, path in sources():
    if not f.endswith(".c"):
        continue
    base = f[:-2]
    cands = [os.path.join(builddir, "src", folder, base + ext) for ext in (".o",)]
    cands += [os.path.join(builddir, "src", folder, "src_demuxsim-" + base + ".o")]
    cands += [os.path.join(builddir, "src", folder, ".libs", base + ".o")]
    obj = next((o for o in cands if os.path.exists(o)), None)
    if obj:
        objs.append((folder + "/" + f, obj))
ok(len(objs) > 0, "the objects of src/ are built", builddir)
for me, obj in objs:
    out = subprocess.run(["nm", obj], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDRB":
            defs[parts[2]] = me
        elif len(parts) == 2 and parts[0] == "U":
            uses.setdefault(me, set()).add(parts[1])
calls = {}
for me, syms in uses.items():
    for s in syms:
        if s in defs and defs[s] != me:
            calls.setdefault(me, set()).add(defs[s])
c = cycles(calls)
ok(not c, "the call graph of src/ has no circle", "; ".join(" <-> ".join(x) for x in c))

# 4. folders
bad = set()
for graph in (inc, calls):
    for a, bs in graph.items():
        for b in bs:
            fa, fb = a.split("/")[0], b.split("/")[0]
            if fa != fb and RANK.get(fa, 99) >= RANK.get(fb, -1):
                bad.add("%s -> %s" % (a, b))
ok(not bad, "folders depend one way: " + " -> ".join(ORDER), "; ".join(sorted(bad)))

print("1..%d" % len(results))
for i, (cond, what, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if cond else "not ok", i, what))
    if not cond and detail:
        print("# " + detail)
