/**
 * Config validation in one place: the schema, which keys must be secret, and the checks that span
 * several keys. Used by the Pulumi program (index.ts) and the offline checker.
 */
import { RESERVED_ENV_NAMES } from "../chatwoot";
import { isLocalHost, publicHttpAsHttps, STRICT_SSLMODES, supabaseModeOf } from "../endpoints";
import { memoryProblem, MEMORY_LIMITS, MIGRATION_GUEST } from "../flyMachineSizes";
import { parsePostgresUrl, PostgresUrlError } from "../postgresUrl";
import { CANNOT_CARRY, importProblem } from "../secretsImport";
import { migrationRoleIssues } from "../migrationRole";
import { stopSettingsIssues } from "../stopSettings";
import { explainMisplacedStorageCredentials, missingStorageCredentials, storageIssues } from "../storage";
import { findCredentials, isCredentialName } from "../credentials";
import { tomlString } from "../flyToml";
import { buildPlan } from "../plan";
import { ENV, envStringBytes, MAX_ENV_STRING_BYTES } from "../stepContract";
import { configKey, fromZodIssues, NAMESPACE, setCommand, type ConfigIssue } from "./issues";
import {
  plainConfigSchema,
  CREDENTIAL_KEYS,
  credentialsSchema,
  type PlainConfig,
  type CredentialKey,
  type CredentialValues,
} from "./schema";

/** A config value as found: its value when readable, and whether it is stored as a secret. */
export interface RawEntry {
  value: unknown;
  secret: boolean;
}

/** Own keys only: `constructor`, `toString` or `__proto__` are not credentials (`in` would say they are). */
const isCredentialKey = (key: string): key is CredentialKey => Object.hasOwn(CREDENTIAL_KEYS, key);

/** A map without a prototype: a `__proto__` key is then an ordinary (unknown) key, never the prototype. */
const emptyMap = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/**
 * Splits `chatwoot:*` entries into plain and secret values, rejecting a secret key stored in plaintext
 * and a plain key stored as a secret (the budget must be readable without the passphrase).
 */
export function splitEntries(entries: Record<string, RawEntry>): {
  plain: Record<string, unknown>;
  credentials: Record<string, unknown>;
  issues: ConfigIssue[];
} {
  const plain = emptyMap<unknown>();
  const credentials = emptyMap<unknown>();
  const issues: ConfigIssue[] = [];
  for (const [fullKey, entry] of Object.entries(entries)) {
    if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    if (isCredentialKey(key)) {
      if (!entry.secret) {
        issues.push({
          key: fullKey,
          message: "is stored in plaintext but holds a credential",
          fix: `pulumi config set --secret ${fullKey} <value> (then rotate the credential: it was in the stack file)`,
        });
      }
      credentials[key] = entry.value;
    } else if (entry.secret) {
      issues.push({
        key: fullKey,
        message: "is stored as a secret but must be plain so the connection budget is readable without the passphrase",
        fix: `pulumi config set --path ${fullKey} <value> (without --secret)`,
      });
    } else {
      plain[key] = entry.value;
    }
  }
  return { plain, credentials, issues };
}

