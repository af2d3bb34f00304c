#!/usr/bin/env bash
# test_trends.sh - haven missing trends and haven missing outliers on the
# national store (the synthetic register of 4,009 homes, geocoded, every
# boundary), with 6,000 episodes of 900 children put into missing_report
# and missing_episode with SQL as schema 9 describes them (a load, one
# police report per episode, the episode linked to it) and 150 more at one
# home in Leeds, which must stand out.  Asserted: totals against the
# store's own rows; CSV and JSON that parse; charts and funnels that open
# as PNG and SVG, 0600, kept unless --force; DfE refused every per-home
# output, its funnel drawn without homes, its small counts suppressed; a
# West Yorkshire Police analyst sees the episodes at homes in the force's
# five LAs only, and the LAs that placed those children; a Leeds analyst
# the children Leeds places and the homes in Leeds; no pseudonym in any
# output; refused requests leave the store as it was.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WY="'E08000032','E08000033','E08000034','E08000035','E08000036'"
LEEDS=E08000035

S=$T/national.db
national_dfe_store "$S"
"$H" -q authority add "$S" --kind police --code E23000010 --name "West Yorkshire Police"
"$H" -q user add "$S" --name ana --authority E23000010 --role analyst --default-purpose safeguarding
"$H" -q authority add "$S" --kind la --code $LEEDS --name "Leeds City Council"
"$H" -q user add "$S" --name lee --authority $LEEDS --role analyst --default-purpose safeguarding

# Episodes: episode i at the (i * 7919 mod n)th current home, child i mod
# 900, starting on day i * 37 mod 731 of 2023-24 at 20:00, back after i mod
# 47 hours (every 25th still missing), placed by the LA of another home;
# then 150 at the first home in Leeds.
OUTLIER=$(sqlite3 "$S" "SELECT urn FROM home_version WHERE valid_to IS NULL AND la_code = '$LEEDS' ORDER BY urn LIMIT 1")
sqlite3 "$S" <<SQL
.load mod_spatialite
CREATE TEMP TABLE h AS SELECT row_number() OVER (ORDER BY urn) - 1 AS k, urn, la_code FROM home_version
 WHERE valid_to IS NULL;
CREATE TEMP TABLE g AS WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 5999)
 SELECT i, (SELECT urn FROM h WHERE k = i * 7919 % (SELECT count(*) FROM h)) AS urn,
  (SELECT la_code FROM h WHERE k = i * 7919 % (SELECT count(*) FROM h)) AS host,
  (SELECT la_code FROM h WHERE k = i * 104729 % (SELECT count(*) FROM h)) AS placing,
  i % 900 + 1 AS child,
  strftime('%Y-%m-%dT20:00:00', '2023-01-01', '+' || (i * 37 % 731) || ' days') AS start,
  CASE WHEN i % 25 = 24 THEN NULL ELSE i % 47 END AS hours FROM s
 UNION ALL SELECT 6000 + j, '$OUTLIER', '$LEEDS', '$LEEDS', 5000 + j % 7,
  strftime('%Y-%m-%dT21:00:00', '2024-01-01', '+' || (j * 2) || ' days'), 3
 FROM (WITH RECURSIVE t(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM t WHERE j < 149) SELECT j FROM t);
INSERT INTO missing_load(id, source, file, sha256, loaded_at, rows_read, added, superseded, unchanged, rejected)
 VALUES(1, 'police', 'episodes.csv', printf('%064d', 1), '2025-04-01T00:00:00Z', 6150, 6150, 0, 0, 0);
INSERT INTO missing_child(id, pseudonym) SELECT DISTINCT child, CAST(printf('%032x', child) AS BLOB) FROM g;
INSERT INTO missing_report(id, source, source_ref, load_id, source_row, child, urn, placing_la, missing_from,
 returned_at, risk, cse, cce, ri_offered, ri_held, ri_independent, content)
 SELECT i + 1, 'police', 'P' || i, 1, i + 2, child, urn, placing, CAST(strftime('%s', start) AS INTEGER),
  CASE WHEN hours IS NULL THEN NULL ELSE CAST(strftime('%s', start, '+' || hours || ' hours') AS INTEGER) END,
  'low', i % 11 = 0, i % 13 = 0, i % 2 = 0, i % 3 = 0, i % 9 = 0, zeroblob(16) FROM g;
