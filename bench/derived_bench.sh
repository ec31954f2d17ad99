#!/usr/bin/env bash
# Derived parameters and forests, measured (issue #16), peers in the same run:
#  1. a 3-input arithmetic expression (A * B + C) over 16 M samples a rank, 2 ranks: telemine's block
#     executor and muParser's own bulk mode, against numpy on the same arrays in 2 processes
#  2. a stats job on a derived parameter (BUS_P = POWER_BAT_V * POWER_BUS_I, computed on read)
#     against the same job on the same values stored (materialised with `telemine derive`)
#  3. Random Forest training, XGBoost random-forest mode vs scikit-learn, same forest, 2 threads
#   bench/derived_bench.sh BUILD [DIR]
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
D=${2:-${BENCH_DIR:-/tmp/telemine-bench}/derived}
SRC=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$D"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPI=(mpirun --bind-to none)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
field() { sed "s/.*\"$1\": \([0-9.e+-]*\).*/\1/"; }

for chunk in 86400 16000000; do
  N=16000000
  what=$([ $chunk = 86400 ] && echo "one day partition at 1 Hz at a time, as a job evaluates it" || echo "one array, streamed from memory")
  echo "== expression A * B + C, 16 M samples a rank, 2 ranks, $what; numpy in 2 processes on the same arrays"
  tm=$("${MPI[@]}" -np 2 "$B/bench/derived_eval_bench" "$D" $N $chunk 11)
  np=$(/usr/bin/python3 "$SRC/bench/peers/derived_numpy.py" "$D" $N $chunk 2 11)
  rm -f "$D"/derived-inputs-*.f64
  echo "telemine: $tm"
  echo "numpy:    $np"
  t=$(echo "$tm" | field telemine_msps) nb=$(echo "$np" | field numpy_best_msps) no=$(echo "$np" | field numpy_obvious_msps)
  printf 'telemine %.0f M samples/s on 2 ranks: %.2fx numpy at its best (preallocated ufuncs), %.2fx the obvious a * b + c\n' \
    "$t" "$(echo "$t / $nb" | bc -l)" "$(echo "$t / $no" | bc -l)"
done

echo
echo "== stats job (1 h buckets, 2 ranks) on a derived parameter against the same values stored"
A="$D/archive"
if [ ! -f "$A/SYN1/catalog.h5" ]; then
  "${MPI[@]}" -np 2 "$B/telemine" generate --archive "$A" --mission-count 1 --days 60 --rate 1s --seed 3 --quiet
  "$B/telemine" derive --archive "$A" --mission SYN1 --define 'BUS_P_STORED = POWER_BAT_V * POWER_BUS_I' > /dev/null
fi
cat > "$D/derived.ini" <<INI
kind = stats
archive = $A
mission = SYN1
params = BUS_P
output = $D/out-derived
[stats]
bucket = 1h
[derived]
BUS_P = POWER_BAT_V * POWER_BUS_I
INI
sed -e 's/^params = BUS_P/params = BUS_P_STORED/' -e "s|out-derived|out-stored|" "$D/derived.ini" > "$D/stored.ini"
for k in derived stored; do rm -rf "$D/out-$k"; done
declare -A secs
for k in derived stored derived stored derived stored derived stored derived stored; do
  rm -rf "$D/out-$k"
  secs[$k]+="$(wall "${MPI[@]}" -np 2 "$B/telemine" run "$D/$k.ini" --quiet) "
done
sd=$(echo "${secs[derived]}" | tr ' ' '\n' | grep . | median) ss=$(echo "${secs[stored]}" | tr ' ' '\n' | grep . | median)
cmp <(cut -d, -f3- "$D/out-derived/stats.csv") <(cut -d, -f3- "$D/out-stored/stats.csv") > /dev/null \
  && same="identical statistics" || same="STATISTICS DIFFER"
printf 'whole job, median of 5: derived %.3f s, stored %.3f s: derived costs %.2fx (%s)\n' "$sd" "$ss" "$(echo "$sd / $ss" | bc -l)" "$same"
for k in derived stored; do
  printf '  %s phases (s): %s\n' "$k" "$(sed -n '/"timings_seconds"/,/}/p' "$D/out-$k/product.json" | grep -o '"[a-z_]*": [0-9.]*' | tr -d '"' | paste -sd' ')"
done

echo
echo "== Random Forest training: 200,000 rows x 20 features (150,000 trained), 100 trees, depth 8, 2 threads"
tf=$("$B/bench/forest_bench" "$D" 200000 20 3)
sk=$(/usr/bin/python3 "$SRC/bench/peers/forest_sklearn.py" "$D" 200000 20 3)
rm -f "$D"/forest-*.f32
echo "telemine (XGBoost): $tf"
echo "scikit-learn:       $sk"
printf 'telemine trains %.2fx as fast as scikit-learn\n' "$(echo "$(echo "$sk" | field sklearn_seconds) / $(echo "$tf" | field telemine_seconds)" | bc -l)"
