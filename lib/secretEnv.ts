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

/** Env names the stack sets itself from other keys: neither rails.extraEnv nor secretEnv may set them. */
export function stackSetEnvNames(): readonly string[] {
  return RESERVED_ENV_NAMES;
}

/** Problems with the names of secretEnv (never its values): names the stack sets, names also in rails.extraEnv. */
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
  return issues;
}
