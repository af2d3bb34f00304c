#!/usr/bin/env bash
# test_synth_missing.sh - haven synth's missing-from-care episode files
# (docs/synth.md), checked by tests/synth_missing_check.py, which reads them,
# DfE's file and the contract in docs/formats.md without haven's code:
#  1. the default run (2019-2023): files 0600, the share in the report, the
#     format exactly as the contract, every episode counted once (police and
#     LA records paired on child, home and start within 24 h) within 2 % of
#     DfE's scaled national figures and 10 % of every LA's with 100 or more
#     scaled incidents, in every year; the patterns docs/synth.md promises;
#  2. the same seed gives the same bytes; the register is the same with or
#     without episode files; another seed gives other episodes; 2023 alone
#     is 2023 of the five years;
#  3. one year (--missing-years) and another share (--missing-share) are
#     calibrated the same way;
#  4. the checker fails on files that break the contract or the calibration;
#  5. bad options and bad DfE files are refused with their status, naming the
#     file and row, and write nothing; existing files need --force.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?}" "${HAVEN_SOURCE_DIR:?}"
H=$HAVEN_BIN
D=$HAVEN_DATA_DIR
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
OFSTED=$D/ofsted/ofsted_provider_level_2025-03-31.csv.gz
DFE=$D/dfe/dfe_cla_missing_or_away_by_la_2019-2023.csv.gz
CHECK=(python3 "$HAVEN_SOURCE_DIR/tests/synth_missing_check.py")
DOCS=("$HAVEN_SOURCE_DIR/docs/formats.md" "$HAVEN_SOURCE_DIR/docs/synth.md")
S=$T/s.db
"$H" -q init "$S" --owner-kind hmci --owner-code X00 --owner-name Test >/dev/null
"$H" -q boundaries load "$S" --kind la "$D/boundaries/ctyua_dec2024_en_bgc.geojson.gz" >/dev/null
"$H" -q gazetteer load "$S" "$D/postcodes/gb_postcodes_sample.csv.gz" >/dev/null
synth() { "$H" synth "$S" --from-ofsted "$OFSTED" "$@"; }

# 1. The default run.
expect_exit 0 synth --seed 9 --out "$T/a" --missing-from-dfe "$DFE"
cp "$T/out" "$T/report"
expect_out "years ending March 2019-2023: children's homes' share of DfE's figures 0.35"
expect_out "police_episodes.csv ([0-9]* rows)"
for f in register police_episodes la_episodes; do
	[ "$(stat -c %a "$T/a/$f.csv")" = 600 ] || fail "1: $f.csv is not 0600"
done
"${CHECK[@]}" "$T/a" "$DFE" "${DOCS[@]}" 0.35 2019 2023 || fail "1: the default run"
# The report's counts are the files' rows.
for f in police la; do
	rows=$(($(wc -l <"$T/a/${f}_episodes.csv") - 1))
	grep -q "${f}_episodes.csv ($rows rows)" "$T/report" || fail "1: the report does not say $f's $rows rows"
done
echo "1 ok: 2019-2023 calibrated"

# 2. Deterministic for a seed; the register unchanged by the episodes.
synth --seed 9 --out "$T/b" --missing-from-dfe "$DFE" >/dev/null
synth --seed 9 --out "$T/r" >/dev/null
for f in register police_episodes la_episodes; do
	cmp "$T/a/$f.csv" "$T/b/$f.csv" || fail "2: $f.csv differs for the same seed"
done
cmp "$T/a/register.csv" "$T/r/register.csv" || fail "2: the register differs with episode files"
[ ! -e "$T/r/police_episodes.csv" ] || fail "2: episode files without --missing-from-dfe"
synth --seed 10 --out "$T/c" --missing-from-dfe "$DFE" --missing-years 2023 >/dev/null
synth --seed 9 --out "$T/c9" --missing-from-dfe "$DFE" --missing-years 2023 >/dev/null
cmp -s "$T/c/la_episodes.csv" "$T/c9/la_episodes.csv" && fail "2: another seed gives the same episodes"
# A year's rows do not depend on the other years generated.
for f in police la; do
	cmp <(awk -F, 'NR == 1 || $5 >= "2022-04-01"' "$T/a/${f}_episodes.csv") \
		"$T/c9/${f}_episodes.csv" || fail "2: 2023 alone is not 2023 of 2019-2023 ($f)"
done
echo "2 ok: deterministic"

# 3. One year, another share.
"${CHECK[@]}" "$T/c" "$DFE" "${DOCS[@]}" 0.35 2023 2023 || fail "3: 2023 alone"
expect_exit 0 synth --seed 3 --out "$T/d" --missing-from-dfe "$DFE" --missing-years 2021-2022 --missing-share 0.5
expect_out "years ending March 2021-2022: children's homes' share of DfE's figures 0.50"
"${CHECK[@]}" "$T/d" "$DFE" "${DOCS[@]}" 0.5 2021 2022 || fail "3: 2021-2022 at 0.5"
echo "3 ok: one year, another share"

