/**
 * The config checks' issues word for word: the key, what is wrong, what was found and the command that
 * fixes it. Each case is the staging config with one mistake; the tests elsewhere find issues by key,
 * these pin what the operator reads.
 */
import { crossCheckDatabaseUrl, missingCredentials, splitEntries, validatePlain } from "../../lib/config/validate";
import { STAGING_TRANSACTION, stagingRaw, stagingWith, validConfig } from "../support/configs";

const issuesOf = (raw: Record<string, unknown>) => validatePlain(raw).issues;
const ROTATE = "rotate it, it was in the stack file";
const toSecretEnv = (name: string) =>
  `pulumi config rm --path 'chatwoot:rails.extraEnv.${name}', then pulumi config set --secret --path 'chatwoot:secretEnv.${name}' <value>; ${ROTATE}`;

describe("where a key is stored", () => {
  it("a credential stored in plaintext: store it as a secret, then rotate it", () => {
    expect(splitEntries({ "chatwoot:redisUrl": { value: "redis://h:6379", secret: false } }).issues).toEqual([
      {
        key: "chatwoot:redisUrl",
        message: "is stored in plaintext but holds a credential",
        fix: "pulumi config set --secret chatwoot:redisUrl <value> (then rotate the credential: it was in the stack file)",
      },
    ]);
  });

  it("a plain key stored as a secret: store it without --secret", () => {
    expect(splitEntries({ "chatwoot:image": { value: "chatwoot/chatwoot:v4.14.0", secret: true } }).issues).toEqual([
      {
        key: "chatwoot:image",
        message: "is stored as a secret but must be plain so the connection budget is readable without the passphrase",
        fix: "pulumi config set --path chatwoot:image <value> (without --secret)",
      },
    ]);
  });
});

describe("credentials in plain values", () => {
  it("an env name that names a credential", () => {
    expect(issuesOf(stagingWith({ rails: { extraEnv: { SMTP_PASSWORD: "x" } } }))).toContainEqual({
      key: "chatwoot:rails.extraEnv.SMTP_PASSWORD",
      message: "SMTP_PASSWORD names a credential, and rails.extraEnv is plain text in the stack file, the state and fly.toml",
      fix: toSecretEnv("SMTP_PASSWORD"),
    });
  });

  it("an env value that holds one, under a harmless name", () => {
    expect(issuesOf(stagingWith({ rails: { extraEnv: { SENTRY_URL: "https://admin:pw@sentry.example.com" } } }))).toEqual([
      {
        key: "chatwoot:rails.extraEnv.SENTRY_URL",
        message: "holds a URL with a password; plain values are stored in the stack file and the state",
        fix: toSecretEnv("SENTRY_URL"),
      },
    ]);
  });

  it("a value of a map outside the env that holds one: no secretEnv fix", () => {
    const token = `fm2_${"a".repeat(24)}`;
    expect(issuesOf(stagingWith({ database: { urlParams: { application_name: token } } }))).toEqual([
      {
        key: "chatwoot:database.urlParams.application_name",
        message: "holds a Fly API token; plain values are stored in the stack file and the state",
        fix: `remove the credential from it (pulumi config set --path 'chatwoot:database.urlParams.application_name' <value>); give it to the stack as a secret (docs/config.md lists the secret keys) and ${ROTATE}`,
      },
    ]);
  });

  it("a plain key outside the env that holds one", () => {
    expect(issuesOf(stagingWith({ frontendUrl: "https://admin:pw@support.example.com" }))).toContainEqual({
      key: "chatwoot:frontendUrl",
      message: "holds a URL with a password; plain values are stored in the stack file and the state",
      fix: `remove the credential from it (pulumi config set --path 'chatwoot:frontendUrl' <value>); give it to the stack as a secret (docs/config.md lists the secret keys) and ${ROTATE}`,
    });
  });
});

describe("machine sizes Fly refuses", () => {
  it("a process group: the range for its CPUs, or more CPUs", () => {
    expect(issuesOf(stagingWith({ processes: { web: { memoryMb: 4096 } } }))).toEqual([
      {
        key: "chatwoot:processes.web.memoryMb",
        message: "Fly refuses this much memory: 1 shared CPU(s) take 256-2048 MB",
        found: "4096",
        fix: "pulumi config set --path 'chatwoot:processes.web.memoryMb' <MB between 256 and 2048>, or raise processes.web.cpus",
      },
    ]);
  });

  it("a process group with 2 CPUs: the range scales with them", () => {
    expect(issuesOf(stagingWith({ processes: { web: { cpus: 2, memoryMb: 8192 } } }))).toEqual([
      {
        key: "chatwoot:processes.web.memoryMb",
        message: "Fly refuses this much memory: 2 shared CPU(s) take 512-4096 MB",
        found: "8192",
        fix: "pulumi config set --path 'chatwoot:processes.web.memoryMb' <MB between 512 and 4096>, or raise processes.web.cpus",
      },
    ]);
  });

  it("the migration machine: the range of its one shared CPU", () => {
    expect(issuesOf(stagingWith({ migration: { memoryMb: 4096 } }))).toEqual([
      {
        key: "chatwoot:migration.memoryMb",
        message: "Fly refuses this much memory: 1 shared CPU(s) take 256-2048 MB",
        found: "4096",
        fix: "pulumi config set --path 'chatwoot:migration.memoryMb' <MB between 256 and 2048>",
      },
    ]);
  });
});

