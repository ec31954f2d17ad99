#!/usr/bin/python3
"""Builds a validation set, in the telemanom layout, from the train split alone.

Usage: telemanom_validation.py IN OUT [--seed N] [--holdout F] [--margin R]

IN is a telemanom folder (train/, test/, labeled_anomalies.csv: NASA SMAP or MSL). For each
channel, OUT/train/ gets the first (1 - F) of its train rows and OUT/test/ the last F, with one
synthetic anomaly injected into column 0; OUT/labeled_anomalies.csv lists the injections. The
test split of IN and its labels are never read, so settings chosen on OUT are not tuned on the
test labels: ingest OUT with `telemine ingest --format telemanom` and compare job settings
with `telemine evaluate`, as scripts/select_novelty.sh does.

The anomaly kinds are the generic ones of the literature, not shaped after SMAP's labels:
a spike of 1-3 rows (point), and over 50-200 rows a level shift, a stuck value, a noise burst
or a drift (contextual). Sizes are multiples of the channel's spread on its train rows (with a
floor for constant channels), values stay within [-1, 1] as in the scaled data, and a kind
that would change nothing (a stuck value on a constant stretch) is not drawn. An anomaly starts
at least R rows into the held-out rows (--margin, default 30, at most a quarter of them): a
forecaster reads `history` rows before its first forecast, which a real test split of 8,000
rows can spare and a held-out third of 950 cannot.
"""
import argparse
import os
import sys

import numpy as np


def spread(x):
    """The channel's scale: its standard deviation, floored so constant channels get a size."""
    return max(float(np.std(x)), 0.05)


def inject(x, rng, s, margin=30):
    """Injects one anomaly into x (a copy of column 0 of the held-out rows); returns its
    kind, class and inclusive row range."""
    n = len(x)
    kinds = ["spike", "shift", "stuck", "noise", "drift"]
    while True:
        kind = kinds[rng.integers(len(kinds))]
        length = int(rng.integers(1, 4)) if kind == "spike" else int(rng.integers(50, 201))
        length = min(length, n // 2)
        # Keep clear of both ends: a window model needs context on either side, a forecaster
        # its history before.
        lo = min(margin, n // 4)
        hi = max(lo + 1, n - length - min(30, n // 4))
        start = int(rng.integers(lo, hi))
        end = start + length - 1
        seg = x[start:end + 1]
        rng.random()  # once a random direction; still drawn so that a seed gives the same set
        # Spikes, shifts and drifts go toward the side with room, so that clipping to [-1, 1]
        # leaves them visible.
        toward = -1.0 if seg.mean() > 0 else 1.0
        if kind == "spike":
            new = seg + toward * rng.uniform(3, 6) * s
        elif kind == "shift":
            new = seg + toward * rng.uniform(1, 3) * s
        elif kind == "stuck":
            if np.ptp(seg) == 0:
                continue  # already flat here (or a constant channel): draw again
            new = np.full_like(seg, seg[0])
        elif kind == "noise":
            new = seg + rng.normal(0.0, rng.uniform(0.5, 1.0) * s, size=len(seg))
        else:  # drift
            new = seg + toward * rng.uniform(2, 4) * s * np.linspace(0.0, 1.0, len(seg))
        new = np.clip(new, -1.0, 1.0)
        if np.array_equal(new, seg):
            continue
        x[start:end + 1] = new
        return kind, ("point" if kind == "spike" else "contextual"), start, end


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--holdout", type=float, default=1 / 3, help="share of the train rows held out (default 1/3)")
    ap.add_argument("--margin", type=int, default=30, help="rows before an anomaly may start (default 30)")
    a = ap.parse_args()
    if not 0 < a.holdout < 1:
        sys.exit(f"{sys.argv[0]}: --holdout must be between 0 and 1, got {a.holdout}")
    train_dir = os.path.join(a.input, "train")
    if not os.path.isdir(train_dir):
        sys.exit(f"{sys.argv[0]}: {train_dir}: not a folder (expected the telemanom layout)")
    channels = sorted(f[:-4] for f in os.listdir(train_dir) if f.endswith(".npy"))
    if not channels:
        sys.exit(f"{sys.argv[0]}: {train_dir}: no .npy files")
    if os.path.exists(a.output):
        sys.exit(f"{sys.argv[0]}: {a.output} exists; give a new folder")
    # Written under a temporary name and renamed at the end: an interrupted run leaves no
    # half-made validation set behind.
    tmp = a.output + ".partial"
    for d in ("train", "test"):
        os.makedirs(os.path.join(tmp, d), exist_ok=True)
    rng = np.random.default_rng(a.seed)
    rows = []
    for chan in channels:
        path = os.path.join(train_dir, chan + ".npy")
        data = np.load(path)
        if data.ndim != 2 or data.shape[0] < 60:
            sys.exit(f"{sys.argv[0]}: {path}: expected at least 60 rows of a 2-d array, got shape {data.shape}")
        cut = int(round(data.shape[0] * (1 - a.holdout)))
        train, test = data[:cut].copy(), data[cut:].copy()
        kind, cls, start, end = inject(test[:, 0], rng, spread(train[:, 0]), a.margin)
        np.save(os.path.join(tmp, "train", chan + ".npy"), train)
        np.save(os.path.join(tmp, "test", chan + ".npy"), test)
        rows.append(f'{chan},VALIDATION,"[[{start}, {end}]]",[{cls}],{len(test)},{kind}')
    with open(os.path.join(tmp, "labeled_anomalies.csv"), "w") as f:
        f.write("chan_id,spacecraft,anomaly_sequences,class,num_values,injected\n")
        f.write("\n".join(rows) + "\n")
    os.rename(tmp, a.output)
    print(f"{a.output}: {len(channels)} channels, one injected anomaly each (seed {a.seed})")


if __name__ == "__main__":
    main()
