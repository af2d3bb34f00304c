#!/usr/bin/env bash
# test_placements_export.sh - the flows of placements in 'haven export' and
# the flow map (docs/placements.md, "Flows in an export and on a map"), on
# the national fixture's synthetic placements (the real 2024 LA boundaries).
# Numbered cases:
#   1  record-level (HMCI): every flow line's placements and children equal
#      'haven placements flows' for the same window; both margins present
#   2  DfE: no published flow, row or column count from 1 to 5; a suppressed
#      flow is never alone in its row or its column, so no published margin
#      less the published flows gives one back
#   3  --top: the flows kept are the largest published ones, "other" is the
#      sum of the published flows not kept (never a suppressed cell), and the
#      full export's margins less the flows published in both files still
#      leave at least two suppressed cells in every row and column: the
#      differencing attack fails
#   4  GDAL reads the GeoJSON and the GeoPackage: line features, counts as
#      written (ogrinfo, the real reader)
#   5  scope: police see the flows into homes in their force area, an LA
#      the flows of the children it places and into its homes
#   6  bad --top and misuses are refused, nothing written
#   7  the flow map: SVG written; a map of more arcs than there are
#      published flows draws only those
#   8  the HTML flow map in headless Chromium, offline (tests/map_browser.py):
#      no request, as many arcs as its legend says are drawn
#   9  the measures placements_locations and placements_capacity: byte for byte
#      'haven placements locations --by la' and 'capacity' for DfE (under
#      control), police and an LA (their scope); polygons in GeoPackage, none
#      for a placing LA outside a scoped user's areas
#  10  the London inset on the Cairo flow map: DfE's national SVG (case 7) and
#      HMCI's with --top 300 have one inset box; the arcs in it are exactly
#      the flows with both ends in London (E09) of the GeoJSON of the same
#      request, drawn nowhere else; the flows between London and elsewhere
#      are drawn again, paler, once each; West Yorkshire's police map, with
#      flows from London, has no inset
#  11  linked tables: DfE's capacity as at a day (case 9's), net movement and
#      locations over the year (case 9's), each set against DfE's matrix
#      between LAs of the same window: no suppressed cell of either comes back from a published one
#      of the other (an LA's children placed are its row total, those in its
#      own homes its diagonal flow, those placed in by others its column
#      total less its diagonal, those placed out its row total less its
#      diagonal, its locations' total its row total), and no count from 1 to
#      5 is published.  Controlled apart (before the tables were linked),
#      the same releases gave back 221 cells as at the day and 255 over the
#      year.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_NATIONAL:?run through ctest}"
H=$HAVEN_BIN
N=$HAVEN_NATIONAL
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
S=$T/s.db
cp "$N/analysis.db" "$S"
chmod 600 "$S"
export HAVEN_USER=admin
"$H" -q key init "$T/k.key" >/dev/null
"$H" -q placements import "$S" "$N/synth/placements.csv" --key "$T/k.key" >/dev/null
"$H" -q authority add "$S" --kind dfe --code DFE --name "Department for Education" >/dev/null
"$H" -q user add "$S" --name dee --authority DFE --role analyst --default-purpose policy >/dev/null
"$H" -q authority add "$S" --kind police --code E23000010 --name "West Yorkshire Police" >/dev/null
"$H" -q user add "$S" --name pc --authority E23000010 --role analyst --default-purpose safeguarding >/dev/null
"$H" -q authority add "$S" --kind la --code E08000035 --name Leeds >/dev/null
"$H" -q user add "$S" --name leeds --authority E08000035 --role analyst --default-purpose safeguarding >/dev/null
W=(--from 2024-04-01 --to 2025-03-31)
flows() { "$H" -q export "$S" --geography la --measures flows "${W[@]}" "$@"; }
py() { /usr/bin/python3 - "$@"; }

