#!/usr/bin/python3
"""synth_placements_check.py - an independent check of haven synth's placements file.

Usage: synth_placements_check.py DIR DISTANCE_FILE NETGAIN_FILE POSTCODES LA_BOUNDARIES SHARE [EPISODES]

DIR holds register.csv and placements.csv.  With GDAL's Python bindings
(OGR reads the boundaries, OSR transforms to EPSG:27700) and numpy, without
haven's code:

1. the format: the columns child_id,placing_la,urn,start,end,origin_district;
   identifiers CODE-NNNNNN of DfE's code for the LA; an ONS code; a home of the
   register registered on or before the start; dates YYYY-MM-DD, the end not
   before the start (empty: still placed); an outward code or nothing; a
   child's placements do not overlap;
2. DfE's five categories measured: a home is inside the placing LA when its
   postcode's published position lies in the LA's polygon (the bundled
   December 2024 boundaries, even-odd rule over every ring, in longitude and
   latitude as published); the distance (EPSG:27700: ONS lat/long to British
   National Grid in whole metres, as the gazetteer keeps them) is from the
   origin, the
   centroid of the postcode district (the mean of its postcodes' points),
   to the home, straight, in metres; 20 miles = 32,186.88 m; a placement
   with no origin district is "not known";
3. calibration: per year ending 31 March, England's shares within 2
   percentage points of DfE's national figures; every placing LA-year with
   100 or more placements within 5 points of DfE's LA figures (the categories
   DfE did not suppress); the number of placements per LA-year DfE's total
   times SHARE within 1 (reorganised LAs' successors together);
4. net gain: per LA, the out-of-area placements it receives less those it
   makes, against DfE's net gain of the year (2023 for later years): the
   correlation over LAs with homes, and the sign where DfE's scaled net gain
   is large;
5. with EPISODES (police_episodes.csv of the same run): some placements are
   of the episode files' children (the same child_id), and every episode of
   such a child that starts during the placement is at its home.
Exit 0 and a summary when all hold; exit 1 naming the first failure.
"""
import csv
import datetime as dt
import gzip
import math
import re
import sys
from collections import Counter, defaultdict

import numpy as np
from osgeo import ogr, osr

CATS = ["inside_under_20", "inside_over_20", "outside_under_20", "outside_over_20", "not_known"]
BREAKDOWNS = {
    "Placed inside LA boundary less than 20 miles from home": 0,
    "Placed inside LA boundary more than 20 miles from home": 1,
    "Placed outside LA boundary less than 20 miles from home": 2,
    "Placed outside LA boundary more than 20 miles from home": 3,
    "Distance not known or not recorded": 4,
    "Total new placements": 5,
}
LOCATION = "Location of new placements during the year"
NG = {"1. Children who are the responsibility of other LAs placed within this LA boundary": "in",
      "2. Children who are the responsibility of this LA placed outside the LA boundary": "out",
      "Net gain of children by responsible LA": "net"}
