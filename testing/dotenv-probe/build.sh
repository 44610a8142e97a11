#!/usr/bin/env bash
# Builds the dotenv probe (main.go here): flyctl's own `fly secrets import` parser
# (internal/command/secrets/parser.go) behind a small batch protocol, for the property tests of
# lib/secretsImport.ts and of the flyctl double's parser.
#
#   probe=$(testing/dotenv-probe/build.sh)
#
# stdout: ONLY the path of the probe binary.
# stderr: progress, and on failure what is missing (Go, the sources) and where it was looked for.
#
# The parser is in an internal package, so the probe is built inside a writable copy of the flyctl
# sources, never in the sources themselves and never in this repo:
#   ${CHATWOOT_FLY_CACHE:-~/.cache/chatwoot-fly}/dotenv-probe/src/flyctl-stack   the copy (the whole
#       flyctl-stack folder: flyctl's go.mod replaces its superfly libraries by the sibling trees)
#   + secrets/probe_export.go -> flyctl/internal/command/secrets/zz_dotenv_probe_export.go
#   + main.go                 -> flyctl/internal/dotenvprobe/main.go
#   .../dotenv-probe/bin/dotenv-probe and its stamp
# The stamp covers what decides the binary: the content of every file of the flyctl-stack sources,
# main.go, probe_export.go, this script and the Go version. A current binary is reused (about 0.2 s);
# otherwise it is rebuilt with the toolchain's GOCACHE (warm after toolchain/build.sh built flyctl:
# about 20 s; cold, the whole flyctl dependency graph: 5-16 minutes on two shared cores).
# Concurrent callers are serialized by a lock; the second finds the binary built.
#
# Sources: found by toolchain/sources.sh ($CHATWOOT_FLY_SOURCES, else shared/sources beside this repo,
# else beside the repo this clone came from).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${CHATWOOT_FLY_CACHE:-$HOME/.cache/chatwoot-fly}
work=$cache/dotenv-probe
bin=$work/bin/dotenv-probe
stamp_file=$work/bin/dotenv-probe.stamp
t0=$(date +%s)
log() { printf '[dotenv-probe +%ss] %s\n' "$(($(date +%s) - t0))" "$*" >&2; }
fail() {
  log "error: $*"
  exit 1
}

# --- what is needed ---------------------------------------------------------
# shellcheck source=toolchain/sources.sh
. "$root/toolchain/sources.sh"
find_sources "$root"
[[ -n "$sources" ]] || fail "the flyctl sources are missing: no sources folder at $sources_looked (set CHATWOOT_FLY_SOURCES to the folder that holds flyctl-stack/)"
parser=$sources/flyctl-stack/flyctl/internal/command/secrets/parser.go
[[ -f "$parser" ]] || fail "the flyctl sources are incomplete: $parser is missing (sources folder: $sources)"

if ! command -v go >/dev/null 2>&1; then
  [[ -x /usr/local/go/bin/go ]] || fail "Go is missing: no go on PATH and no /usr/local/go/bin/go (needed to build flyctl's parser)"
  PATH=/usr/local/go/bin:$PATH
fi

# --- the stamp --------------------------------------------------------------
stamp=$(
  {
    go env GOVERSION GOOS GOARCH
    sha256sum "$here/main.go" "$here/secrets/probe_export.go" "${BASH_SOURCE[0]}" | cut -d' ' -f1
    (cd "$sources/flyctl-stack" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -d' ' -f1
)
current() { [[ -x "$bin" && "$(cat "$stamp_file" 2>/dev/null)" == "$stamp" ]]; }
if current; then
  printf '%s\n' "$bin"
  exit 0
fi

# --- build, one caller at a time --------------------------------------------
mkdir -p "$work/bin"
exec 9>"$work/.lock"
if ! flock -n 9; then
  log "another build holds $work/.lock; waiting"
  flock 9
fi
if current; then
  printf '%s\n' "$bin"
  exit 0
fi

log "building flyctl's secrets parser from $sources/flyctl-stack (a cold Go cache takes minutes)"
rm -rf "$work/src"
mkdir -p "$work/src"
cp -R "$sources/flyctl-stack" "$work/src/"
chmod -R u+w "$work/src"
tree=$work/src/flyctl-stack/flyctl
cp "$here/secrets/probe_export.go" "$tree/internal/command/secrets/zz_dotenv_probe_export.go"
mkdir -p "$tree/internal/dotenvprobe"
cp "$here/main.go" "$tree/internal/dotenvprobe/main.go"

export GOCACHE=$cache/gocache
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0
export GOTOOLCHAIN=local
tmp=$work/bin/.dotenv-probe.$$
# -tags production as toolchain/build.sh builds flyctl, so the shared GOCACHE serves both (the tag
# selects internal/buildinfo/env_production.go, which panics at start without a build date and
# version: the sources' commit date and nearest tag, as in docs/toolchain.md).
ldflags="-X github.com/superfly/flyctl/internal/buildinfo.buildVersion=0.4.87 -X github.com/superfly/flyctl/internal/buildinfo.buildDate=2026-08-21T11:11:32Z"
if ! (cd "$tree" && go build -trimpath -tags production -ldflags "$ldflags" -o "$tmp" ./internal/dotenvprobe) >&2; then
  rm -f "$tmp"
  fail "go build failed in $tree (GOCACHE=$GOCACHE)"
fi
mv -f "$tmp" "$bin"
printf '%s\n' "$stamp" >"$stamp_file"
log "built $bin in $(($(date +%s) - t0))s"
printf '%s\n' "$bin"