INSERT INTO missing_episode(child, urn, placing_la, host_la, missing_from, returned_at, risk, cse, cce,
 ri_offered, ri_held, ri_independent, police_report)
 SELECT child, urn, placing_la, '$LEEDS', missing_from, returned_at, risk, cse, cce, ri_offered, ri_held,
  ri_independent, id
 FROM missing_report;
UPDATE missing_episode SET host_la = (SELECT la_code FROM home_version v WHERE v.urn = missing_episode.urn
 AND v.valid_to IS NULL);
SQL
ALL=$(sqlite3 "$S" "SELECT count(*) FROM missing_episode")
same "the episodes are in the store" 6150 "$ALL"

# sum_col FILE COLUMN [FILTER-COLUMN VALUE]: the sum of a CSV column (rows whose filter column is VALUE).
sum_col() {
	python3 - "$@" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
if len(sys.argv) > 3:
    rows = [r for r in rows if r[sys.argv[3]] == sys.argv[4]]
print(sum(int(r[sys.argv[2]]) for r in rows if r[sys.argv[2]] not in ("", "c", "z", "x")))
PY
}

# ---- 1: the admin (national): totals, formats --------------------------------------
expect_exit 0 "$H" missing trends "$S" --by year --area england --format csv
cp "$T/out" "$T/england.csv"
same "1.1 England by year: every episode" "$ALL" "$(sum_col "$T/england.csv" episodes)"
same "1.2 two years, 2023 and 2024" "2023 2024" "$(tail -n +2 "$T/england.csv" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_exit 0 "$H" missing trends "$S" --by fy --area england --csv
same "1.2.1 by financial year: 2022-23 to 2024-25, every episode" "2022-23 2023-24 2024-25 $ALL" \
	"$(tail -n +2 "$T/out" | cut -d, -f1 | tr '\n' ' ')$(sum_col "$T/out" episodes)"
expect_exit 0 "$H" missing trends "$S" --by month --area la --csv
same "1.3 by placing LA and month: every episode" "$ALL" "$(sum_col "$T/out" episodes)"
expect_exit 0 "$H" missing trends "$S" --by quarter --area region --json
python3 - "$T/out" "$ALL" <<'PY' || fail "1.4 JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["protective_marking"] == "OFFICIAL-SENSITIVE", d.keys()
rows = d["rows"]
assert sum(r["episodes"] for r in rows) == int(sys.argv[2])
assert {r["period"] for r in rows} == {"%d-Q%d" % (y, q) for y in (2023, 2024) for q in (1, 2, 3, 4)}
assert all(r["geographic_level"] in ("region", "unlocated") or r["area_code"] == "unlocated" for r in rows)
print("ok: 1.4 JSON by region and quarter: 8 quarters, every episode, marked")
PY
expect_exit 0 "$H" missing trends "$S" --by year --area host-la
expect_out "OFFICIAL-SENSITIVE"
expect_out "Children missing from care by local authority of the home and year"