# 4. The checker can fail: a risk word outside the contract, a date in
#    another form, a fifth of one large LA's children gone, calibration
#    against another share.
bad() { # bad CASE FILTER MESSAGE: the 2023 files with FILTER applied to both episode files
	mkdir -p "$T/bad$1"
	cp "$T/c/register.csv" "$T/bad$1/"
	for f in police la; do
		python3 -c "$2" <"$T/c/${f}_episodes.csv" >"$T/bad$1/${f}_episodes.csv"
	done
	if "${CHECK[@]}" "$T/bad$1" "$DFE" "${DOCS[@]}" 0.35 2023 2023 >"$T/bad.out" 2>&1; then
		fail "4.$1: the checker passed a bad file"
	fi
	grep -q "$3" "$T/bad.out" || { cat "$T/bad.out"; fail "4.$1: the checker failed for another reason"; }
}
bad 1 'import sys; [sys.stdout.write(l.replace(",medium,", ",moderate,", 1)) for l in sys.stdin]' "risk 'moderate'"
bad 2 'import sys, re; [sys.stdout.write(re.sub(r",(\d{4})-(\d\d)-(\d\d) (\d\d:\d\d):00,", r",\3/\2/\1 \4,", l, 1)) for l in sys.stdin]' \
	"is not YYYY-MM-DD HH:MM:SS"
bad 3 'import sys
for l in sys.stdin:
    if not (",E08000025," in l and int(l.split(",")[1][-5:]) % 5 == 0): sys.stdout.write(l)' "E08000025 2023: incidents"
if "${CHECK[@]}" "$T/c" "$DFE" "${DOCS[@]}" 0.3 2023 2023 >"$T/bad.out" 2>&1; then
	fail "4.4: the checker passed files made for another share"
fi
grep -q "more than 2% apart" "$T/bad.out" || fail "4.4: $(cat "$T/bad.out")"
echo "4 ok: the checker fails bad files"

# 5. Bad input: refused with its status, nothing written.
expect_exit 2 synth --seed 1 --out "$T/e" --missing-from-dfe "$DFE" --missing-years 2018
expect_err "from 2019 to 2023"
expect_exit 2 synth --seed 1 --out "$T/e" --missing-from-dfe "$DFE" --missing-years 2023-2021
expect_exit 2 synth --seed 1 --out "$T/e" --missing-from-dfe "$DFE" --missing-years 20x3
expect_err "wants YYYY or YYYY-YYYY"
for share in 0 1.5 abc -0.2; do
	expect_exit 2 synth --seed 1 --out "$T/e" --missing-from-dfe "$DFE" --missing-share "$share"
	expect_err "missing-share wants a number above 0"
done
expect_exit 2 synth --seed 1 --out "$T/e" --missing-years 2023
expect_err "need --missing-from-dfe"
[ ! -e "$T/e/register.csv" ] || fail "5: a refused run wrote the register"
# Another DfE file, without the columns of this one.
expect_exit 21 synth --seed 1 --out "$T/e" --missing-from-dfe "$D/dfe/dfe_cla_number_and_rate_per_10k_by_la.csv.gz"
expect_err "dfe_cla_number_and_rate_per_10k_by_la.csv.gz: no 'CLA_group' column"
# A figure that is neither a number nor a symbol: file and row.
zcat "$DFE" | awk -F, 'NR == 1 || !done && /Local authority/ && /Number of missing incidents/ { if (NR > 1) { sub(/,[0-9]+\r?$/, ",12a"); done = NR } } { print } END { print done > "/dev/stderr" }' \
	2>"$T/badrow" >"$T/dfe_bad.csv"
row=$(cat "$T/badrow")
expect_exit 23 synth --seed 1 --out "$T/e" --missing-from-dfe "$T/dfe_bad.csv"
expect_err "dfe_bad.csv: row $row: number '12a' is neither a count nor a GSS symbol"
# A year DfE's file does not hold.
zcat "$DFE" | grep -v "^2023," >"$T/dfe_2019_2022.csv"
expect_exit 23 synth --seed 1 --out "$T/e" --missing-from-dfe "$T/dfe_2019_2022.csv"
expect_err "year ending March 2023"
for f in register police_episodes la_episodes; do
	[ ! -e "$T/e/$f.csv" ] || fail "5: a refused run left $f.csv"
done
# Existing files are kept without --force (an episode file alone too), replaced with it.
mkdir -p "$T/f"
cp "$T/c/police_episodes.csv" "$T/f/police_episodes.csv"
expect_exit 3 synth --seed 4 --out "$T/f" --missing-from-dfe "$DFE" --missing-years 2023
expect_err "police_episodes.csv.*not replaced without --force"
cmp "$T/f/police_episodes.csv" "$T/c/police_episodes.csv" || fail "5: a refused run changed police_episodes.csv"
[ ! -e "$T/f/register.csv" ] && [ ! -e "$T/f/la_episodes.csv" ] || fail "5: a refused run wrote files"
expect_exit 0 synth --seed 4 --out "$T/f" --missing-from-dfe "$DFE" --missing-years 2023 --force
cmp -s "$T/f/police_episodes.csv" "$T/c/police_episodes.csv" && fail "5: --force did not replace police_episodes.csv"
echo "5 ok: bad input refused"
echo "test_synth_missing: all passed"
