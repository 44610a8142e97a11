#!/usr/bin/env bash
# The toolchain, built with Go on this machine (no Pulumi installer, no plugin downloads):
#
#   PATH="$(toolchain/build.sh):$PATH"      # or: . toolchain/env.sh
#
# stdout: ONLY the bin directory (pulumi, its Node language host, the provider plugins; the real flyctl
#         sits in a subdirectory, flyctl-<label>/flyctl, so it is never on PATH as `flyctl`).
# stderr: progress with timings, every failure and every fallback.
#
# What is built (docs/toolchain.md):
# * pulumi (the CLI) from Go modules, through the wrapper module toolchain/cli;
# * flyctl, pulumi-language-nodejs and the command, random and postgresql plugins from the upstream
#   source trees in $CHATWOOT_FLY_SOURCES (default: shared/sources beside this repo, else beside the repo
#   this clone came from), each from a writable copy under the cache.
# Each binary has a stamp over what decides its bytes (the source trees' content, or the wrapper's
# go.mod/go.sum; package, tags, -X flags, Go version, platform); it is rebuilt only when that changes.
# A build that fails is reported with its tree and command, recorded (not retried until its inputs
# change, or with CHATWOOT_FLY_TOOLCHAIN_RETRY=1) and left out, so toolchain/env.sh falls back to a
# stand-in and says so. A missing sources folder is said once per run. Builds run one at a time, under
# a lock that a second caller waits for.
set -euo pipefail

