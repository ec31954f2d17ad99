#!/usr/bin/env bash
# Inputs found by black-box fuzzing of ingest (issue 18), each as a user would meet it: times at
# the ends of int64 nanoseconds (used to hang or wrap), bad parameter names, a 5 MB bad line,
# infinity in .npy, labels of unknown channels, a channel without its train file. Each is a
# clear error naming the file and line, within seconds, and leaves the archive as it was.
source "$(dirname "$0")/lib.sh"

A="$WORK/archive"
printf 'time,param,value\n2026-01-01T00:00:00Z,X,1\n' > "$WORK/good.csv"
tm ingest --archive "$A" --mission M --format csv-long --input "$WORK/good.csv" --quiet > /dev/null
snapshot() { (cd "$A" && find . -type f ! -name .lock -exec md5sum {} + | sort); }
base=$(snapshot)
unchanged() { [ "$(snapshot)" = "$base" ] || fail "archive changed after: $1"; no_temporaries "$A"; }
# ingest_fails PATTERN FILE [FORMAT]: exit 1 within 30 s (a hang fails the timeout), PATTERN on stderr.
ingest_fails() {
  expect_fail 1 "$1" timeout 30 "$TELEMINE" ingest --archive "$A" --mission M --format "${3:-csv-long}" --input "$2" --quiet
}

# Times in the last representable day spun forever; later ones wrapped with exit 0.
for t in 2262-04-11T00:00:00Z 9223372036854775807 1677-09-21T00:12:43Z 2263-01-01T00:00:00Z 1000-01-01; do
  printf 'time,param,value\n2026-01-01T00:00:00Z,X,1\n%s,X,2\n' "$t" > "$WORK/edge.csv"
  ingest_fails "edge.csv:3: time '$t' is outside the supported range" "$WORK/edge.csv"
  printf 'time,X\n%s,2\n' "$t" > "$WORK/edge_wide.csv"
  ingest_fails "edge_wide.csv:2: time '$t' is outside the supported range" "$WORK/edge_wide.csv" csv-wide
done
expect_fail 2 "outside the supported range" tm get --archive "$A" --mission M --param X --from 2263-01-01
unchanged "times out of range"

# Bad parameter names: named with the file and line, control characters shown escaped.
for name in . .. $'a\tb' "$(head -c 100000 /dev/zero | tr '\0' p)"; do
  printf 'time,param,value\n2026-01-01T00:00:00Z,%s,1\n' "$name" > "$WORK/name.csv"
  ingest_fails "name.csv:2: invalid parameter name" "$WORK/name.csv"
done
printf 'time,param,value\n2026-01-01T00:00:00Z,a\0b,1\n' > "$WORK/nul.csv"
ingest_fails 'nul.csv:2: invalid parameter name .a\\0b.: contains a control character' "$WORK/nul.csv"
unchanged "bad names"

# A 5 MB bad line is cut in the message.
{ printf 'time,param,value\n2026-01-01T00:00:00Z,X,'; head -c 5000000 /dev/zero | tr '\0' z; printf '\n'; } > "$WORK/long.csv"
err=$("$TELEMINE" ingest --archive "$A" --mission M --format csv-long --input "$WORK/long.csv" --quiet 2>&1 >/dev/null) && fail "long line accepted"
[ "${#err}" -lt 1000 ] || fail "a 5 MB line echoed into stderr (${#err} bytes)"
grep -q "long.csv:2: invalid value 'zzz.*\.\.\. (5000000 bytes)'" <<<"$err" || fail "long line message: ${err:0:300}"
pass "a 5 MB bad line is cut to $(wc -c <<<"$err") bytes"
unchanged "a long line"

# telemanom: infinity in .npy, labels for an unknown channel, a channel without its train file.
/usr/bin/python3 - "$WORK/tm" <<'PY'
import numpy as np, os, sys
d = sys.argv[1]
for s in ("train", "test"):
    os.makedirs(f"{d}/{s}", exist_ok=True)
    np.save(f"{d}/{s}/A-1.npy", np.array([[0.5, 0.0], [0.25, 1.0]]))
with open(f"{d}/labeled_anomalies.csv", "w") as f:
    f.write("chan_id,spacecraft,anomaly_sequences,class,num_values\nA-1,SMAP,\"[[0, 1]]\",[point],2\n")
PY
tm ingest --archive "$WORK/tm_ok" --mission T --format telemanom --input "$WORK/tm" --quiet > /dev/null
cp -r "$WORK/tm" "$WORK/tm_inf"
/usr/bin/python3 -c "import numpy as np; np.save('$WORK/tm_inf/test/A-1.npy', np.array([[0.5, 0.0], [float('inf'), 1.0]]))"
ingest_fails "tm_inf/test/A-1.npy: row 1, column 0: infinite value not allowed" "$WORK/tm_inf" telemanom
cp -r "$WORK/tm" "$WORK/tm_label"
echo 'Z-9,SMAP,"[[0, 1]]",[point],2' >> "$WORK/tm_label/labeled_anomalies.csv"
ingest_fails "labeled_anomalies.csv:3: labels for channel 'Z-9', which has no test/Z-9.npy" "$WORK/tm_label" telemanom
cp -r "$WORK/tm" "$WORK/tm_train"
rm "$WORK/tm_train/train/A-1.npy"
ingest_fails "tm_train/test/A-1.npy: no train/A-1.npy beside it" "$WORK/tm_train" telemanom
unchanged "telemanom"

# A failed first ingest into a new mission leaves no mission folder (nor its lock) behind.
for i in 1 2 3; do
  expect_fail 1 "edge.csv:3" tm ingest --archive "$A" --mission NEW --format csv-long --input "$WORK/edge.csv" --quiet
  expect_fail 1 "edge.csv:3" mp 2 ingest --archive "$A" --mission NEW --format csv-long --input "$WORK/good.csv" "$WORK/edge.csv" --quiet
done
[ ! -e "$A/NEW" ] || fail "a failed first ingest left $(find "$A/NEW")"
unchanged "failed ingests into a new mission"
pass "every fuzzed input refused cleanly"
