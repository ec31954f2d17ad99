#!/usr/bin/env bash
# Every kind of bad input gets a clear error naming the file, line or object, exit status 2 for
# usage and 1 for failures, and leaves the archive exactly as it was.
source "$(dirname "$0")/lib.sh"

A="$WORK/archive"
printf 'time,param,value\n2026-01-01T00:00:00Z,X,1\n2026-01-01T00:00:01Z,X,2\n' > "$WORK/good.csv"
tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/good.csv" --quiet > /dev/null
snapshot() { (cd "$A" && find . -type f ! -name .lock -exec md5sum {} + | sort); }
base=$(snapshot)
unchanged() { [ "$(snapshot)" = "$base" ] || fail "archive changed after: $1"; no_temporaries "$A"; }

# Usage: exit 2.
expect_fail 2 "unknown command" tm frobnicate
expect_fail 2 "unknown input format 'parquet'" tm ingest --archive "$A" --mission M --format parquet --input "$WORK/good.csv"
expect_fail 2 "required" tm ingest --archive "$A" --format csv-long --input "$WORK/good.csv"
expect_fail 2 "does not exist" tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/nope.csv"
expect_fail 2 "invalid time" tm get --archive "$A" --mission M --param X --from yesterday
expect_fail 2 "invalid duration" tm ingest --archive "$A" --mission M --format telemanom --input "$WORK" --period 5parsecs
expect_fail 2 "has no parameter 'Y'" tm get --archive "$A" --mission M --param Y
expect_fail 2 "has no mission 'Q'" tm get --archive "$A" --mission Q --param X
expect_fail 2 "invalid mission name" tm ingest --archive "$A" --mission a/b --format csv-long --input "$WORK/good.csv"
unchanged "usage errors"

# Malformed input files: exit 1, the file and line named, nothing written.
printf 'time,param,value\n2026-01-02T00:00:00Z,X,1\n2026-01-02T00:00:01Z,X\n' > "$WORK/fields.csv"
expect_fail 1 "fields.csv:3" tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/fields.csv"
printf 'time,param,value\n2026-01-02T00:00:00Z,X,inf\n' > "$WORK/inf.csv"
expect_fail 1 "inf.csv:2" tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/inf.csv"
printf 'time,param,value\n2026-13-02T00:00:00Z,X,1\n' > "$WORK/time.csv"
expect_fail 1 "time.csv:2" tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/time.csv"
printf 'when,what\n' > "$WORK/header.csv"
expect_fail 1 "header.csv:1" tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/header.csv"
unchanged "malformed csv"

# The same under mpirun: the bad file is read by one rank; every rank stops, none hangs.
cp "$WORK/good.csv" "$WORK/in1.csv"; cp "$WORK/fields.csv" "$WORK/in2.csv"; cp "$WORK/good.csv" "$WORK/in3.csv"
expect_fail 1 "in2.csv:3" timeout 60 "$MPIEXEC" --bind-to none -np 3 "$TELEMINE" ingest --archive "$A" --mission M \
  --format csv-long --input "$WORK/in1.csv" "$WORK/in2.csv" "$WORK/in3.csv" --quiet
unchanged "malformed csv under mpirun"

# Corrupt .npy in a telemanom folder.
mkdir -p "$WORK/tm/train" "$WORK/tm/test"
printf 'chan_id,spacecraft,anomaly_sequences,class,num_values\n' > "$WORK/tm/labeled_anomalies.csv"
printf '\x93NUMPY\x01\x00' > "$WORK/tm/test/Z-1.npy"
expect_fail 1 "Z-1.npy" tm ingest --archive "$A" --mission M --format telemanom --input "$WORK/tm"
unchanged "corrupt npy"

# Not an archive; a corrupt catalogue; a corrupt partition.
expect_fail 1 "not a telemine archive" tm info --archive "$WORK/tm"
expect_fail 1 "not a telemine archive" tm get --archive "$WORK/nowhere" --mission M --param X
cp -r "$A" "$WORK/broken"
part=$(find "$WORK/broken/M" -name 'M_*.h5' | head -1)
head -c 100 "$part" > "$part.cut" && mv "$part.cut" "$part"
expect_fail 1 "$(basename "$part")" tm get --archive "$WORK/broken" --mission M --param X
echo "garbage" > "$WORK/broken/M/catalog.h5"
expect_fail 1 "catalog.h5" tm info --archive "$WORK/broken" --mission M
expect_fail 1 "catalog.h5" tm ingest --archive "$WORK/broken" --mission M --format csv-long --input "$WORK/good.csv"

# A disk that fills up mid-write (a file size limit): a clear error, the archive as it was.
{
  echo "time,param,value"
  for d in 03 04 05; do for i in $(seq 0 7999); do echo "2026-01-${d}T00:00:00.$(printf %09d $i)Z,BIG,$i"; done; done
} > "$WORK/big.csv"
expect_fail 1 "disk full\|File too large" bash -c "ulimit -f 64; exec '$TELEMINE' ingest --archive '$A' --mission M --format csv-long --input '$WORK/big.csv' --quiet"
unchanged "a full disk"
pass "all bad inputs handled"
