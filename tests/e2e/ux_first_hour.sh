#!/usr/bin/env bash
# Issue 19, the first hour of a new user: no silent surprises. A range outside the data says so
# and exits 1 (stats, dependency, novelty, get); every job starts by naming its archive and
# range; skipped partitions are printed and counted; evaluate refuses another mission's
# detections and prints '-' where a figure is undefined; each kind's --help is its own;
# product.json can make the product again; --around, several parameters on a grid, get --stats.
source "$(dirname "$0")/lib.sh"
cd "$WORK"
tm generate --archive archive --mission-count 2 --params 20 --days 3 --rate 60s --seed 7 --quiet > /dev/null
ABS=$(cd archive && pwd)

# 1. A range outside the data: exit 1, "nothing ... overlaps", the archive's span.
for cmd in "stats --bucket 1h" "dependency --grid 5min" "novelty --period 1h --epochs 2"; do
  expect_fail 1 "nothing in the archive overlaps the range 2025-01-01T00:00:00Z .. 2025-01-02T00:00:00Z" \
    tm $cmd --archive archive --mission SYN1 --from 2025-01-01 --to 2025-01-02 --output "out-${cmd%% *}"
  [ ! -e "out-${cmd%% *}" ] || fail "${cmd%% *}: a job without input made its output folder"
done
err=$(tm stats --archive archive --mission SYN1 --from 2030-01-01 --bucket 1h --output o 2>&1 >/dev/null || true)
grep -q "holds SYN1 2026-01-01T00:00:00Z .. 2026-01-03T23:59:00Z" <<<"$err" || fail "no span in: $err"
pass "the archive's span printed"
expect_fail 1 "nothing in the archive overlaps" mp 2 stats --archive archive --mission SYN1,SYN2 --from 2030-01-01 \
  --bucket 1h --output o
expect_fail 1 "get: nothing in the archive overlaps the range 2030-01-01T00:00:00Z .. end" \
  tm get --archive archive --mission SYN1 --param POWER_BUS_I --from 2030-01-01
tm novelty --archive archive --mission SYN1 --period 1h --epochs 2 --train-to 2026-01-02 --output nov --quiet > /dev/null
expect_fail 1 "nothing in the archive overlaps the range 2026-01-07" \
  tm novelty --archive archive --mission SYN1 --period 1h --model nov/models --from 2026-01-07 --output today
# A multi-mission job where only one mission has data in the range: a warning names the other.
printf 'time,param,value\n2026-02-01T00:00:00Z,X,1\n' > late.csv
tm ingest --archive archive --mission LATE --format csv-long --input late.csv --quiet > /dev/null
tm stats --archive archive --mission SYN1,LATE --to 2026-01-10 --bucket 1d --output late --quiet 2> late.err > /dev/null
grep -q "warning: mission LATE holds no sample in the job's range (it holds LATE 2026-02-01T00:00:00Z .. 2026-02-01T00:00:00Z)" \
  late.err || fail "no warning for a mission without data in range: $(cat late.err)"
pass "a mission without data in the range is named"

# 4. Every job names its archive (absolute) and resolved range on stderr; --quiet does not.
tm stats --archive archive --mission SYN1 --bucket 1d --output s1 2> s1.err > /dev/null
grep -q "stats: archive $ABS, mission SYN1, range 2026-01-01T00:00:00Z .. 2026-01-04T00:00:00Z (the data's span)" s1.err \
  || fail "no announce line: $(cat s1.err)"
tm stats --archive archive --mission SYN1 --bucket 1d --from 2026-01-02 --output s2 2> s2.err > /dev/null
grep -q "range 2026-01-02T00:00:00Z .. 2026-01-04T00:00:00Z (to: the data's end)" s2.err || fail "announce: $(cat s2.err)"
tm stats --archive archive --mission SYN1 --bucket 1d --output s3 --quiet 2> s3.err > /dev/null
[ ! -s s3.err ] || fail "--quiet printed: $(cat s3.err)"
tm stats --archive archive --mission SYN1 --bucket 1d --output s4 --dry-run 2>/dev/null \
  | grep -q "range 2026-01-01T00:00:00Z .. 2026-01-04T00:00:00Z" || fail "dry-run shows no real times"
pass "archive and range announced"

