#!/usr/bin/env bash
# NASA SMAP (telemanom layout) through the binary: 1 and 2 ranks give the same archive, the
# labels become anomaly events, and values come back out of `get` exactly.
source "$(dirname "$0")/lib.sh"
unpack_smap || { echo "skipped: $SMAP_TARBALL is absent"; exit 0; }
mp 2 ingest --archive "$WORK/a2" --mission SMAP --format telemanom --input "$WORK/smap" --quiet > "$WORK/out.txt"
grep -q "ingested 54 files" "$WORK/out.txt" || fail "expected 54 channels: $(cat "$WORK/out.txt")"
tm ingest --archive "$WORK/a1" --mission SMAP --format telemanom --input "$WORK/smap" --quiet > /dev/null
same_archive "$WORK/a1" "$WORK/a2"
pass "SMAP ingest identical at 1 and 2 ranks"

tm info --archive "$WORK/a2" --mission SMAP > "$WORK/info.txt"
grep -q "1350 parameters" "$WORK/info.txt" || fail "expected 54 x 25 parameters: $(head -1 "$WORK/info.txt")"
events=$(grep -c "^anomaly " "$WORK/info.txt")
[ "$events" -ge 67 ] && [ "$events" -le 69 ] || fail "expected the 69 labelled sequences (P-2's overlaps merged), got $events"
grep -q "^anomaly  *A-1 " "$WORK/info.txt" || fail "no anomaly event on A-1"
pass "$events anomaly events"

# Train rows from 2000-01-01, test rows from 2001-01-01, one per minute; the value printed by
# get parses back to the stored double (the unit tests compare every value with the .npy files).
tm get --archive "$WORK/a2" --mission SMAP --param A-1 --format csv > "$WORK/a1.csv"
sed -n 2p "$WORK/a1.csv" | grep -q "^2000-01-01T00:00:00Z," || fail "train epoch"
grep -q "^2001-01-01T00:00:00Z," "$WORK/a1.csv" || fail "test epoch"
grep -q "^2001-01-01T00:01:00Z," "$WORK/a1.csv" || fail "60 s period"
tm get --archive "$WORK/a2" --mission SMAP --param A-1.cmd1 --from 2001-01-01 --to 2001-01-01T01:00:00Z --format csv \
  | tail -n +2 | cut -d, -f2 | sort -u | grep -vqx "[01]" && fail "command flags must be 0 or 1"
pass "times and values"

# Re-ingesting changes nothing.
before=$(find "$WORK/a2" -name '*.h5' -printf '%p %i %s\n' | sort | md5sum)
mp 2 ingest --archive "$WORK/a2" --mission SMAP --format telemanom --input "$WORK/smap" --quiet | grep -q " 0 partitions written"
[ "$before" = "$(find "$WORK/a2" -name '*.h5' -printf '%p %i %s\n' | sort | md5sum)" ] || fail "re-ingest changed the archive"
pass "re-ingest is idempotent"