# ---- 2: charts -------------------------------------------------------------------
# is_png FILE / is_svg FILE: the file opens as one.
is_png() { python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); sys.exit(0 if b[:8]==b"\x89PNG\r\n\x1a\n" and b[12:16]==b"IHDR" and b"IEND" in b[-12:] else 1)' "$1"; }
is_svg() { python3 -c 'import sys, xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag.endswith("svg") else 1)' "$1"; }
expect_exit 0 "$H" missing trends "$S" --by quarter --area region --chart "$T/regions.png"
is_png "$T/regions.png" || fail "2.1 the chart is not a PNG"
same "2.1 a chart per region (lines): PNG, 0600" 600 "$(stat -c %a "$T/regions.png")"
expect_exit 0 "$H" missing trends "$S" --by month --area la --chart "$T/las.svg" --measure episodes_per_child --csv
is_svg "$T/las.svg" || fail "2.2 the chart is not an SVG"
ok "2.2 small multiples of the placing LAs: SVG"
expect_exit 3 "$H" missing trends "$S" --by month --area la --chart "$T/las.svg"
expect_err "not replaced without --force"
expect_exit 0 "$H" missing trends "$S" --by month --area la --chart "$T/las.svg" --force
expect_exit 2 "$H" missing trends "$S" --by month --area la --chart "$T/las.svg" --measure area_name --force
expect_err "'area_name' is not a number column"
expect_exit 2 "$H" missing trends "$S" --by month --area la --chart "$T/las.gif"
expect_err "a chart is a .png or .svg file"

# ---- 3: outliers and the funnel ---------------------------------------------------
expect_exit 0 "$H" missing outliers "$S" --csv --funnel "$T/funnel.png"
is_png "$T/funnel.png" || fail "3.1 the funnel is not a PNG"
grep -q "^$OUTLIER," "$T/out" || { cat "$T/out"; fail "3.1 the home with 150 more episodes is not listed"; }
ok "3.1 the planted home stands out above the 99.8% limit; funnel PNG"
python3 - "$T/out" <<'PY' || fail "3.2 every listed home is above its limit"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(float(r["episodes_per_place"]) > float(r["upper_998"]) for r in rows)
assert all(r["above"] == "99.8%" for r in rows)
print("ok: 3.2 %d homes listed, each above its 99.8%% limit" % len(rows))
PY
expect_exit 0 "$H" missing outliers "$S" --funnel "$T/funnel.svg" --all --csv
is_svg "$T/funnel.svg" || fail "3.3 the funnel is not an SVG"
same "3.3 --all lists every home with places in the period (registered by its last day)" \
	"$(sqlite3 "$S" "SELECT count(*) FROM home_version WHERE places > 0 AND registration_date <=
	  (SELECT date(max(missing_from), 'unixepoch') FROM missing_episode)")" \
	"$(($(wc -l <"$T/out") - 1))"
expect_exit 0 "$H" missing outliers "$S" --csv
cp "$T/out" "$T/above.csv"
expect_exit 0 "$H" missing outliers "$S" --inspection --csv
python3 - "$T/above.csv" "$T/out" "$HAVEN_NATIONAL/synth/register.csv" <<'PY' || fail "3.4 --inspection"
import csv, sys
above = {r["urn"] for r in csv.DictReader(open(sys.argv[1]))}
listed = {r["urn"]: r for r in csv.DictReader(open(sys.argv[2]))}
judged = {r["urn"]: r["overall_experiences_and_progress_of_children_and_young_people"]
          for r in csv.DictReader(open(sys.argv[3]))}
want = {u for u in above if judged.get(u) in ("Good", "Outstanding")}
assert want, "no home above the limit is judged Good or Outstanding: the case proves nothing"
assert set(listed) == want, (sorted(set(listed) ^ want))[:5]
assert all(r["judgement"] == judged[u] and r["inspection_date"] for u, r in listed.items())
print("ok: 3.4 --inspection lists the %d of %d homes above the limit judged Good or Outstanding, with the date"
      % (len(want), len(above)))
PY

# ---- 4: DfE: aggregates only --------------------------------------------------------
before=$(dump "$S")
expect_exit 30 "$H" missing outliers "$S" --as dee
expect_err "may receive aggregates only"
expect_exit 30 "$H" missing trends "$S" --by fy --area home --as dee
expect_err "may receive aggregates only"
ok "4.1 DfE is refused the outliers and trends by home"
expect_exit 30 "$H" missing outliers "$S" --as dee --funnel "$T/dfe_funnel.svg"
is_svg "$T/dfe_funnel.svg" || fail "4.2 DfE's funnel"
ok "4.2 DfE's funnel is drawn (the line and limits only), the listing refused"
expect_exit 0 "$H" missing trends "$S" --by fy --area host-la --csv --as dee
grep -q ",c," "$T/out" || fail "4.3 no count of DfE's by LA and financial year is suppressed"
before=$(dump "$S")
for a in host-la pfa region la; do
	expect_exit 23 "$H" missing trends "$S" --by month --area $a --csv --as dee
	expect_err "by financial year (--by fy), and by quarter or month only for England"
