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

# Take a store back to schema 13, 12, 9, 8, 7, 6, 5, 4, 3, 2 or 1 as an older haven left it: without
# what later migrations made (as test_govern's 10.9 does).  The reports', episodes' and placements'
# tables with their CHECKs as schemas 9 and 10 wrote them (an IN list; schema 14: comparisons).
# The LAs' centres (schema 13: la_centre, la_centre_load).  Location (schema 12: crime,
# offenders), zones (11) and placements (10): their tables, R*Trees and SpatiaLite's records of
# their geometry columns.
to13="DROP TABLE missing_episode; DROP TABLE missing_report; DROP TABLE placement;
     CREATE TABLE missing_report( id INTEGER PRIMARY KEY, source TEXT NOT NULL CHECK(source IN ('police','la')),
      source_ref TEXT NOT NULL, load_id INTEGER NOT NULL, source_row INTEGER NOT NULL, superseded_by INTEGER,
      superseded_at TEXT, child INTEGER NOT NULL REFERENCES missing_child(id), urn TEXT NOT NULL, placing_la TEXT,
      missing_from INTEGER NOT NULL, returned_at INTEGER CHECK(returned_at IS NULL OR returned_at >= missing_from),
      risk TEXT CHECK(risk IN ('none','low','medium','high')), cse INTEGER CHECK(cse IN (0,1)),
      cce INTEGER CHECK(cce IN (0,1)), ri_offered INTEGER CHECK(ri_offered IN (0,1)),
      ri_held INTEGER CHECK(ri_held IN (0,1)), ri_independent INTEGER CHECK(ri_independent IN (0,1)), ri_date TEXT,
      last_seen_x REAL, last_seen_y REAL, found_x REAL, found_y REAL,
      content BLOB NOT NULL CHECK(length(content) = 16),
      CHECK((last_seen_x IS NULL) = (last_seen_y IS NULL) AND (found_x IS NULL) = (found_y IS NULL)));
     CREATE TABLE missing_episode( id INTEGER PRIMARY KEY, child INTEGER NOT NULL REFERENCES missing_child(id),
      urn TEXT NOT NULL, placing_la TEXT, host_la TEXT, missing_from INTEGER NOT NULL, returned_at INTEGER,
      risk TEXT CHECK(risk IN ('none','low','medium','high')), cse INTEGER, cce INTEGER, ri_offered INTEGER,
      ri_held INTEGER, ri_independent INTEGER, ri_date TEXT, police_report INTEGER, la_report INTEGER,
      conflict TEXT, last_seen_x REAL, last_seen_y REAL, found_x REAL, found_y REAL,
      CHECK(police_report IS NOT NULL OR la_report IS NOT NULL));
     CREATE UNIQUE INDEX missing_report_current ON missing_report(source, source_ref) WHERE superseded_by IS NULL;
     CREATE INDEX missing_report_child ON missing_report(child, urn, missing_from);
     CREATE INDEX missing_episode_when ON missing_episode(missing_from);
     CREATE INDEX missing_episode_group ON missing_episode(child, urn);
     $PLACEMENT_V13"
to12="$to13 DROP TABLE la_centre; DROP TABLE la_centre_load;"
to9="$to12 DROP TABLE offender; DROP TABLE offender_load; DROP TABLE idx_crime_geom; DROP TABLE crime;
     DROP TABLE crime_load; DELETE FROM geometry_columns WHERE f_table_name = 'crime';
     DELETE FROM geometry_columns_auth WHERE f_table_name = 'crime';
     DELETE FROM geometry_columns_statistics WHERE f_table_name = 'crime';
     DELETE FROM geometry_columns_time WHERE f_table_name = 'crime';
     DELETE FROM geometry_columns_field_infos WHERE f_table_name = 'crime';
     DROP TABLE placement; DROP TABLE placement_child; DROP TABLE placement_load;
     DROP TABLE zone_address_check; DROP TABLE zone_window; DROP TABLE idx_zone_geom; DROP TABLE zone;
     DROP TABLE zone_load; DELETE FROM geometry_columns WHERE f_table_name = 'zone';
     DELETE FROM geometry_columns_auth WHERE f_table_name = 'zone';
     DELETE FROM geometry_columns_statistics WHERE f_table_name = 'zone';
     DELETE FROM geometry_columns_time WHERE f_table_name = 'zone';
     DELETE FROM geometry_columns_field_infos WHERE f_table_name = 'zone';"
