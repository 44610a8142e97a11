/**
 * The Pulumi program under pulumi.runtime.setMocks: the resources and inputs each component
 * registers, their order, and where secrets flow.
 */
import * as pulumi from "@pulumi/pulumi";
import { FLY_CREDENTIAL_PROPS, FLY_RESOURCE_TYPES } from "../../lib/flyResources";
import { secretsRevision } from "../../lib/secretsImport";
import { BAD_CONFIGS } from "../support/badConfigs";
import { stagingRaw, stagingWith } from "../support/configs";
import { engineConfig, recordedResources, runProgramUnderMocks, type Registered, type Transformed } from "../support/programUnderMocks";

const SECRETS = {
  databasePassword: "db-pa$$ 'word\" #1",
  redisUrl: "rediss://default:redis-secret-77@redis.internal:6379",
  flyApiToken: "FlyV1 fm2_test-token-abcdefghijklmnop",
  storageAccessKeyId: "tid_storage-key-id-1",
  storageSecretAccessKey: "tsec_storage-secret-key-2",
};

let registered: Registered[] = [];
let transformed: Transformed[] = [];

const STDOUT: Record<string, string> = {
  "chatwoot-app-ensure": '{"name":"hotdash-chatwoot","org":"hotdash","adopted":false}',
  "chatwoot-migration-run": '{"image":"chatwoot/chatwoot:v4.14.0","exitCode":0,"machine":"m1","seconds":3}',
};

function configOf(plain: Record<string, unknown>): Record<string, string> {
  return engineConfig(plain, SECRETS);
}

function configFor(overrides: Record<string, unknown> = {}): Record<string, string> {
  return configOf({ ...stagingRaw(), ...overrides });
}

async function runProgram(config: Record<string, string>, secretKeys = Object.keys(SECRETS).map((k) => `chatwoot:${k}`)) {
  const run = await runProgramUnderMocks(config, secretKeys, STDOUT);
  registered = run.registered;
  transformed = run.transformed;
  if (run.failure) throw run.failure;
  return run.outputs;
}

/** A value as Pulumi serializes a secret: its signature key beside the value (encrypted in the engine's state). */
const secretOf = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
const command = (name: string) => {
  const found = transformed.find((t) => t.type === "command:local:Command" && t.name === name);
  if (!found) throw new Error(`no Command ${name}; have ${transformed.map((t) => t.name).join(", ")}`);
  return found;
};
/** The resources the chatwoot-fly provider serves, by name. */
const PROVIDER_RESOURCES = [
  "chatwoot-app-ensure",
  "chatwoot-secrets-import",
  "chatwoot-scale-down-scale",
  "chatwoot-rollout-deploy",
  "chatwoot-counts-scale",
];
const providerResource = (name: string) => {
  const found = transformed.find((t) => FLY_RESOURCE_TYPES.includes(t.type) && t.name === name);
  if (!found) throw new Error(`no provider resource ${name}; have ${transformed.map((t) => t.name).join(", ")}`);
  return found;
};
const appSecrets = () => providerResource("chatwoot-secrets-import");
/** The app's Fly secrets the program hands to the provider, and their revision as the provider's check computes it. */
const stagedValues = () => value(pulumi.output(appSecrets().props.values as pulumi.Input<Record<string, string>>));
const stagedRevision = async () => secretsRevision(await stagedValues());
const STAGED_KEYS = [
  "DATABASE_URL",
  "FRONTEND_URL",
  "MIGRATION_DATABASE_URL",
  "POSTGRES_DATABASE",
  "POSTGRES_HOST",
  "POSTGRES_PASSWORD",
  "POSTGRES_PORT",
  "POSTGRES_USERNAME",
  "REDIS_URL",
  "SECRET_KEY_BASE",
  "STORAGE_ACCESS_KEY_ID",
  "STORAGE_SECRET_ACCESS_KEY",
];
const dependsOnNames = (t: Transformed) =>
  ([] as pulumi.Resource[]).concat((t.opts.dependsOn as pulumi.Resource[]) ?? []).map((r) => (r as unknown as { __name: string }).__name);

