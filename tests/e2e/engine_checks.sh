#!/usr/bin/env bash
# What the engine refuses or detects, through the real binary: a flipped bit in a partition is a
# checksum mismatch (exit 1 naming the file, at 1 and 2 ranks; skipped and listed with
# on-error = skip; read unchecked with verify = none), and job keys that used to crash, hang or
# be taken for something else give exit 2 naming the file, line and key.
source "$(dirname "$0")/lib.sh"
mp 2 generate --archive "$WORK/archive" --mission-count 1 --params 20 --days 3 --rate 60s --seed 2 --quiet > /dev/null
A="$WORK/archive"

cp -r "$A" "$WORK/flipped"
part=$(find "$WORK/flipped/SYN1" -name 'SYN1_2026-01-02.h5')
size=$(stat -c %s "$part")
/usr/bin/python3 - "$part" $((size * 3 / 4)) <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0x10]))
PY
for np in 1 2; do
  expect_fail 1 "SYN1_2026-01-02.h5: checksum" mp $np stats --archive "$WORK/flipped" --mission SYN1 --bucket 1h --output "$WORK/f$np"
  [ ! -e "$WORK/f$np/stats.csv" ] || fail "a job on a corrupt partition published outputs"
done
mp 2 stats --archive "$WORK/flipped" --mission SYN1 --bucket 1h --on-error skip --output "$WORK/skip" --quiet > /dev/null
grep -q 'differs from the catalogue' "$WORK/skip/product.json" || fail "the skipped partition is not listed with its reason"
pass "a skipped corrupt partition is listed in product.json"
mp 2 dependency --archive "$WORK/flipped" --mission SYN1 --grid 5min --verify none --output "$WORK/unchecked" --quiet > /dev/null \
  || true  # HDF5 may or may not notice the flip itself; the job must not fail on a checksum
[ ! -e "$WORK/unchecked/product.json" ] || ! grep -q 'differs from the catalogue' "$WORK/unchecked/product.json" || fail "verify = none checked checksums"
pass "verify = none reads without checking"

job() {  # job KIND LINES...: a job file on the good archive
  local kind=$1; shift
  { printf 'kind = %s\narchive = %s\nmission = SYN1\noutput = %s\n' "$kind" "$A" "$WORK/out"; printf '%s\n' "$@"; } > "$WORK/bad.ini"
}
job dependency '[dependency]' 'grid = 1ns'
expect_fail 2 "bad.ini:6: key 'dependency.grid': '1ns' is not a duration in 1ms .. 1d" tm run "$WORK/bad.ini"
job dependency '[dependency]' 'grid = 1min' 'max-lag = 5d'
expect_fail 2 "key 'dependency.max-lag': is not shorter than the range" tm run "$WORK/bad.ini"
job novelty '[novelty]' 'period = 1ns'
expect_fail 2 "bad.ini:6: key 'novelty.period'" tm run "$WORK/bad.ini"
job novelty '[novelty]' 'model = windows'
expect_fail 2 "bad.ini:6: key 'novelty.model': 'windows' is not features, window, forecast or an existing folder" tm run "$WORK/bad.ini"
job novelty '[novelty]' 'hidden = 100000'
expect_fail 2 "bad.ini:6: key 'novelty.hidden'" tm run "$WORK/bad.ini"
job stats 'verify = sometimes' '[stats]' 'bucket = 1h'
expect_fail 2 "bad.ini:5: key 'verify'" tm run "$WORK/bad.ini"
printf 'kind = stats\narchive = %s\nmission = SYN1\noutput = %s\n[stats]\nbucket = 1h\n' "$A" "$A/SYN1" > "$WORK/bad.ini"
expect_fail 2 "bad.ini:4: key 'output': .* is the archive folder or inside it" tm run "$WORK/bad.ini"
[ ! -e "$A/SYN1/stats.csv" ] || fail "a job wrote into the archive"
