#!/usr/bin/env bash
# haven governance end to end: the store's first user, authorities, users
# and their keys, purposes, the acting options, and exceptional use with a
# senior's signed authorisation.  Every refusal checks the exit status (the
# haven_status number), the message, and where nothing should change, that
# the store's rows are unchanged.  Tampering is done with Python's sqlite3
# module, as someone holding the file would.
set -euo pipefail
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
S=$T/met.db
export HAVEN_KEY_DIR=$T/keys

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# digest DB: SHA-256 over every ordinary table's rows.
digest() {
  python3 - "$1" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
h = hashlib.sha256()
for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                          "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"):
    h.update(name.encode())
    for row in db.execute('SELECT * FROM "%s"' % name.replace('"', '""')):
        h.update(repr(row).encode())
print(h.hexdigest())
PY
}
sql() {
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
db.commit()
PY
}
# refused CODE MESSAGE CMD...: CMD must fail with CODE and MESSAGE and leave $S unchanged.
refused() {
  local code=$1 msg=$2 before
  shift 2
  before=$(digest "$S")
  expect_exit "$code" "$@"
  expect_err "$msg"
  [ "$(digest "$S")" = "$before" ] || fail "'$*' changed the store"
}

# 1: the store's creator is its first user, an admin of the owner.
expect_exit 0 "$H" init "$S" --owner-kind police --owner-code E23000001 --owner-name "Metropolitan Police Service"
expect_out "first user: admin, admin of E23000001"
[ "$(sql "$S" "SELECT name, role, default_purpose FROM app_user")" = "admin|admin|safeguarding" ] ||
  fail "init did not make the admin"
expect_exit 0 "$H" init "$T/named.db" --owner-kind la --owner-code E10000016 --owner-name Kent --admin dcs.office
expect_out "first user: dcs.office, admin of E10000016"
expect_exit 0 env -u HAVEN_USER "$H" init "$T/login.db" --owner-kind dfe --owner-code DFE
[ "$(sql "$T/login.db" "SELECT name FROM app_user")" = "$(id -un)" ] || fail "init without HAVEN_USER: not the login name"
expect_exit 0 "$H" init "$T/kss.db" --owner-kind probation --owner-code KSS-PDU --owner-area E23000032,E23000033
[ "$(sql "$T/kss.db" "SELECT group_concat(area_code, ' ') FROM authority_area")" = "E23000032 E23000033" ] ||
  fail "probation owner areas"
expect_exit 21 "$H" init "$T/kss2.db" --owner-kind probation --owner-code KSS
expect_err "needs the police force areas"
[ ! -e "$T/kss2.db" ] || fail "a refused init left a store"
expect_exit 23 "$H" init "$T/bad.db" --owner-kind police --owner-code E23000001 --admin "Jo Bloggs"
expect_err "admin name 'Jo Bloggs'"
echo "1: init makes the first user (admin); probation owner areas; refusals leave no file"

# 2: authorities and their keys (admin only).
expect_exit 0 "$H" authority add "$S" --kind police --code E23000005 --name "Greater Manchester Police"
expect_exit 0 "$H" authority add "$S" --kind probation --code KSS-PDU --name "Kent PDU" --area E23000032 --area E23000033
refused 23 "is not a police force area code" "$H" authority add "$S" --kind police --code E10000016 --name Kent
refused 21 "a probation authority needs the police force areas" "$H" authority add "$S" --kind probation --code X --name X
refused 23 "a occ authority takes no areas" "$H" authority add "$S" --kind occ --code OCC --name OCC --area E23000001
refused 22 "already registered" "$H" authority add "$S" --kind police --code E23000005 --name GMP
expect_exit 0 "$H" authority list "$S" --csv
expect_out "KSS-PDU,probation,Kent PDU,areas,E23000032 E23000033,0,0,"
"$H" audit keygen "$T/hmci.key" >"$T/keygen"
PUB=$(sed -n 's/^public key: //p' "$T/keygen")
expect_exit 0 "$H" authority add "$S" --kind hmci --code HMCI --name "HMCI (Ofsted)"
expect_exit 0 "$H" authority key add "$S" --authority HMCI --public-key "$PUB" --label "extract manifests"
expect_out "recorded key 1 of HMCI"
refused 23 "is not an Ed25519 public key" "$H" authority key add "$S" --authority HMCI --public-key "abc"
refused 22 "already recorded" "$H" authority key add "$S" --authority HMCI --public-key "$PUB"
refused 26 "authority 'NOPE' is not registered" "$H" authority key add "$S" --authority NOPE --public-key "$PUB"
expect_exit 0 "$H" authority key list "$S" --csv
expect_out "1,HMCI,$(csv_text "$PUB"),extract manifests,2025-04-15T09:00:00Z"
echo "2: authorities (police, probation areas, hmci) and keys; shape and duplicate refusals"

