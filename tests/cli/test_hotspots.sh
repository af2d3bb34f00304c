#!/usr/bin/env bash
# test_hotspots.sh - haven missing hotspots on the national fixture: the
# synthetic police episode file of 2022-23 (tests/national_store.sh, haven
# synth) imported under a key, whose found locations hold five planted
# hot spots (docs/synth.md, "Hot spots").  A police analyst of each of the
# five forces finds the planted square hot; the output is the same for the
# same seed; the layer and the map hold what was released; rows stay in the
# force area; DfE gets the class only; the release is audited; bad options
# are refused with clear errors and the store left as it was.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}" "${HAVEN_NATIONAL:?run through ctest}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
H=$HAVEN_BIN
N=$HAVEN_NATIONAL
S=$T/hot.db
export HAVEN_USER=admin

national_dfe_store "$S"
"$H" -q key init "$T/missing.key" >/dev/null
# The police file alone: it gives the place found of every episode it
# records (the LA file would add the LA-only episodes, and take seconds).
"$H" -q missing import "$S" "$N/synth/police_episodes.csv" --source police --key "$T/missing.key" >/dev/null

# ---- 1: each planted hot spot, found by the police of its force area ----------------
# force code, name, the planted place's easting and northing (docs/synth.md)
while read -r code e n name; do
	"$H" -q authority add "$S" --kind police --code "$code" --name "$name" >/dev/null
	"$H" -q user add "$S" --name "p$code" --authority "$code" --role analyst --default-purpose safeguarding >/dev/null
	expect_exit 0 "$H" missing hotspots "$S" --cell 1000 --band 2000 --csv --as "p$code"
	cell="1000mE$((e / 1000 * 1000))N$((n / 1000 * 1000))"
	row=$(grep "^$cell," "$T/out" || true)
	case "$row" in
	*",hot 99%,"* | *",hot 95%,"*) ok "1 $name: the planted square $cell is hot: $(echo "$row" | cut -d, -f4-10)" ;;
	*) fail "1 $name: the planted square $cell is not classed hot at 95% or more: '$row'" ;;
	esac
	cp "$T/out" "$T/$code.csv"
done <<'EOF'
E23000014 408050 286250 West Midlands Police
E23000001 530300 183100 Metropolitan Police Service
E23000005 384300 398300 Greater Manchester Police
E23000010 430600 433400 West Yorkshire Police
E23000003 330500 435500 Lancashire Constabulary
EOF

