#!/usr/bin/env bash
# test_oversight.sh - transparency, redress and retention end to end, through
# the haven binary on an HMCI store holding the three register fixtures and
# the real LA boundaries: exceptional use under a senior's single-use
# authorisation, the publishable transparency report (only from a log that
# verifies, and against a kept checkpoint), complaints linked to audit
# entries, and erasure recorded with counts only.  Every refusal checks the
# exit status (the haven_status number, docs/cli.md) and that the store's
# dump is unchanged.  Tampering is done with the sqlite3 shell, as someone
# holding the file would.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}" "${HAVEN_FIXTURES:?run through ctest}"
: "${HAVEN_NOW:?run through ctest}" "${HAVEN_USER:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh" # dump
export HAVEN_KEY_DIR=$T/keys
S=$T/hmci.db
n=0
fails=0

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}
bad() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "FAIL $n $1"
	if [[ -s $T/out || -s $T/err ]]; then
		cat "$T/out" "$T/err" 2>/dev/null | sed 's/^/    /' | head -20
	fi
}
# check NAME CMD...: CMD (a test, a grep, ...) must succeed.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
# run WANT NAME -- ARGS...: haven ARGS must exit WANT; stdout in $T/out, stderr in $T/err.
run() {
	local want=$1 name=$2 st=0
	shift 3
	"$H" "$@" >"$T/out" 2>"$T/err" || st=$?
	if [[ $st == "$want" ]]; then ok "$name (exit $st)"; else bad "$name: exit $st, want $want"; fi
}
# refused WANT NAME NEEDLE -- ARGS...: haven ARGS must exit WANT, say NEEDLE on
# stderr, and leave the store's dump as it was.
refused() {
	local want=$1 name=$2 needle=$3 st=0 before
	shift 4
	before=$(dump "$S")
	"$H" "$@" >"$T/out" 2>"$T/err" || st=$?
	if [[ $st != "$want" ]]; then
		bad "$name: exit $st, want $want"
	elif ! grep -qF -- "$needle" "$T/err"; then
		bad "$name: stderr lacks '$needle'"
	elif [[ $(dump "$S") != "$before" ]]; then
		bad "$name: the store changed"
	else
		ok "$name (exit $st, store unchanged)"
	fi
}
# months AT: for the Unix time AT, "FROM TO M0 M1 M2 M3": the four months
# ending with AT's (YYYY-MM), the first day of the first and the last of AT's.
months() {
	python3 - "$1" <<'PY'
import calendar, sys, time
y, m = time.gmtime(int(sys.argv[1]))[:2]
ms = [((y * 12 + m - 1 - k) // 12, (y * 12 + m - 1 - k) % 12 + 1) for k in (3, 2, 1, 0)]
print("%04d-%02d-01" % ms[0], "%04d-%02d-%02d" % (y, m, calendar.monthrange(y, m)[1]),
      *("%04d-%02d" % x for x in ms))
PY
}
# csv_col FILE COLUMN [KEY VALUE]: the values of COLUMN (one a line), of the rows whose KEY is VALUE.
csv_col() {
	python3 - "$@" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
col = sys.argv[2]
for r in rows:
    if len(sys.argv) < 5 or r[sys.argv[3]] == sys.argv[4]:
        print(r[col])
PY
}

# ---- 1: set-up: an HMCI store with real boundaries, three months, two users.
run 0 "init an HMCI-owned store" -- init "$S" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)"
run 0 "load the real LA boundaries" -- -q boundaries load "$S" --kind la \
	"$HAVEN_DATA_DIR/boundaries/ctyua_dec2024_en_bgc.geojson.gz"
m=1
for received in 2025-01-31 2025-02-28 2025-03-31; do
	run 0 "import month$m.csv received $received" -- register import "$S" "$HAVEN_FIXTURES/register/month$m.csv" \
		--received "$received"
	m=$((m + 1))
done
check "three snapshots held" test "$(q "SELECT group_concat(received, ' ') FROM snapshot")" = \
	"2025-01-31 2025-02-28 2025-03-31"
run 0 "add analyst ana (regulation)" -- user add "$S" --name ana --authority HMCI --role analyst \
	--default-purpose regulation
run 0 "add senior sam with --key-file" -- user add "$S" --name sam --authority HMCI --role senior \
	--key-file "$T/sam.key" --default-purpose regulation
check "sam's secret key written 0600" test "$(stat -c %a "$T/sam.key")" = 600

# ---- 2: exceptional use through the CLI.
USE="review of homes named in a press enquiry"
T0=$(date -u +%s)
run 0 "sam authorises ana's exceptional use" -- authorise "$S" --as sam --key "$T/sam.key" --for ana \
	--use "$USE" --reason "press enquiry about a closed home"
ID=$(cat "$T/out")
check "authorise printed an id ('$ID')" grep -qE '^[0-9]+$' <<<"$ID"
run 0 "ana: register changes under the authorisation" -- register changes "$S" --csv --as ana \
	--purpose "$USE" --reason "checking the closure dates" --authorisation "$ID"
check "the listing is marked OFFICIAL-SENSITIVE" grep -q "protective_marking" "$T/out"
T1=$(date -u +%s)
check "its audit entry names the use, reason and authoriser" test \
	"$(q "SELECT user_name, purpose, justification, authoriser FROM audit ORDER BY seq DESC LIMIT 1")" = \
	"ana|$USE|checking the closure dates|sam"
# Audit entries are stamped from the system clock, whatever HAVEN_NOW says.
X_AT=$(q "SELECT at FROM audit WHERE authoriser = 'sam'")
check "... stamped from the system clock, not HAVEN_NOW" test "$X_AT" -ge "$T0" -a "$X_AT" -le "$T1"
check "the authorisation is used up" test "$(q "SELECT used_at FROM authorisation WHERE id = $ID")" = \
	"2025-04-15T09:00:00Z"
refused 30 "the same authorisation again" "was already used" -- register changes "$S" --csv --as ana \
	--purpose "$USE" --reason "checking the closure dates" --authorisation "$ID"
refused 30 "an unregistered purpose without authorisation" "needs a senior's authorisation" -- \
	register changes "$S" --csv --as ana --purpose "press briefing" --reason "asked by the press office"
run 0 "ana under her registered purpose needs no authorisation" -- register summary "$S" --by la --csv --as ana

# ---- 3: the transparency report, over the month of the exceptional use
# (M3, the system clock's) and the three before.
read -r FROM TO M0 M1 M2 M3 <<<"$(months "$X_AT")"
run 0 "audit keygen" -- audit keygen "$T/cp.key"
run 0 "audit checkpoint" -- audit checkpoint "$S" --key "$T/cp.key" --out "$T/cp1.txt"
run 0 "transparency report --csv ($FROM to $TO)" -- transparency report "$S" --from "$FROM" --to "$TO" --csv
cp "$T/out" "$T/report.csv"
check "one row per month $M0 to $M3, all HMCI" test \
	"$(csv_col "$T/report.csv" month | tr '\n' ' ')|$(csv_col "$T/report.csv" authority_code | sort -u)" = \
	"$M0 $M1 $M2 $M3 |HMCI"
check "1 exceptional use in $M3" test "$(csv_col "$T/report.csv" exceptional_uses month "$M3")" = 1
check "0 exceptional uses in the three months before" test \
	"$(csv_col "$T/report.csv" exceptional_uses | head -3 | tr '\n' ' ')" = "0 0 0 "
check "operations in $M3 = every audit entry of $M3" test \
	"$(csv_col "$T/report.csv" operations month "$M3")" = \
	"$(q "SELECT count(*) FROM audit WHERE strftime('%Y-%m', at, 'unixepoch') = '$M3'")"
check "the CSV names no user" bash -c '! grep -qwE "ana|sam|admin" "$1"' _ "$T/report.csv"
check "the CSV names no home" bash -c '! grep -qE "SC[0-9]" "$1"' _ "$T/report.csv"
check "the CSV does not repeat the use" bash -c '! grep -qF "$2" "$1"' _ "$T/report.csv" "$USE"
run 0 "transparency report --json" -- transparency report "$S" --from "$FROM" --to "$TO" --json
check "the JSON parses and agrees" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
got = [(r["month"], r["authority_code"], r["exceptional_uses"]) for r in rows]
sys.exit(got != [(m, "HMCI", int(m == sys.argv[5])) for m in sys.argv[2:]])
' "$T/out" "$M0" "$M1" "$M2" "$M3"
check "the JSON names no user and no home" bash -c '! grep -qwE "ana|sam|admin|SC[0-9]+" "$1"' _ "$T/out"
run 0 "the report with a kept checkpoint" -- transparency report "$S" --from "$FROM" --to "$TO" --csv \
	--checkpoint "$T/cp1.txt"
check "... gives the same counts" cmp -s "$T/out" "$T/report.csv"
run 2 "--to before --from" -- transparency report "$S" --from 2025-04-30 --to 2025-01-01 --csv
run 2 "--from not a date (2025-02-30)" -- transparency report "$S" --from 2025-02-30 --to 2025-04-30 --csv
run 2 "--to missing" -- transparency report "$S" --from 2025-01-01 --csv

# Rewrite history on a copy: hide the exceptional use by clearing its authoriser.
cp "$S" "$T/tampered.db"
SEQ_X=$(q "SELECT seq FROM audit WHERE authoriser = 'sam'")
sqlite3 "$T/tampered.db" "DROP TRIGGER audit_no_update; UPDATE audit SET authoriser = NULL WHERE seq = $SEQ_X;"
run 31 "the report refuses a tampered log" -- transparency report "$T/tampered.db" --from 2025-01-01 \
	--to 2025-04-30 --csv
check "... names the entry and field" grep -qF "entry $SEQ_X: field 'authoriser'" "$T/err"
check "... and writes no report" test ! -s "$T/out"
run 31 "audit verify on the tampered log" -- audit verify "$T/tampered.db"
# Truncate a copy: the shorter log verifies by itself, only the checkpoint shows it.
cp "$S" "$T/truncated.db"
sqlite3 "$T/truncated.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);"
run 31 "the report against the checkpoint refuses a truncated log" -- transparency report "$T/truncated.db" \
	--from 2025-01-01 --to 2025-04-30 --csv --checkpoint "$T/cp1.txt"
check "... saying it was truncated" grep -qF "truncated" "$T/err"
awk 'NR == 2 { $0 = $0 + 1 } 1' "$T/cp1.txt" >"$T/cp-forged.txt"
run 31 "the report refuses a checkpoint with its size altered" -- transparency report "$S" --from 2025-01-01 --to 2025-04-30 \
	--checkpoint "$T/cp-forged.txt"

# ---- 4: complaints.
"$H" audit export "$S" --format json >"$T/audit.json"
SEQ=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(next(e["seq"] for e in d["entries"] if e["authoriser"] == "sam"))' "$T/audit.json")
NEXT=999999 # no such audit entry
check "the export holds the exceptional use (seq $SEQ)" test "$SEQ" = "$SEQ_X"
run 0 "complaint from a home" -- complaint add "$S" --about home --urn SC100001 \
	--summary "reviewed twice after a press enquiry" --audit "$SEQ"
check "... recorded as complaint 1" grep -qF "complaint 1 recorded (open)" "$T/out"
run 0 "complaint from a child through an advocate" -- complaint add "$S" --about child \
	--advocate "Advocacy Service North" --summary "felt singled out" --audit "0,$SEQ" --received 2025-04-10
refused 21 "a child's complaint without an advocate" "through an advocate" -- complaint add "$S" --about child \
	--summary "felt singled out"
refused 26 "a complaint about an unknown URN" "no home with URN SC999999" -- complaint add "$S" --about home \
	--urn SC999999 --summary "x"
refused 26 "a complaint naming an unknown audit entry" "no audit entry $NEXT" -- complaint add "$S" --about home \
	--urn SC100001 --summary "x" --audit "$SEQ,$NEXT"
refused 23 "a complaint received in the future" "not a date on or before today" -- complaint add "$S" \
	--about home --urn SC100001 --summary "x" --received 2025-04-16
refused 21 "upheld without an outcome" "needs its outcome" -- complaint update "$S" 1 --status upheld
refused 26 "update linking an unknown audit entry" "no audit entry $NEXT" -- complaint update "$S" 1 \
	--status investigating --audit "$NEXT"
refused 26 "update of an unknown complaint" "no complaint 99" -- complaint update "$S" 99 --status withdrawn
run 0 "upheld with an outcome" -- complaint update "$S" 1 --status upheld --outcome "second review withdrawn"
run 0 "complaint list --csv" -- complaint list "$S" --csv
cp "$T/out" "$T/complaints.csv"
check "complaint 1: upheld, its outcome and audit entry" test \
	"$(csv_col "$T/complaints.csv" status id 1)|$(csv_col "$T/complaints.csv" outcome id 1)|$(csv_col "$T/complaints.csv" audit_entries id 1)" = \
	"upheld|second review withdrawn|$SEQ"
check "complaint 2: open, the advocate, entries 0 and $SEQ" test \
	"$(csv_col "$T/complaints.csv" status id 2)|$(csv_col "$T/complaints.csv" advocate id 2)|$(csv_col "$T/complaints.csv" audit_entries id 2)" = \
	"open|Advocacy Service North|0 $SEQ"
check "every row is marked OFFICIAL-SENSITIVE" test "$(csv_col "$T/complaints.csv" protective_marking | sort | uniq -c |
	awk '{print $1, $2}')" = "2 OFFICIAL-SENSITIVE"
