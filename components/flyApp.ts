import * as pulumi from "@pulumi/pulumi";
import { ENV, type AppRecord } from "../lib/stepContract";
import { flyStep, stepResult, type FlyConnection } from "./flyStep";

/** Arguments of {@link FlyApp}. */
export interface FlyAppArgs {
  /** How to reach Fly; `fly.app` is the app name to create or adopt. */
  fly: FlyConnection;
  /** Fly organization slug. @default required: comes from chatwoot:app.org */
  org: string;
  /** Destroy the app on `pulumi destroy`. @default false: the app outlives the stack */
  destroyOnDelete?: boolean;
}

/**
 * The Fly app: created when missing, adopted when it already exists in the org, an error when the
 * name belongs to another org. Left in place on `pulumi destroy` unless destroyOnDelete.
 */
export class FlyApp extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;
  public readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: FlyAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:App", name, {}, opts);
    const ensure = flyStep(
      `${name}-ensure`,
      {
        fly: args.fly,
        create: "ensure-app",
        delete: "destroy-app",
        environment: { [ENV.org]: args.org, [ENV.destroyOnDelete]: String(args.destroyOnDelete ?? false) },
      },
      { parent: this },
    );
    const record = stepResult<AppRecord>(ensure);
    this.name = record.apply((r) => r.name);
    this.adopted = record.apply((r) => r.adopted);
    this.registerOutputs({ name: this.name, adopted: this.adopted });
  }
}
