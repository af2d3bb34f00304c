#!/usr/bin/env bash
# test_stats.sh - load the bundled DfE file of children looked after through
# the CLI; check the counts it prints, and figures of England, regions and
# a spread of LAs, against the file as python3's csv module reads it; then
# check that bad files and a user who is not an admin exit with their status
# and leave the store exactly as it was.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"

cla="$HAVEN_DATA_DIR/dfe/dfe_cla_number_and_rate_per_10k_by_la.csv.gz"
ds=dfe_cla_number_and_rate_per_10k_by_la
store="$T/dfe.db"
"$H" -q init "$store" --owner-kind dfe --owner-code DFE --owner-name "Department for Education" >/dev/null

# What the file holds, read independently: rows, figures (every indicator
# of every row), symbols, and the lookups checked below with their answers.
python3 - "$cla" >"$T/expected" <<'PY'
import csv, gzip, sys
with gzip.open(sys.argv[1], "rt", encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f))
indicators = ["population_estimate", "children_count", "rate_per_10000"]
symbols = sum(r[i] in ("c", "k", "low", "u", "x", "z") for r in rows for i in indicators)
print("rows", len(rows))
print("figures", len(rows) * len(indicators))
print("symbols", symbols)
def code(r):
    return {"National": r["country_code"], "Regional": r["region_code"]}.get(r["geographic_level"], r["new_la_code"])
# The two denominators (children under 18, and looked after at 31 March)
# in 2021 and 2025: England, London, Inner London, every twentieth LA, and
# LAs with a quoted comma in their name, c, z, x, and one that split.
las = sorted({r["new_la_code"] for r in rows if r["geographic_level"] == "Local authority"})
areas = {"E92000001", "E12000007", "E13000001"} | set(las[::20])
areas |= {"E06000010", "E09000001", "E06000053", "E06000063", "E10000006"}
for r in rows:
    if (r["time_period"] in ("2021", "2025") and code(r) in areas
            and r["population_type"] == "Children looked after on 31 March each year"):
        for i in ("population_estimate", "children_count"):
            print("lookup", r["time_period"], code(r), i, r["population_type"], r[i], sep="\t")
PY
want() { sed -n "s/^$1 //p" "$T/expected"; }

expect_exit 0 "$H" stats import "$store" "$cla"
cat "$T/out"
field() { sed -n "s|^$1: ||p" "$T/out"; }
[ "$(field 'rows read')" = "$(want rows)" ] || fail "rows read $(field 'rows read'), want $(want rows)"
[ "$(field figures)" = "$(want figures)" ] || fail "figures $(field figures), want $(want figures)"
[ "$(field symbols)" = "$(want symbols)" ] || fail "symbols $(field symbols), want $(want symbols)"
[ "$(field indicators)" = 3 ] && [ "$(field filters)" = 1 ] && [ "$(field replaced)" = 0 ] ||
	fail "indicators, filters, replaced: $(field indicators) $(field filters) $(field replaced)"
grep -q "^loaded dataset $ds from " "$T/out" || fail "the dataset is not named after the file"
echo "ok import counts agree with the file"

# England's children looked after at 31 March 2025: 81,770.
expect_exit 0 "$H" stats value "$store" --dataset "$ds" --indicator children_count --period 2025 --area E92000001 \
	--filter "population_type=Children looked after on 31 March each year"
[ "$(cat "$T/out")" = 81770 ] || fail "England 2025: $(cat "$T/out")"

# Every lookup the file answers, the same through haven (numbers, and
# symbols as symbols).
n=0
while IFS=$'\t' read -r _ period area indicator ptype value; do
	got=$("$H" stats value "$store" --dataset "$ds" --indicator "$indicator" --period "$period" --area "$area" \
		--filter "population_type=$ptype")
	[ "$got" = "$value" ] || fail "$period $area $indicator '$ptype': haven says '$got', the file '$value'"
	n=$((n + 1))
done < <(grep '^lookup' "$T/expected")
[ "$n" -ge 60 ] || fail "only $n lookups checked"
echo "ok $n figures agree with the file"

# Former codes and areas the file has no row for.
value() { "$H" stats value "$store" --dataset "$ds" --indicator children_count --period "$1" --area "$2" \
	--filter "population_type=Children looked after on 31 March each year"; }