# 6. product.json: archive absolute, resolved range, the command and its options; recreate works.
python3 - s1/product.json "$ABS" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["archive"] == sys.argv[2], d["archive"]
assert d["resolved_range"] == {"from": "2026-01-01T00:00:00Z", "to": "2026-01-04T00:00:00Z"}, d["resolved_range"]
assert d["command"] == "telemine stats", d.get("command")
assert d["options"][:2] == ["--archive", "archive"], d["options"]
EOF
tm products index s1 > /dev/null
id=$(tm products list --format csv | sed -n 2p | cut -d, -f1)
mp 2 products recreate "$id" --output s1-again --quiet > again.txt || fail "recreate: $(cat again.txt)"
grep -q ", 0 differ" again.txt || fail "recreate of a command's product: $(cat again.txt)"
pass "product.json records the command; recreate rebuilds it"

# 3. on-error = skip: each skipped partition on stderr, and counted in the summary line.
cp -r archive broken
part=$(find broken/SYN1 -name 'SYN1_2026-01-02.h5')
head -c 2000 "$part" > cut.h5 && mv cut.h5 "$part"
mp 2 stats --archive broken --mission SYN1 --bucket 1h --on-error skip --output sk --quiet > sk.out 2> sk.err
grep -q "warning: skipped SYN1/2026/01/SYN1_2026-01-02.h5 (on-error = skip)" sk.err || fail "skip not printed: $(cat sk.err)"
grep -q "^stats: .*; 1 of 3 partitions skipped (on-error = skip)$" sk.out || fail "skip not counted: $(cat sk.out)"
mp 2 dependency --archive broken --mission SYN1 --grid 10min --on-error skip --output skd --quiet > skd.out 2> skd.err
grep -q "warning: skipped SYN1/2026/01/SYN1_2026-01-02.h5" skd.err || fail "dependency: skip not printed: $(cat skd.err)"
grep -q "^dependency: .*; 1 of 3 partitions skipped (on-error = skip)$" skd.out || fail "dependency: skip not counted: $(cat skd.out)"
mp 2 novelty --archive broken --mission SYN1 --period 1h --epochs 5 --on-error skip --output skn --quiet > skn.out 2> skn.err
grep -q "warning: skipped SYN1/2026/01/SYN1_2026-01-02.h5" skn.err || fail "novelty: skip not printed: $(cat skn.err)"
grep -q "^novelty: .*; 1 of 3 partitions skipped (on-error = skip)$" skn.out || fail "novelty: skip not counted: $(cat skn.out)"
pass "skipped partitions printed and counted (stats, dependency, novelty)"

# 5. A kind's --help: its own keys with defaults and ranges, then the pointer to run --help.
tm stats --help > h.txt
grep -q -- "--bucket" h.txt && grep -q "telemine run --help" h.txt && ! grep -q "dependency.grid\|--grid" h.txt \
  || fail "stats --help: $(cat h.txt)"
tm dependency --help > d.txt; grep -q -- "--bins .*(2 .. 64; default 16)" d.txt || fail "dependency --help has no bins range"
tm novelty --help > n.txt; grep -q -- "--epochs" n.txt || fail "novelty --help"  # a file: grep -q would cut the pipe short
for k in $(tm --help | sed -n 's/^  \(stats\|dependency\|novelty\|forest\) .*/\1/p'); do
  tm "$k" --help > k.txt; grep -q "^\[$k\] keys" k.txt || fail "$k --help"
done
[ "$(tm --help | grep -cE '^  (stats|dependency|novelty|forest) ')" -eq 4 ] || fail "kind commands not listed"
# run JOB --bucket: the job file's kind lets its keys go without prefix.
printf 'kind = stats\narchive = %s\nmission = SYN1\noutput = %s/r\n[stats]\nbucket = 1h\n' "$ABS" "$WORK" > j.ini
tm run j.ini --bucket 1d --quiet | grep -q "buckets of 1d" || fail "run JOB --bucket"
pass "per-kind help; --bucket on run"

