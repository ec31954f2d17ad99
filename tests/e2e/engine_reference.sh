#!/usr/bin/env bash
# The engine's promise: refactoring src/jobs/ changes no output. The stats, dependency and
# novelty jobs and evaluate's table run on a small generated archive at 1 and 2 ranks, and every
# output is compared byte for byte with the digests recorded from main before the engine was
# redesigned (tests/e2e/engine_reference.sha256). HDF5 outputs are compared by content (h5dump):
# a parallel write may lay out the same content in other bytes. product.json is compared less
# its timings, paths and those HDF5 checksums. Recorded again with the portable default build
# (x86-64-v2): -march=native lets the compiler fuse multiply-adds, which changes last bits.
# evaluate.txt and evaluation.csv recorded again for issue 19: a figure that is undefined
# (recall without a label) is '-' in the table and nan in the CSV, no longer 1.000.
# novelty's recorded again for issue 17: scores clamped to [0, 1000], thresholds floored at the
# parameters' resolution, contributors that add up to 1 with "(others)".
# After an intended change of outputs, record them again (on each CPU kind, for novelty) with
#   TELEMINE=build/telemine TELEMINE_SOURCE_DIR=. bash tests/e2e/engine_reference.sh --record
source "$(dirname "$0")/lib.sh"
REFERENCE="$TELEMINE_SOURCE_DIR/tests/e2e/engine_reference.sha256"

mp 2 generate --archive "$WORK/archive" --mission-count 2 --params 20 --days 2 --rate 60s --seed 5 --quiet > /dev/null
A="$WORK/archive"

# product.json without what changes from run to run or machine to machine.
product_core() {
  /usr/bin/python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("product", "created", "job_file", "overrides", "timings_seconds"):
    d.pop(k, None)
# Added after the recording, by the preservation layer (tested in products_*.sh): the archive's
# absolute path, the parameters' meaning and the W3C PROV document, which holds times and paths.
for k in ("product_format", "archive", "parameters", "provenance"):
    d.pop(k, None)
# Added after the recording (issue 19): the resolved range, and the command and its options
# of a job that came from a command (they hold paths).
for k in ("resolved_range", "command", "options"):
    d.pop(k, None)
for o in d.get("outputs", []):
    if o["file"].endswith(".h5"):  # compared by content, as h5dump shows it
        o.pop("checksum", None), o.pop("bytes", None)
# Added after the recording (issue 19): novelty's flag that the scored range overlaps the
# reference period, and that period (tested in novelty_job.sh).
LATER = {"scored_overlaps_reference", "reference_from", "reference_to", "train_to_past_data"}
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items()
                if not k.endswith("seconds") and not (k == "file" and "/models/" in str(v)) and k not in LATER}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
print(json.dumps(strip(d), sort_keys=True, indent=1))
EOF
}

# files NAME DIR FILES...: one line per output, "NAME/FILE SHA256".  digest: the same and the
# product's product.json.
files() {
  local name=$1 dir=$2; shift 2
  for f in "$@"; do
    [ -f "$dir/$f" ] || fail "$name: no $f"
    case $f in
      *.h5) echo "$name/$f $(h5dump "$dir/$f" | tail -n +2 | sha256sum | cut -c1-64)" ;;
      *) echo "$name/$f $(sha256sum < "$dir/$f" | cut -c1-64)" ;;
    esac
  done
}
digest() {
  files "$@"
  [ -f "$2/product.json" ] || fail "$1: no product.json"
  echo "$1/product.json $(product_core "$2/product.json" | sha256sum | cut -c1-64)"
}

