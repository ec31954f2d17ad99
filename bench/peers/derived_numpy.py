"""Peer of bench/derived_eval_bench.cpp: the same expression (A * B + C) over the same arrays with
numpy, in P processes at once as telemine runs P ranks. Two ways: the obvious `a * b + c` (numpy
allocates temporaries) and numpy at its best (ufuncs into a preallocated output), CHUNK samples at a
time as the telemine benchmark does. Usage: derived_numpy.py DIR N CHUNK P REPS. Prints JSON: M samples/s over all processes, the checksum."""
import json
import multiprocessing as mp
import sys
import time

import numpy as np


def work(args):
    path, n, chunk, reps, barrier = args
    a, b, c = np.fromfile(path, dtype=np.float64).reshape(3, n)
    out = np.empty(n)
    obvious, best = [], []
    starts = range(0, n, chunk)
    for _ in range(reps):
        barrier.wait()
        t0 = time.perf_counter()
        for s in starts:
            out[s:s + chunk] = a[s:s + chunk] * b[s:s + chunk] + c[s:s + chunk]
        obvious.append(time.perf_counter() - t0)
        barrier.wait()
        t0 = time.perf_counter()
        for s in starts:
            o = out[s:s + chunk]
            np.multiply(a[s:s + chunk], b[s:s + chunk], out=o)
            np.add(o, c[s:s + chunk], out=o)
        best.append(time.perf_counter() - t0)
    return obvious, best, float(out.sum())


def main():
    d, n, chunk, procs, reps = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    with mp.Manager() as m:
        barrier = m.Barrier(procs)
        with mp.Pool(procs) as pool:
            res = pool.map(work, [(f"{d}/derived-inputs-{r}.f64", n, chunk, reps, barrier) for r in range(procs)])
    # the slowest process of each round, then the median round
    obvious = sorted(max(r[0][i] for r in res) for i in range(reps))[reps // 2]
    best = sorted(max(r[1][i] for r in res) for i in range(reps))[reps // 2]
    total = n * procs
    print(json.dumps({"numpy_obvious_msps": round(total / obvious / 1e6, 1),
                      "numpy_best_msps": round(total / best / 1e6, 1),
                      "checksum": float(f"{sum(r[2] for r in res):.6e}")}))


if __name__ == "__main__":
    main()
