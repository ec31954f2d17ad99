#!/usr/bin/env bash
# A damaged or interrupted archive, as found by fuzzing (issue 18): a flipped byte in a
# catalogue's string references (every command used to die with SIGSEGV in H5HG_read), a writer
# killed with kill -9 (its temporaries used to stay forever), a disk that fills up under mpirun
# (a rank used to segfault in MPI_Finalize after the right error).
source "$(dirname "$0")/lib.sh"

A="$WORK/archive"
{
  echo "time,param,value"
  for d in 01 02 03; do for i in $(seq 0 99); do echo "2026-01-${d}T00:00:$((i % 60 / 10))$((i % 10)).$i"Z",P$((i % 7)),$i"; done; done
} > "$WORK/in.csv"
tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/in.csv" --quiet > /dev/null

# Flip bytes in the string references of the catalogue: never a crash, at 1 and 2 ranks.
# Where each variable-length string dataset's references start (h5dump prints the storage
# offset of contiguous datasets); flip the heap address and the object index of the first one.
offsets=$(h5dump -p -H "$A/M/catalog.h5" | awk '
  /DATASET "/ { vlen = 0 }
  /STRSIZE H5T_VARIABLE/ { vlen = 1 }
  /OFFSET [0-9]+/ && vlen && $2 != "18446744073709551615" { print $2 + 4, $2 + 5, $2 + 12 }')
[ -n "$offsets" ] || fail "no string references found"
n=0
for off in $offsets; do
  cp -r "$A" "$WORK/flip"
  /usr/bin/python3 -c "
import sys; p, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, 'rb').read()); b[o] ^= 0xff; open(p, 'wb').write(b)" "$WORK/flip/M/catalog.h5" "$off"
  for np in 1 2; do
    rc=0
    err=$(timeout 60 "$MPIEXEC" --bind-to none -np $np "$TELEMINE" info --archive "$WORK/flip" --mission M 2>&1 >/dev/null) || rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || fail "flipped byte $off at $np ranks: exit $rc -- $err"
    [ "$rc" -eq 0 ] || grep -q "catalog.h5" <<<"$err" || fail "flipped byte $off: error without the file: $err"
  done
  rm -rf "$WORK/flip"
  n=$((n + 1))
done
pass "$n flipped reference bytes: exit 0 or 1 with the file named, at 1 and 2 ranks"

# kill -9 during an ingest leaves temporaries; the next ingest removes them.
{
  echo "time,param,value"
  for d in $(seq -w 1 28); do for i in $(seq 0 2999); do echo "2026-02-${d}T00:00:00.$(printf %09d "$i")Z,BIG,$i"; done; done
} > "$WORK/big.csv"
mkdir -p "$A/M/2026/02"
# A temporary as a killed writer leaves it: its process (a short-lived shell) is gone.
dead=$(bash -c 'echo $$')
head -c 5000000 /dev/zero > "$A/M/2026/02/.M_2026-02-01.h5.tmp-$dead-0"
head -c 1000 /dev/zero > "$A/M/.catalog.h5.tmp-$dead-1"
"$TELEMINE" ingest --archive "$A" --mission M --format csv-long --input "$WORK/big.csv" --quiet > /dev/null &
pid=$!
sleep 0.5
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/in.csv" --quiet > /dev/null
no_temporaries "$A"
pass "temporaries of killed writers removed by the next ingest"

# A full disk (a 1 MB tmpfs as the archive) under mpirun -np 2: the error, exit 1, no crash.
# Without the right to mount (not root), a file size limit fills the "disk" instead.
D="$WORK/small"
mkdir -p "$D"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs "$D" 2>/dev/null; then
  trap 'umount "$D" 2>/dev/null || true; rm -rf "$WORK"' EXIT
  how="a 1 MB tmpfs"
  limit=""
else
  how="a 1 MB file size limit"
  limit="ulimit -f 1024;"
fi
for run in 1 2 3 4; do
  rc=0
  err=$(bash -c "$limit exec timeout 120 '$MPIEXEC' --bind-to none -np 2 '$TELEMINE' ingest --archive '$D/a' --mission M \
    --format csv-long --input '$WORK/big.csv' '$WORK/in.csv' --quiet" 2>&1) || rc=$?
  [ "$rc" -eq 1 ] || fail "full disk, run $run: exit $rc -- $err"
  grep -q "No space left on device\|disk full\|File too large" <<<"$err" || fail "full disk, run $run: $err"
  ! grep -qi "segmentation\|signal\|core dumped" <<<"$err" || fail "full disk, run $run: a rank crashed -- $err"
  [ ! -e "$D/a/M" ] || fail "full disk, run $run: a failed first ingest left $(find "$D/a/M" | head -3)"
done
pass "full disk ($how) under mpirun -np 2: exit 1, the error, no crash, 4 runs of 4"

# A stats job whose output folder is on a full disk, under mpirun -np 2. stats.h5 is written
# collectively (about 15 MB here). When one rank's part of that write failed, parallel HDF5's
# close took different collective paths on the two ranks and the job hung (seen under load at
# 112 KiB, with gdb: one rank in a metadata-flush barrier, the other in a truncate broadcast).
# Now rank 0 reserves the table's size first and every rank leaves before HDF5 is called. The
# sizes: too small for the checkpoints, room for some checkpoints but not the table, room for
# the table but not stats.csv (a serial write).
if [ "$(id -u)" -eq 0 ]; then
  umount "$D" 2> /dev/null || true
  mp 2 generate --archive "$WORK/gen" --mission-count 1 --params 40 --days 3 --rate 10s --seed 3 --quiet > /dev/null
  for kb in 112 400 20000 40000; do
    mount -t tmpfs -o size=${kb}k tmpfs "$D"
    rc=0
    err=$(timeout 120 "$MPIEXEC" --bind-to none -np 2 "$TELEMINE" stats --archive "$WORK/gen" --mission SYN1 --bucket 1min \
      --output "$D/out" --quiet 2>&1) || rc=$?
    left=$(cd "$D/out" 2> /dev/null && ls -A | { grep -v "^\.checkpoints$" || true; } | tr '\n' ' ') || true
    # mpirun's helpers may hold the folder for a moment after the job: try again, then lazily.
    for _ in 1 2 3 4 5; do umount "$D" 2> /dev/null && break; sleep 0.5; done
    ! mountpoint -q "$D" || umount -l "$D"
    [ "$rc" -eq 1 ] || fail "full output disk of ${kb} KiB: exit $rc -- $err"
    grep -q "No space left on device\|disk full" <<<"$err" || fail "full output disk of ${kb} KiB: $err"
    ! grep -qi "segmentation\|signal\|core dumped" <<<"$err" || fail "full output disk of ${kb} KiB: a rank crashed -- $err"
    [ -z "$left" ] || fail "full output disk of ${kb} KiB: the failed job left $left"
  done
  pass "full output disk (tmpfs of 112, 400, 20000, 40000 KiB) under mpirun -np 2: exit 1, the error, nothing left, no hang"
fi
