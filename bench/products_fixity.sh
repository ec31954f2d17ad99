#!/usr/bin/env bash
# Archive fixity: `telemine verify --archive` at 1 and 2 ranks against sha256sum and xxhsum
# (Debian's coreutils and xxhash) over the same partition files, warm page cache, median of
# 5 runs each; the peers also at 2 processes (xargs -P2, one file each).
#   bench/products_fixity.sh BUILD ARCHIVE
set -euo pipefail
B=$1 A=$2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
files=$(mktemp); trap 'rm -f "$files"' EXIT
find "$A" -name '*.h5' ! -name catalog.h5 | sort > "$files"
bytes=$(xargs -a "$files" stat -c %s | awk '{s+=$1} END {printf "%d", s}')
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
xargs -a "$files" cat > /dev/null  # warm the page cache
declare -A secs
run() { local name=$1; shift; secs[$name]=$(for _ in 1 2 3; do wall "$@"; done | median); }
run verify1 "$B/telemine" verify --archive "$A" --quiet
run verify2 mpirun --bind-to none -np 2 "$B/telemine" verify --archive "$A" --quiet
run xxh1 xargs -a "$files" xxhsum -H3
run xxh2 xargs -a "$files" -n 1 -P 2 xxhsum -H3
run sha1 xargs -a "$files" sha256sum
run sha2 xargs -a "$files" -n 1 -P 2 sha256sum
gbs() { echo "$bytes / ${secs[$1]} / 1000000000" | bc -l; }
printf 'archive %s: %d partition files, %.2f GB (warm page cache, median of 3)\n' "$A" "$(wc -l < "$files")" "$(echo "$bytes / 1000000000" | bc -l)"
for k in verify1 verify2 xxh1 xxh2 sha1 sha2; do
  printf '%-8s %6.2f s  %6.2f GB/s   telemine verify at 2 ranks is %5.2fx this\n' "$k" "${secs[$k]}" "$(gbs $k)" \
    "$(echo "${secs[$k]} / ${secs[verify2]}" | bc -l)"
done
