#!/usr/bin/env bash
# `make demo`: a synthetic multi-mission archive generated with mpirun, every analysis that
# exists run on it, and what was found. Everything lands in ./demo/.
set -euo pipefail
BUILD=${1:-build}
NP=${2:-2}
TM="$PWD/$BUILD/telemine"
OUT="$PWD/demo"
MPI=(mpirun --bind-to none -np "$NP")
rm -rf "$OUT"
mkdir -p "$OUT"

step() { printf '\n== %s\n' "$*"; }

step "generate: 2 missions x 40 parameters x 7 days at one sample per 5 s, $NP ranks"
"${MPI[@]}" "$TM" generate --archive "$OUT/archive" --mission-count 2 --params 40 --days 7 --rate 5s --seed 42

step "info: what the archive holds"
"$TM" info --archive "$OUT/archive"
"$TM" info --archive "$OUT/archive" --mission SYN1 | sed -n 1,12p

step "get: one hour of the power bus current (first lines of $OUT/bus-current.csv)"
"$TM" get --archive "$OUT/archive" --mission SYN1 --param POWER_BUS_I \
  --from 2026-01-02T10:00:00Z --to 2026-01-02T11:00:00Z --format csv > "$OUT/bus-current.csv"
head -5 "$OUT/bus-current.csv"

