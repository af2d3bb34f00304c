#!/usr/bin/env bash
# test_hardening_output.sh - what haven writes, end to end: CSV cells a
# spreadsheet would run as formulas are neutralised in HMCI's signed extract
# and every --csv listing (and read back as they were by the receiver's
# import); escape sequences in register fields, complaints and the owner's
# name never reach the terminal raw; a huge cell cannot blow up a text
# listing; stores and every file haven writes are private; numeric arguments
# are parsed strictly.
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}" "${HAVEN_FIXTURES:?run through ctest}"
H=$HAVEN_BIN
D=$HAVEN_DATA_DIR
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HAVEN_KEY_DIR=$T/keys
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# csv_cell FILE KEY VALUE COLUMN: COLUMN of the row whose KEY is VALUE, as Python's csv module reads it.
csv_cell() {
	python3 - "$@" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r[sys.argv[2]] == sys.argv[3]:
        sys.stdout.write(r[sys.argv[4]])
        break
PY
}
ESC=$'\e'
umask 022 # files haven writes must be 0600 whatever the umask lets through
mode() { stat -c %a "$1"; }
LA_BOUNDARIES=$D/boundaries/ctyua_dec2024_en_bgc.geojson.gz

# ---- a register whose fields a spreadsheet would run, and escape sequences ----
HEADER="URN,Home name,Address 1,Address 2,Town,Post code,Telephone,Registered person,Registered person address,Responsible individual,Places,Local authority,Registration status,Enforcement actions"
{
	echo "$HEADER"
	echo 'SC900001,=Sunny House,"=HYPERLINK(""http://x"",""y"")",,Manchester,M1 1AA,+44 161 496 0001,@Provider Ltd,"-2 Sample Road, Leeds",-A. Person,4,Manchester,Active,'
	echo "SC900002,Calm ${ESC}[2J${ESC}[31mHouse,1 Example Street,,Bristol,BS8 1AA,0117 496 0002,Sample Homes Ltd,,B. Person,3,Bristol,Active,"
	echo "SC900003,Oak House,5 Test Road,,Leeds,LS6 1AA,0113 496 0003,Leeds City Council,,C. Person,2,Leeds,Active,"
} >"$T/reg.csv"

HM=$T/hmci.db
"$H" -q init "$HM" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)" >/dev/null
"$H" -q boundaries load "$HM" --kind la "$LA_BOUNDARIES" >/dev/null
expect_exit 0 "$H" register import "$HM" "$T/reg.csv" --received 2025-03-31
same "fields are stored as they came" "=Sunny House|+44 161 496 0001|@Provider Ltd|-A. Person" \
	"$(sqlite3 "$HM" "SELECT name, telephone, registered_person, responsible_individual FROM home_version WHERE urn = 'SC900001'")"

# ---- 8: CSV formula injection ---------------------------------------------------
expect_exit 0 "$H" register changes "$HM" --csv
cp "$T/out" "$T/changes.csv"
same "register changes --csv: a name starting '=' is neutralised" "'=Sunny House" \
	"$(csv_cell "$T/changes.csv" urn SC900001 name)"
same "register changes --csv: other names are not touched" "Oak House" "$(csv_cell "$T/changes.csv" urn SC900003 name)"

expect_exit 0 "$H" audit keygen "$T/hmci.key"
PUB=$(sed -n 's/^public key: //p' "$T/out")
expect_exit 0 "$H" authority add "$HM" --kind dfe --code DFE --name "Department for Education"
expect_exit 0 "$H" request add "$HM" --authority DFE --requester "A. Official" --role senior-official \
	--date 2025-04-01 --kind one-off --deliver-to "secure mailbox"
expect_exit 0 "$H" disclose extract "$HM" --request 1 --key "$T/hmci.key" --out "$T/ex.csv"
same "extract: name neutralised" "'=Sunny House" "$(csv_cell "$T/ex.csv" urn SC900001 name)"
same "extract: formula in a quoted cell neutralised" "'=HYPERLINK(\"http://x\",\"y\")" \
	"$(csv_cell "$T/ex.csv" urn SC900001 address_1)"
