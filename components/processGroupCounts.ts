import * as pulumi from "@pulumi/pulumi";
import type { Counts } from "../lib/counts";
import { PROCESS_GROUP_COUNTS_TYPE, type ProcessGroupCountsProps } from "../lib/flyResources";
import type { FlyConnection } from "./flyStep";

/** Arguments of {@link ProcessGroupCounts}. */
export interface ProcessGroupCountsArgs {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Machines per process group. */
  counts: Counts;
  /** Only lower the groups above their count. @default false: set every group to its count */
  downOnly?: boolean;
}

/** Each property as the program may give it: a value or an Output of it. */
type InputsOf<T> = { [K in keyof T]: pulumi.Input<T[K]> };

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
      app: args.fly.app,
      flyctl: args.fly.flyctl,
      timeoutSeconds: args.fly.timeoutSeconds,
      apiToken: args.fly.apiToken === undefined ? undefined : pulumi.secret(args.fly.apiToken),
      counts: args.counts,
      downOnly: args.downOnly ?? false,
    };
    super(PROCESS_GROUP_COUNTS_TYPE, name, inputs, opts);
  }
}