done
expect_exit 23 "$H" missing linkage "$S" --by year --area england --csv --as dee
[ "$(dump "$S")" = "$before" ] || fail "4.3 a refused period changed the store"
ok "4.3 DfE's trends by LA and financial year: small counts suppressed; an area's months refused"
# 4.4: DfE asks for every level of the financial years' trends and linkage
# (the LAs of the home, force areas, regions, England, and by placing LA),
# and England's by quarter and by month, and differences the released
# tables itself (the trends and linkage of a level must show their shared
# counts alike): every total named as a parent equals the sum of the rows
# naming it (per period, across all the requests of a hierarchy), every
# quarter or year named as a period_parent the sum of the periods naming it,
# linkage episodes = police_only + la_only + both, rounded regional and
# national counts stand for their interval, "c" for at least 1; bounds are
# propagated to a fixed point.  No suppressed count of an LA or of an England
# month or quarter may be narrowed to fewer than 5 values.  The same differencing, on the tables DfE got
# before parent rows (each LA count of 1 to 5 suppressed, the force totals
# published exactly: the admin's tables put through that rule), recovers
# LA counts: the check can fail.
for a in host-la pfa region england la; do
	"$H" missing trends "$S" --by fy --area $a --csv --as dee >"$T/dfe_t_$a.csv"
	"$H" missing linkage "$S" --by fy --area $a --csv --as dee >"$T/dfe_l_$a.csv"
done
for b in quarter month; do
	"$H" missing trends "$S" --by $b --area england --csv --as dee >"$T/dfe_t_england-$b.csv"
	"$H" missing linkage "$S" --by $b --area england --csv --as dee >"$T/dfe_l_england-$b.csv"
done
"$H" missing trends "$S" --by month --area england --csv >"$T/all_t_england-month.csv"
"$H" missing trends "$S" --by fy --area england --csv >"$T/all_t_england-fy.csv"
"$H" missing trends "$S" --by quarter --area host-la --csv >"$T/all_t_host-la.csv"
"$H" missing trends "$S" --by quarter --area pfa --csv >"$T/all_t_pfa.csv"
cat >"$T/difference.py" <<'PY'
import csv, sys
INF = float("inf")
def read(path):
    return [r for r in csv.DictReader(open(path)) if r.get("period")]
def node(fam, r, col):
    # England is one quantity whatever the hierarchy; other codes are the
    # home's (host) or the placing LA's (placing)
    f = "" if r["geographic_level"] == "england" else fam
    return (f, r["area_code"], r.get("period_id") or r["period"], col)
def bound(level, v):
    if v == "c":
        return (1, INF)
    if v in ("", "z"):
        return (0, INF)
    x = float(v)
    if level in ("region", "england") and x > 0:  # rounded to 10, above the threshold
        return (max(x - 5, 6), x + 4)
    return (x, x)
