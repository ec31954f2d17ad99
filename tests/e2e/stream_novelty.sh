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
same_as_batch() {  # MISSION MODELS ALERTS [novelty options]: the batch job's novel rows are the alerts
  local mission=$1 models=$2 alerts=$3
  shift 3
  mp 2 novelty --archive "$A" --mission "$mission" --model "$models" --group "$LISTS" "$@" --output "$WORK/batch-$mission" \
    --quiet > /dev/null 2>&1 || fail "batch novelty with the models of $models"
  /usr/bin/python3 - "$WORK/batch-$mission/scores.h5" "$alerts" "$LISTS" <<'PY' || fail "stream and batch disagree ($models)"
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
    # float32 networks: one row at a time against the batch's many (another summation order)
    assert abs(v - batch[k]) <= 1e-5 * max(1.0, abs(v)), (k, v, batch[k])
print(f"{len(live)} novel rows, the same in both")
PY
}
same_as_batch LIVE "$M" "$WORK/alerts.jsonl"
pass "the batch novelty job with the same models finds the same novel periods with the same scores"

# Window models (rows of grid values, one every window): each row scored once complete, with
# the batch job's score; a state parameter's grid holds its last value from the day's start.
mp 2 novelty --archive "$A" --mission SYN1 --model window --grid 1min --window 20 --group "$LISTS" --epochs 30 \
  --threshold pot:0.01 --train-to 2026-01-05 --to 2026-01-05 --output "$WORK/win" --quiet > /dev/null 2>&1 || fail "window training"
tm stream --archive "$A" --mission LIVEW --input - --models "$WORK/win/models" --alerts "$WORK/walerts.jsonl" \
  < "$WORK/replay.csv" > /dev/null 2> "$WORK/wstream.err" || fail "stream, window models: $(cat "$WORK/wstream.err")"
[ -s "$WORK/walerts.jsonl" ] || fail "no window alert: $(cat "$WORK/wstream.err")"
same_as_batch LIVEW "$WORK/win/models" "$WORK/walerts.jsonl"
pass "window models: $(wc -l < "$WORK/walerts.jsonl") novel windows alerted, the same rows and scores as the batch job"
# Into a mission whose catalogue declares the state parameters (modes, on/off flags; the first
# four days generated again), their samples moved off the grid so that a grid step holds two
# values: a state parameter's grid holds its last value where a numeric one's takes the mean.
mp 2 generate --archive "$WORK/a2" --mission-count 1 --params 24 --days 4 --rate 30s --seed 9 --quiet > /dev/null
STATES=$(tm info --archive "$A" --mission SYN1 --format csv | awk -F, '$2 == "state" {printf "%s|", $1}')
/usr/bin/python3 - "$WORK/replay.csv" "$WORK/replay2.csv" "${STATES%|}" <<'PY'
import datetime, sys
src, dst, states = sys.argv[1], sys.argv[2], set(sys.argv[3].split("|"))
lines = open(src).read().splitlines()
out = [lines[0]]
for l in lines[1:]:
    out.append(l)
    t, p, v = l.split(",")
    if p in states:  # 20 s later, within the same grid step: another value
        later = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(seconds=20)
        out.append("%s,%s,%g" % (later.strftime("%Y-%m-%dT%H:%M:%SZ"), p, float(v) + 1))
body = sorted(out[1:], key=lambda l: l.split(",")[0])
open(dst, "w").write(out[0] + "\n" + "\n".join(body) + "\n")
PY
tm stream --archive "$WORK/a2" --mission SYN1 --input - --models "$WORK/win/models" --alerts "$WORK/salerts.jsonl" \
  < "$WORK/replay2.csv" > /dev/null 2> "$WORK/sstream.err" || fail "stream into SYN1: $(cat "$WORK/sstream.err")"
A="$WORK/a2" same_as_batch SYN1 "$WORK/win/models" "$WORK/salerts.jsonl" --from 2026-01-05 --to 2026-01-07
# The same samples into a new mission (every parameter numeric) score otherwise.
tm stream --archive "$A" --mission LIVEN --input - --models "$WORK/win/models" --alerts "$WORK/nalerts.jsonl" \
  < "$WORK/replay2.csv" > /dev/null 2>&1 || fail "stream into LIVEN"
! cmp -s <(cut -d, -f3- "$WORK/salerts.jsonl") <(cut -d, -f3- "$WORK/nalerts.jsonl") || fail "state parameters made no difference"
pass "window models over state parameters: the same rows and scores as the batch job"

# Forecast models (Hundman et al.'s LSTM, one row a grid step): each row scored once its
# grid step is complete, from the rows since its chunk's history, as the batch job's runs.
mp 2 novelty --archive "$A" --mission SYN1 --model forecast --grid 1min --history 30 --chunk 10 --hidden 8,8 --epochs 2 \
  --group "$LISTS" --threshold pot:0.01 --train-to 2026-01-05 --to 2026-01-05 --output "$WORK/fc" --quiet > /dev/null 2>&1 \
  || fail "forecast training"
tm stream --archive "$A" --mission LIVEF --input - --models "$WORK/fc/models" --alerts "$WORK/falerts.jsonl" \
  < "$WORK/replay.csv" > /dev/null 2> "$WORK/fstream.err" || fail "stream, forecast models: $(cat "$WORK/fstream.err")"
[ -s "$WORK/falerts.jsonl" ] || fail "no forecast alert: $(cat "$WORK/fstream.err")"
same_as_batch LIVEF "$WORK/fc/models" "$WORK/falerts.jsonl"
pass "forecast models: $(wc -l < "$WORK/falerts.jsonl") novel grid steps alerted, the same rows and scores as the batch job"

# What the stream cannot score online is refused when it starts, naming the file.
mp 2 novelty --archive "$A" --mission SYN1 --period 10min --group "$LISTS" --epochs 5 --threshold ndt:0.13 \
  --train-to 2026-01-05 --to 2026-01-05 --output "$WORK/ndt" --quiet > /dev/null 2>&1
expect_fail 2 "threshold ndt" tm stream --archive "$A" --mission LIVE2 --input - --models "$WORK/ndt/models" < /dev/null
expect_fail 2 "is not a folder" tm stream --archive "$A" --mission LIVE2 --input - --models "$WORK/nowhere" < /dev/null
pass "models that need the whole series, and a missing folder, refused at start"
