#!/usr/bin/env bash
# test_placements.sh - children's placements end to end (docs/placements.md):
# 'haven placements import' of tests/fixtures/placements/ into an HMCI store
# holding the real 2024 LA boundaries, regions and postcode sample of the
# national fixture, six homes of its own placed by hand, and the measures
# with answers known from the geometry.  Numbered cases:
#   1  the import: counts, pseudonyms (one key with missing episodes), origins
#      (a district's centre is the mean of its postcodes; an LA's point on
#      surface is SpatiaLite's), the audit entry
#   2  re-importing the file is a no-op: the store unchanged (digest); a store
#      of schema 13 holding the placements migrates to 14 losslessly
#   3  every bad row names FILE: row N and leaves the store unchanged: unknown
#      home, end before start, unknown LA, a date in the future, a bad
#      district, a district with no postcodes, the same placement twice,
#      another key's fingerprint; a corrected end date updates the placement
#   4  --skip-invalid: the rest imported, a marked 0600 reject file with the
#      pseudonym, never the raw identifier
#   5  locations: a home 100 m across the Leeds-Bradford boundary is outside,
#      100 m inside is inside; exactly 20 miles is under 20 (inclusive), 20.01
#      miles over; a home with no point, or no origin district, is not known; England, region, LA;
#      as at a date; a period
#   6  flows and net movement: the home whose LA changed on 1 April 2023
#      (Cumberland, then Westmorland and Furness) counts in the LA of the day;
#      --top folds the rest into "other"; --level region
#   7  capacity: an LA with no homes (the City of London) placing a child;
#      places per child
#   8  the gate: police see placements into homes in their force area, an LA
#      the children it places and those in its homes, DfE counts under
#      disclosure control (children 1-5 suppressed); every measure audited
#   9  no raw child identifier in the store, its -wal, any output or file
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_FIXTURES:?run through ctest}"
H=$HAVEN_BIN
F=$HAVEN_FIXTURES/placements
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
umask 022
S=$T/store.db
import() { "$H" placements import "$S" "$@"; }
# row CSV CODE AREA: the cells of the row of CSV (a released table) whose
# column 2 (area_code) is CODE, from column 4 on.
cells() { grep "^[a-z]*,$2," "$1" | cut -d, -f4-"$3"; }

# ---- the store: real boundaries, six homes placed by hand ------------------------
"$H" -q init "$S" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)" >/dev/null
"$HAVEN_TEST_TOOLS/copy_rows" "$S" "${HAVEN_NATIONAL:?run through ctest}/analysis.db" area area_load area_la \
	postcode postcode_terminated postcode_sector uprn gazetteer_load
"$H" -q register import "$S" "$F/register_2023-03-31.csv" --received 2023-03-31 >/dev/null 2>&1
# Kendal, in Westmorland and Furness's boundary; the register says Cumberland
# until 1 April 2023 (the point is carried into the new version)
"$H" -q geocode set "$S" SC900005 --point 357280,507600 --reason "test: Kendal" >/dev/null 2>&1
"$H" -q register import "$S" "$F/register_2023-04-01.csv" --received 2023-04-01 >/dev/null 2>&1
same "0.1 the reorganised home's LA by date" "E06000063|2023-03-31 E06000064|2023-04-01" \
	"$(q "SELECT la_code || '|' || valid_from FROM home_version WHERE urn = 'SC900005' ORDER BY valid_from" |
		tr '\n' ' ' | sed 's/ $//')"
# Leeds (E08000035) lies east of Bradford (E08000032) along E 419771.7 from N
# 434038 to 434062: 100 m either side.
"$H" -q geocode set "$S" SC900001 --point 419871,434050 --reason "test: 100 m inside Leeds" >/dev/null 2>&1
"$H" -q geocode set "$S" SC900002 --point 419671,434050 --reason "test: 100 m inside Bradford" >/dev/null 2>&1
K=$T/k.key
"$H" -q key init "$K" >/dev/null

