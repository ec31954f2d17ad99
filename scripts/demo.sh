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

step "generate: 2 missions x 40 parameters x 3 days at 1 Hz, $NP ranks"
"${MPI[@]}" "$TM" generate --archive "$OUT/archive" --missions 2 --params 40 --days 3 --rate 1s --seed 42

step "info: what the archive holds"
"$TM" info --archive "$OUT/archive"
"$TM" info --archive "$OUT/archive" --mission SYN1 | head -12

step "get: one hour of the power bus current (first lines of $OUT/bus-current.csv)"
"$TM" get --archive "$OUT/archive" --mission SYN1 --param POWER_BUS_I \
  --from 2026-01-02T10:00:00Z --to 2026-01-02T11:00:00Z --format csv > "$OUT/bus-current.csv"
head -5 "$OUT/bus-current.csv"

step "stats: hourly statistics of POWER_* and THERM_* (jobfiles/stats-hourly.ini), $NP ranks"
"${MPI[@]}" "$TM" run jobfiles/stats-hourly.ini --archive "$OUT/archive" --output "$OUT/stats-hourly" --quiet
echo "the battery's hottest hours (max, degC): the planted point anomaly stands out"
awk -F, '$2 == "THERM_BAT_T" { print $3, $7 }' "$OUT/stats-hourly/stats.csv" | sort -k2 -gr | head -3 | sed 's/^/  /'
echo "truth.json: $(grep -o '"description": "temperature spike[^"]*"' "$OUT/archive/truth.json" | head -1)"

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

SMAP=../shared/data/smap.tar.xz
if [ -f "$SMAP" ]; then
  step "ingest: NASA SMAP telemetry (telemanom layout) into mission SMAP, $NP ranks"
  mkdir -p "$OUT/smap-src"
  tar xJf "$SMAP" -C "$OUT/smap-src"
  "${MPI[@]}" "$TM" ingest --archive "$OUT/archive" --mission SMAP --format telemanom --input "$OUT/smap-src/smap" --quiet
  "$TM" info --archive "$OUT/archive"
  rm -rf "$OUT/smap-src"
fi

step "campaign: daily statistics of every mission, one task per mission (jobfiles/campaign-daily.ini)"
"${MPI[@]}" "$TM" run jobfiles/campaign-daily.ini --archive "$OUT/archive" --output "$OUT/campaign-daily" --quiet
sed "s/^/  /" "$OUT/campaign-daily/campaign.csv"

step "done"
cat <<EOT
archive:        $OUT/archive   (one folder per mission: catalog.h5 and YYYY/MM/MISSION_YYYY-MM-DD.h5)
ground truth:   $OUT/archive/truth.json   (planted dependencies and anomalies)
samples (CSV):  $OUT/bus-current.csv
statistics:     $OUT/stats-hourly/{stats.csv,stats.h5,product.json}, $OUT/stats-daily/
dependencies:   $OUT/dependency-all/{pairs.csv,top.csv,graph.dot,pairs.h5,product.json}
campaign:       $OUT/campaign-daily/{campaign.csv,product.json} and one folder per task
on Slurm:       slurm/local-cluster.sh start /tmp/tm-slurm; eval "$(slurm/local-cluster.sh env /tmp/tm-slurm)";
                $TM submit jobfiles/campaign-daily.ini --archive $OUT/archive --output $OUT/campaign-slurm
try:            $TM info --archive $OUT/archive --mission SYN1
EOT
