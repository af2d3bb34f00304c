#!/usr/bin/env bash
# test_zones.sh - offender exclusion zones on real geography: the national
# store (the ONS police force areas, the synthetic register geocoded) with
# the synthetic zones of 'haven synth' and zones drawn here around a home in
# Leeds (West Yorkshire Police, E23000010).  Asserted, by numbered case:
#  1 the synthetic zones import; the same file again is a no-op that leaves
#    the store exactly as it was
#  2 a zone straddling a police force area boundary records both forces, and
#    West Yorkshire's police see only their own homes in it
#  3 a home in a zone's hole is not in the zone, until the buffer reaches it
#  4 a home exactly on a radius zone's radius is in it; 1 m less and it is not
#  5 a zone whose time window is closed at the as-at time is not live (before
#    the window, at its end, on a Saturday), and is live inside it
#  6 a home 100.5 m outside a zone is not within a 100 m buffer, and is
#    within 101 m
#  7 an invalid (bow-tie) polygon is repaired and reported, and kept
#  8 a zone in Scotland is refused with file and row, the store unchanged;
#    --skip-invalid writes it to a marked 0600 reject file; a case reference
#    shaped like a name is refused; a GeoJSON source imports
#  9 a probation user gets counts ("fewer than 3") and rounded distances,
#    never a name, URN or address (tests/leak_check.py); the homes and the
#    by-home listing are refused
# 10 a police user of another force gets nothing: no pair, no home counted
# 11 every address check is audited with its case; more than 5 checks within
#    500 m in a day raise a notice, in the audit log and the transparency
#    report; a DfE user may not check addresses
# 12 a suggested zone around three homes: one polygon in GeoJSON and
#    GeoPackage and a map, holding no home (leak check), covering the homes,
#    audited; refused to probation, and for a home of another force
# 12.2 the suggested zone's map (PDF, read with pdftotext) lies over the LA
#    boundaries: a zone around a Bradford and a Leeds home names both LAs,
#    no LA out of view, and the boundaries' attribution
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LEAK="python3 $(dirname "${BASH_SOURCE[0]}")/../leak_check.py $HAVEN_NATIONAL/synth/register.csv"
WY=E23000010
S=$T/s.db
national_dfe_store "$S"
west_yorkshire_users "$S"

# 1. the synthetic zones, then the same file again
Z=$HAVEN_NATIONAL/synth/zones.csv
n=$(($(wc -l <"$Z") - 1))
[ "$n" -gt 100 ] || fail "synth wrote $n zones"
expect_exit 0 "$H" zones import "$S" "$Z" --as ana
expect_out "$n zones: $n added, 0 replaced"
[ "$(sqlite3 "$S" "SELECT count(*) FROM zone WHERE radius_m IS NOT NULL")" -gt 0 ] || fail "no radius zone"
[ "$(sqlite3 "$S" "SELECT count(*) FROM zone WHERE radius_m IS NULL")" -gt 0 ] || fail "no polygon zone"
[ "$(sqlite3 "$S" "SELECT count(DISTINCT zone_id) FROM zone_window")" -gt 0 ] || fail "no time-windowed zone"
before=$(dump "$S")
expect_exit 0 "$H" zones import "$S" "$Z" --as ana
expect_out "no zone changed"
[ "$before" = "$(dump "$S")" ] || fail "a re-import changed the store"
ok "1 $n synthetic zones imported; a re-import is a no-op"

# The home the zones are drawn around: the first current home in Leeds with a point.
read -r URN HX HY <<<"$(sqlite3 -separator ' ' -cmd '.load mod_spatialite' "$S" "SELECT urn, CAST(X(geom) AS INTEGER), CAST(Y(geom) AS INTEGER)
  FROM home_version WHERE valid_to IS NULL AND la_code = 'E08000035' AND geom IS NOT NULL
  AND X(geom) = CAST(X(geom) AS INTEGER) ORDER BY urn LIMIT 1")"
[ -n "$URN" ] || fail "no home in Leeds"
# a vertex of West Yorkshire's boundary (a land boundary: the force has no coast)
read -r BX BY <<<"$(sqlite3 -separator ' ' -cmd '.load mod_spatialite' "$S" "SELECT CAST(X(PointN(ExteriorRing(GeometryN(geom, 1)), 1)) AS INTEGER),
  CAST(Y(PointN(ExteriorRing(GeometryN(geom, 1)), 1)) AS INTEGER) FROM area WHERE kind = 'pfa' AND code = '$WY'")"
