#!/usr/bin/env bash
# test_export_pg.sh - the PostGIS export against a real PostgreSQL with
# PostGIS (Debian's postgresql-15 and postgresql-15-postgis-3, in
# scripts/setup.sh): the test makes a cluster in a temporary directory,
# starts it on 127.0.0.1 at a free port (and a socket in that directory),
# and removes it all at the end.  PostgreSQL refuses to run as root, so as
# root the server runs as the postgres user.  The rows, the symbol columns,
# the CRS and the table comment (the metadata) are read back with psql; an
# existing table is kept unless --overwrite; an export that fails part way
# (an event trigger refusing the spatial index) leaves the table as it was.
# Without the server's binaries: skipped (exit 77), with a message.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}" "${HAVEN_TEST_TOOLS:?run through ctest}"
PGBIN=
for d in /usr/lib/postgresql/*/bin; do
	[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && PGBIN=$d
done
if [ -z "$PGBIN" ] || ! command -v psql >/dev/null; then
	echo "SKIPPED: no PostgreSQL server binaries (install postgresql-15 and postgresql-15-postgis-3:" \
		"scripts/setup.sh lists them)"
	exit 77
fi
X=$HAVEN_TEST_TOOLS/export_table
T=$(mktemp -d)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ok() { echo "ok: $*"; }
same() { [ "$2" = "$3" ] || fail "$1: got '$3', want '$2'"; ok "$1"; }

# The server's own user: postgres when we are root (the server refuses
# root), else whoever runs the test.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
PGDIR=$T/pg
mkdir "$PGDIR"
if [ "$(id -u)" -eq 0 ]; then
	chmod 711 "$T"
	chown postgres "$PGDIR"
fi
stop() {
	[ -f "$PGDIR/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$T"
}
trap stop EXIT
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U haven -A trust -E UTF8 --no-sync >"$T/initdb.log" 2>&1 ||
	{ cat "$T/initdb.log"; fail "initdb"; }
# A free port: the kernel's choice, given back; should another process
# take it before the server does, try again.
for try in 1 2 3 4 5; do
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	if as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 60 -s \
		-o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c fsync=off -c full_page_writes=off" start; then
		break
	fi
	[ "$try" -lt 5 ] || { cat "$PGDIR/log"; fail "the PostgreSQL server did not start"; }
done
CONN="host=127.0.0.1 port=$PORT user=haven dbname=haven"
psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$PORT user=haven dbname=postgres" -c "CREATE DATABASE haven"
psql -X -q -v ON_ERROR_STOP=1 "$CONN" -c "CREATE EXTENSION postgis" ||
	fail "CREATE EXTENSION postgis: is postgresql-15-postgis-3 installed?"
ok "$("$PGBIN/postgres" --version) with PostGIS on 127.0.0.1:$PORT"
sql() { psql -X -At -v ON_ERROR_STOP=1 "$CONN" -c "$1"; }

# The national store with the regions and a DfE analyst, dee.
S=$T/national.db
national_dfe_store "$S"
HOMES=$(sqlite3 "$S" "SELECT count(*) FROM home_version WHERE valid_to IS NULL")

# ---- 1: the table, read back with SQL --------------------------------------------
expect_exit 0 "$X" "$S" postgis "PG:$CONN" --as dee
cat "$T/out"
same "every row" 163 "$(sql "SELECT count(*) FROM haven_export")"
same "England's homes are the register's" "$HOMES" "$(sql "SELECT homes FROM haven_export WHERE area_code = 'E92000001'")"
same "a symbol: the number NULL, the symbol beside it" 163 \
	"$(sql "SELECT count(*) FROM haven_export WHERE children_looked_after IS NULL AND children_looked_after_symbol = 'x'")"
same "an LA's parent is its region" E12000003 "$(sql "SELECT parent FROM haven_export WHERE area_code = 'E08000035'")"
same "counts are integers" bigint "$(sql "SELECT data_type FROM information_schema.columns
	WHERE table_name = 'haven_export' AND column_name = 'homes'")"
same "the geometry: multipolygons in EPSG:27700" "MULTIPOLYGON 27700" \
	"$(sql "SELECT DISTINCT GeometryType(geom) || ' ' || ST_SRID(geom) FROM haven_export")"
sql "SELECT obj_description('haven_export'::regclass)" >"$T/comment"
python3 - "$T/comment" <<'PY' || fail "the table comment is not the metadata: $(cat "$T/comment")"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["protective_marking"] == "OFFICIAL-SENSITIVE", m
assert m["as_at"] == "2025-03-31" and "Open Government Licence" in m["attribution"], m
PY
ok "the table comment holds the marking and the metadata"

# ---- 2: an existing table is kept unless --overwrite -------------------------------
expect_exit 3 "$X" "$S" postgis "PG:$CONN" --as dee --level region
expect_err "PostGIS table haven_export: exists; not replaced without --force"
same "the table is as it was" 163 "$(sql "SELECT count(*) FROM haven_export")"
expect_exit 0 "$X" "$S" postgis "PG:$CONN" --as dee --level la --overwrite
same "--overwrite replaces it" 153 "$(sql "SELECT count(*) FROM haven_export")"

# ---- 3: --layer, --crs ---------------------------------------------------------------
expect_exit 0 "$X" "$S" postgis "PG:$CONN" --as dee --layer regions_4326 --level region --crs EPSG:4326
same "--layer, --crs EPSG:4326" "9 4326" "$(sql "SELECT count(*) || ' ' || max(ST_SRID(geom)) FROM regions_4326")"

# ---- 4: a failure part way leaves the table as it was ---------------------------------
sql "CREATE FUNCTION no_index() RETURNS event_trigger LANGUAGE plpgsql AS \$\$ BEGIN
	RAISE EXCEPTION 'no new index today'; END \$\$;
	CREATE EVENT TRIGGER no_index ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION no_index()" >/dev/null
expect_exit 8 "$X" "$S" postgis "PG:$CONN" --as dee --overwrite
expect_err "no new index today"
same "the replaced table is still the old one, whole" 153 "$(sql "SELECT count(*) FROM haven_export")"
expect_exit 8 "$X" "$S" postgis "PG:$CONN" --as dee --layer never_made
same "a new table failing part way is not there" 0 "$(sql "SELECT count(*) FROM pg_class WHERE relname = 'never_made'")"
sql "DROP EVENT TRIGGER no_index" >/dev/null

# ---- 5: the connection string (a password) never reaches a message -----------------------
expect_exit 8 "$X" "$S" postgis "PG:host=127.0.0.1 port=$PORT user=nobody password=s3cret-pw dbname=haven" --as dee
if grep -q "s3cret-pw" "$T/err"; then fail "the password was printed: $(cat "$T/err")"; fi
ok "a refused connection: $(head -c 120 "$T/err")"

# ---- 6: homes and people never leave ----------------------------------------------------
expect_exit 30 "$X" "$S" postgis "PG:$CONN" --with home --layer refused
same "refused: no table" 0 "$(sql "SELECT count(*) FROM pg_class WHERE relname = 'refused'")"