run 0 "complaint list --status open --csv" -- complaint list "$S" --status open --csv
check "... lists only complaint 2" test "$(csv_col "$T/out" id | tr '\n' ' ')" = "2 "
run 2 "complaint list --status bogus" -- complaint list "$S" --status bogus
check "recording and updating complaints is in the audit log" test \
	"$(q "SELECT count(*) FROM audit WHERE object LIKE 'complaint % about a %' OR object LIKE 'complaint % moved to %'")" = 3
# A complaint recorded under an exceptional-use authorisation uses it up, like any other operation.
run 0 "sam authorises complaint handling" -- authorise "$S" --as sam --key "$T/sam.key" --for ana \
	--use "complaint handling" --reason "complaints officer absent"
CID=$(cat "$T/out")
run 0 "a complaint under that authorisation" -- complaint add "$S" --about home --urn SC100002 --summary "s" \
	--as ana --purpose "complaint handling" --reason "complaints officer absent" --authorisation "$CID"
refused 30 "a second complaint under the same authorisation" "was already used" -- complaint add "$S" --about home \
	--urn SC100002 --summary "s2" --as ana --purpose "complaint handling" --reason "absent" --authorisation "$CID"

# ---- 5: erasure.
CURRENT=$(q "SELECT count(*) FROM home_version WHERE valid_to IS NULL")
LATER=$(q "SELECT count(*) FROM home_version WHERE valid_to >= '2025-03-01'")
WANT_V=$(q "SELECT count(*) FROM home_version WHERE valid_to < '2025-03-01'")
WANT_C=$(q "SELECT count(*) FROM register_change WHERE snapshot_id IN
  (SELECT id FROM snapshot WHERE received < '2025-03-01')")
check "there are expired versions ($WANT_V) and changes ($WANT_C) to erase" test "$WANT_V" -gt 0 -a "$WANT_C" -gt 0
refused 30 "erase as an analyst" "needs the role senior or admin" -- erase "$S" --before 2025-03-01 --as ana
refused 23 "erase --before after today (2026-01-01)" "not after today" -- erase "$S" --before 2026-01-01
refused 23 "erase --before tomorrow (2025-04-16)" "not after today" -- erase "$S" --before 2025-04-16
refused 23 "erase --before not a date" "not after today" -- erase "$S" --before 2025-02-30
run 0 "erase --before 2025-03-01 as admin" -- erase "$S" --before 2025-03-01
check "... prints the counts" grep -qF \
	"$WANT_V home versions, $WANT_C change records, 0 enforcement actions" "$T/out"
check "current homes unchanged ($CURRENT)" test "$(q "SELECT count(*) FROM home_version WHERE valid_to IS NULL")" = \
	"$CURRENT"
check "versions ending on or after 2025-03-01 kept ($LATER)" test \
	"$(q "SELECT count(*) FROM home_version WHERE valid_to >= '2025-03-01'")" = "$LATER"
check "no version with valid_to < 2025-03-01 remains" test \
	"$(q "SELECT count(*) FROM home_version WHERE valid_to < '2025-03-01'")" = 0
check "no change record of Jan or Feb remains" test "$(q "SELECT count(*) FROM register_change WHERE snapshot_id IN
  (SELECT id FROM snapshot WHERE received < '2025-03-01')")" = 0
check "exactly one erasure audit entry" test "$(q "SELECT count(*) FROM audit WHERE operation = 'erasure'")" = 1
OBJ=$(q "SELECT object FROM audit WHERE operation = 'erasure'")
check "its object names no URN ('$OBJ')" bash -c '! grep -qE "SC[0-9]" <<<"$1"' _ "$OBJ"
check "its rows are the total erased" test "$(q "SELECT row_count || '|' || user_name || '|' ||
  coalesce(recipients, '') FROM audit WHERE operation = 'erasure'")" = "$((WANT_V + WANT_C))|admin|"
run 0 "audit verify after erasure" -- audit verify "$S"
run 0 "audit verify --checkpoint after erasure" -- audit verify "$S" --checkpoint "$T/cp1.txt"
read -r FROM TO M0 M1 M2 M3 <<<"$(months "$(q "SELECT max(at) FROM audit")")"
run 0 "the report counts both exceptional uses (a listing, a complaint)" -- transparency report "$S" \
	--from "$FROM" --to "$TO" --csv
check "... in the months they happened" test "$(csv_col "$T/out" exceptional_uses | awk '{ s += $1 } END { print s }')" = 2

echo "$((n - fails)) passed, $fails failed"
[[ $fails == 0 ]]