[ -n "$BX" ] || fail "no boundary vertex"
sq() { # sq X0 Y0 X1 Y1: a WKT ring
	echo "($1 $2, $3 $2, $3 $4, $1 $4, $1 $2)"
}
cat >"$T/test.csv" <<EOF
zone_ref,case_ref,kind,valid_from,valid_to,windows,radius_m,wkt
Z-STRADDLE-1,MAPPA/T/0001,exclusion,2025-01-01,,,3000,POINT($BX $BY)
Z-HOLE-1,MAPPA/T/0002,exclusion,2025-01-01,,,,"POLYGON($(sq $((HX - 2000)) $((HY - 2000)) $((HX + 2000)) $((HY + 2000))), $(sq $((HX - 200)) $((HY - 200)) $((HX + 200)) $((HY + 200))))"
Z-EDGE-1,MAPPA/T/0003,residence_restriction,2025-01-01,,,500,POINT($((HX + 500)) $HY)
Z-EDGE-2,MAPPA/T/0003,residence_restriction,2025-01-01,,,499,POINT($((HX + 500)) $HY)
Z-WIN-1,MAPPA/T/0004,no_contact,2025-01-01,,Mon-Fri 15:00-18:00,300,POINT($HX $HY)
Z-NEAR-1,MAPPA/T/0005,exclusion,2025-01-01,,,,"POLYGON($(sq "$((HX + 100)).5" $((HY - 500)) $((HX + 1000)) $((HY + 500))))"
Z-BOW-1,MAPPA/T/0006,exclusion,2025-01-01,,,,"POLYGON(($((HX - 300)) $((HY - 300)), $((HX + 300)) $((HY + 300)), $((HX + 300)) $((HY - 300)), $((HX - 300)) $((HY + 300)), $((HX - 300)) $((HY - 300))))"
Z-OLD-1,MAPPA/T/0007,exclusion,2024-01-01,2025-01-01,,800,POINT($HX $HY)
EOF
expect_exit 0 "$H" zones import "$S" "$T/test.csv" --source-crs EPSG:27700 --as ana
expect_out "8 zones: 8 added, 0 replaced, 0 unchanged, 1 repaired"
expect_err "Z-BOW-1: invalid geometry repaired (Self-intersection"

# check CSV BUFFER AS_AT: the police user's check as CSV in $T/BUFFER_ASAT.csv
check() {
	expect_exit 0 "$H" zones check "$S" --as "${4:-ana}" --buffer "$1" --as-at "$2" --csv
	cp "$T/out" "$T/$3.csv"
}
rel() { # rel FILE ZONE URN: the relation and distance, or "none"
	python3 - "$T/$1.csv" "$2" "$3" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r.get("zone") == sys.argv[2] and r.get("urn") == sys.argv[3]]
print(f'{rows[0]["relation"]}:{rows[0]["distance_m"]}' if rows else "none")
PY
}
check 100 2025-04-15T16:00 b100
check 0 2025-04-15T16:00 b0
check 101 2025-04-15T16:00 b101
check 300 2025-04-15T16:00 b300

# 2. the straddling zone
pfa=$(sqlite3 "$S" "SELECT pfa FROM zone WHERE ref = 'Z-STRADDLE-1'")
case "$pfa" in *$WY*,* | *,*$WY*) ;; *) fail "the straddling zone records $pfa" ;; esac
python3 - "$T/b0.csv" "$S" <<'PY'
import csv, sqlite3, sys
wy = {r[0] for r in sqlite3.connect(sys.argv[2]).execute(
    "SELECT la_code FROM area_la WHERE kind = 'pfa' AND code = 'E23000010'")}
db = sqlite3.connect(sys.argv[2])
urns = [r["urn"] for r in csv.DictReader(open(sys.argv[1])) if r.get("zone") == "Z-STRADDLE-1"]
for u in urns:
    la = db.execute("SELECT la_code FROM home_version WHERE urn = ? AND valid_to IS NULL", (u,)).fetchone()[0]
    assert la in wy, (u, la)
PY
ok "2 a zone straddling the boundary touches $pfa; West Yorkshire's police see only their homes in it"

# 3. the hole
[ "$(rel b100 Z-HOLE-1 "$URN")" = none ] || fail "3: the home in the hole is in the zone: $(rel b100 Z-HOLE-1 "$URN")"
[ "$(rel b300 Z-HOLE-1 "$URN")" = "within buffer:200" ] || fail "3: at 300 m: $(rel b300 Z-HOLE-1 "$URN")"
ok "3 a home in a zone's hole is outside it, within a 300 m buffer at 200 m"