[ "$(value 2021 E10000023)" = "$(value 2021 E06000065)" ] || fail "North Yorkshire's former code"
[ "$(value 2025 E06000028)" = x ] || fail "Bournemouth (merged into BCP) is not x"
echo "ok former codes"

# The listing is open data: no one acting, no marking, no audit entry.
audit_before=$(sqlite3 "$store" "SELECT count(*) FROM audit")
HAVEN_USER= expect_exit 0 "$H" stats list "$store" --csv
expect_out "^dataset,indicator,filter_columns,time_periods,areas,figures,symbols,source,loaded_at"
expect_out "^$ds,children_count,\"\[\"\"population_type\"\"\]\",2021 2022 2023 2024 2025,167,2505,58,"
! grep -q OFFICIAL-SENSITIVE "$T/out" || fail "the listing of open data is marked"
[ "$audit_before" = "$(sqlite3 "$store" "SELECT count(*) FROM audit")" ] || fail "the listing was audited"
[ "$(info_section "$store" statistics)" = '{"datasets": 1, "figures": 7515}' ] ||
	fail "info: $(info_section "$store" statistics)"
echo "ok list and info"

# Bad files: the status, file and row, the store unchanged.
before=$(dump "$store")
head='time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,la_name,new_la_code,population_type,children_count'
eng='2025,Reporting year,National,E92000001,England,,,,,,All,81770'
bad() { # name status message lines...
	local name=$1 status=$2 msg=$3
	shift 3
	printf '%s\n' "$head" "$@" >"$T/$name"
	expect_exit "$status" "$H" stats import "$store" "$T/$name" --dataset "$ds"
	expect_err "$T/$name: $msg"
	[ "$before" = "$(dump "$store")" ] || fail "$name changed the store"
}
bad value.csv 23 "row 3: children_count '1,5' is neither a number nor a GSS symbol" "$eng" \
	'2025,Reporting year,Local authority,E92000001,England,E12000001,North East,805,Hartlepool,E06000001,All,"1,5"'
bad twice.csv 22 "row 3: children_count of E92000001 for time period 2025" "$eng" "$eng"
bad level.csv 23 "row 2: geographic_level 'School' is not one haven keeps" \
	'2025,Reporting year,School,E92000001,England,,,,,,All,1'
bad disagree.csv 23 "row 2: old_la_code 805 is Hartlepool (E06000001) but new_la_code is E08000035" \
	'2025,Reporting year,Local authority,E92000001,England,E12000001,North East,805,Hartlepool,E08000035,All,1'
bad short.csv 21 "it would replace the 7515 figures held with 1" "$eng"
printf '%s\n' "$head" "$eng" | gzip -c | head -c 40 >"$T/cut.csv.gz"
expect_exit 20 "$H" stats import "$store" "$T/cut.csv.gz"
[ "$before" = "$(dump "$store")" ] || fail "a truncated gzip file changed the store"
echo "ok bad files refused, store unchanged"

# Loading is for admins.
expect_exit 0 "$H" user add "$store" --name ana --authority DFE --role analyst --default-purpose policy
before=$(dump "$store")
expect_exit 30 "$H" stats import "$store" "$cla" --as ana
[ "$before" = "$(dump "$store")" ] || fail "an analyst's import changed the store"
echo "ok only admins load"

# The same file again replaces the dataset whole: the same figures.
figures_before=$(sqlite3 "$store" "SELECT count(*), total(value), count(symbol) FROM stats_value")
expect_exit 0 "$H" stats import "$store" "$cla"
[ "$(field replaced)" = 7515 ] || fail "replaced: $(field replaced)"
[ "$figures_before" = "$(sqlite3 "$store" "SELECT count(*), total(value), count(symbol) FROM stats_value")" ] ||
	fail "loading the same file again changed the figures"
[ "$(sqlite3 "$store" "SELECT count(*) FROM stats_load")" = 2 ] || fail "the second load is not recorded"
echo "ok the same file again"

# Usage.
expect_exit 2 "$H" stats value "$store" --dataset "$ds" --indicator children_count --period 2025
expect_exit 26 "$H" stats value "$store" --dataset nope --indicator children_count --period 2025 --area E92000001
expect_err "no statistics dataset 'nope'"
expect_exit 0 "$H" help stats
expect_out "stats import"
echo "all ok"
