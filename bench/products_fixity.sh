#!/usr/bin/env bash
# Archive fixity: `telemine verify --archive` at 1 and 2 ranks against sha256sum and xxhsum
# (Debian's coreutils and xxhash) over the same partition files, warm page cache, median of
# RUNS runs each (default 3); the peers also at 2 processes (xargs -P2, one file each). Above
# 5 GB, sha256sum runs at 2 processes only (at one, 20 GB take about three minutes a run).
#   [RUNS=N] bench/products_fixity.sh BUILD ARCHIVE
set -euo pipefail
B=$1 A=$2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
files=$(mktemp); trap 'rm -f "$files"' EXIT
find "$A" -name '*.h5' ! -name catalog.h5 | sort > "$files"
bytes=$(xargs -a "$files" stat -c %s | awk '{s+=$1} END {printf "%.0f", s}')  # %.0f: mawk's %d stops at 2^31
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
xargs -a "$files" cat > /dev/null  # warm the page cache
declare -A secs
RUNS=${RUNS:-3}
run() { local name=$1; shift; secs[$name]=$(for _ in $(seq "$RUNS"); do wall "$@"; done | median); }
run verify1 "$B/telemine" verify --archive "$A" --quiet
run verify2 mpirun --bind-to none -np 2 "$B/telemine" verify --archive "$A" --quiet
run xxh1 xargs -a "$files" xxhsum -H3
run xxh2 xargs -a "$files" -n 1 -P 2 xxhsum -H3
peers=(verify1 verify2 xxh1 xxh2 sha2)
if [ "$bytes" -lt 5000000000 ]; then run sha1 xargs -a "$files" sha256sum; peers+=(sha1); fi
run sha2 xargs -a "$files" -n 1 -P 2 sha256sum
gbs() { echo "$bytes / ${secs[$1]} / 1000000000" | bc -l; }
printf "archive %s: %d partition files, %.2f GB (after one read to warm the page cache, median of $RUNS)\\n" "$A" "$(wc -l < "$files")" "$(echo "$bytes / 1000000000" | bc -l)"
for k in "${peers[@]}"; do
  printf '%-8s %6.2f s  %6.2f GB/s   telemine verify at 2 ranks is %5.2fx this\n' "$k" "${secs[$k]}" "$(gbs $k)" \
    "$(echo "${secs[$k]} / ${secs[verify2]}" | bc -l)"
done
