/**
 * chatwoot:secretEnv: further environment that must stay secret (SMTP_PASSWORD, SENTRY_DSN, storage
 * keys of another service, ...). Each entry becomes a Fly secret through the same staged
 * `fly secrets import` as the stack's own, so it never lands in fly.toml [env], argv or plain state.
 * Set one entry with `pulumi config set --secret --path 'chatwoot:secretEnv.NAME' <value>`.
 *
 * Chatwoot's mail settings (config/initializers/mailer.rb at v4.14.0): SMTP_ADDRESS, SMTP_PORT,
 * SMTP_DOMAIN, SMTP_USERNAME, SMTP_AUTHENTICATION, SMTP_ENABLE_STARTTLS_AUTO,
 * SMTP_OPENSSL_VERIFY_MODE, SMTP_SSL, SMTP_TLS are plain (rails.extraEnv); SMTP_PASSWORD belongs here.
 * MAILER_SENDER_EMAIL (the mailers' `default from`) is plain.
 */
import { RESERVED_ENV_NAMES } from "./chatwoot";
import { configKey, NAMESPACE, type ConfigIssue } from "./config/issues";
import type { PlainConfig } from "./config/schema";
import { MAX_ENV_STRING_BYTES } from "./stepContract";

/**
 * secretEnv's share of the secrets step's one input variable (CHATWOOT_SECRETS, a JSON object), whose
 * whole is capped by MAX_ENV_STRING_BYTES: a quarter stays for the stack's own secrets (DATABASE_URL,
 * REDIS_URL, SECRET_KEY_BASE, ...; under 2 KiB with Supabase's URLs and a 128-character key base).
 */
export const SECRET_ENV_MAX_BYTES = (MAX_ENV_STRING_BYTES * 3) / 4;

/** Env names the stack sets itself from other keys: neither rails.extraEnv nor secretEnv may set them. */
export function stackSetEnvNames(): readonly string[] {
  return RESERVED_ENV_NAMES;
}

/**
 * Problems with secretEnv that never show its values: names the stack sets, names also in
 * rails.extraEnv, and a total size the secrets step could not receive.
 */
export function secretEnvIssues(config: Pick<PlainConfig, "rails">, secretEnv: Record<string, string> | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const name of Object.keys(secretEnv ?? {})) {
    const key = `${NAMESPACE}:secretEnv.${name}`;
    if (stackSetEnvNames().includes(name)) {
      issues.push({
        key,
        message: "is set by the stack itself (from other keys or as a secret)",
        fix: `pulumi config rm --path '${key}'; docs/config.md names the key that sets ${name}`,
      });
    }
    if (name in config.rails.extraEnv) {
      issues.push({
        key,
        message: `is also a plain value in rails.extraEnv; one name, one place`,
        fix: `pulumi config rm --path '${configKey(["rails", "extraEnv", name])}' (keep the secret)`,
      });
    }
  }
  const bytes = new TextEncoder().encode(JSON.stringify(secretEnv ?? {})).length;
  if (bytes > SECRET_ENV_MAX_BYTES) {
    issues.push({
      key: `${NAMESPACE}:secretEnv`,
      message: `holds ${bytes} bytes as JSON, over its ${SECRET_ENV_MAX_BYTES}: the secrets step receives every secret in one environment variable, which Linux caps at ${MAX_ENV_STRING_BYTES} bytes (MAX_ARG_STRLEN)`,
      fix: "shorten or remove the largest values; a secret that large belongs in a bucket the app reads, not in env",
    });
  }
  return issues;
}