def attack(tables, cols=("episodes", "police_only", "la_only", "both")):
    lo, hi, sup, kids = {}, {}, set(), {}
    sums = []
    for fam, rows in tables:
        for r in rows:
            for c in cols:
                if c not in r:
                    continue
                n = node(fam, r, c)
                a, b = bound(r["geographic_level"], r[c])
                lo[n], hi[n] = max(lo.get(n, 0), a), min(hi.get(n, INF), b)
                if r[c] == "c" and (r["geographic_level"] == "la" and r["area_code"].startswith("E")
                                    or r.get("period_parent")):
                    sup.add(n)
                if r.get("parent"):  # a total per hierarchy: England's twice
                    p = (("" if r["parent"] == "E92000001" else fam), r["parent"], n[2], c)
                    kids.setdefault((fam, "area", p), set()).add(n)
                if r.get("period_parent"):  # a quarter's months, a year's quarters
                    kids.setdefault((fam, "period", n[:2] + (r["period_parent"], c)), set()).add(n)
            if "police_only" in r:
                sums.append((node(fam, r, "episodes"), [node(fam, r, c) for c in ("police_only", "la_only", "both")]))
    rels = sums + [(p, sorted(k)) for (_, _, p), k in kids.items() if p in lo]
    for _ in range(100):
        changed = False
        for t, parts in rels:
            sl, sh = sum(lo[p] for p in parts), sum(hi[p] for p in parts)
            for n, a, b in [(t, sl, sh)] + [(p, lo[t] - (sh - hi[p]), hi[t] - (sl - lo[p])) for p in parts]:
                if a > lo[n] + 1e-9:
                    lo[n], changed = a, True
                if b < hi[n] - 1e-9:
                    hi[n], changed = b, True
        if not changed:
            break
    return sup, lo, hi
T = sys.argv[1]
fam = lambda a: "placing" if a == "la" else "host"
levels = ("host-la", "pfa", "region", "england", "la", "england-quarter", "england-month")
dfe = [(fam(a), read(f"{T}/dfe_{k}_{a}.csv")) for a in levels for k in "tl"]
for a in levels:  # the column the two tables share, alike
    key = lambda r: (r["period"], r["area_code"], r["episodes"], r["police_only"], r["la_only"], r["both"])
    t, l = [[key(r) for r in read(f"{T}/dfe_{k}_{a}.csv")] for k in "tl"]
    assert t == l, f"--area {a}: the trends' and the linkage's counts differ"
sup, lo, hi = attack(dfe)
narrow = sorted(n for n in sup if hi[n] - lo[n] < 5)
assert sup, "nothing suppressed: the check would prove nothing"
assert not narrow, "DfE narrows suppressed LA counts: " + ", ".join(f"{n} to {lo[n]:g}..{hi[n]:g}" for n in narrow[:10])
months = sum(1 for n in sup if n[2].startswith("month:"))  # none on this store: unit test_trends 6.3c has some
print(f"ok: 4.4 DfE's {len(dfe)} tables (5 levels by financial year, England by quarter and month; trends and linkage) differenced: none of {len(sup)} suppressed counts ({months} of England's months) narrowed to fewer than 5 values")
# before: each table alone, an LA count of 1 to 5 suppressed, forces exact
old = []
for a in ("host-la", "pfa"):
    rows = read(f"{T}/all_t_{a}.csv")
    for r in rows:
        if r["geographic_level"] == "la" and 1 <= float(r["episodes"]) <= 5:
            r["episodes"] = "c"
        r["parent"] = ""
    old.append(rows)
by = {(r["area_code"]): r["area_code"] for r in old[1]}
las = {}  # the force of each LA, from DfE's own table
for r in read(f"{T}/dfe_t_host-la.csv"):
    if r["geographic_level"] == "la":
        las[r["area_code"]] = r["parent"]
for r in old[0]:
    r["parent"] = las.get(r["area_code"], "")
sup, lo, hi = attack([("host", old[0]), ("host", old[1])], ("episodes",))
known = [n for n in sup if hi[n] - lo[n] < 1e-9]
assert known, "the differencing recovered nothing from the tables without parent rows"
print(f"ok: 4.5 the same differencing of the tables DfE had before parent rows recovers {len(known)} of {len(sup)} suppressed LA counts exactly")
PY
python3 "$T/difference.py" "$T"

