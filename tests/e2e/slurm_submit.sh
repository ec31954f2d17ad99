#!/usr/bin/env bash
# telemine submit on a real single-node Slurm cluster: a stats job submitted with sbatch gives
# the same outputs as a direct mpirun; a failing job ends FAILED with a non-zero exit code;
# --dry-run submits nothing. The cluster's daemons are stopped by their pid files at the end,
# also when the test fails.
source "$(dirname "$0")/lib.sh"
CLUSTER="$TELEMINE_SOURCE_DIR/slurm/local-cluster.sh"
SL="$WORK/slurm"
trap '"$CLUSTER" stop "$SL" > /dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
"$CLUSTER" start "$SL"
eval "$("$CLUSTER" env "$SL")"

# Wait for a job to leave the queue; prints its final state and exit code.
wait_job() {
  local id=$1 state=""
  for _ in $(seq 600); do
    state=$(scontrol show job "$id" 2> /dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
    case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
    sleep 0.2
  done
  echo "$state $(scontrol show job "$id" | grep -o 'ExitCode=[0-9:]*' | cut -d= -f2)"
}

mp 2 generate --archive "$WORK/archive" --mission-count 1 --params 24 --days 2 --rate 30s --seed 4 --quiet
cat > "$WORK/job.ini" <<EOT
kind    = stats
archive = $WORK/archive
mission = SYN1
output  = $WORK/direct
[stats]
bucket  = 7min
[slurm]
nodes = 1
ntasks-per-node = 2
time = 00:05:00
EOT
mp 2 run "$WORK/job.ini" --quiet > /dev/null

# --dry-run prints the script and submits nothing.
before=$(squeue -h -t all | wc -l)
tm submit "$WORK/job.ini" --output "$WORK/batch" --dry-run > "$WORK/dry.txt"
grep -q "^#SBATCH --ntasks-per-node=2$" "$WORK/dry.txt" || fail "dry-run script lacks the [slurm] settings"
grep -q "^srun --mpi=pmix " "$WORK/dry.txt" || fail "dry-run script does not run srun --mpi=pmix"
[ "$(squeue -h -t all | wc -l)" -eq "$before" ] || fail "--dry-run submitted a job"
pass "dry-run"

id=$(tm submit "$WORK/job.ini" --output "$WORK/batch")
[[ "$id" =~ ^[0-9]+$ ]] || fail "submit printed '$id', not a job id"
result=$(wait_job "$id")
[ "$result" = "COMPLETED 0:0" ] || fail "job $id ended $result: $(cat "$WORK"/batch/slurm-*.out)"
[ -f "$WORK/batch/job.sbatch" ] || fail "no job.sbatch in the output folder"
grep -q "with exit status 0" "$WORK/batch/slurm-$id.out" || fail "no log in the output folder"
cmp "$WORK/direct/stats.csv" "$WORK/batch/stats.csv" || fail "stats.csv differs between mpirun and Slurm"
cmp <(h5dump "$WORK/direct/stats.h5" | tail -n +2) <(h5dump "$WORK/batch/stats.h5" | tail -n +2) || fail "stats.h5 differs"
grep -q '"ranks": 2' "$WORK/batch/product.json" || fail "the batch job did not run 2 ranks"
pass "a submitted stats job equals a direct mpirun"

# A job that fails at run time ends FAILED, with telemine's exit status.
cp -r "$WORK/archive" "$WORK/broken"
part=$(find "$WORK/broken/SYN1" -name 'SYN1_2026-01-02.h5')
head -c 1000 "$part" > "$part.cut" && mv "$part.cut" "$part"
id=$(tm submit "$WORK/job.ini" --archive "$WORK/broken" --output "$WORK/failed")
result=$(wait_job "$id")
[ "${result%% *}" = "FAILED" ] || fail "a failing job ended $result"
grep -q "SYN1_2026-01-02.h5" "$WORK/failed/slurm-$id.out" || fail "the batch log does not name the corrupt partition"
pass "a failing job ends FAILED ($result)"

# A bad job file is refused before anything is submitted.
expect_fail 2 "key 'mission'" tm submit "$WORK/job.ini" --mission SYN9

# Requeue and resume: a job cancelled part-way, and one whose rank is killed with SIGKILL, are
# submitted again; they resume from the checkpoints of the partitions they had finished, and
# the result is identical byte for byte to the uninterrupted run.
mp 2 generate --archive "$WORK/big" --mission-count 1 --params 20 --days 12 --rate 60s --seed 8 --quiet
mp 2 stats --archive "$WORK/big" --mission SYN1 --bucket 1h --output "$WORK/big-direct" --quiet > /dev/null
checkpoints() { find "$1/.checkpoints" -name '*.bin' 2> /dev/null | wc -l; }
interrupt_and_resume() {
  local out=$1 how=$2 id
  # The shim (tests/e2e/slow_open.c) makes each partition open take 400 ms.
  id=$(LD_PRELOAD="$TELEMINE_SLOW_OPEN" SLOW_H5FOPEN_MATCH=SYN1_ SLOW_H5FOPEN_MS=400 tm submit "$WORK/job.ini" --archive "$WORK/big" --stats.bucket=1h --output "$out")
  for _ in $(seq 300); do [ "$(checkpoints "$out")" -ge 3 ] && break; sleep 0.1; done
  [ "$(checkpoints "$out")" -ge 3 ] || fail "no checkpoints appeared"
  if [ "$how" = scancel ]; then
    scancel "$id"
  else
    pkill -9 -f "telemine run $WORK/job.ini" -n  # the newest rank only
  fi
  local result
  result=$(wait_job "$id")
  [ "${result%% *}" != COMPLETED ] || fail "the interrupted job completed anyway"
  [ ! -e "$out/stats.csv" ] || fail "an interrupted job published outputs"
  local done_before
  done_before=$(checkpoints "$out")
  id=$(tm submit "$WORK/job.ini" --archive "$WORK/big" --stats.bucket=1h --output "$out")
  result=$(wait_job "$id")
  [ "$result" = "COMPLETED 0:0" ] || fail "the resubmitted job ended $result"
  grep -q "resumed [0-9]* of 12 partitions from checkpoints" "$out/slurm-$id.out" || fail "did not resume: $(cat "$out/slurm-$id.out")"
  cmp "$out/stats.csv" "$WORK/big-direct/stats.csv" || fail "resumed stats.csv differs from the uninterrupted run"
  cmp <(h5dump "$out/stats.h5" | tail -n +2) <(h5dump "$WORK/big-direct/stats.h5" | tail -n +2) || fail "resumed stats.h5 differs"
  [ ! -d "$out/.checkpoints" ] || fail "checkpoints left after the product was published"
  pass "interrupted by $how after $done_before partitions, resumed, identical"
}
interrupt_and_resume "$WORK/cancelled" scancel
interrupt_and_resume "$WORK/killed" kill-9

# A two-task campaign (one job file over both missions) becomes one job array and a summary
# job after it; every task equals its direct run.
mp 2 generate --archive "$WORK/two" --mission-count 2 --params 20 --days 2 --rate 60s --seed 9 --quiet
cat > "$WORK/daily.ini" <<EOT
kind = stats
archive = $WORK/two
mission = SYN1
output = $WORK/unused
[stats]
bucket = 1d
EOT
cat > "$WORK/campaign.ini" <<EOT
kind = campaign
archive = $WORK/two
jobs = daily.ini
missions = *
output = $WORK/campaign
[slurm]
ntasks-per-node = 2
time = 00:05:00
EOT
id=$(tm submit "$WORK/campaign.ini" 2> "$WORK/submit.err")
grep -q "2 tasks in job array $id; summary job" "$WORK/submit.err" || fail "campaign submit: $(cat "$WORK/submit.err")"
for _ in $(seq 600); do [ -f "$WORK/campaign/campaign.csv" ] && break; sleep 0.2; done
[ -f "$WORK/campaign/campaign.csv" ] || fail "the summary job wrote no campaign.csv"
[ "$(grep -c ',completed,0$' "$WORK/campaign/campaign.csv")" -eq 2 ] || fail "campaign: $(cat "$WORK/campaign/campaign.csv")"
grep -q '"tasks_completed": 2' "$WORK/campaign/product.json" || fail "campaign product.json"
for m in SYN1 SYN2; do
  mp 2 run "$WORK/daily.ini" --mission "$m" --output "$WORK/direct-$m" --quiet > /dev/null
  cmp "$WORK/direct-$m/stats.csv" "$WORK/campaign/daily-$m/stats.csv" || fail "campaign task for $m differs from its direct run"
done
pass "a two-task campaign as a job array with a summary job"
