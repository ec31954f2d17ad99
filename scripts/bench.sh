#!/usr/bin/env bash
# `make bench`: every benchmark in bench/, peers run side by side in the same run. Figures go
# to stdout and to $BENCH_DIR/results.txt; bench/README.md holds the latest ones, by hand.
# BENCH_DIR (default /tmp/telemine-bench) holds the archives, reused between runs.
set -euo pipefail
BUILD=${1:-build}
B="$PWD/$BUILD"
D=${BENCH_DIR:-/tmp/telemine-bench}
mkdir -p "$D"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPI=(mpirun --bind-to none)
exec > >(tee "$D/results.txt") 2>&1

# Peers: Debian's pandas, h5py, numpy, scikit-learn and PyTorch for /usr/bin/python3, DuckDB from npm (its native binary ships
# inside the package).
missing=()
for p in python3-pandas python3-h5py python3-numpy python3-sklearn python3-torch bc wrk apache2-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm > /dev/null || missing+=(nodejs npm)  # the machine's own Node.js may already bring npm
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "as root: apt-get install -y ${missing[*]}"; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi
[ -d "$D/node_modules/@duckdb/node-api" ] || (cd "$D" && npm install --silent @duckdb/node-api > /dev/null)
cp bench/peers/stats_duckdb.mjs "$D/"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
runs() { local n=$1; shift; for _ in $(seq "$n"); do wall "$@"; done | median; }

echo "== archive layout (bench/archive_bench.cpp)"
"$B/bench/archive_bench" 50

echo
echo "== get: one parameter over one day at 1 Hz, archive of 500 parameters x 30 days"
"${MPI[@]}" -np 2 "$B/bench/scan_bench" build "$D/a500x30" 500 30
"$B/bench/scan_bench" get "$D/a500x30" P250
t=$(runs 11 "$B/telemine" get --archive "$D/a500x30" --mission BENCH --param P250 --from 2026-01-15 --to 2026-01-16 --format csv)
echo "get as a command (process start included), median of 11: $(printf %.1f "$(echo "$t * 1000" | bc -l)") ms"

echo
echo "== full scan from the page cache, archive of 100 parameters x 30 days at 1 Hz"
"${MPI[@]}" -np 2 "$B/bench/scan_bench" build "$D/a100x30" 100 30
"${MPI[@]}" -np 1 "$B/bench/scan_bench" scan "$D/a100x30"
"${MPI[@]}" -np 2 "$B/bench/scan_bench" scan "$D/a100x30"

echo
echo "== csv-long ingest: 2 M rows, ISO-8601 times, 100 parameters; peer: pandas.read_csv"
if [ ! -f "$D/long1.csv" ]; then
  awk 'BEGIN { print "time,param,value"; for (i = 0; i < 2000000; i++) {
         s = int(i / 100); printf "2026-01-01T%02d:%02d:%02d.%03dZ,P%d,%.6f\n", int(s / 3600) % 24, int(s / 60) % 60, s % 60, i % 1000, i % 100, sin(i) * 100 } }' > "$D/long1.csv"
  sed 's/^2026-01-01/2026-01-02/' "$D/long1.csv" | sed '1s/.*/time,param,value/' > "$D/long2.csv"
fi
rm -rf "$D/ingest1" "$D/ingest2"
t1=$(wall "$B/telemine" ingest --archive "$D/ingest1" --mission M --format csv-long --input "$D/long1.csv" --quiet)
t2=$(wall "${MPI[@]}" -np 2 "$B/telemine" ingest --archive "$D/ingest2" --mission M --format csv-long --input "$D/long1.csv" "$D/long2.csv" --quiet)
pd=$(/usr/bin/python3 bench/peers/csv_pandas.py "$D/long1.csv" 3)
pds=$(echo "$pd" | sed 's/.*"seconds": \([0-9.e-]*\).*/\1/')
printf 'telemine ingest, 1 rank, 2 M rows (whole command, written to the archive): %.2f s = %.2f M rows/s\n' "$t1" "$(echo "2 / $t1" | bc -l)"
printf 'telemine ingest, 2 ranks, 2 x 2 M rows: %.2f s = %.2f M rows/s per rank\n' "$t2" "$(echo "4 / $t2 / 2" | bc -l)"
printf 'pandas read_csv + to_datetime (parse only, nothing written), 2 M rows: %.2f s = %.2f M rows/s; telemine 1 rank is %.1fx\n' \
  "$pds" "$(echo "2 / $pds" | bc -l)" "$(echo "$pds / $t1" | bc -l)"

