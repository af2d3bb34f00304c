#!/usr/bin/env bash
# haven audit: keygen, checkpoint, verify and export end to end, on a log
# made by the test helper audit_fill (through hv_audit_append, as every
# operation appends).  Every result is re-checked independently by
# tests/audit_check.py (Python standard library only), and the store is
# tampered with directly through Python's sqlite3 module, as an attacker
# holding the file would.
set -euo pipefail
H=$HAVEN_BIN
FILL=$HAVEN_TEST_TOOLS/audit_fill
CHECK=$HAVEN_SOURCE_DIR/tests/audit_check.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
S=$T/police.db

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# A copy of the store to attack (haven leaves no -wal file behind).
copy() {
  [ ! -e "$S-wal" ] || fail "store has a WAL file after haven exited"
  cp "$S" "$1"
}
# attack DB PYTHON: run Python with `db` open on DB, triggers dropped.
attack() {
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in ("audit_no_update", "audit_no_delete", "audit_key_no_update", "audit_key_no_delete"):
    db.execute("DROP TRIGGER IF EXISTS " + t)
exec(sys.argv[2])
db.commit()
db.close()
PY
}

# bad_log DB MESSAGE SEQ CHECK_MESSAGE: haven refuses DB's log (exit 31)
# saying MESSAGE with SEQ the first bad entry, will not sign a checkpoint of
# it, and the independent check of its export fails saying CHECK_MESSAGE.
bad_log() {
  expect_exit 31 "$H" audit verify "$1"
  expect_err "$2"
  expect_err "first bad entry: $3"
  expect_exit 31 "$H" audit checkpoint "$1" --key "$T/audit.key"
  expect_err "not signing"
  "$H" audit export "$1" --format json >"$T/x.json"
  expect_exit 1 python3 "$CHECK" "$T/x.json"
  expect_out "$4"
}

python3 "$CHECK" --self-test

"$H" -q init "$S" --owner-kind police --owner-code E23000001 --owner-name "Metropolitan Police Service" >/dev/null
"$FILL" "$S" 40
echo "store with 40 audit entries"

