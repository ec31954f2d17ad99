#!/usr/bin/env bash
# telemine serve, measured over real HTTP on loopback (ab from apache2-utils as the client):
#  1. one day of one 1 Hz parameter as JSON, warm, one client: time per request (median, p99)
#  2. 1,000 such requests from 16 concurrent clients: p50, p99; plain (ab's default) and with a
#     browser's Accept-Encoding (gzip); then wrk's keep-alive connections for 5 s, as a second client
#  3. one year at 1 Hz (31.5 M samples) decimated to 2,000 pixels, from the page cache, against
#     reading the raw samples into pandas (h5py) and decimating there, in the same run
#  4. the page drawing 8 stacked parameters of 2,000 pixels, measured in headless Chromium
#   bench/serve_bench.sh BUILD [DIR]     (DIR keeps the archives between runs; about 1 GB)
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
D=${2:-${BENCH_DIR:-/tmp/telemine-bench}/serve}
SRC=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$D"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
command -v ab > /dev/null || { echo "needs ab (apt-get install apache2-utils)"; exit 1; }
command -v wrk > /dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
GZ=(-H "Accept-Encoding: gzip")
mpirun --bind-to none -np 2 "$BUILD/bench/scan_bench" build "$D/day" 20 3 > /dev/null
mpirun --bind-to none -np 2 "$BUILD/bench/scan_bench" build "$D/year" 1 365 > /dev/null

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
start() {  # start ARCHIVE [OPTIONS]: sets URL
  "$BUILD/telemine" serve --archive "$1" --port 0 --quiet "${@:2}" > "$D/serve.out" 2> "$D/serve.log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do grep -q serving "$D/serve.out" && break; sleep 0.1; done
  URL=$(sed -n 's|^serving \(http://[^ ]*\)|\1|p' "$D/serve.out")
}
# ab_line N C URL [AB OPTIONS]: "mean p50 p99" in ms, after a warm-up run.
ab_line() {
  ab -q -n 50 -c "$2" "${@:4}" "$3" > /dev/null
  ab -q -n "$1" -c "$2" "${@:4}" "$3" > "$D/ab.txt"
  grep -q "Non-2xx" "$D/ab.txt" && { echo "non-2xx answers"; cat "$D/ab.txt"; exit 1; }
  echo "$(awk '/Time per request:.*\(mean\)$/ {print $4}' "$D/ab.txt") $(awk '$1 == "50%" {print $2}' "$D/ab.txt") $(awk '$1 == "99%" {print $2}' "$D/ab.txt")"
}
# wrk_line URL: "p50 p99 requests/s" over 5 s of 16 keep-alive connections (2 threads), gzip accepted.
wrk_line() {
  wrk -t2 -c16 -d5s --latency "${GZ[@]}" "$1" > "$D/wrk.txt"
  grep -q "Non-2xx" "$D/wrk.txt" && { echo "non-2xx answers"; cat "$D/wrk.txt"; exit 1; }
  echo "$(awk '$1 == "50%" {print $2}' "$D/wrk.txt") $(awk '$1 == "99%" {print $2}' "$D/wrk.txt") $(awk '/^Requests\/sec/ {print $2}' "$D/wrk.txt")"
}

for cache in 0 256; do
start "$D/day" --cache-mb $cache
echo "-- --cache-mb $cache ($([ $cache = 0 ] && echo 'every answer computed' || echo 'repeated answers from memory'))"
DAY="${URL}api/missions/BENCH/parameters/P7/samples?from=2026-01-02T00:00:00Z&to=2026-01-03T00:00:00Z"
bytes=$(curl -s "$DAY" | wc -c)
read -r mean p50 p99 < <(ab_line 200 1 "$DAY")
echo "== one day at 1 Hz (86,400 samples, $bytes bytes of JSON), 1 client, 200 requests: mean $mean ms, p50 $p50 ms, p99 $p99 ms"
read -r mean p50 p99 < <(ab_line 1000 16 "$DAY")
echo "== the same, 1,000 requests from 16 concurrent clients: p50 $p50 ms, p99 $p99 ms (mean per request over all clients $mean ms)"
zbytes=$(curl -s "${GZ[@]}" "$DAY" | wc -c)
read -r mean p50 p99 < <(ab_line 1000 16 "$DAY" "${GZ[@]}")
echo "== the same with Accept-Encoding: gzip ($zbytes bytes), 1,000 requests from 16 clients: p50 $p50 ms, p99 $p99 ms"
read -r p50 p99 rps < <(wrk_line "$DAY")
echo "== the same, gzip, wrk: 16 keep-alive connections for 5 s: p50 $p50, p99 $p99, $rps requests/s"
DEC="${URL}api/missions/BENCH/parameters/P7/samples?from=2026-01-02T00:00:00Z&to=2026-01-03T00:00:00Z&points=2000"
read -r mean p50 p99 < <(ab_line 1000 16 "$DEC")
echo "== one day decimated to 2,000 pixels, 1,000 requests from 16 clients: p50 $p50 ms, p99 $p99 ms"
read -r p50 p99 rps < <(wrk_line "$DEC")
echo "== the same, gzip, wrk: 16 keep-alive connections for 5 s: p50 $p50, p99 $p99, $rps requests/s"
done

start "$D/year" --cache-mb 0  # computed every time: the decimation itself is measured
YEAR="${URL}api/missions/BENCH/parameters/P0/samples?points=2000"
curl -s "$YEAR" | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); s, c = j["samples"], j["count"]; print(f"== one year: {s:,} samples -> {c} points")'
read -r mean p50 p99 < <(ab_line 11 1 "$YEAR")
echo "== one year at 1 Hz decimated to 2,000 pixels over HTTP, warm, 11 requests: median $p50 ms (mean $mean ms)"
/usr/bin/python3 "$SRC/bench/peers/m4_pandas.py" "$D/year" BENCH P0 2000 3
# Where the time goes: reading the year alone, the kernel alone; and the archive's own scan
# benchmark at this moment, to compare with its figure in this README (a loaded machine shows here).
"$BUILD/bench/serve_m4_bench" "$D/year"
"$BUILD/bench/scan_bench" scan "$D/year" | tail -1

# The page: 8 parameters of the day archive, a 2,300-pixel window (panels about 2,000 pixels).
start "$D/day"
NODE_DIR=$("$SRC/scripts/install-browser-deps.sh" "$BUILD")
node "$NODE_DIR/serve_page.mjs" "$URL" "$BUILD/test-artefacts/serve_bench" BENCH P0,P1,P2,P3,P4,P5,P6,P7 --bench \
  | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); w, n, md, lo, hi = j["width"], sum(j["points"]), j["median"], j["min"], j["max"]; print(f"== the page draws 8 panels of {w} pixels ({n:,} points): median of 21 draws {md:.1f} ms (min {lo:.1f}, max {hi:.1f})")'