refused 26 "the store holds no placements" "$H" placements locations "$S"
ok "0.2 no placements held: nothing to measure"

# ---- 1: the import ------------------------------------------------------------
expect_exit 0 import "$F/placements.csv" --key "$K"
expect_out "9 rows: 9 added, 0 updated, 0 unchanged"
expect_out "8 from the postcode district, 1 the placing LA's point on surface"
expect_out "9 placements of 8 children held"
same "1.1 children, pseudonyms" "8|8" "$(q "SELECT count(*), sum(length(pseudonym) = 64) FROM placement_child")"
same "1.2 one key: the store records its fingerprint" 1 "$(q "SELECT count(*) FROM missing_key")"
same "1.3 dates are days" "19732|" "$(q "SELECT start_day, end_day FROM placement p JOIN placement_child c ON c.id = p.child WHERE urn = 'SC900002'")"
same "1.4 a district's centre is the mean of its postcodes" \
	"$(q "SELECT printf('%.2f %.2f', avg(e), avg(n)) FROM postcode WHERE pc LIKE 'LS1 %' AND e IS NOT NULL")" \
	"$(q "SELECT printf('%.2f %.2f', origin_x, origin_y) FROM placement WHERE origin_district = 'LS1' LIMIT 1")"
same "1.5 an LA's origin is its point on surface" \
	"$(sqlite3 "$S" ".load mod_spatialite" "SELECT printf('%.2f %.2f', X(PointOnSurface(geom)), Y(PointOnSurface(geom))) FROM area WHERE kind = 'la' AND code = 'E09000001'")" \
	"$(q "SELECT DISTINCT printf('%.2f %.2f', origin_x, origin_y) FROM placement WHERE placing_la = 'E09000001'")"
same "1.6 the import is audited" 1 "$(q "SELECT count(*) FROM audit WHERE object LIKE 'placements from placements.csv%'")"
# the two NY homes: exactly 20 miles east of the origin (DL7's centre), and 20.01 miles south
read -r OX OY < <(q "SELECT origin_x, origin_y FROM placement WHERE placing_la = 'E06000065' LIMIT 1" | tr '|' ' ')
P20=$(python3 -c "print(f'{$OX + 32186.88:.2f},{$OY:.2f}')")
P2001=$(python3 -c "print(f'{$OX:.2f},{$OY - 20.01 * 1609.344:.2f}')")
"$H" -q geocode set "$S" SC900003 --point "$P20" --reason "test: 20 miles" >/dev/null 2>&1
"$H" -q geocode set "$S" SC900004 --point "$P2001" --reason "test: 20.01 miles" >/dev/null 2>&1

# ---- 2: re-import -------------------------------------------------------------
before=$(dump "$S")
expect_exit 0 import "$F/placements.csv" --key "$K"
expect_out "no placement changed (9 rows, 9 unchanged); nothing written"
[ "$(dump "$S")" = "$before" ] || fail "2.1 a re-import changed the store"
ok "2.1 re-import is a no-op, the store unchanged"
# A store of schema 13 (the origin method's CHECK an IN list) holding these
# placements migrates to 14 losslessly: the same rows, ids and all, and the
# table as a new store makes it.
cp "$S" "$T/v13.db"
rows() { sqlite3 "$1" "SELECT * FROM placement ORDER BY id"; }
table() { sqlite3 "$1" "SELECT sql FROM sqlite_master WHERE tbl_name = 'placement' ORDER BY name"; }
sqlite3 "$T/v13.db" "ALTER TABLE placement RENAME TO p14;
 $PLACEMENT_V13
 INSERT INTO placement SELECT * FROM p14; DROP TABLE p14; PRAGMA user_version = 13;"
table "$T/v13.db" | grep -q "origin_method IN (" || fail "2.2 the store is not as schema 13 held it"
expect_exit 0 "$H" audit verify "$T/v13.db" # opening it migrates it
[ "$(sqlite3 "$T/v13.db" "PRAGMA user_version")" = "$(sqlite3 "$S" "PRAGMA user_version")" ] || fail "2.2 not migrated"
[ "$(rows "$T/v13.db")" = "$(rows "$S")" ] && [ "$(grep -c . <<<"$(rows "$S")")" = 9 ] ||
	fail "2.2 the placements differ after the migration"
