#!/usr/bin/env python3
"""Check a haven audit log independently of haven.

    audit_check.py EXPORT.json [CHECKPOINT ...] [--pubkey BASE64]
    audit_check.py --self-test

EXPORT.json is the output of 'haven audit export STORE --format json'.  Using
only Python's standard library and the specification in docs/audit.md (not
haven's code), this script:

  * decodes every entry's canonical bytes and compares each field with the
    exported fields, and checks the sequence numbers run 0, 1, 2, ... and
    that no entry's time is more than MAX_BACKWARDS seconds before the
    latest time of the entries ahead of it;
  * recomputes every leaf hash, SHA-256(0x00 || bytes), and the RFC 6962
    Merkle tree root after every entry and for the whole log;
  * for each checkpoint (a C2SP signed note), checks the origin, the Ed25519
    signature (RFC 8032, implemented below) by the public key given with
    --pubkey, or else the one the export records, that the log is at least
    as long as the checkpoint, and that the root of the log's first N entries
    is the checkpoint's root.

Prints what it checked and exits 0, or prints FAIL lines and exits 1.
"""
import base64
import calendar
import hashlib
import json
import struct
import sys
import time

TAG = b"haven-audit-v1"
TEXT_FIELDS = ("operation", "user", "authority", "purpose", "justification", "object")
EM_DASH = "\u2014"
MAX_BACKWARDS = 300  # seconds; docs/audit.md, "What verify checks"


class Fail(Exception):
    pass


# ---- RFC 6962 s.2.1 ------------------------------------------------------

