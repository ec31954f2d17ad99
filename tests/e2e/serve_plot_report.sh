#!/usr/bin/env bash
# telemine plot (an SVG, M4-decimated, with events and detections) and report.html written by
# every stats, dependency and novelty job: well-formed, self-contained (no script, nothing
# fetched), with the product's views; bad arguments exit 2.
source "$(dirname "$0")/lib.sh"
tm generate --archive "$WORK/archive" --mission-count 1 --params 20 --days 2 --rate 10s --seed 4 --quiet > /dev/null
py() { /usr/bin/python3 -c "$@"; }
# self_contained FILE: parses as XML/HTML without a script or any address but SVG's namespace.
self_contained() {
  ! grep -qi "<script" "$1" || fail "$1 holds a script"
  ! grep -o 'https\?://[^"]*' "$1" | grep -v '^http://www.w3.org/2000/svg$' | grep -q . || fail "$1 refers to the network"
}

tm stats --archive "$WORK/archive" --mission SYN1 --params 'POWER_*' --bucket 1h --output "$WORK/stats" --quiet > /dev/null
tm dependency --archive "$WORK/archive" --mission SYN1 --grid 1min --max-lag 5min --output "$WORK/deps" --quiet > /dev/null
tm novelty --archive "$WORK/archive" --mission SYN1 --period 10min --group subsystem --epochs 20 --train-to 2026-01-02 \
  --output "$WORK/novelty" --quiet > /dev/null
for job in stats deps novelty; do
  r="$WORK/$job/report.html"
  [ -f "$r" ] || fail "no report.html beside the $job outputs"
  self_contained "$r"
  py 'import sys, xml.etree.ElementTree as E, re
t = open(sys.argv[1]).read()
for svg in re.findall(r"<svg.*?</svg>", t, re.S): E.fromstring(svg)' "$r" || fail "$r: an SVG is not well-formed"
done
[ "$(grep -c '<svg' "$WORK/stats/report.html")" -eq 3 ] || fail "stats report: one plot per POWER_ parameter"
grep -q "min..max band" "$WORK/stats/report.html" || fail "stats report: bands"
grep -q "normalised mutual information" "$WORK/deps/report.html" || fail "dependency report: heat map"
grep -q "Significant pairs" "$WORK/deps/report.html" || fail "dependency report: pairs"
grep -q "detections</h2>" "$WORK/novelty/report.html" && grep -q "series around" "$WORK/novelty/report.html" \
  || fail "novelty report: detections and the series around them"
pass "report.html beside stats, dependency and novelty outputs: self-contained, with their views"
tm stats --archive "$WORK/archive" --mission SYN1 --bucket 1h --output "$WORK/dry" --dry-run > /dev/null
[ ! -e "$WORK/dry/report.html" ] || fail "a dry run wrote a report"

tm plot --archive "$WORK/archive" --mission SYN1 --params POWER_BUS_I,PAYLOAD_I,AOCS_MODE --width 900 \
  --detections "$WORK/novelty/detections.csv" --output "$WORK/plot.svg" > "$WORK/plot.out"
grep -q "3 panels" "$WORK/plot.out" || fail "plot: $(cat "$WORK/plot.out")"
self_contained "$WORK/plot.svg"
py 'import sys, xml.etree.ElementTree as E
s = E.parse(sys.argv[1]).getroot()
lines = [p for p in s.iter("{http://www.w3.org/2000/svg}path") if p.get("fill") == "none"]
assert len(lines) == 3, len(lines)
# M4: at most 4 points per pixel column of the 730-pixel plot area
assert all(p.get("d").count("L") + p.get("d").count("M") <= 4 * 730 for p in lines)' "$WORK/plot.svg" || fail "plot.svg"
grep -q "<title>detection" "$WORK/plot.svg" || fail "plot: detections not marked"
grep -q "<title>anomaly" "$WORK/plot.svg" || fail "plot: anomaly events not shaded"
pass "plot: an SVG of 3 panels, M4-decimated, events shaded, detections marked"
tm plot --archive "$WORK/archive" --mission SYN1 --params POWER_BUS_I,PAYLOAD_I --width 900 \
  --detections "$WORK/novelty/detections.csv" --output "$WORK/plot.png" > /dev/null
py 'import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
chunks, at = {}, 8
while at < len(b):
    n, kind = struct.unpack(">I4s", b[at:at + 8])
    chunks[kind] = chunks.get(kind, b"") + b[at + 8:at + 8 + n]
    at += 12 + n
w, h = struct.unpack(">II", chunks[b"IHDR"][:8])
assert w == 900 and h > 100, (w, h)
# drawn, not blank: the pixels hold many byte values
assert len(set(zlib.decompress(chunks[b"IDAT"]))) > 8' "$WORK/plot.png" || fail "plot.png"
ART="$(dirname "$TELEMINE")/test-artefacts/serve_plot_report"; mkdir -p "$ART" && cp "$WORK/plot.png" "$ART/"
pass "plot --output F.png: the same plot drawn by librsvg, 900 pixels wide"

expect_fail 2 "unknown parameter 'NOPE'" tm plot --archive "$WORK/archive" --mission SYN1 --params NOPE --output "$WORK/x.svg"
expect_fail 2 "unknown mission" tm plot --archive "$WORK/archive" --mission NOPE --params A --output "$WORK/x.svg"
expect_fail 2 "bad\|invalid\|time" tm plot --archive "$WORK/archive" --mission SYN1 --params PAYLOAD_I --from soon --output "$WORK/x.svg"
expect_fail 2 "no room" tm plot --archive "$WORK/archive" --mission SYN1 --params PAYLOAD_I --width 10 --output "$WORK/x.svg"
[ ! -e "$WORK/x.svg" ] || fail "a failed plot left a file"