[ "$(table "$T/v13.db")" = "$(table "$S")" ] || fail "2.2 the table differs from a new store's"
ok "2.2 a store of schema 13 migrates: the same 9 placements, the table a new store's"

# ---- 3: bad rows ------------------------------------------------------------------
HEADER=child_id,placing_la,urn,start,end,origin_district
GOOD="RAWKID-P20,E08000035,SC900001,2024-05-01,,"
bad() { printf '%s\n%s\n%s\n' "$HEADER" "$GOOD" "$2" >"$T/$1.csv"; }
bad home "RAWKID-P21,E08000035,SC999999,2024-05-01,,"
refused 26 "$T/home.csv: row 3: urn 'SC999999' is not a home in the register" import "$T/home.csv" --key "$K"
ok "3.1 unknown home"
bad order "RAWKID-P21,E08000035,SC900001,2024-05-01,2024-04-01,"
refused 23 "$T/order.csv: row 3: end 2024-04-01 is before start 2024-05-01" import "$T/order.csv" --key "$K"
ok "3.2 end before start"
bad la "RAWKID-P21,E06999999,SC900001,2024-05-01,,"
refused 23 "$T/la.csv: row 3: placing_la 'E06999999' is not the code of a local authority" import "$T/la.csv" --key "$K"
ok "3.3 unknown LA"
bad future "RAWKID-P21,E08000035,SC900001,2025-04-16,,"
refused 23 "$T/future.csv: row 3: start 2025-04-16 is in the future" import "$T/future.csv" --key "$K"
bad future_end "RAWKID-P21,E08000035,SC900001,2025-01-01,2025-05-01,"
refused 23 "$T/future_end.csv: row 3: end 2025-05-01 is in the future" import "$T/future_end.csv" --key "$K"
ok "3.4 dates in the future"
bad district "RAWKID-P21,E08000035,SC900001,2024-05-01,,LEEDS"
refused 23 "$T/district.csv: row 3: origin_district 'LEEDS' is not a postcode district" import "$T/district.csv" --key "$K"
bad nodistrict "RAWKID-P21,E08000035,SC900001,2024-05-01,,ZZ9"
refused 23 "$T/nodistrict.csv: row 3: origin_district ZZ9 has no postcode in the gazetteer" import "$T/nodistrict.csv" --key "$K"
ok "3.5 a bad district, a district with no postcodes"
bad twice "$GOOD"
refused 22 "$T/twice.csv: row 3: the same child, home and start are also at row 2" import "$T/twice.csv" --key "$K"
ok "3.6 the same placement twice in a file"
bad date "RAWKID-P21,E08000035,SC900001,01/05/2024,,"
refused 23 "$T/date.csv: row 3: start '01/05/2024' is not a date (YYYY-MM-DD)" import "$T/date.csv" --key "$K"
ok "3.7 a date not YYYY-MM-DD"
"$H" -q key init "$T/other.key" >/dev/null
refused 31 "its pseudonyms would not match" import "$F/placements.csv" --key "$T/other.key"
ok "3.8 another key's fingerprint"
refused 2 "" import "$F/placements.csv" --key "$K" --skip-invalid
refused 2 "" import "$F/placements.csv"
ok "3.9 bad options"
# a corrected end date: the placement is updated, not added
printf '%s\n%s\n' "$HEADER" "RAWKID-P09,E08000035,SC900001,2024-04-01,2024-05-15,LS1" >"$T/corrected.csv"
expect_exit 0 import "$T/corrected.csv" --key "$K"
expect_out "1 rows: 0 added, 1 updated, 0 unchanged"
same "3.10 the end corrected" 19858 "$(q "SELECT end_day FROM placement WHERE start_day = 19814")"
expect_exit 0 import "$F/placements.csv" --key "$K"
expect_out "1 updated, 8 unchanged"

