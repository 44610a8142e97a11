/**
 * TEST DOUBLE support code, shared by the stand-in provider plugins (see ../README.md). Never on the
 * product's code path.
 *
 * Property values reach a `@pulumi/pulumi/provider` provider as plain JavaScript (Struct.toJavaScript):
 * secrets stay wrapped as `{ <sigKey>: <secretSig>, value }` objects because the Node provider server
 * accepts secrets, and values unknown at preview are a sentinel string.
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

export type Props = Record<string, unknown>;

export function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[specialSigKey] === specialSecretSig;
}

export function secret(value: unknown): Props {
  return { [specialSigKey]: specialSecretSig, value };
}

export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

/** The value with every secret wrapper removed, at any depth. */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

/** Whether the value is or contains a value unknown at preview. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (isSecret(value)) return containsUnknown(value.value);
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/** Deep equality of revealed values; `undefined` and `null` (an absent property) are equal. */
export function deepEqual(a: unknown, b: unknown): boolean {
  const x = reveal(a) ?? null;
  const y = reveal(b) ?? null;
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => deepEqual(v, y[i]));
  const xo = x as Props;
  const yo = y as Props;
  const keys = new Set([...Object.keys(xo), ...Object.keys(yo)]);
  for (const k of keys) if (!deepEqual(xo[k], yo[k])) return false;
  return true;
}

/** Names of `keys` whose values differ between the old state and the new inputs. */
export function changedKeys(keys: readonly string[], olds: Props, news: Props): string[] {
  return keys.filter((k) => !deepEqual(olds[k], news[k]));
}

/** Drops `undefined` members: google-protobuf's Struct.fromJavaScript rejects them. */
export function defined(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
}

/** The resource name of a URN (`urn:pulumi:stack::project::type::name`). */
export function urnName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** The engine address among the plugin's arguments (the engine may prepend --logtostderr, -v=N, --tracing X). */
export function engineAddress(args: string[]): string | undefined {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--logtostderr" || args[i].startsWith("-v=")) continue;
    if (args[i] === "--tracing") {
      i++;
      continue;
    }
    rest.push(args[i]);
  }
  return rest[0];
}

/**
 * Status lines for a resource, like a Go provider's `InfoStatus`: ephemeral Info messages sent to the
 * engine's Log RPC. Never printed on stdout (the engine reads the plugin's port from there).
 */
export class EngineLog {
  private readonly client?: EngineClient;
  private pending: Promise<void>[] = [];

  constructor(address: string | undefined) {
    if (address) this.client = new EngineClient(address, grpc.credentials.createInsecure());
  }

  status(urn: string, message: string): void {
    const client = this.client;
    if (!client) return;
    const req = new LogRequest();
    req.setSeverity(LogSeverity.INFO);
    req.setMessage(message);
    req.setUrn(urn);
    req.setEphemeral(true);
    // Best effort: a lost status line must not fail the resource operation.
    this.pending.push(new Promise<void>((resolve) => client.log(req, () => resolve())));
  }

  /** Waits until every status line sent so far reached the engine (or failed). */
  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }
}