def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    """MTH straight from the RFC's recursive definition."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


class Tree:
    """Roots of every prefix in O(log n) each: perfect subtrees on a stack."""

    def __init__(self):
        self.size, self.stack = 0, []

    def push(self, leaf):
        h, s = leaf, self.size
        while s & 1:
            h = node_hash(self.stack.pop(), h)
            s >>= 1
        self.stack.append(h)
        self.size += 1

    def root(self):
        if not self.stack:
            return hashlib.sha256(b"").digest()
        h = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            h = node_hash(left, h)
        return h


# ---- Ed25519 verification (RFC 8032 s.5.1.7) ------------------------------

P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(p, q):
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * D % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(s, p):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _same(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % P == 0 and (p[1] * q[2] - q[1] * p[2]) % P == 0


def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def _point(s):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % P)


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
G = (_GX, _GY, 1, _GX * _GY % P)


def ed25519_verify(public, message, signature):
    if len(signature) != 64:
        return False
    a, r = _point(public), _point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % L
    return _same(_mul(s, G), _add(r, _mul(h, a)))


# ---- canonical entry bytes (docs/audit.md) --------------------------------

def decode_entry(b):
    """The fields of one v1 entry, or Fail."""
    pos = 0

    def take(n, what):
        nonlocal pos
        if len(b) - pos < n:
            raise Fail("canonical bytes end inside field '%s'" % what)
        pos += n
        return b[pos - n:pos]

    def text(what):
        (n,) = struct.unpack(">I", take(4, what))
        return take(n, what).decode("utf-8")

    def integer(what):
        return struct.unpack(">q", take(8, what))[0]

    if text("tag").encode() != TAG:
        raise Fail("canonical bytes do not start with the tag %r" % TAG)
    f = {"seq": integer("seq"), "at": integer("at")}
    for name in TEXT_FIELDS:
        f[name] = text(name)
    f["rows"] = integer("rows")
    f["recipients"] = text("recipients")
    f["authoriser"] = text("authoriser")
    if pos != len(b):
        raise Fail("%d bytes after the last field" % (len(b) - pos))
    return f


def unix_time(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


def iso_time(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


# ---- checks ---------------------------------------------------------------

def check_export(doc):
    if doc.get("format") != "haven-audit-export-v1":
        raise Fail("not a haven audit export (format %r)" % doc.get("format"))
    tree, leaves = Tree(), []
    latest = None  # (at, seq) of the latest entry so far
    for i, e in enumerate(doc["entries"]):
        where = "entry %d" % i
        if e["seq"] != i:
            raise Fail("%s: sequence number is %s" % (where, e["seq"]))
        raw = base64.b64decode(e["entry"], validate=True)
        try:
            f = decode_entry(raw)
        except (Fail, UnicodeDecodeError, struct.error) as x:
            raise Fail("%s: %s" % (where, x))
        want = dict(e)
        want["at"] = unix_time(e["at"])
        for name in ("seq", "at") + TEXT_FIELDS + ("rows", "recipients", "authoriser"):
            if f[name] != (want[name] if want[name] is not None else ""):
                raise Fail("%s: field '%s' differs from its canonical bytes" % (where, name))
        if latest and f["at"] < latest[0] - MAX_BACKWARDS:
            raise Fail("%s is stamped %s, %d s before entry %d (%s): the log's time goes back more than %d s"
                       % (where, e["at"], latest[0] - f["at"], latest[1], iso_time(latest[0]), MAX_BACKWARDS))
        if not latest or f["at"] >= latest[0]:
            latest = (f["at"], i)
        h = leaf_hash(raw)
        if h.hex() != e["leaf_hash"]:
            raise Fail("%s: leaf hash does not match its canonical bytes" % where)
        leaves.append(h)
        tree.push(h)
        if e["tree_size"] != i + 1 or tree.root().hex() != e["root_hash"]:
            raise Fail("%s: the tree size or root after it is wrong" % where)
    root = mth(leaves)
    if root != tree.root():
        raise Fail("internal: stack root differs from the recursive MTH")
    if doc["tree_size"] != len(leaves) or doc["root_hash"] != root.hex():
        raise Fail("the export's tree size or root does not match its entries")
    return leaves


def parse_note(text):
    if "\n\n" not in text:
        raise Fail("no blank line before the signatures")
    cut = text.rindex("\n\n")
    body, sigs = text[:cut + 1], text[cut + 2:]
    lines = body.split("\n")
    if len(lines) < 4:
        raise Fail("the body is not origin, size, root")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise Fail("tree size %r is not a decimal number" % size)
    root = base64.b64decode(root, validate=True)
    if len(root) != 32:
        raise Fail("root is not 32 bytes")
    signatures = []
    for line in sigs.split("\n")[:-1]:
        if not line.startswith(EM_DASH + " ") or line.count(" ") != 2:
            raise Fail("malformed signature line %r" % line)
        _, name, blob = line.split(" ")
        signatures.append((name, base64.b64decode(blob, validate=True)))
    if not sigs.endswith("\n") or not signatures:
        raise Fail("no signature lines")
    return origin, int(size), root, body.encode("utf-8"), signatures


def check_checkpoint(path, doc, leaves, public):
    with open(path, encoding="utf-8") as f:
        origin, size, root, body, signatures = parse_note(f.read())
    if origin != doc["origin"]:
        raise Fail("checkpoint is for %r, the export is %r" % (origin, doc["origin"]))
    kid = hashlib.sha256(origin.encode() + b"\n\x01" + public).digest()[:4]
    mine = [blob for name, blob in signatures if name == origin and blob[:4] == kid]
    if not mine:
        raise Fail("checkpoint is not signed by key %s" % kid.hex())
    if not ed25519_verify(public, body, mine[0][4:]):
        raise Fail("checkpoint signature by key %s does not verify" % kid.hex())
    if size > len(leaves):
        raise Fail("the log has %d entries, the checkpoint %d: truncated" % (len(leaves), size))
    if mth(leaves[:size]) != root:
        raise Fail("the first %d entries do not hash to the checkpoint's root" % size)
    return size, kid.hex()


def self_test():
    ct = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
          b"\x50\x51\x52\x53\x54\x55\x56\x57", bytes(range(0x60, 0x70))]
    roots = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
             "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
             "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
             "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
             "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
             "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
             "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]
    leaves = [leaf_hash(x) for x in ct]
    tree = Tree()
    for n in range(1, 9):
        tree.push(leaves[n - 1])
        assert mth(leaves[:n]).hex() == roots[n - 1] == tree.root().hex(), n
    # RFC 8032 s.7.1, test 1 (empty message), and a corrupted signature.
    pk = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    sig = bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
                        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    assert ed25519_verify(pk, b"", sig)
    assert not ed25519_verify(pk, b"x", sig)
    assert not ed25519_verify(pk, b"", sig[:10] + bytes([sig[10] ^ 1]) + sig[11:])
    print("self-test: RFC 6962 roots 1..8 and RFC 8032 test 1 ok")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    args, public = [], None
    it = iter(argv[1:])
    for a in it:
        if a == "--pubkey":
            public = base64.b64decode(next(it), validate=True)
        else:
            args.append(a)
    if not args:
        print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as f:
            doc = json.load(f)
        leaves = check_export(doc)
        print("ok: %d entries, every field matches its canonical bytes, root %s"
              % (len(leaves), doc["root_hash"]))
        if len(args) > 1:
            if public is None:
                if len(doc["public_keys"]) != 1:
                    raise Fail("the export records %d public keys; give --pubkey" % len(doc["public_keys"]))
                public = base64.b64decode(doc["public_keys"][0], validate=True)
                print("note: checking signatures with the public key the export records")
            for path in args[1:]:
                try:
                    size, kid = check_checkpoint(path, doc, leaves, public)
                except Fail as x:
                    raise Fail("%s: %s" % (path, x))
                print("ok: checkpoint %s: %d entries, signed by key %s, a prefix of the log"
                      % (path, size, kid))
    except Fail as x:
        print("FAIL: %s" % x)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
