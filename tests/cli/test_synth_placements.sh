#!/usr/bin/env bash
# test_synth_placements.sh - haven synth's placements file (docs/synth.md),
# checked by tests/synth_placements_check.py, which measures DfE's five
# categories itself (point in polygon over the bundled LA boundaries,
# distances in EPSG:27700 from the postcode districts' centroids) without
# haven's code:
#  1. the default run (2021-2025, with the net gain file and the episode
#     files): placements.csv 0600, the share and the origin rule in the
#     report, the format, England's shares within 2 points of DfE's in every
#     year, every LA-year with 100 or more placements within 5 points, the
#     number per LA-year DfE's times the share, the net gain per LA correlated
#     with DfE's and of its sign; children of the episode files placed at the
#     homes they go missing from;
#  2. the same seed gives the same bytes; the register and the episode files
#     are the same with or without the placements; another seed gives other
#     placements;
#  3. the checker fails on files that break the format, the calibration or
#     the episode files' homes;
#  4. bad options and bad DfE files are refused with their status, naming the
#     file and row, and write nothing; an existing file needs --force.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?}" "${HAVEN_SOURCE_DIR:?}"
H=$HAVEN_BIN
D=$HAVEN_DATA_DIR
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
OFSTED=$D/ofsted/ofsted_provider_level_2025-03-31.csv.gz
DIST=$D/dfe/dfe_cla_new_placements_location_distance_by_la_2021-2025.csv.gz
NETGAIN=$D/dfe/dfe_cla_placed_inside_outside_la_netgain_2019-2023.csv.gz
# GDAL's Python bindings are the system Python's (python3-gdal).
CHECK=(/usr/bin/python3 "$HAVEN_SOURCE_DIR/tests/synth_placements_check.py")
check() { # check DIR SHARE [EPISODES]
	"${CHECK[@]}" "$1" "$DIST" "$NETGAIN" "$D/postcodes/gb_postcodes_sample.csv.gz" \
		"$D/boundaries/ctyua_dec2024_en_bgc.geojson.gz" "$2" "${@:3}"
}
MISSING=$D/dfe/dfe_cla_missing_or_away_by_la_2019-2023.csv.gz
# The national fixture's store: the LA boundaries and the postcode sample.
S=$T/s.db
cp "${HAVEN_NATIONAL:?run through ctest}/boundaries.db" "$S"
synth() { "$H" synth "$S" --from-ofsted "$OFSTED" "$@"; }

# 1. The default run.
expect_exit 0 synth --seed 9 --out "$T/a" --placements-from-dfe "$DIST" --placements-netgain "$NETGAIN" \
	--missing-from-dfe "$MISSING" --missing-years 2021-2023
cp "$T/out" "$T/report"
expect_out "placements are of children of the episode files"
expect_out "new placements, years ending March 2021-2025: children's homes' share of DfE's figures 0.125"
expect_out "empty exactly for DfE's 'not known'"
expect_out "host LAs fitted to DfE's net gain"
[ "$(stat -c %a "$T/a/placements.csv")" = 600 ] || fail "1: placements.csv is not 0600"
rows=$(($(wc -l <"$T/a/placements.csv") - 1))
grep -q "placements.csv ($rows rows)" "$T/report" || fail "1: the report does not say the file's $rows rows"
check "$T/a" 0.125 "$T/a/police_episodes.csv" >"$T/check" || { cat "$T/check"; fail "1: the default run"; }
cat "$T/check"
echo "1 ok: 2021-2025 calibrated"

# 2. Deterministic for a seed; the register unchanged by the placements.
synth --seed 9 --out "$T/b" --placements-from-dfe "$DIST" --placements-netgain "$NETGAIN" \
	--missing-from-dfe "$MISSING" --missing-years 2021-2023 >/dev/null
cmp "$T/a/placements.csv" "$T/b/placements.csv" || fail "2: placements.csv differs for the same seed"
cmp "$T/a/register.csv" "$T/b/register.csv" || fail "2: register.csv differs for the same seed"
synth --seed 9 --out "$T/r" --missing-from-dfe "$MISSING" --missing-years 2021-2023 >/dev/null
for f in register police_episodes la_episodes; do
	cmp "$T/a/$f.csv" "$T/r/$f.csv" || fail "2: $f.csv differs with placements"
done
[ ! -e "$T/r/placements.csv" ] || fail "2: placements.csv without --placements-from-dfe"
synth --seed 10 --out "$T/c" --placements-from-dfe "$DIST" --placements-netgain "$NETGAIN" >/dev/null
cmp -s <(tail -n +2 "$T/a/placements.csv") <(tail -n +2 "$T/c/placements.csv") &&
	fail "2: another seed gives the same placements"
echo "2 ok: deterministic"

