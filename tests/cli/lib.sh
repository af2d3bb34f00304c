# tests/cli/lib.sh - helpers shared by the CLI tests (sourced, never run).
# The sourcing script sets T (its temporary directory) first.

fail() {
  echo "FAIL: $*"
  exit 1
}

# expect_exit CODE CMD...: run CMD (stdout to $T/out, stderr to $T/err) and
# require exit status CODE.
expect_exit() {
  local want=$1 got
  shift
  set +e
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  set -e
  if [ "$got" -ne "$want" ]; then
    cat "$T/out" "$T/err"
    fail "'$*' exited $got, want $want"
  fi
}

# expect_err / expect_out PATTERN: the last command's stderr / stdout matches
# PATTERN (a grep basic regular expression).
expect_err() { grep -q -- "$1" "$T/err" || { cat "$T/err"; fail "stderr lacks '$1'"; }; }
expect_out() { grep -q -- "$1" "$T/out" || { cat "$T/out"; fail "stdout lacks '$1'"; }; }

# ok CASE: a case passed.  same CASE WANT GOT: GOT is WANT, or the test fails.
ok() { echo "ok: $*"; }
same() { [ "$2" = "$3" ] || fail "$1: got '$3', want '$2'"; ok "$1"; }

# refused CODE PATTERN CMD...: CMD exits CODE, its stderr matches PATTERN, and
# the store $S is left exactly as it was (dump, below).  The stderr is kept in
# $T/messages too, for a test that searches every message haven wrote.
refused() {
  local code=$1 pat=$2 before
  shift 2
  before=$(dump "$S")
  expect_exit "$code" "$@"
  expect_err "$pat"
  cat "$T/err" >>"$T/messages"
  [ "$(dump "$S")" = "$before" ] || fail "the store changed after a refusal: $*"
}

# q SQL: one query of the test's store $S, its rows as the sqlite3 shell prints them.
q() { sqlite3 "$S" "$1"; }

# dump STORE: a digest of everything STORE holds, its schema and every
# table's rows (the sqlite3 shell's SHA3 of the database): the same before
# and after a refused command means the store was left exactly as it was.
dump() { sqlite3 "$1" ".sha3sum --schema"; }

# csv_text VALUE: VALUE as haven's CSV writes a text cell: with a leading
# apostrophe when a spreadsheet would take it for a formula (docs/formats.md,
# "CSV output") - a base64 key may begin with '+'.
csv_text() {
  case "$1" in
  [=+@-]*) printf "'%s" "$1" ;;
  *) printf '%s' "$1" ;;
  esac
}

# fixture_las STORE: the LAs of tests/fixtures/register/la.csv (the real ONS
# codes and names) put into STORE with SQL as small squares: enough for the
# register fixtures to import into a store of national scope (DfE).
fixture_las() {
  sqlite3 "$1" <<SQL
.load mod_spatialite
.import --csv $HAVEN_FIXTURES/register/la.csv la_fixture
INSERT INTO area(kind, code, name, geom)
 SELECT 'la', CTYUA24CD, CTYUA24NM, GeomFromText('MULTIPOLYGON(((' || x || ' 200000, ' || (x + 1000) || ' 200000, '
  || (x + 1000) || ' 201000, ' || x || ' 201000, ' || x || ' 200000)))', 27700)
 FROM (SELECT *, 100000 + rowid * 2000 AS x FROM la_fixture);
DROP TABLE la_fixture;
SQL
}

# missing_store STORE: an HMCI store of the register fixtures (three months)
# and the postcode sample, as the missing-from-care tests start from.
missing_store() {
  local received=(x 2025-01-31 2025-02-28 2025-03-31) m
  "$HAVEN_BIN" -q init "$1" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)" >/dev/null
  fixture_las "$1"
  for m in 1 2 3; do
    "$HAVEN_BIN" -q register import "$1" "$HAVEN_FIXTURES/register/month$m.csv" --received "${received[$m]}" >/dev/null 2>&1
  done
  "$HAVEN_BIN" -q gazetteer load "$1" "$HAVEN_FIXTURES/gazetteer/onspd_sample.csv" >/dev/null
}

