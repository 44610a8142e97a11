/**
 * Where the credentials of issue 13 flow in the whole program (pulumi.runtime.setMocks): the migration
 * role's URL, the secret env map and the storage keys reach Fly only through the staged secrets
 * (CHATWOOT_SECRETS, a Pulumi secret), never fly.toml or another plain input.
 */
import * as pulumi from "@pulumi/pulumi";
import { APP_SECRETS_TYPE, FLY_CREDENTIAL_PROPS, FLY_RESOURCE_TYPES } from "../../lib/flyResources";
import { stagingRaw } from "../support/configs";
import { engineConfig, runProgramUnderMocks, settled, type Transformed } from "../support/programUnderMocks";

const BASE_SECRETS: Record<string, string> = {
  databasePassword: "app-pa$$word-1",
  redisUrl: "rediss://default:redis-secret-77@redis.internal:6379",
  flyApiToken: "FlyV1 fm2_test-token-abcdefghijklmnop",
  storageAccessKeyId: "tid_storage-key-id-1",
  storageSecretAccessKey: "tsec_storage-secret-key-2",
};

const STDOUT: Record<string, string> = {
  "chatwoot-app-ensure": '{"name":"hotdash-chatwoot","org":"hotdash","adopted":false}',
  "chatwoot-secrets-import": '{"keys":["DATABASE_URL"],"revision":"rev-1"}',
  "chatwoot-migration-run": '{"image":"chatwoot/chatwoot:v4.14.0","exitCode":0,"machine":"m1","seconds":3}',
};

let transformed: Transformed[] = [];

/** Runs index.ts with plain keys patched over the staging stack and the given secret keys (values as the engine hands them). */
async function runProgram(plainPatch: Record<string, unknown>, secrets: Record<string, string>): Promise<void> {
  const allSecrets = { ...BASE_SECRETS, ...secrets };
  const run = await runProgramUnderMocks(
    engineConfig({ ...stagingRaw(), ...plainPatch }, allSecrets),
    Object.keys(allSecrets).map((k) => `chatwoot:${k}`),
    STDOUT,
  );
  transformed = run.transformed;
  if (run.failure) throw run.failure;
  await settled(run);
  await new Promise((r) => setTimeout(r, 50));
}

const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

/** The app's Fly secrets, as the program hands them to the provider's AppSecrets, and whether they travel as a Pulumi secret. */
async function stagedSecrets(): Promise<{ values: Record<string, string>; secret: boolean }> {
  const found = transformed.find((t) => t.type === APP_SECRETS_TYPE && t.name === "chatwoot-secrets-import");
  if (!found) throw new Error("no AppSecrets chatwoot-secrets-import");
  const out = pulumi.output(found.props.values as pulumi.Input<Record<string, string>>);
  return { values: await value(out), secret: await pulumi.isSecret(out) };
}

/** Every plain input of every Command and Fly provider resource, as text (the secrets left out). */
function plainInputs(): string {
  return JSON.stringify(
    transformed
      .filter((t) => t.type === "command:local:Command" || FLY_RESOURCE_TYPES.includes(t.type))
      .map((t) => {
        const props = { ...t.props };
        for (const key of FLY_CREDENTIAL_PROPS) delete props[key];
        const env = { ...(props.environment as Record<string, unknown> | undefined) };
        delete env.CHATWOOT_SECRETS;
        delete env.FLY_API_TOKEN;
        return { ...props, environment: env };
      }),
  );
}

describe("the migration's own role", () => {
  it("connects the migration as database.migrationUser with migrationDatabasePassword; the app keeps its own", async () => {
    const db = stagingRaw().database as Record<string, unknown>;
    await runProgram(
      { database: { ...db, migrations: "session", migrationUser: "chatwoot_migrator.hotdashstagingref0" } },
      { migrationDatabasePassword: "migrator-pa$$-2" },
    );
    const { values, secret } = await stagedSecrets();
    expect(secret).toBe(true);
    const migration = new URL(values.MIGRATION_DATABASE_URL);
    expect(decodeURIComponent(migration.username)).toBe("chatwoot_migrator.hotdashstagingref0");
    expect(decodeURIComponent(migration.password)).toBe("migrator-pa$$-2");
    expect(migration.host).toBe("aws-0-us-east-1.pooler.supabase.com:5432");
    const app = new URL(values.DATABASE_URL);
    expect(decodeURIComponent(app.username)).toBe("postgres.hotdashstagingref0");
    expect(decodeURIComponent(app.password)).toBe("app-pa$$word-1");
    expect(values.POSTGRES_PASSWORD).toBe("app-pa$$word-1");
    expect(plainInputs()).not.toContain("migrator-pa$$-2");
    // The migration re-runs when its role changes: the user is part of its trigger.
    expect(plainInputs()).toContain("chatwoot_migrator.hotdashstagingref0@aws-0-us-east-1.pooler.supabase.com:5432/postgres");
  });

  it("refuses a migration role without its password before registering anything", async () => {
    const db = stagingRaw().database as Record<string, unknown>;
    await expect(runProgram({ database: { ...db, migrationUser: "chatwoot_migrator" } }, {})).rejects.toThrow(
      "chatwoot:migrationDatabasePassword: required secret is missing",
    );
    expect(transformed).toEqual([]);
  });
});

describe("the secret env map", () => {
  it("stages SMTP_PASSWORD as a Fly secret beside the plain SMTP settings in fly.toml", async () => {
    const rails = {
      extraEnv: { SMTP_ADDRESS: "smtp.example.com", SMTP_USERNAME: "chatwoot", MAILER_SENDER_EMAIL: "Support <support@example.com>" },
    };
    await runProgram({ rails }, { secretEnv: JSON.stringify({ SMTP_PASSWORD: "smtp-hunter2-very-secret" }) });
    const { values, secret } = await stagedSecrets();
    expect(secret).toBe(true);
    expect(values.SMTP_PASSWORD).toBe("smtp-hunter2-very-secret");
    expect(values.DATABASE_URL).toBeDefined();
    const inputs = plainInputs();
    expect(inputs).not.toContain("smtp-hunter2-very-secret");
    expect(inputs).toContain("SMTP_ADDRESS");
  });

  it("refuses a secretEnv name the stack sets itself before registering anything", async () => {
    await expect(runProgram({}, { secretEnv: JSON.stringify({ DATABASE_URL: "postgres://x:y@h/d" }) })).rejects.toThrow(
      "chatwoot:secretEnv.DATABASE_URL: is set by the stack itself",
    );
    expect(transformed).toEqual([]);
  });
});

describe("the app's URLs", () => {
  it("stages FRONTEND_URL, and BACKEND_URL only when it is set (Chatwoot falls back to FRONTEND_URL)", async () => {
    await runProgram({}, {});
    expect((await stagedSecrets()).values).toMatchObject({ FRONTEND_URL: "https://support.staging.hotdash.example" });
    expect((await stagedSecrets()).values).not.toHaveProperty("BACKEND_URL");
    await runProgram({ backendUrl: "https://api.staging.hotdash.example" }, {});
    expect((await stagedSecrets()).values).toMatchObject({
      FRONTEND_URL: "https://support.staging.hotdash.example",
      BACKEND_URL: "https://api.staging.hotdash.example",
    });
  });
});
