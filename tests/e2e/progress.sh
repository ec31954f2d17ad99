#!/usr/bin/env bash
# Progress counts the whole job, not rank 0's share: in a batch log (stderr a file) and on a
# terminal under mpirun (whose own stderr is then the terminal), at 3 ranks.
source "$(dirname "$0")/lib.sh"
mp 3 generate --archive "$WORK/a" --mission-count 1 --params 24 --days 24 --rate 1s --seed 1 2> "$WORK/log" > /dev/null
grep -q "telemine: generate: 24/24 mission-days (100%)" "$WORK/log" || fail "batch log: no closing line of the job's 24 mission-days: $(cat "$WORK/log")"
grep -q "mission-days/s" "$WORK/log" || fail "batch log: no rate: $(cat "$WORK/log")"
pass "batch log lines count every rank's share"

command -v script > /dev/null || { pass "no script(1) here: the terminal case is not checked"; exit 0; }
script -qec "$MPIEXEC --bind-to none -np 3 $TELEMINE generate --archive $WORK/b --mission-count 1 --params 24 --days 24 --rate 1s --seed 1" \
  "$WORK/tty" > /dev/null
tr '\r' '\n' < "$WORK/tty" | grep -q "^generate \[#*\] 100% 24/24 mission-days" || fail "terminal: no bar of the job's 24 mission-days: $(tr '\r' '\n' < "$WORK/tty")"
pass "a bar on a terminal under mpirun, counting every rank"