# 4. exactly on the radius
[ "$(rel b0 Z-EDGE-1 "$URN")" = "inside:0" ] || fail "4: on the radius: $(rel b0 Z-EDGE-1 "$URN")"
[ "$(rel b0 Z-EDGE-2 "$URN")" = none ] || fail "4: 1 m outside: $(rel b0 Z-EDGE-2 "$URN")"
ok "4 a home exactly on the radius is in the zone; with a radius 1 m shorter it is not"

# 5. time windows (2025-04-15 is a Tuesday, 2025-04-19 a Saturday)
[ "$(rel b0 Z-WIN-1 "$URN")" = "inside:0" ] || fail "5: in the window"
for at in 2025-04-15T09:00 2025-04-15T18:00 2025-04-19T16:00; do
	check 0 "$at" w
	[ "$(rel w Z-WIN-1 "$URN")" = none ] || fail "5: the window is closed at $at"
	grep -q "Z-OLD-1" "$T/w.csv" && fail "5: an ended zone is live"
done
[ "$(rel b0 Z-OLD-1 "$URN")" = none ] || fail "5: an ended zone is live"
ok "5 a zone is live only inside its window (Mon-Fri 15:00-18:00) and its dates"

# 6. just outside the buffer
[ "$(rel b100 Z-NEAR-1 "$URN")" = none ] || fail "6: 100.5 m away within 100 m: $(rel b100 Z-NEAR-1 "$URN")"
[ "$(rel b101 Z-NEAR-1 "$URN")" = "within buffer:101" ] || fail "6: within 101 m: $(rel b101 Z-NEAR-1 "$URN")"
ok "6 a home 100.5 m away is outside a 100 m buffer, inside a 101 m one"

# 7. the repaired bow tie: two triangles meeting at the home
[ "$(sqlite3 "$S" "SELECT repaired IS NOT NULL FROM zone WHERE ref = 'Z-BOW-1'")" = 1 ] || fail "7: not marked repaired"
[ "$(rel b0 Z-BOW-1 "$URN")" = "inside:0" ] || fail "7: the repaired zone lost the home"
ok "7 an invalid polygon is repaired, reported and used"

# 8. refusals
printf 'zone_ref,case_ref,kind,valid_from,radius_m,easting,northing\nZ-OK-1,MAPPA/T/0100,exclusion,2025-01-01,500,%s,%s\nZ-SCOT-1,MAPPA/T/0101,exclusion,2025-01-01,500,325000,673000\n' \
	"$HX" "$HY" >"$T/scot.csv"
before=$(dump "$S")
expect_exit 23 "$H" zones import "$S" "$T/scot.csv" --as ana
expect_err "scot.csv: row 3: zone Z-SCOT-1 lies outside England and Wales"
[ "$before" = "$(dump "$S")" ] || fail "8: a refused import changed the store"
expect_exit 0 "$H" zones import "$S" "$T/scot.csv" --as ana --skip-invalid --rejects "$T/rej.csv"
expect_out "1 zones rejected"
[ "$(stat -c %a "$T/rej.csv")" = 600 ] || fail "8: the reject file's mode"
grep -q "^3,Z-SCOT-1,.*outside England and Wales.*,OFFICIAL-SENSITIVE" "$T/rej.csv" || { cat "$T/rej.csv"; fail "8: reject line"; }
printf 'zone_ref,case_ref,kind,valid_from,radius_m,easting,northing\nZ-NAME-1,John Smith,exclusion,2025-01-01,500,%s,%s\n' \
	"$HX" "$HY" >"$T/name.csv"
expect_exit 23 "$H" zones import "$S" "$T/name.csv" --as ana
expect_err "row 2: zone Z-NAME-1: the case reference is not shaped like a reference.*never a name"
grep -q "John" "$T/err" && fail "8: the error repeats the name"
read -r LON LAT <<<"$(sqlite3 -separator ' ' -cmd '.load mod_spatialite' "$S" \
	"SELECT printf('%.7f', X(Transform(MakePoint($HX, $HY, 27700), 4326))), printf('%.7f', Y(Transform(MakePoint($HX, $HY, 27700), 4326)))")"
cat >"$T/z.geojson" <<EOF
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"zone_ref": "Z-GEOJSON-1", "case_ref": "MAPPA/T/0200", "kind": "no-contact",
  "valid_from": "2025-02-01", "radius_m": 250}, "geometry": {"type": "Point", "coordinates": [$LON, $LAT]}}]}
