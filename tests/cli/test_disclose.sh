#!/usr/bin/env bash
# test_disclose.sh - the 2013 protocol end to end, on the bundled real data.
# An HMCI store holds the synthetic national register and records West
# Yorkshire Police's monthly request; it issues the scoped, signed extract.
# A West Yorkshire Police store registers HMCI's public key, refuses a copy
# of the extract altered by one byte, imports the genuine one, geocodes it,
# and then holds only homes in the five West Yorkshire LAs: exactly as many
# as the HMCI store holds there.  Then the refusals: a wrong requester role,
# a future confirmation, a lapsed, a withdrawn and a fulfilled request.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}"
H=$HAVEN_BIN
D=$HAVEN_DATA_DIR
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh" # national_reference; the rest below is this file's own
HM=$T/hmci.db
WY=$T/wyp.db
WY_LAS="'E08000032','E08000033','E08000034','E08000035','E08000036'"
passed=0

fail() {
	echo "FAIL: $*"
	exit 1
}
ok() {
	echo "ok: $*"
	passed=$((passed + 1))
}
# expect WANT_STATUS ARGS...: run haven, stdout in $T/out, stderr in $T/err.
expect() {
	local want=$1 got=0
	shift
	"$H" "$@" >"$T/out" 2>"$T/err" || got=$?
	if [ "$got" -ne "$want" ]; then
		cat "$T/out" "$T/err"
		fail "haven $* exited $got, want $want"
	fi
	ok "haven $1 $2 ... exits $want"
}
has_err() { grep -q -- "$1" "$T/err" || { cat "$T/err"; fail "stderr lacks '$1'"; }; }
has_out() { grep -q -- "$1" "$T/out" || { cat "$T/out"; fail "stdout lacks '$1'"; }; }
same() { [ "$2" = "$3" ] || fail "$1: got '$3', want '$2'"; ok "$1: $2"; }

# ---- HMCI: the national register, a key, a request ----------------------------
"$H" -q init "$HM" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)" >/dev/null
national_reference "$HM" # the bundled la and pfa boundaries and postcode sample, loaded once per run
"$H" -q synth "$HM" --from-ofsted "$D/ofsted/ofsted_provider_level_2025-03-31.csv.gz" --seed 7 --out "$T/synth"
"$H" -q register import "$HM" "$T/synth/register.csv" --received 2025-03-31
expect 0 audit keygen "$T/hmci.key"
PUB=$(sed -n 's/^public key: //p' "$T/out")
"$H" -q authority add "$HM" --kind police --code E23000010 --name "West Yorkshire Police" >/dev/null

expect 30 request add "$HM" --authority E23000010 --requester "Supt. A. Person" --role senior-official \
	--date 2025-04-01 --kind monthly --deliver-to "CJSM mailbox"
has_err "must come from a Chief Officer of police"
expect 0 request add "$HM" --authority E23000010 --requester "Chief Constable" --role chief-officer \
	--date 2025-04-01 --kind monthly --deliver-to "CJSM mailbox"
has_out "request 1 recorded"
expect 23 request confirm "$HM" 1 --date 2025-04-16 --by "Chief Constable"
has_err "is in the future (today is 2025-04-15)"
expect 23 request confirm "$HM" 1 --date 2025-03-31 --by "Chief Constable"
has_err "before the request itself"
expect 0 request confirm "$HM" 1 --date 2025-04-10 --by "Chief Constable"
expect 0 request list "$HM" --json
same "request 1 status and next confirmation" "active 2026-04-10 2025-04-10" \
	"$(python3 -c 'import json,sys
r = json.load(sys.stdin)[0]
print(r["status"], r["next_confirmation_due"], r["last_confirmed"])' <"$T/out")"

# ---- the extract ----------------------------------------------------------------
expect 0 disclose extract "$HM" --request 1 --key "$T/hmci.key" --out "$T/wy.csv"
has_out "scope: West Yorkshire (E23000010): 5 local authorities"
HMCI_COUNT=$(sqlite3 "$HM" "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND la_code IN ($WY_LAS)")
same "header" "urn,name,address_1,address_2,address_3,town,postcode,telephone,registered_person,registered_person_address,responsible_individual,places,local_authority,registration_status,enforcement_actions,protective_marking" \
	"$(head -n 1 "$T/wy.csv" | tr -d '\r')"
