#!/usr/bin/env bash
# Dataset export in ESA-ADB's layout: the same files byte for byte at 1 and 3 ranks, checksums
# that verify, labels as ESA-ADB's files hold them, the labels scored perfectly by their own
# is_anomaly columns, and every bad option refused with nothing left behind.
source "$(dirname "$0")/lib.sh"

A="$WORK/archive"
tm generate --archive "$A" --missions 1 --params 20 --days 2 --rate 10s --quiet > /dev/null
SPLIT=train:2026-01-01..2026-01-02,test:2026-01-02..2026-01-02T23:00
mkdir "$WORK/r1" "$WORK/r3"
(cd "$WORK/r1" && tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --grid 30s --output D > /dev/null)
(cd "$WORK/r3" && mp 3 dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --grid 30s --output D > /dev/null)
for f in channels.csv labels.csv anomaly_types.csv telecommands.csv events.csv train.csv test.csv metadata.json README.md SHA256SUMS; do
  [ -f "$WORK/r1/D/$f" ] || fail "missing $f"
  cmp -s "$WORK/r1/D/$f" "$WORK/r3/D/$f" || fail "$f differs between 1 and 3 ranks"
done
grep -q '"ranks": 3' "$WORK/r3/D/product.json" || fail "product.json records the ranks"
(cd "$WORK/r1/D" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS"
pass "export identical at 1 and 3 ranks, checksums verify"

D="$WORK/r1/D"
[ "$(head -1 "$D/labels.csv")" = "ID,Channel,StartTime,EndTime" ] || fail "labels.csv header"
[ "$(head -1 "$D/anomaly_types.csv")" = "ID,Class,Subclass,Category,Dimensionality,Locality,Length" ] || fail "anomaly_types.csv header"
[ "$(head -1 "$D/channels.csv")" = "Channel,Subsystem,Physical Unit,Group,Target,Categorical" ] || fail "channels.csv header"
[ "$(tail -n +2 "$D/train.csv" | wc -l)" -eq 2880 ] || fail "train rows: 1 day at 30 s"
[ "$(tail -n +2 "$D/test.csv" | wc -l)" -eq 2760 ] || fail "test rows: 23 h at 30 s"
head -1 "$D/train.csv" | grep -q "^timestamp,AOCS_MODE,.*,is_anomaly_AOCS_MODE," || fail "split CSV header"
awk -F, 'NR > 1 && NF != 7 { bad = 1 } END { exit bad }' "$D/anomaly_types.csv" || fail "anomaly_types.csv has 7 fields a row"
python3 - "$D" <<'PY' || fail "metadata.json is not Croissant JSON-LD"
import json, sys
m = json.load(open(sys.argv[1] + "/metadata.json"))
assert m["@type"] == "sc:Dataset" and m["conformsTo"].startswith("http://mlcommons.org/croissant")
assert {d["name"] for d in m["distribution"]} >= {"train.csv", "test.csv", "labels.csv"}
PY
# The exported labels, read back from the split's own is_anomaly columns, are found exactly.
tm evaluate --archive "$A" --mission SYN1 --detections "$D/train.csv" --metrics esa-adb --from 2026-01-01 --to 2026-01-02 \
  --output "$WORK/self.csv" > /dev/null
awk -F, 'NR == 2 { if ($4 != 1) exit 1 }' "$WORK/self.csv" || fail "labels as detections: $(cat "$WORK/self.csv")"
pass "ESA-ADB files, Croissant metadata, labels found by their own columns"

(cd "$WORK" && tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --params THERM_BAT_T PAYLOAD_I --anonymise --output anon > /dev/null)
[ "$(head -1 "$WORK/anon/train.csv")" = "timestamp,channel_1,channel_2,is_anomaly_channel_1,is_anomaly_channel_2" ] || fail "anonymised header"
! grep -q "THERM_BAT_T\|PAYLOAD_I" "$WORK/anon/labels.csv" "$WORK/anon/channels.csv" "$WORK/anon/train.csv" || fail "a name left after --anonymise"
pass "anonymised channels"

X="$WORK/bad"
expect_fail 2 "overlaps the split train" tm dataset export --archive "$A" --mission SYN1 --split train:2026-01-01..2026-01-02,test:2026-01-01T12:00..2026-01-02T12:00 --output "$X"
expect_fail 2 "falls outside the data" tm dataset export --archive "$A" --mission SYN1 --split train:2025-12-01..2026-01-02 --output "$X"
expect_fail 2 "does not divide the split" tm dataset export --archive "$A" --mission SYN1 --split train:2026-01-01..2026-01-01T00:01:10 --grid 30s --output "$X"
expect_fail 2 "unknown parameter 'NOPE'" tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --params NOPE --output "$X"
expect_fail 2 "expected NAME:FROM..TO" tm dataset export --archive "$A" --mission SYN1 --split train --output "$X"
expect_fail 2 "exists" tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --output "$D"
expect_fail 2 "does not divide the split" mp 3 dataset export --archive "$A" --mission SYN1 --split train:2026-01-01..2026-01-01T00:01:10 --output "$X"
[ ! -e "$X" ] || fail "a refused export left $X"
[ -z "$(find "$WORK" -maxdepth 1 -name 'bad.tmp-*')" ] || fail "a refused export left a temporary folder"
pass "bad exports refused, nothing left behind"

# ESA-ADB's restoration of labelled samples: THERM_BAT_T's label ends at 03:25:00; the bin
# [03:25:00, 03:25:30) holds that labelled sample and two nominal ones after it, so the row at
# 03:25:30 keeps the labelled sample (its value, is_anomaly 1) instead of the last nominal one.
(cd "$WORK/r1" && tm dataset export --archive "$A" --mission SYN1 --split "$SPLIT" --restore-labelled no --output P > /dev/null)
P="$WORK/r1/P"
row() { grep "^$2," "$1" | cut -d, -f"$3"; }  # file, time, fields
[ "$(row "$D/test.csv" 2026-01-02T03:25:30Z 20,40)" = "$(row "$P/test.csv" 2026-01-02T03:25:00Z 20),1" ] \
  || fail "restored row: $(row "$D/test.csv" 2026-01-02T03:25:30Z 20,40) vs $(row "$P/test.csv" 2026-01-02T03:25:00Z 20,40)"
[ "$(row "$P/test.csv" 2026-01-02T03:25:30Z 40)" = 0 ] || fail "plain hold flags the row after the label"
grep -q "Rows kept so: 3" "$D/README.md" || fail "datasheet: restored rows"
[ "$(diff "$D/test.csv" "$P/test.csv" | grep -c '^<')" -eq 1 ] || fail "restoration changed more than one test row"
pass "labelled samples kept as ESA-ADB keeps them"

# Import: ingest --format esa-adb reads the layout back; exporting it again gives the same files
# (without the restoration, byte for byte; with it, the same samples and labels, the restored
# rows no longer flagged: the archive keeps the label, not the row's flag).
tm ingest --archive "$WORK/back" --mission SYN1 --format esa-adb --input "$D" --quiet > /dev/null
mkdir "$WORK/again"
(cd "$WORK/again" && tm dataset export --archive "$WORK/back" --mission SYN1 --split "$SPLIT" --grid 30s --output D > /dev/null)
for f in channels.csv labels.csv anomaly_types.csv events.csv; do
  cmp -s "$D/$f" "$WORK/again/D/$f" || fail "$f differs after export, import, export"
done
for f in train.csv test.csv; do
  cmp -s <(cut -d, -f1-21 "$D/$f") <(cut -d, -f1-21 "$WORK/again/D/$f") || fail "$f: samples differ after export, import, export"
  [ "$(diff "$D/$f" "$WORK/again/D/$f" | grep -c '^<')" -le 2 ] || fail "$f: more than the restored rows differ"
done
tm ingest --archive "$WORK/pback" --mission SYN1 --format esa-adb --input "$P" --quiet > /dev/null
(cd "$WORK/again" && tm dataset export --archive "$WORK/pback" --mission SYN1 --split "$SPLIT" --restore-labelled no --output P > /dev/null)
diff -r -x product.json -x README.md -x metadata.json -x SHA256SUMS "$P" "$WORK/again/P" > /dev/null || fail "plain hold: export, import, export differs"
tm labels list --archive "$WORK/back" --mission SYN1 --kind anomaly --format csv | grep -q "THERM_BAT_T" || fail "labels imported as events"
pass "export, import, export: the same samples on the grid and the same labels"
cp -r "$D" "$WORK/broken"
sed -i '3s/,[^,]*$/,NOT_A_TIME/' "$WORK/broken/labels.csv"
expect_fail 1 "broken/labels.csv:3: invalid time" tm ingest --archive "$WORK/back2" --mission SYN1 --format esa-adb --input "$WORK/broken"
[ ! -e "$WORK/back2/SYN1/catalog.h5" ] || fail "a refused import left a catalogue behind"
no_temporaries "$WORK/back2"
pass "a malformed ESA-ADB file refused with its line"

# The telemanom layout: the same at 1 and 3 ranks, read by numpy and by ingest --format telemanom.
TSPLIT=train:2026-01-01..2026-01-02,test:2026-01-02..2026-01-02T23:00
(cd "$WORK/r1" && tm dataset export --archive "$A" --mission SYN1 --split "$TSPLIT" --format telemanom --output T > /dev/null)
(cd "$WORK/r3" && mp 3 dataset export --archive "$A" --mission SYN1 --split "$TSPLIT" --format telemanom --output T > /dev/null)
diff -r -x product.json "$WORK/r1/T" "$WORK/r3/T" > /dev/null || fail "telemanom export differs between 1 and 3 ranks"
# Rows 406-410 lie in the label; row 411 keeps its last labelled sample (ESA-ADB's restoration).
grep -q '^THERM_BAT_T,SYN1,"\[\[406, 411\]\]","\[point\]",2760$' "$WORK/r1/T/labeled_anomalies.csv" \
  || fail "labeled_anomalies.csv: $(cat "$WORK/r1/T/labeled_anomalies.csv")"
/usr/bin/python3 -c "
import numpy as np, sys
a = np.load(sys.argv[1] + '/train/THERM_BAT_T.npy'); b = np.load(sys.argv[1] + '/test/THERM_BAT_T.npy')
assert a.shape == (2880, 1) and b.shape == (2760, 1) and np.isfinite(a).mean() > 0.9
" "$WORK/r1/T" || fail "numpy reads the telemanom export"
out=$(tm ingest --archive "$WORK/tback" --mission TM --format telemanom --input "$WORK/r1/T" --period 30s --quiet)
grep -q "20 parameters, 1 events" <<<"$out" || fail "telemanom ingest of the export: $out"
head -1 "$WORK/r1/T/README.md" | grep -q "(telemanom layout)" || fail "the telemanom datasheet's title: $(head -1 "$WORK/r1/T/README.md")"
grep -q "labeled_anomalies.csv" "$WORK/r1/T/README.md" || fail "the telemanom datasheet does not list its files"
expect_fail 2 "the splits train and test" tm dataset export --archive "$A" --mission SYN1 --split "train:2026-01-01..2026-01-02" --format telemanom --output "$X"
pass "telemanom export: identical at 1 and 3 ranks, read by numpy and ingest"

# kind = dataset: the job files run the same export.
tm run "$TELEMINE_SOURCE_DIR/jobfiles/dataset-esa-adb.ini" --archive "$A" --output "$WORK/job-esa" --dataset.split="$SPLIT" > /dev/null
for f in train.csv test.csv labels.csv; do cmp -s "$D/$f" "$WORK/job-esa/$f" || fail "job file export: $f differs"; done
tm run "$TELEMINE_SOURCE_DIR/jobfiles/dataset-telemanom.ini" --archive "$A" --output "$WORK/job-tm" --dataset.split="$TSPLIT" > /dev/null
cmp -s "$WORK/r1/T/labeled_anomalies.csv" "$WORK/job-tm/labeled_anomalies.csv" || fail "job file telemanom export differs"
expect_fail 2 "falls outside the data" tm run "$TELEMINE_SOURCE_DIR/jobfiles/dataset-esa-adb.ini" --archive "$A" --output "$X"
pass "jobfiles/dataset-*.ini"