same "extract: telephone, people and address neutralised" "'+44 161 496 0001|'@Provider Ltd|'-A. Person|'-2 Sample Road, Leeds" \
	"$(csv_cell "$T/ex.csv" urn SC900001 telephone)|$(csv_cell "$T/ex.csv" urn SC900001 registered_person)|$(csv_cell "$T/ex.csv" urn SC900001 responsible_individual)|$(csv_cell "$T/ex.csv" urn SC900001 registered_person_address)"
same "extract: places stay numbers" "4" "$(csv_cell "$T/ex.csv" urn SC900001 places)"
grep -q "^SC900001,'=Sunny House,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,,Manchester,M1 1AA,'+44 161 496 0001," "$T/ex.csv" ||
	fail "extract row bytes: $(grep SC900001 "$T/ex.csv")"
ok "extract: the row's bytes"
same "the manifest hashes the neutralised bytes" "$(sha256sum "$T/ex.csv" | cut -d' ' -f1)" \
	"$(sed -n 's/^sha256: //p' "$T/ex.csv.manifest")"

# The receiver: DfE's store imports the extract, manifest verified, values as HMCI held them.
DF=$T/dfe.db
"$H" -q init "$DF" --owner-kind dfe --owner-code DFE --owner-name "Department for Education" >/dev/null
"$H" -q boundaries load "$DF" --kind la "$LA_BOUNDARIES" >/dev/null
expect_exit 0 "$H" authority add "$DF" --kind hmci --code HMCI --name "HMCI (Ofsted)"
expect_exit 0 "$H" authority key add "$DF" --authority HMCI --public-key "$PUB"
expect_exit 0 "$H" register import "$DF" "$T/ex.csv" --received 2025-04-15
expect_out "(manifest verified)"
same "round trip: the receiver stores the values, not the neutralised cells" \
	"=Sunny House|=HYPERLINK(\"http://x\",\"y\")|+44 161 496 0001|@Provider Ltd|-2 Sample Road, Leeds|-A. Person|4" \
	"$(sqlite3 "$DF" "SELECT name, address1, telephone, registered_person, registered_person_address, responsible_individual, places FROM home_version WHERE urn = 'SC900001'")"

# Complaints: text a person typed, starting with TAB or '='.
expect_exit 0 "$H" complaint add "$HM" --about home --urn SC900001 --summary $'\t=cmd|\' /C calc\'!A0'
expect_exit 0 "$H" complaint add "$HM" --about home --urn SC900003 --summary "=1+1"
expect_exit 0 "$H" complaint list "$HM" --csv
cp "$T/out" "$T/complaints.csv"
same "complaint list --csv: a summary starting with TAB is neutralised" $'\'\t=cmd|\' /C calc\'!A0' \
	"$(csv_cell "$T/complaints.csv" id 1 summary)"
same "complaint list --csv: a summary starting '=' is neutralised" "'=1+1" "$(csv_cell "$T/complaints.csv" id 2 summary)"
same "complaint list --csv: ids stay numbers" "1 2" "$(python3 -c 'import csv,sys
print(" ".join(r["id"] for r in csv.DictReader(open(sys.argv[1], newline=""))))' "$T/complaints.csv")"

