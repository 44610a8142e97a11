# shellcheck shell=bash
# Source me (bash or zsh):   . toolchain/env.sh
#
# Puts the Pulumi toolchain on PATH (a pulumi already on PATH, or the one
# toolchain/build.sh builds from Go modules and caches) and keeps the CLI
# from reaching the network for update checks and plugin downloads.
# It does not touch PULUMI_HOME, backends or credentials.

_chatwoot_fly_dir=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
if _chatwoot_fly_bin=$("$_chatwoot_fly_dir/build.sh"); then
  case ":$PATH:" in
    *":$_chatwoot_fly_bin:"*) ;;
    *) export PATH="$_chatwoot_fly_bin:$PATH" ;;
  esac
  # How to pass the policy pack: our language host build cannot run a pack directory
  # (toolchain/policy-pack-run says why), a regular Pulumi install can.
  case "$_chatwoot_fly_bin" in
    "${CHATWOOT_FLY_CACHE:-$HOME/.cache/chatwoot-fly}"/*) export CHATWOOT_POLICY_PACK="$_chatwoot_fly_dir/policy-pack-run" ;;
    *) export CHATWOOT_POLICY_PACK="$_chatwoot_fly_dir/../policies" ;;
  esac
  # The real flyctl that build.sh built from the sources, in a subdirectory of the bin dir so that it is
  # never on PATH as `flyctl` (the stack's chatwoot:flyctl setting decides which flyctl runs).
  _chatwoot_fly_flyctl="$_chatwoot_fly_bin/flyctl-$(cat "$_chatwoot_fly_bin/../stamps/flyctl.label" 2>/dev/null)/flyctl"
  if [ -x "$_chatwoot_fly_flyctl" ]; then
    export CHATWOOT_REAL_FLYCTL="$_chatwoot_fly_flyctl"
  else
    unset CHATWOOT_REAL_FLYCTL
    echo "toolchain/env.sh: no real flyctl (toolchain/build.sh did not build it); CHATWOOT_REAL_FLYCTL unset" >&2
  fi
  # No "a newer version is available" lookups.
  export PULUMI_SKIP_UPDATE_CHECK=true
  # Plugins come from PATH (ambient) or an existing plugin cache, never from a
  # download; a caller may still override this explicitly.
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"
  # Provider plugins that cannot be built here (docs/toolchain.md): a real one on PATH or in the plugin
  # cache wins; otherwise the stand-ins (test doubles, testing/doubles/plugin-standins/README.md) go last on PATH.
  _chatwoot_fly_standins=$(cd "$_chatwoot_fly_dir/../testing/doubles/plugin-standins/bin" && pwd)
  _chatwoot_fly_used=""
  _chatwoot_fly_cached=""
  for _chatwoot_fly_p in command random; do
    _chatwoot_fly_found=$(command -v "pulumi-resource-$_chatwoot_fly_p" 2>/dev/null || true)
    if [ "$_chatwoot_fly_found" = "$_chatwoot_fly_standins/pulumi-resource-$_chatwoot_fly_p" ]; then
      _chatwoot_fly_used="$_chatwoot_fly_used pulumi-resource-$_chatwoot_fly_p"
    elif [ -z "$_chatwoot_fly_found" ]; then
      if [ -n "$(find "${PULUMI_HOME:-$HOME/.pulumi}/plugins" -maxdepth 1 -name "resource-$_chatwoot_fly_p-*" -print 2>/dev/null | head -n 1)" ]; then
        _chatwoot_fly_cached="$_chatwoot_fly_cached pulumi-resource-$_chatwoot_fly_p"
      else
        _chatwoot_fly_used="$_chatwoot_fly_used pulumi-resource-$_chatwoot_fly_p"
      fi
    fi
  done
  if [ -n "$_chatwoot_fly_used" ]; then
    case ":$PATH:" in
      *":$_chatwoot_fly_standins:"*) ;;
      *) export PATH="$PATH:$_chatwoot_fly_standins" ;;
    esac
    # PATH (ambient) plugins win over the plugin cache, so a stand-in also shadows a cached plugin.
    [ -z "$_chatwoot_fly_cached" ] || _chatwoot_fly_used="$_chatwoot_fly_used$_chatwoot_fly_cached (shadowing the plugin cache)"
    echo "toolchain/env.sh: stand-in plugins in use (test doubles, see testing/doubles/plugin-standins/README.md):$_chatwoot_fly_used" >&2
  fi
  unset _chatwoot_fly_dir _chatwoot_fly_bin _chatwoot_fly_flyctl _chatwoot_fly_standins _chatwoot_fly_used _chatwoot_fly_cached _chatwoot_fly_p _chatwoot_fly_found
else
  echo "toolchain/env.sh: toolchain/build.sh failed; PATH unchanged" >&2
  unset _chatwoot_fly_dir _chatwoot_fly_bin
  # shellcheck disable=SC2317 # exit only runs when executed instead of sourced
  return 1 2>/dev/null || exit 1
fi
