import * as pulumi from "@pulumi/pulumi";
import { APP_TYPE, type AppProps } from "../../lib/flyResources";
import type { FlyConnection } from "../flyStep";
import { flyAccessInputs, type InputsOf } from "./flyAccessInputs";

/** Arguments of {@link App}. */
export interface AppArgs {
  /** How to reach Fly; `fly.app` is the app name to create or adopt. */
  fly: FlyConnection;
  /** Fly organization slug. */
  org: string;
  /** Destroy the app when the resource is deleted. @default false: the app outlives the stack */
  destroyOnDelete?: boolean;
}

/**
 * The Fly app, served by the chatwoot-fly provider (provider/): created when missing, adopted from its
 * org when it exists. `pulumi refresh` drops it from the state when the app was deleted by hand, and
 * `pulumi up` creates it again.
 */
export class App extends pulumi.CustomResource {
  /** Whether the app existed in the org before the stack. */
  declare public readonly adopted: pulumi.Output<boolean>;
  /** The app name. */
  declare public readonly app: pulumi.Output<string>;

  constructor(name: string, args: AppArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: InputsOf<AppProps> = {
      ...flyAccessInputs(args.fly),
      org: args.org,
      destroyOnDelete: args.destroyOnDelete ?? false,
      adopted: undefined,
    };
    super(APP_TYPE, name, inputs, { ...opts, additionalSecretOutputs: ["apiToken"] });
  }
}