describe("the program on the staging stack", () => {
  let outputs: Record<string, pulumi.Output<unknown>>;
  // Each test runs the program afresh (about 0.3 s): code that runs in a beforeAll belongs to no test,
  // and mutation testing (docs/testing.md) would then run every test for each change in it.
  beforeEach(async () => {
    outputs = await runProgram(configFor());
    await value(outputs.lastMigration);
    await new Promise((r) => setTimeout(r, 50));
  });

  it("registers one component per concern and a Command per step, each a child of the component that made it, named after it", () => {
    const records = recordedResources();
    expect(records.map((r) => `${r.name} ${r.qualifiedType}`).sort()).toEqual(
      [
        "chatwoot-fly-staging pulumi:pulumi:Stack",
        "chatwoot pulumi:pulumi:Stack$chatwoot:index:ChatwootDeployment",
        "chatwoot-app chatwoot:index:ChatwootDeployment$chatwoot:fly:FlyApp",
        "chatwoot-db chatwoot:index:ChatwootDeployment$chatwoot:database:ChatwootDatabase",
        "chatwoot-secret-key-base chatwoot:index:ChatwootDeployment$random:index/randomPassword:RandomPassword",
        "chatwoot-secrets chatwoot:index:ChatwootDeployment$chatwoot:fly:FlySecrets",
        "chatwoot-scale-down chatwoot:index:ChatwootDeployment$chatwoot:fly:MachineCounts",
        "chatwoot-migration chatwoot:index:ChatwootDeployment$chatwoot:fly:MigrationMachine",
        "chatwoot-rollout chatwoot:index:ChatwootDeployment$chatwoot:fly:FlyRollout",
        "chatwoot-counts chatwoot:index:ChatwootDeployment$chatwoot:fly:MachineCounts",
        "chatwoot-app-ensure chatwoot:fly:FlyApp$chatwoot-fly:index:App",
        "chatwoot-secrets-import chatwoot:fly:FlySecrets$chatwoot-fly:index:AppSecrets",
        "chatwoot-scale-down-scale chatwoot:fly:MachineCounts$chatwoot-fly:index:ProcessGroupCounts",
        "chatwoot-migration-run chatwoot:fly:MigrationMachine$command:local:Command",
        "chatwoot-rollout-deploy chatwoot:fly:FlyRollout$chatwoot-fly:index:Release",
        "chatwoot-counts-scale chatwoot:fly:MachineCounts$chatwoot-fly:index:ProcessGroupCounts",
      ].sort(),
    );
  });

  it("records each component's outputs in the state, the database settings as a secret", async () => {
    const outputsOf = (name: string) => recordedResources().find((r) => r.name === name)?.state;
    const migration = { image: "chatwoot/chatwoot:v4.14.0", exitCode: 0, machine: "m1", seconds: 3 };
    expect(Object.keys(outputsOf("chatwoot") ?? {}).sort()).toEqual(["appName", "budget", "image", "lastMigration", "url"]);
    expect(outputsOf("chatwoot")).toMatchObject({
      appName: "hotdash-chatwoot",
      url: "https://hotdash-chatwoot.fly.dev",
      lastMigration: migration,
    });
    expect(outputsOf("chatwoot-app")).toEqual({ name: "hotdash-chatwoot", adopted: false });
    expect(outputsOf("chatwoot-secrets")).toEqual({ revision: secretOf(await stagedRevision()), keys: STAGED_KEYS });
    expect(outputsOf("chatwoot-scale-down")).toEqual({ counts: { web: 1, worker: 1 } });
    expect(outputsOf("chatwoot-counts")).toEqual({ counts: { web: 1, worker: 1 } });
    expect(outputsOf("chatwoot-migration")).toEqual({ last: migration });
    expect(outputsOf("chatwoot-rollout")).toEqual({ image: "chatwoot/chatwoot:v4.14.0" });
    // The database settings stay encrypted in the state.
    expect(outputsOf("chatwoot-db")).toEqual({ secretEnv: secretOf(expect.objectContaining({ POSTGRES_PORT: "5432" })) });
  });

  it("orders the steps: secrets, lowered counts, the migration, the rollout, raised counts", () => {
    expect(dependsOnNames(transformed.find((t) => t.name === "chatwoot-scale-down")!)).toEqual(["chatwoot-secrets"]);
    expect(dependsOnNames(transformed.find((t) => t.name === "chatwoot-migration")!)).toEqual(["chatwoot-secrets", "chatwoot-scale-down"]);
    expect(dependsOnNames(transformed.find((t) => t.name === "chatwoot-rollout")!)).toEqual(["chatwoot-migration"]);
    expect(dependsOnNames(transformed.find((t) => t.name === "chatwoot-counts")!)).toEqual(["chatwoot-rollout"]);
  });

  it("types each component with its class name, and keeps its earlier type as an alias so that stacks made before stay in place", () => {
    const components = transformed.filter((t) => t.type.startsWith("chatwoot:"));
    expect(Object.fromEntries(components.map((t) => [t.name, [t.type, t.opts.aliases]]))).toEqual({
      chatwoot: ["chatwoot:index:ChatwootDeployment", [{ type: "chatwoot:index:Deployment" }]],
      "chatwoot-app": ["chatwoot:fly:FlyApp", [{ type: "chatwoot:fly:App" }]],
      "chatwoot-db": ["chatwoot:database:ChatwootDatabase", [{ type: "chatwoot:database:Database" }]],
      "chatwoot-secrets": ["chatwoot:fly:FlySecrets", [{ type: "chatwoot:fly:Secrets" }]],
      "chatwoot-scale-down": ["chatwoot:fly:MachineCounts", undefined],
      "chatwoot-migration": ["chatwoot:fly:MigrationMachine", [{ type: "chatwoot:fly:Migration" }]],
      "chatwoot-rollout": ["chatwoot:fly:FlyRollout", [{ type: "chatwoot:fly:Rollout" }]],
      "chatwoot-counts": ["chatwoot:fly:MachineCounts", undefined],
    });
  });

  it("runs fixed step command lines; every input travels in the environment", () => {
    const lines = Object.fromEntries(
      transformed
        .filter((t) => t.type === "command:local:Command")
        .map((t) => [t.name, { create: t.props.create, update: t.props.update, delete: t.props.delete, logging: t.props.logging }]),
    );
    const step = (name: string) => `node -r ts-node/register/transpile-only steps/main.ts ${name}`;
    // The one Command left: the migration runs again only on its triggers; an update keeps the last result.
    expect(lines).toEqual({
      "chatwoot-migration-run": { logging: "stderr", delete: undefined, create: step("migrate"), update: step("keep-result") },
    });
  });

  it("protects the generated SECRET_KEY_BASE: a new one would sign every user out", () => {
    const key = transformed.find((t) => t.name === "chatwoot-secret-key-base");
    expect(key?.opts.protect).toBe(true);
    // 128 letters and digits, as `rails secret` gives 128 hex digits: no character a shell or an env file would read.
    expect(key?.props).toEqual({ length: 128, special: false });
  });

  it("marks secrets secret wherever they flow: the app's secrets go to the provider as one secret map", async () => {
    const secrets = appSecrets();
    expect(await pulumi.isSecret(pulumi.output(secrets.props.values))).toBe(true);
    expect(await pulumi.isSecret(pulumi.output(secrets.props.apiToken))).toBe(true);
    expect(secrets.opts.aliases).toEqual([{ type: "command:local:Command" }]);
    const values = await stagedValues();
    expect(Object.keys(values).sort()).toEqual(STAGED_KEYS);
    expect(values.POSTGRES_PASSWORD).toBe(SECRETS.databasePassword);
    expect(values.DATABASE_URL).toBe(
      `postgres://postgres.hotdashstagingref0:${encodeURIComponent(SECRETS.databasePassword)}@aws-0-us-east-1.pooler.supabase.com:5432/postgres?sslmode=require`,
    );
    expect(values.MIGRATION_DATABASE_URL).toContain("@db.hotdashstagingref0.supabase.co:5432/postgres");
    expect(values.SECRET_KEY_BASE).toMatch(/^[A-Za-z0-9]{128}$/);
  });

  it("puts no secret value in a command line, trigger, plain env, plain provider input or the fly.toml", () => {
    const plainParts = transformed
      .map((t) => {
        if (FLY_RESOURCE_TYPES.includes(t.type))
          return JSON.stringify(Object.entries(t.props).filter(([key]) => !FLY_CREDENTIAL_PROPS.includes(key)));
        if (t.type !== "command:local:Command") return "";
        const env = { ...(t.props.environment as Record<string, unknown>) };
        delete env.CHATWOOT_SECRETS;
        delete env.FLY_API_TOKEN;
        return JSON.stringify([t.props.create, t.props.update, t.props.delete, t.props.triggers, env]);
      })
      .join("\n");
    for (const secret of [...Object.values(SECRETS), encodeURIComponent(SECRETS.databasePassword), "G".repeat(128)])
      expect(plainParts).not.toContain(secret);
    expect(plainParts).toContain("[processes]");
  });

  it("re-runs the migration only on image, command or endpoint changes (triggers)", () => {
    // An environment change alone (e.g. a rotated Fly token) keeps the previous result.
    expect(command("chatwoot-migration-run").props.update).toContain("steps/main.ts keep-result");
    expect(command("chatwoot-migration-run").props.triggers).toEqual([
      "chatwoot/chatwoot:v4.14.0",
      '["bundle","exec","rails","db:chatwoot_prepare"]',
      "postgres@db.hotdashstagingref0.supabase.co:5432/postgres",
    ]);
    const spec = JSON.parse((command("chatwoot-migration-run").props.environment as Record<string, string>).CHATWOOT_MIGRATION);
    expect(spec).toMatchObject({
      image: "chatwoot/chatwoot:v4.14.0",
      memoryMb: 1024,
      timeoutSeconds: 900,
      statementTimeout: "600s",
      region: "iad",
      endpoint: "direct db.hotdashstagingref0.supabase.co:5432",
    });
    // What the budget was computed from, for the step to check against the machines that run.
    expect(spec.budget.groups.map((g: { role: string; machines: number }) => [g.role, g.machines])).toEqual([
      ["web", 1],
      ["worker", 1],
    ]);
    expect(spec.budget.limits.session).toEqual({ limit: 15, source: expect.stringContaining("pool_size") });
  });

  it("passes the flyctl call limit to the migration step and to every provider resource", () => {
    expect((command("chatwoot-migration-run").props.environment as Record<string, string>).CHATWOOT_FLYCTL_TIMEOUT_SECONDS).toBe("1800");
    for (const name of PROVIDER_RESOURCES) expect(providerResource(name).props.timeoutSeconds).toBe(1800);
  });

  it("gives each provider resource its inputs and the Fly token as a secret; each takes over the Command of its name", () => {
    const access = { app: "hotdash-chatwoot", flyctl: "flyctl", timeoutSeconds: 1800, apiToken: secretOf(SECRETS.flyApiToken) };
    const stateOf = (name: string) => recordedResources().find((r) => r.name === name)?.state;
    expect(stateOf("chatwoot-app-ensure")).toEqual({ ...access, org: "hotdash", destroyOnDelete: false, adopted: false });
    expect(stateOf("chatwoot-scale-down-scale")).toEqual({ ...access, counts: { web: 1, worker: 1 }, downOnly: true });
    expect(stateOf("chatwoot-counts-scale")).toEqual({ ...access, counts: { web: 1, worker: 1 }, downOnly: false });
    for (const name of PROVIDER_RESOURCES) expect(providerResource(name).opts.aliases).toEqual([{ type: "command:local:Command" }]);
  });

  it("has the engine keep each provider resource's credentials and secret values secret in the state, whatever the provider answers", () => {
    const secretOutputs = Object.fromEntries(PROVIDER_RESOURCES.map((name) => [name, providerResource(name).opts.additionalSecretOutputs]));
    expect(secretOutputs).toEqual({
      "chatwoot-app-ensure": ["apiToken"],
      "chatwoot-secrets-import": ["apiToken", "values", "revision", "digests"],
      "chatwoot-scale-down-scale": ["apiToken"],
      "chatwoot-rollout-deploy": ["apiToken", "redeployOn"],
      "chatwoot-counts-scale": ["apiToken"],
    });
  });

  it("deploys the image and the generated fly.toml with the staging memory, and redeploys on a secrets revision", async () => {
    const release = recordedResources().find((r) => r.name === "chatwoot-rollout-deploy")?.state ?? {};
    expect(release).toMatchObject({ image: "chatwoot/chatwoot:v4.14.0", strategy: "rolling", updateOnly: false });
    expect(release.flyToml).toContain('memory = "2048mb"');
    expect(release.redeployOn).toEqual(secretOf(await stagedRevision()));
  });

  it("exports the URL, the budget per pool and the last migration", async () => {
    expect(await value(outputs.url as pulumi.Output<string>)).toBe("https://hotdash-chatwoot.fly.dev");
    expect(await value(outputs.connectionBudget as pulumi.Output<unknown[]>)).toEqual([
      {
        pool: "session aws-0-us-east-1.pooler.supabase.com:5432 user=postgres.hotdashstagingref0 db=postgres",
        mode: "session",
        peak: 15,
        limit: 15,
        steady: 15,
      },
      { pool: "direct db.hotdashstagingref0.supabase.co:5432", mode: "direct", peak: 16, limit: 57, steady: 15 },
    ]);
    expect(await value(outputs.lastMigration as pulumi.Output<{ exitCode: number }>)).toMatchObject({ exitCode: 0 });
  });
});

