#!/usr/bin/env bash
# Derived parameters end to end: the ad-hoc `get --param EXPR`, `derive` (materialised, then
# `get` gives the same samples, `info` shows the expression), derived parameters in a stats job
# at 1 and 3 ranks, and every bad input: exit 2, a message naming where, nothing written.
source "$(dirname "$0")/lib.sh"
JOBS="$TELEMINE_SOURCE_DIR/jobfiles"

mp 2 generate --archive "$WORK/a" --missions 1 --params 24 --days 3 --rate 30s --seed 5 --quiet
cp -r "$WORK/a" "$WORK/plain"

# Ad hoc: the product of two stored parameters, aligned on the first one's times.
tm get --archive "$WORK/a" --mission SYN1 --param 'POWER_BAT_V * POWER_BUS_I' --format csv > "$WORK/adhoc.csv"
[ "$(wc -l < "$WORK/adhoc.csv")" -gt 1000 ] || fail "ad-hoc get: too few rows"
tm get --archive "$WORK/a" --mission SYN1 --param POWER_BAT_V --format csv > "$WORK/v.csv"
tm get --archive "$WORK/a" --mission SYN1 --param POWER_BUS_I --format csv > "$WORK/i.csv"
# The alignment rule by hand: on V's times, I's last value at or before (pandas merge_asof).
/usr/bin/python3 - "$WORK" <<'PY' || fail "ad-hoc get: not V times I's last value held"
import sys, pandas as pd
w = sys.argv[1]
v, i, got = (pd.read_csv(f"{w}/{n}.csv", parse_dates=["time"], float_precision="round_trip") for n in ("v", "i", "adhoc"))
want = pd.merge_asof(v, i, on="time", suffixes=("_v", "_i"), tolerance=pd.Timedelta("1d"))
want = want.value_v * want.value_i
assert len(got) == len(v), (len(got), len(v))
assert ((got.value == want) | (got.value.isna() & want.isna())).all()
PY
pass "get --param EXPR"

# Materialise at 3 ranks, then the stored parameter reads back as the ad-hoc expression did.
mp 3 derive --archive "$WORK/a" --mission SYN1 --define 'BUS_P = POWER_BAT_V * POWER_BUS_I' --unit W > /dev/null
tm get --archive "$WORK/a" --mission SYN1 --param BUS_P --format csv > "$WORK/stored.csv"
cmp "$WORK/adhoc.csv" "$WORK/stored.csv" || fail "derive then get differs from the ad-hoc get"
tm info --archive "$WORK/a" --mission SYN1 > "$WORK/info.txt"
grep -q "^BUS_P .*numeric .*W .*derived" "$WORK/info.txt" || fail "info: BUS_P not listed: $(cat "$WORK/info.txt")"
grep -q "^BUS_P .*POWER_BAT_V \* POWER_BUS_I .*POWER_BAT_V, POWER_BUS_I" "$WORK/info.txt" || fail "info: no expression"
no_temporaries "$WORK/a"
pass "derive, then get equals the ad-hoc get; info shows the expression"

# Time-aware derived parameters materialised at 1 and 3 ranks: the same archive byte for byte.
for np in 1 3; do
  cp -r "$WORK/plain" "$WORK/d$np"
  mp $np derive --archive "$WORK/d$np" --mission SYN1 --define 'TREND = lag(SMOOTH, 5min) - diff(POWER_BUS_I) + held(THERM_HTR1_ON)' \
    --helper 'SMOOTH = mean(POWER_BAT_V, 10min)' > /dev/null
done
same_archive "$WORK/d1" "$WORK/d3"
pass "derive with lag, mean, diff, held: identical archives at 1 and 3 ranks"

# A stats job with a [derived] section: identical at 1 and 3 ranks; the ad-hoc BUS_P's
# statistics are those of the stored one.
for np in 1 3; do
  mp $np run "$JOBS/derived-power.ini" --archive "$WORK/plain" --output "$WORK/s$np" --quiet > /dev/null
