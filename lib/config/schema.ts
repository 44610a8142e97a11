/**
 * The stack configuration (namespace `chatwoot`): one zod schema that validates config at the edge and
 * doubles as the config reference (docs/config.md is generated from it; a test keeps them in sync).
 *
 * Plain keys hold everything the connection budget needs, so the budget is readable without the
 * passphrase. Secret keys hold only credentials and are accepted only when stored as Pulumi secrets.
 */
import { z } from "zod";
import { CHATWOOT_EXTENSIONS } from "../preflight";
import { SUPABASE_COMPUTE_SIZES } from "../supabaseLimits";

// ---- scalar rules ---------------------------------------------------------------------------------

/** Fly app names: lowercase letters, digits and dashes (superfly/flyctl app name validation). */
const appName = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
  message: "expected lowercase letters, digits and dashes (1-63 chars, no leading or trailing dash)",
});

/** An OCI image reference: [registry[:port]/]repo[/repo...][:tag][@sha256:digest]. */
const imageRef = z
  .string()
  .regex(
    /^(?:[a-z0-9][a-z0-9.-]*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
    { message: "expected an image reference such as chatwoot/chatwoot:v4.14.0" },
  );

/** Fly region codes are three lowercase letters (fly platform regions). */
const region = z.string().regex(/^[a-z]{3}$/, { message: "expected a Fly region code such as iad" });

const hostName = z
  .string()
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[[0-9a-fA-F:]+\]$/, {
    message: "expected a DNS host name or an IP address",
  });

const port = z.number().int().min(1).max(65535);

/** Postgres role names as Supabase's poolers expect them (`postgres` or `postgres.<project-ref>`). */
const pgUser = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/, {
  message: "expected a PostgreSQL role name (letters, digits, _ . -)",
});

const envKey = z.string().regex(/^[A-Z][A-Z0-9_]*$/, { message: "expected an upper-case env var name" });

/** A value passed to a program as one argv item or one TOML string: printable, one line. */
const plainText = z.string().regex(/^[^\x00-\x1f\x7f]*$/, { message: "expected one line of printable text" });

const httpUrl = z.url({ protocol: /^https?$/, message: "expected an http(s) URL such as https://chat.example.com" });

// ---- sections -------------------------------------------------------------------------------------

export const appSchema = z
  .strictObject({
    name: appName.describe("Fly app name (global on Fly.io)."),
    org: z
      .string()
      .regex(/^[a-z0-9-]+$/, { message: "expected a Fly organization slug" })
      .default("personal")
      .describe("Fly organization slug that owns the app. The app is adopted if it already exists there."),
    primaryRegion: region.default("iad").describe("Fly primary region for machines."),
    destroyOnDelete: z
      .boolean()
      .default(false)
      .describe("When true, `pulumi destroy` runs `fly apps destroy`; by default the app is left in place."),
  })
  .describe("The Fly app.");

/** Defaults from Chatwoot's config/database.yml, config/puma.rb and config/sidekiq.yml. */
export const railsSchema = z
  .strictObject({
    railsMaxThreads: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(5)
      .describe("RAILS_MAX_THREADS: Puma threads and the DB pool of web (Chatwoot default 5)."),
    webConcurrency: z
      .number()
      .int()
      .min(0)
      .max(32)
      .default(0)
      .describe("WEB_CONCURRENCY: Puma worker processes (0 = single process, Chatwoot default)."),
    sidekiqConcurrency: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe("SIDEKIQ_CONCURRENCY: Sidekiq threads and the DB pool of worker (Chatwoot default 10)."),
    version: z
      .enum(["7.1+", "6.0-7.0"])
      .default("7.1+")
      .describe("Rails line of the image: 6.0.3-7.0 take the migration advisory lock on a second connection."),
    sidekiqShutdownTimeout: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(25)
      .describe(
        "Seconds Sidekiq waits for running jobs on SIGTERM before it pushes them back to Redis (sidekiq -t, SIDEKIQ_SHUTDOWN_TIMEOUT; Sidekiq default 25). Fly's kill_timeout becomes this plus 5 s (at least Puma's 30 s); Fly allows 300 s on shared CPUs.",
      ),
    installationEnv: plainText.default("fly").describe("INSTALLATION_ENV reported by Chatwoot."),
    enableAccountSignup: z.boolean().default(false).describe("ENABLE_ACCOUNT_SIGNUP."),
    extraEnv: z
      .record(envKey, plainText)
      .default({})
      .describe("Further non-secret env for every process (fly.toml [env]); credentials belong in secrets."),
  })
  .default({
    railsMaxThreads: 5,
    webConcurrency: 0,
    sidekiqConcurrency: 10,
    version: "7.1+",
    sidekiqShutdownTimeout: 25,
    installationEnv: "fly",
    enableAccountSignup: false,
    extraEnv: {},
  })
  .describe("Chatwoot runtime settings.");