# Schema 8's reports and episodes
# (the pseudonym in hex in each, times as text, points as SpatiaLite BLOBs), as schema 7 made them:
to8="$to9 DROP TABLE missing_episode; DROP TABLE missing_report; DROP TABLE missing_child;
     CREATE TABLE missing_report( id INTEGER PRIMARY KEY, source TEXT NOT NULL CHECK(source IN ('police','la')),
      source_ref TEXT NOT NULL, load_id INTEGER NOT NULL REFERENCES missing_load(id), source_row INTEGER NOT NULL,
      superseded_by INTEGER REFERENCES missing_report(id), superseded_at TEXT,
      child TEXT NOT NULL CHECK(length(child) = 64), urn TEXT NOT NULL, placing_la TEXT,
      missing_from TEXT NOT NULL, returned_at TEXT CHECK(returned_at IS NULL OR returned_at >= missing_from),
      risk TEXT CHECK(risk IN ('none','low','medium','high')), cse INTEGER CHECK(cse IN (0,1)),
      cce INTEGER CHECK(cce IN (0,1)), ri_offered INTEGER CHECK(ri_offered IN (0,1)),
      ri_held INTEGER CHECK(ri_held IN (0,1)), ri_independent INTEGER CHECK(ri_independent IN (0,1)), ri_date TEXT,
      last_seen_x REAL, last_seen_y REAL, found_x REAL, found_y REAL, content TEXT NOT NULL,
      CHECK((last_seen_x IS NULL) = (last_seen_y IS NULL) AND (found_x IS NULL) = (found_y IS NULL)));
     CREATE UNIQUE INDEX missing_report_current ON missing_report(source, source_ref) WHERE superseded_by IS NULL;
     CREATE INDEX missing_report_child ON missing_report(child, urn, missing_from);
     CREATE TABLE missing_episode( id INTEGER PRIMARY KEY, child TEXT NOT NULL, urn TEXT NOT NULL, placing_la TEXT,
      host_la TEXT, missing_from TEXT NOT NULL, returned_at TEXT, duration_h REAL,
      risk TEXT CHECK(risk IN ('none','low','medium','high')), cse INTEGER, cce INTEGER, ri_offered INTEGER,
      ri_held INTEGER, ri_independent INTEGER, ri_date TEXT, police_report INTEGER REFERENCES missing_report(id),
      la_report INTEGER REFERENCES missing_report(id), conflict TEXT, last_seen BLOB, found BLOB,
      CHECK(police_report IS NOT NULL OR la_report IS NOT NULL));
     CREATE INDEX missing_episode_when ON missing_episode(missing_from);
     CREATE INDEX missing_episode_home ON missing_episode(urn, missing_from);
     CREATE INDEX missing_episode_group ON missing_episode(child, urn);"
to7="$to8 DROP INDEX missing_episode_group; CREATE INDEX missing_episode_child ON missing_episode(child);
     CREATE VIRTUAL TABLE missing_episode_last_seen USING rtree(id, xmin, xmax, ymin, ymax);
     CREATE VIRTUAL TABLE missing_episode_found USING rtree(id, xmin, xmax, ymin, ymax);"
to6="$to9 DROP TABLE missing_episode; DROP TABLE missing_report; DROP TABLE missing_child; DROP TABLE missing_load;
     DROP TABLE missing_key;"
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
for v in 13 12 9 8 7 6 5 4 3 2 1; do
	new_store "$T/v$v.db"
	sql=to$v
	sqlite3 "$T/v$v.db" "${!sql} PRAGMA user_version = $v;"
	expect_exit 0 "$H" audit verify "$T/v$v.db"
	check "from$v" "$T/v$v.db"
