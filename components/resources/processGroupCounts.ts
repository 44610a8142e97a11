import * as pulumi from "@pulumi/pulumi";
import type { Counts } from "../../lib/counts";
import { PROCESS_GROUP_COUNTS_TYPE, type ProcessGroupCountsProps } from "../../lib/flyResources";
import { flyAccessInputs, type InputsOf } from "./flyAccessInputs";
import type { FlyConnection } from "../flyStep";

/** Arguments of {@link ProcessGroupCounts}. */
export interface ProcessGroupCountsArgs {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Machines per process group. */
  counts: Counts;
  /** Only lower the groups above their count. @default false: set every group to its count */
  downOnly?: boolean;
}

/**
 * The machines of each process group, served by the chatwoot-fly provider (provider/): `pulumi refresh`
 * records how many Fly runs, `pulumi preview` shows a count changed by hand as a diff, `pulumi up`
 * sets it back. The API token is kept as a secret.
 */
export class ProcessGroupCounts extends pulumi.CustomResource {
  /** The machines per group after the last update or refresh. */
  declare public readonly counts: pulumi.Output<Counts>;

  constructor(name: string, args: ProcessGroupCountsArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: InputsOf<ProcessGroupCountsProps> = {
      ...flyAccessInputs(args.fly),
      counts: args.counts,
      downOnly: args.downOnly ?? false,
    };
    // Secret whatever the provider answers: the engine marks it so before it reaches the state.
    super(PROCESS_GROUP_COUNTS_TYPE, name, inputs, { ...opts, additionalSecretOutputs: ["apiToken"] });
  }
}