done
cmp "$WORK/s1/stats.csv" "$WORK/s3/stats.csv" || fail "derived stats differ between 1 and 3 ranks"
for p in BUS_P DT_BAT_PANEL COLD_HEAT BAT_V_TREND; do
  grep -q "^SYN1,$p," "$WORK/s1/stats.csv" || fail "no statistics of $p"
done
mp 2 stats --archive "$WORK/a" --mission SYN1 --params BUS_P --bucket 1h --output "$WORK/stored-stats" --quiet > /dev/null
grep "^SYN1,BUS_P," "$WORK/s1/stats.csv" > "$WORK/adhoc-stats"
grep "^SYN1,BUS_P," "$WORK/stored-stats/stats.csv" > "$WORK/stored-stats.csv"
cmp "$WORK/adhoc-stats" "$WORK/stored-stats.csv" || fail "stats of the derived BUS_P differ from the stored one's"
mp 2 stats --archive "$WORK/plain" --mission SYN1 --params P2 --bucket 1d --output "$WORK/cl" --quiet \
  '--derived.P2=POWER_BUS_I * 2' > /dev/null
grep -q "^SYN1,P2," "$WORK/cl/stats.csv" || fail "--derived.NAME=EXPR on the command line"
pass "stats on derived parameters: 1 = 3 ranks, ad hoc = stored, command line"

# Division by zero is NaN, not a crash.
tm get --archive "$WORK/plain" --mission SYN1 --param 'POWER_BUS_I / 0' --format csv --to 2026-01-01T00:05:00Z \
  | tail -n +2 | cut -d, -f2 | sort -u | grep -qx nan || fail "division by zero is not NaN"
pass "division by zero gives nan"

# Bad input: exit 2, where and what, nothing written.
bad() { printf 'kind = stats\narchive = %s\nmission = SYN1\noutput = %s\nparams = X\n[stats]\nbucket = 1h\n[derived]\n%s\n' \
          "$WORK/plain" "$WORK/bad" "$1" > "$WORK/bad.ini"; }
bad 'X = POWER_BUS_I * (POWER_BAT_V'
expect_fail 2 "bad.ini:9: derived parameter X: column " mp 2 run "$WORK/bad.ini"
bad 'X = POWER_BUS_I * NOPE'
expect_fail 2 "bad.ini:9: derived parameter X: column 15: unknown parameter 'NOPE'" mp 2 run "$WORK/bad.ini"
bad 'X = frobnicate(POWER_BUS_I)'
expect_fail 2 "column 1: unknown function 'frobnicate'" mp 2 run "$WORK/bad.ini"
bad $'X = Y + 1\nY = X * 2'
expect_fail 2 "cycle: X -> Y -> X" mp 2 run "$WORK/bad.ini"
bad 'X = lag(POWER_BUS_I, 5d)'
expect_fail 2 "lag(POWER_BUS_I, 5d): 5d is not shorter than the range" mp 2 run "$WORK/bad.ini"
bad 'X POWER_BUS_I'
expect_fail 2 "bad.ini:9: expected 'NAME = EXPRESSION'" mp 2 run "$WORK/bad.ini"
[ ! -e "$WORK/bad" ] || fail "a bad job created its output folder"
expect_fail 2 "unknown parameter 'NOPE'" tm get --archive "$WORK/plain" --mission SYN1 --param 'NOPE + 1'
expect_fail 2 "has no parameter 'NOPE'" tm get --archive "$WORK/plain" --mission SYN1 --param NOPE
before=$(cd "$WORK/a" && find . -type f -exec md5sum {} + | sort)
expect_fail 2 "already has a stored parameter" mp 2 derive --archive "$WORK/a" --mission SYN1 --define 'BUS_P = POWER_BUS_I'
expect_fail 2 "column 9: unknown function 'nope'" tm derive --archive "$WORK/a" --mission SYN1 --define 'Z = 1 + 2 + nope(POWER_BUS_I)'
after=$(cd "$WORK/a" && find . -type f -exec md5sum {} + | sort)
[ "$before" = "$after" ] || fail "a refused derive changed the archive"
pass "bad definitions: exit 2, named, nothing written"
