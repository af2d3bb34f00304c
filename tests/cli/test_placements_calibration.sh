#!/usr/bin/env bash
# test_placements_calibration.sh - the synthetic placements of the years to
# March 2021 to 2025 (tests/national_store.sh, haven synth), imported under
# a key into the national analysis store (real LA boundaries, homes geocoded),
# then 'haven placements locations' of the placements starting in each year,
# by placing LA and for England, compared with the DfE figures the generator
# was calibrated to (tests/placements_calibration_check.py): England's shares
# of DfE's five categories within 2 percentage points in every year, every
# LA-year with 100 or more placements within 5.  The same check on a table
# with two categories swapped fails, so it can.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}" "${HAVEN_NATIONAL:?run through ctest}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
H=$HAVEN_BIN
N=$HAVEN_NATIONAL
S=$T/cal.db
cp "$N/analysis.db" "$S"
chmod 600 "$S"
export HAVEN_USER=admin
DIST=$HAVEN_DATA_DIR/dfe/dfe_cla_new_placements_location_distance_by_la_2021-2025.csv.gz
# GDAL's Python bindings and numpy are the system Python's (the check shares DfE's words with
# synth_placements_check.py).
CHECK=(/usr/bin/python3 "$HAVEN_SOURCE_DIR/tests/placements_calibration_check.py" "$DIST")

"$H" -q key init "$T/k.key" >/dev/null
"$H" placements import "$S" "$N/synth/placements.csv" --key "$T/k.key" >"$T/import.out"
cat "$T/import.out"
YEARS="2021 2022 2023 2024 2025"
for y in $YEARS; do
	for by in la england; do
		"$H" -q placements locations "$S" --by "$by" --from "$((y - 1))-04-01" --to "$y-03-31" --csv >"$T/${by}_$y.csv"
	done
done
# shellcheck disable=SC2086
"${CHECK[@]}" "$T" $YEARS || fail "haven's measures of the synthetic placements are not DfE's shares"
echo "1 ok: haven's measures give DfE's shares back"

# 2. The check can fail: England 2025 with inside and outside under 20 miles swapped.
python3 - "$T/england_2025.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
for r in rows:
    r["inside_under_20"], r["outside_under_20"] = r["outside_under_20"], r["inside_under_20"]
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
PY
if "${CHECK[@]}" "$T" 2025 >"$T/wrong.out"; then
	fail "2: the check passed a table with two categories swapped"
fi
grep -q "^FAIL: England 2025: inside_under_20" "$T/wrong.out" || fail "2: failed for another reason: $(head -3 "$T/wrong.out")"
echo "2 ok: the check fails on a wrong table"
echo "all ok"
