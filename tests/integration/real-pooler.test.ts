/**
 * The connection-budget model against a real pooler: a private PgBouncer in session mode sized like a
 * Supabase Micro session pool (pool_size 15, and client 16 refused at login: default_pool_size = 15,
 * max_client_conn = 15; https://www.pgbouncer.org/config.html) in front of the local PostgreSQL.
 *
 * Each case is a plain config object run through the real lib (validatePlain -> buildPlan -> budget +
 * evaluatePlan). The test then opens as many clients on the app's endpoint as the model's steady
 * count says (session mode: each logs in and runs one query, which pins a server connection for the
 * rest of its session), then the migration's clients on the endpoint the plan gives the migration,
 * and checks that the model's verdict is what PgBouncer does, and that SHOW POOLS / SHOW CLIENTS
 * agree with the model's counts.
 */
import { Client } from "pg";
import type { PoolBudget } from "../../lib/budget";
import { validatePlain } from "../../lib/config/validate";
import type { Endpoint } from "../../lib/endpoints";
import { buildPlan, type DeploymentPlan } from "../../lib/plan";
import { formatPostgresUrl } from "../../lib/postgresUrl";
import { evaluatePlan, type Verdict } from "../../lib/rules";
import * as fs from "node:fs";
import { MAX_CLIENT_CONN_ERROR, PgBouncer } from "../../testing/local/pgbouncer";

/** Supabase Micro: pool size 15 (lib/supabaseLimits.ts names the Supabase page). */
const MICRO_POOL_SIZE = 15;

jest.setTimeout(60_000);

const bouncer = new PgBouncer({ poolMode: "session", defaultPoolSize: MICRO_POOL_SIZE, maxClientConn: MICRO_POOL_SIZE });

/** Every client a test opened; closed after each test, pass or fail. */
const opened: Client[] = [];

afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((client) => client.end()));
  // The next case starts from an empty pool: no client of the test role left on PgBouncer.
  expect(await bouncer.showClients()).toEqual([]);
});

let serverMaxConnections = 100;
beforeAll(async () => {
  await bouncer.start();
  const client = new Client(bouncer.directConfig());
  await client.connect();
  try {
    serverMaxConnections = Number((await client.query("SHOW max_connections")).rows[0].max_connections);
  } finally {
    await client.end();
  }
});

interface Case {
  sidekiqConcurrency: number;
  migrations: "session" | "direct";
}

/** A stack config as plain values, pointing at the private PgBouncer (session) and the server (direct). */
function plainConfig({ sidekiqConcurrency, migrations }: Case): Record<string, unknown> {
  return {
    app: { name: "chatwoot-pooler-test" },
    image: "chatwoot/chatwoot:v4.14.0",
    frontendUrl: "http://localhost:3000",
    rails: { railsMaxThreads: 5, webConcurrency: 0, sidekiqConcurrency, version: "7.1+" },
    processes: { web: { count: 1, memoryMb: 2048 }, worker: { count: 1, memoryMb: 2048 } },
    deploy: { strategy: "rolling", healthCheckPath: "/health" },
    database: {
      // validatePlain only accepts Supabase hosts for provider supabase: a local stand-in is "postgres"
      // with the Micro limits spelled out.
      provider: "postgres",
      name: bouncer.database,
      sslmode: "disable",
      endpoints: {
        session: { host: bouncer.host, port: bouncer.port, user: bouncer.user },
        direct: { host: bouncer.server.host, port: bouncer.server.port, user: bouncer.user },
      },
      app: "session",
      migrations,
      limits: { poolSize: MICRO_POOL_SIZE, maxConnections: serverMaxConnections },
    },
    budget: { consoleReserve: 1, headroomPercent: 80 },
    // Attachments in a bucket, as every deployable config has them (attachments-off-machine-disk).
    storage: { service: "s3_compatible", bucket: "chatwoot-pooler-test", endpoint: "https://fly.storage.tigris.dev", region: "auto" },
  };
}

function planFor(c: Case): { plan: DeploymentPlan; verdicts: Verdict[]; session: PoolBudget & { limit: number } } {
  const { config, issues } = validatePlain(plainConfig(c));
  expect(issues).toEqual([]);
  const plan = buildPlan(config!);
  const session = plan.budget.find((pool) => pool.kind === "session");
  expect(session?.limit).toBe(MICRO_POOL_SIZE);
  return { plan, verdicts: evaluatePlan(plan), session: session as PoolBudget & { limit: number } };
}

