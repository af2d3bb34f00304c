#!/usr/bin/env bash
# test_scan.sh - haven scan on SaTScan's own case and coordinates files
# (docs/scan.md).  The files are made here: 150 locations on a 20 km square
# (metres, then the same places as latitude and longitude), 1,500 single
# cases at uniform places and days of 2024's first 90 days, and 30 more at
# one location and its two nearest in 5 days (the radius reaches the
# second).  Asserted: the planted
# cluster is the most likely, p <= 0.01, in text, CSV and JSON (which
# parses); the same seed gives the same output, and --prospective a window
# ending on the last day; cases outside the period are left out with a
# notice; bad lines are refused naming the file and row; bad options are
# usage errors; nothing is marked or needs a store.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

python3 - "$T" <<'PY'
import datetime, math, random, sys
t = sys.argv[1]
rnd = random.Random(11)
locs = [(f"L{i:03d}", rnd.uniform(0, 20000), rnd.uniform(0, 20000)) for i in range(150)]
with open(f"{t}/geo.txt", "w") as f:
    for l, x, y in locs:
        f.write(f"{l} {x:.1f} {y:.1f}\n")
with open(f"{t}/latlong.txt", "w") as f:
    for l, x, y in locs:
        f.write(f"{l}\t{53.7 + y / 111000:.6f}\t{-1.6 + x / 66000:.6f}\n")
d0 = datetime.date(2024, 1, 1)
x0, y0 = locs[7][1], locs[7][2]
near = sorted(locs, key=lambda p: math.hypot(p[1] - x0, p[2] - y0))[:3]
with open(f"{t}/cases.txt", "w") as f:
    for k in range(1500):
        f.write(f"{rnd.choice(locs)[0]} 1 {d0 + datetime.timedelta(days=rnd.randrange(90)):%Y/%m/%d}\n")
    for k in range(30):
        f.write(f"{near[k % 3][0]} 1 {d0 + datetime.timedelta(days=85 + k % 5):%Y/%m/%d}\n")
    f.write("L000 3 2023/12/31\n")  # before the study period
with open(f"{t}/near.txt", "w") as f:
    r = 1.01 * math.hypot(near[2][1] - x0, near[2][2] - y0)
    f.write(" ".join(p[0] for p in near) + f" {r:.0f}\n")
PY
read -r N1 N2 N3 R <"$T/near.txt"
ARGS=(--cases "$T/cases.txt" --start 2024-01-01 --end 2024-03-30 --max-days 14 --replicates 99 --seed 3)

# 1. the planted cluster, in text: cluster 1 holds the three locations
expect_exit 0 "$H" scan "${ARGS[@]}" --coordinates "$T/geo.txt" --max-radius $R
expect_err "3 cases on 1 rows are dated outside the study period and were left out"
line=$(grep -E '^ +1 ' "$T/out") || fail "no cluster 1"
for n in $N1 $N2 $N3; do echo "$line" | grep -q "$n" || fail "cluster 1 lacks $n: $line"; done
grep -q OFFICIAL "$T/out" && fail "an analyst's own files are not marked"
ok "1 the planted cluster is cluster 1"

# 2. JSON parses; p <= 0.01; observed > expected; the window within the planted days
expect_exit 0 "$H" scan "${ARGS[@]}" --coordinates "$T/geo.txt" --max-radius $R --json
python3 - "$T/out" "$N1" "$N2" "$N3" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
c = rows[0]
assert c["cluster"] == 1 and c["p"] <= 0.01, c
assert set(sys.argv[2:]) <= set(c["members"].split(", ")), c
assert c["observed"] > c["expected"] and "2024-03-26" <= c["end"] <= "2024-03-30", c
assert all(r["llr"] <= c["llr"] for r in rows), rows
seen = set()
for r in rows:
    m = set(r["members"].split(", "))
    assert not (m & seen), "secondary clusters overlap"
    seen |= m
PY
ok "2 JSON: p <= 0.01, members, window, no overlap"

# 3. the same seed, the same output; CSV has the header
"$H" -q scan "${ARGS[@]}" --coordinates "$T/geo.txt" --max-radius $R --csv >"$T/a.csv"
"$H" -q scan "${ARGS[@]}" --coordinates "$T/geo.txt" --max-radius $R --csv >"$T/b.csv"
cmp -s "$T/a.csv" "$T/b.csv" || fail "two runs with one seed differ"
head -1 "$T/a.csv" | grep -q '^cluster,centre,x,y,members,locations,radius_m,start,end,days,observed,expected,obs_exp,llr,p' ||
  fail "CSV header: $(head -1 "$T/a.csv")"
ok "3 repeatable; CSV"

# 4. latitude and longitude: the same places, great-circle distances
expect_exit 0 "$H" scan "${ARGS[@]}" --coordinates "$T/latlong.txt" --latlong --max-radius $R --prospective
line=$(grep -E '^ +1 ' "$T/out")
for n in $N1 $N2 $N3; do echo "$line" | grep -q "$n" || fail "lat/long cluster 1 lacks $n: $line"; done
echo "$line" | grep -q "2024-03-30" || fail "a prospective window ends on the last day: $line"
head -3 "$T/out" | grep -q latitude || fail "no latitude column"
ok "4 latitude and longitude, prospective"

# 5. bad lines: file and row
printf 'A 0 0\nB 1\n' >"$T/bad_geo.txt"
expect_exit 20 "$H" scan "${ARGS[@]}" --coordinates "$T/bad_geo.txt" --max-radius $R
expect_err "bad_geo.txt: row 2: a location id and two coordinates are needed"
printf 'L001 1 2024/01/01\nL002 1 2024/13/01\n' >"$T/bad_cases.txt"
expect_exit 23 "$H" scan --cases "$T/bad_cases.txt" --coordinates "$T/geo.txt" --start 2024-01-01 --end 2024-03-30 \
  --max-radius $R --max-days 7
expect_err "bad_cases.txt: row 2: '2024/13/01' is not a date"
printf 'L001 1 2024/01/01\nX9 1 2024/01/02\n' >"$T/bad_cases.txt"
expect_exit 26 "$H" scan --cases "$T/bad_cases.txt" --coordinates "$T/geo.txt" --start 2024-01-01 --end 2024-03-30 \
  --max-radius $R --max-days 7
expect_err "bad_cases.txt: row 2: location 'X9' is not in the coordinates file"
expect_exit 3 "$H" scan --cases "$T/none.txt" --coordinates "$T/geo.txt" --start 2024-01-01 --end 2024-03-30 \
  --max-radius $R --max-days 7
ok "5 bad lines name the file and row"

# 6. bad options
expect_exit 2 "$H" scan --cases "$T/cases.txt" --coordinates "$T/geo.txt" --start 2024-01-01 --end 2024-03-30 --max-days 7
expect_exit 2 "$H" scan "${ARGS[@]}" --coordinates "$T/geo.txt" --max-radius -5
expect_err "not a distance in metres"
expect_exit 2 "$H" scan "${ARGS[@]}" --coordinates "$T/geo.txt" --max-radius $R --max-days 91
expect_err "the window must be 1 to 90 days"
expect_exit 2 "$H" scan "${ARGS[@]}" --coordinates "$T/geo.txt" --max-radius $R --replicates x
ok "6 bad options"
