#!/usr/bin/env bash
# Reproducible Pulumi toolchain and flyctl, built with Go (no Pulumi installer, no plugin downloads).
#
#   PATH="$(toolchain/build.sh):$PATH"      # or: . toolchain/env.sh
#
# stdout: ONLY the bin directory (pulumi, its Node language host and provider plugins; the real flyctl
#         sits in a subdirectory, flyctl-<label>/flyctl, so it is never on PATH as `flyctl`).
# stderr: progress with timings, and every failure and fallback.
#
# What is built (docs/toolchain.md):
# * pulumi (the CLI) from Go modules, through the wrapper module toolchain/cli;
# * pulumi-language-nodejs v3.68.0 from Go modules, through toolchain/nodejs;
# * flyctl from the upstream source tree in $CHATWOOT_FLY_SOURCES (default: ../shared/sources beside
#   this repo, or beside the repo this one was cloned from), copied to a writable folder under the cache.
# Each binary has a stamp over everything that decides its bytes (the tree's content or the wrapper's
# go.mod/go.sum, package, tags, -X flags, Go version and platform); a binary is rebuilt only when its
# stamp changes. A build that fails is named with its tree and command, recorded (not retried until its
# inputs change, or CHATWOOT_FLY_TOOLCHAIN_RETRY=1), and its binary is left out, so toolchain/env.sh
# falls back to a stand-in and says so. Builds run one at a time under a lock.
set -euo pipefail

toolchain=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$toolchain/.." && pwd)

# The CLI version is whatever toolchain/cli/go.mod pins (single source).
PULUMI_VERSION=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$toolchain/cli/go.mod")
[[ "$PULUMI_VERSION" == v3.* ]] || {
  echo "toolchain/build.sh: cannot read the pulumi/pkg/v3 version from $toolchain/cli/go.mod" >&2
  exit 1
}
cache=${CHATWOOT_FLY_CACHE:-$HOME/.cache/chatwoot-fly}
toolchain_root=$cache/toolchain
bin=$toolchain_root/$PULUMI_VERSION/bin
stamps=$toolchain_root/$PULUMI_VERSION/stamps
logs=$toolchain_root/$PULUMI_VERSION/logs

t0=$(date +%s)
log() { printf '[toolchain +%ss] %s\n' "$(($(date +%s) - t0))" "$*" >&2; }

# The version each binary reports. A plugin's label is the version its npm SDK (package.json) asks the
# engine for; the commit each source tree really is comes from the sources' README (docs/toolchain.md).
FLYCTL_LABEL=0.4.87
FLYCTL_BUILD_DATE=2026-08-21T11:11:32Z

# name | kind | trees (first one is built) | dir inside it | package | tags | -X flags | label | npm SDK
#   kind "module": trees is a wrapper module under toolchain/ (Go modules only);
#   kind "source": trees are folders of the sources, copied side by side (go.mod replaces point at siblings).
components=(
  "pulumi|module|cli|.|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi||github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION|$PULUMI_VERSION|"
  "pulumi-language-nodejs|module|nodejs|.|github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs||github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.68.0|v3.68.0|"
  "flyctl|source|flyctl-stack|flyctl|.|production|-X github.com/superfly/flyctl/internal/buildinfo.buildVersion=$FLYCTL_LABEL -X github.com/superfly/flyctl/internal/buildinfo.buildDate=$FLYCTL_BUILD_DATE|$FLYCTL_LABEL|"
)

# Where a binary lands: flyctl in its own subdirectory, never on PATH under the name flyctl.
target_of() { # <name>
  if [[ "$1" == flyctl ]]; then printf '%s\n' "$bin/flyctl-$FLYCTL_LABEL/flyctl"; else printf '%s\n' "$bin/$1"; fi
}

# --- the sources ----------------------------------------------------------
# $CHATWOOT_FLY_SOURCES, else shared/sources beside this repo, else beside the repo this clone came from
# (`git clone /work/main /tmp/x` finds /work/shared/sources through origin).
sources=""
sources_looked=""
if [[ -n "${CHATWOOT_FLY_SOURCES:-}" ]]; then
  sources_looked="CHATWOOT_FLY_SOURCES=$CHATWOOT_FLY_SOURCES"
  [[ -d "$CHATWOOT_FLY_SOURCES" ]] && sources=$(cd "$CHATWOOT_FLY_SOURCES" && pwd)
