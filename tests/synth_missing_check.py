#!/usr/bin/env python3
"""synth_missing_check.py - an independent check of haven synth's episode files.

Usage: synth_missing_check.py DIR DFE_FILE FORMATS_MD SYNTH_MD SHARE FIRST LAST

DIR holds register.csv, police_episodes.csv and la_episodes.csv.  With
Python's standard library only, and without haven's code:

1. the files' format is the contract of FORMATS_MD ("Missing episode file"):
   the columns, in its order; the required values; date-times
   YYYY-MM-DD HH:MM:SS; returns not before starts; yes/no; risk words; at
   most one form of each location, inside Great Britain; a home of the
   register, registered on or before the day;
2. episodes are counted once: a police and an LA record of the same child
   and home starting within 24 hours are one episode (nearest first, one to
   one); the episodes, children and children missing more than once per
   placing LA and year (ending 31 March) are compared with DfE's figures
   scaled by SHARE: England within 2 %, every LA with 100 or more scaled
   incidents within 10 %;
3. the patterns docs/synth.md promises: durations, seasons, weekdays, hours,
   out-of-area placements, police and LA gaps, return interviews, risk, the
   hot spots it lists.
Exit 0 and a summary when all hold; exit 1 naming the first failure.
"""
import csv
import datetime as dt
import gzip
import math
import re
import sys
from collections import Counter, defaultdict

# DfE codes of authorities since reorganised, and the current ones their
# figures are generated for (docs/synth.md).
REORGANISED = {
    "E10000023": ("E06000065",), "E10000027": ("E06000066",),
    "E10000006": ("E06000063", "E06000064"), "E10000021": ("E06000061", "E06000062"),
    "E06000028": ("E06000058",), "E06000029": ("E06000058",), "E10000009": ("E06000059",),
}
MEASURES = {
    "Number of missing incidents during the year": "incidents",
    "Children who had a missing incident during the year": "children",
    "Children who went missing more than once during the year": "repeat",
}
RISKS = {"no apparent risk", "low", "medium", "high"}
TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
GSS = re.compile(r"^E\d{8}$")

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        raise SystemExit("FAIL: " + msg)


def contract_columns(formats_md):
    text = open(formats_md, encoding="utf-8").read()
    sec = text.split("## Missing episode file", 1)[1].split("\n## ", 1)[0]
    cols, required = [], set()
    for line in sec.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        names = re.findall(r"`([a-z_]+)`", cells[0])
        cols += names
        if cells[1] == "yes":
            required.update(names)
    return cols, required


def hot_spots(synth_md):
    spots = []
    text = open(synth_md, encoding="utf-8").read()
    sec = text.split("### Hot spots", 1)[1].split("\n#", 1)[0]
    for line in sec.splitlines():
        m = re.match(r"^\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|", line)
        if m:
            spots.append((m.group(1), int(m.group(2)), int(m.group(3))))
    return spots