# ---- 1: the same figures as 'haven placements flows' ------------------------------
flows --format geojson --out "$T/hmci.geojson" >/dev/null
"$H" -q placements flows "$S" "${W[@]}" --csv >"$T/hmci.csv"
py "$T/hmci.geojson" "$T/hmci.csv" <<'PY' || fail "1: the export differs from 'haven placements flows'"
import csv, json, sys
feats = [f["properties"] for f in json.load(open(sys.argv[1]))["features"]]
# one matrix: every row of the export is a row of the listing, and the other way round
exported = sorted((p["placing_code"], p["host_code"], p["placements"], p["children"]) for p in feats)
listed = sorted((r["placing_code"], r["host_code"], int(r["placements"]), int(r["children"]))
                for r in csv.DictReader(open(sys.argv[2])))
assert exported == listed, f"{len(exported)} rows exported, {len(listed)} listed"
flows = {(p["placing_code"], p["host_code"]): (p["placements"], p["children"]) for p in feats
         if p["placing_code"] != "E92000001" and p["host_code"] != "E92000001"}
col = {}
for (a, b), (pl, _) in flows.items():
    col[b] = col.get(b, 0) + pl
coltot = {p["host_code"]: p["placements"] for p in feats if p["placing_code"] == "E92000001" and p["host_code"] != "E92000001"}
assert coltot == col, "column totals are not the sums of their flows"
lines = [f for f in json.load(open(sys.argv[1]))["features"] if f["geometry"]]
assert lines and all(f["geometry"]["type"] == "LineString" for f in lines)
assert all(f["properties"]["placing_code"] != f["properties"]["host_code"] for f in lines)
print(f"{len(flows)} flows, {len(lines)} lines between two LAs")
PY
ok "1 record-level: the export is 'haven placements flows', row for row, with both margins"

# ---- 2, 3: DfE, and the differencing attack --------------------------------------
HAVEN_USER=dee flows --format geojson --out "$T/dfe.geojson" >/dev/null
# --top as a GeoPackage, read back by GDAL (ogr2ogr) for the checks below
HAVEN_USER=dee flows --format gpkg --out "$T/top.gpkg" --top 40 >/dev/null
ogr2ogr -f GeoJSON "$T/top.geojson" "$T/top.gpkg"
py "$T/dfe.geojson" "$T/top.geojson" "$T/hmci.geojson" <<'PY' || fail "2/3: DfE's flows can be differenced"
import json, sys
E = "E92000001"
full = [f["properties"] for f in json.load(open(sys.argv[1]))["features"]]
top = [f["properties"] for f in json.load(open(sys.argv[2]))["features"]]
truth = {(p["placing_code"], p["host_code"]): p["placements"] for p in
         (f["properties"] for f in json.load(open(sys.argv[3]))["features"])}
sup = lambda p, k: p[k] is None and p.get(k + "_symbol") == "c"
# 2: nothing published from 1 to 5; a suppressed flow never alone in a line of the matrix
for p in full:
    for k in ("placements", "children"):
        assert p[k] is None or p[k] == 0 or p[k] > 5, f"published {k} {p[k]}: {p}"
cells = [p for p in full if E not in (p["placing_code"], p["host_code"])]
assert any(sup(p, "placements") for p in cells), "nothing suppressed: the case tests nothing"
for side, other in (("placing_code", "host_code"), ("host_code", "placing_code")):
    groups = {}
    for p in cells:
        groups.setdefault(p[side], []).append(p)
    for key, g in groups.items():
        n = sum(sup(p, "placements") for p in g)
        total = [p for p in full if p[side] == key and p[other] == E]
        if n == 1 and total and not sup(total[0], "placements"):
            raise SystemExit(f"{side} {key}: one suppressed flow beside a published total")
# 3: the top flows are the largest published; other is published flows only
pub = sorted((p for p in cells if p["geographic_level"] == "la" and not sup(p, "placements")
              and not sup(p, "children") and p["placing_code"] != p["host_code"] and p["host_code"] != "unknown"),
             key=lambda p: -p["placements"])
