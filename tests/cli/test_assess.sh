#!/usr/bin/env bash
# test_assess.sh - the location risk profile of a proposed new home on real
# geography: the national store (ONS boundaries, the synthetic register
# geocoded) with the bundled slice of police.uk's City of London street-level
# crime (data/crime/).  Asserted, by numbered case:
#  1 crime import: rows, rows without coordinates and ASB rows without a
#    Crime ID equal an independent count of the slice (python3 csv); points
#    far outside the force area are kept (counted, in the store)
#  2 the same file again is a no-op: nothing written, the store unchanged
#  3 a bad row (a month that is not YYYY-MM; half a coordinate pair) is
#    refused with file:row, and the store is left exactly as it was
#  4 at a place in the City of London, the rate per km2 by crime type within
#    the radius and the LA's own rate equal an independent computation
#    (SpatiaLite SQL on the store: Distance, Covers, Area)
#  5 offenders: a police user imports; a name as a reference, and a DfE
#    user, are refused with the store unchanged; the count within the radius
#    is exact for police and the LA of the area, "fewer than 3" for police of
#    another force, probation and DfE; no output (text, JSON, CSV, SVG map)
#    holds an offender's coordinates or reference
#  6 homes near a place: exact for police, "fewer than 3" for probation and
#    DfE, whose notes say nothing of whether there is none
#  7 the PDF exists and is one page; the JSON parses; the assessment is
#    audited as a consultation with its place's LA, never its coordinates
#  8 --lonlat gives the profile of the same --point; a place outside Great
#    Britain, or not two numbers, is refused naming --lonlat
#  9 exclusion zones are counted in the user's scope (the zones touching
#    their force areas, as zones check takes them): a zone in the City's
#    force area and one in the Met's, both within the radius, count 1 for
#    the City's police and LA, 1 for the Met and probation, 2 for DfE
# 10 offenders from a GeoPackage (EPSG:27700) and a GeoJSON (WGS84) written
#    by ogr2ogr from the CSV: the same references and points (to a
#    millimetre) and the same count in the assessment; a polygon and a name
#    as a reference refused with file and feature, the store unchanged
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CRIME=$(ls "$HAVEN_DATA_DIR"/crime/police_uk_street_city-of-london_*.csv.gz)
S=$T/s.db
national_dfe_store "$S"
COLP=E23000034 MET=E23000001 COL=E09000001
"$H" -q authority add "$S" --kind police --code $COLP --name "City of London Police"
"$H" -q authority add "$S" --kind police --code $MET --name "Metropolitan Police Service"
"$H" -q authority add "$S" --kind la --code $COL --name "City of London Corporation"
"$H" -q authority add "$S" --kind probation --code PRB02 --name "Probation London" --area $MET
"$H" -q user add "$S" --name cop --authority $COLP --role analyst --default-purpose safeguarding
"$H" -q user add "$S" --name met --authority $MET --role analyst --default-purpose safeguarding
"$H" -q user add "$S" --name col --authority $COL --role analyst --default-purpose safeguarding
"$H" -q user add "$S" --name pat --authority PRB02 --role analyst --default-purpose offender-management
SQ() { sqlite3 -cmd '.load mod_spatialite' "$S" "$@"; }

# 1. the import against an independent count of the slice
read -r ROWS NOCOORD NOID FAR <<<"$(python3 - "$CRIME" <<'PY'
import csv, gzip, io, sys
r = csv.DictReader(io.TextIOWrapper(gzip.open(sys.argv[1]), encoding="utf-8", newline=""))
rows = list(r)
far = sum(1 for x in rows if x["Longitude"] and (float(x["Longitude"]) < -0.3 or float(x["Latitude"]) > 51.7))
print(len(rows), sum(1 for x in rows if not x["Longitude"] and not x["Latitude"]),
      sum(1 for x in rows if not x["Crime ID"]), far)
PY
)"
[ "$NOCOORD" -gt 0 ] && [ "$NOID" -gt 0 ] && [ "$FAR" -gt 0 ] || fail "1: the slice lost its quirks ($NOCOORD $NOID $FAR)"
expect_exit 0 "$H" crime import "$S" "$CRIME" --as cop
expect_out "^$ROWS crimes, "
expect_out "$((ROWS - NOCOORD)) located, $NOCOORD without coordinates"
expect_out "$NOID without a Crime ID"
[ "$(SQ "SELECT count(*), sum(geom IS NULL), sum(crime_id IS NULL) FROM crime")" = "$ROWS|$NOCOORD|$NOID" ] ||
	fail "1: the store does not hold every row"
