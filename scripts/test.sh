#!/usr/bin/env bash
# The test command: sets everything up, then type-checks, lints, checks formatting and runs the unit
# and integration suites. Ends with one line "tests: N passed, N failed".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/setup.sh
. scripts/setup.sh

echo "== typecheck, lint, format" >&2
npx tsc --noEmit -p tsconfig.json
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
echo "== jest (unit + integration)" >&2
npx jest --ci --json --outputFile="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  if (r.numTotalTests === 0) process.exitCode = 1;
' "$report" || status=1
exit "$status"
