import * as pulumi from "@pulumi/pulumi";
import { ENV } from "../lib/commandEnv";
import { flyStep, type FlyConnection } from "./flyStep";

/** Arguments of {@link MachineCounts}. */
export interface MachineCountsArgs {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Machines per process group. @default web 1, worker 1 (from chatwoot:processes) */
  counts: Record<string, number>;
}

/** `fly scale count` per process group; idempotent, and run only when a count changes. */
export class MachineCounts extends pulumi.ComponentResource {
  public readonly counts: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: MachineCountsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:MachineCounts", name, {}, opts);
    const scale = flyStep(
      `${name}-scale`,
      { fly: args.fly, create: "scale", environment: { [ENV.counts]: JSON.stringify(args.counts) } },
      { parent: this },
    );
    this.counts = scale.stdout.apply(() => args.counts);
    this.registerOutputs({ counts: this.counts });
  }
}
