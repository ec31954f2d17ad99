#!/usr/bin/python3
"""Peer of `telemine dataset export` (bench/dataset_export.sh): what ESA-ADB's preprocessing
does with pandas, on the same archive: read every parameter's samples (h5py), hold the last
value on the grid (reindex, ffill), flag the labelled intervals per channel, write one wide
CSV per split. Usage: dataset_pandas.py ARCHIVE MISSION GRID_SECONDS OUT SPLIT_FROM SPLIT_TO"""
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
df = pd.DataFrame(cols, index=grid)
ns = grid.asi8
flags = {}
for n in names:
    flag = np.zeros(len(grid), dtype=np.int8)
    for p, a, b, k in events:
        if p == n and k in ("anomaly", "rare-nominal"):
            flag[(ns >= a) & (ns <= b)] = 1
    flags["is_anomaly_" + n] = flag
df = pd.concat([df, pd.DataFrame(flags, index=grid)], axis=1)
df.index.name = "timestamp"
os.makedirs(out, exist_ok=True)
df.to_csv(os.path.join(out, "split.csv"))
