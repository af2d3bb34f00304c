#!/usr/bin/env bash
# test_centres.sh - the LAs' population-weighted centres (docs/placements.md,
# "Origins"): 'haven boundaries centres' of tests/fixtures/centres/ (a
# hand-made file of three points inside their real 2024 LA polygons, not ONS
# data) into an HMCI store holding the real LA boundaries and postcodes of
# the national fixture, and the placements that start from them.  Numbered
# cases:
#   1  a CSV of eastings and northings: loaded, audited, in haven info; the
#      same file again a no-op (the store's digest unchanged, no audit entry)
#   2  the same points as GeoJSON in WGS84 (made with ogr2ogr from the CSV),
#      as a GeoPackage in another CRS, and as lon/lat CSV columns: the same
#      points to 1 mm; lon/lat written as X,Y is refused until --source-crs
#   3  refusals, each naming FILE: row N (or feature N), its exit code, the
#      store's digest unchanged: an unknown LA, a district, a point far
#      outside its LA, malformed rows, a code twice, no coordinate columns,
#      a missing file, not an admin, fewer than half without --force; a
#      point within 1 km outside its LA is taken and counted "near"
#   4  placements without a district: la_surface before centres are
#      loaded (distance not known); after, re-importing the file gives
#      la_weighted for the LAs with a centre and la_surface for the other,
#      the origin the centre to the centimetre, a distance checked against
#      SpatiaLite's, DfE's bands from the centres; flow lines start at the
#      weighted centre
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_FIXTURES:?run through ctest}"
H=$HAVEN_BIN
F=$HAVEN_FIXTURES/centres
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
umask 022
S=$T/store.db
centres() { "$H" boundaries centres "$S" "$@"; }
# within_mm FILE_A FILE_B: the "code|x|y" lines of A and B name the same codes, each
# point within a millimetre; prints the largest difference
within_mm() {
	python3 - "$1" "$2" <<'PY'
import sys
def rows(p):
    return {c: (float(x), float(y)) for c, x, y in (l.strip().split("|") for l in open(p) if l.strip())}
a, b = rows(sys.argv[1]), rows(sys.argv[2])
assert a.keys() == b.keys(), (sorted(a), sorted(b))
d = max(max(abs(a[k][0] - b[k][0]), abs(a[k][1] - b[k][1])) for k in a)
assert d <= 0.001, f"a point differs by {d * 1000:.3f} mm"
print(f"{d * 1000:.3f} mm")
PY
}
held() { q "SELECT code, x, y FROM la_centre ORDER BY code" >"$T/$1"; }

# ---- the store: real boundaries and postcodes, one home placed by hand -------------
"$H" -q init "$S" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)" >/dev/null
"$HAVEN_TEST_TOOLS/copy_rows" "$S" "${HAVEN_NATIONAL:?run through ctest}/analysis.db" area area_load area_la \
	postcode postcode_terminated postcode_sector uprn gazetteer_load
"$H" -q register import "$S" "$HAVEN_FIXTURES/placements/register_2023-04-01.csv" --received 2023-04-01 >/dev/null 2>&1
"$H" -q geocode set "$S" SC900001 --point 419871,434050 --reason "test: 100 m inside Leeds" >/dev/null 2>&1
K=$T/k.key
"$H" -q key init "$K" >/dev/null

# ---- 4 (first half): placements with no centres loaded ---------------------------------
expect_exit 0 "$H" placements import "$S" "$F/placements.csv" --key "$K"
expect_out "1 from the postcode district, 4 the placing LA's point on surface (no centre loaded for the LA), 0 the placing LA's population-weighted centre"
same "4.1 no centres: every origin without a district is the point on surface" \
	"E06000065:la_surface E08000032:la_surface E08000035:district E08000035:la_surface E09000001:la_surface" \
	"$(q "SELECT placing_la || ':' || origin_method FROM placement ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
expect_exit 0 "$H" placements locations "$S" --by la --csv
cp "$T/out" "$T/loc_before.csv"
cells() { grep "^[a-z]*,$2," "$1" | cut -d, -f4-9; }
same "4.2 before: from a point on surface the distance is not known" "1,0,0,0,1,2" "$(cells "$T/loc_before.csv" E08000035)"

# ---- 1: a CSV of eastings and northings ---------------------------------------------
expect_exit 0 centres "$F/la_centres.csv"
expect_out "loaded 3 population-weighted LA centres from $F/la_centres.csv (of 153 LAs in the boundaries)"
expect_out "code field:  CTYUA24CD"
expect_out "point from:  x, y"
expect_out "source CRS:  EPSG:27700"
same "1.1 the centres held are the file's" \
	"E06000065|436700.0|493900.0|4 E08000032|416500.0|433000.0|3 E08000035|430000.0|433500.0|2" \
	"$(q "SELECT code || '|' || x || '|' || y || '|' || source_row FROM la_centre ORDER BY code" | tr '\n' ' ' | sed 's/ $//')"
