/**
 * The one typed contract between the program's Fly resources (components/) and the resource provider
 * that serves them (provider/): the provider's package name, each resource's type token, and the
 * properties each one takes and keeps in the state. Components reach provider/ only through this module.
 *
 * A resource served by the provider has a `read`: `pulumi refresh` records what Fly runs, and
 * `pulumi preview` compares the config against it, so a change made by hand on Fly shows as a diff.
 */
import type { Counts } from "./counts";

/** The provider plugin's package name: the engine runs `pulumi-resource-chatwoot-fly` (Pulumi.yaml `plugins`). */
export const FLY_PROVIDER_PACKAGE = "chatwoot-fly";

/** The provider's version (plain semver, as the engine requires of a plugin). */
export const FLY_PROVIDER_VERSION = "0.1.0";

/** Type token of a provider resource: the class name is its last part. */
const token = (className: string) => `${FLY_PROVIDER_PACKAGE}:index:${className}`;

/** How the provider reaches Fly: the properties every provider resource has. */
export interface FlyAccess {
  /** Fly app name. */
  app: string;
  /** flyctl executable (a name on PATH or a path). */
  flyctl: string;
  /** Seconds one flyctl call may run before it is stopped. */
  timeoutSeconds: number;
  /** Fly API token (a secret in the state). Absent: FLY_API_TOKEN of the environment the engine runs in. */
  apiToken?: string;
}

/** Machines per process group, as Fly runs them (read) and as the config wants them (create, update). */
export interface ProcessGroupCountsProps extends FlyAccess {
  /** Machines per process group. After a refresh: the machines Fly runs in each of these groups. */
  counts: Counts;
  /** Only lower the groups above their count; a group below it is left as it is. */
  downOnly: boolean;
}

export const PROCESS_GROUP_COUNTS_TYPE = token("ProcessGroupCounts");

/** The app's Fly secrets that the stack manages. */
export interface AppSecretsProps extends FlyAccess {
  /**
   * Every managed secret by env name, each value a secret in the state (the provider's check splits
   * the program's one secret map), so that a preview names the secret that changed. After a refresh,
   * a secret unset on Fly is missing, and one set there by hand holds CHANGED_ON_FLY.
   */
  values: Record<string, string>;
  /** secretsRevision of the values (lib/secretsImport.ts), computed by the provider's check; the rollout redeploys on it. */
  revision: string;
  /** Fly's digest of each managed secret (`fly secrets list`) as the last import left it. */
  digests: Record<string, string>;
}

export const APP_SECRETS_TYPE = token("AppSecrets");

/**
 * What a refresh puts in place of a value that Fly's digest says was changed by hand: a string no
 * secret can hold (a NUL byte, which config validation refuses), so it never equals the config's value.
 */
export const CHANGED_ON_FLY = "\0changed on Fly";

/**
 * How the state holds such a value: in plain text, where every other value is a secret, so that a
 * preview names the secret ("REDIS_URL: "changed on Fly by hand" => [secret]").
 */
export const CHANGED_ON_FLY_SHOWN = "changed on Fly by hand";

/** The Fly app, created when missing or adopted from its org. */
export interface AppProps extends FlyAccess {
  /** Fly organization slug. */
  org: string;
  /** Destroy the app when the resource is deleted (`pulumi destroy`); else it is left in place. */
  destroyOnDelete: boolean;
  /** Whether the app existed in the org before the stack (an output). */
  adopted?: boolean;
}

export const APP_TYPE = token("App");

/** What the app's process groups run: the image and the generated fly.toml, rolled out with `fly deploy`. */
export interface ReleaseProps extends FlyAccess {
  /** The image. After a refresh: the image the process groups run, several joined by ", " when they differ. */
  image: string;
  /** The generated fly.toml (lib/flyToml.ts). */
  flyToml: string;
  /** fly deploy --strategy. */
  strategy: string;
  /** Values whose change redeploys although image and fly.toml did not change (the secrets revision). */
  redeployOn: string;
  /** Deploy with --update-only (a process group is set to 0 machines). */
  updateOnly: boolean;
}

export const RELEASE_TYPE = token("Release");

/** Every type the provider serves. */
export const FLY_RESOURCE_TYPES: readonly string[] = [APP_TYPE, APP_SECRETS_TYPE, RELEASE_TYPE, PROCESS_GROUP_COUNTS_TYPE];

/**
 * The only properties of a provider resource that may hold a credential, or a digest of one; all are
 * secrets in the state. The rollout's redeployOn is the secrets revision.
 */
export const FLY_CREDENTIAL_PROPS: readonly string[] = ["apiToken", "values", "revision", "digests", "redeployOn"];

/** Of those, the maps whose each value is its own secret, so that a diff names the key that changed. */
export const PER_KEY_SECRET_PROPS: readonly string[] = ["values"];

/** The properties whose change means another resource: another app's machines are not these. */
export const PROCESS_GROUP_COUNTS_REPLACE_ON: ReadonlyArray<keyof ProcessGroupCountsProps> = ["app"];
