#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail): sets up like the tests, then runs testing/bench and writes docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/setup.sh
. scripts/setup.sh
# GNU time (Debian package `time`): CPU seconds of each measured process tree (testing/bench/measure.ts).
if [ ! -x /usr/bin/time ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends time >/dev/null ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends time >/dev/null; } ||
    echo "bench: no /usr/bin/time; CPU columns will read NaN" >&2
fi
exec node --expose-gc -r ts-node/register/transpile-only testing/bench/main.ts "$@"
