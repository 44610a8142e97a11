import * as pulumi from "@pulumi/pulumi";
import { ENV } from "../lib/stepContract";
import { flyStep, type FlyConnection } from "./flyStep";

/** Arguments of {@link FlyRollout}. */
export interface FlyRolloutArgs {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Image to deploy. */
  image: string;
  /** The generated fly.toml (lib/flyToml.ts): processes, [[vm]] per group, [env], checks. */
  flyToml: string;
  /** fly deploy --strategy. @default "rolling" */
  strategy: string;
  /** Values whose change must redeploy although image and fly.toml did not change (the secrets revision). */
  redeployOn: pulumi.Input<string>[];
  /**
   * Some process group is set to 0 machines. flyctl's deploy gives every group without machines one
   * (internal/command/deploy/machines_deploymachinesapp.go), so the deploy then runs with
   * `--update-only`; groups missing machines are left to `fly scale count` (which waits for no health
   * check, so a plain deploy is kept whenever no group is at 0).
   * @default false: a plain deploy, which creates and health-checks the first machine of a new group
   */
  groupAtZero?: boolean;
}

/**
 * `fly deploy` of the image with the generated fly.toml; runs (the Command is replaced) when image,
 * fly.toml, strategy or the secrets revision change, and at no other time, since a deploy restarts
 * every machine.
 */
export class FlyRollout extends pulumi.ComponentResource {
  public readonly image: pulumi.Output<string>;

  constructor(name: string, args: FlyRolloutArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:Rollout", name, {}, opts);
    const redeployOn = pulumi.all(args.redeployOn).apply((values) => values.join(","));
    const deploy = flyStep(
      `${name}-deploy`,
      {
        fly: args.fly,
        create: "deploy",
        environment: {
          [ENV.image]: args.image,
          [ENV.flyToml]: args.flyToml,
          [ENV.strategy]: args.strategy,
          [ENV.rolloutInputs]: redeployOn,
          // Set only when needed, so that stacks without a group at 0 see no change of inputs.
          ...(args.groupAtZero ? { [ENV.deployUpdateOnly]: "1" } : {}),
        },
        // Only what the machines run restarts them: a new token, flyctl path or call limit does not.
        triggers: [args.image, args.flyToml, args.strategy, redeployOn],
        rerunOnUpdate: false,
      },
      { parent: this },
    );
    this.image = deploy.stdout.apply(() => args.image);
    this.registerOutputs({ image: this.image });
  }
}
