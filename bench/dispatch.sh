#!/usr/bin/env bash
# Question: what does the portable default build (-march=x86-64-v2) cost the two kernels that
# use 256-bit vectors, with and without their AVX2 clone picked at run time (core/dispatch.hpp),
# against -march=native? Builds the two kernel benchmarks three ways side by side and runs them
# in turn, ROUNDS times (default 3), so that the three see the same load.
# usage: bench/dispatch.sh [ROUNDS]     (run by scripts/bench.sh; results in bench/README.md)
set -euo pipefail
rounds=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_DIR:-/tmp/telemine-bench}/dispatch
mkdir -p "$out"
configs=("native:-DTELEMINE_NATIVE=ON" "portable+avx2-clone:" "portable:-DCMAKE_CXX_FLAGS=-DTELEMINE_NO_DISPATCH")
for c in "${configs[@]}"; do
  name=${c%%:*} flags=${c#*:}
  cmake -S "$root" -B "$out/$name" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTELEMINE_TESTS=OFF $flags > "$out/$name.log"
  cmake --build "$out/$name" -j 2 --target stats_kernel_bench pair_kernel_bench >> "$out/$name.log"
done
for r in $(seq "$rounds"); do
  for c in "${configs[@]}"; do
    name=${c%%:*}
    echo "== round $r, $name: stats kernel (G samples/s), pair kernel (G pair-samples/s)"
    "$out/$name/bench/stats_kernel_bench" | grep -E "^(1h|1min) "
    "$out/$name/bench/pair_kernel_bench" | grep -E "^autocorrelated"
  done
done
