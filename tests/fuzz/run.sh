#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each on its seed corpus: ctest runs it for 20 s a target,
# `make fuzz` for longer. Findings (crash-*, leak-*, timeout-*) are kept in OUT and fail the run.
# usage: tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS [OUT]
set -euo pipefail
build=$1 seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
out=${3:-$(mktemp -d /tmp/telemine-fuzz.XXXXXX)}
mkdir -p "$out"
status=0
for target in csv npy labels job; do
  corpus="$out/corpus-$target"
  mkdir -p "$corpus"
  cp -n "$here/corpus/$target"/* "$corpus/" 2>/dev/null || true
  # Inputs up to 64 KB, 2 s and 2 GB each; ASan's leak check off (a reader refusing an input
  # by exception frees everything; what it reports at exit are the fuzzer's own buffers).
  if ! ASAN_OPTIONS=detect_leaks=0 "$build/tests/fuzz/${target}_fuzz" "$corpus" -max_total_time="$seconds" \
      -max_len=65536 -timeout=2 -rss_limit_mb=2048 -artifact_prefix="$out/$target-" -print_final_stats=1 \
      > "$out/$target.log" 2>&1; then
    echo "FAIL: ${target}_fuzz found a problem; see $out/$target.log and $out/$target-*" >&2
    tail -30 "$out/$target.log" >&2
    status=1
  else
    echo "ok: ${target}_fuzz, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$target.log" | grep -o '[0-9]*$') inputs in ${seconds} s"
  fi
done
exit $status