same "every row marked, every LA in West Yorkshire" "$HMCI_COUNT OFFICIAL-SENSITIVE 5" \
	"$(python3 -c 'import csv,sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(len(rows), " ".join(sorted({r["protective_marking"] for r in rows})), len({r["local_authority"] for r in rows}))
assert {r["local_authority"] for r in rows} <= {"E08000032","E08000033","E08000034","E08000035","E08000036"}' "$T/wy.csv")"
same "manifest names the file's SHA-256" "$(sha256sum "$T/wy.csv" | cut -d' ' -f1)" \
	"$(sed -n 's/^sha256: //p' "$T/wy.csv.manifest")"
same "manifest signer" "$PUB" "$(sed -n 's/^public_key: //p' "$T/wy.csv.manifest")"
# The signature checked independently, with OpenSSL: the signed bytes are the
# manifest's first 13 lines (docs/disclosure.md, "Manifest"); the public key
# becomes DER by the fixed 12-byte prefix of an Ed25519 SubjectPublicKeyInfo.
head -n 13 "$T/wy.csv.manifest" >"$T/body"
sed -n 's/^signature: //p' "$T/wy.csv.manifest" | base64 -d >"$T/sig"
{ printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'; base64 -d <<<"$PUB"; } >"$T/pub.der"
openssl pkey -pubin -inform DER -in "$T/pub.der" -out "$T/pub.pem"
openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -rawin -in "$T/body" -sigfile "$T/sig" >"$T/out" ||
	fail "OpenSSL does not verify the manifest's signature"
ok "OpenSSL verifies the manifest's Ed25519 signature"
same "extract recorded" "1 $HMCI_COUNT" "$(sqlite3 "$HM" "SELECT request_id, homes FROM extract" | tr '|' ' ')"
expect 3 disclose extract "$HM" --request 1 --key "$T/hmci.key" --out "$T/wy.csv"
has_err "exists; an extract is never overwritten"

# ---- West Yorkshire Police receives it --------------------------------------------
"$H" -q init "$WY" --owner-kind police --owner-code E23000010 --owner-name "West Yorkshire Police" >/dev/null
national_reference "$WY"

# Before HMCI's key is known, the extract is refused.
expect 31 register import "$WY" "$T/wy.csv" --received 2025-04-15
has_err "not signed by a known HMCI key"
"$H" -q authority add "$WY" --kind hmci --code HMCI --name "HMCI (Ofsted)" >/dev/null
"$H" -q authority key add "$WY" --authority HMCI --public-key "$PUB" --label "extract signing key" >/dev/null

# One byte changed: refused, the store untouched.
mkdir "$T/tampered"
cp "$T/wy.csv" "$T/wy.csv.manifest" "$T/tampered/"
python3 -c 'import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = len(b) // 2
b[i] = ord("x") if b[i] != ord("x") else ord("y")
open(p, "wb").write(b)' "$T/tampered/wy.csv"
before=$(dump "$WY")
expect 31 register import "$WY" "$T/tampered/wy.csv" --received 2025-04-15
has_err "does not match $(sed -n 's/^sha256: //p' "$T/wy.csv.manifest") in its signed manifest"
# An edited manifest: refused too.
cp "$T/wy.csv" "$T/tampered/wy2.csv"
sed 's/^homes: .*/homes: 1/' "$T/wy.csv.manifest" >"$T/tampered/wy2.csv.manifest"
expect 31 register import "$WY" "$T/tampered/wy2.csv" --received 2025-04-15
has_err "the signature does not verify"
same "refused extracts leave the store as it was" "$before" "$(dump "$WY")"

expect 0 register import "$WY" "$T/wy.csv" --received 2025-04-15
has_out "$HMCI_COUNT homes"
has_out "(manifest verified)"
has_err "manifest verified: extract 1 for request 1 of E23000010 (West Yorkshire Police)"
expect 0 geocode "$WY"
same "homes held, all in West Yorkshire LAs, as many as HMCI holds there" "$HMCI_COUNT $HMCI_COUNT 0" \
	"$(sqlite3 "$WY" "SELECT count(*), sum(la_code IN ($WY_LAS)), sum(geo_method IS NULL OR geo_method = 'unmatched')
	                  FROM home_version WHERE valid_to IS NULL" | tr '|' ' ')"
same "geocoded inside West Yorkshire" "$HMCI_COUNT" \
	"$(sqlite3 "$WY" "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND geo_pfa = 'E23000010'")"

# ---- a stripped manifest (downgrade) ---------------------------------------------
# Now that the store holds HMCI's key, a register file without a manifest is
# refused: the national file, stripped; not even with --unsigned by an
# analyst.  Another force's homes stripped of their manifest cannot close
# West Yorkshire's homes even when an admin admits the file.
"$H" -q user add "$WY" --name ana --authority E23000010 --role analyst --default-purpose safeguarding >/dev/null
export HAVEN_NOW=2025-04-20T09:00:00Z
before=$(dump "$WY")
expect 31 register import "$WY" "$T/synth/register.csv" --received 2025-04-20
has_err "this store holds HMCI's public key, so a register file whose origin cannot be verified is refused"
expect 30 register import "$WY" "$T/synth/register.csv" --received 2025-04-20 --unsigned --as ana
has_err "only an admin may admit a register file without a manifest"
python3 -c 'import csv,sys
src = csv.DictReader(open(sys.argv[1], newline=""))
out = csv.DictWriter(open(sys.argv[2], "w", newline=""), src.fieldnames)
out.writeheader()
n = 0
for r in src:
    if r["local_authority"] in {"E08000016", "E08000017", "E08000018", "E08000019"}:  # South Yorkshire
        out.writerow(r); n += 1
assert n > 0' "$T/synth/register.csv" "$T/other.csv"
expect 21 register import "$WY" "$T/other.csv" --received 2025-04-20 --unsigned
has_err "none of its [0-9]* homes is in this store's scope"
same "refused downgrades leave the store as it was" "$before" "$(dump "$WY")"
same "every West Yorkshire home still current" "$HMCI_COUNT" \
	"$(sqlite3 "$WY" "SELECT count(*) FROM home_version WHERE valid_to IS NULL")"

# ---- replay of an older genuine extract --------------------------------------------
# HMCI's next two months each add a Leeds home; extracts 2 and 3 carry them.
# West Yorkshire imports extract 3.  Extract 2, replayed afterwards under a
# later received date, would close the home that extract 3 brought: refused
# as stale.  Re-importing an extract already held stays a no-op.
add_home() { # add_home IN OUT URN: IN plus a copy of its first Leeds home as URN
	python3 -c 'import csv,sys
src = csv.DictReader(open(sys.argv[1], newline=""))
out = csv.DictWriter(open(sys.argv[2], "w", newline=""), src.fieldnames)
out.writeheader()
added = False
for r in src:
    out.writerow(r)
    if not added and r["local_authority"] == "E08000035":  # Leeds
        out.writerow(dict(r, urn=sys.argv[3], name="Newly Registered House")); added = True
assert added' "$@"
}
add_home "$T/synth/register.csv" "$T/month2.csv" SC999998
add_home "$T/month2.csv" "$T/month3.csv" SC999999
"$H" -q register import "$HM" "$T/month2.csv" --received 2025-04-16 >/dev/null
expect 0 disclose extract "$HM" --request 1 --key "$T/hmci.key" --out "$T/wy2.csv"
"$H" -q register import "$HM" "$T/month3.csv" --received 2025-04-17 >/dev/null
expect 0 disclose extract "$HM" --request 1 --key "$T/hmci.key" --out "$T/wy3.csv"
same "extract 3 manifest" "extract: 3 register_as_at: 2025-04-17" \
	"$(sed -n 's/^\(extract\|register_as_at\): /\1: /p' "$T/wy3.csv.manifest" | tr '\n' ' ' | sed 's/ $//')"
expect 0 register import "$WY" "$T/wy3.csv" --received 2025-04-17
has_err "manifest verified: extract 3"
has_out "new 2, reopened 0"
before=$(dump "$WY")
expect 25 register import "$WY" "$T/wy2.csv" --received 2025-04-18
has_err "extract 2 of HMCI is not newer than extract 3 (register as at 2025-04-17)"
same "the replay changed nothing" "$before" "$(dump "$WY")"
same "both new homes still current" "2" \
	"$(sqlite3 "$WY" "SELECT count(*) FROM home_version WHERE urn LIKE 'SC99999_' AND valid_to IS NULL")"
expect 0 register import "$WY" "$T/wy3.csv" --received 2025-04-18
has_out "already imported"

# ---- an admin admits the national file unsigned: recorded, the rest dropped -----------
expect 0 register import "$WY" "$T/synth/register.csv" --received 2025-04-20 --unsigned
has_err "admitted unverified by admin"
has_out "(UNSIGNED: admitted without a manifest)"
has_out "$((4009 - HMCI_COUNT)) homes outside this store's scope dropped"
same "the audit entry says it was unsigned" "collection admin 1" \
	"$(sqlite3 "$WY" "SELECT operation, user_name, object LIKE '%UNSIGNED: no manifest, admitted by an admin%'
	                  FROM audit ORDER BY seq DESC LIMIT 1" | tr '|' ' ')"
same "origins recorded" "manifest,1,2025-03-31 manifest,3,2025-04-17 unsigned,," \
	"$(sqlite3 -csv "$WY" "SELECT origin, extract_seq, register_as_at FROM snapshot ORDER BY received" | tr -d '\r' |
		tr '\n' ' ' | sed 's/ $//')"
