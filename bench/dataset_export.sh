#!/usr/bin/env bash
# Question (bench/README.md, "Dataset export"): how long does `telemine dataset export` take for
# 100 parameters on a 30 s grid, at 2 ranks, against pandas doing ESA-ADB's resampling (and its
# restoration of labelled samples) and CSV writing on the same archive in the same run?
# Usage: bench/dataset_export.sh [DAYS] [RUNS] [PANDAS_RUNS] (default 30 days, 1 run, pandas as
# many runs; 365 is the issue's 105 M cells). The archive is generated once; each run times
# telemine, then pandas while runs of it are left; prints every run, the medians and their ratio.
set -euo pipefail
DAYS=${1:-30}
RUNS=${2:-1}
PANDAS_RUNS=${3:-$RUNS}
TM=${TELEMINE:-build/telemine}
W=$(mktemp -d /tmp/telemine-bench-dataset.XXXXXX)
trap 'rm -rf "$W"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
"$TM" generate --archive "$W/A" --mission-count 1 --params 100 --days "$DAYS" --rate 30s --quiet > /dev/null
TO=$(date -u -d "2026-01-01 + $DAYS days" +%Y-%m-%d)
t() { local a b; a=$(date +%s.%N); "$@" > /dev/null; b=$(date +%s.%N); echo "$b - $a" | bc; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cells=$((DAYS * 2880 * 100))
printf 'dataset export, 100 parameters x %d days at 30 s (%d cells), load before: %s\n' "$DAYS" "$cells" "$(cut -d' ' -f1-3 /proc/loadavg)"
tms=() pds=()
for r in $(seq "$RUNS"); do
  rm -rf "$W/D" "$W/P"
  tms+=("$(t mpirun --bind-to none -np 2 "$TM" dataset export --archive "$W/A" --mission SYN1 --grid 30s \
    --split "all:2026-01-01..$TO" --output "$W/D" < /dev/null)")
  pd=-
  if [ "$r" -le "$PANDAS_RUNS" ]; then
    pd=$(t /usr/bin/python3 "$(dirname "$0")/peers/dataset_pandas.py" "$W/A" SYN1 30 "$W/P" 2026-01-01 "$TO")
    pds+=("$pd")
    pd=$(printf '%.1f' "$pd")
  fi
  printf '  run %d: telemine, 2 ranks %6.1f s   pandas %s s   (load %s)\n' "$r" "${tms[-1]}" "$pd" "$(cut -d' ' -f1 /proc/loadavg)"
done
tm_s=$(printf '%s\n' "${tms[@]}" | median)
if [ ${#pds[@]} -eq 0 ]; then  # PANDAS_RUNS=0: telemine alone
  printf '  median: telemine, 2 ranks %6.1f s (no pandas run)\n' "$tm_s"
  exit 0
fi
pd_s=$(printf '%s\n' "${pds[@]}" | median)
printf '  median: telemine, 2 ranks %6.1f s   pandas %6.1f s   ratio %4.1fx\n' "$tm_s" "$pd_s" "$(echo "$pd_s / $tm_s" | bc -l)"
