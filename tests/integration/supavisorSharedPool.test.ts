/**
 * Supavisor's shared pool against a real pooler, as far as PgBouncer can model it. Supavisor's session
 * (5432) and transaction (6543) ports draw on one pool_size per user + database (supabase/supabase PRs
 * 40373 and 49868). One PgBouncer 1.18 models that with two aliases of one database, one in session
 * mode and one in transaction mode, and `max_user_connections = 15`: the server connections of both
 * aliases count against one cap (https://www.pgbouncer.org/config.html). What PgBouncer cannot model:
 * Supavisor refuses a session client at once (MaxClientsInSessionMode); PgBouncer makes it wait for
 * a server connection and then fails it with `query_wait_timeout` (2 s here).
 *
 * The model is the product's: buildPlan on a config pointing at this PgBouncer, with the budget
 * computed the way provider supabase computes it (poolersSharePoolSize) and, for contrast, the way
 * provider postgres does (separate pools).
 */
import { Client } from "pg";
import { computeBudget, connectionsPerMachine, type PoolBudget } from "../../lib/budget";
import { validatePlain } from "../../lib/config/validate";
import { buildPlan, endpointLimits, type DeploymentPlan } from "../../lib/plan";
import { sessionPoolCapacity } from "../../lib/rules";
import { PgBouncer } from "../../testing/local/pgbouncer";

jest.setTimeout(60_000);

const POOL_SIZE = 15;
const SESSION = "shared_session";
const TRANSACTION = "shared_tx";

const bouncer = new PgBouncer({
  databases: [
    { alias: SESSION, poolMode: "session" },
    { alias: TRANSACTION, poolMode: "transaction" },
  ],
  defaultPoolSize: POOL_SIZE,
  maxClientConn: 100,
  maxUserConnections: POOL_SIZE,
  queryWaitTimeout: 2,
});

const opened: Client[] = [];

beforeAll(() => bouncer.start());
afterAll(() => bouncer.stop());
afterEach(async () => {
  // Close the transactions first so the server connections go back before the next case.
  await Promise.allSettled(opened.splice(0).map((c) => c.end()));
  for (let i = 0; i < 50 && (await bouncer.showClients()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
});

/** The app on the transaction alias, the migration on the session alias, both of one user and database. */
function planFor(sidekiqConcurrency: number, share: boolean): { plan: DeploymentPlan; session: PoolBudget & { limit: number } } {
  const endpoint = { host: bouncer.host, port: bouncer.port, user: bouncer.user };
  const { config, issues } = validatePlain({
    app: { name: "chatwoot-shared-pool-test" },
    image: "chatwoot/chatwoot:v4.14.0",
    frontendUrl: "http://localhost:3000",
    rails: { railsMaxThreads: 5, webConcurrency: 0, sidekiqConcurrency },
    database: {
      provider: "postgres",
      name: bouncer.database,
      sslmode: "disable",
      endpoints: { session: endpoint, transaction: endpoint },
      app: "transaction",
      migrations: "session",
      urlParams: { prepared_statements: "false", advisory_locks: "false" },
      limits: { poolSize: POOL_SIZE, maxClientConn: 100 },
    },
  });
  expect(issues).toEqual([]);
  const plan = buildPlan(config!);
  // Provider supabase's model on these endpoints (provider postgres keeps the pools apart).
  const budget = computeBudget({
    groups: (["web", "worker"] as const).map((role) => ({
      role,
      machines: 1,
      perMachine: connectionsPerMachine(role, config!.rails),
      endpoint: plan.endpoints.app,
    })),
    migration: { perMachine: plan.migration.connections, endpoint: plan.endpoints.migration },
    strategy: plan.strategy,
    limits: endpointLimits(config!),
    poolerBackendsPerPool: POOL_SIZE,
    poolersShareDirectServer: false,
    poolersSharePoolSize: share,
  });
  const session = budget.find((p) => p.kind === "session") as PoolBudget & { limit: number };
  return { plan: { ...plan, budget }, session };
}

async function client(alias: string): Promise<Client> {
  const c = new Client(bouncer.clientConfig(alias));
  c.on("error", () => undefined);
  opened.push(c);
  await c.connect();
  return c;
}

/** The app's clients on the transaction alias, each inside a transaction: each holds a server connection. */
async function busyTransactionClients(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = await client(TRANSACTION);
    await c.query("BEGIN");
    await c.query("SELECT 1");
  }
}

/** The migration's session: connects and runs its first query (which needs a server connection). */
async function migrationQuery(): Promise<{ ok: boolean; error?: string }> {
  try {
    // PgBouncer 1.18 already waits for a server connection at login here.
    const c = await client(SESSION);
    await c.query("SELECT 1");
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

describe("session and transaction ports sharing one pool of 15 server connections", () => {
  test("app 15 on the transaction port + the migration's session: the shared model says 16 > 15, the pooler makes the migration wait and fails it", async () => {
    const { plan, session } = planFor(10, true);
    expect(session).toMatchObject({ limit: POOL_SIZE, migrationPhase: 16, peak: 16 });
    expect(session.contributions.map((c) => c.role)).toEqual(["migration", "transaction-backends"]);
    expect(sessionPoolCapacity.check(plan)).toHaveLength(1);
    // The separate-pools model (provider postgres) would have let it through: 1 of 15.
    expect(planFor(10, false).session).toMatchObject({ peak: 1 });

    await busyTransactionClients(15);
    const pools = await bouncer.showPools();
    expect(pools.find((p) => p.database === TRANSACTION)).toMatchObject({ cl_active: 15, sv_active: 15 });
    const migration = await migrationQuery();
    expect(migration.ok).toBe(false);
    expect(migration.error).toMatch(/query_wait_timeout/);
  });

  test("app 14 on the transaction port: the shared model says 15 of 15 fits, and the migration gets the last server connection", async () => {
    const { plan, session } = planFor(9, true);
    expect(session).toMatchObject({ limit: POOL_SIZE, peak: 15 });
    expect(sessionPoolCapacity.check(plan)).toEqual([]);

    await busyTransactionClients(14);
    expect(await migrationQuery()).toEqual({ ok: true });
    const pools = await bouncer.showPools();
    expect(pools.find((p) => p.database === SESSION)).toMatchObject({ sv_active: 1 });
    expect(pools.find((p) => p.database === TRANSACTION)).toMatchObject({ sv_active: 14 });
  });
});
