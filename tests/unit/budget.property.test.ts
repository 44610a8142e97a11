/**
 * Properties of the connection budget (lib/budget.ts): computeBudget and connectionsPerMachine, over
 * generated deployments. The arbitraries draw endpoints from small sets of hosts, ports and users so
 * that roles collide on one pool as often as they land on different ones.
 */
import fc from "fast-check";
import {
  computeBudget,
  connectionsPerMachine,
  surgeMachines,
  type BudgetInput,
  type PoolBudget,
  type RailsSettings,
  type Strategy,
} from "../../lib/budget";
import { validatePlain } from "../../lib/config/validate";
import { poolKey, type Endpoint } from "../../lib/endpoints";
import { buildPlan } from "../../lib/plan";
import { simulatePools, type SimDeployment } from "../support/poolSimulator";

const STRATEGIES: Strategy[] = ["rolling", "immediate", "canary", "bluegreen"];
const KINDS = ["direct", "session", "transaction"] as const;

// ---- arbitraries ----------------------------------------------------------------------------------

const railsArb: fc.Arbitrary<RailsSettings> = fc.record({
  railsMaxThreads: fc.integer({ min: 1, max: 64 }),
  webConcurrency: fc.integer({ min: 0, max: 32 }),
  sidekiqConcurrency: fc.integer({ min: 1, max: 100 }),
  version: fc.constantFrom<RailsSettings["version"]>("7.1+", "6.0-7.0"),
});

const endpointArb: fc.Arbitrary<Endpoint> = fc.record({
  kind: fc.constantFrom(...KINDS),
  host: fc.constantFrom("db.a.example", "pooler.example"),
  port: fc.constantFrom(5432, 6543),
  user: fc.constantFrom("postgres", "postgres.ref", "chatwoot_app"),
  database: fc.constantFrom("postgres", "chatwoot"),
  sslmode: fc.constant("require"),
});

interface Deployment {
  rails: RailsSettings;
  web: number;
  worker: number;
  webEndpoint: Endpoint;
  workerEndpoint: Endpoint;
  migrationEndpoint: Endpoint;
  strategy: Strategy;
  poolerBackendsPerPool: number;
  poolersShareDirectServer: boolean;
}

const deploymentArb: fc.Arbitrary<Deployment> = fc.record({
  rails: railsArb,
  web: fc.integer({ min: 0, max: 10 }),
  worker: fc.integer({ min: 0, max: 10 }),
  webEndpoint: endpointArb,
  workerEndpoint: endpointArb,
  migrationEndpoint: endpointArb,
  strategy: fc.constantFrom(...STRATEGIES),
  poolerBackendsPerPool: fc.integer({ min: 1, max: 128 }),
  poolersShareDirectServer: fc.boolean(),
});

/** The budget input the way lib/plan.ts builds it: per-machine clients from the Rails settings. */
function inputOf(d: Deployment): BudgetInput {
  return {
    groups: [
      { role: "web", machines: d.web, perMachine: connectionsPerMachine("web", d.rails), endpoint: d.webEndpoint },
      { role: "worker", machines: d.worker, perMachine: connectionsPerMachine("worker", d.rails), endpoint: d.workerEndpoint },
    ],
    migration: { perMachine: connectionsPerMachine("migration", d.rails), endpoint: d.migrationEndpoint },
    strategy: d.strategy,
    limits: {
      direct: { limit: 57, source: "test" },
      session: { limit: 15, source: "test" },
      transaction: { limit: 200, source: "test" },
    },
    poolerBackendsPerPool: d.poolerBackendsPerPool,
    poolersShareDirectServer: d.poolersShareDirectServer,
  };
}

const budgetOf = (d: Deployment) => byKey(computeBudget(inputOf(d)));

function byKey(pools: PoolBudget[]): Map<string, PoolBudget> {
  return new Map(pools.map((pool) => [pool.key, pool]));
}

const PHASES = ["steady", "migrationPhase", "rolloutPhase", "peak"] as const;

/** Every pool of `after` has at least the clients of the same pool in `before`, in every phase. */
function expectNoPoolShrinks(before: Map<string, PoolBudget>, after: Map<string, PoolBudget>): void {
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [key, pool] of before) {
    for (const phase of PHASES) expect(after.get(key)![phase]).toBeGreaterThanOrEqual(pool[phase]);
  }
}

// ---- connectionsPerMachine --------------------------------------------------------------------------

