#!/usr/bin/env bash
# Mutation testing: StrykerJS mutates lib/, policies/, steps/ and components/ one change at a time and
# runs the tests that cover each change: the unit suite and the step tests, which run the steps
# in-process against real flyctl and the fake Fly API (testing/mutation/stryker.config.mjs). Writes
# reports/mutation/ (HTML, JSON; ignored by git) and prints the score per folder, the surviving mutants
# with file:line, and how long it took. docs/testing.md explains the report.
#
#   npm run mutation                              # everything
#   npm run mutation -- --incremental             # only what changed since the last run's report
#   npm run mutation -- --mutate lib/redact.ts    # one file (any Stryker option passes through)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/setup.sh
. scripts/setup.sh
# Stryker runs the tests in a sandbox copy of the repo, which has no ../shared beside it: hand the
# tests that build flyctl's parser (tests/unit/secretsImport.test.ts) the sources found from here.
# shellcheck source=toolchain/sources.sh
. toolchain/sources.sh
find_sources "$root"
[[ -z "$sources" ]] || export CHATWOOT_FLY_SOURCES="$sources"

started=$SECONDS
npx stryker run testing/mutation/stryker.config.mjs "$@"
node -r ts-node/register/transpile-only testing/mutation/summary.ts reports/mutation/mutation.json "$((SECONDS - started))"
