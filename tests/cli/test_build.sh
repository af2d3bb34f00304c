#!/usr/bin/env bash
# test_build.sh - how haven is built, read from the build itself (its
# compile_commands.json): the libraries haven uses are its own business (only
# what the public headers need reaches a program that links libhaven); every
# source is compiled with the project's warnings, -Wconversion among them,
# as errors; the version is written once, in CMakeLists.txt's project().
set -euo pipefail
: "${HAVEN_BUILD_DIR:?run through ctest}" "${HAVEN_SOURCE_DIR:?run through ctest}"
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_RELEASE_BIN:?run through ctest}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CC_JSON=$HAVEN_BUILD_DIR/compile_commands.json
[ -f "$CC_JSON" ] || fail "no $CC_JSON (CMAKE_EXPORT_COMPILE_COMMANDS)"

# 1: dependencies are PRIVATE.  The public headers need the C library and
#    cJSON (haven_store_info) only: they compile with nothing else...
printf '#include "haven/haven.h"\nint main(void) { return haven_version() == 0; }\n' >"$T/user.c"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -fsyntax-only -I "$HAVEN_SOURCE_DIR/include" $(pkg-config --cflags libcjson) "$T/user.c" ||
	fail "the public headers need more than the C library and cJSON"
# ... and the CLI, which includes only them, is compiled without the include
# directories of the libraries libhaven keeps to itself (GDAL's, say).
python3 - "$CC_JSON" "$HAVEN_SOURCE_DIR" \
	"$(pkg-config --cflags-only-I geos proj spatialite gdal sqlite3 libsodium zlib)" \
	"$(pkg-config --cflags-only-I libcjson)" <<'PY' || fail "dependencies leak to the CLI's compilation"
import json, os, shlex, sys
cmds, src = json.load(open(sys.argv[1])), sys.argv[2]
dirs = lambda flags: {f[2:] for f in shlex.split(flags) if f.startswith("-I")}
private, public = dirs(sys.argv[3]) - dirs(sys.argv[4]), dirs(sys.argv[4])
def includes(e):
    words, out = shlex.split(e["command"]), set()
    for i, w in enumerate(words):
        if w in ("-I", "-isystem"):
            out.add(words[i + 1])
        elif w.startswith("-I"):
            out.add(w[2:])
    return out
lib = [e for e in cmds if e["file"] == os.path.join(src, "src/core/clock.c")]
cli = [e for e in cmds if e["file"].startswith(os.path.join(src, "src/cli/"))]
assert lib and cli, "no compile commands for the library or the CLI"
seen = private & includes(lib[0])  # the private directories CMake passes at all
print("private include directories the library is compiled with:", sorted(seen) or "none (all in system paths)")
bad = [(e["file"], sorted(seen & includes(e))) for e in cli if seen & includes(e)]
for f, d in bad:
    print("FAIL: %s is compiled with %s" % (f, " ".join(d)))
missing = [e["file"] for e in cli if not (public & includes(lib[0])) <= includes(e)]
for f in missing:
    print("FAIL: %s lacks cJSON's include directory, which the public headers need" % f)
sys.exit(1 if bad or missing else 0)
PY
echo "ok: the public headers need only the C library and cJSON; the CLI sees no private dependency"

# 2: every source of the project (library, CLI, tests, tools, benchmarks) is
#    compiled with HAVEN_WARNINGS as errors, -Wconversion included.
python3 - "$CC_JSON" "$HAVEN_SOURCE_DIR" <<'PY' || fail "a source is compiled without the project's warnings"
import json, os, shlex, sys
cmds, src = json.load(open(sys.argv[1])), sys.argv[2]
mine = [e for e in cmds if e["file"].startswith(src + os.sep)]
assert len(mine) > 40, "only %d compile commands for the project's sources" % len(mine)
bad = 0
for e in mine:
    flags = shlex.split(e["command"])
    for want in ("-Werror", "-Wall", "-Wextra", "-Wconversion"):
        if want not in flags:
            print("FAIL: %s is compiled without %s" % (os.path.relpath(e["file"], src), want))
            bad += 1
print("%d compile commands checked" % len(mine))
sys.exit(1 if bad else 0)
PY
echo "ok: every source is compiled with -Wall -Wextra -Wconversion -Werror"

# 3: the version is project(VERSION)'s: both binaries print it, and no
#    source writes it again.
V=$(sed -n 's/^project(haven VERSION \([0-9][0-9.]*\) .*/\1/p' "$HAVEN_SOURCE_DIR/CMakeLists.txt")
[[ $V =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "no version in CMakeLists.txt's project() ('$V')"
for b in "$HAVEN_RELEASE_BIN" "$HAVEN_BIN"; do
	expect_exit 0 "$b" --version
	[ "$(cat "$T/out")" = "haven $V" ] || fail "$b --version printed '$(cat "$T/out")', want 'haven $V'"
done
if grep -rnF "\"$V\"" "$HAVEN_SOURCE_DIR/src" "$HAVEN_SOURCE_DIR/include"; then
	fail "the version $V is written in a source file as well as in project()"
fi
echo "ok: version $V, from project(), printed by both binaries and written nowhere else"