describe("connectionsPerMachine", () => {
  it("is monotone in RAILS_MAX_THREADS, WEB_CONCURRENCY and SIDEKIQ_CONCURRENCY", () => {
    fc.assert(
      fc.property(
        railsArb,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 0, max: 16 }),
        (rails, dt, dw, ds) => {
          const more: RailsSettings = {
            ...rails,
            railsMaxThreads: rails.railsMaxThreads + dt,
            webConcurrency: rails.webConcurrency + dw,
            sidekiqConcurrency: rails.sidekiqConcurrency + ds,
          };
          for (const role of ["web", "worker", "migration"] as const) {
            expect(connectionsPerMachine(role, more)).toBeGreaterThanOrEqual(connectionsPerMachine(role, rails));
          }
        },
      ),
    );
  });

  it("follows Chatwoot's config: web max(1, WEB_CONCURRENCY) x RAILS_MAX_THREADS, worker SIDEKIQ_CONCURRENCY", () => {
    fc.assert(
      fc.property(railsArb, (rails) => {
        expect(connectionsPerMachine("web", rails)).toBe(Math.max(1, rails.webConcurrency) * rails.railsMaxThreads);
        expect(connectionsPerMachine("worker", rails)).toBe(rails.sidekiqConcurrency);
        expect(connectionsPerMachine("web", rails)).toBeGreaterThanOrEqual(rails.railsMaxThreads);
      }),
    );
  });
});

// ---- computeBudget: monotonicity ----------------------------------------------------------------------

describe("computeBudget is monotone", () => {
  it("in the machine counts of web and worker", () => {
    fc.assert(
      fc.property(deploymentArb, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), (d, dWeb, dWorker) => {
        expectNoPoolShrinks(budgetOf(d), budgetOf({ ...d, web: d.web + dWeb, worker: d.worker + dWorker }));
      }),
    );
  });

  it("in RAILS_MAX_THREADS, WEB_CONCURRENCY and SIDEKIQ_CONCURRENCY", () => {
    fc.assert(
      fc.property(
        deploymentArb,
        fc.constantFrom("railsMaxThreads", "webConcurrency", "sidekiqConcurrency"),
        fc.integer({ min: 1, max: 10 }),
        (d, setting: "railsMaxThreads" | "webConcurrency" | "sidekiqConcurrency", delta) => {
          expectNoPoolShrinks(budgetOf(d), budgetOf({ ...d, rails: { ...d.rails, [setting]: d.rails[setting] + delta } }));
        },
      ),
    );
  });

  it("in the Rails line (6.0-7.0 migrations hold a second connection)", () => {
    fc.assert(
      fc.property(deploymentArb, (d) => {
        expectNoPoolShrinks(
          budgetOf({ ...d, rails: { ...d.rails, version: "7.1+" } }),
          budgetOf({ ...d, rails: { ...d.rails, version: "6.0-7.0" } }),
        );
      }),
    );
  });
});

// ---- computeBudget: phases and sums ------------------------------------------------------------------

