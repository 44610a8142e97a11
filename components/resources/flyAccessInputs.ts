import * as pulumi from "@pulumi/pulumi";
import type { FlyAccess } from "../../lib/flyResources";
import type { FlyConnection } from "../flyStep";

/** Each property as the program may give it: a value or an Output of it. */
export type InputsOf<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** How a provider resource reaches Fly, from the components' FlyConnection; the API token as a secret. */
export function flyAccessInputs(fly: FlyConnection): InputsOf<FlyAccess> {
  return {
    app: fly.app,
    flyctl: fly.flyctl,
    timeoutSeconds: fly.timeoutSeconds,
    apiToken: fly.apiToken === undefined ? undefined : pulumi.secret(fly.apiToken),
  };
}
