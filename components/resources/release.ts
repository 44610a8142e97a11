import * as pulumi from "@pulumi/pulumi";
import { RELEASE_TYPE, type ReleaseProps } from "../../lib/flyResources";
import type { FlyConnection } from "../flyStep";
import { flyAccessInputs, type InputsOf } from "./flyAccessInputs";

/** Arguments of {@link Release}. */
export interface ReleaseArgs {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Image to deploy. */
  image: string;
  /** The generated fly.toml (lib/flyToml.ts). */
  flyToml: string;
  /** fly deploy --strategy. */
  strategy: string;
  /** A value whose change redeploys although image and fly.toml did not change (the secrets revision). */
  redeployOn: pulumi.Input<string>;
  /** Deploy with --update-only. @default false */
  updateOnly?: boolean;
}

/**
 * What the app's process groups run, served by the chatwoot-fly provider (provider/): `fly deploy` of
 * the image with the generated fly.toml. `pulumi refresh` records the image the machines run, so an
 * image deployed by hand shows in `pulumi preview`, and `pulumi up` deploys the config's again.
 */
export class Release extends pulumi.CustomResource {
  /** The image the process groups run. */
  declare public readonly image: pulumi.Output<string>;

  constructor(name: string, args: ReleaseArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: InputsOf<ReleaseProps> = {
      ...flyAccessInputs(args.fly),
      image: args.image,
      flyToml: args.flyToml,
      strategy: args.strategy,
      redeployOn: pulumi.secret(args.redeployOn),
      updateOnly: args.updateOnly ?? false,
    };
    super(RELEASE_TYPE, name, inputs, { ...opts, additionalSecretOutputs: ["apiToken", "redeployOn"] });
  }
}