# A warm run forks only find and sha256sum (it runs on every `. toolchain/env.sh`, often on a busy
# machine): paths and versions below come from bash builtins.
src=${BASH_SOURCE[0]}
[[ "$src" == */* ]] || src=./$src
cd "${src%/*}"
toolchain=$PWD
script=$toolchain/${src##*/}
root=${toolchain%/*}

# The CLI version is whatever toolchain/cli/go.mod pins (single source).
PULUMI_VERSION=""
while read -r module version _; do
  if [[ "$module" == github.com/pulumi/pulumi/pkg/v3 ]]; then
    PULUMI_VERSION=$version
    break
  fi
done <"$toolchain/cli/go.mod"
[[ "$PULUMI_VERSION" == v3.* ]] || {
  echo "toolchain/build.sh: cannot read the pulumi/pkg/v3 version from $toolchain/cli/go.mod" >&2
  exit 1
}
cache=${CHATWOOT_FLY_CACHE:-$HOME/.cache/chatwoot-fly}
toolchain_root=$cache/toolchain
home=$toolchain_root/$PULUMI_VERSION
bin=$home/bin
stamps=$home/stamps
logs=$home/logs
memo=$home/warm # the last full check: its fast key, then its messages

SECONDS=0
log() { printf '[toolchain +%ss] %s\n' "$SECONDS" "$*" >&2; }

# The version each binary reports. A plugin's label is the version its npm SDK (package.json) asks the
# engine for; which commit each tree really is: docs/toolchain.md (from the sources' README).
FLYCTL_LABEL=0.4.87
FLYCTL_BUILD_DATE=2026-08-21T11:11:32Z
LANGUAGE_HOST_LABEL=v3.259.0

# name | kind | trees (the first is built) | dir inside it | package | tags | -X flags | label | npm SDK
#   module: a wrapper module under toolchain/ (Go modules only);
#   source: folders of the sources, copied side by side (their go.mod replaces point at siblings).
# Built in this order, one at a time; flyctl first.
components=(
  "pulumi|module|cli|.|github.com/pulumi/pulumi/pkg/v3/cmd/pulumi||github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION|$PULUMI_VERSION|"
  "flyctl|source|flyctl-stack|flyctl|.|production|-X github.com/superfly/flyctl/internal/buildinfo.buildVersion=$FLYCTL_LABEL -X github.com/superfly/flyctl/internal/buildinfo.buildDate=$FLYCTL_BUILD_DATE|$FLYCTL_LABEL|"
  "pulumi-language-nodejs|source|pulumi-language-nodejs|.|.||-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGUAGE_HOST_LABEL|$LANGUAGE_HOST_LABEL|"
  "pulumi-resource-command|source|pulumi-command pulumi-go-provider|.|./provider/cmd/pulumi-resource-command||-X github.com/pulumi/pulumi-command/provider/pkg/version.Version=1.2.1|1.2.1|@pulumi/command"
  "pulumi-resource-random|source|pulumi-random|provider|./cmd/pulumi-resource-random||-X github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version=4.21.2|4.21.2|@pulumi/random"
  "pulumi-resource-postgresql|source|pulumi-postgresql|provider|./cmd/pulumi-resource-postgresql||-X github.com/pulumi/pulumi-postgresql/provider/v3/pkg/version.Version=3.18.1|3.18.1|@pulumi/postgresql"
)
source_trees=(flyctl-stack pulumi-language-nodejs pulumi-command pulumi-go-provider pulumi-random pulumi-postgresql)
# Without a build of its own, nothing runs: these fail the script instead of falling back.
required=" pulumi pulumi-language-nodejs "

# --- the sources ------------------------------------------------------------
# shellcheck source=toolchain/sources.sh
. "$toolchain/sources.sh"
find_sources "$root"

# --- a pulumi that is not ours, already on PATH, is used as it is ----------
# (with the language host its install bundles; the plugins and flyctl are still ours)
external_pulumi=""
if [[ "${CHATWOOT_FLY_TOOLCHAIN_BUILD:-0}" != 1 ]] && hash pulumi 2>/dev/null; then
  found=${BASH_CMDS[pulumi]}
  if [[ "$found" != "$toolchain_root"/* ]]; then
    external_pulumi=$found
    if [[ -d "$toolchain_root" ]]; then
      cd -P "$toolchain_root" && [[ "$(cd -P "${found%/*}" && pwd)/" != "$PWD"/* ]] || external_pulumi=""
      cd "$toolchain"
    fi
  fi
fi

if ! hash go 2>/dev/null; then
  [[ -x /usr/local/go/bin/go ]] || {
    log "error: go is not installed (needed to build the toolchain)"
    exit 1
  }
  PATH=/usr/local/go/bin:$PATH
  hash go
fi
gobin=${BASH_CMDS[go]}

# --- fast path ----------------------------------------------------------------
# One cheap key over everything a full check reads: this script, package.json, the go binary, the
# wrapper module, the sources' listing (path, size, mtime), the bin and stamps dirs, the settings.
# When it equals the key of the last full check that found nothing to build, that check's answer and
# messages stand.
fast_key() {
  {
    printf '%s\n' "sources=$sources" "external=$external_pulumi" "retry=${CHATWOOT_FLY_TOOLCHAIN_RETRY:-0}" \
      "go: GOFLAGS=${GOFLAGS:-} GOOS=${GOOS:-} GOARCH=${GOARCH:-} GOAMD64=${GOAMD64:-} GOEXPERIMENT=${GOEXPERIMENT:-}"
    find -L "$script" "$root/package.json" "$gobin" "$toolchain/cli" "$bin" "$stamps" \
      ${sources:+"${source_trees[@]/#/$sources/}"} -printf '%p %s %T@\n' 2>/dev/null || true
  } | sha256sum
}
say_messages() { # <messages>: unless toolchain/env.sh asked for quiet (it prints its own summary)
  [[ -n "$1" && "${CHATWOOT_FLY_TOOLCHAIN_QUIET_WARM:-0}" != 1 ]] || return 0
  while IFS= read -r m; do log "$m"; done <<<"$1"
}
key=$(fast_key)
if [[ -f "$memo" ]]; then
  recorded=""
  messages=""
  {
    IFS= read -r recorded || true
    while IFS= read -r m; do messages+=${messages:+$'\n'}$m; done
  } <"$memo"
  if [[ "$recorded" == "$key" ]]; then
    say_messages "$messages"
    printf '%s\n' "$bin"
    exit 0
  fi
fi

# --- full check ---------------------------------------------------------------
go_env=""
go_env() { [[ -n "$go_env" ]] || go_env=$(go env GOVERSION GOOS GOARCH | paste -sd' '); }

# A tree's content hash, memoised by its listing (path, size, mtime): a copy of the same tree
# elsewhere (new mtimes) hashes to the same content.
tree_hash() { # <abs dir> <memo name>
  local listing content l c f="$stamps/tree.$2"
  listing=$(cd "$1" && find . -type f -printf '%P %s %T@\n' | sha256sum)
  if [[ -f "$f" ]] && read -r l c <"$f" && [[ "$l" == "${listing%% *}" ]]; then
    printf '%s\n' "$c"
    return
  fi
  content=$(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum)
  mkdir -p "$stamps"
  printf '%s %s\n' "${listing%% *}" "${content%% *}" >"$f.$$" && mv -f "$f.$$" "$f"
  printf '%s\n' "${content%% *}"
}

# Everything that decides a binary's bytes. The CLI keeps the formula of the first toolchain (package,
# -X flag, Go version, wrapper go.mod + go.sum), so its cached binary stays valid.
stamp_of() { # <name> <kind> <trees> <dir> <pkg> <tags> <ldflags> <label>
  local t
  go_env
  if [[ "$2" == module ]]; then
    {
      printf '%s\n' "$5" "$7" "${go_env%% *}"
      cat "$toolchain/$3/go.mod" "$toolchain/$3/go.sum" 2>/dev/null || true
    } | sha256sum | cut -d' ' -f1
    return
  fi
  {
    printf '%s\n' "$1" "$4" "$5" "tags=$6" "$7" "label=$8" "$go_env" "CGO_ENABLED=0 -trimpath -s -w"
    for t in $3; do printf '%s %s\n' "$t" "$(tree_hash "$sources/$t" "$t")"; done
  } | sha256sum | cut -d' ' -f1
}

target_of() { # <name>: sets target (flyctl in its own subdirectory, never on PATH as flyctl)
  if [[ "$1" == flyctl ]]; then target=$bin/flyctl-$FLYCTL_LABEL/flyctl; else target=$bin/$1; fi
}
skip_of() { # <name> <kind>: sets skip to why a component is not built at all (empty: build it)
  skip=""
  if [[ -n "$external_pulumi" && ("$1" == pulumi || "$1" == pulumi-language-nodejs) ]]; then
    skip=external
  elif [[ "$2" == source && -z "$sources" ]]; then
    skip=no-sources
  fi
}
failed_before() { # <name> <stamp>
  [[ "$required" != *" $1 "* && "${CHATWOOT_FLY_TOOLCHAIN_RETRY:-0}" != 1 && "$(cat "$stamps/$1.failed" 2>/dev/null)" == "$2" ]]
}
not_built_message() { # <name>
  printf 'NOT BUILT %s: its build failed before with the same inputs (%s; CHATWOOT_FLY_TOOLCHAIN_RETRY=1 retries); falling back\n' \
    "$1" "$logs/$1.log"
}
no_sources_message() { # <components...>
  printf 'NO SOURCES: no sources folder (looked in: %s; set CHATWOOT_FLY_SOURCES); not built from source: %s\n' \
    "$sources_looked" "$*"
}

# The npm SDK pins in package.json must ask for the label this script builds.
pin_messages() {
  local c name kind trees dir pkg tags ldf label sdk pin
  for c in "${components[@]}"; do
    IFS='|' read -r name kind trees dir pkg tags ldf label sdk <<<"$c"
    [[ -n "$sdk" ]] || continue
    pin=$(sed -n "s|^ *\"$sdk\": *\"\([^\"]*\)\".*|\1|p" "$root/package.json" | head -n 1)
    [[ -z "$pin" || "$pin" == "$label" ]] ||
      echo "WARNING: package.json pins $sdk $pin but $name is built as $label: the engine asks for $pin (change the label in toolchain/build.sh)"
  done
}

# Sets state (ok: nothing to build) and messages (what fell back, what is missing).
check() {
  local c name kind trees dir pkg tags ldf label sdk s unsourced=()
  go_env
  state=ok
  messages=$(pin_messages)
  for c in "${components[@]}"; do
    IFS='|' read -r name kind trees dir pkg tags ldf label sdk <<<"$c"
    target_of "$name"
    skip_of "$name" "$kind"
    [[ "$skip" != external ]] || continue
    if [[ "$skip" == no-sources ]]; then
      if [[ -x "$target" && -f "$stamps/$name" ]]; then
        unsourced+=("$name (its earlier build is kept, unchecked)")
      else
        unsourced+=("$name")
        [[ "$required" != *" $name "* ]] || state=stale # the build step reports the error
      fi
      continue
    fi
    s=$(stamp_of "$name" "$kind" "$trees" "$dir" "$pkg" "$tags" "$ldf" "$label")
    if [[ -x "$target" && "$(cat "$stamps/$name" 2>/dev/null)" == "$s" ]]; then
      [[ -f "$stamps/$name.label" ]] || printf '%s\n' "$label" >"$stamps/$name.label" # stamps older than labels
      continue
    fi
    if failed_before "$name" "$s"; then
      messages+=${messages:+$'\n'}$(not_built_message "$name")
      continue
    fi
    state=stale
  done
  ((${#unsourced[@]} == 0)) || messages+=${messages:+$'\n'}$(no_sources_message "${unsourced[@]}")
}
remember() { # records the answer of a full check that found nothing to build
  mkdir -p "$home"
  printf '%s\n%s\n' "$(fast_key)" "$messages" >"$memo.$$" && mv -f "$memo.$$" "$memo"
}

mkdir -p "$bin" "$stamps" "$logs"
[[ -z "$external_pulumi" || "${CHATWOOT_FLY_TOOLCHAIN_QUIET_WARM:-0}" == 1 ]] ||
  log "using pulumi already on PATH: $external_pulumi, with its own language host (CHATWOOT_FLY_TOOLCHAIN_BUILD=1 builds ours)"
check
if [[ "$state" == ok ]]; then
  remember
  say_messages "$messages"
  printf '%s\n' "$bin"
  exit 0
fi

# --- build what is missing or stale, one caller and one build at a time -----
exec 9>"$toolchain_root/.lock"
if ! flock -n 9; then
  log "another toolchain build holds $toolchain_root/.lock; waiting"
  flock 9
fi

export GOCACHE=$cache/gocache
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0 # static binaries, no C toolchain needed
export GOTOOLCHAIN=local
go_env
log "building into $bin (GOCACHE=$GOCACHE, GOMODCACHE=$(go env GOMODCACHE), ${go_env%% *}, sources: ${sources:-none})"

# The version a built binary reports (a plugin must report what its npm SDK asks for): the CLI and the
# language host print it, flyctl too (in a throwaway HOME); the terraform-bridged plugins answer
# -version, the command plugin (pulumi-go-provider, no such flag) puts it in the schema it serves.
reported_version() { # <name> <path>
  local h v
  h=$(mktemp -d)
  case "$1" in
    pulumi) timeout 60 "$2" version ;;
    pulumi-language-nodejs) timeout 60 "$2" -version ;;
    flyctl) HOME=$h FLY_NO_UPDATE_CHECK=1 timeout 60 "$2" version --json | sed -n 's/.*"Version":"\([^"]*\)".*/\1/p' ;;
    pulumi-resource-*)
      v=$(timeout 30 "$2" -version 2>/dev/null | head -n 1 || true)
      if [[ "$v" =~ ^v?[0-9]+\.[0-9]+ ]]; then
        printf '%s\n' "$v"
      else
        PULUMI_HOME=$h PULUMI_SKIP_UPDATE_CHECK=true timeout 120 "${external_pulumi:-$bin/pulumi}" package get-schema "$2" |
          sed -n 's/^  "version": "\([^"]*\)".*/\1/p'
      fi
      ;;
  esac
  rm -rf "$h"
}

