#!/usr/bin/env bash
# telemine serve over a mission being streamed into: samples acknowledged by the stream are in
# the server's answers (raw, decimated, the values at a time, the parameter list) before any
# compaction, a resent sample replaces the stored one, and the answers are the same after the
# compaction moves the samples into partitions: no gap, no duplicate.
source "$(dirname "$0")/lib.sh"
A="$WORK/a"
/usr/bin/python3 - "$WORK" <<'PY'
import sys
w = sys.argv[1]
base = 1767225600  # 2026-01-01
with open(w + "/day1.csv", "w") as f:  # stored: a day of X and Y, once a minute
    f.write("time,param,value\n")
    for i in range(1440):
        f.write("%d000000000,X,%d\n%d000000000,Y,%g\n" % (base + 60 * i, i, base + 60 * i, i / 2))
with open(w + "/live.csv", "w") as f:  # streamed: the next half day of X, a new Z, one X resent
    for i in range(720):
        f.write("%d000000000,X,%d\n" % (base + 86400 + 60 * i, 10000 + i))
        f.write("%d000000000,Z,%d\n" % (base + 86400 + 60 * i, -i))
    f.write("%d000000000,X,-5\n" % (base + 600))  # 2026-01-01T00:10: resent, another value
PY
tm ingest --archive "$A" --mission LIVE --format csv-long --input "$WORK/day1.csv" --quiet > /dev/null

"$TELEMINE" serve --port 0 --archive "$A" > "$WORK/serve.out" 2> "$WORK/serve.log" &
spid=$!
trap 'kill $spid ${tpid:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do grep -q '^serving http' "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's|^serving \(http://[^/]*\)/.*|\1|p' "$WORK/serve.out")
[ -n "$URL" ] || fail "serve did not start: $(cat "$WORK/serve.log")"
get() { curl -sS -f "$URL$1"; }
X="/api/missions/LIVE/parameters/X/samples?from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z"
get "$X" > /dev/null  # the server has read the mission before the stream starts

# The stream stays open (a FIFO) until the checks are done: nothing is compacted meanwhile.
mkfifo "$WORK/in"
"$TELEMINE" stream --archive "$A" --mission LIVE --input - --flush 100ms --lateness 3d --compact-every 1h \
  < "$WORK/in" > "$WORK/acks" 2> "$WORK/stream.err" &
tpid=$!
exec 3> "$WORK/in"
cat "$WORK/live.csv" >&3
for _ in $(seq 100); do [ "$(tail -1 "$WORK/acks" 2>/dev/null)" = "ack 1441" ] && break; sleep 0.1; done
[ "$(tail -1 "$WORK/acks")" = "ack 1441" ] || fail "not acknowledged: $(cat "$WORK/acks" "$WORK/stream.err")"
[ ! -e "$A/LIVE/2026/01/LIVE_2026-01-02.h5" ] || fail "compacted too early"

get "$X" > "$WORK/live-x.json"
n=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["t"]))' "$WORK/live-x.json" 2> /dev/null \
  || grep -o '"count":[0-9]*' "$WORK/live-x.json")
/usr/bin/python3 - "$WORK/live-x.json" <<'PY' || fail "raw samples of X with the live ones: $(head -c 300 "$WORK/live-x.json")"
import json, sys
d = json.load(open(sys.argv[1]))
t, v = d["t"], d["v"]
assert len(t) == 1440 + 720, len(t)                  # the stored day and the live half day, once each
assert t == sorted(t) and len(set(t)) == len(t)
assert v[10] == -5, v[10]                            # the resent sample replaces the stored one
assert v[1440] == 10000 and v[-1] == 10719, (v[1440], v[-1])
PY
pass "raw samples: the stored day and the live half day, a resent sample replacing the stored one"

get "/api/missions/LIVE/parameters" | grep -q '"name":"Z"' || fail "Z, only in the live segment, is not listed"
get "/api/missions/LIVE/parameters/X/samples?points=100" > "$WORK/dec.json"
grep -q '"samples":2160' "$WORK/dec.json" || fail "decimated over everything: $(head -c 300 "$WORK/dec.json")"
get "/api/missions/LIVE/values?at=2026-01-03T00:00:00Z&params=X,Y,Z" > "$WORK/values.json"
grep -q '"param":"X","time":"2026-01-02T11:59:00Z","unit":"[^"]*","value":10719' "$WORK/values.json" \
  || grep -q '"param":"X".*"time":"2026-01-02T11:59:00Z".*"value":10719' "$WORK/values.json" \
  || fail "values at a time: $(cat "$WORK/values.json")"
get "/api/missions" | grep -q '"live_samples":1441' || fail "missions: $(get /api/missions)"
pass "decimated, values at a time, the parameter list and the mission summary see the live samples"
tm get --archive "$A" --mission LIVE --param X --from 2026-01-01 --to 2026-01-03 --format csv | tail -n +2 | wc -l \
  | grep -qx 2160 || fail "get disagrees with the server"

# End of input: compacted into partitions. The same answers, from the partitions alone.
exec 3>&-
wait $tpid || fail "stream exited $?: $(cat "$WORK/stream.err")"
tpid=
[ -z "$(ls "$A/LIVE/live/")" ] || fail "segments left: $(ls "$A/LIVE/live")"
get "$X" > "$WORK/after-x.json"
cmp -s "$WORK/live-x.json" "$WORK/after-x.json" || fail "the answer changed across the compaction"
get "/api/missions/LIVE/parameters/X/samples?points=100" | cmp -s - "$WORK/dec.json" || fail "decimated answer changed across the compaction"
pass "the same answers after the compaction: no gap, no duplicate"