const processGroupSchema = z.strictObject({
  count: z.number().int().min(0).max(100).default(1).describe("Machines in this process group."),
  memoryMb: z
    .number()
    .int()
    .min(256)
    .max(131072)
    .multipleOf(256, { message: "expected a multiple of 256 MB (Fly machine memory steps)" })
    .default(2048)
    .describe(
      "Memory per machine, in MB (fly.toml [[vm]] memory): 256-2048 per shared CPU, 2048-8192 per performance CPU (steps of 1024).",
    ),
  cpus: z
    .union([z.literal(1), z.literal(2), z.literal(4), z.literal(8), z.literal(16)])
    .default(1)
    .describe("CPUs per machine."),
  cpuKind: z.enum(["shared", "performance"]).default("shared").describe("Fly CPU kind."),
});

export const processesSchema = z
  .strictObject({
    web: processGroupSchema.default({ count: 1, memoryMb: 2048, cpus: 1, cpuKind: "shared" }).describe("Puma (web) machines."),
    worker: processGroupSchema.default({ count: 1, memoryMb: 2048, cpus: 1, cpuKind: "shared" }).describe("Sidekiq (worker) machines."),
  })
  .default({
    web: { count: 1, memoryMb: 2048, cpus: 1, cpuKind: "shared" },
    worker: { count: 1, memoryMb: 2048, cpus: 1, cpuKind: "shared" },
  })
  .describe("Machine count and size per process group.");

/** Default bound of one flyctl call: a rolling deploy of a few machines, each waiting for its checks. */
export const DEFAULT_FLYCTL_TIMEOUT_SECONDS = 1800;

export const DEPLOY_STRATEGIES = ["rolling", "immediate", "canary", "bluegreen"] as const;

export const deploySchema = z
  .strictObject({
    strategy: z.enum(DEPLOY_STRATEGIES).default("rolling").describe("fly deploy --strategy."),
    healthCheckPath: z
      .string()
      .regex(/^\/[A-Za-z0-9/_.-]*$/, { message: "expected an absolute URL path such as /health" })
      .default("/health")
      .describe("HTTP check path of web. Chatwoot serves /health (liveness) and /api (readiness); there is no /hc."),
    internalPort: port.default(3000).describe("PORT that Puma listens on (Chatwoot default 3000)."),
    flyctlTimeoutSeconds: z
      .number()
      .int()
      .min(10)
      .max(86400)
      .default(DEFAULT_FLYCTL_TIMEOUT_SECONDS)
      .describe(
        "How long one flyctl call may run before it is stopped and its step fails, so a hung flyctl cannot hold `pulumi up` and the stack lock. It bounds a whole `fly deploy` (which waits for each machine's checks); the migration's wait uses migration.timeoutSeconds instead.",
      ),
  })
  .default({ strategy: "rolling", healthCheckPath: "/health", internalPort: 3000, flyctlTimeoutSeconds: DEFAULT_FLYCTL_TIMEOUT_SECONDS })
  .describe("Rollout settings and how long flyctl may take.");

/**
 * Query parameters the app's DATABASE_URL may carry: Rails' connection flags (prepared_statements and
 * advisory_locks for a transaction pooler) and libpq timeouts. sslmode, host, user and password come
 * from their own keys, so they cannot be overridden (or leak) through here.
 */
export const APP_URL_PARAMS = ["prepared_statements", "advisory_locks", "connect_timeout", "application_name"] as const;

export const ENDPOINT_KINDS = ["direct", "session", "transaction"] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

const endpointSchema = z.strictObject({
  host: hostName.describe("Host name."),
  port: port.describe("Port."),
  user: pgUser.describe("Role name; Supabase poolers use postgres.<project-ref>."),
});