echo
echo "== statistics kernel alone (bench/stats_kernel_bench.cpp)"
"$B/bench/stats_kernel_bench"

echo
echo "== stats job, 1 h buckets: telemine (2 ranks) vs DuckDB (its own file) vs pandas (h5py + groupby)"
if [ ! -f "$D/gen/SYN1/catalog.h5" ]; then
  "${MPI[@]}" -np 2 "$B/telemine" generate --archive "$D/gen" --mission-count 1 --params 100 --days 10 --rate 1s --seed 1 --quiet
fi
if [ ! -f "$D/gen.duckdb" ]; then
  "$B/bench/scan_bench" export "$D/gen" SYN1 "$D/gen.csv"
  (cd "$D" && node stats_duckdb.mjs load "$D/gen.csv" "$D/gen.duckdb")
  rm -f "$D/gen.csv"
fi
samples=$("$B/telemine" info --archive "$D/gen" --format csv | awk -F, 'NR==2 {print $4}')
tm=$(runs 5 "${MPI[@]}" -np 2 "$B/telemine" stats --archive "$D/gen" --mission SYN1 --bucket 1h --output "$D/stats-out" --quiet)
tm1=$(runs 5 "$B/telemine" stats --archive "$D/gen" --mission SYN1 --bucket 1h --output "$D/stats-out1" --quiet)
duck=$(cd "$D" && node stats_duckdb.mjs query "$D/gen.duckdb" 3600000000000 5 | sed 's/.*"seconds":\([0-9.e-]*\).*/\1/')
pandas=$(/usr/bin/python3 bench/peers/stats_pandas.py "$D/gen" SYN1 3600000000000 1 | sed 's/.*"seconds": \([0-9.e-]*\).*/\1/')
rate() { echo "$samples / $1 / 1000000" | bc -l; }
printf '%s samples\n' "$samples"
printf 'telemine stats, 2 ranks (mpirun, whole job): %.2f s = %.0f M samples/s\n' "$tm" "$(rate "$tm")"
printf 'telemine stats, 1 process (whole job):        %.2f s = %.0f M samples/s\n' "$tm1" "$(rate "$tm1")"
printf 'DuckDB GROUP BY (2 threads, own file):         %.2f s = %.0f M samples/s  -> telemine is %.1fx\n' "$duck" "$(rate "$duck")" "$(echo "$duck / $tm" | bc -l)"
printf 'pandas (h5py read + groupby):                  %.2f s = %.1f M samples/s -> telemine is %.0fx\n' "$pandas" "$(rate "$pandas")" "$(echo "$pandas / $tm" | bc -l)"

echo
echo "== dependency finder: pair kernel (bench/pair_kernel_bench.cpp); peers numpy bincount and scikit-learn on the same codes"
"$B/bench/pair_kernel_bench" "$D/pair-codes.bin"
echo "python peers, G pair-samples/s on one core: $(/usr/bin/python3 bench/peers/pairs_numpy.py "$D/pair-codes.bin" 100000 200)"

echo
echo "== dependency job: all pairs of 2,000 parameters x 100,800 grid points (70 days at 1 min), lag 0, 2 ranks"
if [ ! -f "$D/dep2000/SYN1/catalog.h5" ]; then
  "${MPI[@]}" -np 2 "$B/telemine" generate --archive "$D/dep2000" --mission-count 1 --params 2000 --days 70 --rate 60s --seed 1 --quiet
fi
rm -rf "$D/dep-out"
t=$(wall "${MPI[@]}" -np 2 "$B/telemine" dependency --archive "$D/dep2000" --mission SYN1 --grid 1min --output "$D/dep-out" --quiet)
printf 'whole job (one run, about 60 s): %.1f s; phases (s): %s\n' "$t" \
  "$(sed -n '/"timings_seconds"/,/}/p' "$D/dep-out/product.json" | grep -o '"[a-z]*": [0-9.]*' | tr -d '"' | paste -sd' ')"

