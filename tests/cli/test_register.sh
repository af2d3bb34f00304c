#!/usr/bin/env bash
# test_register.sh - haven register import / changes / summary end to end:
# three monthly files, the JSON and CSV listings, and the exit status (the
# haven_status number) of each kind of bad file.  LA areas are the real ONS
# codes and names of tests/fixtures/register/la.csv, put in with SQL as small
# squares; the store is owned by HMCI, a national authority whose users see
# homes (DfE's see aggregates only), so every home is in its scope and no
# force area boundaries are needed.
set -euo pipefail

: "${HAVEN_BIN:?run through ctest}" "${HAVEN_FIXTURES:?run through ctest}"
F="$HAVEN_FIXTURES/register"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
S="$T/store.db"
fails=0
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

check() { # check DESCRIPTION WANT GOT
	if [[ "$2" == "$3" ]]; then
		echo "ok: $1"
	else
		echo "FAIL: $1"
		echo "  want: $2"
		echo "  got:  $3"
		fails=$((fails + 1))
	fi
}

# run WANT_STATUS ARGS...: run haven, keep stdout in $T/out and stderr in $T/err.
run() {
	local want=$1 st=0
	shift
	"$HAVEN_BIN" "$@" >"$T/out" 2>"$T/err" || st=$?
	check "haven $* exits $want" "$want" "$st"
}


run 0 init "$S" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)"
fixture_las "$S"
check "21 LA areas loaded" 21 "$(sqlite3 "$S" "SELECT count(*) FROM area WHERE kind = 'la'")"

run 2 register import "$S" "$F/month1.csv"
run 0 register import "$S" "$F/month1.csv" --received 2025-01-31
check "month 1 report" "new 8, reopened 0, changed 0, unchanged 0, closed 0" "$(sed -n 2p "$T/out" | sed 's/^ *//')"
grep -q "kept in home_version.extra: 'Inspection note'" "$T/err" && echo "ok: extra column noticed" ||
	{ echo "FAIL: no notice of the extra column"; fails=$((fails + 1)); }

run 0 register import "$S" "$F/month2.csv" --received 2025-02-28
check "month 2 report" "new 1, reopened 0, changed 5, unchanged 2, closed 1" "$(sed -n 2p "$T/out" | sed 's/^ *//')"
sqlite3 "$S" "UPDATE home_version SET geo_pfa = 'E23000005', geo_region = 'E12000002'
              WHERE urn IN ('SC100001', 'SC100009') AND valid_to IS NULL"
run 0 register import "$S" "$F/month3.csv" --received 2025-03-31
check "month 3 report" "new 1, reopened 1, changed 2, unchanged 5, closed 1" "$(sed -n 2p "$T/out" | sed 's/^ *//')"

# The same file again: nothing changes.
before=$(dump "$S")
run 0 register import "$S" "$F/month3.csv" --received 2025-03-31
grep -q "already imported as the snapshot received 2025-03-31" "$T/out" && echo "ok: re-import says so" ||
	{ echo "FAIL: re-import message: $(cat "$T/out")"; fails=$((fails + 1)); }
check "re-import leaves the store as it was" "$before" "$(dump "$S")"

# Changes as JSON: a new home in the force area since February.
run 0 register changes "$S" --since 2025-02-01 --area E23000005 --json
check "new home in the force area" "2025-02-28 SC100009 Maple House new None 17 Specimen Road, Salford, M6 5AA E08000006" \
	"$(python3 -c 'import json,sys
for r in json.load(sys.stdin)["rows"]:
    print(r["received"], r["urn"], r["name"], r["kind"], r.get("old_value"), r["new_value"], r["la_code"])' <"$T/out")"
run 0 register changes "$S" --json
check "JSON is marked" OFFICIAL-SENSITIVE "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["protective_marking"])' <"$T/out")"
check "changes in all" 24 "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rows"]))' <"$T/out")"
check "kinds" "address closed deregistered details enforcement name new places reopened status" \
	"$(python3 -c 'import json,sys; print(" ".join(sorted({r["kind"] for r in json.load(sys.stdin)["rows"]})))' <"$T/out")"