kept = [p for p in top if p["placing_code"] != "other"]
assert len(kept) == 40, len(kept)
assert min(p["placements"] for p in kept) >= max(p["placements"] for p in pub[40:]), "a smaller flow was kept"
keys = {(p["placing_code"], p["host_code"]) for p in kept}
o = [p for p in top if p["placing_code"] == "other"]
want = sum(p["placements"] for p in pub if (p["placing_code"], p["host_code"]) not in keys)
assert o and o[0]["placements"] == want, f"other {o[0]['placements'] if o else None}, published rest {want}"
# the attack: a published row total, less every flow of the row published anywhere
# (top, or the full file), must never leave exactly one unknown flow
for p in full:
    if p["host_code"] != E or p["placing_code"] == E or sup(p, "placements"):
        continue
    row = [c for c in cells if c["placing_code"] == p["placing_code"]]
    unknown = [c for c in row if sup(c, "placements")]
    if len(unknown) == 1:
        c = unknown[0]
        raise SystemExit(f"row {p['placing_code']}: the flow to {c['host_code']} is recovered: "
                         f"{p['placements'] - sum(x['placements'] for x in row if x is not c)} "
                         f"(true {truth[(c['placing_code'], c['host_code'])]})")
print(f"{sum(sup(p, 'placements') for p in cells)} flows suppressed of {len(cells)}; top 40 of {len(pub)} published")
PY
ok "2 DfE: no count 1-5; no suppressed flow alone in its row or column"
ok "3 --top: the largest published flows, 'other' from published cells; the attack fails"

# ---- 4: GDAL's reader -----------------------------------------------------------
for f in "$T/top.geojson" "$T/top.gpkg"; do
	ogrinfo -ro -so -al "$f" >"$T/info"
	grep -q "Feature Count: 41" "$T/info" || fail "4: $f: $(grep Feature "$T/info")"
	grep -Eq "Geometry: (Line String|Unknown)" "$T/info" || fail "4: $f: $(grep Geometry "$T/info")"
	ogrinfo -ro -al -q "$f" >"$T/feat"
	[ "$(grep -c 'LINESTRING' "$T/feat")" = 40 ] || fail "4: $f: not 40 lines"
done
a=$(ogrinfo -ro -al -q "$T/top.gpkg" | grep -E '^  placements \(' | awk '{s+=$NF} END {print s}')
b=$(py "$T/top.geojson" <<<'import json,sys; print(sum(f["properties"]["placements"] for f in json.load(open(sys.argv[1]))["features"]))')
[ "$a" = "$b" ] || fail "4: GDAL reads $a placements in the GeoPackage, the GeoJSON holds $b"
n=$(py "$T/dfe.geojson" <<<'import json,sys; print(len(json.load(open(sys.argv[1]))["features"]))')
ogrinfo -ro -so -al "$T/dfe.geojson" | grep -q "Feature Count: $n" || fail "4: GDAL does not read haven's $n features"
ogrinfo -ro -so -al "$T/dfe.geojson" | grep -q "Geometry: Line String" || fail "4: haven's GeoJSON is not of lines"
ok "4 GDAL reads 40 lines and 'other' from GeoJSON and GeoPackage, $a placements in each"

# ---- 5: scope --------------------------------------------------------------------
HAVEN_USER=pc flows --format geojson --out "$T/pc.geojson" >/dev/null
HAVEN_USER=leeds flows --format geojson --out "$T/leeds.geojson" >/dev/null
py "$T/pc.geojson" "$T/leeds.geojson" <<'PY' || fail "5: a flow outside the user's scope"
import json, sys
WY = {"E08000032", "E08000033", "E08000034", "E08000035", "E08000036"}
pc = [f["properties"] for f in json.load(open(sys.argv[1]))["features"]]
flows = [p for p in pc if "E92000001" not in (p["placing_code"], p["host_code"])]
assert flows and all(p["host_code"] in WY for p in flows), [p["host_code"] for p in flows if p["host_code"] not in WY][:5]
assert any(p["placing_code"] not in WY for p in flows), "no child placed into West Yorkshire from elsewhere"
le = [f["properties"] for f in json.load(open(sys.argv[2]))["features"]]
flows = [p for p in le if "E92000001" not in (p["placing_code"], p["host_code"])]
assert flows and all("E08000035" in (p["placing_code"], p["host_code"]) for p in flows)
PY
ok "5 police: flows into their force area's homes; Leeds: its children's flows and those into its homes"