/** Schema and cross-key checks of the plain config. */
export function validatePlain(raw: Record<string, unknown>): { config?: PlainConfig; issues: ConfigIssue[] } {
  const parsed = plainConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { issues: explainMisplacedStorageCredentials(fromZodIssues(parsed.error.issues, [], false)) };
  const issues = crossKeyIssues(parsed.data);
  if (issues.length === 0) issues.push(...stepInputIssues(parsed.data));
  return issues.length ? { issues } : { config: parsed.data, issues };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * The generated fly.toml reaches the deploy step as one environment variable, so rails.extraEnv,
 * its only part that grows without bound, must keep it within Linux's limit for one (MAX_ENV_STRING_BYTES):
 * past it the step cannot even start (E2BIG). Checked on the rendered file, after every other check.
 */
function stepInputIssues(config: PlainConfig): ConfigIssue[] {
  const bytes = envStringBytes(ENV.flyToml, buildPlan(config).flyToml);
  if (bytes <= MAX_ENV_STRING_BYTES) return [];
  const largest = Object.entries(config.rails.extraEnv)
    .map(([name, value]) => ({ name, bytes: envStringBytes(name, tomlString(value)) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3);
  return [
    {
      key: configKey(["rails", "extraEnv"]),
      message: `makes the generated fly.toml ${kib(bytes)}, over the ${kib(MAX_ENV_STRING_BYTES)} Linux allows one environment variable (MAX_ARG_STRLEN), which is how the deploy step receives it`,
      found: `largest: ${largest.map((l) => `${l.name} (${kib(l.bytes)})`).join(", ")}`,
      fix: `shorten or remove those values by ${kib(bytes - MAX_ENV_STRING_BYTES)} or more; data that large belongs in the image or a bucket, not in env`,
    },
  ];
}

/** Format checks of secret values; the values are never echoed. */
export function validateCredentials(raw: Record<string, unknown>): { credentials?: CredentialValues; issues: ConfigIssue[] } {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return { issues: fromZodIssues(parsed.error.issues, [], true) };
  const issues = importIssues(parsed.data);
  return issues.length ? { issues } : { credentials: parsed.data, issues };
}

/** The Fly secret each credential becomes as it is (components/chatwootDatabase.ts, chatwootDeployment.ts). */
const FLY_SECRET_OF = {
  databasePassword: "POSTGRES_PASSWORD",
  redisUrl: "REDIS_URL",
  storageAccessKeyId: "STORAGE_ACCESS_KEY_ID",
  storageSecretAccessKey: "STORAGE_SECRET_ACCESS_KEY",
} as const;

/**
 * Credentials that `fly secrets import` (flyctl's parser, lib/secretsImport.ts) cannot carry fail here,
 * naming the key, rather than at the secrets step of `pulumi up`.
 */
function importIssues(credentials: CredentialValues): ConfigIssue[] {
  const values: [string, string, string][] = [
    ...Object.entries(FLY_SECRET_OF).flatMap(([key, secret]): [string, string, string][] => {
      const value = credentials[key as keyof typeof FLY_SECRET_OF];
      return value === undefined ? [] : [[`${NAMESPACE}:${key}`, secret, value]];
    }),
    ...Object.entries(credentials.secretEnv ?? {}).map(([name, value]): [string, string, string] => [
      configKey(["secretEnv", name]),
      name,
      value,
    ]),
  ];
  return values.flatMap(([key, secret, value]) => {
    const why = importProblem(secret, value);
    return why === undefined
      ? []
      : [{ key, message: `${why}; ${CANNOT_CARRY}`, fix: `pulumi config set --secret --path '${key}' <another value>` }];
  });
}

function crossKeyIssues(config: PlainConfig): ConfigIssue[] {
  return [
    ...endpointIssues(config),
    ...limitIssues(config),
    ...envIssues(config),
    ...urlIssues(config),
    ...machineSizeIssues(config),
    ...stopSettingsIssues(config),
    ...migrationRoleIssues(config),
    ...storageIssues(config),
    ...plainCredentialIssues(config),
  ];
}

/** Every string of the plain config with its path (arrays by index). */
function plainStrings(value: unknown, path: string[] = []): Array<[string[], string]> {
  if (typeof value === "string") return [[path, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => plainStrings(inner, [...path, key]));
}

/**
 * Plain values are stored in the stack file and the state, and env ones land in fly.toml [env]: a
 * credential in one is refused, naming the key and the kind of credential, never the value.
 */
function plainCredentialIssues(config: PlainConfig): ConfigIssue[] {
  const secretEnvFix = (name: string) =>
    `pulumi config rm --path '${configKey(["rails", "extraEnv", name])}', then pulumi config set --secret --path '${configKey(["secretEnv", name])}' <value>; rotate it, it was in the stack file`;
  const byName = Object.keys(config.rails.extraEnv)
    .filter(isCredentialName)
    .map((name) => ({
      key: configKey(["rails", "extraEnv", name]),
      message: `${name} names a credential, and rails.extraEnv is plain text in the stack file, the state and fly.toml`,
      fix: secretEnvFix(name),
    }));
  const named = new Set(byName.map((i) => i.key));
  const byValue = plainStrings(config).flatMap(([path, value]) => {
    const key = configKey(path);
    const kinds = findCredentials(value);
    if (named.has(key) || kinds.length === 0) return [];
    // rails.extraEnv is the config's only extraEnv: its values move to secretEnv under the same name.
    const envName = path[1] === "extraEnv" ? path[2] : undefined;
    return [
      {
        key,
        message: `holds ${kinds.join(" and ")}; plain values are stored in the stack file and the state`,
        fix: envName
          ? secretEnvFix(envName)
          : `remove the credential from it (${setCommand(key, false)}); give it to the stack as a secret (docs/config.md lists the secret keys) and rotate it, it was in the stack file`,
      },
    ];
  });
  return [...byName, ...byValue];
}

/** Memory that Fly would refuse for the machine's CPUs fails here, not halfway through a deploy. */
function machineSizeIssues(config: PlainConfig): ConfigIssue[] {
  const sized = [
    ...Object.entries(config.processes).map(([group, g]) => ({ path: ["processes", group, "memoryMb"], ...g, kind: g.cpuKind })),
    { path: ["migration", "memoryMb"], memoryMb: config.migration.memoryMb, ...MIGRATION_GUEST },
  ];
  return sized.flatMap(({ path, memoryMb, kind, cpus }) => {
    const problem = memoryProblem(kind, cpus, memoryMb);
    if (!problem) return [];
    const { minPerCpuMb, maxPerCpuMb } = MEMORY_LIMITS[kind];
    return [
      {
        key: configKey(path),
        message: `Fly refuses this much memory: ${problem}`,
        found: String(memoryMb),
        fix: `pulumi config set --path '${configKey(path)}' <MB between ${minPerCpuMb * cpus} and ${maxPerCpuMb * cpus}>${path[0] === "processes" ? `, or raise processes.${path[1]}.cpus` : ""}`,
      },
    ];
  });
}

function endpointIssues(config: PlainConfig): ConfigIssue[] {
  const db = config.database;
  const issues: ConfigIssue[] = [];
  for (const role of ["app", "migrations"] as const) {
    const kind = db[role];
    if (!db.endpoints[kind]) {
      issues.push({
        key: configKey(["database", "endpoints", kind]),
        message: `database.${role} uses the ${kind} endpoint, which is not declared`,
        found: "nothing",
        fix: `declare database.endpoints.${kind} (host, port, user) or set database.${role} to a declared endpoint`,
      });
    }
  }
  if (db.admin.enabled && !db.endpoints.direct) {
    issues.push({
      key: configKey(["database", "admin", "enabled"]),
      message: "in-database management needs the direct endpoint",
      found: "true",
      fix: "declare database.endpoints.direct or set database.admin.enabled to false",
    });
  }
  for (const [kind, endpoint] of Object.entries(db.endpoints)) {
    if (!endpoint) continue;
    if (db.admin.enabled && endpoint.user !== db.admin.appRole && !endpoint.user.startsWith(`${db.admin.appRole}.`)) {
      issues.push({
        key: configKey(["database", "endpoints", kind, "user"]),
        message: `with database.admin.enabled the app connects as the managed role ${db.admin.appRole}`,
        found: JSON.stringify(endpoint.user),
        fix: `set it to ${db.admin.appRole} (direct) or ${db.admin.appRole}.<project-ref> (Supabase pooler)`,
      });
    }
    const implied = supabaseModeOf(endpoint.host, endpoint.port);
    if (implied && implied !== kind) {
      issues.push({
        key: configKey(["database", "endpoints", kind]),
        message: `declared as the ${kind} endpoint, but ${endpoint.host}:${endpoint.port} is Supabase's ${implied} endpoint`,
        found: `${endpoint.host}:${endpoint.port}`,
        fix: `move it to database.endpoints.${implied}, or use the ${kind} host/port (session pooler :5432, transaction pooler :6543, direct db.<ref>.supabase.co:5432)`,
      });
    }
    if (db.provider === "supabase" && !implied) {
      issues.push({
        key: configKey(["database", "endpoints", kind, "host"]),
        message: "is not a Supabase host (db.<ref>.supabase.co or *.pooler.supabase.com on 5432/6543)",
        found: `${endpoint.host}:${endpoint.port}`,
        fix: "use the host the Supabase dashboard (Connect) shows, or set database.provider to postgres",
      });
    }
    if (!isLocalHost(endpoint.host) && !STRICT_SSLMODES.includes(db.sslmode)) {
      issues.push({
        key: configKey(["database", "sslmode"]),
        message: `remote host ${endpoint.host} needs an encrypted connection`,
        found: JSON.stringify(db.sslmode),
        fix: `pulumi config set --path '${configKey(["database", "sslmode"])}' require (or verify-ca / verify-full)`,
      });
    }
  }
  return dedupe(issues);
}

function limitIssues(config: PlainConfig): ConfigIssue[] {
  const db = config.database;
  if (db.provider === "supabase" && !db.computeSize) {
    return [
      {
        key: configKey(["database", "computeSize"]),
        message: "required for provider supabase: the pool limits follow from it",
        found: "nothing",
        fix: `pulumi config set --path '${configKey(["database", "computeSize"])}' micro (the project's compute size: nano, micro, small, ...)`,
      },
    ];
  }
  if (db.computeSize) return [];
  const needed = { session: "poolSize", transaction: "maxClientConn", direct: "maxConnections" } as const;
  const used = new Set([db.app, db.migrations]);
  return [...used]
    .filter((kind) => db.limits[needed[kind]] === undefined)
    .map((kind) => ({
      key: configKey(["database", "limits", needed[kind]]),
      message: `the ${kind} endpoint is used but its limit is unknown (no computeSize)`,
      found: "nothing",
      fix: `pulumi config set --path '${configKey(["database", "limits", needed[kind]])}' <number>, or set database.computeSize`,
    }));
}

function envIssues(config: PlainConfig): ConfigIssue[] {
  return Object.keys(config.rails.extraEnv)
    .filter((name) => RESERVED_ENV_NAMES.includes(name))
    .map((name) => ({
      key: configKey(["rails", "extraEnv", name]),
      message: "is set by the stack itself (from other keys or as a secret)",
      found: JSON.stringify(name),
      fix: "remove it from rails.extraEnv; see docs/config.md for the key that sets it",
    }));
}

function urlIssues(config: PlainConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of ["frontendUrl", "backendUrl"] as const) {
    const value = config[key];
    if (!value) continue;
    const url = new URL(value);
    const https = publicHttpAsHttps(value, url);
    if (https) {
      // Never echoed when it holds a credential (plainCredentialIssues names that).
      const clean = findCredentials(value).length === 0;
      issues.push({
        key: configKey([key]),
        message: "must be https for a public host",
        ...(clean ? { found: JSON.stringify(value) } : {}),
        fix: `pulumi config set ${configKey([key])} ${clean ? https : `https://${url.host}${url.pathname}`}`,
      });
    }
  }
  return issues;
}

/**
 * A whole DSN given as a secret must point where the plain fields say, or the budget would describe
 * another pool than the one the app uses. Messages name fields, never the DSN.
 */
export function crossCheckDatabaseUrl(config: PlainConfig, databaseUrl: string): ConfigIssue[] {
  const key = `${NAMESPACE}:databaseUrl`;
  let parts;
  try {
    parts = parsePostgresUrl(databaseUrl, key);
  } catch (error) {
    if (error instanceof PostgresUrlError)
      return [
        {
          key,
          message: error.message.replace(`${key}: `, ""),
          fix: `pulumi config set --secret ${key} postgres://USER:PASSWORD@HOST:PORT/DATABASE`,
        },
      ];
    throw error;
  }
  const endpoint = config.database.endpoints[config.database.app];
  if (!endpoint) return [];
  const mismatches = (
    [
      ["host", parts.host, endpoint.host],
      ["port", parts.port, endpoint.port],
      ["user", parts.user, endpoint.user],
      ["database", parts.database, config.database.name],
    ] as const
  ).filter(([, actual, expected]) => actual !== expected);
  const issues: ConfigIssue[] = mismatches.map(([field, , expected]) => ({
    key,
    // The DSN is secret: name the field and the expected value, never what the DSN holds.
    message: `its ${field} differs from database.endpoints.${config.database.app} / database.name (expected ${expected})`,
    fix: `make the DSN and the plain fields agree (the plain fields drive the connection budget)`,
  }));
  if (parts.password === undefined) {
    issues.push({ key, message: "has no password", fix: `pulumi config set --secret ${key} postgres://USER:PASSWORD@HOST:PORT/DATABASE` });
  }
  return issues;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const id = `${i.key}|${i.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Secret keys that the stack needs whatever else is configured. */
export function missingCredentials(config: PlainConfig, credentials: Record<string, unknown>): ConfigIssue[] {
  const required: CredentialKey[] = ["redisUrl"];
  if (credentials.databaseUrl === undefined) required.push("databasePassword");
  if (config.database.admin.enabled) required.push("adminPassword");
  if (config.database.migrationUser) required.push("migrationDatabasePassword");
  return [
    ...required
      .filter((key) => credentials[key] === undefined)
      .map((key) => ({
        key: `${NAMESPACE}:${key}`,
        message: `required secret is missing: ${CREDENTIAL_KEYS[key].replace(/\.$/, "")}`,
        fix: `pulumi config set --secret ${NAMESPACE}:${key} <value>`,
      })),
    ...missingStorageCredentials(config, credentials),
  ];
}