[ "$(SQ "SELECT count(*) FROM crime WHERE X(geom) < 510000 OR Y(geom) > 200000")" -eq "$FAR" ] ||
	fail "1: the points far outside the force area are not kept where they lie"
out=$(sed -n 's/.* \([0-9]*\) outside the force area.*/\1/p' "$T/out")
[ "$out" -ge "$FAR" ] || fail "1: $out outside the force area, fewer than the $FAR far away"
ok "1 $ROWS rows, $NOCOORD without coordinates, $NOID ASB without a Crime ID, $out outside the force area"

# 2. the same file again
before=$(dump "$S")
expect_exit 0 "$H" crime import "$S" "$CRIME" --as cop
expect_out "nothing written"
[ "$before" = "$(dump "$S")" ] || fail "2: a re-import changed the store"
ok "2 a re-import is a no-op"

# 3. bad rows: file and row named, the store unchanged
python3 - "$CRIME" "$T" <<'PY'
import gzip, sys
lines = gzip.open(sys.argv[1]).read().decode("utf-8").split("\r\n")
bad = lines[:40]
f = bad[30].split(",")
f[1] = "2025-13"  # row 31: no such month
bad[30] = ",".join(f)
open(sys.argv[2] + "/bad.csv", "w", newline="").write("\r\n".join(bad) + "\r\n")
half = lines[:20]
f = half[11].split(",")
f[5] = ""  # row 12: a longitude without its latitude
half[11] = ",".join(f)
open(sys.argv[2] + "/half.csv", "w", newline="").write("\r\n".join(half) + "\r\n")
PY
cases=(
	"bad.csv|row 31|Month '2025-13' is not YYYY-MM"
	"half.csv|row 12|Latitude '' are not two numbers"
)
for c in "${cases[@]}"; do
	IFS='|' read -r f row why <<<"$c"
	expect_exit 23 "$H" crime import "$S" "$T/$f" --as cop
	expect_err "$T/$f: $row: "
	expect_err "$why"
	[ "$before" = "$(dump "$S")" ] || fail "3: a refused import ($f) changed the store"
done
ok "3 bad rows refused with file:row, the store unchanged"

# 4. rates per km2 at a place in the City of London against SpatiaLite
E=532500 N=181300 R=300
expect_exit 0 "$H" location assess "$S" --point $E,$N --radius $R --json --as cop
cp "$T/out" "$T/cop.json"
# the circle lies wholly inside the City of London police force area
[ "$(SQ "SELECT Contains(geom, Buffer(MakePoint($E, $N, 27700), $R)) FROM area WHERE kind = 'pfa' AND code = '$COLP'")" = 1 ] ||
	fail "4: the circle is not inside the force area"
LAG="(SELECT Intersection(a.geom, p.geom) FROM area a, area p WHERE a.kind = 'la' AND a.code = '$COL' AND p.kind = 'pfa' AND p.code = '$COLP')"
SQ -separator '|' "SELECT 'r', crime_type, count(*) FROM crime WHERE geom IS NOT NULL
  AND Distance(geom, MakePoint($E, $N, 27700)) <= $R GROUP BY crime_type;
  SELECT 'la', crime_type, count(*) FROM crime WHERE geom IS NOT NULL AND Covers($LAG, geom) GROUP BY crime_type;
  SELECT 'area', '', Area($LAG);" >"$T/sql.txt"
python3 - "$T/cop.json" "$T/sql.txt" $R <<'PY'
import json, math, sys
t = json.load(open(sys.argv[1]))
r = float(sys.argv[3])
km2 = math.pi * r * r / 1e6
inr, inla = {}, {}
for line in open(sys.argv[2]):
    k, typ, v = line.rstrip("\n").split("|")
    if k == "r":
        inr[typ] = int(v)
    elif k == "la":
        inla[typ] = int(v)
    else:
        la_km2 = float(v) / 1e6
rows = {x["item"]: x for x in t["rows"] if x["section"] == "crime"}
assert rows["all crime"]["count"] == str(sum(inr.values())), (rows["all crime"], sum(inr.values()))
assert abs(rows["all crime"]["per_km2"] - round(sum(inr.values()) / km2, 1)) < 0.051
assert abs(rows["all crime"]["la_per_km2"] - round(sum(inla.values()) / la_km2, 1)) < 0.051
assert "3 months (2025-03 to 2025-05)" in rows["all crime"]["note"], rows["all crime"]["note"]
types = set(inr) | set(inla)
assert set(rows) - {"all crime"} == types, (set(rows), types)
for k in types:
    assert rows[k]["count"] == str(inr.get(k, 0)), (k, rows[k], inr.get(k))
    assert abs(rows[k]["per_km2"] - round(inr.get(k, 0) / km2, 1)) < 0.051, (k, rows[k])
    assert abs(rows[k]["la_per_km2"] - round(inla.get(k, 0) / la_km2, 1)) < 0.051, (k, rows[k], inla.get(k))