same "1.2 the load is recorded" "la_centres.csv|3|0|CTYUA24CD|x, y|EPSG:27700" \
	"$(q "SELECT source || '|' || centres || '|' || near || '|' || code_field || '|' || point_from || '|' || source_crs FROM la_centre_load")"
same "1.3 and audited, as an alteration by the admin" "1" \
	"$(q "SELECT count(*) FROM audit WHERE object = 'LA centres: 3 population-weighted centres from la_centres.csv (0 near)' AND operation = 'alteration' AND user_name = 'admin'")"
same "1.4 haven info counts them" '"la centres": 3' "$(info_section "$S" boundaries | grep -o '"la centres": [0-9]*')"
before=$(dump "$S")
audits=$(q "SELECT count(*) FROM audit")
expect_exit 0 centres "$F/la_centres.csv"
expect_out "the 3 LA centres held are these; nothing written"
[ "$(dump "$S")" = "$before" ] || fail "1.5 loading the same centres again changed the store"
same "1.5 the same file again: a no-op, the digest unchanged, nothing audited" "$audits" "$(q "SELECT count(*) FROM audit")"
held csv.txt

# ---- 2: the same points in other files and CRSs ----------------------------------------
ogr2ogr -f GeoJSON -s_srs EPSG:27700 -t_srs EPSG:4326 -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
	-lco COORDINATE_PRECISION=12 "$T/centres.geojson" "$F/la_centres.csv"
expect_exit 0 centres "$T/centres.geojson"
expect_out "loaded 3 population-weighted LA centres"
expect_out "point from:  geometry"
expect_out "source CRS:  OGC:CRS84"
held geojson.txt
ok "2.1 GeoJSON in WGS84: the CSV's points within $(within_mm "$T/csv.txt" "$T/geojson.txt")"
ogr2ogr -f GPKG -s_srs EPSG:27700 -t_srs EPSG:3857 -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y \
	-select CTYUA24CD,CTYUA24NM "$T/centres.gpkg" "$F/la_centres.csv"
expect_exit 0 centres "$T/centres.gpkg"
expect_out "source CRS:  EPSG:3857"
held gpkg.txt
ok "2.2 a GeoPackage in Web Mercator: the CSV's points within $(within_mm "$T/csv.txt" "$T/gpkg.txt")"
# ogr2ogr's CSV of longitudes and latitudes calls them X and Y: taken for eastings, they
# are not in Great Britain, and the message says to give the CRS
ogr2ogr -f CSV -lco GEOMETRY=AS_XY -lco STRING_QUOTING=IF_NEEDED -select CTYUA24CD,CTYUA24NM "$T/lonlat.csv" "$T/centres.geojson"
refused 24 "$T/lonlat.csv: row 2: the centre of E08000035 (.* in EPSG:27700) is outside Great Britain: is the CRS right (--source-crs)?" \
	centres "$T/lonlat.csv"
expect_err "$T/lonlat.csv: row 2: the centre of E08000035 (.* in EPSG:27700) is outside Great Britain: is the CRS right (--source-crs)?"
expect_exit 0 centres "$T/lonlat.csv" --source-crs OGC:CRS84
held lonlat.txt
ok "2.3 lon/lat as X,Y refused as outside Great Britain; with --source-crs the CSV's points within $(within_mm "$T/csv.txt" "$T/lonlat.txt")"
python3 - "$T/lonlat.csv" "$T/lon_lat_named.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["lad24cd", "longitude", "latitude"])
    for r in rows:
        w.writerow([r["CTYUA24CD"], r["X"], r["Y"]])
PY
expect_exit 0 centres "$T/lon_lat_named.csv"
expect_out "point from:  longitude, latitude"
expect_out "source CRS:  OGC:CRS84"
held lonlat_named.txt
ok "2.4 columns named longitude and latitude (a LAD24CD code column): OGC:CRS84, within $(within_mm "$T/csv.txt" "$T/lonlat_named.txt")"
expect_exit 0 centres "$F/la_centres.csv"
held back.txt
cmp -s "$T/csv.txt" "$T/back.txt" || fail "2.5 the CSV again does not give its points back"
ok "2.5 the CSV again replaces them with its exact points"