# 3: users; a senior's new key is written outside the store.
expect_exit 0 "$H" user add "$S" --name ana --authority E23000001 --role analyst --default-purpose safeguarding
expect_exit 0 "$H" user add "$S" --name ana2 --authority E23000001 --role analyst --default-purpose safeguarding
expect_exit 0 "$H" user add "$S" --name sup --authority E23000001 --role senior --default-purpose safeguarding
expect_out "wrote their secret key $T/keys/sup.key (mode 0600)"
SUPPUB=$(sed -n 's/^public key: //p' "$T/out")
[ "$(stat -c %a "$T/keys/sup.key")" = 600 ] || fail "senior key mode"
[ "$(stat -c %a "$T/keys")" = 700 ] || fail "key directory mode"
expect_exit 0 "$H" user add "$S" --name sup2 --authority E23000001 --role senior --key-file "$T/sup2.key"
expect_exit 0 "$H" user add "$S" --name other --authority E23000005 --role senior --default-purpose safeguarding
expect_exit 0 "$H" user add "$S" --name other.ana --authority E23000005 --role analyst --default-purpose safeguarding
expect_exit 0 env -u HAVEN_KEY_DIR HOME="$T/home" "$H" user add "$S" --name sup3 --authority E23000001 --role senior
[ -f "$T/home/.haven/keys/sup3.key" ] || fail "no key under HOME/.haven/keys"
[ "$(stat -c %a "$T/home/.haven")" = 700 ] || fail "HOME/.haven mode"
grep -rqF "$(sed -n 2p "$T/keys/sup.key")" "$S" && fail "a secret key is in the store"
[ "$(sql "$S" "SELECT public_key FROM app_user WHERE name = 'sup'")" = "$SUPPUB" ] || fail "sup's public key"
refused 30 "user 'ana' has the role analyst; this needs the role admin" \
  "$H" user add "$S" --name eve --authority E23000001 --role analyst --as ana
refused 23 "'policy' is not a purpose registered for police authorities" \
  "$H" user add "$S" --name eve --authority E23000001 --role analyst --default-purpose policy
refused 22 "user 'ana' exists already" "$H" user add "$S" --name ana --authority E23000001 --role analyst
refused 3 "never overwritten" "$H" user add "$S" --name eve --authority E23000001 --role senior --key-file "$T/keys/sup.key"
expect_exit 0 "$H" user add "$S" --name gone --authority E23000001 --role analyst --default-purpose safeguarding
expect_exit 0 "$H" user disable "$S" gone
refused 30 "'admin' is the last enabled admin" "$H" user disable "$S" admin
expect_exit 0 "$H" user list "$S" --csv
expect_out "sup,E23000001,police,senior,safeguarding,$(csv_text "$SUPPUB"),"
echo "3: users; senior keys 0600 in 0700 directories, public half only in the store; admin-only"

# 4: purposes and the acting options.
expect_exit 0 "$H" purpose list "$S" --kind police --csv
[ "$(wc -l <"$T/out")" -eq 6 ] || fail "police purposes: $(cat "$T/out")"
refused 30 "unknown user 'nobody'" "$H" user list "$S" --as nobody
refused 30 "no user given" env -u HAVEN_USER "$H" user list "$S"
refused 30 "user 'gone' was disabled on" "$H" user list "$S" --as gone
refused 30 "'policy' is not a registered purpose for police authorities" "$H" user list "$S" --as ana --purpose policy
refused 30 "needs a senior's authorisation" "$H" user list "$S" --as ana --purpose policy --reason "capacity review"
refused 2 "--authorisation wants the number" "$H" user list "$S" --as ana --authorisation abc
expect_exit 0 "$H" user list --as=ana --purpose offender-management "$S" --csv
expect_exit 0 env HAVEN_USER=ana "$H" purpose list "$S"
echo "4: purposes; acting refused for unknown, missing and disabled users and unregistered purposes"

# 5: authorising exceptional use.
USE="search for a missing child outside the force area"
refused 30 "this needs the role senior" \
  "$H" authorise "$S" --as ana --key "$T/keys/sup.key" --for ana2 --use "$USE" --reason r
