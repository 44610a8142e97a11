/**
 * Reads the parts of fly.toml the fake acts on (Fly docs reference/configuration): app,
 * primary_region, kill_signal, kill_timeout, [env], [processes], [[vm]], [http_service] with
 * processes and [[http_service.checks]], [deploy] strategy. Everything else is accepted and ignored
 * (see README "not emulated").
 */
import * as fs from "node:fs";
import { parse } from "smol-toml";
import { FlyError } from "./errors";
import { shlexSplit } from "./shlex";
import { parseMemoryMb } from "./units";
import type { AppConfig, Guest, VmSection } from "./store";
import { parseGoDuration } from "./time";

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Guest presets (fly platform vm-sizes) for `size = "..."`. */
const PRESETS: Record<string, Guest> = {
  "shared-cpu-1x": { cpu_kind: "shared", cpus: 1, memory_mb: 256 },
  "shared-cpu-2x": { cpu_kind: "shared", cpus: 2, memory_mb: 512 },
  "shared-cpu-4x": { cpu_kind: "shared", cpus: 4, memory_mb: 1024 },
  "shared-cpu-8x": { cpu_kind: "shared", cpus: 8, memory_mb: 2048 },
  "performance-1x": { cpu_kind: "performance", cpus: 1, memory_mb: 2048 },
  "performance-2x": { cpu_kind: "performance", cpus: 2, memory_mb: 4096 },
  "performance-4x": { cpu_kind: "performance", cpus: 4, memory_mb: 8192 },
  "performance-8x": { cpu_kind: "performance", cpus: 8, memory_mb: 16384 },
  "performance-16x": { cpu_kind: "performance", cpus: 16, memory_mb: 32768 },
};

export function parseAppConfig(text: string): AppConfig {
  const doc = parse(text) as Table;
  const env: Record<string, string> = {};
  if (doc.env !== undefined) {
    if (!isTable(doc.env)) throw new Error("[env] must be a table");
    for (const [k, v] of Object.entries(doc.env)) env[k] = String(v);
  }
  const processes: Record<string, string> = {};
  if (doc.processes !== undefined) {
    if (!isTable(doc.processes)) throw new Error("[processes] must be a table");
    for (const [k, v] of Object.entries(doc.processes)) processes[k] = String(v);
  }
  const vmRaw = doc.vm === undefined ? [] : Array.isArray(doc.vm) ? doc.vm : [doc.vm];
  const vms: VmSection[] = vmRaw.map((v) => {
    if (!isTable(v)) throw new Error("[[vm]] must be tables");
    const memory = v.memory ?? v.memory_mb;
    return {
      size: v.size === undefined ? undefined : String(v.size),
      memoryMb: memory === undefined ? undefined : parseMemoryMb(memory),
      cpus: v.cpus === undefined ? undefined : Number(v.cpus),
      cpuKind: v.cpu_kind === undefined ? undefined : String(v.cpu_kind),
      processes: Array.isArray(v.processes) ? v.processes.map(String) : [],
    };
  });
  let httpService: AppConfig["httpService"];
  if (doc.http_service !== undefined) {
    const hs = doc.http_service;
    if (!isTable(hs)) throw new Error("[http_service] must be a table");
    const checks = Array.isArray(hs.checks) ? hs.checks : hs.checks === undefined ? [] : [hs.checks];
    httpService = {
      internalPort: Number(hs.internal_port ?? 8080),
      processes: Array.isArray(hs.processes) ? hs.processes.map(String) : [],
      checks: checks.filter(isTable).map((c) => ({ path: String(c.path ?? "/"), method: String(c.method ?? "GET").toUpperCase() })),
    };
  }
  const deploy = isTable(doc.deploy) ? doc.deploy : {};
  let killTimeoutMs = 5000;
  if (doc.kill_timeout !== undefined) {
    const kt = doc.kill_timeout;
    killTimeoutMs = typeof kt === "number" || typeof kt === "bigint" ? Number(kt) * 1000 : parseGoDuration(String(kt));
  }
  return {
    app: doc.app === undefined ? undefined : String(doc.app),
    primaryRegion: doc.primary_region === undefined ? "iad" : String(doc.primary_region),
    env,
    processes,
    vms,
    httpService,
    strategy: deploy.strategy === undefined ? undefined : String(deploy.strategy),
    killSignal: doc.kill_signal === undefined ? "SIGINT" : String(doc.kill_signal),
    killTimeoutMs,
  };
}

export function loadAppConfig(file: string): AppConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new FlyError(`failed loading app config from ${file}: ${(error as Error).message}`);
  }
  try {
    return parseAppConfig(text);
  } catch (error) {
    throw new FlyError(`failed loading app config from ${file}: ${(error as Error).message}`);
  }
}

/** The process groups of a config; without [processes] Fly uses one group "app" with the image's CMD. */
export function processGroups(config: AppConfig): string[] {
  const groups = Object.keys(config.processes);
  return groups.length > 0 ? groups : ["app"];
}

export function commandFor(config: AppConfig, group: string): string[] {
  const line = config.processes[group];
  if (line === undefined) {
    throw new FlyError(
      `fake-flyctl: process group "${group}" has no command, and the stand-in image has no default CMD; declare it in [processes]`,
    );
  }
  try {
    return shlexSplit(line);
  } catch (error) {
    throw new FlyError(`failed to parse command for process group ${group}: ${(error as Error).message}`);
  }
}

/** [[vm]] for a group: the section naming it, else one without processes, else shared-cpu-1x. */
export function guestFor(config: AppConfig, group: string): Guest {
  const section = config.vms.find((v) => v.processes.includes(group)) ?? config.vms.find((v) => v.processes.length === 0);
  const guest: Guest = { ...PRESETS["shared-cpu-1x"] };
  if (!section) return guest;
  if (section.size) {
    const preset = PRESETS[section.size];
    if (!preset) throw new FlyError(`invalid machine size requested, '${section.size}'`);
    Object.assign(guest, preset);
  }
  if (section.cpuKind) guest.cpu_kind = section.cpuKind;
  if (section.cpus !== undefined) {
    guest.cpus = section.cpus;
    if (section.memoryMb === undefined && !section.size) guest.memory_mb = (guest.cpu_kind === "performance" ? 2048 : 256) * section.cpus;
  }
  if (section.memoryMb !== undefined) guest.memory_mb = section.memoryMb;
  return guest;
}

/** Groups served by [http_service] (an empty `processes` list means every group). */
export function httpServiceFor(config: AppConfig, group: string): AppConfig["httpService"] | undefined {
  const hs = config.httpService;
  if (!hs) return undefined;
  return hs.processes.length === 0 || hs.processes.includes(group) ? hs : undefined;
}
