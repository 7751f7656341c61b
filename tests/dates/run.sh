#!/usr/bin/env bash
# npm run test:dates — the unit tests with the system clock moved to dates on
# which date logic breaks: the 1st of a month, New Year's Eve and Day, and the
# two days Europe changes to and from summer time. Every test must pass on
# every date; a test that reads the real clock instead of a fixed one fails here.
#
# Uses Debian's libfaketime (package faketime). Chromium is started through
# tests/dates/chromium.sh, which takes libfaketime out of its environment, so
# only Parley's own date logic runs on the moved clock.
#
#   npm run test:dates                     # every date below
#   npm run test:dates -- '2027-01-01 00:30:00' scorecards/   # one date, some tests
set -uo pipefail
cd "$(dirname "$0")/../.."

if ! command -v faketime >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update >/dev/null && apt-get install -y faketime >/dev/null
  else
    echo "faketime is missing: run  sudo apt-get update && sudo apt-get install -y faketime" >&2
    exit 1
  fi
fi

dates=(
  '2026-12-01 08:00:00'   # the 1st of a month (the day the dispute test broke)
  '2026-12-31 23:30:00'   # New Year's Eve, half an hour before the year turns
  '2027-01-01 00:30:00'   # New Year's Day: a new month and a new year
  '2027-03-28 01:30:00'   # Europe moves to summer time at 01:00 UTC
  '2027-10-31 00:30:00'   # Europe moves back to winter time at 01:00 UTC
)
filters=()
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2} ]]; then
  dates=("$1")
  shift
fi
filters=("$@")

# vitest writes SvelteKit's tsconfig itself when it is missing; do it once
# before the clock moves, so every date starts from the same tree.
node node_modules/@sveltejs/kit/svelte-kit.js sync >/dev/null

export CHROMIUM_PATH="$PWD/tests/dates/chromium.sh"
failed=()
for d in "${dates[@]}"; do
  echo "== clock at $d UTC"
  # faketime starts the clock at the date and lets it run on from there.
  if TZ=UTC faketime "$d" node node_modules/vitest/vitest.mjs run "${filters[@]}"; then
    echo "== $d: passed"
  else
    echo "== $d: FAILED"
    failed+=("$d")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  printf 'tests failed with the clock at: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "every test passed on ${#dates[@]} dates"
