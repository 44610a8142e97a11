/**
 * What Chatwoot expects of its environment and processes. Sources, at tag v4.14.0 of
 * https://github.com/chatwoot/chatwoot: Procfile, config/database.yml, config/puma.rb,
 * config/sidekiq.yml, .env.example; and https://www.chatwoot.com/docs/self-hosted/deployment/requirements.
 */
import type { PlainConfig } from "./config/schema";
import { STORAGE_PLAIN_ENV, STORAGE_SECRET_ENV, storageEnv } from "./storage";

/**
 * Process commands of the Procfile. A fly.toml process is split into argv (no shell), so the `&&` of
 * the Procfile runs inside `sh -c`; Puma binds 0.0.0.0 so the Fly proxy reaches it.
 */
export const PROCESS_COMMANDS = {
  web: `sh -c "bundle exec rails ip_lookup:setup && exec bin/rails server -b 0.0.0.0 -p $PORT -e $RAILS_ENV"`,
  // `-t` wins over the image's config/sidekiq.yml (lib/stopSettings.ts): kill_timeout is computed from it.
  worker: `sh -c "bundle exec rails ip_lookup:setup && exec bundle exec sidekiq -C config/sidekiq.yml -t $SIDEKIQ_SHUTDOWN_TIMEOUT"`,
} as const;

export type ProcessGroup = keyof typeof PROCESS_COMMANDS;
export const PROCESS_GROUPS = Object.keys(PROCESS_COMMANDS) as ProcessGroup[];

/** Names that are set as Fly secrets, never as [env]. */
export const SECRET_ENV_NAMES = [
  "SECRET_KEY_BASE",
  "REDIS_URL",
  "DATABASE_URL",
  "MIGRATION_DATABASE_URL",
  "POSTGRES_HOST",
  "POSTGRES_PORT",
  "POSTGRES_DATABASE",
  "POSTGRES_USERNAME",
  "POSTGRES_PASSWORD",
  "FRONTEND_URL",
  "BACKEND_URL",
  ...STORAGE_SECRET_ENV,
] as const;

/** Env names that are reserved by this stack and cannot be overridden through rails.extraEnv. */
export const RESERVED_ENV_NAMES: readonly string[] = [
  ...SECRET_ENV_NAMES,
  "REDIS_PASSWORD",
  "RAILS_ENV",
  "NODE_ENV",
  "PORT",
  "RAILS_MAX_THREADS",
  "WEB_CONCURRENCY",
  "SIDEKIQ_CONCURRENCY",
  "SIDEKIQ_SHUTDOWN_TIMEOUT",
  "POSTGRES_STATEMENT_TIMEOUT",
  ...STORAGE_PLAIN_ENV,
];

/** The non-secret environment of web and worker (fly.toml [env]). */
export function runtimeEnv(config: PlainConfig): Record<string, string> {
  const { rails, deploy } = config;
  return {
    RAILS_ENV: "production",
    NODE_ENV: "production",
    RAILS_LOG_TO_STDOUT: "true",
    INSTALLATION_ENV: rails.installationEnv,
    ENABLE_ACCOUNT_SIGNUP: String(rails.enableAccountSignup),
    PORT: String(deploy.internalPort),
    RAILS_MAX_THREADS: String(rails.railsMaxThreads),
    WEB_CONCURRENCY: String(rails.webConcurrency),
    SIDEKIQ_CONCURRENCY: String(rails.sidekiqConcurrency),
    SIDEKIQ_SHUTDOWN_TIMEOUT: String(rails.sidekiqShutdownTimeout),
    ...storageEnv(config),
    ...rails.extraEnv,
  };
}

/** Paths Chatwoot serves without a session (config/routes.rb): /health (liveness) and /api (readiness). */
export const SERVED_CHECK_PATHS = ["/health", "/api"] as const;
