#!/usr/bin/env bash
# scripts/telemanom_validation.py: a validation set cut from SMAP's train split alone, with one
# injected anomaly per channel, that telemine ingests and scores like the real test split.
source "$(dirname "$0")/lib.sh"
unpack_smap || { echo "skipped: $SMAP_TARBALL is absent"; exit 0; }
V="$TELEMINE_SOURCE_DIR/scripts/telemanom_validation.py"
/usr/bin/python3 "$V" "$WORK/smap" "$WORK/v" --seed 7 > /dev/null
/usr/bin/python3 "$V" "$WORK/smap" "$WORK/w" --seed 7 > /dev/null
diff -r "$WORK/v" "$WORK/w" > /dev/null || fail "the same seed gave different validation sets"
pass "deterministic for a seed"

# The held-out rows are the train split's own, except column 0 inside the injected range; the
# test split is never read (removing it changes nothing).
rm -rf "$WORK/smap/test"
/usr/bin/python3 "$V" "$WORK/smap" "$WORK/x" --seed 7 > /dev/null
diff -r "$WORK/v" "$WORK/x" > /dev/null || fail "the validation set depends on the test split"
/usr/bin/python3 - "$WORK/smap" "$WORK/v" <<'EOF' || fail "validation rows do not come from the train split"
import csv, json, sys, numpy as np
src, out = sys.argv[1:]
rows = list(csv.DictReader(open(out + "/labeled_anomalies.csv")))
assert len(rows) == 54, len(rows)
for r in rows:
    c = r["chan_id"]
    orig = np.load(f"{src}/train/{c}.npy")
    tr, te = np.load(f"{out}/train/{c}.npy"), np.load(f"{out}/test/{c}.npy")
    assert np.array_equal(np.vstack([tr, te])[:, 1:], orig[:, 1:]), c           # command flags untouched
    assert np.array_equal(tr, orig[:len(tr)]), c                                # train rows as they were
    (a, b), = json.loads(r["anomaly_sequences"])
    assert 0 <= a <= b < len(te) == int(r["num_values"]), c
    changed = np.flatnonzero(te[:, 0] != orig[len(tr):, 0])
    assert len(changed) and changed.min() >= a and changed.max() <= b, c       # only inside the label
    assert np.all(np.abs(te[changed, 0]) <= 1), c                              # within the scaled range
EOF
pass "train rows kept, test rows changed only inside their labels"

# --margin: no anomaly starts in the first rows a forecaster reads as history.
/usr/bin/python3 "$V" "$WORK/smap" "$WORK/m" --seed 7 --margin 250 > /dev/null
/usr/bin/python3 - "$WORK/m/labeled_anomalies.csv" <<'EOF' || fail "--margin 250: an anomaly starts too early"
import csv, json, sys
for r in csv.DictReader(open(sys.argv[1])):
    (a, b), = json.loads(r["anomaly_sequences"])
    assert a >= min(250, int(r["num_values"]) // 4), (r["chan_id"], a)
EOF
pass "--margin keeps the first rows free of anomalies"

mp 2 ingest --archive "$WORK/a" --mission VAL --format telemanom --input "$WORK/v" --quiet > /dev/null
events=$(tm info --archive "$WORK/a" --mission VAL | grep -c "^anomaly ")
[ "$events" -eq 54 ] || fail "expected 54 injected events, got $events"
pass "ingested with its 54 injected events"

expect_fail 1 "exists" /usr/bin/python3 "$V" "$WORK/smap" "$WORK/v"
expect_fail 1 "not a folder" /usr/bin/python3 "$V" "$WORK/nothing" "$WORK/y"
[ ! -e "$WORK/y.partial" ] && [ ! -e "$WORK/y" ] || fail "a failed run left a folder behind"

# scripts/select_novelty.sh on one seed and the job file alone (seed 1 gave 32 of 54 found, 1
# of 33 detections false, F0.5 0.86, when the job file was chosen).
echo "the job file|" > "$WORK/candidates.txt"
CANDIDATES="$WORK/candidates.txt" LENGTH_RATIO=9.5 bash "$TELEMINE_SOURCE_DIR/scripts/select_novelty.sh" "$WORK/smap" "$WORK/sel" 1 > /dev/null
line=$(grep '^the job file' "$WORK/sel/selection.txt") || fail "no row in selection.txt"
awk '{ exit !($6 >= 0.6) }' <<< "$line" || fail "validation F0.5 of the job file: $line"
# At the test length (test/ is gone here, so the ratio is given) false detections weigh 9.5
# times more.
grep -q '(@test: at the test length, false x 9.5)' "$WORK/sel/selection.txt" || fail "no length ratio in the header"
awk '{ exit !($7 > 0 && $7 <= $4 && $8 > 0 && $8 <= $6) }' <<< "$line" || fail "precision and F0.5 at the test length: $line"
pass "select_novelty.sh: $line"
grep -q '^the job file .*spike [0-9]*/[0-9]*  shift .*drift [0-9]*/[0-9]*' "$WORK/sel/selection-kinds.txt" \
  || fail "no recall by kind: $(cat "$WORK/sel/selection-kinds.txt")"
pass "recall by injected kind: $(grep '^the job file' "$WORK/sel/selection-kinds.txt" | cut -c60-)"
