/**
 * What flyd knows about a machine without touching processes: its events, the digest of the app
 * secrets it started with, whether it is a Fly platform machine, and its process environment.
 * Kept apart from runtime.ts so the supervisor and read-only commands load little code.
 */
import { createHash } from "node:crypto";
import type { AppState, Machine, MachineEvent } from "./store";

export function event(type: string, status: string, source: "flyd" | "user", request?: Record<string, unknown>): MachineEvent {
  return { type, status, source, timestamp: Date.now(), ...(request ? { request } : {}) };
}

export function secretsDigest(app: AppState): string {
  const lines = Object.keys(app.secrets)
    .sort()
    .map((k) => `${k}=${app.secrets[k].value}`);
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

/** Fly platform machines (made by deploy/scale) carry fly_platform_version; `machine run` ones do not. */
export function isPlatformMachine(m: Machine): boolean {
  return m.config.metadata.fly_platform_version === "v2";
}

export function appMachines(app: AppState): Machine[] {
  return Object.values(app.machines)
    .filter(isPlatformMachine)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** The process environment of a machine: its config env, then every current app secret, then Fly's own. */
export function runtimeEnv(m: Machine, app: AppState): Record<string, string> {
  const env: Record<string, string> = { ...m.config.env };
  for (const [k, s] of Object.entries(app.secrets)) env[k] = s.value;
  Object.assign(env, {
    FLY_APP_NAME: app.name,
    FLY_MACHINE_ID: m.id,
    FLY_ALLOC_ID: m.id,
    FLY_REGION: m.region,
    FLY_IMAGE_REF: m.config.image,
    FLY_MACHINE_VERSION: m.instanceId,
    FLY_VM_MEMORY_MB: String(m.config.guest.memory_mb),
  });
  if (m.processGroup) env.FLY_PROCESS_GROUP = m.processGroup;
  // Several web machines share this host: each gets its own port in place of internal_port.
  if (m.hostPort) env.PORT = String(m.hostPort);
  return env;
}
