#!/usr/bin/env python3
"""leak_check.py - no output names a home: a byte search, independent of haven.

    leak_check.py REGISTER.csv [--children EPISODES.csv]... FILE...

Reads the register disclosure REGISTER.csv (haven's register format, or the
synthetic one) with the standard library and searches the raw bytes of
every FILE - text or binary, whatever its format - for anything that
identifies a home: its URN, name, first address line, postcode and
telephone.  (Not its registered person: for a council's home that is the
council, whose name is an area's.)

Values are compared as runs of letters and digits, whatever text separates
them in the file (one to three spaces or punctuation marks): "Heather
Villa" is found as "Heather Villa", "Heather, Villa" or "heather-villa"
alike (case is ignored), a postcode with or without its space, a telephone
however it is spaced.  (Not across control or binary bytes: in a compressed
or binary file, two short runs of letters around a random byte are noise.)  A URN is found as a whole run of
digits.  Names and addresses of fewer than 6 characters are not searched
(an initial and a surname match words at random).  Prints "ok: ..." and
exits 0, or prints every hit (file, field, value) and exits 1.

With --children, the raw child identifiers of a missing-episode file
(its child_id column, docs/formats.md) are searched for as well: they are
pseudonymised at import and must appear in no output.
"""
import collections
import csv
import re
import sys

FIELDS = {
    "urn": ("urn", "URN"),
    "name": ("name", "Name"),
    "address": ("address_1", "Address 1"),
    "postcode": ("postcode", "Postcode"),
    "telephone": ("telephone", "Telephone"),
}
TOKEN = re.compile(rb"[A-Za-z0-9]+")


def tokens(b):
    return [t.lower() for t in TOKEN.findall(b)]


def needles(register):
    """{(field, value): token tuple} for every identifying value."""
    out = {}
    with open(register, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            for field, columns in FIELDS.items():
                value = next((row[c].strip() for c in columns if row.get(c)), "")
                if not value or (len(value) < 6 and field != "urn"):
                    continue
                toks = tokens(value.encode())
                if field in ("postcode", "telephone"):
                    # however it is spaced: one run of its characters too
                    out[(field, value + " (unspaced)")] = (b"".join(toks),)
                out[(field, value)] = tuple(toks)
    return out


def children(episodes):
    """{("child identifier", value): token tuple} for every child_id of an episode file."""
    with open(episodes, newline="", encoding="utf-8-sig") as f:
        return {("child identifier", r["child_id"]): tuple(tokens(r["child_id"].encode()))
                for r in csv.DictReader(f) if r["child_id"].strip()}


def joined(data, spans, start, n):
    """Whether runs start .. start + n - 1 are separated by text only."""
    for i in range(start + 1, start + n):
        sep = data[spans[i - 1][1]:spans[i][0]]
        if not 1 <= len(sep) <= 3 or any(b < 0x20 or b > 0x7E for b in sep):
            return False
    return True


def search(path, wanted):
    """The (field, value) of wanted found in the file's bytes."""
    data = open(path, "rb").read()
    found = list(TOKEN.finditer(data))
    toks = [m.group().lower() for m in found]
    spans = [m.span() for m in found]
    where = collections.defaultdict(list)
    for i, t in enumerate(toks):
        where[t].append(i)
    hits = []
    for key, seq in wanted.items():
        if not seq:
            continue
        # look only where the needle's rarest token is
        k = min(range(len(seq)), key=lambda j: len(where.get(seq[j], ())))
        for i in where.get(seq[k], ()):
            start = i - k
            if start >= 0 and tuple(toks[start:start + len(seq)]) == seq and joined(data, spans, start, len(seq)):
                hits.append(key)
                break
    return hits


def main(argv):
    if len(argv) < 3:
        print("usage: leak_check.py REGISTER.csv [--children EPISODES.csv]... FILE...")
        return 2
    wanted = needles(argv[1])
    files = argv[2:]
    while len(files) >= 2 and files[0] == "--children":
        wanted.update(children(files[1]))
        files = files[2:]
    hits = 0
    for path in files:
        for field, value in search(path, wanted):
            print("%s: the %s %r of the register" % (path, field, value))
            hits += 1
    if hits:
        return 1
    print("ok: %d files, %d identifying values searched, none found" % (len(files), len(wanted)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
