#!/usr/bin/env bash
# Fails when a file is longer than the house cap (docs/ARCHITECTURE.md: files aim at 100–400 lines):
# 400 lines for every file under Sources/, 600 for the Swift files under Tests/ (suites of
# parameterised cases and reference tables run longer; the data files beside them, fixtures
# and goldens, are not counted). Prints the longest file of each tree either way.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
# check CAP FIND-ARGS…: every file find selects must have at most CAP lines.
check() {
  local cap=$1
  shift
  local counts
  counts=$(find "$@" -type f -print0 | xargs -0 wc -l | grep -v ' total$' | sort -n)
  awk -v cap="$cap" '$1 > cap { printf "%s: %d lines (cap %d)\n", $2, $1, cap }' <<<"$counts" \
    | grep . && status=1
  awk -v cap="$cap" 'END { printf "longest: %s, %d lines (cap %d)\n", $2, $1, cap }' <<<"$counts"
}
check 400 Sources
check 600 Tests -name '*.swift'
exit $status
