/**
 * CI's one source of the stack's credentials: the secrets of a GitHub environment, handed to the job
 * as environment variables and written into the stack config by `npm run ci-secrets` (tools/ci-secrets),
 * always as Pulumi secrets and through stdin. This module names the variable of each credential key
 * and turns an environment into config writes; the workflows and the docs list the same names.
 */
import { CREDENTIAL_KEYS, type CredentialKey } from "./schema";
import { configKey, type ConfigIssue } from "./issues";

/** The Fly token is read from FLY_API_TOKEN by flyctl itself; the deploy job sets that variable. */
const NOT_WRITTEN: readonly CredentialKey[] = ["flyApiToken"];

/** Credential keys CI writes into the stack config. */
export const CI_SECRET_KEYS = (Object.keys(CREDENTIAL_KEYS) as CredentialKey[]).filter((k) => !NOT_WRITTEN.includes(k));

/** `databasePassword` → `CHATWOOT_DATABASE_PASSWORD`; `secretEnv` holds a JSON object of NAME to value. */
export function ciSecretVariable(key: CredentialKey): string {
  return `CHATWOOT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export interface ConfigWrite {
  /** Config key, e.g. `chatwoot:redisUrl` or `chatwoot:secretEnv.SMTP_PASSWORD` (a --path key). */
  key: string;
  value: string;
  /** The variable it came from (for the tool's report; never the value). */
  from: string;
}

/**
 * The config writes for the variables that are set (an empty variable counts as unset: GitHub hands
 * an undefined secret to a job as ""). A malformed CHATWOOT_SECRET_ENV is an issue that never shows
 * its value.
 */
export function ciSecretWrites(env: Readonly<Record<string, string | undefined>>): { writes: ConfigWrite[]; issues: ConfigIssue[] } {
  const writes: ConfigWrite[] = [];
  const issues: ConfigIssue[] = [];
  for (const key of CI_SECRET_KEYS) {
    const from = ciSecretVariable(key);
    const value = env[from];
    if (!value) continue;
    if (key !== "secretEnv") {
      writes.push({ key: configKey([key]), value, from });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      // Not JSON: refused below, as a value that is not an object.
    }
    const entries = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? Object.entries(parsed) : undefined;
    if (!entries || entries.some(([, v]) => typeof v !== "string")) {
      issues.push({
        key: from,
        message: `${from} must hold a JSON object of env name to string value`,
        fix: `set the secret ${from} to e.g. {"SMTP_PASSWORD": "<value>"}`,
      });
      continue;
    }
    for (const [name, v] of entries) writes.push({ key: configKey([key, name]), value: v as string, from: `${from}.${name}` });
  }
  return { writes, issues };
}
