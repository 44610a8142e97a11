import * as pulumi from "@pulumi/pulumi";
import type { FlyConnection } from "./flyStep";
import { ProcessGroupCounts } from "./resources/processGroupCounts";

/** Arguments of {@link MachineCounts}. */
export interface MachineCountsArgs {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Machines per process group. @default web 1, worker 1 (from chatwoot:processes) */
  counts: Record<string, number>;
  /**
   * Only lower the groups above their count (run before the migration, so that the migration and
   * the rollout never run beside more machines than the budget counted). @default false: set every group
   */
  downOnly?: boolean;
}

/**
 * Sets the process groups that differ to their count (steps/counts.ts: a lowered group's machines are
 * stopped, so their jobs are handed back, then destroyed; a raised one is `fly scale count`). Its
 * child reads what Fly runs, so a count changed by hand shows in `pulumi preview` and is set back by
 * `pulumi up`.
 */
export class MachineCounts extends pulumi.ComponentResource {
  public readonly counts: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: MachineCountsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:MachineCounts", name, {}, opts);
    // The child's name is the Command's it replaces, and the alias carries that Command's state over:
    // an upgraded stack updates it in place (one read of the machines), never replaces it.
    const scale = new ProcessGroupCounts(
      `${name}-scale`,
      { fly: args.fly, counts: args.counts, downOnly: args.downOnly },
      { parent: this, aliases: [{ type: "command:local:Command" }] },
    );
    this.counts = scale.counts;
    this.registerOutputs({ counts: this.counts });
  }
}
