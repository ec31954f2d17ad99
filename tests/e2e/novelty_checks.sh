#!/usr/bin/env bash
# Novelty jobs as a user meets them (issues 16, 18, 19): a parameter named `A,B` end to end
# (detections.csv is RFC 4180); derived parameters in params, identical at 1 and 3 ranks and
# scored as the stored parameter they copy; a scored range that overlaps the reference period
# warns and says so in product.json, train-to past the data warns; a saved model refuses
# settings it was not trained with, naming the key, and takes its own when they are left out.
source "$(dirname "$0")/lib.sh"
mp 2 generate --archive "$WORK/archive" --mission-count 1 --params 20 --days 3 --rate 60s --seed 3 --quiet > /dev/null
A="$WORK/archive"

# A parameter named `A,B` (and one with a quote), with a planted spike on the last day.
/usr/bin/python3 - "$WORK/odd.csv" <<'PY'
import csv, math, sys
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["time", "param", "value"])
    for i in range(3 * 1440):
        t = 1767225600 + 60 * i  # 2026-01-01
        ts = f"{t * 10**9}"
        v = math.sin(i / 90.0)
        if 2 * 1440 + 600 <= i < 2 * 1440 + 660:
            v += 40
        w.writerow([ts, "A,B", v])
        w.writerow([ts, 'Q"T', math.cos(i / 70.0)])
PY
tm ingest --archive "$WORK/odd" --mission ODD --format csv-long --input "$WORK/odd.csv" --quiet > /dev/null
mp 2 novelty --archive "$WORK/odd" --mission ODD --period 30min --group parameter --epochs 30 --train-to 2026-01-03 \
  --output "$WORK/odd-out" --quiet 2> /dev/null > /dev/null
/usr/bin/python3 - "$WORK/odd-out/detections.csv" <<'PY' || fail "detections.csv is not RFC 4180 with the parameter A,B"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["mission", "param", "start", "end", "score", "contributors"], rows[0]
assert all(len(r) == 6 for r in rows), [r for r in rows if len(r) != 6]
hit = [r for r in rows[1:] if r[1] == "A,B"]
assert any("2026-01-03T09:30:00Z" <= r[2] <= "2026-01-03T10:30:00Z" for r in hit), rows
assert all(r[5].startswith("A,B:") for r in hit), hit
PY
grep -q '^ODD,"A,B",' "$WORK/odd-out/detections.csv" || fail "A,B is not quoted: $(cat "$WORK/odd-out/detections.csv")"
pass "a parameter named A,B: its spike detected and detections.csv valid RFC 4180"

# Derived parameters by name in params: identical at 1 and 3 ranks; COPY = POWER_BUS_I * 1 is
# scored exactly as POWER_BUS_I (its own model, same seed, same inputs).
for np in 1 3; do
  mp $np novelty --archive "$A" --mission SYN1 --params 'COPY,BUS_P,POWER_BUS_I' --group parameter --period 30min \
    --epochs 20 --train-to 2026-01-03 '--derived.COPY=POWER_BUS_I * 1' '--derived.BUS_P=POWER_BAT_V * POWER_BUS_I' \
    --output "$WORK/der$np" --quiet 2> /dev/null > /dev/null
done
cmp -s "$WORK/der1/detections.csv" "$WORK/der3/detections.csv" || fail "derived: detections differ between 1 and 3 ranks"
cmp -s <(h5dump "$WORK/der1/scores.h5" | tail -n +2) <(h5dump "$WORK/der3/scores.h5" | tail -n +2) \
  || fail "derived: scores.h5 differs between 1 and 3 ranks"
/usr/bin/python3 - "$WORK/der1/scores.h5" "$WORK/der1/product.json" <<'PY' || fail "derived parameters are not scored like stored ones"
import json, sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
names = [n.decode() if isinstance(n, bytes) else n for n in f["params"][()]]
assert names == ["BUS_P", "COPY", "POWER_BUS_I"], names
s = f["scores"]
param, score = s["param"][()], s["score"][()]
copy, stored = score[param == names.index("COPY")], score[param == names.index("POWER_BUS_I")]
assert len(copy) == 3 * 48 and np.array_equal(copy, stored), (len(copy), len(stored))
assert np.isfinite(score[param == 0]).all()
models = {m["name"]: m for m in json.load(open(sys.argv[2]))["summary"]["models"]}
assert models["BUS_P"]["rows"] == 144 and models["BUS_P"]["reference_rows"] == 96, models["BUS_P"]
PY
pass "derived parameters in a novelty job: 1 = 3 ranks, a copy scored as the stored parameter"

# The scored range overlaps the reference period: a warning, and the flag in product.json.
mp 2 novelty --archive "$A" --mission SYN1 --params 'POWER_*' --period 1h --epochs 20 --train-to 2026-01-02 \
  --output "$WORK/ov" --quiet > /dev/null 2> "$WORK/ov.err"
