#!/usr/bin/env bash
# The serve page in headless Chromium (tests/browser/serve_page.mjs, playwright-core from npm
# installed into the build folder): graphs, zoom, values, table, a dependency and a novelty
# product. Screenshots are kept in BUILD/test-artefacts/serve_browser/.
source "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$TELEMINE")
NODE_DIR=$("$TELEMINE_SOURCE_DIR/scripts/install-browser-deps.sh" "$BUILD")
SHOTS="$BUILD/test-artefacts/serve_browser"
rm -rf "$SHOTS"

tm generate --archive "$WORK/archive" --mission-count 1 --params 20 --days 3 --rate 10s --seed 3 --quiet > /dev/null
tm dependency --archive "$WORK/archive" --mission SYN1 --grid 1min --max-lag 5min --output "$WORK/products/deps" --quiet > /dev/null
tm novelty --archive "$WORK/archive" --mission SYN1 --period 10min --group subsystem --epochs 40 \
  --train-to 2026-01-02 --output "$WORK/products/novelty" --quiet > /dev/null
"$TELEMINE" serve --archive "$WORK/archive" --products "$WORK/products" --port 0 --quiet > "$WORK/serve.out" 2> "$WORK/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do grep -q serving "$WORK/serve.out" && break; sleep 0.1; done
URL=$(sed -n 's|^serving \(http://[^ ]*\)|\1|p' "$WORK/serve.out")
[ -n "$URL" ] || fail "serve did not start: $(cat "$WORK/serve.log")"
PARAMS=$(curl -sf "${URL}api/missions/SYN1/parameters" | /usr/bin/python3 -c 'import json,sys; print(",".join(p["name"] for p in json.load(sys.stdin)[:4]))')
NODE_PATH="$NODE_DIR/node_modules" node "$NODE_DIR/serve_page.mjs" "$URL" "$SHOTS" SYN1 "$PARAMS"
ls "$SHOTS"/*.png > /dev/null || fail "no screenshots"
pass "screenshots in $SHOTS"
