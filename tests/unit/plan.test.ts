import { buildPlan, endpointLimits } from "../../lib/plan";
import { SUPABASE_LIMITS_SOURCE } from "../../lib/supabaseLimits";
import { planOf, stagingRaw, stagingWith, validConfig } from "../support/configs";

describe("the plan's endpoints", () => {
  it("refuses a role on an endpoint that is not declared, which only a config validatePlain did not pass can have", () => {
    const config = validConfig(stagingRaw());
    const unchecked = { ...config, database: { ...config.database, migrations: "transaction" as const } };
    expect(() => buildPlan(unchecked)).toThrow(
      new Error("database.endpoints.transaction is not declared (validatePlain reports this first)"),
    );
  });
});

describe("the endpoints' limits", () => {
  it("takes an override from database.limits before the compute size's table, and names where each came from", () => {
    const config = validConfig(stagingWith({ database: { limits: { poolSize: 20, reservedConnections: 5 } } }));
    expect(endpointLimits(config)).toEqual({
      session: { limit: 20, source: "pool_size from database.limits.poolSize" },
      transaction: { limit: 200, source: `max_client_conn from Supabase micro compute (${SUPABASE_LIMITS_SOURCE})` },
      direct: { limit: 55, source: `max_connections 60 from Supabase micro compute (${SUPABASE_LIMITS_SOURCE}), minus 5 reserved` },
    });
  });
});

describe("the app role's connection limit", () => {
  it("is the migration on direct + the session pool's server connections + the console reserve (Supabase)", () => {
    expect(planOf(stagingRaw()).roleConnectionLimit).toBe(1 + 15 + 1);
  });

  it("counts pooler backends on plain PostgreSQL too (a PgBouncer in front of the same server)", () => {
    const raw = stagingWith({
      database: {
        provider: "postgres",
        sslmode: "disable",
        endpoints: { direct: { host: "127.0.0.1", port: 5432, user: "app" }, session: { host: "127.0.0.1", port: 6432, user: "app" } },
        limits: { poolSize: 15, maxConnections: 100 },
      },
    });
    delete (raw.database as Record<string, unknown>).computeSize;
    expect(planOf(raw).roleConnectionLimit).toBe(1 + 15 + 1);
  });

  it("caps each pool's backends at its pool size", () => {
    expect(planOf(stagingWith({ deploy: { strategy: "bluegreen" }, database: { migrations: "direct" } })).roleConnectionLimit).toBe(
      1 + 15 + 1,
    );
    expect(planOf(stagingWith({ rails: { sidekiqConcurrency: 2 } })).roleConnectionLimit).toBe(1 + 7 + 1);
  });

  it("takes the app's own direct clients at their busier phase: the rollout's surge when it beats the migration", () => {
    // web 1x5 + worker 1x10 on direct, bluegreen: 30 clients rolling out against 15 + 1 migrating.
    expect(planOf(stagingWith({ database: { app: "direct" }, deploy: { strategy: "bluegreen" } })).roleConnectionLimit).toBe(30 + 1);
    expect(planOf(stagingWith({ database: { app: "direct" } })).roleConnectionLimit).toBe(15 + 1 + 1);
  });
});