# ---- 3: refusals ---------------------------------------------------------------------
# on a store of the LA boundaries alone, whose digest is quick to take
MAIN=$S
S=$T/lean.db
"$H" -q init "$S" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)" >/dev/null
"$HAVEN_TEST_TOOLS/copy_rows" "$S" "$HAVEN_NATIONAL/analysis.db" area area_load area_la
q "DELETE FROM area WHERE kind <> 'la'; DELETE FROM area_la WHERE kind <> 'la'; VACUUM"
expect_exit 0 centres "$F/la_centres.csv"
HEADER=FID,CTYUA24CD,CTYUA24NM,x,y
LEEDS="1,E08000035,Leeds,430000,433500"
bad() {
	local name=$1
	shift
	printf '%s\n' "$HEADER" "$@" >"$T/$name.csv"
}
bad unknown "$LEEDS" "2,E06999999,Nowhere,430000,433500"
refused 23 "$T/unknown.csv: row 3: E06999999 is not a local authority of the loaded LA boundaries" centres "$T/unknown.csv"
ok "3.1 an unknown LA code"
bad district "$LEEDS" "2,E07000163,Craven,400000,455000"
refused 23 "$T/district.csv: row 3: E07000163 is not a local authority of the loaded LA boundaries (a lower-tier district)" \
	centres "$T/district.csv"
