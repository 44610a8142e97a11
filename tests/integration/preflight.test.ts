/**
 * The migration's preflight SQL (lib/preflight.ts) against the machine's real PostgreSQL, as a role
 * that is not a superuser on a fresh database, the way a migration role meets a new project. This
 * server has no pgvector (Debian's archive here lacks postgresql-15-pgvector), so vector is reported as
 * not available; pg_stat_statements is not trusted, so the role cannot create it; pg_trgm and pgcrypto
 * are trusted (PostgreSQL 13+) and plpgsql is installed.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { CHATWOOT_EXTENSIONS, extensionProblems, PREFLIGHT_SQL, type ExtensionRow } from "../../lib/preflight";

const SUPER = { host: "127.0.0.1", port: 5432, user: "postgres", database: "postgres" };
const id = `cwfly_pre_${process.pid}_${randomBytes(3).toString("hex")}`;
const password = randomBytes(12).toString("hex");

async function su(sql: string, database = "postgres"): Promise<void> {
  const c = new Client({ ...SUPER, database });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function rowsAs(user: string): Promise<ExtensionRow[]> {
  const c = new Client({ host: "127.0.0.1", port: 5432, user, password, database: id });
  await c.connect();
  try {
    return (await c.query<ExtensionRow>(PREFLIGHT_SQL, [[...CHATWOOT_EXTENSIONS]])).rows;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await su(`CREATE ROLE ${id} LOGIN PASSWORD '${password}'`);
  await su(`CREATE DATABASE ${id} OWNER ${id}`);
});
afterAll(async () => {
  await su(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`);
  await su(`DROP ROLE IF EXISTS ${id}`);
});

const endpoint = () => ({ kind: "direct" as const, host: "127.0.0.1", port: 5432, user: id, database: id, sslmode: "disable" });

describe("the preflight on a real PostgreSQL", () => {
  it("reads one row per extension, in order, with what the role may do", async () => {
    const rows = await rowsAs(id);
    expect(rows.map((r) => r.name)).toEqual([...CHATWOOT_EXTENSIONS]);
    expect(rows.find((r) => r.name === "plpgsql")).toMatchObject({ installed: true });
    expect(rows.find((r) => r.name === "pgcrypto")).toMatchObject({
      available: true,
      installed: false,
      trusted: true,
      can_create: true,
      superuser: false,
    });
    expect(rows.find((r) => r.name === "pg_stat_statements")).toMatchObject({ available: true, trusted: false });
  });

  it("names vector (not on this server) and pg_stat_statements (not creatable by the role) before any machine would start", async () => {
    const problems = extensionProblems(await rowsAs(id), { endpoint: endpoint(), provider: "postgres" });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`role ${id} on direct 127.0.0.1:5432/${id} cannot create extension pg_stat_statements`);
    expect(problems[1]).toContain("extension vector is not available on the server");
  });

  it("passes once an admin has created what the role cannot", async () => {
    await su("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", id);
    const rows = (await rowsAs(id)).filter((r) => r.name !== "vector");
    expect(extensionProblems(rows, { endpoint: endpoint(), provider: "postgres" })).toEqual([]);
  });
});
