/**
 * What the provider's diff decides for each Fly resource (provider/): the config against the state,
 * which after `pulumi refresh` is what Fly runs. Plain values in, plain answer out.
 */
import { countChanges } from "./counts";
import { PROCESS_GROUP_COUNTS_REPLACE_ON, type FlyAccess, type ProcessGroupCountsProps } from "./flyResources";

export interface FlyDiff {
  /** Whether `pulumi up` must act: an update, or a replacement when `replaces` is not empty. */
  changes: boolean;
  /** The properties whose change means another resource. */
  replaces: string[];
}

const ACCESS_KEYS: ReadonlyArray<keyof FlyAccess> = ["flyctl", "timeoutSeconds", "apiToken"];

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
    ACCESS_KEYS.some((key) => olds[key] !== news[key]);
  return { changes, replaces };
}
