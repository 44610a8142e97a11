import { formatIssue } from "../../lib/config/issues";
import { crossCheckDatabaseUrl, splitEntries, validatePlain, validateCredentials } from "../../lib/config/validate";
import { BAD_CONFIGS } from "../support/badConfigs";
import { stagingRaw, stagingWith, validConfig } from "../support/configs";

const firstIssue = (raw: Record<string, unknown>) => {
  const result = validatePlain(raw);
  expect(result.config).toBeUndefined();
  return result.issues.map(formatIssue).join("\n");
};

describe("plain config", () => {
  it("accepts the shipped staging stack and fills Chatwoot's defaults", () => {
    const config = validConfig(stagingRaw());
    expect(config.rails).toMatchObject({ railsMaxThreads: 5, webConcurrency: 0, sidekiqConcurrency: 10 });
    expect(config.migration.command).toEqual(["bundle", "exec", "rails", "db:chatwoot_prepare"]);
    expect(config.deploy).toEqual({ strategy: "rolling", healthCheckPath: "/health", internalPort: 3000, flyctlTimeoutSeconds: 1800 });
  });

  it.each(BAD_CONFIGS)("rejects %s, naming the key and the fix", (_what, patch, key, fragment) => {
    const text = firstIssue(stagingWith(patch));
    expect(text).toContain(`${key}:`);
    expect(text).toContain(fragment);
    expect(text).toContain("Fix:");
  });

  it("reports a missing required key as missing", () => {
    const raw = stagingRaw();
    delete raw.image;
    expect(firstIssue(raw)).toContain("chatwoot:image: required key is missing");
  });

  it("needs computeSize for Supabase and limits for plain PostgreSQL", () => {
    const noSize = stagingRaw();
    delete (noSize.database as Record<string, unknown>).computeSize;
    expect(firstIssue(noSize)).toContain("chatwoot:database.computeSize: required for provider supabase");
    const plain = stagingWith({
      database: {
        provider: "postgres",
        endpoints: {
          direct: { host: "127.0.0.1", port: 5432, user: "postgres" },
          session: { host: "127.0.0.1", port: 6432, user: "postgres" },
        },
      },
    });
    delete (plain.database as Record<string, unknown>).computeSize;
    expect(firstIssue(plain)).toContain("chatwoot:database.limits.poolSize");
  });
});

