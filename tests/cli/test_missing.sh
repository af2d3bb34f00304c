#!/usr/bin/env bash
# test_missing.sh - children missing from care end to end (docs/missing.md):
# 'haven key init', 'haven missing import' of the police and LA fixtures
# (tests/fixtures/missing/) into an HMCI store holding the register
# fixtures, and 'haven missing linkage'.  Numbered cases:
#   1  key init: 0600, 32 bytes, never overwritten, a fingerprint
#   2  refused before anything is read: a missing key file, a key others may
#      read, a symbolic link, a key of another kind, bad options
#   3  the police file, then the LA file: pseudonyms, points, the audit entry
#   4  a key with another fingerprint is refused
#   5  every bad row names FILE: row N, the store unchanged (digest)
#   6  re-importing a file (and its gzip) is a no-op
#   7  a corrected report supersedes the current version, kept as history
#   8  --skip-invalid: the rest imported, a marked 0600 reject file
#   9  linkage: both, police only, LA only, a conflict, the tolerance edge
#  10  the LA of the home on the day, from the register's history
#  11  'missing linkage': counts by placing LA (DfE's definition), the home's
#      LA, England; by month, quarter, year and financial year; audited; DfE
#      under disclosure control
#  12  no raw child identifier in any page of the store or its -wal, the
#      audit log, any output or reject file or message (and the search finds
#      one planted)
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_FIXTURES:?run through ctest}"
H=$HAVEN_BIN
F=$HAVEN_FIXTURES/missing
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
umask 022 # the key and reject files must be 0600 whatever the umask lets through
S=$T/store.db
RAW=(RAWKID-ALPHA-01 RAWKID-BRAVO-02 RAWKID-CHARLIE-03 RAWKID-DELTA-04 RAWKID-ECHO-05 RAWKID-FOXTROT-06
	RAWKID-GOLF-07)
OUTS=() # every file haven wrote, for case 12
import() { "$H" missing import "$S" "$@"; }
HEADER=source_ref,child_id,urn,missing_from,returned_at,last_seen_easting,last_seen_northing,last_seen_lon,last_seen_lat,last_seen_postcode,risk,ri_date
GOOD="X-1,RAWKID-FOXTROT-06,SC100005,2025-03-02 10:00,2025-03-02 11:00,,,,,,,"
# badfile NAME ROW: a police file with a good row 2 and ROW as row 3.
badfile() {
	printf '%s\n%s\n%s\n' "$HEADER" "$GOOD" "$2" >"$T/$1.csv"
}

# The store: HMCI's register fixtures (three months), the postcode sample.
"$H" -q init "$S" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)" >/dev/null
fixture_las "$S"
received=(x 2025-01-31 2025-02-28 2025-03-31)
for m in 1 2 3; do
	"$H" -q register import "$S" "$HAVEN_FIXTURES/register/month$m.csv" --received "${received[$m]}" >/dev/null 2>&1
done
"$H" -q gazetteer load "$S" "$HAVEN_FIXTURES/gazetteer/onspd_sample.csv" >/dev/null

# ---- 1: key init ----------------------------------------------------------------
K=$T/missing.key
expect_exit 0 "$H" key init "$K"
same "1.1 key file mode" 600 "$(stat -c %a "$K")"
same "1.2 key file tag" haven-hmac-sha256-key-v1 "$(head -1 "$K")"
same "1.3 32 random bytes" 32 "$(sed -n 2p "$K" | base64 -d | wc -c)"
FP=$(sed -n 's/^fingerprint: //p' "$T/out")
[[ $FP =~ ^[0-9a-f]{64}$ ]] || fail "1.4 fingerprint '$FP'"
ok "1.4 fingerprint printed"
cp "$K" "$T/key.before"
expect_exit 3 "$H" key init "$K"
expect_err "exists; a key is never overwritten"
cmp -s "$K" "$T/key.before" || fail "1.5 key overwritten"
ok "1.5 an existing key is never overwritten"
"$H" key init "$T/other.key" >/dev/null
[ "$(sed -n 2p "$T/other.key")" != "$(sed -n 2p "$K")" ] || fail "1.6 two keys alike"
ok "1.6 each key is new"