PY
ok "4 crime per km2 by type within $R m and in the LA equal SpatiaLite's"

# 5. offenders: two within the radius, one just outside, one far away
OX1=532611 OY1=181377 OX2=532419 OY2=181171 OX3=$((E + R + 1)) OY3=$N
cat >"$T/off.csv" <<EOF2
offender_ref,easting,northing
OFF/7731,$OX1,$OY1
OFF/7732,$OX2,$OY2
OFF/7733,$OX3,$OY3
OFF/7734,540123,190456
EOF2
printf 'offender_ref,easting,northing\nJohn Smith,532600,181300\n' >"$T/name.csv"
before=$(dump "$S")
expect_exit 30 "$H" offenders import "$S" "$T/off.csv" --as dee
expect_exit 23 "$H" offenders import "$S" "$T/name.csv" --as cop
expect_err "name.csv: row 2: the offender reference is not shaped like a reference"
grep -q "John" "$T/err" && fail "5: the refusal repeats the name"
[ "$before" = "$(dump "$S")" ] || fail "5: a refused offenders import changed the store"
expect_exit 0 "$H" offenders import "$S" "$T/off.csv" --as cop
expect_out "4 offender residences"
cases=(
	"cop|2"
	"col|2"
	"met|fewer than 3"
	"pat|fewer than 3"
	"dee|fewer than 3"
)
for c in "${cases[@]}"; do
	IFS='|' read -r who want <<<"$c"
	for fmt in "" --json --csv; do
		expect_exit 0 "$H" location assess "$S" --point $E,$N --radius $R $fmt --as "$who"
		cat "$T/out" >>"$T/all.$who"
	done
	got=$(grep '^offenders' "$T/out" | cut -d, -f3)
	[ "$got" = "$want" ] || fail "5: $who counts '$got' offenders, not '$want'"
	expect_exit 0 "$H" location assess "$S" --point $E,$N --radius $R --pdf "$T/$who.svg" --as "$who"
	cat "$T/$who.svg" >>"$T/all.$who"
	for v in $OX1 $OY1 $OX2 $OY2 $OX3 OFF/773; do
		! grep -q -- "$v" "$T/all.$who" || fail "5: $who's output holds an offender's $v"
	done
done
ok "5 offenders counted (exact for police and the LA of the area), never positioned"

# 6. homes near a place: a home in Tower Hamlets (the Met's), 30 m away
read -r HE HN <<<"$(SQ -separator ' ' "SELECT CAST(X(geom) AS INTEGER) + 30, CAST(Y(geom) AS INTEGER) FROM home_version
  WHERE valid_to IS NULL AND la_code = 'E09000030' AND geom IS NOT NULL ORDER BY urn LIMIT 1")"
[ -n "$HE" ] || fail "6: no home in Tower Hamlets"
n=$(SQ "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND geom IS NOT NULL AND
  Distance(geom, MakePoint($HE, $HN, 27700)) <= 100")
[ "$n" -ge 1 ] && [ "$n" -lt 3 ] || fail "6: $n homes within 100 m of the place (want 1 or 2)"
cases=(
	"met|$n"
	"pat|fewer than 3"
	"dee|fewer than 3"
)
for c in "${cases[@]}"; do
	IFS='|' read -r who want <<<"$c"
	expect_exit 0 "$H" location assess "$S" --point $HE,$HN --radius 100 --csv --as "$who"
	got=$(grep '^homes' "$T/out" | cut -d, -f3)
	[ "$got" = "$want" ] || fail "6: $who counts '$got' homes, not '$want'"
	grep '^homes' "$T/out" | grep -q "none" && fail "6: $who's note says whether there is a home"
	python3 "$(dirname "${BASH_SOURCE[0]}")/../leak_check.py" "$HAVEN_NATIONAL/synth/register.csv" "$T/out" ||
		fail "6: $who's assessment names a home"
done
ok "6 homes counted: $n for police, \"fewer than 3\" for probation and DfE"

# 7. the PDF, the JSON, the audit
expect_exit 0 "$H" location assess "$S" --point $E,$N --pdf "$T/a.pdf" --as cop
[ -s "$T/a.pdf" ] || fail "7: no PDF"
if command -v pdfinfo >/dev/null; then
	pages=$(pdfinfo "$T/a.pdf" | sed -n 's/^Pages: *//p')
else
	pages=$(python3 -c 'import re,sys; print(len(re.findall(rb"/Type\s*/Page[^s]", open(sys.argv[1],"rb").read())))' "$T/a.pdf")
fi
[ "$pages" = 1 ] || fail "7: the PDF has $pages pages"
expect_exit 3 "$H" location assess "$S" --point $E,$N --pdf "$T/a.pdf" --as cop
python3 -c 'import json,sys; t = json.load(open(sys.argv[1])); assert t["protective_marking"] == "OFFICIAL-SENSITIVE"' "$T/cop.json"
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE user_name = 'dee' AND object LIKE
   'location risk profile: 1 place in City of London ($COL), radius $R m%'")" -ge 1 ] || fail "7: not audited"
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE object LIKE '%$E%'")" = 0 ] || fail "7: the audit holds the place"
ok "7 a one-page PDF, JSON that parses, audited"

