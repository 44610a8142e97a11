# shellcheck shell=bash
# Where the upstream sources are (flyctl-stack/ and the Pulumi trees), for the scripts that build from
# them: toolchain/build.sh, testing/dotenv-probe/build.sh, and scripts/mutation.sh, whose sandbox copy
# of the repo has no ../shared beside it.
#
#   . toolchain/sources.sh; find_sources "$root"
#
# Sets `sources` (absolute, or empty when none is found) and `sources_looked` (where it looked, for the
# error). The rule: $CHATWOOT_FLY_SOURCES, else shared/sources beside the repo, else beside the repo this
# clone came from (`git clone /work/main /tmp/x` finds /work/shared/sources through its origin).

# shellcheck disable=SC2034 # sources and sources_looked are for the caller
find_sources() { # <repo root>
  local root=$1 origin
  sources=""
  if [[ -n "${CHATWOOT_FLY_SOURCES:-}" ]]; then
    sources_looked="CHATWOOT_FLY_SOURCES=$CHATWOOT_FLY_SOURCES"
    [[ ! -d "$CHATWOOT_FLY_SOURCES" ]] || _sources_at "$CHATWOOT_FLY_SOURCES"
    return 0
  fi
  sources_looked="$root/../shared/sources"
  if [[ -d "$root/../shared/sources" ]]; then
    _sources_at "$root/../shared/sources"
    return 0
  fi
  origin=$(git -C "$root" config --get remote.origin.url 2>/dev/null || true)
  origin=${origin#file://}
  if [[ "$origin" == /* ]]; then
    sources_looked+=", $origin/../shared/sources (beside origin)"
    [[ ! -d "$origin/../shared/sources" ]] || _sources_at "$origin/../shared/sources"
  fi
  return 0
}

# Sets `sources` to the absolute form of <dir>. cd and back, not $(cd && pwd): build.sh runs on every
# test start, and a fork costs there.
_sources_at() { # <dir>
  local back=$PWD
  cd "$1" || return 1
  sources=$PWD
  cd "$back" || return 1
}