# ---- 2: refused before anything is read -------------------------------------------
refused 3 "$T/nokey: cannot open key file" import "$F/police.csv" --source police --key "$T/nokey"
ok "2.1 a missing key file"
cp "$K" "$T/loose.key" && chmod 644 "$T/loose.key"
refused 30 "lets group or others read it" import "$F/police.csv" --source police --key "$T/loose.key"
ok "2.2 a key others may read"
ln -s "$K" "$T/link.key"
refused 30 "symbolic link" import "$F/police.csv" --source police --key "$T/link.key"
ok "2.3 a key through a symbolic link"
"$H" audit keygen "$T/ed.key" >/dev/null
refused 20 "not a haven key file" import "$F/police.csv" --source police --key "$T/ed.key"
ok "2.4 a signing key is not a pseudonymisation key"
refused 2 "" import "$F/police.csv" --source ambulance --key "$K"
refused 2 "" import "$F/police.csv" --source police --key "$K" --skip-invalid
refused 2 "" import "$F/police.csv" --source police --key "$K" --tolerance -1
ok "2.5 bad options"
same "2.6 nothing recorded" 0 "$(q "SELECT count(*) FROM missing_key")"

# ---- 3: the police file, then the LA file ------------------------------------------
# An import alone with the store writes through a rollback journal (on a
# copy of it here), and leaves it in WAL mode; with a reader in a
# transaction it keeps the store's -wal.
sqlite3 "$S" ".backup '$T/alone.db'" && chmod 600 "$T/alone.db"
"$H" -q missing import "$T/alone.db" "$F/police.csv" --source police --key "$K" >/dev/null
same "3.0 an import alone with the store: WAL mode again after it, nothing of it in a -wal" "wal 0 5" \
	"$(sqlite3 "$T/alone.db" "PRAGMA journal_mode") $([ -s "$T/alone.db-wal" ] && echo 1 || echo 0) $(sqlite3 "$T/alone.db" "SELECT count(*) FROM missing_report")"
# From here on a reader holds the store open in a read transaction, so that
# the imports write through the -wal and it stays on disk with the pages
# they wrote (searched in case 12).
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("BEGIN")
c.execute("SELECT count(*) FROM meta").fetchall(); time.sleep(600)' "$S" &
HOLDER=$!
sleep 0.5
trap 'kill $HOLDER 2>/dev/null || true; rm -rf "$T"' EXIT
expect_exit 0 import "$F/police.csv" --source police --key "$K"
expect_out "5 rows: 5 added, 0 superseded, 0 unchanged"
expect_out "5 episodes: 0 with both reports"
expect_exit 0 import "$F/la.csv" --source la --key "$K"
expect_out "5 rows: 5 added, 0 superseded, 0 unchanged"
expect_out "7 episodes: 3 with both reports, 2 of them with a conflict"
ok "3.1 both files imported"
same "3.2 the key's fingerprint recorded" "$FP" "$(q "SELECT fingerprint FROM missing_key")"
same "3.3 pseudonyms are 32 bytes, one row per child" "10 32" \
	"$(q "SELECT count(*) || ' ' || (SELECT min(length(pseudonym)) FROM missing_child) FROM missing_report r JOIN missing_child c ON c.id = r.child")"