describe("computeBudget phases", () => {
  it("peak = max(migration phase, rollout phase), never below steady", () => {
    fc.assert(
      fc.property(deploymentArb, (d) => {
        for (const pool of computeBudget(inputOf(d))) {
          expect(pool.peak).toBe(Math.max(pool.migrationPhase, pool.rolloutPhase));
          expect(pool.peak).toBeGreaterThanOrEqual(pool.steady);
          expect(pool.rolloutPhase).toBeGreaterThanOrEqual(pool.steady);
          expect(pool.migrationPhase).toBeGreaterThanOrEqual(pool.steady);
        }
      }),
    );
  });

  it("steady and peak are never below the sum of each role's own clients on the pool (independent oracle)", () => {
    fc.assert(
      fc.property(deploymentArb, (d) => {
        const input = inputOf(d);
        const pools = byKey(computeBudget(input));
        // Recompute from the inputs alone: which role lands on which pool, and with how many clients.
        const own = new Map<string, { steady: number; rollout: number; migration: number }>();
        const add = (endpoint: Endpoint, steady: number, rollout: number, migration: number) => {
          const key = poolKey(endpoint);
          const sum = own.get(key) ?? { steady: 0, rollout: 0, migration: 0 };
          own.set(key, { steady: sum.steady + steady, rollout: sum.rollout + rollout, migration: sum.migration + migration });
        };
        for (const g of input.groups) {
          const steady = g.machines * g.perMachine;
          add(g.endpoint, steady, steady + surgeMachines(d.strategy, g.machines) * g.perMachine, steady);
        }
        add(input.migration.endpoint, 0, 0, input.migration.perMachine);
        expect([...pools.keys()].sort()).toEqual([...own.keys()].sort());
        for (const [key, sum] of own) {
          const pool = pools.get(key)!;
          expect(pool.steady).toBeGreaterThanOrEqual(sum.steady);
          expect(pool.rolloutPhase).toBeGreaterThanOrEqual(sum.rollout);
          expect(pool.migrationPhase).toBeGreaterThanOrEqual(sum.migration);
          expect(pool.peak).toBeGreaterThanOrEqual(Math.max(sum.rollout, sum.migration));
          for (const c of pool.contributions) expect(pool.peak).toBeGreaterThanOrEqual(Math.max(c.steady, c.rollout, c.migration));
          // Exactly the roles' own clients, except a direct pool that also carries pooler backends.
          const backends = pool.contributions.filter((c) => c.role === "pooler-backends");
          if (backends.length === 0) {
            expect({ steady: pool.steady, rollout: pool.rolloutPhase, migration: pool.migrationPhase }).toEqual(sum);
          } else {
            expect(pool.kind).toBe("direct");
            expect(d.poolersShareDirectServer).toBe(true);
            expect(pool.steady).toBe(sum.steady + backends.reduce((n, c) => n + c.steady, 0));
          }
        }
      }),
    );
  });

  it("pooler backends on the direct pool: min(pooler clients, pool size) per pooler pool and phase", () => {
    fc.assert(
      fc.property(deploymentArb, (d) => {
        const pools = computeBudget(inputOf(d));
        const direct = pools.find((p) => p.kind === "direct");
        const poolers = pools.filter((p) => p.kind !== "direct");
        const backends = direct?.contributions.filter((c) => c.role === "pooler-backends") ?? [];
        if (!direct || !d.poolersShareDirectServer) {
          expect(backends).toEqual([]);
          return;
        }
        expect(backends).toHaveLength(poolers.length);
        const cap = (n: number) => Math.min(n, d.poolerBackendsPerPool);
        expect(backends.map((c) => [c.steady, c.rollout, c.migration]).sort()).toEqual(
          poolers.map((p) => [cap(p.steady), cap(p.rolloutPhase), cap(p.migrationPhase)]).sort(),
        );
        for (const c of backends) expect(c.steady).toBeLessThanOrEqual(d.poolerBackendsPerPool);
      }),
    );
  });

  it("counts the migration once, on its own endpoint's pool, in the migration phase only", () => {
    fc.assert(
      fc.property(deploymentArb, (d) => {
        const input = inputOf(d);
        const pools = computeBudget(input);
        const migrations = pools.flatMap((p) => p.contributions.filter((c) => c.role === "migration").map((c) => ({ pool: p, c })));
        expect(migrations).toHaveLength(1);
        const [{ pool, c }] = migrations;
        expect(pool.key).toBe(poolKey(input.migration.endpoint));
        expect(pools.filter((p) => p.hasMigration)).toEqual([pool]);
        expect(c).toMatchObject({
          machines: 1,
          perMachine: input.migration.perMachine,
          steady: 0,
          rollout: 0,
          migration: input.migration.perMachine,
        });
      }),
    );
  });
});

// ---- computeBudget: pool keys ------------------------------------------------------------------------

describe("pools are keyed like the poolers key them", () => {
  it("same pooler host/port/database but another user -> two pools; direct -> one pool for all users", () => {
    fc.assert(
      fc.property(deploymentArb, fc.constantFrom(...KINDS), (d, kind) => {
        const base: Endpoint = { kind, host: "pooler.example", port: 5432, user: "web_user", database: "chatwoot", sslmode: "require" };
        const other: Endpoint = { ...base, user: "worker_user" };
        const pools = computeBudget(inputOf({ ...d, webEndpoint: base, workerEndpoint: other, migrationEndpoint: base }));
        const app = pools.filter((p) => p.servesApp);
        if (kind === "direct") {
          expect(app).toHaveLength(1);
          expect(app[0].contributions.map((c) => c.role)).toEqual(expect.arrayContaining(["web", "worker", "migration"]));
        } else {
          expect(app).toHaveLength(2);
          expect(new Set(app.map((p) => p.key)).size).toBe(2);
          const worker = app.find((p) => p.endpoint.user === "worker_user")!;
          expect(worker.contributions.map((c) => c.role)).toEqual(["worker"]);
          expect(worker.steady).toBe(d.worker * connectionsPerMachine("worker", d.rails));
        }
      }),
    );
  });

  it("another database on the same pooler is another pool; the pool mode is part of the key", () => {
    const e: Endpoint = { kind: "session", host: "pooler.example", port: 5432, user: "u", database: "a", sslmode: "require" };
    expect(poolKey(e)).not.toBe(poolKey({ ...e, database: "b" }));
    expect(poolKey(e)).not.toBe(poolKey({ ...e, kind: "transaction" }));
    expect(poolKey({ ...e, kind: "direct" })).toBe(poolKey({ ...e, kind: "direct", user: "v", database: "b" }));
  });
});