echo
echo "== dependency job at lags: all pairs of 300 parameters x 100,800 grid points, 31 lags (-15 .. 15 min), 2 ranks"
rm -rf "$D/dep-lag"
t=$(wall "${MPI[@]}" -np 2 "$B/telemine" dependency --archive "$D/dep2000" --mission SYN1 --grid 1min --max-lag 15min \
  --params 'IND_NOISE_1??,IND_NOISE_2??,IND_NOISE_3??' --output "$D/dep-lag" --quiet)
printf 'whole job (one run): %.1f s; phases (s): %s\n' "$t" \
  "$(sed -n '/"timings_seconds"/,/}/p' "$D/dep-lag/product.json" | grep -o '"[a-z]*": [0-9.]*' | tr -d '"' | paste -sd' ')"

echo
echo "== novelty: training throughput (bench/train_bench.cpp) vs PyTorch in Python (bench/peers/train_torch.py)"
echo "   100-64-16-64-100 MLP, Adam, one thread per rank, 100,000 rows; 5 rounds, each peer once per round"
sps() { sed 's/.*_per_second": \([0-9]*\).*/\1/'; }
rm -f "$D"/train-*.txt
for _ in 1 2 3 4 5; do
  "$B/bench/train_bench" 100000 256 | sps >> "$D/train-np1.txt"
  /usr/bin/python3 bench/peers/train_torch.py 100000 | sps >> "$D/train-py.txt"
  "${MPI[@]}" -np 2 "$B/bench/train_bench" 100000 256 | sps >> "$D/train-np2.txt"
  "${MPI[@]}" -np 2 "$B/bench/train_bench" 100000 512 | sps >> "$D/train-np2-512.txt"
  "$B/bench/train_bench" 100000 1024 | sps >> "$D/train-np1-1024.txt"
  "${MPI[@]}" -np 2 "$B/bench/train_bench" 100000 1024 | sps >> "$D/train-np2-1024.txt"
  # The machine's own ceiling for 2 ranks: two independent single-rank trainings at once.
  ( "$B/bench/train_bench" 50000 256 | sps > "$D/pair-a.txt" & "$B/bench/train_bench" 50000 256 | sps > "$D/pair-b.txt"; wait )
  echo "$(( $(cat "$D/pair-a.txt") + $(cat "$D/pair-b.txt") ))" >> "$D/train-2x1.txt"
done
m() { median < "$D/train-$1.txt"; }
# Ratios per round (the two runs of a ratio are next to each other in time), then their median.
r() { paste "$D/train-$1.txt" "$D/train-$2.txt" | awk '{ print $1 / $2 }' | median; }
printf 'telemine, 1 rank, batch 256:           %7d samples/s\n' "$(m np1)"
printf 'PyTorch (Python), 1 thread, batch 256: %7d samples/s -> telemine is %.2fx\n' "$(m py)" "$(r np1 py)"
printf 'telemine, 2 ranks data-parallel, global batch 256:  %7d samples/s = %.2fx one rank\n' "$(m np2)" "$(r np2 np1)"
printf 'telemine, 2 ranks data-parallel, 256 rows per rank:  %7d samples/s = %.2fx one rank at 256 (Horovod'"'"'s way of counting)\n' "$(m np2-512)" "$(r np2-512 np1)"
printf 'telemine, 2 ranks data-parallel, global batch 1024: %7d samples/s = %.2fx one rank at 1024\n' "$(m np2-1024)" "$(r np2-1024 np1-1024)"
printf 'two independent single-rank trainings at once:       %7d samples/s = %.2fx one rank (the machine'"'"'s ceiling)\n' \
  "$(m 2x1)" "$(r 2x1 np1)"
printf 'telemine, 2 ranks data-parallel, 256 rows per rank, against that ceiling: %.2fx\n' "$(r np2-512 2x1)"
echo "(medians of 5 rounds; every round: $(for f in np1 py np2 np2-512 np1-1024 np2-1024 2x1; do printf '%s %s; ' "$f" "$(paste -sd' ' "$D/train-$f.txt")"; done))"

echo
echo "== novelty: the LSTM forecaster's training throughput (bench/lstm_bench.cpp) vs PyTorch in Python (bench/peers/lstm_torch.py)"
echo "   2 LSTM layers of 80, 25 inputs, 250 steps of history, chunks of 50, 8 chunks a step, Adam, one thread; 5 rounds"
rm -f "$D"/lstm-*.txt
for _ in 1 2 3 4 5; do
  OPENBLAS_NUM_THREADS=1 "$B/bench/lstm_bench" | sps >> "$D/lstm-tm.txt"
  /usr/bin/python3 bench/peers/lstm_torch.py | sps >> "$D/lstm-py.txt"