# ---- 4: --skip-invalid ----------------------------------------------------------------
printf '%s\n%s\n%s\n%s\n' "$HEADER" "$GOOD" "RAWKID-P22,E08000035,SC999999,2024-05-01,," \
	"RAWKID-P23,E08000035,SC900001,2024-05-01,2024-04-01," >"$T/mixed.csv"
expect_exit 0 import "$T/mixed.csv" --key "$K" --skip-invalid --rejects "$T/rejects.csv"
expect_out "3 rows: 1 added"
expect_out "2 rows rejected"
same "4.1 reject file mode" 600 "$(stat -c %a "$T/rejects.csv")"
same "4.2 rejects: header, two rows" 3 "$(wc -l <"$T/rejects.csv")"
head -1 "$T/rejects.csv" | grep -q '^child_pseudonym,placing_la,urn,start,end,origin_district,row,reason,protective_marking' ||
	fail "4.3 reject header: $(head -1 "$T/rejects.csv")"
grep -q "is not a home in the register,OFFICIAL-SENSITIVE" "$T/rejects.csv" || fail "4.3 reject reason"
grep -q RAWKID "$T/rejects.csv" && fail "4.4 a raw identifier in the reject file"
ok "4.3 rejects name the row and reason, marked; 4.4 pseudonyms only"
# back to the fixture's nine
q "DELETE FROM placement WHERE start_day = 19844; DELETE FROM placement_child WHERE id NOT IN (SELECT child FROM placement)"

# ---- 5: locations ------------------------------------------------------------------
expect_exit 0 "$H" placements locations "$S" --by la --csv
cp "$T/out" "$T/loc_la.csv"
# columns: inside_under_20, inside_over_20, outside_under_20, outside_over_20, not_known, total
same "5.1 Leeds: 100 m inside, 100 m across into Bradford, a home with no point" "2,0,1,0,1,4" \
	"$(cells "$T/loc_la.csv" E08000035 9)"
same "5.2 North Yorkshire: exactly 20 miles is under, 20.01 over" "1,1,0,0,0,2" "$(cells "$T/loc_la.csv" E06000065 9)"
same "5.3 the City of London: no origin district, so the distance is not known" "0,0,0,0,1,1" "$(cells "$T/loc_la.csv" E09000001 9)"
same "5.4 Westmorland and Furness" "2,0,0,0,0,2" "$(cells "$T/loc_la.csv" E06000064 9)"
same "5.5 an LA with no placements shows zeros" "0,0,0,0,0,0" "$(cells "$T/loc_la.csv" E08000032 9)"
expect_exit 0 "$H" placements locations "$S" --csv
same "5.6 England" "5,1,1,0,2,9" "$(cells "$T/out" E92000001 9)"
expect_exit 0 "$H" placements locations "$S" --by region --csv
same "5.7 Yorkshire and The Humber" "3,1,1,0,1,6" "$(cells "$T/out" E12000003 9)"
expect_exit 0 "$H" placements locations "$S" --as-at 2024-04-15 --csv
same "5.8 as at 2024-04-15: open placements, the ended one not" "4,1,1,0,2,8" "$(cells "$T/out" E92000001 9)"
expect_exit 0 "$H" placements locations "$S" --from 2024-01-01 --to 2024-02-29 --csv
same "5.9 starting in January and February 2024" "2,1,1,0,0,4" "$(cells "$T/out" E92000001 9)"
expect_exit 0 "$H" placements locations "$S" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["protective_marking"]=="OFFICIAL-SENSITIVE"; assert d["rows"][0]["total"]==9' "$T/out" ||
	fail "5.10 JSON"
ok "5.10 JSON, marked"
refused 2 "give --as-at or --from/--to, not both" "$H" placements locations "$S" --as-at 2024-01-01 --from 2024-01-01
refused 2 "use england, region or la" "$H" placements locations "$S" --by pfa
refused 23 "is not a date" "$H" placements locations "$S" --as-at 2024-13-01
ok "5.11 bad options"

