#!/usr/bin/env bash
# test_hardening_input.sh - bad input end to end: damaged gzip streams,
# FIFOs and devices, names with several dots, NUL bytes, the size limits, a
# BOM before a quoted header, long column names, and what the messages say.
# Every bad file is made here from the bundled data.  Each must exit with its
# status, name the file (and the row, where there is one), and leave the
# store exactly as it was (its SQL dump hashes the same before and after).
set -euo pipefail
: "${HAVEN_BIN:?run through ctest}" "${HAVEN_DATA_DIR:?run through ctest}"
H=$HAVEN_BIN
D=$HAVEN_DATA_DIR
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
source "$(dirname "$0")/lib.sh"
S=$T/s.db


# refused STATUS PATTERN CMD...: CMD exits STATUS within 20 s (a FIFO must
# not block), says PATTERN, and the store is unchanged: its dump is still
# $KNOWN, taken whenever the test itself changes the store.
refused() {
  local want=$1 pattern=$2
  shift 2
  expect_exit "$want" timeout 20 "$@"
  expect_err "$pattern"
  [ "$(dump "$S")" = "$KNOWN" ] || fail "'$*' changed the store"
  echo "ok: $* -> $want ($pattern)"
}

"$H" -q init "$S" --owner-kind hmci --owner-code HMCI --owner-name "HMCI (Ofsted)" >/dev/null
national_reference "$S" # la (and pfa) boundaries and the postcode sample, loaded once per run
"$H" -q boundaries load "$S" --kind region "$D/boundaries/rgn_dec2023_en_bgc.geojson.gz" >/dev/null
"$H" -q synth "$S" --from-ofsted "$D/ofsted/ofsted_provider_level_2025-03-31.csv.gz" --seed 3 --out "$T/synth" >/dev/null
R=$T/synth/register.csv
"$H" -q register import "$S" "$R" --received 2025-03-31 >/dev/null 2>&1
homes=$(sqlite3 "$S" "SELECT count(*) FROM home_version WHERE valid_to IS NULL")
[ "$homes" = 4009 ] || fail "set-up: $homes homes"
NEXT=2025-04-14 # a later disclosure: the bad files below try to replace the register
KNOWN=$(dump "$S")

# ---- 1. a gzip stream that does not end cleanly ------------------------------------------
# Cut after row 2,001 (2,000 homes) at a clean point of the deflate stream:
# only the gzip trailer (CRC, length) is missing.
head -n 2001 "$R" | gzip -c | head -c -8 >"$T/cut.csv.gz"
refused 20 "cut.csv.gz: row 2002: the gzip data stops short.*truncated" \
  "$H" register import "$S" "$T/cut.csv.gz" --received $NEXT
gzip -c "$R" >"$T/whole.csv.gz"
head -c 150000 "$T/whole.csv.gz" >"$T/half.csv.gz"
refused 20 "half.csv.gz: row [0-9]*: the gzip data stops short" "$H" register import "$S" "$T/half.csv.gz" --received $NEXT
{ cat "$T/whole.csv.gz"; echo junk; } >"$T/junk.csv.gz"
refused 20 "junk.csv.gz: row 4011: bytes after the end of the gzip data.*trailing garbage" \
  "$H" register import "$S" "$T/junk.csv.gz" --received $NEXT
# A corrupt byte: the garbage it decodes to is reported as what it is.
cp "$T/whole.csv.gz" "$T/corrupt.csv.gz"
python3 - "$T/corrupt.csv.gz" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xFF
open(p, "wb").write(b)
PY
refused 20 "corrupt.csv.gz: .*the gzip data is corrupt" "$H" register import "$S" "$T/corrupt.csv.gz" --received $NEXT
# Two members, as 'cat a.gz b.gz' makes, are one file.
head -n 1 "$R" >"$T/head.csv"
head -n 3 "$R" | gzip -c >"$T/two.csv.gz"
tail -n +4 "$R" | gzip -c >>"$T/two.csv.gz"
expect_exit 0 "$H" -q register import "$S" "$T/two.csv.gz" --received 2025-04-01
echo "ok: a file of two gzip members imports"
KNOWN=$(dump "$S")

head -c 1000000 "$D/postcodes/gb_postcodes_sample.csv.gz" >"$T/postcodes_cut.csv.gz"
refused 20 "postcodes_cut.csv.gz: row [0-9]*: the gzip data stops short" \
  "$H" gazetteer load "$S" "$T/postcodes_cut.csv.gz"
[ "$(sqlite3 "$S" "SELECT count(*) FROM postcode")" -gt 260000 ] || fail "the gazetteer lost postcodes"

head -c 700000 "$D/boundaries/rgn_dec2023_en_bgc.geojson.gz" >"$T/rgn_cut.geojson.gz"
refused 20 "rgn_cut.geojson.gz: the gzip data stops short" \
  "$H" boundaries load "$S" --kind region "$T/rgn_cut.geojson.gz"
