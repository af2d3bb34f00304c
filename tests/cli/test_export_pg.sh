#!/usr/bin/env bash
# test_export_pg.sh - the PostGIS export against a real PostgreSQL with
# PostGIS (Debian's postgresql-15 and postgresql-15-postgis-3, in
# scripts/setup.sh): the test makes a cluster in a temporary directory,
# starts it on 127.0.0.1 at a free port (and a socket in that directory),
# and removes it all at the end.  PostgreSQL refuses to run as root, so as
# root the server runs as the postgres user.  The rows, the symbol columns,
# the CRS and the table comment (the metadata) are read back with psql; an
# existing table is kept unless --force; an export that fails part way
# (an event trigger refusing the spatial index) leaves the table as it was.
# Without the server's binaries: skipped (exit 77), with a message.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}"
source "$(dirname "${BASH_SOURCE[0]}")/../pg.sh"
if ! pg_found; then
	echo "SKIPPED: no PostgreSQL server binaries (install postgresql-15 and postgresql-15-postgis-3:" \
		"scripts/setup.sh lists them)"
	exit 77
fi
# X STORE FORMAT DEST [OPTION...]: haven export of the national aggregate by LA.
X() {
	local s=$1 f=$2 o=$3
	shift 3
	"$HAVEN_BIN" export "$s" --geography la --measures homes,places,children_looked_after,places_per_100_cla \
		--format "$f" --out "$o" "$@"
}
T=$(mktemp -d)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stop() {
	pg_stop "$T/pg"
	rm -rf "$T"
}
trap stop EXIT
pg_start "$T/pg" || fail "the PostgreSQL server with PostGIS did not start"
CONN=$PG_CONN
ok "$PG_VERSION with PostGIS on ${CONN% user=*}"
sql() { pg_sql "$1"; }

# The national store with the regions and a DfE analyst, dee.
S=$T/national.db
national_dfe_store "$S"
HOMES=$(sqlite3 "$S" "SELECT count(*) FROM home_version WHERE valid_to IS NULL")

# ---- 1: the table, read back with SQL --------------------------------------------
expect_exit 0 X "$S" postgis "PG:$CONN" --as dee
cat "$T/out"
same "every row" 163 "$(sql "SELECT count(*) FROM haven_export")"
same "England's homes are the register's" "$HOMES" "$(sql "SELECT homes FROM haven_export WHERE area_code = 'E92000001'")"
same "a symbol: the number NULL, the symbol beside it (the City of London's looked-after children)" "|c" \
	"$(sql "SELECT places_per_100_cla, places_per_100_cla_symbol FROM haven_export WHERE area_code = 'E09000001'")"
same "DfE's children looked after in England, 2025" 81770 \
	"$(sql "SELECT children_looked_after FROM haven_export WHERE area_code = 'E92000001'")"
same "an LA's parent is its region" E12000003 "$(sql "SELECT parent FROM haven_export WHERE area_code = 'E08000035'")"
same "counts are integers" bigint "$(sql "SELECT data_type FROM information_schema.columns
	WHERE table_name = 'haven_export' AND column_name = 'homes'")"
same "the geometry: multipolygons in EPSG:27700" "MULTIPOLYGON 27700" \
	"$(sql "SELECT DISTINCT GeometryType(geom) || ' ' || ST_SRID(geom) FROM haven_export WHERE geom IS NOT NULL")"
sql "SELECT obj_description('haven_export'::regclass)" >"$T/comment"
python3 - "$T/comment" <<'PY' || fail "the table comment is not the metadata: $(cat "$T/comment")"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["protective_marking"] == "OFFICIAL-SENSITIVE", m
assert m["as_at"] == "2025-03-31" and "Open Government Licence" in m["attribution"], m
PY
ok "the table comment holds the marking and the metadata"

# ---- 2: an existing table is kept unless --force -------------------------------
expect_exit 3 X "$S" postgis "PG:$CONN" --as dee --level region
expect_err "PostGIS table haven_export: exists; not replaced without --force"
same "the table is as it was" 163 "$(sql "SELECT count(*) FROM haven_export")"
expect_exit 0 X "$S" postgis "PG:$CONN" --as dee --level la --force
same "--force replaces it" 153 "$(sql "SELECT count(*) FROM haven_export")"

# ---- 3: --layer, --crs ---------------------------------------------------------------
expect_exit 0 X "$S" postgis "PG:$CONN" --as dee --layer regions_4326 --level region --crs EPSG:4326
same "--layer, --crs EPSG:4326" "9 4326" "$(sql "SELECT count(*) || ' ' || max(ST_SRID(geom)) FROM regions_4326")"

# ---- 4: a failure part way leaves the table as it was ---------------------------------
sql "CREATE FUNCTION no_index() RETURNS event_trigger LANGUAGE plpgsql AS \$\$ BEGIN
	RAISE EXCEPTION 'no new index today'; END \$\$;
	CREATE EVENT TRIGGER no_index ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION no_index()" >/dev/null
expect_exit 8 X "$S" postgis "PG:$CONN" --as dee --force
expect_err "no new index today"
same "the replaced table is still the old one, whole" 153 "$(sql "SELECT count(*) FROM haven_export")"
expect_exit 8 X "$S" postgis "PG:$CONN" --as dee --layer never_made
same "a new table failing part way is not there" 0 "$(sql "SELECT count(*) FROM pg_class WHERE relname = 'never_made'")"
sql "DROP EVENT TRIGGER no_index" >/dev/null

# ---- 5: the connection string (a password) never reaches a message -----------------------
expect_exit 8 X "$S" postgis "PG:${CONN/user=haven/user=nobody password=s3cret-pw}" --as dee
if grep -q "s3cret-pw" "$T/err"; then fail "the password was printed: $(cat "$T/err")"; fi
ok "a refused connection: $(head -c 120 "$T/err")"