describe("config errors stop the program before any resource", () => {
  // index.ts calls loadStackConfig() before it constructs anything, so its error is the program's.
  async function loadWith(
    config: Record<string, string>,
    secretKeys = Object.keys(SECRETS).map((k) => `chatwoot:${k}`),
  ): Promise<Error | undefined> {
    registered.length = 0;
    pulumi.runtime.setAllConfig(config, secretKeys);
    const { loadStackConfig } = await import("../../config");
    try {
      loadStackConfig();
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }

  it.each(BAD_CONFIGS)("the whole program rejects %s before registering any resource", async (_what, patch, key) => {
    await expect(runProgram(configOf(stagingWith(patch)))).rejects.toThrow(`${key}:`);
    expect(registered).toEqual([]);
    expect(transformed).toEqual([]);
  });

  // [what, secret values, key named in the error, the credential in them that must not be printed]
  const BAD_SECRETS: Array<[string, Record<string, string>, string, string]> = [
    [
      "a DSN of another database kind",
      { databaseUrl: "mysql://root:dsn-pw-1@db.hotdashstagingref0.supabase.co:3306/x" },
      "chatwoot:databaseUrl",
      "dsn-pw-1",
    ],
    [
      "a DSN with a non-numeric port",
      { databaseUrl: "postgres://postgres:dsn-pw-2@db.hotdashstagingref0.supabase.co:pg/postgres" },
      "chatwoot:databaseUrl",
      "dsn-pw-2",
    ],
    ["a DSN with no host", { databaseUrl: "postgresql://postgres:dsn-pw-3@/postgres" }, "chatwoot:databaseUrl", "dsn-pw-3"],
    ["a Redis URL without its scheme", { redisUrl: "default:redis-pw-4@127.0.0.1:6379" }, "chatwoot:redisUrl", "redis-pw-4"],
    ["a short SECRET_KEY_BASE", { secretKeyBase: "short-key-5" }, "chatwoot:secretKeyBase", "short-key-5"],
    [
      "a DSN with a stray % in its password",
      { databaseUrl: "postgres://postgres.hotdashstagingref0:dsn-pw-6%zz@aws-0-us-east-1.pooler.supabase.com:5432/postgres" },
      "chatwoot:databaseUrl",
      "dsn-pw-6",
    ],
    [
      "a password that would inject another Fly secret",
      { databasePassword: 'db-pw-7"""\nDATABASE_URL=postgres://attacker:x@evil.example.com/postgres' },
      "chatwoot:databasePassword",
      "db-pw-7",
    ],
  ];

  it.each(BAD_SECRETS)("the whole program rejects %s without printing it", async (_what, secrets, key, credential) => {
    const config = { ...configFor(), ...Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`chatwoot:${k}`, v])) };
    const secretKeys = [...Object.keys(SECRETS), ...Object.keys(secrets)].map((k) => `chatwoot:${k}`);
    const error = await runProgram(config, secretKeys).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toContain(`${key}:`);
    expect(error?.message).not.toContain(credential);
    expect(registered).toEqual([]);
  });

  it("a credential stored in plaintext, without printing it", async () => {
    const error = await loadWith(configFor(), ["chatwoot:databasePassword", "chatwoot:flyApiToken"]);
    expect(error?.message).toContain("chatwoot:redisUrl: is stored in plaintext");
    expect(error?.message).not.toContain("redis-secret-77");
  });

  it("a whole DSN that points elsewhere than the plain fields", async () => {
    const config = {
      ...configFor(),
      "chatwoot:databaseUrl": "postgres://postgres.hotdashstagingref0:pw-9@aws-0-us-east-1.pooler.supabase.com:6543/postgres",
    };
    const error = await loadWith(
      config,
      [...Object.keys(SECRETS), "databaseUrl"].map((k) => `chatwoot:${k}`),
    );
    expect(error?.message).toContain(
      "chatwoot:databaseUrl: its port differs from database.endpoints.session / database.name (expected 5432)",
    );
    expect(error?.message).not.toContain("pw-9");
  });
});