export const databaseSchema = z
  .strictObject({
    provider: z
      .enum(["supabase", "postgres"])
      .default("supabase")
      .describe("supabase checks Supabase host patterns; postgres is any PostgreSQL."),
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/)
      .default("postgres")
      .describe("Database name."),
    sslmode: z
      .enum(["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])
      .default("require")
      .describe("libpq sslmode; remote hosts need require or stricter."),
    computeSize: z
      .enum(SUPABASE_COMPUTE_SIZES)
      .optional()
      .describe("Supabase compute size; sets the pool limits (required for provider supabase)."),
    endpoints: z
      .strictObject({
        direct: endpointSchema.optional().describe("Direct connection (db.<ref>.supabase.co:5432)."),
        session: endpointSchema.optional().describe("Session-mode pooler (<pooler-host>:5432)."),
        transaction: endpointSchema.optional().describe("Transaction-mode pooler (<pooler-host>:6543)."),
      })
      .describe("The endpoints of the database; the key is the pool mode."),
    app: z.enum(ENDPOINT_KINDS).default("session").describe("Endpoint that web and worker use at runtime."),
    migrations: z.enum(ENDPOINT_KINDS).default("direct").describe("Endpoint the migration machine uses."),
    migrationUser: pgUser
      .optional()
      .describe(
        "Role the migration connects as on its endpoint (default: that endpoint's user); its password is the credential migrationDatabasePassword. On a Supabase pooler: <role>.<project-ref>. A pooler keeps a pool per user, so the migration gets its own pool.",
      ),
    dataApiHardened: z
      .boolean()
      .default(false)
      .describe(
        "Supabase: true once the project's Data API is disabled or no longer exposes the public schema, where Chatwoot's tables are (https://supabase.com/docs/guides/database/hardening-data-api); silences the supabase-data-api-exposure advisory.",
      ),
    urlParams: z
      .partialRecord(z.enum(APP_URL_PARAMS), z.string().regex(/^[A-Za-z0-9_.-]+$/))
      .default({})
      .describe("Query parameters added to the app's DATABASE_URL, e.g. prepared_statements=false."),
    limits: z
      .strictObject({
        poolSize: z.number().int().min(1).optional().describe("Pool size per pool (session-mode client cap)."),
        maxClientConn: z.number().int().min(1).optional().describe("Transaction-mode pooler client cap."),
        maxConnections: z.number().int().min(1).optional().describe("PostgreSQL max_connections."),
        reservedConnections: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe("Connections of max_connections kept for the platform (default 3)."),
      })
      .default({})
      .describe("Overrides of the limits that computeSize implies (required for provider postgres)."),
    admin: z
      .strictObject({
        enabled: z.boolean().default(false).describe("Manage the app role and extensions with @pulumi/postgresql."),
        user: pgUser.default("postgres").describe("Admin role used on the direct endpoint."),
        appRole: pgUser.default("chatwoot_app").describe("Dedicated role created for Chatwoot."),
      })
      .default({ enabled: false, user: "postgres", appRole: "chatwoot_app" })
      .describe("Optional in-database management (needs admin access and the postgresql plugin)."),
  })
  .describe("Where Chatwoot's PostgreSQL is and how it is reached.");

export const migrationSchema = z
  .strictObject({
    command: z
      .array(plainText.min(1))
      .min(1)
      .default(["bundle", "exec", "rails", "db:chatwoot_prepare"])
      .describe("Migration command (Chatwoot Procfile release line)."),
    memoryMb: z
      .number()
      .int()
      .min(256)
      .multipleOf(256)
      .default(1024)
      .describe("Memory of the migration machine (the chart's migrate job: 1000Mi)."),
    timeoutSeconds: z.number().int().min(30).max(7200).default(900).describe("How long the migration may run before it is stopped."),
    statementTimeout: z
      .string()
      .regex(/^[0-9]+(ms|s|min)$/, { message: "expected a PostgreSQL duration such as 600s" })
      .default("600s")
      .describe("POSTGRES_STATEMENT_TIMEOUT for the migration (Chatwoot's release line uses 600s)."),
    extensions: z
      .array(z.string().regex(/^[a-z0-9_]+$/, { message: "expected an extension name such as vector" }))
      .default([...CHATWOOT_EXTENSIONS])
      .describe(
        "Extensions the migration's role must have or be able to create on its endpoint, checked by `pulumi up` before any machine starts (Chatwoot's db/schema.rb enables these); [] skips the check.",
      ),
  })
  .default({
    command: ["bundle", "exec", "rails", "db:chatwoot_prepare"],
    memoryMb: 1024,
    timeoutSeconds: 900,
    statementTimeout: "600s",
    extensions: [...CHATWOOT_EXTENSIONS],
  })
  .describe("The one-off migration machine.");

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit (AWS S3 bucket naming rules). */
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "expected an S3 bucket name (3-63 lowercase letters, digits, . and -)" });

