#!/usr/bin/env bash
# telemine stream over real TCP on loopback: several clients at once (one sending garbage, one
# dying mid-line), per-client acks and refusals with line numbers, out-of-order and duplicate
# samples, late samples refused, live reads before compaction, and after the stream ends an
# archive byte for byte equal to a batch ingest of the accepted lines.
source "$(dirname "$0")/lib.sh"
CLIENT="$(dirname "$0")/stream_client.py"

# Four clients' inputs over three days (disjoint parameters, so that arrival order across
# clients cannot matter) and, per client, the lines that must be accepted (good/*.csv).
/usr/bin/python3 - "$WORK" <<'PY'
import random, sys
work = sys.argv[1]
random.seed(7)
base = 1767225600 * 10**9  # 2026-01-01
import os
os.makedirs(work + "/good", exist_ok=True)
def iso(t):
    import datetime
    s, ns = divmod(t, 10**9)
    return datetime.datetime.utcfromtimestamp(s).strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % ns
for c, prefix in enumerate("ABCD"):
    lines, good, bad = [], [], {}
    if c != 1: lines.append("time,param,value")
    rows = []
    for i in range(6000):
        t = base + i * 30 * 10**9 + c * 7
        rows.append((t, "%s_%d" % (prefix, i % 3) if not (c == 2 and i % 3 == 2) else '"C,Q"', "%.17g" % random.uniform(-1e3, 1e3)))
    for i in range(0, len(rows) - 1, 50):   # out of order, within the lateness
        rows[i], rows[i + 1] = rows[i + 1], rows[i]
    for i in range(100, len(rows), 500):    # duplicates, later, another value: the last wins
        t, p, _ = rows[i - 40]
        rows.insert(i, (t, p, "%.17g" % random.uniform(-1, 1)))
    for n, (t, p, v) in enumerate(rows):
        tt = iso(t) if c % 2 else str(t)
        lines.append("%s,%s,%s" % (tt, p, v))
        good.append(lines[-1])
        if n == 1000:
            lines.append("oops"); bad[len(lines)] = "expected 3 fields"
            lines.append("%s,%s,abc" % (tt, p)); bad[len(lines)] = "invalid value 'abc'"
            lines.append("2020-01-01T00:00:00Z,%s,1" % p); bad[len(lines)] = "late:"
            lines.append("%s,%s,inf" % (tt, p)); bad[len(lines)] = "infinite value"
    end = "\r\n" if c == 2 else "\n"
    open("%s/c%d.csv" % (work, c), "w", newline="").write(end.join(lines) + end)
    open("%s/good/c%d.csv" % (work, c), "w").write("time,param,value\n" + "\n".join(good) + "\n")
    open("%s/c%d.bad" % (work, c), "w").write("".join("%d %s\n" % kv for kv in bad.items()))
# Client 3 closes mid-line: its whole lines before the cut are taken, the cut one dropped.
data = open(work + "/c3.csv", "rb").read()
cut = data.index(b"\n", len(data) // 2) + 9
open(work + "/c3.cut", "w").write(str(cut))
kept = data[:cut].rsplit(b"\n", 1)[0].decode().split("\n")[1:]
kept = [l for l in kept if l.count(",") == 2 and not l.startswith("2020") and not l.endswith(",abc") and not l.endswith(",inf")]
open(work + "/good/c3.csv", "w").write("time,param,value\n" + "\n".join(kept) + "\n")
PY

"$TELEMINE" stream --archive "$WORK/a" --mission LIVE --listen 127.0.0.1:0 --flush 100ms --lateness 3d --compact-every 1h \
  > "$WORK/stream.out" 2> "$WORK/stream.err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$WORK/stream.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/stream.out")
[ -n "$port" ] || fail "no listening line: $(cat "$WORK/stream.out" "$WORK/stream.err")"

/usr/bin/python3 "$CLIENT" "$port" "$WORK/c0.csv" > "$WORK/r0" &
p0=$!
/usr/bin/python3 "$CLIENT" "$port" "$WORK/c1.csv" > "$WORK/r1" &
p1=$!
/usr/bin/python3 "$CLIENT" "$port" "$WORK/c0.csv" --garbage &
pg=$!
/usr/bin/python3 "$CLIENT" "$port" "$WORK/c3.csv" --cut "$(cat "$WORK/c3.cut")" > "$WORK/r3" &
p3=$!
/usr/bin/python3 "$CLIENT" "$port" "$WORK/c2.csv" > "$WORK/r2" &
p2=$!
wait $p0 $p1 $p2 $pg $p3

for c in 0 1 2; do
  want=$(( $(wc -l < "$WORK/good/c$c.csv") - 1 ))
  got=$(grep '^ack ' "$WORK/r$c" | tail -1 | cut -d' ' -f2)
  [ "$got" = "$want" ] || fail "client $c: last ack $got, want $want"
  while read -r line what; do
    grep -q "^error $line: .*$what" "$WORK/r$c" || fail "client $c: no refusal of line $line ($what): $(grep error "$WORK/r$c")"
  done < "$WORK/c$c.bad"
  [ "$(grep -c '^error ' "$WORK/r$c")" -eq 4 ] || fail "client $c: refusals $(grep error "$WORK/r$c")"
done
want=$(( $(wc -l < "$WORK/good/c3.csv") - 1 ))
[ "$(grep '^ack ' "$WORK/r3" | tail -1 | cut -d' ' -f2)" = "$want" ] || fail "client 3 (closed mid-line): last ack, want $want: $(tail -2 "$WORK/r3")"
pass "three TCP clients at once: each its own acks (all its good samples) and refusals by line number"

# Live: nothing compacted yet (no day closed within --lateness 3d, interval 1h), yet get sees all.
[ ! -e "$WORK/a/LIVE/2026" ] || fail "compacted too early"
n=$(tm get --archive "$WORK/a" --mission LIVE --param A_0 --from 2026-01-01 --to 2026-01-05 --format csv | wc -l)
want=$(/usr/bin/python3 -c "import sys; print(len({l.split(',')[0] for l in open(sys.argv[1]) if ',A_0,' in l}) + 1)" "$WORK/good/c0.csv")
[ "$n" -eq "$want" ] || fail "live get A_0: $n lines, want $want"
pass "get reads the live segment before any compaction ($((n - 1)) samples of A_0)"

kill -TERM $pid
wait $pid || fail "stream exited $?: $(cat "$WORK/stream.err")"
grep -q "late samples refused" "$WORK/stream.err" || fail "no summary: $(cat "$WORK/stream.err")"
[ -z "$(ls "$WORK/a/LIVE/live/")" ] || fail "segments left after the end: $(ls "$WORK/a/LIVE/live")"

tm ingest --archive "$WORK/b" --mission LIVE --format csv-long --input "$WORK"/good/c{0,1,2,3}.csv --quiet > /dev/null
same_archive "$WORK/a" "$WORK/b"
no_temporaries "$WORK/a"
pass "after compaction the archive equals a batch ingest of the accepted lines, byte for byte"
tm verify --archive "$WORK/a" > /dev/null || fail "verify after streaming"
pass "verify: the live folder is not an unlisted file"
