#!/usr/bin/env bash
# test_missing_index.sh - the missing episodes' points stay found by bounding
# box (docs/missing.md, "The store"), and an import writes only the episodes
# that changed.  Numbered cases:
#   1  after the police file and the LA file: every point has one R*Tree
#      entry, its box holds the point, and no entry is left without one
#   2  the LA file leaves the police-only episodes it does not pair as they
#      were and rewrites the ones it pairs in place (the same rows), and a
#      box round a place finds its episode
#   3  a correction rewrites its episode only; the index follows
#   4  a new tolerance links every group again; the index follows, and the
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

# indexed WHAT: 'ok', or what is wrong with R*Tree missing_episode_WHAT.
indexed() {
	q "SELECT CASE
	     WHEN (SELECT count(*) FROM missing_episode WHERE $1 IS NOT NULL)
	          <> (SELECT count(*) FROM missing_episode_$1) THEN 'counts differ'
	     WHEN EXISTS (SELECT 1 FROM missing_episode_$1 r LEFT JOIN missing_episode e ON e.id = r.id
	                  WHERE e.$1 IS NULL OR NOT (r.xmin <= X(e.$1) AND X(e.$1) <= r.xmax
	                        AND r.ymin <= Y(e.$1) AND Y(e.$1) <= r.ymax) OR r.xmax - r.xmin > 0.5
	                        OR r.ymax - r.ymin > 0.5) THEN 'an entry without its point'
	     ELSE 'ok' END"
}
# rows: every episode as id and reports, in order.
rows() { q "SELECT group_concat(id || ':' || ifnull(police_report, '-') || '/' || ifnull(la_report, '-'), ' ')
            FROM (SELECT * FROM missing_episode ORDER BY id)"; }

# ---- 1: the police file, then the LA file -------------------------------------------
import "$F/police.csv" --source police --key "$K"
check "1.1 last seen indexed after the police file" ok "$(indexed last_seen)"
check "1.2 found indexed after the police file" ok "$(indexed found)"
[ "$(q "SELECT count(*) FROM missing_episode_last_seen")" -gt 0 ] || fail "1.3 no point indexed"
echo "ok: 1.3 points indexed"
police_only=$(q "SELECT group_concat(id || ':' || police_report, ' ') FROM (SELECT * FROM missing_episode ORDER BY id)")
import "$F/la.csv" --source la --key "$K"
check "1.4 last seen indexed after the LA file" ok "$(indexed last_seen)"
check "1.5 found indexed after the LA file" ok "$(indexed found)"

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
# A box of 2 km round the place GMP-001 was last seen finds its episode.
ls=$(q "SELECT X(e.last_seen) || ' ' || Y(e.last_seen) FROM missing_episode e JOIN missing_report r ON r.id = e.police_report WHERE r.source_ref = 'GMP-001'")
read -r x y <<<"$ls"
check "2.3 a bounding box finds the episode" GMP-001 \
	"$(q "SELECT r.source_ref FROM missing_episode_last_seen i JOIN missing_episode e ON e.id = i.id
	      JOIN missing_report r ON r.id = e.police_report
	      WHERE i.xmin <= $x + 1000 AND i.xmax >= $x - 1000 AND i.ymin <= $y + 1000 AND i.ymax >= $y - 1000
	        AND r.source_ref = 'GMP-001'")"
check "2.4 a box elsewhere does not" 0 \
	"$(q "SELECT count(*) FROM missing_episode_last_seen WHERE xmax < 1000 AND ymax < 1000")"

# ---- 3: a correction rewrites its own episode ------------------------------------
before=$(rows)
sed 's/^GMP-001,\(.*\),2025-03-02 03:00,/GMP-001,\1,2025-03-02 04:30,/' "$F/police.csv" >"$T/police_v2.csv"
grep -q "2025-03-02 04:30" "$T/police_v2.csv" || fail "3 fixture edit"
import "$T/police_v2.csv" --source police --key "$K"
after=$(rows)
changed=$(comm -3 <(tr ' ' '\n' <<<"$before" | sort) <(tr ' ' '\n' <<<"$after" | sort) | wc -l)
check "3.1 one episode rewritten" 2 "$changed"
check "3.2 last seen indexed after the correction" ok "$(indexed last_seen)"
check "3.3 found indexed after the correction" ok "$(indexed found)"

# ---- 4: a new tolerance links every group again ----------------------------------
before=$(rows)
import "$F/la.csv" --source la --key "$K" --tolerance 23.99
check "4.1 last seen indexed after a new tolerance" ok "$(indexed last_seen)"
check "4.2 found indexed after a new tolerance" ok "$(indexed found)"
after=$(rows)
common=$(comm -12 <(tr ' ' '\n' <<<"$before" | sort) <(tr ' ' '\n' <<<"$after" | sort) | wc -l)
[ "$common" -gt 0 ] && [ "$before" != "$after" ] || fail "4.3 kept $common of the episodes"
echo "ok: 4.3 the split episode rewritten, the rest kept ($common)"
import "$F/la.csv" --source la --key "$K" --tolerance 24
check "4.4 indexed after the tolerance is restored" "ok ok" "$(indexed last_seen) $(indexed found)"
check "4.5 the same episodes as before the split (by their reports)" \
	"$(tr ' ' '\n' <<<"$before" | sed 's/^[0-9]*://' | sort | tr '\n' ' ')" \
	"$(tr ' ' '\n' <<<"$(rows)" | sed 's/^[0-9]*://' | sort | tr '\n' ' ')"
echo "all ok"