// ---- computeBudget: strategies -----------------------------------------------------------------------

describe("rollout strategies", () => {
  it("bluegreen peak >= canary peak >= rolling peak = immediate peak, pool by pool", () => {
    fc.assert(
      fc.property(deploymentArb, (d) => {
        const [rolling, immediate, canary, bluegreen] = (["rolling", "immediate", "canary", "bluegreen"] as const).map((strategy) =>
          budgetOf({ ...d, strategy }),
        );
        for (const [key, pool] of rolling) {
          expect(immediate.get(key)!.peak).toBe(pool.peak);
          expect(canary.get(key)!.peak).toBeGreaterThanOrEqual(pool.peak);
          expect(bluegreen.get(key)!.peak).toBeGreaterThanOrEqual(canary.get(key)!.peak);
          // The strategy moves only the rollout phase.
          expect(bluegreen.get(key)!.steady).toBe(pool.steady);
          expect(bluegreen.get(key)!.migrationPhase).toBe(pool.migrationPhase);
        }
      }),
    );
  });

  it("surge machines never exceed the group and are 0 for an empty group", () => {
    fc.assert(
      fc.property(fc.constantFrom(...STRATEGIES), fc.integer({ min: 0, max: 100 }), (strategy, count) => {
        const surge = surgeMachines(strategy, count);
        expect(surge).toBeGreaterThanOrEqual(0);
        expect(surge).toBeLessThanOrEqual(count);
        if (count === 0) expect(surge).toBe(0);
      }),
    );
  });
});

// ---- examples ----------------------------------------------------------------------------------------

