import * as pulumi from "@pulumi/pulumi";
import { withAliases } from "./aliases";
import type { FlyConnection } from "./flyStep";
import { Release } from "./resources/release";

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
 * `fly deploy` of the image with the generated fly.toml; runs when image, fly.toml, strategy or the
 * secrets revision change, or when a refresh found another image deployed by hand, and at no other
 * time, since a deploy restarts every machine.
 */
export class FlyRollout extends pulumi.ComponentResource {
  public readonly image: pulumi.Output<string>;

  constructor(name: string, args: FlyRolloutArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:FlyRollout", name, {}, withAliases(opts, "chatwoot:fly:Rollout"));
    // The child's name is the Command's it replaces, and the alias carries that Command's state over:
    // an upgraded stack records the release it runs, with no deploy.
    const release = new Release(
      `${name}-deploy`,
      {
        fly: args.fly,
        image: args.image,
        flyToml: args.flyToml,
        strategy: args.strategy,
        redeployOn: pulumi.all(args.redeployOn).apply((values) => values.join(",")),
        updateOnly: args.groupAtZero,
      },
      { parent: this, aliases: [{ type: "command:local:Command" }] },
    );
    this.image = release.image;
    this.registerOutputs({ image: this.image });
  }
}
