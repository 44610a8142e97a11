import * as pulumi from "@pulumi/pulumi";
import { ENV } from "../lib/stepContract";
import { flyStep, type FlyConnection } from "./flyStep";

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
 * stopped, so their jobs are handed back, then destroyed; a raised one is `fly scale count`); runs only
 * when a count changes.
 */
export class MachineCounts extends pulumi.ComponentResource {
  public readonly counts: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: MachineCountsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:MachineCounts", name, {}, opts);
    const scale = flyStep(
      `${name}-scale`,
      { fly: args.fly, create: args.downOnly ? "scale-down" : "scale", environment: { [ENV.counts]: JSON.stringify(args.counts) } },
      { parent: this },
    );
    this.counts = scale.stdout.apply(() => args.counts);
    this.registerOutputs({ counts: this.counts });
  }
}
