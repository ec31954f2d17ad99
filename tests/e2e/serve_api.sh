#!/usr/bin/env bash
# telemine serve over real HTTP on loopback: every endpoint against a generated archive, raw
# samples equal to `get`, M4 equal to a naive per-pixel first/last/min/max over the raw samples,
# values at an instant equal to `get`; products; bad requests (404, 400, 413, `..`, encoded
# slashes, absurd points, 401) read nothing outside the folders and leave the server serving.
source "$(dirname "$0")/lib.sh"
tm generate --archive "$WORK/archive" --mission-count 1 --params 20 --days 2 --rate 1s --seed 5 --quiet > /dev/null
tm stats --archive "$WORK/archive" --mission SYN1 --bucket 1h --output "$WORK/products/hourly" --quiet > /dev/null
echo "secret outside the folders" > "$WORK/secret.txt"

# start_server NAME ARGS...: runs serve on a free port; sets PORT_<NAME>, PID_<NAME>.
start_server() {
  local name=$1; shift
  "$TELEMINE" serve --port 0 "$@" > "$WORK/$name.out" 2> "$WORK/$name.log" &
  local pid=$! port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's|^serving http://[^:]*:\([0-9]*\)/.*|\1|p' "$WORK/$name.out")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || fail "serve exited: $(cat "$WORK/$name.log")"
    sleep 0.1
  done
  [ -n "$port" ] || fail "serve did not start"
  printf -v "PORT_$name" %s "$port"
  printf -v "PID_$name" %s "$pid"
}
stop_servers() { for p in ${PID_main:-} ${PID_tok:-}; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap 'stop_servers; rm -rf "$WORK"' EXIT

start_server main --archive "$WORK/archive" --products "$WORK/products" --max-samples 100000
URL="http://127.0.0.1:$PORT_main"
# get PATH [CURL ARGS]: body on stdout, fails unless 200.  status PATH: the HTTP status alone.
get() { curl -sS -f "$URL$1" "${@:2}"; }
status() { curl -s -o "$WORK/body" -w '%{http_code}' --path-as-is "$URL$1" "${@:2}"; }
py() { /usr/bin/python3 -c "$@"; }

get /api/missions | py 'import json,sys; m=json.load(sys.stdin); assert m[0]["name"]=="SYN1" and m[0]["parameters"]==20, m'
get /api/missions/SYN1/parameters > "$WORK/params.json"
P=$(py 'import json; print(json.load(open("'"$WORK"'/params.json"))[0]["name"])' )
get "/api/missions/SYN1/events?kind=anomaly" | py 'import json,sys; e=json.load(sys.stdin); assert e and all(x["kind"]=="anomaly" for x in e), e'
get "/api/missions/SYN1/events?from=2030-01-01" | py 'import json,sys; assert json.load(sys.stdin)==[]'
pass "missions, parameters, events (filtered by kind and time)"

# Raw samples: as CSV identical to `get`, as JSON the same values.
FROM=2026-01-01T06:00:00Z TO=2026-01-01T18:30:00Z
tm get --archive "$WORK/archive" --mission SYN1 --param "$P" --from $FROM --to $TO --format csv > "$WORK/get.csv"
get "/api/missions/SYN1/parameters/$P/samples?from=$FROM&to=$TO&format=csv" > "$WORK/api.csv"
cmp -s "$WORK/get.csv" "$WORK/api.csv" || fail "raw CSV differs from get"
get "/api/missions/SYN1/parameters/$P/samples?from=$FROM&to=$TO" > "$WORK/raw.json"
py '
import json, csv, math
j = json.load(open("'"$WORK"'/raw.json"))
rows = list(csv.DictReader(open("'"$WORK"'/get.csv")))
assert j["count"] == len(rows) == len(j["t"]) == len(j["v"]), (j["count"], len(rows))
for r, v in zip(rows, j["v"]):
    x = float(r["value"])
    assert (v is None and math.isnan(x)) or v == x, (r, v)
'
pass "raw samples equal get (CSV byte for byte, JSON value for value)"
# A browser's Accept-Encoding: the same answer gzipped once (not twice), with its type.
curl -sS -f -D "$WORK/headers" -H 'Accept-Encoding: gzip, deflate, br' "$URL/api/missions/SYN1/parameters/$P/samples?from=$FROM&to=$TO" \
  -o "$WORK/raw.json.gz"
grep -qi '^content-encoding: gzip' "$WORK/headers" || fail "no gzip answer: $(cat "$WORK/headers")"
[ "$(grep -ci '^content-encoding' "$WORK/headers")" = 1 ] || fail "compressed twice: $(cat "$WORK/headers")"
zcat "$WORK/raw.json.gz" | cmp -s - "$WORK/raw.json" || fail "the gzipped answer differs"
pass "raw samples gzipped for a client that accepts it, once, equal to the plain answer"

# M4 against a naive per-pixel reduction of the raw samples, at several widths and ranges.
for spec in "$FROM $TO 640" "2026-01-01 2026-01-03 2000" "2026-01-01T10:00:00Z 2026-01-01T10:07:13Z 333" "2026-01-01 2026-01-03 1"; do
  set -- $spec
  tm get --archive "$WORK/archive" --mission SYN1 --param "$P" --from "$1" --to "$2" --format csv > "$WORK/full.csv"
  get "/api/missions/SYN1/parameters/$P/samples?from=$1&to=$2&points=$3" > "$WORK/m4.json"
  py '
import json, csv, math, sys
from datetime import datetime, timezone
def ns(s):
    s = s.replace("Z", "")
    frac = 0
    if "." in s: s, f = s.split("."); frac = int((f + "000000000")[:9])
    if "T" not in s: s += "T00:00:00"
    return int(datetime.fromisoformat(s).replace(tzinfo=timezone.utc).timestamp()) * 10**9 + frac
frm, to, w = ns(sys.argv[1]), ns(sys.argv[2]), int(sys.argv[3])
cols = {}
for r in csv.DictReader(open("'"$WORK"'/full.csv")):
    t, v = ns(r["time"]), float(r["value"])
    if math.isnan(v): continue
    c = (t - frm) * w // (to - frm)
    a = cols.setdefault(c, {"first": (t, v), "min": (t, v), "max": (t, v)})
    if v < a["min"][1]: a["min"] = (t, v)
    if v > a["max"][1]: a["max"] = (t, v)
    a["last"] = (t, v)
want = []
for c in sorted(cols):
    for p in sorted(set(cols[c].values())):
        if not want or want[-1][0] != p[0]: want.append(p)
j = json.load(open("'"$WORK"'/m4.json"))
got = [(t * 10**6 if isinstance(t, int) else round(t * 1e6), v) for t, v in zip(j["t"], j["v"])]
assert j["decimated"] and len(got) == len(want), (len(got), len(want))
assert got == want, next((g, x) for g, x in zip(got, want) if g != x)
assert len(got) <= 4 * w
' "$1" "$2" "$3" || fail "M4 differs from the naive per-pixel reduction for $spec"
done
pass "M4 equals a naive per-pixel first/last/min/max at 640, 2000, 333 and 1 pixels"

# Values at an instant: the last valid sample at or before T, as get's last row up to T.
AT=2026-01-01T12:34:56.5Z
get "/api/missions/SYN1/values?at=$AT&params=$P" > "$WORK/values.json"
tm get --archive "$WORK/archive" --mission SYN1 --param "$P" --from 2026-01-01T12:00:00Z --to 2026-01-01T12:34:57Z --format csv \
  | awk -F, 'NR > 1 && $2 != "nan" { last = $0 } END { print last }' > "$WORK/last.csv"
py '
import json
j = json.load(open("'"$WORK"'/values.json"))["values"][0]
t, v = open("'"$WORK"'/last.csv").read().strip().split(",")
assert j["time"] == t and j["value"] == float(v), (j, t, v)
'
get "/api/missions/SYN1/values?at=2026-01-02T00:00:00Z" | py 'import json,sys; j=json.load(sys.stdin); assert len(j["values"])==20 and all(v["value"] is not None for v in j["values"])'
get "/api/missions/SYN1/values?at=2020-01-01" | py 'import json,sys; assert json.load(sys.stdin)["values"][0]["value"] is None'
pass "values at an instant equal get's last valid sample"

# Answers kept in memory are not served once the mission has changed (an ingest while serving).
LATER="/api/missions/SYN1/values?at=2026-01-05T00:00:00Z&params=$P"
get "$LATER" > /dev/null
printf 'time,param,value\n2026-01-04T00:00:00Z,%s,12345.5\n' "$P" > "$WORK/new.csv"
tm ingest --archive "$WORK/archive" --mission SYN1 --format csv-long --input "$WORK/new.csv" --quiet > /dev/null
get "$LATER" | py 'import json,sys; v=json.load(sys.stdin)["values"][0]; assert v["value"]==12345.5 and v["time"]=="2026-01-04T00:00:00Z", v'
pass "an ingest while serving is seen at once (no stale answer)"

# Products: listed with their outputs; only listed files are served.
get /api/products | py 'import json,sys; p=json.load(sys.stdin); assert p[0]["id"]=="hourly" and p[0]["product"]=="telemine stats" and "stats.csv" in p[0]["outputs"], p'
get /api/products/hourly/files/stats.csv | cmp -s - "$WORK/products/hourly/stats.csv" || fail "stats.csv served differs"
get /api/products/hourly | py 'import json,sys; assert json.load(sys.stdin)["product"]=="telemine stats"'
pass "products: list, product.json, outputs"

# Bad requests: a clear status and a JSON error, nothing outside the folders.
expect_status() {
  local code=$1 path=$2; shift 2
  local got
  got=$(status "$path" "$@")
  [ "$got" = "$code" ] || fail "expected $code for $path, got $got: $(cat "$WORK/body")"
  if grep -q "secret outside" "$WORK/body" || grep -q "HDF" "$WORK/body"; then fail "$path read outside its folders"; fi
}
expect_status 404 /api/missions/NOPE/parameters
py 'import json; assert "unknown mission" in json.load(open("'"$WORK"'/body"))["error"]'
expect_status 404 "/api/missions/SYN1/parameters/NOPE/samples"
py 'import json; assert "unknown parameter" in json.load(open("'"$WORK"'/body"))["error"]'
expect_status 400 "/api/missions/SYN1/parameters/$P/samples?from=yesterday"
expect_status 400 "/api/missions/SYN1/parameters/$P/samples?from=2026-01-02&to=2026-01-01"
expect_status 400 "/api/missions/SYN1/values"
for pts in 0 -5 99999999999 1e3 abc 2000000; do expect_status 400 "/api/missions/SYN1/parameters/$P/samples?points=$pts"; done
expect_status 413 "/api/missions/SYN1/parameters/$P/samples"
py 'import json; assert "points=N" in json.load(open("'"$WORK"'/body"))["error"]'
for path in "/../secret.txt" "/api/missions/../../secret.txt" "/api/missions/SYN1/../../secret.txt" \
            "/api/missions/%2e%2e%2f%2e%2e%2fsecret.txt/parameters" "/api/missions/SYN1%2F..%2F..%2Fsecret.txt/parameters" \
            "/api/products/hourly/files/..%2F..%2Fsecret.txt" "/api/products/hourly/files/../../secret.txt" \
            "/api/products/..%2F/files/secret.txt" "/api/products/hourly/files/%2e%2e" "/api/products/~/files/product.json" \
            "/api/missions/SYN1/parameters/..%2F2026%2F01/samples" "/api/missions/SYN1/catalog.h5" "/SYN1/catalog.h5" "/api/"; do
  expect_status 404 "$path"
done
expect_status 405 /api/missions -X POST
pass "404 unknown names, 400 bad times and points, 413 too many samples, 405 writes; no .. or encoded slash escapes"

# A load of bad requests from 16 clients leaves the server serving.
for i in $(seq 1 100); do
  for path in "/api/missions/NOPE/parameters" "/api/missions/SYN1/parameters/$P/samples?points=-$i" "/%2e%2e/secret.txt" \
              "/api/missions/SYN1/values?at=bad$i" "/api/products/x$i/files/y" "/api/missions/SYN1/parameters/$P/samples?from=2026-01-01T10:00:00Z&to=2026-01-01T10:00:00.000001Z&points=100000"; do
    echo "$URL$path"
  done
done | xargs -P 16 -n 20 curl -s --path-as-is > /dev/null
kill -0 "$PID_main" || fail "the server died under bad requests"
get /api/missions > /dev/null
pass "600 bad requests from 16 clients: still serving"

# The request log: method, path, status, bytes, microseconds.
grep -Eq "^telemine: GET /api/missions/NOPE/parameters 404 [0-9]+ B [0-9]+ us$" "$WORK/main.log" || fail "request log: $(tail -3 "$WORK/main.log")"
pass "one log line per request"

# Beyond loopback only with a token; with one, every request needs it.
expect_fail 2 "needs\|--token" tm serve --archive "$WORK/archive" --bind 0.0.0.0 --port 0
expect_fail 1 "not a telemine archive" tm serve --archive "$WORK/nowhere" --port 0
start_server tok --archive "$WORK/archive" --token s3cret --quiet
URL="http://127.0.0.1:$PORT_tok"
expect_status 401 /api/missions
expect_status 401 / 
expect_status 401 /api/missions -H "Authorization: Bearer wrong"
expect_status 200 /api/missions -H "Authorization: Bearer s3cret"
expect_status 200 "/?token=s3cret"
kill "$PID_tok"; wait "$PID_tok" 2>/dev/null || true
TELEMINE_TOKEN=fromenv start_server tok --archive "$WORK/archive" --bind 0.0.0.0 --quiet
URL="http://127.0.0.1:$PORT_tok"
expect_status 401 /api/missions
expect_status 200 /api/missions -H "Authorization: Bearer fromenv"
pass "401 without or with a wrong token; 200 with it; the token from TELEMINE_TOKEN"
