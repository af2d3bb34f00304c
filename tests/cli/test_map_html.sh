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

"$HAVEN_TEST_TOOLS/map_page" "$S" "$T/map.html" places_per_10k_children
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
