#!/usr/bin/env bash
# test_export.sh - haven export of the national aggregate (153 LAs, the 9
# regions, England, every measure of the registry; the synthetic national
# register with DfE's children looked after), released to a DfE analyst
# and written in each format through GDAL (docs/export.md): every file opens
# with GDAL's own ogrinfo; the GeoJSON passes the independent RFC 7946 check
# (tests/export_check.py), and that check fails a GeoJSON that is not RFC
# 7946; the metadata and marking are where each format keeps them; files are
# 0600; an existing file is kept unless --force; --level and --crs; the
# registry (--list-measures); a grid; a police analyst's scope; no URN,
# name, postcode or telephone of the register in any file (leak_check.py);
# bad requests leave the store as it was.  Tables naming homes or people
# are refused by the writer whoever asks: tests/unit/test_export.c.  The
# PostGIS export: test_export_pg.sh.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}"
H=$HAVEN_BIN
CHECK=$(dirname "${BASH_SOURCE[0]}")/../export_check.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
umask 022 # exports must be 0600 whatever the umask lets through
# features FILE: the feature count ogrinfo reads.
features() { ogrinfo -ro -so -al "$1" | sed -n 's/^Feature Count: //p'; }
# meta FILE KEY: KEY of the JSON object in FILE (a sidecar), or of its "metadata" member.
meta() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("metadata", d)[sys.argv[2]])' "$1" "$2"; }
FORBID=urn,name,address,address_1,postcode,telephone,registered_person,responsible_individual,child

# The national store with the regions and a DfE analyst, dee.
S=$T/national.db
national_dfe_store "$S"
ALL=163 # 153 LAs, 9 regions, England
HOMES=$(sqlite3 "$S" "SELECT count(*) FROM home_version WHERE valid_to IS NULL")

# ---- 0: the registry ------------------------------------------------------------
expect_exit 0 "$H" export --list-measures --csv
for m in "homes,homes,count:homes" "places,places,count:places" \
	"places_per_10k_children,\"places per 10,000 children\",rate:places" \
	"places_per_100_cla,places per 100 children looked after,rate:places"; do
	grep -q "^$m," "$T/out" || { cat "$T/out"; fail "--list-measures lacks $m"; }
done
# every measure of homes by area DfE may have (the placements' measures are exported on their own:
# tests/cli/test_placements_export.sh; the missing_* measures are refused to DfE, below)
MEASURES=$(tail -n +2 "$T/out" | cut -d, -f1 | grep -vx -e flows -e placements_locations -e placements_capacity |
	grep -v '^missing_' | paste -sd, -)
same "--list-measures: every measure, with unit and class" 26 "$(tail -n +2 "$T/out" | wc -l)"
# X STORE FORMAT OUT [OPTION...]: haven export of every measure by LA.
X() {
	local s=$1 f=$2 o=$3
	shift 3
	"$H" export "$s" --geography la --measures "$MEASURES" --format "$f" --out "$o" "$@"
}

# ---- 1: each format, as DfE receives it ---------------------------------------
# the measures of children missing from care are refused to DfE (its trends and
# scorecard publish them under one control), before anything is written or audited
before=$(sqlite3 "$S" "SELECT count(*) FROM audit")
expect_exit 30 "$H" export "$S" --geography la --measures homes,missing_episodes --format csv --out "$T/m.csv" --as dee
expect_err "not exported to an aggregates-only audience"
[ ! -e "$T/m.csv" ] && [ "$(sqlite3 "$S" "SELECT count(*) FROM audit")" = "$before" ] ||
	fail "a refused export of missing_* left a file or an audit entry"
# FlatGeobuf (GDAL 3.6) cannot hold England's row, which has no polygon of
# its own: refused, and exported a level at a time.
expect_exit 2 X "$S" fgb "$T/national.fgb" --as dee
expect_err "FlatGeobuf cannot hold a row without a polygon, and row 1 ('England') has none"
for f in geojson gpkg fgb csv; do
	level=() rows=$ALL
	[ "$f" != fgb ] || level=(--level la) rows=153
	expect_exit 0 X "$S" "$f" "$T/national.$f" --as dee "${level[@]}"
	expect_out "wrote $f $T/national.$f: $rows rows, [0-9]* cells suppressed, [0-9]* rounded"
	same "$f: opens with ogrinfo, every row" "$rows" "$(features "$T/national.$f")"
	same "$f: 0600" 600 "$(stat -c %a "$T/national.$f")"
done
same "nothing else is left beside them" \
	"national.csv national.csv.meta.json national.db national.fgb national.fgb.meta.json national.geojson national.gpkg" \
	"$(cd "$T" && ls national* | tr '\n' ' ' | sed 's/ $//')"

# ---- 2: GeoJSON is RFC 7946, checked independently ------------------------------
python3 "$CHECK" "$T/national.geojson" --marking OFFICIAL-SENSITIVE --within -6.5,49.8,1.8,55.9 \
	--forbid "$FORBID" >"$T/check" || { cat "$T/check"; fail "the GeoJSON export is not RFC 7946"; }
