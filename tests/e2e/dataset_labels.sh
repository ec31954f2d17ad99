#!/usr/bin/env bash
# Label curation and ESA-ADB scoring: labels exported, given ESA-ADB ids and types, imported
# back, listed, added, removed; every bad label file refused with its line and the catalogue
# unchanged; detections scored with ESA-ADB's metrics from all three detection layouts.
source "$(dirname "$0")/lib.sh"

A="$WORK/archive"
tm generate --archive "$A" --missions 1 --params 20 --days 2 --rate 10s --quiet > /dev/null
cat="$A/SYN1/catalog.h5"

# Export, give the anomalies ids and types (id_0 touches two parameters), import with --replace.
tm labels export --archive "$A" --mission SYN1 --output "$WORK/labels.csv"
[ "$(head -1 "$WORK/labels.csv")" = "id,param,start,end,kind,class,subclass,category,dimensionality,locality,length,text" ] \
  || fail "labels export header"
cat > "$WORK/curated.csv" <<'CSV'
id,param,start,end,kind,class,subclass,category,dimensionality,locality,length,text
id_0,PAYLOAD_I,2026-01-01T11:23:00Z,2026-01-01T12:23:00Z,anomaly,contextual,,Anomaly,Multivariate,Local,Subsequence,"stuck, standby"
id_0,PAYLOAD_MODE,2026-01-01T11:23:00Z,2026-01-01T12:23:00Z,anomaly,contextual,,Anomaly,Multivariate,Local,Subsequence,
id_1,THERM_BAT_T,2026-01-02T03:23:00Z,2026-01-02T03:25:00Z,anomaly,point,,Anomaly,Univariate,Global,Point,spike
id_2,DEP_SQ_Y,2026-01-01T17:37:00Z,2026-01-01T18:37:00Z,rare-nominal,,,Rare Event,Univariate,Local,Subsequence,manoeuvre
CSV
out=$(tm labels import --archive "$A" --mission SYN1 --input "$WORK/curated.csv" --replace)
grep -q "imported 4 events (3 ids)" <<<"$out" || fail "import: $out"
[ "$(tm labels list --archive "$A" --mission SYN1 --format csv | tail -n +2 | wc -l)" -eq 4 ] || fail "4 events after import"
tm labels list --archive "$A" --mission SYN1 --kind anomaly --format csv | grep -q "id_1,THERM_BAT_T" || fail "list --kind"
[ "$(tm labels list --archive "$A" --mission SYN1 --param PAYLOAD_MODE --format csv | tail -n +2 | wc -l)" -eq 1 ] || fail "list --param"
tm labels export --archive "$A" --mission SYN1 --output "$WORK/again.csv"
diff <(tail -n +2 "$WORK/curated.csv" | sort) <(tail -n +2 "$WORK/again.csv" | sort) > /dev/null || fail "export after import differs"
pass "labels export, import, list round-trip"

out=$(tm labels add --archive "$A" --mission SYN1 --param THERM_BAT_T --kind anomaly --start 2026-01-02T05:00:00Z --end 2026-01-02T05:10:00Z)
grep -q "added id_3" <<<"$out" || fail "add: $out"
tm labels remove --archive "$A" --mission SYN1 --id id_3 | grep -q "removed 1 events of id id_3" || fail "remove"
pass "labels add and remove"

# Bad label files: exit 2 with the line, the catalogue unchanged, no temporary left.
sum=$(md5sum < "$cat")
H="id,param,start,end,kind,class,subclass,category,dimensionality,locality,length,text"
printf '%s\nid_9,THERM_BAT_T,2026-01-02T05:00:00Z,2026-01-02T04:00:00Z,anomaly,,,,,,,\n' "$H" > "$WORK/bad1.csv"
expect_fail 2 "bad1.csv:2: end .* is before start" tm labels import --archive "$A" --mission SYN1 --input "$WORK/bad1.csv"
printf '%s\nid_9,NOPE,2026-01-02T05:00:00Z,2026-01-02T06:00:00Z,anomaly,,,,,,,\n' "$H" > "$WORK/bad2.csv"
expect_fail 2 "bad2.csv:2: unknown parameter 'NOPE'" tm labels import --archive "$A" --mission SYN1 --input "$WORK/bad2.csv"
printf '%s\nid_9,THERM_BAT_T,2026-01-02T05:00:00Z,2026-01-02T06:00:00Z,anomaly,point,,,,,,\nid_9,PAYLOAD_I,2026-01-02T05:00:00Z,2026-01-02T06:00:00Z,anomaly,contextual,,,,,,\n' "$H" > "$WORK/bad3.csv"
expect_fail 2 "bad3.csv:3: id id_9 was given the type" tm labels import --archive "$A" --mission SYN1 --input "$WORK/bad3.csv"
printf '%s\nid_1,THERM_BAT_T,2026-01-02T05:00:00Z,2026-01-02T06:00:00Z,anomaly,contextual,,Anomaly,,,,\n' "$H" > "$WORK/bad4.csv"
expect_fail 2 "bad4.csv:2: id id_1 has the type" tm labels import --archive "$A" --mission SYN1 --input "$WORK/bad4.csv"
printf '%s\nid_9,THERM_BAT_T,2026-01-02T05:00:00Z\n' "$H" > "$WORK/bad5.csv"
expect_fail 2 "bad5.csv:2: expected 12 fields" tm labels import --archive "$A" --mission SYN1 --input "$WORK/bad5.csv"
printf 'id,param,start\n' > "$WORK/bad6.csv"
expect_fail 2 "bad6.csv:1: expected the header" tm labels import --archive "$A" --mission SYN1 --input "$WORK/bad6.csv"
expect_fail 2 "no event with id id_77" tm labels remove --archive "$A" --mission SYN1 --id id_77
expect_fail 2 "unknown action 'frob'" tm labels frob --archive "$A" --mission SYN1
[ "$(md5sum < "$cat")" = "$sum" ] || fail "catalogue changed by a refused label file"
no_temporaries "$A"

