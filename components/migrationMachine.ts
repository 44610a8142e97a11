import * as pulumi from "@pulumi/pulumi";
import { withAliases } from "./aliases";
import type { BudgetInput } from "../lib/budget";
import type { Endpoint } from "../lib/endpoints";
import { ENV, type MigrationRecord, type MigrationSettings, type MigrationSpec } from "../lib/stepContract";
import { flyStep, stepResult, type FlyConnection } from "./flyStep";

/** Arguments of {@link MigrationMachine}: the machine's settings, how to reach Fly and the endpoint. */
export interface MigrationMachineArgs extends MigrationSettings {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Endpoint the migration connects to; its URL reaches the machine as the MIGRATION_DATABASE_URL secret. */
  endpoint: Endpoint;
  /** What the connection budget was computed from (the plan's budgetInput); the step checks it against the machines that run. */
  budget: BudgetInput;
}

/**
 * A one-off machine that runs the migration on the new image before any web/worker machine gets it.
 * It re-runs only when the image or a migration input changes; a non-zero exit, a timeout or a lost
 * machine fails `pulumi up` here, and the rollout, which depends on it, never starts.
 */
export class MigrationMachine extends pulumi.ComponentResource {
  public readonly last: pulumi.Output<MigrationRecord>;

  constructor(name: string, args: MigrationMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:MigrationMachine", name, {}, withAliases(opts, "chatwoot:fly:Migration"));
    const spec: MigrationSpec = {
      image: args.image,
      command: args.command,
      memoryMb: args.memoryMb,
      timeoutSeconds: args.timeoutSeconds,
      statementTimeout: args.statementTimeout,
      region: args.region,
      endpoint: `${args.endpoint.kind} ${args.endpoint.host}:${args.endpoint.port}`,
      budget: args.budget,
    };
    const run = flyStep(
      `${name}-run`,
      {
        fly: args.fly,
        create: "migrate",
        environment: { [ENV.migration]: JSON.stringify(spec) },
        // The endpoint's identity (not its password) and the image decide whether to migrate again.
        triggers: [
          args.image,
          JSON.stringify(args.command),
          `${args.endpoint.user}@${args.endpoint.host}:${args.endpoint.port}/${args.endpoint.database}`,
        ],
      },
      { parent: this },
    );
    this.last = stepResult<MigrationRecord>(run);
    this.registerOutputs({ last: this.last });
  }
}