# ---- 6: refusals ------------------------------------------------------------------
for bad in 0 -3 x 100001; do
	expect_exit 2 flows --format geojson --out "$T/bad.geojson" --top "$bad"
	expect_err "--top '$bad' wants a number of flows from 1"
done
expect_exit 2 "$H" export "$S" --geography la --measures homes --format geojson --out "$T/bad.geojson" --top 5
expect_err "--top is for the measure flows"
expect_exit 2 "$H" export "$S" --geography region --measures flows --format geojson --out "$T/bad.geojson"
expect_err "flows run between local authorities"
expect_exit 2 "$H" export "$S" --geography la --measures flows,homes --format geojson --out "$T/bad.geojson"
expect_err "the measure flows is exported on its own"
expect_exit 2 "$H" map "$S" --geography la --measure flows --out "$T/bad.kml"
expect_err "a flow map is a .png, .svg, .pdf or .html file"
expect_exit 2 "$H" map "$S" --geography la --measure homes --out "$T/bad.png" --top 5
expect_err "--top is for the measure flows"
[ ! -e "$T/bad.geojson" ] && [ ! -e "$T/bad.kml" ] && [ ! -e "$T/bad.png" ] || fail "6: a refused export wrote a file"
ok "6 bad --top, --top on another measure, flows by region or with others, a flow map of another kind: refused"

# ---- 7: the flow map --------------------------------------------------------------
# (the PNG is the same Cairo drawing; scripts/demo writes one)
HAVEN_USER=dee expect_exit 0 "$H" map "$S" --geography la --measure flows "${W[@]}" --out "$T/f.svg" --top 100000
expect_out "wrote map"
py "$T/f.svg" "$T/dfe.geojson" <<'PY' || fail "7: the flow map"
import json, re, sys
svg = open(sys.argv[1]).read()
full = [f["properties"] for f in json.load(open(sys.argv[2]))["features"] if f["geometry"]]
drawable = sum(1 for p in full if p["placements"] is not None and p["children"] is not None)
# each arc is one stroked curve in the arcs' blue (a path with a cubic 'C'),
# and one arrowhead; the legend's three samples are straight, with heads
arcs = len(re.findall(r'<path style="[^"]*stroke:rgb\(3%,32%,61%\)[^"]*" d="[^"]*C[^"]*"', svg))
heads = len(re.findall(r'<path style="[^"]*fill:rgb\(3%,19%,42%\)[^"]*"', svg))
assert arcs == drawable, f"{arcs} arcs drawn, {drawable} published flows between LAs"
assert arcs < heads <= arcs + 3, f"{heads} arrowheads for {arcs} arcs"
print(f"{arcs} arcs drawn of {len(full)} flows between LAs")
PY
ok "7 the flow map: every published flow and no suppressed one drawn with --top above their number"

# ---- 8: the HTML flow map, offline ----------------------------------------------------
HAVEN_USER=dee expect_exit 0 "$H" map "$S" --geography la --measure flows "${W[@]}" --out "$T/f.html" --top 30
[ "$(stat -c %a "$T/f.html")" = 600 ] || fail "8: the page is not 0600"
drawn=$(grep -o 'data-drawn="[0-9]*"' "$T/f.html" | grep -o '[0-9]*')
[ "$drawn" = 30 ] || fail "8: the legend says $drawn flows drawn, not 30"
grep -q "Flows of 1 to 5 children are suppressed" "$T/f.html" || fail "8: the legend does not say flows of 1-5 are suppressed"
run=()
if unshare -n true 2>/dev/null; then
	run=(unshare -n sh -c 'ip link set lo up && exec "$@"' sh)
