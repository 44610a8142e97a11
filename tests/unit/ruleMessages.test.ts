/**
 * The rules' messages word for word, and the branches that choose their fix. A message is what the
 * operator reads in a failed preview: the pool, its figures, where its limit comes from and the command
 * that fixes it. A test that only looks for a figure would pass with the fix text dropped or the pool's
 * parts joined wrongly; these compare the whole text.
 */
import {
  directConnectionCapacity,
  memoryFloor,
  migrationsOffSharedSessionPool,
  migrationsOffTransactionPooler,
  poolHeadroom,
  sessionPoolCapacity,
  transactionPoolCapacity,
  transactionPoolerRuntimeFlags,
} from "../../lib/rules";
import { SUPABASE_LIMITS_SOURCE } from "../../lib/supabaseLimits";
import { APP_ON_TRANSACTION, incidentRaw, planOf, STAGING_TRANSACTION, stagingRaw, stagingWith, withPool } from "../support/configs";

const POOLER = "aws-0-us-east-1.pooler.supabase.com";
const SESSION = `session ${POOLER}:5432 user=postgres.hotdashstagingref0 db=postgres`;
const MICRO = `Supabase micro compute (${SUPABASE_LIMITS_SOURCE})`;
const RAISE = "raise the pool size (database.limits.poolSize / a larger compute size)";

describe("session-pool-capacity", () => {
  it("the incident: the pool's parts, its figures, the client refused and the fix", () => {
    expect(sessionPoolCapacity.check(planOf(incidentRaw()))).toEqual([
      `session pool ${SESSION} (web 1x5 + worker 1x10 + migration 1) peaks at 16 clients but pool_size is 15 (pool_size from ${MICRO}); ` +
        `client 16 gets MaxClientsInSessionMode. Fix: run migrations on the direct endpoint (pulumi config set --path chatwoot:database.migrations direct)`,
    ]);
  });

  it("a migration phase and a rollout peak both over: both fixes, in order", () => {
    const plan = planOf(stagingWith({ database: { migrations: "session" }, deploy: { strategy: "bluegreen" } }));
    const [message] = sessionPoolCapacity.check(plan);
    expect(message.split("Fix: ")[1]).toBe(
      `run migrations on the direct endpoint (pulumi config set --path chatwoot:database.migrations direct); then ` +
        `lower web and worker by 15 clients at the rollout peak: e.g. rails.sidekiqConcurrency to 2, fewer threads or machines, ` +
        `a strategy without surge (deploy.strategy rolling), or ${RAISE}`,
    );
  });

  // bluegreen, web 1x5 and worker 1x10: 30 clients at the rollout peak, 2 worker machines (one surge).
  // A cut of `over` clients takes ceil(over / 2) Sidekiq threads from each worker machine's 10.
  const bluegreen = planOf(stagingWith({ deploy: { strategy: "bluegreen" } }));
  const fixAt = (limit: number) => sessionPoolCapacity.check(withPool(bluegreen, "session", { limit }))[0].split("Fix: ")[1];

  it("suggests a Sidekiq concurrency while one thread per worker is left", () => {
    expect(fixAt(12)).toBe(
      `lower web and worker by 18 clients at the rollout peak: e.g. rails.sidekiqConcurrency to 1, fewer threads or machines, a strategy without surge (deploy.strategy rolling), or ${RAISE}`,
    );
  });

  it("suggests none when the cut would leave no Sidekiq thread", () => {
    expect(fixAt(11)).toBe(
      `lower web and worker by 19 clients at the rollout peak: fewer threads or machines, a strategy without surge (deploy.strategy rolling), or ${RAISE}`,
    );
  });

  it("suggests none without worker machines", () => {
    const noWorker = planOf(stagingWith({ deploy: { strategy: "bluegreen" }, processes: { worker: { count: 0 } } }));
    const [message] = sessionPoolCapacity.check(withPool(noWorker, "session", { limit: 8 }));
    expect(message).toContain("Fix: lower web and worker by 2 clients at the rollout peak: fewer threads");
  });

  it("a migration phase that fits beside a rollout peak that does not: only the rollout fix", () => {
    const plan = planOf(stagingWith({ database: { migrations: "session" }, deploy: { strategy: "bluegreen" } }));
    const session = plan.budget.find((p) => p.kind === "session")!;
    const [message] = sessionPoolCapacity.check(withPool(plan, "session", { limit: session.migrationPhase }));
    expect(message.split("Fix: ")[1]).toMatch(/^lower web and worker by 14 clients at the rollout peak/);
  });

  it("a pool only the migration uses: lower its clients, since no app process is on it", () => {
    const plan = planOf(stagingWith({ database: { app: "direct", migrations: "session" } }));
    const session = plan.budget.find((p) => p.kind === "session")!;
    expect(session).toMatchObject({ servesApp: false, hasMigration: true, peak: 1 });
    expect(sessionPoolCapacity.check(withPool(plan, "session", { peak: 3, limit: 1 }))).toEqual([
      `session pool ${SESSION} (migration 1) peaks at 3 clients but pool_size is 1 (pool_size from ${MICRO}); ` +
        `client 2 gets MaxClientsInSessionMode. Fix: lower the clients by 2 or ${RAISE}`,
    ]);
  });
});

