/**
 * The budget checked again before the migration, against the machines that run
 * (lib/budget.ts migrationOverflow): a group scaled up by hand since the plan must not put the
 * migration over a pool's limit, the incident of the mission.
 */
import { migrationOverflow, type BudgetInput } from "../../lib/budget";
import type { Endpoint } from "../../lib/endpoints";

const session: Endpoint = { kind: "session", host: "pooler", port: 5432, user: "app", database: "postgres", sslmode: "require" };
const direct: Endpoint = { kind: "direct", host: "db", port: 5432, user: "app", database: "postgres", sslmode: "require" };

/** web 1 x 5 and worker 1 x 10 on a session pool of 20, the migration (1 client) on `migrationOn`. */
const input = (migrationOn: Endpoint): BudgetInput => ({
  groups: [
    { role: "web", machines: 1, perMachine: 5, endpoint: session },
    { role: "worker", machines: 1, perMachine: 10, endpoint: session },
  ],
  migration: { perMachine: 1, endpoint: migrationOn },
  strategy: "rolling",
  limits: { session: { limit: 20, source: "pool_size" }, direct: { limit: 60, source: "max_connections" }, transaction: undefined },
  poolerBackendsPerPool: 20,
  poolersShareDirectServer: false,
});

describe("migrationOverflow", () => {
  it("lets the migration start beside the planned counts, or fewer", () => {
    expect(migrationOverflow(input(session), { web: 1, worker: 1 })).toBeUndefined();
    expect(migrationOverflow(input(session), { web: 0, worker: 0 })).toBeUndefined();
    expect(migrationOverflow(input(session), {})).toBeUndefined();
  });

  it("stops it when a group scaled up by hand puts its pool over the limit, saying how many and the fix", () => {
    // 5 + 2 x 10 + 1 = 26 clients on a pool of 20.
    expect(migrationOverflow(input(session), { web: 1, worker: 2 })).toBe(
      "the migration would open 26 clients on session pooler:5432 user=app db=postgres, above its limit of 20 (pool_size): worker runs 2 machines where the budget counted 1. Nothing was started; web and worker keep their current image. Fix: run pulumi up --refresh, which lowers the groups to their counts before the migration, or lower them by hand (fly scale count worker=1)",
    );
  });

  it("counts the pool at its limit as holding, and one client more as over", () => {
    // Two web machines of 4.5 clients: 9 + 10 + 1 = 20, the limit; of 5 clients: 10 + 10 + 1 = 21.
    const atLimit = { ...input(session), groups: input(session).groups.map((g) => (g.role === "web" ? { ...g, perMachine: 4.5 } : g)) };
    expect(migrationOverflow(atLimit, { web: 2, worker: 1 })).toBeUndefined();
    expect(migrationOverflow(input(session), { web: 2, worker: 1 })).toContain("21 clients on session");
  });

  it("leaves the migration alone when the grown group's pool is not the migration's", () => {
    // The workers overflow the session pool, but the migration runs on the direct endpoint.
    expect(migrationOverflow(input(direct), { web: 1, worker: 3 })).toBeUndefined();
  });

  it("leaves a plan's own overflow to the plan's rules: with no group grown, it has nothing to say", () => {
    // Worker 1 x 20: 5 + 20 + 1 = 26 on a pool of 20 at the planned counts, which the policies judge.
    const overPlanned = {
      ...input(session),
      groups: input(session).groups.map((g) => (g.role === "worker" ? { ...g, perMachine: 20 } : g)),
    };
    expect(migrationOverflow(overPlanned, { web: 1, worker: 1 })).toBeUndefined();
    expect(migrationOverflow(overPlanned, { web: 1, worker: 2 })).toContain("46 clients on session");
  });

  it("names every grown group", () => {
    const message = migrationOverflow(input(session), { web: 3, worker: 2 });
    expect(message).toContain("36 clients on session pooler:5432");
    expect(message).toContain("web runs 3 machines where the budget counted 1, worker runs 2 machines where the budget counted 1");
    expect(message).toContain("(fly scale count web=1 worker=1)");
  });
});
