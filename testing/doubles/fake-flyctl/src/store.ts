/**
 * The state store: state.json in FAKE_FLY_STATE_DIR, written whole (temp file + rename) under a lock
 * file taken with O_EXCL. CLI invocations and machine supervisors write concurrently, so every
 * read-modify-write goes through `update`. A lock whose holder is dead, or that is older than
 * LOCK_STALE_MS, is taken over.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { FlyError } from "./errors";
import { sleepSync } from "./time";

export interface Secret {
  value: string;
  digest: string;
  createdAt: string;
  /** Set with --stage (or before the first deploy) and not yet on any machine. */
  staged: boolean;
}

export interface HttpCheck {
  path: string;
  method: string;
}

/** The fly.toml as far as the fake reads it (see flyToml.ts). */
export interface AppConfig {
  app?: string;
  primaryRegion: string;
  env: Record<string, string>;
  /** Process group -> command line (split with shlex when a machine is built). */
  processes: Record<string, string>;
  vms: VmSection[];
  httpService?: { internalPort: number; processes: string[]; checks: HttpCheck[] };
  strategy?: string;
  killSignal: string;
  killTimeoutMs: number;
}

export interface VmSection {
  size?: string;
  memoryMb?: number;
  cpus?: number;
  cpuKind?: string;
  processes: string[];
}

export interface Release {
  version: number;
  status: "running" | "complete" | "failed";
  image: string;
  strategy: string;
  createdAt: string;
  config: AppConfig;
}

export interface Guest {
  cpu_kind: string;
  cpus: number;
  memory_mb: number;
}

export interface MachineConfig {
  image: string;
  /** The non-secret env (fly.toml [env] or --env); secrets are added when the process starts. */
  env: Record<string, string>;
  guest: Guest;
  metadata: Record<string, string>;
  init: { cmd: string[] };
  restart: { policy: "no" | "always" | "on-failure"; max_retries?: number };
}

export interface MachineEvent {
  type: string;
  status: string;
  source: "flyd" | "user";
  timestamp: number;
  request?: Record<string, unknown>;
}

export type MachineState = "created" | "starting" | "started" | "stopping" | "stopped" | "destroying";

export type MachineFault = { mode: "lose-machine"; afterMs: number } | { mode: "exit-code"; exitCode: number; oomKilled: boolean };

export interface Machine {
  id: string;
  name: string;
  app: string;
  state: MachineState;
  region: string;
  instanceId: string;
  createdAt: string;
  updatedAt: string;
  config: MachineConfig;
  /** fly_process_group for machines made by deploy/scale; null for `machine run`. */
  processGroup: string | null;
  /** Local port the process listens on (its PORT) when its group has an http_service. */
  hostPort: number | null;
  /** The http_service check deploys wait for (GET 127.0.0.1:hostPort + path -> 200). */
  check: HttpCheck | null;
  killSignal: string;
  killTimeoutMs: number;
  /** pid of the machine's main process (its own process group) and of its supervisor. */
  pid: number | null;
  supervisorPid: number | null;
  /** Bumped on every start; a supervisor only writes for its own generation. */
  generation: number;
  /** The last generation whose process was spawned (so a quick exit still counts as started). */
  startedGeneration: number;
  /** Times the machine was started, and restarted by deploys/secrets (starts - 1). */
  starts: number;
  restarts: number;
  /** Restarts done by the restart policy after a crash. */
  policyRestarts: number;
  stopRequested: boolean;
  /** Digest of the app secrets the running process got. */
  secretsDigest: string;
  events: MachineEvent[];
  fault?: MachineFault;
}

export interface AppState {
  id: string;
  name: string;
  org: string;
  status: "pending" | "deployed";
  deployed: boolean;
  createdAt: string;
  secrets: Record<string, Secret>;
  releases: Release[];
  machines: Record<string, Machine>;
}

export interface State {
  apps: Record<string, AppState>;
  /** Names taken by apps of other organizations (tests seed these). */
  foreignApps?: string[];
}

const LOCK_STALE_MS = 15_000;
const LOCK_WAIT_MS = 60_000;

function statePath(dir: string): string {
  return path.join(dir, "state.json");
}

function emptyState(): State {
  return { apps: {}, foreignApps: [] };
}

export function pidAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function acquire(dir: string): string {
  const file = path.join(dir, "state.lock");
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    try {
      const stat = fs.statSync(file);
      const holder = Number(fs.readFileSync(file, "utf8"));
      const age = Date.now() - stat.mtimeMs;
      const deadHolder = holder > 0 && !pidAlive(holder);
      // An empty file is a lock being written; only its age makes it stale.
      if (deadHolder || age > LOCK_STALE_MS) {
        const stale = `${file}.stale.${process.pid}`;
        fs.renameSync(file, stale);
        fs.unlinkSync(stale);
        continue;
      }
    } catch {
      // The lock went away (or was taken over) between the calls: try again.
    }
    if (Date.now() > deadline) throw new FlyError(`fake-flyctl: timed out waiting for the state lock ${file}`);
    sleepSync(3 + Math.random() * 7);
  }
}

function release(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // Taken over as stale: nothing to release.
  }
}

/** A consistent snapshot (state.json is only ever replaced whole). */
export function readState(dir: string): State {
  try {
    const state = JSON.parse(fs.readFileSync(statePath(dir), "utf8")) as State;
    state.apps ??= {};
    state.foreignApps ??= [];
    return state;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw new FlyError(`fake-flyctl: cannot read ${statePath(dir)}: ${(error as Error).message}`);
  }
}

function writeState(dir: string, state: State): void {
  const tmp = `${statePath(dir)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2));
  fs.renameSync(tmp, statePath(dir));
}

/** Read-modify-write under the lock. `fn` must be synchronous and quick. */
export function update<T>(dir: string, fn: (state: State) => T): T {
  fs.mkdirSync(dir, { recursive: true });
  const lock = acquire(dir);
  try {
    const state = readState(dir);
    const result = fn(state);
    writeState(dir, state);
    return result;
  } finally {
    release(lock);
  }
}

/** Under the lock, change one machine if it still exists (returns undefined otherwise). */
export function updateMachine<T>(dir: string, app: string, id: string, fn: (m: Machine, a: AppState) => T): T | undefined {
  return update(dir, (state) => {
    const a = state.apps[app];
    const m = a?.machines[id];
    return m ? fn(m, a) : undefined;
  });
}

export function getMachine(dir: string, app: string, id: string): Machine | undefined {
  return readState(dir).apps[app]?.machines[id];
}