# ESA-ADB scores of the same detections in the three layouts: id_0 found on one of its two
# channels, id_1 missed, one false alarm; the rare nominal event is not scored.
printf 'param,start,end\nPAYLOAD_I,2026-01-01T11:30:00Z,2026-01-01T12:00:00Z\nTHERM_BAT_T,2026-01-01T20:00:00Z,2026-01-01T21:00:00Z\nDEP_SQ_Y,2026-01-01T17:40:00Z,2026-01-01T17:50:00Z\n' > "$WORK/det.csv"
printf 'mission,param,start,end,score,contributors\n' > "$WORK/detections.csv"
tail -n +2 "$WORK/det.csv" | sed 's/^/SYN1,/; s/$/,1,/' >> "$WORK/detections.csv"
{
  printf 'timestamp,is_anomaly_PAYLOAD_I,is_anomaly_THERM_BAT_T,is_anomaly_DEP_SQ_Y\n'
  printf '2026-01-01T00:00:00Z,0,0,0\n2026-01-01T11:30:00Z,1,0,0\n2026-01-01T12:00:00Z,0,0,0\n'
  printf '2026-01-01T17:40:00Z,0,0,1\n2026-01-01T17:50:00Z,0,0,0\n2026-01-01T20:00:00Z,0,1,0\n2026-01-01T21:00:00Z,0,0,0\n'
} > "$WORK/esa.csv"
for f in det.csv detections.csv esa.csv; do
  tm evaluate --archive "$A" --mission SYN1 --detections "$WORK/$f" --metrics esa-adb --output "$WORK/score_$f" > "$WORK/log_$f"
  grep -q "1 anomalies found, 1 missed, 1 false alarms" "$WORK/log_$f" || fail "esa-adb scores of $f: $(cat "$WORK/log_$f")"
done
head -1 "$WORK/score_det.csv" | grep -q "^mission,selection,EW_precision,EW_recall,EW_F_0.50,alarming_precision,AFF_precision,AFF_recall,AFF_F_0.50,channel_precision" \
  || fail "ESA-ADB column names"
cmp -s "$WORK/score_det.csv" "$WORK/score_detections.csv" || fail "detections.csv and param,start,end score differently"
cmp -s "$WORK/score_det.csv" "$WORK/score_esa.csv" || fail "ESA-ADB's layout scores differently"
# EW_recall 1/2; the channel-aware recall of id_0 is 1/2, of id_1 0.
awk -F, 'NR==2 { if ($4 != 0.5) exit 1; if ($11 != 0.25) exit 1 }' "$WORK/score_det.csv" || fail "scores: $(cat "$WORK/score_det.csv")"
tm evaluate --archive "$A" --mission SYN1 --detections "$WORK/det.csv" --metrics esa-adb --select Category=Anomaly,'Rare Event' \
  --output "$WORK/rare.csv" | grep -q "2 anomalies found, 1 missed" || fail "selecting rare events too"
tm evaluate --archive "$A" --mission SYN1 --detections "$WORK/detections.csv" --metrics all > "$WORK/all.log"
grep -q "corr.F0.5" "$WORK/all.log" && grep -q "EW_F_0.50" "$WORK/all.log" || fail "--metrics all shows both"
expect_fail 2 "expected Field=Value" tm evaluate --archive "$A" --mission SYN1 --detections "$WORK/det.csv" --metrics esa-adb --select Colour=red
expect_fail 2 "must be hundman, esa-adb or all" tm evaluate --archive "$A" --mission SYN1 --detections "$WORK/det.csv" --metrics f1
printf 'timestamp,is_anomaly_X\n2026-01-01T00:00:00Z,2\n' > "$WORK/bad_esa.csv"
expect_fail 2 "bad_esa.csv:2: is_anomaly_X must be 0 or 1" tm evaluate --archive "$A" --mission SYN1 --detections "$WORK/bad_esa.csv" --metrics esa-adb
pass "ESA-ADB metrics from three detection layouts"
