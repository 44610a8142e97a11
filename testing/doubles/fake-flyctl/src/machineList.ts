/** `machine list --app A --json`: every machine as the Machines API shows it (destroyed ones are gone). */
import { createHash } from "node:crypto";
import { requireApp } from "./apps";
import { type CommandSpec, F, notEmulated } from "./cli";
import { type Machine, readState } from "./store";

type StoredEvent = Machine["events"][number];

/**
 * flyctl prints the machines it got from the API re-encoded through fly-go's types
 * (machine_types.go): every field of MachineExitEvent but `exited_at` is `omitempty`, so a machine
 * that exited 0 shows an exit event without `exit_code` (and false flags are absent too).
 */
export function flyGoEvent(e: StoredEvent): StoredEvent {
  const exit = e.request?.exit_event as Record<string, unknown> | undefined;
  if (!e.request || !exit) return e;
  const kept = Object.fromEntries(
    Object.entries(exit).filter(([k, v]) => k === "exited_at" || (v !== 0 && v !== false && v !== "" && v != null)),
  );
  const request: Record<string, unknown> = { ...e.request, exit_event: kept };
  if (request.restart_count === 0) delete request.restart_count;
  return { ...e, request } as StoredEvent;
}

/** A machine as the Machines API returns it (GET /v1/apps/{app}/machines/{id}). */
export function machineJson(m: Machine) {
  const [repository, tag] = m.config.image.includes(":")
    ? [m.config.image.slice(0, m.config.image.lastIndexOf(":")), m.config.image.slice(m.config.image.lastIndexOf(":") + 1)]
    : [m.config.image, "latest"];
  return {
    id: m.id,
    name: m.name,
    state: m.state === "destroying" ? "destroying" : m.state,
    region: m.region,
    instance_id: m.instanceId,
    private_ip: `fdaa:0:1:a7b:${m.id.slice(0, 4)}:${m.id.slice(4, 8)}:${m.id.slice(8, 12)}:2`,
    config: {
      image: m.config.image,
      env: m.config.env,
      guest: m.config.guest,
      metadata: m.config.metadata,
      init: m.config.init,
      // flyctl sends a restart policy for `machine run` (--restart) and none on deploy, and a stop
      // config on deploy from fly.toml's kill_signal/kill_timeout (internal/appconfig/machines.go).
      ...(m.processGroup === null
        ? { restart: m.config.restart }
        : { stop_config: { signal: m.killSignal, timeout: `${Math.round(m.killTimeoutMs / 1000)}s` } }),
      // flyctl machine run always sends a DNS config (internal/command/machine/run.go); empty unless
      // --skip-dns-registration, so fly-go's omitempty leaves `{}`.
      ...(m.processGroup === null ? { dns: {} } : {}),
    },
    // Fly reports the image's registry host here; the stand-in has no registry and nothing reads it.
    // `machine run` resolves the image to a digest first (none on deploy with --image, whose image_ref
    // carries no digest); the stand-in has no registry, so the digest is made from the ref.
    image_ref: {
      registry: "",
      repository,
      tag,
      ...(m.processGroup === null ? { digest: `sha256:${createHash("sha256").update(m.config.image).digest("hex")}` } : {}),
    },
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    events: m.events.map(flyGoEvent),
    // fly-go Machine (machine_types.go): version beside instance_id, host_status, and cordoned,
    // the one field without omitempty.
    version: m.instanceId,
    host_status: "ok",
    cordoned: false,
  };
}

export const machineList: CommandSpec = {
  key: "machine list",
  flags: [F.app, F.config, F.json, notEmulated("quiet", "q", "bool")],
  minArgs: 0,
  maxArgs: 0,
  mutating: false,
  run: ({ stateDir, parsed, out }) => {
    const app = requireApp(stateDir, parsed.strings.app);
    const machines = Object.values(readState(stateDir).apps[app.name]?.machines ?? {}).sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    );
    if (parsed.bools.json) {
      out(JSON.stringify(machines.map(machineJson), null, 2));
      return;
    }
    out(`${machines.length} machines have been retrieved from app ${app.name}.`);
    out(["ID", "NAME", "STATE", "REGION", "IMAGE", "PROCESS GROUP", "CREATED"].join("\t"));
    for (const m of machines) out([m.id, m.name, m.state, m.region, m.config.image, m.processGroup ?? "", m.createdAt].join("\t"));
  },
};