EOF
expect_exit 0 "$H" zones import "$S" "$T/z.geojson" --as ana
expect_out "1 zones: 1 added"
[ "$(sqlite3 "$S" "SELECT kind, round(abs(centre_x - $HX)) < 2 FROM zone WHERE ref = 'Z-GEOJSON-1'")" = "no_contact|1" ] ||
	fail "8: the GeoJSON zone"
expect_exit 30 "$H" zones import "$S" "$T/z.geojson" --as dee
ok "8 Scotland refused (file:row, store unchanged) or rejected (0600, marked); a name refused; GeoJSON read; DfE may not import"

# 9. probation: counts and rounded distances only
PX=$((HX + 30)) PY=$((HY + 40))
expect_exit 0 "$H" zones address "$S" --as pat --point "$PX,$PY" --radius 2000 --case MAPPA/2025/0001 --csv
cp "$T/out" "$T/p1.csv"
python3 - "$T/p1.csv" <<'PY'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))
assert len(r) == 1, r
r = r[0]
assert r["nearest_m"] == "100", r  # 50 m, rounded to 100
for k in r:
    if k.startswith("homes"):
        v = r[k]
        assert v == "fewer than 3" or (v.isdigit() and int(v) >= 3) or v == "", (k, v)
assert r["protective_marking"] == "OFFICIAL-SENSITIVE"
PY
expect_exit 0 "$H" zones address "$S" --as pat --point "$PX,$PY" --radius 3000 --case MAPPA/2025/0001 --json
cp "$T/out" "$T/p2.json"
expect_exit 0 "$H" zones check "$S" --as pat --buffer 100 --as-at 2025-04-15T16:00 --json
cp "$T/out" "$T/p3.json"
grep -q '"Z-HOLE-1"' "$T/p3.json" || fail "9: probation sees no counts by zone"
grep -q '"fewer than 3"' "$T/p3.json" || fail "9: no count is below 3?"
$LEAK "$T/p1.csv" "$T/p2.json" "$T/p3.json" || fail "9: a probation output names a home"
expect_exit 30 "$H" zones address "$S" --as pat --point "$PX,$PY" --radius 2000 --case MAPPA/2025/0001 --homes
expect_exit 30 "$H" zones check "$S" --as pat --by home
# the police user of the area gets exact counts and the homes
expect_exit 0 "$H" zones address "$S" --as ana --point "$PX,$PY" --radius 2000 --case MAPPA/2025/0001 --homes --csv
grep -q "^E $PX N $PY,$URN," "$T/out" || { cat "$T/out"; fail "9: the police user does not get the home"; }
ok "9 probation gets counts and distances (leak check clean), never the homes; police get the homes"

# 10. a police user of another force
check 300 2025-04-15T16:00 dev dev
grep -q "Z-HOLE-1\|$URN" "$T/dev.csv" && fail "10: another force sees West Yorkshire's zones or homes"
expect_exit 0 "$H" zones address "$S" --as dev --point "$PX,$PY" --radius 2000 --case MAPPA/2025/0002 --csv
python3 - "$T/out" <<'PY'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))[0]
assert r["homes"] == "0" and r["nearest_m"] == "", r
PY
expect_exit 0 "$H" zones address "$S" --as dev --point "$PX,$PY" --radius 2000 --case MAPPA/2025/0002 --homes --csv
[ "$(grep -c "$URN" "$T/out" || true)" = 0 ] || fail "10: another force gets the home"
ok "10 a police user of another force gets no zone, no home and no count"

# 11. audit, the notice, the transparency report
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE user_name = 'pat' AND object LIKE
   'proposed-address check for case MAPPA/2025/0001: 1 address, radius 2000 m%'")" -ge 1 ] || fail "11: not audited"
for i in 1 2 3 4; do
	expect_exit 0 "$H" zones address "$S" --as pat --point "$((PX + 10 * i)),$PY" --radius 1000 --case MAPPA/2025/0001
done
expect_err "notice: repeated proposed-address checks: 6 checks by pat within 500 m"
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE user_name = 'pat' AND object LIKE 'notice: repeated%'")" = 1 ] ||
	fail "11: the notice is not in the audit log"
# audit entries are stamped by the system clock, whatever HAVEN_NOW says
expect_exit 0 "$H" transparency report "$S" --as admin --from "$(date -u -d '-1 day' +%F)" --to "$(date -u -d '+1 day' +%F)" --csv
python3 - "$T/out" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r.get("authority_code") == "PRB01"]
assert sum(int(r["repeated_address_checks"]) for r in rows) == 1, rows
PY
expect_exit 30 "$H" zones address "$S" --as dee --point "$PX,$PY" --radius 1000 --case MAPPA/2025/0001
expect_exit 2 "$H" zones address "$S" --as pat --point "$PX,$PY" --radius 1000 --case "John Smith"
ok "11 checks audited with their case; the repeated-check notice in the log and the transparency report"
# 12. a suggested zone
U3=$(sqlite3 "$S" "SELECT group_concat(urn) FROM (SELECT urn FROM home_version WHERE valid_to IS NULL
  AND la_code = 'E08000035' AND geom IS NOT NULL ORDER BY urn LIMIT 3)")