describe("endpoints", () => {
  it("a role on an endpoint that is not declared", () => {
    expect(issuesOf(stagingWith({ database: { app: "transaction" } }))).toContainEqual({
      key: "chatwoot:database.endpoints.transaction",
      message: "database.app uses the transaction endpoint, which is not declared",
      found: "nothing",
      fix: "declare database.endpoints.transaction (host, port, user) or set database.app to a declared endpoint",
    });
  });

  it("in-database management without the direct endpoint", () => {
    const raw = stagingWith({ database: { migrations: "session", admin: { enabled: true } } });
    delete (raw.database as { endpoints: Record<string, unknown> }).endpoints.direct;
    expect(issuesOf(raw)).toContainEqual({
      key: "chatwoot:database.admin.enabled",
      message: "in-database management needs the direct endpoint",
      found: "true",
      fix: "declare database.endpoints.direct or set database.admin.enabled to false",
    });
  });

  it("in-database management with the app on another role", () => {
    expect(issuesOf(stagingWith({ database: { admin: { enabled: true } } }))).toContainEqual({
      key: "chatwoot:database.endpoints.session.user",
      message: "with database.admin.enabled the app connects as the managed role chatwoot_app",
      found: JSON.stringify("postgres.hotdashstagingref0"),
      fix: "set it to chatwoot_app (direct) or chatwoot_app.<project-ref> (Supabase pooler)",
    });
  });

  it("a Supabase endpoint declared as another kind", () => {
    const session = { host: "aws-0-us-east-1.pooler.supabase.com", port: 6543, user: "postgres.hotdashstagingref0" };
    expect(issuesOf(stagingWith({ database: { endpoints: { session } } }))).toContainEqual({
      key: "chatwoot:database.endpoints.session",
      message: "declared as the session endpoint, but aws-0-us-east-1.pooler.supabase.com:6543 is Supabase's transaction endpoint",
      found: "aws-0-us-east-1.pooler.supabase.com:6543",
      fix: "move it to database.endpoints.transaction, or use the session host/port (session pooler :5432, transaction pooler :6543, direct db.<ref>.supabase.co:5432)",
    });
  });

  it("a host that is not Supabase's on provider supabase", () => {
    const session = { host: "pgbouncer.internal.example", port: 5432, user: "postgres.hotdashstagingref0" };
    expect(issuesOf(stagingWith({ database: { endpoints: { session } } }))).toContainEqual({
      key: "chatwoot:database.endpoints.session.host",
      message: "is not a Supabase host (db.<ref>.supabase.co or *.pooler.supabase.com on 5432/6543)",
      found: "pgbouncer.internal.example:5432",
      fix: "use the host the Supabase dashboard (Connect) shows, or set database.provider to postgres",
    });
  });

  it("a remote host without an encrypted connection: each host once", () => {
    // The transaction pooler shares the session pooler's host: one issue for both.
    const issues = issuesOf(stagingWith({ database: { sslmode: "prefer", endpoints: { transaction: STAGING_TRANSACTION } } }));
    expect(issues.filter((i) => i.key === "chatwoot:database.sslmode")).toEqual([
      {
        key: "chatwoot:database.sslmode",
        message: "remote host db.hotdashstagingref0.supabase.co needs an encrypted connection",
        found: '"prefer"',
        fix: "pulumi config set --path 'chatwoot:database.sslmode' require (or verify-ca / verify-full)",
      },
      {
        key: "chatwoot:database.sslmode",
        message: "remote host aws-0-us-east-1.pooler.supabase.com needs an encrypted connection",
        found: '"prefer"',
        fix: "pulumi config set --path 'chatwoot:database.sslmode' require (or verify-ca / verify-full)",
      },
    ]);
  });
});

