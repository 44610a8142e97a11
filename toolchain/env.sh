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
  # A pulumi already on PATH that is not ours stays first (build.sh built no CLI or language host for
  # it): our bin dir goes last then, for the plugins; otherwise first.
  _cf_ext=""
  if [ "${CHATWOOT_FLY_TOOLCHAIN_BUILD:-0}" != 1 ]; then
    _cf_ext=$(command -v pulumi 2>/dev/null || true)
    case "$_cf_ext" in "${_cf_bin%/*/bin}"/*) _cf_ext="" ;; esac
  fi
  case ":$PATH:" in
    *":$_cf_bin:"*) ;;
    *) if [ -n "$_cf_ext" ]; then export PATH="$PATH:$_cf_bin"; else export PATH="$_cf_bin:$PATH"; fi ;;
  esac
  # No "a newer version is available" lookups.
  export PULUMI_SKIP_UPDATE_CHECK=true
  # Plugins come from PATH (ambient) or an existing plugin cache, never from a download; a caller may
  # still override this explicitly.
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"

  _cf_stamps="${_cf_bin%/*}/stamps"
  _cf_logs="${_cf_bin%/*}/logs"
  # Sourced on every run: builtins only from here on, wherever possible (a fork is slow on a busy machine).
  # _cf_label <name>: the version build.sh verified, in _cf_l.
  _cf_label() {
    _cf_l="?"
    [ ! -r "$_cf_stamps/$1.label" ] || read -r _cf_l <"$_cf_stamps/$1.label" || true
  }
  # _cf_why <name>: why a binary of ours is absent, in _cf_w (build.sh said it at length).
  _cf_why() {
    if [ -f "$_cf_stamps/$1.failed" ]; then _cf_w="build failed: $_cf_logs/$1.log"; else _cf_w="not built"; fi
  }
  _cf_standins_dir="${_cf_dir%/toolchain}/testing/doubles/plugin-standins/bin"
  # Start from a PATH without the stand-ins (a second sourcing re-decides).
  _cf_rest="$PATH:"
  _cf_path=""
  while [ -n "$_cf_rest" ]; do
    _cf_e=${_cf_rest%%:*}
    _cf_rest=${_cf_rest#*:}
    [ "$_cf_e" = "$_cf_standins_dir" ] || _cf_path="${_cf_path:+$_cf_path:}$_cf_e"
  done
  export PATH="$_cf_path"
  _cf_real=""
  _cf_standins=""
  _cf_missing=""
  _cf_add() { # <var> <text>
    eval "_cf_v=\$$1"
    # shellcheck disable=SC2154 # _cf_v is set by the eval
    if [ -n "$_cf_v" ]; then eval "$1=\"\$_cf_v, \$2\""; else eval "$1=\"\$2\""; fi
  }

  if [ -z "$_cf_ext" ]; then
    _cf_pulumi="$_cf_bin/pulumi"
    _cf_label pulumi
    _cf_add _cf_real "pulumi $_cf_l"
    if [ -x "$_cf_bin/pulumi-language-nodejs" ]; then
      _cf_label pulumi-language-nodejs
      _cf_add _cf_real "language host $_cf_l"
    else
      _cf_why pulumi-language-nodejs
      _cf_add _cf_missing "language host ($_cf_w)"
    fi
  else
    _cf_pulumi=$_cf_ext
    _cf_add _cf_real "pulumi $("$_cf_pulumi" version 2>/dev/null) with its language host ($_cf_pulumi)"
  fi

  _cf_plugins=""
  _cf_use_standins=""
  _cf_cached=""
  for _cf_p in command random postgresql; do
    if [ -z "$_cf_ext" ] && [ -x "$_cf_bin/pulumi-resource-$_cf_p" ]; then
      _cf_found="$_cf_bin/pulumi-resource-$_cf_p"
    else
      _cf_found=$(command -v "pulumi-resource-$_cf_p" 2>/dev/null || true)
    fi
    if [ "$_cf_found" = "$_cf_bin/pulumi-resource-$_cf_p" ]; then
      _cf_label "pulumi-resource-$_cf_p"
      _cf_plugins="$_cf_plugins $_cf_p $_cf_l"
    elif [ -n "$_cf_found" ]; then
      _cf_plugins="$_cf_plugins $_cf_p ($_cf_found)"
    elif [ -n "$(find "${PULUMI_HOME:-$HOME/.pulumi}/plugins" -maxdepth 1 -name "resource-$_cf_p-*" -print 2>/dev/null | head -n 1)" ]; then
      _cf_plugins="$_cf_plugins $_cf_p (plugin cache)"
      _cf_cached="$_cf_cached $_cf_p"
    elif [ -x "$_cf_standins_dir/pulumi-resource-$_cf_p" ]; then
      _cf_use_standins="$_cf_use_standins $_cf_p"
      _cf_why "pulumi-resource-$_cf_p"
      _cf_add _cf_standins "plugin $_cf_p (FALLBACK, $_cf_w; testing/doubles/plugin-standins)"
    else
      _cf_why "pulumi-resource-$_cf_p"
      _cf_add _cf_missing "plugin $_cf_p ($_cf_w)"
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

  _cf_label flyctl
  _cf_flyctl="$_cf_bin/flyctl-$_cf_l/flyctl"
  if [ -x "$_cf_flyctl" ]; then
    export CHATWOOT_REAL_FLYCTL="$_cf_flyctl"
    _cf_add _cf_real "flyctl $_cf_l"
  else
    unset CHATWOOT_REAL_FLYCTL
    _cf_why flyctl
    _cf_add _cf_missing "flyctl ($_cf_w)"
  fi

  export CHATWOOT_FLY_TOOLCHAIN_REAL="$_cf_real"
  export CHATWOOT_FLY_TOOLCHAIN_STANDINS="$_cf_standins"
  export CHATWOOT_FLY_TOOLCHAIN_MISSING="$_cf_missing"
  if [ "${CHATWOOT_FLY_ENV_QUIET:-0}" != 1 ]; then
    echo "toolchain/env.sh: real: $_cf_real${_cf_standins:+; stand-ins: $_cf_standins}${_cf_missing:+; MISSING: $_cf_missing}" >&2
  fi
  unset -f _cf_label _cf_why _cf_add
  unset _cf_dir _cf_bin _cf_stamps _cf_logs _cf_standins_dir _cf_real _cf_standins _cf_missing _cf_v \
    _cf_pulumi _cf_plugins _cf_use_standins _cf_cached _cf_p _cf_found _cf_flyctl _cf_l _cf_w _cf_rest _cf_path _cf_e _cf_ext
else
  echo "toolchain/env.sh: toolchain/build.sh failed; PATH unchanged" >&2
  unset _cf_dir _cf_bin
  # shellcheck disable=SC2317 # exit only runs when executed instead of sourced
  return 1 2>/dev/null || exit 1
fi