describe("migrations-off-shared-session-pool", () => {
  it("the incident, word for word", () => {
    expect(migrationsOffSharedSessionPool.check(planOf(incidentRaw()))).toEqual([
      `the migration runs on the app's session pool ${SESSION}: web and worker hold 15 of its 15 clients and the migration needs 1 more, ` +
        `so client 16 is refused with MaxClientsInSessionMode. Fix: pulumi config set --path chatwoot:database.migrations direct`,
    ]);
  });

  it("stays quiet on an app pool the migration does not use, however full", () => {
    const plan = planOf(stagingRaw());
    expect(plan.budget.find((p) => p.kind === "session")).toMatchObject({ servesApp: true, hasMigration: false });
    expect(migrationsOffSharedSessionPool.check(withPool(plan, "session", { limit: 1 }))).toEqual([]);
  });

  it("stays quiet on a pool only the migration uses: that is session-pool-capacity's case", () => {
    const plan = planOf(stagingWith({ database: { app: "direct", migrations: "session" } }));
    expect(migrationsOffSharedSessionPool.check(withPool(plan, "session", { limit: 0 }))).toEqual([]);
  });
});

describe("migrations-off-transaction-pooler", () => {
  it("names the endpoint, the lock and the fix", () => {
    const plan = planOf(stagingWith({ database: { endpoints: { transaction: STAGING_TRANSACTION }, migrations: "transaction" } }));
    expect(migrationsOffTransactionPooler.check(plan)).toEqual([
      `migrations use the transaction pooler ${POOLER}:6543; rails db:migrate takes a session-level advisory lock that a transaction pooler cannot hold. Fix: pulumi config set --path chatwoot:database.migrations direct`,
    ]);
  });
});

describe("transaction-pooler-runtime-flags", () => {
  const onTransaction = (urlParams: Record<string, string>) =>
    transactionPoolerRuntimeFlags.check(
      planOf(stagingWith({ database: { endpoints: { transaction: STAGING_TRANSACTION }, app: "transaction", urlParams } })),
    );

  it("both flags missing: both named, each with its own command", () => {
    expect(onTransaction({})).toEqual([
      `the app uses the transaction pooler ${POOLER}:6543 without prepared_statements=false and advisory_locks=false in its URL; ` +
        `Rails would use prepared statements and session advisory locks that the pooler drops. Fix: ` +
        `pulumi config set --path chatwoot:database.urlParams.prepared_statements false; pulumi config set --path chatwoot:database.urlParams.advisory_locks false`,
    ]);
  });

  it("one flag set to the wrong value: only that one", () => {
    const [message] = onTransaction({ prepared_statements: "false", advisory_locks: "true" });
    expect(message).toContain(" without advisory_locks=false in its URL;");
    expect(message.split("Fix: ")[1]).toBe("pulumi config set --path chatwoot:database.urlParams.advisory_locks false");
  });
});