expect_exit 0 "$H" zones propose "$S" --as ana --urn "$U3" --radius 1000 --out "$T/sz.geojson" --map "$T/sz.png"
expect_exit 0 "$H" zones propose "$S" --as ana --urn "$U3" --radius 1000 --out "$T/sz.gpkg" --simplify 50
python3 - "$T/sz.geojson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["features"]) == 1 and d["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon"), d
p = d["features"][0]["properties"]
assert p["homes"] == 3 and p["radius_m"] == 1000 and p["area_km2"] > 3, p
assert d["metadata"]["protective_marking"] == "OFFICIAL-SENSITIVE"
PY
[ "$(head -c 8 "$T/sz.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "12: no PNG"
# every home is inside the zone drawn around it (ray casting on the GeoJSON's rings)
sqlite3 -separator ' ' -cmd '.load mod_spatialite' "$S" "SELECT X(Transform(geom, 4326)), Y(Transform(geom, 4326))
  FROM home_version WHERE valid_to IS NULL AND instr(',$U3,', ',' || urn || ',') > 0" >"$T/u3.txt"
python3 - "$T/sz.geojson" "$T/u3.txt" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))["features"][0]["geometry"]
polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
def inside(x, y, ring):
    c = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            c = not c
    return c
pts = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
assert len(pts) == 3, pts
for x, y in pts:
    assert any(inside(x, y, p[0]) for p in polys), (x, y)
PY
ogrinfo -ro -q "$T/sz.gpkg" -sql "SELECT count(*) FROM suggested_zone" | grep -q "= 1" || fail "12: the GeoPackage"
$LEAK "$T/sz.geojson" "$T/sz.gpkg" "$T/sz.png" || fail "12: a suggested zone names a home"
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE user_name = 'ana' AND object LIKE
   'suggested exclusion zone around 3 homes, radius 1000 m%'")" = 2 ] || fail "12: not audited"
expect_exit 30 "$H" zones propose "$S" --as pat --urn "$U3" --radius 1000 --out "$T/p.geojson"
OTHER=$(sqlite3 "$S" "SELECT urn FROM home_version WHERE valid_to IS NULL AND la_code = 'E06000052' LIMIT 1")
expect_exit 26 "$H" zones propose "$S" --as ana --urn "$OTHER" --radius 1000 --out "$T/o.geojson"
[ ! -e "$T/p.geojson" ] && [ ! -e "$T/o.geojson" ] || fail "12: a refused zone was written"
ok "12 a suggested zone: one polygon (GeoJSON, GeoPackage, map), no home in it, audited; probation and other forces' homes refused"
# 12.2 the map's context: a zone around a Bradford home and a Leeds home
#      near their boundary is drawn over the LA boundaries, each named
read -r UB UL <<<"$(sqlite3 -separator ' ' -cmd '.load mod_spatialite' "$S" "SELECT a.urn, b.urn FROM home_version a,
  home_version b WHERE a.valid_to IS NULL AND b.valid_to IS NULL AND a.la_code = 'E08000032' AND
  b.la_code = 'E08000035' AND a.geom IS NOT NULL AND b.geom IS NOT NULL AND Distance(a.geom, b.geom) < 3000
  ORDER BY a.urn, b.urn LIMIT 1")"
[ -n "$UL" ] || fail "12.2: no Bradford and Leeds homes within 3 km of each other"
expect_exit 0 "$H" zones propose "$S" --as ana --urn "$UB,$UL" --radius 1500 --out "$T/bl.geojson" --map "$T/bl.pdf"
pdftotext -layout "$T/bl.pdf" "$T/bl.txt"
for name in Bradford Leeds "Office for National Statistics" "over the local authorities' boundaries"; do
	grep -q "$name" "$T/bl.txt" || fail "12.2: the map does not show '$name'"
done
grep -q "Cornwall\|Wakefield" "$T/bl.txt" && fail "12.2: the map names an LA out of view"
$LEAK "$T/bl.pdf" "$T/bl.txt" || fail "12.2: the map names a home"
ok "12.2 the suggested zone's map lies over the LA boundaries, Bradford and Leeds named"
echo "all ok"
