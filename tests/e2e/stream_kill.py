#!/usr/bin/python3
"""kill -9 of `telemine stream --input -` at random points, restarted each time from the first
unacknowledged line (as a client would resend). After every kill: every acknowledged sample is
readable with its value (`get`, live segments and partitions), no time appears twice, and
nothing that is not in the input appears.

stream_kill.py TELEMINE ARCHIVE INPUT KILLS SEED
"""
import random
import signal
import subprocess
import sys
import threading
import time

tm, archive, path, kills, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
random.seed(seed)
lines = open(path, "rb").read().split(b"\n")[1:]
lines = [l + b"\n" for l in lines if l]
rows = [l.decode().strip().split(",") for l in lines]
params = sorted({r[1] for r in rows})
every = {name: {r[0] for r in rows if r[1] == name} for name in params}
want = {name: {} for name in params}  # the acknowledged samples so far
CMD = [tm, "stream", "--archive", archive, "--mission", "K", "--input", "-", "--flush", "50ms",
       "--lateness", "1d", "--compact-every", "300ms"]


def run(start, final):
    p = subprocess.Popen(CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    acked = [0]

    def read_acks():
        for out in p.stdout:
            if out.startswith(b"ack "):
                acked[0] = int(out.split()[1])

    def send():
        try:
            for i in range(start, len(lines), 600):  # about 36,000 lines a second
                p.stdin.write(b"".join(lines[i:i + 600]))
                p.stdin.flush()
                time.sleep(1 / 60)
            if final:
                p.stdin.close()
        except (BrokenPipeError, ValueError):
            pass

    threads = [threading.Thread(target=read_acks), threading.Thread(target=send)]
    for t in threads:
        t.start()
    if final:
        threads[1].join()
        rc = p.wait()
        err = p.stderr.read().decode()
        if rc != 0:
            sys.exit("final run exited %d: %s" % (rc, err))
    else:
        time.sleep(random.uniform(0.05, 0.6))
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stderr.read()
    threads[0].join()
    try:
        p.stdin.close()
    except BrokenPipeError:
        pass
    threads[1].join()
    return acked[0]


def check(acked_from, acked_upto, k):
    for t, name, v in rows[acked_from:acked_upto]:
        want[name][t] = v
    for name in params:
        out = subprocess.run([tm, "get", "--archive", archive, "--mission", "K", "--param", name, "--from", "2026-01-01",
                              "--to", "2026-02-01", "--format", "csv"], capture_output=True, text=True)
        if out.returncode != 0 and not want[name] and (
                "has no parameter" in out.stderr or "not a telemine archive" in out.stderr):
            continue  # killed before the mission or any sample of it was written: rightly unknown
        if out.returncode != 0:
            sys.exit("kill %d: get %s failed: %s" % (k, name, out.stderr))
        got_rows = [r.split(",") for r in out.stdout.splitlines()[1:]]
        got = {t: v for t, v in got_rows}
        if len(got) != len(got_rows):
            sys.exit("kill %d: %s has a time twice" % (k, name))
        for t, v in want[name].items():
            if got.get(t) != v:
                sys.exit("kill %d: acknowledged sample %s %s=%s missing (got %s)" % (k, name, t, v, got.get(t)))
        extra = set(got) - every[name]
        if extra:
            sys.exit("kill %d: %s has samples never sent: %s" % (k, name, sorted(extra)[:3]))


pos = 0
t0 = time.time()
for k in range(kills):
    a = run(pos, False)
    check(pos, pos + a, k)
    pos += a
    print("kill %d: %d acknowledged in this run, %d of %d in all" % (k + 1, a, pos, len(lines)))
run(pos, True)
check(pos, len(lines), kills)
print("%d kills, then the rest: every acknowledged sample kept, in %.1f s" % (kills, time.time() - t0))
