import * as pulumi from "@pulumi/pulumi";
import { APP_SECRETS_TYPE, type AppSecretsProps, type FlyAccess } from "../../lib/flyResources";
import type { FlyConnection } from "../flyStep";
import { flyAccessInputs, type InputsOf } from "./flyAccessInputs";

/** Arguments of {@link AppSecrets}. */
export interface AppSecretsArgs {
  /** How to reach Fly. */
  fly: FlyConnection;
  /** Every secret of the app, by env name. Always stored as a Pulumi secret, each value on its own. */
  values: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The app's Fly secrets, served by the chatwoot-fly provider (provider/): `pulumi refresh` compares
 * Fly's digest of each one with the one the last import left, so a preview names a secret set or
 * unset by hand, and `pulumi up` sets it back.
 */
export class AppSecrets extends pulumi.CustomResource {
  /** A digest of the values (lib/secretsImport.ts secretsRevision), a secret: changes exactly when a value does. */
  declare public readonly revision: pulumi.Output<string>;
  /** The managed secrets, by name (each value a secret). */
  declare public readonly values: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: InputsOf<FlyAccess & Pick<AppSecretsProps, "values">> & Record<"revision" | "digests", undefined> = {
      ...flyAccessInputs(args.fly),
      values: pulumi.secret(args.values),
      // Computed by the provider: the revision by its check, the digests by the import.
      revision: undefined,
      digests: undefined,
    };
    // Secret whatever the provider answers: the engine marks them so before they reach the state.
    super(APP_SECRETS_TYPE, name, inputs, { ...opts, additionalSecretOutputs: ["apiToken", "values", "revision", "digests"] });
  }
}
