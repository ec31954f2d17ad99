"""Peer of bench/pair_kernel_bench.cpp: joint counts of coded pairs with numpy (np.bincount on
joint codes) and the mutual information of scikit-learn (mutual_info_score), on the same codes.
Usage: pairs_numpy.py CODES_FILE N_POINTS N_SERIES. Prints JSON, G pair-samples/s per peer."""
import json
import sys
import time

import numpy as np

path, n, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
codes = np.fromfile(path, dtype=np.uint8).reshape(count, n)
pairs = count // 2


def numpy_counts(a, b):
    present = (a != 255) & (b != 255)
    joint = a[present].astype(np.uint16) * 16 + b[present]
    return np.bincount(joint, minlength=256)


def timed(fn, npairs, reps):
    best = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for p in range(npairs):
            fn(codes[2 * p], codes[2 * p + 1])
        best.append(time.perf_counter() - t0)
    best.sort()
    return n * npairs / best[len(best) // 2] / 1e9


out = {"numpy_bincount": timed(numpy_counts, pairs, 5)}
try:
    from sklearn.metrics import mutual_info_score

    def sklearn_mi(a, b):
        present = (a != 255) & (b != 255)
        return mutual_info_score(a[present], b[present])

    out["sklearn_mutual_info_score"] = timed(sklearn_mi, 4, 3)
except ImportError:
    out["sklearn_mutual_info_score"] = None
print(json.dumps(out))
