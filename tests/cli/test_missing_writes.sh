#!/usr/bin/env bash
# test_missing_writes.sh - an import writes only the episodes that changed
# (docs/missing.md, "One record of each episode"), and each episode's points
# are its reports' (docs/missing.md, "The store").  Numbered cases:
#   1  after the police file and the LA file: every episode's last-seen and
#      found point is SpatiaLite's point (EPSG:27700) of the report it came
#      from (the police report's where it has one, else the LA's)
#   2  the LA file leaves the police-only episodes it does not pair as they
#      were and rewrites the ones it pairs in place (the same rows)
#   3  a correction rewrites its episode only; the points follow
#   4  a new tolerance links every group again; the points follow, and the
#      episodes it does not change keep their rows
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_FIXTURES:?run through ctest}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
S=$T/store.db
F=$HAVEN_FIXTURES/missing
H=$HAVEN_BIN
# check CASE WANT GOT
check() {
	[ "$2" = "$3" ] || fail "$1: got '$3', want '$2'"
	echo "ok: $1"
}
q() { sqlite3 -cmd ".load mod_spatialite" "$S" "$1"; }
import() { "$H" -q missing import "$S" "$@" >/dev/null; }
missing_store "$S"
K=$T/missing.key
"$H" key init "$K" >/dev/null

# points WHAT: 'ok', or what is wrong with the episodes' points WHAT
# (last_seen or found): each the point of the report it came from.
points() {
	q "SELECT CASE
	     WHEN EXISTS (SELECT 1 FROM missing_episode e
	                  LEFT JOIN missing_report p ON p.id = e.police_report
	                  LEFT JOIN missing_report l ON l.id = e.la_report
	                  WHERE NOT ((e.$1_x IS NULL AND e.$1_y IS NULL AND coalesce(p.$1_x, l.$1_x) IS NULL)
	                     OR (e.$1_x = coalesce(p.$1_x, l.$1_x) AND e.$1_y = coalesce(p.$1_y, l.$1_y))))
	     THEN 'a point that is not its report''s'
	     WHEN (SELECT count($1_x) FROM missing_episode) = 0 THEN 'no point at all'
	     ELSE 'ok' END"
}
# rows: every episode as id and reports, in order.
rows() { q "SELECT group_concat(id || ':' || ifnull(police_report, '-') || '/' || ifnull(la_report, '-'), ' ')
            FROM (SELECT * FROM missing_episode ORDER BY id)"; }

# ---- 1: the police file, then the LA file -------------------------------------------
import "$F/police.csv" --source police --key "$K"
check "1.1 last seen points after the police file" ok "$(points last_seen)"
check "1.2 found points after the police file" ok "$(points found)"
police_only=$(q "SELECT group_concat(id || ':' || police_report, ' ') FROM (SELECT * FROM missing_episode ORDER BY id)")
import "$F/la.csv" --source la --key "$K"
check "1.3 last seen points after the LA file" ok "$(points last_seen)"
check "1.4 found points after the LA file" ok "$(points found)"

# ---- 2: the LA file writes only what it pairs or adds ------------------------------
unpaired=$(q "SELECT group_concat(id || ':' || police_report, ' ')
              FROM (SELECT * FROM missing_episode WHERE la_report IS NULL ORDER BY id)")
[ -n "$unpaired" ] || fail "2.1 the fixtures have no police-only episode"
for pair in $unpaired; do
	[[ " $police_only " == *" $pair "* ]] || fail "2.1 police-only episode $pair was written again"
done
echo "ok: 2.1 the police-only episodes the LA file does not pair keep their rows ($unpaired)"
paired=$(q "SELECT group_concat(id || ':' || police_report, ' ')
            FROM (SELECT * FROM missing_episode WHERE la_report IS NOT NULL AND police_report IS NOT NULL ORDER BY id)")
[ -n "$paired" ] || fail "2.2 the fixtures have no episode with both reports"
for pair in $paired; do
	[[ " $police_only " == *" $pair "* ]] || fail "2.2 paired episode $pair is not the police episode's row"
done
echo "ok: 2.2 an episode the LA file pairs is the police episode's row rewritten ($paired)"

# ---- 3: a correction rewrites its own episode ------------------------------------
before=$(rows)
sed 's/^GMP-001,\(.*\),2025-03-02 03:00,/GMP-001,\1,2025-03-02 04:30,/' "$F/police.csv" >"$T/police_v2.csv"
grep -q "2025-03-02 04:30" "$T/police_v2.csv" || fail "3 fixture edit"
import "$T/police_v2.csv" --source police --key "$K"
after=$(rows)
changed=$(comm -3 <(tr ' ' '\n' <<<"$before" | sort) <(tr ' ' '\n' <<<"$after" | sort) | wc -l)
check "3.1 one episode rewritten" 2 "$changed"
check "3.2 last seen points after the correction" ok "$(points last_seen)"
check "3.3 found points after the correction" ok "$(points found)"

# ---- 4: a new tolerance links every group again ----------------------------------
before=$(rows)
import "$F/la.csv" --source la --key "$K" --tolerance 23.99
check "4.1 last seen points after a new tolerance" ok "$(points last_seen)"
check "4.2 found points after a new tolerance" ok "$(points found)"
after=$(rows)
common=$(comm -12 <(tr ' ' '\n' <<<"$before" | sort) <(tr ' ' '\n' <<<"$after" | sort) | wc -l)
[ "$common" -gt 0 ] && [ "$before" != "$after" ] || fail "4.3 kept $common of the episodes"
echo "ok: 4.3 the split episode rewritten, the rest kept ($common)"
import "$F/la.csv" --source la --key "$K" --tolerance 24
check "4.4 points after the tolerance is restored" "ok ok" "$(points last_seen) $(points found)"
check "4.5 the same episodes as before the split (by their reports)" \
	"$(tr ' ' '\n' <<<"$before" | sed 's/^[0-9]*://' | sort | tr '\n' ' ')" \
	"$(tr ' ' '\n' <<<"$(rows)" | sed 's/^[0-9]*://' | sort | tr '\n' ' ')"
echo "all ok"