fi
# the arcs are the page's only interactive paths: as many as the legend says
"${run[@]}" python3 "$HAVEN_SOURCE_DIR/tests/map_browser.py" "$T/f.html" "$drawn" 08306b f2f2f2 ||
	fail "8: the HTML flow map in Chromium"
ok "8 the HTML flow map opens offline, makes no request and draws the $drawn arcs its legend counts"

# ---- 9: DfE's locations and capacity as measures of an export -----------------------
for u in dee pc leeds; do
	HAVEN_USER=$u "$H" -q export "$S" --geography la --measures placements_locations "${W[@]}" --format csv \
		--out "$T/loc_$u.csv" >/dev/null
	HAVEN_USER=$u "$H" -q placements locations "$S" --by la "${W[@]}" --csv >"$T/loc_cli_$u.csv"
	cmp -s "$T/loc_$u.csv" "$T/loc_cli_$u.csv" || fail "9: $u: the export's locations are not 'haven placements locations'"
	HAVEN_USER=$u "$H" -q export "$S" --geography la --measures placements_capacity --as-at 2025-03-31 --format csv \
		--out "$T/cap_$u.csv" >/dev/null
	HAVEN_USER=$u "$H" -q placements capacity "$S" --as-at 2025-03-31 --csv >"$T/cap_cli_$u.csv"
	cmp -s "$T/cap_$u.csv" "$T/cap_cli_$u.csv" || fail "9: $u: the export's capacity is not 'haven placements capacity'"
done
grep -q ',c,' "$T/loc_dee.csv" || fail "9: nothing suppressed for DfE: the case tests nothing"
[ "$(wc -l <"$T/loc_pc.csv")" -gt 20 ] || fail "9: police see too few placing LAs"
HAVEN_USER=pc "$H" -q export "$S" --geography la --measures placements_locations "${W[@]}" --format gpkg \
	--out "$T/loc.gpkg" >/dev/null
ogrinfo -ro -so -al "$T/loc.gpkg" >"$T/info"
grep -q "Geometry: Multi Polygon" "$T/info" && grep -q "Feature Count: $(($(wc -l <"$T/loc_pc.csv") - 1))" "$T/info" ||
	fail "9: the GeoPackage of locations: $(grep -E 'Geometry|Feature' "$T/info")"
