/**
 * database.admin.enabled end to end: the real engine and the real postgresql plugin (toolchain/build.sh)
 * against this machine's PostgreSQL, as the admin `postgres` (trust auth on 127.0.0.1). The stack
 * creates the app role with a CONNECTION LIMIT equal to the connection budget, grants it the database,
 * and creates Chatwoot's extensions; `pulumi destroy` drops them again.
 *
 * Every endpoint connects as the app role (config validation requires it), so web and worker use the
 * direct endpoint here: the PgBouncers of the local target only know their own role.
 *
 * pgvector: Chatwoot's schema enables `vector`. Where the server does not ship it (Debian's
 * PostgreSQL without postgresql-NN-pgvector), `CREATE EXTENSION vector` fails and so does `pulumi up`,
 * before any Fly secret, migration or rollout: the database cannot hold Chatwoot's schema. The test
 * asserts that outcome there, and the whole deployment where vector is available. The run uses
 * --continue-on-error so that what does not depend on vector (role, grants, the other extensions) is
 * created either way and can be checked.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { CREATED_EXTENSIONS } from "../../lib/preflight";
import { LocalStack, REPO, type CommandResult } from "../../testing/local/localStack";
import { IMAGE_OLD } from "../../testing/local/scenario";
import { checkStackText } from "../../tools/check/checkStack";
import { waitFor } from "../support/waitFor";

jest.setTimeout(600_000);
if (spawnSync("pulumi", ["version"]).status !== 0)
  throw new Error("pulumi is not on PATH: run the tests through scripts/test.sh (it sources toolchain/env.sh)");

const dir = mkdtempSync(join(tmpdir(), "chatwoot-admin-"));
const stateDir = join(dir, "state");
/** Per test process, so parallel runs on the same server never share a role. */
const APP_ROLE = `chatwoot_app_t${process.pid}`;

/** A query as the server's superuser. */
async function admin<T extends object>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ host: "127.0.0.1", port: 5432, user: "postgres", database });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe("database.admin.enabled with the real postgresql plugin", () => {
  const stack = new LocalStack(stateDir);
  let up: CommandResult;
  let vectorAvailable = false;
  let roleLimit = 0;
  let destroyed = false;
  const appClient = () =>
    new Client({ host: "127.0.0.1", port: 5432, user: APP_ROLE, password: stack.session.password, database: stack.session.database });

  beforeAll(async () => {
    await stack.start();
    stack.writeConfig({ image: IMAGE_OLD, admin: { appRole: APP_ROLE } });
    await stack.setSecret("adminPassword", `admin-${randomBytes(12).toString("hex")}`);
    // The budget the role's limit must equal, from the same stack file (what `npm run check` computes).
    const checked = checkStackText(readFileSync(join(stateDir, "Pulumi.local.yaml"), "utf8"));
    expect(checked.issues).toEqual([]);
    roleLimit = checked.plan!.roleConnectionLimit;
    vectorAvailable = (await admin("postgres", "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).length > 0;
    up = await stack.run("pulumi", [
      "up",
      "--yes",
      "--skip-preview",
      "--continue-on-error",
      "--stack",
      "local",
      "--config-file",
      join(stateDir, "Pulumi.local.yaml"),
      "-C",
      REPO,
      "--non-interactive",
      "--policy-pack",
      join(REPO, "policies"),
    ]);
  });
  afterAll(async () => {
    if (!destroyed) await stack.destroy().catch(() => undefined);
    await stack.stop();
    // Never leave a role behind on the shared server, even after a failed test.
    await admin("postgres", `DROP ROLE IF EXISTS "${APP_ROLE}"`).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("pulumi up deploys when the server has every extension, and stops before Fly when it lacks vector", () => {
    const text = up.stdout + up.stderr;
    const mutating = stack
      .flyCalls()
      .filter((c) => c.mutating)
      .map((c) => c.command ?? c.argv.join(" "));
    if (vectorAvailable) {
      expect(up.code).toBe(0);
      expect(mutating).toContain("deploy");
    } else {
      expect(up.code).not.toBe(0);
      console.log(
        `without pgvector: ${text
          .split("\n")
          .find((line) => line.includes("vector") && /error/i.test(line))
          ?.trim()}`,
      );
      expect(text).toMatch(/extension "?vector"?/);
      expect(text).toMatch(/could not open extension control file|is not available/);
      // The database is not ready for Chatwoot: no secret, migration or rollout reaches Fly.
      for (const call of ["secrets import", "machine run", "deploy"]) expect(mutating).not.toContain(call);
    }
  });

  it("creates Chatwoot's extensions (vector where the server has it)", async () => {
    const rows = await admin<{ extname: string }>(stack.session.database, "SELECT extname FROM pg_extension");
    const installed = rows.map((r) => r.extname);
    for (const extension of CREATED_EXTENSIONS) {
      if (extension === "vector" && !vectorAvailable) expect(installed).not.toContain("vector");
      else expect(installed).toContain(extension);
    }
  });

  it("creates the app role with a CONNECTION LIMIT equal to the budget; client budget+1 is refused", async () => {
    const [role] = await admin<{ rolconnlimit: number; rolcanlogin: boolean; rolsuper: boolean }>(
      "postgres",
      "SELECT rolconnlimit, rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1",
      [APP_ROLE],
    );
    expect(role).toEqual({ rolconnlimit: roleLimit, rolcanlogin: true, rolsuper: false });
    expect(roleLimit).toBeGreaterThan(0);

    // The app's own connections count against the limit: web and worker hold theirs when deployed.
    const held = async () =>
      (await admin<{ n: number }>("postgres", "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1", [APP_ROLE]))[0].n;
    const already = vectorAvailable
      ? await waitFor("web and worker to hold their connections", async () => ((await held()) >= 15 ? held() : undefined), 60_000)
      : await held();
    const clients: Client[] = [];
    try {
      for (let i = already; i < roleLimit; i++) {
        const client = appClient();
        clients.push(client);
        await client.connect();
      }
      expect(await held()).toBe(roleLimit);
      const extra = appClient();
      clients.push(extra);
      await expect(extra.connect()).rejects.toThrow(`too many connections for role "${APP_ROLE}"`);
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    }
  });

  it("gives the app role what Chatwoot's migration needs: tables in the database's public schema", async () => {
    const client = appClient();
    await client.connect();
    try {
      await client.query("CREATE TABLE admin_role_probe (id bigserial PRIMARY KEY)");
      await client.query("DROP TABLE admin_role_probe");
    } finally {
      await client.end();
    }
  });

  it("pulumi destroy leaves no role behind", async () => {
    const result = await stack.destroy();
    destroyed = true;
    expect(result.code).toBe(0);
    expect(await admin("postgres", "SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE])).toEqual([]);
    const rows = await admin<{ extname: string }>(stack.session.database, "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'");
    expect(rows).toEqual([]);
  });
});
