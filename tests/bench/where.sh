# tests/bench/where.sh - the batch point-in-polygon benchmark (sourced by
# scripts/bench, never run by ctest): 1,000,000 points (bench_where: the
# postcode sample's centroids in England and Wales moved up to 300 m, and
# 5% uniform over the two countries' box, the sea included) against the 296
# districts of the bundled boundaries, side by side in one run:
#   haven where --points    the whole command: the store's areas, the file
#                           read, every point answered, id,code written
#   PostGIS                 ST_Contains join with a GiST index, on a server
#                           of its own on loopback (tests/pg.sh): the points
#                           loaded (COPY, geometry, index), then the join
#   geopandas sjoin         predicate "within", the CSV read by pandas
# and the counts per district compared.  The peers have no 50 m coastline
# rule, and ST_Contains and "within" leave out a point on a boundary, so
# they are compared with haven's --near 0 (the covering area only); haven's
# default answer (50 m) is counted beside them.
# Expects: runs, tmp, secs (scripts/bench).
echo "== where: 1,000,000 points x 296 districts, haven where --points beside PostGIS and geopandas ($runs runs)"
W=$tmp/where
mkdir -p "$W"
build/tests/bench_where 1000000 "$W/points.csv" data
build/haven -q init "$W/w.db" --owner-kind hmci --owner-code X00 --admin admin >/dev/null
build/haven -q boundaries load "$W/w.db" --kind district data/boundaries/lad_dec2024_en_bgc.geojson.gz >/dev/null
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
secs "haven where --points, 1 M points x 296 districts (default 50 m)" \
  build/haven -q where "$W/w.db" --points "$W/points.csv" --x x --y y --kind district --out "$W/haven.csv" --force
secs "haven where --points, the same, --near 0" \
  build/haven -q where "$W/w.db" --points "$W/points.csv" --x x --y y --kind district --near 0 \
  --out "$W/haven0.csv" --force
/usr/bin/time -f "   haven, one more run: %e s wall, %U s user + %S s system CPU, peak resident memory %M KB" build/haven -q where "$W/w.db" --points "$W/points.csv" \
  --x x --y y --kind district --out "$W/haven.csv" --force
build/haven where "$W/w.db" --points "$W/points.csv" --x x --y y --kind district --out "$W/haven.csv" --force 2>&1 |
  sed 's/^/   /'
# Counts per district: code,count (points in none left out).
count_csv() { tr -d '\r' <"$1" | tail -n +2 | awk -F, '$2 != "" { n[$2]++ } END { for (c in n) print c "," n[c] }' | sort; }
count_csv "$W/haven.csv" >"$W/haven.counts"
count_csv "$W/haven0.csv" >"$W/haven0.counts"
ogr2ogr -f GPKG "$W/districts.gpkg" "$W/w.db" -dialect SQLite -nln district \
  -sql "SELECT code, name, geom FROM area WHERE kind = 'district'"

source tests/pg.sh
if pg_start "$tmp/pgw"; then
  trap 'pg_stop "$tmp/pgw"; pg_stop "$tmp/pg"; rm -rf "$tmp"' EXIT
  echo "   ($PG_VERSION, PostGIS $(pg_sql "SELECT postgis_lib_version()"))"
  ogr2ogr -f PostgreSQL "PG:$PG_CONN" "$W/districts.gpkg" -nln district -lco GEOMETRY_NAME=geom
  pg_sql "ANALYZE district" >/dev/null
  PG_LOAD1="DROP TABLE IF EXISTS pts; CREATE TABLE pts (id text, x float8, y float8)"
  PG_COPY="\\copy pts FROM '$W/points.csv' WITH (FORMAT csv, HEADER true)"
  PG_LOAD2="ALTER TABLE pts ADD COLUMN geom geometry(Point, 27700);
    UPDATE pts SET geom = ST_SetSRID(ST_MakePoint(x, y), 27700);
    CREATE INDEX ON pts USING gist (geom); ANALYZE pts"
  PG_JOIN="SELECT d.code, count(*) FROM district d JOIN pts p ON ST_Contains(d.geom, p.geom) GROUP BY d.code ORDER BY d.code"
  secs "peer: PostGIS, the points loaded (COPY, geometry, GiST index)" psql -X -q -v ON_ERROR_STOP=1 "$PG_CONN" \
    -c "$PG_LOAD1" -c "$PG_COPY" -c "$PG_LOAD2"
  secs "peer: PostGIS, ST_Contains join with GiST, counts per district" psql -X -At -F, "$PG_CONN" -o "$W/pg.counts" -c "$PG_JOIN"
else
  echo "   no PostgreSQL server (postgresql-15, postgresql-15-postgis-3): the PostGIS peer is skipped"
fi

# Debian's python3-geopandas is for Debian's own python3.
if /usr/bin/python3 -c 'import geopandas' 2>/dev/null; then
  cat >"$W/gp.py" <<'PY'
import sys, time
import geopandas as gpd, pandas as pd
t0 = time.time()
pts = pd.read_csv(sys.argv[1], dtype={"id": str})
g = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts.x, pts.y), crs="EPSG:27700")
d = gpd.read_file(sys.argv[2])[["code", "geometry"]].to_crs("EPSG:27700")
t1 = time.time()
j = gpd.sjoin(g, d, how="inner", predicate="within")
t2 = time.time()
j.groupby("code").size().sort_index().to_csv(sys.argv[3], header=False)
print("   geopandas %s: read %.2f s, sjoin %.2f s, total %.2f s" % (gpd.__version__, t1 - t0, t2 - t1, time.time() - t0))
PY
  secs "peer: geopandas read_csv + sjoin within, counts per district" /usr/bin/python3 "$W/gp.py" "$W/points.csv" \
    "$W/districts.gpkg" "$W/gp.counts"
  /usr/bin/python3 "$W/gp.py" "$W/points.csv" "$W/districts.gpkg" "$W/gp.counts"
else
  echo "   no geopandas (python3-geopandas): the geopandas peer is skipped"
fi

# Agreement, per district: haven --near 0 against each peer; then what the
# 50 m coastline rule adds.
python3 - "$W" <<'PY'
import os, sys
w = sys.argv[1]
def load(name):
    p = os.path.join(w, name)
    if not os.path.exists(p):
        return None
    out = {}
    for line in open(p):
        code, n = line.strip().split(",")
        out[code] = int(n)
    return out
h0, h = load("haven0.counts"), load("haven.counts")
for peer, name in (("PostGIS ST_Contains", "pg.counts"), ("geopandas sjoin", "gp.counts")):
    c = load(name)
    if c is None:
        continue
    codes = sorted(set(h0) | set(c))
    diff = [(k, h0.get(k, 0), c.get(k, 0)) for k in codes if h0.get(k, 0) != c.get(k, 0)]
    print("   agreement with %s: %d of %d districts identical, %d points inside in both totals (haven %d, peer %d)%s"
          % (peer, len(codes) - len(diff), len(codes), min(sum(h0.values()), sum(c.values())), sum(h0.values()),
             sum(c.values()), "" if not diff else "; differ: " + ", ".join("%s %d/%d" % d for d in diff[:10])))
print("   the 50 m coastline rule gives %d more points a district (%d with it, %d without)"
      % (sum(h.values()) - sum(h0.values()), sum(h.values()), sum(h0.values())))
PY
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