# 4.6: windows: DfE's must be whole financial years (two windows a month
# apart would give that month); refused before anything is released or
# audited, the store unchanged; a police analyst keeps free windows.
before=$(dump "$S")
for w in "--from 2023-05-01 --to 2024-03-31" "--from 2023-04-01 --to 2024-02-29"; do
	# shellcheck disable=SC2086
	expect_exit 23 "$H" missing trends "$S" --by fy --area la $w --as dee
	expect_err "whole financial years, April to March"
	# shellcheck disable=SC2086
	expect_exit 23 "$H" missing scorecard "$S" $w --as dee
	# shellcheck disable=SC2086
	expect_exit 23 "$H" missing linkage "$S" --by fy $w --as dee
	expect_err "whole financial years, April to March"
done
[ "$(dump "$S")" = "$before" ] || fail "4.6 a refused window changed the store"
expect_exit 0 "$H" missing trends "$S" --by fy --area la --from 2023-04-01 --to 2024-03-31 --csv --as dee
expect_exit 0 "$H" missing trends "$S" --by month --area host-la --from 2023-05-01 --to 2024-02-29 --csv --as ana
ok "4.6 DfE is refused a window that is not whole financial years, with nothing recorded; the police are not"

# ---- 5: a police analyst sees the force area ----------------------------------------
expect_exit 0 "$H" missing trends "$S" --by year --area host-la --csv --as ana
same "5.1 only the force's five LAs" "E08000032 E08000033 E08000034 E08000035 E08000036" \
	"$(tail -n +2 "$T/out" | cut -d, -f4 | sort -u | tr '\n' ' ' | sed 's/ $//')"
WANT=$(sqlite3 "$S" "SELECT count(*) FROM missing_episode WHERE host_la IN ($WY)")
same "5.2 the episodes at homes in the force area" "$WANT" "$(sum_col "$T/out" episodes)"
expect_exit 0 "$H" missing trends "$S" --by year --area la --csv --as ana
same "5.3 by placing LA: the same episodes" "$WANT" "$(sum_col "$T/out" episodes)"
OUTSIDE=$(tail -n +2 "$T/out" | cut -d, -f4 | grep -cvE 'E0800003[2-6]|unknown' || true)
[ "$OUTSIDE" -gt 0 ] || fail "5.4 no placing LA outside the force"
ok "5.4 placing LAs outside the force are shown ($OUTSIDE rows): they placed children in its homes"
expect_exit 0 "$H" missing outliers "$S" --all --csv --as ana
python3 - "$T/out" "$S" <<'PY' || fail "5.5 the police analyst's homes"
import csv, sqlite3, sys
urns = {r["urn"] for r in csv.DictReader(open(sys.argv[1]))}
db = sqlite3.connect(sys.argv[2])
wy = {u for (u,) in db.execute("SELECT urn FROM home_version WHERE places > 0 AND la_code IN "
                                 "('E08000032','E08000033','E08000034','E08000035','E08000036') AND "
                                 "registration_date <= (SELECT date(max(missing_from), 'unixepoch') FROM missing_episode)")}
assert urns == wy, (len(urns), len(wy))
print("ok: 5.5 the outliers' homes are the force's %d homes" % len(urns))
PY

# ---- 6: a local authority: the children it places and the homes in its area --------
expect_exit 0 "$H" missing trends "$S" --by year --area england --csv --as lee
WANT=$(sqlite3 "$S" "SELECT count(*) FROM missing_episode WHERE host_la = '$LEEDS' OR placing_la = '$LEEDS'")
same "6.1 Leeds: its children anywhere and the episodes at its homes" "$WANT" "$(sum_col "$T/out" episodes)"
expect_exit 0 "$H" missing trends "$S" --by year --area host-la --csv --as lee
same "6.2 by host LA: only Leeds's homes are named" "$LEEDS" \
	"$(tail -n +2 "$T/out" | cut -d, -f4 | grep -v unlocated | sort -u | tr '\n' ' ' | sed 's/ $//')"

# ---- 7: the scorecard --------------------------------------------------------------
expect_exit 0 "$H" missing scorecard "$S" --csv --chart "$T/scorecard.png"
is_png "$T/scorecard.png" || fail "7.1 the scorecard's chart is not a PNG"
same "7.1 the scorecard's first row is England, every episode" "england,E92000001,England,$ALL" \
	"$(sed -n 2p "$T/out" | cut -d, -f1-4)"
