#!/usr/bin/env bash
# Dataset export's curator options and bad input: --scale minmax (fitted on the train split,
# the same at 1 and 3 ranks, undone by ingest), ESA-ADB's published preprocessed CSVs read by
# ingest, the output checked before any work, errors naming the option or the job key, and a
# failure part-way that leaves no dataset and hangs no rank.
source "$(dirname "$0")/lib.sh"

A="$WORK/archive"
tm generate --archive "$A" --mission-count 1 --params 20 --days 2 --rate 10s --quiet > /dev/null
SPLIT=train:2026-01-01..2026-01-02,test:2026-01-02..2026-01-02T23:00
cd "$WORK"

# --scale minmax: the same bytes at 1 and 3 ranks (the scaler is reduced over the ranks).
mkdir r1 r3
(cd r1 && tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --scale minmax --output S > /dev/null)
(cd r3 && mp 3 dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --scale minmax --output S > /dev/null)
diff -r -x product.json r1/S r3/S > /dev/null || fail "scaled export differs between 1 and 3 ranks"
(cd r1 && tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --format telemanom --scale minmax --output ST > /dev/null)
(cd r3 && mp 3 dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --format telemanom --scale minmax --output ST > /dev/null)
diff -r -x product.json r1/ST r3/ST > /dev/null || fail "scaled telemanom export differs between 1 and 3 ranks"
[ -f r1/ST/scaling.csv ] || fail "telemanom layout: scaling.csv"
mv r1/S S1
tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --output U > /dev/null
[ "$(head -1 S1/scaling.csv)" = "Channel,Min,Max" ] || fail "scaling.csv header"
grep -q "scaling.csv" S1/SHA256SUMS || fail "scaling.csv not in SHA256SUMS"
/usr/bin/python3 - <<'PY' || fail "min-max scaling"
import csv, json, math
def cols(f):
    rows = list(csv.reader(open(f)))
    h = rows[0]
    return {h[i]: [r[i] for r in rows[1:]] for i in range(1, len(h)) if not h[i].startswith("is_anomaly_")}
sc = {r["Channel"]: r for r in csv.DictReader(open("S1/scaling.csv"))}
meta = {v["name"]: v for v in json.load(open("S1/metadata.json"))["variableMeasured"]}
train, test, raw_train, raw_test = cols("S1/train.csv"), cols("S1/test.csv"), cols("U/train.csv"), cols("U/test.csv")
num = lambda x: float(x) if x not in ("", "nan") else math.nan
for ch, r in sc.items():
    lo, hi = float(r["Min"]), float(r["Max"])
    assert meta[ch]["minValue"] == lo and meta[ch]["maxValue"] == hi, ch
    raw = [num(x) for x in raw_train[ch] if num(x) == num(x)]
    assert min(raw) == lo and max(raw) == hi, (ch, "fitted on the train split")
    v = [num(x) for x in train[ch] if num(x) == num(x)]
    assert min(v) == 0 and max(v) == (1 if hi > lo else 0), ch
    for a, b in zip(test[ch] + train[ch], raw_test[ch] + raw_train[ch]):  # undo gives the values back
        if num(b) == num(b):
            assert abs(lo + num(a) * ((hi - lo) or 1) - num(b)) <= 1e-9 * max(1, abs(num(b))), (ch, a, b)
PY
[ "$(grep -c 'is_anomaly' <(head -1 S1/test.csv | tr , '\n'))" -eq 20 ] || fail "scaled: is_anomaly columns"
cmp -s <(cut -d, -f22- S1/test.csv) <(cut -d, -f22- U/test.csv) || fail "scaling changed the labels"
pass "--scale minmax: fitted on train, applied to every split, recorded, the same at 1 and 3 ranks"

