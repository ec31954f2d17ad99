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

mp 2 generate --archive "$WORK/archive" --missions 1 --params 24 --days 2 --rate 30s --seed 4 --quiet
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
