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
