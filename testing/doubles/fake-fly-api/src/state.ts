/**
 * The API's view of fake-flyctl's state.json: apps, secrets, releases and machines, plus what only the
 * API needs (the machine config as flyctl sent it, leases, the secrets version, image refs). The
 * extra fields live in the same records, so fake-flyctl reads the same file unchanged.
 */
import { parseGoDuration } from "../../fake-flyctl/src/time";
import { type AppState, type HttpCheck, type Machine, type MachineConfig, readState } from "../../fake-flyctl/src/store";
import { ApiError } from "./http";

export type Json = Record<string, unknown>;

export interface Lease {
  nonce: string;
  /** Unix seconds. */
  expiresAt: number;
  owner: string;
  description: string;
}

export type ApiMachine = Machine & {
  /** The MachineConfig as flyctl sent it (fly-go machine_types.go), returned as is on every read. */
  apiConfig?: Json;
  lease?: Lease;
};

export interface ApiRelease {
  id: string;
  version: number;
  status: string;
  description: string;
  image: string;
  createdAt: string;
  userEmail?: string;
  strategy?: string;
  /** The app config (fly.toml as JSON) the deploy sent (uiex CreateReleaseRequest.Definition). */
  definition?: unknown;
}

export type ApiApp = AppState & {
  /** Bumped on every secrets change; flyctl keeps the last one it saw (its "minvers"). */
  secretsVersion?: number;
  /** Releases as the API records them (GraphQL createRelease/updateRelease, uiex releases). */
  apiReleases?: ApiRelease[];
  /** Secret name -> last update (ISO), for `secrets list` status. */
  secretUpdatedAt?: Record<string, string>;
};

export function apps(dir: string): Record<string, ApiApp> {
  return readState(dir).apps as Record<string, ApiApp>;
}

export function findApp(dir: string, name: string): ApiApp | undefined {
  return apps(dir)[name];
}

/**
 * The Machines API's answer for an unknown app. ASSUMPTION (not in flyctl's source): 404 with
 * `{"error": "app not found"}`; flyctl only reads the status (flaps.ErrFlapsNotFound) and prints the text.
 */
export function requireFlapsApp(dir: string, name: string): ApiApp {
  const app = findApp(dir, name);
  if (!app) throw new ApiError(404, "app not found");
  return app;
}

/** ASSUMPTION: an unknown machine is 404 `{"error": "machine not found"}` (the text flyctl prints after "failed to get VM <id>: "). */
export function requireMachine(app: ApiApp, id: string): ApiMachine {
  const m = app.machines[id] as ApiMachine | undefined;
  if (!m) throw new ApiError(404, "machine not found");
  return m;
}

