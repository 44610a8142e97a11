/** Machine counts per process group, and which of them the counts steps must change (steps/counts.ts). */
export type Counts = Record<string, number>;

/** The groups to lower and the groups to raise, each with its target count. */
export interface CountChanges {
  lower: Counts;
  raise: Counts;
}

/**
 * The groups whose machine count differs from the target, with their target. With `downOnly`, only
 * the groups above their target: the deployment lowers those before the migration and the rollout,
 * so both run at most at the counts the connection budget was computed for.
 */
export function countChanges(current: Counts, target: Counts, downOnly: boolean): CountChanges {
  const changes: CountChanges = { lower: {}, raise: {} };
  for (const [group, want] of Object.entries(target)) {
    const have = current[group] ?? 0;
    if (have > want) changes.lower[group] = want;
    else if (have < want && !downOnly) changes.raise[group] = want;
  }
  return changes;
}

/** `group=N` arguments of `fly scale count`, in a stable order. */
export function countArgs(counts: Counts): string[] {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, count]) => `${group}=${count}`);
}