# ---- 9: escape sequences never reach the terminal raw -----------------------------
# no_ctl FILE: FILE holds no control character but line ends (no C0, DEL, or C1 in UTF-8 or bare).
no_ctl() {
	python3 - "$1" <<'PY' || fail "a control character reached the terminal in $1"
import re, sys
b = open(sys.argv[1], "rb").read()
m = re.search(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", b)
if m:
    sys.exit("control byte %r at %d in %s" % (m.group(), m.start(), sys.argv[1]))
PY
}
# has_literal FILE TEXT: FILE holds TEXT (fixed string).
has_literal() { grep -qF -- "$2" "$1" || { cat "$1"; fail "$1 lacks '$2'"; }; }

expect_exit 0 "$H" register changes "$HM"
no_ctl "$T/out" && has_literal "$T/out" 'Calm \x1b[2J\x1b[31mHouse'
ok "register changes (text): the escape sequence in a name is shown, not sent"
expect_exit 0 "$H" complaint add "$HM" --about home --urn SC900002 --summary $'\e]0;owned\aTitle \xc2\x9b31mred'
expect_exit 0 "$H" complaint list "$HM"
no_ctl "$T/out" && has_literal "$T/out" '\x1b]0;owned\x07Title \xc2\x9b31mred' && has_literal "$T/out" '\x09=cmd'
ok "complaint list (text): ESC, BEL, C1 and TAB in summaries are shown as escapes"

EV=$T/evil.db
expect_exit 0 "$H" init "$EV" --owner-kind la --owner-code E08000035 --owner-name $'Leeds \e[5mCity\e[0m\r\n'
no_ctl "$T/out" && has_literal "$T/out" 'Leeds \x1b[5mCity\x1b[0m\x0d\x0a'
ok "init echoes an owner name with escapes, escaped"
expect_exit 0 "$H" info "$EV"
no_ctl "$T/out" && has_literal "$T/out" 'Leeds \x1b[5mCity\x1b[0m\x0d\x0a'
ok "info shows the owner name's escapes as text"

# Error messages quote file names and content; notices too.
expect_exit 3 "$H" register import "$HM" "$T/"$'\e[31mmissing.csv' --received 2025-04-01
no_ctl "$T/err" && has_literal "$T/err" '\x1b[31mmissing.csv'
ok "an error naming a file with ESC in its name"
{
	echo "$HEADER"
	echo "SC900004,Elm Lodge,3 Sample Avenue,,Bristol,BS8 ${ESC}[8mZZ,0117 496 0004,Sample Homes Ltd,,B. Person,3,Bristol,Active,"
} >"$T/badpc.csv"
expect_exit 23 "$H" register import "$HM" "$T/badpc.csv" --received 2025-04-01
no_ctl "$T/err" && has_literal "$T/err" "postcode 'BS8 \\x1b[8mZZ'"
ok "an error quoting a cell with ESC"
{
	echo "$HEADER,Note${ESC}[8m"
	echo "SC900003,Oak House,5 Test Road,,Leeds,LS6 1AA,0113 496 0003,Leeds City Council,,C. Person,2,Leeds,Active,,x"
} >"$T/extra.csv"
HAVEN_NOW=2025-04-20T09:00:00Z expect_exit 0 "$H" register import "$DF" "$T/extra.csv" --received 2025-04-20 --unsigned
no_ctl "$T/err" && has_literal "$T/err" "kept in home_version.extra: 'Note\\x1b[8m'"
ok "a notice quoting a column name with ESC"
expect_exit 2 "$H" $'\e[31mregistr'
no_ctl "$T/err" && has_literal "$T/err" "'\\x1b[31mregistr' is not a haven command"
ok "help: an unknown command with ESC is quoted escaped"

# ---- 10: a long name does not pad every row of a text listing to its length ---------
# The fixture's homes, this register's three, and one home with a 128,000-byte name
# (just under the field limit).
python3 - "$HAVEN_FIXTURES/register/month1.csv" "$T/reg.csv" "$T/big.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:] + list(csv.reader(open(sys.argv[2], newline="")))[1:]
rows.append(["SC900009", "N" * 128000, "9 Long Road", "", "Leeds", "LS6 1AA", "0113 496 0009",
             "Leeds City Council", "", "D. Person", "2", "Leeds", "Active", ""])
with open(sys.argv[3], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(open(sys.argv[2]).readline().strip().split(","))
    w.writerows(r[:14] for r in rows)
PY
expect_exit 0 "$H" register import "$HM" "$T/big.csv" --received 2025-04-01
expect_exit 0 "$H" register changes "$HM"
rows=$(wc -l <"$T/out")
size=$(stat -c %s "$T/out")
input=$(stat -c %s "$T/big.csv")
[ "$rows" -gt 10 ] || fail "register changes listed only $rows lines"
[ "$size" -lt $((2 * input)) ] || fail "register changes (text) is $size bytes for a $input-byte register ($rows lines)"
ok "register changes (text): $rows lines, $size bytes for a $input-byte register with a 128,000-byte name"

# ---- 11: private stores; every file haven writes is new, 0600, never through a link ----
same "the extract and its manifest are 0600" "600 600" "$(mode "$T/ex.csv") $(mode "$T/ex.csv.manifest")"
before=$(dump "$HM")
chmod 644 "$HM"
expect_exit 30 "$H" info "$HM"
expect_err "hmci.db: mode 0644 lets group or others read or write it"
expect_err "chmod 600 $HM"
[ ! -e "$HM-wal" ] && [ ! -e "$HM-shm" ] || fail "a refused store got -wal/-shm files"
chmod 600 "$HM"
same "a store group can read is refused, untouched" "$before" "$(dump "$HM")"
: >"$HM-wal"
chmod 640 "$HM-wal"
expect_exit 30 "$H" register changes "$HM"
expect_err "chmod 600 $HM-wal"
rm -f "$HM-wal"
ok "an existing -wal group can read is refused"

# synth: a symbolic link planted where it writes, an existing file, --force.
"$H" -q gazetteer load "$HM" "$D/postcodes/gb_postcodes_sample.csv.gz" >/dev/null
OFSTED=$D/ofsted/ofsted_provider_level_2025-03-31.csv.gz
mkdir "$T/synth"
echo "precious" >"$T/victim"
ln -s "$T/victim" "$T/synth/register.csv"
expect_exit 3 "$H" synth "$HM" --from-ofsted "$OFSTED" --seed 7 --out "$T/synth"
expect_err "register.csv: exists; not replaced without --force"
same "synth does not write through a planted link" "precious" "$(cat "$T/victim")"
rm "$T/synth/register.csv"
echo "an older file" >"$T/synth/register.csv"
expect_exit 3 "$H" synth "$HM" --from-ofsted "$OFSTED" --seed 7 --out "$T/synth"
same "synth refuses to replace an existing register.csv" "an older file" "$(cat "$T/synth/register.csv")"
# A link planted at the temporary name synth used to write to first.
ln -s "$T/victim" "$T/synth/.register.csv.tmp"
expect_exit 0 "$H" synth "$HM" --from-ofsted "$OFSTED" --seed 7 --out "$T/synth" --force
same "synth --force replaces it, 0600" "600 urn,name" "$(mode "$T/synth/register.csv") $(head -c 8 "$T/synth/register.csv")"
same "synth writes through no link planted in its directory" "precious" "$(cat "$T/victim")"
rm "$T/synth/.register.csv.tmp"
rm "$T/synth/register.csv"
ln -s "$T/victim" "$T/synth/register.csv"
expect_exit 0 "$H" synth "$HM" --from-ofsted "$OFSTED" --seed 7 --out "$T/synth" --force
[ -f "$T/synth/register.csv" ] && [ ! -L "$T/synth/register.csv" ] || fail "synth --force left the link"
same "synth --force replaces a link, not its target" "precious 600" "$(cat "$T/victim") $(mode "$T/synth/register.csv")"
same "no temporary files left" "$(printf 'register.csv\nzones.csv')" "$(ls -A "$T/synth")"

# audit export and checkpoint.
expect_exit 0 "$H" audit export "$HM" --out "$T/audit.json"
same "audit export --out is 0600" "600" "$(mode "$T/audit.json")"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))["entries"][0]' "$T/audit.json" || fail "audit.json"
expect_exit 3 "$H" audit export "$HM" --format csv --out "$T/audit.json"
expect_err "audit.json: exists; not replaced without --force"
expect_exit 0 "$H" audit export "$HM" --format csv --out "$T/audit.json" --force
same "audit export --force replaces it" "600 seq,at" "$(mode "$T/audit.json") $(head -c 6 "$T/audit.json")"
ln -s "$T/victim" "$T/audit.link"
expect_exit 3 "$H" audit export "$HM" --out "$T/audit.link"
same "audit export does not write through a link" "precious" "$(cat "$T/victim")"
expect_exit 0 "$H" audit keygen "$T/audit.key"
expect_exit 0 "$H" audit checkpoint "$HM" --key "$T/audit.key" --out "$T/cp.txt"
same "a checkpoint is 0600" "600" "$(mode "$T/cp.txt")"
expect_exit 3 "$H" audit checkpoint "$HM" --key "$T/audit.key" --out "$T/audit.link"
same "a checkpoint is not written through a link" "precious" "$(cat "$T/victim")"

