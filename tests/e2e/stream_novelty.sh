#!/usr/bin/env bash
# Novelty scoring as data arrives: models trained overnight by a novelty job score each period
# of `telemine stream --models DIR` once it is complete; every novel period is a JSON line on
# --alerts and an `alert` event in the archive, with the score the batch novelty job gives that
# period with the same models; models the stream cannot score online are refused at start.
source "$(dirname "$0")/lib.sh"
A="$WORK/a"
mp 2 generate --archive "$A" --mission-count 1 --params 24 --days 7 --rate 30s --seed 9 --quiet > /dev/null
# Groups by name (as lists), so that the models fit a mission that streaming creates, whose
# parameters have names only.
LISTS='AOCS_*, COMMS_*; DEP_*; IND_*; PAYLOAD_*, POWER_*; THERM_*'
mp 2 novelty --archive "$A" --mission SYN1 --period 10min --group "$LISTS" --epochs 30 --threshold pot:0.001 \
  --train-to 2026-01-05 --to 2026-01-05 --output "$WORK/trained" --quiet > /dev/null 2>&1
M="$WORK/trained/models"

# Days 5 and 6 of SYN1 (a planted anomaly in them), as csv-long lines in time order.
tm info --archive "$A" --mission SYN1 --format csv | tail -n +2 | cut -d, -f1,4 > "$WORK/params.csv"
while IFS=, read -r p _; do
  tm get --archive "$A" --mission SYN1 --param "$p" --from 2026-01-05 --to 2026-01-07 --format csv | tail -n +2 | sed "s/,/,$p,/"
done < "$WORK/params.csv" | sort > "$WORK/body.csv"
(echo "time,param,value" && cat "$WORK/body.csv") > "$WORK/replay.csv"

# Into a new mission, periods closing as the samples come (10 min, lateness 5 min).
tm stream --archive "$A" --mission LIVE --input - --models "$M" --alerts "$WORK/alerts.jsonl" \
  < "$WORK/replay.csv" > /dev/null 2> "$WORK/stream.err" || fail "stream: $(cat "$WORK/stream.err")"
n=$(wc -l < "$WORK/alerts.jsonl")
[ "$n" -gt 0 ] || fail "no novelty alert: $(cat "$WORK/stream.err")"
grep -q "$n novel periods" "$WORK/stream.err" || fail "summary: $(cat "$WORK/stream.err")"
[ "$(tm info --archive "$A" --mission LIVE | grep -c '^alert .*novelty: model')" -eq "$n" ] || fail "alert events in the archive"
pass "$n novel periods alerted as JSON lines and archive events"

# The batch job with the same models over the same days: the same periods, the same scores.
mp 2 novelty --archive "$A" --mission LIVE --model "$M" --group "$LISTS" --output "$WORK/batch" --quiet > /dev/null 2>&1 \
  || fail "batch novelty with the models"
/usr/bin/python3 - "$WORK/batch/scores.h5" "$WORK/alerts.jsonl" "$LISTS" <<'PY' || fail "stream and batch disagree"
import datetime, fnmatch, json, sys
import h5py
scores, alerts, lists = sys.argv[1:]
lists = [[p.strip() for p in g.split(",")] for g in lists.split(";")]
def group_of(name):
    return next("group%d" % (i + 1) for i, g in enumerate(lists) if any(fnmatch.fnmatchcase(name, p) for p in g))
group = {}
f = h5py.File(scores)
names = [n.decode() if isinstance(n, bytes) else n for n in f["params"][()]]
group = {n: group_of(n) for n in names}
s = f["scores"]
best = {}
for p, start, score in zip(s["param"][()], s["start"][()], s["score"][()]):
    key = (group[names[p]], int(start))
    best[key] = max(best.get(key, 0.0), float(score))
batch = {k: v for k, v in best.items() if v > 1}
ns = lambda t: int(datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()) * 10**9
live = {(a["model"], ns(a["start"])): a["score"] for a in map(json.loads, open(alerts))}
assert set(live) == set(batch), (sorted(set(live) ^ set(batch))[:5], len(live), len(batch))
for k, v in live.items():
    assert abs(v - batch[k]) <= 1e-6 * max(1.0, abs(v)), (k, v, batch[k])
print(f"{len(live)} novel periods, the same in both")
PY
pass "the batch novelty job with the same models finds the same novel periods with the same scores"

# What the stream cannot score online is refused when it starts, naming the file.
mp 2 novelty --archive "$A" --mission SYN1 --period 10min --group "$LISTS" --epochs 5 --threshold ndt:0.13 \
  --train-to 2026-01-05 --to 2026-01-05 --output "$WORK/ndt" --quiet > /dev/null 2>&1
expect_fail 2 "threshold ndt" tm stream --archive "$A" --mission LIVE2 --input - --models "$WORK/ndt/models" < /dev/null
expect_fail 2 "is not a folder" tm stream --archive "$A" --mission LIVE2 --input - --models "$WORK/nowhere" < /dev/null
pass "models that need the whole series, and a missing folder, refused at start"
