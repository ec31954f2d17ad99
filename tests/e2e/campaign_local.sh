#!/usr/bin/env bash
# A campaign run directly (no Slurm): every task runs on the same ranks, a failed task is
# recorded and the next one runs, and the summary lists every task with its state.
source "$(dirname "$0")/lib.sh"
mp 2 generate --archive "$WORK/archive" --mission-count 2 --params 20 --days 2 --rate 60s --seed 2 --quiet
part=$(find "$WORK/archive/SYN2" -name 'SYN2_2026-01-02.h5')
head -c 1000 "$part" > "$part.cut" && mv "$part.cut" "$part"   # SYN2's task will fail
mkdir -p "$WORK/jobs"
cat > "$WORK/jobs/hourly.ini" <<EOT
kind = stats
archive = $WORK/archive
mission = SYN1
output = $WORK/unused
[stats]
bucket = 1h
EOT
cat > "$WORK/jobs/campaign.ini" <<EOT
kind = campaign
jobs = hourly.ini
missions = SYN1, SYN2
output = $WORK/out
EOT
rc=0
mp 2 run "$WORK/jobs/campaign.ini" --quiet > "$WORK/run.txt" 2> "$WORK/run.err" || rc=$?
[ "$rc" -eq 1 ] || fail "a campaign with a failed task must exit 1, got $rc"
grep -q "campaign task 1 (hourly.ini, SYN2) failed: .*SYN2_2026-01-02.h5" "$WORK/run.err" || fail "failure not reported: $(cat "$WORK/run.err")"
grep -q "^0,.*,SYN1,.*,completed,0$" "$WORK/out/campaign.csv" || fail "SYN1 task: $(cat "$WORK/out/campaign.csv")"
grep -q "^1,.*,SYN2,.*,failed,1$" "$WORK/out/campaign.csv" || fail "SYN2 task: $(cat "$WORK/out/campaign.csv")"
[ -s "$WORK/out/hourly-SYN1/stats.csv" ] || fail "the completed task has no outputs"
grep -q '"tasks_failed": 1' "$WORK/out/product.json" || fail "product.json"
pass "local campaign: one task completed, one failed, both listed"

# Run again, the campaign redoes only what did not finish: the completed task is skipped (its
# outputs verified by checksum); an output changed since is made again, identical.
sum_before=$(sha256sum "$WORK/out/hourly-SYN1/stats.csv")
mp 2 run "$WORK/jobs/campaign.ini" --quiet > "$WORK/run2.txt" 2> "$WORK/run2.err" || true
grep -q "hourly-SYN1 already holds this job's outputs" "$WORK/run2.txt" || fail "the completed task was not skipped: $(cat "$WORK/run2.txt")"
grep -q "campaign task 1 (hourly.ini, SYN2) failed" "$WORK/run2.err" || fail "the failed task was not run again"
echo "tampered" >> "$WORK/out/hourly-SYN1/stats.csv"
mp 2 run "$WORK/jobs/campaign.ini" --quiet > "$WORK/run3.txt" 2> /dev/null || true
! grep -q "hourly-SYN1 already holds" "$WORK/run3.txt" || fail "a task with a changed output was skipped"
[ "$(sha256sum "$WORK/out/hourly-SYN1/stats.csv")" = "$sum_before" ] || fail "the task made again differs"
pass "run again, a campaign skips its completed tasks and redoes the rest"

# Keys of a campaign are checked like any job's.
printf 'kind = campaign\njobs = nope.ini\noutput = %s\n' "$WORK/x" > "$WORK/jobs/bad.ini"
expect_fail 2 "bad.ini:2: key 'jobs': no job file" tm run "$WORK/jobs/bad.ini"
printf 'kind = stats\narchive = a\nmission = M\noutput = o\njobs = x.ini\n' > "$WORK/jobs/bad2.ini"
expect_fail 2 "bad2.ini:5: key 'jobs': only a campaign has this key" tm run "$WORK/jobs/bad2.ini"

# A dry run prints every task's plan and writes nothing.
mp 2 run "$WORK/jobs/campaign.ini" --output "$WORK/dry" --dry-run > "$WORK/dry.txt"
grep -q "^task 1: .*hourly.ini (SYN2) -> $WORK/dry/hourly-SYN2" "$WORK/dry.txt" || fail "dry run: $(cat "$WORK/dry.txt")"
grep -q "^rank 1: " "$WORK/dry.txt" || fail "dry run prints no plan"
[ ! -e "$WORK/dry" ] || fail "a dry run wrote $(ls -A "$WORK/dry")"
pass "campaign dry run"

# Submitted with overrides, the summary job reads the same output folder as the array tasks.
tm submit "$WORK/jobs/campaign.ini" --output "$WORK/elsewhere" --dry-run > "$WORK/sub.txt"
grep -q "run '$WORK/jobs/campaign.ini' '--output' '$WORK/elsewhere' --summary" "$WORK/sub.txt" || fail "summary command: $(grep summary "$WORK/sub.txt")"
grep -q -- "--output=$WORK/elsewhere/hourly-SYN1" "$WORK/sub.txt" || fail "tasks.tsv"
[ ! -e "$WORK/elsewhere" ] || fail "a dry-run submit wrote files"
pass "campaign submit dry run keeps the overrides"
