#!/usr/bin/env bash
# test_assess_missing.sh - the missing-episode clusters and hot spots of a
# location risk profile (haven location assess, docs/assess.md), on the
# national fixture with the synthetic police episodes of 2022-23 imported
# (their planted hot spot at Leeds bus station, docs/synth.md).  Each user's
# profile is checked against what haven missing clusters and haven missing
# hotspots give the same user, measured independently (SpatiaLite's Distance
# on the released hulls; the released squares' distance in Python).
# Asserted, by numbered case:
#  1 West Yorkshire Police: the clusters within the radius and the nearest
#    (rounded to 100 m; at a place inside one, and at one 1.5 km away) are
#    those of its own 'missing clusters'; small clusters (fewer than 5
#    children) counted
#  2 Leeds City Council: the clusters of its 'missing clusters' (none drawn
#    around fewer than 5 children), fewer than the police count here
#  3 hot spots within the radius, by class, equal the hot squares of each
#    user's 'missing hotspots' (police, the LA, DfE with larger squares)
#  4 DfE (aggregates only): no count of clusters, the row says why
#  5 police of another force: none of West Yorkshire's clusters or hot spots
#  6 the map: police get the clusters' outlines (a second table, released
#    and audited), the LA none; the outlines lie within the radius
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_NATIONAL:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
N=$HAVEN_NATIONAL
S=$T/s.db
national_dfe_store "$S"
export HAVEN_USER=admin
"$H" -q authority add "$S" --kind police --code E23000010 --name "West Yorkshire Police"
"$H" -q authority add "$S" --kind police --code E23000035 --name "Devon and Cornwall Police"
"$H" -q authority add "$S" --kind la --code E08000035 --name "Leeds City Council"
"$H" -q user add "$S" --name ana --authority E23000010 --role analyst --default-purpose safeguarding
"$H" -q user add "$S" --name dev --authority E23000035 --role analyst --default-purpose safeguarding
"$H" -q user add "$S" --name lee --authority E08000035 --role analyst --default-purpose safeguarding
"$H" -q key init "$T/missing.key" >/dev/null
"$H" -q missing import "$S" "$N/synth/police_episodes.csv" --source police --key "$T/missing.key" >/dev/null
unset HAVEN_USER

# the place: Leeds bus station (a planted hot spot), 3 km
E=430600 NO=433400 R=3000
CL=(--of found --eps 150 --min-points 3)

# near.py CLUSTERS.csv: the hulls within R of the place, and the nearest
# (SpatiaLite's Distance, rounded as the profile rounds)
near() {
	python3 - "$1" <<PY | sqlite3 -cmd '.load mod_spatialite' :memory:
import csv
for r in csv.DictReader(open("$1")):
    if r["hull"]:
        print(f"SELECT {r['cluster']}, Distance(GeomFromText('{r['hull']}', 27700), MakePoint($E, $NO, 27700));")
PY
}
summary() { # near's output -> "count nearest-rounded"
	awk -F'|' -v r=$R '$2 <= r { n++; if (m == "" || $2 < m) m = $2 }
		END { if (!n) { print 0, "-"; exit }
		      d = int(m / 100 + 0.5) * 100; if (m == 0) d = "inside"; else if (d < 100) d = 100; print n, d }'
}
profile() { # profile CSV -> "count nearest-rounded" of its clusters row
	python3 - "$1" <<'PY'
import csv, re, sys
r = [x for x in csv.DictReader(open(sys.argv[1])) if x["section"] == "missing" and "clusters" in x["item"]][0]
m = re.search(r"about (\d+) m away", r["note"])
print(r["count"] or "-", "inside" if "lies inside" in r["note"] else m.group(1) if m else "-")
PY
}

# 1, 2. the clusters of each user
for who in ana lee; do
	expect_exit 0 "$H" missing clusters "$S" "${CL[@]}" --csv --as $who
	cp "$T/out" "$T/cl.$who.csv"
	want=$(near "$T/cl.$who.csv" | summary)
	expect_exit 0 "$H" location assess "$S" --point $E,$NO --radius $R "${CL[@]}" --csv --as $who
	cp "$T/out" "$T/as.$who.csv"
	got=$(profile "$T/as.$who.csv")
	[ "$got" = "$want" ] || fail "1/2: $who's profile counts clusters '$got', its missing clusters '$want'"
	echo "$who: $got"
done
read -r np _ <<<"$(profile "$T/as.ana.csv")"
read -r nl _ <<<"$(profile "$T/as.lee.csv")"
[ "$np" -gt "$nl" ] && [ "$nl" -ge 1 ] ||
	fail "1/2: the police count $np clusters, the LA $nl: the case tests nothing"
