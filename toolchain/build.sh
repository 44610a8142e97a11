#!/usr/bin/env bash
# Reproducible Pulumi toolchain, built from Go modules (no Pulumi installer, no
# plugin downloads).
#
#   PATH="$(toolchain/build.sh):$PATH"
#
# stdout: ONLY the directory holding `pulumi` and its plugins.
# stderr: progress with timings.
#
# * If a `pulumi` that is not ours is already on PATH, its directory is printed
#   and nothing is built (set CHATWOOT_FLY_TOOLCHAIN_BUILD=1 to ignore it).
# * Otherwise every component whose wrapper module exists under
#   toolchain/<component>/ is built once into
#   ${CHATWOOT_FLY_CACHE:-$HOME/.cache/chatwoot-fly}/toolchain/<pulumi-version>/bin
#   (GOCACHE lives under the same cache dir, so rebuilds are warm).
# * A component is rebuilt only when its wrapper go.mod/go.sum or its build
#   flags change (a stamp per binary records that).
# * flock serialises concurrent callers: the second one waits and then finds
#   everything cached.
# See docs/toolchain.md.
set -euo pipefail

modules=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The CLI version is whatever toolchain/cli/go.mod pins (single source).
PULUMI_VERSION=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$modules/cli/go.mod")
[[ "$PULUMI_VERSION" == v3.* ]] || {
  echo "toolchain.sh: cannot read the pulumi/pkg/v3 version from $modules/cli/go.mod" >&2
  exit 1
}
cache=${CHATWOOT_FLY_CACHE:-$HOME/.cache/chatwoot-fly}
toolchain_root=$cache/toolchain
bin=$toolchain_root/$PULUMI_VERSION/bin
stamps=$toolchain_root/$PULUMI_VERSION/stamps

t0=$(date +%s)
log() { printf '[toolchain +%ss] %s\n' "$(($(date +%s) - t0))" "$*" >&2; }

# component | wrapper dir | main package | version ldflag (-X ...) | required
# The version ldflag value is the version the binary reports.
components=(
  "pulumi|cli|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi|github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION|required"
  "pulumi-language-nodejs|nodejs|github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs|github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(awk '$1 == "github.com/pulumi/pulumi/sdk/v3" { print $2; exit }' "$modules/nodejs/go.mod")|required"
  "pulumi-resource-command|command|github.com/pulumi/pulumi-command/provider/cmd/pulumi-resource-command|github.com/pulumi/pulumi-command/provider/pkg/version.Version=v1.2.1|optional"
  "pulumi-resource-random|random|github.com/pulumi/pulumi-random/provider/v4/cmd/pulumi-resource-random|github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version=v4.21.2|optional"
  "pulumi-resource-postgresql|postgresql|github.com/pulumi/pulumi-postgresql/provider/v3/cmd/pulumi-resource-postgresql|github.com/pulumi/pulumi-postgresql/provider/v3/pkg/version.Version=v3.18.1|optional"
)

