#!/usr/bin/env bash
# The stats job end to end: every job file in jobfiles/ runs; outputs are identical byte for
# byte at 1, 2, 3 and 4 ranks; failures are clean.
source "$(dirname "$0")/lib.sh"
JOBS="$TELEMINE_SOURCE_DIR/jobfiles"

mp 2 generate --archive "$WORK/archive" --mission-count 2 --params 24 --days 3 --rate 30s --seed 3 --quiet

# Every example job file, pointed at this archive.
for f in "$JOBS"/stats-*.ini; do
  name=$(basename "$f" .ini)
  mp 2 run "$f" --archive "$WORK/archive" --output "$WORK/$name" --quiet > /dev/null
  for out in stats.h5 stats.csv product.json; do [ -s "$WORK/$name/$out" ] || fail "$name: no $out"; done
  head -1 "$WORK/$name/stats.csv" | grep -qx "mission,param,bucket_start,count,nan_count,min,max,mean,std,first,last" \
    || fail "$name: csv header"
  grep -q '"hdf5_collective": true' "$WORK/$name/product.json" || fail "$name: stats.h5 not written collectively"
  pass "job file $name"
done

# The same job at 1, 2, 3 and 4 ranks: outputs identical byte for byte (uneven: with 4 ranks on
# 3 days x 2 missions, and 7-minute buckets straddling midnight and rank boundaries).
for np in 1 2 3 4; do
  mp $np stats --archive "$WORK/archive" --mission SYN1,SYN2 --bucket 7min --output "$WORK/s$np" --quiet > /dev/null
done
for np in 2 3 4; do
  cmp "$WORK/s1/stats.csv" "$WORK/s$np/stats.csv" || fail "stats.csv differs between 1 and $np ranks"
  cmp <(h5dump "$WORK/s1/stats.h5" | tail -n +2) <(h5dump "$WORK/s$np/stats.h5" | tail -n +2) \
    || fail "stats.h5 differs between 1 and $np ranks"
done
pass "identical outputs at 1, 2, 3 and 4 ranks"

# More ranks than partitions: some ranks have nothing to do.
mp 4 stats --archive "$WORK/archive" --mission SYN1 --params 'POWER_*' --from 2026-01-02 --to 2026-01-02T12:00:00Z \
  --bucket 1h --output "$WORK/few" --quiet > /dev/null
[ "$(tail -n +2 "$WORK/few/stats.csv" | cut -d, -f3 | sort -u | wc -l)" -eq 12 ] || fail "expected 12 hourly buckets"
pass "ranks without data"

# --dry-run prints the plan and writes nothing.
mp 2 stats --archive "$WORK/archive" --mission SYN1 --bucket 1h --output "$WORK/dry" --dry-run | grep -q "^rank 1:" \
  || fail "dry-run plan"
[ ! -e "$WORK/dry/stats.csv" ] || fail "dry-run wrote outputs"
pass "dry-run"

# Bad job files: exit 2 naming file, line and key, before any work.
printf 'kind = stats\narchive = %s\nmission = SYN1\noutput = %s\n[stats]\nbucket = 1 hour\n' "$WORK/archive" "$WORK/bad" > "$WORK/bad.ini"
expect_fail 2 "bad.ini:6: key 'stats.bucket'" mp 2 run "$WORK/bad.ini"
printf 'kind = stats\narchive = %s\nmission = SYN9\noutput = %s\n[stats]\nbucket = 1h\n' "$WORK/archive" "$WORK/bad" > "$WORK/bad.ini"
expect_fail 2 "bad.ini:3: key 'mission'" mp 2 run "$WORK/bad.ini"
expect_fail 2 "matches no parameter" mp 2 stats --archive "$WORK/archive" --mission SYN1 --params 'NOPE*' --bucket 1h --output "$WORK/bad"
[ ! -e "$WORK/bad" ] || fail "a bad job created its output folder"

# A corrupt partition: fail naming it (on-error = fail), or skip it and list it (on-error = skip).
cp -r "$WORK/archive" "$WORK/broken"
part=$(find "$WORK/broken/SYN1" -name 'SYN1_2026-01-02.h5')
head -c 2000 "$part" > "$part.cut" && mv "$part.cut" "$part"
expect_fail 1 "SYN1_2026-01-02.h5" mp 3 stats --archive "$WORK/broken" --mission SYN1 --bucket 1h --output "$WORK/broken-out"
[ ! -e "$WORK/broken-out/stats.csv" ] || fail "a failed job published outputs"
# Only the checkpoints of finished partitions may stay: they are what a resubmission resumes from.
left=$(ls -A "$WORK/broken-out" | grep -vx '.checkpoints' || true)
[ -z "$left" ] || fail "a failed job left files behind: $left"
mp 3 stats --archive "$WORK/broken" --mission SYN1 --bucket 1h --output "$WORK/skipped" --on-error=skip --quiet > /dev/null
grep -q '"file": "2026/01/SYN1_2026-01-02.h5"' "$WORK/skipped/product.json" || fail "skipped partition not listed"
pass "corrupt partitions"

# A missing partition (deleted behind the catalogue's back): named, or skipped and listed.
cp -r "$WORK/archive" "$WORK/missing"
rm "$WORK/missing/SYN2/2026/01/SYN2_2026-01-03.h5"
expect_fail 1 "SYN2_2026-01-03.h5" mp 2 stats --archive "$WORK/missing" --mission SYN1,SYN2 --bucket 1d --output "$WORK/m-out"
mp 2 stats --archive "$WORK/missing" --mission SYN1,SYN2 --bucket 1d --output "$WORK/m-skip" --on-error=skip --quiet > /dev/null
grep -q '"file": "2026/01/SYN2_2026-01-03.h5"' "$WORK/m-skip/product.json" || fail "missing partition not listed as skipped"
[ "$(grep -c '^SYN2,' "$WORK/m-skip/stats.csv")" -eq $((24 * 2)) ] || fail "SYN2 should have 2 daily buckets per parameter"
pass "missing partitions"
