#!/usr/bin/env bash
# test_export.sh - exports of the national table of areas (153 LAs, the 9
# regions, England; tests/tools/export_table builds it from the synthetic
# national register until the aggregation lands), released to a DfE analyst
# and written in each format through GDAL (docs/export.md): every file opens
# with GDAL's own ogrinfo; the GeoJSON passes the independent RFC 7946 check
# (tests/export_check.py), and that check fails a GeoJSON that is not RFC
# 7946; the metadata and marking are where each format keeps them; files are
# 0600; an existing file is kept unless --overwrite; homes and people are
# refused; --level and --crs.  The PostGIS export: test_export_pg.sh.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}" "${HAVEN_TEST_TOOLS:?run through ctest}"
X=$HAVEN_TEST_TOOLS/export_table
CHECK=$(dirname "${BASH_SOURCE[0]}")/../export_check.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ok() { echo "ok: $*"; }
same() { [ "$2" = "$3" ] || fail "$1: got '$3', want '$2'"; ok "$1"; }
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

# ---- 1: each format, as DfE receives it ---------------------------------------
for f in geojson gpkg fgb csv; do
	expect_exit 0 "$X" "$S" "$f" "$T/national.$f" --as dee
	cat "$T/out" # how long the write took
	same "$f: opens with ogrinfo, every row" "$ALL" "$(features "$T/national.$f")"
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
	same "$f: and the disclosure rule" "voluntary homes: 1 or 2 suppressed (test table)" \
		"$(meta "$T/national.$f.meta.json" disclosure_rule)"
	same "$f: sidecar 0600" 600 "$(stat -c %a "$T/national.$f.meta.json")"
done

# ---- 4: the cells: numbers typed, GSS symbols beside them or in the cell --------
same "gpkg: England's homes are the register's" "$HOMES" \
	"$(sqlite3 "$T/national.gpkg" "SELECT homes FROM haven_export WHERE area_code = 'E92000001'")"
same "gpkg: a symbol: the number NULL, the symbol beside it" "$ALL" \
	"$(sqlite3 "$T/national.gpkg" "SELECT count(*) FROM haven_export
	    WHERE children_looked_after IS NULL AND children_looked_after_symbol = 'x'")"
same "gpkg: a count's type" INTEGER "$(sqlite3 "$T/national.gpkg" "SELECT type FROM pragma_table_info('haven_export')
	WHERE name = 'homes'")"
same "csv: England's row, the symbols in their cells, the marking" \
	"england,E92000001,England,,$HOMES" "$(grep '^england,' "$T/national.csv" | cut -d, -f1-5)"
[ "$(grep -c ',x,x,OFFICIAL-SENSITIVE' "$T/national.csv")" = "$ALL" ] || fail "csv: symbols or marking missing"
ok "csv: every row ends with its symbols and the marking"
same "csv: RFC 4180 line ends" "$((ALL + 1))" "$(grep -c $'\r$' "$T/national.csv")"

# ---- 5: --level, --crs ---------------------------------------------------------
expect_exit 0 "$X" "$S" gpkg "$T/la.gpkg" --as dee --level la --crs EPSG:4326
same "--level la: the LAs only" 153 "$(features "$T/la.gpkg")"
ogrinfo -ro -so -al "$T/la.gpkg" >"$T/info"
grep -q 'ID\["EPSG",4326\]' "$T/info" || fail "--crs EPSG:4326: $(cat "$T/info")"
grep -q '^Extent: (-[0-9]' "$T/info" || fail "--crs EPSG:4326: not in degrees"
ok "--crs EPSG:4326: degrees"
expect_exit 2 "$X" "$S" gpkg "$T/x.gpkg" --level LA
expect_err "level 'LA' is not one of la, district, pfa, region, england, grid"
expect_exit 24 "$X" "$S" fgb "$T/x.fgb" --crs /etc/passwd
expect_err "give it as AUTHORITY:CODE"
[ ! -e "$T/x.gpkg" ] && [ ! -e "$T/x.fgb" ] || fail "a refused export left a file"
ok "bad options leave nothing"

# ---- 6: an existing file is kept unless --overwrite ------------------------------
before=$(sha256sum <"$T/national.gpkg")
expect_exit 3 "$X" "$S" gpkg "$T/national.gpkg" --as dee
expect_err "national.gpkg: exists; not replaced without --force"
same "the file is as it was" "$before" "$(sha256sum <"$T/national.gpkg")"
ln -s "$T/target" "$T/link.csv"
expect_exit 3 "$X" "$S" csv "$T/link.csv" --as dee
expect_exit 0 "$X" "$S" csv "$T/link.csv" --as dee --overwrite
[ ! -L "$T/link.csv" ] && [ ! -e "$T/target" ] || fail "an export was written through a link"
ok "a link is replaced, never written through"
expect_exit 0 "$X" "$S" gpkg "$T/national.gpkg" --as dee --level region --overwrite
same "--overwrite replaces it" 9 "$(features "$T/national.gpkg")"

# ---- 7: homes and people never leave --------------------------------------------
for role in home text geometry:point; do
	expect_exit 30 "$X" "$S" csv "$T/refused.csv" --with "$role"
	expect_err "cannot be exported: column 'extra' names homes or people"
	[ ! -e "$T/refused.csv" ] || fail "a refused export left a file"
	ok "a column of role $role is refused, even to the store's admin"
done
