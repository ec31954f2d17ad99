"""pandas peer of the stats job: reads every parameter of a telemine mission with h5py (plain
HDF5, as anyone would) and computes the same per-bucket aggregates with groupby.
Usage: /usr/bin/python3 stats_pandas.py ARCHIVE MISSION BUCKET_NS RUNS  -> one JSON line."""
import json
import statistics
import sys
import time

import h5py
import numpy as np
import pandas as pd


def job(archive, mission, bucket):
    with h5py.File(f"{archive}/{mission}/catalog.h5", "r") as cat:
        files = [f.decode() if isinstance(f, bytes) else f for f in cat["partitions/file"][:]]
    frames = []
    for f in files:
        with h5py.File(f"{archive}/{mission}/{f}", "r") as h:
            for i, name in enumerate(sorted(h["params"].keys())):
                g = h["params"][name]
                frames.append(pd.DataFrame({"param": i, "time": g["time"][:], "value": g["value"][:]}))
    df = pd.concat(frames, ignore_index=True)
    df["bucket_start"] = (df["time"] // bucket) * bucket
    df.sort_values(["param", "time"], inplace=True, kind="stable")
    grouped = df.groupby(["param", "bucket_start"], sort=True)["value"]
    out = grouped.agg(["count", "min", "max", "mean", "std", "first", "last", "size"])
    out["nan_count"] = out["size"] - out["count"]
    return len(df), len(out)


def main():
    archive, mission, bucket, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    times, samples, rows = [], 0, 0
    for _ in range(runs):
        t0 = time.perf_counter()
        samples, rows = job(archive, mission, bucket)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"seconds": statistics.median(times), "rows": rows, "samples": samples}))


main()
