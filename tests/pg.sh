# tests/pg.sh - a PostgreSQL + PostGIS server of one's own, on loopback, for
# the PostGIS export's test and the benchmarks that race PostGIS (sourced,
# never run).  Debian's postgresql-15 and postgresql-15-postgis-3
# (scripts/setup.sh).
#
#   pg_found            0 when the server's binaries and psql are installed
#   pg_start DIR        make a cluster in DIR (a new directory), start it on
#                       127.0.0.1 at a free port with its socket in DIR, make
#                       database "haven" with PostGIS; sets PG_CONN (a libpq
#                       conninfo) and PG_VERSION.  PostgreSQL refuses to run
#                       as root: as root the server runs as the postgres user.
#   pg_stop DIR         stop it (immediately; the caller removes DIR)
#   pg_sql SQL          run SQL on PG_CONN, unaligned, tuples only

pg_found() {
  PG_BIN=
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && PG_BIN=$d
  done
  [ -n "$PG_BIN" ] && command -v psql >/dev/null
}

# The server's own user: postgres when we are root, else whoever runs.
pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local dir=$1 port try
  pg_found || { echo "no PostgreSQL server binaries" >&2; return 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chmod 711 "$(dirname "$dir")"
    chown postgres "$dir"
  fi
  pg_as "$PG_BIN/initdb" -D "$dir/data" -U haven -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; return 1; }
  # A free port: the kernel's choice, given back; should another process
  # take it before the server does, try again.
  for try in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -s \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start; then
      break
    fi
    [ "$try" -lt 5 ] || { cat "$dir/log" >&2; return 1; }
  done
  PG_CONN="host=127.0.0.1 port=$port user=haven dbname=haven"
  PG_VERSION=$("$PG_BIN/postgres" --version)
  psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$port user=haven dbname=postgres" -c "CREATE DATABASE haven" &&
    psql -X -q -v ON_ERROR_STOP=1 "$PG_CONN" -c "CREATE EXTENSION postgis"
}

pg_stop() {
  [ -f "$1/data/postmaster.pid" ] && pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1
  return 0
}

pg_sql() { psql -X -At -v ON_ERROR_STOP=1 "$PG_CONN" -c "$1"; }
