#!/usr/bin/env bash
# test_missing_clusters.sh - haven missing clusters on the national fixture:
# the synthetic police episodes of 2022-23 (haven synth plants found-location
# hot spots, docs/synth.md) imported into a copy of the national analysis
# store; DBSCAN of where children were found finds a cluster at every planted
# hot spot, with its hull, children and homes; the points table labels its
# episodes; then the gate: a West Yorkshire Police analyst gets the Leeds hot
# spot and nothing outside the force, a Leeds council analyst no hull around
# fewer than 5 children, a DfE analyst the counts by area only; each
# release audited; the hull layer written as GeoJSON.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_NATIONAL:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
N=$HAVEN_NATIONAL
S=$T/clusters.db
national_dfe_store "$S"
export HAVEN_USER=admin
"$H" -q authority add "$S" --kind police --code E23000010 --name "West Yorkshire Police"
"$H" -q user add "$S" --name ana --authority E23000010 --role analyst --default-purpose safeguarding
"$H" -q authority add "$S" --kind la --code E08000035 --name "Leeds City Council"
"$H" -q user add "$S" --name lee --authority E08000035 --role analyst --default-purpose safeguarding
"$H" -q key init "$T/missing.key" >/dev/null
"$H" -q missing import "$S" "$N/synth/police_episodes.csv" --source police --key "$T/missing.key" >/dev/null

# The planted hot spots (src/out/synth_missing.c, docs/synth.md).
cat >"$T/hot.csv" <<'CSV'
Birmingham Digbeth,408050,286250
London King's Cross,530300,183100
Manchester Piccadilly,384300,398300
Leeds bus station,430600,433400
Blackpool Central Pier,330500,435500
CSV
# check.py TABLE.csv MODE: for each hot spot, the cluster whose hull holds
# it (point in polygon) with its children; MODE all: every hot spot must be
# found; MODE leeds: only Leeds, and every hull in West Yorkshire.
cat >"$T/check.py" <<'PY'
import csv, re, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["hull"]]
hot = [(n, float(e), float(no)) for n, e, no in csv.reader(open(sys.argv[2]))]
mode = sys.argv[3]
def rings(wkt):
    return [[tuple(map(float, p.split())) for p in ring.split(",")] for ring in re.findall(r"\(([^()]+)\)", wkt)]
def inside(x, y, ring):
    c = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            c = not c
    return c
found = {}
for name, e, n in hot:
    for r in rows:
        if r["hull"].startswith("POLYGON") and inside(e, n, rings(r["hull"])[0]):
            found[name] = r
for name, e, n in hot:
    r = found.get(name)
    print(f"{name}: " + (f"cluster {r['cluster']}, {r['episodes']} episodes, {r['children']} children, {r['homes']} homes" if r else "not found"))
if mode == "all":
    missing = [n for n, _, _ in hot if n not in found]
    assert not missing, f"hot spots not found: {missing}"
    assert all(int(found[n]["children"]) >= 5 and int(found[n]["homes"]) >= 2 for n in found), "a hot spot's cluster is small"
else:
    assert set(found) == {"Leeds bus station"}, f"West Yorkshire Police got {sorted(found)}"
    for r in rows:  # every hull in West Yorkshire's box
        xs = [x for x, _ in rings(r["hull"])[0]]
        assert 380000 < min(xs) and max(xs) < 470000, f"cluster {r['cluster']} outside West Yorkshire"
print(len(rows), "clusters")
PY

# 1. HMCI's admin (national): a cluster at every hot spot.
expect_exit 0 "$H" missing clusters "$S" --of found --eps 150 --min-points 10 --csv
cp "$T/out" "$T/all.csv"
python3 "$T/check.py" "$T/all.csv" "$T/hot.csv" all || fail "1: the hot spots were not all found"
head -1 "$T/all.csv" | grep -q "^cluster,episodes,children,homes,core,border,first,last,days,hull" ||
  fail "1: columns: $(head -1 "$T/all.csv")"
grep -q "OFFICIAL-SENSITIVE" "$T/all.csv" || fail "1: not marked"
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE object LIKE 'clusters of missing children by cluster%'")" = 1 ] ||
  fail "1: the release is not audited once"
# the same in space and time (within 30 days of each other): still every hot spot
expect_exit 0 "$H" missing clusters "$S" --of found --eps 150 --min-points 6 --days 30 --csv
python3 "$T/check.py" "$T/out" "$T/hot.csv" all >/dev/null || fail "1: ST-DBSCAN lost a hot spot"

