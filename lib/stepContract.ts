/**
 * The one typed contract between the components (components/) and the step scripts (steps/) their
 * Commands run: the step names, the environment variables that carry each step's inputs, and the JSON
 * result each step prints. Components reach steps/ only through this module (a lint rule enforces it).
 *
 * Only the names in CREDENTIAL_ENV_VARS may carry credentials; the components always pass them as
 * Pulumi secrets, and the policy pack checks every other variable for credentials.
 */

import type { BudgetInput } from "./budget";

/** Every step `steps/main.ts` serves; a Command names one of these. */
export const STEP_NAMES = [
  "ensure-app",
  "destroy-app",
  "import-secrets",
  "migrate",
  // An update whose triggers did not change: the previous run's result stands.
  "keep-result",
  "deploy",
  "scale",
  "scale-down",
  // What Fly runs now, changing nothing: the provider's read of ProcessGroupCounts (lib/flyResources.ts).
  "read-counts",
  // Fly's digest of each managed secret, changing nothing: the provider's read of AppSecrets.
  "read-secrets",
  // Whether the app exists in its org: the provider's read of App.
  "read-app",
  // The images the app's process groups run: the provider's read of Release.
  "read-release",
] as const;

export type StepName = (typeof STEP_NAMES)[number];

export const ENV = {
  flyctl: "CHATWOOT_FLYCTL",
  flyctlTimeout: "CHATWOOT_FLYCTL_TIMEOUT_SECONDS",
  app: "CHATWOOT_FLY_APP",
  org: "CHATWOOT_FLY_ORG",
  destroyOnDelete: "CHATWOOT_DESTROY_ON_DELETE",
  /** The app's Fly secrets to stage, as a JSON object of name to value. */
  secrets: "CHATWOOT_SECRETS",
  /** Names of the secrets the stack set before (JSON array): those that left the config are unset. */
  managedSecrets: "CHATWOOT_MANAGED_SECRETS",
  /**
   * "1": apply the secrets now (every machine restarts) instead of staging them for the deploy. For
   * values set back after a change by hand, when no deploy follows.
   */
  secretsApplyNow: "CHATWOOT_SECRETS_APPLY_NOW",
  flyToken: "FLY_API_TOKEN",
  image: "CHATWOOT_IMAGE",
  flyToml: "CHATWOOT_FLY_TOML",
  strategy: "CHATWOOT_STRATEGY",
  counts: "CHATWOOT_COUNTS",
  migration: "CHATWOOT_MIGRATION",
  rolloutInputs: "CHATWOOT_ROLLOUT_INPUTS",
  /** "1" when a process group is set to 0 machines: the deploy must not give it one (--update-only). */
  deployUpdateOnly: "CHATWOOT_DEPLOY_UPDATE_ONLY",
} as const;

/**
 * Each step input is one environment variable, and Linux refuses to start a process (E2BIG) whose
 * argv or environment holds a string, `NAME=value` with its NUL, longer than MAX_ARG_STRLEN: 32 pages,
 * 131072 bytes with 4 KiB pages (include/uapi/linux/binfmts.h). Inputs that grow with config are
 * checked against it before anything runs (lib/config/validate.ts, lib/secretEnv.ts).
 */
export const MAX_ENV_STRING_BYTES = 32 * 4096;

/** The bytes `NAME=value` takes in a process's environment, its NUL included. */
export function envStringBytes(name: string, value: string): number {
  return new TextEncoder().encode(`${name}=${value}`).length + 1;
}

/**
 * The environment that tells a step how to reach Fly, for the Commands (values may be Outputs) and the
 * provider alike. Without a token, flyctl uses FLY_API_TOKEN of the environment it inherits.
 */
export function accessEnv<V>(access: { app: V; flyctl: string; timeoutSeconds: number; apiToken?: V }): Record<string, V | string> {
  const env: Record<string, V | string> = {
    [ENV.flyctl]: access.flyctl,
    [ENV.flyctlTimeout]: String(access.timeoutSeconds),
    [ENV.app]: access.app,
  };
  if (access.apiToken !== undefined) env[ENV.flyToken] = access.apiToken;
  return env;
}

/** Env vars that carry credentials; always set from Pulumi secrets. */
export const CREDENTIAL_ENV_VARS: readonly string[] = [ENV.secrets, ENV.flyToken];

/** How every step starts, from the project's root: fixed words, no config value among them. */
export function stepArgv(step: StepName): string[] {
  if (!STEP_NAMES.includes(step)) throw new Error(`invalid step name ${step}`);
  return ["node", "-r", "ts-node/register/transpile-only", "steps/main.ts", step];
}

/** The one command line a Command runs for a step (stepArgv as one string). */
export function stepCommand(step: StepName): string {
  return stepArgv(step).join(" ");
}

/** Result of `ensure-app`. */
export interface AppRecord {
  name: string;
  org: string;
  /** Whether the app existed in the org already. */
  adopted: boolean;
}

/** Result of `import-secrets`. */
export interface SecretsRecord {
  /** Names of the Fly secrets this stack manages. */
  keys: string[];
  /** A digest of the staged values: changes exactly when a value does (lib/secretsImport.ts secretsRevision). */
  revision: string;
  /** Fly's digest of each of them after the import (`fly secrets list`). */
  digests: Record<string, string>;
}

/** Result of `read-app` when the app is in its org. */
export type AppPresence = Pick<AppRecord, "name" | "org">;

/** What a read step prints when the app no longer exists on Fly (deleted by hand). */
export interface AppMissing {
  appMissing: true;
}

export const APP_MISSING: AppMissing = { appMissing: true };

export function isAppMissing(result: unknown): result is AppMissing {
  return typeof result === "object" && result !== null && (result as Partial<AppMissing>).appMissing === true;
}

/** Result of `read-release`: the distinct images the app's process-group machines run, sorted. */
export interface ReleaseObservation {
  images: string[];
}

/** Result of `read-secrets`: Fly's digest of each managed secret it has; a secret it lacks is absent. */
export interface SecretDigests {
  digests: Record<string, string>;
}

/** Machines per process group: the input of `scale`, `scale-down` and `read-counts`, and their result. */
export type { Counts } from "./counts";

/** How the migration machine runs; set by MigrationMachine from chatwoot:migration and the plan. */
export interface MigrationSettings {
  /** Image to migrate with: the image about to roll out. */
  image: string;
  /** Command to run. @default ["bundle","exec","rails","db:chatwoot_prepare"] (from chatwoot:migration.command) */
  command: string[];
  /** Memory of the machine in MB. @default 1024 */
  memoryMb: number;
  /** Seconds before the machine is stopped and the step fails. @default 900 */
  timeoutSeconds: number;
  /** POSTGRES_STATEMENT_TIMEOUT of the migration. @default "600s" (Chatwoot's release line) */
  statementTimeout: string;
  /** Region of the machine. @default the app's primary region */
  region: string;
}

/** What the migrate step reads from CHATWOOT_MIGRATION. */
export interface MigrationSpec extends MigrationSettings {
  /** Which endpoint the migration uses (kind host:port), for messages. */
  endpoint: string;
  /** What the connection budget was computed from: checked again against the machines that run before the migration starts. */
  budget: BudgetInput;
}

/** Result of `migrate`. */
export interface MigrationRecord {
  image: string;
  exitCode: number;
  machine: string;
  seconds: number;
}

/** Result of `deploy`. */
export interface RolloutRecord {
  image: string;
  strategy: string;
}
