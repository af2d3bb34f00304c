#!/usr/bin/env bash
# test_gazetteer.sh - load the bundled 10% national postcode sample through
# the CLI and check every count it prints against counts computed here,
# independently, with python3's standard library from the same file; then
# check that bad files exit with their status and leave the store alone.
set -euo pipefail
: "${HAVEN_BIN:?}" "${HAVEN_DATA_DIR:?}" "${HAVEN_FIXTURES:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib.sh" # info_section; check is this file's own
fail=0
check() { # name got want
  if [ "$2" = "$3" ]; then
    echo "ok   $1: $2"
  else
    echo "FAIL $1: got '$2', want '$3'"
    fail=1
  fi
}

sample="$HAVEN_DATA_DIR/postcodes/gb_postcodes_sample.csv.gz"
store="$tmp/s.db"
"$HAVEN_BIN" -q init "$store" --owner-kind hmci --owner-code X00 >/dev/null

# Expected counts, straight from the file.
read -r want_rows want_nocoords want_sectors < <(python3 - "$sample" <<'PY'
import csv, gzip, sys
rows = nocoords = 0
sectors = set()
with gzip.open(sys.argv[1], "rt", encoding="utf-8", newline="") as f:
    r = csv.reader(f)
    assert next(r) == ["Postcode", "lat", "long"]
    for pc, lat, lon in r:
        rows += 1
        if lat == "":
            nocoords += 1
            continue
        pc = pc.replace(" ", "").upper()
        sectors.add(pc[:-3] + " " + pc[-3])
print(rows, nocoords, len(sectors))
PY
)
echo "expected from the file: $want_rows rows, $want_nocoords without coordinates, $want_sectors sectors"

set +e
"$HAVEN_BIN" -q gazetteer load "$store" "$sample" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
check "load exit status" "$rc" 0
cat "$tmp/out"
field() { sed -n "s|^$1: ||p" "$tmp/out"; }
check "rows read" "$(field 'rows read')" "$want_rows"
check "live" "$(field live)" "$want_rows"
check "terminated" "$(field terminated)" 0
check "without coordinates" "$(field 'without coordinates')" "$want_nocoords"
check "sectors" "$(field sectors)" "$want_sectors"
rate=$(field 'rows/s')
check "rows/s is a positive number" "$([[ "$rate" =~ ^[1-9][0-9]*$ ]] && echo yes || echo no)" yes

# The store agrees.
info_section "$store" gazetteer >"$tmp/info.json"
read -r live nocoords sectors < <(python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
print(g["postcodes_live"], g["postcodes_without_coordinates"], g["postcode_sectors"])' "$tmp/info.json")
check "info postcodes_live" "$live" "$want_rows"
check "info postcodes_without_coordinates" "$nocoords" "$want_nocoords"
check "info postcode_sectors" "$sectors" "$want_sectors"
before=$(sqlite3 "$store" .dump | sha256sum)

# Bad files: exit status is the haven_status, the message names file and
# row, and the store is unchanged.
bad() { # fixture status text
  set +e
  "$HAVEN_BIN" -q gazetteer load "$store" "$HAVEN_FIXTURES/gazetteer/$1" >/dev/null 2>"$tmp/err"
  local got=$?
  set -e
  check "$1 exit status" "$got" "$2"
  check "$1 message" "$(grep -c -- "$3" "$tmp/err")" 1
}
bad bad_postcode.csv 23 "bad_postcode.csv: row 4: 'SW1A 1ZC' is not a UK postcode"
bad duplicate_postcode.csv 22 "duplicate_postcode.csv: row 5: postcode LS1 1AA appears twice"
bad bng_in_latlong.csv 24 "bng_in_latlong.csv: row 3: coordinates in the wrong CRS"
bad unterminated_quote.csv 20 "unterminated_quote.csv: row 3: unterminated"
bad non_utf8.csv 20 "non_utf8.csv: row 3: column 4 (oslaua) is not valid UTF-8"
check "store unchanged by bad files" "$([ "$before" = "$(sqlite3 "$store" .dump | sha256sum)" ] && echo same || echo changed)" same

# Usage errors exit 2.
set +e
"$HAVEN_BIN" -q gazetteer load "$store" >/dev/null 2>&1
check "missing FILE exit status" "$?" 2
"$HAVEN_BIN" -q gazetteer load "$store" "$sample" --east-field x >/dev/null 2>&1
check "half a coordinate pair exit status" "$?" 2
set -e

# A UPRN file replaces only the uprn table.
"$HAVEN_BIN" -q gazetteer load "$store" "$HAVEN_FIXTURES/gazetteer/os_open_uprn.csv" >"$tmp/out"
check "uprns" "$(field uprns)" 5
live=$(info_section "$store" gazetteer | python3 -c 'import json,sys; print(json.load(sys.stdin)["postcodes_live"])')
check "postcodes kept after a UPRN load" "$live" "$want_rows"

exit $fail
