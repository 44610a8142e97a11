import * as pulumi from "@pulumi/pulumi";
import { withAliases } from "./aliases";
import type { FlyConnection } from "./flyStep";
import { App } from "./resources/app";

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
 * name belongs to another org. Left in place on `pulumi destroy` unless destroyOnDelete. An app
 * deleted by hand is created again by the next `pulumi up` after a refresh.
 */
export class FlyApp extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;
  public readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: FlyAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:FlyApp", name, {}, withAliases(opts, "chatwoot:fly:App"));
    // The child's name is the Command's it replaces, and the alias carries that Command's state over
    // (the Command's delete, which could destroy the app, never runs).
    const app = new App(`${name}-ensure`, args, { parent: this, aliases: [{ type: "command:local:Command" }] });
    this.name = app.app;
    this.adopted = app.adopted;
    this.registerOutputs({ name: this.name, adopted: this.adopted });
  }
}