# 7. --around: an event id or a time, on a job and on get.
read -r ev_id ev_start ev_end < <(tm info --archive archive --mission SYN1 | awk '/events:/ {getline; getline; print $6, $4, $5; exit}')
[ "$ev_id" = event_1 ] || fail "info does not list the event's id: $ev_id"
want=$(python3 -c 'import sys, datetime as d
f = lambda s, h: (d.datetime.fromisoformat(s.replace("Z", "+00:00")) + d.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ")
print(f(sys.argv[1], -2), "..", f(sys.argv[2], 2))' "$ev_start" "$ev_end")
tm stats --archive archive --mission SYN1 --around event_1 --window 2h --bucket 1h --output ar 2> ar.err > /dev/null
grep -q "range $want\$" ar.err || fail "around event_1 ($ev_start .. $ev_end): expected range $want in $(cat ar.err)"
tm get --archive archive --mission SYN1 --param POWER_BUS_I --around 2026-01-02T12:00:00Z --window 30min --format csv > g.csv
[ "$(sed -n 2p g.csv | cut -d, -f1)" = "2026-01-02T11:30:00Z" ] && [ "$(tail -1 g.csv | cut -d, -f1)" = "2026-01-02T12:30:00Z" ] \
  || fail "get --around: $(sed -n 2p g.csv) .. $(tail -1 g.csv)"
expect_fail 2 "key 'around'.*did you mean" tm stats --archive archive --mission SYN1 --around event_x --bucket 1h --output x
expect_fail 2 "not both" tm stats --archive archive --mission SYN1 --around event_1 --from 2026-01-01 --bucket 1h --output x
pass "--around: an event id and a time"

# get: several parameters side by side on a grid (last value held), and --stats BUCKET.
tm get --archive archive --mission SYN1 --param POWER_BUS_I --param POWER_BAT_V --grid 90s \
  --from 2026-01-02 --to 2026-01-02T00:06:00Z --format csv > w.csv
[ "$(head -1 w.csv)" = "time,POWER_BUS_I,POWER_BAT_V" ] || fail "wide header: $(head -1 w.csv)"
[ "$(tail -n +2 w.csv | cut -d, -f1 | tr '\n' ' ')" = "2026-01-02T00:00:00Z 2026-01-02T00:01:30Z 2026-01-02T00:03:00Z 2026-01-02T00:04:30Z " ] \
  || fail "wide grid: $(cat w.csv)"
held=$(tm get --archive archive --mission SYN1 --param POWER_BUS_I --from 2026-01-02T00:01:00Z --to 2026-01-02T00:01:01Z --format csv | sed -n 2p | cut -d, -f2)
[ "$(sed -n 3p w.csv | cut -d, -f2)" = "$held" ] || fail "zero-order hold: $(sed -n 3p w.csv) vs $held"
tm get --archive archive --mission SYN1 --param POWER_BUS_I --stats 1d --format csv > st.csv
tm stats --archive archive --mission SYN1 --params POWER_BUS_I --bucket 1d --output sd --quiet > /dev/null
diff <(tail -n +2 st.csv) <(tail -n +2 sd/stats.csv | cut -d, -f2-) || fail "get --stats differs from the stats job"
pass "get: several parameters on a grid; --stats"

# 2. evaluate: another mission's detections refused; '-' where undefined; the reference note.
det=nov/detections.csv
printf 'mission,param,start,end,score,contributors\nSYN1,"A,B",2026-01-02T00:00:00Z,2026-01-02T01:00:00Z,2,x\n' > comma.csv
tm evaluate --archive archive --mission SYN1 --detections comma.csv > ev.txt
grep -q '^A,B ' ev.txt || fail "a parameter named A,B: $(cat ev.txt)"
grep -q '^A,B  *0  *0  *1  *1  *0.000  *-  *-  *-$' ev.txt || fail "undefined recall not '-': $(grep '^A,B' ev.txt)"
grep -q '^SYN1,"A,B",0,0,1,1,0.000000,nan,nan,0.000000,nan$' evaluation.csv || fail "evaluation.csv: $(cat evaluation.csv)"
expect_fail 2 "detections of mission SYN1, not of SYN2" tm evaluate --archive archive --mission SYN2 --detections "$det"
sed 's/^SYN1,/SYN2,/' comma.csv > other.csv
expect_fail 2 "other.csv: these are detections of mission SYN2, not of SYN1" \
  tm evaluate --archive archive --mission SYN1 --detections other.csv
python3 - nov/product.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); d.setdefault("summary", {})["scored_overlaps_reference"] = True
json.dump(d, open(sys.argv[1], "w"))
EOF
tm evaluate --archive archive --mission SYN1 --detections "$det" | grep -q "^note: the novelty job scored a range that overlaps" \
  || fail "no note on the reference overlap"
pass "evaluate"

# stats.csv through io's CSV writer: a name holding a comma is quoted.
printf 'time,param,value\n2026-01-01T00:00:00Z,"A,B",1\n2026-01-01T00:00:01Z,"A,B",2\n' > ab.csv
tm ingest --archive ab --mission M --format csv-long --input ab.csv --quiet > /dev/null
tm stats --archive ab --mission M --bucket 1h --output abs --quiet > /dev/null
grep -q '^M,"A,B",2026-01-01T00:00:00Z,2,0,1,2,1.5,' abs/stats.csv || fail "stats.csv quoting: $(cat abs/stats.csv)"
pass "stats.csv quotes a name with a comma"