# national_reference STORE TABLE...: the rows of TABLEs of the national store
# (la and pfa boundaries, the postcode sample; tests/national_store.sh)
# copied into STORE, in place of loading them again; the test must require
# the CTest fixture "national".  With no TABLE: the areas and the gazetteer.
national_reference() {
  local store=$1
  shift
  [ $# -gt 0 ] || set -- area area_load postcode postcode_terminated postcode_sector uprn gazetteer_load
  "$HAVEN_TEST_TOOLS/copy_rows" "$store" "${HAVEN_NATIONAL:?run through ctest}/boundaries.db" "$@"
}

# info_section STORE SECTION: one section of 'haven info STORE --json' as a
# JSON object {item: value} with sorted keys (run as the acting user).
info_section() {
  "$HAVEN_BIN" info "$1" --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
print(json.dumps({r["item"]: r["value"] for r in rows if r["section"] == sys.argv[1]}, sort_keys=True))' "$2"
}

# national_dfe_store STORE: a copy of the national analysis store (the
# synthetic register geocoded, every boundary, DfE's children looked after;
# tests/national_store.sh) with a DfE analyst "dee": what an export of the
# national aggregate needs.  The test must require the CTest fixture
# "national".
national_dfe_store() {
  cp "${HAVEN_NATIONAL:?run through ctest}/analysis.db" "$1"
  chmod 600 "$1"
  "$HAVEN_BIN" -q authority add "$1" --kind dfe --code DFE --name "Department for Education" >/dev/null
  "$HAVEN_BIN" -q user add "$1" --name dee --authority DFE --role analyst --default-purpose policy >/dev/null
}

# west_yorkshire_users STORE: on a national_dfe_store, West Yorkshire Police
# (E23000010) with its analyst "ana", Devon and Cornwall Police (E23000035)
# with "dev", and a probation provider working in West Yorkshire (PRB01)
# with "pat": the users the zones and alert tests act as.
west_yorkshire_users() {
  "$HAVEN_BIN" -q authority add "$1" --kind police --code E23000010 --name "West Yorkshire Police"
  "$HAVEN_BIN" -q authority add "$1" --kind police --code E23000035 --name "Devon and Cornwall Police"
  "$HAVEN_BIN" -q authority add "$1" --kind probation --code PRB01 --name "Probation Yorkshire" --area E23000010
  "$HAVEN_BIN" -q user add "$1" --name ana --authority E23000010 --role analyst --default-purpose safeguarding
  "$HAVEN_BIN" -q user add "$1" --name dev --authority E23000035 --role analyst --default-purpose safeguarding
  "$HAVEN_BIN" -q user add "$1" --name pat --authority PRB01 --role analyst --default-purpose offender-management
}

# The placements' table as schemas 10 to 13 made it (its origin method's
# CHECK an IN list; schema 14 made it again with comparisons): the SQL that
# takes a store back to schema 13 (test_store.sh, test_placements.sh 2.2).
PLACEMENT_V13="CREATE TABLE placement( id INTEGER PRIMARY KEY, load_id INTEGER NOT NULL REFERENCES placement_load(id),
  source_row INTEGER NOT NULL, child INTEGER NOT NULL REFERENCES placement_child(id),
  placing_la TEXT NOT NULL, urn TEXT NOT NULL, start_day INTEGER NOT NULL, end_day INTEGER,
  origin_district TEXT, origin_x REAL NOT NULL, origin_y REAL NOT NULL,
  origin_method TEXT NOT NULL CHECK(origin_method IN ('district','la_weighted','la_surface')),
  CHECK(end_day IS NULL OR end_day >= start_day),
  CHECK((origin_method = 'district') = (origin_district IS NOT NULL)), UNIQUE(child, urn, start_day));"