ogr2ogr -f GeoJSON "$T/loc_pc.geojson" "$T/loc.gpkg"
py "$T/loc_pc.geojson" <<'PY' || fail "9: police's polygons"
import json, sys
WY = {"E08000032", "E08000033", "E08000034", "E08000035", "E08000036"}
fs = json.load(open(sys.argv[1]))["features"]
assert all((f["geometry"] is not None) == (f["properties"]["area_code"] in WY) for f in fs), "a polygon outside the force"
PY
expect_exit 2 "$H" export "$S" --geography la --measures placements_capacity --from 2024-04-01 --format csv --out "$T/bad.csv"
expect_err "capacity is as at a date"
expect_exit 2 "$H" export "$S" --geography region --measures placements_locations --format csv --out "$T/bad.csv"
expect_err "placements are by placing local authority"
ok "9 placements_locations and placements_capacity: 'haven placements' byte for byte for DfE, police and an LA"
# ---- 10: the London inset ---------------------------------------------------------
# each map beside the GeoJSON of the same request; London is E09 here (the
# store's regions put exactly the E09 codes in London)
HAVEN_USER=dee flows --format geojson --top 100000 --out "$T/i_dfe.geojson" >/dev/null
flows --format geojson --top 300 --out "$T/i_hmci.geojson" >/dev/null
"$H" -q map "$S" --geography la --measure flows "${W[@]}" --top 300 --out "$T/i_hmci.svg" >/dev/null
HAVEN_USER=pc flows --format geojson --top 100000 --out "$T/i_pc.geojson" >/dev/null
HAVEN_USER=pc "$H" -q map "$S" --geography la --measure flows "${W[@]}" --top 100000 --out "$T/i_pc.svg" >/dev/null
py "$T/f.svg" "$T/i_dfe.geojson" 1 "$T/i_hmci.svg" "$T/i_hmci.geojson" 1 "$T/i_pc.svg" "$T/i_pc.geojson" 0 <<'PY' ||
import json, re, sys
NUM = r"(-?[0-9.]+)"
for svg_path, gj, want in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3]):
    svg = open(svg_path).read()
    flows = [f["properties"] for f in json.load(open(gj))["features"]
             if f["geometry"] and f["properties"]["placing_code"] != "other"]
    lon = lambda c: c.startswith("E09")
    inner = sum(1 for p in flows if lon(p["placing_code"]) and lon(p["host_code"]))
    one = sum(1 for p in flows if lon(p["placing_code"]) != lon(p["host_code"]))
    # the inset's box: the page's one rectangle ruled 0.9 points in ink
    boxes = re.findall(r'<path style="fill:none;stroke-width:0\.9;[^"]*stroke:rgb\(14\.509804%,14\.509804%,'
                       r'14\.509804%\)[^"]*" d="M ' + NUM + " " + NUM + " L " + NUM + " " + NUM + " L " + NUM +
                       " " + NUM + " L " + NUM + " " + NUM + ' Z', svg)
    arcs = [tuple(map(float, xy)) for xy in
            re.findall(r'<path style="[^"]*stroke:rgb\(3%,32%,61%\)[^"]*" d="M ' + NUM + " " + NUM + " C", svg)]
    pale = len(re.findall(r'<path style="[^"]*stroke:rgb\(45%,60%,78%\)[^"]*" d="M [^"]*C', svg))
    assert len(arcs) == len(flows), f"{svg_path}: {len(arcs)} arcs for {len(flows)} flows: one drawn twice or not at all"
    if want == "0":
        assert one > 0, f"{gj}: no flow from London: the case tests nothing"
        assert not boxes and not pale, f"{svg_path}: an inset on a map of a force outside London"
        print(f"{svg_path}: {one} flows from London, no inset")
        continue
    assert len(boxes) == 1, f"{svg_path}: {len(boxes)} inset boxes"
    b = list(map(float, boxes[0]))
    x0, x1, y0, y1 = min(b[0::2]), max(b[0::2]), min(b[1::2]), max(b[1::2])
    assert x1 - x0 > 60 and y1 - y0 > 60, f"{svg_path}: the inset is {x1 - x0} by {y1 - y0} points"
    within = sum(1 for x, y in arcs if x0 < x < x1 and y0 < y < y1)
    assert within == inner, f"{svg_path}: {within} arcs in the inset, {inner} flows between two London LAs"
    assert pale == one, f"{svg_path}: {pale} flows drawn again to the inset's edge, {one} between London and elsewhere"
    print(f"{svg_path}: inset at ({x0:.0f}, {y0:.0f}) {x1 - x0:.0f} by {y1 - y0:.0f}: {within} arcs in it, {one} again")
PY
	fail "10: the London inset"
ok "10 the London inset: the flows between two London boroughs drawn in it and only there; none for West Yorkshire"
# ---- 11: the matrix's linked tables ------------------------------------------------
# as at the day of case 9's capacity, and over the year: the matrix of the
# same window beside DfE's capacity (case 9's), net movement and locations
HAVEN_USER=dee "$H" -q placements flows "$S" --as-at 2025-03-31 --csv >"$T/m_day.csv"
HAVEN_USER=dee "$H" -q placements flows "$S" "${W[@]}" --csv >"$T/m_year.csv"
HAVEN_USER=dee "$H" -q placements flows "$S" --net "${W[@]}" --csv >"$T/n_year.csv"
for w in day year; do
	if [ $w = day ]; then set -- "$T/m_day.csv" "$T/none" "$T/loc_none" "$T/cap_cli_dee.csv"; else
		set -- "$T/m_year.csv" "$T/n_year.csv" "$T/loc_cli_dee.csv" "$T/none"
	fi
	py "$@" <<'PY' || fail "11 ($w): the linked tables give a suppressed cell back"
