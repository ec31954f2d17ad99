#!/usr/bin/env bash
# generate -> info -> get, as a user would; the archive is identical whatever the rank count.
source "$(dirname "$0")/lib.sh"

mp 2 generate --archive "$WORK/a2" --mission-count 2 --params 30 --days 2 --rate 10s --seed 7 --quiet
[ -f "$WORK/a2/truth.json" ] || fail "no truth.json"
[ -f "$WORK/a2/SYN2/catalog.h5" ] || fail "no SYN2 catalogue"
pass "generate with 2 ranks"

for np in 1 3; do
  mp $np generate --archive "$WORK/a$np" --mission-count 2 --params 30 --days 2 --rate 10s --seed 7 --quiet
  same_archive "$WORK/a2" "$WORK/a$np"
  cmp -s "$WORK/a2/truth.json" "$WORK/a$np/truth.json" || fail "truth.json differs at $np ranks"
  pass "identical archive with $np ranks"
done

out=$(tm info --archive "$WORK/a2")
grep -q "SYN1" <<<"$out" && grep -q "SYN2" <<<"$out" || fail "info lists no missions: $out"
grep -q "bytes/sample" <<<"$out" || fail "info states no bytes per sample"
tm info --archive "$WORK/a2" --mission SYN1 | grep -q "POWER_BUS_I" || fail "info --mission lists no parameters"
tm info --archive "$WORK/a2" --mission SYN1 --format csv | head -1 | grep -q "^param,kind,unit,subsystem,description$" \
  || fail "info csv header"
tm info --archive "$WORK/a2" --format csv | head -1 | grep -q "^mission,params,partitions,samples,anomalies,size,span_start,span_end$" \
  || fail "info csv: the span's ends in columns of their own"
pcsv=$(tm info --archive "$WORK/a2" --mission SYN1 --params --format csv)
head -1 <<<"$pcsv" | grep -q ",samples,span_start,span_end$" || fail "info --params csv header: $(head -1 <<<"$pcsv")"
# The per-parameter counts add up to the mission's sample count.
total=$(tm info --archive "$WORK/a2" --format csv | awk -F, '$1 == "SYN1" { print $4 }')
sum=$(python3 -c 'import csv,sys; print(sum(int(r["samples"]) for r in csv.DictReader(sys.stdin)))' <<<"$pcsv")
[ "$total" = "$sum" ] || fail "info --params: parameters hold $sum samples, the mission $total"
expect_fail 2 "did you mean 'SYN1'" tm info --archive "$WORK/a2" --mission SYN3
expect_fail 2 "did you mean '--mission'" tm info --archive "$WORK/a2" --misson SYN1
pass "info"

tm get --archive "$WORK/a2" --mission SYN1 --param POWER_BUS_I --from 2026-01-01T06:00:00Z --to 2026-01-01T07:00:00Z \
  --format csv > "$WORK/get.csv"
head -1 "$WORK/get.csv" | grep -qx "time,value" || fail "csv header"
rows=$(($(wc -l < "$WORK/get.csv") - 1))
[ "$rows" -gt 100 ] && [ "$rows" -le 360 ] || fail "expected up to 360 samples in one hour at 10 s, got $rows"
head -2 "$WORK/get.csv" | tail -1 | grep -Eq '^2026-01-01T06:00:[0-9]{2}(\.[0-9]+)?Z,' || fail "csv time format"
awk -F, 'NR>2 && $1<=prev {exit 1} {prev=$1}' "$WORK/get.csv" || fail "samples not in time order"
pass "get csv: $rows samples in time order"

# A whole-range get matches the sum of two halves.
tm get --archive "$WORK/a2" --mission SYN1 --param POWER_BUS_I --format csv > "$WORK/all.csv"
tm get --archive "$WORK/a2" --mission SYN1 --param POWER_BUS_I --to 2026-01-02 --format csv > "$WORK/h1.csv"
tm get --archive "$WORK/a2" --mission SYN1 --param POWER_BUS_I --from 2026-01-02 --format csv | tail -n +2 >> "$WORK/h1.csv"
cmp -s "$WORK/all.csv" "$WORK/h1.csv" || fail "a whole-range get differs from its two halves"
tm get --archive "$WORK/a2" --mission SYN1 --param POWER_BUS_I > "$WORK/table.txt"
head -1 "$WORK/table.txt" | grep -q "^time" || fail "table output"
pass "get ranges"