/** Connects like the product: a URL with the password, from the plan's endpoint fields. */
async function connect(endpoint: Endpoint): Promise<Client> {
  const url = formatPostgresUrl({
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: bouncer.password,
    database: endpoint.database,
    params: { sslmode: endpoint.sslmode },
  });
  const client = new Client({ connectionString: url });
  opened.push(client);
  // A refused login closes the socket; keep a late 'error' event from crashing the worker.
  client.on("error", () => undefined);
  await client.connect();
  // The first query links the client to a server connection; in session mode it stays linked.
  await client.query("SELECT 1");
  return client;
}

type Attempt = { ok: true; client: Client } | { ok: false; error: Error };

async function attempt(endpoint: Endpoint): Promise<Attempt> {
  try {
    return { ok: true, client: await connect(endpoint) };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

/** Opens the app's steady clients on its endpoint, then the migration's on its endpoint. */
async function openAppThenMigration(plan: DeploymentPlan, session: PoolBudget) {
  for (let i = 0; i < session.steady; i++) await connect(plan.endpoints.app);
  const pool = await bouncer.pool(plan.endpoints.app.database);
  const clients = await bouncer.showClients();
  const migration: Attempt[] = [];
  for (let i = 0; i < plan.migration.connections; i++) migration.push(await attempt(plan.endpoints.migration));
  return { pool, clients, migration };
}

const rules = (verdicts: Verdict[]) => verdicts.map((v) => v.rule);

/** Error texts PgBouncer sent, for the report at the end. */
const observedErrors = new Set<string>();

describe("the budget model against PgBouncer 1.18 as a Supabase Micro session pool (15)", () => {
  test("(a) the incident: migration on the app's session pool -> the model says overflow, PgBouncer refuses the migration", async () => {
    const { plan, verdicts, session } = planFor({ sidekiqConcurrency: 10, migrations: "session" });

    // The model: web 1x5 + worker 1x10 = 15 steady; the migration is client 16.
    expect(plan.endpoints.migration.kind).toBe("session");
    expect(session.steady).toBe(15);
    expect(session.migrationPhase).toBe(16);
    expect(session.peak).toBe(16);
    expect(session.peak > session.limit).toBe(true);
    expect(rules(verdicts)).toEqual(expect.arrayContaining(["session-pool-capacity", "migrations-off-shared-session-pool"]));
    expect(verdicts.find((v) => v.rule === "session-pool-capacity")?.enforcement).toBe("mandatory");

    const { pool, clients, migration } = await openAppThenMigration(plan, session);

    // PgBouncer agrees on the count: 15 clients, each pinning one server connection.
    expect(pool).toMatchObject({ cl_active: session.steady, cl_waiting: 0, sv_active: session.steady, pool_mode: "session" });
    expect(clients).toHaveLength(session.steady);
    expect(clients.every((c) => c.user === bouncer.user && c.database === bouncer.database && c.state === "active")).toBe(true);

    // ...and on the verdict: the migration is refused at login, as the model says.
    expect(migration).toHaveLength(1);
    const [result] = migration;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toMatch(MAX_CLIENT_CONN_ERROR);
      expect((result.error as Error & { severity?: string }).severity).toBe("FATAL");
      observedErrors.add(`${(result.error as Error & { severity?: string }).severity}: ${result.error.message}`);
    }
    const overflowObserved = migration.some((m) => !m.ok);
    expect(overflowObserved).toBe(session.peak > session.limit);

    // The refused client left no trace: still 15.
    expect(await bouncer.pool()).toMatchObject({ cl_active: 15, sv_active: 15 });
    expect(await bouncer.showClients()).toHaveLength(15);
  });

  test("(b) the fix: migration on direct -> the session pool fits 15/15 and the migration succeeds", async () => {
    const { plan, verdicts, session } = planFor({ sidekiqConcurrency: 10, migrations: "direct" });

    expect(plan.endpoints.migration).toMatchObject({ kind: "direct", host: "127.0.0.1", port: 5432 });
    expect(session).toMatchObject({ steady: 15, migrationPhase: 15, rolloutPhase: 15, peak: 15, hasMigration: false });
    const direct = plan.budget.find((pool) => pool.kind === "direct");
    expect(direct).toMatchObject({ hasMigration: true, servesApp: false, peak: plan.migration.connections });
    const mandatory = verdicts.filter((v) => v.enforcement === "mandatory");
    expect(mandatory).toEqual([]);
    // Full to the last client: the advisory says there is no room for a console session.
    const headroom = verdicts.filter((v) => v.rule === "pool-headroom");
    expect(headroom.some((v) => v.message.includes("no room for 1 console session"))).toBe(true);

    const { pool, clients, migration } = await openAppThenMigration(plan, session);

    expect(pool).toMatchObject({ cl_active: 15, cl_waiting: 0, sv_active: 15 });
    expect(clients).toHaveLength(15);
    expect(migration.every((m) => m.ok)).toBe(true);
    expect(migration.some((m) => !m.ok)).toBe(session.peak > session.limit);

    // The migration's connection holds what db:migrate needs: a session-level advisory lock.
    const [first] = migration;
    if (first.ok) {
      const locked = await first.client.query("SELECT pg_try_advisory_lock(4242) AS locked");
      expect(locked.rows[0].locked).toBe(true);
    }
    // The migration did not touch the session pool.
    expect(await bouncer.pool()).toMatchObject({ cl_active: 15, sv_active: 15 });

    // And the advisory is real: a console on the full pool is refused.
    const consoleClient = await attempt(plan.endpoints.app);
    expect(consoleClient.ok).toBe(false);
    if (!consoleClient.ok) expect(consoleClient.error.message).toMatch(MAX_CLIENT_CONN_ERROR);
  });

  test("(c) a pool with room (sidekiqConcurrency 5): the model leaves room and a console client gets in", async () => {
    const { plan, verdicts, session } = planFor({ sidekiqConcurrency: 5, migrations: "direct" });

    expect(session).toMatchObject({ steady: 10, peak: 10 });
    expect(session.limit - session.peak).toBeGreaterThanOrEqual(plan.consoleReserve);
    expect(verdicts.filter((v) => v.enforcement === "mandatory")).toEqual([]);
    expect(verdicts.filter((v) => v.rule === "pool-headroom")).toEqual([]);

    const { pool, clients, migration } = await openAppThenMigration(plan, session);
    expect(pool).toMatchObject({ cl_active: 10, sv_active: 10 });
    expect(clients).toHaveLength(10);
    expect(migration.every((m) => m.ok)).toBe(true);

    const consoleClient = await attempt(plan.endpoints.app);
    expect(consoleClient.ok).toBe(true);
    expect(await bouncer.pool()).toMatchObject({ cl_active: 11, sv_active: 11 });
    expect(await bouncer.showClients()).toHaveLength(11);

    // The room is what the model says it is: limit - peak consoles fit, one more does not.
    for (let i = 1; i < session.limit - session.peak; i++) expect((await attempt(plan.endpoints.app)).ok).toBe(true);
    const over = await attempt(plan.endpoints.app);
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.error.message).toMatch(MAX_CLIENT_CONN_ERROR);
  });
});