done
# A store of schema 8 holding reports and episodes migrates to schema 9 losslessly: the
# police and LA fixtures imported, their rows written back as schema 8 held them (the
# pseudonym in hex, times as text, the duration, points as SpatiaLite BLOBs), then opened:
# every row the same (children by their pseudonyms), the same trends, linkage and scorecard,
# and the same file again a no-op (the content hashes carried over).
export HAVEN_USER=admin
S=$T/v8data.db
missing_store "$S"
"$H" -q key init "$T/missing.key" >/dev/null
MF=$HAVEN_FIXTURES/missing
expect_exit 0 "$H" missing import "$S" "$MF/police.csv" --source police --key "$T/missing.key"
expect_exit 0 "$H" missing import "$S" "$MF/la.csv" --source la --key "$T/missing.key"
# a correction, so that a superseded version and its history migrate too
sed 's/^GMP-001,\(.*\),2025-03-02 03:00,/GMP-001,\1,2025-03-02 04:30,/' "$MF/police.csv" >"$T/police_v2.csv"
expect_exit 0 "$H" missing import "$S" "$T/police_v2.csv" --source police --key "$T/missing.key"
rows_of() {
	sqlite3 "$1" "SELECT r.id, r.source, r.source_ref, r.load_id, r.source_row, r.superseded_by,
	  r.superseded_at, hex(c.pseudonym), r.urn, r.placing_la, r.missing_from, r.returned_at, r.risk, r.cse, r.cce,
	  r.ri_offered, r.ri_held, r.ri_independent, r.ri_date, r.last_seen_x, r.last_seen_y, r.found_x, r.found_y,
	  hex(r.content) FROM missing_report r JOIN missing_child c ON c.id = r.child ORDER BY r.id;
	  SELECT e.id, hex(c.pseudonym), e.urn, e.placing_la, e.host_la, e.missing_from, e.returned_at, e.risk, e.cse,
	  e.cce, e.ri_offered, e.ri_held, e.ri_independent, e.ri_date, e.police_report, e.la_report, e.conflict,
	  e.last_seen_x, e.last_seen_y, e.found_x, e.found_y FROM missing_episode e
	  JOIN missing_child c ON c.id = e.child ORDER BY e.id;"
}
figures() {
	"$H" missing trends "$1" --by month --area la --format csv
	"$H" missing trends "$1" --by quarter --area england --format json
	"$H" missing linkage "$1" --by month --area host-la --format csv
	"$H" missing scorecard "$1" --format csv
}
rows_of "$S" >"$T/rows9.txt"
figures "$S" >"$T/figures9.txt"
[ "$(grep -c . "$T/rows9.txt")" -ge 18 ] || fail "from8data: the fixtures' reports and episodes are not there"
sqlite3 -cmd ".load mod_spatialite" "$S" "
CREATE TEMP TABLE c AS SELECT * FROM missing_child; CREATE TEMP TABLE r AS SELECT * FROM missing_report;
CREATE TEMP TABLE e AS SELECT * FROM missing_episode;
$to8
INSERT INTO missing_report SELECT r.id, r.source, r.source_ref, r.load_id, r.source_row, r.superseded_by,
 r.superseded_at, lower(hex(c.pseudonym)), r.urn, r.placing_la, strftime('%Y-%m-%dT%H:%M:%S', r.missing_from, 'unixepoch'),
 strftime('%Y-%m-%dT%H:%M:%S', r.returned_at, 'unixepoch'), r.risk, r.cse, r.cce, r.ri_offered, r.ri_held,
 r.ri_independent, r.ri_date, r.last_seen_x, r.last_seen_y, r.found_x, r.found_y,
 lower(hex(r.content)) || lower(hex(randomblob(16)))
 FROM temp.r r JOIN temp.c c ON c.id = r.child ORDER BY r.id;
INSERT INTO missing_episode SELECT e.id, lower(hex(c.pseudonym)), e.urn, e.placing_la, e.host_la,
 strftime('%Y-%m-%dT%H:%M:%S', e.missing_from, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%S', e.returned_at, 'unixepoch'),
 (e.returned_at - e.missing_from) / 3600.0, e.risk, e.cse, e.cce, e.ri_offered, e.ri_held, e.ri_independent,
 e.ri_date, e.police_report, e.la_report, e.conflict, MakePoint(e.last_seen_x, e.last_seen_y, 27700),
 MakePoint(e.found_x, e.found_y, 27700) FROM temp.e e JOIN temp.c c ON c.id = e.child ORDER BY e.id;
PRAGMA user_version = 8;"
[ "$(sqlite3 "$S" "SELECT typeof(missing_from) || ' ' || length(child) FROM missing_episode LIMIT 1")" = "text 64" ] ||
	fail "from8data: the store is not as schema 8 held it"
figures "$S" >"$T/figures8.txt" # opening it migrates it
[ "$(sqlite3 "$S" "PRAGMA user_version")" = "$(sqlite3 "$T/new.db" "PRAGMA user_version")" ] ||
	fail "from8data: not migrated"
rows_of "$S" >"$T/rows8.txt"
diff -u "$T/rows9.txt" "$T/rows8.txt" || fail "from8data: the rows differ after the migration (diff above)"
diff -u "$T/figures9.txt" "$T/figures8.txt" || fail "from8data: the trends differ after the migration (diff above)"
objects() { sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name LIKE 'missing%' ORDER BY name"; }
diff -u <(objects "$T/new.db") <(objects "$S") || fail "from8data: the tables differ from a new store's (diff above)"
expect_exit 0 "$H" missing import "$S" "$T/police_v2.csv" --source police --key "$T/missing.key"
expect_out "no report changed"
echo "ok from8data: $(grep -c . "$T/rows8.txt") rows and the figures the same after migrating; a re-import is a no-op"
echo "all ok"
