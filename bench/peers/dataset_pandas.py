#!/usr/bin/python3
"""Peer of `telemine dataset export` (bench/dataset_export.sh): what ESA-ADB's preprocessing
does with pandas, on the same archive: read every parameter's samples (h5py), hold the last
value on the grid (reindex, ffill), flag the labelled intervals per channel, keep the labelled
samples a bin would lose (ESA-ADB's restoration, vectorised), write one wide CSV per split. Usage: dataset_pandas.py ARCHIVE MISSION GRID_SECONDS OUT SPLIT_FROM SPLIT_TO"""
import glob, os, sys

import h5py
import numpy as np
import pandas as pd

archive, mission, grid_s, out, t0, t1 = sys.argv[1:7]
files = sorted(glob.glob(os.path.join(archive, mission, "*", "*", "*.h5")))
with h5py.File(os.path.join(archive, mission, "catalog.h5"), "r") as c:
    names = [n.decode() for n in c["parameters/name"][:]]
    ev = c["events"]
    events = list(zip([p.decode() for p in ev["param"][:]], ev["start"][:], ev["end"][:], [k.decode() for k in ev["kind"][:]]))
parts = {n: ([], []) for n in names}
for f in files:
    with h5py.File(f, "r") as h:
        for n in names:
            if n in h["params"]:
                parts[n][0].append(h["params"][n]["time"][:])
                parts[n][1].append(h["params"][n]["value"][:])
grid = pd.date_range(pd.Timestamp(t0), pd.Timestamp(t1), freq=f"{grid_s}s", inclusive="left")
cols = {}
for n in names:
    t = np.concatenate(parts[n][0]) if parts[n][0] else np.array([], dtype=np.int64)
    v = np.concatenate(parts[n][1]) if parts[n][1] else np.array([])
    s = pd.Series(v, index=pd.to_datetime(t, utc=False))
    cols[n] = s.reindex(s.index.union(grid)).ffill().reindex(grid)
ns = grid.asi8
grid_ns = int(grid_s) * 1_000_000_000
flags = {}
for n in names:
    flag = np.zeros(len(grid), dtype=np.int8)
    labels = [(a, b) for p, a, b, k in events if p == n and k in ("anomaly", "rare-nominal")]
    for a, b in labels:
        flag[(ns >= a) & (ns <= b)] = 1
    if labels:
        # ESA-ADB's "restore annotated samples if not present in the resampled series", grouped
        # with pandas instead of its Python loop over every bin: a bin [t - grid, t) with more
        # than one sample, the last one nominal and some labelled gives row t its last labelled.
        t = np.concatenate(parts[n][0]) if parts[n][0] else np.array([], dtype=np.int64)
        v = np.concatenate(parts[n][1]) if parts[n][1] else np.array([])
        lab = np.zeros(len(t), dtype=bool)
        for a, b in labels:
            lab |= (t >= a) & (t <= b)
        row = (t - ns[0]) // grid_ns + 1
        s = pd.DataFrame({"row": row, "lab": lab, "v": v})
        g = s.groupby("row")
        ok = (g.size() > 1) & ~g["lab"].last() & g["lab"].any()
        last_lab = s[s["lab"]].groupby("row")["v"].last()
        rows = ok[ok].index.intersection(last_lab.index)
        rows = rows[(rows >= 0) & (rows < len(grid))]
        cols[n].iloc[rows.to_numpy()] = last_lab.loc[rows].to_numpy()
        flag[rows.to_numpy()] = 1
    flags["is_anomaly_" + n] = flag
df = pd.DataFrame(cols, index=grid)
df = pd.concat([df, pd.DataFrame(flags, index=grid)], axis=1)
df.index.name = "timestamp"
os.makedirs(out, exist_ok=True)
df.to_csv(os.path.join(out, "split.csv"))