# ---- 6: flows and net movement ----------------------------------------------------
# between LAs: the matrix haven export writes as lines (both margins, a line
# between two LAs' centres), released the same way
expect_exit 0 "$H" placements flows "$S" --csv
cp "$T/out" "$T/flows.csv"
grep -q "^la,E06000064,Westmorland and Furness,E06000063,Cumberland,1,1,E92000001,E92000001,\"LINESTRING" "$T/flows.csv" ||
	fail "6.1 March 2023: the home was in Cumberland"
grep -q "^la,E06000064,Westmorland and Furness,E06000064,Westmorland and Furness,1,1,E92000001,E92000001,," "$T/flows.csv" ||
	fail "6.1 April 2023: the home was in Westmorland and Furness"
ok "6.1 the home's LA on the day: Cumberland before 1 April 2023, Westmorland and Furness after"
grep -q "^la,E06000064,Westmorland and Furness,E92000001,all areas,2,1,E92000001,," "$T/flows.csv" ||
	fail "6.2 the placing area's total: 2 placements of 1 child"
grep -q "^la,E92000001,all areas,E08000035,Leeds,4,4,,E92000001," "$T/flows.csv" ||
	fail "6.2 the host's total: 4 placements into Leeds's homes"
grep -q "^england,E92000001,all areas,E92000001,all areas,9,8," "$T/flows.csv" || fail "6.2 the grand total"
ok "6.2 each placing LA's total (its row) and each host LA's (its column), children distinct"
grep -q "^la,E08000035,Leeds,E08000032,Bradford,1,1," "$T/flows.csv" || fail "6.3 Leeds into Bradford"
grep -q "^la,E08000035,Leeds,E08000035,Leeds,3,3," "$T/flows.csv" || fail "6.3 Leeds in Leeds"
ok "6.3 the matrix"
expect_exit 0 "$H" placements flows "$S" --top 1 --csv
same "6.4 --top 1: the largest published flow between two LAs (ties by code), the rest as other" \
	"la,E06000064,Westmorland and Furness,E06000063,Cumberland,1,1|la,other,smaller flows between LAs (published counts only),other,smaller flows between LAs (published counts only),2,2" \
	"$(grep '^la,' "$T/out" | cut -d, -f1-7 | tr '\n' '|' | sed 's/|$//')"
refused 2 "--top is for flows between LAs" "$H" placements flows "$S" --level region --top 3
expect_exit 0 "$H" placements flows "$S" --level region --csv
grep -q "^region,E12000007,London,E12000003,Yorkshire and The Humber,1,1," "$T/out" || fail "6.5 London into Yorkshire"
ok "6.5 --level region"
expect_exit 0 "$H" placements flows "$S" --net --csv
same "6.6 Leeds: placed in 1, out 1, own 3, net 0" "1,1,3,0,balanced" "$(grep '^E08000035,' "$T/out" | cut -d, -f3-7)"
same "6.6 Bradford: an in-placer" "1,0,0,1,in-placer" "$(grep '^E08000032,' "$T/out" | cut -d, -f3-7)"
same "6.6 the City: an out-placer" "0,1,0,-1,out-placer" "$(grep '^E09000001,' "$T/out" | cut -d, -f3-7)"

# ---- 7: capacity --------------------------------------------------------------------
expect_exit 0 "$H" placements capacity "$S" --as-at 2024-04-15 --csv
# homes, places, children_placed_in, children_placed, own, elsewhere, places_per_child
same "7.1 the City of London: no homes, one child placed elsewhere" "0,0,0,1,0,1,0" "$(cells "$T/out" E09000001 10)"
same "7.2 Leeds: 2 homes, 6 places, 4 children placed, 1.5 places each" "2,6,1,4,3,1,1.5" "$(cells "$T/out" E08000035 10)"
same "7.3 an LA with homes and no children placed: no ratio" "1,3,1,0,0,0," "$(cells "$T/out" E08000032 10)"
refused 2 "usage: haven placements capacity" "$H" placements capacity "$S" --from 2024-01-01
ok "7.4 capacity takes no period"

