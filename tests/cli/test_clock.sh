#!/usr/bin/env bash
# test_clock.sh - the released `haven` takes time from the system clock
# only.  HAVEN_NOW fixes "now" for tests in haven-test (HAVEN_BIN), the same
# CLI linked to the test library; in the release build (HAVEN_RELEASE_BIN)
# it is not even compiled in, so no user can backdate the s.62 audit log,
# act on an authorisation that has expired, or move "today".  Audit entries
# are stamped from the system clock in both builds.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_RELEASE_BIN:?run through ctest}" "${HAVEN_FIXTURES:?run through ctest}"
H=$HAVEN_BIN
R=$HAVEN_RELEASE_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HAVEN_KEY_DIR=$T/keys
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

q() { sqlite3 "$1" "$2"; }
# stamped_now DB T0 T1: the newest audit entry of DB is stamped between T0 and T1.
stamped_now() {
	local at
	at=$(q "$1" "SELECT at FROM audit ORDER BY seq DESC LIMIT 1")
	[ "$at" -ge "$2" ] && [ "$at" -le "$3" ] || fail "audit entry stamped $at, not between $2 and $3 (the system clock)"
}

# 1: the release binary holds no test clock: no HAVEN_NOW lookup, no
#    hv_clock_set; the test binary has both (so the check can see them).
nm "$H" >"$T/nm-test"
nm "$R" >"$T/nm-release"
grep -q -a -F HAVEN_NOW "$H" || fail "haven-test does not read HAVEN_NOW"
grep -q -w hv_clock_set "$T/nm-test" || fail "haven-test has no hv_clock_set"
! grep -q -a -F HAVEN_NOW "$R" || fail "the release binary contains the string HAVEN_NOW"
! grep -q -w -e hv_clock_set -e hv_clock_set_audit "$T/nm-release" || fail "the release binary contains hv_clock_set"
echo "ok: the release binary has no test clock"

# A DfE store (national scope) with the fixture LAs, so a register file imports.
S=$T/dfe.db
expect_exit 0 "$R" init "$S" --owner-kind dfe --owner-code DFE --owner-name "Department for Education"
fixture_las "$S"

# 2: HAVEN_NOW far in the past: the test build's "today" is 1990-01-01, so
#    a file received today is "in the future"; the release build's today is
#    the system clock's and imports it, stamping its audit entry now.
TODAY=$(date -u +%F)
before=$(dump "$S")
expect_exit 23 env HAVEN_NOW=1990-01-01T00:00:00Z "$H" register import "$S" "$HAVEN_FIXTURES/register/month1.csv" \
	--received "$TODAY"
expect_err "is in the future (today is 1990-01-01)"
[ "$(dump "$S")" = "$before" ] || fail "a refused import changed the store"
T0=$(date -u +%s)
expect_exit 0 env HAVEN_NOW=1990-01-01T00:00:00Z "$R" register import "$S" "$HAVEN_FIXTURES/register/month1.csv" \
	--received "$TODAY"
T1=$(date -u +%s)
[ "$(q "$S" "SELECT operation FROM audit ORDER BY seq DESC LIMIT 1")" = collection ] || fail "the import left no audit entry"
stamped_now "$S" "$T0" "$T1"
echo "ok: release, HAVEN_NOW=1990: today and the audit entry follow the system clock"

# 3: HAVEN_NOW far in the future: the release build refuses a file
#    "received" after the real today, naming the real today.
before=$(dump "$S")
expect_exit 23 env HAVEN_NOW=2999-01-01T00:00:00Z "$R" register import "$S" "$HAVEN_FIXTURES/register/month2.csv" \
	--received 2998-12-31
expect_err "received date 2998-12-31 is in the future (today is $(date -u +%F))"
[ "$(dump "$S")" = "$before" ] || fail "a refused import changed the store"
echo "ok: release, HAVEN_NOW=2999: a date after the real today is refused"

# 4: the audit entries of the test build are stamped from the system clock
#    too: HAVEN_NOW moves "today" there, never the log.
T0=$(date -u +%s)
expect_exit 0 env HAVEN_NOW=2999-01-01T00:00:00Z "$H" register import "$S" "$HAVEN_FIXTURES/register/month2.csv" \
	--received 2998-12-31
T1=$(date -u +%s)
stamped_now "$S" "$T0" "$T1"
expect_exit 0 "$R" audit verify "$S"
echo "ok: haven-test, HAVEN_NOW=2999: the audit entry is stamped from the system clock"

# 5: an authorisation that expired (by the system clock) cannot be used by
#    setting HAVEN_NOW back into its validity.  It is made with the test
#    build under ctest's HAVEN_NOW (2025-04-15), valid for 30 days.
P=$T/police.db
expect_exit 0 "$H" init "$P" --owner-kind police --owner-code E23000001 --owner-name "Metropolitan Police Service"
expect_exit 0 "$H" user add "$P" --name ana --authority E23000001 --role analyst --default-purpose safeguarding
expect_exit 0 "$H" user add "$P" --name sup --authority E23000001 --role senior --default-purpose safeguarding
USE="search for a missing child outside the force area"
expect_exit 0 "$H" authorise "$P" --as sup --key "$T/keys/sup.key" --for ana --use "$USE" --reason "missing overnight"
ID=$(cat "$T/out")
expect_err "until 2025-05-15T09:00:00Z"
before=$(dump "$P")
expect_exit 30 env HAVEN_NOW=2025-04-20T09:00:00Z "$R" user list "$P" --as ana --purpose "$USE" --reason r \
	--authorisation "$ID"
expect_err "authorisation $ID expired at 2025-05-15T09:00:00Z"
[ "$(dump "$P")" = "$before" ] || fail "a refused use changed the store"
# The same in the test build is accepted: the refusal above is the clock's.
expect_exit 0 env HAVEN_NOW=2025-04-20T09:00:00Z "$H" user list "$P" --as ana --purpose "$USE" --reason r \
	--authorisation "$ID"
echo "ok: release, HAVEN_NOW inside an expired authorisation's validity: still expired"
