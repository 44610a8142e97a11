#!/usr/bin/env bash
# Builds the local S3-compatible server (versity/versitygw, Apache-2.0) from the Go module proxy through
# the wrapper module beside this file, into ~/.cache/chatwoot-fly/s3 (about 5 minutes cold, instant
# when cached: the binary is keyed by a digest of go.mod, go.sum and the Go version).
#
#   testing/s3/build.sh        # stdout: ONLY the path of the versitygw binary; progress on stderr
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) PATH="$PATH:/usr/local/go/bin" ;; esac
command -v go >/dev/null || {
  echo "testing/s3/build.sh: go is not on PATH (nor in /usr/local/go/bin)" >&2
  exit 1
}
cache=${CHATWOOT_FLY_CACHE:-$HOME/.cache/chatwoot-fly}
stamp=$(cat "$here/go.mod" "$here/go.sum" <(go version) | sha256sum | cut -c1-16)
out=$cache/s3/versitygw-$stamp
if [[ -x "$out" ]]; then
  printf '%s\n' "$out"
  exit 0
fi
mkdir -p "$cache/s3"
t0=$(date +%s)
echo "[s3] building versitygw from testing/s3/go.mod (first time: a few minutes)" >&2
tmp=$(mktemp "$cache/s3/.versitygw.XXXXXX")
# -mod=readonly: go.sum is complete; a build that would need anything else fails instead of resolving it.
(cd "$here" && GOFLAGS=-mod=readonly GOCACHE=${GOCACHE:-$cache/gocache} go build -trimpath -o "$tmp" github.com/versity/versitygw/cmd/versitygw) >&2
mv "$tmp" "$out"
echo "[s3] built $out in $(($(date +%s) - t0))s" >&2
printf '%s\n' "$out"
