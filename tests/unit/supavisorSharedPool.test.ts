/**
 * Supavisor's shared pool (lib/budget.ts): on Supabase, the session (5432) and transaction (6543) ports
 * of one user + database draw on one pool_size, so the session pool carries the transaction port's
 * server connections (at most the pool size); provider postgres keeps PgBouncer's separate pools.
 */
import fc from "fast-check";
import { computeBudget, type BudgetInput, type PoolBudget } from "../../lib/budget";
import type { Endpoint } from "../../lib/endpoints";
import { evaluatePlan } from "../../lib/rules";
import { APP_ON_TRANSACTION, planOf, stagingWith } from "../support/configs";

const POOLER = "aws-0-us-east-1.pooler.supabase.com";
const USER = "postgres.hotdashstagingref0";
const MICRO_POOL_SIZE = 15;

const sessionPool = (budget: PoolBudget[]) => budget.find((p) => p.kind === "session");
const rulesFired = (raw: Record<string, unknown>) => evaluatePlan(planOf(raw)).map((v) => v.rule);

describe("Supavisor's shared pool on Supabase", () => {
  it("counts an app on the transaction port against the migration's session pool: 15 + 1 > 15", () => {
    const raw = stagingWith({
      database: { ...APP_ON_TRANSACTION, migrations: "session" },
    });
    const plan = planOf(raw);
    const session = sessionPool(plan.budget);
    expect(session).toMatchObject({ limit: MICRO_POOL_SIZE, steady: 15, migrationPhase: 16, peak: 16 });
    expect(session?.contributions.map((c) => [c.role, c.perMachine])).toEqual([
      ["migration", 1],
      ["transaction-backends", 15],
    ]);
    const tx = plan.budget.find((p) => p.kind === "transaction");
    expect(tx?.sharesPoolSizeWith).toBe(session?.key);
    expect(session?.sharesPoolSizeWith).toBe(tx?.key);
    expect(rulesFired(raw)).toContain("session-pool-capacity");
  });

  it("fits when the transaction clients leave room for the migration's session", () => {
    const raw = stagingWith({
      rails: { sidekiqConcurrency: 9 },
      database: { ...APP_ON_TRANSACTION, migrations: "session" },
    });
    expect(sessionPool(planOf(raw).budget)).toMatchObject({ peak: 15, limit: 15 });
    expect(rulesFired(raw)).not.toContain("session-pool-capacity");
  });

  it("caps the transaction port's server connections at the pool size (200 clients hold at most 15)", () => {
    const raw = stagingWith({
      processes: { worker: { count: 20 } },
      database: { ...APP_ON_TRANSACTION, migrations: "session" },
    });
    const plan = planOf(raw);
    expect(plan.budget.find((p) => p.kind === "transaction")).toMatchObject({ peak: 205 });
    expect(sessionPool(plan.budget)?.contributions.find((c) => c.role === "transaction-backends")?.perMachine).toBe(MICRO_POOL_SIZE);
  });

  it("keeps separate pools for provider postgres (PgBouncer: one pool per port and mode)", () => {
    const local = { host: "127.0.0.1", user: "chatwoot" };
    const raw = stagingWith({
      database: {
        provider: "postgres",
        computeSize: undefined,
        sslmode: "disable",
        endpoints: { direct: { ...local, port: 5432 }, session: { ...local, port: 6432 }, transaction: { ...local, port: 6433 } },
        app: "transaction",
        migrations: "session",
        urlParams: { prepared_statements: "false", advisory_locks: "false" },
        limits: { poolSize: 15, maxClientConn: 200, maxConnections: 100 },
      },
    });
    const session = sessionPool(planOf(raw).budget);
    expect(session).toMatchObject({ peak: 1 });
    expect(session?.sharesPoolSizeWith).toBeUndefined();
  });

  it("lets the direct pool count one shared pool's backends once: min(session + transaction, pool size)", () => {
    const ep = (kind: Endpoint["kind"], host: string, port: number): Endpoint => ({
      kind,
      host,
      port,
      user: USER,
      database: "postgres",
      sslmode: "require",
    });
    const input = (share: boolean): BudgetInput => ({
      groups: [
        { role: "web", machines: 2, perMachine: 5, endpoint: ep("session", POOLER, 5432) },
        { role: "worker", machines: 1, perMachine: 10, endpoint: ep("transaction", POOLER, 6543) },
      ],
      migration: { perMachine: 1, endpoint: ep("direct", "db.ref.supabase.co", 5432) },
      strategy: "rolling",
      limits: { session: { limit: 15, source: "t" }, transaction: { limit: 200, source: "t" }, direct: { limit: 57, source: "t" } },
      poolerBackendsPerPool: 15,
      poolersShareDirectServer: true,
      poolersSharePoolSize: share,
    });
    const direct = (share: boolean) => computeBudget(input(share)).find((p) => p.kind === "direct");
    expect(direct(true)?.peak).toBe(1 + 15);
    expect(direct(false)?.peak).toBe(1 + 10 + 10);
    expect(computeBudget(input(true)).find((p) => p.kind === "session")?.peak).toBe(10 + 10);
  });

  it("the app role's CONNECTION LIMIT counts a shared pool once", () => {
    const raw = stagingWith({
      database: { ...APP_ON_TRANSACTION, migrations: "direct" },
    });
    // direct migration 1 + transaction backends 15 (no session pool in use) + console 1
    expect(planOf(raw).roleConnectionLimit).toBe(17);
  });

  describe("properties", () => {
    const arb = fc.record({
      web: fc.integer({ min: 0, max: 6 }),
      worker: fc.integer({ min: 0, max: 6 }),
      threads: fc.integer({ min: 1, max: 12 }),
      sidekiq: fc.integer({ min: 1, max: 30 }),
      appKind: fc.constantFrom("session" as const, "transaction" as const),
      migrationKind: fc.constantFrom("session" as const, "transaction" as const, "direct" as const),
      poolSize: fc.integer({ min: 1, max: 64 }),
      strategy: fc.constantFrom("rolling" as const, "canary" as const, "bluegreen" as const, "immediate" as const),
    });
    type Drawn = typeof arb extends fc.Arbitrary<infer T> ? T : never;
    const ep = (kind: Endpoint["kind"]): Endpoint =>
      kind === "direct"
        ? { kind, host: "db.ref.supabase.co", port: 5432, user: "postgres", database: "postgres", sslmode: "require" }
        : { kind, host: POOLER, port: kind === "session" ? 5432 : 6543, user: USER, database: "postgres", sslmode: "require" };
    const budgetOf = (d: Drawn, share: boolean) =>
      computeBudget({
        groups: [
          { role: "web", machines: d.web, perMachine: d.threads, endpoint: ep(d.appKind) },
          { role: "worker", machines: d.worker, perMachine: d.sidekiq, endpoint: ep(d.appKind) },
        ],
        migration: { perMachine: 1, endpoint: ep(d.migrationKind) },
        strategy: d.strategy,
        limits: {
          session: { limit: d.poolSize, source: "t" },
          transaction: { limit: 200, source: "t" },
          direct: { limit: 57, source: "t" },
        },
        poolerBackendsPerPool: d.poolSize,
        poolersShareDirectServer: true,
        poolersSharePoolSize: share,
      });

    it("sharing never lowers a session pool's peak, and adds at most the pool size", () => {
      fc.assert(
        fc.property(arb, (d) => {
          const shared = budgetOf(d, true).find((p) => p.kind === "session");
          const apart = budgetOf(d, false).find((p) => p.kind === "session");
          if (!apart) return shared === undefined;
          return shared !== undefined && shared.peak >= apart.peak && shared.peak <= apart.peak + d.poolSize;
        }),
      );
    });

    it("sharing leaves transaction pools' client counts alone (max_client_conn still caps clients)", () => {
      fc.assert(
        fc.property(arb, (d) => {
          const tx = (share: boolean) => budgetOf(d, share).find((p) => p.kind === "transaction")?.peak;
          return tx(true) === tx(false);
        }),
      );
    });

    it("a session and a transaction pool share exactly when both ports are in use", () => {
      fc.assert(
        fc.property(arb, (d) => {
          const budget = budgetOf(d, true);
          const both = budget.some((p) => p.kind === "session") && budget.some((p) => p.kind === "transaction");
          return budget.filter((p) => p.kind !== "direct").every((p) => (p.sharesPoolSizeWith !== undefined) === both);
        }),
      );
    });
  });
});