# One region a line: cut after five whole regions, only the trailer missing.
ogr2ogr -f GeoJSONSeq "$T/rgn.geojsonl" "/vsigzip/$D/boundaries/rgn_dec2023_en_bgc.geojson.gz"
head -n 5 "$T/rgn.geojsonl" | gzip -c | head -c -8 >"$T/rgn5.geojsonl.gz"
refused 20 "rgn5.geojsonl.gz: the gzip data stops short" "$H" boundaries load "$S" --kind region "$T/rgn5.geojsonl.gz"
[ "$(sqlite3 "$S" "SELECT count(*) FROM area WHERE kind = 'region'")" = 9 ] || fail "regions lost"

# ---- 4. FIFOs and devices are refused at once ----------------------------------------------
mkfifo "$T/fifo.csv" "$T/fifo.geojson"
refused 3 "fifo.csv: is a named pipe (FIFO)" "$H" register import "$S" "$T/fifo.csv" --received $NEXT
refused 3 "fifo.csv: is a named pipe (FIFO)" "$H" gazetteer load "$S" "$T/fifo.csv"
refused 3 "fifo.geojson: is a named pipe (FIFO)" "$H" boundaries load "$S" --kind region "$T/fifo.geojson"
refused 3 "/dev/zero: is a device" "$H" register import "$S" /dev/zero --received $NEXT
refused 3 "/dev/zero: is a device" "$H" gazetteer load "$S" /dev/zero
refused 3 "is a directory" "$H" gazetteer load "$S" "$T"
# Key and checkpoint files are inputs too.
"$H" audit keygen "$T/audit.key" >/dev/null
mkfifo "$T/fifo.key" "$T/fifo.checkpoint"
refused 3 "fifo.key: not a regular file" "$H" audit checkpoint "$S" --key "$T/fifo.key"
refused 3 "fifo.checkpoint: is a named pipe (FIFO)" "$H" audit checkpoint "$S" --key "$T/audit.key" \
  --previous "$T/fifo.checkpoint"
refused 3 "fifo.checkpoint: is a named pipe (FIFO)" "$H" audit verify "$S" --checkpoint "$T/fifo.checkpoint"

# ---- 5. the reader comes from the last extension -----------------------------------------------
HDR="URN,Name,Address 1,Town,Postcode,Places,Local authority,Registration status"
GOOD="SC900001,Larch House,1 Road,Leeds,LS1 1AA,3,Leeds,Active"
printf '%s\n%s\nSC900002,Two House,2 Road,Leeds,LS1 1AB,4,Leeds\n' "$HDR" "$GOOD" >"$T/reg.2025-04.csv"
refused 20 "reg.2025-04.csv: row 3: 7 fields where the header has 8" \
  "$H" register import "$S" "$T/reg.2025-04.csv" --received $NEXT
printf '%s\n%s\nSC900002,"Two House,2 Road,Leeds,LS1 1AB,4,Leeds,Active\n' "$HDR" "$GOOD" >"$T/Reg.V2.CSV"
refused 20 "Reg.V2.CSV: row 3: unterminated quoted field" "$H" register import "$S" "$T/Reg.V2.CSV" --received $NEXT
gzip -c "$T/reg.2025-04.csv" >"$T/reg.2025-04.csv.gz"
refused 20 "reg.2025-04.csv.gz: row 3: 7 fields" "$H" register import "$S" "$T/reg.2025-04.csv.gz" --received $NEXT

# ---- 7. a NUL byte is an error, not the end of a value --------------------------------------
printf '%s\nSC900001,Larch\0House,1 Road,Leeds,LS1 1AA,3,Leeds,Active\n' "$HDR" >"$T/nul.csv"
refused 20 "nul.csv: row 2: column 2 (Name) holds a NUL byte" "$H" register import "$S" "$T/nul.csv" --received $NEXT
printf 'Postcode,lat,long\nLS1 1AA,53.79\0x,-1.54\n' >"$T/nul_pc.csv"
refused 20 "nul_pc.csv: row 2: column 2 (lat) holds a NUL byte" "$H" gazetteer load "$S" "$T/nul_pc.csv"
head -c 5000000 /dev/zero >"$T/zeros.csv"
refused 20 "zeros.csv: row 1: column 1 holds a NUL byte" "$H" gazetteer load "$S" "$T/zeros.csv"