# Summaries as CSV.
run 0 register summary "$S" --by la --as-at 2025-02-28 --csv
check "summary by LA at month 2" 'area_code,area_name,registration_status,sector,homes,places,protective_marking
E06000010,"Kingston upon Hull, City of",Resigned,Private,1,3,OFFICIAL-SENSITIVE
E06000023,"Bristol, City of",Active,Private,1,4,OFFICIAL-SENSITIVE
E06000047,County Durham,Active,Local Authority,1,2,OFFICIAL-SENSITIVE
E06000058,"Bournemouth, Christchurch and Poole",Active,Private,1,5,OFFICIAL-SENSITIVE
E08000003,Manchester,Active,Private,1,4,OFFICIAL-SENSITIVE
E08000006,Salford,Active,Private,1,5,OFFICIAL-SENSITIVE
E08000007,Stockport,Active,Voluntary,1,6,OFFICIAL-SENSITIVE
E08000035,Leeds,Active,Local Authority,1,2,OFFICIAL-SENSITIVE
total,,,,8,31,OFFICIAL-SENSITIVE' "$(tr -d '\r' <"$T/out")"
run 0 register summary "$S" --by pfa --csv
check "summary by force area now" 'area_code,area_name,registration_status,sector,homes,places,protective_marking
E23000005,,Active,Private,2,9,OFFICIAL-SENSITIVE
unlocated,"not located (not geocoded, or no match)",Active,Local Authority,2,4,OFFICIAL-SENSITIVE
unlocated,"not located (not geocoded, or no match)",Active,Private,3,10,OFFICIAL-SENSITIVE
unlocated,"not located (not geocoded, or no match)",Active,Voluntary,1,6,OFFICIAL-SENSITIVE
unlocated,"not located (not geocoded, or no match)",Suspended,Private,1,5,OFFICIAL-SENSITIVE
total,,,,9,34,OFFICIAL-SENSITIVE' "$(tr -d '\r' <"$T/out")"
run 2 register summary "$S" --by district
run 2 register summary "$S"

# Bad files: the exit status is the haven_status number; the store is untouched.
H='URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status'
G='SC300001,One House,1 Road,Leeds,LS1 1AA,3,Leeds,Active'
bad() { # bad NAME WANT_STATUS WANT_IN_MESSAGE CONTENT
	printf '%s' "$4" >"$T/$1"
	run "$2" register import "$S" "$T/$1" --received 2025-04-01
	grep -q "$1: row .*$3" "$T/err" && echo "ok: $1 message" ||
		{ echo "FAIL: $1 message: $(cat "$T/err")"; fails=$((fails + 1)); }
}
before=$(dump "$S")
bad quote.csv 20 "unterminated" "$H
$G
SC300002,\"Two,2 Road,Leeds,LS1 1AB,4,Leeds,Active
"
bad columns.csv 20 "7 fields" "$H
$G
SC300002,Two,2 Road,Leeds,LS1 1AB,4,Leeds
"
bad latin1.csv 20 "UTF-8" "$H
$G
SC300002,Tw$(printf '\xf6'),2 Road,Leeds,LS1 1AB,4,Leeds,Active
"
bad noplaces.csv 21 "required column 'places'" "URN,Name,Address 1,Town,Postcode,Local authority,Registration status
SC300001,One House,1 Road,Leeds,LS1 1AA,Leeds,Active
"
bad empty.csv 21 "'name'" "$H
SC300002,,2 Road,Leeds,LS1 1AB,4,Leeds,Active
"
bad dup.csv 22 "also on row 2" "$H
$G
$G
"
bad postcode.csv 23 "ZZ99 9ZZZ" "$H
SC300002,Two,2 Road,Leeds,ZZ99 9ZZZ,4,Leeds,Active
"
bad places.csv 23 "places -1" "$H
SC300002,Two,2 Road,Leeds,LS1 1AB,-1,Leeds,Active
"
bad la.csv 23 "Gotham" "$H
SC300002,Two,2 Road,Leeds,LS1 1AB,4,Gotham,Active
"
check "bad files leave the store as it was" "$before" "$(dump "$S")"
printf '%s\n%s\n' "$H" "$G" >"$T/older.csv"
run 25 register import "$S" "$T/older.csv" --received 2025-03-31
grep -q "a different file (month3.csv) is already the snapshot received 2025-03-31" "$T/err" &&
	echo "ok: same date names the file and date" || { echo "FAIL: $(cat "$T/err")"; fails=$((fails + 1)); }
run 25 register import "$S" "$T/older.csv" --received 2025-02-01
grep -q "2025-02-01 is older than the newest snapshot, received 2025-03-31" "$T/err" &&
	echo "ok: older names both dates" || { echo "FAIL: $(cat "$T/err")"; fails=$((fails + 1)); }
check "refused snapshots leave the store as it was" "$before" "$(dump "$S")"

if ((fails)); then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all register CLI checks passed"