same "still only West Yorkshire (the two new homes closed again)" "$HMCI_COUNT" \
	"$(sqlite3 "$WY" "SELECT count(*) FROM home_version WHERE valid_to IS NULL AND la_code IN ($WY_LAS)")"
same "and nothing else" "$HMCI_COUNT" "$(sqlite3 "$WY" "SELECT count(*) FROM home_version WHERE valid_to IS NULL")"
unset HAVEN_NOW

# ---- requests that may not be served ----------------------------------------------
expect 0 request add "$HM" --authority E23000010 --requester "Chief Constable" --role chief-officer \
	--date 2025-04-12 --kind one-off --deliver-to "CJSM mailbox"
expect 0 disclose extract "$HM" --request 2 --key "$T/hmci.key" --out "$T/one.csv"
has_out "the one-off request is now fulfilled"
expect 30 disclose extract "$HM" --request 2 --key "$T/hmci.key" --out "$T/one-again.csv"
has_err "was fulfilled by the extract made"
expect 0 request add "$HM" --authority E23000010 --requester "Chief Constable" --role chief-officer \
	--date 2025-04-12 --kind monthly --deliver-to "CJSM mailbox"
expect 0 request withdraw "$HM" 3 --date 2025-04-14
expect 30 disclose extract "$HM" --request 3 --key "$T/hmci.key" --out "$T/withdrawn.csv"
has_err "was withdrawn on 2025-04-14"
# A year and a day after its confirmation, request 1 has lapsed.
HAVEN_NOW=2026-04-10T12:00:00Z expect 0 request due "$HM" --csv
same "due on its last day" "1,E23000010,West Yorkshire Police,Chief Constable,2025-04-10,2026-04-10,0,active" \
	"$(sed -n 2p "$T/out" | tr -d '\r')"
before=$(dump "$HM")
HAVEN_NOW=2026-04-11T00:00:00Z expect 30 disclose extract "$HM" --request 1 --key "$T/hmci.key" --out "$T/late.csv"
has_err "request 1 lapsed"
HAVEN_NOW=2026-04-11T00:00:00Z expect 0 request list "$HM" --csv
same "statuses a year on" "lapsed fulfilled withdrawn" \
	"$(python3 -c 'import csv,sys; print(" ".join(r["status"] for r in csv.DictReader(sys.stdin)))' <"$T/out")"
same "refusals leave the HMCI store as it was" "$before" "$(dump "$HM")"
[ ! -e "$T/late.csv" ] && [ ! -e "$T/late.csv.manifest" ] || fail "a refused extract left a file"
ok "a refused extract leaves no file"

# Only HMCI issues extracts.
expect 30 disclose extract "$WY" --request 1 --key "$T/hmci.key" --out "$T/from-police.csv"
has_err "HMCI's: this store belongs to police E23000010"

echo "$passed checks passed"
