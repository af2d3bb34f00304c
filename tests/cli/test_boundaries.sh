#!/usr/bin/env bash
# test_boundaries.sh - 'haven boundaries load' and 'haven where' end to end:
# help text, loads (bundled GeoJSON and a zipped shapefile made here), where
# in text/CSV/JSON, and the exit code (= status number) of each bad input.
set -euo pipefail

: "${HAVEN_BIN:?}" "${HAVEN_DATA_DIR:?}" "${HAVEN_FIXTURES:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib.sh" # info_section; check and expect_exit are this file's own
fx="$HAVEN_FIXTURES/boundaries"
store="$tmp/s.db"
failures=0

check() { # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

expect_exit() { # expect_exit CODE NEEDLE ARGS...: haven exits CODE and says NEEDLE on stderr
  local want=$1 needle=$2 got=0
  shift 2
  "$HAVEN_BIN" "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
  if [ "$got" -eq "$want" ] && grep -qF -- "$needle" "$tmp/err"; then
    echo "ok: exit $want ('$needle') for: haven $*"
  else
    echo "FAIL: want exit $want and '$needle' for: haven $*; got $got:"
    cat "$tmp/err"
    failures=$((failures + 1))
  fi
}

# Help.
"$HAVEN_BIN" help boundaries load >"$tmp/help"
check "help boundaries load lists --kind and --source-crs" grep -q -- "--source-crs" "$tmp/help"
check "help boundaries load names the kinds" grep -q "la|district|pfa|region" "$tmp/help"
"$HAVEN_BIN" help where >"$tmp/help"
check "help where lists --lonlat and --json" grep -q -- "--lonlat LON,LAT" "$tmp/help"
"$HAVEN_BIN" help >"$tmp/help"
check "overview lists boundaries load and where" grep -qE "^  where " "$tmp/help"

# Loads.
"$HAVEN_BIN" -q init "$store" --owner-kind police --owner-code E23000005 >/dev/null
"$HAVEN_BIN" boundaries load "$store" --kind la "$HAVEN_DATA_DIR/boundaries/ctyua_dec2024_en_bgc.geojson.gz" \
  >"$tmp/out" 2>"$tmp/notices"
check "la load reports 153 areas" grep -q "^loaded 153 la areas" "$tmp/out"
check "la load reports the fields and CRS" grep -q "source CRS:  OGC:CRS84" "$tmp/out"
check "la load reports each repair as a notice" grep -q "repaired geometry of E06000052 Cornwall" "$tmp/notices"
"$HAVEN_BIN" -q boundaries load "$store" --kind pfa "$HAVEN_DATA_DIR/boundaries/pfa_dec2023_ew_bgc.geojson.gz" \
  >"$tmp/out"
check "pfa load reports 43 areas" grep -q "^loaded 43 pfa areas" "$tmp/out"
ogr2ogr -f "ESRI Shapefile" "$tmp/small.shp.zip" "$fx/small.geojson"
"$HAVEN_BIN" -q boundaries load "$store" --kind district "$tmp/small.shp.zip" >"$tmp/out"
check "zipped shapefile loads" grep -q "^loaded 3 district areas" "$tmp/out"
"$HAVEN_BIN" -q boundaries load "$store" --kind district --source-crs EPSG:27700 "$fx/small_bng_no_crs.geojson" \
  >"$tmp/out"
check "--source-crs EPSG:27700 loads BNG metres" grep -q "source CRS:  EPSG:27700" "$tmp/out"
check "info counts the kinds" test "$(info_section "$store" boundaries)" = '{"district": 3, "la": 153, "pfa": 43}'

# Where.
"$HAVEN_BIN" where "$store" --lonlat -2.2446,53.4794 --json >"$tmp/where.json"
check "where --lonlat --json: Manchester, Greater Manchester" python3 -c '
import json, sys
rows = {r["kind"]: r for r in json.load(open(sys.argv[1]))}
ok = (rows["la"]["code"] == "E08000003" and rows["la"]["match"] == "inside"
      and rows["pfa"]["code"] == "E23000005" and rows["pfa"]["name"] == "Greater Manchester"
      and rows["district"]["code"] is None and rows["district"]["match"] == "none"
      and list(rows) == ["la", "district", "pfa"])
sys.exit(0 if ok else 1)' "$tmp/where.json"
"$HAVEN_BIN" where "$store" --point 427600,435000 --json >"$tmp/where.json"
check "where --point --json: a fixture district, Leeds, West Yorkshire" python3 -c '
import json, sys
rows = {r["kind"]: r for r in json.load(open(sys.argv[1]))}
sys.exit(0 if (rows["district"]["code"], rows["la"]["code"], rows["pfa"]["name"])
         == ("E99000001", "E08000035", "West Yorkshire") else 1)' "$tmp/where.json"
"$HAVEN_BIN" where "$store" --lonlat=-3.1791,51.4816 --csv >"$tmp/where.csv"
check "where --csv: Cardiff is in South Wales and no English la" \
  grep -qx $'pfa,W15000003,South Wales,inside\r' "$tmp/where.csv"
check "where --csv: header" grep -qx $'kind,code,name,match\r' "$tmp/where.csv"
"$HAVEN_BIN" where "$store" --point 383864,398103 >"$tmp/where.txt"
check "where text output has a title and a table" grep -q "^areas at E 383864, N 398103" "$tmp/where.txt"

# Bad input: exit code is the status number; the store is left as it was.
before=$(info_section "$store" boundaries)
head -c 300 "$fx/small.geojson" >"$tmp/truncated.geojson"
: >"$tmp/empty.geojson"
expect_exit 20 "truncated.geojson" boundaries load "$store" --kind la "$tmp/truncated.geojson"
expect_exit 20 "empty.geojson" boundaries load "$store" --kind la "$tmp/empty.geojson"
expect_exit 24 "feature 1 (E99000001)" boundaries load "$store" --kind la "$fx/small_bng_no_crs.geojson"
expect_exit 21 "CODE, LABEL" boundaries load "$store" --kind la "$fx/missing_code.geojson"
expect_exit 22 "features 1 and 3" boundaries load "$store" --kind la "$fx/duplicate.geojson"
expect_exit 21 "feature 2" boundaries load "$store" --kind la "$fx/empty_code.geojson"
expect_exit 3 "absent.geojson" boundaries load "$store" --kind la "$tmp/absent.geojson"
expect_exit 2 "county" boundaries load "$store" --kind county "$fx/small.geojson"
expect_exit 2 "usage" boundaries load "$store" "$fx/small.geojson"
expect_exit 24 "outside Great Britain" where "$store" --point 800000,100000
expect_exit 24 "longitude first" where "$store" --lonlat 53.4794,-2.2446
expect_exit 2 "exactly one of" where "$store" --point 383864,398103 --lonlat -2.2446,53.4794
expect_exit 2 "exactly one of" where "$store"
expect_exit 2 "not two numbers" where "$store" --point 383864
after=$(info_section "$store" boundaries)
check "failed loads left the areas as they were ($after)" test "$before" = "$after"

"$HAVEN_BIN" -q init "$tmp/empty.db" --owner-kind police --owner-code E23000005 >/dev/null
expect_exit 26 "haven boundaries load" where "$tmp/empty.db" --point 383864,398103

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all boundaries CLI checks passed"
