#!/usr/bin/env bash
# The main job: sets up what it needs, then runs the stack end to end on this machine (testing/local).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/setup.sh
. scripts/setup.sh
exec node -r ts-node/register/transpile-only testing/local/main.ts