# DfE codes of authorities since reorganised and their current successors.
REORGANISED = {
    "E10000023": ("E06000065",), "E10000027": ("E06000066",),
    "E10000006": ("E06000063", "E06000064"), "E10000021": ("E06000061", "E06000062"),
}
D20 = 20 * 1609.344
HEADER = ["child_id", "placing_la", "urn", "start", "end", "origin_district"]
CHILD = re.compile(r"^E\d{8}-\d{6}$")
GSS = re.compile(r"^E\d{8}$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def year_of(day):
    """The year ending 31 March that a day falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def opener(path):
    return gzip.open(path, "rt", encoding="utf-8-sig", newline="") if path.endswith(".gz") else \
        open(path, encoding="utf-8-sig", newline="")


def date(s, what):
    if not DATE.match(s):
        fail(f"{what}: '{s}' is not YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        fail(f"{what}: '{s}' is not a date")


def main():
    if len(sys.argv) not in (7, 8):
        fail(__doc__.splitlines()[2])
    out, dist_path, ng_path, pc_path, la_path, share = sys.argv[1:6] + [float(sys.argv[6])]
    episodes = sys.argv[7] if len(sys.argv) == 8 else None

    # The register: each home's postcode and registration date.
    homes = {}
    with open(f"{out}/register.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            homes[r["urn"]] = (r["postcode"], date(r["registration_date"], "register"))

    # The placements file.
    rows = []
    with open(f"{out}/placements.csv", newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        if next(rd) != HEADER:
            fail(f"placements.csv: the header is not {','.join(HEADER)}")
        for i, r in enumerate(rd, 2):
            if len(r) != 6:
                fail(f"placements.csv: row {i}: {len(r)} fields")
            cid, pla, urn, s, e, od = r
            if not CHILD.match(cid) or not GSS.match(pla):
                fail(f"placements.csv: row {i}: child_id '{cid}' or placing_la '{pla}'")
            if urn not in homes:
                fail(f"placements.csv: row {i}: urn {urn} is not a home of the register")
            sd = date(s, f"row {i} start")
            ed = date(e, f"row {i} end") if e else None
            if ed is not None and ed < sd:
                fail(f"placements.csv: row {i}: ends before it starts")
            if homes[urn][1] > sd:
                fail(f"placements.csv: row {i}: home {urn} registered after the placement began")
            if od and not OUTWARD.match(od):
                fail(f"placements.csv: row {i}: origin_district '{od}' is not an outward code")
            rows.append((cid, pla, urn, sd, ed, od))
    if not rows:
        fail("placements.csv has no rows")
    by_child = defaultdict(list)
    for r in rows:
        by_child[r[0]].append(r)
    for cid, rs in by_child.items():
        rs.sort(key=lambda r: r[3])
        for a, b in zip(rs, rs[1:]):
            if a[4] is None or a[4] > b[3]:
                fail(f"placements.csv: child {cid}'s placements overlap")
        if len({r[1] for r in rs}) != 1:
            fail(f"placements.csv: child {cid} has two placing LAs")

    # Points: postcodes to British National Grid, whole metres.
    wgs, bng = osr.SpatialReference(), osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    bng.ImportFromEPSG(27700)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    bng.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    tr = osr.CoordinateTransformation(wgs, bng)
    need_pc = {homes[r[2]][0].replace(" ", "") for r in rows}
    need_od = {r[5] for r in rows if r[5]}
    pcs, lonlat = [], []
    with opener(pc_path) as f:
        rd = csv.reader(f)
        head = next(rd)
        ip, ilat, ilon = head.index("Postcode"), head.index("lat"), head.index("long")
        for r in rd:
            pc = r[ip].replace(" ", "").upper()
            if pc not in need_pc and pc[:-3] not in need_od:
                continue
            lat, lon = r[ilat].strip(), r[ilon].strip()
            if not lat or not lon or float(lat) > 90:
                continue
            pcs.append(pc)
            lonlat.append((float(lon), float(lat)))
    pts = tr.TransformPoints(lonlat)
    lonlat_of = dict(zip(pcs, lonlat))
    point, sums = {}, defaultdict(lambda: [0.0, 0.0, 0])
    for pc, p in zip(pcs, pts):
        e, n = float(round(p[0])), float(round(p[1]))
        point[pc] = (e, n)
        s = sums[pc[:-3]]
        s[0] += e
        s[1] += n
        s[2] += 1
    centroid = {k: (v[0] / v[2], v[1] / v[2]) for k, v in sums.items()}
    for od in need_od:
        if od not in centroid:
            fail(f"origin district {od} has no postcode in {pc_path}")

    # The LA of every home used: point in polygon (even-odd rule over every
    # ring, with numpy) against the bundled boundaries as published, in
    # longitude and latitude, at the postcode's published position.
    ds = ogr.Open("/vsigzip/" + la_path if la_path.endswith(".gz") else la_path)
    lyr = ds.GetLayer(0)
    urns = sorted({r[2] for r in rows})
    for urn in urns:
        if homes[urn][0].replace(" ", "") not in point:
            fail(f"home {urn}'s postcode {homes[urn][0]} is not in {pc_path}")
    hx = np.array([lonlat_of[homes[u][0].replace(" ", "")][0] for u in urns])
    hy = np.array([lonlat_of[homes[u][0].replace(" ", "")][1] for u in urns])
    where = np.full(len(urns), None, dtype=object)
    for feat in lyr:
        g = feat.GetGeometryRef()
        x0, x1, y0, y1 = g.GetEnvelope()
        cand = np.nonzero((hx >= x0) & (hx <= x1) & (hy >= y0) & (hy <= y1))[0]
        if len(cand) == 0:
            continue
        px, py = hx[cand][:, None], hy[cand][:, None]
        crossings = np.zeros(len(cand), dtype=np.int64)
        for i in range(g.GetGeometryCount()):
            poly = g.GetGeometryRef(i)
            for j in range(poly.GetGeometryCount()):
                ring = np.array(poly.GetGeometryRef(j).GetPoints())[:, :2]
                ax, ay = ring[:-1, 0][None, :], ring[:-1, 1][None, :]
                bx, by = ring[1:, 0][None, :], ring[1:, 1][None, :]
                straddle = (ay > py) != (by > py)
                with np.errstate(divide="ignore", invalid="ignore"):
                    xcross = ax + (py - ay) * (bx - ax) / (by - ay)
                crossings += np.count_nonzero(straddle & (px < xcross), axis=1)
        for k in cand[crossings % 2 == 1]:
            if where[k] is not None:
                fail(f"home {urns[k]} lies in two LAs")
            where[k] = feat.GetField("AREACD")
    home_la = dict(zip(urns, where))
    for urn, code in home_la.items():
        if code is None:
            fail(f"home {urn} lies in no LA")

    # DfE's categories, measured.
    got = defaultdict(lambda: [0] * 5)  # (year, la) -> counts
    nat = defaultdict(lambda: [0] * 5)
    imports, exports = Counter(), Counter()
    for cid, pla, urn, sd, ed, od in rows:
        y = year_of(sd)
        inside = home_la[urn] == pla
        if not od:
            c = 4
        else:
            e, n = point[homes[urn][0].replace(" ", "")]
            d = math.hypot(e - centroid[od][0], n - centroid[od][1])
            c = (0 if d <= D20 else 1) if inside else (2 if d <= D20 else 3)
        got[(y, pla)][c] += 1
        nat[y][c] += 1
        if not inside:
            exports[(y, pla)] += 1
            imports[(y, home_la[urn])] += 1

    # DfE's figures.
    dfe, dfe_nat = defaultdict(dict), defaultdict(dict)
    with opener(dist_path) as f:
        for r in csv.DictReader(f):
            if r["characteristic"] != LOCATION or r["breakdown"] not in BREAKDOWNS:
                continue
            k = BREAKDOWNS[r["breakdown"]]
            v = r["children_count"]
            v = int(v) if v.isdigit() else None
            if r["geographic_level"] == "National":
                dfe_nat[int(r["time_period"])][k] = v
            elif r["geographic_level"] == "Local authority":
                dfe[(int(r["time_period"]), r["new_la_code"])][k] = v
    years = sorted(nat)
    if years != sorted(y for y in dfe_nat if y in nat) or not years:
        fail(f"years generated {years} are not DfE's")

    print("England, share of new placements (generated vs DfE), percentage points:")
    print("  year  " + "  ".join(f"{c:>22}" for c in CATS))
    for y in years:
        tot = sum(nat[y])
        dtot = dfe_nat[y][5]
        cells = []
        for c in range(5):
            ours, theirs = 100 * nat[y][c] / tot, 100 * dfe_nat[y][c] / dtot
            cells.append(f"{ours:6.1f} vs {theirs:5.1f}")
            if abs(ours - theirs) > 2:
                fail(f"{y}: England's {CATS[c]} is {ours:.1f}%, DfE's {theirs:.1f}%")
        print(f"  {y}  " + "  ".join(f"{c:>22}" for c in cells))

    # Per LA-year: the generated counts of a DfE code's successors together.
    worst, n100 = [], 0
    for (y, code), v in sorted(dfe.items()):
        if y not in nat or v.get(5) is None:
            continue
        codes = REORGANISED.get(code, (code,))
        counts = [sum(got[(y, c)][k] for c in codes) for k in range(5)]
        tot = sum(counts)
        want = v[5] * share
        if abs(tot - want) > 1 and not (want < 0.5 and tot == 0):
            fail(f"{y} {code}: {tot} placements, DfE's {v[5]} times {share} is {want:.1f}")
        if tot < 100:
            continue
        n100 += 1
        for k in range(5):
            if v.get(k) is None:
                continue
            diff = 100 * counts[k] / tot - 100 * v[k] / v[5]
            worst.append((abs(diff), y, code, CATS[k], 100 * counts[k] / tot, 100 * v[k] / v[5], tot))
    worst.sort(reverse=True)
    print(f"LA-years with 100 or more placements: {n100}; the five furthest from DfE:")
    for w in worst[:5]:
        print(f"  {w[1]} {w[2]} {w[3]}: {w[4]:.1f}% vs DfE {w[5]:.1f}% ({w[6]} placements)")
    if n100 == 0:
        fail("no LA-year has 100 placements")
    if worst and worst[0][0] > 5:
        w = worst[0]
        fail(f"{w[1]} {w[2]}: {w[3]} is {w[4]:.1f}%, DfE's {w[5]:.1f}% ({w[6]} placements)")

    # Net gain: received less made, against DfE's (scaled to the exports).
    ng = defaultdict(dict)
    with opener(ng_path) as f:
        for r in csv.DictReader(f):
            if r["geographic_level"] == "Local authority" and r["characteristic"] in NG:
                v = r["number"]
                if re.match(r"^-?\d+$", v):
                    ng[(int(r["time_period"]), r["new_la_code"])][NG[r["characteristic"]]] = int(v)
    ng_years = sorted({y for y, _ in ng})
    has_homes = {la for la in home_la.values() if la}
    xs, ys_, signs, big = [], [], 0, 0
    for y in years:
        ny = min(ng_years, key=lambda t: (abs(t - y), t))
        dout = sum(v.get("out", 0) for (t, _), v in ng.items() if t == ny)
        ours_out = sum(v for (t, _), v in exports.items() if t == y)
        k = ours_out / dout if dout else 0
        for (t, code), v in ng.items():
            if t != ny or "net" not in v:
                continue
            codes = REORGANISED.get(code, (code,))
            if not any(c in has_homes for c in codes):
                continue
            ours = sum(imports[(y, c)] - exports[(y, c)] for c in codes)
            theirs = k * v["net"]
            xs.append(theirs)
            ys_.append(ours)
            if abs(theirs) >= 20:
                big += 1
                signs += (ours > 0) == (theirs > 0)
    mx, my = sum(xs) / len(xs), sum(ys_) / len(ys_)
    sxy = sum((a - mx) * (b - my) for a, b in zip(xs, ys_))
    sxx = sum((a - mx) ** 2 for a in xs)
    syy = sum((b - my) ** 2 for b in ys_)
    r = sxy / math.sqrt(sxx * syy) if sxx and syy else 0
    print(f"net gain per LA-year (received less made) against DfE's scaled: correlation {r:.2f} over "
          f"{len(xs)} LA-years; sign as DfE's in {signs} of the {big} with a scaled net gain of 20 or more")
    if r < 0.8:
        fail(f"the net gain's correlation with DfE's is {r:.2f}, under 0.8")
    if big and signs < 0.9 * big:
        fail(f"the net gain has DfE's sign in only {signs} of {big} LA-years")
    if episodes:
        eps = defaultdict(list)
        with open(episodes, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                eps[r["child_id"]].append((date(r["missing_from"][:10], "episode"), r["urn"]))
        linked = 0
        for cid, pla, urn, sd, ed, od in rows:
            if cid not in eps:
                continue
            linked += 1
            for day, eurn in eps[cid]:
                if sd <= day and (ed is None or day < ed) and eurn != urn:
                    fail(f"child {cid} went missing from {eurn} on {day} while placed at {urn}")
        print(f"{linked} placements are of children of the episode files, at the homes they went missing from")
        if linked == 0:
            fail("no placement is of a child of the episode files")
    print(f"ok: {len(rows)} placements of {len(by_child)} children, {len(years)} years")


if __name__ == "__main__":
    main()