/** The org an app belongs to: any slug is an org here, its id is the slug. */
export function orgJson(slug: string): Json {
  return {
    id: slug,
    internalNumericId: String(Math.abs(hash(slug)) % 100000),
    slug,
    rawSlug: slug,
    name: slug,
    type: slug === "personal" ? "PERSONAL" : "SHARED",
    paidPlan: true,
    billable: true,
    remoteBuilderImage: "",
    settings: {},
  };
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

/** fly-go Duration text ("30s", "1m0s") or a number of nanoseconds -> ms. */
function durationMs(value: unknown, fallback: number): number {
  if (typeof value === "number") return value / 1e6;
  if (typeof value === "string" && value) {
    try {
      return parseGoDuration(value);
    } catch {
      return fallback;
    }
  }
  return fallback;
}

/** The HTTP check a machine's config asks for: a service check, else a top-level check, of type http. */
export function httpCheckOf(config: Json): { check: HttpCheck; port: number } | null {
  const services = (config.services as Json[] | undefined) ?? [];
  for (const s of services) {
    for (const c of (s.checks as Json[] | undefined) ?? []) {
      if (c.type === "http")
        return { check: { path: String(c.path ?? "/"), method: String(c.method ?? "GET") }, port: Number(c.port ?? s.internal_port) };
    }
  }
  for (const c of Object.values((config.checks as Record<string, Json> | undefined) ?? {})) {
    if (c.type === "http") return { check: { path: String(c.path ?? "/"), method: String(c.method ?? "GET") }, port: Number(c.port ?? 0) };
  }
  return null;
}

/** Whether the machine's config serves a port (an http service): it then gets a local port as PORT. */
export function servesHttp(config: Json): boolean {
  return ((config.services as Json[] | undefined) ?? []).some((s) => Number(s.internal_port) > 0);
}

/**
 * The runtime fields of fake-flyctl's machine record, from a Machines API config. ASSUMPTIONS: an
 * absent restart policy is "always" for a machine of a process group and "on-failure" otherwise (fly-go:
 * "on-failure ... Default when no explicit policy is set"), max_retries 10 by default; an absent
 * stop signal is SIGINT and an absent stop timeout 5 s (Fly's documented defaults).
 */
export function runtimeFields(config: Json): Pick<Machine, "config" | "processGroup" | "check" | "killSignal" | "killTimeoutMs"> {
  const init = (config.init as Json | undefined) ?? {};
  const cmd = [
    ...(((init.exec as string[] | undefined) ?? []).length
      ? (init.exec as string[])
      : [...((init.entrypoint as string[] | undefined) ?? []), ...((init.cmd as string[] | undefined) ?? [])]),
  ];
  const guest = (config.guest as Json | undefined) ?? {};
  const metadata = (config.metadata as Record<string, string> | undefined) ?? {};
  const restart = (config.restart as Json | undefined) ?? {};
  const policy = String(restart.policy ?? "on-failure");
  const stop = (config.stop_config as Json | undefined) ?? {};
  const machineConfig: MachineConfig = {
    image: String(config.image ?? ""),
    env: { ...((config.env as Record<string, string> | undefined) ?? {}) },
    guest: { cpu_kind: String(guest.cpu_kind ?? "shared"), cpus: Number(guest.cpus ?? 1), memory_mb: Number(guest.memory_mb ?? 256) },
    metadata: { ...metadata },
    init: { cmd },
    restart:
      policy === "no"
        ? { policy: "no" }
        : policy === "always"
          ? { policy: "always" }
          : { policy: "on-failure", max_retries: Number(restart.max_retries ?? 10) || 10 },
  };
  return {
    config: machineConfig,
    processGroup: metadata.fly_process_group ?? null,
    check: httpCheckOf(config)?.check ?? null,
    killSignal: String(stop.signal ?? "SIGINT"),
    killTimeoutMs: durationMs(stop.timeout, 5000),
  };
}

/** A config for a machine fake-flyctl made (no apiConfig): what the Machines API would show for it. */
function derivedConfig(m: ApiMachine): Json {
  return {
    image: m.config.image,
    env: m.config.env,
    init: { cmd: m.config.init.cmd },
    guest: m.config.guest,
    metadata: m.config.metadata,
    restart: m.config.restart,
    stop_config: { signal: m.killSignal, timeout: `${Math.round(m.killTimeoutMs / 1000)}s` },
  };
}

export function configOf(m: ApiMachine): Json {
  return m.apiConfig ?? derivedConfig(m);
}

/** docker reference "repo/name:tag" -> fly-go MachineImageRef. */
export function imageRef(image: string): Json {
  let rest = image;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = "";
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = "docker-hub-mirror.fly.io";
  const first = rest.split("/")[0];
  if (rest.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost")) {
    registry = first;
    rest = rest.slice(first.length + 1);
  } else if (!rest.includes("/")) rest = `library/${rest}`;
  return { registry, repository: rest, tag, digest, labels: {} };
}

export function privateIp(id: string): string {
  return `fdaa:0:1:a7b:${id.slice(0, 4)}:${id.slice(4, 8)}:${id.slice(8, 12)}:2`;
}

/**
 * A machine as the Machines API returns it (GET /v1/apps/{app}/machines/{id}), every field the
 * server would send: the exit event keeps `exit_code: 0` (flyctl's re-encoding drops it).
 */
export function machineJson(m: ApiMachine, checks: Json[] = []): Json {
  const state = m.state === "destroying" ? "destroying" : m.state;
  return {
    id: m.id,
    name: m.name,
    state,
    region: m.region,
    image_ref: imageRef(m.config.image),
    instance_id: m.instanceId || m.id,
    version: m.instanceId || m.id,
    private_ip: privateIp(m.id),
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    config: configOf(m),
    events: m.events.map((e, i) => ({ id: `${m.id}-${m.events.length - i}`, ...e })),
    checks,
    host_status: "ok",
    cordoned: false,
  };
}