describe("direct-connection-capacity", () => {
  it("names the parts, the peak, what is available and from where", () => {
    const plan = planOf(stagingWith({ database: { app: "direct" }, processes: { web: { count: 6 }, worker: { count: 3 } } }));
    expect(directConnectionCapacity.check(plan)).toEqual([
      `direct connections direct db.hotdashstagingref0.supabase.co:5432 (web 6x5 + worker 3x10 + migration 1) peak at 61 but only 57 are available ` +
        `(max_connections 60 from ${MICRO}, minus 3 reserved). Fix: move web/worker to the session pooler (database.app session), lower threads or machine counts, or a larger compute size`,
    ]);
  });

  it("counts the session pooler's server connections as pooler backends", () => {
    const plan = planOf(stagingRaw());
    const [message] = directConnectionCapacity.check(withPool(plan, "direct", { limit: 0 }));
    expect(message).toContain("(migration 1 + pooler backends 15) peak at 16");
  });
});

describe("transaction-pool-capacity", () => {
  it("names the pooler, its figures, the error clients get and the fix", () => {
    const raw = stagingWith({
      database: APP_ON_TRANSACTION,
      processes: { web: { count: 20 }, worker: { count: 11 } },
    });
    expect(transactionPoolCapacity.check(planOf(raw))).toEqual([
      `transaction pooler transaction ${POOLER}:6543 user=postgres.hotdashstagingref0 db=postgres (web 20x5 + worker 11x10) peaks at 210 clients ` +
        `but max_client_conn is 200 (max_client_conn from ${MICRO}); extra clients get EMAXCONN. Fix: fewer machines or threads, or a larger compute size`,
    ]);
  });
});

describe("pool-headroom", () => {
  const plan = planOf(stagingRaw());

  it("the console note says how many clients to cut: the reserve less the room left", () => {
    const wide = { ...withPool(plan, "session", { peak: 99, limit: 100 }), consoleReserve: 3 };
    const [console] = poolHeadroom.check(wide).filter((n) => n.includes("console"));
    expect(console).toBe(
      `pool ${SESSION} (web 1x5 + worker 1x10) peaks at 99 of 100: no room for 3 console session(s) (fly ssh console + rails console opens a client on it). ` +
        `Fix: lower rails.sidekiqConcurrency or rails.railsMaxThreads by 2, or raise the pool size`,
    );
  });

  it("the share note, word for word", () => {
    expect(poolHeadroom.check(withPool(plan, "session", { peak: 81, limit: 100 }))).toEqual([
      `pool ${SESSION} (web 1x5 + worker 1x10) peaks at 81 of 100 (81%, above 80%). Fix: lower threads or machine counts, or raise the pool size`,
    ]);
  });

  it("keeps no console room on a pool no app process uses", () => {
    const migrationOnly = planOf(stagingWith({ database: { app: "direct", migrations: "session" } }));
    expect(poolHeadroom.check(withPool(migrationOnly, "session", { peak: 1, limit: 1 })).filter((n) => n.includes(SESSION))).toEqual([
      expect.stringContaining("(100%, above 80%)"),
    ]);
  });
});

describe("memory-floor", () => {
  it("passes exactly the floor and names the group and the command below it", () => {
    expect(memoryFloor.check(planOf(stagingWith({ processes: { web: { memoryMb: 1024 }, worker: { memoryMb: 1024 } } })))).toEqual([]);
    expect(memoryFloor.check(planOf(stagingWith({ processes: { web: { memoryMb: 512 } } })))).toEqual([
      `web machines have 512 MB, below the 1024 MB floor (Chatwoot docs: 4 GB for a whole install, Sidekiq 1 GB+). Fix: pulumi config set --path chatwoot:processes.web.memoryMb 1024`,
    ]);
  });
});
