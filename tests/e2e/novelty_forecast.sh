#!/usr/bin/env bash
# The LSTM forecaster (model = forecast) end to end on three real SMAP channels: one model a
# channel with its command flags as inputs, spread over the ranks; identical scores and
# detections at 1 and 3 ranks; the saved models score the same; bad keys.
source "$(dirname "$0")/lib.sh"
JOBS="$TELEMINE_SOURCE_DIR/jobfiles"
unpack_smap || { echo "skipped: $SMAP_TARBALL is absent"; exit 0; }
# Three channels of SMAP, as telemanom lays them out.
mkdir -p "$WORK/three/train" "$WORK/three/test"
for c in A-1 E-2 P-1; do
  cp "$WORK/smap/train/$c.npy" "$WORK/three/train/" && cp "$WORK/smap/test/$c.npy" "$WORK/three/test/"
done
awk -F, 'NR == 1 || $1 == "A-1" || $1 == "E-2" || $1 == "P-1"' "$WORK/smap/labeled_anomalies.csv" > "$WORK/three/labeled_anomalies.csv"
# And a channel whose train split is shorter than a forecast's history: skipped, with a warning.
/usr/bin/python3 -c 'import numpy as np, sys; d = sys.argv[1]; np.save(d + "/train/Z-1.npy", np.load(d + "/train/E-2.npy")[:30]); np.save(d + "/test/Z-1.npy", np.load(d + "/test/E-2.npy")[:500])' "$WORK/three"
mp 2 ingest --archive "$WORK/a" --mission SMAP --format telemanom --input "$WORK/three" --quiet > /dev/null

# The job file of every telemanom mission, made small enough for a test.
small=(--novelty.hidden=12,12 --novelty.history=40 --novelty.chunk=20 --novelty.epochs=3 --novelty.patience=2)
for np in 1 3; do
  mp "$np" run "$JOBS/novelty-lstm.ini" --archive "$WORK/a" --output "$WORK/f$np" "${small[@]}" --quiet > /dev/null 2> "$WORK/f$np.err"
done
grep -q "model 'Z-1' has no reference row with 40 steps of history in \[train-from, train-to); skipped" "$WORK/f1.err" \
  || fail "no warning for the short channel: $(cat "$WORK/f1.err")"
[ "$(ls "$WORK/f1/models")" = "$(printf 'A-1.pt\nE-2.pt\nP-1.pt\nZ-1.skipped')" ] || fail "one model a channel: $(ls "$WORK/f1/models")"
cmp -s "$WORK/f1/detections.csv" "$WORK/f3/detections.csv" || fail "detections differ between 1 and 3 ranks"
cmp -s <(h5dump "$WORK/f1/scores.h5" | tail -n +2) <(h5dump "$WORK/f3/scores.h5" | tail -n +2) || fail "scores.h5 differs between 1 and 3 ranks"
[ "$(wc -l < "$WORK/f1/detections.csv")" -gt 1 ] || fail "nothing detected"
pass "identical scores and detections at 1 and 3 ranks ($(($(wc -l < "$WORK/f1/detections.csv") - 1)) detections)"

# Only the telemetry is forecast and scored: a detection names a channel's value, never a flag.
! cut -d, -f2 "$WORK/f1/detections.csv" | grep -q '\.cmd' || fail "a command flag was scored"
grep -q '"model": "forecast' "$WORK/f1/product.json" || fail "product.json does not say forecast"
tm evaluate --archive "$WORK/a" --mission SMAP --detections "$WORK/f1/detections.csv" --from 2001-01-01 > "$WORK/eval.txt"
pass "evaluated: $(grep '^(mission)' "$WORK/eval.txt")"

mp 2 run "$JOBS/novelty-lstm.ini" --archive "$WORK/a" --output "$WORK/loaded" --novelty.model="$WORK/f1/models" \
  "${small[@]}" --quiet > /dev/null 2> "$WORK/loaded.err"
grep -q "model 'Z-1' has no reference row with 40 steps .* (when trained); skipped" "$WORK/loaded.err" \
  || fail "scoring with the models: no warning for the skipped channel: $(cat "$WORK/loaded.err")"
cmp -s "$WORK/f1/detections.csv" "$WORK/loaded/detections.csv" || fail "scoring with the saved models differs"
cmp -s <(h5dump -d /scores/score "$WORK/f1/scores.h5" | tail -n +2) <(h5dump -d /scores/score "$WORK/loaded/scores.h5" | tail -n +2) \
  || fail "scores differ with the saved models"
pass "the saved models give identical scores"

base=(run "$JOBS/novelty-lstm.ini" --archive "$WORK/a" --output "$WORK/bad")
expect_fail 2 "key 'novelty.window'" tm "${base[@]}" --novelty.window=20
expect_fail 2 "key 'novelty.history'" tm "${base[@]}" --novelty.history=0
expect_fail 2 "key 'novelty.dropout'" tm "${base[@]}" --novelty.dropout=1.5
[ ! -e "$WORK/bad" ] || fail "a refused job left an output behind"
pass "bad keys refused"