ok "geojson: $(cat "$T/check")"
# and the check can fail: GDAL's GeoJSON of the same layer without RFC 7946
# (EPSG:27700, a crs member, no bbox) does
ogr2ogr -f GeoJSON "$T/plain.geojson" "$T/national.gpkg"
if python3 "$CHECK" "$T/plain.geojson" >"$T/check"; then fail "export_check.py passed a GeoJSON in EPSG:27700"; fi
grep -q "a crs member" "$T/check" || fail "export_check.py missed the crs member"
grep -q "is not longitude, latitude" "$T/check" || fail "export_check.py missed the coordinates"
ok "export_check.py fails a GeoJSON that is not RFC 7946"

# ---- 3: metadata and marking, where each format keeps them ---------------------
same "geojson: the marking" OFFICIAL-SENSITIVE "$(meta "$T/national.geojson" protective_marking)"
same "geojson: as at" 2025-03-31 "$(meta "$T/national.geojson" as_at)"
same "gpkg: gpkg_metadata holds the marking and the keys, for the layer" "haven_export 1 1" \
	"$(sqlite3 "$T/national.gpkg" "SELECT r.table_name, instr(m.metadata, 'OFFICIAL-SENSITIVE') > 0,
	    instr(m.metadata, 'Open Government Licence') > 0 FROM gpkg_metadata m
	    JOIN gpkg_metadata_reference r ON r.md_file_id = m.id" | tr '|' ' ')"
for f in fgb csv; do
	same "$f: the sidecar holds the marking" OFFICIAL-SENSITIVE "$(meta "$T/national.$f.meta.json" protective_marking)"
	meta "$T/national.$f.meta.json" disclosure_rule | grep -q "^counts of children and episodes from 1 to 5" ||
		fail "$f: the disclosure rule is not in the sidecar"
	ok "$f: and the disclosure rule"
	same "$f: sidecar 0600" 600 "$(stat -c %a "$T/national.$f.meta.json")"
done

# ---- 4: the cells: numbers typed, GSS symbols beside them or in the cell --------
same "gpkg: England's homes are the register's" "$HOMES" \
	"$(sqlite3 "$T/national.gpkg" "SELECT homes FROM haven_export WHERE area_code = 'E92000001'")"
same "gpkg: England's children looked after, DfE's 2025 figure" 81770 \
	"$(sqlite3 "$T/national.gpkg" "SELECT children_looked_after FROM haven_export WHERE area_code = 'E92000001'")"
same "gpkg: a symbol: the number NULL, the symbol beside it (City of London's looked-after children)" "|c" \
	"$(sqlite3 "$T/national.gpkg" "SELECT places_per_100_cla, places_per_100_cla_symbol FROM haven_export
	    WHERE area_code = 'E09000001'")"
same "gpkg: a count's type" INTEGER "$(sqlite3 "$T/national.gpkg" "SELECT type FROM pragma_table_info('haven_export')
	WHERE name = 'homes'")"
same "gpkg: rates to 1 decimal" 0 "$(sqlite3 "$T/national.gpkg" "SELECT count(*) FROM haven_export
	WHERE places_per_100_cla IS NOT NULL AND abs(places_per_100_cla * 10 - round(places_per_100_cla * 10)) > 1e-6")"
same "csv: England's row, the marking" "england,E92000001,England,,$HOMES" \
	"$(grep '^england,' "$T/national.csv" | cut -d, -f1-5)"
same "csv: a symbol in its cell" c "$(python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["area_code"] == "E09000001": print(r["places_per_100_cla"])' "$T/national.csv")"
[ "$(grep -c ',OFFICIAL-SENSITIVE'$'\r''$' "$T/national.csv")" = "$ALL" ] || fail "csv: the marking missing"
ok "csv: every row ends with the marking"
same "csv: RFC 4180 line ends" "$((ALL + 1))" "$(grep -c $'\r$' "$T/national.csv")"

# ---- 5: --level, --crs ---------------------------------------------------------
expect_exit 0 X "$S" gpkg "$T/la.gpkg" --as dee --level la --crs EPSG:4326
same "--level la: the LAs only" 153 "$(features "$T/la.gpkg")"
ogrinfo -ro -so -al "$T/la.gpkg" >"$T/info"
grep -q 'ID\["EPSG",4326\]' "$T/info" || fail "--crs EPSG:4326: $(cat "$T/info")"
grep -q '^Extent: (-[0-9]' "$T/info" || fail "--crs EPSG:4326: not in degrees"
ok "--crs EPSG:4326: degrees"
expect_exit 2 X "$S" gpkg "$T/x.gpkg" --level LA
expect_err "level 'LA' is not one of la, district, pfa, region, england, grid, unlocated, scope"
expect_exit 24 X "$S" fgb "$T/x.fgb" --crs /etc/passwd
expect_err "give it as AUTHORITY:CODE"
[ ! -e "$T/x.gpkg" ] && [ ! -e "$T/x.fgb" ] || fail "a refused export left a file"
ok "bad options leave nothing"

