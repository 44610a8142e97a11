#!/usr/bin/env bash
# Installs and starts everything the stack, its tests and the local target need, then prints nothing
# but progress. Source it (`. scripts/setup.sh`) to keep the toolchain PATH; run it to just prepare.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The toolchain first (built on first use, then cached; offline settings), so that the first line of
# every run says what is real and what stands in, as toolchain/env.sh found it.
CHATWOOT_FLY_ENV_QUIET=1
# shellcheck source=toolchain/env.sh
. "$root/toolchain/env.sh"
unset CHATWOOT_FLY_ENV_QUIET
echo "real: $CHATWOOT_FLY_TOOLCHAIN_REAL; stand-ins: ${CHATWOOT_FLY_TOOLCHAIN_STANDINS:+$CHATWOOT_FLY_TOOLCHAIN_STANDINS, }Fly.io API (testing/doubles)${CHATWOOT_FLY_TOOLCHAIN_MISSING:+; MISSING: $CHATWOOT_FLY_TOOLCHAIN_MISSING}" >&2

# npm dependencies of the program and of the policy pack (its own package.json), reinstalled when
# the lock file changes.
install_npm() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.chatwoot-fly-stamp" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.chatwoot-fly-stamp" ]; then
    echo "setup: npm ci in ${dir#"$root"/}" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    touch "$dir/node_modules/.chatwoot-fly-stamp"
  fi
}
install_npm "$root"
install_npm "$root/policies"

# PostgreSQL, Redis, PgBouncer.
bash "$root/testing/services.sh" >&2
