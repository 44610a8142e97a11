# shellcheck shell=bash
# Source me (bash or zsh):   . scripts/env.sh
#
# Puts the Pulumi toolchain on PATH (a pulumi already on PATH, or the one
# scripts/toolchain.sh builds from Go modules and caches) and keeps the CLI
# from reaching the network for update checks and plugin downloads.
# It does not touch PULUMI_HOME, backends or credentials.

_chatwoot_fly_dir=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
if _chatwoot_fly_bin=$("$_chatwoot_fly_dir/toolchain.sh"); then
  case ":$PATH:" in
    *":$_chatwoot_fly_bin:"*) ;;
    *) export PATH="$_chatwoot_fly_bin:$PATH" ;;
  esac
  # No "a newer version is available" lookups.
  export PULUMI_SKIP_UPDATE_CHECK=true
  # Plugins come from PATH (ambient) or an existing plugin cache, never from a
  # download; a caller may still override this explicitly.
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"
  unset _chatwoot_fly_dir _chatwoot_fly_bin
else
  echo "scripts/env.sh: scripts/toolchain.sh failed; PATH unchanged" >&2
  unset _chatwoot_fly_dir _chatwoot_fly_bin
  return 1 2>/dev/null || exit 1
fi
