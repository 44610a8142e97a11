# shellcheck shell=bash
# Source me (bash or zsh):   . toolchain/env.sh
#
# Puts the toolchain that toolchain/build.sh builds (or a pulumi already on PATH) first on PATH, exports
# the real flyctl's path as CHATWOOT_REAL_FLYCTL (never on PATH as `flyctl`: the stack's
# chatwoot:flyctl setting decides which flyctl runs), and keeps the CLI from reaching the network for
# update checks and plugin downloads. It does not touch PULUMI_HOME, backends or credentials.
#
# What it found, for the first line of every run (scripts/setup.sh prints it):
#   CHATWOOT_FLY_TOOLCHAIN_REAL       e.g. "pulumi v3.274.1, language host v3.259.0, plugins command 1.2.1 ..., flyctl 0.4.87"
#   CHATWOOT_FLY_TOOLCHAIN_STANDINS   the stand-ins in use (fallbacks), empty when none
#   CHATWOOT_FLY_TOOLCHAIN_MISSING    what is neither built nor stood in for, empty when nothing
# It prints them as one line on stderr unless CHATWOOT_FLY_ENV_QUIET=1.

_cf_dir=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
if _cf_bin=$(CHATWOOT_FLY_TOOLCHAIN_QUIET_WARM=1 "$_cf_dir/build.sh"); then
  case ":$PATH:" in
    *":$_cf_bin:"*) ;;
    *) export PATH="$_cf_bin:$PATH" ;;
  esac
  # No "a newer version is available" lookups.
  export PULUMI_SKIP_UPDATE_CHECK=true
  # Plugins come from PATH (ambient) or an existing plugin cache, never from a download; a caller may
  # still override this explicitly.
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"

  _cf_stamps="$(dirname "$_cf_bin")/stamps"
  _cf_logs="$(dirname "$_cf_bin")/logs"
  _cf_label() { cat "$_cf_stamps/$1.label" 2>/dev/null || echo "?"; }
  # Why a binary of ours is absent (build.sh said it at length; this is the short form).
  _cf_why() {
    if [ -f "$_cf_stamps/$1.failed" ]; then echo "build failed: $_cf_logs/$1.log"; else echo "not built"; fi
  }
  _cf_standins_dir=$(cd "$_cf_dir/../testing/doubles/plugin-standins/bin" && pwd)
  # Start from a PATH without the stand-ins (a second sourcing re-decides).
  PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$_cf_standins_dir" | paste -sd: -)
  export PATH
  _cf_real=""
  _cf_standins=""
  _cf_missing=""
  _cf_add() { # <var> <text>
    eval "_cf_v=\$$1"
    # shellcheck disable=SC2154 # _cf_v is set by the eval
    if [ -n "$_cf_v" ]; then eval "$1=\"\$_cf_v, \$2\""; else eval "$1=\"\$2\""; fi
  }

  _cf_pulumi=$(command -v pulumi 2>/dev/null || true)
  if [ "$_cf_pulumi" = "$_cf_bin/pulumi" ]; then
    _cf_add _cf_real "pulumi $(_cf_label pulumi)"
    if [ -x "$_cf_bin/pulumi-language-nodejs" ]; then
      _cf_add _cf_real "language host $(_cf_label pulumi-language-nodejs)"
    else
      _cf_add _cf_missing "language host ($(_cf_why pulumi-language-nodejs))"
    fi
  else
    _cf_add _cf_real "pulumi $("$_cf_pulumi" version 2>/dev/null) with its language host ($_cf_pulumi)"
  fi

  _cf_plugins=""
  _cf_use_standins=""
  _cf_cached=""
  for _cf_p in command random postgresql; do
    _cf_found=$(command -v "pulumi-resource-$_cf_p" 2>/dev/null || true)
    if [ "$_cf_found" = "$_cf_bin/pulumi-resource-$_cf_p" ]; then
      _cf_plugins="$_cf_plugins $_cf_p $(_cf_label "pulumi-resource-$_cf_p")"
    elif [ -n "$_cf_found" ]; then
      _cf_plugins="$_cf_plugins $_cf_p ($_cf_found)"
    elif [ -n "$(find "${PULUMI_HOME:-$HOME/.pulumi}/plugins" -maxdepth 1 -name "resource-$_cf_p-*" -print 2>/dev/null | head -n 1)" ]; then
      _cf_plugins="$_cf_plugins $_cf_p (plugin cache)"
      _cf_cached="$_cf_cached $_cf_p"
    elif [ -x "$_cf_standins_dir/pulumi-resource-$_cf_p" ]; then
      _cf_use_standins="$_cf_use_standins $_cf_p"
      _cf_add _cf_standins "plugin $_cf_p (FALLBACK, $(_cf_why "pulumi-resource-$_cf_p"); testing/doubles/plugin-standins)"
    else
      _cf_add _cf_missing "plugin $_cf_p ($(_cf_why "pulumi-resource-$_cf_p"))"
    fi
  done
  [ -z "$_cf_plugins" ] || _cf_add _cf_real "plugins${_cf_plugins}"
  if [ -n "$_cf_use_standins" ]; then
    # Last on PATH: anything real wins. Ambient plugins win over the plugin cache, so a stand-in also
    # shadows a cached plugin of the same name (testing/doubles/plugin-standins/README.md).
    export PATH="$PATH:$_cf_standins_dir"
    for _cf_p in command random postgresql; do
      case "$_cf_cached" in *" $_cf_p"*) ;; *) continue ;; esac
      [ ! -x "$_cf_standins_dir/pulumi-resource-$_cf_p" ] ||
        _cf_add _cf_standins "plugin $_cf_p (stand-in shadowing the plugin cache)"
    done
  fi

  _cf_flyctl="$_cf_bin/flyctl-$(_cf_label flyctl)/flyctl"
  if [ -x "$_cf_flyctl" ]; then
    export CHATWOOT_REAL_FLYCTL="$_cf_flyctl"
    _cf_add _cf_real "flyctl $(_cf_label flyctl)"
  else
    unset CHATWOOT_REAL_FLYCTL
    _cf_add _cf_missing "flyctl ($(_cf_why flyctl))"
  fi

  export CHATWOOT_FLY_TOOLCHAIN_REAL="$_cf_real"
  export CHATWOOT_FLY_TOOLCHAIN_STANDINS="$_cf_standins"
  export CHATWOOT_FLY_TOOLCHAIN_MISSING="$_cf_missing"
  if [ "${CHATWOOT_FLY_ENV_QUIET:-0}" != 1 ]; then
    echo "toolchain/env.sh: real: $_cf_real${_cf_standins:+; stand-ins: $_cf_standins}${_cf_missing:+; MISSING: $_cf_missing}" >&2
  fi
  unset -f _cf_label _cf_why _cf_add
  unset _cf_dir _cf_bin _cf_stamps _cf_logs _cf_standins_dir _cf_real _cf_standins _cf_missing _cf_v \
    _cf_pulumi _cf_plugins _cf_use_standins _cf_cached _cf_p _cf_found _cf_flyctl
else
  echo "toolchain/env.sh: toolchain/build.sh failed; PATH unchanged" >&2
  unset _cf_dir _cf_bin
  # shellcheck disable=SC2317 # exit only runs when executed instead of sourced
  return 1 2>/dev/null || exit 1
fi
