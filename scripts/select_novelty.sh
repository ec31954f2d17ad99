#!/usr/bin/env bash
# Compares novelty settings without the test labels: on validation sets cut from the train
# split of a telemanom folder, with injected anomalies (scripts/telemanom_validation.py), one per
# seed. Each candidate is a job file (jobfiles/novelty-telemanom.ini unless named) with
# --novelty.* overrides.
#
#   scripts/select_novelty.sh TELEMANOM_FOLDER WORK_DIR [SEEDS]      (SEEDS default "1 2 3")
#
# The validation archives name their mission SMAP whatever the folder holds (SMAP, MSL, ...).
#
# Prints, per candidate, event-wise precision, recall and F0.5 pooled over the seeds (found,
# detections and false detections summed), then the recall by injected kind; writes the tables
# to WORK_DIR/selection.txt and WORK_DIR/selection-kinds.txt.
#
# Then the cross-validation across channel groups (scripts/novelty_folds.py): the channels are
# cut into folds by their letter (A-1, A-2 ... one fold; letters of fewer than 5 channels
# together), each candidate gets its F0.5 at the test length on every fold and is judged by the
# worst; and leaving each fold out in turn, the candidate that wins on the other folds is scored
# on the one left out. Written to WORK_DIR/selection-folds.txt.
#
# A validation set scores about 950 rows a channel with one anomaly in them; a real test split
# is far longer (SMAP: about 8,000), and false alarms grow with the rows scored while the
# anomalies to find do not. So each candidate also gets its precision and F0.5 "at the test
# length": its false detections multiplied by the ratio of the folder's test rows to the
# validation's scored rows (one anomaly a channel kept). Only the test split's row count is
# read, never its values or labels; LENGTH_RATIO=R sets the ratio instead (1 without a test/).
# MARGIN=R: no injected anomaly in the first R held-out rows (default 30; 250, a forecaster's
# history, so that it is not judged on rows it cannot forecast).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
T="${TELEMINE:-$here/build/telemine}"
[ $# -ge 2 ] || { echo "usage: $0 TELEMANOM_FOLDER WORK_DIR [SEEDS]" >&2; exit 2; }
src="$1" work="$2" seeds="${3:-1 2 3}"
mkdir -p "$work"
MPI=(mpirun -np 2 --bind-to none)
[ "$(id -u)" -ne 0 ] || MPI+=(--allow-run-as-root)

for s in $seeds; do
  [ -d "$work/val$s" ] || /usr/bin/python3 "$here/scripts/telemanom_validation.py" "$src" "$work/val$s" --seed "$s" \
    --margin "${MARGIN:-30}"
  [ -d "$work/arch$s" ] || "$T" ingest --archive "$work/arch$s" --mission SMAP --format telemanom \
    --input "$work/val$s" --quiet > /dev/null
done

# Rows of the folder's test split per row scored in one validation set (shapes only).
ratio="${LENGTH_RATIO:-$(/usr/bin/python3 - "$src" "$work/val${seeds%% *}" <<'PY'
import glob, os, sys
import numpy as np
rows = lambda d: sum(np.load(f, mmap_mode="r").shape[0] for f in glob.glob(os.path.join(d, "test", "*.npy")))
real, val = rows(sys.argv[1]), rows(sys.argv[2])
print(f"{real / val:.3f}" if real and val else "1")
PY
)}"

# name|overrides (space-separated --novelty.KEY=VALUE)[|job file in jobfiles/]
# The candidates compared on 2026-11-28 (bench/README.md has the tables). The job file is the
# first. telemanom:0.13 beat ndt:0.13 by 0.11 in pooled F0.5 over six seeds; the telemanom
# variants at stride 10 came within 0.01 of one another; stride 1 (a row every step) then halved
# the false detections over twelve seeds, and at stride 1 a window of 20 found more injected
# events than one of 30 in ten seeds of twelve; the job file took both.
candidates=(
  "window 20/1, telemanom:0.13 (the job file)|"
  "window 30/1, telemanom:0.13 (the job file until window 20)|--novelty.window=30"
  "window 30/1, telemanom:0.2|--novelty.window=30 --novelty.threshold=telemanom:0.2"
  "window 30/10, telemanom:0.13 (the job file until stride 1)|--novelty.window=30 --novelty.stride=10"
  "window 30/10, ndt:0.13|--novelty.window=30 --novelty.stride=10 --novelty.threshold=ndt:0.13"
  "window 30/10, ndt:0.13 smoothed and windowed as telemanom|--novelty.window=30 --novelty.stride=10 --novelty.threshold=ndt:0.13 --novelty.ndt-smoothing=105min --novelty.ndt-window=35h"
  "window 30/10, pot:0.001|--novelty.window=30 --novelty.stride=10 --novelty.threshold=pot:0.001"
  "window 30/10, telemanom:0.05|--novelty.window=30 --novelty.stride=10 --novelty.threshold=telemanom:0.05"
  "window 30/10, telemanom:0.2|--novelty.window=30 --novelty.stride=10 --novelty.threshold=telemanom:0.2"
  "window 30/5, telemanom:0.13|--novelty.window=30 --novelty.stride=5"
  "window 20/10, telemanom:0.13|--novelty.stride=10 --novelty.window=20"
  "window 10/5, ndt:0.13|--novelty.window=10 --novelty.stride=5 --novelty.threshold=ndt:0.13"
  "window 60/10, ndt:0.13|--novelty.stride=10 --novelty.window=60 --novelty.threshold=ndt:0.13"
  "window 60/10, telemanom:0.13|--novelty.stride=10 --novelty.window=60"
  "window 30/10, hidden 32,8, telemanom:0.13|--novelty.window=30 --novelty.stride=10 --novelty.hidden=32,8"
  "window 30/10, epochs 100, telemanom:0.13|--novelty.window=30 --novelty.stride=10 --novelty.epochs=100"
  "window 30/10, telemanom:0.13, smoothing 30min|--novelty.window=30 --novelty.stride=10 --novelty.ndt-smoothing=30min"
  "window 30/10, telemanom:0.13, smoothing 60min|--novelty.window=30 --novelty.stride=10 --novelty.ndt-smoothing=60min"
  "window 30/10, telemanom:0.13, smoothing 210min|--novelty.window=30 --novelty.stride=10 --novelty.ndt-smoothing=210min"
  "window 30/10, telemanom:0.13, windows of 1050 steps|--novelty.window=30 --novelty.stride=10 --novelty.ndt-window=17h30min"
  "features 30min, ndt:0.13|--novelty.model=features --novelty.period=30min --novelty.threshold=ndt:0.13"
  "features 1h, ndt:0.13|--novelty.model=features --novelty.period=1h --novelty.threshold=ndt:0.13"
  "features 1h, pot:0.001|--novelty.model=features --novelty.period=1h --novelty.threshold=pot:0.001"
)
# CANDIDATES=FILE: the candidates from FILE instead, one name|overrides a line.
[ -z "${CANDIDATES:-}" ] || mapfile -t candidates < <(grep -v -e '^#' -e '^$' "$CANDIDATES")

