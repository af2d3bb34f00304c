#!/usr/bin/env python3
"""layers.py - the source tree's shape, checked from its #include lines.

src/ is folders in one order; a file may include headers of its own folder
and of the folders before it, never after (docs/ARCHITECTURE.md, "Layers"):

    core -> ref -> govern -> data -> analysis -> gate -> out -> store -> cli

Also checked:
  * src/cli includes only the public headers (haven/...) and its own;
  * core/table_seal.h (what unseals a table) is included only by
    src/core/table.c and the files of src/gate, so no other file can produce
    output from a sealed table;
  * every internal function a folder's header declares (hv_...) is defined
    in that folder, so a header cannot hide a call into a later layer;
  * the include graph between files has no cycle.
Exits 1 and names every edge that breaks a rule.  Standard library only.
"""
import os
import re
import sys

ORDER = ["core", "ref", "govern", "data", "analysis", "gate", "out", "store", "cli"]
RANK = {name: i for i, name in enumerate(ORDER)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
DECL = re.compile(r"^[A-Za-z_][\w \*]*?\b(hv_\w+)\s*\([^;{]*\)\s*(?:HV_PRINTF\([^)]*\))?\s*;", re.M | re.S)
DEF = re.compile(r"^[A-Za-z_][\w \*]*?\b(hv_\w+)\s*\([^;{]*\)\s*\{", re.M | re.S)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def main(src):
    problems = []
    files = {}
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            problems.append(f"src/{folder}: a file outside the layer folders")
            continue
        if folder not in RANK:
            problems.append(f"src/{folder}: not a layer ({', '.join(ORDER)})")
            continue
        for name in sorted(os.listdir(path)):
            if name.endswith((".c", ".h")):
                files[f"{folder}/{name}"] = strip_comments(open(os.path.join(path, name), encoding="utf-8").read())

    graph = {}
    for rel, text in files.items():
        folder = rel.split("/")[0]
        graph[rel] = []
        for inc in INCLUDE.findall(text):
            if inc.startswith("haven/"):
                continue  # the public API, open to every layer
            if folder == "cli":
                if "/" in inc:
                    problems.append(f"src/{rel} includes {inc}: the CLI uses only the public headers")
                else:
                    graph[rel].append(f"cli/{inc}")
                continue
            if "/" not in inc:
                problems.append(f"src/{rel} includes \"{inc}\": includes name their folder (\"{folder}/{inc}\")")
                continue
            target_folder = inc.split("/")[0]
            if target_folder not in RANK:
                problems.append(f"src/{rel} includes {inc}: no such layer")
                continue
            if RANK[target_folder] > RANK[folder]:
                problems.append(f"src/{rel} includes {inc}: {folder} may not depend on {target_folder}, a later layer")
            if inc == "core/table_seal.h" and rel != "core/table.c" and folder != "gate" and rel != inc:
                problems.append(f"src/{rel} includes core/table_seal.h: only the gate may unseal a table")
            if inc not in files:
                problems.append(f"src/{rel} includes {inc}, which does not exist")
            graph[rel].append(inc)

    defined = {}
    for rel, text in files.items():
        if rel.endswith(".c"):
            for fn in DEF.findall(text):
                defined.setdefault(fn, set()).add(rel.split("/")[0])
    for rel, text in files.items():
        if not rel.endswith(".h"):
            continue
        folder = rel.split("/")[0]
        for fn in DECL.findall(text):
            where = defined.get(fn)
            if where is None:
                problems.append(f"src/{rel} declares {fn}, which no file defines")
            elif folder not in where:
                problems.append(f"src/{rel} declares {fn}, defined in {', '.join(sorted(where))}, not {folder}")

    state = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt]
                problems.append("include cycle: " + " -> ".join(cycle))
            elif nxt in graph and not state.get(nxt):
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [node])

    for p in problems:
        print("FAIL:", p)
    counts = {f: sum(1 for r in files if r.startswith(f + "/")) for f in ORDER}
    print("layers:", ", ".join(f"{f} {counts[f]}" for f in ORDER if counts[f]))
    print(f"{len(files)} files, {sum(len(v) for v in graph.values())} internal includes, "
          f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")))
