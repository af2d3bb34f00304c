#!/usr/bin/env bash
# test_where_points.sh - 'haven where --points' end to end on the national
# analysis store (all four kinds of the bundled boundaries): every kind, CSV,
# gzipped CSV and GeoPackage input, longitude/latitude with --crs EPSG:4326,
# points off the coast within and beyond 50 m, a point in no area, answers
# identical to the single-point 'haven where' for every sample point, and
# the exit code (= status number) and file:row message of each bad input,
# with no output file written and the store unchanged.  (Exactness on tens
# of thousands of points: tests/unit/test_where.c.)
set -euo pipefail
: "${HAVEN_BIN:?}" "${HAVEN_NATIONAL:?run through ctest}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
H=$HAVEN_BIN
S=$T/s.db
cp "$HAVEN_NATIONAL/analysis.db" "$S"
chmod 600 "$S"
# Nobody acts: the command reads only open data (docs/cli.md).
unset HAVEN_USER
audit0=$(sqlite3 "$S" "SELECT count(*) FROM audit")
digest0=$(dump "$S")

# The sample: id, easting, northing.  Cornwall's westernmost vertex is at
# (131956.2, 25284.0): 30 m and 200 m west of it is sea, 30 m and 200 m from
# Cornwall; (690000, 300000) is the North Sea; Cardiff is in Wales (no
# English la, district or region).
cat >"$T/p.csv" <<'CSV'
id,east,north,note
charing-cross,530040,180380,London
leeds,429900,433500,Leeds
manchester,383900,398200,Manchester
cardiff,318400,176500,Wales
kendal,351500,492700,Westmorland and Furness
coast-30m,131926.2,25284.0,30 m off Cornwall
coast-200m,131756.2,25284.0,200 m off Cornwall
north-sea,690000,300000,no area
lowestoft,654000,293000,Suffolk coast
=1+2,460000,300000,a formula id
CSV

# single E N KIND NEAR: the code the single-point command gives for the
# point (inside, or nearest within NEAR metres), else "".  Its answers are
# asked once per point (every kind) and kept.
single() {
  local f="$T/single-$1-$2"
  [ -e "$f" ] || "$H" where "$S" --point "$1,$2" --csv | tr -d '\r' >"$f"
  awk -F, -v k="$3" -v near="$4" '
    $1 == k { m = $4; c = $2
      if (m == "inside") print c
      else if (m ~ /^nearest/) { d = m; gsub(/[^0-9]/, "", d); if (d + 0 <= near) print c }
    }' "$f"
}

# The CSV haven writes ends its lines CRLF (RFC 4180): read without the CR.
lf() { tr -d '\r' <"$1" >"$1.lf" && mv "$1.lf" "$1"; }

# 1. Every kind, default and wide --near: each point's code is the
#    single-point command's.
for kind in la district pfa region; do
  nears="50 1000"
  [ "$kind" = la ] || [ "$kind" = district ] || nears=50
  for near in $nears; do
    expect_exit 0 "$H" where "$S" --points "$T/p.csv" --x east --y north --kind "$kind" --near "$near" \
      --out "$T/$kind-$near.csv"
    lf "$T/$kind-$near.csv"
    [ "$(head -1 "$T/$kind-$near.csv")" = "id,code" ] || fail "1: $kind: header $(head -1 "$T/$kind-$near.csv")"
    [ "$(wc -l <"$T/$kind-$near.csv")" -eq 11 ] || fail "1: $kind: not one row per point"
    tail -n +2 "$T/p.csv" | while IFS=, read -r id e n _; do
      want=$(single "$e" "$n" "$kind" "$near")
      got=$(grep -F -- "$(csv_text "$id")," "$T/$kind-$near.csv" | cut -d, -f2)
      [ "$got" = "$want" ] || fail "1: $kind near $near: $id: got '$got', the single-point command '$want'"
    done
  done
done
echo "ok 1: every kind, every sample point as the single-point command"

# 2. Known answers: the coast within and beyond 50 m, no area, row order,
#    the formula id neutralised as every CSV haven writes.
f=$T/district-50.csv
grep -qx "coast-30m,E06000052" "$f" || fail "2: 30 m off Cornwall is not Cornwall"
grep -qx "coast-200m," "$f" || fail "2: 200 m off Cornwall is not empty at 50 m"
grep -qx "coast-200m,E06000052" "$T/district-1000.csv" || fail "2: 200 m off Cornwall with --near 1000"
grep -qx "north-sea," "$f" || fail "2: the North Sea is in an area"
grep -qx "cardiff," "$f" || fail "2: Cardiff is in an English district"
grep -qx "cardiff,W15000003" "$T/pfa-50.csv" || fail "2: Cardiff is not in South Wales police area"
grep -qx "charing-cross,E09000033" "$f" || fail "2: Charing Cross is not in Westminster"
grep -qx "'=1+2,E07000.*" "$f" || fail "2: a formula id is not neutralised"
[ "$(tail -n +2 "$f" | cut -d, -f1 | tr '\n' ' ')" = "charing-cross leeds manchester cardiff kendal coast-30m coast-200m north-sea lowestoft '=1+2 " ] ||
  fail "2: rows not in the file's order"
echo "ok 2: coast within and beyond 50 m, no area, order, formula ids"