# 1: keys are 0600, never overwritten, refused when others may read them.
"$H" audit keygen "$T/audit.key" >"$T/keygen.out"
[ "$(stat -c %a "$T/audit.key")" = 600 ] || fail "key file mode is not 0600"
PUB=$(sed -n 's/^public key: //p' "$T/keygen.out")
[ ${#PUB} -eq 44 ] || fail "keygen printed no public key"
expect_exit 3 "$H" audit keygen "$T/audit.key"
expect_err "never overwritten"
chmod 644 "$T/audit.key"
expect_exit 30 "$H" audit checkpoint "$S" --key "$T/audit.key"
expect_err "mode 0644"
chmod 600 "$T/audit.key"
echo "keygen: mode 0600, no overwrite, 0644 refused (exit 30)"

# 2: checkpoint, kept in a file that is never overwritten; verify against it.
"$H" audit checkpoint "$S" --key "$T/audit.key" --out "$T/cp1"
head -2 "$T/cp1" | tr '\n' ' ' | grep -q "^haven/E23000001 40 $" || fail "checkpoint header: $(head -2 "$T/cp1")"
grep -q "^— haven/E23000001 " "$T/cp1" || fail "checkpoint has no signature line"
expect_exit 3 "$H" audit checkpoint "$S" --key "$T/audit.key" --out "$T/cp1"
expect_err "never overwritten"
expect_exit 0 "$H" audit verify "$S" --checkpoint "$T/cp1"
expect_out "audit log: 40 entries"
expect_out "checkpoint: 40 entries, signed by key"
echo "checkpoint of 40 entries made and verified"

# 3: export, checked independently against the checkpoint and the public
#    key keygen printed.
"$H" audit export "$S" --format json >"$T/a.json"
"$H" audit export "$S" --format csv >"$T/a.csv"
python3 "$CHECK" "$T/a.json" "$T/cp1" --pubkey "$PUB"
[ "$(wc -l <"$T/a.csv")" -eq 41 ] || fail "CSV export has $(wc -l <"$T/a.csv") lines, want 41"
python3 - "$T/a.json" "$T/a.csv" <<'PY' || fail "CSV and JSON exports disagree"
import csv, json, sys
doc = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == doc["tree_size"] == len(doc["entries"]) == 40
assert rows[-1]["root_hash"] == doc["root_hash"] and rows[-1]["tree_size"] == "40"
for r, e in zip(rows, doc["entries"]):
    assert r["entry"] == e["entry"] and r["leaf_hash"] == e["leaf_hash"]
PY
echo "export (JSON and CSV) recomputed independently: leaf hashes, root, checkpoint signature"

# 4: the log grows; the old checkpoint still holds (consistency proof); the
#    next checkpoint is made only if the log extends the previous one.
"$FILL" "$S" 25
"$H" audit checkpoint "$S" --key "$T/audit.key" --previous "$T/cp1" --out "$T/cp2"
expect_exit 0 "$H" audit verify "$S" --checkpoint "$T/cp1"
expect_out "audit log: 65 entries"
expect_out "checkpoint: 40 entries, .*consistent with the log (proof of [1-9]"
"$H" audit export "$S" --format json >"$T/b.json"
python3 "$CHECK" "$T/b.json" "$T/cp1" "$T/cp2" --pubkey "$PUB"
echo "log grown to 65: old and new checkpoints verify"

# 5: attacks on copies of the store.
#  a: edit a field
copy "$T/a.db"
attack "$T/a.db" "db.execute(\"UPDATE audit SET purpose = 'curiosity' WHERE seq = 12\")"
bad_log "$T/a.db" "entry 12: field 'purpose'" 12 "entry 12: field 'purpose' differs"
echo "edited field: haven exit 31 naming entry 12; independent check fails too"

#  b: rewrite the entry's bytes and hash as well (following docs/audit.md)
copy "$T/b.db"
attack "$T/b.db" "
import hashlib, struct
s = lambda x: struct.pack('>I', len(x.encode())) + x.encode()
q = lambda x: struct.pack('>q', x)
r = db.execute('SELECT seq, at, operation, user_name, authority, purpose, justification, object,'
               ' row_count, recipients, authoriser FROM audit WHERE seq = 12').fetchone()
b = (s('haven-audit-v1') + q(r[0]) + q(r[1]) + b''.join(s(x) for x in r[2:5]) + s('routine')
     + s(r[6] or '') + s(r[7]) + q(r[8]) + s(r[9] or '') + s(r[10] or ''))
db.execute('UPDATE audit SET purpose = ?, entry = ?, leaf_hash = ? WHERE seq = 12',
           ('routine', b, hashlib.sha256(b'\x00' + b).digest()))
"
expect_exit 0 "$H" audit verify "$T/b.db"
expect_exit 31 "$H" audit verify "$T/b.db" --checkpoint "$T/cp2"
expect_err "first 65 entries do not hash to the checkpoint's root"
expect_exit 31 "$H" audit verify "$T/b.db" --checkpoint "$T/cp1"
"$H" audit export "$T/b.db" --format json >"$T/x.json"
expect_exit 1 python3 "$CHECK" "$T/x.json" "$T/cp2" --pubkey "$PUB"
expect_out "do not hash to the checkpoint's root"
echo "rewritten history: consistent alone, caught by both checkpoints (haven and independent)"

#  c: truncate
copy "$T/c.db"
attack "$T/c.db" "db.execute('DELETE FROM audit WHERE seq >= 50')"
expect_exit 31 "$H" audit verify "$T/c.db" --checkpoint "$T/cp2"
expect_err "truncated"
expect_err "first bad entry: 50"
"$H" audit export "$T/c.db" --format json >"$T/x.json"
expect_exit 1 python3 "$CHECK" "$T/x.json" "$T/cp2" --pubkey "$PUB"
expect_out "truncated"
echo "truncation to 50: caught against the 65-entry checkpoint"

#  d: delete a row in the middle
copy "$T/d.db"
attack "$T/d.db" "db.execute('DELETE FROM audit WHERE seq = 30')"
expect_exit 31 "$H" audit verify "$T/d.db"
expect_err "entry 30 is missing"
echo "deleted entry 30: caught"

#  e: a forged checkpoint (size changed) and one signed by another key
sed '2s/.*/64/' "$T/cp2" >"$T/forged"
expect_exit 31 "$H" audit verify "$S" --checkpoint "$T/forged"
expect_err "does not verify"
expect_exit 1 python3 "$CHECK" "$T/b.json" "$T/forged" --pubkey "$PUB"
expect_out "does not verify"
"$H" -q init "$T/other.db" --owner-kind police --owner-code E23000001 >/dev/null
"$FILL" "$T/other.db" 65
"$H" audit keygen "$T/other.key" >/dev/null
"$H" audit checkpoint "$T/other.db" --key "$T/other.key" --out "$T/other.cp"
expect_exit 31 "$H" audit verify "$S" --checkpoint "$T/other.cp"
expect_err "not signed by this store's audit key"
expect_exit 30 "$H" audit checkpoint "$S" --key "$T/other.key"
expect_err "is not this store's audit key"
echo "forged checkpoint and another key's checkpoint: refused"

#  f: a log whose time goes back.  Entries are stamped from the system clock;
#     the helper stamps these explicitly (--at), as no operation can.  Going
#     back up to 300 s from the latest entry is tolerated (a clock corrected),
#     more is refused, naming the two entries.
"$H" -q init "$T/time-ok.db" --owner-kind police --owner-code E23000001 >/dev/null
"$FILL" "$T/time-ok.db" 3 --at 2025-04-15T09:00:00Z
"$FILL" "$T/time-ok.db" 1 --at 2025-04-15T08:57:00Z
expect_exit 0 "$H" audit verify "$T/time-ok.db"
expect_out "audit log: 4 entries"
"$H" -q init "$T/time.db" --owner-kind police --owner-code E23000001 >/dev/null
"$FILL" "$T/time.db" 3 --at 2025-04-15T09:00:00Z --step -300
bad_log "$T/time.db" "entry 2 is stamped 2025-04-15T08:50:00Z, 600 s before entry 0 (2025-04-15T09:00:00Z): \
the log's time goes back more than 300 s" 2 "entry 2 is stamped 2025-04-15T08:50:00Z, 600 s before entry 0"
expect_exit 2 "$FILL" "$T/time.db" 1 --step 60
echo "a log going back 600 s: refused (haven and independent), 300 s tolerated"

# 6: help lists the group.
"$H" help audit >"$T/out"
for c in keygen checkpoint verify export; do expect_out "audit $c"; done
echo "ok"