describe("secrets", () => {
  it("refuses a credential stored in plaintext without echoing it", () => {
    const { issues } = splitEntries({
      "chatwoot:redisUrl": { value: "redis://:hunter2hunter2@redis:6379", secret: false },
      "chatwoot:image": { value: "chatwoot/chatwoot:v4.14.0", secret: false },
    });
    expect(issues).toHaveLength(1);
    expect(formatIssue(issues[0])).toContain("chatwoot:redisUrl: is stored in plaintext");
    expect(JSON.stringify(issues)).not.toContain("hunter2");
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "treats chatwoot:%s as an unknown plain key, not as a credential",
    (name) => {
      const { plain, credentials, issues } = splitEntries({ [`chatwoot:${name}`]: { value: "x", secret: false } });
      expect(issues).toEqual([]);
      expect(Object.keys(credentials)).toEqual([]);
      expect(Object.keys(plain)).toEqual([name]);
      expect(validatePlain({ ...stagingRaw(), ...plain }).issues).toEqual([
        expect.objectContaining({ key: `chatwoot:${name}`, message: "unknown key" }),
      ]);
    },
  );

  it("never takes credentials from a chatwoot:__proto__ entry", () => {
    const smuggled = { redisUrl: "redis://:proto-pw@r:6379", databasePassword: "proto-db-pw" };
    for (const secret of [true, false]) {
      const { plain, credentials, issues } = splitEntries({ "chatwoot:__proto__": { value: smuggled, secret } });
      expect(Object.getPrototypeOf(credentials)).toBeNull();
      expect(Object.getPrototypeOf(plain)).toBeNull();
      expect((credentials as Record<string, unknown>).redisUrl).toBeUndefined();
      expect((plain as Record<string, unknown>).redisUrl).toBeUndefined();
      expect(validateCredentials(credentials).issues.map((i) => i.key)).toContain("chatwoot:redisUrl");
      if (secret) expect(issues.map((i) => i.key)).toEqual(["chatwoot:__proto__"]);
      expect(JSON.stringify(issues)).not.toContain("proto-pw");
    }
  });

  it("refuses a budget key stored as a secret (the budget must be readable without the passphrase)", () => {
    const { issues } = splitEntries({ "chatwoot:database": { value: {}, secret: true } });
    expect(issues[0].key).toBe("chatwoot:database");
    expect(issues[0].message).toContain("must be plain");
  });

  it("checks secret formats without echoing them", () => {
    const { issues } = validateCredentials({ redisUrl: "http://user:topsecret@x", secretKeyBase: "short-$ecret" });
    const text = issues.map(formatIssue).join("\n");
    expect(text).toContain("chatwoot:redisUrl");
    expect(text).toContain("chatwoot:secretKeyBase");
    expect(text).toContain("--secret");
    expect(text).not.toContain("topsecret");
    expect(text).not.toContain("short-$ecret");
  });

  it.each([
    [
      "databasePassword",
      { databasePassword: 'Xy9"""\nDATABASE_URL=postgres://attacker:pw@evil.example.com/postgres' },
      "chatwoot:databasePassword",
    ],
    ["redisUrl", { redisUrl: "redis://:pw@r:6379\u0000" }, "chatwoot:redisUrl"],
    ["storageSecretAccessKey", { storageSecretAccessKey: 'line1 #x\nabc"""\nlast' }, "chatwoot:storageSecretAccessKey"],
    ["secretEnv entry", { secretEnv: { SMTP_PASSWORD: 'a"#b\nc' } }, "chatwoot:secretEnv.SMTP_PASSWORD"],
  ])("refuses a %s that fly secrets import cannot carry, naming the key, never the value", (_what, values, key) => {
    const { issues } = validateCredentials({ redisUrl: "redis://x", ...values });
    expect(issues.map((i) => i.key)).toEqual([key]);
    expect(issues[0].message).toContain("fly secrets import cannot carry it");
    expect(issues[0].fix).toContain(`pulumi config set --secret`);
    const text = JSON.stringify(issues);
    for (const secret of ["attacker", "Xy9", ":pw@", "line1", 'a"#b']) expect(text).not.toContain(secret);
  });

  it("reports a DSN with a stray % as a config error naming the key, never the DSN", () => {
    const config = validConfig(stagingRaw());
    const dsn = "postgres://postgres.hotdashstagingref0:50%off-Secret@aws-0-us-east-1.pooler.supabase.com:5432/postgres";
    const issues = crossCheckDatabaseUrl(config, dsn);
    expect(issues).toEqual([
      expect.objectContaining({ key: "chatwoot:databaseUrl", message: expect.stringContaining("percent-encoding") }),
    ]);
    expect(JSON.stringify(issues)).not.toContain("off-Secret");
  });

  it("cross-checks a whole DSN against the plain endpoint fields", () => {
    const config = validConfig(stagingRaw());
    const good = "postgres://postgres.hotdashstagingref0:pw@aws-0-us-east-1.pooler.supabase.com:5432/postgres";
    expect(crossCheckDatabaseUrl(config, good)).toEqual([]);
    const wrongPort = crossCheckDatabaseUrl(config, good.replace(":5432/", ":6543/"));
    expect(wrongPort.map(formatIssue).join()).toContain("its port differs from database.endpoints.session / database.name (expected 5432)");
    const issues = crossCheckDatabaseUrl(
      config,
      "postgres://postgres.hotdashstagingref0@aws-0-us-east-1.pooler.supabase.com:5432/postgres",
    );
    expect(issues.map((i) => i.message)).toContain("has no password");
    expect(JSON.stringify(crossCheckDatabaseUrl(config, good.replace("pw", "s3cr3t").replace(":5432/", ":1/")))).not.toContain("s3cr3t");
  });
});