# 3. The same points as gzipped CSV and as a GeoPackage give the same file.
gzip -c "$T/p.csv" >"$T/p.csv.gz"
ogr2ogr -f GPKG "$T/p.gpkg" "$T/p.csv" -nln points -oo AUTODETECT_TYPE=YES
for input in p.csv.gz p.gpkg; do
  expect_exit 0 "$H" where "$S" --points "$T/$input" --x east --y north --kind district --out "$T/$input.out"
  lf "$T/$input.out"
  cmp -s "$T/$input.out" "$f" || fail "3: $input gives another answer than the CSV"
done
echo "ok 3: .csv.gz and GeoPackage input"

# 4. Longitude and latitude with --crs EPSG:4326: as 'haven where --lonlat'.
cat >"$T/ll.csv" <<'CSV'
ref,lon,lat
manchester,-2.2446,53.4794
leeds,-1.5491,53.7997
portsmouth,-1.0880,50.7989
cardiff,-3.1791,51.4816
CSV
expect_exit 0 "$H" where "$S" --points "$T/ll.csv" --x lon --y lat --id ref --crs EPSG:4326 --kind la --out "$T/ll.out"
lf "$T/ll.out"
tail -n +2 "$T/ll.csv" | while IFS=, read -r id lon lat; do
  want=$("$H" where "$S" --lonlat "$lon,$lat" --csv | tr -d '\r' | awk -F, '$1 == "la" && $4 == "inside" { print $2 }')
  grep -qx "$id,$want" "$T/ll.out" || fail "4: $id: $(grep "^$id," "$T/ll.out"), want '$want'"
done
grep -qx "manchester,E08000003" "$T/ll.out" || fail "4: Manchester"
echo "ok 4: --crs EPSG:4326 as --lonlat"

# 5. Bad input: exit code and FILE: row N in the message; nothing written,
#    the store unchanged.
printf 'id,east,north\na,530040,180380\nb,530040\n' >"$T/short.csv"
printf 'id,east,north\na,530040,180380\nb,53o040,180380\n' >"$T/nan.csv"
printf 'id,east,north\na,530040,180380\nb,,180380\n' >"$T/empty.csv"
printf 'id,east,north\na,-2.2446,53.4794\n' >"$T/lonlat.csv"
printf 'id,x,y\n' >"$T/none.csv"
#  case  exit  message                                             arguments
cases=(
  "5.1|21|p.csv: row 1: no column 'easting'|--points $T/p.csv --x easting --y north --kind la"
  "5.2|21|ll.csv: row 1: no column 'id'|--points $T/ll.csv --x lon --y lat --crs EPSG:4326 --kind la"
  "5.3|23|nan.csv: row 3: column 'east' is '53o040', not a number|--points $T/nan.csv --x east --y north --kind la"
  "5.4|21|empty.csv: row 3: column 'east' is empty|--points $T/empty.csv --x east --y north --kind la"
  "5.5|20|short.csv: row 3: 2 fields where the header has 3|--points $T/short.csv --x east --y north --kind la"
  "5.6|24|lonlat.csv: row 2: (-2.2446, 53.4794) is outside Great Britain|--points $T/lonlat.csv --x east --y north --kind la"
  "5.7|24|give --crs EPSG:4326|--points $T/lonlat.csv --x east --y north --kind la"
  "5.8|24|p.csv: row 2:|--points $T/p.csv --x east --y north --crs EPSG:4326 --kind la"
  "5.9|2|not one of la, district, pfa, region|--points $T/p.csv --x east --y north --kind ward"
  "5.10|2|--points needs|--points $T/p.csv --x east --kind la"
  "5.11|3|missing.csv|--points $T/missing.csv --x east --y north --kind la"
  "5.12|2|go with --points|--point 530040,180380 --kind la"
)
for c in "${cases[@]}"; do
  IFS='|' read -r n code msg args <<<"$c"
  rm -f "$T/bad.out"
  # shellcheck disable=SC2086
  expect_exit "$code" "$H" where "$S" $args --out "$T/bad.out"
  expect_err "$msg"
  [ ! -e "$T/bad.out" ] || fail "$n: an output file was written"
done
# No point at all: a header only is an empty answer, not an error.
expect_exit 0 "$H" where "$S" --points "$T/none.csv" --x x --y y --kind la --out "$T/none.out"
[ "$(tr -d '\r' <"$T/none.out")" = "id,code" ] || fail "5.13: a file of no points"
echo "ok 5: bad input refused with file and row, nothing written"

# 6. An existing output is not replaced without --force; with it, it is.
echo keep >"$T/keep.csv"
expect_exit 3 "$H" where "$S" --points "$T/p.csv" --x east --y north --kind la --out "$T/keep.csv"
expect_err "keep.csv: exists; not replaced without --force"
[ "$(cat "$T/keep.csv")" = keep ] || fail "6: the existing file was changed"
expect_exit 0 "$H" where "$S" --points "$T/p.csv" --x east --y north --kind la --out "$T/keep.csv" --force
[ "$(tr -d '\r' <"$T/keep.csv")" = "$(cat "$T/la-50.csv")" ] || fail "6: --force did not replace the file"
[ "$(stat -c %a "$T/keep.csv")" = 600 ] || fail "6: the output is not mode 0600"
echo "ok 6: --force"

# 7. Nothing recorded, nothing changed: no audit entry, the same store.
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit")" = "$audit0" ] || fail "7: an audit entry was written"
[ "$(dump "$S")" = "$digest0" ] || fail "7: the store changed"
echo "ok 7: no audit entry, store unchanged"