def parse_time(s, where):
    check(TIME.match(s), f"{where}: '{s}' is not YYYY-MM-DD HH:MM:SS")
    try:
        return dt.datetime.strptime(s, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        check(False, f"{where}: '{s}' is not a real date and time")


def year_ending_march(t):
    return t.year + 1 if t.month >= 4 else t.year


def read_episodes(path, cols, required, homes, source, first, last):
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        header = next(r)
        check(header == cols, f"{path}: columns {header} are not the contract's {cols}")
        refs = set()
        lo = dt.datetime(first - 1, 4, 1)
        hi = dt.datetime(last, 4, 1)
        for n, raw in enumerate(r, start=2):
            where = f"{path}: row {n}"
            check(len(raw) == len(cols), f"{where}: {len(raw)} fields")
            row = dict(zip(cols, raw))
            for c in required:
                check(row[c] != "", f"{where}: no {c}")
            check(row["source_ref"] not in refs, f"{where}: source_ref {row['source_ref']} twice")
            refs.add(row["source_ref"])
            check(row["urn"] in homes, f"{where}: urn {row['urn']} is not a home of the register")
            check(GSS.match(row["placing_la"]), f"{where}: placing_la '{row['placing_la']}' is not an ONS code")
            start = parse_time(row["missing_from"], where)
            check(lo <= start < hi, f"{where}: {start} outside the years ending March {first}-{last}")
            ret = parse_time(row["returned_at"], where) if row["returned_at"] else None
            check(ret is None or ret >= start, f"{where}: returned before it started")
            check(homes[row["urn"]] <= start.date(), f"{where}: the home was registered after {start.date()}")
            points = {}
            for place in ("last_seen", "found"):
                forms = [row[place + "_postcode"] != "",
                         row[place + "_easting"] != "" or row[place + "_northing"] != "",
                         row[place + "_lon"] != "" or row[place + "_lat"] != ""]
                check(sum(forms) <= 1, f"{where}: {place} given in more than one form")
                if forms[0]:
                    check(POSTCODE.match(row[place + "_postcode"]), f"{where}: {place}_postcode is not a postcode")
                if forms[1]:
                    e, nn = int(row[place + "_easting"]), int(row[place + "_northing"])
                    check(0 <= e <= 700000 and 0 <= nn <= 1300000, f"{where}: {place} E/N outside Great Britain")
                    points[place] = (e, nn)
                if forms[2]:
                    lon, lat = float(row[place + "_lon"]), float(row[place + "_lat"])
                    check(-9 <= lon <= 2.5 and 49 <= lat <= 61, f"{where}: {place} lon/lat outside Great Britain")
            check(row["risk"].lower() in RISKS, f"{where}: risk '{row['risk']}'")
            for c in ("cse_concern", "cce_concern", "ri_offered", "ri_held", "ri_independent"):
                check(row[c] in ("yes", "no", ""), f"{where}: {c} '{row[c]}' is not yes or no")
            if source == "police":
                check(all(row[c] == "" for c in ("ri_offered", "ri_held", "ri_independent", "ri_date")),
                      f"{where}: a police record with a return interview")
            else:
                check(row["ri_held"] != "yes" or row["ri_offered"] == "yes", f"{where}: held but not offered")
                check(row["ri_independent"] != "yes" or row["ri_held"] == "yes", f"{where}: independent, not held")
                if row["ri_date"]:
                    check(DATE.match(row["ri_date"]), f"{where}: ri_date '{row['ri_date']}'")
                    check(ret is not None and dt.date.fromisoformat(row["ri_date"]) >= ret.date(),
                          f"{where}: return interview before the return")
                    check(row["ri_held"] == "yes", f"{where}: a return interview date but none held")
            rows.append({"child": row["child_id"], "urn": row["urn"], "la": row["placing_la"], "start": start,
                         "ret": ret, "risk": row["risk"], "cse": row["cse_concern"], "ri": row, "points": points})
    return rows


def link(police, la):
    """Episodes: one-to-one pairs of same child and home within 24 h, nearest first."""
    by = defaultdict(lambda: ([], []))
    for i, r in enumerate(police):
        by[(r["child"], r["urn"])][0].append(i)
    for j, r in enumerate(la):
        by[(r["child"], r["urn"])][1].append(j)
    episodes, pairs = [], 0
    for (_, _), (ps, ls) in by.items():
        cand = []
        for i in ps:
            for j in ls:
                d = abs((police[i]["start"] - la[j]["start"]).total_seconds())
                if d <= 24 * 3600:
                    cand.append((d, i, j))
        cand.sort()
        used_p, used_l = set(), set()
        for d, i, j in cand:
            if i in used_p or j in used_l:
                continue
            used_p.add(i)
            used_l.add(j)
            pairs += 1
            check(d <= 3 * 3600, f"paired records of {police[i]['child']} start {d / 3600:.1f} h apart")
            episodes.append(("both", police[i], la[j]))
        episodes += [("police", police[i], None) for i in ps if i not in used_p]
        episodes += [("la", None, la[j]) for j in ls if j not in used_l]
    return episodes


def scale(v, share):
    """v x share rounded half up, as the generator rounds (llround)."""
    return math.floor(v * share + 0.5)


def dfe_targets(path, share, first, last, codes):
    raw = defaultdict(dict)
    national = defaultdict(dict)
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            m = MEASURES.get(r["CLA_group"])
            y = int(r["time_period"])
            if not m or not first <= y <= last:
                continue
            if r["geographic_level"] == "National":
                national[y][m] = int(r["number"])
            elif r["geographic_level"] == "Local authority":
                raw[(y, r["new_la_code"])][m] = r["number"]
    groups = defaultdict(lambda: defaultdict(int))  # (year, successor codes) -> measure -> scaled
    unknown = defaultdict(set)
    for (y, code), v in raw.items():
        if not v.get("incidents", "").isdigit():
            continue
        to = (code,) if code in codes else REORGANISED.get(code, (code,))
        g = groups[(y, to)]
        for m in MEASURES.values():
            if v.get(m, "").isdigit():
                g[m] += scale(int(v[m]), share)
            else:
                unknown[(y, to)].add(m)
    return groups, unknown, national


def main():
    out, dfe, formats_md, synth_md, share, first, last = sys.argv[1:8]
    share, first, last = float(share), int(first), int(last)
    cols, required = contract_columns(formats_md)
    check(len(cols) >= 20 and {"source_ref", "child_id", "urn", "missing_from"} <= required,
          f"could not read the contract's columns from {formats_md}")
    homes, home_la = {}, {}
    with open(f"{out}/register.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            homes[r["urn"]] = dt.date.fromisoformat(r["registration_date"])
            home_la[r["urn"]] = r["local_authority"]
    police = read_episodes(f"{out}/police_episodes.csv", cols, required, homes, "police", first, last)
    la = read_episodes(f"{out}/la_episodes.csv", cols, required, homes, "la", first, last)
    episodes = link(police, la)
    kinds = Counter(k for k, _, _ in episodes)

    # 2. Calibration.
    count = defaultdict(lambda: [0, Counter()])  # (year, la) -> [episodes, per child]
    for k, p, l in episodes:
        r = p or l
        y = year_ending_march(r["start"])
        c = count[(y, r["la"])]
        c[0] += 1
        c[1][r["child"]] += 1
    codes = {la_ for (_, la_) in count}
    groups, unknown, national = dfe_targets(dfe, share, first, last, codes)
    checked = 0
    for y in range(first, last + 1):
        got = {"incidents": 0, "children": 0, "repeat": 0}
        for (yy, _), (n, ch) in count.items():
            if yy == y:
                got["incidents"] += n
                got["children"] += len(ch)
                got["repeat"] += sum(1 for v in ch.values() if v >= 2)
        for m, g in got.items():
            want = scale(national[y][m], share)
            check(abs(g - want) <= 0.02 * want,
                  f"England {y}: {m} {g}, DfE's {national[y][m]} x {share} = {want} (more than 2% apart)")
        for (yy, to), want in groups.items():
            if yy != y or want["incidents"] < 100:
                continue
            n = sum(count[(y, c)][0] for c in to if (y, c) in count)
            ch = Counter()
            for c in to:
                if (y, c) in count:
                    ch.update({(c, k): v for k, v in count[(y, c)][1].items()})
            gotla = {"incidents": n, "children": len(ch), "repeat": sum(1 for v in ch.values() if v >= 2)}
            for m in MEASURES.values():
                if m in unknown[(yy, to)]:
                    continue
                check(abs(gotla[m] - want[m]) <= 0.10 * want[m],
                      f"{'+'.join(to)} {y}: {m} {gotla[m]}, scaled DfE {want[m]} (more than 10% apart)")
            checked += 1
    check(checked >= 100 * (last - first + 1), f"only {checked} LA-years with 100 or more incidents checked")

    # 3. Patterns.
    n = len(episodes)
    starts = [(p or l)["start"] for _, p, l in episodes]
    durs = [((p or l)["ret"] - (p or l)["start"]).total_seconds() / 3600 for _, p, l in episodes if (p or l)["ret"]]
    still = [(p or l) for _, p, l in episodes if (p or l)["ret"] is None]
    within = sum(1 for d in durs if d <= 24) / n
    check(0.70 <= within <= 0.95, f"{within:.1%} back within 24 h")
    check(sum(1 for d in durs if d > 7 * 24) >= n * 0.002, "no long tail: too few episodes over a week")
    check(0 < len(still) <= n * 0.005, f"{len(still)} still missing")
    end = dt.datetime(last, 4, 1)
    check(all(end - r["start"] < dt.timedelta(days=90) for r in still), "a child still missing from long ago")
    hours = Counter(t.hour for t in starts)
    evening = sum(hours[h] for h in range(16, 24)) / n
    early = sum(hours[h] for h in range(3, 8)) / n
    check(evening > 0.50 and early < 0.10, f"starts: {evening:.0%} 16:00-24:00, {early:.0%} 03:00-08:00")
    wd = Counter(t.weekday() for t in starts)
    friday_saturday = (wd[4] + wd[5]) / n
    check(friday_saturday > 2 / 7 * 1.05, f"Friday and Saturday {friday_saturday:.1%} of starts")
    months = Counter(t.month for t in starts)
    summer = (months[7] + months[8]) / 62
    winter = (months[12] + months[1] + months[2]) / (31 + 31 + 28.25)
    check(summer > 1.15 * winter, f"summer {summer:.0f}/day, winter {winter:.0f}/day")
    per_child = Counter((p or l)["child"] for _, p, l in episodes)
    check(max(per_child.values()) >= 30, "nobody missing many times")
    child_years = defaultdict(set)
    for _, p, l in episodes:
        child_years[(p or l)["child"]].add(year_ending_march((p or l)["start"]))
    again = sum(1 for ys in child_years.values() if len(ys) > 1) / len(child_years)
    check(last == first or 0.1 < again < 0.5, f"{again:.0%} of children missing in more than one year")
    check(kinds["police"] > kinds["la"] > 0 and kinds["both"] > kinds["police"],
          f"records: both {kinds['both']}, police only {kinds['police']}, LA only {kinds['la']}")
    out_of_area = sum(1 for _, p, l in episodes if home_la[(p or l)["urn"]] != (p or l)["la"]) / n
    check(0.40 <= out_of_area <= 0.80, f"{out_of_area:.0%} of episodes at homes outside the placing LA")
    risks = Counter((p or l)["risk"] for _, p, l in episodes)
    check(set(risks) == RISKS and 0.03 < risks["high"] / n < 0.4, f"risk {dict(risks)}")
    cse = sum(1 for _, p, l in episodes if (p or l)["cse"] == "yes") / n
    check(0.02 < cse < 0.30, f"CSE concern in {cse:.1%}")
    returned = [r["ri"] for r in la if r["ret"]]
    off = sum(1 for r in returned if r["ri_offered"] == "yes")
    held = sum(1 for r in returned if r["ri_held"] == "yes")
    ind = sum(1 for r in returned if r["ri_independent"] == "yes")
    check(0.7 < off / len(returned) < 0.95 and 0.4 < held / off < 0.8 and 0.3 < ind / held < 0.8,
          f"return interviews: offered {off}, held {held}, independent {ind} of {len(returned)}")
    spots = hot_spots(synth_md)
    check(len(spots) >= 3, f"no hot spots listed in {synth_md}")
    # Points given as E/N (those given as lon/lat would need the OSGB36 datum).
    found = [r["points"]["found"] for r in police + la if "found" in r["points"]]
    years = last - first + 1
    for name, e, nn in spots:
        near = sum(1 for (x, y) in found if (x - e) ** 2 + (y - nn) ** 2 <= 400 ** 2)
        check(near >= 20 * years, f"hot spot {name}: {near} found there")

    print(f"ok: {len(police)} police and {len(la)} LA records, {n} episodes (both {kinds['both']}, "
          f"police only {kinds['police']}, LA only {kinds['la']}); {checked} LA-years with 100+ incidents "
          f"within 10%; England within 2%; back within 24 h {within:.1%}; still missing {len(still)}; "
          f"outside the placing LA {out_of_area:.0%}; hot spots {len(spots)}")


if __name__ == "__main__":
    main()
