#!/usr/bin/env bash
# Every job-file block of the README labelled `# jobfiles/NAME.ini` is that file, minus the file's
# opening comment lines: a user who copies the README's block gets the file that runs.
source "$(dirname "$0")/lib.sh"
README="$TELEMINE_SOURCE_DIR/README.md"
n=0
while read -r name; do
  file="$TELEMINE_SOURCE_DIR/$name"
  [ -f "$file" ] || fail "README shows $name, which does not exist"
  block=$(awk -v label="# $name" '
    $0 == "```ini" { inside = 1; first = 1; next }
    inside && $0 == "```" { inside = 0; keep = 0; next }
    inside && first { first = 0; keep = ($0 == label); next }
    inside && keep { print }' "$README")
  body=$(awk 'started || !/^#/ { started = 1; print }' "$file")
  diff <(printf '%s\n' "$block") <(printf '%s\n' "$body") > "$WORK/diff" || fail "README's block for $name differs from the file: $(cat "$WORK/diff")"
  n=$((n + 1))
done < <(grep -o '^# jobfiles/[A-Za-z0-9_.-]*\.ini' "$README" | sed 's/^# //' | sort -u)
[ "$n" -gt 0 ] || fail "no job-file block found in README.md"
pass "$n README job-file blocks are the files themselves"

# Each of them parses and plans on a generated archive (dry run: nothing written).
mp 2 generate --archive "$WORK/demo/archive" --mission-count 2 --params 24 --days 2 --rate 60s --seed 1 --quiet > /dev/null
while read -r name; do
  (cd "$WORK" && tm run "$TELEMINE_SOURCE_DIR/$name" --archive "$WORK/demo/archive" --output "$WORK/out" --dry-run > /dev/null) \
    || fail "$name does not run as the README shows it"
done < <(grep -o '^# jobfiles/[A-Za-z0-9_.-]*\.ini' "$README" | sed 's/^# //' | sort -u)
pass "they plan on a generated archive"