# --- 1. a real pulumi already on PATH wins --------------------------------
mkdir -p "$toolchain_root"
ours=$(cd "$toolchain_root" && pwd -P)
if [[ "${CHATWOOT_FLY_TOOLCHAIN_BUILD:-0}" != 1 ]] && existing=$(command -v pulumi 2>/dev/null); then
  existing_dir=$(cd "$(dirname "$existing")" && pwd -P)
  if [[ "$existing_dir/" != "$ours"/* ]]; then
    log "using pulumi already on PATH: $existing (set CHATWOOT_FLY_TOOLCHAIN_BUILD=1 to build ours)"
    printf '%s\n' "$existing_dir"
    exit 0
  fi
fi

command -v go >/dev/null 2>&1 || [[ -x /usr/local/go/bin/go ]] || {
  log "error: go is not installed (needed to build the Pulumi toolchain)"
  exit 1
}
command -v go >/dev/null 2>&1 || PATH=/usr/local/go/bin:$PATH

# Everything that decides a binary's bytes goes into its stamp.
stamp_of() { # <wrapper dir> <pkg> <ldflag>
  {
    printf '%s\n' "$2" "$3" "$(go env GOVERSION)"
    cat "$modules/$1/go.mod" "$modules/$1/go.sum" 2>/dev/null || true
  } | sha256sum | cut -d' ' -f1
}

# Fast path (no lock): every wrapper's binary, or its recorded failure, is current.
up_to_date() {
  local c name dir pkg ldf req s
  for c in "${components[@]}"; do
    IFS='|' read -r name dir pkg ldf req <<<"$c"
    [[ -f "$modules/$dir/go.mod" ]] || continue
    s=$(stamp_of "$dir" "$pkg" "$ldf")
    if [[ -x "$bin/$name" && "$(cat "$stamps/$name" 2>/dev/null)" == "$s" ]]; then continue; fi
    if [[ "$req" == optional && "${CHATWOOT_FLY_TOOLCHAIN_RETRY:-0}" != 1 &&
      "$(cat "$stamps/$name.failed" 2>/dev/null)" == "$s" ]]; then continue; fi
    return 1
  done
}

if up_to_date; then
  log "cache hit: $bin"
  printf '%s\n' "$bin"
  exit 0
fi

# --- 2. build what is missing, one caller at a time ------------------------
mkdir -p "$bin" "$stamps"
exec 9>"$toolchain_root/.lock"
if ! flock -n 9; then
  log "another toolchain build holds $toolchain_root/.lock; waiting"
  flock 9
fi

export GOCACHE=$cache/gocache
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0 # static binaries, no C toolchain needed
export GOTOOLCHAIN=local
log "pulumi $PULUMI_VERSION -> $bin (GOCACHE=$GOCACHE, GOMODCACHE=$(go env GOMODCACHE), $(go env GOVERSION))"

failed_required=()
for c in "${components[@]}"; do
  IFS='|' read -r name dir pkg ldf req <<<"$c"
  if [[ ! -f "$modules/$dir/go.mod" ]]; then
    log "skip $name: no wrapper module toolchain/$dir (not buildable from the module proxy, see docs/toolchain.md)"
    [[ "$req" == required ]] && failed_required+=("$name")
    continue
  fi
  s=$(stamp_of "$dir" "$pkg" "$ldf")
  if [[ -x "$bin/$name" && "$(cat "$stamps/$name" 2>/dev/null)" == "$s" ]]; then
    log "cached $name"
    continue
  fi
  if [[ "$req" == optional && "${CHATWOOT_FLY_TOOLCHAIN_RETRY:-0}" != 1 &&
    "$(cat "$stamps/$name.failed" 2>/dev/null)" == "$s" ]]; then
    log "skip $name: failed before with the same inputs (CHATWOOT_FLY_TOOLCHAIN_RETRY=1 retries)"
    continue
  fi
  log "building $name from $pkg ..."
  start=$(date +%s)
  tmp="$bin/.$name.tmp.$$"
  if (cd "$modules/$dir" && go build -trimpath -ldflags "-s -w -X $ldf" -o "$tmp" "$pkg") >&2; then
    mv -f "$tmp" "$bin/$name"
    printf '%s\n' "$s" >"$stamps/$name"
    rm -f "$stamps/$name.failed"
    log "built $name in $(($(date +%s) - start))s ($(du -h "$bin/$name" | cut -f1))"
  else
    rm -f "$tmp"
    log "FAILED to build $name after $(($(date +%s) - start))s"
    if [[ "$req" == required ]]; then
      failed_required+=("$name")
    else
      printf '%s\n' "$s" >"$stamps/$name.failed"
    fi
  fi
done

if ((${#failed_required[@]})); then
  log "error: required component(s) missing: ${failed_required[*]}"
  exit 1
fi
log "done: $bin"
printf '%s\n' "$bin"