# ---- 6: an existing file is kept unless --force ------------------------------
before=$(sha256sum <"$T/national.gpkg")
expect_exit 3 X "$S" gpkg "$T/national.gpkg" --as dee
expect_err "national.gpkg: exists; not replaced without --force"
same "the file is as it was" "$before" "$(sha256sum <"$T/national.gpkg")"
ln -s "$T/target" "$T/link.csv"
expect_exit 3 X "$S" csv "$T/link.csv" --as dee
expect_exit 0 X "$S" csv "$T/link.csv" --as dee --force
[ ! -L "$T/link.csv" ] && [ ! -e "$T/target" ] || fail "an export was written through a link"
ok "a link is replaced, never written through"
expect_exit 0 X "$S" gpkg "$T/national.gpkg" --as dee --level region --force
same "--force replaces it" 9 "$(features "$T/national.gpkg")"

# ---- 7: a grid, as DfE receives it: no cell of fewer than 10 homes --------------
expect_exit 0 "$H" export "$S" --geography grid:1000 --measures homes,places --format geojson \
	--out "$T/grid.geojson" --as dee
# (a 64 km cell on the coast reaches out to sea)
python3 "$CHECK" "$T/grid.geojson" --marking OFFICIAL-SENSITIVE --within -8,49,3.5,56.5 --forbid "$FORBID" \
	>"$T/check" || { cat "$T/check"; fail "the grid's GeoJSON is not RFC 7946"; }
python3 - "$T/grid.geojson" "$HOMES" <<'PY' || fail "the grid exposes a small cell"
import json, sys
d = json.load(open(sys.argv[1]))
cells = [f["properties"] for f in d["features"] if f["properties"]["geographic_level"] == "grid"]
small = [c for c in cells if c["homes"] is not None and c["homes"] < 10]
assert not small, small[:3]
shown = sum(c["homes"] for c in cells if c["homes"] is not None)
assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in d["features"] if f["geometry"])
assert 0 < shown <= int(sys.argv[2]), shown
print("ok: grid: %d cells, %d suppressed, none of fewer than 10 homes shown" %
      (len(cells), sum(c["homes"] is None for c in cells)))
PY

# ---- 8: a police analyst: the force's LAs and their total, no England -----------
"$H" -q authority add "$S" --kind police --code E23000010 --name "West Yorkshire Police"
"$H" -q user add "$S" --name ana --authority E23000010 --role analyst --default-purpose safeguarding
expect_exit 0 "$H" export "$S" --geography la --format csv --out "$T/wyp.csv" --as ana
same "the force's five LAs and the scope's total" "la:E08000032 la:E08000033 la:E08000034 la:E08000035 la:E08000036 scope:scope" \
	"$(tail -n +2 "$T/wyp.csv" | cut -d, -f1,2 | tr , : | sort | tr '\n' ' ' | sed 's/ $//')"

# ---- 9: no URN, name, postcode or telephone of the register in any file ----------
python3 "$(dirname "${BASH_SOURCE[0]}")/../leak_check.py" "$HAVEN_NATIONAL/synth/register.csv" "$T"/*.geojson \
	"$T"/*.gpkg "$T"/*.fgb "$T"/*.csv "$T"/*.json >"$T/check" || { cat "$T/check"; fail "an export names a home"; }
ok "$(cat "$T/check")"
if python3 "$(dirname "${BASH_SOURCE[0]}")/../leak_check.py" "$HAVEN_NATIONAL/synth/register.csv" \
	"$HAVEN_NATIONAL/synth/register.csv" >"$T/check"; then
	fail "leak_check.py found nothing in the register itself"
fi
ok "and leak_check.py finds the register in the register: $(wc -l <"$T/check") hits"

# ---- 10: bad requests: a clear error, nothing written, the store as it was -------
before=$(dump "$S")
expect_exit 2 "$H" export "$S" --geography county --format csv --out "$T/bad.csv" --as dee
expect_err "geography 'county': use la, district, pfa, region, england or grid:METRES"
expect_exit 2 "$H" export "$S" --geography la --measures places_per_100_cla --format csv --out "$T/bad.csv" --as dee
expect_err "ask for places too"
expect_exit 2 "$H" export "$S" --geography la --measures beds --format csv --out "$T/bad.csv" --as dee
expect_err "'beds' is not a measure"
expect_exit 23 "$H" export "$S" --geography la --as-at 2025-13-01 --format csv --out "$T/bad.csv" --as dee
expect_err "'2025-13-01' is not a date"
expect_exit 2 "$H" export "$S" --geography la --format xlsx --out "$T/bad.xlsx" --as dee
[ ! -e "$T/bad.csv" ] && [ ! -e "$T/bad.xlsx" ] || fail "a refused export left a file"
same "refused exports leave the store as it was" "$before" "$(dump "$S")"
