"""Peer of bench/forest_bench.cpp: scikit-learn's RandomForestRegressor on the same rows, with the
same forest: 100 trees, depth 8, each tree on a 0.632 share of the rows, a third of the columns
considered at each split, 2 threads. Usage: forest_sklearn.py DIR ROWS COLS REPS. Prints JSON."""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestRegressor

d, rows, cols, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = np.fromfile(f"{d}/forest-x.f32", dtype=np.float32).reshape(rows, cols)
y = np.fromfile(f"{d}/forest-y.f32", dtype=np.float32)
train = rows * 3 // 4
secs = []
for _ in range(reps):
    model = RandomForestRegressor(n_estimators=100, max_depth=8, max_samples=0.632, max_features=0.333,
                                  bootstrap=True, n_jobs=2, random_state=1)
    t0 = time.perf_counter()
    model.fit(x[:train], y[:train])
    secs.append(time.perf_counter() - t0)
secs.sort()
print(json.dumps({"sklearn_seconds": round(secs[len(secs) // 2], 3),
                  "sklearn_r2": round(float(model.score(x[train:], y[train:])), 4)}))
