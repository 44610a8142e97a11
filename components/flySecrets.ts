import * as pulumi from "@pulumi/pulumi";
import { ENV, type SecretsRecord } from "../lib/stepContract";
import { flyStep, stepResult, type FlyConnection } from "./flyStep";

/** Arguments of {@link FlySecrets}. */
export interface FlySecretsArgs {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Every secret of the app, by env name. Always stored as a Pulumi secret. */
  values: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The app's secrets, staged with one `fly secrets import --stage` over stdin. Re-runs only when a
 * value changes; keys that leave `values` are unset. The deploy that follows delivers them.
 */
export class FlySecrets extends pulumi.ComponentResource {
  /** Changes exactly when a secret value changes (a digest of them); the rollout depends on it. */
  public readonly revision: pulumi.Output<string>;
  /** Names of the managed secrets. */
  public readonly keys: pulumi.Output<string[]>;

  constructor(name: string, args: FlySecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("chatwoot:fly:Secrets", name, {}, opts);
    const values = pulumi.secret(pulumi.output(args.values).apply((v) => JSON.stringify(v)));
    const staged = flyStep(
      `${name}-import`,
      // Nothing runs on delete: on `pulumi destroy` the app either goes with its secrets
      // (app.destroyOnDelete) or stays, and a kept app must keep them (DATABASE_URL, SECRET_KEY_BASE).
      { fly: args.fly, create: "import-secrets", environment: { [ENV.secrets]: values }, secretOutput: true },
      { parent: this },
    );
    const record = stepResult<SecretsRecord>(staged);
    // A digest of the values: kept secret like them.
    this.revision = record.apply((r) => r.revision);
    this.keys = pulumi.unsecret(record.apply((r) => r.keys));
    this.registerOutputs({ revision: this.revision, keys: this.keys });
  }
}
