#!/usr/bin/env bash
# The foundation's acceptance test, on the bundled real data:
# boundaries -> gazetteer -> synth -> register import -> geocode, then
#  1. for every local authority, the store holds exactly the homes and places
#     that Ofsted's provider list gives it (recounted here from the original
#     file, joined by URN, with Python's standard library only);
#  2. every home lies inside its own LA's polygon, checked independently with
#     SpatiaLite's ST_Covers in the sqlite3 shell (not haven's STRtree).
set -euo pipefail
H=$HAVEN_BIN
D=$HAVEN_DATA_DIR
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
S=$T/national.db
OFSTED=$D/ofsted/ofsted_provider_level_2025-03-31.csv.gz

"$H" -q init "$S" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)" >/dev/null
"$H" -q boundaries load "$S" --kind la "$D/boundaries/ctyua_dec2024_en_bgc.geojson.gz" >/dev/null
"$H" -q boundaries load "$S" --kind district "$D/boundaries/lad_dec2024_en_bgc.geojson.gz" >/dev/null
"$H" -q boundaries load "$S" --kind pfa "$D/boundaries/pfa_dec2023_ew_bgc.geojson.gz" >/dev/null
"$H" -q boundaries load "$S" --kind region "$D/boundaries/rgn_dec2023_en_bgc.geojson.gz" >/dev/null
"$H" -q gazetteer load "$S" "$D/postcodes/gb_postcodes_sample.csv.gz" >/dev/null
"$H" -q synth "$S" --from-ofsted "$OFSTED" --seed 11 --out "$T/synth"
"$H" -q register import "$S" "$T/synth/register.csv" --received 2025-03-31
"$H" -q geocode "$S"
"$H" register summary "$S" --by la --json > "$T/by_la.json"
"$H" geocode report "$S" --csv > "$T/issues.csv"

# Same seed, same file, byte for byte.
"$H" -q synth "$S" --from-ofsted "$OFSTED" --seed 11 --out "$T/synth2"
cmp "$T/synth/register.csv" "$T/synth2/register.csv"
echo "synth is deterministic for a seed"

python3 - "$OFSTED" "$T/synth/register.csv" "$T/by_la.json" "$T/issues.csv" <<'PY'
import csv, gzip, json, sys
from collections import defaultdict
ofsted, register, by_la, issues = sys.argv[1:5]
kinds = {"children's home", "secure children's home",
         "residential special school (registered as a children's home)"}
src = {}
with gzip.open(ofsted, "rt", encoding="utf-8", newline="") as f:
    for r in csv.DictReader(f):
        if r["Provision type"].strip().lower() in kinds:
            src[r["URN"]] = (r["Local authority"], int(r["Places"]))
reg = {}
with open(register, encoding="utf-8", newline="") as f:
    for r in csv.DictReader(f):
        reg[r["urn"]] = r
assert set(src) == set(reg), "synthetic register has other URNs than Ofsted's homes"
name_to_code = {}
want = defaultdict(lambda: [0, 0])
for urn, (la_name, places) in src.items():
    code = reg[urn]["local_authority"]
    assert name_to_code.setdefault(la_name, code) == code, f"{la_name} mapped to two codes"
    assert reg[urn]["synthetic"] == "yes" and int(reg[urn]["places"]) == places
    want[code][0] += 1
    want[code][1] += places
got = {}
for row in json.load(open(by_la))["rows"]:
    code = row["area_code"]
    if code == "total":
        continue
    g = got.setdefault(code, [0, 0])
    g[0] += int(row["homes"]); g[1] += int(row["places"])
differ = [c for c in set(want) | set(got) if want.get(c) != got.get(c)]
hw = sum(v[0] for v in want.values()); pw = sum(v[1] for v in want.values())
hg = sum(v[0] for v in got.values()); pg = sum(v[1] for v in got.values())
print(f"per-LA comparison: {len(want)} LAs from Ofsted's file, {len(got)} in the store, {len(differ)} differ;"
      f" homes {hw} vs {hg}, places {pw} vs {pg}")
assert not differ, f"LAs that differ: {sorted(differ)[:10]}"
assert (hw, pw, len(want)) == (4009, 15742, 147), (hw, pw, len(want))
bad = [r for r in csv.DictReader(open(issues, newline="")) if r["la_check"] in ("mismatch", "outside")
       or r["method"] in ("unmatched", "not_run")]
print(f"geocode report: {len(bad)} homes unmatched or outside their LA")
assert not bad, bad[:3]
PY

inside=$(sqlite3 "$S" "SELECT load_extension('mod_spatialite');" \
  "SELECT count(*) FROM home_version h JOIN area a ON a.kind = 'la' AND a.code = h.la_code
   WHERE h.valid_to IS NULL AND ST_Covers(a.geom, h.geom) = 1;" | tail -n 1)
total=$(sqlite3 "$S" "SELECT count(*) FROM home_version WHERE valid_to IS NULL;")
echo "SpatiaLite ST_Covers: $inside of $total homes inside their own LA polygon"
[ "$inside" = 4009 ] && [ "$total" = 4009 ]
echo "1 passed, 0 failed"