step "stats: hourly statistics of POWER_* and THERM_* (jobfiles/stats-hourly.ini), $NP ranks"
"${MPI[@]}" "$TM" run jobfiles/stats-hourly.ini --archive "$OUT/archive" --output "$OUT/stats-hourly" --quiet
echo "the battery's hottest hours (max, degC): the planted point anomaly stands out"
awk -F, '$2 == "THERM_BAT_T" { print $3, $7 }' "$OUT/stats-hourly/stats.csv" | sort -k2 -gr | sed -n 1,3p | sed 's/^/  /'
echo "truth.json: $(grep -m1 -o '"description": "temperature spike[^"]*"' "$OUT/archive/truth.json")"

step "stats: daily statistics of every parameter of both missions (jobfiles/stats-daily.ini)"
"${MPI[@]}" "$TM" run jobfiles/stats-daily.ini --archive "$OUT/archive" --output "$OUT/stats-daily" --quiet

step "dependency: which parameters of SYN1 move together, and with what delay (jobfiles/dependency-all.ini), $NP ranks"
"${MPI[@]}" "$TM" run jobfiles/dependency-all.ini --archive "$OUT/archive" --output "$OUT/dependency-all" --quiet > "$OUT/dependency.txt"
sed -n 1p "$OUT/dependency.txt"
echo "the strongest partner of a few parameters (top.csv; lag > 0: the partner follows):"
for p in DEP_LAG_A DEP_SQ_X PAYLOAD_MODE THERM_HTR1_ON POWER_SA_I IND_AR_1 IND_WALK_1; do
  row=$(awk -F, -v p="$p" '$1 == p && $2 == 1' "$OUT/dependency-all/top.csv")
  if [ -n "$row" ]; then
    awk -F, '{ printf "  %-14s -> %-16s lag %5s s  nmi %.2f\n", $1, $3, $4, $6 }' <<< "$row"
  else
    printf '  %-14s    no significant partner\n' "$p"
  fi
done
echo "planted in truth.json: $(awk '/"mission": "/ { m++ } m > 1 { exit } /"param_a"/ { gsub(/[",]/, "", $2); a = $2 } /"param_b"/ { gsub(/[",]/, "", $2); b = $2 }
  /"lag_seconds"/ && a != "" { gsub(/[",]/, "", $2); printf "%s->%s@%ss ", a, b, $2; a = "" }' "$OUT/archive/truth.json")"

step "novelty: one autoencoder per subsystem of SYN1, learned on days 1-4 (jobfiles/novelty-subsystems.ini), $NP ranks"
"${MPI[@]}" "$TM" run jobfiles/novelty-subsystems.ini --archive "$OUT/archive" --output "$OUT/novelty-subsystems" --quiet
"$TM" evaluate --archive "$OUT/archive" --mission SYN1 --detections "$OUT/novelty-subsystems/detections.csv" \
  --from 2026-01-05 > "$OUT/novelty-evaluation.txt"
echo "the planted anomalies (labels) and whether a detection of their parameter overlaps them (found):"
awk 'NR == 1 || ($2 ~ /^[0-9]+$/ && $2 > 0 && $1 != "(mission)")' "$OUT/novelty-evaluation.txt" | cut -c1-37 | sed 's/^/  /'
echo "  and $(awk '$1 == "(mission)" { print $5 }' "$OUT/novelty-evaluation.txt") detections that overlap no label: four days of reference are short for"
echo "  the slow processes (random walks, AR(1) series, ground passes), which reach states not seen in them"

step "dataset: SYN1 exported in ESA-ADB's layout (train days 1-4, test days 5-7, 30 s grid), re-imported, scored with ESA-ADB's metrics"
"${MPI[@]}" "$TM" dataset export --archive "$OUT/archive" --mission SYN1 --grid 30s \
  --split train:2026-01-01..2026-01-05,test:2026-01-05..2026-01-08 --output "$OUT/dataset-syn1" > /dev/null
(cd "$OUT/dataset-syn1" && sha256sum --quiet -c SHA256SUMS) && echo "  $(ls "$OUT/dataset-syn1" | tr '\n' ' ')(checksums verified)"
"${MPI[@]}" "$TM" ingest --archive "$OUT/archive" --mission SYN1ESA --format esa-adb --input "$OUT/dataset-syn1" --quiet | sed 's/^/  /'
{ echo "param,start,end"; tail -n +2 "$OUT/novelty-subsystems/detections.csv" | cut -d, -f2-4; } > "$OUT/novelty-intervals.csv"
"$TM" evaluate --archive "$OUT/archive" --mission SYN1ESA --detections "$OUT/novelty-intervals.csv" --metrics esa-adb \
  --from 2026-01-05 --output "$OUT/novelty-esa-adb.csv" | grep -E "EW_F_0.50|AFF_F_0.50|channel_F0.50|ADTQC_Total|found" | sed 's/^/  /'

SMAP=../shared/data/smap.tar.xz
if [ -f "$SMAP" ]; then
  step "ingest: NASA SMAP telemetry (telemanom layout) into mission SMAP, $NP ranks"
  mkdir -p "$OUT/smap-src"
  tar xJf "$SMAP" -C "$OUT/smap-src"
  "${MPI[@]}" "$TM" ingest --archive "$OUT/archive" --mission SMAP --format telemanom --input "$OUT/smap-src/smap" --quiet
  "$TM" info --archive "$OUT/archive"
  rm -rf "$OUT/smap-src"

  step "novelty on SMAP: one model per channel, trained on the train split, scoring the test split (jobfiles/novelty-telemanom.ini)"
  "${MPI[@]}" "$TM" run jobfiles/novelty-telemanom.ini --archive "$OUT/archive" --output "$OUT/novelty-smap" --quiet
  "$TM" evaluate --archive "$OUT/archive" --mission SMAP --detections "$OUT/novelty-smap/detections.csv" \
    --from 2001-01-01 > "$OUT/novelty-smap-evaluation.txt"
  awk 'NR == 1 || $1 == "(mission)"' "$OUT/novelty-smap-evaluation.txt" | sed 's/^/  /'
  echo "  (Hundman et al. 2018, LSTM, SMAP and MSL: precision 0.875, recall 0.80)"
fi

step "campaign: daily statistics of every mission, one task per mission (jobfiles/campaign-daily.ini)"
"${MPI[@]}" "$TM" run jobfiles/campaign-daily.ini --archive "$OUT/archive" --output "$OUT/campaign-daily" --quiet
sed "s/^/  /" "$OUT/campaign-daily/campaign.csv"

step "stream: SYN1's point anomalies replayed live at 100x real time, out-of-limit and novelty alerts (scripts/demo_stream.sh)"
scripts/demo_stream.sh "$TM" "$OUT/archive" "$OUT" 100 "$OUT/novelty-subsystems/models"

step "done"
cat <<EOT
archive:        $OUT/archive   (one folder per mission: catalog.h5 and YYYY/MM/MISSION_YYYY-MM-DD.h5)
ground truth:   $OUT/archive/truth.json   (planted dependencies and anomalies)
samples (CSV):  $OUT/bus-current.csv
statistics:     $OUT/stats-hourly/{stats.csv,stats.h5,product.json}, $OUT/stats-daily/
dependencies:   $OUT/dependency-all/{pairs.csv,top.csv,graph.dot,pairs.h5,product.json}
novelty:        $OUT/novelty-subsystems/{detections.csv,scores.h5,models/,evaluation.csv,product.json}
campaign:       $OUT/campaign-daily/{campaign.csv,product.json} and one folder per task
live:           mission SYN1-LIVE (telemine stream), $OUT/alerts.jsonl
dataset:        $OUT/dataset-syn1/ (ESA-ADB layout, Croissant metadata.json, README.md, SHA256SUMS), $OUT/novelty-esa-adb.csv
on Slurm:       slurm/local-cluster.sh start /tmp/tm-slurm; eval "$(slurm/local-cluster.sh env /tmp/tm-slurm)";
                $TM submit jobfiles/campaign-daily.ini --archive $OUT/archive --output $OUT/campaign-slurm
try:            $TM info --archive $OUT/archive --mission SYN1
EOT
