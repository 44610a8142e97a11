/**
 * Properties as the provider server hands them over and takes them back (Struct.toJavaScript): a
 * secret is an object `{ <sigKey>: <secretSig>, value }`, and a value unknown at preview is a sentinel
 * string. The provider reads plain values, and hands each credential back wrapped, so that the engine
 * keeps it encrypted in the state.
 */
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { CHANGED_ON_FLY, CHANGED_ON_FLY_SHOWN, FLY_CREDENTIAL_PROPS, PER_KEY_SECRET_PROPS, type FlyAccess } from "../lib/flyResources";

export type Props = Record<string, unknown>;

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[specialSigKey] === specialSecretSig;
}

/** `value` marked as a secret. */
export function secret(value: unknown): Props {
  return { [specialSigKey]: specialSecretSig, value };
}

/** The value with every secret wrapper taken off, at any depth (the values stay in this process). */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

/**
 * The properties with every secret wrapper taken off. In a map of per-key secrets as the state keeps
 * it, a plain entry is a value changed on Fly by hand (toState): it reads as CHANGED_ON_FLY.
 */
export function plain(props: Props): Props {
  const revealed: Props = {};
  for (const [key, value] of Object.entries(props)) {
    const perKey = PER_KEY_SECRET_PROPS.includes(key) && typeof value === "object" && value !== null && !isSecret(value);
    revealed[key] = perKey
      ? Object.fromEntries(Object.entries(value).map(([name, v]) => [name, isSecret(v) ? reveal(v) : CHANGED_ON_FLY]))
      : reveal(value);
  }
  return revealed;
}

/**
 * The properties as the resource's own (secrets unwrapped), or undefined when `key`, which the resource
 * always has, is missing or of another kind: then they are the state of the Command it took over.
 */
export function ownProps<T>(raw: Props, key: keyof T & string, kind: "string" | "object"): T | undefined {
  const props = plain(raw);
  const value = props[key];
  return typeof value === kind && value !== null ? (props as T) : undefined;
}

/** Whether a value is unknown until `pulumi up` (a preview of a value another resource computes). */
export function isUnknown(value: unknown): boolean {
  return reveal(value) === unknownValue;
}

/**
 * The properties to keep in the state: each credential wrapped as a secret (a map's values one by
 * one, but for a value changed on Fly by hand, shown as such), nothing undefined.
 */
export function toState<T extends FlyAccess>(props: T): Props {
  const state: Props = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (PER_KEY_SECRET_PROPS.includes(key))
      state[key] = Object.fromEntries(
        Object.entries(value as Props).map(([name, v]) => [name, v === CHANGED_ON_FLY ? CHANGED_ON_FLY_SHOWN : secret(v)]),
      );
    else state[key] = FLY_CREDENTIAL_PROPS.includes(key) ? secret(value) : value;
  }
  return state;
}