# 3. The checker can fail: another header, a fifth of the origins dropped
#    (more not known than DfE's), every placement moved to one home.
bad() { # bad CASE FILTER MESSAGE
	mkdir -p "$T/bad$1"
	cp "$T/a/register.csv" "$T/bad$1/"
	python3 -c "$2" <"$T/a/placements.csv" >"$T/bad$1/placements.csv"
	if check "$T/bad$1" 0.125 >"$T/bad.out" 2>&1; then
		fail "3.$1: the checker passed a bad file"
	fi
	grep -q "$3" "$T/bad.out" || { cat "$T/bad.out"; fail "3.$1: the checker failed for another reason"; }
}
bad 1 'import sys; [sys.stdout.write(l.replace("origin_district", "origin", 1)) for l in sys.stdin]' "the header"
bad 2 'import sys
for i, l in enumerate(sys.stdin):
    f = l.rstrip("\r\n").split(",")
    if i and i % 5 == 0: f[5] = ""
    sys.stdout.write(",".join(f) + "\r\n")' "England's"
# Birmingham's placements: every other one moved to an old home in Cornwall.
urn=$(python3 -c 'import csv, sys
print(next(r["urn"] for r in csv.DictReader(open(sys.argv[1])) if r["local_authority"] == "E06000052"
           and r["registration_date"] < "2015-01-01"))' "$T/a/register.csv")
bad 3 "import sys
for i, l in enumerate(sys.stdin):
    f = l.rstrip('\r\n').split(',')
    if i and f[1] == 'E08000025' and i % 2: f[2] = '$urn'
    sys.stdout.write(','.join(f) + '\r\n')" "E08000025"
# A child of the episode files placed at another home than the one they go missing from.
mkdir -p "$T/bad4"
cp "$T/a/register.csv" "$T/a/police_episodes.csv" "$T/bad4/"
python3 -c 'import csv, sys
ids = {r["child_id"] for r in csv.DictReader(open(sys.argv[1]))}
done = False
for i, l in enumerate(sys.stdin):
    f = l.rstrip("\r\n").split(",")
    if i and not done and f[0] in ids and f[2] != sys.argv[2]:
        f[2], done = sys.argv[2], True
    sys.stdout.write(",".join(f) + "\r\n")' "$T/a/police_episodes.csv" "$urn" <"$T/a/placements.csv" >"$T/bad4/placements.csv"
if check "$T/bad4" 0.125 "$T/bad4/police_episodes.csv" >"$T/bad.out" 2>&1; then
	fail "3.4: the checker passed a child placed away from the home they went missing from"
fi
grep -q "went missing from" "$T/bad.out" || { cat "$T/bad.out"; fail "3.4: the checker failed for another reason"; }
echo "3 ok: the checker fails bad files"

# 4. Bad input: refused with its status, nothing written.
for share in 0 1.5 abc -0.2; do
	expect_exit 2 synth --seed 1 --out "$T/e" --placements-from-dfe "$DIST" --placements-share "$share"
	expect_err "placements-share wants a number above 0"
done
expect_exit 2 synth --seed 1 --out "$T/e" --placements-netgain "$NETGAIN"
expect_err "need --placements-from-dfe"
# Another DfE file, without the columns of this one.
expect_exit 21 synth --seed 1 --out "$T/e" --placements-from-dfe "$D/dfe/dfe_cla_missing_or_away_by_la_2019-2023.csv.gz"
expect_err "dfe_cla_missing_or_away_by_la_2019-2023.csv.gz: no 'characteristic' column"
expect_exit 21 synth --seed 1 --out "$T/e" --placements-from-dfe "$DIST" --placements-netgain "$DIST"
expect_err "no 'number' column"
# A figure that is neither a number nor a symbol: file and row.
zcat "$DIST" | awk 'NR == 1 || done || !/Local authority/ { print; next } { sub(/,[0-9]+,[0-9]+\r?$/, ",12a,5"); done = NR; print } END { print done > "/dev/stderr" }' \
	2>"$T/badrow" >"$T/dist_bad.csv"
row=$(cat "$T/badrow")
expect_exit 23 synth --seed 1 --out "$T/e" --placements-from-dfe "$T/dist_bad.csv"
expect_err "dist_bad.csv: row $row: children_count '12a' is neither a count nor a GSS symbol"
[ ! -e "$T/e/register.csv" ] && [ ! -e "$T/e/placements.csv" ] || fail "4: a refused run wrote files"
# An existing placements.csv is kept without --force, replaced with it.
mkdir -p "$T/f"
cp "$T/c/placements.csv" "$T/f/placements.csv"
expect_exit 3 synth --seed 4 --out "$T/f" --placements-from-dfe "$DIST"
expect_err "placements.csv.*not replaced without --force"
cmp "$T/f/placements.csv" "$T/c/placements.csv" || fail "4: a refused run changed placements.csv"
[ ! -e "$T/f/register.csv" ] || fail "4: a refused run wrote the register"
expect_exit 0 synth --seed 4 --out "$T/f" --placements-from-dfe "$DIST" --force
expect_out "host LAs by places (no net gain file)"
cmp -s "$T/f/placements.csv" "$T/c/placements.csv" && fail "4: --force did not replace placements.csv"
echo "4 ok: bad input refused"
echo "test_synth_placements: all passed"
