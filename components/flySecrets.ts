import * as pulumi from "@pulumi/pulumi";
import { withAliases } from "./aliases";
import { AppSecrets } from "./resources/appSecrets";
import type { FlyConnection } from "./flyStep";

/** Arguments of {@link FlySecrets}. */
export interface FlySecretsArgs {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Every secret of the app, by env name. Always stored as a Pulumi secret. */
  values: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The app's secrets, staged with one `fly secrets import --stage` over stdin when a value changes;
 * keys that leave `values` are unset. The deploy that follows delivers them. A secret set or unset on
 * Fly by hand shows in `pulumi preview` after a refresh, and `pulumi up` sets it back at once.
 */
export class FlySecrets extends pulumi.ComponentResource {
  /** Changes exactly when a secret value changes (a digest of them); the rollout depends on it. */
  public readonly revision: pulumi.Output<string>;
  /** Names of the managed secrets. */
  public readonly keys: pulumi.Output<string[]>;

  constructor(name: string, args: FlySecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:FlySecrets", name, {}, withAliases(opts, "chatwoot:fly:Secrets"));
    // The child's name is the Command's it replaces, and the alias carries that Command's state over:
    // an upgraded stack stages the same values once (no restart), never replaces it.
    const secrets = new AppSecrets(`${name}-import`, args, { parent: this, aliases: [{ type: "command:local:Command" }] });
    // A digest of the values: kept secret like them.
    this.revision = pulumi.secret(secrets.revision);
    // Stryker disable next-line MethodExpression: the values come back from the engine as a protobuf Struct, whose keys are sorted already
    this.keys = pulumi.unsecret(secrets.values.apply((values) => Object.keys(values).sort()));
    this.registerOutputs({ revision: this.revision, keys: this.keys });
  }
}
