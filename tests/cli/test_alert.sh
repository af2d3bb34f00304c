#!/usr/bin/env bash
# test_alert.sh - haven alert list on real geography: the national store (the
# ONS LA, district and police force area boundaries, the synthetic register
# geocoded), as West Yorkshire Police (E23000010) around homes in Leeds.
# Every list is checked against an independent computation in SpatiaLite
# SQL over the store's own tables (ST_Distance, ST_Intersects).  Asserted,
# by numbered case:
#  1 a radius list around a point and around a postcode's centroid holds
#    exactly the open homes of the force whose points lie within the radius,
#    each with its distance; a home exactly on the radius is listed, and 1 m
#    shorter it is not; a circle reaching beyond the force lists only the
#    force's homes and says so
#  2 an area list by an LA's code and by the force area's code holds exactly
#    the homes whose points lie in the polygon; an unknown code is exit 26
#  3 a zone list (a polygon zone and a radius zone) holds exactly the homes
#    in the zone's geometry; 3.2 only while the zone is live at --as-at
#    (default now): a zone expired, not yet valid, or outside its time
#    windows (a Saturday, the window's end, midnight) is an error naming
#    why, with no list and no audit entry; inside its window, its homes
#  4 a home closed by a later snapshot, and one whose status became
#    Resigned, are not listed; as at the first snapshot's date the closed
#    one is
#  5 --format csv: one row per home, the columns named, the marking; --out
#    writes a 0600 file; --format vcf: a strict RFC 6350 check (CRLF,
#    lines of at most 75 octets, folding, escapes, one card per home, FN,
#    ORG, ADR, TEL, NOTE with the URN and the marking); an existing file is
#    refused without --force
#  6 probation, LA and DfE users are refused (exit 30, saying why)
#  7 a police user of another force gets no home, and is told why
#  8 the audit log holds each list with the purpose it was run under
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}"
H=$HAVEN_BIN
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WY=E23000010
LEEDS=E08000035
S=$T/s.db
national_dfe_store "$S"
west_yorkshire_users "$S"
"$H" -q authority add "$S" --kind la --code $LEEDS --name "Leeds City Council"
"$H" -q user add "$S" --name lee --authority $LEEDS --role analyst --default-purpose safeguarding

SQL() { sqlite3 -separator ' ' -cmd '.load mod_spatialite' "$S" "$1"; }
# The open homes of West Yorkshire (its LAs in area_la) with a point: the
# independent side of every comparison, as "WHERE" SQL on home_version v.
OPEN="v.valid_to IS NULL AND v.geom IS NOT NULL
  AND lower(v.registration_status) NOT IN ('resigned', 'cancelled', 'refused', 'closed', 'deregistered')
  AND v.la_code IN (SELECT la_code FROM area_la WHERE kind = 'pfa' AND code = '$WY')"
# urns FILE: the URNs of a CSV alert list, sorted
urns() { python3 -c 'import csv, sys; print("\n".join(sorted(r["urn"] for r in csv.DictReader(open(sys.argv[1])))))' "$1"; }
# same CSV SQL WHAT: the list's URNs are exactly those the SQL selects
same() {
	local want got
	want=$(SQL "SELECT urn FROM home_version v WHERE $OPEN AND ($2) ORDER BY urn" | sort)
	got=$(urns "$1")
	[ -n "$want" ] || fail "$3: the independent computation found no home"
	[ "$want" = "$got" ] || { diff <(echo "$want") <(echo "$got") || true; fail "$3: the list differs from SpatiaLite"; }
}

# A home in Leeds at whole metres: the centre of the lists.
read -r URN HX HY <<<"$(SQL "SELECT urn, CAST(X(geom) AS INTEGER), CAST(Y(geom) AS INTEGER) FROM home_version v
  WHERE $OPEN AND la_code = '$LEEDS' AND X(geom) = CAST(X(geom) AS INTEGER) AND Y(geom) = CAST(Y(geom) AS INTEGER)
  ORDER BY urn LIMIT 1")"
[ -n "$URN" ] || fail "no home in Leeds"