same "7.2 then every placing LA" "$(sqlite3 "$S" "SELECT count(DISTINCT placing_la) FROM missing_episode")" \
	"$(($(wc -l <"$T/out") - 2))"
expect_exit 0 "$H" missing scorecard "$S" --by host --format csv --chart "$T/scorecard.svg" --measure median_hours
is_svg "$T/scorecard.svg" || fail "7.3 the scorecard's chart is not an SVG"
same "7.3 by host LA: every LA with a home that had an episode" \
	"$(sqlite3 "$S" "SELECT count(DISTINCT host_la) FROM missing_episode")" "$(($(wc -l <"$T/out") - 2))"
expect_exit 23 "$H" missing scorecard "$S" --csv --as dee
expect_err "of one financial year"
expect_exit 23 "$H" missing scorecard "$S" --from 2022-04-01 --to 2024-03-31 --csv --as dee
expect_err "a window of two years less one would give the other"
expect_exit 0 "$H" missing scorecard "$S" --from 2023-04-01 --to 2024-03-31 --csv --as dee --chart "$T/dfe_scorecard.png"
cp "$T/out" "$T/dfe_scorecard.csv"
is_png "$T/dfe_scorecard.png" || fail "7.4 DfE's scorecard chart"
expect_exit 0 "$H" missing trends "$S" --by fy --area la --from 2023-04-01 --to 2024-03-31 --csv --as dee
python3 - "$T/dfe_scorecard.csv" "$T/out" <<'PY' || fail "7.4 DfE's scorecard"
import csv, sys
sc, tr = [list(csv.DictReader(open(p))) for p in sys.argv[1:]]
assert sc[0]["area_code"] == "E92000001" and sc[0]["parent"] == "" and int(sc[0]["children"]) % 10 == 0, sc[0]
levels = {r["geographic_level"] for r in sc}
assert levels == {"england", "region", "la"}, levels
cols = ("period_id", "area_code", "parent", "episodes", "children", "children_repeat", "police_only", "la_only", "both")
assert [[r[c] for c in cols] for r in sc] == [[r[c] for c in cols] for r in tr], "the scorecard's counts differ from the trends'"
sup = sum(1 for r in sc for c in cols if r[c] == "c")
assert sup, "nothing suppressed: the comparison would prove nothing"
print(f"ok: 7.4 DfE's scorecard of one financial year: England (children rounded to 10), its regions and LAs, each naming its parent, every count as the trends by LA and financial year publish it ({sup} suppressed alike)")
PY
expect_exit 0 "$H" missing scorecard "$S" --by host --csv --as ana
same "7.5 police by host LA: the force's LAs and the scope's total" \
	"E08000032 E08000033 E08000034 E08000035 E08000036 scope" \
	"$(tail -n +2 "$T/out" | cut -d, -f2 | sort | tr '\n' ' ' | sed 's/ $//')"

# ---- 8: no pseudonym leaves; refusals leave the store as it was ----------------------
if grep -rl "$(printf '%064x' 1)" "$T" --include='*.csv' --include='*.svg' --include=out 2>/dev/null; then
	fail "8.1 a pseudonym is in an output"
fi
ok "8.1 no pseudonym in any output"
before=$(dump "$S")
expect_exit 2 "$H" missing trends "$S" --by week --area la
expect_err "--by 'week': use month, quarter, year or fy"
expect_exit 2 "$H" missing trends "$S" --by month --area ward
expect_exit 23 "$H" missing trends "$S" --by month --area la --from 2024-02-30
expect_err "'2024-02-30' is not a date"
expect_exit 2 "$H" missing trends "$S" --by month --area la --format xml
expect_exit 2 "$H" missing outliers "$S" --funnel "$T/funnel.pdf"
expect_exit 2 "$H" missing scorecard "$S" --by region
expect_err "--by 'region': use placing or host"
same "8.2 refused requests leave the store as it was" "$before" "$(dump "$S")"
