/**
 * Preflight of the migration: before any machine starts, the migration's role on the migration's
 * endpoint must have, or be able to create, every extension Chatwoot's schema enables. Without it the
 * migration fails late, on the migration machine, with `PG::FeatureNotSupported` or `permission denied`
 * (chatwoot/chatwoot issues 10933, 13511). Pure: the SQL and the reading of its answer; the program runs
 * it (components/chatwootDatabase.ts).
 */
import type { Endpoint } from "./endpoints";

/**
 * The extensions Chatwoot's db/schema.rb enables at v4.14.0 (`enable_extension "pg_stat_statements"`,
 * "pg_trgm", "pgcrypto", "plpgsql", "vector"); `rails db:chatwoot_prepare` loads that schema into an
 * empty database and its migrations add them to an existing one.
 */
export const CHATWOOT_EXTENSIONS = ["pg_stat_statements", "pg_trgm", "pgcrypto", "plpgsql", "vector"] as const;

/** What database.admin creates: all of them but plpgsql, which every PostgreSQL database has built in. */
export const CREATED_EXTENSIONS = CHATWOOT_EXTENSIONS.filter((name) => name !== "plpgsql");

/** TLS as node-postgres takes it, per libpq's sslmode ("SSL Mode Descriptions"): only verify-* checks the certificate. */
export type PgSsl = false | { rejectUnauthorized: boolean };

export function pgSslOf(sslmode: string): PgSsl {
  if (sslmode === "verify-ca" || sslmode === "verify-full") return { rejectUnauthorized: true };
  // disable, allow, prefer: plain text. libpq's prefer would try TLS first; node-postgres has no such fallback.
  return sslmode === "require" ? { rejectUnauthorized: false } : false;
}

/** The preflight's connection (node-postgres ClientConfig), named in pg_stat_activity so a DBA can tell it apart. */
export interface PreflightConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: PgSsl;
  application_name: string;
  connectionTimeoutMillis: number;
}

export function preflightConnection(endpoint: Endpoint, password: string): PreflightConnection {
  return {
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password,
    database: endpoint.database,
    ssl: pgSslOf(endpoint.sslmode),
    application_name: "chatwoot-fly-preflight",
    // An endpoint this runner cannot reach (Supabase's direct host is IPv6-only) makes the preflight step aside after 10 s.
    connectionTimeoutMillis: 10_000,
  };
}

/**
 * One row per wanted extension: whether the server has it, whether it is installed in this database,
 * whether its default version is trusted (PostgreSQL 13+: a non-superuser with CREATE on the database
 * may create it), and what the connected role may do.
 */
export const PREFLIGHT_SQL = `
SELECT w.name,
       a.name IS NOT NULL AS available,
       a.installed_version IS NOT NULL AS installed,
       COALESCE(v.trusted, false) AS trusted,
       r.rolsuper AS superuser,
       has_database_privilege(current_user, current_database(), 'CREATE') AS can_create,
       current_user AS role_name
FROM unnest($1::text[]) AS w(name)
LEFT JOIN pg_available_extensions a ON a.name = w.name
LEFT JOIN pg_available_extension_versions v ON v.name = a.name AND v.version = a.default_version
CROSS JOIN pg_roles r
WHERE r.rolname = current_user
ORDER BY array_position($1::text[], w.name)`;

export interface ExtensionRow {
  name: string;
  available: boolean;
  installed: boolean;
  trusted: boolean;
  superuser: boolean;
  can_create: boolean;
  role_name: string;
}

export interface PreflightContext {
  endpoint: Endpoint;
  provider: "supabase" | "postgres";
}

/**
 * Supabase runs supautils, which lets its `postgres` role create the allow-listed extensions without
 * being a superuser (https://supabase.com/docs/guides/database/extensions; supabase/supautils).
 */
function supabasePrivileged(ctx: PreflightContext, role: string): boolean {
  return ctx.provider === "supabase" && role === "postgres";
}

const enableHint = (ctx: PreflightContext, name: string) =>
  ctx.provider === "supabase"
    ? `enable ${name} in the Supabase dashboard (Database > Extensions) or run CREATE EXTENSION IF NOT EXISTS ${name}; as postgres`
    : `run CREATE EXTENSION IF NOT EXISTS ${name}; as a superuser in database ${ctx.endpoint.database}${name === "vector" ? " (the server needs pgvector installed first, e.g. the package postgresql-<major>-pgvector)" : ""}, or let the stack create it (database.admin.enabled)`;

/** Why the migration would fail on its extensions: one message per extension, naming it and the fix. */
export function extensionProblems(rows: ExtensionRow[], ctx: PreflightContext): string[] {
  const where = `${ctx.endpoint.kind} ${ctx.endpoint.host}:${ctx.endpoint.port}/${ctx.endpoint.database}`;
  return rows.flatMap((row) => {
    if (row.installed) return [];
    if (!row.available) {
      return [
        `extension ${row.name} is not available on the server behind ${where}, and Chatwoot's schema enables it (db/schema.rb). Fix: ${enableHint(ctx, row.name)}`,
      ];
    }
    const canCreate = row.superuser || (row.trusted && row.can_create) || supabasePrivileged(ctx, row.role_name);
    if (canCreate) return [];
    const why = !row.trusted
      ? "it is not a trusted extension, so only a superuser may create it"
      : `the role has no CREATE on database ${ctx.endpoint.database}`;
    return [
      `role ${row.role_name} on ${where} cannot create extension ${row.name} (${why}), and the migration would try to. Fix: ${enableHint(ctx, row.name)}`,
    ];
  });
}
