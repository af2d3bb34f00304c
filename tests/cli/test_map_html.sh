#!/usr/bin/env bash
# test_map_html.sh - an HTML map of the 153 English local authorities
# (docs/maps.md), opened in headless Chromium with the network disabled
# (tests/map_browser.py): one self-contained file that makes no request of
# any kind, draws one path per area, and shows its classes' colours.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}" "${HAVEN_TEST_TOOLS:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
S=$T/map.db
cp "${HAVEN_NATIONAL:?run through ctest}/boundaries.db" "$S"
chmod 600 "$S"
"$HAVEN_BIN" -q boundaries load "$S" --kind region "$HAVEN_DATA_DIR/boundaries/rgn_dec2023_en_bgc.geojson.gz" >/dev/null

# The rows at la level as GeoJSON, shaped as the export writes it: numbers
# as numbers, a symbol in MEASURE_symbol beside a null.
M=places_per_10k_children
"$HAVEN_TEST_TOOLS/map_page" "$S" table "$T/table.csv"
ogr2ogr -f GeoJSON -lco RFC7946=YES "$T/raw.geojson" "$T/table.csv" -oo GEOM_POSSIBLE_NAMES=geom \
	-oo KEEP_GEOM_COLUMNS=NO -a_srs EPSG:27700 -where "geographic_level = 'la'"
python3 - "$T/raw.geojson" "$T/la.geojson" "$M" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
m = sys.argv[3]
for f in doc["features"]:
    p = f["properties"]
    v = p[m]
    try:
        p[m], p[m + "_symbol"] = float(v), None
    except ValueError:
        p[m], p[m + "_symbol"] = None, v
json.dump(doc, open(sys.argv[2], "w"))
PY

"$HAVEN_TEST_TOOLS/map_page" "$S" html "$T/map.html" "$M" "$T/la.geojson"
[ "$(stat -c %a "$T/map.html")" = 600 ] || fail "the page is not 0600"
grep -q 'c</b> suppressed (disclosure control)' "$T/map.html" || fail "the legend does not name the suppressed area"

# In a network namespace of its own (loopback only) when one can be made;
# the proxy catches every request either way.
run=()
if unshare -n true 2>/dev/null; then
	run=(unshare -n sh -c 'ip link set lo up && exec "$@"' sh)
fi
"${run[@]}" python3 "$HAVEN_SOURCE_DIR/tests/map_browser.py" "$T/map.html" 153 ffffcc a1dab4 41b6c4 2c7fb8 253494 ||
	fail "the HTML map in Chromium"
echo "ok: the HTML map opens offline, makes no request and draws 153 areas"