failed_required=()
for c in "${components[@]}"; do
  IFS='|' read -r name kind trees dir pkg tags ldf label sdk <<<"$c"
  target_of "$name"
  skip_of "$name" "$kind"
  [[ "$skip" != external ]] || continue
  if [[ "$skip" == no-sources ]]; then
    [[ "$required" != *" $name "* || -x "$target" ]] || failed_required+=("$name")
    continue
  fi
  s=$(stamp_of "$name" "$kind" "$trees" "$dir" "$pkg" "$tags" "$ldf" "$label")
  if [[ -x "$target" && "$(cat "$stamps/$name" 2>/dev/null)" == "$s" ]]; then
    log "cached $name"
    continue
  fi
  if failed_before "$name" "$s"; then
    log "$(not_built_message "$name")"
    continue
  fi

  # Built beside its target and renamed into place: callers never see a half-written binary, and a
  # stale one keeps working until then (but never outlives a failed build).
  mkdir -p "${target%/*}"
  tmp="${target%/*}/.$name.tmp.$$"
  flags=(-trimpath)
  [[ -z "$tags" ]] || flags+=(-tags "$tags")
  if [[ "$kind" == module ]]; then
    tree=$toolchain/$trees
    workdir=$tree
    flags+=(-ldflags "-s -w -X $ldf")
  else
    # A writable copy of the trees, side by side, under the cache (the sources stay read-only).
    tree=$sources/${trees%% *}
    for t in $trees; do
      rm -rf "${cache:?}/src/$t"
      mkdir -p "$cache/src"
      cp -R "$sources/$t" "$cache/src/$t"
      chmod -R u+w "$cache/src/$t"
    done
    workdir=$cache/src/${trees%% *}/$dir
    workdir=${workdir%/.}
    flags+=(-ldflags "-s -w $ldf")
  fi
  cmd="go build -trimpath${tags:+ -tags $tags} -ldflags \"${flags[-1]}\" -o $target $pkg"
  log "building $name $label from $tree: (cd $workdir && $cmd) ..."
  start=$SECONDS
  status=0
  (cd "$workdir" && go build "${flags[@]}" -o "$tmp" "$pkg") 2>&1 | tee "$logs/$name.log" >&2 || status=$?
  if ((status == 0)); then
    # The last word of the first line, without a leading v, must be the label without one.
    got=$(reported_version "$name" "$tmp" 2>>"$logs/$name.log" | head -n 1 || true)
    word=${got##* }
    if [[ "${word#v}" != "${label#v}" ]]; then
      echo "the binary reports version '$got', expected $label" | tee -a "$logs/$name.log" >&2
      status=1
    fi
  fi
  if ((status == 0)); then
    mv -f "$tmp" "$target"
    printf '%s\n' "$s" >"$stamps/$name"
    printf '%s\n' "$label" >"$stamps/$name.label"
    rm -f "$stamps/$name.failed"
    log "built $name $label in $((SECONDS - start))s ($(du -h "$target" | cut -f1))"
  else
    rm -f "$tmp" "$target" "$stamps/$name" "$stamps/$name.label"
    log "FAILED to build $name $label from $tree after $((SECONDS - start))s:"
    log "  (cd $workdir && GOFLAGS='$GOFLAGS' CGO_ENABLED=0 GOCACHE=$GOCACHE $cmd)"
    log "  log: $logs/$name.log; not retried until its inputs change (CHATWOOT_FLY_TOOLCHAIN_RETRY=1 retries)"
    if [[ "$required" == *" $name "* ]]; then
      failed_required+=("$name")
    else
      printf '%s\n' "$s" >"$stamps/$name.failed"
      log "  falling back: toolchain/env.sh puts the stand-in (testing/doubles) in its place, or goes without it"
    fi
  fi
done
# flyctl builds of another label.
for d in "$bin"/flyctl-*; do
  [[ ! -d "$d" || "$d" == "$bin/flyctl-$FLYCTL_LABEL" ]] || rm -rf "$d"
done

if ((${#failed_required[@]})); then
  check
  say_messages "$messages"
  log "error: required component(s) missing: ${failed_required[*]}"
  exit 1
fi
check
[[ "$state" != ok ]] || remember
# The loop above already said what failed.
say_messages "$(grep -v '^NOT BUILT' <<<"$messages" || true)"
log "done: $bin"
printf '%s\n' "$bin"