# 1. radius lists
PX=$((HX + 700)) PY=$((HY - 300))
expect_exit 0 "$H" alert list "$S" --as ana --near "$PX,$PY" --radius 5000 --format csv --purpose crime-prevention
cp "$T/out" "$T/r1.csv"
same "$T/r1.csv" "ST_Distance(v.geom, MakePoint($PX, $PY, 27700)) <= 5000" "1 point"
[ "$(urns "$T/r1.csv" | wc -l)" -ge 3 ] || fail "1: too few homes for a test"
python3 - "$T/r1.csv" "$PX" "$PY" "$URN" "$HX" "$HY" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
px, py, hx, hy = map(float, (sys.argv[2], sys.argv[3], sys.argv[5], sys.argv[6]))
for r in rows:
    assert r["protective_marking"] == "OFFICIAL-SENSITIVE", r
    assert r["local_authority"].startswith("E"), r
    assert 0 <= int(r["distance_m"]) <= 5000, r
home = [r for r in rows if r["urn"] == sys.argv[4]][0]
assert int(home["distance_m"]) == round(math.hypot(hx - px, hy - py)), home
PY
PC=$(SQL "SELECT pc FROM postcode WHERE e IS NOT NULL ORDER BY (e - $HX) * (e - $HX) + (n - $HY) * (n - $HY) LIMIT 1")
read -r PE PN <<<"$(SQL "SELECT e, n FROM postcode WHERE pc = '$PC'")"
expect_exit 0 "$H" alert list "$S" --as ana --near "$PC" --radius 4000 --format csv
same "$T/out" "ST_Distance(v.geom, MakePoint($PE, $PN, 27700)) <= 4000" "1 postcode"
expect_exit 0 "$H" alert list "$S" --as ana --near "$((HX + 1500)),$HY" --radius 1500 --format csv
grep -q "^$URN," "$T/out" || fail "1: the home exactly on the radius is not listed"
expect_exit 0 "$H" alert list "$S" --as ana --near "$((HX + 1500)),$HY" --radius 1499 --format csv
grep -q "^$URN," "$T/out" && fail "1: a home 1 m beyond the radius is listed"
# a circle reaching beyond the force: only the force's homes, and a notice
expect_exit 0 "$H" alert list "$S" --as ana --near "$PX,$PY" --radius 40000 --format csv
expect_err "the area extends beyond your force area: only its homes in"
same "$T/out" "ST_Distance(v.geom, MakePoint($PX, $PY, 27700)) <= 40000" "1 beyond the force"
expect_exit 26 "$H" alert list "$S" --as ana --near "ZZ99 9ZZ" --radius 1000
expect_exit 2 "$H" alert list "$S" --as ana --near "$PX,$PY" --radius 0
ok "1 radius lists (a point, a postcode) equal SpatiaLite's ST_Distance; the radius itself is in"

# 2. area lists
expect_exit 0 "$H" alert list "$S" --as ana --area $LEEDS --format csv
cp "$T/out" "$T/la.csv"
same "$T/la.csv" "ST_Intersects(v.geom, (SELECT geom FROM area WHERE kind = 'la' AND code = '$LEEDS'))" "2 LA"
expect_exit 0 "$H" alert list "$S" --as ana --area $WY --format csv
same "$T/out" "ST_Intersects(v.geom, (SELECT geom FROM area WHERE kind = 'pfa' AND code = '$WY'))" "2 PFA"
grep -q "extends beyond\|outside your force" "$T/err" && fail "2: the force's own area is said to lie outside it"
[ "$(urns "$T/out" | wc -l)" -gt "$(urns "$T/la.csv" | wc -l)" ] || fail "2: the force holds no more homes than Leeds"
expect_exit 26 "$H" alert list "$S" --as ana --area E99999999
expect_err "not a local authority, district or police force area"
ok "2 area lists by LA and force area codes equal SpatiaLite's ST_Intersects; an unknown code is refused"

