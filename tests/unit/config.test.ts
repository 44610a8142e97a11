import { formatIssue } from "../../lib/config/issues";
import { crossCheckDatabaseUrl, splitEntries, validatePlain, validateSecrets } from "../../lib/config/validate";
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
    expect(config.deploy).toEqual({ strategy: "rolling", healthCheckPath: "/health", internalPort: 3000 });
  });

  // [what, patch, key named in the error, fragment of the message]
  const BAD: Array<[string, Record<string, unknown>, string, string]> = [
    ["app name with a shell metacharacter", { app: { name: "chat;rm -rf /" } }, "chatwoot:app.name", "lowercase letters"],
    ["app name with $()", { app: { name: "$(id)" } }, "chatwoot:app.name", '"$(id)"'],
    ["app name upper case", { app: { name: "Chatwoot" } }, "chatwoot:app.name", "lowercase"],
    ["app name too long", { app: { name: "a".repeat(64) } }, "chatwoot:app.name", "1-63"],
    ["app name as a number", { app: { name: 42 } }, "chatwoot:app.name", "expected string"],
    ["org with spaces", { app: { org: "my org" } }, "chatwoot:app.org", "organization slug"],
    ["region with backticks", { app: { primaryRegion: "`id`" } }, "chatwoot:app.primaryRegion", "region code"],
    ["region too long", { app: { primaryRegion: "iad1" } }, "chatwoot:app.primaryRegion", "region code"],
    ["destroyOnDelete as string", { app: { destroyOnDelete: "yes" } }, "chatwoot:app.destroyOnDelete", "expected boolean"],
    ["unknown key in app", { app: { nmae: "x" } }, "chatwoot:app.nmae", "unknown key"],
    ["unknown top-level key", { imagee: "x" }, "chatwoot:imagee", "unknown key"],
    ["image with a space", { image: "chatwoot/chatwoot:v4 && curl x" }, "chatwoot:image", "image reference"],
    ["image with a semicolon", { image: "chatwoot/chatwoot;id" }, "chatwoot:image", "image reference"],
    ["image with newline", { image: "chatwoot/chatwoot\n:v1" }, "chatwoot:image", "image reference"],
    ["flyctl path with a space", { flyctl: "/opt/my fly/flyctl" }, "chatwoot:flyctl", "shell characters"],
    ["flyctl with $()", { flyctl: "$(curl x)" }, "chatwoot:flyctl", "shell characters"],
    ["frontendUrl not a URL", { frontendUrl: "support.example.com" }, "chatwoot:frontendUrl", "http(s) URL"],
    ["frontendUrl ftp", { frontendUrl: "ftp://example.com" }, "chatwoot:frontendUrl", "http(s) URL"],
    ["frontendUrl plain http on a public host", { frontendUrl: "http://support.example.com" }, "chatwoot:frontendUrl", "https"],
    ["railsMaxThreads zero", { rails: { railsMaxThreads: 0 } }, "chatwoot:rails.railsMaxThreads", ">=1"],
    ["railsMaxThreads fractional", { rails: { railsMaxThreads: 2.5 } }, "chatwoot:rails.railsMaxThreads", "int"],
    ["railsMaxThreads as string", { rails: { railsMaxThreads: "5" } }, "chatwoot:rails.railsMaxThreads", "expected number"],
    ["webConcurrency negative", { rails: { webConcurrency: -1 } }, "chatwoot:rails.webConcurrency", ">=0"],
    ["sidekiqConcurrency huge", { rails: { sidekiqConcurrency: 1000 } }, "chatwoot:rails.sidekiqConcurrency", "<=100"],
    ["unknown rails version", { rails: { version: "5.2" } }, "chatwoot:rails.version", "7.1+"],
    ["extraEnv lower-case key", { rails: { extraEnv: { lower: "x" } } }, "chatwoot:rails.extraEnv.lower", "upper-case"],
    ["extraEnv value with newline", { rails: { extraEnv: { SMTP_ADDRESS: "a\nb" } } }, "chatwoot:rails.extraEnv.SMTP_ADDRESS", "one line"],
    [
      "extraEnv overriding a secret",
      { rails: { extraEnv: { DATABASE_URL: "x" } } },
      "chatwoot:rails.extraEnv.DATABASE_URL",
      "set by the stack",
    ],
    [
      "extraEnv overriding threads",
      { rails: { extraEnv: { RAILS_MAX_THREADS: "9" } } },
      "chatwoot:rails.extraEnv.RAILS_MAX_THREADS",
      "set by the stack",
    ],
    ["memory not a multiple of 256", { processes: { web: { memoryMb: 1000 } } }, "chatwoot:processes.web.memoryMb", "multiple of 256"],
    ["memory too small", { processes: { worker: { memoryMb: 128 } } }, "chatwoot:processes.worker.memoryMb", ">=256"],
    ["count negative", { processes: { web: { count: -1 } } }, "chatwoot:processes.web.count", ">=0"],
    ["cpus 3", { processes: { web: { cpus: 3 } } }, "chatwoot:processes.web.cpus", "cpus"],
    ["unknown cpu kind", { processes: { web: { cpuKind: "gpu" } } }, "chatwoot:processes.web.cpuKind", "shared"],
    ["unknown process group", { processes: { sidekiq: { count: 1 } } }, "chatwoot:processes.sidekiq", "unknown key"],
    ["unknown strategy", { deploy: { strategy: "yolo" } }, "chatwoot:deploy.strategy", "rolling"],
    ["check path without slash", { deploy: { healthCheckPath: "health" } }, "chatwoot:deploy.healthCheckPath", "absolute URL path"],
    ["check path with a quote", { deploy: { healthCheckPath: '/health"; rm' } }, "chatwoot:deploy.healthCheckPath", "absolute URL path"],
    ["port out of range", { deploy: { internalPort: 70000 } }, "chatwoot:deploy.internalPort", "<=65535"],
    ["unknown db provider", { database: { provider: "rds" } }, "chatwoot:database.provider", "supabase"],
    ["unknown compute size", { database: { computeSize: "tiny" } }, "chatwoot:database.computeSize", "micro"],
    ["unknown sslmode", { database: { sslmode: "on" } }, "chatwoot:database.sslmode", "require"],
    ["sslmode disable on a remote host", { database: { sslmode: "disable" } }, "chatwoot:database.sslmode", "encrypted connection"],
    [
      "endpoint host with a space",
      { database: { endpoints: { direct: { host: "db x.supabase.co", port: 5432, user: "postgres" } } } },
      "chatwoot:database.endpoints.direct.host",
      "host name",
    ],
    [
      "endpoint port as string",
      { database: { endpoints: { direct: { host: "db.hotdashstagingref0.supabase.co", port: "5432", user: "postgres" } } } },
      "chatwoot:database.endpoints.direct.port",
      "expected number",
    ],
    [
      "endpoint user with a quote",
      { database: { endpoints: { direct: { host: "db.hotdashstagingref0.supabase.co", port: 5432, user: "post'gres" } } } },
      "chatwoot:database.endpoints.direct.user",
      "role name",
    ],
    [
      "endpoint missing port",
      { database: { endpoints: { transaction: { host: "aws-0-us-east-1.pooler.supabase.com", user: "postgres.hotdashstagingref0" } } } },
      "chatwoot:database.endpoints.transaction.port",
      "missing",
    ],
    [
      "session slot holding the transaction port",
      {
        database: {
          endpoints: { session: { host: "aws-0-us-east-1.pooler.supabase.com", port: 6543, user: "postgres.hotdashstagingref0" } },
        },
      },
      "chatwoot:database.endpoints.session",
      "Supabase's transaction endpoint",
    ],
    [
      "direct slot holding the pooler",
      { database: { endpoints: { direct: { host: "aws-0-us-east-1.pooler.supabase.com", port: 5432, user: "postgres" } } } },
      "chatwoot:database.endpoints.direct",
      "Supabase's session endpoint",
    ],
    [
      "supabase provider with a foreign host",
      { database: { endpoints: { direct: { host: "db.example.com", port: 5432, user: "postgres" } } } },
      "chatwoot:database.endpoints.direct.host",
      "not a Supabase host",
    ],
    ["app on an undeclared endpoint", { database: { app: "transaction" } }, "chatwoot:database.endpoints.transaction", "not declared"],
    ["migrations on an unknown kind", { database: { migrations: "replica" } }, "chatwoot:database.migrations", "direct"],
    [
      "url param with a quote",
      { database: { urlParams: { prepared_statements: "fal'se" } } },
      "chatwoot:database.urlParams.prepared_statements",
      "Invalid",
    ],
    [
      "url param overriding sslmode",
      { database: { urlParams: { sslmode: "disable" } } },
      "chatwoot:database.urlParams.sslmode",
      "unknown key",
    ],
    [
      "url param carrying a password",
      { database: { urlParams: { password: "x" } } },
      "chatwoot:database.urlParams.password",
      "unknown key",
    ],
    ["migration command empty", { migration: { command: [] } }, "chatwoot:migration.command", ">=1"],
    [
      "migration command with newline",
      { migration: { command: ["rails", "db:migrate\nrm -rf /"] } },
      "chatwoot:migration.command.1",
      "one line",
    ],
    ["migration timeout too short", { migration: { timeoutSeconds: 5 } }, "chatwoot:migration.timeoutSeconds", ">=30"],
    ["statement timeout without unit", { migration: { statementTimeout: "600" } }, "chatwoot:migration.statementTimeout", "600s"],
    ["headroom 0", { budget: { headroomPercent: 0 } }, "chatwoot:budget.headroomPercent", ">=1"],
  ];

  it.each(BAD)("rejects %s, naming the key and the fix", (_what, patch, key, fragment) => {
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

  it("refuses a budget key stored as a secret (the budget must be readable without the passphrase)", () => {
    const { issues } = splitEntries({ "chatwoot:database": { value: {}, secret: true } });
    expect(issues[0].key).toBe("chatwoot:database");
    expect(issues[0].message).toContain("must be plain");
  });

  it("checks secret formats without echoing them", () => {
    const { issues } = validateSecrets({ redisUrl: "http://user:topsecret@x", secretKeyBase: "short-$ecret" });
    const text = issues.map(formatIssue).join("\n");
    expect(text).toContain("chatwoot:redisUrl");
    expect(text).toContain("chatwoot:secretKeyBase");
    expect(text).toContain("--secret");
    expect(text).not.toContain("topsecret");
    expect(text).not.toContain("short-$ecret");
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