run_all() {
  local np=$1 o="$WORK/np$1"
  mp "$np" stats --archive "$A" --mission SYN1,SYN2 --bucket 7min --output "$o/stats" --quiet > /dev/null
  digest "np$np/stats" "$o/stats" stats.csv stats.h5
  mp "$np" dependency --archive "$A" --mission SYN1,SYN2 --grid 5min --bins 8 --max-lag 20min \
    --output "$o/dep-all" --quiet > /dev/null
  digest "np$np/dep-all" "$o/dep-all" pairs.csv top.csv graph.dot pairs.h5
  mp "$np" dependency --archive "$A" --mission SYN1 --grid 1min --mode one --target 'POWER_*' --max-lag 10min \
    --lag-step 2min --output "$o/dep-one" --quiet > /dev/null
  digest "np$np/dep-one" "$o/dep-one" pairs.csv top.csv graph.dot
  mp "$np" novelty --archive "$A" --mission SYN1 --period 30min --epochs 40 --train-to 2026-01-02 \
    --output "$o/nov-features" --quiet > /dev/null
  digest "np$np/nov-features" "$o/nov-features" detections.csv scores.h5
  mp "$np" novelty --archive "$A" --mission SYN1 --model window --grid 5min --window 6 --stride 3 --group all \
    --epochs 20 --threshold sigma:3 --output "$o/nov-window" --quiet > /dev/null
  digest "np$np/nov-window" "$o/nov-window" detections.csv scores.h5
  mp "$np" novelty --archive "$A" --mission SYN1 --model window --grid 5min --window 12 --group parameter \
    --epochs 20 --threshold ndt:0.13 --output "$o/nov-ndt" --quiet > /dev/null
  digest "np$np/nov-ndt" "$o/nov-ndt" detections.csv scores.h5
  tm evaluate --archive "$A" --mission SYN1 --detections "$o/nov-features/detections.csv" \
    --output "$o/evaluation.csv" > "$o/evaluate.txt"
  sed -i 's#CSV: .*#CSV:#' "$o/evaluate.txt"
  # The note on a scored range that overlaps the reference period depends on the novelty
  # product's flag, tested in ux_first_hour.sh.
  sed -i '/^note: /d' "$o/evaluate.txt"
  files "np$np/evaluate" "$o" evaluate.txt evaluation.csv
}

{ run_all 1; run_all 2; } > "$WORK/digests"

# Novelty trains in float through the system BLAS, and OpenBLAS picks its kernels for the CPU it
# runs on (Haswell, SkylakeX, Zen, ...): their sums round differently, so novelty's outputs are
# recorded per BLAS core, as "NAME@CORE DIGEST" lines. Stats, dependency and evaluate do not
# depend on it and are recorded once.
CORE=$(/usr/bin/python3 -c 'import ctypes
l = ctypes.CDLL("libopenblas.so.0"); l.openblas_get_corename.restype = ctypes.c_char_p
print(l.openblas_get_corename().decode())' 2>/dev/null || echo unknown)
tagged() { awk -v core="$CORE" '{ if ($1 ~ /\/nov-/) { split($1, p, "/"); $1 = p[1] "/" p[2] "@" core "/" p[3] } print }' "$1"; }
tagged "$WORK/digests" > "$WORK/tagged"

if [ "${1:-}" = "--record" ]; then
  { grep '@' "$REFERENCE" | grep -v "@$CORE/" || true; cat "$WORK/tagged"; } | sort -s -k1,1 > "$WORK/new"
  cp "$WORK/new" "$REFERENCE"
  pass "recorded $(wc -l < "$WORK/tagged") digests (novelty's for BLAS core $CORE) in $REFERENCE"
  exit 0
fi
if grep -q "@$CORE/" "$REFERENCE"; then
  expected=$(grep -v '@' "$REFERENCE"; grep "@$CORE/" "$REFERENCE")
  diff <(sort -s -k1,1 <<<"$expected") <(sort -s -k1,1 "$WORK/tagged") \
    || fail "outputs differ from the reference recorded before the redesign"
  pass "$(wc -l < "$WORK/tagged") outputs identical to the reference at 1 and 2 ranks (BLAS core $CORE)"
else
  # No reference for this CPU's BLAS kernels: every other output against the reference, and
  # novelty's rank-independent outputs (features, ndt) at 1 against 2 ranks.
  diff <(grep -v '@' "$REFERENCE" | sort -s -k1,1) <(grep -v '@' "$WORK/tagged" | sort -s -k1,1) \
    || fail "outputs differ from the reference recorded before the redesign"
  for f in nov-features/detections.csv nov-features/scores.h5 nov-ndt/detections.csv nov-ndt/scores.h5; do
    a=$(grep "^np1/${f%%/*}@$CORE/${f#*/} " "$WORK/tagged" | cut -d' ' -f2)
    b=$(grep "^np2/${f%%/*}@$CORE/${f#*/} " "$WORK/tagged" | cut -d' ' -f2)
    [ -n "$a" ] && [ "$a" = "$b" ] || fail "novelty $f differs between 1 and 2 ranks"
  done
  echo "note: no novelty reference for BLAS core $CORE (recorded: $(grep -o '@[A-Za-z0-9]*/' "$REFERENCE" | sort -u | tr -d '@/' | paste -sd' ')); novelty compared across ranks only"
  pass "$(grep -vc '@' "$WORK/tagged") outputs identical to the reference at 1 and 2 ranks; novelty identical at 1 and 2 ranks"
fi