# ---- 10. limits ------------------------------------------------------------------------------------
python3 - "$T" "$HDR" <<'PY'
import sys
t, hdr = sys.argv[1], sys.argv[2]
good = "SC9{:05d},Home {:d},1 Road,Leeds,LS1 1AA,3,Leeds,Active"
# a 3.6 MB enforcement cell
cell = "; ".join("2024-01-%02d Notice %d" % (1 + i % 28, i) for i in range(160000))
open(t + "/enforcement.csv", "w").write(hdr + ",Enforcement actions\n" + good.format(1, 1) + ',"' + cell + '"\n')
# one line of 2 MB with no newline
open(t + "/longfield.csv", "w").write("a" * 2000000)
# a header of twenty names of 100 KB, each within a field's limit
open(t + "/longrecord.csv", "w").write(",".join([c * 100000 for c in "abcdefghijklmnopqrst"]) + "\n")
# a header of 1,025 columns
open(t + "/wide.csv", "w").write(",".join("c%d" % i for i in range(1025)) + "\n")
# 100,001 homes: one more than a register file may hold
with open(t + "/many.csv", "w") as f:
    f.write(hdr + "\n")
    for i in range(100001):
        f.write(good.format(i, i) + "\n")
PY
refused 20 "enforcement.csv: row 2: column 9 (Enforcement actions) is longer than 131072 bytes" \
  "$H" register import "$S" "$T/enforcement.csv" --received $NEXT
refused 20 "longfield.csv: row 1: column 1 is longer than 131072 bytes" "$H" gazetteer load "$S" "$T/longfield.csv"
refused 20 "longrecord.csv: row 1: a record longer than 1048576 bytes" "$H" gazetteer load "$S" "$T/longrecord.csv"
refused 20 "wide.csv: row 1: 1025 columns, more than the 1024" "$H" gazetteer load "$S" "$T/wide.csv"
refused 20 "many.csv: row 100002: more than 100000 rows" "$H" register import "$S" "$T/many.csv" --received $NEXT
truncate -s 65M "$T/huge.csv"
refused 20 "huge.csv: larger than 64 MiB" "$H" register import "$S" "$T/huge.csv" --received $NEXT

# ---- 13. strict numbers, one column of a name ------------------------------------------------
printf 'Postcode,lat,long,lat\nLS1 1AA,53.79,-1.54,57.0\n' >"$T/twolat.csv"
refused 22 "twolat.csv: row 1: columns 2 ('lat') and 4 ('lat') have the same name" "$H" gazetteer load "$S" "$T/twolat.csv"
printf 'Postcode,lat,long\nLS1 1AA,0x35,-1.54\n' >"$T/hex.csv"
refused 23 "hex.csv: row 2: lat '0x35' is not a number" "$H" gazetteer load "$S" "$T/hex.csv"

# ---- 9. boundary names are UTF-8 and codes are never cut ---------------------------------------
sed 's/"North East"/"North \xc9ast"/' "$T/rgn.geojsonl" >"$T/latin1.geojsonl"
refused 20 "latin1.geojsonl: feature 1: the name (field AREANM) is not valid UTF-8" \
  "$H" boundaries load "$S" --kind region "$T/latin1.geojsonl"
long=$(printf 'E%.0s' $(seq 300))
sed "s/\"E12000001\"/\"$long\"/" "$T/rgn.geojsonl" >"$T/longcode.geojsonl"
refused 23 "longcode.geojsonl: feature 1: the code (field AREACD) is 300 bytes long" \
  "$H" boundaries load "$S" --kind region "$T/longcode.geojsonl"

# ---- 17. messages say what is wrong ---------------------------------------------------------------
head -c 4096 "$D/ofsted/ofsted_provider_level_2025-03-31.csv.gz" >"$T/garbage.xlsx"
refused 20 "garbage.xlsx: cannot be read: its content is not a spreadsheet or table format" \
  "$H" register import "$S" "$T/garbage.xlsx" --received $NEXT
printf '%s\r%s\r' "$HDR" "$GOOD" >"$T/cr.csv"
refused 20 "cr.csv: row 1: a line ends in a carriage return alone" "$H" register import "$S" "$T/cr.csv" --received $NEXT

# ---- 14, 15. a BOM before a quoted header; long column names --------------------------------
a=$(printf 'n%.0s' $(seq 140))
# The whole register again (a file that closed every home would be refused),
# its header quoted after a BOM, with two more columns named alike for 141.
python3 - "$R" "$T/bom.csv" "$a" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
with open(sys.argv[2], "w", newline="", encoding="utf-8-sig") as f:
    w = csv.writer(f, quoting=csv.QUOTE_ALL)
    w.writerow(rows[0] + [sys.argv[3] + "_alpha", sys.argv[3] + "_beta"])
    w = csv.writer(f)
    w.writerows(r + ["x", "y"] for r in rows[1:])
PY
first=$(sed -n 2p "$R" | cut -d, -f1)
expect_exit 0 "$H" register import "$S" "$T/bom.csv" --received $NEXT
expect_err "20 columns not part of the register format, kept in home_version.extra"
[ "$(sqlite3 "$S" "SELECT count(*) FROM home_version WHERE urn = '$first' AND valid_to IS NULL
  AND json_extract(extra, '\$.${a}_alpha') = 'x' AND json_extract(extra, '\$.${a}_beta') = 'y'")" = 1 ] ||
  fail "long column names not kept apart"
echo "ok: a BOM before a quoted header, and two 145-character column names alike for 141"

echo "all input hardening checks passed"