import csv, sys
E = "E92000001"
def rows(p):
    try:
        return list(csv.DictReader(open(p)))
    except FileNotFoundError:
        return []
m, net, loc, cap = (rows(p) for p in sys.argv[1:5])
def val(v):
    return None if v == "c" else int(v)
R, C, D = {}, {}, {}
for r in m:
    a, b, v = r["placing_code"], r["host_code"], val(r["placements"])
    if a == E and b not in (E, "unknown"):
        C[b] = v
    elif b == E and a != E:
        R[a] = v
    elif a == b:
        D[a] = v
cells = 0  # suppressed cells set against the matrix
leaks = []
def check(what, suppressed, *published):
    # a suppressed cell that published values of the other table give back
    global cells
    cells += 1
    if all(p is not None for p in published):
        leaks.append(what)
for r in cap:
    if r["geographic_level"] != "la":
        continue
    a = r["area_code"]
    own, pin, placed = val(r["placed_own_area"]), val(r["children_placed_in"]), val(r["children_placed"])
    d, c, rt = D.get(a, 0), C.get(a, 0), R.get(a, 0)
    if d is None:
        check(f"capacity {a}: own {own} gives the diagonal", d, own)
        check(f"capacity {a}: column total {c} less placed in {pin} gives the diagonal", d, c, pin)
    if own is None:
        check(f"matrix {a}: the diagonal {d} gives placed_own_area", own, d)
    if pin is None:
        check(f"matrix {a}: column {c} less diagonal {d} gives children_placed_in", pin, c, d)
    if rt is None:
        check(f"capacity {a}: children placed {placed} gives the row total", rt, placed)
    if placed is None:
        check(f"matrix {a}: the row total {rt} gives children_placed", placed, rt)
    for k in ("placed_own_area", "children_placed_in", "children_placed", "placed_elsewhere"):
        assert val(r[k]) is None or not 1 <= val(r[k]) <= 5, f"capacity {a}: {k} {r[k]} published"
for r in net:
    a = r["area_code"]
    own, pin, out = val(r["placed_own"]), val(r["placed_in"]), val(r["placed_out"])
    d, c, rt = D.get(a, 0), C.get(a, 0), R.get(a, 0)
    if d is None:
        check(f"net {a}: own {own} gives the diagonal", d, own)
        check(f"net {a}: column {c} less placed in {pin} gives the diagonal", d, c, pin)
        check(f"net {a}: row {rt} less placed out {out} gives the diagonal", d, rt, out)
    if own is None:
        check(f"matrix {a}: the diagonal gives placed_own", own, d)
    if pin is None:
        check(f"matrix {a}: column less diagonal gives placed_in", pin, c, d)
    if out is None:
        check(f"matrix {a}: row less diagonal gives placed_out", out, rt, d)
    for k in ("placed_own", "placed_in", "placed_out"):
        assert val(r[k]) is None or not 1 <= val(r[k]) <= 5, f"net {a}: {k} {r[k]} published"
for r in loc:
    if r["geographic_level"] != "la":
        continue
    a, tot = r["area_code"], val(r["total"])
    rt = R.get(a, 0)
    if rt is None:
        check(f"locations {a}: total {tot} gives the row total", rt, tot)
    if tot is None:
        check(f"matrix {a}: the row total {rt} gives the locations' total", tot, rt)
assert not leaks, f"{len(leaks)} cells given back, such as: " + "; ".join(leaks[:5])
assert cells > 20, f"only {cells} suppressed cells set against the matrix: the case tests nothing"
print(f"{sys.argv[1]}: {cells} suppressed cells set against the other tables, none given back")
PY
done
ok "11 linked tables: capacity, net movement and locations give no suppressed cell of the matrix back, nor it one of theirs"
echo "all ok"