describe("examples", () => {
  const session: Endpoint = {
    kind: "session",
    host: "aws-0-eu-central-1.pooler.supabase.com",
    port: 5432,
    user: "postgres.ref",
    database: "postgres",
    sslmode: "require",
  };
  const direct: Endpoint = {
    kind: "direct",
    host: "db.ref.supabase.co",
    port: 5432,
    user: "postgres",
    database: "postgres",
    sslmode: "require",
  };
  const rails: RailsSettings = { railsMaxThreads: 5, webConcurrency: 0, sidekiqConcurrency: 10, version: "7.1+" };
  const example = (strategy: Strategy, over: Partial<Deployment> = {}) =>
    computeBudget(
      inputOf({
        rails,
        web: 2,
        worker: 3,
        webEndpoint: session,
        workerEndpoint: session,
        migrationEndpoint: direct,
        strategy,
        poolerBackendsPerPool: 15,
        poolersShareDirectServer: false,
        ...over,
      }),
    );

  it.each([
    // web 2 x 5 + worker 3 x 10 = 40 steady
    ["rolling", 0, 0, 40],
    ["immediate", 0, 0, 40],
    ["canary", 1, 1, 40 + 5 + 10],
    ["bluegreen", 2, 3, 80],
  ] as const)(
    "surge of %s: %i web and %i worker machines beside the old ones -> rollout %i",
    (strategy, webSurge, workerSurge, rollout) => {
      expect(surgeMachines(strategy, 2)).toBe(webSurge);
      expect(surgeMachines(strategy, 3)).toBe(workerSurge);
      const pool = example(strategy).find((p) => p.kind === "session")!;
      expect(pool).toMatchObject({ steady: 40, migrationPhase: 40, rolloutPhase: rollout, peak: rollout });
      expect(pool.contributions.map((c) => [c.role, c.rollout])).toEqual([
        ["web", 10 + webSurge * 5],
        ["worker", 30 + workerSurge * 10],
      ]);
    },
  );

  it("each pool carries its kind's limit and source, and an endpoint kind in use without a limit is an error", () => {
    expect(example("rolling").map((p) => [p.kind, p.limit, p.limitSource])).toEqual([
      ["session", 15, "test"],
      ["direct", 57, "test"],
    ]);
    const input = inputOf({
      rails,
      web: 1,
      worker: 1,
      webEndpoint: session,
      workerEndpoint: session,
      migrationEndpoint: direct,
      strategy: "rolling",
      poolerBackendsPerPool: 15,
      poolersShareDirectServer: false,
    });
    expect(() => computeBudget({ ...input, limits: { ...input.limits, direct: undefined } })).toThrow(
      "no limit is known for the direct endpoint that the deployment uses (validatePlain reports this first)",
    );
  });

  it("canary adds one machine per group, none to an empty group", () => {
    const pool = example("canary", { worker: 0 }).find((p) => p.kind === "session")!;
    expect(pool.rolloutPhase).toBe(10 + 5);
  });

  it.each([
    ["7.1+", 1],
    ["6.0-7.0", 2],
  ] as const)("Rails %s: the migration holds %i connection(s)", (version, connections) => {
    expect(connectionsPerMachine("migration", { ...rails, version })).toBe(connections);
    // On the app's session pool (the incident shape): web 1x5 + worker 1x10 + the migration.
    const pool = example("rolling", { rails: { ...rails, version }, web: 1, worker: 1, migrationEndpoint: session })[0];
    expect(pool).toMatchObject({
      steady: 15,
      migrationPhase: 15 + connections,
      rolloutPhase: 15,
      peak: 15 + connections,
      hasMigration: true,
      servesApp: true,
    });
  });

  it("Supabase: the direct pool carries the session pooler's backends (at most pool_size) beside the migration", () => {
    const pools = example("bluegreen", { poolersShareDirectServer: true });
    const sessionPool = pools.find((p) => p.kind === "session")!;
    const directPool = pools.find((p) => p.kind === "direct")!;
    expect(sessionPool).toMatchObject({ steady: 40, rolloutPhase: 80, peak: 80 });
    expect(directPool.contributions.map((c) => [c.role, c.steady, c.rollout, c.migration])).toEqual([
      ["migration", 0, 0, 1],
      ["pooler-backends", 15, 15, 15],
    ]);
    expect(directPool).toMatchObject({ steady: 15, migrationPhase: 16, rolloutPhase: 15, peak: 16 });
  });

  it("through buildPlan: the incident config overflows the Micro session pool, the fix fits it", () => {
    const raw = (migrations: "session" | "direct") => ({
      app: { name: "chatwoot-example" },
      image: "chatwoot/chatwoot:v4.14.0",
      frontendUrl: "https://chat.example.com",
      database: {
        computeSize: "micro",
        endpoints: {
          session: { host: "aws-0-eu-central-1.pooler.supabase.com", port: 5432, user: "postgres.abcdefghij" },
          direct: { host: "db.abcdefghij.supabase.co", port: 5432, user: "postgres" },
        },
        app: "session",
        migrations,
      },
    });
    const planOf = (migrations: "session" | "direct") => {
      const { config, issues } = validatePlain(raw(migrations));
      expect(issues).toEqual([]);
      return buildPlan(config!);
    };
    const incident = planOf("session").budget.find((p) => p.kind === "session")!;
    expect(incident).toMatchObject({ limit: 15, steady: 15, peak: 16, hasMigration: true });
    const fixed = planOf("direct").budget;
    expect(fixed.find((p) => p.kind === "session")).toMatchObject({ limit: 15, steady: 15, peak: 15, hasMigration: false });
    // Direct: 60 - 3 reserved; the migration plus the session pooler's 15 backends.
    expect(fixed.find((p) => p.kind === "direct")).toMatchObject({ limit: 57, peak: 16 });
  });
});

// ---- computeBudget against a simulation ---------------------------------------------------------------

