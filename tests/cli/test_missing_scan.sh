#!/usr/bin/env bash
# test_missing_scan.sh - haven missing scan on the national store (the
# synthetic register geocoded, every boundary) with 3,000 episodes of 600
# children found across a 200 km square over 2023 and 60 more of 15
# children found within 400 m of each other in Leeds in 2023's last ten
# days, put into missing_report and missing_episode with SQL as schema 9
# describes them.  Asserted: a West Yorkshire Police analyst finds the Leeds
# cluster (its LA, cell, 15 children, p <= 0.01, a window in the planted
# days), sees only clusters of episodes at homes in the force area, and the
# listing is audited and marked; DfE gets each cluster's LA, window and
# counts, never a cell; bad options are refused; the store is unchanged but
# for the audit log.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LEEDS=E08000035
WY="E08000032 E08000033 E08000034 E08000035 E08000036"

S=$T/national.db
national_dfe_store "$S"
"$H" -q authority add "$S" --kind police --code E23000010 --name "West Yorkshire Police"
"$H" -q user add "$S" --name ana --authority E23000010 --role analyst --default-purpose safeguarding

# Episode i: the (i * 7919 mod n)th current home, child i mod 600, a day of
# 2023, found at a point of a 200 km square; then 60 at the first home in
# Leeds, children 5000 to 5014, found within 400 m of (430000, 433500).
HOME=$(sqlite3 "$S" "SELECT urn FROM home_version WHERE valid_to IS NULL AND la_code = '$LEEDS' ORDER BY urn LIMIT 1")
sqlite3 "$S" <<SQL
.load mod_spatialite
CREATE TEMP TABLE h AS SELECT row_number() OVER (ORDER BY urn) - 1 AS k, urn, la_code FROM home_version
 WHERE valid_to IS NULL;
CREATE TEMP TABLE g AS WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 2999)
 SELECT i, (SELECT urn FROM h WHERE k = i * 7919 % (SELECT count(*) FROM h)) AS urn,
  i % 600 + 1 AS child,
  strftime('%Y-%m-%dT20:00:00', '2023-01-01', '+' || (i * 37 % 365) || ' days') AS start,
  330000 + (i * 7919 % 200000) AS x, 330000 + (i * 104729 % 200000) AS y FROM s
 UNION ALL SELECT 3000 + j, '$HOME', 5000 + j % 15,
  strftime('%Y-%m-%dT21:00:00', '2023-12-22', '+' || (j % 10) || ' days'), 430000 + (j * 37 % 400),
  433500 + (j * 53 % 400)
 FROM (WITH RECURSIVE t(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM t WHERE j < 59) SELECT j FROM t);
INSERT INTO missing_load(id, source, file, sha256, loaded_at, rows_read, added, superseded, unchanged, rejected)
 VALUES(1, 'police', 'episodes.csv', printf('%064d', 1), '2025-04-01T00:00:00Z', 3060, 3060, 0, 0, 0);
INSERT INTO missing_child(id, pseudonym) SELECT DISTINCT child, CAST(printf('%032x', child) AS BLOB) FROM g;
INSERT INTO missing_report(id, source, source_ref, load_id, source_row, child, urn, missing_from, risk, found_x,
 found_y, content)
 SELECT i + 1, 'police', 'P' || i, 1, i + 2, child, urn, CAST(strftime('%s', start) AS INTEGER), 'low', x, y,
  zeroblob(16) FROM g;
INSERT INTO missing_episode(child, urn, host_la, missing_from, risk, police_report, found_x, found_y)
 SELECT child, urn, (SELECT la_code FROM home_version v WHERE v.urn = r.urn AND v.valid_to IS NULL), missing_from,
  risk, id, found_x, found_y FROM missing_report r;
SQL
[ "$(sqlite3 "$S" "SELECT count(*) FROM missing_episode WHERE found_x IS NOT NULL")" = 3060 ] || fail "episodes"
before=$(sqlite3 "$S" "SELECT sha3_query('SELECT * FROM missing_episode')" 2>/dev/null || dump "$S")
ARGS=(--max-radius 2000 --max-days 14 --replicates 99 --seed 5 --prospective --from 2023-01-01 --to 2023-12-31)

# 1. West Yorkshire Police: the Leeds cluster first
expect_exit 0 "$H" missing scan "$S" --as ana "${ARGS[@]}" --csv
python3 - "$T/out" "$LEEDS" "$WY" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r.get("cluster", "").isdigit()]
assert rows, "no cluster"
c = rows[0]
assert c["la"] == sys.argv[2], c
assert "E430000 N433000 1000m" in c["members"].split(", "), c
assert int(c["children"]) == 15 and int(c["observed"]) >= 50, c
assert float(c["p"]) <= 0.01, c
assert "2023-12-22" <= c["start"] and c["end"] == "2023-12-31", c
assert all(r["la"] in sys.argv[3].split() for r in rows), rows
assert all(r["protective_marking"] == "OFFICIAL-SENSITIVE" for r in rows), rows
PY
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE user_name = 'ana' AND operation = 'consultation'
   AND object LIKE 'space-time permutation scan of missing episodes (found points, 1000 m cells, 2023-01-01 to 2023-12-31)%'")" = 1 ] ||
  fail "no audit entry: $(sqlite3 "$S" "SELECT object FROM audit ORDER BY seq DESC LIMIT 1")"
ok "1 police: the Leeds cluster, p <= 0.01, in scope, audited, marked"

# 2. DfE: each cluster's LA, window and counts; no cell
expect_exit 0 "$H" missing scan "$S" --as dee "${ARGS[@]}" --json
python3 - "$T/out" "$LEEDS" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rows = doc["rows"]
assert rows and set(rows[0]) >= {"cluster", "la", "start", "end", "observed", "children", "p"}, rows[:1]
assert not any(k in rows[0] for k in ("centre", "members", "radius_m", "expected", "llr")), rows[0]
assert any(r["la"] == sys.argv[2] and float(r["p"]) <= 0.01 for r in rows), rows
PY
ok "2 DfE: LA, window and counts only"

# 3. the last-seen points: none recorded, refused
expect_exit 26 "$H" missing scan "$S" --as ana "${ARGS[@]}" --of last-seen
expect_err "no episode you may see has a last-seen point"
ok "3 no last-seen points"

# 4. bad options; the episodes untouched
expect_exit 2 "$H" missing scan "$S" --as ana "${ARGS[@]}" --of home
expect_err "use found or last-seen"
expect_exit 2 "$H" missing scan "$S" --as ana --max-radius 2000 --max-days 400 --from 2023-01-01 --to 2023-12-31
expect_err "the window must be 1 to 365 days"
expect_exit 2 "$H" missing scan "$S" --as ana --max-days 7
expect_exit 30 "$H" missing scan "$S" --as nobody "${ARGS[@]}"
after=$(sqlite3 "$S" "SELECT sha3_query('SELECT * FROM missing_episode')" 2>/dev/null || dump "$S")
[ "$before" = "$after" ] || fail "the episodes changed"
ok "4 bad options refused"
