#!/usr/bin/env bash
# A full disk under the stream (a 4 MB tmpfs as the archive, filled up by another file): the
# acks stop and the stream says so once, nothing is lost; when space returns the acks resume,
# and at the end every sample is in the archive. Needs root (mount); skipped otherwise.
source "$(dirname "$0")/lib.sh"
D="$WORK/disk"
mkdir -p "$D"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=4m tmpfs "$D" 2>/dev/null; then
  echo "skipped: cannot mount a tmpfs (not root)"
  exit 0
fi
trap 'umount "$D" 2>/dev/null; rm -rf "$WORK"' EXIT

/usr/bin/python3 - "$TELEMINE" "$D" <<'PY'
import os, subprocess, sys, threading, time
tm, disk = sys.argv[1], sys.argv[2]
p = subprocess.Popen([tm, "stream", "--archive", disk + "/a", "--mission", "F", "--input", "-", "--flush", "50ms",
                      "--compact-every", "1h"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
acks, err = [0], []
threading.Thread(target=lambda: [acks.__setitem__(0, int(l.split()[1])) for l in p.stdout if l.startswith(b"ack ")],
                 daemon=True).start()
threading.Thread(target=lambda: [err.append(l.decode()) for l in p.stderr], daemon=True).start()
time.sleep(0.5)  # the mission is created
# Fill the disk but for ~100 KB.
with open(disk + "/filler", "wb") as f:
    try:
        while True:
            f.write(b"x" * 65536)
            f.flush()
    except OSError:
        pass
os.truncate(disk + "/filler", os.path.getsize(disk + "/filler") - 100000)
lines = ["%d,P,%d\n" % (1767225600 * 10**9 + i * 10**9, i) for i in range(20000)]  # ~25 bytes each: 500 KB
for i in range(0, len(lines), 1000):
    p.stdin.write("".join(lines[i:i + 1000]).encode())
    p.stdin.flush()
    time.sleep(0.02)
time.sleep(1.0)
stalled = acks[0]
if stalled >= len(lines):
    sys.exit("the disk never filled: %d acknowledged" % stalled)
if not any("not acknowledging" in e for e in err):
    sys.exit("no word of the full disk on stderr: %s" % err)
time.sleep(0.5)
if acks[0] != stalled:
    sys.exit("acks moved on a full disk: %d -> %d" % (stalled, acks[0]))
print("disk full: acks stopped at %d of %d, and the stream said so" % (stalled, len(lines)))
os.remove(disk + "/filler")
deadline = time.time() + 10
while acks[0] < len(lines) and time.time() < deadline:
    time.sleep(0.05)
if acks[0] != len(lines):
    sys.exit("acks did not resume: %d of %d" % (acks[0], len(lines)))
p.stdin.close()
if p.wait() != 0:
    sys.exit("stream exited %d: %s" % (p.returncode, "".join(err)))
out = subprocess.run([tm, "get", "--archive", disk + "/a", "--mission", "F", "--param", "P", "--from", "2026-01-01",
                      "--to", "2026-02-01", "--format", "csv"], capture_output=True, text=True, check=True).stdout
rows = out.splitlines()[1:]
if len(rows) != len(lines) or rows[-1].split(",")[1] != str(len(lines) - 1):
    sys.exit("archive after the outage: %d samples of %d" % (len(rows), len(lines)))
print("space back: acks resumed, all %d samples in the archive" % len(lines))
PY
pass "full disk: no ack while full, nothing lost, acks resume when space returns"