# 3. zone lists
cat >"$T/zones.csv" <<EOF
zone_ref,case_ref,kind,valid_from,valid_to,windows,radius_m,wkt
Z-ALERT-1,MAPPA/A/0001,exclusion,2025-01-01,,,,"POLYGON(($((HX - 3000)) $((HY - 2000)), $((HX + 2500)) $((HY - 2000)), $((HX + 2500)) $((HY + 3000)), $((HX - 3000)) $((HY + 2000)), $((HX - 3000)) $((HY - 2000))))"
Z-ALERT-2,MAPPA/A/0002,no_contact,2025-01-01,,,2500,POINT($PX $PY)
EOF
expect_exit 0 "$H" zones import "$S" "$T/zones.csv" --source-crs EPSG:27700 --as ana
expect_exit 0 "$H" alert list "$S" --as ana --zone Z-ALERT-1 --format csv
same "$T/out" "ST_Intersects(v.geom, (SELECT geom FROM zone WHERE ref = 'Z-ALERT-1'))" "3 polygon zone"
expect_exit 0 "$H" alert list "$S" --as ana --zone Z-ALERT-2 --format csv
same "$T/out" "ST_Distance(v.geom, MakePoint($PX, $PY, 27700)) <= 2500" "3 radius zone"
expect_exit 26 "$H" alert list "$S" --as ana --zone Z-NONE-1
ok "3 zone lists (polygon, radius) equal SpatiaLite's"

# 3.2 a zone lists its homes only while it is live at --as-at (default now):
#     valid on the day, and in one of its time windows
W1="POLYGON(($((HX - 3000)) $((HY - 2000)), $((HX + 2500)) $((HY - 2000)), $((HX + 2500)) $((HY + 3000)), $((HX - 3000)) $((HY + 2000)), $((HX - 3000)) $((HY - 2000))))"
cat >"$T/zones2.csv" <<EOF
zone_ref,case_ref,kind,valid_from,valid_to,windows,radius_m,wkt
Z-ALERT-3,MAPPA/A/0003,exclusion,2024-01-01,2025-03-31,,,"$W1"
Z-ALERT-4,MAPPA/A/0004,exclusion,2099-01-01,,,,"$W1"
Z-ALERT-5,MAPPA/A/0005,exclusion,2025-01-01,,Mon-Fri 09:00-17:00,,"$W1"
EOF
expect_exit 0 "$H" zones import "$S" "$T/zones2.csv" --source-crs EPSG:27700 --as ana
cases=(
	"1|Z-ALERT-3|2025-04-01T12:00|26|is not live at 2025-04-01T12:00: it expired after 2025-03-31 (valid 2024-01-01 to 2025-03-31)"
	"2|Z-ALERT-3||26|it expired after 2025-03-31"
	"3|Z-ALERT-4||26|it is not valid until 2099-01-01 (valid 2099-01-01 to no end)"
	"4|Z-ALERT-5|2025-04-05T10:00|26|is not live at 2025-04-05T10:00 (a Saturday): it applies only at Mon,Tue,Wed,Thu,Fri 09:00-17:00"
	"5|Z-ALERT-5|2025-04-07T17:00|26|is not live at 2025-04-07T17:00 (a Monday)"
	"6|Z-ALERT-5|2025-04-07|26|is not live at 2025-04-07T00:00 (a Monday)"
	"7|Z-ALERT-5|2025-04-07T09:00|0|"
	"8|Z-ALERT-1|2025-04-07T03:00|0|"
	"9|Z-ALERT-5|2025-04-07T25:00|2|--as-at '2025-04-07T25:00' is not a clock time"
)
for c in "${cases[@]}"; do
	IFS='|' read -r k ref at code why <<<"$c"
	audits=$(sqlite3 "$S" "SELECT count(*) FROM audit")
	expect_exit "$code" "$H" alert list "$S" --as ana --zone "$ref" ${at:+--as-at "$at"} --format csv
	if [ "$code" = 0 ]; then
		same "$T/out" "ST_Intersects(v.geom, (SELECT geom FROM zone WHERE ref = '$ref'))" "3.2.$k $ref live"
		[ "$(urns "$T/out" | wc -l)" -gt 0 ] || fail "3.2.$k: $ref lists no home"
	else
		expect_err "$why"
		[ -s "$T/out" ] && fail "3.2.$k: $ref at '$at' printed a list"
		[ "$(sqlite3 "$S" "SELECT count(*) FROM audit")" = "$audits" ] || fail "3.2.$k: a refused list was audited"
	fi
done
ok "3.2 a zone expired, not yet valid, or outside its time windows gives an error, not a list; live, its homes"

