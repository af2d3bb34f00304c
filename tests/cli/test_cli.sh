#!/usr/bin/env bash
# test_cli.sh - the haven tool itself: help from the command table, suggestions
# for unknown commands, init/info, refusing foreign and newer stores (exit code
# = status number, store untouched), and where --postcode.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_FIXTURES:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh" # national_reference
fails=0
n=0

# case NAME WANT_EXIT NEEDLE -- ARGS...: run haven, check exit code and that
# stdout+stderr contains NEEDLE.
case_() {
	local name=$1 want=$2 needle=$3 st=0
	shift 4
	n=$((n + 1))
	"$H" "$@" >"$T/out" 2>&1 || st=$?
	if [[ $st != "$want" ]] || ! grep -qF -- "$needle" "$T/out"; then
		echo "FAIL $n $name: exit $st (want $want); output:"
		sed 's/^/    /' "$T/out"
		fails=$((fails + 1))
	else
		echo "ok $n $name"
	fi
}

S=$T/s.db
case_ "help lists commands" 0 "register import" -- help
case_ "help for one command" 0 "--owner-kind KIND" -- help init
case_ "help for a group" 0 "geocode report" -- help geocode
# The command table's flags, shown by help: who acts, what writes, what is for admins.
case_ "help shows a command's flags" 0 "add a user; a senior gets a new signing key [acts as a user] [writes] [admin]" -- help user add
# line_ NAME LINE -- ARGS...: haven's output holds exactly LINE as one of its lines.
line_() {
	local name=$1 line=$2
	shift 3
	n=$((n + 1))
	if "$H" "$@" 2>&1 | grep -qxF -- "$line"; then
		echo "ok $n $name"
	else
		echo "FAIL $n $name: no line '$line' in: haven $*"
		fails=$((fails + 1))
	fi
}
line_ "help: a listing acts as a user and writes nothing" "list the users, their roles and public keys [acts as a user]" -- help user list
line_ "help: where needs no user" "which loaded areas (la, district, pfa, region) a point is in" -- help where
case_ "help lists every command with its flags" 0 "  info                 summarise what a store holds: its owner, then each module's counts [acts as a user]" -- help
case_ "help explains the flags" 0 "[writes]: changes what the store holds" -- help
case_ "unknown command suggests" 2 "Did you mean 'info'?" -- inof "$S"
case_ "unknown group word suggests" 2 "Did you mean 'register" -- registr import
case_ "group without subcommand" 2 "needs a subcommand" -- register
case_ "no arguments" 2 "usage: haven" --
case_ "init needs owner" 2 "usage: haven init" -- init "$S"
case_ "init bad kind" 2 "not one of police" -- init "$S" --owner-kind bank --owner-code X
case_ "init" 0 "OFFICIAL-SENSITIVE" -- init "$S" --owner-kind police --owner-code E23000010 --owner-name "West Yorkshire Police"
mode=$(stat -c %a "$S")
[[ $mode == 600 ]] && echo "ok store mode 600" || { echo "FAIL store mode $mode"; fails=$((fails + 1)); }
case_ "init refuses an existing file" 3 "File exists" -- init "$S" --owner-kind police --owner-code E23000010
case_ "info text" 0 "owner_name                     West Yorkshire Police" -- info "$S"
case_ "info json" 0 '"protective_marking":	"OFFICIAL-SENSITIVE"' -- info "$S" --json
case_ "info csv" 0 "governance,users,1,OFFICIAL-SENSITIVE" -- info "$S" --csv
case_ "info runs as a user" 30 "no user given" -- info "$S" --as ""
case_ "info as an unknown user" 30 "unknown user 'nobody'" -- info "$S" --as nobody
case_ "info on a missing store" 3 "nope.db" -- info "$T/nope.db"

# Foreign files made private: a file group or others may read is refused
# before anything reads it (test_hardening_output.sh).
echo "not a database" >"$T/text.db"
chmod 600 "$T/text.db"
case_ "a text file is not a store" 10 "not a haven store" -- info "$T/text.db"
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
chmod 600 "$T/other.db"
before=$(dump "$T/other.db")
case_ "another SQLite file is not a store" 10 "not a haven store" -- register import "$T/other.db" "$HAVEN_FIXTURES/register/month1.csv" --received 2025-01-31
[[ $(dump "$T/other.db") == "$before" ]] && echo "ok foreign store untouched" || { echo "FAIL foreign store changed"; fails=$((fails + 1)); }

cp "$S" "$T/newer.db"
sqlite3 "$T/newer.db" "PRAGMA user_version = 99;"
before=$(dump "$T/newer.db")
case_ "a newer schema is refused" 11 "newer than this haven" -- register import "$T/newer.db" "$HAVEN_FIXTURES/register/month1.csv" --received 2025-01-31
[[ $(dump "$T/newer.db") == "$before" ]] && echo "ok newer store untouched" || { echo "FAIL newer store changed"; fails=$((fails + 1)); }

# where --postcode: real boundaries (the national store's, loaded once per run) and a small gazetteer.
national_reference "$S" area area_load
printf 'Postcode,lat,long\nLS6 1AE,53.81428,-1.56166\nLS11AJ,53.79655,-1.54835\nM1 1AE,53.47885,-2.23681\n' >"$T/pc.csv"
"$H" -q gazetteer load "$S" "$T/pc.csv" >/dev/null
case_ "where --postcode (spacing and case normalised)" 0 "E23000010  West Yorkshire" -- where "$S" --postcode ls61ae
case_ "where --postcode json" 0 '"code":	"E08000003"' -- where "$S" --postcode "M1 1AE" --json
case_ "where --postcode unknown" 26 "not in the store's gazetteer" -- where "$S" --postcode "LS6 9ZZ"
case_ "where --postcode impossible" 23 "not a UK postcode" -- where "$S" --postcode "12345"
case_ "where needs one of three" 2 "give exactly one" -- where "$S" --postcode "LS6 1AE" --point 1,2
case_ "geocode set needs a reason" 2 "usage: haven geocode set" -- geocode set "$S" 123 --point 429000,435000
case_ "geocode set unknown URN" 26 "no current home with URN 123" -- geocode set "$S" 123 --point 429000,435000 --reason "test"
case_ "geocode set wrong CRS" 24 "not in Great Britain" -- geocode set "$S" 123 --point -1.5,53.8 --reason "degrees, not metres"

echo "$((n + 3 - fails)) passed, $fails failed"
[[ $fails == 0 ]]
