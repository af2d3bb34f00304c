#!/usr/bin/env bash
# test_headers.sh - the public API (include/haven/*.h) as a caller sees it:
# each header compiles on its own; no third-party type (cJSON) is part of it;
# every string it returns is released with haven_free(), never a bare free();
# and one name, defined once, gives the size of a public key.
set -euo pipefail
: "${HAVEN_SOURCE_DIR:?run through ctest}"
inc=$HAVEN_SOURCE_DIR/include
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"

for h in "$inc"/haven/*.h; do
	printf '#include "haven/%s"\n' "$(basename "$h")" >"$T/one.c"
	"${CC:-cc}" -std=c11 -Wall -Werror -fsyntax-only -I "$inc" "$T/one.c" 2>"$T/err" ||
		{ cat "$T/err"; fail "$(basename "$h") does not compile on its own"; }
done
echo "ok every public header compiles on its own"

! grep -n -i "cjson" "$inc"/haven/*.h || fail "a public header names cJSON"
echo "ok no cJSON in the public API"

# "caller frees with free()" (or "... with free().") but not haven_free().
! grep -n -E "(^|[^_[:alnum:]])free\(\)" "$inc"/haven/*.h || fail "a public header tells the caller to use free()"
grep -q "haven_free()" "$inc"/haven/audit.h || fail "audit.h does not name haven_free for its strings"
echo "ok strings are released with haven_free"

defs=$(grep -rn -E "#define [A-Z_]*PUBKEY_B64" "$inc" "$HAVEN_SOURCE_DIR/src")
[ "$(echo "$defs" | wc -l)" = 1 ] && echo "$defs" | grep -q "haven/common.h:.*#define HAVEN_PUBKEY_B64 45" ||
	fail "the public-key size is defined other than once, as HAVEN_PUBKEY_B64 in haven/common.h: $defs"
echo "ok one HAVEN_PUBKEY_B64"
echo "all ok"
