#!/usr/bin/env bash
# test_missing_calibration.sh - the synthetic police and LA episode files of
# the year to March 2023 (tests/national_store.sh, haven synth), imported
# under a key and linked, then 'haven missing trends --by fy' by placing LA
# and for England, compared with the DfE figures the generator was
# calibrated to (tests/missing_calibration_check.py): England within 2 %,
# every LA with 100 or more incidents within 10 %, for episodes, children
# and children missing more than once.
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
share=$(sed -n "s/^missing from care, .*children's homes' share of DfE's figures \([0-9.]*\).*/\1/p" "$N/synth/report.txt")
[ -n "$share" ] || fail "synth's report gives no share: $(cat "$N/synth/report.txt")"

"$H" -q key init "$T/missing.key" >/dev/null
"$H" missing import "$S" "$N/synth/police_episodes.csv" --source police --key "$T/missing.key" >"$T/police.out"
"$H" missing import "$S" "$N/synth/la_episodes.csv" --source la --key "$T/missing.key" >"$T/la.out"
cat "$T/police.out" "$T/la.out"
for area in la england; do
	"$H" -q missing trends "$S" --by fy --area "$area" --from 2022-04-01 --to 2023-03-31 --csv >"$T/$area.csv"
done
python3 "$HAVEN_SOURCE_DIR/tests/missing_calibration_check.py" "$T/la.csv" "$T/england.csv" \
	"$HAVEN_DATA_DIR/dfe/dfe_cla_missing_or_away_by_la_2019-2023.csv.gz" "$share" 2023 ||
	fail "haven's trends of the synthetic episodes are not DfE's figures scaled by $share"
# The check can fail: the same trends against another share are refused.
if python3 "$HAVEN_SOURCE_DIR/tests/missing_calibration_check.py" "$T/la.csv" "$T/england.csv" \
	"$HAVEN_DATA_DIR/dfe/dfe_cla_missing_or_away_by_la_2019-2023.csv.gz" 0.3 2023 >"$T/wrong.out"; then
	fail "the calibration check passed DfE's figures scaled by 0.3"
fi
grep -q "^FAIL: England 2022-23: episodes" "$T/wrong.out" || fail "the wrong share failed for another reason: $(head -3 "$T/wrong.out")"
echo "all ok"
