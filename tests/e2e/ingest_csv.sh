#!/usr/bin/env bash
# csv-long and csv-wide ingest through the binary: the same archive at 1, 2 and 3 ranks,
# idempotent re-ingest, and values that come back out of `get` exactly as they went in.
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/in"
# Three files over three days, unsorted rows, a duplicate, ISO and integer-ns times, nan.
{
  echo "time,param,value"
  for i in $(seq 0 199); do echo "2026-01-01T0$((i % 10)):00:$((i % 60 / 10))$((i % 10)).125Z,TEMP_$((i % 4)),$i.5"; done
  echo "1767225600000000000,TEMP_0,nan"
  echo "2026-01-01T00:00:00Z,TEMP_1,0.1"
  echo "2026-01-01T00:00:00Z,TEMP_1,0.30000000000000004"
} > "$WORK/in/a.csv"
{
  echo "time,param,value"
  for i in $(seq 0 59); do echo "2026-01-02T12:00:$((i % 60 / 10))$((i % 10))Z,VOLT,-$i.0e-3"; done
} > "$WORK/in/b.csv"
{
  echo "time,A,B"
  echo "2026-01-03T00:00:00Z,1,"
  echo "2026-01-03T00:00:01Z,,2.5"
  echo "2026-01-03T00:00:02Z,nan,3"
} > "$WORK/wide.csv"

for np in 1 2 3; do
  mp $np ingest --archive "$WORK/r$np" --mission M --format csv-long --input "$WORK/in" --quiet > "$WORK/out$np.txt"
  mp $np ingest --archive "$WORK/r$np" --mission M --format csv-wide --input "$WORK/wide.csv" --quiet >> "$WORK/out$np.txt"
done
same_archive "$WORK/r1" "$WORK/r2"
same_archive "$WORK/r1" "$WORK/r3"
pass "csv ingest gives the same archive at 1, 2 and 3 ranks"

tm get --archive "$WORK/r1" --mission M --param TEMP_1 --format csv | grep -q "^2026-01-01T00:00:00Z,0.30000000000000004$" \
  || fail "duplicate policy: the last sample at a time must win, printed exactly"
tm get --archive "$WORK/r1" --mission M --param TEMP_0 --format csv | sed -n 2p | grep -q "^2026-01-01T00:00:00Z,nan$" \
  || fail "nan sample"
[ "$(tm get --archive "$WORK/r1" --mission M --param B --format csv | wc -l)" -eq 3 ] || fail "csv-wide empty cells are no sample"
tm get --archive "$WORK/r1" --mission M --param VOLT --format csv | sed -n 3p | grep -q "^2026-01-02T12:00:01Z,-0.001$" \
  || fail "value printed shortest-exact"
pass "values and policies"

before=$(cd "$WORK/r2" && find . -type f -name '*.h5' -printf '%p %i %s\n' | sort | md5sum)
mp 2 ingest --archive "$WORK/r2" --mission M --format csv-long --input "$WORK/in" --quiet | grep -q "0 partitions written"
after=$(cd "$WORK/r2" && find . -type f -name '*.h5' -printf '%p %i %s\n' | sort | md5sum)
[ "$before" = "$after" ] || fail "re-ingesting the same input changed the archive"
pass "re-ingest is idempotent"
no_temporaries "$WORK"