# ---- 2: the rows are those of the force area ---------------------------------------
# Every square listed for West Midlands meets one of its LAs; the national
# run lists squares the force does not see.
values=$(tail -n +2 "$T/E23000014.csv" | cut -d, -f2,3 | sed 's/^/(/; s/$/)/' | paste -sd, -)
[ -n "$values" ] || fail "2.1 West Midlands has no square"
outside=$(sqlite3 "$S" ".load mod_spatialite" "
 WITH sq(e, n) AS (VALUES $values)
 SELECT count(*) FROM sq WHERE NOT EXISTS (
  SELECT 1 FROM area a JOIN area_la l ON l.la_code = a.code AND l.kind = 'pfa' AND l.code = 'E23000014'
  WHERE a.kind = 'la' AND Intersects(a.geom, BuildMbr(e, n, e + 1000, n + 1000, 27700)))")
[ "$outside" = 0 ] || fail "2.1 $outside squares listed for West Midlands meet none of its LAs"
ok "2.1 $(($(wc -l <"$T/E23000014.csv") - 1)) squares, each meeting a West Midlands LA"
expect_exit 0 "$H" missing hotspots "$S" --cell 5000 --band 10000 --csv
grep -q "^5000mE530000N180000,.*,hot 99%," "$T/out" || fail "2.2 national: central London is not hot at 99% on 5 km squares"
ok "2.2 national, 5 km squares: central London hot at 99%"

# ---- 3: the same seed, the same table; another seed, other p-values -----------------
expect_exit 0 "$H" missing hotspots "$S" --cell 1000 --band 2000 --csv --all --as pE23000010
cp "$T/out" "$T/a.csv"
expect_exit 0 "$H" missing hotspots "$S" --cell 1000 --band 2000 --csv --all --as pE23000010
cmp -s "$T/a.csv" "$T/out" || fail "3.1 two runs with the default seed differ"
ok "3.1 the same output for the same seed ($(($(wc -l <"$T/a.csv") - 1)) squares with --all)"
expect_exit 0 "$H" missing hotspots "$S" --cell 1000 --band 2000 --csv --all --seed 7 --as pE23000010
cut -d, -f1-7 "$T/out" | cmp -s - <(cut -d, -f1-7 "$T/a.csv") || fail "3.2 the counts and z changed with the seed"
cut -d, -f8 "$T/out" | cmp -s - <(cut -d, -f8 "$T/a.csv") && fail "3.2 --seed 7 gave the same p-values"
ok "3.2 --seed 7: the same counts and z, other p-values"

# ---- 4: the layer and the map ------------------------------------------------------
expect_exit 0 "$H" missing hotspots "$S" --cell 1000 --band 2000 --csv --as pE23000014 \
	--layer "$T/wm.gpkg" --map "$T/wm.png"
rows=$(($(wc -l <"$T/out") - 1))
feat=$(ogrinfo -ro -so "$T/wm.gpkg" hotspots | sed -n 's/^Feature Count: //p')
[ "$feat" = "$rows" ] || fail "4.1 the layer has $feat squares, the table $rows"
ogrinfo -ro -q "$T/wm.gpkg" -sql "SELECT count(*) AS n FROM hotspots WHERE class = 'hot 99%'" | grep -q "n (Integer) = [1-9]" ||
	fail "4.1 the layer has no square hot at 99%"
ok "4.1 the GeoPackage layer: $feat squares, as the table"
[ "$(head -c 8 "$T/wm.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "4.2 the map is not a PNG"
expect_exit 0 "$H" missing hotspots "$S" --cell 1000 --band 2000 --as pE23000014 --map "$T/wm.svg" \
	--layer "$T/wm.geojson"
grep -q "<svg" "$T/wm.svg" || fail "4.2 the SVG map is not SVG"
ok "4.2 the map as PNG and SVG"
python3 - "$T/wm.geojson" <<'PY' || fail "4.3 the GeoJSON layer"
import json, sys
d = json.load(open(sys.argv[1]))
f = d["features"]
assert f and all(x["geometry"]["type"] in ("Polygon", "MultiPolygon") for x in f)
assert {"z", "p", "q", "class", "episodes"} <= set(f[0]["properties"]), f[0]["properties"]
print("ok: 4.3 the GeoJSON layer: %d squares with z, p, q and class" % len(f))
PY
expect_exit 3 "$H" missing hotspots "$S" --cell 1000 --band 2000 --as pE23000014 --map "$T/wm.png"
expect_err "wm.png"
ok "4.4 an existing map is not replaced without --force"

# ---- 5: DfE, an aggregates-only audience, gets the class only; audited ---------------
expect_exit 0 "$H" missing hotspots "$S" --cell 5000 --band 10000 --csv --as dee
head -1 "$T/out" | grep -q "^cell,easting,northing,class,geometry" || fail "5.1 DfE's columns: $(head -1 "$T/out")"
grep -q "episodes\|band_episodes" "$T/out" && fail "5.1 DfE's table holds counts"
grep -q ",hot 99%," "$T/out" || fail "5.1 DfE's table has no square hot at 99%"
ok "5.1 DfE: cell, easting, northing, class, geometry; no counts, z or p"
n=$(q "SELECT count(*) FROM audit WHERE object LIKE 'missing-episode hot spots (Gi*) of found points, 5000 m squares, 10000 m band%'")
[ "$n" -ge 2 ] || fail "5.2 the releases of 5 km hot spots are not audited ($n entries)"
ok "5.2 every release audited ($n entries for the 5 km squares)"

# ---- 6: bad options: clear errors, the store as it was ------------------------------
before=$(dump "$S")
bad() {
	local code=$1 msg=$2
	shift 2
	expect_exit "$code" "$H" missing hotspots "$S" "$@"
	expect_err "$msg"
	ok "6 '$*': $msg"
}
bad 2 "needs --cell METRES and --band METRES" --cell 1000
bad 2 "--cell '1km' is not a number of metres" --cell 1km --band 2000
bad 2 "--cell 10: give the side of a square in metres, 50 to 100000" --cell 10 --band 2000
bad 2 "--band -5: give a distance in metres greater than 0" --cell 1000 --band -5
bad 2 "--band 100000 is 100 squares of 1000 m: at most 56" --cell 1000 --band 100000
bad 2 "--of 'home': use found or last-seen" --cell 1000 --band 2000 --of home
bad 2 "--permutations '5': give 9 to 99999" --cell 1000 --band 2000 --permutations 5
bad 2 "--seed 'x' is not a whole number" --cell 1000 --band 2000 --seed x
bad 23 "'2023-02-30x' is not a date" --cell 1000 --band 2000 --from 2023-02-30x
bad 23 "the period runs backwards, from 2023-01-01 to 2022-01-01" --cell 1000 --band 2000 --from 2023-01-01 --to 2022-01-01
bad 2 "--layer '$T/x.shp': give a .gpkg or .geojson file" --cell 1000 --band 2000 --layer "$T/x.shp"
bad 2 "--map '$T/x.pdf': give a .png or .svg file" --cell 1000 --band 2000 --map "$T/x.pdf"
bad 23 "--cell 50 gives a grid of" --cell 50 --band 100
[ "$(dump "$S")" = "$before" ] || fail "6 a refused command changed the store"
ok "6 the store as it was"
# last seen works too
expect_exit 0 "$H" missing hotspots "$S" --cell 5000 --band 10000 --of last-seen --csv
expect_out "cell,easting"
ok "7 --of last-seen"
echo "all ok"