export const storageSchema = z
  .strictObject({
    service: z
      .enum(["local", "s3_compatible"])
      .default("local")
      .describe(
        "ACTIVE_STORAGE_SERVICE. local writes attachments to the machine's disk, which Fly replaces on every deploy (the attachments-off-machine-disk policy refuses it); s3_compatible keeps them in a bucket (Tigris, Supabase Storage, R2, S3). Keys: the credentials storageAccessKeyId and storageSecretAccessKey.",
      ),
    bucket: bucketName.optional().describe("STORAGE_BUCKET_NAME (required for s3_compatible)."),
    endpoint: z
      .url({ protocol: /^https?$/, message: "expected an http(s) URL such as https://fly.storage.tigris.dev" })
      .optional()
      .describe(
        "STORAGE_ENDPOINT (required for s3_compatible): https, or http only to this machine. Tigris: https://fly.storage.tigris.dev; Supabase: https://<ref>.supabase.co/storage/v1/s3.",
      ),
    region: z
      .string()
      .regex(/^[a-z0-9-]+$/, { message: "expected a region such as auto or us-east-1" })
      .default("auto")
      .describe("STORAGE_REGION (Tigris: auto; Supabase: the project's region)."),
    forcePathStyle: z
      .boolean()
      .default(false)
      .describe("STORAGE_FORCE_PATH_STYLE: bucket in the path, not the host name (Supabase Storage needs true)."),
  })
  .default({ service: "local", region: "auto", forcePathStyle: false })
  .describe("Where attachments are kept (Chatwoot's Active Storage; config/storage.yml s3_compatible).");

export const budgetSchema = z
  .strictObject({
    consoleReserve: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(1)
      .describe("Clients kept free on the app's pool for `fly ssh console` + `rails console`."),
    headroomPercent: z.number().int().min(1).max(100).default(80).describe("Advisory: a pool above this share of its limit is reported."),
  })
  .default({ consoleReserve: 1, headroomPercent: 80 })
  .describe("Connection budget settings of the policies.");

/** Every plain (non-secret) key under the `chatwoot` namespace. */
export const plainConfigSchema = z.strictObject({
  app: appSchema,
  image: imageRef.describe("Chatwoot image to deploy, e.g. chatwoot/chatwoot:v4.14.0."),
  flyctl: z
    .string()
    .regex(/^[A-Za-z0-9_./-]+$/, { message: "expected a command name or path without spaces or shell characters" })
    .default("flyctl")
    .describe("flyctl executable (name on PATH or a path)."),
  frontendUrl: httpUrl.describe("FRONTEND_URL: the public URL of Chatwoot."),
  backendUrl: httpUrl.optional().describe("BACKEND_URL, when it differs from FRONTEND_URL."),
  rails: railsSchema,
  processes: processesSchema,
  deploy: deploySchema,
  database: databaseSchema,
  migration: migrationSchema,
  budget: budgetSchema,
  storage: storageSchema,
});

/** Keys that are accepted only as Pulumi secrets (`pulumi config set --secret`). */
export const CREDENTIAL_KEYS = {
  databasePassword: "Password of the database role (all endpoints).",
  databaseUrl: "Optional whole DSN of the app endpoint; cross-checked against the plain endpoint fields.",
  redisUrl: "REDIS_URL (redis:// or rediss://).",
  secretKeyBase: "SECRET_KEY_BASE; generated (64+ alphanumeric chars) when not set.",
  flyApiToken: "Fly API token; FLY_API_TOKEN from the environment when not set.",
  adminPassword: "Password of database.admin.user (only with database.admin.enabled).",
  migrationDatabasePassword: "Password of database.migrationUser (required with it).",
  storageAccessKeyId: "STORAGE_ACCESS_KEY_ID of the attachments bucket (required with storage.service s3_compatible).",
  storageSecretAccessKey: "STORAGE_SECRET_ACCESS_KEY of the attachments bucket (required with storage.service s3_compatible).",
  secretEnv:
    "Further env of every process that must stay secret (SMTP_PASSWORD, SENTRY_DSN, ...), one key per variable: `pulumi config set --secret --path 'chatwoot:secretEnv.SMTP_PASSWORD' <value>`; each becomes a Fly secret. Names: upper-case env names the stack does not set itself.",
} as const;

export type CredentialKey = keyof typeof CREDENTIAL_KEYS;

/** Format rules of secret values; errors about them never echo the value. */
export const credentialsSchema = z.strictObject({
  databasePassword: z.string().min(1).optional(),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: "expected a postgres:// URL" })
    .optional(),
  redisUrl: z.string().regex(/^rediss?:\/\/\S+$/, { message: "expected a redis:// or rediss:// URL" }),
  secretKeyBase: z
    .string()
    .regex(/^[A-Za-z0-9]{64,}$/, { message: "expected at least 64 alphanumeric characters (e.g. `openssl rand -hex 64`)" })
    .optional(),
  flyApiToken: z.string().min(1).optional(),
  adminPassword: z.string().min(1).optional(),
  migrationDatabasePassword: z.string().min(1).optional(),
  storageAccessKeyId: z.string().min(1).optional(),
  storageSecretAccessKey: z.string().min(1).optional(),
  secretEnv: z
    .record(envKey, z.string().regex(/^[^\r\0]*$/, { message: "carriage returns and NUL bytes cannot pass through fly secrets import" }))
    .optional(),
});

export type PlainConfig = z.output<typeof plainConfigSchema>;
export type CredentialValues = z.output<typeof credentialsSchema>;
