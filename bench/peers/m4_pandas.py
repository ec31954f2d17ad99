"""Peer of the serve M4 benchmark: one parameter's samples over a range read from the archive's
partitions with h5py into pandas, then decimated for a plot of WIDTH pixels the way a notebook
would (groupby pixel column: first, last, min, max). Prints the median of RUNS runs in ms.
   python3 m4_pandas.py ARCHIVE MISSION PARAM WIDTH RUNS"""
import glob, statistics, sys, time

import h5py
import numpy as np
import pandas as pd

archive, mission, param, width, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])


def once():
    times, values = [], []
    for f in sorted(glob.glob(f"{archive}/{mission}/*/*/*.h5")):
        with h5py.File(f, "r") as h:
            g = h[f"params/{param}"]
            times.append(g["time"][:])
            values.append(g["value"][:])
    df = pd.DataFrame({"time": np.concatenate(times), "value": np.concatenate(values)})
    t0, t1 = df.time.iloc[0], df.time.iloc[-1] + 1
    df["col"] = ((df.time - t0) / (t1 - t0) * width).astype(np.int64)
    g = df.dropna().groupby("col")
    rows = np.unique(np.concatenate([g.head(1).index, g.tail(1).index, g.value.idxmin().values, g.value.idxmax().values]))
    return len(df), len(rows)


ms = []
for _ in range(runs):
    start = time.perf_counter()
    n, points = once()
    ms.append((time.perf_counter() - start) * 1000)
print(f"pandas: {n} samples -> {points} points, median of {runs}: {statistics.median(ms):.0f} ms (runs: {', '.join(f'{x:.0f}' for x in ms)})")