ALPHA=$(printf %s RAWKID-ALPHA-01 | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(sed -n 2p "$K" | base64 -d | xxd -p -c 64)" | sed 's/.*= //')
same "3.4 the pseudonym is HMAC-SHA-256(key, id), the same in both sources" "police 2,la 1" \
	"$(q "SELECT group_concat(source || ' ' || n) FROM (SELECT source, count(*) n FROM missing_report r JOIN missing_child c ON c.id = r.child WHERE lower(hex(c.pseudonym)) = '$ALPHA' GROUP BY source ORDER BY source DESC)")"
same "3.5 a postcode through the gazetteer" "384756.0 398554.0" \
	"$(q "SELECT last_seen_x || ' ' || last_seen_y FROM missing_report WHERE source_ref = 'GMP-001'")"
lonlat=$(q "SELECT round(last_seen_x) || ' ' || round(last_seen_y) FROM missing_report WHERE source_ref = 'GMP-005'")
python3 - "$lonlat" <<'PY' || fail "3.6 lon/lat through PROJ: $lonlat"
import sys
e, n = map(float, sys.argv[1].split())
assert abs(e - 384760) < 50 and abs(n - 398550) < 50, (e, n)
PY
ok "3.6 lon/lat to EPSG:27700 through PROJ ($lonlat)"
same "3.7 a DfE LA number and an LA name become codes" "E06000023 E08000003" \
	"$(q "SELECT group_concat(placing_la, ' ') FROM (SELECT placing_la FROM missing_report WHERE source_ref IN ('ASP-002', 'MCR/1') ORDER BY 1)")"
same "3.8 one audit entry per import" "2" \
	"$(q "SELECT count(*) FROM audit WHERE operation = 'collection' AND object LIKE 'missing reports from a % file %'")"
same "3.9 the loads" "police|police.csv|5|5|0|0|0 la|la.csv|5|5|0|0|0" \
	"$(q "SELECT group_concat(source || '|' || file || '|' || rows_read || '|' || added || '|' || superseded || '|' || unchanged || '|' || rejected, ' ') FROM missing_load")"

# ---- 4: a key with another fingerprint ------------------------------------------------
refused 31 "its pseudonyms would not match" import "$F/police.csv" --source police --key "$T/other.key"
ok "4.1 another key is refused"

# ---- 5: bad rows ---------------------------------------------------------------------
# case name, status, message, row 3
while IFS='|' read -r name code msg row; do
	badfile "$name" "$row"
	refused "$code" "$T/$name.csv: row 3: $msg" import "$T/$name.csv" --source police --key "$K"
	ok "5 $name"
done <<'CASES'
unknown_home|26|urn 'SC999999' is not a home in the register|X-2,RAWKID-GOLF-07,SC999999,2025-03-02 10:00,,,,,,,,
return_before_start|23|returned_at 2025-03-02T09:00:00 is before missing_from 2025-03-02T10:00:00|X-2,RAWKID-GOLF-07,SC100005,2025-03-02 10:00,2025-03-02 09:00,,,,,,,
impossible_date|23|missing_from '2025-02-30 10:00' is not a real date and time|X-2,RAWKID-GOLF-07,SC100005,2025-02-30 10:00,,,,,,,,
impossible_time|23|returned_at '2025-03-02 24:10' is not a real date and time|X-2,RAWKID-GOLF-07,SC100005,2025-03-02 10:00,2025-03-02 24:10,,,,,,,
future_start|23|missing_from 2025-04-16T09:00:00 is in the future|X-2,RAWKID-GOLF-07,SC100005,2025-04-16 09:00,,,,,,,,
future_interview|23|ri_date 2025-04-20 is in the future|X-2,RAWKID-GOLF-07,SC100005,2025-03-02 10:00,,,,,,,,2025-04-20
interview_before|23|ri_date 2025-03-01 is before missing_from|X-2,RAWKID-GOLF-07,SC100005,2025-03-02 10:00,,,,,,,,2025-03-01
outside_gb_en|24|last_seen at E 800000, N 200000 is outside Great Britain|X-2,RAWKID-GOLF-07,SC100005,2025-03-02 10:00,,800000,200000,,,,,
outside_gb_lonlat|24|last_seen at lon 2.35000, lat 48.85000 is outside Great Britain|X-2,RAWKID-GOLF-07,SC100005,2025-03-02 10:00,,,,2.35,48.85,,,
two_forms|23|last_seen is given in more than one form|X-2,RAWKID-GOLF-07,SC100005,2025-03-02 10:00,,384000,398000,,,M1 1AE,,
unknown_postcode|23|last_seen_postcode ZZ9 9ZZ is not in the gazetteer|X-2,RAWKID-GOLF-07,SC100005,2025-03-02 10:00,,,,,,ZZ9 9ZZ,,
bad_risk|23|risk 'severe' is not one of|X-2,RAWKID-GOLF-07,SC100005,2025-03-02 10:00,,,,,,,severe,
empty_child|21|child_id is empty|X-2,,SC100005,2025-03-02 10:00,,,,,,,,
duplicate_ref|22|source_ref 'X-1' is also at row 2|X-1,RAWKID-GOLF-07,SC100005,2025-03-03 10:00,,,,,,,,
unterminated_quote|20||X-2,"RAWKID-GOLF-07,SC100005,2025-03-02 10:00,,,,,,,,
CASES
printf 'source_ref,urn,missing_from\nX-1,SC100005,2025-03-02 10:00\n' >"$T/no_child.csv"
refused 21 "$T/no_child.csv: row 1: no column 'child_id'" import "$T/no_child.csv" --source police --key "$K"
ok "5 a required column missing"
printf '%s\n' "$HEADER" >"$T/empty.csv"
refused 21 "holds no reports" import "$T/empty.csv" --source police --key "$K"
ok "5 a file with no reports"

# ---- 6: re-importing is a no-op --------------------------------------------------------
before=$(dump "$S")
expect_exit 0 import "$F/police.csv" --source police --key "$K"
expect_out "no report changed (5 rows, 5 unchanged); nothing written"
gzip -c "$F/police.csv" >"$T/police.csv.gz"
expect_exit 0 import "$T/police.csv.gz" --source police --key "$K"
expect_out "no report changed (5 rows, 5 unchanged)"
[ "$(dump "$S")" = "$before" ] || fail "6 a re-import changed the store"
ok "6.1 the same file again, and gzipped, is a no-op"
if ogr2ogr -f XLSX "$T/police.xlsx" "$F/police.csv" -oo AUTODETECT_TYPE=NO 2>/dev/null; then
	expect_exit 0 import "$T/police.xlsx" --source police --key "$K"
	expect_out "no report changed (5 rows, 5 unchanged)"
	[ "$(dump "$S")" = "$before" ] || fail "6 the XLSX changed the store"
	ok "6.2 the same reports as XLSX: a no-op"
fi

# ---- 7: a corrected report supersedes, the old version kept ----------------------------
sed 's/^GMP-001,\(.*\),2025-03-02 03:00,/GMP-001,\1,2025-03-02 04:30,/' "$F/police.csv" >"$T/police_v2.csv"
grep -q "2025-03-02 04:30" "$T/police_v2.csv" || fail "7 fixture edit"
expect_exit 0 import "$T/police_v2.csv" --source police --key "$K"
expect_out "5 rows: 0 added, 1 superseded, 4 unchanged"
same "7.1 two versions of GMP-001" 2 "$(q "SELECT count(*) FROM missing_report WHERE source_ref = 'GMP-001'")"
same "7.2 the old one points to the new, with when" "2025-03-02 03:00:00|1" \
	"$(q "SELECT datetime(o.returned_at, 'unixepoch') || '|' || (o.superseded_at IS NOT NULL) FROM missing_report o JOIN missing_report n ON o.superseded_by = n.id WHERE o.source_ref = 'GMP-001' AND n.superseded_by IS NULL AND n.returned_at = strftime('%s', '2025-03-02T04:30:00')")"
same "7.3 the episode reads the current version (a conflict now)" "2025-03-02 04:30:00|returned_at" \
	"$(q "SELECT datetime(e.returned_at, 'unixepoch') || '|' || e.conflict FROM missing_episode e JOIN missing_report r ON r.id = e.police_report WHERE r.source_ref = 'GMP-001'")"
same "7.4 the load recorded" "1|4" "$(q "SELECT superseded || '|' || unchanged FROM missing_load ORDER BY id DESC LIMIT 1")"
expect_exit 0 import "$T/police_v2.csv" --source police --key "$K"
expect_out "no report changed"
ok "7.5 the corrected file again is a no-op"

# ---- 8: --skip-invalid ---------------------------------------------------------------------
printf '%s\n%s\n%s\n%s\n%s\n' "$HEADER" "$GOOD" \
	"X-2,RAWKID-GOLF-07,SC999999,2025-03-02 10:00,,,,,,,," \
	"X-3,RAWKID-GOLF-07,SC100005,2025-03-04 10:00,2025-03-04 09:00,,,,,,," \
	"X-1,RAWKID-GOLF-07,SC100005,2025-03-05 10:00,,,,,,,," >"$T/mixed.csv"
R=$T/rejects.csv
expect_exit 0 import "$T/mixed.csv" --source police --key "$K" --skip-invalid --rejects "$R"
expect_out "4 rows: 1 added, 0 superseded, 0 unchanged"
expect_out "3 rows rejected, written with the reasons to $R"
OUTS+=("$R")
same "8.1 reject file mode" 600 "$(stat -c %a "$R")"
same "8.2 reject file rows" 4 "$(wc -l <"$R")"
python3 - "$R" <<'PY' || fail "8.3 reject file contents"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [r["row"] for r in rows] == ["3", "4", "5"], rows
assert "is not a home in the register" in rows[0]["reason"]
assert "is before missing_from" in rows[1]["reason"]
assert "also at row 2" in rows[2]["reason"]
assert all(r["protective_marking"] == "OFFICIAL-SENSITIVE" for r in rows)
assert all(re.fullmatch("[0-9a-f]{64}", r["child_pseudonym"]) for r in rows), rows
assert "child_id" not in rows[0]
assert rows[0]["urn"] == "SC999999" and rows[1]["missing_from"] == "2025-03-04 10:00"
PY
ok "8.3 the raw rows, a reason each, the marking; the child as its pseudonym"
refused 3 "exists; a reject file is never overwritten" import "$T/mixed.csv" --source police --key "$K" \
	--skip-invalid --rejects "$R"
ok "8.4 an existing reject file is kept, and the import refused"

# ---- 9: linkage ------------------------------------------------------------------------------
# ep REF: the episode of police report REF (or LA report REF): police|la|conflict.
ep() {
	q "SELECT coalesce(p.source_ref, '-') || '|' || coalesce(l.source_ref, '-') || '|' || coalesce(e.conflict, '')
	   FROM missing_episode e LEFT JOIN missing_report p ON p.id = e.police_report
	   LEFT JOIN missing_report l ON l.id = e.la_report WHERE p.source_ref = '$1' OR l.source_ref = '$1'"
}
same "9.1 both: 30 minutes apart" "GMP-001|MCR/1|returned_at" "$(ep GMP-001)"
same "9.2 a conflict: return times and risk" "ASP-002|BRS/2|returned_at,risk" "$(ep ASP-002)"
same "9.3 police only" "GMP-005|-|" "$(ep GMP-005)"
same "9.4 LA only" "-|BCP/6|" "$(ep BCP/6)"
same "9.5 24 hours apart exactly: one episode" "DUR-004|DUR/4|returned_at" "$(ep DUR-004)"
same "9.6 24 hours and a second apart: two" "DUR-003|-| -|DUR/3|" "$(ep DUR-003) $(ep DUR/3)"
same "9.7 the merged episode: the police point, the LA's interview, the higher risk, either concern" \
	"1|1|high|1|2025-03-15" \
	"$(q "SELECT (e.last_seen_x IS NULL) || '|' || e.ri_held || '|' || e.risk || '|' || e.cce || '|' || e.ri_date FROM missing_episode e JOIN missing_report p ON p.id = e.police_report WHERE p.source_ref = 'DUR-004'")"
same "9.8 the LA report's found point" "408000.0 91000.0" \
	"$(q "SELECT e.found_x || ' ' || e.found_y FROM missing_episode e JOIN missing_report l ON l.id = e.la_report WHERE l.source_ref = 'BCP/6'")"
same "9.9 durations in hours" "6.5" "$(q "SELECT (e.returned_at - e.missing_from) / 3600.0 FROM missing_episode e JOIN missing_report p ON p.id = e.police_report WHERE p.source_ref = 'DUR-003'")"
# A tolerance just under 24 hours splits DUR-004 from DUR/4.
expect_exit 0 import "$F/la.csv" --source la --key "$K" --tolerance 23.99
expect_out "9 episodes: 2 with both reports"
same "9.10 --tolerance 23.99 splits them" "DUR-004|-|" "$(ep DUR-004)"
expect_exit 0 import "$F/la.csv" --source la --key "$K" --tolerance 24
expect_out "8 episodes: 3 with both reports"
ok "9.11 and 24 joins them again"

# ---- 10: the home's LA on the day ------------------------------------------------------------
sed 's/^Rowan House,SC100008\(.*\),Leeds,/Rowan House,SC100008\1,Salford,/; s/^\([^,]*,SC100008,.*\),Leeds,/\1,Salford,/' \
	"$HAVEN_FIXTURES/register/month3.csv" >"$T/month4.csv"
grep -q "SC100008.*Salford" "$T/month4.csv" || fail "10 fixture edit"
"$H" -q register import "$S" "$T/month4.csv" --received 2025-04-10 >/dev/null 2>&1
printf 'source_ref,child_id,urn,missing_from\nL-1,RAWKID-GOLF-07,SC100008,2025-03-20 10:00\nL-2,RAWKID-GOLF-07,SC100008,2025-04-12 10:00\n' \
	>"$T/moved.csv"
expect_exit 0 import "$T/moved.csv" --source police --key "$K"
same "10.1 Leeds before the move, Salford after" "E08000035 E08000006" \
	"$(q "SELECT group_concat(host_la, ' ') FROM (SELECT host_la FROM missing_episode WHERE urn = 'SC100008' ORDER BY missing_from)")"

# ---- 11: missing linkage ----------------------------------------------------------------------
# The trends engine's periods, areas and scope.  --area la is the placing LA (DfE's definition):
# DUR-003, reported by the police without a placing LA, counts as 'unknown', not Durham's.
L=$T/linkage.csv
"$H" missing linkage "$S" --format csv >"$L"
OUTS+=("$L")
same "11.1 Durham's March by placing LA (the default)" \
	"2025-03,2025-03-01,la,E06000047,County Durham,2,0,1,1,1,OFFICIAL-SENSITIVE" \
	"$(grep '^2025-03,2025-03-01,la,E06000047' "$L" | tr -d '\r')"
same "11.2 Bristol's conflict" "2025-03,2025-03-01,la,E06000023,\"Bristol, City of\",1,0,0,1,1,OFFICIAL-SENSITIVE" \
	"$(grep '^2025-03,2025-03-01,la,E06000023' "$L" | tr -d '\r')"
same "11.3 police reports without a placing LA" \
	"2025-03,2025-03-01,la,unknown,placing authority not recorded,3,3,0,0,0,OFFICIAL-SENSITIVE" \
	"$(grep '^2025-03,2025-03-01,la,unknown' "$L" | tr -d '\r')"
"$H" missing linkage "$S" --by year --area england --json >"$T/linkage.json"
OUTS+=("$T/linkage.json")
same "11.4 England's year" "2025 E92000001 England 10 5 2 3 3" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["rows"]
print(" ".join(str(r[0][k]) for k in ("period", "area_code", "area_name", "episodes", "police_only", "la_only", "both", "conflicts")))' "$T/linkage.json")"
"$H" missing linkage "$S" --by quarter >"$T/linkage.txt"
OUTS+=("$T/linkage.txt")
grep -q "^2025-Q1 " "$T/linkage.txt" || fail "11.5 quarters: $(cat "$T/linkage.txt")"
ok "11.5 by quarter"
expect_exit 2 "$H" missing linkage "$S" --by week
expect_exit 2 "$H" missing linkage "$S" --area home
expect_exit 2 "$H" missing linkage "$S" --area shire
ok "11.6 unknown periods and areas; no table by home"
"$H" missing linkage "$S" --area host-la --csv >"$T/host.csv"
OUTS+=("$T/host.csv")
same "11.7 host-la: Durham's March by the home's LA, DUR-003 included" \
	"2025-03,2025-03-01,la,E06000047,County Durham,3,1,1,1,1,OFFICIAL-SENSITIVE" \
	"$(grep '^2025-03,2025-03-01,la,E06000047' "$T/host.csv" | tr -d '\r')"
"$H" missing linkage "$S" --by fy --area england --csv >"$T/fy.csv"
OUTS+=("$T/fy.csv")
same "11.8 fy: financial years as DfE labels them" \
	"2024-25,2024-04-01,england,E92000001,England,9,4,2,3,3 2025-26,2025-04-01,england,E92000001,England,1,1,0,0,0" \
	"$(sed 1d "$T/fy.csv" | cut -d, -f1-10 | tr -d '\r' | tr '\n' ' ' | sed 's/ $//')"
"$H" missing linkage "$S" --by fy --area england --from 2025-04-01 --to 2025-04-15 --csv >"$T/fy2.csv"
OUTS+=("$T/fy2.csv")
same "11.9 --from, --to" "2025-26,2025-04-01,england,E92000001,England,1,1,0,0,0" \
	"$(sed 1d "$T/fy2.csv" | cut -d, -f1-10 | tr -d '\r')"
same "11.10 each listing audited" \
	"missing-episode linkage by la and month|missing-episode linkage by england and year|missing-episode linkage by la and quarter|missing-episode linkage by host-la and month|missing-episode linkage by england and fy|missing-episode linkage by england and fy" \
	"$(q "SELECT group_concat(object, '|') FROM (SELECT object FROM audit WHERE object LIKE 'missing-episode linkage%' ORDER BY seq)")"
# A DfE analyst sees the counts under disclosure control: small counts become c.
"$H" -q authority add "$S" --kind dfe --code DFE --name "Department for Education" >/dev/null
"$H" -q user add "$S" --name dee --authority DFE --role analyst --default-purpose policy >/dev/null
"$H" missing linkage "$S" --area england --by fy --csv --as dee >"$T/dfe.csv"
OUTS+=("$T/dfe.csv")
# England's financial year is controlled with the LAs of the home that --area
# host-la publishes and with England's quarters and months (all withheld
# here): its 10 episodes are 5 police-only, 2 LA-only and 3 linked, each 1
# to 5, so all three are suppressed (and the conflicts with them) beside
# the episodes' rounded 10.
same "11.11 DfE: England controlled with its LAs and months, the small counts suppressed" "2024-25,2024-04-01,england,E92000001,England,10,c,c,c,c" \
	"$(grep -m1 '^2024-25,' "$T/dfe.csv" | cut -d, -f1-10 | tr -d '\r')"
"$H" missing linkage "$S" --area la --by fy --csv --as dee >"$T/dfe_la.csv"
OUTS+=("$T/dfe_la.csv")
same "11.12 DfE by placing LA (its own definition) and fy: Durham's small counts suppressed" \
	"2024-25,2024-04-01,la,E06000047,County Durham,c,0,c,c,c" \
	"$(grep '^2024-25,2024-04-01,la,E06000047' "$T/dfe_la.csv" | cut -d, -f1-10 | tr -d '\r')"
same "11.13 DfE: no count from 1 to 5 in any row (5 placing LAs and England, 2 years)" "12 0" "$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
cols = ("episodes", "police_only", "la_only", "both", "conflicts")
print(len(rows), sum(1 for r in rows for k in cols if r[k] not in ("c", "0") and 1 <= int(r[k]) <= 5))' "$T/dfe_la.csv")"

# ---- 12: no raw child identifier anywhere -------------------------------------------------------
"$H" audit export "$S" --format csv --out "$T/audit.csv" >/dev/null
OUTS+=("$T/audit.csv")
cat "$T"/out "$T"/err >>"$T/messages"
# search FILE...: exit 0 when no raw identifier is in any page of any FILE
# (the pages of a store, or of its -wal, are its page_size blocks; a value
# across two pages is found in the whole file's bytes too).
search() {
	python3 - "$@" <<'PY'
import os, struct, sys
raw = [r.encode() for r in os.environ["RAW_IDS"].split()]
found = 0
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    page = 4096
    if data[:16] == b"SQLite format 3\0":
        page = struct.unpack(">H", data[16:18])[0] or 65536
    pages = [data[i:i + page] for i in range(0, len(data), page)] or [b""]
    for r in raw:
        hits = [n for n, p in enumerate(pages, 1) if r in p]
        if hits or r in data:
            print(f"{path}: {r.decode()} in pages {hits}")
            found = 1
sys.exit(found)
PY
}
export RAW_IDS="${RAW[*]}"
files=("$S" "${OUTS[@]}" "$T/messages")
[ -s "$S-wal" ] || fail "12.1 no -wal to search"
files+=("$S-wal")
search "${files[@]}" || fail "12.1 a raw child identifier was found"
same "12.1 files searched" "${#files[@]}" "$(ls "${files[@]}" | wc -l)"
ok "12.1 no raw identifier in the store, its -wal, the audit log, outputs, rejects or messages"
cp "$S" "$T/planted.db"
sqlite3 "$T/planted.db" "UPDATE meta SET value = value || ' RAWKID-ECHO-05' WHERE key = (SELECT min(key) FROM meta)"
if search "$T/planted.db" >/dev/null; then fail "12.2 the search missed a planted identifier"; fi
printf 'x RAWKID-GOLF-07 y' >"$T/planted.txt"
if search "$T/planted.txt" >/dev/null; then fail "12.2 the search missed a planted identifier"; fi
ok "12.2 the search finds a planted identifier"
echo "all missing tests passed"
