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
bash scripts/lint-workflows.sh # actionlint over .github/workflows (built once into ~/.cache/chatwoot-fly)
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report="$work/report.json"
# Every secret value the tests hand to a local stack is listed here, then searched for in the test
# output itself (testing/local/scanTestOutput.ts). The list is private to this run and removed after it.
export CHATWOOT_LEAK_LIST="$work/secrets.jsonl"
status=0
echo "== jest (unit + integration)" >&2
set +e
# Three suites at a time on 2 cores: the integration suites mostly wait (machines, health checks,
# the engine), and a serial run left the CPUs 66% idle; testing/jest/sequencer.js starts the slowest first.
npx jest --ci --maxWorkers="${CHATWOOT_TEST_WORKERS:-3}" --json --outputFile="$report" "$@" 2>&1 | tee "$work/output.log"
status=${PIPESTATUS[0]}
set -e
node -r ts-node/register/transpile-only testing/local/scanTestOutput.ts "$CHATWOOT_LEAK_LIST" "$work/output.log" "$report" || status=1
node -r ts-node/register/transpile-only testing/testReport.ts "$report" "$SECONDS" || status=1
# The benchmark of this command (testing/bench/testSuite.ts) reads jest's report back.
[[ -z "${CHATWOOT_TEST_REPORT:-}" ]] || cp "$report" "$CHATWOOT_TEST_REPORT"
exit "$status"