# Ingest undoes the scaling: the archive gets the values back (to rounding), the labels whole.
tm ingest --archive "$WORK/back" --mission SYN1 --format esa-adb --input S1 --quiet > /dev/null
tm dataset export --archive "$WORK/back" --mission SYN1 --split "$SPLIT" --output U2 > /dev/null
cmp -s U/labels.csv U2/labels.csv || fail "labels after a scaled round trip"
/usr/bin/python3 - <<'PY' || fail "scaled export, import: values back"
import csv
a, b = list(csv.reader(open("U/test.csv"))), list(csv.reader(open("U2/test.csv")))
assert len(a) == len(b) and a[0] == b[0]
for x, y in zip(a[1:], b[1:]):
    for p, q in zip(x[1:21], y[1:21]):
        assert (p == q) or abs(float(p) - float(q)) <= 1e-9 * max(1, abs(float(p))), (p, q)
PY
pass "scaled export, import: the values back, the same labels"

# ESA-ADB's published preprocessed CSVs (as its notebooks/data-prep scripts write them with
# pandas): no channels.csv; `%Y-%m-%d %H:%M:%S` times, float cells, is_anomaly values 0-3.
mkdir pre
/usr/bin/python3 - <<'PY'
import csv
for split, name in (("train", "1_months.train.csv"), ("test", "1_months.test.csv")):
    rows = list(csv.reader(open(f"U/{split}.csv")))
    with open(f"pre/{name}", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(rows[0])
        for r in rows[1:]:
            t = r[0].replace("T", " ").replace("Z", "")
            vals = [c if c in ("", "nan") else repr(float(c)) for c in r[1:21]]
            w.writerow([t] + vals + r[21:])
PY
sed -i '2,30s/,0$/,3/' pre/1_months.train.csv  # a communication gap on the last column, rows 2-30
tm ingest --archive "$WORK/pre_a" --mission ESA --format esa-adb --input pre --quiet > /dev/null
tm labels list --archive "$WORK/pre_a" --mission ESA --format csv > pre_labels.csv
grep -q "^id_[0-9]*,THERM_BAT_T,2026-01-02T03:23:00Z,2026-01-02T03:25:30Z,anomaly,,,Anomaly," pre_labels.csv \
  || fail "preprocessed labels: $(cat pre_labels.csv)"
grep -q ",gap,,,Communication Gap," pre_labels.csv || fail "is_anomaly 3 is a communication gap"
tm dataset export --archive "$WORK/pre_a" --mission ESA --split "$SPLIT" --output pre_again > /dev/null
cmp -s <(cut -d, -f1-21 U/test.csv) <(cut -d, -f1-21 pre_again/test.csv) || fail "preprocessed import: other samples on the grid"
cmp -s <(cut -d, -f22- U/test.csv) <(cut -d, -f22- pre_again/test.csv) || fail "preprocessed import: other flags on the grid"
printf 'timestamp,channel_1,is_anomaly_channel_1\n2000-01-01 00:00:00,1.0,0\n2000-01-01 00:00:30,2.0,7\n' > pre/bad.csv
expect_fail 1 "bad.csv:3: is_anomaly_channel_1 must be 0 to 4" tm ingest --archive "$WORK/pre_b" --mission ESA --format esa-adb --input pre
pass "ESA-ADB's preprocessed CSVs: samples, labels and gaps from the is_anomaly columns"

# Bad options: exit 2 naming the option, before any resampling, nothing left behind.
expect_fail 2 "^telemine: error: --targets: unknown parameter 'NOPE'" tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --targets NOPE --output X
expect_fail 2 "--targets: 'PAYLOAD_I' is not one of the channels (--params)" tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --params THERM_BAT_T --targets PAYLOAD_I --output X
expect_fail 2 "--scale: none or minmax" tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --scale zscore --output X
expect_fail 2 "--grid: " tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --grid fast --output X
expect_fail 2 "--split: the split train is given twice" tm dataset export --archive "$A" --mission SYN1 --split train:2026-01-01..2026-01-01T12:00,train:2026-01-01T12:00..2026-01-02 --output X
expect_fail 2 "--split: 2026-01-01..2026-01-02: expected NAME:FROM..TO" tm dataset export --archive "$A" --mission SYN1 --split 2026-01-01..2026-01-02 --output X
expect_fail 2 "--split: the split test (.*) falls outside the data" tm dataset export --archive "$A" --mission SYN1 --split train:2026-01-01..2026-01-02,test:2026-01-02..2026-01-04 --output X
mkdir full && touch full/keep
expect_fail 2 "--output: full exists and is not an empty folder" mp 2 dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --output full
[ -f full/keep ] && [ "$(ls full)" = keep ] || fail "a refused export touched the existing folder"
mkdir empty
tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --output empty > /dev/null
cmp -s empty/test.csv U/test.csv || fail "an empty output folder is filled"
[ ! -e X ] || fail "a refused export left X"
[ -z "$(find . -maxdepth 1 -name 'X.tmp-*')" ] || fail "a refused export left a temporary folder"
(cd r3 && mp 3 dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --restore-labelled no --output P > /dev/null)
(cd r1 && tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --restore-labelled no --output P > /dev/null)
diff -r -x product.json r1/P r3/P > /dev/null || fail "--restore-labelled no differs between 1 and 3 ranks"
expect_fail 2 "--restore-labelled: yes or no" tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --restore-labelled maybe --output X
# labels add from the command line: the errors name its options.
expect_fail 2 "labels add: --end 2026-01-01T00:00:00Z is before --start 2026-01-02T00:00:00Z" \
  tm labels add --archive "$A" --mission SYN1 --param THERM_BAT_T --kind anomaly --start 2026-01-02 --end 2026-01-01
expect_fail 2 "labels add: --param: unknown parameter 'NOPE'" \
  tm labels add --archive "$A" --mission SYN1 --param NOPE --kind anomaly --start 2026-01-01 --end 2026-01-02
pass "bad options refused before any work"

# From a job file the same errors name the file, line and key; from its command line, the option.
J="$TELEMINE_SOURCE_DIR/jobfiles/dataset-esa-adb.ini"
expect_fail 2 "dataset-esa-adb.ini:[0-9]*: key 'dataset.split': the split train .* falls outside the data" tm run "$J" --archive "$A" --output X
expect_fail 2 "^telemine: error: --dataset.split: the split test overlaps the split train" tm run "$J" --archive "$A" --output X \
  --dataset.split=train:2026-01-01..2026-01-02,test:2026-01-01T12:00..2026-01-02T12:00
expect_fail 2 "^telemine: error: --dataset.grid: 7s does not divide the split train" tm run "$J" --archive "$A" --output X \
  --dataset.split=train:2026-01-01..2026-01-01T00:01:00 --dataset.grid=7s
expect_fail 2 "^telemine: error: --output: full exists and is not an empty folder" tm run "$J" --archive "$A" --output full --dataset.split="$SPLIT"
expect_fail 2 "key 'dataset.scale'" tm run "$J" --archive "$A" --output X --dataset.split="$SPLIT" --dataset.scale=zscore
tm run "$J" --archive "$A" --output JS --dataset.split="$SPLIT" --dataset.scale=minmax > /dev/null
cmp -s JS/test.csv S1/test.csv || fail "the job's --dataset.scale=minmax differs from --scale minmax"
pass "job errors name the file and key, or the option given on the command line"

# A failure part-way (a partition that cannot be read, on one rank's share only): every rank
# stops with the error, no dataset and no temporary folder are left.
cp -r "$A" broken
part=$(find broken/SYN1 -name '*.h5' ! -name catalog.h5 | sort | tail -1)
truncate -s 2000 "$part"
rc=0; timeout 120 "$MPIEXEC" --bind-to none -np 3 "$TELEMINE" dataset export --archive broken --mission SYN1 --split "$SPLIT" --output half > half.log 2>&1 || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "a broken partition: exit $rc ($(tail -3 half.log))"
[ ! -e half ] || fail "a failed export left its folder"
[ -z "$(find . -maxdepth 1 -name 'half.tmp-*')" ] || fail "a failed export left a temporary folder"
pass "a failure part-way leaves no dataset and hangs no rank (exit $rc)"
