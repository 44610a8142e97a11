/** database.migrationUser: the migration's own role, its pool, and the checks of its form. */
import { missingCredentials, validatePlain } from "../../lib/config/validate";
import { evaluatePlan } from "../../lib/rules";
import { planOf, stagingWith, validConfig } from "../support/configs";

const REF = "hotdashstagingref0";
const POOLER = "aws-0-us-east-1.pooler.supabase.com";
const STORAGE_KEYS = { storageAccessKeyId: "id", storageSecretAccessKey: "key" };

describe("a role of its own for the migration", () => {
  it("gives the migration its own pool on the session pooler: the incident's config fits", () => {
    const raw = stagingWith({ database: { migrations: "session", migrationUser: `chatwoot_migrator.${REF}` } });
    const plan = planOf(raw);
    expect(plan.endpoints.migration).toMatchObject({ kind: "session", host: POOLER, user: `chatwoot_migrator.${REF}` });
    const pools = plan.budget.filter((p) => p.kind === "session");
    expect(pools.map((p) => [p.key, p.peak])).toEqual([
      [`session ${POOLER}:5432 user=postgres.${REF} db=postgres`, 15],
      [`session ${POOLER}:5432 user=chatwoot_migrator.${REF} db=postgres`, 1],
    ]);
    expect(evaluatePlan(plan).filter((v) => v.enforcement === "mandatory")).toEqual([]);
    // Without the role the same config is the incident.
    expect(evaluatePlan(planOf(stagingWith({ database: { migrations: "session" } }))).map((v) => v.rule)).toContain(
      "session-pool-capacity",
    );
  });

  it("keeps the direct endpoint's one server-wide pool whatever the user", () => {
    const plan = planOf(stagingWith({ database: { migrationUser: "chatwoot_migrator" } }));
    expect(plan.endpoints.migration).toMatchObject({ kind: "direct", user: "chatwoot_migrator" });
    expect(plan.budget.filter((p) => p.kind === "direct").map((p) => p.key)).toEqual(["direct db.hotdashstagingref0.supabase.co:5432"]);
  });

  it("defaults to the endpoint's user", () => {
    expect(planOf(stagingWith({})).endpoints.migration.user).toBe("postgres");
  });

  it.each([
    ["a bare role on a Supabase pooler", { migrations: "session", migrationUser: "chatwoot_migrator" }, `chatwoot_migrator.${REF}`],
    [
      "another project's ref on a Supabase pooler",
      { migrations: "session", migrationUser: "chatwoot_migrator.otherref" },
      `chatwoot_migrator.${REF}`,
    ],
    ["the pooler form on the direct endpoint", { migrationUser: `chatwoot_migrator.${REF}` }, "chatwoot_migrator"],
  ])("rejects %s, naming the key and the user to set", (_what, database, expected) => {
    const { config, issues } = validatePlain(stagingWith({ database }));
    expect(config).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ key: "chatwoot:database.migrationUser", fix: expect.stringContaining(expected) })]);
  });

  it.each([
    [
      "a bare role on the session pooler",
      { migrations: "session", migrationUser: "chatwoot_migrator" },
      `the migration uses Supabase's session pooler, which takes the user as <role>.<project-ref> (project ${REF}, from database.endpoints.session.user)`,
      `chatwoot_migrator.${REF}`,
    ],
    [
      "a pooler endpoint whose own user has no ref",
      { migrations: "session", migrationUser: "chatwoot_migrator", endpoints: { session: { host: POOLER, port: 5432, user: "postgres" } } },
      "the migration uses Supabase's session pooler, which takes the user as <role>.<project-ref>",
      "chatwoot_migrator.<project-ref>",
    ],
    [
      "the pooler form on the direct endpoint",
      { migrationUser: `chatwoot_migrator.${REF}` },
      "the migration uses the direct endpoint, which takes the bare role name (the <role>.<project-ref> form is for the poolers)",
      "chatwoot_migrator",
    ],
  ])("says what is wrong with %s and the exact user to set", (_what, database, message, user) => {
    const { issues } = validatePlain(stagingWith({ database }));
    expect(issues).toEqual([
      {
        key: "chatwoot:database.migrationUser",
        message,
        found: JSON.stringify(database.migrationUser),
        fix: `pulumi config set --path 'chatwoot:database.migrationUser' ${user}`,
      },
    ]);
  });

  it("refuses a ref without a role by its form, before the pooler check", () => {
    const { issues } = validatePlain(stagingWith({ database: { migrations: "session", migrationUser: `.${REF}` } }));
    expect(issues).toEqual([
      expect.objectContaining({ key: "chatwoot:database.migrationUser", message: expect.stringContaining("role name") }),
    ]);
  });

  it("accepts any role name for provider postgres", () => {
    const local = { host: "127.0.0.1", port: 6432, user: "chatwoot" };
    const raw = stagingWith({
      database: {
        provider: "postgres",
        computeSize: undefined,
        sslmode: "disable",
        endpoints: { direct: { ...local, port: 5432 }, session: local },
        migrations: "session",
        migrationUser: "migrator",
        limits: { poolSize: 15, maxConnections: 100 },
      },
    });
    expect(validatePlain(raw).issues).toEqual([]);
  });

  it("requires the role's password as a credential", () => {
    const config = validConfig(stagingWith({ database: { migrationUser: "chatwoot_migrator" } }));
    expect(missingCredentials(config, { ...STORAGE_KEYS, redisUrl: "redis://x", databasePassword: "p" })).toEqual([
      expect.objectContaining({
        key: "chatwoot:migrationDatabasePassword",
        fix: "pulumi config set --secret chatwoot:migrationDatabasePassword <value>",
      }),
    ]);
    expect(
      missingCredentials(config, { ...STORAGE_KEYS, redisUrl: "redis://x", databasePassword: "p", migrationDatabasePassword: "q" }),
    ).toEqual([]);
  });
});
