#!/usr/bin/env bash
# Question (bench/README.md, "Dataset export"): how long does `telemine dataset export` take for
# 100 parameters on a 30 s grid, at 2 ranks, against pandas doing ESA-ADB's resampling and CSV
# writing on the same archive in the same run? Usage: bench/dataset_export.sh [DAYS] (default 30;
# 365 is the issue's 105 M cells). Prints both times and the ratio.
set -euo pipefail
DAYS=${1:-30}
TM=${TELEMINE:-build/telemine}
W=$(mktemp -d /tmp/telemine-bench-dataset.XXXXXX)
trap 'rm -rf "$W"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
"$TM" generate --archive "$W/A" --missions 1 --params 100 --days "$DAYS" --rate 30s --quiet > /dev/null
TO=$(date -u -d "2026-01-01 + $DAYS days" +%Y-%m-%d)
t() { local a b; a=$(date +%s.%N); "$@" > /dev/null; b=$(date +%s.%N); echo "$b - $a" | bc; }
tm_s=$(t mpirun --bind-to none -np 2 "$TM" dataset export --archive "$W/A" --mission SYN1 --grid 30s \
  --split "all:2026-01-01..$TO" --output "$W/D")
pd_s=$(t /usr/bin/python3 "$(dirname "$0")/peers/dataset_pandas.py" "$W/A" SYN1 30 "$W/P" 2026-01-01 "$TO")
cells=$((DAYS * 2880 * 100))
printf 'dataset export, 100 parameters x %d days at 30 s (%d cells)\n  telemine, 2 ranks  %6.1f s\n  pandas             %6.1f s\n  ratio              %6.1fx\n' \
  "$DAYS" "$cells" "$tm_s" "$pd_s" "$(echo "$pd_s / $tm_s" | bc -l)"
