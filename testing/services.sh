#!/usr/bin/env bash
# Makes sure the services the integration tests need are there (idempotent; safe to run again):
#   shellcheck  for the workflow lint (Debian package `shellcheck`)
#   pgbouncer   the binary (Debian package `pgbouncer`, 1.18 on bookworm); tests start private instances
#   PostgreSQL  answering on 127.0.0.1:5432
#   Redis       answering on 127.0.0.1:6379
#   S3 server   versitygw (testing/s3), built from Go modules into ~/.cache/chatwoot-fly/s3; tests and
#               the local target start private instances on free ports (testing/s3/server.ts)
# One line per service on stdout. Needs root only when something has to be installed or started.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=${REDIS_PORT:-6379}

export DEBIAN_FRONTEND=noninteractive

# PgBouncer lives in /usr/sbin, which a non-login PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin" ;; esac

apt_install() {
  # A fresh machine may have no package lists yet: update only when the plain install fails.
  if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

# --- shellcheck ------------------------------------------------------------------------------------
# Not a service: actionlint (scripts/lint-workflows.sh) checks every workflow's run: scripts with it.
if ! shellcheck --version >/dev/null 2>&1; then
  apt_install shellcheck
  echo "shellcheck: installed $(shellcheck --version | sed -n 's/^version: //p')"
else
  echo "shellcheck: $(shellcheck --version | sed -n 's/^version: //p') at $(command -v shellcheck)"
fi

# --- pgbouncer --------------------------------------------------------------------------------------
# "On PATH" means: runs. (bash's `command -v` also reports a non-executable file of that name.)
pgbouncer_runs() { pgbouncer --version >/dev/null 2>&1; }
if ! pgbouncer_runs; then
  apt_install pgbouncer
  # The package may also start a system pgbouncer on 6432 where an init system runs; the tests
  # start their own private instances on free ports and do not use it.
  if ! pgbouncer_runs; then
    echo "pgbouncer: installed the Debian package but \`pgbouncer --version\` still fails" >&2
    exit 1
  fi
  echo "pgbouncer: installed $(pgbouncer --version | head -n1) at $(command -v pgbouncer)"
else
  echo "pgbouncer: $(pgbouncer --version | head -n1) at $(command -v pgbouncer)"
fi

# --- PostgreSQL -------------------------------------------------------------------------------------
if pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
  echo "postgresql: already accepting connections on $PG_HOST:$PG_PORT"
else
  if [[ ! -d /etc/postgresql ]] || [[ -z "$(ls /etc/postgresql)" ]]; then
    echo "postgresql: not answering on $PG_HOST:$PG_PORT and no cluster under /etc/postgresql (apt-get install postgresql)" >&2
    exit 1
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break
    sleep 1
  done
  if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    echo "postgresql: cluster $version/main started but $PG_HOST:$PG_PORT does not answer" >&2
    exit 1
  fi
  echo "postgresql: started cluster $version/main on $PG_HOST:$PG_PORT"
fi

# --- Redis ------------------------------------------------------------------------------------------
redis_up() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }
if redis_up; then
  echo "redis: already answering on $REDIS_HOST:$REDIS_PORT"
else
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do
    redis_up && break
    sleep 0.2
  done
  if ! redis_up; then
    echo "redis: started but $REDIS_HOST:$REDIS_PORT does not answer (see /var/log/redis/ci.log)" >&2
    exit 1
  fi
  echo "redis: started on $REDIS_HOST:$REDIS_PORT"
fi

# --- S3-compatible server ---------------------------------------------------------------------------
# Built once (a few minutes cold, instant when cached); like PgBouncer, each test starts its own.
s3_binary=$("$(dirname "${BASH_SOURCE[0]}")/s3/build.sh")
echo "s3: versitygw $(awk '$1 == "require" && $2 == "github.com/versity/versitygw" { print $3 }' "$(dirname "${BASH_SOURCE[0]}")/s3/go.mod") at $s3_binary"