# Per injected kind, the labels of one seed's validation set found by one run: "kind 0|1" lines.
found_by_kind() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import csv, sys
found = {r["param"]: int(r["found"]) for r in csv.DictReader(open(sys.argv[2])) if r["param"] != "(mission)"}
for r in csv.DictReader(open(sys.argv[1])):
    print(r["injected"], found.get(r["chan_id"], 0))
PY
}
kinds=(spike shift stuck noise drift)

set -f
out="$work/selection.txt" by_kind="$work/selection-kinds.txt"
printf '%-58s %6s %6s %6s  %6s %6s  %s\n' "candidate" "P" "R" "F0.5" "P@test" "F@test" \
  "found/labels, false/detections per seed (@test: at the test length, false x $ratio)" | tee "$out"
printf '%-58s %s\n' "candidate" "recall by injected kind, found/labels" > "$by_kind"
folds="$work/folds.tsv"
: > "$folds"
for c in "${candidates[@]}"; do
  IFS='|' read -r name opts job <<< "$c"
  job="${job:-novelty-telemanom.ini}"
  L=0 F=0 D=0 X=0 per=""
  declare -A KL=() KF=()
  for s in $seeds; do
    o="$work/out-$s"
    rm -rf "$o"
    # shellcheck disable=SC2086  # word-split on purpose; set -f keeps patterns such as * literal
    "${MPI[@]}" "$T" run "$here/jobfiles/$job" --archive "$work/arch$s" --mission SMAP \
      --output "$o" --quiet $opts > /dev/null
    "$T" evaluate --archive "$work/arch$s" --mission SMAP --detections "$o/detections.csv" \
      --from 2001-01-01 > /dev/null
    read -r l f d x < <(awk -F, '$2 == "(mission)" { print $3, $4, $5, $6 }' "$o/evaluation.csv")
    # Per channel, for the folds: candidate, channel, labels, found, detections, false.
    awk -F, -v n="$name" 'NR > 1 && $2 != "(mission)" { print n "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' \
      "$o/evaluation.csv" >> "$folds"
    L=$((L + l)) F=$((F + f)) D=$((D + d)) X=$((X + x)) per+="$f/$l,$x/$d "
    while read -r kind hit; do
      KL[$kind]=$((${KL[$kind]:-0} + 1)) KF[$kind]=$((${KF[$kind]:-0} + hit))
    done < <(found_by_kind "$work/val$s/labeled_anomalies.csv" "$o/evaluation.csv")
  done
  line=""
  for k in "${kinds[@]}"; do line+="$k ${KF[$k]:-0}/${KL[$k]:-0}  "; done
  printf '%-58s %s\n' "$name" "$line" >> "$by_kind"
  awk -v n="$name" -v L="$L" -v F="$F" -v D="$D" -v X="$X" -v k="$ratio" -v per="$per" '
    function f05(p, r) { return (p + r) > 0 ? 1.25 * p * r / (0.25 * p + r) : 0 }
    BEGIN {
      p = D > 0 ? (D - X) / D : 1; r = F / L; pk = D > 0 ? (D - X) / (D - X + k * X) : 1
      printf "%-58s %6.3f %6.3f %6.3f  %6.3f %6.3f  %s\n", n, p, r, f05(p, r), pk, f05(pk, r), per }' | tee -a "$out"
done
echo
cat "$by_kind"
echo
/usr/bin/python3 "$here/scripts/novelty_folds.py" "$folds" "$ratio" | tee "$work/selection-folds.txt"