// Runs whether the tests passed or not; then checks that nothing is left: process, files, role, database.
afterAll(async () => {
  await Promise.allSettled(opened.splice(0).map((client) => client.end()));
  const pid = bouncer.pid;
  const dir = bouncer.directory;
  await bouncer.stop();
  if (observedErrors.size) console.log(`${version} refused the extra client with: ${[...observedErrors].join("; ")}`);
  expect(bouncer.running).toBe(false);
  expect(pid && isAlive(pid)).toBeFalsy();
  expect(dir && fs.existsSync(dir)).toBeFalsy();
  const su = new Client({ host: bouncer.server.host, port: bouncer.server.port, user: "postgres", database: "postgres", ssl: false });
  await su.connect();
  try {
    const left = await su.query("SELECT 1 FROM pg_database WHERE datname = $1 UNION ALL SELECT 1 FROM pg_roles WHERE rolname = $1", [
      bouncer.user,
    ]);
    expect(left.rowCount).toBe(0);
  } finally {
    await su.end();
  }
}, 30_000);

let version = "";
describe("the stand-in", () => {
  test("is PgBouncer with the Micro session sizing", async () => {
    version = await bouncer.version();
    expect(version).toMatch(/^PgBouncer 1\.\d+/);
    const [config] = await bouncer.admin("SHOW CONFIG").then((rows) => [Object.fromEntries(rows.map((r) => [r.key, r.value]))]);
    expect(config).toMatchObject({ pool_mode: "session", default_pool_size: "15", max_client_conn: "15" });
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