grep -q "fewer than 5 children are not counted" "$T/as.lee.csv" || fail "2: the LA's row does not say why"
# the nearest outside the place: 1.5 km east, within 2 km
E=432100 R=2000
want=$(near "$T/cl.ana.csv" | summary)
expect_exit 0 "$H" location assess "$S" --point $E,$NO --radius $R "${CL[@]}" --csv --as ana
got=$(profile "$T/out")
[ "$got" = "$want" ] && [[ "$want" =~ ^[1-9][0-9]*\ [0-9]+00$ ]] ||
	fail "1: 1.5 km east the profile counts '$got', missing clusters '$want'"
E=430600 R=3000
ok "1 police: $np clusters within $R m, as their missing clusters"
ok "2 the LA: $nl (none around fewer than 5 children), as its missing clusters"

# 3. hot spots: the hot squares within the radius, by class
hot() { # HOTSPOTS.csv PROFILE.csv
	python3 - "$1" "$2" $E $NO $R <<'PY'
import csv, math, sys
e, n, r = map(float, sys.argv[3:6])
k = {"hot 90%": 0, "hot 95%": 0, "hot 99%": 0}
for x in csv.DictReader(open(sys.argv[1])):
    if x["class"].startswith("hot"):
        # the square: its side from its name (e.g. 1000mE...)
        s = float(x["cell"].split("m")[0]); x0, y0 = float(x["easting"]), float(x["northing"])
        dx = max(0, x0 - e, e - (x0 + s)); dy = max(0, y0 - n, n - (y0 + s))
        if math.hypot(dx, dy) <= r:
            k[x["class"]] += 1
p = [x for x in csv.DictReader(open(sys.argv[2])) if x["section"] == "missing" and "hot spots" in x["item"]][0]
want = f"hot at 99%: {k['hot 99%']}, 95%: {k['hot 95%']}, 90%: {k['hot 90%']}"
assert p["count"] == str(sum(k.values())) and want in p["note"], (p, want)
print(sum(k.values()))
PY
}
for who in ana lee; do
	expect_exit 0 "$H" missing hotspots "$S" --cell 1000 --band 2000 --csv --as $who
	n=$(hot "$T/out" "$T/as.$who.csv") || fail "3: $who's hot spots differ from missing hotspots"
	[ "$n" -ge 1 ] || fail "3: no hot square near Leeds bus station for $who"
done
expect_exit 0 "$H" missing hotspots "$S" --cell 5000 --band 10000 --csv --as dee
cp "$T/out" "$T/hs.dee.csv"
expect_exit 0 "$H" location assess "$S" --point $E,$NO --radius $R "${CL[@]}" --cell 5000 --band 10000 --csv --as dee
cp "$T/out" "$T/as.dee.csv"
n=$(hot "$T/hs.dee.csv" "$T/as.dee.csv") || fail "3: DfE's hot spots differ from missing hotspots"
ok "3 hot spots within $R m as each user's missing hotspots (DfE: $n of 5 km squares)"

# 4. DfE: no count of clusters
python3 - "$T/as.dee.csv" <<'PY' || fail "4: DfE's clusters row"
import csv, sys
r = [x for x in csv.DictReader(open(sys.argv[1])) if x["section"] == "missing" and "clusters" in x["item"]][0]
assert r["count"] == "" and "not given to you" in r["note"] and "--table areas" in r["note"], r
PY
ok "4 DfE: no count of clusters, the row says why"

# 5. police of another force: nothing of West Yorkshire's
expect_exit 0 "$H" location assess "$S" --point $E,$NO --radius $R "${CL[@]}" --csv --as dev
[ "$(profile "$T/out")" = "0 -" ] || fail "5: Devon and Cornwall Police see clusters in Leeds: $(profile "$T/out")"
grep '^missing,missing-episode hot spots' "$T/out" | grep -q '^missing,[^,]*,0,' ||
	fail "5: Devon and Cornwall Police see hot spots in Leeds"
ok "5 police of another force: no cluster or hot spot in Leeds"

# 6. the map: outlines for police only
before=$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE object LIKE 'clusters of missing children near%'")
expect_exit 0 "$H" location assess "$S" --point $E,$NO --radius $R "${CL[@]}" --pdf "$T/ana.svg" --as ana
expect_exit 0 "$H" location assess "$S" --point $E,$NO --radius $R "${CL[@]}" --pdf "$T/lee.svg" --as lee
after=$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE object LIKE 'clusters of missing children near%'")
[ "$after" = $((before + 1)) ] || fail "6: the police's outlines were released $((after - before)) times, not once"
# the outlines' purple (0x6a1b9a) in the police's map alone
grep -q 'rgb(41.568627%,10.588235%,60.392157%)' "$T/ana.svg" || fail "6: no outline on the police's map"
! grep -q 'rgb(41.568627%,10.588235%,60.392157%)' "$T/lee.svg" || fail "6: the LA's map draws outlines"
ok "6 the police's map draws the clusters' outlines, the LA's none"