describe("limits", () => {
  it("Supabase without its compute size", () => {
    const raw = stagingRaw();
    delete (raw.database as Record<string, unknown>).computeSize;
    expect(issuesOf(raw)).toEqual([
      {
        key: "chatwoot:database.computeSize",
        message: "required for provider supabase: the pool limits follow from it",
        found: "nothing",
        fix: "pulumi config set --path 'chatwoot:database.computeSize' micro (the project's compute size: nano, micro, small, ...)",
      },
    ]);
  });

  it("an endpoint in use whose limit is unknown, without a compute size to read it from", () => {
    const raw = stagingWith({ database: { provider: "postgres" } });
    delete (raw.database as Record<string, unknown>).computeSize;
    const unknown = (kind: string, limit: string) => ({
      key: `chatwoot:database.limits.${limit}`,
      message: `the ${kind} endpoint is used but its limit is unknown (no computeSize)`,
      found: "nothing",
      fix: `pulumi config set --path 'chatwoot:database.limits.${limit}' <number>, or set database.computeSize`,
    });
    expect(issuesOf(raw)).toEqual([unknown("session", "poolSize"), unknown("direct", "maxConnections")]);
  });
});

describe("env and URLs", () => {
  it("an env name the stack sets itself", () => {
    expect(issuesOf(stagingWith({ rails: { extraEnv: { REDIS_URL: "redis://h" } } }))).toContainEqual({
      key: "chatwoot:rails.extraEnv.REDIS_URL",
      message: "is set by the stack itself (from other keys or as a secret)",
      found: '"REDIS_URL"',
      fix: "remove it from rails.extraEnv; see docs/config.md for the key that sets it",
    });
  });

  it.each(["http://support.example.com/app", "HTTP://support.example.com/app"])(
    "a public URL over http, %s: its https form",
    (frontendUrl) => {
      expect(issuesOf(stagingWith({ frontendUrl }))).toEqual([
        {
          key: "chatwoot:frontendUrl",
          message: "must be https for a public host",
          found: JSON.stringify(frontendUrl),
          fix: "pulumi config set chatwoot:frontendUrl https://support.example.com/app",
        },
      ]);
    },
  );

  it("a public URL over http that holds a credential: its https form without it, and nothing shown", () => {
    expect(issuesOf(stagingWith({ frontendUrl: "http://admin:hunter2@support.example.com/app?x=1" }))).toContainEqual({
      key: "chatwoot:frontendUrl",
      message: "must be https for a public host",
      fix: "pulumi config set chatwoot:frontendUrl https://support.example.com/app",
    });
  });
});

describe("a whole DSN given as chatwoot:databaseUrl", () => {
  const DSN_FIX = "pulumi config set --secret chatwoot:databaseUrl postgres://USER:PASSWORD@HOST:PORT/DATABASE";
  const POOLER = "aws-0-us-east-1.pooler.supabase.com";
  const check = (dsn: string) => crossCheckDatabaseUrl(validConfig(stagingRaw()), dsn);

  it("one that does not parse: the parser's reason without the key twice", () => {
    expect(check(`postgres://postgres.hotdashstagingref0:50%off@${POOLER}:5432/postgres`)).toEqual([
      { key: "chatwoot:databaseUrl", message: "invalid percent-encoding in its password; write a literal % as %25", fix: DSN_FIX },
    ]);
  });

  it("one that points elsewhere than the plain fields, and has no password", () => {
    expect(check(`postgres://postgres.hotdashstagingref0@${POOLER}:6543/postgres`)).toEqual([
      {
        key: "chatwoot:databaseUrl",
        message: "its port differs from database.endpoints.session / database.name (expected 5432)",
        fix: "make the DSN and the plain fields agree (the plain fields drive the connection budget)",
      },
      { key: "chatwoot:databaseUrl", message: "has no password", fix: DSN_FIX },
    ]);
  });
});

describe("missing secrets", () => {
  const local = () => validConfig(stagingWith({ storage: { service: "local" } }));

  it("each named with its description, without the description's full stop", () => {
    expect(missingCredentials(local(), {})).toEqual([
      {
        key: "chatwoot:redisUrl",
        message: "required secret is missing: REDIS_URL (redis:// or rediss://)",
        fix: "pulumi config set --secret chatwoot:redisUrl <value>",
      },
      {
        key: "chatwoot:databasePassword",
        message: "required secret is missing: Password of the database role (all endpoints)",
        fix: "pulumi config set --secret chatwoot:databasePassword <value>",
      },
    ]);
  });

  it("the migration role's password with database.migrationUser: only the full stop at the end goes", () => {
    const config = validConfig(stagingWith({ storage: { service: "local" }, database: { migrationUser: "chatwoot_migrator" } }));
    expect(missingCredentials(config, { redisUrl: "redis://h", databasePassword: "p" })).toEqual([
      {
        key: "chatwoot:migrationDatabasePassword",
        message: "required secret is missing: Password of database.migrationUser (required with it)",
        fix: "pulumi config set --secret chatwoot:migrationDatabasePassword <value>",
      },
    ]);
  });

  it("no database password when a whole DSN carries it", () => {
    expect(missingCredentials(local(), { redisUrl: "redis://h", databaseUrl: "postgres://u:p@h/db" })).toEqual([]);
  });
});