describe("database admin", () => {
  it("creates the app role with the budget's connection limit, its grants and Chatwoot's extensions, all inside the database component", async () => {
    const overrides = {
      database: {
        ...(stagingRaw().database as Record<string, unknown>),
        endpoints: {
          direct: { host: "db.hotdashstagingref0.supabase.co", port: 5432, user: "chatwoot_app" },
          session: { host: "aws-0-us-east-1.pooler.supabase.com", port: 5432, user: "chatwoot_app.hotdashstagingref0" },
        },
        admin: { enabled: true },
      },
    };
    const config = { ...configFor(overrides), "chatwoot:adminPassword": "admin-secret-1" };
    await runProgram(
      config,
      [...Object.keys(SECRETS), "adminPassword"].map((k) => `chatwoot:${k}`),
    );
    await new Promise((r) => setTimeout(r, 50));
    const inDatabase = (type: string, state: Record<string, unknown>) => ({
      qualifiedType: `chatwoot:database:ChatwootDatabase$${type}`,
      state,
    });
    const byName = Object.fromEntries(
      recordedResources()
        .filter((r) => r.qualifiedType.includes("postgresql"))
        .map(({ name, qualifiedType, state }) => [name, { qualifiedType, state }]),
    );
    const grant = (extra: Record<string, unknown>) => ({ role: "chatwoot_app", database: "postgres", ...extra });
    expect(byName).toEqual({
      // Through the direct endpoint as the admin role, never as a superuser (Supabase has none to give).
      "chatwoot-db-admin": inDatabase("pulumi:providers:postgresql", {
        host: "db.hotdashstagingref0.supabase.co",
        port: "5432",
        database: "postgres",
        username: "postgres",
        password: secretOf("admin-secret-1"),
        sslmode: "require",
        superuser: "false",
        connectTimeout: "180",
      }),
      "chatwoot-db-app-role": inDatabase("postgresql:index/role:Role", {
        name: "chatwoot_app",
        login: true,
        password: secretOf(SECRETS.databasePassword),
        connectionLimit: 17,
      }),
      "chatwoot-db-app-grant": inDatabase(
        "postgresql:index/grant:Grant",
        grant({ objectType: "database", privileges: ["CONNECT", "CREATE", "TEMPORARY"] }),
      ),
      "chatwoot-db-app-schema-grant": inDatabase(
        "postgresql:index/grant:Grant",
        grant({ objectType: "schema", schema: "public", privileges: ["CREATE", "USAGE"] }),
      ),
      ...Object.fromEntries(
        ["pg_stat_statements", "pg_trgm", "pgcrypto", "vector"].map((name) => [
          `chatwoot-db-ext-${name}`,
          inDatabase("postgresql:index/extension:Extension", { name, database: "postgres" }),
        ]),
      ),
    });
  });
});

describe("a process group set to 0", () => {
  const updateOnly = () => providerResource("chatwoot-rollout-deploy").props.updateOnly;

  it("deploys with --update-only, so that flyctl gives that group no machine", async () => {
    const processes = structuredClone(stagingRaw().processes) as Record<string, Record<string, unknown>>;
    processes.worker.count = 0;
    await runProgram(configFor({ processes }));
    expect(updateOnly()).toBe(true);
  });

  it("deploys as usual when no group is at 0", async () => {
    await runProgram(configFor());
    expect(updateOnly()).toBe(false);
  });
});
