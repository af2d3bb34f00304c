#!/usr/bin/env python3
"""export_check.py - an independent check that a GeoJSON export keeps RFC 7946.

    export_check.py FILE [--marking TEXT] [--within W,S,E,N] [--forbid NAME,...]

Standard library only: nothing of haven or GDAL is trusted.  Checks:
  * a FeatureCollection of Features whose geometries are RFC 7946 types;
  * no "crs" member anywhere (RFC 7946 section 4: the CRS is always CRS84);
  * every position is [longitude, latitude] in degrees (within W,S,E,N when
    given) with at most 6 decimals;
  * every polygon ring is closed, of 4 or more positions, its exterior ring
    anticlockwise and its holes clockwise (section 3.1.6, the right-hand
    rule);
  * the collection has a bbox [west, south, east, north] equal to the
    extent of its positions, and every bbox a feature has holds its own;
  * the foreign member "metadata" is an object, with protective_marking
    TEXT when --marking is given;
  * no feature has a property named in --forbid.
Prints "ok: ..." and exits 0, or prints each problem and exits 1.
"""
import decimal
import json
import sys

TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
TOLERANCE = 1e-6  # the bbox is rounded to 6 decimals as the positions are


def ring_area(ring):
    """Twice the signed area of a ring (positive: anticlockwise), exactly:
    the positions are decimals as written, and their products fit the
    default 28 digits."""
    d = decimal.Decimal
    return sum(d(x1) * d(y2) - d(x2) * d(y1) for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:]))


def decimals(d):
    return max(0, -d.as_tuple().exponent) if isinstance(d, decimal.Decimal) else 0


class Check:
    def __init__(self, within):
        self.problems = []
        self.within = within
        self.positions = 0

    def fail(self, where, what):
        if len(self.problems) < 50:
            self.problems.append(f"{where}: {what}")

    def position(self, where, p, box):
        if not isinstance(p, list) or len(p) not in (2, 3) or not all(isinstance(v, (int, decimal.Decimal)) for v in p):
            self.fail(where, f"not a position: {p!r}")
            return
        self.positions += 1
        lon, lat = float(p[0]), float(p[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            self.fail(where, f"({lon}, {lat}) is not longitude, latitude in degrees")
        if self.within and not (self.within[0] <= lon <= self.within[2] and self.within[1] <= lat <= self.within[3]):
            self.fail(where, f"({lon}, {lat}) lies outside {self.within}")
        if max(decimals(p[0]), decimals(p[1])) > 6:
            self.fail(where, f"{p[0]}, {p[1]}: more than 6 decimals")
        box[0], box[1] = min(box[0], lon), min(box[1], lat)
        box[2], box[3] = max(box[2], lon), max(box[3], lat)

    def polygon(self, where, rings, box):
        if not isinstance(rings, list) or not rings:
            self.fail(where, "a polygon without rings")
            return
        for k, ring in enumerate(rings):
            w = f"{where} ring {k}"
            if not isinstance(ring, list) or len(ring) < 4:
                self.fail(w, "fewer than 4 positions")
                continue
            for p in ring:
                self.position(w, p, box)
            if ring[0] != ring[-1]:
                self.fail(w, "not closed")
            area = ring_area(ring)
            if k == 0 and area <= 0:
                self.fail(w, "the exterior ring is not anticlockwise (RFC 7946 3.1.6)")
            if k > 0 and area >= 0:
                self.fail(w, "a hole is not clockwise (RFC 7946 3.1.6)")

    def geometry(self, where, g, box):
        if g is None:
            return
        if not isinstance(g, dict) or g.get("type") not in TYPES:
            self.fail(where, f"not an RFC 7946 geometry: {str(g)[:60]}")
            return
        if "crs" in g:
            self.fail(where, "a crs member")
        t, c = g["type"], g.get("coordinates")
        if t == "Point":
            self.position(where, c, box)
        elif t in ("MultiPoint", "LineString"):
            for p in c:
                self.position(where, p, box)
        elif t == "MultiLineString":
            for line in c:
                for p in line:
                    self.position(where, p, box)
        elif t == "Polygon":
            self.polygon(where, c, box)
        else:
            for i, poly in enumerate(c):
                self.polygon(f"{where} polygon {i}", poly, box)

    def bbox(self, where, b, box):
        if not isinstance(b, list) or len(b) != 4:
            self.fail(where, f"bbox {b!r} is not [west, south, east, north]")
            return
        w, s, e, n = (float(v) for v in b)
        if not (w <= e and s <= n):
            self.fail(where, f"bbox {b!r} is not west <= east, south <= north")
        if box[0] < w - TOLERANCE or box[1] < s - TOLERANCE or box[2] > e + TOLERANCE or box[3] > n + TOLERANCE:
            self.fail(where, f"bbox {b!r} does not hold the positions' extent {box}")
        return w, s, e, n


def main(argv):
    args = argv[1:]
    if not args:
        print(__doc__.strip().splitlines()[2].strip())
        return 2
    path, marking, within, forbid = args[0], None, None, set()
    i = 1
    while i < len(args):
        opt, val = args[i], args[i + 1] if i + 1 < len(args) else None
        if val is None:
            print(f"{opt} needs a value")
            return 2
        if opt == "--marking":
            marking = val
        elif opt == "--within":
            within = [float(v) for v in val.split(",")]
        elif opt == "--forbid":
            forbid = set(val.split(","))
        else:
            print(f"unknown option {opt}")
            return 2
        i += 2
    with open(path, "rb") as f:
        doc = json.loads(f.read().decode("utf-8"), parse_float=decimal.Decimal)
    ck = Check(within)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        print(f"{path}: not a FeatureCollection")
        return 1
    if "crs" in doc:
        ck.fail(path, "a crs member (RFC 7946 section 4: none, the CRS is CRS84)")
    meta = doc.get("metadata")
    if not isinstance(meta, dict):
        ck.fail(path, "no metadata member")
    elif marking is not None and meta.get("protective_marking") != marking:
        ck.fail(path, f"metadata protective_marking is {meta.get('protective_marking')!r}, not {marking!r}")
    inf = float("inf")
    total = [inf, inf, -inf, -inf]
    for n, feat in enumerate(doc["features"]):
        where = f"feature {n}"
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            ck.fail(where, "not a Feature")
            continue
        if "crs" in feat:
            ck.fail(where, "a crs member")
        props = feat.get("properties") or {}
        for name in sorted(forbid & set(props)):
            ck.fail(where, f"property {name!r}")
        box = [inf, inf, -inf, -inf]
        ck.geometry(where, feat.get("geometry"), box)
        if "bbox" in feat:
            ck.bbox(where, feat["bbox"], box)
        total = [min(total[0], box[0]), min(total[1], box[1]), max(total[2], box[2]), max(total[3], box[3])]
    if "bbox" not in doc:
        ck.fail(path, "no bbox member")
    elif ck.positions:
        got = ck.bbox(path, doc["bbox"], total)
        if got and max(abs(a - b) for a, b in zip(got, total)) > TOLERANCE:
            ck.fail(path, f"bbox {doc['bbox']} is not the extent of the positions {total}")
    for p in ck.problems:
        print(p)
    if ck.problems:
        return 1
    print(f"ok: {len(doc['features'])} features, {ck.positions} positions, RFC 7946")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
