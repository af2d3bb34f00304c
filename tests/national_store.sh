#!/usr/bin/env bash
# national_store.sh DIR - the national stores that slow tests copy instead
# of each loading the national boundaries again: the CTest fixture
# "national" (tests/CMakeLists.txt), built once per ctest run through the
# haven tool from the bundled open data.  A store is one file: a copy is
# cheap.
#   DIR/boundaries.db  owner hmci X00 "Test", first user admin (as
#                      tu_new_store makes): the la and pfa boundaries, and
#                      the postcode sample
# (a test that needs them in a store of another owner copies their rows
# with tests/tools/copy_rows)
#   DIR/register.db    that, with the synthetic national register of
#                      DIR/synth/register.csv (seed 5) imported as at
#                      2025-03-31 by admin; beside it in DIR/synth/ the
#                      police and LA episode files of the year to March
#                      2023 and the placements of the years to March 2021
#                      to 2025 (not imported), and synth's report (report.txt)
#   DIR/analysis.db    that, with the region and district boundaries
#                      loaded, the homes geocoded and DfE's children looked
#                      after imported (data/dfe): what analyses read
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}"
out=${1:?usage: national_store.sh DIR}
H=$HAVEN_BIN
D=$HAVEN_DATA_DIR
# Built beside DIR and put in place whole: a failed build leaves no half store.
rm -rf "$out" "$out.new"
mkdir -p "$out.new"
S=$out.new/boundaries.db
"$H" -q init "$S" --owner-kind hmci --owner-code X00 --owner-name Test --admin admin >/dev/null
"$H" -q boundaries load "$S" --kind la "$D/boundaries/ctyua_dec2024_en_bgc.geojson.gz" >/dev/null
"$H" -q boundaries load "$S" --kind pfa "$D/boundaries/pfa_dec2023_ew_bgc.geojson.gz" >/dev/null
"$H" -q gazetteer load "$S" "$D/postcodes/gb_postcodes_sample.csv.gz" >/dev/null
"$H" -q synth "$S" --from-ofsted "$D/ofsted/ofsted_provider_level_2025-03-31.csv.gz" --seed 5 \
	--out "$out.new/synth" --missing-from-dfe "$D/dfe/dfe_cla_missing_or_away_by_la_2019-2023.csv.gz" \
	--missing-years 2023 --placements-from-dfe "$D/dfe/dfe_cla_new_placements_location_distance_by_la_2021-2025.csv.gz" \
	--placements-netgain "$D/dfe/dfe_cla_placed_inside_outside_la_netgain_2019-2023.csv.gz" >"$out.new/report.txt"
mv "$out.new/report.txt" "$out.new/synth/report.txt"
cp "$S" "$out.new/register.db"
"$H" -q register import "$out.new/register.db" "$out.new/synth/register.csv" --received 2025-03-31 \
	--as admin >/dev/null
A=$out.new/analysis.db
cp "$out.new/register.db" "$A"
"$H" -q boundaries load "$A" --kind region "$D/boundaries/rgn_dec2023_en_bgc.geojson.gz" >/dev/null
"$H" -q boundaries load "$A" --kind district "$D/boundaries/lad_dec2024_en_bgc.geojson.gz" >/dev/null
"$H" -q geocode "$A" >/dev/null
"$H" -q stats import "$A" "$D/dfe/dfe_cla_number_and_rate_per_10k_by_la.csv.gz" >/dev/null
mv "$out.new" "$out"
echo "national stores in $out: $(ls "$out" | tr '\n' ' ')"
