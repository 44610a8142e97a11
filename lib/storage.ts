/**
 * Where Chatwoot keeps attachments (Active Storage). Chatwoot's default service is `local`
 * (config/environments/production.rb at v4.14.0: ACTIVE_STORAGE_SERVICE, default local), which writes
 * under the app's storage/ directory: on Fly that is the machine's disk, replaced on every deploy,
 * restart and scale (chatwoot/chatwoot issues 6832, 1558, 1258). `s3_compatible` keeps them in a
 * bucket; its settings are Chatwoot's config/storage.yml (v4.14.0) `s3_compatible` entry:
 * STORAGE_ACCESS_KEY_ID, STORAGE_SECRET_ACCESS_KEY, STORAGE_REGION, STORAGE_BUCKET_NAME,
 * STORAGE_ENDPOINT, STORAGE_FORCE_PATH_STYLE.
 *
 * Recipes (docs/config.md, README): Tigris (`fly storage create`: endpoint https://fly.storage.tigris.dev,
 * region auto) and Supabase Storage's S3 endpoint (https://<ref>.supabase.co/storage/v1/s3, the
 * project's region, path style).
 */
import { configKey, NAMESPACE, type ConfigIssue } from "./config/issues";
import type { PlainConfig } from "./config/schema";
import { publicHttpAsHttps } from "./endpoints";

/** Env Chatwoot reads for storage; the stack sets them (plain ones in [env], keys as Fly secrets). */
export const STORAGE_PLAIN_ENV = [
  "ACTIVE_STORAGE_SERVICE",
  "STORAGE_BUCKET_NAME",
  "STORAGE_ENDPOINT",
  "STORAGE_REGION",
  "STORAGE_FORCE_PATH_STYLE",
] as const;
export const STORAGE_SECRET_ENV = ["STORAGE_ACCESS_KEY_ID", "STORAGE_SECRET_ACCESS_KEY"] as const;

/** The plain environment of the storage config. */
export function storageEnv(config: Pick<PlainConfig, "storage">): Record<string, string> {
  const s = config.storage;
  if (s.service === "local") return { ACTIVE_STORAGE_SERVICE: "local" };
  return {
    ACTIVE_STORAGE_SERVICE: "s3_compatible",
    // Required for s3_compatible (storageIssues); a config not validated yet may lack them, and then
    // sets no name rather than an empty one.
    ...(s.bucket === undefined ? {} : { STORAGE_BUCKET_NAME: s.bucket }),
    ...(s.endpoint === undefined ? {} : { STORAGE_ENDPOINT: s.endpoint }),
    STORAGE_REGION: s.region,
    STORAGE_FORCE_PATH_STYLE: String(s.forcePathStyle),
  };
}

/** Cross-key checks of storage: what s3_compatible needs, and no clear-text endpoint beyond this machine. */
export function storageIssues(config: Pick<PlainConfig, "storage">): ConfigIssue[] {
  const s = config.storage;
  if (s.service !== "s3_compatible") return [];
  const issues: ConfigIssue[] = [];
  for (const field of ["bucket", "endpoint"] as const) {
    if (s[field] !== undefined) continue;
    const key = configKey(["storage", field]);
    issues.push({
      key,
      message: `required for storage.service s3_compatible`,
      found: "nothing",
      fix: `pulumi config set --path '${key}' ${field === "bucket" ? "<bucket name>" : "https://fly.storage.tigris.dev (Tigris) or https://<ref>.supabase.co/storage/v1/s3 (Supabase)"}`,
    });
  }
  if (s.endpoint) {
    const https = publicHttpAsHttps(s.endpoint, new URL(s.endpoint));
    if (https) {
      const key = configKey(["storage", "endpoint"]);
      issues.push({
        key,
        message: "must be https for a host other than this machine: the keys and every attachment would cross the network in clear",
        found: JSON.stringify(s.endpoint),
        fix: `pulumi config set --path '${key}' ${https}`,
      });
    }
  }
  return issues;
}

/** Storage keys that s3_compatible needs as credentials. */
export function missingStorageCredentials(config: Pick<PlainConfig, "storage">, credentials: Record<string, unknown>): ConfigIssue[] {
  if (config.storage.service !== "s3_compatible") return [];
  return (["storageAccessKeyId", "storageSecretAccessKey"] as const)
    .filter((key) => credentials[key] === undefined)
    .map((key) => ({
      key: `${NAMESPACE}:${key}`,
      message: "required secret is missing: storage.service s3_compatible needs the bucket's access key",
      fix: `pulumi config set --secret ${NAMESPACE}:${key} <value>`,
    }));
}

/** A key of the storage section that holds a credential: credentials are accepted only as secret keys. */
const MISPLACED = /^chatwoot:storage\.(accessKeyId|secretAccessKey|accessKey|secretKey)$/;

/** Turns "unknown key" for a storage credential given as a plain value into the fix that keeps it secret. */
export function explainMisplacedStorageCredentials(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.map((issue) => {
    const match = MISPLACED.exec(issue.key);
    if (!match || issue.message !== "unknown key") return issue;
    const secretKey = match[1].startsWith("secret") ? "storageSecretAccessKey" : "storageAccessKeyId";
    return {
      key: issue.key,
      message: "holds a credential, which is accepted only as a secret key",
      fix: `pulumi config rm --path '${issue.key}', then pulumi config set --secret ${NAMESPACE}:${secretKey} <value> (and rotate the key: it was in the stack file)`,
    };
  });
}