# ---- 16: ids and counts are digits only, range-checked --------------------------
# number WANT NEEDLE ARGS...: haven ARGS exits WANT, says NEEDLE, and the store is unchanged.
number() {
	local want=$1 needle=$2 before
	shift 2
	before=$(dump "$HM")
	expect_exit "$want" "$H" "$@"
	expect_err "$needle"
	[ "$(dump "$HM")" = "$before" ] || fail "haven $* changed the store"
	ok "haven $(printf '%q ' "$@")exits $want"
}
MAX=9223372036854775807
number 2 "complaint id '99999999999999999999' is not a whole number from 1 to $MAX" \
	complaint update "$HM" 99999999999999999999 --status withdrawn
number 2 "complaint id '9223372036854775808'" complaint update "$HM" 9223372036854775808 --status withdrawn
number 26 "no complaint $MAX" complaint update "$HM" "$MAX" --status withdrawn
number 2 "complaint id '+1'" complaint update "$HM" +1 --status withdrawn
number 2 "complaint id ' 1'" complaint update "$HM" " 1" --status withdrawn
number 2 "complaint id '1 '" complaint update "$HM" "1 " --status withdrawn
number 2 "complaint id '0'" complaint update "$HM" 0 --status withdrawn
number 2 "complaint id '0x1'" complaint update "$HM" 0x1 --status withdrawn
number 2 "complaint id ''" complaint update "$HM" "" --status withdrawn
number 2 "request id '+1'" request confirm "$HM" +1 --date 2025-04-10 --by "A. Official"
number 2 "request id '18446744073709551617'" disclose extract "$HM" --request 18446744073709551617 \
	--key "$T/hmci.key" --out "$T/never.csv"
number 2 "--audit wants audit sequence numbers" complaint add "$HM" --about home --urn SC900001 --summary x \
	--audit 99999999999999999999
number 2 "--audit wants audit sequence numbers" complaint add "$HM" --about home --urn SC900001 --summary x \
	--audit 1,18446744073709551615
number 2 "--audit wants audit sequence numbers" complaint add "$HM" --about home --urn SC900001 --summary x \
	--audit " 1"
number 2 "--authorisation wants the number" register changes "$HM" --authorisation 99999999999999999999
number 2 "--authorisation wants the number" register changes "$HM" --authorisation +1
number 2 "--seed wants a whole number from 0 to 18446744073709551615, not '18446744073709551616'" \
	synth "$HM" --from-ofsted "$OFSTED" --seed 18446744073709551616 --out "$T/synth2"
number 2 "--seed wants a whole number" synth "$HM" --from-ofsted "$OFSTED" --seed -1 --out "$T/synth2"
number 2 "--within '+5' is not a number of days from 0 to 3660" request due "$HM" --within +5
number 2 "--within '99999999999999999999'" request due "$HM" --within 99999999999999999999
[ ! -e "$T/never.csv" ] && [ ! -e "$T/synth2" ] || fail "a refused command wrote a file"

echo "all passed"
