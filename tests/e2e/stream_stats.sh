#!/usr/bin/env bash
# A stats job over a mission being streamed into: the samples the stream has acknowledged and
# not yet compacted are counted, merged with the partitions as ingest merges (a resent sample
# replaces the stored one), and a day only the live segment holds is read too. Its outputs equal
# those of the same job on a batch ingest of every sample, at 1, 2 and 3 ranks, before and
# after the compaction. A parameter that only the live segment holds so far is selected too.
source "$(dirname "$0")/lib.sh"
A="$WORK/a"
/usr/bin/python3 - "$WORK" <<'PY'
import random, sys
w = sys.argv[1]
random.seed(3)
base = 1767225600  # 2026-01-01
with open(w + "/stored.csv", "w") as f:  # two days of X and Y, every 30 s
    f.write("time,param,value\n")
    for i in range(2 * 2880):
        for p in "XY":
            f.write("%d000000000,%s,%.6g\n" % (base + 30 * i, p, random.gauss(0, 1)))
with open(w + "/live.csv", "w") as f:  # a third day of X, three X of day 1 sent again, a new Z
    for i in range(2880):
        f.write("%d000000000,X,%.6g\n" % (base + 2 * 86400 + 30 * i, random.gauss(5, 1)))
    for i in (0, 100, 2000):
        f.write("%d000000000,X,%d\n" % (base + 30 * i, 1000 + i))
    for i in range(0, 3 * 2880, 360):  # every 3 h of the three days: only the segment has Z
        f.write("%d000000000,Z,%d\n" % (base + 30 * i, i))
PY
tm ingest --archive "$A" --mission LIVE --format csv-long --input "$WORK/stored.csv" --quiet > /dev/null
# The reference: a batch ingest of every sample, in the order they came.
tm ingest --archive "$WORK/b" --mission LIVE --format csv-long --input "$WORK/stored.csv" --quiet > /dev/null
(echo "time,param,value" && cat "$WORK/live.csv") > "$WORK/live-h.csv"
tm ingest --archive "$WORK/b" --mission LIVE --format csv-long --input "$WORK/live-h.csv" --quiet > /dev/null
stats() { mp "$1" stats --archive "$2" --mission LIVE --bucket 7min --output "$3" --quiet > /dev/null; }
stats 1 "$WORK/b" "$WORK/want"

mkfifo "$WORK/in"
"$TELEMINE" stream --archive "$A" --mission LIVE --input - --flush 100ms --lateness 5d --compact-every 1h \
  < "$WORK/in" > "$WORK/acks" 2> "$WORK/stream.err" &
tpid=$!
trap 'kill ${tpid:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
exec 3> "$WORK/in"
cat "$WORK/live.csv" >&3
for _ in $(seq 100); do [ "$(tail -1 "$WORK/acks" 2>/dev/null)" = "ack 2907" ] && break; sleep 0.1; done
[ "$(tail -1 "$WORK/acks")" = "ack 2907" ] || fail "not acknowledged: $(cat "$WORK/acks" "$WORK/stream.err")"
[ ! -e "$A/LIVE/2026/01/LIVE_2026-01-03.h5" ] || fail "compacted too early"

for np in 1 2 3; do
  stats "$np" "$A" "$WORK/live$np"
  cmp -s "$WORK/want/stats.csv" "$WORK/live$np/stats.csv" \
    || fail "$np ranks: stats with the live samples differ from a batch ingest's: $(diff "$WORK/want/stats.csv" "$WORK/live$np/stats.csv" | head -5)"
done
[ "$(grep -c '^LIVE,Z,' "$WORK/live1/stats.csv")" -eq 24 ] || fail "the live-only parameter Z: $(grep -c '^LIVE,Z,' "$WORK/live1/stats.csv")"
mp 2 stats --archive "$A" --mission LIVE --params 'Z' --bucket 1d --output "$WORK/z" --quiet > /dev/null \
  || fail "--params Z, only in the live segment"
[ "$(grep -c '^LIVE,Z,' "$WORK/z/stats.csv")" -eq 3 ] || fail "--params Z: $(cat "$WORK/z/stats.csv")"
pass "stats over partitions and the live segment equal a batch ingest's, at 1, 2 and 3 ranks"
# A range only the live segment holds: not "nothing overlaps".
mp 2 stats --archive "$A" --mission LIVE --bucket 1h --from 2026-01-03 --to 2026-01-04 --output "$WORK/today" --quiet > /dev/null
[ "$(grep -c '^LIVE,X,' "$WORK/today/stats.csv")" -eq 24 ] || fail "the live day alone: $(head -3 "$WORK/today/stats.csv")"
pass "a range that only the live segment holds"

exec 3>&-
wait $tpid || fail "stream exited $?: $(cat "$WORK/stream.err")"
tpid=
stats 2 "$A" "$WORK/after"
cmp -s "$WORK/want/stats.csv" "$WORK/after/stats.csv" || fail "stats after the compaction differ"
pass "the same after the compaction"

# Statistics kept by the stream itself as samples arrive (--stats): each bucket written once
# complete, with the figures a stats job over the archive gives (to rounding), whatever the
# arrival order within the lateness.
/usr/bin/python3 - "$WORK/live.csv" "$WORK/day3.csv" <<'PY'
import sys
rows = [l for l in open(sys.argv[1]) if l.split(",")[0] >= "1767398400000000000"]  # day 3, no resent sample
for i in range(0, len(rows) - 1, 7):
    rows[i], rows[i + 1] = rows[i + 1], rows[i]  # out of order, 30 s apart
open(sys.argv[2], "w").write("".join(rows))
PY
tm stream --archive "$A" --mission LIVE2 --input - --stats "$WORK/live-stats.jsonl" --stats-bucket 7min \
  < "$WORK/day3.csv" > /dev/null 2> "$WORK/stream2.err" || fail "stream --stats: $(cat "$WORK/stream2.err")"
mp 1 stats --archive "$A" --mission LIVE2 --bucket 7min --output "$WORK/s2" --quiet > /dev/null
/usr/bin/python3 - "$WORK/live-stats.jsonl" "$WORK/s2/stats.csv" <<'PY' || fail "--stats differ from the stats job"
import csv, json, math, sys
live = {(r["param"], r["bucket_start"]): r for r in map(json.loads, open(sys.argv[1]))}
batch = {(r["param"], r["bucket_start"]): r for r in csv.DictReader(open(sys.argv[2]))}
assert live.keys() == batch.keys(), (len(live), len(batch), sorted(set(live) ^ set(batch))[:3])
for k, b in batch.items():
    l = live[k]
    assert int(b["count"]) == l["count"] and int(b["nan_count"]) == l["nan_count"], (k, b, l)
    for f in ("min", "max", "first", "last"):
        assert float(b[f]) == l[f], (k, f, b[f], l[f])
    for f in ("mean", "std"):
        if b[f] in ("", "nan"):
            assert l[f] is None, (k, f, l[f])
        else:
            assert math.isclose(float(b[f]), l[f], rel_tol=1e-9, abs_tol=1e-12), (k, f, b[f], l[f])
print(len(live), "buckets")
PY
grep -q "$(wc -l < "$WORK/live-stats.jsonl") buckets of statistics" "$WORK/stream2.err" || fail "summary: $(cat "$WORK/stream2.err")"
pass "--stats: every bucket as the stats job gives it, written as it completed"
