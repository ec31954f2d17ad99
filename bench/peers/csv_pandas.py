"""pandas peer of csv-long ingest: parse the same file (ISO-8601 times, param, value) into
typed columns. Usage: /usr/bin/python3 csv_pandas.py FILE RUNS -> one JSON line."""
import json
import statistics
import sys
import time

import pandas as pd

path, runs = sys.argv[1], int(sys.argv[2])
times, rows = [], 0
for _ in range(runs):
    t0 = time.perf_counter()
    df = pd.read_csv(path, dtype={"param": "category", "value": "float64"})
    df["time"] = pd.to_datetime(df["time"], format="%Y-%m-%dT%H:%M:%S.%fZ", utc=True)
    rows = len(df)
    times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": statistics.median(times), "rows": rows}))
