#!/usr/bin/env bash
# The speed layer's demo step: the generator's telemetry around its planted point anomalies,
# replayed through `telemine stream` at 100x real time into a new mission, with limits learnt
# from the nominal hours before each anomaly; the alerts come out as JSON lines.
# With MODELS (a novelty job's models folder) every parameter is replayed around the anomalies,
# whole 10-minute periods, and the models score each period as it completes.
# usage: scripts/demo_stream.sh TELEMINE ARCHIVE OUT [SPEEDUP] [MODELS]
set -euo pipefail
TM=$1 ARCHIVE=$2 OUT=$3 SPEEDUP=${4:-100} MODELS=${5:-}
mkdir -p "$OUT"
LIVE=SYN1-LIVE
rm -rf "${ARCHIVE:?}/$LIVE" "$OUT/live-replay.csv" "$OUT/alerts.jsonl"

# The point anomalies of SYN1, a window around each (15 min either side), and limits from the
# two hours before it (the nominal range, widened by a quarter of its width on each side).
/usr/bin/python3 - "$TM" "$ARCHIVE" "$OUT" "$MODELS" <<'PY' > "$OUT/live-limits.txt"
import datetime, json, subprocess, sys
tm, archive, out, models = sys.argv[1:5]
every = [l.split(",")[0] for l in subprocess.run([tm, "info", "--archive", archive, "--mission", "SYN1", "--format", "csv"],
                                                 capture_output=True, text=True, check=True).stdout.splitlines()[1:]]
period = datetime.timedelta(minutes=10)
floor = lambda t: t - (t - datetime.datetime(2000, 1, 1)) % period
truth = json.load(open(archive + "/truth.json"))
syn1 = next(m for m in truth["missions"] if m["mission"] == "SYN1")
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
parse = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
lines = []
for a in (a for a in syn1["anomalies"] if a["class"] == "point"):
    start, end = parse(a["start"]), parse(a["end"])
    get = lambda f, t: subprocess.run([tm, "get", "--archive", archive, "--mission", "SYN1", "--param", a["param"],
                                      "--from", iso(f), "--to", iso(t), "--format", "csv"],
                                     capture_output=True, text=True, check=True).stdout.splitlines()[1:]
    nominal = [float(l.split(",")[1]) for l in get(start - datetime.timedelta(hours=2), start - datetime.timedelta(minutes=15))]
    lo, hi = min(nominal), max(nominal)
    print(a["param"], lo - (hi - lo) / 4, hi + (hi - lo) / 4, a["start"], a["end"], a["description"])
    first, last = start - datetime.timedelta(minutes=15), end + datetime.timedelta(minutes=15)
    if models:
        first, last = floor(first), floor(last) + period
    for p in every if models else [a["param"]]:
        get = lambda f, t: subprocess.run([tm, "get", "--archive", archive, "--mission", "SYN1", "--param", p,
                                          "--from", iso(f), "--to", iso(t), "--format", "csv"],
                                         capture_output=True, text=True, check=True).stdout.splitlines()[1:]
        for l in get(first, last):
            t, v = l.split(",")
            lines.append((t, p, v))
lines.sort()
with open(out + "/live-replay.csv", "w") as f:
    f.write("time,param,value\n" + "".join("%s,%s,%s\n" % l for l in lines))
PY

: | "$TM" stream --archive "$ARCHIVE" --mission "$LIVE" --input - 2> /dev/null  # creates the mission
while read -r param lo hi start end description; do
  "$TM" limits set --archive "$ARCHIVE" --mission "$LIVE" --param "$param" --low "$lo" --high "$hi"
  echo "  planted: $param $start .. $end ($description); limits [$lo, $hi]"
done < "$OUT/live-limits.txt"

# Replay at SPEEDUP x real time (the samples' own spacing), then the end of input.
/usr/bin/python3 - "$OUT/live-replay.csv" "$SPEEDUP" <<'PY' |
import datetime, sys, time
rows = open(sys.argv[1]).read().splitlines()
speedup = float(sys.argv[2])
sys.stdout.write(rows[0] + "\n")
parse = lambda s: datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
t0, w0 = None, time.time()
for r in rows[1:]:
    t = parse(r)
    t0 = t0 or t
    lag = (t - t0).total_seconds() / speedup - (time.time() - w0)
    if lag > 0.01:
        sys.stdout.flush()
        time.sleep(lag)
    sys.stdout.write(r + "\n")
PY
  "$TM" stream --archive "$ARCHIVE" --mission "$LIVE" --input - --flush 200ms --alerts "$OUT/alerts.jsonl" \
    ${MODELS:+--models "$MODELS"} > /dev/null 2> "$OUT/live-stream.log"
sed 's/^/  /' "$OUT/live-stream.log"
echo "  alerts ($OUT/alerts.jsonl):"
sed 's/^/    /' "$OUT/alerts.jsonl"
