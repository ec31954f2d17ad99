#!/usr/bin/env bash
# The forest job end to end: the forest finds the generator's planted lagged dependency
# (DEP_LAG_B follows DEP_LAG_A 10 minutes later, truth.json) as its top feature at that lag;
# outputs are identical at 1 and 2 ranks; saved models score identically; a constant target
# fails cleanly.
source "$(dirname "$0")/lib.sh"
JOBS="$TELEMINE_SOURCE_DIR/jobfiles"

mp 2 generate --archive "$WORK/a" --missions 1 --params 24 --days 3 --rate 30s --seed 5 --quiet
/usr/bin/python3 - "$WORK/a/truth.json" <<'PY' || fail "truth.json: no DEP_LAG_A -> DEP_LAG_B at 600 s"
import json, sys
deps = [d for m in json.load(open(sys.argv[1]))["missions"] for d in m["dependencies"]]
assert any(d["param_a"] == "DEP_LAG_A" and d["param_b"] == "DEP_LAG_B" and d["lag_seconds"] == 600 for d in deps)
PY

args=(--archive "$WORK/a" --params 'DEP_*, THERM_BAT_T, THERM_HTR1_ON' --forest.trees=40 --quiet)
for np in 1 2; do
  mp $np run "$JOBS/forest-lag.ini" "${args[@]}" --output "$WORK/f$np" > /dev/null
done
top=$(grep '^SYN1,DEP_LAG_B,' "$WORK/f1/importances.csv" | head -1 | cut -d, -f3,4)
[ "$top" = "DEP_LAG_A,600" ] || fail "top feature of DEP_LAG_B: want DEP_LAG_A at 600 s, got $top"
top=$(grep '^SYN1,THERM_BAT_T,' "$WORK/f1/importances.csv" | head -1 | cut -d, -f3)
[ "$top" = "THERM_HTR1_ON" ] || fail "top feature of THERM_BAT_T: want THERM_HTR1_ON, got $top"
pass "planted dependencies found: DEP_LAG_A at 10 min explains DEP_LAG_B; the heater explains the battery temperature"

r2=$(grep '^SYN1,DEP_LAG_B,' "$WORK/f1/fit.csv" | cut -d, -f6)
/usr/bin/python3 -c "import sys; sys.exit(0 if float('$r2') > 0.5 else 1)" || fail "held-out R2 of DEP_LAG_B is $r2"
for f in importances.csv fit.csv scores.csv detections.csv; do
  cmp "$WORK/f1/$f" "$WORK/f2/$f" || fail "$f differs between 1 and 2 ranks"
done

# A derived parameter is a feature like a stored one: DEP_LAG_A ten minutes earlier, as
# lag(DEP_LAG_A, 10min), explains DEP_LAG_B at lag 0; identical at 1 and 3 ranks.
for np in 1 3; do
  mp $np run "$JOBS/forest-lag.ini" --archive "$WORK/a" --params 'DEP_*, A_BEFORE' --derived.A_BEFORE='lag(DEP_LAG_A, 10min)' \
    --forest.target=DEP_LAG_B --forest.lags=0 --forest.trees=40 --quiet --output "$WORK/fd$np" > /dev/null
done
top=$(grep '^SYN1,DEP_LAG_B,' "$WORK/fd1/importances.csv" | head -1 | cut -d, -f3,4)
[ "$top" = "A_BEFORE,0" ] || fail "top feature of DEP_LAG_B with a derived feature: want A_BEFORE at 0 s, got $top"
for f in importances.csv fit.csv scores.csv detections.csv; do
  cmp "$WORK/fd1/$f" "$WORK/fd3/$f" || fail "derived features: $f differs between 1 and 3 ranks"
done
pass "a derived feature (lag(DEP_LAG_A, 10min)) explains DEP_LAG_B at lag 0; identical at 1 and 3 ranks"
pass "held-out R2 $r2; identical outputs at 1 and 2 ranks"

mp 2 run "$JOBS/forest-lag.ini" "${args[@]}" --forest.model="$WORK/f1/models" --output "$WORK/scored" > /dev/null
cmp "$WORK/f1/scores.csv" "$WORK/scored/scores.csv" || fail "the saved models score differently"
cmp "$WORK/f1/detections.csv" "$WORK/scored/detections.csv" || fail "the saved models detect differently"
pass "model = DIR scores identically"

expect_fail 2 "target is constant" mp 2 run "$JOBS/forest-lag.ini" "${args[@]}" --forest.target=FLAT \
  '--derived.FLAT=DEP_LAG_A * 0' --params 'DEP_*, FLAT' --output "$WORK/flat"
[ ! -e "$WORK/flat/importances.csv" ] || fail "a failed forest job published outputs"
expect_fail 2 "key 'forest.lags'" mp 1 run "$JOBS/forest-lag.ini" "${args[@]}" --forest.lags=90s --output "$WORK/bad"
expect_fail 2 "matches none" mp 1 run "$JOBS/forest-lag.ini" "${args[@]}" --forest.target=NOPE --output "$WORK/bad"
pass "bad forests: exit 2"