grep -q "warning: novelty: the scored range overlaps the reference period \[2026-01-01T00:00:00Z, 2026-01-02T00:00:00Z)" "$WORK/ov.err" \
  || fail "no overlap warning: $(cat "$WORK/ov.err")"
[ "$(grep -c 'overlaps the reference' "$WORK/ov.err")" -eq 1 ] || fail "the warning must be printed once, not per rank"
grep -q '"scored_overlaps_reference": true' "$WORK/ov/product.json" || fail "product.json lacks scored_overlaps_reference"
grep -q '"reference_to": "2026-01-02T00:00:00Z"' "$WORK/ov/product.json" || fail "product.json lacks the reference period"
# train-to past the data's end: it trains on everything, and says so.
mp 2 novelty --archive "$A" --mission SYN1 --params 'POWER_*' --period 1h --epochs 20 --train-to 2026-02-01 \
  --output "$WORK/past" --quiet > /dev/null 2> "$WORK/past.err"
grep -q "warning: novelty: train-to (2026-02-01T00:00:00Z) lies past the end of the data" "$WORK/past.err" \
  || fail "no train-to warning: $(cat "$WORK/past.err")"
grep -q '"train_to_past_data": true' "$WORK/past/product.json" || fail "product.json lacks train_to_past_data"
# Scoring only new data with the saved models: no overlap, no warning, no flag.
mp 2 novelty --archive "$A" --mission SYN1 --params 'POWER_*' --model "$WORK/ov/models" --from 2026-01-02 \
  --output "$WORK/new" --quiet > /dev/null 2> "$WORK/new.err"
! grep -q "overlaps" "$WORK/new.err" || fail "scoring unseen data warned: $(cat "$WORK/new.err")"
! grep -q "scored_overlaps_reference" "$WORK/new/product.json" || fail "scoring unseen data flagged an overlap"
# ... but with the saved models over their own reference period it warns.
mp 2 novelty --archive "$A" --mission SYN1 --params 'POWER_*' --model "$WORK/ov/models" \
  --output "$WORK/again" --quiet > /dev/null 2> "$WORK/again.err"
grep -q "overlaps the reference period \[2026-01-01T00:00:00Z, 2026-01-02T00:00:00Z)" "$WORK/again.err" \
  || fail "saved models over their reference period: no warning: $(cat "$WORK/again.err")"
pass "overlap of the scored range and the reference period, and train-to past the data: warned and recorded"

# A saved model refuses settings it was not trained with; left out, it takes its own.
saved=(novelty --archive "$A" --mission SYN1 --params 'POWER_*' --model "$WORK/ov/models" --output "$WORK/bad")
expect_fail 2 "key 'novelty.period': the saved model .*POWER.pt was trained with period = 1h, not 10min" mp 2 "${saved[@]}" --period 10min
expect_fail 2 "key 'params': the saved model .*POWER.pt was trained on other parameters" \
  tm novelty --archive "$A" --mission SYN1 --params 'POWER_BUS_*' --model "$WORK/ov/models" --output "$WORK/bad"
expect_fail 2 "key 'novelty.threshold': the saved model .*was trained with threshold = pot:0.001000, not sigma:3" \
  tm "${saved[@]}" --threshold sigma:3
[ ! -e "$WORK/bad/detections.csv" ] || fail "a refused job wrote outputs"
mp 2 novelty --archive "$A" --mission SYN1 --params 'POWER_*' --period 1h --model "$WORK/ov/models" \
  --output "$WORK/same" --quiet > /dev/null 2>&1
cmp -s "$WORK/ov/detections.csv" "$WORK/same/detections.csv" || fail "saved model with its own period scores differently"
cmp -s "$WORK/ov/detections.csv" "$WORK/again/detections.csv" || fail "saved model with the period left out scores differently"
# A window model: its kind, grid and window come from the files; others are refused.
mp 2 novelty --archive "$A" --mission SYN1 --params 'POWER_*' --model window --grid 5min --window 6 --group parameter \
  --epochs 10 --train-to 2026-01-02 --output "$WORK/win" --quiet > /dev/null 2>&1
mp 2 novelty --archive "$A" --mission SYN1 --params 'POWER_*' --model "$WORK/win/models" --group parameter \
  --output "$WORK/win-again" --quiet > /dev/null 2>&1
cmp -s "$WORK/win/detections.csv" "$WORK/win-again/detections.csv" || fail "a saved window model scores differently"
win=(novelty --archive "$A" --mission SYN1 --params 'POWER_*' --group parameter --model "$WORK/win/models" --output "$WORK/bad")
expect_fail 2 "key 'novelty.grid': the saved model .*was trained with grid = 5min, not 1min" tm "${win[@]}" --grid 1min
expect_fail 2 "key 'novelty.window': the saved model .*was trained with window = 6, not 12" tm "${win[@]}" --window 12
pass "a saved model refuses another period, grid, window, parameters or threshold, and takes its own when left out"
