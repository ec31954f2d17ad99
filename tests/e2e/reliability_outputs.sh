#!/usr/bin/env bash
# HDF5 outputs are the same bytes whatever the number of ranks (issue 18: stats.h5 written by
# 1 and 3 ranks used to differ, its datasets allocated in another order by serial and by
# parallel HDF5), not only the same content.
source "$(dirname "$0")/lib.sh"

mp 2 generate --archive "$WORK/a" --missions 2 --params 24 --days 3 --rate 60s --seed 3 --quiet > /dev/null
for np in 1 2 3; do
  mp $np stats --archive "$WORK/a" --mission SYN1,SYN2 --bucket 7min --output "$WORK/s$np" --quiet > /dev/null
done
for np in 2 3; do
  cmp "$WORK/s1/stats.csv" "$WORK/s$np/stats.csv" || fail "stats.csv differs between 1 and $np ranks"
  cmp "$WORK/s1/stats.h5" "$WORK/s$np/stats.h5" || fail "stats.h5 differs byte-wise between 1 and $np ranks"
done
pass "stats.h5 identical byte for byte at 1, 2 and 3 ranks"
