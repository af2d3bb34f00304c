#!/usr/bin/python3
"""placements_calibration_check.py - haven's own measures of the synthetic
placements against the DfE figures the generator was calibrated to.

Usage: placements_calibration_check.py DISTANCE_FILE DIR YEAR...

DIR holds, for each YEAR (ending 31 March), 'haven placements locations
--by la' and '--by england' of the placements that started in that year
(--from YEAR-1-04-01 --to YEAR-03-31 --csv) as la_YEAR.csv and
england_YEAR.csv.  DfE's five categories of new placements (inside or
outside the placing LA, 20 miles or less or more, not known), as shares of
the total: England within 2 percentage points of DfE's national shares in
every year; every placing LA (the successors of a reorganised LA together)
with 100 or more placements in a year within 5 points of DfE's shares for
that LA, in each category DfE did not suppress.  Exit 0 with a summary, 1
naming every failure.
"""
import csv
import gzip
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synth_placements_check import BREAKDOWNS, CATS, LOCATION, REORGANISED  # noqa: E402  (one reading of DfE's words)


def dfe_rows(path):
    """(year, level, code) -> {breakdown index: count or None (suppressed)}."""
    out = defaultdict(dict)
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["characteristic"] != LOCATION or r["breakdown"] not in BREAKDOWNS:
                continue
            level = r["geographic_level"]
            code = "E92000001" if level == "National" else r["new_la_code"]
            if level not in ("National", "Local authority"):
                continue
            v = r["children_count"].replace(",", "")
            out[(int(r["time_period"]), level, code)][BREAKDOWNS[r["breakdown"]]] = int(v) if v.isdigit() else None
    return out


def haven_rows(path):
    """area code -> [five counts, total] from a released table."""
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            try:
                out[r["area_code"]] = [int(r[c].lstrip("'")) for c in CATS + ["total"]]
            except ValueError:
                raise SystemExit(f"FAIL: {path}: {r['area_code']}: a count that is not a number")
    return out


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    dfe = dfe_rows(sys.argv[1])
    d = sys.argv[2]
    fails, compared, worst = [], 0, (0.0, "")
    for year in map(int, sys.argv[3:]):
        eng = haven_rows(os.path.join(d, f"england_{year}.csv")).get("E92000001")
        nat = dfe.get((year, "National", "E92000001"))
        if not eng or not nat or not eng[5] or not nat.get(5):
            fails.append(f"England {year}: no figures")
            continue
        shares = []
        for k, c in enumerate(CATS):
            h, g = 100.0 * eng[k] / eng[5], 100.0 * nat[k] / nat[5]
            shares.append(f"{c} {h:.1f} vs {g:.1f}")
            if abs(h - g) > 2:
                fails.append(f"England {year}: {c} {h:.1f}% against DfE's {g:.1f}%")
        print(f"England {year} ({eng[5]} placements): " + "; ".join(shares))
        las = haven_rows(os.path.join(d, f"la_{year}.csv"))
        for (y, level, code), cells in sorted(dfe.items()):
            if y != year or level != "Local authority" or not cells.get(5):
                continue
            got = [0] * 6
            for s in REORGANISED.get(code, (code,)):
                for k, v in enumerate(las.get(s, [0] * 6)):
                    got[k] += v
            if got[5] < 100:
                continue
            compared += 1
            for k, c in enumerate(CATS):
                if cells.get(k) is None:
                    continue  # suppressed by DfE: no share to compare
                h, g = 100.0 * got[k] / got[5], 100.0 * cells[k] / cells[5]
                if abs(h - g) > worst[0]:
                    worst = (abs(h - g), f"{code} {year} {c} {h:.1f}% against {g:.1f}% ({got[5]} placements)")
                if abs(h - g) > 5:
                    fails.append(f"{code} {year}: {c} {h:.1f}% against DfE's {g:.1f}% ({got[5]} placements)")
    if not compared:
        fails.append("no LA-year with 100 or more placements to compare")
    for f in fails:
        print(f"FAIL: {f}")
    if fails:
        sys.exit(1)
    print(f"ok: {compared} LA-years with 100 or more placements within 5 points; the furthest: {worst[1]}")


if __name__ == "__main__":
    main()
