#!/usr/bin/env python3
"""missing_calibration_check.py - haven's own trends of the synthetic episodes
against the DfE figures the generator was calibrated to.

Usage: missing_calibration_check.py LA_CSV ENGLAND_CSV DFE_FILE SHARE YEAR

LA_CSV and ENGLAND_CSV are 'haven missing trends --by fy --csv' of the
imported police and LA files (--area la: the placing LA, as DfE counts;
--area england), for the financial year ending in March of YEAR.  Each of
episodes, children and children_repeat is compared with DfE's "Number of
missing incidents", "Children who had a missing incident" and "Children
who went missing more than once" scaled by SHARE (docs/synth.md): England
within 2 %, every LA (or group of successor LAs) with 100 or more scaled
incidents within 10 %.  Exit 0 with a summary, 1 naming every failure.
"""
import csv
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synth_missing_check import dfe_targets, scale  # noqa: E402  (one reading of DfE's file)

COLUMNS = {"incidents": "episodes", "children": "children", "repeat": "children_repeat"}


def rows(path, label):
    with open(path, encoding="utf-8", newline="") as f:
        out = [r for r in csv.DictReader(f) if r["period"] == label]
    if not out:
        raise SystemExit(f"FAIL: {path}: no row for the period {label}")
    return out


def number(r, col, where):
    v = r[col].lstrip("'")
    if not v.isdigit():
        raise SystemExit(f"FAIL: {where}: {col} is '{r[col]}', not a count")
    return int(v)


def main():
    la_csv, eng_csv, dfe, share, year = sys.argv[1:6]
    share, year = float(share), int(year)
    label = f"{year - 1}-{year % 100:02d}"
    got = defaultdict(lambda: defaultdict(int))
    for r in rows(la_csv, label):
        for m, col in COLUMNS.items():
            got[r["area_code"]][m] += number(r, col, f"{la_csv}: {r['area_code']}")
    (eng,) = rows(eng_csv, label)
    groups, unknown, national = dfe_targets(dfe, share, year, year, set(got))
    failures, checked = [], 0
    for m, col in COLUMNS.items():
        want, have = scale(national[year][m], share), number(eng, col, eng_csv)
        if abs(have - want) > 0.02 * want:
            failures.append(f"England {label}: {col} {have}, DfE's {national[year][m]} x {share} = {want}")
    for (_, to), want in groups.items():
        if want["incidents"] < 100:
            continue
        checked += 1
        for m, col in COLUMNS.items():
            if m in unknown[(year, to)]:
                continue
            have = sum(got[c][m] for c in to)  # distinct children add up: the LAs place different children
            if abs(have - want[m]) > 0.10 * want[m]:
                failures.append(f"{'+'.join(to)} {label}: {col} {have}, scaled DfE {want[m]}")
    if checked < 100:
        failures.append(f"only {checked} LAs with 100 or more scaled incidents")
    if failures:
        print("\n".join("FAIL: " + f for f in failures))
        return 1
    print(f"ok: {label}: England {number(eng, 'episodes', eng_csv)} episodes, "
          f"{number(eng, 'children', eng_csv)} children, {number(eng, 'children_repeat', eng_csv)} missing "
          f"more than once, within 2% of DfE x {share}; {checked} LAs with 100+ incidents within 10%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