describe("computeBudget against a moment-by-moment simulation (tests/support/poolSimulator.ts)", () => {
  // One database server and one Supavisor in front of it, session on 5432 and transaction on 6543, as
  // Supabase lays them out; users and databases vary, so roles share pools or not.
  const simEndpointArb: fc.Arbitrary<Endpoint> = fc
    .record({
      kind: fc.constantFrom(...KINDS),
      user: fc.constantFrom("postgres", "postgres.ref", "chatwoot_app"),
      database: fc.constantFrom("postgres", "chatwoot"),
    })
    .map(({ kind, user, database }) => ({
      kind,
      host: kind === "direct" ? "db.ref.example" : "pooler.example",
      port: kind === "transaction" ? 6543 : 5432,
      user,
      database,
      sslmode: "require",
    }));
  const simArb: fc.Arbitrary<SimDeployment> = fc.record({
    threads: fc.record({
      railsMax: fc.integer({ min: 1, max: 32 }),
      webConcurrency: fc.integer({ min: 0, max: 8 }),
      sidekiq: fc.integer({ min: 1, max: 50 }),
      railsLine: fc.constantFrom<SimDeployment["threads"]["railsLine"]>("7.1+", "6.0-7.0"),
    }),
    machines: fc.record({ web: fc.integer({ min: 0, max: 6 }), worker: fc.integer({ min: 0, max: 6 }) }),
    endpoints: fc.record({ web: simEndpointArb, worker: simEndpointArb, migration: simEndpointArb }),
    strategy: fc.constantFrom(...STRATEGIES),
    poolSize: fc.integer({ min: 1, max: 100 }),
    poolersOnDirectServer: fc.boolean(),
    sharedPoolSize: fc.boolean(),
  });

  /** The same deployment as lib/plan.ts hands it to computeBudget. */
  function budgetInputOf(d: SimDeployment): BudgetInput {
    const rails: RailsSettings = {
      railsMaxThreads: d.threads.railsMax,
      webConcurrency: d.threads.webConcurrency,
      sidekiqConcurrency: d.threads.sidekiq,
      version: d.threads.railsLine,
    };
    return {
      groups: [
        { role: "web", machines: d.machines.web, perMachine: connectionsPerMachine("web", rails), endpoint: d.endpoints.web },
        { role: "worker", machines: d.machines.worker, perMachine: connectionsPerMachine("worker", rails), endpoint: d.endpoints.worker },
      ],
      migration: { perMachine: connectionsPerMachine("migration", rails), endpoint: d.endpoints.migration },
      strategy: d.strategy,
      // Limits leave the phases alone; the simulation has none.
      limits: { direct: { limit: 1, source: "t" }, session: { limit: 1, source: "t" }, transaction: { limit: 1, source: "t" } },
      poolerBackendsPerPool: d.poolSize,
      poolersShareDirectServer: d.poolersOnDirectServer,
      poolersSharePoolSize: d.sharedPoolSize,
    };
  }

  it("every pool's steady, migration-phase, rollout-phase and peak clients are the simulation's busiest moments", () => {
    fc.assert(
      fc.property(simArb, (d) => {
        const simulated = simulatePools(d);
        const budget = computeBudget(budgetInputOf(d));
        expect(
          Object.fromEntries(
            budget.map((p) => [p.key, { steady: p.steady, migrationPhase: p.migrationPhase, rolloutPhase: p.rolloutPhase, peak: p.peak }]),
          ),
        ).toEqual(Object.fromEntries(simulated));
      }),
      { numRuns: 500 },
    );
  });

  it("the simulation itself: the incident's shape, web 2 x 5 and worker 3 x 10 on one session pool", () => {
    const session = {
      kind: "session",
      host: "pooler.example",
      port: 5432,
      user: "postgres.ref",
      database: "postgres",
      sslmode: "require",
    } as const;
    const direct = { ...session, kind: "direct", host: "db.ref.example", user: "postgres" } as const;
    const at = (strategy: Strategy) =>
      simulatePools({
        threads: { railsMax: 5, webConcurrency: 0, sidekiq: 10, railsLine: "7.1+" },
        machines: { web: 2, worker: 3 },
        endpoints: { web: session, worker: session, migration: direct },
        strategy,
        poolSize: 15,
        poolersOnDirectServer: true,
        sharedPoolSize: false,
      });
    expect(at("rolling").get(poolKey(session))).toEqual({ steady: 40, migrationPhase: 40, rolloutPhase: 40, peak: 40 });
    expect(at("canary").get(poolKey(session))?.rolloutPhase).toBe(40 + 5 + 10);
    expect(at("bluegreen").get(poolKey(session))?.rolloutPhase).toBe(80);
    // The direct server: the migration's one connection beside the session pooler's 15 server connections.
    expect(at("rolling").get(poolKey(direct))).toEqual({ steady: 15, migrationPhase: 16, rolloutPhase: 15, peak: 16 });
  });
});