# 4. closed homes: a later snapshot drops one Leeds home and makes another
# Resigned (and renames the centre home with what a vCard must escape and fold)
read -r C1 C2 <<<"$(urns "$T/la.csv" | grep -vx "$URN" | awk "NR <= 2" ORS=" ")"
python3 - "$HAVEN_NATIONAL/synth/register.csv" "$T/register2.csv" "$C1" "$C2" "$URN" <<'PY'
import csv, sys
src, dst, gone, resigned, renamed = sys.argv[1:]
r = csv.DictReader(open(src, newline=""))
with open(dst, "w", newline="") as f:
    w = csv.DictWriter(f, r.fieldnames)
    w.writeheader()
    for row in r:
        if row["urn"] == gone:
            continue
        if row["urn"] == resigned:
            row["registration_status"] = "Resigned"
        if row["urn"] == renamed:
            # a run of 3-octet characters longer than a line: FN and ORG (prefixes
            # one octet apart) cannot both fold it at a character boundary by luck
            row["name"] = "Oak; Ash, and Elm \\ House, Ünïcödé " + "✓" * 30 + " Children's Home"
        w.writerow(row)
PY
expect_exit 0 "$H" register import "$S" "$T/register2.csv" --received 2025-04-10 --as admin
expect_exit 0 "$H" alert list "$S" --as ana --area $LEEDS --format csv
grep -q "^$C1,\|^$C2," "$T/out" && fail "4: a closed or resigned home is listed"
[ "$(urns "$T/out" | wc -l)" = $(($(urns "$T/la.csv" | wc -l) - 2)) ] || fail "4: other homes changed"
expect_exit 0 "$H" alert list "$S" --as ana --area $LEEDS --format csv --as-at 2025-04-01
grep -q "^$C1," "$T/out" || fail "4: as at 2025-04-01 the home was open"
ok "4 a closed home and a resigned home are not listed; as at an earlier date the closed one is"

# 5. files: CSV for a mail merge, vCard for a phone list
expect_exit 0 "$H" alert list "$S" --as ana --near "$PX,$PY" --radius 5000 --format csv --out "$T/a.csv"
[ "$(stat -c %a "$T/a.csv")" = 600 ] || fail "5: the CSV's mode"
head -1 "$T/a.csv" | grep -q "^urn,name,address_1,address_2,address_3,town,postcode,telephone,registered_person,local_authority,distance_m,protective_marking" ||
	fail "5: the CSV's header: $(head -1 "$T/a.csv")"
expect_exit 0 "$H" alert list "$S" --as ana --near "$PX,$PY" --radius 5000 --format vcf --out "$T/a.vcf"
[ "$(stat -c %a "$T/a.vcf")" = 600 ] || fail "5: the vCard file's mode"
python3 - "$T/a.vcf" "$T/a.csv" <<'PY'
import csv, re, sys
raw = open(sys.argv[1], "rb").read()
assert raw.endswith(b"\r\n"), "no CRLF at the end"
assert b"\r\n " in raw and b"\\;" in raw and b"\\," in raw and b"\\\\" in raw, "nothing folded or escaped"
phys = raw[:-2].split(b"\r\n")
for p in phys:
    assert b"\n" not in p and b"\r" not in p, p           # CRLF only
    assert len(p) <= 75, (len(p), p)                      # RFC 6350 3.2
    p.decode("utf-8")                                     # folding kept each character whole
# unfold: a line starting with a space continues the previous one
lines = []
for p in phys:
    if p.startswith(b" "):
        assert lines, "a continuation first"
        lines[-1] += p[1:]
    else:
        lines.append(p)
lines = [l.decode("utf-8") for l in lines]
def unescape(v):
    out, i = [], 0
    while i < len(v):
        if v[i] == "\\":
            assert i + 1 < len(v) and v[i + 1] in "\\,;nN", ("bad escape", v)
            out.append("\n" if v[i + 1] in "nN" else v[i + 1]); i += 2
        else:
            assert v[i] not in ",;" , ("unescaped", v)
            out.append(v[i]); i += 1
    return "".join(out)
def split(v, sep):  # at unescaped separators
    parts, cur, i = [], "", 0
    while i < len(v):
        if v[i] == "\\":
            cur += v[i:i + 2]; i += 2
        elif v[i] == sep:
            parts.append(cur); cur = ""; i += 1
        else:
            cur += v[i]; i += 1
    return parts + [cur]
