#!/usr/bin/env bash
# test_cluster.sh - haven cluster end to end: DBSCAN and ST-DBSCAN of a CSV
# checked against an independent brute-force reference in python3 (every
# point's kind and label, so the core, border and noise sets, the clusters,
# their numbering and the border rule), the same labels from the file
# gzipped, shuffled, as a GeoPackage and as GeoJSON, and from lon/lat with
# --crs; then bad input: each refusal with its exit status, the file and
# row, and no output file.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"

# 900 points: four blobs and scatter in BNG, ids out of order, times in days.
python3 - "$T" <<'PY'
import csv, random, sys
d = sys.argv[1]
rnd = random.Random(7)
rows = []
centres = [(431000, 433000), (436000, 431500), (433000, 438000), (439000, 439000)]
for i in range(900):
    if rnd.random() < 0.7:
        cx, cy = centres[rnd.randrange(4)]
        x, y = cx + rnd.gauss(0, 70), cy + rnd.gauss(0, 70)
    else:
        x, y = 430000 + rnd.random() * 10000, 430000 + rnd.random() * 10000
    # whole metres now and then: exact ties of distance
    if i % 7 == 0:
        x, y = round(x), round(y)
    day = rnd.randrange(60)
    rows.append((f"p{(i * 37) % 900:03d}", f"{x:.3f}", f"{y:.3f}", f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}"))
with open(f"{d}/pts.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "easting", "northing", "seen"])
    w.writerows(rows)
rnd.shuffle(rows)
with open(f"{d}/shuffled.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["northing", "id", "seen", "easting"])
    w.writerows((r[2], r[0], r[3], r[1]) for r in rows)
PY

# The reference: the definition, every pair compared, in doubles as haven
# does; clusters numbered by their least core point (x, then y, then t).
cat >"$T/ref.py" <<'PY'
import csv, datetime, sys
path, eps, minpts, days = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
rows = list(csv.DictReader(open(path)))
x = [float(r["easting"]) for r in rows]; y = [float(r["northing"]) for r in rows]
t = [(datetime.date.fromisoformat(r["seen"]) - datetime.date(1970, 1, 1)).days for r in rows]
n = len(rows)
def near(i, j):
    dx, dy = x[i] - x[j], y[i] - y[j]
    return dx * dx + dy * dy <= eps * eps and (days == 0 or abs(t[i] - t[j]) <= days)
nb = [[j for j in range(n) if near(i, j)] for i in range(n)]
core = [len(nb[i]) >= minpts for i in range(n)]
parent = list(range(n))
def find(i):
    while parent[i] != i:
        i = parent[i]
    return i
for i in range(n):
    if core[i]:
        for j in nb[i]:
            if core[j]:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
least = {}
for i in range(n):
    if core[i]:
        r = find(i)
        key = (x[i], y[i], t[i] if days else 0)
        least[r] = min(least.get(r, key), key)
number = {r: k for k, r in enumerate(sorted(least, key=lambda r: least[r]))}
print("id,label,kind")
for i in range(n):
    if core[i]:
        print(f"{rows[i]['id']},{number[find(i)]},core")
        continue
    best = None
    for j in nb[i]:
        if core[j]:
            dx, dy = x[i] - x[j], y[i] - y[j]
            cand = (dx * dx + dy * dy, number[find(j)])
            best = cand if best is None or cand < best else best
    print(f"{rows[i]['id']},{best[1]},border" if best else f"{rows[i]['id']},-1,noise")
PY

# 1. DBSCAN: the reference's labels, line for line.
"$H" cluster --points "$T/pts.csv" --x easting --y northing --eps 120 --min-points 6 --out "$T/labels.csv" 2>"$T/err"
expect_err "900 points: [0-9]* clusters"
python3 "$T/ref.py" "$T/pts.csv" 120 6 0 >"$T/want.csv"
cmp "$T/labels.csv" "$T/want.csv" || { diff "$T/labels.csv" "$T/want.csv" | head; fail "1: labels differ"; }
for k in core border noise; do grep -q ",$k\$" "$T/labels.csv" || fail "1: no $k point"; done
[ "$(stat -c %a "$T/labels.csv")" = 600 ] || fail "1: the output is not mode 0600"

# 2. ST-DBSCAN: within 120 m and 10 days.
"$H" -q cluster --points "$T/pts.csv" --x easting --y northing --t seen --days 10 --eps 120 --min-points 4 \
  --out "$T/st.csv"
python3 "$T/ref.py" "$T/pts.csv" 120 4 10 >"$T/want_st.csv"
cmp "$T/st.csv" "$T/want_st.csv" || { diff "$T/st.csv" "$T/want_st.csv" | head; fail "2: labels differ"; }
cmp -s "$T/st.csv" "$T/labels.csv" && fail "2: time changed nothing"

# 3. The same points gzipped, shuffled with the columns in another order, as
#    a GeoPackage and as GeoJSON: the same label for every id.
gzip -c "$T/pts.csv" >"$T/pts.csv.gz"
"$H" -q cluster --points "$T/pts.csv.gz" --x easting --y northing --eps 120 --min-points 6 --out "$T/gz.csv"
cmp "$T/gz.csv" "$T/labels.csv" || fail "3: gzip differs"
"$H" -q cluster --points "$T/shuffled.csv" --x easting --y northing --eps 120 --min-points 6 --out "$T/sh.csv"
cmp <(sort "$T/sh.csv") <(sort "$T/labels.csv") || fail "3: the shuffled file's labels differ"
if command -v ogr2ogr >/dev/null; then
  ogr2ogr -f GPKG "$T/pts.gpkg" "$T/pts.csv" -oo X_POSSIBLE_NAMES=easting -oo Y_POSSIBLE_NAMES=northing \
    -oo KEEP_GEOM_COLUMNS=YES -a_srs EPSG:27700 -nln pts
  ogr2ogr -f GeoJSON "$T/pts.geojson" "$T/pts.gpkg"
  for f in pts.gpkg pts.geojson; do
    "$H" -q cluster --points "$T/$f" --x easting --y northing --eps 120 --min-points 6 --out "$T/$f.csv"
    cmp "$T/$f.csv" "$T/labels.csv" || fail "3: $f differs"
  done
fi

# 4. Longitude and latitude with --crs EPSG:4326 (the GeoPackage reprojected
#    by ogr2ogr), reprojected back with PROJ: nearly
#    the same points, so nearly every point labelled as in BNG.
if command -v ogr2ogr >/dev/null; then
  ogr2ogr -f GeoJSON "$T/lonlat.geojson" "$T/pts.gpkg" -t_srs EPSG:4326 -lco COORDINATE_PRECISION=10
  python3 - "$T" <<'PY'
import csv, json, sys
d = sys.argv[1]
with open(f"{d}/lonlat.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "X", "Y"])
    for ft in json.load(open(f"{d}/lonlat.geojson"))["features"]:
        w.writerow([ft["properties"]["id"], *ft["geometry"]["coordinates"][:2]])
PY
  "$H" -q cluster --points "$T/lonlat.csv" --x X --y Y --crs EPSG:4326 --eps 120 --min-points 6 --out "$T/ll.csv"
  same=$(join -t, <(tail -n +2 "$T/ll.csv" | sort) <(tail -n +2 "$T/labels.csv" | sort) | awk -F, '$2 == $4 && $3 == $5' | wc -l)
  [ "$same" -ge 890 ] || fail "4: only $same of 900 points labelled as in BNG"
fi

# 5. Refusals: exit status, file and row, and no output file.
printf 'id,easting,northing\na,431000,433000\nb,431010,433010\nc,x12,433000\n' >"$T/badnum.csv"
printf 'id,e,n\na,431000,433000\n' >"$T/nocol.csv"
printf 'id,easting,northing\na,431000,433000\n,431000,433000\n' >"$T/noid.csv"
printf 'id,easting,northing\na,-1.5,53.8\n' >"$T/lonlat_as_bng.csv"
printf 'id,easting,northing\na,431000,433000\n"b,431000,433000\n' >"$T/quote.csv"
printf 'id,easting,northing,seen\na,431000,433000,2024-02-30\n' >"$T/baddate.csv"
refuse() { # CODE PATTERN ARGS...
  local code=$1 pat=$2
  shift 2
  rm -f "$T/refused.csv"
  expect_exit "$code" "$H" cluster --eps 100 --min-points 3 --out "$T/refused.csv" "$@"
  expect_err "$pat"
  [ ! -e "$T/refused.csv" ] || fail "refused ($pat), yet the output was written"
}
refuse 23 "badnum.csv: row 4: (x12, 433000) is not a pair of numbers" --points "$T/badnum.csv" --x easting --y northing
refuse 21 "nocol.csv: row 1: no column 'easting'" --points "$T/nocol.csv" --x easting --y n
refuse 21 "noid.csv: row 3: 'id' is empty" --points "$T/noid.csv" --x easting --y northing
refuse 24 "row 2: (-1.5, 53.8) is not in Great Britain in EPSG:27700" --points "$T/lonlat_as_bng.csv" --x easting --y northing
refuse 7 "cannot transform from EPSG:999999" --points "$T/pts.csv" --x easting --y northing --crs EPSG:999999
refuse 20 "quote.csv" --points "$T/quote.csv" --x easting --y northing
refuse 23 "baddate.csv: row 2: time '2024-02-30'" --points "$T/baddate.csv" --x easting --y northing --t seen --days 3
refuse 2 "" --points "$T/pts.csv" --x easting --y northing --t seen
refuse 2 "" --points "$T/pts.csv" --x easting --y northing --eps 0
refuse 2 "min-points" --points "$T/pts.csv" --x easting --y northing --min-points 0
refuse 3 "" --points "$T/missing.csv" --x easting --y northing
# An existing output is replaced only with --force.
echo keep >"$T/refused.csv"
expect_exit 3 "$H" cluster --points "$T/pts.csv" --x easting --y northing --eps 100 --min-points 3 --out "$T/refused.csv"
expect_err "exists; give --force to replace it"
[ "$(cat "$T/refused.csv")" = keep ] || fail "5: the existing file was touched"
"$H" -q cluster --points "$T/pts.csv" --x easting --y northing --eps 120 --min-points 6 --out "$T/refused.csv" --force
cmp "$T/refused.csv" "$T/labels.csv" || fail "5: --force did not write the labels"
echo "ok"