# 2. The points: every clustered episode's label agrees with the clusters'
#    counts.  HMCI is not a police force: no point of a cluster of fewer
#    than 5 children, and no noise (a lone child's place); West Yorkshire
#    Police get those of their area too.
expect_exit 0 "$H" missing clusters "$S" --of found --eps 150 --min-points 10 --table points --csv
python3 - "$T/out" "$T/all.csv" <<'PY' || fail "2: the points disagree with the clusters"
import collections, csv, sys
pts = [r for r in csv.DictReader(open(sys.argv[1])) if r["episode"]]
cl = {r["cluster"]: r for r in csv.DictReader(open(sys.argv[2])) if r["hull"]}
n = collections.Counter(r["cluster"] for r in pts)
assert n and set(n) == set(cl), "clusters differ"
assert all(int(cl[c]["episodes"]) == k for c, k in n.items()), "episodes per cluster differ"
assert all(int(r["children"]) >= 5 and r["kind"] in ("core", "border") for r in pts), "a small cluster or noise"
PY
expect_exit 0 "$H" missing clusters "$S" --of found --eps 150 --min-points 10 --table points --csv --as ana
python3 - "$T/out" <<'PY' || fail "2: West Yorkshire Police's points"
import collections, csv, sys
pts = [r for r in csv.DictReader(open(sys.argv[1])) if r["episode"]]
kinds = collections.Counter(r["kind"] for r in pts)
assert kinds["core"] and kinds["noise"], kinds
assert all((r["cluster"] == "-1") == (r["kind"] == "noise") and (r["children"] == "") == (r["kind"] == "noise") for r in pts)
for r in pts:
    x, y = map(float, r["point"][7:-1].split())
    assert 380000 < x < 470000 and 390000 < y < 470000, r["point"]
PY

# 3. West Yorkshire Police: the Leeds hot spot, nothing outside the force.
expect_exit 0 "$H" missing clusters "$S" --of found --eps 150 --min-points 10 --csv --as ana --layer "$T/wy.geojson"
python3 "$T/check.py" "$T/out" "$T/hot.csv" leeds || fail "3: West Yorkshire Police's clusters"
python3 - "$T/wy.geojson" "$T/out" <<'PY' || fail "3: the layer"
import json, sys
j = json.load(open(sys.argv[1]))
rows = [l for l in open(sys.argv[2]) if l[:1].isdigit()]
assert len(j["features"]) == len(rows), (len(j["features"]), len(rows))
assert all(f["geometry"]["type"] in ("Polygon", "LineString", "Point") for f in j["features"])
PY

# 4. Leeds City Council: its hulls are drawn around 5 children or more.
expect_exit 0 "$H" missing clusters "$S" --of found --eps 150 --min-points 3 --csv --as lee
python3 - "$T/out" <<'PY' || fail "4: a hull around fewer than 5 children reached an LA"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["hull"]]
assert rows and all(int(r["children"]) >= 5 for r in rows), [r["children"] for r in rows]
PY
expect_exit 0 "$H" missing clusters "$S" --of found --eps 150 --min-points 3 --csv --as ana
python3 -c "
import csv, sys
rows = [r for r in csv.DictReader(open('$T/out')) if r['hull']]
assert any(int(r['children']) < 5 for r in rows), 'police got no small cluster: the LA case tests nothing'
" || fail "4: no small cluster to hold back"

# 5. DfE: no hulls, no points; counts by LA under disclosure control.
expect_exit 30 "$H" missing clusters "$S" --of found --eps 150 --min-points 10 --as dee
expect_err "may receive aggregates only"
expect_exit 30 "$H" missing clusters "$S" --of found --eps 150 --min-points 10 --table points --as dee
expect_exit 0 "$H" missing clusters "$S" --of found --eps 150 --min-points 10 --table areas --csv --as dee
grep -q "^E08000035,Leeds,[1-9c]" "$T/out" || fail "5: Leeds has no cluster: $(grep E08000035 "$T/out")"
[ "$(grep -c '^E' "$T/out")" -ge 150 ] || fail "5: not every LA"

# 6. Bad options.
expect_exit 2 "$H" missing clusters "$S" --of home --eps 150 --min-points 10
expect_exit 2 "$H" missing clusters "$S" --of found --eps 0 --min-points 10
expect_exit 23 "$H" missing clusters "$S" --of found --eps 150 --min-points 10 --from 2023-02-30
expect_exit 2 "$H" missing clusters "$S" --of found --eps 150 --min-points 10 --table areas --layer "$T/a.geojson"
echo "all ok"
