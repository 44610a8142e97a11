/**
 * What the provider's diff decides for each Fly resource (provider/): the config against the state,
 * which after `pulumi refresh` is what Fly runs. Plain values in, plain answer out.
 */
import { countChanges } from "./counts";
import {
  PROCESS_GROUP_COUNTS_REPLACE_ON,
  type AppProps,
  type AppSecretsProps,
  type FlyAccess,
  type ProcessGroupCountsProps,
  type ReleaseProps,
} from "./flyResources";

export interface FlyDiff {
  /** Whether `pulumi up` must act: an update, or a replacement when `replaces` is not empty. */
  changes: boolean;
  /** The properties whose change means another resource. */
  replaces: string[];
}

const ACCESS_KEYS: ReadonlyArray<keyof FlyAccess> = ["flyctl", "timeoutSeconds", "apiToken"];

/** Whether a new way to reach Fly came in (the state must keep it for the next read). */
const accessChanged = (olds: FlyAccess, news: FlyAccess) => ACCESS_KEYS.some((key) => olds[key] !== news[key]);

/** Whether two maps hold the same keys with the same values. */
function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/**
 * ProcessGroupCounts: a group that runs another count than the config wants (only one above it with
 * `downOnly`) is a change; so is a new way to reach Fly, which the state must keep for the next read.
 * `olds` undefined: the state was written by the Command this resource replaces (an upgraded stack),
 * and one update takes it over, which changes nothing on Fly when the counts already match.
 */
export function diffProcessGroupCounts(olds: ProcessGroupCountsProps | undefined, news: ProcessGroupCountsProps): FlyDiff {
  if (olds === undefined) return { changes: true, replaces: [] };
  const replaces = PROCESS_GROUP_COUNTS_REPLACE_ON.filter((key) => olds[key] !== news[key]);
  const { lower, raise } = countChanges(olds.counts, news.counts, news.downOnly);
  const changes =
    replaces.length > 0 ||
    Object.keys(lower).length + Object.keys(raise).length > 0 ||
    olds.downOnly !== news.downOnly ||
    accessChanged(olds, news);
  return { changes, replaces };
}

/** The config's side of AppSecrets; `values` undefined: not known until `pulumi up`. */
export type AppSecretsInputs = FlyAccess & Partial<Pick<AppSecretsProps, "values" | "revision">>;

/**
 * AppSecrets: a secret added, removed or given another value is a change; after a refresh, so is one
 * unset on Fly by hand (missing from the state) or set there by hand (CHANGED_ON_FLY in the state).
 * `olds` undefined: the state of the Command this resource replaces, taken over with one update.
 */
export function diffAppSecrets(olds: AppSecretsProps | undefined, news: AppSecretsInputs): FlyDiff {
  if (olds === undefined) return { changes: true, replaces: [] };
  const replaces = olds.app === news.app ? [] : ["app"];
  const changes = replaces.length > 0 || news.values === undefined || !sameRecord(olds.values, news.values) || accessChanged(olds, news);
  return { changes, replaces };
}

/**
 * Whether an update sets back values changed on Fly by hand: the config's values are those of the
 * last import (same revision), yet the state after a refresh differs from them. Such values are
 * applied at once, since no deploy follows (the rollout redeploys on a new revision only); any other
 * update stages them for the deploy that follows, or changes nothing a machine runs.
 */
export function setsBackHandChanges(olds: AppSecretsProps | undefined, news: AppSecretsProps): boolean {
  return olds !== undefined && olds.revision === news.revision && !sameRecord(olds.values, news.values);
}

/**
 * App: another org or another choice on delete is an update (ensure-app adopts the app there), as
 * is a new way to reach Fly; no change replaces the app, which holds every machine and secret.
 * `olds` undefined: the state of the Command this resource replaces, taken over with one update.
 */
export function diffApp(olds: AppProps | undefined, news: AppProps): FlyDiff {
  if (olds === undefined) return { changes: true, replaces: [] };
  const changes =
    olds.app !== news.app || olds.org !== news.org || olds.destroyOnDelete !== news.destroyOnDelete || accessChanged(olds, news);
  return { changes, replaces: [] };
}

/** What the machines run: the release without the way to reach Fly. */
export type ReleaseContent = Omit<ReleaseProps, keyof FlyAccess>;

const RELEASE_KEYS: ReadonlyArray<keyof ReleaseContent> = ["image", "flyToml", "strategy", "redeployOn", "updateOnly"];

/** Whether Fly must be given a new release: something the machines run differs (a deploy restarts each one). */
export function releaseChanged(olds: ReleaseContent | undefined, news: ReleaseContent): boolean {
  return olds === undefined || RELEASE_KEYS.some((key) => olds[key] !== news[key]);
}

/**
 * Release: after a refresh, an image deployed by hand differs from the config's; so does any other
 * change of what the machines run, and a new way to reach Fly. Another app is another resource.
 * `olds` undefined: the state of the Command this resource replaces, taken over with one update.
 */
export function diffRelease(olds: ReleaseProps | undefined, news: ReleaseProps): FlyDiff {
  if (olds === undefined) return { changes: true, replaces: [] };
  const replaces = olds.app === news.app ? [] : ["app"];
  return { changes: replaces.length > 0 || releaseChanged(olds, news) || accessChanged(olds, news), replaces };
}

/**
 * The image a refresh records: the one the process groups run, all of them when they differ; the
 * state's when no machine runs. Fly pins an image to its digest (`repo:tag@sha256:…`) when a machine
 * is updated with it; against a configured image without a digest, the digest is left out.
 */
export function observedImage(images: readonly string[], stateImage: string): string {
  const pinned = stateImage.includes("@");
  const seen = new Set(images.map((image) => (pinned ? image : image.replace(/@sha256:[0-9a-f]+$/, ""))));
  return seen.size === 0 ? stateImage : [...seen].sort().join(", ");
}