else
  candidates=("$root/../shared/sources")
  origin=$(git -C "$root" config --get remote.origin.url 2>/dev/null || true)
  case "$origin" in
    file://*) candidates+=("${origin#file://}/../shared/sources") ;;
    /*) candidates+=("$origin/../shared/sources") ;;
  esac
  for c in "${candidates[@]}"; do
    sources_looked="${sources_looked:+$sources_looked, }$c"
    if [[ -d "$c" ]]; then
      sources=$(cd "$c" && pwd)
      break
    fi
  done
fi

# --- 1. a pulumi that is not ours, already on PATH, is used as it is ------
mkdir -p "$toolchain_root"
ours=$(cd "$toolchain_root" && pwd -P)
external_pulumi=""
if [[ "${CHATWOOT_FLY_TOOLCHAIN_BUILD:-0}" != 1 ]] && existing=$(command -v pulumi 2>/dev/null); then
  existing_dir=$(cd "$(dirname "$existing")" && pwd -P)
  [[ "$existing_dir/" == "$ours"/* ]] || external_pulumi=$existing
fi

command -v go >/dev/null 2>&1 || [[ -x /usr/local/go/bin/go ]] || {
  log "error: go is not installed (needed to build the toolchain)"
  exit 1
}
command -v go >/dev/null 2>&1 || PATH=/usr/local/go/bin:$PATH
go_env=$(go env GOVERSION GOOS GOARCH | paste -sd' ')
GOVERSION=${go_env%% *}

# --- stamps -----------------------------------------------------------------
# A tree's content hash, memoised by a cheap listing (path, size, mtime) so a warm run reads no file
# contents; a copy of the same tree elsewhere (new mtimes) hashes to the same content.
tree_hash() { # <abs dir> <memo name>
  local listing content memo="$stamps/tree.$2"
  listing=$(cd "$1" && find . -type f -printf '%P %s %T@\n' | sha256sum | cut -d' ' -f1)
  if [[ -f "$memo" ]] && read -r l c <"$memo" && [[ "$l" == "$listing" ]]; then
    printf '%s\n' "$c"
    return
  fi
  content=$(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  mkdir -p "$stamps"
  printf '%s %s\n' "$listing" "$content" >"$memo.$$" && mv -f "$memo.$$" "$memo"
  printf '%s\n' "$content"
}

# Everything that decides a binary's bytes. For the CLI the formula is the one used since the first
# toolchain (package, -X flag, Go version, wrapper go.mod + go.sum), so its cached binary stays valid.
stamp_of() { # <name> <kind> <trees> <dir> <pkg> <tags> <ldflags> <label>
  local t
  if [[ "$2" == module ]]; then
    {
      printf '%s\n' "$5" "$7" "$GOVERSION"
      cat "$toolchain/$3/go.mod" "$toolchain/$3/go.sum" 2>/dev/null || true
    } | sha256sum | cut -d' ' -f1
    return
  fi
  {
    printf '%s\n' "$1" "$4" "$5" "tags=$6" "$7" "label=$8" "$go_env" "CGO_ENABLED=0 -trimpath -s -w"
    for t in $3; do printf '%s %s\n' "$t" "$(tree_hash "$sources/$t" "$t")"; done
  } | sha256sum | cut -d' ' -f1
}

# The version a built binary reports (a plugin must report what its npm SDK asks for).
reported_version() { # <name> <path>
  local home out
  case "$1" in
    pulumi) "$2" version ;;
    flyctl)
      home=$(mktemp -d)
      out=$(HOME=$home FLY_NO_UPDATE_CHECK=1 "$2" version --json 2>/dev/null | sed -n 's/.*"Version":"\([^"]*\)".*/\1/p') || true
      rm -rf "$home"
      printf '%s\n' "$out"
      ;;
    *) "$2" -version 2>&1 | head -n 1 ;;
  esac
}

# The npm SDK pins in package.json must ask for the label this script builds.
for c in "${components[@]}"; do
  IFS='|' read -r name kind trees dir pkg tags ldf label sdk <<<"$c"
  [[ -n "$sdk" ]] || continue
  pin=$(sed -n "s|^ *\"$sdk\": *\"\([^\"]*\)\".*|\1|p" "$root/package.json" | head -n 1)
  [[ -z "$pin" || "$pin" == "$label" ]] ||
    log "WARNING: package.json pins $sdk $pin, but $name is built as $label: the engine will ask for $pin (change the label in toolchain/build.sh)"
done

skip_reason() { # <name> <kind>: why a component is not built at all (empty: build it)
  if [[ -n "$external_pulumi" && ("$1" == pulumi || "$1" == pulumi-language-nodejs) ]]; then
    echo "external"
  elif [[ "$2" == source && -z "$sources" ]]; then
    echo "no-sources"
  fi
}

