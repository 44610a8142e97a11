import {
  evaluatePlan,
  healthCheckPath,
  memoryFloor,
  migrationsOffSharedSessionPool,
  migrationsOffTransactionPooler,
  planCredentials,
  poolHeadroom,
  sessionPoolCapacity,
  transactionPoolerRuntimeFlags,
  directConnectionCapacity,
} from "../../lib/rules";
import {
  APP_ON_TRANSACTION,
  incidentRaw,
  planOf,
  planWithExtraEnv,
  STAGING_TRANSACTION,
  stagingRaw,
  stagingWith,
} from "../support/configs";

const SESSION_KEY = "session aws-0-us-east-1.pooler.supabase.com:5432 user=postgres.hotdashstagingref0 db=postgres";

describe("the incident", () => {
  it("is rejected: Micro, web 1x5, worker 1x10, migration on the session pooler", () => {
    const plan = planOf(incidentRaw());
    const [message] = sessionPoolCapacity.check(plan);
    expect(message).toContain(SESSION_KEY);
    expect(message).toContain("web 1x5 + worker 1x10 + migration 1");
    expect(message).toContain("peaks at 16 clients but pool_size is 15");
    expect(message).toContain("MaxClientsInSessionMode");
    expect(message).toContain("Fix: run migrations on the direct endpoint (pulumi config set --path chatwoot:database.migrations direct)");
    expect(migrationsOffSharedSessionPool.check(plan)[0]).toContain("the migration needs 1 more, so client 16 is refused");
  });

  it("is fixed by running migrations on the direct endpoint: no mandatory violation, headroom advisories", () => {
    const verdicts = evaluatePlan(planOf(stagingRaw()));
    expect(verdicts.filter((v) => v.enforcement === "mandatory")).toEqual([]);
    expect(verdicts.map((v) => v.rule)).toEqual(["pool-headroom", "pool-headroom", "supabase-data-api-exposure"]);
    expect(verdicts[0].message).toContain("no room for 1 console session(s)");
  });
});

describe("each rule", () => {
  it("session-pool-capacity counts bluegreen surge and suggests lowering clients when no migration is involved", () => {
    const plan = planOf(stagingWith({ deploy: { strategy: "bluegreen" } }));
    const [message] = sessionPoolCapacity.check(plan);
    expect(message).toContain("peaks at 30 clients but pool_size is 15");
    expect(message).toContain("lower web and worker by 15 clients at the rollout peak: e.g. rails.sidekiqConcurrency to 2");
    expect(sessionPoolCapacity.check(planOf(stagingWith({ processes: { web: { count: 0 } } })))).toEqual([]);
  });

  it("migrations-off-transaction-pooler", () => {
    const plan = planOf(stagingWith({ database: { endpoints: { transaction: STAGING_TRANSACTION }, migrations: "transaction" } }));
    expect(migrationsOffTransactionPooler.check(plan)[0]).toContain("advisory lock");
    expect(migrationsOffTransactionPooler.check(planOf(stagingRaw()))).toEqual([]);
  });

  it("transaction-pooler-runtime-flags", () => {
    const onTx = stagingWith({ database: { endpoints: { transaction: STAGING_TRANSACTION }, app: "transaction" } });
    const [message] = transactionPoolerRuntimeFlags.check(planOf(onTx));
    expect(message).toContain("without prepared_statements=false and advisory_locks=false");
    expect(message).toContain("pulumi config set --path chatwoot:database.urlParams.prepared_statements false");
    const fixed = stagingWith({
      database: APP_ON_TRANSACTION,
    });
    expect(transactionPoolerRuntimeFlags.check(planOf(fixed))).toEqual([]);
  });

  it("direct-connection-capacity counts pooler backends on the same server", () => {
    const plan = planOf(stagingWith({ database: { app: "direct" }, processes: { web: { count: 6 }, worker: { count: 2 } } }));
    // web 6 x 5 + worker 2 x 10 + migration 1 = 51 of 60 - 3 reserved: fits.
    expect(directConnectionCapacity.check(plan)).toEqual([]);
    const over = planOf(stagingWith({ database: { app: "direct" }, processes: { web: { count: 6 }, worker: { count: 3 } } }));
    expect(directConnectionCapacity.check(over)[0]).toContain("peak at 61 but only 57 are available");
  });

  it("pool-headroom passes a pool with room for the console and under the share", () => {
    expect(poolHeadroom.check(planOf(stagingWith({ rails: { sidekiqConcurrency: 5 } })))).toEqual([]);
  });

  it("health-check-path", () => {
    expect(healthCheckPath.check(planOf(stagingWith({ deploy: { healthCheckPath: "/hc" } })))[0]).toContain(
      "/hc, which Chatwoot does not serve",
    );
    expect(healthCheckPath.check(planOf(stagingWith({ deploy: { healthCheckPath: "/api" } })))).toEqual([]);
  });

  it("memory-floor", () => {
    expect(memoryFloor.check(planOf(stagingWith({ processes: { worker: { memoryMb: 512 } } })))).toEqual([
      expect.stringContaining("worker machines have 512 MB, below the 1024 MB floor"),
    ]);
  });

  it("no-credentials-in-plain-inputs catches a password in [env]", () => {
    const plan = planWithExtraEnv({ SMTP_PASSWORD: "hunter2hunter2" });
    const [message] = planCredentials.check(plan);
    expect(message).toContain("*_PASSWORD");
    expect(message).not.toContain("hunter2");
    expect(planCredentials.check(planOf(stagingRaw()))).toEqual([]);
  });
});
