# tests/bench/zones.sh - offender exclusion zones against PostGIS, side by
# side in one run (sourced by scripts/bench; 'scripts/bench zones' runs it
# alone).  tests/bench/bench_zones.c makes 10,000 zones (three in five points
# with a radius, the rest polygons), 4,000 homes and 100,000 proposed
# addresses around 40 towns, and times haven's spatial core (an STRtree of
# the homes, prepared geometries, never all pairs); PostGIS answers the same
# questions with ST_DWithin and ST_Intersects over GiST indexes on a server
# of the benchmark's own (tests/pg.sh).  The answers must agree: the same
# (zone, home) pairs, the same count for every address.  Times are wall and
# CPU seconds of the query alone (PostGIS: its backend's CPU), the data
# loaded first; the machine's load average is printed beside them.
zones_section() {
  HAVEN_PACKAGES=(postgresql-15 postgresql-15-postgis-3)
  haven_setup_packages
  local d=$tmp/zones buffer=100 radius=1000 i
  mkdir -p "$d"
  echo "== zones: 10,000 zones x 4,000 homes, buffer $buffer m; 100,000 proposed-address checks, radius $radius m"
  build/tests/bench_zones gen "$d" 10000 4000 100000 | sed 's/^/   /'
  for i in $(seq "$runs"); do
    echo "   haven, run $i (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
    build/tests/bench_zones run "$d" $buffer $radius | sed 's/^/     /'
  done
  source tests/pg.sh
  if ! pg_start "$tmp/pgz"; then
    echo "   no PostgreSQL server (postgresql-15, postgresql-15-postgis-3): the PostGIS peer is skipped"
    return 0
  fi
  trap 'pg_stop "$tmp/pgz"; rm -rf "$tmp"' EXIT
  echo "   ($PG_VERSION, PostGIS $(pg_sql "SELECT postgis_lib_version()"))"
  pg_sql "CREATE TABLE homes (id int, x float8, y float8); CREATE TABLE addr (id int, x float8, y float8);
          CREATE TABLE zones (id int, cx float8, cy float8, r float8, wkt text)" >/dev/null
  psql -X -q "$PG_CONN" -c "\\copy homes FROM '$d/homes.csv' CSV HEADER"
  psql -X -q "$PG_CONN" -c "\\copy addr FROM '$d/addresses.csv' CSV HEADER"
  psql -X -q "$PG_CONN" -c "\\copy zones FROM '$d/zones.csv' CSV HEADER"
  pg_sql "ALTER TABLE homes ADD COLUMN geom geometry(Point, 27700);
          UPDATE homes SET geom = ST_SetSRID(ST_MakePoint(x, y), 27700);
          ALTER TABLE addr ADD COLUMN geom geometry(Point, 27700);
          UPDATE addr SET geom = ST_SetSRID(ST_MakePoint(x, y), 27700);
          ALTER TABLE zones ADD COLUMN geom geometry(Polygon, 27700), ADD COLUMN centre geometry(Point, 27700);
          UPDATE zones SET geom = ST_GeomFromText(wkt, 27700) WHERE wkt <> '';
          UPDATE zones SET centre = ST_SetSRID(ST_MakePoint(cx, cy), 27700) WHERE r IS NOT NULL;
          CREATE INDEX ON homes USING gist (geom); CREATE INDEX ON addr USING gist (geom);
          CREATE INDEX ON zones USING gist (geom); CREATE INDEX ON zones USING gist (centre)" >/dev/null
  pg_sql "VACUUM ANALYZE" >/dev/null
  # each query timed inside the server: wall by clock_timestamp, CPU from
  # the backend's /proc/PID/stat (utime + stime, in clock ticks)
  local tick
  tick=$(getconf CLK_TCK)
  for i in $(seq "$runs"); do
    psql -X -q -At "$PG_CONN" >"$d/pg.out" <<SQL
SELECT pg_backend_pid() AS pid \gset
\setenv HAVEN_PG_PID :pid
DROP TABLE IF EXISTS pairs, counts;
\! awk '{ print \$14 + \$15 }' /proc/\$HAVEN_PG_PID/stat
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
CREATE TABLE pairs AS
  SELECT z.id AS zone, h.id AS home FROM zones z JOIN homes h ON ST_DWithin(h.geom, z.centre, z.r + $buffer)
  WHERE z.r IS NOT NULL
  UNION ALL
  SELECT z.id, h.id FROM zones z JOIN homes h ON ST_DWithin(h.geom, z.geom, $buffer) WHERE z.r IS NULL;
SELECT round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3);
\! awk '{ print \$14 + \$15 }' /proc/\$HAVEN_PG_PID/stat
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
CREATE TABLE counts AS
  SELECT a.id, count(h.id) AS homes FROM addr a LEFT JOIN homes h ON ST_DWithin(h.geom, a.geom, $radius)
  GROUP BY a.id;
SELECT round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3);
\! awk '{ print \$14 + \$15 }' /proc/\$HAVEN_PG_PID/stat
\copy (SELECT zone, home FROM pairs ORDER BY zone, home) TO '$d/pg_pairs.csv' CSV
\copy (SELECT id, homes FROM counts ORDER BY id) TO '$d/pg_counts.csv' CSV
SQL
    mapfile -t p <"$d/pg.out"
    echo "   PostGIS, run $i (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
    printf '     check (ST_DWithin / ST_Intersects, GiST): %s pairs: %s s wall, %.3f s CPU\n' \
      "$(wc -l <"$d/pg_pairs.csv")" "${p[1]}" "$(echo "(${p[2]} - ${p[0]}) / $tick" | bc -l)"
    printf '     address (ST_DWithin, GiST): %s s wall, %.3f s CPU\n' "${p[3]}" \
      "$(echo "(${p[4]} - ${p[2]}) / $tick" | bc -l)"
  done
  if cmp -s "$d/pg_pairs.csv" "$d/haven_pairs.csv"; then echo "   pairs: the same as PostGIS's"
  else echo "   pairs: DIFFER from PostGIS's ($(diff "$d/pg_pairs.csv" "$d/haven_pairs.csv" | grep -c '^[<>]') lines)"; fi
  if cmp -s "$d/pg_counts.csv" "$d/haven_counts.csv"; then echo "   address counts: the same as PostGIS's"
  else echo "   address counts: DIFFER from PostGIS's"; fi
  pg_stop "$tmp/pgz"
}
zones_section