# 8. --lonlat: the same place given in WGS84 gives the same profile; a place
#    outside Great Britain, or not two numbers, is refused naming --lonlat
read -r LON LAT <<<"$(SQ -separator ' ' "SELECT printf('%.7f', X(p)), printf('%.7f', Y(p)) FROM
  (SELECT Transform(MakePoint($E, $N, 27700), 4326) AS p)")"
expect_exit 0 "$H" location assess "$S" --lonlat "$LON,$LAT" --radius $R --csv --as cop
cp "$T/out" "$T/ll.csv"
expect_exit 0 "$H" location assess "$S" --point $E,$N --radius $R --csv --as cop
grep -q "^place,the place assessed,,,,\"lon $(printf %.6f "$LON") lat $(printf %.6f "$LAT") " "$T/ll.csv" ||
	fail "8: the place row: $(grep ^place "$T/ll.csv")"
grep -q "(E $E N $N), radius $R m" "$T/ll.csv" || fail "8: --lonlat $LON,$LAT is not E $E N $N"
diff <(grep -v '^place' "$T/ll.csv") <(grep -v '^place' "$T/out") || fail "8: --lonlat and --point differ"
cases=(
	"24|2.3522,48.8566|--lonlat 2.3522,48.8566 is not in Great Britain"
	"2|-0.09|--lonlat wants two numbers LON,LAT, not '-0.09'"
)
for c in "${cases[@]}"; do
	IFS='|' read -r code arg why <<<"$c"
	expect_exit "$code" "$H" location assess "$S" --lonlat="$arg" --as cop
	expect_err "$why"
done
expect_exit 2 "$H" location assess "$S" --lonlat "$LON,$LAT" --point $E,$N --as cop
expect_err "one of --postcode, --point or --lonlat"
ok "8 --lonlat $LON,$LAT gives the profile of --point $E,$N; outside Great Britain refused naming --lonlat"

# 9. exclusion zones are counted in the user's scope, as haven zones check
#    takes them: the zones touching the user's own force areas
R9=1500
cat >"$T/zones.csv" <<EOF
zone_ref,case_ref,kind,valid_from,valid_to,windows,radius_m,wkt
Z-COL-1,MAPPA/L/0001,exclusion,2025-01-01,,,,"POLYGON((532350 181350, 532450 181350, 532450 181450, 532350 181450, 532350 181350))"
Z-MET-1,MAPPA/L/0002,no_contact,2025-01-01,,,,"POLYGON((533850 181350, 533950 181350, 533950 181450, 533850 181450, 533850 181350))"
EOF
expect_exit 0 "$H" zones import "$S" "$T/zones.csv" --source-crs EPSG:27700 --as cop
[ "$(SQ "SELECT group_concat(ref || ':' || pfa, ' ') FROM (SELECT ref, pfa FROM zone WHERE ref LIKE 'Z-%' ORDER BY ref)")" = \
	"Z-COL-1:$COLP Z-MET-1:$MET" ] || fail "9: the zones do not lie one in each force area"
