/**
 * Properties as the provider server hands them over and takes them back (Struct.toJavaScript): a
 * secret is an object `{ <sigKey>: <secretSig>, value }`. The provider reads plain values, and hands
 * each credential back wrapped, so that the engine keeps it encrypted in the state.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import type { FlyAccess } from "../lib/flyResources";
import { ENV } from "../lib/stepContract";

export type Props = Record<string, unknown>;

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[specialSigKey] === specialSecretSig;
}

/** The properties with every secret wrapper taken off (the values stay in this process). */
export function plain(props: Props): Props {
  return Object.fromEntries(Object.entries(props).map(([key, value]) => [key, isSecret(value) ? value.value : value]));
}

/** The properties to keep in the state: the API token wrapped as a secret, nothing undefined. */
export function toState(props: FlyAccess & Props): Props {
  const { apiToken, ...rest } = props;
  const kept = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  return apiToken === undefined ? kept : { ...kept, apiToken: { [specialSigKey]: specialSecretSig, value: apiToken } };
}

/** The environment that tells a step how to reach Fly (lib/stepContract.ts); no token: the engine's own FLY_API_TOKEN. */
export function accessEnv(access: FlyAccess): Record<string, string> {
  const env: Record<string, string> = {
    [ENV.flyctl]: access.flyctl,
    [ENV.flyctlTimeout]: String(access.timeoutSeconds),
    [ENV.app]: access.app,
  };
  if (access.apiToken !== undefined) env[ENV.flyToken] = access.apiToken;
  return env;
}
