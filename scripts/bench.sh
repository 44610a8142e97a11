#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail): sets up like the tests, then runs tools/bench and writes docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/setup.sh
. scripts/setup.sh
exec node --expose-gc -r ts-node/register/transpile-only tools/bench/main.ts
