#!/usr/bin/env bash
# Lints the GitHub workflows with actionlint (rhysd/actionlint), which checks every run: script with
# shellcheck. actionlint is built from the Go module proxy through the wrapper module
# toolchain/actionlint into ~/.cache/chatwoot-fly/actionlint, once: the binary is keyed by a digest of
# go.mod, go.sum and the Go version, so a warm run only lints.
#
#   scripts/lint-workflows.sh              # every workflow of .github/workflows
#   scripts/lint-workflows.sh FILE...      # these files (tests lint broken workflows this way)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
module=$root/toolchain/actionlint
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) PATH="$PATH:/usr/local/go/bin" ;; esac
command -v go >/dev/null || {
  echo "scripts/lint-workflows.sh: go is not on PATH (nor in /usr/local/go/bin); it builds actionlint" >&2
  exit 2
}
# Without shellcheck actionlint silently skips the run: scripts; testing/services.sh installs it.
command -v shellcheck >/dev/null || {
  echo "scripts/lint-workflows.sh: shellcheck is not on PATH; run bash testing/services.sh (or apt-get install shellcheck)" >&2
  exit 2
}
cache=${CHATWOOT_FLY_CACHE:-$HOME/.cache/chatwoot-fly}
# The Go version from its VERSION file (cheap), else from `go version`.
goroot=$(dirname "$(dirname "$(readlink -f "$(command -v go)")")")
goversion=$(head -n1 "$goroot/VERSION" 2>/dev/null) || goversion=$(go version)
stamp=$(printf '%s\n' "$goversion" | cat "$module/go.mod" "$module/go.sum" - | sha256sum | cut -c1-16)
actionlint=$cache/actionlint/actionlint-$stamp
if [[ ! -x "$actionlint" ]]; then
  mkdir -p "$cache/actionlint"
  t0=$(date +%s)
  echo "[actionlint] building from toolchain/actionlint/go.mod (first time only)" >&2
  tmp=$(mktemp "$cache/actionlint/.actionlint.XXXXXX")
  # -mod=readonly: go.sum is complete; a build that would need anything else fails instead of resolving it.
  if ! (cd "$module" && GOFLAGS=-mod=readonly GOCACHE=${GOCACHE:-$cache/gocache} go build -trimpath -o "$tmp" github.com/rhysd/actionlint/cmd/actionlint) >&2; then
    rm -f "$tmp"
    echo "scripts/lint-workflows.sh: building actionlint failed (toolchain/actionlint)" >&2
    exit 2
  fi
  mv "$tmp" "$actionlint"
  find "$cache/actionlint" -maxdepth 1 -name 'actionlint-*' ! -path "$actionlint" -delete # older pins
  echo "[actionlint] built $actionlint in $(($(date +%s) - t0))s" >&2
fi

if (($# == 0)); then
  cd "$root"
  set -- .github/workflows/*.yml
fi
exec "$actionlint" -no-color "$@"