# --- 2. fast path (no lock) -------------------------------------------------
# Nothing to build when every binary is current or its failure with the same inputs is recorded. A warm
# run still says what is missing and what fell back, as loudly as the run that failed.
# Prints "ok" or "stale" on its first line, then the messages for stderr.
state_of() {
  local c name kind trees dir pkg tags ldf label sdk why s target stale=0 unsourced=()
  local -a msgs=()
  for c in "${components[@]}"; do
    IFS='|' read -r name kind trees dir pkg tags ldf label sdk <<<"$c"
    target=$(target_of "$name")
    why=$(skip_reason "$name" "$kind")
    if [[ "$why" == external ]]; then continue; fi
    if [[ "$why" == no-sources ]]; then
      if [[ -x "$target" && -f "$stamps/$name" ]]; then
        unsourced+=("$name (cached build kept, unchecked)")
      else
        unsourced+=("$name")
        [[ "$name" != pulumi-language-nodejs ]] || stale=1 # required: the build step reports the error
      fi
      continue
    fi
    s=$(stamp_of "$name" "$kind" "$trees" "$dir" "$pkg" "$tags" "$ldf" "$label")
    if [[ -x "$target" && "$(cat "$stamps/$name" 2>/dev/null)" == "$s" ]]; then
      [[ -f "$stamps/$name.label" ]] || printf '%s\n' "$label" >"$stamps/$name.label" # stamps before labels
      continue
    fi
    if [[ "$name" != pulumi && "$name" != pulumi-language-nodejs && "${CHATWOOT_FLY_TOOLCHAIN_RETRY:-0}" != 1 &&
      "$(cat "$stamps/$name.failed" 2>/dev/null)" == "$s" ]]; then
      msgs+=("NOT BUILT $name: its build failed before with the same inputs (log: $logs/$name.log; CHATWOOT_FLY_TOOLCHAIN_RETRY=1 retries); falling back")
      continue
    fi
    stale=1
  done
  ((${#unsourced[@]})) &&
    msgs+=("NO SOURCES: no source tree folder found (looked in: $sources_looked; set CHATWOOT_FLY_SOURCES); not built from source: ${unsourced[*]}")
  if ((stale)); then echo stale; else echo ok; fi
  ((${#msgs[@]} == 0)) || printf '%s\n' "${msgs[@]}"
}

if [[ -n "$external_pulumi" ]]; then
  log "using pulumi already on PATH: $external_pulumi, with its own language host (set CHATWOOT_FLY_TOOLCHAIN_BUILD=1 to build ours)"
fi
state=$(state_of)
if [[ "${state%%$'\n'*}" == ok ]]; then
  # toolchain/env.sh says the same in its summary line (CHATWOOT_FLY_TOOLCHAIN_QUIET_WARM=1).
  if [[ "${CHATWOOT_FLY_TOOLCHAIN_QUIET_WARM:-0}" != 1 ]]; then
    while IFS= read -r m; do log "$m"; done < <(tail -n +2 <<<"$state")
  fi
  printf '%s\n' "$bin"
  exit 0
fi

# --- 3. build what is missing or stale, one caller and one build at a time --
mkdir -p "$bin" "$stamps" "$logs"
exec 9>"$toolchain_root/.lock"
if ! flock -n 9; then
  log "another toolchain build holds $toolchain_root/.lock; waiting"
  flock 9
fi

export GOCACHE=$cache/gocache
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0 # static binaries, no C toolchain needed
export GOTOOLCHAIN=local
log "building into $bin (GOCACHE=$GOCACHE, GOMODCACHE=$(go env GOMODCACHE), $GOVERSION, sources: ${sources:-none})"

failed_required=()
unsourced=()
for c in "${components[@]}"; do
  IFS='|' read -r name kind trees dir pkg tags ldf label sdk <<<"$c"
  target=$(target_of "$name")
  why=$(skip_reason "$name" "$kind")
  if [[ "$why" == external ]]; then continue; fi
  if [[ "$why" == no-sources ]]; then
    if [[ -x "$target" && -f "$stamps/$name" ]]; then unsourced+=("$name (cached build kept, unchecked)"); else unsourced+=("$name"); fi
    [[ "$name" != pulumi-language-nodejs || -x "$target" ]] || failed_required+=("$name")
    continue
  fi
  s=$(stamp_of "$name" "$kind" "$trees" "$dir" "$pkg" "$tags" "$ldf" "$label")
  if [[ -x "$target" && "$(cat "$stamps/$name" 2>/dev/null)" == "$s" ]]; then
    [[ -f "$stamps/$name.label" ]] || printf '%s\n' "$label" >"$stamps/$name.label"
    log "cached $name"
    continue
  fi
  if [[ "$name" != pulumi && "$name" != pulumi-language-nodejs && "${CHATWOOT_FLY_TOOLCHAIN_RETRY:-0}" != 1 &&
    "$(cat "$stamps/$name.failed" 2>/dev/null)" == "$s" ]]; then
    log "NOT BUILT $name: its build failed before with the same inputs (log: $logs/$name.log; CHATWOOT_FLY_TOOLCHAIN_RETRY=1 retries); falling back"
    continue
  fi

  # Built beside its target and renamed into place (callers never see a half-written binary); a stale
  # binary never outlives a failed build.
  mkdir -p "$(dirname "$target")"
  tmp="$(dirname "$target")/.$name.tmp.$$"
  flags=(-trimpath)
  [[ -z "$tags" ]] || flags+=(-tags "$tags")
  if [[ "$kind" == module ]]; then
    tree="toolchain/$trees"
    workdir=$toolchain/$trees
    flags+=(-ldflags "-s -w -X $ldf")
  else
    # A writable copy of the trees, side by side, under the cache (the sources stay read-only).
    first=${trees%% *}
    tree="$sources/$first"
    for t in $trees; do
      rm -rf "${cache:?}/src/$t"
      mkdir -p "$cache/src"
      cp -R "$sources/$t" "$cache/src/$t"
      chmod -R u+w "$cache/src/$t"
    done
    workdir=$cache/src/$first/$dir
    flags+=(-ldflags "-s -w $ldf")
  fi
  # The command as one would type it (for the log and for a failure report).
  cmd="go build -trimpath${tags:+ -tags $tags} -ldflags \"${flags[-1]}\" -o $target $pkg"
  log "building $name $label from $tree: (cd $workdir && $cmd) ..."
  start=$(date +%s)
  status=0
  (cd "$workdir" && go build "${flags[@]}" -o "$tmp" "$pkg") 2>&1 | tee "$logs/$name.log" >&2 || status=$?
  if ((status == 0)); then
    # The last word of the first line, without a leading v, must be the label without one.
    got=$(reported_version "$name" "$tmp" 2>/dev/null | head -n 1 || true)
    word=${got##* }
    if [[ "${word#v}" != "${label#v}" ]]; then
      echo "the binary reports version '$got', expected $label" >>"$logs/$name.log"
      status=1
    fi
  fi
  if ((status == 0)); then
    mv -f "$tmp" "$target"
    printf '%s\n' "$s" >"$stamps/$name"
    printf '%s\n' "$label" >"$stamps/$name.label"
    rm -f "$stamps/$name.failed"
    log "built $name $label in $(($(date +%s) - start))s ($(du -h "$target" | cut -f1))"
  else
    rm -f "$tmp" "$target" "$stamps/$name" "$stamps/$name.label"
    tail -n 1 "$logs/$name.log" >&2 || true
    log "FAILED to build $name $label from $tree after $(($(date +%s) - start))s"
    log "  command: (cd $workdir && GOFLAGS='$GOFLAGS' CGO_ENABLED=0 GOCACHE=$GOCACHE $cmd)"
    log "  log: $logs/$name.log; not retried until its inputs change (CHATWOOT_FLY_TOOLCHAIN_RETRY=1 retries)"
    if [[ "$name" == pulumi || "$name" == pulumi-language-nodejs ]]; then
      failed_required+=("$name")
    else
      printf '%s\n' "$s" >"$stamps/$name.failed"
      log "  falling back: toolchain/env.sh uses the stand-in (testing/doubles) in its place"
    fi
  fi
done
# Other labels of flyctl left by an older build.
for d in "$bin"/flyctl-*; do
  [[ -d "$d" && "$d" != "$bin/flyctl-$FLYCTL_LABEL" ]] && rm -rf "$d"
done

if ((${#unsourced[@]})); then
  log "NO SOURCES: no source tree folder found (looked in: $sources_looked; set CHATWOOT_FLY_SOURCES); not built from source: ${unsourced[*]}"
fi
if ((${#failed_required[@]})); then
  log "error: required component(s) missing: ${failed_required[*]}"
  exit 1
fi
log "done: $bin"
printf '%s\n' "$bin"