cases=(
	"cop|1|1 exclusion, 0 residence restriction, 0 no-contact"
	"col|1|1 exclusion, 0 residence restriction, 0 no-contact"
	"met|1|0 exclusion, 0 residence restriction, 1 no-contact"
	"pat|1|0 exclusion, 0 residence restriction, 1 no-contact"
	"dee|2|1 exclusion, 0 residence restriction, 1 no-contact"
)
for c in "${cases[@]}"; do
	IFS='|' read -r who want kinds <<<"$c"
	expect_exit 0 "$H" location assess "$S" --point $E,$N --radius $R9 --csv --as "$who"
	row=$(grep '^zones,' "$T/out")
	[ "$(cut -d, -f3 <<<"$row")" = "$want" ] || fail "9: $who counts zones: $row"
	grep -q "$kinds" <<<"$row" || fail "9: $who's kinds: $row"
done
ok "9 zones counted in each user's scope: 1 for the City's police and LA, 1 for the Met and probation, 2 for DfE"

# 10. offenders from OGR sources: a GeoPackage (EPSG:27700) and a GeoJSON
#     (WGS84) written by ogr2ogr from the CSV of case 5 give the same layer
#     and the same counts; a polygon, or a name as a reference, is refused
#     naming the file and feature, the store unchanged
expect_exit 0 "$H" offenders import "$S" "$T/off.csv" --as cop
SQ -separator ' ' "SELECT ref, x, y FROM offender ORDER BY ref" >"$T/off.csv.rows"
expect_exit 0 "$H" location assess "$S" --point $E,$N --radius $R --csv --as cop
grep '^offenders' "$T/out" >"$T/off.csv.assess"
ogr2ogr -f GPKG "$T/off.gpkg" "$T/off.csv" -oo X_POSSIBLE_NAMES=easting -oo Y_POSSIBLE_NAMES=northing \
	-a_srs EPSG:27700 -nln offenders
ogr2ogr -f GeoJSON "$T/off.geojson" "$T/off.gpkg" -t_srs EPSG:4326 -lco COORDINATE_PRECISION=10
for f in off.gpkg off.geojson; do
	expect_exit 0 "$H" offenders import "$S" "$T/$f" --as cop
	expect_out "$f: 4 offender residences (the layer of 4 replaced)"
	SQ -separator ' ' "SELECT ref, x, y FROM offender ORDER BY ref" >"$T/$f.rows"
	python3 - "$T/off.csv.rows" "$T/$f.rows" <<'PY' || fail "10: $f's layer differs from the CSV's"
import sys
a = [l.split() for l in open(sys.argv[1])]
b = [l.split() for l in open(sys.argv[2])]
assert len(a) == len(b) == 4, (a, b)
for (r1, x1, y1), (r2, x2, y2) in zip(a, b):  # the same references, within a millimetre
    assert r1 == r2 and abs(float(x1) - float(x2)) < 1e-3 and abs(float(y1) - float(y2)) < 1e-3, (r1, x1, y1, r2, x2, y2)
PY
	expect_exit 0 "$H" location assess "$S" --point $E,$N --radius $R --csv --as cop
	[ "$(grep '^offenders' "$T/out")" = "$(cat "$T/off.csv.assess")" ] || fail "10: $f's assessment differs"
done
python3 - "$T" <<'PY'
import json, sys
pt = lambda ref, x, y: {"type": "Feature", "properties": {"offender_ref": ref}, "geometry": {"type": "Point", "coordinates": [x, y]}}
crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
poly = {"type": "Feature", "properties": {"offender_ref": "OFF/9002"},
        "geometry": {"type": "Polygon", "coordinates": [[[532600, 181300], [532700, 181300], [532700, 181400], [532600, 181300]]]}}
json.dump({"type": "FeatureCollection", "crs": crs, "features": [pt("OFF/9001", 532600, 181300), poly]}, open(sys.argv[1] + "/poly.geojson", "w"))
json.dump({"type": "FeatureCollection", "crs": crs, "features": [pt("OFF/9001", 532600, 181300), pt("John Smith", 532610, 181310)]}, open(sys.argv[1] + "/name.geojson", "w"))
PY
ogr2ogr -f GPKG "$T/poly.gpkg" "$T/poly.geojson" -nlt GEOMETRY
before=$(dump "$S")
cases=(
	"poly.gpkg|feature 2: an offender's residence is a point"
	"name.geojson|feature 2: the offender reference is not shaped like a reference"
)
for c in "${cases[@]}"; do
	IFS='|' read -r f why <<<"$c"
	expect_exit 23 "$H" offenders import "$S" "$T/$f" --as cop
	expect_err "$T/$f: $why"
	grep -q "John" "$T/err" && fail "10: the refusal repeats the name"
	[ "$before" = "$(dump "$S")" ] || fail "10: a refused $f changed the store"
done
ok "10 offenders from a GeoPackage and a GeoJSON written by ogr2ogr: the CSV's layer and counts; bad features refused"
