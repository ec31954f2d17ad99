#!/usr/bin/env bash
# README "Outputs people open": the h5py/pandas recipe runs as written (/usr/bin/python3 with
# python3-h5py and python3-pandas) on the outputs of the README's own examples, and what it reads
# is what the job wrote: the HDF5 columns equal the CSV read with float_precision="round_trip",
# bit for bit.
source "$(dirname "$0")/lib.sh"
README="$TELEMINE_SOURCE_DIR/README.md"
JOBS="$TELEMINE_SOURCE_DIR/jobfiles"
/usr/bin/python3 -c 'import h5py, pandas' 2>/dev/null || fail "python3-h5py and python3-pandas are needed (scripts/install-deps.sh)"
cd "$WORK"

# The README's examples, smaller: the same paths, fewer parameters and epochs.
tm generate --archive data/archive --mission-count 2 --params 20 --days 3 --rate 60s --seed 42 --quiet > /dev/null
mp 2 run "$JOBS/stats-hourly.ini" --archive data/archive --output results/hourly --quiet > /dev/null
tm run "$JOBS/dependency-all.ini" --archive data/archive --output results/deps --dependency.grid=10min \
  --dependency.max-lag=20min --dependency.lag-step=10min --quiet > /dev/null
tm run "$JOBS/novelty-subsystems.ini" --archive data/archive --output results/novelty --novelty.epochs=5 --quiet > /dev/null

# The README's block, verbatim, then checks on what it read.
awk '/^## Outputs people open/ {on = 1} on && /^```python/ {code = 1; next} code && /^```/ {exit} code' "$README" > recipe.py
[ "$(wc -l < recipe.py)" -gt 10 ] || fail "no python block under 'Outputs people open' in README.md"
cat recipe.py - > check.py <<'EOF'

import math, numpy as np
assert len(stats) == len(csv) > 0, (len(stats), len(csv))
assert list(stats.param[:3]) == list(csv.param[:3]), (stats.param[:3], csv.param[:3])
for col in ("min", "max", "mean", "std", "first", "last"):
    a, b = stats[col].to_numpy(), csv[col].to_numpy()
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    assert same.all(), f"{col}: HDF5 and round-trip CSV differ at {np.flatnonzero(~same)[:3]}"
assert (pd.to_datetime(stats.bucket_start, utc=True) == csv.bucket_start).all()
assert nmi.shape[0] == nmi.shape[1] > 1 and "POWER_BUS_I" in nmi.index, nmi.index[:3]
assert len(scores) > 0 and scores.param.str.len().min() > 0
assert len(bus) > 0 and str(bus.index[0]).startswith("2026-01-02")
print("recipe ok:", len(stats), "stats rows,", nmi.shape, "nmi,", len(scores), "scores,", len(bus), "samples")
EOF
/usr/bin/python3 check.py || fail "the README's recipe does not run or reads other values"
pass "README 'Outputs people open' recipe"

# Without round_trip pandas may lose the last bit: the README says so because it matters.
/usr/bin/python3 - <<'EOF' || fail "round_trip check"
import pandas as pd
exact = pd.read_csv("results/hourly/stats.csv", float_precision="round_trip")
raw = [float(line.split(",")[7]) for line in open("results/hourly/stats.csv").read().splitlines()[1:]]
assert all(a == b or (a != a and b != b) for a, b in zip(exact["mean"], raw))
EOF
pass "round_trip gives the exact values"
