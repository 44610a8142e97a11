/**
 * Database settings the way Chatwoot's config/database.yml builds them: POSTGRES_HOST/PORT/DATABASE/
 * USERNAME/PASSWORD with the production defaults, DATABASE_URL merged over them (Rails: the URL wins
 * for every part it has), `variables: statement_timeout` from POSTGRES_STATEMENT_TIMEOUT (default
 * 14s). URL query: sslmode (disable/allow/prefer -> no TLS here, require -> TLS without verification,
 * verify-ca/verify-full -> verified TLS), advisory_locks=false and prepared_statements=false as Rails
 * reads them.
 */
import type { ClientConfig } from "pg";

export interface DbSettings {
  config: ClientConfig;
  advisoryLocks: boolean;
  preparedStatements: boolean;
  statementTimeout: string;
  /** host:port/database, for messages (no credentials). */
  label: string;
}

function sslFor(mode: string | null): ClientConfig["ssl"] {
  switch (mode) {
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
    case "verify-full":
      return { rejectUnauthorized: true };
    default:
      return false;
  }
}

export function dbSettings(env: NodeJS.ProcessEnv = process.env): DbSettings {
  const config: ClientConfig = {
    host: env.POSTGRES_HOST || "localhost",
    port: Number(env.POSTGRES_PORT || 5432),
    database: env.POSTGRES_DATABASE || "chatwoot_production",
    user: env.POSTGRES_USERNAME || "chatwoot_prod",
    password: env.POSTGRES_PASSWORD || "chatwoot_prod",
    ssl: false,
  };
  let advisoryLocks = true;
  let preparedStatements = true;
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error(`DATABASE_URL: unsupported adapter ${url.protocol.replace(/:$/, "")}`);
    if (url.hostname) config.host = decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, "$1");
    if (url.port) config.port = Number(url.port);
    if (url.username) config.user = decodeURIComponent(url.username);
    if (url.password) config.password = decodeURIComponent(url.password);
    const db = decodeURIComponent(url.pathname.replace(/^\//, ""));
    if (db) config.database = db;
    config.ssl = sslFor(url.searchParams.get("sslmode"));
    advisoryLocks = url.searchParams.get("advisory_locks") !== "false";
    preparedStatements = url.searchParams.get("prepared_statements") !== "false";
  }
  return {
    config,
    advisoryLocks,
    preparedStatements,
    statementTimeout: env.POSTGRES_STATEMENT_TIMEOUT || "14s",
    label: `${config.host}:${config.port}/${config.database}`,
  };
}

/** `SET statement_timeout` value as a SQL literal. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