# ---- 8: the gate ---------------------------------------------------------------------
"$H" -q authority add "$S" --kind police --code E23000010 --name "West Yorkshire Police" >/dev/null
"$H" -q user add "$S" --name pc --authority E23000010 --role analyst --default-purpose safeguarding >/dev/null
"$H" -q authority add "$S" --kind la --code E08000032 --name Bradford >/dev/null
"$H" -q user add "$S" --name brad --authority E08000032 --role analyst --default-purpose safeguarding >/dev/null
"$H" -q authority add "$S" --kind la --code E08000035 --name Leeds >/dev/null
"$H" -q user add "$S" --name leeds --authority E08000035 --role analyst --default-purpose safeguarding >/dev/null
"$H" -q authority add "$S" --kind dfe --code DFE --name "Department for Education" >/dev/null
"$H" -q user add "$S" --name dee --authority DFE --role analyst --default-purpose policy >/dev/null
HAVEN_USER=pc expect_exit 0 "$H" placements locations "$S" --by la --csv
same "8.1 police: placements into homes in the force (Leeds' 4, the City's 1)" "E08000035:4 E09000001:1" \
	"$(grep -v '^geographic' "$T/out" | awk -F, '$9 > 0 {printf "%s%s:%s", s, $2, $9; s=" "}')"
HAVEN_USER=leeds expect_exit 0 "$H" placements locations "$S" --by la --csv
same "8.2 Leeds: the children it places, and the City's child in its home" "E08000035:4 E09000001:1" \
	"$(grep -v '^geographic' "$T/out" | awk -F, '$9 > 0 {printf "%s%s:%s", s, $2, $9; s=" "}')"
HAVEN_USER=brad expect_exit 0 "$H" placements flows "$S" --csv
same "8.3 Bradford: the Leeds child in its home only (the flow, Leeds's row total, Bradford's column total)" \
	"la,E08000035,Leeds,E08000032,Bradford,1,1" "$(grep '^la,E08000035,Leeds,E08000032' "$T/out" | cut -d, -f1-7)"
same "8.3 Bradford: nothing else between two LAs" 1 "$(grep -c 'LINESTRING' "$T/out")"
HAVEN_USER=dee expect_exit 0 "$H" placements locations "$S" --by la --csv
same "8.4 DfE: counts of 1 to 5 suppressed" "c,0,c,0,c,c" "$(cells "$T/out" E08000035 9)"
same "8.5 DfE: England rounded to 10" "10" "$(cells "$T/out" E92000001 9 | cut -d, -f6)"
HAVEN_USER=dee expect_exit 0 "$H" placements flows "$S" --net --csv
head -1 "$T/out" | grep -q "movement" && fail "8.6 DfE given net movement beside suppressed counts"
ok "8.6 DfE: no net beside suppressed counts"
HAVEN_USER=dee expect_exit 0 "$H" placements capacity "$S" --as-at 2024-04-15 --csv
same "8.7 DfE: places pass, children suppressed" "2,6,c,c,c,c,c" "$(cells "$T/out" E08000035 10)"
n=$(q "SELECT count(*) FROM audit WHERE object LIKE 'placements:%'")
same "8.8 every measure released is audited once (17 released above)" 17 "$n"

# ---- 9: no raw identifier anywhere ----------------------------------------------------
for f in "$S" "$S-wal" "$T"/*.csv "$T/out" "$T/err"; do
	[ -e "$f" ] || continue
	case "$f" in "$T"/mixed.csv | "$T"/corrected.csv | "$T"/home.csv | "$T"/order.csv | "$T"/la.csv | "$T"/future*.csv | "$T"/*district.csv | "$T"/twice.csv | "$T"/date.csv) continue ;; esac
	if grep -aq RAWKID "$f"; then fail "9.1 a raw identifier in $f"; fi
done
ok "9.1 no raw child identifier in the store or any output"
echo "all placements tests passed"
