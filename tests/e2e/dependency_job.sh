#!/usr/bin/env bash
# The dependency finder end to end, on a generated archive: every planted dependency is found at
# its lag (within one grid step) and the planted-independent parameters stay under the false
# discovery rate; outputs are identical at 1, 2, 3 and 4 ranks; every job file in jobfiles/ runs;
# bad keys, corrupt partitions and constant parameters are handled.
source "$(dirname "$0")/lib.sh"
JOBS="$TELEMINE_SOURCE_DIR/jobfiles"
mp 2 generate --archive "$WORK/archive" --mission-count 2 --params 24 --days 7 --rate 30s --seed 9 --quiet > /dev/null
TRUTH="$WORK/archive/truth.json"

# truth.json, one mission: "A B LAG" per planted dependency, and the independent parameters.
planted() {
  awk -v m="\"$1\"" '
    /"mission": "/ { inm = index($0, m) > 0 }
    inm && /"param_a"/ { gsub(/[",]/, "", $2); a = $2 }
    inm && /"param_b"/ { gsub(/[",]/, "", $2); b = $2 }
    inm && /"lag_seconds"/ && a != "" { gsub(/[",]/, "", $2); print a, b, $2; a = "" }' "$TRUTH"
}
independent() {
  awk -v m="\"$1\"" '
    /"mission": "/ { inm = index($0, m) > 0 }
    inm && /"independent"/ { on = 1; next }
    on && /\]/ { on = 0 }
    on { gsub(/[", ]/, ""); print }' "$TRUTH"
}

# All pairs of SYN1 at lags up to 15 minutes, at 1 to 4 ranks.
for np in 1 2 3 4; do
  mp "$np" run "$JOBS/dependency-all.ini" --archive "$WORK/archive" --output "$WORK/all-$np" --quiet > /dev/null
done
# same_at_ranks PREFIX: PREFIX-1 .. PREFIX-4 hold identical outputs.
same_at_ranks() {
  for np in 2 3 4; do
    for f in pairs.csv top.csv graph.dot pairs.h5; do
      cmp -s "$1-1/$f" "$1-$np/$f" || fail "$(basename "$1"): $f differs between 1 and $np ranks"
    done
  done
}
same_at_ranks "$WORK/all"
pass "identical outputs at 1, 2, 3 and 4 ranks"

# In mode all, pairs are counted three at a time (Steiner triples, three (pair, lag)s a pass):
# the same pairs counted one or two at a time (mode sets, every parameter on both sides) give
# identical outputs, at lags up to 15 minutes (above) and at lag 0, and lag 0 is identical at 1
# to 4 ranks too.
for np in 1 2 3 4; do
  mp "$np" run "$JOBS/dependency-all.ini" --archive "$WORK/archive" --output "$WORK/lag0-$np" \
    --dependency.max-lag=0s --quiet > /dev/null
done
same_at_ranks "$WORK/lag0"
for lag in 15min 0s; do
  mp 2 run "$JOBS/dependency-all.ini" --archive "$WORK/archive" --output "$WORK/sets-$lag" --dependency.max-lag=$lag \
    --dependency.mode=sets '--dependency.set-a=*' '--dependency.set-b=*' --quiet > /dev/null
done
for f in pairs.csv top.csv graph.dot; do
  cmp -s "$WORK/all-1/$f" "$WORK/sets-15min/$f" || fail "$f counted by triples differs from pair by pair"
  cmp -s "$WORK/lag0-1/$f" "$WORK/sets-0s/$f" || fail "lag 0: $f counted by triples differs from pair by pair"
done
[ "$(($(wc -l < "$WORK/lag0-1/pairs.csv") - 1))" -eq 276 ] || fail "lag 0: 24 parameters must give 276 pairs"
pass "all pairs by triples: identical to pair by pair at lags up to 15 min and at lag 0, lag 0 identical at 1 to 4 ranks"

# Killed at about two thirds of the pairs phase (kill -9 of one rank) and run again on as many
# ranks: the read and bin phases and the pieces of pairs that had finished (a piece every
# checkpoint-every of work a rank, here 200 ms) are read back, what was resumed is printed, and the
# outputs are identical to those of an uninterrupted run. Both missions at lags up to 2 h: 1,128
# pairs x 241 lags, some seconds of work.
KILLED=(run "$JOBS/dependency-all.ini" --archive "$WORK/archive" --mission SYN1,SYN2 --dependency.max-lag=2h
        --dependency.checkpoint-every=200ms)
mp 2 "${KILLED[@]}" --output "$WORK/whole" --quiet > /dev/null 2>&1
pairs_seconds=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["timings_seconds"]["pairs"])' "$WORK/whole/product.json")
# About five pieces a second on each of the 2 ranks: wait for 65% of the pieces of the whole run,
# then kill one rank. On a loaded machine the run may finish before the kill lands; then it is
# tried again from scratch, waiting for fewer pieces (the resume is what is tested, not the race).
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
killed_part_way() {  # killed_part_way SHARE: true when the run was killed before it published
  target=$(awk -v s="$pairs_seconds" -v f="$1" 'BEGIN { t = int(f * 2 * s / 0.2); print (t < 2 ? 2 : t) }')
  rm -rf "$WORK/killed"
  mp 2 "${KILLED[@]}" --output "$WORK/killed" --quiet > /dev/null 2>&1 &
  local job=$! rank
  for _ in $(seq 1200); do
    [ "$(ls "$WORK/killed/.checkpoints" 2>/dev/null | grep -c -- '-run-')" -ge "$target" ] && break
    sleep 0.05
  done
  rank=$(for p in $(descendants "$job"); do [ "$(cat /proc/"$p"/comm 2>/dev/null)" = telemine ] && echo "$p"; done | tail -1)
  [ -n "$rank" ] && kill -9 "$rank" 2>/dev/null
  wait "$job" && return 1
  # A rank killed after the outputs were published (in its last steps) did not stop the job.
  [ ! -e "$WORK/killed/pairs.csv" ]
}
killed=no
for share in 0.65 0.45 0.3; do
  if killed_part_way "$share"; then killed=$share; break; fi
  echo "note: the run finished before the kill at $share of its pieces; again, earlier"
done
[ $killed != no ] || fail "the job could not be killed part-way in three tries"
[ ! -e "$WORK/killed/pairs.csv" ] || fail "a killed job published pairs.csv"
mp 2 "${KILLED[@]}" --output "$WORK/killed" --quiet > "$WORK/resumed.txt"
for f in pairs.csv top.csv graph.dot pairs.h5; do
  cmp -s "$WORK/whole/$f" "$WORK/killed/$f" || fail "$f differs after resuming"
done
resumed=$(grep -o '"pairs_resumed": [0-9]*' "$WORK/killed/product.json" | grep -o '[0-9]*$')
# Most of what was done when it was killed comes back (at 65%: 626 of 1,128 pairs seen).
[ "$(awk -v r="${resumed:-0}" -v f="$killed" 'BEGIN { print (r >= 0.6 * f * 1128) }')" = 1 ] \
  || fail "killed at $target pieces (of about $(awk -v s="$pairs_seconds" 'BEGIN { print int(2 * s / 0.2) }')), only ${resumed:-0} of 1128 pairs resumed"
grep -q "resumed from checkpoints: the read and bin phases, $resumed of 1128 pairs" "$WORK/resumed.txt" \
  || fail "what was resumed is not printed: $(cat "$WORK/resumed.txt")"
grep -q '"read and bin (resumed)"' "$WORK/killed/product.json" || fail "the read and bin stages were not resumed"
[ ! -e "$WORK/killed/.checkpoints" ] || fail "checkpoints left after success"
pass "killed after $target of about $(awk -v s="$pairs_seconds" 'BEGIN { print int(2 * s / 0.2) }') pieces of 200 ms and run again: codes and $resumed of 1128 pairs read back, identical outputs"

OUT="$WORK/all-2"
[ "$(planted SYN1 | wc -l)" -ge 8 ] || fail "truth.json: $(planted SYN1)"
while read -r a b lag; do
  row=$(grep -E "^($a,$b|$b,$a)," "$OUT/pairs.csv") || fail "planted pair $a $b is not in pairs.csv"
  IFS=, read -r pa pb got _ _ _ sig <<< "$row"
  [ "$pa" = "$a" ] || got=$(awk -v g="$got" 'BEGIN { print -g }')
  [ "$sig" = 1 ] || fail "planted dependency $a -> $b not significant: $row"
  awk -v g="$got" -v w="$lag" 'BEGIN { d = g - w; exit !(d <= 60 && d >= -60) }' \
    || fail "planted dependency $a -> $b found at lag $got s, planted at $lag s"
done < <(planted SYN1)
pass "every planted dependency found at its lag: $(planted SYN1 | awk '{ printf "%s->%s@%ss ", $1, $2, $3 }')"

ind=$(independent SYN1 | paste -sd'|')
[ -n "$ind" ] || fail "no independent parameters in truth.json"
total=$(grep -c ',1$' "$OUT/pairs.csv")
false=$(grep ',1$' "$OUT/pairs.csv" | grep -Ec "(^|,)($ind),") || true
awk -v f="$false" -v t="$total" 'BEGIN { exit !(f <= 0.01 * t) }' \
  || fail "false discoveries among independent parameters: $false of $total: $(grep ',1$' "$OUT/pairs.csv" | grep -E "(^|,)($ind),")"
pass "$false false discoveries among $total (independent: ${ind//|/ })"

# The outputs' shape.
head -1 "$OUT/pairs.csv" | grep -qx 'param_a,param_b,lag_seconds,mi,nmi,score,significant' || fail "pairs.csv header"
[ "$(($(wc -l < "$OUT/pairs.csv") - 1))" -eq 276 ] || fail "24 parameters must give 276 pairs"
awk -F, 'NR > 1 && ($5 < 0 || $5 > 1) { exit 1 }' "$OUT/pairs.csv" || fail "nmi outside [0, 1]"
awk -F, 'NR > 1 { if (seen0 && $7 == 1) exit 1; if ($7 == 0) seen0 = 1 }' "$OUT/pairs.csv" || fail "pairs.csv: significant pairs must come first"
grep -q '^DEP_LAG_A,1,DEP_LAG_B,600,' "$OUT/top.csv" || fail "top.csv: $(grep DEP_LAG_A "$OUT/top.csv")"
grep -q '^DEP_LAG_B,1,DEP_LAG_A,-600,' "$OUT/top.csv" || fail "top.csv is seen from each parameter"
grep -q '"DEP_LAG_A" -> "DEP_LAG_B" \[label="600 s"' "$OUT/graph.dot" || fail "graph.dot: $(grep DEP_LAG "$OUT/graph.dot")"
h5dump -d /lag_seconds -s 0,0 -c 1,1 "$OUT/pairs.h5" > /dev/null || fail "pairs.h5"
[ "$(h5dump -H -d /mi "$OUT/pairs.h5" | grep -o 'SIMPLE { ( 24, 24 )')" ] || fail "pairs.h5: /mi is not 24 x 24"
grep -q '"significant_pairs": '"$total" "$OUT/product.json" || fail "product.json summary"
# report.html lists the significant pairs (pairs.csv writes them as 1).
grep -q '<td>DEP_LAG_A</td><td>DEP_LAG_B</td><td>600</td>' "$OUT/report.html" || fail "report.html: no significant pair listed"
pass "pairs.csv, top.csv, graph.dot, pairs.h5, product.json, report.html"

# The other job files: one target, and two sets across missions.
mp 2 run "$JOBS/dependency-bus.ini" --archive "$WORK/archive" --output "$WORK/bus" --quiet > /dev/null
awk -F, 'NR > 1 && $1 != "POWER_BUS_I" { exit 1 }' "$WORK/bus/pairs.csv" || fail "mode one: every pair has the target first"
[ "$(($(wc -l < "$WORK/bus/pairs.csv") - 1))" -eq 23 ] || fail "mode one: 23 partners"
grep -q '^POWER_BUS_I,PAYLOAD_I,0,.*,1$' "$WORK/bus/pairs.csv" || fail "mode one: the bus current follows the payload"
[ ! -e "$WORK/bus/pairs.h5" ] || fail "pairs.h5 is for all-pairs mode"
mp 3 run "$JOBS/dependency-missions.ini" --archive "$WORK/archive" --output "$WORK/missions" --quiet > /dev/null
awk -F, 'NR > 1 && !($1 ~ /^SYN1\/THERM_/ && $2 ~ /^SYN2\/POWER_/) { exit 1 }' "$WORK/missions/pairs.csv" \
  || fail "mode sets across missions: $(head -3 "$WORK/missions/pairs.csv")"
pass "mode one and mode sets across missions"

# Bad keys: exit 2 naming the file, line and key, before any work.
bad() { printf 'kind = dependency\narchive = %s\nmission = SYN1\noutput = %s\n[dependency]\n%s\n' "$WORK/archive" "$WORK/bad-out" "$1" > "$WORK/bad.ini"; }
bad 'grid = 7min'
expect_fail 2 "bad.ini:6: key 'dependency.grid': the grid must divide one day" mp 2 run "$WORK/bad.ini"
bad $'grid = 1min\nmode = one'
expect_fail 2 "key 'dependency.target': mode one needs a target" mp 2 run "$WORK/bad.ini"
bad $'grid = 1min\nmode = one\ntarget = NOPE*'
expect_fail 2 "bad.ini:8: key 'dependency.target': matches no parameter" mp 2 run "$WORK/bad.ini"
bad $'grid = 1min\nbins = 300'
expect_fail 2 "bad.ini:7: key 'dependency.bins'" tm run "$WORK/bad.ini"
bad $'grid = 1min\nmax-lag = 90s'
expect_fail 2 "key 'dependency.max-lag': '90s' is not a multiple" tm run "$WORK/bad.ini"
bad 'bins = 8'
expect_fail 2 "missing key 'dependency.grid'" tm run "$WORK/bad.ini"
[ ! -e "$WORK/bad-out" ] || fail "a bad job created its output folder"

# A corrupt partition fails the job naming it, or is skipped and listed.
cp -r "$WORK/archive" "$WORK/broken"
part=$(find "$WORK/broken/SYN1" -name 'SYN1_2026-01-03.h5')
head -c 3000 "$part" > "$part.cut" && mv "$part.cut" "$part"
expect_fail 1 "SYN1_2026-01-03.h5" mp 3 dependency --archive "$WORK/broken" --mission SYN1 --grid 5min --output "$WORK/broken-out"
[ ! -e "$WORK/broken-out/pairs.csv" ] || fail "a failed job published outputs"
# The last day too: the last rank reads it, and rank 0 must still list it.
last=$(find "$WORK/broken/SYN1" -name 'SYN1_2026-01-07.h5')
head -c 3000 "$last" > "$last.cut" && mv "$last.cut" "$last"
mp 3 dependency --archive "$WORK/broken" --mission SYN1 --grid 5min --output "$WORK/skipped" --on-error=skip --quiet > /dev/null
for day in 03 07; do
  grep -q "\"file\": \"2026/01/SYN1_2026-01-$day.h5\"" "$WORK/skipped/product.json" || fail "skipped partition of day $day not listed"
done
pass "corrupt partitions"

# A constant parameter and one without data in range are reported and skipped.
{
  echo "time,FLAT,RAMP,LATE"
  for i in $(seq 0 599); do echo "$((1767225600 + i * 60))000000000,5,$i,$([ "$i" -lt 500 ] && echo nan || echo "$i")"; done
} > "$WORK/flat.csv"
tm ingest --archive "$WORK/csv" --mission M --format csv-wide --input "$WORK/flat.csv" --quiet > /dev/null
tm dependency --archive "$WORK/csv" --mission M --grid 1min --to 2026-01-01T08:00:00Z --output "$WORK/flat" --quiet > "$WORK/flat.txt"
grep -q "3 parameters (1 constant, 1 without data skipped), 0 pairs" "$WORK/flat.txt" || fail "$(cat "$WORK/flat.txt")"
grep -A1 '"constant_parameters"' "$WORK/flat/product.json" | grep -q '"FLAT"' || fail "constant parameter not listed"
pass "constant parameters and parameters without data are reported and skipped"

# Names holding a comma or a quote (the archive allows both): pairs.csv and top.csv are RFC 4180,
# read back field by field by Python's csv module; graph.dot quotes them its own way.
/usr/bin/python3 - "$WORK/odd.csv" <<'PY'
import math, sys
with open(sys.argv[1], "w") as f:
    f.write('time,"A,B","Q""X",PLAIN\n')
    for i in range(2000):
        f.write(f"{1767225600 + i * 60}000000000,{math.sin(i / 37) + 0.1 * math.sin(i * 7.7)},{math.sin((i - 5) / 37)},{i * 7919 % 1000}\n")
PY
tm ingest --archive "$WORK/odd" --mission M --format csv-wide --input "$WORK/odd.csv" --quiet > /dev/null
tm dependency --archive "$WORK/odd" --mission M --grid 1min --max-lag 10min --output "$WORK/odd-out" --quiet > /dev/null
/usr/bin/python3 - "$WORK/odd-out" <<'PY' || fail "names with ',' and '\"' in pairs.csv / top.csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1] + "/pairs.csv", newline="")))
assert rows[0] == ["param_a", "param_b", "lag_seconds", "mi", "nmi", "score", "significant"], rows[0]
assert all(len(r) == 7 for r in rows), rows
assert rows[1][:3] == ["A,B", 'Q"X', "300"] and rows[1][6] == "1", rows[1]
top = list(csv.reader(open(sys.argv[1] + "/top.csv", newline="")))
assert [r[:4] for r in top[1:]] == [["A,B", "1", 'Q"X', "300"], ['Q"X', "1", "A,B", "-300"]], top
PY
grep -qF '"A,B" -> "Q\"X" [label="300 s"' "$WORK/odd-out/graph.dot" || fail "graph.dot: $(cat "$WORK/odd-out/graph.dot")"
pass "parameter names with ',' and '\"': pairs.csv and top.csv quoted as RFC 4180 says"

# A derived parameter ([derived]) is used by name like a stored one, in params and as the target:
# a stored parameter 5 minutes late is found following it at -300 s (the pair's b leads), with
# the same outputs at 1 and 3 ranks (its lag reaches into the day before, on another rank).
cat > "$WORK/derived.ini" <<INI
kind = dependency
archive = $WORK/archive
mission = SYN1
params = POWER_BUS_I, PAYLOAD_I, DEP_LAG_B, BUS_LATE, LAG_A_LATE
[derived]
BUS_LATE = lag(POWER_BUS_I, 5min)
LAG_A_LATE = lag(DEP_LAG_A, 5min)
[dependency]
grid = 1min
max-lag = 10min
mode = sets
set-a = BUS_LATE, LAG_A_LATE
set-b = *
INI
for np in 1 3; do
  mp "$np" run "$WORK/derived.ini" --output "$WORK/derived-$np" --quiet > /dev/null
done
for f in pairs.csv top.csv graph.dot; do
  cmp -s "$WORK/derived-1/$f" "$WORK/derived-3/$f" || fail "derived: $f differs between 1 and 3 ranks"
done
grep -q '^BUS_LATE,POWER_BUS_I,-300,.*,1$' "$WORK/derived-1/pairs.csv" || fail "derived: $(grep '^BUS_LATE,POWER_BUS_I' "$WORK/derived-1/pairs.csv")"
# DEP_LAG_B follows DEP_LAG_A by 600 s (planted): it follows A 5 minutes late by 300 s.
grep -q '^LAG_A_LATE,DEP_LAG_B,300,.*,1$' "$WORK/derived-1/pairs.csv" || fail "derived: $(grep '^LAG_A_LATE,DEP_LAG_B' "$WORK/derived-1/pairs.csv")"
pass "derived parameters in a dependency job: found at their lags, identical at 1 and 3 ranks"

# Caveats, warned of on stderr and counted in product.json: a window of 12 grid points (nmi near 1
# for every pair) warns of too few points and tests nothing (below min-effective-samples); a
# planted 10-minute lag searched up to 3 minutes is significant at max-lag, with a hint.
tm dependency --archive "$WORK/archive" --mission SYN1 --grid 1min --from 2026-01-01T10:00:00Z \
  --to 2026-01-01T10:12:00Z --output "$WORK/few" --quiet > /dev/null 2> "$WORK/few.err"
grep -q "fewer than 4 grid points per cell of their joint table" "$WORK/few.err" || fail "no too-few-points warning: $(cat "$WORK/few.err")"
grep -q "fewer effective samples than min-effective-samples = 16 .*never significant" "$WORK/few.err" \
  || fail "no min-effective-samples warning: $(cat "$WORK/few.err")"
awk -F, 'NR > 1 && $7 == 1 { exit 1 }' "$WORK/few/pairs.csv" || fail "a 12-point window gave significant pairs"
grep -Eq '"pairs_below_min_effective_samples": [1-9]' "$WORK/few/product.json" || fail "product.json: pairs below the minimum"
tm dependency --archive "$WORK/archive" --mission SYN1 --grid 1min --params 'DEP_LAG_*' --max-lag 3min \
  --output "$WORK/edge" --quiet > /dev/null 2> "$WORK/edge.err"
grep -q "1 pair significant with the strongest lag at max-lag (+-3min): the true lag may lie beyond" "$WORK/edge.err" \
  || fail "no max-lag warning: $(cat "$WORK/edge.err")"
grep -q '"significant_pairs_at_max_lag": 1' "$WORK/edge/product.json" || fail "product.json: pairs at max-lag"
pass "caveats: too few points, too few effective samples (not tested), best lag at max-lag"