refused 30 "'sup' cannot authorise themselves" \
  "$H" authorise "$S" --as sup --key "$T/keys/sup.key" --for sup --use "$USE" --reason r
refused 30 "not the key recorded for senior 'sup'" \
  "$H" authorise "$S" --as sup --key "$T/sup2.key" --for ana --use "$USE" --reason r
refused 3 "cannot open key file" \
  "$H" authorise "$S" --as sup --key "$T/lost.key" --for ana --use "$USE" --reason r
refused 30 "user 'other.ana' is of authority E23000005" \
  "$H" authorise "$S" --as sup --key "$T/keys/sup.key" --for other.ana --use "$USE" --reason r
chmod 644 "$T/keys/sup.key"
refused 30 "mode 0644" "$H" authorise "$S" --as sup --key "$T/keys/sup.key" --for ana --use "$USE" --reason r
chmod 600 "$T/keys/sup.key"
refused 23 "more than 365 days ahead" \
  "$H" authorise "$S" --as sup --key "$T/keys/sup.key" --for ana --use "$USE" --reason r --expires 2026-05-01
expect_exit 0 "$H" authorise "$S" --as sup --key "$T/keys/sup.key" --for ana --use "$USE" \
  --reason "child missing overnight"
ID=$(cat "$T/out")
[[ $ID =~ ^[0-9]+$ ]] || fail "authorise printed '$ID', not an id"
expect_err "authorisation $ID: 'ana' may use the store once for '$USE' until 2025-05-15T09:00:00Z"
[ "$(sql "$S" "SELECT reason FROM authorisation WHERE id = $ID")" = "child missing overnight" ] ||
  fail "the authorisation's reason"
echo "5: authorise: only a senior, with their own 0600 key, for another user of their authority"

# 6: acting under it; refusals name what failed.
expect_exit 0 "$H" user list "$S" --as ana --purpose "$USE" --reason "urgent: missing overnight" --authorisation "$ID"
refused 30 "is for user 'ana', not 'ana2'" \
  "$H" user list "$S" --as ana2 --purpose "$USE" --reason r --authorisation "$ID"
refused 30 "is for the use '$USE', not 'bulk export'" \
  "$H" user list "$S" --as ana --purpose "bulk export" --reason r --authorisation "$ID"
refused 30 "authorisation $ID expired at 2025-05-15T09:00:00Z" \
  env HAVEN_NOW=2025-05-15T09:00:00Z "$H" user list "$S" --as ana --purpose "$USE" --reason r --authorisation "$ID"
cp "$S" "$T/flipped.db"
sql "$T/flipped.db" "UPDATE authorisation SET signature = substr(signature, 1, 4) ||
  CASE substr(signature, 5, 1) WHEN 'A' THEN 'B' ELSE 'A' END || substr(signature, 6) WHERE id = $ID" >/dev/null
expect_exit 31 "$H" user list "$T/flipped.db" --as ana --purpose "$USE" --reason r --authorisation "$ID"
expect_err "the signature does not verify under the recorded public key of senior 'sup'"
cp "$S" "$T/copied.db"
sql "$T/copied.db" "INSERT INTO authorisation(authority_code, senior, user_name, use, reason, issued_at, expires_at,
  nonce, signature) SELECT authority_code, senior, user_name, 'bulk export', reason, issued_at, expires_at,
  CASE substr(nonce, 1, 2) WHEN 'ff' THEN '00' ELSE 'ff' END || substr(nonce, 3), signature
  FROM authorisation WHERE id = $ID" >/dev/null
NEW=$(sql "$T/copied.db" "SELECT max(id) FROM authorisation")
expect_exit 31 "$H" user list "$T/copied.db" --as ana --purpose "bulk export" --reason r --authorisation "$NEW"
expect_err "authorisation $NEW: the signature does not verify"
echo "6: exceptional use accepted once signed; wrong user, use, expiry refused (30); altered rows (31)"

# 7: the CLI: help, three-word commands, --reason kept for commands that take it.
expect_exit 0 "$H" help
expect_out "--as USER"
expect_out "--authorisation ID"
expect_exit 0 "$H" help authority key add
expect_out "usage: haven authority key add STORE --authority CODE --public-key B64"
expect_exit 2 "$H" authority key
expect_err "'authority' needs a subcommand"
expect_exit 26 "$H" geocode set "$S" 123 --point 429000,435000 --reason "kept for geocode set"
expect_err "no current home with URN 123"
echo "7: help lists the acting options; 'authority key add'; geocode set still sees --reason"
echo "ALL PASSED"
