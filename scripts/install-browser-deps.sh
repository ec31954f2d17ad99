#!/usr/bin/env bash
# Installs the browser tests' npm packages (tests/browser/package.json: playwright-core, which
# drives Debian's /usr/bin/chromium) into BUILD/browser, once; prints that folder.
set -euo pipefail
build=${1:?usage: install-browser-deps.sh BUILD_DIR}
src=$(cd "$(dirname "$0")/../tests/browser" && pwd)
dir="$build/browser"
mkdir -p "$dir"
cp "$src/package.json" "$src/package-lock.json" "$src"/*.mjs "$dir/"
if ! cmp -s "$src/package-lock.json" "$dir/node_modules/.installed-lock" 2>/dev/null; then
  (cd "$dir" && npm ci --no-audit --no-fund --silent >&2)
  cp "$src/package-lock.json" "$dir/node_modules/.installed-lock"
fi
echo "$dir"