done
printf 'telemine: %d forecasts/s; PyTorch (Python, autograd nn.LSTM): %d forecasts/s -> telemine is %.2fx (median of the rounds'"'"' ratios)\n' \
  "$(median < "$D/lstm-tm.txt")" "$(median < "$D/lstm-py.txt")" \
  "$(paste "$D/lstm-tm.txt" "$D/lstm-py.txt" | awk '{ print $1 / $2 }' | median)"
echo "(every round: telemine $(paste -sd' ' "$D/lstm-tm.txt"); PyTorch $(paste -sd' ' "$D/lstm-py.txt"))"

SMAP=../shared/data/smap.tar.xz
if [ -f "$SMAP" ]; then
  echo
  echo "== novelty: all of NASA SMAP, train and score (jobfiles/novelty-telemanom.ini), 2 ranks, then evaluate"
  [ -d "$D/smap-src/smap" ] || { mkdir -p "$D/smap-src" && tar xJf "$SMAP" -C "$D/smap-src"; }
  [ -f "$D/smap/SMAP/catalog.h5" ] || \
    "${MPI[@]}" -np 2 "$B/telemine" ingest --archive "$D/smap" --mission SMAP --format telemanom --input "$D/smap-src/smap" --quiet
  rm -rf "$D/smap-out"
  t=$(wall "${MPI[@]}" -np 2 "$B/telemine" run jobfiles/novelty-telemanom.ini --archive "$D/smap" --output "$D/smap-out" --quiet)
  printf 'train and score, whole job: %.1f s\n' "$t"
  "$B/telemine" evaluate --archive "$D/smap" --mission SMAP --detections "$D/smap-out/detections.csv" --from 2001-01-01 | awk 'NR == 1 || $1 == "(mission)"'
  echo "-- the same with the LSTM forecaster (jobfiles/novelty-lstm.ini)"
  rm -rf "$D/smap-lstm"
  t=$(wall "${MPI[@]}" -np 2 "$B/telemine" run jobfiles/novelty-lstm.ini --archive "$D/smap" --output "$D/smap-lstm" --quiet)
  printf 'train and score, whole job: %.1f s\n' "$t"
  "$B/telemine" evaluate --archive "$D/smap" --mission SMAP --detections "$D/smap-lstm/detections.csv" --from 2001-01-01 | awk 'NR == 1 || $1 == "(mission)"'
  echo "-- the settings compared without the test labels: validation sets from the train split, 6 seeds"
  rm -rf "$D/selection"
  TELEMINE="$B/telemine" scripts/select_novelty.sh "$D/smap-src/smap" "$D/selection" "1 2 3 4 5 6"
fi

echo
echo "== checksum verification on read: verify = checksum against verify = none (ratio)"
"$B/bench/verify_bench" "$D/verify100x7" 100 7 9
echo "== serve: HTTP, M4 over a year against pandas, the page in Chromium (bench/serve_bench.sh)"
bench/serve_bench.sh "$BUILD" "$D/serve"
echo "== products: index 100,000 product folders, searches over them (bench/products_bench.cpp)"
"$B/bench/products_bench" "$D/products" 100000
echo "== archive fixity: telemine verify at 1 and 2 ranks vs sha256sum and xxhsum, 2 GB and 20 GB archives"
"${MPI[@]}" -np 2 "$B/bench/scan_bench" build "$D/fixity-2g" 100 15 > /dev/null
bench/products_fixity.sh "$B" "$D/fixity-2g"
"${MPI[@]}" -np 2 "$B/bench/scan_bench" build "$D/fixity-20g" 500 30 > /dev/null
RUNS=1 bench/products_fixity.sh "$B" "$D/fixity-20g"
echo "== derived parameters and forests: expression vs numpy, stats on derived vs stored, forest vs scikit-learn"
bench/derived_bench.sh "$B" "$D/derived"
echo "== portable build (x86-64-v2) with and without the AVX2 clones, against -march=native (bench/dispatch.sh)"
bench/dispatch.sh 3
