#!/usr/bin/env bash
# test_store.sh - the schema the module registry makes is the schema haven
# made before the registry (and migrations 5 and 6 since): a new store, and stores
# of schema 1, 2, 3, 4 and 5 migrated forward, hold exactly the objects and seeded rows that a new
# store of the last commit before the registry held
# (tests/fixtures/store/schema.txt, see the README there).
# `bash test_store.sh --write DIR` writes DIR/schema.txt from the binary in
# HAVEN_BIN instead of checking.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}"
H=$HAVEN_BIN
FX=${HAVEN_FIXTURES:-}/store
write=
if [ "${1:-}" = --write ]; then
	write=$2
	export HAVEN_NOW=2025-04-15T09:00:00Z HAVEN_USER=admin
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"

# haven_part DB: haven's own part of a store as text: the objects made from
# meta on (SpatiaLite's metadata comes first; the triggers SpatiaLite writes
# for geometry columns are its own), the rows migrations seed, the
# geometry columns and the schema version.
haven_part() {
	local first="(SELECT rowid FROM sqlite_master WHERE name = 'meta')"
	sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE rowid >= $first
	              AND NOT (type = 'trigger' AND (name GLOB 'g??_*' OR name GLOB 'tm?_*')) ORDER BY rowid;"
	for t in "meta WHERE key <> 'created_by'" authority authority_area purpose app_user; do
		echo "-- $t"
		sqlite3 -cmd ".mode quote" "$1" "SELECT * FROM $t ORDER BY rowid;"
	done
	echo "-- geometry_columns"
	sqlite3 "$1" "SELECT * FROM geometry_columns ORDER BY f_table_name;"
	echo "-- user_version $(sqlite3 "$1" "PRAGMA user_version;")"
}

# Take a store back to schema 8, 7, 6, 5, 4, 3, 2 or 1 as an older haven left it: without
# what later migrations made (as test_govern's 10.9 does).
# schema 12 (location: crime, offenders) and 11 (zones): their tables, R*Trees and SpatiaLite's
# records of their geometry columns
to8="DROP TABLE offender; DROP TABLE offender_load; DROP TABLE idx_crime_geom; DROP TABLE crime;
     DROP TABLE crime_load; DELETE FROM geometry_columns WHERE f_table_name = 'crime';
     DELETE FROM geometry_columns_auth WHERE f_table_name = 'crime';
     DELETE FROM geometry_columns_statistics WHERE f_table_name = 'crime';
     DELETE FROM geometry_columns_time WHERE f_table_name = 'crime';
     DELETE FROM geometry_columns_field_infos WHERE f_table_name = 'crime';
     DROP TABLE zone_address_check; DROP TABLE zone_window; DROP TABLE idx_zone_geom; DROP TABLE zone;
     DROP TABLE zone_load; DELETE FROM geometry_columns WHERE f_table_name = 'zone';
     DELETE FROM geometry_columns_auth WHERE f_table_name = 'zone';
     DELETE FROM geometry_columns_statistics WHERE f_table_name = 'zone';
     DELETE FROM geometry_columns_time WHERE f_table_name = 'zone';
     DELETE FROM geometry_columns_field_infos WHERE f_table_name = 'zone';"
to7="$to8 DROP INDEX missing_episode_group; CREATE INDEX missing_episode_child ON missing_episode(child);
     CREATE VIRTUAL TABLE missing_episode_last_seen USING rtree(id, xmin, xmax, ymin, ymax);
     CREATE VIRTUAL TABLE missing_episode_found USING rtree(id, xmin, xmax, ymin, ymax);"
to6="$to8 DROP TABLE missing_episode; DROP TABLE missing_report; DROP TABLE missing_load; DROP TABLE missing_key;"
to5="$to6 DROP TABLE stats_value; DROP TABLE stats_load;"
to4="$to5 DROP TABLE authority_scope; DROP TABLE area_la; ALTER TABLE authority DROP COLUMN scope_recorded_at;"
to3="$to4 DROP INDEX snapshot_issuer; ALTER TABLE snapshot DROP COLUMN origin; ALTER TABLE snapshot DROP COLUMN issuer;
     ALTER TABLE snapshot DROP COLUMN extract_seq; ALTER TABLE snapshot DROP COLUMN register_as_at;"
to2="$to3 DROP TABLE complaint_audit; DROP TABLE complaint; DROP TABLE extract; DROP TABLE request_confirmation;
     DROP TABLE disclosure_request; DROP TABLE authorisation; DROP TABLE app_user; DROP TABLE purpose;
     DROP TABLE authority_key; DROP TABLE authority_area; DROP TABLE authority;"
to1="$to2 DROP TABLE audit_key; DROP TABLE audit;"

# check NAME DB: haven_part of DB is the fixture (or, writing, becomes it).
check() {
	haven_part "$2" >"$T/$1.txt"
	if [ -n "$write" ]; then
		[ "$1" != created ] || { cp "$T/$1.txt" "$write/schema.txt" && echo "wrote $write/schema.txt"; }
	elif diff -u "$FX/schema.txt" "$T/$1.txt"; then
		echo "ok $1: as before the registry"
	else
		fail "$1: the store differs from the one haven made before the registry (diff above)"
	fi
}

new_store() {
	"$H" -q init "$1" --owner-kind police --owner-code E23000010 --owner-name "West Yorkshire Police" >/dev/null
}

new_store "$T/new.db"
check created "$T/new.db"
# Opening a current store changes nothing.
before=$(sqlite3 "$T/new.db" .dump | sha256sum)
expect_exit 0 "$H" audit verify "$T/new.db"
[ "$before" = "$(sqlite3 "$T/new.db" .dump | sha256sum)" ] || fail "opening a current store changed it"
for v in 8 7 6 5 4 3 2 1; do
	new_store "$T/v$v.db"
	sql=to$v
	sqlite3 "$T/v$v.db" "${!sql} PRAGMA user_version = $v;"
	expect_exit 0 "$H" audit verify "$T/v$v.db"
	check "from$v" "$T/v$v.db"
done
echo "all ok"
