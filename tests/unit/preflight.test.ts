/** The migration's preflight (lib/preflight.ts): reading PostgreSQL's answer into messages naming the extension and the fix. */
import type { Endpoint } from "../../lib/endpoints";
import {
  CHATWOOT_EXTENSIONS,
  CREATED_EXTENSIONS,
  extensionProblems,
  pgSslOf,
  preflightConnection,
  type ExtensionRow,
} from "../../lib/preflight";
import { planOf, stagingWith } from "../support/configs";

const endpoint: Endpoint = {
  kind: "direct",
  host: "db.ref.supabase.co",
  port: 5432,
  user: "postgres",
  database: "postgres",
  sslmode: "require",
};
const row = (name: string, over: Partial<ExtensionRow> = {}): ExtensionRow => ({
  name,
  available: true,
  installed: false,
  trusted: false,
  superuser: false,
  can_create: true,
  role_name: "chatwoot_migrator",
  ...over,
});

describe("the migration's extension preflight", () => {
  it("checks Chatwoot's five extensions by default (db/schema.rb at v4.14.0)", () => {
    expect([...CHATWOOT_EXTENSIONS]).toEqual(["pg_stat_statements", "pg_trgm", "pgcrypto", "plpgsql", "vector"]);
    expect(planOf(stagingWith({})).migration.extensions).toEqual([...CHATWOOT_EXTENSIONS]);
  });

  it("leaves plpgsql out of what database.admin creates: every database has it built in", () => {
    expect(CREATED_EXTENSIONS).toEqual(["pg_stat_statements", "pg_trgm", "pgcrypto", "vector"]);
  });

  it.each([
    ["verify-full", { rejectUnauthorized: true }],
    ["verify-ca", { rejectUnauthorized: true }],
    ["require", { rejectUnauthorized: false }],
    ["prefer", false],
    ["allow", false],
    ["disable", false],
  ] as const)("connects with sslmode %s as libpq would: ssl %j", (sslmode, ssl) => {
    expect(pgSslOf(sslmode)).toEqual(ssl);
  });

  it("connects to the endpoint as its role, named in pg_stat_activity, giving up after 10 s", () => {
    expect(preflightConnection({ ...endpoint, sslmode: "verify-full" }, "pw")).toEqual({
      host: "db.ref.supabase.co",
      port: 5432,
      user: "postgres",
      password: "pw",
      database: "postgres",
      ssl: { rejectUnauthorized: true },
      application_name: "chatwoot-fly-preflight",
      connectionTimeoutMillis: 10_000,
    });
  });

  it("passes installed extensions, trusted ones the role may create, and anything for a superuser", () => {
    const ctx = { endpoint, provider: "postgres" as const };
    expect(
      extensionProblems([row("plpgsql", { installed: true }), row("pgcrypto", { trusted: true }), row("vector", { superuser: true })], ctx),
    ).toEqual([]);
  });

  it("names an extension the server lacks, with the fix for Supabase and for another PostgreSQL", () => {
    const [supabase] = extensionProblems([row("vector", { available: false })], { endpoint, provider: "supabase" });
    expect(supabase).toContain("extension vector is not available on the server behind direct db.ref.supabase.co:5432/postgres");
    expect(supabase).toContain("Database > Extensions");
    const [other] = extensionProblems([row("vector", { available: false })], { endpoint, provider: "postgres" });
    expect(other).toContain("pgvector");
    expect(other).toContain("CREATE EXTENSION IF NOT EXISTS vector;");
  });

  it("gives the whole fix for another PostgreSQL, with the pgvector package only for vector", () => {
    const ctx = { endpoint, provider: "postgres" as const };
    expect(extensionProblems([row("vector", { available: false })], ctx)[0].split("Fix: ")[1]).toBe(
      "run CREATE EXTENSION IF NOT EXISTS vector; as a superuser in database postgres (the server needs pgvector installed first, e.g. the package postgresql-<major>-pgvector), or let the stack create it (database.admin.enabled)",
    );
    expect(extensionProblems([row("pg_trgm", { available: false })], ctx)[0].split("Fix: ")[1]).toBe(
      "run CREATE EXTENSION IF NOT EXISTS pg_trgm; as a superuser in database postgres, or let the stack create it (database.admin.enabled)",
    );
  });

  it("names an extension the role cannot create, and why", () => {
    const ctx = { endpoint, provider: "postgres" as const };
    expect(extensionProblems([row("pg_stat_statements")], ctx)[0]).toContain(
      "role chatwoot_migrator on direct db.ref.supabase.co:5432/postgres cannot create extension pg_stat_statements (it is not a trusted extension",
    );
    expect(extensionProblems([row("pg_trgm", { trusted: true, can_create: false })], ctx)[0]).toContain("no CREATE on database postgres");
  });

  it("lets Supabase's postgres role create allow-listed extensions (supautils), but not another role", () => {
    const supabase = { endpoint, provider: "supabase" as const };
    expect(extensionProblems([row("vector", { role_name: "postgres" })], supabase)).toEqual([]);
    expect(extensionProblems([row("vector")], supabase)).toHaveLength(1);
    // supautils is Supabase's: a role named postgres elsewhere is an ordinary role
    expect(extensionProblems([row("vector", { role_name: "postgres" })], { endpoint, provider: "postgres" })).toHaveLength(1);
  });

  it("is configurable per stack, and [] turns it off", () => {
    expect(planOf(stagingWith({ migration: { extensions: [] } })).migration.extensions).toEqual([]);
  });
});