ok "3.2 a district's code"
bad far "1,E08000035,Leeds,416500,433000"
km=$(sqlite3 "$S" ".load mod_spatialite" "SELECT printf('%.1f', Distance(MakePoint(416500, 433000, 27700), geom) / 1000)
	FROM area WHERE kind = 'la' AND code = 'E08000035'")
refused 23 "$T/far.csv: row 2: the centre of E08000035 (Leeds) at E 416500, N 433000 is $km km outside its boundary (at most 1000 m is taken)" \
	centres "$T/far.csv"
ok "3.3 a point far outside its LA (Leeds at Bradford's centre: $km km from Leeds by SpatiaLite)"
bad nan "1,E08000035,Leeds,abc,433500"
refused 23 "$T/nan.csv: row 2: the point (abc, 433500) is not two numbers" centres "$T/nan.csv"
bad fields "$LEEDS" "2,E08000032,Bradford,416500"
refused 20 "$T/fields.csv: row 3: 4 fields where the header has 5" centres "$T/fields.csv"
bad empty "$LEEDS" "2,,Bradford,416500,433000"
refused 21 "$T/empty.csv: row 3: the code is empty" centres "$T/empty.csv"
bad nopoint "$LEEDS" "2,E08000032,Bradford,,433000"
refused 21 "$T/nopoint.csv: row 3: the point has no x (or longitude)" centres "$T/nopoint.csv"
printf '%s\n%s\n' "$HEADER" '1,E08000035,"Leeds,430000,433500' >"$T/quote.csv"
refused 20 "$T/quote.csv: row 2:" centres "$T/quote.csv"
ok "3.4 malformed rows: not numbers, too few fields, an empty code or coordinate, an open quote"
bad twice "$LEEDS" "2,E08000032,Bradford,416500,433000" "3,E08000035,Leeds,430001,433500"
refused 22 "$T/twice.csv: row 4: E08000035 appears twice: rows 2 and 4" centres "$T/twice.csv"
ok "3.5 a code twice"
printf '%s\n%s\n' "CTYUA24CD,easting" "E08000035,430000" >"$T/nocoords.csv"
refused 21 "$T/nocoords.csv: no coordinate columns (x and y, easting and northing, or lon and lat)" centres "$T/nocoords.csv"
printf '%s\n%s\n' "name,x,y" "Leeds,430000,433500" >"$T/nocode.csv"
refused 21 "$T/nocode.csv: no code column" centres "$T/nocode.csv"
printf '%s\n%s\n' "LAD24CD,CTYUA24CD,AREACD,x,y" "E08000035,E08000035,E08000035,430000,433500" >"$T/ranked.csv"
printf '%s\n%s\n' "CTYUA24CD,UTLA22CD,x,y" "E08000035,E08000035,430000,433500" >"$T/ambiguous.csv"
refused 2 "several columns could hold the LA code" centres "$T/ambiguous.csv"
ok "3.6 no coordinate or code columns; two LA code columns are ambiguous"
refused 3 "$T/absent.csv" centres "$T/absent.csv"
refused 3 "$T/absent.geojson" centres "$T/absent.geojson"
ok "3.7 a missing file"
printf '%s\n' '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"CTYUA24CD":"E08000035"},"geometry":{"type":"Polygon","coordinates":[[[-1.55,53.79],[-1.54,53.79],[-1.54,53.80],[-1.55,53.79]]]}}]}' \
	>"$T/polygon.geojson"
refused 23 "$T/polygon.geojson: feature 1: the geometry of E08000035 is a POLYGON, not a point" centres "$T/polygon.geojson"
ok "3.8 a layer of polygons"
"$H" -q authority add "$S" --kind police --code E23000010 --name "West Yorkshire Police" >/dev/null
"$H" -q user add "$S" --name pc --authority E23000010 --role analyst --default-purpose safeguarding >/dev/null
refused 30 "this needs the role admin" centres "$F/la_centres.csv" --as pc
ok "3.9 only an admin loads centres"
bad one "$LEEDS"
refused 21 "it would replace the 3 LA centres held with 1" centres "$T/one.csv"
ok "3.10 fewer than half the centres held, without --force"
# the ranked code columns and a point 100 m outside Leeds (in Bradford) on a copy
cp "$S" "$T/copy.db"
bad near "1,E08000035,Leeds,419671,434050"
expect_exit 0 "$H" boundaries centres "$T/copy.db" "$T/near.csv" --force
expect_out "near:        1 (outside their LA's polygon, within 1000 m of it)"
ok "3.11 a point 100 m outside its LA is taken, and counted near"
expect_exit 0 "$H" boundaries centres "$T/copy.db" "$T/ranked.csv" --force
expect_out "code field:  CTYUA24CD"
ok "3.12 an LA's code column (CTYUA24CD) before a district's (LAD24CD) and AREACD"

# ---- 4 (second half): placements from the centres ---------------------------------------
S=$MAIN
expect_exit 0 "$H" placements import "$S" "$F/placements.csv" --key "$K"
expect_out "5 rows: 0 added, 3 updated, 2 unchanged"
expect_out "origins: 0 from the postcode district, 0 the placing LA's point on surface (no centre loaded for the LA), 3 the placing LA's population-weighted centre"
same "4.3 after loading centres, re-importing gives la_weighted where an LA has one" \
	"E06000065:la_weighted E08000032:la_weighted E08000035:district E08000035:la_weighted E09000001:la_surface" \
	"$(q "SELECT placing_la || ':' || origin_method FROM placement ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
same "4.4 the origin is the LA's centre, to the centimetre" "0" \
	"$(q "SELECT count(*) FROM placement p JOIN la_centre c ON c.code = p.placing_la
	      WHERE p.origin_method = 'la_weighted' AND (p.origin_x <> round(c.x, 2) OR p.origin_y <> round(c.y, 2))")"
before=$(dump "$S")
expect_exit 0 "$H" placements import "$S" "$F/placements.csv" --key "$K"
expect_out "no placement changed (5 rows, 5 unchanged); nothing written"
[ "$(dump "$S")" = "$before" ] || fail "4.5 a re-import changed the store"
ok "4.5 and the same file once more is a no-op"
# North Yorkshire's centre (Northallerton) to the home in Leeds: by hand and by SpatiaLite
byhand=$(python3 -c "import math; print(f'{math.hypot(436700 - 419871, 493900 - 434050):.2f}')")
spatialite=$(sqlite3 "$S" ".load mod_spatialite" "SELECT printf('%.2f', Distance(MakePoint(p.origin_x, p.origin_y, 27700), h.geom))
	FROM placement p JOIN home_version h ON h.urn = p.urn WHERE p.placing_la = 'E06000065'")
same "4.6 the distance from North Yorkshire's centre: SpatiaLite's Distance is the hand's (over 20 miles)" "$byhand" "$spatialite"
expect_exit 0 "$H" placements locations "$S" --by la --csv
cp "$T/out" "$T/loc_after.csv"
# columns: inside_under_20, inside_over_20, outside_under_20, outside_over_20, not_known, total
same "4.7 Leeds: from its centre 10.1 km, inside, under 20 miles (was not known)" "2,0,0,0,0,2" "$(cells "$T/loc_after.csv" E08000035)"
same "4.8 Bradford: 3.5 km from its centre, outside, under 20 (was not known)" "0,0,1,0,0,1" "$(cells "$T/loc_after.csv" E08000032)"
same "4.9 North Yorkshire: 62.2 km (38.6 miles) from its centre, outside, over 20" "0,0,0,1,0,1" "$(cells "$T/loc_after.csv" E06000065)"
same "4.10 the City of London, no centre: its point on surface, not known" "0,0,0,0,1,1" "$(cells "$T/loc_after.csv" E09000001)"
same "4.11 before, Bradford and North Yorkshire were not known" "0,0,0,0,1,1 0,0,0,0,1,1" \
	"$(cells "$T/loc_before.csv" E08000032) $(cells "$T/loc_before.csv" E06000065)"
expect_exit 0 "$H" placements flows "$S" --csv
grep -q '^la,E08000032,Bradford,E08000035,Leeds,1,1,E92000001,E92000001,"LINESTRING *(416500 433000, *430000 433500)"' "$T/out" ||
	{ grep LINESTRING "$T/out"; fail "4.12 the flow line from Bradford to Leeds"; }
ok "4.12 a flow line runs from the placing LA's weighted centre to the host LA's"