cards, card = [], None
name_re = re.compile(r"^[A-Za-z0-9-]+(;[A-Za-z0-9-]+=[^:;]*)*:")
for l in lines:
    assert name_re.match(l), ("not a content line", l)
    prop, value = l.split(":", 1)
    name = prop.split(";")[0].upper()
    if name == "BEGIN":
        assert value == "VCARD" and card is None, l
        card = {}
    elif name == "END":
        assert value == "VCARD" and card is not None, l
        cards.append(card); card = None
    else:
        assert card is not None, ("outside a card", l)
        card.setdefault(name, []).append(value)
assert card is None, "an unfinished card"
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(cards) == len(rows) > 0, (len(cards), len(rows))
for c, r in zip(cards, rows):
    assert c["VERSION"] == ["4.0"] and c["KIND"] == ["org"], c
    assert unescape(c["FN"][0]) == r["name"] and unescape(c["ORG"][0]) == r["name"], (c, r)
    adr = split(c["ADR"][0], ";")
    assert len(adr) == 7, adr
    street = [unescape(s) for s in split(adr[2], ",")]
    assert street == [r[k] for k in ("address_1", "address_2", "address_3") if r[k]], (street, r)
    assert unescape(adr[3]) == r["town"] and unescape(adr[5]) == r["postcode"], (adr, r)
    if r["telephone"]:
        assert unescape(c["TEL"][0]) == r["telephone"], c
    note = unescape(c["NOTE"][0])
    assert "URN " + r["urn"] in note and "OFFICIAL-SENSITIVE" in note, note
    assert r["registered_person"] in note, note
print(len(cards), "cards")
PY
expect_exit 3 "$H" alert list "$S" --as ana --near "$PX,$PY" --radius 5000 --format vcf --out "$T/a.vcf"
expect_err "exists"
expect_exit 0 "$H" alert list "$S" --as ana --near "$PX,$PY" --radius 100 --format vcf --out "$T/a.vcf" --force
expect_exit 0 "$H" alert list "$S" --as ana --area $LEEDS
expect_out "OFFICIAL-SENSITIVE"
ok "5 CSV and vCard files (0600, one card per home, strict RFC 6350 check), text marked"

# 6. refused to anyone but police
for u in pat lee dee; do
	expect_exit 30 "$H" alert list "$S" --as $u --area $LEEDS
	expect_err "for police users of the force only"
	[ ! -s "$T/out" ] || fail "6: $u got output"
done
expect_exit 30 "$H" alert list "$S" --as pat --near "$PX,$PY" --radius 5000 --format vcf --out "$T/p.vcf"
[ ! -e "$T/p.vcf" ] || fail "6: a refused list was written"
ok "6 probation, LA and DfE users are refused"

# 7. police of another force
expect_exit 0 "$H" alert list "$S" --as dev --area $LEEDS --format csv
expect_err "the area lies outside your force area"
[ "$(wc -l <"$T/out")" = 1 ] || fail "7: another force got homes: $(cat "$T/out")"
expect_exit 0 "$H" alert list "$S" --as dev --near "$PX,$PY" --radius 5000 --format vcf
[ ! -s "$T/out" ] || fail "7: another force got cards"
ok "7 a police user of another force gets no home, and is told so"

# 8. the audit log
[ "$(sqlite3 "$S" "SELECT purpose FROM audit WHERE user_name = 'ana' AND object LIKE
  'alert list: the homes open now within 5000 m of E $PX N $PY: % homes' ORDER BY seq LIMIT 1")" = crime-prevention ] ||
	fail "8: the first list is not audited with its purpose"
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE user_name = 'ana' AND purpose = 'safeguarding'
  AND object LIKE 'alert list: the homes open on 2025-04-01 in la $LEEDS (Leeds): % homes'")" = 1 ] ||
	fail "8: the list as at a date is not audited"
[ "$(sqlite3 "$S" "SELECT count(*) FROM audit WHERE object LIKE 'alert list:%' AND user_name IN ('pat', 'lee', 'dee')")" = 0 ] ||
	fail "8: a refused list was audited as given"
ok "8 every list is in the audit log with its purpose and area"
echo "all ok"
