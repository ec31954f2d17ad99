#!/usr/bin/env bash
# Out-of-limit alerts: limits set in the catalogue (telemine limits), one alert per excursion
# as a JSON line on --alerts FILE and as an `alert` event in the archive after compaction.
source "$(dirname "$0")/lib.sh"
A="$WORK/a"
printf 'time,param,value\n2026-01-01T00:00:00Z,T,20\n' > "$WORK/first.csv"
tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/first.csv" --quiet > /dev/null
tm limits set --archive "$A" --mission M --param T --low 0 --high 50
tm limits set --archive "$A" --mission M --param V --high 5
tm limits list --archive "$A" --mission M > "$WORK/limits.csv"
diff <(printf 'param,low,high\nT,0,50\nV,,5\n') "$WORK/limits.csv" || fail "limits list: $(cat "$WORK/limits.csv")"
pass "limits set and list"

{
  for i in $(seq 1 9); do echo "2026-01-01T00:00:0${i}Z,T,$((i * 10))"; done   # 60..90: one excursion
  echo "2026-01-01T00:00:10Z,T,25"                                               # back within
  echo "2026-01-01T00:00:11Z,T,-1"                                               # a second one
  echo "2026-01-01T00:00:12Z,T,nan"                                              # invalid: no verdict
  echo "2026-01-01T00:00:12.5Z,T,-2"                                             # the same excursion
  echo "2026-01-01T00:00:13Z,V,7.5"                                              # a third
  echo "2026-01-01T00:00:14Z,V,4"
  echo "2026-01-01T00:00:15Z,W,1e9"                                              # no limits: none
} | tm stream --archive "$A" --mission M --input - --alerts "$WORK/alerts.jsonl" > /dev/null 2> "$WORK/err"
[ "$(wc -l < "$WORK/alerts.jsonl")" -eq 3 ] || fail "alerts: $(cat "$WORK/alerts.jsonl")"
grep -q '^{"kind":"alert","mission":"M","param":"T","time":"2026-01-01T00:00:05Z","value":50' "$WORK/alerts.jsonl" \
  && fail "50 is within [0, 50]"
grep -q '^{"kind":"alert","mission":"M","param":"T","time":"2026-01-01T00:00:06Z","value":60,"low":0,"high":50}$' \
  "$WORK/alerts.jsonl" || fail "first alert: $(cat "$WORK/alerts.jsonl")"
grep -q '"param":"T","time":"2026-01-01T00:00:11Z","value":-1,' "$WORK/alerts.jsonl" || fail "second alert"
grep -q '"param":"V","time":"2026-01-01T00:00:13Z","value":7.5,"low":null,"high":5}' "$WORK/alerts.jsonl" \
  || fail "third alert"
grep -q "3 alerts" "$WORK/err" || fail "summary: $(cat "$WORK/err")"
pass "one alert per excursion, as JSON lines"
tm info --archive "$A" --mission M > "$WORK/info.txt"
[ "$(grep -c '^alert ' "$WORK/info.txt")" -eq 3 ] || fail "alert events: $(cat "$WORK/info.txt")"
pass "alerts are events of kind alert in the archive"
