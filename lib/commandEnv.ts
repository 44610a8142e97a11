/**
 * The environment contract between the components and the step scripts (steps/). The components fill
 * these variables; the scripts read them. Only the names in SECRET_ENV_VARS may carry credentials, and
 * the components always pass them as Pulumi secrets; the policy pack checks every other one for
 * credentials. No Pulumi import.
 */
export const ENV = {
  flyctl: "CHATWOOT_FLYCTL",
  flyctlTimeout: "CHATWOOT_FLYCTL_TIMEOUT_SECONDS",
  app: "CHATWOOT_FLY_APP",
  org: "CHATWOOT_FLY_ORG",
  destroyOnDelete: "CHATWOOT_DESTROY_ON_DELETE",
  secrets: "CHATWOOT_SECRETS",
  flyToken: "FLY_API_TOKEN",
  image: "CHATWOOT_IMAGE",
  flyToml: "CHATWOOT_FLY_TOML",
  strategy: "CHATWOOT_STRATEGY",
  counts: "CHATWOOT_COUNTS",
  migration: "CHATWOOT_MIGRATION",
  rolloutInputs: "CHATWOOT_ROLLOUT_INPUTS",
} as const;

/** Env vars that carry credentials; always set from Pulumi secrets. */
export const SECRET_ENV_VARS: readonly string[] = [ENV.secrets, ENV.flyToken];

/** The one command line every step runs: a fixed string, no config value in it. */
export function stepCommand(step: string): string {
  if (!/^[a-z-]+$/.test(step)) throw new Error(`invalid step name ${step}`);
  return `node -r ts-node/register/transpile-only steps/main.ts ${step}`;
}
