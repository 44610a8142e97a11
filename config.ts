/**
 * The program's edge: reads the `chatwoot:*` stack config once, validates it with the shared schema
 * (lib/config) and fails before any resource is registered. Credentials are wrapped as Outputs
 * marked secret the moment they are read.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./lib/config/issues";
import type { PlainConfig, CredentialValues } from "./lib/config/schema";
import {
  crossCheckDatabaseUrl,
  missingCredentials,
  splitEntries,
  validatePlain,
  validateCredentials,
  type RawEntry,
} from "./lib/config/validate";
import { parsePostgresUrl } from "./lib/postgresUrl";
import { secretEnvIssues } from "./lib/secretEnv";

export interface StackConfig {
  config: PlainConfig;
  credentials: {
    databasePassword: pulumi.Output<string>;
    redisUrl: pulumi.Output<string>;
    secretKeyBase?: pulumi.Output<string>;
    flyApiToken?: pulumi.Output<string>;
    adminPassword?: pulumi.Output<string>;
    migrationDatabasePassword?: pulumi.Output<string>;
    secretEnv?: pulumi.Output<Record<string, string>>;
    storageAccessKeyId?: pulumi.Output<string>;
    storageSecretAccessKey?: pulumi.Output<string>;
  };
}

/**
 * Whether a config key is stored as a secret. @pulumi/pulumi keeps this check internal (it drives the
 * "use getSecret" warning of pulumi.Config), so it is reached through its module and verified.
 */
function isConfigSecret(key: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  if (typeof runtimeConfig.isConfigSecret !== "function")
    throw new Error("this @pulumi/pulumi version does not expose isConfigSecret; pin the version in package.json");
  return runtimeConfig.isConfigSecret(key);
}

/** Structured config arrives as JSON text; plain strings stay strings. */
function decode(text: string): unknown {
  if (!/^[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function loadStackConfig(): StackConfig {
  const entries: Record<string, RawEntry> = {};
  for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
    entries[key] = { value: decode(text), secret: isConfigSecret(key) };
  }
  const split = splitEntries(entries);
  const plain = validatePlain(split.plain);
  const checked = validateCredentials(split.credentials);
  const issues = [...split.issues, ...plain.issues, ...checked.issues];
  if (plain.config) issues.push(...missingCredentials(plain.config, split.credentials));
  if (plain.config && checked.credentials) issues.push(...secretEnvIssues(plain.config, checked.credentials.secretEnv));
  if (plain.config && checked.credentials?.databaseUrl)
    issues.push(...crossCheckDatabaseUrl(plain.config, checked.credentials.databaseUrl));
  if (issues.length || !plain.config || !checked.credentials) throw new ConfigError(issues);
  return { config: plain.config, credentials: wrapCredentials(checked.credentials) };
}

function wrapCredentials(values: CredentialValues): StackConfig["credentials"] {
  const wrap = (value: string | undefined) => (value === undefined ? undefined : pulumi.secret(value));
  // A whole DSN, when given, supplies the password (its other parts were cross-checked above).
  const password =
    values.databasePassword ?? (values.databaseUrl ? parsePostgresUrl(values.databaseUrl, "chatwoot:databaseUrl").password : undefined);
  return {
    databasePassword: pulumi.secret(password ?? ""),
    redisUrl: pulumi.secret(values.redisUrl),
    secretKeyBase: wrap(values.secretKeyBase),
    flyApiToken: wrap(values.flyApiToken),
    adminPassword: wrap(values.adminPassword),
    migrationDatabasePassword: wrap(values.migrationDatabasePassword),
    secretEnv: values.secretEnv === undefined ? undefined : pulumi.secret(values.secretEnv),
    storageAccessKeyId: wrap(values.storageAccessKeyId),
    storageSecretAccessKey: wrap(values.storageSecretAccessKey),
  };
}
